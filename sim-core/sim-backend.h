/* sim-backend.h: the engine back-end interface.
 *
 * The public engine API (sim-engine.h) forwards every call to one of these. The built-in back end
 * (sim-backend-builtin.c) is the default; the ns-3 shim implements the same struct on ns3::Simulator.
 * Contract every back end keeps:
 *  - events run in (time, insertion order): two events at the same time run in the order scheduled;
 *  - an id names one scheduling; cancel returns TRUE only if that event was still pending, and a
 *    cancelled event's function is never called; ids are never 0;
 *  - run(until) executes every event with time <= until and then sets now to until, whether events
 *    remain (REACHED) or not (EMPTY), so running in slices ends at the same now as one run; after
 *    stop() now is the stopped event's time, and with until = SIM_TIME_NEVER the last event's time;
 *  - the status is EMPTY exactly when no event is pending (cancelled ones do not count);
 *  - no wall-clock time is read anywhere.
 */
#pragma once
#include "sim-core/sim-time.h"
#include <glib.h>
#include <stdint.h>

typedef void (*SimEventFunc)(void *arg);
typedef uint64_t SimEventId;

typedef enum {
    SIM_RUN_EMPTY = 1,    /* no events remain */
    SIM_RUN_REACHED = 2,  /* the until time was reached */
    SIM_RUN_STOPPED = 3,  /* sim_engine_stop() was called */
} SimRunStatus;

typedef struct SimBackend SimBackend;
struct SimBackend {
    const char *name;
    SimEventId (*schedule)(SimBackend *self, SimTime at, SimEventFunc fn, void *arg);
    gboolean (*cancel)(SimBackend *self, SimEventId id);
    SimTime (*now)(SimBackend *self);
    SimRunStatus (*run)(SimBackend *self, SimTime until);
    void (*stop)(SimBackend *self);
    size_t (*pending)(SimBackend *self);   /* events scheduled and not cancelled */
    uint64_t (*executed)(SimBackend *self); /* events executed since creation */
    void (*destroy)(SimBackend *self);
};

/* The built-in back end: a radix heap (see the design notes in sim-backend-builtin.c). */
SimBackend *sim_backend_builtin_new(void);
