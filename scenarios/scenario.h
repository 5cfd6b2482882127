/* scenario.h: scenario files: load, validate, describe.
 *
 * A scenario is a GLib key file (docs/scenario-format.md). Loading validates the whole file before
 * anything runs: syntax, groups, every key against its table (scenario settings, link, the node's
 * kind, the action), then cross-references (link ends name existing nodes, no address twice,
 * actions name a node whose kind accepts them, nothing scheduled after the end). Every problem is
 * reported as "FILE:LINE: group.key: what is wrong", all of them at once, one per line.
 */
#pragma once
#include "links/link.h"
#include "nodes/node-kind.h"
#include "sim-core/sim-config.h"

typedef struct {
    char *name;
    const SimNodeKind *kind;
    char *domain;
    SimConfig *cfg;
    GArray *routes; /* ScenarioRoute */
    int rank;       /* `rank` key: the MPI rank that runs it with --engine ns3-mpi; -1: its domain's */
    int rank_line;  /* line of the rank key (0: not set, -1: from --set), for errors */
} ScenarioNode;

typedef struct {
    SimPrefix prefix;
    char *iface;
} ScenarioRoute;

typedef struct {
    char *node;
    char *iface;
    GArray *addrs; /* SimPrefix */
} ScenarioLinkEnd;

typedef struct {
    char *name;
    SimLinkConfig config;
    ScenarioLinkEnd end[2];
    int line; /* of its group header, for errors */
} ScenarioLink;

typedef struct {
    char *name;
    SimTime at;
    char *node;
    const SimActionKind *kind;
    SimConfig *args;
} ScenarioAction;

typedef struct {
    char *cls;  /* record class, e.g. "subscriber" */
    char *name;
    const SimRecordKind *kind;
    SimConfig *cfg;
} ScenarioRecord;

typedef struct {
    char *path;
    char *name;
    char *description;
    uint64_t seed;
    SimTime duration;
    gboolean auto_routing;
    GPtrArray *nodes;   /* ScenarioNode*, in file order */
    GPtrArray *links;   /* ScenarioLink*, in file order */
    GPtrArray *actions; /* ScenarioAction*, in file order (the engine runs equal times in this order) */
    GPtrArray *records; /* ScenarioRecord*, in file order */
} Scenario;

GQuark scenario_error_quark(void);
#define SCENARIO_ERROR (scenario_error_quark())
typedef enum { SCENARIO_ERROR_IO, SCENARIO_ERROR_INVALID } ScenarioError;

/* Loads and validates PATH with OVERRIDES ("group.key=value" strings, may be NULL) applied on top.
 * On failure the error message holds every problem found, one "FILE:LINE: ..." per line. */
Scenario *scenario_load(const char *path, const char *const *overrides, GError **error);
void scenario_free(Scenario *scenario);

/* The settings of [scenario], for documentation. */
const SimKeySpec *scenario_settings_keys(void);
const SimKeySpec *scenario_link_keys(void);
const SimKeySpec *scenario_node_common_keys(void);
const SimKeySpec *scenario_action_common_keys(void);
