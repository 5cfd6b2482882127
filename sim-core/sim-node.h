/* sim-node.h: the simulated world, its nodes and their interfaces.
 *
 * A SimWorld holds what every model needs: the engine, the trace bus and the scenario seed. A SimNode
 * is a named network function with a kind, an operator domain, its own random stream ("node:NAME")
 * and named interfaces. An interface carries addresses and hands packets to whatever is attached
 * below it (a link end) and above it (the node's IP stack) through two function pointers, so
 * sim-core knows neither links nor IP.
 */
#pragma once
#include "sim-core/sim-addr.h"
#include "sim-core/sim-config.h"
#include "sim-core/sim-engine.h"
#include "sim-core/sim-packet.h"
#include "sim-core/sim-rng.h"
#include "sim-core/sim-trace.h"

typedef struct SimWorld SimWorld;
typedef struct SimNode SimNode;
typedef struct SimIface SimIface;

/* Takes ownership of PKT. */
typedef void (*SimIfaceFunc)(SimIface *iface, SimPacket *pkt, void *ctx);

struct SimWorld {
    SimEngine *engine;
    SimTrace *trace;
    uint64_t seed;
    GPtrArray *nodes;     /* SimNode*, owned, in creation order */
    GHashTable *by_name;  /* name -> SimNode* */
    GHashTable *records;  /* "class.name" -> const SimConfig* (not owned), see sim_world_add_record */
    GPtrArray *record_order; /* "class.name" keys in file order */
    GData *shared;        /* run-wide objects nodes share (e.g. the scenario CA), see sim_world_shared */
    int rank;             /* this process's MPI rank in a distributed run; -1 (default): every node is local */
};

struct SimIface {
    SimNode *node;
    char *name;
    GArray *addrs; /* SimPrefix: the interface's addresses with their on-link prefix lengths */
    uint32_t mtu;
    const SimTraceIface *trace; /* set when a link attaches */
    /* Below: set by the link attached to it. */
    SimIfaceFunc transmit;
    void *transmit_ctx;
    /* Above: set by the node's IP stack. */
    SimIfaceFunc deliver;
    void *deliver_ctx;
};

struct SimNode {
    SimWorld *world;
    char *name;
    char *kind;
    char *domain;
    SimRng *rng;
    GPtrArray *ifaces; /* SimIface*, owned */
    void *stack;       /* the node's NetStack (links/net-stack.h) */
    void (*stack_free)(void *stack);
    void *impl;        /* node-kind private state */
    void (*impl_free)(void *impl);
    uint32_t index;    /* creation order, from 0 */
    uint32_t rank;     /* the MPI rank that runs it in a distributed run (see SimWorld.rank) */
    uint32_t next_packet_seq;
};

/* A world on ENGINE (taken over). Free with sim_world_free(), which frees nodes and the engine. */
SimWorld *sim_world_new(SimEngine *engine, uint64_t seed);
void sim_world_free(SimWorld *world);
/* Run-wide objects several nodes share, by KEY (e.g. "ut-ca"): set once, freed with DESTROY after
 * the nodes when the world is freed. get returns NULL when unset. */
void sim_world_set_shared(SimWorld *world, const char *key, gpointer data, GDestroyNotify destroy);
gpointer sim_world_get_shared(const SimWorld *world, const char *key);
static inline SimTime sim_world_now(const SimWorld *w) { return sim_engine_now(w->engine); }
/* A packet uid for a packet NODE creates: (index + 1) << 32 | n, n = 1, 2, ... per node. Per node, not
 * per run, so that a distributed run (each node on one rank) numbers packets as one process does.
 * Unique while a node creates fewer than 2^32 packets. */
uint64_t sim_node_next_packet_uid(SimNode *node);
/* Whether NODE runs in this process: always, unless the world is distributed (rank >= 0) and the
 * node belongs to another rank. */
static inline gboolean sim_node_is_local(const SimNode *node)
{
    return node->world->rank < 0 || node->rank == (uint32_t)node->world->rank;
}

/* A new node; NULL with an error if NAME is taken. Owned by the world. */
SimNode *sim_node_new(SimWorld *world, const char *name, const char *kind, const char *domain, GError **error);
SimNode *sim_world_find_node(const SimWorld *world, const char *name);

/* Data records of the scenario ([subscriber.alice]): CFG is not owned and must outlive the world. */
void sim_world_add_record(SimWorld *world, const char *cls, const char *name, const SimConfig *cfg);
const SimConfig *sim_world_record(const SimWorld *world, const char *cls, const char *name);
/* Names of every record of class CLS, in file order (free the array with g_ptr_array_unref). */
GPtrArray *sim_world_record_names(const SimWorld *world, const char *cls);

/* Adds (or returns the existing) interface NAME. */
SimIface *sim_node_add_iface(SimNode *node, const char *name, uint32_t mtu);
SimIface *sim_node_find_iface(const SimNode *node, const char *name);
void sim_iface_add_address(SimIface *iface, const SimPrefix *addr);
/* The first address of FAMILY on IFACE, or NULL. */
const SimPrefix *sim_iface_address(const SimIface *iface, SimAddrFamily family);

/* A new stream for this node: "node:NAME:PURPOSE". Free with sim_rng_free(). */
SimRng *sim_node_rng_new(const SimNode *node, const char *purpose);
/* Reports a protocol event from NODE. */
void sim_node_event(SimNode *node, const char *name, const SimAttr *attrs, size_t n_attrs);
