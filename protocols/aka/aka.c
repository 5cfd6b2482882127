/* aka.c: IMS AKA vectors, USIM verification, AUTS and resynchronisation (TS 33.102 §6.3, Annex C).
 *
 * DESIGN NOTES
 *
 * Sequence numbers (Annex C). SQN (48 bits) = SEQ || IND, IND the low ind_bits (5 by default).
 *   Home network (AkaHn): one counter SQN_HE = SEQ_HE || IND_HE per subscriber. Each new vector takes
 *   SEQ_HE + 1 and IND_HE + 1 mod 2^ind_bits (C.1.1 with the IND cycling of C.3.2), so consecutive
 *   vectors land in different array entries of the USIM and may be used out of order.
 *   USIM (AkaUsim): the array SEQ_MS(0..a-1), all 0 at first, and SQN_MS = the highest accepted SEQ
 *   anywhere in the array with the IND it came with. A received SQN is accepted iff, in this order,
 *     (C.2.1) SEQ - SEQ_MS <= Δ                    else TOO_FAR
 *     (C.2.2, optional L) SEQ_MS - SEQ < L         else TOO_OLD
 *     (C.2.2) SEQ > SEQ_MS(IND)                    else REPLAYED
 *   (SEQ_MS being the SEQ of SQN_MS). Accepting sets SEQ_MS(IND) = SEQ and raises SQN_MS if SEQ is the
 *   new highest.
 *
 * Invariants.
 *   1. SEQ_MS(i) <= SEQ of SQN_MS for every i; SQN_MS only grows.
 *   2. USIM state changes only on AKA_RESULT_OK, i.e. after the MAC-A of the AUTN verified. A forged
 *      or replayed AUTN can make the USIM answer, never move its counters.
 *   3. SQN_HE only grows through aka_hn_next_sqn(); aka_hn_resync() may move it (up or down) only to
 *      a SEQ_MS whose MAC-S verified, and only when the next SQN would otherwise be rejected.
 *   4. An AUTS always carries SQN_MS, never the rejected SQN (§6.3.3), with MAC-S over AMF = 00 00.
 *
 * One authentication, as a state machine (the node code holds the state; the transitions are here):
 *
 *   HN IDLE --aka_hn_generate()--> CHALLENGED (RAND, AUTN sent; XRES, CK, IK kept)
 *   USIM:   aka_usim_authenticate()
 *             MAC-A wrong ............... MAC_FAILURE  -> HN: authentication failed (no retry with AUTS)
 *             MAC-A right, SQN rejected . SYNC_FAILURE -> AUTS sent
 *             MAC-A right, SQN fresh .... OK           -> RES sent, CK/IK in use
 *   HN CHALLENGED --RES == XRES--> AUTHENTICATED
 *   HN CHALLENGED --AUTS--> aka_hn_resync(): MAC-S right -> SQN_HE adjusted, back to IDLE for a new
 *                                            vector (aka_hn_generate() again)
 *                                            MAC-S wrong -> authentication failed
 *   A second SYNC_FAILURE right after a resync means the USIM and HN disagree on Δ or K: the node
 *   should stop rather than loop.
 */
#include "protocols/aka/aka.h"

#include <openssl/crypto.h>
#include <string.h>

G_DEFINE_QUARK(aka-error-quark, aka_error)

static const uint8_t AMF_RESYNC[AKA_AMF_LEN] = {0x00, 0x00}; /* TS 33.102 §6.3.3: AMF* for MAC-S */

void aka_sqn_config_init(AkaSqnConfig *cfg)
{
    cfg->ind_bits = AKA_IND_BITS_DEFAULT;
    cfg->delta = AKA_DELTA_DEFAULT;
    cfg->age_limit = 0;
}

static gboolean config_check(const AkaSqnConfig *cfg, GError **error)
{
    if (cfg->ind_bits > AKA_IND_BITS_MAX) {
        g_set_error(error, AKA_ERROR, AKA_ERROR_INVALID, "IND length %u bits is above the maximum %u",
                    cfg->ind_bits, AKA_IND_BITS_MAX);
        return FALSE;
    }
    if (cfg->delta == 0) {
        g_set_error(error, AKA_ERROR, AKA_ERROR_INVALID, "delta must be positive");
        return FALSE;
    }
    return TRUE;
}

void aka_sqn_to_bytes(uint64_t sqn, uint8_t out[AKA_SQN_LEN])
{
    for (int i = 5; i >= 0; i--) {
        out[i] = (uint8_t)(sqn & 0xff);
        sqn >>= 8;
    }
}

uint64_t aka_sqn_from_bytes(const uint8_t in[AKA_SQN_LEN])
{
    uint64_t v = 0;
    for (int i = 0; i < 6; i++)
        v = (v << 8) | in[i];
    return v;
}

const char *aka_result_to_string(AkaResult r)
{
    switch (r) {
    case AKA_RESULT_OK: return "ok";
    case AKA_RESULT_MAC_FAILURE: return "mac-failure";
    case AKA_RESULT_SYNC_FAILURE: return "sync-failure";
    case AKA_RESULT_ERROR: return "error";
    }
    return "?";
}

const char *aka_sqn_check_to_string(AkaSqnCheck c)
{
    switch (c) {
    case AKA_SQN_FRESH: return "fresh";
    case AKA_SQN_REPLAYED: return "replayed";
    case AKA_SQN_TOO_FAR: return "too-far";
    case AKA_SQN_TOO_OLD: return "too-old";
    }
    return "?";
}

/* ------------------------------------------------------------------ stateless building blocks */

void aka_vector_clear(AkaVector *av)
{
    OPENSSL_cleanse(av, sizeof *av);
}

void aka_usim_response_clear(AkaUsimResponse *r)
{
    OPENSSL_cleanse(r, sizeof *r);
}

gboolean aka_vector_generate(Milenage *m, const uint8_t rand[AKA_RAND_LEN], uint64_t sqn,
                             const uint8_t amf[AKA_AMF_LEN], AkaVector *av, GError **error)
{
    g_assert(m && rand && amf && av);
    aka_vector_clear(av);
    if (sqn > AKA_SQN_MAX) {
        g_set_error(error, AKA_ERROR, AKA_ERROR_INVALID, "SQN 0x%" G_GINT64_MODIFIER "x is wider than 48 bits", sqn);
        return FALSE;
    }
    uint8_t sqn_b[AKA_SQN_LEN], ak[AKA_AK_LEN], mac_a[AKA_MAC_LEN];
    aka_sqn_to_bytes(sqn, sqn_b);
    gboolean ok = milenage_f1(m, rand, sqn_b, amf, mac_a, NULL, error) &&
                  milenage_f2345(m, rand, av->xres, av->ck, av->ik, ak, error);
    if (ok) {
        /* AUTN = (SQN xor AK) || AMF || MAC-A (§6.3.2) */
        memcpy(av->rand, rand, AKA_RAND_LEN);
        for (int i = 0; i < AKA_SQN_LEN; i++)
            av->autn[i] = sqn_b[i] ^ ak[i];
        memcpy(av->autn + 6, amf, AKA_AMF_LEN);
        memcpy(av->autn + 8, mac_a, AKA_MAC_LEN);
        av->sqn = sqn;
    } else {
        aka_vector_clear(av);
    }
    OPENSSL_cleanse(ak, sizeof ak);
    return ok;
}

AkaResult aka_autn_verify(Milenage *m, const uint8_t rand[AKA_RAND_LEN], const uint8_t autn[AKA_AUTN_LEN],
                          uint64_t *sqn_out, uint8_t amf_out[AKA_AMF_LEN], GError **error)
{
    g_assert(m && rand && autn && sqn_out);
    *sqn_out = 0;
    uint8_t ak[AKA_AK_LEN], sqn_b[AKA_SQN_LEN], xmac[AKA_MAC_LEN];
    if (!milenage_f2345(m, rand, NULL, NULL, NULL, ak, error))
        return AKA_RESULT_ERROR;
    for (int i = 0; i < AKA_SQN_LEN; i++)
        sqn_b[i] = autn[i] ^ ak[i];
    OPENSSL_cleanse(ak, sizeof ak);
    if (!milenage_f1(m, rand, sqn_b, autn + 6, xmac, NULL, error))
        return AKA_RESULT_ERROR;
    if (CRYPTO_memcmp(xmac, autn + 8, AKA_MAC_LEN) != 0)
        return AKA_RESULT_MAC_FAILURE;
    *sqn_out = aka_sqn_from_bytes(sqn_b);
    if (amf_out)
        memcpy(amf_out, autn + 6, AKA_AMF_LEN);
    return AKA_RESULT_OK;
}

gboolean aka_auts_build(Milenage *m, const uint8_t rand[AKA_RAND_LEN], uint64_t sqn_ms, uint8_t auts[AKA_AUTS_LEN],
                        GError **error)
{
    g_assert(m && rand && auts);
    if (sqn_ms > AKA_SQN_MAX) {
        g_set_error(error, AKA_ERROR, AKA_ERROR_INVALID, "SQN_MS is wider than 48 bits");
        return FALSE;
    }
    uint8_t sqn_b[AKA_SQN_LEN], ak_star[AKA_AK_LEN], mac_s[AKA_MAC_LEN];
    aka_sqn_to_bytes(sqn_ms, sqn_b);
    gboolean ok = milenage_f5star(m, rand, ak_star, error) &&
                  milenage_f1(m, rand, sqn_b, AMF_RESYNC, NULL, mac_s, error);
    if (ok) {
        for (int i = 0; i < AKA_SQN_LEN; i++)
            auts[i] = sqn_b[i] ^ ak_star[i];
        memcpy(auts + AKA_SQN_LEN, mac_s, AKA_MAC_LEN);
    }
    OPENSSL_cleanse(ak_star, sizeof ak_star);
    return ok;
}

gboolean aka_auts_verify(Milenage *m, const uint8_t rand[AKA_RAND_LEN], const uint8_t auts[AKA_AUTS_LEN],
                         uint64_t *sqn_ms_out, GError **error)
{
    g_assert(m && rand && auts && sqn_ms_out);
    *sqn_ms_out = 0;
    uint8_t ak_star[AKA_AK_LEN], sqn_b[AKA_SQN_LEN], xmac_s[AKA_MAC_LEN];
    if (!milenage_f5star(m, rand, ak_star, error))
        return FALSE;
    for (int i = 0; i < AKA_SQN_LEN; i++)
        sqn_b[i] = auts[i] ^ ak_star[i];
    OPENSSL_cleanse(ak_star, sizeof ak_star);
    if (!milenage_f1(m, rand, sqn_b, AMF_RESYNC, NULL, xmac_s, error))
        return FALSE;
    if (CRYPTO_memcmp(xmac_s, auts + AKA_SQN_LEN, AKA_MAC_LEN) != 0) {
        g_set_error(error, AKA_ERROR, AKA_ERROR_AUTS_MAC, "MAC-S in AUTS does not verify");
        return FALSE;
    }
    *sqn_ms_out = aka_sqn_from_bytes(sqn_b);
    return TRUE;
}

/* ------------------------------------------------------------------ USIM / ISIM */

struct AkaUsim {
    Milenage *milenage;
    AkaSqnConfig cfg;
    uint64_t *seq_ms; /* SEQ_MS(i), 2^ind_bits entries */
    uint64_t sqn_ms;  /* highest accepted SEQ || its IND */
};

/* The set-up both sides share: the SQN configuration (CFG, or the defaults) checked into *OUT, and a
 * MILENAGE instance for K and OPc. NULL with ERROR when either fails. */
static Milenage *setup(const uint8_t k[MILENAGE_KEY_LEN], const uint8_t opc[MILENAGE_KEY_LEN], const AkaSqnConfig *cfg,
                       AkaSqnConfig *out, GError **error)
{
    if (cfg)
        *out = *cfg;
    else
        aka_sqn_config_init(out);
    if (!config_check(out, error))
        return NULL;
    return milenage_new(k, opc, error);
}

AkaUsim *aka_usim_new(const uint8_t k[MILENAGE_KEY_LEN], const uint8_t opc[MILENAGE_KEY_LEN],
                      const AkaSqnConfig *cfg, GError **error)
{
    AkaSqnConfig c;
    Milenage *m = setup(k, opc, cfg, &c, error);
    if (!m)
        return NULL;
    AkaUsim *u = g_new0(AkaUsim, 1);
    u->milenage = m;
    u->cfg = c;
    u->seq_ms = g_new0(uint64_t, (gsize)1 << c.ind_bits);
    return u;
}

void aka_usim_free(AkaUsim *usim)
{
    if (!usim)
        return;
    milenage_free(usim->milenage);
    g_free(usim->seq_ms);
    g_free(usim);
}

AkaSqnCheck aka_usim_check_sqn(const AkaUsim *usim, uint64_t sqn)
{
    guint ib = usim->cfg.ind_bits;
    uint64_t seq = aka_sqn_seq(sqn, ib);
    uint64_t seq_ms = aka_sqn_seq(usim->sqn_ms, ib);
    if (seq > seq_ms && seq - seq_ms > usim->cfg.delta) /* C.2.1 */
        return AKA_SQN_TOO_FAR;
    if (usim->cfg.age_limit && seq < seq_ms && seq_ms - seq >= usim->cfg.age_limit) /* C.2.2, L */
        return AKA_SQN_TOO_OLD;
    if (seq <= usim->seq_ms[aka_sqn_ind(sqn, ib)]) /* C.2.2 */
        return AKA_SQN_REPLAYED;
    return AKA_SQN_FRESH;
}

uint64_t aka_usim_sqn_ms(const AkaUsim *usim)
{
    return usim->sqn_ms;
}

uint64_t aka_usim_seq_ms(const AkaUsim *usim, guint ind)
{
    g_assert(ind < ((guint)1 << usim->cfg.ind_bits));
    return usim->seq_ms[ind];
}

const AkaSqnConfig *aka_usim_config(const AkaUsim *usim)
{
    return &usim->cfg;
}

AkaResult aka_usim_authenticate(AkaUsim *usim, const uint8_t rand[AKA_RAND_LEN], const uint8_t autn[AKA_AUTN_LEN],
                                AkaUsimResponse *out, GError **error)
{
    g_assert(usim && rand && autn && out);
    aka_usim_response_clear(out);
    uint64_t sqn = 0;
    AkaResult r = aka_autn_verify(usim->milenage, rand, autn, &sqn, NULL, error);
    if (r != AKA_RESULT_OK)
        return r;
    out->sqn = sqn;
    out->sqn_check = aka_usim_check_sqn(usim, sqn);
    if (out->sqn_check != AKA_SQN_FRESH) {
        /* §6.3.3: synchronisation failure, AUTS from SQN_MS; no state change */
        if (!aka_auts_build(usim->milenage, rand, usim->sqn_ms, out->auts, error)) {
            aka_usim_response_clear(out);
            return AKA_RESULT_ERROR;
        }
        return AKA_RESULT_SYNC_FAILURE;
    }
    if (!milenage_f2345(usim->milenage, rand, out->res, out->ck, out->ik, NULL, error)) {
        aka_usim_response_clear(out);
        return AKA_RESULT_ERROR;
    }
    /* Accept: C.2.2 sets SEQ_MS(IND) = SEQ; SQN_MS follows the highest SEQ. */
    guint ib = usim->cfg.ind_bits;
    uint64_t seq = aka_sqn_seq(sqn, ib);
    usim->seq_ms[aka_sqn_ind(sqn, ib)] = seq;
    if (seq > aka_sqn_seq(usim->sqn_ms, ib))
        usim->sqn_ms = sqn;
    return AKA_RESULT_OK;
}

/* ------------------------------------------------------------------ home network (AuC) */

struct AkaHn {
    Milenage *milenage;
    AkaSqnConfig cfg;
    uint64_t sqn_he; /* SEQ_HE || IND_HE of the last vector */
};

AkaHn *aka_hn_new(const uint8_t k[MILENAGE_KEY_LEN], const uint8_t opc[MILENAGE_KEY_LEN], const AkaSqnConfig *cfg,
                  GError **error)
{
    AkaSqnConfig c;
    Milenage *m = setup(k, opc, cfg, &c, error);
    if (!m)
        return NULL;
    AkaHn *hn = g_new0(AkaHn, 1);
    hn->milenage = m;
    hn->cfg = c;
    return hn;
}

void aka_hn_free(AkaHn *hn)
{
    if (!hn)
        return;
    milenage_free(hn->milenage);
    g_free(hn);
}

uint64_t aka_hn_sqn(const AkaHn *hn)
{
    return hn->sqn_he;
}

void aka_hn_set_sqn(AkaHn *hn, uint64_t sqn_he)
{
    g_assert(sqn_he <= AKA_SQN_MAX);
    hn->sqn_he = sqn_he;
}

const AkaSqnConfig *aka_hn_config(const AkaHn *hn)
{
    return &hn->cfg;
}

gboolean aka_hn_next_sqn(AkaHn *hn, uint64_t *sqn_out, GError **error)
{
    guint ib = hn->cfg.ind_bits;
    uint64_t seq = aka_sqn_seq(hn->sqn_he, ib);
    uint64_t seq_max = AKA_SQN_MAX >> ib;
    if (seq >= seq_max) {
        g_set_error(error, AKA_ERROR, AKA_ERROR_SQN_EXHAUSTED,
                    "SEQ_HE 0x%" G_GINT64_MODIFIER "x is at its maximum; the counter must not wrap", seq);
        return FALSE;
    }
    guint ind = (aka_sqn_ind(hn->sqn_he, ib) + 1) & (((guint)1 << ib) - 1);
    hn->sqn_he = aka_sqn_make(seq + 1, ind, ib);
    *sqn_out = hn->sqn_he;
    return TRUE;
}

gboolean aka_hn_generate(AkaHn *hn, const uint8_t rand[AKA_RAND_LEN], const uint8_t amf[AKA_AMF_LEN], AkaVector *av,
                         GError **error)
{
    uint64_t saved = hn->sqn_he, sqn = 0;
    if (!aka_hn_next_sqn(hn, &sqn, error)) {
        aka_vector_clear(av);
        return FALSE;
    }
    if (!aka_vector_generate(hn->milenage, rand, sqn, amf, av, error)) {
        hn->sqn_he = saved;
        return FALSE;
    }
    return TRUE;
}

gboolean aka_hn_resync(AkaHn *hn, const uint8_t rand[AKA_RAND_LEN], const uint8_t auts[AKA_AUTS_LEN],
                       uint64_t *sqn_ms_out, GError **error)
{
    uint64_t sqn_ms = 0;
    if (sqn_ms_out)
        *sqn_ms_out = 0;
    if (!aka_auts_verify(hn->milenage, rand, auts, &sqn_ms, error))
        return FALSE;
    /* §6.3.5: keep SQN_HE if the next SQN it yields would be accepted, else SEQ_HE = SEQ_MS. */
    guint ib = hn->cfg.ind_bits;
    uint64_t next_seq = aka_sqn_seq(hn->sqn_he, ib) + 1;
    uint64_t seq_ms = aka_sqn_seq(sqn_ms, ib);
    if (next_seq <= seq_ms || next_seq - seq_ms > hn->cfg.delta)
        hn->sqn_he = aka_sqn_make(seq_ms, aka_sqn_ind(hn->sqn_he, ib), ib);
    if (sqn_ms_out)
        *sqn_ms_out = sqn_ms;
    return TRUE;
}
