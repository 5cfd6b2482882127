/* sec-agree.h: the IPsec mechanism lists of IMS Sec-Agree and how each side chooses (RFC 3329,
 * TS 33.203 §7.1, §7.2 and Annex H; seed 002 §8.1.2.2).
 *
 * A mechanism is "ipsec-3gpp" with alg (integrity) and, from Rel-6 on, ealg (encryption). "No ealg"
 * (a Rel-5 mechanism) and ealg=null both mean integrity only.
 *  - UE offer (Security-Client): Rel-5: hmac-sha-1-96 and hmac-md5-96 without ealg. Rel-6: every alg
 *    with aes-cbc, des-ede3-cbc and null, then the two Rel-5 mechanisms so that a Rel-5 P-CSCF can
 *    still pick one.
 *  - P-CSCF list (Security-Server), in its priority order: Rel-5: the two algs without ealg. Rel-6
 *    with confidentiality = ipsec: aes-cbc combinations, then des-ede3-cbc, then null, then the Rel-5
 *    mechanisms ("Release 6 algorithms must have higher priority than Release 5 algorithms"). Rel-6
 *    with trust-access-network: as Rel-5, no encryption offered (seed 002 §8.1.2.2 NOTE).
 *  - Choice: the P-CSCF takes the first mechanism of its own list that the UE offered; the UE takes
 *    the first mechanism of the Security-Server list it supports. Both give the same answer.
 */
#pragma once
#include "protocols/ipsec/esp.h"
#include "protocols/sip/sip-headers.h"
#include "sim-core/sim-config.h"

typedef struct {
    EspAuthAlg alg;
    gboolean has_ealg; /* FALSE: a Rel-5 mechanism without ealg */
    EspEncrAlg ealg;   /* ESP_ENCR_NULL when !has_ealg */
} SecAgreeAlgs;

typedef struct {
    guint32 spi_c, spi_s;
    guint16 port_c, port_s;
} SecAgreeEndpoint;

/* The UE's Security-Client list for RELEASE (5 or 6). */
GPtrArray *sec_agree_ue_offer(int release, const SecAgreeEndpoint *ue);
/* The P-CSCF's Security-Server list. ENCRYPT: offer ealg (Rel-6 with confidentiality = ipsec). */
GPtrArray *sec_agree_pcscf_offer(int release, gboolean encrypt, const SecAgreeEndpoint *pcscf);
/* The algorithms of a mechanism; FALSE when it is not an ipsec-3gpp mechanism presim knows. */
gboolean sec_agree_algs(const SipSecMechanism *mech, SecAgreeAlgs *out);
/* Whether a UE of RELEASE can use ALGS. */
gboolean sec_agree_ue_supports(int release, const SecAgreeAlgs *algs);
/* The P-CSCF's choice: the first of OWN that UE_OFFER also holds (same alg, same ealg or both without
 * encryption in the same form); NULL when none. */
const SipSecMechanism *sec_agree_pcscf_select(const GPtrArray *own, const GPtrArray *ue_offer);
/* The UE's choice in the P-CSCF's SERVER list; NULL when none. */
const SipSecMechanism *sec_agree_ue_select(int release, const GPtrArray *server);
/* The endpoint parameters (spi-c, spi-s, port-c, port-s) of a mechanism; FALSE if one is missing. */
gboolean sec_agree_endpoint(const SipSecMechanism *mech, SecAgreeEndpoint *out);
/* TRUE when ALGS encrypt (an ealg other than null). */
gboolean sec_agree_encrypts(const SecAgreeAlgs *algs);
/* Load-time check of a node's port-c and port-s keys (they and 5060 must all differ), in the form of
 * SimNodeKind.check so the UE and P-CSCF kinds use it as theirs. */
gboolean sec_agree_check_ports(const char *name, const SimConfig *cfg, const char **bad_key, GError **error);
/* "hmac-sha-1-96/aes-cbc", "hmac-md5-96/-" (no ealg) for reports. */
char *sec_agree_algs_text(const SecAgreeAlgs *algs);
