/* cx.h: typed builders and parsers for the Cx messages the CSCFs and the HSS exchange
 * (TS 29.229 §6.1: UAR/UAA, MAR/MAA, SAR/SAA, LIR/LIA over application 16777216, vendor 10415).
 *
 * Plain structs in and out. A builder writes the AVPs in the order of the command's ABNF, with
 * the fixed ones TS 29.229 §6.1 asks for: Session-Id first, Vendor-Specific-Application-Id
 * {Vendor-Id 10415, Auth-Application-Id 16777216}, Auth-Session-State NO_STATE_MAINTAINED (1),
 * Origin-Host, Origin-Realm, and on requests Destination-Realm (and Destination-Host if given).
 * The caller gives the Session-Id (deterministic, e.g. "scscf.home.net;1;42") and the hop-by-hop
 * and end-to-end identifiers (an answer repeats its request's). Requests are sent with 'R' and
 * 'P'; answers with 'P', plus 'E' when the Result-Code is a protocol error (3xxx, RFC 6733 §7.1.3).
 *
 * A parser checks command, R flag and application, requires the AVPs the ABNF marks { } that we
 * use, and fills the struct with copies (strings are g_malloc'd; keys are copied into fixed
 * buffers). On failure the struct is left cleared. Free what a parser filled with the matching
 * _clear(), which also wipes key material. Unknown AVPs are ignored, as RFC 6733 §4.1 allows when
 * 'M' is clear (and we do not act as a server rejecting unknown 'M' AVPs here: that is the node's
 * call).
 *
 * What it is not: RTR/RTA and PPR/PPA (dictionary entries only), Supported-Features negotiation,
 * SIP-Digest-Authenticate, restoration procedures.
 */
#pragma once
#include "protocols/diameter/diameter-dict.h"

#define CX_SCHEME_AKAV1_MD5 "Digest-AKAv1-MD5" /* TS 33.203 §6.1, TS 29.229 §6.3.9 */
#define CX_AUTH_MAX 64 /* bytes kept of SIP-Authenticate / SIP-Authorization */
#define CX_KEY_LEN 16  /* CK and IK (TS 33.102 §6.3.2) */
#define CX_MAX_CAPABILITIES 8

/* The routing and session AVPs every Cx message carries. */
typedef struct {
    char *session_id;
    char *origin_host;
    char *origin_realm;
    char *destination_host;  /* requests: NULL when absent */
    char *destination_realm; /* requests only */
    uint32_t hop_by_hop;
    uint32_t end_to_end;
} CxCommon;

/* An answer's outcome: Result-Code (VENDOR 0) or Experimental-Result {Vendor-Id VENDOR,
 * Experimental-Result-Code CODE} (TS 29.229 §6.2). */
typedef struct {
    uint32_t vendor;
    uint32_t code;
} CxResult;

/* TRUE for 2xxx. */
gboolean cx_result_is_success(const CxResult *r);

/* Server-Capabilities (TS 29.229 §6.3.4). */
typedef struct {
    uint32_t mandatory[CX_MAX_CAPABILITIES];
    guint n_mandatory;
    uint32_t optional[CX_MAX_CAPABILITIES];
    guint n_optional;
    char *server_names[CX_MAX_CAPABILITIES];
    guint n_server_names;
} CxServerCapabilities;

/* SIP-Auth-Data-Item (TS 29.229 §6.3.13). For Digest-AKAv1-MD5 in an MAA: authenticate =
 * RAND || AUTN (32 bytes, §6.3.10), authorization = XRES (§6.3.11), CK and IK (§6.3.27, §6.3.28).
 * In an MAR asking for resynchronisation: authorization = RAND || AUTS (16 + 14 bytes, TS 33.203
 * §6.1.2, TS 29.229 §6.3.11), authenticate empty. */
typedef struct {
    gboolean has_item_number;
    uint32_t item_number;
    char *scheme; /* SIP-Authentication-Scheme; NULL when absent */
    uint8_t authenticate[CX_AUTH_MAX];
    size_t authenticate_len; /* 0: absent */
    uint8_t authorization[CX_AUTH_MAX];
    size_t authorization_len; /* 0: absent */
    gboolean has_ck, has_ik;
    uint8_t ck[CX_KEY_LEN];
    uint8_t ik[CX_KEY_LEN];
} CxAuthDataItem;

/* UAR (§6.1.1): I-CSCF → HSS at REGISTER. */
typedef struct {
    CxCommon common;
    char *user_name;       /* IMPI */
    char *public_identity; /* IMPU */
    char *visited_network_id;
    uint32_t user_authorization_type; /* CxUserAuthorizationType; REGISTRATION when absent */
} CxUar;

/* UAA (§6.1.2). */
typedef struct {
    CxCommon common;
    CxResult result;
    char *server_name; /* NULL when absent */
    gboolean has_server_capabilities;
    CxServerCapabilities server_capabilities;
} CxUaa;

/* MAR (§6.1.7): S-CSCF → HSS for authentication vectors, or to resynchronise. */
typedef struct {
    CxCommon common;
    char *user_name;
    char *public_identity;
    char *server_name;
    uint32_t number_auth_items;
    CxAuthDataItem item; /* scheme, and authorization = RAND||AUTS when resynchronising */
} CxMar;

/* MAA (§6.1.8). */
typedef struct {
    CxCommon common;
    CxResult result;
    char *user_name;       /* NULL when absent */
    char *public_identity; /* NULL when absent */
    gboolean has_number_auth_items;
    uint32_t number_auth_items;
    CxAuthDataItem *items; /* g_new'd array of N_ITEMS */
    guint n_items;
} CxMaa;

/* SAR (§6.1.3): S-CSCF → HSS at registration, deregistration, ... */
typedef struct {
    CxCommon common;
    char *user_name; /* NULL when absent */
    char *public_identity;
    char *server_name;
    uint32_t server_assignment_type;      /* CxServerAssignmentType */
    uint32_t user_data_already_available; /* CxUserDataAlreadyAvailable */
} CxSar;

/* SAA (§6.1.4). */
typedef struct {
    CxCommon common;
    CxResult result;
    char *user_name;  /* NULL when absent */
    char *user_data;  /* the IMS subscription XML (TS 29.228 annex E), NULL when absent */
    gboolean has_charging_information;
    char *primary_event_charging_function;        /* the four DiameterURIs; each NULL when absent */
    char *secondary_event_charging_function;
    char *primary_charging_collection_function;
    char *secondary_charging_collection_function;
} CxSaa;

/* LIR (§6.1.5): I-CSCF → HSS for a terminating request. */
typedef struct {
    CxCommon common;
    char *public_identity;
    gboolean originating_request; /* Originating-Request ORIGINATING present */
} CxLir;

/* LIA (§6.1.6). */
typedef struct {
    CxCommon common;
    CxResult result;
    char *server_name; /* NULL when absent */
    gboolean has_server_capabilities;
    CxServerCapabilities server_capabilities;
} CxLia;

/* Builders: the message bytes, or NULL with an error if a required field is NULL or a length
 * overflows. g_bytes_unref() the result. */
GBytes *cx_uar_build(const CxUar *m, GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *cx_uaa_build(const CxUaa *m, GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *cx_mar_build(const CxMar *m, GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *cx_maa_build(const CxMaa *m, GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *cx_sar_build(const CxSar *m, GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *cx_saa_build(const CxSaa *m, GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *cx_lir_build(const CxLir *m, GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *cx_lia_build(const CxLia *m, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Parsers: OUT is cleared first and valid only on TRUE. */
gboolean cx_uar_parse(const DiameterMsg *msg, CxUar *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean cx_uaa_parse(const DiameterMsg *msg, CxUaa *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean cx_mar_parse(const DiameterMsg *msg, CxMar *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean cx_maa_parse(const DiameterMsg *msg, CxMaa *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean cx_sar_parse(const DiameterMsg *msg, CxSar *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean cx_saa_parse(const DiameterMsg *msg, CxSaa *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean cx_lir_parse(const DiameterMsg *msg, CxLir *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean cx_lia_parse(const DiameterMsg *msg, CxLia *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Free what a parser (or the caller, with g_malloc'd strings) put in the struct and zero it;
 * key material is wiped. */
void cx_uar_clear(CxUar *m);
void cx_uaa_clear(CxUaa *m);
void cx_mar_clear(CxMar *m);
void cx_maa_clear(CxMaa *m);
void cx_sar_clear(CxSar *m);
void cx_saa_clear(CxSaa *m);
void cx_lir_clear(CxLir *m);
void cx_lia_clear(CxLia *m);
void cx_auth_data_item_clear(CxAuthDataItem *item);
