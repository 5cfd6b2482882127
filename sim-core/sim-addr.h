/* sim-addr.h: IPv4 and IPv6 addresses and prefixes as the simulator's nodes and links use them.
 * Text forms are the usual ones (inet_pton): "10.0.1.2", "2001:db8::1", prefixes "10.0.1.0/24".
 * Addresses are plain values (no allocation); compare with sim_addr_equal, never memcmp of padding. */
#pragma once
#include <glib.h>
#include <stdint.h>

typedef enum { SIM_AF_NONE = 0, SIM_AF_INET = 4, SIM_AF_INET6 = 6 } SimAddrFamily;

typedef struct {
    uint8_t family;    /* SimAddrFamily */
    uint8_t bytes[16]; /* network byte order; IPv4 uses the first 4 */
} SimAddr;

typedef struct {
    SimAddr addr;    /* host bits may be set when it names an interface address */
    uint8_t length;  /* prefix length in bits */
} SimPrefix;

#define SIM_ADDR_STRLEN 48 /* enough for any IPv6 text form plus "/128" */

gboolean sim_addr_parse(const char *text, SimAddr *out);
gboolean sim_prefix_parse(const char *text, SimPrefix *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
const char *sim_addr_to_string(const SimAddr *addr, char buf[SIM_ADDR_STRLEN]);
const char *sim_prefix_to_string(const SimPrefix *prefix, char buf[SIM_ADDR_STRLEN]);

gboolean sim_addr_equal(const SimAddr *a, const SimAddr *b);
guint sim_addr_hash(const SimAddr *a);
size_t sim_addr_len(const SimAddr *a); /* 4, 16 or 0 */
gboolean sim_addr_is_unspecified(const SimAddr *a);
void sim_addr_from_ipv4(SimAddr *out, const uint8_t bytes[4]);
void sim_addr_from_ipv6(SimAddr *out, const uint8_t bytes[16]);

/* TRUE when ADDR lies within PREFIX (same family and the first prefix->length bits equal). */
gboolean sim_prefix_contains(const SimPrefix *prefix, const SimAddr *addr);
/* PREFIX with its host bits cleared. */
SimPrefix sim_prefix_network(const SimPrefix *prefix);
