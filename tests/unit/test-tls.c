/* test-tls.c: TLS 1.2 for Ut (protocols/tls/tls-random.h, tls-ca.h, tls-session.h).
 *
 * A client and a server session are pumped against each other in memory. Covered: the PSK
 * handshake of TS 33.222 §5.4 with application data both ways and close_notify; the key chosen per
 * cipher suite; the deferred server key (wanted -> provide), refused (unknown_psk_identity on the
 * wire) and wrong (both ends fail); the certificate variant of §5.3 and its failures (wrong CA, wrong
 * host name, expired at the simulated time); a changed octet in a protected record (bad_record_mac);
 * garbage and hostile handshake records fed to a server; byte-identical runs for equal seeds; the NSS
 * key log line; the CA's certificates checked with X509_verify_cert; RAND routed through the streams.
 */
#include "protocols/tls/tls-session.h"

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <string.h>

#define T0 INT64_C(1700000000) /* simulated "now" */
#define DAY INT64_C(86400)
#define PSK_AES128_CBC_SHA 0x008C
#define PSK_AES256_CBC_SHA 0x008D
#define ECDHE_ECDSA_AES128_GCM_SHA256 0xC02B

static const char BTID[] = "dGVzdGJ0aWQ=@bsf.home.example.net";
static const uint8_t KS_NAF[32] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
                                   0xcc, 0xdd, 0xee, 0xff, 0x00, 1,    2,    3,    4,    5,    6,
                                   7,    8,    9,    10,   11,   12,   13,   14,   15,   16};

static void seed_fill(uint8_t seed[TLS_RANDOM_SEED_LEN], unsigned n)
{
    for (unsigned i = 0; i < TLS_RANDOM_SEED_LEN; i++)
        seed[i] = (uint8_t)(n * 31 + i);
}

/* memmem() is a GNU extension. */
static const void *find_bytes(const void *hay, size_t n, const void *needle, size_t m)
{
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp((const uint8_t *)hay + i, needle, m) == 0)
            return (const uint8_t *)hay + i;
    return NULL;
}

/* ------------------------------------------------------------------ pumping */

typedef struct {
    GByteArray *c2s, *s2c; /* every octet each way, for determinism checks */
    GError *cerr, *serr;   /* first failure of each end */
} Wire;

static void wire_init(Wire *w)
{
    w->c2s = g_byte_array_new();
    w->s2c = g_byte_array_new();
    w->cerr = w->serr = NULL;
}

static void wire_clear(Wire *w)
{
    g_byte_array_free(w->c2s, TRUE);
    g_byte_array_free(w->s2c, TRUE);
    g_clear_error(&w->cerr);
    g_clear_error(&w->serr);
}

/* Moves one batch of output from FROM to TO; TRUE if anything moved. */
static gboolean move(TlsSession *from, TlsSession *to, GByteArray *log, GError **to_err)
{
    GBytes *out = tls_session_take_output(from);
    if (out == NULL)
        return FALSE;
    gsize n;
    const uint8_t *d = g_bytes_get_data(out, &n);
    g_byte_array_append(log, d, (guint)n);
    if (!tls_session_failed(to)) {
        GError *e = NULL;
        if (!tls_session_feed(to, d, n, &e)) {
            g_assert_nonnull(e);
            if (*to_err == NULL)
                *to_err = e;
            else
                g_error_free(e);
        }
    }
    g_bytes_unref(out);
    return TRUE;
}

static void pump(TlsSession *c, TlsSession *s, Wire *w)
{
    for (int i = 0; i < 64; i++) {
        gboolean a = move(c, s, w->c2s, &w->serr);
        gboolean b = move(s, c, w->s2c, &w->cerr);
        if (!a && !b)
            return;
    }
    g_assert_not_reached();
}

static TlsSession *session_new(const TlsConfig *cfg)
{
    GError *err = NULL;
    TlsSession *s = tls_session_new(cfg, &err);
    g_assert_no_error(err);
    g_assert_nonnull(s);
    return s;
}

static TlsConfig psk_client_cfg(const uint8_t *seed)
{
    return (TlsConfig){.role = TLS_ROLE_CLIENT, .mode = TLS_MODE_PSK, .psk_identity = BTID, .psk = KS_NAF,
                       .psk_len = sizeof KS_NAF, .random_seed = seed};
}

/* A server that knows BTID's key from the start (no Zn round trip). */
static TlsConfig psk_server_cfg(const uint8_t *seed)
{
    return (TlsConfig){.role = TLS_ROLE_SERVER, .mode = TLS_MODE_PSK, .psk_identity = BTID, .psk = KS_NAF,
                       .psk_len = sizeof KS_NAF, .random_seed = seed};
}

static void send_and_check(TlsSession *from, TlsSession *to, TlsSession *c, TlsSession *s, Wire *w, const char *text)
{
    GError *err = NULL;
    g_assert_true(tls_session_write(from, (const uint8_t *)text, strlen(text), &err));
    g_assert_no_error(err);
    pump(c, s, w);
    GBytes *in = tls_session_take_input(to);
    g_assert_nonnull(in);
    gsize n;
    const char *d = g_bytes_get_data(in, &n);
    g_assert_cmpmem(d, n, text, strlen(text));
    g_bytes_unref(in);
    g_assert_null(tls_session_take_input(to));
}

/* The record layer of a single alert (RFC 5246 §6.2.1, §7.2), unencrypted. */
static gboolean has_plain_alert(const GByteArray *a, uint8_t level, uint8_t desc)
{
    const uint8_t want[] = {21, 3, 3, 0, 2, level, desc};
    for (guint i = 0; i + sizeof want <= a->len; i++)
        if (memcmp(a->data + i, want, sizeof want) == 0)
            return TRUE;
    return FALSE;
}

/* ------------------------------------------------------------------ PSK */

static void test_psk_basic(void)
{
    uint8_t cs[32], ss[32];
    seed_fill(cs, 1);
    seed_fill(ss, 2);
    TlsConfig ccfg = psk_client_cfg(cs), scfg = psk_server_cfg(ss);
    TlsSession *c = session_new(&ccfg), *s = session_new(&scfg);
    Wire w;
    wire_init(&w);
    /* Written before the handshake: held, then sent. */
    g_assert_true(tls_session_write(c, (const guint8 *)"early", 5, NULL));
    g_assert_false(tls_session_handshake_done(c));
    g_assert_cmpuint(tls_session_cipher_id(c), ==, 0);
    pump(c, s, &w);
    g_assert_no_error(w.cerr);
    g_assert_no_error(w.serr);
    g_assert_true(tls_session_handshake_done(c));
    g_assert_true(tls_session_handshake_done(s));
    g_assert_null(tls_session_psk_wanted(s));
    g_assert_cmpstr(tls_session_psk_identity(s), ==, BTID);
    g_assert_cmpuint(tls_session_cipher_id(c), ==, PSK_AES128_CBC_SHA);
    g_assert_cmpuint(tls_session_cipher_id(s), ==, PSK_AES128_CBC_SHA);
    g_assert_cmpstr(tls_session_cipher_name(s), ==, "PSK-AES128-CBC-SHA");
    /* The server sent the 3GPP hint in its ServerKeyExchange (RFC 4279 §2): find it on the wire. */
    g_assert_nonnull(find_bytes(w.s2c->data, w.s2c->len, TLS_PSK_HINT_3GPP, strlen(TLS_PSK_HINT_3GPP)));
    GBytes *early = tls_session_take_input(s);
    g_assert_nonnull(early);
    g_assert_cmpmem(g_bytes_get_data(early, NULL), g_bytes_get_size(early), "early", 5);
    g_bytes_unref(early);
    /* The plaintext never appears on the wire. */
    send_and_check(c, s, c, s, &w, "GET /nafs/xcap HTTP/1.1");
    send_and_check(s, c, c, s, &w, "HTTP/1.1 200 OK");
    g_assert_null(find_bytes(w.c2s->data, w.c2s->len, "GET /nafs", 9));
    g_assert_null(find_bytes(w.s2c->data, w.s2c->len, "200 OK", 6));
    /* close_notify each way. */
    tls_session_close(c);
    pump(c, s, &w);
    g_assert_true(tls_session_peer_closed(s));
    g_assert_false(tls_session_peer_closed(c));
    GError *err = NULL;
    g_assert_false(tls_session_write(c, (const guint8 *)"x", 1, &err));
    g_assert_error(err, TLS_ERROR, TLS_ERROR_CLOSED);
    g_clear_error(&err);
    tls_session_close(s);
    pump(c, s, &w);
    g_assert_true(tls_session_peer_closed(c));
    g_assert_false(tls_session_failed(c));
    g_assert_false(tls_session_failed(s));
    g_assert_cmpint(tls_session_cpu_ns(c), >, 0);
    g_assert_cmpint(tls_session_cpu_ns(s), >, 0);
    tls_session_free(c);
    tls_session_free(s);
    wire_clear(&w);
}

typedef struct {
    char *hint;
    uint16_t cipher;
    int calls;
} KeyCall;

/* Stands in for Ks_NAF derivation: the key depends on the suite (TS 33.220 Annex H.3). */
static gboolean key_for_cipher(const char *hint, uint16_t cipher_id, uint8_t *key, size_t *key_len, void *user)
{
    KeyCall *k = user;
    k->calls++;
    g_free(k->hint);
    k->hint = g_strdup(hint);
    k->cipher = cipher_id;
    memcpy(key, KS_NAF, sizeof KS_NAF);
    key[0] ^= (uint8_t)cipher_id;
    *key_len = sizeof KS_NAF;
    return TRUE;
}

static gboolean key_refuse(const char *hint, uint16_t cipher_id, uint8_t *key, size_t *key_len, void *user)
{
    (void)hint, (void)cipher_id, (void)key, (void)key_len, (void)user;
    return FALSE;
}

static void test_psk_deferred(void)
{
    uint8_t cs[32], ss[32];
    seed_fill(cs, 3);
    seed_fill(ss, 4);
    KeyCall kc = {0};
    TlsConfig ccfg = {.role = TLS_ROLE_CLIENT, .mode = TLS_MODE_PSK, .psk_identity = BTID,
                      .psk_for_cipher = key_for_cipher, .psk_user = &kc, .random_seed = cs};
    TlsConfig scfg = {.role = TLS_ROLE_SERVER, .mode = TLS_MODE_PSK, .random_seed = ss}; /* no key yet */
    TlsSession *c = session_new(&ccfg), *s = session_new(&scfg);
    Wire w;
    wire_init(&w);
    pump(c, s, &w);
    g_assert_no_error(w.cerr);
    g_assert_no_error(w.serr);
    g_assert_cmpint(kc.calls, ==, 1);
    g_assert_cmpstr(kc.hint, ==, TLS_PSK_HINT_3GPP);
    g_assert_cmpuint(kc.cipher, ==, PSK_AES128_CBC_SHA);
    /* The server waits: identity known, suite known, nothing more sent, not done. */
    g_assert_cmpstr(tls_session_psk_wanted(s), ==, BTID);
    g_assert_cmpuint(tls_session_cipher_id(s), ==, PSK_AES128_CBC_SHA);
    g_assert_false(tls_session_handshake_done(s));
    g_assert_false(tls_session_handshake_done(c));
    g_assert_null(tls_session_take_output(s));
    GError *err = NULL;
    g_assert_false(tls_session_provide_psk(s, KS_NAF, 0, &err));
    g_assert_error(err, TLS_ERROR, TLS_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_cmpstr(tls_session_psk_wanted(s), ==, BTID);
    /* The key the Zn answer would carry for this suite. */
    uint8_t key[32];
    size_t key_len;
    key_for_cipher(NULL, tls_session_cipher_id(s), key, &key_len, &kc);
    g_assert_true(tls_session_provide_psk(s, key, key_len, &err));
    g_assert_no_error(err);
    g_assert_null(tls_session_psk_wanted(s));
    g_assert_true(tls_session_handshake_done(s));
    pump(c, s, &w);
    g_assert_no_error(w.cerr);
    g_assert_true(tls_session_handshake_done(c));
    g_assert_cmpstr(tls_session_psk_identity(s), ==, BTID);
    send_and_check(c, s, c, s, &w, "PUT /nafs/xcap");
    g_assert_false(tls_session_provide_psk(s, key, key_len, &err)); /* nothing is waiting any more */
    g_assert_error(err, TLS_ERROR, TLS_ERROR_INVALID);
    g_clear_error(&err);
    g_free(kc.hint);
    tls_session_free(c);
    tls_session_free(s);
    wire_clear(&w);
}

/* The client's second flight re-cut into records of at most CHUNK handshake octets each and fed
 * one octet at a time: the ClientKeyExchange spans records and feeds, and is still found. */
static GByteArray *refragment_handshake(const uint8_t *d, size_t n, size_t chunk)
{
    GByteArray *out = g_byte_array_new();
    size_t off = 0;
    while (off + 5 <= n) {
        size_t len = (size_t)d[off + 3] << 8 | d[off + 4];
        g_assert_cmpuint(off + 5 + len, <=, n);
        if (d[off] != 22) {
            g_byte_array_append(out, d + off, (guint)(n - off)); /* CCS and what follows, unchanged */
            return out;
        }
        for (size_t i = 0; i < len; i += chunk) {
            size_t k = MIN(chunk, len - i);
            uint8_t h[5] = {22, d[off + 1], d[off + 2], (uint8_t)(k >> 8), (uint8_t)k};
            g_byte_array_append(out, h, 5);
            g_byte_array_append(out, d + off + 5 + i, (guint)k);
        }
        off += 5 + len;
    }
    return out;
}

static void test_psk_deferred_fragmented(void)
{
    for (size_t chunk = 1; chunk <= 7; chunk += 3) {
        uint8_t cs[32], ss[32];
        seed_fill(cs, 5);
        seed_fill(ss, 6);
        TlsConfig ccfg = psk_client_cfg(cs);
        TlsConfig scfg = {.role = TLS_ROLE_SERVER, .mode = TLS_MODE_PSK, .psk_hint = "ap.example", .random_seed = ss};
        TlsSession *c = session_new(&ccfg), *s = session_new(&scfg);
        GError *err = NULL;
        GBytes *hello = tls_session_take_output(c);
        GByteArray *frag = refragment_handshake(g_bytes_get_data(hello, NULL), g_bytes_get_size(hello), chunk);
        for (guint i = 0; i < frag->len; i++)
            g_assert_true(tls_session_feed(s, frag->data + i, 1, &err));
        g_byte_array_free(frag, TRUE);
        g_bytes_unref(hello);
        GBytes *flight = tls_session_take_output(s);
        g_assert_nonnull(flight);
        g_assert_true(tls_session_feed(c, g_bytes_get_data(flight, NULL), g_bytes_get_size(flight), &err));
        g_assert_no_error(err);
        g_bytes_unref(flight);
        GBytes *second = tls_session_take_output(c); /* ClientKeyExchange, ChangeCipherSpec, Finished */
        frag = refragment_handshake(g_bytes_get_data(second, NULL), g_bytes_get_size(second), chunk);
        g_bytes_unref(second);
        for (guint i = 0; i < frag->len; i++) {
            g_assert_true(tls_session_feed(s, frag->data + i, 1, &err));
            g_assert_no_error(err);
        }
        g_byte_array_free(frag, TRUE);
        g_assert_cmpstr(tls_session_psk_wanted(s), ==, BTID);
        g_assert_true(tls_session_provide_psk(s, KS_NAF, sizeof KS_NAF, &err));
        g_assert_no_error(err);
        Wire w;
        wire_init(&w);
        pump(c, s, &w);
        g_assert_no_error(w.cerr);
        g_assert_true(tls_session_handshake_done(c));
        g_assert_true(tls_session_handshake_done(s));
        tls_session_free(c);
        tls_session_free(s);
        wire_clear(&w);
    }
}

static void test_psk_refused(void)
{
    uint8_t cs[32], ss[32];
    seed_fill(cs, 7);
    seed_fill(ss, 8);
    TlsConfig ccfg = psk_client_cfg(cs);
    TlsConfig scfg = {.role = TLS_ROLE_SERVER, .mode = TLS_MODE_PSK, .random_seed = ss};
    TlsSession *c = session_new(&ccfg), *s = session_new(&scfg);
    Wire w;
    wire_init(&w);
    pump(c, s, &w);
    g_assert_cmpstr(tls_session_psk_wanted(s), ==, BTID);
    GError *err = NULL;
    g_assert_false(tls_session_provide_psk(s, NULL, 0, &err));
    g_assert_error(err, TLS_ERROR, TLS_ERROR_HANDSHAKE);
    g_assert_nonnull(strstr(err->message, "unknown PSK identity"));
    g_clear_error(&err);
    g_assert_true(tls_session_failed(s));
    g_assert_null(tls_session_psk_wanted(s));
    guint before = w.s2c->len;
    pump(c, s, &w);
    /* Fatal unknown_psk_identity (RFC 4279 §2: 115) went out in the clear; the client knows why. */
    GByteArray tail = {.data = w.s2c->data + before, .len = w.s2c->len - before};
    g_assert_true(has_plain_alert(&tail, 2, 115));
    g_assert_true(tls_session_failed(c));
    g_assert_error(w.cerr, TLS_ERROR, TLS_ERROR_HANDSHAKE);
    g_assert_nonnull(strstr(w.cerr->message, "unknown PSK identity"));
    g_assert_false(tls_session_feed(s, (const guint8 *)"x", 1, &err));
    g_assert_error(err, TLS_ERROR, TLS_ERROR_PROTOCOL);
    g_clear_error(&err);
    tls_session_free(c);
    tls_session_free(s);
    wire_clear(&w);

    /* A client whose key source fails aborts on its own side. */
    KeyCall kc = {0};
    ccfg = (TlsConfig){.role = TLS_ROLE_CLIENT, .mode = TLS_MODE_PSK, .psk_identity = BTID,
                       .psk_for_cipher = key_refuse, .psk_user = &kc, .random_seed = cs};
    scfg = psk_server_cfg(ss);
    c = session_new(&ccfg);
    s = session_new(&scfg);
    wire_init(&w);
    pump(c, s, &w);
    g_assert_true(tls_session_failed(c));
    g_assert_error(w.cerr, TLS_ERROR, TLS_ERROR_HANDSHAKE);
    g_assert_false(tls_session_handshake_done(s));
    tls_session_free(c);
    tls_session_free(s);
    wire_clear(&w);
}

static void test_psk_wrong_key(void)
{
    uint8_t cs[32], ss[32], wrong[32];
    seed_fill(cs, 9);
    seed_fill(ss, 10);
    memcpy(wrong, KS_NAF, sizeof wrong);
    wrong[31] ^= 1;
    for (int deferred = 0; deferred < 2; deferred++) {
        TlsConfig ccfg = psk_client_cfg(cs);
        TlsConfig scfg = psk_server_cfg(ss);
        if (deferred)
            scfg.psk_identity = "someone-else", scfg.psk = KS_NAF;
        else
            scfg.psk = wrong;
        TlsSession *c = session_new(&ccfg), *s = session_new(&scfg);
        Wire w;
        wire_init(&w);
        pump(c, s, &w);
        if (deferred) {
            g_assert_cmpstr(tls_session_psk_wanted(s), ==, BTID);
            GError *err = NULL;
            g_assert_false(tls_session_provide_psk(s, wrong, sizeof wrong, &err));
            g_assert_error(err, TLS_ERROR, TLS_ERROR_HANDSHAKE);
            g_clear_error(&err);
            pump(c, s, &w);
        }
        /* RFC 5246 §7.4.9: the client's Finished does not verify; the server says so. */
        g_assert_true(tls_session_failed(s));
        g_assert_true(tls_session_failed(c));
        g_assert_false(tls_session_handshake_done(s));
        g_assert_error(w.cerr, TLS_ERROR, TLS_ERROR_HANDSHAKE);
        g_assert_nonnull(strstr(w.cerr->message, "alert received"));
        tls_session_free(c);
        tls_session_free(s);
        wire_clear(&w);
    }
}

static void test_config_invalid(void)
{
    uint8_t seed[32];
    seed_fill(seed, 11);
    TlsConfig bad[] = {
        {.role = TLS_ROLE_CLIENT, .mode = TLS_MODE_PSK, .psk_identity = BTID, .psk = KS_NAF, .psk_len = 32},
        {.role = TLS_ROLE_CLIENT, .mode = TLS_MODE_PSK, .psk = KS_NAF, .psk_len = 32, .random_seed = seed},
        {.role = TLS_ROLE_CLIENT, .mode = TLS_MODE_PSK, .psk_identity = BTID, .random_seed = seed},
        {.role = TLS_ROLE_CLIENT, .mode = TLS_MODE_PSK, .psk_identity = BTID, .psk = KS_NAF, .psk_len = 65,
         .random_seed = seed},
        {.role = TLS_ROLE_SERVER, .mode = TLS_MODE_CERT, .random_seed = seed},
        {.role = TLS_ROLE_CLIENT, .mode = TLS_MODE_CERT, .server_name = "ap.example", .random_seed = seed},
        {.role = 7, .mode = TLS_MODE_PSK, .random_seed = seed},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *err = NULL;
        g_assert_null(tls_session_new(&bad[i], &err));
        g_assert_error(err, TLS_ERROR, TLS_ERROR_INVALID);
        g_clear_error(&err);
    }
}

/* ------------------------------------------------------------------ certificates */

typedef struct {
    TlsRandom *rng;
    TlsCa *ca, *other_ca;
    TlsCredentials *creds;
} Pki;

static void pki_init(Pki *p, unsigned seed_n)
{
    uint8_t seed[32];
    seed_fill(seed, seed_n);
    GError *err = NULL;
    p->rng = tls_random_new(seed);
    p->ca = tls_ca_new("Home Operator Root CA", T0 - DAY, T0 + 365 * DAY, p->rng, &err);
    g_assert_no_error(err);
    p->other_ca = tls_ca_new("Elsewhere CA", T0 - DAY, T0 + 365 * DAY, p->rng, &err);
    g_assert_no_error(err);
    p->creds = tls_ca_issue(p->ca, "ap.home.example.net", 2, T0 - DAY, T0 + 30 * DAY, p->rng, &err);
    g_assert_no_error(err);
}

static void pki_clear(Pki *p)
{
    tls_credentials_free(p->creds);
    tls_ca_free(p->ca);
    tls_ca_free(p->other_ca);
    tls_random_free(p->rng);
}

/* Runs a CERT handshake; returns the wire with errors for the caller to check. */
static void cert_run(const Pki *p, const TlsCa *trust, const char *name, int64_t when, Wire *w, gboolean *c_done,
                     gboolean *s_done)
{
    uint8_t cs[32], ss[32];
    seed_fill(cs, 20);
    seed_fill(ss, 21);
    TlsConfig ccfg = {.role = TLS_ROLE_CLIENT, .mode = TLS_MODE_CERT, .trust = trust, .server_name = name,
                      .verify_time = when, .random_seed = cs};
    TlsConfig scfg = {.role = TLS_ROLE_SERVER, .mode = TLS_MODE_CERT, .server_creds = p->creds, .random_seed = ss};
    TlsSession *c = session_new(&ccfg), *s = session_new(&scfg);
    pump(c, s, w);
    *c_done = tls_session_handshake_done(c);
    *s_done = tls_session_handshake_done(s);
    if (*c_done && *s_done) {
        g_assert_cmpuint(tls_session_cipher_id(c), ==, ECDHE_ECDSA_AES128_GCM_SHA256);
        send_and_check(c, s, c, s, w, "GET / HTTP/1.1");
        send_and_check(s, c, c, s, w, "HTTP/1.1 401 Unauthorized");
    }
    tls_session_free(c);
    tls_session_free(s);
}

static void test_cert(void)
{
    Pki p;
    pki_init(&p, 30);
    Wire w;
    gboolean cd, sd;
    wire_init(&w);
    cert_run(&p, p.ca, "ap.home.example.net", T0, &w, &cd, &sd);
    g_assert_no_error(w.cerr);
    g_assert_no_error(w.serr);
    g_assert_true(cd && sd);
    /* SNI (RFC 6066 §3) carries the name in the ClientHello. */
    g_assert_nonnull(find_bytes(w.c2s->data, w.c2s->len, "ap.home.example.net", 19));
    wire_clear(&w);

    struct {
        const char *what;
        gboolean other_ca;
        const char *name;
        int64_t when;
        const char *reason;
        uint8_t alert;
    } bad[] = {
        {"wrong CA", TRUE, "ap.home.example.net", T0, "unable to get local issuer certificate", 48},
        {"wrong host", FALSE, "evil.example.net", T0, "hostname mismatch", 42},
        {"expired", FALSE, "ap.home.example.net", T0 + 31 * DAY, "certificate has expired", 45},
        {"not yet valid", FALSE, "ap.home.example.net", T0 - 2 * DAY, "certificate is not yet valid", 42},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_test_message("%s", bad[i].what);
        wire_init(&w);
        cert_run(&p, bad[i].other_ca ? p.other_ca : p.ca, bad[i].name, bad[i].when, &w, &cd, &sd);
        g_assert_false(cd);
        g_assert_false(sd);
        g_assert_error(w.cerr, TLS_ERROR, TLS_ERROR_HANDSHAKE);
        g_test_message("client: %s; server: %s", w.cerr->message, w.serr ? w.serr->message : "-");
        g_assert_nonnull(strstr(w.cerr->message, bad[i].reason));
        g_assert_error(w.serr, TLS_ERROR, TLS_ERROR_HANDSHAKE); /* the server heard the alert */
        g_assert_true(has_plain_alert(w.c2s, 2, bad[i].alert));
        wire_clear(&w);
    }
    pki_clear(&p);
}

static void test_ca_verify(void)
{
    Pki p;
    pki_init(&p, 31);
    char *ca_pem = tls_ca_cert_pem(p.ca), *srv_pem = tls_credentials_cert_pem(p.creds);
    g_assert_true(g_str_has_prefix(ca_pem, "-----BEGIN CERTIFICATE-----"));
    BIO *b = BIO_new_mem_buf(ca_pem, -1);
    X509 *ca = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    b = BIO_new_mem_buf(srv_pem, -1);
    X509 *srv = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    g_assert_nonnull(ca);
    g_assert_nonnull(srv);
    /* Profile: v3, CA flag, EKU serverAuth, SAN dNSName. */
    g_assert_cmpint(X509_get_version(srv), ==, X509_VERSION_3);
    g_assert_true(X509_check_ca(ca) >= 1);
    g_assert_cmpint(X509_check_ca(srv), ==, 0);
    g_assert_true(X509_get_extended_key_usage(srv) & XKU_SSL_SERVER);
    g_assert_cmpint(X509_check_host(srv, "ap.home.example.net", 0, 0, NULL), ==, 1);
    g_assert_cmpint(X509_check_host(srv, "other.example.net", 0, 0, NULL), ==, 0);
    g_assert_cmpint(X509_check_issued(ca, srv), ==, X509_V_OK);
    g_assert_cmpint(ASN1_INTEGER_get(X509_get0_serialNumber(srv)), ==, 2);

    int64_t times[] = {T0, T0 + 31 * DAY};
    int expect[] = {X509_V_OK, X509_V_ERR_CERT_HAS_EXPIRED};
    for (int i = 0; i < 2; i++) {
        X509_STORE *st = X509_STORE_new();
        X509_STORE_add_cert(st, ca);
        X509_STORE_CTX *ctx = X509_STORE_CTX_new();
        g_assert_true(X509_STORE_CTX_init(ctx, st, srv, NULL));
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)times[i]);
        X509_VERIFY_PARAM_set_purpose(X509_STORE_CTX_get0_param(ctx), X509_PURPOSE_SSL_SERVER);
        int ok = X509_verify_cert(ctx);
        g_assert_cmpint(X509_STORE_CTX_get_error(ctx), ==, expect[i]);
        g_assert_cmpint(ok, ==, expect[i] == X509_V_OK ? 1 : 0);
        X509_STORE_CTX_free(ctx);
        X509_STORE_free(st);
    }
    /* Against another CA: no chain. */
    char *other_pem = tls_ca_cert_pem(p.other_ca);
    b = BIO_new_mem_buf(other_pem, -1);
    X509 *other = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    X509_STORE *st = X509_STORE_new();
    X509_STORE_add_cert(st, other);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    g_assert_true(X509_STORE_CTX_init(ctx, st, srv, NULL));
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)T0);
    g_assert_cmpint(X509_verify_cert(ctx), ==, 0);
    g_assert_cmpint(X509_STORE_CTX_get_error(ctx), ==, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(st);
    X509_free(other);
    g_free(other_pem);

    /* The same seed gives the same certificates. */
    Pki q;
    pki_init(&q, 31);
    char *ca_pem2 = tls_ca_cert_pem(q.ca), *srv_pem2 = tls_credentials_cert_pem(q.creds);
    g_assert_cmpstr(ca_pem, ==, ca_pem2);
    g_assert_cmpstr(srv_pem, ==, srv_pem2);
    g_free(ca_pem2);
    g_free(srv_pem2);
    pki_clear(&q);
    pki_init(&q, 32);
    srv_pem2 = tls_credentials_cert_pem(q.creds);
    g_assert_cmpstr(srv_pem, !=, srv_pem2);
    g_free(srv_pem2);
    pki_clear(&q);

    /* Unusable input. */
    GError *err = NULL;
    g_assert_null(tls_ca_issue(p.ca, "a,DNS:evil.example", 3, T0, T0 + DAY, p.rng, &err));
    g_assert_error(err, TLS_ERROR, TLS_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_null(tls_ca_issue(p.ca, "ap.example", 0, T0, T0 + DAY, p.rng, &err));
    g_assert_error(err, TLS_ERROR, TLS_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_null(tls_ca_issue(p.ca, "ap.example", 3, T0 + DAY, T0, p.rng, &err));
    g_assert_error(err, TLS_ERROR, TLS_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_null(tls_ca_new("", T0, T0 + DAY, p.rng, &err));
    g_assert_error(err, TLS_ERROR, TLS_ERROR_INVALID);
    g_clear_error(&err);

    X509_free(ca);
    X509_free(srv);
    g_free(ca_pem);
    g_free(srv_pem);
    pki_clear(&p);
}

/* ------------------------------------------------------------------ damaged and hostile input */

/* A PSK pair after the handshake. */
static void psk_pair(unsigned n, TlsSession **c, TlsSession **s, Wire *w)
{
    static uint8_t cs[32], ss[32];
    seed_fill(cs, n);
    seed_fill(ss, n + 1);
    TlsConfig ccfg = psk_client_cfg(cs), scfg = psk_server_cfg(ss);
    *c = session_new(&ccfg);
    *s = session_new(&scfg);
    wire_init(w);
    pump(*c, *s, w);
    g_assert_true(tls_session_handshake_done(*c) && tls_session_handshake_done(*s));
}

static void test_tamper(void)
{
    /* Every octet position of one protected record (header excluded), one at a time. */
    TlsSession *c, *s;
    Wire w;
    psk_pair(40, &c, &s, &w);
    GError *err = NULL;
    g_assert_true(tls_session_write(c, (const guint8 *)"secret body", 11, &err));
    GBytes *rec = tls_session_take_output(c);
    gsize n;
    const uint8_t *d = g_bytes_get_data(rec, &n);
    g_assert_cmpuint(n, >, 5);
    tls_session_free(c);
    tls_session_free(s);
    wire_clear(&w);
    for (gsize pos = 5; pos < n; pos += 7) {
        psk_pair(40, &c, &s, &w); /* same seeds: the same record again */
        g_assert_true(tls_session_write(c, (const guint8 *)"secret body", 11, &err));
        GBytes *again = tls_session_take_output(c);
        g_assert_true(g_bytes_equal(again, rec));
        g_bytes_unref(again);
        uint8_t *bad = g_memdup2(d, n);
        bad[pos] ^= 0x01;
        /* A truncated record waits; the rest of it then fails the MAC. */
        g_assert_true(tls_session_feed(s, bad, n - 1, &err));
        g_assert_no_error(err);
        g_assert_false(tls_session_failed(s));
        g_assert_false(tls_session_feed(s, bad + n - 1, 1, &err));
        g_assert_error(err, TLS_ERROR, TLS_ERROR_PROTOCOL);
        g_assert_nonnull(strstr(err->message, "bad record mac"));
        g_clear_error(&err);
        g_assert_null(tls_session_take_input(s)); /* nothing delivered */
        g_assert_true(tls_session_failed(s));
        GBytes *alert = tls_session_take_output(s); /* encrypted bad_record_mac alert */
        g_assert_nonnull(alert);
        g_assert_cmpuint(((const uint8_t *)g_bytes_get_data(alert, NULL))[0], ==, 21);
        g_bytes_unref(alert);
        g_assert_false(tls_session_write(s, (const guint8 *)"x", 1, &err));
        g_assert_error(err, TLS_ERROR, TLS_ERROR_PROTOCOL);
        g_clear_error(&err);
        g_free(bad);
        tls_session_free(c);
        tls_session_free(s);
        wire_clear(&w);
    }
    g_bytes_unref(rec);
}

/* Feeds DATA to a fresh PSK or CERT server in chunks from RAND; the server must fail cleanly (or
 * still be waiting for more), never crash, never complete a handshake. */
static void feed_server(TlsMode mode, const TlsCredentials *creds, const uint8_t *data, size_t len, GRand *rand)
{
    uint8_t ss[32];
    seed_fill(ss, 50);
    TlsConfig scfg = mode == TLS_MODE_PSK ? psk_server_cfg(ss)
                                          : (TlsConfig){.role = TLS_ROLE_SERVER, .mode = TLS_MODE_CERT,
                                                        .server_creds = creds, .random_seed = ss};
    TlsSession *s = session_new(&scfg);
    size_t off = 0;
    while (off < len) {
        size_t r = (size_t)g_rand_int_range(rand, 1, 300); /* MIN() evaluates twice */
        size_t k = MIN(len - off, r);
        GError *err = NULL;
        gboolean ok = tls_session_feed(s, data + off, k, &err);
        if (!ok) {
            g_assert_nonnull(err);
            g_assert_true(err->domain == TLS_ERROR);
            g_clear_error(&err);
            g_assert_true(tls_session_failed(s));
            break;
        }
        g_assert_no_error(err);
        off += k;
    }
    g_assert_false(tls_session_handshake_done(s));
    g_assert_null(tls_session_take_input(s));
    GBytes *out = tls_session_take_output(s);
    if (out != NULL)
        g_bytes_unref(out);
    tls_session_free(s);
}

static void test_garbage(void)
{
    Pki p;
    pki_init(&p, 33);
    GRand *rand = g_rand_new_with_seed(4279);
    for (int round = 0; round < 200; round++) {
        uint8_t buf[2048];
        size_t len = (size_t)g_rand_int_range(rand, 1, sizeof buf);
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)g_rand_int(rand);
        /* Half the rounds look like handshake records, so the PSK peek reads further. */
        if (round % 2 == 0 && len > 10) {
            buf[0] = 22, buf[1] = 3, buf[2] = 3;
            size_t r = (size_t)g_rand_int_range(rand, 0, 600);
            size_t rl = MIN(len - 5, r);
            buf[3] = (uint8_t)(rl >> 8), buf[4] = (uint8_t)rl;
            buf[5] = round % 4 == 0 ? 16 : 1; /* ClientKeyExchange or ClientHello type */
        }
        feed_server(TLS_MODE_PSK, NULL, buf, len, rand);
        feed_server(TLS_MODE_CERT, p.creds, buf, len, rand);
    }
    g_rand_free(rand);
    pki_clear(&p);
}

/* A real ClientHello, then the client's second flight with a few octets changed: the server either
 * asks for a key (and then fails or succeeds on the real key) or fails; it never crashes. */
static void test_mutated_flight(void)
{
    uint8_t cs[32], ss[32];
    seed_fill(cs, 55);
    seed_fill(ss, 56);
    TlsConfig ccfg = psk_client_cfg(cs);
    TlsConfig scfg = {.role = TLS_ROLE_SERVER, .mode = TLS_MODE_PSK, .random_seed = ss};
    TlsSession *c = session_new(&ccfg), *s = session_new(&scfg);
    GBytes *hello = tls_session_take_output(c);
    g_assert_true(tls_session_feed(s, g_bytes_get_data(hello, NULL), g_bytes_get_size(hello), NULL));
    GBytes *sflight = tls_session_take_output(s);
    g_assert_true(tls_session_feed(c, g_bytes_get_data(sflight, NULL), g_bytes_get_size(sflight), NULL));
    GBytes *second = tls_session_take_output(c);
    tls_session_free(c);
    tls_session_free(s);
    gsize n;
    const uint8_t *d = g_bytes_get_data(second, &n);
    GRand *rand = g_rand_new_with_seed(5246);
    int asked = 0, failed = 0;
    for (int round = 0; round < 300; round++) {
        uint8_t *m = g_memdup2(d, n);
        int changes = g_rand_int_range(rand, 1, 4);
        for (int k = 0; k < changes; k++)
            m[g_rand_int_range(rand, 0, MIN((gint32)n, 60))] = (uint8_t)g_rand_int(rand);
        s = session_new(&scfg);
        GError *err = NULL;
        g_assert_true(tls_session_feed(s, g_bytes_get_data(hello, NULL), g_bytes_get_size(hello), &err));
        g_bytes_unref(tls_session_take_output(s));
        size_t off = 0;
        gboolean ok = TRUE;
        while (ok && off < n) {
            size_t r = (size_t)g_rand_int_range(rand, 1, 40);
            size_t k = MIN(n - off, r);
            ok = tls_session_feed(s, m + off, k, &err);
            off += k;
        }
        if (ok && tls_session_psk_wanted(s) != NULL) {
            asked++;
            ok = tls_session_provide_psk(s, KS_NAF, sizeof KS_NAF, &err);
        }
        if (!ok) {
            failed++;
            g_assert_true(tls_session_failed(s));
            g_assert_true(err != NULL && err->domain == TLS_ERROR);
        }
        g_clear_error(&err);
        g_assert_null(tls_session_take_input(s));
        tls_session_free(s);
        g_free(m);
    }
    g_test_message("mutated flights: %d asked for a key, %d failed", asked, failed);
    g_assert_cmpint(asked, >, 0);
    g_assert_cmpint(failed, >, 0);
    g_rand_free(rand);
    g_bytes_unref(hello);
    g_bytes_unref(sflight);
    g_bytes_unref(second);
}

/* Hand-made records that aim at the ClientKeyExchange scanner. */
static void test_hostile_handshake(void)
{
    uint8_t cs[32], ss[32];
    seed_fill(cs, 60);
    seed_fill(ss, 61);
    static const uint8_t cke_first[] = {22, 3, 3, 0, 9, 16, 0, 0, 5, 0, 3, 'a', 'b', 'c'};
    static const uint8_t overflow[] = {22, 3, 3, 0x48, 0x01, 1, 0, 0, 1};
    struct {
        const char *what;
        uint8_t after_hello[40];
        size_t len;
    } cases[] = {
        {"identity length beyond the body", {22, 3, 3, 0, 7, 16, 0, 0, 3, 0, 9, 'x'}, 12},
        {"empty identity", {22, 3, 3, 0, 6, 16, 0, 0, 2, 0, 0}, 11},
        {"NUL in the identity", {22, 3, 3, 0, 9, 16, 0, 0, 5, 0, 3, 'a', 0, 'b'}, 14},
        {"body too long to be a PSK identity", {22, 3, 3, 0, 4, 16, 0x01, 0, 0}, 9},
        {"alert instead", {21, 3, 3, 0, 2, 2, 40}, 7},
    };
    GError *err = NULL;
    /* A ClientKeyExchange before any ClientHello is OpenSSL's to refuse: nobody is asked for a key. */
    TlsConfig scfg = {.role = TLS_ROLE_SERVER, .mode = TLS_MODE_PSK, .random_seed = ss};
    TlsSession *s = session_new(&scfg);
    g_assert_false(tls_session_feed(s, cke_first, sizeof cke_first, &err));
    g_assert_error(err, TLS_ERROR, TLS_ERROR_HANDSHAKE);
    g_clear_error(&err);
    g_assert_null(tls_session_psk_wanted(s));
    tls_session_free(s);
    s = session_new(&scfg);
    g_assert_false(tls_session_feed(s, overflow, sizeof overflow, &err));
    g_assert_error(err, TLS_ERROR, TLS_ERROR_HANDSHAKE);
    g_clear_error(&err);
    tls_session_free(s);

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("%s", cases[i].what);
        TlsConfig ccfg = psk_client_cfg(cs);
        TlsSession *c = session_new(&ccfg);
        s = session_new(&scfg);
        GBytes *hello = tls_session_take_output(c);
        g_assert_true(tls_session_feed(s, g_bytes_get_data(hello, NULL), g_bytes_get_size(hello), &err));
        g_bytes_unref(hello);
        g_assert_false(tls_session_feed(s, cases[i].after_hello, cases[i].len, &err));
        g_assert_error(err, TLS_ERROR, TLS_ERROR_HANDSHAKE);
        g_clear_error(&err);
        g_assert_null(tls_session_psk_wanted(s));
        g_assert_true(tls_session_failed(s));
        tls_session_free(c);
        tls_session_free(s);
    }

    /* A client that keeps sending while its key is pending is cut off at the bound. */
    TlsConfig ccfg = psk_client_cfg(cs);
    TlsSession *c = session_new(&ccfg);
    s = session_new(&scfg);
    Wire w;
    wire_init(&w);
    pump(c, s, &w);
    g_assert_cmpstr(tls_session_psk_wanted(s), ==, BTID);
    uint8_t junk[4096] = {23, 3, 3, 0x0f, 0xfb};
    gboolean ok = TRUE;
    for (int i = 0; i < 100 && ok; i++)
        ok = tls_session_feed(s, junk, sizeof junk, &err);
    g_assert_false(ok);
    g_assert_error(err, TLS_ERROR, TLS_ERROR_HANDSHAKE);
    g_clear_error(&err);
    g_assert_true(tls_session_failed(s));
    g_assert_null(tls_session_psk_wanted(s));
    g_assert_false(tls_session_provide_psk(s, KS_NAF, sizeof KS_NAF, &err));
    g_clear_error(&err);
    tls_session_free(c);
    tls_session_free(s);
    wire_clear(&w);
}

/* ------------------------------------------------------------------ determinism and key log */

typedef struct {
    GPtrArray *lines;
} KeyLog;

static void keylog_collect(const char *line, void *user)
{
    g_ptr_array_add(((KeyLog *)user)->lines, g_strdup(line));
}

/* One complete run; returns the wire and the key log lines of both ends. */
static void full_run(TlsMode mode, unsigned cseed, unsigned sseed, Wire *w, KeyLog *ck, KeyLog *sk)
{
    uint8_t cs[32], ss[32];
    seed_fill(cs, cseed);
    seed_fill(ss, sseed);
    Pki p = {0};
    TlsConfig ccfg, scfg;
    if (mode == TLS_MODE_PSK) {
        ccfg = psk_client_cfg(cs);
        scfg = psk_server_cfg(ss);
    } else {
        pki_init(&p, 34);
        ccfg = (TlsConfig){.role = TLS_ROLE_CLIENT, .mode = TLS_MODE_CERT, .trust = p.ca,
                           .server_name = "ap.home.example.net", .verify_time = T0, .random_seed = cs};
        scfg = (TlsConfig){.role = TLS_ROLE_SERVER, .mode = TLS_MODE_CERT, .server_creds = p.creds,
                           .random_seed = ss};
    }
    ccfg.keylog = scfg.keylog = keylog_collect;
    ccfg.keylog_user = ck;
    scfg.keylog_user = sk;
    TlsSession *c = session_new(&ccfg), *s = session_new(&scfg);
    pump(c, s, w);
    g_assert_no_error(w->cerr);
    g_assert_no_error(w->serr);
    send_and_check(c, s, c, s, w, "GET /nafs HTTP/1.1\r\n\r\n");
    send_and_check(s, c, c, s, w, "HTTP/1.1 200 OK\r\n\r\n");
    tls_session_close(c);
    tls_session_close(s);
    pump(c, s, w);
    tls_session_free(c);
    tls_session_free(s);
    if (mode == TLS_MODE_CERT)
        pki_clear(&p);
}

static void test_determinism(void)
{
    for (TlsMode mode = TLS_MODE_PSK; mode <= TLS_MODE_CERT; mode++) {
        Wire a, b, d;
        KeyLog ak = {g_ptr_array_new_with_free_func(g_free)}, bk = {g_ptr_array_new_with_free_func(g_free)};
        wire_init(&a);
        wire_init(&b);
        wire_init(&d);
        full_run(mode, 70, 71, &a, &ak, &ak);
        full_run(mode, 70, 71, &b, &bk, &bk);
        char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, a.c2s->data, a.c2s->len);
        g_test_message("mode %d client->server SHA-256 %s (%u octets)", mode, sum, a.c2s->len);
        g_free(sum);
        g_assert_cmpmem(a.c2s->data, a.c2s->len, b.c2s->data, b.c2s->len);
        g_assert_cmpmem(a.s2c->data, a.s2c->len, b.s2c->data, b.s2c->len);
        g_assert_cmpuint(ak.lines->len, ==, bk.lines->len);
        for (guint i = 0; i < ak.lines->len; i++)
            g_assert_cmpstr(ak.lines->pdata[i], ==, bk.lines->pdata[i]);
        /* Another client seed: another ClientHello random, hence different bytes both ways. */
        KeyLog dk = {g_ptr_array_new_with_free_func(g_free)};
        full_run(mode, 72, 71, &d, &dk, &dk);
        g_assert_false(a.c2s->len == d.c2s->len && memcmp(a.c2s->data, d.c2s->data, a.c2s->len) == 0);
        g_assert_false(a.s2c->len == d.s2c->len && memcmp(a.s2c->data, d.s2c->data, a.s2c->len) == 0);
        g_assert_cmpstr(ak.lines->pdata[0], !=, dk.lines->pdata[0]);
        wire_clear(&a);
        wire_clear(&b);
        wire_clear(&d);
        g_ptr_array_free(ak.lines, TRUE);
        g_ptr_array_free(bk.lines, TRUE);
        g_ptr_array_free(dk.lines, TRUE);
    }
}

static void test_keylog(void)
{
    for (TlsMode mode = TLS_MODE_PSK; mode <= TLS_MODE_CERT; mode++) {
        Wire w;
        KeyLog ck = {g_ptr_array_new_with_free_func(g_free)}, sk = {g_ptr_array_new_with_free_func(g_free)};
        wire_init(&w);
        full_run(mode, 80, 81, &w, &ck, &sk);
        g_assert_cmpuint(ck.lines->len, ==, 1);
        g_assert_cmpuint(sk.lines->len, ==, 1);
        const char *line = ck.lines->pdata[0];
        g_assert_cmpstr(line, ==, sk.lines->pdata[0]);
        g_assert_true(g_regex_match_simple("^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$", line, 0, 0));
        /* The client random is the one in the ClientHello on the wire (RFC 5246 §7.4.1.2: after the
         * 5-octet record header, 4-octet handshake header and 2-octet version). */
        g_assert_cmpuint(w.c2s->len, >, 43);
        char hex[65];
        for (int i = 0; i < 32; i++)
            g_snprintf(hex + 2 * i, 3, "%02x", w.c2s->data[11 + i]);
        g_assert_cmpmem(line + 14, 64, hex, 64);
        wire_clear(&w);
        g_ptr_array_free(ck.lines, TRUE);
        g_ptr_array_free(sk.lines, TRUE);
    }
}

/* Both RAND paths OpenSSL uses (public: randoms, IVs; private: ECDHE keys, ECDSA nonces) draw
 * from the current stream, nested streams stack, and with none selected OpenSSL's DRBG answers. */
static void test_random_routing(void)
{
    uint8_t seed_a[32], seed_b[32];
    seed_fill(seed_a, 90);
    seed_fill(seed_b, 91);
    TlsRandom *a = tls_random_new(seed_a), *b = tls_random_new(seed_b);
    TlsRandom *a2 = tls_random_new(seed_a), *b2 = tls_random_new(seed_b);
    uint8_t got[4][40], want[4][40];
    tls_random_enter(a);
    g_assert_cmpint(RAND_bytes(got[0], 40), ==, 1);
    tls_random_enter(b);
    g_assert_cmpint(RAND_priv_bytes(got[1], 40), ==, 1);
    tls_random_leave(b);
    g_assert_cmpint(RAND_priv_bytes(got[2], 40), ==, 1);
    tls_random_leave(a);
    g_assert_cmpint(RAND_bytes(got[3], 40), ==, 1); /* the DRBG */
    tls_random_bytes(a2, want[0], 40);
    tls_random_bytes(b2, want[1], 40);
    tls_random_bytes(a2, want[2], 40);
    tls_random_bytes(a2, want[3], 40);
    g_assert_cmpmem(got[0], 40, want[0], 40);
    g_assert_cmpmem(got[1], 40, want[1], 40);
    g_assert_cmpmem(got[2], 40, want[2], 40);
    g_assert_true(memcmp(got[3], want[3], 40) != 0);
    g_assert_true(memcmp(want[0], want[1], 40) != 0);
    /* AES-256-CTR keystream from counter 0: the first block is AES_K(0^128). */
    uint8_t zero[16] = {0}, block[16];
    int outl = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(ctx, EVP_aes_256_ecb(), NULL, seed_a, NULL);
    EVP_EncryptUpdate(ctx, block, &outl, zero, 16);
    EVP_CIPHER_CTX_free(ctx);
    g_assert_cmpmem(got[0], 16, block, 16);
    tls_random_free(a);
    tls_random_free(b);
    tls_random_free(a2);
    tls_random_free(b2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tls_random_install();
    g_test_add_func("/tls/random/routing", test_random_routing);
    g_test_add_func("/tls/psk/basic", test_psk_basic);
    g_test_add_func("/tls/psk/deferred", test_psk_deferred);
    g_test_add_func("/tls/psk/deferred-fragmented", test_psk_deferred_fragmented);
    g_test_add_func("/tls/psk/refused", test_psk_refused);
    g_test_add_func("/tls/psk/wrong-key", test_psk_wrong_key);
    g_test_add_func("/tls/config/invalid", test_config_invalid);
    g_test_add_func("/tls/ca/verify", test_ca_verify);
    g_test_add_func("/tls/cert/handshake", test_cert);
    g_test_add_func("/tls/record/tamper", test_tamper);
    g_test_add_func("/tls/hostile/garbage", test_garbage);
    g_test_add_func("/tls/hostile/handshake", test_hostile_handshake);
    g_test_add_func("/tls/hostile/mutated-flight", test_mutated_flight);
    g_test_add_func("/tls/determinism", test_determinism);
    g_test_add_func("/tls/keylog", test_keylog);
    return g_test_run();
}
