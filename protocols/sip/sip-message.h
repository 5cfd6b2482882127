/* sip-message.h: thin helpers over libosip2's osip_message_t for every SIP node of presim.
 *
 * What: parse bytes into an osip_message_t (bounded, never crashing on garbage, libosip2's trace
 * routed to a callback instead of the terminal), print it back to bytes, build requests
 * (RFC 3261 §8.1.1) and responses from a request (RFC 3261 §8.2.6), and add / remove / read headers by
 * name, including the ones libosip2 stores only as text (Security-*, P-*, Event, ...). The typed
 * values of those headers are in sip-headers.h.
 *
 * Why a wrapper: libosip2 accepts messages RFC 3261 rejects (no Via, wrong version, any status code),
 * silently drops an invalid Route/Record-Route/Authorization row, drops the unknown parameters of
 * WWW-Authenticate / Authorization (IMS needs ik, ck and integrity-protected), prints a cached copy
 * after direct struct edits, and writes its parse errors to stdout. The quirks and what this module
 * does about each are listed at the top of sip-message.c.
 *
 * What it is not: no transport, no transactions (sip-transaction.h), no dialogs. Messages are plain
 * osip_message_t: read them with libosip2's accessors, free them with sip_message_free().
 */
#pragma once
#include <glib.h>
#include <stdint.h>
#include <osipparser2/osip_parser.h>

#define SIP_LOG_DOMAIN "presim-sip"
/* Largest message accepted or printed: the largest UDP payload (RFC 3261 §18.1.1 lets TCP carry more;
 * nothing presim sends comes close). */
#define SIP_MESSAGE_MAX_SIZE 65535
/* RFC 3261 §8.1.1.7: every branch of an RFC 3261 element starts with this. */
#define SIP_MAGIC_COOKIE "z9hG4bK"

typedef enum {
    SIP_MESSAGE_ERROR_EMPTY = 1,          /* no bytes (or only CRLFs) */
    SIP_MESSAGE_ERROR_TOO_LARGE = 2,      /* more than SIP_MESSAGE_MAX_SIZE bytes */
    SIP_MESSAGE_ERROR_BAD_BYTES = 3,      /* control byte in the start line or headers, no empty line */
    SIP_MESSAGE_ERROR_SYNTAX = 4,         /* libosip2 rejected it (message quotes libosip2's reason) */
    SIP_MESSAGE_ERROR_START_LINE = 5,     /* bad method, Request-URI, version or status code */
    SIP_MESSAGE_ERROR_MISSING_HEADER = 6, /* Via, From, To, Call-ID or CSeq missing (§8.1.1) */
    SIP_MESSAGE_ERROR_BAD_HEADER = 7,     /* a header present but unusable (CSeq method, tag, ...) */
    SIP_MESSAGE_ERROR_INVALID = 8,        /* bad argument to a builder or to add_header */
    SIP_MESSAGE_ERROR_PRINT = 9,          /* osip_message_to_str failed, or the result is too large */
} SipMessageError;

GQuark sip_message_error_quark(void);
#define SIP_MESSAGE_ERROR (sip_message_error_quark())

/* ---- libosip2 trace ---------------------------------------------------------------------------- */

/* LEVEL is libosip2's osip_trace_level_t (0 fatal .. 3 warning; info levels are not enabled). */
typedef void (*SipTraceFunc)(int level, const char *file, int line, const char *text, gpointer user);
/* Routes libosip2's trace (process-wide: libosip2 has one trace hook) to FUNC; NULL restores the
 * default, which is g_debug() in the "presim-sip" log domain. Never prints to stdout/stderr. */
void sip_message_set_trace_func(SipTraceFunc func, gpointer user);

/* ---- parse / print ----------------------------------------------------------------------------- */

/* Parses one message of LEN bytes (UDP datagram or one framed TCP message). Besides libosip2's own
 * grammar it requires: at most SIP_MESSAGE_MAX_SIZE bytes, no control byte (other than HT, CR, LF)
 * before the empty line that ends the headers, that empty line, version SIP/2.0, a token method and a
 * Request-URI with a scheme or a status code 100-699, Via, From and To with a URI, Call-ID, a CSeq
 * whose number is below 2^31 and whose method equals the request method (§8.1.1.5, §8.2), and a
 * Content-Length no larger than the bytes after the headers (§18.3).
 * Returns the message (free with sip_message_free) or NULL and ERROR. Wraps osip_message_init() and
 * osip_message_parse(). */
osip_message_t *sip_message_parse(const void *data, size_t len, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* osip_message_free(); NULL is fine. */
void sip_message_free(osip_message_t *msg);
/* osip_message_clone(); NULL on allocation failure. */
osip_message_t *sip_message_clone(const osip_message_t *msg) G_GNUC_WARN_UNUSED_RESULT;
/* Prints MSG (osip_message_force_update() + osip_message_to_str(): Content-Length is recomputed from
 * the body). Returns a g_malloc'd buffer of *LEN bytes plus a NUL not counted, or NULL and ERROR. */
guint8 *sip_message_to_bytes(osip_message_t *msg, size_t *len, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- building ---------------------------------------------------------------------------------- */

typedef struct {
    const char *method;        /* token: "REGISTER", "SUBSCRIBE", "INVITE", ... */
    const char *request_uri;   /* "sip:ims.test" */
    const char *via_transport; /* "UDP" (NULL), "TCP", "TLS", ... */
    const char *via_host;      /* sent-by host; IPv6 in brackets */
    guint16 via_port;          /* 0: no port in sent-by */
    const char *branch;        /* must start with SIP_MAGIC_COOKIE: see sip_branch_new() */
    const char *from;          /* name-addr / addr-spec without tag: "<sip:alice@home.test>" */
    const char *from_tag;      /* required (§8.1.1.3): see sip_tag_new() */
    const char *to;            /* "<sip:alice@home.test>" */
    const char *to_tag;        /* NULL outside a dialog */
    const char *call_id;       /* word ["@" word] */
    guint32 cseq;              /* 0 .. 2^31-1 */
    const char *contact;       /* whole Contact value, or NULL for none */
    guint max_forwards;        /* 0: 70 (§8.1.1.6) */
} SipRequestSpec;

/* A request with request line, Via (branch), Max-Forwards, From (tag), To, Call-ID, CSeq and
 * Contact; Content-Length is written on printing. Free with sip_message_free(). Wraps
 * osip_message_init, osip_message_set_method/_version/_uri, osip_uri_parse, osip_message_set_via/
 * _from/_to/_call_id/_cseq, osip_from_set_tag and osip_message_set_header (Max-Forwards). */
osip_message_t *sip_request_new(const SipRequestSpec *spec, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* A response to REQUEST (RFC 3261 §8.2.6): copies every Via in order, From, To, Call-ID and CSeq;
 * adds TO_TAG to To when To has no tag and STATUS is not 100 (§8.2.6.2); copies Timestamp into a 100
 * (§8.2.6.1). REASON NULL: libosip2's standard phrase. Free with sip_message_free(). Wraps
 * osip_via_clone, osip_from_clone, osip_to_clone, osip_call_id_clone, osip_cseq_clone,
 * osip_message_get_reason and osip_from_set_tag. */
osip_message_t *sip_response_new(const osip_message_t *request, int status, const char *reason, const char *to_tag,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* "z9hG4bK" + 16 hex digits of RANDOM + 8 of COUNTER: unique per (node random, counter). g_free. */
gchar *sip_branch_new(guint64 random, guint32 counter);
/* 16 hex digits of RANDOM (a From/To tag). g_free. */
gchar *sip_tag_new(guint64 random);

/* ---- headers by name --------------------------------------------------------------------------- */
/* NAME is case-insensitive and may be a compact form (RFC 3261 §7.3.3: i m e l c f s k t v; also
 * o = Event, u = Allow-Events, r = Refer-To, b = Referred-By, x = Session-Expires, a = Accept-Contact,
 * j = Reject-Contact, d = Request-Disposition, y = Identity, n = Identity-Info).
 * Headers libosip2 models (Via, Route, Record-Route, From, To, Call-ID, CSeq, Contact, Content-Type,
 * Content-Length, MIME-Version, Accept, Accept-Encoding, Accept-Language, Allow, Content-Encoding,
 * Call-Info, Alert-Info, Error-Info) live in its typed fields; every other header, and the six
 * authentication headers (which libosip2 would parse lossily), are kept as text rows. */

/* Adds a header. For typed headers VALUE is parsed by libosip2 (error INVALID when it refuses, or for
 * a second From/To/Call-ID/CSeq/Content-Type); a comma-separated list is split into one entry per
 * element. Text headers are stored as given, one row. Content-Length cannot be added (it is computed).
 * Wraps the typed osip_message_set_via/_route/_contact/... setters, or osip_message_set_header(). */
gboolean sip_message_add_header(osip_message_t *msg, const char *name, const char *value, GError **error);
/* Removes every occurrence of NAME; returns how many were removed. Wraps osip_list_remove() with the
 * matching osip_*_free() (osip_header_free() for text rows). */
guint sip_message_remove_header(osip_message_t *msg, const char *name);
/* How many rows/entries of NAME the message has. */
guint sip_message_count_header(const osip_message_t *msg, const char *name);
/* The INDEX-th text row of NAME (not for typed headers), owned by MSG, or NULL. A received
 * "Require: a, b" may be split into two rows (libosip2 splits the comma-separated headers it lists:
 * Security-*, Path, Service-Route, P-Associated-URI, P-Asserted-Identity, Require, Supported, ...). */
const char *sip_message_get_header(const osip_message_t *msg, const char *name, guint index);
/* Every occurrence of NAME (typed or text) printed and joined with ", " (RFC 3261 §7.3.1), or NULL
 * when absent. The input the sip-headers.h parsers expect. Typed ones are printed with
 * osip_via_to_str(), osip_from_to_str(), ... g_free. */
gchar *sip_message_header_joined(const osip_message_t *msg, const char *name);

/* ---- body -------------------------------------------------------------------------------------- */

/* The first body part (osip_message_get_body(msg, 0)) and its length, owned by MSG; NULL (and *LEN 0)
 * when there is none. Multipart bodies: only the first part. */
const char *sip_message_body(const osip_message_t *msg, size_t *len);
/* Replaces the body and Content-Type (CONTENT_TYPE "application/reginfo+xml"; NULL with LEN 0 removes
 * both). Wraps osip_message_set_body() and osip_message_set_content_type(). */
gboolean sip_message_set_body(osip_message_t *msg, const char *content_type, const void *body, size_t len,
                              GError **error);

/* ---- small accessors --------------------------------------------------------------------------- */

/* The branch parameter of the top Via (osip_via_param_get_byname), or NULL. */
const char *sip_message_branch(const osip_message_t *msg);
/* The CSeq method, or NULL. */
const char *sip_message_cseq_method(const osip_message_t *msg);
/* The whole Call-ID ("number@host", RFC 3261 §20.8: dialogs match on all of it), or NULL. g_free. */
gchar *sip_message_call_id(const osip_message_t *msg);
/* The tag of a From or To, or NULL when it has none (or an empty one). */
const char *sip_header_tag(const osip_from_t *header);
/* URI printed (osip_uri_to_str), or NULL. g_free. */
gchar *sip_uri_text(const osip_uri_t *uri);
/* The Record-Route values of MSG (char*, freed with the array): in order for a UAS, REVERSE for a UAC
 * (RFC 3261 §12.1.1, §12.1.2). Never NULL. */
GPtrArray *sip_message_record_routes(const osip_message_t *msg, gboolean reverse);
/* Puts VALUE ("<sip:host:5060;lr>") on top of MSG's Record-Route (RFC 3261 §16.6 step 4). */
gboolean sip_message_push_record_route(osip_message_t *msg, const char *value);
