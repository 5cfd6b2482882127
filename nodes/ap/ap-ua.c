/* ap-ua.c: the Ua side of the Authentication Proxy (ap.h): TLS-PSK keys, HTTP Digest, and the order
 * of answers on each UE connection.
 *
 * DESIGN NOTES
 *
 * Order. Each request becomes an ApSlot at the tail of its connection's queue; answers leave from
 * the head only (RFC 9112 §9.3.2), whatever order they are ready in. Authentication runs for one
 * request of a connection at a time: while one waits for Zn (AP_SLOT_WAIT_ZN) the later ones wait
 * too, so requests reach the PS in the order the UE sent them. A forwarded request (WAIT_PS) does not
 * hold the next one back: the PS connection keeps the order.
 *
 *   NEW --(PSK key, or Digest verified, identity allowed)--> WAIT_PS --(PS answer / failure)--> DONE
 *   NEW --(Digest: B-TID not cached)--> WAIT_ZN --(Zn answer)--> NEW (re-examined once, zn_asked)
 *   NEW --(401 / 400 / 403 / 503)--> DONE
 *
 * PSK (TS 33.222 §5.4). The TLS server holds no key; the HTTP node asks for the key of the PSK
 * identity (the B-TID) when the ClientKeyExchange arrives. A valid cached key is given at once, else
 * Zn is asked; a refusal fails the handshake with unknown_psk_identity (RFC 4279 §2), which is the
 * UE's cue to bootstrap (TS 24.109 §5.3.3.2). A request on a connection whose key has expired since
 * the handshake closes the connection (the next handshake then fails and the UE bootstraps again).
 *
 * Digest (TS 33.222 §5.3, TS 24.109 §5.2). Nonces come from the AP's own stream and are remembered
 * (at most AP_NONCES_MAX) with an nc window, so a nonce may serve many requests but no nc twice.
 * Unknown or refused B-TID, wrong response, replayed nc → 401 with a fresh nonce; an expired key
 * → 401 with stale=true; a malformed Authorization → 400.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ap/ap-private.h"
#include "nodes/ims/ims-common.h"
#include <string.h>

static void auth_event(Ap *ap, const char *btid, const char *outcome)
{
    SimAttr attrs[] = {SIM_ATTR_S("btid", btid ? btid : ""), SIM_ATTR_S("outcome", outcome)};
    sim_node_event(ap->node, "ua-auth", attrs, G_N_ELEMENTS(attrs));
}

/* A B-TID we are willing to name in events and look up: base64 "@" host, printable, bounded. */
static gboolean btid_plausible(const char *btid)
{
    size_t n = strlen(btid);
    if (n == 0 || n > 255 || !strchr(btid, '@'))
        return FALSE;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)btid[i] <= 0x20 || (unsigned char)btid[i] >= 0x7f || btid[i] == '"' || btid[i] == '\\')
            return FALSE;
    return TRUE;
}

static ApConn *conn_get(Ap *ap, HttpConn *conn)
{
    ApConn *c = g_hash_table_lookup(ap->conns, conn);
    if (!c) {
        c = g_new0(ApConn, 1);
        c->ref = 1; /* the table's */
        c->ap = ap;
        c->conn = conn;
        g_queue_init(&c->slots);
        g_hash_table_insert(ap->conns, conn, c);
    }
    return c;
}

static void set_key(ApConn *c, ApKey *k)
{
    if (c->key == k)
        return;
    ap_key_unref(c->key);
    c->key = ap_key_ref(k);
}

/* ---- answers in order ------------------------------------------------------------------------ */

static void process(ApSlot *s);

static void flush(ApConn *c)
{
    ApSlot *s;
    while (c->conn && !c->closing && (s = g_queue_peek_head(&c->slots)) && s->state == AP_SLOT_DONE) {
        g_queue_pop_head(&c->slots);
        GError *err = NULL;
        if (!http_conn_respond(c->conn, s->resp, &err)) {
            g_debug("%s: answer not sent: %s", c->ap->node->name, err ? err->message : "?");
            g_clear_error(&err);
        }
        http_message_free(s->req);
        http_message_free(s->resp);
        g_free(s);
    }
}

static ApSlot *next_to_process(ApConn *c)
{
    for (GList *l = c->slots.head; l; l = l->next) {
        ApSlot *s = l->data;
        if (s->state == AP_SLOT_WAIT_ZN)
            return NULL;
        if (s->state == AP_SLOT_NEW)
            return s;
    }
    return NULL;
}

static void pump(ApConn *c)
{
    if (c->pumping)
        return; /* the outer call goes on */
    ap_conn_ref(c); /* a respond may close the connection under us */
    c->pumping = TRUE;
    for (;;) {
        flush(c);
        ApSlot *s = c->conn && !c->closing ? next_to_process(c) : NULL;
        if (!s)
            break;
        process(s);
    }
    c->pumping = FALSE;
    ap_conn_unref(c);
}

void ap_ua_slot_done(ApSlot *slot, HttpMessage *resp)
{
    g_assert(slot->state != AP_SLOT_DONE);
    slot->state = AP_SLOT_DONE;
    slot->resp = resp;
    pump(slot->c);
}

/* ---- Digest ---------------------------------------------------------------------------------- */

static char *nonce_new(Ap *ap)
{
    uint8_t raw[16];
    sim_rng_bytes(ap->nonce_rng, raw, sizeof raw);
    char *nonce = ims_hex(raw, sizeof raw);
    if (g_queue_get_length(&ap->nonce_order) >= AP_NONCES_MAX)
        g_hash_table_remove(ap->nonces, g_queue_pop_head(&ap->nonce_order));
    char *key = g_strdup(nonce);
    g_hash_table_replace(ap->nonces, key, g_new0(ApNonce, 1));
    g_queue_push_tail(&ap->nonce_order, key);
    return nonce;
}

/* Accepts NC once for N (RFC 7616 §3.4, with a 64-value window). */
static gboolean nonce_use(ApNonce *n, uint32_t nc)
{
    if (nc == 0)
        return FALSE;
    if (nc > n->top) {
        uint32_t shift = nc - n->top;
        n->window = shift >= 64 ? 0 : n->window << shift;
        n->window |= 1;
        n->top = nc;
        return TRUE;
    }
    uint32_t back = n->top - nc;
    if (back >= 64 || (n->window & (UINT64_C(1) << back)))
        return FALSE;
    n->window |= UINT64_C(1) << back;
    return TRUE;
}

static void challenge(ApSlot *s, const char *btid, const char *outcome, gboolean stale)
{
    Ap *ap = s->c->ap;
    g_autofree char *nonce = nonce_new(ap);
    g_autofree char *www = ap_digest_challenge(ap->host, nonce, stale);
    ap->stats.challenges++;
    auth_event(ap, btid, outcome);
    ap_ua_slot_done(s, ap_local_response(401, www));
}

static void local_answer(ApSlot *s, guint status, const char *why)
{
    Ap *ap = s->c->ap;
    g_debug("%s: %u to %s %s: %s", ap->node->name, status, http_message_method(s->req), http_message_target(s->req),
            why);
    if (status == 400)
        ap->stats.bad_requests++;
    else if (status == 403)
        ap->stats.forbidden++;
    else if (status == 503)
        ap->stats.unavailable++;
    ap_ua_slot_done(s, ap_local_response(status, NULL));
}

static void process_digest(ApSlot *s)
{
    ApConn *c = s->c;
    Ap *ap = c->ap;
    ApDigestCreds cr;
    GError *err = NULL;
    if (!ap_digest_creds_parse(s->req, &cr, &err)) {
        gboolean none = err->code == AP_ERROR_NO_CREDENTIALS;
        if (none)
            challenge(s, NULL, "challenge", FALSE); /* TS 24.109 §5.2.4: bootstrapping required */
        else
            local_answer(s, 400, err->message);
        g_error_free(err);
        return;
    }
    g_autofree char *realm = ap_digest_realm(ap->host);
    ApNonce *nonce = g_hash_table_lookup(ap->nonces, cr.nonce);
    const char *btid = btid_plausible(cr.username) ? cr.username : NULL;
    if (!g_str_equal(cr.realm, realm) || !nonce || !btid) {
        challenge(s, btid, "challenge", FALSE);
        ap_digest_creds_clear(&cr);
        return;
    }
    ApKey *k = ap_key_find(ap, btid, GBA_UA_ID_HTTP_DIGEST);
    if (k && ap_key_expired(ap, k)) {
        /* TS 24.109 §5.2.5: the key expired, the UE must bootstrap again */
        ap->stats.expired++;
        challenge(s, btid, "expired", TRUE);
        ap_digest_creds_clear(&cr);
        return;
    }
    if (!k && !s->zn_asked) {
        s->state = AP_SLOT_WAIT_ZN;
        if (!ap_zn_lookup(ap, btid, GBA_UA_ID_HTTP_DIGEST, c)) {
            s->state = AP_SLOT_NEW;
            s->zn_asked = s->zn_broken = TRUE;
            local_answer(s, 503, "Zn request not sent");
        }
        ap_digest_creds_clear(&cr);
        return;
    }
    if (!k) {
        if (s->zn_broken) {
            local_answer(s, 503, "no usable Zn answer");
        } else {
            ap->stats.unknown_btid++;
            challenge(s, btid, "unknown-btid", FALSE);
        }
        ap_digest_creds_clear(&cr);
        return;
    }
    gboolean match = FALSE;
    if (!ap_digest_verify(&cr, http_message_method(s->req), k->ks_naf, sizeof k->ks_naf, &match, &err)) {
        local_answer(s, 503, err->message);
        g_error_free(err);
        ap_digest_creds_clear(&cr);
        return;
    }
    if (!match || !nonce_use(nonce, cr.nc_value)) {
        ap->stats.bad_response++;
        challenge(s, btid, "bad-response", FALSE);
        ap_digest_creds_clear(&cr);
        return;
    }
    ap_digest_creds_clear(&cr);
    if (c->key != k) { /* one event per connection and key, not per request */
        ap->stats.auth_ok++;
        auth_event(ap, k->btid, "ok");
        set_key(c, k);
    }
    ap_forward_slot(ap, s, k);
}

/* ---- PSK ------------------------------------------------------------------------------------- */

static void process_psk(ApSlot *s)
{
    ApConn *c = s->c;
    Ap *ap = c->ap;
    if (!c->key) { /* no key went through psk_wanted: nothing to authorize with */
        local_answer(s, 403, "no PSK key on the connection");
        return;
    }
    if (ap_key_expired(ap, c->key)) {
        ap->stats.expired++;
        auth_event(ap, c->key->btid, "expired");
        c->closing = TRUE;
        http_conn_close(c->conn); /* see the design notes */
        return;
    }
    ap_forward_slot(ap, s, c->key);
}

static void process(ApSlot *s)
{
    if (s->c->ap->ua == AP_UA_PSK)
        process_psk(s);
    else
        process_digest(s);
}

static void psk_give(ApConn *c, ApKey *k)
{
    Ap *ap = c->ap;
    set_key(c, k);
    ap->stats.auth_ok++;
    auth_event(ap, k->btid, "ok");
    http_conn_provide_psk(c->conn, k->ks_naf, sizeof k->ks_naf);
}

static void psk_refuse(ApConn *c, const char *btid, const char *outcome)
{
    Ap *ap = c->ap;
    if (g_str_equal(outcome, "expired"))
        ap->stats.expired++;
    else
        ap->stats.unknown_btid++;
    auth_event(ap, btid, outcome);
    http_conn_provide_psk(c->conn, NULL, 0); /* RFC 4279 §2: unknown_psk_identity */
}

static void on_psk_wanted(HttpNode *hn, HttpConn *conn, const char *identity, void *user)
{
    Ap *ap = user;
    (void)hn;
    if (ap->freeing)
        return;
    ApConn *c = conn_get(ap, conn);
    if (ap->ua != AP_UA_PSK || !identity || !btid_plausible(identity)) {
        psk_refuse(c, NULL, "unknown-btid");
        return;
    }
    TlsSession *t = http_conn_tls(conn);
    uint8_t ua[GBA_UA_ID_LEN];
    gba_ua_id_tls(t ? tls_session_cipher_id(t) : 0, ua); /* TS 33.220 Annex H.3 */
    ApKey *k = ap_key_find(ap, identity, ua);
    if (k && ap_key_expired(ap, k)) {
        psk_refuse(c, identity, "expired");
        return;
    }
    if (k) {
        psk_give(c, k);
        return;
    }
    c->psk_waiting = TRUE;
    if (!ap_zn_lookup(ap, identity, ua, c)) {
        c->psk_waiting = FALSE;
        psk_refuse(c, identity, "unknown-btid");
    }
}

void ap_ua_zn_done(ApConn *c, ApKey *key, gboolean broken)
{
    Ap *ap = c->ap;
    if (!c->conn || c->closing)
        return;
    if (c->psk_waiting) {
        c->psk_waiting = FALSE;
        if (key && !ap_key_expired(ap, key))
            psk_give(c, key);
        else if (key)
            psk_refuse(c, key->btid, "expired");
        else
            psk_refuse(c, NULL, "unknown-btid");
        (void)broken;
        return;
    }
    for (GList *l = c->slots.head; l; l = l->next) {
        ApSlot *s = l->data;
        if (s->state == AP_SLOT_WAIT_ZN) {
            s->state = AP_SLOT_NEW;
            s->zn_asked = TRUE;
            s->zn_broken = broken;
            break;
        }
    }
    pump(c);
}

/* ---- HTTP handlers --------------------------------------------------------------------------- */

static void count_handshake(ApConn *c)
{
    if (c->hs_counted || !c->conn)
        return;
    TlsSession *t = http_conn_tls(c->conn);
    if (!t)
        return;
    if (tls_session_handshake_done(t))
        c->ap->stats.hs_done++;
    else
        c->ap->stats.hs_failed++;
    c->hs_counted = TRUE;
}

static void on_request(HttpNode *hn, HttpConn *conn, const HttpMessage *msg, void *user)
{
    Ap *ap = user;
    (void)hn;
    if (ap->freeing)
        return;
    ApConn *c = conn_get(ap, conn);
    count_handshake(c); /* a request came through: the handshake is done */
    ap->stats.requests++;
    ApSlot *s = g_new0(ApSlot, 1);
    s->c = c;
    s->state = AP_SLOT_NEW;
    s->req = ap_request_copy(msg);
    g_queue_push_tail(&c->slots, s);
    if (!s->req) { /* not a request: cannot happen on a server connection */
        s->req = http_request_new("GET", "/");
        local_answer(s, 400, "not a request");
        return;
    }
    if (ap_strip_untrusted(s->req) > 0) { /* TS 33.222 §6.3: never from the UE */
        ap->stats.stripped_asserted++;
        g_debug("%s: X-3GPP-Asserted-Identity from a UE dropped", ap->node->name);
    }
    pump(c);
}

static void on_closed(HttpNode *hn, HttpConn *conn, const char *why, void *user)
{
    Ap *ap = user;
    (void)hn, (void)why;
    if (ap->freeing || ap_forward_conn_closed(ap, conn))
        return;
    ApConn *c = g_hash_table_lookup(ap->conns, conn);
    if (!c) { /* never asked anything of us: a handshake that failed early, or an idle client */
        TlsSession *t = http_conn_tls(conn);
        if (t && tls_session_handshake_done(t))
            ap->stats.hs_done++;
        else if (t)
            ap->stats.hs_failed++;
        return;
    }
    count_handshake(c);
    c->conn = NULL;
    g_hash_table_remove(ap->conns, conn); /* drops the table's reference */
}

uint64_t ap_ua_live_handshakes(const Ap *ap)
{
    uint64_t n = 0;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, ap->conns);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const ApConn *c = v;
        TlsSession *t = c->conn ? http_conn_tls(c->conn) : NULL;
        n += !c->hs_counted && t && tls_session_handshake_done(t);
    }
    return n;
}

const HttpNodeHandlers ap_http_handlers = {
    .request = on_request,
    .response = ap_forward_response_cb,
    .psk_wanted = on_psk_wanted,
    .closed = on_closed,
};
