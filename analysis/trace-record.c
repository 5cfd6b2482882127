/* trace-record.c: trace records as bytes and their k-way merge (trace-record.h).
 *
 * Stream format, per record (sim-wire.h encoding): u8 'P' or 'E', u64 time, then
 *  P: u8 action, str node, u32 iface id (UINT32_MAX: none), u64 packet uid, str reason, bytes data
 *  E: str node, str name, u32 n, n x (str key, u8 type, str value | u64 integer)
 * The merge decodes one head record per stream, picks the earliest (lowest stream on equal times),
 * replays it, and decodes that stream's next record. */
#include "analysis/trace-record.h"
#include "sim-core/sim-wire.h"

G_DEFINE_QUARK(trace-record-error-quark, trace_record_error)

struct TraceRecorder {
    SimObserver observer; /* first: the trace calls through it */
    GByteArray *out;
    guint64 count, foreign;
    gboolean (*is_local)(const char *node, void *user);
    void *user;
};

static void note_node(TraceRecorder *rec, const char *node)
{
    rec->count++;
    if (rec->is_local && node && !rec->is_local(node, rec->user))
        rec->foreign++;
}

static void rec_packet(SimObserver *self, const SimTracePacket *p)
{
    TraceRecorder *rec = (TraceRecorder *)self;
    GByteArray *b = rec->out;
    note_node(rec, p->node);
    sim_wire_put_u8(b, 'P');
    sim_wire_put_u64(b, (uint64_t)p->time);
    sim_wire_put_u8(b, (uint8_t)p->action);
    sim_wire_put_str(b, p->node);
    sim_wire_put_u32(b, p->iface ? p->iface->id : UINT32_MAX);
    sim_wire_put_u64(b, p->packet_uid);
    sim_wire_put_str(b, p->reason);
    sim_wire_put_bytes(b, p->data, (uint32_t)p->len);
}

static void rec_event(SimObserver *self, const SimTraceEvent *ev)
{
    TraceRecorder *rec = (TraceRecorder *)self;
    GByteArray *b = rec->out;
    note_node(rec, ev->node);
    sim_wire_put_u8(b, 'E');
    sim_wire_put_u64(b, (uint64_t)ev->time);
    sim_wire_put_str(b, ev->node);
    sim_wire_put_str(b, ev->name);
    sim_wire_put_u32(b, (uint32_t)ev->n_attrs);
    for (size_t i = 0; i < ev->n_attrs; i++) {
        const SimAttr *a = &ev->attrs[i];
        sim_wire_put_str(b, a->key);
        sim_wire_put_u8(b, (uint8_t)a->type);
        if (a->type == SIM_ATTR_STR)
            sim_wire_put_str(b, a->s);
        else
            sim_wire_put_u64(b, (uint64_t)a->i);
    }
}

TraceRecorder *trace_recorder_new(gboolean (*is_local)(const char *node, void *user), void *user)
{
    TraceRecorder *rec = g_new0(TraceRecorder, 1);
    rec->observer.packet = rec_packet;
    rec->observer.event = rec_event;
    rec->out = g_byte_array_new();
    rec->is_local = is_local;
    rec->user = user;
    return rec;
}

void trace_recorder_free(TraceRecorder *rec)
{
    if (!rec)
        return;
    g_byte_array_unref(rec->out);
    g_free(rec);
}

SimObserver *trace_recorder_observer(TraceRecorder *rec)
{
    return &rec->observer;
}

guint64 trace_recorder_count(const TraceRecorder *rec)
{
    return rec->count;
}

guint64 trace_recorder_foreign(const TraceRecorder *rec)
{
    return rec->foreign;
}

GBytes *trace_recorder_take(TraceRecorder *rec)
{
    GBytes *bytes = g_byte_array_free_to_bytes(rec->out);
    rec->out = g_byte_array_new();
    return bytes;
}

/* ---- merge ---- */

typedef struct {
    SimWireReader r;
    gboolean has; /* a decoded record is waiting */
    char kind;
    SimTime time;
    /* P */
    SimTracePacket pkt;
    char *node, *reason, *name;
    /* E */
    GArray *attrs; /* SimAttr, strings owned (freed in head_clear) */
} Head;

static void head_clear(Head *h)
{
    g_clear_pointer(&h->node, g_free);
    g_clear_pointer(&h->reason, g_free);
    g_clear_pointer(&h->name, g_free);
    for (guint i = 0; i < h->attrs->len; i++) {
        SimAttr *a = &g_array_index(h->attrs, SimAttr, i);
        g_free((char *)a->key);
        g_free((char *)a->s);
    }
    g_array_set_size(h->attrs, 0);
    h->has = FALSE;
}

/* Decodes the next record of H; FALSE when the stream is corrupt. */
static gboolean head_next(Head *h, SimTrace *trace)
{
    head_clear(h);
    if (sim_wire_done(&h->r))
        return !h->r.bad;
    SimWireReader *r = &h->r;
    h->kind = (char)sim_wire_u8(r);
    SimTime t = (SimTime)sim_wire_u64(r);
    if (t < h->time || t < 0)
        return FALSE; /* times never decrease within one stream */
    h->time = t;
    if (h->kind == 'P') {
        uint8_t action = sim_wire_u8(r);
        h->node = sim_wire_str(r);
        uint32_t iface = sim_wire_u32(r);
        uint64_t uid = sim_wire_u64(r);
        h->reason = sim_wire_str(r);
        uint32_t len = 0;
        const uint8_t *data = sim_wire_bytes(r, &len);
        if (r->bad || !h->node || action < SIM_TRACE_TX || action > SIM_TRACE_DROP)
            return FALSE;
        const SimTraceIface *ifc = NULL;
        if (iface != UINT32_MAX && !(ifc = sim_trace_iface(trace, iface)))
            return FALSE;
        h->pkt = (SimTracePacket){.time = t, .action = (SimTraceAction)action, .node = h->node, .iface = ifc,
                                  .data = data, .len = len, .packet_uid = uid, .reason = h->reason};
    } else if (h->kind == 'E') {
        h->node = sim_wire_str(r);
        h->name = sim_wire_str(r);
        uint32_t n = sim_wire_u32(r);
        if (r->bad || !h->node || !h->name || n > (uint32_t)(r->end - r->p))
            return FALSE;
        for (uint32_t i = 0; i < n && !r->bad; i++) {
            SimAttr a = {0};
            a.key = sim_wire_str(r);
            a.type = (SimAttrType)sim_wire_u8(r);
            if (a.type == SIM_ATTR_STR)
                a.s = sim_wire_str(r);
            else
                a.i = (int64_t)sim_wire_u64(r);
            g_array_append_val(h->attrs, a);
            /* A NULL string value is valid (the event log writes null); a short stream sets r->bad. */
            if (!a.key || (a.type != SIM_ATTR_STR && a.type != SIM_ATTR_INT && a.type != SIM_ATTR_BOOL))
                return FALSE;
        }
        if (r->bad)
            return FALSE;
    } else {
        return FALSE;
    }
    h->has = TRUE;
    return TRUE;
}

gboolean trace_records_replay(SimTrace *trace, GBytes *const *streams, guint n, TraceMergeStats *stats,
                              GError **error)
{
    TraceMergeStats st = {0};
    Head *heads = g_new0(Head, n ? n : 1);
    gboolean ok = TRUE;
    guint bad = 0;
    for (guint i = 0; i < n; i++) {
        gsize len = 0;
        const void *data = streams[i] ? g_bytes_get_data(streams[i], &len) : NULL;
        heads[i].r = sim_wire_reader(data, data ? len : 0);
        heads[i].attrs = g_array_new(FALSE, TRUE, sizeof(SimAttr));
    }
    for (guint i = 0; i < n && ok; i++)
        if (!head_next(&heads[i], trace))
            ok = FALSE, bad = i;
    guint last_stream = 0;
    SimTime last_time = -1;
    while (ok) {
        int pick = -1;
        for (guint i = 0; i < n; i++)
            if (heads[i].has && (pick < 0 || heads[i].time < heads[pick].time))
                pick = (int)i;
        if (pick < 0)
            break;
        Head *h = &heads[pick];
        if (h->time == last_time && (guint)pick != last_stream)
            st.cross_rank_ties++;
        last_time = h->time;
        last_stream = (guint)pick;
        st.records++;
        if (h->kind == 'P') {
            sim_trace_emit_packet(trace, &h->pkt);
        } else {
            SimTraceEvent ev = {.time = h->time, .node = h->node, .name = h->name,
                                .attrs = (const SimAttr *)h->attrs->data, .n_attrs = h->attrs->len};
            sim_trace_emit_event(trace, &ev);
        }
        if (!head_next(h, trace))
            ok = FALSE, bad = (guint)pick;
    }
    if (!ok)
        g_set_error(error, trace_record_error_quark(), 0, "trace records of rank %u are corrupt or out of time order",
                    bad);
    for (guint i = 0; i < n; i++) {
        head_clear(&heads[i]);
        g_array_free(heads[i].attrs, TRUE);
    }
    g_free(heads);
    if (stats)
        *stats = st;
    return ok;
}
