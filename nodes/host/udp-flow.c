/* udp-flow.c: the udp-send action and UDP sinks.
 *
 * Datagram payload (big-endian): seq (8) | send time ns (8) | name length L (1) | name (L) |
 * filler bytes. The sink keys flows by name, so several senders can share one port. */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/host/host-private.h"
#include <string.h>

#define UDP_HDR 17

typedef struct {
    char *name;
    uint64_t received, bytes, duplicates, reordered;
    uint64_t max_seq; /* highest seq + 1 seen */
    SimTime delay_min, delay_max;
    double delay_sum;
    GHashTable *seen; /* seq -> 1, for duplicate detection */
} SinkFlow;

typedef struct {
    Host *host;
    UdpSocket *sock;
    uint16_t port;
    GHashTable *flows; /* name -> SinkFlow* */
    uint64_t malformed;
} HostUdpSink;

typedef struct {
    Host *host;
    char *name;
    UdpSocket *sock;
    SimAddr dst;
    uint16_t port;
    uint64_t count, sent, errors;
    size_t size;
    SimTime interval;
    SimEventId timer;
} HostUdpSender;

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void flow_free(gpointer p)
{
    SinkFlow *f = p;
    g_hash_table_destroy(f->seen);
    g_free(f->name);
    g_free(f);
}

static void seen_free(gpointer p)
{
    g_free(p);
}

static void sink_recv(UdpSocket *sock, const uint8_t *data, size_t len, const SimAddr *src, uint16_t sport,
                      const NetIpInfo *ip, void *user)
{
    HostUdpSink *s = user;
    (void)sock, (void)src, (void)sport, (void)ip;
    if (len < UDP_HDR || len < (size_t)UDP_HDR + data[16]) {
        s->malformed++;
        return;
    }
    uint64_t seq = get_be64(data);
    SimTime sent_at = (SimTime)get_be64(data + 8);
    g_autofree char *name = g_strndup((const char *)data + UDP_HDR, data[16]);
    SinkFlow *f = g_hash_table_lookup(s->flows, name);
    if (!f) {
        f = g_new0(SinkFlow, 1);
        f->name = g_strdup(name);
        f->seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, seen_free, NULL);
        f->delay_min = SIM_TIME_NEVER;
        g_hash_table_insert(s->flows, f->name, f);
    }
    if (g_hash_table_contains(f->seen, &seq)) {
        f->duplicates++;
        return;
    }
    uint64_t *key = g_new(uint64_t, 1);
    *key = seq;
    g_hash_table_add(f->seen, key);
    f->received++;
    f->bytes += len;
    if (seq + 1 < f->max_seq)
        f->reordered++;
    else
        f->max_seq = seq + 1;
    SimTime delay = sim_world_now(s->host->node->world) - sent_at;
    if (delay < f->delay_min)
        f->delay_min = delay;
    if (delay > f->delay_max)
        f->delay_max = delay;
    f->delay_sum += (double)delay;
}

void host_udp_sink_open(Host *host, uint16_t port, GError **error)
{
    HostUdpSink *s = g_new0(HostUdpSink, 1);
    s->host = host;
    s->port = port;
    s->flows = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, flow_free);
    s->sock = udp_socket_new(net_stack_of(host->node), sink_recv, s);
    g_ptr_array_add(host->udp_sinks, s);
    if (!udp_socket_bind(s->sock, NULL, port, error))
        g_prefix_error(error, "udp-sinks: ");
}

static void send_next(void *arg)
{
    HostUdpSender *u = arg;
    u->timer = 0;
    SimWorld *w = u->host->node->world;
    g_autofree uint8_t *buf = g_malloc0(u->size);
    size_t nlen = strlen(u->name);
    put_be64(buf, u->sent);
    put_be64(buf + 8, (uint64_t)sim_world_now(w));
    buf[16] = (uint8_t)nlen;
    memcpy(buf + UDP_HDR, u->name, nlen);
    for (size_t i = UDP_HDR + nlen; i < u->size; i++)
        buf[i] = (uint8_t)i;
    GError *err = NULL;
    if (!udp_socket_sendto(u->sock, buf, u->size, &u->dst, u->port, &err)) {
        u->errors++;
        g_debug("%s: udp-send %s: %s", u->host->node->name, u->name, err->message);
        g_error_free(err);
    }
    u->sent++;
    if (u->sent < u->count)
        u->timer = sim_engine_schedule_in(w->engine, u->interval, send_next, u);
    else
        sim_node_event(u->host->node, "udp-flow-sent",
                       (SimAttr[]){SIM_ATTR_S("flow", u->name), SIM_ATTR_I("datagrams", u->sent)}, 2);
}

static const SimKeySpec udp_send_keys[] = {
    {"dst", SIM_KEY_ADDR, NULL, "destination address", NULL, 0, 0, NULL},
    {"port", SIM_KEY_PORT, NULL, "destination UDP port", NULL, 0, 0, NULL},
    {"count", SIM_KEY_INT, "1000", "number of datagrams", NULL, 1, 100000000, NULL},
    {"size", SIM_KEY_SIZE, "200", "UDP payload bytes per datagram", NULL, UDP_HDR, 65507, NULL},
    {"interval", SIM_KEY_TIME, "1ms", "time between datagrams", NULL, 0, 0, NULL},
    SIM_KEY_END,
};

static gboolean udp_send_check(const char *name, const SimConfig *args, const char **bad_key, GError **error)
{
    if (!host_check_flow_name(name, error))
        return FALSE;
    if (sim_config_size(args, "size") < UDP_HDR + strlen(name)) {
        *bad_key = "size";
        g_set_error(error, SIM_PARSE_ERROR, 0, "size must be at least %zu bytes to carry the header and flow name",
                    UDP_HDR + strlen(name));
        return FALSE;
    }
    return TRUE;
}

static void udp_send_run(SimNode *node, const char *name, const SimConfig *args)
{
    Host *h = host_of(node);
    HostUdpSender *u = g_new0(HostUdpSender, 1);
    u->host = h;
    u->name = g_strdup(name);
    u->dst = sim_config_addr(args, "dst");
    u->port = sim_config_port(args, "port");
    u->count = (uint64_t)sim_config_int(args, "count");
    u->size = sim_config_size(args, "size");
    u->interval = sim_config_time(args, "interval");
    u->sock = udp_socket_new(net_stack_of(node), NULL, NULL);
    g_ptr_array_add(h->udp_senders, u);
    send_next(u);
}

const SimActionKind sim_action_udp_send = {
    .name = "udp-send",
    .summary = "send a flow of numbered UDP datagrams (loss, reordering and delay are measured at the sink)",
    .keys = udp_send_keys,
    .node_kinds = (const char *const[]){"host", NULL},
    .check = udp_send_check,
    .run = udp_send_run,
};

static gint cmp_flow(gconstpointer a, gconstpointer b)
{
    return strcmp(((const SinkFlow *)*(void *const *)a)->name, ((const SinkFlow *)*(void *const *)b)->name);
}

void host_udp_report(Host *h, SimReport *r)
{
    for (guint i = 0; i < h->udp_senders->len; i++) {
        HostUdpSender *u = h->udp_senders->pdata[i];
        char b[SIM_ADDR_STRLEN];
        sim_report_begin(r, "flows");
        sim_report_begin(r, u->name);
        sim_report_string(r, "protocol", "udp");
        sim_report_string(r, "from", h->node->name);
        sim_report_string(r, "to", sim_addr_to_string(&u->dst, b));
        sim_report_uint(r, "port", u->port);
        sim_report_uint(r, "sent", u->sent);
        sim_report_uint(r, "send_errors", u->errors);
        sim_report_end(r);
        sim_report_end(r);
    }
    for (guint i = 0; i < h->udp_sinks->len; i++) {
        HostUdpSink *s = h->udp_sinks->pdata[i];
        GPtrArray *flows = g_ptr_array_new();
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, s->flows);
        while (g_hash_table_iter_next(&it, NULL, &v))
            g_ptr_array_add(flows, v);
        g_ptr_array_sort(flows, cmp_flow); /* hash order is not deterministic across runs */
        for (guint k = 0; k < flows->len; k++) {
            SinkFlow *f = flows->pdata[k];
            sim_report_begin(r, "flows");
            sim_report_begin(r, f->name);
            sim_report_string(r, "sink", h->node->name);
            sim_report_uint(r, "received", f->received);
            sim_report_uint(r, "received_bytes", f->bytes);
            sim_report_uint(r, "duplicates", f->duplicates);
            sim_report_uint(r, "reordered", f->reordered);
            if (f->received) {
                sim_report_double(r, "delay_min_ms", (double)f->delay_min / 1e6, 6);
                sim_report_double(r, "delay_mean_ms", f->delay_sum / (double)f->received / 1e6, 6);
                sim_report_double(r, "delay_max_ms", (double)f->delay_max / 1e6, 6);
            }
            sim_report_end(r);
            sim_report_end(r);
        }
        g_ptr_array_free(flows, TRUE);
        if (s->malformed) {
            sim_report_begin(r, "nodes");
            sim_report_begin(r, h->node->name);
            sim_report_uint(r, "udp_sink_malformed", s->malformed);
            sim_report_end(r);
            sim_report_end(r);
        }
    }
}

void host_udp_free(Host *h)
{
    for (guint i = 0; i < h->udp_sinks->len; i++) {
        HostUdpSink *s = h->udp_sinks->pdata[i];
        udp_socket_free(s->sock);
        g_hash_table_destroy(s->flows);
        g_free(s);
    }
    for (guint i = 0; i < h->udp_senders->len; i++) {
        HostUdpSender *u = h->udp_senders->pdata[i];
        udp_socket_free(u->sock);
        g_free(u->name);
        g_free(u);
    }
    g_ptr_array_free(h->udp_sinks, TRUE);
    g_ptr_array_free(h->udp_senders, TRUE);
}
