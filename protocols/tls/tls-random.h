/* tls-random.h: deterministic randomness for OpenSSL, so that TLS runs are repeatable.
 *
 * Why: a simulation must give byte-identical outputs for the same scenario and seed, but TLS draws
 * client/server randoms, ECDHE keys, ECDSA nonces and CBC IVs from OpenSSL's RAND. We install a
 * RAND_METHOD (once per process) whose bytes come from the *current stream*: AES-256-CTR keystream
 * (OpenSSL's cipher, not our own primitive) under a 32-octet key the caller derives from the run's
 * seed and the connection's name. Code that owns a stream selects it around every call into
 * OpenSSL (tls_random_enter / tls_random_leave, nestable). With no stream selected the calls go to
 * OpenSSL's own DRBG, so code outside the simulation (presim-vectors, tests) is unaffected.
 * The streams are for simulation repeatability only, never for protecting anything real.
 * Tests: tests/unit/test-tls.c (two runs with the same seeds give identical records).
 */
#pragma once
#include <glib.h>
#include <stdint.h>

#define TLS_RANDOM_SEED_LEN 32

typedef struct TlsRandom TlsRandom;

/* Installs the RAND_METHOD; idempotent. */
void tls_random_install(void);
TlsRandom *tls_random_new(const uint8_t seed[TLS_RANDOM_SEED_LEN]);
void tls_random_free(TlsRandom *r);
/* Makes R the current stream until the matching leave (calls nest like a stack). */
void tls_random_enter(TlsRandom *r);
void tls_random_leave(TlsRandom *r);
/* Fills OUT from R directly (e.g. for nonces outside OpenSSL). */
void tls_random_bytes(TlsRandom *r, uint8_t *out, size_t len);
