/* sim-packet.c: packet buffers. */
#include "sim-core/sim-packet.h"
#include <string.h>

static uint64_t reallocs;

uint64_t sim_packet_reallocs(void)
{
    return reallocs;
}

SimPacket *sim_packet_new_empty(size_t headroom, size_t capacity)
{
    SimPacket *p = g_new(SimPacket, 1);
    p->refcount = 1;
    p->cap = headroom + capacity + 32; /* a little tailroom for ESP trailers and ICVs */
    p->buf = g_malloc(p->cap);
    p->head = headroom;
    p->len = 0;
    p->uid = 0;
    return p;
}

SimPacket *sim_packet_new(const void *data, size_t len, size_t headroom)
{
    SimPacket *p = sim_packet_new_empty(headroom, len);
    if (len)
        memcpy(sim_packet_put(p, len), data, len);
    return p;
}

SimPacket *sim_packet_ref(SimPacket *p)
{
    g_assert(p->refcount > 0);
    p->refcount++;
    return p;
}

void sim_packet_unref(SimPacket *p)
{
    if (!p)
        return;
    g_assert(p->refcount > 0);
    if (--p->refcount == 0) {
        g_free(p->buf);
        g_free(p);
    }
}

SimPacket *sim_packet_copy(const SimPacket *p)
{
    SimPacket *c = sim_packet_new(sim_packet_data(p), p->len, p->head);
    c->uid = p->uid;
    return c;
}

SimPacket *sim_packet_make_writable(SimPacket *p)
{
    if (p->refcount == 1)
        return p;
    SimPacket *c = sim_packet_copy(p);
    sim_packet_unref(p);
    return c;
}

uint8_t *sim_packet_push(SimPacket *p, size_t n)
{
    if (n > p->head) {
        size_t grow = n - p->head + SIM_PACKET_HEADROOM;
        uint8_t *nb = g_malloc(p->cap + grow);
        memcpy(nb + p->head + grow, p->buf + p->head, p->len);
        g_free(p->buf);
        p->buf = nb;
        p->head += grow;
        p->cap += grow;
        reallocs++;
    }
    p->head -= n;
    p->len += n;
    return p->buf + p->head;
}

uint8_t *sim_packet_pull(SimPacket *p, size_t n)
{
    if (p->len < n)
        return NULL;
    uint8_t *h = p->buf + p->head;
    p->head += n;
    p->len -= n;
    return h;
}

uint8_t *sim_packet_put(SimPacket *p, size_t n)
{
    size_t tail = p->cap - p->head - p->len;
    if (n > tail) {
        size_t ncap = p->head + p->len + n + 64;
        p->buf = g_realloc(p->buf, ncap);
        p->cap = ncap;
        reallocs++;
    }
    uint8_t *t = p->buf + p->head + p->len;
    p->len += n;
    return t;
}

void sim_packet_trim(SimPacket *p, size_t len)
{
    if (len < p->len)
        p->len = len;
}
