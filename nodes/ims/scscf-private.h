/* scscf-private.h: the S-CSCF's state, shared by scscf.c (the kind, Cx plumbing, dispatch),
 * scscf-reg.c (REGISTER, authentication, bindings) and scscf-regevent.c (the reg event package). */
#pragma once
#include "nodes/ims/scscf-common.h"
#include "nodes/ims/scscf.h"
#include "protocols/aka/aka.h"
#include "protocols/http/digest.h"
#include "protocols/sip/sip-headers.h"

#define SCSCF_SUB_EXPIRES_DEFAULT 3761 /* RFC 3680 §4.1: the default when SUBSCRIBE has no Expires */
#define SCSCF_SUB_EXPIRES_MAX 600000   /* TS 24.229 §5.2.3: what the P-CSCF asks for */

typedef struct Scscf Scscf;
typedef struct ScscfReg ScscfReg;

/* An outstanding challenge (TS 33.203 §6.1.1): one per IMPI, until answered or replaced. */
typedef struct {
    char *impi;
    DigestAlgorithm alg;
    uint8_t rand[AKA_RAND_LEN];
    uint8_t autn[AKA_AUTN_LEN];
    uint8_t xres[DIGEST_AKA_RES_MAX];
    size_t xres_len;
    uint8_t ck[AKA_CK_LEN];
    uint8_t ik[AKA_IK_LEN];
    char *nonce;
} ScscfChallenge;

/* One Contact bound to a registration (RFC 3261 §10.3). */
typedef struct {
    ScscfReg *reg;
    guint id;
    char *uri;
    SimTime expires_at;
    SimEventId timer;
    gboolean active;
    const char *event; /* RFC 3680 §5.3 contact event of the last change: "registered", "refreshed", ... */
} ScscfBinding;

/* A registered implicit registration set (TS 23.228 §4.3.3.3). */
struct ScscfReg {
    Scscf *s;
    guint id;
    char *impi;
    char *impu;          /* the identity that registered */
    GPtrArray *set;      /* char*: every IMPU of the set, profile order (default first) */
    GPtrArray *barred;   /* char*: the barred ones among them */
    GPtrArray *bindings; /* ScscfBinding*, owned */
    GPtrArray *path;     /* char*: Path rows of the last REGISTER (RFC 3327) */
    char *integrity;     /* integrity-protected / confidentiality-protected of the last REGISTER */
    char *confidentiality;
    GPtrArray *subs;     /* ScscfSub* watching it (owned by Scscf.subs) */
};

/* A reg-event subscription and its dialog (RFC 6665, RFC 3261 §12, UAS side). */
typedef struct {
    Scscf *s;
    guint id;
    ScscfReg *reg;
    char *aor; /* the identity subscribed to */
    char *call_id, *local_tag, *remote_tag;
    char *local_uri, *remote_uri, *remote_target;
    GPtrArray *route_set; /* char*: Record-Route values, in order */
    guint32 cseq;
    guint version; /* RFC 3680 §5.2: per subscription, from 0 */
    SimTime expires_at;
    SimEventId timer;
} ScscfSub;

/* A REGISTER as the registrar needs it after the Cx round trips. */
typedef struct {
    char *uri;
    gint64 expires; /* the contact's expires parameter; -1 when absent */
} ScscfContactReq;

typedef struct {
    char *impi, *impu;
    gint64 expires;     /* Expires header; -1 when absent */
    gboolean star;      /* Contact: * */
    GPtrArray *contacts; /* ScscfContactReq* */
    GPtrArray *path;     /* char* */
    char *integrity;     /* "" when absent */
    char *confidentiality;
    gboolean authenticated; /* a challenge was answered (FALSE: protected re-registration) */
} ScscfRegister;

typedef enum {
    SCSCF_OP_MAR = 1,       /* challenge (or resynchronisation) for a REGISTER */
    SCSCF_OP_SAR_REGISTER,  /* REGISTRATION / RE_REGISTRATION for a REGISTER */
    SCSCF_OP_SAR_DEREGISTER, /* USER_DEREGISTRATION for a REGISTER */
    SCSCF_OP_SAR_NOTICE,    /* TIMEOUT / ADMINISTRATIVE deregistration, AUTHENTICATION_FAILURE: no request waits */
} ScscfOpKind;

/* A Cx request in flight (the Diameter req_user). */
typedef struct {
    Scscf *s;
    ScscfOpKind kind;
    uint32_t sat;      /* Server-Assignment-Type of a SAR */
    SipTxn *txn;       /* the REGISTER's server transaction, NULL for notices */
    ScscfRegister *rr; /* owned; NULL for notices */
    gboolean resync;
} ScscfOp;

typedef struct {
    uint64_t registrations, reregistrations, deregistrations, expirations, network_deregistrations;
    uint64_t challenges, resyncs, auth_failures, cx_failures;
    uint64_t subscriptions, notifies, bad_requests;
    uint64_t originating, terminating, forwarded;
} ScscfStats;

struct Scscf {
    SimNode *node;
    SimNode *hss;
    char *host;          /* "<node>.<domain>" */
    char *uri;           /* "sip:<host>:5060": the Server-Name */
    char *realm;         /* Digest realm: the home domain */
    char *service_route; /* "<sip:orig@<host>:5060;lr>" */
    gint64 reg_expires;  /* seconds */
    DigestAlgorithm alg;
    SipNode *sn;
    DiameterNode *dn;
    GHashTable *challenges; /* IMPI -> ScscfChallenge*, owned */
    GPtrArray *regs;        /* ScscfReg*, owned */
    GHashTable *by_impu;    /* IMPU -> ScscfReg* (every IMPU of each set) */
    GHashTable *subs;       /* id -> ScscfSub*, owned */
    GHashTable *ops;        /* ScscfOp*, owned */
    GHashTable *fwds;       /* SipTxn* (client) -> ScscfFwd*, owned: requests proxied (scscf-route.c) */
    SimNode *ps;            /* the presence application server, or NULL */
    guint next_id;
    ScscfStats stats;
};

/* scscf.c */
ScscfOp *scscf_op_new(Scscf *s, ScscfOpKind kind, SipTxn *txn, ScscfRegister *rr);
void scscf_op_done(ScscfOp *op);
/* Sends MSG (NULL: building failed with ERR) for OP; on failure answers OP's request 500 and ends OP. */
void scscf_cx_send(Scscf *s, ScscfOp *op, GBytes *msg, GError *err);
/* Replies STATUS to a request with a fresh To tag. */
void scscf_reply(Scscf *s, SipTxn *txn, int status, const char *reason);
void scscf_bad_request(Scscf *s, SipTxn *txn, const char *method, const char *why);
/* The registration covering IMPU, or NULL. */
ScscfReg *scscf_reg_find(Scscf *s, const char *impu);
/* Removes REG from the tables and frees it (bindings' timers cancelled; subscriptions must be gone). */
void scscf_reg_free(ScscfReg *reg);
void scscf_register_free(ScscfRegister *rr);
/* An empty binding list for a new ScscfReg (frees ScscfBinding*, cancelling their timers). */
GPtrArray *scscf_bindings_new(void);
void scscf_challenge_free(gpointer p);

/* scscf-reg.c */
void scscf_reg_request(Scscf *s, SipTxn *txn, const osip_message_t *req);
void scscf_reg_mar_answer(ScscfOp *op, const DiameterMsg *msg);
void scscf_reg_sar_answer(ScscfOp *op, const DiameterMsg *msg);
/* network-deregister: FALSE when IMPU is not registered. */
gboolean scscf_reg_network_deregister(Scscf *s, const char *impu);
/* Sends a SAR of type SAT for IMPI/IMPU that no request waits for. */
void scscf_reg_sar_notice(Scscf *s, const char *impi, const char *impu, uint32_t sat);

/* scscf-regevent.c */
void scscf_regevent_subscribe(Scscf *s, SipTxn *txn, const osip_message_t *req);
/* NOTIFY with the full state of REG to every subscriber. */
void scscf_regevent_notify(ScscfReg *reg);
/* REG ended: a final NOTIFY (Subscription-State terminated;reason=REASON) to every subscriber,
 * whose subscriptions are then dropped. */
void scscf_regevent_reg_ended(ScscfReg *reg, const char *reason);
/* The outcome of a NOTIFY (STATUS 0: no response). */
void scscf_regevent_notify_result(Scscf *s, SipTxn *txn, int status);
void scscf_sub_free(gpointer p);

/* scscf-route.c */
/* Proxies a request that is neither REGISTER nor a reg-event SUBSCRIBE (see its DESIGN NOTES). */
void scscf_route_request(Scscf *s, SipTxn *txn, const osip_message_t *req);
/* Relays a response / a failure of a proxied request; FALSE when TXN is not one of them. */
gboolean scscf_route_response(Scscf *s, SipTxn *txn, const osip_message_t *resp);
gboolean scscf_route_failure(Scscf *s, SipTxn *txn);
void scscf_fwd_free(gpointer p);
