/* run-mpi.h: the distributed side of `presim run --engine ns3-mpi` (under mpirun -np N).
 *
 * Every rank loads the scenario and builds the whole world, but starts and runs only the nodes of
 * its operator domains (scenarios/scenario-ranks.h); links between ranks are ns-3 point-to-point
 * remote channels. Each rank records its nodes' trace records instead of writing outputs. After the
 * run, rank 0 gathers every rank's records, report part and counters, merges them by time into the
 * real observers (pcapng, events, metrics, key logs) and writes the outputs as one process would
 * (analysis/trace-record.h says when equal times can order differently). Ranks other than 0 write
 * nothing.
 */
#pragma once
#include "analysis/trace-record.h"
#include "scenarios/scenario-build.h"

typedef struct RunMpi RunMpi;

/* Starts MPI (before any ns-3 object exists). NULL with an error when this build has no MPI. */
RunMpi *run_mpi_new(GError **error);
guint run_mpi_rank(const RunMpi *m);
guint run_mpi_size(const RunMpi *m);
/* Builds this rank's view of SC's world on ns-3's distributed simulator and starts recording its
 * trace. Errors (bad `rank` keys, a link between ranks without delay) name the file and key. */
ScenarioWorld *run_mpi_build(RunMpi *m, const Scenario *sc, GError **error);

typedef struct {
    uint64_t events_executed, events_pending; /* over all ranks */
    TraceMergeStats merge;
    /* per rank, the first 64 ranks */
    double rank_wall[64], rank_cpu[64];
    uint64_t rank_nodes[64], rank_records[64], rank_events[64];
} RunMpiTotals;

/* Every rank calls it after the run. Rank 0 replays the merged trace into SW's trace (whose
 * observers it has added by then) and fills REPORT and TOTALS; the others only send. FALSE on rank 0
 * when a part is corrupt or a rank traced a node it does not own. */
gboolean run_mpi_collect(RunMpi *m, ScenarioWorld *sw, double wall, SimReport *report, RunMpiTotals *totals,
                         GError **error);
/* Frees what is left and ends MPI; call after the world is freed. */
void run_mpi_free(RunMpi *m);
