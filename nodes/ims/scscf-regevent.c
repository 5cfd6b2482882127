/* scscf-regevent.c: the reg event package at the S-CSCF (RFC 3680, RFC 6665, TS 24.229 §5.4.2.1).
 *
 * DESIGN NOTES
 *
 * A subscription (ScscfSub) is a dialog the S-CSCF holds as UAS (RFC 3261 §12.1.1): Call-ID, the
 * subscriber's tag (From) and ours (To of the 200), the subscriber's Contact as remote target, the
 * Record-Route of the SUBSCRIBE as route set (NOTIFYs carry it as Route, loose routing assumed),
 * our CSeq counting up from 1. It watches one registration (ScscfReg) and lives:
 *
 *   SUBSCRIBE (registered identity, Expires > 0) --> ACTIVE: 200, NOTIFY with the full state
 *   ACTIVE --registration changed--> NOTIFY full state, version + 1
 *          --refresh (in-dialog SUBSCRIBE)--> 200, NOTIFY, new expiry
 *          --unsubscribe (Expires 0) / expiry / registration ended--> final NOTIFY
 *            (Subscription-State: terminated), dropped
 *          --NOTIFY answered 481, or no answer (Timer F)--> dropped silently (RFC 6665 §4.1.3)
 *
 * Every NOTIFY carries the full state (RFC 3680 §5.2.1 state="full"): one <registration> per
 * non-barred identity of the implicit set (TS 24.229 §5.4.2.1.2), each with every contact and the
 * event of its last change; a contact that just ended is listed once as terminated, then forgotten.
 * Not done: partial state, authorisation of subscribers (TS 24.229 §5.4.2.1.1 limits them to the
 * UE, its P-CSCF and ASs), subscriptions to identities that are not registered (answered 480).
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/scscf-private.h"
#include "nodes/ims/sip-notify.h"
#include <libxml/xmlwriter.h>
#include <string.h>

#define REGINFO_NS "urn:ietf:params:xml:ns:reginfo"

void scscf_sub_free(gpointer p)
{
    ScscfSub *sub = p;
    sim_engine_cancel(sub->s->node->world->engine, sub->timer);
    if (sub->reg)
        g_ptr_array_remove(sub->reg->subs, sub);
    g_free(sub->aor);
    g_free(sub->call_id);
    g_free(sub->local_tag);
    g_free(sub->remote_tag);
    g_free(sub->local_uri);
    g_free(sub->remote_uri);
    g_free(sub->remote_target);
    g_ptr_array_free(sub->route_set, TRUE);
    g_free(sub);
}

static void sub_drop(ScscfSub *sub)
{
    g_hash_table_remove(sub->s->subs, GUINT_TO_POINTER(sub->id)); /* frees SUB */
}

/* ---- reginfo (RFC 3680 §5.3) ------------------------------------------------------------------ */

static gboolean reg_active(const ScscfReg *reg)
{
    for (guint i = 0; i < reg->bindings->len; i++)
        if (((const ScscfBinding *)reg->bindings->pdata[i])->active)
            return TRUE;
    return FALSE;
}

static gboolean barred(const ScscfReg *reg, const char *impu)
{
    for (guint i = 0; i < reg->barred->len; i++)
        if (g_str_equal(reg->barred->pdata[i], impu))
            return TRUE;
    return FALSE;
}

/* The full state of REG as application/reginfo+xml. NULL only if libxml2 fails. g_free. */
static char *reginfo(const ScscfReg *reg, guint version)
{
    const Scscf *s = reg->s;
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (!w) {
        if (buf)
            xmlBufferFree(buf);
        return NULL;
    }
    gboolean active = reg_active(reg);
    SimTime now = sim_world_now(s->node->world);
    char num[24];
    int bad = xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
    bad |= xmlTextWriterStartElementNS(w, NULL, BAD_CAST "reginfo", BAD_CAST REGINFO_NS) < 0;
    g_snprintf(num, sizeof num, "%u", version);
    bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST num) < 0;
    bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "state", BAD_CAST "full") < 0;
    for (guint i = 0; i < reg->set->len; i++) {
        const char *aor = reg->set->pdata[i];
        if (barred(reg, aor))
            continue;
        bad |= xmlTextWriterStartElement(w, BAD_CAST "registration") < 0;
        bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "aor", BAD_CAST aor) < 0;
        g_snprintf(num, sizeof num, "r%u.%u", reg->id, i);
        bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST num) < 0;
        bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "state", BAD_CAST(active ? "active" : "terminated")) < 0;
        for (guint k = 0; k < reg->bindings->len; k++) {
            const ScscfBinding *b = reg->bindings->pdata[k];
            bad |= xmlTextWriterStartElement(w, BAD_CAST "contact") < 0;
            g_snprintf(num, sizeof num, "c%u", b->id);
            bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST num) < 0;
            bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "state", BAD_CAST(b->active ? "active" : "terminated")) < 0;
            bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "event", BAD_CAST b->event) < 0;
            if (b->active) {
                g_snprintf(num, sizeof num, "%" G_GINT64_FORMAT, (b->expires_at - now + SIM_S - 1) / SIM_S);
                bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "expires", BAD_CAST num) < 0;
            }
            bad |= xmlTextWriterWriteElement(w, BAD_CAST "uri", BAD_CAST b->uri) < 0;
            bad |= xmlTextWriterEndElement(w) < 0; /* contact */
        }
        bad |= xmlTextWriterEndElement(w) < 0; /* registration */
    }
    bad |= xmlTextWriterEndElement(w) < 0; /* reginfo */
    bad |= xmlTextWriterEndDocument(w) < 0;
    xmlFreeTextWriter(w);
    char *out = bad ? NULL : g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return out;
}

/* ---- NOTIFY ----------------------------------------------------------------------------------- */

static gboolean add(osip_message_t *m, const char *name, const char *value)
{
    GError *err = NULL;
    if (sip_message_add_header(m, name, value, &err))
        return TRUE;
    g_debug("%s not added: %s", name, err->message);
    g_error_free(err);
    return FALSE;
}

/* Sends a NOTIFY in SUB's dialog with the full state of its registration (or of none when the
 * registration is gone) and Subscription-State SUBSTATE. */
static void send_notify(ScscfSub *sub, const char *substate)
{
    Scscf *s = sub->s;
    SipNotifierDialog d = {sub->local_uri, sub->remote_uri, sub->local_tag, sub->remote_tag,
                           sub->remote_target, sub->call_id, sub->route_set};
    GError *err = NULL;
    osip_message_t *m = sip_notify_new(s->sn, &d, ++sub->cseq, s->host, s->uri, "reg", substate, &err);
    g_autofree char *body = sub->reg ? reginfo(sub->reg, sub->version) : NULL;
    gboolean ok = m != NULL;
    if (ok && body && !sip_message_set_body(m, "application/reginfo+xml", body, strlen(body), &err)) {
        sip_message_free(m);
        ok = FALSE;
    }
    SipTxn *t = ok ? sip_notify_send(s->sn, &d, m, &err) : NULL;
    if (!t) {
        g_debug("%s: NOTIFY not sent: %s", s->node->name, err ? err->message : "no route or bad field");
        g_clear_error(&err);
        return;
    }
    sip_txn_set_user_data(t, GUINT_TO_POINTER(sub->id));
    s->stats.notifies++;
    SimAttr attrs[] = {
        SIM_ATTR_S("aor", sub->aor),
        SIM_ATTR_S("subscriber", sub->remote_uri),
        SIM_ATTR_S("registration", sub->reg && reg_active(sub->reg) ? "active" : "terminated"),
        SIM_ATTR_S("subscription_state", substate),
        SIM_ATTR_I("version", sub->version),
    };
    sim_node_event(s->node, "reg-notify", attrs, G_N_ELEMENTS(attrs));
    sub->version++;
}

static void notify_active(ScscfSub *sub)
{
    SimTime left = sub->expires_at - sim_world_now(sub->s->node->world);
    g_autofree char *ss = g_strdup_printf("active;expires=%" G_GINT64_FORMAT, MAX(0, (left + SIM_S - 1) / SIM_S));
    send_notify(sub, ss);
}

void scscf_regevent_notify(ScscfReg *reg)
{
    for (guint i = 0; i < reg->subs->len; i++)
        notify_active(reg->subs->pdata[i]);
}

void scscf_regevent_reg_ended(ScscfReg *reg, const char *reason)
{
    g_autofree char *ss = g_strdup_printf("terminated;reason=%s", reason);
    while (reg->subs->len) {
        ScscfSub *sub = reg->subs->pdata[0];
        send_notify(sub, ss);
        sub_drop(sub); /* removes it from reg->subs */
    }
}

void scscf_regevent_notify_result(Scscf *s, SipTxn *txn, int status)
{
    guint id = GPOINTER_TO_UINT(sip_txn_get_user_data(txn));
    ScscfSub *sub = id ? g_hash_table_lookup(s->subs, GUINT_TO_POINTER(id)) : NULL;
    sip_txn_set_user_data(txn, NULL);
    if (sub && (status == 0 || status == 481)) /* RFC 6665 §4.1.3: the subscriber is gone */
        sub_drop(sub);
}

static void sub_expired(void *arg)
{
    ScscfSub *sub = arg;
    sub->timer = 0;
    send_notify(sub, "terminated;reason=timeout");
    sub_drop(sub);
}

static void sub_arm(ScscfSub *sub, gint64 seconds)
{
    SimEngine *e = sub->s->node->world->engine;
    sim_engine_cancel(e, sub->timer);
    sub->expires_at = sim_engine_now(e) + seconds * SIM_S;
    sub->timer = sim_engine_schedule_in(e, seconds * SIM_S, sub_expired, sub);
}

/* ---- SUBSCRIBE -------------------------------------------------------------------------------- */

static ScscfSub *find_dialog(Scscf *s, const osip_message_t *req, const char *to_tag)
{
    g_autofree char *call_id = sip_message_call_id(req);
    const char *from_tag = sip_header_tag(req->from);
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, s->subs);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        ScscfSub *sub = v;
        if (call_id && from_tag && g_str_equal(sub->local_tag, to_tag) && g_str_equal(sub->remote_tag, from_tag) &&
            g_str_equal(sub->call_id, call_id))
            return sub;
    }
    return NULL;
}

/* 200 to the SUBSCRIBE (RFC 6665 §4.2.1.1): To tag, Expires, Contact, Record-Route copied. */
static void reply_200(Scscf *s, SipTxn *txn, const osip_message_t *req, const char *tag, gint64 expires)
{
    GError *err = NULL;
    osip_message_t *resp = sip_response_new(req, 200, "OK", tag, &err);
    if (!resp) {
        g_debug("%s: 200 not built: %s", s->node->name, err->message);
        g_error_free(err);
        return;
    }
    g_autofree char *e = g_strdup_printf("%" G_GINT64_FORMAT, expires);
    g_autofree char *contact = g_strdup_printf("<%s>", s->uri);
    add(resp, "Expires", e);
    add(resp, "Contact", contact);
    g_autoptr(GPtrArray) rrs = sip_message_record_routes(req, FALSE);
    for (guint i = 0; i < rrs->len; i++)
        sip_message_add_header(resp, "Record-Route", rrs->pdata[i], NULL);
    if (!sip_node_respond(s->sn, txn, resp, &err)) {
        g_debug("%s: 200 not sent: %s", s->node->name, err ? err->message : "?");
        g_clear_error(&err);
    }
}

void scscf_regevent_subscribe(Scscf *s, SipTxn *txn, const osip_message_t *req)
{
    const char *ev_text = sip_message_get_header(req, "Event", 0);
    GError *err = NULL;
    SipEvent *ev = ev_text ? sip_event_parse(ev_text, &err) : NULL;
    g_clear_error(&err);
    gboolean is_reg = ev && g_str_equal(ev->type, "reg");
    if (ev)
        sip_event_free(ev);
    if (!is_reg) { /* RFC 6665 §4.2.1.1 */
        g_autofree char *tag = sip_node_tag(s->sn);
        osip_message_t *resp = sip_response_new(req, 489, "Bad Event", tag, &err);
        if (resp && add(resp, "Allow-Events", "reg") && sip_node_respond(s->sn, txn, resp, &err))
            return;
        g_clear_error(&err);
        return;
    }
    gint64 expires = cscf_request_expires(req);
    if (expires == -2) {
        scscf_bad_request(s, txn, "SUBSCRIBE", "malformed Expires");
        return;
    }
    expires = expires < 0 ? SCSCF_SUB_EXPIRES_DEFAULT : MIN(expires, SCSCF_SUB_EXPIRES_MAX);
    const char *to_tag = sip_header_tag(req->to);
    if (to_tag) { /* refresh or unsubscribe (RFC 6665 §4.2.1.2) */
        ScscfSub *sub = find_dialog(s, req, to_tag);
        if (!sub) {
            scscf_reply(s, txn, 481, "Call/Transaction Does Not Exist");
            return;
        }
        reply_200(s, txn, req, NULL, expires);
        if (expires == 0) {
            send_notify(sub, "terminated");
            sub_drop(sub);
        } else {
            sub_arm(sub, expires);
            notify_active(sub);
        }
        return;
    }
    g_autofree char *aor = cscf_uri_aor(req->req_uri);
    const char *from_tag = sip_header_tag(req->from);
    osip_contact_t *contact = osip_list_get(&req->contacts, 0);
    char *target = contact ? sip_uri_text(contact->url) : NULL;
    char *local = sip_uri_text(req->to ? req->to->url : NULL), *remote = sip_uri_text(req->from ? req->from->url : NULL);
    const char *why = !aor ? "Request-URI without identity" : !from_tag ? "no From tag" : !target ? "no Contact"
                      : !local || !remote ? "bad From or To" : NULL;
    ScscfReg *reg = why ? NULL : scscf_reg_find(s, aor);
    if (why || !reg) {
        g_free(target);
        g_free(local);
        g_free(remote);
        if (why)
            scscf_bad_request(s, txn, "SUBSCRIBE", why);
        else
            scscf_reply(s, txn, 480, "Temporarily Unavailable");
        return;
    }
    ScscfSub *sub = g_new0(ScscfSub, 1);
    sub->s = s;
    sub->id = ++s->next_id;
    sub->reg = reg;
    sub->aor = g_strdup(aor);
    sub->call_id = sip_message_call_id(req);
    sub->local_tag = sip_node_tag(s->sn);
    sub->remote_tag = g_strdup(from_tag);
    sub->local_uri = local;
    sub->remote_uri = remote;
    sub->remote_target = target;
    sub->route_set = sip_message_record_routes(req, FALSE); /* UAS: in order (RFC 3261 §12.1.1) */
    g_hash_table_insert(s->subs, GUINT_TO_POINTER(sub->id), sub);
    g_ptr_array_add(reg->subs, sub);
    s->stats.subscriptions++;
    reply_200(s, txn, req, sub->local_tag, expires);
    SimAttr attrs[] = {SIM_ATTR_S("aor", aor), SIM_ATTR_S("subscriber", remote), SIM_ATTR_I("expires", expires)};
    sim_node_event(s->node, "reg-subscribed", attrs, G_N_ELEMENTS(attrs));
    if (expires == 0) { /* a fetch: one NOTIFY, then over (RFC 6665 §4.4.3) */
        sub->expires_at = sim_world_now(s->node->world);
        send_notify(sub, "terminated;reason=timeout");
        sub_drop(sub);
        return;
    }
    sub_arm(sub, expires);
    notify_active(sub);
}
