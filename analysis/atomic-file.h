/* atomic-file.h: output files that appear whole or not at all.
 *
 * An output (trace.pcapng, events.jsonl, summary.json) is written under a hidden temporary name in
 * its target directory, ".NAME.tmp-<pid>-XXXXXX", and renamed onto NAME at commit. rename(2) within
 * one directory is atomic (POSIX), so a reader, or a run that crashed half way, never leaves a
 * truncated file under the final name; a previous file of that name stays intact until the commit.
 * Commit flushes, fsyncs the file, renames, then fsyncs the directory so the new name is durable.
 *
 * What it is not: a lock. Two writers of the same NAME both succeed and the last commit wins.
 */
#pragma once
#include <glib.h>
#include <stdio.h>

typedef struct AtomicFile AtomicFile;

/* Creates the temporary file for DIR/NAME (NAME is a plain file name, no '/'). NULL with an error
 * naming the path if DIR does not exist or is not writable. Ends with atomic_file_commit() or
 * atomic_file_abort(), each of which frees AF. */
AtomicFile *atomic_file_open(const char *dir, const char *name, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The stream to write to; owned by AF (never fclose it). */
FILE *atomic_file_stream(AtomicFile *af);
/* The final path "DIR/NAME" and the temporary one, owned by AF. */
const char *atomic_file_path(const AtomicFile *af);
const char *atomic_file_temp_path(const AtomicFile *af);

/* Flushes, fsyncs and closes the stream and renames the temporary file onto the final name,
 * replacing any file there. On failure (including an earlier write error on the stream) the
 * temporary file is removed, the final name is untouched, and the error names the path. Frees AF
 * either way. */
gboolean atomic_file_commit(AtomicFile *af, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Closes and unlinks the temporary file; the final name is untouched. Frees AF; NULL is allowed. */
void atomic_file_abort(AtomicFile *af);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AtomicFile, atomic_file_abort)

/* Writes LEN bytes of DATA to DIR/NAME atomically (open, write, commit). */
gboolean atomic_file_write_all(const char *dir, const char *name, const void *data, size_t len,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
