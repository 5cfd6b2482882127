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

typedef struct {
    const Scenario *scenario; /* not owned; must outlive the world */
    SimWorld *world;
    GPtrArray *links;   /* SimLink*, owned */
    GPtrArray *pending; /* timeline records the engine's events point to, owned */
} ScenarioWorld;

/* BACKEND: taken over (NULL: the built-in engine). Errors name the scenario file and group. */
ScenarioWorld *scenario_world_build(const Scenario *scenario, SimBackend *backend, GError **error);
/* Adds every node's and link's results to REPORT. */
void scenario_world_report(ScenarioWorld *sw, SimReport *report);
void scenario_world_free(ScenarioWorld *sw);
