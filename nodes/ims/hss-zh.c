/* hss-zh.c: the HSS side of Zh (TS 29.109 §4.2, TS 33.220 §4.5.2): a BSF bootstrapping a UE asks
 * for one AKA vector and the user's GBA security settings (GUSS).
 *
 * The vector comes from the same AuC step as Cx (hss_auth_vector: same SQN_HE, same resync from
 * RAND || AUTS), scheme Digest-AKAv1-MD5 (TS 33.220 §4.5.2 step 2: the BSF runs HTTP Digest AKA
 * over Ub). The GUSS (TS 29.109 Annex A) holds one USS of the presence service listing the
 * subscriber's IMPUs that are neither barred (no service for a barred identity, as on Cx) nor
 * pseudonyms (seed 003: the NAF must not be able to link a pseudonym to the user's other
 * identities), and the key lifetime of the HSS's `gba-lifetime` key. Unknown identities
 * get Experimental-Result DIAMETER_ERROR_IDENTITY_UNKNOWN (5401, TS 29.109 §6.2.2.1). Zh never
 * stores a Server-Name nor touches the registration state: GBA is independent of IMS registration.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/hss-private.h"
#include "protocols/diameter/gaa.h"
#include "protocols/gba/gba-guss.h"
#include <openssl/crypto.h>
#include <string.h>

/* The GUSS of S, or NULL when it would list no identity. g_free. */
static char *guss_xml(const Hss *h, const HssSub *s)
{
    g_autoptr(GPtrArray) uids = g_ptr_array_new();
    for (char **p = s->impus; *p; p++)
        if (!hss_strv_has(s->barred, *p) && !hss_strv_has(s->pseudonyms, *p))
            g_ptr_array_add(uids, *p);
    if (uids->len == 0)
        return NULL;
    g_ptr_array_add(uids, NULL);
    g_autoptr(GbaGuss) g = gba_guss_new();
    g->lifetime = h->gba_lifetime;
    gba_guss_add_uss(g, "1", GBA_GAA_SERVICE_PRESENCE, NULL, (const char *const *)uids->pdata);
    return gba_guss_print(g);
}

GBytes *hss_zh_mar(Hss *h, const DiameterMsg *msg)
{
    GaaZhMar r;
    GError *err = NULL;
    if (!gaa_zh_mar_parse(msg, &r, &err)) {
        GBytes *b = hss_generic_answer(h, msg, diameter_codec_error_result_code(err), err->message);
        g_error_free(err);
        return b;
    }
    h->stats.zh_mar++;
    GaaZhMaa a = {0};
    hss_answer_common(h, &r.common, &a.common);
    HssSub *by_i = r.user_name ? g_hash_table_lookup(h->by_impi, r.user_name) : NULL;
    HssSub *by_u = r.public_identity ? g_hash_table_lookup(h->by_impu, r.public_identity) : NULL;
    HssSub *s = by_i ? by_i : by_u;
    const char *scheme = r.item.scheme;
    if (!scheme || g_str_equal(scheme, "Unknown"))
        scheme = CX_SCHEME_AKAV1_MD5;
    g_autofree char *guss = NULL;
    if ((r.user_name && !by_i) || (r.public_identity && !by_u) || (by_i && by_u && by_i != by_u)) {
        a.result = (CxResult){DIAMETER_VENDOR_3GPP, GAA_ERROR_IDENTITY_UNKNOWN};
        hss_rejected_event(h, GAA_APP_ZH, GAA_CMD_MA, GAA_ERROR_IDENTITY_UNKNOWN, "identity unknown");
    } else if (!g_str_equal(scheme, CX_SCHEME_AKAV1_MD5)) { /* Ub runs HTTP Digest AKAv1 only */
        a.result = (CxResult){0, DIAMETER_INVALID_AVP_VALUE};
        hss_rejected_event(h, GAA_APP_ZH, GAA_CMD_MA, DIAMETER_INVALID_AVP_VALUE, "authentication scheme not AKAv1");
    } else if (hss_auth_vector(h, s, &r.item, scheme, GAA_APP_ZH, &a.item, &a.result)) {
        a.result = (CxResult){0, DIAMETER_SUCCESS};
        a.user_name = s->impi;
        a.has_item = TRUE;
        guss = guss_xml(h, s);
        a.guss = guss;
    }
    GBytes *out = gaa_zh_maa_build(&a, &err);
    if (!out) {
        g_debug("%s: Zh MAA not built: %s", h->node->name, err->message);
        g_clear_error(&err);
    }
    OPENSSL_cleanse(&a.item, sizeof a.item);
    gaa_zh_mar_clear(&r);
    return out;
}
