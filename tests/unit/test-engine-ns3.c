/* The ns-3 back end keeps the engine contract of sim-backend.h, checked by running the same random
 * program of schedules, cancels, run_until slices and stops on the built-in back end and on ns-3:
 * the order events run in, the status of every run, now after it, and the pending counts must be
 * identical. Skipped when presim is built without ns-3. */
#include "presim-config.h"
#include "sim-core/sim-engine.h"
#include "sim-core/sim-rng.h"
#include <string.h>
#if PRESIM_HAVE_NS3
#include "sim-core/ns3/sim-backend-ns3.h"
#endif

typedef struct {
    SimEngine *engine;
    SimRng *rng;
    GString *log;
    GArray *ids; /* SimEventId of every scheduling */
    guint label;
    int depth;
} Prog;

typedef struct {
    Prog *p;
    guint label;
} Ev;

static GPtrArray *evs;

static void run_event(void *arg);

static void schedule_some(Prog *p, int n)
{
    for (int i = 0; i < n; i++) {
        int64_t kind = sim_rng_range(p->rng, 0, 9);
        /* On a 100 ns grid, like the slice ends: events fall exactly on a slice's end and schedule
         * more at that same time, the case a naive Simulator::Stop(delay) gets wrong. */
        SimTime delay = kind < 3 ? 0 : kind < 7 ? 100 * sim_rng_range(p->rng, 1, 5) : 100 * sim_rng_range(p->rng, 1, 10000);
        Ev *e = g_new(Ev, 1);
        e->p = p;
        e->label = p->label++;
        g_ptr_array_add(evs, e);
        SimEventId id = sim_engine_schedule_in(p->engine, delay, run_event, e);
        g_array_append_val(p->ids, id);
    }
}

static void run_event(void *arg)
{
    Ev *e = arg;
    Prog *p = e->p;
    g_string_append_printf(p->log, "%u@%" G_GINT64_FORMAT " ", e->label, sim_engine_now(p->engine));
    if (p->label < 20000)
        schedule_some(p, (int)sim_rng_range(p->rng, 0, 2));
    if (sim_rng_range(p->rng, 0, 4) == 0 && p->ids->len) {
        SimEventId id = g_array_index(p->ids, SimEventId, sim_rng_range(p->rng, 0, p->ids->len - 1));
        g_string_append_printf(p->log, "c%d ", sim_engine_cancel(p->engine, id));
    }
    if (sim_rng_range(p->rng, 0, 999) == 0)
        sim_engine_stop(p->engine);
}

/* Runs the program on ENGINE and returns its log. The labels and ids are per program, so the two
 * engines' logs compare as text. */
G_GNUC_UNUSED static char *program(SimEngine *engine)
{
    Prog p = {.engine = engine, .rng = sim_rng_new(42, "test:engine-program"), .log = g_string_new(NULL),
              .ids = g_array_new(FALSE, FALSE, sizeof(SimEventId))};
    schedule_some(&p, 200);
    SimTime until = 0;
    for (int slice = 0; slice < 400; slice++) {
        until += 100 * sim_rng_range(p.rng, 0, 200);
        SimRunStatus st = sim_engine_run_until(engine, until);
        g_string_append_printf(p.log, "\n[run %d: status %d now %" G_GINT64_FORMAT " pending %zu]\n", slice, st,
                               sim_engine_now(engine), sim_engine_pending(engine));
        if (slice % 50 == 0)
            schedule_some(&p, 5);
    }
    sim_engine_run(engine);
    g_string_append_printf(p.log, "\n[end: now %" G_GINT64_FORMAT " executed %" G_GUINT64_FORMAT "]\n",
                           sim_engine_now(engine), sim_engine_executed(engine));
    sim_rng_free(p.rng);
    g_array_free(p.ids, TRUE);
    return g_string_free(p.log, FALSE);
}

static void test_same_as_builtin(void)
{
#if PRESIM_HAVE_NS3
    evs = g_ptr_array_new_with_free_func(g_free);
    SimEngine *a = sim_engine_new(NULL);
    g_autofree char *builtin = program(a);
    sim_engine_free(a);
    SimEngine *b = sim_engine_new(sim_backend_ns3_new());
    g_autofree char *ns3 = program(b);
    g_assert_null(sim_backend_ns3_new()); /* one ns-3 simulator per process */
    sim_engine_free(b);
    g_assert_cmpuint(strlen(builtin), >, 10000);
    g_assert_cmpstr(builtin, ==, ns3);
    g_ptr_array_free(evs, TRUE);
#else
    g_test_skip("built without ns-3");
#endif
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/engine-ns3/same-as-builtin", test_same_as_builtin);
    return g_test_run();
}
