/* test-diameter-peer.c: the Diameter peer state machine (protocols/diameter/diameter-peer.h) on
 * two peers wired back to back with a fake clock.
 *
 * The wire: what one side's ops->send writes is queued and delivered to the other side by pump(),
 * in pieces of `chunk` bytes (1 byte in one test, to exercise reassembly); a side can be made a
 * black hole. ops->disconnect on one side becomes diameter_peer_disconnected() on the other once
 * the bytes sent before it are delivered, as TCP's FIN would. Each side has one timer (deadline
 * on the fake clock); advance() fires due timers in time order, side 0 first on ties.
 * Side 0 is the S-CSCF (initiator), side 1 the HSS (responder), both speaking Cx.
 */
#include "protocols/diameter/cx.h"
#include "protocols/diameter/diameter-peer.h"
#include <string.h>

#define SEC G_GINT64_CONSTANT(1000000000)
#define TW (30 * SEC)
#define TIMEOUT (5 * SEC)

typedef struct Wire Wire;

typedef struct {
    Wire *w;
    int idx;
    DiameterPeer *peer;
    gboolean armed;
    int64_t deadline;
    GByteArray *out;
    gboolean black_hole;
    gboolean closing; /* ops->disconnect called, FIN not delivered yet */
    guint connects, disconnects;
    GPtrArray *events; /* "name|detail" */
    GPtrArray *answers; /* "user_data:result" or "user_data:NULL" */
    guint requests;
    gboolean auto_answer; /* answer UARs with a UAA */
} Side;

struct Wire {
    int64_t now;
    size_t chunk;
    Side s[2];
};

static void on_send(void *ctx, const uint8_t *data, size_t len)
{
    Side *s = ctx;
    g_byte_array_append(s->out, data, (guint)len);
}

static void on_connect(void *ctx)
{
    ((Side *)ctx)->connects++;
}

static void on_disconnect(void *ctx)
{
    Side *s = ctx;
    s->disconnects++;
    s->closing = TRUE;
}

static void on_timer_start(void *ctx, int64_t delay)
{
    Side *s = ctx;
    g_assert_cmpint(delay, >, 0);
    s->armed = TRUE;
    s->deadline = s->w->now + delay;
}

static void on_timer_cancel(void *ctx)
{
    ((Side *)ctx)->armed = FALSE;
}

static void on_request(void *ctx, DiameterPeer *peer, const DiameterMsg *msg)
{
    Side *s = ctx;
    s->requests++;
    if (!s->auto_answer)
        return;
    CxUar uar;
    g_autoptr(GError) e = NULL;
    g_assert_true(cx_uar_parse(msg, &uar, &e));
    CxUaa uaa = {.common = {.session_id = uar.common.session_id,
                            .origin_host = "hss.home.net",
                            .origin_realm = "home.net",
                            .hop_by_hop = uar.common.hop_by_hop,
                            .end_to_end = uar.common.end_to_end},
                 .result = {DIAMETER_VENDOR_3GPP, DIAMETER_FIRST_REGISTRATION},
                 .server_name = "sip:scscf.home.net"};
    g_autoptr(GBytes) b = cx_uaa_build(&uaa, &e);
    g_assert_true(diameter_peer_send_answer(peer, b, &e));
    cx_uar_clear(&uar);
}

static void on_answer(void *ctx, DiameterPeer *peer, const DiameterMsg *msg, void *user_data)
{
    Side *s = ctx;
    (void)peer;
    if (!msg) {
        g_ptr_array_add(s->answers, g_strdup_printf("%s:NULL", (const char *)user_data));
        return;
    }
    CxUaa uaa;
    g_autoptr(GError) e = NULL;
    g_assert_true(cx_uaa_parse(msg, &uaa, &e));
    g_ptr_array_add(s->answers, g_strdup_printf("%s:%u:%s", (const char *)user_data, uaa.result.code,
                                                uaa.server_name));
    cx_uaa_clear(&uaa);
}

static void on_event(void *ctx, DiameterPeer *peer, DiameterPeerEvent ev, const char *detail)
{
    Side *s = ctx;
    (void)peer;
    g_ptr_array_add(s->events, g_strdup_printf("%s|%s", diameter_peer_event_name(ev), detail));
    if (g_test_verbose())
        g_printerr("[%" G_GINT64_FORMAT " s] side %d: %s %s\n", s->w->now / SEC, s->idx,
                   diameter_peer_event_name(ev), detail);
}

static const DiameterPeerApp CX_APP = {DIAMETER_VENDOR_3GPP, DIAMETER_APP_CX};

static Wire *wire_new(const DiameterPeerApp *hss_apps, guint n_hss_apps)
{
    Wire *w = g_new0(Wire, 1);
    w->chunk = 100000;
    static const char *hosts[2] = {"scscf.home.net", "hss.home.net"};
    for (int i = 0; i < 2; i++) {
        Side *s = &w->s[i];
        s->w = w;
        s->idx = i;
        s->out = g_byte_array_new();
        s->events = g_ptr_array_new_with_free_func(g_free);
        s->answers = g_ptr_array_new_with_free_func(g_free);
        DiameterPeerConfig cfg = {
            .origin_host = hosts[i],
            .origin_realm = "home.net",
            .host_ip = {DIAMETER_ADDRESS_IPV4, {10, 0, 0, (uint8_t)(1 + i)}},
            .vendor_id = 0,
            .product_name = "presim",
            .origin_state_id = 1,
            .apps = i == 1 && hss_apps ? hss_apps : &CX_APP,
            .n_apps = i == 1 && hss_apps ? n_hss_apps : 1,
            .tw_ns = TW,
            .timeout_ns = TIMEOUT,
            .hop_by_hop_start = 0x1000u * (uint32_t)(i + 1),
            .end_to_end_start = 0x100000u * (uint32_t)(i + 1),
        };
        DiameterPeerOps ops = {.ctx = s,
                               .send = on_send,
                               .connect = on_connect,
                               .disconnect = on_disconnect,
                               .timer_start = on_timer_start,
                               .timer_cancel = on_timer_cancel,
                               .request = on_request,
                               .answer = on_answer,
                               .event = on_event};
        s->peer = diameter_peer_new(&cfg, &ops);
    }
    w->s[1].auto_answer = TRUE;
    return w;
}

static void wire_free(Wire *w)
{
    for (int i = 0; i < 2; i++) {
        diameter_peer_free(w->s[i].peer);
        g_byte_array_unref(w->s[i].out);
        g_ptr_array_unref(w->s[i].events);
        g_ptr_array_unref(w->s[i].answers);
    }
    g_free(w);
}

/* Delivers everything in flight, then the FINs. */
static void pump(Wire *w)
{
    gboolean again = TRUE;
    while (again) {
        again = FALSE;
        for (int i = 0; i < 2; i++) {
            Side *s = &w->s[i], *o = &w->s[1 - i];
            if (s->out->len) {
                GByteArray *data = s->out;
                s->out = g_byte_array_new();
                if (!s->black_hole)
                    for (size_t off = 0; off < data->len; off += w->chunk)
                        diameter_peer_receive(o->peer, data->data + off, MIN(w->chunk, data->len - off));
                g_byte_array_unref(data);
                again = TRUE;
            }
        }
        for (int i = 0; i < 2 && !again; i++) {
            Side *s = &w->s[i];
            if (s->closing) {
                s->closing = FALSE;
                diameter_peer_disconnected(w->s[1 - i].peer);
                again = TRUE;
            }
        }
    }
}

/* Moves the clock DT forward, firing due timers in order and pumping after each. */
static void advance(Wire *w, int64_t dt)
{
    int64_t target = w->now + dt;
    for (;;) {
        Side *next = NULL;
        for (int i = 0; i < 2; i++)
            if (w->s[i].armed && w->s[i].deadline <= target && (!next || w->s[i].deadline < next->deadline))
                next = &w->s[i];
        if (!next)
            break;
        w->now = next->deadline;
        next->armed = FALSE;
        diameter_peer_timer_fired(next->peer);
        pump(w);
    }
    w->now = target;
}

static gboolean has_event(const Side *s, const char *prefix)
{
    for (guint i = 0; i < s->events->len; i++)
        if (g_str_has_prefix(s->events->pdata[i], prefix))
            return TRUE;
    return FALSE;
}

static void open_pair(Wire *w)
{
    diameter_peer_start(w->s[0].peer);
    g_assert_cmpint(diameter_peer_state(w->s[0].peer), ==, DIAMETER_PEER_WAIT_CONN_ACK);
    g_assert_cmpuint(w->s[0].connects, ==, 1);
    diameter_peer_accepted(w->s[1].peer);
    g_assert_cmpint(diameter_peer_state(w->s[1].peer), ==, DIAMETER_PEER_WAIT_CER);
    diameter_peer_connected(w->s[0].peer);
    g_assert_cmpint(diameter_peer_state(w->s[0].peer), ==, DIAMETER_PEER_WAIT_I_CEA);
    pump(w);
}

static GBytes *make_uar(DiameterPeer *p, guint n)
{
    char *sid = g_strdup_printf("scscf.home.net;1;%u", n);
    CxUar uar = {.common = {.session_id = sid,
                            .origin_host = "scscf.home.net",
                            .origin_realm = "home.net",
                            .destination_realm = "home.net",
                            .hop_by_hop = diameter_peer_next_hop_by_hop(p),
                            .end_to_end = diameter_peer_next_end_to_end(p)},
                 .user_name = "alice@home.net",
                 .public_identity = "sip:alice@home.net",
                 .visited_network_id = "home.net"};
    g_autoptr(GError) e = NULL;
    GBytes *b = cx_uar_build(&uar, &e);
    g_assert_no_error(e);
    g_free(sid);
    return b;
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_cer_cea(void)
{
    Wire *w = wire_new(NULL, 0);
    w->chunk = 1; /* every message arrives one byte at a time */
    open_pair(w);
    g_assert_cmpint(diameter_peer_state(w->s[0].peer), ==, DIAMETER_PEER_I_OPEN);
    g_assert_cmpint(diameter_peer_state(w->s[1].peer), ==, DIAMETER_PEER_R_OPEN);
    g_assert_cmpstr(diameter_peer_remote_host(w->s[0].peer), ==, "hss.home.net");
    g_assert_cmpstr(diameter_peer_remote_host(w->s[1].peer), ==, "scscf.home.net");
    g_assert_cmpstr(diameter_peer_remote_realm(w->s[0].peer), ==, "home.net");
    g_assert_true(has_event(&w->s[0], "diameter-open|hss.home.net"));
    g_assert_true(has_event(&w->s[1], "diameter-open|scscf.home.net"));
    /* Both run the watchdog now */
    g_assert_true(w->s[0].armed && w->s[0].deadline == TW);
    g_assert_true(w->s[1].armed && w->s[1].deadline == TW);
    g_assert_cmpuint(diameter_peer_stats(w->s[0].peer)->malformed, ==, 0);
    wire_free(w);
}

static void test_cer_contents(void)
{
    /* Capture the CER on the wire and check what RFC 6733 §5.3.1 asks of it */
    Wire *w = wire_new(NULL, 0);
    diameter_peer_start(w->s[0].peer);
    diameter_peer_connected(w->s[0].peer);
    g_autoptr(GError) e = NULL;
    g_autoptr(DiameterMsg) m = diameter_msg_parse(w->s[0].out->data, w->s[0].out->len, &e);
    g_assert_no_error(e);
    const DiameterHeader *h = diameter_msg_header(m);
    g_assert_cmpuint(h->command, ==, DIAMETER_CMD_CAPABILITIES_EXCHANGE);
    g_assert_cmpuint(h->flags, ==, DIAMETER_FLAG_REQUEST);
    g_assert_cmpuint(h->app_id, ==, 0);
    g_assert_cmpuint(h->hop_by_hop, ==, 0x1000);
    g_assert_cmpuint(h->end_to_end, ==, 0x100000);
    char *host = diameter_avp_dup_string(diameter_msg_find(m, NULL, DIAMETER_AVP_ORIGIN_HOST, 0));
    g_assert_cmpstr(host, ==, "scscf.home.net");
    g_free(host);
    DiameterAddress a;
    g_assert_true(diameter_avp_get_address(diameter_msg_find(m, NULL, DIAMETER_AVP_HOST_IP_ADDRESS, 0), &a));
    g_assert_cmpuint(a.family, ==, DIAMETER_ADDRESS_IPV4);
    g_assert_cmpuint(a.bytes[3], ==, 1);
    g_assert_nonnull(diameter_msg_find(m, NULL, DIAMETER_AVP_VENDOR_ID, 0));
    g_assert_nonnull(diameter_msg_find(m, NULL, DIAMETER_AVP_PRODUCT_NAME, 0));
    uint32_t v;
    g_assert_true(diameter_avp_get_u32(diameter_msg_find(m, NULL, DIAMETER_AVP_SUPPORTED_VENDOR_ID, 0), &v));
    g_assert_cmpuint(v, ==, 10415);
    const DiameterAvp *vsai = diameter_msg_find(m, NULL, DIAMETER_AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0);
    g_assert_true(diameter_avp_get_u32(diameter_msg_find(m, vsai, DIAMETER_AVP_VENDOR_ID, 0), &v));
    g_assert_cmpuint(v, ==, 10415);
    g_assert_true(diameter_avp_get_u32(diameter_msg_find(m, vsai, DIAMETER_AVP_AUTH_APPLICATION_ID, 0), &v));
    g_assert_cmpuint(v, ==, DIAMETER_APP_CX);
    wire_free(w);
}

static void test_request_answer(void)
{
    Wire *w = wire_new(NULL, 0);
    open_pair(w);
    DiameterPeer *a = w->s[0].peer;
    g_autoptr(GError) e = NULL;
    g_autoptr(GBytes) r1 = make_uar(a, 1);
    g_autoptr(GBytes) r2 = make_uar(a, 2);
    g_assert_true(diameter_peer_send_request(a, r1, "first", &e));
    g_assert_true(diameter_peer_send_request(a, r2, "second", &e));
    g_assert_cmpuint(diameter_peer_pending(a), ==, 2);
    /* The same hop-by-hop id twice is refused, and runs no callback */
    g_assert_false(diameter_peer_send_request(a, r1, "again", &e));
    g_assert_error(e, DIAMETER_PEER_ERROR, DIAMETER_PEER_ERROR_DUPLICATE_ID);
    g_clear_error(&e);
    pump(w);
    g_assert_cmpuint(w->s[1].requests, ==, 2);
    g_assert_cmpuint(diameter_peer_pending(a), ==, 0);
    g_assert_cmpuint(w->s[0].answers->len, ==, 2);
    g_assert_cmpstr(w->s[0].answers->pdata[0], ==, "first:2001:sip:scscf.home.net");
    g_assert_cmpstr(w->s[0].answers->pdata[1], ==, "second:2001:sip:scscf.home.net");
    const DiameterPeerStats *st = diameter_peer_stats(a);
    g_assert_cmpuint(st->requests_sent, ==, 2);
    g_assert_cmpuint(st->answers_received, ==, 2);
    g_assert_cmpuint(diameter_peer_stats(w->s[1].peer)->requests_received, ==, 2);
    g_assert_cmpuint(diameter_peer_stats(w->s[1].peer)->answers_sent, ==, 2);
    /* An answer given to send_request, or a request to send_answer, is refused */
    g_assert_false(diameter_peer_send_answer(a, r1, &e));
    g_assert_error(e, DIAMETER_PEER_ERROR, DIAMETER_PEER_ERROR_INVALID);
    g_clear_error(&e);
    wire_free(w);
}

static void test_send_before_open(void)
{
    Wire *w = wire_new(NULL, 0);
    g_autoptr(GError) e = NULL;
    g_autoptr(GBytes) r = make_uar(w->s[0].peer, 1);
    g_assert_false(diameter_peer_send_request(w->s[0].peer, r, "x", &e));
    g_assert_error(e, DIAMETER_PEER_ERROR, DIAMETER_PEER_ERROR_NOT_OPEN);
    g_assert_cmpuint(w->s[0].answers->len, ==, 0);
    g_assert_cmpuint(w->s[0].out->len, ==, 0);
    wire_free(w);
}

static void test_watchdog(void)
{
    Wire *w = wire_new(NULL, 0);
    open_pair(w);
    /* Idle for a while: DWR/DWA keep the connection up; each side's DWR re-arms the other */
    advance(w, 10 * TW);
    const DiameterPeerStats *a = diameter_peer_stats(w->s[0].peer), *b = diameter_peer_stats(w->s[1].peer);
    g_assert_cmpuint(a->dwr_sent + b->dwr_sent, >=, 5);
    g_assert_cmpuint(a->dwa_received, ==, a->dwr_sent);
    g_assert_cmpuint(b->dwa_received, ==, b->dwr_sent);
    g_assert_cmpuint(a->dwr_received, ==, b->dwr_sent);
    g_assert_cmpuint(a->watchdog_suspects + b->watchdog_suspects, ==, 0);
    g_assert_true(diameter_peer_is_open(w->s[0].peer) && diameter_peer_is_open(w->s[1].peer));

    /* The HSS falls silent: one Tw without DWA makes it SUSPECT, the next closes (RFC 3539) */
    g_autoptr(GError) e = NULL;
    g_autoptr(GBytes) r = make_uar(w->s[0].peer, 7);
    g_assert_true(diameter_peer_send_request(w->s[0].peer, r, "lost", &e));
    w->s[1].black_hole = TRUE;
    w->s[1].auto_answer = FALSE;
    pump(w);
    advance(w, 4 * TW);
    g_assert_true(has_event(&w->s[0], "diameter-watchdog-suspect|"));
    g_assert_true(has_event(&w->s[0], "diameter-closed|watchdog: no DWA"));
    g_assert_cmpint(diameter_peer_state(w->s[0].peer), ==, DIAMETER_PEER_CLOSED);
    g_assert_cmpuint(a->watchdog_suspects, ==, 1);
    /* The pending request was completed with NULL, exactly once */
    g_assert_cmpuint(w->s[0].answers->len, ==, 1);
    g_assert_cmpstr(w->s[0].answers->pdata[0], ==, "lost:NULL");
    g_assert_false(w->s[0].armed);
    wire_free(w);
}

static void test_dpr(void)
{
    Wire *w = wire_new(NULL, 0);
    open_pair(w);
    diameter_peer_stop(w->s[0].peer, DIAMETER_DISCONNECT_DO_NOT_WANT_TO_TALK_TO_YOU);
    g_assert_cmpint(diameter_peer_state(w->s[0].peer), ==, DIAMETER_PEER_CLOSING);
    g_assert_cmpint(w->s[0].deadline, ==, TIMEOUT);
    /* A request while closing is refused */
    g_autoptr(GError) e = NULL;
    g_autoptr(GBytes) r = make_uar(w->s[0].peer, 1);
    g_assert_false(diameter_peer_send_request(w->s[0].peer, r, "x", &e));
    pump(w);
    /* S-CSCF got the DPA and closed; the HSS saw the close */
    g_assert_cmpint(diameter_peer_state(w->s[0].peer), ==, DIAMETER_PEER_CLOSED);
    g_assert_cmpint(diameter_peer_state(w->s[1].peer), ==, DIAMETER_PEER_CLOSED);
    g_assert_cmpuint(w->s[0].disconnects, ==, 1);
    g_assert_cmpuint(w->s[1].disconnects, ==, 0);
    g_assert_true(has_event(&w->s[0], "diameter-closed|DPA received"));
    g_assert_true(has_event(&w->s[1], "diameter-closed|closed after DPR/DPA"));
    g_assert_false(w->s[0].armed || w->s[1].armed);

    /* If the DPA never comes, the timeout closes */
    Wire *w2 = wire_new(NULL, 0);
    open_pair(w2);
    w2->s[1].black_hole = TRUE;
    diameter_peer_stop(w2->s[0].peer, DIAMETER_DISCONNECT_REBOOTING);
    pump(w2);
    g_assert_cmpint(diameter_peer_state(w2->s[0].peer), ==, DIAMETER_PEER_CLOSING);
    advance(w2, TIMEOUT);
    g_assert_cmpint(diameter_peer_state(w2->s[0].peer), ==, DIAMETER_PEER_CLOSED);
    g_assert_true(has_event(&w2->s[0], "diameter-closed|closing timeout"));
    wire_free(w2);
    wire_free(w);
}

static void test_unmatched_answer(void)
{
    Wire *w = wire_new(NULL, 0);
    open_pair(w);
    g_autoptr(GError) e = NULL;
    /* An answer nobody asked for (hop-by-hop 0xdead) */
    CxUaa uaa = {.common = {.session_id = "s;1;1", .origin_host = "hss.home.net", .origin_realm = "home.net",
                            .hop_by_hop = 0xdead, .end_to_end = 1},
                 .result = {0, DIAMETER_SUCCESS}};
    g_autoptr(GBytes) stray = cx_uaa_build(&uaa, &e);
    g_assert_true(diameter_peer_send_answer(w->s[1].peer, stray, &e));
    pump(w);
    /* The right hop-by-hop id but another command is not a match either */
    w->s[1].auto_answer = FALSE;
    g_autoptr(GBytes) r = make_uar(w->s[0].peer, 1);
    g_assert_true(diameter_peer_send_request(w->s[0].peer, r, "req", &e));
    pump(w);
    DiameterHeader h;
    g_assert_true(diameter_header_peek(g_bytes_get_data(r, NULL), g_bytes_get_size(r), &h));
    CxLia lia = {.common = {.session_id = "s;1;1", .origin_host = "hss.home.net", .origin_realm = "home.net",
                            .hop_by_hop = h.hop_by_hop, .end_to_end = h.end_to_end},
                 .result = {0, DIAMETER_SUCCESS}};
    g_autoptr(GBytes) wrong = cx_lia_build(&lia, &e);
    g_assert_true(diameter_peer_send_answer(w->s[1].peer, wrong, &e));
    pump(w);
    const DiameterPeerStats *st = diameter_peer_stats(w->s[0].peer);
    g_assert_cmpuint(st->unmatched_answers, ==, 2);
    g_assert_cmpuint(st->answers_received, ==, 0);
    g_assert_cmpuint(w->s[0].answers->len, ==, 0);
    g_assert_cmpuint(diameter_peer_pending(w->s[0].peer), ==, 1);
    g_assert_true(has_event(&w->s[0], "diameter-unmatched-answer|command 300 hop-by-hop 0x0000dead"));
    g_assert_true(diameter_peer_is_open(w->s[0].peer));
    /* Closing the transport completes the still-pending request with NULL */
    diameter_peer_disconnected(w->s[0].peer);
    g_assert_cmpuint(w->s[0].answers->len, ==, 1);
    g_assert_cmpstr(w->s[0].answers->pdata[0], ==, "req:NULL");
    wire_free(w);
}

static void test_no_common_application(void)
{
    static const DiameterPeerApp other = {DIAMETER_VENDOR_3GPP, 16777221}; /* not Cx */
    Wire *w = wire_new(&other, 1);
    open_pair(w);
    g_assert_cmpint(diameter_peer_state(w->s[0].peer), ==, DIAMETER_PEER_CLOSED);
    g_assert_cmpint(diameter_peer_state(w->s[1].peer), ==, DIAMETER_PEER_CLOSED);
    g_assert_true(has_event(&w->s[1], "diameter-ce-failed|no common application with scscf.home.net"));
    g_assert_true(has_event(&w->s[0], "diameter-ce-failed|CEA Result-Code 5010"));
    g_assert_cmpuint(w->s[1].disconnects, ==, 1);
    wire_free(w);

    /* A relay (application 0xffffffff) is common with everything */
    static const DiameterPeerApp relay = {0, DIAMETER_APP_RELAY};
    Wire *w2 = wire_new(&relay, 1);
    open_pair(w2);
    g_assert_true(diameter_peer_is_open(w2->s[0].peer));
    wire_free(w2);
}

static void test_cea_timeout(void)
{
    Wire *w = wire_new(NULL, 0);
    w->s[0].black_hole = TRUE; /* the CER never arrives */
    diameter_peer_start(w->s[0].peer);
    diameter_peer_connected(w->s[0].peer);
    pump(w);
    advance(w, TIMEOUT - 1);
    g_assert_cmpint(diameter_peer_state(w->s[0].peer), ==, DIAMETER_PEER_WAIT_I_CEA);
    advance(w, 1);
    g_assert_cmpint(diameter_peer_state(w->s[0].peer), ==, DIAMETER_PEER_CLOSED);
    g_assert_true(has_event(&w->s[0], "diameter-ce-failed|no CEA"));
    g_assert_true(has_event(&w->s[0], "diameter-closed|CEA timeout"));
    g_assert_cmpuint(w->s[0].disconnects, ==, 1);
    /* A responder that gets no CER gives up too */
    diameter_peer_accepted(w->s[1].peer);
    advance(w, TIMEOUT);
    g_assert_cmpint(diameter_peer_state(w->s[1].peer), ==, DIAMETER_PEER_CLOSED);
    g_assert_true(has_event(&w->s[1], "diameter-closed|CER timeout"));
    wire_free(w);
}

/* Raw bytes into the HSS side, answers read back from its output. */
static DiameterMsg *answer_to(Wire *w, const uint8_t *data, size_t len)
{
    g_byte_array_set_size(w->s[1].out, 0);
    diameter_peer_receive(w->s[1].peer, data, len);
    if (w->s[1].out->len == 0)
        return NULL;
    g_autoptr(GError) e = NULL;
    DiameterMsg *m = diameter_msg_parse(w->s[1].out->data, w->s[1].out->len, &e);
    g_assert_no_error(e);
    g_byte_array_set_size(w->s[1].out, 0);
    return m;
}

static uint32_t result_of(const DiameterMsg *m)
{
    uint32_t v = 0;
    g_assert_true(diameter_avp_get_u32(diameter_msg_find(m, NULL, DIAMETER_AVP_RESULT_CODE, 0), &v));
    return v;
}

static void test_malformed_and_unsupported(void)
{
    Wire *w = wire_new(NULL, 0);
    open_pair(w);
    g_autoptr(GError) e = NULL;
    /* A UAR whose User-Authorization-Type has 5 data bytes: answered 5014 */
    g_autoptr(GBytes) good = make_uar(w->s[0].peer, 1);
    gsize len;
    const uint8_t *gd = g_bytes_get_data(good, &len);
    uint8_t *bad = g_memdup2(gd, len);
    g_assert_cmpuint(bad[len - 9], ==, 16); /* last AVP: User-Authorization-Type, length 16 */
    bad[len - 9] = 17;
    g_autoptr(DiameterMsg) a1 = answer_to(w, bad, len);
    g_free(bad);
    g_assert_nonnull(a1);
    g_assert_cmpuint(result_of(a1), ==, DIAMETER_INVALID_AVP_LENGTH);
    g_assert_cmpuint(diameter_msg_header(a1)->flags & DIAMETER_FLAG_ERROR, ==, 0); /* 5xxx: no 'E' */
    g_assert_cmpuint(diameter_msg_header(a1)->command, ==, CX_CMD_USER_AUTHORIZATION);
    g_assert_cmpuint(diameter_peer_stats(w->s[1].peer)->malformed, ==, 1);
    g_assert_cmpuint(w->s[1].requests, ==, 0);

    /* A request of an application not agreed in CER/CEA: 3007 with 'E' */
    g_autoptr(DiameterBuilder) b = diameter_builder_new(0xc0, 303, 16777221, 77, 77);
    diameter_builder_add_string(b, DIAMETER_AVP_SESSION_ID, 0, "bsf;1;1");
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_HOST, 0, "bsf.home.net");
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_REALM, 0, "home.net");
    g_autoptr(GBytes) zh = diameter_builder_finish(b, &e);
    g_autoptr(DiameterMsg) a2 = answer_to(w, g_bytes_get_data(zh, NULL), g_bytes_get_size(zh));
    g_assert_cmpuint(result_of(a2), ==, DIAMETER_APPLICATION_UNSUPPORTED);
    g_assert_cmpuint(diameter_msg_header(a2)->flags, ==, DIAMETER_FLAG_PROXIABLE | DIAMETER_FLAG_ERROR);
    g_assert_cmpuint(diameter_msg_header(a2)->hop_by_hop, ==, 77);
    char *sid = diameter_avp_dup_string(diameter_msg_find(a2, NULL, DIAMETER_AVP_SESSION_ID, 0));
    g_assert_cmpstr(sid, ==, "bsf;1;1"); /* echoed (RFC 6733 §7.2) */
    g_free(sid);
    g_assert_cmpuint(diameter_peer_stats(w->s[1].peer)->rejected, ==, 2);
    g_assert_true(diameter_peer_is_open(w->s[1].peer));

    /* Bytes that cannot be Diameter: the stream is lost, the connection closed */
    static const uint8_t junk[] = "GET / HTTP/1.1\r\n\r\n";
    g_autoptr(DiameterMsg) a3 = answer_to(w, junk, sizeof junk - 1);
    g_assert_null(a3);
    g_assert_cmpint(diameter_peer_state(w->s[1].peer), ==, DIAMETER_PEER_CLOSED);
    g_assert_true(has_event(&w->s[1], "diameter-closed|framing error"));
    wire_free(w);
}

/* Random garbage into an open peer never crashes it; it ends Closed or still open, always clean. */
static void test_garbage(void)
{
    GRand *r = g_rand_new_with_seed(3539);
    for (int round = 0; round < 300; round++) {
        Wire *w = wire_new(NULL, 0);
        open_pair(w);
        w->s[1].auto_answer = FALSE; /* the request may no longer be a UAR */
        g_autoptr(GBytes) good = make_uar(w->s[0].peer, 1);
        gsize len;
        const uint8_t *gd = g_bytes_get_data(good, &len);
        uint8_t *c = g_memdup2(gd, len);
        for (int f = 0; f < 3; f++)
            c[g_rand_int_range(r, 4, (gint32)len)] = (uint8_t)g_rand_int_range(r, 0, 256);
        size_t off = 0;
        while (off < len) {
            size_t piece = (size_t)g_rand_int_range(r, 1, 64);
            piece = MIN(piece, len - off);
            diameter_peer_receive(w->s[1].peer, c + off, piece);
            off += piece;
        }
        pump(w);
        g_free(c);
        wire_free(w);
    }
    g_rand_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/diameter-peer/cer-cea", test_cer_cea);
    g_test_add_func("/diameter-peer/cer-contents", test_cer_contents);
    g_test_add_func("/diameter-peer/request-answer", test_request_answer);
    g_test_add_func("/diameter-peer/send-before-open", test_send_before_open);
    g_test_add_func("/diameter-peer/watchdog", test_watchdog);
    g_test_add_func("/diameter-peer/dpr", test_dpr);
    g_test_add_func("/diameter-peer/unmatched-answer", test_unmatched_answer);
    g_test_add_func("/diameter-peer/no-common-application", test_no_common_application);
    g_test_add_func("/diameter-peer/cea-timeout", test_cea_timeout);
    g_test_add_func("/diameter-peer/malformed-and-unsupported", test_malformed_and_unsupported);
    g_test_add_func("/diameter-peer/garbage", test_garbage);
    return g_test_run();
}
