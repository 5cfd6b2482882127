/* scenario-build.c: building and reporting a scenario's world. */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_SCENARIO
#include "scenarios/scenario-build.h"
#include "links/net-routing.h"
#include "links/net-stack.h"

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
        if (n->kind->start)
            sim_engine_schedule_at(w->engine, 0, start_node, node);
    }
    for (guint i = 0; i < sc->actions->len; i++) {
        const ScenarioAction *a = sc->actions->pdata[i];
        PendingAction *p = g_new(PendingAction, 1);
        p->node = sim_world_find_node(w, a->node);
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

void scenario_world_report(ScenarioWorld *sw, SimReport *r)
{
    for (guint i = 0; i < sw->links->len; i++) {
        SimLink *l = sw->links->pdata[i];
        const SimLinkConfig *c = sim_link_config(l);
        SimIface *a = sim_link_end(l, 0), *b = sim_link_end(l, 1);
        g_autofree char *ab = g_strdup_printf("%s>%s", a->node->name, b->node->name);
        g_autofree char *ba = g_strdup_printf("%s>%s", b->node->name, a->node->name);
        sim_report_begin(r, "links");
        sim_report_begin(r, sim_link_name(l));
        sim_report_string(r, "kind", sim_link_kind_name(c->kind));
        sim_report_bool(r, "ciphered", sim_link_kind_ciphered(c->kind));
        sim_report_double(r, "configured_loss", c->loss, 6);
        SimLinkDirStats d;
        sim_link_stats(l, 0, &d);
        report_dir(r, ab, &d);
        sim_link_stats(l, 1, &d);
        report_dir(r, ba, &d);
        sim_report_end(r);
        sim_report_end(r);
    }
    SimWorld *w = sw->world;
    for (guint i = 0; i < w->nodes->len; i++) {
        SimNode *node = w->nodes->pdata[i];
        const SimNodeKind *kind = sim_node_kind_find(node->kind);
        if (kind && kind->report)
            kind->report(node, r);
    }
    sim_node_kinds_finish_report(r);
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
