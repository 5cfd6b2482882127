/* sip-ua-sub.c: the subscriber side of SIP events (RFC 6665 §4.1) for a SipUa.
 *
 * DESIGN NOTES
 *
 * A SipSubscription is one SUBSCRIBE dialog held as UAC (RFC 3261 §12.1.2): Call-ID, our From tag,
 * the notifier's tag (To of the 2xx, or From of a NOTIFY that came first), the notifier's Contact as
 * remote target, the Record-Route of the 2xx reversed as route set (of the NOTIFY, in order, when the
 * NOTIFY created the dialog: RFC 3261 §12.1.1), our CSeq and the highest CSeq of the notifier.
 *
 *   sip_ua_subscribe ----------------------------------> PENDING_200   SUBSCRIBE (initial)
 *   PENDING_200 --2xx (sub_answer)--> PENDING            dialog from the 2xx, refresh timer armed
 *   PENDING_200 / PENDING / ACTIVE --NOTIFY (sip_ua_sub_notify), 200 sent-->
 *        ACTIVE | PENDING (Subscription-State; a NOTIFY before the 2xx creates the dialog, §4.1.2.4)
 *        TERMINATED (substate terminated: ended(reason), freed)
 *   PENDING_200 --error answer / Timer F without a dialog (sub_answer)--> TERMINATED, ended("403 ...")
 *   PENDING_200 --423--> PENDING_200 again with the Min-Expires (RFC 6665 §4.1.2.1)
 *   ACTIVE / PENDING --refresh timer (sub_refresh)--> same state, SUBSCRIBE in the dialog
 *        --2xx--> new expiry, timer re-armed; --481--> TERMINATED (§4.1.2.2)
 *        --other error / Timer F--> still valid until the last known expiry (§4.1.2.2): expiry guard
 *   any --guard (expiry + 32 s, no terminated NOTIFY came)--> TERMINATED, ended("timeout")
 *   any --sip_sub_unsubscribe--> (dialog: SUBSCRIBE Expires 0 at once; none yet: when it forms)
 *        --NOTIFY terminated, error answer, Timer F, or 32 s after the 2xx--> TERMINATED, ended("unsubscribed")
 *
 * Invariants: one timer at a time (sub->timer, its meaning in sub->timer_kind); remote_tag != NULL iff
 * the dialog exists; a TERMINATED subscription is out of ua->subs (so nothing matches it any more)
 * and is freed when the outermost SipUa entry point returns. ended() runs exactly once.
 * Not done: forked subscriptions (a NOTIFY with a second From tag answers 481: one dialog per
 * subscription), automatic re-subscription after "deactivated"/"probation" (the user decides),
 * the 202 of RFC 3265 (any 2xx is taken as 200).
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/sip-ua-private.h"
#include <string.h>

/* RFC 3261 §17.1.2.2 Timer F: how long a final NOTIFY may take after an expiry or an unsubscribe. */
#define SUB_GRACE (64 * SIP_T1_DEFAULT)

typedef enum { SUB_INITIAL = 1, SUB_REFRESH = 2, SUB_UNSUB = 3 } SubOp;
typedef enum { TIMER_NONE, TIMER_REFRESH, TIMER_GUARD } SubTimer;

static const char *const op_names[] = {"?", "initial", "refresh", "unsubscribe"};

struct SipSubscription {
    SipUa *ua;
    guint id;
    char *target, *from, *event, *accept;
    gboolean eventlist, refresh;
    guint32 expires; /* asked for (raised by a 423's Min-Expires) */
    SipSubHandlers h;
    void *user;
    SipSubState state;
    /* dialog */
    char *call_id, *local_tag, *remote_tag, *remote_target;
    GPtrArray *route_set; /* Route values ("<sip:pcscf...;lr>"), g_free */
    guint32 cseq, remote_cseq;
    /* time */
    SimTime expires_at;
    SimEventId timer;
    SubTimer timer_kind;
    gboolean refreshing;   /* a refresh SUBSCRIBE is in flight */
    gboolean unsubscribing; /* sip_sub_unsubscribe() was called */
    gboolean unsub_sent;
    guint64 notifies;
};

const char *sip_sub_state_name(SipSubState s)
{
    static const char *const names[] = {"pending-200", "active", "pending", "terminated"};
    return (guint)s < G_N_ELEMENTS(names) ? names[s] : "?";
}

void sip_ua_sub_free(gpointer p)
{
    SipSubscription *sub = p;
    sim_engine_cancel(sip_ua_engine(sub->ua), sub->timer);
    g_free(sub->target);
    g_free(sub->from);
    g_free(sub->event);
    g_free(sub->accept);
    g_free(sub->call_id);
    g_free(sub->local_tag);
    g_free(sub->remote_tag);
    g_free(sub->remote_target);
    g_ptr_array_free(sub->route_set, TRUE);
    g_free(sub);
}

static void sub_event(SipSubscription *sub, const char *name, const SimAttr *extra, size_t n)
{
    SimAttr attrs[8];
    size_t k = 0;
    attrs[k++] = SIM_ATTR_S("target", sub->target);
    attrs[k++] = SIM_ATTR_S("event", sub->event);
    for (size_t i = 0; i < n && k < G_N_ELEMENTS(attrs); i++)
        attrs[k++] = extra[i];
    sim_node_event(sub->ua->node, name, attrs, k);
}

/* ---- ending ------------------------------------------------------------------------------------- */

/* The subscription is over: ended() once, then out of the tables (freed by the outermost leave). */
static void sub_end(SipSubscription *sub, const char *reason)
{
    SipUa *ua = sub->ua;
    if (sub->state == SIP_SUB_TERMINATED)
        return;
    sip_ua_enter(ua);
    sub->state = SIP_SUB_TERMINATED;
    sim_engine_cancel(sip_ua_engine(ua), sub->timer);
    sub->timer = 0;
    sub->timer_kind = TIMER_NONE;
    const char *why = sub->unsubscribing ? "unsubscribed" : reason;
    sub_event(sub, "sub-ended", (SimAttr[]){SIM_ATTR_S("reason", why), SIM_ATTR_I("notifies", sub->notifies)}, 2);
    if (sub->h.ended && !ua->dying)
        sub->h.ended(sub, why, sub->user);
    g_hash_table_steal(ua->subs, GUINT_TO_POINTER(sub->id));
    g_ptr_array_add(ua->dead, sub);
    sip_ua_leave(ua);
}

/* ---- timers ------------------------------------------------------------------------------------ */

static void sub_timer_fired(void *arg);

static void sub_arm(SipSubscription *sub, SubTimer kind, SimTime delay)
{
    SimEngine *e = sip_ua_engine(sub->ua);
    sim_engine_cancel(e, sub->timer);
    sub->timer_kind = kind;
    sub->timer = sim_engine_schedule_in(e, MAX(delay, 0), sub_timer_fired, sub);
}

/* New expiry: SECONDS from now (RFC 6665 §4.1.2.1 2xx Expires, §4.1.3 Subscription-State expires). */
static void sub_set_expiry(SipSubscription *sub, guint32 seconds)
{
    sub->expires_at = sip_ua_now(sub->ua) + (SimTime)seconds * SIM_S;
    if (sub->refreshing || sub->unsubscribing)
        return; /* the answer in flight re-arms */
    if (sub->refresh && seconds > 0)
        sub_arm(sub, TIMER_REFRESH, sip_ua_refresh_delay(seconds));
    else
        sub_arm(sub, TIMER_GUARD, (SimTime)seconds * SIM_S + SUB_GRACE);
}

/* ---- SUBSCRIBE --------------------------------------------------------------------------------- */

/* Sends SUBSCRIBE (initial when there is no dialog yet) with Expires EXPIRES. */
static gboolean sub_send(SipSubscription *sub, SubOp op, guint32 expires)
{
    SipUa *ua = sub->ua;
    gboolean in_dialog = sub->remote_tag != NULL;
    UaRequest r = {
        .method = "SUBSCRIBE",
        .request_uri = in_dialog ? sub->remote_target : sub->target,
        .from = sub->from,
        .from_tag = sub->local_tag,
        .to = sub->target,
        .to_tag = sub->remote_tag,
        .call_id = sub->call_id,
        .cseq = ++sub->cseq,
        .route_set = in_dialog ? sub->route_set : NULL,
    };
    GError *err = NULL;
    osip_message_t *m = sip_ua_request_new(ua, &r, &err);
    g_autofree char *exp = g_strdup_printf("%u", expires);
    gboolean ok = m && sip_ua_add_header(m, "Event", sub->event) && sip_ua_add_header(m, "Expires", exp);
    if (ok && sub->accept)
        ok = sip_ua_add_header(m, "Accept", sub->accept);
    if (ok && sub->eventlist) /* RFC 4662 §4.1: in every SUBSCRIBE of the dialog */
        ok = sip_ua_add_header(m, "Supported", "eventlist");
    SipTxn *t = NULL;
    if (ok)
        t = sip_ua_send(ua, m, UA_TXN_SUB, sub->id, op, &err);
    else
        sip_message_free(m);
    SimAttr attrs[] = {SIM_ATTR_S("kind", op_names[op]), SIM_ATTR_I("expires", expires),
                       SIM_ATTR_S("call_id", sub->call_id), SIM_ATTR_S("error", err ? err->message : "cannot build")};
    sub_event(sub, "sub-sent", attrs, t ? 3 : 4);
    g_clear_error(&err);
    return t != NULL;
}

SipSubscription *sip_ua_subscribe(SipUa *ua, const SipSubSpec *spec, const SipSubHandlers *h, void *user)
{
    g_return_val_if_fail(ua && spec && spec->target && spec->from && spec->event, NULL);
    SipSubscription *sub = g_new0(SipSubscription, 1);
    sub->ua = ua;
    sub->id = ++ua->next_id;
    sub->target = g_strdup(spec->target);
    sub->from = g_strdup(spec->from);
    sub->event = g_strdup(spec->event);
    sub->accept = g_strdup(spec->accept);
    sub->eventlist = spec->eventlist;
    sub->expires = spec->expires;
    sub->refresh = spec->refresh && spec->expires > 0;
    if (h)
        sub->h = *h;
    sub->user = user;
    sub->state = SIP_SUB_PENDING_200;
    sub->call_id = sip_node_call_id(ua->sn);
    sub->local_tag = sip_node_tag(ua->sn);
    sub->route_set = g_ptr_array_new_with_free_func(g_free);
    g_hash_table_insert(ua->subs, GUINT_TO_POINTER(sub->id), sub);
    if (!sub_send(sub, SUB_INITIAL, sub->expires)) { /* nothing sent: no callback will run */
        g_hash_table_remove(ua->subs, GUINT_TO_POINTER(sub->id));
        return NULL;
    }
    return sub;
}

void sip_sub_unsubscribe(SipSubscription *sub)
{
    if (!sub || sub->state == SIP_SUB_TERMINATED || sub->unsubscribing)
        return;
    sub->unsubscribing = TRUE;
    if (!sub->remote_tag)
        return; /* no dialog yet: sent when it forms (sub_dialog_formed) */
    sim_engine_cancel(sip_ua_engine(sub->ua), sub->timer);
    sub->timer = 0;
    sub->timer_kind = TIMER_NONE;
    sub->unsub_sent = TRUE;
    /* RFC 6665 §4.1.2.3: Expires 0 in the dialog; the notifier answers with a terminated NOTIFY. */
    if (!sub_send(sub, SUB_UNSUB, 0))
        sub_arm(sub, TIMER_GUARD, 0); /* could not send: end from the event loop, not from here */
}

static void sub_dialog_formed(SipSubscription *sub)
{
    if (sub->unsubscribing && !sub->unsub_sent) {
        sub->unsubscribing = FALSE;
        sip_sub_unsubscribe(sub);
    }
}

/* The Record-Route of M as a route set: reversed for the UAC (2xx), in order for the UAS (NOTIFY). */
static void take_route_set(SipSubscription *sub, const osip_message_t *m, gboolean reverse)
{
    g_ptr_array_unref(sub->route_set);
    sub->route_set = sip_message_record_routes(m, reverse);
}

/* The remote target from M's Contact (RFC 3261 §12.1.2; a NOTIFY refreshes it). */
static void take_remote_target(SipSubscription *sub, const osip_message_t *m)
{
    osip_contact_t *c = osip_list_get(&m->contacts, 0);
    char *uri = c ? sip_uri_text(c->url) : NULL;
    if (uri) {
        g_free(sub->remote_target);
        sub->remote_target = uri;
    } else if (!sub->remote_target) {
        sub->remote_target = g_strdup(sub->target);
    }
}

void sip_ua_sub_answer(SipSubscription *sub, int op, int status, const osip_message_t *resp)
{
    if (op == SUB_REFRESH)
        sub->refreshing = FALSE;
    if (status) {
        SimAttr a[] = {SIM_ATTR_S("kind", op_names[op]), SIM_ATTR_I("status", status)};
        sub_event(sub, "sub-result", a, 2);
    }
    if (op == SUB_UNSUB) {
        /* 2xx: the terminated NOTIFY is on its way; wait for it a while, answered 200 when it comes */
        if (status >= 200 && status < 300)
            sub_arm(sub, TIMER_GUARD, SUB_GRACE);
        else
            sub_end(sub, "unsubscribed");
        return;
    }
    guint32 secs = 0;
    if (status >= 200 && status < 300) {
        if (op == SUB_INITIAL && !sub->remote_tag) { /* RFC 3261 §12.1.2: the dialog */
            const char *tag = sip_header_tag(resp->to);
            if (!tag) {
                sub_end(sub, "2xx without To tag");
                return;
            }
            sub->remote_tag = g_strdup(tag);
            take_route_set(sub, resp, TRUE);
            take_remote_target(sub, resp);
        }
        if (sub->state == SIP_SUB_PENDING_200)
            sub->state = SIP_SUB_PENDING; /* until a NOTIFY says active (RFC 6665 §4.1.2.1) */
        if (!sip_ua_header_seconds(resp, "Expires", &secs)) /* required in the 2xx (§4.2.1.1) */
            secs = sub->expires;
        if (!sub->unsubscribing)
            sub_set_expiry(sub, secs);
        sub_dialog_formed(sub);
        return;
    }
    if (status == 423 && resp && sip_ua_header_seconds(resp, "Min-Expires", &secs) && secs > sub->expires) {
        sub->expires = secs; /* RFC 6665 §4.1.2.1: retry with at least Min-Expires */
        if (op == SUB_REFRESH)
            sub->refreshing = TRUE;
        if (sub_send(sub, op, secs))
            return;
        sub->refreshing = FALSE;
    }
    if (op == SUB_INITIAL) {
        if (status == 0 && sub->remote_tag)
            return; /* a NOTIFY made the dialog: the notifier is there, the 2xx got lost */
        g_autofree char *why = status ? g_strdup_printf("%d %s", status, resp && resp->reason_phrase ? resp->reason_phrase : "")
                                      : g_strdup("timeout");
        sub_end(sub, g_strstrip(why));
        return;
    }
    /* a failed refresh */
    if (status == 481) { /* RFC 6665 §4.1.2.2: the subscription is gone */
        sub_end(sub, "481 Call/Transaction Does Not Exist");
        return;
    }
    /* §4.1.2.2: still valid until the last known expiry; then over unless a NOTIFY says otherwise */
    sub_arm(sub, TIMER_GUARD, sub->expires_at - sip_ua_now(sub->ua) + SUB_GRACE);
}

static void sub_timer_fired(void *arg)
{
    SipSubscription *sub = arg;
    SipUa *ua = sub->ua;
    SubTimer kind = sub->timer_kind;
    sub->timer = 0;
    sub->timer_kind = TIMER_NONE;
    sip_ua_enter(ua);
    if (kind == TIMER_REFRESH && sub->state != SIP_SUB_TERMINATED && !sub->unsubscribing) {
        /* RFC 6665 §4.1.2.2: refresh in the dialog before it expires */
        sub->refreshing = TRUE;
        if (!sub_send(sub, SUB_REFRESH, sub->expires)) {
            sub->refreshing = FALSE;
            sub_arm(sub, TIMER_GUARD, sub->expires_at - sip_ua_now(ua) + SUB_GRACE);
        }
    } else if (kind == TIMER_GUARD) {
        sub_end(sub, "timeout");
    }
    sip_ua_leave(ua);
}

/* ---- NOTIFY (RFC 6665 §4.1.3) ------------------------------------------------------------------ */

/* The whole Call-ID of M ("number@host": libosip2 splits it), or NULL. g_free. */
static char *call_id_of(const osip_message_t *m)
{
    char *t = NULL;
    if (!m->call_id || osip_call_id_to_str(m->call_id, &t) != 0)
        return NULL;
    char *out = g_strdup(t);
    osip_free(t);
    return out;
}

static SipSubscription *find_dialog(SipUa *ua, const osip_message_t *req, gboolean *creates)
{
    g_autofree char *call_id = call_id_of(req);
    const char *to_tag = sip_header_tag(req->to), *from_tag = sip_header_tag(req->from);
    *creates = FALSE;
    if (!call_id || !to_tag || !from_tag)
        return NULL;
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, ua->subs);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        SipSubscription *sub = v;
        if (!g_str_equal(sub->call_id, call_id) || !g_str_equal(sub->local_tag, to_tag))
            continue;
        if (sub->remote_tag && g_str_equal(sub->remote_tag, from_tag))
            return sub;
        if (!sub->remote_tag) { /* §4.1.2.4: a NOTIFY before the 2xx; it makes the dialog */
            *creates = TRUE;
            return sub;
        }
    }
    return NULL;
}

static gboolean event_matches(const SipSubscription *sub, const osip_message_t *req)
{
    const char *text = sip_message_get_header(req, "Event", 0);
    GError *err = NULL;
    SipEvent *got = text ? sip_event_parse(text, &err) : NULL;
    g_clear_error(&err);
    if (!got)
        return FALSE;
    SipEvent *want = sip_event_new(sub->event, NULL);
    gboolean ok = sip_event_match(got, want);
    sip_event_free(got);
    sip_event_free(want);
    return ok;
}

gboolean sip_ua_sub_notify(SipUa *ua, SipTxn *txn, const osip_message_t *req)
{
    gboolean creates;
    SipSubscription *sub = find_dialog(ua, req, &creates);
    if (!sub)
        return FALSE; /* the node answers 481 (RFC 6665 §4.1.3) */
    SipNode *sn = ua->sn;
    if (!event_matches(sub, req)) { /* RFC 6665 §4.1.3: not this subscription's package */
        sip_node_reply(sn, txn, 489, "Bad Event", NULL);
        return TRUE;
    }
    const char *ss_text = sip_message_get_header(req, "Subscription-State", 0);
    GError *err = NULL;
    SipSubscriptionState *ss = ss_text ? sip_subscription_state_parse(ss_text, &err) : NULL;
    if (!ss) { /* RFC 6665 §8.2.3: mandatory in NOTIFY */
        sub_event(sub, "sub-bad-notify", (SimAttr[]){SIM_ATTR_S("error", err ? err->message : "no Subscription-State")}, 1);
        g_clear_error(&err);
        sip_node_reply(sn, txn, 400, "Bad Subscription-State", NULL);
        return TRUE;
    }
    guint32 cseq = req->cseq && req->cseq->number ? (guint32)g_ascii_strtoull(req->cseq->number, NULL, 10) : 0;
    if (!creates && sub->remote_cseq && cseq <= sub->remote_cseq) { /* RFC 3261 §12.2.2: out of order */
        sip_subscription_state_free(ss);
        sip_node_reply(sn, txn, 500, "Server Internal Error", NULL);
        return TRUE;
    }
    sub->remote_cseq = cseq;
    if (creates) { /* RFC 6665 §4.1.2.4, RFC 3261 §12.1.1: we are the UAS of this request */
        sub->remote_tag = g_strdup(sip_header_tag(req->from));
        take_route_set(sub, req, FALSE);
    }
    take_remote_target(sub, req); /* NOTIFY is a target refresh request (RFC 6665 §4.1.3) */
    sip_node_reply(sn, txn, 200, "OK", NULL);
    sub->notifies++;
    const char *state_name = ss->state_text ? ss->state_text : "?";
    SimAttr attrs[] = {
        SIM_ATTR_S("state", state_name),
        SIM_ATTR_S("reason", ss->reason ? ss->reason : ""),
        SIM_ATTR_I("expires", ss->expires),
        SIM_ATTR_I("notifies", sub->notifies),
        SIM_ATTR_B("before_2xx", creates),
    };
    sub_event(sub, "sub-notify", attrs, G_N_ELEMENTS(attrs));
    if (ss->state == SIP_SUBSTATE_ACTIVE || ss->state == SIP_SUBSTATE_PENDING) {
        sub->state = ss->state == SIP_SUBSTATE_ACTIVE ? SIP_SUB_ACTIVE : SIP_SUB_PENDING;
        if (ss->expires >= 0 && !sub->unsubscribing) /* §4.1.3: the notifier's word on the expiry */
            sub_set_expiry(sub, (guint32)MIN(ss->expires, G_MAXUINT32));
    }
    if (sub->h.notify)
        sub->h.notify(sub, req, ss, sub->user);
    if (ss->state == SIP_SUBSTATE_TERMINATED)
        sub_end(sub, ss->reason ? ss->reason : "terminated");
    else if (creates)
        sub_dialog_formed(sub);
    sip_subscription_state_free(ss);
    return TRUE;
}

/* ---- accessors --------------------------------------------------------------------------------- */

SipSubState sip_sub_state(const SipSubscription *sub)
{
    return sub->state;
}

const char *sip_sub_target(const SipSubscription *sub)
{
    return sub->target;
}

const char *sip_sub_event(const SipSubscription *sub)
{
    return sub->event;
}

guint64 sip_sub_notifies(const SipSubscription *sub)
{
    return sub->notifies;
}
