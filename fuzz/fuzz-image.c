/* SPDX-License-Identifier: MIT
 *
 * fuzz-image.c — the image loader (fl_image_load) on arbitrary bytes, at a
 * size chosen by nothing but the harness: the decoder sees the whole input.
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fl-image.h"
#include "fuzz-util.h"

#define SIZE 16

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fl_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fl_fuzz_write_file ("fuzz-image", data, size);
  g_autoptr(GError) error = NULL;
  guint8 out[3 * SIZE * SIZE];

  if (!fl_image_load (path, SIZE, out, &error))
    g_assert (error != NULL);
  return 0;
}
