/* sim-engine.h: the public discrete-event engine API that nodes, links and protocols' timers use.
 *
 * Time is simulated nanoseconds (sim-time.h). Events at equal times run in the order they were
 * scheduled. The engine forwards to a back end (sim-backend.h): the built-in queue by default, the
 * ns-3 scheduler when built with it; node code cannot tell which one runs.
 */
#pragma once
#include "sim-core/sim-backend.h"
#include "sim-core/sim-time.h"

typedef struct SimEngine SimEngine;

/* A new engine on BACKEND (taken over; NULL: the built-in one). Free with sim_engine_free(). */
SimEngine *sim_engine_new(SimBackend *backend);
void sim_engine_free(SimEngine *engine);
const char *sim_engine_backend_name(const SimEngine *engine);

/* Schedules FN(ARG) at absolute time AT (>= now) or DELAY (>= 0) from now. Returns the event's id,
 * never 0; scheduling in the past is a programming error (g_critical, returns 0, nothing runs). */
SimEventId sim_engine_schedule_at(SimEngine *engine, SimTime at, SimEventFunc fn, void *arg);
SimEventId sim_engine_schedule_in(SimEngine *engine, SimTime delay, SimEventFunc fn, void *arg);
/* Cancels a pending event: TRUE if it was pending (it will not run), FALSE if it already ran, was
 * cancelled before, or ID is 0. Safe from inside any callback, including the event's own. */
gboolean sim_engine_cancel(SimEngine *engine, SimEventId id);

SimTime sim_engine_now(const SimEngine *engine);
/* Runs events with time <= UNTIL (SIM_TIME_NEVER: until none remain or stop). */
SimRunStatus sim_engine_run_until(SimEngine *engine, SimTime until);
SimRunStatus sim_engine_run(SimEngine *engine);
/* Asks the running loop to return after the current event. */
void sim_engine_stop(SimEngine *engine);

size_t sim_engine_pending(const SimEngine *engine);
uint64_t sim_engine_executed(const SimEngine *engine);
