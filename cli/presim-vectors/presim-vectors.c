/* presim-vectors.c: `presim-vectors FILE...` checks presim's cryptography against known-answer files.
 *
 * Reads files in the format of shared/vectors/README.md, strictly: a line that is not a comment,
 * a blank line, "[case NAME]" (after a blank line) or "key = lowercase-even-hex" (inside a case,
 * after its "# source:" line), a duplicate key or case name, trailing white space, a CR, bad UTF-8,
 * a field that the file type does not know, a missing or wrong-sized field are errors naming
 * FILE:LINE, never skipped. The file type comes from the file name (milenage.txt, hmac.txt,
 * aes-cbc-esp.txt, des-ede3-cbc.txt, digest.txt, aka-digest.txt, gba-kdf.txt, or such a stem followed
 * by '-', '_' or '.' as in milenage-extra.txt); any other name is an error. Every case is recomputed through presim's own modules (protocols/aka, http, gba, ipsec).
 *
 * Output (stdout): one line per mismatching field, "FILE:LINE: case NAME: FIELD: expected X, got Y"
 * (LINE is the field's line; X and Y in hex as in the file, or words for results), errors as
 * "FILE:LINE: error: ...", and last "N passed, N failed" counting cases. -v also prints each file's
 * counts. Exit status: 0 all passed; 1 some case failed; 2 unusable input (a file that cannot be
 * read or parsed, an unknown file name, a case lacking fields; its cases are not counted).
 */
#include "protocols/aka/aka.h"
#include "protocols/aka/milenage.h"
#include "protocols/gba/gba-kdf.h"
#include "protocols/http/digest.h"
#include "protocols/ipsec/esp-sa.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

enum { EXIT_ALL_PASSED = 0, EXIT_SOME_FAILED = 1, EXIT_BAD_INPUT = 2 };

/* ------------------------------------------------------------------ the vector file model */

typedef struct {
    char *key;
    GBytes *value;
    int line;
} Field;

typedef struct {
    char *name;
    int line;
    GPtrArray *fields; /* Field*, in file order */
} Case;

static void field_free(gpointer p)
{
    Field *f = p;
    g_free(f->key);
    g_bytes_unref(f->value);
    g_free(f);
}

static void case_free(gpointer p)
{
    Case *c = p;
    g_free(c->name);
    g_ptr_array_free(c->fields, TRUE);
    g_free(c);
}

typedef struct {
    const char *path;
    int bad_input; /* errors in this file */
    int passed, failed;
    gboolean case_failed;
    gboolean case_bad;
} Ctx;

static void G_GNUC_PRINTF(3, 4) error_at(Ctx *ctx, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gchar *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (line > 0)
        printf("%s:%d: error: %s\n", ctx->path, line, msg);
    else
        printf("%s: error: %s\n", ctx->path, msg);
    g_free(msg);
    ctx->bad_input++;
}

static gboolean is_name_char(char c)
{
    return g_ascii_isalnum(c) || c == '.' || c == '_' || c == '-';
}

static gboolean is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static Field *case_field(const Case *c, const char *key)
{
    for (guint i = 0; i < c->fields->len; i++) {
        Field *f = g_ptr_array_index(c->fields, i);
        if (strcmp(f->key, key) == 0)
            return f;
    }
    return NULL;
}

/* Parses one "key = hex" line into a new Field, or reports why not. */
static Field *parse_field(Ctx *ctx, const char *line, int lineno)
{
    const char *p = line;
    while (is_key_char(*p))
        p++;
    if (p == line || strncmp(p, " =", 2) != 0) {
        error_at(ctx, lineno, "unrecognised line (expected a comment, a blank line, '[case NAME]' or 'key = hex')");
        return NULL;
    }
    const char *hex = p + 2;
    if (*hex == ' ')
        hex++;
    else if (*hex != '\0') {
        error_at(ctx, lineno, "expected ' ' after '='");
        return NULL;
    }
    size_t n = strlen(hex);
    if (p[2] == ' ' && n == 0) {
        error_at(ctx, lineno, "trailing white space");
        return NULL;
    }
    if (n % 2) {
        error_at(ctx, lineno, "odd number of hex digits (%zu)", n);
        return NULL;
    }
    uint8_t *bytes = g_malloc(n / 2 + 1);
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);
        if (hi < 0 || lo < 0) {
            error_at(ctx, lineno, "'%c' is not a lowercase hex digit", hi < 0 ? hex[i] : hex[i + 1]);
            g_free(bytes);
            return NULL;
        }
        bytes[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    Field *f = g_new0(Field, 1);
    f->key = g_strndup(line, (gsize)(p - line));
    f->value = g_bytes_new_take(bytes, n / 2);
    f->line = lineno;
    return f;
}

/* The whole file into cases; NULL (errors reported) if any line breaks the format. */
static GPtrArray *parse_file(Ctx *ctx, const char *text, size_t len)
{
    const char *bad = NULL;
    if (!g_utf8_validate(text, (gssize)len, &bad)) {
        int line = 1;
        for (const char *s = text; s < bad; s++)
            line += *s == '\n';
        error_at(ctx, line, "not UTF-8");
        return NULL;
    }
    GPtrArray *cases = g_ptr_array_new_with_free_func(case_free);
    Case *cur = NULL;
    gboolean prev_blank = TRUE, want_source = FALSE;
    int errors_before = ctx->bad_input;
    gchar **lines = g_strsplit(text, "\n", -1);
    guint n_lines = g_strv_length(lines);
    if (n_lines && lines[n_lines - 1][0] == '\0') /* the text after the last LF */
        n_lines--;
    for (guint i = 0; i < n_lines; i++) {
        const char *l = lines[i];
        int lineno = (int)i + 1;
        size_t ll = strlen(l);
        if (strchr(l, '\r')) {
            error_at(ctx, lineno, "CR in line (line ends must be LF)");
            continue;
        }
        if (ll && (l[ll - 1] == ' ' || l[ll - 1] == '\t')) {
            error_at(ctx, lineno, "trailing white space");
            continue;
        }
        if (ll == 0) {
            if (want_source)
                error_at(ctx, cur->line, "case %s has no '# source:' line", cur->name);
            cur = NULL;
            want_source = FALSE;
            prev_blank = TRUE;
            continue;
        }
        gboolean was_blank = prev_blank;
        prev_blank = FALSE;
        if (l[0] == '#') {
            if (want_source && !g_str_has_prefix(l, "# source:"))
                error_at(ctx, lineno, "the line after '[case %s]' must be '# source: ...'", cur->name);
            want_source = FALSE;
            continue;
        }
        if (l[0] == '[') {
            gboolean prefix = g_str_has_prefix(l, "[case ");
            const char *name = prefix ? l + 6 : l, *end = name;
            while (prefix && is_name_char(*end))
                end++;
            if (!prefix || end == name || strcmp(end, "]") != 0) {
                error_at(ctx, lineno, "malformed case header (expected '[case NAME]', NAME of [A-Za-z0-9._-])");
                cur = NULL;
                continue;
            }
            if (!was_blank)
                error_at(ctx, lineno, "a case header must follow a blank line");
            Case *c = g_new0(Case, 1);
            c->name = g_strndup(name, (gsize)(end - name));
            c->line = lineno;
            c->fields = g_ptr_array_new_with_free_func(field_free);
            for (guint k = 0; k < cases->len; k++) {
                const Case *o = g_ptr_array_index(cases, k);
                if (strcmp(o->name, c->name) == 0)
                    error_at(ctx, lineno, "case %s already defined at line %d", c->name, o->line);
            }
            g_ptr_array_add(cases, c);
            cur = c;
            want_source = TRUE;
            continue;
        }
        Field *f = parse_field(ctx, l, lineno);
        if (!f)
            continue;
        if (!cur) {
            error_at(ctx, lineno, "field '%s' outside a case", f->key);
            field_free(f);
            continue;
        }
        if (want_source) {
            error_at(ctx, lineno, "the line after '[case %s]' must be '# source: ...'", cur->name);
            want_source = FALSE;
        }
        const Field *dup = case_field(cur, f->key);
        if (dup) {
            error_at(ctx, lineno, "field '%s' repeated (first at line %d)", f->key, dup->line);
            field_free(f);
            continue;
        }
        g_ptr_array_add(cur->fields, f);
    }
    if (want_source)
        error_at(ctx, cur->line, "case %s has no '# source:' line", cur->name);
    g_strfreev(lines);
    if (ctx->bad_input > errors_before) {
        g_ptr_array_free(cases, TRUE);
        return NULL;
    }
    return cases;
}

/* ------------------------------------------------------------------ field access and comparison */

/* The field KEY, which must exist and have LEN octets (LEN 0: any length). NULL (reported) if not. */
static const uint8_t *need(Ctx *ctx, const Case *c, const char *key, size_t len, size_t *len_out)
{
    const Field *f = case_field(c, key);
    if (!f) {
        error_at(ctx, c->line, "case %s: required field '%s' missing", c->name, key);
        ctx->case_bad = TRUE;
        return NULL;
    }
    gsize n = 0;
    const uint8_t *d = g_bytes_get_data(f->value, &n);
    if (len && n != len) {
        error_at(ctx, f->line, "case %s: field '%s' has %zu octets, expected %zu", c->name, key, (size_t)n, len);
        ctx->case_bad = TRUE;
        return NULL;
    }
    if (len_out)
        *len_out = n;
    return d ? d : (const uint8_t *)"";
}

/* A text field as a NUL-terminated string (freed by the caller), or NULL (reported). */
static char *need_text(Ctx *ctx, const Case *c, const char *key)
{
    size_t n = 0;
    const uint8_t *d = need(ctx, c, key, 0, &n);
    if (!d)
        return NULL;
    if (memchr(d, 0, n)) {
        error_at(ctx, case_field(c, key)->line, "case %s: text field '%s' holds a NUL", c->name, key);
        ctx->case_bad = TRUE;
        return NULL;
    }
    return g_strndup((const char *)d, n);
}

static gchar *to_hex(const uint8_t *d, size_t n)
{
    GString *s = g_string_sized_new(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(s, "%02x", d[i]);
    return g_string_free(s, FALSE);
}

static void report(Ctx *ctx, const Case *c, int line, const char *field, const char *expected, const char *got)
{
    printf("%s:%d: case %s: %s: expected %s, got %s\n", ctx->path, line, c->name, field, expected, got);
    ctx->case_failed = TRUE;
}

/* Compares field KEY with GOT (octets). LABEL names the check in the report (KEY if NULL). */
static void expect(Ctx *ctx, const Case *c, const char *key, const char *label, const uint8_t *got, size_t got_len)
{
    const Field *f = case_field(c, key);
    g_assert(f); /* callers need() every field they compare */
    gsize n = 0;
    const uint8_t *d = g_bytes_get_data(f->value, &n);
    if (n == got_len && (n == 0 || memcmp(d, got, n) == 0))
        return;
    gchar *e = to_hex(d, n), *g = to_hex(got, got_len);
    report(ctx, c, f->line, label ? label : key, e, g);
    g_free(e);
    g_free(g);
}

/* Compares field KEY (raw digest octets) with a lowercase hex string computed by presim. */
static void expect_hex(Ctx *ctx, const Case *c, const char *key, const char *got_hex)
{
    const Field *f = case_field(c, key);
    g_assert(f);
    gsize n = 0;
    const uint8_t *d = g_bytes_get_data(f->value, &n);
    gchar *e = to_hex(d, n);
    if (strcmp(e, got_hex) != 0)
        report(ctx, c, f->line, key, e, got_hex);
    g_free(e);
}

static void expect_str(Ctx *ctx, const Case *c, const char *key, const char *got)
{
    expect(ctx, c, key, NULL, (const uint8_t *)got, strlen(got));
}

/* A computation that could not run at all counts as a failure of the case, with the reason. */
static void failed_to_compute(Ctx *ctx, const Case *c, const char *field, GError **err)
{
    report(ctx, c, c->line, field, "a result", *err ? (*err)->message : "an error");
    g_clear_error(err);
}

/* Rejects fields that the file type does not know. */
static gboolean only_fields(Ctx *ctx, const Case *c, const char *const *allowed)
{
    gboolean ok = TRUE;
    for (guint i = 0; i < c->fields->len; i++) {
        const Field *f = g_ptr_array_index(c->fields, i);
        gboolean known = FALSE;
        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(*a, f->key) == 0;
        if (!known) {
            error_at(ctx, f->line, "case %s: unknown field '%s' for this file type", c->name, f->key);
            ok = FALSE;
        }
    }
    if (!ok)
        ctx->case_bad = TRUE;
    return ok;
}

/* ------------------------------------------------------------------ milenage.txt */

static void check_milenage(Ctx *ctx, const Case *c)
{
    static const char *const fields[] = {"k", "rand", "sqn", "amf", "op", "opc", "f1", "f1star", "f2", "f3", "f4",
                                         "f5", "f5star", NULL};
    if (!only_fields(ctx, c, fields))
        return;
    const uint8_t *k = need(ctx, c, "k", 16, NULL), *rand = need(ctx, c, "rand", 16, NULL);
    const uint8_t *sqn = need(ctx, c, "sqn", 6, NULL), *amf = need(ctx, c, "amf", 2, NULL);
    gboolean has_op = case_field(c, "op") != NULL, has_opc = case_field(c, "opc") != NULL;
    const uint8_t *op = has_op ? need(ctx, c, "op", 16, NULL) : NULL;
    const uint8_t *opc = has_opc ? need(ctx, c, "opc", 16, NULL) : NULL;
    if (!has_op && !has_opc) {
        error_at(ctx, c->line, "case %s: needs 'op' or 'opc'", c->name);
        ctx->case_bad = TRUE;
    }
    static const struct { const char *key; size_t len; } outs[] = {
        {"f1", 8}, {"f1star", 8}, {"f2", 8}, {"f3", 16}, {"f4", 16}, {"f5", 6}, {"f5star", 6}};
    for (size_t i = 0; i < G_N_ELEMENTS(outs); i++)
        need(ctx, c, outs[i].key, outs[i].len, NULL);
    if (ctx->case_bad)
        return;
    GError *err = NULL;
    uint8_t our_opc[16];
    if (op) {
        if (!milenage_compute_opc(k, op, our_opc, &err)) {
            failed_to_compute(ctx, c, "opc", &err);
            return;
        }
        if (opc)
            expect(ctx, c, "opc", NULL, our_opc, 16);
    }
    /* The file's OPc when given, so an OPc mismatch does not hide the f1..f5* results. */
    Milenage *m = milenage_new(k, opc ? opc : our_opc, &err);
    if (!m) {
        failed_to_compute(ctx, c, "k", &err);
        return;
    }
    uint8_t mac_a[8], mac_s[8], res[8], ck[16], ik[16], ak[6], ak_star[6];
    if (milenage_f1(m, rand, sqn, amf, mac_a, mac_s, &err) && milenage_f2345(m, rand, res, ck, ik, ak, &err) &&
        milenage_f5star(m, rand, ak_star, &err)) {
        expect(ctx, c, "f1", NULL, mac_a, 8);
        expect(ctx, c, "f1star", NULL, mac_s, 8);
        expect(ctx, c, "f2", NULL, res, 8);
        expect(ctx, c, "f3", NULL, ck, 16);
        expect(ctx, c, "f4", NULL, ik, 16);
        expect(ctx, c, "f5", NULL, ak, 6);
        expect(ctx, c, "f5star", NULL, ak_star, 6);
    } else {
        failed_to_compute(ctx, c, "f1", &err);
    }
    milenage_free(m);
    OPENSSL_cleanse(our_opc, sizeof our_opc);
}

/* ------------------------------------------------------------------ hmac.txt */

static void check_hmac(Ctx *ctx, const Case *c)
{
    static const char *const fields[] = {"key", "data", "hmac_md5", "hmac_sha1", "hmac_sha256", "mac96", NULL};
    if (!only_fields(ctx, c, fields))
        return;
    size_t key_len = 0, data_len = 0;
    const uint8_t *key = need(ctx, c, "key", 0, &key_len), *data = need(ctx, c, "data", 0, &data_len);
    const char *which = NULL;
    int n_which = 0;
    static const char *const hashes[] = {"hmac_md5", "hmac_sha1", "hmac_sha256"};
    for (size_t i = 0; i < G_N_ELEMENTS(hashes); i++)
        if (case_field(c, hashes[i])) {
            which = hashes[i];
            n_which++;
        }
    if (n_which != 1) {
        error_at(ctx, c->line, "case %s: needs exactly one of hmac_md5, hmac_sha1, hmac_sha256", c->name);
        ctx->case_bad = TRUE;
        return;
    }
    gboolean sha256 = strcmp(which, "hmac_sha256") == 0;
    need(ctx, c, which, strcmp(which, "hmac_md5") == 0 ? 16 : sha256 ? 32 : 20, NULL);
    if (sha256 && case_field(c, "mac96")) {
        error_at(ctx, case_field(c, "mac96")->line, "case %s: mac96 belongs to MD5 and SHA-1 cases only", c->name);
        ctx->case_bad = TRUE;
    } else if (!sha256) {
        need(ctx, c, "mac96", ESP_ICV_LEN, NULL);
    }
    if (key_len == 0 && key) {
        error_at(ctx, case_field(c, "key")->line, "case %s: empty key", c->name);
        ctx->case_bad = TRUE;
    }
    if (ctx->case_bad)
        return;
    GError *err = NULL;
    if (sha256) { /* the GBA KDF is HMAC-SHA-256 over S */
        uint8_t out[GBA_KDF_OUT_LEN];
        if (gba_kdf(key, key_len, data, data_len, out, &err))
            expect(ctx, c, which, NULL, out, sizeof out);
        else
            failed_to_compute(ctx, c, which, &err);
        return;
    }
    /* MD5 and SHA-1 through the ESP signer: the full HMAC and the 96-bit ICV */
    EspSigner *s = esp_signer_create(strcmp(which, "hmac_md5") == 0 ? ESP_AUTH_HMAC_MD5_96 : ESP_AUTH_HMAC_SHA1_96,
                                     key, key_len);
    if (!s) {
        failed_to_compute(ctx, c, which, &err);
        return;
    }
    uint8_t full[ESP_MAX_MAC_LEN], icv[ESP_ICV_LEN];
    if (s->mac(s, data, data_len, full, &err))
        expect(ctx, c, which, NULL, full, s->get_mac_size(s));
    else
        failed_to_compute(ctx, c, which, &err);
    if (s->sign(s, data, data_len, icv, &err))
        expect(ctx, c, "mac96", NULL, icv, sizeof icv);
    else
        failed_to_compute(ctx, c, "mac96", &err);
    s->destroy(s);
}

/* ------------------------------------------------------------------ cipher files */

/* Raw CBC: encrypt PLAINTEXT to CIPHERTEXT and back. */
static void check_cbc(Ctx *ctx, const Case *c, EspEncrAlg alg, size_t iv_len)
{
    size_t key_len = 0, pt_len = 0, ct_len = 0;
    const uint8_t *key = need(ctx, c, "key", 0, &key_len), *iv = need(ctx, c, "iv", iv_len, NULL);
    const uint8_t *pt = need(ctx, c, "plaintext", 0, &pt_len), *ct = need(ctx, c, "ciphertext", 0, &ct_len);
    if (ctx->case_bad)
        return;
    EspCrypter *cr = esp_crypter_create(alg, key, key_len);
    if (!cr) {
        error_at(ctx, case_field(c, "key")->line, "case %s: %s takes no %zu-octet key", c->name,
                 esp_encr_alg_to_string(alg), key_len);
        ctx->case_bad = TRUE;
        return;
    }
    if (pt_len % cr->get_block_size(cr) || ct_len % cr->get_block_size(cr)) {
        error_at(ctx, c->line, "case %s: plaintext/ciphertext not whole %zu-octet blocks", c->name,
                 cr->get_block_size(cr));
        ctx->case_bad = TRUE;
        cr->destroy(cr);
        return;
    }
    GError *err = NULL;
    uint8_t *out = g_malloc(MAX(pt_len, ct_len) + 1);
    if (cr->encrypt(cr, pt, pt_len, iv, out, &err))
        expect(ctx, c, "ciphertext", NULL, out, pt_len);
    else
        failed_to_compute(ctx, c, "ciphertext", &err);
    if (cr->decrypt(cr, ct, ct_len, iv, out, &err))
        expect(ctx, c, "plaintext", "plaintext (decrypt)", out, ct_len);
    else
        failed_to_compute(ctx, c, "plaintext", &err);
    g_free(out);
    cr->destroy(cr);
}

static void check_des(Ctx *ctx, const Case *c)
{
    static const char *const fields[] = {"key", "iv", "plaintext", "ciphertext", NULL};
    if (only_fields(ctx, c, fields))
        check_cbc(ctx, c, ESP_ENCR_DES_EDE3_CBC, 8);
}

/* An RFC 3602 sample packet: seal the payload with an outbound SA (no ICV: the RFC's cases carry
 * none) and compare every part; then open the file's packet with an inbound SA. */
static void check_esp_packet(Ctx *ctx, const Case *c)
{
    size_t key_len = 0, payload_len = 0, pt_len = 0, ct_len = 0, esp_len = 0, padding_len = 0;
    const uint8_t *key = need(ctx, c, "key", 0, &key_len);
    const uint8_t *spi_b = need(ctx, c, "spi", 4, NULL), *seq_b = need(ctx, c, "seq", 4, NULL);
    const uint8_t *iv = need(ctx, c, "iv", 16, NULL);
    const uint8_t *payload = need(ctx, c, "payload", 0, &payload_len);
    const uint8_t *nh = need(ctx, c, "next_header", 1, NULL);
    need(ctx, c, "padding", 0, &padding_len);
    need(ctx, c, "pad_length", 1, NULL);
    need(ctx, c, "plaintext", 0, &pt_len);
    need(ctx, c, "ciphertext", 0, &ct_len);
    const uint8_t *esp = need(ctx, c, "esp", 0, &esp_len);
    if (ctx->case_bad)
        return;
    uint32_t spi = (uint32_t)spi_b[0] << 24 | (uint32_t)spi_b[1] << 16 | (uint32_t)spi_b[2] << 8 | spi_b[3];
    uint32_t seq = (uint32_t)seq_b[0] << 24 | (uint32_t)seq_b[1] << 16 | (uint32_t)seq_b[2] << 8 | seq_b[3];
    if (seq == 0 || spi == 0) {
        error_at(ctx, c->line, "case %s: SPI and sequence number must not be 0", c->name);
        ctx->case_bad = TRUE;
        return;
    }
    EspSaParams p = {.spi = spi, .direction = ESP_SA_OUTBOUND, .auth = ESP_AUTH_NONE, .encr = ESP_ENCR_AES_CBC,
                     .encr_key = key, .encr_key_len = key_len};
    GError *err = NULL;
    EspSa *out_sa = esp_sa_new(&p, &err);
    p.direction = ESP_SA_INBOUND;
    EspSa *in_sa = out_sa ? esp_sa_new(&p, &err) : NULL;
    if (!out_sa || !in_sa) {
        error_at(ctx, case_field(c, "key")->line, "case %s: %s", c->name, err->message);
        g_clear_error(&err);
        ctx->case_bad = TRUE;
        esp_sa_free(out_sa);
        return;
    }
    esp_sa_set_last_seq(out_sa, seq - 1);
    GByteArray *pkt = g_byte_array_new(), *opened = g_byte_array_new();
    if (!esp_sa_seal(out_sa, payload, payload_len, nh[0], iv, pkt, &err)) {
        failed_to_compute(ctx, c, "esp", &err);
    } else {
        expect(ctx, c, "esp", NULL, pkt->data, pkt->len);
        size_t hdr = ESP_HEADER_LEN + 16;
        const uint8_t *our_ct = pkt->data + hdr;
        size_t our_ct_len = pkt->len - hdr;
        expect(ctx, c, "ciphertext", NULL, our_ct, our_ct_len);
        /* Our plaintext: decrypt our own ciphertext, then split the trailer. */
        EspCrypter *cr = esp_crypter_create(ESP_ENCR_AES_CBC, key, key_len);
        uint8_t *pt = g_malloc(our_ct_len + 1);
        if (cr && cr->decrypt(cr, our_ct, our_ct_len, iv, pt, &err) && our_ct_len >= 2 &&
            (size_t)pt[our_ct_len - 2] + 2 <= our_ct_len) {
            expect(ctx, c, "plaintext", NULL, pt, our_ct_len);
            size_t pad = pt[our_ct_len - 2];
            expect(ctx, c, "padding", NULL, pt + our_ct_len - 2 - pad, pad);
            expect(ctx, c, "pad_length", NULL, pt + our_ct_len - 2, 1);
            expect(ctx, c, "next_header", NULL, pt + our_ct_len - 1, 1);
        } else {
            failed_to_compute(ctx, c, "plaintext", &err);
        }
        g_free(pt);
        if (cr)
            cr->destroy(cr);
    }
    /* Open the file's packet back. */
    uint8_t got_nh = 0;
    EspOpenResult r = esp_sa_open(in_sa, esp, esp_len, opened, &got_nh);
    if (r != ESP_OPEN_OK) {
        report(ctx, c, case_field(c, "esp")->line, "esp (open)", esp_open_result_to_string(ESP_OPEN_OK),
               esp_open_result_to_string(r));
    } else {
        expect(ctx, c, "payload", "payload (open)", opened->data, opened->len);
        expect(ctx, c, "next_header", "next_header (open)", &got_nh, 1);
    }
    g_byte_array_free(pkt, TRUE);
    g_byte_array_free(opened, TRUE);
    esp_sa_free(out_sa);
    esp_sa_free(in_sa);
}

static void check_aes(Ctx *ctx, const Case *c)
{
    static const char *const raw_fields[] = {"key", "iv", "plaintext", "ciphertext", NULL};
    static const char *const esp_fields[] = {"key", "spi", "seq", "iv", "payload", "padding", "pad_length",
                                             "next_header", "plaintext", "ciphertext", "esp", NULL};
    /* A case with any ESP framing field is a sample packet and must have all of them. */
    gboolean packet = FALSE;
    for (const char *const *f = esp_fields; *f; f++)
        packet |= case_field(c, *f) != NULL && !g_strv_contains((const char *const *)raw_fields, *f);
    if (!only_fields(ctx, c, packet ? esp_fields : raw_fields))
        return;
    if (packet)
        check_esp_packet(ctx, c);
    else
        check_cbc(ctx, c, ESP_ENCR_AES_CBC, 16);
}

/* ------------------------------------------------------------------ digest.txt */

static void check_digest(Ctx *ctx, const Case *c)
{
    static const char *const fields[] = {"username", "realm", "password", "method", "uri", "nonce", "nc",
                                         "cnonce", "qop", "algorithm", "opaque", "ha1", "ha2", "response", NULL};
    if (!only_fields(ctx, c, fields))
        return;
    char *user = need_text(ctx, c, "username"), *realm = need_text(ctx, c, "realm");
    char *method = need_text(ctx, c, "method"), *uri = need_text(ctx, c, "uri");
    char *nonce = need_text(ctx, c, "nonce"), *nc = need_text(ctx, c, "nc");
    char *cnonce = need_text(ctx, c, "cnonce"), *qop = need_text(ctx, c, "qop");
    char *alg_text = need_text(ctx, c, "algorithm");
    char *opaque = case_field(c, "opaque") ? need_text(ctx, c, "opaque") : NULL;
    size_t pw_len = 0;
    const uint8_t *pw = need(ctx, c, "password", 0, &pw_len);
    need(ctx, c, "ha1", 0, NULL);
    need(ctx, c, "ha2", 0, NULL);
    need(ctx, c, "response", 0, NULL);
    DigestAlgorithm alg = DIGEST_ALG_MD5;
    if (alg_text && !digest_algorithm_from_string(alg_text, &alg)) {
        error_at(ctx, case_field(c, "algorithm")->line, "case %s: unknown algorithm '%s'", c->name, alg_text);
        ctx->case_bad = TRUE;
    }
    if (!ctx->case_bad) {
        char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], resp[DIGEST_HEX_SIZE];
        GError *err = NULL;
        if (digest_ha1(alg, user, realm, pw, pw_len, nonce, cnonce, ha1, &err) &&
            digest_ha2(alg, method, uri, ha2, &err) &&
            digest_response(alg, ha1, nonce, nc, cnonce, qop, ha2, resp, &err)) {
            expect_hex(ctx, c, "ha1", ha1);
            expect_hex(ctx, c, "ha2", ha2);
            expect_hex(ctx, c, "response", resp);
            /* The Authorization header round trip: print with our builder, parse back. */
            DigestParams *a = digest_params_new("Digest");
            gboolean ok = digest_params_set(a, "username", user, TRUE, &err) &&
                          digest_params_set(a, "realm", realm, TRUE, &err) &&
                          digest_params_set(a, "nonce", nonce, TRUE, &err) &&
                          digest_params_set(a, "uri", uri, TRUE, &err) &&
                          digest_params_set(a, "response", resp, TRUE, &err) &&
                          digest_params_set(a, "algorithm", alg_text, FALSE, &err) &&
                          digest_params_set(a, "cnonce", cnonce, TRUE, &err) &&
                          (!opaque || digest_params_set(a, "opaque", opaque, TRUE, &err)) &&
                          digest_params_set(a, "qop", qop, FALSE, &err) && digest_params_set(a, "nc", nc, FALSE, &err);
            GString *hdr = g_string_new(NULL);
            if (ok) {
                digest_params_to_string(a, hdr);
                DigestParams *b = digest_params_parse(hdr->str, hdr->len, &err);
                const char *v = b ? digest_params_get(b, "response") : NULL;
                const char *o = b && opaque ? digest_params_get(b, "opaque") : NULL;
                if (!v || strcmp(v, resp) != 0 || (opaque && (!o || strcmp(o, opaque) != 0)))
                    report(ctx, c, c->line, "Authorization round trip", hdr->str,
                           err ? err->message : "different parameters");
                g_clear_error(&err);
                digest_params_free(b);
            } else {
                failed_to_compute(ctx, c, "Authorization", &err);
            }
            g_string_free(hdr, TRUE);
            digest_params_free(a);
        } else {
            failed_to_compute(ctx, c, "response", &err);
        }
    }
    g_free(user);
    g_free(realm);
    g_free(method);
    g_free(uri);
    g_free(nonce);
    g_free(nc);
    g_free(cnonce);
    g_free(qop);
    g_free(alg_text);
    g_free(opaque);
}

/* ------------------------------------------------------------------ aka-digest.txt */

/* HA1 and response of one AKA variant with the password presim derived. */
static void check_aka_variant(Ctx *ctx, const Case *c, DigestAlgorithm alg, const char *prefix, const uint8_t *res,
                              const uint8_t *ck, const uint8_t *ik, const char *const text[], const char *ha2)
{
    /* TEXT: username, realm, nonce, nc, cnonce, qop (as check_aka_digest() orders them) */
    uint8_t pw[DIGEST_AKA_PASSWORD_MAX];
    size_t pw_len = 0;
    gchar *k_pw = g_strconcat(prefix, "_password", NULL), *k_ha1 = g_strconcat(prefix, "_ha1", NULL);
    gchar *k_resp = g_strconcat(prefix, "_response", NULL);
    GError *err = NULL;
    char ha1[DIGEST_HEX_SIZE], resp[DIGEST_HEX_SIZE];
    if (!digest_aka_password(alg, res, AKA_RES_LEN, ik, ck, pw, &pw_len, &err)) {
        failed_to_compute(ctx, c, k_pw, &err);
    } else {
        expect(ctx, c, k_pw, NULL, pw, pw_len);
        if (digest_ha1(alg, text[0], text[1], pw, pw_len, NULL, NULL, ha1, &err) &&
            digest_response(alg, ha1, text[2], text[3], text[4], text[5], ha2, resp, &err)) {
            expect_hex(ctx, c, k_ha1, ha1);
            expect_hex(ctx, c, k_resp, resp);
        } else {
            failed_to_compute(ctx, c, k_resp, &err);
        }
    }
    OPENSSL_cleanse(pw, sizeof pw);
    g_free(k_pw);
    g_free(k_ha1);
    g_free(k_resp);
}

static void check_aka_digest(Ctx *ctx, const Case *c)
{
    static const char *const fields[] = {"k", "opc", "rand", "sqn", "amf", "res", "ck", "ik", "ak", "mac_a", "autn",
                                         "nonce", "username", "realm", "method", "uri", "nc", "cnonce", "qop", "ha2",
                                         "akav1_password", "akav1_ha1", "akav1_response", "akav2_password",
                                         "akav2_ha1", "akav2_response", NULL};
    if (!only_fields(ctx, c, fields))
        return;
    const uint8_t *k = need(ctx, c, "k", 16, NULL), *opc = need(ctx, c, "opc", 16, NULL);
    const uint8_t *rand = need(ctx, c, "rand", 16, NULL), *sqn_b = need(ctx, c, "sqn", 6, NULL);
    const uint8_t *amf = need(ctx, c, "amf", 2, NULL), *res = need(ctx, c, "res", 8, NULL);
    const uint8_t *ck = need(ctx, c, "ck", 16, NULL), *ik = need(ctx, c, "ik", 16, NULL);
    const uint8_t *autn = need(ctx, c, "autn", 16, NULL);
    need(ctx, c, "ak", 6, NULL);
    need(ctx, c, "mac_a", 8, NULL);
    static const char *const text_keys[] = {"username", "realm", "nonce", "nc", "cnonce", "qop", "method", "uri"};
    char *text[G_N_ELEMENTS(text_keys)];
    for (size_t i = 0; i < G_N_ELEMENTS(text_keys); i++)
        text[i] = need_text(ctx, c, text_keys[i]);
    static const char *const out_keys[] = {"ha2", "akav1_password", "akav1_ha1", "akav1_response",
                                           "akav2_password", "akav2_ha1", "akav2_response"};
    for (size_t i = 0; i < G_N_ELEMENTS(out_keys); i++)
        need(ctx, c, out_keys[i], 0, NULL);
    GError *err = NULL;
    Milenage *m = ctx->case_bad ? NULL : milenage_new(k, opc, &err);
    if (!ctx->case_bad && !m)
        failed_to_compute(ctx, c, "k", &err);
    if (m) {
        /* MILENAGE outputs, the AV's AUTN, and the USIM's view of that AUTN */
        uint8_t o_res[8], o_ck[16], o_ik[16], o_ak[6], o_mac[8];
        uint64_t sqn = aka_sqn_from_bytes(sqn_b);
        AkaVector av;
        if (milenage_f2345(m, rand, o_res, o_ck, o_ik, o_ak, &err) &&
            milenage_f1(m, rand, sqn_b, amf, o_mac, NULL, &err) && aka_vector_generate(m, rand, sqn, amf, &av, &err)) {
            expect(ctx, c, "res", NULL, o_res, 8);
            expect(ctx, c, "ck", NULL, o_ck, 16);
            expect(ctx, c, "ik", NULL, o_ik, 16);
            expect(ctx, c, "ak", NULL, o_ak, 6);
            expect(ctx, c, "mac_a", NULL, o_mac, 8);
            expect(ctx, c, "autn", NULL, av.autn, 16);
            expect(ctx, c, "res", "res (xres of the vector)", av.xres, 8);
            uint64_t got_sqn = 0;
            AkaResult r = aka_autn_verify(m, rand, autn, &got_sqn, NULL, &err);
            if (r != AKA_RESULT_OK)
                report(ctx, c, case_field(c, "autn")->line, "autn (USIM verify)", "ok", aka_result_to_string(r));
            else if (got_sqn != sqn)
                report(ctx, c, case_field(c, "autn")->line, "autn (USIM verify, SQN)", "the case's sqn",
                       "another SQN");
            g_clear_error(&err);
            aka_vector_clear(&av);
        } else {
            failed_to_compute(ctx, c, "autn", &err);
        }
        milenage_free(m);
        /* nonce = base64(RAND || AUTN), both ways */
        gchar *nonce = digest_aka_nonce_build(rand, autn, NULL, 0);
        expect_str(ctx, c, "nonce", nonce ? nonce : "");
        g_free(nonce);
        uint8_t p_rand[16], p_autn[16];
        if (!digest_aka_nonce_parse(text[2], p_rand, p_autn, NULL, &err)) {
            report(ctx, c, case_field(c, "nonce")->line, "nonce (parse)", "RAND || AUTN", err->message);
            g_clear_error(&err);
        } else {
            expect(ctx, c, "rand", "rand (from nonce)", p_rand, 16);
            expect(ctx, c, "autn", "autn (from nonce)", p_autn, 16);
        }
        char ha2[DIGEST_HEX_SIZE];
        if (digest_ha2(DIGEST_ALG_AKAV1_MD5, text[6], text[7], ha2, &err)) {
            expect_hex(ctx, c, "ha2", ha2);
            check_aka_variant(ctx, c, DIGEST_ALG_AKAV1_MD5, "akav1", res, ck, ik, (const char *const *)text, ha2);
            check_aka_variant(ctx, c, DIGEST_ALG_AKAV2_MD5, "akav2", res, ck, ik, (const char *const *)text, ha2);
        } else {
            failed_to_compute(ctx, c, "ha2", &err);
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(text_keys); i++)
        g_free(text[i]);
}

/* ------------------------------------------------------------------ gba-kdf.txt */

static void check_gba(Ctx *ctx, const Case *c)
{
    static const char *const fields[] = {"k", "opc", "rand", "ck", "ik", "ks", "impi", "naf_fqdn", "ua_protocol_id",
                                         "naf_id", "s", "ks_naf", "bsf_domain", "btid", NULL};
    if (!only_fields(ctx, c, fields))
        return;
    const uint8_t *k = need(ctx, c, "k", 16, NULL), *opc = need(ctx, c, "opc", 16, NULL);
    const uint8_t *rand = need(ctx, c, "rand", 16, NULL), *ck = need(ctx, c, "ck", 16, NULL);
    const uint8_t *ik = need(ctx, c, "ik", 16, NULL), *ks = need(ctx, c, "ks", 32, NULL);
    const uint8_t *ua = need(ctx, c, "ua_protocol_id", GBA_UA_ID_LEN, NULL);
    size_t naf_id_len = 0;
    const uint8_t *naf_id = need(ctx, c, "naf_id", 0, &naf_id_len);
    need(ctx, c, "s", 0, NULL);
    need(ctx, c, "ks_naf", 32, NULL);
    need(ctx, c, "btid", 0, NULL);
    char *impi = need_text(ctx, c, "impi"), *fqdn = need_text(ctx, c, "naf_fqdn");
    char *bsf = need_text(ctx, c, "bsf_domain");
    GError *err = NULL;
    if (!ctx->case_bad) {
        Milenage *m = milenage_new(k, opc, &err);
        uint8_t o_ck[16], o_ik[16], o_ks[32], ks_naf[32];
        if (m && milenage_f2345(m, rand, NULL, o_ck, o_ik, NULL, &err)) {
            expect(ctx, c, "ck", NULL, o_ck, 16);
            expect(ctx, c, "ik", NULL, o_ik, 16);
        } else {
            failed_to_compute(ctx, c, "ck", &err);
        }
        milenage_free(m);
        gba_ks_from_ck_ik(ck, ik, o_ks);
        expect(ctx, c, "ks", NULL, o_ks, 32);
        GByteArray *nid = g_byte_array_new(), *s = g_byte_array_new();
        if (gba_naf_id_build(fqdn, ua, nid, &err))
            expect(ctx, c, "naf_id", NULL, nid->data, nid->len);
        else
            failed_to_compute(ctx, c, "naf_id", &err);
        /* From the file's Ks and NAF_Id, so each step is judged on its own. */
        if (gba_ks_naf(ks, rand, impi, naf_id, naf_id_len, ks_naf, s, &err)) {
            expect(ctx, c, "s", NULL, s->data, s->len);
            expect(ctx, c, "ks_naf", NULL, ks_naf, 32);
        } else {
            failed_to_compute(ctx, c, "ks_naf", &err);
        }
        gchar *btid = gba_btid_build(rand, bsf);
        expect_str(ctx, c, "btid", btid ? btid : "");
        g_free(btid);
        g_byte_array_free(nid, TRUE);
        g_byte_array_free(s, TRUE);
        OPENSSL_cleanse(o_ks, sizeof o_ks);
        OPENSSL_cleanse(ks_naf, sizeof ks_naf);
    }
    g_free(impi);
    g_free(fqdn);
    g_free(bsf);
}

/* ------------------------------------------------------------------ driver */

static const struct {
    const char *name;
    void (*check)(Ctx *ctx, const Case *c);
} FILE_TYPES[] = {
    {"milenage.txt", check_milenage}, {"hmac.txt", check_hmac},   {"aes-cbc-esp.txt", check_aes},
    {"des-ede3-cbc.txt", check_des},  {"digest.txt", check_digest}, {"aka-digest.txt", check_aka_digest},
    {"gba-kdf.txt", check_gba},
};

/* Checks one file; adds to the totals. */
static void run_file(const char *path, gboolean verbose, int *passed, int *failed, int *bad_input)
{
    Ctx ctx = {.path = path};
    gchar *base = g_path_get_basename(path);
    void (*check)(Ctx *, const Case *) = NULL;
    /* "milenage.txt", or a name that starts with a type's stem and a separator ("milenage-extra.txt",
     * "hmac_rfc4231.txt"), so more vector files of a kind can sit beside the shared ones. The longest
     * matching stem wins ("aes-cbc-esp" before a shorter one). */
    size_t best = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(FILE_TYPES); i++) {
        const char *name = FILE_TYPES[i].name;
        size_t stem = strlen(name) - strlen(".txt");
        gboolean exact = strcmp(base, name) == 0;
        gboolean prefixed = strncmp(base, name, stem) == 0 && strchr("-_.", base[stem]) && base[stem] != '\0' &&
                            g_str_has_suffix(base, ".txt") && strcmp(base + stem, ".txt") != 0;
        if ((exact || prefixed) && stem > best) {
            best = stem;
            check = FILE_TYPES[i].check;
        }
    }
    g_free(base);
    gchar *text = NULL;
    gsize len = 0;
    GError *err = NULL;
    if (!check) {
        GString *names = g_string_new(NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(FILE_TYPES); i++)
            g_string_append_printf(names, "%s%s", i ? ", " : "", FILE_TYPES[i].name);
        error_at(&ctx, 0, "unknown vector file name (the name selects the checks: %s)", names->str);
        g_string_free(names, TRUE);
    } else if (!g_file_get_contents(path, &text, &len, &err)) {
        error_at(&ctx, 0, "cannot read: %s", err->message);
        g_error_free(err);
    } else if (memchr(text, '\0', len)) {
        error_at(&ctx, 0, "holds a NUL octet");
    } else {
        GPtrArray *cases = parse_file(&ctx, text, len);
        if (cases && cases->len == 0)
            error_at(&ctx, 0, "no cases");
        for (guint i = 0; cases && i < cases->len; i++) {
            const Case *c = g_ptr_array_index(cases, i);
            ctx.case_failed = ctx.case_bad = FALSE;
            check(&ctx, c);
            if (ctx.case_bad)
                continue; /* reported as bad input, counted in neither total */
            if (ctx.case_failed)
                ctx.failed++;
            else
                ctx.passed++;
        }
        if (cases)
            g_ptr_array_free(cases, TRUE);
    }
    g_free(text);
    if (verbose)
        printf("%s: %d passed, %d failed%s\n", path, ctx.passed, ctx.failed, ctx.bad_input ? ", unusable input" : "");
    *passed += ctx.passed;
    *failed += ctx.failed;
    *bad_input += ctx.bad_input;
}

int main(int argc, char **argv)
{
    gboolean verbose = FALSE;
    int first = 1;
    if (argc > 1 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--verbose") == 0)) {
        verbose = TRUE;
        first = 2;
    }
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("Usage: presim-vectors [-v] FILE...\n"
               "Checks presim's cryptography against known-answer files (format: shared/vectors/README.md).\n"
               "The file name selects the checks: milenage.txt, hmac.txt, aes-cbc-esp.txt, des-ede3-cbc.txt,\n"
               "digest.txt, aka-digest.txt, gba-kdf.txt.\n"
               "Exit status: 0 all passed, 1 some case failed, 2 unusable input.\n");
        return EXIT_ALL_PASSED;
    }
    int passed = 0, failed = 0, bad_input = 0;
    if (first >= argc) {
        printf("presim-vectors: error: no vector files given (usage: presim-vectors [-v] FILE...)\n");
        bad_input++;
    }
    for (int i = first; i < argc; i++)
        run_file(argv[i], verbose, &passed, &failed, &bad_input);
    printf("%d passed, %d failed\n", passed, failed);
    return bad_input ? EXIT_BAD_INPUT : failed ? EXIT_SOME_FAILED : EXIT_ALL_PASSED;
}
