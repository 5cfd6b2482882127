/* test-util.c: see test-util.h. */
#include "tests/lib/test-util.h"
#include <string.h>

void test_unhex(const char *text, uint8_t *out, size_t len)
{
    g_assert_cmpuint(strlen(text), ==, 2 * len);
    for (size_t i = 0; i < len; i++) {
        int hi = g_ascii_xdigit_value(text[2 * i]), lo = g_ascii_xdigit_value(text[2 * i + 1]);
        g_assert_true(hi >= 0 && lo >= 0);
        out[i] = (uint8_t)(hi << 4 | lo);
    }
}

gboolean test_have_tshark(void)
{
    g_autofree char *prog = g_find_program_in_path("tshark");
    return prog != NULL;
}

char *test_run_tshark(const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, "tshark");
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    char *out = NULL, *err = NULL;
    int status = 0;
    gboolean ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                               NULL);
    g_ptr_array_free(argv, TRUE);
    if (!ok || !g_spawn_check_wait_status(status, NULL))
        g_error("tshark failed: %s", err ? err : "?");
    g_free(err);
    return out;
}

const uint8_t TEST_RAND_AUTN[32] = {0x23, 0x55, 0x3c, 0xbe, 0x96, 0x37, 0xa8, 0x9d, 0x21, 0x8a, 0xe6,
                                    0x4d, 0xae, 0x47, 0xbf, 0x35, 0x55, 0x5d, 0x4e, 0x6b, 0x0f, 0xa8,
                                    0x80, 0x00, 0x1b, 0x6f, 0x8d, 0x0e, 0x50, 0x4c, 0x7a, 0x21};
const uint8_t TEST_XRES[8] = {0xa5, 0x42, 0x11, 0xd5, 0xe3, 0xba, 0x50, 0xbf};
const uint8_t TEST_CK[16] = {0xb4, 0x0b, 0xa9, 0xa3, 0xc5, 0x8b, 0x2a, 0x05,
                             0xbb, 0xf0, 0xd9, 0x87, 0xb2, 0x1b, 0xf8, 0xcb};
const uint8_t TEST_IK[16] = {0xf7, 0x69, 0xbc, 0xd7, 0x51, 0x04, 0x46, 0x04,
                             0x12, 0x76, 0x72, 0x71, 0x1c, 0x6d, 0x34, 0x41};
const uint8_t TEST_RAND_AUTS[30] = {0x23, 0x55, 0x3c, 0xbe, 0x96, 0x37, 0xa8, 0x9d, 0x21, 0x8a,
                                    0xe6, 0x4d, 0xae, 0x47, 0xbf, 0x35, 0x01, 0x02, 0x03, 0x04,
                                    0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e};
