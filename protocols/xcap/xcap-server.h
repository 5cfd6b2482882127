/* xcap-server.h: an XCAP server's documents and the RFC 4825 semantics of GET, PUT and DELETE.
 *
 * It holds the documents of each application usage, keyed by (AUID, XUI, document path), and answers
 * a request on a document, an element, an attribute or a namespace binding set (§7, §8):
 *  - GET: the document (its AUID's MIME type), an element (application/xcap-el+xml), an attribute
 *    (application/xcap-att+xml) or the namespace bindings (application/xcap-ns+xml).
 *  - PUT: creates or replaces a document (validated by the application usage) or an element /
 *    attribute, with the §8.2 rules: the parent must exist (409 <no-parent>), the body must be a
 *    single well-formed element of the right MIME type (409 <not-xml-frag>, 415), the result must be
 *    selected by the same URI again (409 <cannot-insert>) and stay valid and unique (409
 *    <schema-validation-error>, <uniqueness-failure>).
 *  - DELETE: a document, an element or an attribute; deleting must leave a valid document (409
 *    <cannot-delete>).
 *  - Every document has an entity tag; GET answers it, PUT and DELETE answer the new one; If-Match
 *    and If-None-Match (RFC 9110 §13.1.1, §13.1.2, "*" included) give 412, or 304 for a GET.
 * Error bodies are application/xcap-error+xml (§11). ETags are derived from the document bytes and
 * a per-document version, so runs repeat.
 * Application usages built in: pres-rules (RFC 5025 §9: application/auth-policy+xml, default
 * namespace urn:ietf:params:xml:ns:pres-rules, unique rule ids), resource-lists (RFC 4826 §3.4:
 * application/resource-lists+xml, unique list names and entry URIs within a list), rls-services
 * (RFC 4826 §4.4) and xcap-caps (RFC 4825 §12, read-only, global).
 * Authorization is the caller's: the server does not know who asks.
 * Tests: tests/unit/test-xcap.c.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

typedef struct XcapServer XcapServer;

typedef struct {
    guint status;        /* 200, 201, 304, 400, 404, 405, 409, 412, 415, 500 */
    char *etag;          /* quoted entity tag of the document after the request, or NULL */
    char *content_type;  /* of BODY, or NULL */
    GBytes *body;        /* response body (the resource, or an XCAP error document), or NULL */
    char *allow;         /* for 405: the Allow field value */
} XcapResponse;

void xcap_response_clear(XcapResponse *r);

/* Called after a PUT or DELETE changed a document (also when it created or removed it). */
typedef void (*XcapChangedFunc)(const char *auid, const char *xui, const char *document, void *user);

/* ROOT: the XCAP root path, e.g. "/xcap-root". */
XcapServer *xcap_server_new(const char *root);
void xcap_server_free(XcapServer *srv);
const char *xcap_server_root(const XcapServer *srv);
void xcap_server_set_changed(XcapServer *srv, XcapChangedFunc fn, void *user);

/* Handles one request. TARGET is the HTTP request-target; IF_MATCH / IF_NONE_MATCH the field
 * values or NULL; CONTENT_TYPE and BODY those of the request (BODY NULL/0 for none). Always fills
 * OUT (a 4xx when the request is bad); the caller clears it. */
void xcap_server_handle(XcapServer *srv, const char *method, const char *target, const char *if_match,
                        const char *if_none_match, const char *content_type, const uint8_t *body, size_t len,
                        XcapResponse *out);

/* The XUI and AUID a request-target addresses (for the caller's authorization check), without
 * handling it. FALSE if TARGET is not an XCAP URI under the root. g_free the outputs. */
gboolean xcap_server_target_owner(const XcapServer *srv, const char *target, char **auid, char **xui,
                                  gboolean *global);

/* Stores a document directly (scenario initial data), validated like a PUT. */
gboolean xcap_server_put_document(XcapServer *srv, const char *auid, const char *xui, const char *document,
                                  const char *xml, size_t len, GError **error);
/* The current bytes of a document, or NULL; ETAG (may be NULL) gets its entity tag. */
GBytes *xcap_server_get_document(const XcapServer *srv, const char *auid, const char *xui, const char *document,
                                 const char **etag);
