/* The loader on mutated scenario files: every mutant of the library's scenarios and of the malformed
 * corpus is either loaded or refused with messages that each name the file ("FILE:LINE: ..." or
 * "FILE: ..."), never a crash or a hang (the suite also runs under ASan/UBSan). 3000 mutants from a
 * fixed seed. */
#include "scenarios/scenario.h"
#include "sim-core/sim-rng.h"
#include <glib/gstdio.h>
#include <string.h>

static const char *const inserts[] = {"[", "]", "=", "\n", "\\", "#", " ", ".", ",", "%", "\xff", "node.", "link.",
                                      "subscriber.", "ms", "-1", "99999999999999999999", "::", "/129", "\r\n"};

static GPtrArray *sources(void)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    const char *top = g_getenv("PRESIM_SOURCE_DIR");
    const char *dirs[] = {"scenarios", "tests/bad-scenarios"};
    for (guint d = 0; d < G_N_ELEMENTS(dirs); d++) {
        g_autofree char *dir = g_build_filename(top, dirs[d], NULL);
        GDir *gd = g_dir_open(dir, 0, NULL);
        const char *name;
        while (gd && (name = g_dir_read_name(gd)))
            if (g_str_has_suffix(name, ".ini"))
                g_ptr_array_add(out, g_build_filename(dir, name, NULL));
        if (gd)
            g_dir_close(gd);
    }
    return out;
}

static gint cmp_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_mutants(void)
{
    g_autoptr(GPtrArray) files = sources();
    g_ptr_array_sort(files, cmp_paths);
    g_assert_cmpuint(files->len, >, 10);
    SimRng *rng = sim_rng_new(3, "test:scenario-fuzz");
    g_autofree char *dir = g_dir_make_tmp("presim-scenario-fuzz-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "mutant.ini", NULL);
    guint loaded = 0, refused = 0;
    for (int i = 0; i < 3000; i++) {
        gchar *text = NULL;
        gsize len = 0;
        g_assert_true(g_file_get_contents(files->pdata[sim_rng_range(rng, 0, files->len - 1)], &text, &len, NULL));
        GByteArray *b = g_byte_array_new_take((guint8 *)text, len);
        int edits = (int)sim_rng_range(rng, 1, 6);
        for (int e = 0; e < edits; e++) {
            guint pos = b->len ? (guint)sim_rng_range(rng, 0, b->len - 1) : 0;
            switch (sim_rng_range(rng, 0, 4)) {
            case 0:
                if (b->len)
                    b->data[pos] = (guint8)sim_rng_uint32(rng);
                break;
            case 1: {
                const char *ins = inserts[sim_rng_range(rng, 0, G_N_ELEMENTS(inserts) - 1)];
                g_array_insert_vals((GArray *)b, pos, (const guint8 *)ins, (guint)strlen(ins));
                break;
            }
            case 2:
                if (b->len) {
                    guint n = (guint)sim_rng_range(rng, 1, 40); /* not inside MIN(): it would draw twice */
                    g_byte_array_remove_range(b, pos, MIN(n, b->len - pos));
                }
                break;
            case 3:
                g_byte_array_set_size(b, pos);
                break;
            default:
                if (b->len) {
                    guint from = (guint)sim_rng_range(rng, 0, b->len - 1);
                    guint n = (guint)sim_rng_range(rng, 1, 200);
                    n = MIN(n, b->len - from);
                    g_autofree guint8 *copy = g_memdup2(b->data + from, n);
                    g_array_insert_vals((GArray *)b, pos, copy, n);
                }
            }
        }
        g_assert_true(g_file_set_contents(path, (const char *)b->data, b->len, NULL));
        g_byte_array_unref(b);
        GError *err = NULL;
        Scenario *sc = scenario_load(path, NULL, &err);
        if (sc) {
            g_assert_no_error(err);
            loaded++;
            scenario_free(sc);
            continue;
        }
        g_assert_nonnull(err);
        refused++;
        g_auto(GStrv) lines = g_strsplit(err->message, "\n", -1);
        for (char **l = lines; *l; l++)
            if (!g_str_has_prefix(*l, path) && !g_str_has_prefix(*l, "--set"))
                g_error("message without the file name: '%s'", *l);
        g_error_free(err);
    }
    g_test_message("%u loaded, %u refused", loaded, refused);
    g_assert_cmpuint(refused, >, 1000);
    g_remove(path);
    g_rmdir(dir);
    sim_rng_free(rng);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/scenario/mutants", test_mutants);
    return g_test_run();
}
