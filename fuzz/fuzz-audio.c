/* SPDX-License-Identifier: MIT
 *
 * fuzz-audio.c — the clip decoder (libsndfile's WAV, FLAC and Ogg readers,
 * the resampler and the log-mel) on arbitrary bytes: from memory
 * (fl_audio_decode) and from a file (fl_audio_load, libsndfile reading
 * through the descriptor); both must agree on whether the clip is refused,
 * and a clip that decodes must give finite numbers.
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fl-audio.h"
#include "fuzz-util.h"

#include <math.h>

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fl_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fl_fuzz_write_file ("fuzz-audio", data, size);
  g_autoptr(GError) error = NULL, file_error = NULL;
  static float a[FL_AUDIO_SIZE], b[FL_AUDIO_SIZE];
  gboolean ok = fl_audio_decode (data, size, "fuzz-audio", a, &error);

  g_assert (ok == (error == NULL));
  g_assert (fl_audio_load (path, b, &file_error) == ok);
  for (int k = 0; ok && k < FL_AUDIO_SIZE; k++)
    g_assert (isfinite (a[k]) && a[k] == b[k]);
  return 0;
}
