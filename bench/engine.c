/* bench/engine.c: engine throughput on the hold model of ns-3's utils/bench-scheduler.cc.
 *
 * N events are pending; each executed event schedules one new event at now + Exp(mean 100 ns). The
 * delays are drawn before timing into a table that the run cycles through, as bench-scheduler does
 * with its m_distribution vector, so the figure is the engine's, not the random generator's. Every
 * schedule goes through the public API (sim_engine_schedule_in with a callback and argument), as
 * node code does. Prints events per second for N = 1,000 and N = 100,000, 10 million events each
 * (override: bench-engine [EVENTS [N...]]).
 */
#include "sim-core/sim-engine.h"
#include "sim-core/sim-rng.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define TABLE_SIZE (1u << 20)

typedef struct {
    SimEngine *engine;
    const SimTime *delays;
    uint32_t next;
    uint64_t remaining;
} Hold;

static void hold_event(void *arg)
{
    Hold *h = arg;
    if (h->remaining == 0)
        return;
    h->remaining--;
    SimTime d = h->delays[h->next++ & (TABLE_SIZE - 1)];
    sim_engine_schedule_in(h->engine, d, hold_event, h);
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double run_hold(uint64_t population, uint64_t events, const SimTime *delays)
{
    Hold h = {.engine = sim_engine_new(NULL), .delays = delays, .next = 0};
    for (uint64_t i = 0; i < population; i++)
        sim_engine_schedule_in(h.engine, delays[h.next++ & (TABLE_SIZE - 1)], hold_event, &h);
    h.remaining = events > population ? events - population : 0;
    double t0 = wall_seconds();
    sim_engine_run(h.engine);
    double t1 = wall_seconds();
    uint64_t executed = sim_engine_executed(h.engine);
    sim_engine_free(h.engine);
    return (double)executed / (t1 - t0);
}

int main(int argc, char **argv)
{
    uint64_t events = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
    uint64_t pops[8] = {1000, 100000};
    int npops = 2;
    if (argc > 2) {
        npops = 0;
        for (int i = 2; i < argc && npops < 8; i++)
            pops[npops++] = strtoull(argv[i], NULL, 10);
    }
    SimTime *delays = g_new(SimTime, TABLE_SIZE);
    SimRng *rng = sim_rng_new(1, "bench:hold");
    for (uint32_t i = 0; i < TABLE_SIZE; i++)
        delays[i] = (SimTime)(sim_rng_exponential(rng, 100.0) + 0.5);
    sim_rng_free(rng);

    printf("engine hold model: Exp(mean 100 ns) delays, %" G_GUINT64_FORMAT " events per run, builtin back end\n",
           (guint64)events);
    for (int i = 0; i < npops; i++) {
        run_hold(pops[i], events / 10, delays); /* warm-up */
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            double r = run_hold(pops[i], events, delays);
            if (r > best)
                best = r;
        }
        printf("  N = %-8" G_GUINT64_FORMAT " %6.2f M events/s (best of 3)\n", (guint64)pops[i], best / 1e6);
    }
    g_free(delays);
    return 0;
}
