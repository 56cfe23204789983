/* SPDX-License-Identifier: MIT
 *
 * fuzz-model.c — the model file reader (fl_predictor_load) on arbitrary
 * bytes, then one prediction from a grey image and a text made of the demo
 * data's words, so that a vocabulary or weights that do not fit the config
 * show up in the forward pass.
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fl-predictor.h"
#include "fuzz-util.h"

#include <string.h>

/* the largest image size the harness predicts at: bigger is a valid model
 * the harness cannot afford, (3,S,S) bytes for one image */
#define MAX_PREDICT_SIZE 256

static const char text[] =
  "we walked at the station on a sunny holiday the forecast says warm morning "
  "near the lake it was a summery breeze by the sea circle square triangle "
  "cold cool hot red green blue a b c";

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fl_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fl_fuzz_write_file ("fuzz-model.safetensors", data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPredictor) pred = fl_predictor_load (path, &error);
  const char *const texts[] = { text };
  g_autofree guint8 *image = NULL;
  g_autofree float *probs = NULL;
  int S, n_classes;

  if (pred == NULL)
    return 0;
  S = fl_predictor_image_size (pred);
  n_classes = (int) g_strv_length ((char **) fl_predictor_class_names (pred));
  g_assert (S > 0 && n_classes > 0);
  if (S > MAX_PREDICT_SIZE)
    return 0;
  image = g_malloc ((gsize) 3 * S * S);
  memset (image, 128, (gsize) 3 * S * S);
  probs = g_new (float, n_classes);
  fl_predictor_predict (pred, image, texts, 1, probs);
  return 0;
}
