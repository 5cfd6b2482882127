/* sim-packet.h: reference-counted packet buffers with headroom and tailroom.
 *
 * A packet is one contiguous buffer; its data is the window [head, head+len). Layers add their header
 * in front with sim_packet_push() and remove it with sim_packet_pull(), without copying the payload,
 * as in a kernel sk_buff. Pushing past the headroom reallocates (counted in sim_packet_reallocs() so
 * a layer that reserves too little shows up in benchmarks), it never fails.
 *
 * Sharing: sim_packet_ref() shares the buffer; a holder that modifies bytes must own the only
 * reference (sim_packet_make_writable()). Trace observers get const bytes and must not keep pointers.
 */
#pragma once
#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* Headroom that fits every header stack presim builds: IPv6 (40) + ESP (8 + 16 IV) + TCP with
 * options (60) + TLS record (5), rounded up. */
#define SIM_PACKET_HEADROOM 160

typedef struct {
    int refcount;
    uint8_t *buf;
    size_t cap;
    size_t head; /* offset of the first data byte */
    size_t len;  /* data length */
    uint64_t uid; /* unique per run, assigned by whoever creates it (the net stack), for tracing */
} SimPacket;

/* A packet holding a copy of DATA (may be NULL with LEN 0), with HEADROOM bytes before it. */
SimPacket *sim_packet_new(const void *data, size_t len, size_t headroom);
/* An empty packet with room for CAPACITY bytes after the headroom. */
SimPacket *sim_packet_new_empty(size_t headroom, size_t capacity);
SimPacket *sim_packet_ref(SimPacket *p);
void sim_packet_unref(SimPacket *p);
/* A deep copy with the same headroom. */
SimPacket *sim_packet_copy(const SimPacket *p);
/* Returns P if it holds the only reference, else a private copy (and drops one reference to P). */
SimPacket *sim_packet_make_writable(SimPacket *p);

static inline uint8_t *sim_packet_data(const SimPacket *p) { return p->buf + p->head; }
static inline size_t sim_packet_len(const SimPacket *p) { return p->len; }
static inline size_t sim_packet_headroom(const SimPacket *p) { return p->head; }

/* Prepends N bytes and returns a pointer to them (contents undefined). */
uint8_t *sim_packet_push(SimPacket *p, size_t n);
/* Removes N bytes from the front and returns a pointer to what was removed; NULL if len < N. */
uint8_t *sim_packet_pull(SimPacket *p, size_t n);
/* Appends N bytes and returns a pointer to them (contents undefined). */
uint8_t *sim_packet_put(SimPacket *p, size_t n);
/* Shortens the data to LEN bytes (no-op when already shorter). */
void sim_packet_trim(SimPacket *p, size_t len);

/* How many times any packet outgrew its buffer since start (process-wide). */
uint64_t sim_packet_reallocs(void);
