/* icscf.h: the Interrogating-CSCF, the SIP entry point of the home network (TS 24.229 §5.3).
 *
 * REGISTER (§5.3.1): asks the HSS which S-CSCF serves the user (UAR: User-Name from Authorization,
 * Public-Identity from To, Visited-Network-Identifier from P-Visited-Network-ID or the domain) and
 * forwards the request there statefully (own Via, Max-Forwards decremented, nothing else touched),
 * relaying the responses back; UAA errors become 403 Forbidden (unknown user, identities that do not
 * match, barred, roaming not allowed) or 480 Temporarily Unavailable (anything else, HSS silent).
 * Other requests (§5.3.2, SUBSCRIBE, PUBLISH, MESSAGE, ...): LIR on the Request-URI, then forwarded
 * to the S-CSCF with its URI as the top Route; an unknown identity gets 404 Not Found.
 * Key `hss` names the HSS. SIP on UDP 5060.
 * Not done: THIG (topology hiding), S-CSCF selection from Server-Capabilities, requests leaving the
 * domain, Privacy at the edge (seed 000 §6.1.2.1; a later issue), CANCEL/INVITE.
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_icscf;
