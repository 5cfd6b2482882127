/* node-kind.h: node kinds and timeline actions, as registered tables.
 *
 * A node kind ("host", "router", later "ue", "pcscf", ...) names its scenario keys and how to build,
 * start and report a node. A timeline action ("udp-send", later "publish", ...) names its keys, the
 * node kinds that accept it, and what it does when its time comes. The scenario loader validates
 * files against these tables, and `presim list --kinds` / docs/scenario-format.md print them.
 */
#pragma once
#include "sim-core/sim-config.h"
#include "sim-core/sim-node.h"
#include "sim-core/sim-report.h"

typedef struct {
    const char *name;
    const char *summary;
    const SimKeySpec *keys; /* kind-specific keys; "kind" and "domain" are common to all */
    gboolean forwarding;    /* its IP stack forwards packets (routers) */
    /* Cross-key checks at load time, so errors carry FILE:LINE (as for actions); may be NULL.
     * On failure sets *BAD_KEY to the key at fault (NULL: the group). */
    gboolean (*check)(const char *name, const SimConfig *cfg, const char **bad_key, GError **error);
    /* Builds the node's state once its interfaces, links and stack exist (node->impl). */
    gboolean (*create)(SimNode *node, const SimConfig *cfg, GError **error);
    /* At time 0. May be NULL. */
    void (*start)(SimNode *node);
    /* At the end of the run: adds the node's results. May be NULL. */
    void (*report)(SimNode *node, SimReport *report);
} SimNodeKind;

typedef struct {
    const char *name;
    const char *summary;
    const SimKeySpec *keys; /* besides the common "at", "node" and "do" */
    const char *const *node_kinds; /* kinds that accept it, NULL-terminated */
    /* Cross-key checks beyond the key table (e.g. a size that must fit the name); may be NULL.
     * NAME is the action's group suffix. On failure sets *BAD_KEY to the key at fault (NULL: the
     * group as a whole), so the error points at its line. */
    gboolean (*check)(const char *name, const SimConfig *args, const char **bad_key, GError **error);
    /* Runs at the action's time. NAME is the action's group suffix. ARGS live until the run ends. */
    void (*run)(SimNode *node, const char *name, const SimConfig *args);
} SimActionKind;

/* A record kind: a group class of plain data ("[subscriber.alice]") that nodes look up by name
 * (sim_world_record()) rather than a node or an action. */
typedef struct {
    const char *name; /* the group class */
    const char *summary;
    const SimKeySpec *keys;
    /* Cross-key checks, as for actions; may be NULL. */
    gboolean (*check)(const char *name, const SimConfig *cfg, const char **bad_key, GError **error);
} SimRecordKind;

const SimRecordKind *const *sim_record_kinds(void);
const SimRecordKind *sim_record_kind_find(const char *name);

/* NULL-terminated tables of every kind, in documentation order. */
const SimNodeKind *const *sim_node_kinds(void);
const SimActionKind *const *sim_action_kinds(void);
const SimNodeKind *sim_node_kind_find(const char *name);
const SimActionKind *sim_action_kind_find(const char *name);
gboolean sim_action_accepts(const SimActionKind *action, const char *node_kind);
/* Called once after every node reported: lets kinds derive cross-node figures (e.g. flow loss). */
void sim_node_kinds_finish_report(SimReport *report);
