/* digest.c: HTTP Digest (RFC 2617, RFC 7616), Digest AKA (RFC 3310, RFC 4169), parameter lists.
 *
 * Sections: hex and base64 helpers / hashes and responses / Digest AKA / parameter lists.
 * Parsing never trusts a length: the tokenizer walks (text, len) with one cursor, checks the bound
 * before every read, and accepts NUL nowhere, so a value can always be handed out as a C string.
 */
#include "protocols/http/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

G_DEFINE_QUARK(digest-error-quark, digest_error)

/* ------------------------------------------------------------------ hex and base64 */

static void hex_lower(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* RFC 4648 §4, strict: whole quads, '=' only as the last one or two characters of the last quad,
 * and the bits a short final quad does not use must be zero (§3.5), so every octet string has
 * exactly one accepted encoding. */
GBytes *digest_base64_decode(const char *text, size_t len, GError **error)
{
    if (len % 4 != 0) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_SYNTAX, "base64: length %zu is not a multiple of 4", len);
        return NULL;
    }
    GByteArray *out = g_byte_array_sized_new((guint)(len / 4 * 3));
    for (size_t q = 0; q < len; q += 4) {
        gboolean last = q + 4 == len;
        int v[4];
        int pad = 0;
        for (int j = 0; j < 4; j++) {
            char c = text[q + j];
            if (c == '=' && last && j >= 2) {
                v[j] = 0;
                pad++;
                continue;
            }
            v[j] = pad ? -1 : b64_value(c); /* nothing may follow '=' but '=' */
            if (v[j] < 0) {
                g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_SYNTAX, "base64: bad character at offset %zu", q + j);
                g_byte_array_free(out, TRUE);
                return NULL;
            }
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        if ((pad == 1 && (w & 0xff) != 0) || (pad == 2 && (w & 0xffff) != 0)) {
            g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_SYNTAX, "base64: non-zero padding bits at offset %zu", q);
            g_byte_array_free(out, TRUE);
            return NULL;
        }
        uint8_t b[3] = {(uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w};
        g_byte_array_append(out, b, (guint)(3 - pad));
    }
    return g_byte_array_free_to_bytes(out);
}

/* ------------------------------------------------------------------ hashes and responses */

static const struct {
    DigestAlgorithm alg;
    const char *name;
} ALGORITHMS[] = {
    {DIGEST_ALG_MD5, "MD5"},
    {DIGEST_ALG_MD5_SESS, "MD5-sess"},
    {DIGEST_ALG_SHA256, "SHA-256"},
    {DIGEST_ALG_SHA256_SESS, "SHA-256-sess"},
    {DIGEST_ALG_AKAV1_MD5, "AKAv1-MD5"},
    {DIGEST_ALG_AKAV2_MD5, "AKAv2-MD5"},
};

gboolean digest_algorithm_from_string(const char *text, DigestAlgorithm *out)
{
    for (size_t i = 0; i < G_N_ELEMENTS(ALGORITHMS); i++)
        if (g_ascii_strcasecmp(text, ALGORITHMS[i].name) == 0) {
            *out = ALGORITHMS[i].alg;
            return TRUE;
        }
    return FALSE;
}

const char *digest_algorithm_to_string(DigestAlgorithm alg)
{
    for (size_t i = 0; i < G_N_ELEMENTS(ALGORITHMS); i++)
        if (ALGORITHMS[i].alg == alg)
            return ALGORITHMS[i].name;
    return NULL;
}

static gboolean is_sha256(DigestAlgorithm alg)
{
    return alg == DIGEST_ALG_SHA256 || alg == DIGEST_ALG_SHA256_SESS;
}

static gboolean is_sess(DigestAlgorithm alg)
{
    return alg == DIGEST_ALG_MD5_SESS || alg == DIGEST_ALG_SHA256_SESS;
}

size_t digest_algorithm_hash_len(DigestAlgorithm alg)
{
    return is_sha256(alg) ? 32 : 16;
}

typedef struct {
    const void *data;
    size_t len;
} Part;

/* H(p0 ":" p1 ":" ... ) as lowercase hex. */
static gboolean hash_join(DigestAlgorithm alg, const Part *parts, size_t n, char out[DIGEST_HEX_SIZE], GError **error)
{
    if (!digest_algorithm_to_string(alg)) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_INVALID, "unknown digest algorithm %d", (int)alg);
        return FALSE;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    gboolean ok = ctx && EVP_DigestInit_ex2(ctx, is_sha256(alg) ? EVP_sha256() : EVP_md5(), NULL) == 1;
    for (size_t i = 0; ok && i < n; i++) {
        if (i > 0)
            ok = EVP_DigestUpdate(ctx, ":", 1) == 1;
        if (ok && parts[i].len)
            ok = EVP_DigestUpdate(ctx, parts[i].data, parts[i].len) == 1;
    }
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    if (ok)
        ok = EVP_DigestFinal_ex(ctx, md, &md_len) == 1 && md_len == digest_algorithm_hash_len(alg);
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_CRYPTO, "hash computation failed");
        return FALSE;
    }
    hex_lower(md, md_len, out);
    return TRUE;
}

static Part str_part(const char *s)
{
    return (Part){s, strlen(s)};
}

gboolean digest_ha1(DigestAlgorithm alg, const char *username, const char *realm, const uint8_t *password,
                    size_t password_len, const char *nonce, const char *cnonce, char ha1[DIGEST_HEX_SIZE],
                    GError **error)
{
    g_assert(username && realm && (password || password_len == 0));
    ha1[0] = '\0';
    Part p[3] = {str_part(username), str_part(realm), {password, password_len}};
    if (!hash_join(alg, p, 3, ha1, error))
        return FALSE;
    if (!is_sess(alg))
        return TRUE;
    /* RFC 7616 §3.4.2: A1 = H(username:realm:passwd) ":" nonce ":" cnonce for the -sess variants */
    if (!nonce || !cnonce) {
        ha1[0] = '\0';
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_INVALID, "%s needs the nonce and cnonce",
                    digest_algorithm_to_string(alg));
        return FALSE;
    }
    char inner[DIGEST_HEX_SIZE];
    memcpy(inner, ha1, sizeof inner);
    Part s[3] = {str_part(inner), str_part(nonce), str_part(cnonce)};
    gboolean ok = hash_join(alg, s, 3, ha1, error);
    OPENSSL_cleanse(inner, sizeof inner);
    return ok;
}

gboolean digest_ha2(DigestAlgorithm alg, const char *method, const char *uri, char ha2[DIGEST_HEX_SIZE],
                    GError **error)
{
    g_assert(method && uri);
    ha2[0] = '\0';
    Part p[2] = {str_part(method), str_part(uri)};
    return hash_join(alg, p, 2, ha2, error);
}

gboolean digest_response(DigestAlgorithm alg, const char *ha1, const char *nonce, const char *nc, const char *cnonce,
                         const char *qop, const char *ha2, char response[DIGEST_HEX_SIZE], GError **error)
{
    g_assert(ha1 && nonce && ha2);
    response[0] = '\0';
    if (!qop) { /* RFC 2069 compatibility (RFC 2617 §3.2.2.1) */
        Part p[3] = {str_part(ha1), str_part(nonce), str_part(ha2)};
        return hash_join(alg, p, 3, response, error);
    }
    if (g_ascii_strcasecmp(qop, "auth") != 0) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_UNSUPPORTED, "qop '%s' is not supported (only auth)", qop);
        return FALSE;
    }
    if (!nc || !cnonce) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_INVALID, "qop=auth needs nc and cnonce");
        return FALSE;
    }
    Part p[6] = {str_part(ha1), str_part(nonce), str_part(nc), str_part(cnonce), str_part(qop), str_part(ha2)};
    return hash_join(alg, p, 6, response, error);
}

/* ------------------------------------------------------------------ Digest AKA */

#define AKA_NONCE_MIN_OCTETS (DIGEST_AKA_RAND_LEN + DIGEST_AKA_AUTN_LEN)

gchar *digest_aka_nonce_build(const uint8_t rand[DIGEST_AKA_RAND_LEN], const uint8_t autn[DIGEST_AKA_AUTN_LEN],
                              const uint8_t *server_data, size_t server_data_len)
{
    g_assert(rand && autn && (server_data || server_data_len == 0));
    if (server_data_len > DIGEST_AKA_NONCE_MAX)
        return NULL;
    size_t n = AKA_NONCE_MIN_OCTETS + server_data_len;
    if ((n + 2) / 3 * 4 > DIGEST_AKA_NONCE_MAX)
        return NULL;
    uint8_t *raw = g_malloc(n);
    memcpy(raw, rand, DIGEST_AKA_RAND_LEN);
    memcpy(raw + DIGEST_AKA_RAND_LEN, autn, DIGEST_AKA_AUTN_LEN);
    if (server_data_len)
        memcpy(raw + AKA_NONCE_MIN_OCTETS, server_data, server_data_len);
    gchar *text = g_base64_encode(raw, n);
    g_free(raw);
    return text;
}

gboolean digest_aka_nonce_parse(const char *nonce, uint8_t rand[DIGEST_AKA_RAND_LEN],
                                uint8_t autn[DIGEST_AKA_AUTN_LEN], GBytes **server_data_out, GError **error)
{
    g_assert(nonce && rand && autn);
    if (server_data_out)
        *server_data_out = NULL;
    size_t len = strnlen(nonce, DIGEST_AKA_NONCE_MAX + 1);
    if (len > DIGEST_AKA_NONCE_MAX) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_INVALID, "AKA nonce longer than %d characters",
                    DIGEST_AKA_NONCE_MAX);
        return FALSE;
    }
    GBytes *raw = digest_base64_decode(nonce, len, error);
    if (!raw) {
        g_prefix_error(error, "AKA nonce: ");
        return FALSE;
    }
    gsize n = 0;
    const uint8_t *b = g_bytes_get_data(raw, &n);
    if (n < AKA_NONCE_MIN_OCTETS) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_SYNTAX,
                    "AKA nonce holds %zu octets, RAND || AUTN needs %d", (size_t)n, AKA_NONCE_MIN_OCTETS);
        g_bytes_unref(raw);
        return FALSE;
    }
    memcpy(rand, b, DIGEST_AKA_RAND_LEN);
    memcpy(autn, b + DIGEST_AKA_RAND_LEN, DIGEST_AKA_AUTN_LEN);
    if (server_data_out && n > AKA_NONCE_MIN_OCTETS)
        *server_data_out = g_bytes_new_from_bytes(raw, AKA_NONCE_MIN_OCTETS, n - AKA_NONCE_MIN_OCTETS);
    g_bytes_unref(raw);
    return TRUE;
}

gboolean digest_aka_password(DigestAlgorithm alg, const uint8_t *res, size_t res_len,
                             const uint8_t ik[DIGEST_AKA_KEY_LEN], const uint8_t ck[DIGEST_AKA_KEY_LEN],
                             uint8_t password[DIGEST_AKA_PASSWORD_MAX], size_t *password_len, GError **error)
{
    *password_len = 0;
    if (!res || res_len == 0 || res_len > DIGEST_AKA_RES_MAX) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_INVALID, "RES must be 1..%d octets", DIGEST_AKA_RES_MAX);
        return FALSE;
    }
    if (alg == DIGEST_ALG_AKAV1_MD5) { /* RFC 3310 §3.3: the password is RES itself */
        memcpy(password, res, res_len);
        *password_len = res_len;
        return TRUE;
    }
    if (alg != DIGEST_ALG_AKAV2_MD5) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_INVALID, "%s is not an AKA algorithm",
                    digest_algorithm_to_string(alg) ? digest_algorithm_to_string(alg) : "?");
        return FALSE;
    }
    if (!ik || !ck) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_INVALID, "AKAv2 needs IK and CK");
        return FALSE;
    }
    /* RFC 4169 §3: password = base64(PRF(RES || IK || CK, "http-digest-akav2-password")), PRF = HMAC-MD5 */
    static const char label[] = "http-digest-akav2-password";
    uint8_t key[DIGEST_AKA_RES_MAX + 2 * DIGEST_AKA_KEY_LEN];
    memcpy(key, res, res_len);
    memcpy(key + res_len, ik, DIGEST_AKA_KEY_LEN);
    memcpy(key + res_len + DIGEST_AKA_KEY_LEN, ck, DIGEST_AKA_KEY_LEN);
    uint8_t mac[16];
    size_t mac_len = 0;
    gboolean ok = EVP_Q_mac(NULL, "HMAC", NULL, "MD5", NULL, key, res_len + 2 * DIGEST_AKA_KEY_LEN,
                            (const unsigned char *)label, sizeof label - 1, mac, sizeof mac, &mac_len) != NULL &&
                  mac_len == sizeof mac;
    OPENSSL_cleanse(key, sizeof key);
    if (!ok) {
        OPENSSL_cleanse(mac, sizeof mac);
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_CRYPTO, "HMAC-MD5 failed");
        return FALSE;
    }
    gchar *b64 = g_base64_encode(mac, sizeof mac); /* 24 characters */
    size_t n = strlen(b64);
    g_assert(n <= DIGEST_AKA_PASSWORD_MAX);
    memcpy(password, b64, n);
    *password_len = n;
    OPENSSL_cleanse(b64, n);
    g_free(b64);
    OPENSSL_cleanse(mac, sizeof mac);
    return TRUE;
}

/* ------------------------------------------------------------------ parameter lists */

typedef struct {
    char *name;
    char *value;
    gboolean quoted;
} Param;

struct DigestParams {
    char *scheme;
    GPtrArray *items; /* of Param*, in order */
};

/* RFC 7230 §3.2.6 tchar */
static gboolean is_tchar(unsigned char c)
{
    return g_ascii_isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static gboolean is_token(const char *s)
{
    if (!*s)
        return FALSE;
    for (; *s; s++)
        if (!is_tchar((unsigned char)*s))
            return FALSE;
    return TRUE;
}

/* qdtext (RFC 7230 §3.2.6; SIP's UTF8-NONASCII is within obs-text): HTAB, SP, %x21, %x23-5B,
 * %x5D-7E, %x80-FF. */
static gboolean is_qdtext(unsigned char c)
{
    return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) || c >= 0x80;
}

/* What may follow a backslash: HTAB, SP, VCHAR, obs-text. */
static gboolean is_quotable(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static void param_free(gpointer p)
{
    Param *pr = p;
    g_free(pr->name);
    if (pr->value) {
        OPENSSL_cleanse(pr->value, strlen(pr->value));
        g_free(pr->value);
    }
    g_free(pr);
}

DigestParams *digest_params_new(const char *scheme)
{
    if (!scheme || !is_token(scheme))
        return NULL;
    DigestParams *p = g_new0(DigestParams, 1);
    p->scheme = g_strdup(scheme);
    p->items = g_ptr_array_new_with_free_func(param_free);
    return p;
}

void digest_params_free(DigestParams *params)
{
    if (!params)
        return;
    g_ptr_array_free(params->items, TRUE);
    g_free(params->scheme);
    g_free(params);
}

const char *digest_params_scheme(const DigestParams *params)
{
    return params->scheme;
}

guint digest_params_count(const DigestParams *params)
{
    return params->items->len;
}

void digest_params_nth(const DigestParams *params, guint i, const char **name, const char **value, gboolean *quoted)
{
    g_assert(i < params->items->len);
    const Param *pr = g_ptr_array_index(params->items, i);
    if (name)
        *name = pr->name;
    if (value)
        *value = pr->value;
    if (quoted)
        *quoted = pr->quoted;
}

static Param *find(const DigestParams *params, const char *name, guint *index)
{
    for (guint i = 0; i < params->items->len; i++) {
        Param *pr = g_ptr_array_index(params->items, i);
        if (g_ascii_strcasecmp(pr->name, name) == 0) {
            if (index)
                *index = i;
            return pr;
        }
    }
    return NULL;
}

const char *digest_params_get(const DigestParams *params, const char *name)
{
    const Param *pr = find(params, name, NULL);
    return pr ? pr->value : NULL;
}

static gboolean value_ok(const char *value, gboolean quoted)
{
    if (!quoted)
        return is_token(value);
    for (const unsigned char *s = (const unsigned char *)value; *s; s++)
        if (!is_quotable(*s))
            return FALSE;
    return TRUE;
}

gboolean digest_params_set(DigestParams *params, const char *name, const char *value, gboolean quoted,
                           GError **error)
{
    g_assert(params && name && value);
    if (!is_token(name)) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_INVALID, "parameter name '%s' is not a token", name);
        return FALSE;
    }
    if (!value_ok(value, quoted)) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_INVALID, "value of %s cannot be written %s", name,
                    quoted ? "as a quoted-string (control character)" : "as a token");
        return FALSE;
    }
    Param *pr = find(params, name, NULL);
    if (!pr) {
        if (params->items->len >= DIGEST_PARAMS_MAX) {
            g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_INVALID, "more than %d parameters", DIGEST_PARAMS_MAX);
            return FALSE;
        }
        pr = g_new0(Param, 1);
        pr->name = g_strdup(name);
        g_ptr_array_add(params->items, pr);
    } else {
        OPENSSL_cleanse(pr->value, strlen(pr->value));
        g_free(pr->value);
    }
    pr->value = g_strdup(value);
    pr->quoted = quoted;
    return TRUE;
}

gboolean digest_params_remove(DigestParams *params, const char *name)
{
    guint i = 0;
    if (!find(params, name, &i))
        return FALSE;
    g_ptr_array_remove_index(params->items, i);
    return TRUE;
}

void digest_params_to_string(const DigestParams *params, GString *out)
{
    g_string_append(out, params->scheme);
    for (guint i = 0; i < params->items->len; i++) {
        const Param *pr = g_ptr_array_index(params->items, i);
        g_string_append(out, i ? ", " : " ");
        g_string_append(out, pr->name);
        g_string_append_c(out, '=');
        if (!pr->quoted) {
            g_string_append(out, pr->value);
            continue;
        }
        g_string_append_c(out, '"');
        for (const char *s = pr->value; *s; s++) {
            if (*s == '"' || *s == '\\')
                g_string_append_c(out, '\\');
            g_string_append_c(out, *s);
        }
        g_string_append_c(out, '"');
    }
}

/* The tokenizer: a cursor over (text, len); every read is preceded by a bound check. */
typedef struct {
    const char *text;
    size_t len;
    size_t pos;
} Cursor;

static gboolean at_end(const Cursor *c)
{
    return c->pos >= c->len;
}

static unsigned char peek(const Cursor *c)
{
    return (unsigned char)c->text[c->pos];
}

/* Skips LWS (SP, HTAB, CRLF + SP/HTAB); returns how many octets it skipped. A CR or LF that does
 * not start a fold is left for the caller to reject. */
static size_t skip_lws(Cursor *c)
{
    size_t start = c->pos;
    while (!at_end(c)) {
        unsigned char ch = peek(c);
        if (ch == ' ' || ch == '\t') {
            c->pos++;
        } else if (ch == '\r' && c->pos + 2 < c->len && c->text[c->pos + 1] == '\n' &&
                   (c->text[c->pos + 2] == ' ' || c->text[c->pos + 2] == '\t')) {
            c->pos += 3;
        } else {
            break;
        }
    }
    return c->pos - start;
}

static char *read_token(Cursor *c)
{
    size_t start = c->pos;
    while (!at_end(c) && is_tchar(peek(c)))
        c->pos++;
    return c->pos > start ? g_strndup(c->text + start, c->pos - start) : NULL;
}

static gboolean syntax_error(GError **error, const Cursor *c, const char *what)
{
    if (at_end(c))
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_SYNTAX, "offset %zu: %s, found the end", c->pos, what);
    else
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_SYNTAX, "offset %zu: %s, found 0x%02x", c->pos, what, peek(c));
    return FALSE;
}

/* At the opening quote: reads a quoted-string, unescaping quoted-pairs. */
static gboolean read_quoted(Cursor *c, char **out, GError **error)
{
    GString *v = g_string_new(NULL);
    c->pos++; /* the opening DQUOTE */
    for (;;) {
        if (at_end(c)) {
            OPENSSL_cleanse(v->str, v->len);
            g_string_free(v, TRUE);
            return syntax_error(error, c, "unterminated quoted-string");
        }
        unsigned char ch = peek(c);
        if (ch == '"') {
            c->pos++;
            break;
        }
        if (ch == '\\') {
            c->pos++;
            if (at_end(c) || !is_quotable(peek(c))) {
                OPENSSL_cleanse(v->str, v->len);
                g_string_free(v, TRUE);
                return syntax_error(error, c, "bad quoted-pair");
            }
            ch = peek(c);
        } else if (!is_qdtext(ch)) {
            OPENSSL_cleanse(v->str, v->len);
            g_string_free(v, TRUE);
            return syntax_error(error, c, "character not allowed in a quoted-string");
        }
        g_string_append_c(v, (char)ch);
        c->pos++;
    }
    *out = g_string_free(v, FALSE);
    return TRUE;
}

DigestParams *digest_params_parse(const char *text, size_t len, GError **error)
{
    g_assert(text || len == 0);
    Cursor c = {text, len, 0};
    skip_lws(&c);
    char *scheme = read_token(&c);
    if (!scheme) {
        syntax_error(error, &c, "expected an auth-scheme token");
        return NULL;
    }
    DigestParams *p = digest_params_new(scheme);
    g_free(scheme);
    if (skip_lws(&c) == 0 && !at_end(&c)) {
        syntax_error(error, &c, "expected white space after the auth-scheme");
        digest_params_free(p);
        return NULL;
    }
    while (!at_end(&c)) {
        skip_lws(&c);
        if (at_end(&c))
            break;
        if (peek(&c) == ',') { /* empty list element */
            c.pos++;
            continue;
        }
        size_t name_pos = c.pos;
        char *name = read_token(&c);
        if (!name) {
            syntax_error(error, &c, "expected a parameter name");
            goto fail;
        }
        skip_lws(&c);
        if (at_end(&c) || peek(&c) != '=') {
            g_free(name);
            syntax_error(error, &c, "expected '='");
            goto fail;
        }
        c.pos++;
        skip_lws(&c);
        char *value = NULL;
        gboolean quoted = !at_end(&c) && peek(&c) == '"';
        if (quoted) {
            if (!read_quoted(&c, &value, error)) {
                g_free(name);
                goto fail;
            }
        } else if (!(value = read_token(&c))) {
            g_free(name);
            syntax_error(error, &c, "expected a token or quoted-string value");
            goto fail;
        }
        if (find(p, name, NULL) || p->items->len >= DIGEST_PARAMS_MAX) {
            if (p->items->len >= DIGEST_PARAMS_MAX)
                g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_SYNTAX, "offset %zu: more than %d parameters",
                            name_pos, DIGEST_PARAMS_MAX);
            else /* RFC 7235 §2.1: each parameter name only once */
                g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_SYNTAX, "offset %zu: duplicate parameter '%s'",
                            name_pos, name);
            g_free(name);
            OPENSSL_cleanse(value, strlen(value));
            g_free(value);
            goto fail;
        }
        Param *pr = g_new0(Param, 1);
        pr->name = name;
        pr->value = value;
        pr->quoted = quoted;
        g_ptr_array_add(p->items, pr);
        skip_lws(&c);
        if (at_end(&c))
            break;
        if (peek(&c) != ',') {
            syntax_error(error, &c, "expected ',' or the end");
            goto fail;
        }
        c.pos++;
    }
    return p;
fail:
    digest_params_free(p);
    return NULL;
}

gboolean digest_params_get_hex(const DigestParams *params, const char *name, uint8_t *out, size_t len,
                               GError **error)
{
    const char *v = digest_params_get(params, name);
    if (!v) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_MISSING, "no %s parameter", name);
        return FALSE;
    }
    if (strlen(v) != 2 * len) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_SYNTAX, "%s: expected %zu hex digits", name, 2 * len);
        return FALSE;
    }
    for (size_t i = 0; i < len; i++) {
        int hi = hex_value(v[2 * i]), lo = hex_value(v[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            OPENSSL_cleanse(out, len);
            g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_SYNTAX, "%s: not hex at character %zu", name,
                        hi < 0 ? 2 * i : 2 * i + 1);
            return FALSE;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return TRUE;
}

gboolean digest_params_set_hex(DigestParams *params, const char *name, const uint8_t *data, size_t len,
                               GError **error)
{
    char *hex = g_malloc(2 * len + 1);
    hex_lower(data, len, hex);
    gboolean ok = digest_params_set(params, name, hex, TRUE, error);
    OPENSSL_cleanse(hex, 2 * len);
    g_free(hex);
    return ok;
}

gboolean digest_params_get_auts(const DigestParams *params, uint8_t auts[DIGEST_AKA_AUTS_LEN], GError **error)
{
    const char *v = digest_params_get(params, "auts");
    if (!v) {
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_MISSING, "no auts parameter");
        return FALSE;
    }
    GBytes *b = digest_base64_decode(v, strlen(v), error);
    if (!b) {
        g_prefix_error(error, "auts: ");
        return FALSE;
    }
    gsize n = 0;
    const uint8_t *d = g_bytes_get_data(b, &n);
    gboolean ok = n == DIGEST_AKA_AUTS_LEN;
    if (ok)
        memcpy(auts, d, DIGEST_AKA_AUTS_LEN);
    else
        g_set_error(error, DIGEST_ERROR, DIGEST_ERROR_SYNTAX, "auts: %zu octets, expected %d", (size_t)n,
                    DIGEST_AKA_AUTS_LEN);
    g_bytes_unref(b);
    return ok;
}

gboolean digest_params_set_auts(DigestParams *params, const uint8_t auts[DIGEST_AKA_AUTS_LEN], GError **error)
{
    gchar *b64 = g_base64_encode(auts, DIGEST_AKA_AUTS_LEN);
    gboolean ok = digest_params_set(params, "auts", b64, TRUE, error);
    g_free(b64);
    return ok;
}
