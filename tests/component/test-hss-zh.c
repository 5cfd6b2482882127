/* test-hss-zh.c: the HSS's Zh server (TS 29.109 §4.2) in a small world, over real Diameter on TCP.
 *
 * A world built from a scenario written here: a host "bsf" behind a router with an S-CSCF and the
 * HSS (home.net). The test plays the BSF: a DiameterNode on "bsf" that advertises Zh only connects
 * to the HSS, which advertises Cx and Zh on the same port 3868; a second client on the same host
 * speaks Cx. The vectors are checked with protocols/aka (a USIM holding the subscriber's K/OPc).
 *
 * Covered: one Zh MAR → one vector (AUTN verifies with MILENAGE, RES = XRES, CK/IK equal) and the
 * GUSS (lifetime from `gba-lifetime`, one presence USS listing the non-barred, non-pseudonym
 * IMPUs); Zh and Cx vectors share SQN_HE; resynchronisation from RAND || AUTS (the next AUTN is
 * above SQN_MS and accepted by the USIM) and a bad AUTS (5003, SQN_HE unchanged); unknown IMPI,
 * unknown IMPU and an IMPI/IMPU mismatch → Experimental-Result 5401; a MAR naming nobody → 5005;
 * a Cx request on the Zh-only connection is refused locally (no common application); the HSS
 * report counts Zh MARs; tshark dissects the capture as Diameter 3GPP Zh with nothing malformed
 * (skipped without tshark).
 */
#include "nodes/ims/diameter-node.h"
#include "nodes/ims/ims-common.h"
#include "protocols/aka/aka.h"
#include "protocols/diameter/gaa.h"
#include "protocols/gba/gba-guss.h"
#include "tests/lib/test-util.h"
#include "tests/lib/test-world.h"
#include <string.h>

static const char scenario_text[] =
    "[scenario]\n"
    "name = hss-zh\n"
    "seed = 11\n"
    "duration = 100s\n"
    "\n"
    "[subscriber.alice]\n"
    "impi = alice@home.net\n"
    "impus = sip:alice@home.net, sip:alice.work@home.net, sip:anon-7f3a@home.net, tel:+15550100\n"
    "pseudonyms = sip:anon-7f3a@home.net\n"
    "barred = tel:+15550100\n"
    "k = 465b5ce8b199b49faa5f0a2ee238a6bc\n"
    "opc = cd63cb71954a9f4e48a5994e37a02baf\n"
    "hss = hss\n"
    "\n"
    "[subscriber.bob]\n"
    "impi = bob@home.net\n"
    "impus = sip:bob@home.net\n"
    "k = 0396eb317b6d1c36f19c1c84cd6ffd16\n"
    "op = ff53bade17df5d4e793073ce9d7579fa\n"
    "hss = hss\n"
    "\n"
    "[node.bsf]\nkind = host\ndomain = home.net\n\n"
    "[node.core]\nkind = router\ndomain = home.net\n\n"
    "[node.scscf]\nkind = scscf\ndomain = home.net\nhss = hss\n\n"
    "[node.hss]\nkind = hss\ndomain = home.net\nscscf = scscf\ngba-lifetime = 2h\n\n"
    "[link.bsf-core]\na = bsf eth0 10.0.9.2/24\nb = core eth0 10.0.9.1/24\ndelay = 1ms\n\n"
    "[link.core-scscf]\na = core eth2 10.0.2.1/24\nb = scscf eth0 10.0.2.2/24\n\n"
    "[link.core-hss]\na = core eth3 10.0.3.1/24\nb = hss eth0 10.0.3.2/24\n";

static const uint8_t ALICE_K[16] = {0x46, 0x5b, 0x5c, 0xe8, 0xb1, 0x99, 0xb4, 0x9f,
                                    0xaa, 0x5f, 0x0a, 0x2e, 0xe2, 0x38, 0xa6, 0xbc};
static const uint8_t ALICE_OPC[16] = {0xcd, 0x63, 0xcb, 0x71, 0x95, 0x4a, 0x9f, 0x4e,
                                      0x48, 0xa5, 0x99, 0x4e, 0x37, 0xa0, 0x2b, 0xaf};

typedef struct {
    TestWorld tw; /* capturing packets */
    DiameterNode *zh, *cx; /* the BSF's Zh client, a Cx client on the same host */
    gboolean done;
    gboolean got_null; /* the answer handler ran with no message */
    GBytes *answer;    /* the last answer's bytes */
} Net;

static void on_answer(DiameterNode *dn, const DiameterMsg *msg, void *req_user, void *user)
{
    Net *n = user;
    (void)dn, (void)req_user;
    n->done = TRUE;
    n->got_null = msg == NULL;
    g_clear_pointer(&n->answer, g_bytes_unref);
    if (msg)
        n->answer = diameter_msg_bytes(msg);
}

static void run_for(Net *n, SimTime dt)
{
    test_world_run_for(&n->tw, dt);
}

static Net *net_new(void)
{
    Net *n = g_new0(Net, 1);
    test_world_init(&n->tw, "hss-zh", scenario_text, NULL);
    test_world_capture(&n->tw);

    SimNode *bsf = test_world_node(&n->tw, "bsf", NULL);
    const DiameterNodeHandlers dh = {.answer = on_answer};
    const DiameterPeerApp zh = {DIAMETER_VENDOR_3GPP, GAA_APP_ZH};
    const DiameterPeerApp cx = {DIAMETER_VENDOR_3GPP, IMS_CX_APP_ID};
    n->zh = diameter_node_new_multi(bsf, "bsf.home.net", "home.net", &zh, 1, &dh, n);
    n->cx = diameter_node_new(bsf, "cx.home.net", "home.net", &cx, &dh, n);
    SimAddr hss;
    g_assert_true(ims_resolve(n->tw.w, "hss.home.net", &hss));
    diameter_node_connect(n->zh, &hss, DIAMETER_PORT);
    diameter_node_connect(n->cx, &hss, DIAMETER_PORT);
    run_for(n, 100 * SIM_MS); /* both connections open */
    return n;
}

static void net_free(Net *n)
{
    diameter_node_free(n->zh);
    diameter_node_free(n->cx);
    test_world_clear(&n->tw);
    g_clear_pointer(&n->answer, g_bytes_unref);
    g_free(n);
}

/* Sends MSG on DN and runs until its answer (at most 10 s of simulated time). */
static void ask(Net *n, DiameterNode *dn, GBytes *msg)
{
    n->done = FALSE;
    GError *err = NULL;
    g_assert_true(diameter_node_send(dn, msg, n, &err));
    g_assert_no_error(err);
    for (int i = 0; i < 1000 && !n->done; i++)
        run_for(n, 10 * SIM_MS);
    g_assert_true(n->done);
}

static void request_common(Net *n, DiameterNode *dn, CxCommon *c)
{
    memset(c, 0, sizeof *c);
    c->session_id = diameter_node_session_id(dn);
    c->origin_host = g_strdup(diameter_node_origin_host(dn));
    c->origin_realm = g_strdup("home.net");
    c->destination_host = g_strdup("hss.home.net");
    c->destination_realm = g_strdup("home.net");
    diameter_node_next_ids(dn, &c->hop_by_hop, &c->end_to_end);
    (void)n;
}

/* A Zh MAR for IMPI / IMPU (either may be NULL); RESYNC (30 bytes) or NULL. The answer is parsed
 * into *OUT (clear it). */
static void zh_mar(Net *n, const char *impi, const char *impu, const uint8_t *resync, GaaZhMaa *out)
{
    GaaZhMar m = {0};
    request_common(n, n->zh, &m.common);
    m.user_name = g_strdup(impi);
    m.public_identity = g_strdup(impu);
    m.item.scheme = g_strdup(CX_SCHEME_AKAV1_MD5);
    if (resync) {
        memcpy(m.item.authorization, resync, AKA_RAND_LEN + AKA_AUTS_LEN);
        m.item.authorization_len = AKA_RAND_LEN + AKA_AUTS_LEN;
    }
    GError *err = NULL;
    GBytes *b = gaa_zh_mar_build(&m, &err);
    g_assert_no_error(err);
    uint32_t hbh = m.common.hop_by_hop;
    gaa_zh_mar_clear(&m);
    ask(n, n->zh, b);
    g_assert_false(n->got_null);
    gsize len;
    const uint8_t *p = g_bytes_get_data(n->answer, &len);
    g_autoptr(DiameterMsg) msg = diameter_msg_parse(p, len, &err);
    g_assert_no_error(err);
    g_assert_true(gaa_zh_maa_parse(msg, out, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(out->common.hop_by_hop, ==, hbh);
    g_assert_cmpstr(out->common.origin_host, ==, "hss.home.net");
}

/* The USIM's verdict on the vector of A (MAC, freshness, RES/CK/IK equal to XRES/CK/IK). */
static AkaResult usim_check(AkaUsim *usim, const GaaZhMaa *a, uint64_t *sqn)
{
    g_assert_true(a->has_item);
    g_assert_cmpstr(a->item.scheme, ==, CX_SCHEME_AKAV1_MD5);
    g_assert_cmpuint(a->item.authenticate_len, ==, AKA_RAND_LEN + AKA_AUTN_LEN);
    AkaUsimResponse r;
    GError *err = NULL;
    AkaResult res = aka_usim_authenticate(usim, a->item.authenticate, a->item.authenticate + AKA_RAND_LEN, &r, &err);
    g_assert_no_error(err);
    if (res == AKA_RESULT_OK) {
        g_assert_cmpmem(r.res, AKA_RES_LEN, a->item.authorization, a->item.authorization_len);
        g_assert_true(a->item.has_ck && a->item.has_ik);
        g_assert_cmpmem(r.ck, AKA_CK_LEN, a->item.ck, CX_KEY_LEN);
        g_assert_cmpmem(r.ik, AKA_IK_LEN, a->item.ik, CX_KEY_LEN);
    }
    *sqn = r.sqn;
    aka_usim_response_clear(&r);
    return res;
}

static void test_vector_and_guss(void)
{
    Net *n = net_new();
    GError *err = NULL;
    AkaUsim *usim = aka_usim_new(ALICE_K, ALICE_OPC, NULL, &err);
    g_assert_no_error(err);
    GaaZhMaa a;
    zh_mar(n, "alice@home.net", NULL, NULL, &a);
    g_assert_cmpuint(a.result.vendor, ==, 0);
    g_assert_cmpuint(a.result.code, ==, DIAMETER_SUCCESS);
    g_assert_cmpstr(a.user_name, ==, "alice@home.net");
    uint64_t sqn1 = 0;
    g_assert_cmpint(usim_check(usim, &a, &sqn1), ==, AKA_RESULT_OK);
    /* the GUSS (TS 29.109 Annex A) */
    g_assert_nonnull(a.guss);
    g_autoptr(GbaGuss) g = gba_guss_parse(a.guss, strlen(a.guss), &err);
    g_assert_no_error(err);
    g_assert_cmpuint(g->lifetime, ==, 7200);
    g_assert_false(g->uicc_gba_u);
    g_assert_cmpuint(g->uss->len, ==, 1);
    const GbaUss *u = g->uss->pdata[0];
    g_assert_cmpuint(u->type, ==, GBA_GAA_SERVICE_PRESENCE);
    g_assert_cmpuint(u->uids->len, ==, 2);
    g_assert_cmpstr(u->uids->pdata[0], ==, "sip:alice@home.net");
    g_assert_cmpstr(u->uids->pdata[1], ==, "sip:alice.work@home.net");
    g_assert_false(gba_guss_has_uid(g, "tel:+15550100"));        /* barred */
    g_assert_false(gba_guss_has_uid(g, "sip:anon-7f3a@home.net")); /* pseudonym */
    gaa_zh_maa_clear(&a);

    /* a second request: a fresh vector, one SQN step later */
    zh_mar(n, "alice@home.net", NULL, NULL, &a);
    uint64_t sqn2 = 0;
    g_assert_cmpint(usim_check(usim, &a, &sqn2), ==, AKA_RESULT_OK);
    g_assert_cmpuint(aka_sqn_seq(sqn2, AKA_IND_BITS_DEFAULT), ==, aka_sqn_seq(sqn1, AKA_IND_BITS_DEFAULT) + 1);
    gaa_zh_maa_clear(&a);

    /* a Cx vector from the same AuC continues the sequence */
    CxMar cm = {0};
    request_common(n, n->cx, &cm.common);
    cm.user_name = g_strdup("alice@home.net");
    cm.public_identity = g_strdup("sip:alice@home.net");
    cm.server_name = g_strdup("sip:scscf.home.net:5060");
    cm.number_auth_items = 1;
    cm.item.scheme = g_strdup(CX_SCHEME_AKAV1_MD5);
    GBytes *cb = cx_mar_build(&cm, &err);
    g_assert_no_error(err);
    cx_mar_clear(&cm);
    ask(n, n->cx, cb);
    gsize len;
    const uint8_t *p = g_bytes_get_data(n->answer, &len);
    g_autoptr(DiameterMsg) msg = diameter_msg_parse(p, len, &err);
    CxMaa ca;
    g_assert_true(cx_maa_parse(msg, &ca, &err));
    g_assert_cmpuint(ca.result.code, ==, DIAMETER_SUCCESS);
    g_assert_cmpuint(ca.n_items, ==, 1);
    Milenage *mil = milenage_new(ALICE_K, ALICE_OPC, NULL);
    uint64_t sqn3 = 0;
    g_assert_cmpint(aka_autn_verify(mil, ca.items[0].authenticate, ca.items[0].authenticate + AKA_RAND_LEN, &sqn3,
                                    NULL, &err),
                    ==, AKA_RESULT_OK);
    g_assert_cmpuint(aka_sqn_seq(sqn3, AKA_IND_BITS_DEFAULT), ==, aka_sqn_seq(sqn2, AKA_IND_BITS_DEFAULT) + 1);
    milenage_free(mil);
    cx_maa_clear(&ca);

    /* by IMPU alone: the HSS finds the IMPI */
    zh_mar(n, NULL, "sip:alice.work@home.net", NULL, &a);
    g_assert_cmpuint(a.result.code, ==, DIAMETER_SUCCESS);
    g_assert_cmpstr(a.user_name, ==, "alice@home.net");
    gaa_zh_maa_clear(&a);

    SimReport *rep = sim_report_new();
    scenario_world_report(n->tw.sw, rep);
    g_assert_cmpuint(sim_report_lookup(rep, "nodes/hss/zh_mar")->u, ==, 3);
    g_assert_cmpuint(sim_report_lookup(rep, "nodes/hss/mar")->u, ==, 1);
    g_assert_cmpuint(sim_report_lookup(rep, "nodes/hss/vectors")->u, ==, 4);
    sim_report_free(rep);
    aka_usim_free(usim);
    net_free(n);
}

static void test_resync(void)
{
    Net *n = net_new();
    GError *err = NULL;
    AkaUsim *usim = aka_usim_new(ALICE_K, ALICE_OPC, NULL, &err);
    GaaZhMaa a;
    zh_mar(n, "alice@home.net", NULL, NULL, &a);
    /* the UE's SQN_MS is far ahead (another AuC, a lost HSS state...): it sends RAND || AUTS */
    Milenage *mil = milenage_new(ALICE_K, ALICE_OPC, NULL);
    uint64_t sqn_ms = aka_sqn_make(900, 1, AKA_IND_BITS_DEFAULT);
    uint8_t resync[AKA_RAND_LEN + AKA_AUTS_LEN];
    memcpy(resync, a.item.authenticate, AKA_RAND_LEN);
    g_assert_true(aka_auts_build(mil, resync, sqn_ms, resync + AKA_RAND_LEN, &err));
    gaa_zh_maa_clear(&a);
    zh_mar(n, "alice@home.net", NULL, resync, &a);
    g_assert_cmpuint(a.result.code, ==, DIAMETER_SUCCESS);
    uint64_t sqn = 0;
    g_assert_cmpint(usim_check(usim, &a, &sqn), ==, AKA_RESULT_OK);
    g_assert_cmpuint(aka_sqn_seq(sqn, AKA_IND_BITS_DEFAULT), >, 900);
    g_assert_nonnull(a.guss);
    gaa_zh_maa_clear(&a);

    /* an AUTS that does not verify: 5003, no vector, SQN_HE unchanged */
    resync[AKA_RAND_LEN + AKA_AUTS_LEN - 1] ^= 0x01;
    zh_mar(n, "alice@home.net", NULL, resync, &a);
    g_assert_cmpuint(a.result.vendor, ==, 0);
    g_assert_cmpuint(a.result.code, ==, DIAMETER_AUTHORIZATION_REJECTED);
    g_assert_false(a.has_item);
    g_assert_null(a.guss);
    gaa_zh_maa_clear(&a);
    /* the failed resync left SQN_HE where the good one put it */
    zh_mar(n, "alice@home.net", NULL, NULL, &a);
    uint64_t next = 0;
    g_assert_cmpint(usim_check(usim, &a, &next), ==, AKA_RESULT_OK);
    g_assert_cmpuint(aka_sqn_seq(next, AKA_IND_BITS_DEFAULT), ==, aka_sqn_seq(sqn, AKA_IND_BITS_DEFAULT) + 1);
    gaa_zh_maa_clear(&a);

    SimReport *rep = sim_report_new();
    scenario_world_report(n->tw.sw, rep);
    g_assert_cmpuint(sim_report_lookup(rep, "nodes/hss/resyncs")->u, ==, 1);
    g_assert_cmpuint(sim_report_lookup(rep, "nodes/hss/resync_failures")->u, ==, 1);
    sim_report_free(rep);
    milenage_free(mil);
    aka_usim_free(usim);
    net_free(n);
}

static void test_errors(void)
{
    Net *n = net_new();
    GaaZhMaa a;
    const struct {
        const char *impi, *impu;
    } unknown[] = {
        {"mallory@home.net", NULL},
        {NULL, "sip:mallory@home.net"},
        {"alice@home.net", "sip:bob@home.net"}, /* identities of two subscribers */
    };
    for (guint i = 0; i < G_N_ELEMENTS(unknown); i++) {
        zh_mar(n, unknown[i].impi, unknown[i].impu, NULL, &a);
        g_assert_cmpuint(a.result.vendor, ==, DIAMETER_VENDOR_3GPP);
        g_assert_cmpuint(a.result.code, ==, GAA_ERROR_IDENTITY_UNKNOWN);
        g_assert_false(a.has_item);
        g_assert_null(a.guss);
        g_assert_null(a.user_name);
        gaa_zh_maa_clear(&a);
    }

    /* a MAR naming nobody: the generic answer of RFC 6733 §7.2 with 5005 */
    uint32_t hbh, e2e;
    diameter_node_next_ids(n->zh, &hbh, &e2e);
    DiameterBuilder *b =
        diameter_builder_new(DIAMETER_FLAG_REQUEST | DIAMETER_FLAG_PROXIABLE, GAA_CMD_MA, GAA_APP_ZH, hbh, e2e);
    diameter_builder_add_string(b, DIAMETER_AVP_SESSION_ID, 0, "bsf.home.net;9;9");
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_HOST, 0, "bsf.home.net");
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_REALM, 0, "home.net");
    diameter_builder_add_string(b, DIAMETER_AVP_DESTINATION_REALM, 0, "home.net");
    GError *err = NULL;
    GBytes *bytes = diameter_builder_finish(b, &err);
    diameter_builder_free(b);
    ask(n, n->zh, bytes);
    gsize len;
    const uint8_t *p = g_bytes_get_data(n->answer, &len);
    g_autoptr(DiameterMsg) msg = diameter_msg_parse(p, len, &err);
    g_assert_no_error(err);
    uint32_t rc = 0;
    g_assert_true(diameter_avp_get_u32(diameter_msg_find(msg, NULL, DIAMETER_AVP_RESULT_CODE, 0), &rc));
    g_assert_cmpuint(rc, ==, DIAMETER_MISSING_AVP);
    g_assert_cmpuint(diameter_msg_header(msg)->app_id, ==, GAA_APP_ZH);

    /* Cx on the connection that agreed Zh only: refused before it leaves (RFC 6733 §5.3) */
    CxUar u = {0};
    request_common(n, n->zh, &u.common);
    u.user_name = g_strdup("alice@home.net");
    u.public_identity = g_strdup("sip:alice@home.net");
    u.visited_network_id = g_strdup("home.net");
    GBytes *ub = cx_uar_build(&u, &err);
    g_assert_no_error(err);
    cx_uar_clear(&u);
    ask(n, n->zh, ub);
    g_assert_true(n->got_null);
    net_free(n);
}

/* ---- tshark on the capture ------------------------------------------------------------------- */

static void test_tshark(void)
{
    if (!test_have_tshark()) {
        g_test_skip("tshark not installed");
        return;
    }
    Net *n = net_new();
    GaaZhMaa a;
    zh_mar(n, "alice@home.net", NULL, NULL, &a);
    gaa_zh_maa_clear(&a);
    zh_mar(n, "mallory@home.net", NULL, NULL, &a);
    gaa_zh_maa_clear(&a);
    test_world_capture_flush(&n->tw);
    const char *zh[] = {"-r", n->tw.pcap_path, "-Y", "diameter.applicationId == 16777221", "-T", "fields", "-e",
                        "diameter.cmd.code", "-e", "diameter.flags.request", "-e", "diameter.Experimental-Result-Code",
                        NULL};
    g_autofree char *lines = test_run_tshark(zh);
    /* one line per interface the packet crossed: compare the set of distinct lines */
    g_auto(GStrv) split = g_strsplit(lines, "\n", -1);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (char **l = split; *l; l++)
        if (**l)
            g_hash_table_add(seen, *l);
    g_assert_cmpuint(g_hash_table_size(seen), ==, 3);
    g_assert_true(g_hash_table_contains(seen, "303\t1\t"));     /* MAR */
    g_assert_true(g_hash_table_contains(seen, "303\t0\t"));     /* MAA, success */
    g_assert_true(g_hash_table_contains(seen, "303\t0\t5401")); /* MAA, identity unknown */
    const char *guss[] = {"-r", n->tw.pcap_path, "-Y", "diameter.GBA-UserSecSettings", "-T", "fields", "-e",
                          "diameter.User-Name", NULL};
    g_autofree char *users = test_run_tshark(guss);
    g_assert_true(g_str_has_prefix(users, "alice@home.net\n")); /* the success answer only */
    g_assert_null(strstr(users, "mallory"));
    const char *health[] = {"-r", n->tw.pcap_path, "-Y", "_ws.malformed || _ws.expert.severity >= error", "-T", "fields",
                            "-e", "frame.number", "-e", "_ws.expert.message", NULL};
    g_autofree char *bad = test_run_tshark(health);
    if (*bad)
        g_error("tshark reports problems (frame, message):\n%s", bad);
    net_free(n);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hss-zh/vector-guss", test_vector_and_guss);
    g_test_add_func("/hss-zh/resync", test_resync);
    g_test_add_func("/hss-zh/errors", test_errors);
    g_test_add_func("/hss-zh/tshark", test_tshark);
    return g_test_run();
}
