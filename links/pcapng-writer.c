/* pcapng-writer.c: pcapng output for the trace bus (see pcapng-writer.h).
 *
 * Block layout (draft-ietf-opsawg-pcapng §3.1): type (4), total length (4), body padded to 32 bits,
 * total length again (4). Options (§3.5): code (2), length (2), value padded to 32 bits, ended by
 * opt_endofopt. Each block is built in a scratch buffer, its lengths patched, then written at once.
 */
#include "links/pcapng-writer.h"
#include "sim-core/sim-log.h"
#include <errno.h>
#include <string.h>

#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN SIM_LOG_ANALYSIS

#define NO_IDB G_MAXUINT32

struct PcapngWriter {
    SimObserver observer; /* first: the callbacks cast back */
    FILE *out;
    GByteArray *block;   /* scratch for the block being built */
    GArray *idb_of_iface; /* uint32 per SimTraceIface id: its pcapng interface id, or NO_IDB */
    guint n_idbs;
    uint64_t packets;
    int write_errno; /* the first write failure, 0 if none */
};

static void put_u16(GByteArray *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    g_byte_array_append(b, x, 2);
}

static void put_u32(GByteArray *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    g_byte_array_append(b, x, 4);
}

static void put_u64(GByteArray *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void pad32(GByteArray *b)
{
    static const uint8_t zero[3] = {0, 0, 0};
    if (b->len % 4)
        g_byte_array_append(b, zero, 4 - b->len % 4);
}

static void patch_u32(GByteArray *b, guint off, uint32_t v)
{
    b->data[off] = (uint8_t)v;
    b->data[off + 1] = (uint8_t)(v >> 8);
    b->data[off + 2] = (uint8_t)(v >> 16);
    b->data[off + 3] = (uint8_t)(v >> 24);
}

static void block_begin(PcapngWriter *w, uint32_t type)
{
    g_byte_array_set_size(w->block, 0);
    put_u32(w->block, type);
    put_u32(w->block, 0); /* total length, patched in block_end */
}

static void option(GByteArray *b, uint16_t code, const void *value, uint16_t len)
{
    put_u16(b, code);
    put_u16(b, len);
    if (len)
        g_byte_array_append(b, value, len);
    pad32(b);
}

/* §3.5: string options are UTF-8 without a terminating NUL; the length field caps them at 65535
 * bytes, cut on a character boundary. */
static void option_string(GByteArray *b, uint16_t code, const char *s)
{
    size_t len = strlen(s);
    if (len > G_MAXUINT16) {
        const char *cut = g_utf8_find_prev_char(s, s + G_MAXUINT16 + 1);
        len = cut ? (size_t)(cut - s) : G_MAXUINT16;
    }
    option(b, code, s, (uint16_t)len);
}

static void block_end(PcapngWriter *w)
{
    GByteArray *b = w->block;
    pad32(b);
    uint32_t total = b->len + 4;
    put_u32(b, total);
    patch_u32(b, 4, total);
    if (w->write_errno)
        return; /* the file is already broken; finish() reports the first error */
    errno = 0;
    if (fwrite(b->data, 1, b->len, w->out) != b->len) {
        w->write_errno = errno ? errno : EIO;
        g_warning("pcapng: write failed: %s", g_strerror(w->write_errno));
    }
}

/* §4.1 Section Header Block. Section length -1: not known while streaming. */
static void write_shb(PcapngWriter *w, const char *app_version)
{
    block_begin(w, PCAPNG_BT_SHB);
    put_u32(w->block, PCAPNG_BYTE_ORDER_MAGIC);
    put_u16(w->block, 1); /* major */
    put_u16(w->block, 0); /* minor */
    put_u64(w->block, G_MAXUINT64);
    g_autofree char *appl = g_strdup_printf("presim %s", app_version ? app_version : "unknown");
    option_string(w->block, PCAPNG_OPT_SHB_USERAPPL, appl);
    option(w->block, PCAPNG_OPT_ENDOFOPT, NULL, 0);
    block_end(w);
}

/* §4.2 Interface Description Block. */
static void write_idb(PcapngWriter *w, const SimTraceIface *iface)
{
    if (iface->id >= w->idb_of_iface->len) {
        guint old = w->idb_of_iface->len;
        g_array_set_size(w->idb_of_iface, iface->id + 1);
        for (guint i = old; i <= iface->id; i++)
            g_array_index(w->idb_of_iface, uint32_t, i) = NO_IDB;
    }
    if (g_array_index(w->idb_of_iface, uint32_t, iface->id) != NO_IDB)
        return; /* already described */

    block_begin(w, PCAPNG_BT_IDB);
    put_u16(w->block, PCAPNG_LINKTYPE_RAW);
    put_u16(w->block, 0); /* reserved */
    put_u32(w->block, 0); /* snaplen 0: no limit */
    g_autofree char *name = g_strdup_printf("%s/%s", iface->node, iface->name);
    g_autofree char *descr = g_strdup_printf("link %s (%s, %s)", iface->link, iface->link_kind,
                                             iface->ciphered ? "ciphered" : "unciphered");
    option_string(w->block, PCAPNG_OPT_IF_NAME, name);
    option_string(w->block, PCAPNG_OPT_IF_DESCRIPTION, descr);
    if (iface->bandwidth_bps) {
        uint8_t speed[8];
        for (int i = 0; i < 8; i++)
            speed[i] = (uint8_t)(iface->bandwidth_bps >> (8 * i));
        option(w->block, PCAPNG_OPT_IF_SPEED, speed, 8);
    }
    uint8_t tsresol = 9; /* 10^-9 s */
    option(w->block, PCAPNG_OPT_IF_TSRESOL, &tsresol, 1);
    option(w->block, PCAPNG_OPT_ENDOFOPT, NULL, 0);
    block_end(w);

    g_array_index(w->idb_of_iface, uint32_t, iface->id) = w->n_idbs++;
}

static void on_iface_added(SimObserver *self, const SimTraceIface *iface)
{
    write_idb((PcapngWriter *)self, iface);
}

/* §4.3 Enhanced Packet Block. */
static void on_packet(SimObserver *self, const SimTracePacket *pkt)
{
    PcapngWriter *w = (PcapngWriter *)self;
    if (!pkt->iface || (pkt->action != SIM_TRACE_TX && pkt->action != SIM_TRACE_RX))
        return;
    if (pkt->len > G_MAXUINT32 - 64) {
        g_warning("pcapng: packet %" G_GUINT64_FORMAT " of %zu bytes does not fit a block", pkt->packet_uid,
                  pkt->len);
        return;
    }
    write_idb(w, pkt->iface); /* no-op unless the interface was never announced */
    uint32_t ifid = g_array_index(w->idb_of_iface, uint32_t, pkt->iface->id);
    uint64_t ts = pkt->time > 0 ? (uint64_t)pkt->time : 0; /* units of if_tsresol: ns */

    block_begin(w, PCAPNG_BT_EPB);
    put_u32(w->block, ifid);
    put_u32(w->block, (uint32_t)(ts >> 32));
    put_u32(w->block, (uint32_t)ts);
    put_u32(w->block, (uint32_t)pkt->len); /* captured */
    put_u32(w->block, (uint32_t)pkt->len); /* original */
    if (pkt->len)
        g_byte_array_append(w->block, pkt->data, (guint)pkt->len);
    pad32(w->block);
    /* §4.3.1 epb_flags: bits 0-1 inbound (01) / outbound (10). */
    uint32_t flags = pkt->action == SIM_TRACE_TX ? PCAPNG_EPB_FLAG_OUTBOUND : PCAPNG_EPB_FLAG_INBOUND;
    uint8_t fl[4] = {(uint8_t)flags, (uint8_t)(flags >> 8), (uint8_t)(flags >> 16), (uint8_t)(flags >> 24)};
    option(w->block, PCAPNG_OPT_EPB_FLAGS, fl, 4);
    option(w->block, PCAPNG_OPT_ENDOFOPT, NULL, 0);
    block_end(w);
    w->packets++;
}

PcapngWriter *pcapng_writer_new(FILE *out, const char *app_version)
{
    g_assert(out);
    PcapngWriter *w = g_new0(PcapngWriter, 1);
    w->observer.iface_added = on_iface_added;
    w->observer.packet = on_packet;
    w->out = out;
    w->block = g_byte_array_sized_new(2048);
    w->idb_of_iface = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    write_shb(w, app_version);
    return w;
}

SimObserver *pcapng_writer_observer(PcapngWriter *w)
{
    return &w->observer;
}

gboolean pcapng_writer_finish(PcapngWriter *w, GError **error)
{
    errno = 0;
    if (!w->write_errno && fflush(w->out) != 0)
        w->write_errno = errno ? errno : EIO;
    if (!w->write_errno && ferror(w->out))
        w->write_errno = EIO;
    if (w->write_errno) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(w->write_errno), "pcapng trace: write failed: %s",
                    g_strerror(w->write_errno));
        return FALSE;
    }
    g_debug("pcapng: %u interfaces, %" G_GUINT64_FORMAT " packets", w->n_idbs, w->packets);
    return TRUE;
}

void pcapng_writer_free(PcapngWriter *w)
{
    if (!w)
        return;
    g_byte_array_free(w->block, TRUE);
    g_array_free(w->idb_of_iface, TRUE);
    g_free(w);
}

uint64_t pcapng_writer_packets(const PcapngWriter *w)
{
    return w->packets;
}

guint pcapng_writer_interfaces(const PcapngWriter *w)
{
    return w->n_idbs;
}
