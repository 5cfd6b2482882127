/* inet-checksum.c: RFC 1071 checksum. Written here because it is twenty lines and no library we link
 * exports it for user-space buffers. */
#include "links/inet-checksum.h"

uint32_t inet_checksum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t s = sum;
    while (len >= 2) {
        s += (uint32_t)p[0] << 8 | p[1];
        p += 2;
        len -= 2;
    }
    if (len)
        s += (uint32_t)p[0] << 8;
    while (s >> 32)
        s = (s & 0xffffffffu) + (s >> 32);
    return (uint32_t)s;
}

uint16_t inet_checksum_finish(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint16_t inet_checksum(const void *data, size_t len)
{
    return inet_checksum_finish(inet_checksum_add(0, data, len));
}

uint16_t inet_checksum_pseudo(const SimAddr *src, const SimAddr *dst, uint8_t proto, const void *seg, size_t len)
{
    uint32_t sum = 0;
    size_t alen = sim_addr_len(src);
    sum = inet_checksum_add(sum, src->bytes, alen);
    sum = inet_checksum_add(sum, dst->bytes, alen);
    uint8_t tail[8];
    if (src->family == SIM_AF_INET) {
        tail[0] = 0;
        tail[1] = proto;
        tail[2] = (uint8_t)(len >> 8);
        tail[3] = (uint8_t)len;
        sum = inet_checksum_add(sum, tail, 4);
    } else {
        tail[0] = (uint8_t)(len >> 24);
        tail[1] = (uint8_t)(len >> 16);
        tail[2] = (uint8_t)(len >> 8);
        tail[3] = (uint8_t)len;
        tail[4] = tail[5] = tail[6] = 0;
        tail[7] = proto;
        sum = inet_checksum_add(sum, tail, 8);
    }
    sum = inet_checksum_add(sum, seg, len);
    return inet_checksum_finish(sum);
}
