/* scenario-build.h: turns a validated Scenario into a running world.
 *
 * Builds nodes (kind, domain, interfaces with the addresses the links give them, an IP stack),
 * links, routes (connected, each node's `routes`, then the automatic shortest paths unless
 * scenario.routing = static), lets each kind create its state, and schedules the kinds' start at
 * time 0 and every timeline action at its time. Observers are added by the caller before running.
 */
#pragma once
#include "scenarios/scenario.h"
#include "sim-core/sim-report.h"

typedef struct ScenarioWorld {
    const Scenario *scenario; /* not owned; must outlive the world */
    SimWorld *world;
    GPtrArray *links;   /* SimLink*, owned */
    GPtrArray *pending; /* timeline records the engine's events point to, owned */
} ScenarioWorld;

/* BACKEND: taken over (NULL: the built-in engine). Errors name the scenario file and group. */
ScenarioWorld *scenario_world_build(const Scenario *scenario, SimBackend *backend, GError **error);

/* The same in two steps, for a caller that brings interfaces of its own (the ns-3 PresimHelper
 * attaches ns-3 net devices): begin makes the world and the nodes (no interface, no stack); the
 * caller adds interfaces (sim_node_add_iface) and their transmit functions; finish adds the scenario's
 * links, the IP stacks and routes, creates every node and schedules starts and actions. On failure
 * finish frees SW. */
ScenarioWorld *scenario_world_begin(const Scenario *scenario, SimBackend *backend, GError **error);
gboolean scenario_world_finish(ScenarioWorld *sw, GError **error);
/* For one rank of a distributed run, between begin and finish: node i of the scenario runs on rank
 * RANKS[i] (scenario-ranks.h), this process is rank THIS_RANK. finish then starts, and schedules the
 * actions of, this rank's nodes only; the others exist (for their addresses and names) but stay idle. */
void scenario_world_set_ranks(ScenarioWorld *sw, guint32 this_rank, const guint32 *ranks);
/* Adds every node's and link's results to REPORT. */
void scenario_world_report(ScenarioWorld *sw, SimReport *report);
/* What one rank of a distributed run contributes to the report, as bytes: its links' counters (each
 * rank counts what its own ends did) and the reports of its own nodes. */
GBytes *scenario_world_report_part(ScenarioWorld *sw);
/* The report of a distributed run on rank 0 from every rank's part (PARTS[r] from rank r): link
 * counters summed (queue depths: the largest), each node's report taken from its rank and placed in
 * node order, so REPORT is what one process would have written. FALSE when a part is corrupt. */
gboolean scenario_world_report_merged(ScenarioWorld *sw, SimReport *report, GBytes *const *parts, guint n_parts,
                                      GError **error);
void scenario_world_free(ScenarioWorld *sw);
