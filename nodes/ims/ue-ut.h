/* ue-ut.h: the UE's Ut client: GBA bootstrapping over Ub (TS 33.220 §4.5.2, TS 24.109 §4) and XCAP
 * (RFC 4825) through the Authentication Proxy over HTTPS (TS 33.222 §5.3 / §5.4).
 *
 * The UE bootstraps when it has no valid B-TID, when its lifetime has passed, or when the AP shows
 * it is stale (a 401 to a request that carried it, or a PSK handshake refused), then retries once.
 * Actions `xcap` and `gba-bootstrap` drive it; operations run one at a time in action order. Each
 * operation is measured: simulated latency, HTTP exchanges, TCP and TLS handshakes (round trips),
 * bytes on TCP, whether a bootstrap was needed. Host CPU in TLS and in the GBA KDF goes to host.json
 * (categories "<node>:tls" and "<node>:gba-kdf").
 */
#pragma once
#include "nodes/node-kind.h"
#include "protocols/aka/aka.h"

typedef struct UeUt UeUt;

#define UE_UT_KEYS                                                                                                 \
    {"bsf", SIM_KEY_LIST, "", "the BSF the UE bootstraps with over Ub (needed for xcap actions)", NULL, 0, 0,      \
     "node"},                                                                                                      \
        {"ap", SIM_KEY_LIST, "", "the Authentication Proxy (NAF) of Ut (needed for xcap actions)", NULL, 0, 0,     \
         "node"},                                                                                                  \
        {"ut-security", SIM_KEY_ENUM, "psk", "Ua security: shared-key TLS (TS 33.222 §5.4) or certificate TLS "   \
         "with HTTP Digest (§5.3); must match the AP's ua-security", ue_ut_security_choices, 0, 0, NULL},          \
        {"xcap-root", SIM_KEY_STRING, "/xcap", "path of the XCAP root behind the AP (the PS's xcap-root path)",    \
         NULL, 0, 0, NULL}

extern const char *const ue_ut_security_choices[];
extern const SimActionKind sim_action_xcap;
extern const SimActionKind sim_action_gba_bootstrap;

/* USIM, IMPI and IMPU belong to the UE and must outlive the client. */
UeUt *ue_ut_new(SimNode *node, AkaUsim *usim, const char *impi, const char *impu, const SimConfig *cfg,
                GError **error);
void ue_ut_free(UeUt *ut);
UeUt *ue_ut_of(SimNode *node); /* ue.c */
void ue_ut_report(UeUt *ut, SimReport *r);
