/* test-engine.c: the event engine's contract as a user relies on it (sim-engine.h, sim-backend.h).
 *
 * Most tests drive the engine through a Tracker: every scheduling gets a label (its insertion index)
 * and is mirrored in a reference model, an ordered set of the pending events keyed by (time, label).
 * Each time the engine calls an event, the tracker checks that it is the model's minimum (so an
 * event run early, late or twice fails at once, not only in the final comparison), that now equals
 * its time, and that sim_engine_pending() equals the model's count. At the end the executed order
 * is also compared with the model's offline answer: every event sorted by (time, label), skipping
 * the cancelled ones.
 *
 * The randomized tests and the one that schedules after a cancelled tail run in a subprocess: if the
 * back end aborts (an assertion inside sim-backend-builtin.c), that test is reported as failed with
 * the child's message, and with -k the rest of the file still runs.
 */
#include "sim-core/sim-engine.h"
#include "sim-core/sim-rng.h"
#include <glib.h>
#include <string.h>

/* ---------------------------------------------------------------- the tracker (reference model) */

enum { EV_PENDING = 1, EV_RAN = 2, EV_CANCELLED = 3 };

typedef struct {
    SimTime at;
    SimEventId id;
    int state;
    guint pos; /* index in Tracker.pend while pending */
    guint tag; /* test-specific behaviour */
} Ev;

typedef struct Tracker Tracker;
typedef void (*TrackerFunc)(Tracker *tr, guint label);

struct Tracker {
    SimEngine *engine;
    GArray *evs;         /* Ev, indexed by label = insertion order */
    GArray *pend;        /* labels of pending events, in no order (for random picks) */
    GTree *queue;        /* labels of pending events ordered by (time, label): the reference model */
    GArray *ran;         /* labels in execution order */
    GHashTable *ids;     /* every id the engine returned, to check that none repeats */
    TrackerFunc on_fire; /* the test's behaviour, called after the checks */
    void *user;
    SimTime until;       /* the limit of the run in progress: no later event may run */
};

/* The engine's callbacks carry only the label (as the argument), so the tracker is found here. */
static Tracker *current;

static inline Ev *ev_of(Tracker *tr, guint label)
{
    return &g_array_index(tr->evs, Ev, label);
}

static gint queue_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
    Tracker *tr = data;
    guint la = GPOINTER_TO_UINT(a), lb = GPOINTER_TO_UINT(b);
    SimTime ta = ev_of(tr, la)->at, tb = ev_of(tr, lb)->at;
    if (ta != tb)
        return ta < tb ? -1 : 1;
    return la < lb ? -1 : la > lb ? 1 : 0;
}

static void tracker_init(Tracker *tr, SimEngine *engine, TrackerFunc on_fire, void *user)
{
    memset(tr, 0, sizeof *tr);
    tr->engine = engine;
    tr->evs = g_array_new(FALSE, TRUE, sizeof(Ev));
    tr->pend = g_array_new(FALSE, FALSE, sizeof(guint));
    tr->queue = g_tree_new_with_data(queue_cmp, tr);
    tr->ran = g_array_new(FALSE, FALSE, sizeof(guint));
    tr->ids = g_hash_table_new(g_direct_hash, g_direct_equal);
    tr->on_fire = on_fire;
    tr->user = user;
    tr->until = SIM_TIME_NEVER;
    current = tr;
}

/* Frees the tracker and its engine. */
static void tracker_clear(Tracker *tr)
{
    sim_engine_free(tr->engine);
    g_array_free(tr->evs, TRUE);
    g_array_free(tr->pend, TRUE);
    g_tree_destroy(tr->queue);
    g_array_free(tr->ran, TRUE);
    g_hash_table_destroy(tr->ids);
    if (current == tr)
        current = NULL;
}

static guint model_pending(const Tracker *tr)
{
    return tr->pend->len;
}

static void model_remove(Tracker *tr, guint label)
{
    Ev *ev = ev_of(tr, label);
    guint last = g_array_index(tr->pend, guint, tr->pend->len - 1);
    g_array_index(tr->pend, guint, ev->pos) = last;
    ev_of(tr, last)->pos = ev->pos;
    g_array_set_size(tr->pend, tr->pend->len - 1);
    g_assert_true(g_tree_remove(tr->queue, GUINT_TO_POINTER(label)));
}

/* The model's next event, or -1 when none is pending. */
static gint64 model_first(Tracker *tr)
{
    GTreeNode *n = g_tree_node_first(tr->queue);
    return n ? (gint64)GPOINTER_TO_UINT(g_tree_node_key(n)) : -1;
}

/* The time of the K-th next pending event (1: the next), or of the last one if fewer; DFLT if none. */
static SimTime model_kth_time(Tracker *tr, guint k, SimTime dflt)
{
    SimTime t = dflt;
    for (GTreeNode *n = g_tree_node_first(tr->queue); n && k; n = g_tree_node_next(n), k--)
        t = ev_of(tr, GPOINTER_TO_UINT(g_tree_node_key(n)))->at;
    return t;
}

static void check_pending(Tracker *tr)
{
    g_assert_cmpuint(sim_engine_pending(tr->engine), ==, model_pending(tr));
}

static void tr_fire(void *arg)
{
    Tracker *tr = current;
    guint label = GPOINTER_TO_UINT(arg);
    g_assert_nonnull(tr);
    g_assert_cmpuint(label, <, tr->evs->len);
    Ev *ev = ev_of(tr, label);
    /* A cancelled event never runs; no event runs twice. */
    g_assert_cmpint(ev->state, ==, EV_PENDING);
    /* It must be the model's minimum by (time, insertion order). */
    g_assert_cmpint(model_first(tr), ==, (gint64)label);
    g_assert_cmpint(sim_engine_now(tr->engine), ==, ev->at);
    g_assert_cmpint(ev->at, <=, tr->until);
    model_remove(tr, label);
    ev->state = EV_RAN;
    g_array_append_val(tr->ran, label);
    g_assert_cmpuint(sim_engine_executed(tr->engine), ==, tr->ran->len);
    check_pending(tr);
    if (tr->on_fire)
        tr->on_fire(tr, label);
}

static guint tr_record(Tracker *tr, SimTime at, SimEventId id, guint tag)
{
    g_assert_cmpuint(id, !=, 0);
    g_assert_false(g_hash_table_contains(tr->ids, GSIZE_TO_POINTER((gsize)id)));
    g_hash_table_add(tr->ids, GSIZE_TO_POINTER((gsize)id));
    guint label = tr->evs->len;
    Ev ev = {.at = at, .id = id, .state = EV_PENDING, .pos = tr->pend->len, .tag = tag};
    g_array_append_val(tr->evs, ev);
    g_array_append_val(tr->pend, label);
    g_tree_insert(tr->queue, GUINT_TO_POINTER(label), GUINT_TO_POINTER(label));
    check_pending(tr);
    return label;
}

/* Schedules at absolute time AT; the label is passed before the engine is called, since the event's
 * label is the index it will get. */
static guint tr_at(Tracker *tr, SimTime at, guint tag)
{
    guint label = tr->evs->len;
    SimEventId id = sim_engine_schedule_at(tr->engine, at, tr_fire, GUINT_TO_POINTER(label));
    return tr_record(tr, at, id, tag);
}

static guint tr_in(Tracker *tr, SimTime delay, guint tag)
{
    guint label = tr->evs->len;
    SimTime at = sim_engine_now(tr->engine) + delay;
    SimEventId id = sim_engine_schedule_in(tr->engine, delay, tr_fire, GUINT_TO_POINTER(label));
    return tr_record(tr, at, id, tag);
}

/* Cancels LABEL and checks the engine's answer against the model's. */
static gboolean tr_cancel(Tracker *tr, guint label)
{
    Ev *ev = ev_of(tr, label);
    gboolean expect = ev->state == EV_PENDING;
    gboolean got = sim_engine_cancel(tr->engine, ev->id);
    g_assert_cmpint(got, ==, expect);
    if (got) {
        model_remove(tr, label);
        ev->state = EV_CANCELLED;
    }
    check_pending(tr);
    return got;
}

static SimRunStatus tr_run_until(Tracker *tr, SimTime until)
{
    tr->until = until;
    SimRunStatus st = sim_engine_run_until(tr->engine, until);
    tr->until = SIM_TIME_NEVER;
    return st;
}

static gint label_time_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
    return queue_cmp(GUINT_TO_POINTER(*(const guint *)a), GUINT_TO_POINTER(*(const guint *)b), data);
}

/* The offline comparison: the executed order must be all events sorted by (time, insertion index),
 * skipping those cancelled. Call when the engine has run empty. */
static void tr_check_final(Tracker *tr)
{
    g_assert_cmpuint(model_pending(tr), ==, 0);
    g_assert_cmpuint(sim_engine_pending(tr->engine), ==, 0);
    GArray *want = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint l = 0; l < tr->evs->len; l++)
        if (ev_of(tr, l)->state != EV_CANCELLED)
            g_array_append_val(want, l);
    g_array_sort_with_data(want, label_time_cmp, tr);
    g_assert_cmpuint(tr->ran->len, ==, want->len);
    for (guint k = 0; k < want->len; k++)
        if (g_array_index(tr->ran, guint, k) != g_array_index(want, guint, k))
            g_error("execution %u: ran label %u, expected %u", k, g_array_index(tr->ran, guint, k),
                    g_array_index(want, guint, k));
    g_assert_cmpuint(sim_engine_executed(tr->engine), ==, want->len);
    g_array_free(want, TRUE);
}

static void assert_ran(Tracker *tr, const guint *labels, guint n)
{
    g_assert_cmpmem(tr->ran->data, tr->ran->len * sizeof(guint), labels, n * sizeof(guint));
}

static void noop(void *arg)
{
    (void)arg;
}

/* Runs the current test in a subprocess and requires it to pass; returns TRUE in the subprocess,
 * where the caller then does the real work. A failing child marks this test failed (its messages
 * are on stderr) without the "Bail out!" of g_test_trap_assert_passed(), so later tests still run. */
static gboolean in_subprocess(void)
{
    if (g_test_subprocess())
        return TRUE;
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    if (!g_test_trap_has_passed())
        g_test_fail_printf("the test's subprocess failed (its output is above)");
    return FALSE;
}

/* ---------------------------------------------------------------- equal times run in insertion order */

enum { TAG_NONE = 0, TAG_AT_10, TAG_IN_0, TAG_AT_NOW, TAG_CHILD_NOW, TAG_CHILD_FAR };

static void ties_fire(Tracker *tr, guint label)
{
    switch (ev_of(tr, label)->tag) {
    case TAG_AT_10:
        tr_at(tr, 10, TAG_NONE);
        break;
    case TAG_IN_0:
        tr_in(tr, 0, TAG_NONE);
        break;
    case TAG_AT_NOW:
        tr_at(tr, sim_engine_now(tr->engine), TAG_NONE);
        break;
    }
}

/* A small case written out by hand, so the expectation does not depend on the model. */
static void test_ties_small(void)
{
    Tracker tr;
    tracker_init(&tr, sim_engine_new(NULL), ties_fire, NULL);
    tr_at(&tr, 10, TAG_IN_0);   /* 0: at 10, schedules 5 at now + 0 */
    tr_at(&tr, 5, TAG_AT_10);   /* 1: at 5, schedules 4 at 10 (behind 0, 2, 3) */
    tr_at(&tr, 10, TAG_AT_NOW); /* 2: at 10, schedules 6 at now */
    tr_at(&tr, 10, TAG_NONE);   /* 3 */
    g_assert_cmpint(sim_engine_run(tr.engine), ==, SIM_RUN_EMPTY);
    static const guint want[] = {1, 0, 2, 3, 4, 5, 6};
    assert_ran(&tr, want, G_N_ELEMENTS(want));
    g_assert_cmpint(sim_engine_now(tr.engine), ==, 10);
    tr_check_final(&tr);
    tracker_clear(&tr);
}

#define FAR_TIE (((SimTime)1 << 40) + 3)

static void ties_many_fire(Tracker *tr, guint label)
{
    Ev *ev = ev_of(tr, label);
    if (ev->tag != TAG_NONE)
        return; /* children do not spawn */
    if (label % 5 == 0)
        tr_in(tr, 0, TAG_CHILD_NOW);
    if (label % 7 == 0 && sim_engine_now(tr->engine) <= FAR_TIE)
        tr_at(tr, FAR_TIE, TAG_CHILD_FAR); /* joins a crowd scheduled long before */
    if (label % 11 == 0)
        tr_at(tr, sim_engine_now(tr->engine), TAG_CHILD_NOW);
}

/* Many events at a few times, interleaved with others, plus events added at now + 0 from inside
 * callbacks and at a crowded far time from everywhere. */
static void test_ties_many(void)
{
    static const SimTime times[] = {0, 7, 7, 7, 8, 1 << 20, 1 << 20, FAR_TIE, FAR_TIE, 123456789};
    Tracker tr;
    tracker_init(&tr, sim_engine_new(NULL), ties_many_fire, NULL);
    for (guint i = 0; i < 20000; i++)
        tr_at(&tr, times[(i * 7 + i / 3) % G_N_ELEMENTS(times)], TAG_NONE);
    g_assert_cmpint(sim_engine_run(tr.engine), ==, SIM_RUN_EMPTY);
    tr_check_final(&tr);
    /* The same property stated directly: times never go back, and at equal times labels (insertion
     * indices) only increase. */
    for (guint k = 1; k < tr.ran->len; k++) {
        guint a = g_array_index(tr.ran, guint, k - 1), b = g_array_index(tr.ran, guint, k);
        g_assert_cmpint(ev_of(&tr, a)->at, <=, ev_of(&tr, b)->at);
        if (ev_of(&tr, a)->at == ev_of(&tr, b)->at)
            g_assert_cmpuint(a, <, b);
    }
    g_assert_cmpuint(tr.ran->len, >, 20000 + 4000);
    tracker_clear(&tr);
}

/* ---------------------------------------------------------------- cancellation */

enum { TAG_CANCELLER = 1, TAG_VICTIM };

typedef struct {
    guint far_victim, tie_victim, ran_before;
} CancelCtx;

static void cancel_fire(Tracker *tr, guint label)
{
    CancelCtx *c = tr->user;
    if (ev_of(tr, label)->tag != TAG_CANCELLER)
        return;
    /* Its own id: the event is running, so it is no longer pending. */
    g_assert_false(sim_engine_cancel(tr->engine, ev_of(tr, label)->id));
    /* Another event far ahead, and one at this very time that sits right behind it. */
    g_assert_true(tr_cancel(tr, c->far_victim));
    g_assert_true(tr_cancel(tr, c->tie_victim));
    /* Twice is FALSE the second time. */
    g_assert_false(tr_cancel(tr, c->far_victim));
    g_assert_false(sim_engine_cancel(tr->engine, 0));
    /* An event that already ran. */
    g_assert_false(tr_cancel(tr, c->ran_before));
}

static void test_cancel(void)
{
    CancelCtx c;
    Tracker tr;
    tracker_init(&tr, sim_engine_new(NULL), cancel_fire, &c);

    guint early = tr_at(&tr, 5, TAG_NONE);
    tr_at(&tr, 3, TAG_NONE);
    c.ran_before = tr_at(&tr, 4, TAG_NONE);
    tr_at(&tr, 10, TAG_CANCELLER);
    c.tie_victim = tr_at(&tr, 10, TAG_VICTIM);
    tr_at(&tr, 10, TAG_NONE);
    c.far_victim = tr_at(&tr, 1000, TAG_VICTIM);
    tr_at(&tr, 2000, TAG_NONE);

    /* Before run: cancel one, then again, then id 0 and an id never issued. */
    g_assert_true(tr_cancel(&tr, early));
    g_assert_false(tr_cancel(&tr, early));
    g_assert_false(sim_engine_cancel(tr.engine, 0));
    g_assert_false(sim_engine_cancel(tr.engine, G_GUINT64_CONSTANT(0xdeadbeef00000007)));
    g_assert_false(sim_engine_cancel(tr.engine, G_MAXUINT64));
    g_assert_cmpuint(sim_engine_pending(tr.engine), ==, 7);

    g_assert_cmpint(sim_engine_run(tr.engine), ==, SIM_RUN_EMPTY);
    tr_check_final(&tr);
    for (guint k = 0; k < tr.ran->len; k++)
        g_assert_cmpuint(ev_of(&tr, g_array_index(tr.ran, guint, k))->tag, !=, TAG_VICTIM);
    g_assert_cmpuint(sim_engine_executed(tr.engine), ==, 5);
    /* After the run, every id is stale. */
    for (guint l = 0; l < tr.evs->len; l++)
        g_assert_false(tr_cancel(&tr, l));
    tracker_clear(&tr);
}

/* An id names one scheduling: once its event has run, a later event that reuses its internal slot
 * must not be cancellable through the old id. */
static void test_cancel_stale_id(void)
{
    Tracker tr;
    tracker_init(&tr, sim_engine_new(NULL), NULL, NULL);
    guint old[64];
    for (guint i = 0; i < G_N_ELEMENTS(old); i++)
        old[i] = tr_at(&tr, i, TAG_NONE);
    g_assert_cmpint(tr_run_until(&tr, 100), ==, SIM_RUN_EMPTY);
    guint fresh[64];
    for (guint i = 0; i < G_N_ELEMENTS(fresh); i++)
        fresh[i] = tr_in(&tr, 1 + i, TAG_NONE);
    for (guint i = 0; i < G_N_ELEMENTS(old); i++)
        g_assert_false(tr_cancel(&tr, old[i]));
    g_assert_cmpuint(sim_engine_pending(tr.engine), ==, G_N_ELEMENTS(fresh));
    g_assert_true(tr_cancel(&tr, fresh[3]));
    g_assert_cmpint(sim_engine_run(tr.engine), ==, SIM_RUN_EMPTY);
    tr_check_final(&tr);
    tracker_clear(&tr);
}

/* ---------------------------------------------------------------- run_until */

/* The radix-heap case spelled out. After an event at 8 ran, `last` is 8 and the pending 15 and 16
 * sit in buckets 3 and 5 relative to it; run_until(12) must stop without moving `last` to 15, so
 * that events later scheduled at 12, 13, 14 and 15 (a tie, behind the old 15) still run in order. */
static void test_run_until_small(void)
{
    const SimTime far = (SimTime)1 << 40;
    Tracker tr;
    tracker_init(&tr, sim_engine_new(NULL), NULL, NULL);
    guint a = tr_at(&tr, 8, TAG_NONE);
    guint b = tr_at(&tr, 15, TAG_NONE);
    guint c = tr_at(&tr, 16, TAG_NONE);
    guint d = tr_at(&tr, far, TAG_NONE);

    g_assert_cmpint(tr_run_until(&tr, 12), ==, SIM_RUN_REACHED);
    g_assert_cmpint(sim_engine_now(tr.engine), ==, 12);
    guint want1[] = {a};
    assert_ran(&tr, want1, 1);
    g_assert_cmpuint(sim_engine_pending(tr.engine), ==, 3);

    guint x12 = tr_at(&tr, 12, TAG_NONE);
    guint x13 = tr_at(&tr, 13, TAG_NONE);
    guint x14 = tr_in(&tr, 2, TAG_NONE);
    guint x15 = tr_at(&tr, 15, TAG_NONE);
    guint x39 = tr_at(&tr, far >> 1, TAG_NONE);
    guint x12b = tr_in(&tr, 0, TAG_NONE);

    /* Until == now runs what is due now, and nothing more. */
    g_assert_cmpint(tr_run_until(&tr, 12), ==, SIM_RUN_REACHED);
    g_assert_cmpint(sim_engine_now(tr.engine), ==, 12);
    guint want2[] = {a, x12, x12b};
    assert_ran(&tr, want2, G_N_ELEMENTS(want2));

    /* An until that equals an event's time includes it. */
    g_assert_cmpint(tr_run_until(&tr, 15), ==, SIM_RUN_REACHED);
    g_assert_cmpint(sim_engine_now(tr.engine), ==, 15);
    guint want3[] = {a, x12, x12b, x13, x14, b, x15};
    assert_ran(&tr, want3, G_N_ELEMENTS(want3));

    /* A huge step stops short of the far event and leaves now at until. */
    g_assert_cmpint(tr_run_until(&tr, far - 1), ==, SIM_RUN_REACHED);
    g_assert_cmpint(sim_engine_now(tr.engine), ==, far - 1);
    guint y = tr_at(&tr, far - 1, TAG_NONE);
    guint z = tr_at(&tr, far, TAG_NONE); /* a tie with d, behind it */
    g_assert_cmpint(sim_engine_run(tr.engine), ==, SIM_RUN_EMPTY);
    guint want4[] = {a, x12, x12b, x13, x14, b, x15, c, x39, y, d, z};
    assert_ran(&tr, want4, G_N_ELEMENTS(want4));
    g_assert_cmpint(sim_engine_now(tr.engine), ==, far);
    tr_check_final(&tr);
    tracker_clear(&tr);
}

/* Random times with structure at bit boundaries: where radix-heap buckets begin and end. */
static SimTime boundary_time(SimRng *rng, SimTime base)
{
    int k = (int)sim_rng_range(rng, 0, 50);
    SimTime step = (SimTime)1 << k;
    SimTime next = (base | (step - 1)) + 1; /* the next multiple of 2^k above base */
    switch (sim_rng_range(rng, 0, 3)) {
    case 0: return next;
    case 1: return next - 1 >= base ? next - 1 : base;
    case 2: return base + sim_rng_range(rng, 0, 100);
    default: return base + sim_rng_range(rng, 0, step);
    }
}

/* Many small random cases of: some events, run_until(T) stopping short of the rest, then new
 * events between T and the remaining minimum (and ties with it), then run to the end. */
static void test_run_until_insert_below_min(void)
{
    SimRng *rng = sim_rng_new(42, "test:run-until");
    for (int round = 0; round < 400; round++) {
        Tracker tr;
        tracker_init(&tr, sim_engine_new(NULL), NULL, NULL);
        SimTime base = sim_rng_range(rng, 0, 3) ? 0 : sim_rng_range(rng, 0, (int64_t)1 << 45);
        int n = (int)sim_rng_range(rng, 1, 60);
        for (int i = 0; i < n; i++)
            tr_at(&tr, boundary_time(rng, base), TAG_NONE);
        /* Optionally run a prefix first, so `last` is somewhere in the middle. */
        if (sim_rng_range(rng, 0, 1)) {
            gint64 f = model_first(&tr);
            SimTime t = ev_of(&tr, (guint)f)->at + sim_rng_range(rng, 0, 3);
            g_assert_cmpint(tr_run_until(&tr, t), !=, SIM_RUN_STOPPED);
        }
        gint64 first = model_first(&tr);
        if (first >= 0 && ev_of(&tr, (guint)first)->at == sim_engine_now(tr.engine)) {
            tr_run_until(&tr, sim_engine_now(tr.engine)); /* what is due now */
            first = model_first(&tr);
        }
        if (first >= 0) {
            SimTime now = sim_engine_now(tr.engine);
            SimTime min = ev_of(&tr, (guint)first)->at;
            g_assert_cmpint(min, >, now);
            SimTime until = now + sim_rng_range(rng, 0, min - now - 1);
            SimRunStatus st = tr_run_until(&tr, until);
            g_assert_cmpint(st, ==, SIM_RUN_REACHED);
            g_assert_cmpint(sim_engine_now(tr.engine), ==, until);
            first = model_first(&tr);
            g_assert_cmpint(first, >=, 0);
            g_assert_cmpint(ev_of(&tr, (guint)first)->at, >, until);
            min = ev_of(&tr, (guint)first)->at;
            int m = (int)sim_rng_range(rng, 1, 30);
            for (int i = 0; i < m; i++) {
                switch (sim_rng_range(rng, 0, 4)) {
                case 0: tr_at(&tr, until, TAG_NONE); break;
                case 1: tr_at(&tr, min, TAG_NONE); break;
                case 2: tr_at(&tr, until + sim_rng_range(rng, 0, min - until), TAG_NONE); break;
                case 3: tr_at(&tr, boundary_time(rng, until), TAG_NONE); break;
                default:
                    if (model_pending(&tr))
                        tr_cancel(&tr, g_array_index(tr.pend, guint, sim_rng_range(rng, 0, tr.pend->len - 1)));
                }
            }
        }
        g_assert_cmpint(tr_run_until(&tr, (SimTime)1 << 62), ==, SIM_RUN_EMPTY);
        tr_check_final(&tr);
        tracker_clear(&tr);
    }
    sim_rng_free(rng);
}

/* ---------------------------------------------------------------- slices and stops */

static uint64_t mix64(uint64_t x)
{
    x += G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* A child's delay depends only on the parent's label, so two runs that execute in the same order
 * build the same events. */
static SimTime workload_delay(uint64_t h)
{
    switch (h % 8) {
    case 0:
    case 1: return 0;
    case 2:
    case 3: return (SimTime)(h >> 8) % 100 + 1;
    case 4: return (SimTime)(h >> 8) % 1000000;
    case 5: return (SimTime)1 << ((h >> 8) % 41);
    case 6: return (SimTime)(h >> 8) % ((SimTime)1 << 40);
    default: return 7;
    }
}

typedef struct {
    guint stop_every; /* 0: never */
    guint stops;
} Workload;

static void workload_fire(Tracker *tr, guint label)
{
    Workload *w = tr->user;
    uint64_t h = mix64(label);
    if (tr->evs->len < 40000) {
        guint n = (guint)(h % 3);
        for (guint k = 0; k < n; k++)
            tr_in(tr, workload_delay(mix64(h + k)), TAG_NONE);
    }
    if (w->stop_every && tr->ran->len % w->stop_every == 0) {
        sim_engine_stop(tr->engine);
        w->stops++;
    }
}

typedef enum { WAY_RUN, WAY_SLICES, WAY_STOPS } Way;

static void workload_run(Tracker *tr, Workload *w, Way way)
{
    memset(w, 0, sizeof *w);
    tracker_init(tr, sim_engine_new(NULL), workload_fire, w);
    for (guint i = 0; i < 1000; i++)
        tr_at(tr, (SimTime)(mix64(i + 1000000) % 5000) * (i % 3 ? 1 : 1000000), TAG_NONE);
    if (way == WAY_RUN) {
        g_assert_cmpint(sim_engine_run(tr->engine), ==, SIM_RUN_EMPTY);
    } else if (way == WAY_STOPS) {
        w->stop_every = 97;
        SimRunStatus st;
        guint rounds = 0;
        while ((st = sim_engine_run(tr->engine)) == SIM_RUN_STOPPED) {
            rounds++;
            /* It returned right after the stopping event. */
            g_assert_cmpuint(tr->ran->len % 97, ==, 0);
            guint stopper = g_array_index(tr->ran, guint, tr->ran->len - 1);
            g_assert_cmpint(sim_engine_now(tr->engine), ==, ev_of(tr, stopper)->at);
        }
        g_assert_cmpint(st, ==, SIM_RUN_EMPTY);
        g_assert_cmpuint(rounds, ==, w->stops);
        g_assert_cmpuint(rounds, >, 10);
    } else {
        SimRng *rng = sim_rng_new(7, "test:slices");
        SimRunStatus st;
        guint slices = 0;
        do {
            SimTime now = sim_engine_now(tr->engine), until;
            gint64 f = model_first(tr);
            SimTime next = f >= 0 ? ev_of(tr, (guint)f)->at : now;
            /* Mostly short slices; a rare long one jumps over most of what is left. */
            int64_t c = sim_rng_range(rng, 0, 99);
            if (c < 10)
                until = now;
            else if (c < 40)
                until = next;
            else if (c < 50)
                until = next > now ? next - 1 : now;
            else if (c < 65)
                until = now + sim_rng_range(rng, 0, 1000);
            else if (c < 95)
                until = model_kth_time(tr, (guint)sim_rng_range(rng, 1, 50), now);
            else if (c < 98)
                until = boundary_time(rng, now);
            else
                until = now + sim_rng_range(rng, 0, (int64_t)1 << sim_rng_range(rng, 0, 41));
            st = tr_run_until(tr, until);
            slices++;
            if (st == SIM_RUN_REACHED) {
                g_assert_cmpint(sim_engine_now(tr->engine), ==, until);
                f = model_first(tr);
                g_assert_true(f < 0 || ev_of(tr, (guint)f)->at > until);
            } else {
                g_assert_cmpint(st, ==, SIM_RUN_EMPTY);
            }
        } while (st != SIM_RUN_EMPTY);
        g_test_message("%u slices, %u events", slices, tr->evs->len);
        g_assert_cmpuint(slices, >, 100);
        sim_rng_free(rng);
    }
    tr_check_final(tr);
}

static void test_slices_same_order(void)
{
    Tracker one, sliced, stopped;
    Workload w1, w2, w3;
    workload_run(&one, &w1, WAY_RUN);
    workload_run(&sliced, &w2, WAY_SLICES);
    workload_run(&stopped, &w3, WAY_STOPS);
    g_assert_cmpuint(one.evs->len, >, 10000);
    for (Tracker *t = &sliced; t; t = t == &sliced ? &stopped : NULL) {
        g_assert_cmpuint(t->evs->len, ==, one.evs->len);
        assert_ran(t, (const guint *)one.ran->data, one.ran->len);
        for (guint l = 0; l < one.evs->len; l++)
            g_assert_cmpint(ev_of(t, l)->at, ==, ev_of(&one, l)->at);
    }
    tracker_clear(&one);
    tracker_clear(&sliced);
    tracker_clear(&stopped);
}

typedef struct {
    SimEngine *engine;
    GString *log;
} StopCtx;

static StopCtx stop_ctx;

static void stop_log(void *arg)
{
    g_string_append_printf(stop_ctx.log, "%s@%" G_GINT64_FORMAT " ", (const char *)arg,
                           sim_engine_now(stop_ctx.engine));
}

static void stop_and_log(void *arg)
{
    stop_log(arg);
    sim_engine_stop(stop_ctx.engine);
}

static void test_stop(void)
{
    SimEngine *e = sim_engine_new(NULL);
    stop_ctx = (StopCtx){e, g_string_new(NULL)};
    sim_engine_schedule_at(e, 10, stop_and_log, "a");
    sim_engine_schedule_at(e, 10, stop_log, "b");
    sim_engine_schedule_at(e, 20, stop_and_log, "c");
    sim_engine_schedule_at(e, 30, stop_log, "d");
    sim_engine_schedule_at(e, 40, stop_and_log, "e");

    g_assert_cmpint(sim_engine_run(e), ==, SIM_RUN_STOPPED);
    g_assert_cmpstr(stop_ctx.log->str, ==, "a@10 ");
    g_assert_cmpint(sim_engine_now(e), ==, 10);
    g_assert_cmpuint(sim_engine_executed(e), ==, 1);
    g_assert_cmpuint(sim_engine_pending(e), ==, 4);

    /* Run again: continues with the tie behind the stopping event. */
    g_assert_cmpint(sim_engine_run(e), ==, SIM_RUN_STOPPED);
    g_assert_cmpstr(stop_ctx.log->str, ==, "a@10 b@10 c@20 ");
    g_assert_cmpint(sim_engine_now(e), ==, 20);

    /* A stop inside run_until also wins over reaching until. */
    g_assert_cmpint(sim_engine_run_until(e, 35), ==, SIM_RUN_REACHED);
    g_assert_cmpstr(stop_ctx.log->str, ==, "a@10 b@10 c@20 d@30 ");
    g_assert_cmpint(sim_engine_now(e), ==, 35);
    sim_engine_schedule_at(e, 40, stop_log, "f");
    g_assert_cmpint(sim_engine_run_until(e, 100), ==, SIM_RUN_STOPPED);
    g_assert_cmpstr(stop_ctx.log->str, ==, "a@10 b@10 c@20 d@30 e@40 ");
    g_assert_cmpint(sim_engine_now(e), ==, 40);

    /* The last event stops: STOPPED, not EMPTY; the next run finds the queue empty. */
    sim_engine_schedule_in(e, 0, stop_and_log, "g");
    g_assert_cmpint(sim_engine_run(e), ==, SIM_RUN_STOPPED);
    g_assert_cmpstr(stop_ctx.log->str, ==, "a@10 b@10 c@20 d@30 e@40 f@40 g@40 ");
    g_assert_cmpuint(sim_engine_pending(e), ==, 0);
    g_assert_cmpint(sim_engine_run(e), ==, SIM_RUN_EMPTY);
    g_assert_cmpuint(sim_engine_executed(e), ==, 7);
    g_assert_cmpint(sim_engine_now(e), ==, 40);

    g_string_free(stop_ctx.log, TRUE);
    sim_engine_free(e);
}

/* ---------------------------------------------------------------- empty queue, counts */

static void count_fire(void *arg)
{
    (*(int *)arg)++;
}

static void test_empty_and_counts(void)
{
    SimEngine *e = sim_engine_new(NULL);
    g_assert_cmpstr(sim_engine_backend_name(e), ==, "builtin");
    g_assert_cmpint(sim_engine_now(e), ==, 0);
    g_assert_cmpuint(sim_engine_pending(e), ==, 0);
    g_assert_cmpint(sim_engine_run(e), ==, SIM_RUN_EMPTY);
    g_assert_cmpint(sim_engine_now(e), ==, 0);
    g_assert_cmpuint(sim_engine_executed(e), ==, 0);

    int calls = 0;
    SimEventId ids[6];
    for (int i = 0; i < 6; i++)
        ids[i] = sim_engine_schedule_in(e, 100 * (i + 1), count_fire, &calls);
    g_assert_cmpuint(sim_engine_pending(e), ==, 6);
    g_assert_true(sim_engine_cancel(e, ids[2]));
    g_assert_cmpuint(sim_engine_pending(e), ==, 5);
    g_assert_cmpint(sim_engine_run_until(e, 250), ==, SIM_RUN_REACHED);
    g_assert_cmpint(calls, ==, 2);
    g_assert_cmpuint(sim_engine_executed(e), ==, 2);
    g_assert_cmpuint(sim_engine_pending(e), ==, 3);
    g_assert_cmpint(sim_engine_run(e), ==, SIM_RUN_EMPTY);
    g_assert_cmpint(calls, ==, 5);
    g_assert_cmpuint(sim_engine_executed(e), ==, 5); /* the cancelled one is not counted */
    g_assert_cmpuint(sim_engine_pending(e), ==, 0);
    g_assert_cmpint(sim_engine_now(e), ==, 600);
    /* Running an empty engine again changes nothing. (What now becomes after run_until(T) on an
     * empty queue is deliberately not pinned: sim-backend.h and the back end disagree about it.) */
    g_assert_cmpint(sim_engine_run(e), ==, SIM_RUN_EMPTY);
    g_assert_cmpint(sim_engine_now(e), ==, 600);
    g_assert_cmpuint(sim_engine_executed(e), ==, 5);
    sim_engine_free(e);
}

/* ---------------------------------------------------------------- refusals
 *
 * g_test_init() makes criticals fatal whatever G_DEBUG says (and ctest also sets
 * G_DEBUG=fatal-criticals), so "check the return value with G_DEBUG unset" cannot work here. Two
 * halves instead:
 *  - in a subprocess with nothing expected, the call must abort with the engine's critical: a caller
 *    in a test or in a run under fatal-criticals is stopped at the bad call;
 *  - in process, g_test_expect_message() takes the critical before GLib would abort, so the call
 *    returns and we check that it returned 0, queued nothing and runs nothing.
 */

static void test_refuse_aborts(void)
{
    if (g_test_subprocess()) {
        SimEngine *e = sim_engine_new(NULL);
        sim_engine_schedule_at(e, 10, noop, NULL);
        sim_engine_run(e);
        SimEventId id = sim_engine_schedule_at(e, 9, noop, NULL);
        g_print("not reached: returned %" G_GUINT64_FORMAT "\n", id);
        sim_engine_free(e);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*CRITICAL*sim_engine_schedule_at*before now*");
    g_test_trap_assert_stdout_unmatched("*not reached*");
}

static void test_refuse_null_fn_aborts(void)
{
    if (g_test_subprocess()) {
        SimEngine *e = sim_engine_new(NULL);
        SimEventId id = sim_engine_schedule_in(e, 5, NULL, NULL);
        g_print("not reached: returned %" G_GUINT64_FORMAT "\n", id);
        sim_engine_free(e);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*CRITICAL*sim_engine_schedule_in*");
    g_test_trap_assert_stdout_unmatched("*not reached*");
}

static void expect_refused(SimEngine *e, SimEventId id, size_t pending_before)
{
    g_test_assert_expected_messages();
    g_assert_cmpuint(id, ==, 0);
    g_assert_cmpuint(sim_engine_pending(e), ==, pending_before);
}

static void test_refuse_returns_zero(void)
{
    int calls = 0;
    SimEngine *e = sim_engine_new(NULL);
    sim_engine_schedule_at(e, 100, count_fire, &calls);
    g_assert_cmpint(sim_engine_run_until(e, 150), ==, SIM_RUN_EMPTY);
    SimTime now = sim_engine_now(e);
    g_assert_cmpint(now, >=, 100);
    sim_engine_schedule_at(e, now + 1000, count_fire, &calls); /* keeps the queue non-empty */

    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*sim_engine_schedule_at*before now*");
    expect_refused(e, sim_engine_schedule_at(e, now - 1, count_fire, &calls), 1);
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*sim_engine_schedule_at*");
    expect_refused(e, sim_engine_schedule_at(e, 0, count_fire, &calls), 1);
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*sim_engine_schedule_at*no function*");
    expect_refused(e, sim_engine_schedule_at(e, now + 5, NULL, &calls), 1);
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*sim_engine_schedule_in*bad delay*");
    expect_refused(e, sim_engine_schedule_in(e, -1, count_fire, &calls), 1);
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*sim_engine_schedule_in*");
    expect_refused(e, sim_engine_schedule_in(e, 5, NULL, &calls), 1);
    /* now + delay would overflow SimTime. */
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*sim_engine_schedule_in*bad delay*");
    expect_refused(e, sim_engine_schedule_in(e, SIM_TIME_NEVER - now + 1, count_fire, &calls), 1);
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*sim_engine_schedule_in*bad delay*");
    expect_refused(e, sim_engine_schedule_in(e, G_MININT64, count_fire, &calls), 1);

    /* The boundaries themselves are accepted. */
    g_assert_cmpuint(sim_engine_schedule_at(e, now, count_fire, &calls), !=, 0);
    g_assert_cmpuint(sim_engine_schedule_in(e, 0, count_fire, &calls), !=, 0);

    g_assert_cmpint(sim_engine_run(e), ==, SIM_RUN_EMPTY);
    g_assert_cmpint(calls, ==, 1 + 3); /* none of the refused ones ran */
    sim_engine_free(e);
}

/* ---------------------------------------------------------------- a cancelled tail, then schedule */

/* run() ends by discarding a cancelled event that lies after the last executed one. The engine is
 * then empty at now == the last executed event's time, and scheduling at now or later must work.
 * Until commit 1fc7bf4 the radix heap kept `last` at the discarded event's time (100) and the
 * schedule at 50 failed g_assert(at >= last) inside builtin_schedule(). */
static void test_schedule_after_cancelled_tail(void)
{
    if (!in_subprocess())
        return;
    int calls = 0;
    SimEngine *e = sim_engine_new(NULL);
    sim_engine_schedule_at(e, 1, count_fire, &calls);
    SimEventId tail = sim_engine_schedule_at(e, 100, count_fire, &calls);
    g_assert_true(sim_engine_cancel(e, tail));
    g_assert_cmpint(sim_engine_run(e), ==, SIM_RUN_EMPTY);
    g_assert_cmpint(calls, ==, 1);
    g_assert_cmpint(sim_engine_now(e), ==, 1);
    g_assert_cmpuint(sim_engine_pending(e), ==, 0);

    g_assert_cmpuint(sim_engine_schedule_at(e, 50, count_fire, &calls), !=, 0);
    g_assert_cmpuint(sim_engine_schedule_in(e, 0, count_fire, &calls), !=, 0);
    g_assert_cmpint(sim_engine_run(e), ==, SIM_RUN_EMPTY);
    g_assert_cmpint(calls, ==, 3);
    g_assert_cmpint(sim_engine_now(e), ==, 50);
    sim_engine_free(e);
}

/* ---------------------------------------------------------------- the randomized cross-check */

typedef enum { DRIVE_SLICES, DRIVE_RESUME_AFTER_EMPTY } Drive;

typedef struct {
    SimRng *rng;
    long budget;    /* operations left */
    gint64 stopper; /* label of the event that called stop() in the current run, or -1 */
    gboolean quiet; /* draining: callbacks only cancel, so the run empties the queue */
} Rand;

#define RAND_TIME_CAP ((SimTime)1 << 62)

static SimTime rand_delay(SimRng *rng, SimTime now)
{
    SimTime d;
    switch (sim_rng_range(rng, 0, 9)) {
    case 0:
    case 1:
    case 2: d = 0; break;
    case 3:
    case 4:
    case 5: d = sim_rng_range(rng, 1, 100); break;
    case 6: d = sim_rng_range(rng, 1, 1000000); break;
    case 7: d = sim_rng_range(rng, 1, (int64_t)1 << 50); break;
    case 8: d = (SimTime)1 << sim_rng_range(rng, 0, 50); break;
    default: d = boundary_time(rng, now) - now; break;
    }
    if (d > RAND_TIME_CAP - now)
        d = sim_rng_range(rng, 0, 100);
    return d;
}

/* One random operation, from inside the callback of SELF (>= 0) or from outside a run (-1). */
static void rand_op(Tracker *tr, gint64 self)
{
    Rand *r = tr->user;
    SimRng *rng = r->rng;
    SimTime now = sim_engine_now(tr->engine);
    r->budget--;
    int64_t k = sim_rng_range(rng, 0, 99);
    if (k < 50 || model_pending(tr) == 0) {
        SimTime d = rand_delay(rng, now);
        if (sim_rng_range(rng, 0, 1))
            tr_in(tr, d, TAG_NONE);
        else
            tr_at(tr, now + d, TAG_NONE);
    } else if (k < 60) {
        /* Exactly the time of some pending event, which was probably scheduled long ago. */
        guint other = g_array_index(tr->pend, guint, sim_rng_range(rng, 0, tr->pend->len - 1));
        tr_at(tr, ev_of(tr, other)->at, TAG_NONE);
    } else if (k < 75) {
        guint v = g_array_index(tr->pend, guint, sim_rng_range(rng, 0, tr->pend->len - 1));
        g_assert_true(tr_cancel(tr, v));
        if (sim_rng_range(rng, 0, 2) == 0)
            g_assert_false(tr_cancel(tr, v)); /* double cancel */
    } else if (k < 87) {
        /* Any event ever scheduled: mostly already run or cancelled. */
        tr_cancel(tr, (guint)sim_rng_range(rng, 0, tr->evs->len - 1));
    } else if (k < 92 && self >= 0) {
        g_assert_false(tr_cancel(tr, (guint)self));
    } else if (k < 96) {
        g_assert_false(sim_engine_cancel(tr->engine, 0));
    } else if (k < 97 && self >= 0) {
        sim_engine_stop(tr->engine);
        r->stopper = self;
    } else {
        tr_at(tr, now, TAG_NONE);
    }
}

static void rand_fire(Tracker *tr, guint label)
{
    Rand *r = tr->user;
    if (r->budget <= 0)
        return;
    if (r->quiet) {
        /* Cancelling while draining leaves cancelled events behind the last one that runs. */
        if (model_pending(tr) && sim_rng_range(r->rng, 0, 3) == 0) {
            r->budget--;
            g_assert_true(tr_cancel(tr, g_array_index(tr->pend, guint, sim_rng_range(r->rng, 0, tr->pend->len - 1))));
        }
        return;
    }
    int64_t n = model_pending(tr) < 500 ? sim_rng_range(r->rng, 1, 4) : sim_rng_range(r->rng, 0, 2);
    for (int64_t i = 0; i < n && r->budget > 0; i++)
        rand_op(tr, label);
}

static void check_run_status(Tracker *tr, Rand *r, SimRunStatus st, SimTime until)
{
    gint64 f = model_first(tr);
    if (r->stopper >= 0) {
        g_assert_cmpint(st, ==, SIM_RUN_STOPPED);
        g_assert_cmpint(g_array_index(tr->ran, guint, tr->ran->len - 1), ==, r->stopper);
        g_assert_cmpint(sim_engine_now(tr->engine), ==, ev_of(tr, (guint)r->stopper)->at);
        r->stopper = -1;
    } else if (st == SIM_RUN_EMPTY) {
        g_assert_cmpint(f, ==, -1);
    } else {
        g_assert_cmpint(st, ==, SIM_RUN_REACHED);
        g_assert_cmpint(until, !=, SIM_TIME_NEVER);
        g_assert_cmpint(sim_engine_now(tr->engine), ==, until);
        /* Everything due by until has run. */
        g_assert_true(f < 0 || ev_of(tr, (guint)f)->at > until);
    }
}

static void random_cross_check(Drive drive, uint64_t seed)
{
    Rand r = {.rng = sim_rng_new(seed, drive == DRIVE_SLICES ? "test:slices" : "test:resume"),
              .budget = 200000,
              .stopper = -1};
    Tracker tr;
    tracker_init(&tr, sim_engine_new(NULL), rand_fire, &r);
    for (int i = 0; i < 2000; i++)
        rand_op(&tr, -1);
    guint runs = 0, empties = 0;
    while (r.budget > 0) {
        SimTime now = sim_engine_now(tr.engine), until;
        gint64 f = model_first(&tr);
        SimTime next = f >= 0 ? ev_of(&tr, (guint)f)->at : now;
        switch (sim_rng_range(r.rng, 0, 6)) {
        case 0: until = now; break;
        case 1: until = next; break;
        case 2: until = next > now ? next - 1 : now; break;
        case 3: until = now + sim_rng_range(r.rng, 0, 1000); break;
        case 4: until = now + rand_delay(r.rng, now); break;
        case 5: until = now + sim_rng_range(r.rng, 0, (int64_t)1 << 50); break;
        default:
            until = drive == DRIVE_RESUME_AFTER_EMPTY ? SIM_TIME_NEVER : now + sim_rng_range(r.rng, 0, 1 << 20);
        }
        if (sim_rng_range(r.rng, 0, 29) == 0) {
            /* Drain: to the end (run()), or in slices mode to the last pending event's time. */
            GTreeNode *last = g_tree_node_last(tr.queue);
            r.quiet = TRUE;
            until = drive == DRIVE_RESUME_AFTER_EMPTY ? SIM_TIME_NEVER
                    : last                            ? ev_of(&tr, GPOINTER_TO_UINT(g_tree_node_key(last)))->at
                                                      : now;
        }
        SimRunStatus st = tr_run_until(&tr, until);
        check_run_status(&tr, &r, st, until);
        if (r.quiet && st != SIM_RUN_STOPPED)
            g_assert_cmpuint(model_pending(&tr), ==, 0);
        r.quiet = FALSE;
        runs++;
        empties += st == SIM_RUN_EMPTY;
        /* Outside operations between runs. */
        int64_t n = sim_rng_range(r.rng, 0, 20);
        for (int64_t i = 0; i < n && r.budget > 0; i++)
            rand_op(&tr, -1);
    }
    SimRunStatus st;
    while ((st = sim_engine_run(tr.engine)) == SIM_RUN_STOPPED)
        check_run_status(&tr, &r, st, SIM_TIME_NEVER);
    check_run_status(&tr, &r, st, SIM_TIME_NEVER);
    tr_check_final(&tr);
    g_test_message("%u events, %u executed, %u runs (%u ran empty)", tr.evs->len, tr.ran->len, runs, empties);
    g_assert_cmpuint(runs, >, 100);
    g_assert_cmpuint(empties, >, 10);
    g_assert_cmpuint(tr.ran->len, >, 50000);
    tracker_clear(&tr);
    sim_rng_free(r.rng);
}

/* run_until() slices with schedules and cancels between them; a final run() drains the queue. */
static void test_random_slices(void)
{
    if (in_subprocess())
        random_cross_check(DRIVE_SLICES, 1);
}

/* The same, with run() to the end (SIM_RUN_EMPTY) among the slices and scheduling resumed after it:
 * a program that runs a phase of a scenario, then sets up the next. */
static void test_random_resume_after_empty(void)
{
    if (in_subprocess())
        random_cross_check(DRIVE_RESUME_AFTER_EMPTY, 2);
}

/* ---------------------------------------------------------------- a large population */

typedef struct {
    SimEngine *engine;
    SimTime last_time;
    gint64 last_label;
    guint64 fired;
    guint64 next_label;
    guint64 late_adds;
} Big;

static Big big;

static void big_fire(void *arg)
{
    gint64 label = (gint64)GPOINTER_TO_SIZE(arg);
    SimTime now = sim_engine_now(big.engine);
    if (G_UNLIKELY(now < big.last_time || (now == big.last_time && label <= big.last_label)))
        g_error("event %" G_GINT64_FORMAT " at %" G_GINT64_FORMAT " ran after event %" G_GINT64_FORMAT
                " at %" G_GINT64_FORMAT,
                label, now, big.last_label, big.last_time);
    big.last_time = now;
    big.last_label = label;
    big.fired++;
    /* A few events add a tie at now, which must run after every event already due now. */
    if (label % 101 == 0 && big.late_adds < 10000) {
        sim_engine_schedule_in(big.engine, 0, big_fire, GSIZE_TO_POINTER(big.next_label++));
        big.late_adds++;
    }
}

static void test_million(void)
{
    const guint n = 1000000;
    SimRng *rng = sim_rng_new(3, "test:million");
    big = (Big){.engine = sim_engine_new(NULL), .last_time = -1, .last_label = -1};
    for (guint i = 0; i < n; i++) {
        SimTime t;
        switch (sim_rng_range(rng, 0, 3)) {
        case 0: t = sim_rng_range(rng, 0, 20); break;                      /* heavy ties */
        case 1: t = sim_rng_range(rng, 0, 1000000); break;                 /* a dense range */
        case 2: t = sim_rng_range(rng, 0, (int64_t)1 << 50); break;        /* a huge spread */
        default: t = (SimTime)1 << sim_rng_range(rng, 0, 50); break;       /* bucket edges */
        }
        SimEventId id = sim_engine_schedule_at(big.engine, t, big_fire, GSIZE_TO_POINTER(big.next_label++));
        g_assert_cmpuint(id, !=, 0);
    }
    g_assert_cmpuint(sim_engine_pending(big.engine), ==, n);
    g_assert_cmpint(sim_engine_run(big.engine), ==, SIM_RUN_EMPTY);
    g_assert_cmpuint(big.fired, ==, n + big.late_adds);
    g_assert_cmpuint(sim_engine_executed(big.engine), ==, big.fired);
    g_assert_cmpuint(big.late_adds, >, 0);
    g_assert_cmpuint(sim_engine_pending(big.engine), ==, 0);
    sim_engine_free(big.engine);
    sim_rng_free(rng);
}


/* run_until: EMPTY exactly when nothing is pending (a cancelled event does not count), and now
 * is until afterwards in both cases (sim-backend.h). */
static void test_status_and_now(void)
{
    SimEngine *e = sim_engine_new(NULL);
    sim_engine_schedule_at(e, 100, noop, NULL);
    g_assert_cmpint(sim_engine_run_until(e, 150), ==, SIM_RUN_EMPTY);
    g_assert_cmpint(sim_engine_now(e), ==, 150);
    SimEventId id = sim_engine_schedule_at(e, 500, noop, NULL);
    g_assert_true(sim_engine_cancel(e, id));
    g_assert_cmpint(sim_engine_run_until(e, 200), ==, SIM_RUN_EMPTY);
    g_assert_cmpint(sim_engine_now(e), ==, 200);
    sim_engine_schedule_at(e, 300, noop, NULL);
    g_assert_cmpint(sim_engine_run_until(e, 250), ==, SIM_RUN_REACHED);
    g_assert_cmpint(sim_engine_now(e), ==, 250);
    g_assert_cmpint(sim_engine_run(e), ==, SIM_RUN_EMPTY);
    g_assert_cmpint(sim_engine_now(e), ==, 300);
    sim_engine_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/engine/ties/small", test_ties_small);
    g_test_add_func("/engine/ties/many", test_ties_many);
    g_test_add_func("/engine/cancel/basic", test_cancel);
    g_test_add_func("/engine/cancel/stale-id", test_cancel_stale_id);
    g_test_add_func("/engine/run-until/small", test_run_until_small);
    g_test_add_func("/engine/run-until/insert-below-min", test_run_until_insert_below_min);
    g_test_add_func("/engine/run-until/slices-same-order", test_slices_same_order);
    g_test_add_func("/engine/run/stop", test_stop);
    g_test_add_func("/engine/run/empty-and-counts", test_empty_and_counts);
    g_test_add_func("/engine/refuse/past-aborts", test_refuse_aborts);
    g_test_add_func("/engine/refuse/null-fn-aborts", test_refuse_null_fn_aborts);
    g_test_add_func("/engine/refuse/returns-zero", test_refuse_returns_zero);
    g_test_add_func("/engine/random/slices", test_random_slices);
    g_test_add_func("/engine/population/million", test_million);
    /* Last, as GLib stops at the first failure without -k: these two are the ones that caught the
     * back end's cancelled-tail bug (see test_schedule_after_cancelled_tail()). */
    g_test_add_func("/engine/resume/random", test_random_resume_after_empty);
    g_test_add_func("/engine/resume/after-cancelled-tail", test_schedule_after_cancelled_tail);
    g_test_add_func("/engine/run-until/status-and-now", test_status_and_now);
    return g_test_run();
}
