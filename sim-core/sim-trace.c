/* sim-trace.c: the trace bus. */
#include "sim-core/sim-trace.h"

struct SimTrace {
    SimEngine *engine;
    GPtrArray *observers; /* SimObserver*, not owned; NULL while removed during a dispatch */
    int dispatching;      /* > 0 while observers are being called */
    gboolean holes;       /* some entries were set to NULL during a dispatch */
    GPtrArray *ifaces;    /* SimTraceIface*, owned */
    GStringChunk *strings;
};

const char *sim_trace_action_name(SimTraceAction action)
{
    switch (action) {
    case SIM_TRACE_TX: return "tx";
    case SIM_TRACE_RX: return "rx";
    case SIM_TRACE_FORWARD: return "forward";
    case SIM_TRACE_DROP: return "drop";
    }
    return "?";
}

SimTrace *sim_trace_new(SimEngine *engine)
{
    SimTrace *t = g_new0(SimTrace, 1);
    t->engine = engine;
    t->observers = g_ptr_array_new();
    t->ifaces = g_ptr_array_new_with_free_func(g_free);
    t->strings = g_string_chunk_new(1024);
    return t;
}

void sim_trace_free(SimTrace *trace)
{
    if (!trace)
        return;
    g_ptr_array_free(trace->observers, TRUE);
    g_ptr_array_free(trace->ifaces, TRUE);
    g_string_chunk_free(trace->strings);
    g_free(trace);
}

void sim_trace_add_observer(SimTrace *trace, SimObserver *observer)
{
    g_ptr_array_add(trace->observers, observer);
    if (observer->iface_added)
        for (guint i = 0; i < trace->ifaces->len; i++)
            observer->iface_added(observer, trace->ifaces->pdata[i]);
}

void sim_trace_remove_observer(SimTrace *trace, SimObserver *observer)
{
    /* During a dispatch the array must not shift under the loop: leave a hole, compact after. */
    if (trace->dispatching) {
        for (guint i = 0; i < trace->observers->len; i++)
            if (trace->observers->pdata[i] == observer) {
                trace->observers->pdata[i] = NULL;
                trace->holes = TRUE;
            }
        return;
    }
    g_ptr_array_remove(trace->observers, observer);
}

static void dispatch_end(SimTrace *trace)
{
    if (--trace->dispatching == 0 && trace->holes) {
        guint out = 0;
        for (guint i = 0; i < trace->observers->len; i++)
            if (trace->observers->pdata[i])
                trace->observers->pdata[out++] = trace->observers->pdata[i];
        g_ptr_array_set_size(trace->observers, out);
        trace->holes = FALSE;
    }
}

const SimTraceIface *sim_trace_add_iface(SimTrace *trace, const char *node, const char *name, const char *link,
                                         const char *link_kind, gboolean ciphered, uint32_t mtu,
                                         uint64_t bandwidth_bps)
{
    SimTraceIface *i = g_new0(SimTraceIface, 1);
    i->id = trace->ifaces->len;
    i->node = g_string_chunk_insert_const(trace->strings, node);
    i->name = g_string_chunk_insert_const(trace->strings, name);
    i->link = g_string_chunk_insert_const(trace->strings, link ? link : "");
    i->link_kind = g_string_chunk_insert_const(trace->strings, link_kind ? link_kind : "");
    i->ciphered = ciphered;
    i->mtu = mtu;
    i->bandwidth_bps = bandwidth_bps;
    g_ptr_array_add(trace->ifaces, i);
    trace->dispatching++;
    for (guint k = 0; k < trace->observers->len; k++) {
        SimObserver *o = trace->observers->pdata[k];
        if (o && o->iface_added)
            o->iface_added(o, i);
    }
    dispatch_end(trace);
    return i;
}

guint sim_trace_n_ifaces(const SimTrace *trace)
{
    return trace->ifaces->len;
}

const SimTraceIface *sim_trace_iface(const SimTrace *trace, guint id)
{
    return id < trace->ifaces->len ? trace->ifaces->pdata[id] : NULL;
}

void sim_trace_packet(SimTrace *trace, SimTraceAction action, const char *node, const SimTraceIface *iface,
                      const uint8_t *data, size_t len, uint64_t packet_uid, const char *reason)
{
    if (trace->observers->len == 0)
        return;
    SimTracePacket p = {
        .time = sim_engine_now(trace->engine),
        .action = action,
        .node = node,
        .iface = iface,
        .data = data,
        .len = len,
        .packet_uid = packet_uid,
        .reason = reason,
    };
    sim_trace_emit_packet(trace, &p);
}

void sim_trace_emit_packet(SimTrace *trace, const SimTracePacket *p)
{
    trace->dispatching++;
    for (guint k = 0; k < trace->observers->len; k++) {
        SimObserver *o = trace->observers->pdata[k];
        if (o && o->packet)
            o->packet(o, p);
    }
    dispatch_end(trace);
}

void sim_trace_event(SimTrace *trace, const char *node, const char *name, const SimAttr *attrs, size_t n_attrs)
{
    if (trace->observers->len == 0)
        return;
    SimTraceEvent ev = {
        .time = sim_engine_now(trace->engine),
        .node = node,
        .name = name,
        .attrs = attrs,
        .n_attrs = n_attrs,
    };
    sim_trace_emit_event(trace, &ev);
}

void sim_trace_emit_event(SimTrace *trace, const SimTraceEvent *ev)
{
    trace->dispatching++;
    for (guint k = 0; k < trace->observers->len; k++) {
        SimObserver *o = trace->observers->pdata[k];
        if (o && o->event)
            o->event(o, ev);
    }
    dispatch_end(trace);
}
