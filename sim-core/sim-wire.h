/* sim-wire.h: little-endian byte streams for what the ranks of a distributed run send each other
 * (trace records, report trees, link counters; see analysis/trace-record.h, sim-report-wire.h).
 *
 * Writers append to a GByteArray. Readers are bounds-checked: a short or corrupt stream sets
 * `bad` and every later read returns zeros/NULL, so callers check once at the end. Strings are a
 * u32 length (0xFFFFFFFF: NULL) and the octets, not NUL-terminated on the wire.
 */
#pragma once
#include <glib.h>
#include <stdint.h>
#include <string.h>

static inline void sim_wire_put_u8(GByteArray *b, uint8_t v)
{
    g_byte_array_append(b, &v, 1);
}

static inline void sim_wire_put_u32(GByteArray *b, uint32_t v)
{
    uint32_t le = GUINT32_TO_LE(v);
    g_byte_array_append(b, (const guint8 *)&le, 4);
}

static inline void sim_wire_put_u64(GByteArray *b, uint64_t v)
{
    uint64_t le = GUINT64_TO_LE(v);
    g_byte_array_append(b, (const guint8 *)&le, 8);
}

/* A double as its IEEE 754 bits (exact, unlike any decimal form). */
static inline void sim_wire_put_f64(GByteArray *b, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, 8);
    sim_wire_put_u64(b, bits);
}

static inline void sim_wire_put_bytes(GByteArray *b, const void *data, uint32_t len)
{
    sim_wire_put_u32(b, len);
    if (len)
        g_byte_array_append(b, data, len);
}

static inline void sim_wire_put_str(GByteArray *b, const char *s)
{
    if (!s)
        sim_wire_put_u32(b, UINT32_MAX);
    else
        sim_wire_put_bytes(b, s, (uint32_t)strlen(s));
}

typedef struct {
    const uint8_t *p, *end;
    gboolean bad;
} SimWireReader;

static inline SimWireReader sim_wire_reader(const void *data, size_t len)
{
    return (SimWireReader){.p = data, .end = (const uint8_t *)data + len, .bad = FALSE};
}

static inline gboolean sim_wire_done(const SimWireReader *r)
{
    return r->bad || r->p == r->end;
}

static inline const uint8_t *sim_wire_take(SimWireReader *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = TRUE;
        return NULL;
    }
    const uint8_t *at = r->p;
    r->p += n;
    return at;
}

static inline uint8_t sim_wire_u8(SimWireReader *r)
{
    const uint8_t *p = sim_wire_take(r, 1);
    return p ? *p : 0;
}

static inline uint32_t sim_wire_u32(SimWireReader *r)
{
    const uint8_t *p = sim_wire_take(r, 4);
    uint32_t v = 0;
    if (p)
        memcpy(&v, p, 4);
    return GUINT32_FROM_LE(v);
}

static inline uint64_t sim_wire_u64(SimWireReader *r)
{
    const uint8_t *p = sim_wire_take(r, 8);
    uint64_t v = 0;
    if (p)
        memcpy(&v, p, 8);
    return GUINT64_FROM_LE(v);
}

static inline double sim_wire_f64(SimWireReader *r)
{
    uint64_t bits = sim_wire_u64(r);
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

/* LEN octets in place (valid as long as the stream); NULL when short. */
static inline const uint8_t *sim_wire_bytes(SimWireReader *r, uint32_t *len)
{
    *len = sim_wire_u32(r);
    if (r->bad)
        return NULL;
    return sim_wire_take(r, *len);
}

/* The same with a u64 length (blobs that may pass 4 GiB). */
static inline void sim_wire_put_bytes64(GByteArray *b, const void *data, uint64_t len)
{
    sim_wire_put_u64(b, len);
    if (len)
        g_byte_array_append(b, data, (guint)len);
}

static inline const uint8_t *sim_wire_bytes64(SimWireReader *r, uint64_t *len)
{
    *len = sim_wire_u64(r);
    if (r->bad || *len > (uint64_t)(r->end - r->p)) {
        r->bad = TRUE;
        return NULL;
    }
    return sim_wire_take(r, (size_t)*len);
}

/* A newly allocated copy (NULL for a NULL string, or when the stream is short or holds a NUL). */
static inline char *sim_wire_str(SimWireReader *r)
{
    uint32_t len = sim_wire_u32(r);
    if (r->bad || len == UINT32_MAX)
        return NULL;
    const uint8_t *p = sim_wire_take(r, len);
    if (!p || memchr(p, 0, len)) {
        r->bad = TRUE;
        return NULL;
    }
    return g_strndup((const char *)p, len);
}
