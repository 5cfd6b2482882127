/* sip-digest.c: WWW-Authenticate / Authorization values as a scheme and an ordered list of every
 * auth-param (RFC 3261 §25.1: challenge / credentials; RFC 3310 for AKAv1-MD5).
 *
 * Why not libosip2's osip_authorization_t / osip_www_authenticate_t: its parsers silently drop any
 * parameter they do not know, and IMS needs three of those: "ik" and "ck" in the S-CSCF's 401 towards
 * the P-CSCF (TS 24.229 §5.4.1.2.1, stripped again by the P-CSCF, §5.2.2.1) and "integrity-protected"
 * in the Authorization the P-CSCF forwards (TS 24.229 §5.2.2). sip-message.c therefore keeps these
 * headers as raw text and this file gives them a type.
 *
 *   credentials / challenge = auth-scheme LWS auth-param *(COMMA auth-param)
 *   auth-param = auth-param-name EQUAL ( token / quoted-string )
 */
#include "protocols/sip/sip-headers-private.h"

SipAuth *sip_auth_new(const char *scheme)
{
    g_return_val_if_fail(scheme != NULL, NULL);
    SipAuth *a = g_new0(SipAuth, 1);
    a->scheme = g_strdup(scheme);
    a->params = sip_params_new();
    return a;
}

void sip_auth_free(SipAuth *auth)
{
    if (!auth)
        return;
    g_free(auth->scheme);
    g_ptr_array_unref(auth->params);
    g_free(auth);
}

SipAuth *sip_auth_parse(const char *value, GError **error)
{
    SipScan sc;
    if (!sip__scan_start(&sc, value, error))
        return NULL;
    gchar *scheme = sip__scan_token(&sc);
    if (!scheme) {
        sip__error_expected(error, &sc, "an auth scheme");
        return NULL;
    }
    SipAuth *a = sip_auth_new(scheme);
    g_free(scheme);
    if (sc.pos >= sc.len || (sc.s[sc.pos] != ' ' && sc.s[sc.pos] != '\t')) {
        sip__error_expected(error, &sc, "whitespace after the auth scheme");
        goto fail;
    }
    for (;;) {
        gchar *name = sip__scan_token(&sc);
        if (!name) {
            sip__error_expected(error, &sc, "an auth-param name");
            goto fail;
        }
        if (sip_params_find(a->params, name)) {
            sip__error(error, SIP_HEADER_ERROR_DUPLICATE, &sc, "auth-param '%s' given twice", name);
            g_free(name);
            goto fail;
        }
        if (a->params->len >= SIP_HEADER_MAX_PARAMS) {
            sip__error(error, SIP_HEADER_ERROR_TOO_MANY, &sc, "more than %d auth-params", SIP_HEADER_MAX_PARAMS);
            g_free(name);
            goto fail;
        }
        char *v = NULL;
        gboolean quoted = FALSE;
        if (!sip__scan_accept(&sc, '=')) {
            sip__error_expected(error, &sc, "'=' after an auth-param name");
            g_free(name);
            goto fail;
        }
        if (sip__scan_peek(&sc) == '"') {
            v = sip__scan_quoted(&sc, error);
            quoted = TRUE;
        } else if (!(v = sip__scan_token(&sc))) {
            sip__error_expected(error, &sc, "a token or quoted-string");
        }
        if (!v) {
            g_free(name);
            goto fail;
        }
        SipParam *p = g_new0(SipParam, 1);
        p->name = name;
        p->value = v;
        p->quoted = quoted;
        g_ptr_array_add(a->params, p);
        if (sip__scan_at_end(&sc))
            return a;
        if (!sip__scan_accept(&sc, ',')) {
            sip__error_expected(error, &sc, "','");
            goto fail;
        }
    }
fail:
    sip_auth_free(a);
    return NULL;
}

gchar *sip_auth_format(const SipAuth *auth)
{
    GString *out = g_string_new(auth->scheme);
    for (guint i = 0; i < auth->params->len; i++) {
        const SipParam *p = auth->params->pdata[i];
        g_string_append(out, i ? ", " : " ");
        g_string_append(out, p->name);
        g_string_append_c(out, '=');
        if (p->quoted || !p->value)
            sip__append_quoted(out, p->value);
        else
            g_string_append(out, p->value);
    }
    return g_string_free(out, FALSE);
}

const char *sip_auth_get(const SipAuth *auth, const char *name)
{
    const SipParam *p = sip_params_find(auth->params, name);
    return p ? p->value : NULL;
}

void sip_auth_set(SipAuth *auth, const char *name, const char *value, gboolean quoted)
{
    g_return_if_fail(value != NULL);
    sip_params_set(auth->params, name, value, quoted);
}

gboolean sip_auth_remove(SipAuth *auth, const char *name)
{
    return sip_params_remove(auth->params, name);
}
