/* scenario-ranks.h: which MPI rank runs each node of a distributed run (--engine ns3-mpi).
 *
 * Operator domains map onto ranks: the domains in order of their first node, round robin over the
 * ranks (two domains on two ranks: one each; nodes without a domain count as one more). A node's
 * `rank` key overrides its domain's. Domains fit the partition well because the links between them
 * are long, and ns-3's synchronisation window is the shortest delay of a link between ranks: such a
 * link must have a delay > 0.
 */
#pragma once
#include "scenarios/scenario.h"

/* Fills RANKS[i] for sc->nodes[i], for a run over SIZE ranks. FALSE with an error naming the
 * file, line and key when a `rank` key is out of range or a link joins ranks with no delay. */
gboolean scenario_assign_ranks(const Scenario *sc, guint size, guint32 *ranks, GError **error);
