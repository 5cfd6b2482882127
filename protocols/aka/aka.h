/* aka.h: IMS AKA over MILENAGE (3GPP TS 33.102 §6.3, used by IMS per TS 33.203 §6.1).
 *
 * Both ends of the authentication: the home network (HSS/AuC) generates authentication vectors
 * (RAND, XRES, CK, IK, AUTN) with per-user sequence numbers and resynchronises from AUTS; the
 * USIM/ISIM verifies AUTN, tells a MAC failure from a synchronisation failure, keeps the Annex C
 * array of accepted sequence numbers, and answers RES/CK/IK or AUTS.
 * What it is not: transport (Digest AKA framing is in protocols/http/digest.h, Cx in diameter/),
 * and no randomness: the caller supplies RAND. Time-based SEQ (C.3.1) and the AMF separation bit
 * are not modelled. The state machine is described in the DESIGN NOTES of aka.c.
 * Spec: TS 33.102 §6.3.2 (AV), §6.3.3 (USIM, AUTS), §6.3.5 (resynchronisation), Annex C (SQN).
 * Tests: tests/unit/test-aka.c; shared/vectors/aka-digest.txt through presim-vectors.
 */
#pragma once
#include "protocols/aka/milenage.h"

#define AKA_RAND_LEN 16
#define AKA_SQN_LEN 6
#define AKA_AMF_LEN 2
#define AKA_MAC_LEN 8
#define AKA_RES_LEN 8   /* MILENAGE RES is 64 bits */
#define AKA_CK_LEN 16
#define AKA_IK_LEN 16
#define AKA_AK_LEN 6
#define AKA_AUTN_LEN 16 /* (SQN xor AK) || AMF || MAC-A */
#define AKA_AUTS_LEN 14 /* (SQN_MS xor AK*) || MAC-S */

#define AKA_SQN_MAX ((UINT64_C(1) << 48) - 1)
#define AKA_IND_BITS_DEFAULT 5             /* TS 33.102 C.3.2: a = 32 array entries */
#define AKA_IND_BITS_MAX 10
#define AKA_DELTA_DEFAULT (UINT64_C(1) << 28) /* TS 33.102 C.3.2: Δ = 2^28 */

#define AKA_ERROR (aka_error_quark())
GQuark aka_error_quark(void);
typedef enum {
    AKA_ERROR_CRYPTO = 1,     /* OpenSSL refused (out of memory) */
    AKA_ERROR_INVALID,        /* a bad configuration or argument */
    AKA_ERROR_AUTS_MAC,       /* MAC-S in AUTS does not verify: not from this subscriber's USIM */
    AKA_ERROR_SQN_EXHAUSTED,  /* SEQ_HE would pass its maximum: the counter must never wrap */
} AkaError;

/* Sequence number management (TS 33.102 Annex C). SQN = SEQ || IND, IND the IND_BITS low bits. */
typedef struct {
    guint ind_bits;     /* IND length, 0..AKA_IND_BITS_MAX; the USIM keeps 2^ind_bits entries */
    uint64_t delta;     /* Δ: the USIM accepts SEQ only if SEQ - SEQ_MS <= Δ (C.2.1); > 0 */
    uint64_t age_limit; /* L: if not 0, the USIM accepts SEQ only if SEQ_MS - SEQ < L (C.2.2) */
} AkaSqnConfig;

/* Defaults: IND 5 bits, Δ = 2^28, no age limit. */
void aka_sqn_config_init(AkaSqnConfig *cfg);

void aka_sqn_to_bytes(uint64_t sqn, uint8_t out[AKA_SQN_LEN]);   /* 48-bit big-endian */
uint64_t aka_sqn_from_bytes(const uint8_t in[AKA_SQN_LEN]);
static inline uint64_t aka_sqn_seq(uint64_t sqn, guint ind_bits) { return sqn >> ind_bits; }
static inline guint aka_sqn_ind(uint64_t sqn, guint ind_bits) { return (guint)(sqn & ((UINT64_C(1) << ind_bits) - 1)); }
static inline uint64_t aka_sqn_make(uint64_t seq, guint ind, guint ind_bits) { return (seq << ind_bits) | ind; }

/* ------------------------------------------------------------------ stateless building blocks */

/* An authentication vector (TS 33.102 §6.3.2). Holds keys: clear it with aka_vector_clear(). */
typedef struct {
    uint8_t rand[AKA_RAND_LEN];
    uint8_t xres[AKA_RES_LEN];
    uint8_t ck[AKA_CK_LEN];
    uint8_t ik[AKA_IK_LEN];
    uint8_t autn[AKA_AUTN_LEN];
    uint64_t sqn; /* the SQN inside AUTN (not sent in clear: AUTN carries SQN xor AK) */
} AkaVector;

void aka_vector_clear(AkaVector *av); /* wipes every field */

/* AV for RAND, SQN, AMF: XRES = f2, CK = f3, IK = f4, AUTN = (SQN xor f5) || AMF || f1.
 * *AV is cleared first and valid only on success. */
gboolean aka_vector_generate(Milenage *m, const uint8_t rand[AKA_RAND_LEN], uint64_t sqn,
                             const uint8_t amf[AKA_AMF_LEN], AkaVector *av, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Results of a USIM authentication. Starts at 2 so a gboolean passed by mistake never matches. */
typedef enum {
    AKA_RESULT_OK = 2,       /* AUTN authentic, SQN fresh: RES, CK, IK valid */
    AKA_RESULT_MAC_FAILURE,  /* XMAC != MAC-A: the network is not authentic; nothing else is valid */
    AKA_RESULT_SYNC_FAILURE, /* MAC-A right, SQN not acceptable: AUTS valid */
    AKA_RESULT_ERROR,        /* OpenSSL failed; ERROR set */
} AkaResult;
const char *aka_result_to_string(AkaResult r); /* "ok", "mac-failure", "sync-failure", "error" */

/* The USIM's first step (§6.3.3): recovers SQN = (SQN xor AK) xor f5(RAND) and AMF from AUTN and
 * compares MAC-A with XMAC = f1(SQN, RAND, AMF) in constant time. OK or MAC_FAILURE (outputs
 * valid only on OK; AMF_OUT may be NULL), or ERROR. No sequence number check. */
AkaResult aka_autn_verify(Milenage *m, const uint8_t rand[AKA_RAND_LEN], const uint8_t autn[AKA_AUTN_LEN],
                          uint64_t *sqn_out, uint8_t amf_out[AKA_AMF_LEN], GError **error);

/* AUTS = (SQN_MS xor f5*(RAND)) || f1*(SQN_MS, RAND, AMF = 00 00) (§6.3.3). */
gboolean aka_auts_build(Milenage *m, const uint8_t rand[AKA_RAND_LEN], uint64_t sqn_ms, uint8_t auts[AKA_AUTS_LEN],
                        GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Recovers SQN_MS from AUTS and checks MAC-S (§6.3.5); AKA_ERROR_AUTS_MAC when it does not verify.
 * *SQN_MS_OUT is valid only on success. */
gboolean aka_auts_verify(Milenage *m, const uint8_t rand[AKA_RAND_LEN], const uint8_t auts[AKA_AUTS_LEN],
                         uint64_t *sqn_ms_out, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ------------------------------------------------------------------ USIM / ISIM */

/* Why a sequence number was (not) accepted (Annex C.2). */
typedef enum {
    AKA_SQN_FRESH = 2,   /* accepted */
    AKA_SQN_REPLAYED,    /* SEQ <= SEQ_MS(IND) (C.2.2): already used, or older than one of its IND */
    AKA_SQN_TOO_FAR,     /* SEQ - SEQ_MS > Δ (C.2.1): would bring the counter close to wrapping */
    AKA_SQN_TOO_OLD,     /* SEQ_MS - SEQ >= L (C.2.2 age limit) */
} AkaSqnCheck;
const char *aka_sqn_check_to_string(AkaSqnCheck c);

/* What the USIM answers. Holds keys: clear it with aka_usim_response_clear(). */
typedef struct {
    uint8_t res[AKA_RES_LEN]; /* valid on OK */
    uint8_t ck[AKA_CK_LEN];   /* valid on OK */
    uint8_t ik[AKA_IK_LEN];   /* valid on OK */
    uint8_t auts[AKA_AUTS_LEN]; /* valid on SYNC_FAILURE */
    uint64_t sqn;             /* the SQN taken from AUTN; valid on OK and SYNC_FAILURE */
    AkaSqnCheck sqn_check;    /* valid on OK and SYNC_FAILURE */
} AkaUsimResponse;
void aka_usim_response_clear(AkaUsimResponse *r);

typedef struct AkaUsim AkaUsim;

/* A USIM holding K and OPc (copied) with every SEQ_MS(i) = 0. CFG NULL means defaults. NULL with
 * ERROR on a bad configuration. Free with aka_usim_free() (wipes the keys). */
AkaUsim *aka_usim_new(const uint8_t k[MILENAGE_KEY_LEN], const uint8_t opc[MILENAGE_KEY_LEN],
                      const AkaSqnConfig *cfg, GError **error);
void aka_usim_free(AkaUsim *usim);

/* Runs the USIM side of §6.3.3 on (RAND, AUTN): MAC check, then the Annex C freshness check; on OK
 * records SEQ in SEQ_MS(IND) and computes RES/CK/IK; on SYNC_FAILURE builds AUTS from SQN_MS and
 * changes no state; on MAC_FAILURE changes nothing. *OUT is cleared first. */
AkaResult aka_usim_authenticate(AkaUsim *usim, const uint8_t rand[AKA_RAND_LEN], const uint8_t autn[AKA_AUTN_LEN],
                                AkaUsimResponse *out, GError **error);

/* The freshness verdict for SQN without changing anything (Annex C.2.1 then C.2.2). */
AkaSqnCheck aka_usim_check_sqn(const AkaUsim *usim, uint64_t sqn);
/* SQN_MS: the highest SEQ accepted anywhere in the array with the IND it came with (0 at first). */
uint64_t aka_usim_sqn_ms(const AkaUsim *usim);
/* SEQ_MS(IND); IND below 2^ind_bits. */
uint64_t aka_usim_seq_ms(const AkaUsim *usim, guint ind);
const AkaSqnConfig *aka_usim_config(const AkaUsim *usim);

/* ------------------------------------------------------------------ home network (AuC) */

typedef struct AkaHn AkaHn;

/* The AuC record of one subscriber: K, OPc (copied) and SQN_HE = 0. Free with aka_hn_free(). */
AkaHn *aka_hn_new(const uint8_t k[MILENAGE_KEY_LEN], const uint8_t opc[MILENAGE_KEY_LEN], const AkaSqnConfig *cfg,
                  GError **error);
void aka_hn_free(AkaHn *hn);

/* SQN_HE = SEQ_HE || IND_HE: the SQN of the last vector generated (provisioning sets it). */
uint64_t aka_hn_sqn(const AkaHn *hn);
void aka_hn_set_sqn(AkaHn *hn, uint64_t sqn_he);
const AkaSqnConfig *aka_hn_config(const AkaHn *hn);

/* The next SQN (C.1.1, C.3.2): SEQ_HE + 1 with IND_HE + 1 mod 2^ind_bits, stored as the new SQN_HE.
 * AKA_ERROR_SQN_EXHAUSTED (nothing changed) when SEQ_HE is at its maximum. */
gboolean aka_hn_next_sqn(AkaHn *hn, uint64_t *sqn_out, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* A fresh vector: aka_hn_next_sqn() then aka_vector_generate(). On failure SQN_HE is unchanged. */
gboolean aka_hn_generate(AkaHn *hn, const uint8_t rand[AKA_RAND_LEN], const uint8_t amf[AKA_AMF_LEN], AkaVector *av,
                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Resynchronisation (§6.3.5) from the RAND that failed and the USIM's AUTS: verifies MAC-S, recovers
 * SQN_MS, and if the next SQN_HE would not be accepted by the USIM (SEQ_HE + 1 <= SEQ_MS, or more
 * than Δ above it) sets SEQ_HE = SEQ_MS (IND_HE kept). AKA_ERROR_AUTS_MAC leaves SQN_HE alone.
 * SQN_MS_OUT may be NULL. */
gboolean aka_hn_resync(AkaHn *hn, const uint8_t rand[AKA_RAND_LEN], const uint8_t auts[AKA_AUTS_LEN],
                       uint64_t *sqn_ms_out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
