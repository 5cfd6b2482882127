/* sec-agree.c: mechanism lists and choices (see sec-agree.h). */
#include "nodes/ims/sec-agree.h"

static SipSecMechanism *mech(EspAuthAlg alg, gboolean has_ealg, EspEncrAlg ealg, const SecAgreeEndpoint *ep, int q)
{
    SipSecMechanism *m = sip_sec_mechanism_new("ipsec-3gpp");
    m->q = q;
    m->alg = g_strdup(esp_auth_alg_to_string(alg));
    if (has_ealg)
        m->ealg = g_strdup(esp_encr_alg_to_string(ealg));
    m->prot = g_strdup("esp");
    m->mod = g_strdup("trans");
    m->spi_c = ep->spi_c;
    m->spi_s = ep->spi_s;
    m->port_c = ep->port_c;
    m->port_s = ep->port_s;
    m->present = SIP_SEC_HAS_SPI_C | SIP_SEC_HAS_SPI_S | SIP_SEC_HAS_PORT_C | SIP_SEC_HAS_PORT_S;
    return m;
}

static const EspAuthAlg algs[] = {ESP_AUTH_HMAC_SHA1_96, ESP_AUTH_HMAC_MD5_96};
static const EspEncrAlg ealgs[] = {ESP_ENCR_AES_CBC, ESP_ENCR_DES_EDE3_CBC, ESP_ENCR_NULL};

GPtrArray *sec_agree_ue_offer(int release, const SecAgreeEndpoint *ue)
{
    GPtrArray *l = g_ptr_array_new_with_free_func((GDestroyNotify)sip_sec_mechanism_free);
    if (release >= 6)
        for (guint a = 0; a < G_N_ELEMENTS(algs); a++)
            for (guint e = 0; e < G_N_ELEMENTS(ealgs); e++)
                g_ptr_array_add(l, mech(algs[a], TRUE, ealgs[e], ue, -1));
    for (guint a = 0; a < G_N_ELEMENTS(algs); a++)
        g_ptr_array_add(l, mech(algs[a], FALSE, ESP_ENCR_NULL, ue, -1));
    return l;
}

GPtrArray *sec_agree_pcscf_offer(int release, gboolean encrypt, const SecAgreeEndpoint *pcscf)
{
    GPtrArray *l = g_ptr_array_new_with_free_func((GDestroyNotify)sip_sec_mechanism_free);
    int q = 1000;
    if (release >= 6 && encrypt)
        for (guint e = 0; e < G_N_ELEMENTS(ealgs); e++)
            for (guint a = 0; a < G_N_ELEMENTS(algs); a++, q -= 100)
                g_ptr_array_add(l, mech(algs[a], TRUE, ealgs[e], pcscf, q));
    for (guint a = 0; a < G_N_ELEMENTS(algs); a++, q -= 100)
        g_ptr_array_add(l, mech(algs[a], FALSE, ESP_ENCR_NULL, pcscf, q > 0 ? q : 100));
    return l;
}

gboolean sec_agree_algs(const SipSecMechanism *m, SecAgreeAlgs *out)
{
    *out = (SecAgreeAlgs){0};
    if (!m->mechanism || g_ascii_strcasecmp(m->mechanism, "ipsec-3gpp") != 0 || !m->alg)
        return FALSE;
    if (!esp_auth_alg_from_string(m->alg, &out->alg) || out->alg == ESP_AUTH_NONE)
        return FALSE;
    out->ealg = ESP_ENCR_NULL;
    if (m->ealg) {
        out->has_ealg = TRUE;
        if (!esp_encr_alg_from_string(m->ealg, &out->ealg))
            return FALSE;
    }
    if (m->prot && g_ascii_strcasecmp(m->prot, "esp") != 0)
        return FALSE; /* AH is not modelled */
    if (m->mod && g_ascii_strcasecmp(m->mod, "trans") != 0)
        return FALSE; /* transport mode only (TS 33.203 §7.1) */
    return TRUE;
}

gboolean sec_agree_ue_supports(int release, const SecAgreeAlgs *a)
{
    return release >= 6 || !a->has_ealg;
}

static gboolean same(const SecAgreeAlgs *x, const SecAgreeAlgs *y)
{
    return x->alg == y->alg && x->has_ealg == y->has_ealg && x->ealg == y->ealg;
}

const SipSecMechanism *sec_agree_pcscf_select(const GPtrArray *own, const GPtrArray *ue_offer)
{
    for (guint i = 0; i < own->len; i++) {
        SecAgreeAlgs mine;
        if (!sec_agree_algs(own->pdata[i], &mine))
            continue;
        for (guint k = 0; k < ue_offer->len; k++) {
            SecAgreeAlgs theirs;
            if (sec_agree_algs(ue_offer->pdata[k], &theirs) && same(&mine, &theirs))
                return own->pdata[i];
        }
    }
    return NULL;
}

const SipSecMechanism *sec_agree_ue_select(int release, const GPtrArray *server)
{
    for (guint i = 0; i < server->len; i++) {
        SecAgreeAlgs a;
        if (sec_agree_algs(server->pdata[i], &a) && sec_agree_ue_supports(release, &a))
            return server->pdata[i];
    }
    return NULL;
}

gboolean sec_agree_endpoint(const SipSecMechanism *m, SecAgreeEndpoint *out)
{
    guint need = SIP_SEC_HAS_SPI_C | SIP_SEC_HAS_SPI_S | SIP_SEC_HAS_PORT_C | SIP_SEC_HAS_PORT_S;
    if ((m->present & need) != need)
        return FALSE;
    *out = (SecAgreeEndpoint){m->spi_c, m->spi_s, m->port_c, m->port_s};
    return TRUE;
}

char *sec_agree_algs_text(const SecAgreeAlgs *a)
{
    return g_strdup_printf("%s/%s", esp_auth_alg_to_string(a->alg), a->has_ealg ? esp_encr_alg_to_string(a->ealg) : "-");
}

gboolean sec_agree_encrypts(const SecAgreeAlgs *a)
{
    return a->has_ealg && a->ealg != ESP_ENCR_NULL;
}

gboolean sec_agree_check_ports(const char *name, const SimConfig *cfg, const char **bad_key, GError **error)
{
    (void)name;
    uint16_t c = sim_config_port(cfg, "port-c"), srv = sim_config_port(cfg, "port-s");
    if (c == 5060 || c == srv) {
        *bad_key = "port-c";
        g_set_error(error, SIM_PARSE_ERROR, 0, "%u is taken (port-s is %u; 5060 is the unprotected port)", c, srv);
        return FALSE;
    }
    if (srv == 5060) {
        *bad_key = "port-s";
        g_set_error(error, SIM_PARSE_ERROR, 0, "5060 is the unprotected port");
        return FALSE;
    }
    return TRUE;
}
