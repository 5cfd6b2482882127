/* milenage.h: the MILENAGE algorithm set (3GPP TS 35.206): OPc, f1, f1*, f2, f3, f4, f5, f5*.
 *
 * Why: IMS AKA (aka.h) needs the authentication and key generation functions of the USIM/ISIM
 * and of the AuC; MILENAGE is the 3GPP example set every test network uses (TS 35.208 vectors).
 * What it is not: AKA itself (SQN handling, AUTN, AUTS are in aka.h). AES-128 is OpenSSL's
 * (EVP, ECB on single blocks); nothing here implements the cipher.
 * Spec: TS 35.206 §4.1 (OPc, TEMP, OUT1..OUT5 with the rotations r1..r5 and constants c1..c5).
 * Known answers: tests/unit/test-milenage.c and shared/vectors/milenage.txt.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

#define MILENAGE_KEY_LEN 16  /* K, OP, OPc */
#define MILENAGE_RAND_LEN 16
#define MILENAGE_SQN_LEN 6
#define MILENAGE_AMF_LEN 2
#define MILENAGE_MAC_LEN 8   /* MAC-A (f1), MAC-S (f1*) */
#define MILENAGE_RES_LEN 8   /* RES / XRES (f2) */
#define MILENAGE_CK_LEN 16   /* f3 */
#define MILENAGE_IK_LEN 16   /* f4 */
#define MILENAGE_AK_LEN 6    /* AK (f5), AK* (f5*) */

#define MILENAGE_ERROR (milenage_error_quark())
GQuark milenage_error_quark(void);
typedef enum { MILENAGE_ERROR_CRYPTO = 1 } MilenageError; /* OpenSSL refused (out of memory) */

/* A subscriber's MILENAGE context: K (and its AES key schedule) and OPc. Holds key material;
 * milenage_free() wipes it. */
typedef struct Milenage Milenage;

/* OPc = OP xor E_K(OP) (TS 35.206 §4.1). For provisioning: the AuC and USIM normally store OPc. */
gboolean milenage_compute_opc(const uint8_t k[MILENAGE_KEY_LEN], const uint8_t op[MILENAGE_KEY_LEN],
                              uint8_t opc[MILENAGE_KEY_LEN], GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* A context for K and OPc (copied). NULL (and ERROR set) only if OpenSSL fails. Free with
 * milenage_free(). */
Milenage *milenage_new(const uint8_t k[MILENAGE_KEY_LEN], const uint8_t opc[MILENAGE_KEY_LEN], GError **error);
/* Wipes K, OPc and the key schedule. NULL is allowed. */
void milenage_free(Milenage *m);

/* f1 and f1*: MAC-A = OUT1[0..63], MAC-S = OUT1[64..127]. Either output may be NULL. For f1* in a
 * resynchronisation the caller passes SQN_MS and AMF = 00 00 (TS 33.102 §6.3.3). */
gboolean milenage_f1(Milenage *m, const uint8_t rand[MILENAGE_RAND_LEN], const uint8_t sqn[MILENAGE_SQN_LEN],
                     const uint8_t amf[MILENAGE_AMF_LEN], uint8_t mac_a[MILENAGE_MAC_LEN],
                     uint8_t mac_s[MILENAGE_MAC_LEN], GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* f2, f3, f4, f5: RES = OUT2[64..127], CK = OUT3, IK = OUT4, AK = OUT2[0..47]. Any output may be
 * NULL (its block cipher call is then skipped). */
gboolean milenage_f2345(Milenage *m, const uint8_t rand[MILENAGE_RAND_LEN], uint8_t res[MILENAGE_RES_LEN],
                        uint8_t ck[MILENAGE_CK_LEN], uint8_t ik[MILENAGE_IK_LEN], uint8_t ak[MILENAGE_AK_LEN],
                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* f5*: AK* = OUT5[0..47], the anonymity key of AUTS (TS 33.102 §6.3.3). */
gboolean milenage_f5star(Milenage *m, const uint8_t rand[MILENAGE_RAND_LEN], uint8_t ak_star[MILENAGE_AK_LEN],
                         GError **error) G_GNUC_WARN_UNUSED_RESULT;
