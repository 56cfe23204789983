/* SPDX-License-Identifier: MIT
 *
 * The matching model file: a model file (fl-predictor.c writes and checks
 * its common parts) whose branch tensors keep a classifier's names, so
 * that a classifier can start from either kind's branches; the fusion and
 * head tensors are the matcher's model's, never trained. Its own parts:
 *
 *   tensors   match.image_proj.weight (E,D), match.image_proj.bias (E),
 *             match.text_proj.weight (E,D), match.text_proj.bias (E),
 *             match.log_scale () — CLIP's logit_scale, a scalar
 *   metadata  "task": "match", "loss": "infonce" | "hinge" | "mapping",
 *             "map_loss": "cosine" | "mse" — mapping's kind, only with
 *             "loss": "mapping" (a file without it: cosine, the default),
 *             "embed_dim": E, "batch_size": the matcher's,
 *             "data": {"images", "csv", "image_col", "text_col",
 *             "label_col"} — the data it was trained on, each member a
 *             string where known (paths absolute); "augment":
 *             fl_augment_describe(), only when the training pictures were
 *             augmented (a record: read back as present or not)
 *
 * How the pictures were fitted to S×S is the model file's common
 * "image_fit" (fl-predictor.c: written unless squash, read as squash when
 * absent, a value other than squash, crop and pad refused), so a matching
 * model of padded pictures embeds new ones padded.
 */
#define G_LOG_DOMAIN "fl-embedder"

#include "fl-embedder-private.h"

#include "fl-augment.h"
#include "fl-json.h"
#include "fl-predictor-private.h"
#include "fl-safetensors.h"
#include "fl-i18n.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* Where each projection tensor lies in the block (fl-embedder-private.h)
 * and its shape, for D and E. */
typedef struct {
  const char *name;
  int         ndim;
  gint64      shape[2];
  gsize       offset;
} ProjTensor;

#define N_PROJ_TENSORS (2 * FL_N_EMBED + 1)

static void
proj_layout (int D, int E, ProjTensor t[N_PROJ_TENSORS])
{
  static const char *const names[N_PROJ_TENSORS] = {
    "match.image_proj.weight", "match.image_proj.bias",
    "match.text_proj.weight", "match.text_proj.bias", "match.log_scale",
  };
  const gsize per = (gsize) E * D + E;

  for (int k = 0; k < FL_N_EMBED; k++)
    {
      t[2 * k] = (ProjTensor) { names[2 * k], 2, { E, D }, k * per };
      t[2 * k + 1] = (ProjTensor) { names[2 * k + 1], 1, { E }, k * per + (gsize) E * D };
    }
  t[2 * FL_N_EMBED] = (ProjTensor) { names[2 * FL_N_EMBED], 0, { 0 }, FL_N_EMBED * per };
}

/* The members of "data" and the fields of FlDataSpec they fill. */
static const struct {
  const char *key;
  gsize       offset;
} data_keys[] = {
  { "images", offsetof (FlDataSpec, images_dir) },
  { "csv", offsetof (FlDataSpec, csv_path) },
  { "image_col", offsetof (FlDataSpec, image_col) },
  { "text_col", offsetof (FlDataSpec, text_col) },
  { "label_col", offsetof (FlDataSpec, label_col) },
};

static const char *
spec_field (const FlDataSpec *spec, gsize i)
{
  return *(const char *const *) ((const char *) spec + data_keys[i].offset);
}

static char *
data_json (const FlDataSpec *spec)
{
  g_autoptr(JsonBuilder) jb = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (jb);
  for (gsize i = 0; i < G_N_ELEMENTS (data_keys); i++)
    if (spec_field (spec, i) != NULL)
      {
        json_builder_set_member_name (jb, data_keys[i].key);
        json_builder_add_string_value (jb, spec_field (spec, i));
      }
  json_builder_end_object (jb);
  root = json_builder_get_root (jb);
  return json_to_string (root, FALSE);
}

gboolean
fl_embedder_save (FlEmbedder *e, const char *path, GError **error)
{
  g_autoptr(GHashTable) md = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  ProjTensor layout[N_PROJ_TENSORS];
  FlStTensor t[N_PROJ_TENSORS];

  for (gsize i = 0; i < e->n_proj; i++)
    if (!isfinite (e->proj[i]))
      {
        g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                     _("%s: the model was not saved: its projections are not all finite numbers"), path);
        return FALSE;
      }
  proj_layout (e->D, e->E, layout);
  for (int i = 0; i < N_PROJ_TENSORS; i++)
    t[i] = (FlStTensor) { layout[i].name, layout[i].ndim, { layout[i].shape[0], layout[i].shape[1] },
                          e->proj + layout[i].offset };
  g_hash_table_insert (md, "task", g_strdup ("match"));
  g_hash_table_insert (md, "loss", g_strdup (fl_match_loss_to_string (e->loss)));
  if (e->loss == FL_MATCH_LOSS_MAPPING)
    g_hash_table_insert (md, "map_loss", g_strdup (fl_map_loss_to_string (e->map_loss)));
  g_hash_table_insert (md, "embed_dim", g_strdup_printf ("%d", e->E));
  g_hash_table_insert (md, "batch_size", g_strdup_printf ("%d", e->batch_size));
  g_hash_table_insert (md, "data", data_json (&e->spec));
  if (e->augmented)
    g_hash_table_insert (md, "augment", g_strdup (fl_augment_describe ()));
  return _fl_model_file_write (path, e->model, e->vocab, (const char *const *) e->class_names,
                               &e->stats, md, t, N_PROJ_TENSORS, error);
}

/* The decimal integer in [min, max] that metadata key holds. */
static gboolean
metadata_int (FlSafetensors *st, const char *key, gint64 min, gint64 max, int *out)
{
  const char *s = fl_safetensors_metadata (st, key);
  gint64 v;

  if (s == NULL || !g_ascii_string_to_signed (s, 10, min, max, &v, NULL))
    return FALSE;
  *out = (int) v;
  return TRUE;
}

/* The strings of "data" into spec, owned by parser; a reason (to g_free)
 * if it is not an object of strings. Absent: nothing known. */
static char *
read_data_spec (FlSafetensors *st, JsonParser *parser, FlDataSpec *spec)
{
  const char *json = fl_safetensors_metadata (st, "data");
  g_autoptr(GError) local = NULL;
  JsonObject *o;

  if (json == NULL)
    return NULL;
  if (!fl_json_parse (parser, json, -1, &local))
    return g_strdup_printf (_("its “data”: %s"), local->message);
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_strdup (_("its “data” is not a JSON object"));
  o = json_node_get_object (json_parser_get_root (parser));
  for (gsize i = 0; i < G_N_ELEMENTS (data_keys); i++)
    {
      JsonNode *n = json_object_get_member (o, data_keys[i].key);
      const char *v = fl_json_get_string (n);

      if (n != NULL && v == NULL)
        return g_strdup_printf (_("its “data”'s “%s” is not a string"), data_keys[i].key);
      *(const char **) ((char *) spec + data_keys[i].offset) = v;
    }
  return NULL;
}

/* Why st's "match." tensors are not the projections of E rows over D, and
 * nothing else, or NULL. */
static char *
proj_problem (FlSafetensors *st, int D, int E)
{
  const char *const *names = fl_safetensors_names (st);
  ProjTensor t[N_PROJ_TENSORS];

  proj_layout (D, E, t);
  for (int i = 0; i < N_PROJ_TENSORS; i++)
    {
      gint64 shape[4];
      int nd;

      if (!fl_safetensors_shape (st, t[i].name, &nd, shape))
        return g_strdup_printf (_("it has no tensor “%s”"), t[i].name);
      if (nd != t[i].ndim || memcmp (shape, t[i].shape, sizeof (gint64) * nd) != 0)
        return g_strdup_printf (_("tensor “%s” is not of the shape its embed_dim (%d) and config (%d) "
                                "make it"), t[i].name, E, D);
    }
  for (int j = 0; names[j] != NULL; j++)
    {
      int i = 0;

      while (i < N_PROJ_TENSORS && strcmp (names[j], t[i].name) != 0)
        i++;
      if (i == N_PROJ_TENSORS && g_str_has_prefix (names[j], "match."))
        return g_strdup_printf (_("it holds a tensor “%s” a matching model has no place for"), names[j]);
    }
  return NULL;
}

/* The matcher's settings in st's metadata, and a config of pictures and
 * texts; a reason (to g_free) if not. */
static char *
match_problem (FlSafetensors *st, const FlConfig *cfg, FlMatchLoss *loss, FlMapLoss *map_loss,
               int *E, int *B)
{
  const char *map = fl_safetensors_metadata (st, "map_loss");

  if (fl_config_branches (cfg) != FL_BRANCHES_IMAGE_TEXT)
    return g_strdup (_("a matching model is of pictures and texts, and its config has other branches"));
  if (!fl_match_loss_from_string (fl_safetensors_metadata (st, "loss"), loss))
    return g_strdup (_("its “loss” is missing or not one this Fusion Lab reads (infonce, hinge or mapping)"));
  if (map != NULL && !fl_map_loss_from_string (map, map_loss))
    return g_strdup (_("its “map_loss” is not one this Fusion Lab reads (cosine or mse)"));
  if (!metadata_int (st, "embed_dim", 1, FL_MATCH_MAX_EMBED, E))
    return g_strdup_printf (_("its “embed_dim” is missing or not a whole number from 1 to %d"),
                            FL_MATCH_MAX_EMBED);
  if (!metadata_int (st, "batch_size", 1, 65536, B))
    return g_strdup (_("its “batch_size” is missing or not a whole number from 1 to 65536"));
  return NULL;
}

/* The projection block of st, whose shapes proj_problem() has checked;
 * NULL with error if it cannot be read or holds NaN or infinite values. */
static float *
read_proj (FlSafetensors *st, const char *path, int D, int E, GError **error)
{
  const gsize n = (gsize) FL_N_EMBED * ((gsize) E * D + E) + 1;
  g_autofree float *proj = g_new (float, n);
  ProjTensor t[N_PROJ_TENSORS];

  proj_layout (D, E, t);
  for (int i = 0; i < N_PROJ_TENSORS; i++)
    {
      gsize numel = t[i].ndim == 0 ? 1 : t[i].ndim == 1 ? (gsize) E : (gsize) E * D;

      if (!fl_safetensors_read (st, t[i].name, proj + t[i].offset, numel, error))
        return NULL;
    }
  for (gsize i = 0; i < n; i++)
    if (!isfinite (proj[i]))
      return _fl_model_file_fail (error, path, _("its projections hold NaN or infinite values")), NULL;
  return g_steal_pointer (&proj);
}

FlEmbedder *
fl_embedder_load (const char *path, GError **error)
{
  g_autoptr(FlSafetensors) st = fl_safetensors_load (path, error);
  g_autoptr(FlPredictor) pred = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *problem = NULL;
  g_autofree float *proj = NULL;
  FlDataSpec spec = { .images_dir = NULL };
  FlMatchLoss loss = FL_MATCH_LOSS_INFONCE;
  FlMapLoss map_loss = FL_MAP_LOSS_COSINE;   /* files written before map_loss was */
  FlEmbedder *e;
  int E = 0, B = 0, D;

  if (st == NULL || (pred = _fl_model_file_read (st, path, FL_MODEL_FILE_MATCHER, error)) == NULL)
    return NULL;
  D = fl_model_config (pred->model)->feat_dim;
  problem = match_problem (st, fl_model_config (pred->model), &loss, &map_loss, &E, &B);
  if (problem == NULL)
    problem = proj_problem (st, D, E);
  if (problem == NULL)
    problem = read_data_spec (st, parser, &spec);
  if (problem != NULL)
    return _fl_model_file_fail (error, path, problem), NULL;
  if ((proj = read_proj (st, path, D, E, error)) == NULL)
    return NULL;
  e = _fl_embedder_new (g_steal_pointer (&pred->model), g_steal_pointer (&pred->vocab), &pred->stats,
                        g_steal_pointer (&pred->class_names), loss, E, g_steal_pointer (&proj), B, &spec);
  e->map_loss = map_loss;
  e->augmented = fl_safetensors_metadata (st, "augment") != NULL;
  return e;
}
