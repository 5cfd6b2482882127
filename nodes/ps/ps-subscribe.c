/* ps-subscribe.c: subscriptions at the Presence Server: presence (RFC 3856), watcher information
 * (RFC 3857 / RFC 3858) and resource lists (RFC 4662), each authorized by pres-rules (RFC 5025).
 *
 * DESIGN NOTES
 *
 * A PsSub is a dialog the PS holds as UAS, kept as scscf-regevent.c keeps its own (Call-ID, tags,
 * Contact as remote target, Record-Route as route set, CSeq from 1). Life of a presence subscription:
 *
 *   SUBSCRIBE --rules say block--> 403, nothing kept (no PIDF ever reaches the watcher)
 *             --confirm--> 200, PENDING: NOTIFY "pending", no body (RFC 3856 §6.6.2)
 *             --polite-block--> 200, ACTIVE: NOTIFY with the neutral document (RFC 5025 §3.2.1)
 *             --allow--> 200, ACTIVE: NOTIFY with the state the watcher may see (RFC 5025 §3.3)
 *   ACTIVE --state changed and what this watcher may see changed--> NOTIFY (full state, RFC 3856 §6.7)
 *   PENDING --rules now allow / polite-block--> ACTIVE ("approved" in winfo), NOTIFY with state
 *   ACTIVE --rules now confirm--> PENDING;  any --rules now block--> NOTIFY terminated;reason=rejected
 *   any --refresh--> 200, NOTIFY;  --Expires 0--> 200, final NOTIFY;  --expiry--> NOTIFY
 *       terminated;reason=timeout;  --NOTIFY answered 481 / no answer--> dropped (RFC 6665 §4.1.3)
 *
 * A NOTIFY is sent only when the body this watcher would get differs from the last one it got: a
 * change the watcher may not see (a location it is not allowed) sends nothing, so not even the
 * timing of the change leaks. Watcher information goes to the presentity only (RFC 3857 §5.1.1:
 * the subscriber must be the presentity); it lists every watcher with its status, and a watcher whose
 * subscription ended once more as terminated, then forgets it. A list subscription (a buddy-list URI,
 * Supported: eventlist required, owner only) gets multipart/related NOTIFYs: the RLMI document and one
 * PIDF part per member the owner may see under that member's rules (RFC 4662 §5); members not
 * served here are listed terminated;reason=noresource.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/scscf-common.h"
#include "nodes/ims/sip-notify.h"
#include "nodes/ps/ps-private.h"
#include "protocols/pidf/resource-lists.h"
#include "protocols/pidf/watcherinfo.h"
#include "protocols/sip/sip-multipart.h"
#include <string.h>

static const char *const state_names[] = {"active", "pending", "terminated"};

static void winfo_notify_all(PsPresentity *pt);

/* The member presentities of a list subscription know it (to notify it when they change). */
static void list_unlink(PsSub *sub)
{
    for (guint i = 0; i < sub->pt->buddies->len; i++) {
        PsPresentity *m = ps_presentity_for_uri(sub->ps, sub->pt->buddies->pdata[i]);
        if (m)
            g_ptr_array_remove(m->list_subs, sub);
    }
}

static void list_link(PsSub *sub)
{
    for (guint i = 0; i < sub->pt->buddies->len; i++) {
        PsPresentity *m = ps_presentity_for_uri(sub->ps, sub->pt->buddies->pdata[i]);
        if (m && !g_ptr_array_find(m->list_subs, sub, NULL))
            g_ptr_array_add(m->list_subs, sub);
    }
}

void ps_sub_free(gpointer p)
{
    PsSub *sub = p;
    sim_engine_cancel(sub->ps->node->world->engine, sub->timer);
    if (sub->pt) {
        g_ptr_array_remove(sub->pt->subs, sub);
        g_ptr_array_remove(sub->pt->winfo_subs, sub);
        g_ptr_array_remove(sub->pt->gone, sub);
    }
    if (sub->is_list && sub->pt)
        list_unlink(sub);
    g_free(sub->resource);
    g_free(sub->watcher);
    g_free(sub->call_id);
    g_free(sub->local_tag);
    g_free(sub->remote_tag);
    g_free(sub->local_uri);
    g_free(sub->remote_uri);
    g_free(sub->remote_target);
    g_ptr_array_free(sub->route_set, TRUE);
    g_free(sub->last_body);
    g_free(sub);
}

static void sub_drop(PsSub *sub)
{
    g_hash_table_remove(sub->ps->subs, GUINT_TO_POINTER(sub->id));
}

static void event(PsSub *sub, const char *what)
{
    SimAttr attrs[] = {SIM_ATTR_S("resource", sub->resource), SIM_ATTR_S("watcher", sub->watcher),
                       SIM_ATTR_S("event", sub->event == PS_EV_WINFO ? "presence.winfo" : "presence"),
                       SIM_ATTR_S("state", state_names[sub->state]),
                       SIM_ATTR_S("handling", pres_sub_handling_name(sub->handling))};
    sim_node_event(sub->ps->node, what, attrs, G_N_ELEMENTS(attrs));
}

/* ---- bodies ---- */

/* What WATCHER may see of PT now (RFC 5025): NULL when nothing (block / confirm). */
static char *presence_body(PsPresentity *pt, const char *watcher, PresSubHandling *handling, size_t *len)
{
    g_autoptr(PresPermissions) perm = pres_rules_evaluate(pt->rules, watcher);
    *handling = perm->sub_handling;
    if (perm->sub_handling == PRES_SUB_BLOCK || perm->sub_handling == PRES_SUB_CONFIRM)
        return NULL;
    g_autoptr(PidfDoc) doc = NULL;
    if (perm->sub_handling == PRES_SUB_POLITE_BLOCK)
        doc = pidf_neutral(pt->aor);
    else if (pt->composed)
        doc = pres_permissions_apply(perm, pt->composed);
    else
        doc = pidf_doc_new(pt->aor); /* nothing published yet: no tuple */
    GError *err = NULL;
    char *out = pidf_doc_print(doc, len, &err);
    if (!out) {
        g_debug("PIDF not printed: %s", err ? err->message : "?");
        g_clear_error(&err);
    }
    return out;
}

static char *winfo_body(PsSub *sub, size_t *len)
{
    PsPresentity *pt = sub->pt;
    g_autoptr(WinfoDoc) doc = winfo_doc_new(sub->version, TRUE);
    WinfoList *l = winfo_doc_add_list(doc, pt->aor, "presence");
    GPtrArray *both[2] = {pt->subs, pt->gone};
    for (guint k = 0; k < 2; k++)
        for (guint i = 0; i < both[k]->len; i++) {
            const PsSub *w = both[k]->pdata[i];
            char id[24];
            g_snprintf(id, sizeof id, "w%u", w->id);
            WinfoWatcher *ww = winfo_list_add_watcher(l, id, w->watcher, state_names[w->state],
                                                      w->reason ? w->reason : "subscribe");
            SimTime now = sim_world_now(sub->ps->node->world);
            ww->duration_subscribed = (long)((now - w->started) / SIM_S);
            if (w->state != PS_SUB_TERMINATED)
                ww->expiration = (long)MAX(0, (w->expires_at - now) / SIM_S);
        }
    GError *err = NULL;
    char *out = winfo_doc_print(doc, len, &err);
    g_clear_error(&err);
    return out;
}

/* The members' parts of a list NOTIFY (RFC 4662 §5): RLMI root first. SIGNATURE gets what the
 * watcher would learn (to send changes only). */
static SipMultipart *list_body(PsSub *sub, GString *signature)
{
    PsPresentity *owner = sub->pt;
    Ps *ps = sub->ps;
    g_autoptr(RlmiDoc) rlmi = rlmi_doc_new(sub->resource, sub->version, TRUE);
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *cids = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < owner->buddies->len; i++) {
        const char *uri = owner->buddies->pdata[i];
        g_autofree char *aor = ps_uri_aor_text(uri);
        PsPresentity *m = aor ? g_hash_table_lookup(ps->presentities, aor) : NULL;
        char inst[32];
        g_snprintf(inst, sizeof inst, "i%u-%u", sub->id, i);
        if (!m) {
            rlmi_doc_add(rlmi, uri, inst, "terminated", "noresource", NULL);
            g_string_append_printf(signature, "%s:noresource;", uri);
            continue;
        }
        PresSubHandling h;
        size_t len = 0;
        char *body = presence_body(m, sub->watcher, &h, &len);
        if (!body) {
            const char *st = h == PRES_SUB_CONFIRM ? "pending" : "terminated";
            rlmi_doc_add(rlmi, uri, inst, st, h == PRES_SUB_CONFIRM ? NULL : "rejected", NULL);
            g_string_append_printf(signature, "%s:%s;", uri, st);
            continue;
        }
        char *cid = g_strdup_printf("%s-%u@%s", inst, sub->version, ps->host);
        rlmi_doc_add(rlmi, uri, inst, "active", NULL, cid);
        g_string_append_printf(signature, "%s:active:%s;", uri, body);
        g_ptr_array_add(parts, body);
        g_ptr_array_add(cids, cid);
    }
    GError *err = NULL;
    size_t rlen = 0;
    g_autofree char *rbody = rlmi_doc_print(rlmi, &rlen, &err);
    g_clear_error(&err);
    SipMultipart *mp = NULL;
    if (rbody) {
        g_autofree char *boundary = g_strdup_printf("presim-%u-%u", sub->id, sub->version);
        g_autofree char *root_cid = g_strdup_printf("rlmi-%u-%u@%s", sub->id, sub->version, ps->host);
        mp = sip_multipart_new(RLMI_CONTENT_TYPE, boundary);
        sip_multipart_add(mp, RLMI_CONTENT_TYPE, root_cid, rbody, rlen);
        for (guint i = 0; i < parts->len; i++)
            sip_multipart_add(mp, PIDF_CONTENT_TYPE, cids->pdata[i], parts->pdata[i], strlen(parts->pdata[i]));
    }
    g_ptr_array_free(parts, TRUE);
    g_ptr_array_free(cids, TRUE);
    return mp;
}

/* ---- NOTIFY ---- */

/* Sends a NOTIFY in SUB's dialog with SUBSTATE and BODY (NULL: none) of CTYPE, or the multipart MP. */
static void send_notify(PsSub *sub, const char *substate, const char *ctype, const char *body, size_t len,
                        const SipMultipart *mp)
{
    Ps *ps = sub->ps;
    SipNotifierDialog d = {sub->local_uri, sub->remote_uri, sub->local_tag, sub->remote_tag,
                           sub->remote_target, sub->call_id, sub->route_set};
    GError *err = NULL;
    osip_message_t *m = sip_notify_new(ps->sn, &d, ++sub->cseq, ps->host, ps->uri,
                                       sub->event == PS_EV_WINFO ? "presence.winfo" : "presence", substate, &err);
    gboolean ok = m != NULL;
    if (ok && sub->is_list)
        ok = sip_message_add_header(m, "Require", "eventlist", &err);
    if (ok && mp)
        ok = sip_multipart_set_body(m, mp, &err);
    else if (ok && body)
        ok = sip_message_set_body(m, ctype, body, len, &err);
    if (!ok && m)
        sip_message_free(m);
    SipNodeStats before, after;
    sip_node_stats(ps->sn, &before);
    SipTxn *t = ok ? sip_notify_send(ps->sn, &d, m, &err) : NULL;
    if (!t) {
        g_debug("%s: NOTIFY not sent: %s", ps->node->name, err ? err->message : "no route or bad field");
        g_clear_error(&err);
        ps->stats.notify_failures++;
        return;
    }
    sip_node_stats(ps->sn, &after);
    ps_count_out(ps, PS_RP_PW, after.bytes_sent - before.bytes_sent);
    sip_txn_set_user_data(t, GUINT_TO_POINTER(sub->id));
    ps->stats.notifies++;
    SimAttr attrs[] = {SIM_ATTR_S("resource", sub->resource), SIM_ATTR_S("watcher", sub->watcher),
                       SIM_ATTR_S("subscription_state", substate), SIM_ATTR_B("body", body || mp),
                       SIM_ATTR_I("version", sub->version)};
    sim_node_event(ps->node, "presence-notify", attrs, G_N_ELEMENTS(attrs));
}

static char *substate_text(PsSub *sub, const char *final_reason)
{
    if (final_reason)
        return *final_reason ? g_strdup_printf("terminated;reason=%s", final_reason) : g_strdup("terminated");
    SimTime left = sub->expires_at - sim_world_now(sub->ps->node->world);
    return g_strdup_printf("%s;expires=%" G_GINT64_FORMAT, sub->state == PS_SUB_PENDING ? "pending" : "active",
                           MAX(0, (left + SIM_S - 1) / SIM_S));
}

/* Sends SUB its current state. FORCE: even when the body is unchanged (first NOTIFY, refresh,
 * state change). FINAL_REASON non-NULL: the final NOTIFY ("" for no reason). */
static void notify_sub(PsSub *sub, gboolean force, const char *final_reason)
{
    g_autofree char *substate = substate_text(sub, final_reason);
    if (sub->event == PS_EV_WINFO) {
        size_t len = 0;
        g_autofree char *body = winfo_body(sub, &len);
        send_notify(sub, substate, WINFO_CONTENT_TYPE, body, len, NULL);
        sub->version++;
        return;
    }
    if (sub->is_list) {
        g_autoptr(GString) sig = g_string_new(NULL);
        SipMultipart *mp = final_reason && g_strcmp0(final_reason, "timeout") && *final_reason
                               ? NULL
                               : list_body(sub, sig);
        if (!force && !final_reason && sub->last_body && g_str_equal(sub->last_body, sig->str)) {
            if (mp)
                sip_multipart_free(mp);
            return;
        }
        g_free(sub->last_body);
        sub->last_body = g_strdup(sig->str);
        send_notify(sub, substate, NULL, NULL, 0, mp);
        if (mp)
            sip_multipart_free(mp);
        sub->version++;
        return;
    }
    PresSubHandling h;
    size_t len = 0;
    g_autofree char *body = NULL;
    if (sub->state == PS_SUB_ACTIVE && (!final_reason || g_str_equal(final_reason, "timeout") || !*final_reason))
        body = presence_body(sub->pt, sub->watcher, &h, &len);
    if (!force && !final_reason && g_strcmp0(body, sub->last_body) == 0)
        return; /* nothing this watcher may see has changed */
    g_free(sub->last_body);
    sub->last_body = g_strdup(body);
    send_notify(sub, substate, PIDF_CONTENT_TYPE, body, len, NULL);
}

void ps_notify_result(Ps *ps, SipTxn *txn, int status)
{
    guint id = GPOINTER_TO_UINT(sip_txn_get_user_data(txn));
    PsSub *sub = id ? g_hash_table_lookup(ps->subs, GUINT_TO_POINTER(id)) : NULL;
    sip_txn_set_user_data(txn, NULL);
    if (!sub || !(status == 0 || status == 481))
        return;
    if (status == 0)
        ps->stats.notify_failures++;
    PsPresentity *pt = sub->event == PS_EV_PRESENCE && !sub->is_list ? sub->pt : NULL;
    sub->state = PS_SUB_TERMINATED;
    sub->reason = status ? "giveup" : "timeout";
    event(sub, "subscription-dropped");
    sub_drop(sub); /* RFC 6665 §4.1.3 / §4.2.2 */
    if (pt)
        winfo_notify_all(pt);
}

/* ---- watcher information ---- */

static void winfo_notify_all(PsPresentity *pt)
{
    for (guint i = 0; i < pt->winfo_subs->len; i++)
        notify_sub(pt->winfo_subs->pdata[i], TRUE, NULL);
    /* Terminated watchers are listed once (RFC 3858 §5.2), then forgotten. */
    if (pt->winfo_subs->len || pt->gone->len) {
        GPtrArray *gone = g_ptr_array_copy(pt->gone, NULL, NULL);
        for (guint i = 0; i < gone->len; i++)
            sub_drop(gone->pdata[i]);
        g_ptr_array_free(gone, TRUE);
    }
}

/* Ends a presence subscription with a final NOTIFY; it stays listed in winfo once. */
static void end_sub(PsSub *sub, const char *reason, const char *winfo_event)
{
    PsPresentity *pt = sub->pt;
    notify_sub(sub, TRUE, reason);
    sim_engine_cancel(sub->ps->node->world->engine, sub->timer);
    sub->timer = 0;
    if (sub->event == PS_EV_PRESENCE && !sub->is_list) {
        sub->state = PS_SUB_TERMINATED;
        sub->reason = winfo_event;
        event(sub, "subscription-ended");
        g_ptr_array_remove(pt->subs, sub);
        g_ptr_array_add(pt->gone, sub);
        Ps *ps = sub->ps;
        guint id = sub->id;
        winfo_notify_all(pt); /* may free SUB (listed once, then forgotten) */
        PsSub *left = g_hash_table_lookup(ps->subs, GUINT_TO_POINTER(id));
        if (left)
            sub_drop(left);
    } else {
        sub->state = PS_SUB_TERMINATED;
        event(sub, "subscription-ended");
        sub_drop(sub);
    }
}

/* ---- changes ---- */

void ps_notify_watchers(PsPresentity *pt)
{
    for (guint i = 0; i < pt->subs->len; i++) {
        PsSub *sub = pt->subs->pdata[i];
        if (sub->state == PS_SUB_ACTIVE)
            notify_sub(sub, FALSE, NULL);
    }
    for (guint i = 0; i < pt->list_subs->len; i++)
        notify_sub(pt->list_subs->pdata[i], FALSE, NULL);
}

void ps_rules_changed(PsPresentity *pt)
{
    gboolean winfo_changed = FALSE;
    GPtrArray *subs = g_ptr_array_copy(pt->subs, NULL, NULL);
    for (guint i = 0; i < subs->len; i++) {
        PsSub *sub = subs->pdata[i];
        g_autoptr(PresPermissions) perm = pres_rules_evaluate(pt->rules, sub->watcher);
        PresSubHandling before = sub->handling;
        sub->handling = perm->sub_handling;
        if (perm->sub_handling == PRES_SUB_BLOCK) { /* RFC 5025 §3.2.1; RFC 6665 §4.2.2 "rejected" */
            end_sub(sub, "rejected", "rejected"); /* tells the winfo subscribers itself */
            continue;
        }
        if (perm->sub_handling == PRES_SUB_CONFIRM) {
            if (sub->state == PS_SUB_ACTIVE) {
                sub->state = PS_SUB_PENDING;
                sub->reason = "subscribe";
                event(sub, "subscription-pending");
                notify_sub(sub, TRUE, NULL);
                winfo_changed = TRUE;
            }
            continue;
        }
        if (sub->state == PS_SUB_PENDING) {
            sub->state = PS_SUB_ACTIVE;
            sub->reason = "approved";
            event(sub, "subscription-approved");
            notify_sub(sub, TRUE, NULL);
            winfo_changed = TRUE;
        } else {
            notify_sub(sub, before != sub->handling, NULL);
        }
    }
    g_ptr_array_free(subs, TRUE);
    if (winfo_changed)
        winfo_notify_all(pt);
    for (guint i = 0; i < pt->list_subs->len; i++)
        notify_sub(pt->list_subs->pdata[i], FALSE, NULL);
}

static gint list_sub_cmp(gconstpointer a, gconstpointer b)
{
    guint x = (*(PsSub *const *)a)->id, y = (*(PsSub *const *)b)->id; /* g_ptr_array_sort passes pointers to elements */
    return x < y ? -1 : x > y;
}

void ps_list_replace(PsPresentity *owner, GPtrArray *members)
{
    GHashTableIter it;
    gpointer v;
    GPtrArray *subs = g_ptr_array_new();
    g_hash_table_iter_init(&it, owner->ps->subs);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        PsSub *sub = v;
        if (sub->is_list && sub->pt == owner && sub->state != PS_SUB_TERMINATED) {
            list_unlink(sub);
            g_ptr_array_add(subs, sub);
        }
    }
    g_ptr_array_set_size(owner->buddies, 0);
    for (guint i = 0; i < members->len; i++)
        g_ptr_array_add(owner->buddies, g_strdup(members->pdata[i]));
    /* RFC 4662 §4.5: a change of the list itself is sent as full state. Hash order is not
     * deterministic: notify in subscription id order. */
    g_ptr_array_sort(subs, list_sub_cmp);
    for (guint i = 0; i < subs->len; i++) {
        list_link(subs->pdata[i]);
        notify_sub(subs->pdata[i], TRUE, NULL);
    }
    g_ptr_array_free(subs, TRUE);
}

/* ---- SUBSCRIBE ---- */

static void sub_expired(void *arg)
{
    PsSub *sub = arg;
    sub->timer = 0;
    end_sub(sub, "timeout", "timeout");
}

static void sub_arm(PsSub *sub, gint64 seconds)
{
    SimEngine *e = sub->ps->node->world->engine;
    sim_engine_cancel(e, sub->timer);
    sub->expires_at = sim_engine_now(e) + seconds * SIM_S;
    sub->timer = sim_engine_schedule_in(e, seconds * SIM_S, sub_expired, sub);
}

static PsSub *find_dialog(Ps *ps, const osip_message_t *req, const char *to_tag)
{
    g_autofree char *call_id = sip_message_call_id(req);
    const char *from_tag = sip_header_tag(req->from);
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, ps->subs);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        PsSub *sub = v;
        if (call_id && from_tag && sub->state != PS_SUB_TERMINATED && g_str_equal(sub->local_tag, to_tag) &&
            g_str_equal(sub->remote_tag, from_tag) && g_str_equal(sub->call_id, call_id))
            return sub;
    }
    return NULL;
}

static void respond(Ps *ps, SipTxn *txn, osip_message_t *resp)
{
    GError *err = NULL;
    SipNodeStats before, after;
    sip_node_stats(ps->sn, &before);
    if (!sip_node_respond(ps->sn, txn, resp, &err)) {
        g_debug("%s: response not sent: %s", ps->node->name, err ? err->message : "?");
        g_clear_error(&err);
    }
    sip_node_stats(ps->sn, &after);
    ps_count_out(ps, PS_RP_PW, after.bytes_sent - before.bytes_sent);
}

static void reply_with(Ps *ps, SipTxn *txn, const osip_message_t *req, int status, const char *reason,
                       const char *header, const char *value, const char *why)
{
    ps->stats.subscribe_rejected++;
    SimAttr attrs[] = {SIM_ATTR_I("status", status), SIM_ATTR_S("reason", why)};
    sim_node_event(ps->node, "subscribe-rejected", attrs, G_N_ELEMENTS(attrs));
    g_autofree char *tag = sip_node_tag(ps->sn);
    osip_message_t *resp = sip_response_new(req, status, reason, tag, NULL);
    if (!resp)
        return;
    if (header)
        sip_message_add_header(resp, header, value, NULL);
    respond(ps, txn, resp);
}

/* 200 to the SUBSCRIBE (RFC 6665 §4.2.1.1): To tag, Expires, Contact, Record-Route copied. */
static void reply_200(Ps *ps, SipTxn *txn, const osip_message_t *req, const char *tag, gint64 expires,
                      gboolean eventlist)
{
    osip_message_t *resp = sip_response_new(req, 200, "OK", tag, NULL);
    if (!resp)
        return;
    g_autofree char *e = g_strdup_printf("%" G_GINT64_FORMAT, expires);
    g_autofree char *contact = g_strdup_printf("<%s>", ps->uri);
    sip_message_add_header(resp, "Expires", e, NULL);
    sip_message_add_header(resp, "Contact", contact, NULL);
    if (eventlist)
        sip_message_add_header(resp, "Require", "eventlist", NULL);
    g_autoptr(GPtrArray) rrs = sip_message_record_routes(req, FALSE);
    for (guint i = 0; i < rrs->len; i++)
        sip_message_add_header(resp, "Record-Route", rrs->pdata[i], NULL);
    respond(ps, txn, resp);
}

static gboolean supports_eventlist(const osip_message_t *req)
{
    g_autofree char *sup = sip_message_header_joined(req, "Supported");
    GError *err = NULL;
    GPtrArray *tags = sup ? sip_option_tags_parse(sup, &err) : NULL;
    g_clear_error(&err);
    gboolean yes = tags && sip_option_tags_contain(tags, "eventlist");
    if (tags)
        g_ptr_array_free(tags, TRUE);
    return yes;
}

void ps_subscribe_request(Ps *ps, SipTxn *txn, const osip_message_t *req, const char *watcher)
{
    GError *err = NULL;
    const char *ev_text = sip_message_get_header(req, "Event", 0);
    SipEvent *ev = ev_text ? sip_event_parse(ev_text, &err) : NULL;
    g_clear_error(&err);
    PsEventKind kind = PS_EV_PRESENCE;
    gboolean known = ev && (g_str_equal(ev->type, "presence") || g_str_equal(ev->type, "presence.winfo"));
    if (known && g_str_equal(ev->type, "presence.winfo"))
        kind = PS_EV_WINFO;
    if (ev)
        sip_event_free(ev);
    if (!known) { /* RFC 6665 §4.2.1.1 */
        reply_with(ps, txn, req, 489, "Bad Event", "Allow-Events", "presence, presence.winfo", "unknown event");
        return;
    }
    gint64 expires = cscf_request_expires(req);
    if (expires == -2) {
        ps->stats.bad_requests++;
        reply_with(ps, txn, req, 400, "Bad Request", NULL, NULL, "malformed Expires");
        return;
    }
    if (expires > 0 && expires < PS_SUB_EXPIRES_MIN) { /* RFC 6665 §4.2.1.1 */
        g_autofree char *min = g_strdup_printf("%d", PS_SUB_EXPIRES_MIN);
        reply_with(ps, txn, req, 423, "Interval Too Brief", "Min-Expires", min, "expires too brief");
        return;
    }
    expires = expires < 0 ? PS_SUB_EXPIRES_DEFAULT : MIN(expires, PS_SUB_EXPIRES_MAX);
    const char *to_tag = sip_header_tag(req->to);
    if (to_tag) { /* refresh or unsubscribe (RFC 6665 §4.2.1.2) */
        PsSub *sub = find_dialog(ps, req, to_tag);
        if (!sub) {
            reply_with(ps, txn, req, 481, "Call/Transaction Does Not Exist", NULL, NULL, "no such dialog");
            return;
        }
        reply_200(ps, txn, req, NULL, expires, sub->is_list);
        if (expires == 0) {
            end_sub(sub, "", "timeout");
        } else {
            sub_arm(sub, expires);
            notify_sub(sub, TRUE, NULL);
        }
        return;
    }
    g_autofree char *resource = cscf_uri_aor(req->req_uri);
    const char *from_tag = sip_header_tag(req->from);
    osip_contact_t *contact = osip_list_get(&req->contacts, 0);
    g_autofree char *target = contact ? sip_uri_text(contact->url) : NULL;
    g_autofree char *local = sip_uri_text(req->to ? req->to->url : NULL);
    g_autofree char *remote = sip_uri_text(req->from ? req->from->url : NULL);
    const char *why = !resource ? "Request-URI without identity" : !from_tag ? "no From tag" : !target ? "no Contact"
                      : !local || !remote ? "bad From or To" : NULL;
    if (why) {
        ps->stats.bad_requests++;
        reply_with(ps, txn, req, 400, "Bad Request", NULL, NULL, why);
        return;
    }
    PsPresentity *owner = g_hash_table_lookup(ps->lists, resource);
    PsPresentity *pt = owner ? owner : g_hash_table_lookup(ps->presentities, resource);
    PsPresentity *self = g_hash_table_lookup(ps->presentities, watcher);
    if (!pt) {
        reply_with(ps, txn, req, 404, "Not Found", NULL, NULL, "unknown presentity");
        return;
    }
    if (owner && kind != PS_EV_PRESENCE) {
        reply_with(ps, txn, req, 489, "Bad Event", "Allow-Events", "presence", "lists serve presence only");
        return;
    }
    if (owner && !supports_eventlist(req)) { /* RFC 4662 §4.1 */
        reply_with(ps, txn, req, 421, "Extension Required", "Require", "eventlist", "no eventlist support");
        return;
    }
    if ((owner || kind == PS_EV_WINFO) && self != pt) { /* RFC 3857 §5.1.1; the list is its owner's */
        reply_with(ps, txn, req, 403, "Forbidden", NULL, NULL, owner ? "not the list's owner" : "not the presentity");
        return;
    }
    PresSubHandling handling = PRES_SUB_ALLOW;
    if (!owner && kind == PS_EV_PRESENCE) {
        g_autoptr(PresPermissions) perm = pres_rules_evaluate(pt->rules, watcher);
        handling = perm->sub_handling;
        if (handling == PRES_SUB_BLOCK) { /* RFC 5025 §3.2.1 */
            reply_with(ps, txn, req, 403, "Forbidden", NULL, NULL, "pres-rules: block");
            return;
        }
    }
    PsSub *sub = g_new0(PsSub, 1);
    sub->ps = ps;
    sub->id = ++ps->next_id;
    sub->event = kind;
    sub->is_list = owner != NULL;
    sub->resource = g_strdup(resource);
    sub->pt = pt;
    sub->watcher = g_strdup(watcher);
    sub->call_id = sip_message_call_id(req);
    sub->local_tag = sip_node_tag(ps->sn);
    sub->remote_tag = g_strdup(from_tag);
    sub->local_uri = g_steal_pointer(&local);
    sub->remote_uri = g_steal_pointer(&remote);
    sub->remote_target = g_steal_pointer(&target);
    sub->route_set = sip_message_record_routes(req, FALSE); /* UAS: in order (RFC 3261 §12.1.1) */
    sub->handling = handling;
    sub->state = handling == PRES_SUB_CONFIRM ? PS_SUB_PENDING : PS_SUB_ACTIVE;
    sub->reason = "subscribe";
    sub->started = sim_world_now(ps->node->world);
    g_hash_table_insert(ps->subs, GUINT_TO_POINTER(sub->id), sub);
    if (sub->is_list) {
        list_link(sub);
    } else if (kind == PS_EV_WINFO) {
        g_ptr_array_add(pt->winfo_subs, sub);
    } else {
        g_ptr_array_add(pt->subs, sub);
    }
    ps->stats.subscriptions++;
    reply_200(ps, txn, req, sub->local_tag, expires, sub->is_list);
    event(sub, "subscription");
    if (expires == 0) { /* a fetch: one NOTIFY, then over (RFC 6665 §4.4.3) */
        sub->expires_at = sub->started;
        end_sub(sub, "timeout", "timeout");
        return;
    }
    sub_arm(sub, expires);
    notify_sub(sub, TRUE, NULL);
    if (kind == PS_EV_PRESENCE && !sub->is_list)
        winfo_notify_all(pt);
}
