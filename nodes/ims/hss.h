/* hss.h: the Home Subscriber Server of the home network: the Cx server (TS 29.228, TS 29.229) and
 * the AuC of IMS AKA (TS 33.102 §6.3, TS 33.203 §6.1).
 *
 * It holds every [subscriber.NAME] record whose `hss` names it: identities, implicit registration
 * sets (all non-pseudonym IMPUs form one set, each pseudonym is a set of its own: seed 003), barring,
 * K/OPc, AMF and SQN_HE. It answers UAR (which S-CSCF serves the user), MAR (one authentication
 * vector per request, resynchronisation from RAND || AUTS), SAR (S-CSCF assignment, registration
 * state, the IMS subscription of TS 29.228 Annex E as User-Data) and LIR (where a public identity is
 * served). Key `scscf` names the S-CSCF it assigns; Diameter on TCP 3868. It is also the Zh server
 * of a BSF (TS 29.109 §4.2: one vector and the GBA user security settings per MAR; key
 * `gba-lifetime`).
 * Not done: RTR/PPR (HSS-initiated procedures), Server-Capabilities based selection, several
 * vectors per MAR, shared IMPUs, initial filter criteria and service data in the profile.
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_hss;
