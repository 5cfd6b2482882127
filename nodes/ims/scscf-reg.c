/* scscf-reg.c: REGISTER at the S-CSCF: IMS AKA (TS 33.203 §6.1, TS 24.229 §5.4.1), bindings and
 * their expiry, de-registration by the user, by timeout and by the network.
 *
 * DESIGN NOTES
 *
 * Per private identity (IMPI), the authentication (one ScscfChallenge at most, keyed by IMPI):
 *
 *   IDLE --REGISTER needing authentication: challenge()--> MAR out (op SCSCF_OP_MAR)
 *   MAR out --MAA with a vector: mar_answer()--> CHALLENGED (RAND, AUTN, XRES, CK, IK kept; 401 sent)
 *          --MAA error / no MAA--> IDLE, 403 / 504
 *   CHALLENGED --REGISTER with that nonce and a response: verify_response()
 *                  right --> IDLE, authorized()            wrong --> IDLE, 403, "auth-failed"
 *              --REGISTER with auts: resync()--> MAR out with RAND || AUTS (TS 33.203 §6.1.2)
 *              --REGISTER with that nonce, no response, no auts (the UE's MAC check failed,
 *                TS 24.229 §5.1.1.5.3)--> IDLE, 403, "auth-failed", no new challenge (§5.4.1.2.3)
 *              --REGISTER with another or no nonce--> MAR out again (the old vector is dropped)
 *
 * Per public identity (its implicit registration set, ScscfReg):
 *
 *   NOT REGISTERED --authorized(), bindings left--> SAR REGISTRATION out --SAA ok--> REGISTERED (200)
 *   REGISTERED --authorized() (after a challenge, or integrity-protected="yes": TS 24.229
 *                §5.4.1.2.1 lets a protected re-REGISTER skip authentication), bindings left-->
 *                SAR RE_REGISTRATION --SAA ok--> REGISTERED (200, bindings updated)
 *              --authorized(), no binding left--> SAR USER_DEREGISTRATION --any SAA--> NOT REGISTERED
 *              --last binding's timer--> SAR TIMEOUT_DEREGISTRATION, NOT REGISTERED
 *              --network-deregister--> SAR ADMINISTRATIVE_DEREGISTRATION, NOT REGISTERED
 *   Every change of a registered set is notified to its reg-event subscribers (scscf-regevent.c);
 *   the end of a registration terminates their subscriptions.
 *
 * Invariants. 1. A nonce is answered at most once: the challenge is dropped before its response is
 * checked. 2. A ScscfReg exists only after a successful SAA and has at least one active binding
 * between events. 3. Every active binding has exactly one expiry timer pending.
 */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/scscf-private.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>
#include <string.h>

static const char *scheme_of(DigestAlgorithm alg)
{
    return alg == DIGEST_ALG_AKAV2_MD5 ? "Digest-AKAv2-MD5" : CX_SCHEME_AKAV1_MD5; /* TS 29.229 §6.3.9 */
}

/* TS 24.229 §5.2.2: the P-CSCF's verdict on the REGISTER; "yes" for IPsec, the TLS / IP-association
 * variants for the other mechanisms. */
static gboolean is_protected(const char *v)
{
    return v && (g_str_equal(v, "yes") || g_str_equal(v, "tls-yes") || g_str_equal(v, "ip-assoc-yes"));
}

static SimTime now(const Scscf *s)
{
    return sim_world_now(s->node->world);
}

/* ---- parsing the REGISTER -------------------------------------------------------------------- */

static gboolean parse_seconds(const char *text, gint64 *out)
{
    if (!text || !*text || strlen(text) > 10)
        return FALSE;
    for (const char *p = text; *p; p++)
        if (!g_ascii_isdigit(*p))
            return FALSE;
    guint64 v = g_ascii_strtoull(text, NULL, 10);
    if (v > G_MAXUINT32)
        return FALSE;
    *out = (gint64)v;
    return TRUE;
}

static ScscfRegister *register_parse(const osip_message_t *req, const SipAuth *auth, const char **why)
{
    ScscfRegister *rr = g_new0(ScscfRegister, 1);
    rr->contacts = g_ptr_array_new();
    rr->path = g_ptr_array_new_with_free_func(g_free);
    rr->impu = cscf_uri_aor(req->to ? req->to->url : NULL);
    const char *user = auth ? sip_auth_get(auth, "username") : NULL;
    const char *ip = auth ? sip_auth_get(auth, "integrity-protected") : NULL;
    const char *cp = auth ? sip_auth_get(auth, "confidentiality-protected") : NULL; /* presim extension, SM8 */
    rr->integrity = g_strdup(ip ? ip : "");
    rr->confidentiality = g_strdup(cp ? cp : "");
    if (!rr->impu) {
        *why = "no public identity in To";
        goto bad;
    }
    rr->impi = user && *user ? g_strdup(user) : cscf_request_impi(req, rr->impu);
    if (!rr->impi) {
        *why = "no private identity";
        goto bad;
    }
    rr->expires = cscf_request_expires(req);
    if (rr->expires == -2) {
        *why = "malformed Expires";
        goto bad;
    }
    for (int i = 0; i < osip_list_size(&req->contacts); i++) {
        osip_contact_t *c = osip_list_get(&req->contacts, i);
        if (!c->url && c->displayname && g_str_equal(c->displayname, "*")) {
            rr->star = TRUE;
            continue;
        }
        char *text = NULL;
        if (!c->url || osip_uri_to_str(c->url, &text) != 0) {
            *why = "unusable Contact";
            goto bad;
        }
        ScscfContactReq *cr = g_new0(ScscfContactReq, 1);
        cr->uri = g_strdup(text);
        osip_free(text);
        cr->expires = -1;
        g_ptr_array_add(rr->contacts, cr);
        osip_generic_param_t *p = NULL;
        if (osip_contact_param_get_byname(c, "expires", &p) == 0 && p && !parse_seconds(p->gvalue, &cr->expires)) {
            *why = "malformed Contact expires";
            goto bad;
        }
    }
    if (rr->star && (rr->contacts->len || rr->expires != 0)) { /* RFC 3261 §10.3 step 6 */
        *why = "Contact: * needs Expires: 0 and no other Contact";
        goto bad;
    }
    for (guint i = 0; sip_message_get_header(req, "Path", i); i++)
        g_ptr_array_add(rr->path, g_strdup(sip_message_get_header(req, "Path", i)));
    return rr;
bad:
    scscf_register_free(rr);
    return NULL;
}

/* ---- the subscription profile (TS 29.228 Annex E) ------------------------------------------- */

static xmlNodePtr child(xmlNodePtr parent, const char *name, xmlNodePtr after)
{
    for (xmlNodePtr n = after ? after->next : parent->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name))
            return n;
    return NULL;
}

/* The public identities of the IMSSubscription (every ServiceProfile) into SET, barred ones also
 * into BARRED. FALSE when it does not parse. */
static gboolean parse_profile(const char *xml, GPtrArray *set, GPtrArray *barred)
{
    if (!xml)
        return FALSE;
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "user-data.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    gboolean ok = root && xmlStrEqual(root->name, BAD_CAST "IMSSubscription");
    for (xmlNodePtr sp = ok ? child(root, "ServiceProfile", NULL) : NULL; sp; sp = child(root, "ServiceProfile", sp))
        for (xmlNodePtr pi = child(sp, "PublicIdentity", NULL); pi; pi = child(sp, "PublicIdentity", pi)) {
            xmlNodePtr id = child(pi, "Identity", NULL), bi = child(pi, "BarringIndication", NULL);
            xmlChar *idt = id ? xmlNodeGetContent(id) : NULL;
            xmlChar *bit = bi ? xmlNodeGetContent(bi) : NULL;
            if (idt && *idt) {
                g_ptr_array_add(set, g_strstrip(g_strdup((const char *)idt)));
                if (bit && (xmlStrEqual(bit, BAD_CAST "1") || xmlStrEqual(bit, BAD_CAST "true")))
                    g_ptr_array_add(barred, g_strstrip(g_strdup((const char *)idt)));
            }
            xmlFree(idt);
            xmlFree(bit);
        }
    if (doc)
        xmlFreeDoc(doc);
    return ok && set->len > 0;
}

static gboolean str_in(const GPtrArray *a, const char *s)
{
    for (guint i = 0; i < a->len; i++)
        if (g_str_equal(a->pdata[i], s))
            return TRUE;
    return FALSE;
}

/* Takes the set from USER_DATA (or the registering IMPU alone when it has none) and indexes it. */
static void reg_set_profile(ScscfReg *reg, const char *user_data)
{
    Scscf *s = reg->s;
    for (guint i = 0; i < reg->set->len; i++)
        if (g_hash_table_lookup(s->by_impu, reg->set->pdata[i]) == reg)
            g_hash_table_remove(s->by_impu, reg->set->pdata[i]);
    g_ptr_array_set_size(reg->set, 0);
    g_ptr_array_set_size(reg->barred, 0);
    if (!parse_profile(user_data, reg->set, reg->barred) || !str_in(reg->set, reg->impu)) {
        g_ptr_array_set_size(reg->set, 0);
        g_ptr_array_set_size(reg->barred, 0);
        g_ptr_array_add(reg->set, g_strdup(reg->impu));
    }
    for (guint i = 0; i < reg->set->len; i++)
        g_hash_table_insert(s->by_impu, reg->set->pdata[i], reg);
}

static ScscfReg *reg_new(Scscf *s, const ScscfRegister *rr, const char *user_data)
{
    ScscfReg *reg = g_new0(ScscfReg, 1);
    reg->s = s;
    reg->id = ++s->next_id;
    reg->impi = g_strdup(rr->impi);
    reg->impu = g_strdup(rr->impu);
    reg->set = g_ptr_array_new_with_free_func(g_free);
    reg->barred = g_ptr_array_new_with_free_func(g_free);
    reg->bindings = scscf_bindings_new();
    reg->path = g_ptr_array_new_with_free_func(g_free);
    reg->subs = g_ptr_array_new();
    g_ptr_array_add(s->regs, reg);
    reg_set_profile(reg, user_data);
    return reg;
}

/* ---- bindings -------------------------------------------------------------------------------- */

static gint64 granted(const Scscf *s, const ScscfRegister *rr, const ScscfContactReq *c)
{
    gint64 e = c->expires >= 0 ? c->expires : rr->expires >= 0 ? rr->expires : s->reg_expires;
    return MIN(e, s->reg_expires); /* RFC 3261 §10.3 step 7: the registrar may shorten */
}

static ScscfBinding *binding_find(const ScscfReg *reg, const char *uri)
{
    for (guint i = 0; reg && i < reg->bindings->len; i++) {
        ScscfBinding *b = reg->bindings->pdata[i];
        if (b->active && g_str_equal(b->uri, uri))
            return b;
    }
    return NULL;
}

static gboolean any_active(const ScscfReg *reg)
{
    for (guint i = 0; i < reg->bindings->len; i++)
        if (((ScscfBinding *)reg->bindings->pdata[i])->active)
            return TRUE;
    return FALSE;
}

/* Active bindings once RR is applied to REG (NULL: not registered). */
static guint bindings_after(const Scscf *s, const ScscfReg *reg, const ScscfRegister *rr)
{
    if (rr->star)
        return 0;
    guint n = 0;
    for (guint i = 0; reg && i < reg->bindings->len; i++) {
        const ScscfBinding *b = reg->bindings->pdata[i];
        gboolean removed = FALSE;
        for (guint k = 0; k < rr->contacts->len; k++) {
            const ScscfContactReq *c = rr->contacts->pdata[k];
            removed |= g_str_equal(c->uri, b->uri) && granted(s, rr, c) == 0;
        }
        n += b->active && !removed;
    }
    for (guint k = 0; k < rr->contacts->len; k++) {
        const ScscfContactReq *c = rr->contacts->pdata[k];
        n += granted(s, rr, c) > 0 && !binding_find(reg, c->uri);
    }
    return n;
}

static void end_registration(ScscfReg *reg, const char *reason)
{
    scscf_regevent_reg_ended(reg, reason);
    scscf_reg_free(reg);
}

/* Drops the bindings that were terminated (after their last NOTIFY). */
static void purge_bindings(ScscfReg *reg)
{
    for (guint i = reg->bindings->len; i-- > 0;)
        if (!((ScscfBinding *)reg->bindings->pdata[i])->active)
            g_ptr_array_remove_index(reg->bindings, i);
}

static void binding_expired(void *arg)
{
    ScscfBinding *b = arg;
    ScscfReg *reg = b->reg;
    Scscf *s = reg->s;
    b->timer = 0;
    b->active = FALSE;
    b->event = "expired";
    if (any_active(reg)) {
        scscf_regevent_notify(reg);
        purge_bindings(reg);
        return;
    }
    s->stats.expirations++;
    SimAttr attrs[] = {SIM_ATTR_S("impi", reg->impi), SIM_ATTR_S("impu", reg->impu)};
    sim_node_event(s->node, "registration-expired", attrs, G_N_ELEMENTS(attrs));
    scscf_reg_sar_notice(s, reg->impi, reg->impu, CX_SAT_TIMEOUT_DEREGISTRATION);
    end_registration(reg, "noresource");
}

static void binding_arm(ScscfBinding *b, gint64 seconds)
{
    SimEngine *e = b->reg->s->node->world->engine;
    sim_engine_cancel(e, b->timer);
    b->expires_at = sim_engine_now(e) + seconds * SIM_S;
    b->timer = sim_engine_schedule_in(e, seconds * SIM_S, binding_expired, b);
}

/* Applies the contacts of RR to REG. Returns the expiry granted to the first contact (-1: none). */
static gint64 apply_bindings(ScscfReg *reg, const ScscfRegister *rr)
{
    Scscf *s = reg->s;
    gint64 first = -1;
    for (guint k = 0; k < rr->contacts->len; k++) {
        const ScscfContactReq *c = rr->contacts->pdata[k];
        gint64 g = granted(s, rr, c);
        if (first < 0)
            first = g;
        ScscfBinding *b = binding_find(reg, c->uri);
        if (g == 0) {
            if (b) {
                sim_engine_cancel(s->node->world->engine, b->timer);
                b->timer = 0;
                b->active = FALSE;
                b->event = "unregistered";
            }
            continue;
        }
        if (!b) {
            b = g_new0(ScscfBinding, 1);
            b->reg = reg;
            b->id = ++s->next_id;
            b->uri = g_strdup(c->uri);
            b->active = TRUE;
            b->event = "registered";
            g_ptr_array_add(reg->bindings, b);
        } else {
            b->event = "refreshed";
        }
        binding_arm(b, g);
    }
    return first;
}

/* ---- responses ------------------------------------------------------------------------------- */

static gboolean add(osip_message_t *m, const char *name, const char *value)
{
    GError *err = NULL;
    if (sip_message_add_header(m, name, value, &err))
        return TRUE;
    g_debug("%s not added: %s", name, err->message);
    g_error_free(err);
    return FALSE;
}

/* 200 OK to a REGISTER (TS 24.229 §5.4.1.2.2): the bindings of REG (NULL: none), Expires GRANTED
 * (-1: none), P-Associated-URI (non-barred identities of the set, the default first), Service-Route,
 * and the Path of the request. */
static void reply_ok(Scscf *s, SipTxn *txn, const ScscfReg *reg, const ScscfRegister *rr, gint64 granted_s)
{
    GError *err = NULL;
    g_autofree char *tag = sip_node_tag(s->sn);
    osip_message_t *resp = sip_response_new(sip_txn_request(txn), 200, "OK", tag, &err);
    if (!resp) {
        g_debug("%s: 200 not built: %s", s->node->name, err->message);
        g_error_free(err);
        return;
    }
    gboolean active = FALSE;
    for (guint i = 0; reg && i < reg->bindings->len; i++) {
        const ScscfBinding *b = reg->bindings->pdata[i];
        if (!b->active)
            continue;
        active = TRUE;
        gint64 left = (b->expires_at - now(s) + SIM_S - 1) / SIM_S;
        g_autofree char *c = g_strdup_printf("<%s>;expires=%" G_GINT64_FORMAT, b->uri, left);
        add(resp, "Contact", c);
    }
    if (granted_s >= 0) {
        g_autofree char *e = g_strdup_printf("%" G_GINT64_FORMAT, granted_s);
        add(resp, "Expires", e);
    }
    if (active) {
        GString *pau = g_string_new(NULL);
        for (guint i = 0; i < reg->set->len; i++)
            if (!str_in(reg->barred, reg->set->pdata[i]))
                g_string_append_printf(pau, "%s<%s>", pau->len ? ", " : "", (const char *)reg->set->pdata[i]);
        if (pau->len)
            add(resp, "P-Associated-URI", pau->str);
        g_string_free(pau, TRUE);
        add(resp, "Service-Route", s->service_route);
    }
    for (guint i = 0; i < rr->path->len; i++)
        add(resp, "Path", rr->path->pdata[i]);
    if (!sip_node_respond(s->sn, txn, resp, &err)) {
        g_debug("%s: 200 not sent: %s", s->node->name, err ? err->message : "?");
        g_clear_error(&err);
    }
}

static void reg_event(Scscf *s, const char *name, const char *impi, const char *impu, const char *reason)
{
    SimAttr attrs[] = {SIM_ATTR_S("impi", impi), SIM_ATTR_S("impu", impu), SIM_ATTR_S("reason", reason)};
    sim_node_event(s->node, name, attrs, reason ? 3 : 2);
}

/* ---- Cx requests ----------------------------------------------------------------------------- */

static void send_sar(Scscf *s, ScscfOp *op, const char *impi, const char *impu, uint32_t sat, gboolean have_data)
{
    CxSar m = {0};
    m.user_name = g_strdup(impi);
    m.public_identity = g_strdup(impu);
    m.server_name = g_strdup(s->uri);
    m.server_assignment_type = sat;
    m.user_data_already_available = have_data ? CX_USER_DATA_ALREADY_AVAILABLE : CX_USER_DATA_NOT_AVAILABLE;
    cscf_cx_request_common(s->dn, s->hss, &m.common);
    GError *err = NULL;
    GBytes *b = cx_sar_build(&m, &err);
    cx_sar_clear(&m);
    scscf_cx_send(s, op, b, err);
}

void scscf_reg_sar_notice(Scscf *s, const char *impi, const char *impu, uint32_t sat)
{
    ScscfOp *op = scscf_op_new(s, SCSCF_OP_SAR_NOTICE, NULL, NULL);
    op->sat = sat;
    send_sar(s, op, impi, impu, sat, TRUE);
}

/* MAR for a vector (RAND_AUTS NULL) or for resynchronisation (RAND || AUTS, TS 29.229 §6.3.11). */
static void challenge(Scscf *s, SipTxn *txn, ScscfRegister *rr, const uint8_t *rand_auts)
{
    ScscfOp *op = scscf_op_new(s, SCSCF_OP_MAR, txn, rr);
    op->resync = rand_auts != NULL;
    CxMar m = {0};
    m.user_name = g_strdup(rr->impi);
    m.public_identity = g_strdup(rr->impu);
    m.server_name = g_strdup(s->uri);
    m.number_auth_items = 1;
    m.item.scheme = g_strdup(scheme_of(s->alg));
    if (rand_auts) {
        memcpy(m.item.authorization, rand_auts, AKA_RAND_LEN + AKA_AUTS_LEN);
        m.item.authorization_len = AKA_RAND_LEN + AKA_AUTS_LEN;
    }
    cscf_cx_request_common(s->dn, s->hss, &m.common);
    GError *err = NULL;
    GBytes *b = cx_mar_build(&m, &err);
    cx_mar_clear(&m);
    scscf_cx_send(s, op, b, err);
}

static void auth_failed(Scscf *s, SipTxn *txn, ScscfRegister *rr, const char *why)
{
    s->stats.auth_failures++;
    reg_event(s, "auth-failed", rr->impi, rr->impu, why);
    scscf_reply(s, txn, 403, "Forbidden");
    /* TS 29.228 §6.1.2: lets the HSS forget the S-CSCF stored at the MAR */
    if (!scscf_reg_find(s, rr->impu))
        scscf_reg_sar_notice(s, rr->impi, rr->impu, CX_SAT_AUTHENTICATION_FAILURE);
    scscf_register_free(rr);
}

/* ---- authentication -------------------------------------------------------------------------- */

/* RFC 3310 §3.3 / RFC 4169 §3: the Digest response of the REGISTER with password XRES (AKAv1) or
 * the AKAv2 password derived from XRES, IK and CK. NULL when right, else why not. */
static const char *verify_response(const Scscf *s, const ScscfChallenge *ch, const SipAuth *auth)
{
    const char *username = sip_auth_get(auth, "username"), *realm = sip_auth_get(auth, "realm");
    const char *nonce = sip_auth_get(auth, "nonce"), *uri = sip_auth_get(auth, "uri");
    const char *response = sip_auth_get(auth, "response"), *algorithm = sip_auth_get(auth, "algorithm");
    const char *qop = sip_auth_get(auth, "qop"), *nc = sip_auth_get(auth, "nc"), *cnonce = sip_auth_get(auth, "cnonce");
    if (!username || !realm || !nonce || !uri || !response)
        return "missing Digest parameter";
    if (!g_str_equal(username, ch->impi))
        return "username is not the challenged IMPI";
    if (!g_str_equal(realm, s->realm))
        return "wrong realm";
    DigestAlgorithm alg;
    if (!algorithm || !digest_algorithm_from_string(algorithm, &alg) || alg != ch->alg)
        return "wrong algorithm";
    if (!qop || g_ascii_strcasecmp(qop, "auth") != 0 || !nc || !cnonce) /* the challenge offered qop=auth only */
        return "qop=auth with nc and cnonce expected";
    uint8_t pw[DIGEST_AKA_PASSWORD_MAX];
    size_t pw_len = 0;
    char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], expect[DIGEST_HEX_SIZE];
    GError *err = NULL;
    gboolean ok = digest_aka_password(alg, ch->xres, ch->xres_len, ch->ik, ch->ck, pw, &pw_len, &err) &&
                  digest_ha1(alg, username, realm, pw, pw_len, NULL, NULL, ha1, &err) &&
                  digest_ha2(alg, "REGISTER", uri, ha2, &err) &&
                  digest_response(alg, ha1, nonce, nc, cnonce, "auth", ha2, expect, &err);
    OPENSSL_cleanse(pw, sizeof pw);
    OPENSSL_cleanse(ha1, sizeof ha1);
    g_clear_error(&err);
    if (!ok)
        return "response not computable";
    g_autofree char *got = g_ascii_strdown(response, -1);
    size_t n = strlen(expect);
    gboolean match = strlen(got) == n && CRYPTO_memcmp(got, expect, n) == 0;
    OPENSSL_cleanse(expect, sizeof expect);
    return match ? NULL : "wrong response";
}

/* RR may register: SAR (or an answer at once when there is nothing to tell the HSS). */
static void authorized(Scscf *s, SipTxn *txn, ScscfRegister *rr)
{
    ScscfReg *reg = scscf_reg_find(s, rr->impu);
    guint after = bindings_after(s, reg, rr);
    if ((!reg && after == 0) || (reg && rr->contacts->len == 0 && !rr->star)) {
        /* a query (RFC 3261 §10.2.3), or removing what is not registered */
        reply_ok(s, txn, reg, rr, -1);
        scscf_register_free(rr);
        return;
    }
    uint32_t sat = after == 0 ? CX_SAT_USER_DEREGISTRATION : reg ? CX_SAT_RE_REGISTRATION : CX_SAT_REGISTRATION;
    ScscfOp *op = scscf_op_new(s, after == 0 ? SCSCF_OP_SAR_DEREGISTER : SCSCF_OP_SAR_REGISTER, txn, rr);
    op->sat = sat;
    send_sar(s, op, rr->impi, rr->impu, sat, reg != NULL);
}

static void resync(Scscf *s, SipTxn *txn, ScscfRegister *rr, const ScscfChallenge *ch, const char *nonce,
                   const char *auts_text)
{
    uint8_t ra[AKA_RAND_LEN + AKA_AUTS_LEN], autn[AKA_AUTN_LEN];
    GError *err = NULL;
    GBytes *auts = digest_base64_decode(auts_text, strlen(auts_text), &err);
    gboolean ok = auts && g_bytes_get_size(auts) == AKA_AUTS_LEN;
    /* TS 33.203 §6.1.2: the RAND of the challenge the UE could not accept */
    if (ok && ch && nonce && g_str_equal(nonce, ch->nonce))
        memcpy(ra, ch->rand, AKA_RAND_LEN);
    else if (ok)
        ok = nonce && digest_aka_nonce_parse(nonce, ra, autn, NULL, &err);
    g_clear_error(&err);
    if (!ok) {
        if (auts)
            g_bytes_unref(auts);
        scscf_bad_request(s, txn, "REGISTER", "auts unusable (not 14 octets, or no nonce to take RAND from)");
        scscf_register_free(rr);
        return;
    }
    memcpy(ra + AKA_RAND_LEN, g_bytes_get_data(auts, NULL), AKA_AUTS_LEN);
    g_bytes_unref(auts);
    g_hash_table_remove(s->challenges, rr->impi);
    challenge(s, txn, rr, ra);
}

void scscf_reg_request(Scscf *s, SipTxn *txn, const osip_message_t *req)
{
    gboolean malformed = FALSE;
    SipAuth *auth = cscf_request_auth(req, &malformed);
    const char *why = "malformed Authorization";
    ScscfRegister *rr = malformed ? NULL : register_parse(req, auth, &why);
    if (!rr) {
        scscf_bad_request(s, txn, "REGISTER", why);
        if (auth)
            sip_auth_free(auth);
        return;
    }
    ScscfReg *reg = scscf_reg_find(s, rr->impu);
    if (reg && !g_str_equal(reg->impi, rr->impi))
        reg = NULL; /* registered, but not by this IMPI: it proves nothing */
    const char *auts = auth ? sip_auth_get(auth, "auts") : NULL;
    const char *nonce = auth ? sip_auth_get(auth, "nonce") : NULL;
    const char *response = auth ? sip_auth_get(auth, "response") : NULL;
    ScscfChallenge *ch = g_hash_table_lookup(s->challenges, rr->impi);
    if (auts && *auts) {
        resync(s, txn, rr, ch, nonce, auts);
    } else if (ch && response && *response && nonce && g_str_equal(nonce, ch->nonce)) {
        const char *fail = verify_response(s, ch, auth);
        g_hash_table_remove(s->challenges, rr->impi); /* invariant 1 */
        if (fail) {
            auth_failed(s, txn, rr, fail);
        } else {
            rr->authenticated = TRUE;
            authorized(s, txn, rr);
        }
    } else if (ch && nonce && g_str_equal(nonce, ch->nonce)) {
        /* The nonce of the outstanding challenge with neither response nor auts: the UE found the
         * network's MAC wrong (TS 24.229 §5.1.1.5.3). TS 24.229 §5.4.1.2.3: 403, the vector is dropped
         * and no new challenge follows. */
        g_hash_table_remove(s->challenges, rr->impi);
        auth_failed(s, txn, rr, "challenge deemed invalid by the UE");
    } else if (reg && is_protected(rr->integrity)) {
        authorized(s, txn, rr); /* TS 24.229 §5.4.1.2.1: protected re-registration, no new challenge */
    } else {
        challenge(s, txn, rr, NULL);
    }
    if (auth)
        sip_auth_free(auth);
}

/* ---- Cx answers ------------------------------------------------------------------------------ */

static void send_401(Scscf *s, ScscfOp *op, const ScscfChallenge *ch)
{
    GError *err = NULL;
    g_autofree char *tag = sip_node_tag(s->sn);
    osip_message_t *resp = sip_response_new(sip_txn_request(op->txn), 401, "Unauthorized", tag, &err);
    if (!resp) {
        g_debug("%s: 401 not built: %s", s->node->name, err->message);
        g_error_free(err);
        return;
    }
    /* TS 24.229 §5.4.1.2.1: realm, nonce, algorithm, qop, and ik/ck for the P-CSCF (§7.2A.1) */
    char *ik = ims_hex(ch->ik, sizeof ch->ik), *ck = ims_hex(ch->ck, sizeof ch->ck);
    SipAuth *w = sip_auth_new("Digest");
    sip_auth_set(w, "realm", s->realm, TRUE);
    sip_auth_set(w, "nonce", ch->nonce, TRUE);
    sip_auth_set(w, "algorithm", digest_algorithm_to_string(ch->alg), FALSE);
    sip_auth_set(w, "qop", "auth", TRUE);
    sip_auth_set(w, "ik", ik, TRUE);
    sip_auth_set(w, "ck", ck, TRUE);
    char *text = sip_auth_format(w);
    add(resp, "WWW-Authenticate", text);
    OPENSSL_cleanse(ik, strlen(ik));
    OPENSSL_cleanse(ck, strlen(ck));
    OPENSSL_cleanse(text, strlen(text));
    g_free(ik);
    g_free(ck);
    g_free(text);
    sip_auth_free(w);
    if (!sip_node_respond(s->sn, op->txn, resp, &err)) {
        g_debug("%s: 401 not sent: %s", s->node->name, err ? err->message : "?");
        g_clear_error(&err);
    }
    s->stats.challenges++;
    s->stats.resyncs += op->resync;
    SimAttr attrs[] = {SIM_ATTR_S("impi", op->rr->impi), SIM_ATTR_S("impu", op->rr->impu),
                       SIM_ATTR_S("algorithm", digest_algorithm_to_string(ch->alg)), SIM_ATTR_B("resync", op->resync)};
    sim_node_event(s->node, "auth-challenge", attrs, G_N_ELEMENTS(attrs));
}

void scscf_reg_mar_answer(ScscfOp *op, const DiameterMsg *msg)
{
    Scscf *s = op->s;
    CxMaa a;
    GError *err = NULL;
    if (!msg || !cx_maa_parse(msg, &a, &err)) {
        s->stats.cx_failures++;
        reg_event(s, "auth-failed", op->rr->impi, op->rr->impu, msg ? "MAA malformed" : "no MAA");
        scscf_reply(s, op->txn, msg ? 500 : 504, msg ? "Server Internal Error" : "Server Time-out");
        g_clear_error(&err);
        scscf_op_done(op);
        return;
    }
    const CxAuthDataItem *it = a.n_items ? &a.items[0] : NULL;
    if (!cx_result_is_success(&a.result) || !it || it->authenticate_len != AKA_RAND_LEN + AKA_AUTN_LEN ||
        it->authorization_len < 4 || it->authorization_len > DIGEST_AKA_RES_MAX || !it->has_ck || !it->has_ik) {
        g_autofree char *res = cscf_result_text(&a.result);
        g_autofree char *why = g_strdup_printf("%s: MAA %s", op->resync ? "resynchronisation" : "no vector", res);
        s->stats.auth_failures++;
        reg_event(s, "auth-failed", op->rr->impi, op->rr->impu, why);
        scscf_reply(s, op->txn, 403, "Forbidden"); /* TS 24.229 §5.4.1.2.1: the user cannot be authenticated */
    } else {
        ScscfChallenge *ch = g_new0(ScscfChallenge, 1);
        ch->impi = g_strdup(op->rr->impi);
        ch->alg = s->alg;
        memcpy(ch->rand, it->authenticate, AKA_RAND_LEN);
        memcpy(ch->autn, it->authenticate + AKA_RAND_LEN, AKA_AUTN_LEN);
        memcpy(ch->xres, it->authorization, it->authorization_len);
        ch->xres_len = it->authorization_len;
        memcpy(ch->ck, it->ck, AKA_CK_LEN);
        memcpy(ch->ik, it->ik, AKA_IK_LEN);
        ch->nonce = digest_aka_nonce_build(ch->rand, ch->autn, NULL, 0); /* RFC 3310 §3.2 */
        g_hash_table_replace(s->challenges, ch->impi, ch);
        send_401(s, op, ch);
    }
    cx_maa_clear(&a);
    scscf_op_done(op);
}

static void registered(Scscf *s, ScscfOp *op, const char *user_data)
{
    ScscfRegister *rr = op->rr;
    ScscfReg *reg = scscf_reg_find(s, rr->impu);
    gboolean rereg = reg != NULL;
    if (!reg)
        reg = reg_new(s, rr, user_data);
    else if (user_data)
        reg_set_profile(reg, user_data);
    g_free(reg->integrity);
    g_free(reg->confidentiality);
    reg->integrity = g_strdup(rr->integrity);
    reg->confidentiality = g_strdup(rr->confidentiality);
    g_ptr_array_set_size(reg->path, 0);
    for (guint i = 0; i < rr->path->len; i++)
        g_ptr_array_add(reg->path, g_strdup(rr->path->pdata[i]));
    gint64 g = apply_bindings(reg, rr);
    reply_ok(s, op->txn, reg, rr, g);
    if (rereg)
        s->stats.reregistrations++;
    else
        s->stats.registrations++;
    const ScscfContactReq *c0 = rr->contacts->len ? rr->contacts->pdata[0] : NULL;
    SimAttr attrs[] = {
        SIM_ATTR_S("impi", rr->impi),
        SIM_ATTR_S("impu", rr->impu),
        SIM_ATTR_S("contact", c0 ? c0->uri : ""),
        SIM_ATTR_I("expires", g),
        SIM_ATTR_B("reregistration", rereg),
        SIM_ATTR_B("authenticated", rr->authenticated),
        SIM_ATTR_S("integrity_protected", rr->integrity),
        SIM_ATTR_S("confidentiality_protected", rr->confidentiality),
    };
    sim_node_event(s->node, "registered", attrs, G_N_ELEMENTS(attrs));
    if (!any_active(reg)) { /* every binding went in the meantime */
        end_registration(reg, "noresource");
        return;
    }
    scscf_regevent_notify(reg);
    purge_bindings(reg);
}

static void deregistered(Scscf *s, ScscfOp *op)
{
    ScscfRegister *rr = op->rr;
    ScscfReg *reg = scscf_reg_find(s, rr->impu);
    for (guint i = 0; reg && i < reg->bindings->len; i++) {
        ScscfBinding *b = reg->bindings->pdata[i];
        if (b->active) {
            sim_engine_cancel(s->node->world->engine, b->timer);
            b->timer = 0;
            b->active = FALSE;
            b->event = "unregistered";
        }
    }
    reply_ok(s, op->txn, NULL, rr, 0);
    s->stats.deregistrations++;
    reg_event(s, "deregistered", rr->impi, rr->impu, NULL);
    if (reg)
        end_registration(reg, "noresource");
}

void scscf_reg_sar_answer(ScscfOp *op, const DiameterMsg *msg)
{
    Scscf *s = op->s;
    CxSaa a = {0};
    GError *err = NULL;
    gboolean parsed = msg && cx_saa_parse(msg, &a, &err);
    gboolean ok = parsed && cx_result_is_success(&a.result);
    if (!ok)
        s->stats.cx_failures++;
    if (op->kind == SCSCF_OP_SAR_REGISTER && ok) {
        registered(s, op, a.user_data);
    } else if (op->kind == SCSCF_OP_SAR_REGISTER) {
        g_autofree char *res = parsed ? cscf_result_text(&a.result) : g_strdup(msg ? "SAA malformed" : "no SAA");
        reg_event(s, "registration-failed", op->rr->impi, op->rr->impu, res);
        if (!msg)
            scscf_reply(s, op->txn, 504, "Server Time-out");
        else
            scscf_reply(s, op->txn, parsed ? 403 : 500, parsed ? "Forbidden" : "Server Internal Error");
    } else if (op->kind == SCSCF_OP_SAR_DEREGISTER) {
        deregistered(s, op); /* the user is gone whatever the HSS says */
    }
    g_clear_error(&err);
    if (parsed)
        cx_saa_clear(&a);
    scscf_op_done(op);
}

/* ---- network-initiated de-registration (TS 24.229 §5.4.1.5) ------------------------------------ */

gboolean scscf_reg_network_deregister(Scscf *s, const char *impu)
{
    ScscfReg *reg = scscf_reg_find(s, impu);
    if (!reg)
        return FALSE;
    for (guint i = 0; i < reg->bindings->len; i++) {
        ScscfBinding *b = reg->bindings->pdata[i];
        if (b->active) {
            sim_engine_cancel(s->node->world->engine, b->timer);
            b->timer = 0;
            b->active = FALSE;
            b->event = "deactivated"; /* the UE is expected to register again */
        }
    }
    s->stats.network_deregistrations++;
    reg_event(s, "network-deregistered", reg->impi, reg->impu, NULL);
    scscf_reg_sar_notice(s, reg->impi, reg->impu, CX_SAT_ADMINISTRATIVE_DEREGISTRATION);
    end_registration(reg, "deactivated");
    return TRUE;
}
