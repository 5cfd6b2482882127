/* host.h: an end host with traffic applications, for link and transport experiments.
 *
 * Keys `udp-sinks` and `tcp-sinks` open receivers at start. Timeline actions start senders:
 *  - udp-send: COUNT datagrams of SIZE bytes every INTERVAL to DST:PORT. Each carries a sequence
 *    number, its send time and the flow name, so the sink measures loss, duplicates, reordering and
 *    one-way delay per flow.
 *  - tcp-send: one connection to DST:PORT carrying BYTES of a known pattern after a 64-byte header
 *    (magic, length, flow name); the sink checks every byte arrives, in order, then both close.
 * Results go to summary.json under "flows/<action name>".
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_host;
extern const SimActionKind sim_action_udp_send;
extern const SimActionKind sim_action_tcp_send;

/* Derives loss rates and goodput once senders and sinks have reported. */
void host_flows_finish_report(SimReport *report);
