/* bsf-ub.c: Ub at the BSF (TS 33.220 §4.5.2, TS 24.109 §4.2-§4.5, RFC 3310) and its Zh client (TS 29.109
 * §4.1).
 *
 * DESIGN NOTES
 *
 * Per IMPI (BsfChallenge, at most one; a newer MAA replaces it):
 *
 *   request without the nonce of the IMPI's challenge (the first GET carries nonce="")
 *       --MAR out (op), MAA with a vector: zh_answer()--> CHALLENGED, 401 ("challenge")
 *       --MAA user unknown--> 403; --no MAA in BSF_ZH_TIMEOUT, connection lost, malformed--> 500
 *   CHALLENGED --that nonce and a response: verify()--> right: bootstrap(), 200 ("ok")
 *                                                        wrong: 403 ("failed")
 *              --that nonce, empty response, no auts (the UE's MAC check failed, TS 24.109 §4.4)--> 403 ("failed")
 *   any --auts (RFC 3310 §3.4)--> MAR out with RAND || AUTS --MAA--> CHALLENGED, 401 ("resync")
 *
 * Invariants. 1. A challenge is answered at most once: it is dropped before its response is checked.
 * 2. Responses on one connection leave in request order (RFC 9112 §9.3.2): each request takes a
 * slot in its connection's queue at once and the queue is flushed from the head, so an immediate
 * 400 never overtakes a 401 waiting for the HSS. 3. An op outlives neither its timer nor its MAA:
 * whichever comes first ends it; ops and connections are found by serial numbers, never by a
 * pointer that may have been freed and reused.
 * The AUTS response is computed by the UE with an empty password (RFC 3310 §3.4); it proves nothing,
 * so it is not checked: the HSS verifies AUTS (MAC-S) itself.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/bsf/bsf-private.h"
#include "nodes/ims/ims-common.h"
#include "protocols/diameter/gaa.h"
#include "protocols/pidf/pidf.h"
#include <openssl/crypto.h>
#include <string.h>

typedef struct {
    uint64_t seq;
    HttpMessage *resp; /* NULL while waiting */
} BsfSlot;

typedef struct {
    uint64_t serial;
    HttpConn *conn;
    GQueue slots; /* BsfSlot*, request order */
    uint64_t next_seq;
} BsfConn;

typedef struct {
    Bsf *b;
    uint64_t id;
    uint64_t conn_serial, slot_seq;
    char *impi;
    gboolean resync;
    SimEventId timer;
} BsfOp;

/* ---- connections and ordered responses (invariant 2) ------------------------------------------ */

static void slot_free(gpointer p)
{
    BsfSlot *s = p;
    if (s->resp)
        http_message_free(s->resp);
    g_free(s);
}

static void conn_free(gpointer p)
{
    BsfConn *bc = p;
    g_queue_clear_full(&bc->slots, slot_free);
    g_free(bc);
}

static void op_free(gpointer p)
{
    BsfOp *op = p;
    if (op->timer)
        sim_engine_cancel(op->b->node->world->engine, op->timer);
    g_free(op->impi);
    g_free(op);
}

void bsf_ub_init(Bsf *b)
{
    b->ops = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, op_free);
    b->conns = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, conn_free);
}

void bsf_ub_clear(Bsf *b)
{
    g_clear_pointer(&b->ops, g_hash_table_destroy);
    g_clear_pointer(&b->conns, g_hash_table_destroy);
}

static BsfConn *conn_of(Bsf *b, HttpConn *conn)
{
    BsfConn *bc = http_conn_get_data(conn);
    if (bc)
        return bc;
    bc = g_new0(BsfConn, 1);
    bc->serial = ++b->next_conn;
    bc->conn = conn;
    g_queue_init(&bc->slots);
    g_hash_table_insert(b->conns, &bc->serial, bc);
    http_conn_set_data(conn, bc, NULL); /* freed through b->conns */
    return bc;
}

void bsf_ub_closed(HttpNode *hn, HttpConn *conn, const char *why, void *user)
{
    Bsf *b = user;
    BsfConn *bc = http_conn_get_data(conn);
    (void)hn, (void)why;
    if (bc && b->conns) {
        http_conn_set_data(conn, NULL, NULL);
        g_hash_table_remove(b->conns, &bc->serial); /* ops still out find no connection */
    }
}

/* Sends the ready responses at the head of connection SERIAL's queue. */
static void flush(Bsf *b, uint64_t serial)
{
    for (;;) {
        BsfConn *bc = g_hash_table_lookup(b->conns, &serial); /* sending may close it */
        BsfSlot *s = bc ? g_queue_peek_head(&bc->slots) : NULL;
        if (!s || !s->resp)
            return;
        g_queue_pop_head(&bc->slots);
        GError *err = NULL;
        if (!http_conn_respond(bc->conn, s->resp, &err)) {
            g_debug("%s: Ub response not sent: %s", b->node->name, err ? err->message : "?");
            g_clear_error(&err);
        }
        slot_free(s);
    }
}

/* Fills slot SEQ of connection SERIAL with RESP (taken over) and flushes. */
static void respond(Bsf *b, uint64_t serial, uint64_t seq, HttpMessage *resp)
{
    BsfConn *bc = g_hash_table_lookup(b->conns, &serial);
    for (GList *l = bc ? bc->slots.head : NULL; l; l = l->next) {
        BsfSlot *s = l->data;
        if (s->seq == seq && !s->resp) {
            s->resp = resp;
            flush(b, serial);
            return;
        }
    }
    if (resp) /* the connection closed meanwhile */
        http_message_free(resp);
}

static HttpMessage *plain_response(guint status)
{
    HttpMessage *m = http_response_new(status, NULL);
    g_assert(m);
    return m;
}

/* ---- failures ---------------------------------------------------------------------------------- */

static void bad_request(Bsf *b, uint64_t serial, uint64_t seq, guint status, const char *impi, const char *why)
{
    b->stats.bad_requests++;
    bsf_bootstrap_event(b, impi, NULL, "failed", why);
    HttpMessage *m = plain_response(status);
    if (status == 405)
        http_message_set_header(m, "Allow", "GET"); /* RFC 9110 §15.5.6 */
    respond(b, serial, seq, m);
}

static void failed(Bsf *b, uint64_t serial, uint64_t seq, guint status, const char *impi, const char *why)
{
    b->stats.failures++;
    bsf_bootstrap_event(b, impi, NULL, "failed", why);
    respond(b, serial, seq, plain_response(status));
}

/* ---- Zh ---------------------------------------------------------------------------------------- */

static void op_timeout(void *arg)
{
    BsfOp *op = arg;
    Bsf *b = op->b;
    op->timer = 0;
    b->stats.zh_failures++;
    failed(b, op->conn_serial, op->slot_seq, 500, op->impi, "no MAA from the HSS (Zh timeout)");
    g_hash_table_remove(b->ops, &op->id); /* a late MAA finds no op */
}

/* MAR for a vector (RAND_AUTS NULL) or for resynchronisation (RAND || AUTS, TS 29.109 §6.1.1). */
static void zh_request(Bsf *b, uint64_t serial, uint64_t seq, const char *impi, const uint8_t *rand_auts)
{
    BsfOp *op = g_new0(BsfOp, 1);
    op->b = b;
    op->id = ++b->next_op;
    op->conn_serial = serial;
    op->slot_seq = seq;
    op->impi = g_strdup(impi);
    op->resync = rand_auts != NULL;
    GaaZhMar m = {0};
    m.common.session_id = diameter_node_session_id(b->zh);
    m.common.origin_host = g_strdup(b->host);
    m.common.origin_realm = g_strdup(b->realm);
    m.common.destination_host = ims_host_name(b->hss);
    m.common.destination_realm = g_strdup(b->hss->domain && *b->hss->domain ? b->hss->domain : b->realm);
    diameter_node_next_ids(b->zh, &m.common.hop_by_hop, &m.common.end_to_end);
    m.user_name = g_strdup(impi);
    m.number_auth_items = 1;
    m.item.scheme = g_strdup(CX_SCHEME_AKAV1_MD5);
    if (rand_auts) {
        memcpy(m.item.authorization, rand_auts, DIGEST_AKA_RAND_LEN + DIGEST_AKA_AUTS_LEN);
        m.item.authorization_len = DIGEST_AKA_RAND_LEN + DIGEST_AKA_AUTS_LEN;
    }
    GError *err = NULL;
    GBytes *msg = gaa_zh_mar_build(&m, &err);
    gaa_zh_mar_clear(&m);
    if (!msg) {
        g_debug("%s: MAR not built: %s", b->node->name, err ? err->message : "?");
        g_clear_error(&err);
        b->stats.zh_failures++;
        failed(b, serial, seq, 500, impi, "MAR could not be built");
        op_free(op);
        return;
    }
    g_hash_table_insert(b->ops, &op->id, op);
    op->timer = sim_engine_schedule_in(b->node->world->engine, BSF_ZH_TIMEOUT, op_timeout, op);
    uint64_t id = op->id;
    /* the answer may run inside the send (a request that cannot be queued): OP may be gone after */
    if (!diameter_node_send(b->zh, msg, GSIZE_TO_POINTER((gsize)id), &err)) {
        g_debug("%s: MAR not sent: %s", b->node->name, err ? err->message : "?");
        g_clear_error(&err);
        if ((op = g_hash_table_lookup(b->ops, &id))) {
            b->stats.zh_failures++;
            failed(b, serial, seq, 500, impi, "MAR could not be sent");
            g_hash_table_remove(b->ops, &id);
        }
    }
}

static HttpMessage *challenge_response(const Bsf *b, const BsfChallenge *ch)
{
    /* TS 24.109 §4.2, RFC 3310 §3.1 (qop="auth": digest.h has no auth-int, see bsf.h) */
    HttpMessage *m = plain_response(401);
    DigestParams *w = digest_params_new("Digest");
    GError *err = NULL;
    gboolean ok = digest_params_set(w, "realm", b->host, TRUE, &err) &&
                  digest_params_set(w, "nonce", ch->nonce, TRUE, &err) &&
                  digest_params_set(w, "algorithm", digest_algorithm_to_string(DIGEST_ALG_AKAV1_MD5), FALSE, &err) &&
                  digest_params_set(w, "qop", "auth", TRUE, &err);
    g_autoptr(GString) text = g_string_new(NULL);
    digest_params_to_string(w, text);
    digest_params_free(w);
    if (!ok) { /* the host name is ours and the nonce base64: a bug */
        g_warning("%s: WWW-Authenticate not built: %s", b->node->name, err->message);
        g_clear_error(&err);
    }
    http_message_set_header(m, "WWW-Authenticate", text->str);
    return m;
}

/* TRUE for the results that mean "no such user" on Zh (TS 29.109 §6.3: 5401; the Cx 5001 too). */
static gboolean is_user_unknown(const CxResult *r)
{
    return r->vendor == DIAMETER_VENDOR_3GPP &&
           (r->code == GAA_ERROR_IMPI_UNKNOWN || r->code == DIAMETER_ERROR_USER_UNKNOWN);
}

void bsf_zh_answer(DiameterNode *dn, const DiameterMsg *msg, void *req_user, void *user)
{
    Bsf *b = user;
    uint64_t id = GPOINTER_TO_SIZE(req_user);
    BsfOp *op = g_hash_table_lookup(b->ops, &id);
    (void)dn;
    if (!op)
        return; /* timed out already */
    GaaZhMaa a;
    GError *err = NULL;
    gboolean parsed = msg && gaa_zh_maa_parse(msg, &a, &err);
    const CxAuthDataItem *it = parsed && a.has_item ? &a.item : NULL;
    GbaGuss *guss = NULL;
    if (!parsed) {
        b->stats.zh_failures++;
        failed(b, op->conn_serial, op->slot_seq, 500, op->impi, msg ? "MAA malformed" : "no MAA (Zh connection lost)");
        g_clear_error(&err);
        g_hash_table_remove(b->ops, &id);
        return;
    }
    if (!cx_result_is_success(&a.result)) {
        /* TS 33.220 §4.5.2: an unknown user, or an AUTS the HSS refused, cannot be bootstrapped */
        gboolean refused = is_user_unknown(&a.result) || (op->resync && a.result.vendor == 0 &&
                                                           a.result.code == DIAMETER_AUTHORIZATION_REJECTED);
        const char *name = diameter_dict_result_name(a.result.vendor, a.result.code);
        g_autofree char *why = g_strdup_printf("MAA result %u (%s)", a.result.code, name ? name : "?");
        if (!refused)
            b->stats.zh_failures++;
        failed(b, op->conn_serial, op->slot_seq, refused ? 403 : 500, op->impi, why);
    } else if (!it || it->authenticate_len != DIGEST_AKA_RAND_LEN + DIGEST_AKA_AUTN_LEN || it->authorization_len < 4 ||
               it->authorization_len > DIGEST_AKA_RES_MAX || !it->has_ck || !it->has_ik) {
        b->stats.zh_failures++;
        failed(b, op->conn_serial, op->slot_seq, 500, op->impi, "MAA without a usable vector");
    } else if (a.guss && !(guss = gba_guss_parse(a.guss, strlen(a.guss), &err))) {
        g_autofree char *why = g_strdup_printf("GUSS unusable: %s", err->message);
        g_clear_error(&err);
        b->stats.zh_failures++;
        failed(b, op->conn_serial, op->slot_seq, 500, op->impi, why);
    } else {
        BsfChallenge *ch = g_new0(BsfChallenge, 1);
        ch->impi = g_strdup(op->impi);
        memcpy(ch->rand, it->authenticate, DIGEST_AKA_RAND_LEN);
        memcpy(ch->xres, it->authorization, it->authorization_len);
        ch->xres_len = it->authorization_len;
        memcpy(ch->ck, it->ck, DIGEST_AKA_KEY_LEN);
        memcpy(ch->ik, it->ik, DIGEST_AKA_KEY_LEN);
        ch->guss = guss;
        ch->nonce = digest_aka_nonce_build(ch->rand, it->authenticate + DIGEST_AKA_RAND_LEN, NULL, 0); /* §3.2 */
        g_hash_table_replace(b->challenges, ch->impi, ch);
        b->stats.challenges++;
        b->stats.resyncs += op->resync;
        bsf_bootstrap_event(b, op->impi, NULL, op->resync ? "resync" : "challenge", NULL);
        respond(b, op->conn_serial, op->slot_seq, challenge_response(b, ch));
    }
    gaa_zh_maa_clear(&a);
    g_hash_table_remove(b->ops, &id);
}

/* ---- verifying and bootstrapping ----------------------------------------------------------------- */

/* RFC 3310 §3.3: the response with password XRES. NULL when right (HA1 in HA1_OUT), else why not. */
static const char *verify(const Bsf *b, const BsfChallenge *ch, const DigestParams *p, const char *method,
                          const char *target, char ha1_out[DIGEST_HEX_SIZE])
{
    const char *realm = digest_params_get(p, "realm"), *uri = digest_params_get(p, "uri");
    const char *response = digest_params_get(p, "response"), *algorithm = digest_params_get(p, "algorithm");
    const char *qop = digest_params_get(p, "qop"), *nc = digest_params_get(p, "nc");
    const char *cnonce = digest_params_get(p, "cnonce");
    DigestAlgorithm alg;
    if (!realm || !g_str_equal(realm, b->host))
        return "wrong realm";
    if (!uri || !g_str_equal(uri, target)) /* RFC 7616 §3.4.6 */
        return "uri is not the request-target";
    if (!algorithm || !digest_algorithm_from_string(algorithm, &alg) || alg != DIGEST_ALG_AKAV1_MD5)
        return "algorithm is not AKAv1-MD5";
    if (!qop || g_ascii_strcasecmp(qop, "auth") != 0 || !nc || !cnonce) /* the challenge offered qop=auth */
        return "qop=auth with nc and cnonce expected";
    if (strlen(nc) != 8 || strspn(nc, "0123456789abcdefABCDEF") != 8) /* RFC 7616 §3.4: 8LHEX */
        return "nc is not 8 hex digits";
    uint8_t pw[DIGEST_AKA_PASSWORD_MAX];
    size_t pw_len = 0;
    char ha2[DIGEST_HEX_SIZE], expect[DIGEST_HEX_SIZE];
    GError *err = NULL;
    gboolean ok = digest_aka_password(alg, ch->xres, ch->xres_len, NULL, NULL, pw, &pw_len, &err) &&
                  digest_ha1(alg, ch->impi, realm, pw, pw_len, NULL, NULL, ha1_out, &err) &&
                  digest_ha2(alg, method, uri, ha2, &err) &&
                  digest_response(alg, ha1_out, ch->nonce, nc, cnonce, "auth", ha2, expect, &err);
    OPENSSL_cleanse(pw, sizeof pw);
    g_clear_error(&err);
    if (!ok)
        return "response not computable";
    size_t n = strlen(expect);
    gboolean match = strlen(response) == n && g_ascii_strncasecmp(response, expect, n) == 0;
    OPENSSL_cleanse(expect, sizeof expect);
    return match ? NULL : "wrong response";
}

/* The Authentication-Info value (RFC 7615 §3, RFC 2617 §3.2.3): rspauth with A2 = ":" uri. NULL if
 * something cannot be printed (a cnonce with control characters was refused before, so a bug). */
static char *authentication_info(const BsfChallenge *ch, const DigestParams *p, const char *ha1)
{
    const char *uri = digest_params_get(p, "uri"), *nc = digest_params_get(p, "nc");
    const char *cnonce = digest_params_get(p, "cnonce");
    char ha2[DIGEST_HEX_SIZE], rspauth[DIGEST_HEX_SIZE];
    GError *err = NULL;
    DigestParams *info = digest_params_new("Digest");
    gboolean ok = digest_ha2(DIGEST_ALG_AKAV1_MD5, "", uri, ha2, &err) &&
                  digest_response(DIGEST_ALG_AKAV1_MD5, ha1, ch->nonce, nc, cnonce, "auth", ha2, rspauth, &err) &&
                  digest_params_set(info, "qop", "auth", FALSE, &err) &&
                  digest_params_set(info, "rspauth", rspauth, TRUE, &err) &&
                  digest_params_set(info, "cnonce", cnonce, TRUE, &err) &&
                  digest_params_set(info, "nc", nc, FALSE, &err);
    g_clear_error(&err);
    g_autoptr(GString) text = g_string_new(NULL);
    digest_params_to_string(info, text);
    digest_params_free(info);
    /* the field has no auth-scheme: drop the "Digest " the printer puts first */
    return ok && text->len > 7 ? g_strdup(text->str + 7) : NULL;
}

/* TS 33.220 §4.5.2 step 6 and TS 24.109 §4.2: Ks, B-TID, lifetime, BootstrappingInfo. Takes CH. */
static void bootstrap(Bsf *b, uint64_t serial, uint64_t seq, BsfChallenge *ch, const DigestParams *p,
                      const char *ha1)
{
    g_autofree char *info = authentication_info(ch, p, ha1);
    g_autofree char *btid = gba_btid_build(ch->rand, b->host);
    if (!info || !btid) {
        failed(b, serial, seq, 500, ch->impi, "Authentication-Info not buildable");
        bsf_challenge_free(ch);
        return;
    }
    SimTime lifetime = b->key_lifetime;
    if (ch->guss && ch->guss->lifetime > 0 && (SimTime)ch->guss->lifetime * SIM_S < lifetime)
        lifetime = (SimTime)ch->guss->lifetime * SIM_S; /* the user's setting may shorten the policy */
    BsfBootstrap *bs = g_new0(BsfBootstrap, 1);
    bs->btid = g_strdup(btid);
    bs->impi = g_strdup(ch->impi);
    memcpy(bs->rand, ch->rand, GBA_RAND_LEN);
    gba_ks_from_ck_ik(ch->ck, ch->ik, bs->ks);
    bs->created = bsf_now(b);
    bs->expiry = bs->created + lifetime;
    bs->guss = g_steal_pointer(&ch->guss);
    g_autofree char *expiry = pidf_timestamp_format(bs->expiry);
    g_autofree char *body = g_markup_printf_escaped(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BootstrappingInfo xmlns=\"uri:3gpp-gba\"><btid>%s</btid>"
        "<lifetime>%s</lifetime></BootstrappingInfo>",
        btid, expiry);
    HttpMessage *m = plain_response(200);
    http_message_set_header(m, "Authentication-Info", info);
    http_message_set_body(m, body, strlen(body), "application/vnd.3gpp.bsf+xml");
    b->stats.bootstraps_ok++;
    bsf_bootstrap_event(b, ch->impi, btid, "ok", NULL);
    bsf_bootstrap_add(b, bs);
    bsf_challenge_free(ch);
    respond(b, serial, seq, m);
}

/* ---- the request --------------------------------------------------------------------------------- */

static void resync(Bsf *b, uint64_t serial, uint64_t seq, const char *impi, const DigestParams *p)
{
    uint8_t ra[DIGEST_AKA_RAND_LEN + DIGEST_AKA_AUTS_LEN], autn[DIGEST_AKA_AUTN_LEN];
    const char *nonce = digest_params_get(p, "nonce");
    BsfChallenge *ch = g_hash_table_lookup(b->challenges, impi);
    GError *err = NULL;
    gboolean ok = digest_params_get_auts(p, ra + DIGEST_AKA_RAND_LEN, &err);
    /* TS 24.109 §4.5, RFC 3310 §3.4: the RAND of the challenge the UE could not accept */
    if (ok && ch && nonce && g_str_equal(nonce, ch->nonce))
        memcpy(ra, ch->rand, DIGEST_AKA_RAND_LEN);
    else if (ok)
        ok = nonce && digest_aka_nonce_parse(nonce, ra, autn, NULL, &err);
    g_clear_error(&err);
    if (!ok) {
        bad_request(b, serial, seq, 400, impi, "auts unusable (not 14 octets, or no nonce to take RAND from)");
        return;
    }
    g_hash_table_remove(b->challenges, impi);
    zh_request(b, serial, seq, impi, ra);
}

static void handle(Bsf *b, uint64_t serial, uint64_t seq, const HttpMessage *msg)
{
    const char *method = http_message_method(msg), *target = http_message_target(msg);
    if (!method || !target) {
        bad_request(b, serial, seq, 400, NULL, "not a request");
        return;
    }
    if (!g_str_equal(method, "GET")) { /* TS 24.109 §4.2: bootstrapping is a GET */
        bad_request(b, serial, seq, 405, NULL, "method not allowed on Ub");
        return;
    }
    const char *auth = http_message_get_header(msg, "Authorization");
    GError *err = NULL;
    DigestParams *p = auth ? digest_params_parse(auth, strlen(auth), &err) : NULL;
    g_clear_error(&err);
    const char *impi = p ? digest_params_get(p, "username") : NULL;
    if (!p || g_ascii_strcasecmp(digest_params_scheme(p), "Digest") != 0 || !impi || !*impi ||
        strlen(impi) > BSF_IMPI_MAX || !g_utf8_validate(impi, -1, NULL)) {
        /* without an IMPI there is nobody to challenge (TS 24.109 §4.2: the first GET names it) */
        bad_request(b, serial, seq, 400, NULL, !auth ? "no Authorization" : "Authorization without a usable username");
        if (p)
            digest_params_free(p);
        return;
    }
    const char *auts = digest_params_get(p, "auts");
    const char *nonce = digest_params_get(p, "nonce");
    const char *response = digest_params_get(p, "response");
    BsfChallenge *ch = g_hash_table_lookup(b->challenges, impi);
    if (auts && *auts) {
        resync(b, serial, seq, impi, p);
    } else if (ch && nonce && g_str_equal(nonce, ch->nonce)) {
        g_hash_table_steal(b->challenges, impi); /* invariant 1 */
        char ha1[DIGEST_HEX_SIZE] = "";
        const char *why = response && *response ? verify(b, ch, p, method, target, ha1)
                                                : "challenge rejected by the UE (AUTN)";
        if (why) {
            failed(b, serial, seq, 403, impi, why);
            bsf_challenge_free(ch);
        } else {
            bootstrap(b, serial, seq, ch, p, ha1);
        }
        OPENSSL_cleanse(ha1, sizeof ha1);
    } else {
        zh_request(b, serial, seq, impi, NULL); /* first request, or a nonce we no longer hold */
    }
    digest_params_free(p);
}

void bsf_ub_request(HttpNode *hn, HttpConn *conn, const HttpMessage *msg, void *user)
{
    Bsf *b = user;
    (void)hn;
    BsfConn *bc = conn_of(b, conn);
    BsfSlot *s = g_new0(BsfSlot, 1);
    s->seq = bc->next_seq++;
    g_queue_push_tail(&bc->slots, s);
    handle(b, bc->serial, s->seq, msg);
}
