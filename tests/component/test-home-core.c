/* test-home-core.c: the home network (I-CSCF, S-CSCF, HSS) end to end, without P-CSCF or UE.
 *
 * A world built from a scenario written here: a host "pcscf" (visited.net) behind a router with
 * the three home nodes (home.net). The test plays the P-CSCF and the UE at once on that host: a
 * SipNode sends REGISTER and SUBSCRIBE to the I-CSCF as a P-CSCF would (Path, P-Visited-Network-ID,
 * Authorization with integrity-protected), and the responses are computed with protocols/aka (the
 * subscriber's K/OPc in an AkaUsim) and protocols/http/digest.h. A Diameter client on the same host
 * asks the HSS directly (UAR, LIR) to see what it holds. Events are caught from the trace bus.
 *
 * Covered: first REGISTER → 401 (nonce = RAND || AUTN verifying with K, ik/ck = the USIM's keys);
 * the right response → 200 with bindings, P-Associated-URI, Service-Route, Path, and the S-CSCF
 * stored in the HSS; wrong response → 403; unknown / barred / mismatched users → 403; AUTS for a
 * higher SQN_MS → 401 with a vector above it; a bad AUTS → 403; a challenge the UE deems invalid
 * (nonce without response or auts) → 403; protected re-registration without a
 * challenge; de-registration; expiry after reg-expires; LIR for registered / unregistered / unknown
 * identities; reg-event SUBSCRIBE through the I-CSCF → NOTIFY with reginfo (parsed with libxml2),
 * refresh on re-registration, network-deregister → NOTIFY terminated; AKAv2-MD5; malformed
 * Authorization → 400 and a malformed UAR → the HSS's 5005; bad Expires / Contact / auts / Event /
 * Max-Forwards → 400 / 483 / 489 with an event, garbage datagrams dropped and counted. The run goes
 * through the pcapng writer
 * and tshark must dissect Cx as Diameter 3GPP Cx with nothing malformed (skipped without tshark).
 */
#include "links/udp.h"
#include "nodes/ims/scscf-common.h"
#include "protocols/aka/aka.h"
#include "protocols/http/digest.h"
#include "tests/lib/test-util.h"
#include "tests/lib/test-world.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

static const char scenario_text[] =
    "[scenario]\n"
    "name = home-core\n"
    "seed = 5\n"
    "duration = 2000s\n"
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
    "[subscriber.carol]\n"
    "impi = carol@home.net\n"
    "impus = sip:carol@home.net\n"
    "barred = sip:carol@home.net\n"
    "k = fec86ba6eb707ed08905757b1bb44b8f\n"
    "opc = 00112233445566778899aabbccddeeff\n"
    "hss = hss\n"
    "\n"
    "[node.pcscf]\nkind = host\ndomain = visited.net\n\n"
    "[node.core]\nkind = router\ndomain = home.net\n\n"
    "[node.icscf]\nkind = icscf\ndomain = home.net\nhss = hss\n\n"
    "[node.scscf]\nkind = scscf\ndomain = home.net\nhss = hss\nreg-expires = 600s\n\n"
    "[node.hss]\nkind = hss\ndomain = home.net\nscscf = scscf\n\n"
    "[link.pcscf-core]\na = pcscf eth0 10.0.9.2/24\nb = core eth0 10.0.9.1/24\ndelay = 2ms\n\n"
    "[link.core-icscf]\na = core eth1 10.0.1.1/24\nb = icscf eth0 10.0.1.2/24\n\n"
    "[link.core-scscf]\na = core eth2 10.0.2.1/24\nb = scscf eth0 10.0.2.2/24\n\n"
    "[link.core-hss]\na = core eth3 10.0.3.1/24\nb = hss eth0 10.0.3.2/24\n";

#define REALM "home.net"
#define REG_URI "sip:home.net"
#define SCSCF_URI "sip:scscf.home.net:5060"

/* ---- the world and what it reports ---------------------------------------------------------- */

typedef struct {
    TestWorld tw; /* recording events and capturing packets */
    SipNode *sn;
    DiameterNode *dn;
    osip_message_t *resp;
    GPtrArray *notifies; /* osip_message_t* */
    gboolean cx_done;
    CxResult cx_result;
    char *cx_server;
} Net;

static guint ev_count(Net *n, const char *node, const char *name)
{
    return test_world_event_count(&n->tw, node, name, NULL, NULL);
}

/* Attribute KEY of the last event NAME of NODE (NULL if none). */
static const char *ev_attr(Net *n, const char *node, const char *name, const char *key)
{
    return test_world_event_last(&n->tw, node, name, key);
}

/* ---- the P-CSCF stand-in: SIP and Cx on node "pcscf" ----------------------------------------- */

static void on_request(SipNode *sn, SipTxn *txn, const osip_message_t *req, const SipPeer *from, void *user)
{
    Net *n = user;
    (void)from;
    if (!txn)
        return;
    if (g_str_equal(req->sip_method, "NOTIFY")) {
        g_ptr_array_add(n->notifies, sip_message_clone(req));
        sip_node_reply(sn, txn, 200, "OK", NULL);
    } else {
        sip_node_reply(sn, txn, 501, "Not Implemented", NULL);
    }
}

static void on_response(SipNode *sn, SipTxn *txn, const osip_message_t *resp, void *user)
{
    Net *n = user;
    (void)sn, (void)txn;
    if (resp->status_code < 200)
        return;
    sip_message_free(n->resp);
    n->resp = sip_message_clone(resp);
}

static void on_cx_answer(DiameterNode *dn, const DiameterMsg *msg, void *req_user, void *user)
{
    Net *n = user;
    (void)dn, (void)req_user;
    g_assert_nonnull(msg);
    n->cx_done = TRUE;
    g_clear_pointer(&n->cx_server, g_free);
    const DiameterHeader *h = diameter_msg_header(msg);
    if (h->flags & DIAMETER_FLAG_ERROR || diameter_msg_find(msg, NULL, DIAMETER_AVP_ERROR_MESSAGE, 0)) {
        const DiameterAvp *rc = diameter_msg_find(msg, NULL, DIAMETER_AVP_RESULT_CODE, 0);
        n->cx_result.vendor = 0;
        g_assert_true(rc && diameter_avp_get_u32(rc, &n->cx_result.code));
        return;
    }
    GError *err = NULL;
    if (h->command == CX_CMD_USER_AUTHORIZATION) {
        CxUaa a;
        g_assert_true(cx_uaa_parse(msg, &a, &err));
        n->cx_result = a.result;
        n->cx_server = g_strdup(a.server_name);
        cx_uaa_clear(&a);
    } else {
        CxLia a;
        g_assert_true(cx_lia_parse(msg, &a, &err));
        n->cx_result = a.result;
        n->cx_server = g_strdup(a.server_name);
        cx_lia_clear(&a);
    }
}

static void run_for(Net *n, SimTime dt)
{
    test_world_run_for(&n->tw, dt);
}

static Net *net_new(const char *const *overrides)
{
    Net *n = g_new0(Net, 1);
    GError *err = NULL;
    test_world_init(&n->tw, "home-core", scenario_text, overrides);
    n->notifies = g_ptr_array_new_with_free_func((GDestroyNotify)sip_message_free);
    test_world_record_events(&n->tw);
    test_world_capture(&n->tw);

    SimNode *p = sim_world_find_node(n->tw.w, "pcscf");
    const SipNodeHandlers sh = {.request = on_request, .response = on_response};
    n->sn = sip_node_new(p, &sh, n);
    g_assert_true(sip_node_listen(n->sn, IMS_SIP_PORT, &err));
    const DiameterPeerApp app = {DIAMETER_VENDOR_3GPP, IMS_CX_APP_ID};
    const DiameterNodeHandlers dh = {.answer = on_cx_answer};
    n->dn = diameter_node_new(p, "pcscf.visited.net", "visited.net", &app, &dh, n);
    SimAddr hss;
    g_assert_true(ims_resolve(n->tw.w, "hss.home.net", &hss));
    diameter_node_connect(n->dn, &hss, DIAMETER_PORT);
    run_for(n, 100 * SIM_MS); /* every Diameter connection open */
    return n;
}

static void net_free(Net *n)
{
    diameter_node_free(n->dn);
    sip_node_free(n->sn);
    test_world_clear(&n->tw);
    g_ptr_array_free(n->notifies, TRUE);
    sip_message_free(n->resp);
    g_free(n->cx_server);
    g_free(n);
}

/* Sends REQ to HOST:5060 and runs until its final response (at most 40 s). */
static const osip_message_t *send_wait(Net *n, osip_message_t *req, const char *host)
{
    g_autofree char *uri = g_strdup_printf("sip:%s", host);
    SipPeer peer;
    g_assert_true(cscf_peer_for_uri(n->tw.w, uri, &peer));
    g_clear_pointer(&n->resp, sip_message_free);
    GError *err = NULL;
    g_assert_nonnull(sip_node_send_request(n->sn, req, &peer, &err));
    g_assert_no_error(err);
    for (int i = 0; i < 4000 && !n->resp; i++)
        run_for(n, 10 * SIM_MS);
    g_assert_nonnull(n->resp);
    run_for(n, 50 * SIM_MS); /* let a NOTIFY that follows arrive */
    return n->resp;
}

/* UAR or LIR from the test's Cx client; the answer lands in n->cx_*. */
static void cx_ask(Net *n, GBytes *msg)
{
    n->cx_done = FALSE;
    GError *err = NULL;
    g_assert_true(diameter_node_send(n->dn, msg, n, &err));
    for (int i = 0; i < 1000 && !n->cx_done; i++)
        run_for(n, 10 * SIM_MS);
    g_assert_true(n->cx_done);
}

static void lir(Net *n, const char *impu)
{
    CxLir l = {0};
    l.public_identity = g_strdup(impu);
    cscf_cx_request_common(n->dn, sim_world_find_node(n->tw.w, "hss"), &l.common);
    GError *err = NULL;
    GBytes *b = cx_lir_build(&l, &err);
    g_assert_no_error(err);
    cx_lir_clear(&l);
    cx_ask(n, b);
}

static void uar(Net *n, const char *impi, const char *impu)
{
    CxUar u = {0};
    u.user_name = g_strdup(impi);
    u.public_identity = g_strdup(impu);
    u.visited_network_id = g_strdup("visited.net");
    cscf_cx_request_common(n->dn, sim_world_find_node(n->tw.w, "hss"), &u.common);
    GError *err = NULL;
    GBytes *b = cx_uar_build(&u, &err);
    g_assert_no_error(err);
    cx_uar_clear(&u);
    cx_ask(n, b);
}

static void assert_cx(Net *n, uint32_t vendor, uint32_t code, const char *server)
{
    g_assert_cmpuint(n->cx_result.vendor, ==, vendor);
    g_assert_cmpuint(n->cx_result.code, ==, code);
    g_assert_cmpstr(n->cx_server, ==, server);
}

/* ---- the UE --------------------------------------------------------------------------------- */

typedef struct {
    const char *impi, *impu;
    uint8_t k[16], opc[16];
    AkaUsim *usim;
    char *call_id;
    guint32 cseq;
    const char *contact;
    /* the last challenge */
    char *nonce;
    uint8_t rand[16], autn[16];
    AkaUsimResponse r;
    AkaResult result;
} Ue;

static Ue *ue_new(const char *impi, const char *impu, const char *k, const char *opc, const char *op)
{
    Ue *u = g_new0(Ue, 1);
    u->impi = impi;
    u->impu = impu;
    test_unhex(k, u->k, 16);
    if (op) {
        uint8_t opb[16];
        test_unhex(op, opb, 16);
        g_assert_true(milenage_compute_opc(u->k, opb, u->opc, NULL));
    } else {
        test_unhex(opc, u->opc, 16);
    }
    u->usim = aka_usim_new(u->k, u->opc, NULL, NULL);
    u->call_id = g_strdup_printf("%s-reg@pcscf.visited.net", impi);
    u->contact = "sip:ue@10.20.0.7:5064";
    return u;
}

static void ue_free(Ue *u)
{
    aka_usim_free(u->usim);
    aka_usim_response_clear(&u->r);
    g_free(u->call_id);
    g_free(u->nonce);
    g_free(u);
}

typedef struct {
    const char *nonce, *response, *algorithm, *auts, *integrity, *confidentiality, *raw;
} Cred;

/* REGISTER as the P-CSCF forwards it (TS 24.229 §5.2.2): Path, P-Visited-Network-ID, Authorization
 * with integrity-protected. EXPIRES < 0: no Expires header. */
static osip_message_t *ue_register_msg(Net *n, Ue *u, const Cred *c, gint64 expires)
{
    g_autofree char *branch = sip_node_branch(n->sn);
    g_autofree char *from = g_strdup_printf("<%s>", u->impu);
    g_autofree char *tag = sip_node_tag(n->sn);
    g_autofree char *contact = g_strdup_printf("<%s>", u->contact);
    SipRequestSpec spec = {
        .method = "REGISTER",
        .request_uri = REG_URI,
        .via_host = "pcscf.visited.net",
        .via_port = 5060,
        .branch = branch,
        .from = from,
        .from_tag = tag,
        .to = from,
        .call_id = u->call_id,
        .cseq = ++u->cseq,
        .contact = contact,
    };
    GError *err = NULL;
    osip_message_t *m = sip_request_new(&spec, &err);
    g_assert_no_error(err);
    g_assert_true(sip_message_add_header(m, "Path", "<sip:term@pcscf.visited.net:5060;lr>", &err));
    g_assert_true(sip_message_add_header(m, "P-Visited-Network-ID", "\"visited.net\"", &err));
    if (expires >= 0) {
        g_autofree char *e = g_strdup_printf("%" G_GINT64_FORMAT, expires);
        g_assert_true(sip_message_add_header(m, "Expires", e, &err));
    }
    if (c->raw) {
        g_assert_true(sip_message_add_header(m, "Authorization", c->raw, &err));
        return m;
    }
    SipAuth *a = sip_auth_new("Digest");
    sip_auth_set(a, "username", u->impi, TRUE);
    sip_auth_set(a, "realm", REALM, TRUE);
    sip_auth_set(a, "uri", REG_URI, TRUE);
    sip_auth_set(a, "nonce", c->nonce ? c->nonce : "", TRUE);
    sip_auth_set(a, "response", c->response ? c->response : "", TRUE);
    if (c->response && *c->response) {
        sip_auth_set(a, "algorithm", c->algorithm ? c->algorithm : "AKAv1-MD5", FALSE);
        sip_auth_set(a, "qop", "auth", FALSE);
        sip_auth_set(a, "nc", "00000001", FALSE);
        sip_auth_set(a, "cnonce", "0a4f113b", TRUE);
    }
    if (c->auts)
        sip_auth_set(a, "auts", c->auts, TRUE);
    sip_auth_set(a, "integrity-protected", c->integrity ? c->integrity : "no", TRUE);
    if (c->confidentiality)
        sip_auth_set(a, "confidentiality-protected", c->confidentiality, TRUE);
    g_autofree char *text = sip_auth_format(a);
    sip_auth_free(a);
    g_assert_true(sip_message_add_header(m, "Authorization", text, &err));
    return m;
}

static const osip_message_t *ue_register(Net *n, Ue *u, const Cred *c, gint64 expires)
{
    return send_wait(n, ue_register_msg(n, u, c, expires), "icscf.home.net");
}

/* Takes the challenge of a 401 apart and runs the USIM on it; checks ik/ck against its keys. */
static void ue_challenged(Ue *u, const osip_message_t *resp, const char *algorithm)
{
    g_assert_cmpint(resp->status_code, ==, 401);
    const char *text = sip_message_get_header(resp, "WWW-Authenticate", 0);
    g_assert_nonnull(text);
    SipAuth *a = sip_auth_parse(text, NULL);
    g_assert_nonnull(a);
    g_assert_cmpstr(sip_auth_get(a, "realm"), ==, REALM);
    g_assert_cmpstr(sip_auth_get(a, "algorithm"), ==, algorithm);
    g_assert_cmpstr(sip_auth_get(a, "qop"), ==, "auth");
    g_free(u->nonce);
    u->nonce = g_strdup(sip_auth_get(a, "nonce"));
    g_assert_true(digest_aka_nonce_parse(u->nonce, u->rand, u->autn, NULL, NULL));
    aka_usim_response_clear(&u->r);
    u->result = aka_usim_authenticate(u->usim, u->rand, u->autn, &u->r, NULL);
    if (u->result == AKA_RESULT_OK) {
        g_autofree char *ik = ims_hex(u->r.ik, 16), *ck = ims_hex(u->r.ck, 16);
        g_assert_cmpstr(sip_auth_get(a, "ik"), ==, ik);
        g_assert_cmpstr(sip_auth_get(a, "ck"), ==, ck);
    }
    sip_auth_free(a);
}

/* The Digest response to the last challenge (RFC 3310 / RFC 4169). g_free. */
static char *ue_response(Ue *u, DigestAlgorithm alg)
{
    g_assert_cmpint(u->result, ==, AKA_RESULT_OK);
    uint8_t pw[DIGEST_AKA_PASSWORD_MAX];
    size_t pw_len;
    char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], resp[DIGEST_HEX_SIZE];
    g_assert_true(digest_aka_password(alg, u->r.res, AKA_RES_LEN, u->r.ik, u->r.ck, pw, &pw_len, NULL));
    g_assert_true(digest_ha1(alg, u->impi, REALM, pw, pw_len, NULL, NULL, ha1, NULL));
    g_assert_true(digest_ha2(alg, "REGISTER", REG_URI, ha2, NULL));
    g_assert_true(digest_response(alg, ha1, u->nonce, "00000001", "0a4f113b", "auth", ha2, resp, NULL));
    return g_strdup(resp);
}

/* A whole registration: 401, then 200. */
static const osip_message_t *ue_register_full(Net *n, Ue *u, gint64 expires)
{
    ue_challenged(u, ue_register(n, u, &(Cred){0}, expires), "AKAv1-MD5");
    g_autofree char *r = ue_response(u, DIGEST_ALG_AKAV1_MD5);
    const osip_message_t *ok =
        ue_register(n, u, &(Cred){.nonce = u->nonce, .response = r, .integrity = "yes", .confidentiality = "yes"},
                    expires);
    g_assert_cmpint(ok->status_code, ==, 200);
    return ok;
}

static Ue *alice(void)
{
    return ue_new("alice@home.net", "sip:alice@home.net", "465b5ce8b199b49faa5f0a2ee238a6bc",
                  "cd63cb71954a9f4e48a5994e37a02baf", NULL);
}

static Ue *bob(void)
{
    return ue_new("bob@home.net", "sip:bob@home.net", "0396eb317b6d1c36f19c1c84cd6ffd16", NULL,
                  "ff53bade17df5d4e793073ce9d7579fa");
}

/* ---- reginfo -------------------------------------------------------------------------------- */

typedef struct {
    char *version, *reg_state, *contact_state, *contact_event, *contact_uri, *aors;
    char *substate;
} Reginfo;

static void reginfo_clear(Reginfo *r)
{
    g_free(r->version);
    g_free(r->reg_state);
    g_free(r->contact_state);
    g_free(r->contact_event);
    g_free(r->contact_uri);
    g_free(r->aors);
    g_free(r->substate);
    memset(r, 0, sizeof *r);
}

static char *prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *out = v ? g_strdup((const char *)v) : NULL;
    xmlFree(v);
    return out;
}

static xmlNodePtr first(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST name))
            return c;
    return NULL;
}

/* The NOTIFY number I: headers and the first registration / contact of its reginfo. */
static void reginfo_of(Net *n, guint i, Reginfo *out)
{
    memset(out, 0, sizeof *out);
    g_assert_cmpuint(n->notifies->len, >, i);
    const osip_message_t *m = n->notifies->pdata[i];
    g_assert_cmpstr(sip_message_get_header(m, "Event", 0), ==, "reg");
    out->substate = g_strdup(sip_message_get_header(m, "Subscription-State", 0));
    g_assert_nonnull(m->content_type);
    g_assert_cmpstr(m->content_type->type, ==, "application");
    g_assert_cmpstr(m->content_type->subtype, ==, "reginfo+xml");
    size_t len = 0;
    const char *body = sip_message_body(m, &len);
    g_assert_nonnull(body);
    xmlDocPtr doc = xmlReadMemory(body, (int)len, "reginfo.xml", NULL, XML_PARSE_NONET);
    g_assert_nonnull(doc);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    g_assert_cmpstr((const char *)root->name, ==, "reginfo");
    g_assert_nonnull(root->ns);
    g_assert_cmpstr((const char *)root->ns->href, ==, "urn:ietf:params:xml:ns:reginfo");
    g_autofree char *state = prop(root, "state");
    g_assert_cmpstr(state, ==, "full");
    out->version = prop(root, "version");
    GString *aors = g_string_new(NULL);
    for (xmlNodePtr r = root->children; r; r = r->next)
        if (r->type == XML_ELEMENT_NODE && xmlStrEqual(r->name, BAD_CAST "registration")) {
            g_autofree char *aor = prop(r, "aor");
            g_string_append_printf(aors, "%s%s", aors->len ? " " : "", aor);
        }
    out->aors = g_string_free(aors, FALSE);
    xmlNodePtr reg = first(root, "registration");
    g_assert_nonnull(reg);
    out->reg_state = prop(reg, "state");
    xmlNodePtr c = first(reg, "contact");
    g_assert_nonnull(c);
    out->contact_state = prop(c, "state");
    out->contact_event = prop(c, "event");
    xmlNodePtr uri = first(c, "uri");
    xmlChar *u = uri ? xmlNodeGetContent(uri) : NULL;
    out->contact_uri = g_strdup((const char *)u);
    xmlFree(u);
    xmlFreeDoc(doc);
}

static const osip_message_t *subscribe(Net *n, const char *target, gint64 expires, const char *to_tag,
                                       const char *call_id, guint32 cseq)
{
    g_autofree char *branch = sip_node_branch(n->sn);
    g_autofree char *to = g_strdup_printf("<%s>", target);
    SipRequestSpec spec = {
        .method = "SUBSCRIBE",
        .request_uri = target,
        .via_host = "pcscf.visited.net",
        .via_port = 5060,
        .branch = branch,
        .from = "<sip:pcscf.visited.net>",
        .from_tag = "pcscf-tag-1",
        .to = to,
        .to_tag = to_tag,
        .call_id = call_id,
        .cseq = cseq,
        .contact = "<sip:pcscf.visited.net:5060>",
    };
    GError *err = NULL;
    osip_message_t *m = sip_request_new(&spec, &err);
    g_assert_no_error(err);
    g_assert_true(sip_message_add_header(m, "Event", "reg", &err));
    g_autofree char *e = g_strdup_printf("%" G_GINT64_FORMAT, expires);
    g_assert_true(sip_message_add_header(m, "Expires", e, &err));
    return send_wait(n, m, "icscf.home.net");
}

/* ---- tests ---------------------------------------------------------------------------------- */

static gboolean has_text(const char *haystack, const char *needle)
{
    return haystack && strstr(haystack, needle);
}

/* Registration, what the HSS holds, re-registration, the reg event package, network-deregister. */
static void test_register(void)
{
    Net *n = net_new(NULL);
    Ue *u = alice();

    /* first REGISTER: 401 with the vector; AUTN verifies with K (the USIM accepted it) */
    const osip_message_t *r = ue_register(n, u, &(Cred){0}, 3600);
    ue_challenged(u, r, "AKAv1-MD5");
    g_assert_cmpint(u->result, ==, AKA_RESULT_OK);
    g_assert_cmpuint(ev_count(n, "scscf", "auth-challenge"), ==, 1);
    g_assert_cmpuint(ev_count(n, "icscf", "icscf-forward"), ==, 1);
    /* after the MAR the HSS has stored the S-CSCF: a UAR now says SUBSEQUENT_REGISTRATION */
    uar(n, "alice@home.net", "sip:alice@home.net");
    assert_cx(n, DIAMETER_VENDOR_3GPP, DIAMETER_SUBSEQUENT_REGISTRATION, SCSCF_URI);
    lir(n, "sip:alice@home.net");
    assert_cx(n, DIAMETER_VENDOR_3GPP, DIAMETER_UNREGISTERED_SERVICE, SCSCF_URI);

    /* the right response: 200 */
    g_autofree char *resp = ue_response(u, DIGEST_ALG_AKAV1_MD5);
    r = ue_register(n, u, &(Cred){.nonce = u->nonce, .response = resp, .integrity = "yes", .confidentiality = "yes"},
                    3600);
    g_assert_cmpint(r->status_code, ==, 200);
    g_autofree char *contact = sip_message_header_joined(r, "Contact");
    g_assert_true(has_text(contact, "<sip:ue@10.20.0.7:5064>;expires=600")); /* min(3600, reg-expires) */
    g_assert_cmpstr(sip_message_get_header(r, "Expires", 0), ==, "600");
    g_autofree char *pau = sip_message_header_joined(r, "P-Associated-URI");
    g_assert_cmpstr(pau, ==, "<sip:alice@home.net>, <sip:alice.work@home.net>"); /* no pseudonym, no barred */
    g_autofree char *sr = sip_message_header_joined(r, "Service-Route");
    g_assert_cmpstr(sr, ==, "<sip:orig@scscf.home.net:5060;lr>");
    g_autofree char *path = sip_message_header_joined(r, "Path");
    g_assert_cmpstr(path, ==, "<sip:term@pcscf.visited.net:5060;lr>");
    g_assert_cmpstr(ev_attr(n, "scscf", "registered", "integrity_protected"), ==, "yes");
    g_assert_cmpstr(ev_attr(n, "scscf", "registered", "confidentiality_protected"), ==, "yes");
    g_assert_cmpstr(ev_attr(n, "scscf", "registered", "expires"), ==, "600");
    g_assert_cmpstr(ev_attr(n, "hss", "hss-registration", "assignment_type"), ==, "1");

    /* the HSS holds the S-CSCF name; LIR on registered / unregistered (pseudonym: own set) / unknown */
    uar(n, "alice@home.net", "sip:alice.work@home.net");
    assert_cx(n, DIAMETER_VENDOR_3GPP, DIAMETER_SUBSEQUENT_REGISTRATION, SCSCF_URI);
    lir(n, "sip:alice.work@home.net");
    assert_cx(n, 0, DIAMETER_SUCCESS, SCSCF_URI);
    lir(n, "sip:anon-7f3a@home.net");
    assert_cx(n, DIAMETER_VENDOR_3GPP, DIAMETER_UNREGISTERED_SERVICE, SCSCF_URI);
    lir(n, "sip:nobody@home.net");
    assert_cx(n, DIAMETER_VENDOR_3GPP, DIAMETER_ERROR_USER_UNKNOWN, NULL);

    /* reg event: SUBSCRIBE through the I-CSCF (LIR) to the S-CSCF, then NOTIFY with the full state */
    r = subscribe(n, "sip:alice@home.net", 600000, NULL, "sub-1@pcscf.visited.net", 1);
    g_assert_cmpint(r->status_code, ==, 200);
    g_assert_cmpstr(sip_message_get_header(r, "Expires", 0), ==, "600000");
    osip_generic_param_t *tag = NULL;
    g_assert_cmpint(osip_to_get_tag(r->to, &tag), ==, 0);
    g_autofree char *to_tag = g_strdup(tag->gvalue);
    g_assert_cmpuint(n->notifies->len, ==, 1);
    Reginfo ri;
    reginfo_of(n, 0, &ri);
    g_assert_cmpstr(ri.version, ==, "0");
    g_assert_cmpstr(ri.reg_state, ==, "active");
    g_assert_cmpstr(ri.contact_state, ==, "active");
    g_assert_cmpstr(ri.contact_event, ==, "registered");
    g_assert_cmpstr(ri.contact_uri, ==, "sip:ue@10.20.0.7:5064");
    g_assert_cmpstr(ri.aors, ==, "sip:alice@home.net sip:alice.work@home.net");
    g_assert_true(g_str_has_prefix(ri.substate, "active;expires="));
    reginfo_clear(&ri);
    /* a subscription to an identity that is not registered, and to one that does not exist */
    r = subscribe(n, "sip:anon-7f3a@home.net", 600, NULL, "sub-2@pcscf.visited.net", 1);
    g_assert_cmpint(r->status_code, ==, 480);
    r = subscribe(n, "sip:nobody@home.net", 600, NULL, "sub-3@pcscf.visited.net", 1);
    g_assert_cmpint(r->status_code, ==, 404);

    /* protected re-registration: 200 without a challenge, and a NOTIFY "refreshed" */
    guint challenges = ev_count(n, "scscf", "auth-challenge");
    r = ue_register(n, u, &(Cred){.integrity = "yes", .confidentiality = "yes"}, 600);
    g_assert_cmpint(r->status_code, ==, 200);
    g_assert_cmpuint(ev_count(n, "scscf", "auth-challenge"), ==, challenges);
    g_assert_cmpstr(ev_attr(n, "scscf", "registered", "reregistration"), ==, "true");
    g_assert_cmpstr(ev_attr(n, "scscf", "registered", "authenticated"), ==, "false");
    g_assert_cmpstr(ev_attr(n, "hss", "hss-registration", "assignment_type"), ==, "2");
    g_assert_cmpuint(n->notifies->len, ==, 2);
    reginfo_of(n, 1, &ri);
    g_assert_cmpstr(ri.version, ==, "1");
    g_assert_cmpstr(ri.contact_event, ==, "refreshed");
    reginfo_clear(&ri);
    /* an unprotected REGISTER from the registered user is challenged */
    r = ue_register(n, u, &(Cred){.integrity = "no"}, 600);
    g_assert_cmpint(r->status_code, ==, 401);

    /* network-initiated de-registration: NOTIFY terminated, HSS back to unregistered */
    const SimActionKind *act = sim_action_kind_find("network-deregister");
    g_assert_nonnull(act);
    const SimKeySpec *tables[] = {act->keys, NULL};
    SimConfig *args = sim_config_new("action.nd", tables);
    g_assert_true(sim_config_set(args, "impu", "sip:alice.work@home.net", NULL));
    g_assert_null(sim_config_finish(args));
    act->run(sim_world_find_node(n->tw.w, "scscf"), "nd", args);
    run_for(n, 200 * SIM_MS);
    sim_config_free(args);
    g_assert_cmpuint(ev_count(n, "scscf", "network-deregistered"), ==, 1);
    g_assert_cmpuint(n->notifies->len, ==, 3);
    reginfo_of(n, 2, &ri);
    g_assert_cmpstr(ri.reg_state, ==, "terminated");
    g_assert_cmpstr(ri.contact_state, ==, "terminated");
    g_assert_cmpstr(ri.contact_event, ==, "deactivated");
    g_assert_cmpstr(ri.substate, ==, "terminated;reason=deactivated");
    reginfo_clear(&ri);
    g_assert_cmpstr(ev_attr(n, "hss", "hss-registration", "assignment_type"), ==, "8");
    lir(n, "sip:alice@home.net");
    assert_cx(n, DIAMETER_VENDOR_3GPP, DIAMETER_UNREGISTERED_SERVICE, SCSCF_URI);
    uar(n, "alice@home.net", "sip:alice@home.net");
    assert_cx(n, DIAMETER_VENDOR_3GPP, DIAMETER_FIRST_REGISTRATION, SCSCF_URI); /* name cleared */
    /* the subscription ended with the registration: an in-dialog refresh is unknown */
    r = subscribe(n, "sip:alice@home.net", 600, to_tag, "sub-1@pcscf.visited.net", 2);
    g_assert_cmpint(r->status_code, ==, 481); /* LIR: unregistered service at the S-CSCF, which forgot the dialog */

    /* the report */
    SimReport *rep = sim_report_new();
    scenario_world_report(n->tw.sw, rep);
    g_assert_cmpuint(sim_report_lookup(rep, "nodes/scscf/registrations")->u, ==, 1);
    g_assert_cmpuint(sim_report_lookup(rep, "nodes/scscf/reregistrations")->u, ==, 1);
    g_assert_cmpuint(sim_report_lookup(rep, "nodes/scscf/network_deregistrations")->u, ==, 1);
    g_assert_cmpuint(sim_report_lookup(rep, "nodes/scscf/notifies")->u, ==, 3);
    g_assert_cmpuint(sim_report_lookup(rep, "nodes/hss/vectors")->u, ==, 2);
    g_assert_cmpuint(sim_report_lookup(rep, "nodes/hss/registered_impus")->u, ==, 0);
    g_assert_cmpuint(sim_report_lookup(rep, "nodes/icscf/forwarded")->u, >=, 5);
    sim_report_free(rep);
    ue_free(u);
    net_free(n);
}

/* Wrong response, unknown / barred / mismatched users, malformed input. */
static void test_rejections(void)
{
    Net *n = net_new(NULL);
    Ue *u = bob();
    ue_challenged(u, ue_register(n, u, &(Cred){0}, 600), "AKAv1-MD5");
    const osip_message_t *r = ue_register(
        n, u, &(Cred){.nonce = u->nonce, .response = "0123456789abcdef0123456789abcdef", .integrity = "yes"}, 600);
    g_assert_cmpint(r->status_code, ==, 403);
    g_assert_cmpuint(ev_count(n, "scscf", "auth-failed"), ==, 1);
    g_assert_cmpstr(ev_attr(n, "scscf", "auth-failed", "reason"), ==, "wrong response");
    /* the S-CSCF told the HSS (AUTHENTICATION_FAILURE): no S-CSCF stored any more */
    uar(n, "bob@home.net", "sip:bob@home.net");
    assert_cx(n, DIAMETER_VENDOR_3GPP, DIAMETER_FIRST_REGISTRATION, SCSCF_URI);
    /* the same nonce again: answered once only, so a new challenge */
    g_autofree char *right = ue_response(u, DIGEST_ALG_AKAV1_MD5);
    r = ue_register(n, u, &(Cred){.nonce = u->nonce, .response = right, .integrity = "yes"}, 600);
    g_assert_cmpint(r->status_code, ==, 401);
    /* the UE deems that challenge invalid (its MAC check failed): nonce, no response, no auts → 403 */
    ue_challenged(u, r, "AKAv1-MD5");
    r = ue_register(n, u, &(Cred){.nonce = u->nonce}, 600);
    g_assert_cmpint(r->status_code, ==, 403);
    g_assert_cmpstr(ev_attr(n, "scscf", "auth-failed", "reason"), ==, "challenge deemed invalid by the UE");

    Ue *dave = ue_new("dave@home.net", "sip:dave@home.net", "00000000000000000000000000000000",
                      "00000000000000000000000000000000", NULL);
    g_assert_cmpint(ue_register(n, dave, &(Cred){0}, 600)->status_code, ==, 403); /* UAA 5001 */
    Ue *carol = ue_new("carol@home.net", "sip:carol@home.net", "fec86ba6eb707ed08905757b1bb44b8f",
                       "00112233445566778899aabbccddeeff", NULL);
    g_assert_cmpint(ue_register(n, carol, &(Cred){0}, 600)->status_code, ==, 403); /* UAA 5003: barred */
    Ue *mix = ue_new("alice@home.net", "sip:bob@home.net", "00000000000000000000000000000000",
                     "00000000000000000000000000000000", NULL);
    g_assert_cmpint(ue_register(n, mix, &(Cred){0}, 600)->status_code, ==, 403); /* UAA 5002 */
    g_assert_cmpuint(ev_count(n, "icscf", "icscf-rejected"), ==, 3);

    /* malformed Authorization: the S-CSCF answers 400 */
    r = ue_register(n, u, &(Cred){.raw = "Digest username=\"bob@home.net\", realm"}, 600);
    g_assert_cmpint(r->status_code, ==, 400);
    g_assert_cmpuint(ev_count(n, "scscf", "bad-request"), ==, 1);

    /* a UAR without Visited-Network-Identifier: the HSS's RFC 6733 §7.2 answer, 5005 */
    CxCommon c;
    cscf_cx_request_common(n->dn, sim_world_find_node(n->tw.w, "hss"), &c);
    g_autoptr(DiameterBuilder) b = diameter_builder_new(DIAMETER_FLAG_REQUEST | DIAMETER_FLAG_PROXIABLE,
                                                        CX_CMD_USER_AUTHORIZATION, DIAMETER_APP_CX, c.hop_by_hop,
                                                        c.end_to_end);
    diameter_builder_add_string(b, DIAMETER_AVP_SESSION_ID, 0, c.session_id);
    diameter_builder_add_u32(b, DIAMETER_AVP_AUTH_SESSION_STATE, 0, 1);
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_HOST, 0, c.origin_host);
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_REALM, 0, c.origin_realm);
    diameter_builder_add_string(b, DIAMETER_AVP_DESTINATION_REALM, 0, c.destination_realm);
    diameter_builder_add_string(b, DIAMETER_AVP_USER_NAME, 0, "bob@home.net");
    GBytes *msg = diameter_builder_finish(b, NULL);
    g_assert_nonnull(msg);
    g_free(c.session_id);
    g_free(c.origin_host);
    g_free(c.origin_realm);
    g_free(c.destination_host);
    g_free(c.destination_realm);
    cx_ask(n, msg);
    assert_cx(n, 0, DIAMETER_MISSING_AVP, NULL);
    g_assert_cmpuint(ev_count(n, "hss", "hss-rejected"), ==, 1);

    ue_free(dave);
    ue_free(carol);
    ue_free(mix);
    ue_free(u);
    net_free(n);
}

/* AUTS for a SQN_MS above the HSS's: a fresh vector above it; a forged AUTS: 403. */
static void test_resync(void)
{
    Net *n = net_new(NULL);
    Ue *u = bob();
    ue_challenged(u, ue_register(n, u, &(Cred){0}, 600), "AKAv1-MD5");
    g_autoptr(GError) err = NULL;
    Milenage *m = milenage_new(u->k, u->opc, &err);
    g_assert_no_error(err);
    const uint64_t sqn_ms = aka_sqn_make(5000, 7, AKA_IND_BITS_DEFAULT);
    uint8_t auts[AKA_AUTS_LEN];
    g_assert_true(aka_auts_build(m, u->rand, sqn_ms, auts, NULL));
    g_autofree char *auts64 = g_base64_encode(auts, sizeof auts);
    const osip_message_t *r = ue_register(n, u, &(Cred){.nonce = u->nonce, .auts = auts64}, 600);
    g_assert_cmpint(r->status_code, ==, 401);
    g_assert_cmpstr(ev_attr(n, "hss", "hss-resync", "result"), ==, "ok");
    g_assert_cmpstr(ev_attr(n, "scscf", "auth-challenge", "resync"), ==, "true");
    ue_challenged(u, r, "AKAv1-MD5");
    uint64_t sqn = 0;
    g_assert_cmpint(aka_autn_verify(m, u->rand, u->autn, &sqn, NULL, NULL), ==, AKA_RESULT_OK);
    g_assert_cmpuint(aka_sqn_seq(sqn, AKA_IND_BITS_DEFAULT), >, aka_sqn_seq(sqn_ms, AKA_IND_BITS_DEFAULT));
    /* the fresh vector registers */
    g_autofree char *resp = ue_response(u, DIGEST_ALG_AKAV1_MD5);
    r = ue_register(n, u, &(Cred){.nonce = u->nonce, .response = resp, .integrity = "yes"}, 600);
    g_assert_cmpint(r->status_code, ==, 200);

    /* a forged AUTS (MAC-S wrong) */
    Ue *a = alice();
    ue_challenged(a, ue_register(n, a, &(Cred){0}, 600), "AKAv1-MD5");
    memset(auts, 0x5a, sizeof auts);
    g_autofree char *bad64 = g_base64_encode(auts, sizeof auts);
    r = ue_register(n, a, &(Cred){.nonce = a->nonce, .auts = bad64}, 600);
    g_assert_cmpint(r->status_code, ==, 403);
    g_assert_cmpstr(ev_attr(n, "hss", "hss-resync", "result"), ==, "failed");
    g_assert_cmpuint(ev_count(n, "scscf", "auth-failed"), ==, 1);
    milenage_free(m);
    ue_free(a);
    ue_free(u);
    net_free(n);
}

/* De-registration by the user, then expiry after reg-expires. */
static void test_deregister_expiry(void)
{
    Net *n = net_new(NULL);
    Ue *u = alice();
    ue_register_full(n, u, 600);
    const osip_message_t *r = ue_register(n, u, &(Cred){.integrity = "yes"}, 0);
    g_assert_cmpint(r->status_code, ==, 200);
    g_assert_cmpuint(sip_message_count_header(r, "Contact"), ==, 0);
    g_assert_cmpuint(ev_count(n, "scscf", "deregistered"), ==, 1);
    g_assert_cmpstr(ev_attr(n, "hss", "hss-registration", "assignment_type"), ==, "5");
    lir(n, "sip:alice@home.net");
    assert_cx(n, DIAMETER_VENDOR_3GPP, DIAMETER_UNREGISTERED_SERVICE, SCSCF_URI);

    ue_register_full(n, u, 3600); /* granted 600 s */
    SimTime registered_at = sim_world_now(n->tw.w);
    /* a subscription, then its unsubscription: a final NOTIFY, the registration still active */
    const osip_message_t *s = subscribe(n, "sip:alice.work@home.net", 600, NULL, "sub-u@pcscf.visited.net", 1);
    g_assert_cmpint(s->status_code, ==, 200);
    osip_generic_param_t *tag = NULL;
    g_assert_cmpint(osip_to_get_tag(s->to, &tag), ==, 0);
    g_autofree char *to_tag = g_strdup(tag->gvalue);
    g_assert_cmpint(subscribe(n, "sip:alice.work@home.net", 0, to_tag, "sub-u@pcscf.visited.net", 2)->status_code, ==,
                    200);
    g_assert_cmpuint(n->notifies->len, ==, 2);
    Reginfo ri;
    reginfo_of(n, 1, &ri);
    g_assert_cmpstr(ri.substate, ==, "terminated");
    g_assert_cmpstr(ri.reg_state, ==, "active");
    g_assert_cmpstr(ri.version, ==, "1");
    reginfo_clear(&ri);
    /* a subscription that sees the expiry */
    g_assert_cmpint(subscribe(n, "sip:alice@home.net", 3000, NULL, "sub-e@pcscf.visited.net", 1)->status_code, ==, 200);
    g_assert_cmpuint(n->notifies->len, ==, 3);
    run_for(n, 599 * SIM_S - (sim_world_now(n->tw.w) - registered_at));
    g_assert_cmpuint(ev_count(n, "scscf", "registration-expired"), ==, 0);
    lir(n, "sip:alice@home.net");
    assert_cx(n, 0, DIAMETER_SUCCESS, SCSCF_URI);
    run_for(n, registered_at + 601 * SIM_S - sim_world_now(n->tw.w));
    g_assert_cmpuint(ev_count(n, "scscf", "registration-expired"), ==, 1);
    g_assert_cmpstr(ev_attr(n, "hss", "hss-registration", "assignment_type"), ==, "4");
    g_assert_cmpuint(n->notifies->len, ==, 4);
    reginfo_of(n, 3, &ri);
    g_assert_cmpstr(ri.reg_state, ==, "terminated");
    g_assert_cmpstr(ri.contact_event, ==, "expired");
    g_assert_cmpstr(ri.substate, ==, "terminated;reason=noresource");
    reginfo_clear(&ri);
    lir(n, "sip:alice@home.net");
    assert_cx(n, DIAMETER_VENDOR_3GPP, DIAMETER_UNREGISTERED_SERVICE, SCSCF_URI);
    ue_free(u);
    net_free(n);
}

/* auth-algorithm = AKAv2-MD5 (RFC 4169): the HSS echoes the scheme, the password is derived. */
static void test_akav2(void)
{
    const char *const overrides[] = {"node.scscf.auth-algorithm=AKAv2-MD5", NULL};
    Net *n = net_new(overrides);
    Ue *u = bob();
    ue_challenged(u, ue_register(n, u, &(Cred){0}, 600), "AKAv2-MD5");
    g_autofree char *v1 = ue_response(u, DIGEST_ALG_AKAV1_MD5);
    g_autofree char *v2 = ue_response(u, DIGEST_ALG_AKAV2_MD5);
    g_assert_cmpstr(v1, !=, v2);
    const Cred c = {.nonce = u->nonce, .response = v2, .algorithm = "AKAv2-MD5", .integrity = "yes"};
    const osip_message_t *r = ue_register(n, u, &c, 600);
    g_assert_cmpint(r->status_code, ==, 200);
    ue_free(u);
    net_free(n);
}

/* Requests that parse but make no sense get their protocol answer; garbage is dropped and counted. */
static osip_message_t *with(osip_message_t *m, const char *name, const char *value)
{
    sip_message_remove_header(m, name);
    if (value)
        g_assert_true(sip_message_add_header(m, name, value, NULL));
    return m;
}

static void test_malformed(void)
{
    Net *n = net_new(NULL);
    Ue *u = alice();
    const Cred none = {0};
    struct {
        const char *host, *header, *value;
        int status;
    } cases[] = {
        {"scscf.home.net", "Expires", "soon", 400},
        {"scscf.home.net", "Contact", "<sip:ue@10.20.0.7>;expires=never", 400},
        {"scscf.home.net", "Contact", "*", 400}, /* with Expires 600 */
        {"scscf.home.net", "Authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l", 400},
        {"scscf.home.net", "Authorization", "Digest username=\"alice@home.net\", nonce=\"\", auts=\"!!\"", 400},
        {"icscf.home.net", "Max-Forwards", "0", 483},
        {"icscf.home.net", "Max-Forwards", "many", 400},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        osip_message_t *m = with(ue_register_msg(n, u, &none, 600), cases[i].header, cases[i].value);
        g_assert_cmpint(send_wait(n, m, cases[i].host)->status_code, ==, cases[i].status);
    }
    /* a response missing nc/cnonce to a real challenge: 403 */
    ue_challenged(u, ue_register(n, u, &none, 600), "AKAv1-MD5");
    g_autofree char *raw = g_strdup_printf("Digest username=\"alice@home.net\", realm=\"home.net\", "
                                           "uri=\"sip:home.net\", nonce=\"%s\", response=\"00\", "
                                           "algorithm=AKAv1-MD5",
                                           u->nonce);
    g_assert_cmpint(ue_register(n, u, &(Cred){.raw = raw}, 600)->status_code, ==, 403);
    g_assert_cmpstr(ev_attr(n, "scscf", "auth-failed", "reason"), ==, "qop=auth with nc and cnonce expected");

    /* SUBSCRIBE straight to the S-CSCF: wrong or no Event, bad Expires; other methods */
    const char *events[] = {"presence", NULL};
    for (size_t i = 0; i < G_N_ELEMENTS(events); i++) {
        g_autofree char *branch = sip_node_branch(n->sn);
        SipRequestSpec spec = {.method = "SUBSCRIBE", .request_uri = "sip:alice@home.net",
                               .via_host = "pcscf.visited.net", .via_port = 5060, .branch = branch,
                               .from = "<sip:pcscf.visited.net>", .from_tag = "x1",
                               .to = "<sip:alice@home.net>", .call_id = "bad-sub@pcscf", .cseq = (guint32)i + 1,
                               .contact = "<sip:pcscf.visited.net>"};
        osip_message_t *m = with(sip_request_new(&spec, NULL), "Event", events[i]);
        const osip_message_t *r = send_wait(n, m, "scscf.home.net");
        g_assert_cmpint(r->status_code, ==, 489);
        g_assert_cmpstr(sip_message_get_header(r, "Allow-Events", 0), ==, "reg");
    }
    {
        g_autofree char *branch = sip_node_branch(n->sn);
        SipRequestSpec spec = {.method = "SUBSCRIBE", .request_uri = "sip:alice@home.net",
                               .via_host = "pcscf.visited.net", .via_port = 5060, .branch = branch,
                               .from = "<sip:pcscf.visited.net>", .from_tag = "x2",
                               .to = "<sip:alice@home.net>", .call_id = "bad-sub2@pcscf", .cseq = 1,
                               .contact = "<sip:pcscf.visited.net>"};
        osip_message_t *m = with(with(sip_request_new(&spec, NULL), "Event", "reg"), "Expires", "-5");
        g_assert_cmpint(send_wait(n, m, "scscf.home.net")->status_code, ==, 400);
        g_autofree char *b2 = sip_node_branch(n->sn);
        SipRequestSpec msg = spec;
        msg.method = "MESSAGE";
        msg.branch = b2;
        msg.call_id = "msg@pcscf";
        g_assert_cmpint(send_wait(n, sip_request_new(&msg, NULL), "scscf.home.net")->status_code, ==, 501);
    }
    g_assert_cmpuint(ev_count(n, "scscf", "bad-request"), ==, 6);
    g_assert_cmpuint(ev_count(n, "icscf", "bad-request"), ==, 1);

    /* garbage datagrams: dropped by the SIP layer (RFC 3261 §18.3) and counted, nothing else */
    SimNode *p = sim_world_find_node(n->tw.w, "pcscf");
    UdpSocket *sock = udp_socket_new(net_stack_of(p), NULL, NULL);
    g_assert_true(udp_socket_bind(sock, NULL, 7000, NULL));
    const char *junk[] = {"REGISTER sip:home.net SIP/2.0\r\n\r\n", "\x01\x02\x03", "SIP/2.0 200 OK\r\nVia: x\r\n\r\n"};
    const char *targets[] = {"scscf.home.net", "icscf.home.net"};
    for (size_t t = 0; t < G_N_ELEMENTS(targets); t++)
        for (size_t j = 0; j < G_N_ELEMENTS(junk); j++) {
            SimAddr a;
            g_assert_true(ims_resolve(n->tw.w, targets[t], &a));
            g_assert_true(udp_socket_sendto(sock, junk[j], strlen(junk[j]), &a, 5060, NULL));
        }
    run_for(n, 100 * SIM_MS);
    g_assert_cmpuint(ev_count(n, "scscf", "sip-malformed"), >=, 2);
    g_assert_cmpuint(ev_count(n, "icscf", "sip-malformed"), >=, 2);
    udp_socket_free(sock);
    ue_free(u);
    net_free(n);
}

/* ---- tshark on the capture ------------------------------------------------------------------- */

static void test_tshark(void)
{
    if (!test_have_tshark()) {
        g_test_skip("tshark not installed");
        return;
    }
    Net *n = net_new(NULL);
    Ue *u = alice();
    ue_register_full(n, u, 600);
    g_assert_cmpint(subscribe(n, "sip:alice@home.net", 600, NULL, "sub-9@pcscf.visited.net", 1)->status_code, ==, 200);
    Ue *b = bob();
    ue_challenged(b, ue_register(n, b, &(Cred){0}, 600), "AKAv1-MD5");
    Milenage *m = milenage_new(b->k, b->opc, NULL);
    uint8_t auts[AKA_AUTS_LEN];
    g_assert_true(aka_auts_build(m, b->rand, aka_sqn_make(900, 1, AKA_IND_BITS_DEFAULT), auts, NULL));
    milenage_free(m);
    g_autofree char *auts64 = g_base64_encode(auts, sizeof auts);
    g_assert_cmpint(ue_register(n, b, &(Cred){.nonce = b->nonce, .auts = auts64}, 600)->status_code, ==, 401);
    g_assert_cmpint(ue_register(n, u, &(Cred){.integrity = "yes"}, 0)->status_code, ==, 200);
    lir(n, "sip:alice@home.net");
    g_autofree char *path = g_strdup(n->tw.pcap_path);
    /* every block on disk before tshark reads it (net_free() removes the file) */
    test_world_capture_flush(&n->tw);

    const char *cmds[] = {"-r", path, "-Y", "diameter.applicationId == 16777216", "-T", "fields", "-E", "occurrence=f",
                          "-e", "diameter.cmd.code", NULL};
    g_autofree char *codes = test_run_tshark(cmds);
    g_auto(GStrv) lines = g_strsplit(codes, "\n", -1);
    gboolean seen[4] = {FALSE};
    guint cx = 0;
    for (char **l = lines; *l; l++)
        if (**l) {
            guint64 c = g_ascii_strtoull(*l, NULL, 10);
            g_assert_true(c >= 300 && c <= 303);
            seen[c - 300] = TRUE;
            cx++;
        }
    g_assert_true(seen[0] && seen[1] && seen[2] && seen[3]); /* UAR/UAA, SAR/SAA, LIR/LIA, MAR/MAA */
    g_assert_cmpuint(cx, >=, 14);
    const char *avps[] = {"-r", path, "-Y", "diameter.cmd.code == 301 && diameter.flags.request == 0", "-T", "fields",
                          "-e", "diameter.Cx-User-Data", "-e", "diameter.Server-Name", NULL};
    g_autofree char *user_data = test_run_tshark(avps);
    g_assert_true(strstr(user_data, "IMSSubscription") || strstr(user_data, "3c494d53")); /* text or hex */
    const char *reginfo[] = {"-r", path, "-Y", "sip.Method == \"NOTIFY\"", "-T", "fields", "-e", "sip.Event", NULL};
    g_autofree char *ev = test_run_tshark(reginfo);
    g_assert_true(strstr(ev, "reg") != NULL);
    const char *health[] = {"-r", path, "-Y", "_ws.malformed || _ws.expert.severity >= error", "-T", "fields", "-e",
                            "frame.number", "-e", "_ws.expert.message", NULL};
    g_autofree char *bad = test_run_tshark(health);
    if (*bad)
        g_error("tshark reports problems (frame, message):\n%s", bad);
    ue_free(u);
    ue_free(b);
    net_free(n);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/home-core/register", test_register);
    g_test_add_func("/home-core/rejections", test_rejections);
    g_test_add_func("/home-core/resync", test_resync);
    g_test_add_func("/home-core/deregister-expiry", test_deregister_expiry);
    g_test_add_func("/home-core/akav2", test_akav2);
    g_test_add_func("/home-core/malformed", test_malformed);
    g_test_add_func("/home-core/tshark", test_tshark);
    return g_test_run();
}
