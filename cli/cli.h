/* cli.h: the presim command's subcommands. Exit statuses: 0 ok, 1 run-time failure, 2 bad input. */
#pragma once
#include <glib.h>

enum { CLI_OK = 0, CLI_RUNTIME = 1, CLI_BAD_INPUT = 2 };

int cli_run(int argc, char **argv);
int cli_validate(int argc, char **argv);
int cli_list(int argc, char **argv);

/* Routes libosip2's and GLib's diagnostics and applies --verbose. */
void cli_setup_logging(gboolean verbose, gboolean quiet);
/* The scenario library folder (PRESIM_SCENARIO_DIR, overridable by the environment variable). */
const char *cli_scenario_dir(void);
