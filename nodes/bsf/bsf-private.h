/* bsf-private.h: state shared by bsf.c (the kind, the bootstrap table), bsf-ub.c (Ub over HTTP and
 * the Zh client) and bsf-zn.c (the Zn server). */
#pragma once
#include "nodes/bsf/bsf.h"
#include "nodes/ims/diameter-node.h"
#include "nodes/ims/http-node.h"
#include "protocols/gba/gba-guss.h"
#include "protocols/gba/gba-kdf.h"
#include "protocols/http/digest.h"

#define BSF_ZH_TIMEOUT (5 * SIM_S)      /* no MAA by then: the UE gets 500 */
#define BSF_MAX_BOOTSTRAPS_PER_IMPI 4   /* older live ones beyond this are dropped (bounded state) */
#define BSF_IMPI_MAX 256                /* longest username accepted on Ub */
#define BSF_NTP_UNIX_OFFSET INT64_C(2208988800) /* 1900-01-01 to 1970-01-01 (RFC 5905 §6) */

/* A completed bootstrap (TS 33.220 §4.5.2 step 6), keyed by its B-TID. */
typedef struct {
    char *btid;
    char *impi;
    uint8_t rand[GBA_RAND_LEN];
    uint8_t ks[GBA_KS_LEN]; /* CK || IK, wiped when freed */
    SimTime created, expiry; /* simulated ns */
    GbaGuss *guss;           /* NULL when the HSS sent none */
} BsfBootstrap;

/* An outstanding Ub challenge: one per IMPI (a newer request replaces it). */
typedef struct {
    char *impi;
    char *nonce; /* base64(RAND || AUTN) */
    uint8_t rand[DIGEST_AKA_RAND_LEN];
    uint8_t xres[DIGEST_AKA_RES_MAX];
    size_t xres_len;
    uint8_t ck[DIGEST_AKA_KEY_LEN], ik[DIGEST_AKA_KEY_LEN];
    GbaGuss *guss; /* the GUSS of the MAA, NULL when none; moves to the bootstrap */
} BsfChallenge;

typedef struct {
    uint64_t challenges;    /* 401s sent after an MAA */
    uint64_t bootstraps_ok; /* 200s with a B-TID */
    uint64_t resyncs;       /* AUTS forwarded to the HSS and answered with a new vector */
    uint64_t failures;      /* bootstraps that ended without a B-TID (403, 500) */
    uint64_t bad_requests;  /* 400 / 405 */
    uint64_t zh_failures;   /* no usable MAA (timeout, connection, malformed, error result) */
    uint64_t zn_ok, zn_refused, zn_malformed;
    uint64_t expired;       /* bootstraps removed at or after their expiry */
    uint64_t superseded;    /* live bootstraps dropped for BSF_MAX_BOOTSTRAPS_PER_IMPI */
} BsfStats;

typedef struct {
    SimNode *node;
    SimNode *hss;
    char *host;  /* the BSF name: realm on Ub, the domain part of B-TIDs, Origin-Host */
    char *realm; /* Origin-Realm: the node's domain */
    SimTime key_lifetime;
    GHashTable *nafs; /* host names of the NAFs allowed on Zn (owned keys); empty: any */
    HttpNode *hn;
    DiameterNode *zh; /* client to the HSS */
    DiameterNode *zn; /* server for the NAFs */
    GHashTable *challenges; /* IMPI -> BsfChallenge* (owned) */
    GHashTable *bootstraps; /* B-TID -> BsfBootstrap* (owned) */
    GHashTable *ops;        /* op id -> BsfOp* (owned, bsf-ub.c) */
    GHashTable *conns;      /* connection serial -> BsfConn* (owned, bsf-ub.c) */
    uint64_t next_op, next_conn;
    BsfStats stats;
} Bsf;

static inline SimTime bsf_now(const Bsf *b)
{
    return sim_world_now(b->node->world);
}

/* bsf.c: the bootstrap table. Lookup treats an expired entry as unknown and removes it. */
BsfBootstrap *bsf_bootstrap_lookup(Bsf *b, const char *btid);
/* Takes BS over (replacing any entry of the same B-TID) and enforces BSF_MAX_BOOTSTRAPS_PER_IMPI. */
void bsf_bootstrap_add(Bsf *b, BsfBootstrap *bs);
guint bsf_bootstrap_live(Bsf *b);
void bsf_bootstrap_free(gpointer p);
void bsf_challenge_free(gpointer p);
/* The "gba-bootstrap" event; BTID and REASON may be NULL. */
void bsf_bootstrap_event(Bsf *b, const char *impi, const char *btid, const char *outcome, const char *reason);
/* Simulated time T as NTP seconds (TS 29.109 Time AVPs): the Ut epoch (ut-ca.h) plus T. */
uint64_t bsf_ntp_seconds(SimTime t);

/* bsf-ub.c */
void bsf_ub_init(Bsf *b);
void bsf_ub_clear(Bsf *b);
void bsf_ub_request(HttpNode *hn, HttpConn *conn, const HttpMessage *msg, void *user);
void bsf_ub_closed(HttpNode *hn, HttpConn *conn, const char *why, void *user);
void bsf_zh_answer(DiameterNode *dn, const DiameterMsg *msg, void *req_user, void *user);

/* bsf-zn.c */
void bsf_zn_request(DiameterNode *dn, DiameterPeer *peer, const DiameterMsg *msg, void *user);
