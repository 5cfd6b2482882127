/* tcp-private.h: what tcp.c (sockets, lifetime, state transitions), tcp-output.c (segments out,
 * timers) and tcp-input.c (segments in) share. Nothing here is for users of tcp.h.
 */
#pragma once
#include "links/tcp.h"
#include <string.h>

/* Wire format, RFC 9293 §3.1. */
#define TCP_HDR_MIN 20
#define TCP_HDR_MAX 60
#define TCP_F_FIN 0x01u
#define TCP_F_SYN 0x02u
#define TCP_F_RST 0x04u
#define TCP_F_PSH 0x08u
#define TCP_F_ACK 0x10u
#define TCP_F_URG 0x20u
#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2

/* Our receiver hands every in-order byte to the application at once, so the window it offers is
 * always the largest one expressible without window scaling. */
#define TCP_RCV_WND 65535u

#define TCP_MSL (30 * SIM_S)               /* RFC 9293 §3.4.2: TIME-WAIT lasts 2*MSL */
#define TCP_RTO_INITIAL (1 * SIM_S)        /* RFC 6298 §2.1 */
#define TCP_RTO_SYN_LOST (3 * SIM_S)       /* RFC 6298 §5.7 */
/* RFC 6298 §2.4 says the RTO SHOULD be at least 1 s; like Linux we take 200 ms, which keeps
 * recovery on short simulated paths from being dominated by the floor. */
#define TCP_RTO_MIN (200 * SIM_MS)
#define TCP_RTO_MAX (60 * SIM_S)           /* RFC 6298 §2.5 allows a maximum of at least 60 s */
#define TCP_CLOCK_G (1 * SIM_MS)           /* the "G" of RFC 6298 §2: our timer granularity */
#define TCP_MAX_RETRIES 12                 /* RTO expiries of one segment before giving up */
#define TCP_SNDBUF_DEFAULT (256 * 1024)
#define TCP_MSS_MIN 64                     /* floor for a hostile peer's tiny MSS option */
#define TCP_CWND_MAX (1u << 30)
#define TCP_OOO_MAX (2 * TCP_RCV_WND)     /* bytes held out of order */
#define TCP_BACKLOG_MAX 1024               /* half-open connections one listener keeps */
#define TCP_EPHEMERAL_LO 49152
#define TCP_EPHEMERAL_HI 65535

/* Sequence arithmetic modulo 2^32 (RFC 9293 §3.4). */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)

/* RFC 9293 §3.3.2; the values are ours, not on the wire. */
typedef enum {
    TCP_STATE_CLOSED = 0,
    TCP_STATE_LISTEN,
    TCP_STATE_SYN_SENT,
    TCP_STATE_SYN_RECEIVED,
    TCP_STATE_ESTABLISHED,
    TCP_STATE_FIN_WAIT_1,
    TCP_STATE_FIN_WAIT_2,
    TCP_STATE_CLOSE_WAIT,
    TCP_STATE_CLOSING,
    TCP_STATE_LAST_ACK,
    TCP_STATE_TIME_WAIT,
} TcpState;

/* A connection's 4-tuple; the key of TcpLayer.conns (points into the socket). */
typedef struct {
    SimAddr laddr;
    SimAddr raddr;
    uint16_t lport;
    uint16_t rport;
} TcpKey;

/* A segment that arrived ahead of a gap (RFC 9293 §3.10.7.4 seventh: held, not delivered). */
typedef struct {
    uint32_t seq;
    uint32_t len;
    gboolean fin;
    uint8_t data[];
} TcpOooSeg;

/* A parsed, checksum-verified incoming segment. DATA points into the packet. */
typedef struct {
    const SimAddr *src;
    const SimAddr *dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t wnd;
    gboolean has_mss;
    uint16_t mss;
    const uint8_t *data;
    uint32_t len;
} TcpSeg;

struct TcpSocket {
    TcpLayer *layer;
    TcpState state;
    gboolean is_listener;
    gboolean dead;     /* unlinked; freed by the reaper event, never while a call uses it */
    gboolean reported; /* `closed` has run: the application has let go (TIME-WAIT outlives it) */
    gboolean passive;  /* made by a listener: a RST in SYN-RECEIVED just drops it (§3.10.7.4) */
    TcpKey key;
    TcpCallbacks cb;
    void *user;

    /* Listener: accept target and the half-open connections it owns. */
    TcpAcceptFunc accept;
    void *accept_user;
    GList *children;
    guint n_children;
    TcpSocket *parent; /* SYN-RECEIVED child: its listener */

    /* Send sequence space, RFC 9293 §3.3.1. snd_max is the highest sequence sent (snd_nxt goes
     * back to snd_una after a timeout: go-back-N). */
    uint32_t iss, snd_una, snd_nxt, snd_max;
    uint32_t snd_wnd, max_snd_wnd, snd_wl1, snd_wl2;
    /* Unacknowledged and unsent bytes: sndbuf->data[sndbuf_off..len), the first at snd_buf_seq. */
    GByteArray *sndbuf;
    guint sndbuf_off;
    uint32_t snd_buf_seq;
    size_t sndbuf_cap;
    gboolean fin_queued; /* tcp_close(): FIN at fin_seq, right after the last queued byte */
    uint32_t fin_seq;
    gboolean syn_sent;
    gboolean syn_retransmitted;

    /* Receive sequence space. */
    uint32_t irs, rcv_nxt;
    GQueue ooo; /* TcpOooSeg, sorted by seq */
    size_t ooo_bytes; /* held; capped so overlapping junk from a hostile peer cannot grow it */
    gboolean ack_pending;
    gboolean notify_writable;

    /* RFC 5681 / 6582. */
    uint32_t mss_local; /* what our SYN advertises */
    uint32_t mss;       /* effective: min(ours, peer's) */
    uint32_t cwnd, ssthresh, recover;
    guint dupacks;
    gboolean in_recovery;

    /* RFC 6298. */
    gboolean rtt_measured;
    SimTime srtt, rttvar, rto;
    gboolean rtt_timing;
    uint32_t rtt_seq;
    SimTime rtt_start;
    guint retries;
    guint persist_probes; /* probes (or RTO probes) since the peer last answered */
    guint persist_shift;  /* back-off exponent; reset when the window opens */

    SimEventId rto_timer, persist_timer, tw_timer;
    TcpStats stats;
};

struct TcpLayer {
    TcpLayerOps ops;
    SimRng *own_rng;      /* when ops->rng was NULL */
    GHashTable *conns;    /* TcpKey* -> TcpSocket*: every live non-listener socket */
    GList *listeners;     /* TcpSocket* in LISTEN */
    GHashTable *ports;    /* local port -> number of live sockets on it */
    GQueue dead;          /* closed sockets waiting for the reaper */
    SimEventId reap_event;
    TcpLayerStats stats;
};

static inline uint16_t tcp_get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t tcp_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void tcp_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void tcp_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Sequence number just after the last queued data byte (= fin_seq once the FIN is queued). */
static inline uint32_t tcp_data_end(const TcpSocket *s)
{
    return s->snd_buf_seq + (uint32_t)(s->sndbuf->len - s->sndbuf_off);
}
static inline gboolean tcp_fin_acked(const TcpSocket *s)
{
    return s->fin_queued && SEQ_GT(s->snd_una, s->fin_seq);
}
static inline SimTime tcp_now(const TcpSocket *s) { return sim_engine_now(s->layer->ops.engine); }

static inline void tcp_ooo_clear(TcpSocket *s)
{
    g_queue_clear_full(&s->ooo, g_free);
    s->ooo_bytes = 0;
}

/* tcp.c */
TcpSocket *tcp__conn_new(TcpLayer *layer, const SimAddr *laddr, uint16_t lport, const SimAddr *raddr,
                         uint16_t rport);
void tcp__established(TcpSocket *s);
void tcp__enter_time_wait(TcpSocket *s);
void tcp__destroy(TcpSocket *s, TcpCloseReason reason, gboolean report);
void tcp__set_peer_mss(TcpSocket *s, const TcpSeg *seg);
TcpSocket *tcp__find_listener(TcpLayer *layer, const SimAddr *dst, uint16_t port);
void tcp__event(TcpLayer *layer, const char *name, const SimAttr *attrs, size_t n_attrs);
const char *tcp__endpoint(const SimAddr *addr, uint16_t port, char buf[64]);
void tcp__timer_cancel(TcpSocket *s, SimEventId *id);

/* tcp-output.c */
void tcp__output(TcpSocket *s);
void tcp__send_syn(TcpSocket *s);
void tcp__send_ack(TcpSocket *s);
void tcp__send_abort_rst(TcpSocket *s);
void tcp__reply_rst(TcpLayer *layer, const TcpSeg *seg);
uint32_t tcp__send_at(TcpSocket *s, uint32_t seq, uint32_t max_len);
void tcp__retransmit_event(TcpSocket *s, uint32_t seq, const char *reason);
void tcp__rto_arm(TcpSocket *s);
void tcp__rtt_sample(TcpSocket *s, SimTime r);
void tcp__consume_sndbuf(TcpSocket *s, uint32_t n);
