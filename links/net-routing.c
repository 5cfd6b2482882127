/* net-routing.c: breadth-first shortest paths over the link graph. */
#include "links/net-routing.h"

typedef struct {
    SimIface *local; /* this node's end */
    SimNode *peer;
} Adj;

guint net_routing_populate(SimWorld *world, GPtrArray *links)
{
    GHashTable *adj = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)g_array_unref);
    for (guint i = 0; i < links->len; i++) {
        SimLink *l = links->pdata[i];
        SimIface *a = sim_link_end(l, 0), *b = sim_link_end(l, 1);
        for (int k = 0; k < 2; k++) {
            SimIface *me = k ? b : a, *other = k ? a : b;
            GArray *arr = g_hash_table_lookup(adj, me->node);
            if (!arr) {
                arr = g_array_new(FALSE, FALSE, sizeof(Adj));
                g_hash_table_insert(adj, me->node, arr);
            }
            Adj e = {me, other->node};
            g_array_append_val(arr, e);
        }
    }
    guint added = 0;
    for (guint n = 0; n < world->nodes->len; n++) {
        SimNode *src = world->nodes->pdata[n];
        NetStack *s = net_stack_of(src);
        if (!s)
            continue;
        GHashTable *first_hop = g_hash_table_new(g_direct_hash, g_direct_equal);
        GQueue queue = G_QUEUE_INIT;
        GPtrArray *order = g_ptr_array_new();
        g_hash_table_insert(first_hop, src, NULL);
        g_queue_push_tail(&queue, src);
        while (!g_queue_is_empty(&queue)) {
            SimNode *cur = g_queue_pop_head(&queue);
            if (cur != src) {
                g_ptr_array_add(order, cur);
                NetStack *cs = net_stack_of(cur);
                if (!cs || !net_stack_forwarding(cs))
                    continue; /* reachable, but nothing beyond it */
            }
            GArray *arr = g_hash_table_lookup(adj, cur);
            for (guint k = 0; arr && k < arr->len; k++) {
                Adj *e = &g_array_index(arr, Adj, k);
                if (g_hash_table_contains(first_hop, e->peer))
                    continue;
                SimIface *hop = cur == src ? e->local : g_hash_table_lookup(first_hop, cur);
                g_hash_table_insert(first_hop, e->peer, hop);
                g_queue_push_tail(&queue, e->peer);
            }
        }
        for (guint k = 0; k < order->len; k++) {
            SimNode *dst = order->pdata[k];
            SimIface *hop = g_hash_table_lookup(first_hop, dst);
            for (guint f = 0; f < dst->ifaces->len; f++) {
                SimIface *di = dst->ifaces->pdata[f];
                for (guint a = 0; a < di->addrs->len; a++) {
                    const SimPrefix *p = &g_array_index(di->addrs, SimPrefix, a);
                    if (net_stack_has_route(s, p))
                        continue;
                    net_stack_add_route(s, p, hop);
                    added++;
                }
            }
        }
        g_ptr_array_free(order, TRUE);
        g_hash_table_destroy(first_hop);
    }
    g_hash_table_destroy(adj);
    return added;
}
