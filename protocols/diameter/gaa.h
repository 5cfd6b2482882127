/* gaa.h: the GBA Diameter interfaces Zh (BSF ↔ HSS) and Zn (NAF ↔ BSF) of TS 29.109.
 *
 * Zh (§4.2, application 16777221, vendor 10415): Multimedia-Auth-Request/Answer (command 303), the
 * BSF asking the HSS for one authentication vector (SIP-Auth-Data-Item, scheme "Digest-AKAv1-MD5")
 * and the GBA user security settings (GBA-UserSecSettings, the GUSS XML of Annex A; gba-guss.h),
 * or resynchronising with RAND || AUTS.
 * Zn (§5.2, application 16777220, vendor 10415): Bootstrapping-Info-Request/Answer (BIR/BIA,
 * command 310), the NAF asking the BSF for Ks_NAF (ME-Key-Material), its expiry (Key-ExpiryTime),
 * the bootstrap time, the IMPI (User-Name) and the user's settings for this NAF's GAA service
 * (GBA-UserSecSettings) for a B-TID (Transaction-Identifier) and NAF-Id.
 * Same conventions as cx.h: plain structs in and out, builders write the AVPs in the ABNF order of
 * TS 29.109 §4.2 (Zh) and §5.2 (Zn): Session-Id, Vendor-Specific-Application-Id, on Zh only
 * Auth-Session-State NO_STATE_MAINTAINED (the Zn ABNF has none), Origin-Host/Realm,
 * Destination-Realm/-Host; parsers check command, R flag and application, fill copies, and the
 * _clear() functions free and wipe keys. Results: Result-Code or Experimental-Result (TS 29.109
 * §6.2.2: 5401 identity unknown, 5402 not authorized, 5403 invalid Transaction-Identifier).
 * Codes checked against Wireshark's diameter/dictionary.xml (AVPs 400-410, applications, command
 * 310) and its result-code list.
 * What it is not: Zpn, GBA push (GPR/GPA, AVPs 411-418), several GAA-Service-Identifiers per BIR,
 * UICC-Key-Material (GBA_U), GUSS-Timestamp handling.
 * Tests: tests/unit/test-gaa.c (round trips, Wireshark-compatible AVP codes, malformed input).
 */
#pragma once
#include "protocols/diameter/cx.h"

#define GAA_APP_ZH 16777221u
#define GAA_APP_ZN 16777220u
#define GAA_CMD_MA 303u  /* Multimedia-Auth (Zh reuses the Cx command, TS 29.109 §6.1) */
#define GAA_CMD_BI 310u  /* Bootstrapping-Info (Zn, TS 29.109 §6.1) */

/* AVP codes, vendor 10415, V and M set except GUSS-Timestamp (V only) (TS 29.109 §6.3, table
 * 6.3.1). Types: OctetString except Key-ExpiryTime, BootstrapInfoCreationTime, GUSS-Timestamp
 * (Time) and GBA_U-Awareness-Indicator, GBA-Type (Enumerated). */
typedef enum {
    GAA_AVP_GBA_USERSECSETTINGS = 400,
    GAA_AVP_TRANSACTION_IDENTIFIER = 401,
    GAA_AVP_NAF_ID = 402,
    GAA_AVP_GAA_SERVICE_IDENTIFIER = 403,
    GAA_AVP_KEY_EXPIRYTIME = 404,
    GAA_AVP_ME_KEY_MATERIAL = 405,
    GAA_AVP_UICC_KEY_MATERIAL = 406,
    GAA_AVP_GBA_U_AWARENESS_INDICATOR = 407,
    GAA_AVP_BOOTSTRAPINFOCREATIONTIME = 408,
    GAA_AVP_GUSS_TIMESTAMP = 409,
    GAA_AVP_GBA_TYPE = 410,
} GaaAvpCode;

/* Experimental-Result-Code values (vendor 10415), TS 29.109 §6.2.2. The HSS answers an unknown
 * IMPI/IMPU on Zh with 5401 (§6.2.2.1 DIAMETER_ERROR_IDENTITY_UNKNOWN), the BSF an unknown or
 * expired B-TID on Zn with 5403. */
#define GAA_ERROR_IMPI_UNKNOWN 5401u
#define GAA_ERROR_IDENTITY_UNKNOWN GAA_ERROR_IMPI_UNKNOWN /* the spec's name */
#define GAA_ERROR_NOT_AUTHORIZED 5402u
#define GAA_ERROR_TRANSACTION_IDENTIFIER_INVALID 5403u

/* GBA_U-Awareness-Indicator (§6.3.1): 0 NO (the default), 1 YES. */
#define GAA_GBA_U_AWARE_NO 0u
#define GAA_GBA_U_AWARE_YES 1u
/* GBA-Type (§6.3.1): which bootstrap ran; 0 = 3G GBA (the default), 1 = 2G GBA. */
#define GAA_GBA_TYPE_3G 0u
#define GAA_GBA_TYPE_2G 1u
/* Earlier names of the two GBA-Type values: the wire meaning is 3G GBA (0) / 2G GBA (1), not
 * GBA_ME / GBA_U (that is UICC-ME, AVP 414). A GBA_ME bootstrap with a USIM is 3G GBA. */
#define GAA_GBA_TYPE_ME GAA_GBA_TYPE_3G
#define GAA_GBA_TYPE_U GAA_GBA_TYPE_2G

/* Zh MAR (§4.2). User-Name and Public-Identity are both optional in the ABNF: the builder
 * needs at least one; the parser fills what came. */
typedef struct {
    CxCommon common;
    char *user_name;       /* IMPI (User-Name), NULL when absent */
    char *public_identity; /* optional IMPU, NULL when absent */
    uint32_t number_auth_items; /* always 1 on Zh: not on the wire (no SIP-Number-Auth-Items in the
                                 * Zh ABNF); the parser sets 1 */
    CxAuthDataItem item;   /* scheme; authorization = RAND||AUTS when resynchronising. Sent only
                            * when it holds a scheme or an authorization. */
} GaaZhMar;

/* Zh MAA (§4.2). */
typedef struct {
    CxCommon common;
    CxResult result;
    char *user_name;     /* NULL when absent */
    gboolean has_item;
    CxAuthDataItem item; /* authenticate = RAND||AUTN, authorization = XRES, CK, IK */
    char *guss;          /* GBA-UserSecSettings XML, NULL when absent */
} GaaZhMaa;

/* Zn BIR (§5.2). */
typedef struct {
    CxCommon common;
    char *transaction_identifier; /* B-TID */
    uint8_t naf_id[512];          /* NAF-Id octets: FQDN || Ua security protocol id (TS 33.220 Annex H) */
    size_t naf_id_len;
    gboolean has_gba_u_awareness;
    uint32_t gba_u_awareness;     /* 0 NO, 1 YES */
    gboolean has_gaa_service_identifier;
    uint32_t gaa_service_identifier; /* the GSID, 0..999999 (§6.3.1): the GAA service type code of
                                      * Annex B. On the wire an OctetString of decimal digits. */
} GaaZnBir;

/* Zn BIA (§5.2). */
typedef struct {
    CxCommon common;
    CxResult result;
    char *user_name;              /* IMPI, NULL when absent */
    gboolean has_me_key;
    uint8_t me_key[32];           /* ME-Key-Material: Ks_(ext)_NAF */
    gboolean has_key_expiry_time;
    uint64_t key_expiry_time;     /* Key-ExpiryTime (Time: NTP seconds since 1900; 32 bits on the wire,
                                   * sent modulo 2^32 as RFC 6733 §4.3.1 prescribes after 2036) */
    gboolean has_bootstrap_time;
    uint64_t bootstrap_time;      /* BootstrapInfoCreationTime (Time) */
    gboolean has_gba_type;
    uint32_t gba_type;
    char *guss;                   /* GBA-UserSecSettings XML (user's USS for this NAF), NULL when absent */
} GaaZnBia;

GBytes *gaa_zh_mar_build(const GaaZhMar *m, GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *gaa_zh_maa_build(const GaaZhMaa *m, GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *gaa_zn_bir_build(const GaaZnBir *m, GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *gaa_zn_bia_build(const GaaZnBia *m, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean gaa_zh_mar_parse(const DiameterMsg *msg, GaaZhMar *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean gaa_zh_maa_parse(const DiameterMsg *msg, GaaZhMaa *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean gaa_zn_bir_parse(const DiameterMsg *msg, GaaZnBir *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean gaa_zn_bia_parse(const DiameterMsg *msg, GaaZnBia *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void gaa_zh_mar_clear(GaaZhMar *m);
void gaa_zh_maa_clear(GaaZhMaa *m);
void gaa_zn_bir_clear(GaaZnBir *m);
void gaa_zn_bia_clear(GaaZnBia *m);
