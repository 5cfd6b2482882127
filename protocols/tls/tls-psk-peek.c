/* tls-psk-peek.c: the client's PSK identity, read from the record stream ahead of OpenSSL
 * (see tls-psk-peek.h).
 *
 * DESIGN NOTES
 *
 * Before the client's ChangeCipherSpec its records are plaintext (RFC 5246 §6.2.1):
 *   type (1) | version (2) | length (2) | fragment (length <= 2^14)
 * and the handshake records carry a byte stream of messages (§7.4) that may span records or share one:
 *   msg_type (1) | length (3) | body
 * For the PSK key exchange the ClientKeyExchange (type 16) body is psk_identity<0..2^16-1>
 * (RFC 4279 §2). The scanner walks complete records only, tracks message boundaries across them
 * with a 4-octet header buffer and a remaining count, and copies the body of a ClientKeyExchange
 * (bounded: 2 + PSK_MAX_IDENTITY_LEN).
 *
 * States and transitions (tls_psk_peek_push() drives them):
 *   SCANNING -> HELD  a ClientKeyExchange after a ClientHello completed, with a well-formed identity;
 *                     hold_off marks the start of the record holding its first octet.
 *   SCANNING -> PASS  anything unexpected: a record that is not handshake, a length over 2^14, a
 *                     ClientKeyExchange before any ClientHello or with a malformed body. OpenSSL
 *                     then sees the same bytes and refuses them with the right alert.
 *   HELD -> PASS      tls_psk_peek_release().
 * Invariant: bytes before `ready` (scanned whole records before any ClientKeyExchange; all of them
 * in PASS) are never needed again by the scanner, so the owner may consume them; the record where a
 * ClientKeyExchange starts stays here until PASS, even while its identity is still incomplete.
 * Bounds: at most PEEK_BUFFER_MAX octets wait here; a client that sends more while its key is
 * pending is refused.
 */
#include "protocols/tls/tls-psk-peek.h"
#include "protocols/tls/tls-ca.h"

#include <string.h>

#define REC_HEADER 5
#define REC_TYPE_HANDSHAKE 22
#define REC_PLAIN_MAX 16384 /* RFC 5246 §6.2.1 */
#define HS_CLIENT_HELLO 1
#define HS_CLIENT_KEY_EXCHANGE 16
#define PEEK_IDENTITY_MAX 256 /* OpenSSL's PSK_MAX_IDENTITY_LEN */
#define PEEK_BUFFER_MAX (4 * (REC_HEADER + REC_PLAIN_MAX))

struct TlsPskPeek {
    TlsPskPeekState state;
    GByteArray *buf;  /* bytes not yet consumed by the owner */
    size_t scan_off;  /* bytes of BUF scanned (whole records) */
    size_t hold_off;  /* HELD: start of the ClientKeyExchange record in BUF */
    /* Handshake message tracking across records. */
    uint8_t hs_hdr[4];
    size_t hs_hdr_have;
    uint32_t hs_remaining;
    uint8_t hs_type;
    gboolean saw_client_hello;
    gboolean in_cke;  /* inside a ClientKeyExchange body */
    gboolean cke_started; /* a ClientKeyExchange began in a scanned record */
    size_t cke_start_off;
    GByteArray *cke;  /* its body so far */
    char *identity;
};

TlsPskPeek *tls_psk_peek_new(void)
{
    TlsPskPeek *p = g_new0(TlsPskPeek, 1);
    p->state = TLS_PSK_PEEK_SCANNING;
    p->buf = g_byte_array_new();
    p->cke = g_byte_array_new();
    return p;
}

void tls_psk_peek_free(TlsPskPeek *p)
{
    if (p == NULL)
        return;
    g_byte_array_free(p->buf, TRUE);
    g_byte_array_free(p->cke, TRUE);
    g_free(p->identity);
    g_free(p);
}

/* RFC 4279 §2: the body is exactly a 2-octet length and that many identity octets. The identity
 * must also survive OpenSSL's reading of it as a C string (no NUL) and its length limit. */
static gboolean cke_identity(TlsPskPeek *p)
{
    const uint8_t *b = p->cke->data;
    size_t n = p->cke->len;
    if (n < 2)
        return FALSE;
    size_t id_len = (size_t)b[0] << 8 | b[1];
    if (id_len != n - 2 || id_len == 0 || id_len > PEEK_IDENTITY_MAX || memchr(b + 2, 0, id_len) != NULL)
        return FALSE;
    p->identity = g_strndup((const char *)b + 2, id_len);
    return TRUE;
}

/* Feeds one record's handshake fragment (starting at REC_OFF in BUF) to the message tracker.
 * Returns the next state: SCANNING, HELD or PASS. */
static TlsPskPeekState scan_fragment(TlsPskPeek *p, const uint8_t *frag, size_t len, size_t rec_off)
{
    size_t i = 0;
    while (i < len) {
        if (p->hs_hdr_have < 4) {
            if (p->hs_hdr_have == 0 && frag[i] == HS_CLIENT_KEY_EXCHANGE && !p->cke_started) {
                if (!p->saw_client_hello)
                    return TLS_PSK_PEEK_PASS;
                p->cke_started = TRUE;
                p->cke_start_off = rec_off;
            }
            p->hs_hdr[p->hs_hdr_have++] = frag[i++];
            if (p->hs_hdr_have < 4)
                continue;
            p->hs_type = p->hs_hdr[0];
            p->hs_remaining = (uint32_t)p->hs_hdr[1] << 16 | (uint32_t)p->hs_hdr[2] << 8 | p->hs_hdr[3];
            if (p->hs_type == HS_CLIENT_KEY_EXCHANGE) {
                if (p->hs_remaining > 2 + PEEK_IDENTITY_MAX)
                    return TLS_PSK_PEEK_PASS;
                p->in_cke = TRUE;
            }
        } else {
            size_t k = MIN(len - i, (size_t)p->hs_remaining);
            if (p->in_cke)
                g_byte_array_append(p->cke, frag + i, (guint)k);
            i += k;
            p->hs_remaining -= (uint32_t)k;
        }
        if (p->hs_hdr_have == 4 && p->hs_remaining == 0) { /* a message ends */
            if (p->hs_type == HS_CLIENT_HELLO)
                p->saw_client_hello = TRUE;
            p->hs_hdr_have = 0;
            if (p->in_cke)
                return cke_identity(p) ? TLS_PSK_PEEK_HELD : TLS_PSK_PEEK_PASS;
        }
    }
    return TLS_PSK_PEEK_SCANNING;
}

static void scan(TlsPskPeek *p)
{
    while (p->state == TLS_PSK_PEEK_SCANNING && p->buf->len - p->scan_off >= REC_HEADER) {
        const uint8_t *h = p->buf->data + p->scan_off;
        size_t frag_len = (size_t)h[3] << 8 | h[4];
        if (h[0] != REC_TYPE_HANDSHAKE || frag_len > REC_PLAIN_MAX) {
            p->state = TLS_PSK_PEEK_PASS; /* ChangeCipherSpec, alert, garbage: OpenSSL's business */
            break;
        }
        if (p->buf->len - p->scan_off - REC_HEADER < frag_len)
            break; /* wait for the whole record */
        TlsPskPeekState next = scan_fragment(p, h + REC_HEADER, frag_len, p->scan_off);
        p->scan_off += REC_HEADER + frag_len;
        if (next == TLS_PSK_PEEK_HELD)
            p->hold_off = p->cke_start_off;
        p->state = next;
    }
}

gboolean tls_psk_peek_push(TlsPskPeek *p, const uint8_t *data, size_t len, GError **error)
{
    if (len > PEEK_BUFFER_MAX || p->buf->len > PEEK_BUFFER_MAX - len) {
        g_set_error(error, TLS_ERROR, TLS_ERROR_HANDSHAKE,
                    "the client sent more than %d octets while its PSK identity was pending", PEEK_BUFFER_MAX);
        return FALSE;
    }
    g_byte_array_append(p->buf, data, (guint)len);
    scan(p);
    return TRUE;
}

const uint8_t *tls_psk_peek_ready(const TlsPskPeek *p, size_t *len)
{
    switch (p->state) {
    case TLS_PSK_PEEK_SCANNING: *len = p->cke_started ? p->cke_start_off : p->scan_off; break;
    case TLS_PSK_PEEK_HELD: *len = p->hold_off; break;
    default: *len = p->buf->len; break;
    }
    return p->buf->data;
}

void tls_psk_peek_consume(TlsPskPeek *p, size_t n)
{
    size_t ready;
    tls_psk_peek_ready(p, &ready);
    g_return_if_fail(n <= ready);
    g_byte_array_remove_range(p->buf, 0, (guint)n);
    p->scan_off = p->scan_off > n ? p->scan_off - n : 0;
    p->hold_off = p->hold_off > n ? p->hold_off - n : 0;
    p->cke_start_off = p->cke_start_off > n ? p->cke_start_off - n : 0;
}

TlsPskPeekState tls_psk_peek_state(const TlsPskPeek *p)
{
    return p->state;
}

const char *tls_psk_peek_identity(const TlsPskPeek *p)
{
    return p->state == TLS_PSK_PEEK_HELD ? p->identity : NULL;
}

void tls_psk_peek_release(TlsPskPeek *p)
{
    p->state = TLS_PSK_PEEK_PASS;
}
