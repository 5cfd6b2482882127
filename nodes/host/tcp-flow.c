/* tcp-flow.c: the tcp-send action and TCP sinks.
 *
 * Stream format: a 64-byte header, "PRESIMT1" (8) | payload length, big-endian (8) | flow name,
 * NUL-padded (48); then the payload, byte i = host_pattern_byte(i). The sender closes after the
 * last byte; the sink checks each byte as it arrives and closes when the sender's FIN comes. */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/host/host-private.h"
#include <string.h>

#define TCP_HDR 64
#define TCP_MAGIC "PRESIMT1"

typedef struct {
    Host *host;
    TcpSocket *listener;
    GPtrArray *conns; /* HostTcpConn*, owned */
} HostTcpSink;

typedef struct {
    HostTcpSink *sink;
    TcpSocket *sock; /* NULL once closed */
    uint8_t hdr[TCP_HDR];
    size_t hdr_len;
    char name[HOST_FLOW_NAME_MAX + 1];
    uint64_t expected, received, mismatches;
    SimTime last_byte;
    gboolean peer_closed;
    TcpCloseReason reason;
} HostTcpConn;

typedef struct {
    Host *host;
    char *name;
    TcpSocket *sock; /* NULL once closed */
    SimAddr dst;
    uint16_t port;
    uint64_t total;  /* header + payload */
    uint64_t queued; /* bytes handed to tcp_send */
    SimTime started, connected_at, closed_at;
    gboolean connected;
    TcpCloseReason reason;
    TcpStats stats;
} HostTcpSender;

/* ---- sink ---- */

static void conn_received(TcpSocket *sock, const uint8_t *data, size_t len, void *user)
{
    HostTcpConn *c = user;
    (void)sock;
    size_t off = 0;
    if (c->hdr_len < TCP_HDR) {
        size_t take = MIN(len, TCP_HDR - c->hdr_len);
        memcpy(c->hdr + c->hdr_len, data, take);
        c->hdr_len += take;
        off = take;
        if (c->hdr_len == TCP_HDR) {
            if (memcmp(c->hdr, TCP_MAGIC, 8) != 0)
                c->mismatches++;
            for (int i = 8; i < 16; i++)
                c->expected = c->expected << 8 | c->hdr[i];
            memcpy(c->name, c->hdr + 16, HOST_FLOW_NAME_MAX);
            c->name[HOST_FLOW_NAME_MAX] = '\0';
        }
    }
    for (; off < len; off++) {
        if (data[off] != host_pattern_byte(c->received))
            c->mismatches++;
        c->received++;
    }
    if (len)
        c->last_byte = sim_world_now(c->sink->host->node->world);
}

static void conn_peer_closed(TcpSocket *sock, void *user)
{
    HostTcpConn *c = user;
    c->peer_closed = TRUE;
    tcp_close(sock);
}

static void conn_closed(TcpSocket *sock, TcpCloseReason reason, void *user)
{
    HostTcpConn *c = user;
    (void)sock;
    c->sock = NULL;
    c->reason = reason;
}

static void sink_accept(TcpSocket *listener, TcpSocket *conn, void *user)
{
    HostTcpSink *s = user;
    (void)listener;
    HostTcpConn *c = g_new0(HostTcpConn, 1);
    c->sink = s;
    c->sock = conn;
    g_strlcpy(c->name, "(no header)", sizeof c->name);
    g_ptr_array_add(s->conns, c);
    static const TcpCallbacks cb = {
        .received = conn_received,
        .peer_closed = conn_peer_closed,
        .closed = conn_closed,
    };
    tcp_socket_set_callbacks(conn, &cb, c);
}

void host_tcp_sink_open(Host *host, uint16_t port, GError **error)
{
    HostTcpSink *s = g_new0(HostTcpSink, 1);
    s->host = host;
    s->conns = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(host->tcp_sinks, s);
    s->listener = tcp_listen(net_stack_tcp(net_stack_of(host->node)), NULL, port, sink_accept, s, error);
    if (!s->listener)
        g_prefix_error(error, "tcp-sinks: ");
}

/* ---- sender ---- */

static void sender_fill(HostTcpSender *t)
{
    uint8_t buf[4096];
    while (t->sock && t->queued < t->total) {
        size_t n = 0;
        for (; n < sizeof buf && t->queued + n < t->total; n++) {
            uint64_t pos = t->queued + n;
            if (pos < TCP_HDR) {
                uint8_t hdr[TCP_HDR] = {0};
                memcpy(hdr, TCP_MAGIC, 8);
                uint64_t len = t->total - TCP_HDR;
                for (int i = 15; i >= 8; i--, len >>= 8)
                    hdr[i] = (uint8_t)len;
                memcpy(hdr + 16, t->name, MIN(strlen(t->name), (size_t)HOST_FLOW_NAME_MAX));
                buf[n] = hdr[pos];
            } else {
                buf[n] = host_pattern_byte(pos - TCP_HDR);
            }
        }
        size_t accepted = tcp_send(t->sock, buf, n);
        t->queued += accepted;
        if (accepted < n)
            return; /* buffer full: `writable` resumes */
    }
    if (t->sock && t->queued == t->total) {
        TcpSocket *s = t->sock;
        t->queued++; /* close once */
        tcp_close(s);
    }
}

static void sender_connected(TcpSocket *sock, void *user)
{
    HostTcpSender *t = user;
    (void)sock;
    t->connected = TRUE;
    t->connected_at = sim_world_now(t->host->node->world);
    sender_fill(t);
}

static void sender_writable(TcpSocket *sock, void *user)
{
    (void)sock;
    sender_fill(user);
}

static void sender_closed(TcpSocket *sock, TcpCloseReason reason, void *user)
{
    HostTcpSender *t = user;
    tcp_socket_stats(sock, &t->stats);
    t->sock = NULL;
    t->reason = reason;
    t->closed_at = sim_world_now(t->host->node->world);
}

static const SimKeySpec tcp_send_keys[] = {
    {"dst", SIM_KEY_ADDR, NULL, "destination address", NULL, 0, 0, NULL},
    {"port", SIM_KEY_PORT, NULL, "destination TCP port", NULL, 0, 0, NULL},
    {"bytes", SIM_KEY_SIZE, "1MB", "payload bytes to transfer", NULL, 0, G_MAXINT64, NULL},
    SIM_KEY_END,
};

static gboolean tcp_send_check(const char *name, const SimConfig *args, const char **bad_key, GError **error)
{
    (void)args;
    (void)bad_key;
    if (!host_check_flow_name(name, error))
        return FALSE;
    return TRUE;
}

static void tcp_send_run(SimNode *node, const char *name, const SimConfig *args)
{
    Host *h = host_of(node);
    HostTcpSender *t = g_new0(HostTcpSender, 1);
    t->host = h;
    t->name = g_strdup(name);
    t->dst = sim_config_addr(args, "dst");
    t->port = sim_config_port(args, "port");
    t->total = TCP_HDR + sim_config_size(args, "bytes");
    t->started = sim_world_now(node->world);
    g_ptr_array_add(h->tcp_senders, t);
    static const TcpCallbacks cb = {
        .connected = sender_connected,
        .writable = sender_writable,
        .closed = sender_closed,
    };
    GError *err = NULL;
    t->sock = tcp_connect(net_stack_tcp(net_stack_of(node)), &t->dst, t->port, &cb, t, &err);
    if (!t->sock) {
        sim_node_event(node, "tcp-flow-failed", (SimAttr[]){SIM_ATTR_S("flow", name), SIM_ATTR_S("error", err->message)},
                       2);
        g_error_free(err);
    }
}

const SimActionKind sim_action_tcp_send = {
    .name = "tcp-send",
    .summary = "open a TCP connection and transfer a checked byte pattern, then close",
    .keys = tcp_send_keys,
    .node_kinds = (const char *const[]){"host", NULL},
    .check = tcp_send_check,
    .run = tcp_send_run,
};

/* ---- report ---- */

void host_tcp_report(Host *h, SimReport *r)
{
    for (guint i = 0; i < h->tcp_senders->len; i++) {
        HostTcpSender *t = h->tcp_senders->pdata[i];
        if (t->sock) /* still open at the end of the run */
            tcp_socket_stats(t->sock, &t->stats);
        char b[SIM_ADDR_STRLEN];
        sim_report_begin(r, "flows");
        sim_report_begin(r, t->name);
        sim_report_string(r, "protocol", "tcp");
        sim_report_string(r, "from", h->node->name);
        sim_report_string(r, "to", sim_addr_to_string(&t->dst, b));
        sim_report_uint(r, "port", t->port);
        sim_report_uint(r, "bytes", t->total - TCP_HDR);
        sim_report_int(r, "started_ns", t->started);
        sim_report_bool(r, "connected", t->connected);
        if (t->connected)
            sim_report_double(r, "connect_ms", (double)(t->connected_at - t->started) / 1e6, 6);
        sim_report_string(r, "close", t->sock ? "open" : tcp_close_reason_name(t->reason));
        sim_report_uint(r, "segments_sent", t->stats.segments_sent);
        sim_report_uint(r, "retransmits", t->stats.retransmits);
        sim_report_uint(r, "timeouts", t->stats.timeouts);
        sim_report_uint(r, "fast_retransmits", t->stats.fast_retransmits);
        sim_report_double(r, "srtt_ms", (double)t->stats.srtt / 1e6, 6);
        sim_report_end(r);
        sim_report_end(r);
    }
    for (guint i = 0; i < h->tcp_sinks->len; i++) {
        HostTcpSink *s = h->tcp_sinks->pdata[i];
        for (guint k = 0; k < s->conns->len; k++) {
            HostTcpConn *c = s->conns->pdata[k];
            sim_report_begin(r, "flows");
            sim_report_begin(r, c->name);
            sim_report_string(r, "sink", h->node->name);
            sim_report_uint(r, "received_bytes", c->received);
            sim_report_bool(r, "complete", c->hdr_len == TCP_HDR && c->received == c->expected && c->peer_closed);
            sim_report_bool(r, "in_order", c->mismatches == 0);
            sim_report_uint(r, "mismatched_bytes", c->mismatches);
            sim_report_int(r, "last_byte_ns", c->last_byte);
            sim_report_end(r);
            sim_report_end(r);
        }
    }
}

void host_tcp_free(Host *h)
{
    /* Sockets still open belong to the TCP layer, which frees them with the stack. */
    for (guint i = 0; i < h->tcp_sinks->len; i++) {
        HostTcpSink *s = h->tcp_sinks->pdata[i];
        g_ptr_array_free(s->conns, TRUE);
        g_free(s);
    }
    for (guint i = 0; i < h->tcp_senders->len; i++) {
        HostTcpSender *t = h->tcp_senders->pdata[i];
        g_free(t->name);
        g_free(t);
    }
    g_ptr_array_free(h->tcp_sinks, TRUE);
    g_ptr_array_free(h->tcp_senders, TRUE);
}
