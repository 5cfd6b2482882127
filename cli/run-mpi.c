/* run-mpi.c: the distributed run (run-mpi.h). */
#include "cli/run-mpi.h"
#include "presim-config.h"
#include "scenarios/scenario-ranks.h"
#include "sim-core/sim-wire.h"
#if PRESIM_HAVE_NS3
#include "sim-core/ns3/sim-backend-ns3.h"
#include "sim-core/ns3/sim-mpi.h"
#endif
#include <sys/resource.h>

G_DEFINE_QUARK(presim-run-mpi-error-quark, run_mpi_error)

struct RunMpi {
    guint rank, size;
    TraceRecorder *recorder;
    SimWorld *world;
};

RunMpi *run_mpi_new(GError **error)
{
#if PRESIM_HAVE_NS3
    if (!sim_mpi_enable(error))
        return NULL;
    RunMpi *m = g_new0(RunMpi, 1);
    m->rank = sim_mpi_rank();
    m->size = sim_mpi_size();
    return m;
#else
    g_set_error(error, run_mpi_error_quark(), 0,
                "this build has no ns-3; --engine ns3-mpi needs ns-3 built with MPI (make ns3-mpi, docs/ns3.md)");
    return NULL;
#endif
}

guint run_mpi_rank(const RunMpi *m)
{
    return m->rank;
}

guint run_mpi_size(const RunMpi *m)
{
    return m->size;
}

static gboolean node_is_local(const char *name, void *user)
{
    SimNode *n = sim_world_find_node(user, name);
    return !n || sim_node_is_local(n);
}

ScenarioWorld *run_mpi_build(RunMpi *m, const Scenario *sc, GError **error)
{
#if PRESIM_HAVE_NS3
    g_autofree guint32 *ranks = g_new0(guint32, sc->nodes->len ? sc->nodes->len : 1);
    if (!scenario_assign_ranks(sc, m->size, ranks, error))
        return NULL;
    SimBackend *backend = sim_backend_ns3_new_distributed();
    if (!backend) {
        g_set_error(error, run_mpi_error_quark(), 0, "ns-3's distributed simulator could not be set up");
        return NULL;
    }
    ScenarioWorld *sw = scenario_world_begin(sc, backend, error);
    if (!sw)
        return NULL;
    scenario_world_set_ranks(sw, m->rank, ranks);
    if (!scenario_world_finish(sw, error))
        return NULL;
    m->world = sw->world;
    m->recorder = trace_recorder_new(node_is_local, sw->world);
    sim_trace_add_observer(sw->world->trace, trace_recorder_observer(m->recorder));
    return sw;
#else
    (void)m, (void)sc, (void)node_is_local;
    g_set_error(error, run_mpi_error_quark(), 0, "this build has no ns-3");
    return NULL;
#endif
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec * 1e-6;
}

/* Part of a rank: u64 executed, u64 pending, u64 foreign records, u64 own nodes, u64 records, f64
 * wall, f64 cpu, then the trace
 * records and the report part, each as u64 length and octets. */
gboolean run_mpi_collect(RunMpi *m, ScenarioWorld *sw, double wall, SimReport *report, RunMpiTotals *totals,
                         GError **error)
{
#if PRESIM_HAVE_NS3
    SimTrace *trace = sw->world->trace;
    sim_trace_remove_observer(trace, trace_recorder_observer(m->recorder));
    g_autoptr(GBytes) records = trace_recorder_take(m->recorder);
    g_autoptr(GBytes) report_part = scenario_world_report_part(sw);
    GByteArray *b = g_byte_array_new();
    sim_wire_put_u64(b, sim_engine_executed(sw->world->engine));
    sim_wire_put_u64(b, sim_engine_pending(sw->world->engine));
    sim_wire_put_u64(b, trace_recorder_foreign(m->recorder));
    uint64_t local = 0;
    for (guint i = 0; i < sw->world->nodes->len; i++)
        local += sim_node_is_local(sw->world->nodes->pdata[i]);
    sim_wire_put_u64(b, local);
    sim_wire_put_u64(b, trace_recorder_count(m->recorder));
    sim_wire_put_f64(b, wall);
    sim_wire_put_f64(b, cpu_seconds());
    sim_wire_put_bytes64(b, g_bytes_get_data(records, NULL), g_bytes_get_size(records));
    sim_wire_put_bytes64(b, g_bytes_get_data(report_part, NULL), g_bytes_get_size(report_part));
    g_autoptr(GBytes) mine = g_byte_array_free_to_bytes(b);
    GPtrArray *all = sim_mpi_gather(mine);
    if (!all)
        return TRUE; /* not rank 0 */

    *totals = (RunMpiTotals){0};
    guint n = all->len;
    GBytes **rec = g_new0(GBytes *, n), **parts = g_new0(GBytes *, n);
    gboolean ok = TRUE;
    for (guint r = 0; r < n && ok; r++) {
        gsize len = 0;
        const void *data = g_bytes_get_data(all->pdata[r], &len);
        SimWireReader rd = sim_wire_reader(data, len);
        uint64_t executed = sim_wire_u64(&rd);
        totals->events_executed += executed;
        totals->events_pending += sim_wire_u64(&rd);
        uint64_t foreign = sim_wire_u64(&rd);
        uint64_t nodes = sim_wire_u64(&rd), n_records = sim_wire_u64(&rd);
        double w = sim_wire_f64(&rd), c = sim_wire_f64(&rd);
        if (r < G_N_ELEMENTS(totals->rank_wall)) {
            totals->rank_wall[r] = w, totals->rank_cpu[r] = c;
            totals->rank_nodes[r] = nodes, totals->rank_records[r] = n_records, totals->rank_events[r] = executed;
        }
        uint64_t l1 = 0, l2 = 0;
        const uint8_t *p1 = sim_wire_bytes64(&rd, &l1);
        const uint8_t *p2 = sim_wire_bytes64(&rd, &l2);
        if (!p1 || !p2 || rd.bad || !sim_wire_done(&rd)) {
            g_set_error(error, run_mpi_error_quark(), 0, "the data rank %u sent is corrupt", r);
            ok = FALSE;
        } else if (foreign) {
            g_set_error(error, run_mpi_error_quark(), 0,
                        "rank %u traced %" G_GUINT64_FORMAT " records of nodes it does not own (a node ran on two "
                        "ranks): the outputs would be wrong",
                        r, foreign);
            ok = FALSE;
        } else {
            rec[r] = g_bytes_new_from_bytes(all->pdata[r], (gsize)(p1 - (const uint8_t *)data), l1);
            parts[r] = g_bytes_new_from_bytes(all->pdata[r], (gsize)(p2 - (const uint8_t *)data), l2);
        }
    }
    ok = ok && trace_records_replay(trace, rec, n, &totals->merge, error);
    ok = ok && scenario_world_report_merged(sw, report, parts, n, error);
    for (guint r = 0; r < n; r++) {
        if (rec[r])
            g_bytes_unref(rec[r]);
        if (parts[r])
            g_bytes_unref(parts[r]);
    }
    g_free(rec);
    g_free(parts);
    g_ptr_array_unref(all);
    return ok;
#else
    (void)m, (void)sw, (void)wall, (void)report, (void)totals, (void)error, (void)cpu_seconds;
    return FALSE;
#endif
}

void run_mpi_free(RunMpi *m)
{
    if (!m)
        return;
    trace_recorder_free(m->recorder);
#if PRESIM_HAVE_NS3
    sim_mpi_disable();
#endif
    g_free(m);
}
