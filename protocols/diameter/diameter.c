/* diameter.c: the Diameter codec (RFC 6733 §3, §4). See diameter.h for the contract.
 *
 * Sections: helpers for big-endian fields; framing; builder; parser; accessors.
 * Every read of wire bytes goes through rd16/rd24/rd32/rd64 after a length check against the bytes
 * that remain in the enclosing container (message or Grouped AVP). */
#include "protocols/diameter/diameter.h"
#include "protocols/diameter/diameter-dict.h"
#include <string.h>

G_DEFINE_QUARK(diameter-codec-error-quark, diameter_codec_error)

/* ---- big-endian fields ---------------------------------------------------------------------- */

static uint32_t rd16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t rd24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

static void wr24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static size_t pad4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

uint32_t diameter_codec_error_result_code(const GError *error)
{
    if (!error || error->domain != DIAMETER_CODEC_ERROR)
        return DIAMETER_UNABLE_TO_COMPLY;
    switch ((DiameterCodecError)error->code) {
    case DIAMETER_CODEC_ERROR_VERSION:
        return DIAMETER_UNSUPPORTED_VERSION;
    case DIAMETER_CODEC_ERROR_TRUNCATED:
    case DIAMETER_CODEC_ERROR_MESSAGE_LENGTH:
        return DIAMETER_INVALID_MESSAGE_LENGTH;
    case DIAMETER_CODEC_ERROR_HEADER_BITS:
        return DIAMETER_INVALID_HDR_BITS;
    case DIAMETER_CODEC_ERROR_AVP_LENGTH:
        return DIAMETER_INVALID_AVP_LENGTH;
    case DIAMETER_CODEC_ERROR_GROUPED:
    case DIAMETER_CODEC_ERROR_TOO_DEEP:
    case DIAMETER_CODEC_ERROR_AVP_VALUE:
        return DIAMETER_INVALID_AVP_VALUE;
    case DIAMETER_CODEC_ERROR_MISSING_AVP:
        return DIAMETER_MISSING_AVP;
    case DIAMETER_CODEC_ERROR_UNEXPECTED:
    case DIAMETER_CODEC_ERROR_TOO_BIG:
        break;
    }
    return DIAMETER_UNABLE_TO_COMPLY;
}

/* ---- header and framing --------------------------------------------------------------------- */

gboolean diameter_header_peek(const uint8_t *data, size_t len, DiameterHeader *out)
{
    memset(out, 0, sizeof *out);
    if (!data || len < DIAMETER_HEADER_LEN)
        return FALSE;
    out->version = data[0];
    out->length = rd24(data + 1);
    out->flags = data[4];
    out->command = rd24(data + 5);
    out->app_id = rd32(data + 8);
    out->hop_by_hop = rd32(data + 12);
    out->end_to_end = rd32(data + 16);
    return TRUE;
}

gboolean diameter_frame_check(const uint8_t *data, size_t len, size_t max_len, size_t *msg_len, GError **error)
{
    *msg_len = 0;
    if (len < 4)
        return TRUE;
    if (data[0] != DIAMETER_VERSION) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_VERSION, "Diameter version %u (want 1)",
                    data[0]);
        return FALSE;
    }
    size_t l = rd24(data + 1);
    if (l < DIAMETER_HEADER_LEN || l % 4 != 0 || l > max_len) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MESSAGE_LENGTH,
                    "Diameter message length %zu (must be 20..%zu and a multiple of 4)", l, max_len);
        return FALSE;
    }
    *msg_len = l;
    return TRUE;
}

/* ---- builder -------------------------------------------------------------------------------- */

struct DiameterBuilder {
    GByteArray *buf; /* NULL after finish */
    GArray *open;    /* guint offsets of the headers of open groups */
    gboolean too_big;
};

DiameterBuilder *diameter_builder_new(uint8_t flags, uint32_t command, uint32_t app_id, uint32_t hop_by_hop,
                                      uint32_t end_to_end)
{
    DiameterBuilder *b = g_new0(DiameterBuilder, 1);
    b->buf = g_byte_array_sized_new(256);
    b->open = g_array_new(FALSE, FALSE, sizeof(guint));
    uint8_t h[DIAMETER_HEADER_LEN];
    h[0] = DIAMETER_VERSION;
    wr24(h + 1, DIAMETER_HEADER_LEN);
    h[4] = flags;
    wr24(h + 5, command & 0xFFFFFFu);
    wr32(h + 8, app_id);
    wr32(h + 12, hop_by_hop);
    wr32(h + 16, end_to_end);
    g_byte_array_append(b->buf, h, sizeof h);
    return b;
}

DiameterBuilder *diameter_builder_new_answer(const DiameterHeader *req, gboolean error_bit)
{
    uint8_t flags = (uint8_t)(req->flags & DIAMETER_FLAG_PROXIABLE);
    if (error_bit)
        flags |= DIAMETER_FLAG_ERROR;
    return diameter_builder_new(flags, req->command, req->app_id, req->hop_by_hop, req->end_to_end);
}

void diameter_builder_free(DiameterBuilder *b)
{
    if (!b)
        return;
    if (b->buf)
        g_byte_array_unref(b->buf);
    g_array_unref(b->open);
    g_free(b);
}

static uint8_t dict_flags(uint32_t code, uint32_t vendor)
{
    const DiameterDictAvp *d = diameter_dict_avp(code, vendor);
    return d ? (uint8_t)(d->flags & DIAMETER_AVP_FLAG_MANDATORY) : 0;
}

/* Appends an AVP header for LEN bytes of data (LEN 0 and a later group_end for groups). FALSE if
 * the AVP length would not fit 24 bits. */
static gboolean put_header(DiameterBuilder *b, uint32_t code, uint8_t flags, uint32_t vendor, size_t len)
{
    g_assert(b->buf); /* not after finish */
    size_t hlen = vendor ? DIAMETER_AVP_VENDOR_HEADER_LEN : DIAMETER_AVP_HEADER_LEN;
    if (len > DIAMETER_MAX_LEN - hlen || b->buf->len > DIAMETER_MAX_LEN) {
        b->too_big = TRUE;
        return FALSE;
    }
    uint8_t h[DIAMETER_AVP_VENDOR_HEADER_LEN];
    wr32(h, code);
    h[4] = vendor ? (uint8_t)(flags | DIAMETER_AVP_FLAG_VENDOR) : (uint8_t)(flags & ~DIAMETER_AVP_FLAG_VENDOR);
    wr24(h + 5, (uint32_t)(hlen + len));
    if (vendor)
        wr32(h + 8, vendor);
    g_byte_array_append(b->buf, h, (guint)hlen);
    return TRUE;
}

static void put_data(DiameterBuilder *b, const void *data, size_t len)
{
    static const uint8_t zeros[3] = {0, 0, 0};
    if (len)
        g_byte_array_append(b->buf, data, (guint)len);
    g_byte_array_append(b->buf, zeros, (guint)(pad4(len) - len));
}

void diameter_builder_add_raw(DiameterBuilder *b, uint32_t code, uint8_t flags, uint32_t vendor, const void *data,
                              size_t len)
{
    if (put_header(b, code, flags, vendor, len))
        put_data(b, data, len);
}

void diameter_builder_add_octets(DiameterBuilder *b, uint32_t code, uint32_t vendor, const void *data, size_t len)
{
    diameter_builder_add_raw(b, code, dict_flags(code, vendor), vendor, data, len);
}

void diameter_builder_add_string(DiameterBuilder *b, uint32_t code, uint32_t vendor, const char *str)
{
    diameter_builder_add_octets(b, code, vendor, str, strlen(str));
}

void diameter_builder_add_u32(DiameterBuilder *b, uint32_t code, uint32_t vendor, uint32_t value)
{
    uint8_t v[4];
    wr32(v, value);
    diameter_builder_add_octets(b, code, vendor, v, sizeof v);
}

void diameter_builder_add_u64(DiameterBuilder *b, uint32_t code, uint32_t vendor, uint64_t value)
{
    uint8_t v[8];
    wr32(v, (uint32_t)(value >> 32));
    wr32(v + 4, (uint32_t)value);
    diameter_builder_add_octets(b, code, vendor, v, sizeof v);
}

void diameter_builder_add_i32(DiameterBuilder *b, uint32_t code, uint32_t vendor, int32_t value)
{
    diameter_builder_add_u32(b, code, vendor, (uint32_t)value); /* two's complement (§4.2) */
}

void diameter_builder_add_i64(DiameterBuilder *b, uint32_t code, uint32_t vendor, int64_t value)
{
    diameter_builder_add_u64(b, code, vendor, (uint64_t)value);
}

void diameter_builder_add_address(DiameterBuilder *b, uint32_t code, uint32_t vendor, const DiameterAddress *addr)
{
    uint8_t v[18];
    size_t alen = addr->family == DIAMETER_ADDRESS_IPV6 ? 16 : 4;
    g_assert(addr->family == DIAMETER_ADDRESS_IPV4 || addr->family == DIAMETER_ADDRESS_IPV6);
    v[0] = (uint8_t)(addr->family >> 8);
    v[1] = (uint8_t)addr->family;
    memcpy(v + 2, addr->bytes, alen);
    diameter_builder_add_octets(b, code, vendor, v, 2 + alen);
}

void diameter_builder_add_copy(DiameterBuilder *b, const DiameterAvp *avp)
{
    size_t hlen = (avp->flags & DIAMETER_AVP_FLAG_VENDOR) ? DIAMETER_AVP_VENDOR_HEADER_LEN : DIAMETER_AVP_HEADER_LEN;
    g_assert(b->buf);
    if (b->buf->len > DIAMETER_MAX_LEN) {
        b->too_big = TRUE;
        return;
    }
    /* The header is in the parsed message just before the data: copy it verbatim. */
    g_byte_array_append(b->buf, avp->data - hlen, (guint)hlen);
    put_data(b, avp->data, avp->len);
}

void diameter_builder_group_begin(DiameterBuilder *b, uint32_t code, uint32_t vendor)
{
    guint off = b->buf->len;
    if (!put_header(b, code, dict_flags(code, vendor), vendor, 0))
        off = G_MAXUINT; /* remembered as failed; group_end only pops */
    g_array_append_val(b->open, off);
}

void diameter_builder_group_end(DiameterBuilder *b)
{
    g_assert(b->buf && b->open->len > 0);
    guint off = g_array_index(b->open, guint, b->open->len - 1);
    g_array_set_size(b->open, b->open->len - 1);
    if (off == G_MAXUINT)
        return;
    size_t glen = b->buf->len - off; /* header + children, each child padded: already 4-aligned */
    if (glen > DIAMETER_MAX_LEN) {
        b->too_big = TRUE;
        return;
    }
    wr24(b->buf->data + off + 5, (uint32_t)glen);
}

GBytes *diameter_builder_finish(DiameterBuilder *b, GError **error)
{
    g_assert(b->buf);
    if (b->open->len) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_UNEXPECTED, "%u Grouped AVP(s) still open",
                    b->open->len);
        return NULL;
    }
    if (b->too_big || b->buf->len > DIAMETER_MAX_LEN) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_TOO_BIG,
                    "Diameter message or AVP longer than 2^24-1 bytes");
        return NULL;
    }
    wr24(b->buf->data + 1, b->buf->len);
    GBytes *out = g_byte_array_free_to_bytes(b->buf);
    b->buf = NULL;
    return out;
}

/* ---- parser --------------------------------------------------------------------------------- */

struct DiameterMsg {
    DiameterHeader hdr;
    GBytes *bytes;
    GArray *avps; /* DiameterAvp, pre-order; children follow their group */
};

static const char *avp_label(uint32_t code, uint32_t vendor, char buf[64])
{
    const DiameterDictAvp *d = diameter_dict_avp(code, vendor);
    if (d)
        g_snprintf(buf, 64, "%s(%u)", d->name, code);
    else if (vendor)
        g_snprintf(buf, 64, "AVP %u vendor %u", code, vendor);
    else
        g_snprintf(buf, 64, "AVP %u", code);
    return buf;
}

/* Whether LEN data bytes fit TYPE: the exact size of a fixed-size type, or for an Address the
 * size its family implies (RFC 6733 §4.2, §4.3.1). Strings and groups take any length. */
static gboolean type_length_ok(DiameterAvpType type, const uint8_t *data, size_t len)
{
    switch (type) {
    case DIAMETER_TYPE_INTEGER32:
    case DIAMETER_TYPE_UNSIGNED32:
    case DIAMETER_TYPE_ENUMERATED:
    case DIAMETER_TYPE_TIME:
        return len == 4;
    case DIAMETER_TYPE_INTEGER64:
    case DIAMETER_TYPE_UNSIGNED64:
        return len == 8;
    case DIAMETER_TYPE_ADDRESS:
        if (len < 2)
            return FALSE;
        if (rd16(data) == DIAMETER_ADDRESS_IPV4)
            return len == 6;
        if (rd16(data) == DIAMETER_ADDRESS_IPV6)
            return len == 18;
        return TRUE; /* other families (E.164, ...) carry what they carry */
    default:
        return TRUE;
    }
}

/* Parses the AVPs in P[0..LEN) at DEPTH (1 = message level) as children of PARENT (G_MAXUINT for
 * the top level). Recursion is bounded by DIAMETER_MAX_DEPTH. */
static gboolean parse_avps(DiameterMsg *m, const uint8_t *p, size_t len, guint depth, guint parent, GError **error)
{
    char lbl[64], plbl[64];
    const char *where = "message";
    int framing_code = DIAMETER_CODEC_ERROR_AVP_LENGTH;
    if (parent != G_MAXUINT) {
        const DiameterAvp *g = &g_array_index(m->avps, DiameterAvp, parent);
        where = avp_label(g->code, g->vendor, plbl);
        framing_code = DIAMETER_CODEC_ERROR_GROUPED; /* §4.4: the group's data must be whole AVPs */
    }
    size_t off = 0;
    guint prev = G_MAXUINT;
    while (off < len) {
        size_t rem = len - off;
        if (rem < DIAMETER_AVP_HEADER_LEN) {
            g_set_error(error, DIAMETER_CODEC_ERROR,
                        parent == G_MAXUINT ? DIAMETER_CODEC_ERROR_TRUNCATED : DIAMETER_CODEC_ERROR_GROUPED,
                        "%zu byte(s) at offset %zu of %s: too few for an AVP header", rem, off, where);
            return FALSE;
        }
        const uint8_t *h = p + off;
        uint32_t code = rd32(h);
        uint8_t flags = h[4];
        size_t alen = rd24(h + 5);
        size_t hlen = (flags & DIAMETER_AVP_FLAG_VENDOR) ? DIAMETER_AVP_VENDOR_HEADER_LEN : DIAMETER_AVP_HEADER_LEN;
        if (alen < hlen) {
            g_set_error(error, DIAMETER_CODEC_ERROR, framing_code, "AVP %u in %s: length %zu below its %zu-byte header",
                        code, where, alen, hlen);
            return FALSE;
        }
        if (alen > rem || pad4(alen) > rem) {
            g_set_error(error, DIAMETER_CODEC_ERROR, framing_code,
                        "AVP %u in %s: length %zu (padded %zu) beyond the %zu byte(s) left", code, where, alen,
                        pad4(alen), rem);
            return FALSE;
        }
        uint32_t vendor = hlen == DIAMETER_AVP_VENDOR_HEADER_LEN ? rd32(h + 8) : 0;
        DiameterAvp a = {
            .code = code,
            .flags = flags,
            .vendor = vendor,
            .data = h + hlen,
            .len = (uint32_t)(alen - hlen),
            .depth = depth,
            .next_ = G_MAXUINT,
            .child_ = G_MAXUINT,
        };
        guint idx = m->avps->len;
        g_array_append_val(m->avps, a);
        if (prev != G_MAXUINT)
            g_array_index(m->avps, DiameterAvp, prev).next_ = idx;
        else if (parent != G_MAXUINT)
            g_array_index(m->avps, DiameterAvp, parent).child_ = idx;
        prev = idx;

        const DiameterDictAvp *d = diameter_dict_avp(code, vendor);
        if (d && !type_length_ok(d->type, a.data, a.len)) {
            g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_AVP_LENGTH,
                        "%s in %s: %u data byte(s) do not fit type %s", avp_label(code, vendor, lbl), where, a.len,
                        diameter_avp_type_name(d->type));
            return FALSE;
        }
        /* Failed-AVP stays opaque: RFC 6733 §7.1.5 lets it carry the very AVP whose length was bad. */
        gboolean opaque = code == DIAMETER_AVP_FAILED_AVP && vendor == 0;
        if (d && d->type == DIAMETER_TYPE_GROUPED && a.len > 0 && !opaque) {
            if (depth >= DIAMETER_MAX_DEPTH) {
                g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_TOO_DEEP,
                            "%s in %s: Grouped AVPs nested deeper than %d", avp_label(code, vendor, lbl), where,
                            DIAMETER_MAX_DEPTH);
                return FALSE;
            }
            if (!parse_avps(m, a.data, a.len, depth + 1, idx, error))
                return FALSE;
        }
        off += pad4(alen);
    }
    return TRUE;
}

DiameterMsg *diameter_msg_parse(const uint8_t *data, size_t len, GError **error)
{
    DiameterHeader hdr;
    if (!diameter_header_peek(data, len, &hdr)) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_TRUNCATED,
                    "%zu byte(s): too few for a Diameter header", len);
        return NULL;
    }
    if (hdr.version != DIAMETER_VERSION) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_VERSION, "Diameter version %u (want 1)",
                    hdr.version);
        return NULL;
    }
    if (hdr.length < DIAMETER_HEADER_LEN || hdr.length % 4 != 0) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MESSAGE_LENGTH,
                    "Diameter message length %u (must be >= 20 and a multiple of 4)", hdr.length);
        return NULL;
    }
    if (hdr.length > len) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_TRUNCATED,
                    "Diameter message length %u but only %zu byte(s)", hdr.length, len);
        return NULL;
    }
    if (hdr.length < len) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_MESSAGE_LENGTH,
                    "Diameter message length %u but %zu byte(s) given", hdr.length, len);
        return NULL;
    }
    if ((hdr.flags & DIAMETER_FLAG_REQUEST) && (hdr.flags & DIAMETER_FLAG_ERROR)) {
        g_set_error(error, DIAMETER_CODEC_ERROR, DIAMETER_CODEC_ERROR_HEADER_BITS,
                    "'E' bit set on a request (RFC 6733 §3)");
        return NULL;
    }
    DiameterMsg *m = g_new0(DiameterMsg, 1);
    m->hdr = hdr;
    m->bytes = g_bytes_new(data, len);
    /* Each AVP takes at least 8 bytes: reserve for the worst case only when small. */
    m->avps = g_array_sized_new(FALSE, FALSE, sizeof(DiameterAvp), MIN(len / 8, 64u));
    const uint8_t *copy = g_bytes_get_data(m->bytes, NULL);
    if (!parse_avps(m, copy + DIAMETER_HEADER_LEN, len - DIAMETER_HEADER_LEN, 1, G_MAXUINT, error)) {
        diameter_msg_free(m);
        return NULL;
    }
    return m;
}

void diameter_msg_free(DiameterMsg *msg)
{
    if (!msg)
        return;
    g_array_unref(msg->avps);
    g_bytes_unref(msg->bytes);
    g_free(msg);
}

/* ---- accessors ------------------------------------------------------------------------------ */

const DiameterHeader *diameter_msg_header(const DiameterMsg *msg)
{
    return &msg->hdr;
}

GBytes *diameter_msg_bytes(const DiameterMsg *msg)
{
    return g_bytes_ref(msg->bytes);
}

guint diameter_msg_n_avps(const DiameterMsg *msg)
{
    return msg->avps->len;
}

static const DiameterAvp *at(const DiameterMsg *msg, guint idx)
{
    return idx < msg->avps->len ? &g_array_index(msg->avps, DiameterAvp, idx) : NULL;
}

/* AVP must be one of MSG's own. */
static void check_own(const DiameterMsg *msg, const DiameterAvp *avp)
{
    g_assert(msg->avps->len > 0 && avp >= &g_array_index(msg->avps, DiameterAvp, 0) &&
             avp < &g_array_index(msg->avps, DiameterAvp, 0) + msg->avps->len);
}

const DiameterAvp *diameter_msg_first(const DiameterMsg *msg)
{
    return at(msg, 0);
}

const DiameterAvp *diameter_avp_first_child(const DiameterMsg *msg, const DiameterAvp *avp)
{
    check_own(msg, avp);
    return at(msg, avp->child_);
}

const DiameterAvp *diameter_avp_next(const DiameterMsg *msg, const DiameterAvp *avp)
{
    check_own(msg, avp);
    return at(msg, avp->next_);
}

static const DiameterAvp *find_from(const DiameterMsg *msg, const DiameterAvp *a, uint32_t code, uint32_t vendor)
{
    for (; a; a = at(msg, a->next_))
        if (a->code == code && a->vendor == vendor)
            return a;
    return NULL;
}

const DiameterAvp *diameter_msg_find(const DiameterMsg *msg, const DiameterAvp *group, uint32_t code,
                                     uint32_t vendor)
{
    const DiameterAvp *first = group ? diameter_avp_first_child(msg, group) : diameter_msg_first(msg);
    return find_from(msg, first, code, vendor);
}

const DiameterAvp *diameter_msg_find_next(const DiameterMsg *msg, const DiameterAvp *avp)
{
    return find_from(msg, diameter_avp_next(msg, avp), avp->code, avp->vendor);
}

guint diameter_msg_count(const DiameterMsg *msg, const DiameterAvp *group, uint32_t code, uint32_t vendor)
{
    guint n = 0;
    for (const DiameterAvp *a = diameter_msg_find(msg, group, code, vendor); a; a = diameter_msg_find_next(msg, a))
        n++;
    return n;
}

gboolean diameter_avp_get_u32(const DiameterAvp *avp, uint32_t *value)
{
    *value = 0;
    if (!avp || avp->len != 4)
        return FALSE;
    *value = rd32(avp->data);
    return TRUE;
}

gboolean diameter_avp_get_u64(const DiameterAvp *avp, uint64_t *value)
{
    *value = 0;
    if (!avp || avp->len != 8)
        return FALSE;
    *value = rd64(avp->data);
    return TRUE;
}

gboolean diameter_avp_get_i32(const DiameterAvp *avp, int32_t *value)
{
    uint32_t u;
    gboolean ok = diameter_avp_get_u32(avp, &u);
    *value = (int32_t)u;
    return ok;
}

gboolean diameter_avp_get_i64(const DiameterAvp *avp, int64_t *value)
{
    uint64_t u;
    gboolean ok = diameter_avp_get_u64(avp, &u);
    *value = (int64_t)u;
    return ok;
}

gboolean diameter_avp_get_address(const DiameterAvp *avp, DiameterAddress *addr)
{
    memset(addr, 0, sizeof *addr);
    if (!avp || avp->len < 2)
        return FALSE;
    uint32_t fam = rd16(avp->data);
    size_t alen = fam == DIAMETER_ADDRESS_IPV4 ? 4 : fam == DIAMETER_ADDRESS_IPV6 ? 16 : 0;
    if (!alen || avp->len != 2 + alen)
        return FALSE;
    addr->family = (uint16_t)fam;
    memcpy(addr->bytes, avp->data + 2, alen);
    return TRUE;
}

char *diameter_avp_dup_string(const DiameterAvp *avp)
{
    if (!avp)
        return NULL;
    /* g_utf8_validate_len rejects embedded NULs as well as bad sequences. */
    if (!g_utf8_validate_len((const char *)avp->data, avp->len, NULL))
        return NULL;
    return g_strndup((const char *)avp->data, avp->len);
}
