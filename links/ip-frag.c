/* ip-frag.c: IP fragmentation and reassembly; byte layouts from RFC 791 §3.1 and RFC 8200 §4.5. */
#include "sim-core/sim-log.h"
#define G_LOG_DOMAIN SIM_LOG_IP
#include "links/ip-frag.h"
#include "links/inet-checksum.h"
#include <string.h>

/* ---- fragmentation ---- */

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

gboolean ip_frag_fragment(const SimPacket *pkt, uint32_t mtu, uint32_t ipv6_id, GPtrArray *out)
{
    const uint8_t *h = sim_packet_data(pkt);
    size_t len = pkt->len;
    if (len < 1)
        return FALSE;
    if ((h[0] >> 4) == 4) {
        if (len < 20)
            return FALSE;
        size_t ihl = (size_t)(h[0] & 0x0f) * 4;
        if (ihl < 20 || ihl > len || (h[6] & 0x40))
            return FALSE; /* DF: the caller reports it */
        size_t chunk = ((mtu > ihl ? mtu - ihl : 0) / 8) * 8;
        if (chunk == 0)
            return FALSE;
        unsigned base = (get16(h + 6) & 0x1fff) * 8; /* re-fragmenting a fragment keeps its offset */
        gboolean more_after = (h[6] & 0x20) != 0;
        for (size_t off = ihl; off < len; off += chunk) {
            size_t n = MIN(chunk, len - off);
            SimPacket *f = sim_packet_new_empty(SIM_PACKET_HEADROOM, ihl + n);
            uint8_t *fh = sim_packet_put(f, ihl + n);
            memcpy(fh, h, ihl);
            memcpy(fh + ihl, h + off, n);
            put16(fh + 2, (unsigned)(ihl + n));
            unsigned foff = (unsigned)(base + (off - ihl)) / 8;
            gboolean mf = off + n < len || more_after;
            put16(fh + 6, (mf ? 0x2000u : 0) | foff);
            fh[10] = fh[11] = 0;
            put16(fh + 10, inet_checksum(fh, ihl));
            f->uid = pkt->uid;
            g_ptr_array_add(out, f);
        }
        return TRUE;
    }
    if ((h[0] >> 4) == 6) {
        if (len < 40 || mtu < 40 + 8 + 8)
            return FALSE;
        /* presim's stack puts no extension header before the payload, so the unfragmentable part is
         * the fixed header alone (RFC 8200 §4.5). */
        size_t chunk = ((mtu - 40 - 8) / 8) * 8;
        uint8_t next = h[6];
        for (size_t off = 40; off < len; off += chunk) {
            size_t n = MIN(chunk, len - off);
            SimPacket *f = sim_packet_new_empty(SIM_PACKET_HEADROOM, 48 + n);
            uint8_t *fh = sim_packet_put(f, 48 + n);
            memcpy(fh, h, 40);
            put16(fh + 4, (unsigned)(8 + n));
            fh[6] = 44; /* Fragment header */
            uint8_t *fr = fh + 40;
            fr[0] = next;
            fr[1] = 0;
            unsigned foff = (unsigned)(off - 40) / 8;
            put16(fr + 2, foff << 3 | (off + n < len ? 1u : 0u));
            fr[4] = (uint8_t)(ipv6_id >> 24);
            fr[5] = (uint8_t)(ipv6_id >> 16);
            fr[6] = (uint8_t)(ipv6_id >> 8);
            fr[7] = (uint8_t)ipv6_id;
            memcpy(fh + 48, h + off, n);
            f->uid = pkt->uid;
            g_ptr_array_add(out, f);
        }
        return TRUE;
    }
    return FALSE;
}

/* ---- reassembly ---- */

typedef struct {
    size_t off, len; /* data bytes [off, off+len) */
    SimPacket *pkt;  /* the fragment as received */
} Piece;

typedef struct {
    IpReasm *r;
    char key[64];
    GArray *pieces;    /* Piece, sorted by off */
    size_t total;      /* data length once the last fragment is known, else 0 */
    uint8_t hdr[40];   /* IPv6: the fixed header of the first fragment (offset 0) */
    uint8_t hdr4[60];  /* IPv4: the header of the first fragment, options included */
    size_t hdr_len;    /* IPv4 header length */
    gboolean have_first, v6;
    uint8_t next;      /* IPv6: the payload's protocol */
    SimEventId timer;
} Pending;

struct IpReasm {
    SimEngine *engine;
    IpReasmDropFunc drop;
    void *ctx;
    GHashTable *pending; /* key -> Pending* */
};

static void pending_free(gpointer p)
{
    Pending *d = p;
    for (guint i = 0; i < d->pieces->len; i++)
        sim_packet_unref(g_array_index(d->pieces, Piece, i).pkt);
    g_array_free(d->pieces, TRUE);
    sim_engine_cancel(d->r->engine, d->timer);
    g_free(d);
}

IpReasm *ip_reasm_new(SimEngine *engine, IpReasmDropFunc drop, void *ctx)
{
    IpReasm *r = g_new0(IpReasm, 1);
    r->engine = engine;
    r->drop = drop;
    r->ctx = ctx;
    r->pending = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, pending_free);
    return r;
}

void ip_reasm_free(IpReasm *r)
{
    if (!r)
        return;
    g_hash_table_destroy(r->pending);
    g_free(r);
}

/* Drops every fragment held for D, reporting the first one with REASON. */
static void give_up(Pending *d, const char *reason)
{
    IpReasm *r = d->r;
    if (d->pieces->len) {
        Piece *p = &g_array_index(d->pieces, Piece, 0);
        r->drop(r->ctx, sim_packet_ref(p->pkt), reason);
    }
    g_hash_table_remove(r->pending, d->key); /* pending_free cancels the timer if still armed */
}

static void on_timeout(void *arg)
{
    Pending *d = arg;
    d->timer = 0;
    give_up(d, "reassembly-timeout");
}

static SimPacket *complete(Pending *d)
{
    size_t hl = d->v6 ? 40 : d->hdr_len;
    SimPacket *out = sim_packet_new_empty(SIM_PACKET_HEADROOM, hl + d->total);
    uint8_t *h = sim_packet_put(out, hl + d->total);
    memcpy(h, d->v6 ? d->hdr : d->hdr4, hl);
    for (guint i = 0; i < d->pieces->len; i++) {
        Piece *p = &g_array_index(d->pieces, Piece, i);
        const uint8_t *src = sim_packet_data(p->pkt) + (p->pkt->len - p->len);
        memcpy(h + hl + p->off, src, p->len);
    }
    if (d->v6) {
        put16(h + 4, (unsigned)d->total);
        h[6] = d->next;
    } else {
        put16(h + 2, (unsigned)(hl + d->total));
        put16(h + 6, 0);
        h[10] = h[11] = 0;
        put16(h + 10, inet_checksum(h, hl));
    }
    out->uid = g_array_index(d->pieces, Piece, 0).pkt->uid;
    return out;
}

SimPacket *ip_reasm_input(IpReasm *r, SimPacket *pkt)
{
    const uint8_t *h = sim_packet_data(pkt);
    size_t len = pkt->len, hl, off, dlen;
    gboolean more, v6 = (h[0] >> 4) == 6;
    uint8_t next = 0;
    char key[64];
    if (!v6) { /* the caller checked the IPv4 header */
        hl = (size_t)(h[0] & 0x0f) * 4;
        unsigned fw = get16(h + 6);
        off = (fw & 0x1fff) * 8u;
        more = (fw & 0x2000) != 0;
        dlen = len - hl;
        g_snprintf(key, sizeof key, "4:%02x%02x%02x%02x:%02x%02x%02x%02x:%u:%u", h[12], h[13], h[14], h[15], h[16],
                   h[17], h[18], h[19], h[9], get16(h + 4));
    } else {
        if (len < 48) {
            r->drop(r->ctx, pkt, "malformed");
            return NULL;
        }
        const uint8_t *fr = h + 40;
        hl = 48;
        next = fr[0];
        unsigned fw = get16(fr + 2);
        off = (fw >> 3) * 8u;
        more = (fw & 1) != 0;
        dlen = len - hl;
        uint32_t id = (uint32_t)fr[4] << 24 | (uint32_t)fr[5] << 16 | (uint32_t)fr[6] << 8 | fr[7];
        GChecksum *c = g_checksum_new(G_CHECKSUM_MD5); /* a short key for the 32 address bytes */
        g_checksum_update(c, h + 8, 32);
        g_snprintf(key, sizeof key, "6:%s:%08x", g_checksum_get_string(c), id);
        g_checksum_free(c);
    }
    if ((more && dlen % 8) || off + dlen > 65535 || (v6 && dlen == 0 && more)) {
        r->drop(r->ctx, pkt, "malformed");
        return NULL;
    }
    Pending *d = g_hash_table_lookup(r->pending, key);
    if (!d) {
        if (g_hash_table_size(r->pending) >= IP_REASM_MAX_PENDING) {
            r->drop(r->ctx, pkt, "reassembly-overflow");
            return NULL;
        }
        d = g_new0(Pending, 1);
        d->r = r;
        g_strlcpy(d->key, key, sizeof d->key);
        d->pieces = g_array_new(FALSE, FALSE, sizeof(Piece));
        d->v6 = v6;
        d->timer = sim_engine_schedule_in(r->engine, IP_REASM_TIMEOUT, on_timeout, d);
        g_hash_table_insert(r->pending, d->key, d);
    }
    /* Overlap with what is held, or a second "last" fragment: the whole datagram is discarded
     * (RFC 5722 §3 for IPv6). */
    gboolean bad = (!more && d->total && d->total != off + dlen) || (d->total && off + dlen > d->total);
    guint pos = 0;
    for (; pos < d->pieces->len && !bad; pos++) {
        Piece *p = &g_array_index(d->pieces, Piece, pos);
        if (off < p->off + p->len && p->off < off + dlen)
            bad = TRUE;
        if (p->off > off)
            break;
    }
    if (bad) {
        r->drop(r->ctx, pkt, "fragment-overlap");
        give_up(d, "fragment-overlap");
        return NULL;
    }
    Piece np = {off, dlen, pkt};
    g_array_insert_val(d->pieces, pos, np);
    if (!more)
        d->total = off + dlen;
    if (off == 0) {
        d->have_first = TRUE;
        if (v6) {
            memcpy(d->hdr, h, 40);
            d->next = next;
        } else {
            memcpy(d->hdr4, h, hl);
            d->hdr_len = hl;
        }
    }
    if (!d->total || !d->have_first)
        return NULL;
    size_t covered = 0;
    for (guint i = 0; i < d->pieces->len; i++) {
        Piece *p = &g_array_index(d->pieces, Piece, i);
        if (p->off != covered)
            return NULL;
        covered += p->len;
    }
    if (covered != d->total)
        return NULL;
    SimPacket *whole = complete(d);
    g_hash_table_remove(r->pending, d->key);
    return whole;
}
