/* ap.h: the Authentication Proxy (TS 33.222 §4.3, §6; seed 000 §8.2): a NAF in front of the
 * Presence Server's XCAP (Ut) that terminates HTTPS from the UE, authenticates the user with keys
 * bootstrapped by GBA, and forwards the request to the PS with the identity it vouches for.
 *
 * Ua (UE side, HTTPS on `port`, default 443), by `ua-security`:
 *  - psk (TS 33.222 §5.4): TLS-PSK, hint "3GPP-bootstrapping", the B-TID as PSK identity and
 *    Ks_NAF (NAF-Id = host name || Ua id of the negotiated suite, TS 33.220 Annex H.3) as key;
 *  - cert-digest (§5.3): TLS with the AP's certificate from the scenario CA, then HTTP Digest
 *    (realm "3GPP-bootstrapping@<host>", username B-TID, password base64(Ks_NAF), TS 24.109 §5.2).
 * Zn (to the BSF named by `bsf`, Diameter TCP 3868, TS 29.109 §4.2): BIR for each B-TID it has no
 * valid key for; the answer (IMPI, Ks_NAF, expiry, the user's presence GUSS) is cached per (B-TID,
 * NAF-Id) until the key expires.
 * Identity (§6.3): the claimed IMPU (X-3GPP-Intended-Identity, else the XUI, else the first GUSS
 * IMPU) must be one of the user's GUSS IMPUs, else 403. Allowed requests go to the PS (`ps`,
 * `ps-port`) over one persistent plain HTTP connection with X-3GPP-Asserted-Identity; the B-TID and
 * the IMPI are never forwarded, and X-3GPP-Asserted-Identity from the UE is dropped on arrival.
 * Events: "ua-auth", "ua-identity", "ut-forward". Not done: TLS renegotiation and session resumption,
 * Digest with qop=auth-int, the Ks_int_NAF (GBA_U) keys, NAF-initiated key refresh.
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_ap;
