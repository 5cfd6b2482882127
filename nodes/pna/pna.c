/* pna.c: the Presence Network Agent kind (pna.h).
 *
 * DESIGN NOTES
 *
 * State per presentity (PnaEntry, created for each `watch` IMPU at start and for any IMPU a trusted
 * element reports about): what each source last said, NONE meaning "never said".
 *   ims      registered / not, from the reg event (Pi)
 *   cs       attached / detached, from the MSC (Pc)        call, cell too
 *   ps       attached / detached, from the SGSN (Pg)       cell too
 *   pdp      active / inactive + APN, from the GGSN (Pk)
 *   hss      attached / detached / roaming, from the HSS (Ph)
 *   location lat/lon + method, from the GMLC (Pl)           cell too
 * A CS detach ends any call (no call without attachment, TS 23.141 §6.2.3). After each accepted change
 * the PIDF is rebuilt from the whole state and handed to pres_agent_publish(), which sends it only if
 * it differs from the last one.
 *
 * The reg-event subscription of a watched IMPU:
 *   none --start / retry timer--> SUBSCRIBE sent (sip_ua_subscribe, Event: reg, RFC 3680 §3)
 *   SUBSCRIBE sent --NOTIFY--> active: each NOTIFY's reginfo sets ims for every <registration aor>
 *        the PNA knows (the implicit set, TS 24.229 §5.4.2.1.2)
 *   any --ended (480: not registered yet, terminated NOTIFY, timeout)--> none, ims = not registered,
 *        retry after `watch-retry` (the S-CSCF only accepts subscriptions to registered identities)
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/pna/pna.h"
#include "nodes/elements/pnet-node.h"
#include "nodes/ims/ims-common.h"
#include "nodes/pna/pres-agent.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#define REGINFO_NS "urn:ietf:params:xml:ns:reginfo"
#define REGINFO_TYPE "application/reginfo+xml"
#define PNA_SUB_EXPIRES 600

typedef struct Pna Pna;

typedef struct {
    Pna *pna;
    char *impu;
    gboolean watched;
    gboolean ims;      /* registered in IMS (reg event) */
    PnetState cs, ps, hss;
    PnetCall call;
    PnetPdp pdp;
    char *apn, *cell;
    gboolean has_location;
    int32_t lat, lon;
    char *method;
    SipSubscription *sub;
    SimEventId retry;
    uint64_t reports;
} PnaEntry;

struct Pna {
    SimNode *node;
    PresAgent agent;
    SimNode *scscf;
    SipUa *ua_scscf;
    GHashTable *entries;  /* IMPU -> PnaEntry* */
    GPtrArray *order;     /* PnaEntry*, creation order (reports, determinism) */
    GHashTable *imsi_map; /* IMSI -> IMPU */
    char **watch;
    SimTime watch_retry;
    uint64_t reg_notifies, reg_subscribes, reg_ended, unknown_imsi;
};

static const SimKeySpec pna_keys[] = {
    {"ps", SIM_KEY_NAME, NULL, "the Presence Server node the PNA publishes to (Pen)", NULL, 0, 0, "node"},
    {"scscf", SIM_KEY_NAME, "", "the S-CSCF whose reg event the PNA subscribes to (Pi); required with watch", NULL, 0,
     0, NULL},
    {"watch", SIM_KEY_LIST, "", "IMPUs whose IMS registration state the PNA follows with the reg event", NULL, 0, 0,
     NULL},
    {"elements", SIM_KEY_LIST, "",
     "network element nodes (msc, sgsn, ggsn, gmlc, hss-pa) whose reports are trusted; others are rejected", NULL, 0,
     0, "node"},
    {"imsi-map", SIM_KEY_LIST, "", "IMSI=IMPU items: the IMPU a report naming an IMSI is about", NULL, 0, 0, NULL},
    {"publish-expires", SIM_KEY_INT, "3600", "Expires asked for in PUBLISH, seconds (RFC 3903 §4.1)", NULL, 60,
     86400, NULL},
    {"watch-retry", SIM_KEY_TIME, "10s", "wait before subscribing again to a reg event that ended or was refused",
     NULL, 0, 0, NULL},
    SIM_KEY_END,
};

static gboolean is_uri(const char *s)
{
    return (g_str_has_prefix(s, "sip:") || g_str_has_prefix(s, "sips:") || g_str_has_prefix(s, "tel:")) &&
           strlen(s) <= PNET_STRING_MAX && !strpbrk(s, " <>\"");
}

static gboolean pna_check(const char *name, const SimConfig *cfg, const char **bad_key, GError **error)
{
    (void)name;
    g_auto(GStrv) watch = sim_config_list(cfg, "watch");
    g_auto(GStrv) map = sim_config_list(cfg, "imsi-map");
    if (watch[0] && !sim_config_has(cfg, "scscf")) {
        *bad_key = "watch";
        g_set_error(error, SIM_PARSE_ERROR, 0, "watching the reg event needs scscf");
        return FALSE;
    }
    for (char **w = watch; *w; w++)
        if (!is_uri(*w)) {
            *bad_key = "watch";
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not a sip:, sips: or tel: URI", *w);
            return FALSE;
        }
    for (char **m = map; *m; m++) {
        const char *eq = strchr(*m, '=');
        size_t n = eq ? (size_t)(eq - *m) : 0;
        gboolean digits = n >= 6 && n <= 15;
        for (size_t i = 0; digits && i < n; i++)
            digits = g_ascii_isdigit((*m)[i]);
        if (!digits || !is_uri(eq + 1)) {
            *bad_key = "imsi-map";
            g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not IMSI=IMPU (6 to 15 digits = a SIP or tel URI)", *m);
            return FALSE;
        }
    }
    return TRUE;
}

/* ---- state and PIDF --------------------------------------------------------------------------- */

static void entry_free(gpointer p)
{
    PnaEntry *e = p;
    sim_engine_cancel(e->pna->node->world->engine, e->retry);
    g_free(e->impu);
    g_free(e->apn);
    g_free(e->cell);
    g_free(e->method);
    g_free(e);
}

static PnaEntry *entry_get(Pna *p, const char *impu)
{
    PnaEntry *e = g_hash_table_lookup(p->entries, impu);
    if (!e) {
        e = g_new0(PnaEntry, 1);
        e->pna = p;
        e->impu = g_strdup(impu);
        g_hash_table_insert(p->entries, e->impu, e);
        g_ptr_array_add(p->order, e);
    }
    return e;
}

static gboolean entry_open(const PnaEntry *e)
{
    return e->ims || e->cs == PNET_STATE_ATTACHED || e->ps == PNET_STATE_ATTACHED || e->pdp == PNET_PDP_ACTIVE ||
           e->hss == PNET_STATE_ATTACHED || e->hss == PNET_STATE_ROAMING;
}

/* The network state in words, for the tuple's <note>. */
static char *entry_note(const PnaEntry *e)
{
    GString *s = g_string_new(e->ims ? "IMS registered" : "IMS not registered");
    if (e->cs)
        g_string_append_printf(s, "; CS %s", pnet_state_name(e->cs));
    if (e->ps)
        g_string_append_printf(s, "; PS %s", pnet_state_name(e->ps));
    if (e->pdp)
        g_string_append_printf(s, "; PDP %s%s%s", pnet_pdp_name(e->pdp), e->apn ? " " : "", e->apn ? e->apn : "");
    if (e->call && e->call != PNET_CALL_IDLE)
        g_string_append_printf(s, "; call %s", pnet_call_name(e->call));
    if (e->hss == PNET_STATE_ROAMING)
        g_string_append(s, "; roaming");
    if (e->cell)
        g_string_append_printf(s, "; cell %s", e->cell);
    return g_string_free(s, FALSE);
}

static PidfDoc *entry_doc(const PnaEntry *e)
{
    PidfDoc *doc = pidf_doc_new(e->impu);
    g_autofree char *tid = pres_agent_element_id("pna-", e->impu);
    PidfTuple *t = pidf_doc_add_tuple(doc, tid, entry_open(e) ? "open" : "closed");
    t->service_class = g_strdup("network"); /* RFC 4480 §3.2 <class>: where the information comes from */
    t->note = entry_note(e);
    if (e->has_location) { /* RFC 4119 §2.2.2: location inside the tuple's status */
        PidfGeopriv g = {
            .has_point = TRUE,
            .latitude = pnet_degrees(e->lat),
            .longitude = pnet_degrees(e->lon),
            .method = e->method ? e->method : (char *)"Cell",
            .retransmission_allowed = FALSE,
        };
        pidf_tuple_set_geopriv(t, &g);
    }
    if (e->call == PNET_CALL_ACTIVE) {
        PidfPerson *p = pidf_doc_add_person(doc, "pna-p");
        pidf_person_add_activity(p, "on-the-phone"); /* RFC 4480 §3.2 */
    }
    return doc;
}

static void entry_publish(PnaEntry *e)
{
    pres_agent_publish(&e->pna->agent, e->impu, entry_doc(e));
}

static void set_str(char **slot, const char *v)
{
    if (v) {
        g_free(*slot);
        *slot = g_strdup(v);
    }
}

/* ---- PNET reports (Ph, Pc, Pg, Pk, Pl) -------------------------------------------------------- */

static void on_report(PresAgent *a, SimNode *from, const PnetMsg *m, void *user)
{
    Pna *p = user;
    (void)from;
    const char *impu = m->impu;
    if (!impu) {
        impu = g_hash_table_lookup(p->imsi_map, m->imsi);
        if (!impu) {
            p->unknown_imsi++;
            SimAttr attrs[] = {SIM_ATTR_S("from", from->name), SIM_ATTR_S("imsi", m->imsi)};
            sim_node_event(a->node, "pna-unknown-imsi", attrs, G_N_ELEMENTS(attrs));
            return;
        }
    }
    PnaEntry *e = entry_get(p, impu);
    e->reports++;
    /* Only what the sender's role reports is taken (element.h lists them). */
    switch (m->role) {
    case PNET_ROLE_MSC: /* Pc, TS 23.141 §6.2.3 */
        if (m->state == PNET_STATE_ATTACHED || m->state == PNET_STATE_DETACHED)
            e->cs = m->state;
        if (m->call)
            e->call = m->call;
        if (e->cs == PNET_STATE_DETACHED)
            e->call = PNET_CALL_NONE;
        set_str(&e->cell, m->cell);
        break;
    case PNET_ROLE_SGSN: /* Pg, §6.2.4 */
        if (m->state == PNET_STATE_ATTACHED || m->state == PNET_STATE_DETACHED)
            e->ps = m->state;
        set_str(&e->cell, m->cell);
        break;
    case PNET_ROLE_GGSN: /* Pk, §6.2.5 */
        if (m->pdp)
            e->pdp = m->pdp;
        set_str(&e->apn, m->apn);
        break;
    case PNET_ROLE_GMLC: /* Pl, §6.2.6 */
        if (m->has_location) {
            e->has_location = TRUE;
            e->lat = m->lat_micro;
            e->lon = m->lon_micro;
            g_clear_pointer(&e->method, g_free);
            e->method = g_strdup(m->method);
        }
        set_str(&e->cell, m->cell);
        break;
    case PNET_ROLE_HSS: /* Ph, §6.2.1 */
        if (m->state)
            e->hss = m->state;
        break;
    default:
        return;
    }
    entry_publish(e);
}

/* ---- Pi: the reg event (RFC 3680, TS 24.229 §5.4.2.1) ------------------------------------------ */

static void watch_subscribe(PnaEntry *e);

static void watch_retry(void *arg)
{
    PnaEntry *e = arg;
    e->retry = 0;
    watch_subscribe(e);
}

/* Applies one reginfo document: each <registration aor state> (RFC 3680 §5.3) the PNA knows. */
static void apply_reginfo(Pna *p, const char *body, size_t len)
{
    if (!body || len == 0 || len > 256 * 1024)
        return;
    /* No network, no DTD, no entity substitution: the body is untrusted input. */
    xmlDocPtr doc = xmlReadMemory(body, (int)len, "reginfo.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root || !root->ns || !xmlStrEqual(root->name, BAD_CAST "reginfo") ||
        !xmlStrEqual(root->ns->href, BAD_CAST REGINFO_NS)) {
        SimAttr attrs[] = {SIM_ATTR_S("reason", doc ? "not a reginfo document" : "not well-formed XML")};
        sim_node_event(p->node, "pna-reginfo-invalid", attrs, G_N_ELEMENTS(attrs));
        if (doc)
            xmlFreeDoc(doc);
        return;
    }
    GPtrArray *changed = g_ptr_array_new();
    for (xmlNodePtr r = root->children; r; r = r->next) {
        if (r->type != XML_ELEMENT_NODE || !xmlStrEqual(r->name, BAD_CAST "registration"))
            continue;
        xmlChar *aor = xmlGetProp(r, BAD_CAST "aor");
        xmlChar *state = xmlGetProp(r, BAD_CAST "state");
        PnaEntry *e = aor ? g_hash_table_lookup(p->entries, (const char *)aor) : NULL;
        if (e && state) {
            gboolean reg = xmlStrEqual(state, BAD_CAST "active");
            if (reg != e->ims) {
                e->ims = reg;
                g_ptr_array_add(changed, e);
            }
            SimAttr attrs[] = {SIM_ATTR_S("impu", e->impu), SIM_ATTR_S("state", (const char *)state)};
            sim_node_event(p->node, "pna-reg-state", attrs, G_N_ELEMENTS(attrs));
        }
        xmlFree(aor);
        xmlFree(state);
    }
    xmlFreeDoc(doc);
    for (guint i = 0; i < changed->len; i++)
        entry_publish(changed->pdata[i]);
    g_ptr_array_free(changed, TRUE);
}

static void on_reg_notify(SipSubscription *sub, const osip_message_t *notify, const SipSubscriptionState *state,
                          void *user)
{
    PnaEntry *e = user;
    (void)sub, (void)state;
    e->pna->reg_notifies++;
    size_t len = 0;
    const char *body = sip_message_body(notify, &len);
    apply_reginfo(e->pna, body, len);
}

static void on_reg_ended(SipSubscription *sub, const char *reason, void *user)
{
    PnaEntry *e = user;
    Pna *p = e->pna;
    (void)sub;
    e->sub = NULL;
    p->reg_ended++;
    SimAttr attrs[] = {SIM_ATTR_S("impu", e->impu), SIM_ATTR_S("reason", reason ? reason : "-")};
    sim_node_event(p->node, "pna-watch-ended", attrs, G_N_ELEMENTS(attrs));
    if (e->ims) { /* no subscription: no longer known to be registered */
        e->ims = FALSE;
        entry_publish(e);
    }
    sim_engine_cancel(p->node->world->engine, e->retry);
    e->retry = sim_engine_schedule_in(p->node->world->engine, p->watch_retry, watch_retry, e);
}

static void watch_subscribe(PnaEntry *e)
{
    Pna *p = e->pna;
    if (e->sub || !p->ua_scscf)
        return;
    const SipSubSpec spec = {
        .target = e->impu,
        .from = p->agent.from_uri,
        .event = "reg",
        .accept = REGINFO_TYPE,
        .expires = PNA_SUB_EXPIRES,
        .refresh = TRUE,
    };
    const SipSubHandlers h = {.notify = on_reg_notify, .ended = on_reg_ended};
    p->reg_subscribes++;
    e->sub = sip_ua_subscribe(p->ua_scscf, &spec, &h, e);
    SimAttr attrs[] = {SIM_ATTR_S("impu", e->impu), SIM_ATTR_S("to", p->scscf->name)};
    sim_node_event(p->node, "pna-watch", attrs, G_N_ELEMENTS(attrs));
}

/* ---- the kind --------------------------------------------------------------------------------- */

static void pna_free(void *impl)
{
    Pna *p = impl;
    pres_agent_clear(&p->agent); /* frees the SipUas and so the subscriptions first */
    g_clear_pointer(&p->entries, g_hash_table_destroy);
    if (p->order)
        g_ptr_array_free(p->order, TRUE);
    g_clear_pointer(&p->imsi_map, g_hash_table_destroy);
    g_strfreev(p->watch);
    g_free(p);
}

static gboolean pna_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    Pna *p = g_new0(Pna, 1);
    p->node = node;
    p->entries = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, entry_free);
    p->order = g_ptr_array_new();
    p->imsi_map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    p->watch = sim_config_list(cfg, "watch");
    p->watch_retry = sim_config_time(cfg, "watch-retry");
    node->impl = p;
    node->impl_free = pna_free;
    static const char *const element_kinds[] = {"msc", "sgsn", "ggsn", "gmlc", "hss-pa", NULL};
    g_auto(GStrv) elements = sim_config_list(cfg, "elements");
    if (!pres_agent_init(&p->agent, node, sim_config_string(cfg, "ps"), (guint32)sim_config_int(cfg, "publish-expires"),
                         "pna", PNET_TYPE_NETWORK_REPORT, "elements", elements, element_kinds, on_report, p, error))
        return FALSE;
    g_auto(GStrv) map = sim_config_list(cfg, "imsi-map");
    for (char **m = map; *m; m++) {
        char *eq = strchr(*m, '=');
        g_hash_table_replace(p->imsi_map, g_strndup(*m, (gsize)(eq - *m)), g_strdup(eq + 1));
    }
    if (sim_config_has(cfg, "scscf")) {
        const char *name = sim_config_string(cfg, "scscf");
        p->scscf = sim_world_find_node(node->world, name);
        if (!p->scscf || p->scscf == node) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "scscf: '%s' is not another node", name);
            return FALSE;
        }
        p->ua_scscf = pres_agent_add_ua(&p->agent, p->scscf);
        if (!p->ua_scscf) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "scscf: node '%s' has no address", name);
            return FALSE;
        }
    }
    for (char **w = p->watch; *w; w++)
        entry_get(p, *w)->watched = TRUE;
    return TRUE;
}

static void pna_start(SimNode *node)
{
    Pna *p = node->impl;
    for (guint i = 0; i < p->order->len; i++) {
        PnaEntry *e = p->order->pdata[i];
        if (e->watched)
            watch_subscribe(e);
    }
}

static void pna_report(SimNode *node, SimReport *r)
{
    Pna *p = node->impl;
    sim_report_begin(r, "nodes");
    sim_report_begin(r, node->name);
    sim_report_string(r, "kind", "pna");
    pres_agent_report(&p->agent, r);
    sim_report_uint(r, "unknown_imsi", p->unknown_imsi);
    sim_report_uint(r, "reg_subscribes", p->reg_subscribes);
    sim_report_uint(r, "reg_notifies", p->reg_notifies);
    sim_report_uint(r, "reg_subscriptions_ended", p->reg_ended);
    sim_report_begin(r, "presentities");
    for (guint i = 0; i < p->order->len; i++) {
        const PnaEntry *e = p->order->pdata[i];
        sim_report_begin(r, e->impu);
        sim_report_string(r, "basic", entry_open(e) ? "open" : "closed");
        sim_report_bool(r, "ims_registered", e->ims);
        sim_report_string(r, "cs", e->cs ? pnet_state_name(e->cs) : "unknown");
        sim_report_string(r, "ps", e->ps ? pnet_state_name(e->ps) : "unknown");
        sim_report_string(r, "pdp", e->pdp ? pnet_pdp_name(e->pdp) : "unknown");
        sim_report_string(r, "call", e->call ? pnet_call_name(e->call) : "none");
        sim_report_bool(r, "location", e->has_location);
        sim_report_uint(r, "reports", e->reports);
        sim_report_end(r);
    }
    sim_report_end(r);
    sim_report_end(r);
    sim_report_end(r);
}

const SimNodeKind sim_node_kind_pna = {
    .name = "pna",
    .summary = "Presence Network Agent: network elements' reports and the S-CSCF's reg event to PIDF PUBLISHes (Pen)",
    .keys = pna_keys,
    .check = pna_check,
    .create = pna_create,
    .start = pna_start,
    .report = pna_report,
};
