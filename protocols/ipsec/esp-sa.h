/* esp-sa.h: one ESP security association in transport mode, producing and checking real packets.
 *
 * Why: the UE and the P-CSCF protect SIP with pairs of ESP SAs (TS 33.203 §7); the simulator's IP
 * layer hands this object the transport segment and gets back the ESP packet (RFC 4303 §2: SPI,
 * sequence number, IV, encrypted payload || padding || pad length || next header, ICV), and the
 * reverse on input, with the §3.4.3 anti-replay window and per-SA counters.
 * What it is not: ESN (64-bit sequence numbers), tunnel mode, TFC padding, SA lifetimes; the IV
 * and all randomness come from the caller. Lookup by SPI is sad.h, policies spd.h.
 * Spec: RFC 4303 §2 (format), §2.4 (padding), §3.3 (outbound), §3.4 (inbound, §3.4.3 window),
 * RFC 2403/2404/2410/2451/3602 (transforms), TS 33.203 Annex I (keys from CK/IK).
 * Tests: tests/unit/test-esp.c; shared/vectors/aes-cbc-esp.txt via presim-vectors.
 */
#pragma once
#include "protocols/ipsec/esp.h"

#define ESP_HEADER_LEN 8               /* SPI + sequence number */
#define ESP_MAX_PAYLOAD 65535          /* an IP datagram's payload at most */
#define ESP_REPLAY_WINDOW_DEFAULT 64   /* RFC 4303 §3.4.3: 32 minimum, 64 default */
#define ESP_REPLAY_WINDOW_MIN 32
#define ESP_REPLAY_WINDOW_MAX 4096
#define ESP_NEXT_HEADER_NONE 59        /* dummy packet (RFC 4303 §2.6) */

typedef enum { ESP_SA_INBOUND = 1, ESP_SA_OUTBOUND = 2 } EspSaDirection;

typedef struct {
    uint32_t spi;              /* 0 is reserved (RFC 4303 §2.1) and refused */
    EspSaDirection direction;
    EspAuthAlg auth;
    const uint8_t *auth_key;   /* copied; esp_auth_key_len(auth) octets */
    size_t auth_key_len;
    EspEncrAlg encr;
    const uint8_t *encr_key;   /* copied; a length esp_crypter_create() takes */
    size_t encr_key_len;
    guint replay_window;       /* inbound: packets, 0 = ESP_REPLAY_WINDOW_DEFAULT */
} EspSaParams;

typedef struct {
    uint64_t sealed;     /* packets produced (outbound) */
    uint64_t opened;     /* packets delivered (inbound) */
    uint64_t bad_icv;    /* ICV mismatch */
    uint64_t replayed;   /* duplicate or left of the window, after the ICV verified */
    uint64_t malformed;  /* too short, misaligned, bad padding */
    uint64_t dummy;      /* authentic next-header-59 packets, discarded */
} EspSaCounters;

/* Results of esp_sa_open(). Start at 2 so a gboolean passed by mistake never matches. */
typedef enum {
    ESP_OPEN_OK = 2,    /* payload and next header delivered */
    ESP_OPEN_MALFORMED, /* cannot be an ESP packet of this SA: too short, misaligned, bad padding */
    ESP_OPEN_BAD_ICV,   /* integrity check failed */
    ESP_OPEN_REPLAY,    /* authentic but already received, or older than the window */
    ESP_OPEN_NO_SA,     /* the SPI is not this SA's (or, from sad.h, unknown) */
    ESP_OPEN_DUMMY,     /* authentic dummy packet: counted and dropped, nothing delivered */
    ESP_OPEN_ERROR,     /* OpenSSL failed */
} EspOpenResult;
/* "ok", "malformed", "bad-icv", "replay", "no-sa", "dummy", "crypto-error": usable as drop reasons. */
const char *esp_open_result_to_string(EspOpenResult r);

typedef struct EspSa EspSa;

/* An SA from P (keys copied). ESP_ERROR_INVALID for SPI 0, a key of the wrong length, NONE with
 * null encryption (nothing would be protected), a window outside 32..4096. Free with esp_sa_free(). */
EspSa *esp_sa_new(const EspSaParams *p, GError **error);
/* The TS 33.203 way: keys expanded from CK and IK by Annex I (esp_ims_*_key()). */
EspSa *esp_sa_new_ims(uint32_t spi, EspSaDirection direction, EspAuthAlg auth, EspEncrAlg encr, const uint8_t ck[16],
                      const uint8_t ik[16], GError **error);
/* Wipes the keys and frees. NULL is allowed. */
void esp_sa_free(EspSa *sa);

uint32_t esp_sa_spi(const EspSa *sa);
EspSaDirection esp_sa_direction(const EspSa *sa);
EspAuthAlg esp_sa_auth(const EspSa *sa);
EspEncrAlg esp_sa_encr(const EspSa *sa);
size_t esp_sa_iv_len(const EspSa *sa);
/* The ESP packet length for a PAYLOAD_LEN-octet payload (header, IV, padding, trailer, ICV). */
size_t esp_sa_packet_len(const EspSa *sa, size_t payload_len);
const EspSaCounters *esp_sa_counters(const EspSa *sa);

/* Outbound: the last sequence number used (0 before the first packet). Inbound: the highest
 * sequence number accepted (the right edge of the window). */
uint32_t esp_sa_last_seq(const EspSa *sa);
/* Outbound only: the next packet gets SEQ + 1. For known-answer tests and counter-exhaustion tests. */
void esp_sa_set_last_seq(EspSa *sa, uint32_t seq);

/* Outbound (RFC 4303 §3.3): builds the ESP packet for LEN octets of PAYLOAD with NEXT_HEADER into
 * OUT (cleared first; valid only on success). IV: esp_sa_iv_len() octets of fresh random bytes from
 * the caller (NULL when 0). Pads with 1, 2, 3, ... to the cipher block (at least 4-octet
 * alignment). ESP_ERROR_SEQ_EXHAUSTED once 2^32 - 1 packets were sent: rekey. */
gboolean esp_sa_seal(EspSa *sa, const uint8_t *payload, size_t len, uint8_t next_header, const uint8_t *iv,
                     GByteArray *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Inbound (RFC 4303 §3.4): checks and decrypts LEN octets of ESP (what follows the IP header).
 * Order: framing -> ICV -> replay check -> decrypt and padding check -> window update -> deliver;
 * the window moves only for packets that are delivered (or authentic dummies). PAYLOAD_OUT is
 * cleared first and holds the payload only on ESP_OPEN_OK; *NEXT_HEADER_OUT is 0 unless OK. */
EspOpenResult esp_sa_open(EspSa *sa, const uint8_t *esp, size_t len, GByteArray *payload_out,
                          uint8_t *next_header_out);

/* Appends one Wireshark ESP SA record for SA between SRC and DST (address text; "IPv6" is chosen when
 * SRC holds a ':'), the 8-field form tshark 4.0 reads from its esp_sa UAT (-o 'uat:esp_sa:LINE'):
 *   "IPv4","SRC","DST","0xSPI","ENC","0xKEY","AUTH","0xKEY"
 * with ENC "NULL" / "TripleDES-CBC [RFC2451]" / "AES-CBC [RFC3602]" and AUTH "NULL" /
 * "HMAC-MD5-96 [RFC2403]" / "HMAC-SHA-1-96 [RFC2404]", the expanded keys in hex ("" when none).
 * No newline is added. The line holds the keys: it is for trace files the user asked for. */
void esp_sa_wireshark_uat(const EspSa *sa, const char *src, const char *dst, GString *out);
