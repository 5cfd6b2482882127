/* sip-ua-private.h: what sip-ua.c, sip-ua-sub.c and sip-ua-pub.c share (not for other files).
 *
 * Ownership. The SipUa owns its subscriptions and publications (id -> object tables) and a record per
 * client transaction it started (SipTxn* -> UaTxn). A UaTxn names its owner by id, never by pointer,
 * so a subscription freed while its request is in flight leaves nothing dangling: the answer finds no
 * owner and is swallowed. A record is removed at the transaction's final answer or failure, the two
 * events that end every non-INVITE client transaction (RFC 3261 §17.1.2), so the table never keeps a
 * pointer to a freed transaction.
 *
 * Re-entrancy. User callbacks may call back into the SipUa (publish again, unsubscribe, even
 * sip_ua_free()). Every entry point that can run a callback is bracketed by sip_ua_enter() /
 * sip_ua_leave(); an object that ends meanwhile goes to `dead` and a sip_ua_free() only marks the UA
 * `dying`; both are freed when the outermost sip_ua_leave() returns (Redis' refcount idea).
 */
#pragma once
#include "nodes/ims/sip-ua.h"
#include "sim-core/sim-node.h"

typedef enum { UA_TXN_SUB = 1, UA_TXN_PUB = 2 } UaTxnOwner;

typedef struct {
    UaTxnOwner owner;
    guint id; /* the owner's id in ua->subs / ua->pubs */
    int op;   /* which request: SubOp / PubOp */
} UaTxn;

struct SipUa {
    SipNode *sn;
    SimNode *node;
    /* configuration (sip_ua_reconfigure replaces it) */
    SipPeer next_hop;
    char *contact, *via_host, *asserted;
    guint16 via_port;
    GStrv route; /* pre-loaded Route URIs, or NULL */
    GHashTable *txns; /* SipTxn* -> UaTxn* (g_free) */
    GHashTable *subs; /* GUINT id -> SipSubscription* (sip_ua_sub_free) */
    GHashTable *pubs; /* GUINT id -> SipPublication* (sip_ua_pub_free) */
    GPtrArray *dead;  /* ended subscriptions waiting for the outermost sip_ua_leave() */
    guint next_id;
    int depth;        /* entry points on the stack */
    gboolean dying;   /* sip_ua_free() was called with depth > 0 */
};

/* What a request of the UA looks like; sip_ua_request_new() adds Via, Max-Forwards, Contact and the
 * Route set. URIs without <>. */
typedef struct {
    const char *method, *request_uri;
    const char *from, *from_tag, *to, *to_tag, *call_id;
    guint32 cseq;
    const GPtrArray *route_set; /* in-dialog: the dialog's route set (Route values); NULL: initial */
} UaRequest;

osip_message_t *sip_ua_request_new(SipUa *ua, const UaRequest *r, GError **error);
/* sip_message_add_header() that logs instead of failing loudly. */
gboolean sip_ua_add_header(osip_message_t *m, const char *name, const char *value);
/* Sends M (taken) to the next hop and records the transaction for OWNER ID. NULL (and ERROR) when
 * nothing was sent. */
SipTxn *sip_ua_send(SipUa *ua, osip_message_t *m, UaTxnOwner owner, guint id, int op, GError **error);
SimEngine *sip_ua_engine(const SipUa *ua);
SimTime sip_ua_now(const SipUa *ua);
/* When to refresh something granted for SECONDS: at 80 %, or 5 s before expiry if that is earlier,
 * at least at half of it. Never 0 for SECONDS > 0. */
SimTime sip_ua_refresh_delay(guint32 seconds);
/* A delta-seconds header (Expires, Min-Expires) of M; FALSE when absent or malformed. */
gboolean sip_ua_header_seconds(const osip_message_t *m, const char *name, guint32 *out);

void sip_ua_enter(SipUa *ua);
void sip_ua_leave(SipUa *ua);

/* sip-ua-sub.c */
void sip_ua_sub_free(gpointer p);
gboolean sip_ua_sub_notify(SipUa *ua, SipTxn *txn, const osip_message_t *req);
/* The final answer (RESP) or the failure (RESP NULL, STATUS 0) of the request OP of SUB. */
void sip_ua_sub_answer(SipSubscription *sub, int op, int status, const osip_message_t *resp);

/* sip-ua-pub.c */
void sip_ua_pub_free(gpointer p);
void sip_ua_pub_answer(SipPublication *pub, int op, int status, const osip_message_t *resp);
