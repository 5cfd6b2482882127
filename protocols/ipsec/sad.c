/* sad.c: inbound SAD keyed by SPI (RFC 4301 §4.4.2). */
#include "protocols/ipsec/sad.h"

struct EspSad {
    GHashTable *by_spi; /* GUINT_TO_POINTER(spi) -> EspSa*, owned */
    uint64_t unknown_spi;
};

static void sa_free(gpointer p)
{
    esp_sa_free(p);
}

EspSad *esp_sad_new(void)
{
    EspSad *sad = g_new0(EspSad, 1);
    sad->by_spi = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, sa_free);
    return sad;
}

void esp_sad_free(EspSad *sad)
{
    if (!sad)
        return;
    g_hash_table_destroy(sad->by_spi);
    g_free(sad);
}

gboolean esp_sad_add(EspSad *sad, EspSa *sa, GError **error)
{
    g_assert(sad && sa);
    uint32_t spi = esp_sa_spi(sa);
    if (esp_sa_direction(sa) != ESP_SA_INBOUND) {
        g_set_error(error, ESP_ERROR, ESP_ERROR_INVALID, "SAD: SA 0x%08x is not inbound", spi);
        esp_sa_free(sa);
        return FALSE;
    }
    if (g_hash_table_contains(sad->by_spi, GUINT_TO_POINTER(spi))) {
        g_set_error(error, ESP_ERROR, ESP_ERROR_EXISTS, "SAD: SPI 0x%08x is already in use", spi);
        esp_sa_free(sa);
        return FALSE;
    }
    g_hash_table_insert(sad->by_spi, GUINT_TO_POINTER(spi), sa);
    return TRUE;
}

EspSa *esp_sad_lookup(const EspSad *sad, uint32_t spi)
{
    return g_hash_table_lookup(sad->by_spi, GUINT_TO_POINTER(spi));
}

gboolean esp_sad_remove(EspSad *sad, uint32_t spi)
{
    return g_hash_table_remove(sad->by_spi, GUINT_TO_POINTER(spi));
}

guint esp_sad_size(const EspSad *sad)
{
    return g_hash_table_size(sad->by_spi);
}

gboolean esp_packet_spi(const uint8_t *esp, size_t len, uint32_t *spi)
{
    if (!esp || len < 4)
        return FALSE;
    *spi = (uint32_t)esp[0] << 24 | (uint32_t)esp[1] << 16 | (uint32_t)esp[2] << 8 | esp[3];
    return TRUE;
}

EspOpenResult esp_sad_open(EspSad *sad, const uint8_t *esp, size_t len, GByteArray *payload_out,
                           uint8_t *next_header_out, EspSa **sa_out)
{
    g_byte_array_set_size(payload_out, 0);
    *next_header_out = 0;
    if (sa_out)
        *sa_out = NULL;
    uint32_t spi = 0;
    if (!esp_packet_spi(esp, len, &spi)) {
        sad->unknown_spi++;
        return ESP_OPEN_MALFORMED;
    }
    EspSa *sa = esp_sad_lookup(sad, spi);
    if (!sa) {
        sad->unknown_spi++;
        return ESP_OPEN_NO_SA;
    }
    if (sa_out)
        *sa_out = sa;
    return esp_sa_open(sa, esp, len, payload_out, next_header_out);
}

uint64_t esp_sad_unknown_spi(const EspSad *sad)
{
    return sad->unknown_spi;
}
