/* tcp-input.c: incoming segments. Parsing with every field bounds-checked, demultiplexing to a
 * connection or listener, and the per-state processing of RFC 9293 §3.10.7, including ACK
 * processing with RFC 5681 / RFC 6582 (NewReno) congestion control and in-order delivery with an
 * out-of-order queue. See the design notes in tcp.c.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_TCP
#include "links/inet-checksum.h"
#include "links/tcp-private.h"

/* ---- parsing -------------------------------------------------------------------------------- */

/* Fills SEG from the N bytes at P (SEG->src/dst already set). Returns NULL when the segment is
 * usable, else a short reason; *BAD_SUM tells a checksum failure from a malformed header. */
static const char *tcp_parse(const uint8_t *p, size_t n, TcpSeg *seg, gboolean *bad_sum)
{
    *bad_sum = FALSE;
    if ((seg->src->family != SIM_AF_INET && seg->src->family != SIM_AF_INET6) ||
        seg->src->family != seg->dst->family)
        return "bad-address";
    if (n < TCP_HDR_MIN)
        return "short-segment";
    if (n > 0xffff)
        return "too-long"; /* no jumbograms (RFC 2675) */
    if (inet_checksum_pseudo(seg->src, seg->dst, TCP_PROTO, p, n) != 0) {
        *bad_sum = TRUE;
        return "bad-checksum";
    }
    size_t hl = (size_t)(p[12] >> 4) * 4;
    if (hl < TCP_HDR_MIN)
        return "bad-data-offset";
    if (hl > n)
        return "header-too-long";
    seg->sport = tcp_get16(p);
    seg->dport = tcp_get16(p + 2);
    if (seg->sport == 0 || seg->dport == 0)
        return "zero-port";
    seg->seq = tcp_get32(p + 4);
    seg->ack = tcp_get32(p + 8);
    seg->flags = p[13] & 0x3f; /* CWR and ECE are ignored (no ECN) */
    seg->wnd = tcp_get16(p + 14);
    seg->has_mss = FALSE;
    seg->mss = 0;
    /* RFC 9293 §3.2: kind 0 and 1 are one byte, every other option has a length byte >= 2 that
     * must keep it inside the header. */
    for (size_t i = TCP_HDR_MIN; i < hl;) {
        uint8_t kind = p[i];
        if (kind == TCP_OPT_EOL)
            break;
        if (kind == TCP_OPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= hl)
            return "bad-option";
        size_t olen = p[i + 1];
        if (olen < 2 || i + olen > hl)
            return "bad-option";
        if (kind == TCP_OPT_MSS) {
            if (olen != 4)
                return "bad-option";
            seg->has_mss = TRUE;
            seg->mss = tcp_get16(p + i + 2);
        }
        i += olen;
    }
    seg->data = p + hl;
    seg->len = (uint32_t)(n - hl);
    return NULL;
}

static void tcp_drop(TcpLayer *l, const SimAddr *src, const char *reason, gboolean bad_sum)
{
    if (bad_sum)
        l->stats.bad_checksum++;
    else
        l->stats.malformed++;
    char a[SIM_ADDR_STRLEN];
    SimAttr attrs[] = {
        SIM_ATTR_S("reason", reason),
        SIM_ATTR_S("src", sim_addr_to_string(src, a)),
    };
    tcp__event(l, "tcp-drop", attrs, G_N_ELEMENTS(attrs));
}

/* ---- helpers -------------------------------------------------------------------------------- */

/* RFC 9293 §3.10.7.4 first: the acceptability test, with RCV.WND always > 0 here. */
static gboolean tcp_seq_acceptable(const TcpSocket *s, uint32_t seq, uint32_t seglen)
{
    uint32_t lo = s->rcv_nxt, hi = s->rcv_nxt + TCP_RCV_WND;
    gboolean start_in = SEQ_LEQ(lo, seq) && SEQ_LT(seq, hi);
    if (seglen == 0)
        return start_in;
    uint32_t last = seq + seglen - 1;
    return start_in || (SEQ_LEQ(lo, last) && SEQ_LT(last, hi));
}

/* After a segment: send what the windows allow, the ACK if still owed, then tell the application
 * about freed buffer space (last, so a callback that closes the socket ends the processing). */
static void tcp_finish(TcpSocket *s)
{
    if (s->dead)
        return;
    tcp__output(s);
    if (!s->dead && s->ack_pending)
        tcp__send_ack(s);
    if (!s->dead && s->notify_writable) {
        s->notify_writable = FALSE;
        if (s->cb.writable && tcp_send_space(s) > 0)
            s->cb.writable(s, s->user);
    }
}

/* ---- ACK processing ------------------------------------------------------------------------- */

/* RFC 5681 §3.2 / RFC 6582 §3.2: a duplicate ACK. */
static void tcp_dup_ack(TcpSocket *s)
{
    s->stats.dup_acks++;
    if (s->in_recovery) {
        s->cwnd = MIN(s->cwnd + s->mss, TCP_CWND_MAX); /* inflate: one more segment left the net */
        return;
    }
    if (++s->dupacks != 3)
        return;
    if (!SEQ_GT(s->snd_una, s->recover))
        return; /* RFC 6582 §3.2 step 1: these are echoes of data sent before a timeout */
    s->ssthresh = MAX((s->snd_max - s->snd_una) / 2, 2 * s->mss); /* RFC 5681 eq. (4) */
    s->recover = s->snd_max - 1;                                  /* highest sequence sent */
    s->in_recovery = TRUE;
    s->stats.fast_retransmits++;
    tcp__retransmit_event(s, s->snd_una, "fast");
    tcp__send_at(s, s->snd_una, s->mss);
    s->cwnd = s->ssthresh + 3 * s->mss;
}

/* SND.UNA < ACK <= snd_max: new data acknowledged. */
static void tcp_new_ack(TcpSocket *s, uint32_t ack)
{
    uint32_t acked = ack - s->snd_una;
    uint32_t end = tcp_data_end(s);
    uint32_t upto = SEQ_LT(ack, end) ? ack : end;
    uint32_t data_acked = SEQ_GT(upto, s->snd_buf_seq) ? upto - s->snd_buf_seq : 0;
    if (data_acked)
        tcp__consume_sndbuf(s, data_acked);
    s->snd_una = ack;
    if (SEQ_LT(s->snd_nxt, ack))
        s->snd_nxt = ack; /* the cumulative ACK jumped over a go-back-N resend */
    if (SEQ_LT(s->snd_max, ack))
        s->snd_max = ack; /* it took a zero-window probe byte */
    s->retries = 0;
    s->stats.bytes_acked += data_acked;
    if (data_acked)
        s->notify_writable = TRUE;
    /* RFC 6298 §3 with Karn: only a segment that was never retransmitted gives a sample. */
    if (s->rtt_timing && SEQ_GT(ack, s->rtt_seq)) {
        s->rtt_timing = FALSE;
        tcp__rtt_sample(s, tcp_now(s) - s->rtt_start);
    }
    if (s->in_recovery) {
        if (SEQ_GT(ack, s->recover)) {
            /* RFC 6582 §3.2 step 3, full ACK: deflate the window (option 1). */
            uint32_t flight = s->snd_max - s->snd_una;
            s->cwnd = MIN(s->ssthresh, MAX(flight, s->mss) + s->mss);
            s->in_recovery = FALSE;
        } else {
            /* Partial ACK: the next hole is lost too. Retransmit it, deflate by what was acked,
             * add back one MSS if at least one was acked. The timer restarts below. */
            tcp__send_at(s, s->snd_una, s->mss);
            s->cwnd = s->cwnd > acked ? s->cwnd - acked : 0;
            if (acked >= s->mss)
                s->cwnd += s->mss;
            s->cwnd = MAX(s->cwnd, s->mss);
        }
    } else if (data_acked) {
        if (s->cwnd < s->ssthresh)
            s->cwnd += MIN(data_acked, s->mss); /* slow start, RFC 5681 eq. (2) */
        else
            s->cwnd += MAX(1u, (uint32_t)((uint64_t)s->mss * s->mss / s->cwnd)); /* eq. (3) */
        s->cwnd = MIN(s->cwnd, TCP_CWND_MAX);
    }
    /* Keep recover within 2^31 of the ACKs without changing what SEQ_GT(una, recover) says. */
    if (!s->in_recovery && SEQ_GT(ack - 1, s->recover))
        s->recover = ack - 1;
    s->dupacks = 0;
    if (s->snd_una == s->snd_max)
        tcp__timer_cancel(s, &s->rto_timer); /* RFC 6298 §5.2 */
    else
        tcp__rto_arm(s); /* §5.3 */
}

/* RFC 9293 §3.10.7.4 fifth, ESTABLISHED and later. FALSE: drop the rest of the segment. */
static gboolean tcp_input_ack(TcpSocket *s, const TcpSeg *seg)
{
    uint32_t ack = seg->ack;
    uint32_t limit = s->snd_max;
    if (s->persist_shift && SEQ_GT(s->snd_nxt + 1, limit))
        limit = s->snd_nxt + 1; /* a zero-window probe byte may be acknowledged */
    if (SEQ_GT(ack, limit)) {
        tcp__send_ack(s); /* acknowledges something not yet sent */
        return FALSE;
    }
    s->persist_probes = 0; /* the peer is alive: probing may go on (RFC 9293 §3.8.6.1) */
    gboolean wnd_changed = FALSE;
    if (SEQ_GEQ(ack, s->snd_una) &&
        (SEQ_LT(s->snd_wl1, seg->seq) || (s->snd_wl1 == seg->seq && SEQ_LEQ(s->snd_wl2, ack)))) {
        wnd_changed = s->snd_wnd != seg->wnd;
        s->snd_wnd = seg->wnd;
        s->snd_wl1 = seg->seq;
        s->snd_wl2 = ack;
        s->max_snd_wnd = MAX(s->max_snd_wnd, s->snd_wnd);
    }
    if (SEQ_LT(ack, s->snd_una))
        return TRUE; /* old: ignore the ACK, keep the data */
    if (ack == s->snd_una) {
        /* RFC 5681 §2 "duplicate acknowledgment"; zero-window answers to probes are not. */
        if (seg->len == 0 && !(seg->flags & (TCP_F_SYN | TCP_F_FIN)) && !wnd_changed && seg->wnd != 0 &&
            SEQ_GT(s->snd_nxt, s->snd_una))
            tcp_dup_ack(s);
        return TRUE;
    }
    tcp_new_ack(s, ack);
    return TRUE;
}

/* ---- data and FIN --------------------------------------------------------------------------- */

static void tcp_deliver(TcpSocket *s, const uint8_t *data, uint32_t len)
{
    s->rcv_nxt += len; /* before the callback: a send from inside it carries the right ACK */
    s->stats.bytes_received += len;
    if (s->cb.received)
        s->cb.received(s, data, len, s->user);
}

/* Holds a segment that arrived ahead of a gap, sorted by seq. One that lies within the nearest
 * held segment at or below it is a duplicate. Cost: O(held segments) from the tail, O(1) in the
 * usual case of losses followed by in-order arrivals. */
static void tcp_ooo_insert(TcpSocket *s, uint32_t seq, const uint8_t *data, uint32_t len, gboolean fin)
{
    GList *it;
    for (it = s->ooo.tail; it; it = it->prev) {
        const TcpOooSeg *e = it->data;
        if (SEQ_LEQ(e->seq, seq))
            break;
    }
    if (it) {
        const TcpOooSeg *e = it->data;
        if (SEQ_LEQ(seq + len, e->seq + e->len) && (!fin || e->fin))
            return;
    }
    if (s->ooo_bytes + len > TCP_OOO_MAX)
        return; /* the sender will retransmit it */
    s->ooo_bytes += len;
    TcpOooSeg *n = g_malloc(sizeof *n + len);
    n->seq = seq;
    n->len = len;
    n->fin = fin;
    if (len)
        memcpy(n->data, data, len);
    if (it)
        g_queue_insert_after(&s->ooo, it, n);
    else
        g_queue_push_head(&s->ooo, n);
}

/* Delivers held segments the gap-filling has made in order. TRUE when a held FIN became due. */
static gboolean tcp_ooo_drain(TcpSocket *s)
{
    TcpOooSeg *e;
    while ((e = g_queue_peek_head(&s->ooo)) && SEQ_LEQ(e->seq, s->rcv_nxt)) {
        g_queue_pop_head(&s->ooo);
        s->ooo_bytes -= e->len;
        uint32_t end = e->seq + e->len;
        if (SEQ_GT(end, s->rcv_nxt))
            tcp_deliver(s, e->data + (s->rcv_nxt - e->seq), end - s->rcv_nxt);
        gboolean fin = e->fin && end == s->rcv_nxt;
        g_free(e);
        if (s->dead)
            return FALSE;
        if (fin)
            return TRUE;
    }
    return FALSE;
}

/* RFC 9293 §3.10.7.4 eighth: the peer's FIN is in order. */
static void tcp_input_fin(TcpSocket *s)
{
    s->rcv_nxt++;
    s->ack_pending = TRUE;
    tcp_ooo_clear(s); /* nothing follows a FIN */
    gboolean time_wait = FALSE;
    switch (s->state) {
    case TCP_STATE_ESTABLISHED:
        s->state = TCP_STATE_CLOSE_WAIT;
        break;
    case TCP_STATE_FIN_WAIT_1:
        s->state = TCP_STATE_CLOSING; /* ours is not acked yet, else we would be in FIN-WAIT-2 */
        break;
    case TCP_STATE_FIN_WAIT_2:
        time_wait = TRUE;
        break;
    default:
        break;
    }
    if (s->cb.peer_closed)
        s->cb.peer_closed(s, s->user);
    if (!s->dead && time_wait)
        tcp__enter_time_wait(s);
}

/* RFC 9293 §3.10.7.4 seventh and eighth: segment text and FIN. */
static void tcp_input_text(TcpSocket *s, const TcpSeg *seg)
{
    if (s->state != TCP_STATE_ESTABLISHED && s->state != TCP_STATE_FIN_WAIT_1 && s->state != TCP_STATE_FIN_WAIT_2)
        return; /* after the peer's FIN: nothing more can be new */
    uint32_t seq = seg->seq, len = seg->len;
    const uint8_t *data = seg->data;
    gboolean fin = (seg->flags & TCP_F_FIN) != 0;
    /* Trim to the window: the acceptability test guarantees part of it is inside. */
    if (SEQ_LT(seq, s->rcv_nxt)) {
        uint32_t cut = s->rcv_nxt - seq;
        if (cut > len) {
            fin = FALSE; /* that FIN is one we already have */
            cut = len;
        }
        data += cut;
        len -= cut;
        seq += cut;
    }
    uint32_t wend = s->rcv_nxt + TCP_RCV_WND;
    if (SEQ_GT(seq + len, wend))
        len = wend - seq;
    if (fin && SEQ_GEQ(seq + len, wend))
        fin = FALSE;
    if (len == 0 && !fin)
        return;
    s->ack_pending = TRUE; /* every segment is acknowledged at once (no delayed ACK) */
    if (seq != s->rcv_nxt) {
        /* RFC 5681 §4.2: the immediate ACK is the duplicate ACK the sender counts. */
        tcp_ooo_insert(s, seq, data, len, fin);
        s->stats.out_of_order++;
        return;
    }
    if (len) {
        tcp_deliver(s, data, len);
        if (s->dead)
            return;
    }
    if (!fin)
        fin = tcp_ooo_drain(s);
    if (s->dead)
        return;
    if (fin)
        tcp_input_fin(s);
}

/* ---- per state ------------------------------------------------------------------------------ */

/* RFC 9293 §3.10.7.2. */
static void tcp_input_listen(TcpSocket *ls, const TcpSeg *seg)
{
    TcpLayer *l = ls->layer;
    if (seg->flags & TCP_F_RST)
        return;
    if (seg->flags & TCP_F_ACK) {
        tcp__reply_rst(l, seg);
        return;
    }
    if (!(seg->flags & TCP_F_SYN) || ls->n_children >= TCP_BACKLOG_MAX)
        return;
    TcpSocket *c = tcp__conn_new(l, seg->dst, ls->key.lport, seg->src, seg->sport);
    c->passive = TRUE;
    c->parent = ls;
    ls->children = g_list_prepend(ls->children, c);
    ls->n_children++;
    c->stats.segments_received++;
    c->irs = seg->seq;
    c->rcv_nxt = seg->seq + 1; /* data on a SYN is not kept: the peer sends it again */
    tcp__set_peer_mss(c, seg);
    c->state = TCP_STATE_SYN_RECEIVED;
    tcp__send_syn(c);
}

/* RFC 9293 §3.10.7.3. */
static void tcp_input_syn_sent(TcpSocket *s, const TcpSeg *seg)
{
    uint8_t f = seg->flags;
    gboolean ack_ok = FALSE;
    if (f & TCP_F_ACK) {
        if (SEQ_LEQ(seg->ack, s->iss) || SEQ_GT(seg->ack, s->snd_max)) {
            tcp__reply_rst(s->layer, seg); /* not for our SYN (never answers a RST) */
            return;
        }
        ack_ok = TRUE;
    }
    if (f & TCP_F_RST) {
        if (ack_ok) /* RFC 5961 §3.2: only a RST that acknowledges our SYN counts */
            tcp__destroy(s, TCP_CLOSED_RESET, TRUE);
        return;
    }
    if (!(f & TCP_F_SYN))
        return;
    s->irs = seg->seq;
    s->rcv_nxt = seg->seq + 1;
    tcp__set_peer_mss(s, seg);
    if (ack_ok) {
        s->snd_wnd = seg->wnd;
        s->max_snd_wnd = seg->wnd;
        s->snd_wl1 = seg->seq;
        s->snd_wl2 = seg->ack;
        tcp_new_ack(s, seg->ack); /* the SYN: RTT sample, timer stopped */
        s->ack_pending = TRUE;
        tcp__established(s);
        tcp_finish(s);
    } else {
        /* Simultaneous open: answer with SYN,ACK from the same ISS. */
        s->state = TCP_STATE_SYN_RECEIVED;
        s->syn_sent = FALSE;
        tcp__send_syn(s);
    }
}

/* RFC 9293 §3.10.7.4: SYN-RECEIVED and every synchronized state. */
static void tcp_input_sync(TcpSocket *s, const TcpSeg *seg)
{
    uint8_t f = seg->flags;
    /* The peer's SYN again: our SYN,ACK was lost, send it now rather than at our RTO. */
    if (s->state == TCP_STATE_SYN_RECEIVED && (f & TCP_F_SYN) && !(f & TCP_F_ACK) && seg->seq == s->irs) {
        tcp__send_syn(s);
        return;
    }
    uint32_t seglen = seg->len + !!(f & TCP_F_SYN) + !!(f & TCP_F_FIN);
    /* first: sequence number */
    if (!tcp_seq_acceptable(s, seg->seq, seglen)) {
        if (!(f & TCP_F_RST)) {
            if (s->state == TCP_STATE_TIME_WAIT && (f & TCP_F_FIN)) {
                /* A retransmitted FIN: our ACK was lost. Acknowledge and restart 2*MSL. */
                tcp__timer_cancel(s, &s->tw_timer);
                tcp__enter_time_wait(s);
            }
            tcp__send_ack(s);
        }
        return;
    }
    /* second: RST, exact match only; in-window otherwise gets a challenge ACK (RFC 5961 §3.2) */
    if (f & TCP_F_RST) {
        if (seg->seq != s->rcv_nxt)
            tcp__send_ack(s);
        else
            tcp__destroy(s, TCP_CLOSED_RESET, TRUE); /* a listener's child just goes (§3.10.7.4) */
        return;
    }
    /* fourth: SYN in a synchronized state, challenge ACK (RFC 5961 §4) */
    if (f & TCP_F_SYN) {
        tcp__send_ack(s);
        return;
    }
    /* fifth: ACK */
    if (!(f & TCP_F_ACK))
        return;
    if (s->state == TCP_STATE_SYN_RECEIVED) {
        if (!SEQ_LT(s->snd_una, seg->ack) || SEQ_GT(seg->ack, s->snd_max)) {
            tcp__reply_rst(s->layer, seg);
            return;
        }
        s->snd_wnd = seg->wnd;
        s->max_snd_wnd = MAX(s->max_snd_wnd, seg->wnd);
        s->snd_wl1 = seg->seq;
        s->snd_wl2 = seg->ack;
        tcp_input_ack(s, seg);
        tcp__established(s); /* the listener's accept runs here */
        if (s->dead)
            return;
    } else if (!tcp_input_ack(s, seg)) {
        return;
    }
    switch (s->state) {
    case TCP_STATE_FIN_WAIT_1:
        if (tcp_fin_acked(s))
            s->state = TCP_STATE_FIN_WAIT_2;
        break;
    case TCP_STATE_CLOSING:
        if (tcp_fin_acked(s))
            tcp__enter_time_wait(s);
        break;
    case TCP_STATE_LAST_ACK:
        if (tcp_fin_acked(s)) {
            tcp__destroy(s, TCP_CLOSED_NORMAL, TRUE);
            return;
        }
        break;
    default:
        break;
    }
    if (seg->len || (f & TCP_F_FIN))
        tcp_input_text(s, seg);
    tcp_finish(s);
}

/* ---- entry point ---------------------------------------------------------------------------- */

void tcp_layer_input(TcpLayer *layer, SimPacket *pkt, const SimAddr *src, const SimAddr *dst)
{
    if (!layer || !pkt || !src || !dst) {
        sim_packet_unref(pkt);
        return;
    }
    TcpSeg seg;
    memset(&seg, 0, sizeof seg);
    seg.src = src;
    seg.dst = dst;
    gboolean bad_sum;
    const char *why = tcp_parse(sim_packet_data(pkt), sim_packet_len(pkt), &seg, &bad_sum);
    if (why) {
        tcp_drop(layer, src, why, bad_sum);
        sim_packet_unref(pkt);
        return;
    }
    TcpKey k = {.laddr = *dst, .raddr = *src, .lport = seg.dport, .rport = seg.sport};
    TcpSocket *s = g_hash_table_lookup(layer->conns, &k);
    if (s && s->state == TCP_STATE_TIME_WAIT && (seg.flags & TCP_F_SYN) && !(seg.flags & (TCP_F_ACK | TCP_F_RST)) &&
        SEQ_GT(seg.seq, s->rcv_nxt)) {
        /* RFC 9293 §3.10.7.4 (RFC 6191): a new incarnation may take over a TIME-WAIT 4-tuple when
         * its SYN lies above everything the old one used. */
        tcp__destroy(s, TCP_CLOSED_NORMAL, FALSE);
        s = NULL;
    }
    if (s) {
        s->stats.segments_received++;
        if (s->state == TCP_STATE_SYN_SENT)
            tcp_input_syn_sent(s, &seg);
        else
            tcp_input_sync(s, &seg);
    } else {
        TcpSocket *ls = tcp__find_listener(layer, dst, seg.dport);
        if (ls)
            tcp_input_listen(ls, &seg);
        else
            tcp__reply_rst(layer, &seg); /* RFC 9293 §3.10.7.1: CLOSED */
    }
    sim_packet_unref(pkt);
}
