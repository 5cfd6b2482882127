/* sip-multipart.h: multipart/related bodies (RFC 2387, RFC 2046 §5.1) for SIP messages, as RFC 4662
 * §5 uses them: the root part application/rlmi+xml, one part per list member with Content-ID and
 * Content-Transfer-Encoding: binary.
 *
 * Build writes the whole body (boundary lines, part headers, CRLFs exactly as RFC 2046 §5.1.1) and
 * the Content-Type value (multipart/related;type="application/rlmi+xml";start="<cid>";
 * boundary=...). Parse splits a received body by the boundary of the Content-Type (bounded: at most
 * 1024 parts, header lines checked, no part outside the body). In a SIP message the body is set and
 * read whole: sip_multipart_set_body() / sip_multipart_from_message() take care of libosip2, which
 * would otherwise split and reprint multipart bodies itself.
 */
#pragma once
#include <glib.h>
#include <osipparser2/osip_parser.h>

typedef enum { SIP_MULTIPART_ERROR_SYNTAX = 1, SIP_MULTIPART_ERROR_TOO_LARGE = 2 } SipMultipartError;
/* Added: the parser's bounds (larger bodies, more parts: SIP_MULTIPART_ERROR_TOO_LARGE). */
#define SIP_MULTIPART_MAX_SIZE (256 * 1024)
#define SIP_MULTIPART_MAX_PARTS 1024
GQuark sip_multipart_error_quark(void);
#define SIP_MULTIPART_ERROR (sip_multipart_error_quark())

typedef struct {
    char *content_type; /* "application/pidf+xml" */
    char *content_id;   /* without <>, or NULL */
    GBytes *data;
} SipPart;

typedef struct {
    char *type;     /* the root part's type (the "type" parameter), or NULL */
    char *start;    /* the root part's Content-ID without <> (the "start" parameter), or NULL */
    char *boundary;
    GPtrArray *parts; /* SipPart*, owned, in order */
} SipMultipart;

/* BOUNDARY: 1-70 RFC 2046 bchars without space; NULL: a fixed default. Free with sip_multipart_free. */
SipMultipart *sip_multipart_new(const char *type, const char *boundary);
void sip_multipart_free(SipMultipart *mp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SipMultipart, sip_multipart_free)
/* Appends a part (copied). The first part added is the root; its CONTENT_ID becomes "start". */
void sip_multipart_add(SipMultipart *mp, const char *content_type, const char *content_id, const void *data,
                       size_t len);
/* The body bytes and the Content-Type header value. g_free both. NULL (*LEN 0, *CONTENT_TYPE NULL)
 * when MP has no part or "--BOUNDARY" occurs inside a part. */
char *sip_multipart_print(const SipMultipart *mp, size_t *len, char **content_type);
/* Parses BODY given its Content-Type value (must be multipart/... with a boundary). */
SipMultipart *sip_multipart_parse(const char *content_type, const void *body, size_t len, GError **error);
/* Sets MP as the body of MSG with its Content-Type. */
gboolean sip_multipart_set_body(osip_message_t *msg, const SipMultipart *mp, GError **error);
/* The multipart body of a parsed message, or NULL (and ERROR) if its body is not multipart or is
 * malformed. */
SipMultipart *sip_multipart_from_message(const osip_message_t *msg, GError **error);
