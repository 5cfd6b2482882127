/* pnet.c: the PNET codec (pnet.h, docs/pnet.md).
 *
 * The decoder never reads past LEN: every length is checked against what is left before the bytes it
 * covers are touched (Wireshark's tvb discipline), and the message is rejected as a whole on the
 * first problem, so a half-parsed report never reaches an agent.
 */
#include "protocols/pnet/pnet.h"
#include <string.h>

G_DEFINE_QUARK(pnet-error-quark, pnet_error)

/* ---- names ------------------------------------------------------------------------------------ */

static const char *const type_names[] = {NULL, "network-report", "external-report"};
static const char *const role_names[] = {NULL, "msc", "sgsn", "ggsn", "gmlc", "hss", "external"};
static const char *const role_refs[] = {NULL, "Pc", "Pg", "Pk", "Pl", "Ph", "Pex"};
static const char *const state_names[] = {NULL, "attached", "detached", "roaming"};
static const char *const call_names[] = {NULL, "idle", "alerting", "active"};
static const char *const pdp_names[] = {NULL, "active", "inactive"};

#define NAME_OF(table, v) ((v) > 0 && (size_t)(v) < G_N_ELEMENTS(table) ? table[v] : "?")

const char *pnet_type_name(PnetType t) { return NAME_OF(type_names, t); }
const char *pnet_role_name(PnetRole r) { return NAME_OF(role_names, r); }
const char *pnet_role_ref_point(PnetRole r) { return NAME_OF(role_refs, r); }
const char *pnet_state_name(PnetState s) { return NAME_OF(state_names, s); }
const char *pnet_call_name(PnetCall c) { return NAME_OF(call_names, c); }
const char *pnet_pdp_name(PnetPdp p) { return NAME_OF(pdp_names, p); }

static int parse_name(const char *const *table, size_t n, const char *name)
{
    for (size_t i = 1; name && i < n; i++)
        if (g_str_equal(table[i], name))
            return (int)i;
    return 0;
}

PnetState pnet_state_parse(const char *name) { return parse_name(state_names, G_N_ELEMENTS(state_names), name); }
PnetCall pnet_call_parse(const char *name) { return parse_name(call_names, G_N_ELEMENTS(call_names), name); }
PnetPdp pnet_pdp_parse(const char *name) { return parse_name(pdp_names, G_N_ELEMENTS(pdp_names), name); }

int32_t pnet_micro_degrees(double degrees)
{
    double m = degrees * 1e6;
    return (int32_t)(m >= 0 ? m + 0.5 : m - 0.5); /* callers range-check first */
}

double pnet_degrees(int32_t micro)
{
    return (double)micro / 1e6;
}

/* ---- message ---------------------------------------------------------------------------------- */

void pnet_msg_init(PnetMsg *msg)
{
    memset(msg, 0, sizeof *msg);
}

void pnet_msg_clear(PnetMsg *msg)
{
    g_free(msg->imsi);
    g_free(msg->impu);
    g_free(msg->cell);
    g_free(msg->apn);
    g_free(msg->activity);
    g_free(msg->note);
    g_free(msg->method);
    pnet_msg_init(msg);
}

/* The string attributes, in wire order, with where they live in a PnetMsg. */
typedef struct {
    PnetAttr attr;
    size_t offset;
    const char *name;
} StrAttr;

static const StrAttr str_attrs[] = {
    {PNET_ATTR_IMSI, G_STRUCT_OFFSET(PnetMsg, imsi), "imsi"},
    {PNET_ATTR_IMPU, G_STRUCT_OFFSET(PnetMsg, impu), "impu"},
    {PNET_ATTR_CELL, G_STRUCT_OFFSET(PnetMsg, cell), "cell"},
    {PNET_ATTR_APN, G_STRUCT_OFFSET(PnetMsg, apn), "apn"},
    {PNET_ATTR_ACTIVITY, G_STRUCT_OFFSET(PnetMsg, activity), "activity"},
    {PNET_ATTR_NOTE, G_STRUCT_OFFSET(PnetMsg, note), "note"},
    {PNET_ATTR_METHOD, G_STRUCT_OFFSET(PnetMsg, method), "method"},
};

static char **str_slot(PnetMsg *msg, const StrAttr *s)
{
    return (char **)((uint8_t *)msg + s->offset);
}

static const StrAttr *str_attr_find(PnetAttr attr)
{
    for (size_t i = 0; i < G_N_ELEMENTS(str_attrs); i++)
        if (str_attrs[i].attr == attr)
            return &str_attrs[i];
    return NULL;
}

/* A string attribute's value is 1..255 bytes of UTF-8 without NUL; an IMSI is 6..15 digits. */
static gboolean string_ok(PnetAttr attr, const char *s, size_t len)
{
    if (len == 0 || len > PNET_STRING_MAX || memchr(s, 0, len) || !g_utf8_validate(s, (gssize)len, NULL))
        return FALSE;
    if (attr == PNET_ATTR_IMSI) {
        if (len < 6 || len > 15)
            return FALSE;
        for (size_t i = 0; i < len; i++)
            if (!g_ascii_isdigit(s[i]))
                return FALSE;
    }
    return TRUE;
}

static gboolean location_ok(int32_t lat, int32_t lon)
{
    return lat >= -90000000 && lat <= 90000000 && lon >= -180000000 && lon <= 180000000;
}

/* ---- encoding --------------------------------------------------------------------------------- */

static void put_u16(GByteArray *b, uint16_t v)
{
    uint8_t p[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    g_byte_array_append(b, p, 2);
}

static void put_u32(GByteArray *b, uint32_t v)
{
    uint8_t p[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    g_byte_array_append(b, p, 4);
}

static void put_tlv(GByteArray *b, PnetAttr attr, const void *value, uint16_t len)
{
    uint8_t t = (uint8_t)attr;
    g_byte_array_append(b, &t, 1);
    put_u16(b, len);
    g_byte_array_append(b, value, len);
}

static void put_u8_tlv(GByteArray *b, PnetAttr attr, int v)
{
    uint8_t x = (uint8_t)v;
    put_tlv(b, attr, &x, 1);
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

uint8_t *pnet_msg_encode(const PnetMsg *msg, size_t *len, GError **error)
{
    const char *bad = NULL;
    if (msg->type != PNET_TYPE_NETWORK_REPORT && msg->type != PNET_TYPE_EXTERNAL_REPORT)
        bad = "type";
    else if (msg->role < PNET_ROLE_MSC || msg->role > PNET_ROLE_MAX)
        bad = "role";
    else if ((int)msg->state < 0 || msg->state > PNET_STATE_ROAMING)
        bad = "state";
    else if ((int)msg->call < 0 || msg->call > PNET_CALL_ACTIVE)
        bad = "call";
    else if ((int)msg->pdp < 0 || msg->pdp > PNET_PDP_INACTIVE)
        bad = "pdp";
    else if (msg->has_location && !location_ok(msg->lat_micro, msg->lon_micro))
        bad = "location";
    for (size_t i = 0; !bad && i < G_N_ELEMENTS(str_attrs); i++) {
        const char *s = *str_slot((PnetMsg *)msg, &str_attrs[i]);
        if (s && !string_ok(str_attrs[i].attr, s, strlen(s)))
            bad = str_attrs[i].name;
    }
    if (bad) {
        g_set_error(error, PNET_ERROR, PNET_ERROR_ENCODE, "PNET: bad %s", bad);
        return NULL;
    }
    GByteArray *b = g_byte_array_sized_new(128);
    g_byte_array_append(b, (const uint8_t *)PNET_MAGIC, 4);
    uint8_t h[4] = {PNET_VERSION, (uint8_t)msg->type, (uint8_t)msg->role, 0};
    g_byte_array_append(b, h, 4);
    put_u32(b, msg->seq);
    put_u16(b, 0); /* attributes length, filled in below */
    for (int a = 1; a <= PNET_ATTR_MAX; a++) {
        const StrAttr *s = str_attr_find((PnetAttr)a);
        if (s) {
            const char *v = *str_slot((PnetMsg *)msg, s);
            if (v)
                put_tlv(b, (PnetAttr)a, v, (uint16_t)strlen(v));
            continue;
        }
        uint8_t p[8];
        switch ((PnetAttr)a) {
        case PNET_ATTR_STATE:
            if (msg->state)
                put_u8_tlv(b, PNET_ATTR_STATE, msg->state);
            break;
        case PNET_ATTR_CALL:
            if (msg->call)
                put_u8_tlv(b, PNET_ATTR_CALL, msg->call);
            break;
        case PNET_ATTR_PDP:
            if (msg->pdp)
                put_u8_tlv(b, PNET_ATTR_PDP, msg->pdp);
            break;
        case PNET_ATTR_LOCATION:
            if (msg->has_location) {
                put_be(p, (uint32_t)msg->lat_micro, 4);
                put_be(p + 4, (uint32_t)msg->lon_micro, 4);
                put_tlv(b, PNET_ATTR_LOCATION, p, 8);
            }
            break;
        case PNET_ATTR_TIMESTAMP:
            if (msg->has_timestamp) {
                put_be(p, (uint64_t)msg->timestamp_ns, 8);
                put_tlv(b, PNET_ATTR_TIMESTAMP, p, 8);
            }
            break;
        default:
            break;
        }
    }
    size_t n = b->len - PNET_HEADER_LEN; /* at most 7 strings of 258 bytes + 41: fits 16 bits */
    b->data[12] = (uint8_t)(n >> 8);
    b->data[13] = (uint8_t)n;
    if (len)
        *len = b->len;
    return g_byte_array_free(b, FALSE);
}

/* ---- decoding --------------------------------------------------------------------------------- */

static uint64_t get_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static gboolean fail(PnetMsg *out, GError **error, PnetError code, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static gboolean fail(PnetMsg *out, GError **error, PnetError code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *m = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, PNET_ERROR, code, "PNET: %s", m);
    pnet_msg_clear(out);
    return FALSE;
}

gboolean pnet_msg_decode(const uint8_t *data, size_t len, PnetMsg *out, GError **error)
{
    pnet_msg_init(out);
    if (len < PNET_HEADER_LEN)
        return fail(out, error, PNET_ERROR_TRUNCATED, "%zu bytes, shorter than the %d-byte header", len,
                    PNET_HEADER_LEN);
    if (memcmp(data, PNET_MAGIC, 4) != 0)
        return fail(out, error, PNET_ERROR_MAGIC, "bad magic");
    if (data[4] != PNET_VERSION)
        return fail(out, error, PNET_ERROR_MAGIC, "version %u (1 expected)", data[4]);
    if (data[7] != 0)
        return fail(out, error, PNET_ERROR_MAGIC, "reserved byte %u (0 expected)", data[7]);
    if (data[5] != PNET_TYPE_NETWORK_REPORT && data[5] != PNET_TYPE_EXTERNAL_REPORT)
        return fail(out, error, PNET_ERROR_INVALID, "unknown message type %u", data[5]);
    if (data[6] < PNET_ROLE_MSC || data[6] > PNET_ROLE_MAX)
        return fail(out, error, PNET_ERROR_INVALID, "unknown sender role %u", data[6]);
    out->type = data[5];
    out->role = data[6];
    out->seq = (uint32_t)get_be(data + 8, 4);
    size_t n = (size_t)get_be(data + 12, 2);
    if (len < PNET_HEADER_LEN + n)
        return fail(out, error, PNET_ERROR_TRUNCATED, "attributes length %zu, %zu bytes present", n,
                    len - PNET_HEADER_LEN);
    if (len > PNET_HEADER_LEN + n)
        return fail(out, error, PNET_ERROR_INVALID, "%zu trailing bytes", len - PNET_HEADER_LEN - n);
    uint32_t seen = 0; /* bit per known attribute type */
    size_t off = PNET_HEADER_LEN;
    while (off < len) {
        if (len - off < PNET_TLV_HEADER_LEN)
            return fail(out, error, PNET_ERROR_TRUNCATED, "attribute header cut at offset %zu", off);
        uint8_t t = data[off];
        size_t l = (size_t)get_be(data + off + 1, 2);
        const uint8_t *v = data + off + PNET_TLV_HEADER_LEN;
        if (len - off - PNET_TLV_HEADER_LEN < l)
            return fail(out, error, PNET_ERROR_TRUNCATED, "attribute %u of %zu bytes cut at offset %zu", t, l, off);
        off += PNET_TLV_HEADER_LEN + l;
        if (t == 0 || t > PNET_ATTR_MAX) { /* unknown: skipped, so later versions can add attributes */
            out->unknown_attrs++;
            continue;
        }
        if (seen & (1u << t))
            return fail(out, error, PNET_ERROR_INVALID, "attribute %u twice", t);
        seen |= 1u << t;
        const StrAttr *s = str_attr_find((PnetAttr)t);
        if (s) {
            if (!string_ok((PnetAttr)t, (const char *)v, l))
                return fail(out, error, PNET_ERROR_INVALID, "bad %s", s->name);
            *str_slot(out, s) = g_strndup((const char *)v, l);
            continue;
        }
        size_t want = t == PNET_ATTR_LOCATION || t == PNET_ATTR_TIMESTAMP ? 8 : 1;
        if (l != want)
            return fail(out, error, PNET_ERROR_INVALID, "attribute %u of %zu bytes (%zu expected)", t, l, want);
        switch ((PnetAttr)t) {
        case PNET_ATTR_STATE:
            if (v[0] < PNET_STATE_ATTACHED || v[0] > PNET_STATE_ROAMING)
                return fail(out, error, PNET_ERROR_INVALID, "unknown state %u", v[0]);
            out->state = v[0];
            break;
        case PNET_ATTR_CALL:
            if (v[0] < PNET_CALL_IDLE || v[0] > PNET_CALL_ACTIVE)
                return fail(out, error, PNET_ERROR_INVALID, "unknown call state %u", v[0]);
            out->call = v[0];
            break;
        case PNET_ATTR_PDP:
            if (v[0] < PNET_PDP_ACTIVE || v[0] > PNET_PDP_INACTIVE)
                return fail(out, error, PNET_ERROR_INVALID, "unknown PDP state %u", v[0]);
            out->pdp = v[0];
            break;
        case PNET_ATTR_LOCATION:
            out->lat_micro = (int32_t)(uint32_t)get_be(v, 4);
            out->lon_micro = (int32_t)(uint32_t)get_be(v + 4, 4);
            if (!location_ok(out->lat_micro, out->lon_micro))
                return fail(out, error, PNET_ERROR_INVALID, "location out of range");
            out->has_location = TRUE;
            break;
        case PNET_ATTR_TIMESTAMP:
            out->timestamp_ns = (int64_t)get_be(v, 8);
            out->has_timestamp = TRUE;
            break;
        default:
            g_assert_not_reached(); /* the string attributes were handled above */
        }
    }
    return TRUE;
}
