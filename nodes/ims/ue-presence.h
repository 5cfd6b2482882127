/* ue-presence.h: the UE's presence user agent (PUA and watcher, TS 24.141 §5.1), private to ue.c and
 * ue-presence.c (node-kind.c also takes the action tables from here).
 *
 * The UE hands its SIP traffic to ue_presence_handle_*() first, tells it when the registration is up
 * (ue_presence_registered(): the SipUa's next hop is the P-CSCF's protected port) and when it is gone
 * (ue_presence_deregistered(): every subscription and publication ends, nothing is sent). The scenario
 * drives it with the actions below and the UE keys of UE_PRESENCE_KEYS.
 */
#pragma once
#include "nodes/ims/sip-ua.h"
#include "nodes/node-kind.h"

typedef struct UePresence UePresence;

/* The UE's presence keys, spliced into its key table (off by default). */
#define UE_PRESENCE_KEYS                                                                                            \
    {"publish-interval", SIM_KEY_TIME, "0",                                                                        \
     "mean of the exponential gaps between automatic publishes once registered; 0: none", NULL, 0, 0, NULL},      \
    {"activity-choices", SIM_KEY_LIST, "available, busy, on-the-phone, away, meeting",                            \
     "RPID activities an automatic publish draws from, uniformly (\"available\": no activity)", NULL, 0, 0, NULL}, \
    {"watch", SIM_KEY_LIST, "", "presentities or lists (URIs) subscribed to automatically once registered", NULL, \
     0, 0, NULL},                                                                                                   \
    {"watch-duration", SIM_KEY_TIME, "0",                                                                          \
     "mean (exponential) of an automatic subscription's life, and of the pause before the next; 0: until the end", \
     NULL, 0, 0, NULL}

/* NODE's presence state (defined in ue.c: the Ue is private there), or NULL. */
UePresence *ue_presence_of(SimNode *node);

/* Reads the UE_PRESENCE_KEYS of CFG. SN and IMPU must outlive it. Free with ue_presence_free(). */
UePresence *ue_presence_new(SimNode *node, SipNode *sn, const char *impu, const SimConfig *cfg);
void ue_presence_free(UePresence *p);
/* The registration is up (again): creates or reconfigures the SipUa with CFG, starts the automatic
 * watches and publishes the first time. */
void ue_presence_registered(UePresence *p, const SipUaConfig *cfg);
/* The registration is gone (or going): frees the SipUa without sending, stops the traffic model. */
void ue_presence_deregistered(UePresence *p);

gboolean ue_presence_handle_request(UePresence *p, SipTxn *txn, const osip_message_t *req);
gboolean ue_presence_handle_response(UePresence *p, SipTxn *txn, const osip_message_t *resp);
gboolean ue_presence_handle_failure(UePresence *p, SipTxn *txn, const char *why);

/* Adds the "presence" section to the UE's report section (nothing when presence was never used). */
void ue_presence_report(UePresence *p, SimReport *r);

extern const SimActionKind sim_action_publish;
extern const SimActionKind sim_action_unpublish;
extern const SimActionKind sim_action_subscribe;
extern const SimActionKind sim_action_unsubscribe;
