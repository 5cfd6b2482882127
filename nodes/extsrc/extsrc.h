/* extsrc.h: an external information source (TS 23.141 §4.4: "third party service providers", e.g. a
 * calendar service outside the operator's network) feeding the Presence External Agent.
 *
 * Kind `ext-source`, key `pea` (the PEA node). Action `external-event` (impu, activity, note) sends
 * the PEA a PNET external report over UDP: TS 23.141 leaves the interface between the PEA and the
 * sources unspecified (docs/pnet.md). Whether the PEA trusts it is the PEA's configuration
 * (`sources`): seed 001, "the PEA must be able to trust on the real source of the presence
 * information".
 */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_ext_source;
extern const SimActionKind sim_action_external_event;
