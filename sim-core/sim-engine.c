/* sim-engine.c: the public engine API over a SimBackend. Kept deliberately thin: one indirect call
 * per operation, so the back end's speed is what the benchmark measures. */
#include "sim-core/sim-engine.h"

struct SimEngine {
    SimBackend *backend;
};

SimEngine *sim_engine_new(SimBackend *backend)
{
    SimEngine *e = g_new0(SimEngine, 1);
    e->backend = backend ? backend : sim_backend_builtin_new();
    return e;
}

void sim_engine_free(SimEngine *engine)
{
    if (!engine)
        return;
    engine->backend->destroy(engine->backend);
    g_free(engine);
}

const char *sim_engine_backend_name(const SimEngine *engine)
{
    return engine->backend->name;
}

SimEventId sim_engine_schedule_at(SimEngine *engine, SimTime at, SimEventFunc fn, void *arg)
{
    SimBackend *b = engine->backend;
    if (G_UNLIKELY(at < b->now(b) || fn == NULL)) {
        g_critical("sim_engine_schedule_at: time %" G_GINT64_FORMAT " is before now %" G_GINT64_FORMAT
                   " or no function",
                   at, b->now(b));
        return 0;
    }
    return b->schedule(b, at, fn, arg);
}

SimEventId sim_engine_schedule_in(SimEngine *engine, SimTime delay, SimEventFunc fn, void *arg)
{
    SimBackend *b = engine->backend;
    SimTime now = b->now(b);
    if (G_UNLIKELY(delay < 0 || delay > SIM_TIME_NEVER - now || fn == NULL)) {
        g_critical("sim_engine_schedule_in: bad delay %" G_GINT64_FORMAT " or no function", delay);
        return 0;
    }
    return b->schedule(b, now + delay, fn, arg);
}

gboolean sim_engine_cancel(SimEngine *engine, SimEventId id)
{
    return id != 0 && engine->backend->cancel(engine->backend, id);
}

SimTime sim_engine_now(const SimEngine *engine)
{
    return engine->backend->now(engine->backend);
}

SimRunStatus sim_engine_run_until(SimEngine *engine, SimTime until)
{
    SimBackend *b = engine->backend;
    if (until < b->now(b))
        until = b->now(b);
    return b->run(b, until);
}

SimRunStatus sim_engine_run(SimEngine *engine)
{
    return sim_engine_run_until(engine, SIM_TIME_NEVER);
}

void sim_engine_stop(SimEngine *engine)
{
    engine->backend->stop(engine->backend);
}

size_t sim_engine_pending(const SimEngine *engine)
{
    return engine->backend->pending(engine->backend);
}

uint64_t sim_engine_executed(const SimEngine *engine)
{
    return engine->backend->executed(engine->backend);
}
