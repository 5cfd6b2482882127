/* ue.h: the IMS user equipment: ISIM, registration with IMS AKA and Sec-Agree (TS 24.229 §5.1.1,
 * TS 33.203 §6.1 and §7).
 *
 * The UE names its subscription ([subscriber.NAME]) and its P-CSCF. Actions `register` and
 * `deregister` drive it; once registered it re-registers when half the granted time has passed
 * (TS 24.229 §5.1.1.4.1). A Rel-5 UE offers integrity only, a Rel-6 UE also encryption. It verifies
 * AUTN (a MAC failure ends the attempt; an SQN out of range answers with AUTS, RFC 3310 §3.4), sets up
 * its four SAs and sends every later request through them.
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_ue;
extern const SimActionKind sim_action_register;
extern const SimActionKind sim_action_deregister;
