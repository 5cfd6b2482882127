/* sim-report-wire.h: a report tree as bytes and back, for the ranks of a distributed run.
 *
 * A rank reports each of its nodes into a report of its own and sends the bytes; rank 0 replays them
 * into the run's report at that node's place in node order, calling sim_report_begin / _end and the
 * value setters in the original order, so the result is the tree one process would have built
 * (node reports only append to sections or replace values; none reads the report).
 */
#pragma once
#include "sim-core/sim-report.h"

/* Appends REPORT's whole tree (without the root's key) to OUT. */
void sim_report_serialize(const SimReport *report, GByteArray *out);
/* Replays a serialized tree into INTO's current section. FALSE with an error when DATA is corrupt;
 * INTO may then hold part of the tree. */
gboolean sim_report_replay(SimReport *into, const void *data, size_t len, GError **error);
