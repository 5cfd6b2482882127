/* sim-addr.c: address parsing and matching. Text conversion is libc's inet_pton/inet_ntop. */
#include "sim-core/sim-addr.h"
#include "sim-core/sim-time.h"
#include <arpa/inet.h>
#include <string.h>

gboolean sim_addr_parse(const char *text, SimAddr *out)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return FALSE;
    if (inet_pton(AF_INET, text, out->bytes) == 1) {
        out->family = SIM_AF_INET;
        return TRUE;
    }
    if (inet_pton(AF_INET6, text, out->bytes) == 1) {
        out->family = SIM_AF_INET6;
        return TRUE;
    }
    memset(out, 0, sizeof *out);
    return FALSE;
}

gboolean sim_prefix_parse(const char *text, SimPrefix *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const char *slash = strchr(text, '/');
    g_autofree char *addr = slash ? g_strndup(text, (gsize)(slash - text)) : g_strdup(text);
    if (!sim_addr_parse(addr, &out->addr)) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "'%s' is not an IPv4 or IPv6 address", addr);
        return FALSE;
    }
    unsigned max = out->addr.family == SIM_AF_INET ? 32 : 128;
    if (!slash) {
        out->length = (uint8_t)max;
        return TRUE;
    }
    char *end = NULL;
    guint64 len = g_ascii_strtoull(slash + 1, &end, 10);
    if (end == slash + 1 || *end != '\0' || len > max) {
        g_set_error(error, SIM_PARSE_ERROR, 0, "'%s': prefix length must be 0..%u", text, max);
        return FALSE;
    }
    out->length = (uint8_t)len;
    return TRUE;
}

const char *sim_addr_to_string(const SimAddr *addr, char buf[SIM_ADDR_STRLEN])
{
    if (addr->family == SIM_AF_INET)
        inet_ntop(AF_INET, addr->bytes, buf, SIM_ADDR_STRLEN);
    else if (addr->family == SIM_AF_INET6)
        inet_ntop(AF_INET6, addr->bytes, buf, SIM_ADDR_STRLEN);
    else
        g_strlcpy(buf, "-", SIM_ADDR_STRLEN);
    return buf;
}

const char *sim_prefix_to_string(const SimPrefix *prefix, char buf[SIM_ADDR_STRLEN])
{
    char a[SIM_ADDR_STRLEN];
    g_snprintf(buf, SIM_ADDR_STRLEN, "%s/%u", sim_addr_to_string(&prefix->addr, a), prefix->length);
    return buf;
}

size_t sim_addr_len(const SimAddr *a)
{
    return a->family == SIM_AF_INET ? 4 : a->family == SIM_AF_INET6 ? 16 : 0;
}

gboolean sim_addr_equal(const SimAddr *a, const SimAddr *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, sim_addr_len(a)) == 0;
}

guint sim_addr_hash(const SimAddr *a)
{
    guint h = a->family;
    for (size_t i = 0; i < sim_addr_len(a); i++)
        h = h * 31 + a->bytes[i];
    return h;
}

gboolean sim_addr_is_unspecified(const SimAddr *a)
{
    for (size_t i = 0; i < sim_addr_len(a); i++)
        if (a->bytes[i])
            return FALSE;
    return TRUE;
}

void sim_addr_from_ipv4(SimAddr *out, const uint8_t bytes[4])
{
    memset(out, 0, sizeof *out);
    out->family = SIM_AF_INET;
    memcpy(out->bytes, bytes, 4);
}

void sim_addr_from_ipv6(SimAddr *out, const uint8_t bytes[16])
{
    out->family = SIM_AF_INET6;
    memcpy(out->bytes, bytes, 16);
}

gboolean sim_prefix_contains(const SimPrefix *prefix, const SimAddr *addr)
{
    if (prefix->addr.family != addr->family)
        return FALSE;
    unsigned full = prefix->length / 8, rest = prefix->length % 8;
    if (memcmp(prefix->addr.bytes, addr->bytes, full) != 0)
        return FALSE;
    if (rest) {
        uint8_t mask = (uint8_t)(0xff << (8 - rest));
        if ((prefix->addr.bytes[full] & mask) != (addr->bytes[full] & mask))
            return FALSE;
    }
    return TRUE;
}

SimPrefix sim_prefix_network(const SimPrefix *prefix)
{
    SimPrefix n = *prefix;
    size_t len = sim_addr_len(&n.addr);
    for (size_t i = 0; i < len; i++) {
        unsigned bit = (unsigned)i * 8;
        if (bit >= n.length)
            n.addr.bytes[i] = 0;
        else if (bit + 8 > n.length)
            n.addr.bytes[i] &= (uint8_t)(0xff << (8 - (n.length - bit)));
    }
    return n;
}
