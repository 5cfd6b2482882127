/* host.c: the host kind: key table, creation of sinks, report. */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/host/host-private.h"
#include <string.h>

static const SimKeySpec host_keys[] = {
    {"udp-sinks", SIM_KEY_PORT_LIST, "", "UDP ports with a receiver that measures incoming flows", NULL, 0, 0, NULL},
    {"tcp-sinks", SIM_KEY_PORT_LIST, "", "TCP ports that accept tcp-send transfers and check them", NULL, 0, 0, NULL},
    SIM_KEY_END,
};

static void host_free(void *p)
{
    Host *h = p;
    host_udp_free(h);
    host_tcp_free(h);
    g_free(h);
}

Host *host_of(SimNode *node)
{
    return node->impl;
}

gboolean host_check_flow_name(const char *name, GError **error)
{
    if (strlen(name) > HOST_FLOW_NAME_MAX) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "action name longer than %d characters (it travels in the flow's data)",
                    HOST_FLOW_NAME_MAX);
        return FALSE;
    }
    return TRUE;
}

static gboolean host_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    Host *h = g_new0(Host, 1);
    h->node = node;
    h->udp_sinks = g_ptr_array_new();
    h->udp_senders = g_ptr_array_new();
    h->tcp_sinks = g_ptr_array_new();
    h->tcp_senders = g_ptr_array_new();
    node->impl = h;
    node->impl_free = host_free;
    g_autoptr(GArray) udp = sim_config_ports(cfg, "udp-sinks");
    g_autoptr(GArray) tcp = sim_config_ports(cfg, "tcp-sinks");
    GError *err = NULL;
    for (guint i = 0; i < udp->len && !err; i++)
        host_udp_sink_open(h, g_array_index(udp, uint16_t, i), &err);
    for (guint i = 0; i < tcp->len && !err; i++)
        host_tcp_sink_open(h, g_array_index(tcp, uint16_t, i), &err);
    if (err) {
        g_propagate_error(error, err);
        return FALSE;
    }
    return TRUE;
}

static void host_report(SimNode *node, SimReport *report)
{
    Host *h = host_of(node);
    host_udp_report(h, report);
    host_tcp_report(h, report);
}

const SimNodeKind sim_node_kind_host = {
    .name = "host",
    .summary = "an end host with UDP and TCP traffic sources and sinks",
    .keys = host_keys,
    .forwarding = FALSE,
    .create = host_create,
    .report = host_report,
};

static double ratio(uint64_t num, uint64_t den)
{
    return den ? (double)num / (double)den : 0.0;
}

void host_flows_finish_report(SimReport *report)
{
    const SimReportItem *flows = sim_report_lookup(report, "flows");
    if (!flows)
        return;
    sim_report_begin(report, "flows");
    for (guint i = 0; i < flows->children->len; i++) {
        const SimReportItem *f = flows->children->pdata[i];
        const SimReportItem *kind = NULL, *sent = NULL, *recv = NULL, *start = NULL, *done = NULL, *bytes = NULL;
        for (guint k = 0; k < f->children->len; k++) {
            const SimReportItem *c = f->children->pdata[k];
            if (g_str_equal(c->key, "protocol"))
                kind = c;
            else if (g_str_equal(c->key, "sent"))
                sent = c;
            else if (g_str_equal(c->key, "received"))
                recv = c;
            else if (g_str_equal(c->key, "started_ns"))
                start = c;
            else if (g_str_equal(c->key, "last_byte_ns"))
                done = c;
            else if (g_str_equal(c->key, "received_bytes"))
                bytes = c;
        }
        sim_report_begin(report, f->key);
        if (kind && g_str_equal(kind->s, "udp") && sent) {
            uint64_t r = recv ? recv->u : 0;
            uint64_t lost = sent->u > r ? sent->u - r : 0;
            sim_report_uint(report, "lost", lost);
            sim_report_double(report, "loss_rate", ratio(lost, sent->u), 6);
        }
        if (kind && g_str_equal(kind->s, "tcp") && start && done && bytes && done->i > start->i) {
            double secs = (double)(done->i - start->i) / 1e9;
            sim_report_double(report, "goodput_mbps", (double)bytes->u * 8 / secs / 1e6, 3);
        }
        sim_report_end(report);
    }
    sim_report_end(report);
}
