/* gaa.h: the GBA Diameter interfaces Zh (BSF ↔ HSS) and Zn (NAF ↔ BSF) of TS 29.109.
 *
 * Zh (§4.1, application 16777221, vendor 10415): Multimedia-Auth-Request/Answer (command 303), the
 * BSF asking the HSS for one authentication vector (SIP-Auth-Data-Item, scheme "Digest-AKAv1-MD5")
 * and the GBA user security settings (GBA-UserSecSettings, the GUSS XML of Annex A; gba-guss.h),
 * or resynchronising with RAND || AUTS.
 * Zn (§4.2, application 16777220, vendor 10415): Bootstrapping-Info-Request/Answer (BIR/BIA,
 * command 310), the NAF asking the BSF for Ks_NAF (ME-Key-Material), its expiry (Key-ExpiryTime),
 * the bootstrap time, the IMPI (User-Name) and the user's settings for this NAF's GAA service
 * (GBA-UserSecSettings) for a B-TID (Transaction-Identifier) and NAF-Id.
 * Same conventions as cx.h: plain structs in and out, builders write the AVPs in the ABNF order of
 * TS 29.109 §5 with Session-Id, Vendor-Specific-Application-Id, Auth-Session-State
 * NO_STATE_MAINTAINED, Origin-Host/Realm, Destination-Realm/-Host; parsers check command, R flag and
 * application, fill copies, and the _clear() functions free and wipe keys. Results: Result-Code or
 * Experimental-Result (TS 29.109 §6.3: 5401 IMPI unknown, 5402 not authorized, 5403 invalid
 * Transaction-Identifier).
 * Tests: tests/unit/test-gaa.c (round trips, Wireshark-compatible AVP codes, malformed input).
 */
#pragma once
#include "protocols/diameter/cx.h"

#define GAA_APP_ZH 16777221u
#define GAA_APP_ZN 16777220u
#define GAA_CMD_MA 303u  /* Multimedia-Auth (Zh reuses the Cx command, TS 29.109 §5.1) */
#define GAA_CMD_BI 310u  /* Bootstrapping-Info (Zn, TS 29.109 §5.2) */

/* Experimental-Result-Code values (vendor 10415), TS 29.109 §6.3. */
#define GAA_ERROR_IMPI_UNKNOWN 5401u
#define GAA_ERROR_NOT_AUTHORIZED 5402u
#define GAA_ERROR_TRANSACTION_IDENTIFIER_INVALID 5403u

/* GBA_U-Awareness-Indicator and GBA-Type (TS 29.109 §6.3). */
#define GAA_GBA_TYPE_ME 0u
#define GAA_GBA_TYPE_U 1u

/* Zh MAR (§5.1.1). */
typedef struct {
    CxCommon common;
    char *user_name;       /* IMPI (User-Name) */
    char *public_identity; /* optional IMPU, NULL when absent */
    uint32_t number_auth_items; /* 1 */
    CxAuthDataItem item;   /* scheme; authorization = RAND||AUTS when resynchronising */
} GaaZhMar;

/* Zh MAA (§5.1.2). */
typedef struct {
    CxCommon common;
    CxResult result;
    char *user_name;     /* NULL when absent */
    gboolean has_item;
    CxAuthDataItem item; /* authenticate = RAND||AUTN, authorization = XRES, CK, IK */
    char *guss;          /* GBA-UserSecSettings XML, NULL when absent */
} GaaZhMaa;

/* Zn BIR (§5.2.1). */
typedef struct {
    CxCommon common;
    char *transaction_identifier; /* B-TID */
    uint8_t naf_id[512];          /* NAF-Id octets: FQDN || Ua security protocol id (TS 33.220 Annex H) */
    size_t naf_id_len;
    gboolean has_gba_u_awareness;
    uint32_t gba_u_awareness;     /* 0 NO, 1 YES */
    gboolean has_gaa_service_identifier;
    uint32_t gaa_service_identifier; /* GAA-Service-Identifier: 1 = presence (TS 29.109 §6.3.4) */
} GaaZnBir;

/* Zn BIA (§5.2.2). */
typedef struct {
    CxCommon common;
    CxResult result;
    char *user_name;              /* IMPI, NULL when absent */
    gboolean has_me_key;
    uint8_t me_key[32];           /* ME-Key-Material: Ks_(ext)_NAF */
    gboolean has_key_expiry_time;
    uint64_t key_expiry_time;     /* Key-ExpiryTime (Time: NTP seconds since 1900) */
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
