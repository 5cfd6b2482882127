/* element.c: the msc, sgsn, ggsn, gmlc and hss-pa kinds and their network-event action (element.h).
 *
 * DESIGN NOTES
 *
 * An element holds no subscriber state: in presim it is a scripted source. Each network-event is one
 * PNET report, sent at once (no retransmission: UDP, as the agents' view is only as good as what
 * reaches them; a lost report shows in the link statistics). The role of a kind fixes the PNET sender
 * role and so the reference point (Pc, Pg, Pk, Pl, Ph) the PNA checks it against.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/elements/element.h"
#include "nodes/elements/pnet-node.h"
#include <string.h>

/* What a role may put in a report, as scenario keys. */
typedef struct {
    const char *kind;
    PnetRole role;
    const char *const *keys; /* report keys allowed besides impu / imsi */
    gboolean roaming;        /* state may be "roaming" */
} ElementRole;

static const ElementRole roles[] = {
    {"msc", PNET_ROLE_MSC, (const char *const[]){"state", "call", "cell", NULL}, FALSE},
    {"sgsn", PNET_ROLE_SGSN, (const char *const[]){"state", "cell", NULL}, FALSE},
    {"ggsn", PNET_ROLE_GGSN, (const char *const[]){"pdp", "apn", NULL}, FALSE},
    {"gmlc", PNET_ROLE_GMLC, (const char *const[]){"latitude", "longitude", "method", "cell", NULL}, FALSE},
    {"hss-pa", PNET_ROLE_HSS, (const char *const[]){"state", NULL}, TRUE},
};

/* Every report key of the action (besides impu and imsi). */
static const char *const report_keys[] = {"state", "call", "cell", "pdp", "apn", "latitude", "longitude", "method", NULL};

static const ElementRole *role_of_kind(const char *kind)
{
    for (size_t i = 0; i < G_N_ELEMENTS(roles); i++)
        if (g_str_equal(roles[i].kind, kind))
            return &roles[i];
    return NULL;
}

typedef struct {
    SimNode *node;
    const ElementRole *role;
    SimNode *pna;
    PnetSender tx;
    uint64_t events, invalid;
} Element;

static const SimKeySpec element_keys[] = {
    {"pna", SIM_KEY_NAME, NULL, "the Presence Network Agent node (kind pna) this element reports to", NULL, 0, 0,
     "node"},
    SIM_KEY_END,
};

static void element_free(void *p)
{
    Element *e = p;
    pnet_sender_clear(&e->tx);
    g_free(e);
}

static gboolean element_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    static const char *const pna_kinds[] = {"pna", NULL};
    SimNode *pna = pnet_find_node(node->world, "pna", sim_config_string(cfg, "pna"), pna_kinds, error);
    if (!pna)
        return FALSE;
    Element *e = g_new0(Element, 1);
    e->node = node;
    e->role = role_of_kind(node->kind);
    g_assert(e->role);
    e->pna = pna;
    pnet_sender_init(&e->tx, node);
    node->impl = e;
    node->impl_free = element_free;
    return TRUE;
}

static void element_report(SimNode *node, SimReport *r)
{
    Element *e = node->impl;
    sim_report_begin(r, "nodes");
    sim_report_begin(r, node->name);
    sim_report_string(r, "kind", node->kind);
    sim_report_string(r, "ref_point", pnet_role_ref_point(e->role->role));
    sim_report_string(r, "pna", e->pna->name);
    sim_report_uint(r, "network_events", e->events);
    sim_report_uint(r, "reports_sent", e->tx.sent);
    sim_report_uint(r, "send_errors", e->tx.send_errors);
    sim_report_uint(r, "invalid_events", e->invalid);
    sim_report_end(r);
    sim_report_end(r);
}

#define ELEMENT_KIND(kname, text)                                                                                     \
    {.name = kname, .summary = text, .keys = element_keys, .create = element_create, .report = element_report}

const SimNodeKind sim_node_kind_msc =
    ELEMENT_KIND("msc", "MSC server / VLR: CS attach, call state and cell to the PNA over Pc (TS 23.141 §6.2.3)");
const SimNodeKind sim_node_kind_sgsn =
    ELEMENT_KIND("sgsn", "SGSN: GPRS attach and cell / routing area to the PNA over Pg (TS 23.141 §6.2.4)");
const SimNodeKind sim_node_kind_ggsn =
    ELEMENT_KIND("ggsn", "GGSN: PDP context state and APN to the PNA over Pk (TS 23.141 §6.2.5)");
const SimNodeKind sim_node_kind_gmlc =
    ELEMENT_KIND("gmlc", "GMLC: the subscriber's location to the PNA over Pl (TS 23.141 §6.2.6)");
const SimNodeKind sim_node_kind_hss_pa = ELEMENT_KIND(
    "hss-pa", "HSS/HLR presence data: CS/PS registration state and roaming to the PNA over Ph (TS 23.141 §6.2.1)");

/* ---- the network-event action ----------------------------------------------------------------- */

static const SimKeySpec network_event_keys[] = {
    {"impu", SIM_KEY_STRING, "", "the subscriber's public identity (sip:, sips: or tel: URI); or give imsi", NULL, 0,
     0, NULL},
    {"imsi", SIM_KEY_STRING, "", "the subscriber's IMSI (6 to 15 digits; the PNA maps it with its imsi-map)", NULL, 0,
     0, NULL},
    {"state", SIM_KEY_ENUM, "", "msc, sgsn: CS / GPRS attach state; hss-pa: registration state (or roaming)",
     (const char *const[]){"attached", "detached", "roaming", NULL}, 0, 0, NULL},
    {"call", SIM_KEY_ENUM, "", "msc: call state", (const char *const[]){"idle", "alerting", "active", NULL}, 0, 0,
     NULL},
    {"cell", SIM_KEY_STRING, "", "msc, sgsn, gmlc: cell id or routing area, as text (\"262-01-4711-42\")", NULL, 0, 0,
     NULL},
    {"pdp", SIM_KEY_ENUM, "", "ggsn: PDP context state", (const char *const[]){"active", "inactive", NULL}, 0, 0, NULL},
    {"apn", SIM_KEY_STRING, "", "ggsn: the access point name of the PDP context", NULL, 0, 0, NULL},
    {"latitude", SIM_KEY_STRING, "", "gmlc: latitude in degrees, -90 to 90 (with longitude)", NULL, 0, 0, NULL},
    {"longitude", SIM_KEY_STRING, "", "gmlc: longitude in degrees, -180 to 180 (with latitude)", NULL, 0, 0, NULL},
    {"method", SIM_KEY_STRING, "", "gmlc: positioning method (\"Cell\", \"GPS\", \"A-GPS\"); the PNA says Cell when absent",
     NULL, 0, 0, NULL},
    SIM_KEY_END,
};

static gboolean parse_degrees(const char *text, double limit, double *out)
{
    char *end = NULL;
    double v = g_ascii_strtod(text, &end);
    if (!*text || !end || *end || !(v >= -limit && v <= limit))
        return FALSE;
    *out = v;
    return TRUE;
}

static gboolean uri_ok(const char *s)
{
    return (g_str_has_prefix(s, "sip:") || g_str_has_prefix(s, "sips:") || g_str_has_prefix(s, "tel:")) &&
           strlen(s) <= PNET_STRING_MAX && !strpbrk(s, " <>\"");
}

static gboolean imsi_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 6 || n > 15)
        return FALSE;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isdigit(s[i]))
            return FALSE;
    return TRUE;
}

static gboolean network_event_check(const char *name, const SimConfig *args, const char **bad_key, GError **error)
{
    (void)name;
    gboolean impu = sim_config_has(args, "impu"), imsi = sim_config_has(args, "imsi");
    if (impu == imsi) {
        *bad_key = impu ? "imsi" : NULL;
        g_set_error(error, SIM_PARSE_ERROR, 0, "give the subscriber as exactly one of impu and imsi");
        return FALSE;
    }
    if (impu && !uri_ok(sim_config_string(args, "impu"))) {
        *bad_key = "impu";
        g_set_error(error, SIM_PARSE_ERROR, 0, "not a sip:, sips: or tel: URI of at most %d bytes", PNET_STRING_MAX);
        return FALSE;
    }
    if (imsi && !imsi_ok(sim_config_string(args, "imsi"))) {
        *bad_key = "imsi";
        g_set_error(error, SIM_PARSE_ERROR, 0, "an IMSI is 6 to 15 digits (TS 23.003 §2.2)");
        return FALSE;
    }
    if (sim_config_has(args, "latitude") != sim_config_has(args, "longitude")) {
        *bad_key = sim_config_has(args, "latitude") ? "latitude" : "longitude";
        g_set_error(error, SIM_PARSE_ERROR, 0, "latitude and longitude go together");
        return FALSE;
    }
    double d;
    if (sim_config_has(args, "latitude") && !parse_degrees(sim_config_string(args, "latitude"), 90, &d)) {
        *bad_key = "latitude";
        g_set_error(error, SIM_PARSE_ERROR, 0, "a number of degrees from -90 to 90");
        return FALSE;
    }
    if (sim_config_has(args, "longitude") && !parse_degrees(sim_config_string(args, "longitude"), 180, &d)) {
        *bad_key = "longitude";
        g_set_error(error, SIM_PARSE_ERROR, 0, "a number of degrees from -180 to 180");
        return FALSE;
    }
    gboolean any = FALSE;
    for (const char *const *k = report_keys; *k; k++) {
        any |= sim_config_has(args, *k);
        if (sim_config_has(args, *k) && strlen(sim_config_string(args, *k)) > PNET_STRING_MAX) {
            *bad_key = *k;
            g_set_error(error, SIM_PARSE_ERROR, 0, "longer than %d bytes", PNET_STRING_MAX);
            return FALSE;
        }
    }
    if (!any) {
        *bad_key = NULL;
        g_set_error(error, SIM_PARSE_ERROR, 0, "nothing to report: give state, call, cell, pdp, apn or a location");
        return FALSE;
    }
    return TRUE;
}

static gboolean role_allows(const ElementRole *role, const char *key)
{
    for (const char *const *k = role->keys; *k; k++)
        if (g_str_equal(*k, key))
            return TRUE;
    return FALSE;
}

static void invalid(Element *e, const char *name, const char *reason)
{
    e->invalid++;
    SimAttr attrs[] = {SIM_ATTR_S("action", name), SIM_ATTR_S("reason", reason)};
    sim_node_event(e->node, "network-event-invalid", attrs, G_N_ELEMENTS(attrs));
}

static void network_event_run(SimNode *node, const char *name, const SimConfig *args)
{
    Element *e = node->impl;
    e->events++;
    /* The role check the loader cannot make (one action for five kinds). */
    for (const char *const *k = report_keys; *k; k++)
        if (sim_config_has(args, *k) && !role_allows(e->role, *k)) {
            g_autofree char *why = g_strdup_printf("%s is not reported by a%s %s over %s", *k,
                                                   strchr("aeiou", node->kind[0]) ? "n" : "", node->kind,
                                                   pnet_role_ref_point(e->role->role));
            invalid(e, name, why);
            return;
        }
    PnetMsg m;
    pnet_msg_init(&m);
    m.type = PNET_TYPE_NETWORK_REPORT;
    m.role = e->role->role;
    if (sim_config_has(args, "impu"))
        m.impu = g_strdup(sim_config_string(args, "impu"));
    else
        m.imsi = g_strdup(sim_config_string(args, "imsi"));
    if (sim_config_has(args, "state")) {
        m.state = pnet_state_parse(sim_config_string(args, "state"));
        if (m.state == PNET_STATE_ROAMING && !e->role->roaming) {
            invalid(e, name, "state roaming is the HSS's (hss-pa) to report");
            pnet_msg_clear(&m);
            return;
        }
    }
    if (sim_config_has(args, "call"))
        m.call = pnet_call_parse(sim_config_string(args, "call"));
    if (sim_config_has(args, "pdp"))
        m.pdp = pnet_pdp_parse(sim_config_string(args, "pdp"));
    if (sim_config_has(args, "cell"))
        m.cell = g_strdup(sim_config_string(args, "cell"));
    if (sim_config_has(args, "apn"))
        m.apn = g_strdup(sim_config_string(args, "apn"));
    if (sim_config_has(args, "method"))
        m.method = g_strdup(sim_config_string(args, "method"));
    double lat, lon;
    if (sim_config_has(args, "latitude") && parse_degrees(sim_config_string(args, "latitude"), 90, &lat) &&
        parse_degrees(sim_config_string(args, "longitude"), 180, &lon)) {
        m.has_location = TRUE;
        m.lat_micro = pnet_micro_degrees(lat);
        m.lon_micro = pnet_micro_degrees(lon);
    }
    pnet_sender_send(&e->tx, e->pna, &m);
    pnet_msg_clear(&m);
}

const SimActionKind sim_action_network_event = {
    .name = "network-event",
    .summary = "a network element reports a subscriber's state change to its PNA (a PNET report over UDP)",
    .keys = network_event_keys,
    .node_kinds = (const char *const[]){"msc", "sgsn", "ggsn", "gmlc", "hss-pa", NULL},
    .check = network_event_check,
    .run = network_event_run,
};
