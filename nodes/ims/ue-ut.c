/* ue-ut.c: the UE's Ut client (ue-ut.h).
 *
 * DESIGN NOTES
 *
 * Operations queue in action order; one runs at a time:
 *   start_op: forged B-TID given -> send; no valid bootstrap -> bootstrap, then send; else send.
 *   bootstrap (Ub, a fresh TCP connection to the BSF, closed after):
 *     GET / with an empty Digest -> 401 AKA challenge -> AUTN ok: Authorization with RES
 *                                                    -> SQN failure: auts, empty password, 401 again
 *                                                    -> MAC failure: the op fails
 *     -> 200 BootstrappingInfo (B-TID, lifetime) -> send
 *   send (Ua, one persistent HTTPS connection to the AP, re-opened for a new B-TID in PSK mode):
 *     -> 401 (cert-digest): without credentials: answer the challenge, same request again;
 *        with our B-TID: stale -> bootstrap once, then again
 *     -> TLS refused (psk): stale -> bootstrap once, then again
 *     -> any other status: the op is done.
 * A forged B-TID (action key btid) is used as given with a key the UE cannot know, never retried.
 * Metrics per op: exchanges (HTTP request/response pairs), TCP connects, TLS handshakes, bytes on
 * TCP (both directions, all connections used), simulated latency.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/ue-ut.h"
#include "nodes/ims/http-node.h"
#include "nodes/ims/ims-common.h"
#include "nodes/ims/ut-ca.h"
#include "protocols/gba/gba-kdf.h"
#include "protocols/http/digest.h"
#include "protocols/pidf/pidf.h"
#include "protocols/xcap/xcap-uri.h"
#include "sim-core/sim-host-clock.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>
#include <string.h>

/* digest.h has no autoptr cleanup for DigestParams: a local one. */
static void params_cleanup(DigestParams **p)
{
    if (*p)
        digest_params_free(*p);
}
#define AUTO_PARAMS __attribute__((cleanup(params_cleanup)))

const char *const ue_ut_security_choices[] = {"psk", "cert-digest", NULL};

#define UT_MAX_BOOTSTRAP_ROUNDS 4 /* 401s answered per bootstrap */
#define UB_PORT 80
#define UA_PORT 443

typedef struct {
    guint index;
    char *label;
    char *method, *auid, *xui, *document, *selector, *content_type, *if_match, *if_none_match, *intended;
    char *forged_btid;
    GBytes *body;
    /* measurements */
    SimTime started;
    guint exchanges, tcp_connects, tls_handshakes;
    uint64_t bytes;
    gboolean bootstrapped, rebootstrapped;
    guint status;
    char *outcome;
    char *etag;          /* ETag of the final response, if any */
    SimTime latency;
} UtOp;

struct UeUt {
    SimNode *node;
    AkaUsim *usim;
    const char *impi, *impu;
    char *bsf, *ap, *ap_host, *bsf_host, *root;
    gboolean psk;
    HttpNode *http;
    SimRng *rng;
    /* bootstrap */
    char *btid;
    uint8_t ks[GBA_KS_LEN], rand[GBA_RAND_LEN];
    SimTime btid_expiry;
    HttpConn *ub;
    guint ub_rounds;
    char *ub_nonce;
    uint8_t ub_res[AKA_RES_LEN];
    gboolean ub_have_res;
    /* Ua */
    HttpConn *ua;
    char *ua_btid;       /* the B-TID the Ua connection was opened with (PSK identity) */
    char *ua_nonce, *ua_realm;
    uint32_t ua_nc;
    HttpConnStats ua_seen; /* stats of `ua` already counted */
    gboolean sent_credentials;
    /* ops */
    GQueue queue;        /* UtOp* waiting */
    UtOp *op;            /* running */
    GPtrArray *done;     /* UtOp*, finished, owned */
    GHashTable *etags;   /* "auid/xui/doc" -> etag */
    guint next_index;
    uint64_t bootstraps, bootstrap_failures;
};

static void op_free(gpointer p)
{
    UtOp *op = p;
    g_free(op->label);
    g_free(op->method);
    g_free(op->auid);
    g_free(op->xui);
    g_free(op->document);
    g_free(op->selector);
    g_free(op->content_type);
    g_free(op->if_match);
    g_free(op->if_none_match);
    g_free(op->intended);
    g_free(op->forged_btid);
    if (op->body)
        g_bytes_unref(op->body);
    g_free(op->outcome);
    g_free(op->etag);
    g_free(op);
}

static void ut_event(UeUt *ut, const char *name, const SimAttr *extra, size_t n)
{
    SimAttr attrs[8];
    size_t k = 0;
    if (ut->op)
        attrs[k++] = SIM_ATTR_S("op", ut->op->label);
    for (size_t i = 0; i < n && k < G_N_ELEMENTS(attrs); i++)
        attrs[k++] = extra[i];
    sim_node_event(ut->node, name, attrs, k);
}

static void start_next(UeUt *ut);
static void bootstrap(UeUt *ut);
static void send_op(UeUt *ut);

/* Counts what the Ua connection moved since the last look. */
static void account_ua(UeUt *ut)
{
    if (!ut->ua || !ut->op)
        return;
    const HttpConnStats *s = http_conn_stats(ut->ua);
    ut->op->bytes += (s->tcp_bytes_tx - ut->ua_seen.tcp_bytes_tx) + (s->tcp_bytes_rx - ut->ua_seen.tcp_bytes_rx);
    if (s->tls_cpu_ns > ut->ua_seen.tls_cpu_ns) {
        g_autofree char *cat = g_strdup_printf("%s:tls", ut->node->name);
        sim_host_cpu_add(cat, s->tls_cpu_ns - ut->ua_seen.tls_cpu_ns);
    }
    ut->ua_seen = *s;
}

static void finish_op(UeUt *ut, guint status, const char *outcome)
{
    UtOp *op = ut->op;
    account_ua(ut);
    op->status = status;
    op->outcome = g_strdup(outcome);
    op->latency = sim_world_now(ut->node->world) - op->started;
    SimAttr attrs[] = {SIM_ATTR_S("method", op->method), SIM_ATTR_I("status", status), SIM_ATTR_S("outcome", outcome),
                       SIM_ATTR_I("latency_ns", op->latency), SIM_ATTR_B("bootstrapped", op->bootstrapped),
                       SIM_ATTR_S("etag", op->etag ? op->etag : "")};
    ut_event(ut, "xcap-done", attrs, G_N_ELEMENTS(attrs));
    g_ptr_array_add(ut->done, op);
    ut->op = NULL;
    start_next(ut);
}

/* ---- keys ---- */

static gboolean bootstrap_valid(const UeUt *ut)
{
    return ut->btid && sim_world_now(ut->node->world) < ut->btid_expiry;
}

/* Ks_NAF for the AP and Ua protocol UA_ID (TS 33.220 Annex B.3), KDF time to host.json. */
static gboolean ks_naf(UeUt *ut, const uint8_t ua_id[GBA_UA_ID_LEN], uint8_t out[GBA_KDF_OUT_LEN])
{
    if (ut->op && ut->op->forged_btid) { /* a B-TID the UE never bootstrapped: no real key */
        for (int i = 0; i < GBA_KDF_OUT_LEN; i++)
            out[i] = (uint8_t)sim_rng_uint32(ut->rng);
        return TRUE;
    }
    int64_t t0 = sim_host_cpu_now();
    g_autoptr(GByteArray) naf_id = g_byte_array_new();
    gboolean ok = gba_naf_id_build(ut->ap_host, ua_id, naf_id, NULL) &&
                  gba_ks_naf(ut->ks, ut->rand, ut->impi, naf_id->data, naf_id->len, out, NULL, NULL);
    g_autofree char *cat = g_strdup_printf("%s:gba-kdf", ut->node->name);
    sim_host_cpu_add(cat, sim_host_cpu_now() - t0);
    return ok;
}

static gboolean psk_for_cipher(const char *hint, uint16_t cipher_id, uint8_t *key, size_t *key_len, void *user)
{
    UeUt *ut = user;
    (void)hint;
    uint8_t ua_id[GBA_UA_ID_LEN];
    gba_ua_id_tls(cipher_id, ua_id); /* TS 33.220 Annex H.3: 01 00 01 yy zz */
    if (!ks_naf(ut, ua_id, key)) /* KEY holds TLS_PSK_MAX (64) octets, Ks_NAF 32 */
        return FALSE;
    *key_len = GBA_KDF_OUT_LEN;
    return TRUE;
}

/* ---- Ub: bootstrapping ---- */

static void bootstrap_failed(UeUt *ut, const char *why)
{
    ut->bootstrap_failures++;
    ut_event(ut, "gba-bootstrap-failed", (SimAttr[]){SIM_ATTR_S("reason", why)}, 1);
    if (ut->ub) {
        HttpConn *c = ut->ub;
        ut->ub = NULL;
        http_conn_close(c);
    }
    if (ut->op)
        finish_op(ut, 0, "bootstrap-failed");
}

static void ub_send(UeUt *ut, const char *authorization)
{
    g_autoptr(HttpMessage) req = http_request_new("GET", "/");
    http_message_set_header(req, "Host", ut->bsf_host);
    http_message_set_header(req, "User-Agent", "3gpp-gba"); /* TS 24.109 §5.2.1 */
    http_message_set_header(req, "Authorization", authorization);
    GError *err = NULL;
    if (!http_conn_request(ut->ub, req, NULL, &err)) {
        bootstrap_failed(ut, err->message);
        g_error_free(err);
        return;
    }
    if (ut->op)
        ut->op->exchanges++;
}

static char *ub_authorization(UeUt *ut, const char *realm, const char *nonce, const uint8_t *password, size_t pw_len,
                              const uint8_t *auts)
{
    AUTO_PARAMS DigestParams * p = digest_params_new("Digest");
    char cnonce[17];
    g_snprintf(cnonce, sizeof cnonce, "%08x%08x", sim_rng_uint32(ut->rng), sim_rng_uint32(ut->rng));
    char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], resp[DIGEST_HEX_SIZE];
    if (!digest_ha1(DIGEST_ALG_AKAV1_MD5, ut->impi, realm, password, pw_len, NULL, NULL, ha1, NULL) ||
        !digest_ha2(DIGEST_ALG_AKAV1_MD5, "GET", "/", ha2, NULL) ||
        !digest_response(DIGEST_ALG_AKAV1_MD5, ha1, nonce, "00000001", cnonce, "auth", ha2, resp, NULL))
        return NULL;
    gboolean ok = digest_params_set(p, "username", ut->impi, TRUE, NULL) &&
                  digest_params_set(p, "realm", realm, TRUE, NULL) && digest_params_set(p, "nonce", nonce, TRUE, NULL) &&
                  digest_params_set(p, "uri", "/", TRUE, NULL) && digest_params_set(p, "qop", "auth", FALSE, NULL) &&
                  digest_params_set(p, "nc", "00000001", FALSE, NULL) &&
                  digest_params_set(p, "cnonce", cnonce, TRUE, NULL) &&
                  digest_params_set(p, "algorithm", "AKAv1-MD5", FALSE, NULL) &&
                  digest_params_set(p, "response", resp, TRUE, NULL) &&
                  (!auts || digest_params_set_auts(p, auts, NULL));
    if (!ok)
        return NULL;
    GString *s = g_string_new(NULL);
    digest_params_to_string(p, s);
    return g_string_free(s, FALSE);
}

static void ub_challenge(UeUt *ut, const HttpMessage *msg)
{
    if (++ut->ub_rounds > UT_MAX_BOOTSTRAP_ROUNDS) {
        bootstrap_failed(ut, "too many challenges");
        return;
    }
    const char *text = http_message_get_header(msg, "WWW-Authenticate");
    AUTO_PARAMS DigestParams * p = text ? digest_params_parse(text, strlen(text), NULL) : NULL;
    const char *nonce = p ? digest_params_get(p, "nonce") : NULL;
    const char *realm = p ? digest_params_get(p, "realm") : NULL;
    uint8_t rand[16], autn[16];
    if (!nonce || !realm || !digest_aka_nonce_parse(nonce, rand, autn, NULL, NULL)) {
        bootstrap_failed(ut, "401 without an AKA challenge");
        return;
    }
    AkaUsimResponse r;
    int64_t t0 = sim_host_cpu_now();
    AkaResult res = aka_usim_authenticate(ut->usim, rand, autn, &r, NULL);
    g_autofree char *cat = g_strdup_printf("%s:aka", ut->node->name);
    sim_host_cpu_add(cat, sim_host_cpu_now() - t0);
    g_autofree char *auth = NULL;
    if (res == AKA_RESULT_SYNC_FAILURE) { /* RFC 3310 §3.4: auts with an empty password */
        ut_event(ut, "gba-sync-failure", NULL, 0);
        auth = ub_authorization(ut, realm, nonce, (const uint8_t *)"", 0, r.auts);
    } else if (res == AKA_RESULT_OK) {
        memcpy(ut->rand, rand, sizeof rand);
        gba_ks_from_ck_ik(r.ck, r.ik, ut->ks); /* TS 33.220 §4.5.2: Ks = CK || IK */
        auth = ub_authorization(ut, realm, nonce, r.res, AKA_RES_LEN, NULL);
    } else {
        aka_usim_response_clear(&r);
        bootstrap_failed(ut, "the BSF failed network authentication (AUTN)");
        return;
    }
    aka_usim_response_clear(&r);
    if (!auth) {
        bootstrap_failed(ut, "cannot build the Authorization");
        return;
    }
    ub_send(ut, auth);
}

/* <BootstrappingInfo xmlns="uri:3gpp-gba"><btid>..</btid><lifetime>..</lifetime> (TS 24.109 Annex C). */
static gboolean parse_bootstrap_info(const uint8_t *body, size_t len, char **btid, SimTime *expiry)
{
    if (!body || len == 0 || len > 4096)
        return FALSE;
    xmlDocPtr doc = xmlReadMemory((const char *)body, (int)len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                                        XML_PARSE_NOWARNING);
    if (!doc)
        return FALSE;
    gboolean ok = FALSE;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char *b = NULL, *l = NULL;
    if (!doc->intSubset && root && xmlStrEqual(root->name, BAD_CAST "BootstrappingInfo") && root->ns &&
        xmlStrEqual(root->ns->href, BAD_CAST "uri:3gpp-gba")) {
        for (xmlNodePtr c = root->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            xmlChar *t = xmlNodeGetContent(c);
            if (xmlStrEqual(c->name, BAD_CAST "btid") && !b)
                b = g_strdup((const char *)t);
            else if (xmlStrEqual(c->name, BAD_CAST "lifetime") && !l)
                l = g_strdup((const char *)t);
            xmlFree(t);
        }
        gint64 ns = 0;
        ok = b && *b && l && pidf_timestamp_parse(g_strstrip(l), &ns);
        if (ok) {
            *btid = g_strdup(g_strstrip(b));
            *expiry = ns;
        }
    }
    g_free(b);
    g_free(l);
    xmlFreeDoc(doc);
    return ok;
}

static void ub_response(UeUt *ut, const HttpMessage *msg)
{
    guint st = http_message_status(msg);
    if (st == 401) {
        ub_challenge(ut, msg);
        return;
    }
    size_t len = 0;
    const uint8_t *body = http_message_body(msg, &len);
    char *btid = NULL;
    SimTime expiry = 0;
    if (st != 200 || !parse_bootstrap_info(body, len, &btid, &expiry)) {
        char why[64];
        g_snprintf(why, sizeof why, "BSF answered %u", st);
        bootstrap_failed(ut, why);
        return;
    }
    g_free(ut->btid);
    ut->btid = btid;
    ut->btid_expiry = expiry;
    ut->bootstraps++;
    HttpConn *c = ut->ub;
    ut->ub = NULL;
    if (ut->op)
        ut->op->bytes += http_conn_stats(c)->tcp_bytes_tx + http_conn_stats(c)->tcp_bytes_rx;
    http_conn_close(c);
    ut_event(ut, "gba-bootstrapped", (SimAttr[]){SIM_ATTR_S("btid", btid), SIM_ATTR_I("expires_ns", expiry)}, 2);
    if (ut->op && !ut->op->method) /* the gba-bootstrap action */
        finish_op(ut, st, "ok");
    else if (ut->op)
        send_op(ut);
}

static void bootstrap(UeUt *ut)
{
    SimAddr addr;
    SimNode *bsf = ut->bsf ? sim_world_find_node(ut->node->world, ut->bsf) : NULL;
    if (!bsf || !ims_node_address(bsf, &addr)) {
        bootstrap_failed(ut, "no BSF");
        return;
    }
    g_clear_pointer(&ut->btid, g_free);
    OPENSSL_cleanse(ut->ks, sizeof ut->ks);
    ut->ub_rounds = 0;
    GError *err = NULL;
    ut->ub = http_node_connect(ut->http, &addr, UB_PORT, NULL, &err);
    if (!ut->ub) {
        bootstrap_failed(ut, err->message);
        g_error_free(err);
        return;
    }
    if (ut->op) {
        ut->op->tcp_connects++;
        ut->op->bootstrapped = TRUE;
    }
    ut_event(ut, "gba-bootstrap-started", NULL, 0);
    /* TS 24.109 §5.2.1: the first request carries the IMPI with an empty nonce and response. */
    g_autofree char *auth = g_strdup_printf("Digest username=\"%s\", realm=\"%s\", nonce=\"\", uri=\"/\", response=\"\"",
                                            ut->impi, ut->bsf_host);
    ub_send(ut, auth);
}

/* ---- Ua: XCAP through the AP ---- */

static HttpConn *ua_connection(UeUt *ut, const char *btid)
{
    if (ut->ua && http_conn_is_open(ut->ua) && (!ut->psk || g_strcmp0(ut->ua_btid, btid) == 0))
        return ut->ua;
    if (ut->ua) { /* PSK: the identity is bound to the session; a new B-TID needs a new one */
        account_ua(ut);
        HttpConn *old = ut->ua;
        ut->ua = NULL;
        http_conn_close(old);
    }
    SimAddr addr;
    SimNode *ap = ut->ap ? sim_world_find_node(ut->node->world, ut->ap) : NULL;
    if (!ap || !ims_node_address(ap, &addr))
        return NULL;
    TlsConfig tls = {.mode = ut->psk ? TLS_MODE_PSK : TLS_MODE_CERT};
    if (ut->psk) {
        tls.psk_identity = btid; /* TS 33.222 §5.4.0.1: the B-TID as PSK identity */
        tls.psk_for_cipher = psk_for_cipher;
        tls.psk_user = ut;
    } else {
        tls.trust = ut_ca(ut->node->world, NULL);
        tls.server_name = ut->ap_host;
        tls.verify_time = ut_unix_time(ut->node->world);
        if (!tls.trust)
            return NULL;
    }
    ut->ua = http_node_connect(ut->http, &addr, UA_PORT, &tls, NULL);
    if (!ut->ua)
        return NULL;
    memset(&ut->ua_seen, 0, sizeof ut->ua_seen);
    g_free(ut->ua_btid);
    ut->ua_btid = g_strdup(btid);
    g_clear_pointer(&ut->ua_nonce, g_free);
    ut->op->tcp_connects++;
    ut->op->tls_handshakes++;
    return ut->ua;
}

static char *ua_authorization(UeUt *ut, const char *btid, const char *method, const char *uri)
{
    uint8_t key[GBA_KDF_OUT_LEN];
    if (!ks_naf(ut, GBA_UA_ID_HTTP_DIGEST, key))
        return NULL;
    /* TS 33.222 §5.3.1.1: username = B-TID, password = base64(Ks_NAF). */
    g_autofree char *password = g_base64_encode(key, sizeof key);
    OPENSSL_cleanse(key, sizeof key);
    char cnonce[17], nc[9];
    g_snprintf(cnonce, sizeof cnonce, "%08x%08x", sim_rng_uint32(ut->rng), sim_rng_uint32(ut->rng));
    g_snprintf(nc, sizeof nc, "%08x", ++ut->ua_nc);
    char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], resp[DIGEST_HEX_SIZE];
    gboolean ok = digest_ha1(DIGEST_ALG_MD5, btid, ut->ua_realm, (const uint8_t *)password, strlen(password), NULL,
                             NULL, ha1, NULL) &&
                  digest_ha2(DIGEST_ALG_MD5, method, uri, ha2, NULL) &&
                  digest_response(DIGEST_ALG_MD5, ha1, ut->ua_nonce, nc, cnonce, "auth", ha2, resp, NULL);
    OPENSSL_cleanse(password, strlen(password));
    if (!ok)
        return NULL;
    AUTO_PARAMS DigestParams * p = digest_params_new("Digest");
    ok = digest_params_set(p, "username", btid, TRUE, NULL) && digest_params_set(p, "realm", ut->ua_realm, TRUE, NULL) &&
         digest_params_set(p, "nonce", ut->ua_nonce, TRUE, NULL) && digest_params_set(p, "uri", uri, TRUE, NULL) &&
         digest_params_set(p, "qop", "auth", FALSE, NULL) && digest_params_set(p, "nc", nc, FALSE, NULL) &&
         digest_params_set(p, "cnonce", cnonce, TRUE, NULL) && digest_params_set(p, "algorithm", "MD5", FALSE, NULL) &&
         digest_params_set(p, "response", resp, TRUE, NULL);
    if (!ok)
        return NULL;
    GString *s = g_string_new(NULL);
    digest_params_to_string(p, s);
    return g_string_free(s, FALSE);
}

static char *etag_key(const UtOp *op)
{
    return g_strdup_printf("%s/%s/%s", op->auid, op->xui, op->document);
}

static const char *default_content_type(const UtOp *op)
{
    if (!op->selector)
        return g_str_equal(op->auid, "pres-rules")       ? "application/auth-policy+xml"
               : g_str_equal(op->auid, "resource-lists") ? "application/resource-lists+xml"
               : g_str_equal(op->auid, "rls-services")   ? "application/rls-services+xml"
                                                         : "application/xml";
    const char *last = strrchr(op->selector, '/');
    last = last ? last + 1 : op->selector;
    return last[0] == '@' ? "application/xcap-att+xml" : "application/xcap-el+xml"; /* RFC 4825 §15.2, §15.3 */
}

static void send_op(UeUt *ut)
{
    UtOp *op = ut->op;
    const char *btid = op->forged_btid ? op->forged_btid : ut->btid;
    if (!btid) {
        bootstrap(ut);
        return;
    }
    HttpConn *c = ua_connection(ut, btid);
    if (!c) {
        finish_op(ut, 0, "no connection to the AP");
        return;
    }
    g_autofree char *target = xcap_uri_build(ut->root, op->auid, op->xui, op->document, op->selector);
    g_autoptr(HttpMessage) req = http_request_new(op->method, target);
    if (!req) {
        finish_op(ut, 0, "bad request");
        return;
    }
    http_message_set_header(req, "Host", ut->ap_host);
    if (op->intended) { /* TS 33.222 §6.3 */
        g_autofree char *q = g_strdup_printf("\"%s\"", op->intended);
        http_message_set_header(req, "X-3GPP-Intended-Identity", q);
    }
    g_autofree char *key = etag_key(op);
    const char *if_match = op->if_match;
    if (if_match && g_str_equal(if_match, "last"))
        if_match = g_hash_table_lookup(ut->etags, key);
    if (if_match)
        http_message_set_header(req, "If-Match", if_match);
    if (op->if_none_match)
        http_message_set_header(req, "If-None-Match", op->if_none_match);
    if (op->body) {
        gsize n;
        const void *p = g_bytes_get_data(op->body, &n);
        http_message_set_body(req, p, n, op->content_type ? op->content_type : default_content_type(op));
    }
    ut->sent_credentials = FALSE;
    if (!ut->psk && ut->ua_nonce) {
        g_autofree char *auth = ua_authorization(ut, btid, op->method, target);
        if (auth) {
            http_message_set_header(req, "Authorization", auth);
            ut->sent_credentials = TRUE;
        }
    }
    if (!http_conn_request(c, req, op, NULL)) {
        finish_op(ut, 0, "send failed");
        return;
    }
    op->exchanges++;
}

/* The AP says our B-TID is no good: bootstrap once more (TS 33.222 §5.3.2, §5.4.0.1). */
static void stale(UeUt *ut, guint status, const char *outcome)
{
    UtOp *op = ut->op;
    if (op->forged_btid || op->rebootstrapped) {
        finish_op(ut, status, outcome);
        return;
    }
    op->rebootstrapped = TRUE;
    ut_event(ut, "ut-btid-stale", (SimAttr[]){SIM_ATTR_S("btid", ut->btid ? ut->btid : "")}, 1);
    bootstrap(ut);
}

static void ua_response(UeUt *ut, const HttpMessage *msg, const char *why)
{
    UtOp *op = ut->op;
    account_ua(ut);
    if (!msg) { /* connection closed or TLS refused */
        ut->ua = NULL;
        if (ut->psk && !op->forged_btid)
            stale(ut, 0, why ? why : "connection closed");
        else
            finish_op(ut, 0, why ? why : "connection closed");
        return;
    }
    guint st = http_message_status(msg);
    if (st == 401 && !ut->psk) {
        const char *text = http_message_get_header(msg, "WWW-Authenticate");
        AUTO_PARAMS DigestParams * p = text ? digest_params_parse(text, strlen(text), NULL) : NULL;
        const char *nonce = p ? digest_params_get(p, "nonce") : NULL;
        const char *realm = p ? digest_params_get(p, "realm") : NULL;
        /* TS 33.222 §5.3.1: realm "3GPP-bootstrapping@<NAF>" asks for GBA credentials */
        if (!nonce || !realm || !g_str_has_prefix(realm, "3GPP-bootstrapping")) {
            finish_op(ut, st, "401 without a GBA challenge");
            return;
        }
        gboolean had = ut->sent_credentials;
        g_free(ut->ua_nonce);
        g_free(ut->ua_realm);
        ut->ua_nonce = g_strdup(nonce);
        ut->ua_realm = g_strdup(realm);
        ut->ua_nc = 0;
        if (had)
            stale(ut, st, "unauthorized");
        else
            send_op(ut);
        return;
    }
    const char *etag = http_message_get_header(msg, "ETag");
    op->etag = g_strdup(etag);
    if (etag)
        g_hash_table_replace(ut->etags, etag_key(op), g_strdup(etag));
    else if (g_str_equal(op->method, "DELETE") && !op->selector && st == 200)
        g_hash_table_remove(ut->etags, etag_key(op)); /* the document is gone, and its ETag */
    finish_op(ut, st, st < 300 ? "ok" : "refused");
}

static void on_response(HttpNode *hn, HttpConn *conn, const HttpMessage *msg, void *req_user, const char *why,
                        void *user)
{
    UeUt *ut = user;
    (void)hn;
    if (conn == ut->ub) {
        if (!msg)
            bootstrap_failed(ut, why ? why : "connection closed");
        else
            ub_response(ut, msg);
        return;
    }
    if (conn == ut->ua && ut->op && req_user == ut->op)
        ua_response(ut, msg, why);
}

static void on_closed(HttpNode *hn, HttpConn *conn, const char *why, void *user)
{
    UeUt *ut = user;
    (void)hn, (void)why;
    if (conn == ut->ua) {
        account_ua(ut);
        ut->ua = NULL;
    }
    if (conn == ut->ub)
        ut->ub = NULL;
}

/* ---- queue ---- */

static void start_next(UeUt *ut)
{
    if (ut->op || g_queue_is_empty(&ut->queue))
        return;
    UtOp *op = ut->op = g_queue_pop_head(&ut->queue);
    op->started = sim_world_now(ut->node->world);
    ut_event(ut, "xcap-start", (SimAttr[]){SIM_ATTR_S("method", op->method), SIM_ATTR_S("auid", op->auid)}, 2);
    if (!op->method) { /* gba-bootstrap action */
        bootstrap(ut);
        return;
    }
    if (!op->forged_btid && !bootstrap_valid(ut))
        bootstrap(ut);
    else
        send_op(ut);
}

static char *opt(const SimConfig *args, const char *key)
{
    const char *v = sim_config_has(args, key) ? sim_config_string(args, key) : NULL;
    return v && *v ? g_strdup(v) : NULL;
}

static void xcap_run(SimNode *node, const char *name, const SimConfig *args)
{
    UeUt *ut = ue_ut_of(node);
    UtOp *op = g_new0(UtOp, 1);
    op->index = ut->next_index++;
    op->label = g_strdup(name);
    op->method = g_strdup(sim_config_string(args, "method"));
    op->auid = g_strdup(sim_config_string(args, "auid"));
    op->document = g_strdup(sim_config_string(args, "document"));
    op->xui = opt(args, "xui");
    if (!op->xui)
        op->xui = g_strdup(ut->impu);
    op->selector = opt(args, "selector");
    op->content_type = opt(args, "content-type");
    op->if_match = opt(args, "if-match");
    op->if_none_match = opt(args, "if-none-match");
    op->intended = opt(args, "intended-identity");
    op->forged_btid = opt(args, "btid");
    g_autofree char *body = opt(args, "body");
    if (body)
        op->body = g_bytes_new(body, strlen(body));
    g_queue_push_tail(&ut->queue, op);
    start_next(ut);
}

static void bootstrap_run(SimNode *node, const char *name, const SimConfig *args)
{
    (void)args;
    UeUt *ut = ue_ut_of(node);
    UtOp *op = g_new0(UtOp, 1);
    op->index = ut->next_index++;
    op->label = g_strdup(name);
    op->auid = g_strdup("-");
    g_queue_push_tail(&ut->queue, op);
    start_next(ut);
}

static const char *const method_choices[] = {"GET", "PUT", "DELETE", NULL};

static const SimKeySpec xcap_keys[] = {
    {"method", SIM_KEY_ENUM, NULL, "HTTP method (RFC 4825 §7)", method_choices, 0, 0, NULL},
    {"auid", SIM_KEY_STRING, "pres-rules", "application usage: pres-rules, resource-lists, rls-services, xcap-caps",
     NULL, 0, 0, NULL},
    {"document", SIM_KEY_STRING, "index", "document name under the user's XUI", NULL, 0, 0, NULL},
    {"xui", SIM_KEY_STRING, "", "XCAP user id in the URI (default: the UE's own IMPU)", NULL, 0, 0, NULL},
    {"selector", SIM_KEY_STRING, "", "node selector after ~~ (RFC 4825 §6.3); empty: the whole document", NULL, 0, 0,
     NULL},
    {"body", SIM_KEY_STRING, "", "request body for PUT (XML text; \\n for new lines)", NULL, 0, 0, NULL},
    {"content-type", SIM_KEY_STRING, "", "Content-Type of the body (default from the AUID or the selector)", NULL, 0,
     0, NULL},
    {"if-match", SIM_KEY_STRING, "", "If-Match value; \"last\": the ETag this UE last saw for the document", NULL, 0,
     0, NULL},
    {"if-none-match", SIM_KEY_STRING, "", "If-None-Match value (\"*\": only if the resource is absent)", NULL, 0, 0,
     NULL},
    {"intended-identity", SIM_KEY_STRING, "", "X-3GPP-Intended-Identity to claim (TS 33.222 §6.3); empty: none", NULL,
     0, 0, NULL},
    {"btid", SIM_KEY_STRING, "", "use this B-TID instead of bootstrapping (a forged one; never retried)", NULL, 0, 0,
     NULL},
    SIM_KEY_END,
};

const SimActionKind sim_action_xcap = {
    .name = "xcap",
    .summary = "an XCAP request over Ut (GBA bootstrap if needed, HTTPS to the Authentication Proxy)",
    .keys = xcap_keys,
    .node_kinds = (const char *const[]){"ue", NULL},
    .run = xcap_run,
};

static const SimKeySpec no_keys[] = {SIM_KEY_END};

const SimActionKind sim_action_gba_bootstrap = {
    .name = "gba-bootstrap",
    .summary = "run GBA bootstrapping with the BSF now (Ub, HTTP Digest AKA)",
    .keys = no_keys,
    .node_kinds = (const char *const[]){"ue", NULL},
    .run = bootstrap_run,
};

/* ---- life ---- */

UeUt *ue_ut_new(SimNode *node, AkaUsim *usim, const char *impi, const char *impu, const SimConfig *cfg,
                GError **error)
{
    (void)error;
    UeUt *ut = g_new0(UeUt, 1);
    ut->node = node;
    ut->usim = usim;
    ut->impi = impi;
    ut->impu = impu;
    g_auto(GStrv) bsf = sim_config_list(cfg, "bsf");
    g_auto(GStrv) ap = sim_config_list(cfg, "ap");
    ut->bsf = g_strdup(bsf[0]);
    ut->ap = g_strdup(ap[0]);
    SimNode *bn = ut->bsf ? sim_world_find_node(node->world, ut->bsf) : NULL;
    SimNode *an = ut->ap ? sim_world_find_node(node->world, ut->ap) : NULL;
    ut->bsf_host = bn ? ims_host_name(bn) : g_strdup("");
    ut->ap_host = an ? ims_host_name(an) : g_strdup("");
    ut->root = g_strdup(sim_config_string(cfg, "xcap-root"));
    ut->psk = g_str_equal(sim_config_string(cfg, "ut-security"), "psk");
    ut->rng = sim_node_rng_new(node, "ut");
    ut->done = g_ptr_array_new_with_free_func(op_free);
    ut->etags = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_queue_init(&ut->queue);
    static const HttpNodeHandlers h = {.response = on_response, .closed = on_closed};
    ut->http = http_node_new(node, &h, ut);
    return ut;
}

void ue_ut_free(UeUt *ut)
{
    if (!ut)
        return;
    http_node_free(ut->http);
    g_queue_clear_full(&ut->queue, op_free);
    if (ut->op)
        op_free(ut->op);
    g_ptr_array_free(ut->done, TRUE);
    g_hash_table_destroy(ut->etags);
    OPENSSL_cleanse(ut->ks, sizeof ut->ks);
    sim_rng_free(ut->rng);
    g_free(ut->bsf);
    g_free(ut->ap);
    g_free(ut->bsf_host);
    g_free(ut->ap_host);
    g_free(ut->root);
    g_free(ut->btid);
    g_free(ut->ua_btid);
    g_free(ut->ua_nonce);
    g_free(ut->ua_realm);
    g_free(ut->ub_nonce);
    g_free(ut);
}

void ue_ut_report(UeUt *ut, SimReport *r)
{
    if (!ut->done->len && !ut->op && !ut->bootstraps && !ut->bootstrap_failures)
        return;
    sim_report_begin(r, "ut");
    sim_report_string(r, "security", ut->psk ? "psk-tls" : "cert-tls-digest");
    sim_report_uint(r, "bootstraps", ut->bootstraps);
    sim_report_uint(r, "bootstrap_failures", ut->bootstrap_failures);
    sim_report_begin(r, "operations");
    for (guint i = 0; i < ut->done->len; i++) {
        const UtOp *op = ut->done->pdata[i];
        char key[32];
        g_snprintf(key, sizeof key, "%03u", op->index); /* report keys sort; keep action order */
        sim_report_begin(r, key);
        sim_report_string(r, "action", op->label);
        sim_report_string(r, "method", op->method ? op->method : "BOOTSTRAP");
        sim_report_string(r, "auid", op->auid);
        if (op->selector)
            sim_report_string(r, "selector", op->selector);
        sim_report_uint(r, "status", op->status);
        sim_report_string(r, "outcome", op->outcome);
        sim_report_string(r, "bootstrap", op->bootstrapped ? "needed" : "valid");
        sim_report_double(r, "latency_ms", (double)op->latency / 1e6, 6);
        /* round trips: HTTP exchanges + one per TCP handshake + two per full TLS 1.2 handshake */
        sim_report_uint(r, "round_trips", op->exchanges + op->tcp_connects + 2 * op->tls_handshakes);
        sim_report_uint(r, "http_exchanges", op->exchanges);
        sim_report_uint(r, "tcp_connects", op->tcp_connects);
        sim_report_uint(r, "tls_handshakes", op->tls_handshakes);
        sim_report_uint(r, "bytes", op->bytes);
        sim_report_end(r);
    }
    sim_report_end(r);
    sim_report_end(r);
}
