/* hss-private.h: the HSS state shared by hss.c (the kind, Cx) and hss-zh.c (Zh, TS 29.109 §4.2).
 * Not for other files: nodes talk to the HSS over Diameter only. */
#pragma once
#include "nodes/ims/diameter-node.h"
#include "protocols/aka/aka.h"
#include "protocols/diameter/cx.h"

typedef struct {
    char *record;
    char *impi;
    char **impus; /* the first is the default public identity */
    char **pseudonyms;
    char **barred;
    AkaHn *hn;
    uint8_t amf[AKA_AMF_LEN];
    char *scscf;            /* stored S-CSCF name, NULL when none */
    GHashTable *registered; /* IMPU (borrowed from impus) -> itself */
} HssSub;

typedef struct {
    uint64_t uar, mar, sar, lir, vectors, resyncs, resync_failures, rejected;
    uint64_t zh_mar; /* Zh MARs that parsed */
} HssStats;

typedef struct {
    SimNode *node;
    char *scscf_uri;       /* Server-Name handed out at first registration */
    uint32_t gba_lifetime; /* seconds: the GUSS key lifetime given to a BSF */
    DiameterNode *dn;
    GPtrArray *subs;       /* HssSub*, owned */
    GHashTable *by_impi;   /* IMPI -> HssSub* */
    GHashTable *by_impu;   /* IMPU -> HssSub* */
    HssStats stats;
} Hss;

/* TRUE if S is one of the strings of V (both may be NULL). */
gboolean hss_strv_has(char **v, const char *s);
/* An answer's Session-Id, identifiers (borrowed from REQ) and the HSS's Origin-Host/-Realm. */
void hss_answer_common(Hss *h, const CxCommon *req, CxCommon *a);
/* Counts a rejection and raises "hss-rejected" (command abbreviation of APP, result, reason). */
void hss_rejected_event(Hss *h, uint32_t app, uint32_t command, uint32_t result, const char *why);
/* The RFC 6733 §7.2 answer for a request no application parser accepted (raises hss-rejected). */
GBytes *hss_generic_answer(Hss *h, const DiameterMsg *req, uint32_t result, const char *why);

/* The AuC step of a MAR, Cx or Zh alike: when REQ (the request's SIP-Auth-Data-Item) carries
 * RAND || AUTS, resynchronise S first (TS 33.102 §6.3.5, event "hss-resync"); then one fresh vector
 * into ITEM (TS 29.229 §6.3.13: item number 1, SCHEME, RAND || AUTN, XRES, CK, IK). FALSE with
 * *RESULT the answer's result when the AUTS does not verify (5003) or SQN is exhausted (5012).
 * Wipe ITEM with OPENSSL_cleanse after use. */
gboolean hss_auth_vector(Hss *h, HssSub *s, const CxAuthDataItem *req, const char *scheme, uint32_t app,
                         CxAuthDataItem *item, CxResult *result);

/* hss-zh.c: the answer to a Zh MAR from a BSF (never NULL unless a length overflowed). */
GBytes *hss_zh_mar(Hss *h, const DiameterMsg *msg);
