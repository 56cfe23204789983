/* SPDX-License-Identifier: MIT
 *
 * test-cli-util.h — running fusionlab-cli (FUSIONLAB_CLI) from the tests of
 * the command line, and the bundled demo data's paths (FUSIONLAB_SRCDIR).
 */
#pragma once

#include <glib.h>

typedef struct {
  int   status;
  char *out;
  char *err;
} Result;

static inline void
result_clear (Result *r)
{
  g_free (r->out);
  g_free (r->err);
}

/* Runs fusionlab-cli with the given arguments (NULL-terminated). */
static inline Result
run_cli (const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Result r = { 0 };
  va_list ap;

  g_ptr_array_add (argv, (gpointer) g_getenv ("FUSIONLAB_CLI"));
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &r.out, &r.err, &r.status, &error);
  g_assert_no_error (error);
  return r;
}

/* A file of the bundled demo data: "images" or "texts.csv". */
static inline char *
demo (const char *what)
{
  return g_build_filename (g_getenv ("FUSIONLAB_SRCDIR"), "resources", "demo", what, NULL);
}
