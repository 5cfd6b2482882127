/* sip-headers.c: name-addr lists (Path, Service-Route, P-Associated-URI, P-Asserted-Identity),
 * option tags, Privacy, Expires, Event, Subscription-State and SIP-ETag (see sip-headers.h).
 * Security-* live in sip-sec-agree.c, Digest parameters in sip-digest.c, the reader in sip-scan.c.
 */
#include "protocols/sip/sip-headers-private.h"
#include <string.h>

#define SIP_ETAG_MAX 128

/* ---- name-addr -------------------------------------------------------------------------------- */

SipNameAddr *sip_name_addr_new(const char *display, const char *uri)
{
    g_return_val_if_fail(uri != NULL, NULL);
    SipNameAddr *na = g_new0(SipNameAddr, 1);
    na->display = g_strdup(display);
    na->uri = g_strdup(uri);
    na->params = sip_params_new();
    return na;
}

void sip_name_addr_free(SipNameAddr *na)
{
    if (!na)
        return;
    g_free(na->display);
    g_free(na->uri);
    g_ptr_array_unref(na->params);
    g_free(na);
}

/* absoluteURI / SIP-URI shape: scheme ":" then at least one byte; no whitespace, controls, quotes or
 * angle brackets (RFC 3261 §25.1: those never appear unescaped in a URI). */
static gboolean uri_text_ok(const char *s, size_t n)
{
    if (n < 3 || n > 2048 || !g_ascii_isalpha(s[0]))
        return FALSE;
    size_t i = 1;
    while (i < n && (g_ascii_isalnum(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
        i++;
    if (i >= n - 1 || s[i] != ':')
        return FALSE;
    for (i = 0; i < n; i++) {
        guchar c = (guchar)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"')
            return FALSE;
    }
    return TRUE;
}

/* name-addr = [ display-name ] LAQUOT addr-spec RAQUOT, display-name = *(token LWS) / quoted-string;
 * with ALLOW_ADDR_SPEC also a bare addr-spec (then ';' belongs to the URI, as in RFC 3325 §9.1). */
static SipNameAddr *scan_name_addr(SipScan *sc, gboolean allow_addr_spec, GError **error)
{
    gchar *display = NULL;
    char c = sip__scan_peek(sc);
    if (c == '"') {
        display = sip__scan_quoted(sc, error);
        if (!display)
            return NULL;
    } else if (c != '<') {
        /* Either tokens followed by '<' or an addr-spec: look ahead without consuming. */
        size_t i = sc->pos;
        while (i < sc->len && (sip__is_token_char(sc->s[i]) || sc->s[i] == ' ' || sc->s[i] == '\t'))
            i++;
        if (i < sc->len && sc->s[i] == '<') {
            GString *d = g_string_new(NULL);
            gchar *t;
            while ((t = sip__scan_token(sc)) != NULL) {
                if (d->len)
                    g_string_append_c(d, ' ');
                g_string_append(d, t);
                g_free(t);
            }
            display = g_string_free(d, FALSE);
        } else if (allow_addr_spec) {
            size_t start = sc->pos;
            while (sc->pos < sc->len && sc->s[sc->pos] != ',' && sc->s[sc->pos] != ' ' && sc->s[sc->pos] != '\t')
                sc->pos++;
            if (!uri_text_ok(sc->s + start, sc->pos - start)) {
                sc->pos = start;
                sip__error_expected(error, sc, "a URI");
                return NULL;
            }
            gchar *uri = g_strndup(sc->s + start, sc->pos - start);
            SipNameAddr *na = sip_name_addr_new(NULL, uri);
            g_free(uri);
            return na;
        } else {
            sip__error_expected(error, sc, "'<'");
            return NULL;
        }
    }
    if (!sip__scan_accept(sc, '<')) {
        sip__error_expected(error, sc, "'<'");
        g_free(display);
        return NULL;
    }
    size_t start = sc->pos;
    while (sc->pos < sc->len && sc->s[sc->pos] != '>')
        sc->pos++;
    if (sc->pos >= sc->len) {
        sip__error_expected(error, sc, "'>'");
        g_free(display);
        return NULL;
    }
    if (!uri_text_ok(sc->s + start, sc->pos - start)) {
        sc->pos = start;
        sip__error_expected(error, sc, "a URI inside < >");
        g_free(display);
        return NULL;
    }
    gchar *uri = g_strndup(sc->s + start, sc->pos - start);
    sc->pos++; /* '>' */
    SipNameAddr *na = sip_name_addr_new(display, uri);
    g_free(display);
    g_free(uri);
    if (!sip__scan_params(sc, na->params, error)) {
        sip_name_addr_free(na);
        return NULL;
    }
    return na;
}

static GPtrArray *name_addr_list_parse(const char *value, gboolean allow_addr_spec, GError **error)
{
    SipScan sc;
    if (!sip__scan_start(&sc, value, error))
        return NULL;
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)sip_name_addr_free);
    for (;;) {
        if (list->len >= SIP_HEADER_MAX_ITEMS) {
            sip__error(error, SIP_HEADER_ERROR_TOO_MANY, &sc, "more than %d entries", SIP_HEADER_MAX_ITEMS);
            goto fail;
        }
        SipNameAddr *na = scan_name_addr(&sc, allow_addr_spec, error);
        if (!na)
            goto fail;
        g_ptr_array_add(list, na);
        if (sip__scan_at_end(&sc))
            return list;
        if (!sip__scan_accept(&sc, ',')) {
            sip__error_expected(error, &sc, "','");
            goto fail;
        }
    }
fail:
    g_ptr_array_unref(list);
    return NULL;
}

GPtrArray *sip_name_addr_list_parse(const char *value, GError **error)
{
    return name_addr_list_parse(value, FALSE, error);
}

gchar *sip_name_addr_list_format(const GPtrArray *list)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; list && i < list->len; i++) {
        const SipNameAddr *na = list->pdata[i];
        if (i)
            g_string_append(out, ", ");
        if (na->display && *na->display) {
            sip__append_quoted(out, na->display);
            g_string_append_c(out, ' ');
        }
        g_string_append_printf(out, "<%s>", na->uri);
        sip__append_params(out, na->params);
    }
    return g_string_free(out, FALSE);
}

static gboolean uri_scheme_is(const char *uri, const char *scheme)
{
    size_t n = strlen(scheme);
    return g_ascii_strncasecmp(uri, scheme, n) == 0 && uri[n] == ':';
}

GPtrArray *sip_p_asserted_identity_parse(const char *value, GError **error)
{
    GPtrArray *list = name_addr_list_parse(value, TRUE, error);
    if (!list)
        return NULL;
    /* RFC 3325 §9.1: one or two values, at most one sip/sips URI and at most one tel URI. */
    guint sip = 0, tel = 0;
    for (guint i = 0; i < list->len; i++) {
        const SipNameAddr *na = list->pdata[i];
        if (uri_scheme_is(na->uri, "sip") || uri_scheme_is(na->uri, "sips"))
            sip++;
        else if (uri_scheme_is(na->uri, "tel"))
            tel++;
    }
    if (list->len > 2 || sip > 1 || tel > 1) {
        sip__error(error, list->len > 2 ? SIP_HEADER_ERROR_TOO_MANY : SIP_HEADER_ERROR_DUPLICATE, NULL,
                   "P-Asserted-Identity allows at most one sip/sips and one tel URI (RFC 3325 §9.1)");
        g_ptr_array_unref(list);
        return NULL;
    }
    return list;
}

/* ---- option tags ------------------------------------------------------------------------------ */

GPtrArray *sip_option_tags_parse(const char *value, GError **error)
{
    if (!value) {
        sip__error(error, SIP_HEADER_ERROR_EMPTY, NULL, "no header value");
        return NULL;
    }
    GPtrArray *tags = g_ptr_array_new_with_free_func(g_free);
    SipScan sc = {value, strnlen(value, SIP_HEADER_MAX_LEN + 1), 0};
    if (sc.len > SIP_HEADER_MAX_LEN) {
        sip__error(error, SIP_HEADER_ERROR_TOO_LONG, NULL, "header value longer than %d bytes", SIP_HEADER_MAX_LEN);
        goto fail;
    }
    if (sip__scan_at_end(&sc)) /* "Supported:" with no tag (RFC 3261 §20.37) */
        return tags;
    for (;;) {
        gchar *tag = sip__scan_token(&sc);
        if (!tag) {
            sip__error_expected(error, &sc, "an option tag");
            goto fail;
        }
        if (tags->len >= SIP_HEADER_MAX_ITEMS) {
            g_free(tag);
            sip__error(error, SIP_HEADER_ERROR_TOO_MANY, &sc, "more than %d option tags", SIP_HEADER_MAX_ITEMS);
            goto fail;
        }
        g_ptr_array_add(tags, tag);
        if (sip__scan_at_end(&sc))
            return tags;
        if (!sip__scan_accept(&sc, ',')) {
            sip__error_expected(error, &sc, "','");
            goto fail;
        }
    }
fail:
    g_ptr_array_unref(tags);
    return NULL;
}

/* Option tags are tokens, and tokens compare case-insensitively (RFC 3261 §7.3.1). */
gboolean sip_option_tags_contain(const GPtrArray *tags, const char *tag)
{
    for (guint i = 0; tags && i < tags->len; i++)
        if (g_ascii_strcasecmp(tags->pdata[i], tag) == 0)
            return TRUE;
    return FALSE;
}

gchar *sip_option_tags_format(const GPtrArray *tags)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; tags && i < tags->len; i++) {
        if (i)
            g_string_append(out, ", ");
        g_string_append(out, tags->pdata[i]);
    }
    return g_string_free(out, FALSE);
}

/* ---- Privacy ---------------------------------------------------------------------------------- */

static const struct {
    const char *name;
    guint flag;
} privacy_values[] = {
    {"none", SIP_PRIVACY_NONE}, {"header", SIP_PRIVACY_HEADER}, {"session", SIP_PRIVACY_SESSION},
    {"user", SIP_PRIVACY_USER}, {"id", SIP_PRIVACY_ID},         {"critical", SIP_PRIVACY_CRITICAL},
};

gboolean sip_privacy_parse(const char *value, guint *flags, GError **error)
{
    *flags = 0;
    SipScan sc;
    if (!sip__scan_start(&sc, value, error))
        return FALSE;
    guint out = 0, count = 0;
    for (;;) {
        SipScan at = sc;
        gchar *v = sip__scan_token(&sc);
        if (!v) {
            sip__error_expected(error, &sc, "a priv-value");
            return FALSE;
        }
        guint flag = SIP_PRIVACY_OTHER;
        for (size_t i = 0; i < G_N_ELEMENTS(privacy_values); i++)
            if (g_ascii_strcasecmp(v, privacy_values[i].name) == 0)
                flag = privacy_values[i].flag;
        g_free(v);
        if (flag != SIP_PRIVACY_OTHER && (out & flag)) {
            sip__error(error, SIP_HEADER_ERROR_DUPLICATE, &at, "priv-value given twice");
            return FALSE;
        }
        if (++count > SIP_HEADER_MAX_ITEMS) {
            sip__error(error, SIP_HEADER_ERROR_TOO_MANY, &at, "more than %d priv-values", SIP_HEADER_MAX_ITEMS);
            return FALSE;
        }
        out |= flag;
        if (sip__scan_at_end(&sc))
            break;
        if (!sip__scan_accept(&sc, ';')) {
            sip__error_expected(error, &sc, "';'");
            return FALSE;
        }
    }
    *flags = out;
    return TRUE;
}

gchar *sip_privacy_format(guint flags)
{
    GString *out = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(privacy_values); i++) {
        if (!(flags & privacy_values[i].flag))
            continue;
        if (out->len)
            g_string_append_c(out, ';');
        g_string_append(out, privacy_values[i].name);
    }
    if (!out->len) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_string_free(out, FALSE);
}

/* ---- Expires ---------------------------------------------------------------------------------- */

gboolean sip_expires_parse(const char *value, guint32 *seconds, GError **error)
{
    *seconds = 0;
    SipScan sc;
    guint64 v;
    if (!sip__scan_start(&sc, value, error) || !sip__scan_uint(&sc, G_MAXUINT32, &v, error))
        return FALSE;
    if (!sip__scan_at_end(&sc)) {
        sip__error_expected(error, &sc, "the end of the value after delta-seconds");
        return FALSE;
    }
    *seconds = (guint32)v;
    return TRUE;
}

gchar *sip_expires_format(guint32 seconds)
{
    return g_strdup_printf("%" G_GUINT32_FORMAT, seconds);
}

/* ---- Event ------------------------------------------------------------------------------------ */

SipEvent *sip_event_new(const char *type, const char *id)
{
    g_return_val_if_fail(type != NULL, NULL);
    SipEvent *e = g_new0(SipEvent, 1);
    e->type = g_strdup(type);
    e->id = g_strdup(id);
    e->params = sip_params_new();
    return e;
}

void sip_event_free(SipEvent *event)
{
    if (!event)
        return;
    g_free(event->type);
    g_free(event->id);
    g_ptr_array_unref(event->params);
    g_free(event);
}

/* Event = ( "Event" / "o" ) HCOLON event-type *( SEMI event-param )
 * event-type = event-package *( "." event-template ); event-param = generic-param / ( "id" EQUAL token ) */
SipEvent *sip_event_parse(const char *value, GError **error)
{
    SipScan sc;
    if (!sip__scan_start(&sc, value, error))
        return NULL;
    gchar *type = sip__scan_token(&sc);
    if (!type) {
        sip__error_expected(error, &sc, "an event type");
        return NULL;
    }
    if (type[0] == '.' || g_str_has_suffix(type, ".") || strstr(type, "..")) {
        sip__error(error, SIP_HEADER_ERROR_SYNTAX, &sc, "event type '%s' has an empty package or template", type);
        g_free(type);
        return NULL;
    }
    SipEvent *e = sip_event_new(type, NULL);
    g_free(type);
    SipScan at = sc;
    if (!sip__scan_params(&sc, e->params, error))
        goto fail;
    if (!sip__scan_at_end(&sc)) {
        sip__error_expected(error, &sc, "';' or the end of the value");
        goto fail;
    }
    const SipParam *id = sip_params_find(e->params, "id");
    if (id) {
        if (!id->value || id->quoted) {
            sip__error(error, SIP_HEADER_ERROR_SYNTAX, &at, "the id parameter needs a token value");
            goto fail;
        }
        e->id = g_strdup(id->value);
        sip_params_remove(e->params, "id");
    }
    return e;
fail:
    sip_event_free(e);
    return NULL;
}

gchar *sip_event_format(const SipEvent *event)
{
    GString *out = g_string_new(event->type);
    if (event->id)
        g_string_append_printf(out, ";id=%s", event->id);
    sip__append_params(out, event->params);
    return g_string_free(out, FALSE);
}

/* Exact comparison: registered package names are lower case, and an exact match can never merge two
 * subscriptions that the peer keeps apart. */
gboolean sip_event_match(const SipEvent *a, const SipEvent *b)
{
    return strcmp(a->type, b->type) == 0 && g_strcmp0(a->id, b->id) == 0;
}

/* ---- Subscription-State ----------------------------------------------------------------------- */

SipSubscriptionState *sip_subscription_state_new(SipSubstate state)
{
    static const char *const names[] = {[SIP_SUBSTATE_ACTIVE] = "active",
                                        [SIP_SUBSTATE_PENDING] = "pending",
                                        [SIP_SUBSTATE_TERMINATED] = "terminated",
                                        [SIP_SUBSTATE_EXTENSION] = "extension"};
    g_return_val_if_fail(state >= SIP_SUBSTATE_ACTIVE && state <= SIP_SUBSTATE_EXTENSION, NULL);
    SipSubscriptionState *ss = g_new0(SipSubscriptionState, 1);
    ss->state = state;
    ss->state_text = g_strdup(names[state]);
    ss->expires = -1;
    ss->retry_after = -1;
    ss->params = sip_params_new();
    return ss;
}

void sip_subscription_state_free(SipSubscriptionState *ss)
{
    if (!ss)
        return;
    g_free(ss->state_text);
    g_free(ss->reason);
    g_ptr_array_unref(ss->params);
    g_free(ss);
}

static gboolean take_delta_seconds(GPtrArray *params, const char *name, gint64 *out, const SipScan *at, GError **error)
{
    const SipParam *p = sip_params_find(params, name);
    if (!p)
        return TRUE;
    SipScan num = {p->value ? p->value : "", p->value ? strlen(p->value) : 0, 0};
    guint64 v;
    if (p->quoted || !sip__scan_uint(&num, G_MAXUINT32, &v, NULL) || num.pos != num.len) {
        gboolean range = p->value && !p->quoted && num.pos == num.len && num.len > 0;
        sip__error(error, range ? SIP_HEADER_ERROR_RANGE : SIP_HEADER_ERROR_SYNTAX, at,
                   "%s needs delta-seconds (0 to 4294967295)", name);
        return FALSE;
    }
    *out = (gint64)v;
    sip_params_remove(params, name);
    return TRUE;
}

/* Subscription-State = "Subscription-State" HCOLON substate-value *( SEMI subexp-params )
 * subexp-params = ("reason" EQUAL event-reason-value) / ("expires" EQUAL delta-seconds)
 *               / ("retry-after" EQUAL delta-seconds) / generic-param */
SipSubscriptionState *sip_subscription_state_parse(const char *value, GError **error)
{
    SipScan sc;
    if (!sip__scan_start(&sc, value, error))
        return NULL;
    gchar *state = sip__scan_token(&sc);
    if (!state) {
        sip__error_expected(error, &sc, "a substate value");
        return NULL;
    }
    SipSubstate st = SIP_SUBSTATE_EXTENSION;
    if (g_ascii_strcasecmp(state, "active") == 0)
        st = SIP_SUBSTATE_ACTIVE;
    else if (g_ascii_strcasecmp(state, "pending") == 0)
        st = SIP_SUBSTATE_PENDING;
    else if (g_ascii_strcasecmp(state, "terminated") == 0)
        st = SIP_SUBSTATE_TERMINATED;
    SipSubscriptionState *ss = sip_subscription_state_new(st);
    g_free(ss->state_text);
    ss->state_text = state;
    SipScan at = sc;
    if (!sip__scan_params(&sc, ss->params, error))
        goto fail;
    if (!sip__scan_at_end(&sc)) {
        sip__error_expected(error, &sc, "';' or the end of the value");
        goto fail;
    }
    const SipParam *reason = sip_params_find(ss->params, "reason");
    if (reason) {
        if (!reason->value || reason->quoted) {
            sip__error(error, SIP_HEADER_ERROR_SYNTAX, &at, "reason needs a token value");
            goto fail;
        }
        ss->reason = g_strdup(reason->value);
        sip_params_remove(ss->params, "reason");
    }
    if (!take_delta_seconds(ss->params, "expires", &ss->expires, &at, error) ||
        !take_delta_seconds(ss->params, "retry-after", &ss->retry_after, &at, error))
        goto fail;
    return ss;
fail:
    sip_subscription_state_free(ss);
    return NULL;
}

gchar *sip_subscription_state_format(const SipSubscriptionState *ss)
{
    GString *out = g_string_new(ss->state_text);
    if (ss->reason)
        g_string_append_printf(out, ";reason=%s", ss->reason);
    if (ss->expires >= 0)
        g_string_append_printf(out, ";expires=%" G_GINT64_FORMAT, ss->expires);
    if (ss->retry_after >= 0)
        g_string_append_printf(out, ";retry-after=%" G_GINT64_FORMAT, ss->retry_after);
    sip__append_params(out, ss->params);
    return g_string_free(out, FALSE);
}

/* ---- SIP-ETag / SIP-If-Match ------------------------------------------------------------------ */

gchar *sip_etag_parse(const char *value, GError **error)
{
    SipScan sc;
    if (!sip__scan_start(&sc, value, error))
        return NULL;
    gchar *tag = sip__scan_token(&sc);
    if (!tag) {
        sip__error_expected(error, &sc, "an entity-tag");
        return NULL;
    }
    if (!sip__scan_at_end(&sc)) {
        sip__error_expected(error, &sc, "the end of the value after the entity-tag");
        g_free(tag);
        return NULL;
    }
    if (strlen(tag) > SIP_ETAG_MAX) {
        sip__error(error, SIP_HEADER_ERROR_TOO_LONG, NULL, "entity-tag longer than %d bytes", SIP_ETAG_MAX);
        g_free(tag);
        return NULL;
    }
    return tag;
}

gboolean sip_etag_valid(const char *tag)
{
    return tag && strnlen(tag, SIP_ETAG_MAX + 1) <= SIP_ETAG_MAX && sip__is_token(tag);
}
