/* sim-report.c: the result tree. */
#include "sim-core/sim-report.h"

struct SimReport {
    SimReportItem root;
    GPtrArray *stack; /* open sections, root first */
};

static void item_free(gpointer p)
{
    SimReportItem *it = p;
    g_free(it->key);
    g_free(it->s);
    if (it->children)
        g_ptr_array_free(it->children, TRUE);
    g_free(it);
}

SimReport *sim_report_new(void)
{
    SimReport *r = g_new0(SimReport, 1);
    r->root.type = SIM_REPORT_SECTION;
    r->root.children = g_ptr_array_new_with_free_func(item_free);
    r->stack = g_ptr_array_new();
    g_ptr_array_add(r->stack, &r->root);
    return r;
}

void sim_report_free(SimReport *report)
{
    if (!report)
        return;
    g_ptr_array_free(report->root.children, TRUE);
    g_ptr_array_free(report->stack, TRUE);
    g_free(report);
}

static SimReportItem *current(SimReport *r)
{
    return r->stack->pdata[r->stack->len - 1];
}

static SimReportItem *find_child(const SimReportItem *sec, const char *key)
{
    for (guint i = 0; sec->children && i < sec->children->len; i++) {
        SimReportItem *c = sec->children->pdata[i];
        if (g_str_equal(c->key, key))
            return c;
    }
    return NULL;
}

/* Replaces an existing value of the same key, so a model may update a figure. */
static SimReportItem *add(SimReport *r, const char *key, SimReportType type)
{
    SimReportItem *sec = current(r);
    SimReportItem *it = find_child(sec, key);
    if (it && it->type != SIM_REPORT_SECTION && type != SIM_REPORT_SECTION) {
        g_clear_pointer(&it->s, g_free);
        it->type = type;
        return it;
    }
    it = g_new0(SimReportItem, 1);
    it->key = g_strdup(key);
    it->type = type;
    g_ptr_array_add(sec->children, it);
    return it;
}

void sim_report_begin(SimReport *report, const char *key)
{
    SimReportItem *it = find_child(current(report), key);
    if (!it || it->type != SIM_REPORT_SECTION) {
        it = add(report, key, SIM_REPORT_SECTION);
        it->children = g_ptr_array_new_with_free_func(item_free);
    }
    g_ptr_array_add(report->stack, it);
}

void sim_report_end(SimReport *report)
{
    g_return_if_fail(report->stack->len > 1);
    g_ptr_array_set_size(report->stack, report->stack->len - 1);
}

void sim_report_int(SimReport *report, const char *key, int64_t v)
{
    add(report, key, SIM_REPORT_INT)->i = v;
}

void sim_report_uint(SimReport *report, const char *key, uint64_t v)
{
    add(report, key, SIM_REPORT_UINT)->u = v;
}

void sim_report_double(SimReport *report, const char *key, double v, int decimals)
{
    SimReportItem *it = add(report, key, SIM_REPORT_DOUBLE);
    it->d = v;
    it->decimals = decimals;
}

void sim_report_string(SimReport *report, const char *key, const char *v)
{
    add(report, key, SIM_REPORT_STRING)->s = g_strdup(v ? v : "");
}

void sim_report_bool(SimReport *report, const char *key, gboolean v)
{
    add(report, key, SIM_REPORT_BOOL)->i = v ? 1 : 0;
}

const SimReportItem *sim_report_root(const SimReport *report)
{
    return &report->root;
}

const SimReportItem *sim_report_lookup(const SimReport *report, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    const SimReportItem *it = &report->root;
    for (char **p = parts; *p && it; p++)
        it = find_child(it, *p);
    return it;
}
