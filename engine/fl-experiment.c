/* SPDX-License-Identifier: MIT
 *
 * Writing experiment files; fl-experiment-read.c reads them.
 */
#define G_LOG_DOMAIN "fl-experiment"

#include "fl-experiment-private.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

const FlEpochMember _fl_experiment_epoch_members[] = {
  { "epoch", EPOCH_INT, offsetof (FlEpochStats, epoch) },
  { "n_epochs", EPOCH_INT, offsetof (FlEpochStats, n_epochs) },
  { "train_loss", EPOCH_AMOUNT, offsetof (FlEpochStats, train_loss) },
  { "train_acc", EPOCH_FRACTION, offsetof (FlEpochStats, train_acc) },
  { "val_loss", EPOCH_AMOUNT, offsetof (FlEpochStats, val_loss) },
  { "val_acc", EPOCH_FRACTION, offsetof (FlEpochStats, val_acc) },
  { "val_f1", EPOCH_FRACTION, offsetof (FlEpochStats, val_f1) },
  { "samples_per_s", EPOCH_AMOUNT, offsetof (FlEpochStats, samples_per_s) },
  { "seconds", EPOCH_AMOUNT, offsetof (FlEpochStats, seconds) },
  { "samples_seen", EPOCH_COUNT, offsetof (FlEpochStats, samples_seen) },
};
G_STATIC_ASSERT (G_N_ELEMENTS (_fl_experiment_epoch_members) == FL_N_EPOCH_MEMBERS);

void
fl_experiment_data_clear (FlExperimentData *data)
{
  g_clear_pointer (&data->images_dir, g_free);
  g_clear_pointer (&data->csv_path, g_free);
  g_clear_pointer (&data->image_col, g_free);
  g_clear_pointer (&data->text_col, g_free);
  g_clear_pointer (&data->label_col, g_free);
  g_clear_pointer (&data->audio_col, g_free);
  g_clear_pointer (&data->numeric_cols, g_strfreev);
}

void
fl_experiment_data_from_dataset (FlExperimentData *data, FlDataset *ds)
{
  fl_experiment_data_clear (data);
  data->images_dir = g_strdup (ds->images_dir);
  data->csv_path = g_strdup (ds->csv_path);
  data->image_col = g_strdup (ds->report.image_col);
  data->text_col = g_strdup (ds->report.text_col);
  /* "" is the folder names, which the report gives as no column */
  data->label_col = g_strdup (ds->report.label_col != NULL ? ds->report.label_col : "");
  data->audio_col = g_strdup (ds->report.audio_col != NULL ? ds->report.audio_col : "");
  data->numeric_cols = g_strdupv (ds->report.numeric_cols);
  data->image_size = ds->image_size;
  data->image_fit = ds->image_fit;
  data->samples = ds->fingerprint;
}

static void
add_string (JsonBuilder *b, const char *key, const char *value)
{
  json_builder_set_member_name (b, key);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b, const char *key, gint64 value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, value);
}

/* JSON has no NaN or infinity: those are written as null. */
static void
add_double_value (JsonBuilder *b, double value)
{
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_double (JsonBuilder *b, const char *key, double value)
{
  json_builder_set_member_name (b, key);
  add_double_value (b, value);
}

/* key: [x[0], …, x[n-1]] */
static void
add_ints (JsonBuilder *b, const char *key, const gint32 *x, int n)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (int k = 0; k < n; k++)
    json_builder_add_int_value (b, x[k]);
  json_builder_end_array (b);
}

static gboolean
all_finite (const float *x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return FALSE;
  return TRUE;
}

static void
add_validation (JsonBuilder *b, const FlValidation *v)
{
  json_builder_set_member_name (b, "validation");
  /* predictions that are not numbers (a run that diverged) are left out,
   * not written as something the file cannot read back */
  if (v == NULL || !all_finite (v->probs, (gsize) v->n * v->n_classes))
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "classes");
  json_builder_begin_array (b);
  for (int c = 0; c < v->n_classes; c++)
    json_builder_add_string_value (b, v->class_names[c]);
  json_builder_end_array (b);
  add_ints (b, "rows", v->rows, v->n);
  add_ints (b, "labels", v->labels, v->n);
  /* (n, C) row-major; a float survives the round trip through a double */
  json_builder_set_member_name (b, "probs");
  json_builder_begin_array (b);
  for (gsize k = 0; k < (gsize) v->n * v->n_classes; k++)
    json_builder_add_double_value (b, v->probs[k]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_settings (JsonBuilder *b, const FlTrainSettings *s)
{
  json_builder_begin_object (b);
  add_string (b, "fusion", fl_fusion_to_string (s->fusion));
  add_int (b, "feat_dim", s->feat_dim);
  add_int (b, "epochs", s->epochs);
  add_int (b, "batch_size", s->batch_size);
  add_double (b, "lr", s->lr);
  add_double (b, "val_fraction", s->val_fraction);
  /* as a string: a 64-bit seed does not survive a JSON double */
  json_builder_set_member_name (b, "seed");
  {
    g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, s->seed);
    json_builder_add_string_value (b, seed);
  }
  add_int (b, "kfold", s->kfold);
  add_int (b, "fold", s->fold);
  add_int (b, "max_vocab", s->max_vocab);
  add_int (b, "n_threads", s->n_threads);
  add_double (b, "modality_dropout", s->modality_dropout);
  /* the branches fused ("image,text,audio"), when chosen; absent: all */
  if (s->branches != 0)
    {
      g_autofree char *branches = fl_branches_to_string (s->branches);
      add_string (b, "branches", branches);
    }
  add_int (b, "rank", s->rank);
  json_builder_set_member_name (b, "augment");
  json_builder_add_boolean_value (b, s->augment);
  add_string (b, "text_encoder", fl_text_encoder_to_string (s->text_encoder));
  add_int (b, "max_tokens", s->max_tokens);
  add_string (b, "text_pool", fl_text_pool_to_string (s->text_pool));
  /* transfer, when asked: the files by the paths given */
  if (s->init_from != NULL)
    add_string (b, "init_from", s->init_from);
  if (s->word_vectors != NULL)
    add_string (b, "word_vectors", s->word_vectors);
  if (s->freeze != 0)
    {
      g_autofree char *freeze = fl_branches_to_string (s->freeze);
      add_string (b, "freeze", freeze);
    }
  json_builder_end_object (b);
}

static void
add_data (JsonBuilder *b, const FlExperimentData *data)
{
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  add_string (b, "images", data->images_dir);
  add_string (b, "csv", data->csv_path);
  add_string (b, "image_col", data->image_col);
  add_string (b, "text_col", data->text_col);
  add_string (b, "label_col", data->label_col);
  add_string (b, "audio_col", data->audio_col);
  if (data->numeric_cols != NULL)
    {
      json_builder_set_member_name (b, "numeric_cols");
      json_builder_begin_array (b);
      for (char **c = data->numeric_cols; *c != NULL; c++)
        json_builder_add_string_value (b, *c);
      json_builder_end_array (b);
    }
  add_int (b, "image_size", data->image_size);
  add_string (b, "image_fit", fl_image_fit_to_string (data->image_fit));
  if (data->samples != 0)
    {
      /* as a string: 64 bits do not survive a JSON double */
      g_autofree char *hex = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", data->samples);
      add_string (b, "samples", hex);
    }
  json_builder_end_object (b);
}

static void
add_epochs (JsonBuilder *b, GArray *epochs)
{
  json_builder_set_member_name (b, "epochs");
  json_builder_begin_array (b);
  for (guint e = 0; e < epochs->len; e++)
    {
      const char *st = (const char *) &g_array_index (epochs, FlEpochStats, e);

      json_builder_begin_object (b);
      for (gsize m = 0; m < FL_N_EPOCH_MEMBERS; m++)
        {
          const char *key = _fl_experiment_epoch_members[m].key;
          const char *x = st + _fl_experiment_epoch_members[m].offset;

          if (_fl_experiment_epoch_members[m].kind == EPOCH_INT)
            add_int (b, key, *(const int *) x);
          else if (_fl_experiment_epoch_members[m].kind == EPOCH_COUNT)
            add_int (b, key, *(const gint64 *) x);
          else
            add_double (b, key, *(const double *) x);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_run (JsonBuilder *b, const FlRunResult *r, gboolean shown)
{
  json_builder_begin_object (b);
  add_string (b, "name", r->name);
  add_string (b, "fusion", fl_fusion_to_string (r->fusion));
  add_string (b, "status", fl_run_status_to_string (r->status));
  add_string (b, "error", r->error);
  add_int (b, "repeat", r->repeat);
  if (r->image_size > 0)
    add_int (b, "image_size", r->image_size);
  add_string (b, "image_fit", fl_image_fit_to_string (r->image_fit));
  json_builder_set_member_name (b, "shown");
  json_builder_add_boolean_value (b, shown);
  json_builder_set_member_name (b, "settings");
  add_settings (b, &r->settings);
  add_double (b, "best_val_acc", r->best_val_acc);
  add_double (b, "best_val_f1", r->best_val_f1);
  add_int (b, "best_epoch", r->best_epoch);
  add_double (b, "train_seconds", r->train_seconds);
  add_int (b, "n_params", (gint64) r->n_params);
  add_epochs (b, r->epochs);
  add_int (b, "batches_per_epoch", r->batches_per_epoch);
  json_builder_set_member_name (b, "batch_loss");
  json_builder_begin_array (b);
  for (guint k = 0; k < r->batch_loss->len; k++)
    add_double_value (b, g_array_index (r->batch_loss, double, k));
  json_builder_end_array (b);
  add_validation (b, r->validation);
  /* a test on other data; absent for a run trained here */
  if (r->tested_on != NULL)
    {
      add_string (b, "tested_on", r->tested_on);
      add_string (b, "test_images", r->test_images);
      add_int (b, "test_of", r->test_of);
    }
  json_builder_end_object (b);
}

/* "cross_validation": { "folds": K, "repeats": R }, or null on one split. */
static void
add_cross_validation (JsonBuilder *b, FlComparison *cmp)
{
  json_builder_set_member_name (b, "cross_validation");
  if (fl_comparison_cv_folds (cmp) < 2)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  add_int (b, "folds", fl_comparison_cv_folds (cmp));
  add_int (b, "repeats", fl_comparison_cv_repeats (cmp));
  json_builder_end_object (b);
}

gboolean
fl_experiment_save (const char             *path,
                    const FlExperimentData *data,
                    FlComparison           *cmp,
                    const gboolean         *shown,
                    GError                **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gsize len;

  json_builder_begin_object (b);
  add_string (b, "format", FL_EXPERIMENT_FORMAT_TAG);
  add_int (b, "version", FL_EXPERIMENT_FORMAT_VERSION);
  add_data (b, data);
  json_builder_set_member_name (b, "settings");
  add_settings (b, fl_comparison_base_settings (cmp));
  add_cross_validation (b, cmp);
  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (int i = 0; i < fl_comparison_n_runs (cmp); i++)
    add_run (b, fl_comparison_result (cmp, i), shown == NULL || shown[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, &len);
  return g_file_set_contents_full (path, text, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0644, error);
}
