/* router.c: the router kind. Its stack forwards (node-kind.h `forwarding`); it has no state of its
 * own, and its forwarding counts come from the stack. */
#include "nodes/router/router.h"
#include "links/net-stack.h"

static const SimKeySpec router_keys[] = {SIM_KEY_END};

static gboolean router_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    (void)node;
    (void)cfg;
    (void)error;
    return TRUE;
}

static void router_report(SimNode *node, SimReport *report)
{
    NetStackStats st;
    net_stack_stats(net_stack_of(node), &st);
    sim_report_begin(report, "nodes");
    sim_report_begin(report, node->name);
    sim_report_uint(report, "forwarded", st.forwarded);
    sim_report_uint(report, "dropped", st.dropped);
    sim_report_end(report);
    sim_report_end(report);
}

const SimNodeKind sim_node_kind_router = {
    .name = "router",
    .summary = "forwards IP packets between its interfaces (TTL, static routes)",
    .keys = router_keys,
    .forwarding = TRUE,
    .create = router_create,
    .report = router_report,
};
