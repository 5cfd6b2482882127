/* net-routing.h: static routes computed from the topology, as ns-3's
 * Ipv4GlobalRoutingHelper::PopulateRoutingTables does. For every node with a stack and every prefix
 * on another node's interface, a route out of the first interface of a shortest path (in hops) is
 * added, unless the node already has a route for exactly that prefix (connected or configured by
 * hand). Paths only pass through nodes that forward. Ties go to the link added first, so the result
 * is deterministic. */
#pragma once
#include "links/link.h"
#include "links/net-stack.h"

/* LINKS: SimLink* of the world. Returns the number of routes added. */
guint net_routing_populate(SimWorld *world, GPtrArray *links);
