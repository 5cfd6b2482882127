/* element.h: the network elements that feed the Presence Network Agent (TS 23.141 §4.3, §6):
 * MSC server/VLR (Pc), SGSN (Pg), GGSN (Pk), GMLC (Pl) and the presence-relevant side of the HSS
 * (Ph). One node kind per element, sharing this code: each has key `pna` (the PNA node) and does one
 * timeline action, `network-event`, which sends the PNA a PNET report (protocols/pnet/pnet.h) over
 * UDP instead of the MAP / CAP / Sh / Le / RADIUS the real elements speak (docs/pnet.md).
 *
 * What each element may report (checked when the action runs; the loader cannot, since one action
 * serves the five kinds: keys that do not fit the role give a "network-event-invalid" event and
 * nothing is sent):
 *   msc    : state attached|detached (CS attach, TS 23.141 §6.2.3 Pc), call, cell
 *   sgsn   : state attached|detached (GPRS attach), cell (cell / routing area)
 *   ggsn   : pdp active|inactive, apn
 *   gmlc   : latitude + longitude, method, cell
 *   hss-pa : state attached|detached|roaming (CS/PS registration as the HSS/HLR knows it)
 * Every report names its subscriber by `impu` or by `imsi` (exactly one).
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_msc;
extern const SimNodeKind sim_node_kind_sgsn;
extern const SimNodeKind sim_node_kind_ggsn;
extern const SimNodeKind sim_node_kind_gmlc;
extern const SimNodeKind sim_node_kind_hss_pa;
extern const SimActionKind sim_action_network_event;
