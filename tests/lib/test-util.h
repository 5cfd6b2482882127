/* test-util.h: small helpers and fixtures the unit and component tests share: hex text to bytes,
 * running tshark, one AKA authentication vector for the Diameter codec tests.
 *
 * Every function asserts (g_assert / g_error) on failure: these are test helpers, not product code.
 */
#ifndef PRESIM_TESTS_TEST_UTIL_H
#define PRESIM_TESTS_TEST_UTIL_H

#include <glib.h>
#include <stdint.h>

/* The LEN bytes spelled by the 2 * LEN hex digits of TEXT (asserted well-formed). */
void test_unhex(const char *text, uint8_t *out, size_t len);

/* Whether tshark is on the PATH. */
gboolean test_have_tshark(void);
/* tshark's standard output for ARGS (NULL-terminated, without "tshark"); g_error() if it cannot run
 * or exits non-zero. Free with g_free(). */
char *test_run_tshark(const char *const *args);

/* One AKA vector as carried in Cx / Zh SIP-Auth-Data-Item (TS 29.229 §6.3.13, TS 29.109 §6.3.1):
 * RAND || AUTN, XRES, CK, IK, and RAND || AUTS of a resynchronisation. Bytes of no particular key. */
extern const uint8_t TEST_RAND_AUTN[32];
extern const uint8_t TEST_XRES[8];
extern const uint8_t TEST_CK[16];
extern const uint8_t TEST_IK[16];
extern const uint8_t TEST_RAND_AUTS[30];

#endif
