/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-predictor"

#include "fl-predictor.h"

#include "fl-csv.h"

#include "fl-image.h"
#include "fl-metrics.h"
#include "fl-safetensors.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define FORMAT_TAG "fusionlab-model-1"
#define PREDICT_BATCH 64

struct FlPredictor {
  FlModel  *model;
  FlVocab  *vocab;
  char    **class_names;
  float     mean[3], std[3];
};

/* The embedding-bag stores (V,Ht); torch's Linear(V,Ht).weight is (Ht,V). */
static void
transpose (float *dst, const float *src, int rows, int cols)
{
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++)
      dst[(gsize) c * rows + r] = src[(gsize) r * cols + c];
}

int
fl_model_torch_tensors (FlModel     *model,
                        const char  *prefix,
                        FlStTensor  *out,
                        GPtrArray   *names,
                        float      **transposed)
{
  int n = 0;

  for (int p = 0; p < FL_N_PARAMS; p++)
    {
      const FlTensorInfo *t = fl_model_tensor (model, p);
      FlStTensor *st = &out[n];
      char *name;

      if (t->numel == 0)
        continue;
      name = g_strconcat (prefix, t->name, NULL);
      g_ptr_array_add (names, name);
      st->name = name;
      st->ndim = t->ndim;
      for (int d = 0; d < t->ndim; d++)
        st->shape[d] = t->shape[d];
      st->data = fl_model_params (model) + t->offset;
      if (p == FL_P_TXT_EMB_W)
        {
          *transposed = g_new (float, t->numel);
          transpose (*transposed, st->data, t->shape[0], t->shape[1]);
          st->shape[0] = t->shape[1];
          st->shape[1] = t->shape[0];
          st->data = *transposed;
        }
      n++;
    }
  return n;
}

static char *
json_string_array (const char *const *items, int n)
{
  g_autoptr(JsonBuilder) jb = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (jb);
  for (int i = 0; i < n; i++)
    json_builder_add_string_value (jb, items[i]);
  json_builder_end_array (jb);
  root = json_builder_get_root (jb);
  return json_to_string (root, FALSE);
}

static char *
json_float3 (const float v[3])
{
  return g_strdup_printf ("[%.9g, %.9g, %.9g]", v[0], v[1], v[2]);
}

gboolean
fl_model_file_save (const char        *path,
                    FlModel           *model,
                    const FlVocab     *vocab,
                    const char *const *class_names,
                    const float        mean[3],
                    const float        std[3],
                    GError           **error)
{
  const FlConfig *c = fl_model_config (model);
  g_autoptr(GHashTable) md = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree float *emb_t = NULL;
  g_autoptr(GPtrArray) tokens = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  FlStTensor tensors[FL_N_PARAMS];
  int nt;

  for (int i = 0; i < fl_vocab_size (vocab); i++)
    g_ptr_array_add (tokens, (gpointer) fl_vocab_token (vocab, i));

  g_hash_table_insert (md, "format", g_strdup (FORMAT_TAG));
  g_hash_table_insert (md, "config", g_strdup_printf (
      "{\"image_size\": %d, \"conv1\": %d, \"conv2\": %d, \"feat_dim\": %d, "
      "\"text_hidden\": %d, \"head_hidden\": %d, \"vocab_size\": %d, \"n_classes\": %d, "
      "\"fusion\": \"%s\"}",
      c->image_size, c->conv1, c->conv2, c->feat_dim, c->text_hidden, c->head_hidden,
      c->vocab_size, c->n_classes, fl_fusion_to_string (c->fusion)));
  g_hash_table_insert (md, "classes", json_string_array (class_names, (int) g_strv_length ((char **) class_names)));
  g_hash_table_insert (md, "vocab", json_string_array ((const char *const *) tokens->pdata, (int) tokens->len));
  g_hash_table_insert (md, "image_mean", json_float3 (mean));
  g_hash_table_insert (md, "image_std", json_float3 (std));

  nt = fl_model_torch_tensors (model, "", tensors, names, &emb_t);
  return fl_safetensors_save (path, tensors, nt, md, error);
}

void
fl_predictor_free (FlPredictor *pred)
{
  if (pred == NULL)
    return;
  g_clear_pointer (&pred->model, fl_model_free);
  g_clear_pointer (&pred->vocab, fl_vocab_free);
  g_strfreev (pred->class_names);
  g_free (pred);
}

static gboolean
bad_file (GError **error, const char *path, const char *what)
{
  g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
               "%s: not a Fusion Lab model file: %s", path, what);
  return FALSE;
}

/* The JSON array json holds, parsed by parser (which owns it); NULL if
 * json is NULL or not an array. */
static JsonArray *
parse_array (JsonParser *parser, const char *json)
{
  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return NULL;
  return json_node_get_array (json_parser_get_root (parser));
}

/* Parses a JSON array of strings into a NULL-terminated strv. */
static char **
parse_string_array (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  JsonArray *arr = parse_array (parser, json);

  if (arr == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        return NULL;
      g_strv_builder_add (b, json_node_get_string (n));
    }
  return g_strv_builder_end (b);
}

static gboolean
parse_float3 (const char *json, float v[3])
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *arr = parse_array (parser, json);

  if (arr == NULL || json_array_get_length (arr) != 3)
    return FALSE;
  for (int i = 0; i < 3; i++)
    v[i] = (float) json_array_get_double_element (arr, i);
  return TRUE;
}

static gboolean
parse_config (const char *json, FlConfig *c)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  const char *fusion;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  o = json_node_get_object (json_parser_get_root (parser));
  fl_config_init_default (c);
  c->image_size = (int) json_object_get_int_member_with_default (o, "image_size", -1);
  c->conv1 = (int) json_object_get_int_member_with_default (o, "conv1", -1);
  c->conv2 = (int) json_object_get_int_member_with_default (o, "conv2", -1);
  c->feat_dim = (int) json_object_get_int_member_with_default (o, "feat_dim", -1);
  c->text_hidden = (int) json_object_get_int_member_with_default (o, "text_hidden", -1);
  c->head_hidden = (int) json_object_get_int_member_with_default (o, "head_hidden", -1);
  c->vocab_size = (int) json_object_get_int_member_with_default (o, "vocab_size", -1);
  c->n_classes = (int) json_object_get_int_member_with_default (o, "n_classes", -1);
  fusion = json_object_get_string_member_with_default (o, "fusion", "");
  return fl_fusion_from_string (fusion, &c->fusion);
}

FlPredictor *
fl_predictor_load (const char *path, GError **error)
{
  g_autoptr(FlSafetensors) st = NULL;
  g_autoptr(FlPredictor) pred = g_new0 (FlPredictor, 1);
  g_auto(GStrv) vocab = NULL;
  g_autoptr(GError) local = NULL;
  FlConfig cfg;

  st = fl_safetensors_load (path, error);
  if (st == NULL)
    return NULL;
  if (g_strcmp0 (fl_safetensors_metadata (st, "format"), FORMAT_TAG) != 0)
    return bad_file (error, path, "its format tag is missing"), NULL;
  if (!parse_config (fl_safetensors_metadata (st, "config"), &cfg))
    return bad_file (error, path, "its config is unreadable"), NULL;
  pred->class_names = parse_string_array (fl_safetensors_metadata (st, "classes"));
  vocab = parse_string_array (fl_safetensors_metadata (st, "vocab"));
  if (pred->class_names == NULL || vocab == NULL ||
      (int) g_strv_length (pred->class_names) != cfg.n_classes)
    return bad_file (error, path, "its class names or vocabulary are unreadable"), NULL;
  if (!parse_float3 (fl_safetensors_metadata (st, "image_mean"), pred->mean) ||
      !parse_float3 (fl_safetensors_metadata (st, "image_std"), pred->std))
    return bad_file (error, path, "its image normalisation is unreadable"), NULL;

  pred->model = fl_model_new (&cfg, 0, &local);
  if (pred->model == NULL)
    return bad_file (error, path, local->message), NULL;
  pred->vocab = fl_vocab_new_from_tokens ((const char *const *) vocab, (int) g_strv_length (vocab));

  for (int p = 0; p < FL_N_PARAMS; p++)
    {
      const FlTensorInfo *t = fl_model_tensor (pred->model, p);
      float *dst = fl_model_params (pred->model) + t->offset;
      if (t->numel == 0)
        continue;
      if (p == FL_P_TXT_EMB_W)
        {
          g_autofree float *tmp = g_new (float, t->numel);
          if (!fl_safetensors_read (st, t->name, tmp, t->numel, error))
            return NULL;
          transpose (dst, tmp, t->shape[1], t->shape[0]);
        }
      else if (!fl_safetensors_read (st, t->name, dst, t->numel, error))
        return NULL;
    }
  return g_steal_pointer (&pred);
}

FlModel *
fl_predictor_model (FlPredictor *pred)
{
  return pred->model;
}

const char *const *
fl_predictor_class_names (FlPredictor *pred)
{
  return (const char *const *) pred->class_names;
}

int
fl_predictor_image_size (FlPredictor *pred)
{
  return fl_model_config (pred->model)->image_size;
}

void
fl_predictor_predict (FlPredictor       *pred,
                      const guint8      *images,
                      const char *const *texts,
                      int                n,
                      float             *probs)
{
  const FlConfig *c = fl_model_config (pred->model);
  const int S = c->image_size, C = c->n_classes;
  gsize img = (gsize) 3 * S * S;
  g_autofree float *x = g_new (float, PREDICT_BATCH * img);
  g_autofree gint32 *off = g_new (gint32, PREDICT_BATCH + 1);
  g_autoptr(GArray) idx = g_array_new (FALSE, FALSE, sizeof (gint32));

  for (int start = 0; start < n; start += PREDICT_BATCH)
    {
      int nb = MIN (PREDICT_BATCH, n - start);
      FlBatch batch = { .n = nb };
      g_array_set_size (idx, 0);
      fl_image_to_float (x, images + start * img, nb, S, pred->mean, pred->std);
      for (int i = 0; i < nb; i++)
        {
          off[i] = (gint32) idx->len;
          fl_vocab_encode (pred->vocab, texts[start + i], idx);
        }
      off[nb] = (gint32) idx->len;
      batch.images = x;
      batch.tok_off = off;
      batch.tok_idx = (const gint32 *) idx->data;
      fl_model_forward (pred->model, &batch);
      memcpy (probs + (gsize) start * C, fl_model_probs (pred->model), sizeof (float) * nb * C);
    }
}

FlPredictor *
fl_predictor_new (FlModel           *model,
                  const FlVocab     *vocab,
                  const char *const *class_names,
                  const float        mean[3],
                  const float        std[3])
{
  FlPredictor *pred = g_new0 (FlPredictor, 1);

  pred->model = fl_model_new (fl_model_config (model), 0, NULL);
  memcpy (fl_model_params (pred->model), fl_model_params (model),
          sizeof (float) * fl_model_n_params (model));
  pred->vocab = fl_vocab_new_from_tokens (fl_vocab_tokens (vocab), fl_vocab_size (vocab));
  pred->class_names = g_strdupv ((char **) class_names);
  memcpy (pred->mean, mean, sizeof pred->mean);
  memcpy (pred->std, std, sizeof pred->std);
  return pred;
}

gboolean
fl_predictor_write_csv (FlPredictor      *pred,
                        const FlDataSpec *spec,
                        const char       *out_path,
                        int              *n_written,
                        GCancellable     *cancellable,
                        GError          **error)
{
  FlDataSpec s = *spec;
  g_autoptr(FlDataset) ds = NULL;
  g_autoptr(GString) out = g_string_new ("line,image,predicted,confidence");
  g_autofree float *probs = NULL;
  const char *const *classes = fl_predictor_class_names (pred);
  int C = fl_model_config (pred->model)->n_classes;

  s.unlabelled = TRUE;
  s.image_size = fl_predictor_image_size (pred);
  if (s.label_col == NULL)
    s.label_col = "";   /* labels are not needed to predict */
  ds = fl_dataset_load (&s, NULL, NULL, cancellable, error);
  if (ds == NULL)
    return FALSE;

  probs = g_new (float, (gsize) ds->n * C);
  fl_predictor_predict (pred, ds->images, (const char *const *) ds->texts, ds->n, probs);
  for (int c = 0; c < C; c++)
    {
      g_autofree char *h = g_strdup_printf ("p_%s", classes[c]);
      g_string_append_c (out, ',');
      fl_csv_append_field (out, h);
    }
  g_string_append_c (out, '\n');
  for (int i = 0; i < ds->n; i++)
    {
      const float *p = probs + (gsize) i * C;
      int best = fl_argmax (p, C);
      g_string_append_printf (out, "%d,", ds->csv_lines[i]);
      fl_csv_append_field (out, ds->image_files[i]);
      g_string_append_c (out, ',');
      fl_csv_append_field (out, classes[best]);
      g_string_append_printf (out, ",%.6f", p[best]);
      for (int c = 0; c < C; c++)
        g_string_append_printf (out, ",%.6f", p[c]);
      g_string_append_c (out, '\n');
    }
  if (n_written != NULL)
    *n_written = ds->n;
  /* cancelled while predicting: nothing is written */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  return g_file_set_contents_full (out_path, out->str, (gssize) out->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}
