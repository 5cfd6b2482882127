/* cmd-validate.c: `presim validate FILE...` — load and check without running. */
#include "cli/cli.h"
#include "scenarios/scenario.h"
#include <stdio.h>

int cli_validate(int argc, char **argv)
{
    g_auto(GStrv) sets = NULL;
    GOptionEntry entries[] = {
        {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a scenario key (repeatable)", "GROUP.KEY=VALUE"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("FILE... - check scenario files without running them");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *err = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "presim validate: %s\n", err->message);
        g_error_free(err);
        return CLI_BAD_INPUT;
    }
    if (argc < 2) {
        fprintf(stderr, "presim validate: expected a scenario FILE\n");
        return CLI_BAD_INPUT;
    }
    cli_setup_logging(FALSE, TRUE);
    int rc = CLI_OK;
    for (int i = 1; i < argc; i++) {
        Scenario *sc = scenario_load(argv[i], (const char *const *)sets, &err);
        if (!sc) {
            fprintf(stderr, "%s\n", err->message);
            g_clear_error(&err);
            rc = CLI_BAD_INPUT;
            continue;
        }
        printf("%s: ok (%u nodes, %u links, %u actions)\n", argv[i], sc->nodes->len, sc->links->len,
               sc->actions->len);
        scenario_free(sc);
    }
    return rc;
}
