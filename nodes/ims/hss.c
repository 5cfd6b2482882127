/* hss.c: the HSS kind: subscriptions from the scenario records, the Cx server (UAR, MAR, SAR, LIR);
 * the same Diameter node (port 3868) also runs Zh for a BSF (hss-zh.c: MAR with GUSS).
 *
 * DESIGN NOTES
 *
 * State per subscription (HssSub): the S-CSCF name stored for the user (Server-Name, TS 29.228
 * §6.1.2/§6.3) and, per public identity, registered or not. Implicit registration sets: the
 * non-pseudonym IMPUs form one set, each pseudonym is a set alone (seed 003: a pseudonym must not
 * be linkable to the other identities through the network's registration procedures).
 *
 *   no S-CSCF --MAR (Server-Name)--> S-CSCF stored, nothing registered ("authentication pending")
 *   --SAR REGISTRATION / RE_REGISTRATION--> the IMPU's set registered (S-CSCF name overwritten)
 *   --SAR USER_/TIMEOUT_/ADMINISTRATIVE_DEREGISTRATION--> that set (no Public-Identity: every set)
 *       unregistered; S-CSCF name cleared once nothing stays registered (not for the _STORE_SERVER_NAME
 *       variants)
 *   --SAR AUTHENTICATION_FAILURE / _TIMEOUT--> S-CSCF name cleared if nothing is registered
 *
 * Invariants. 1. An IMPU is registered only while an S-CSCF name is stored. 2. Registering or
 * deregistering acts on whole sets. 3. SQN_HE only changes through protocols/aka (Annex C), one step
 * per vector, or by a resynchronisation whose MAC-S verified: Cx and Zh vectors come from the one
 * AuC step hss_auth_vector(), so they share SQN_HE and its resynchronisation.
 *
 * Answers follow TS 29.228 §6.1.1 (UAR), §6.1.2 (SAR), §6.1.4 (LIR), §6.3 (MAR): unknown identities
 * give Experimental-Result DIAMETER_ERROR_USER_UNKNOWN, an IMPU of another IMPI
 * DIAMETER_ERROR_IDENTITIES_DONT_MATCH. A request that does not parse gets the RFC 6733 §7.2
 * generic answer with the Result-Code of the codec error (5005 missing AVP, ...), an unknown Cx
 * command 3001 with 'E'; both raise the event "hss-rejected".
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/hss.h"
#include "nodes/ims/hss-private.h"
#include "nodes/ims/ims-common.h"
#include "protocols/diameter/gaa.h"
#include <libxml/xmlwriter.h>
#include <openssl/crypto.h>
#include <string.h>

#define V3 DIAMETER_VENDOR_3GPP

static const SimKeySpec hss_keys[] = {
    {"scscf", SIM_KEY_NAME, NULL, "the S-CSCF node the HSS assigns to users at their first registration", NULL, 0, 0,
     "node"},
    {"gba-lifetime", SIM_KEY_TIME, "3600s",
     "key lifetime the HSS puts in the GBA user security settings it gives a BSF over Zh (whole seconds, >= 1 s)",
     NULL, 0, 0, NULL},
    SIM_KEY_END,
};

/* ---- subscriptions --------------------------------------------------------------------------- */

gboolean hss_strv_has(char **v, const char *s)
{
    return s && v && g_strv_contains((const char *const *)v, s);
}


static void sub_free(gpointer p)
{
    HssSub *s = p;
    g_free(s->record);
    g_free(s->impi);
    g_strfreev(s->impus);
    g_strfreev(s->pseudonyms);
    g_strfreev(s->barred);
    aka_hn_free(s->hn);
    g_free(s->scscf);
    g_hash_table_destroy(s->registered);
    g_free(s);
}

/* The implicit registration set of IMPU (borrowed strings, in record order). */
static GPtrArray *sub_set(const HssSub *s, const char *impu)
{
    GPtrArray *set = g_ptr_array_new();
    if (hss_strv_has(s->pseudonyms, impu)) {
        g_ptr_array_add(set, (gpointer)impu);
        return set;
    }
    for (char **p = s->impus; *p; p++)
        if (!hss_strv_has(s->pseudonyms, *p))
            g_ptr_array_add(set, *p);
    return set;
}

/* The record's own copy of IMPU (the registered table borrows those). */
static const char *sub_impu(const HssSub *s, const char *impu)
{
    for (char **p = s->impus; *p; p++)
        if (g_str_equal(*p, impu))
            return *p;
    return NULL;
}

static void sub_set_registered(HssSub *s, const char *impu, gboolean on)
{
    g_autoptr(GPtrArray) set = sub_set(s, sub_impu(s, impu));
    for (guint i = 0; i < set->len; i++)
        if (on)
            g_hash_table_add(s->registered, set->pdata[i]);
        else
            g_hash_table_remove(s->registered, set->pdata[i]);
}

static HssSub *sub_from_record(Hss *h, const char *name, const SimConfig *rec, GError **error)
{
    g_autoptr(GBytes) k = sim_config_hex(rec, "k");
    g_autoptr(GBytes) amf = sim_config_hex(rec, "amf");
    g_autoptr(GBytes) sqn = sim_config_hex(rec, "sqn");
    uint8_t opc[MILENAGE_KEY_LEN];
    if (sim_config_has(rec, "op")) { /* TS 35.206 §4.1: the AuC works with OPc */
        g_autoptr(GBytes) op = sim_config_hex(rec, "op");
        if (!milenage_compute_opc(g_bytes_get_data(k, NULL), g_bytes_get_data(op, NULL), opc, error))
            return NULL;
    } else {
        g_autoptr(GBytes) b = sim_config_hex(rec, "opc");
        memcpy(opc, g_bytes_get_data(b, NULL), sizeof opc);
    }
    AkaHn *hn = aka_hn_new(g_bytes_get_data(k, NULL), opc, NULL, error);
    OPENSSL_cleanse(opc, sizeof opc);
    if (!hn)
        return NULL;
    aka_hn_set_sqn(hn, aka_sqn_from_bytes(g_bytes_get_data(sqn, NULL)));
    HssSub *s = g_new0(HssSub, 1);
    s->record = g_strdup(name);
    s->impi = g_strdup(sim_config_string(rec, "impi"));
    s->impus = sim_config_list(rec, "impus");
    s->pseudonyms = sim_config_list(rec, "pseudonyms");
    s->barred = sim_config_list(rec, "barred");
    s->hn = hn;
    memcpy(s->amf, g_bytes_get_data(amf, NULL), sizeof s->amf);
    s->registered = g_hash_table_new(g_str_hash, g_str_equal);
    (void)h;
    return s;
}

static gboolean load_subscribers(Hss *h, GError **error)
{
    SimWorld *w = h->node->world;
    g_autoptr(GPtrArray) names = sim_world_record_names(w, "subscriber");
    for (guint i = 0; i < names->len; i++) {
        const SimConfig *rec = sim_world_record(w, "subscriber", names->pdata[i]);
        if (!g_str_equal(sim_config_string(rec, "hss"), h->node->name))
            continue;
        HssSub *s = sub_from_record(h, names->pdata[i], rec, error);
        if (!s)
            return FALSE;
        g_ptr_array_add(h->subs, s);
        if (g_hash_table_contains(h->by_impi, s->impi)) {
            g_set_error(error, SIM_PARSE_ERROR, 0, "subscriber.%s: IMPI %s is held twice", s->record, s->impi);
            return FALSE;
        }
        g_hash_table_insert(h->by_impi, s->impi, s);
        for (char **p = s->impus; *p; p++) {
            if (g_hash_table_contains(h->by_impu, *p)) { /* shared IMPUs (TS 23.228 §4.3.3.4a) not modelled */
                g_set_error(error, SIM_PARSE_ERROR, 0, "subscriber.%s: IMPU %s belongs to two subscribers",
                            s->record, *p);
                return FALSE;
            }
            g_hash_table_insert(h->by_impu, *p, s);
        }
    }
    return TRUE;
}

/* ---- the IMS subscription (TS 29.228 Annex E, CxDataType.xsd) --------------------------------- */

/* <IMSSubscription><PrivateID/><ServiceProfile><PublicIdentity>{BarringIndication, Identity}...
 * for the implicit registration set of IMPU. NULL only if libxml2 fails. g_free. */
static char *subscription_xml(const HssSub *s, const char *impu)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (!w) {
        if (buf)
            xmlBufferFree(buf);
        return NULL;
    }
    g_autoptr(GPtrArray) set = sub_set(s, impu);
    int rc = xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
    rc |= xmlTextWriterStartElement(w, BAD_CAST "IMSSubscription") < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:xsi",
                                      BAD_CAST "http://www.w3.org/2001/XMLSchema-instance") < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xsi:noNamespaceSchemaLocation", BAD_CAST "CxDataType.xsd") < 0;
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "PrivateID", BAD_CAST s->impi) < 0;
    rc |= xmlTextWriterStartElement(w, BAD_CAST "ServiceProfile") < 0;
    for (guint i = 0; i < set->len; i++) {
        const char *id = set->pdata[i];
        rc |= xmlTextWriterStartElement(w, BAD_CAST "PublicIdentity") < 0;
        if (hss_strv_has(s->barred, id)) /* tBool; absent means not barred */
            rc |= xmlTextWriterWriteElement(w, BAD_CAST "BarringIndication", BAD_CAST "1") < 0;
        rc |= xmlTextWriterWriteElement(w, BAD_CAST "Identity", BAD_CAST id) < 0;
        rc |= xmlTextWriterEndElement(w) < 0;
    }
    rc |= xmlTextWriterEndElement(w) < 0; /* ServiceProfile */
    rc |= xmlTextWriterEndElement(w) < 0; /* IMSSubscription */
    rc |= xmlTextWriterEndDocument(w) < 0;
    xmlFreeTextWriter(w); /* flushes into buf */
    char *out = rc ? NULL : g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return out;
}

/* ---- answers --------------------------------------------------------------------------------- */

void hss_answer_common(Hss *h, const CxCommon *req, CxCommon *a)
{
    memset(a, 0, sizeof *a);
    a->session_id = req->session_id;
    a->origin_host = (char *)diameter_node_origin_host(h->dn);
    a->origin_realm = (char *)diameter_node_origin_realm(h->dn);
    a->hop_by_hop = req->hop_by_hop;
    a->end_to_end = req->end_to_end;
}

static CxResult experimental(uint32_t code)
{
    return (CxResult){V3, code};
}

static CxResult base_result(uint32_t code)
{
    return (CxResult){0, code};
}

void hss_rejected_event(Hss *h, uint32_t app, uint32_t command, uint32_t result, const char *why)
{
    h->stats.rejected++;
    const DiameterDictCommand *c = diameter_dict_command(app, command);
    SimAttr attrs[] = {SIM_ATTR_S("command", c ? c->request_abbrev : "?"), SIM_ATTR_I("result", result),
                       SIM_ATTR_S("reason", why)};
    sim_node_event(h->node, "hss-rejected", attrs, G_N_ELEMENTS(attrs));
}

/* RFC 6733 §7.2: [Session-Id] {Origin-Host} {Origin-Realm} {Result-Code} [Error-Message], 'E' for
 * protocol errors. For requests the Cx parsers refused, and commands the HSS does not serve. */
GBytes *hss_generic_answer(Hss *h, const DiameterMsg *req, uint32_t result, const char *why)
{
    const DiameterHeader *hd = diameter_msg_header(req);
    hss_rejected_event(h, hd->app_id, hd->command, result, why);
    g_autoptr(DiameterBuilder) b = diameter_builder_new_answer(hd, result >= 3000 && result < 4000);
    const DiameterAvp *sid = diameter_msg_find(req, NULL, DIAMETER_AVP_SESSION_ID, 0);
    if (sid)
        diameter_builder_add_copy(b, sid);
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_HOST, 0, diameter_node_origin_host(h->dn));
    diameter_builder_add_string(b, DIAMETER_AVP_ORIGIN_REALM, 0, diameter_node_origin_realm(h->dn));
    diameter_builder_add_u32(b, DIAMETER_AVP_RESULT_CODE, 0, result);
    g_autofree char *text = g_utf8_make_valid(why, -1);
    diameter_builder_add_string(b, DIAMETER_AVP_ERROR_MESSAGE, 0, text);
    return diameter_builder_finish(b, NULL);
}

/* Finds the subscription of IMPI/IMPU (either may be NULL, not both): NULL and *RESULT set to the
 * error to answer when unknown or mismatched (TS 29.228 §6.1.1.1 steps 1-2). */
static HssSub *identify(Hss *h, const char *impi, const char *impu, CxResult *result)
{
    HssSub *by_i = impi ? g_hash_table_lookup(h->by_impi, impi) : NULL;
    HssSub *by_u = impu ? g_hash_table_lookup(h->by_impu, impu) : NULL;
    if ((impi && !by_i) || (impu && !by_u)) {
        *result = experimental(DIAMETER_ERROR_USER_UNKNOWN);
        return NULL;
    }
    if (by_i && by_u && by_i != by_u) {
        *result = experimental(DIAMETER_ERROR_IDENTITIES_DONT_MATCH);
        return NULL;
    }
    return by_i ? by_i : by_u;
}

static gboolean sub_any_registered(const HssSub *s)
{
    return g_hash_table_size(s->registered) > 0;
}

static void registration_event(Hss *h, const HssSub *s, const char *impu, uint32_t sat)
{
    SimAttr attrs[] = {SIM_ATTR_S("impi", s->impi), SIM_ATTR_S("impu", impu ? impu : ""),
                       SIM_ATTR_I("assignment_type", sat), SIM_ATTR_I("registered", g_hash_table_size(s->registered)),
                       SIM_ATTR_S("scscf", s->scscf ? s->scscf : "")};
    sim_node_event(h->node, "hss-registration", attrs, G_N_ELEMENTS(attrs));
}

/* ---- the AuC step of Cx and Zh (TS 33.102 §6.3) ------------------------------------------- */

gboolean hss_auth_vector(Hss *h, HssSub *s, const CxAuthDataItem *req, const char *scheme, uint32_t app,
                         CxAuthDataItem *item, CxResult *result)
{
    GError *err = NULL;
    memset(item, 0, sizeof *item);
    if (req->authorization_len) {
        /* Resynchronisation (TS 29.229 §6.3.11, TS 33.203 §6.1.2): SIP-Authorization = RAND || AUTS. */
        uint64_t sqn_ms = 0;
        gboolean ok = req->authorization_len == AKA_RAND_LEN + AKA_AUTS_LEN;
        if (!ok)
            err = g_error_new(AKA_ERROR, AKA_ERROR_INVALID, "SIP-Authorization of %zu bytes, not RAND || AUTS",
                              req->authorization_len);
        else
            ok = aka_hn_resync(s->hn, req->authorization, req->authorization + AKA_RAND_LEN, &sqn_ms, &err);
        SimAttr attrs[] = {SIM_ATTR_S("impi", s->impi), SIM_ATTR_S("result", ok ? "ok" : "failed"),
                           SIM_ATTR_I("sqn_ms", sqn_ms), SIM_ATTR_I("sqn_he", aka_hn_sqn(s->hn)),
                           SIM_ATTR_S("reason", ok ? "" : err->message)};
        sim_node_event(h->node, "hss-resync", attrs, G_N_ELEMENTS(attrs));
        g_clear_error(&err);
        if (!ok) {
            /* TS 33.102 §6.3.5: no new vectors on an AUTS that does not verify */
            h->stats.resync_failures++;
            *result = base_result(DIAMETER_AUTHORIZATION_REJECTED);
            return FALSE;
        }
        h->stats.resyncs++;
    }
    uint8_t rand[AKA_RAND_LEN];
    sim_rng_bytes(h->node->rng, rand, sizeof rand);
    AkaVector av;
    if (!aka_hn_generate(s->hn, rand, s->amf, &av, &err)) { /* SQN exhausted */
        *result = base_result(DIAMETER_UNABLE_TO_COMPLY);
        hss_rejected_event(h, app, CX_CMD_MULTIMEDIA_AUTH, DIAMETER_UNABLE_TO_COMPLY, err->message);
        g_clear_error(&err);
        return FALSE;
    }
    h->stats.vectors++;
    item->has_item_number = TRUE;
    item->item_number = 1;
    item->scheme = (char *)scheme;
    memcpy(item->authenticate, av.rand, AKA_RAND_LEN); /* §6.3.10: RAND || AUTN */
    memcpy(item->authenticate + AKA_RAND_LEN, av.autn, AKA_AUTN_LEN);
    item->authenticate_len = AKA_RAND_LEN + AKA_AUTN_LEN;
    memcpy(item->authorization, av.xres, AKA_RES_LEN); /* §6.3.11: XRES */
    item->authorization_len = AKA_RES_LEN;
    item->has_ck = item->has_ik = TRUE;
    memcpy(item->ck, av.ck, CX_KEY_LEN);
    memcpy(item->ik, av.ik, CX_KEY_LEN);
    aka_vector_clear(&av);
    return TRUE;
}

/* ---- UAR (TS 29.228 §6.1.1) ------------------------------------------------------------------ */

static GBytes *handle_uar(Hss *h, const DiameterMsg *msg)
{
    CxUar r;
    GError *err = NULL;
    if (!cx_uar_parse(msg, &r, &err)) {
        GBytes *b = hss_generic_answer(h, msg, diameter_codec_error_result_code(err), err->message);
        g_error_free(err);
        return b;
    }
    h->stats.uar++;
    CxUaa a = {0};
    hss_answer_common(h, &r.common, &a.common);
    HssSub *s = identify(h, r.user_name, r.public_identity, &a.result);
    if (s) {
        g_autoptr(GPtrArray) set = sub_set(s, sub_impu(s, r.public_identity));
        guint open = 0;
        for (guint i = 0; i < set->len; i++)
            open += !hss_strv_has(s->barred, set->pdata[i]);
        if (hss_strv_has(s->barred, r.public_identity) && open == 0) {
            /* step 3: barred and no non-barred identity to register implicitly with it */
            a.result = base_result(DIAMETER_AUTHORIZATION_REJECTED);
        } else if (r.user_authorization_type == CX_UAT_DE_REGISTRATION) {
            /* step 4 */
            if (s->scscf) {
                a.result = base_result(DIAMETER_SUCCESS);
                a.server_name = s->scscf;
            } else {
                a.result = experimental(DIAMETER_ERROR_IDENTITY_NOT_REGISTERED);
            }
        } else if (s->scscf) { /* step 5: an S-CSCF is stored for the user */
            a.result = experimental(DIAMETER_SUBSEQUENT_REGISTRATION);
            a.server_name = s->scscf;
        } else {
            a.result = experimental(DIAMETER_FIRST_REGISTRATION);
            a.server_name = h->scscf_uri;
        }
    }
    GBytes *out = cx_uaa_build(&a, &err);
    if (!out) {
        g_debug("%s: UAA not built: %s", h->node->name, err->message);
        g_clear_error(&err);
    }
    cx_uar_clear(&r);
    return out;
}

/* ---- MAR (TS 29.228 §6.3, TS 29.229 §6.1.7) -------------------------------------------------- */

static GBytes *handle_mar(Hss *h, const DiameterMsg *msg)
{
    CxMar r;
    GError *err = NULL;
    if (!cx_mar_parse(msg, &r, &err)) {
        GBytes *b = hss_generic_answer(h, msg, diameter_codec_error_result_code(err), err->message);
        g_error_free(err);
        return b;
    }
    h->stats.mar++;
    CxMaa a = {0};
    hss_answer_common(h, &r.common, &a.common);
    CxAuthDataItem item = {0};
    HssSub *s = identify(h, r.user_name, r.public_identity, &a.result);
    const char *scheme = r.item.scheme;
    if (!scheme || g_str_equal(scheme, "Unknown")) /* TS 29.228 §6.3: "Unknown" lets the HSS choose */
        scheme = CX_SCHEME_AKAV1_MD5;
    if (s && !g_str_equal(scheme, CX_SCHEME_AKAV1_MD5) && !g_str_equal(scheme, "Digest-AKAv2-MD5")) {
        a.result = experimental(DIAMETER_ERROR_AUTH_SCHEME_NOT_SUPPORTED);
        s = NULL;
    }
    if (s && hss_auth_vector(h, s, &r.item, scheme, DIAMETER_APP_CX, &item, &a.result)) {
        /* §6.3.1: the S-CSCF asking is stored unless the user is registered elsewhere */
        if (!sub_any_registered(s) && (!s->scscf || !g_str_equal(s->scscf, r.server_name))) {
            g_free(s->scscf);
            s->scscf = g_strdup(r.server_name);
        }
        a.result = base_result(DIAMETER_SUCCESS);
        a.user_name = r.user_name;
        a.public_identity = r.public_identity;
        a.has_number_auth_items = TRUE;
        a.number_auth_items = 1;
        a.items = &item;
        a.n_items = 1;
    }
    GBytes *out = cx_maa_build(&a, &err);
    if (!out) {
        g_debug("%s: MAA not built: %s", h->node->name, err->message);
        g_clear_error(&err);
    }
    OPENSSL_cleanse(&item, sizeof item);
    cx_mar_clear(&r);
    return out;
}

/* ---- SAR (TS 29.228 §6.1.2) ------------------------------------------------------------------ */

static GBytes *handle_sar(Hss *h, const DiameterMsg *msg)
{
    CxSar r;
    GError *err = NULL;
    if (!cx_sar_parse(msg, &r, &err)) {
        GBytes *b = hss_generic_answer(h, msg, diameter_codec_error_result_code(err), err->message);
        g_error_free(err);
        return b;
    }
    h->stats.sar++;
    CxSaa a = {0};
    g_autofree char *xml = NULL;
    hss_answer_common(h, &r.common, &a.common);
    HssSub *s = NULL;
    if (!r.user_name && !r.public_identity)
        a.result = experimental(DIAMETER_ERROR_USER_UNKNOWN);
    else
        s = identify(h, r.user_name, r.public_identity, &a.result);
    const char *impu = s ? (r.public_identity ? sub_impu(s, r.public_identity) : s->impus[0]) : NULL;
    if (s) {
        a.result = base_result(DIAMETER_SUCCESS);
        a.user_name = s->impi;
        gboolean profile = FALSE, changed = TRUE;
        switch (r.server_assignment_type) {
        case CX_SAT_REGISTRATION:
        case CX_SAT_RE_REGISTRATION:
            g_free(s->scscf);
            s->scscf = g_strdup(r.server_name);
            sub_set_registered(s, impu, TRUE);
            profile = r.user_data_already_available != CX_USER_DATA_ALREADY_AVAILABLE;
            break;
        case CX_SAT_UNREGISTERED_USER:
            g_free(s->scscf);
            s->scscf = g_strdup(r.server_name);
            profile = TRUE;
            break;
        case CX_SAT_NO_ASSIGNMENT:
            profile = TRUE;
            changed = FALSE;
            break;
        case CX_SAT_TIMEOUT_DEREGISTRATION:
        case CX_SAT_USER_DEREGISTRATION:
        case CX_SAT_ADMINISTRATIVE_DEREGISTRATION:
        case CX_SAT_TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME:
        case CX_SAT_USER_DEREGISTRATION_STORE_SERVER_NAME:
            if (r.public_identity)
                sub_set_registered(s, impu, FALSE);
            else
                g_hash_table_remove_all(s->registered);
            if (!sub_any_registered(s) && r.server_assignment_type != CX_SAT_TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME &&
                r.server_assignment_type != CX_SAT_USER_DEREGISTRATION_STORE_SERVER_NAME)
                g_clear_pointer(&s->scscf, g_free);
            break;
        case CX_SAT_AUTHENTICATION_FAILURE:
        case CX_SAT_AUTHENTICATION_TIMEOUT:
            if (!sub_any_registered(s))
                g_clear_pointer(&s->scscf, g_free);
            break;
        default:
            a.result = experimental(DIAMETER_ERROR_IN_ASSIGNMENT_TYPE);
            a.user_name = NULL;
            changed = FALSE;
            break;
        }
        if (profile) {
            xml = subscription_xml(s, impu);
            a.user_data = xml;
        }
        if (changed)
            registration_event(h, s, impu, r.server_assignment_type);
    }
    GBytes *out = cx_saa_build(&a, &err);
    if (!out) {
        g_debug("%s: SAA not built: %s", h->node->name, err->message);
        g_clear_error(&err);
    }
    cx_sar_clear(&r);
    return out;
}

/* ---- LIR (TS 29.228 §6.1.4) ------------------------------------------------------------------ */

static GBytes *handle_lir(Hss *h, const DiameterMsg *msg)
{
    CxLir r;
    GError *err = NULL;
    if (!cx_lir_parse(msg, &r, &err)) {
        GBytes *b = hss_generic_answer(h, msg, diameter_codec_error_result_code(err), err->message);
        g_error_free(err);
        return b;
    }
    h->stats.lir++;
    CxLia a = {0};
    hss_answer_common(h, &r.common, &a.common);
    HssSub *s = identify(h, NULL, r.public_identity, &a.result);
    if (s && g_hash_table_contains(s->registered, r.public_identity)) {
        a.result = base_result(DIAMETER_SUCCESS);
        a.server_name = s->scscf;
    } else if (s) {
        /* unregistered: the stored S-CSCF, else the one the HSS would assign (unregistered services) */
        a.result = experimental(DIAMETER_UNREGISTERED_SERVICE);
        a.server_name = s->scscf ? s->scscf : h->scscf_uri;
    }
    GBytes *out = cx_lia_build(&a, &err);
    if (!out) {
        g_debug("%s: LIA not built: %s", h->node->name, err->message);
        g_clear_error(&err);
    }
    cx_lir_clear(&r);
    return out;
}

/* ---- the Diameter server --------------------------------------------------------------------- */

static void hss_request(DiameterNode *dn, DiameterPeer *peer, const DiameterMsg *msg, void *user)
{
    Hss *h = user;
    const DiameterHeader *hd = diameter_msg_header(msg);
    GBytes *answer = NULL;
    if (hd->app_id == GAA_APP_ZH && hd->command == GAA_CMD_MA)
        answer = hss_zh_mar(h, msg);
    else if (hd->app_id == GAA_APP_ZH)
        answer = hss_generic_answer(h, msg, DIAMETER_COMMAND_UNSUPPORTED, "command not served on Zh");
    else if (hd->app_id != DIAMETER_APP_CX)
        answer = hss_generic_answer(h, msg, DIAMETER_APPLICATION_UNSUPPORTED, "neither a Cx nor a Zh request");
    else if (hd->command == CX_CMD_USER_AUTHORIZATION)
        answer = handle_uar(h, msg);
    else if (hd->command == CX_CMD_MULTIMEDIA_AUTH)
        answer = handle_mar(h, msg);
    else if (hd->command == CX_CMD_SERVER_ASSIGNMENT)
        answer = handle_sar(h, msg);
    else if (hd->command == CX_CMD_LOCATION_INFO)
        answer = handle_lir(h, msg);
    else
        answer = hss_generic_answer(h, msg, DIAMETER_COMMAND_UNSUPPORTED, "command not served by this HSS");
    if (!answer) /* an answer that could not be built (lengths): still answer something */
        answer = hss_generic_answer(h, msg, DIAMETER_UNABLE_TO_COMPLY, "answer could not be built");
    GError *err = NULL;
    if (answer && !diameter_node_answer(dn, peer, answer, &err)) {
        g_debug("%s: answer not sent: %s", h->node->name, err->message);
        g_clear_error(&err);
    }
}

static void hss_answer(DiameterNode *dn, const DiameterMsg *msg, void *req_user, void *user)
{
    (void)dn, (void)msg, (void)req_user, (void)user; /* the HSS sends no requests */
}

/* ---- the kind -------------------------------------------------------------------------------- */

static void hss_free(void *p)
{
    Hss *h = p;
    diameter_node_free(h->dn);
    g_hash_table_destroy(h->by_impi);
    g_hash_table_destroy(h->by_impu);
    g_ptr_array_free(h->subs, TRUE);
    g_free(h->scscf_uri);
    g_free(h);
}

static gboolean hss_create(SimNode *node, const SimConfig *cfg, GError **error)
{
    const char *scscf_name = sim_config_string(cfg, "scscf");
    SimNode *scscf = sim_world_find_node(node->world, scscf_name);
    if (!scscf || !g_str_equal(scscf->kind, "scscf")) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "scscf: '%s' is not a node of kind scscf", scscf_name);
        return FALSE;
    }
    SimTime lifetime = sim_config_time(cfg, "gba-lifetime");
    if (lifetime < SIM_S || lifetime / SIM_S > G_MAXUINT32) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "gba-lifetime: must be between 1 s and %u s", G_MAXUINT32);
        return FALSE;
    }
    Hss *h = g_new0(Hss, 1);
    h->node = node;
    h->gba_lifetime = (uint32_t)(lifetime / SIM_S);
    h->scscf_uri = ims_sip_uri(scscf);
    h->subs = g_ptr_array_new_with_free_func(sub_free);
    h->by_impi = g_hash_table_new(g_str_hash, g_str_equal);
    h->by_impu = g_hash_table_new(g_str_hash, g_str_equal);
    node->impl = h;
    node->impl_free = hss_free;
    g_autofree char *host = ims_host_name(node);
    /* Cx for the CSCFs and Zh for a BSF on the one port: each peer agrees on its own in CER/CEA */
    const DiameterPeerApp apps[] = {{DIAMETER_VENDOR_3GPP, IMS_CX_APP_ID}, {DIAMETER_VENDOR_3GPP, GAA_APP_ZH}};
    const DiameterNodeHandlers handlers = {.request = hss_request, .answer = hss_answer};
    h->dn = diameter_node_new_multi(node, host, node->domain && *node->domain ? node->domain : host, apps,
                                    G_N_ELEMENTS(apps), &handlers, h);
    if (!load_subscribers(h, error))
        return FALSE;
    return diameter_node_listen(h->dn, DIAMETER_PORT, error);
}

static void hss_report(SimNode *node, SimReport *r)
{
    Hss *h = node->impl;
    guint registered = 0;
    for (guint i = 0; i < h->subs->len; i++)
        registered += g_hash_table_size(((HssSub *)h->subs->pdata[i])->registered);
    sim_report_begin(r, "nodes");
    sim_report_begin(r, node->name);
    sim_report_string(r, "kind", "hss");
    sim_report_uint(r, "subscribers", h->subs->len);
    sim_report_uint(r, "uar", h->stats.uar);
    sim_report_uint(r, "mar", h->stats.mar);
    sim_report_uint(r, "sar", h->stats.sar);
    sim_report_uint(r, "lir", h->stats.lir);
    sim_report_uint(r, "vectors", h->stats.vectors);
    sim_report_uint(r, "resyncs", h->stats.resyncs);
    sim_report_uint(r, "resync_failures", h->stats.resync_failures);
    sim_report_uint(r, "rejected", h->stats.rejected);
    sim_report_uint(r, "zh_mar", h->stats.zh_mar);
    sim_report_uint(r, "registered_impus", registered);
    sim_report_end(r);
    sim_report_end(r);
}

const SimNodeKind sim_node_kind_hss = {
    .name = "hss",
    .summary = "home subscriber server: Cx server (UAR, MAR, SAR, LIR), Zh server for a BSF (MAR with GUSS) and AuC of "
               "IMS AKA and GBA",
    .keys = hss_keys,
    .forwarding = FALSE,
    .create = hss_create,
    .report = hss_report,
};
