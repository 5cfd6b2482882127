/* scscf-common.h: what the S-CSCF and the I-CSCF share (home-network CSCFs, TS 24.229 §5.3, §5.4).
 *
 * Identities: the address-of-record form of a SIP or tel URI ("sip:user@host", no port, no
 * parameters) under which the HSS knows public identities. Proxying (RFC 3261 §16.6): Max-Forwards
 * check and decrement, the proxy's own Via on top, its own Route removed (loose routing, RFC 3261
 * §16.4), the top Via removed from a response going back. Cx client plumbing: the routing AVPs of a
 * request to the HSS (TS 29.229 §6.1; Origin = the node's host name and domain, Destination = the
 * HSS's) and the kind check of a `hss` key.
 * Not a module of its own in the tree's sense: it would be nodes/ims/cscf-common once the P-CSCF
 * shares it too.
 */
#pragma once
#include "nodes/ims/diameter-node.h"
#include "nodes/ims/ims-common.h"
#include "nodes/ims/sip-node.h"
#include "protocols/diameter/cx.h"
#include "protocols/sip/sip-headers.h"

/* "sip:user@host" (or "sips:", or "tel:NUMBER") of URI without port, parameters or headers; NULL if
 * URI has no host / number. g_free. */
char *cscf_uri_aor(const osip_uri_t *uri);
/* The same from a URI in text (with or without <>). */
char *cscf_text_aor(const char *text);
/* The private identity a request names: Authorization's username, else derived from the public
 * identity (TS 23.003 §13.3: user@host of the SIP URI). g_free; NULL if neither is usable. */
char *cscf_request_impi(const osip_message_t *req, const char *impu);
/* The Authorization header of REQ typed (sip_auth_parse, keeps ik/ck/integrity-protected/auts), or
 * NULL when absent; *MALFORMED is set when present but unparsable. Free with sip_auth_free(). */
SipAuth *cscf_request_auth(const osip_message_t *req, gboolean *malformed);
/* The Expires header value in seconds, or -1 when absent; -2 when malformed. */
gint64 cscf_request_expires(const osip_message_t *req);

/* The SIP status a proxy must answer instead of forwarding (483 when Max-Forwards is 0, 400 when it
 * is malformed), or 0 when it may forward. */
int cscf_max_forwards_check(const osip_message_t *req);
/* Prepares a clone of a request for forwarding: Max-Forwards decremented (70 inserted when absent),
 * Via "SIP/2.0/UDP HOST:5060;branch=BRANCH" on top, and ROUTE_URI (NULL: none) pushed as the top
 * Route "<ROUTE_URI;lr>". FALSE with an error if libosip2 refuses a value. */
gboolean cscf_forward_prepare(osip_message_t *msg, const char *host, const char *branch, const char *route_uri,
                              GError **error);
/* Removes the top Route if it names NODE (its host name, node name or an address of it). */
void cscf_pop_own_route(osip_message_t *msg, const SimNode *node);
/* Removes the top Via (the proxy's own, from a response it relays). */
void cscf_pop_via(osip_message_t *msg);
/* A UDP peer for the host part of a SIP URI, sent from port 5060. FALSE if it does not resolve. */
gboolean cscf_peer_for_uri(const SimWorld *world, const char *uri, SipPeer *out);

/* The node named NAME, which must be of kind KIND (for the `hss` / `scscf` keys). */
SimNode *cscf_node_of_kind(SimWorld *world, const char *name, const char *kind, GError **error);
/* Fills the routing AVPs of a Cx request from DN to HSS (g_malloc'd strings: the parser-side
 * cx_*_clear() frees them) with fresh ids and Session-Id. */
void cscf_cx_request_common(DiameterNode *dn, const SimNode *hss, CxCommon *c);
/* "2001", "5001 (DIAMETER_ERROR_USER_UNKNOWN)" style text for events. g_free. */
char *cscf_result_text(const CxResult *r);
