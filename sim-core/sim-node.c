/* sim-node.c: world, nodes, interfaces. */
#include "sim-core/sim-node.h"
#include <string.h>

G_DEFINE_QUARK(sim-node-error-quark, sim_node_error)

static void iface_free(gpointer p)
{
    SimIface *i = p;
    g_free(i->name);
    g_array_free(i->addrs, TRUE);
    g_free(i);
}

static void node_free(gpointer p)
{
    SimNode *n = p;
    if (n->impl_free)
        n->impl_free(n->impl);
    if (n->stack_free)
        n->stack_free(n->stack);
    g_ptr_array_free(n->ifaces, TRUE);
    sim_rng_free(n->rng);
    g_free(n->name);
    g_free(n->kind);
    g_free(n->domain);
    g_free(n);
}

SimWorld *sim_world_new(SimEngine *engine, uint64_t seed)
{
    SimWorld *w = g_new0(SimWorld, 1);
    w->engine = engine;
    w->trace = sim_trace_new(engine);
    w->seed = seed;
    w->nodes = g_ptr_array_new_with_free_func(node_free);
    w->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    w->records = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    w->record_order = g_ptr_array_new_with_free_func(g_free);
    w->rank = -1;
    return w;
}

void sim_world_free(SimWorld *world)
{
    if (!world)
        return;
    g_hash_table_destroy(world->by_name);
    g_hash_table_destroy(world->records);
    g_ptr_array_free(world->record_order, TRUE);
    g_ptr_array_free(world->nodes, TRUE);
    g_datalist_clear(&world->shared);
    sim_trace_free(world->trace);
    sim_engine_free(world->engine);
    g_free(world);
}

void sim_world_set_shared(SimWorld *world, const char *key, gpointer data, GDestroyNotify destroy)
{
    g_datalist_set_data_full(&world->shared, key, data, destroy);
}

gpointer sim_world_get_shared(const SimWorld *world, const char *key)
{
    GData *d = world->shared; /* g_datalist_get_data takes a non-const list; it does not modify it */
    return g_datalist_get_data(&d, key);
}

uint64_t sim_node_next_packet_uid(SimNode *node)
{
    return (uint64_t)(node->index + 1) << 32 | ++node->next_packet_seq;
}

SimNode *sim_node_new(SimWorld *world, const char *name, const char *kind, const char *domain, GError **error)
{
    if (g_hash_table_contains(world->by_name, name)) {
        g_set_error(error, sim_node_error_quark(), 0, "node '%s' already exists", name);
        return NULL;
    }
    SimNode *n = g_new0(SimNode, 1);
    n->world = world;
    n->name = g_strdup(name);
    n->kind = g_strdup(kind);
    n->domain = g_strdup(domain ? domain : "");
    g_autofree char *stream = g_strdup_printf("node:%s", name);
    n->rng = sim_rng_new(world->seed, stream);
    n->ifaces = g_ptr_array_new_with_free_func(iface_free);
    n->index = world->nodes->len;
    g_ptr_array_add(world->nodes, n);
    g_hash_table_insert(world->by_name, n->name, n);
    return n;
}

SimNode *sim_world_find_node(const SimWorld *world, const char *name)
{
    return g_hash_table_lookup(world->by_name, name);
}

void sim_world_add_record(SimWorld *world, const char *cls, const char *name, const SimConfig *cfg)
{
    char *key = g_strdup_printf("%s.%s", cls, name);
    if (!g_hash_table_contains(world->records, key))
        g_ptr_array_add(world->record_order, g_strdup(key));
    g_hash_table_replace(world->records, key, (gpointer)cfg);
}

const SimConfig *sim_world_record(const SimWorld *world, const char *cls, const char *name)
{
    g_autofree char *key = g_strdup_printf("%s.%s", cls, name);
    return g_hash_table_lookup(world->records, key);
}

GPtrArray *sim_world_record_names(const SimWorld *world, const char *cls)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    size_t n = strlen(cls);
    for (guint i = 0; i < world->record_order->len; i++) {
        const char *k = world->record_order->pdata[i];
        if (strncmp(k, cls, n) == 0 && k[n] == '.')
            g_ptr_array_add(out, g_strdup(k + n + 1));
    }
    return out;
}

SimIface *sim_node_find_iface(const SimNode *node, const char *name)
{
    for (guint k = 0; k < node->ifaces->len; k++) {
        SimIface *i = node->ifaces->pdata[k];
        if (g_str_equal(i->name, name))
            return i;
    }
    return NULL;
}

SimIface *sim_node_add_iface(SimNode *node, const char *name, uint32_t mtu)
{
    SimIface *i = sim_node_find_iface(node, name);
    if (i)
        return i;
    i = g_new0(SimIface, 1);
    i->node = node;
    i->name = g_strdup(name);
    i->addrs = g_array_new(FALSE, TRUE, sizeof(SimPrefix));
    i->mtu = mtu;
    g_ptr_array_add(node->ifaces, i);
    return i;
}

void sim_iface_add_address(SimIface *iface, const SimPrefix *addr)
{
    g_array_append_val(iface->addrs, *addr);
}

const SimPrefix *sim_iface_address(const SimIface *iface, SimAddrFamily family)
{
    for (guint k = 0; k < iface->addrs->len; k++) {
        const SimPrefix *p = &g_array_index(iface->addrs, SimPrefix, k);
        if (p->addr.family == family)
            return p;
    }
    return NULL;
}

SimRng *sim_node_rng_new(const SimNode *node, const char *purpose)
{
    g_autofree char *stream = g_strdup_printf("node:%s:%s", node->name, purpose);
    return sim_rng_new(node->world->seed, stream);
}

void sim_node_event(SimNode *node, const char *name, const SimAttr *attrs, size_t n_attrs)
{
    sim_trace_event(node->world->trace, node->name, name, attrs, n_attrs);
}
