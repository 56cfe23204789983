/* SPDX-License-Identifier: MIT
 *
 * fuzz-model.c — the model file reader (fl_predictor_load) on arbitrary
 * bytes, then one prediction from a grey image, a text made of the demo
 * data's words, and (for a model that reads them) a flat spectrogram and
 * numeric cells, one of them empty, so that a vocabulary, statistics or
 * weights that do not fit the config show up in the forward pass.
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fl-predictor.h"
#include "fuzz-util.h"

#include <math.h>
#include <string.h>

/* the largest image size the harness predicts at: bigger is a valid model
 * the harness cannot afford, (3,S,S) bytes for one image */
#define MAX_PREDICT_SIZE 256
/* and the largest spectrogram, bands × frames (64 × 200 is the default) */
#define MAX_PREDICT_AUDIO (64 * 256)

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

/* One sample of the model's sizes: its image, text, audio and numeric
 * cells, as fl_dataset_load() would hold them. */
static FlDataset *
one_sample (const FlConfig *c, const guint8 *image)
{
  const char *const texts[] = { text }, *const labels[] = { "a" };
  FlDataset *ds = fl_dataset_new_from_memory (1, c->image_size, image, texts, labels);

  if (fl_config_has_branch (c, FL_BRANCH_AUDIO))
    {
      ds->audio_mels = c->audio_mels;
      ds->audio_frames = c->audio_frames;
      ds->audio = g_new (float, (gsize) c->audio_mels * c->audio_frames);
      for (int i = 0; i < c->audio_mels * c->audio_frames; i++)
        ds->audio[i] = -10.0f;
    }
  if (fl_config_has_branch (c, FL_BRANCH_NUMERIC))
    {
      ds->n_numeric = c->n_numeric;
      ds->numeric = g_new (float, c->n_numeric);
      for (int k = 0; k < c->n_numeric; k++)
        ds->numeric[k] = k == 0 ? NAN : (float) k;
    }
  return ds;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fl_fuzz_write_file ("fuzz-model.safetensors", data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPredictor) pred = fl_predictor_load (path, &error);
  g_autoptr(FlDataset) ds = NULL;
  g_autofree guint8 *image = NULL;
  g_autofree float *probs = NULL;
  const FlConfig *c;
  int S, n_classes;

  if (pred == NULL)
    return 0;
  c = fl_model_config (fl_predictor_model (pred));
  S = fl_predictor_image_size (pred);
  n_classes = (int) g_strv_length ((char **) fl_predictor_class_names (pred));
  g_assert (S > 0 && n_classes == c->n_classes);
  if (S > MAX_PREDICT_SIZE ||
      (fl_config_has_branch (c, FL_BRANCH_AUDIO) && c->audio_mels * c->audio_frames > MAX_PREDICT_AUDIO))
    return 0;
  image = g_malloc ((gsize) 3 * S * S);
  memset (image, 128, (gsize) 3 * S * S);
  probs = g_new (float, n_classes);
  ds = one_sample (c, image);
  if (!fl_predictor_predict_dataset (pred, ds, probs, &error))
    g_error ("a loaded model cannot predict from data of its own sizes: %s", error->message);
  return 0;
}
