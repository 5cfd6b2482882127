/* sim-host-clock.c: per-category CPU time totals. */
#include "sim-core/sim-host-clock.h"
#include <string.h>
#include <time.h>

typedef struct {
    int64_t ns;
    uint64_t count;
} Total;

static GTree *totals;

int64_t sim_host_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static gint cmp(gconstpointer a, gconstpointer b, gpointer u)
{
    (void)u;
    return strcmp(a, b);
}

void sim_host_cpu_add(const char *category, int64_t ns)
{
    if (!totals)
        totals = g_tree_new_full(cmp, NULL, g_free, g_free);
    Total *t = g_tree_lookup(totals, category);
    if (!t) {
        t = g_new0(Total, 1);
        g_tree_insert(totals, g_strdup(category), t);
    }
    t->ns += ns;
    t->count++;
}

typedef struct {
    void (*fn)(const char *, int64_t, uint64_t, void *);
    void *user;
} Visit;

static gboolean visit(gpointer k, gpointer v, gpointer u)
{
    Visit *vis = u;
    Total *t = v;
    vis->fn(k, t->ns, t->count, vis->user);
    return FALSE;
}

void sim_host_cpu_foreach(void (*fn)(const char *category, int64_t ns, uint64_t count, void *user), void *user)
{
    Visit v = {fn, user};
    if (totals)
        g_tree_foreach(totals, visit, &v);
}

void sim_host_cpu_reset(void)
{
    if (totals)
        g_tree_destroy(totals);
    totals = NULL;
}
