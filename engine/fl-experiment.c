/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-experiment"

#include "fl-experiment.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define FORMAT_TAG "fusionlab-experiment-1"

void
fl_experiment_data_clear (FlExperimentData *data)
{
  g_clear_pointer (&data->images_dir, g_free);
  g_clear_pointer (&data->csv_path, g_free);
  g_clear_pointer (&data->image_col, g_free);
  g_clear_pointer (&data->text_col, g_free);
  g_clear_pointer (&data->label_col, g_free);
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

static void
add_double (JsonBuilder *b, const char *key, double value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_double_value (b, value);
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
  json_builder_end_object (b);
}

gboolean
fl_experiment_save (const char             *path,
                    const FlExperimentData *data,
                    FlComparison           *cmp,
                    GError                **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gsize len;

  json_builder_begin_object (b);
  add_string (b, "format", FORMAT_TAG);
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  add_string (b, "images", data->images_dir);
  add_string (b, "csv", data->csv_path);
  add_string (b, "image_col", data->image_col);
  add_string (b, "text_col", data->text_col);
  add_string (b, "label_col", data->label_col);
  add_int (b, "image_size", data->image_size);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "settings");
  add_settings (b, fl_comparison_base_settings (cmp));

  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (int i = 0; i < fl_comparison_n_runs (cmp); i++)
    {
      FlRunResult *r = fl_comparison_result (cmp, i);
      json_builder_begin_object (b);
      add_string (b, "name", r->name);
      add_string (b, "fusion", fl_fusion_to_string (r->fusion));
      add_string (b, "status", fl_run_status_to_string (r->status));
      add_string (b, "error", r->error);
      json_builder_set_member_name (b, "settings");
      add_settings (b, &r->settings);
      add_double (b, "best_val_acc", r->best_val_acc);
      add_double (b, "best_val_f1", r->best_val_f1);
      add_int (b, "best_epoch", r->best_epoch);
      add_double (b, "train_seconds", r->train_seconds);
      add_int (b, "n_params", (gint64) r->n_params);
      json_builder_set_member_name (b, "epochs");
      json_builder_begin_array (b);
      for (guint e = 0; e < r->epochs->len; e++)
        {
          FlEpochStats *st = &g_array_index (r->epochs, FlEpochStats, e);
          json_builder_begin_object (b);
          add_int (b, "epoch", st->epoch);
          add_int (b, "n_epochs", st->n_epochs);
          add_double (b, "train_loss", st->train_loss);
          add_double (b, "train_acc", st->train_acc);
          add_double (b, "val_loss", st->val_loss);
          add_double (b, "val_acc", st->val_acc);
          add_double (b, "val_f1", st->val_f1);
          add_double (b, "samples_per_s", st->samples_per_s);
          add_double (b, "seconds", st->seconds);
          add_int (b, "samples_seen", st->samples_seen);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, &len);
  return g_file_set_contents_full (path, text, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0644, error);
}

/* ---- reading ------------------------------------------------------------ */

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

static JsonObject *
get_object (Reader *rd, JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    {
      g_autofree char *msg = g_strdup_printf ("“%s” is missing or not an object", key);
      bad (rd, msg);
      return NULL;
    }
  return json_node_get_object (n);
}

static JsonArray *
get_array (Reader *rd, JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    {
      g_autofree char *msg = g_strdup_printf ("“%s” is missing or not a list", key);
      bad (rd, msg);
      return NULL;
    }
  return json_node_get_array (n);
}

static double
get_number (Reader *rd, JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) ||
      (json_node_get_value_type (n) != G_TYPE_INT64 && json_node_get_value_type (n) != G_TYPE_DOUBLE))
    {
      g_autofree char *msg = g_strdup_printf ("“%s” is missing or not a number", key);
      bad (rd, msg);
      return 0;
    }
  return json_node_get_value_type (n) == G_TYPE_INT64 ? (double) json_node_get_int (n)
                                                      : json_node_get_double (n);
}

/* A string member, or NULL for null; absent is an error. */
static char *
get_string (Reader *rd, JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;
  if (n != NULL && JSON_NODE_HOLDS_NULL (n))
    return NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    {
      g_autofree char *msg = g_strdup_printf ("“%s” is missing or not a string", key);
      bad (rd, msg);
      return NULL;
    }
  return g_strdup (json_node_get_string (n));
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
  s->feat_dim = (int) get_number (rd, o, "feat_dim");
  s->epochs = (int) get_number (rd, o, "epochs");
  s->batch_size = (int) get_number (rd, o, "batch_size");
  s->lr = (float) get_number (rd, o, "lr");
  s->val_fraction = get_number (rd, o, "val_fraction");
  s->seed = seed != NULL ? g_ascii_strtoull (seed, NULL, 10) : 0;
  s->kfold = (int) get_number (rd, o, "kfold");
  s->fold = (int) get_number (rd, o, "fold");
  s->max_vocab = (int) get_number (rd, o, "max_vocab");
  s->n_threads = (int) get_number (rd, o, "n_threads");
  if (!rd->failed)
    {
      g_autoptr(GError) e = NULL;
      if (!fl_train_settings_validate (s, &e))
        bad (rd, e->message);
    }
}

FlComparison *
fl_experiment_load (const char        *path,
                    FlExperimentData  *data,
                    GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(FlComparison) cmp = NULL;
  Reader rd = { path, error, FALSE };
  JsonObject *root, *d, *so;
  JsonArray *runs;
  FlTrainSettings base;
  g_autofree char *format = NULL;

  memset (data, 0, sizeof *data);
  if (!json_parser_load_from_mapped_file (parser, path, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s: no such file", path);
      else
        g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
                     "%s: not a valid Fusion Lab experiment: %s", path, local->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return bad (&rd, "it is not a JSON object"), NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  format = get_string (&rd, root, "format");
  if (rd.failed || g_strcmp0 (format, FORMAT_TAG) != 0)
    return bad (&rd, "its format tag is missing"), NULL;

  d = get_object (&rd, root, "data");
  data->images_dir = get_string (&rd, d, "images");
  data->csv_path = get_string (&rd, d, "csv");
  data->image_col = get_string (&rd, d, "image_col");
  data->text_col = get_string (&rd, d, "text_col");
  data->label_col = get_string (&rd, d, "label_col");
  data->image_size = (int) get_number (&rd, d, "image_size");
  so = get_object (&rd, root, "settings");
  if (!rd.failed)
    read_settings (&rd, so, &base);
  runs = get_array (&rd, root, "runs");
  if (rd.failed)
    {
      fl_experiment_data_clear (data);
      return NULL;
    }

  cmp = fl_comparison_new (NULL, &base);
  for (guint i = 0; i < json_array_get_length (runs) && !rd.failed; i++)
    {
      JsonNode *rn = json_array_get_element (runs, i);
      JsonObject *ro, *rs;
      JsonArray *ep;
      FlRunResult *r;
      FlTrainSettings s;
      g_autofree char *status = NULL;
      int idx;

      if (!JSON_NODE_HOLDS_OBJECT (rn))
        {
          bad (&rd, "a run is not an object");
          break;
        }
      ro = json_node_get_object (rn);
      rs = get_object (&rd, ro, "settings");
      if (rd.failed)
        break;
      read_settings (&rd, rs, &s);
      if (rd.failed)
        break;
      idx = fl_comparison_add_settings (cmp, &s);
      r = fl_comparison_result (cmp, idx);
      g_free (r->name);
      r->name = get_string (&rd, ro, "name");
      r->error = get_string (&rd, ro, "error");
      status = get_string (&rd, ro, "status");
      if (!fl_run_status_from_string (status, &r->status))
        r->status = FL_RUN_FAILED;
      /* a run that was going when saved did not finish */
      if (r->status == FL_RUN_RUNNING)
        r->status = FL_RUN_CANCELLED;
      r->best_val_acc = get_number (&rd, ro, "best_val_acc");
      r->best_val_f1 = get_number (&rd, ro, "best_val_f1");
      r->best_epoch = (int) get_number (&rd, ro, "best_epoch");
      r->train_seconds = get_number (&rd, ro, "train_seconds");
      r->n_params = (gsize) get_number (&rd, ro, "n_params");
      if (r->name == NULL)
        bad (&rd, "a run has no name");
      ep = get_array (&rd, ro, "epochs");
      for (guint e = 0; ep != NULL && e < json_array_get_length (ep) && !rd.failed; e++)
        {
          JsonNode *en = json_array_get_element (ep, e);
          JsonObject *eo = JSON_NODE_HOLDS_OBJECT (en) ? json_node_get_object (en) : NULL;
          FlEpochStats st = {
            .epoch = (int) get_number (&rd, eo, "epoch"),
            .n_epochs = (int) get_number (&rd, eo, "n_epochs"),
            .train_loss = get_number (&rd, eo, "train_loss"),
            .train_acc = get_number (&rd, eo, "train_acc"),
            .val_loss = get_number (&rd, eo, "val_loss"),
            .val_acc = get_number (&rd, eo, "val_acc"),
            .val_f1 = get_number (&rd, eo, "val_f1"),
            .samples_per_s = get_number (&rd, eo, "samples_per_s"),
            .seconds = get_number (&rd, eo, "seconds"),
            .samples_seen = (gint64) get_number (&rd, eo, "samples_seen"),
          };
          g_array_append_val (r->epochs, st);
        }
    }
  if (rd.failed)
    {
      fl_experiment_data_clear (data);
      return NULL;
    }
  return g_steal_pointer (&cmp);
}
