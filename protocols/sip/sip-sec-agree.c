/* sip-sec-agree.c: Security-Client / Security-Server / Security-Verify (RFC 3329 §2.2) with the
 * ipsec-3gpp parameters of TS 33.203 Annex H, and the downgrade check of RFC 3329 §2.3.1.
 *
 * Grammar (RFC 3329 §2.2 and TS 33.203 Annex H):
 *   security-client = "Security-Client" HCOLON sec-mechanism *(COMMA sec-mechanism)
 *   sec-mechanism   = mechanism-name *(SEMI mech-parameters)
 *   mechanism-name  = "digest" / "tls" / "ipsec-ike" / "ipsec-man" / "ipsec-3gpp" / token
 *   preference      = "q" EQUAL qvalue;  qvalue = ("0" ["." 0*3DIGIT]) / ("1" ["." 0*3("0")])
 *   alg / ealg / prot / mod = token;     spi-c / spi-s = 1*10DIGIT (0..4294967295);
 *   port-c / port-s = 1*DIGIT (0..65535); anything else is an extension kept in `params`.
 */
#include "protocols/sip/sip-headers-private.h"
#include <string.h>

SipSecMechanism *sip_sec_mechanism_new(const char *mechanism)
{
    g_return_val_if_fail(mechanism != NULL, NULL);
    SipSecMechanism *m = g_new0(SipSecMechanism, 1);
    m->mechanism = g_strdup(mechanism);
    m->q = -1;
    m->params = sip_params_new();
    return m;
}

void sip_sec_mechanism_free(SipSecMechanism *mech)
{
    if (!mech)
        return;
    g_free(mech->mechanism);
    g_free(mech->alg);
    g_free(mech->ealg);
    g_free(mech->prot);
    g_free(mech->mod);
    g_ptr_array_unref(mech->params);
    g_free(mech);
}

/* qvalue -> thousandths; -1 when the text is not a qvalue. */
static int parse_qvalue(const char *v)
{
    if (!v || (v[0] != '0' && v[0] != '1'))
        return -1;
    int whole = v[0] - '0';
    int frac = 0, digits = 0;
    const char *p = v + 1;
    if (*p == '.') {
        for (p++; *p && digits < 3; p++, digits++) {
            if (!g_ascii_isdigit(*p))
                return -1;
            frac = frac * 10 + (*p - '0');
        }
        for (int i = digits; i < 3; i++)
            frac *= 10;
    }
    if (*p != '\0')
        return -1;
    if (whole == 1 && frac != 0)
        return -1;
    return whole * 1000 + frac;
}

static void format_qvalue(GString *out, int q)
{
    if (q >= 1000) {
        g_string_append(out, "1");
        return;
    }
    g_string_append_printf(out, "0.%03d", q);
    while (out->str[out->len - 1] == '0') /* "0.100" -> "0.1", "0.000" -> "0." -> "0" */
        g_string_truncate(out, out->len - 1);
    if (out->str[out->len - 1] == '.')
        g_string_truncate(out, out->len - 1);
}

static gboolean parse_number(const SipParam *p, guint64 max, guint64 *out, const SipScan *at, GError **error)
{
    *out = 0;
    if (!p->value || p->quoted || !*p->value) {
        sip__error(error, SIP_HEADER_ERROR_SYNTAX, at, "parameter '%s' needs a decimal value", p->name);
        return FALSE;
    }
    size_t n = strlen(p->value);
    if (n > 10) {
        sip__error(error, SIP_HEADER_ERROR_RANGE, at, "parameter '%s' is out of range", p->name);
        return FALSE;
    }
    guint64 v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!g_ascii_isdigit(p->value[i])) {
            sip__error(error, SIP_HEADER_ERROR_SYNTAX, at, "parameter '%s' is not a decimal number", p->name);
            return FALSE;
        }
        v = v * 10 + (guint64)(p->value[i] - '0');
    }
    if (v > max) {
        sip__error(error, SIP_HEADER_ERROR_RANGE, at, "parameter '%s' is larger than %" G_GUINT64_FORMAT, p->name, max);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

static gboolean take_token(const SipParam *p, char **field, const SipScan *at, GError **error)
{
    if (!p->value || p->quoted) {
        sip__error(error, SIP_HEADER_ERROR_SYNTAX, at, "parameter '%s' needs a token value", p->name);
        return FALSE;
    }
    *field = g_strdup(p->value);
    return TRUE;
}

/* Moves the known parameters of RAW into the typed fields of M, the rest into M->params. */
static gboolean mechanism_fill(SipSecMechanism *m, GPtrArray *raw, const SipScan *at, GError **error)
{
    for (guint i = 0; i < raw->len; i++) {
        SipParam *p = raw->pdata[i];
        guint64 v;
        gboolean ok = TRUE;
        if (g_ascii_strcasecmp(p->name, "q") == 0) {
            m->q = p->quoted ? -1 : parse_qvalue(p->value);
            if (m->q < 0) {
                sip__error(error, SIP_HEADER_ERROR_RANGE, at, "q is not a qvalue between 0 and 1");
                ok = FALSE;
            }
        } else if (g_ascii_strcasecmp(p->name, "alg") == 0) {
            ok = take_token(p, &m->alg, at, error);
        } else if (g_ascii_strcasecmp(p->name, "ealg") == 0) {
            ok = take_token(p, &m->ealg, at, error);
        } else if (g_ascii_strcasecmp(p->name, "prot") == 0) {
            ok = take_token(p, &m->prot, at, error);
        } else if (g_ascii_strcasecmp(p->name, "mod") == 0) {
            ok = take_token(p, &m->mod, at, error);
        } else if (g_ascii_strcasecmp(p->name, "spi-c") == 0) {
            ok = parse_number(p, G_MAXUINT32, &v, at, error);
            m->spi_c = (guint32)v;
            m->present |= SIP_SEC_HAS_SPI_C;
        } else if (g_ascii_strcasecmp(p->name, "spi-s") == 0) {
            ok = parse_number(p, G_MAXUINT32, &v, at, error);
            m->spi_s = (guint32)v;
            m->present |= SIP_SEC_HAS_SPI_S;
        } else if (g_ascii_strcasecmp(p->name, "port-c") == 0) {
            ok = parse_number(p, G_MAXUINT16, &v, at, error);
            m->port_c = (guint16)v;
            m->present |= SIP_SEC_HAS_PORT_C;
        } else if (g_ascii_strcasecmp(p->name, "port-s") == 0) {
            ok = parse_number(p, G_MAXUINT16, &v, at, error);
            m->port_s = (guint16)v;
            m->present |= SIP_SEC_HAS_PORT_S;
        } else {
            g_ptr_array_add(m->params, sip_param_new(p->name, p->value, p->quoted));
        }
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

GPtrArray *sip_sec_parse(const char *value, GError **error)
{
    SipScan sc;
    if (!sip__scan_start(&sc, value, error))
        return NULL;
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)sip_sec_mechanism_free);
    for (;;) {
        if (list->len >= SIP_HEADER_MAX_ITEMS) {
            sip__error(error, SIP_HEADER_ERROR_TOO_MANY, &sc, "more than %d mechanisms", SIP_HEADER_MAX_ITEMS);
            goto fail;
        }
        gchar *name = sip__scan_token(&sc);
        if (!name) {
            sip__error_expected(error, &sc, "a mechanism name");
            goto fail;
        }
        SipSecMechanism *m = sip_sec_mechanism_new(name);
        g_free(name);
        g_ptr_array_add(list, m);
        SipScan at = sc;
        GPtrArray *raw = sip_params_new();
        gboolean ok = sip__scan_params(&sc, raw, error) && mechanism_fill(m, raw, &at, error);
        g_ptr_array_unref(raw);
        if (!ok)
            goto fail;
        if (sip__scan_at_end(&sc))
            break;
        if (!sip__scan_accept(&sc, ',')) {
            sip__error_expected(error, &sc, "',' or ';'");
            goto fail;
        }
    }
    return list;
fail:
    g_ptr_array_unref(list);
    return NULL;
}

gchar *sip_sec_format(const GPtrArray *mechanisms)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; mechanisms && i < mechanisms->len; i++) {
        const SipSecMechanism *m = mechanisms->pdata[i];
        if (i)
            g_string_append(out, ", ");
        g_string_append(out, m->mechanism);
        if (m->q >= 0) {
            g_string_append(out, ";q=");
            format_qvalue(out, m->q);
        }
        if (m->alg)
            g_string_append_printf(out, ";alg=%s", m->alg);
        if (m->ealg)
            g_string_append_printf(out, ";ealg=%s", m->ealg);
        if (m->prot)
            g_string_append_printf(out, ";prot=%s", m->prot);
        if (m->mod)
            g_string_append_printf(out, ";mod=%s", m->mod);
        if (m->present & SIP_SEC_HAS_SPI_C)
            g_string_append_printf(out, ";spi-c=%" G_GUINT32_FORMAT, m->spi_c);
        if (m->present & SIP_SEC_HAS_SPI_S)
            g_string_append_printf(out, ";spi-s=%" G_GUINT32_FORMAT, m->spi_s);
        if (m->present & SIP_SEC_HAS_PORT_C)
            g_string_append_printf(out, ";port-c=%u", (unsigned)m->port_c);
        if (m->present & SIP_SEC_HAS_PORT_S)
            g_string_append_printf(out, ";port-s=%u", (unsigned)m->port_s);
        sip__append_params(out, m->params);
    }
    return g_string_free(out, FALSE);
}

/* ---- the downgrade check ---------------------------------------------------------------------- */

static gboolean token_field_equal(const char *name, const char *a, const char *b, guint idx, GString *why)
{
    if (!a && !b)
        return TRUE;
    if (a && b && g_ascii_strcasecmp(a, b) == 0)
        return TRUE;
    if (why)
        g_string_printf(why, "mechanism %u: %s is %s in Security-Verify but %s in Security-Server", idx + 1, name,
                        a ? a : "absent", b ? b : "absent");
    return FALSE;
}

static gboolean number_field_equal(const char *name, guint bit, const SipSecMechanism *a, const SipSecMechanism *b,
                                   guint32 va, guint32 vb, guint idx, GString *why)
{
    gboolean ha = (a->present & bit) != 0, hb = (b->present & bit) != 0;
    if (ha == hb && (!ha || va == vb))
        return TRUE;
    if (why) {
        gchar *sa = ha ? g_strdup_printf("%" G_GUINT32_FORMAT, va) : g_strdup("absent");
        gchar *sb = hb ? g_strdup_printf("%" G_GUINT32_FORMAT, vb) : g_strdup("absent");
        g_string_printf(why, "mechanism %u: %s is %s in Security-Verify but %s in Security-Server", idx + 1, name, sa,
                        sb);
        g_free(sa);
        g_free(sb);
    }
    return FALSE;
}

/* Extension parameters: the same names with equal values, in any order (names are unique within a
 * mechanism: the parser rejects duplicates). O(n^2) in the parameter count, at most 32. */
static gboolean extensions_equal(const GPtrArray *a, const GPtrArray *b, guint idx, GString *why)
{
    const GPtrArray *lists[2] = {a, b};
    for (int side = 0; side < 2; side++) {
        const GPtrArray *x = lists[side], *y = lists[1 - side];
        for (guint i = 0; i < x->len; i++) {
            const SipParam *px = x->pdata[i];
            const SipParam *py = sip_params_find(y, px->name);
            if (py && sip__param_values_equal(px, py))
                continue;
            if (why) {
                const char *where = side == 0 ? "Security-Verify" : "Security-Server";
                if (!py)
                    g_string_printf(why, "mechanism %u: parameter %s only in %s", idx + 1, px->name, where);
                else
                    g_string_printf(why, "mechanism %u: parameter %s differs", idx + 1, px->name);
            }
            return FALSE;
        }
    }
    return TRUE;
}

gboolean sip_sec_equal(const GPtrArray *verify, const GPtrArray *server, GString *why)
{
    g_return_val_if_fail(verify != NULL && server != NULL, FALSE);
    if (verify->len != server->len) {
        if (why)
            g_string_printf(why, "Security-Verify lists %u mechanisms, Security-Server %u", verify->len, server->len);
        return FALSE;
    }
    /* RFC 3329 §2.3.1: "both lists have to contain the same security mechanisms in the same order". */
    for (guint i = 0; i < verify->len; i++) {
        const SipSecMechanism *a = verify->pdata[i], *b = server->pdata[i];
        if (g_ascii_strcasecmp(a->mechanism, b->mechanism) != 0) {
            if (why)
                g_string_printf(why, "mechanism %u is %s in Security-Verify but %s in Security-Server", i + 1,
                                a->mechanism, b->mechanism);
            return FALSE;
        }
        if (a->q != b->q) {
            if (why)
                g_string_printf(why, "mechanism %u: q differs (%d vs %d thousandths, -1 = absent)", i + 1, a->q, b->q);
            return FALSE;
        }
        if (!token_field_equal("alg", a->alg, b->alg, i, why) || !token_field_equal("ealg", a->ealg, b->ealg, i, why) ||
            !token_field_equal("prot", a->prot, b->prot, i, why) || !token_field_equal("mod", a->mod, b->mod, i, why))
            return FALSE;
        if (!number_field_equal("spi-c", SIP_SEC_HAS_SPI_C, a, b, a->spi_c, b->spi_c, i, why) ||
            !number_field_equal("spi-s", SIP_SEC_HAS_SPI_S, a, b, a->spi_s, b->spi_s, i, why) ||
            !number_field_equal("port-c", SIP_SEC_HAS_PORT_C, a, b, a->port_c, b->port_c, i, why) ||
            !number_field_equal("port-s", SIP_SEC_HAS_PORT_S, a, b, a->port_s, b->port_s, i, why))
            return FALSE;
        if (!extensions_equal(a->params, b->params, i, why))
            return FALSE;
    }
    return TRUE;
}
