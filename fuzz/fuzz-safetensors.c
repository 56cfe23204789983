/* SPDX-License-Identifier: MIT
 *
 * fuzz-safetensors.c — the safetensors reader (fl_safetensors_load) on
 * arbitrary bytes, then every tensor read back with the shape it claims.
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fl-safetensors.h"
#include "fuzz-util.h"

/* the most floats a tensor may claim for the harness to read it back: the
 * file holds them all, so more would mean the reader trusted a bad shape */
#define MAX_READ_FLOATS (64 * 1024 * 1024)

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fl_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fl_fuzz_write_file ("fuzz.safetensors", data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlSafetensors) st = fl_safetensors_load (path, &error);
  const char *const *names;

  if (st == NULL)
    return 0;
  (void) fl_safetensors_metadata (st, "config");
  names = fl_safetensors_names (st);
  for (int i = 0; names[i] != NULL; i++)
    {
      gint64 shape[4];
      guint64 numel = 1;
      int ndim;
      g_autofree float *dst = NULL;
      g_autoptr(GError) e = NULL;

      g_assert (fl_safetensors_shape (st, names[i], &ndim, shape));
      g_assert (ndim >= 0 && ndim <= 4);
      /* the data of every tensor it accepted lies inside the file */
      for (int d = 0; d < ndim; d++)
        g_assert (shape[d] >= 0 && g_uint64_checked_mul (&numel, numel, (guint64) shape[d]));
      g_assert (numel <= size / sizeof (float) && numel <= MAX_READ_FLOATS);
      dst = g_new (float, numel + 1);
      g_assert (fl_safetensors_read (st, names[i], dst, numel, &e));
    }
  return 0;
}
