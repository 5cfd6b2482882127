/* test-atomic-file.c: analysis/atomic-file: nothing under the final name before commit, abort
 * leaves nothing, commit replaces an existing file, errors name the path. */
#include "analysis/atomic-file.h"
#include <glib/gstdio.h>
#include <string.h>

static gint cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names in DIR, sorted, joined by ",". */
static char *list_dir(const char *dir)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    while ((n = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(n));
    g_ptr_array_sort(names, cmp_names);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < names->len; i++)
        g_string_append_printf(s, "%s%s", i ? "," : "", (const char *)names->pdata[i]);
    return g_string_free(s, FALSE);
}

static char *read_file(const char *path)
{
    char *contents = NULL;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_file_get_contents(path, &contents, NULL, &error));
    g_assert_no_error(error);
    return contents;
}

static char *make_dir(void)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("presim-atomic-XXXXXX", &error);
    g_assert_no_error(error);
    return dir;
}

static void remove_dir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *n;
    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, n, NULL);
        g_unlink(p);
    }
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void test_commit(void)
{
    g_autofree char *dir = make_dir();
    g_autoptr(GError) error = NULL;
    AtomicFile *af = atomic_file_open(dir, "out.txt", &error);
    g_assert_no_error(error);
    g_assert_nonnull(af);
    g_autofree char *final = g_build_filename(dir, "out.txt", NULL);
    g_assert_cmpstr(atomic_file_path(af), ==, final);
    g_autofree char *temp = g_strdup(atomic_file_temp_path(af));
    g_autofree char *temp_base = g_path_get_basename(temp);
    g_assert_true(g_str_has_prefix(temp_base, ".out.txt.tmp-"));
    g_autofree char *dirname = g_path_get_dirname(temp);
    g_assert_cmpstr(dirname, ==, dir); /* same directory: rename is atomic */

    fputs("hello ", atomic_file_stream(af));
    fflush(atomic_file_stream(af));
    g_assert_false(g_file_test(final, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(temp, G_FILE_TEST_EXISTS));
    fputs("world\n", atomic_file_stream(af));
    g_assert_false(g_file_test(final, G_FILE_TEST_EXISTS));
    g_autofree char *listing = list_dir(dir);
    g_assert_cmpstr(listing, ==, temp_base);

    g_assert_true(atomic_file_commit(af, &error));
    g_assert_no_error(error);
    g_autofree char *contents = read_file(final);
    g_assert_cmpstr(contents, ==, "hello world\n");
    g_assert_false(g_file_test(temp, G_FILE_TEST_EXISTS));
    g_autofree char *listing2 = list_dir(dir);
    g_assert_cmpstr(listing2, ==, "out.txt");
    remove_dir(dir);
}

static void test_abort(void)
{
    g_autofree char *dir = make_dir();
    g_autoptr(GError) error = NULL;
    AtomicFile *af = atomic_file_open(dir, "trace.pcapng", &error);
    g_assert_no_error(error);
    fputs("partial", atomic_file_stream(af));
    atomic_file_abort(af);
    g_autofree char *listing = list_dir(dir);
    g_assert_cmpstr(listing, ==, "");

    /* The autoptr cleanup aborts too. */
    {
        g_autoptr(AtomicFile) af2 = atomic_file_open(dir, "x", &error);
        g_assert_no_error(error);
        fputs("partial", atomic_file_stream(af2));
    }
    g_autofree char *listing2 = list_dir(dir);
    g_assert_cmpstr(listing2, ==, "");

    /* Abort leaves an existing final file alone. */
    g_autofree char *final = g_build_filename(dir, "keep", NULL);
    g_assert_true(g_file_set_contents(final, "old", -1, NULL));
    af = atomic_file_open(dir, "keep", &error);
    g_assert_no_error(error);
    fputs("new", atomic_file_stream(af));
    atomic_file_abort(af);
    g_autofree char *contents = read_file(final);
    g_assert_cmpstr(contents, ==, "old");
    g_autofree char *listing3 = list_dir(dir);
    g_assert_cmpstr(listing3, ==, "keep");
    remove_dir(dir);
}

static void test_replace(void)
{
    g_autofree char *dir = make_dir();
    g_autoptr(GError) error = NULL;
    g_autofree char *final = g_build_filename(dir, "summary.json", NULL);
    g_assert_true(g_file_set_contents(final, "{\"old\":true}", -1, NULL));

    AtomicFile *af = atomic_file_open(dir, "summary.json", &error);
    g_assert_no_error(error);
    fputs("{\"new\":true}", atomic_file_stream(af));
    fflush(atomic_file_stream(af));
    g_autofree char *before = read_file(final);
    g_assert_cmpstr(before, ==, "{\"old\":true}");
    g_assert_true(atomic_file_commit(af, &error));
    g_assert_no_error(error);
    g_autofree char *after = read_file(final);
    g_assert_cmpstr(after, ==, "{\"new\":true}");
    g_autofree char *listing = list_dir(dir);
    g_assert_cmpstr(listing, ==, "summary.json");

    /* write_all: same contract in one call, binary-safe. */
    static const char bin[] = {'a', 0, 'b', '\n'};
    g_assert_true(atomic_file_write_all(dir, "summary.json", bin, sizeof bin, &error));
    g_assert_no_error(error);
    g_autofree char *contents = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(final, &contents, &len, NULL));
    g_assert_cmpmem(contents, len, bin, sizeof bin);
    g_assert_true(atomic_file_write_all(dir, "empty", "", 0, &error));
    g_assert_no_error(error);
    g_autofree char *listing2 = list_dir(dir);
    g_assert_cmpstr(listing2, ==, "empty,summary.json");
    remove_dir(dir);
}

static void test_errors(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *missing = g_build_filename(dir, "no-such-dir", NULL);
    g_autoptr(GError) error = NULL;
    AtomicFile *af = atomic_file_open(missing, "out.txt", &error);
    g_assert_null(af);
    g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_assert_nonnull(strstr(error->message, missing));
    g_clear_error(&error);

    g_assert_false(atomic_file_write_all(missing, "out.txt", "x", 1, &error));
    g_assert_nonnull(strstr(error->message, missing));
    g_clear_error(&error);

    g_assert_null(atomic_file_open(dir, "a/b", &error));
    g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
    g_clear_error(&error);
    g_assert_null(atomic_file_open(dir, "", &error));
    g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
    g_clear_error(&error);

    /* Commit onto a name held by a non-empty directory fails, names the path and cleans up. */
    g_autofree char *sub = g_build_filename(dir, "taken", NULL);
    g_assert_cmpint(g_mkdir(sub, 0755), ==, 0);
    g_autofree char *inner = g_build_filename(sub, "f", NULL);
    g_assert_true(g_file_set_contents(inner, "x", -1, NULL));
    af = atomic_file_open(dir, "taken", &error);
    g_assert_no_error(error);
    fputs("data", atomic_file_stream(af));
    g_assert_false(atomic_file_commit(af, &error));
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, sub));
    g_autofree char *listing = list_dir(dir);
    g_assert_cmpstr(listing, ==, "taken");
    g_unlink(inner);
    g_rmdir(sub);
    remove_dir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/atomic-file/commit", test_commit);
    g_test_add_func("/atomic-file/abort", test_abort);
    g_test_add_func("/atomic-file/replace", test_replace);
    g_test_add_func("/atomic-file/errors", test_errors);
    return g_test_run();
}
