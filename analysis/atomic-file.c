/* atomic-file.c: write under a temporary name, rename on commit (see atomic-file.h). */
#include "analysis/atomic-file.h"
#include "sim-core/sim-log.h"
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN SIM_LOG_ANALYSIS

struct AtomicFile {
    char *dir;
    char *path;      /* DIR/NAME */
    char *temp_path; /* DIR/.NAME.tmp-PID-XXXXXX, made unique by g_mkstemp_full */
    FILE *stream;
};

static void set_errno_error(GError **error, int err, const char *what, const char *path)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "%s %s: %s", what, path, g_strerror(err));
}

static void atomic_file_free(AtomicFile *af)
{
    g_free(af->dir);
    g_free(af->path);
    g_free(af->temp_path);
    g_free(af);
}

AtomicFile *atomic_file_open(const char *dir, const char *name, GError **error)
{
    g_return_val_if_fail(dir && name, NULL);
    if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "invalid output file name \"%s\" in %s", name, dir);
        return NULL;
    }
    AtomicFile *af = g_new0(AtomicFile, 1);
    af->dir = g_strdup(dir);
    af->path = g_build_filename(dir, name, NULL);
    g_autofree char *temp_name = g_strdup_printf(".%s.tmp-%ld-XXXXXX", name, (long)getpid());
    af->temp_path = g_build_filename(dir, temp_name, NULL);

    /* 0666 as for fopen(): the umask decides, unlike mkstemp()'s 0600. */
    int fd = g_mkstemp_full(af->temp_path, O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0) {
        set_errno_error(error, errno, "cannot create", af->temp_path);
        atomic_file_free(af);
        return NULL;
    }
    af->stream = fdopen(fd, "wb");
    if (!af->stream) {
        int err = errno;
        close(fd);
        g_unlink(af->temp_path);
        set_errno_error(error, err, "cannot open", af->temp_path);
        atomic_file_free(af);
        return NULL;
    }
    g_debug("writing %s as %s", af->path, af->temp_path);
    return af;
}

FILE *atomic_file_stream(AtomicFile *af)
{
    return af->stream;
}

const char *atomic_file_path(const AtomicFile *af)
{
    return af->path;
}

const char *atomic_file_temp_path(const AtomicFile *af)
{
    return af->temp_path;
}

/* Makes the rename durable. Some file systems refuse fsync on a directory (EINVAL); the rename has
 * happened by then, so that is only worth a debug line. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (fsync(fd) != 0)
        g_debug("fsync of directory %s: %s", dir, g_strerror(errno));
    close(fd);
}

gboolean atomic_file_commit(AtomicFile *af, GError **error)
{
    g_return_val_if_fail(af, FALSE);
    gboolean ok = TRUE;
    int err = 0;
    const char *what = NULL;

    if (ferror(af->stream)) {
        ok = FALSE;
        err = EIO;
        what = "write error on";
    } else if (fflush(af->stream) != 0) {
        ok = FALSE;
        err = errno;
        what = "cannot write";
    } else if (fsync(fileno(af->stream)) != 0) {
        ok = FALSE;
        err = errno;
        what = "cannot sync";
    }
    if (fclose(af->stream) != 0 && ok) {
        ok = FALSE;
        err = errno;
        what = "cannot close";
    }
    af->stream = NULL;
    if (!ok) {
        set_errno_error(error, err, what, af->temp_path);
        g_unlink(af->temp_path);
        atomic_file_free(af);
        return FALSE;
    }
    if (g_rename(af->temp_path, af->path) != 0) {
        err = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "cannot rename %s to %s: %s",
                    af->temp_path, af->path, g_strerror(err));
        g_unlink(af->temp_path);
        atomic_file_free(af);
        return FALSE;
    }
    sync_dir(af->dir);
    g_debug("committed %s", af->path);
    atomic_file_free(af);
    return TRUE;
}

void atomic_file_abort(AtomicFile *af)
{
    if (!af)
        return;
    if (af->stream)
        fclose(af->stream);
    g_unlink(af->temp_path);
    g_debug("aborted %s", af->path);
    atomic_file_free(af);
}

gboolean atomic_file_write_all(const char *dir, const char *name, const void *data, size_t len, GError **error)
{
    AtomicFile *af = atomic_file_open(dir, name, error);
    if (!af)
        return FALSE;
    errno = 0;
    if (len > 0 && fwrite(data, 1, len, af->stream) != len) {
        int err = errno;
        set_errno_error(error, err ? err : EIO, "cannot write", af->temp_path);
        atomic_file_abort(af);
        return FALSE;
    }
    return atomic_file_commit(af, error);
}
