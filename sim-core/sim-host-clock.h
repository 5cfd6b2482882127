/* sim-host-clock.h: CPU time the host spends on named tasks ("ue1:aka", "pcscf:esp"), measured with
 * the thread CPU clock. These are host measurements: they vary from run to run, so they go to
 * host.json and the console and never into the deterministic outputs, and nothing in the
 * simulation may depend on them. Process-wide totals. */
#pragma once
#include <glib.h>
#include <stdint.h>

int64_t sim_host_cpu_now(void);
/* Adds NS to CATEGORY's total and one to its count. */
void sim_host_cpu_add(const char *category, int64_t ns);
/* Calls FN for every category in name order. */
void sim_host_cpu_foreach(void (*fn)(const char *category, int64_t ns, uint64_t count, void *user), void *user);
void sim_host_cpu_reset(void);
