/* sim-backend-ns3.cc: SimBackend on ns3::Simulator.
 *
 * DESIGN NOTES
 * Each schedule() becomes Simulator::Schedule of a small trampoline carrying our id; the id maps to
 * the ns-3 EventId (for cancel) and to the callback. Costs: two hash-table updates per event on
 * top of ns-3's own scheduling. ns-3 orders events by (time, uid) with uids given
 * in scheduling order, so equal times run in insertion order, as the contract of sim-backend.h asks,
 * and the event order is the built-in back end's.
 *
 * run(until) must execute every event with time <= until, including those scheduled at `until` while
 * running. Simulator::Stop(delay) would not: its stop event precedes later events of the same time.
 * So the back end's stop marker, scheduled at `until`, re-queues itself (delay 0, hence after them)
 * until it finds that no event ran since its last turn: then nothing is left at `until`, neither ours
 * (also counted per time) nor ns-3's own (the point-to-point devices of links/ns3 schedule directly),
 * and it calls Simulator::Stop(). Cancelled events are forgotten at once (EventId::Cancel is lazy in
 * ns-3 too).
 *
 * <cstring> comes first: ns-3.37's hash-function.h uses memcpy without it under GCC 12.
 */
#include <cstring>
#include <unordered_map>

#include <ns3/core-module.h>

#include "sim-core/ns3/sim-backend-ns3.h"
#include "sim-core/ns3/sim-mpi.h"

namespace {

struct Pending {
    ns3::EventId id;
    SimEventFunc fn;
    void *arg;
    SimTime at;
};

struct Ns3Backend {
    SimBackend iface; /* first: the engine calls through it */
    uint64_t next_id = 1;
    std::unordered_map<uint64_t, Pending> events;
    std::unordered_map<SimTime, uint64_t> per_time; /* pending events per timestamp (exact lookups only) */
    uint64_t executed = 0;
    uint64_t marker_seen = 0; /* Simulator::GetEventCount() at the stop marker's last turn */
    bool stop_requested = false;
    SimTime until = SIM_TIME_NEVER;
};

bool g_alive = false;

Ns3Backend *self_of(SimBackend *b)
{
    return reinterpret_cast<Ns3Backend *>(b);
}

void forget_time(Ns3Backend *b, SimTime at)
{
    auto it = b->per_time.find(at);
    if (it != b->per_time.end() && --it->second == 0)
        b->per_time.erase(it);
}

void trampoline(Ns3Backend *b, uint64_t id)
{
    auto it = b->events.find(id);
    if (it == b->events.end())
        return;
    Pending p = it->second;
    b->events.erase(it);
    forget_time(b, p.at);
    b->executed++;
    p.fn(p.arg);
    if (b->stop_requested)
        ns3::Simulator::Stop();
}

void stop_marker(Ns3Backend *b)
{
    SimTime now = ns3::Simulator::Now().GetNanoSeconds();
    uint64_t count = ns3::Simulator::GetEventCount(); /* this turn included */
    if (b->per_time.count(now) || count != b->marker_seen + 1) {
        b->marker_seen = count;
        ns3::Simulator::ScheduleNow(&stop_marker, b); /* after the events still due at `until` */
        return;
    }
    ns3::Simulator::Stop();
}

SimEventId ns3_schedule(SimBackend *self, SimTime at, SimEventFunc fn, void *arg)
{
    Ns3Backend *b = self_of(self);
    SimTime now = ns3::Simulator::Now().GetNanoSeconds();
    uint64_t id = b->next_id++;
    ns3::EventId e = ns3::Simulator::Schedule(ns3::NanoSeconds(at - now), &trampoline, b, id);
    b->events[id] = Pending{e, fn, arg, at};
    b->per_time[at]++;
    return id;
}

gboolean ns3_cancel(SimBackend *self, SimEventId id)
{
    Ns3Backend *b = self_of(self);
    auto it = b->events.find(id);
    if (it == b->events.end())
        return FALSE;
    it->second.id.Cancel();
    forget_time(b, it->second.at);
    b->events.erase(it);
    return TRUE;
}

SimTime ns3_now(SimBackend *self)
{
    (void)self;
    return ns3::Simulator::Now().GetNanoSeconds();
}

SimRunStatus ns3_run(SimBackend *self, SimTime until)
{
    Ns3Backend *b = self_of(self);
    b->stop_requested = false;
    SimTime now = ns3::Simulator::Now().GetNanoSeconds();
    ns3::EventId marker;
    b->marker_seen = 0;
    if (until != SIM_TIME_NEVER)
        marker = ns3::Simulator::Schedule(ns3::NanoSeconds(until - now), &stop_marker, b);
    if (!b->events.empty() || until != SIM_TIME_NEVER)
        ns3::Simulator::Run();
    marker.Cancel();
    if (b->stop_requested)
        return SIM_RUN_STOPPED;
    return b->events.empty() ? SIM_RUN_EMPTY : SIM_RUN_REACHED;
}

void ns3_stop(SimBackend *self)
{
    self_of(self)->stop_requested = true;
}

size_t ns3_pending(SimBackend *self)
{
    return self_of(self)->events.size();
}

uint64_t ns3_executed(SimBackend *self)
{
    return self_of(self)->executed;
}

void ns3_destroy(SimBackend *self)
{
    delete self_of(self);
    ns3::Simulator::Destroy();
    g_alive = false;
}

} // namespace

extern "C" SimBackend *sim_backend_ns3_new_with_scheduler(const char *type_id)
{
    if (g_alive)
        return nullptr;
    if (type_id) {
        ns3::TypeId tid;
        if (!ns3::TypeId::LookupByNameFailSafe(type_id, &tid))
            return nullptr;
        ns3::ObjectFactory factory;
        factory.SetTypeId(tid);
        ns3::Simulator::SetScheduler(factory);
    }
    Ns3Backend *b = new Ns3Backend();
    b->iface.name = "ns3";
    b->iface.schedule = ns3_schedule;
    b->iface.cancel = ns3_cancel;
    b->iface.now = ns3_now;
    b->iface.run = ns3_run;
    b->iface.stop = ns3_stop;
    b->iface.pending = ns3_pending;
    b->iface.executed = ns3_executed;
    b->iface.destroy = ns3_destroy;
    g_alive = true;
    return &b->iface;
}

extern "C" SimBackend *sim_backend_ns3_new(void)
{
    return sim_backend_ns3_new_with_scheduler(nullptr);
}

extern "C" SimBackend *sim_backend_ns3_new_distributed(void)
{
    if (!sim_mpi_enabled())
        return nullptr;
    SimBackend *b = sim_backend_ns3_new_with_scheduler(nullptr);
    if (b)
        b->name = "ns3-mpi";
    return b;
}
