/* sim-rng.c: named deterministic random streams on GRand, seeded by SHA-256(seed || name). */
#include "sim-core/sim-rng.h"
#include <math.h>
#include <string.h>

struct SimRng {
    GRand *rand;
};

SimRng *sim_rng_new(uint64_t seed, const char *stream_name)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    uint8_t le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (uint8_t)(seed >> (8 * i));
    g_checksum_update(sum, le, sizeof le);
    g_checksum_update(sum, (const guchar *)stream_name, (gssize)strlen(stream_name));
    uint8_t digest[32];
    gsize dlen = sizeof digest;
    g_checksum_get_digest(sum, digest, &dlen);
    g_checksum_free(sum);

    guint32 words[8];
    for (int i = 0; i < 8; i++)
        words[i] = (guint32)digest[4 * i] | (guint32)digest[4 * i + 1] << 8 | (guint32)digest[4 * i + 2] << 16 |
                   (guint32)digest[4 * i + 3] << 24;
    SimRng *rng = g_new0(SimRng, 1);
    rng->rand = g_rand_new_with_seed_array(words, 8);
    return rng;
}

void sim_rng_free(SimRng *rng)
{
    if (!rng)
        return;
    g_rand_free(rng->rand);
    g_free(rng);
}

uint32_t sim_rng_uint32(SimRng *rng)
{
    return g_rand_int(rng->rand);
}

uint64_t sim_rng_uint64(SimRng *rng)
{
    uint64_t hi = g_rand_int(rng->rand);
    return hi << 32 | g_rand_int(rng->rand);
}

double sim_rng_double(SimRng *rng)
{
    /* 53 random bits, exactly representable: identical on every IEEE-754 machine. */
    return (double)(sim_rng_uint64(rng) >> 11) * (1.0 / 9007199254740992.0);
}

int64_t sim_rng_range(SimRng *rng, int64_t lo, int64_t hi)
{
    g_return_val_if_fail(lo <= hi, lo);
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
    if (span == 0) /* the whole int64 range */
        return (int64_t)sim_rng_uint64(rng);
    /* Rejection sampling removes modulo bias. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    uint64_t r;
    do
        r = sim_rng_uint64(rng);
    while (r >= limit);
    return (int64_t)((uint64_t)lo + r % span);
}

double sim_rng_exponential(SimRng *rng, double mean)
{
    return -mean * log1p(-sim_rng_double(rng));
}

gboolean sim_rng_bernoulli(SimRng *rng, double p)
{
    double u = sim_rng_double(rng);
    return u < p;
}

void sim_rng_bytes(SimRng *rng, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i += 4) {
        uint32_t w = g_rand_int(rng->rand);
        for (size_t j = 0; j < 4 && i + j < len; j++)
            out[i + j] = (uint8_t)(w >> (8 * j));
    }
}
