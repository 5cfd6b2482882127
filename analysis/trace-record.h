/* trace-record.h: trace records as a byte stream, and the merge of several streams, for distributed
 * runs (--engine ns3-mpi).
 *
 * Each rank records what its own nodes trace (a TraceRecorder is an ordinary observer); rank 0 merges
 * the ranks' streams by time and hands every record to the run's real observers (pcapng writer,
 * event log, metrics, key logs) as if it had happened in one process. Records keep their order
 * within a stream; at equal times the lower stream (rank) goes first. One process orders equal
 * times by when the events were scheduled, which a merge cannot know, so the merge counts the places
 * where records of different ranks share a time (`cross_rank_ties`): with none, the merged outputs
 * are exactly one process's.
 */
#pragma once
#include "sim-core/sim-trace.h"
#include <glib.h>

typedef struct TraceRecorder TraceRecorder;

/* IS_LOCAL (may be NULL): says whether a record of NODE belongs to this rank; the others are still
 * recorded and counted as foreign (a node ran where it should not: a bug the caller reports). */
TraceRecorder *trace_recorder_new(gboolean (*is_local)(const char *node, void *user), void *user);
void trace_recorder_free(TraceRecorder *rec);
SimObserver *trace_recorder_observer(TraceRecorder *rec);
guint64 trace_recorder_count(const TraceRecorder *rec);
guint64 trace_recorder_foreign(const TraceRecorder *rec);
/* The stream so far (the recorder keeps recording into a new one). */
GBytes *trace_recorder_take(TraceRecorder *rec);

typedef struct {
    guint64 records;
    guint64 cross_rank_ties; /* records at the time of the previous record, which came from another stream */
} TraceMergeStats;

/* Merges STREAMS[0..N) by time and replays them into TRACE's observers. FALSE with an error naming
 * the stream when one is corrupt or not in time order (the observers may have seen part of it). */
gboolean trace_records_replay(SimTrace *trace, GBytes *const *streams, guint n, TraceMergeStats *stats,
                              GError **error);
