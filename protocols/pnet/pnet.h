/* pnet.h: PNET, presim's compact binary report from a network element to the Presence Network Agent
 * and from an external information source to the Presence External Agent (TS 23.141 §4.3, §4.4).
 *
 * Why. TS 23.141 §6 names the reference points that feed the presence agents: Ph (HSS/HLR, MAP or
 * Sh), Pi (S-CSCF: SIP, the reg event, done for real in nodes/pna), Pc (MSC server/VLR: CAP or MAP),
 * Pg (SGSN: MAP / CAP), Pk (GGSN: RADIUS accounting / Gi), Pl (GMLC: Le, i.e. MLP), Pex (external
 * sources: not standardised). Those protocols are out of scope for presim: what matters to the
 * security questions of the source documents (seed 001: "false presence information inside the
 * network", "the PEA must be able to trust the real source") is who may report what to the agents,
 * not the encoding. So every element speaks PNET over UDP, a format made to dissect cleanly and to be
 * parsed defensively. docs/pnet.md has the table and the per-reference-point mapping.
 *
 * Wire format (all integers big-endian, docs/pnet.md):
 *   magic "PNET" (4) | version 1 (1) | type (1) | sender role (1) | reserved 0 (1) | sequence (4) |
 *   attributes length N (2) | N bytes of TLV attributes: type (1) | length L (2) | value (L).
 * The datagram is exactly 14 + N bytes: any truncation or trailing byte is an error. Unknown TLV
 * types are skipped (counted); a known TLV twice, a wrong fixed length, an enum value outside the
 * table, an empty or over-long or non-UTF-8 string (or one holding NUL) is an error.
 *
 * UDP port 7460 is presim's choice (not an IANA assignment for this format).
 */
#pragma once
#include <glib.h>
#include <stdint.h>

#define PNET_PORT 7460
#define PNET_MAGIC "PNET"
#define PNET_VERSION 1
#define PNET_HEADER_LEN 14
#define PNET_TLV_HEADER_LEN 3
#define PNET_STRING_MAX 255 /* longest string attribute in bytes */
#define PNET_MAX_LEN (PNET_HEADER_LEN + 65535)

typedef enum {
    PNET_ERROR_TRUNCATED = 1, /* shorter than its header or its lengths say */
    PNET_ERROR_MAGIC = 2,     /* not "PNET", or version not 1, or reserved byte not 0 */
    PNET_ERROR_INVALID = 3,   /* a field out of its range, trailing bytes, a duplicate TLV */
    PNET_ERROR_ENCODE = 4,    /* a message that cannot be encoded (string too long ...) */
} PnetError;

GQuark pnet_error_quark(void);
#define PNET_ERROR (pnet_error_quark())

/* Message types. Enum values are wire values. */
typedef enum {
    PNET_TYPE_NETWORK_REPORT = 1,  /* network element -> PNA (Ph, Pc, Pg, Pk, Pl) */
    PNET_TYPE_EXTERNAL_REPORT = 2, /* external information source -> PEA (Pex side) */
} PnetType;

/* Sender roles: which element (and so which reference point) the sender claims to be. */
typedef enum {
    PNET_ROLE_MSC = 1,      /* MSC server / VLR, Pc */
    PNET_ROLE_SGSN = 2,     /* Pg */
    PNET_ROLE_GGSN = 3,     /* Pk */
    PNET_ROLE_GMLC = 4,     /* Pl */
    PNET_ROLE_HSS = 5,      /* HSS/HLR presence-relevant data, Ph */
    PNET_ROLE_EXTERNAL = 6, /* external information source (calendar, ...) */
} PnetRole;
#define PNET_ROLE_MAX PNET_ROLE_EXTERNAL

/* TLV attribute types. */
typedef enum {
    PNET_ATTR_IMSI = 1,      /* string, 6..15 digits (TS 23.003 §2.2) */
    PNET_ATTR_IMPU = 2,      /* string, a SIP or tel URI */
    PNET_ATTR_STATE = 3,     /* u8 PnetState: CS/PS attach or HSS registration state */
    PNET_ATTR_CELL = 4,      /* string: cell global id / routing area as text */
    PNET_ATTR_CALL = 5,      /* u8 PnetCall */
    PNET_ATTR_PDP = 6,       /* u8 PnetPdp */
    PNET_ATTR_APN = 7,       /* string */
    PNET_ATTR_LOCATION = 8,  /* 8 bytes: latitude, longitude, each signed 32-bit micro-degrees */
    PNET_ATTR_ACTIVITY = 9,  /* string: an RPID activity ("meeting", "away", ...) */
    PNET_ATTR_NOTE = 10,     /* string: free text */
    PNET_ATTR_TIMESTAMP = 11, /* 8 bytes: the sender's simulated time, ns, signed */
    PNET_ATTR_METHOD = 12,   /* string: positioning method ("Cell", "GPS", "A-GPS") */
} PnetAttr;
#define PNET_ATTR_MAX PNET_ATTR_METHOD

typedef enum { PNET_STATE_NONE = 0, PNET_STATE_ATTACHED = 1, PNET_STATE_DETACHED = 2, PNET_STATE_ROAMING = 3 } PnetState;
typedef enum { PNET_CALL_NONE = 0, PNET_CALL_IDLE = 1, PNET_CALL_ALERTING = 2, PNET_CALL_ACTIVE = 3 } PnetCall;
typedef enum { PNET_PDP_NONE = 0, PNET_PDP_ACTIVE = 1, PNET_PDP_INACTIVE = 2 } PnetPdp;

/* A decoded (or to-be-encoded) message. Absent attributes: NULL strings, *_NONE enums, has_* FALSE.
 * Strings are owned (pnet_msg_clear frees them). */
typedef struct {
    PnetType type;
    PnetRole role;
    uint32_t seq;
    char *imsi, *impu, *cell, *apn, *activity, *note, *method;
    PnetState state;
    PnetCall call;
    PnetPdp pdp;
    gboolean has_location;
    int32_t lat_micro, lon_micro; /* micro-degrees: [-90e6, 90e6], [-180e6, 180e6] */
    gboolean has_timestamp;
    int64_t timestamp_ns;
    guint unknown_attrs; /* decode: unknown TLVs skipped */
} PnetMsg;

void pnet_msg_init(PnetMsg *msg);
void pnet_msg_clear(PnetMsg *msg);

/* Encodes MSG (attributes in PnetAttr order). NULL with PNET_ERROR_ENCODE for a bad value. g_free. */
uint8_t *pnet_msg_encode(const PnetMsg *msg, size_t *len, GError **error);
/* Decodes DATA into OUT (initialised here; cleared on failure). Tested by tests/unit/test-pnet.c
 * (round trip, every truncation, 10,000 random mutations). */
gboolean pnet_msg_decode(const uint8_t *data, size_t len, PnetMsg *out, GError **error);

/* Names for traces and scenario keys ("msc", "attached", "active" ...); "?" for values off the table.
 * The _parse functions return 0 (NONE / invalid) for an unknown name. */
const char *pnet_type_name(PnetType t);
const char *pnet_role_name(PnetRole r);
const char *pnet_role_ref_point(PnetRole r); /* "Pc", "Pg", "Pk", "Pl", "Ph", "Pex" */
const char *pnet_state_name(PnetState s);
const char *pnet_call_name(PnetCall c);
const char *pnet_pdp_name(PnetPdp p);
PnetState pnet_state_parse(const char *name);
PnetCall pnet_call_parse(const char *name);
PnetPdp pnet_pdp_parse(const char *name);
/* Degrees <-> micro-degrees (rounded to nearest). */
int32_t pnet_micro_degrees(double degrees);
double pnet_degrees(int32_t micro);
