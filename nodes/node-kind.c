/* node-kind.c: the registry. A new kind adds one line to each table. */
#include "nodes/node-kind.h"
#include "nodes/attackers/mitm.h"
#include "nodes/elements/element.h"
#include "nodes/extsrc/extsrc.h"
#include "nodes/host/host.h"
#include "nodes/ims/hss.h"
#include "nodes/ims/icscf.h"
#include "nodes/ims/scscf.h"
#include "nodes/ims/pcscf.h"
#include "nodes/ims/subscriber.h"
#include "nodes/ims/ue.h"
#include "nodes/ims/ue-presence.h"
#include "nodes/ps/ps.h"
#include "nodes/bsf/bsf.h"
#include "nodes/ap/ap.h"
#include "nodes/ims/ue-ut.h"
#include "nodes/pea/pea.h"
#include "nodes/pna/pna.h"
#include "nodes/router/router.h"

static const SimNodeKind *const node_kinds[] = {
    &sim_node_kind_host,
    &sim_node_kind_router,
    &sim_node_kind_ue,
    &sim_node_kind_pcscf,
    &sim_node_kind_mitm,
    &sim_node_kind_hss,
    &sim_node_kind_icscf,
    &sim_node_kind_scscf,
    &sim_node_kind_ps,
    &sim_node_kind_pna, /* presence agents and their sources (TS 23.141 §4.3, §4.4) */
    &sim_node_kind_msc,
    &sim_node_kind_sgsn,
    &sim_node_kind_ggsn,
    &sim_node_kind_gmlc,
    &sim_node_kind_hss_pa,
    &sim_node_kind_pea,
    &sim_node_kind_ext_source,
    &sim_node_kind_bsf, /* Ut (TS 33.220, TS 33.222) */
    &sim_node_kind_ap,
    NULL,
};

static const SimActionKind *const action_kinds[] = {
    &sim_action_udp_send,
    &sim_action_tcp_send,
    &sim_action_register,
    &sim_action_deregister,
    &sim_action_publish,
    &sim_action_unpublish,
    &sim_action_subscribe,
    &sim_action_unsubscribe,
    &sim_action_network_deregister,
    &sim_action_pres_rule,
    &sim_action_network_event,
    &sim_action_external_event,
    &sim_action_xcap,
    &sim_action_gba_bootstrap,
    NULL,
};

static const SimRecordKind *const record_kinds[] = {
    &sim_record_subscriber,
    NULL,
};

const SimRecordKind *const *sim_record_kinds(void)
{
    return record_kinds;
}

const SimRecordKind *sim_record_kind_find(const char *name)
{
    for (const SimRecordKind *const *k = record_kinds; *k; k++)
        if (g_str_equal((*k)->name, name))
            return *k;
    return NULL;
}

const SimNodeKind *const *sim_node_kinds(void)
{
    return node_kinds;
}

const SimActionKind *const *sim_action_kinds(void)
{
    return action_kinds;
}

const SimNodeKind *sim_node_kind_find(const char *name)
{
    for (const SimNodeKind *const *k = node_kinds; *k; k++)
        if (g_str_equal((*k)->name, name))
            return *k;
    return NULL;
}

const SimActionKind *sim_action_kind_find(const char *name)
{
    for (const SimActionKind *const *k = action_kinds; *k; k++)
        if (g_str_equal((*k)->name, name))
            return *k;
    return NULL;
}

gboolean sim_action_accepts(const SimActionKind *action, const char *node_kind)
{
    for (const char *const *k = action->node_kinds; k && *k; k++)
        if (g_str_equal(*k, node_kind))
            return TRUE;
    return FALSE;
}

void sim_node_kinds_finish_report(SimReport *report)
{
    host_flows_finish_report(report);
}
