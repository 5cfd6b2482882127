/* sim-time.h: simulated time.
 *
 * Simulated time is a signed 64-bit count of nanoseconds since the start of the run (about 292 years
 * of range). It never comes from the wall clock. Text forms are "<number><unit>" with unit ns, us, ms,
 * s, min or h and an optional decimal fraction ("1.5ms"); a bare "0" is accepted.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

typedef int64_t SimTime;

#define SIM_NS ((SimTime)1)
#define SIM_US ((SimTime)1000)
#define SIM_MS ((SimTime)1000000)
#define SIM_S ((SimTime)1000000000)
#define SIM_TIME_NEVER INT64_MAX

/* Parses TEXT into *OUT; on failure returns FALSE with a message saying what is wrong. */
gboolean sim_time_parse(const char *text, SimTime *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Formats T as seconds with nanosecond precision, "12.000450000s", into BUF (at least 32 bytes). */
const char *sim_time_format(SimTime t, char buf[32]);

/* Parses a data rate "100Mbps", "1.5Gbps", "64kbps", "9600bps" into bits per second. */
gboolean sim_rate_parse(const char *text, uint64_t *out_bps, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Parses a size "1500", "64KiB", "1MB", "1MiB", "10kB" into bytes (SI prefixes 1000, IEC 1024). */
gboolean sim_size_parse(const char *text, uint64_t *out_bytes, GError **error) G_GNUC_WARN_UNUSED_RESULT;

GQuark sim_parse_error_quark(void);
#define SIM_PARSE_ERROR (sim_parse_error_quark())
