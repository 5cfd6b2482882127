/* sim-rng.h: deterministic random streams.
 *
 * Every consumer of randomness owns a named stream ("node:ue1", "link:a-r:loss:a>r") whose state is
 * derived from (scenario seed, stream name) by SHA-256, never from creation order: adding a node or a
 * link leaves every other stream's numbers unchanged. The generator is GLib's GRand (MT19937), which
 * gives the same sequence on every platform for the same seed array.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

typedef struct SimRng SimRng;

/* Returns a new stream; free with sim_rng_free(). */
SimRng *sim_rng_new(uint64_t seed, const char *stream_name);
void sim_rng_free(SimRng *rng);

uint32_t sim_rng_uint32(SimRng *rng);
uint64_t sim_rng_uint64(SimRng *rng);
/* Uniform in [0, 1). */
double sim_rng_double(SimRng *rng);
/* Uniform integer in [lo, hi] (inclusive). */
int64_t sim_rng_range(SimRng *rng, int64_t lo, int64_t hi);
/* Exponentially distributed with the given mean. */
double sim_rng_exponential(SimRng *rng, double mean);
/* TRUE with probability P. Draws exactly one number whatever P is, so turning a loss rate up or
 * down never shifts the stream for later decisions. */
gboolean sim_rng_bernoulli(SimRng *rng, double p);
void sim_rng_bytes(SimRng *rng, uint8_t *out, size_t len);
