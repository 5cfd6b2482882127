/* bsf.c: the BSF kind (bsf.h): keys, the bootstrap table, events, report.
 *
 * DESIGN NOTES
 *
 * Three parts share one Bsf (bsf-private.h): this file (the kind and the table of bootstraps),
 * bsf-ub.c (the Ub state machine over HTTP with its Zh client) and bsf-zn.c (the Zn server).
 *
 * The bootstrap table maps B-TID -> {IMPI, RAND, Ks, creation, expiry, GUSS} (TS 33.220 §4.5.2
 * step 6). Invariants. 1. An entry past its expiry is never used: bsf_bootstrap_lookup() treats it
 * as unknown and removes it (lazy expiry, no timer per bootstrap). 2. Adding an entry sweeps every
 * expired one, so the table holds at most the live bootstraps plus those made since the last add.
 * 3. A user holds at most BSF_MAX_BOOTSTRAPS_PER_IMPI live bootstraps.
 * Several bootstraps of one IMPI: a new run of Ub does not invalidate the older B-TIDs. TS 33.220
 * §4.5.2 lets the UE and BSF keep using a Ks until its lifetime ends or a new one replaces it; an
 * AP that cached Ks_NAF for the old B-TID keeps working until expiry either way, so we keep the old
 * entries (capped, invariant 3) and a NAF asking for an older B-TID still gets its key.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/bsf/bsf-private.h"
#include "nodes/ims/ims-common.h"
#include "nodes/ims/ut-ca.h"
#include "protocols/diameter/gaa.h"
#include <openssl/crypto.h>
#include <string.h>

static const SimKeySpec bsf_keys[] = {
    {"hss", SIM_KEY_NAME, NULL, "the HSS node the BSF asks for vectors and GUSS over Zh (TS 29.109 §4.1)", NULL, 0, 0,
     "node"},
    {"key-lifetime", SIM_KEY_TIME, "3600s",
     "longest lifetime of a bootstrapped key Ks (BSF policy; the GUSS lifetime may shorten it, TS 33.220 §4.5.2)",
     NULL, 0, 0, NULL},
    {"nafs", SIM_KEY_LIST, "", "Authentication Proxy (NAF) nodes allowed to fetch keys over Zn; empty: any", NULL, 0,
     0, "node"},
    {"port", SIM_KEY_PORT, "80", "TCP port of the Ub HTTP server (plain HTTP, TS 33.220 §4.5.2)", NULL, 0, 0, NULL},
    SIM_KEY_END,
};

/* ---- the bootstrap table --------------------------------------------------------------------- */

void bsf_bootstrap_free(gpointer p)
{
    BsfBootstrap *bs = p;
    g_free(bs->btid);
    g_free(bs->impi);
    if (bs->guss)
        gba_guss_free(bs->guss);
    OPENSSL_cleanse(bs, sizeof *bs); /* Ks */
    g_free(bs);
}

void bsf_challenge_free(gpointer p)
{
    BsfChallenge *ch = p;
    g_free(ch->impi);
    g_free(ch->nonce);
    if (ch->guss)
        gba_guss_free(ch->guss);
    OPENSSL_cleanse(ch, sizeof *ch); /* XRES, CK, IK */
    g_free(ch);
}

static gboolean bootstrap_expired(const Bsf *b, const BsfBootstrap *bs)
{
    return bsf_now(b) >= bs->expiry;
}

BsfBootstrap *bsf_bootstrap_lookup(Bsf *b, const char *btid)
{
    BsfBootstrap *bs = btid ? g_hash_table_lookup(b->bootstraps, btid) : NULL;
    if (bs && bootstrap_expired(b, bs)) { /* invariant 1 */
        b->stats.expired++;
        g_hash_table_remove(b->bootstraps, btid);
        return NULL;
    }
    return bs;
}

static gboolean sweep_expired(gpointer key, gpointer value, gpointer user)
{
    Bsf *b = user;
    (void)key;
    if (!bootstrap_expired(b, value))
        return FALSE;
    b->stats.expired++;
    return TRUE;
}

/* The oldest live bootstrap of IMPI (ties by B-TID, so the choice does not depend on hashing), and
 * how many IMPI has. */
static BsfBootstrap *oldest_of(Bsf *b, const char *impi, guint *count)
{
    BsfBootstrap *oldest = NULL;
    GHashTableIter it;
    gpointer v;
    *count = 0;
    g_hash_table_iter_init(&it, b->bootstraps);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        BsfBootstrap *bs = v;
        if (!g_str_equal(bs->impi, impi))
            continue;
        (*count)++;
        if (!oldest || bs->created < oldest->created ||
            (bs->created == oldest->created && strcmp(bs->btid, oldest->btid) < 0))
            oldest = bs;
    }
    return oldest;
}

void bsf_bootstrap_add(Bsf *b, BsfBootstrap *bs)
{
    g_hash_table_foreach_remove(b->bootstraps, sweep_expired, b); /* invariant 2; O(table) per bootstrap */
    g_hash_table_remove(b->bootstraps, bs->btid); /* same RAND twice: the newer wins */
    guint n;
    BsfBootstrap *old;
    while ((old = oldest_of(b, bs->impi, &n)) && n >= BSF_MAX_BOOTSTRAPS_PER_IMPI) { /* invariant 3 */
        b->stats.superseded++;
        g_hash_table_remove(b->bootstraps, old->btid);
    }
    g_hash_table_insert(b->bootstraps, bs->btid, bs);
}

guint bsf_bootstrap_live(Bsf *b)
{
    guint n = 0;
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, b->bootstraps);
    while (g_hash_table_iter_next(&it, NULL, &v))
        n += !bootstrap_expired(b, v);
    return n;
}

void bsf_bootstrap_event(Bsf *b, const char *impi, const char *btid, const char *outcome, const char *reason)
{
    SimAttr attrs[] = {SIM_ATTR_S("impi", impi ? impi : ""), SIM_ATTR_S("btid", btid ? btid : ""),
                       SIM_ATTR_S("outcome", outcome), SIM_ATTR_S("reason", reason ? reason : "")};
    sim_node_event(b->node, "gba-bootstrap", attrs, G_N_ELEMENTS(attrs));
}

uint64_t bsf_ntp_seconds(SimTime t)
{
    return (uint64_t)(UT_EPOCH_UNIX + BSF_NTP_UNIX_OFFSET + (t > 0 ? t / SIM_S : 0));
}

/* ---- the kind -------------------------------------------------------------------------------- */

static void bsf_free(void *p)
{
    Bsf *b = p;
    diameter_node_free(b->zh); /* runs no callback */
    diameter_node_free(b->zn);
    http_node_free(b->hn);
    bsf_ub_clear(b);
    g_clear_pointer(&b->challenges, g_hash_table_destroy);
    g_clear_pointer(&b->bootstraps, g_hash_table_destroy);
    g_clear_pointer(&b->nafs, g_hash_table_destroy);
    g_free(b->host);
    g_free(b->realm);
    g_free(b);
}

static gboolean bsf_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    const char *hss_name = sim_config_string(cfg, "hss");
    SimNode *hss = sim_world_find_node(node->world, hss_name);
    if (!hss || !g_str_equal(hss->kind, "hss")) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "hss: '%s' is not a node of kind hss", hss_name);
        return FALSE;
    }
    SimTime lifetime = sim_config_time(cfg, "key-lifetime");
    if (lifetime < SIM_S) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "key-lifetime: at least 1s");
        return FALSE;
    }
    Bsf *b = g_new0(Bsf, 1);
    b->node = node;
    b->hss = hss;
    b->host = ims_host_name(node);
    b->realm = g_strdup(node->domain && *node->domain ? node->domain : b->host);
    b->key_lifetime = lifetime;
    b->nafs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    b->challenges = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, bsf_challenge_free);
    b->bootstraps = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, bsf_bootstrap_free);
    node->impl = b;
    node->impl_free = bsf_free;
    g_auto(GStrv) nafs = sim_config_list(cfg, "nafs");
    for (char **n = nafs; *n; n++) {
        SimNode *naf = sim_world_find_node(node->world, *n);
        if (!naf) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "nafs: '%s' is not a node", *n);
            return FALSE;
        }
        g_hash_table_add(b->nafs, ims_host_name(naf)); /* its Origin-Host and NAF FQDN (ims-common.h) */
    }
    bsf_ub_init(b);
    const HttpNodeHandlers hh = {.request = bsf_ub_request, .closed = bsf_ub_closed};
    b->hn = http_node_new(node, &hh, b);
    const DiameterPeerApp zh_app = {DIAMETER_VENDOR_3GPP, GAA_APP_ZH};
    const DiameterNodeHandlers zh_h = {.answer = bsf_zh_answer};
    b->zh = diameter_node_new(node, b->host, b->realm, &zh_app, &zh_h, b);
    const DiameterPeerApp zn_app = {DIAMETER_VENDOR_3GPP, GAA_APP_ZN};
    const DiameterNodeHandlers zn_h = {.request = bsf_zn_request};
    b->zn = diameter_node_new(node, b->host, b->realm, &zn_app, &zn_h, b);
    return http_node_listen(b->hn, sim_config_port(cfg, "port"), NULL, error) &&
           diameter_node_listen(b->zn, DIAMETER_PORT, error);
}

static void bsf_start(SimNode *node)
{
    Bsf *b = node->impl;
    SimAddr a;
    if (ims_node_address_toward(b->hss, node, &a))
        diameter_node_connect(b->zh, &a, DIAMETER_PORT);
}

static void bsf_report(SimNode *node, SimReport *r)
{
    Bsf *b = node->impl;
    const BsfStats *st = &b->stats;
    sim_report_begin(r, "nodes");
    sim_report_begin(r, node->name);
    sim_report_string(r, "kind", "bsf");
    sim_report_uint(r, "challenges", st->challenges);
    sim_report_uint(r, "bootstraps_ok", st->bootstraps_ok);
    sim_report_uint(r, "resyncs", st->resyncs);
    sim_report_uint(r, "failures", st->failures);
    sim_report_uint(r, "bad_requests", st->bad_requests);
    sim_report_uint(r, "zh_failures", st->zh_failures);
    sim_report_uint(r, "zn_ok", st->zn_ok);
    sim_report_uint(r, "zn_refused", st->zn_refused);
    sim_report_uint(r, "zn_malformed", st->zn_malformed);
    sim_report_uint(r, "expired", st->expired);
    sim_report_uint(r, "superseded", st->superseded);
    sim_report_uint(r, "live_btids", bsf_bootstrap_live(b));
    sim_report_end(r);
    sim_report_end(r);
}

const SimNodeKind sim_node_kind_bsf = {
    .name = "bsf",
    .summary = "GBA Bootstrapping Server Function: Ub (HTTP Digest AKA) with Zh to the HSS, Zn server for NAFs",
    .keys = bsf_keys,
    .create = bsf_create,
    .start = bsf_start,
    .report = bsf_report,
};
