/* gba-guss.h: GBA User Security Settings (GUSS), the XML the HSS gives the BSF over Zh and the BSF
 * passes, filtered per NAF, over Zn (TS 29.109 Annex A, namespace "uri:3gpp-gaa").
 *
 *   <guss xmlns="uri:3gpp-gaa"><bsfElement><uiccType>GBA</uiccType><lifeTime>3600</lifeTime>
 *   </bsfElement><ussList><uss id="1" type="1" nafGroup="..."><uids><uid>sip:alice@home.net</uid>
 *   </uids><flags/></uss></ussList></guss>
 * Only what presim uses is modelled: the UICC type, the key lifetime, and per USS its id, GAA
 * service type (3 = presence, TS 29.109 §6.3), optional NAF group and the list of IMPUs (uids).
 * Parsing is bounded and refuses DTDs and entities (like protocols/pidf).
 * Tests: tests/unit/test-gba-guss.c.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

#define GBA_GUSS_NS "uri:3gpp-gaa"
/* GAA service types (TS 29.109 §6.3 GAA-Service-Identifier, Annex A uss type): 1 PKI portal,
 * 2 Authentication Proxy, 3 Presence, 4 MBMS, 5 Liberty Alliance. */
#define GBA_GAA_SERVICE_PRESENCE 3u

typedef struct {
    char *id;
    uint32_t type;     /* GAA service type */
    char *naf_group;   /* NULL when absent */
    GPtrArray *uids;   /* char*: IMPUs */
} GbaUss;

typedef struct {
    gboolean uicc_gba_u; /* uiccType GBA_U instead of GBA */
    uint32_t lifetime;   /* seconds; 0 when absent */
    GPtrArray *uss;      /* GbaUss*, owned */
} GbaGuss;

GbaGuss *gba_guss_new(void);
void gba_guss_free(GbaGuss *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GbaGuss, gba_guss_free)
/* Appends a USS; UIDS a NULL-terminated array (copied). Returns it. */
GbaUss *gba_guss_add_uss(GbaGuss *g, const char *id, uint32_t type, const char *naf_group, const char *const *uids);
/* The XML text (g_free). */
char *gba_guss_print(const GbaGuss *g);
/* Parse errors: GBA_ERROR_INVALID (gba-kdf.h). */
GbaGuss *gba_guss_parse(const char *xml, size_t len, GError **error);
/* A copy holding only the USSs of service TYPE (what the BSF sends a NAF, TS 33.220 §4.5.3). */
GbaGuss *gba_guss_filter(const GbaGuss *g, uint32_t type);
/* TRUE if IMPU is a uid of some USS of G. */
gboolean gba_guss_has_uid(const GbaGuss *g, const char *impu);
