/* test-sim-trace.c: the trace bus (sim-trace.h) as an observer sees it.
 *
 * Observers here write one line per call into a shared log, so a single string comparison checks
 * what was delivered, to whom, in which order and at which simulated time.
 */
#include "sim-core/sim-trace.h"
#include <glib.h>
#include <string.h>

typedef struct {
    SimObserver base; /* first, so the bus's pointer is ours */
    const char *name;
    GString *log;
    int calls;
} Recorder;

static void rec_iface(SimObserver *self, const SimTraceIface *i)
{
    Recorder *r = (Recorder *)self;
    r->calls++;
    g_string_append_printf(r->log, "%s iface %u %s/%s link=%s kind=%s ciphered=%d mtu=%u bw=%" G_GUINT64_FORMAT "\n",
                           r->name, i->id, i->node, i->name, i->link, i->link_kind, i->ciphered, i->mtu,
                           i->bandwidth_bps);
}

static void rec_packet(SimObserver *self, const SimTracePacket *p)
{
    Recorder *r = (Recorder *)self;
    r->calls++;
    g_string_append_printf(r->log, "%s %s@%" G_GINT64_FORMAT " %s if=%d uid=%" G_GUINT64_FORMAT " len=%zu", r->name,
                           sim_trace_action_name(p->action), p->time, p->node, p->iface ? (int)p->iface->id : -1,
                           p->packet_uid, p->len);
    if (p->len)
        g_string_append_printf(r->log, " data=%02x..%02x", p->data[0], p->data[p->len - 1]);
    if (p->reason)
        g_string_append_printf(r->log, " reason=%s", p->reason);
    g_string_append_c(r->log, '\n');
}

static void rec_event(SimObserver *self, const SimTraceEvent *ev)
{
    Recorder *r = (Recorder *)self;
    r->calls++;
    g_string_append_printf(r->log, "%s event@%" G_GINT64_FORMAT " %s %s", r->name, ev->time, ev->node, ev->name);
    for (size_t k = 0; k < ev->n_attrs; k++) {
        const SimAttr *a = &ev->attrs[k];
        switch (a->type) {
        case SIM_ATTR_STR: g_string_append_printf(r->log, " %s=\"%s\"", a->key, a->s); break;
        case SIM_ATTR_INT: g_string_append_printf(r->log, " %s=%" G_GINT64_FORMAT, a->key, a->i); break;
        case SIM_ATTR_BOOL: g_string_append_printf(r->log, " %s=%s", a->key, a->i ? "true" : "false"); break;
        default: g_string_append_printf(r->log, " %s=?", a->key);
        }
    }
    g_string_append_c(r->log, '\n');
}

static void recorder_init(Recorder *r, const char *name, GString *log)
{
    *r = (Recorder){.base = {rec_iface, rec_packet, rec_event}, .name = name, .log = log};
}

/* ---------------------------------------------------------------- interfaces */

static void test_ifaces_replay(void)
{
    SimEngine *engine = sim_engine_new(NULL);
    SimTrace *t = sim_trace_new(engine);
    GString *log = g_string_new(NULL);
    Recorder a, b;
    recorder_init(&a, "A", log);
    recorder_init(&b, "B", log);

    g_assert_cmpuint(sim_trace_n_ifaces(t), ==, 0);
    g_assert_null(sim_trace_iface(t, 0));

    /* Strings are copied: change the caller's buffers afterwards. */
    char node[16] = "ue1", name[16] = "wlan0";
    const SimTraceIface *i0 = sim_trace_add_iface(t, node, name, "ue1-ap", "wlan-open", FALSE, 1500, 54000000);
    strcpy(node, "XXX");
    strcpy(name, "YYY");
    const SimTraceIface *i1 = sim_trace_add_iface(t, "pcscf", "eth0", NULL, NULL, TRUE, 9000, 0);
    g_assert_cmpuint(i0->id, ==, 0);
    g_assert_cmpuint(i1->id, ==, 1);
    g_assert_cmpstr(i0->node, ==, "ue1");
    g_assert_cmpstr(i0->name, ==, "wlan0");
    g_assert_cmpstr(i1->link, ==, "");
    g_assert_cmpstr(i1->link_kind, ==, "");

    /* Added late: both interfaces are replayed to A at once, in order. */
    sim_trace_add_observer(t, &a.base);
    g_assert_cmpstr(log->str, ==,
                    "A iface 0 ue1/wlan0 link=ue1-ap kind=wlan-open ciphered=0 mtu=1500 bw=54000000\n"
                    "A iface 1 pcscf/eth0 link= kind= ciphered=1 mtu=9000 bw=0\n");
    g_string_truncate(log, 0);

    /* A new interface goes live to A; B, added after, gets all three replayed and only to it. */
    const SimTraceIface *i2 = sim_trace_add_iface(t, "scscf", "eth1", "core", "wired", FALSE, 1500, 1000000000);
    sim_trace_add_observer(t, &b.base);
    g_assert_cmpstr(log->str, ==,
                    "A iface 2 scscf/eth1 link=core kind=wired ciphered=0 mtu=1500 bw=1000000000\n"
                    "B iface 0 ue1/wlan0 link=ue1-ap kind=wlan-open ciphered=0 mtu=1500 bw=54000000\n"
                    "B iface 1 pcscf/eth0 link= kind= ciphered=1 mtu=9000 bw=0\n"
                    "B iface 2 scscf/eth1 link=core kind=wired ciphered=0 mtu=1500 bw=1000000000\n");
    g_string_truncate(log, 0);

    /* Then both, in the order added. */
    sim_trace_add_iface(t, "hss", "eth0", "core", "wired", FALSE, 1500, 1);
    g_assert_cmpstr(log->str, ==,
                    "A iface 3 hss/eth0 link=core kind=wired ciphered=0 mtu=1500 bw=1\n"
                    "B iface 3 hss/eth0 link=core kind=wired ciphered=0 mtu=1500 bw=1\n");

    /* Lookup by id returns the same records for the life of the trace. */
    g_assert_cmpuint(sim_trace_n_ifaces(t), ==, 4);
    g_assert_true(sim_trace_iface(t, 0) == i0);
    g_assert_true(sim_trace_iface(t, 1) == i1);
    g_assert_true(sim_trace_iface(t, 2) == i2);
    g_assert_null(sim_trace_iface(t, 4));
    g_assert_null(sim_trace_iface(t, G_MAXUINT));

    sim_trace_remove_observer(t, &a.base);
    sim_trace_remove_observer(t, &b.base);
    sim_trace_free(t);
    sim_engine_free(engine);
    g_string_free(log, TRUE);
}

/* ---------------------------------------------------------------- packets and events in time */

typedef struct {
    SimTrace *trace;
    const SimTraceIface *iface;
    uint8_t bytes[4];
} Emit;

static Emit emit;

static void emit_tx(void *arg)
{
    (void)arg;
    sim_trace_packet(emit.trace, SIM_TRACE_TX, "ue1", emit.iface, emit.bytes, sizeof emit.bytes, 7, NULL);
}

static void emit_rx_and_event(void *arg)
{
    (void)arg;
    sim_trace_packet(emit.trace, SIM_TRACE_RX, "pcscf", emit.iface, emit.bytes, 2, 7, NULL);
    SimAttr attrs[] = {SIM_ATTR_S("impu", "sip:ue1@ims.test"), SIM_ATTR_I("expires", 600000),
                       SIM_ATTR_B("sec-agree", TRUE), SIM_ATTR_I("neg", -5), SIM_ATTR_B("retry", 0)};
    sim_trace_event(emit.trace, "pcscf", "registered", attrs, G_N_ELEMENTS(attrs));
}

static void emit_drop(void *arg)
{
    (void)arg;
    sim_trace_packet(emit.trace, SIM_TRACE_FORWARD, "router", emit.iface, emit.bytes, 1, 8, NULL);
    sim_trace_packet(emit.trace, SIM_TRACE_DROP, "router", NULL, emit.bytes, 0, 9, "no route");
    sim_trace_event(emit.trace, "router", "idle", NULL, 0);
}

static void test_packets_events(void)
{
    SimEngine *engine = sim_engine_new(NULL);
    SimTrace *t = sim_trace_new(engine);
    GString *log = g_string_new(NULL);
    Recorder a, b;
    recorder_init(&a, "A", log);
    recorder_init(&b, "B", log);
    emit = (Emit){.trace = t, .bytes = {0x45, 0x00, 0x12, 0x99}};
    emit.iface = sim_trace_add_iface(t, "ue1", "eth0", "l", "wired", FALSE, 1500, 100);
    sim_trace_add_observer(t, &a.base);
    sim_trace_add_observer(t, &b.base);
    g_string_truncate(log, 0);

    /* Before the run: time 0. */
    sim_trace_event(t, "ue1", "boot", NULL, 0);
    sim_engine_schedule_at(engine, 1500, emit_tx, NULL);
    sim_engine_schedule_at(engine, 2 * SIM_MS, emit_rx_and_event, NULL);
    sim_engine_schedule_at(engine, 1500, emit_drop, NULL);
    g_assert_cmpint(sim_engine_run(engine), ==, SIM_RUN_EMPTY);

    g_assert_cmpstr(log->str, ==,
                    "A event@0 ue1 boot\n"
                    "B event@0 ue1 boot\n"
                    "A tx@1500 ue1 if=0 uid=7 len=4 data=45..99\n"
                    "B tx@1500 ue1 if=0 uid=7 len=4 data=45..99\n"
                    "A forward@1500 router if=0 uid=8 len=1 data=45..45\n"
                    "B forward@1500 router if=0 uid=8 len=1 data=45..45\n"
                    "A drop@1500 router if=-1 uid=9 len=0 reason=no route\n"
                    "B drop@1500 router if=-1 uid=9 len=0 reason=no route\n"
                    "A event@1500 router idle\n"
                    "B event@1500 router idle\n"
                    "A rx@2000000 pcscf if=0 uid=7 len=2 data=45..00\n"
                    "B rx@2000000 pcscf if=0 uid=7 len=2 data=45..00\n"
                    "A event@2000000 pcscf registered impu=\"sip:ue1@ims.test\" expires=600000 sec-agree=true "
                    "neg=-5 retry=false\n"
                    "B event@2000000 pcscf registered impu=\"sip:ue1@ims.test\" expires=600000 sec-agree=true "
                    "neg=-5 retry=false\n");

    /* After run_until, the time is the engine's now even with nothing running. */
    g_string_truncate(log, 0);
    sim_engine_schedule_in(engine, 10 * SIM_S, emit_tx, NULL);
    g_assert_cmpint(sim_engine_run_until(engine, 3 * SIM_MS), ==, SIM_RUN_REACHED);
    sim_trace_event(t, "ue1", "tick", NULL, 0);
    g_assert_cmpstr(log->str, ==, "A event@3000000 ue1 tick\nB event@3000000 ue1 tick\n");

    g_assert_cmpstr(sim_trace_action_name(SIM_TRACE_TX), ==, "tx");
    g_assert_cmpstr(sim_trace_action_name(SIM_TRACE_RX), ==, "rx");
    g_assert_cmpstr(sim_trace_action_name(SIM_TRACE_FORWARD), ==, "forward");
    g_assert_cmpstr(sim_trace_action_name(SIM_TRACE_DROP), ==, "drop");

    sim_trace_remove_observer(t, &a.base);
    sim_trace_remove_observer(t, &b.base);
    sim_trace_free(t);
    sim_engine_free(engine);
    g_string_free(log, TRUE);
}

/* ---------------------------------------------------------------- removal, no observers */

static void test_remove_observer(void)
{
    SimEngine *engine = sim_engine_new(NULL);
    SimTrace *t = sim_trace_new(engine);
    GString *log = g_string_new(NULL);
    Recorder a, b, c;
    recorder_init(&a, "A", log);
    recorder_init(&b, "B", log);
    recorder_init(&c, "C", log);
    sim_trace_add_observer(t, &a.base);
    sim_trace_add_observer(t, &b.base);
    sim_trace_add_observer(t, &c.base);
    const uint8_t byte = 1;

    sim_trace_remove_observer(t, &b.base);
    sim_trace_packet(t, SIM_TRACE_TX, "n", NULL, &byte, 1, 1, NULL);
    sim_trace_event(t, "n", "e", NULL, 0);
    sim_trace_add_iface(t, "n", "eth0", "l", "wired", FALSE, 1500, 1);
    g_assert_cmpint(b.calls, ==, 0);
    g_assert_cmpint(a.calls, ==, 3);
    g_assert_cmpint(c.calls, ==, 3);

    /* Removing one that is not there changes nothing. */
    sim_trace_remove_observer(t, &b.base);
    sim_trace_event(t, "n", "e2", NULL, 0);
    g_assert_cmpint(a.calls, ==, 4);
    g_assert_cmpint(c.calls, ==, 4);

    /* Removed and added back: delivered again, now after C, with the interface replayed. */
    sim_trace_remove_observer(t, &a.base);
    sim_trace_add_observer(t, &a.base);
    g_string_truncate(log, 0);
    sim_trace_event(t, "n", "e3", NULL, 0);
    g_assert_cmpstr(log->str, ==, "C event@0 n e3\nA event@0 n e3\n");
    g_assert_cmpint(a.calls, ==, 4 + 1 + 1);

    sim_trace_remove_observer(t, &a.base);
    sim_trace_remove_observer(t, &c.base);
    sim_trace_packet(t, SIM_TRACE_RX, "n", NULL, &byte, 1, 2, NULL);
    sim_trace_event(t, "n", "e4", NULL, 0);
    sim_trace_add_iface(t, "n", "eth1", "l", "wired", FALSE, 1500, 1);
    g_assert_cmpint(a.calls, ==, 6);
    g_assert_cmpint(c.calls, ==, 5);
    g_assert_cmpint(b.calls, ==, 0);

    sim_trace_free(t);
    sim_engine_free(engine);
    g_string_free(log, TRUE);
}

/* An observer may leave out any callback. */
static void test_partial_observer(void)
{
    SimEngine *engine = sim_engine_new(NULL);
    SimTrace *t = sim_trace_new(engine);
    GString *log = g_string_new(NULL);
    Recorder only_events;
    recorder_init(&only_events, "E", log);
    only_events.base.iface_added = NULL;
    only_events.base.packet = NULL;
    SimObserver nothing = {NULL, NULL, NULL};
    sim_trace_add_iface(t, "n", "eth0", "l", "wired", FALSE, 1500, 1);
    sim_trace_add_observer(t, &nothing);
    sim_trace_add_observer(t, &only_events.base);
    const uint8_t byte = 1;
    sim_trace_add_iface(t, "n", "eth1", "l", "wired", FALSE, 1500, 1);
    sim_trace_packet(t, SIM_TRACE_TX, "n", NULL, &byte, 1, 1, NULL);
    sim_trace_event(t, "n", "only", NULL, 0);
    g_assert_cmpstr(log->str, ==, "E event@0 n only\n");
    sim_trace_remove_observer(t, &nothing);
    sim_trace_remove_observer(t, &only_events.base);
    sim_trace_free(t);
    sim_engine_free(engine);
    g_string_free(log, TRUE);
}

/* With no observers nothing is called; in particular the packet bytes are not looked at, so a caller
 * may pass a pointer that is not readable (here one past a 0-byte buffer, with a length). The engine
 * pointer is a guard too: with no observer, the bus must not even ask for the time. */
static void test_no_observers(void)
{
    SimTrace *t = sim_trace_new(NULL);
    const SimTraceIface *i = sim_trace_add_iface(t, "n", "eth0", "l", "wired", FALSE, 1500, 1);
    g_assert_nonnull(i);
    sim_trace_packet(t, SIM_TRACE_TX, "n", i, (const uint8_t *)16, 1500, 1, NULL);
    SimAttr attr = SIM_ATTR_S("k", "v");
    sim_trace_event(t, "n", "e", &attr, 1);
    sim_trace_free(t);
    sim_trace_free(NULL);
}

/* An observer that removes itself inside its callback: the next observer still gets that call. */
typedef struct {
    SimObserver obs;
    SimTrace *trace;
    int calls;
} SelfRemover;

static void self_remove_event(SimObserver *self, const SimTraceEvent *ev)
{
    SelfRemover *r = (SelfRemover *)self;
    (void)ev;
    r->calls++;
    sim_trace_remove_observer(r->trace, self);
}

static void count_event(SimObserver *self, const SimTraceEvent *ev)
{
    (void)ev;
    ((SelfRemover *)self)->calls++;
}

static void test_remove_inside_callback(void)
{
    SimEngine *e = sim_engine_new(NULL);
    SimTrace *t = sim_trace_new(e);
    SelfRemover a = {.obs = {.event = self_remove_event}, .trace = t};
    SelfRemover b = {.obs = {.event = count_event}, .trace = t};
    sim_trace_add_observer(t, &a.obs);
    sim_trace_add_observer(t, &b.obs);
    sim_trace_event(t, "n", "first", NULL, 0);
    sim_trace_event(t, "n", "second", NULL, 0);
    g_assert_cmpint(a.calls, ==, 1);
    g_assert_cmpint(b.calls, ==, 2);
    sim_trace_remove_observer(t, &b.obs);
    sim_trace_free(t);
    sim_engine_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sim-trace/ifaces-replay", test_ifaces_replay);
    g_test_add_func("/sim-trace/packets-events", test_packets_events);
    g_test_add_func("/sim-trace/remove-observer", test_remove_observer);
    g_test_add_func("/sim-trace/partial-observer", test_partial_observer);
    g_test_add_func("/sim-trace/no-observers", test_no_observers);
    g_test_add_func("/sim-trace/remove-inside-callback", test_remove_inside_callback);
    return g_test_run();
}
