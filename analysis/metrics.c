/* metrics.c: per-interface, per-node and per-event counters (see metrics.h). */
#include "analysis/metrics.h"
#include "sim-core/sim-log.h"
#include <string.h>

#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN SIM_LOG_ANALYSIS

typedef struct {
    uint32_t id;
    char *node, *name, *link, *link_kind;
    gboolean ciphered;
    MetricsIfaceCounts c;
    GTree *drops; /* reason (owned) -> uint64_t* (owned) */
} IfaceStats;

typedef struct {
    MetricsNodeCounts c;
    GTree *drops;  /* reason -> uint64_t* */
    GTree *events; /* event name -> uint64_t* */
} NodeStats;

struct Metrics {
    SimObserver observer; /* first: the callbacks cast back */
    GPtrArray *ifaces;    /* IfaceStats* by trace id; NULL for an id not (yet) added */
    GTree *nodes;         /* node name (owned) -> NodeStats* (owned) */
    MetricsTotals totals;
};

/* Byte-order comparison: sorted output that no locale can change. */
static gint cmp_str(gconstpointer a, gconstpointer b, gpointer user)
{
    (void)user;
    return strcmp(a, b);
}

static GTree *counter_tree_new(void)
{
    return g_tree_new_full(cmp_str, NULL, g_free, g_free);
}

static void counter_inc(GTree *t, const char *key)
{
    uint64_t *n = g_tree_lookup(t, key);
    if (!n) {
        n = g_new0(uint64_t, 1);
        g_tree_insert(t, g_strdup(key), n);
    }
    (*n)++;
}

static uint64_t counter_get(GTree *t, const char *key)
{
    const uint64_t *n = g_tree_lookup(t, key);
    return n ? *n : 0;
}

static void iface_stats_free(gpointer p)
{
    IfaceStats *s = p;
    if (!s)
        return;
    g_free(s->node);
    g_free(s->name);
    g_free(s->link);
    g_free(s->link_kind);
    g_tree_destroy(s->drops);
    g_free(s);
}

static void node_stats_free(gpointer p)
{
    NodeStats *s = p;
    g_tree_destroy(s->drops);
    g_tree_destroy(s->events);
    g_free(s);
}

static NodeStats *node_stats(Metrics *m, const char *node)
{
    const char *key = node ? node : "";
    NodeStats *s = g_tree_lookup(m->nodes, key);
    if (!s) {
        s = g_new0(NodeStats, 1);
        s->drops = counter_tree_new();
        s->events = counter_tree_new();
        g_tree_insert(m->nodes, g_strdup(key), s);
    }
    return s;
}

static IfaceStats *iface_stats(Metrics *m, const SimTraceIface *iface)
{
    if (iface->id >= m->ifaces->len)
        g_ptr_array_set_size(m->ifaces, iface->id + 1);
    IfaceStats *s = m->ifaces->pdata[iface->id];
    if (!s) {
        s = g_new0(IfaceStats, 1);
        s->id = iface->id;
        s->node = g_strdup(iface->node);
        s->name = g_strdup(iface->name);
        s->link = g_strdup(iface->link);
        s->link_kind = g_strdup(iface->link_kind);
        s->ciphered = iface->ciphered;
        s->drops = counter_tree_new();
        m->ifaces->pdata[iface->id] = s;
        node_stats(m, iface->node); /* list the node even if it never sends */
    }
    return s;
}

static void on_iface_added(SimObserver *self, const SimTraceIface *iface)
{
    iface_stats((Metrics *)self, iface);
}

static void on_packet(SimObserver *self, const SimTracePacket *pkt)
{
    Metrics *m = (Metrics *)self;
    IfaceStats *is = pkt->iface ? iface_stats(m, pkt->iface) : NULL;
    NodeStats *ns = node_stats(m, pkt->node);
    const char *reason = pkt->reason ? pkt->reason : "unknown";
    switch (pkt->action) {
    case SIM_TRACE_TX:
        if (is) {
            is->c.tx_packets++;
            is->c.tx_bytes += pkt->len;
        }
        m->totals.tx_packets++;
        m->totals.tx_bytes += pkt->len;
        break;
    case SIM_TRACE_RX:
        if (is) {
            is->c.rx_packets++;
            is->c.rx_bytes += pkt->len;
        }
        m->totals.rx_packets++;
        m->totals.rx_bytes += pkt->len;
        break;
    case SIM_TRACE_FORWARD:
        ns->c.forwards++;
        m->totals.forwards++;
        break;
    case SIM_TRACE_DROP:
        if (is) {
            is->c.drops++;
            counter_inc(is->drops, reason);
        }
        ns->c.drops++;
        counter_inc(ns->drops, reason);
        m->totals.drops++;
        break;
    }
}

static void on_event(SimObserver *self, const SimTraceEvent *ev)
{
    Metrics *m = (Metrics *)self;
    NodeStats *ns = node_stats(m, ev->node);
    ns->c.events++;
    counter_inc(ns->events, ev->name ? ev->name : "");
    m->totals.events++;
}

Metrics *metrics_new(void)
{
    Metrics *m = g_new0(Metrics, 1);
    m->observer.iface_added = on_iface_added;
    m->observer.packet = on_packet;
    m->observer.event = on_event;
    m->ifaces = g_ptr_array_new_with_free_func(iface_stats_free);
    m->nodes = g_tree_new_full(cmp_str, NULL, g_free, node_stats_free);
    return m;
}

void metrics_free(Metrics *m)
{
    if (!m)
        return;
    g_ptr_array_free(m->ifaces, TRUE);
    g_tree_destroy(m->nodes);
    g_free(m);
}

SimObserver *metrics_observer(Metrics *m)
{
    return &m->observer;
}

static const IfaceStats *find_iface(const Metrics *m, guint iface_id)
{
    return iface_id < m->ifaces->len ? m->ifaces->pdata[iface_id] : NULL;
}

gboolean metrics_iface_counts(const Metrics *m, guint iface_id, MetricsIfaceCounts *out)
{
    memset(out, 0, sizeof *out);
    const IfaceStats *s = find_iface(m, iface_id);
    if (!s)
        return FALSE;
    *out = s->c;
    return TRUE;
}

uint64_t metrics_iface_drops(const Metrics *m, guint iface_id, const char *reason)
{
    const IfaceStats *s = find_iface(m, iface_id);
    if (!s)
        return 0;
    return reason ? counter_get(s->drops, reason) : s->c.drops;
}

gboolean metrics_node_counts(const Metrics *m, const char *node, MetricsNodeCounts *out)
{
    memset(out, 0, sizeof *out);
    const NodeStats *s = g_tree_lookup(m->nodes, node ? node : "");
    if (!s)
        return FALSE;
    *out = s->c;
    return TRUE;
}

uint64_t metrics_node_drops(const Metrics *m, const char *node, const char *reason)
{
    const NodeStats *s = g_tree_lookup(m->nodes, node ? node : "");
    if (!s)
        return 0;
    return reason ? counter_get(s->drops, reason) : s->c.drops;
}

typedef struct {
    const char *event;
    uint64_t sum;
} EventSum;

static gboolean sum_event(gpointer key, gpointer value, gpointer user)
{
    (void)key;
    EventSum *es = user;
    es->sum += counter_get(((NodeStats *)value)->events, es->event);
    return FALSE;
}

uint64_t metrics_event_count(const Metrics *m, const char *node, const char *event)
{
    g_return_val_if_fail(event, 0);
    if (node) {
        const NodeStats *s = g_tree_lookup(m->nodes, node);
        return s ? counter_get(s->events, event) : 0;
    }
    EventSum es = {.event = event};
    g_tree_foreach(m->nodes, sum_event, &es);
    return es.sum;
}

void metrics_totals(const Metrics *m, MetricsTotals *out)
{
    *out = m->totals;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

/* g_tree_foreach visits keys in sorted order: that is what makes the output deterministic. */
static gboolean write_counter(gpointer key, gpointer value, gpointer user)
{
    json_writer_member_uint(user, key, *(const uint64_t *)value);
    return FALSE;
}

static void write_counter_tree(JsonWriter *w, const char *key, GTree *t)
{
    json_writer_key(w, key);
    json_writer_begin_object(w);
    g_tree_foreach(t, write_counter, w);
    json_writer_end_object(w);
}

static gboolean write_node(gpointer key, gpointer value, gpointer user)
{
    JsonWriter *w = user;
    const NodeStats *s = value;
    json_writer_key(w, key);
    json_writer_begin_object(w);
    json_writer_member_uint(w, "forwards", s->c.forwards);
    write_counter_tree(w, "drops", s->drops);
    json_writer_member_uint(w, "events", s->c.events);
    json_writer_end_object(w);
    return FALSE;
}

static gboolean write_node_events(gpointer key, gpointer value, gpointer user)
{
    const NodeStats *s = value;
    if (g_tree_nnodes(s->events) > 0)
        write_counter_tree(user, key, s->events);
    return FALSE;
}

void metrics_write_json(const Metrics *m, JsonWriter *w)
{
    json_writer_begin_object(w);

    json_writer_key(w, "interfaces");
    json_writer_begin_array(w);
    for (guint i = 0; i < m->ifaces->len; i++) {
        const IfaceStats *s = m->ifaces->pdata[i];
        if (!s)
            continue;
        json_writer_begin_object(w);
        json_writer_member_uint(w, "id", s->id);
        json_writer_member_string(w, "node", s->node);
        json_writer_member_string(w, "iface", s->name);
        json_writer_member_string(w, "link", s->link);
        json_writer_member_string(w, "link_kind", s->link_kind);
        json_writer_member_bool(w, "ciphered", s->ciphered);
        json_writer_member_uint(w, "tx_packets", s->c.tx_packets);
        json_writer_member_uint(w, "tx_bytes", s->c.tx_bytes);
        json_writer_member_uint(w, "rx_packets", s->c.rx_packets);
        json_writer_member_uint(w, "rx_bytes", s->c.rx_bytes);
        write_counter_tree(w, "drops", s->drops);
        json_writer_end_object(w);
    }
    json_writer_end_array(w);

    json_writer_key(w, "nodes");
    json_writer_begin_object(w);
    g_tree_foreach(m->nodes, write_node, w);
    json_writer_end_object(w);

    json_writer_key(w, "events");
    json_writer_begin_object(w);
    g_tree_foreach(m->nodes, write_node_events, w);
    json_writer_end_object(w);

    json_writer_key(w, "totals");
    json_writer_begin_object(w);
    json_writer_member_uint(w, "tx_packets", m->totals.tx_packets);
    json_writer_member_uint(w, "tx_bytes", m->totals.tx_bytes);
    json_writer_member_uint(w, "rx_packets", m->totals.rx_packets);
    json_writer_member_uint(w, "rx_bytes", m->totals.rx_bytes);
    json_writer_member_uint(w, "forwards", m->totals.forwards);
    json_writer_member_uint(w, "drops", m->totals.drops);
    json_writer_member_uint(w, "events", m->totals.events);
    json_writer_end_object(w);

    json_writer_end_object(w);
}
