/* sip-message-headers.c: header names, the typed-header table, headers by name and the body
 * (the second half of sip-message.h; parsing, printing and building are in sip-message.c, whose
 * opening comment lists the libosip2 quirks both files work around).
 */
#define G_LOG_DOMAIN "presim-sip"
#include "protocols/sip/sip-headers-private.h"
#include "protocols/sip/sip-message-private.h"
#include <stddef.h>
#include <string.h>

/* ---- names ------------------------------------------------------------------------------------ */

/* The six authentication headers kept as text (quirk 6). Index + 1 is the parse-time marker byte. */
const char *const sip__raw_auth_names[SIP__RAW_AUTH_COUNT] = {
    "Authorization",      "Proxy-Authorization", "WWW-Authenticate",
    "Proxy-Authenticate", "Authentication-Info", "Proxy-Authentication-Info",
};

/* RFC 3261 §7.3.3 and later compact forms. */
static const struct {
    char compact;
    const char *name;
} compact_forms[] = {
    {'i', "Call-ID"},
    {'m', "Contact"},
    {'e', "Content-Encoding"},
    {'l', "Content-Length"},
    {'c', "Content-Type"},
    {'f', "From"},
    {'s', "Subject"},
    {'k', "Supported"},
    {'t', "To"},
    {'v', "Via"},
    {'o', "Event"},
    {'u', "Allow-Events"},
    {'r', "Refer-To"},
    {'b', "Referred-By"},
    {'x', "Session-Expires"},
    {'a', "Accept-Contact"},
    {'j', "Reject-Contact"},
    {'d', "Request-Disposition"},
    {'y', "Identity"},
    {'n', "Identity-Info"},
};

/* Names whose usual spelling is not "Each-Word-Capitalised". */
static const char *const odd_spellings[] = {
    "Call-ID",
    "CSeq",
    "WWW-Authenticate",
    "SIP-ETag",
    "SIP-If-Match",
    "P-Associated-URI",
    "P-Visited-Network-ID",
    "MIME-Version",
    "RSeq",
    "RAck",
    "P-Called-Party-ID",
};

/* Expands a compact form; returns NAME itself otherwise. */
static const char *long_name(const char *name)
{
    if (name[0] && !name[1])
        for (size_t i = 0; i < G_N_ELEMENTS(compact_forms); i++)
            if (g_ascii_tolower(name[0]) == compact_forms[i].compact)
                return compact_forms[i].name;
    return name;
}

/* The canonical spelling of NAME (long form, usual capitalisation). g_free. */
gchar *sip__canonical_name(const char *name)
{
    name = long_name(name);
    for (size_t i = 0; i < G_N_ELEMENTS(odd_spellings); i++)
        if (g_ascii_strcasecmp(name, odd_spellings[i]) == 0)
            return g_strdup(odd_spellings[i]);
    gchar *out = g_ascii_strdown(name, -1);
    gboolean word_start = TRUE;
    for (char *p = out; *p; p++) {
        if (word_start)
            *p = g_ascii_toupper(*p);
        word_start = (*p == '-');
    }
    return out;
}

static gboolean names_equal(const char *a, const char *b)
{
    return g_ascii_strcasecmp(long_name(a), long_name(b)) == 0;
}

/* ---- typed headers ---------------------------------------------------------------------------- */

typedef enum {
    K_VIA,          /* osip_via_t */
    K_FROM,         /* osip_from_t: From, To, Route, Record-Route, Contact */
    K_CALL_ID,      /* osip_call_id_t */
    K_CSEQ,         /* osip_cseq_t */
    K_CONTENT_TYPE, /* osip_content_type_t: Content-Type, Accept */
    K_LENGTH,       /* osip_content_length_t: Content-Length, MIME-Version, Allow, Content-Encoding */
    K_CALL_INFO,    /* osip_call_info_t: Call-Info, Alert-Info, Error-Info */
    K_ENCODING,     /* osip_accept_encoding_t: Accept-Encoding, Accept-Language */
} KnownKind;

typedef struct {
    const char *name;
    KnownKind kind;
    gboolean is_list; /* osip_list_t at `offset`, else a pointer field */
    size_t offset;
    int (*set)(osip_message_t *, const char *); /* NULL: not addable by name */
} KnownHeader;

#define LIST(n, k, f, s)                                                                                               \
    {                                                                                                                  \
        n, k, TRUE, offsetof(osip_message_t, f), s                                                                     \
    }
#define FIELD(n, k, f, s)                                                                                              \
    {                                                                                                                  \
        n, k, FALSE, offsetof(osip_message_t, f), s                                                                    \
    }
static const KnownHeader known_headers[] = {
    LIST("Via", K_VIA, vias, osip_message_set_via),
    LIST("Route", K_FROM, routes, osip_message_set_route),
    LIST("Record-Route", K_FROM, record_routes, osip_message_set_record_route),
    FIELD("From", K_FROM, from, osip_message_set_from),
    FIELD("To", K_FROM, to, osip_message_set_to),
    FIELD("Call-ID", K_CALL_ID, call_id, osip_message_set_call_id),
    FIELD("CSeq", K_CSEQ, cseq, osip_message_set_cseq),
    LIST("Contact", K_FROM, contacts, osip_message_set_contact),
    FIELD("Content-Type", K_CONTENT_TYPE, content_type, osip_message_set_content_type),
    FIELD("Content-Length", K_LENGTH, content_length, NULL),
    FIELD("MIME-Version", K_LENGTH, mime_version, osip_message_set_mime_version),
    LIST("Accept", K_CONTENT_TYPE, accepts, osip_message_set_accept),
    LIST("Accept-Encoding", K_ENCODING, accept_encodings, osip_message_set_accept_encoding),
    LIST("Accept-Language", K_ENCODING, accept_languages, osip_message_set_accept_language),
    LIST("Allow", K_LENGTH, allows, osip_message_set_allow),
    LIST("Content-Encoding", K_LENGTH, content_encodings, osip_message_set_content_encoding),
    LIST("Call-Info", K_CALL_INFO, call_infos, osip_message_set_call_info),
    LIST("Alert-Info", K_CALL_INFO, alert_infos, osip_message_set_alert_info),
    LIST("Error-Info", K_CALL_INFO, error_infos, osip_message_set_error_info),
};
#undef LIST
#undef FIELD

static const KnownHeader *known_header(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(known_headers); i++)
        if (names_equal(name, known_headers[i].name))
            return &known_headers[i];
    return NULL;
}

static osip_list_t *known_list(const osip_message_t *msg, const KnownHeader *k)
{
    return (osip_list_t *)((char *)msg + k->offset);
}

static void **known_field(const osip_message_t *msg, const KnownHeader *k)
{
    return (void **)((char *)msg + k->offset);
}

static int known_to_str(KnownKind kind, void *h, char **out)
{
    switch (kind) {
    case K_VIA:
        return osip_via_to_str(h, out);
    case K_FROM:
        return osip_from_to_str(h, out);
    case K_CALL_ID:
        return osip_call_id_to_str(h, out);
    case K_CSEQ:
        return osip_cseq_to_str(h, out);
    case K_CONTENT_TYPE:
        return osip_content_type_to_str(h, out);
    case K_LENGTH:
        return osip_content_length_to_str(h, out);
    case K_CALL_INFO:
        return osip_call_info_to_str(h, out);
    case K_ENCODING:
        return osip_accept_encoding_to_str(h, out);
    }
    *out = NULL;
    return OSIP_BADPARAMETER;
}

static void known_free(KnownKind kind, void *h)
{
    switch (kind) {
    case K_VIA:
        osip_via_free(h);
        break;
    case K_FROM:
        osip_from_free(h);
        break;
    case K_CALL_ID:
        osip_call_id_free(h);
        break;
    case K_CSEQ:
        osip_cseq_free(h);
        break;
    case K_CONTENT_TYPE:
        osip_content_type_free(h);
        break;
    case K_LENGTH:
        osip_content_length_free(h);
        break;
    case K_CALL_INFO:
        osip_call_info_free(h);
        break;
    case K_ENCODING:
        osip_accept_encoding_free(h);
        break;
    }
}

/* ---- headers by name -------------------------------------------------------------------------- */

/* Splits VALUE at commas outside quoted-strings and <...> (quirk 9). Empty elements are dropped. */
static GPtrArray *split_list(const char *value)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    gboolean quoted = FALSE, angle = FALSE;
    const char *start = value;
    for (const char *p = value;; p++) {
        if (*p == '\\' && quoted && p[1]) {
            p++;
            continue;
        }
        if (*p == '"' && !angle)
            quoted = !quoted;
        else if (*p == '<' && !quoted)
            angle = TRUE;
        else if (*p == '>' && !quoted)
            angle = FALSE;
        if (*p == '\0' || (*p == ',' && !quoted && !angle)) {
            gchar *part = g_strstrip(g_strndup(start, (gsize)(p - start)));
            if (*part)
                g_ptr_array_add(parts, part);
            else
                g_free(part);
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    return parts;
}

static gboolean value_ok(const char *value)
{
    for (const char *p = value; *p; p++)
        if ((guchar)*p < 0x20 && *p != '\t')
            return FALSE;
    return strlen(value) <= SIP_HEADER_MAX_LEN;
}

gboolean sip_message_add_header(osip_message_t *msg, const char *name, const char *value, GError **error)
{
    sip__init();
    g_return_val_if_fail(msg != NULL && name != NULL, FALSE);
    if (!sip__is_token(name))
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "header name '%s' is not a token", name);
    if (!value || !value_ok(value))
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "value of %s is missing, too long or has a control byte",
                        name);
    const KnownHeader *k = known_header(name);
    if (!k) {
        gchar *canon = sip__canonical_name(name);
        gchar *v = g_strstrip(g_strdup(value));
        int rc = osip_message_set_header(msg, canon, v);
        g_free(canon);
        g_free(v);
        if (rc != OSIP_SUCCESS)
            return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "osip_message_set_header failed (%d)", rc);
        return TRUE;
    }
    if (!k->set)
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "%s is computed when printing", k->name);
    if (!k->is_list && *known_field(msg, k))
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "the message already has a %s", k->name);
    GPtrArray *parts = k->is_list ? split_list(value) : NULL;
    if (!parts) {
        parts = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(parts, g_strstrip(g_strdup(value)));
    }
    gboolean ok = parts->len > 0;
    for (guint i = 0; ok && i < parts->len; i++) {
        int rc = k->set(msg, parts->pdata[i]);
        if (rc != OSIP_SUCCESS)
            ok = sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "libosip2 refused %s: %s (%d)", k->name,
                          (const char *)parts->pdata[i], rc);
    }
    if (parts->len == 0)
        sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "empty %s", k->name);
    g_ptr_array_unref(parts);
    osip_message_force_update(msg);
    return ok;
}

guint sip_message_remove_header(osip_message_t *msg, const char *name)
{
    g_return_val_if_fail(msg != NULL && name != NULL, 0);
    guint removed = 0;
    const KnownHeader *k = known_header(name);
    if (k && k->is_list) {
        osip_list_t *list = known_list(msg, k);
        void *h;
        while ((h = osip_list_get(list, 0)) != NULL) {
            osip_list_remove(list, 0);
            known_free(k->kind, h);
            removed++;
        }
    } else if (k) {
        void **field = known_field(msg, k);
        if (*field) {
            known_free(k->kind, *field);
            *field = NULL;
            removed = 1;
        }
    } else {
        for (int i = 0; i < osip_list_size(&msg->headers);) {
            osip_header_t *h = osip_list_get(&msg->headers, i);
            if (h->hname && names_equal(h->hname, name)) {
                osip_list_remove(&msg->headers, i);
                osip_header_free(h);
                removed++;
            } else {
                i++;
            }
        }
    }
    osip_message_force_update(msg);
    return removed;
}

guint sip_message_count_header(const osip_message_t *msg, const char *name)
{
    g_return_val_if_fail(msg != NULL && name != NULL, 0);
    const KnownHeader *k = known_header(name);
    if (k)
        return k->is_list ? (guint)osip_list_size(known_list(msg, k)) : (*known_field(msg, k) ? 1u : 0u);
    guint n = 0;
    osip_list_iterator_t it;
    for (osip_header_t *h = osip_list_get_first((osip_list_t *)&msg->headers, &it); h; h = osip_list_get_next(&it))
        if (h->hname && names_equal(h->hname, name))
            n++;
    return n;
}

const char *sip_message_get_header(const osip_message_t *msg, const char *name, guint index)
{
    g_return_val_if_fail(msg != NULL && name != NULL, NULL);
    osip_list_iterator_t it;
    for (osip_header_t *h = osip_list_get_first((osip_list_t *)&msg->headers, &it); h; h = osip_list_get_next(&it)) {
        if (h->hname && names_equal(h->hname, name)) {
            if (index == 0)
                return h->hvalue ? h->hvalue : "";
            index--;
        }
    }
    return NULL;
}

gchar *sip_message_header_joined(const osip_message_t *msg, const char *name)
{
    g_return_val_if_fail(msg != NULL && name != NULL, NULL);
    GString *out = NULL;
    const KnownHeader *k = known_header(name);
    if (k) {
        GPtrArray *items = g_ptr_array_new();
        if (k->is_list) {
            osip_list_iterator_t it;
            for (void *h = osip_list_get_first(known_list(msg, k), &it); h; h = osip_list_get_next(&it))
                g_ptr_array_add(items, h);
        } else if (*known_field(msg, k)) {
            g_ptr_array_add(items, *known_field(msg, k));
        }
        for (guint i = 0; i < items->len; i++) {
            char *text = NULL;
            if (known_to_str(k->kind, items->pdata[i], &text) == OSIP_SUCCESS && text) {
                if (!out)
                    out = g_string_new(text);
                else
                    g_string_append_printf(out, ", %s", text);
            }
            osip_free(text);
        }
        g_ptr_array_free(items, TRUE);
    } else {
        const char *v;
        for (guint i = 0; (v = sip_message_get_header(msg, name, i)) != NULL; i++) {
            if (!out)
                out = g_string_new(v);
            else
                g_string_append_printf(out, ", %s", v);
        }
    }
    return out ? g_string_free(out, FALSE) : NULL;
}

/* ---- body ------------------------------------------------------------------------------------- */

const char *sip_message_body(const osip_message_t *msg, size_t *len)
{
    *len = 0;
    g_return_val_if_fail(msg != NULL, NULL);
    const osip_body_t *b = osip_list_get(&msg->bodies, 0);
    if (!b || !b->body)
        return NULL;
    *len = b->length;
    return b->body;
}

gboolean sip_message_set_body(osip_message_t *msg, const char *content_type, const void *body, size_t len,
                              GError **error)
{
    sip__init();
    g_return_val_if_fail(msg != NULL, FALSE);
    if (len > SIP_MESSAGE_MAX_SIZE)
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "body of %zu bytes exceeds %d", len, SIP_MESSAGE_MAX_SIZE);
    if (len > 0 && (!body || !content_type))
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "a body needs bytes and a Content-Type");
    osip_list_special_free(&msg->bodies, (void (*)(void *))osip_body_free);
    sip_message_remove_header(msg, "Content-Type");
    sip_message_remove_header(msg, "Content-Length");
    if (len == 0)
        return TRUE;
    if (osip_message_set_content_type(msg, content_type) != OSIP_SUCCESS)
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "libosip2 refused Content-Type '%s'", content_type);
    if (osip_message_set_body(msg, body, len) != OSIP_SUCCESS)
        return sip__bad(error, SIP_MESSAGE_ERROR_INVALID, "osip_message_set_body failed");
    osip_message_force_update(msg);
    return TRUE;
}

/* ---- small accessors -------------------------------------------------------------------------- */

const char *sip_message_branch(const osip_message_t *msg)
{
    osip_via_t *via = msg ? osip_list_get(&msg->vias, 0) : NULL;
    osip_generic_param_t *branch = NULL;
    if (!via || osip_via_param_get_byname(via, "branch", &branch) != OSIP_SUCCESS || !branch)
        return NULL;
    return branch->gvalue;
}

const char *sip_message_cseq_method(const osip_message_t *msg)
{
    return (msg && msg->cseq) ? msg->cseq->method : NULL;
}

gchar *sip_message_call_id(const osip_message_t *msg)
{
    char *t = NULL;
    if (!msg || !msg->call_id || osip_call_id_to_str(msg->call_id, &t) != 0 || !t)
        return NULL;
    gchar *out = g_strdup(t);
    osip_free(t);
    return out;
}

const char *sip_header_tag(const osip_from_t *header)
{
    osip_generic_param_t *tag = NULL;
    if (!header || osip_from_get_tag((osip_from_t *)header, &tag) != 0 || !tag || !tag->gvalue || !*tag->gvalue)
        return NULL;
    return tag->gvalue;
}

gchar *sip_uri_text(const osip_uri_t *uri)
{
    char *t = NULL;
    if (!uri || osip_uri_to_str(uri, &t) != 0 || !t)
        return NULL;
    gchar *out = g_strdup(t);
    osip_free(t);
    return out;
}

GPtrArray *sip_message_record_routes(const osip_message_t *msg, gboolean reverse)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    int n = msg ? osip_list_size(&msg->record_routes) : 0;
    for (int i = 0; i < n; i++) {
        char *rr = NULL;
        if (osip_record_route_to_str(osip_list_get(&msg->record_routes, reverse ? n - 1 - i : i), &rr) == 0 && rr) {
            g_ptr_array_add(out, g_strdup(rr));
            osip_free(rr);
        }
    }
    return out;
}

gboolean sip_message_push_record_route(osip_message_t *msg, const char *value)
{
    osip_record_route_t *rr = NULL;
    if (osip_record_route_init(&rr) != 0 || osip_record_route_parse(rr, value) != 0) {
        osip_record_route_free(rr);
        return FALSE;
    }
    osip_list_add(&msg->record_routes, rr, 0);
    osip_message_force_update(msg);
    return TRUE;
}
