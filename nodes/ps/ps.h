/* ps.h: the Presence Server node kind (TS 23.141 §4.3.1). */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_ps;
extern const SimActionKind sim_action_pres_rule;
