/* tls-random.c: OpenSSL's RAND routed to seeded AES-256-CTR keystreams (see tls-random.h).
 *
 * DESIGN NOTES
 *
 * OpenSSL 3.0 still honours a RAND_METHOD set with RAND_set_rand_method(): RAND_bytes_ex() and
 * RAND_priv_bytes_ex() call RAND_get_rand_method() and, when it is not RAND_OpenSSL(), take their
 * bytes from its `bytes` member. Both paths matter for TLS: client/server randoms and CBC IVs use
 * RAND_bytes_ex(), ECDHE private keys and ECDSA nonces RAND_priv_bytes_ex() (via BN_priv_rand_*).
 * The API is deprecated in 3.0 but functional; the deprecation warnings are suppressed here only.
 *
 * The current stream is the top of a per-thread stack (entered / left around each call into
 * OpenSSL), so a thread with no stream selected, or another thread, falls through to
 * RAND_OpenSSL()'s own methods (its DRBG) and is unaffected.
 *
 * A stream is AES-256-CTR under the 32-octet seed, counter starting at zero, encrypting zeros:
 * the keystream itself. OpenSSL's cipher, no primitive of our own. Never for protecting anything real.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "protocols/tls/tls-random.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

struct TlsRandom {
    EVP_CIPHER_CTX *ctr; /* AES-256-CTR under the seed; its counter is the stream position */
};

/* The stack of current streams of this thread (innermost last). */
static _Thread_local GPtrArray *current_streams;

static TlsRandom *current_stream(void)
{
    if (current_streams == NULL || current_streams->len == 0)
        return NULL;
    return g_ptr_array_index(current_streams, current_streams->len - 1);
}

void tls_random_bytes(TlsRandom *r, uint8_t *out, size_t len)
{
    static const uint8_t zeros[256];
    g_return_if_fail(r != NULL);
    while (len > 0) {
        int n = len < sizeof zeros ? (int)len : (int)sizeof zeros;
        int outl = 0;
        /* CTR is a stream mode: output length equals input length, no padding, never fails on a
         * valid context. A failure here would be an OpenSSL bug; do not hand out unfilled bytes. */
        if (EVP_EncryptUpdate(r->ctr, out, &outl, zeros, n) != 1 || outl != n)
            g_error("tls-random: AES-256-CTR keystream failed");
        out += n;
        len -= (size_t)n;
    }
}

/* ------------------------------------------------------------------ the RAND_METHOD */

static int method_seed(const void *buf, int num)
{
    /* Seeding a simulation stream would break repeatability: only OpenSSL's own DRBG takes it. */
    if (current_stream() != NULL)
        return 1;
    const RAND_METHOD *def = RAND_OpenSSL();
    return def->seed != NULL ? def->seed(buf, num) : 1;
}

static int method_bytes(unsigned char *buf, int num)
{
    TlsRandom *r = current_stream();
    if (r == NULL) {
        const RAND_METHOD *def = RAND_OpenSSL();
        return def->bytes(buf, num);
    }
    if (num < 0)
        return 0;
    tls_random_bytes(r, buf, (size_t)num);
    return 1;
}

static void method_cleanup(void)
{
    const RAND_METHOD *def = RAND_OpenSSL();
    if (def->cleanup != NULL)
        def->cleanup();
}

static int method_add(const void *buf, int num, double randomness)
{
    if (current_stream() != NULL)
        return 1;
    const RAND_METHOD *def = RAND_OpenSSL();
    return def->add != NULL ? def->add(buf, num, randomness) : 1;
}

static int method_status(void)
{
    if (current_stream() != NULL)
        return 1;
    const RAND_METHOD *def = RAND_OpenSSL();
    return def->status != NULL ? def->status() : 1;
}

static RAND_METHOD presim_rand_method = {
    .seed = method_seed,
    .bytes = method_bytes,
    .cleanup = method_cleanup,
    .add = method_add,
    .pseudorand = method_bytes,
    .status = method_status,
};

void tls_random_install(void)
{
    static gsize done = 0;
    if (g_once_init_enter(&done)) {
        if (RAND_set_rand_method(&presim_rand_method) != 1)
            g_error("tls-random: RAND_set_rand_method failed");
        g_once_init_leave(&done, 1);
    }
}

/* ------------------------------------------------------------------ streams */

TlsRandom *tls_random_new(const uint8_t seed[TLS_RANDOM_SEED_LEN])
{
    static const uint8_t zero_iv[16];
    g_return_val_if_fail(seed != NULL, NULL);
    tls_random_install();
    TlsRandom *r = g_new0(TlsRandom, 1);
    r->ctr = EVP_CIPHER_CTX_new();
    if (r->ctr == NULL || EVP_EncryptInit_ex(r->ctr, EVP_aes_256_ctr(), NULL, seed, zero_iv) != 1)
        g_error("tls-random: cannot set up AES-256-CTR");
    return r;
}

void tls_random_free(TlsRandom *r)
{
    if (r == NULL)
        return;
    if (current_streams != NULL)
        g_return_if_fail(!g_ptr_array_find(current_streams, r, NULL)); /* freed while entered */
    EVP_CIPHER_CTX_free(r->ctr); /* wipes the key schedule */
    g_free(r);
}

void tls_random_enter(TlsRandom *r)
{
    g_return_if_fail(r != NULL);
    tls_random_install();
    if (current_streams == NULL)
        current_streams = g_ptr_array_new();
    g_ptr_array_add(current_streams, r);
}

void tls_random_leave(TlsRandom *r)
{
    g_return_if_fail(r != NULL);
    g_return_if_fail(current_stream() == r); /* enter and leave must pair like brackets */
    g_ptr_array_remove_index(current_streams, current_streams->len - 1);
}
