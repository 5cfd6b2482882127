/* diameter-dict.c: the dictionary tables and the debug printer. See diameter-dict.h.
 *
 * Sections: enumerated value lists; the AVP table; commands and applications; result codes;
 * lookups; diameter_format().
 *
 * Sources: RFC 6733 §4.5 (base AVP table: types and M bits), §5, §6, §8 (enumerated values), §7.1
 * (Result-Code values); TS 29.229 §6.3 table 6.3.1 (Cx AVPs: codes, types, V and M bits), §6.3.x
 * (enumerated values), §6.2 (Experimental-Result-Code values), §6.1 (commands); TS 29.109 §6.3
 * table 6.3.1 (Zh/Zn AVPs 400-410), §6.2.2 (5401-5403), §6.1 (Bootstrapping-Info). Every table must
 * stay sorted: tests/unit/test-diameter.c checks the order and that no row is repeated. */
#include "protocols/diameter/diameter-dict.h"
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#define M DIAMETER_AVP_FLAG_MANDATORY
#define AVP(code, vendor, name, type, flags) {code, vendor, name, DIAMETER_TYPE_##type, flags, NULL, 0}
#define AVPE(code, vendor, name, flags, values)                                                                     \
    {code, vendor, name, DIAMETER_TYPE_ENUMERATED, flags, values, G_N_ELEMENTS(values)}
#define V3 DIAMETER_VENDOR_3GPP

/* ---- enumerated value lists (sorted by value) ---------------------------------------------- */

static const DiameterDictEnum redirect_host_usage[] = { /* RFC 6733 §6.13 */
    {0, "DONT_CACHE"}, {1, "ALL_SESSION"}, {2, "ALL_REALM"}, {3, "REALM_AND_APPLICATION"},
    {4, "ALL_APPLICATION"}, {5, "ALL_HOST"}, {6, "ALL_USER"},
};
static const DiameterDictEnum session_server_failover[] = { /* §8.18 */
    {0, "REFUSE_SERVICE"}, {1, "TRY_AGAIN"}, {2, "ALLOW_SERVICE"}, {3, "TRY_AGAIN_ALLOW_SERVICE"},
};
static const DiameterDictEnum disconnect_cause[] = { /* §5.4.3 */
    {0, "REBOOTING"}, {1, "BUSY"}, {2, "DO_NOT_WANT_TO_TALK_TO_YOU"},
};
static const DiameterDictEnum auth_request_type[] = { /* §8.7 */
    {1, "AUTHENTICATE_ONLY"}, {2, "AUTHORIZE_ONLY"}, {3, "AUTHORIZE_AUTHENTICATE"},
};
static const DiameterDictEnum auth_session_state[] = { /* §8.11 */
    {0, "STATE_MAINTAINED"}, {1, "NO_STATE_MAINTAINED"},
};
static const DiameterDictEnum re_auth_request_type[] = { /* §8.12 */
    {0, "AUTHORIZE_ONLY"}, {1, "AUTHORIZE_AUTHENTICATE"},
};
static const DiameterDictEnum termination_cause[] = { /* §8.15 */
    {1, "DIAMETER_LOGOUT"}, {2, "DIAMETER_SERVICE_NOT_PROVIDED"}, {3, "DIAMETER_BAD_ANSWER"},
    {4, "DIAMETER_ADMINISTRATIVE"}, {5, "DIAMETER_LINK_BROKEN"}, {6, "DIAMETER_AUTH_EXPIRED"},
    {7, "DIAMETER_USER_MOVED"}, {8, "DIAMETER_SESSION_TIMEOUT"},
};
static const DiameterDictEnum server_assignment_type[] = { /* TS 29.229 §6.3.15 */
    {0, "NO_ASSIGNMENT"}, {1, "REGISTRATION"}, {2, "RE_REGISTRATION"}, {3, "UNREGISTERED_USER"},
    {4, "TIMEOUT_DEREGISTRATION"}, {5, "USER_DEREGISTRATION"}, {6, "TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME"},
    {7, "USER_DEREGISTRATION_STORE_SERVER_NAME"}, {8, "ADMINISTRATIVE_DEREGISTRATION"},
    {9, "AUTHENTICATION_FAILURE"}, {10, "AUTHENTICATION_TIMEOUT"}, {11, "DEREGISTRATION_TOO_MUCH_DATA"},
    {12, "AAA_USER_DATA_REQUEST"}, {13, "PGW_UPDATE"}, {14, "RESTORATION"},
};
static const DiameterDictEnum reason_code[] = { /* §6.3.17 */
    {0, "PERMANENT_TERMINATION"}, {1, "NEW_SERVER_ASSIGNED"}, {2, "SERVER_CHANGE"}, {3, "REMOVE_S-CSCF"},
};
static const DiameterDictEnum user_authorization_type[] = { /* §6.3.24 */
    {0, "REGISTRATION"}, {1, "DE_REGISTRATION"}, {2, "REGISTRATION_AND_CAPABILITIES"},
};
static const DiameterDictEnum user_data_already_available[] = { /* §6.3.26 */
    {0, "USER_DATA_NOT_AVAILABLE"}, {1, "USER_DATA_ALREADY_AVAILABLE"},
};
static const DiameterDictEnum originating_request[] = { /* §6.3.32 */
    {0, "ORIGINATING"},
};
static const DiameterDictEnum loose_route_indication[] = { /* §6.3.45 */
    {0, "LOOSE_ROUTE_NOT_REQUIRED"}, {1, "LOOSE_ROUTE_REQUIRED"},
};
static const DiameterDictEnum multiple_registration_indication[] = { /* §6.3.51 */
    {0, "NOT_MULTIPLE_REGISTRATION"}, {1, "MULTIPLE_REGISTRATION"},
};
static const DiameterDictEnum session_priority[] = { /* §6.3.56 */
    {0, "PRIORITY-0"}, {1, "PRIORITY-1"}, {2, "PRIORITY-2"}, {3, "PRIORITY-3"}, {4, "PRIORITY-4"},
};
static const DiameterDictEnum priviledged_sender_indication[] = { /* §6.3.58 */
    {0, "NOT_PRIVILEDGED_SENDER"}, {1, "PRIVILEDGED_SENDER"},
};
static const DiameterDictEnum gba_u_awareness_indicator[] = { /* TS 29.109 §6.3.1 */
    {0, "NO"}, {1, "YES"},
};
static const DiameterDictEnum gba_type[] = { /* TS 29.109 §6.3.1 */
    {0, "3G GBA"}, {1, "2G GBA"},
};

/* ---- the AVP table, sorted by (vendor, code) ------------------------------------------------ */

static const DiameterDictAvp avps[] = {
    /* RFC 6733 §4.5 and RFC 7155 (User-Name, Class, Session-Timeout, Proxy-State from RADIUS) */
    AVP(1, 0, "User-Name", UTF8_STRING, M),
    AVP(25, 0, "Class", OCTET_STRING, M),
    AVP(27, 0, "Session-Timeout", UNSIGNED32, M),
    AVP(33, 0, "Proxy-State", OCTET_STRING, M),
    AVP(55, 0, "Event-Timestamp", TIME, M),
    AVP(257, 0, "Host-IP-Address", ADDRESS, M),
    AVP(258, 0, "Auth-Application-Id", UNSIGNED32, M),
    AVP(259, 0, "Acct-Application-Id", UNSIGNED32, M),
    AVP(260, 0, "Vendor-Specific-Application-Id", GROUPED, M),
    AVPE(261, 0, "Redirect-Host-Usage", M, redirect_host_usage),
    AVP(262, 0, "Redirect-Max-Cache-Time", UNSIGNED32, M),
    AVP(263, 0, "Session-Id", UTF8_STRING, M),
    AVP(264, 0, "Origin-Host", DIAMETER_IDENTITY, M),
    AVP(265, 0, "Supported-Vendor-Id", UNSIGNED32, M),
    AVP(266, 0, "Vendor-Id", UNSIGNED32, M),
    AVP(267, 0, "Firmware-Revision", UNSIGNED32, 0),
    AVP(268, 0, "Result-Code", UNSIGNED32, M),
    AVP(269, 0, "Product-Name", UTF8_STRING, 0),
    AVP(270, 0, "Session-Binding", UNSIGNED32, M),
    AVPE(271, 0, "Session-Server-Failover", M, session_server_failover),
    AVP(272, 0, "Multi-Round-Time-Out", UNSIGNED32, M),
    AVPE(273, 0, "Disconnect-Cause", M, disconnect_cause),
    AVPE(274, 0, "Auth-Request-Type", M, auth_request_type),
    AVP(276, 0, "Auth-Grace-Period", UNSIGNED32, M),
    AVPE(277, 0, "Auth-Session-State", M, auth_session_state),
    AVP(278, 0, "Origin-State-Id", UNSIGNED32, M),
    AVP(279, 0, "Failed-AVP", GROUPED, M),
    AVP(280, 0, "Proxy-Host", DIAMETER_IDENTITY, M),
    AVP(281, 0, "Error-Message", UTF8_STRING, 0),
    AVP(282, 0, "Route-Record", DIAMETER_IDENTITY, M),
    AVP(283, 0, "Destination-Realm", DIAMETER_IDENTITY, M),
    AVP(284, 0, "Proxy-Info", GROUPED, M),
    AVPE(285, 0, "Re-Auth-Request-Type", M, re_auth_request_type),
    AVP(291, 0, "Authorization-Lifetime", UNSIGNED32, M),
    AVP(292, 0, "Redirect-Host", DIAMETER_URI, M),
    AVP(293, 0, "Destination-Host", DIAMETER_IDENTITY, M),
    AVP(294, 0, "Error-Reporting-Host", DIAMETER_IDENTITY, 0),
    AVPE(295, 0, "Termination-Cause", M, termination_cause),
    AVP(296, 0, "Origin-Realm", DIAMETER_IDENTITY, M),
    AVP(297, 0, "Experimental-Result", GROUPED, M),
    AVP(298, 0, "Experimental-Result-Code", UNSIGNED32, M),
    AVP(299, 0, "Inband-Security-Id", UNSIGNED32, M),
    /* TS 29.109 table 6.3.1 (Zh, Zn): V always set; M on all but GUSS-Timestamp */
    AVP(400, V3, "GBA-UserSecSettings", OCTET_STRING, M),
    AVP(401, V3, "Transaction-Identifier", OCTET_STRING, M),
    AVP(402, V3, "NAF-Id", OCTET_STRING, M),
    AVP(403, V3, "GAA-Service-Identifier", OCTET_STRING, M),
    AVP(404, V3, "Key-ExpiryTime", TIME, M),
    AVP(405, V3, "ME-Key-Material", OCTET_STRING, M),
    AVP(406, V3, "UICC-Key-Material", OCTET_STRING, M),
    AVPE(407, V3, "GBA_U-Awareness-Indicator", M, gba_u_awareness_indicator),
    AVP(408, V3, "BootstrapInfoCreationTime", TIME, M),
    AVP(409, V3, "GUSS-Timestamp", TIME, 0),
    AVPE(410, V3, "GBA-Type", M, gba_type),
    /* TS 29.229 table 6.3.1: V always set; M as the table says */
    AVP(600, V3, "Visited-Network-Identifier", OCTET_STRING, M),
    AVP(601, V3, "Public-Identity", UTF8_STRING, M),
    AVP(602, V3, "Server-Name", UTF8_STRING, M),
    AVP(603, V3, "Server-Capabilities", GROUPED, M),
    AVP(604, V3, "Mandatory-Capability", UNSIGNED32, M),
    AVP(605, V3, "Optional-Capability", UNSIGNED32, M),
    AVP(606, V3, "User-Data", OCTET_STRING, M),
    AVP(607, V3, "SIP-Number-Auth-Items", UNSIGNED32, M),
    AVP(608, V3, "SIP-Authentication-Scheme", UTF8_STRING, M),
    AVP(609, V3, "SIP-Authenticate", OCTET_STRING, M),
    AVP(610, V3, "SIP-Authorization", OCTET_STRING, M),
    AVP(611, V3, "SIP-Authentication-Context", OCTET_STRING, M),
    AVP(612, V3, "SIP-Auth-Data-Item", GROUPED, M),
    AVP(613, V3, "SIP-Item-Number", UNSIGNED32, M),
    AVPE(614, V3, "Server-Assignment-Type", M, server_assignment_type),
    AVP(615, V3, "Deregistration-Reason", GROUPED, M),
    AVPE(616, V3, "Reason-Code", M, reason_code),
    AVP(617, V3, "Reason-Info", UTF8_STRING, M),
    AVP(618, V3, "Charging-Information", GROUPED, M),
    AVP(619, V3, "Primary-Event-Charging-Function-Name", DIAMETER_URI, M),
    AVP(620, V3, "Secondary-Event-Charging-Function-Name", DIAMETER_URI, M),
    AVP(621, V3, "Primary-Charging-Collection-Function-Name", DIAMETER_URI, M),
    AVP(622, V3, "Secondary-Charging-Collection-Function-Name", DIAMETER_URI, M),
    AVPE(623, V3, "User-Authorization-Type", M, user_authorization_type),
    AVPE(624, V3, "User-Data-Already-Available", M, user_data_already_available),
    AVP(625, V3, "Confidentiality-Key", OCTET_STRING, M),
    AVP(626, V3, "Integrity-Key", OCTET_STRING, M),
    AVP(628, V3, "Supported-Features", GROUPED, M),
    AVP(629, V3, "Feature-List-ID", UNSIGNED32, M),
    AVP(630, V3, "Feature-List", UNSIGNED32, M),
    AVP(631, V3, "Supported-Applications", GROUPED, M),
    AVP(632, V3, "Associated-Identities", GROUPED, M),
    AVPE(633, V3, "Originating-Request", M, originating_request),
    AVP(634, V3, "Wildcarded-PSI", UTF8_STRING, M),
    AVP(635, V3, "SIP-Digest-Authenticate", GROUPED, 0),
    AVP(636, V3, "Wildcarded-IMPU", UTF8_STRING, 0),
    AVP(637, V3, "UAR-Flags", UNSIGNED32, 0),
    AVPE(638, V3, "Loose-Route-Indication", 0, loose_route_indication),
    AVP(639, V3, "SCSCF-Restoration-Info", GROUPED, 0),
    AVP(640, V3, "Path", OCTET_STRING, 0),
    AVP(641, V3, "Contact", OCTET_STRING, 0),
    AVP(642, V3, "Subscription-Info", GROUPED, 0),
    AVP(643, V3, "Call-ID-SIP-Header", OCTET_STRING, 0),
    AVP(644, V3, "From-SIP-Header", OCTET_STRING, 0),
    AVP(645, V3, "To-SIP-Header", OCTET_STRING, 0),
    AVP(646, V3, "Record-Route", OCTET_STRING, 0),
    AVP(647, V3, "Associated-Registered-Identities", GROUPED, 0),
    AVPE(648, V3, "Multiple-Registration-Indication", 0, multiple_registration_indication),
    AVP(649, V3, "Restoration-Info", GROUPED, 0),
    AVPE(650, V3, "Session-Priority", 0, session_priority),
    AVP(651, V3, "Identity-with-Emergency-Registration", GROUPED, 0),
    AVPE(652, V3, "Priviledged-Sender-Indication", 0, priviledged_sender_indication),
    AVP(653, V3, "LIA-Flags", UNSIGNED32, M),
    AVP(654, V3, "Initial-CSeq-Sequence-Number", UNSIGNED32, M),
    AVP(655, V3, "SAR-Flags", UNSIGNED32, M),
};

/* ---- commands and applications, sorted by (application, code) ------------------------------ */

static const DiameterDictCommand commands[] = {
    {DIAMETER_APP_COMMON, 257, "Capabilities-Exchange", "CER", "CEA", 0}, /* RFC 6733 §5.3 */
    {DIAMETER_APP_COMMON, 280, "Device-Watchdog", "DWR", "DWA", 0},       /* §5.5 */
    {DIAMETER_APP_COMMON, 282, "Disconnect-Peer", "DPR", "DPA", 0},       /* §5.4 */
    {DIAMETER_APP_CX, 300, "User-Authorization", "UAR", "UAA", DIAMETER_FLAG_PROXIABLE}, /* TS 29.229 §6.1 */
    {DIAMETER_APP_CX, 301, "Server-Assignment", "SAR", "SAA", DIAMETER_FLAG_PROXIABLE},
    {DIAMETER_APP_CX, 302, "Location-Info", "LIR", "LIA", DIAMETER_FLAG_PROXIABLE},
    {DIAMETER_APP_CX, 303, "Multimedia-Auth", "MAR", "MAA", DIAMETER_FLAG_PROXIABLE},
    {DIAMETER_APP_CX, 304, "Registration-Termination", "RTR", "RTA", DIAMETER_FLAG_PROXIABLE},
    {DIAMETER_APP_CX, 305, "Push-Profile", "PPR", "PPA", DIAMETER_FLAG_PROXIABLE},
    {16777220u, 310, "Bootstrapping-Info", "BIR", "BIA", DIAMETER_FLAG_PROXIABLE}, /* Zn, TS 29.109 §6.1 */
    {16777221u, 303, "Multimedia-Auth", "MAR", "MAA", DIAMETER_FLAG_PROXIABLE},    /* Zh, TS 29.109 §6.1 */
};

static const struct {
    uint32_t id;
    const char *name;
} apps[] = {
    {DIAMETER_APP_COMMON, "Diameter Common Messages"},
    {DIAMETER_APP_CX, "3GPP Cx"},
    {16777220u, "3GPP Zn"}, /* TS 29.109 §5.2 */
    {16777221u, "3GPP Zh"}, /* TS 29.109 §4.2 */
    {DIAMETER_APP_RELAY, "Relay"},
};

/* ---- result codes, sorted by (vendor, code) ------------------------------------------------- */

typedef struct {
    uint32_t vendor;
    uint32_t code;
    const char *name;
} ResultName;

static const ResultName results[] = {
    {0, 1001, "DIAMETER_MULTI_ROUND_AUTH"},
    {0, 2001, "DIAMETER_SUCCESS"},
    {0, 2002, "DIAMETER_LIMITED_SUCCESS"},
    {0, 3001, "DIAMETER_COMMAND_UNSUPPORTED"},
    {0, 3002, "DIAMETER_UNABLE_TO_DELIVER"},
    {0, 3003, "DIAMETER_REALM_NOT_SERVED"},
    {0, 3004, "DIAMETER_TOO_BUSY"},
    {0, 3005, "DIAMETER_LOOP_DETECTED"},
    {0, 3006, "DIAMETER_REDIRECT_INDICATION"},
    {0, 3007, "DIAMETER_APPLICATION_UNSUPPORTED"},
    {0, 3008, "DIAMETER_INVALID_HDR_BITS"},
    {0, 3009, "DIAMETER_INVALID_AVP_BITS"},
    {0, 3010, "DIAMETER_UNKNOWN_PEER"},
    {0, 4001, "DIAMETER_AUTHENTICATION_REJECTED"},
    {0, 4002, "DIAMETER_OUT_OF_SPACE"},
    {0, 4003, "ELECTION_LOST"},
    {0, 5001, "DIAMETER_AVP_UNSUPPORTED"},
    {0, 5002, "DIAMETER_UNKNOWN_SESSION_ID"},
    {0, 5003, "DIAMETER_AUTHORIZATION_REJECTED"},
    {0, 5004, "DIAMETER_INVALID_AVP_VALUE"},
    {0, 5005, "DIAMETER_MISSING_AVP"},
    {0, 5006, "DIAMETER_RESOURCES_EXCEEDED"},
    {0, 5007, "DIAMETER_CONTRADICTING_AVPS"},
    {0, 5008, "DIAMETER_AVP_NOT_ALLOWED"},
    {0, 5009, "DIAMETER_AVP_OCCURS_TOO_MANY_TIMES"},
    {0, 5010, "DIAMETER_NO_COMMON_APPLICATION"},
    {0, 5011, "DIAMETER_UNSUPPORTED_VERSION"},
    {0, 5012, "DIAMETER_UNABLE_TO_COMPLY"},
    {0, 5013, "DIAMETER_INVALID_BIT_IN_HEADER"},
    {0, 5014, "DIAMETER_INVALID_AVP_LENGTH"},
    {0, 5015, "DIAMETER_INVALID_MESSAGE_LENGTH"},
    {0, 5016, "DIAMETER_INVALID_AVP_BIT_COMBO"},
    {0, 5017, "DIAMETER_NO_COMMON_SECURITY"},
    /* TS 29.229 §6.2.1 (success), §6.2.2 (permanent failures) */
    {V3, 2001, "DIAMETER_FIRST_REGISTRATION"},
    {V3, 2002, "DIAMETER_SUBSEQUENT_REGISTRATION"},
    {V3, 2003, "DIAMETER_UNREGISTERED_SERVICE"},
    {V3, 2004, "DIAMETER_SUCCESS_SERVER_NAME_NOT_STORED"},
    {V3, 5001, "DIAMETER_ERROR_USER_UNKNOWN"},
    {V3, 5002, "DIAMETER_ERROR_IDENTITIES_DONT_MATCH"},
    {V3, 5003, "DIAMETER_ERROR_IDENTITY_NOT_REGISTERED"},
    {V3, 5004, "DIAMETER_ERROR_ROAMING_NOT_ALLOWED"},
    {V3, 5005, "DIAMETER_ERROR_IDENTITY_ALREADY_REGISTERED"},
    {V3, 5006, "DIAMETER_ERROR_AUTH_SCHEME_NOT_SUPPORTED"},
    {V3, 5007, "DIAMETER_ERROR_IN_ASSIGNMENT_TYPE"},
    {V3, 5008, "DIAMETER_ERROR_TOO_MUCH_DATA"},
    {V3, 5009, "DIAMETER_ERROR_NOT_SUPPORTED_USER_DATA"},
    {V3, 5011, "DIAMETER_ERROR_FEATURE_UNSUPPORTED"},
    {V3, 5012, "DIAMETER_ERROR_SERVING_NODE_FEATURE_UNSUPPORTED"},
    /* TS 29.109 §6.2.2 (Zh, Zn) */
    {V3, 5401, "DIAMETER_ERROR_IDENTITY_UNKNOWN"},
    {V3, 5402, "DIAMETER_ERROR_NOT_AUTHORIZED"},
    {V3, 5403, "DIAMETER_ERROR_TRANSACTION_IDENTIFIER_INVALID"},
};

/* ---- lookups -------------------------------------------------------------------------------- */

/* Compares two (major, minor) keys. */
static int cmp2(uint32_t a1, uint32_t a2, uint32_t b1, uint32_t b2)
{
    if (a1 != b1)
        return a1 < b1 ? -1 : 1;
    return a2 < b2 ? -1 : a2 > b2 ? 1 : 0;
}

static int avp_cmp(const void *key, const void *elt)
{
    const DiameterDictAvp *k = key, *e = elt;
    return cmp2(k->vendor, k->code, e->vendor, e->code);
}

const DiameterDictAvp *diameter_dict_avp(uint32_t code, uint32_t vendor)
{
    DiameterDictAvp key = {.code = code, .vendor = vendor};
    return bsearch(&key, avps, G_N_ELEMENTS(avps), sizeof avps[0], avp_cmp);
}

const DiameterDictAvp *diameter_dict_avps(guint *n)
{
    *n = G_N_ELEMENTS(avps);
    return avps;
}

static int cmd_cmp(const void *key, const void *elt)
{
    const DiameterDictCommand *k = key, *e = elt;
    return cmp2(k->app_id, k->code, e->app_id, e->code);
}

const DiameterDictCommand *diameter_dict_command(uint32_t app_id, uint32_t code)
{
    DiameterDictCommand key = {.app_id = app_id, .code = code};
    const DiameterDictCommand *c = bsearch(&key, commands, G_N_ELEMENTS(commands), sizeof commands[0], cmd_cmp);
    if (!c && app_id != DIAMETER_APP_COMMON) {
        key.app_id = DIAMETER_APP_COMMON;
        c = bsearch(&key, commands, G_N_ELEMENTS(commands), sizeof commands[0], cmd_cmp);
    }
    return c;
}

const char *diameter_dict_app_name(uint32_t app_id)
{
    for (guint i = 0; i < G_N_ELEMENTS(apps); i++) /* five rows */
        if (apps[i].id == app_id)
            return apps[i].name;
    return NULL;
}

static int enum_cmp(const void *key, const void *elt)
{
    uint32_t k = *(const uint32_t *)key, e = ((const DiameterDictEnum *)elt)->value;
    return k < e ? -1 : k > e ? 1 : 0;
}

const char *diameter_dict_enum_name(const DiameterDictAvp *avp, uint32_t value)
{
    if (!avp || !avp->values)
        return NULL;
    const DiameterDictEnum *e = bsearch(&value, avp->values, avp->n_values, sizeof avp->values[0], enum_cmp);
    return e ? e->name : NULL;
}

static int result_cmp(const void *key, const void *elt)
{
    const ResultName *k = key, *e = elt;
    return cmp2(k->vendor, k->code, e->vendor, e->code);
}

const char *diameter_dict_result_name(uint32_t vendor, uint32_t code)
{
    ResultName key = {.vendor = vendor, .code = code};
    const ResultName *r = bsearch(&key, results, G_N_ELEMENTS(results), sizeof results[0], result_cmp);
    return r ? r->name : NULL;
}

const char *diameter_avp_type_name(DiameterAvpType type)
{
    switch (type) {
    case DIAMETER_TYPE_OCTET_STRING: return "OctetString";
    case DIAMETER_TYPE_INTEGER32: return "Integer32";
    case DIAMETER_TYPE_INTEGER64: return "Integer64";
    case DIAMETER_TYPE_UNSIGNED32: return "Unsigned32";
    case DIAMETER_TYPE_UNSIGNED64: return "Unsigned64";
    case DIAMETER_TYPE_GROUPED: return "Grouped";
    case DIAMETER_TYPE_ADDRESS: return "Address";
    case DIAMETER_TYPE_TIME: return "Time";
    case DIAMETER_TYPE_UTF8_STRING: return "UTF8String";
    case DIAMETER_TYPE_DIAMETER_IDENTITY: return "DiameterIdentity";
    case DIAMETER_TYPE_DIAMETER_URI: return "DiameterURI";
    case DIAMETER_TYPE_ENUMERATED: return "Enumerated";
    }
    return "?";
}

/* ---- diameter_format ------------------------------------------------------------------------ */

#define FORMAT_MAX_BYTES 64 /* octet strings beyond this are cut in the dump */

static void format_hex(GString *out, const uint8_t *p, size_t len)
{
    size_t n = MIN(len, (size_t)FORMAT_MAX_BYTES);
    g_string_append(out, "0x");
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(out, "%02x", p[i]);
    if (n < len)
        g_string_append_printf(out, "... (%zu bytes)", len);
}

static void format_text(GString *out, const uint8_t *p, size_t len)
{
    size_t n = MIN(len, (size_t)4 * FORMAT_MAX_BYTES);
    if (!g_utf8_validate_len((const char *)p, len, NULL)) {
        format_hex(out, p, len);
        return;
    }
    g_string_append_c(out, '"');
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c == '"' || c == '\\')
            g_string_append_printf(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            g_string_append_printf(out, "\\x%02x", c);
        else
            g_string_append_c(out, (char)c);
    }
    g_string_append_c(out, '"');
    if (n < len)
        g_string_append_printf(out, "... (%zu bytes)", len);
}

static gboolean printable(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] < 0x20 || p[i] > 0x7e)
            return FALSE;
    return len > 0;
}

static uint32_t u32_of(const DiameterAvp *a)
{
    uint32_t v = 0;
    (void)diameter_avp_get_u32(a, &v);
    return v;
}

static void format_value(GString *out, const DiameterMsg *msg, const DiameterAvp *parent, const DiameterAvp *a,
                         const DiameterDictAvp *d)
{
    if (!d) {
        format_hex(out, a->data, a->len);
        return;
    }
    switch (d->type) {
    case DIAMETER_TYPE_OCTET_STRING:
        if (printable(a->data, a->len))
            format_text(out, a->data, a->len);
        else
            format_hex(out, a->data, a->len);
        break;
    case DIAMETER_TYPE_UTF8_STRING:
    case DIAMETER_TYPE_DIAMETER_IDENTITY:
    case DIAMETER_TYPE_DIAMETER_URI:
        format_text(out, a->data, a->len);
        break;
    case DIAMETER_TYPE_UNSIGNED32:
    case DIAMETER_TYPE_ENUMERATED:
    case DIAMETER_TYPE_TIME: {
        uint32_t v = u32_of(a);
        g_string_append_printf(out, "%u", v);
        const char *name = diameter_dict_enum_name(d, v);
        if (a->code == DIAMETER_AVP_RESULT_CODE && a->vendor == 0)
            name = diameter_dict_result_name(0, v);
        if (a->code == DIAMETER_AVP_EXPERIMENTAL_RESULT_CODE && a->vendor == 0 && parent)
            name = diameter_dict_result_name(u32_of(diameter_msg_find(msg, parent, DIAMETER_AVP_VENDOR_ID, 0)), v);
        if ((a->code == DIAMETER_AVP_VENDOR_ID || a->code == DIAMETER_AVP_SUPPORTED_VENDOR_ID) && a->vendor == 0 &&
            v == DIAMETER_VENDOR_3GPP)
            name = "3GPP";
        if ((a->code == DIAMETER_AVP_AUTH_APPLICATION_ID || a->code == DIAMETER_AVP_ACCT_APPLICATION_ID) &&
            a->vendor == 0)
            name = diameter_dict_app_name(v);
        if (name)
            g_string_append_printf(out, " (%s)", name);
        break;
    }
    case DIAMETER_TYPE_INTEGER32: {
        int32_t v = 0;
        (void)diameter_avp_get_i32(a, &v);
        g_string_append_printf(out, "%" G_GINT32_FORMAT, v);
        break;
    }
    case DIAMETER_TYPE_INTEGER64: {
        int64_t v = 0;
        (void)diameter_avp_get_i64(a, &v);
        g_string_append_printf(out, "%" G_GINT64_FORMAT, v);
        break;
    }
    case DIAMETER_TYPE_UNSIGNED64: {
        uint64_t v = 0;
        (void)diameter_avp_get_u64(a, &v);
        g_string_append_printf(out, "%" G_GUINT64_FORMAT, v);
        break;
    }
    case DIAMETER_TYPE_ADDRESS: {
        DiameterAddress addr;
        char text[INET6_ADDRSTRLEN];
        if (diameter_avp_get_address(a, &addr) &&
            inet_ntop(addr.family == DIAMETER_ADDRESS_IPV4 ? AF_INET : AF_INET6, addr.bytes, text, sizeof text))
            g_string_append(out, text);
        else
            format_hex(out, a->data, a->len);
        break;
    }
    case DIAMETER_TYPE_GROUPED:
        break;
    }
}

static void format_level(GString *out, const DiameterMsg *msg, const DiameterAvp *parent, const DiameterAvp *a)
{
    for (; a; a = diameter_avp_next(msg, a)) {
        const DiameterDictAvp *d = diameter_dict_avp(a->code, a->vendor);
        g_string_append_printf(out, "%*s%s(%u", (int)(2 * a->depth), "", d ? d->name : "AVP", a->code);
        if (a->flags & DIAMETER_AVP_FLAG_VENDOR)
            g_string_append_printf(out, ",%u", a->vendor);
        g_string_append_printf(out, ") [%c%c%c]", (a->flags & DIAMETER_AVP_FLAG_VENDOR) ? 'V' : '-',
                               (a->flags & DIAMETER_AVP_FLAG_MANDATORY) ? 'M' : '-',
                               (a->flags & DIAMETER_AVP_FLAG_PROTECTED) ? 'P' : '-');
        const DiameterAvp *child = diameter_avp_first_child(msg, a);
        if (!d || d->type != DIAMETER_TYPE_GROUPED) {
            g_string_append(out, " = ");
            format_value(out, msg, parent, a, d);
        } else if (!child && a->len > 0) { /* a group kept opaque (Failed-AVP) */
            g_string_append(out, " = ");
            format_hex(out, a->data, a->len);
        }
        g_string_append_c(out, '\n');
        if (child)
            format_level(out, msg, a, child); /* recursion depth <= DIAMETER_MAX_DEPTH */
    }
}

void diameter_format(const DiameterMsg *msg, GString *out)
{
    const DiameterHeader *h = diameter_msg_header(msg);
    const DiameterDictCommand *c = diameter_dict_command(h->app_id, h->command);
    gboolean req = (h->flags & DIAMETER_FLAG_REQUEST) != 0;
    const char *app = diameter_dict_app_name(h->app_id);
    g_string_append_printf(out, "%s (%s %s, %u) flags=[%c%c%c%c] app=%u%s%s%s hbh=0x%08x e2e=0x%08x len=%u\n",
                           c ? (req ? c->request_abbrev : c->answer_abbrev) : "?", c ? c->name : "Unknown",
                           req ? "Request" : "Answer", h->command, req ? 'R' : '-',
                           (h->flags & DIAMETER_FLAG_PROXIABLE) ? 'P' : '-',
                           (h->flags & DIAMETER_FLAG_ERROR) ? 'E' : '-',
                           (h->flags & DIAMETER_FLAG_RETRANSMIT) ? 'T' : '-', h->app_id, app ? " (" : "",
                           app ? app : "", app ? ")" : "", h->hop_by_hop, h->end_to_end, h->length);
    format_level(out, msg, NULL, diameter_msg_first(msg));
}
