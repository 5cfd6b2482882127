/* diameter.h: the Diameter base protocol codec (RFC 6733 §3 message header, §4 AVPs, §4.4 Grouped).
 *
 * Bytes in, bytes out. A builder appends AVPs (nested groups included) and yields the wire bytes;
 * the parser checks every length against the bytes it has (never a cast onto a struct) and gives a
 * tree of AVPs with bounds-checked accessors, or a GError naming what is malformed. A framing
 * helper cuts a TCP byte stream into messages. The dictionary (diameter-dict.h) supplies AVP types
 * (which AVPs are Grouped, which have fixed sizes) and the M bit each AVP must carry; applications
 * (Cx in cx.h, later Zh and Zn) and the peer state machine (diameter-peer.h) sit above.
 * What it is not: a router, a relay, or a session store; no TLS/DTLS, no SCTP.
 *
 * Why not libfdproto (freeDiameter 1.2.1, Debian libfreediameter-dev), which was evaluated first:
 *  - Hidden randomness and clock: fd_libproto_init() seeds the end-to-end counter with time(NULL)
 *    and srand48() (which also reseeds the process-wide drand48 stream), and the session module
 *    reads CLOCK_REALTIME; our runs must be byte-identical and never read the wall clock.
 *  - Process-wide state: one debug level, log lock and stream (stdout by default), one session hash
 *    table, one end-to-end counter, a thread-specific key; fd_sess_start() runs an expiry thread.
 *    A simulator hosting many Diameter nodes in one process wants per-node state and no threads.
 *  - Robustness: its parser reads header fields through casts of the buffer
 *    (ntohl(*(uint32_t *)(buf + offset))), unaligned; grouped AVPs are parsed recursively with no
 *    depth limit (stack use grows with attacker-chosen nesting); errors are logged, not returned
 *    as data we can count.
 *  - Weight: to encode a Cx AVP the dictionary must first be populated object by object through
 *    fd_dict_new() (or by the dict_dcca_3gpp extension, which needs libfdcore), every message is
 *    a malloc'd object graph behind pthread rwlocks, and it pulls libidn.
 * The codec below is a few hundred lines, table-driven through diameter-dict.c, allocates one
 * array per parsed message, and keeps no global mutable state. The package is not a dependency.
 *
 * Conventions: integers on the wire are big-endian; an AVP is padded with zeros to a multiple of
 * 4 bytes, the padding counted in the message length but not in the AVP length (RFC 6733 §4.1).
 * Flags and codes below are wire values.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

#define DIAMETER_VERSION 1
#define DIAMETER_HEADER_LEN 20         /* RFC 6733 §3 */
#define DIAMETER_AVP_HEADER_LEN 8      /* RFC 6733 §4.1, without Vendor-ID */
#define DIAMETER_AVP_VENDOR_HEADER_LEN 12
#define DIAMETER_MAX_LEN 0xFFFFFFu     /* 24-bit Message Length and AVP Length */
#define DIAMETER_MAX_DEPTH 8           /* Grouped nesting the parser accepts (Cx needs 3) */
#define DIAMETER_PORT 3868             /* RFC 6733 §2.1 */

/* Command flags (RFC 6733 §3). */
#define DIAMETER_FLAG_REQUEST 0x80u
#define DIAMETER_FLAG_PROXIABLE 0x40u
#define DIAMETER_FLAG_ERROR 0x20u
#define DIAMETER_FLAG_RETRANSMIT 0x10u

/* AVP flags (RFC 6733 §4.1). */
#define DIAMETER_AVP_FLAG_VENDOR 0x80u
#define DIAMETER_AVP_FLAG_MANDATORY 0x40u
#define DIAMETER_AVP_FLAG_PROTECTED 0x20u

/* Errors of the parser, the framing helper and the builders. */
typedef enum {
    DIAMETER_CODEC_ERROR_TRUNCATED = 1,      /* fewer bytes than a header or a length says */
    DIAMETER_CODEC_ERROR_VERSION = 2,        /* version is not 1 */
    DIAMETER_CODEC_ERROR_MESSAGE_LENGTH = 3, /* < 20, not a multiple of 4, above the cap, or != bytes given */
    DIAMETER_CODEC_ERROR_HEADER_BITS = 4,    /* 'E' set on a request (RFC 6733 §3) */
    DIAMETER_CODEC_ERROR_AVP_LENGTH = 5,     /* AVP length below its header, beyond its container,
                                              * or wrong for the AVP's type */
    DIAMETER_CODEC_ERROR_GROUPED = 6,        /* a Grouped AVP's data is not a sequence of AVPs */
    DIAMETER_CODEC_ERROR_TOO_DEEP = 7,       /* Grouped nesting beyond DIAMETER_MAX_DEPTH */
    DIAMETER_CODEC_ERROR_MISSING_AVP = 8,    /* a required AVP is absent (application parsers) */
    DIAMETER_CODEC_ERROR_AVP_VALUE = 9,      /* a value is invalid (bad UTF-8, address family...) */
    DIAMETER_CODEC_ERROR_UNEXPECTED = 10,    /* wrong command, application or R flag for the parser */
    DIAMETER_CODEC_ERROR_TOO_BIG = 11,       /* the builder would exceed a 24-bit length */
} DiameterCodecError;

GQuark diameter_codec_error_quark(void);
#define DIAMETER_CODEC_ERROR (diameter_codec_error_quark())

/* The Result-Code (RFC 6733 §7.1) an answer to a request that failed with ERROR should carry:
 * 5011 version, 5015 message length, 3008 header bits, 5014 AVP length, 5004 invalid value
 * (grouped, too deep), 5005 missing AVP, 5012 otherwise. */
uint32_t diameter_codec_error_result_code(const GError *error);

/* Address (RFC 6733 §4.3.1): 2-byte IANA address family then the address. */
#define DIAMETER_ADDRESS_IPV4 1
#define DIAMETER_ADDRESS_IPV6 2
typedef struct {
    uint16_t family;   /* DIAMETER_ADDRESS_IPV4 or _IPV6 */
    uint8_t bytes[16]; /* network order; IPv4 uses the first 4 */
} DiameterAddress;

typedef struct DiameterAvp DiameterAvp;

/* ---- header and framing -------------------------------------------------------------------- */

typedef struct {
    uint8_t version;
    uint8_t flags;       /* DIAMETER_FLAG_* */
    uint32_t length;     /* 24 bits, header included */
    uint32_t command;    /* 24 bits */
    uint32_t app_id;
    uint32_t hop_by_hop;
    uint32_t end_to_end;
} DiameterHeader;

/* Reads the 20-byte header at DATA without checking it; FALSE if LEN < 20. */
gboolean diameter_header_peek(const uint8_t *data, size_t len, DiameterHeader *out);

/* Framing for a byte stream (RFC 6733 §3: Message Length delimits messages on TCP). DATA holds
 * the LEN bytes received so far. On TRUE *MSG_LEN is 0 when fewer than 4 bytes are there (length
 * not known yet), else the length of the next message: it is complete once LEN >= *MSG_LEN.
 * FALSE (and *MSG_LEN 0) when the stream cannot be Diameter: version not 1, or a length below 20,
 * not a multiple of 4, or above MAX_LEN. The stream cannot be resynchronised after that. */
gboolean diameter_frame_check(const uint8_t *data, size_t len, size_t max_len, size_t *msg_len, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;

/* ---- builder ------------------------------------------------------------------------------- */

typedef struct DiameterBuilder DiameterBuilder;

/* A message with header FLAGS (DIAMETER_FLAG_*), COMMAND, APP_ID and the two identifiers.
 * Free with diameter_builder_free(). */
DiameterBuilder *diameter_builder_new(uint8_t flags, uint32_t command, uint32_t app_id, uint32_t hop_by_hop,
                                      uint32_t end_to_end);
/* The answer to REQ (RFC 6733 §6.2): same command, application and identifiers, 'P' copied, 'R'
 * cleared, 'E' set when ERROR_BIT. */
DiameterBuilder *diameter_builder_new_answer(const DiameterHeader *req, gboolean error_bit);
void diameter_builder_free(DiameterBuilder *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DiameterBuilder, diameter_builder_free)

/* Appending. VENDOR 0 means no Vendor-ID (V clear); any other vendor sets V. The M bit is taken
 * from the dictionary (set when the AVP's definition requires it, clear for unknown AVPs). A value
 * that would overflow a 24-bit length is not added; diameter_builder_finish() then fails. */
void diameter_builder_add_octets(DiameterBuilder *b, uint32_t code, uint32_t vendor, const void *data, size_t len);
/* UTF8String, DiameterIdentity, DiameterURI: the bytes of STR without its NUL. */
void diameter_builder_add_string(DiameterBuilder *b, uint32_t code, uint32_t vendor, const char *str);
void diameter_builder_add_u32(DiameterBuilder *b, uint32_t code, uint32_t vendor, uint32_t value); /* also Enumerated */
void diameter_builder_add_u64(DiameterBuilder *b, uint32_t code, uint32_t vendor, uint64_t value);
void diameter_builder_add_i32(DiameterBuilder *b, uint32_t code, uint32_t vendor, int32_t value);
void diameter_builder_add_i64(DiameterBuilder *b, uint32_t code, uint32_t vendor, int64_t value);
void diameter_builder_add_address(DiameterBuilder *b, uint32_t code, uint32_t vendor, const DiameterAddress *addr);
/* An AVP with explicit FLAGS (V is still forced to match VENDOR); for tests and odd peers. */
void diameter_builder_add_raw(DiameterBuilder *b, uint32_t code, uint8_t flags, uint32_t vendor, const void *data,
                              size_t len);
/* A copy of a parsed AVP, header, data and children as received (Failed-AVP, Proxy-Info). */
void diameter_builder_add_copy(DiameterBuilder *b, const DiameterAvp *avp);
/* Grouped AVPs: everything added between begin and end goes inside. Groups nest. */
void diameter_builder_group_begin(DiameterBuilder *b, uint32_t code, uint32_t vendor);
void diameter_builder_group_end(DiameterBuilder *b);
/* The message bytes (header length filled in). Fails if a length overflowed or a group is still
 * open. The builder stays valid only for diameter_builder_free(). Free the result with
 * g_bytes_unref(). */
GBytes *diameter_builder_finish(DiameterBuilder *b, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- parsed messages ----------------------------------------------------------------------- */

/* One AVP of a parsed message. DATA points into the message's bytes and lives as long as the
 * message. Children of a Grouped AVP (known to the dictionary as Grouped) are parsed too. */
struct DiameterAvp {
    uint32_t code;
    uint8_t flags;        /* DIAMETER_AVP_FLAG_* as received (reserved bits included) */
    uint32_t vendor;      /* 0 when V is clear */
    const uint8_t *data;  /* LEN bytes of data, without header and padding */
    uint32_t len;
    guint depth;          /* 1 for a top-level AVP */
    /* private: indices into the message's AVP array, G_MAXUINT when none */
    guint next_;
    guint child_;
};

typedef struct DiameterMsg DiameterMsg;

/* Parses one whole message of exactly LEN bytes (the bytes are copied). NULL with an error when
 * malformed; see DiameterCodecError. AVPs unknown to the dictionary are kept as opaque leaves; the
 * data lengths of known fixed-size types (Unsigned32, Integer64, Address...) are checked. Failed-AVP
 * is a leaf too (RFC 6733 §7.1.5 lets it carry the malformed AVP it reports).
 * Free with diameter_msg_free(). */
DiameterMsg *diameter_msg_parse(const uint8_t *data, size_t len, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void diameter_msg_free(DiameterMsg *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DiameterMsg, diameter_msg_free)

const DiameterHeader *diameter_msg_header(const DiameterMsg *msg);
/* The message's bytes (a new reference; g_bytes_unref()). */
GBytes *diameter_msg_bytes(const DiameterMsg *msg);
/* AVPs at every depth. */
guint diameter_msg_n_avps(const DiameterMsg *msg);

/* Walking: the first top-level AVP, the first child of a Grouped AVP, the next sibling. NULL at
 * the end (or when AVP is not a parsed group). */
const DiameterAvp *diameter_msg_first(const DiameterMsg *msg);
const DiameterAvp *diameter_avp_first_child(const DiameterMsg *msg, const DiameterAvp *avp);
const DiameterAvp *diameter_avp_next(const DiameterMsg *msg, const DiameterAvp *avp);
/* The first AVP CODE/VENDOR among the children of GROUP (NULL: the top level), and the next one
 * with the same code and vendor after AVP at its level. */
const DiameterAvp *diameter_msg_find(const DiameterMsg *msg, const DiameterAvp *group, uint32_t code,
                                     uint32_t vendor);
const DiameterAvp *diameter_msg_find_next(const DiameterMsg *msg, const DiameterAvp *avp);
guint diameter_msg_count(const DiameterMsg *msg, const DiameterAvp *group, uint32_t code, uint32_t vendor);

/* Typed values. Each returns FALSE when the data length does not fit the type. */
gboolean diameter_avp_get_u32(const DiameterAvp *avp, uint32_t *value);
gboolean diameter_avp_get_u64(const DiameterAvp *avp, uint64_t *value);
gboolean diameter_avp_get_i32(const DiameterAvp *avp, int32_t *value);
gboolean diameter_avp_get_i64(const DiameterAvp *avp, int64_t *value);
gboolean diameter_avp_get_address(const DiameterAvp *avp, DiameterAddress *addr);
/* A NUL-terminated copy of a UTF8String / DiameterIdentity; NULL when the data is not valid UTF-8
 * or contains a NUL. g_free() it. */
char *diameter_avp_dup_string(const DiameterAvp *avp);
