/* router.h: a node that only forwards IP packets between its interfaces. */
#pragma once
#include "nodes/node-kind.h"

extern const SimNodeKind sim_node_kind_router;
