/* ims-common.h: conventions every IMS node of presim follows.
 *
 * Names. A node's host name is "<node>.<domain>" (the node's `domain` key; the node name alone when it
 * has none). Its Diameter identity (Origin-Host) is that host name and its realm is the domain
 * (RFC 6733 §6.3/§6.4). A CSCF's SIP URI is "sip:<host name>:5060" (the S-CSCF's is the Server-Name
 * the HSS hands out, TS 29.229 §6.3.4).
 * Resolution. No DNS is modelled: ims_resolve() maps a host name (or a node name, or an address
 * literal) to the node's first IPv4 address (its first IPv6 one when it has no IPv4), as a zone
 * file for the scenario's nodes would.
 * Ports. SIP on UDP 5060 everywhere; Diameter on TCP 3868.
 */
#pragma once
#include "sim-core/sim-node.h"

#define IMS_SIP_PORT 5060
#define IMS_CX_APP_ID 16777216 /* TS 29.229 §6.1 */

/* "<node>.<domain>" or the node name; free with g_free. */
char *ims_host_name(const SimNode *node);
/* "sip:<host name>:5060"; free with g_free. */
char *ims_sip_uri(const SimNode *node);
/* The node's primary address (see above); FALSE when it has none. */
gboolean ims_node_address(const SimNode *node, SimAddr *out);
/* TARGET's address on a prefix FROM also has an address on (the neighbour's own side of a shared
 * link), else its primary address. */
gboolean ims_node_address_toward(const SimNode *target, const SimNode *from, SimAddr *out);
/* TRUE if A is one of NODE's interface addresses. */
gboolean ims_node_has_address(const SimNode *node, const SimAddr *a);
/* The node that holds address A (who sent a packet), or NULL. */
SimNode *ims_node_by_address(const SimWorld *world, const SimAddr *a);
/* Resolves HOST (a host name, a node name, or an IPv4/IPv6 literal, with or without [brackets]). */
gboolean ims_resolve(const SimWorld *world, const char *host, SimAddr *out);
/* Resolves the host part of a SIP URI ("sip:scscf1.home.net:5060;lr"), with its port (5060 if
 * absent). */
gboolean ims_resolve_uri(const SimWorld *world, const char *uri, SimAddr *out, uint16_t *port);
/* The realm of an IMPI "user@realm" (pointer into IMPI) or NULL. */
const char *ims_impi_realm(const char *impi);
/* Lower-case hex of LEN bytes; free with g_free. */
char *ims_hex(const uint8_t *data, size_t len);
