/* test-diameter-tshark.c: the Diameter bytes as Wireshark sees them.
 *
 * Two connections to the HSS on TCP port 3868 are written into a classic pcap (LINKTYPE_RAW,
 * IPv4 + TCP headers with valid checksums, SYN / SYN-ACK / ACK, data acknowledged, FIN at the
 * end): the I-CSCF (UAR/UAA, LIR/LIA) and the S-CSCF (MAR/MAA, resynchronising MAR/MAA, SAR/SAA,
 * DWR/DWA, DPR/DPA). The Diameter bytes come from the real code: a DiameterPeer on each side does
 * CER/CEA, the watchdog and DPR/DPA, and the Cx messages come from cx.h builders. UAR and LIR go out
 * in one TCP segment (two messages merged, and so do their answers), the SAR and the SAA with the
 * subscription XML are cut into segments of 120 bytes (tshark must reassemble them).
 *
 * tshark (if installed) must then dissect every message as Diameter, with the command codes,
 * R flags, application ids and Session-Ids we sent, the Cx AVPs as 3GPP ones, and report nothing
 * malformed and no expert info of severity warning or above.
 */
#include "links/inet-checksum.h"
#include "protocols/diameter/cx.h"
#include "protocols/diameter/diameter-peer.h"
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define SEC G_GINT64_CONSTANT(1000000000)

/* ---- pcap writing --------------------------------------------------------------------------- */

typedef struct {
    GByteArray *file;
    int64_t now_us; /* fake clock: +1 ms per packet */
    uint16_t ip_id;
} Pcap;

static void le32(GByteArray *a, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    g_byte_array_append(a, b, 4);
}

static void le16(GByteArray *a, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    g_byte_array_append(a, b, 2);
}

static void be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void pcap_init(Pcap *pc)
{
    pc->file = g_byte_array_new();
    pc->now_us = G_GINT64_CONSTANT(1700000000000000);
    le32(pc->file, 0xa1b2c3d4u); /* microsecond pcap, written little-endian */
    le16(pc->file, 2);
    le16(pc->file, 4);
    le32(pc->file, 0);     /* thiszone */
    le32(pc->file, 0);     /* sigfigs */
    le32(pc->file, 65535); /* snaplen */
    le32(pc->file, 101);   /* LINKTYPE_RAW */
}

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_PSH 0x08
#define TCP_ACK 0x10

typedef struct {
    SimAddr addr[2];
    uint16_t port[2];
    uint32_t next_seq[2]; /* next sequence number each side sends */
} Conn;

/* One IPv4/TCP packet from side FROM of C. */
static void pcap_segment(Pcap *pc, Conn *c, int from, uint8_t flags, const uint8_t *data, size_t len)
{
    int to = 1 - from;
    size_t tcp_len = 20 + len, ip_len = 20 + tcp_len;
    uint8_t *pkt = g_malloc0(ip_len);
    /* IPv4 (RFC 791), DF set */
    pkt[0] = 0x45;
    be16(pkt + 2, (uint32_t)ip_len);
    be16(pkt + 4, pc->ip_id++);
    be16(pkt + 6, 0x4000);
    pkt[8] = 64;
    pkt[9] = 6;
    memcpy(pkt + 12, c->addr[from].bytes, 4);
    memcpy(pkt + 16, c->addr[to].bytes, 4);
    be16(pkt + 10, inet_checksum(pkt, 20));
    /* TCP (RFC 9293 §3.1) */
    uint8_t *t = pkt + 20;
    be16(t, c->port[from]);
    be16(t + 2, c->port[to]);
    be32(t + 4, c->next_seq[from]);
    be32(t + 8, (flags & TCP_ACK) ? c->next_seq[to] : 0);
    t[12] = 5 << 4;
    t[13] = flags;
    be16(t + 14, 65535);
    if (len)
        memcpy(t + 20, data, len);
    be16(t + 16, inet_checksum_pseudo(&c->addr[from], &c->addr[to], 6, t, tcp_len));
    c->next_seq[from] += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);

    pc->now_us += 1000;
    le32(pc->file, (uint32_t)(pc->now_us / 1000000));
    le32(pc->file, (uint32_t)(pc->now_us % 1000000));
    le32(pc->file, (uint32_t)ip_len);
    le32(pc->file, (uint32_t)ip_len);
    g_byte_array_append(pc->file, pkt, (guint)ip_len);
    g_free(pkt);
}

static void conn_open(Pcap *pc, Conn *c, const char *client, uint16_t cport, const char *server, uint32_t isn_c,
                      uint32_t isn_s)
{
    g_assert_true(sim_addr_parse(client, &c->addr[0]) && sim_addr_parse(server, &c->addr[1]));
    c->port[0] = cport;
    c->port[1] = DIAMETER_PORT;
    c->next_seq[0] = isn_c;
    c->next_seq[1] = isn_s;
    pcap_segment(pc, c, 0, TCP_SYN, NULL, 0);
    pcap_segment(pc, c, 1, TCP_SYN | TCP_ACK, NULL, 0);
    pcap_segment(pc, c, 0, TCP_ACK, NULL, 0);
}

/* DATA from side FROM in segments of at most MSS bytes, then the receiver's ACK. */
static void conn_send(Pcap *pc, Conn *c, int from, const uint8_t *data, size_t len, size_t mss)
{
    for (size_t off = 0; off < len; off += mss) {
        size_t n = MIN(mss, len - off);
        pcap_segment(pc, c, from, TCP_ACK | (off + n == len ? TCP_PSH : 0), data + off, n);
    }
    pcap_segment(pc, c, 1 - from, TCP_ACK, NULL, 0);
}

static void conn_close(Pcap *pc, Conn *c, int from)
{
    pcap_segment(pc, c, from, TCP_FIN | TCP_ACK, NULL, 0);
    pcap_segment(pc, c, 1 - from, TCP_FIN | TCP_ACK, NULL, 0);
    pcap_segment(pc, c, from, TCP_ACK, NULL, 0);
}

/* ---- two Diameter peers on one connection --------------------------------------------------- */

typedef struct Link Link;

typedef struct {
    Link *link;
    int idx;
    DiameterPeer *peer;
    GByteArray *out;
    gboolean closed;
} End;

/* What was sent, in wire order, for comparison with tshark's view. */
typedef struct {
    uint32_t command;
    gboolean request;
    uint32_t app_id;
    char *session_id; /* "" when none */
} Sent;

struct Link {
    Pcap *pc;
    Conn conn;
    End end[2];
    size_t mss;
    GArray *sent; /* Sent */
};

static void end_send(void *ctx, const uint8_t *data, size_t len)
{
    End *e = ctx;
    g_byte_array_append(e->out, data, (guint)len);
    /* Record the header and Session-Id of each message as it is written */
    g_autoptr(DiameterMsg) m = diameter_msg_parse(data, len, NULL);
    g_assert_nonnull(m);
    const DiameterHeader *h = diameter_msg_header(m);
    char *sid = diameter_avp_dup_string(diameter_msg_find(m, NULL, DIAMETER_AVP_SESSION_ID, 0));
    Sent s = {h->command, (h->flags & DIAMETER_FLAG_REQUEST) != 0, h->app_id, sid ? sid : g_strdup("")};
    g_array_append_val(e->link->sent, s);
}

static void end_disconnect(void *ctx)
{
    ((End *)ctx)->closed = TRUE;
}

static void end_timer_start(void *ctx, int64_t delay)
{
    (void)ctx;
    (void)delay; /* the test fires the watchdog by hand */
}

static void end_timer_cancel(void *ctx)
{
    (void)ctx;
}

static const uint8_t RAND_AUTN[32] = {0x23, 0x55, 0x3c, 0xbe, 0x96, 0x37, 0xa8, 0x9d, 0x21, 0x8a, 0xe6,
                                      0x4d, 0xae, 0x47, 0xbf, 0x35, 0x55, 0x5d, 0x4e, 0x6b, 0x0f, 0xa8,
                                      0x80, 0x00, 0x1b, 0x6f, 0x8d, 0x0e, 0x50, 0x4c, 0x7a, 0x21};
static const uint8_t XRES[8] = {0xa5, 0x42, 0x11, 0xd5, 0xe3, 0xba, 0x50, 0xbf};
static const uint8_t CK[16] = {0xb4, 0x0b, 0xa9, 0xa3, 0xc5, 0x8b, 0x2a, 0x05,
                               0xbb, 0xf0, 0xd9, 0x87, 0xb2, 0x1b, 0xf8, 0xcb};
static const uint8_t IK[16] = {0xf7, 0x69, 0xbc, 0xd7, 0x51, 0x04, 0x46, 0x04,
                               0x12, 0x76, 0x72, 0x71, 0x1c, 0x6d, 0x34, 0x41};
static const char USER_DATA[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><IMSSubscription><PrivateID>alice@home.net</PrivateID>"
    "<ServiceProfile><PublicIdentity><Identity>sip:alice@home.net</Identity></PublicIdentity>"
    "<PublicIdentity><Identity>tel:+4930123456</Identity></PublicIdentity></ServiceProfile>"
    "</IMSSubscription>";

static CxCommon answer_common(const CxCommon *req)
{
    return (CxCommon){.session_id = req->session_id,
                      .origin_host = "hss.home.net",
                      .origin_realm = "home.net",
                      .hop_by_hop = req->hop_by_hop,
                      .end_to_end = req->end_to_end};
}

/* The HSS: answers every Cx request. */
static void hss_request(void *ctx, DiameterPeer *peer, const DiameterMsg *msg)
{
    (void)ctx;
    g_autoptr(GError) e = NULL;
    GBytes *ans = NULL;
    switch (diameter_msg_header(msg)->command) {
    case CX_CMD_USER_AUTHORIZATION: {
        CxUar r;
        g_assert_true(cx_uar_parse(msg, &r, &e));
        CxUaa a = {.common = answer_common(&r.common),
                   .result = {DIAMETER_VENDOR_3GPP, DIAMETER_FIRST_REGISTRATION},
                   .server_name = "sip:scscf.home.net:5060"};
        ans = cx_uaa_build(&a, &e);
        cx_uar_clear(&r);
        break;
    }
    case CX_CMD_LOCATION_INFO: {
        CxLir r;
        g_assert_true(cx_lir_parse(msg, &r, &e));
        CxLia a = {.common = answer_common(&r.common), .result = {0, DIAMETER_SUCCESS},
                   .has_server_capabilities = TRUE};
        a.server_capabilities.mandatory[0] = 1;
        a.server_capabilities.n_mandatory = 1;
        a.server_capabilities.server_names[0] = "sip:scscf.home.net:5060";
        a.server_capabilities.n_server_names = 1;
        ans = cx_lia_build(&a, &e);
        cx_lir_clear(&r);
        break;
    }
    case CX_CMD_MULTIMEDIA_AUTH: {
        CxMar r;
        g_assert_true(cx_mar_parse(msg, &r, &e));
        CxAuthDataItem it = {.has_item_number = TRUE, .item_number = 1, .scheme = CX_SCHEME_AKAV1_MD5,
                             .has_ck = TRUE, .has_ik = TRUE};
        memcpy(it.authenticate, RAND_AUTN, 32);
        it.authenticate_len = 32;
        memcpy(it.authorization, XRES, sizeof XRES);
        it.authorization_len = sizeof XRES;
        memcpy(it.ck, CK, 16);
        memcpy(it.ik, IK, 16);
        CxMaa a = {.common = answer_common(&r.common), .result = {0, DIAMETER_SUCCESS}, .user_name = r.user_name,
                   .public_identity = r.public_identity, .has_number_auth_items = TRUE, .number_auth_items = 1,
                   .items = &it, .n_items = 1};
        ans = cx_maa_build(&a, &e);
        cx_mar_clear(&r);
        break;
    }
    case CX_CMD_SERVER_ASSIGNMENT: {
        CxSar r;
        g_assert_true(cx_sar_parse(msg, &r, &e));
        CxSaa a = {.common = answer_common(&r.common), .result = {0, DIAMETER_SUCCESS}, .user_name = r.user_name,
                   .user_data = (char *)USER_DATA, .has_charging_information = TRUE,
                   .primary_event_charging_function = "aaa://ecf.home.net:3868;transport=tcp"};
        ans = cx_saa_build(&a, &e);
        cx_sar_clear(&r);
        break;
    }
    default:
        g_assert_not_reached();
    }
    g_assert_no_error(e);
    g_assert_true(diameter_peer_send_answer(peer, ans, &e));
    g_bytes_unref(ans);
}

static void cscf_answer(void *ctx, DiameterPeer *peer, const DiameterMsg *msg, void *user_data)
{
    (void)ctx;
    (void)peer;
    (void)user_data;
    g_assert_nonnull(msg);
}

static void cscf_request(void *ctx, DiameterPeer *peer, const DiameterMsg *msg)
{
    (void)ctx;
    (void)peer;
    (void)msg;
    g_assert_not_reached();
}

static void link_init(Link *l, Pcap *pc, GArray *sent, const char *client_host, const char *client_ip,
                      uint16_t cport, uint32_t seed)
{
    memset(l, 0, sizeof *l);
    l->pc = pc;
    l->sent = sent;
    l->mss = 1460;
    static const DiameterPeerApp cx = {DIAMETER_VENDOR_3GPP, DIAMETER_APP_CX};
    const char *hosts[2] = {client_host, "hss.home.net"};
    const char *ips[2] = {client_ip, "10.0.0.10"};
    for (int i = 0; i < 2; i++) {
        End *e = &l->end[i];
        e->link = l;
        e->idx = i;
        e->out = g_byte_array_new();
        SimAddr a;
        g_assert_true(sim_addr_parse(ips[i], &a));
        DiameterPeerConfig cfg = {.origin_host = hosts[i],
                                  .origin_realm = "home.net",
                                  .host_ip = {DIAMETER_ADDRESS_IPV4, {a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3]}},
                                  .vendor_id = 0,
                                  .product_name = "presim",
                                  .firmware_revision = 1,
                                  .origin_state_id = 1,
                                  .apps = &cx,
                                  .n_apps = 1,
                                  .hop_by_hop_start = seed + 0x100u * (uint32_t)i,
                                  .end_to_end_start = (seed << 20) + 0x1000u * (uint32_t)i};
        DiameterPeerOps ops = {.ctx = e,
                               .send = end_send,
                               .disconnect = end_disconnect,
                               .timer_start = end_timer_start,
                               .timer_cancel = end_timer_cancel,
                               .request = i == 1 ? hss_request : cscf_request,
                               .answer = cscf_answer};
        e->peer = diameter_peer_new(&cfg, &ops);
    }
    conn_open(pc, &l->conn, client_ip, cport, "10.0.0.10", seed * 7919u, seed * 104729u);
    diameter_peer_start(l->end[0].peer);
    diameter_peer_accepted(l->end[1].peer);
    diameter_peer_connected(l->end[0].peer);
}

/* Moves everything each side has written onto the wire (one write per flush) and into the other
 * peer, until both are quiet; then the FIN if one side closed. */
static void link_pump(Link *l)
{
    gboolean again = TRUE;
    while (again) {
        again = FALSE;
        for (int i = 0; i < 2; i++) {
            End *e = &l->end[i];
            if (!e->out->len)
                continue;
            GByteArray *data = e->out;
            e->out = g_byte_array_new();
            conn_send(l->pc, &l->conn, i, data->data, data->len, l->mss);
            diameter_peer_receive(l->end[1 - i].peer, data->data, data->len);
            g_byte_array_unref(data);
            again = TRUE;
        }
    }
    for (int i = 0; i < 2; i++)
        if (l->end[i].closed) {
            conn_close(l->pc, &l->conn, i);
            diameter_peer_disconnected(l->end[1 - i].peer);
            l->end[i].closed = FALSE;
        }
}

static void link_clear(Link *l)
{
    for (int i = 0; i < 2; i++) {
        diameter_peer_free(l->end[i].peer);
        g_byte_array_unref(l->end[i].out);
    }
}

static void send_req(Link *l, GBytes *b)
{
    g_autoptr(GError) e = NULL;
    g_assert_true(diameter_peer_send_request(l->end[0].peer, b, NULL, &e));
    g_bytes_unref(b);
}

static CxCommon req_common(DiameterPeer *p, const char *sid, const char *host)
{
    return (CxCommon){.session_id = (char *)sid,
                      .origin_host = (char *)host,
                      .origin_realm = "home.net",
                      .destination_realm = "home.net",
                      .destination_host = "hss.home.net",
                      .hop_by_hop = diameter_peer_next_hop_by_hop(p),
                      .end_to_end = diameter_peer_next_end_to_end(p)};
}

/* The whole capture; returns the file bytes and fills SENT. */
static GByteArray *make_capture(GArray *sent)
{
    Pcap pc = {0};
    pcap_init(&pc);
    g_autoptr(GError) e = NULL;

    /* I-CSCF ↔ HSS: CER/CEA, then UAR and LIR written together (one TCP segment) */
    Link ic;
    link_init(&ic, &pc, sent, "icscf.home.net", "10.0.0.2", 40001, 1);
    link_pump(&ic);
    g_assert_true(diameter_peer_is_open(ic.end[0].peer) && diameter_peer_is_open(ic.end[1].peer));
    DiameterPeer *icp = ic.end[0].peer;
    CxUar uar = {.common = req_common(icp, "icscf.home.net;1;1", "icscf.home.net"),
                 .user_name = "alice@home.net",
                 .public_identity = "sip:alice@home.net",
                 .visited_network_id = "home.net",
                 .user_authorization_type = CX_UAT_REGISTRATION};
    send_req(&ic, cx_uar_build(&uar, &e));
    CxLir lir = {.common = req_common(icp, "icscf.home.net;1;2", "icscf.home.net"),
                 .public_identity = "sip:bob@home.net", .originating_request = FALSE};
    send_req(&ic, cx_lir_build(&lir, &e));
    link_pump(&ic);

    /* S-CSCF ↔ HSS */
    Link sc;
    link_init(&sc, &pc, sent, "scscf.home.net", "10.0.0.3", 40002, 2);
    link_pump(&sc);
    DiameterPeer *scp = sc.end[0].peer;
    CxMar mar = {.common = req_common(scp, "scscf.home.net;1;42", "scscf.home.net"),
                 .user_name = "alice@home.net",
                 .public_identity = "sip:alice@home.net",
                 .server_name = "sip:scscf.home.net:5060",
                 .number_auth_items = 1,
                 .item = {.scheme = CX_SCHEME_AKAV1_MD5}};
    send_req(&sc, cx_mar_build(&mar, &e));
    link_pump(&sc);
    /* Resynchronisation: SIP-Authorization = RAND || AUTS (TS 29.229 §6.3.11) */
    CxMar resync = mar;
    resync.common = req_common(scp, "scscf.home.net;1;43", "scscf.home.net");
    memcpy(resync.item.authorization, RAND_AUTN, 16);
    for (int i = 0; i < 14; i++)
        resync.item.authorization[16 + i] = (uint8_t)(0xa0 + i);
    resync.item.authorization_len = 30;
    send_req(&sc, cx_mar_build(&resync, &e));
    link_pump(&sc);
    CxSar sar = {.common = req_common(scp, "scscf.home.net;1;44", "scscf.home.net"),
                 .user_name = "alice@home.net",
                 .public_identity = "sip:alice@home.net",
                 .server_name = "sip:scscf.home.net:5060",
                 .server_assignment_type = CX_SAT_REGISTRATION,
                 .user_data_already_available = CX_USER_DATA_NOT_AVAILABLE};
    send_req(&sc, cx_sar_build(&sar, &e));
    sc.mss = 120; /* the SAA (with the subscription XML) crosses several segments */
    link_pump(&sc);
    sc.mss = 1460;
    CxSar dereg = sar;
    dereg.common = req_common(scp, "scscf.home.net;1;45", "scscf.home.net");
    dereg.server_assignment_type = CX_SAT_USER_DEREGISTRATION;
    send_req(&sc, cx_sar_build(&dereg, &e));
    link_pump(&sc);
    /* The watchdog (as if Tw expired on the S-CSCF), then DPR/DPA */
    diameter_peer_timer_fired(scp);
    link_pump(&sc);
    g_assert_cmpuint(diameter_peer_stats(scp)->dwa_received, ==, 1);
    diameter_peer_stop(scp, DIAMETER_DISCONNECT_REBOOTING);
    link_pump(&sc);
    g_assert_cmpint(diameter_peer_state(scp), ==, DIAMETER_PEER_CLOSED);
    g_assert_cmpint(diameter_peer_state(sc.end[1].peer), ==, DIAMETER_PEER_CLOSED);
    g_assert_cmpuint(diameter_peer_pending(icp), ==, 0);

    link_clear(&ic);
    link_clear(&sc);
    return pc.file;
}

/* ---- running tshark ------------------------------------------------------------------------- */

static char *run_tshark(const char *const *args, int n)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, "tshark");
    for (int i = 0; i < n; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    char *out = NULL, *err = NULL;
    int status = 0;
    g_autoptr(GError) e = NULL;
    gboolean ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                               &status, &e);
    g_assert_no_error(e);
    g_assert_true(ok);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("tshark failed: %s", err);
    g_free(err);
    g_ptr_array_unref(argv);
    return out;
}

static void test_tshark(void)
{
    char *tshark = g_find_program_in_path("tshark");
    if (!tshark) {
        g_test_skip("tshark not installed");
        return;
    }
    g_free(tshark);
    GArray *sent = g_array_new(FALSE, FALSE, sizeof(Sent));
    GByteArray *file = make_capture(sent);
    g_autoptr(GError) e = NULL;
    char *dir = g_dir_make_tmp("presim-diameter-XXXXXX", &e);
    g_assert_no_error(e);
    char *path = g_build_filename(dir, "cx.pcap", NULL);
    g_assert_true(g_file_set_contents(path, (const char *)file->data, file->len, &e));

    /* 1. Every message, in order, with the header and Session-Id we sent */
    const char *fields[] = {"-r", path, "-Y", "diameter", "-T", "fields", "-E", "separator=|", "-E", "occurrence=a",
                            "-E", "aggregator=,", "-e", "diameter.cmd.code", "-e", "diameter.flags.request", "-e",
                            "diameter.applicationId", "-e", "diameter.Session-Id"};
    char *out = run_tshark(fields, G_N_ELEMENTS(fields));
    if (g_test_verbose())
        g_printerr("%s", out);
    GPtrArray *seen = g_ptr_array_new_with_free_func(g_free);
    char **lines = g_strsplit(out, "\n", -1);
    for (char **line = lines; *line && **line; line++) {
        char **f = g_strsplit(*line, "|", -1);
        g_assert_cmpuint(g_strv_length(f), ==, 4);
        char **cmd = g_strsplit(f[0], ",", -1), **req = g_strsplit(f[1], ",", -1), **app = g_strsplit(f[2], ",", -1);
        char **sid = g_strsplit(f[3], ",", -1);
        guint n = g_strv_length(cmd);
        g_assert_cmpuint(g_strv_length(req), ==, n);
        g_assert_cmpuint(g_strv_length(app), ==, n);
        /* Session-Id is absent from base messages: line them up by the commands that carry one */
        guint k = 0;
        for (guint i = 0; i < n; i++) {
            gboolean base = g_strcmp0(app[i], "0") == 0;
            const char *s = base ? "" : (sid[k] ? sid[k++] : "?");
            g_ptr_array_add(seen, g_strdup_printf("%s %s %s %s", cmd[i], req[i], app[i], s));
        }
        g_strfreev(cmd);
        g_strfreev(req);
        g_strfreev(app);
        g_strfreev(sid);
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_free(out);
    g_assert_cmpuint(seen->len, ==, sent->len);
    for (guint i = 0; i < sent->len; i++) {
        Sent *s = &g_array_index(sent, Sent, i);
        char *want = g_strdup_printf("%u %s %u %s", s->command, s->request ? "1" : "0", s->app_id, s->session_id);
        g_assert_cmpstr(seen->pdata[i], ==, want);
        g_free(want);
    }
    g_assert_cmpuint(sent->len, ==, 20); /* 2 CER, UAR, LIR, 2 MAR, 2 SAR, DWR, DPR and their answers */

    /* 2. The Cx AVPs are dissected as 3GPP ones (Wireshark's names) with the values we put */
    const char *cx[] = {"-r", path, "-Y", "diameter.applicationId == 16777216", "-T", "fields", "-E",
                        "occurrence=a", "-e", "diameter.Public-Identity", "-e", "diameter.Server-Assignment-Type",
                        "-e", "diameter.3GPP-SIP-Authentication-Scheme", "-e", "diameter.Experimental-Result-Code",
                        "-e", "diameter.Confidentiality-Key"};
    out = run_tshark(cx, G_N_ELEMENTS(cx));
    if (g_test_verbose())
        g_printerr("%s", out);
    g_assert_nonnull(strstr(out, "sip:alice@home.net"));
    g_assert_nonnull(strstr(out, "sip:bob@home.net"));
    g_assert_nonnull(strstr(out, "Digest-AKAv1-MD5"));
    g_assert_nonnull(strstr(out, "2001"));
    g_assert_nonnull(strstr(out, "b40ba9a3c58b2a05bbf0d987b21bf8cb"));
    g_free(out);

    /* 3. Nothing malformed, no error or warning from any dissector */
    const char *health[] = {"-r", path, "-Y", "_ws.malformed || _ws.expert.severity >= warning", "-T", "fields",
                            "-e", "frame.number", "-e", "_ws.expert.message"};
    out = run_tshark(health, G_N_ELEMENTS(health));
    if (*out)
        g_error("tshark reports problems (frame, message):\n%s\n(capture kept at %s)", out, path);
    g_free(out);
    /* ... and TCP saw a clean stream: no retransmission, lost segment or bad checksum notes */
    const char *tcp[] = {"-r", path, "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-Y",
                         "tcp.analysis.flags || tcp.checksum.status != 1 || ip.checksum.status != 1", "-T", "fields",
                         "-e", "frame.number"};
    out = run_tshark(tcp, G_N_ELEMENTS(tcp));
    g_assert_cmpstr(out, ==, "");
    g_free(out);

    if (g_test_verbose()) {
        g_printerr("capture kept at %s\n", path);
    } else {
        g_remove(path);
        g_rmdir(dir);
    }
    for (guint i = 0; i < sent->len; i++)
        g_free(g_array_index(sent, Sent, i).session_id);
    g_array_unref(sent);
    g_ptr_array_unref(seen);
    g_byte_array_unref(file);
    g_free(path);
    g_free(dir);
}

/* The capture is a function of the code alone: two runs give the same bytes. */
static void test_deterministic(void)
{
    GArray *s1 = g_array_new(FALSE, FALSE, sizeof(Sent)), *s2 = g_array_new(FALSE, FALSE, sizeof(Sent));
    GByteArray *a = make_capture(s1), *b = make_capture(s2);
    g_assert_cmpmem(a->data, a->len, b->data, b->len);
    for (guint i = 0; i < s1->len; i++) {
        g_free(g_array_index(s1, Sent, i).session_id);
        g_free(g_array_index(s2, Sent, i).session_id);
    }
    g_array_unref(s1);
    g_array_unref(s2);
    g_byte_array_unref(a);
    g_byte_array_unref(b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/diameter-tshark/cx", test_tshark);
    g_test_add_func("/diameter-tshark/deterministic", test_deterministic);
    return g_test_run();
}
