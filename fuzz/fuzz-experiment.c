/* SPDX-License-Identifier: MIT
 *
 * fuzz-experiment.c — the experiment reader (fl_experiment_load) on
 * arbitrary bytes.
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fl-experiment.h"
#include "fuzz-util.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fl_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fl_fuzz_write_file ("fuzz-experiment.json", data, size);
  g_auto(FlExperimentData) exp = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree gboolean *shown = NULL;
  g_autoptr(FlComparison) cmp = fl_experiment_load (path, &exp, &shown, &error);

  g_assert ((cmp == NULL) == (error != NULL));
  return 0;
}
