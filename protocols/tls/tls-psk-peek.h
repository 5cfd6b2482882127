/* tls-psk-peek.h: finds the PSK identity in a client's ClientKeyExchange before OpenSSL reads it
 * (private to tls-session.c; RFC 5246 §6.2.1 records, §7.4 handshake messages, RFC 4279 §2).
 *
 * The server session pushes every byte from the client here and hands OpenSSL only what
 * tls_psk_peek_ready() allows: whole records while scanning, nothing from the record that carries a
 * ClientKeyExchange once its identity is known (TLS_PSK_PEEK_HELD) until tls_psk_peek_release(),
 * and everything once the scan gave up or finished (malformed input is left to OpenSSL, which
 * answers it with the right alert).
 */
#pragma once
#include <glib.h>
#include <stdint.h>

typedef enum {
    TLS_PSK_PEEK_SCANNING = 1, /* reading the client's plaintext handshake records */
    TLS_PSK_PEEK_HELD,         /* a ClientKeyExchange with a well-formed identity is held back */
    TLS_PSK_PEEK_PASS,         /* out of the way: everything goes straight to OpenSSL */
} TlsPskPeekState;

typedef struct TlsPskPeek TlsPskPeek;

TlsPskPeek *tls_psk_peek_new(void);
void tls_psk_peek_free(TlsPskPeek *p);
/* Appends bytes from the client and scans them. FALSE (TLS_ERROR_HANDSHAKE) when more than the
 * buffer bound is held back. */
gboolean tls_psk_peek_push(TlsPskPeek *p, const uint8_t *data, size_t len, GError **error);
/* The bytes at the front that may go to OpenSSL now (*LEN of them); then tls_psk_peek_consume(). */
const uint8_t *tls_psk_peek_ready(const TlsPskPeek *p, size_t *len);
void tls_psk_peek_consume(TlsPskPeek *p, size_t n);
TlsPskPeekState tls_psk_peek_state(const TlsPskPeek *p);
/* In TLS_PSK_PEEK_HELD: the identity (NUL-free, 1..256 octets), else NULL. */
const char *tls_psk_peek_identity(const TlsPskPeek *p);
/* Ends the hold (and the scan): everything buffered becomes ready. */
void tls_psk_peek_release(TlsPskPeek *p);
