/* pea.h: the Presence External Agent (TS 23.141 §4.4): presence information from sources outside
 * the operator's network (a calendar service, ...) to the Presence Server over Pex (TS 23.141 §6.2.9)
 * as PIDF in PUBLISH (RFC 3903).
 *
 * Keys: ps (the PS), sources (the ext-source nodes it trusts: seed 001, "the PEA must be able to
 * trust on the real source of the presence information"; reports from any other address are
 * "pnet-rejected"), publish-expires. Per presentity it publishes person "pea-p" with the last RPID
 * activity and note reported (RFC 4480 §3.2, RFC 4479 §3.2), stamped with the simulated time.
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_pea;
