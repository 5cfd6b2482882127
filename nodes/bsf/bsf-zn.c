/* bsf-zn.c: the Zn server of the BSF (TS 33.220 §4.5.3, TS 29.109 §4.2, §6.1.2-§6.1.3).
 *
 * A NAF (Authentication Proxy) sends BIR {Transaction-Identifier = B-TID, NAF-Id = FQDN || Ua
 * security protocol id}. Checks, in order:
 *   1. the NAF may ask: `nafs` empty, or the peer's Origin-Host is a listed NAF's host name and the
 *      FQDN in NAF-Id is that same name (a NAF gets only its own keys, TS 33.220 §4.5.3: the BSF
 *      verifies the NAF is authorized to use the NAF_Id) --> else Experimental-Result 5402;
 *   2. the B-TID is known and not expired --> else 5403 (TS 29.109 §6.3.1);
 * then BIA with User-Name = IMPI, ME-Key-Material = Ks_NAF (TS 33.220 Annex B.3), Key-ExpiryTime and
 * BootstrapInfoCreationTime (NTP seconds of the simulated clock), GBA-Type ME and the GUSS reduced
 * to the NAF's service (GAA-Service-Identifier when given, else presence). Requests that do not
 * parse get the RFC 6733 §7.2 generic answer (as the HSS does). Each answer is a "zn-answer" event.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/bsf/bsf-private.h"
#include "protocols/diameter/gaa.h"
#include <openssl/crypto.h>
#include <string.h>

static void zn_event(Bsf *b, const char *btid, const char *naf, const char *result)
{
    SimAttr attrs[] = {SIM_ATTR_S("btid", btid ? btid : ""), SIM_ATTR_S("naf", naf ? naf : ""),
                       SIM_ATTR_S("result", result)};
    sim_node_event(b->node, "zn-answer", attrs, G_N_ELEMENTS(attrs));
}

/* RFC 6733 §7.2: [Session-Id] {Origin-Host} {Origin-Realm} {Result-Code} [Error-Message], 'E' for
 * protocol errors (3xxx). */
static GBytes *generic_answer(Bsf *b, const DiameterMsg *req, uint32_t result, const char *why)
{
    const DiameterHeader *hd = diameter_msg_header(req);
    b->stats.zn_malformed++;
    zn_event(b, NULL, NULL, "malformed");
    g_autoptr(DiameterBuilder) db = diameter_builder_new_answer(hd, result >= 3000 && result < 4000);
    const DiameterAvp *sid = diameter_msg_find(req, NULL, DIAMETER_AVP_SESSION_ID, 0);
    if (sid)
        diameter_builder_add_copy(db, sid);
    diameter_builder_add_string(db, DIAMETER_AVP_ORIGIN_HOST, 0, diameter_node_origin_host(b->zn));
    diameter_builder_add_string(db, DIAMETER_AVP_ORIGIN_REALM, 0, diameter_node_origin_realm(b->zn));
    diameter_builder_add_u32(db, DIAMETER_AVP_RESULT_CODE, 0, result);
    g_autofree char *text = g_utf8_make_valid(why, -1);
    diameter_builder_add_string(db, DIAMETER_AVP_ERROR_MESSAGE, 0, text);
    return diameter_builder_finish(db, NULL);
}

/* The FQDN part of NAF-Id (everything before the 5-octet Ua security protocol id), or NULL when it
 * is empty, holds a NUL or is not UTF-8. g_free. */
static char *naf_fqdn(const GaaZnBir *r)
{
    if (r->naf_id_len <= GBA_UA_ID_LEN)
        return NULL;
    size_t n = r->naf_id_len - GBA_UA_ID_LEN;
    if (memchr(r->naf_id, 0, n) || !g_utf8_validate((const char *)r->naf_id, (gssize)n, NULL))
        return NULL;
    return g_strndup((const char *)r->naf_id, n);
}

static gboolean naf_allowed(const Bsf *b, const GaaZnBir *r, const char *fqdn)
{
    if (g_hash_table_size(b->nafs) == 0)
        return TRUE;
    return r->common.origin_host && g_hash_table_contains(b->nafs, r->common.origin_host) &&
           g_str_equal(fqdn, r->common.origin_host);
}

static GBytes *handle_bir(Bsf *b, const DiameterMsg *msg)
{
    GaaZnBir r;
    GError *err = NULL;
    if (!gaa_zn_bir_parse(msg, &r, &err)) {
        GBytes *out = generic_answer(b, msg, diameter_codec_error_result_code(err), err->message);
        g_error_free(err);
        return out;
    }
    g_autofree char *fqdn = naf_fqdn(&r);
    if (!fqdn) {
        gaa_zn_bir_clear(&r);
        return generic_answer(b, msg, DIAMETER_INVALID_AVP_VALUE, "NAF-Id without a usable FQDN");
    }
    GaaZnBia a = {0};
    a.common.session_id = r.common.session_id;
    a.common.origin_host = (char *)diameter_node_origin_host(b->zn);
    a.common.origin_realm = (char *)diameter_node_origin_realm(b->zn);
    a.common.hop_by_hop = r.common.hop_by_hop;
    a.common.end_to_end = r.common.end_to_end;
    const char *result;
    g_autofree char *guss_xml = NULL;
    BsfBootstrap *raw = g_hash_table_lookup(b->bootstraps, r.transaction_identifier);
    gboolean was_expired = raw && bsf_now(b) >= raw->expiry;
    BsfBootstrap *bs = NULL;
    if (!naf_allowed(b, &r, fqdn)) {
        a.result = (CxResult){DIAMETER_VENDOR_3GPP, GAA_ERROR_NOT_AUTHORIZED};
        result = "not-authorized";
    } else if (!(bs = bsf_bootstrap_lookup(b, r.transaction_identifier))) {
        a.result = (CxResult){DIAMETER_VENDOR_3GPP, GAA_ERROR_TRANSACTION_IDENTIFIER_INVALID};
        result = was_expired ? "expired" : "unknown-btid";
    } else if (!gba_ks_naf(bs->ks, bs->rand, bs->impi, r.naf_id, r.naf_id_len, a.me_key, NULL, &err)) {
        g_debug("%s: Ks_NAF not derived: %s", b->node->name, err->message);
        g_clear_error(&err);
        a.result = (CxResult){0, DIAMETER_UNABLE_TO_COMPLY};
        result = "failed";
    } else {
        a.result = (CxResult){0, DIAMETER_SUCCESS};
        a.user_name = bs->impi;
        a.has_me_key = TRUE;
        a.has_key_expiry_time = TRUE;
        a.key_expiry_time = bsf_ntp_seconds(bs->expiry);
        a.has_bootstrap_time = TRUE;
        a.bootstrap_time = bsf_ntp_seconds(bs->created);
        a.has_gba_type = TRUE;
        a.gba_type = GAA_GBA_TYPE_ME;
        if (bs->guss) { /* TS 33.220 §4.5.3: only the USSs of the NAF's service */
            uint32_t type = r.has_gaa_service_identifier ? r.gaa_service_identifier : GBA_GAA_SERVICE_PRESENCE;
            g_autoptr(GbaGuss) g = gba_guss_filter(bs->guss, type);
            guss_xml = g ? gba_guss_print(g) : NULL;
            a.guss = guss_xml;
        }
        result = "ok";
    }
    if (bs && a.has_me_key)
        b->stats.zn_ok++;
    else
        b->stats.zn_refused++;
    zn_event(b, r.transaction_identifier, fqdn, result);
    GBytes *out = gaa_zn_bia_build(&a, &err);
    if (!out) {
        g_debug("%s: BIA not built: %s", b->node->name, err ? err->message : "?");
        g_clear_error(&err);
    }
    OPENSSL_cleanse(a.me_key, sizeof a.me_key);
    gaa_zn_bir_clear(&r);
    return out;
}

void bsf_zn_request(DiameterNode *dn, DiameterPeer *peer, const DiameterMsg *msg, void *user)
{
    Bsf *b = user;
    const DiameterHeader *hd = diameter_msg_header(msg);
    GBytes *answer;
    if (hd->app_id != GAA_APP_ZN)
        answer = generic_answer(b, msg, DIAMETER_APPLICATION_UNSUPPORTED, "not a Zn request");
    else if (hd->command != GAA_CMD_BI)
        answer = generic_answer(b, msg, DIAMETER_COMMAND_UNSUPPORTED, "command not served by this BSF");
    else
        answer = handle_bir(b, msg);
    if (!answer) /* an answer that could not be built: still answer something */
        answer = generic_answer(b, msg, DIAMETER_UNABLE_TO_COMPLY, "answer could not be built");
    GError *err = NULL;
    if (answer && !diameter_node_answer(dn, peer, answer, &err)) {
        g_debug("%s: Zn answer not sent: %s", b->node->name, err->message);
        g_clear_error(&err);
    }
}
