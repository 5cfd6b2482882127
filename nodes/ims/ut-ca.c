/* ut-ca.c: the run's CA and TLS seeds (ut-ca.h). */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_NODE
#include "nodes/ims/ut-ca.h"
#include <string.h>

#define UT_CA_KEY "ut-ca"
#define UT_DAY INT64_C(86400)
#define UT_VALIDITY (UT_DAY * 3653) /* ten years */

/* SHA-256 over the world seed and the given strings, each preceded by its length. */
static void derive(uint64_t world_seed, const char *const *parts, size_t n, uint8_t out[32])
{
    GChecksum *ctx = g_checksum_new(G_CHECKSUM_SHA256);
    uint8_t s[8];
    for (int i = 0; i < 8; i++)
        s[i] = (uint8_t)(world_seed >> (56 - 8 * i));
    g_checksum_update(ctx, s, sizeof s);
    for (size_t i = 0; i < n; i++) {
        uint32_t len = (uint32_t)strlen(parts[i]);
        uint8_t l[4] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len};
        g_checksum_update(ctx, l, sizeof l);
        g_checksum_update(ctx, (const guchar *)parts[i], len);
    }
    gsize dlen = 32;
    g_checksum_get_digest(ctx, out, &dlen);
    g_checksum_free(ctx);
}

const TlsCa *ut_ca(SimWorld *world, GError **error)
{
    TlsCa *ca = sim_world_get_shared(world, UT_CA_KEY);
    if (ca)
        return ca;
    uint8_t seed[TLS_RANDOM_SEED_LEN];
    const char *parts[] = {"ut-ca"};
    derive(world->seed, parts, 1, seed);
    TlsRandom *rng = tls_random_new(seed);
    ca = tls_ca_new("presim scenario CA", UT_EPOCH_UNIX - UT_DAY, UT_EPOCH_UNIX + UT_VALIDITY, rng, error);
    tls_random_free(rng);
    if (ca)
        sim_world_set_shared(world, UT_CA_KEY, ca, (GDestroyNotify)tls_ca_free);
    return ca;
}

const TlsCredentials *ut_ca_credentials(SimWorld *world, const char *host_name, GError **error)
{
    g_autofree char *key = g_strconcat("ut-cert:", host_name, NULL);
    TlsCredentials *creds = sim_world_get_shared(world, key);
    if (creds)
        return creds;
    TlsCa *ca = (TlsCa *)ut_ca(world, error);
    if (!ca)
        return NULL;
    uint8_t seed[TLS_RANDOM_SEED_LEN];
    const char *parts[] = {"ut-cert", host_name};
    derive(world->seed, parts, 2, seed);
    uint64_t serial = 0; /* from the host name, so it does not depend on creation order */
    for (int i = 0; i < 8; i++)
        serial = serial << 8 | seed[24 + i];
    serial = (serial >> 1) | 1; /* positive and not zero (RFC 5280 §4.1.2.2) */
    TlsRandom *rng = tls_random_new(seed);
    creds = tls_ca_issue(ca, host_name, serial, UT_EPOCH_UNIX - UT_DAY, UT_EPOCH_UNIX + UT_VALIDITY, rng, error);
    tls_random_free(rng);
    if (creds)
        sim_world_set_shared(world, key, creds, (GDestroyNotify)tls_credentials_free);
    return creds;
}

int64_t ut_unix_time(const SimWorld *world)
{
    return UT_EPOCH_UNIX + sim_world_now(world) / INT64_C(1000000000);
}

void ut_tls_seed(const SimNode *node, const char *what, uint64_t ordinal, uint8_t seed[TLS_RANDOM_SEED_LEN])
{
    char ord[24];
    g_snprintf(ord, sizeof ord, "%" G_GUINT64_FORMAT, ordinal);
    const char *parts[] = {"ut-tls", node->name, what, ord};
    derive(node->world->seed, parts, 4, seed);
}
