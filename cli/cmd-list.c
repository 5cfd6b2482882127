/* cmd-list.c: `presim list` — the scenario library, or with --kinds the node kinds and actions. */
#include "cli/cli.h"
#include "scenarios/scenario.h"
#include <stdio.h>
#include <string.h>

static void print_keys(const SimKeySpec *keys, const char *indent)
{
    for (const SimKeySpec *k = keys; k && k->name; k++)
        printf("%s%-14s %-11s %s%s%s\n", indent, k->name, sim_key_type_name(k->type), k->help,
               k->def ? " [default: " : " [required]", k->def ? k->def : "");
}

static gint cmp_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void md_keys(const SimKeySpec *keys)
{
    printf("| key | type | default | meaning |\n|---|---|---|---|\n");
    for (const SimKeySpec *k = keys; k && k->name; k++) {
        GString *type = g_string_new(sim_key_type_name(k->type));
        if (k->type == SIM_KEY_ENUM && k->choices) {
            g_autofree char *c = g_strjoinv(" \\| ", (char **)k->choices);
            g_string_printf(type, "one of `%s`", c);
        } else if ((k->type == SIM_KEY_INT || k->type == SIM_KEY_SIZE) && (k->min || k->max)) {
            g_string_append_printf(type, " %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT, k->min, k->max);
        }
        if (k->ref)
            g_string_append_printf(type, " naming a [%s.NAME]", k->ref);
        printf("| `%s` | %s | %s%s%s | %s |\n", k->name, type->str, k->def ? "`" : "**required**",
               k->def ? k->def : "", k->def ? "`" : "", k->help);
        g_string_free(type, TRUE);
    }
    printf("\n");
}

/* The key reference of docs/scenario-format.md, generated from the same tables the loader uses. */
static void print_reference(void)
{
    printf("### `[scenario]`\n\n");
    md_keys(scenario_settings_keys());
    printf("### `[link.NAME]`\n\n");
    md_keys(scenario_link_keys());
    printf("### `[node.NAME]`: keys of every kind\n\n");
    md_keys(scenario_node_common_keys());
    for (const SimNodeKind *const *k = sim_node_kinds(); *k; k++) {
        printf("### `[node.NAME]` with `kind = %s`\n\n%s.\n\n", (*k)->name, (*k)->summary);
        if ((*k)->keys && (*k)->keys->name)
            md_keys((*k)->keys);
        else
            printf("No keys of its own.\n\n");
    }
    for (const SimRecordKind *const *k = sim_record_kinds(); *k; k++) {
        printf("### `[%s.NAME]`\n\n%s.\n\n", (*k)->name, (*k)->summary);
        md_keys((*k)->keys);
    }
    printf("### `[action.NAME]`: keys of every action\n\n");
    md_keys(scenario_action_common_keys());
    for (const SimActionKind *const *k = sim_action_kinds(); *k; k++) {
        g_autofree char *kinds = g_strjoinv(", ", (char **)(*k)->node_kinds);
        printf("### `[action.NAME]` with `do = %s`\n\n%s (node kinds: %s).\n\n", (*k)->name, (*k)->summary, kinds);
        md_keys((*k)->keys);
    }
}

int cli_list(int argc, char **argv)
{
    gboolean kinds = FALSE, reference = FALSE;
    GOptionEntry entries[] = {
        {"kinds", 0, 0, G_OPTION_ARG_NONE, &kinds, "List node kinds and actions with their keys", NULL},
        {"reference", 0, 0, G_OPTION_ARG_NONE, &reference, "Print the key reference of every group as Markdown", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- list the scenario library");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *err = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc > 1) {
        fprintf(stderr, "presim list: %s\n", err ? err->message : "unexpected argument");
        g_clear_error(&err);
        return CLI_BAD_INPUT;
    }
    cli_setup_logging(FALSE, TRUE);
    if (reference) {
        print_reference();
        return CLI_OK;
    }
    if (kinds) {
        printf("Node kinds:\n");
        for (const SimNodeKind *const *k = sim_node_kinds(); *k; k++) {
            printf("  %s: %s\n", (*k)->name, (*k)->summary);
            print_keys((*k)->keys, "      ");
        }
        printf("Records:\n");
        for (const SimRecordKind *const *k = sim_record_kinds(); *k; k++) {
            printf("  [%s.NAME]: %s\n", (*k)->name, (*k)->summary);
            print_keys((*k)->keys, "      ");
        }
        printf("Actions:\n");
        for (const SimActionKind *const *k = sim_action_kinds(); *k; k++) {
            printf("  %s: %s\n", (*k)->name, (*k)->summary);
            print_keys((*k)->keys, "      ");
        }
        return CLI_OK;
    }
    const char *dir = cli_scenario_dir();
    GDir *d = g_dir_open(dir, 0, &err);
    if (!d) {
        fprintf(stderr, "presim list: %s\n", err->message);
        g_error_free(err);
        return CLI_RUNTIME;
    }
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)))
        if (g_str_has_suffix(name, ".ini"))
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
    g_dir_close(d);
    g_ptr_array_sort(files, cmp_paths);
    printf("Scenario library (%s):\n", dir);
    int rc = CLI_OK;
    for (guint i = 0; i < files->len; i++) {
        const char *path = g_ptr_array_index(files, i);
        Scenario *sc = scenario_load(path, NULL, &err);
        g_autofree char *base = g_path_get_basename(path);
        if (!sc) {
            printf("  %-28s (invalid: run presim validate %s)\n", base, path);
            g_clear_error(&err);
            rc = CLI_RUNTIME;
            continue;
        }
        printf("  %-28s %s\n", base, sc->description);
        scenario_free(sc);
    }
    g_ptr_array_free(files, TRUE);
    return rc;
}
