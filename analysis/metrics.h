/* metrics.h: a trace-bus observer counting what happened, for summary.json and for C callers.
 *
 * Per trace interface (in registration order): tx and rx packets and bytes, drops per reason.
 * Per node: forwards, and drops per reason; a node's drops are all those it reported, with an
 * interface or without (a node-level drop such as "no route" has none), so an interface drop is
 * counted on its interface and on its node. Per (node, event name): protocol events.
 * Output order never depends on hash order: interfaces by id, node, reason and event names sorted
 * by byte value (strcmp), so the JSON is byte-identical run to run.
 */
#pragma once
#include "analysis/json-writer.h"
#include "sim-core/sim-trace.h"
#include <glib.h>
#include <stdint.h>

typedef struct Metrics Metrics;

typedef struct {
    uint64_t tx_packets, tx_bytes;
    uint64_t rx_packets, rx_bytes;
    uint64_t drops; /* all reasons */
} MetricsIfaceCounts;

typedef struct {
    uint64_t forwards;
    uint64_t drops;  /* all reasons, with or without an interface */
    uint64_t events; /* protocol events, all names */
} MetricsNodeCounts;

typedef struct {
    uint64_t tx_packets, tx_bytes;
    uint64_t rx_packets, rx_bytes;
    uint64_t forwards;
    uint64_t drops;
    uint64_t events;
} MetricsTotals;

/* Free with metrics_free(). */
Metrics *metrics_new(void);
void metrics_free(Metrics *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Metrics, metrics_free)
/* The observer to add to a SimTrace; owned by M. Remove it from the trace before freeing M. Strings
 * are copied, so M may outlive the trace. */
SimObserver *metrics_observer(Metrics *m);

/* Counts of interface IFACE_ID into *OUT (cleared first); FALSE if no such interface was added. */
gboolean metrics_iface_counts(const Metrics *m, guint iface_id, MetricsIfaceCounts *out);
/* Drops on interface IFACE_ID with REASON (NULL: all reasons); 0 when unknown. */
uint64_t metrics_iface_drops(const Metrics *m, guint iface_id, const char *reason);
/* Counts of NODE into *OUT (cleared first); FALSE if nothing was seen from it. */
gboolean metrics_node_counts(const Metrics *m, const char *node, MetricsNodeCounts *out);
/* Drops at NODE with REASON (NULL: all reasons). */
uint64_t metrics_node_drops(const Metrics *m, const char *node, const char *reason);
/* Protocol events named EVENT from NODE (NODE NULL: from every node). */
uint64_t metrics_event_count(const Metrics *m, const char *node, const char *event);
void metrics_totals(const Metrics *m, MetricsTotals *out);

/* Writes one JSON object value at W's current position (after a key, in an array, or at top):
 *   {"interfaces":[{"id":0,"node":"a","iface":"eth0","link":"a-r","link_kind":"wired","ciphered":false,
 *                   "tx_packets":..,"tx_bytes":..,"rx_packets":..,"rx_bytes":..,"drops":{"queue":1}}],
 *    "nodes":{"a":{"forwards":..,"drops":{..},"events":..}},
 *    "events":{"a":{"tcp-established":2}},
 *    "totals":{"tx_packets":..,"tx_bytes":..,"rx_packets":..,"rx_bytes":..,"forwards":..,"drops":..,
 *              "events":..}} */
void metrics_write_json(const Metrics *m, JsonWriter *w);
