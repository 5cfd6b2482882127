/* test-event-log.c: analysis/event-log and analysis/metrics on one engine and trace bus. Every
 * events.jsonl line parses with json-glib, keys come in the documented order, attribute types are
 * kept, drops carry their reason; metrics count per interface, node and event and write the same
 * deterministic JSON every time. */
#include "analysis/atomic-file.h"
#include "analysis/event-log.h"
#include "analysis/json-writer.h"
#include "analysis/metrics.h"
#include "sim-core/sim-addr.h"
#include "sim-core/sim-engine.h"
#include "sim-core/sim-trace.h"
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static size_t ipv4(uint8_t *p, const char *src, const char *dst, uint8_t proto, size_t plen)
{
    SimAddr s, d;
    g_assert_true(sim_addr_parse(src, &s) && sim_addr_parse(dst, &d));
    memset(p, 0, 20);
    p[0] = 0x45;
    put16(p + 2, (uint16_t)(20 + plen));
    p[8] = 64;
    p[9] = proto;
    memcpy(p + 12, s.bytes, 4);
    memcpy(p + 16, d.bytes, 4);
    return 20;
}

static size_t ipv6(uint8_t *p, const char *src, const char *dst, uint8_t nh, size_t plen)
{
    SimAddr s, d;
    g_assert_true(sim_addr_parse(src, &s) && sim_addr_parse(dst, &d));
    memset(p, 0, 40);
    p[0] = 0x60;
    put16(p + 4, (uint16_t)plen);
    p[6] = nh;
    p[7] = 63;
    memcpy(p + 8, s.bytes, 16);
    memcpy(p + 24, d.bytes, 16);
    return 40;
}

typedef struct {
    uint8_t udp[64];
    size_t udp_len;
    uint8_t tcp[64];
    size_t tcp_len;
    uint8_t esp[96];
    size_t esp_len;
} Packets;

static void build_packets(Packets *pk)
{
    /* IPv4/UDP 10.0.1.2:5060 -> 10.0.2.2:5070, 12 bytes of payload: 40 bytes. */
    uint8_t *u = pk->udp + 20;
    put16(u, 5060);
    put16(u + 2, 5070);
    put16(u + 4, 20);
    memset(u + 8, 'u', 12);
    pk->udp_len = ipv4(pk->udp, "10.0.1.2", "10.0.2.2", 17, 20) + 20;

    /* IPv4/TCP SYN,ACK with 5 bytes of payload. */
    uint8_t *t = pk->tcp + 20;
    memset(t, 0, 20);
    put16(t, 5061);
    put16(t + 2, 40000);
    put32(t + 4, 1000);
    put32(t + 8, 2001);
    t[12] = 5 << 4;
    t[13] = 0x12;
    put16(t + 14, 29200);
    memset(t + 20, 't', 5);
    pk->tcp_len = ipv4(pk->tcp, "10.0.2.2", "10.0.1.2", 6, 25) + 25;

    /* IPv6/ESP SPI 0x1000, seq 3. */
    uint8_t *e = pk->esp + 40;
    put32(e, 0x1000);
    put32(e + 4, 3);
    memset(e + 8, 0xab, 24);
    pk->esp_len = ipv6(pk->esp, "2001:db8::1", "2001:db8::2", 50, 32) + 32;
}

typedef struct {
    SimTrace *trace;
    Packets pk;
} World;

static void at_1ms(void *arg)
{
    World *w = arg;
    const SimTraceIface *a0 = sim_trace_iface(w->trace, 0), *r0 = sim_trace_iface(w->trace, 1);
    sim_trace_packet(w->trace, SIM_TRACE_TX, "a", a0, w->pk.udp, w->pk.udp_len, 1, NULL);
    sim_trace_packet(w->trace, SIM_TRACE_RX, "r", r0, w->pk.udp, w->pk.udp_len, 1, NULL);
    sim_trace_packet(w->trace, SIM_TRACE_FORWARD, "r", sim_trace_iface(w->trace, 2), w->pk.udp, w->pk.udp_len, 1,
                     NULL);
}

static void at_2ms(void *arg)
{
    World *w = arg;
    const SimTraceIface *r1 = sim_trace_iface(w->trace, 2);
    sim_trace_packet(w->trace, SIM_TRACE_DROP, "r", r1, w->pk.udp, w->pk.udp_len, 1, "queue full");
    sim_trace_packet(w->trace, SIM_TRACE_DROP, "r", NULL, w->pk.tcp, w->pk.tcp_len, 2, "no route");
    sim_trace_packet(w->trace, SIM_TRACE_TX, "b", sim_trace_iface(w->trace, 3), w->pk.tcp, w->pk.tcp_len, 2, NULL);
    SimAttr attrs[] = {
        SIM_ATTR_S("peer", "10.0.1.2:40000"),
        SIM_ATTR_I("port", 5061),
        SIM_ATTR_I("big", INT64_MIN),
        SIM_ATTR_B("ok", TRUE),
        SIM_ATTR_B("retry", FALSE),
        SIM_ATTR_S("odd", "q\"\\\n\x01\xff"),
        SIM_ATTR_S("none", NULL),
    };
    sim_trace_event(w->trace, "b", "tcp-established", attrs, G_N_ELEMENTS(attrs));
}

static void at_3s(void *arg)
{
    World *w = arg;
    const SimTraceIface *a0 = sim_trace_iface(w->trace, 0);
    sim_trace_packet(w->trace, SIM_TRACE_RX, "a", a0, w->pk.esp, w->pk.esp_len, 3, NULL);
    static const uint8_t garbage[] = {0x45, 0x00, 0x01};
    sim_trace_packet(w->trace, SIM_TRACE_RX, "a", a0, garbage, sizeof garbage, 4, NULL);
    static const uint8_t not_ip[] = {0x00, 0x11};
    sim_trace_packet(w->trace, SIM_TRACE_DROP, "a", a0, not_ip, sizeof not_ip, 5, NULL);
    sim_trace_event(w->trace, "a", "registered", NULL, 0);
    sim_trace_event(w->trace, "b", "tcp-established", NULL, 0);
}

/* Runs the scenario; writes DIR/events.jsonl and returns the metrics (free with metrics_free). */
static Metrics *run(const char *dir, uint64_t *lines_out)
{
    World w;
    build_packets(&w.pk);
    SimEngine *engine = sim_engine_new(NULL);
    w.trace = sim_trace_new(engine);
    sim_trace_add_iface(w.trace, "a", "eth0", "a-r", "wired", FALSE, 1500, 0);
    sim_trace_add_iface(w.trace, "r", "eth0", "a-r", "wired", FALSE, 1500, 0);

    g_autoptr(GError) error = NULL;
    AtomicFile *af = atomic_file_open(dir, "events.jsonl", &error);
    g_assert_no_error(error);
    EventLog *log = event_log_new(atomic_file_stream(af));
    Metrics *m = metrics_new();
    sim_trace_add_observer(w.trace, event_log_observer(log));
    sim_trace_add_observer(w.trace, metrics_observer(m));
    /* Registered after the observers: announced to them as they come. */
    sim_trace_add_iface(w.trace, "r", "eth1", "r-b", "utran", TRUE, 1400, 2000000);
    sim_trace_add_iface(w.trace, "b", "eth0", "r-b", "utran", TRUE, 1400, 2000000);

    sim_engine_schedule_at(engine, 1 * SIM_MS, at_1ms, &w);
    sim_engine_schedule_at(engine, 2 * SIM_MS + 5, at_2ms, &w);
    sim_engine_schedule_at(engine, 3 * SIM_S, at_3s, &w);
    sim_engine_run(engine);

    g_assert_true(event_log_finish(log, &error));
    g_assert_no_error(error);
    *lines_out = event_log_lines(log);
    sim_trace_remove_observer(w.trace, event_log_observer(log));
    sim_trace_remove_observer(w.trace, metrics_observer(m));
    event_log_free(log);
    g_assert_true(atomic_file_commit(af, &error));
    g_assert_no_error(error);
    sim_trace_free(w.trace); /* metrics keep their own copies of the interface strings */
    sim_engine_free(engine);
    return m;
}

static char *make_dir(void)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("presim-evlog-XXXXXX", &error);
    g_assert_no_error(error);
    return dir;
}

static void remove_tree(const char *dir)
{
    g_autofree char *f = g_build_filename(dir, "events.jsonl", NULL);
    g_unlink(f);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static char *read_events(const char *dir)
{
    g_autofree char *path = g_build_filename(dir, "events.jsonl", NULL);
    char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

static const char *const expected_lines[] = {
    "{\"t\":1000000,\"type\":\"packet\",\"action\":\"tx\",\"node\":\"a\",\"iface\":\"eth0\",\"link\":\"a-r\","
    "\"len\":40,\"uid\":1,\"ip\":{\"v\":4,\"src\":\"10.0.1.2\",\"dst\":\"10.0.2.2\",\"proto\":\"udp\",\"ttl\":64,"
    "\"len\":40},\"udp\":{\"sport\":5060,\"dport\":5070,\"len\":20}}",
    NULL, /* rx: checked field by field */
    "{\"t\":1000000,\"type\":\"packet\",\"action\":\"forward\",\"node\":\"r\",\"iface\":\"eth1\",\"link\":\"r-b\","
    "\"len\":40,\"uid\":1,\"ip\":{\"v\":4,\"src\":\"10.0.1.2\",\"dst\":\"10.0.2.2\",\"proto\":\"udp\",\"ttl\":64,"
    "\"len\":40},\"udp\":{\"sport\":5060,\"dport\":5070,\"len\":20}}",
    "{\"t\":2000005,\"type\":\"packet\",\"action\":\"drop\",\"node\":\"r\",\"iface\":\"eth1\",\"link\":\"r-b\","
    "\"len\":40,\"uid\":1,\"ip\":{\"v\":4,\"src\":\"10.0.1.2\",\"dst\":\"10.0.2.2\",\"proto\":\"udp\",\"ttl\":64,"
    "\"len\":40},\"udp\":{\"sport\":5060,\"dport\":5070,\"len\":20},\"reason\":\"queue full\"}",
    "{\"t\":2000005,\"type\":\"packet\",\"action\":\"drop\",\"node\":\"r\",\"iface\":null,\"link\":null,"
    "\"len\":45,\"uid\":2,\"ip\":{\"v\":4,\"src\":\"10.0.2.2\",\"dst\":\"10.0.1.2\",\"proto\":\"tcp\",\"ttl\":64,"
    "\"len\":45},\"tcp\":{\"sport\":5061,\"dport\":40000,\"seq\":1000,\"ack\":2001,\"flags\":\"SYN,ACK\","
    "\"win\":29200,\"payload\":5},\"reason\":\"no route\"}",
    NULL, /* b tx tcp */
    "{\"t\":2000005,\"type\":\"event\",\"node\":\"b\",\"event\":\"tcp-established\",\"attrs\":{"
    "\"peer\":\"10.0.1.2:40000\",\"port\":5061,\"big\":-9223372036854775808,\"ok\":true,\"retry\":false,"
    "\"odd\":\"q\\\"\\\\\\n\\u0001\xef\xbf\xbd\",\"none\":null}}",
    "{\"t\":3000000000,\"type\":\"packet\",\"action\":\"rx\",\"node\":\"a\",\"iface\":\"eth0\",\"link\":\"a-r\","
    "\"len\":72,\"uid\":3,\"ip\":{\"v\":6,\"src\":\"2001:db8::1\",\"dst\":\"2001:db8::2\",\"proto\":\"esp\","
    "\"ttl\":63,\"len\":72},\"esp\":{\"spi\":4096,\"seq\":3}}",
    "{\"t\":3000000000,\"type\":\"packet\",\"action\":\"rx\",\"node\":\"a\",\"iface\":\"eth0\",\"link\":\"a-r\","
    "\"len\":3,\"uid\":4,\"ip\":{\"v\":4,\"src\":null,\"dst\":null,\"proto\":null,\"ttl\":null,\"len\":null},"
    "\"malformed\":\"truncated IPv4 header\"}",
    "{\"t\":3000000000,\"type\":\"packet\",\"action\":\"drop\",\"node\":\"a\",\"iface\":\"eth0\",\"link\":\"a-r\","
    "\"len\":2,\"uid\":5,\"malformed\":\"not IPv4 or IPv6\",\"reason\":null}",
    "{\"t\":3000000000,\"type\":\"event\",\"node\":\"a\",\"event\":\"registered\",\"attrs\":{}}",
    "{\"t\":3000000000,\"type\":\"event\",\"node\":\"b\",\"event\":\"tcp-established\",\"attrs\":{}}",
};

static void test_lines(void)
{
    g_autofree char *dir = make_dir();
    uint64_t nlines = 0;
    Metrics *m = run(dir, &nlines);
    metrics_free(m);
    g_autofree char *text = read_events(dir);
    g_assert_true(g_str_has_suffix(text, "}\n"));
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    guint n = g_strv_length(lines) - 1; /* after the final "\n" */
    g_assert_cmpstr(lines[n], ==, "");
    g_assert_cmpuint(n, ==, G_N_ELEMENTS(expected_lines));
    g_assert_cmpuint(nlines, ==, n);

    int64_t last_t = -1;
    for (guint i = 0; i < n; i++) {
        if (expected_lines[i])
            g_assert_cmpstr(lines[i], ==, expected_lines[i]);
        g_autoptr(JsonParser) p = json_parser_new();
        g_autoptr(GError) error = NULL;
        g_assert_true(json_parser_load_from_data(p, lines[i], -1, &error));
        g_assert_no_error(error);
        JsonObject *o = json_node_get_object(json_parser_get_root(p));
        g_assert_nonnull(o);
        /* Common fields, in bus order. */
        JsonNode *t = json_object_get_member(o, "t");
        g_assert_cmpint(json_node_get_value_type(t), ==, G_TYPE_INT64);
        g_assert_cmpint(json_node_get_int(t), >=, last_t);
        last_t = json_node_get_int(t);
        g_assert_true(g_str_has_prefix(lines[i], "{\"t\":"));
        const char *type = json_object_get_string_member(o, "type");
        if (g_strcmp0(type, "packet") == 0) {
            g_assert_nonnull(strstr(lines[i], ",\"type\":\"packet\",\"action\":"));
            const char *action = json_object_get_string_member(o, "action");
            g_assert_true(json_object_has_member(o, "iface") && json_object_has_member(o, "link"));
            g_assert_cmpint(json_node_get_value_type(json_object_get_member(o, "len")), ==, G_TYPE_INT64);
            g_assert_cmpint(json_node_get_value_type(json_object_get_member(o, "uid")), ==, G_TYPE_INT64);
            g_assert_true(json_object_has_member(o, "reason") == (g_strcmp0(action, "drop") == 0));
        } else {
            g_assert_cmpstr(type, ==, "event");
            g_assert_nonnull(json_object_get_object_member(o, "attrs"));
        }
    }

    /* The rx line at r, field by field. */
    g_autoptr(JsonParser) p = json_parser_new();
    g_assert_true(json_parser_load_from_data(p, lines[1], -1, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    g_assert_cmpint(json_object_get_int_member(o, "t"), ==, 1000000);
    g_assert_cmpstr(json_object_get_string_member(o, "action"), ==, "rx");
    g_assert_cmpstr(json_object_get_string_member(o, "node"), ==, "r");
    g_assert_cmpstr(json_object_get_string_member(o, "iface"), ==, "eth0");
    JsonObject *ip = json_object_get_object_member(o, "ip");
    g_assert_cmpint(json_object_get_int_member(ip, "v"), ==, 4);
    g_assert_cmpstr(json_object_get_string_member(ip, "dst"), ==, "10.0.2.2");
    JsonObject *udp = json_object_get_object_member(o, "udp");
    g_assert_cmpint(json_object_get_int_member(udp, "dport"), ==, 5070);

    /* The event's attribute types survive. */
    g_autoptr(JsonParser) pe = json_parser_new();
    g_assert_true(json_parser_load_from_data(pe, lines[6], -1, NULL));
    JsonObject *attrs = json_object_get_object_member(json_node_get_object(json_parser_get_root(pe)), "attrs");
    g_assert_cmpint(json_node_get_value_type(json_object_get_member(attrs, "peer")), ==, G_TYPE_STRING);
    g_assert_cmpint(json_node_get_value_type(json_object_get_member(attrs, "port")), ==, G_TYPE_INT64);
    g_assert_cmpint(json_node_get_value_type(json_object_get_member(attrs, "ok")), ==, G_TYPE_BOOLEAN);
    g_assert_cmpint(json_object_get_int_member(attrs, "port"), ==, 5061);
    g_assert_cmpint(json_object_get_int_member(attrs, "big"), ==, INT64_MIN);
    g_assert_true(json_object_get_boolean_member(attrs, "ok"));
    g_assert_false(json_object_get_boolean_member(attrs, "retry"));
    g_assert_cmpstr(json_object_get_string_member(attrs, "odd"), ==, "q\"\\\n\x01\xef\xbf\xbd");
    g_assert_true(json_object_get_null_member(attrs, "none"));

    /* The b tx line carries TCP. */
    g_autoptr(JsonParser) pt = json_parser_new();
    g_assert_true(json_parser_load_from_data(pt, lines[5], -1, NULL));
    JsonObject *tcp = json_object_get_object_member(json_node_get_object(json_parser_get_root(pt)), "tcp");
    g_assert_cmpstr(json_object_get_string_member(tcp, "flags"), ==, "SYN,ACK");
    g_assert_cmpint(json_object_get_int_member(tcp, "payload"), ==, 5);
    remove_tree(dir);
}

static void test_deterministic(void)
{
    g_autofree char *d1 = make_dir(), *d2 = make_dir();
    uint64_t n1 = 0, n2 = 0;
    Metrics *m1 = run(d1, &n1), *m2 = run(d2, &n2);
    g_autofree char *t1 = read_events(d1), *t2 = read_events(d2);
    g_assert_cmpstr(t1, ==, t2);
    g_autoptr(GString) j1 = g_string_new(NULL), j2 = g_string_new(NULL);
    g_autoptr(JsonWriter) w1 = json_writer_new(j1, TRUE), w2 = json_writer_new(j2, TRUE);
    metrics_write_json(m1, w1);
    metrics_write_json(m2, w2);
    g_assert_cmpstr(j1->str, ==, j2->str);
    metrics_free(m1);
    metrics_free(m2);
    remove_tree(d1);
    remove_tree(d2);
}

static void test_metrics(void)
{
    g_autofree char *dir = make_dir();
    uint64_t nlines = 0;
    g_autoptr(Metrics) m = run(dir, &nlines);
    remove_tree(dir);

    MetricsIfaceCounts c;
    g_assert_true(metrics_iface_counts(m, 0, &c)); /* a/eth0 */
    g_assert_cmpuint(c.tx_packets, ==, 1);
    g_assert_cmpuint(c.tx_bytes, ==, 40);
    g_assert_cmpuint(c.rx_packets, ==, 2);
    g_assert_cmpuint(c.rx_bytes, ==, 72 + 3);
    g_assert_cmpuint(c.drops, ==, 1);
    g_assert_cmpuint(metrics_iface_drops(m, 0, "unknown"), ==, 1);
    g_assert_true(metrics_iface_counts(m, 2, &c)); /* r/eth1 */
    g_assert_cmpuint(c.tx_packets + c.rx_packets, ==, 0);
    g_assert_cmpuint(metrics_iface_drops(m, 2, "queue full"), ==, 1);
    g_assert_cmpuint(metrics_iface_drops(m, 2, NULL), ==, 1);
    g_assert_false(metrics_iface_counts(m, 9, &c));
    g_assert_cmpuint(c.tx_packets, ==, 0);

    MetricsNodeCounts nc;
    g_assert_true(metrics_node_counts(m, "r", &nc));
    g_assert_cmpuint(nc.forwards, ==, 1);
    g_assert_cmpuint(nc.drops, ==, 2); /* one on eth1, one with no interface */
    g_assert_cmpuint(metrics_node_drops(m, "r", "no route"), ==, 1);
    g_assert_cmpuint(metrics_node_drops(m, "r", "queue full"), ==, 1);
    g_assert_true(metrics_node_counts(m, "b", &nc));
    g_assert_cmpuint(nc.events, ==, 2);
    g_assert_false(metrics_node_counts(m, "zz", &nc));
    g_assert_cmpuint(metrics_event_count(m, "b", "tcp-established"), ==, 2);
    g_assert_cmpuint(metrics_event_count(m, NULL, "tcp-established"), ==, 2);
    g_assert_cmpuint(metrics_event_count(m, NULL, "registered"), ==, 1);
    g_assert_cmpuint(metrics_event_count(m, "a", "nothing"), ==, 0);

    MetricsTotals tot;
    metrics_totals(m, &tot);
    g_assert_cmpuint(tot.tx_packets, ==, 2);
    g_assert_cmpuint(tot.tx_bytes, ==, 40 + 45);
    g_assert_cmpuint(tot.rx_packets, ==, 3);
    g_assert_cmpuint(tot.rx_bytes, ==, 40 + 72 + 3);
    g_assert_cmpuint(tot.forwards, ==, 1);
    g_assert_cmpuint(tot.drops, ==, 3);
    g_assert_cmpuint(tot.events, ==, 3);

    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(JsonWriter) w = json_writer_new(out, FALSE);
    metrics_write_json(m, w);
    g_assert_true(json_writer_at_top(w));
    const char *want =
        "{\"interfaces\":["
        "{\"id\":0,\"node\":\"a\",\"iface\":\"eth0\",\"link\":\"a-r\",\"link_kind\":\"wired\",\"ciphered\":false,"
        "\"tx_packets\":1,\"tx_bytes\":40,\"rx_packets\":2,\"rx_bytes\":75,\"drops\":{\"unknown\":1}},"
        "{\"id\":1,\"node\":\"r\",\"iface\":\"eth0\",\"link\":\"a-r\",\"link_kind\":\"wired\",\"ciphered\":false,"
        "\"tx_packets\":0,\"tx_bytes\":0,\"rx_packets\":1,\"rx_bytes\":40,\"drops\":{}},"
        "{\"id\":2,\"node\":\"r\",\"iface\":\"eth1\",\"link\":\"r-b\",\"link_kind\":\"utran\",\"ciphered\":true,"
        "\"tx_packets\":0,\"tx_bytes\":0,\"rx_packets\":0,\"rx_bytes\":0,\"drops\":{\"queue full\":1}},"
        "{\"id\":3,\"node\":\"b\",\"iface\":\"eth0\",\"link\":\"r-b\",\"link_kind\":\"utran\",\"ciphered\":true,"
        "\"tx_packets\":1,\"tx_bytes\":45,\"rx_packets\":0,\"rx_bytes\":0,\"drops\":{}}],"
        "\"nodes\":{\"a\":{\"forwards\":0,\"drops\":{\"unknown\":1},\"events\":1},"
        "\"b\":{\"forwards\":0,\"drops\":{},\"events\":2},"
        "\"r\":{\"forwards\":1,\"drops\":{\"no route\":1,\"queue full\":1},\"events\":0}},"
        "\"events\":{\"a\":{\"registered\":1},\"b\":{\"tcp-established\":2}},"
        "\"totals\":{\"tx_packets\":2,\"tx_bytes\":85,\"rx_packets\":3,\"rx_bytes\":115,\"forwards\":1,"
        "\"drops\":3,\"events\":3}}";
    g_assert_cmpstr(out->str, ==, want);
    g_autoptr(JsonParser) p = json_parser_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(json_parser_load_from_data(p, out->str, -1, &error));
    g_assert_no_error(error);

    /* Inside a pretty summary, as a member. */
    g_autoptr(GString) pretty = g_string_new(NULL);
    g_autoptr(JsonWriter) pw = json_writer_new(pretty, TRUE);
    json_writer_begin_object(pw);
    json_writer_member_string(pw, "scenario", "x");
    json_writer_key(pw, "metrics");
    metrics_write_json(m, pw);
    json_writer_end_object(pw);
    g_autoptr(JsonParser) pp = json_parser_new();
    g_assert_true(json_parser_load_from_data(pp, pretty->str, -1, &error));
    g_assert_no_error(error);
    JsonObject *root = json_node_get_object(json_parser_get_root(pp));
    JsonObject *totals = json_object_get_object_member(json_object_get_object_member(root, "metrics"), "totals");
    g_assert_cmpint(json_object_get_int_member(totals, "rx_bytes"), ==, 115);
}

static void test_write_error(void)
{
    FILE *full = fopen("/dev/full", "wb");
    if (!full) {
        g_test_skip("no /dev/full");
        return;
    }
    EventLog *log = event_log_new(full);
    SimTraceEvent ev = {.time = 1, .node = "a", .name = "x"};
    event_log_observer(log)->event(event_log_observer(log), &ev);
    g_autoptr(GError) error = NULL;
    g_assert_false(event_log_finish(log, &error));
    g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
    event_log_free(log);
    fclose(full);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/event-log/lines", test_lines);
    g_test_add_func("/event-log/deterministic", test_deterministic);
    g_test_add_func("/event-log/write-error", test_write_error);
    g_test_add_func("/metrics/counts-and-json", test_metrics);
    return g_test_run();
}
