/* ap-private.h: state shared by the files of the Authentication Proxy kind (ap.h):
 * ap.c (the kind, the key cache, the Zn client), ap-ua.c (Ua: TLS and Digest, per-connection
 * request order), ap-forward.c (identity check and the PS hop).
 */
#pragma once
#include "nodes/ap/ap-identity.h"
#include "nodes/ap/ap.h"
#include "nodes/ims/diameter-node.h"
#include "nodes/ims/http-node.h"
#include "protocols/gba/gba-kdf.h"

#define AP_KS_NAF_LEN 32
#define AP_NONCES_MAX 4096 /* Digest nonces remembered; the oldest is forgotten first */

typedef struct Ap Ap;
typedef struct ApConn ApConn;

/* What Zn told about one (B-TID, NAF-Id): refcounted, since connections keep the one they
 * authenticated with while the cache may replace it. Ks_NAF and the IMPI never leave the AP. */
typedef struct {
    int ref;
    char *btid;
    uint8_t ua_id[GBA_UA_ID_LEN];
    char *impi;
    uint8_t ks_naf[AP_KS_NAF_LEN];
    SimTime expiry; /* simulated time; SIM_TIME_NEVER when the BSF gave none */
    GbaGuss *guss;  /* the user's presence USSs; NULL when none came */
} ApKey;

typedef enum {
    AP_SLOT_NEW = 1, /* received, not looked at yet */
    AP_SLOT_WAIT_ZN, /* authentication waits for a Zn answer */
    AP_SLOT_WAIT_PS, /* forwarded, waits for the PS */
    AP_SLOT_DONE,    /* RESP holds the answer */
} ApSlotState;

/* One UE request in its connection's order (RFC 9112 §9.3.2: answers leave in request order). */
typedef struct {
    ApConn *c;
    ApSlotState state;
    HttpMessage *req;  /* from the UE, X-3GPP-Asserted-Identity stripped */
    HttpMessage *resp; /* for the UE, once DONE */
    gboolean zn_asked; /* a Zn lookup ran for this request: no second one */
    gboolean zn_broken; /* ...and got no usable answer (BSF unreachable, bad BIA) */
} ApSlot;

/* A UE connection. Refcounted: the connection table, Zn waiters and PS requests hold references,
 * so answers arriving after the UE left find it (CONN NULL) and are dropped. */
struct ApConn {
    int ref;
    Ap *ap;
    HttpConn *conn; /* NULL once closed */
    GQueue slots;   /* ApSlot*, oldest first, until answered */
    gboolean psk_waiting; /* PSK handshake waits for Zn */
    ApKey *key;     /* PSK: the key given to TLS; Digest: the last one verified (ref) */
    gboolean hs_counted;
    gboolean pumping; /* inside ap-ua.c pump(): no re-entry */
    gboolean closing; /* the AP closed it: nothing more is answered */
};

/* A Digest nonce the AP issued and the nc values used with it: the highest and a 64-value window
 * below it (the anti-replay window of RFC 4303 §3.4.3), so pipelined or parallel requests may
 * arrive slightly out of order but no nc is accepted twice (RFC 7616 §3.4). */
typedef struct {
    uint32_t top;    /* highest nc accepted; 0: none yet */
    uint64_t window; /* bit i: nc top - i accepted */
} ApNonce;

/* One Zn BIR on the wire for KEY (btid|ua-id hex); every connection waiting for it. */
typedef struct {
    Ap *ap;
    char *key;
    char *btid;
    uint8_t ua_id[GBA_UA_ID_LEN];
    GPtrArray *waiters; /* ApConn* (a reference each) */
} ApZnLookup;

/* A request forwarded to the PS, until its response. */
typedef struct {
    ApConn *c; /* reference */
    ApSlot *slot;
    char *asserted;
} ApPsPending;

typedef struct {
    uint64_t requests, challenges, forbidden, bad_requests, forwarded, unavailable;
    uint64_t ps_responses, ps_failures;
    uint64_t ps_status[600];
    uint64_t zn_requests, zn_ok, zn_failed;
    uint64_t hs_done, hs_failed;
    uint64_t auth_ok, unknown_btid, bad_response, expired;
    uint64_t identity_ok, stripped_asserted;
} ApStats;

typedef enum { AP_UA_PSK = 1, AP_UA_CERT_DIGEST } ApUaSecurity;

struct Ap {
    SimNode *node;
    gboolean freeing;
    ApUaSecurity ua;
    char *host; /* NAF FQDN = the AP's host name */
    char *xcap_root;
    SimNode *bsf, *ps;
    char *ps_host; /* Host field towards the PS */
    uint16_t port, ps_port;
    TlsConfig tls; /* server template; pointers in it live as long as the AP */
    HttpNode *hn;
    HttpConn *ps_conn; /* the persistent plain HTTP connection to the PS, NULL when none */
    DiameterNode *dn;  /* Zn client */
    SimRng *nonce_rng;
    GHashTable *conns;   /* HttpConn* -> ApConn* (one reference) */
    GHashTable *keys;    /* "btid|ua hex" -> ApKey* (one reference) */
    GHashTable *zn;      /* "btid|ua hex" -> ApZnLookup* (owned) */
    GHashTable *ps_live; /* ApPsPending* (owned) */
    GHashTable *nonces;  /* nonce text -> ApNonce* (owned) */
    GQueue nonce_order;  /* nonce texts (borrowed from the table), oldest first */
    ApStats stats;
};

/* ap.c */
ApConn *ap_conn_ref(ApConn *c);
void ap_conn_unref(ApConn *c);
void ap_key_unref(ApKey *k);
ApKey *ap_key_ref(ApKey *k);
/* The cached key of (BTID, UA_ID) or NULL (expired ones included: the caller checks). */
ApKey *ap_key_find(Ap *ap, const char *btid, const uint8_t ua_id[GBA_UA_ID_LEN]);
gboolean ap_key_expired(const Ap *ap, const ApKey *k);
/* Asks the BSF over Zn (one BIR per (BTID, UA_ID) at a time); WAITER (referenced) is resumed with
 * ap_ua_zn_done(). FALSE if the BIR could not be sent (nothing will come). */
gboolean ap_zn_lookup(Ap *ap, const char *btid, const uint8_t ua_id[GBA_UA_ID_LEN], ApConn *waiter);

/* ap-ua.c */
extern const HttpNodeHandlers ap_http_handlers;
/* The Zn lookup for C ended: KEY the fresh entry (borrowed) or NULL; BROKEN when no answer could be
 * used (transport, parse), as opposed to the BSF refusing the B-TID. */
void ap_ua_zn_done(ApConn *c, ApKey *key, gboolean broken);
/* SLOT now holds its answer (DONE): sends what can leave in order and goes on with the next. */
void ap_ua_slot_done(ApSlot *slot, HttpMessage *resp);
/* Handshakes done on connections still open and not counted yet (for the report). */
uint64_t ap_ua_live_handshakes(const Ap *ap);

/* ap-forward.c */
/* Identity check (403) and forwarding of SLOT for the user of KEY. */
void ap_forward_slot(Ap *ap, ApSlot *slot, const ApKey *key);
void ap_forward_response_cb(HttpNode *hn, HttpConn *conn, const HttpMessage *msg, void *req_user, const char *why,
                            void *user);
/* CONN closed: TRUE if it was the PS connection. */
gboolean ap_forward_conn_closed(Ap *ap, HttpConn *conn);
void ap_ps_pending_free(gpointer p);
