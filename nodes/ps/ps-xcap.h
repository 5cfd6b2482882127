/* ps-xcap.h: the PS's XCAP server on Ut (ps-xcap.c). */
#pragma once
#include "nodes/ps/ps-private.h"

/* Seeds the XCAP documents from the presentities loaded from the scenario and listens for HTTP on
 * PORT. ROOT_URI: the xcap-root key ("http://host/xcap": its path is the XCAP root). PROXIES: names
 * of the nodes allowed to assert identities (NULL-terminated; empty: anyone). */
gboolean ps_xcap_start(Ps *ps, const char *root_uri, uint16_t port, char **proxies, GError **error);
void ps_xcap_stop(Ps *ps);
/* The pres-rule action changed PT's rules: store the new document (without re-applying it). */
void ps_xcap_rules_updated(Ps *ps, PsPresentity *pt);
void ps_xcap_report(Ps *ps, SimReport *r);
