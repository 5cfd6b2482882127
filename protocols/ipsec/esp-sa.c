/* esp-sa.c: ESP transport-mode SA: seal, open, anti-replay window, counters (RFC 4303).
 *
 * DESIGN NOTES
 *
 * Packet (RFC 4303 §2), offsets from the start of ESP:
 *   0 SPI (4) | 4 sequence number (4) | 8 IV (iv_len) | ciphertext (ct_len) | ICV (icv_len)
 *   plaintext = payload || 01 02 .. pad_len || pad_len (1) || next header (1)
 *   ct_len is a multiple of max(cipher block, 4): §2.4 wants the pad length and next header fields
 *   right-aligned in a 4-octet word, and with an IV of 0, 8 or 16 octets that is the same thing.
 *   The ICV covers SPI .. end of ciphertext (§2.8, §3.3.4).
 *
 * Outbound: sequence numbers 1, 2, ..., 2^32 - 1, then ESP_ERROR_SEQ_EXHAUSTED (§3.3.3: never cycle,
 * the SA must be replaced). A failed seal does not consume a number.
 *
 * Inbound order, and why it differs a little from §3.4.3: the RFC allows a cheap replay pre-check
 * before the ICV. Here nothing about the window is consulted before the ICV verifies, so the
 * `replayed` counter counts only authentic duplicates and `bad_icv` every forgery, whatever
 * sequence number a forger chose. The window is then
 *   checked  (after the ICV: duplicate or too old -> REPLAY, nothing delivered),
 *   updated  only once the packet decrypted with valid padding (delivered, or an authentic dummy).
 * Invariant: every sequence number marked in the window belongs to a packet whose ICV verified
 * and whose plaintext was well formed; a packet is delivered at most once.
 *
 * Window: a ring of `window` bits; bit (seq mod window) stands for seq when top - window < seq <= top.
 * Moving the right edge from top to seq clears the bits of top+1 .. seq (all of them when the jump
 * is a whole window or more). Cost: O(1) per in-order packet, O(window) for a jump.
 */
#include "protocols/ipsec/esp-sa.h"

#include <openssl/crypto.h>
#include <string.h>

struct EspSa {
    uint32_t spi;
    EspSaDirection direction;
    EspAuthAlg auth;
    EspEncrAlg encr;
    EspCrypter *crypter;
    EspSigner *signer; /* NULL for ESP_AUTH_NONE */
    size_t iv_len, icv_len, align;
    /* Keys as given, kept for the Wireshark UAT line; wiped by esp_sa_free(). */
    uint8_t auth_key[ESP_MAX_KEY_LEN];
    size_t auth_key_len;
    uint8_t encr_key[ESP_MAX_KEY_LEN];
    size_t encr_key_len;
    /* Outbound: last sequence number sent. Inbound: right edge of the window. */
    uint32_t seq;
    guint window;     /* bits */
    uint64_t *bitmap; /* inbound: window bits */
    EspSaCounters counters;
};

const char *esp_open_result_to_string(EspOpenResult r)
{
    switch (r) {
    case ESP_OPEN_OK: return "ok";
    case ESP_OPEN_MALFORMED: return "malformed";
    case ESP_OPEN_BAD_ICV: return "bad-icv";
    case ESP_OPEN_REPLAY: return "replay";
    case ESP_OPEN_NO_SA: return "no-sa";
    case ESP_OPEN_DUMMY: return "dummy";
    case ESP_OPEN_ERROR: return "crypto-error";
    }
    return "?";
}

static gboolean invalid(GError **error, const char *what)
{
    g_set_error(error, ESP_ERROR, ESP_ERROR_INVALID, "ESP SA: %s", what);
    return FALSE;
}

EspSa *esp_sa_new(const EspSaParams *p, GError **error)
{
    if (p->spi == 0) {
        invalid(error, "SPI 0 is reserved");
        return NULL;
    }
    if (p->direction != ESP_SA_INBOUND && p->direction != ESP_SA_OUTBOUND) {
        invalid(error, "no direction");
        return NULL;
    }
    if (!esp_auth_alg_to_string(p->auth) || !esp_encr_alg_to_string(p->encr)) {
        invalid(error, "unknown algorithm");
        return NULL;
    }
    if (p->auth == ESP_AUTH_NONE && p->encr == ESP_ENCR_NULL) {
        invalid(error, "neither integrity nor encryption");
        return NULL;
    }
    if (p->auth_key_len != esp_auth_key_len(p->auth) || (p->auth_key_len && !p->auth_key)) {
        g_set_error(error, ESP_ERROR, ESP_ERROR_INVALID, "ESP SA: %s needs a %zu-octet key, got %zu",
                    esp_auth_alg_to_string(p->auth), esp_auth_key_len(p->auth), p->auth_key_len);
        return NULL;
    }
    if (p->encr_key_len > ESP_MAX_KEY_LEN || (p->encr_key_len && !p->encr_key)) {
        invalid(error, "encryption key too long");
        return NULL;
    }
    guint window = p->replay_window ? p->replay_window : ESP_REPLAY_WINDOW_DEFAULT;
    if (window < ESP_REPLAY_WINDOW_MIN || window > ESP_REPLAY_WINDOW_MAX) {
        g_set_error(error, ESP_ERROR, ESP_ERROR_INVALID, "ESP SA: replay window %u outside %d..%d", window,
                    ESP_REPLAY_WINDOW_MIN, ESP_REPLAY_WINDOW_MAX);
        return NULL;
    }
    EspCrypter *crypter = esp_crypter_create(p->encr, p->encr_key, p->encr_key_len);
    if (!crypter) {
        g_set_error(error, ESP_ERROR, ESP_ERROR_INVALID, "ESP SA: %s does not take a %zu-octet key",
                    esp_encr_alg_to_string(p->encr), p->encr_key_len);
        return NULL;
    }
    EspSigner *signer = NULL;
    if (p->auth != ESP_AUTH_NONE && !(signer = esp_signer_create(p->auth, p->auth_key, p->auth_key_len))) {
        crypter->destroy(crypter);
        g_set_error(error, ESP_ERROR, ESP_ERROR_CRYPTO, "ESP SA: cannot set up %s", esp_auth_alg_to_string(p->auth));
        return NULL;
    }
    EspSa *sa = g_new0(EspSa, 1);
    sa->spi = p->spi;
    sa->direction = p->direction;
    sa->auth = p->auth;
    sa->encr = p->encr;
    sa->crypter = crypter;
    sa->signer = signer;
    sa->iv_len = crypter->get_iv_size(crypter);
    sa->icv_len = signer ? signer->get_icv_size(signer) : 0;
    sa->align = MAX(crypter->get_block_size(crypter), 4);
    if (p->auth_key_len)
        memcpy(sa->auth_key, p->auth_key, p->auth_key_len);
    sa->auth_key_len = p->auth_key_len;
    if (p->encr_key_len)
        memcpy(sa->encr_key, p->encr_key, p->encr_key_len);
    sa->encr_key_len = p->encr_key_len;
    sa->window = window;
    if (sa->direction == ESP_SA_INBOUND)
        sa->bitmap = g_new0(uint64_t, (window + 63) / 64);
    return sa;
}

EspSa *esp_sa_new_ims(uint32_t spi, EspSaDirection direction, EspAuthAlg auth, EspEncrAlg encr, const uint8_t ck[16],
                      const uint8_t ik[16], GError **error)
{
    uint8_t ikey[ESP_MAX_KEY_LEN], ckey[ESP_MAX_KEY_LEN];
    size_t ilen = 0, clen = 0;
    if (!esp_ims_integrity_key(auth, ik, ikey, &ilen) || !esp_ims_encryption_key(encr, ck, ckey, &clen)) {
        invalid(error, "TS 33.203 defines no key expansion for these algorithms");
        return NULL;
    }
    EspSaParams p = {
        .spi = spi,
        .direction = direction,
        .auth = auth,
        .auth_key = ikey,
        .auth_key_len = ilen,
        .encr = encr,
        .encr_key = ckey,
        .encr_key_len = clen,
    };
    EspSa *sa = esp_sa_new(&p, error);
    OPENSSL_cleanse(ikey, sizeof ikey);
    OPENSSL_cleanse(ckey, sizeof ckey);
    return sa;
}

void esp_sa_free(EspSa *sa)
{
    if (!sa)
        return;
    sa->crypter->destroy(sa->crypter);
    if (sa->signer)
        sa->signer->destroy(sa->signer);
    OPENSSL_cleanse(sa->auth_key, sizeof sa->auth_key);
    OPENSSL_cleanse(sa->encr_key, sizeof sa->encr_key);
    g_free(sa->bitmap);
    g_free(sa);
}

uint32_t esp_sa_spi(const EspSa *sa) { return sa->spi; }
EspSaDirection esp_sa_direction(const EspSa *sa) { return sa->direction; }
EspAuthAlg esp_sa_auth(const EspSa *sa) { return sa->auth; }
EspEncrAlg esp_sa_encr(const EspSa *sa) { return sa->encr; }
size_t esp_sa_iv_len(const EspSa *sa) { return sa->iv_len; }
const EspSaCounters *esp_sa_counters(const EspSa *sa) { return &sa->counters; }
uint32_t esp_sa_last_seq(const EspSa *sa) { return sa->seq; }

void esp_sa_set_last_seq(EspSa *sa, uint32_t seq)
{
    g_assert(sa->direction == ESP_SA_OUTBOUND);
    sa->seq = seq;
}

static size_t plaintext_len(const EspSa *sa, size_t payload_len)
{
    return (payload_len + 2 + sa->align - 1) / sa->align * sa->align;
}

size_t esp_sa_packet_len(const EspSa *sa, size_t payload_len)
{
    return ESP_HEADER_LEN + sa->iv_len + plaintext_len(sa, payload_len) + sa->icv_len;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

gboolean esp_sa_seal(EspSa *sa, const uint8_t *payload, size_t len, uint8_t next_header, const uint8_t *iv,
                     GByteArray *out, GError **error)
{
    g_byte_array_set_size(out, 0);
    if (sa->direction != ESP_SA_OUTBOUND)
        return invalid(error, "sealing needs an outbound SA");
    if (len > ESP_MAX_PAYLOAD) {
        g_set_error(error, ESP_ERROR, ESP_ERROR_TOO_LONG, "ESP payload of %zu octets", len);
        return FALSE;
    }
    if ((sa->iv_len && !iv) || (len && !payload))
        return invalid(error, sa->iv_len && !iv ? "no IV" : "no payload");
    if (sa->seq == G_MAXUINT32) { /* RFC 4303 §3.3.3 */
        g_set_error(error, ESP_ERROR, ESP_ERROR_SEQ_EXHAUSTED, "ESP SA 0x%08x: sequence number exhausted", sa->spi);
        return FALSE;
    }
    uint32_t seq = sa->seq + 1;
    size_t pt_len = plaintext_len(sa, len);
    size_t pad = pt_len - len - 2; /* < align <= 16 */
    g_byte_array_set_size(out, (guint)esp_sa_packet_len(sa, len));
    uint8_t *p = out->data;
    put32(p, sa->spi);
    put32(p + 4, seq);
    if (sa->iv_len)
        memcpy(p + ESP_HEADER_LEN, iv, sa->iv_len);
    uint8_t *pt = p + ESP_HEADER_LEN + sa->iv_len;
    if (len)
        memcpy(pt, payload, len);
    for (size_t i = 0; i < pad; i++) /* §2.4 default padding: 1, 2, 3, ... */
        pt[len + i] = (uint8_t)(i + 1);
    pt[pt_len - 2] = (uint8_t)pad;
    pt[pt_len - 1] = next_header;
    gboolean ok = sa->crypter->encrypt(sa->crypter, pt, pt_len, iv, pt, error);
    if (ok && sa->signer)
        ok = sa->signer->sign(sa->signer, p, ESP_HEADER_LEN + sa->iv_len + pt_len, pt + pt_len, error);
    if (!ok) {
        OPENSSL_cleanse(out->data, out->len);
        g_byte_array_set_size(out, 0);
        return FALSE;
    }
    sa->seq = seq;
    sa->counters.sealed++;
    return TRUE;
}

/* ------------------------------------------------------------------ anti-replay window */

static gboolean window_bit(const EspSa *sa, uint32_t seq)
{
    guint i = seq % sa->window;
    return (sa->bitmap[i / 64] >> (i % 64)) & 1;
}

static void window_set(EspSa *sa, uint32_t seq, gboolean on)
{
    guint i = seq % sa->window;
    if (on)
        sa->bitmap[i / 64] |= UINT64_C(1) << (i % 64);
    else
        sa->bitmap[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

/* RFC 4303 §3.4.3: TRUE if SEQ is new and not left of the window. */
static gboolean window_check(const EspSa *sa, uint32_t seq)
{
    if (seq == 0) /* never sent: the first packet carries 1 */
        return FALSE;
    if (seq > sa->seq)
        return TRUE;
    if (sa->seq - seq >= sa->window)
        return FALSE;
    return !window_bit(sa, seq);
}

static void window_update(EspSa *sa, uint32_t seq)
{
    if (seq > sa->seq) {
        if (seq - sa->seq >= sa->window)
            memset(sa->bitmap, 0, (sa->window + 63) / 64 * sizeof(uint64_t));
        else
            for (uint32_t s = sa->seq + 1; s != seq; s++)
                window_set(sa, s, FALSE);
        sa->seq = seq;
    }
    window_set(sa, seq, TRUE);
}

/* ------------------------------------------------------------------ inbound */

static EspOpenResult fail(EspSa *sa, EspOpenResult r, GByteArray *payload_out)
{
    if (payload_out->len)
        OPENSSL_cleanse(payload_out->data, payload_out->len);
    g_byte_array_set_size(payload_out, 0);
    if (r == ESP_OPEN_MALFORMED)
        sa->counters.malformed++;
    else if (r == ESP_OPEN_BAD_ICV)
        sa->counters.bad_icv++;
    else if (r == ESP_OPEN_REPLAY)
        sa->counters.replayed++;
    return r;
}

EspOpenResult esp_sa_open(EspSa *sa, const uint8_t *esp, size_t len, GByteArray *payload_out,
                          uint8_t *next_header_out)
{
    g_assert(sa->direction == ESP_SA_INBOUND);
    g_byte_array_set_size(payload_out, 0);
    *next_header_out = 0;
    if (!esp || len < ESP_HEADER_LEN)
        return fail(sa, ESP_OPEN_MALFORMED, payload_out);
    if (get32(esp) != sa->spi)
        return ESP_OPEN_NO_SA;
    /* Framing: at least one aligned unit of ciphertext (it holds pad length and next header). */
    size_t fixed = ESP_HEADER_LEN + sa->iv_len + sa->icv_len;
    if (len < fixed + sa->align || (len - fixed) % sa->align != 0)
        return fail(sa, ESP_OPEN_MALFORMED, payload_out);
    size_t ct_len = len - fixed;
    const uint8_t *iv = esp + ESP_HEADER_LEN;
    const uint8_t *ct = iv + sa->iv_len;
    /* ICV first (§3.4.4) */
    if (sa->signer) {
        uint8_t icv[ESP_ICV_LEN];
        GError *err = NULL;
        if (!sa->signer->sign(sa->signer, esp, len - sa->icv_len, icv, &err)) {
            g_error_free(err);
            return fail(sa, ESP_OPEN_ERROR, payload_out);
        }
        if (CRYPTO_memcmp(icv, ct + ct_len, sa->icv_len) != 0)
            return fail(sa, ESP_OPEN_BAD_ICV, payload_out);
    }
    uint32_t seq = get32(esp + 4);
    if (!window_check(sa, seq))
        return fail(sa, ESP_OPEN_REPLAY, payload_out);
    g_byte_array_set_size(payload_out, (guint)ct_len);
    GError *err = NULL;
    if (!sa->crypter->decrypt(sa->crypter, ct, ct_len, sa->iv_len ? iv : NULL, payload_out->data, &err)) {
        g_error_free(err);
        return fail(sa, ESP_OPEN_ERROR, payload_out);
    }
    const uint8_t *pt = payload_out->data;
    size_t pad = pt[ct_len - 2];
    uint8_t nh = pt[ct_len - 1];
    if (pad + 2 > ct_len)
        return fail(sa, ESP_OPEN_MALFORMED, payload_out);
    size_t payload_len = ct_len - 2 - pad;
    for (size_t i = 0; i < pad; i++) /* §2.4: the receiver checks the default padding */
        if (pt[payload_len + i] != (uint8_t)(i + 1))
            return fail(sa, ESP_OPEN_MALFORMED, payload_out);
    window_update(sa, seq);
    if (nh == ESP_NEXT_HEADER_NONE) { /* §2.6 dummy packet */
        sa->counters.dummy++;
        OPENSSL_cleanse(payload_out->data, payload_out->len);
        g_byte_array_set_size(payload_out, 0);
        return ESP_OPEN_DUMMY;
    }
    if (ct_len > payload_len)
        OPENSSL_cleanse(payload_out->data + payload_len, ct_len - payload_len);
    g_byte_array_set_size(payload_out, (guint)payload_len);
    *next_header_out = nh;
    sa->counters.opened++;
    return ESP_OPEN_OK;
}

/* ------------------------------------------------------------------ Wireshark */

static void append_hex_key(GString *out, const uint8_t *key, size_t len)
{
    g_string_append_c(out, '"');
    if (len) {
        g_string_append(out, "0x");
        for (size_t i = 0; i < len; i++)
            g_string_append_printf(out, "%02x", key[i]);
    }
    g_string_append_c(out, '"');
}

void esp_sa_wireshark_uat(const EspSa *sa, const char *src, const char *dst, GString *out)
{
    const char *enc = sa->encr == ESP_ENCR_AES_CBC ? "AES-CBC [RFC3602]"
                    : sa->encr == ESP_ENCR_DES_EDE3_CBC ? "TripleDES-CBC [RFC2451]" : "NULL";
    const char *auth = sa->auth == ESP_AUTH_HMAC_MD5_96 ? "HMAC-MD5-96 [RFC2403]"
                     : sa->auth == ESP_AUTH_HMAC_SHA1_96 ? "HMAC-SHA-1-96 [RFC2404]" : "NULL";
    g_string_append_printf(out, "\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",", strchr(src, ':') ? "IPv6" : "IPv4", src,
                           dst, sa->spi, enc);
    append_hex_key(out, sa->encr_key, sa->encr_key_len);
    g_string_append_printf(out, ",\"%s\",", auth);
    append_hex_key(out, sa->auth_key, sa->auth_key_len);
}
