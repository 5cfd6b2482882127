/* scenario-build.c: building and reporting a scenario's world. */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_SCENARIO
#include "scenarios/scenario-build.h"
#include "links/net-routing.h"
#include "links/net-stack.h"
#include "sim-core/sim-report-wire.h"
#include "sim-core/sim-wire.h"

typedef struct {
    SimNode *node;
    const ScenarioAction *action;
} PendingAction;

static void run_action(void *arg)
{
    PendingAction *p = arg;
    sim_node_event(p->node, "action", (SimAttr[]){SIM_ATTR_S("name", p->action->name), SIM_ATTR_S("do", p->action->kind->name)},
                   2);
    p->action->kind->run(p->node, p->action->name, p->action->args);
}

static void start_node(void *arg)
{
    SimNode *node = arg;
    const SimNodeKind *kind = sim_node_kind_find(node->kind);
    kind->start(node);
}

ScenarioWorld *scenario_world_begin(const Scenario *sc, SimBackend *backend, GError **error)
{
    ScenarioWorld *sw = g_new0(ScenarioWorld, 1);
    sw->scenario = sc;
    sw->world = sim_world_new(sim_engine_new(backend), sc->seed);
    sw->links = g_ptr_array_new_with_free_func((GDestroyNotify)sim_link_free);
    sw->pending = g_ptr_array_new_with_free_func(g_free);
    SimWorld *w = sw->world;

    for (guint i = 0; i < sc->records->len; i++) {
        const ScenarioRecord *r = sc->records->pdata[i];
        sim_world_add_record(w, r->cls, r->name, r->cfg);
    }
    for (guint i = 0; i < sc->nodes->len; i++) {
        const ScenarioNode *n = sc->nodes->pdata[i];
        SimNode *node = sim_node_new(w, n->name, n->kind->name, n->domain, error);
        if (!node) {
            scenario_world_free(sw);
            return NULL;
        }
    }
    return sw;
}

gboolean scenario_world_finish(ScenarioWorld *sw, GError **error)
{
    const Scenario *sc = sw->scenario;
    SimWorld *w = sw->world;
    for (guint i = 0; i < sc->links->len; i++) {
        const ScenarioLink *k = sc->links->pdata[i];
        SimIface *ends[2];
        for (int e = 0; e < 2; e++) {
            SimNode *node = sim_world_find_node(w, k->end[e].node);
            ends[e] = sim_node_add_iface(node, k->end[e].iface, k->config.mtu);
            for (guint a = 0; a < k->end[e].addrs->len; a++)
                sim_iface_add_address(ends[e], &g_array_index(k->end[e].addrs, SimPrefix, a));
        }
        g_ptr_array_add(sw->links, sim_link_new(w, k->name, &k->config, ends[0], ends[1]));
    }
    for (guint i = 0; i < sc->nodes->len; i++) {
        const ScenarioNode *n = sc->nodes->pdata[i];
        SimNode *node = sim_world_find_node(w, n->name);
        NetStack *stack = net_stack_new(node);
        net_stack_set_forwarding(stack, n->kind->forwarding);
        for (guint r = 0; r < n->routes->len; r++) {
            const ScenarioRoute *rt = &g_array_index(n->routes, ScenarioRoute, r);
            net_stack_add_route(stack, &rt->prefix, sim_node_find_iface(node, rt->iface));
        }
    }
    if (sc->auto_routing)
        net_routing_populate(w, sw->links);
    for (guint i = 0; i < sc->nodes->len; i++) {
        const ScenarioNode *n = sc->nodes->pdata[i];
        SimNode *node = sim_world_find_node(w, n->name);
        GError *err = NULL;
        if (!n->kind->create(node, n->cfg, &err)) {
            g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID, "%s: node.%s: %s", sc->path, n->name,
                        err->message);
            g_error_free(err);
            goto fail;
        }
        if (n->kind->start && sim_node_is_local(node))
            sim_engine_schedule_at(w->engine, 0, start_node, node);
    }
    for (guint i = 0; i < sc->actions->len; i++) {
        const ScenarioAction *a = sc->actions->pdata[i];
        SimNode *node = sim_world_find_node(w, a->node);
        if (!sim_node_is_local(node))
            continue; /* its rank runs it */
        PendingAction *p = g_new(PendingAction, 1);
        p->node = node;
        p->action = a;
        g_ptr_array_add(sw->pending, p);
        sim_engine_schedule_at(w->engine, a->at, run_action, p);
    }
    return TRUE;
fail:
    scenario_world_free(sw);
    return FALSE;
}

ScenarioWorld *scenario_world_build(const Scenario *sc, SimBackend *backend, GError **error)
{
    ScenarioWorld *sw = scenario_world_begin(sc, backend, error);
    return sw && scenario_world_finish(sw, error) ? sw : NULL;
}

static void report_dir(SimReport *r, const char *key, const SimLinkDirStats *d)
{
    sim_report_begin(r, key);
    sim_report_uint(r, "tx_packets", d->tx_packets);
    sim_report_uint(r, "tx_bytes", d->tx_bytes);
    sim_report_uint(r, "rx_packets", d->rx_packets);
    sim_report_uint(r, "rx_bytes", d->rx_bytes);
    sim_report_uint(r, "lost", d->lost);
    sim_report_uint(r, "queue_drops", d->queue_drops);
    sim_report_uint(r, "mtu_drops", d->mtu_drops);
    sim_report_uint(r, "max_queue", d->max_queue);
    sim_report_double(r, "loss_rate", d->tx_packets ? (double)d->lost / (double)d->tx_packets : 0.0, 6);
    sim_report_end(r);
}

void scenario_world_set_ranks(ScenarioWorld *sw, guint32 this_rank, const guint32 *ranks)
{
    SimWorld *w = sw->world;
    w->rank = (int)this_rank;
    for (guint i = 0; i < sw->scenario->nodes->len; i++) {
        const ScenarioNode *n = sw->scenario->nodes->pdata[i];
        sim_world_find_node(w, n->name)->rank = ranks[i];
    }
}

static void report_link(SimReport *r, SimLink *l, const SimLinkDirStats d[2])
{
    const SimLinkConfig *c = sim_link_config(l);
    SimIface *a = sim_link_end(l, 0), *b = sim_link_end(l, 1);
    g_autofree char *ab = g_strdup_printf("%s>%s", a->node->name, b->node->name);
    g_autofree char *ba = g_strdup_printf("%s>%s", b->node->name, a->node->name);
    sim_report_begin(r, "links");
    sim_report_begin(r, sim_link_name(l));
    sim_report_string(r, "kind", sim_link_kind_name(c->kind));
    sim_report_bool(r, "ciphered", sim_link_kind_ciphered(c->kind));
    sim_report_double(r, "configured_loss", c->loss, 6);
    report_dir(r, ab, &d[0]);
    report_dir(r, ba, &d[1]);
    sim_report_end(r);
    sim_report_end(r);
}

static void report_node(SimNode *node, SimReport *r)
{
    const SimNodeKind *kind = sim_node_kind_find(node->kind);
    if (kind && kind->report)
        kind->report(node, r);
}

void scenario_world_report(ScenarioWorld *sw, SimReport *r)
{
    for (guint i = 0; i < sw->links->len; i++) {
        SimLinkDirStats d[2];
        sim_link_stats(sw->links->pdata[i], 0, &d[0]);
        sim_link_stats(sw->links->pdata[i], 1, &d[1]);
        report_link(r, sw->links->pdata[i], d);
    }
    SimWorld *w = sw->world;
    for (guint i = 0; i < w->nodes->len; i++)
        report_node(w->nodes->pdata[i], r);
    sim_node_kinds_finish_report(r);
}

/* Part format: u32 links, per link and direction 8 x u64 counters; u32 nodes, per node u8 local
 * and, when local, the bytes of its report. */
GBytes *scenario_world_report_part(ScenarioWorld *sw)
{
    GByteArray *b = g_byte_array_new();
    sim_wire_put_u32(b, sw->links->len);
    for (guint i = 0; i < sw->links->len; i++)
        for (int dir = 0; dir < 2; dir++) {
            SimLinkDirStats d;
            sim_link_stats(sw->links->pdata[i], dir, &d);
            const uint64_t v[8] = {d.tx_packets, d.tx_bytes,  d.rx_packets, d.rx_bytes,
                                   d.lost,       d.queue_drops, d.mtu_drops, d.max_queue};
            for (int k = 0; k < 8; k++)
                sim_wire_put_u64(b, v[k]);
        }
    SimWorld *w = sw->world;
    sim_wire_put_u32(b, w->nodes->len);
    for (guint i = 0; i < w->nodes->len; i++) {
        SimNode *node = w->nodes->pdata[i];
        gboolean local = sim_node_is_local(node);
        sim_wire_put_u8(b, local);
        if (!local)
            continue;
        SimReport *one = sim_report_new();
        report_node(node, one);
        GByteArray *tree = g_byte_array_new();
        sim_report_serialize(one, tree);
        sim_wire_put_bytes(b, tree->data, tree->len);
        g_byte_array_unref(tree);
        sim_report_free(one);
    }
    return g_byte_array_free_to_bytes(b);
}

gboolean scenario_world_report_merged(ScenarioWorld *sw, SimReport *r, GBytes *const *parts, guint n_parts,
                                      GError **error)
{
    SimWorld *w = sw->world;
    guint n_links = sw->links->len, n_nodes = w->nodes->len;
    SimLinkDirStats *sum = g_new0(SimLinkDirStats, n_links * 2);
    const uint8_t **node_data = g_new0(const uint8_t *, n_nodes);
    uint32_t *node_len = g_new0(uint32_t, n_nodes);
    gboolean ok = TRUE;
    for (guint p = 0; p < n_parts && ok; p++) {
        gsize len = 0;
        const void *data = g_bytes_get_data(parts[p], &len);
        SimWireReader rd = sim_wire_reader(data, len);
        ok = sim_wire_u32(&rd) == n_links;
        for (guint i = 0; i < n_links * 2 && ok; i++) {
            uint64_t v[8];
            for (int k = 0; k < 8; k++)
                v[k] = sim_wire_u64(&rd);
            SimLinkDirStats *d = &sum[i];
            d->tx_packets += v[0], d->tx_bytes += v[1], d->rx_packets += v[2], d->rx_bytes += v[3];
            d->lost += v[4], d->queue_drops += v[5], d->mtu_drops += v[6];
            d->max_queue = MAX(d->max_queue, (uint32_t)v[7]);
        }
        ok = ok && sim_wire_u32(&rd) == n_nodes;
        for (guint i = 0; i < n_nodes && ok; i++) {
            if (!sim_wire_u8(&rd))
                continue;
            uint32_t l = 0;
            const uint8_t *tree = sim_wire_bytes(&rd, &l);
            if (!tree || node_data[i]) /* two ranks claim the node */
                ok = FALSE;
            node_data[i] = tree, node_len[i] = l;
        }
        ok = ok && !rd.bad && sim_wire_done(&rd);
        if (!ok)
            g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID, "the report part of rank %u is corrupt", p);
    }
    for (guint i = 0; i < n_links && ok; i++)
        report_link(r, sw->links->pdata[i], &sum[i * 2]);
    for (guint i = 0; i < n_nodes && ok; i++) {
        SimNode *node = w->nodes->pdata[i];
        if (!node_data[i]) {
            g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID, "no rank reported node %s", node->name);
            ok = FALSE;
        } else {
            ok = sim_report_replay(r, node_data[i], node_len[i], error);
        }
    }
    if (ok)
        sim_node_kinds_finish_report(r);
    g_free(sum);
    g_free(node_data);
    g_free(node_len);
    return ok;
}

void scenario_world_free(ScenarioWorld *sw)
{
    if (!sw)
        return;
    /* Links first (they point at the nodes' interfaces), then the world: nodes, trace, engine
     * with any events never run (their records are freed with `pending`, after). */
    g_ptr_array_free(sw->links, TRUE);
    sim_world_free(sw->world);
    g_ptr_array_free(sw->pending, TRUE);
    g_free(sw);
}
