/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-trainer"

#include "fl-trainer-private.h"

#include "fl-augment.h"
#include "fl-predictor.h"
#include "fl-predictor-private.h"
#include "fl-split.h"
#include "fl-i18n.h"

#include <math.h>
#include <string.h>


void
fl_train_settings_init_default (FlTrainSettings *s)
{
  FlConfig model;

  /* the model's own defaults, kept in one place: fl_config_init_default() */
  fl_config_init_default (&model);
  *s = (FlTrainSettings) {
    .fusion = model.fusion,
    .feat_dim = model.feat_dim,
    .rank = model.rank,
    .text_encoder = model.text_encoder,
    .max_tokens = model.max_tokens,
    .text_pool = model.text_pool,
    .epochs = 10,
    .batch_size = 64,
    .lr = 1e-3f,
    .val_fraction = 0.2,
    .seed = 42,
    .kfold = 0,
    .fold = 0,
    .max_vocab = 25000,
    .n_threads = 0,
    .split_seed = -1,
    .train_fraction = 1.0,
  };
}

/* " · from M · words W · frozen image": the files by their base names. */
static void
describe_transfer (const FlTrainSettings *s, GString *out)
{
  if (s->init_from != NULL)
    {
      g_autofree char *base = g_path_get_basename (s->init_from);
      g_string_append_printf (out, _(" · from %s"), base);
    }
  if (s->word_vectors != NULL)
    {
      g_autofree char *base = g_path_get_basename (s->word_vectors);
      g_string_append_printf (out, _(" · words %s"), base);
    }
  if (s->freeze != 0)
    {
      g_autofree char *names = fl_branches_to_string (s->freeze);
      g_string_append_printf (out, _(" · frozen %s"), names);
    }
}

char *
fl_train_settings_describe (const FlTrainSettings *s)
{
  FlTrainSettings d;
  GString *out = g_string_new (NULL);
  char lr[G_ASCII_DTOSTR_BUF_SIZE];

  fl_train_settings_init_default (&d);
  /* six digits: 0.001, not the float's 0.0010000000474974513 */
  g_ascii_formatd (lr, sizeof lr, "%g", s->lr);
  g_string_append_printf (out, _("%d ep · lr %s · bs %d"), s->epochs, lr, s->batch_size);
  if (s->feat_dim != d.feat_dim)
    g_string_append_printf (out, " · D %d", s->feat_dim);
  if (s->val_fraction != d.val_fraction && s->kfold < 2)
    {
      char val[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (out, _(" · val %s"), g_ascii_formatd (val, sizeof val, "%g", s->val_fraction));
    }
  if (s->seed != d.seed)
    g_string_append_printf (out, _(" · seed %llu"), (unsigned long long) s->seed);
  if (s->kfold >= 2)
    g_string_append_printf (out, _(" · fold %d (k=%d)"), s->fold, s->kfold);
  if (s->max_vocab != d.max_vocab)
    g_string_append_printf (out, _(" · vocab %d"), s->max_vocab);
  if (s->branches != 0 && fl_fusion_single_branch (s->fusion) < 0)
    {
      g_autofree char *b = fl_branches_to_string (s->branches);
      g_string_append_printf (out, " · %s", b);
    }
  if (s->modality_dropout != d.modality_dropout)
    {
      char p[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (out, _(" · mod. dropout %s"),
                              g_ascii_formatd (p, sizeof p, "%g", s->modality_dropout));
    }
  if (s->rank != d.rank && s->fusion == FL_FUSION_LOWRANK)
    g_string_append_printf (out, _(" · rank %d"), s->rank);
  if (s->augment)
    g_string_append (out, _(" · augment"));
  if (s->text_encoder != d.text_encoder)
    g_string_append_printf (out, " · %s", fl_text_encoder_to_string (s->text_encoder));
  if (s->text_encoder == FL_TEXT_GRU && s->max_tokens != d.max_tokens)
    g_string_append_printf (out, _(" · max %d tokens"), s->max_tokens);
  if (s->text_encoder == FL_TEXT_GRU && s->text_pool == FL_TEXT_POOL_MEAN)
    g_string_append (out, _(" · mean of states"));
  describe_transfer (s, out);
  return g_string_free (out, FALSE);
}

gboolean
fl_train_settings_validate (const FlTrainSettings *s, GError **error)
{
  const char *bad = NULL;

  if (s->epochs < 1 || s->epochs > 100000)
    bad = _("epochs must be between 1 and 100000");
  else if (s->batch_size < 1 || s->batch_size > 65536)
    bad = _("the batch size must be between 1 and 65536");
  else if (!(s->lr > 0.0f && s->lr < 10.0f))
    bad = _("the learning rate must be above 0 and below 10");
  else if (s->kfold == 0 && !(s->val_fraction > 0.0 && s->val_fraction < 1.0))
    bad = _("the validation fraction must be above 0 and below 1");
  else if (s->kfold == 1 || s->kfold < 0 || (s->kfold >= 2 && (s->fold < 0 || s->fold >= s->kfold)))
    bad = _("k-fold needs k ≥ 2 and a fold between 0 and k-1");
  else if (s->max_vocab < 1)
    bad = _("the vocabulary size must be at least 1");
  else if (!(s->modality_dropout >= 0.0 && s->modality_dropout <= 0.5))
    bad = _("the modality dropout must be between 0 and 0.5");
  else if ((s->branches & ~FL_BRANCHES_ALL) != 0)
    bad = _("the set of branches names an unknown branch");
  else if (s->branches != 0 && fl_fusion_single_branch (s->fusion) < 0 && fl_branches_count (s->branches) < 2)
    bad = _("a fusion route needs at least two branches");
  else if ((s->freeze & ~FL_BRANCHES_ALL) != 0)
    bad = _("the set of frozen branches names an unknown branch");
  else if (s->split_seed < -1 || !(s->train_fraction > 0.0 && s->train_fraction <= 1.0))
    bad = _("the split seed must be ≥ 0 (or -1) and the fraction of labels in (0, 1]");
  else if (s->rank < 1 || s->rank > FL_MAX_RANK)
    bad = _("the rank of the low-rank fusion must be between 1 and 256");
  else if ((guint) s->text_encoder >= FL_N_TEXT_ENCODERS)
    bad = _("the text encoder must be bow or gru");
  else if (s->max_tokens < 1 || s->max_tokens > 4096)
    bad = _("the maximum number of tokens must be between 1 and 4096");
  else if ((guint) s->text_pool >= FL_N_TEXT_POOLS)
    bad = _("the text pooling must be last or mean");
  if (bad != NULL)
    {
      g_set_error_literal (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID, bad);
      return FALSE;
    }
  return TRUE;
}

void
fl_run_free (FlRun *run)
{
  if (run == NULL)
    return;
  g_clear_pointer (&run->train_idx, g_array_unref);
  g_clear_pointer (&run->val_idx, g_array_unref);
  g_clear_pointer (&run->vocab, fl_vocab_free);
  g_clear_pointer (&run->ds, fl_dataset_unref);
  g_free (run->tok_off);
  g_free (run->tok_idx);
  g_free (run->mean_image);
  fl_input_stats_clear (&run->stats);
  g_free (run->audb);
  g_free (run->numb);
  g_clear_pointer (&run->model, fl_model_free);
  g_clear_pointer (&run->rng, g_rand_free);
  g_free (run->xb);
  g_free (run->augb);
  g_free (run->offb);
  g_clear_pointer (&run->idxb, g_array_unref);
  g_free (run->labb);
  g_free (run->drops);
  g_clear_pointer (&run->metrics, fl_metrics_free);
  g_free (run->val_probs);
  g_free (run->good);
  g_free (run->init_from);
  g_free (run->word_vectors);
  g_free (run->transfer_report);
  g_free (run);
}

/* settings' train_fraction of the training split, stratified: the split
 * of the training samples with 1 - fraction "held out", which are dropped. */
static void
keep_fraction (FlRun *run)
{
  const int nt = (int) run->train_idx->len;
  g_autofree gint32 *labels = g_new (gint32, MAX (nt, 1));
  g_autoptr(GArray) keep = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GArray) drop = g_array_new (FALSE, FALSE, sizeof (gint32));

  for (int i = 0; i < nt; i++)
    labels[i] = run->ds->labels[g_array_index (run->train_idx, gint32, i)];
  fl_split_stratified (labels, nt, run->ds->n_classes, 1.0 - run->s.train_fraction, run->s.seed,
                       keep, drop);
  /* keep holds positions into train_idx, sorted: so are the samples */
  for (guint i = 0; i < keep->len; i++)
    g_array_index (keep, gint32, i) = g_array_index (run->train_idx, gint32, g_array_index (keep, gint32, i));
  g_array_set_size (run->train_idx, 0);
  g_array_append_vals (run->train_idx, keep->data, keep->len);
}

/* The training and validation indices: k-fold or stratified, seeded (by
 * split_seed when it is set). */
static gboolean
split_data (FlRun *run, GError **error)
{
  const FlTrainSettings *s = &run->s;
  FlDataset *ds = run->ds;
  guint64 seed = s->split_seed >= 0 ? (guint64) s->split_seed : s->seed;

  run->train_idx = g_array_new (FALSE, FALSE, sizeof (gint32));
  run->val_idx = g_array_new (FALSE, FALSE, sizeof (gint32));
  if (s->kfold >= 2)
    fl_split_kfold (ds->labels, ds->n, ds->n_classes, s->kfold, s->fold,
                    seed, run->train_idx, run->val_idx);
  else
    fl_split_stratified (ds->labels, ds->n, ds->n_classes, s->val_fraction,
                         seed, run->train_idx, run->val_idx);
  if (s->train_fraction < 1.0)
    keep_fraction (run);
  if (run->train_idx->len == 0 || run->val_idx->len == 0)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%d samples are too few to split into training and validation"), ds->n);
      return FALSE;
    }
  return TRUE;
}

/* The model, its optimiser and the shuffling generator, seeded. */
static gboolean
build_model (FlRun *run, GError **error)
{
  const FlTrainSettings *s = &run->s;
  FlConfig cfg;

  fl_config_init_default (&cfg);
  cfg.image_size = run->ds->image_size;
  cfg.feat_dim = s->feat_dim;
  cfg.vocab_size = MAX (fl_vocab_size (run->vocab), 1);
  cfg.n_classes = run->ds->n_classes;
  cfg.fusion = s->fusion;
  cfg.branches = run->branches;
  if (run->branches & FL_BRANCH_BIT (FL_BRANCH_AUDIO))
    {
      cfg.audio_mels = run->ds->audio_mels;
      cfg.audio_frames = run->ds->audio_frames;
    }
  cfg.n_numeric = run->branches & FL_BRANCH_BIT (FL_BRANCH_NUMERIC) ? run->ds->n_numeric : 0;
  cfg.rank = s->rank;
  cfg.text_encoder = s->text_encoder;
  cfg.max_tokens = s->max_tokens;
  cfg.text_pool = s->text_pool;
  if (s->batch_size > fl_config_max_batch (&cfg))
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("a batch of %d is too large for pictures of %d×%d: at most %d"),
                   s->batch_size, cfg.image_size, cfg.image_size, fl_config_max_batch (&cfg));
      return FALSE;
    }
  run->model = fl_model_new (&cfg, s->seed, error);
  if (run->model == NULL)
    return FALSE;
  fl_model_set_threads (run->model, s->n_threads);
  fl_adam_params_init_default (&run->adam);
  run->adam.lr = s->lr;
  run->rng = g_rand_new_with_seed ((guint32) (s->seed ^ (s->seed >> 32)));
  return TRUE;
}

gboolean
fl_train_route_possible (FlFusion fusion, guint present)
{
  int single = fl_fusion_single_branch (fusion);

  return single >= 0 ? (present & FL_BRANCH_BIT (single)) != 0 : fl_branches_count (present) >= 2;
}

int
fl_train_routes (guint present, FlFusion routes[FL_N_FUSIONS])
{
  int n = 0;

  for (int f = 0; f < FL_N_FUSIONS; f++)
    if (fl_train_route_possible (f, present))
      routes[n++] = f;
  return n;
}

guint
fl_train_settings_branches (const FlTrainSettings *s, guint present)
{
  int single = fl_fusion_single_branch (s->fusion);

  if (single >= 0)
    return FL_BRANCH_BIT (single);
  return s->branches != 0 ? s->branches : present;
}

/* The branches the run's model has, which ds must have (a fusion needs
 * two); FALSE with an error naming what is missing. */
static gboolean
choose_branches (FlRun *run, GError **error)
{
  guint present = fl_dataset_branches (run->ds);
  guint want = fl_train_settings_branches (&run->s, present);
  g_autofree char *missing = fl_branches_to_string (want & ~present);

  if ((want & ~present) != 0)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("the data has no %s: the %s route cannot train on it"), missing,
                   fl_fusion_to_string (run->s.fusion));
      return FALSE;
    }
  if (fl_fusion_single_branch (run->s.fusion) < 0 && fl_branches_count (want) < 2)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("the %s route fuses two branches or more; the data gives it %d"),
                   fl_fusion_to_string (run->s.fusion), fl_branches_count (want));
      return FALSE;
    }
  run->branches = want;
  return TRUE;
}

FlRun *
fl_run_new (FlDataset             *ds,
            const FlTrainSettings *settings,
            GError               **error)
{
  g_autoptr(FlRun) run = NULL;

  g_return_val_if_fail (ds != NULL && settings != NULL, NULL);
  if (!fl_train_settings_validate (settings, error))
    return NULL;
  if (ds->n_classes < 2)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("the data has %d class; training needs at least 2"), ds->n_classes);
      return NULL;
    }

  run = g_new0 (FlRun, 1);
  run->ds = fl_dataset_ref (ds);
  run->s = *settings;
  if (!choose_branches (run, error) || !split_data (run, error))
    return NULL;
  _fl_run_fit_inputs (run);
  if (!build_model (run, error) || !_fl_run_transfer (run, error))
    return NULL;

  _fl_run_alloc_batch (run, settings->batch_size);
  /* a unimodal route has no second branch to keep: nothing is drawn */
  if (settings->modality_dropout > 0.0 && fl_branches_count (run->branches) >= 2)
    run->drops = g_new (guint8, MAX (run->train_idx->len, 1));
  run->metrics = fl_metrics_new (ds->n_classes);
  run->val_probs = g_new0 (float, (gsize) run->val_idx->len * ds->n_classes);
  run->good = g_new (float, 3 * fl_model_n_params (run->model));
  return g_steal_pointer (&run);
}

gboolean
fl_run_forward_validation (FlRun          *run,
                           FlAblation      ablation,
                           FlRunBatchFunc  fn,
                           gpointer        user_data,
                           GCancellable   *cancellable,
                           GError        **error)
{
  const int B = run->s.batch_size;
  const gint32 *vi = (const gint32 *) run->val_idx->data;
  int nv = (int) run->val_idx->len;

  g_return_val_if_fail ((guint) ablation < FL_N_ABLATIONS, FALSE);

  for (int start = 0; start < nv; start += B)
    {
      FlBatch batch;
      double loss;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      batch = _fl_run_gather (run, vi + start, MIN (B, nv - start), TRUE, ablation, 0);
      loss = fl_model_forward (run->model, &batch);
      if (fn != NULL)
        fn (run->model, &batch, start, loss, user_data);
    }
  return TRUE;
}

/* fl_run_evaluate()'s part of a batch: its probabilities kept, its
 * predictions and loss counted. */
static void
evaluate_batch (FlModel *model, const FlBatch *batch, int start, double loss, gpointer data)
{
  FlRun *run = data;
  const int C = run->ds->n_classes;
  const float *probs = fl_model_probs (model);

  memcpy (run->val_probs + (gsize) start * C, probs, sizeof (float) * batch->n * C);
  fl_metrics_add_scores (run->metrics, probs, batch->labels, batch->n);
  fl_metrics_add_loss (run->metrics, loss, batch->n);
}

double
fl_run_evaluate (FlRun *run)
{
  fl_metrics_reset (run->metrics);
  fl_run_forward_validation (run, FL_ABLATE_NONE, evaluate_batch, run, NULL, NULL);
  run->evaluated = TRUE;
  return fl_metrics_mean_loss (run->metrics);
}

static void
save_good (FlRun *run)
{
  gsize np = fl_model_n_params (run->model);
  memcpy (run->good, fl_model_params (run->model), np * sizeof (float));
  memcpy (run->good + np, fl_model_adam_m (run->model), np * sizeof (float));
  memcpy (run->good + 2 * np, fl_model_adam_v (run->model), np * sizeof (float));
  run->good_t = fl_model_adam_step_count (run->model);
}

static void
restore_good (FlRun *run)
{
  gsize np = fl_model_n_params (run->model);
  memcpy (fl_model_params (run->model), run->good, np * sizeof (float));
  memcpy (fl_model_adam_m (run->model), run->good + np, np * sizeof (float));
  memcpy (fl_model_adam_v (run->model), run->good + 2 * np, np * sizeof (float));
  fl_model_set_adam_step_count (run->model, run->good_t);
}

/* The loss stopped being a number (which: "the loss"; where: "epoch 3,
 * batch 2"): the weights go back to those of the last good epoch. */
static gboolean
diverged (FlRun *run, const char *which, double loss, int epoch, const char *where, GError **error)
{
  restore_good (run);
  g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_NUMERIC,
               /* TRANSLATORS: "the loss became NaN at epoch 3, batch 2; …" */
               epoch > 1 ? _("%s became %s at %s; training stopped and the weights of the last good "
                             "epoch were kept. Try a smaller learning rate.")
                         : _("%s became %s at %s; training stopped and the weights of the start "
                             "were kept. Try a smaller learning rate."),
               which, isnan (loss) ? "NaN" : _("infinite"), where);
  return FALSE;
}

/* One pass over the training split in order, a step per batch; the mean
 * loss and the accuracy go into es, the samples into *seen (t0: when
 * training began). FALSE when cancelled or when the loss diverges. */
static gboolean
train_epoch (FlRun *run, const gint32 *order, FlEpochStats *es, gint64 t0, gint64 *seen,
             const FlTrainCallbacks *cb, GCancellable *cancellable, GError **error)
{
  const int C = run->ds->n_classes, B = run->s.batch_size;
  const int nt = (int) run->train_idx->len, n_batches = (nt + B - 1) / B;
  double loss_sum = 0.0;
  gint64 correct = 0;

  for (int b = 0; b < n_batches; b++)
    {
      int n = MIN (B, nt - b * B);
      FlBatch batch;
      double loss;
      const float *probs;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      batch = _fl_run_gather (run, order + b * B, n, TRUE, FL_ABLATE_NONE, es->epoch);
      batch.drop = run->drops != NULL ? run->drops + b * B : NULL;
      loss = fl_model_forward (run->model, &batch);
      if (!isfinite (loss))
        {
          g_autofree char *where = g_strdup_printf (_("epoch %d, batch %d"), es->epoch, b + 1);
          return diverged (run, _("the loss"), loss, es->epoch, where, error);
        }
      probs = fl_model_probs (run->model);
      for (int i = 0; i < n; i++)
        correct += fl_argmax (probs + i * C, C) == batch.labels[i];
      loss_sum += loss * n;
      fl_model_backward (run->model, &batch);
      fl_model_adam_step (run->model, &run->adam);
      *seen += n;

      if (cb != NULL && cb->batch_done != NULL)
        {
          FlBatchStats bs = {
            .epoch = es->epoch, .n_epochs = es->n_epochs,
            .batch = b + 1, .n_batches = n_batches,
            .loss = loss, .samples_seen = *seen,
            .elapsed = (g_get_monotonic_time () - t0) / 1e6,
          };
          cb->batch_done (&bs, cb->user_data);
        }
    }
  es->train_loss = loss_sum / nt;
  es->train_acc = (double) correct / nt;
  return TRUE;
}

gboolean
fl_run_train (FlRun                  *run,
              const FlTrainCallbacks *cb,
              GCancellable           *cancellable,
              GError                **error)
{
  int nt = (int) run->train_idx->len;
  g_autofree gint32 *order = g_memdup2 (run->train_idx->data, sizeof (gint32) * nt);
  gint64 t0 = g_get_monotonic_time ();
  gint64 seen = 0;

  save_good (run);

  for (int epoch = 1; epoch <= run->s.epochs; epoch++)
    {
      gint64 e0 = g_get_monotonic_time ();
      double train_secs;
      FlEpochStats es = { .epoch = epoch, .n_epochs = run->s.epochs };

      _fl_run_shuffle (run->rng, order, nt);
      if (run->drops != NULL)
        _fl_run_draw_drops (run, run->rng, run->drops, nt);
      if (!train_epoch (run, order, &es, t0, &seen, cb, cancellable, error))
        return FALSE;
      train_secs = (g_get_monotonic_time () - e0) / 1e6;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      es.val_loss = fl_run_evaluate (run);
      es.val_acc = fl_metrics_accuracy (run->metrics);
      es.val_f1 = fl_metrics_macro_f1 (run->metrics);
      es.samples_per_s = nt / MAX (train_secs, 1e-9);
      es.seconds = (g_get_monotonic_time () - e0) / 1e6;
      es.samples_seen = seen;
      if (!isfinite (es.val_loss))
        {
          g_autofree char *where = g_strdup_printf (_("epoch %d"), epoch);
          return diverged (run, _("the validation loss"), es.val_loss, epoch, where, error);
        }
      save_good (run);
      if (cb != NULL && cb->epoch_done != NULL)
        cb->epoch_done (&es, cb->user_data);
    }
  return TRUE;
}

const FlMetrics *
fl_run_metrics (FlRun *run)
{
  return run->metrics;
}

const gint32 *
fl_run_val_indices (FlRun *run, int *n_val)
{
  if (n_val != NULL)
    *n_val = (int) run->val_idx->len;
  return (const gint32 *) run->val_idx->data;
}

const gint32 *
fl_run_train_indices (FlRun *run, int *n_train)
{
  if (n_train != NULL)
    *n_train = (int) run->train_idx->len;
  return (const gint32 *) run->train_idx->data;
}

const float *
fl_run_val_probs (FlRun *run)
{
  return run->val_probs;
}

FlValidation *
fl_run_validation (FlRun *run)
{
  const int C = run->ds->n_classes;
  int n = (int) run->val_idx->len;
  FlValidation *v;

  if (!run->evaluated)
    return NULL;
  v = fl_validation_new (n, (const char *const *) run->ds->class_names);
  for (int k = 0; k < n; k++)
    {
      v->rows[k] = g_array_index (run->val_idx, gint32, k);
      v->labels[k] = run->ds->labels[v->rows[k]];
    }
  memcpy (v->probs, run->val_probs, sizeof (float) * (gsize) n * C);
  return v;
}

FlModel *
fl_run_model (FlRun *run)
{
  return run->model;
}

const FlTrainSettings *
fl_run_settings (FlRun *run)
{
  return &run->s;
}

FlDataset *
fl_run_dataset (FlRun *run)
{
  return run->ds;
}

int
fl_run_vocab_size (FlRun *run)
{
  return fl_vocab_size (run->vocab);
}

const FlVocab *
fl_run_vocab (FlRun *run)
{
  return run->vocab;
}

FlPredictor *
fl_run_predictor (FlRun *run)
{
  return fl_predictor_new (run->model, run->vocab, (const char *const *) run->ds->class_names,
                           &run->stats);
}

gboolean
fl_run_save_model (FlRun *run, const char *path, GError **error)
{
  g_autoptr(GHashTable) md = g_hash_table_new (g_str_hash, g_str_equal);

  /* how it was trained, for the reader: absent without augmentation, so
   * that such a file stays what it was */
  if (run->s.augment)
    g_hash_table_insert (md, "augment", (gpointer) fl_augment_describe ());
  return _fl_model_file_write (path, run->model, run->vocab,
                               (const char *const *) run->ds->class_names,
                               &run->stats, md, NULL, 0, error);
}


guint
fl_run_branches (FlRun *run)
{
  return run->branches;
}
