/* key-log.h: collects, from one kind of protocol event, the key lines Wireshark needs to decrypt a
 * trace, in order, each once:
 *  - esp-sa.txt from "sa-installed" events (attribute wireshark_uat, links/ipsec.c):
 *      tshark -r trace.pcapng -o esp.enable_encryption_decode:TRUE $(sed 's/^/-o uat:esp_sa:/' esp-sa.txt)
 *  - tls-keys.txt from "tls-keylog" events (attribute line, nodes/ims/http-node.c), the NSS key log
 *    format:  tshark -r trace.pcapng -o tls.keylog_file:tls-keys.txt
 */
#pragma once
#include "sim-core/sim-trace.h"
#include <glib.h>

typedef struct KeyLog KeyLog;

/* Lines are the string attribute ATTR of events named EVENT (both copied). */
KeyLog *key_log_new(const char *event, const char *attr);
void key_log_free(KeyLog *log);
SimObserver *key_log_observer(KeyLog *log);
/* The file's content: one line per key, each ending in a newline (empty when none). */
const GString *key_log_text(const KeyLog *log);
guint key_log_count(const KeyLog *log);
