/* SPDX-License-Identifier: MIT
 *
 * A run of a model trained elsewhere (fl_run_new_from_model()): by
 * train.py of an export to PyTorch, on another machine, or saved from
 * another session. It takes the split of its settings on the data given,
 * and the model file's own vocabulary, normalisation and weights.
 */
#define G_LOG_DOMAIN "fl-trainer"

#include "fl-trainer-private.h"

#include "fl-predictor.h"
#include "fl-i18n.h"

#include <string.h>

/* "a, b, c": names, for a message. */
static char *
join_names (const char *const *names, int n)
{
  GString *s = g_string_new (NULL);

  for (int i = 0; i < n && i < 8; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", names[i]);
  if (n > 8)
    g_string_append (s, ", …");
  return g_string_free (s, FALSE);
}

/* Why a model of cfg naming these classes cannot predict ds, or NULL. */
static char *
classes_problem (const FlDataset *ds, const char *const *classes, int n)
{
  gboolean same = n == ds->n_classes;

  for (int c = 0; same && c < n; c++)
    same = strcmp (classes[c], ds->class_names[c]) == 0;
  if (!same)
    {
      g_autofree char *a = join_names (classes, n);
      g_autofree char *b = join_names ((const char *const *) ds->class_names, ds->n_classes);
      return g_strdup_printf (_("its classes (%s) are not the data's (%s)"), a, b);
    }
  return NULL;
}

/* Why the model's inputs are not the data's, or NULL: a branch the data
 * lacks, another image size, other numeric columns or spectrograms. */
static char *
inputs_problem (const FlDataset *ds, const FlConfig *cfg, const FlInputStats *st)
{
  guint missing = fl_config_branches (cfg) & ~fl_dataset_branches (ds);

  if (missing != 0)
    {
      g_autofree char *names = fl_branches_to_string (missing);
      return g_strdup_printf (_("it reads %s, which the data has none of"), names);
    }
  if (fl_config_has_branch (cfg, FL_BRANCH_IMAGE) && cfg->image_size != ds->image_size)
    return g_strdup_printf (_("it takes %d×%d pictures and the data is loaded at %d×%d: "
                            "load it again at image size %d"), cfg->image_size, cfg->image_size,
                            ds->image_size, ds->image_size, cfg->image_size);
  if (fl_config_has_branch (cfg, FL_BRANCH_IMAGE) && st->image_fit != ds->image_fit)
    return g_strdup_printf (_("its pictures were fitted to the square by %s and the data's by %s: "
                            "load it again with the fit %s"), fl_image_fit_to_string (st->image_fit),
                            fl_image_fit_to_string (ds->image_fit), fl_image_fit_to_string (st->image_fit));
  if (fl_config_has_branch (cfg, FL_BRANCH_AUDIO) &&
      (cfg->audio_mels != ds->audio_mels || cfg->audio_frames != ds->audio_frames))
    return g_strdup_printf (_("it takes spectrograms of %d×%d and the data's are %d×%d"), cfg->audio_mels,
                            cfg->audio_frames, ds->audio_mels, ds->audio_frames);
  if (fl_config_has_branch (cfg, FL_BRANCH_NUMERIC) &&
      (cfg->n_numeric != ds->n_numeric ||
       (st->numeric_names != NULL && !g_strv_equal ((const char *const *) st->numeric_names,
                                                    (const char *const *) ds->numeric_names))))
    {
      g_autofree char *a = st->numeric_names != NULL
                           ? join_names ((const char *const *) st->numeric_names, cfg->n_numeric)
                           : g_strdup_printf ("%d", cfg->n_numeric);
      g_autofree char *b = join_names ((const char *const *) ds->numeric_names, ds->n_numeric);
      return g_strdup_printf (_("it reads the numeric columns %s and the data has %s"), a, b);
    }
  return NULL;
}

/* Why the model's vocabulary says nothing of the data's texts (not one of
 * their words is in it), or NULL. */
static char *
vocab_problem (FlRun *run, const FlConfig *cfg)
{
  if (!fl_config_has_branch (cfg, FL_BRANCH_TEXT) || run->tok_off[run->ds->n] > 0)
    return NULL;
  return g_strdup (_("not one word of the data's texts is in its vocabulary"));
}

/* The settings of a run of cfg on the split of split. */
static FlTrainSettings
model_settings (const FlTrainSettings *split, const FlConfig *cfg)
{
  FlTrainSettings s = *split;

  s.fusion = cfg->fusion;
  s.branches = fl_fusion_single_branch (cfg->fusion) >= 0 ? 0 : fl_config_branches (cfg);
  s.feat_dim = cfg->feat_dim;
  s.rank = CLAMP (cfg->rank, 1, FL_MAX_RANK);
  /* the texts encoded as the model reads them: bags, or its first tokens */
  s.text_encoder = cfg->text_encoder;
  s.max_tokens = cfg->max_tokens;
  s.text_pool = cfg->text_pool;
  s.modality_dropout = 0.0;
  s.init_from = s.word_vectors = NULL;
  s.freeze = 0;
  return s;
}

/* The run's model, vocabulary and normalisation replaced by pred's: the
 * texts encoded again with the model's vocabulary. */
static void
adopt (FlRun *run, FlPredictor *pred)
{
  FlModel *m = fl_predictor_model (pred);
  const FlVocab *vocab = fl_predictor_vocab (pred);

  g_clear_pointer (&run->vocab, fl_vocab_free);
  run->vocab = fl_vocab_new_from_tokens (fl_vocab_tokens (vocab), fl_vocab_size (vocab));
  _fl_run_encode_texts (run);
  fl_input_stats_clear (&run->stats);
  fl_input_stats_copy (&run->stats, fl_predictor_stats (pred));
  g_clear_pointer (&run->mean_image, g_free);
  fl_model_free (run->model);
  /* cannot fail: the predictor's config was validated when it was read */
  run->model = fl_model_new (fl_model_config (m), run->s.seed, NULL);
  memcpy (fl_model_params (run->model), fl_model_params (m), sizeof (float) * fl_model_n_params (m));
  fl_model_set_threads (run->model, run->s.n_threads);
  g_free (run->good);
  run->good = g_new (float, 3 * fl_model_n_params (run->model));
}

FlRun *
fl_run_new_from_model (FlDataset             *ds,
                       const FlTrainSettings *split,
                       FlPredictor           *pred,
                       const char            *path,
                       GError               **error)
{
  const FlConfig *cfg = fl_model_config (fl_predictor_model (pred));
  const char *const *classes = fl_predictor_class_names (pred);
  FlTrainSettings s = model_settings (split, cfg);
  g_autofree char *problem = classes_problem (ds, classes, (int) g_strv_length ((char **) classes));
  g_autoptr(FlRun) run = NULL;

  if (problem == NULL)
    problem = inputs_problem (ds, cfg, fl_predictor_stats (pred));
  if (problem == NULL && (run = fl_run_new (ds, &s, error)) == NULL)
    return NULL;
  if (problem == NULL)
    {
      adopt (run, pred);
      problem = vocab_problem (run, cfg);
    }
  if (problem != NULL)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: the model does not fit the data loaded: %s"), path, problem);
      return NULL;
    }
  fl_run_evaluate (run);
  return g_steal_pointer (&run);
}
