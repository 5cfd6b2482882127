/* scenario-ranks.c: operator domains onto MPI ranks (scenario-ranks.h). */
#include "scenarios/scenario-ranks.h"

static char *where(const Scenario *sc, int line)
{
    if (line > 0)
        return g_strdup_printf("%s:%d", sc->path, line);
    return g_strdup(line < 0 ? "--set" : sc->path);
}

gboolean scenario_assign_ranks(const Scenario *sc, guint size, guint32 *ranks, GError **error)
{
    g_autoptr(GHashTable) domain_rank = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) node_rank = g_hash_table_new(g_str_hash, g_str_equal); /* name -> rank */
    guint n_domains = 0;
    g_return_val_if_fail(size > 0, FALSE);
    for (guint i = 0; i < sc->nodes->len; i++) {
        const ScenarioNode *n = sc->nodes->pdata[i];
        gpointer r;
        if (!g_hash_table_lookup_extended(domain_rank, n->domain, NULL, &r)) {
            r = GUINT_TO_POINTER(n_domains++ % size);
            g_hash_table_insert(domain_rank, n->domain, r);
        }
        ranks[i] = GPOINTER_TO_UINT(r);
        if (n->rank >= 0) {
            if ((guint)n->rank >= size) {
                g_autofree char *w = where(sc, n->rank_line);
                g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID,
                            "%s: node.%s.rank: rank %d, but the run has %u rank%s (mpirun -np)", w, n->name, n->rank,
                            size, size == 1 ? "" : "s");
                return FALSE;
            }
            ranks[i] = (guint32)n->rank;
        }
        g_hash_table_insert(node_rank, n->name, GUINT_TO_POINTER(ranks[i]));
    }
    for (guint i = 0; i < sc->links->len; i++) {
        const ScenarioLink *k = sc->links->pdata[i];
        guint32 r[2];
        for (int e = 0; e < 2; e++)
            r[e] = GPOINTER_TO_UINT(g_hash_table_lookup(node_rank, k->end[e].node));
        if (r[0] != r[1] && k->config.delay <= 0) {
            g_autofree char *w = where(sc, k->line);
            g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVALID,
                        "%s: link.%s: joins %s (rank %u) and %s (rank %u) with no delay; a link between ranks needs "
                        "a delay > 0 (it bounds ns-3's synchronisation window); give it one, or put both ends on "
                        "one rank with their `rank` keys",
                        w, k->name, k->end[0].node, r[0], k->end[1].node, r[1]);
            return FALSE;
        }
    }
    return TRUE;
}
