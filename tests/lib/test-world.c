/* test-world.c: see test-world.h. */
#include "tests/lib/test-world.h"
#include <glib/gstdio.h>
#include <string.h>

void test_world_init(TestWorld *tw, const char *name, const char *text, const char *const *overrides)
{
    memset(tw, 0, sizeof *tw);
    GError *err = NULL;
    g_autofree char *tmpl = g_strdup_printf("%s-XXXXXX", name);
    tw->dir = g_dir_make_tmp(tmpl, &err);
    g_assert_no_error(err);
    g_autofree char *file = g_strdup_printf("%s.ini", name);
    tw->path = g_build_filename(tw->dir, file, NULL);
    g_assert_true(g_file_set_contents(tw->path, text, -1, &err));
    tw->sc = scenario_load(tw->path, overrides, &err);
    g_assert_no_error(err);
    tw->sw = scenario_world_build(tw->sc, NULL, &err);
    g_assert_no_error(err);
    tw->w = tw->sw->world;
}

static void event_free(gpointer p)
{
    TestEvent *e = p;
    g_free(e->node);
    g_free(e->name);
    g_hash_table_destroy(e->attrs);
    g_free(e);
}

void test_world_clear(TestWorld *tw)
{
    if (tw->events)
        sim_trace_remove_observer(tw->w->trace, &tw->obs);
    if (tw->pcap) {
        sim_trace_remove_observer(tw->w->trace, pcapng_writer_observer(tw->pcap));
        GError *err = NULL;
        g_assert_true(pcapng_writer_finish(tw->pcap, &err));
        g_assert_no_error(err);
        pcapng_writer_free(tw->pcap);
        fclose(tw->pcap_file);
        g_unlink(tw->pcap_path);
    }
    scenario_world_free(tw->sw);
    scenario_free(tw->sc);
    if (tw->events)
        g_ptr_array_free(tw->events, TRUE);
    g_unlink(tw->path);
    g_rmdir(tw->dir);
    g_free(tw->pcap_path);
    g_free(tw->path);
    g_free(tw->dir);
    memset(tw, 0, sizeof *tw);
}

void test_world_run_for(TestWorld *tw, SimTime dt)
{
    sim_engine_run_until(tw->w->engine, sim_world_now(tw->w) + dt);
}

void test_world_run_until(TestWorld *tw, SimTime t)
{
    sim_engine_run_until(tw->w->engine, t);
}

SimNode *test_world_node(TestWorld *tw, const char *name, const char *kind)
{
    SimNode *node = sim_world_find_node(tw->w, name);
    g_assert_nonnull(node);
    if (kind) {
        g_free(node->kind);
        node->kind = g_strdup(kind);
    }
    return node;
}

static void on_event(SimObserver *self, const SimTraceEvent *ev)
{
    TestWorld *tw = (TestWorld *)self;
    TestEvent *e = g_new0(TestEvent, 1);
    e->node = g_strdup(ev->node);
    e->name = g_strdup(ev->name);
    e->attrs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (size_t i = 0; i < ev->n_attrs; i++) {
        const SimAttr *a = &ev->attrs[i];
        char *v = a->type == SIM_ATTR_STR    ? g_strdup(a->s)
                  : a->type == SIM_ATTR_BOOL ? g_strdup(a->i ? "true" : "false")
                                             : g_strdup_printf("%" G_GINT64_FORMAT, a->i);
        g_hash_table_replace(e->attrs, g_strdup(a->key), v);
    }
    g_ptr_array_add(tw->events, e);
}

void test_world_record_events(TestWorld *tw)
{
    g_assert_null(tw->events);
    tw->events = g_ptr_array_new_with_free_func(event_free);
    tw->obs.event = on_event;
    sim_trace_add_observer(tw->w->trace, &tw->obs);
}

static gboolean event_is(const TestEvent *e, const char *node, const char *name)
{
    return g_str_equal(e->node, node) && g_str_equal(e->name, name);
}

guint test_world_event_count(const TestWorld *tw, const char *node, const char *name, const char *key,
                             const char *value)
{
    g_assert_nonnull(tw->events);
    guint c = 0;
    for (guint i = 0; i < tw->events->len; i++) {
        const TestEvent *e = tw->events->pdata[i];
        if (!event_is(e, node, name))
            continue;
        const char *v = key ? g_hash_table_lookup(e->attrs, key) : NULL;
        c += !key || (v && g_str_equal(v, value));
    }
    return c;
}

const char *test_world_event_last(const TestWorld *tw, const char *node, const char *name, const char *key)
{
    g_assert_nonnull(tw->events);
    for (guint i = tw->events->len; i-- > 0;) {
        const TestEvent *e = tw->events->pdata[i];
        if (event_is(e, node, name))
            return g_hash_table_lookup(e->attrs, key);
    }
    return NULL;
}

void test_world_capture(TestWorld *tw)
{
    g_assert_null(tw->pcap);
    tw->pcap_path = g_build_filename(tw->dir, "trace.pcapng", NULL);
    tw->pcap_file = fopen(tw->pcap_path, "wb");
    g_assert_nonnull(tw->pcap_file);
    tw->pcap = pcapng_writer_new(tw->pcap_file, "test");
    sim_trace_add_observer(tw->w->trace, pcapng_writer_observer(tw->pcap));
}

void test_world_capture_flush(TestWorld *tw)
{
    GError *err = NULL;
    g_assert_true(pcapng_writer_finish(tw->pcap, &err));
    g_assert_no_error(err);
    fflush(tw->pcap_file);
}

guint64 test_node_report_u(const SimNodeKind *kind, SimNode *node, const char *path)
{
    SimReport *rep = sim_report_new();
    kind->report(node, rep);
    const SimReportItem *it = sim_report_lookup(rep, path);
    g_assert_nonnull(it);
    guint64 v = it->u;
    sim_report_free(rep);
    return v;
}
