/* test-trace-record.c: trace records as bytes and their merge (analysis/trace-record.h).
 *
 * A capturing observer writes every field of every call into one line of a log (strings quoted, NULL
 * as `-`, packet data in full hex, the interface as its id and whether it is the replaying trace's own
 * record), so one string comparison checks that a replay hands the observers exactly what the
 * recording trace did. Corrupt streams are cut at every byte and mutated at every byte: each must be
 * refused with an error or replayed, never crash or read outside the buffer (the suite runs under
 * ASan/UBSan; every stream is copied into a buffer of exactly its length).
 */
#include "analysis/trace-record.h"
#include <glib.h>
#include <string.h>

/* ---- a capturing observer ---- */

typedef struct {
    SimObserver base; /* first: the trace's pointer is ours */
    SimTrace *trace;  /* the trace it is attached to, to check iface records belong to it */
    GString *log;
    guint calls;
} Capture;

static void cap_str(GString *log, const char *s)
{
    if (!s) {
        g_string_append(log, "-");
        return;
    }
    g_string_append_c(log, '"');
    g_string_append(log, s);
    g_string_append_c(log, '"');
}

static void cap_packet(SimObserver *self, const SimTracePacket *p)
{
    Capture *c = (Capture *)self;
    c->calls++;
    g_string_append_printf(c->log, "P t=%" G_GINT64_FORMAT " %s node=", p->time, sim_trace_action_name(p->action));
    cap_str(c->log, p->node);
    if (p->iface)
        g_string_append_printf(c->log, " if=%u%s", p->iface->id,
                               p->iface == sim_trace_iface(c->trace, p->iface->id) ? "" : "(foreign record)");
    else
        g_string_append(c->log, " if=none");
    g_string_append_printf(c->log, " uid=%" G_GUINT64_FORMAT " reason=", p->packet_uid);
    cap_str(c->log, p->reason);
    g_string_append_printf(c->log, " len=%zu data=", p->len);
    for (size_t i = 0; i < p->len; i++)
        g_string_append_printf(c->log, "%02x", p->data[i]);
    g_string_append_c(c->log, '\n');
}

static void cap_event(SimObserver *self, const SimTraceEvent *ev)
{
    Capture *c = (Capture *)self;
    c->calls++;
    g_string_append_printf(c->log, "E t=%" G_GINT64_FORMAT " node=", ev->time);
    cap_str(c->log, ev->node);
    g_string_append(c->log, " name=");
    cap_str(c->log, ev->name);
    g_string_append_printf(c->log, " n=%zu", ev->n_attrs);
    for (size_t k = 0; k < ev->n_attrs; k++) {
        const SimAttr *a = &ev->attrs[k];
        g_string_append_c(c->log, ' ');
        cap_str(c->log, a->key);
        switch (a->type) {
        case SIM_ATTR_STR:
            g_string_append(c->log, "=s:");
            cap_str(c->log, a->s);
            break;
        case SIM_ATTR_INT: g_string_append_printf(c->log, "=i:%" G_GINT64_FORMAT, a->i); break;
        case SIM_ATTR_BOOL: g_string_append_printf(c->log, "=b:%" G_GINT64_FORMAT, a->i); break;
        default: g_string_append_printf(c->log, "=?%d", (int)a->type);
        }
    }
    g_string_append_c(c->log, '\n');
}

static void capture_attach(Capture *c, SimTrace *trace)
{
    *c = (Capture){.base = {NULL, cap_packet, cap_event}, .trace = trace, .log = g_string_new(NULL)};
    sim_trace_add_observer(trace, &c->base);
}

static void capture_detach(Capture *c)
{
    sim_trace_remove_observer(c->trace, &c->base);
    g_string_free(c->log, TRUE);
}

/* A trace with the same three interfaces the recording side registers (ids 0, 1, 2). */
static SimTrace *trace_with_ifaces(SimEngine *engine, guint n)
{
    SimTrace *t = sim_trace_new(engine);
    static const char *const nodes[] = {"ue", "pcscf", "scscf"};
    for (guint i = 0; i < n && i < 3; i++)
        sim_trace_add_iface(t, nodes[i], "eth0", "lan", "wired", FALSE, 1500, 100000000);
    return t;
}

/* A copy of BYTES[0..LEN) in a buffer of exactly LEN bytes (ASan sees any read past it). */
static GBytes *exact(const guint8 *bytes, gsize len)
{
    return g_bytes_new(bytes, len);
}

/* Replays STREAMS into a fresh trace with N_IFACES interfaces and a capture; returns the log (or NULL
 * on failure, with *ERROR set). */
static char *replay(GBytes *const *streams, guint n, guint n_ifaces, TraceMergeStats *stats, GError **error)
{
    SimTrace *t = trace_with_ifaces(NULL, n_ifaces);
    Capture c;
    capture_attach(&c, t);
    gboolean ok = trace_records_replay(t, streams, n, stats, error);
    char *log = ok ? g_strdup(c.log->str) : NULL;
    if (ok)
        g_assert_cmpuint(c.calls, ==, stats ? stats->records : c.calls);
    capture_detach(&c);
    sim_trace_free(t);
    return log;
}

/* ---- the round trip, driven by an engine ---- */

static const uint8_t ip_v4[] = {0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
                                10,   0,    0,    1,    10,   0,    0,    2,    0x13, 0xc4, 0x13, 0xc4,
                                0x00, 0x08, 0x00, 0x00};
static const uint8_t with_nul[] = {0x00, 0xff, 0x00, 0x7f, 0x80};

typedef struct {
    SimTrace *trace;
    const SimTraceIface *if0, *if2;
} World;

static void step_tx(void *arg)
{
    World *w = arg;
    sim_trace_packet(w->trace, SIM_TRACE_TX, "ue", w->if0, ip_v4, sizeof ip_v4, 1, NULL);
}

static void step_rx_and_events(void *arg)
{
    World *w = arg;
    sim_trace_packet(w->trace, SIM_TRACE_RX, "scscf", w->if2, with_nul, sizeof with_nul, UINT64_MAX, NULL);
    const SimAttr attrs[] = {
        SIM_ATTR_S("impu", "sip:alice@home.example.net"),
        SIM_ATTR_S("empty", ""),
        SIM_ATTR_S("unicode", "Grüße, 日本 🎉"),
        SIM_ATTR_I("expires", 600000),
        SIM_ATTR_I("min", INT64_MIN),
        SIM_ATTR_I("max", INT64_MAX),
        SIM_ATTR_I("neg", -1),
        SIM_ATTR_B("ciphered", TRUE),
        SIM_ATTR_B("integrity", FALSE),
    };
    sim_trace_event(w->trace, "scscf", "registered", attrs, G_N_ELEMENTS(attrs));
    sim_trace_event(w->trace, "ue", "sa-established", NULL, 0);
}

static void step_drops(void *arg)
{
    World *w = arg;
    /* a node-level drop: no interface, a reason; then a drop on an interface with an empty reason, and a
     * forward with no data at all */
    sim_trace_packet(w->trace, SIM_TRACE_DROP, "pcscf", NULL, ip_v4, sizeof ip_v4, 7, "no route");
    sim_trace_packet(w->trace, SIM_TRACE_DROP, "pcscf", w->if0, ip_v4, 20, 8, "");
    sim_trace_packet(w->trace, SIM_TRACE_FORWARD, "pcscf", w->if2, NULL, 0, 0, NULL);
    sim_trace_event(w->trace, "", "", NULL, 0);
}

/* Runs the engine-driven sequence, recording it; returns the stream and sets *LOG to what an observer
 * of the recording trace saw. */
static GBytes *record_sequence(char **log, guint64 *count)
{
    SimEngine *engine = sim_engine_new(NULL);
    SimTrace *trace = trace_with_ifaces(engine, 3);
    World w = {.trace = trace, .if0 = sim_trace_iface(trace, 0), .if2 = sim_trace_iface(trace, 2)};
    TraceRecorder *rec = trace_recorder_new(NULL, NULL);
    sim_trace_add_observer(trace, trace_recorder_observer(rec));
    Capture c;
    capture_attach(&c, trace);
    sim_engine_schedule_at(engine, 0, step_tx, &w);
    sim_engine_schedule_at(engine, 1500 * SIM_US, step_rx_and_events, &w);
    sim_engine_schedule_at(engine, 1500 * SIM_US, step_drops, &w);
    sim_engine_schedule_at(engine, 3600 * SIM_S, step_tx, &w);
    sim_engine_run(engine);
    *log = g_strdup(c.log->str);
    *count = trace_recorder_count(rec);
    GBytes *bytes = trace_recorder_take(rec);
    capture_detach(&c);
    sim_trace_remove_observer(trace, trace_recorder_observer(rec));
    trace_recorder_free(rec);
    sim_trace_free(trace);
    sim_engine_free(engine);
    return bytes;
}

static void test_round_trip(void)
{
    g_autofree char *original = NULL;
    guint64 count = 0;
    g_autoptr(GBytes) stream = record_sequence(&original, &count);
    g_assert_cmpuint(count, ==, 9);
    g_test_message("%s", original);
    /* The capture is not vacuous: spot-check a few lines of what the recording trace delivered. */
    g_assert_nonnull(strstr(original, "P t=0 tx node=\"ue\" if=0 uid=1 reason=- len=28 data=4500001c"));
    g_assert_nonnull(strstr(original, "P t=1500000 rx node=\"scscf\" if=2 uid=18446744073709551615 reason=- len=5 "
                                      "data=00ff007f80\n"));
    g_assert_nonnull(strstr(original, "P t=1500000 drop node=\"pcscf\" if=none uid=7 reason=\"no route\" len=28"));
    g_assert_nonnull(strstr(original, "reason=\"\" len=20"));
    g_assert_nonnull(strstr(original, "P t=1500000 forward node=\"pcscf\" if=2 uid=0 reason=- len=0 data=\n"));
    g_assert_nonnull(strstr(original, "\"min\"=i:-9223372036854775808 \"max\"=i:9223372036854775807"));
    g_assert_nonnull(strstr(original, "E t=1500000 node=\"ue\" name=\"sa-established\" n=0\n"));
    g_assert_nonnull(strstr(original, "E t=1500000 node=\"\" name=\"\" n=0\n"));
    g_assert_nonnull(strstr(original, "P t=3600000000000 tx"));

    TraceMergeStats st = {99, 99};
    GError *error = NULL;
    g_autofree char *replayed = replay(&stream, 1, 3, &st, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(replayed, ==, original);
    g_assert_cmpuint(st.records, ==, 9);
    g_assert_cmpuint(st.cross_rank_ties, ==, 0);

    /* The same stream twice: every record of stream 1 ties with stream 0's at its time, and stream 0's
     * comes first each time. */
    GBytes *twice[2] = {stream, stream};
    g_autofree char *doubled = replay(twice, 2, 3, &st, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(st.records, ==, 18);
    g_assert_cmpuint(st.cross_rank_ties, >, 0);
    /* Records sorted by time (stable: stream 0's block, then stream 1's, at each time). */
    g_auto(GStrv) lines = g_strsplit(original, "\n", -1);
    GString *want = g_string_new(NULL);
    const char *times[] = {"t=0 ", "t=1500000 ", "t=3600000000000 "};
    for (guint k = 0; k < G_N_ELEMENTS(times); k++)
        for (int copy = 0; copy < 2; copy++)
            for (guint i = 0; lines[i]; i++)
                if (*lines[i] && g_str_has_prefix(lines[i] + 2, times[k]))
                    g_string_append_printf(want, "%s\n", lines[i]);
    g_assert_cmpstr(doubled, ==, want->str);
    g_string_free(want, TRUE);
    /* Ties across streams: the first record of stream 1 at each of the three times (the others follow a
     * record of their own stream). */
    g_assert_cmpuint(st.cross_rank_ties, ==, 3);
}

/* ---- merging ---- */

typedef struct {
    SimTime t;
    const char *name;
} Rec;

/* A stream of events named NAME at the times given, recorded through a real trace (emit, as the
 * records carry their own times). A name starting with "pkt" is recorded as a packet instead. */
static GBytes *stream_of(const Rec *recs, guint n)
{
    SimTrace *trace = trace_with_ifaces(NULL, 3);
    TraceRecorder *rec = trace_recorder_new(NULL, NULL);
    sim_trace_add_observer(trace, trace_recorder_observer(rec));
    for (guint i = 0; i < n; i++) {
        if (g_str_has_prefix(recs[i].name, "pkt")) {
            SimTracePacket p = {.time = recs[i].t, .action = SIM_TRACE_RX, .node = recs[i].name,
                                .iface = sim_trace_iface(trace, 1), .data = ip_v4, .len = sizeof ip_v4,
                                .packet_uid = i};
            sim_trace_emit_packet(trace, &p);
        } else {
            SimTraceEvent ev = {.time = recs[i].t, .node = "n", .name = recs[i].name};
            sim_trace_emit_event(trace, &ev);
        }
    }
    GBytes *b = trace_recorder_take(rec);
    sim_trace_remove_observer(trace, trace_recorder_observer(rec));
    trace_recorder_free(rec);
    sim_trace_free(trace);
    return b;
}

/* The merge's order as "name@t name@t ...". */
static void order_packet(SimObserver *self, const SimTracePacket *p)
{
    Capture *c = (Capture *)self;
    g_string_append_printf(c->log, "%s%s@%" G_GINT64_FORMAT, c->log->len ? " " : "", p->node, p->time);
}

static void order_event(SimObserver *self, const SimTraceEvent *ev)
{
    Capture *c = (Capture *)self;
    g_string_append_printf(c->log, "%s%s@%" G_GINT64_FORMAT, c->log->len ? " " : "", ev->name, ev->time);
}

static char *merge(GBytes *const *streams, guint n, TraceMergeStats *st)
{
    SimTrace *t = trace_with_ifaces(NULL, 3);
    Capture c = {.base = {NULL, order_packet, order_event}, .trace = t, .log = g_string_new(NULL)};
    sim_trace_add_observer(t, &c.base);
    GError *error = NULL;
    gboolean ok = trace_records_replay(t, streams, n, st, &error);
    g_assert_no_error(error);
    g_assert_true(ok);
    sim_trace_remove_observer(t, &c.base);
    sim_trace_free(t);
    return g_string_free(c.log, FALSE);
}

static void test_merge_no_ties(void)
{
    const Rec s0[] = {{1, "a1"}, {3, "a3"}, {5, "pkt-a5"}};
    const Rec s1[] = {{2, "b2"}, {4, "pkt-b4"}, {6, "b6"}, {6, "b6bis"}};
    GBytes *st[2] = {stream_of(s0, 3), stream_of(s1, 4)};
    TraceMergeStats stats = {99, 99};
    g_autofree char *order = merge(st, 2, &stats);
    g_assert_cmpstr(order, ==, "a1@1 b2@2 a3@3 pkt-b4@4 pkt-a5@5 b6@6 b6bis@6");
    g_assert_cmpuint(stats.records, ==, 7);
    g_assert_cmpuint(stats.cross_rank_ties, ==, 0); /* b6, b6bis: one stream */
    /* Swapping the streams changes nothing without ties. */
    GBytes *sw[2] = {st[1], st[0]};
    g_autofree char *order2 = merge(sw, 2, &stats);
    g_assert_cmpstr(order2, ==, order);
    g_assert_cmpuint(stats.cross_rank_ties, ==, 0);
    g_bytes_unref(st[0]);
    g_bytes_unref(st[1]);
}

static void test_merge_ties(void)
{
    const Rec s0[] = {{1, "a"}, {5, "b"}, {5, "c"}};
    const Rec s1[] = {{5, "d"}, {7, "e"}};
    const Rec s2[] = {{1, "pkt-f"}, {5, "g"}};
    GBytes *st[3] = {stream_of(s0, 3), stream_of(s1, 2), stream_of(s2, 2)};
    TraceMergeStats stats = {0};
    g_autofree char *order = merge(st, 3, &stats);
    /* Equal times: lower stream first, each stream's own order kept. */
    g_assert_cmpstr(order, ==, "a@1 pkt-f@1 b@5 c@5 d@5 g@5 e@7");
    g_assert_cmpuint(stats.records, ==, 7);
    /* pkt-f after a, d after c, g after d: three records sharing the previous one's time from another
     * stream (c after b is the same stream). */
    g_assert_cmpuint(stats.cross_rank_ties, ==, 3);

    /* In reverse stream order the lower stream (now s2) still goes first at each time. */
    GBytes *rev[3] = {st[2], st[1], st[0]};
    g_autofree char *order2 = merge(rev, 3, &stats);
    g_assert_cmpstr(order2, ==, "pkt-f@1 a@1 g@5 d@5 b@5 c@5 e@7");
    g_assert_cmpuint(stats.cross_rank_ties, ==, 3); /* a, d, b */
    for (int i = 0; i < 3; i++)
        g_bytes_unref(st[i]);
}

static void test_merge_empty(void)
{
    const Rec s1[] = {{0, "x"}, {0, "y"}};
    GBytes *one = stream_of(s1, 2);
    GBytes *empty = g_bytes_new(NULL, 0);
    TraceMergeStats stats = {99, 99};
    /* No streams at all, empty streams and NULL streams are fine and replay nothing of their own. */
    g_autofree char *none = merge(NULL, 0, &stats);
    g_assert_cmpstr(none, ==, "");
    g_assert_cmpuint(stats.records, ==, 0);
    GBytes *mix[4] = {empty, NULL, one, empty};
    g_autofree char *order = merge(mix, 4, &stats);
    g_assert_cmpstr(order, ==, "x@0 y@0");
    g_assert_cmpuint(stats.records, ==, 2);
    g_assert_cmpuint(stats.cross_rank_ties, ==, 0);
    /* stats may be NULL */
    g_autofree char *again = merge(mix, 4, NULL);
    g_assert_cmpstr(again, ==, "x@0 y@0");
    g_bytes_unref(one);
    g_bytes_unref(empty);
}

/* ---- the recorder: counts, foreign nodes, take ---- */

static gboolean local_to_rank0(const char *node, void *user)
{
    (*(int *)user)++;
    return g_str_has_prefix(node, "r0-");
}

static void test_foreign(void)
{
    int asked = 0;
    SimTrace *trace = trace_with_ifaces(NULL, 3);
    TraceRecorder *rec = trace_recorder_new(local_to_rank0, &asked);
    sim_trace_add_observer(trace, trace_recorder_observer(rec));
    const SimAttr a = SIM_ATTR_I("k", 1);
    SimTraceEvent ev1 = {.time = 1, .node = "r0-hss", .name = "e", .attrs = &a, .n_attrs = 1};
    SimTraceEvent ev2 = {.time = 2, .node = "r1-pcscf", .name = "e"};
    SimTracePacket p1 = {.time = 3, .action = SIM_TRACE_TX, .node = "r0-ue", .iface = sim_trace_iface(trace, 0)};
    SimTracePacket p2 = {.time = 4, .action = SIM_TRACE_DROP, .node = "r2-as", .reason = "queue full"};
    sim_trace_emit_event(trace, &ev1);
    sim_trace_emit_event(trace, &ev2);
    sim_trace_emit_packet(trace, &p1);
    g_assert_cmpuint(trace_recorder_count(rec), ==, 3);
    g_assert_cmpuint(trace_recorder_foreign(rec), ==, 1);
    GBytes *first = trace_recorder_take(rec);
    /* Recording goes on into a new stream; counts are for the recorder's whole life. */
    sim_trace_emit_packet(trace, &p2);
    g_assert_cmpuint(trace_recorder_count(rec), ==, 4);
    g_assert_cmpuint(trace_recorder_foreign(rec), ==, 2);
    g_assert_cmpint(asked, ==, 4);
    GBytes *second = trace_recorder_take(rec);
    GBytes *third = trace_recorder_take(rec);
    g_assert_cmpuint(g_bytes_get_size(third), ==, 0);

    /* Foreign records are still recorded: all four replay, the first three from the first stream. */
    TraceMergeStats stats;
    g_autofree char *a1 = merge(&first, 1, &stats);
    g_assert_cmpstr(a1, ==, "e@1 e@2 r0-ue@3");
    g_autofree char *a2 = merge(&second, 1, &stats);
    g_assert_cmpstr(a2, ==, "r2-as@4");
    g_bytes_unref(first);
    g_bytes_unref(second);
    g_bytes_unref(third);
    sim_trace_remove_observer(trace, trace_recorder_observer(rec));
    trace_recorder_free(rec);

    /* Without IS_LOCAL nothing is foreign. */
    rec = trace_recorder_new(NULL, NULL);
    sim_trace_add_observer(trace, trace_recorder_observer(rec));
    sim_trace_emit_event(trace, &ev2);
    sim_trace_emit_packet(trace, &p2);
    g_assert_cmpuint(trace_recorder_count(rec), ==, 2);
    g_assert_cmpuint(trace_recorder_foreign(rec), ==, 0);
    sim_trace_remove_observer(trace, trace_recorder_observer(rec));
    trace_recorder_free(rec);
    trace_recorder_free(NULL);
    sim_trace_free(trace);
}

/* ---- corrupt streams ---- */

/* Asserts that STREAM, as stream 1 after a good stream 0, is refused with an error naming rank 1. */
static void assert_refused(const guint8 *data, gsize len, const char *what)
{
    const Rec good[] = {{0, "ok"}};
    GBytes *s[2] = {stream_of(good, 1), exact(data, len)};
    GError *error = NULL;
    TraceMergeStats st;
    char *log = replay(s, 2, 3, &st, &error);
    if (log)
        g_error("%s: accepted (%s)", what, log);
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "rank 1"));
    g_error_free(error);
    g_bytes_unref(s[0]);
    g_bytes_unref(s[1]);
}

static void test_truncated(void)
{
    /* The engine sequence again, recorded taking the stream after each record so the record boundaries
     * are known: a cut exactly there is a shorter valid stream, a cut anywhere else is corrupt. */
    g_autofree char *log = NULL;
    guint64 count = 0;
    g_autoptr(GBytes) whole = record_sequence(&log, &count);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(whole, &len);
    /* Boundaries: replay each prefix that the merge accepts and check it is exactly whole records. */
    g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
    guint accepted = 0;
    for (gsize cut = 0; cut < len; cut++) {
        GBytes *s = exact(data, cut);
        GError *error = NULL;
        TraceMergeStats st = {0};
        g_autofree char *got = replay(&s, 1, 3, &st, &error);
        if (got) {
            /* The prefix is the first st.records records, exactly as recorded. */
            GString *want = g_string_new(NULL);
            for (guint64 i = 0; i < st.records; i++)
                g_string_append_printf(want, "%s\n", lines[i]);
            g_assert_cmpstr(got, ==, want->str);
            g_string_free(want, TRUE);
            accepted++;
        } else {
            g_assert_nonnull(error);
            g_assert_nonnull(strstr(error->message, "rank 0"));
            g_error_free(error);
        }
        g_bytes_unref(s);
    }
    /* Accepted: the empty stream and the cuts after records 1..8 (of 9), nothing else. */
    g_assert_cmpuint(accepted, ==, 9);

    /* The same cuts as stream 1 name rank 1. */
    for (gsize cut = 1; cut < 30; cut++)
        assert_refused(data, cut, "truncated");
}

static GByteArray *record_one_event(SimTime t, const char *node, const char *name, const SimAttr *attrs, size_t n)
{
    SimTrace *trace = trace_with_ifaces(NULL, 3);
    TraceRecorder *rec = trace_recorder_new(NULL, NULL);
    sim_trace_add_observer(trace, trace_recorder_observer(rec));
    SimTraceEvent ev = {.time = t, .node = node, .name = name, .attrs = attrs, .n_attrs = n};
    sim_trace_emit_event(trace, &ev);
    GBytes *b = trace_recorder_take(rec);
    sim_trace_remove_observer(trace, trace_recorder_observer(rec));
    trace_recorder_free(rec);
    sim_trace_free(trace);
    return g_bytes_unref_to_array(b);
}

static void test_bad_kind(void)
{
    g_autoptr(GByteArray) b = record_one_event(5, "abc", "ev", NULL, 0);
    g_assert_cmpint(b->data[0], ==, 'E');
    /* A second, good record after it, then the first's kind replaced by unknown ones. */
    g_autoptr(GByteArray) two = g_byte_array_new();
    g_byte_array_append(two, b->data, b->len);
    g_byte_array_append(two, b->data, b->len);
    const guint8 kinds[] = {0, 'X', 'p', 'e', 0xff};
    for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
        two->data[0] = kinds[k];
        assert_refused(two->data, two->len, "unknown first kind");
        two->data[0] = 'E';
        two->data[b->len] = kinds[k];
        assert_refused(two->data, two->len, "unknown second kind");
        two->data[b->len] = 'E';
    }
    /* A packet record relabelled: the rest of it would parse as a packet, yet the kind is unknown. */
    const Rec pr[] = {{1, "pkt"}, {2, "pkt"}};
    g_autoptr(GByteArray) p = g_bytes_unref_to_array(stream_of(pr, 2));
    g_assert_cmpint(p->data[0], ==, 'P');
    for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
        p->data[0] = kinds[k];
        assert_refused(p->data, p->len, "unknown kind on a packet");
    }
    p->data[0] = 'E';
    assert_refused(p->data, p->len, "packet relabelled as an event");
}

static void test_bad_iface(void)
{
    /* A packet on interface 2 of the recording trace replays into a trace with three interfaces, and is
     * refused by one with only two (ids 0, 1). */
    SimTrace *trace = trace_with_ifaces(NULL, 3);
    TraceRecorder *rec = trace_recorder_new(NULL, NULL);
    sim_trace_add_observer(trace, trace_recorder_observer(rec));
    SimTracePacket p = {.time = 1, .action = SIM_TRACE_TX, .node = "n", .iface = sim_trace_iface(trace, 2),
                        .data = ip_v4, .len = sizeof ip_v4};
    sim_trace_emit_packet(trace, &p);
    GBytes *s = trace_recorder_take(rec);
    sim_trace_remove_observer(trace, trace_recorder_observer(rec));
    trace_recorder_free(rec);
    sim_trace_free(trace);

    GError *error = NULL;
    TraceMergeStats st;
    g_autofree char *ok = replay(&s, 1, 3, &st, &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(ok, " if=2 "));
    g_autofree char *bad = replay(&s, 1, 2, &st, &error);
    g_assert_null(bad);
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "rank 0"));
    g_clear_error(&error);
    gsize len;
    const guint8 *d = g_bytes_get_data(s, &len);
    g_autoptr(GByteArray) b = g_byte_array_new();
    g_byte_array_append(b, d, len);
    /* Interface id field: after 'P', time, action, node ("n": 4 + 1). 0xFFFFFFFE: far beyond. */
    gsize at = 1 + 8 + 1 + 4 + 1;
    g_assert_cmpuint(b->data[at], ==, 2);
    memset(b->data + at, 0xff, 4);
    b->data[at] = 0xfe;
    assert_refused(b->data, b->len, "iface id beyond the trace's");
    g_bytes_unref(s);
}

static void test_time_order(void)
{
    /* Decreasing times within one stream are refused (after the records before them were replayed);
     * equal times are fine. */
    const Rec good[] = {{10, "a"}, {10, "b"}, {11, "c"}};
    const Rec bad[] = {{10, "a"}, {9, "b"}};
    const Rec bad_later[] = {{1, "a"}, {7, "b"}, {7, "c"}, {6, "d"}};
    GBytes *g = stream_of(good, 3);
    TraceMergeStats st;
    g_autofree char *order = merge(&g, 1, &st);
    g_assert_cmpstr(order, ==, "a@10 b@10 c@11");
    g_bytes_unref(g);

    GBytes *streams[2] = {stream_of(good, 3), stream_of(bad, 2)};
    GError *error = NULL;
    g_autofree char *log = replay(streams, 2, 3, &st, &error);
    g_assert_null(log);
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "rank 1"));
    g_clear_error(&error);
    g_bytes_unref(streams[1]);
    streams[1] = stream_of(bad_later, 4);
    gsize len;
    const guint8 *d = g_bytes_get_data(streams[1], &len);
    assert_refused(d, len, "time decreasing after equal times");
    /* ... and as stream 0 it names rank 0. */
    GBytes *swapped[2] = {streams[1], streams[0]};
    g_autofree char *log2 = replay(swapped, 2, 3, &st, &error);
    g_assert_null(log2);
    g_assert_nonnull(strstr(error->message, "rank 0"));
    g_clear_error(&error);
    g_bytes_unref(streams[0]);
    g_bytes_unref(streams[1]);

    /* A time beyond INT64_MAX (negative as SimTime) is refused. */
    g_autoptr(GByteArray) b = record_one_event(1, "n", "e", NULL, 0);
    memset(b->data + 1, 0, 8);
    b->data[8] = 0x80; /* INT64_MIN */
    assert_refused(b->data, b->len, "negative time");
    memset(b->data + 1, 0xff, 8); /* -1 */
    assert_refused(b->data, b->len, "negative time");
}

static void test_embedded_nul(void)
{
    /* 'E', u64 time, u32 3, "abc", u32 2, "ev", u32 1 attr, ... */
    const SimAttr attrs[] = {SIM_ATTR_S("key", "val")};
    g_autoptr(GByteArray) b = record_one_event(1, "abc", "ev", attrs, 1);
    const gsize node_at = 1 + 8 + 4;
    g_assert_cmpmem(b->data + node_at, 3, "abc", 3);
    guint strings = 0;
    for (gsize i = 0; i + 3 <= b->len; i++) {
        /* A NUL inside each string: node, name, attribute key, attribute value. */
        if (memcmp(b->data + i, "abc", 3) && memcmp(b->data + i, "ev", 2) && memcmp(b->data + i, "key", 3) &&
            memcmp(b->data + i, "val", 3))
            continue;
        guint8 save = b->data[i + 1];
        b->data[i + 1] = 0;
        assert_refused(b->data, b->len, "embedded NUL");
        b->data[i + 1] = save;
        strings++;
    }
    g_assert_cmpuint(strings, ==, 4);
    /* The untouched record is fine (the cases above failed for the NUL alone). */
    GBytes *s = exact(b->data, b->len);
    GError *error = NULL;
    g_autofree char *log = replay(&s, 1, 3, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(log, ==, "E t=1 node=\"abc\" name=\"ev\" n=1 \"key\"=s:\"val\"\n");
    g_bytes_unref(s);
}

static void test_null_string_attr(void)
{
    /* SimAttr.s may be NULL (the event log writes it as null); the recorder writes it as the wire's NULL
     * string. The replay must then hand over the same NULL, as one process would. */
    const SimAttr attrs[] = {SIM_ATTR_S("k", NULL), SIM_ATTR_I("n", 2)};
    g_autoptr(GByteArray) b = record_one_event(4, "n", "e", attrs, 2);
    GBytes *s = exact(b->data, b->len);
    GError *error = NULL;
    char *log = replay(&s, 1, 3, NULL, &error);
    g_bytes_unref(s);
    g_assert_no_error(error);
    g_assert_nonnull(log);
    g_assert_cmpstr(log, ==, "E t=4 node=\"n\" name=\"e\" n=2 \"k\"=s:- \"n\"=i:2\n");
    g_free(log);
}

static void test_hostile_fields(void)
{
    /* Fields a corrupt or hostile stream could hold, each on an otherwise good record. */
    const SimAttr attrs[] = {SIM_ATTR_I("k", 5)};
    g_autoptr(GByteArray) ev = record_one_event(1, "n", "e", attrs, 1);
    /* 'E' t(8) u32 1 "n" u32 1 "e" u32 n_attrs ... */
    const gsize n_at = 1 + 8 + 5 + 5;
    g_assert_cmpuint(ev->data[n_at], ==, 1);
    memset(ev->data + n_at, 0xff, 4); /* 4 billion attributes */
    assert_refused(ev->data, ev->len, "huge attribute count");
    memset(ev->data + n_at, 0, 4);
    ev->data[n_at] = 2; /* one more attribute than there is */
    assert_refused(ev->data, ev->len, "attribute count beyond the record");
    ev->data[n_at] = 1;
    const gsize type_at = n_at + 4 + 5;
    g_assert_cmpuint(ev->data[type_at], ==, SIM_ATTR_INT);
    const guint8 bad_types[] = {0, 4, 0xff};
    for (guint k = 0; k < G_N_ELEMENTS(bad_types); k++) {
        ev->data[type_at] = bad_types[k];
        assert_refused(ev->data, ev->len, "unknown attribute type");
    }
    ev->data[type_at] = SIM_ATTR_INT;
    /* A NULL (length 0xFFFFFFFF) node or name. */
    memset(ev->data + 9, 0xff, 4);
    assert_refused(ev->data, ev->len, "NULL node");

    /* Packets: action out of range, NULL node, huge data length. */
    const Rec pr[] = {{1, "pkt"}};
    GBytes *ps = stream_of(pr, 1);
    g_autoptr(GByteArray) p = g_bytes_unref_to_array(ps);
    g_assert_cmpuint(p->data[9], ==, SIM_TRACE_RX);
    const guint8 bad_actions[] = {0, 5, 0xff};
    for (guint k = 0; k < G_N_ELEMENTS(bad_actions); k++) {
        p->data[9] = bad_actions[k];
        assert_refused(p->data, p->len, "unknown action");
    }
    p->data[9] = SIM_TRACE_RX;
    g_assert_cmpuint(p->data[10], ==, 3); /* "pkt" */
    memset(p->data + 10, 0xff, 4);
    assert_refused(p->data, p->len, "NULL packet node");
    memset(p->data + 10, 0, 4);
    p->data[10] = 3;
    /* data length: after node (4 + 3), iface (4), uid (8), reason NULL (4) */
    const gsize dlen_at = 10 + 7 + 4 + 8 + 4;
    g_assert_cmpuint(p->data[dlen_at], ==, sizeof ip_v4);
    memset(p->data + dlen_at, 0xff, 4);
    assert_refused(p->data, p->len, "huge packet length");
    memset(p->data + dlen_at, 0, 4);
    p->data[dlen_at] = sizeof ip_v4 + 1;
    assert_refused(p->data, p->len, "packet length one beyond");
}

static void test_mutations(void)
{
    /* Every byte of the recorded sequence set to a few values: each mutant is refused or replayed,
     * never a crash or an out-of-bounds read. */
    g_autofree char *log = NULL;
    guint64 count = 0;
    g_autoptr(GBytes) whole = record_sequence(&log, &count);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(whole, &len);
    g_autofree guint8 *copy = g_memdup2(data, len);
    const guint8 values[] = {0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff};
    guint refused = 0, accepted = 0;
    for (gsize i = 0; i < len; i++) {
        for (guint v = 0; v < G_N_ELEMENTS(values) + 1; v++) {
            copy[i] = v < G_N_ELEMENTS(values) ? values[v] : (guint8)(data[i] ^ 0x55);
            GBytes *s = exact(copy, len);
            GError *error = NULL;
            TraceMergeStats st;
            g_autofree char *got = replay(&s, 1, 3, &st, &error);
            if (got) {
                accepted++;
                g_assert_no_error(error);
            } else {
                refused++;
                g_assert_nonnull(error);
                g_error_free(error);
            }
            g_bytes_unref(s);
        }
        copy[i] = data[i];
    }
    g_test_message("mutants: %u refused, %u accepted", refused, accepted);
    g_assert_cmpuint(refused, >, 0);
    g_assert_cmpuint(accepted, >, 0); /* e.g. a changed packet byte or uid */
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/trace-record/round-trip", test_round_trip);
    g_test_add_func("/trace-record/merge-no-ties", test_merge_no_ties);
    g_test_add_func("/trace-record/merge-ties", test_merge_ties);
    g_test_add_func("/trace-record/merge-empty", test_merge_empty);
    g_test_add_func("/trace-record/foreign", test_foreign);
    g_test_add_func("/trace-record/truncated", test_truncated);
    g_test_add_func("/trace-record/bad-kind", test_bad_kind);
    g_test_add_func("/trace-record/bad-iface", test_bad_iface);
    g_test_add_func("/trace-record/time-order", test_time_order);
    g_test_add_func("/trace-record/embedded-nul", test_embedded_nul);
    g_test_add_func("/trace-record/null-string-attr", test_null_string_attr);
    g_test_add_func("/trace-record/hostile-fields", test_hostile_fields);
    g_test_add_func("/trace-record/mutations", test_mutations);
    return g_test_run();
}
