/* diameter-dict.h: the Diameter dictionary as data: applications, commands, AVPs (code, vendor,
 * name, type, M bit, enumerated values) and result codes, for the base protocol (RFC 6733) and the
 * 3GPP Cx/Dx application (TS 29.229, vendor 10415, application 16777216).
 *
 * The codec asks it which AVPs are Grouped, which have a fixed size and which must carry the M
 * bit; logs and tests ask it for names; diameter_format() prints a parsed message with it. Adding
 * an application (Zh, TS 29.109; Zn, TS 29.109 §6.2) means adding rows to the tables in
 * diameter-dict.c and its codes here: no code changes. The tables are static const and sorted;
 * lookups are binary searches (O(log n), no hash table to build, no global mutable state).
 * What it is not: a checker of command ABNF (which AVPs a command must contain); that is the
 * application parsers' job (cx.c).
 */
#pragma once
#include "protocols/diameter/diameter.h"

/* ---- vendors and applications (RFC 6733 §2.4, §11.3; TS 29.230 §7) -------------------------- */

#define DIAMETER_VENDOR_IETF 0u
#define DIAMETER_VENDOR_3GPP 10415u

#define DIAMETER_APP_COMMON 0u          /* base protocol messages */
#define DIAMETER_APP_CX 16777216u       /* TS 29.229 §6 (Cx/Dx) */
#define DIAMETER_APP_RELAY 0xFFFFFFFFu  /* RFC 6733 §2.4 */

/* ---- command codes (RFC 6733 §3.1; TS 29.229 §6.1) ------------------------------------------ */

typedef enum {
    DIAMETER_CMD_CAPABILITIES_EXCHANGE = 257, /* CER/CEA */
    DIAMETER_CMD_DEVICE_WATCHDOG = 280,       /* DWR/DWA */
    DIAMETER_CMD_DISCONNECT_PEER = 282,       /* DPR/DPA */
    CX_CMD_USER_AUTHORIZATION = 300,          /* UAR/UAA */
    CX_CMD_SERVER_ASSIGNMENT = 301,           /* SAR/SAA */
    CX_CMD_LOCATION_INFO = 302,               /* LIR/LIA */
    CX_CMD_MULTIMEDIA_AUTH = 303,             /* MAR/MAA */
    CX_CMD_REGISTRATION_TERMINATION = 304,    /* RTR/RTA */
    CX_CMD_PUSH_PROFILE = 305,                /* PPR/PPA */
} DiameterCommandCode;

/* ---- AVP codes, vendor 0 (RFC 6733 §4.5, §8.x) --------------------------------------------- */

typedef enum {
    DIAMETER_AVP_USER_NAME = 1,
    DIAMETER_AVP_CLASS = 25,
    DIAMETER_AVP_SESSION_TIMEOUT = 27,
    DIAMETER_AVP_PROXY_STATE = 33,
    DIAMETER_AVP_EVENT_TIMESTAMP = 55,
    DIAMETER_AVP_HOST_IP_ADDRESS = 257,
    DIAMETER_AVP_AUTH_APPLICATION_ID = 258,
    DIAMETER_AVP_ACCT_APPLICATION_ID = 259,
    DIAMETER_AVP_VENDOR_SPECIFIC_APPLICATION_ID = 260,
    DIAMETER_AVP_REDIRECT_HOST_USAGE = 261,
    DIAMETER_AVP_REDIRECT_MAX_CACHE_TIME = 262,
    DIAMETER_AVP_SESSION_ID = 263,
    DIAMETER_AVP_ORIGIN_HOST = 264,
    DIAMETER_AVP_SUPPORTED_VENDOR_ID = 265,
    DIAMETER_AVP_VENDOR_ID = 266,
    DIAMETER_AVP_FIRMWARE_REVISION = 267,
    DIAMETER_AVP_RESULT_CODE = 268,
    DIAMETER_AVP_PRODUCT_NAME = 269,
    DIAMETER_AVP_SESSION_BINDING = 270,
    DIAMETER_AVP_SESSION_SERVER_FAILOVER = 271,
    DIAMETER_AVP_MULTI_ROUND_TIME_OUT = 272,
    DIAMETER_AVP_DISCONNECT_CAUSE = 273,
    DIAMETER_AVP_AUTH_REQUEST_TYPE = 274,
    DIAMETER_AVP_AUTH_GRACE_PERIOD = 276,
    DIAMETER_AVP_AUTH_SESSION_STATE = 277,
    DIAMETER_AVP_ORIGIN_STATE_ID = 278,
    DIAMETER_AVP_FAILED_AVP = 279,
    DIAMETER_AVP_PROXY_HOST = 280,
    DIAMETER_AVP_ERROR_MESSAGE = 281,
    DIAMETER_AVP_ROUTE_RECORD = 282,
    DIAMETER_AVP_DESTINATION_REALM = 283,
    DIAMETER_AVP_PROXY_INFO = 284,
    DIAMETER_AVP_RE_AUTH_REQUEST_TYPE = 285,
    DIAMETER_AVP_AUTHORIZATION_LIFETIME = 291,
    DIAMETER_AVP_REDIRECT_HOST = 292,
    DIAMETER_AVP_DESTINATION_HOST = 293,
    DIAMETER_AVP_ERROR_REPORTING_HOST = 294,
    DIAMETER_AVP_TERMINATION_CAUSE = 295,
    DIAMETER_AVP_ORIGIN_REALM = 296,
    DIAMETER_AVP_EXPERIMENTAL_RESULT = 297,
    DIAMETER_AVP_EXPERIMENTAL_RESULT_CODE = 298,
    DIAMETER_AVP_INBAND_SECURITY_ID = 299,
} DiameterAvpCode;

/* ---- AVP codes, vendor 10415 (TS 29.229 §6.3, table 6.3.1) --------------------------------- */

typedef enum {
    TGPP_AVP_VISITED_NETWORK_IDENTIFIER = 600,
    TGPP_AVP_PUBLIC_IDENTITY = 601,
    TGPP_AVP_SERVER_NAME = 602,
    TGPP_AVP_SERVER_CAPABILITIES = 603,
    TGPP_AVP_MANDATORY_CAPABILITY = 604,
    TGPP_AVP_OPTIONAL_CAPABILITY = 605,
    TGPP_AVP_USER_DATA = 606,
    TGPP_AVP_SIP_NUMBER_AUTH_ITEMS = 607,
    TGPP_AVP_SIP_AUTHENTICATION_SCHEME = 608,
    TGPP_AVP_SIP_AUTHENTICATE = 609,
    TGPP_AVP_SIP_AUTHORIZATION = 610,
    TGPP_AVP_SIP_AUTHENTICATION_CONTEXT = 611,
    TGPP_AVP_SIP_AUTH_DATA_ITEM = 612,
    TGPP_AVP_SIP_ITEM_NUMBER = 613,
    TGPP_AVP_SERVER_ASSIGNMENT_TYPE = 614,
    TGPP_AVP_DEREGISTRATION_REASON = 615,
    TGPP_AVP_REASON_CODE = 616,
    TGPP_AVP_REASON_INFO = 617,
    TGPP_AVP_CHARGING_INFORMATION = 618,
    TGPP_AVP_PRIMARY_EVENT_CHARGING_FUNCTION_NAME = 619,
    TGPP_AVP_SECONDARY_EVENT_CHARGING_FUNCTION_NAME = 620,
    TGPP_AVP_PRIMARY_CHARGING_COLLECTION_FUNCTION_NAME = 621,
    TGPP_AVP_SECONDARY_CHARGING_COLLECTION_FUNCTION_NAME = 622,
    TGPP_AVP_USER_AUTHORIZATION_TYPE = 623,
    TGPP_AVP_USER_DATA_ALREADY_AVAILABLE = 624,
    TGPP_AVP_CONFIDENTIALITY_KEY = 625,
    TGPP_AVP_INTEGRITY_KEY = 626,
    TGPP_AVP_SUPPORTED_FEATURES = 628,
    TGPP_AVP_FEATURE_LIST_ID = 629,
    TGPP_AVP_FEATURE_LIST = 630,
    TGPP_AVP_SUPPORTED_APPLICATIONS = 631,
    TGPP_AVP_ASSOCIATED_IDENTITIES = 632,
    TGPP_AVP_ORIGINATING_REQUEST = 633,
    TGPP_AVP_WILDCARDED_PSI = 634,
    TGPP_AVP_SIP_DIGEST_AUTHENTICATE = 635,
    TGPP_AVP_WILDCARDED_IMPU = 636,
    TGPP_AVP_UAR_FLAGS = 637,
    TGPP_AVP_LOOSE_ROUTE_INDICATION = 638,
    TGPP_AVP_SCSCF_RESTORATION_INFO = 639,
    TGPP_AVP_PATH = 640,
    TGPP_AVP_CONTACT = 641,
    TGPP_AVP_SUBSCRIPTION_INFO = 642,
    TGPP_AVP_CALL_ID_SIP_HEADER = 643,
    TGPP_AVP_FROM_SIP_HEADER = 644,
    TGPP_AVP_TO_SIP_HEADER = 645,
    TGPP_AVP_RECORD_ROUTE = 646,
    TGPP_AVP_ASSOCIATED_REGISTERED_IDENTITIES = 647,
    TGPP_AVP_MULTIPLE_REGISTRATION_INDICATION = 648,
    TGPP_AVP_RESTORATION_INFO = 649,
    TGPP_AVP_SESSION_PRIORITY = 650,
    TGPP_AVP_IDENTITY_WITH_EMERGENCY_REGISTRATION = 651,
    TGPP_AVP_PRIVILEDGED_SENDER_INDICATION = 652,
    TGPP_AVP_LIA_FLAGS = 653,
    TGPP_AVP_INITIAL_CSEQ_SEQUENCE_NUMBER = 654,
    TGPP_AVP_SAR_FLAGS = 655,
} TgppAvpCode;

/* ---- enumerated values ---------------------------------------------------------------------- */

/* Auth-Session-State (RFC 6733 §8.11). */
#define DIAMETER_STATE_MAINTAINED 0u
#define DIAMETER_NO_STATE_MAINTAINED 1u
/* Disconnect-Cause (RFC 6733 §5.4.3). */
#define DIAMETER_DISCONNECT_REBOOTING 0u
#define DIAMETER_DISCONNECT_BUSY 1u
#define DIAMETER_DISCONNECT_DO_NOT_WANT_TO_TALK_TO_YOU 2u
/* Inband-Security-Id (RFC 6733 §6.10). */
#define DIAMETER_NO_INBAND_SECURITY 0u

/* Server-Assignment-Type (TS 29.229 §6.3.15). */
typedef enum {
    CX_SAT_NO_ASSIGNMENT = 0,
    CX_SAT_REGISTRATION = 1,
    CX_SAT_RE_REGISTRATION = 2,
    CX_SAT_UNREGISTERED_USER = 3,
    CX_SAT_TIMEOUT_DEREGISTRATION = 4,
    CX_SAT_USER_DEREGISTRATION = 5,
    CX_SAT_TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME = 6,
    CX_SAT_USER_DEREGISTRATION_STORE_SERVER_NAME = 7,
    CX_SAT_ADMINISTRATIVE_DEREGISTRATION = 8,
    CX_SAT_AUTHENTICATION_FAILURE = 9,
    CX_SAT_AUTHENTICATION_TIMEOUT = 10,
    CX_SAT_DEREGISTRATION_TOO_MUCH_DATA = 11,
    CX_SAT_AAA_USER_DATA_REQUEST = 12,
    CX_SAT_PGW_UPDATE = 13,
    CX_SAT_RESTORATION = 14,
} CxServerAssignmentType;

/* User-Authorization-Type (TS 29.229 §6.3.24). */
typedef enum {
    CX_UAT_REGISTRATION = 0,
    CX_UAT_DE_REGISTRATION = 1,
    CX_UAT_REGISTRATION_AND_CAPABILITIES = 2,
} CxUserAuthorizationType;

/* User-Data-Already-Available (TS 29.229 §6.3.26). */
typedef enum {
    CX_USER_DATA_NOT_AVAILABLE = 0,
    CX_USER_DATA_ALREADY_AVAILABLE = 1,
} CxUserDataAlreadyAvailable;

/* Reason-Code (TS 29.229 §6.3.17). */
typedef enum {
    CX_REASON_PERMANENT_TERMINATION = 0,
    CX_REASON_NEW_SERVER_ASSIGNED = 1,
    CX_REASON_SERVER_CHANGE = 2,
    CX_REASON_REMOVE_S_CSCF = 3,
} CxReasonCode;

/* ---- result codes --------------------------------------------------------------------------- */

/* Result-Code (RFC 6733 §7.1). 1xxx informational, 2xxx success, 3xxx protocol errors (answer
 * carries 'E'), 4xxx transient, 5xxx permanent failures. */
typedef enum {
    DIAMETER_MULTI_ROUND_AUTH = 1001,
    DIAMETER_SUCCESS = 2001,
    DIAMETER_LIMITED_SUCCESS = 2002,
    DIAMETER_COMMAND_UNSUPPORTED = 3001,
    DIAMETER_UNABLE_TO_DELIVER = 3002,
    DIAMETER_REALM_NOT_SERVED = 3003,
    DIAMETER_TOO_BUSY = 3004,
    DIAMETER_LOOP_DETECTED = 3005,
    DIAMETER_REDIRECT_INDICATION = 3006,
    DIAMETER_APPLICATION_UNSUPPORTED = 3007,
    DIAMETER_INVALID_HDR_BITS = 3008,
    DIAMETER_INVALID_AVP_BITS = 3009,
    DIAMETER_UNKNOWN_PEER = 3010,
    DIAMETER_AUTHENTICATION_REJECTED = 4001,
    DIAMETER_OUT_OF_SPACE = 4002,
    DIAMETER_ELECTION_LOST = 4003,
    DIAMETER_AVP_UNSUPPORTED = 5001,
    DIAMETER_UNKNOWN_SESSION_ID = 5002,
    DIAMETER_AUTHORIZATION_REJECTED = 5003,
    DIAMETER_INVALID_AVP_VALUE = 5004,
    DIAMETER_MISSING_AVP = 5005,
    DIAMETER_RESOURCES_EXCEEDED = 5006,
    DIAMETER_CONTRADICTING_AVPS = 5007,
    DIAMETER_AVP_NOT_ALLOWED = 5008,
    DIAMETER_AVP_OCCURS_TOO_MANY_TIMES = 5009,
    DIAMETER_NO_COMMON_APPLICATION = 5010,
    DIAMETER_UNSUPPORTED_VERSION = 5011,
    DIAMETER_UNABLE_TO_COMPLY = 5012,
    DIAMETER_INVALID_BIT_IN_HEADER = 5013,
    DIAMETER_INVALID_AVP_LENGTH = 5014,
    DIAMETER_INVALID_MESSAGE_LENGTH = 5015,
    DIAMETER_INVALID_AVP_BIT_COMBO = 5016,
    DIAMETER_NO_COMMON_SECURITY = 5017,
} DiameterResultCode;

/* Experimental-Result-Code values of Cx with Vendor-Id 10415 (TS 29.229 §6.2). */
typedef enum {
    DIAMETER_FIRST_REGISTRATION = 2001,
    DIAMETER_SUBSEQUENT_REGISTRATION = 2002,
    DIAMETER_UNREGISTERED_SERVICE = 2003,
    DIAMETER_SUCCESS_SERVER_NAME_NOT_STORED = 2004,
    DIAMETER_ERROR_USER_UNKNOWN = 5001,
    DIAMETER_ERROR_IDENTITIES_DONT_MATCH = 5002,
    DIAMETER_ERROR_IDENTITY_NOT_REGISTERED = 5003,
    DIAMETER_ERROR_ROAMING_NOT_ALLOWED = 5004,
    DIAMETER_ERROR_IDENTITY_ALREADY_REGISTERED = 5005,
    DIAMETER_ERROR_AUTH_SCHEME_NOT_SUPPORTED = 5006,
    DIAMETER_ERROR_IN_ASSIGNMENT_TYPE = 5007,
    DIAMETER_ERROR_TOO_MUCH_DATA = 5008,
    DIAMETER_ERROR_NOT_SUPPORTED_USER_DATA = 5009,
    DIAMETER_ERROR_FEATURE_UNSUPPORTED = 5011,
    DIAMETER_ERROR_SERVING_NODE_FEATURE_UNSUPPORTED = 5012,
} CxExperimentalResultCode;

/* ---- the tables ----------------------------------------------------------------------------- */

/* Basic and derived data formats (RFC 6733 §4.2, §4.3). */
typedef enum {
    DIAMETER_TYPE_OCTET_STRING = 1,
    DIAMETER_TYPE_INTEGER32 = 2,
    DIAMETER_TYPE_INTEGER64 = 3,
    DIAMETER_TYPE_UNSIGNED32 = 4,
    DIAMETER_TYPE_UNSIGNED64 = 5,
    DIAMETER_TYPE_GROUPED = 6,
    DIAMETER_TYPE_ADDRESS = 7,
    DIAMETER_TYPE_TIME = 8,
    DIAMETER_TYPE_UTF8_STRING = 9,
    DIAMETER_TYPE_DIAMETER_IDENTITY = 10,
    DIAMETER_TYPE_DIAMETER_URI = 11,
    DIAMETER_TYPE_ENUMERATED = 12,
} DiameterAvpType;

typedef struct {
    uint32_t value;
    const char *name;
} DiameterDictEnum;

typedef struct {
    uint32_t code;
    uint32_t vendor;
    const char *name;
    DiameterAvpType type;
    uint8_t flags;                   /* DIAMETER_AVP_FLAG_MANDATORY when the M bit must be set */
    const DiameterDictEnum *values;  /* Enumerated: the known values, sorted; else NULL */
    guint n_values;
} DiameterDictAvp;

typedef struct {
    uint32_t app_id;   /* DIAMETER_APP_COMMON for base commands */
    uint32_t code;
    const char *name;  /* "User-Authorization" */
    const char *request_abbrev; /* "UAR" */
    const char *answer_abbrev;  /* "UAA" */
    uint8_t flags;     /* DIAMETER_FLAG_PROXIABLE when the ABNF says PXY */
} DiameterDictCommand;

/* The definition of AVP CODE of VENDOR, or NULL. */
const DiameterDictAvp *diameter_dict_avp(uint32_t code, uint32_t vendor);
/* The command CODE of APP_ID; base commands are found under any application. NULL if unknown. */
const DiameterDictCommand *diameter_dict_command(uint32_t app_id, uint32_t code);
/* "3GPP Cx", "Diameter Common Messages", ... or NULL. */
const char *diameter_dict_app_name(uint32_t app_id);
/* The name of value VALUE of an Enumerated AVP, or NULL. */
const char *diameter_dict_enum_name(const DiameterDictAvp *avp, uint32_t value);
/* The name of a Result-Code (VENDOR 0) or of an Experimental-Result-Code of VENDOR; NULL if unknown. */
const char *diameter_dict_result_name(uint32_t vendor, uint32_t code);
const char *diameter_avp_type_name(DiameterAvpType type);

/* Every AVP row, for tests and documentation (sorted by vendor, then code). */
const DiameterDictAvp *diameter_dict_avps(guint *n);

/* Appends a readable multi-line dump of MSG to OUT: header, then one line per AVP indented by
 * depth, "Name(code[,vendor]) [flags] = value" with values decoded by type, enumerated and result
 * names resolved, octet strings in hex (truncated after 64 bytes). For logs and tests only. */
void diameter_format(const DiameterMsg *msg, GString *out);
