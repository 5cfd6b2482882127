/* tcp-output.c: building and sending segments, the retransmission timer (RFC 6298), slow start
 * and congestion avoidance after a timeout (RFC 5681 §3.1) and the persist timer (RFC 9293
 * §3.8.6.1). The state machine is in tcp.c / tcp-input.c; see the design notes in tcp.c.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_TCP
#include "links/inet-checksum.h"
#include "links/tcp-private.h"

/* ---- segment building ----------------------------------------------------------------------- */

/* A segment from K's local end to its remote end; OPT is OPTLEN bytes (a multiple of 4). */
static SimPacket *tcp_build(const TcpKey *k, uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *opt,
                            size_t optlen, const uint8_t *data, size_t len)
{
    size_t hl = TCP_HDR_MIN + optlen;
    SimPacket *p = sim_packet_new_empty(SIM_PACKET_HEADROOM, hl + len);
    uint8_t *h = sim_packet_put(p, hl + len);
    tcp_put16(h, k->lport);
    tcp_put16(h + 2, k->rport);
    tcp_put32(h + 4, seq);
    tcp_put32(h + 8, ack);
    h[12] = (uint8_t)((hl / 4) << 4);
    h[13] = flags;
    tcp_put16(h + 14, (uint16_t)TCP_RCV_WND);
    tcp_put16(h + 16, 0);
    tcp_put16(h + 18, 0); /* no urgent data */
    if (optlen)
        memcpy(h + TCP_HDR_MIN, opt, optlen);
    if (len)
        memcpy(h + hl, data, len);
    /* RFC 9293 §3.1: over the pseudo-header, header and data (IPv6: RFC 8200 §8.1). */
    tcp_put16(h + 16, inet_checksum_pseudo(&k->laddr, &k->raddr, TCP_PROTO, h, hl + len));
    return p;
}

/* Sends one segment of connection S. ACK and window are always current (no delayed ACK). */
static void tcp_emit(TcpSocket *s, uint32_t seq, uint8_t flags, const uint8_t *data, uint32_t len, gboolean mss_opt)
{
    uint8_t opt[4] = {0};
    size_t optlen = 0;
    if (mss_opt) {
        /* RFC 9293 §3.7.1: the MSS option, only in SYN segments. */
        opt[0] = TCP_OPT_MSS;
        opt[1] = 4;
        tcp_put16(opt + 2, (uint16_t)s->mss_local);
        optlen = 4;
    }
    uint32_t ack = (flags & TCP_F_ACK) ? s->rcv_nxt : 0;
    SimPacket *p = tcp_build(&s->key, seq, ack, flags, opt, optlen, data, len);
    s->stats.segments_sent++;
    s->stats.bytes_sent += len;
    if (flags & TCP_F_ACK)
        s->ack_pending = FALSE;
    TcpLayerOps *ops = &s->layer->ops;
    ops->output(ops->ctx, p, &s->key.laddr, &s->key.raddr);
}

/* A pure ACK carries snd_max, not snd_nxt (design note 4; BSD does the same). */
void tcp__send_ack(TcpSocket *s)
{
    tcp_emit(s, s->snd_max, TCP_F_ACK, NULL, 0, FALSE);
}

static void tcp_rst_event(TcpLayer *l, const SimAddr *raddr, uint16_t rport, uint32_t seq)
{
    char r[64];
    SimAttr attrs[] = {
        SIM_ATTR_S("remote", tcp__endpoint(raddr, rport, r)),
        SIM_ATTR_I("seq", seq),
    };
    tcp__event(l, "tcp-reset-sent", attrs, G_N_ELEMENTS(attrs));
}

/* RFC 9293 §3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>. */
void tcp__send_abort_rst(TcpSocket *s)
{
    tcp_emit(s, s->snd_nxt, TCP_F_RST, NULL, 0, FALSE);
    tcp_rst_event(s->layer, &s->key.raddr, s->key.rport, s->snd_nxt);
}

/* RFC 9293 §3.10.7.1: the reply to a segment nobody expects. Never a RST for a RST. */
void tcp__reply_rst(TcpLayer *l, const TcpSeg *seg)
{
    if (seg->flags & TCP_F_RST)
        return;
    TcpKey k = {.laddr = *seg->dst, .raddr = *seg->src, .lport = seg->dport, .rport = seg->sport};
    uint32_t seq, ack;
    uint8_t flags;
    if (seg->flags & TCP_F_ACK) {
        seq = seg->ack; /* <SEQ=SEG.ACK><CTL=RST> */
        ack = 0;
        flags = TCP_F_RST;
    } else {
        seq = 0; /* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
        ack = seg->seq + seg->len + !!(seg->flags & TCP_F_SYN) + !!(seg->flags & TCP_F_FIN);
        flags = TCP_F_RST | TCP_F_ACK;
    }
    SimPacket *p = tcp_build(&k, seq, ack, flags, NULL, 0, NULL, 0);
    l->stats.resets_sent++;
    tcp_rst_event(l, &k.raddr, k.rport, seq);
    l->ops.output(l->ops.ctx, p, &k.laddr, &k.raddr);
}

/* ---- RFC 6298 ------------------------------------------------------------------------------- */

static void tcp_rto_fire(void *arg);

/* RFC 6298 §5.1 / §5.3: (re)starts the retransmission timer with the current RTO. */
void tcp__rto_arm(TcpSocket *s)
{
    tcp__timer_cancel(s, &s->rto_timer);
    s->rto_timer = sim_engine_schedule_in(s->layer->ops.engine, s->rto, tcp_rto_fire, s);
}

/* RFC 6298 §2.2 / §2.3, with the §2.4 / §2.5 bounds. */
void tcp__rtt_sample(TcpSocket *s, SimTime r)
{
    if (!s->rtt_measured) {
        s->rtt_measured = TRUE;
        s->srtt = r;
        s->rttvar = r / 2;
    } else {
        SimTime d = s->srtt > r ? s->srtt - r : r - s->srtt;
        s->rttvar = (3 * s->rttvar + d) / 4; /* beta = 1/4 */
        s->srtt = (7 * s->srtt + r) / 8;     /* alpha = 1/8 */
    }
    s->rto = CLAMP(s->srtt + MAX(TCP_CLOCK_G, 4 * s->rttvar), TCP_RTO_MIN, TCP_RTO_MAX);
    s->stats.srtt = s->srtt;
}

void tcp__retransmit_event(TcpSocket *s, uint32_t seq, const char *reason)
{
    char r[64];
    SimAttr attrs[] = {
        SIM_ATTR_S("remote", tcp__endpoint(&s->key.raddr, s->key.rport, r)),
        SIM_ATTR_I("seq", seq),
        SIM_ATTR_S("reason", reason),
    };
    tcp__event(s->layer, "tcp-retransmit", attrs, G_N_ELEMENTS(attrs));
    g_debug("%s retransmit seq %u (%s)", r, seq, reason);
}

/* Drops N acknowledged bytes from the front of the send buffer. The buffer is compacted only when
 * the dead prefix is large and at least half of it, so removal is amortised O(1) per byte. */
void tcp__consume_sndbuf(TcpSocket *s, uint32_t n)
{
    s->sndbuf_off += n;
    s->snd_buf_seq += n;
    if (s->sndbuf_off == s->sndbuf->len) {
        g_byte_array_set_size(s->sndbuf, 0);
        s->sndbuf_off = 0;
    } else if (s->sndbuf_off >= 65536 && s->sndbuf_off * 2 >= s->sndbuf->len) {
        g_byte_array_remove_range(s->sndbuf, 0, s->sndbuf_off);
        s->sndbuf_off = 0;
    }
}

/* ---- data segments -------------------------------------------------------------------------- */

/* Sends the segment that starts at SEQ: up to MIN(MAX_LEN, MSS) queued bytes, with FIN when it
 * reaches fin_seq. Returns the sequence space used (0: nothing to send there). Does not move
 * snd_nxt; raises snd_max; starts the RTO timer if it is not running (RFC 6298 §5.1). */
uint32_t tcp__send_at(TcpSocket *s, uint32_t seq, uint32_t max_len)
{
    uint32_t end = tcp_data_end(s);
    uint32_t len = 0;
    if (SEQ_LT(seq, end))
        len = MIN(MIN(end - seq, max_len), s->mss);
    gboolean fin = s->fin_queued && seq + len == s->fin_seq;
    if (len == 0 && !fin)
        return 0;
    g_assert(SEQ_GEQ(seq, s->snd_buf_seq));
    const uint8_t *data = s->sndbuf->data + s->sndbuf_off + (seq - s->snd_buf_seq);
    uint8_t flags = TCP_F_ACK;
    if (fin)
        flags |= TCP_F_FIN;
    if (len && seq + len == end)
        flags |= TCP_F_PSH;
    if (SEQ_LT(seq, s->snd_max)) {
        s->stats.retransmits++;
        s->rtt_timing = FALSE; /* Karn: no sample while retransmissions are outstanding */
    } else if (!s->rtt_timing) {
        s->rtt_timing = TRUE;
        s->rtt_seq = seq;
        s->rtt_start = tcp_now(s);
    }
    tcp_emit(s, seq, flags, data, len, FALSE);
    uint32_t used = len + (fin ? 1 : 0);
    if (SEQ_GT(seq + used, s->snd_max))
        s->snd_max = seq + used;
    if (!s->rto_timer)
        tcp__rto_arm(s);
    return used;
}

static void tcp_persist_fire(void *arg);

static void tcp_persist_arm(TcpSocket *s)
{
    /* RFC 9293 §3.8.6.1: first probe after one RTO, then exponentially less often. */
    SimTime t = s->rto;
    for (guint i = 0; i < s->persist_shift && t < TCP_RTO_MAX; i++)
        t *= 2;
    t = MIN(t, TCP_RTO_MAX);
    tcp__timer_cancel(s, &s->persist_timer);
    s->persist_timer = sim_engine_schedule_in(s->layer->ops.engine, t, tcp_persist_fire, s);
}

/* Sends whatever the windows allow: new data up to min(cwnd, peer's window) (RFC 5681 §3.1), then
 * the FIN once every byte is out. Nagle is off, but a window-limited sliver is held back while data
 * is in flight (sender SWS avoidance, RFC 9293 §3.8.6.2.1). */
void tcp__output(TcpSocket *s)
{
    if (s->dead)
        return;
    switch (s->state) {
    case TCP_STATE_ESTABLISHED:
    case TCP_STATE_CLOSE_WAIT:
    case TCP_STATE_FIN_WAIT_1:
    case TCP_STATE_CLOSING:
    case TCP_STATE_LAST_ACK:
        break;
    default:
        return;
    }
    uint32_t end = tcp_data_end(s);
    for (;;) {
        uint32_t wnd = MIN(s->cwnd, s->snd_wnd);
        uint32_t inflight = s->snd_nxt - s->snd_una;
        uint32_t usable = wnd > inflight ? wnd - inflight : 0;
        uint32_t unsent = SEQ_LT(s->snd_nxt, end) ? end - s->snd_nxt : 0;
        uint32_t full = MIN(unsent, s->mss);
        uint32_t len = MIN(full, usable);
        gboolean fin = s->fin_queued && s->snd_nxt + len == s->fin_seq;
        if (len == 0 && !fin)
            break;
        if (len < full && inflight > 0 && len < s->max_snd_wnd / 2)
            break; /* SWS: wait for the ACKs of what is in flight */
        uint32_t used = tcp__send_at(s, s->snd_nxt, len);
        if (used == 0)
            break;
        s->snd_nxt += used;
    }
    /* Peer's window is shut with data waiting and nothing in flight to bring an update: probe. */
    gboolean waiting = SEQ_LT(s->snd_nxt, end);
    if (waiting && s->snd_wnd == 0 && s->snd_nxt == s->snd_una) {
        if (!s->persist_timer)
            tcp_persist_arm(s);
    } else if (s->snd_wnd > 0) {
        tcp__timer_cancel(s, &s->persist_timer);
        s->persist_shift = 0;
    }
}

/* RFC 9293 §3.8.6.1: one byte beyond the zero window. The byte is not counted as sent: snd_nxt
 * and snd_max stay (design note 4). The connection stays open as long as the peer answers
 * (persist_probes is reset by every ACK); unanswered probes count like retransmissions and end in
 * TIMEOUT. */
static void tcp_persist_fire(void *arg)
{
    TcpSocket *s = arg;
    s->persist_timer = 0;
    uint32_t end = tcp_data_end(s);
    if (s->snd_wnd > 0 || s->snd_nxt != s->snd_una || !SEQ_LT(s->snd_nxt, end)) {
        tcp__output(s);
        return;
    }
    if (s->persist_probes >= TCP_MAX_RETRIES) {
        tcp__destroy(s, TCP_CLOSED_TIMEOUT, TRUE);
        return;
    }
    s->persist_probes++;
    s->persist_shift++;
    s->rtt_timing = FALSE;
    const uint8_t *data = s->sndbuf->data + s->sndbuf_off + (s->snd_nxt - s->snd_buf_seq);
    tcp_emit(s, s->snd_nxt, TCP_F_ACK | TCP_F_PSH, data, 1, FALSE);
    tcp_persist_arm(s);
}

/* The SYN (SYN-SENT) or SYN,ACK (SYN-RECEIVED), with our MSS option; also their retransmission. */
void tcp__send_syn(TcpSocket *s)
{
    uint8_t flags = TCP_F_SYN;
    if (s->state == TCP_STATE_SYN_RECEIVED)
        flags |= TCP_F_ACK;
    if (s->syn_sent) {
        s->stats.retransmits++;
        s->syn_retransmitted = TRUE;
        s->rtt_timing = FALSE;
    } else {
        s->syn_sent = TRUE;
        s->rtt_timing = TRUE;
        s->rtt_seq = s->iss;
        s->rtt_start = tcp_now(s);
    }
    tcp_emit(s, s->iss, flags, NULL, 0, TRUE);
    s->snd_nxt = s->iss + 1;
    if (SEQ_GT(s->snd_nxt, s->snd_max))
        s->snd_max = s->snd_nxt;
    if (!s->rto_timer)
        tcp__rto_arm(s);
}

/* RFC 6298 §5.4-5.7 and RFC 5681 §3.1 on an RTO expiry. */
static void tcp_rto_fire(void *arg)
{
    TcpSocket *s = arg;
    s->rto_timer = 0;
    if (s->snd_una == s->snd_max)
        return; /* nothing outstanding (cannot happen: the timer is stopped then) */
    /* Against a shut window the retransmission is a window probe: it counts against the persist
     * budget, which every answer from the peer refills (RFC 9293 §3.8.6.1). */
    gboolean probing = s->snd_wnd == 0 && s->state != TCP_STATE_SYN_SENT && s->state != TCP_STATE_SYN_RECEIVED;
    guint *count = probing ? &s->persist_probes : &s->retries;
    if (*count >= TCP_MAX_RETRIES) {
        tcp__destroy(s, TCP_CLOSED_TIMEOUT, TRUE);
        return;
    }
    (*count)++;
    s->stats.timeouts++;
    s->rto = MIN(s->rto * 2, TCP_RTO_MAX); /* §5.5: back off */
    s->rtt_timing = FALSE;                  /* Karn */
    if (s->state == TCP_STATE_SYN_SENT || s->state == TCP_STATE_SYN_RECEIVED) {
        tcp__retransmit_event(s, s->iss, "timeout");
        tcp__send_syn(s);
        return;
    }
    /* RFC 5681 eq. (4), only on the first timeout of a segment; then one segment of loss window. */
    if (s->retries + s->persist_probes == 1)
        s->ssthresh = MAX((s->snd_max - s->snd_una) / 2, 2 * s->mss);
    s->cwnd = s->mss;
    s->in_recovery = FALSE;
    s->dupacks = 0;
    s->recover = s->snd_max - 1; /* RFC 6582 §3.2 step 4: no fast retransmit for the old data */
    s->snd_nxt = s->snd_una;     /* go-back-N (design note 4) */
    tcp__retransmit_event(s, s->snd_una, "timeout");
    /* §5.4: the earliest segment goes out even if the window is now shut (it then acts as a probe). */
    s->snd_nxt += tcp__send_at(s, s->snd_una, s->mss);
    if (!s->rto_timer)
        tcp__rto_arm(s); /* §5.6 */
    tcp__output(s);
}
