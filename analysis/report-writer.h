/* report-writer.h: writes a run's SimReport (sim-core/sim-report.h) as JSON for summary.json, and
 * the short human summary printed after a run. Both are deterministic: same report, same bytes. */
#pragma once
#include "analysis/json-writer.h"
#include "sim-core/sim-report.h"
#include <stdio.h>

/* Writes SECTION's children as members of the JSON object currently open in W. */
void report_write_json_members(const SimReportItem *section, JsonWriter *w);

/* Prints flows and links of REPORT as aligned text tables. */
void report_print_text(const SimReport *report, FILE *out);
