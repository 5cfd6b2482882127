/* test-pcapng-writer.c: links/pcapng-writer on a real engine and trace bus. Valid IPv4/UDP and
 * IPv6/UDP datagrams (correct checksums) are emitted at known simulated times on three interfaces,
 * one registered after packets of the others; the file is parsed back here block by block, read by
 * tshark when it is installed (interface names, nanosecond times, addresses, direction, checksums,
 * no malformed or error-level expert items), and a second run must give the same bytes. */
#include "analysis/atomic-file.h"
#include "links/inet-checksum.h"
#include "links/pcapng-writer.h"
#include "sim-core/sim-engine.h"
#include "sim-core/sim-trace.h"
#include <glib/gstdio.h>
#include <string.h>

#define APP_VERSION "0.1.0-test"

/* ---- datagrams ------------------------------------------------------------------------------ */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* UDP (RFC 768) after an IP header at PKT[0..HLEN); checksum over the pseudo-header. */
static size_t udp_fill(uint8_t *pkt, size_t hlen, const SimAddr *s, const SimAddr *d, uint16_t sport,
                       uint16_t dport, const char *payload)
{
    uint8_t *u = pkt + hlen;
    size_t plen = strlen(payload);
    put16(u, sport);
    put16(u + 2, dport);
    put16(u + 4, (uint16_t)(8 + plen));
    put16(u + 6, 0);
    memcpy(u + 8, payload, plen);
    uint16_t ck = inet_checksum_pseudo(s, d, 17, u, 8 + plen);
    put16(u + 6, ck ? ck : 0xffff); /* RFC 768: a computed 0 is sent as all ones */
    return 8 + plen;
}

static GBytes *ipv4_udp(const char *src, const char *dst, uint16_t sport, uint16_t dport, const char *payload)
{
    uint8_t pkt[1500];
    SimAddr s, d;
    g_assert_true(sim_addr_parse(src, &s) && sim_addr_parse(dst, &d));
    memset(pkt, 0, 20);
    size_t ulen = udp_fill(pkt, 20, &s, &d, sport, dport, payload);
    pkt[0] = 0x45;
    put16(pkt + 2, (uint16_t)(20 + ulen));
    put16(pkt + 4, 0x0101);
    put16(pkt + 6, 0x4000); /* DF */
    pkt[8] = 64;
    pkt[9] = 17;
    memcpy(pkt + 12, s.bytes, 4);
    memcpy(pkt + 16, d.bytes, 4);
    put16(pkt + 10, inet_checksum(pkt, 20)); /* RFC 791 header checksum */
    return g_bytes_new(pkt, 20 + ulen);
}

static GBytes *ipv6_udp(const char *src, const char *dst, uint16_t sport, uint16_t dport, const char *payload)
{
    uint8_t pkt[1500];
    SimAddr s, d;
    g_assert_true(sim_addr_parse(src, &s) && sim_addr_parse(dst, &d));
    memset(pkt, 0, 40);
    size_t ulen = udp_fill(pkt, 40, &s, &d, sport, dport, payload);
    pkt[0] = 0x60;
    put16(pkt + 4, (uint16_t)ulen);
    pkt[6] = 17;
    pkt[7] = 64;
    memcpy(pkt + 8, s.bytes, 16);
    memcpy(pkt + 24, d.bytes, 16);
    return g_bytes_new(pkt, 40 + ulen);
}

/* ---- the run -------------------------------------------------------------------------------- */

typedef struct {
    SimTrace *trace;
    SimTime at;
    SimTraceAction action; /* 0: register the late interface instead */
    guint iface;           /* index into the trace's interfaces; G_MAXUINT: none */
    GBytes *data;
    const char *reason;
} Step;

typedef struct {
    guint iface;
    SimTime t;
    GBytes *data;
    uint32_t flags;
} Expected;

static void run_step(void *arg)
{
    Step *st = arg;
    if (st->action == 0) {
        sim_trace_add_iface(st->trace, "ue1", "radio0", "ue1-pcscf", "utran", TRUE, 1400, 0);
        return;
    }
    const SimTraceIface *ifc = st->iface == G_MAXUINT ? NULL : sim_trace_iface(st->trace, st->iface);
    gsize len = 0;
    const uint8_t *data = g_bytes_get_data(st->data, &len);
    sim_trace_packet(st->trace, st->action, ifc ? ifc->node : "r", ifc, data, len, (uint64_t)st->at, st->reason);
}

/* Runs the scenario writing DIR/trace.pcapng; fills EXP (Expected, owned data refs) when given. */
static void run_scenario(const char *dir, GArray *exp)
{
    g_autoptr(GBytes) v4 = ipv4_udp("10.0.1.2", "10.0.2.2", 40000, 40001, "presim payload one");
    g_autoptr(GBytes) v4b = ipv4_udp("10.0.2.2", "10.0.1.2", 40001, 40000, "reply");
    g_autoptr(GBytes) v6 = ipv6_udp("2001:db8:1::10", "2001:db8:2::20", 50000, 50001, "presim over IPv6!");

    SimEngine *engine = sim_engine_new(NULL);
    SimTrace *trace = sim_trace_new(engine);
    sim_trace_add_iface(trace, "a", "eth0", "a-r", "wired", FALSE, 1500, 100000000);
    sim_trace_add_iface(trace, "r", "eth0", "a-r", "wired", FALSE, 1500, 100000000);

    g_autoptr(GError) error = NULL;
    AtomicFile *af = atomic_file_open(dir, "trace.pcapng", &error);
    g_assert_no_error(error);
    PcapngWriter *w = pcapng_writer_new(atomic_file_stream(af), APP_VERSION);
    /* Added after two interfaces exist: they are replayed to it. */
    sim_trace_add_observer(trace, pcapng_writer_observer(w));

    Step steps[] = {
        {trace, 1000, SIM_TRACE_TX, 0, v4, NULL},
        {trace, 1000 + 12345, SIM_TRACE_RX, 1, v4, NULL},
        {trace, 1500000, SIM_TRACE_FORWARD, 1, v4, NULL},   /* not on a wire */
        {trace, 1500001, SIM_TRACE_DROP, 1, v4, "queue full"}, /* not written */
        {trace, 1500002, SIM_TRACE_DROP, G_MAXUINT, v4, "no route"},
        {trace, 2 * SIM_MS, SIM_TRACE_TX, 1, v4b, NULL},
        {trace, 3 * SIM_S, 0, 0, NULL, NULL}, /* ue1/radio0 registered after the EPBs above */
        {trace, 5 * SIM_S + 7, SIM_TRACE_TX, 2, v6, NULL}, /* > 2^32 ns: high word 1 */
        {trace, 5 * SIM_S + 5 * SIM_MS + 1, SIM_TRACE_RX, 0, v6, NULL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(steps); i++)
        g_assert_cmpuint(sim_engine_schedule_at(engine, steps[i].at, run_step, &steps[i]), !=, 0);
    sim_engine_run(engine);

    if (exp) {
        for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
            const Step *st = &steps[i];
            if (st->action != SIM_TRACE_TX && st->action != SIM_TRACE_RX)
                continue;
            Expected e = {.iface = st->iface, .t = st->at, .data = g_bytes_ref(st->data),
                          .flags = st->action == SIM_TRACE_TX ? 2u : 1u};
            g_array_append_val(exp, e);
        }
    }
    g_assert_cmpuint(pcapng_writer_packets(w), ==, 5);
    g_assert_cmpuint(pcapng_writer_interfaces(w), ==, 3);
    g_assert_true(pcapng_writer_finish(w, &error));
    g_assert_no_error(error);
    sim_trace_remove_observer(trace, pcapng_writer_observer(w));
    pcapng_writer_free(w);
    g_assert_true(atomic_file_commit(af, &error));
    g_assert_no_error(error);
    sim_trace_free(trace);
    sim_engine_free(engine);
}

static void expected_clear(gpointer p)
{
    g_bytes_unref(((Expected *)p)->data);
}

/* ---- parsing the file back ------------------------------------------------------------------ */

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

typedef struct {
    uint16_t code;
    const uint8_t *value;
    uint16_t len;
} Opt;

/* Parses the options in [P, END): every option padded to 32 bits, the last opt_endofopt. */
static GArray *parse_options(const uint8_t *p, const uint8_t *end)
{
    GArray *opts = g_array_new(FALSE, FALSE, sizeof(Opt));
    gboolean ended = FALSE;
    while (p < end) {
        g_assert_cmpint(end - p, >=, 4);
        Opt o = {.code = le16(p), .len = le16(p + 2), .value = p + 4};
        size_t padded = ((size_t)o.len + 3) & ~(size_t)3;
        g_assert_cmpint(end - (p + 4), >=, (ptrdiff_t)padded);
        for (size_t i = o.len; i < padded; i++)
            g_assert_cmpuint(o.value[i], ==, 0); /* padding is zero */
        p += 4 + padded;
        if (o.code == PCAPNG_OPT_ENDOFOPT) {
            g_assert_cmpuint(o.len, ==, 0);
            ended = TRUE;
            break;
        }
        g_array_append_val(opts, o);
    }
    g_assert_true(ended);
    g_assert_true(p == end);
    return opts;
}

static const Opt *find_opt(GArray *opts, uint16_t code)
{
    for (guint i = 0; i < opts->len; i++)
        if (g_array_index(opts, Opt, i).code == code)
            return &g_array_index(opts, Opt, i);
    return NULL;
}

static void assert_opt_str(GArray *opts, uint16_t code, const char *want)
{
    const Opt *o = find_opt(opts, code);
    g_assert_nonnull(o);
    g_assert_cmpmem(o->value, o->len, want, strlen(want));
}

static void check_file(const char *path, GArray *exp)
{
    g_autofree char *buf = NULL;
    gsize size = 0;
    g_assert_true(g_file_get_contents(path, &buf, &size, NULL));
    const uint8_t *p = (const uint8_t *)buf, *end = p + size;
    g_assert_cmpuint(size % 4, ==, 0);

    /* The block sequence the run must produce. */
    const uint32_t order[] = {PCAPNG_BT_SHB, PCAPNG_BT_IDB, PCAPNG_BT_IDB, PCAPNG_BT_EPB, PCAPNG_BT_EPB,
                              PCAPNG_BT_EPB, PCAPNG_BT_IDB, PCAPNG_BT_EPB, PCAPNG_BT_EPB};
    static const char *const names[] = {"a/eth0", "r/eth0", "ue1/radio0"};
    static const char *const descrs[] = {"link a-r (wired, unciphered)", "link a-r (wired, unciphered)",
                                         "link ue1-pcscf (utran, ciphered)"};
    guint nblock = 0, nidb = 0, nepb = 0;
    while (p < end) {
        g_assert_cmpint(end - p, >=, 12);
        uint32_t type = le32(p), total = le32(p + 4);
        g_assert_cmpuint(total % 4, ==, 0);
        g_assert_cmpuint(total, >=, 12);
        g_assert_cmpint(end - p, >=, (ptrdiff_t)total);
        g_assert_cmpuint(le32(p + total - 4), ==, total); /* trailing length equals leading */
        g_assert_cmpuint(nblock, <, G_N_ELEMENTS(order));
        g_assert_cmphex(type, ==, order[nblock]);
        const uint8_t *body = p + 8, *bend = p + total - 4;

        if (type == PCAPNG_BT_SHB) {
            g_assert_cmphex(le32(body), ==, PCAPNG_BYTE_ORDER_MAGIC);
            g_assert_cmpuint(le16(body + 4), ==, 1);
            g_assert_cmpuint(le16(body + 6), ==, 0);
            g_assert_cmphex(le32(body + 8), ==, 0xffffffffu); /* section length -1 */
            g_assert_cmphex(le32(body + 12), ==, 0xffffffffu);
            g_autoptr(GArray) opts = parse_options(body + 16, bend);
            g_assert_cmpuint(opts->len, ==, 1); /* no hardware, OS or time: only the application */
            assert_opt_str(opts, PCAPNG_OPT_SHB_USERAPPL, "presim " APP_VERSION);
        } else if (type == PCAPNG_BT_IDB) {
            g_assert_cmpuint(le16(body), ==, PCAPNG_LINKTYPE_RAW);
            g_assert_cmpuint(le16(body + 2), ==, 0);
            g_assert_cmpuint(le32(body + 4), ==, 0); /* snaplen: unlimited */
            g_autoptr(GArray) opts = parse_options(body + 8, bend);
            assert_opt_str(opts, PCAPNG_OPT_IF_NAME, names[nidb]);
            assert_opt_str(opts, PCAPNG_OPT_IF_DESCRIPTION, descrs[nidb]);
            const Opt *ts = find_opt(opts, PCAPNG_OPT_IF_TSRESOL);
            g_assert_nonnull(ts);
            g_assert_cmpuint(ts->len, ==, 1);
            g_assert_cmpuint(ts->value[0], ==, 9);
            const Opt *speed = find_opt(opts, PCAPNG_OPT_IF_SPEED);
            if (nidb < 2) {
                g_assert_nonnull(speed);
                g_assert_cmpuint(speed->len, ==, 8);
                g_assert_cmpuint((uint64_t)le32(speed->value) | (uint64_t)le32(speed->value + 4) << 32, ==,
                                 100000000);
            } else {
                g_assert_null(speed); /* bandwidth 0: no if_speed */
            }
            nidb++;
        } else {
            g_assert_cmpuint(nepb, <, exp->len);
            const Expected *e = &g_array_index(exp, Expected, nepb);
            gsize dlen = 0;
            const uint8_t *data = g_bytes_get_data(e->data, &dlen);
            g_assert_cmpuint(le32(body), ==, e->iface);
            uint64_t ts = (uint64_t)le32(body + 4) << 32 | le32(body + 8);
            g_assert_cmpuint(ts, ==, (uint64_t)e->t);
            g_assert_cmpuint(le32(body + 12), ==, dlen);
            g_assert_cmpuint(le32(body + 16), ==, dlen);
            g_assert_cmpmem(body + 20, dlen, data, dlen);
            size_t padded = (dlen + 3) & ~(size_t)3;
            for (size_t i = dlen; i < padded; i++)
                g_assert_cmpuint(body[20 + i], ==, 0);
            g_autoptr(GArray) opts = parse_options(body + 20 + padded, bend);
            const Opt *fl = find_opt(opts, PCAPNG_OPT_EPB_FLAGS);
            g_assert_nonnull(fl);
            g_assert_cmpuint(fl->len, ==, 4);
            g_assert_cmphex(le32(fl->value), ==, e->flags);
            nepb++;
        }
        p += total;
        nblock++;
    }
    g_assert_cmpuint(nblock, ==, G_N_ELEMENTS(order));
    g_assert_cmpuint(nepb, ==, exp->len);
}

/* ---- tshark --------------------------------------------------------------------------------- */

static char *run_tshark(const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer) "tshark");
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    char *out = NULL, *err = NULL;
    int status = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                               &status, &error));
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("tshark failed (%d): %s", status, err);
    g_free(err);
    return out;
}

static void check_with_tshark(const char *path)
{
    const char *fields[] = {"-r", path, "-T", "fields", "-E", "separator=|",
                            "-e", "frame.interface_id", "-e", "frame.interface_name",
                            "-e", "frame.interface_description", "-e", "frame.time_epoch",
                            "-e", "frame.packet_flags_direction", "-e", "ip.src", "-e", "ipv6.src",
                            "-e", "udp.srcport", "-e", "udp.dstport", "-e", "frame.len",
                            "-o", "udp.check_checksum:TRUE", "-e", "udp.checksum.status", NULL};
    g_autofree char *out = run_tshark(fields);
    const char *want =
        "0|a/eth0|link a-r (wired, unciphered)|0.000001000|0x00000002|10.0.1.2||40000|40001|46|1\n"
        "1|r/eth0|link a-r (wired, unciphered)|0.000013345|0x00000001|10.0.1.2||40000|40001|46|1\n"
        "1|r/eth0|link a-r (wired, unciphered)|0.002000000|0x00000002|10.0.2.2||40001|40000|33|1\n"
        "2|ue1/radio0|link ue1-pcscf (utran, ciphered)|5.000000007|0x00000002||2001:db8:1::10|50000|50001|65|1\n"
        "0|a/eth0|link a-r (wired, unciphered)|5.005000001|0x00000001||2001:db8:1::10|50000|50001|65|1\n";
    g_assert_cmpstr(out, ==, want);

    /* Health: no malformed packet and no error-level expert item, with checksum checks on. */
    const char *health[] = {"-r", path, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                            "-Y", "_ws.malformed || _ws.expert.severity >= error", NULL};
    g_autofree char *bad = run_tshark(health);
    g_assert_cmpstr(bad, ==, "");
    /* And the filter above is live: the IPv4 header checksums are verified good. */
    const char *good[] = {"-r", path, "-o", "ip.check_checksum:TRUE", "-Y", "ip.checksum.status == 1",
                          "-T", "fields", "-e", "frame.number", NULL};
    g_autofree char *good_out = run_tshark(good);
    g_assert_cmpstr(good_out, ==, "1\n2\n3\n");
}

/* ---- tests ---------------------------------------------------------------------------------- */

static char *make_dir(void)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("presim-pcapng-XXXXXX", &error);
    g_assert_no_error(error);
    return dir;
}

static void remove_tree(const char *dir)
{
    g_autofree char *f = g_build_filename(dir, "trace.pcapng", NULL);
    g_unlink(f);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void test_structure(void)
{
    g_autofree char *dir = make_dir();
    g_autoptr(GArray) exp = g_array_new(FALSE, FALSE, sizeof(Expected));
    g_array_set_clear_func(exp, expected_clear);
    run_scenario(dir, exp);
    g_autofree char *path = g_build_filename(dir, "trace.pcapng", NULL);
    check_file(path, exp);
    remove_tree(dir);
}

static void test_tshark(void)
{
    g_autofree char *tshark = g_find_program_in_path("tshark");
    if (!tshark) {
        g_test_skip("tshark not installed");
        return;
    }
    g_autofree char *dir = make_dir();
    run_scenario(dir, NULL);
    g_autofree char *path = g_build_filename(dir, "trace.pcapng", NULL);
    check_with_tshark(path);
    remove_tree(dir);
}

static void test_deterministic(void)
{
    g_autofree char *d1 = make_dir();
    g_autofree char *d2 = make_dir();
    run_scenario(d1, NULL);
    run_scenario(d2, NULL);
    g_autofree char *p1 = g_build_filename(d1, "trace.pcapng", NULL);
    g_autofree char *p2 = g_build_filename(d2, "trace.pcapng", NULL);
    g_autofree char *b1 = NULL, *b2 = NULL;
    gsize n1 = 0, n2 = 0;
    g_assert_true(g_file_get_contents(p1, &b1, &n1, NULL));
    g_assert_true(g_file_get_contents(p2, &b2, &n2, NULL));
    g_assert_cmpuint(n1, >, 0);
    g_assert_cmpmem(b1, n1, b2, n2);
    remove_tree(d1);
    remove_tree(d2);
}

static void test_write_error(void)
{
    FILE *full = fopen("/dev/full", "wb");
    if (!full) {
        g_test_skip("no /dev/full");
        return;
    }
    PcapngWriter *w = pcapng_writer_new(full, APP_VERSION);
    g_autoptr(GError) error = NULL;
    g_assert_false(pcapng_writer_finish(w, &error));
    g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
    pcapng_writer_free(w);
    fclose(full);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pcapng-writer/structure", test_structure);
    g_test_add_func("/pcapng-writer/tshark", test_tshark);
    g_test_add_func("/pcapng-writer/deterministic", test_deterministic);
    g_test_add_func("/pcapng-writer/write-error", test_write_error);
    return g_test_run();
}
