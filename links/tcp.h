/* tcp.h: a TCP (RFC 9293) that SIP, TLS and HTTP run over inside the simulator.
 *
 * What it does: three-way handshake with the MSS option, sequence and acknowledgement numbers,
 * segmentation to the MSS, receive-window flow control, retransmission on timeout (RFC 6298 RTO with
 * exponential back-off), NewReno congestion control (RFC 5681 / RFC 6582: slow start, congestion
 * avoidance, fast retransmit and fast recovery), in-order delivery with out-of-order segments held
 * until the gap fills, FIN close through every state of RFC 9293 §3.3.2 including TIME-WAIT (2*MSL),
 * and RST for a segment to a port nobody listens on. What it does not do: window scaling, SACK,
 * timestamps, urgent data, Nagle's delay (every send goes out as soon as the windows allow).
 *
 * The layer is independent of the IP stack: it talks to it through TcpLayerOps, so it can be unit
 * tested on two layers wired back to back. The node's NetStack creates one layer per node.
 *
 * Lifetime: sockets belong to the layer. After a socket's `closed` callback returns the socket is
 * freed; the application must not touch it again. A failed call never runs a callback.
 */
#pragma once
#include "sim-core/sim-addr.h"
#include "sim-core/sim-engine.h"
#include "sim-core/sim-packet.h"
#include "sim-core/sim-rng.h"
#include "sim-core/sim-trace.h"

#define TCP_PROTO 6

typedef struct TcpLayer TcpLayer;
typedef struct TcpSocket TcpSocket;

typedef struct {
    SimEngine *engine;
    SimRng *rng; /* initial sequence numbers and ephemeral ports; not owned */
    void *ctx;
    /* Sends SEG (data = TCP header + payload, checksum filled in) from SRC to DST; takes ownership of
     * SEG. SEG has at least SIM_PACKET_HEADROOM bytes of headroom. */
    void (*output)(void *ctx, SimPacket *seg, const SimAddr *src, const SimAddr *dst);
    /* Picks the local address used to reach DST; FALSE when there is no route. */
    gboolean (*select_source)(void *ctx, const SimAddr *dst, SimAddr *src_out);
    /* The MTU of the interface that leads to DST (the MSS is derived from it). */
    uint32_t (*mtu)(void *ctx, const SimAddr *dst);
    /* Reports a protocol event ("tcp-retransmit", "tcp-established", ...); may be NULL. */
    void (*event)(void *ctx, const char *name, const SimAttr *attrs, size_t n_attrs);
} TcpLayerOps;

typedef enum {
    TCP_CLOSED_NORMAL = 1, /* both sides closed (FIN exchanged) */
    TCP_CLOSED_RESET = 2,  /* RST received (including "connection refused") */
    TCP_CLOSED_TIMEOUT = 3, /* too many retransmissions */
    TCP_CLOSED_ABORTED = 4, /* tcp_abort() by the application */
} TcpCloseReason;

const char *tcp_close_reason_name(TcpCloseReason reason);

typedef struct {
    /* Each may be NULL. */
    void (*connected)(TcpSocket *sock, void *user);                                 /* handshake done */
    void (*received)(TcpSocket *sock, const uint8_t *data, size_t len, void *user); /* in order */
    void (*writable)(TcpSocket *sock, void *user); /* send buffer space was freed by an ACK */
    void (*peer_closed)(TcpSocket *sock, void *user); /* FIN received: no more data will arrive */
    void (*closed)(TcpSocket *sock, TcpCloseReason reason, void *user); /* last call; freed after */
} TcpCallbacks;

/* A new connection on LISTENER has completed its handshake. The application sets its callbacks on
 * CONN with tcp_socket_set_callbacks() before returning. */
typedef void (*TcpAcceptFunc)(TcpSocket *listener, TcpSocket *conn, void *user);

/* Errors of tcp_listen() and tcp_connect(). */
typedef enum {
    TCP_ERROR_INVALID = 1,     /* bad address family or port */
    TCP_ERROR_ADDR_IN_USE = 2, /* another listener holds that address and port */
    TCP_ERROR_NO_ROUTE = 3,    /* select_source found no local address for the destination */
    TCP_ERROR_NO_PORTS = 4,    /* every ephemeral port is in use */
} TcpError;

GQuark tcp_error_quark(void);
#define TCP_ERROR (tcp_error_quark())

TcpLayer *tcp_layer_new(const TcpLayerOps *ops);
/* Frees every socket without callbacks and without sending anything (end of run). */
void tcp_layer_free(TcpLayer *layer);
/* A segment for this node: SEG data = TCP header + payload; takes ownership. Bad checksum or
 * malformed header: dropped (counted in stats, reported as a "tcp-drop" event with a reason). */
void tcp_layer_input(TcpLayer *layer, SimPacket *seg, const SimAddr *src, const SimAddr *dst);

/* Listens on LOCAL (NULL or unspecified: any address) PORT. */
TcpSocket *tcp_listen(TcpLayer *layer, const SimAddr *local, uint16_t port, TcpAcceptFunc accept, void *user,
                      GError **error);
/* Starts an active open to DST:DPORT from an ephemeral port. `connected` or `closed` follows. */
TcpSocket *tcp_connect(TcpLayer *layer, const SimAddr *dst, uint16_t dport, const TcpCallbacks *cb, void *user,
                       GError **error);
void tcp_socket_set_callbacks(TcpSocket *sock, const TcpCallbacks *cb, void *user);

/* Queues up to LEN bytes for sending; returns how many were accepted (bounded by the send buffer,
 * 256 KiB by default). 0 after tcp_close(). */
size_t tcp_send(TcpSocket *sock, const void *data, size_t len);
size_t tcp_send_space(const TcpSocket *sock);
void tcp_socket_set_send_buffer(TcpSocket *sock, size_t bytes);
/* Graceful close: FIN after every queued byte. For a listener: stop listening and free it now. */
void tcp_close(TcpSocket *sock);
/* Sends RST and frees the socket after its `closed` callback (reason ABORTED). */
void tcp_abort(TcpSocket *sock);

void tcp_socket_local(const TcpSocket *sock, SimAddr *addr, uint16_t *port);
void tcp_socket_remote(const TcpSocket *sock, SimAddr *addr, uint16_t *port);
const char *tcp_socket_state_name(const TcpSocket *sock);

typedef struct {
    uint64_t bytes_sent;       /* payload bytes handed to IP, retransmissions included */
    uint64_t bytes_acked;      /* payload bytes the peer acknowledged */
    uint64_t bytes_received;   /* payload bytes delivered to the application */
    uint64_t segments_sent;
    uint64_t segments_received;
    uint64_t retransmits;      /* segments sent again (timeout or fast retransmit) */
    uint64_t timeouts;         /* RTO expiries */
    uint64_t fast_retransmits;
    uint64_t dup_acks;
    uint64_t out_of_order;     /* segments that arrived ahead of a gap */
    SimTime srtt;              /* smoothed RTT, 0 until measured */
    SimTime rto;
    uint32_t cwnd;             /* bytes */
    uint32_t mss;
} TcpStats;

void tcp_socket_stats(const TcpSocket *sock, TcpStats *out);

typedef struct {
    uint64_t bad_checksum;
    uint64_t malformed;
    uint64_t resets_sent; /* RSTs for segments nobody expects */
} TcpLayerStats;

void tcp_layer_stats(const TcpLayer *layer, TcpLayerStats *out);
