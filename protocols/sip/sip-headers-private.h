/* sip-headers-private.h: the bounds-checked reader shared by the sip-headers .c files.
 *
 * A SipScan walks one header value [s, s+len) by index; every read checks pos < len first, so no
 * helper ever looks past the end, whatever the input. The rules are RFC 3261 §25.1 (token,
 * quoted-string, SWS/LWS, SEMI, EQUAL, COMMA, generic-param). Not for use outside protocols/sip/.
 */
#pragma once
#include "protocols/sip/sip-headers.h"
#include <stdarg.h>

typedef struct {
    const char *s;
    size_t len;
    size_t pos;
} SipScan;

/* Checks VALUE (NULL, empty, blank, > SIP_HEADER_MAX_LEN) and starts SC on it. */
gboolean sip__scan_start(SipScan *sc, const char *value, GError **error);
void sip__scan_sws(SipScan *sc);
/* TRUE when only whitespace is left. */
gboolean sip__scan_at_end(SipScan *sc);
/* Skips SWS, then consumes C (and SWS after it) if it is next. */
gboolean sip__scan_accept(SipScan *sc, char c);
/* The next byte after SWS, or 0 at the end. */
char sip__scan_peek(SipScan *sc);
/* A token (RFC 3261 §25.1) after SWS, or NULL (nothing consumed) if none starts here. */
gchar *sip__scan_token(SipScan *sc);
/* A quoted-string after SWS (must start with DQUOTE); returns the unescaped content (valid UTF-8). */
gchar *sip__scan_quoted(SipScan *sc, GError **error);
/* gen-value = token / host (incl. "[IPv6]") / quoted-string. */
gboolean sip__scan_gen_value(SipScan *sc, char **value, gboolean *quoted, GError **error);
/* *(SEMI generic-param) into PARAMS; stops before anything that is not ';'. Checks duplicates and
 * SIP_HEADER_MAX_PARAMS. */
gboolean sip__scan_params(SipScan *sc, GPtrArray *params, GError **error);
/* A non-negative decimal of at most MAX; error RANGE above it, SYNTAX when no digit. */
gboolean sip__scan_uint(SipScan *sc, guint64 max, guint64 *out, GError **error);
/* Sets a SIP_HEADER_ERROR naming the byte offset of SC (SC may be NULL). */
void sip__error(GError **error, SipHeaderError code, const SipScan *sc, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
/* The error "expected X" at the current offset. */
void sip__error_expected(GError **error, const SipScan *sc, const char *what);

gboolean sip__is_token_char(char c);
gboolean sip__is_token(const char *s);
/* Appends VALUE as a quoted-string (escaping '"' and '\\'). */
void sip__append_quoted(GString *out, const char *value);
/* Appends ";name=value" for each parameter. */
void sip__append_params(GString *out, const GPtrArray *params);
/* Parameter values equal under RFC 3261 §19.1.4-style rules: quoted byte-wise, tokens caseless. */
gboolean sip__param_values_equal(const SipParam *a, const SipParam *b);
