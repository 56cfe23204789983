/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fuzz-util.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

static char *scratch;     /* the scratch folder, NULL before fl_fuzz_init() */
static GHashTable *paths; /* file name → its path in scratch */

/* Deletes path and, if it is a folder, everything under it (symbolic links
 * are removed, never followed). */
static void
remove_tree (const char *path)
{
  GDir *dir;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) &&
      (dir = g_dir_open (path, 0, NULL)) != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_dir_close (dir);
    }
  (void) g_remove (path);
}

static void
cleanup (void)
{
  if (scratch != NULL)
    remove_tree (scratch);
  g_clear_pointer (&scratch, g_free);
  g_clear_pointer (&paths, g_hash_table_unref);
}

/* GLib ends a fatal message with a breakpoint (SIGTRAP), which libFuzzer
 * does not catch: abort() instead, so that the input is saved as a crash.
 * The writer sees the engine's structured messages, the handler those of
 * GLib and json-glib. */
static GLogWriterOutput
abort_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  GLogWriterOutput out = g_log_writer_default (level, fields, n_fields, data);

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    abort ();
  return out;
}

static void
abort_handler (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  g_log_default_handler (domain, level, message, data);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    abort ();
}

const char *
fl_fuzz_init (void)
{
  g_autoptr(GError) error = NULL;

  if (scratch != NULL)
    return scratch;
  /* a hostile file may be refused, never trip a g_return_if_fail() (what
   * G_DEBUG=fatal-criticals does, set from the code so that no run forgets) */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_log_set_writer_func (abort_writer, NULL, NULL);
  g_log_set_default_handler (abort_handler, NULL);
  scratch = g_dir_make_tmp ("fl-fuzz-XXXXXX", &error);
  if (scratch == NULL)
    g_error ("no scratch folder: %s", error->message);
  paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  atexit (cleanup);
  return scratch;
}

const char *
fl_fuzz_write_file (const char *name, const uint8_t *data, size_t size)
{
  char *path;
  FILE *f;

  fl_fuzz_init ();
  path = g_hash_table_lookup (paths, name);
  if (path == NULL)
    {
      path = g_build_filename (scratch, name, NULL);
      g_hash_table_insert (paths, g_strdup (name), path);
    }
  f = fopen (path, "wb");
  if (f == NULL || fwrite (data, 1, size, f) != size || fclose (f) != 0)
    g_error ("cannot write %s", path);
  return path;
}
