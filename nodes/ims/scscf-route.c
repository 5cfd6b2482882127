/* scscf-route.c: the S-CSCF as a stateful proxy for requests other than REGISTER and the reg event
 * (TS 24.229 §5.4.3): originating and terminating handling, the presence application server, and
 * requests inside dialogs.
 *
 * DESIGN NOTES
 *
 * Which case a request is (decided in this order):
 *   1. Route entries naming this S-CSCF are popped; the Service-Route one ("sip:orig@...", RFC 3608)
 *      marks the request as originating (TS 24.229 §5.4.3.2).
 *   2. Route entries left: loose routing, forwarded to the first (requests inside a dialog, RFC 3261
 *      §16.12).
 *   3. A To tag and no Route: inside a dialog whose next hop is the Request-URI.
 *   4. Originating: Record-Route added; a target registered here is handled as terminating at once;
 *      another target goes to the I-CSCF of its home domain (no DNS is modelled: the I-CSCF node whose
 *      `domain` is the target's host, TS 24.229 §5.4.3.2 step 10); a target in this domain that is not
 *      registered here goes to this domain's I-CSCF too (LIR decides).
 *   5. Terminating: SUBSCRIBE to presence / presence.winfo and PUBLISH of presence go to the Presence
 *      Server (the `ps` key stands for the initial filter criteria of TS 23.218 §6 that a real
 *      S-CSCF gets from the HSS: "Event presence* -> PS"), with Record-Route so NOTIFYs come back
 *      through here; a list URI served by the PS (a PSI, TS 23.228 §4.3.5) is terminating as well.
 *      Anything else is answered 501: sessions and MESSAGE are not modelled.
 *
 * Every forwarded request is a ScscfFwd, kept in `fwds` under its client transaction from sending
 * to the final response, so responses are relayed statefully (RFC 3261 §16.7) and the server
 * transaction is answered exactly once (408 on Timer F, 503 when nothing can be sent).
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/scscf-private.h"
#include <string.h>

typedef struct {
    SipTxn *server;
    char *method;
} ScscfFwd;

void scscf_fwd_free(gpointer p)
{
    ScscfFwd *f = p;
    g_free(f->method);
    g_free(f);
}

static void event(Scscf *s, const char *what, const char *method, const char *target, const char *next)
{
    SimAttr attrs[] = {SIM_ATTR_S("method", method), SIM_ATTR_S("target", target ? target : ""),
                       SIM_ATTR_S("next", next ? next : "")};
    sim_node_event(s->node, what, attrs, G_N_ELEMENTS(attrs));
}

/* Pops every top Route naming this node; TRUE in *ORIG when one of them was the Service-Route. */
static void pop_own_routes(Scscf *s, osip_message_t *m, gboolean *orig)
{
    for (;;) {
        osip_route_t *r = osip_list_get(&m->routes, 0);
        if (!r || !r->url || !r->url->host)
            return;
        guint before = osip_list_size(&m->routes);
        gboolean is_orig = r->url->username && g_str_equal(r->url->username, "orig");
        cscf_pop_own_route(m, s->node);
        if ((guint)osip_list_size(&m->routes) == before)
            return;
        *orig |= is_orig;
    }
}

/* RFC 3261 §16.6 step 4: our Record-Route on top, so the dialog's requests come through here. */
static gboolean record_route(Scscf *s, osip_message_t *m)
{
    g_autofree char *value = g_strdup_printf("<sip:%s:%d;lr>", s->host, IMS_SIP_PORT);
    return sip_message_push_record_route(m, value);
}

/* Sends M (taken) to NEXT (a URI whose host resolves) in a client transaction for SERVER. */
static void forward(Scscf *s, SipTxn *server, osip_message_t *m, const char *next, const char *what)
{
    GError *err = NULL;
    g_autofree char *branch = sip_node_branch(s->sn);
    g_autofree char *target = sip_uri_text(m->req_uri);
    SipPeer peer;
    if (!next || !cscf_peer_for_uri(s->node->world, next, &peer)) {
        event(s, "route-failed", m->sip_method, target, next);
        sip_message_free(m);
        scscf_reply(s, server, 404, "Not Found");
        return;
    }
    char *method = g_strdup(m->sip_method);
    if (!cscf_forward_prepare(m, s->host, branch, NULL, &err)) {
        sip_message_free(m);
        g_free(method);
        g_debug("%s: not forwarded: %s", s->node->name, err->message);
        g_error_free(err);
        scscf_reply(s, server, 500, "Server Internal Error");
        return;
    }
    SipTxn *t = sip_node_send_request(s->sn, m, &peer, &err);
    if (!t) {
        g_debug("%s: not sent: %s", s->node->name, err ? err->message : "?");
        g_clear_error(&err);
        g_free(method);
        scscf_reply(s, server, 503, "Service Unavailable");
        return;
    }
    ScscfFwd *f = g_new0(ScscfFwd, 1);
    f->server = server;
    f->method = method;
    g_hash_table_insert(s->fwds, t, f);
    s->stats.forwarded++;
    event(s, what, method, target, next);
}

static const SimNode *icscf_of_domain(Scscf *s, const char *domain)
{
    const SimNode *found = NULL;
    SimWorld *w = s->node->world;
    for (guint i = 0; i < w->nodes->len && !found; i++) {
        const SimNode *n = w->nodes->pdata[i];
        if (g_str_equal(n->kind, "icscf") && n->domain && g_ascii_strcasecmp(n->domain, domain) == 0)
            found = n;
    }
    return found;
}

/* TRUE for the requests the presence application server takes (TS 24.229 §5.4.3.3 with the iFC of
 * TS 23.141 §5: the presence event packages of RFC 3856 and RFC 3857). */
static gboolean for_presence_server(const osip_message_t *req)
{
    if (!g_str_equal(req->sip_method, "SUBSCRIBE") && !g_str_equal(req->sip_method, "PUBLISH"))
        return FALSE;
    const char *text = sip_message_get_header(req, "Event", 0);
    GError *err = NULL;
    SipEvent *ev = text ? sip_event_parse(text, &err) : NULL;
    g_clear_error(&err);
    gboolean yes = ev && (g_str_equal(ev->type, "presence") ||
                          (g_str_equal(ev->type, "presence.winfo") && g_str_equal(req->sip_method, "SUBSCRIBE")));
    if (ev)
        sip_event_free(ev);
    return yes;
}

static void terminating(Scscf *s, SipTxn *txn, osip_message_t *m)
{
    g_autofree char *target = cscf_uri_aor(m->req_uri);
    if (s->ps && for_presence_server(m)) {
        g_autofree char *ps_uri = ims_sip_uri(s->ps);
        if (g_str_equal(m->sip_method, "SUBSCRIBE") && !record_route(s, m)) {
            sip_message_free(m);
            scscf_reply(s, txn, 500, "Server Internal Error");
            return;
        }
        s->stats.terminating++;
        forward(s, txn, m, ps_uri, "route-to-as");
        return;
    }
    event(s, "route-rejected", m->sip_method, target, s->ps ? "not modelled" : "no presence server");
    if (g_str_equal(m->sip_method, "SUBSCRIBE")) { /* RFC 6665 §4.2.1.1: no package served for it here */
        GError *err = NULL;
        g_autofree char *tag = sip_node_tag(s->sn);
        osip_message_t *resp = sip_response_new(m, 489, "Bad Event", tag, &err);
        sip_message_free(m);
        if (resp && sip_message_add_header(resp, "Allow-Events", s->ps ? "reg, presence, presence.winfo" : "reg", &err) &&
            sip_node_respond(s->sn, txn, resp, &err))
            return;
        g_clear_error(&err);
        return;
    }
    sip_message_free(m);
    scscf_reply(s, txn, 501, "Not Implemented");
}

static gboolean domain_is_ours(Scscf *s, const char *host)
{
    return s->node->domain && host && g_ascii_strcasecmp(s->node->domain, host) == 0;
}

void scscf_route_request(Scscf *s, SipTxn *txn, const osip_message_t *req)
{
    int mf = cscf_max_forwards_check(req);
    if (mf) {
        scscf_reply(s, txn, mf, mf == 483 ? "Too Many Hops" : "Bad Request");
        return;
    }
    osip_message_t *m = sip_message_clone(req);
    if (!m) {
        scscf_reply(s, txn, 500, "Server Internal Error");
        return;
    }
    gboolean orig = FALSE;
    pop_own_routes(s, m, &orig);
    /* RFC 6665 §4.1.2.4: a NOTIFY may form the dialog at the subscriber, whose route set then comes
     * from the NOTIFY's Record-Route: stay on the path as for the SUBSCRIBE. */
    if (g_str_equal(m->sip_method, "NOTIFY") && !record_route(s, m)) {
        sip_message_free(m);
        scscf_reply(s, txn, 500, "Server Internal Error");
        return;
    }
    osip_route_t *next_route = osip_list_get(&m->routes, 0);
    if (next_route) { /* loose routing to the next hop of the dialog or of a pre-loaded route */
        g_autofree char *next = sip_uri_text(next_route->url);
        forward(s, txn, m, next, "route-next");
        return;
    }
    osip_generic_param_t *tag = NULL;
    gboolean in_dialog = m->to && osip_to_get_tag(m->to, &tag) == 0 && tag && tag->gvalue;
    g_autofree char *ruri = sip_uri_text(m->req_uri);
    if (in_dialog) {
        forward(s, txn, m, ruri, "route-dialog");
        return;
    }
    g_autofree char *target = cscf_uri_aor(m->req_uri);
    if (!target) {
        sip_message_free(m);
        scscf_bad_request(s, txn, req->sip_method, "Request-URI without identity");
        return;
    }
    if (!orig) {
        terminating(s, txn, m);
        return;
    }
    s->stats.originating++;
    if (g_str_equal(m->sip_method, "SUBSCRIBE") && !record_route(s, m)) {
        sip_message_free(m);
        scscf_reply(s, txn, 500, "Server Internal Error");
        return;
    }
    const char *host = m->req_uri ? m->req_uri->host : NULL;
    if (scscf_reg_find(s, target) || (domain_is_ours(s, host) && s->ps && for_presence_server(m))) {
        terminating(s, txn, m); /* TS 24.229 §5.4.3.2: the target is served here */
        return;
    }
    const SimNode *ic = host ? icscf_of_domain(s, host) : NULL;
    if (!ic) {
        event(s, "route-failed", m->sip_method, target, "no I-CSCF for the domain");
        sip_message_free(m);
        scscf_reply(s, txn, 404, "Not Found");
        return;
    }
    g_autofree char *ic_uri = ims_sip_uri(ic);
    forward(s, txn, m, ic_uri, "route-to-icscf");
}

gboolean scscf_route_response(Scscf *s, SipTxn *txn, const osip_message_t *resp)
{
    ScscfFwd *f = g_hash_table_lookup(s->fwds, txn);
    if (!f)
        return FALSE;
    if (resp->status_code == 100)
        return TRUE; /* RFC 3261 §16.7 step 3: not relayed */
    osip_message_t *m = sip_message_clone(resp);
    GError *err = NULL;
    if (m) {
        cscf_pop_via(m);
        if (!sip_node_respond(s->sn, f->server, m, &err)) {
            g_debug("%s: relay failed: %s", s->node->name, err ? err->message : "?");
            g_clear_error(&err);
        }
    }
    if (resp->status_code >= 200)
        g_hash_table_remove(s->fwds, txn);
    return TRUE;
}

gboolean scscf_route_failure(Scscf *s, SipTxn *txn)
{
    ScscfFwd *f = g_hash_table_lookup(s->fwds, txn);
    if (!f)
        return FALSE;
    scscf_reply(s, f->server, 408, "Request Timeout");
    g_hash_table_remove(s->fwds, txn);
    return TRUE;
}
