/* ap.c: the Authentication Proxy kind (ap.h): keys, the key cache, the Zn client, the report.
 *
 * DESIGN NOTES
 *
 * Files. ap.c holds the node and what Zn tells it; ap-ua.c the UE side (TLS-PSK key look-up,
 * Digest, the order of answers per connection); ap-forward.c the identity check and the PS hop;
 * ap-identity.c the pure rules (unit-tested).
 *
 * Key cache. One ApKey per (B-TID, Ua security protocol id), i.e. per NAF-Id: in PSK mode Ks_NAF
 * depends on the negotiated cipher suite (TS 33.220 Annex H.3). An entry is made from a successful
 * BIA only and lives until its Key-ExpiryTime (TS 33.220 §4.5.3: the NAF must not use the key
 * beyond it); expired entries are dropped when a new one is inserted or when a request meets them.
 * Refusals are not cached: a second try asks the BSF again.
 *
 * Zn look-ups. At most one BIR per (B-TID, NAF-Id) is on the wire; every UE connection that needs
 * it waits on it (ApZnLookup.waiters, each holding a reference). The Diameter node answers every
 * request it accepted exactly once (NULL when none will come), which ends the look-up.
 *
 * Lifetimes. ApConn is referenced by the connection table (until the HTTP node reports the
 * connection closed), by Zn waiters and by requests forwarded to the PS; a late answer finds
 * CONN NULL and is dropped. While the AP is freed (FREEING) handlers return at once.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ap/ap-private.h"
#include "nodes/ims/ims-common.h"
#include "nodes/ims/ut-ca.h"
#include "protocols/diameter/gaa.h"
#include <openssl/crypto.h>
#include <string.h>

static const char *const ua_choices[] = {"psk", "cert-digest", NULL};

static const SimKeySpec ap_keys[] = {
    {"bsf", SIM_KEY_NAME, NULL, "the BSF asked over Zn for the key and identities of a B-TID (TS 29.109 §4.2)",
     NULL, 0, 0, "node"},
    {"ps", SIM_KEY_NAME, NULL, "the Presence Server (XCAP server) authorized requests are forwarded to", NULL, 0, 0,
     "node"},
    {"ps-port", SIM_KEY_PORT, "80", "TCP port of the PS's XCAP server (plain HTTP behind the AP)", NULL, 0, 0, NULL},
    {"port", SIM_KEY_PORT, "443", "HTTPS port of the Ua interface towards the UEs", NULL, 0, 0, NULL},
    {"ua-security", SIM_KEY_ENUM, "psk",
     "Ua security: psk = TLS-PSK with the B-TID and Ks_NAF (TS 33.222 §5.4); cert-digest = the AP's certificate "
     "and HTTP Digest with the B-TID (§5.3)",
     ua_choices, 0, 0, NULL},
    {"xcap-root", SIM_KEY_STRING, "/xcap", "XCAP root path (RFC 4825 §6.1), to read the XUI a request claims",
     NULL, 0, 0, NULL},
    SIM_KEY_END,
};

/* ---- references ------------------------------------------------------------------------------ */

ApKey *ap_key_ref(ApKey *k)
{
    k->ref++;
    return k;
}

void ap_key_unref(ApKey *k)
{
    if (!k || --k->ref > 0)
        return;
    OPENSSL_cleanse(k->ks_naf, sizeof k->ks_naf);
    if (k->impi) {
        OPENSSL_cleanse(k->impi, strlen(k->impi));
        g_free(k->impi);
    }
    g_free(k->btid);
    if (k->guss)
        gba_guss_free(k->guss);
    g_free(k);
}

ApConn *ap_conn_ref(ApConn *c)
{
    c->ref++;
    return c;
}

static void slot_free(gpointer p)
{
    ApSlot *s = p;
    if (s->req)
        http_message_free(s->req);
    if (s->resp)
        http_message_free(s->resp);
    g_free(s);
}

void ap_conn_unref(ApConn *c)
{
    if (!c || --c->ref > 0)
        return;
    g_queue_clear_full(&c->slots, slot_free);
    ap_key_unref(c->key);
    g_free(c);
}

static void conn_unref_cb(gpointer p)
{
    ap_conn_unref(p);
}

/* ---- the key cache --------------------------------------------------------------------------- */

static char *cache_key(const char *btid, const uint8_t ua_id[GBA_UA_ID_LEN])
{
    g_autofree char *hex = ims_hex(ua_id, GBA_UA_ID_LEN);
    return g_strconcat(btid, "|", hex, NULL);
}

ApKey *ap_key_find(Ap *ap, const char *btid, const uint8_t ua_id[GBA_UA_ID_LEN])
{
    g_autofree char *k = cache_key(btid, ua_id);
    return g_hash_table_lookup(ap->keys, k);
}

gboolean ap_key_expired(const Ap *ap, const ApKey *k)
{
    return sim_world_now(ap->node->world) >= k->expiry;
}

static gboolean drop_expired(gpointer key, gpointer value, gpointer user)
{
    (void)key;
    return ap_key_expired(user, value);
}

/* ---- Zn (TS 29.109 §4.2, §5.2) --------------------------------------------------------------- */

static void lookup_free(gpointer p)
{
    ApZnLookup *l = p;
    for (guint i = 0; i < l->waiters->len; i++)
        ap_conn_unref(l->waiters->pdata[i]);
    g_ptr_array_free(l->waiters, TRUE);
    g_free(l->key);
    g_free(l->btid);
    g_free(l);
}

static GBytes *bir_build(Ap *ap, const ApZnLookup *l, GError **error)
{
    g_autoptr(GByteArray) naf_id = g_byte_array_new();
    if (!gba_naf_id_build(ap->host, l->ua_id, naf_id, error)) /* TS 33.220 Annex H */
        return NULL;
    GaaZnBir b = {0};
    if (naf_id->len > sizeof b.naf_id) {
        g_set_error(error, GBA_ERROR, GBA_ERROR_INVALID, "NAF-Id of %u octets", naf_id->len);
        return NULL;
    }
    b.common.session_id = diameter_node_session_id(ap->dn);
    b.common.origin_host = g_strdup(diameter_node_origin_host(ap->dn));
    b.common.origin_realm = g_strdup(diameter_node_origin_realm(ap->dn));
    b.common.destination_host = ims_host_name(ap->bsf);
    b.common.destination_realm =
        g_strdup(ap->bsf->domain && *ap->bsf->domain ? ap->bsf->domain : diameter_node_origin_realm(ap->dn));
    diameter_node_next_ids(ap->dn, &b.common.hop_by_hop, &b.common.end_to_end);
    b.transaction_identifier = g_strdup(l->btid);
    memcpy(b.naf_id, naf_id->data, naf_id->len);
    b.naf_id_len = naf_id->len;
    b.has_gaa_service_identifier = TRUE; /* TS 29.109 §6.3.4: the presence service */
    b.gaa_service_identifier = GBA_GAA_SERVICE_PRESENCE;
    GBytes *msg = gaa_zn_bir_build(&b, error);
    gaa_zn_bir_clear(&b);
    return msg;
}

gboolean ap_zn_lookup(Ap *ap, const char *btid, const uint8_t ua_id[GBA_UA_ID_LEN], ApConn *waiter)
{
    g_autofree char *k = cache_key(btid, ua_id);
    ApZnLookup *l = g_hash_table_lookup(ap->zn, k);
    if (l) {
        g_ptr_array_add(l->waiters, ap_conn_ref(waiter));
        return TRUE;
    }
    l = g_new0(ApZnLookup, 1);
    l->ap = ap;
    l->key = g_steal_pointer(&k);
    l->btid = g_strdup(btid);
    memcpy(l->ua_id, ua_id, GBA_UA_ID_LEN);
    l->waiters = g_ptr_array_new();
    GError *err = NULL;
    GBytes *msg = bir_build(ap, l, &err);
    ap->stats.zn_requests++;
    if (!msg || !diameter_node_send(ap->dn, msg, l, &err)) { /* a failed send runs no callback */
        g_debug("%s: Zn BIR not sent: %s", ap->node->name, err ? err->message : "?");
        g_clear_error(&err);
        ap->stats.zn_failed++;
        lookup_free(l);
        return FALSE;
    }
    g_ptr_array_add(l->waiters, ap_conn_ref(waiter));
    g_hash_table_insert(ap->zn, l->key, l);
    return TRUE;
}

/* The cache entry for a successful BIA, or NULL (the answer is then a refusal). */
static ApKey *key_from_bia(Ap *ap, const ApZnLookup *l, const GaaZnBia *a)
{
    if (!cx_result_is_success(&a->result) || !a->has_me_key || !a->user_name)
        return NULL;
    ApKey *k = g_new0(ApKey, 1);
    k->ref = 1;
    k->btid = g_strdup(l->btid);
    memcpy(k->ua_id, l->ua_id, GBA_UA_ID_LEN);
    k->impi = g_strdup(a->user_name);
    memcpy(k->ks_naf, a->me_key, sizeof k->ks_naf);
    k->expiry = a->has_key_expiry_time ? ap_ntp_to_sim(a->key_expiry_time, UT_EPOCH_UNIX) : SIM_TIME_NEVER;
    if (a->guss) {
        GError *err = NULL;
        k->guss = gba_guss_parse(a->guss, strlen(a->guss), &err);
        if (!k->guss) { /* no IMPU then: every claim is refused */
            g_debug("%s: GUSS of %s unreadable: %s", ap->node->name, l->btid, err->message);
            g_clear_error(&err);
        }
    }
    return k;
}

static void zn_answer(DiameterNode *dn, const DiameterMsg *msg, void *req_user, void *user)
{
    Ap *ap = user;
    ApZnLookup *l = req_user;
    (void)dn;
    if (ap->freeing)
        return;
    g_hash_table_steal(ap->zn, l->key); /* ours now */
    GaaZnBia a;
    GError *err = NULL;
    gboolean broken = !msg || !gaa_zn_bia_parse(msg, &a, &err);
    ApKey *k = NULL;
    if (broken) {
        g_debug("%s: no usable BIA for %s: %s", ap->node->name, l->btid, err ? err->message : "no answer");
        g_clear_error(&err);
    } else {
        k = key_from_bia(ap, l, &a);
        gaa_zn_bia_clear(&a);
    }
    if (k) {
        ap->stats.zn_ok++;
        g_hash_table_foreach_remove(ap->keys, drop_expired, ap);
        g_hash_table_replace(ap->keys, g_strdup(l->key), k);
    } else {
        ap->stats.zn_failed++;
    }
    for (guint i = 0; i < l->waiters->len; i++)
        ap_ua_zn_done(l->waiters->pdata[i], k, broken);
    lookup_free(l);
}

static void zn_request(DiameterNode *dn, DiameterPeer *peer, const DiameterMsg *msg, void *user)
{
    (void)dn, (void)peer, (void)msg, (void)user; /* the BSF sends nothing to a NAF over Zn */
}

/* ---- the kind -------------------------------------------------------------------------------- */

static void key_unref_cb(gpointer p)
{
    ap_key_unref(p);
}

static void ap_free(void *p)
{
    Ap *ap = p;
    ap->freeing = TRUE;
    http_node_free(ap->hn);
    diameter_node_free(ap->dn); /* runs no callback */
    g_hash_table_destroy(ap->ps_live);
    g_hash_table_destroy(ap->zn);
    g_hash_table_destroy(ap->conns);
    g_hash_table_destroy(ap->keys);
    g_queue_clear(&ap->nonce_order);
    g_hash_table_destroy(ap->nonces);
    sim_rng_free(ap->nonce_rng);
    g_free(ap->host);
    g_free(ap->xcap_root);
    g_free(ap->ps_host);
    g_free(ap);
}

static gboolean ap_check(const char *name, const SimConfig *cfg, const char **bad_key, GError **error)
{
    (void)name;
    const char *root = sim_config_string(cfg, "xcap-root");
    size_t n = strlen(root);
    if (root[0] != '/' || (n > 1 && root[n - 1] == '/') || strpbrk(root, " ?#")) {
        *bad_key = "xcap-root";
        g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not an absolute path without a trailing '/'", root);
        return FALSE;
    }
    return TRUE;
}

static SimNode *node_of_kind(SimWorld *w, const char *key, const char *name, const char *kind, GError **error)
{
    SimNode *n = sim_world_find_node(w, name);
    if (!n || !g_str_equal(n->kind, kind)) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "%s: '%s' is not a node of kind %s", key, name, kind);
        return NULL;
    }
    return n;
}

static gboolean ap_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    SimNode *bsf = node_of_kind(node->world, "bsf", sim_config_string(cfg, "bsf"), "bsf", error);
    SimNode *ps = bsf ? node_of_kind(node->world, "ps", sim_config_string(cfg, "ps"), "ps", error) : NULL;
    if (!ps)
        return FALSE;
    Ap *ap = g_new0(Ap, 1);
    ap->node = node;
    ap->bsf = bsf;
    ap->ps = ps;
    ap->ua = g_str_equal(sim_config_string(cfg, "ua-security"), "psk") ? AP_UA_PSK : AP_UA_CERT_DIGEST;
    ap->host = ims_host_name(node);
    ap->xcap_root = g_strdup(sim_config_string(cfg, "xcap-root"));
    ap->port = sim_config_port(cfg, "port");
    ap->ps_port = sim_config_port(cfg, "ps-port");
    g_autofree char *ps_name = ims_host_name(ps);
    ap->ps_host = ap->ps_port == 80 ? g_strdup(ps_name) : g_strdup_printf("%s:%u", ps_name, ap->ps_port);
    ap->conns = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, conn_unref_cb);
    ap->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, key_unref_cb);
    ap->zn = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, lookup_free);
    ap->ps_live = g_hash_table_new_full(g_direct_hash, g_direct_equal, ap_ps_pending_free, NULL);
    ap->nonces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_queue_init(&ap->nonce_order);
    ap->nonce_rng = sim_node_rng_new(node, "digest-nonce");
    node->impl = ap;
    node->impl_free = ap_free;

    const DiameterPeerApp app = {DIAMETER_VENDOR_3GPP, GAA_APP_ZN};
    const DiameterNodeHandlers dh = {.request = zn_request, .answer = zn_answer};
    ap->dn = diameter_node_new(node, ap->host, node->domain && *node->domain ? node->domain : ap->host, &app, &dh, ap);

    ap->tls.role = TLS_ROLE_SERVER;
    if (ap->ua == AP_UA_PSK) {
        ap->tls.mode = TLS_MODE_PSK;
        ap->tls.psk_hint = TLS_PSK_HINT_3GPP; /* TS 33.222 §5.4.0.1 */
    } else {
        ap->tls.mode = TLS_MODE_CERT; /* TS 33.222 §5.3: the AP's certificate from the scenario CA */
        ap->tls.server_creds = ut_ca_credentials(node->world, ap->host, error);
        if (!ap->tls.server_creds)
            return FALSE;
    }
    ap->hn = http_node_new(node, &ap_http_handlers, ap);
    return http_node_listen(ap->hn, ap->port, &ap->tls, error);
}

static void ap_start(SimNode *node)
{
    Ap *ap = node->impl;
    SimAddr a;
    if (ims_node_address(ap->bsf, &a))
        diameter_node_connect(ap->dn, &a, DIAMETER_PORT);
}

static void ap_report(SimNode *node, SimReport *r)
{
    Ap *ap = node->impl;
    const ApStats *s = &ap->stats;
    sim_report_begin(r, "nodes");
    sim_report_begin(r, node->name);
    sim_report_string(r, "kind", "ap");
    sim_report_string(r, "ua_security", ap->ua == AP_UA_PSK ? "psk" : "cert-digest");
    sim_report_uint(r, "requests", s->requests);
    sim_report_uint(r, "challenges", s->challenges);
    sim_report_uint(r, "forbidden", s->forbidden);
    sim_report_uint(r, "bad_requests", s->bad_requests);
    sim_report_uint(r, "forwarded", s->forwarded);
    sim_report_uint(r, "unavailable", s->unavailable);
    sim_report_uint(r, "stripped_asserted", s->stripped_asserted);
    sim_report_begin(r, "auth");
    sim_report_uint(r, "ok", s->auth_ok);
    sim_report_uint(r, "unknown_btid", s->unknown_btid);
    sim_report_uint(r, "bad_response", s->bad_response);
    sim_report_uint(r, "expired", s->expired);
    sim_report_uint(r, "identity_ok", s->identity_ok);
    sim_report_end(r);
    sim_report_begin(r, "ps");
    sim_report_uint(r, "responses", s->ps_responses);
    sim_report_uint(r, "failures", s->ps_failures);
    sim_report_begin(r, "status");
    for (guint i = 0; i < G_N_ELEMENTS(s->ps_status); i++) {
        if (!s->ps_status[i])
            continue;
        char k[8];
        g_snprintf(k, sizeof k, "%u", i);
        sim_report_uint(r, k, s->ps_status[i]);
    }
    sim_report_end(r);
    sim_report_end(r);
    sim_report_begin(r, "zn");
    sim_report_uint(r, "requests", s->zn_requests);
    sim_report_uint(r, "ok", s->zn_ok);
    sim_report_uint(r, "failed", s->zn_failed);
    sim_report_uint(r, "cached_keys", g_hash_table_size(ap->keys));
    sim_report_end(r);
    sim_report_begin(r, "tls");
    sim_report_uint(r, "handshakes_done", s->hs_done + ap_ua_live_handshakes(ap));
    sim_report_uint(r, "handshakes_failed", s->hs_failed);
    sim_report_end(r);
    sim_report_end(r);
    sim_report_end(r);
}

const SimNodeKind sim_node_kind_ap = {
    .name = "ap",
    .summary = "Authentication Proxy (NAF) in front of the PS's XCAP: GBA keys over Zn, TLS-PSK or certificate + "
               "Digest on Ua, asserted identity to the PS (TS 33.222)",
    .keys = ap_keys,
    .forwarding = FALSE,
    .check = ap_check,
    .create = ap_create,
    .start = ap_start,
    .report = ap_report,
};
