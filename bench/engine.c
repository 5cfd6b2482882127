/* bench/engine.c: engine throughput on the hold model of ns-3's utils/bench-scheduler.cc.
 *
 * N events are pending; each executed event schedules one new event at now + Exp(mean 100 ns),
 * drawn inside the event as bench-scheduler does with its ExponentialRandomVariable (here one
 * 32-bit draw of a SimRng stream, MT19937, and a log). A second figure draws the delays beforehand into a table the run cycles
 * through, which isolates the queue from the generator. Every schedule goes through the public API
 * (sim_engine_schedule_in with a callback and argument), as node code does. Prints events per
 * second for N = 1,000 and N = 100,000, 10 million events each (bench-engine [EVENTS [N...]]).
 * When presim is built with ns-3, the same workload also runs, in this process and through the same
 * public API, on ns-3's MapScheduler, HeapScheduler and CalendarScheduler, with the built-in queue's
 * speed as a multiple of each.
 */
#include "presim-config.h"
#include "sim-core/sim-engine.h"
#if PRESIM_HAVE_NS3
#include "sim-core/ns3/sim-backend-ns3.h"
#endif
#include "sim-core/sim-rng.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define TABLE_SIZE (1u << 20)

typedef struct {
    SimEngine *engine;
    const SimTime *delays; /* NULL: draw from rng in each event */
    SimRng *rng;
    uint32_t next;
    uint64_t remaining;
} Hold;

static inline SimTime next_delay(Hold *h)
{
    if (h->delays)
        return h->delays[h->next++ & (TABLE_SIZE - 1)];
    /* One 32-bit draw mapped into (0, 1) and -mean * log(u): enough resolution for delays of a few
     * hundred ns, and half the cost of sim_rng_exponential's 53-bit draw. */
    double u = ((double)sim_rng_uint32(h->rng) + 0.5) * (1.0 / 4294967296.0);
    return (SimTime)(-100.0 * log(u) + 0.5);
}

static void hold_event(void *arg)
{
    Hold *h = arg;
    if (h->remaining == 0)
        return;
    h->remaining--;
    sim_engine_schedule_in(h->engine, next_delay(h), hold_event, h);
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double run_hold_on(SimBackend *backend, uint64_t population, uint64_t events, const SimTime *delays)
{
    Hold h = {.engine = sim_engine_new(backend), .delays = delays, .rng = sim_rng_new(2, "bench:hold:run")};
    for (uint64_t i = 0; i < population; i++)
        sim_engine_schedule_in(h.engine, next_delay(&h), hold_event, &h);
    h.remaining = events > population ? events - population : 0;
    double t0 = wall_seconds();
    sim_engine_run(h.engine);
    double t1 = wall_seconds();
    uint64_t executed = sim_engine_executed(h.engine);
    sim_engine_free(h.engine);
    sim_rng_free(h.rng);
    return (double)executed / (t1 - t0);
}

static double run_hold(uint64_t population, uint64_t events, const SimTime *delays)
{
    return run_hold_on(NULL, population, events, delays);
}

#if PRESIM_HAVE_NS3
/* One run on an ns-3 scheduler, delays drawn in each event. ns-3's CalendarScheduler degrades badly
 * with 100,000 events pending within a few microseconds (about 0.03 M events/s measured here), so
 * the ns-3 runs are shorter than the built-in ones to keep `make bench` to a minute or two. */
#define NS3_BENCH_EVENTS 300000
static double ns3_rate(const char *scheduler, uint64_t population)
{
    SimBackend *b = sim_backend_ns3_new_with_scheduler(scheduler);
    return b ? run_hold_on(b, population, NS3_BENCH_EVENTS, NULL) : 0;
}
#endif

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
    printf("  %-10s %-24s %-24s\n", "pending", "delay drawn per event", "delay from a table");
    for (int i = 0; i < npops; i++) {
        double best[2] = {0, 0};
        for (int mode = 0; mode < 2; mode++) {
            const SimTime *d = mode ? delays : NULL;
            run_hold(pops[i], events / 10, d); /* warm-up */
            for (int rep = 0; rep < 3; rep++) {
                double r = run_hold(pops[i], events, d);
                if (r > best[mode])
                    best[mode] = r;
            }
        }
        printf("  N = %-6" G_GUINT64_FORMAT " %6.2f M events/s          %6.2f M events/s\n", (guint64)pops[i],
               best[0] / 1e6, best[1] / 1e6);
#if PRESIM_HAVE_NS3
        static const char *const schedulers[] = {"ns3::MapScheduler", "ns3::HeapScheduler", "ns3::CalendarScheduler"};
        for (guint k = 0; k < G_N_ELEMENTS(schedulers); k++) {
            double r = ns3_rate(schedulers[k], pops[i]);
            printf("           %-24s %6.2f M events/s   built-in / ns-3 = %.1fx\n", schedulers[k], r / 1e6,
                   r > 0 ? best[0] / r : 0.0);
        }
#endif
    }
    printf("  (built-in: best of 3 runs; ns-3: one run of 300,000 events through presim's engine API, delays drawn in\n"
           "  each event)\n");
    g_free(delays);
    return 0;
}
