/* cmd-run.c: `presim run FILE` — load, build, run with the output observers, report.
 *
 * Deterministic outputs (trace.pcapng, events.jsonl, summary.json) depend only on the scenario, the
 * seed and the engine. Host measurements (wall and CPU time, events per second, peak memory) go to
 * host.json and the console, never into those files. Every output is written under a temporary
 * name and renamed when the run has finished, so an interrupted run leaves nothing half-written
 * under a final name. */
#include "analysis/atomic-file.h"
#include "analysis/key-log.h"
#include "analysis/event-log.h"
#include "analysis/json-writer.h"
#include "analysis/metrics.h"
#include "analysis/report-writer.h"
#include "cli/cli.h"
#include "cli/run-mpi.h"
#include "links/pcapng-writer.h"
#include "presim-config.h"
#if PRESIM_HAVE_NS3
#include "sim-core/ns3/sim-backend-ns3.h"
#endif
#include "scenarios/scenario-build.h"
#include "sim-core/sim-host-clock.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void progress(SimTime now, SimTime end, double wall, uint64_t events)
{
    int width = 30;
    double frac = end > 0 ? (double)now / (double)end : 1.0;
    int fill = (int)(frac * width + 0.5);
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    char b1[32], b2[32];
    fprintf(stderr, "\r  [%s] %3d%%  sim %s / %s  wall %.1fs  %.2fM ev/s ", bar, (int)(frac * 100 + 0.5),
            sim_time_format(now, b1), sim_time_format(end, b2), wall, wall > 0 ? (double)events / wall / 1e6 : 0.0);
    fflush(stderr);
}

typedef struct {
    AtomicFile *pcap_file, *events_file;
    PcapngWriter *pcap;
    EventLog *log;
    Metrics *metrics;
    KeyLog *esp_sas, *tls_keys;
} Outputs;

static void outputs_abort(Outputs *o)
{
    if (o->pcap)
        pcapng_writer_free(o->pcap);
    if (o->log)
        event_log_free(o->log);
    if (o->metrics)
        metrics_free(o->metrics);
    key_log_free(o->esp_sas); /* NULL-safe */
    key_log_free(o->tls_keys);
    if (o->pcap_file)
        atomic_file_abort(o->pcap_file);
    if (o->events_file)
        atomic_file_abort(o->events_file);
    *o = (Outputs){0};
}

static void write_summary(GString *out, const Scenario *sc, const ScenarioWorld *sw, SimTime end,
                          uint64_t executed, uint64_t pending, const SimReport *report, const Metrics *metrics)
{
    JsonWriter *w = json_writer_new(out, TRUE);
    g_autofree char *base = g_path_get_basename(sc->path);
    json_writer_begin_object(w);
    json_writer_key(w, "presim");
    json_writer_begin_object(w);
    json_writer_member_string(w, "version", PRESIM_VERSION);
    json_writer_member_string(w, "engine", sim_engine_backend_name(sw->world->engine));
    /* On ns-3 the links are ns-3 point-to-point devices (links/ns3/link-ns3.h); their transmissions
     * are ns-3 events, not counted in events_executed or events_pending below. */
    json_writer_member_string(w, "links", g_str_has_prefix(sim_engine_backend_name(sw->world->engine), "ns3")
                                              ? "ns3::PointToPointNetDevice"
                                              : "presim");
    json_writer_end_object(w);
    json_writer_key(w, "scenario");
    json_writer_begin_object(w);
    json_writer_member_string(w, "name", sc->name);
    json_writer_member_string(w, "file", base);
    json_writer_member_string(w, "description", sc->description);
    json_writer_member_uint(w, "seed", sc->seed);
    json_writer_member_int(w, "duration_ns", sc->duration);
    json_writer_member_int(w, "end_ns", end);
    json_writer_member_uint(w, "events_executed", executed); /* over all ranks in a distributed run */
    json_writer_member_uint(w, "events_pending", pending);
    json_writer_end_object(w);
    report_write_json_members(sim_report_root(report), w);
    json_writer_key(w, "trace");
    metrics_write_json(metrics, w);
    json_writer_end_object(w);
    g_string_append_c(out, '\n');
    json_writer_free(w);
}

static void cpu_member(const char *category, int64_t ns, uint64_t count, void *user)
{
    JsonWriter *w = user;
    json_writer_key(w, category);
    json_writer_begin_object(w);
    json_writer_member_fixed(w, "cpu_ms", (double)ns / 1e6, 6);
    json_writer_member_uint(w, "calls", count);
    json_writer_end_object(w);
}

static void write_host(GString *out, double wall, uint64_t events, const RunMpi *mpi, const RunMpiTotals *mt)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    JsonWriter *w = json_writer_new(out, TRUE);
    json_writer_begin_object(w);
    json_writer_member_string(w, "note", "host measurements: they vary from run to run and machine to machine");
    json_writer_member_fixed(w, "wall_seconds", wall, 6);
    json_writer_member_fixed(w, "cpu_user_seconds", (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6, 6);
    json_writer_member_fixed(w, "cpu_system_seconds", (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6, 6);
    json_writer_member_fixed(w, "events_per_second", wall > 0 ? (double)events / wall : 0, 0);
    json_writer_member_int(w, "peak_rss_kib", ru.ru_maxrss);
    if (mpi) { /* the figures above are rank 0's */
        json_writer_key(w, "mpi");
        json_writer_begin_object(w);
        json_writer_member_uint(w, "ranks", run_mpi_size(mpi));
        json_writer_member_uint(w, "cross_rank_ties", mt->merge.cross_rank_ties);
        json_writer_key(w, "per_rank");
        json_writer_begin_array(w);
        for (guint r = 0; r < run_mpi_size(mpi) && r < G_N_ELEMENTS(mt->rank_wall); r++) {
            json_writer_begin_object(w);
            json_writer_member_uint(w, "nodes", mt->rank_nodes[r]);
            json_writer_member_uint(w, "trace_records", mt->rank_records[r]);
            json_writer_member_uint(w, "events_executed", mt->rank_events[r]);
            json_writer_member_fixed(w, "wall_seconds", mt->rank_wall[r], 6);
            json_writer_member_fixed(w, "cpu_seconds", mt->rank_cpu[r], 6);
            json_writer_end_object(w);
        }
        json_writer_end_array(w);
        json_writer_end_object(w);
    }
    /* CPU time in cryptography per node and task ("ue1:aka", "pcscf:esp"), measured beside the
     * simulated time and never part of it. */
    json_writer_key(w, "crypto_cpu");
    json_writer_begin_object(w);
    sim_host_cpu_foreach(cpu_member, w);
    json_writer_end_object(w);
    json_writer_end_object(w);
    g_string_append_c(out, '\n');
    json_writer_free(w);
}

int cli_run(int argc, char **argv)
{
    gint64 seed = -1;
    g_autofree char *until_text = NULL, *out_dir = NULL, *engine = NULL;
    g_auto(GStrv) sets = NULL;
    gboolean quiet = FALSE, verbose = FALSE;
    GOptionEntry entries[] = {
        {"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of every random stream (overrides scenario.seed)", "N"},
        {"until", 0, 0, G_OPTION_ARG_STRING, &until_text, "Stop at this simulated time if before the duration", "T"},
        {"out", 0, 0, G_OPTION_ARG_FILENAME, &out_dir, "Output folder (default: out/<scenario name>)", "DIR"},
        {"engine", 0, 0, G_OPTION_ARG_STRING, &engine,
         "Engine back end: builtin (default), ns3, or ns3-mpi (under mpirun, with ns-3 built with MPI)", "NAME"},
        {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a scenario key, e.g. link.r-b.loss=5% (repeatable)",
         "GROUP.KEY=VALUE"},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress bar and no summary", NULL},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Debug output from every module", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("FILE - run a scenario");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(
        ctx, "Writes trace.pcapng, events.jsonl and summary.json (deterministic for a given scenario, seed and\n"
             "engine) and host.json (wall and CPU time) into the output folder, then prints a summary.\n\n"
             "Examples:\n"
             "  presim run scenarios/demo-udp-tcp.ini\n"
             "  presim run scenarios/demo-udp-tcp.ini --seed 7 --set link.r-b.loss=5% --out /tmp/run7\n");
    GError *err = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "presim run: %s\n", err->message);
        g_error_free(err);
        return CLI_BAD_INPUT;
    }
    if (argc != 2) {
        fprintf(stderr, "presim run: expected one scenario FILE (see presim run --help)\n");
        return CLI_BAD_INPUT;
    }
    cli_setup_logging(verbose, quiet);
    const char *file = argv[1];
    SimTime until = SIM_TIME_NEVER;
    if (until_text && !sim_time_parse(until_text, &until, &err)) {
        fprintf(stderr, "presim run: --until: %s\n", err->message);
        g_error_free(err);
        return CLI_BAD_INPUT;
    }
    gboolean want_ns3 = FALSE, want_mpi = FALSE;
    if (engine && !g_str_equal(engine, "builtin")) {
        if (PRESIM_HAVE_NS3 && g_str_equal(engine, "ns3")) {
            want_ns3 = TRUE;
        } else if (g_str_equal(engine, "ns3-mpi")) {
            want_mpi = TRUE; /* run_mpi_new() says whether this build can */
        } else {
            fprintf(stderr, "presim run: --engine: '%s' is not available in this build (available: builtin%s)\n",
                    engine, PRESIM_HAVE_NS3 ? ", ns3, ns3-mpi (ns-3 built with MPI)" : "");
            return CLI_BAD_INPUT;
        }
    }
    if (seed < -1) {
        fprintf(stderr, "presim run: --seed: must not be negative\n");
        return CLI_BAD_INPUT;
    }
    g_autoptr(GPtrArray) overrides = g_ptr_array_new_with_free_func(g_free);
    for (char **s = sets; s && *s; s++)
        g_ptr_array_add(overrides, g_strdup(*s));
    if (seed >= 0)
        g_ptr_array_add(overrides, g_strdup_printf("scenario.seed=%" G_GINT64_FORMAT, seed));
    g_ptr_array_add(overrides, NULL);

    Scenario *sc = scenario_load(file, (const char *const *)overrides->pdata, &err);
    if (!sc) {
        fprintf(stderr, "%s\n", err->message);
        g_error_free(err);
        return CLI_BAD_INPUT;
    }
    SimTime end = sc->duration < until ? sc->duration : until;
    if (!out_dir)
        out_dir = g_build_filename("out", sc->name, NULL);
    RunMpi *mpi = NULL;
    if (want_mpi && !(mpi = run_mpi_new(&err))) {
        fprintf(stderr, "presim run: --engine ns3-mpi: %s\n", err->message);
        g_error_free(err);
        scenario_free(sc);
        return CLI_BAD_INPUT;
    }
    /* In a distributed run only rank 0 writes outputs and speaks; every rank runs the same calls. */
    gboolean lead = !mpi || run_mpi_rank(mpi) == 0;
    if (!lead)
        quiet = TRUE;
    SimBackend *backend = NULL; /* NULL: the built-in one */
#if PRESIM_HAVE_NS3
    if (want_ns3 && !(backend = sim_backend_ns3_new())) {
        fprintf(stderr, "presim run: --engine ns3: the ns-3 simulator could not be set up\n");
        scenario_free(sc);
        return CLI_RUNTIME;
    }
#endif
    (void)want_ns3;
    ScenarioWorld *sw = mpi ? run_mpi_build(mpi, sc, &err) : scenario_world_build(sc, backend, &err);
    if (!sw) {
        if (lead)
            fprintf(stderr, "%s\n", err->message);
        g_error_free(err);
        scenario_free(sc);
        run_mpi_free(mpi);
        return CLI_BAD_INPUT;
    }
    if (lead && g_mkdir_with_parents(out_dir, 0755) != 0) { /* only once the input is known to be good */
        fprintf(stderr, "presim run: cannot create output folder %s: %s\n", out_dir, g_strerror(errno));
        scenario_world_free(sw);
        scenario_free(sc);
        run_mpi_free(mpi); /* the other ranks stop when MPI ends */
        return CLI_RUNTIME;
    }

    Outputs o = {0};
    if (lead) {
        o.pcap_file = atomic_file_open(out_dir, "trace.pcapng", &err);
        if (o.pcap_file)
            o.events_file = atomic_file_open(out_dir, "events.jsonl", &err);
        if (!o.events_file) {
            fprintf(stderr, "presim run: %s\n", err->message);
            g_error_free(err);
            outputs_abort(&o);
            scenario_world_free(sw);
            scenario_free(sc);
            run_mpi_free(mpi);
            return CLI_RUNTIME;
        }
        o.pcap = pcapng_writer_new(atomic_file_stream(o.pcap_file), PRESIM_VERSION); /* the writer adds "presim " */
        o.log = event_log_new(atomic_file_stream(o.events_file));
        o.metrics = metrics_new();
        o.esp_sas = key_log_new("sa-installed", "wireshark_uat");
        o.tls_keys = key_log_new("tls-keylog", "line");
    }
    SimTrace *trace = sw->world->trace;
    SimObserver *observers[5] = {NULL};
    if (lead) {
        observers[0] = pcapng_writer_observer(o.pcap);
        observers[1] = event_log_observer(o.log);
        observers[2] = metrics_observer(o.metrics);
        observers[3] = key_log_observer(o.esp_sas);
        observers[4] = key_log_observer(o.tls_keys);
    }
    /* Distributed: rank 0 adds them after the run, to get every rank's records merged by time. */
    for (int i = 0; lead && !mpi && i < 5; i++)
        sim_trace_add_observer(trace, observers[i]);

    if (!mpi) { /* under mpirun, Ctrl-C ends every rank; the outputs are atomic, so nothing half-written */
        struct sigaction sa = {.sa_handler = on_signal};
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
    }

    gboolean show_progress = !quiet && !mpi && isatty(STDERR_FILENO);
    SimEngine *engine_ = sw->world->engine;
    double t0 = wall_now(), last_draw = 0;
    /* Run in slices of simulated time so the progress bar and Ctrl-C are served; slicing changes
     * nothing in the results (run_until is exact). A distributed run makes one call: every
     * Simulator::Run synchronises all ranks, which must therefore make the same calls. */
    SimTime slice = mpi ? end : end / 200 > 0 ? end / 200 : 1;
    if (slice <= 0)
        slice = 1;
    for (SimTime t = mpi ? end : 0;; t = t > end - slice ? end : t + slice) {
        SimRunStatus st = sim_engine_run_until(engine_, t);
        if (interrupted)
            break;
        if (show_progress && wall_now() - last_draw > 0.1) {
            last_draw = wall_now();
            progress(t, end, last_draw - t0, sim_engine_executed(engine_));
        }
        if (t >= end || st == SIM_RUN_STOPPED)
            break;
    }
    double wall = wall_now() - t0;
    if (show_progress)
        fprintf(stderr, "\r%*s\r", 110, "");
    if (interrupted) {
        char b[32];
        fprintf(stderr, "presim run: interrupted at simulated time %s; no outputs written\n",
                sim_time_format(sim_engine_now(engine_), b));
        for (int i = 0; i < 5; i++)
            if (observers[i])
                sim_trace_remove_observer(trace, observers[i]);
        outputs_abort(&o);
        scenario_world_free(sw);
        scenario_free(sc);
        return CLI_RUNTIME;
    }

    SimReport *report = sim_report_new();
    uint64_t events = sim_engine_executed(engine_), pending = sim_engine_pending(engine_);
    RunMpiTotals mt = {0};
    int rc = CLI_OK;
    if (mpi) {
        for (int i = 0; lead && i < 5; i++)
            sim_trace_add_observer(trace, observers[i]);
        if (!run_mpi_collect(mpi, sw, wall, report, &mt, &err)) {
            fprintf(stderr, "presim run: --engine ns3-mpi: %s\n", err->message);
            g_clear_error(&err);
            rc = CLI_RUNTIME;
        }
        events = mt.events_executed, pending = mt.events_pending;
    } else {
        scenario_world_report(sw, report);
    }
    if (!lead) {
        sim_report_free(report);
        scenario_world_free(sw);
        scenario_free(sc);
        run_mpi_free(mpi);
        return CLI_OK;
    }
    GString *summary = g_string_new(NULL);
    write_summary(summary, sc, sw, sim_engine_now(engine_), events, pending, report, o.metrics);
    GString *host = g_string_new(NULL);
    write_host(host, wall, events, mpi, &mt);

    if (rc != CLI_OK) {
        outputs_abort(&o);
    } else if (!pcapng_writer_finish(o.pcap, &err) || !event_log_finish(o.log, &err) ||
               !atomic_file_commit(o.pcap_file, &err)) {
        rc = CLI_RUNTIME;
    } else {
        o.pcap_file = NULL;
        if (!atomic_file_commit(o.events_file, &err))
            rc = CLI_RUNTIME;
        o.events_file = NULL;
        if (rc == CLI_OK && !atomic_file_write_all(out_dir, "summary.json", summary->str, summary->len, &err))
            rc = CLI_RUNTIME;
        const GString *sas = key_log_text(o.esp_sas);
        if (rc == CLI_OK && !atomic_file_write_all(out_dir, "esp-sa.txt", sas->str, sas->len, &err))
            rc = CLI_RUNTIME;
        const GString *tls = key_log_text(o.tls_keys);
        if (rc == CLI_OK && !atomic_file_write_all(out_dir, "tls-keys.txt", tls->str, tls->len, &err))
            rc = CLI_RUNTIME;
        if (rc == CLI_OK && !atomic_file_write_all(out_dir, "host.json", host->str, host->len, &err))
            rc = CLI_RUNTIME;
    }
    if (err) {
        fprintf(stderr, "presim run: writing outputs: %s\n", err->message);
        g_clear_error(&err);
    }
    for (int i = 0; i < 5; i++)
        if (observers[i])
            sim_trace_remove_observer(trace, observers[i]);

    if (rc == CLI_OK && !quiet) {
        char b1[32];
        printf("presim %s: scenario %s, seed %" G_GUINT64_FORMAT ", engine %s", PRESIM_VERSION, sc->name, sc->seed,
               sim_engine_backend_name(engine_));
        if (mpi)
            printf(" (%u ranks)", run_mpi_size(mpi));
        printf("\n  simulated %s in %.2f s wall (%" G_GUINT64_FORMAT " events, %.2fM events/s)\n",
               sim_time_format(sim_engine_now(engine_), b1), wall, events, wall > 0 ? events / wall / 1e6 : 0.0);
        if (mpi)
            printf("  ranks merged: %" G_GUINT64_FORMAT " trace records, %" G_GUINT64_FORMAT
                   " at the same time as a record of another rank%s\n",
                   mt.merge.records, mt.merge.cross_rank_ties,
                   mt.merge.cross_rank_ties ? " (their order may differ from one process's)" : "");
        report_print_text(report, stdout);
        printf("\nOutputs in %s/: trace.pcapng (%" G_GUINT64_FORMAT " packets), events.jsonl (%" G_GUINT64_FORMAT
               " lines), summary.json, esp-sa.txt (%u SAs), tls-keys.txt (%u sessions), host.json\n",
               out_dir, pcapng_writer_packets(o.pcap), event_log_lines(o.log), key_log_count(o.esp_sas),
               key_log_count(o.tls_keys));
    }
    outputs_abort(&o); /* frees writers; the files are already committed */
    g_string_free(summary, TRUE);
    g_string_free(host, TRUE);
    sim_report_free(report);
    scenario_world_free(sw);
    scenario_free(sc);
    run_mpi_free(mpi);
    return rc;
}
