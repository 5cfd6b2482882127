/* sim-trace.h: the trace bus.
 *
 * Models never write files. They report what happens here and observers (the pcapng writer, the
 * event log, metrics, later eavesdroppers) turn it into outputs, as ns-3's trace sources do.
 *  - interfaces: each link end registers once, before it carries a packet; ids are dense from 0 in
 *    registration order (the pcapng interface number);
 *  - packets: tx / rx on a link end, forward at a router's IP layer, drop with a reason; data is the
 *    IP datagram as on the wire at that point, valid only during the call;
 *  - protocol events: a node's "registered", "sa-established", ... with typed key=value attributes.
 * Observers are called in the order added. The bus owns nothing an observer holds.
 */
#pragma once
#include "sim-core/sim-engine.h"
#include <glib.h>
#include <stdint.h>

typedef enum {
    SIM_TRACE_TX = 1,      /* put on the wire by a link end */
    SIM_TRACE_RX = 2,      /* arrived at a link end */
    SIM_TRACE_FORWARD = 3, /* routed onwards by a node's IP layer (iface: the outgoing one) */
    SIM_TRACE_DROP = 4,    /* discarded; reason says why */
} SimTraceAction;

const char *sim_trace_action_name(SimTraceAction action);

typedef struct {
    uint32_t id;           /* dense, from 0, in registration order */
    const char *node;      /* node name */
    const char *name;      /* interface name, e.g. "eth0" */
    const char *link;      /* link name */
    const char *link_kind; /* "wired", "utran", "geran-unciphered", "wlan-open" */
    gboolean ciphered;     /* radio-layer ciphering protects this hop (eavesdroppers see ciphertext) */
    uint32_t mtu;
    uint64_t bandwidth_bps;
} SimTraceIface;

typedef struct {
    SimTime time;
    SimTraceAction action;
    const char *node;
    const SimTraceIface *iface; /* NULL for a node-level drop with no interface (e.g. no route) */
    const uint8_t *data;        /* the IP datagram */
    size_t len;
    uint64_t packet_uid;
    const char *reason; /* drop reason (a short fixed phrase), NULL otherwise */
} SimTracePacket;

typedef enum { SIM_ATTR_STR = 1, SIM_ATTR_INT = 2, SIM_ATTR_BOOL = 3 } SimAttrType;

typedef struct {
    const char *key;
    SimAttrType type;
    const char *s;
    int64_t i;
} SimAttr;

#define SIM_ATTR_S(k, v) ((SimAttr){.key = (k), .type = SIM_ATTR_STR, .s = (v)})
#define SIM_ATTR_I(k, v) ((SimAttr){.key = (k), .type = SIM_ATTR_INT, .i = (int64_t)(v)})
#define SIM_ATTR_B(k, v) ((SimAttr){.key = (k), .type = SIM_ATTR_BOOL, .i = (v) ? 1 : 0})

typedef struct {
    SimTime time;
    const char *node;
    const char *name; /* kebab-case event name */
    const SimAttr *attrs;
    size_t n_attrs;
} SimTraceEvent;

typedef struct SimObserver SimObserver;
struct SimObserver {
    /* Each may be NULL. */
    void (*iface_added)(SimObserver *self, const SimTraceIface *iface);
    void (*packet)(SimObserver *self, const SimTracePacket *pkt);
    void (*event)(SimObserver *self, const SimTraceEvent *ev);
};

typedef struct SimTrace SimTrace;

SimTrace *sim_trace_new(SimEngine *engine);
void sim_trace_free(SimTrace *trace);
/* OBSERVER stays the caller's; remove it before freeing it. Interfaces registered before it was
 * added are replayed to it at once, so an observer can be added at any time. An observer may remove
 * itself (or another) from inside a callback; the others still get that call. */
void sim_trace_add_observer(SimTrace *trace, SimObserver *observer);
void sim_trace_remove_observer(SimTrace *trace, SimObserver *observer);

/* Registers an interface; strings are copied. The returned record lives as long as the trace. */
const SimTraceIface *sim_trace_add_iface(SimTrace *trace, const char *node, const char *name, const char *link,
                                         const char *link_kind, gboolean ciphered, uint32_t mtu,
                                         uint64_t bandwidth_bps);
guint sim_trace_n_ifaces(const SimTrace *trace);
const SimTraceIface *sim_trace_iface(const SimTrace *trace, guint id);

void sim_trace_packet(SimTrace *trace, SimTraceAction action, const char *node, const SimTraceIface *iface,
                      const uint8_t *data, size_t len, uint64_t packet_uid, const char *reason);
void sim_trace_event(SimTrace *trace, const char *node, const char *name, const SimAttr *attrs, size_t n_attrs);
/* Hands a whole record, time included, to the observers: for replaying records made elsewhere (the
 * ranks of a distributed run, analysis/trace-record.h). PKT->iface must be this trace's record. */
void sim_trace_emit_packet(SimTrace *trace, const SimTracePacket *pkt);
void sim_trace_emit_event(SimTrace *trace, const SimTraceEvent *ev);
