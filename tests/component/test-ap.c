/* test-ap.c: the Authentication Proxy (nodes/ap) over the simulated network: Ua from a UE (TLS-PSK,
 * or the AP's certificate and HTTP Digest), Zn to a BSF, plain HTTP to a PS.
 *
 * A world from a scenario written here: host "ue" and routers "ap", "bsf" and "ps" around a core
 * router. The AP kind is instantiated on router "ap" by calling sim_node_kind_ap.create() directly,
 * so the test does not depend on the kind table; "bsf" and "ps" get those kind strings for its
 * checks. The BSF is played by the test (a Zn server deriving Ks_NAF from its own bootstrap table
 * with protocols/gba), the PS too (an HTTP server recording what reaches it, answering at once or
 * late, optionally closing after each answer). The UE is an HTTPS client deriving its key itself.
 *
 * Covered: PSK happy path with a forged X-3GPP-Asserted-Identity from the UE (stripped; the PS sees
 * the AP's assertion, never the B-TID, IMPI or Authorization), another user's XUI → 403 (nothing
 * reaches the PS), X-3GPP-Intended-Identity, the key cache (one BIR for two connections), unknown
 * B-TID → handshake fails; an expired key closes the connection and refuses the next handshake;
 * pipelined requests answered in order around a late PS and an immediate
 * 403; the UE leaving before the PS answers; the PS closing after each answer (reconnect);
 * Digest: 401 challenge, right response, nc reuse, wrong key, unknown B-TID, malformed
 * Authorization → 400, expired key → 401 stale=true; events and the report's counters.
 */
#include "links/net-stack.h"
#include "nodes/ap/ap.h"
#include "nodes/ims/diameter-node.h"
#include "nodes/ims/http-node.h"
#include "nodes/ims/ims-common.h"
#include "nodes/ims/ut-ca.h"
#include "protocols/diameter/gaa.h"
#include "protocols/gba/gba-guss.h"
#include "protocols/gba/gba-kdf.h"
#include "protocols/http/digest.h"
#include "tests/lib/test-world.h"
#include <string.h>

static const char scenario_text[] =
    "[scenario]\nname = ap\nseed = 5\nduration = 100000s\n\n"
    "[node.ue]\nkind = host\ndomain = home.net\n\n"
    "[node.core]\nkind = router\ndomain = home.net\n\n"
    "[node.ap]\nkind = router\ndomain = home.net\n\n"
    "[node.bsf]\nkind = router\ndomain = home.net\n\n"
    "[node.ps]\nkind = router\ndomain = home.net\n\n"
    "[link.ue-core]\na = ue eth0 10.0.9.2/24\nb = core eth0 10.0.9.1/24\ndelay = 5ms\n\n"
    "[link.core-ap]\na = core eth1 10.0.4.1/24\nb = ap eth0 10.0.4.2/24\n\n"
    "[link.core-bsf]\na = core eth2 10.0.1.1/24\nb = bsf eth0 10.0.1.2/24\n\n"
    "[link.core-ps]\na = core eth3 10.0.3.1/24\nb = ps eth0 10.0.3.2/24\n";

#define AP_HOST "ap.home.net"
#define IMPI "alice.private@home.net"
#define ALICE "sip:alice@home.net"
#define OWN_DOC "/xcap/pres-rules/users/sip:alice@home.net/index"
#define BOB_DOC "/xcap/pres-rules/users/sip:bob@home.net/index"

typedef struct {
    guint status; /* 0: no response (connection failed) */
    char *www, *etag, *body;
} Resp;

typedef struct {
    char *method, *target, *asserted, *wire;
} PsReq;

typedef struct {
    TestWorld tw;
    SimConfig *cfg;
    SimNode *ap;
    /* BSF stand-in: one bootstrap */
    DiameterNode *bsf_dn;
    char *btid;
    uint8_t ks[GBA_KS_LEN], rand[GBA_RAND_LEN];
    uint64_t expiry_ntp;
    guint birs;
    /* PS stand-in */
    HttpNode *ps_hn;
    GPtrArray *ps_reqs; /* PsReq* */
    GQueue ps_waiting;  /* HttpConn* of requests to answer late */
    SimTime ps_delay;
    gboolean ps_close;
    guint ps_conns;
    /* UE */
    HttpNode *ue_hn;
    HttpConn *conn;
    GPtrArray *resps; /* Resp* */
    TlsConfig tls;
    char *psk_identity;
} T;

static void resp_free(gpointer p)
{
    Resp *r = p;
    g_free(r->www);
    g_free(r->etag);
    g_free(r->body);
    g_free(r);
}

static void psreq_free(gpointer p)
{
    PsReq *r = p;
    g_free(r->method);
    g_free(r->target);
    g_free(r->asserted);
    g_free(r->wire);
    g_free(r);
}

static guint ev_count(T *t, const char *name, const char *key, const char *value)
{
    return test_world_event_count(&t->tw, "ap", name, key, value);
}

/* No event of the AP carries the IMPI or Ks_NAF. */
static void assert_events_clean(T *t)
{
    for (guint i = 0; i < t->tw.events->len; i++) {
        const TestEvent *e = t->tw.events->pdata[i];
        if (!g_str_equal(e->node, "ap") || g_str_has_prefix(e->name, "tls-keylog"))
            continue;
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, e->attrs);
        while (g_hash_table_iter_next(&it, &k, &v))
            g_assert_null(strstr(v, IMPI));
    }
}

static void run_for(T *t, SimTime dt)
{
    test_world_run_for(&t->tw, dt);
}

static guint64 report_u(T *t, const char *path)
{
    g_autofree char *full = g_strdup_printf("nodes/ap/%s", path);
    return test_node_report_u(&sim_node_kind_ap, t->ap, full);
}

/* ---- keys ------------------------------------------------------------------------------------ */

static void ks_naf_for(T *t, const uint8_t ua[GBA_UA_ID_LEN], uint8_t out[32])
{
    g_autoptr(GByteArray) id = g_byte_array_new();
    g_assert_true(gba_naf_id_build(AP_HOST, ua, id, NULL));
    g_assert_true(gba_ks_naf(t->ks, t->rand, IMPI, id->data, id->len, out, NULL, NULL));
}

/* ---- the BSF stand-in (Zn server) ------------------------------------------------------------ */

static void bsf_request(DiameterNode *dn, DiameterPeer *peer, const DiameterMsg *msg, void *user)
{
    T *t = user;
    GaaZnBir r;
    GError *err = NULL;
    g_assert_true(gaa_zn_bir_parse(msg, &r, &err));
    g_assert_no_error(err);
    t->birs++;
    g_assert_cmpstr(r.common.origin_host, ==, AP_HOST);
    g_assert_true(r.has_gaa_service_identifier);
    GaaZnBia a = {0};
    a.common.session_id = r.common.session_id;
    a.common.origin_host = "bsf.home.net";
    a.common.origin_realm = "home.net";
    a.common.hop_by_hop = r.common.hop_by_hop;
    a.common.end_to_end = r.common.end_to_end;
    g_autofree char *guss = NULL;
    if (g_str_equal(r.transaction_identifier, t->btid)) {
        a.result = (CxResult){0, DIAMETER_SUCCESS};
        a.user_name = IMPI;
        a.has_me_key = TRUE;
        g_assert_true(gba_ks_naf(t->ks, t->rand, IMPI, r.naf_id, r.naf_id_len, a.me_key, NULL, NULL));
        a.has_key_expiry_time = TRUE;
        a.key_expiry_time = t->expiry_ntp;
        g_autoptr(GbaGuss) g = gba_guss_new();
        const char *const uids[] = {ALICE, "tel:+15551234", NULL};
        gba_guss_add_uss(g, "1", GBA_GAA_SERVICE_PRESENCE, NULL, uids);
        guss = gba_guss_print(g);
        a.guss = guss;
    } else {
        a.result = (CxResult){DIAMETER_VENDOR_3GPP, GAA_ERROR_TRANSACTION_IDENTIFIER_INVALID};
    }
    GBytes *out = gaa_zn_bia_build(&a, &err);
    g_assert_no_error(err);
    g_assert_true(diameter_node_answer(dn, peer, out, &err));
    gaa_zn_bir_clear(&r);
}

/* ---- the PS stand-in ------------------------------------------------------------------------- */

static void ps_answer(HttpConn *conn, T *t)
{
    PsReq *last = t->ps_reqs->pdata[t->ps_reqs->len - 1];
    g_autoptr(HttpMessage) r = http_response_new(200, NULL);
    http_message_add_header(r, "ETag", "\"e1\"");
    http_message_add_header(r, "X-Internal", "ps-only");
    const char *body = last->asserted ? last->asserted : "-";
    http_message_set_body(r, body, strlen(body), "text/plain");
    g_assert_true(http_conn_respond(conn, r, NULL));
    if (t->ps_close)
        http_conn_close(conn);
}

static void ps_late(void *arg)
{
    T *t = arg;
    HttpConn *conn = g_queue_pop_head(&t->ps_waiting);
    if (conn)
        ps_answer(conn, t);
}

static void ps_request(HttpNode *hn, HttpConn *conn, const HttpMessage *msg, void *user)
{
    T *t = user;
    (void)hn;
    PsReq *r = g_new0(PsReq, 1);
    r->method = g_strdup(http_message_method(msg));
    r->target = g_strdup(http_message_target(msg));
    r->asserted = g_strdup(http_message_get_header(msg, "X-3GPP-Asserted-Identity"));
    GBytes *wire = http_message_serialize(msg, FALSE, 0);
    r->wire = g_strndup(g_bytes_get_data(wire, NULL), g_bytes_get_size(wire));
    g_bytes_unref(wire);
    if (!http_conn_get_data(conn)) {
        t->ps_conns++;
        http_conn_set_data(conn, GUINT_TO_POINTER(1), NULL);
    }
    g_ptr_array_add(t->ps_reqs, r);
    if (t->ps_delay) {
        g_queue_push_tail(&t->ps_waiting, conn);
        sim_engine_schedule_in(t->tw.w->engine, t->ps_delay, ps_late, t);
    } else {
        ps_answer(conn, t);
    }
}

/* ---- the UE ---------------------------------------------------------------------------------- */

static gboolean ue_psk(const char *hint, uint16_t cipher, uint8_t *key, size_t *key_len, void *user)
{
    T *t = user;
    g_assert_cmpstr(hint, ==, TLS_PSK_HINT_3GPP);
    uint8_t ua[GBA_UA_ID_LEN];
    gba_ua_id_tls(cipher, ua);
    ks_naf_for(t, ua, key);
    *key_len = 32;
    return TRUE;
}

static void ue_response(HttpNode *hn, HttpConn *conn, const HttpMessage *msg, void *req_user, const char *why,
                        void *user)
{
    T *t = user;
    (void)hn, (void)conn, (void)req_user, (void)why;
    Resp *r = g_new0(Resp, 1);
    if (msg) {
        r->status = http_message_status(msg);
        r->www = g_strdup(http_message_get_header(msg, "WWW-Authenticate"));
        r->etag = g_strdup(http_message_get_header(msg, "ETag"));
        g_assert_null(http_message_get_header(msg, "X-Internal"));
        size_t len;
        const uint8_t *b = http_message_body(msg, &len);
        r->body = g_strndup((const char *)b, len);
    }
    g_ptr_array_add(t->resps, r);
}

static void ue_connect(T *t, const char *identity)
{
    GError *err = NULL;
    SimAddr a;
    g_assert_true(ims_resolve(t->tw.w, AP_HOST, &a));
    g_free(t->psk_identity);
    t->psk_identity = g_strdup(identity);
    t->tls.psk_identity = t->psk_identity;
    t->conn = http_node_connect(t->ue_hn, &a, 443, &t->tls, &err);
    g_assert_no_error(err);
}

static void ue_send(T *t, const char *method, const char *target, const char *hname, const char *hvalue)
{
    g_autoptr(HttpMessage) m = http_request_new(method, target);
    http_message_set_header(m, "Host", AP_HOST);
    if (hname)
        http_message_add_header(m, hname, hvalue);
    GError *err = NULL;
    g_assert_true(http_conn_request(t->conn, m, NULL, &err));
    g_assert_no_error(err);
}

static const Resp *ue_wait(T *t, guint n)
{
    for (int i = 0; i < 2000 && t->resps->len < n; i++)
        run_for(t, 10 * SIM_MS);
    g_assert_cmpuint(t->resps->len, ==, n);
    return t->resps->pdata[n - 1];
}

static const Resp *ue_do(T *t, const char *method, const char *target, const char *hname, const char *hvalue)
{
    guint n = t->resps->len;
    ue_send(t, method, target, hname, hvalue);
    return ue_wait(t, n + 1);
}

/* ---- the world ------------------------------------------------------------------------------- */

static T *t_new(const char *ua_security)
{
    T *t = g_new0(T, 1);
    GError *err = NULL;
    test_world_init(&t->tw, "ap", scenario_text, NULL);
    test_world_record_events(&t->tw);
    t->resps = g_ptr_array_new_with_free_func(resp_free);
    t->ps_reqs = g_ptr_array_new_with_free_func(psreq_free);
    g_queue_init(&t->ps_waiting);

    /* one bootstrap, valid for 600 s */
    for (int i = 0; i < GBA_KS_LEN; i++)
        t->ks[i] = (uint8_t)(0x40 + i);
    for (int i = 0; i < GBA_RAND_LEN; i++)
        t->rand[i] = (uint8_t)(0xa0 + i);
    t->btid = gba_btid_build(t->rand, "bsf.home.net");
    t->expiry_ntp = (uint64_t)(UT_EPOCH_UNIX + INT64_C(2208988800) + 600);

    SimNode *bsf = test_world_node(&t->tw, "bsf", "bsf");
    const DiameterPeerApp zn = {DIAMETER_VENDOR_3GPP, GAA_APP_ZN};
    t->bsf_dn = diameter_node_new(bsf, "bsf.home.net", "home.net", &zn, &(DiameterNodeHandlers){.request = bsf_request},
                                  t);
    g_assert_true(diameter_node_listen(t->bsf_dn, DIAMETER_PORT, &err));

    SimNode *ps = test_world_node(&t->tw, "ps", "ps");
    t->ps_hn = http_node_new(ps, &(HttpNodeHandlers){.request = ps_request}, t);
    g_assert_true(http_node_listen(t->ps_hn, 80, NULL, &err));

    t->ap = sim_world_find_node(t->tw.w, "ap");
    const SimKeySpec *tables[] = {sim_node_kind_ap.keys, NULL};
    t->cfg = sim_config_new("node.ap", tables);
    g_assert_true(sim_config_set(t->cfg, "bsf", "bsf", &err));
    g_assert_true(sim_config_set(t->cfg, "ps", "ps", &err));
    g_assert_true(sim_config_set(t->cfg, "ua-security", ua_security, &err));
    g_assert_null(sim_config_finish(t->cfg));
    const char *bad = NULL;
    g_assert_true(sim_node_kind_ap.check("ap", t->cfg, &bad, &err));
    g_assert_true(sim_node_kind_ap.create(t->ap, t->cfg, &err));
    g_assert_no_error(err);
    sim_node_kind_ap.start(t->ap);

    SimNode *ue = sim_world_find_node(t->tw.w, "ue");
    t->ue_hn = http_node_new(ue, &(HttpNodeHandlers){.response = ue_response}, t);
    t->tls.role = TLS_ROLE_CLIENT;
    if (g_str_equal(ua_security, "psk")) {
        t->tls.mode = TLS_MODE_PSK;
        t->tls.psk_for_cipher = ue_psk;
        t->tls.psk_user = t;
    } else {
        t->tls.mode = TLS_MODE_CERT;
        t->tls.trust = ut_ca(t->tw.w, &err);
        g_assert_no_error(err);
        t->tls.server_name = AP_HOST;
        t->tls.verify_time = ut_unix_time(t->tw.w);
    }
    run_for(t, 200 * SIM_MS); /* Zn peer open */
    return t;
}

static void t_free(T *t)
{
    assert_events_clean(t);
    http_node_free(t->ue_hn);
    http_node_free(t->ps_hn);
    diameter_node_free(t->bsf_dn);
    test_world_clear(&t->tw); /* frees the AP (node->impl) */
    sim_config_free(t->cfg);
    g_queue_clear(&t->ps_waiting);
    g_ptr_array_free(t->resps, TRUE);
    g_ptr_array_free(t->ps_reqs, TRUE);
    g_free(t->btid);
    g_free(t->psk_identity);
    g_free(t);
}

/* ---- PSK ------------------------------------------------------------------------------------- */

static void test_psk_identity(void)
{
    T *t = t_new("psk");
    ue_connect(t, t->btid);
    /* a UE asserting someone else's identity itself: dropped, the AP asserts alice */
    const Resp *r = ue_do(t, "GET", OWN_DOC, "X-3GPP-Asserted-Identity", "\"sip:bob@home.net\"");
    g_assert_cmpuint(r->status, ==, 200);
    g_assert_cmpstr(r->etag, ==, "\"e1\"");
    g_assert_cmpstr(r->body, ==, "\"" ALICE "\"");
    g_assert_cmpuint(t->ps_reqs->len, ==, 1);
    PsReq *pr = t->ps_reqs->pdata[0];
    g_assert_cmpstr(pr->method, ==, "GET");
    g_assert_cmpstr(pr->target, ==, OWN_DOC);
    g_assert_cmpstr(pr->asserted, ==, "\"" ALICE "\"");
    g_assert_null(strstr(pr->wire, "bob"));
    g_assert_null(strstr(pr->wire, t->btid));
    g_assert_null(strstr(pr->wire, IMPI));
    g_assert_null(strstr(pr->wire, "Authorization"));

    /* another user's document: 403, nothing reaches the PS (seed 000 §6.2.1) */
    r = ue_do(t, "GET", BOB_DOC, NULL, NULL);
    g_assert_cmpuint(r->status, ==, 403);
    g_assert_cmpuint(t->ps_reqs->len, ==, 1);
    g_assert_cmpuint(ev_count(t, "ua-identity", "outcome", "forbidden"), ==, 1);
    /* the intended identity, one of the user's: asserted */
    r = ue_do(t, "GET", "/xcap/xcap-caps/global/index", "X-3GPP-Intended-Identity", "\"tel:+15551234\"");
    g_assert_cmpuint(r->status, ==, 200);
    g_assert_cmpstr(r->body, ==, "\"tel:+15551234\"");
    /* a malformed intended identity: 400 */
    r = ue_do(t, "GET", OWN_DOC, "X-3GPP-Intended-Identity", "sip:alice@home.net");
    g_assert_cmpuint(r->status, ==, 400);

    /* a second connection with the same B-TID: the cached key, no second BIR */
    ue_connect(t, t->btid);
    r = ue_do(t, "PUT", OWN_DOC, NULL, NULL);
    g_assert_cmpuint(r->status, ==, 200);
    g_assert_cmpuint(t->birs, ==, 1);
    g_assert_cmpuint(ev_count(t, "ua-auth", "outcome", "ok"), ==, 2);
    g_assert_cmpuint(ev_count(t, "ut-forward", "status", "200"), ==, 3);
    g_assert_cmpuint(report_u(t, "requests"), ==, 5);
    g_assert_cmpuint(report_u(t, "forwarded"), ==, 3);
    g_assert_cmpuint(report_u(t, "forbidden"), ==, 1);
    g_assert_cmpuint(report_u(t, "bad_requests"), ==, 1);
    g_assert_cmpuint(report_u(t, "stripped_asserted"), ==, 1);
    g_assert_cmpuint(report_u(t, "ps/status/200"), ==, 3);
    g_assert_cmpuint(report_u(t, "zn/ok"), ==, 1);
    g_assert_cmpuint(report_u(t, "tls/handshakes_done"), ==, 2);
    t_free(t);
}

static void test_psk_unknown_btid(void)
{
    T *t = t_new("psk");
    ue_connect(t, "AAAAAAAAAAAAAAAAAAAAAA==@bsf.home.net");
    const Resp *r = ue_do(t, "GET", OWN_DOC, NULL, NULL);
    g_assert_cmpuint(r->status, ==, 0); /* the handshake failed */
    g_assert_cmpuint(t->ps_reqs->len, ==, 0);
    g_assert_cmpuint(ev_count(t, "ua-auth", "outcome", "unknown-btid"), ==, 1);
    g_assert_cmpuint(report_u(t, "tls/handshakes_failed"), ==, 1);
    g_assert_cmpuint(report_u(t, "zn/failed"), ==, 1);
    /* garbage as identity: refused without asking the BSF */
    ue_connect(t, "not a btid");
    r = ue_do(t, "GET", OWN_DOC, NULL, NULL);
    g_assert_cmpuint(r->status, ==, 0);
    g_assert_cmpuint(t->birs, ==, 1);
    t_free(t);
}

/* TS 33.220 §4.5.3: no use of Ks_NAF past its expiry, on an open connection or a new one */
static void test_psk_expired(void)
{
    T *t = t_new("psk");
    ue_connect(t, t->btid);
    g_assert_cmpuint(ue_do(t, "GET", OWN_DOC, NULL, NULL)->status, ==, 200);
    run_for(t, 600 * SIM_S);
    g_assert_cmpuint(ue_do(t, "GET", OWN_DOC, NULL, NULL)->status, ==, 0); /* the AP closed the connection */
    g_assert_cmpuint(ev_count(t, "ua-auth", "outcome", "expired"), ==, 1);
    ue_connect(t, t->btid);
    g_assert_cmpuint(ue_do(t, "GET", OWN_DOC, NULL, NULL)->status, ==, 0); /* handshake refused */
    g_assert_cmpuint(ev_count(t, "ua-auth", "outcome", "expired"), ==, 2);
    g_assert_cmpuint(t->ps_reqs->len, ==, 1);
    g_assert_cmpuint(t->birs, ==, 1);
    g_assert_cmpuint(report_u(t, "auth/expired"), ==, 2);
    t_free(t);
}

static void test_pipelined_order(void)
{
    T *t = t_new("psk");
    t->ps_delay = 30 * SIM_MS;
    ue_connect(t, t->btid);
    ue_send(t, "GET", OWN_DOC, NULL, NULL);
    ue_send(t, "GET", BOB_DOC, NULL, NULL);
    ue_send(t, "DELETE", OWN_DOC, NULL, NULL);
    ue_wait(t, 3);
    g_assert_cmpuint(((Resp *)t->resps->pdata[0])->status, ==, 200);
    g_assert_cmpuint(((Resp *)t->resps->pdata[1])->status, ==, 403);
    g_assert_cmpuint(((Resp *)t->resps->pdata[2])->status, ==, 200);
    g_assert_cmpuint(t->ps_reqs->len, ==, 2);
    g_assert_cmpstr(((PsReq *)t->ps_reqs->pdata[1])->method, ==, "DELETE");

    /* the UE leaves before the PS answers: the late answer is dropped */
    ue_send(t, "GET", OWN_DOC, NULL, NULL);
    for (int i = 0; i < 100 && t->ps_reqs->len < 3; i++)
        run_for(t, SIM_MS);
    g_assert_cmpuint(t->ps_reqs->len, ==, 3);
    http_conn_close(t->conn);
    run_for(t, 500 * SIM_MS);
    g_assert_cmpuint(ev_count(t, "ut-forward", "status", "200"), ==, 3);
    /* and the AP goes on serving */
    t->ps_delay = 0;
    ue_connect(t, t->btid);
    guint n = t->resps->len;
    const Resp *r = ue_do(t, "GET", OWN_DOC, NULL, NULL);
    g_assert_cmpuint(t->resps->len, ==, n + 1);
    g_assert_cmpuint(r->status, ==, 200);
    t_free(t);
}

static void test_ps_reconnect(void)
{
    T *t = t_new("psk");
    t->ps_close = TRUE;
    ue_connect(t, t->btid);
    for (int i = 0; i < 3; i++) {
        const Resp *r = ue_do(t, "GET", OWN_DOC, NULL, NULL);
        g_assert_cmpuint(r->status, ==, 200);
        run_for(t, 100 * SIM_MS); /* the PS's FIN arrives */
    }
    g_assert_cmpuint(t->ps_conns, ==, 3);
    g_assert_cmpuint(report_u(t, "ps/failures"), ==, 0);
    t_free(t);
}

/* ---- certificate + Digest -------------------------------------------------------------------- */

/* Authorization for TARGET with the key of the test's bootstrap (or a wrong one). */
static char *digest_auth(T *t, const char *username, const char *method, const char *target, const char *nonce,
                         guint nc, gboolean right_key)
{
    uint8_t ks_naf[32];
    ks_naf_for(t, GBA_UA_ID_HTTP_DIGEST, ks_naf);
    if (!right_key)
        ks_naf[0] ^= 1;
    g_autofree char *password = g_base64_encode(ks_naf, 32); /* TS 24.109 §5.2.2.1 */
    g_autofree char *ncs = g_strdup_printf("%08x", nc);
    char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], resp[DIGEST_HEX_SIZE];
    g_assert_true(digest_ha1(DIGEST_ALG_MD5, username, "3GPP-bootstrapping@" AP_HOST, (const uint8_t *)password,
                             strlen(password), NULL, NULL, ha1, NULL));
    g_assert_true(digest_ha2(DIGEST_ALG_MD5, method, target, ha2, NULL));
    g_assert_true(digest_response(DIGEST_ALG_MD5, ha1, nonce, ncs, "ab12", "auth", ha2, resp, NULL));
    return g_strdup_printf("Digest username=\"%s\", realm=\"3GPP-bootstrapping@" AP_HOST "\", nonce=\"%s\", "
                           "uri=\"%s\", qop=auth, nc=%s, cnonce=\"ab12\", algorithm=MD5, response=\"%s\"",
                           username, nonce, target, ncs, resp);
}

static char *challenge_nonce(const Resp *r, gboolean stale)
{
    g_assert_cmpuint(r->status, ==, 401);
    g_assert_nonnull(r->www);
    DigestParams *p = digest_params_parse(r->www, strlen(r->www), NULL);
    g_assert_nonnull(p);
    g_assert_cmpstr(digest_params_get(p, "realm"), ==, "3GPP-bootstrapping@" AP_HOST);
    g_assert_cmpstr(digest_params_get(p, "algorithm"), ==, "MD5");
    g_assert_cmpstr(digest_params_get(p, "qop"), ==, "auth");
    g_assert_cmpstr(digest_params_get(p, "stale"), ==, stale ? "true" : NULL);
    char *nonce = g_strdup(digest_params_get(p, "nonce"));
    digest_params_free(p);
    return nonce;
}

static void test_digest(void)
{
    T *t = t_new("cert-digest");
    ue_connect(t, NULL);
    g_autofree char *nonce = challenge_nonce(ue_do(t, "GET", OWN_DOC, NULL, NULL), FALSE);
    g_assert_cmpuint(ev_count(t, "ua-auth", "outcome", "challenge"), ==, 1);

    g_autofree char *a1 = digest_auth(t, t->btid, "GET", OWN_DOC, nonce, 1, TRUE);
    const Resp *r = ue_do(t, "GET", OWN_DOC, "Authorization", a1);
    g_assert_cmpuint(r->status, ==, 200);
    g_assert_cmpstr(r->body, ==, "\"" ALICE "\"");
    g_assert_null(strstr(((PsReq *)t->ps_reqs->pdata[0])->wire, t->btid));
    g_assert_cmpuint(ev_count(t, "ua-auth", "outcome", "ok"), ==, 1);
    /* same nonce, next nc: fine, no second BIR */
    g_autofree char *a2 = digest_auth(t, t->btid, "PUT", OWN_DOC, nonce, 2, TRUE);
    r = ue_do(t, "PUT", OWN_DOC, "Authorization", a2);
    g_assert_cmpuint(r->status, ==, 200);
    g_assert_cmpuint(t->birs, ==, 1);
    /* nc replayed: refused */
    g_autofree char *n2 = challenge_nonce(ue_do(t, "PUT", OWN_DOC, "Authorization", a2), FALSE);
    g_assert_cmpuint(ev_count(t, "ua-auth", "outcome", "bad-response"), ==, 1);
    /* wrong key */
    g_autofree char *a3 = digest_auth(t, t->btid, "GET", OWN_DOC, n2, 1, FALSE);
    g_autofree char *n3 = challenge_nonce(ue_do(t, "GET", OWN_DOC, "Authorization", a3), FALSE);
    g_assert_cmpuint(ev_count(t, "ua-auth", "outcome", "bad-response"), ==, 2);
    /* unknown B-TID: asked, refused, challenged again */
    g_autofree char *a4 = digest_auth(t, "AAAAAAAAAAAAAAAAAAAAAA==@bsf.home.net", "GET", OWN_DOC, n3, 1, TRUE);
    g_autofree char *n4 = challenge_nonce(ue_do(t, "GET", OWN_DOC, "Authorization", a4), FALSE);
    g_assert_cmpuint(ev_count(t, "ua-auth", "outcome", "unknown-btid"), ==, 1);
    g_assert_cmpuint(t->birs, ==, 2);
    /* a nonce the AP never issued */
    g_autofree char *a5 = digest_auth(t, t->btid, "GET", OWN_DOC, "feedfeedfeedfeed", 1, TRUE);
    g_autofree char *n5 = challenge_nonce(ue_do(t, "GET", OWN_DOC, "Authorization", a5), FALSE);
    /* malformed: uri is not the target; garbage */
    g_autofree char *a6 = digest_auth(t, t->btid, "GET", BOB_DOC, n4, 1, TRUE);
    r = ue_do(t, "GET", OWN_DOC, "Authorization", a6);
    g_assert_cmpuint(r->status, ==, 400);
    r = ue_do(t, "GET", OWN_DOC, "Authorization", "Digest username=\"x");
    g_assert_cmpuint(r->status, ==, 400);
    g_assert_cmpuint(t->ps_reqs->len, ==, 2);

    /* past the key's expiry: 401 stale=true */
    run_for(t, 601 * SIM_S);
    ue_connect(t, NULL);
    g_autofree char *a7 = digest_auth(t, t->btid, "GET", OWN_DOC, n4, 1, TRUE);
    g_autofree char *n7 = challenge_nonce(ue_do(t, "GET", OWN_DOC, "Authorization", a7), TRUE);
    g_assert_cmpuint(ev_count(t, "ua-auth", "outcome", "expired"), ==, 1);
    g_assert_cmpuint(t->ps_reqs->len, ==, 2);
    g_assert_cmpuint(report_u(t, "challenges"), ==, 6);
    g_assert_cmpuint(report_u(t, "auth/bad_response"), ==, 2);
    t_free(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ap/psk-identity", test_psk_identity);
    g_test_add_func("/ap/psk-unknown-btid", test_psk_unknown_btid);
    g_test_add_func("/ap/psk-expired", test_psk_expired);
    g_test_add_func("/ap/pipelined-order", test_pipelined_order);
    g_test_add_func("/ap/ps-reconnect", test_ps_reconnect);
    g_test_add_func("/ap/digest", test_digest);
    return g_test_run();
}
