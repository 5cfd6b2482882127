/* main.c: `presim` — subcommand dispatch, --version, --help. */
#include "cli/cli.h"
#include "presim-config.h"
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "Usage: presim COMMAND [OPTIONS]\n"
    "\n"
    "A discrete-event simulator of the 3GPP IMS presence-security architecture.\n"
    "\n"
    "Commands:\n"
    "  run FILE       run a scenario; writes trace.pcapng, events.jsonl, summary.json\n"
    "  validate FILE  check a scenario file without running it\n"
    "  list           list the scenario library (--kinds: node kinds and actions)\n"
    "\n"
    "Options:\n"
    "  --version      print the version\n"
    "  --help         this text; `presim COMMAND --help` for a command's options\n"
    "\n"
    "Examples:\n"
    "  presim run scenarios/demo-udp-tcp.ini\n"
    "  presim run scenarios/demo-udp-tcp.ini --seed 7 --out /tmp/demo7\n"
    "  presim run scenarios/demo-udp-tcp.ini --set link.r-b.loss=5% --until 10s\n"
    "  presim validate my-scenario.ini\n"
    "  presim list\n"
    "\n"
    "Exit status: 0 success, 1 run-time failure, 2 bad input (scenario file or options).\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_BAD_INPUT;
    }
    const char *cmd = argv[1];
    if (g_str_equal(cmd, "--version") || g_str_equal(cmd, "-V")) {
        printf("presim %s\n", PRESIM_VERSION);
        return CLI_OK;
    }
    if (g_str_equal(cmd, "--help") || g_str_equal(cmd, "-h") || g_str_equal(cmd, "help")) {
        fputs(usage, stdout);
        return CLI_OK;
    }
    if (g_str_equal(cmd, "run"))
        return cli_run(argc - 1, argv + 1);
    if (g_str_equal(cmd, "validate"))
        return cli_validate(argc - 1, argv + 1);
    if (g_str_equal(cmd, "list"))
        return cli_list(argc - 1, argv + 1);
    fprintf(stderr, "presim: unknown command '%s'\n\n%s", cmd, usage);
    return CLI_BAD_INPUT;
}
