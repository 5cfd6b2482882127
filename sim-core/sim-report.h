/* sim-report.h: results a model hands to the analysis layer at the end of a run.
 *
 * A report is an ordered tree: sections hold typed values and sub-sections, in insertion order.
 * Nodes fill it (a UDP sink's loss and delays, a TCP transfer's completion); analysis/ writes it
 * into summary.json and the console summary. Models never format output themselves.
 */
#pragma once
#include <glib.h>
#include <stdint.h>

typedef struct SimReport SimReport;

typedef enum { SIM_REPORT_SECTION = 1, SIM_REPORT_INT, SIM_REPORT_UINT, SIM_REPORT_DOUBLE, SIM_REPORT_STRING,
               SIM_REPORT_BOOL } SimReportType;

typedef struct SimReportItem SimReportItem;
struct SimReportItem {
    char *key;
    SimReportType type;
    int64_t i;
    uint64_t u;
    double d;
    int decimals; /* SIM_REPORT_DOUBLE: printed with this many decimals */
    char *s;
    GPtrArray *children; /* SIM_REPORT_SECTION: SimReportItem* */
};

SimReport *sim_report_new(void);
void sim_report_free(SimReport *report);
/* Opens sub-section KEY of the current section (reuses it if it exists); close with _end. */
void sim_report_begin(SimReport *report, const char *key);
void sim_report_end(SimReport *report);
void sim_report_int(SimReport *report, const char *key, int64_t v);
void sim_report_uint(SimReport *report, const char *key, uint64_t v);
void sim_report_double(SimReport *report, const char *key, double v, int decimals);
void sim_report_string(SimReport *report, const char *key, const char *v);
void sim_report_bool(SimReport *report, const char *key, gboolean v);
const SimReportItem *sim_report_root(const SimReport *report);
/* Looks up a path of keys separated by '/' ("flows/udp1/loss"), NULL if absent. */
const SimReportItem *sim_report_lookup(const SimReport *report, const char *path);
