/* inet-checksum.h: the Internet checksum (RFC 1071) and the IPv4/IPv6 pseudo-header sums that
 * UDP and TCP use (RFC 768, RFC 9293 §3.1, RFC 8200 §8.1). */
#pragma once
#include "sim-core/sim-addr.h"
#include <stddef.h>
#include <stdint.h>

/* Adds DATA to a running 32-bit one's-complement sum. */
uint32_t inet_checksum_add(uint32_t sum, const void *data, size_t len);
/* Folds and complements a running sum into the 16-bit checksum (host order). */
uint16_t inet_checksum_finish(uint32_t sum);
/* The checksum of DATA alone (the IPv4 header checksum). */
uint16_t inet_checksum(const void *data, size_t len);
/* The checksum of a transport segment SEG (header with its checksum field zeroed, or as received for
 * verification: then a correct segment gives 0) under the pseudo-header of SRC, DST and PROTO. */
uint16_t inet_checksum_pseudo(const SimAddr *src, const SimAddr *dst, uint8_t proto, const void *seg, size_t len);
