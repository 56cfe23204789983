/* SPDX-License-Identifier: MIT
 *
 * replay.c — runs a libFuzzer harness without libFuzzer, so that any
 * compiler (gcc here) and any build (normal, ASan/UBSan) can replay a corpus:
 *
 *   replay-NAME FILE-OR-FOLDER...
 *
 * calls LLVMFuzzerInitialize() if the harness has one, then
 * LLVMFuzzerTestOneInput() on each file, folders walked recursively in name
 * order, skipping hidden entries (such as .gitkeep). A crash is the
 * harness's crash; a path that does not exist is an error. Prints how many
 * inputs ran.
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fuzz-util.h"

#include <stdio.h>
#include <string.h>

#pragma weak LLVMFuzzerInitialize

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Runs the harness on path, or on everything under it; adds to *n_run the
 * number of inputs. FALSE if path cannot be read. */
static gboolean
replay (const char *path, int *n_run)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;
  GDir *dir;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;
      gboolean ok = TRUE;

      if ((dir = g_dir_open (path, 0, &error)) == NULL)
        {
          g_printerr ("replay: %s\n", error->message);
          return FALSE;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (names, g_build_filename (path, name, NULL));
      g_dir_close (dir);
      g_ptr_array_sort (names, compare_names);
      for (guint i = 0; i < names->len; i++)
        ok &= replay (names->pdata[i], n_run);
      return ok;
    }
  if (!g_file_get_contents (path, &data, &len, &error))
    {
      g_printerr ("replay: %s\n", error->message);
      return FALSE;
    }
  LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
  *n_run += 1;
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autofree char *name = g_path_get_basename (argv[0]);
  gboolean ok = TRUE;
  gint64 start = g_get_monotonic_time ();
  int n_run = 0;

  if (LLVMFuzzerInitialize != NULL)
    LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    ok &= replay (argv[i], &n_run);
  printf ("%s: %d inputs in %.2f s\n", name, n_run,
          (g_get_monotonic_time () - start) / 1e6);
  return ok ? 0 : 1;
}
