/* xcap-usage.h: the XCAP application usages the server knows (RFC 4825 §5): for each AUID its MIME
 * type, default document namespace, validation and uniqueness constraints.
 *
 *  - pres-rules (RFC 5025 §9): application/auth-policy+xml, a <cp:ruleset>; rule ids unique.
 *  - resource-lists (RFC 4826 §3.4): application/resource-lists+xml; list names unique among
 *    sibling lists, entry URIs (and entry-ref refs, external anchors) unique within a list.
 *  - rls-services (RFC 4826 §4.4): application/rls-services+xml; service URIs unique in the document.
 *  - xcap-caps (RFC 4825 §12): application/xcap-caps+xml, global "index" only, read-only.
 * Validation is the project's own parsers (pres_rules_parse, rlist_doc_parse, rls_services_parse)
 * after a check of the root element and its namespace; no XML Schema engine runs.
 * Not here: the cross-document constraints (RLS service URIs unique over all users, RFC 4826 §4.4.5).
 * Tests: tests/unit/test-xcap.c.
 */
#pragma once
#include <glib.h>
#include <libxml/tree.h>

typedef struct {
    const char *auid;
    const char *mime_type;
    const char *default_ns; /* unprefixed names of a node selector (RFC 4825 §5.2) */
    const char *root_ns;    /* the root element a document must have */
    const char *root_name;
    gboolean read_only;     /* xcap-caps: the server writes it, clients only GET */
    gboolean global_only;   /* documents live in the global tree only */
} XcapUsage;

typedef enum {
    XCAP_USAGE_VALID = 0,
    XCAP_USAGE_INVALID,    /* 409 <schema-validation-error> */
    XCAP_USAGE_NOT_UNIQUE, /* 409 <uniqueness-failure> */
} XcapUsageVerdict;

/* The usage of AUID, or NULL when the server does not support it. */
const XcapUsage *xcap_usage_find(const char *auid);
/* All usages, in a fixed order; N gets their count. */
const XcapUsage *xcap_usage_all(guint *n);

/* Checks DOC (printed as BYTES, which the parsers read) against U's constraints. On failure DETAIL
 * gets a phrase and, for XCAP_USAGE_NOT_UNIQUE, FIELD the node selector of the duplicate value
 * (RFC 4825 §11.2 <exists field>). g_free both; they are left NULL on success. */
XcapUsageVerdict xcap_usage_validate(const XcapUsage *u, xmlDoc *doc, GBytes *bytes, char **field, char **detail);

/* The xcap-caps document (RFC 4825 §12.2) listing every usage's AUID and namespaces. */
GBytes *xcap_usage_caps_document(void);
