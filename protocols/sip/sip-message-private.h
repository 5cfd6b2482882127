/* sip-message-private.h: what sip-message.c and sip-message-headers.c share. Not for use outside
 * protocols/sip/.
 */
#pragma once
#include "protocols/sip/sip-message.h"

/* The six authentication headers kept as text rows (sip-message.c quirk 6), canonical spelling. */
#define SIP__RAW_AUTH_COUNT 6
extern const char *const sip__raw_auth_names[SIP__RAW_AUTH_COUNT];

/* parser_init() and the trace hook, once per process. */
void sip__init(void);
/* The canonical spelling of a header name: long form of a compact one, usual capitalisation. g_free. */
gchar *sip__canonical_name(const char *name);
/* Sets a SIP_MESSAGE_ERROR; returns FALSE. */
gboolean sip__bad(GError **error, SipMessageError code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
