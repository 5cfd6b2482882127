/* cli-common.c: logging set-up shared by the subcommands. */
#include "cli/cli.h"
#include "presim-config.h"
#include <osipparser2/osip_port.h>
#include <stdlib.h>

/* libosip2 (Debian's build has tracing on) prints every parse failure to the terminal; an attacker
 * node feeding garbage would flood it. Its messages go to g_debug instead (debian-hints.md). */
static void osip_to_glog(const char *fi, int li, osip_trace_level_t level, const char *chfr, va_list ap)
{
    (void)level;
    g_autofree char *msg = g_strdup_vprintf(chfr, ap);
    g_log("presim-osip", G_LOG_LEVEL_DEBUG, "%s:%d: %s", fi, li, msg);
}

void cli_setup_logging(gboolean verbose, gboolean quiet)
{
    (void)quiet;
    if (verbose) {
        g_setenv("G_MESSAGES_DEBUG", "all", TRUE);
        g_log_set_debug_enabled(TRUE);
    }
    osip_trace_initialize_func(OSIP_INFO4, osip_to_glog);
}

const char *cli_scenario_dir(void)
{
    const char *env = g_getenv("PRESIM_SCENARIO_DIR");
    return env && *env ? env : PRESIM_SCENARIO_DIR;
}
