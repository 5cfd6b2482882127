/* sip-transaction.h: the RFC 3261 §17 transaction layer shared by every SIP node of presim.
 *
 * What: client INVITE / non-INVITE and server INVITE / non-INVITE transactions with timers A, B, D,
 * E, F, K, G, H, I, J; retransmission over unreliable transports only (D, I, J, K are zero over
 * reliable ones); matching of responses to client transactions (§17.1.3) and of requests to server
 * transactions (§17.2.3, including the ACK of a non-2xx final response); absorption of
 * retransmissions; the ACK for a non-2xx final response built by the client INVITE transaction
 * (§17.1.1.3). State machines and invariants: DESIGN NOTES in sip-transaction.c.
 *
 * How it meets the rest of presim: it knows neither clock nor sockets. The node fills a SipTransport
 * (send bytes to an opaque SipPeer; start / cancel a one-shot timer with an int64 ns delay) and a
 * SipTxnUser (the transaction user: new request, response, stray response, timeout, transport error,
 * terminated), parses what arrives with sip_message_parse() and hands it to sip_txn_layer_receive().
 *
 * What it is not: no transport selection (§18), no Via received/rport handling (the node decides the
 * SipPeer of a response), no dialogs, no CANCEL matching (§9.2: a CANCEL is an ordinary non-INVITE
 * server transaction here), no automatic 100 Trying, no RFC 6026 "Accepted" state.
 *
 * Lifetime: the layer owns its transactions. A transaction is freed after its `terminated` callback,
 * and never while any layer function is on the stack, so a SipTxn pointer stays valid for the whole of
 * any callback that is given it. The TU must forget a transaction in `terminated`.
 */
#pragma once
#include "protocols/sip/sip-message.h"

typedef struct SipTxnLayer SipTxnLayer;
typedef struct SipTxn SipTxn;

typedef enum {
    SIP_TXN_CLIENT_INVITE = 1,
    SIP_TXN_CLIENT_NON_INVITE = 2,
    SIP_TXN_SERVER_INVITE = 3,
    SIP_TXN_SERVER_NON_INVITE = 4,
} SipTxnKind;

typedef enum {
    SIP_TXN_CALLING = 1, /* client INVITE */
    SIP_TXN_TRYING = 2,  /* client and server non-INVITE */
    SIP_TXN_PROCEEDING = 3,
    SIP_TXN_COMPLETED = 4,
    SIP_TXN_CONFIRMED = 5, /* server INVITE */
    SIP_TXN_TERMINATED = 6,
} SipTxnState;

typedef enum {
    SIP_TIMER_A = 0, /* client INVITE retransmission */
    SIP_TIMER_B,     /* client INVITE timeout */
    SIP_TIMER_D,     /* client INVITE: wait for response retransmissions */
    SIP_TIMER_E,     /* client non-INVITE retransmission */
    SIP_TIMER_F,     /* client non-INVITE timeout */
    SIP_TIMER_G,     /* server INVITE response retransmission */
    SIP_TIMER_H,     /* server INVITE: wait for ACK */
    SIP_TIMER_I,     /* server INVITE: wait for ACK retransmissions */
    SIP_TIMER_J,     /* server non-INVITE: wait for request retransmissions */
    SIP_TIMER_K,     /* client non-INVITE: wait for response retransmissions */
    SIP_TIMER_COUNT
} SipTimer;

/* Where a message goes or came from: node-defined bytes (address, port, connection), opaque here. */
#define SIP_PEER_MAX 64
typedef struct {
    guint8 addr[SIP_PEER_MAX];
    guint8 len;        /* bytes of addr in use; peers compare by (len, addr, reliable) */
    gboolean reliable; /* TCP/TLS/SCTP: no retransmissions; timers D, I, J, K are zero */
} SipPeer;

typedef void (*SipTimerFunc)(gpointer arg);

typedef struct {
    gpointer ctx;
    /* Sends LEN bytes to TO. FALSE: the transport failed at once (reported to the TU, §17.1.4/17.2.4).
     * Must not call back into the layer (a loopback delivery goes through the node's event loop). */
    gboolean (*send)(gpointer ctx, const SipPeer *to, const guint8 *data, size_t len);
    /* Starts a one-shot timer: after DELAY_NS (>= 0) the node calls FIRE(ARG) once, from its event loop
     * (never from inside timer_start). Returns a non-zero handle. */
    guint64 (*timer_start)(gpointer ctx, gint64 delay_ns, SipTimerFunc fire, gpointer arg);
    /* Cancels a started timer that has not fired: FIRE must not run afterwards. */
    void (*timer_cancel)(gpointer ctx, guint64 handle);
} SipTransport;

/* The transaction user. Messages given to callbacks are borrowed for the call (clone to keep). Any
 * callback may be NULL. */
typedef struct {
    gpointer user;
    /* A new request: TXN is its new server transaction (respond with sip_txn_respond()). An ACK that
     * matches no transaction (the ACK of a 2xx, §17.2.1 / §13.2.2.4) comes with TXN NULL. */
    void (*request)(SipTxnLayer *layer, SipTxn *txn, const osip_message_t *request, const SipPeer *from, gpointer user);
    /* A response for a client transaction: provisional ones, the first final one, and for INVITE every
     * 2xx while the transaction lives. Retransmitted non-2xx finals are absorbed. */
    void (*response)(SipTxnLayer *layer, SipTxn *txn, const osip_message_t *response, gpointer user);
    /* A response matching no client transaction (§17.1.3 failed): passed up, e.g. a 2xx retransmission
     * for the dialog layer (§17.1.1.2). */
    void (*stray_response)(SipTxnLayer *layer, const osip_message_t *response, const SipPeer *from, gpointer user);
    /* Timer B, F (no final response) or H (no ACK) fired; `terminated` follows. */
    void (*timeout)(SipTxnLayer *layer, SipTxn *txn, SipTimer timer, gpointer user);
    /* transport->send failed for this transaction; `terminated` follows. */
    void (*transport_error)(SipTxnLayer *layer, SipTxn *txn, gpointer user);
    /* TXN entered TERMINATED; it is freed once the layer call in progress returns. */
    void (*terminated)(SipTxnLayer *layer, SipTxn *txn, gpointer user);
} SipTxnUser;

/* RFC 3261 §17.1.1.1 / table 4 values, in ns. */
typedef struct {
    gint64 t1; /* RTT estimate: 500 ms */
    gint64 t2; /* longest non-INVITE request / INVITE response retransmit interval: 4 s */
    gint64 t4; /* longest time a message stays in the network: 5 s */
    gint64 d;  /* Timer D over unreliable transports: 32 s ("at least 32 s") */
} SipTimerValues;

#define SIP_NS_PER_MS G_GINT64_CONSTANT(1000000)
#define SIP_T1_DEFAULT (500 * SIP_NS_PER_MS)
#define SIP_T2_DEFAULT (4000 * SIP_NS_PER_MS)
#define SIP_T4_DEFAULT (5000 * SIP_NS_PER_MS)
#define SIP_TD_DEFAULT (32000 * SIP_NS_PER_MS)

typedef enum {
    SIP_TXN_ERROR_INVALID = 1,   /* not a request / response this call accepts, or no RFC 3261 branch */
    SIP_TXN_ERROR_EXISTS = 2,    /* a client transaction with this branch and method exists */
    SIP_TXN_ERROR_STATE = 3,     /* the transaction cannot take this response in its state */
    SIP_TXN_ERROR_TRANSPORT = 4, /* the first send failed (the transaction was not created) */
} SipTxnError;

GQuark sip_txn_error_quark(void);
#define SIP_TXN_ERROR (sip_txn_error_quark())

/* TIMERS NULL: the defaults. TRANSPORT and USER are copied. Free with sip_txn_layer_free(). */
SipTxnLayer *sip_txn_layer_new(const SipTransport *transport, const SipTxnUser *user, const SipTimerValues *timers);
/* Cancels every timer and frees every transaction without callbacks (end of run). Not from a callback. */
void sip_txn_layer_free(SipTxnLayer *layer);
/* A parsed message from FROM; takes ownership of MSG. Requests go to a matching server transaction
 * (retransmission, ACK) or create one; responses go to the matching client transaction or to
 * `stray_response`. */
void sip_txn_layer_receive(SipTxnLayer *layer, osip_message_t *msg, const SipPeer *from);
/* Parses DATA (sip_message_parse) and receives it. FALSE and ERROR when it does not parse: the caller
 * counts and drops it (RFC 3261 §18.3: a malformed datagram is discarded). */
gboolean sip_txn_layer_receive_bytes(SipTxnLayer *layer, const void *data, size_t len, const SipPeer *from,
                                     GError **error);

/* Starts a client transaction for REQUEST (not ACK; its top Via needs a branch starting with
 * SIP_MAGIC_COOKIE and it needs a CSeq) and sends it to TO. Takes ownership of REQUEST even on
 * failure. On failure nothing was sent or started and no callback will run. */
SipTxn *sip_txn_client_new(SipTxnLayer *layer, osip_message_t *request, const SipPeer *to, GError **error);
/* Sends RESPONSE (ownership taken, even on failure) on server transaction TXN and makes the §17.2
 * transition. FALSE when TXN cannot take it (client transaction, final response already sent,
 * terminated) or RESPONSE is not a response to it; nothing is sent then. A transport failure is not a
 * FALSE: it is reported through `transport_error` and `terminated`. */
gboolean sip_txn_respond(SipTxn *txn, osip_message_t *response, GError **error);

SipTxnKind sip_txn_kind(const SipTxn *txn);
SipTxnState sip_txn_state(const SipTxn *txn);
/* The request that created TXN (owned by TXN). */
const osip_message_t *sip_txn_request(const SipTxn *txn);
/* Where TXN sends: the request's destination (client) or its source (server). */
const SipPeer *sip_txn_peer(const SipTxn *txn);
/* The status of the last response received (client) or sent (server); 0 before any. */
int sip_txn_last_status(const SipTxn *txn);
void sip_txn_set_user_data(SipTxn *txn, gpointer data);
gpointer sip_txn_get_user_data(const SipTxn *txn);

const char *sip_txn_kind_name(SipTxnKind kind);
const char *sip_txn_state_name(SipTxnState state);
const char *sip_timer_name(SipTimer timer); /* "A" .. "K" */

typedef struct {
    guint64 created;
    guint64 terminated;
    guint64 retransmissions; /* requests and responses sent again by timers A, E, G */
    guint64 resent;          /* responses / ACKs sent again for a retransmission received */
    guint64 absorbed;        /* retransmissions received and not passed to the TU */
    guint64 stray_responses;
    guint64 timeouts; /* B, F, H */
    guint64 transport_errors;
    guint64 parse_errors; /* sip_txn_layer_receive_bytes() input that did not parse */
} SipTxnStats;

void sip_txn_layer_stats(const SipTxnLayer *layer, SipTxnStats *out);
/* Live (not terminated) transactions. */
guint sip_txn_layer_count(const SipTxnLayer *layer);
