/* SPDX-License-Identifier: MIT
 *
 * Reading experiment files from strangers: every member checked for its
 * type and range, and a corrupt file refused with one message naming the
 * file and the reason. fl-experiment.c writes them.
 */
#define G_LOG_DOMAIN "fl-experiment"

#include "fl-experiment-private.h"
#include "fl-json.h"
#include "fl-i18n.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

/* An experiment is a few KB a run, plus its validation predictions: 100,000
 * samples of 100 classes are 200 MB of text. json-glib's tree takes many
 * times the text, so a larger file is refused before it is parsed. */
#define MAX_FILE_BYTES ((gsize) 256 << 20)
/* More runs than any comparison makes (5 routes × 10 folds × 10 repeats is
 * 500): each one becomes a row of the interface. */
#define MAX_RUNS 10000

/* The class names of a run's validation, NULL-terminated; NULL with an
 * error. */
static GPtrArray *
read_class_names (FlReader *rd, JsonArray *classes)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint c = 0; c < json_array_get_length (classes); c++)
    {
      const char *name = fl_json_get_string (json_array_get_element (classes, c));

      if (name == NULL)
        return _fl_reader_bad (rd, _("a class name is not a string")), NULL;
      g_ptr_array_add (names, g_strdup (name));
    }
  if (names->len == 0)
    return _fl_reader_bad (rd, _("“classes” is empty")), NULL;
  if (names->len > FL_MAX_CLASSES)
    return _fl_reader_bad (rd, _("“classes” lists more classes than a dataset can have")), NULL;
  g_ptr_array_add (names, NULL);
  return g_steal_pointer (&names);
}

/* v->rows and v->labels from the lists rows and labels of v->n numbers. */
static void
read_rows_and_labels (FlReader *rd, FlValidation *v, JsonArray *rows, JsonArray *labels)
{
  for (int k = 0; k < v->n && !rd->failed; k++)
    {
      double row = _fl_reader_element_number (rd, rows, (guint) k, "rows");
      double label = _fl_reader_element_number (rd, labels, (guint) k, "labels");

      /* checked before any cast: NaN (null) and 1e20 are not ints */
      if (rd->failed)
        break;
      if (!(row >= 0 && row <= G_MAXINT32) || row != floor (row))
        _fl_reader_bad (rd, _("a validation row is not a row number"));
      else if (!(label >= 0 && label < v->n_classes) || label != floor (label))
        _fl_reader_bad (rd, _("a validation label is not a class"));
      else
        {
          v->rows[k] = (gint32) row;
          v->labels[k] = (gint32) label;
        }
    }
}

/* v->probs, (n, C) row-major, from the list probs of n·C numbers in [0, 1]. */
static void
read_probs (FlReader *rd, FlValidation *v, JsonArray *probs)
{
  for (gsize k = 0; k < (gsize) v->n * v->n_classes && !rd->failed; k++)
    {
      double p = _fl_reader_element_number (rd, probs, (guint) k, "probs");

      if (!rd->failed && !(p >= 0.0 && p <= 1.0))
        _fl_reader_bad (rd, _("a validation probability is not in [0, 1]"));
      v->probs[k] = (float) p;
    }
}

/* A run's validation predictions: null, or classes, rows, labels and
 * probabilities that agree with each other. */
static FlValidation *
read_validation (FlReader *rd, JsonObject *ro)
{
  JsonNode *vn = json_object_get_member (ro, "validation");
  g_autoptr(FlValidation) v = NULL;
  g_autoptr(GPtrArray) names = NULL;
  JsonObject *vo;
  JsonArray *classes, *rows, *labels, *probs;
  guint n;

  /* absent in files of an earlier version */
  if (vn == NULL || JSON_NODE_HOLDS_NULL (vn))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (vn))
    return _fl_reader_bad (rd, _("“validation” is not an object")), NULL;
  vo = json_node_get_object (vn);
  classes = _fl_reader_get_array (rd, vo, "classes");
  rows = _fl_reader_get_array (rd, vo, "rows");
  if (rd->failed)
    return NULL;
  names = read_class_names (rd, classes);
  if (names == NULL)
    return NULL;
  n = json_array_get_length (rows);
  labels = _fl_reader_get_numbers (rd, vo, "labels", n);
  probs = _fl_reader_get_numbers (rd, vo, "probs", (gsize) n * (names->len - 1));
  if (rd->failed)
    return NULL;

  v = fl_validation_new ((int) n, (const char *const *) names->pdata);
  read_rows_and_labels (rd, v, rows, labels);
  read_probs (rd, v, probs);
  return rd->failed ? NULL : g_steal_pointer (&v);
}

/* The transfer settings, absent from files before them. The paths are
 * interned: settings borrow their strings (fl-trainer.h), and these must
 * outlive the reader; a path is at most 4096 bytes, so that what a file
 * leaves in the table forever is small. */
static void
read_transfer (FlReader *rd, JsonObject *o, FlTrainSettings *s)
{
  const char *keys[2] = { "init_from", "word_vectors" };
  const char **paths[2] = { &s->init_from, &s->word_vectors };
  g_autofree char *freeze = NULL;

  for (int k = 0; k < 2 && !rd->failed; k++)
    if (json_object_has_member (o, keys[k]))
      {
        g_autofree char *path = _fl_reader_get_string (rd, o, keys[k]);

        if (path != NULL && strlen (path) > 4096)
          _fl_reader_bad_member (rd, keys[k], _("is longer than a path"));
        else
          *paths[k] = path != NULL ? g_intern_string (path) : NULL;
      }
  if (rd->failed || !json_object_has_member (o, "freeze"))
    return;
  freeze = _fl_reader_get_string (rd, o, "freeze");
  if (!rd->failed && (freeze == NULL || !fl_branches_from_string (freeze, &s->freeze)))
    _fl_reader_bad (rd, _("“freeze” is not a set of image, text, audio and numeric"));
}

/* The text encoder; files from before encoders have none: the bag of
 * words, and the default max_tokens; nor, from before poolings, a
 * text_pool: the last state. */
static void
read_text_encoder (FlReader *rd, JsonObject *o, FlTrainSettings *s)
{
  if (!rd->failed && json_object_has_member (o, "text_encoder"))
    {
      g_autofree char *name = _fl_reader_get_string (rd, o, "text_encoder");

      if (!rd->failed && !fl_text_encoder_from_string (name, &s->text_encoder))
        _fl_reader_bad (rd, _("“text_encoder” is neither bow nor gru"));
    }
  if (json_object_has_member (o, "max_tokens"))
    s->max_tokens = (int) _fl_reader_get_whole (rd, o, "max_tokens", 0, G_MAXINT32);
  if (!rd->failed && json_object_has_member (o, "text_pool"))
    {
      g_autofree char *name = _fl_reader_get_string (rd, o, "text_pool");

      if (!rd->failed && !fl_text_pool_from_string (name, &s->text_pool))
        _fl_reader_bad (rd, _("“text_pool” is neither last nor mean"));
    }
}

static void
read_settings (FlReader *rd, JsonObject *o, FlTrainSettings *s)
{
  g_autofree char *fusion = _fl_reader_get_string (rd, o, "fusion");
  g_autofree char *seed = NULL;

  fl_train_settings_init_default (s);
  if (!rd->failed && !fl_fusion_from_string (fusion, &s->fusion))
    {
      g_autofree char *msg = g_strdup_printf (_("unknown fusion “%s”"), fusion);
      _fl_reader_bad (rd, msg);
    }
  seed = _fl_reader_get_string (rd, o, "seed");
  s->feat_dim = (int) _fl_reader_get_whole (rd, o, "feat_dim", 0, G_MAXINT32);
  s->epochs = (int) _fl_reader_get_whole (rd, o, "epochs", 0, G_MAXINT32);
  s->batch_size = (int) _fl_reader_get_whole (rd, o, "batch_size", 0, G_MAXINT32);
  s->lr = (float) _fl_reader_get_number (rd, o, "lr");
  s->val_fraction = _fl_reader_get_number (rd, o, "val_fraction");
  s->seed = seed != NULL ? g_ascii_strtoull (seed, NULL, 10) : 0;
  s->kfold = (int) _fl_reader_get_whole (rd, o, "kfold", 0, G_MAXINT32);
  s->fold = (int) _fl_reader_get_whole (rd, o, "fold", 0, G_MAXINT32);
  s->max_vocab = (int) _fl_reader_get_whole (rd, o, "max_vocab", 0, G_MAXINT32);
  s->n_threads = (int) _fl_reader_get_whole (rd, o, "n_threads", G_MININT32, G_MAXINT32);
  /* files from before modality dropout have none: 0 */
  if (json_object_has_member (o, "modality_dropout"))
    s->modality_dropout = _fl_reader_get_number (rd, o, "modality_dropout");
  /* files from before branch sets fuse what the data has */
  if (!rd->failed && json_object_has_member (o, "branches"))
    {
      g_autofree char *branches = _fl_reader_get_string (rd, o, "branches");

      if (!rd->failed && (branches == NULL || !fl_branches_from_string (branches, &s->branches)))
        _fl_reader_bad (rd, _("“branches” is not a set of image, text, audio and numeric"));
    }
  /* nor a rank: the default stands */
  if (json_object_has_member (o, "rank"))
    s->rank = (int) _fl_reader_get_whole (rd, o, "rank", 0, G_MAXINT32);
  /* nor augmentation: none */
  s->augment = _fl_reader_get_flag (rd, o, "augment", FALSE);
  read_transfer (rd, o, s);
  read_text_encoder (rd, o, s);
  if (!rd->failed)
    {
      g_autoptr(GError) e = NULL;
      if (!fl_train_settings_validate (s, &e))
        _fl_reader_bad (rd, e->message);
    }
}

/* The text of the file at rd->path, mapped (NULL with the error set):
 * a file over MAX_FILE_BYTES is refused before anything is parsed. */
static GMappedFile *
map_file (FlReader *rd)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (rd->path, FALSE, &local);

  if (file == NULL)
    {
      if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return _fl_reader_bad (rd, local->message), NULL;
      g_set_error (rd->error, G_FILE_ERROR, G_FILE_ERROR_NOENT, _("%s: no such file"), rd->path);
      rd->failed = TRUE;
      return NULL;
    }
  if (g_mapped_file_get_length (file) > MAX_FILE_BYTES)
    {
      g_autofree char *msg = g_strdup_printf (_("it is over the %zu MB an experiment may take"),
                                              MAX_FILE_BYTES >> 20);
      return _fl_reader_bad (rd, msg), NULL;
    }
  return g_steal_pointer (&file);
}

/* The file's top-level object, its format tag checked; NULL with the error
 * set. The object belongs to parser. */
static JsonObject *
parse_file (FlReader *rd, JsonParser *parser)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GMappedFile) file = map_file (rd);
  g_autofree char *format = NULL;
  JsonNode *top;
  JsonObject *root;

  if (file == NULL)
    return NULL;
  if (!fl_json_parse (parser, g_mapped_file_get_contents (file),
                      (gssize) g_mapped_file_get_length (file), &local))
    return _fl_reader_bad (rd, local->message), NULL;
  top = json_parser_get_root (parser);
  if (top == NULL || !JSON_NODE_HOLDS_OBJECT (top))
    return _fl_reader_bad (rd, _("it is not a JSON object")), NULL;
  root = json_node_get_object (top);
  format = _fl_reader_get_string (rd, root, "format");
  if (rd->failed || g_strcmp0 (format, FL_EXPERIMENT_FORMAT_TAG) != 0)
    return _fl_reader_bad (rd, _("its format tag is missing")), NULL;
  /* absent in version 1; a later version may mean what this one cannot read */
  if (json_object_has_member (root, "version"))
    {
      double version = _fl_reader_get_number (rd, root, "version");

      if (!rd->failed && !(version >= 1 && version <= FL_EXPERIMENT_FORMAT_VERSION && version == floor (version)))
        {
          g_autofree char *msg = g_strdup_printf (_("its “version” is not one this Fusion Lab reads (1 or %d)"),
                                                  FL_EXPERIMENT_FORMAT_VERSION);
          _fl_reader_bad (rd, msg);
        }
      if (rd->failed)
        return NULL;
    }
  return root;
}

/* The numeric columns of the "data" section, NULL-terminated; NULL when
 * there are none (or with an error). */
static char **
read_numeric_cols (FlReader *rd, JsonObject *d)
{
  g_autoptr(GPtrArray) cols = g_ptr_array_new_with_free_func (g_free);
  JsonArray *a;

  if (rd->failed || !json_object_has_member (d, "numeric_cols"))
    return NULL;
  a = _fl_reader_get_array (rd, d, "numeric_cols");
  if (a == NULL)
    return NULL;
  if (json_array_get_length (a) > FL_MAX_NUMERIC_COLUMNS)
    return _fl_reader_bad (rd, _("“numeric_cols” lists more columns than a dataset can use")), NULL;
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      const char *name = fl_json_get_string (json_array_get_element (a, i));

      if (name == NULL)
        return _fl_reader_bad (rd, _("a numeric column's name is not a string")), NULL;
      g_ptr_array_add (cols, g_strdup (name));
    }
  g_ptr_array_add (cols, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&cols), FALSE);
}

/* The "data" section: where the data is and how its columns are mapped. */
static void
read_data (FlReader *rd, JsonObject *root, FlExperimentData *data)
{
  JsonObject *d = _fl_reader_get_object (rd, root, "data");

  data->images_dir = _fl_reader_get_string (rd, d, "images");
  data->csv_path = _fl_reader_get_string (rd, d, "csv");
  data->image_col = _fl_reader_get_string (rd, d, "image_col");
  data->text_col = _fl_reader_get_string (rd, d, "text_col");
  data->label_col = _fl_reader_get_string (rd, d, "label_col");
  /* files from before sound and numbers used neither */
  data->audio_col = !rd->failed && json_object_has_member (d, "audio_col")
                    ? _fl_reader_get_string (rd, d, "audio_col") : g_strdup ("");
  data->numeric_cols = read_numeric_cols (rd, d);
  data->image_size = _fl_reader_get_image_size (rd, d, "");
  data->image_fit = _fl_reader_get_image_fit (rd, d, FL_IMAGE_FIT_SQUASH);
  /* the fingerprint of the samples came with a later version */
  if (!rd->failed && json_object_has_member (d, "samples"))
    {
      g_autofree char *hex = _fl_reader_get_string (rd, d, "samples");
      char *end = NULL;

      data->samples = hex != NULL ? g_ascii_strtoull (hex, &end, 16) : 0;
      if (!rd->failed && (hex == NULL || *hex == '\0' || *end != '\0'))
        _fl_reader_bad (rd, _("“samples” is not a fingerprint"));
    }
}

/* What every version writes of a run: its name, status and best results. */
static void
read_run_results (FlReader *rd, JsonObject *ro, FlRunResult *r)
{
  g_autofree char *status = NULL;

  g_free (r->name);
  r->name = _fl_reader_get_string (rd, ro, "name");
  r->error = _fl_reader_get_string (rd, ro, "error");
  status = _fl_reader_get_string (rd, ro, "status");
  if (!fl_run_status_from_string (status, &r->status))
    r->status = FL_RUN_FAILED;
  /* a run that was going when saved did not finish */
  if (r->status == FL_RUN_RUNNING)
    r->status = FL_RUN_CANCELLED;
  r->best_val_acc = _fl_reader_get_fraction (rd, ro, "best_val_acc");
  r->best_val_f1 = _fl_reader_get_fraction (rd, ro, "best_val_f1");
  r->best_epoch = (int) _fl_reader_get_whole (rd, ro, "best_epoch", 0, G_MAXINT32);
  r->train_seconds = _fl_reader_get_amount (rd, ro, "train_seconds");
  r->n_params = (gsize) _fl_reader_get_whole (rd, ro, "n_params", 0, G_MAXINT64 / 2);
  /* version 2; a run of version 1 is of the first repeat */
  if (json_object_has_member (ro, "repeat"))
    r->repeat = (int) _fl_reader_get_whole (rd, ro, "repeat", 0, FL_CV_MAX_REPEATS - 1);
  if (r->name == NULL)
    _fl_reader_bad (rd, _("a run has no name"));
}

/* A run's per-epoch metrics, appended to r->epochs: no more than its
 * settings train. */
static void
read_epochs (FlReader *rd, JsonObject *ro, FlRunResult *r)
{
  JsonArray *ep = _fl_reader_get_array (rd, ro, "epochs");
  GArray *epochs = r->epochs;

  if (ep != NULL && json_array_get_length (ep) > (guint) r->settings.epochs)
    {
      _fl_reader_bad (rd, _("a run has more epochs than its settings train"));
      return;
    }

  for (guint e = 0; ep != NULL && e < json_array_get_length (ep) && !rd->failed; e++)
    {
      JsonNode *en = json_array_get_element (ep, e);
      JsonObject *eo = JSON_NODE_HOLDS_OBJECT (en) ? json_node_get_object (en) : NULL;
      FlEpochStats st = { 0 };

      for (gsize m = 0; m < FL_N_EPOCH_MEMBERS; m++)
        {
          const char *key = _fl_experiment_epoch_members[m].key;
          char *x = (char *) &st + _fl_experiment_epoch_members[m].offset;

          if (_fl_experiment_epoch_members[m].kind == EPOCH_INT)
            *(int *) x = (int) _fl_reader_get_whole (rd, eo, key, 0, G_MAXINT32);
          else if (_fl_experiment_epoch_members[m].kind == EPOCH_COUNT)
            *(gint64 *) x = _fl_reader_get_whole (rd, eo, key, 0, G_MAXINT64 / 2);
          else if (_fl_experiment_epoch_members[m].kind == EPOCH_AMOUNT)
            *(double *) x = _fl_reader_get_amount (rd, eo, key);
          else
            *(double *) x = _fl_reader_get_fraction (rd, eo, key);
        }
      g_array_append_val (epochs, st);
    }
}

/* Every batch's loss; absent in files of an earlier version. */
static void
read_batch_loss (FlReader *rd, JsonObject *ro, FlRunResult *r)
{
  JsonArray *bl;

  if (rd->failed || !json_object_has_member (ro, "batch_loss"))
    return;
  bl = _fl_reader_get_array (rd, ro, "batch_loss");
  r->batches_per_epoch = (int) _fl_reader_get_whole (rd, ro, "batches_per_epoch", 0, G_MAXINT32);
  if (!rd->failed && json_array_get_length (bl) > (gint64) r->settings.epochs * r->batches_per_epoch)
    {
      _fl_reader_bad (rd, _("a run has more batch losses than its epochs have batches"));
      return;
    }
  for (guint k = 0; !rd->failed && k < json_array_get_length (bl); k++)
    {
      double loss = _fl_reader_element_number (rd, bl, k, "batch_loss");
      g_array_append_val (r->batch_loss, loss);
    }
}

/* What makes r, the last run of cmp, a test on other data: absent for a
 * run trained here (and in files from before tests were runs). A test has
 * its predictions and no epoch, and is of an earlier run trained here, or
 * of a model file (-1). */
static void
read_test (FlReader *rd, JsonObject *ro, FlComparison *cmp, FlRunResult *r)
{
  int i = fl_comparison_n_runs (cmp) - 1;

  if (rd->failed || !json_object_has_member (ro, "tested_on"))
    return;
  r->tested_on = _fl_reader_get_string (rd, ro, "tested_on");
  r->test_images = _fl_reader_get_string (rd, ro, "test_images");
  r->test_of = (int) _fl_reader_get_whole (rd, ro, "test_of", -1, i - 1);
  if (rd->failed)
    return;
  if (r->tested_on == NULL || r->test_images == NULL)
    _fl_reader_bad (rd, _("a test on other data does not name its data"));
  else if (r->validation == NULL || r->epochs->len > 0)
    _fl_reader_bad (rd, _("a test on other data has no predictions, or has epochs"));
  else if (r->test_of >= 0 && fl_comparison_result (cmp, r->test_of)->tested_on != NULL)
    _fl_reader_bad (rd, _("a test on other data is of another test"));
}

/* Adds the run rn to cmp; the data's image size and fit are for a run
 * without its own. */
static void
read_run (FlReader *rd, JsonNode *rn, FlComparison *cmp, const FlExperimentData *data, gboolean *shown)
{
  JsonObject *ro, *rs;
  FlTrainSettings s;
  FlRunResult *r;

  if (!JSON_NODE_HOLDS_OBJECT (rn))
    {
      _fl_reader_bad (rd, _("a run is not an object"));
      return;
    }
  ro = json_node_get_object (rn);
  rs = _fl_reader_get_object (rd, ro, "settings");
  if (!rd->failed)
    read_settings (rd, rs, &s);
  if (rd->failed)
    return;
  r = fl_comparison_result (cmp, fl_comparison_add_settings (cmp, &s));
  read_run_results (rd, ro, r);
  read_epochs (rd, ro, r);
  read_batch_loss (rd, ro, r);
  if (!rd->failed)
    r->validation = read_validation (rd, ro);
  r->image_size = data->image_size;
  if (!rd->failed && json_object_has_member (ro, "image_size"))
    /* TRANSLATORS: put before "“image_size” is not a multiple of 4" */
    r->image_size = _fl_reader_get_image_size (rd, ro, _("a run's "));
  r->image_fit = _fl_reader_get_image_fit (rd, ro, data->image_fit);
  read_test (rd, ro, cmp, r);
  /* whether its curves were shown; absent (an earlier version): shown */
  *shown = _fl_reader_get_flag (rd, ro, "shown", TRUE);
}

/* The cross-validation design of version 2 onto cmp: null, absent (version
 * 1) or an object of folds and repeats. */
static void
read_cross_validation (FlReader *rd, JsonObject *root, FlComparison *cmp)
{
  JsonNode *cn = json_object_get_member (root, "cross_validation");
  JsonObject *co;
  int folds, repeats;

  if (rd->failed || cn == NULL || JSON_NODE_HOLDS_NULL (cn))
    return;
  co = _fl_reader_get_object (rd, root, "cross_validation");
  folds = (int) _fl_reader_get_whole (rd, co, "folds", 2, FL_CV_MAX_FOLDS);
  repeats = (int) _fl_reader_get_whole (rd, co, "repeats", 1, FL_CV_MAX_REPEATS);
  if (!rd->failed)
    fl_comparison_set_cv (cmp, folds, repeats);
}

/* The "settings" and "runs" sections as a comparison without data, and
 * whether each run was shown (a new array of its runs); NULL with an error. */
static FlComparison *
read_runs (FlReader *rd, JsonObject *root, const FlExperimentData *data, gboolean **shown)
{
  JsonObject *so = _fl_reader_get_object (rd, root, "settings");
  g_autoptr(FlComparison) cmp = NULL;
  g_autofree gboolean *run_shown = NULL;
  FlTrainSettings base;
  JsonArray *runs;

  if (!rd->failed)
    read_settings (rd, so, &base);
  runs = _fl_reader_get_array (rd, root, "runs");
  if (!rd->failed && json_array_get_length (runs) > MAX_RUNS)
    _fl_reader_bad (rd, _("it has more runs than a comparison makes"));
  if (rd->failed)
    return NULL;
  cmp = fl_comparison_new (NULL, &base);
  read_cross_validation (rd, root, cmp);
  run_shown = g_new (gboolean, json_array_get_length (runs));
  for (guint i = 0; i < json_array_get_length (runs) && !rd->failed; i++)
    read_run (rd, json_array_get_element (runs, i), cmp, data, &run_shown[i]);
  if (rd->failed)
    return NULL;
  *shown = g_steal_pointer (&run_shown);
  return g_steal_pointer (&cmp);
}

FlComparison *
fl_experiment_load (const char        *path,
                    FlExperimentData  *data,
                    gboolean         **shown,
                    GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FlComparison) cmp = NULL;
  g_autofree gboolean *run_shown = NULL;
  FlReader rd = { path, error, FALSE };
  JsonObject *root;

  memset (data, 0, sizeof *data);
  if (shown != NULL)
    *shown = NULL;
  root = parse_file (&rd, parser);
  if (root == NULL)
    return NULL;
  read_data (&rd, root, data);
  cmp = read_runs (&rd, root, data, &run_shown);
  if (cmp == NULL)
    {
      fl_experiment_data_clear (data);
      return NULL;
    }
  if (shown != NULL)
    *shown = g_steal_pointer (&run_shown);
  return g_steal_pointer (&cmp);
}
