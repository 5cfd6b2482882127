/* diameter-peer.h: one Diameter peer connection (RFC 6733 §5): capabilities exchange (CER/CEA),
 * the watchdog (DWR/DWA, RFC 3539 §3.4), disconnection (DPR/DPA), and the table of requests
 * waiting for their answers. Cx, Zh and Zn all run over it; it knows them only as application ids.
 *
 * Transport- and clock-agnostic: the embedding node drives it with calls (connected, bytes
 * received, timer fired, send request) and it acts through DiameterPeerOps (send bytes, open or
 * close the transport, arm or cancel its single timer with an int64 ns delay, deliver requests and
 * answers, report events). The states and transitions are in the DESIGN NOTES of
 * diameter-peer.c. Simplified from RFC 6733 §5.6: one connection per peer object, no election
 * (simultaneous connects are the node's business), no Tw jitter (determinism), no TLS.
 *
 * Callbacks may call diameter_peer_send_request/_send_answer/_stop, but must not free the peer.
 * A call that fails (FALSE) runs no callback.
 */
#pragma once
#include "protocols/diameter/diameter.h"

typedef struct DiameterPeer DiameterPeer;

typedef enum {
    DIAMETER_PEER_CLOSED = 0,
    DIAMETER_PEER_WAIT_CONN_ACK = 1, /* initiator: transport being opened */
    DIAMETER_PEER_WAIT_I_CEA = 2,    /* initiator: CER sent */
    DIAMETER_PEER_WAIT_CER = 3,      /* responder: transport accepted, no CER yet */
    DIAMETER_PEER_I_OPEN = 4,
    DIAMETER_PEER_R_OPEN = 5,
    DIAMETER_PEER_CLOSING = 6,       /* DPR sent (waiting for DPA) or DPA sent (waiting for close) */
} DiameterPeerState;

const char *diameter_peer_state_name(DiameterPeerState state);

typedef enum {
    DIAMETER_PEER_EV_OPEN = 1,             /* capabilities exchanged; detail: remote Origin-Host */
    DIAMETER_PEER_EV_CLOSED = 2,           /* back to Closed; detail: why */
    DIAMETER_PEER_EV_CE_FAILED = 3,        /* CER/CEA rejected (result code, no common application) */
    DIAMETER_PEER_EV_WATCHDOG_SUSPECT = 4, /* one Tw without DWA (RFC 3539 SUSPECT) */
    DIAMETER_PEER_EV_MALFORMED = 5,        /* bytes that are not a valid message; detail: error */
    DIAMETER_PEER_EV_UNMATCHED_ANSWER = 6, /* answer with no pending request; dropped */
    DIAMETER_PEER_EV_REJECTED = 7,         /* we answered a request with an error; detail: result */
    DIAMETER_PEER_EV_UNEXPECTED = 8,       /* a message the state does not allow; dropped */
} DiameterPeerEvent;

const char *diameter_peer_event_name(DiameterPeerEvent ev);

/* An application to advertise in CER/CEA: VENDOR_ID 0 gives Auth-Application-Id, else
 * Vendor-Specific-Application-Id {Vendor-Id, Auth-Application-Id} and a Supported-Vendor-Id. */
typedef struct {
    uint32_t vendor_id;
    uint32_t auth_app_id;
} DiameterPeerApp;

typedef struct {
    const char *origin_host;  /* DiameterIdentity, e.g. "scscf.home.net" (copied) */
    const char *origin_realm; /* "home.net" (copied) */
    DiameterAddress host_ip;  /* Host-IP-Address */
    uint32_t vendor_id;       /* Vendor-Id of the product (0 allowed) */
    const char *product_name; /* Product-Name (copied) */
    uint32_t firmware_revision;
    uint32_t origin_state_id;
    const DiameterPeerApp *apps; /* copied; at least one */
    guint n_apps;
    int64_t tw_ns;            /* watchdog interval; 0: 30 s (RFC 3539 §3.4.1) */
    int64_t timeout_ns;       /* how long to wait for CER, CEA, DPA or the close after DPA; 0: 10 s */
    size_t max_message;       /* framing cap; 0: 1 MiB */
    /* First identifiers handed out, then counted up. RFC 6733 §3: hop-by-hop unique per connection;
     * end-to-end SHOULD start from clock and random bits: the node derives it from its seeded
     * stream, never from the wall clock. */
    uint32_t hop_by_hop_start;
    uint32_t end_to_end_start;
} DiameterPeerConfig;

typedef struct {
    void *ctx;
    /* Writes DATA to the transport. Required. */
    void (*send)(void *ctx, const uint8_t *data, size_t len);
    /* Initiator: open the transport, then call diameter_peer_connected() or _connect_failed(). */
    void (*connect)(void *ctx);
    /* Close the transport. The peer is already Closed; do not call diameter_peer_disconnected(). */
    void (*disconnect)(void *ctx);
    /* Arm the peer's single timer DELAY_NS from now, replacing any armed one; cancel it. When it
     * fires call diameter_peer_timer_fired(). */
    void (*timer_start)(void *ctx, int64_t delay_ns);
    void (*timer_cancel)(void *ctx);
    /* An application request (valid during the call). Answer it with diameter_peer_send_answer(),
     * now or later. */
    void (*request)(void *ctx, DiameterPeer *peer, const DiameterMsg *msg);
    /* The answer to a request sent with USER_DATA; MSG is NULL when no usable answer will come
     * (connection lost, or the answer was malformed). Runs exactly once per accepted request,
     * except after diameter_peer_free(). */
    void (*answer)(void *ctx, DiameterPeer *peer, const DiameterMsg *msg, void *user_data);
    /* May be NULL. */
    void (*event)(void *ctx, DiameterPeer *peer, DiameterPeerEvent ev, const char *detail);
} DiameterPeerOps;

typedef struct {
    guint64 requests_sent, answers_received, requests_received, answers_sent;
    guint64 unmatched_answers; /* dropped */
    guint64 malformed;         /* messages that failed to parse (and framing errors) */
    guint64 rejected;          /* requests we answered with an error ourselves */
    guint64 dwr_sent, dwa_received, dwr_received;
    guint64 watchdog_suspects;
} DiameterPeerStats;

typedef enum {
    DIAMETER_PEER_ERROR_NOT_OPEN = 1,     /* the state does not allow sending this now */
    DIAMETER_PEER_ERROR_INVALID = 2,      /* not a request/answer as required, or unparsable header */
    DIAMETER_PEER_ERROR_DUPLICATE_ID = 3, /* a request with this hop-by-hop id is already pending */
    DIAMETER_PEER_ERROR_APPLICATION = 4,  /* the application was not agreed in CER/CEA */
} DiameterPeerError;

GQuark diameter_peer_error_quark(void);
#define DIAMETER_PEER_ERROR (diameter_peer_error_quark())

/* A Closed peer. OPS is copied. Free with diameter_peer_free(), which runs no callback (not even
 * for pending requests) and does not close the transport. */
DiameterPeer *diameter_peer_new(const DiameterPeerConfig *config, const DiameterPeerOps *ops);
void diameter_peer_free(DiameterPeer *peer);

/* Initiator: Closed → Wait-Conn-Ack (ops->connect). */
void diameter_peer_start(DiameterPeer *peer);
/* Initiator's transport is up: Wait-Conn-Ack → Wait-I-CEA, CER sent. */
void diameter_peer_connected(DiameterPeer *peer);
/* Initiator's transport could not be opened: → Closed. */
void diameter_peer_connect_failed(DiameterPeer *peer);
/* Responder: a transport connection was accepted for this peer: Closed → Wait-CER. */
void diameter_peer_accepted(DiameterPeer *peer);
/* Bytes from the transport, in order, any split. */
void diameter_peer_receive(DiameterPeer *peer, const uint8_t *data, size_t len);
/* The transport closed or reset under us: → Closed; pending requests get answer(NULL). */
void diameter_peer_disconnected(DiameterPeer *peer);
/* The timer armed through ops->timer_start expired. */
void diameter_peer_timer_fired(DiameterPeer *peer);
/* Open → Closing: sends DPR with Disconnect-Cause CAUSE (RFC 6733 §5.4); the transport is
 * closed when the DPA arrives (or after timeout_ns). Elsewhere than Open: closes at once. */
void diameter_peer_stop(DiameterPeer *peer, uint32_t cause);

/* Sends a request (message bytes with 'R'; build it with the ids from the two functions below).
 * Only when Open, for an application agreed in CER/CEA. USER_DATA comes back with the answer. */
gboolean diameter_peer_send_request(DiameterPeer *peer, GBytes *msg, void *user_data, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
/* Sends an answer (no 'R') to a request delivered by ops->request; Open or Closing. */
gboolean diameter_peer_send_answer(DiameterPeer *peer, GBytes *msg, GError **error) G_GNUC_WARN_UNUSED_RESULT;
uint32_t diameter_peer_next_hop_by_hop(DiameterPeer *peer);
uint32_t diameter_peer_next_end_to_end(DiameterPeer *peer);

DiameterPeerState diameter_peer_state(const DiameterPeer *peer);
gboolean diameter_peer_is_open(const DiameterPeer *peer);
/* Origin-Host / Origin-Realm the other side gave in its CER or CEA; NULL before. */
const char *diameter_peer_remote_host(const DiameterPeer *peer);
const char *diameter_peer_remote_realm(const DiameterPeer *peer);
/* Requests waiting for an answer. */
guint diameter_peer_pending(const DiameterPeer *peer);
const DiameterPeerStats *diameter_peer_stats(const DiameterPeer *peer);
