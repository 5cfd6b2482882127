/* test-sip-ua.c: the SipUa (nodes/ims/sip-ua.h) against a hand-written notifier / ESC.
 *
 * Two plain hosts on one link: "ue" holds a SipNode that offers everything to a SipUa first (as the
 * UE does), "esc" holds a bare SipNode playing notifier and event state compositor with behaviour
 * the test sets per case (answer codes, granted expiries, a NOTIFY before the 2xx, silence).
 *
 * Covered: SUBSCRIBE headers (Event, Expires, Accept, Supported: eventlist, Contact, pre-loaded Route,
 * P-Preferred-Identity); 2xx → dialog (To tag, Record-Route reversed as Route, Contact as
 * Request-URI); NOTIFY active → ACTIVE and 200; NOTIFY terminated → ended(reason) and a later NOTIFY
 * answered 481 by the node; a NOTIFY before the 2xx; refresh before expiry; unsubscribe (also
 * before the dialog exists); 403 and Timer F on the SUBSCRIBE; PUBLISH initial → ETag, modify with
 * SIP-If-Match, 412 → initial again with the last body, 423 → Min-Expires, refresh without body,
 * one PUBLISH in flight at a time, remove, Timer F → result 0; sip_ua_free from a callback.
 */
#include "nodes/ims/ims-common.h"
#include "nodes/ims/sip-ua.h"
#include "tests/lib/test-world.h"
#include <stdlib.h>
#include <string.h>

static const char scenario_text[] =
    "[scenario]\nname = sip-ua\nseed = 3\nduration = 1000s\n\n"
    "[node.ue]\nkind = host\ndomain = home.test\n\n"
    "[node.esc]\nkind = host\ndomain = home.test\n\n"
    "[link.ue-esc]\na = ue eth0 10.0.0.1/24\nb = esc eth0 10.0.0.2/24\ndelay = 5ms\n";

#define TARGET "sip:bob@home.test"
#define ME "sip:alice@home.test"
#define ESC_CONTACT "sip:esc@10.0.0.2:5060"

typedef struct {
    TestWorld tw; /* recording events */
    /* the UA side */
    SipNode *ue;
    SipUa *ua;
    guint strays;
    /* notify / ended / result as seen by the handlers */
    guint notifies, ended;
    char *ended_reason;
    char *last_substate;
    GArray *results; /* int */
    gboolean free_in_callback;
    /* the ESC side */
    SipNode *esc;
    GPtrArray *subscribes, *publishes; /* osip_message_t* clones */
    int sub_status;        /* answer to SUBSCRIBEs (0: none) */
    guint32 sub_grant;     /* Expires of the 2xx (0: as asked) */
    gboolean notify_first; /* NOTIFY active before the 2xx, 2xx 50 ms later */
    SipTxn *held;          /* the SUBSCRIBE waiting for its 2xx */
    int pub_status;        /* answer to the next PUBLISH (0: 200; -1: none ever) */
    guint32 pub_grant;
    guint32 min_expires;
    guint etags;
    /* the ESC's dialog */
    char *d_call_id, *d_sub_tag, *d_my_tag, *d_contact;
    guint32 d_cseq;
    int notify_answer;
} Net;

/* How many events NAME the UA's node "ue" raised. */
static guint ev_count(Net *n, const char *name)
{
    return test_world_event_count(&n->tw, "ue", name, NULL, NULL);
}

/* ---- the UA's node ---- */

static void ue_request(SipNode *sn, SipTxn *txn, const osip_message_t *req, const SipPeer *from, void *user)
{
    Net *n = user;
    (void)from;
    if (!txn)
        return;
    if (sip_ua_handle_request(n->ua, txn, req))
        return;
    /* RFC 6665 §4.1.3: a NOTIFY of no subscription of ours */
    sip_node_reply(sn, txn, g_str_equal(req->sip_method, "NOTIFY") ? 481 : 501, NULL, NULL);
}

static void ue_response(SipNode *sn, SipTxn *txn, const osip_message_t *resp, void *user)
{
    Net *n = user;
    (void)sn;
    if (!sip_ua_handle_response(n->ua, txn, resp))
        n->strays++;
}

static void ue_failure(SipNode *sn, SipTxn *txn, const char *why, void *user)
{
    Net *n = user;
    (void)sn;
    if (!sip_ua_handle_failure(n->ua, txn, why))
        n->strays++;
}

static void h_notify(SipSubscription *sub, const osip_message_t *notify, const SipSubscriptionState *ss, void *user)
{
    Net *n = user;
    (void)sub, (void)notify;
    n->notifies++;
    g_free(n->last_substate);
    n->last_substate = g_strdup(ss->state_text);
}

static void h_ended(SipSubscription *sub, const char *reason, void *user)
{
    Net *n = user;
    g_assert_cmpint(sip_sub_state(sub), ==, SIP_SUB_TERMINATED);
    n->ended++;
    g_free(n->ended_reason);
    n->ended_reason = g_strdup(reason);
}

static void h_result(SipPublication *pub, int status, void *user)
{
    Net *n = user;
    (void)pub;
    g_array_append_val(n->results, status);
    if (n->free_in_callback) {
        sip_ua_free(n->ua); /* deferred until the SipUa's own call returns */
        n->ua = NULL;
    }
}

static const SipSubHandlers sub_h = {.notify = h_notify, .ended = h_ended};
static const SipPubHandlers pub_h = {.result = h_result};

/* ---- the ESC / notifier ---- */

static gboolean add(osip_message_t *m, const char *name, const char *value)
{
    return sip_message_add_header(m, name, value, NULL);
}

static void esc_send_notify(Net *n, const char *substate)
{
    g_autofree char *branch = sip_node_branch(n->esc);
    SipRequestSpec spec = {
        .method = "NOTIFY",
        .request_uri = n->d_contact,
        .via_host = "10.0.0.2",
        .via_port = IMS_SIP_PORT,
        .branch = branch,
        .from = "<" TARGET ">",
        .from_tag = n->d_my_tag,
        .to = "<" ME ">",
        .to_tag = n->d_sub_tag,
        .call_id = n->d_call_id,
        .cseq = ++n->d_cseq,
        .contact = "<" ESC_CONTACT ">",
    };
    osip_message_t *m = sip_request_new(&spec, NULL);
    g_assert_nonnull(m);
    g_assert_true(add(m, "Event", "presence") && add(m, "Subscription-State", substate));
    SimAddr a;
    g_assert_true(sim_addr_parse("10.0.0.1", &a));
    SipPeer to;
    sip_peer_udp(&to, &a, IMS_SIP_PORT, IMS_SIP_PORT);
    n->notify_answer = 0;
    g_assert_nonnull(sip_node_send_request(n->esc, m, &to, NULL));
}

static void esc_answer_subscribe(Net *n, SipTxn *txn)
{
    const osip_message_t *req = sip_txn_request(txn);
    osip_message_t *r = sip_response_new(req, n->sub_status, NULL, n->d_my_tag, NULL);
    g_assert_nonnull(r);
    if (n->sub_status == 200) {
        const char *asked = sip_message_get_header(req, "Expires", 0);
        g_autofree char *exp = n->sub_grant ? g_strdup_printf("%u", n->sub_grant) : g_strdup(asked);
        add(r, "Expires", exp);
        add(r, "Contact", "<" ESC_CONTACT ">");
        add(r, "Record-Route", "<sip:p1.home.test;lr>");
        add(r, "Record-Route", "<sip:p2.home.test;lr>");
    }
    g_assert_true(sip_node_respond(n->esc, txn, r, NULL));
}

static void held_answer(void *arg)
{
    Net *n = arg;
    esc_answer_subscribe(n, n->held);
    n->held = NULL;
}

static const char *tag_of(const osip_from_t *h)
{
    osip_generic_param_t *tag = NULL;
    return h && osip_from_get_tag((osip_from_t *)h, &tag) == 0 && tag ? tag->gvalue : NULL;
}

static void esc_subscribe(Net *n, SipTxn *txn, const osip_message_t *req)
{
    if (!tag_of(req->to)) { /* a new dialog */
        g_free(n->d_call_id);
        g_free(n->d_sub_tag);
        g_free(n->d_my_tag);
        g_free(n->d_contact);
        char *cid = NULL;
        g_assert_cmpint(osip_call_id_to_str(req->call_id, &cid), ==, 0);
        n->d_call_id = g_strdup(cid);
        osip_free(cid);
        n->d_sub_tag = g_strdup(tag_of(req->from));
        n->d_my_tag = sip_node_tag(n->esc);
        osip_contact_t *c = osip_list_get(&req->contacts, 0);
        char *t = NULL;
        g_assert_true(c && osip_uri_to_str(c->url, &t) == 0);
        n->d_contact = g_strdup(t);
        osip_free(t);
    }
    if (!n->sub_status)
        return; /* silence: Timer F at the subscriber */
    if (n->notify_first) {
        esc_send_notify(n, "active;expires=600");
        n->held = txn;
        sim_engine_schedule_in(n->tw.w->engine, 50 * SIM_MS, held_answer, n);
        return;
    }
    esc_answer_subscribe(n, txn);
}

static void esc_publish(Net *n, SipTxn *txn, const osip_message_t *req)
{
    int status = n->pub_status ? n->pub_status : 200;
    if (status < 0)
        return;
    n->pub_status = 0;
    g_autofree char *tag = sip_node_tag(n->esc);
    osip_message_t *r = sip_response_new(req, status, NULL, tag, NULL);
    if (status == 200) {
        g_autofree char *etag = g_strdup_printf("e%u", ++n->etags);
        const char *asked = sip_message_get_header(req, "Expires", 0);
        g_autofree char *exp = n->pub_grant ? g_strdup_printf("%u", n->pub_grant) : g_strdup(asked);
        add(r, "SIP-ETag", etag);
        add(r, "Expires", exp);
    } else if (status == 423) {
        g_autofree char *min = g_strdup_printf("%u", n->min_expires);
        add(r, "Min-Expires", min);
    }
    g_assert_true(sip_node_respond(n->esc, txn, r, NULL));
}

static void esc_request(SipNode *sn, SipTxn *txn, const osip_message_t *req, const SipPeer *from, void *user)
{
    Net *n = user;
    (void)sn, (void)from;
    if (!txn)
        return;
    if (g_str_equal(req->sip_method, "SUBSCRIBE")) {
        g_ptr_array_add(n->subscribes, sip_message_clone(req));
        esc_subscribe(n, txn, req);
    } else if (g_str_equal(req->sip_method, "PUBLISH")) {
        g_ptr_array_add(n->publishes, sip_message_clone(req));
        esc_publish(n, txn, req);
    } else {
        sip_node_reply(n->esc, txn, 501, NULL, NULL);
    }
}

static void esc_response(SipNode *sn, SipTxn *txn, const osip_message_t *resp, void *user)
{
    Net *n = user;
    (void)sn, (void)txn;
    if (resp->status_code >= 200)
        n->notify_answer = resp->status_code;
}

/* ---- world ---- */

static void run_for(Net *n, SimTime dt)
{
    test_world_run_for(&n->tw, dt);
}

static Net *net_new(void)
{
    Net *n = g_new0(Net, 1);
    GError *err = NULL;
    test_world_init(&n->tw, "sip-ua", scenario_text, NULL);
    test_world_record_events(&n->tw);
    n->results = g_array_new(FALSE, FALSE, sizeof(int));
    n->subscribes = g_ptr_array_new_with_free_func((GDestroyNotify)sip_message_free);
    n->publishes = g_ptr_array_new_with_free_func((GDestroyNotify)sip_message_free);
    n->sub_status = 200;

    const SipNodeHandlers uh = {.request = ue_request, .response = ue_response, .failure = ue_failure};
    n->ue = sip_node_new(sim_world_find_node(n->tw.w, "ue"), &uh, n);
    g_assert_true(sip_node_listen(n->ue, IMS_SIP_PORT, &err));
    const SipNodeHandlers eh = {.request = esc_request, .response = esc_response};
    n->esc = sip_node_new(sim_world_find_node(n->tw.w, "esc"), &eh, n);
    g_assert_true(sip_node_listen(n->esc, IMS_SIP_PORT, &err));

    SimAddr esc;
    g_assert_true(sim_addr_parse("10.0.0.2", &esc));
    static const char *const route[] = {"sip:pcscf.home.test;lr", NULL};
    SipUaConfig cfg = {
        .contact = "sip:10.0.0.1:5060",
        .via_host = "10.0.0.1",
        .via_port = IMS_SIP_PORT,
        .route = route,
        .asserted = ME,
    };
    sip_peer_udp(&cfg.next_hop, &esc, IMS_SIP_PORT, IMS_SIP_PORT);
    n->ua = sip_ua_new(n->ue, &cfg);
    return n;
}

static void net_free(Net *n)
{
    sip_ua_free(n->ua);
    sip_node_free(n->ue);
    sip_node_free(n->esc);
    test_world_clear(&n->tw);
    g_ptr_array_free(n->subscribes, TRUE);
    g_ptr_array_free(n->publishes, TRUE);
    g_array_free(n->results, TRUE);
    g_free(n->ended_reason);
    g_free(n->last_substate);
    g_free(n->d_call_id);
    g_free(n->d_sub_tag);
    g_free(n->d_my_tag);
    g_free(n->d_contact);
    g_free(n);
}

static SipSubscription *subscribe(Net *n, guint32 expires, gboolean refresh)
{
    SipSubSpec spec = {
        .target = TARGET,
        .from = ME,
        .event = "presence",
        .accept = "application/pidf+xml, multipart/related, application/rlmi+xml",
        .eventlist = TRUE,
        .expires = expires,
        .refresh = refresh,
    };
    SipSubscription *sub = sip_ua_subscribe(n->ua, &spec, &sub_h, n);
    g_assert_nonnull(sub);
    return sub;
}

static const osip_message_t *nth(GPtrArray *a, guint i)
{
    g_assert_cmpuint(i, <, a->len);
    return a->pdata[i];
}

static const char *hdr(const osip_message_t *m, const char *name)
{
    return sip_message_get_header(m, name, 0);
}

static char *route_text(const osip_message_t *m, int i)
{
    osip_route_t *r = osip_list_get(&m->routes, i);
    char *t = NULL;
    if (!r || osip_route_to_str(r, &t) != 0)
        return NULL;
    char *out = g_strdup(t);
    osip_free(t);
    return out;
}

static char *ruri(const osip_message_t *m)
{
    char *t = NULL;
    g_assert_cmpint(osip_uri_to_str(m->req_uri, &t), ==, 0);
    char *out = g_strdup(t);
    osip_free(t);
    return out;
}

/* ---- subscriptions ---- */

static void test_subscribe_notify(void)
{
    Net *n = net_new();
    SipSubscription *sub = subscribe(n, 600, TRUE);
    g_assert_cmpint(sip_sub_state(sub), ==, SIP_SUB_PENDING_200);
    g_assert_cmpstr(sip_sub_target(sub), ==, TARGET);
    g_assert_cmpstr(sip_sub_event(sub), ==, "presence");
    run_for(n, 100 * SIM_MS);
    g_assert_cmpuint(n->subscribes->len, ==, 1);
    const osip_message_t *s = nth(n->subscribes, 0);
    g_assert_cmpstr(hdr(s, "Event"), ==, "presence");
    g_assert_cmpstr(hdr(s, "Expires"), ==, "600");
    g_autofree char *sup = sip_message_header_joined(s, "Supported");
    g_assert_cmpstr(sup, ==, "eventlist");
    g_autofree char *acc = sip_message_header_joined(s, "Accept");
    g_assert_nonnull(strstr(acc, "application/rlmi+xml"));
    g_assert_nonnull(strstr(acc, "multipart/related"));
    g_autofree char *pref = sip_message_header_joined(s, "P-Preferred-Identity");
    g_assert_cmpstr(pref, ==, "<" ME ">");
    g_autofree char *r0 = route_text(s, 0);
    g_assert_cmpstr(r0, ==, "<sip:pcscf.home.test;lr>");
    g_autofree char *contact = sip_message_header_joined(s, "Contact");
    g_assert_cmpstr(contact, ==, "<sip:10.0.0.1:5060>");
    g_autofree char *u = ruri(s);
    g_assert_cmpstr(u, ==, TARGET);
    g_assert_cmpint(sip_sub_state(sub), ==, SIP_SUB_PENDING); /* 2xx, no NOTIFY yet */
    g_assert_cmpuint(ev_count(n, "sub-sent"), ==, 1);

    esc_send_notify(n, "active;expires=599");
    run_for(n, 100 * SIM_MS);
    g_assert_cmpint(n->notify_answer, ==, 200);
    g_assert_cmpuint(n->notifies, ==, 1);
    g_assert_cmpstr(n->last_substate, ==, "active");
    g_assert_cmpint(sip_sub_state(sub), ==, SIP_SUB_ACTIVE);
    g_assert_cmpuint(sip_sub_notifies(sub), ==, 1);
    g_assert_cmpuint(ev_count(n, "sub-notify"), ==, 1);

    esc_send_notify(n, "pending");
    run_for(n, 100 * SIM_MS);
    g_assert_cmpint(sip_sub_state(sub), ==, SIP_SUB_PENDING);

    esc_send_notify(n, "terminated;reason=noresource");
    run_for(n, 100 * SIM_MS);
    g_assert_cmpint(n->notify_answer, ==, 200);
    g_assert_cmpuint(n->ended, ==, 1);
    g_assert_cmpstr(n->ended_reason, ==, "noresource");
    g_assert_cmpuint(ev_count(n, "sub-ended"), ==, 1);

    /* the dialog is gone: the node answers 481 (RFC 6665 §4.1.3) */
    esc_send_notify(n, "active");
    run_for(n, 100 * SIM_MS);
    g_assert_cmpint(n->notify_answer, ==, 481);
    g_assert_cmpuint(n->strays, ==, 0);
    net_free(n);
}

static void test_notify_before_200(void)
{
    Net *n = net_new();
    n->notify_first = TRUE;
    SipSubscription *sub = subscribe(n, 600, TRUE);
    run_for(n, 30 * SIM_MS); /* the NOTIFY arrived (5 ms each way), the 2xx not yet */
    g_assert_cmpuint(n->notifies, ==, 1);
    g_assert_cmpint(n->notify_answer, ==, 200);
    g_assert_cmpint(sip_sub_state(sub), ==, SIP_SUB_ACTIVE);
    run_for(n, 100 * SIM_MS); /* the 2xx */
    g_assert_null(n->held);
    g_assert_cmpint(sip_sub_state(sub), ==, SIP_SUB_ACTIVE);
    esc_send_notify(n, "active;expires=500");
    run_for(n, 100 * SIM_MS);
    g_assert_cmpint(n->notify_answer, ==, 200);
    g_assert_cmpuint(n->notifies, ==, 2);
    g_assert_cmpuint(n->ended, ==, 0);
    g_assert_cmpuint(n->strays, ==, 0);
    net_free(n);
}

static void test_refresh(void)
{
    Net *n = net_new();
    n->sub_grant = 20; /* refresh at min(80 %, expiry - 5 s) = 15 s */
    SipSubscription *sub = subscribe(n, 600, TRUE);
    run_for(n, 100 * SIM_MS);
    esc_send_notify(n, "active;expires=20");
    run_for(n, 14 * SIM_S);
    g_assert_cmpuint(n->subscribes->len, ==, 1);
    run_for(n, 2 * SIM_S); /* 16.2 s */
    g_assert_cmpuint(n->subscribes->len, ==, 2);
    const osip_message_t *r = nth(n->subscribes, 1);
    g_assert_nonnull(tag_of(r->to)); /* in the dialog */
    g_assert_cmpstr(tag_of(r->to), ==, n->d_my_tag);
    g_autofree char *cid = NULL;
    {
        char *t = NULL;
        g_assert_cmpint(osip_call_id_to_str(r->call_id, &t), ==, 0);
        cid = g_strdup(t);
        osip_free(t);
    }
    g_assert_cmpstr(cid, ==, n->d_call_id);
    g_assert_cmpstr(r->cseq->number, ==, "2");
    g_assert_cmpstr(hdr(r, "Expires"), ==, "600");
    g_autofree char *u = ruri(r);
    g_assert_cmpstr(u, ==, ESC_CONTACT); /* remote target */
    g_autofree char *r0 = route_text(r, 0), *r1 = route_text(r, 1);
    g_assert_cmpstr(r0, ==, "<sip:p2.home.test;lr>"); /* RFC 3261 §12.1.2: reversed */
    g_assert_cmpstr(r1, ==, "<sip:p1.home.test;lr>");
    g_assert_cmpint(osip_list_size(&r->routes), ==, 2);
    g_assert_null(hdr(r, "P-Preferred-Identity"));
    g_autofree char *sup = sip_message_header_joined(r, "Supported");
    g_assert_cmpstr(sup, ==, "eventlist");
    run_for(n, 60 * SIM_S); /* refreshes go on every 15 s */
    g_assert_cmpuint(n->subscribes->len, >=, 5);
    g_assert_cmpuint(n->ended, ==, 0);
    g_assert_cmpint(sip_sub_state(sub), ==, SIP_SUB_ACTIVE);

    /* the notifier lost the dialog: a refresh answered 481 ends it (RFC 6665 §4.1.2.2) */
    n->sub_status = 481;
    run_for(n, 20 * SIM_S);
    g_assert_cmpuint(n->ended, ==, 1);
    g_assert_nonnull(strstr(n->ended_reason, "481"));
    g_assert_cmpuint(n->strays, ==, 0);
    net_free(n);
}

static void test_unsubscribe(void)
{
    Net *n = net_new();
    SipSubscription *sub = subscribe(n, 600, TRUE);
    run_for(n, 100 * SIM_MS);
    esc_send_notify(n, "active;expires=600");
    run_for(n, 100 * SIM_MS);
    sip_sub_unsubscribe(sub);
    run_for(n, 100 * SIM_MS);
    g_assert_cmpuint(n->subscribes->len, ==, 2);
    const osip_message_t *u = nth(n->subscribes, 1);
    g_assert_cmpstr(hdr(u, "Expires"), ==, "0");
    g_assert_cmpstr(tag_of(u->to), ==, n->d_my_tag);
    g_assert_cmpuint(n->ended, ==, 0); /* waits for the final NOTIFY */
    esc_send_notify(n, "terminated;reason=timeout");
    run_for(n, 100 * SIM_MS);
    g_assert_cmpint(n->notify_answer, ==, 200);
    g_assert_cmpuint(n->ended, ==, 1);
    g_assert_cmpstr(n->ended_reason, ==, "unsubscribed");

    /* before the dialog exists: the unsubscribe goes out once the 2xx made it */
    n->ended = 0;
    sub = subscribe(n, 600, TRUE);
    sip_sub_unsubscribe(sub);
    run_for(n, 100 * SIM_MS);
    g_assert_cmpuint(n->subscribes->len, ==, 4);
    g_assert_cmpstr(hdr(nth(n->subscribes, 3), "Expires"), ==, "0");
    /* no terminated NOTIFY comes: over 32 s after the 2xx anyway */
    run_for(n, 40 * SIM_S);
    g_assert_cmpuint(n->ended, ==, 1);
    g_assert_cmpstr(n->ended_reason, ==, "unsubscribed");
    g_assert_cmpuint(n->strays, ==, 0);
    net_free(n);
}

static void test_subscribe_fails(void)
{
    Net *n = net_new();
    n->sub_status = 403;
    subscribe(n, 600, TRUE);
    run_for(n, 100 * SIM_MS);
    g_assert_cmpuint(n->ended, ==, 1);
    g_assert_cmpstr(n->ended_reason, ==, "403 Forbidden");

    n->sub_status = 0; /* silence: Timer F (64 T1) */
    subscribe(n, 600, TRUE);
    run_for(n, 31 * SIM_S);
    g_assert_cmpuint(n->ended, ==, 1);
    run_for(n, 2 * SIM_S);
    g_assert_cmpuint(n->ended, ==, 2);
    g_assert_cmpstr(n->ended_reason, ==, "timeout");
    g_assert_cmpuint(n->strays, ==, 0);
    net_free(n);
}

/* ---- publications ---- */

static SipPublication *publication(Net *n, guint32 expires)
{
    SipPubSpec spec = {.target = ME, .from = ME, .event = "presence", .expires = expires};
    SipPublication *pub = sip_ua_publication_new(n->ua, &spec, &pub_h, n);
    g_assert_nonnull(pub);
    return pub;
}

static int last_result(Net *n)
{
    g_assert_cmpuint(n->results->len, >, 0);
    return g_array_index(n->results, int, n->results->len - 1);
}

static const char *body_of(const osip_message_t *m)
{
    size_t len;
    return sip_message_body(m, &len);
}

#define DOC1 "<presence>one</presence>"
#define DOC2 "<presence>two</presence>"
#define DOC3 "<presence>three</presence>"

static void test_publish(void)
{
    Net *n = net_new();
    SipPublication *pub = publication(n, 3600);
    g_assert_null(sip_pub_etag(pub));
    sip_pub_publish(pub, "application/pidf+xml", DOC1, strlen(DOC1));
    run_for(n, 100 * SIM_MS);
    g_assert_cmpuint(n->publishes->len, ==, 1);
    const osip_message_t *p = nth(n->publishes, 0);
    g_assert_cmpstr(hdr(p, "Event"), ==, "presence");
    g_assert_cmpstr(hdr(p, "Expires"), ==, "3600");
    g_assert_null(hdr(p, "SIP-If-Match"));
    g_assert_cmpstr(body_of(p), ==, DOC1);
    g_assert_cmpint(last_result(n), ==, 200);
    g_assert_cmpstr(sip_pub_etag(pub), ==, "e1");
    g_assert_cmpuint(ev_count(n, "pub-result"), ==, 1);

    /* modify (RFC 3903 §4.4) */
    sip_pub_publish(pub, "application/pidf+xml", DOC2, strlen(DOC2));
    run_for(n, 100 * SIM_MS);
    p = nth(n->publishes, 1);
    g_assert_cmpstr(hdr(p, "SIP-If-Match"), ==, "e1");
    g_assert_cmpstr(body_of(p), ==, DOC2);
    g_assert_cmpstr(sip_pub_etag(pub), ==, "e2");

    /* the ESC forgot us: 412, then an initial PUBLISH with the last body (§4.1) */
    n->pub_status = 412;
    sip_pub_publish(pub, "application/pidf+xml", DOC3, strlen(DOC3));
    run_for(n, 100 * SIM_MS);
    g_assert_cmpuint(n->publishes->len, ==, 4);
    g_assert_cmpstr(hdr(nth(n->publishes, 2), "SIP-If-Match"), ==, "e2");
    p = nth(n->publishes, 3);
    g_assert_null(hdr(p, "SIP-If-Match"));
    g_assert_cmpstr(body_of(p), ==, DOC3);
    g_assert_cmpint(g_array_index(n->results, int, 2), ==, 412);
    g_assert_cmpint(last_result(n), ==, 200);
    g_assert_cmpstr(sip_pub_etag(pub), ==, "e3");

    /* one PUBLISH in flight at a time (§4.1); the newest body waits, the older one is dropped */
    sip_pub_publish(pub, "application/pidf+xml", DOC1, strlen(DOC1));
    sip_pub_publish(pub, "application/pidf+xml", DOC2, strlen(DOC2));
    sip_pub_publish(pub, "application/pidf+xml", DOC3, strlen(DOC3));
    run_for(n, 2 * SIM_MS);
    g_assert_cmpuint(sip_pub_sent(pub), ==, 5);
    run_for(n, 100 * SIM_MS);
    g_assert_cmpuint(n->publishes->len, ==, 6);
    g_assert_cmpstr(body_of(nth(n->publishes, 4)), ==, DOC1);
    g_assert_cmpstr(body_of(nth(n->publishes, 5)), ==, DOC3);
    g_assert_cmpstr(hdr(nth(n->publishes, 5), "SIP-If-Match"), ==, "e4");
    g_assert_cmpstr(sip_pub_etag(pub), ==, "e5");

    /* remove (§4.5) */
    sip_pub_remove(pub);
    run_for(n, 100 * SIM_MS);
    p = nth(n->publishes, 6);
    g_assert_cmpstr(hdr(p, "Expires"), ==, "0");
    g_assert_cmpstr(hdr(p, "SIP-If-Match"), ==, "e5");
    g_assert_null(body_of(p));
    g_assert_null(sip_pub_etag(pub));
    run_for(n, 4000 * SIM_S); /* nothing refreshes a removed publication */
    g_assert_cmpuint(n->publishes->len, ==, 7);
    g_assert_cmpuint(n->strays, ==, 0);
    net_free(n);
}

static void test_publish_refresh(void)
{
    Net *n = net_new();
    n->pub_grant = 20;
    SipPublication *pub = publication(n, 3600);
    sip_pub_publish(pub, "application/pidf+xml", DOC1, strlen(DOC1));
    run_for(n, 14 * SIM_S);
    g_assert_cmpuint(n->publishes->len, ==, 1);
    run_for(n, 2 * SIM_S);
    g_assert_cmpuint(n->publishes->len, ==, 2);
    const osip_message_t *p = nth(n->publishes, 1);
    g_assert_null(body_of(p)); /* §4.3: a refresh has no body */
    g_assert_cmpstr(hdr(p, "SIP-If-Match"), ==, "e1");
    g_assert_cmpstr(hdr(p, "Expires"), ==, "3600");
    g_assert_cmpstr(sip_pub_etag(pub), ==, "e2");
    run_for(n, 30 * SIM_S);
    g_assert_cmpuint(n->publishes->len, ==, 4);

    /* 423: again with the Min-Expires */
    n->pub_status = 423;
    n->min_expires = 7200;
    sip_pub_publish(pub, "application/pidf+xml", DOC2, strlen(DOC2));
    run_for(n, 100 * SIM_MS);
    g_assert_cmpuint(n->publishes->len, ==, 6);
    g_assert_cmpstr(hdr(nth(n->publishes, 5), "Expires"), ==, "7200");
    g_assert_cmpstr(body_of(nth(n->publishes, 5)), ==, DOC2);
    g_assert_cmpint(last_result(n), ==, 200);
    g_assert_cmpuint(n->strays, ==, 0);
    net_free(n);
}

static void test_publish_timeout(void)
{
    Net *n = net_new();
    SipPublication *pub = publication(n, 3600);
    n->pub_status = -1; /* the ESC never answers: Timer F */
    sip_pub_publish(pub, "application/pidf+xml", DOC1, strlen(DOC1));
    run_for(n, 31 * SIM_S);
    g_assert_cmpuint(n->results->len, ==, 0);
    run_for(n, 2 * SIM_S);
    g_assert_cmpuint(n->results->len, ==, 1);
    g_assert_cmpint(last_result(n), ==, 0);
    g_assert_null(sip_pub_etag(pub));
    g_assert_cmpuint(n->strays, ==, 0);

    /* sip_ua_free from the result callback: deferred, nothing touched afterwards */
    n->pub_status = 0;
    n->free_in_callback = TRUE;
    sip_pub_publish(pub, "application/pidf+xml", DOC2, strlen(DOC2));
    run_for(n, 100 * SIM_MS);
    g_assert_null(n->ua);
    g_assert_cmpint(last_result(n), ==, 200);
    run_for(n, 4000 * SIM_S);
    net_free(n);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sip-ua/subscribe-notify", test_subscribe_notify);
    g_test_add_func("/sip-ua/notify-before-200", test_notify_before_200);
    g_test_add_func("/sip-ua/refresh", test_refresh);
    g_test_add_func("/sip-ua/unsubscribe", test_unsubscribe);
    g_test_add_func("/sip-ua/subscribe-fails", test_subscribe_fails);
    g_test_add_func("/sip-ua/publish", test_publish);
    g_test_add_func("/sip-ua/publish-refresh", test_publish_refresh);
    g_test_add_func("/sip-ua/publish-timeout", test_publish_timeout);
    return g_test_run();
}
