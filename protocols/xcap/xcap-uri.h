/* xcap-uri.h: the XCAP resource a request addresses (RFC 4825 §6).
 *
 * An HTTP request-target (path, optional query) below the XCAP root is split into the
 * application usage (AUID), the document selector (global or users/XUI, then the document path)
 * and, after the "~~" separator, the node selector. Percent-encoding is decoded per step after the
 * split (§6.3: a node selector is percent-encoded inside the URI). The query may carry namespace
 * bindings xmlns(prefix=namespace) for the node selector (§6.4). Parsing of the node selector steps
 * is xcap-node.h's.
 * Tests: tests/unit/test-xcap.c.
 */
#pragma once
#include <glib.h>

#define XCAP_ERROR (xcap_error_quark())
GQuark xcap_error_quark(void);
typedef enum {
    XCAP_ERROR_URI = 1,      /* the request-target is not an XCAP URI under the root */
    XCAP_ERROR_SELECTOR,     /* the node selector does not follow §6.3 */
    XCAP_ERROR_XML,          /* a body that is not well-formed XML or not a single element */
} XcapError;

typedef struct {
    char *auid;          /* "pres-rules", "resource-lists", "rls-services", "xcap-caps" */
    gboolean global;     /* "global" tree instead of "users" */
    char *xui;           /* users tree: the XCAP User Identifier, e.g. "sip:alice@home.net" */
    char *document;      /* the path below the XUI (or below global), e.g. "index" */
    char *node_selector; /* decoded; NULL when the URI selects the whole document */
    /* Namespace bindings from the query: prefix -> namespace URI (may be empty, never NULL). */
    GHashTable *ns_bindings;
} XcapUri;

/* TARGET: the HTTP request-target (origin-form); ROOT: the XCAP root path, e.g. "/xcap-root"
 * (no trailing slash). */
XcapUri *xcap_uri_parse(const char *target, const char *root, GError **error);
void xcap_uri_free(XcapUri *uri);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(XcapUri, xcap_uri_free)

/* The request-target for a resource (percent-encoding what must be encoded). NODE_SELECTOR may be
 * NULL. g_free the result. */
char *xcap_uri_build(const char *root, const char *auid, const char *xui, const char *document,
                     const char *node_selector);
