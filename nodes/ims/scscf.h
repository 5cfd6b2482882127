/* scscf.h: the Serving-CSCF: registrar and authenticator of the home network (TS 24.229 §5.4,
 * TS 33.203 §6.1, RFC 3310, RFC 4169) and notifier of the reg event package (RFC 3680).
 *
 * REGISTER: IMS AKA through the HSS (MAR → 401 with the nonce base64(RAND || AUTN) and the ik/ck the
 * P-CSCF takes out, TS 24.229 §5.4.1.2.1), resynchronisation from auts (MAR with RAND || AUTS), the
 * Digest check of the response with XRES as password (AKAv1-MD5, or AKAv2-MD5 where the password is
 * derived from RES, IK and CK), then SAR and 200 OK with the bindings, P-Associated-URI, Service-Route
 * and the Path echoed. A REGISTER the P-CSCF marks integrity-protected="yes" from a registered user
 * is accepted without a new challenge. De-registration by the user (expires 0), by expiry of the
 * bindings, or by the network (action `network-deregister`). The reg event package: SUBSCRIBE to a
 * registered identity, NOTIFY with application/reginfo+xml on every change.
 * Keys: `hss`, `reg-expires` (longest registration granted), `auth-algorithm` (AKAv1-MD5 or AKAv2-MD5).
 * Not done: originating/terminating session routing, initial filter criteria and application
 * servers, several registration flows (RFC 5626), GRUU, authorisation of reg-event subscribers.
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_scscf;
/* network-deregister (key `impu`): administrative de-registration of that identity's implicit
 * registration set (TS 24.229 §5.4.1.5): NOTIFY to the reg-event subscribers, SAR
 * ADMINISTRATIVE_DEREGISTRATION. */
extern const SimActionKind sim_action_network_deregister;
