/* esp-sa-log.h: collects the Wireshark UAT line of every ESP SA installed during a run (the
 * "sa-installed" protocol events of links/ipsec.c) for esp-sa.txt, so that
 *   tshark -r trace.pcapng -o esp.enable_encryption_decode:TRUE \
 *          $(sed 's/^/-o uat:esp_sa:/' esp-sa.txt)
 * decrypts the trace. One line per SA, in installation order; an SA installed twice with the same
 * line is listed once. */
#pragma once
#include "sim-core/sim-trace.h"
#include <glib.h>

typedef struct EspSaLog EspSaLog;

EspSaLog *esp_sa_log_new(void);
void esp_sa_log_free(EspSaLog *log);
SimObserver *esp_sa_log_observer(EspSaLog *log);
/* The file's content: one UAT line per SA, each ending in a newline (empty when no SA). */
const GString *esp_sa_log_text(const EspSaLog *log);
guint esp_sa_log_count(const EspSaLog *log);
