/* extsrc.c: the ext-source kind and its external-event action (extsrc.h).
 *
 * DESIGN NOTES: stateless apart from the PNET sequence number; one datagram per event, no retries.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/extsrc/extsrc.h"
#include "nodes/elements/pnet-node.h"
#include <string.h>

typedef struct {
    SimNode *node;
    SimNode *pea;
    PnetSender tx;
    uint64_t events;
} ExtSource;

static const SimKeySpec ext_source_keys[] = {
    {"pea", SIM_KEY_NAME, NULL, "the Presence External Agent node (kind pea) this source reports to", NULL, 0, 0,
     "node"},
    SIM_KEY_END,
};

static void ext_source_free(void *p)
{
    ExtSource *x = p;
    pnet_sender_clear(&x->tx);
    g_free(x);
}

static gboolean ext_source_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    static const char *const pea_kinds[] = {"pea", NULL};
    SimNode *pea = pnet_find_node(node->world, "pea", sim_config_string(cfg, "pea"), pea_kinds, error);
    if (!pea)
        return FALSE;
    ExtSource *x = g_new0(ExtSource, 1);
    x->node = node;
    x->pea = pea;
    pnet_sender_init(&x->tx, node);
    node->impl = x;
    node->impl_free = ext_source_free;
    return TRUE;
}

static void ext_source_report(SimNode *node, SimReport *r)
{
    ExtSource *x = node->impl;
    sim_report_begin(r, "nodes");
    sim_report_begin(r, node->name);
    sim_report_string(r, "kind", node->kind);
    sim_report_string(r, "pea", x->pea->name);
    sim_report_uint(r, "external_events", x->events);
    sim_report_uint(r, "reports_sent", x->tx.sent);
    sim_report_uint(r, "send_errors", x->tx.send_errors);
    sim_report_end(r);
    sim_report_end(r);
}

const SimNodeKind sim_node_kind_ext_source = {
    .name = "ext-source",
    .summary = "an external information source (e.g. a calendar service) reporting to a PEA over PNET",
    .keys = ext_source_keys,
    .create = ext_source_create,
    .report = ext_source_report,
};

static const SimKeySpec external_event_keys[] = {
    {"impu", SIM_KEY_STRING, NULL, "the presentity (sip:, sips: or tel: URI)", NULL, 0, 0, NULL},
    {"activity", SIM_KEY_STRING, "", "an RPID activity (RFC 4480 §3.2: \"meeting\", \"away\", \"busy\" ...)", NULL, 0,
     0, NULL},
    {"note", SIM_KEY_STRING, "", "free text for the presence note", NULL, 0, 0, NULL},
    SIM_KEY_END,
};

static gboolean external_event_check(const char *name, const SimConfig *args, const char **bad_key, GError **error)
{
    (void)name;
    const char *impu = sim_config_string(args, "impu");
    if (!(g_str_has_prefix(impu, "sip:") || g_str_has_prefix(impu, "sips:") || g_str_has_prefix(impu, "tel:")) ||
        strlen(impu) > PNET_STRING_MAX || strpbrk(impu, " <>\"")) {
        *bad_key = "impu";
        g_set_error(error, SIM_PARSE_ERROR, 0, "not a sip:, sips: or tel: URI of at most %d bytes", PNET_STRING_MAX);
        return FALSE;
    }
    const char *act = sim_config_string(args, "activity");
    for (const char *p = act; *p; p++) /* an XML element name in the PIDF: letters, digits and - */
        if (!g_ascii_isalnum(*p) && *p != '-') {
            *bad_key = "activity";
            g_set_error(error, SIM_PARSE_ERROR, 0, "an activity is a name of letters, digits and '-'");
            return FALSE;
        }
    if (strlen(act) > PNET_STRING_MAX || strlen(sim_config_string(args, "note")) > PNET_STRING_MAX) {
        *bad_key = strlen(act) > PNET_STRING_MAX ? "activity" : "note";
        g_set_error(error, SIM_PARSE_ERROR, 0, "longer than %d bytes", PNET_STRING_MAX);
        return FALSE;
    }
    if (!*act && !sim_config_has(args, "note")) {
        *bad_key = NULL;
        g_set_error(error, SIM_PARSE_ERROR, 0, "nothing to report: give activity or note");
        return FALSE;
    }
    return TRUE;
}

static void external_event_run(SimNode *node, const char *name, const SimConfig *args)
{
    (void)name;
    ExtSource *x = node->impl;
    x->events++;
    PnetMsg m;
    pnet_msg_init(&m);
    m.type = PNET_TYPE_EXTERNAL_REPORT;
    m.role = PNET_ROLE_EXTERNAL;
    m.impu = g_strdup(sim_config_string(args, "impu"));
    if (*sim_config_string(args, "activity"))
        m.activity = g_strdup(sim_config_string(args, "activity"));
    if (sim_config_has(args, "note"))
        m.note = g_strdup(sim_config_string(args, "note"));
    pnet_sender_send(&x->tx, x->pea, &m);
    pnet_msg_clear(&m);
}

const SimActionKind sim_action_external_event = {
    .name = "external-event",
    .summary = "an external source reports a presentity's activity or note to its PEA (a PNET report over UDP)",
    .keys = external_event_keys,
    .node_kinds = (const char *const[]){"ext-source", NULL},
    .check = external_event_check,
    .run = external_event_run,
};
