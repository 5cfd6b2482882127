/* sad.h: the inbound Security Association Database: ESP SAs found by SPI.
 *
 * Why: an arriving ESP packet names its SA only by the SPI (RFC 4303 §2.1); for unicast SAs the
 * receiver chose that SPI and looks it up alone (RFC 4301 §4.4.2). TS 33.203 §7.1 has the UE and
 * the P-CSCF each pick the SPIs of their inbound SAs, so a per-node SPI table is exact.
 * What it is not: outbound SAs (they hang off the policies of spd.h, because two peers may
 * choose the same SPI for us), SA lifetimes, or IKE.
 * Cost: one GHashTable lookup per packet.
 * Tests: tests/unit/test-esp.c.
 */
#pragma once
#include "protocols/ipsec/esp-sa.h"

typedef struct EspSad EspSad;

/* An empty database. Free with esp_sad_free(), which frees every SA in it. */
EspSad *esp_sad_new(void);
void esp_sad_free(EspSad *sad);

/* Adds inbound SA, taking ownership in every case (freed here on failure): ESP_ERROR_INVALID for an
 * outbound SA, ESP_ERROR_EXISTS when its SPI is taken. */
gboolean esp_sad_add(EspSad *sad, EspSa *sa, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The SA for SPI, owned by SAD, or NULL. */
EspSa *esp_sad_lookup(const EspSad *sad, uint32_t spi);
/* Removes and frees the SA for SPI; FALSE if there is none. */
gboolean esp_sad_remove(EspSad *sad, uint32_t spi);
guint esp_sad_size(const EspSad *sad);

/* The SPI of an ESP packet (its first 4 octets); FALSE if LEN < 4. */
gboolean esp_packet_spi(const uint8_t *esp, size_t len, uint32_t *spi);

/* Looks the packet's SPI up and opens it with that SA (esp_sa_open()). ESP_OPEN_NO_SA, counted in
 * esp_sad_unknown_spi(), when no SA has the SPI; ESP_OPEN_MALFORMED (not counted per SA) when the
 * packet is too short to hold one. SA_OUT (may be NULL) gets the SA used, or NULL. */
EspOpenResult esp_sad_open(EspSad *sad, const uint8_t *esp, size_t len, GByteArray *payload_out,
                           uint8_t *next_header_out, EspSa **sa_out);
/* Packets whose SPI no SA had (including too-short ones). */
uint64_t esp_sad_unknown_spi(const EspSad *sad);
