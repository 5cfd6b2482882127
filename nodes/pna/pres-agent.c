/* pres-agent.c: the presence agents' shared core (pres-agent.h).
 *
 * DESIGN NOTES
 *
 * Per presentity an AgentPub holds the SipPublication (created at the first publish, kept for the
 * run: sip-ua refreshes it before expiry, RFC 3903 §4.1) and the last document published, printed
 * without timestamps, to tell a change from a repeat. Reports are handled to completion inside the
 * UDP callback: decode, trust check, the kind's handler, which may publish. Nothing here is freed
 * from inside a callback that still uses it; the SipUas own their publications and free them in
 * sip_ua_free().
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/pna/pres-agent.h"
#include "nodes/elements/pnet-node.h"
#include "nodes/ims/ims-common.h"
#include <string.h>

typedef struct {
    PresAgent *a;
    char *presentity;
    SipPublication *pub;
    char *last; /* last document published, without timestamps */
    uint64_t published;
} AgentPub;

static void agent_pub_free(gpointer p)
{
    AgentPub *ap = p;
    g_free(ap->presentity);
    g_free(ap->last);
    g_free(ap);
}

/* ---- SIP -------------------------------------------------------------------------------------- */

static void on_sip_request(SipNode *sn, SipTxn *txn, const osip_message_t *req, const SipPeer *from, void *user)
{
    PresAgent *a = user;
    (void)from;
    if (a->ua_extra && sip_ua_handle_request(a->ua_extra, txn, req))
        return;
    if (sip_ua_handle_request(a->ua_ps, txn, req))
        return;
    if (txn) /* not the ACK of a 2xx: nothing else is served here */
        sip_node_reply(sn, txn, 501, "Not Implemented", NULL);
}

static void on_sip_response(SipNode *sn, SipTxn *txn, const osip_message_t *resp, void *user)
{
    PresAgent *a = user;
    (void)sn;
    if (a->ua_extra && sip_ua_handle_response(a->ua_extra, txn, resp))
        return;
    sip_ua_handle_response(a->ua_ps, txn, resp);
}

static void on_sip_failure(SipNode *sn, SipTxn *txn, const char *why, void *user)
{
    PresAgent *a = user;
    (void)sn;
    if (a->ua_extra && sip_ua_handle_failure(a->ua_extra, txn, why))
        return;
    sip_ua_handle_failure(a->ua_ps, txn, why);
}

static SipUa *ua_toward(PresAgent *a, SimNode *target)
{
    SimAddr addr;
    if (!ims_node_address_toward(target, a->node, &addr))
        return NULL;
    g_autofree char *host = sip_node_host(a->sn);
    g_autofree char *contact = g_strdup_printf("sip:%s:%d", host, IMS_SIP_PORT);
    SipUaConfig cfg = {.contact = contact, .via_host = host, .via_port = IMS_SIP_PORT};
    sip_peer_udp(&cfg.next_hop, &addr, IMS_SIP_PORT, IMS_SIP_PORT);
    return sip_ua_new(a->sn, &cfg);
}

SipUa *pres_agent_add_ua(PresAgent *a, SimNode *target)
{
    g_assert(!a->ua_extra);
    a->ua_extra = ua_toward(a, target);
    return a->ua_extra;
}

/* ---- PNET in ---------------------------------------------------------------------------------- */

static void reject(PresAgent *a, const char *src, const PnetMsg *m, const char *reason)
{
    a->stats.rejected++;
    char sb[32];
    SimAttr attrs[] = {
        SIM_ATTR_S("from", src),
        SIM_ATTR_S("role", pnet_role_name(m->role)),
        SIM_ATTR_S("ref_point", pnet_role_ref_point(m->role)),
        SIM_ATTR_S("subscriber", pnet_msg_subject(m, sb, sizeof sb)),
        SIM_ATTR_I("seq", m->seq),
        SIM_ATTR_S("reason", reason),
    };
    sim_node_event(a->node, "pnet-rejected", attrs, G_N_ELEMENTS(attrs));
}

static void on_pnet(UdpSocket *sock, const uint8_t *data, size_t len, const SimAddr *src, uint16_t sport,
                    const NetIpInfo *ip, void *user)
{
    PresAgent *a = user;
    (void)sock, (void)sport, (void)ip;
    a->stats.received++;
    char sa[SIM_ADDR_STRLEN];
    sim_addr_to_string(src, sa);
    PnetMsg m;
    GError *err = NULL;
    if (!pnet_msg_decode(data, len, &m, &err)) {
        a->stats.malformed++;
        SimAttr attrs[] = {SIM_ATTR_S("from", sa), SIM_ATTR_I("bytes", len), SIM_ATTR_S("reason", err->message)};
        sim_node_event(a->node, "pnet-malformed", attrs, G_N_ELEMENTS(attrs));
        g_error_free(err);
        return;
    }
    SimNode *from = g_hash_table_lookup(a->trusted, sa);
    if (!from) { /* seed 001: false presence information from inside the network */
        a->stats.rejected_untrusted++;
        reject(a, sa, &m, "untrusted-source");
    } else if (m.type != a->accept_type) {
        a->stats.rejected_type++;
        reject(a, sa, &m, "wrong-type");
    } else if (m.role != pnet_role_of_kind(from->kind)) {
        a->stats.rejected_role++;
        reject(a, sa, &m, "role-mismatch");
    } else if (!m.impu && !m.imsi) {
        a->stats.rejected_other++;
        reject(a, sa, &m, "no-subscriber");
    } else {
        a->stats.accepted++;
        char sb[32];
        SimAttr attrs[] = {
            SIM_ATTR_S("from", from->name),
            SIM_ATTR_S("role", pnet_role_name(m.role)),
            SIM_ATTR_S("ref_point", pnet_role_ref_point(m.role)),
            SIM_ATTR_S("subscriber", pnet_msg_subject(&m, sb, sizeof sb)),
            SIM_ATTR_I("seq", m.seq),
            SIM_ATTR_I("delay_ns", m.has_timestamp ? sim_world_now(a->node->world) - m.timestamp_ns : 0),
        };
        sim_node_event(a->node, "pnet-received", attrs, G_N_ELEMENTS(attrs));
        a->on_report(a, from, &m, a->user);
    }
    pnet_msg_clear(&m);
}

/* ---- set-up ----------------------------------------------------------------------------------- */

static gboolean trust_node(PresAgent *a, SimNode *n)
{
    gboolean any = FALSE;
    for (guint i = 0; i < n->ifaces->len; i++) {
        const SimIface *ifc = n->ifaces->pdata[i];
        for (guint k = 0; k < ifc->addrs->len; k++) {
            char s[SIM_ADDR_STRLEN];
            sim_addr_to_string(&g_array_index(ifc->addrs, SimPrefix, k).addr, s);
            g_hash_table_replace(a->trusted, g_strdup(s), n);
            any = TRUE;
        }
    }
    g_ptr_array_add(a->trusted_nodes, n);
    return any;
}

gboolean pres_agent_init(PresAgent *a, SimNode *node, const char *ps_name, guint32 publish_expires,
                         const char *user_part, PnetType accept_type, const char *key, char **trusted,
                         const char *const *trusted_kinds, PresAgentReportFunc on_report, void *user,
                         GError **error)
{
    memset(a, 0, sizeof *a);
    a->node = node;
    a->publish_expires = publish_expires;
    a->accept_type = accept_type;
    a->on_report = on_report;
    a->user = user;
    a->trusted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    a->trusted_nodes = g_ptr_array_new();
    a->pubs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, agent_pub_free);
    a->ps = sim_world_find_node(node->world, ps_name);
    if (!a->ps || a->ps == node) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "ps: '%s' is not another node", ps_name);
        return FALSE;
    }
    for (char **t = trusted; t && *t; t++) {
        SimNode *n = pnet_find_node(node->world, key, *t, trusted_kinds, error);
        if (!n)
            return FALSE;
        if (!trust_node(a, n)) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "%s: node '%s' has no address", key, *t);
            return FALSE;
        }
    }
    a->from_uri = g_strdup_printf("sip:%s@%s", user_part, node->domain && *node->domain ? node->domain : node->name);
    const SipNodeHandlers h = {.request = on_sip_request, .response = on_sip_response, .failure = on_sip_failure};
    a->sn = sip_node_new(node, &h, a);
    if (!sip_node_listen(a->sn, IMS_SIP_PORT, error))
        return FALSE;
    a->ua_ps = ua_toward(a, a->ps);
    if (!a->ua_ps) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "ps: node '%s' has no address", ps_name);
        return FALSE;
    }
    a->sock = udp_socket_new(net_stack_of(node), on_pnet, a);
    if (!udp_socket_bind(a->sock, NULL, PNET_PORT, error)) {
        g_prefix_error(error, "PNET port %d: ", PNET_PORT);
        return FALSE;
    }
    return TRUE;
}

void pres_agent_clear(PresAgent *a)
{
    g_clear_pointer(&a->sock, udp_socket_free);
    g_clear_pointer(&a->ua_extra, sip_ua_free);
    g_clear_pointer(&a->ua_ps, sip_ua_free);
    g_clear_pointer(&a->sn, sip_node_free);
    g_clear_pointer(&a->pubs, g_hash_table_destroy);
    g_clear_pointer(&a->trusted, g_hash_table_destroy);
    if (a->trusted_nodes)
        g_ptr_array_free(a->trusted_nodes, TRUE);
    a->trusted_nodes = NULL;
    g_clear_pointer(&a->from_uri, g_free);
}

/* ---- PUBLISH (RFC 3903 §4) -------------------------------------------------------------------- */

static void on_pub_result(SipPublication *pub, int status, void *user)
{
    AgentPub *ap = user;
    (void)pub;
    PresAgent *a = ap->a;
    if (status >= 200 && status < 300)
        a->stats.publish_ok++;
    else
        a->stats.publish_failed++;
    SimAttr attrs[] = {SIM_ATTR_S("presentity", ap->presentity), SIM_ATTR_I("status", status)};
    sim_node_event(a->node, "agent-publish-result", attrs, G_N_ELEMENTS(attrs));
}

char *pres_agent_element_id(const char *prefix, const char *uri)
{
    const char *u = uri;
    for (const char *s = uri; *s; s++)
        if (*s == ':') {
            u = s + 1;
            break;
        }
    size_t n = strcspn(u, "@;?");
    GString *id = g_string_new(prefix);
    for (size_t i = 0; i < n; i++) /* an XML NCName after the prefix's letter */
        g_string_append_c(id, g_ascii_isalnum(u[i]) || u[i] == '.' || u[i] == '-' || u[i] == '_' ? u[i] : '_');
    return g_string_free(id, FALSE);
}

gboolean pres_agent_publish(PresAgent *a, const char *presentity, PidfDoc *doc)
{
    g_autoptr(PidfDoc) owned = doc;
    GError *err = NULL;
    g_autofree char *plain = pidf_doc_print(doc, NULL, &err);
    if (!plain) {
        g_debug("%s: PIDF not printed: %s", a->node->name, err->message);
        g_error_free(err);
        a->stats.publish_failed++;
        return FALSE;
    }
    AgentPub *ap = g_hash_table_lookup(a->pubs, presentity);
    if (ap && ap->last && g_str_equal(ap->last, plain)) {
        a->stats.unchanged++;
        return FALSE;
    }
    if (!ap) {
        ap = g_new0(AgentPub, 1);
        ap->a = a;
        ap->presentity = g_strdup(presentity);
        const SipPubSpec spec = {.target = presentity, .from = a->from_uri, .event = "presence",
                                 .expires = a->publish_expires};
        const SipPubHandlers h = {.result = on_pub_result};
        ap->pub = sip_ua_publication_new(a->ua_ps, &spec, &h, ap);
        g_hash_table_insert(a->pubs, ap->presentity, ap);
    }
    g_free(ap->last);
    ap->last = g_steal_pointer(&plain);
    /* RFC 3863 §4.1.7 / RFC 4479 §3.2: when the information was last known to be true */
    g_autofree char *ts = pidf_timestamp_format(sim_world_now(a->node->world));
    for (guint i = 0; i < doc->tuples->len; i++) {
        PidfTuple *t = doc->tuples->pdata[i];
        if (!t->timestamp)
            t->timestamp = g_strdup(ts);
    }
    for (guint i = 0; i < doc->persons->len; i++) {
        PidfPerson *p = doc->persons->pdata[i];
        if (!p->timestamp)
            p->timestamp = g_strdup(ts);
    }
    size_t len = 0;
    g_autofree char *body = pidf_doc_print(doc, &len, &err);
    if (!body || !ap->pub) {
        g_debug("%s: PUBLISH not sent: %s", a->node->name, err ? err->message : "no publication");
        g_clear_error(&err);
        a->stats.publish_failed++;
        return FALSE;
    }
    sip_pub_publish(ap->pub, PIDF_CONTENT_TYPE, body, len);
    a->stats.publishes++;
    ap->published++;
    const PidfTuple *t0 = doc->tuples->len ? doc->tuples->pdata[0] : NULL;
    const PidfPerson *p0 = doc->persons->len ? doc->persons->pdata[0] : NULL;
    SimAttr attrs[] = {
        SIM_ATTR_S("presentity", presentity),
        SIM_ATTR_S("to", a->ps->name),
        SIM_ATTR_S("basic", t0 && t0->basic ? t0->basic : "-"),
        SIM_ATTR_S("activity", p0 && p0->activities->len ? (const char *)p0->activities->pdata[0] : "-"),
        SIM_ATTR_B("location", pidf_doc_has_location(doc)),
        SIM_ATTR_I("bytes", len),
        SIM_ATTR_I("n", ap->published),
    };
    sim_node_event(a->node, "agent-publish", attrs, G_N_ELEMENTS(attrs));
    return TRUE;
}

void pres_agent_report(const PresAgent *a, SimReport *r)
{
    const PresAgentStats *s = &a->stats;
    sim_report_string(r, "ps", a->ps->name);
    sim_report_uint(r, "trusted_nodes", a->trusted_nodes->len);
    sim_report_uint(r, "reports_received", s->received);
    sim_report_uint(r, "reports_accepted", s->accepted);
    sim_report_uint(r, "reports_rejected", s->rejected);
    sim_report_uint(r, "rejected_untrusted", s->rejected_untrusted);
    sim_report_uint(r, "rejected_role_mismatch", s->rejected_role);
    sim_report_uint(r, "rejected_wrong_type", s->rejected_type);
    sim_report_uint(r, "rejected_other", s->rejected_other);
    sim_report_uint(r, "reports_malformed", s->malformed);
    sim_report_uint(r, "presentities_published", g_hash_table_size(a->pubs));
    sim_report_uint(r, "publishes", s->publishes);
    sim_report_uint(r, "publish_ok", s->publish_ok);
    sim_report_uint(r, "publish_failed", s->publish_failed);
    sim_report_uint(r, "unchanged_skipped", s->unchanged);
}
