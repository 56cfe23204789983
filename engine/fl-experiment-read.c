/* SPDX-License-Identifier: MIT
 *
 * Reading experiment files from strangers: every member checked for its
 * type and range, and a corrupt file refused with one message naming the
 * file and the reason. fl-experiment.c writes them.
 */
#define G_LOG_DOMAIN "fl-experiment"

#include "fl-experiment-private.h"
#include "fl-json.h"

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

typedef struct {
  const char *path;
  GError    **error;
  gboolean    failed;
} Reader;

static gboolean
bad (Reader *rd, const char *what)
{
  if (!rd->failed)
    g_set_error (rd->error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
                 "%s: not a valid Fusion Lab experiment: %s", rd->path, what);
  rd->failed = TRUE;
  return FALSE;
}

/* The error "“key” problem"; returns FALSE. */
static gboolean
bad_member (Reader *rd, const char *key, const char *problem)
{
  g_autofree char *msg = g_strdup_printf ("“%s” %s", key, problem);

  return bad (rd, msg);
}

/* o's member key if it is a node of that type, else NULL with the error
 * "“key” is missing or not <what>". o may be NULL: a section that failed. */
static JsonNode *
get_member (Reader *rd, JsonObject *o, const char *key, JsonNodeType type, const char *what)
{
  JsonNode *n = fl_json_member (o, key);

  if (n == NULL || JSON_NODE_TYPE (n) != type)
    {
      g_autofree char *problem = g_strconcat ("is missing or not ", what, NULL);

      bad_member (rd, key, problem);
      return NULL;
    }
  return n;
}

static JsonObject *
get_object (Reader *rd, JsonObject *o, const char *key)
{
  JsonNode *n = get_member (rd, o, key, JSON_NODE_OBJECT, "an object");

  return n != NULL ? json_node_get_object (n) : NULL;
}

static JsonArray *
get_array (Reader *rd, JsonObject *o, const char *key)
{
  JsonNode *n = get_member (rd, o, key, JSON_NODE_ARRAY, "a list");

  return n != NULL ? json_node_get_array (n) : NULL;
}

/* The number n holds — NaN for null, written for a value that was not
 * finite — or FALSE if it holds none. */
static gboolean
node_number (JsonNode *n, double *x)
{
  if (n != NULL && JSON_NODE_HOLDS_NULL (n))
    {
      *x = NAN;
      return TRUE;
    }
  return fl_json_get_number (n, x);
}

static double
get_number (Reader *rd, JsonObject *o, const char *key)
{
  double x;

  if (!node_number (fl_json_member (o, key), &x))
    return bad_member (rd, key, "is missing or not a number");
  return x;
}

/* A finite number ≥ 0 (below 1e9): a loss, a time, a speed. */
static double
get_amount (Reader *rd, JsonObject *o, const char *key)
{
  double x = get_number (rd, o, key);

  if (!rd->failed && !(x >= 0.0 && x < 1e9))
    bad_member (rd, key, "is not a number from 0 to 1e9");
  return rd->failed ? 0.0 : x;
}

/* A number in [0, 1]: an accuracy or an F1 score. */
static double
get_fraction (Reader *rd, JsonObject *o, const char *key)
{
  double x = get_number (rd, o, key);

  if (!rd->failed && !(x >= 0.0 && x <= 1.0))
    bad_member (rd, key, "is not a fraction from 0 to 1");
  return rd->failed ? 0.0 : x;
}

/* A whole number member in [min, max]. */
static gint64
get_whole (Reader *rd, JsonObject *o, const char *key, gint64 min, gint64 max)
{
  double x = get_number (rd, o, key);

  if (rd->failed)
    return 0;
  if (!(x >= (double) min && x <= (double) max) || x != floor (x))
    {
      g_autofree char *msg = g_strdup_printf ("“%s” is not a whole number from %" G_GINT64_FORMAT
                                              " to %" G_GINT64_FORMAT, key, min, max);
      bad (rd, msg);
      return 0;
    }
  return (gint64) x;
}

/* A string member, or NULL for null; absent is an error. */
static char *
get_string (Reader *rd, JsonObject *o, const char *key)
{
  JsonNode *n = fl_json_member (o, key);

  if (n != NULL && JSON_NODE_HOLDS_NULL (n))
    return NULL;
  if (fl_json_get_string (n) == NULL)
    return bad_member (rd, key, "is missing or not a string"), NULL;
  return g_strdup (fl_json_get_string (n));
}

/* A number of an array, or an error naming the array. */
static double
element_number (Reader *rd, JsonArray *a, guint i, const char *key)
{
  double x;

  if (!node_number (json_array_get_element (a, i), &x))
    return bad_member (rd, key, "holds something that is not a number");
  return x;
}

/* A list of n numbers; NULL, with an error, if it is not one. */
static JsonArray *
get_numbers (Reader *rd, JsonObject *o, const char *key, gsize n)
{
  JsonArray *a = get_array (rd, o, key);

  if (a != NULL && json_array_get_length (a) != n)
    {
      g_autofree char *msg = g_strdup_printf ("“%s” has %u numbers instead of %" G_GSIZE_FORMAT,
                                              key, json_array_get_length (a), n);
      bad (rd, msg);
      return NULL;
    }
  return a;
}


/* o's boolean member key, or dflt when it is absent (files from before
 * it). */
static gboolean
get_flag (Reader *rd, JsonObject *o, const char *key, gboolean dflt)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, key) : NULL;

  if (rd->failed || n == NULL)
    return dflt;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return bad_member (rd, key, "is not true or false");
  return json_node_get_boolean (n);
}

/* o's "image_fit", or dflt when it is absent (files from before fits). */
static FlImageFit
get_image_fit (Reader *rd, JsonObject *o, FlImageFit dflt)
{
  g_autofree char *name = NULL;
  FlImageFit fit = dflt;

  if (rd->failed || o == NULL || !json_object_has_member (o, "image_fit"))
    return dflt;
  name = get_string (rd, o, "image_fit");
  if (!rd->failed && !fl_image_fit_from_string (name, &fit))
    bad_member (rd, "image_fit", "is none of squash, crop and pad");
  return fit;
}

/* An image size S, a multiple of 4 from 4 to 1024; whose is how a message
 * names the owner ("", "a run's "). */
static int
get_image_size (Reader *rd, JsonObject *o, const char *whose)
{
  int S = (int) get_whole (rd, o, "image_size", 4, 1024);

  if (!rd->failed && S % 4 != 0)
    {
      g_autofree char *msg = g_strdup_printf ("%s“image_size” is not a multiple of 4", whose);
      bad (rd, msg);
    }
  return S;
}

/* The class names of a run's validation, NULL-terminated; NULL with an
 * error. */
static GPtrArray *
read_class_names (Reader *rd, JsonArray *classes)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint c = 0; c < json_array_get_length (classes); c++)
    {
      const char *name = fl_json_get_string (json_array_get_element (classes, c));

      if (name == NULL)
        return bad (rd, "a class name is not a string"), NULL;
      g_ptr_array_add (names, g_strdup (name));
    }
  if (names->len == 0)
    return bad (rd, "“classes” is empty"), NULL;
  if (names->len > FL_MAX_CLASSES)
    return bad (rd, "“classes” lists more classes than a dataset can have"), NULL;
  g_ptr_array_add (names, NULL);
  return g_steal_pointer (&names);
}

/* v->rows and v->labels from the lists rows and labels of v->n numbers. */
static void
read_rows_and_labels (Reader *rd, FlValidation *v, JsonArray *rows, JsonArray *labels)
{
  for (int k = 0; k < v->n && !rd->failed; k++)
    {
      double row = element_number (rd, rows, (guint) k, "rows");
      double label = element_number (rd, labels, (guint) k, "labels");

      /* checked before any cast: NaN (null) and 1e20 are not ints */
      if (rd->failed)
        break;
      if (!(row >= 0 && row <= G_MAXINT32) || row != floor (row))
        bad (rd, "a validation row is not a row number");
      else if (!(label >= 0 && label < v->n_classes) || label != floor (label))
        bad (rd, "a validation label is not a class");
      else
        {
          v->rows[k] = (gint32) row;
          v->labels[k] = (gint32) label;
        }
    }
}

/* v->probs, (n, C) row-major, from the list probs of n·C numbers in [0, 1]. */
static void
read_probs (Reader *rd, FlValidation *v, JsonArray *probs)
{
  for (gsize k = 0; k < (gsize) v->n * v->n_classes && !rd->failed; k++)
    {
      double p = element_number (rd, probs, (guint) k, "probs");

      if (!rd->failed && !(p >= 0.0 && p <= 1.0))
        bad (rd, "a validation probability is not in [0, 1]");
      v->probs[k] = (float) p;
    }
}

/* A run's validation predictions: null, or classes, rows, labels and
 * probabilities that agree with each other. */
static FlValidation *
read_validation (Reader *rd, JsonObject *ro)
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
    return bad (rd, "“validation” is not an object"), NULL;
  vo = json_node_get_object (vn);
  classes = get_array (rd, vo, "classes");
  rows = get_array (rd, vo, "rows");
  if (rd->failed)
    return NULL;
  names = read_class_names (rd, classes);
  if (names == NULL)
    return NULL;
  n = json_array_get_length (rows);
  labels = get_numbers (rd, vo, "labels", n);
  probs = get_numbers (rd, vo, "probs", (gsize) n * (names->len - 1));
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
read_transfer (Reader *rd, JsonObject *o, FlTrainSettings *s)
{
  const char *keys[2] = { "init_from", "word_vectors" };
  const char **paths[2] = { &s->init_from, &s->word_vectors };
  g_autofree char *freeze = NULL;

  for (int k = 0; k < 2 && !rd->failed; k++)
    if (json_object_has_member (o, keys[k]))
      {
        g_autofree char *path = get_string (rd, o, keys[k]);

        if (path != NULL && strlen (path) > 4096)
          bad_member (rd, keys[k], "is longer than a path");
        else
          *paths[k] = path != NULL ? g_intern_string (path) : NULL;
      }
  if (rd->failed || !json_object_has_member (o, "freeze"))
    return;
  freeze = get_string (rd, o, "freeze");
  if (!rd->failed && (freeze == NULL || !fl_branches_from_string (freeze, &s->freeze)))
    bad (rd, "“freeze” is not a set of image, text, audio and numeric");
}

static void
read_settings (Reader *rd, JsonObject *o, FlTrainSettings *s)
{
  g_autofree char *fusion = get_string (rd, o, "fusion");
  g_autofree char *seed = NULL;

  fl_train_settings_init_default (s);
  if (!rd->failed && !fl_fusion_from_string (fusion, &s->fusion))
    {
      g_autofree char *msg = g_strdup_printf ("unknown fusion “%s”", fusion);
      bad (rd, msg);
    }
  seed = get_string (rd, o, "seed");
  s->feat_dim = (int) get_whole (rd, o, "feat_dim", 0, G_MAXINT32);
  s->epochs = (int) get_whole (rd, o, "epochs", 0, G_MAXINT32);
  s->batch_size = (int) get_whole (rd, o, "batch_size", 0, G_MAXINT32);
  s->lr = (float) get_number (rd, o, "lr");
  s->val_fraction = get_number (rd, o, "val_fraction");
  s->seed = seed != NULL ? g_ascii_strtoull (seed, NULL, 10) : 0;
  s->kfold = (int) get_whole (rd, o, "kfold", 0, G_MAXINT32);
  s->fold = (int) get_whole (rd, o, "fold", 0, G_MAXINT32);
  s->max_vocab = (int) get_whole (rd, o, "max_vocab", 0, G_MAXINT32);
  s->n_threads = (int) get_whole (rd, o, "n_threads", G_MININT32, G_MAXINT32);
  /* files from before modality dropout have none: 0 */
  if (json_object_has_member (o, "modality_dropout"))
    s->modality_dropout = get_number (rd, o, "modality_dropout");
  /* files from before branch sets fuse what the data has */
  if (!rd->failed && json_object_has_member (o, "branches"))
    {
      g_autofree char *branches = get_string (rd, o, "branches");

      if (!rd->failed && (branches == NULL || !fl_branches_from_string (branches, &s->branches)))
        bad (rd, "“branches” is not a set of image, text, audio and numeric");
    }
  /* nor a rank: the default stands */
  if (json_object_has_member (o, "rank"))
    s->rank = (int) get_whole (rd, o, "rank", 0, G_MAXINT32);
  /* nor augmentation: none */
  s->augment = get_flag (rd, o, "augment", FALSE);
  read_transfer (rd, o, s);
  if (!rd->failed)
    {
      g_autoptr(GError) e = NULL;
      if (!fl_train_settings_validate (s, &e))
        bad (rd, e->message);
    }
}

/* The text of the file at rd->path, mapped (NULL with the error set):
 * a file over MAX_FILE_BYTES is refused before anything is parsed. */
static GMappedFile *
map_file (Reader *rd)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (rd->path, FALSE, &local);

  if (file == NULL)
    {
      if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return bad (rd, local->message), NULL;
      g_set_error (rd->error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s: no such file", rd->path);
      rd->failed = TRUE;
      return NULL;
    }
  if (g_mapped_file_get_length (file) > MAX_FILE_BYTES)
    {
      g_autofree char *msg = g_strdup_printf ("it is over the %zu MB an experiment may take",
                                              MAX_FILE_BYTES >> 20);
      return bad (rd, msg), NULL;
    }
  return g_steal_pointer (&file);
}

/* The file's top-level object, its format tag checked; NULL with the error
 * set. The object belongs to parser. */
static JsonObject *
parse_file (Reader *rd, JsonParser *parser)
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
    return bad (rd, local->message), NULL;
  top = json_parser_get_root (parser);
  if (top == NULL || !JSON_NODE_HOLDS_OBJECT (top))
    return bad (rd, "it is not a JSON object"), NULL;
  root = json_node_get_object (top);
  format = get_string (rd, root, "format");
  if (rd->failed || g_strcmp0 (format, FL_EXPERIMENT_FORMAT_TAG) != 0)
    return bad (rd, "its format tag is missing"), NULL;
  /* absent in version 1; a later version may mean what this one cannot read */
  if (json_object_has_member (root, "version"))
    {
      double version = get_number (rd, root, "version");

      if (!rd->failed && !(version >= 1 && version <= FL_EXPERIMENT_FORMAT_VERSION && version == floor (version)))
        bad (rd, "its “version” is not one this Fusion Lab reads (1 or " G_STRINGIFY (FL_EXPERIMENT_FORMAT_VERSION) ")");
      if (rd->failed)
        return NULL;
    }
  return root;
}

/* The numeric columns of the "data" section, NULL-terminated; NULL when
 * there are none (or with an error). */
static char **
read_numeric_cols (Reader *rd, JsonObject *d)
{
  g_autoptr(GPtrArray) cols = g_ptr_array_new_with_free_func (g_free);
  JsonArray *a;

  if (rd->failed || !json_object_has_member (d, "numeric_cols"))
    return NULL;
  a = get_array (rd, d, "numeric_cols");
  if (a == NULL)
    return NULL;
  if (json_array_get_length (a) > FL_MAX_NUMERIC_COLUMNS)
    return bad (rd, "“numeric_cols” lists more columns than a dataset can use"), NULL;
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      const char *name = fl_json_get_string (json_array_get_element (a, i));

      if (name == NULL)
        return bad (rd, "a numeric column's name is not a string"), NULL;
      g_ptr_array_add (cols, g_strdup (name));
    }
  g_ptr_array_add (cols, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&cols), FALSE);
}

/* The "data" section: where the data is and how its columns are mapped. */
static void
read_data (Reader *rd, JsonObject *root, FlExperimentData *data)
{
  JsonObject *d = get_object (rd, root, "data");

  data->images_dir = get_string (rd, d, "images");
  data->csv_path = get_string (rd, d, "csv");
  data->image_col = get_string (rd, d, "image_col");
  data->text_col = get_string (rd, d, "text_col");
  data->label_col = get_string (rd, d, "label_col");
  /* files from before sound and numbers used neither */
  data->audio_col = !rd->failed && json_object_has_member (d, "audio_col")
                    ? get_string (rd, d, "audio_col") : g_strdup ("");
  data->numeric_cols = read_numeric_cols (rd, d);
  data->image_size = get_image_size (rd, d, "");
  data->image_fit = get_image_fit (rd, d, FL_IMAGE_FIT_SQUASH);
  /* the fingerprint of the samples came with a later version */
  if (!rd->failed && json_object_has_member (d, "samples"))
    {
      g_autofree char *hex = get_string (rd, d, "samples");
      char *end = NULL;

      data->samples = hex != NULL ? g_ascii_strtoull (hex, &end, 16) : 0;
      if (!rd->failed && (hex == NULL || *hex == '\0' || *end != '\0'))
        bad (rd, "“samples” is not a fingerprint");
    }
}

/* What every version writes of a run: its name, status and best results. */
static void
read_run_results (Reader *rd, JsonObject *ro, FlRunResult *r)
{
  g_autofree char *status = NULL;

  g_free (r->name);
  r->name = get_string (rd, ro, "name");
  r->error = get_string (rd, ro, "error");
  status = get_string (rd, ro, "status");
  if (!fl_run_status_from_string (status, &r->status))
    r->status = FL_RUN_FAILED;
  /* a run that was going when saved did not finish */
  if (r->status == FL_RUN_RUNNING)
    r->status = FL_RUN_CANCELLED;
  r->best_val_acc = get_fraction (rd, ro, "best_val_acc");
  r->best_val_f1 = get_fraction (rd, ro, "best_val_f1");
  r->best_epoch = (int) get_whole (rd, ro, "best_epoch", 0, G_MAXINT32);
  r->train_seconds = get_amount (rd, ro, "train_seconds");
  r->n_params = (gsize) get_whole (rd, ro, "n_params", 0, G_MAXINT64 / 2);
  /* version 2; a run of version 1 is of the first repeat */
  if (json_object_has_member (ro, "repeat"))
    r->repeat = (int) get_whole (rd, ro, "repeat", 0, FL_CV_MAX_REPEATS - 1);
  if (r->name == NULL)
    bad (rd, "a run has no name");
}

/* A run's per-epoch metrics, appended to r->epochs: no more than its
 * settings train. */
static void
read_epochs (Reader *rd, JsonObject *ro, FlRunResult *r)
{
  JsonArray *ep = get_array (rd, ro, "epochs");
  GArray *epochs = r->epochs;

  if (ep != NULL && json_array_get_length (ep) > (guint) r->settings.epochs)
    {
      bad (rd, "a run has more epochs than its settings train");
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
            *(int *) x = (int) get_whole (rd, eo, key, 0, G_MAXINT32);
          else if (_fl_experiment_epoch_members[m].kind == EPOCH_COUNT)
            *(gint64 *) x = get_whole (rd, eo, key, 0, G_MAXINT64 / 2);
          else if (_fl_experiment_epoch_members[m].kind == EPOCH_AMOUNT)
            *(double *) x = get_amount (rd, eo, key);
          else
            *(double *) x = get_fraction (rd, eo, key);
        }
      g_array_append_val (epochs, st);
    }
}

/* Every batch's loss; absent in files of an earlier version. */
static void
read_batch_loss (Reader *rd, JsonObject *ro, FlRunResult *r)
{
  JsonArray *bl;

  if (rd->failed || !json_object_has_member (ro, "batch_loss"))
    return;
  bl = get_array (rd, ro, "batch_loss");
  r->batches_per_epoch = (int) get_whole (rd, ro, "batches_per_epoch", 0, G_MAXINT32);
  if (!rd->failed && json_array_get_length (bl) > (gint64) r->settings.epochs * r->batches_per_epoch)
    {
      bad (rd, "a run has more batch losses than its epochs have batches");
      return;
    }
  for (guint k = 0; !rd->failed && k < json_array_get_length (bl); k++)
    {
      double loss = element_number (rd, bl, k, "batch_loss");
      g_array_append_val (r->batch_loss, loss);
    }
}

/* Whether the run's curves were shown; absent (an earlier version): shown. */
static gboolean
read_shown (Reader *rd, JsonObject *ro)
{
  return get_flag (rd, ro, "shown", TRUE);
}

/* Adds the run rn to cmp; the data's image size and fit are for a run
 * without its own. */
static void
read_run (Reader *rd, JsonNode *rn, FlComparison *cmp, const FlExperimentData *data, gboolean *shown)
{
  JsonObject *ro, *rs;
  FlTrainSettings s;
  FlRunResult *r;

  if (!JSON_NODE_HOLDS_OBJECT (rn))
    {
      bad (rd, "a run is not an object");
      return;
    }
  ro = json_node_get_object (rn);
  rs = get_object (rd, ro, "settings");
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
    r->image_size = get_image_size (rd, ro, "a run's ");
  r->image_fit = get_image_fit (rd, ro, data->image_fit);
  *shown = read_shown (rd, ro);
}

/* The cross-validation design of version 2 onto cmp: null, absent (version
 * 1) or an object of folds and repeats. */
static void
read_cross_validation (Reader *rd, JsonObject *root, FlComparison *cmp)
{
  JsonNode *cn = json_object_get_member (root, "cross_validation");
  JsonObject *co;
  int folds, repeats;

  if (rd->failed || cn == NULL || JSON_NODE_HOLDS_NULL (cn))
    return;
  co = get_object (rd, root, "cross_validation");
  folds = (int) get_whole (rd, co, "folds", 2, FL_CV_MAX_FOLDS);
  repeats = (int) get_whole (rd, co, "repeats", 1, FL_CV_MAX_REPEATS);
  if (!rd->failed)
    fl_comparison_set_cv (cmp, folds, repeats);
}

/* The "settings" and "runs" sections as a comparison without data, and
 * whether each run was shown (a new array of its runs); NULL with an error. */
static FlComparison *
read_runs (Reader *rd, JsonObject *root, const FlExperimentData *data, gboolean **shown)
{
  JsonObject *so = get_object (rd, root, "settings");
  g_autoptr(FlComparison) cmp = NULL;
  g_autofree gboolean *run_shown = NULL;
  FlTrainSettings base;
  JsonArray *runs;

  if (!rd->failed)
    read_settings (rd, so, &base);
  runs = get_array (rd, root, "runs");
  if (!rd->failed && json_array_get_length (runs) > MAX_RUNS)
    bad (rd, "it has more runs than a comparison makes");
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
  Reader rd = { path, error, FALSE };
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
