/* cx-private.h: the builder and parser steps that cx.c (Cx, TS 29.229) and gaa.c (Zh/Zn, TS 29.109)
 * share, implemented in cx-common.c. Not for use outside protocols/diameter/.
 *
 * Both interfaces carry the same head (Session-Id, Vendor-Specific-Application-Id with vendor 10415,
 * Result-Code or Experimental-Result, Origin-Host/-Realm, Destination-Realm/-Host: CxCommon and
 * CxResult) and the same SIP-Auth-Data-Item (TS 29.229 §6.3.13; TS 29.109 §4.2 reuses it). What
 * differs in the head is said by CxHead, so that each keeps its own ABNF order on the wire.
 */
#pragma once
#include "protocols/diameter/cx.h"

/* How a message's head differs between the ABNFs. */
typedef enum {
    CX__HEAD_SESSION_STATE = 1 << 0, /* Auth-Session-State NO_STATE_MAINTAINED before Origin-Host
                                      * (Cx TS 29.229 §6.1, Zh TS 29.109 §4.2; the Zn ABNF of §5.2 has none) */
    CX__HEAD_REALM_FIRST = 1 << 1,   /* requests: { Destination-Realm } before [ Destination-Host ]
                                      * (Zh, Zn); Cx puts the host first */
} CxHead;

/* ---- building ---- */

/* TRUE when VALUE is set; else a MISSING_AVP error naming WHAT. */
gboolean cx__need(const char *value, const char *what, GError **error);
/* Adds a string AVP when S is not NULL. */
void cx__add_opt_string(DiameterBuilder *b, uint32_t code, uint32_t vendor, const char *s);
/* A request's builder with the head written: flags R and P, Session-Id, Vendor-Specific-Application-Id
 * {10415, APP}, then as HEAD says. NULL with an error when Session-Id, Origin-Host, Origin-Realm or
 * Destination-Realm is missing. */
DiameterBuilder *cx__begin_request(const CxCommon *c, uint32_t command, uint32_t app, CxHead head,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* An answer's builder with the head written: flag P (and E for a 3xxx Result-Code, RFC 6733
 * §7.1.3), Session-Id, Vendor-Specific-Application-Id, Result-Code or Experimental-Result, then as
 * HEAD says, Origin-Host/-Realm. NULL with an error when Session-Id or Origin-Host/-Realm is missing. */
DiameterBuilder *cx__begin_answer(const CxCommon *c, const CxResult *r, uint32_t command, uint32_t app, CxHead head,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The bytes of B (or NULL with an error); frees B either way. */
GBytes *cx__finish(DiameterBuilder *b, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* SIP-Auth-Data-Item in the TS 29.229 §6.3.13 order. */
void cx__add_auth_item(DiameterBuilder *b, const CxAuthDataItem *it);

/* ---- parsing ---- */

/* TRUE when MSG is COMMAND of APP with the R flag as REQUEST asks; else an UNEXPECTED error naming
 * IFACE ("Cx", "Zh", "Zn"). */
gboolean cx__expect(const DiameterMsg *msg, const char *iface, uint32_t command, uint32_t app, gboolean request,
                    GError **error);
/* The dictionary name of an AVP, "AVP" when unknown (for error messages). */
const char *cx__avp_name(uint32_t code, uint32_t vendor);
/* A MISSING_AVP error naming the AVP; returns FALSE. */
gboolean cx__missing(uint32_t code, uint32_t vendor, GError **error);
/* A UTF-8 string AVP (or an OctetString that must hold text) under GROUP (NULL: top level) into
 * *OUT, g_malloc'd (NULL when absent and not REQUIRED). */
gboolean cx__get_str(const DiameterMsg *msg, const DiameterAvp *group, uint32_t code, uint32_t vendor,
                     gboolean required, char **out, GError **error);
/* An Unsigned32 / Enumerated / Time AVP; *PRESENT (may be NULL) tells whether it was there. */
gboolean cx__get_u32(const DiameterMsg *msg, const DiameterAvp *group, uint32_t code, uint32_t vendor,
                     gboolean required, uint32_t *out, gboolean *present, GError **error);
/* Copies the OctetString A of at most MAX bytes (EXACT: exactly MAX) into BUF, its length into *LEN. */
gboolean cx__get_octets(const DiameterAvp *a, uint8_t *buf, size_t max, gboolean exact, size_t *len,
                        GError **error);
/* The identifiers, Session-Id and Origin-Host/-Realm, and on a REQUEST Destination-Host/-Realm. Free
 * with cx__common_clear(), also after a failure. */
gboolean cx__parse_common(const DiameterMsg *msg, CxCommon *c, gboolean request, GError **error);
void cx__common_clear(CxCommon *c);
/* Result-Code, else Experimental-Result {Vendor-Id, Experimental-Result-Code}. */
gboolean cx__parse_result(const DiameterMsg *msg, CxResult *r, GError **error);
/* The SIP-Auth-Data-Item G into IT. Free with cx_auth_data_item_clear(), also after a failure. */
gboolean cx__parse_auth_item(const DiameterMsg *msg, const DiameterAvp *g, CxAuthDataItem *it, GError **error);
