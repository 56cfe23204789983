/* SPDX-License-Identifier: MIT
 *
 * fuzz-model.c — the model file readers on arbitrary bytes: the
 * classifier's (fl_predictor_load), then one prediction from a grey image,
 * a text made of the demo data's words, and (for a model that reads them)
 * a flat spectrogram and numeric cells, one of them empty, so that a
 * vocabulary, statistics or weights that do not fit the config show up in
 * the forward pass; and the matching model's (fl_embedder_load), then the
 * embeddings of that image and text, and a top-k.
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fl-embedder.h"
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

/* A matching model from path embeds a grey image, the text and an empty
 * one, and ranks the texts for the image. Finite weights may still
 * overflow to NaN rows: a crafted model's answer, not a crash. */
static void
try_embedder (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlEmbedder) e = fl_embedder_load (path, &error);
  const char *const texts[] = { text, "" };
  g_autofree guint8 *image = NULL;
  g_autofree float *out = NULL;
  int S, E, idx[2];

  if (e == NULL)
    return;
  S = fl_embedder_image_size (e);
  E = fl_embedder_dim (e);
  if (S > MAX_PREDICT_SIZE)
    return;
  image = g_malloc ((gsize) 3 * S * S);
  memset (image, 128, (gsize) 3 * S * S);
  out = g_new (float, (gsize) 3 * E);
  fl_embedder_embed_texts (e, texts, 2, out);
  fl_embedder_embed_images (e, image, 1, out + 2 * E);
  g_assert (fl_embedder_top_k (out + 2 * E, out, 2, E, 2, idx, NULL) == 2);
  g_assert (idx[0] != idx[1] && (guint) idx[0] < 2 && (guint) idx[1] < 2);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fl_fuzz_write_file ("fuzz-model.safetensors", data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPredictor) pred = NULL;
  g_autoptr(FlDataset) ds = NULL;
  g_autofree guint8 *image = NULL;
  g_autofree float *probs = NULL;
  const FlConfig *c;
  int S, n_classes;

  try_embedder (path);
  pred = fl_predictor_load (path, &error);
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
