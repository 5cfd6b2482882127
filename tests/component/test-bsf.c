/* test-bsf.c: the BSF (nodes/bsf) over the simulated network: Ub from a UE, Zh to an HSS, Zn from a
 * NAF.
 *
 * A world from a scenario written here: hosts "ue" and "naf" and routers "bsf" and "hss" around a
 * core router. The BSF kind is instantiated on router "bsf" by calling sim_node_kind_bsf.create()
 * directly (routers keep no state of their own), so the test does not depend on the kind table. The
 * HSS is played by the test on router "hss" (its kind string renamed "hss" for the BSF's check): a
 * Zh server (protocols/diameter/gaa.h) with one subscriber's AuC record (protocols/aka) and a GUSS
 * with a presence USS and another one. The UE is an HTTP client on "ue" with a USIM holding the same
 * K/OPc, computing the Digest AKA responses with protocols/http/digest.h; the NAF is a Zn client on
 * "naf". Events are caught from the trace bus.
 *
 * Covered: GET with an empty nonce → 401 (realm, AKAv1-MD5, qop, a nonce whose AUTN verifies);
 * the right response → 200 with BootstrappingInfo (B-TID = base64(RAND)@bsf host, lifetime =
 * min(key-lifetime, GUSS lifetime)) and an rspauth that verifies; Zn for that B-TID → Ks_NAF equal to
 * the UE's own derivation, IMPI, NTP times and only the presence USS; wrong response → 403 and the
 * challenge is gone; unknown IMPI → 403; AUTS after a replayed vector → resync MAR → 401 → 200;
 * UE rejecting AUTN → 403; no/garbled Authorization, POST, bad auts → 400/405; a pipelined 400
 * does not overtake a pending 401; Zh silent → 500 after the Zh timeout; two bootstraps of one IMPI
 * both usable; Zn with an unknown B-TID, an expired one (lazy removal), another NAF's FQDN → 5403 /
 * 5402; the report's counters.
 */
#include "links/net-stack.h"
#include "nodes/bsf/bsf.h"
#include "nodes/ims/diameter-node.h"
#include "nodes/ims/http-node.h"
#include "nodes/ims/ims-common.h"
#include "nodes/ims/ut-ca.h"
#include "protocols/aka/aka.h"
#include "protocols/diameter/gaa.h"
#include "protocols/gba/gba-guss.h"
#include "protocols/gba/gba-kdf.h"
#include "protocols/http/digest.h"
#include "protocols/pidf/pidf.h"
#include "tests/lib/test-world.h"
#include <string.h>

static const char scenario_text[] =
    "[scenario]\nname = bsf\nseed = 11\nduration = 100000s\n\n"
    "[node.ue]\nkind = host\ndomain = home.net\n\n"
    "[node.naf]\nkind = host\ndomain = home.net\n\n"
    "[node.core]\nkind = router\ndomain = home.net\n\n"
    "[node.bsf]\nkind = router\ndomain = home.net\n\n"
    "[node.hss]\nkind = router\ndomain = home.net\n\n"
    "[link.ue-core]\na = ue eth0 10.0.9.2/24\nb = core eth0 10.0.9.1/24\ndelay = 5ms\n\n"
    "[link.naf-core]\na = naf eth0 10.0.4.2/24\nb = core eth1 10.0.4.1/24\n\n"
    "[link.core-bsf]\na = core eth2 10.0.1.1/24\nb = bsf eth0 10.0.1.2/24\n\n"
    "[link.core-hss]\na = core eth3 10.0.3.1/24\nb = hss eth0 10.0.3.2/24\n";

#define IMPI "alice@home.net"
#define BSF_HOST "bsf.home.net"
#define NAF_HOST "naf.home.net"
static const uint8_t K[16] = {0x46, 0x5b, 0x5c, 0xe8, 0xb1, 0x99, 0xb4, 0x9f, 0xaa, 0x5f, 0x0a, 0x2e, 0xe2, 0x38, 0xa6, 0xbc};
static const uint8_t OPC[16] = {0xcd, 0x63, 0xcb, 0x71, 0x95, 0x4a, 0x9f, 0x4e, 0x48, 0xa5, 0x99, 0x4e, 0x37, 0xa0, 0x2b, 0xaf};

typedef struct {
    guint status;
    char *www, *info, *ctype, *body;
} Resp;

typedef struct {
    TestWorld tw;
    SimConfig *cfg;
    SimNode *bsf;
    /* HSS stand-in */
    DiameterNode *hss_dn;
    AkaHn *hn;
    uint32_t guss_lifetime;
    gboolean hss_silent;
    guint mars, resync_mars;
    /* UE */
    HttpNode *ue_hn;
    HttpConn *conn;
    GPtrArray *resps; /* Resp* */
    AkaUsim *usim;
    AkaUsimResponse ur;
    AkaResult ures;
    uint8_t rand[16], autn[16];
    /* NAF */
    DiameterNode *naf_dn;
    gboolean bia_done;
    GaaZnBia bia;
} T;

static void resp_free(gpointer p)
{
    Resp *r = p;
    g_free(r->www);
    g_free(r->info);
    g_free(r->ctype);
    g_free(r->body);
    g_free(r);
}

static guint ev_count(T *t, const char *name, const char *key, const char *value)
{
    return test_world_event_count(&t->tw, "bsf", name, key, value);
}

static const char *ev_last(T *t, const char *name, const char *key)
{
    return test_world_event_last(&t->tw, "bsf", name, key);
}

static void run_for(T *t, SimTime dt)
{
    test_world_run_for(&t->tw, dt);
}

/* ---- the HSS stand-in (Zh server) -------------------------------------------------------------- */

static char *guss_xml(T *t)
{
    g_autoptr(GbaGuss) g = gba_guss_new();
    g->lifetime = t->guss_lifetime;
    const char *const pres[] = {"sip:alice@home.net", "sip:alice.work@home.net", NULL};
    const char *const other[] = {"sip:alice-other@home.net", NULL};
    gba_guss_add_uss(g, "1", GBA_GAA_SERVICE_PRESENCE, NULL, pres);
    gba_guss_add_uss(g, "2", 2, NULL, other);
    return gba_guss_print(g);
}

static void hss_request(DiameterNode *dn, DiameterPeer *peer, const DiameterMsg *msg, void *user)
{
    T *t = user;
    GaaZhMar r;
    GError *err = NULL;
    g_assert_true(gaa_zh_mar_parse(msg, &r, &err));
    g_assert_no_error(err);
    t->mars++;
    g_assert_cmpstr(r.item.scheme, ==, CX_SCHEME_AKAV1_MD5);
    g_assert_cmpstr(r.common.origin_host, ==, BSF_HOST);
    if (t->hss_silent) {
        gaa_zh_mar_clear(&r);
        return;
    }
    GaaZhMaa a = {0};
    a.common.session_id = r.common.session_id;
    a.common.origin_host = "hss.home.net";
    a.common.origin_realm = "home.net";
    a.common.hop_by_hop = r.common.hop_by_hop;
    a.common.end_to_end = r.common.end_to_end;
    g_autofree char *guss = NULL;
    gboolean ok = g_str_equal(r.user_name, IMPI);
    if (!ok)
        a.result = (CxResult){DIAMETER_VENDOR_3GPP, GAA_ERROR_IMPI_UNKNOWN};
    if (ok && r.item.authorization_len) {
        t->resync_mars++;
        g_assert_cmpuint(r.item.authorization_len, ==, AKA_RAND_LEN + AKA_AUTS_LEN);
        ok = aka_hn_resync(t->hn, r.item.authorization, r.item.authorization + AKA_RAND_LEN, NULL, &err);
        g_clear_error(&err);
        if (!ok)
            a.result = (CxResult){0, DIAMETER_AUTHORIZATION_REJECTED};
    }
    AkaVector av;
    if (ok) {
        uint8_t rand[AKA_RAND_LEN];
        for (int i = 0; i < AKA_RAND_LEN; i++)
            rand[i] = (uint8_t)(t->mars * 17 + i);
        const uint8_t amf[2] = {0x80, 0x00};
        g_assert_true(aka_hn_generate(t->hn, rand, amf, &av, NULL));
        a.result = (CxResult){0, DIAMETER_SUCCESS};
        a.user_name = r.user_name;
        a.has_item = TRUE;
        a.item.scheme = CX_SCHEME_AKAV1_MD5;
        memcpy(a.item.authenticate, av.rand, AKA_RAND_LEN);
        memcpy(a.item.authenticate + AKA_RAND_LEN, av.autn, AKA_AUTN_LEN);
        a.item.authenticate_len = 32;
        memcpy(a.item.authorization, av.xres, AKA_RES_LEN);
        a.item.authorization_len = AKA_RES_LEN;
        a.item.has_ck = a.item.has_ik = TRUE;
        memcpy(a.item.ck, av.ck, 16);
        memcpy(a.item.ik, av.ik, 16);
        guss = guss_xml(t);
        a.guss = guss;
        aka_vector_clear(&av);
    }
    GBytes *out = gaa_zh_maa_build(&a, &err);
    g_assert_no_error(err);
    g_assert_true(diameter_node_answer(dn, peer, out, &err));
    gaa_zh_mar_clear(&r);
}

/* ---- the UE (Ub client) ----------------------------------------------------------------------- */

static void ue_response(HttpNode *hn, HttpConn *conn, const HttpMessage *msg, void *req_user, const char *why,
                        void *user)
{
    T *t = user;
    (void)hn, (void)conn, (void)req_user, (void)why;
    Resp *r = g_new0(Resp, 1);
    if (msg) {
        r->status = http_message_status(msg);
        r->www = g_strdup(http_message_get_header(msg, "WWW-Authenticate"));
        r->info = g_strdup(http_message_get_header(msg, "Authentication-Info"));
        r->ctype = g_strdup(http_message_get_header(msg, "Content-Type"));
        size_t len;
        const uint8_t *b = http_message_body(msg, &len);
        r->body = g_strndup((const char *)b, len);
    }
    g_ptr_array_add(t->resps, r);
}

static void ue_send(T *t, const char *method, const char *authorization)
{
    g_autoptr(HttpMessage) m = http_request_new(method, "/");
    http_message_set_header(m, "Host", BSF_HOST);
    http_message_set_header(m, "User-Agent", "3gpp-gba");
    if (authorization)
        http_message_set_header(m, "Authorization", authorization);
    GError *err = NULL;
    g_assert_true(http_conn_request(t->conn, m, NULL, &err));
    g_assert_no_error(err);
}

/* Runs until N responses in all have come (at most 20 s); the last one. */
static const Resp *ue_wait(T *t, guint n)
{
    for (int i = 0; i < 2000 && t->resps->len < n; i++)
        run_for(t, 10 * SIM_MS);
    g_assert_cmpuint(t->resps->len, ==, n);
    return t->resps->pdata[n - 1];
}

static const Resp *ue_get(T *t, const char *authorization)
{
    guint n = t->resps->len;
    ue_send(t, "GET", authorization);
    return ue_wait(t, n + 1);
}

static char *initial_auth(const char *impi)
{
    return g_strdup_printf("Digest username=\"%s\", realm=\"" BSF_HOST "\", nonce=\"\", uri=\"/\", response=\"\"", impi);
}

/* Checks the 401 and runs the USIM on its nonce; returns the nonce (g_free). */
static char *take_challenge(T *t, const Resp *r)
{
    g_assert_cmpuint(r->status, ==, 401);
    g_assert_nonnull(r->www);
    GError *err = NULL;
    DigestParams *p = digest_params_parse(r->www, strlen(r->www), &err);
    g_assert_no_error(err);
    g_assert_cmpstr(digest_params_scheme(p), ==, "Digest");
    g_assert_cmpstr(digest_params_get(p, "realm"), ==, BSF_HOST);
    g_assert_cmpstr(digest_params_get(p, "algorithm"), ==, "AKAv1-MD5");
    g_assert_cmpstr(digest_params_get(p, "qop"), ==, "auth");
    char *nonce = g_strdup(digest_params_get(p, "nonce"));
    digest_params_free(p);
    g_assert_true(digest_aka_nonce_parse(nonce, t->rand, t->autn, NULL, &err));
    aka_usim_response_clear(&t->ur);
    t->ures = aka_usim_authenticate(t->usim, t->rand, t->autn, &t->ur, &err);
    g_assert_no_error(err);
    return nonce;
}

/* The Authorization answering NONCE with password RES (or empty), optionally with AUTS. */
static char *answer_auth(T *t, const char *nonce, gboolean right, gboolean with_auts, char ha1_out[DIGEST_HEX_SIZE])
{
    uint8_t res[AKA_RES_LEN];
    memcpy(res, t->ur.res, sizeof res);
    if (!right)
        res[0] ^= 1;
    char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], resp[DIGEST_HEX_SIZE];
    GError *err = NULL;
    g_assert_true(digest_ha1(DIGEST_ALG_AKAV1_MD5, IMPI, BSF_HOST, res, with_auts ? 0 : sizeof res, NULL, NULL, ha1,
                             &err));
    g_assert_true(digest_ha2(DIGEST_ALG_AKAV1_MD5, "GET", "/", ha2, &err));
    g_assert_true(digest_response(DIGEST_ALG_AKAV1_MD5, ha1, nonce, "00000001", "0a4f113b", "auth", ha2, resp, &err));
    if (ha1_out)
        memcpy(ha1_out, ha1, DIGEST_HEX_SIZE);
    DigestParams *p = digest_params_new("Digest");
    g_assert_true(digest_params_set(p, "username", IMPI, TRUE, &err));
    g_assert_true(digest_params_set(p, "realm", BSF_HOST, TRUE, &err));
    g_assert_true(digest_params_set(p, "nonce", nonce, TRUE, &err));
    g_assert_true(digest_params_set(p, "uri", "/", TRUE, &err));
    g_assert_true(digest_params_set(p, "qop", "auth", FALSE, &err));
    g_assert_true(digest_params_set(p, "nc", "00000001", FALSE, &err));
    g_assert_true(digest_params_set(p, "cnonce", "0a4f113b", TRUE, &err));
    g_assert_true(digest_params_set(p, "algorithm", "AKAv1-MD5", FALSE, &err));
    g_assert_true(digest_params_set(p, "response", resp, TRUE, &err));
    if (with_auts)
        g_assert_true(digest_params_set_auts(p, t->ur.auts, &err));
    GString *s = g_string_new(NULL);
    digest_params_to_string(p, s);
    digest_params_free(p);
    return g_string_free(s, FALSE);
}

/* A full bootstrap; returns the B-TID (g_free) and the lifetime in *EXPIRY_NS. */
static char *bootstrap(T *t, gint64 *expiry_ns)
{
    g_autofree char *a0 = initial_auth(IMPI);
    g_autofree char *nonce = take_challenge(t, ue_get(t, a0));
    g_assert_cmpint(t->ures, ==, AKA_RESULT_OK);
    char ha1[DIGEST_HEX_SIZE];
    g_autofree char *a1 = answer_auth(t, nonce, TRUE, FALSE, ha1);
    SimTime sent = sim_world_now(t->tw.w);
    const Resp *r = ue_get(t, a1);
    g_assert_cmpuint(r->status, ==, 200);
    g_assert_cmpstr(r->ctype, ==, "application/vnd.3gpp.bsf+xml");
    /* RFC 2617 §3.2.3: rspauth with A2 = ":" uri */
    GError *err = NULL;
    g_autofree char *info_text = g_strconcat("Digest ", r->info, NULL);
    DigestParams *info = digest_params_parse(info_text, strlen(info_text), &err);
    g_assert_no_error(err);
    char ha2[DIGEST_HEX_SIZE], rspauth[DIGEST_HEX_SIZE];
    g_assert_true(digest_ha2(DIGEST_ALG_AKAV1_MD5, "", "/", ha2, &err));
    g_assert_true(digest_response(DIGEST_ALG_AKAV1_MD5, ha1, nonce, "00000001", "0a4f113b", "auth", ha2, rspauth, &err));
    g_assert_cmpstr(digest_params_get(info, "rspauth"), ==, rspauth);
    g_assert_cmpstr(digest_params_get(info, "cnonce"), ==, "0a4f113b");
    g_assert_cmpstr(digest_params_get(info, "nc"), ==, "00000001");
    digest_params_free(info);
    /* BootstrappingInfo: B-TID = base64(RAND)@BSF, lifetime an xs:dateTime */
    g_autofree char *b64 = g_base64_encode(t->rand, 16);
    g_autofree char *btid = g_strdup_printf("%s@" BSF_HOST, b64);
    g_autofree char *want = g_strdup_printf("<btid>%s</btid>", btid);
    g_assert_nonnull(strstr(r->body, "<BootstrappingInfo xmlns=\"uri:3gpp-gba\">"));
    g_assert_nonnull(strstr(r->body, want));
    const char *lt = strstr(r->body, "<lifetime>");
    g_assert_nonnull(lt);
    g_autofree char *lts = g_strndup(lt + 10, strcspn(lt + 10, "<"));
    g_assert_true(pidf_timestamp_parse(lts, expiry_ns));
    SimTime life = MIN(600, t->guss_lifetime ? t->guss_lifetime : 600) * SIM_S;
    g_assert_cmpint(*expiry_ns, >=, sent + life);
    g_assert_cmpint(*expiry_ns, <=, sim_world_now(t->tw.w) + life);
    g_assert_cmpstr(ev_last(t, "gba-bootstrap", "outcome"), ==, "ok");
    g_assert_cmpstr(ev_last(t, "gba-bootstrap", "btid"), ==, btid);
    return g_steal_pointer(&btid);
}

/* ---- the NAF (Zn client) ---------------------------------------------------------------------- */

static void naf_answer(DiameterNode *dn, const DiameterMsg *msg, void *req_user, void *user)
{
    T *t = user;
    (void)dn, (void)req_user;
    g_assert_nonnull(msg);
    GError *err = NULL;
    gaa_zn_bia_clear(&t->bia);
    g_assert_true(gaa_zn_bia_parse(msg, &t->bia, &err));
    g_assert_no_error(err);
    t->bia_done = TRUE;
}

static void zn_ask(T *t, const char *btid, const char *fqdn)
{
    GaaZnBir r = {0};
    r.common.session_id = diameter_node_session_id(t->naf_dn);
    r.common.origin_host = g_strdup(NAF_HOST);
    r.common.origin_realm = g_strdup("home.net");
    r.common.destination_host = g_strdup(BSF_HOST);
    r.common.destination_realm = g_strdup("home.net");
    diameter_node_next_ids(t->naf_dn, &r.common.hop_by_hop, &r.common.end_to_end);
    r.transaction_identifier = g_strdup(btid);
    g_autoptr(GByteArray) id = g_byte_array_new();
    GError *err = NULL;
    g_assert_true(gba_naf_id_build(fqdn, GBA_UA_ID_HTTP_DIGEST, id, &err));
    memcpy(r.naf_id, id->data, id->len);
    r.naf_id_len = id->len;
    GBytes *b = gaa_zn_bir_build(&r, &err);
    g_assert_no_error(err);
    gaa_zn_bir_clear(&r);
    t->bia_done = FALSE;
    g_assert_true(diameter_node_send(t->naf_dn, b, NULL, &err));
    for (int i = 0; i < 1000 && !t->bia_done; i++)
        run_for(t, 10 * SIM_MS);
    g_assert_true(t->bia_done);
}

/* ---- the world ---------------------------------------------------------------------------------- */

static T *t_new(const char *nafs)
{
    T *t = g_new0(T, 1);
    GError *err = NULL;
    test_world_init(&t->tw, "bsf", scenario_text, NULL);
    test_world_record_events(&t->tw);
    t->resps = g_ptr_array_new_with_free_func(resp_free);
    t->guss_lifetime = 300;

    SimNode *hss = test_world_node(&t->tw, "hss", "hss"); /* what bsf_create checks */
    t->hn = aka_hn_new(K, OPC, NULL, &err);
    g_assert_no_error(err);
    const DiameterPeerApp zh = {DIAMETER_VENDOR_3GPP, GAA_APP_ZH};
    t->hss_dn = diameter_node_new(hss, "hss.home.net", "home.net", &zh, &(DiameterNodeHandlers){.request = hss_request}, t);
    g_assert_true(diameter_node_listen(t->hss_dn, DIAMETER_PORT, &err));

    t->bsf = sim_world_find_node(t->tw.w, "bsf");
    const SimKeySpec *tables[] = {sim_node_kind_bsf.keys, NULL};
    t->cfg = sim_config_new("node.bsf", tables);
    g_assert_true(sim_config_set(t->cfg, "hss", "hss", &err));
    g_assert_true(sim_config_set(t->cfg, "key-lifetime", "600s", &err));
    if (nafs)
        g_assert_true(sim_config_set(t->cfg, "nafs", nafs, &err));
    g_assert_null(sim_config_finish(t->cfg));
    g_assert_true(sim_node_kind_bsf.create(t->bsf, t->cfg, &err));
    g_assert_no_error(err);
    sim_node_kind_bsf.start(t->bsf);

    SimNode *ue = sim_world_find_node(t->tw.w, "ue");
    t->ue_hn = http_node_new(ue, &(HttpNodeHandlers){.response = ue_response}, t);
    SimAddr bsf_addr;
    g_assert_true(ims_resolve(t->tw.w, BSF_HOST, &bsf_addr));
    t->conn = http_node_connect(t->ue_hn, &bsf_addr, 80, NULL, &err);
    g_assert_no_error(err);
    t->usim = aka_usim_new(K, OPC, NULL, &err);
    g_assert_no_error(err);

    SimNode *naf = sim_world_find_node(t->tw.w, "naf");
    const DiameterPeerApp zn = {DIAMETER_VENDOR_3GPP, GAA_APP_ZN};
    t->naf_dn = diameter_node_new(naf, NAF_HOST, "home.net", &zn, &(DiameterNodeHandlers){.answer = naf_answer}, t);
    diameter_node_connect(t->naf_dn, &bsf_addr, DIAMETER_PORT);
    run_for(t, 200 * SIM_MS); /* Diameter peers open, TCP to the BSF up */
    return t;
}

static guint64 report_u(T *t, const char *key)
{
    g_autofree char *path = g_strdup_printf("nodes/bsf/%s", key);
    return test_node_report_u(&sim_node_kind_bsf, t->bsf, path);
}

static void t_free(T *t)
{
    diameter_node_free(t->naf_dn);
    http_node_free(t->ue_hn);
    diameter_node_free(t->hss_dn);
    test_world_clear(&t->tw); /* frees the BSF (node->impl) */
    sim_config_free(t->cfg);
    aka_hn_free(t->hn);
    aka_usim_free(t->usim);
    aka_usim_response_clear(&t->ur);
    gaa_zn_bia_clear(&t->bia);
    g_ptr_array_free(t->resps, TRUE);
    g_free(t);
}

/* ---- tests -------------------------------------------------------------------------------------- */

static void test_bootstrap_and_zn(void)
{
    T *t = t_new("naf");
    gint64 expiry;
    g_autofree char *btid = bootstrap(t, &expiry);
    g_assert_cmpuint(ev_count(t, "gba-bootstrap", "outcome", "challenge"), ==, 1);

    zn_ask(t, btid, NAF_HOST);
    g_assert_cmpuint(t->bia.result.code, ==, DIAMETER_SUCCESS);
    g_assert_cmpstr(t->bia.user_name, ==, IMPI);
    g_assert_true(t->bia.has_me_key);
    /* the UE's own Ks_NAF (TS 33.220 Annex B.3) */
    uint8_t ks[GBA_KS_LEN], ks_naf[32];
    gba_ks_from_ck_ik(t->ur.ck, t->ur.ik, ks);
    g_autoptr(GByteArray) id = g_byte_array_new();
    g_assert_true(gba_naf_id_build(NAF_HOST, GBA_UA_ID_HTTP_DIGEST, id, NULL));
    g_assert_true(gba_ks_naf(ks, t->rand, IMPI, id->data, id->len, ks_naf, NULL, NULL));
    g_assert_cmpmem(t->bia.me_key, 32, ks_naf, 32);
    g_assert_true(t->bia.has_key_expiry_time && t->bia.has_bootstrap_time);
    g_assert_cmpuint(t->bia.key_expiry_time, ==, (guint64)(UT_EPOCH_UNIX + INT64_C(2208988800) + expiry / SIM_S));
    g_assert_cmpuint(t->bia.key_expiry_time - t->bia.bootstrap_time, ==, 300); /* GUSS lifetime < key-lifetime */
    g_assert_true(t->bia.has_gba_type);
    g_assert_cmpuint(t->bia.gba_type, ==, GAA_GBA_TYPE_ME);
    g_assert_nonnull(t->bia.guss);
    g_autoptr(GbaGuss) g = gba_guss_parse(t->bia.guss, strlen(t->bia.guss), NULL);
    g_assert_nonnull(g);
    g_assert_cmpuint(g->uss->len, ==, 1); /* presence only */
    g_assert_true(gba_guss_has_uid(g, "sip:alice.work@home.net"));
    g_assert_false(gba_guss_has_uid(g, "sip:alice-other@home.net"));
    g_assert_cmpstr(ev_last(t, "zn-answer", "result"), ==, "ok");
    g_assert_cmpstr(ev_last(t, "zn-answer", "naf"), ==, NAF_HOST);

    /* unknown B-TID; another NAF's FQDN from this NAF */
    zn_ask(t, "AAAAAAAAAAAAAAAAAAAAAA==@" BSF_HOST, NAF_HOST);
    g_assert_cmpuint(t->bia.result.vendor, ==, DIAMETER_VENDOR_3GPP);
    g_assert_cmpuint(t->bia.result.code, ==, GAA_ERROR_TRANSACTION_IDENTIFIER_INVALID);
    g_assert_false(t->bia.has_me_key);
    g_assert_cmpstr(ev_last(t, "zn-answer", "result"), ==, "unknown-btid");
    zn_ask(t, btid, "ps.home.net");
    g_assert_cmpuint(t->bia.result.code, ==, GAA_ERROR_NOT_AUTHORIZED);
    g_assert_false(t->bia.has_me_key);

    /* a second bootstrap keeps the first usable (bsf.c design notes) */
    gint64 expiry2;
    g_autofree char *btid2 = bootstrap(t, &expiry2);
    g_assert_cmpstr(btid2, !=, btid);
    zn_ask(t, btid, NAF_HOST);
    g_assert_cmpuint(t->bia.result.code, ==, DIAMETER_SUCCESS);
    zn_ask(t, btid2, NAF_HOST);
    g_assert_cmpuint(t->bia.result.code, ==, DIAMETER_SUCCESS);
    g_assert_cmpuint(report_u(t, "live_btids"), ==, 2);

    /* past the lifetime: refused, removed */
    run_for(t, 301 * SIM_S);
    zn_ask(t, btid, NAF_HOST);
    g_assert_cmpuint(t->bia.result.code, ==, GAA_ERROR_TRANSACTION_IDENTIFIER_INVALID);
    g_assert_cmpstr(ev_last(t, "zn-answer", "result"), ==, "expired");
    g_assert_cmpuint(report_u(t, "bootstraps_ok"), ==, 2);
    g_assert_cmpuint(report_u(t, "zn_ok"), ==, 3);
    g_assert_cmpuint(report_u(t, "zn_refused"), ==, 3);
    g_assert_cmpuint(report_u(t, "live_btids"), ==, 0);
    g_assert_cmpuint(report_u(t, "expired"), >=, 1);
    t_free(t);
}

static void test_policy_lifetime_and_any_naf(void)
{
    T *t = t_new(NULL);
    t->guss_lifetime = 0; /* no GUSS lifetime: key-lifetime (600 s) */
    gint64 expiry;
    g_autofree char *btid = bootstrap(t, &expiry);
    zn_ask(t, btid, "ps.home.net"); /* nafs empty: any NAF, any FQDN */
    g_assert_cmpuint(t->bia.result.code, ==, DIAMETER_SUCCESS);
    g_assert_cmpuint(t->bia.key_expiry_time - t->bia.bootstrap_time, ==, 600);
    t_free(t);
}

static void test_wrong_response_and_unknown_user(void)
{
    T *t = t_new(NULL);
    g_autofree char *a0 = initial_auth(IMPI);
    g_autofree char *nonce = take_challenge(t, ue_get(t, a0));
    g_autofree char *bad = answer_auth(t, nonce, FALSE, FALSE, NULL);
    g_assert_cmpuint(ue_get(t, bad)->status, ==, 403);
    g_assert_cmpstr(ev_last(t, "gba-bootstrap", "reason"), ==, "wrong response");
    /* the challenge is gone: even the right response now only gets a new challenge */
    g_autofree char *good = answer_auth(t, nonce, TRUE, FALSE, NULL);
    g_assert_cmpuint(ue_get(t, good)->status, ==, 401);
    g_assert_cmpuint(t->mars, ==, 2);

    g_autofree char *mallory = initial_auth("mallory@home.net");
    g_assert_cmpuint(ue_get(t, mallory)->status, ==, 403);
    g_assert_cmpuint(report_u(t, "failures"), ==, 2);
    g_assert_cmpuint(report_u(t, "bootstraps_ok"), ==, 0);
    g_assert_cmpuint(report_u(t, "live_btids"), ==, 0);
    t_free(t);
}

static void test_resync(void)
{
    T *t = t_new(NULL);
    gint64 expiry;
    g_autofree char *btid = bootstrap(t, &expiry);
    aka_hn_set_sqn(t->hn, 0); /* the AuC falls behind: its next vector replays a used SQN */
    g_autofree char *a0 = initial_auth(IMPI);
    g_autofree char *nonce = take_challenge(t, ue_get(t, a0));
    g_assert_cmpint(t->ures, ==, AKA_RESULT_SYNC_FAILURE);
    g_autofree char *a1 = answer_auth(t, nonce, TRUE, TRUE, NULL); /* auts, empty password */
    g_autofree char *nonce2 = take_challenge(t, ue_get(t, a1));
    g_assert_cmpuint(t->resync_mars, ==, 1);
    g_assert_cmpint(t->ures, ==, AKA_RESULT_OK);
    g_assert_cmpstr(ev_last(t, "gba-bootstrap", "outcome"), ==, "resync");
    g_autofree char *a2 = answer_auth(t, nonce2, TRUE, FALSE, NULL);
    g_assert_cmpuint(ue_get(t, a2)->status, ==, 200);
    g_assert_cmpuint(report_u(t, "resyncs"), ==, 1);
    g_assert_cmpuint(report_u(t, "bootstraps_ok"), ==, 2);
    t_free(t);
}

static void test_ue_rejects_autn(void)
{
    T *t = t_new(NULL);
    g_autofree char *a0 = initial_auth(IMPI);
    g_autofree char *nonce = take_challenge(t, ue_get(t, a0));
    g_autofree char *a1 = g_strdup_printf("Digest username=\"" IMPI "\", realm=\"" BSF_HOST "\", nonce=\"%s\", "
                                          "uri=\"/\", response=\"\"",
                                          nonce);
    g_assert_cmpuint(ue_get(t, a1)->status, ==, 403);
    g_assert_cmpuint(ev_count(t, "gba-bootstrap", "outcome", "failed"), ==, 1);
    t_free(t);
}

static void test_hostile_requests(void)
{
    T *t = t_new(NULL);
    g_assert_cmpuint(ue_get(t, NULL)->status, ==, 400);
    g_assert_cmpuint(ue_get(t, "Digest username=\"unterminated")->status, ==, 400);
    g_assert_cmpuint(ue_get(t, "Basic YWxpY2U6cGFzcw==")->status, ==, 400);
    g_assert_cmpuint(ue_get(t, "Digest realm=\"" BSF_HOST "\", nonce=\"\"")->status, ==, 400);
    g_assert_cmpuint(ue_get(t, "Digest username=\"\"")->status, ==, 400);
    g_autofree char *huge = g_strnfill(300, 'a');
    g_autofree char *huge_auth = g_strdup_printf("Digest username=\"%s@home.net\"", huge);
    g_assert_cmpuint(ue_get(t, huge_auth)->status, ==, 400);
    g_autofree char *a0 = initial_auth(IMPI);
    guint n = t->resps->len;
    ue_send(t, "POST", a0);
    g_assert_cmpuint(ue_wait(t, n + 1)->status, ==, 405);
    /* auts that is not 14 octets of base64, and auts with a nonce that is not base64 */
    g_assert_cmpuint(ue_get(t, "Digest username=\"" IMPI "\", nonce=\"\", auts=\"!!\"")->status, ==, 400);
    g_assert_cmpuint(ue_get(t, "Digest username=\"" IMPI "\", nonce=\"%%\", auts=\"AAAAAAAAAAAAAAAAAAA=\"")->status,
                     ==, 400);
    g_assert_cmpuint(t->mars, ==, 0); /* none of these reached the HSS */
    /* pipelining: a request waiting for Zh is answered before a bad one sent after it */
    n = t->resps->len;
    ue_send(t, "GET", a0);
    ue_send(t, "GET", "garbage");
    ue_wait(t, n + 2);
    g_assert_cmpuint(((Resp *)t->resps->pdata[n])->status, ==, 401);
    g_assert_cmpuint(((Resp *)t->resps->pdata[n + 1])->status, ==, 400);
    g_assert_cmpuint(report_u(t, "bad_requests"), ==, 10);
    t_free(t);
}

static void test_zh_timeout(void)
{
    T *t = t_new(NULL);
    t->hss_silent = TRUE;
    g_autofree char *a0 = initial_auth(IMPI);
    g_assert_cmpuint(ue_get(t, a0)->status, ==, 500);
    g_assert_cmpuint(t->mars, ==, 1);
    g_assert_nonnull(strstr(ev_last(t, "gba-bootstrap", "reason"), "timeout"));
    g_assert_cmpuint(report_u(t, "zh_failures"), ==, 1);
    /* the HSS back: the next attempt works */
    t->hss_silent = FALSE;
    gint64 expiry;
    g_autofree char *btid = bootstrap(t, &expiry);
    g_assert_nonnull(btid);
    t_free(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    g_test_add_func("/bsf/bootstrap-and-zn", test_bootstrap_and_zn);
    g_test_add_func("/bsf/policy-lifetime-any-naf", test_policy_lifetime_and_any_naf);
    g_test_add_func("/bsf/wrong-response-unknown-user", test_wrong_response_and_unknown_user);
    g_test_add_func("/bsf/resync", test_resync);
    g_test_add_func("/bsf/ue-rejects-autn", test_ue_rejects_autn);
    g_test_add_func("/bsf/hostile-requests", test_hostile_requests);
    g_test_add_func("/bsf/zh-timeout", test_zh_timeout);
    return g_test_run();
}
