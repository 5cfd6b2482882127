/* test-sip-transaction.c: the RFC 3261 §17 transaction layer (protocols/sip/sip-transaction.h) on a
 * fake clock and a fake transport.
 *
 * The fake clock keeps the timers the layer starts in a list and fires them in (time, start order)
 * when a test advances it; the fake transport records every send with its time. Messages arrive as
 * bytes through sip_txn_layer_receive_bytes(), so the parse path is exercised too. The TU records
 * every callback.
 */
#include "protocols/sip/sip-transaction.h"
#include <string.h>

#define MS SIP_NS_PER_MS
#define S (1000 * MS)

/* ---- fake clock, transport and TU ------------------------------------------------------------- */

typedef struct {
    guint64 id;
    gint64 at;
    SipTimerFunc fire;
    gpointer arg;
    gboolean live;
} FakeTimer;

typedef struct {
    gint64 at;
    SipPeer to;
    gchar *text;
} Sent;

typedef struct {
    gint64 now;
    GArray *timers; /* FakeTimer */
    guint64 next_id;
    GPtrArray *sent; /* Sent* */
    gboolean fail_send;
    SipTxnLayer *layer;
    /* TU records */
    GPtrArray *requests;  /* osip_message_t* clones */
    GPtrArray *req_txns;  /* SipTxn* or NULL, parallel to requests */
    GPtrArray *responses; /* osip_message_t* clones */
    GPtrArray *strays;    /* osip_message_t* clones */
    GArray *timeouts;     /* SipTimer */
    gint64 timeout_at;
    guint terminated, transport_errors;
    gint64 terminated_at;
    int respond_in_callback; /* status the TU answers with from inside request(); 0: none */
} Fake;

static void sent_free(Sent *s)
{
    g_free(s->text);
    g_free(s);
}

static gboolean fake_send(gpointer ctx, const SipPeer *to, const guint8 *data, size_t len)
{
    Fake *f = ctx;
    if (f->fail_send)
        return FALSE;
    Sent *s = g_new0(Sent, 1);
    s->at = f->now;
    s->to = *to;
    s->text = g_strndup((const char *)data, len);
    g_ptr_array_add(f->sent, s);
    return TRUE;
}

static guint64 fake_timer_start(gpointer ctx, gint64 delay, SipTimerFunc fire, gpointer arg)
{
    Fake *f = ctx;
    g_assert_cmpint(delay, >=, 0);
    FakeTimer t = {++f->next_id, f->now + delay, fire, arg, TRUE};
    g_array_append_val(f->timers, t);
    return t.id;
}

static void fake_timer_cancel(gpointer ctx, guint64 handle)
{
    Fake *f = ctx;
    for (guint i = 0; i < f->timers->len; i++) {
        FakeTimer *t = &g_array_index(f->timers, FakeTimer, i);
        if (t->id == handle) {
            g_assert_true(t->live); /* the layer never cancels a fired or cancelled timer */
            t->live = FALSE;
            return;
        }
    }
    g_assert_not_reached();
}

/* Fires every timer due up to UNTIL in (time, start order), then sets the clock to UNTIL. */
static void advance_to(Fake *f, gint64 until)
{
    for (;;) {
        FakeTimer *next = NULL;
        for (guint i = 0; i < f->timers->len; i++) {
            FakeTimer *t = &g_array_index(f->timers, FakeTimer, i);
            if (t->live && t->at <= until && (!next || t->at < next->at || (t->at == next->at && t->id < next->id)))
                next = t;
        }
        if (!next)
            break;
        next->live = FALSE;
        f->now = next->at;
        SipTimerFunc fire = next->fire;
        gpointer arg = next->arg;
        fire(arg); /* may append to f->timers: `next` is not used afterwards */
    }
    f->now = until;
}

static guint live_timers(Fake *f)
{
    guint n = 0;
    for (guint i = 0; i < f->timers->len; i++)
        n += g_array_index(f->timers, FakeTimer, i).live;
    return n;
}

static void tu_request(SipTxnLayer *layer, SipTxn *txn, const osip_message_t *req, const SipPeer *from, gpointer user)
{
    Fake *f = user;
    (void)layer, (void)from;
    g_ptr_array_add(f->requests, sip_message_clone(req));
    g_ptr_array_add(f->req_txns, txn);
    if (txn && f->respond_in_callback) {
        GError *error = NULL;
        osip_message_t *rsp = sip_response_new(req, f->respond_in_callback, NULL, "srv", &error);
        g_assert_no_error(error);
        g_assert_true(sip_txn_respond(txn, rsp, &error));
        g_assert_no_error(error);
    }
}

static void tu_response(SipTxnLayer *layer, SipTxn *txn, const osip_message_t *rsp, gpointer user)
{
    Fake *f = user;
    (void)layer;
    g_assert_nonnull(txn);
    g_assert_cmpint(sip_txn_last_status(txn), ==, rsp->status_code);
    g_ptr_array_add(f->responses, sip_message_clone(rsp));
}

static void tu_stray(SipTxnLayer *layer, const osip_message_t *rsp, const SipPeer *from, gpointer user)
{
    Fake *f = user;
    (void)layer, (void)from;
    g_ptr_array_add(f->strays, sip_message_clone(rsp));
}

static void tu_timeout(SipTxnLayer *layer, SipTxn *txn, SipTimer timer, gpointer user)
{
    Fake *f = user;
    (void)layer, (void)txn;
    g_array_append_val(f->timeouts, timer);
    f->timeout_at = f->now;
}

static void tu_transport_error(SipTxnLayer *layer, SipTxn *txn, gpointer user)
{
    Fake *f = user;
    (void)layer, (void)txn;
    f->transport_errors++;
}

static void tu_terminated(SipTxnLayer *layer, SipTxn *txn, gpointer user)
{
    Fake *f = user;
    (void)layer;
    g_assert_cmpint(sip_txn_state(txn), ==, SIP_TXN_TERMINATED);
    f->terminated++;
    f->terminated_at = f->now;
}

static Fake *fake_new(void)
{
    Fake *f = g_new0(Fake, 1);
    f->timers = g_array_new(FALSE, TRUE, sizeof(FakeTimer));
    f->sent = g_ptr_array_new_with_free_func((GDestroyNotify)sent_free);
    f->requests = g_ptr_array_new_with_free_func((GDestroyNotify)sip_message_free);
    f->req_txns = g_ptr_array_new();
    f->responses = g_ptr_array_new_with_free_func((GDestroyNotify)sip_message_free);
    f->strays = g_ptr_array_new_with_free_func((GDestroyNotify)sip_message_free);
    f->timeouts = g_array_new(FALSE, TRUE, sizeof(SipTimer));
    f->terminated_at = -1;
    f->timeout_at = -1;
    SipTransport tp = {f, fake_send, fake_timer_start, fake_timer_cancel};
    SipTxnUser tu = {f, tu_request, tu_response, tu_stray, tu_timeout, tu_transport_error, tu_terminated};
    f->layer = sip_txn_layer_new(&tp, &tu, NULL);
    return f;
}

static void fake_free(Fake *f)
{
    sip_txn_layer_free(f->layer);
    g_assert_cmpuint(live_timers(f), ==, 0); /* freeing the layer cancels what is left */
    g_array_unref(f->timers);
    g_ptr_array_unref(f->sent);
    g_ptr_array_unref(f->requests);
    g_ptr_array_unref(f->req_txns);
    g_ptr_array_unref(f->responses);
    g_ptr_array_unref(f->strays);
    g_array_unref(f->timeouts);
    g_free(f);
}

static const SipPeer *peer(gboolean reliable)
{
    static SipPeer udp = {"pcscf.visited.test:5060/udp", 27, FALSE};
    static SipPeer tcp = {"pcscf.visited.test:5060/tcp", 27, TRUE};
    return reliable ? &tcp : &udp;
}

/* ---- messages --------------------------------------------------------------------------------- */

static osip_message_t *make_request(const char *method, const char *branch, guint32 cseq)
{
    SipRequestSpec spec = {
        .method = method,
        .request_uri = "sip:ims.test",
        .via_host = "10.0.0.10",
        .via_port = 5060,
        .branch = branch,
        .from = "<sip:alice@ims.test>",
        .from_tag = "4fa3",
        .to = "<sip:bob@ims.test>",
        .call_id = "c1@10.0.0.10",
        .cseq = cseq,
        .contact = "<sip:alice@10.0.0.10:5060>",
    };
    GError *error = NULL;
    osip_message_t *m = sip_request_new(&spec, &error);
    g_assert_no_error(error);
    if (strcmp(method, "INVITE") == 0) {
        g_assert_true(sip_message_add_header(m, "Route", "<sip:pcscf.visited.test;lr>", &error));
        g_assert_no_error(error);
    }
    return m;
}

static void deliver(Fake *f, osip_message_t *msg, gboolean reliable)
{
    GError *error = NULL;
    size_t len = 0;
    guint8 *bytes = sip_message_to_bytes(msg, &len, &error);
    g_assert_no_error(error);
    g_assert_true(sip_txn_layer_receive_bytes(f->layer, bytes, len, peer(reliable), &error));
    g_assert_no_error(error);
    g_free(bytes);
}

/* Delivers a STATUS response to REQUEST (a clone of what was sent) with To tag "bob". */
static void deliver_response(Fake *f, const osip_message_t *request, int status, gboolean reliable)
{
    GError *error = NULL;
    osip_message_t *rsp = sip_response_new(request, status, NULL, "bob", &error);
    g_assert_no_error(error);
    deliver(f, rsp, reliable);
    sip_message_free(rsp);
}

static osip_message_t *sent_message(Fake *f, guint i)
{
    g_assert_cmpuint(i, <, f->sent->len);
    const Sent *s = f->sent->pdata[i];
    GError *error = NULL;
    osip_message_t *m = sip_message_parse(s->text, strlen(s->text), &error);
    g_assert_no_error(error);
    return m;
}

static gint64 sent_at(Fake *f, guint i)
{
    g_assert_cmpuint(i, <, f->sent->len);
    return ((Sent *)f->sent->pdata[i])->at;
}

static SipTxn *start_client(Fake *f, const char *method, const char *branch, gboolean reliable)
{
    GError *error = NULL;
    SipTxn *txn = sip_txn_client_new(f->layer, make_request(method, branch, 1), peer(reliable), &error);
    g_assert_no_error(error);
    g_assert_nonnull(txn);
    return txn;
}

/* ---- client non-INVITE ------------------------------------------------------------------------ */

static void test_nict_udp_timeout(void)
{
    Fake *f = fake_new();
    SipTxn *txn = start_client(f, "REGISTER", "z9hG4bKnict1", FALSE);
    g_assert_cmpint(sip_txn_kind(txn), ==, SIP_TXN_CLIENT_NON_INVITE);
    g_assert_cmpint(sip_txn_state(txn), ==, SIP_TXN_TRYING);
    advance_to(f, 40 * S);
    /* Timer E: 500 ms, 1 s, 2 s, 4 s, 4 s, ... (§17.1.2.2); Timer F ends it at 64*T1 = 32 s */
    static const gint64 expected[] = {0,          500 * MS,   1500 * MS,  3500 * MS,  7500 * MS, 11500 * MS,
                                      15500 * MS, 19500 * MS, 23500 * MS, 27500 * MS, 31500 * MS};
    g_assert_cmpuint(f->sent->len, ==, G_N_ELEMENTS(expected));
    for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
        g_assert_cmpint(sent_at(f, i), ==, expected[i]);
        g_assert_cmpstr(((Sent *)f->sent->pdata[i])->text, ==, ((Sent *)f->sent->pdata[0])->text);
    }
    g_assert_cmpuint(f->timeouts->len, ==, 1);
    g_assert_cmpint(g_array_index(f->timeouts, SipTimer, 0), ==, SIP_TIMER_F);
    g_assert_cmpint(f->timeout_at, ==, 32 * S);
    g_assert_cmpuint(f->terminated, ==, 1);
    g_assert_cmpint(f->terminated_at, ==, 32 * S);
    g_assert_cmpuint(sip_txn_layer_count(f->layer), ==, 0);
    g_assert_cmpuint(live_timers(f), ==, 0);
    SipTxnStats st;
    sip_txn_layer_stats(f->layer, &st);
    g_assert_cmpuint(st.retransmissions, ==, 10);
    g_assert_cmpuint(st.timeouts, ==, 1);
    fake_free(f);
}

static void test_nict_udp_response(void)
{
    Fake *f = fake_new();
    SipTxn *txn = start_client(f, "REGISTER", "z9hG4bKnict2", FALSE);
    osip_message_t *req = sip_message_clone(sip_txn_request(txn));
    advance_to(f, 1200 * MS);
    g_assert_cmpuint(f->sent->len, ==, 2);
    deliver_response(f, req, 401, FALSE);
    g_assert_cmpuint(f->responses->len, ==, 1);
    g_assert_cmpint(((osip_message_t *)f->responses->pdata[0])->status_code, ==, 401);
    g_assert_cmpint(sip_txn_state(txn), ==, SIP_TXN_COMPLETED);
    /* a retransmitted 401 is absorbed */
    advance_to(f, 3 * S);
    deliver_response(f, req, 401, FALSE);
    g_assert_cmpuint(f->responses->len, ==, 1);
    /* no more retransmissions; Timer K (T4 = 5 s) frees it */
    advance_to(f, 40 * S);
    g_assert_cmpuint(f->sent->len, ==, 2);
    g_assert_cmpuint(f->terminated, ==, 1);
    g_assert_cmpint(f->terminated_at, ==, 6200 * MS);
    g_assert_cmpuint(f->timeouts->len, ==, 0);
    /* after K, a late 401 matches nothing: stray */
    deliver_response(f, req, 401, FALSE);
    g_assert_cmpuint(f->strays->len, ==, 1);
    SipTxnStats st;
    sip_txn_layer_stats(f->layer, &st);
    g_assert_cmpuint(st.absorbed, ==, 1);
    g_assert_cmpuint(st.stray_responses, ==, 1);
    sip_message_free(req);
    fake_free(f);
}

static void test_nict_proceeding(void)
{
    Fake *f = fake_new();
    SipTxn *txn = start_client(f, "SUBSCRIBE", "z9hG4bKnict3", FALSE);
    osip_message_t *req = sip_message_clone(sip_txn_request(txn));
    advance_to(f, 700 * MS);
    deliver_response(f, req, 100, FALSE);
    g_assert_cmpint(sip_txn_state(txn), ==, SIP_TXN_PROCEEDING);
    g_assert_cmpuint(f->responses->len, ==, 1);
    /* in Proceeding, E fires at its running deadline (1.5 s) and then every T2 */
    advance_to(f, 10 * S);
    static const gint64 expected[] = {0, 500 * MS, 1500 * MS, 5500 * MS, 9500 * MS};
    g_assert_cmpuint(f->sent->len, ==, G_N_ELEMENTS(expected));
    for (guint i = 0; i < G_N_ELEMENTS(expected); i++)
        g_assert_cmpint(sent_at(f, i), ==, expected[i]);
    deliver_response(f, req, 200, FALSE);
    g_assert_cmpuint(f->responses->len, ==, 2);
    advance_to(f, 100 * S);
    g_assert_cmpuint(f->sent->len, ==, G_N_ELEMENTS(expected));
    g_assert_cmpint(f->terminated_at, ==, 15 * S);
    sip_message_free(req);
    fake_free(f);
}

static void test_nict_tcp(void)
{
    Fake *f = fake_new();
    SipTxn *txn = start_client(f, "REGISTER", "z9hG4bKnict4", TRUE);
    osip_message_t *req = sip_message_clone(sip_txn_request(txn));
    advance_to(f, 40 * S);
    g_assert_cmpuint(f->sent->len, ==, 1); /* no retransmission over a reliable transport */
    g_assert_cmpuint(f->timeouts->len, ==, 1);
    g_assert_cmpint(f->timeout_at, ==, 32 * S); /* Timer F still applies */
    sip_message_free(req);

    /* a final response over TCP: Timer K is zero, the transaction ends at once */
    txn = start_client(f, "REGISTER", "z9hG4bKnict5", TRUE);
    req = sip_message_clone(sip_txn_request(txn));
    advance_to(f, 41 * S);
    deliver_response(f, req, 200, TRUE);
    g_assert_cmpuint(f->terminated, ==, 2);
    g_assert_cmpint(f->terminated_at, ==, 41 * S);
    g_assert_cmpuint(live_timers(f), ==, 0);
    sip_message_free(req);
    fake_free(f);
}

/* ---- server non-INVITE ------------------------------------------------------------------------ */

static void test_nist(void)
{
    Fake *f = fake_new();
    osip_message_t *req = make_request("SUBSCRIBE", "z9hG4bKnist1", 61);
    deliver(f, req, FALSE);
    g_assert_cmpuint(f->requests->len, ==, 1);
    SipTxn *txn = f->req_txns->pdata[0];
    g_assert_nonnull(txn);
    g_assert_cmpint(sip_txn_kind(txn), ==, SIP_TXN_SERVER_NON_INVITE);
    g_assert_cmpint(sip_txn_state(txn), ==, SIP_TXN_TRYING);
    /* a retransmission in Trying: nothing to resend, not passed up */
    advance_to(f, 500 * MS);
    deliver(f, req, FALSE);
    g_assert_cmpuint(f->requests->len, ==, 1);
    g_assert_cmpuint(f->sent->len, ==, 0);
    /* the TU answers 200 */
    GError *error = NULL;
    g_assert_true(sip_txn_respond(txn, sip_response_new(req, 200, NULL, "srv", &error), &error));
    g_assert_no_error(error);
    g_assert_cmpint(sip_txn_state(txn), ==, SIP_TXN_COMPLETED);
    g_assert_cmpuint(f->sent->len, ==, 1);
    /* the request retransmitted: the layer resends the 200 (retransmission absorption) */
    advance_to(f, 1 * S);
    deliver(f, req, FALSE);
    g_assert_cmpuint(f->requests->len, ==, 1);
    g_assert_cmpuint(f->sent->len, ==, 2);
    g_assert_cmpstr(((Sent *)f->sent->pdata[1])->text, ==, ((Sent *)f->sent->pdata[0])->text);
    osip_message_t *sent = sent_message(f, 1);
    g_assert_cmpint(sent->status_code, ==, 200);
    sip_message_free(sent);
    /* a second final response is refused */
    g_assert_false(sip_txn_respond(txn, sip_response_new(req, 500, NULL, "srv", &error), &error));
    g_assert_error(error, SIP_TXN_ERROR, SIP_TXN_ERROR_STATE);
    g_clear_error(&error);
    /* Timer J = 64*T1 after the final response */
    advance_to(f, 100 * S);
    g_assert_cmpint(f->terminated_at, ==, 500 * MS + 32 * S);
    g_assert_cmpuint(f->sent->len, ==, 2);
    /* after J the same request is new again */
    deliver(f, req, FALSE);
    g_assert_cmpuint(f->requests->len, ==, 2);
    g_assert_cmpuint(sip_txn_layer_count(f->layer), ==, 1);
    sip_message_free(req);
    fake_free(f);
}

static void test_nist_provisional_and_tcp(void)
{
    Fake *f = fake_new();
    osip_message_t *req = make_request("PUBLISH", "z9hG4bKnist2", 3);
    deliver(f, req, FALSE);
    SipTxn *txn = f->req_txns->pdata[0];
    GError *error = NULL;
    g_assert_true(sip_txn_respond(txn, sip_response_new(req, 100, NULL, NULL, &error), &error));
    g_assert_cmpint(sip_txn_state(txn), ==, SIP_TXN_PROCEEDING);
    deliver(f, req, FALSE); /* resend the 100 */
    g_assert_cmpuint(f->sent->len, ==, 2);
    osip_message_t *sent = sent_message(f, 1);
    g_assert_cmpint(sent->status_code, ==, 100);
    sip_message_free(sent);
    /* a response to another request is refused */
    osip_message_t *other = make_request("PUBLISH", "z9hG4bKother", 4);
    g_assert_false(sip_txn_respond(txn, sip_response_new(other, 200, NULL, "x", &error), &error));
    g_assert_error(error, SIP_TXN_ERROR, SIP_TXN_ERROR_INVALID);
    g_clear_error(&error);
    sip_message_free(other);
    sip_message_free(req);

    /* over TCP the TU answers inside its callback: J is zero, the transaction ends during the call
     * and is freed only after it (ASan checks the deferred free) */
    f->respond_in_callback = 200;
    req = make_request("MESSAGE", "z9hG4bKnist3", 5);
    guint before = f->terminated;
    deliver(f, req, TRUE);
    g_assert_cmpuint(f->terminated, ==, before + 1);
    g_assert_cmpuint(f->sent->len, ==, 3);
    g_assert_true(((Sent *)f->sent->pdata[2])->to.reliable);
    sip_message_free(req);
    fake_free(f);
}

/* ---- client INVITE ---------------------------------------------------------------------------- */

static void test_ict_timeout(void)
{
    Fake *f = fake_new();
    SipTxn *txn = start_client(f, "INVITE", "z9hG4bKict1", FALSE);
    g_assert_cmpint(sip_txn_state(txn), ==, SIP_TXN_CALLING);
    advance_to(f, 40 * S);
    /* Timer A doubles without a cap; Timer B = 64*T1 */
    static const gint64 expected[] = {0, 500 * MS, 1500 * MS, 3500 * MS, 7500 * MS, 15500 * MS, 31500 * MS};
    g_assert_cmpuint(f->sent->len, ==, G_N_ELEMENTS(expected));
    for (guint i = 0; i < G_N_ELEMENTS(expected); i++)
        g_assert_cmpint(sent_at(f, i), ==, expected[i]);
    g_assert_cmpuint(f->timeouts->len, ==, 1);
    g_assert_cmpint(g_array_index(f->timeouts, SipTimer, 0), ==, SIP_TIMER_B);
    g_assert_cmpint(f->timeout_at, ==, 32 * S);
    fake_free(f);
}

static void test_ict_non_2xx(void)
{
    Fake *f = fake_new();
    SipTxn *txn = start_client(f, "INVITE", "z9hG4bKict2", FALSE);
    osip_message_t *req = sip_message_clone(sip_txn_request(txn));
    advance_to(f, 200 * MS);
    deliver_response(f, req, 180, FALSE);
    g_assert_cmpint(sip_txn_state(txn), ==, SIP_TXN_PROCEEDING);
    advance_to(f, 1 * S);
    g_assert_cmpuint(f->sent->len, ==, 1); /* a provisional stops Timer A */
    deliver_response(f, req, 486, FALSE);
    g_assert_cmpint(sip_txn_state(txn), ==, SIP_TXN_COMPLETED);
    g_assert_cmpuint(f->responses->len, ==, 2);
    /* the transaction sent the ACK (§17.1.1.3) */
    g_assert_cmpuint(f->sent->len, ==, 2);
    osip_message_t *ack = sent_message(f, 1);
    g_assert_cmpstr(ack->sip_method, ==, "ACK");
    g_assert_cmpstr(ack->cseq->method, ==, "ACK");
    g_assert_cmpstr(ack->cseq->number, ==, "1");
    g_assert_cmpstr(sip_message_branch(ack), ==, "z9hG4bKict2");
    g_assert_cmpint(osip_list_size(&ack->vias), ==, 1);
    gchar *to = sip_message_header_joined(ack, "To");
    g_assert_cmpstr(to, ==, "<sip:bob@ims.test>;tag=bob");
    g_free(to);
    gchar *route = sip_message_header_joined(ack, "Route");
    g_assert_cmpstr(route, ==, "<sip:pcscf.visited.test;lr>");
    g_free(route);
    gchar *uri = NULL;
    osip_uri_to_str(ack->req_uri, &uri);
    g_assert_cmpstr(uri, ==, "sip:ims.test");
    osip_free(uri);
    sip_message_free(ack);
    /* the 486 retransmitted: the ACK is resent, the TU hears nothing */
    advance_to(f, 2 * S);
    deliver_response(f, req, 486, FALSE);
    g_assert_cmpuint(f->responses->len, ==, 2);
    g_assert_cmpuint(f->sent->len, ==, 3);
    g_assert_cmpstr(((Sent *)f->sent->pdata[2])->text, ==, ((Sent *)f->sent->pdata[1])->text);
    /* Timer D = 32 s over UDP */
    advance_to(f, 100 * S);
    g_assert_cmpint(f->terminated_at, ==, 33 * S);
    g_assert_cmpuint(f->timeouts->len, ==, 0);
    sip_message_free(req);

    /* over TCP, D is zero */
    txn = start_client(f, "INVITE", "z9hG4bKict3", TRUE);
    req = sip_message_clone(sip_txn_request(txn));
    deliver_response(f, req, 603, TRUE);
    g_assert_cmpuint(f->terminated, ==, 2);
    g_assert_cmpint(f->terminated_at, ==, 100 * S);
    sip_message_free(req);
    fake_free(f);
}

static void test_ict_2xx(void)
{
    Fake *f = fake_new();
    SipTxn *txn = start_client(f, "INVITE", "z9hG4bKict4", FALSE);
    osip_message_t *req = sip_message_clone(sip_txn_request(txn));
    advance_to(f, 300 * MS);
    deliver_response(f, req, 200, FALSE);
    g_assert_cmpuint(f->responses->len, ==, 1);
    g_assert_cmpuint(f->terminated, ==, 1); /* 2xx: Terminated at once, the TU sends the ACK */
    g_assert_cmpuint(f->sent->len, ==, 1);
    /* the 2xx retransmitted by the UAS core reaches the TU as a stray (§17.1.1.2) */
    deliver_response(f, req, 200, FALSE);
    g_assert_cmpuint(f->strays->len, ==, 1);
    g_assert_cmpint(((osip_message_t *)f->strays->pdata[0])->status_code, ==, 200);
    advance_to(f, 100 * S);
    g_assert_cmpuint(f->sent->len, ==, 1);
    sip_message_free(req);
    fake_free(f);
}

/* ---- server INVITE ---------------------------------------------------------------------------- */

static void test_ist_non_2xx(void)
{
    Fake *f = fake_new();
    osip_message_t *req = make_request("INVITE", "z9hG4bKist1", 7);
    deliver(f, req, FALSE);
    SipTxn *txn = f->req_txns->pdata[0];
    g_assert_cmpint(sip_txn_kind(txn), ==, SIP_TXN_SERVER_INVITE);
    g_assert_cmpint(sip_txn_state(txn), ==, SIP_TXN_PROCEEDING);
    GError *error = NULL;
    g_assert_true(sip_txn_respond(txn, sip_response_new(req, 180, NULL, "srv", &error), &error));
    deliver(f, req, FALSE); /* INVITE retransmitted: the 180 is resent */
    g_assert_cmpuint(f->requests->len, ==, 1);
    g_assert_cmpuint(f->sent->len, ==, 2);
    g_assert_true(sip_txn_respond(txn, sip_response_new(req, 486, NULL, "srv", &error), &error));
    g_assert_cmpint(sip_txn_state(txn), ==, SIP_TXN_COMPLETED);
    g_assert_cmpuint(f->sent->len, ==, 3);
    /* Timer G: 500 ms, 1 s, ... until the ACK */
    advance_to(f, 2 * S);
    g_assert_cmpuint(f->sent->len, ==, 5);
    g_assert_cmpint(sent_at(f, 3), ==, 500 * MS);
    g_assert_cmpint(sent_at(f, 4), ==, 1500 * MS);
    /* an INVITE retransmission in Completed gets the 486 again */
    deliver(f, req, FALSE);
    g_assert_cmpuint(f->sent->len, ==, 6);
    osip_message_t *again = sent_message(f, 5);
    g_assert_cmpint(again->status_code, ==, 486);
    sip_message_free(again);
    /* the ACK (same branch, CSeq ACK) matches the transaction and is not passed up */
    osip_message_t *ack = make_request("ACK", "z9hG4bKist1", 7);
    deliver(f, ack, FALSE);
    g_assert_cmpint(sip_txn_state(txn), ==, SIP_TXN_CONFIRMED);
    g_assert_cmpuint(f->requests->len, ==, 1);
    deliver(f, ack, FALSE); /* absorbed in Confirmed */
    g_assert_cmpuint(f->requests->len, ==, 1);
    /* G stopped; Timer I = T4 */
    advance_to(f, 100 * S);
    g_assert_cmpuint(f->sent->len, ==, 6);
    g_assert_cmpint(f->terminated_at, ==, 7 * S);
    g_assert_cmpuint(f->timeouts->len, ==, 0);
    sip_message_free(ack);
    sip_message_free(req);
    fake_free(f);
}

static void test_ist_timer_h_and_2xx(void)
{
    Fake *f = fake_new();
    osip_message_t *req = make_request("INVITE", "z9hG4bKist2", 8);
    deliver(f, req, FALSE);
    SipTxn *txn = f->req_txns->pdata[0];
    GError *error = NULL;
    g_assert_true(sip_txn_respond(txn, sip_response_new(req, 404, NULL, "srv", &error), &error));
    advance_to(f, 60 * S);
    /* G: 0.5, 1.5, 3.5, 7.5, 11.5, ... capped at T2; H = 64*T1 ends it without an ACK */
    g_assert_cmpint(sent_at(f, 1), ==, 500 * MS);
    g_assert_cmpint(sent_at(f, 2), ==, 1500 * MS);
    g_assert_cmpint(sent_at(f, 3), ==, 3500 * MS);
    g_assert_cmpint(sent_at(f, 4), ==, 7500 * MS);
    g_assert_cmpint(sent_at(f, 5), ==, 11500 * MS);
    g_assert_cmpuint(f->sent->len, ==, 1 + 10); /* 0.5 1.5 3.5 7.5 11.5 15.5 19.5 23.5 27.5 31.5 */
    g_assert_cmpuint(f->timeouts->len, ==, 1);
    g_assert_cmpint(g_array_index(f->timeouts, SipTimer, 0), ==, SIP_TIMER_H);
    g_assert_cmpint(f->timeout_at, ==, 32 * S);
    sip_message_free(req);

    /* a 2xx ends the server INVITE transaction at once; its ACK has a new branch and goes to the TU */
    req = make_request("INVITE", "z9hG4bKist3", 9);
    deliver(f, req, FALSE);
    txn = f->req_txns->pdata[1];
    g_assert_true(sip_txn_respond(txn, sip_response_new(req, 200, NULL, "srv", &error), &error));
    g_assert_cmpuint(f->terminated, ==, 2);
    osip_message_t *ack = make_request("ACK", "z9hG4bKack3", 9);
    deliver(f, ack, FALSE);
    g_assert_cmpuint(f->requests->len, ==, 3);
    g_assert_null(f->req_txns->pdata[2]);
    g_assert_cmpstr(((osip_message_t *)f->requests->pdata[2])->sip_method, ==, "ACK");
    sip_message_free(ack);
    sip_message_free(req);
    fake_free(f);
}

/* ---- matching, errors ------------------------------------------------------------------------- */

static void test_matching(void)
{
    Fake *f = fake_new();
    SipTxn *reg = start_client(f, "REGISTER", "z9hG4bKm1", FALSE);
    osip_message_t *req = sip_message_clone(sip_txn_request(reg));
    /* same branch, other CSeq method: not this transaction (§17.1.3) */
    osip_message_t *rsp = sip_response_new(req, 200, NULL, "x", NULL);
    osip_free(rsp->cseq->method);
    rsp->cseq->method = osip_strdup("OPTIONS");
    deliver(f, rsp, FALSE);
    sip_message_free(rsp);
    g_assert_cmpuint(f->strays->len, ==, 1);
    /* other branch: stray */
    osip_message_t *other = make_request("REGISTER", "z9hG4bKunknown", 1);
    deliver_response(f, other, 200, FALSE);
    g_assert_cmpuint(f->strays->len, ==, 2);
    g_assert_cmpuint(f->responses->len, ==, 0);
    g_assert_cmpint(sip_txn_state(reg), ==, SIP_TXN_TRYING);
    sip_message_free(other);
    /* the right one */
    deliver_response(f, req, 200, FALSE);
    g_assert_cmpuint(f->responses->len, ==, 1);

    /* server side: the same branch from another sent-by is another transaction (§17.2.3) */
    osip_message_t *a = make_request("OPTIONS", "z9hG4bKsame", 1);
    deliver(f, a, FALSE);
    osip_via_t *via = osip_list_get(&a->vias, 0);
    osip_free(via->host);
    via->host = osip_strdup("10.0.0.11");
    deliver(f, a, FALSE);
    g_assert_cmpuint(f->requests->len, ==, 2);
    /* an RFC 2543 branch (no magic cookie) still matches its retransmission */
    osip_generic_param_t *branch = NULL;
    osip_via_param_get_byname(via, "branch", &branch);
    osip_free(branch->gvalue);
    branch->gvalue = osip_strdup("old2543");
    deliver(f, a, FALSE);
    deliver(f, a, FALSE);
    g_assert_cmpuint(f->requests->len, ==, 3);
    sip_message_free(a);
    sip_message_free(req);
    fake_free(f);
}

static void test_errors(void)
{
    Fake *f = fake_new();
    GError *error = NULL;
    g_assert_null(sip_txn_client_new(f->layer, make_request("ACK", "z9hG4bKe1", 1), peer(FALSE), &error));
    g_assert_error(error, SIP_TXN_ERROR, SIP_TXN_ERROR_INVALID);
    g_clear_error(&error);
    osip_message_t *old = make_request("OPTIONS", "z9hG4bKe2", 1);
    osip_generic_param_t *branch = NULL;
    osip_via_t *via = osip_list_get(&old->vias, 0);
    osip_via_param_get_byname(via, "branch", &branch);
    osip_free(branch->gvalue);
    branch->gvalue = osip_strdup("noCookie");
    g_assert_null(sip_txn_client_new(f->layer, old, peer(FALSE), &error));
    g_assert_error(error, SIP_TXN_ERROR, SIP_TXN_ERROR_INVALID);
    g_clear_error(&error);
    SipTxn *txn = start_client(f, "OPTIONS", "z9hG4bKe3", FALSE);
    g_assert_null(sip_txn_client_new(f->layer, make_request("OPTIONS", "z9hG4bKe3", 2), peer(FALSE), &error));
    g_assert_error(error, SIP_TXN_ERROR, SIP_TXN_ERROR_EXISTS);
    g_clear_error(&error);
    /* respond on a client transaction */
    osip_message_t *rsp = sip_response_new(sip_txn_request(txn), 200, NULL, "x", NULL);
    g_assert_false(sip_txn_respond(txn, rsp, &error));
    g_assert_error(error, SIP_TXN_ERROR, SIP_TXN_ERROR_INVALID);
    g_clear_error(&error);
    /* garbage in */
    g_assert_false(sip_txn_layer_receive_bytes(f->layer, "GARBAGE\r\n\r\n", 11, peer(FALSE), &error));
    g_assert_error(error, SIP_MESSAGE_ERROR, SIP_MESSAGE_ERROR_SYNTAX);
    g_clear_error(&error);
    SipTxnStats st;
    sip_txn_layer_stats(f->layer, &st);
    g_assert_cmpuint(st.parse_errors, ==, 1);

    /* the first send fails: no transaction, no callback */
    f->fail_send = TRUE;
    guint terminated = f->terminated;
    g_assert_null(sip_txn_client_new(f->layer, make_request("OPTIONS", "z9hG4bKe4", 1), peer(FALSE), &error));
    g_assert_error(error, SIP_TXN_ERROR, SIP_TXN_ERROR_TRANSPORT);
    g_clear_error(&error);
    g_assert_cmpuint(f->terminated, ==, terminated);
    g_assert_cmpuint(f->transport_errors, ==, 0);
    /* a retransmission fails: transport_error, then terminated (§17.1.4) */
    advance_to(f, 600 * MS);
    g_assert_cmpuint(f->transport_errors, ==, 1);
    g_assert_cmpuint(f->terminated, ==, terminated + 1);
    g_assert_cmpuint(sip_txn_layer_count(f->layer), ==, 0);
    g_assert_cmpuint(live_timers(f), ==, 0);
    fake_free(f);
}

static void test_timer_values(void)
{
    /* configurable T1/T2/T4: T1 = 100 ms gives F at 6.4 s */
    Fake *f = fake_new();
    sip_txn_layer_free(f->layer);
    SipTransport tp = {f, fake_send, fake_timer_start, fake_timer_cancel};
    SipTxnUser tu = {f, tu_request, tu_response, tu_stray, tu_timeout, tu_transport_error, tu_terminated};
    SipTimerValues tv = {100 * MS, 400 * MS, 1 * S, 10 * S};
    f->layer = sip_txn_layer_new(&tp, &tu, &tv);
    start_client(f, "OPTIONS", "z9hG4bKt1", FALSE);
    advance_to(f, 10 * S);
    g_assert_cmpint(sent_at(f, 1), ==, 100 * MS);
    g_assert_cmpint(sent_at(f, 2), ==, 300 * MS);
    g_assert_cmpint(sent_at(f, 3), ==, 700 * MS);
    g_assert_cmpint(sent_at(f, 4), ==, 1100 * MS);
    g_assert_cmpint(f->timeout_at, ==, 6400 * MS);
    g_assert_cmpstr(sip_timer_name(SIP_TIMER_K), ==, "K");
    g_assert_cmpstr(sip_txn_state_name(SIP_TXN_CONFIRMED), ==, "Confirmed");
    g_assert_cmpstr(sip_txn_kind_name(SIP_TXN_SERVER_INVITE), ==, "server-invite");
    fake_free(f);
}

static void test_free_with_live(void)
{
    /* freeing the layer with live transactions cancels their timers, no callbacks */
    Fake *f = fake_new();
    start_client(f, "INVITE", "z9hG4bKf1", FALSE);
    start_client(f, "OPTIONS", "z9hG4bKf2", FALSE);
    osip_message_t *req = make_request("SUBSCRIBE", "z9hG4bKf3", 1);
    deliver(f, req, FALSE);
    sip_message_free(req);
    g_assert_cmpuint(sip_txn_layer_count(f->layer), ==, 3);
    guint terminated = f->terminated;
    fake_free(f); /* asserts no live timer is left */
    (void)terminated;
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sip-transaction/nict/udp-timeout", test_nict_udp_timeout);
    g_test_add_func("/sip-transaction/nict/udp-response", test_nict_udp_response);
    g_test_add_func("/sip-transaction/nict/proceeding", test_nict_proceeding);
    g_test_add_func("/sip-transaction/nict/tcp", test_nict_tcp);
    g_test_add_func("/sip-transaction/nist/absorb", test_nist);
    g_test_add_func("/sip-transaction/nist/provisional-tcp", test_nist_provisional_and_tcp);
    g_test_add_func("/sip-transaction/ict/timeout", test_ict_timeout);
    g_test_add_func("/sip-transaction/ict/non-2xx-ack", test_ict_non_2xx);
    g_test_add_func("/sip-transaction/ict/2xx", test_ict_2xx);
    g_test_add_func("/sip-transaction/ist/non-2xx-ack", test_ist_non_2xx);
    g_test_add_func("/sip-transaction/ist/timer-h-2xx", test_ist_timer_h_and_2xx);
    g_test_add_func("/sip-transaction/matching", test_matching);
    g_test_add_func("/sip-transaction/errors", test_errors);
    g_test_add_func("/sip-transaction/timer-values", test_timer_values);
    g_test_add_func("/sip-transaction/free-with-live", test_free_with_live);
    return g_test_run();
}
