/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-predictor"

#include "fl-predictor-private.h"

#include "fl-csv.h"

#include "fl-image.h"
#include "fl-json.h"
#include "fl-metrics.h"
#include "fl-safetensors.h"
#include "fl-i18n.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#define FORMAT_TAG "fusionlab-model-1"
/* The version within the format, in "version": 1 (no "version") had image
 * and text only; 2 adds the set of branches, the audio and numeric sizes in
 * the config, and their normalisation ("audio_mean", "audio_std",
 * "numeric_mean", "numeric_std", "numeric_names"). A file of version 1 is
 * an image + text model (or a unimodal one of the two). The audio convs'
 * channels ("audio_conv1", "audio_conv2") came later within version 2:
 * without them they are the defaults, 16 and 32. So did "image_fit"
 * (FlImageFit: "crop" or "pad"), written only when pictures were not
 * squashed, so that a squashing model's file is byte for byte what it was
 * before fits; and "augment", fl_augment_describe() of a model trained
 * with augmentation (a record, not read back). So did the text encoder
 * ("text_encoder": "gru" and its "max_tokens"), written for a GRU only: a
 * file without them is a bag of words; and the GRU's pooling
 * ("text_pool": "mean"), written only when it is not the last state, so
 * that a last-state model's file is byte for byte what it was before. */
#define FORMAT_VERSION 2

/* Images are scaled to [0, 1] before they are normalised: a mean or std
 * far outside that is no normalisation of ours, and a std below the
 * trainer's floor for a constant channel blows the values up. */
#define MAX_NORM 1e6f
#define MIN_STD 1e-6f


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

/* [v[0], …, v[n-1]], each to the float's last digit */
static char *
json_floats (const float *v, int n)
{
  GString *s = g_string_new ("[");

  for (int i = 0; i < n; i++)
    g_string_append_printf (s, "%s%.9g", i > 0 ? ", " : "", v[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

/* Why a normalisation of n means and stds is no normalisation of ours
 * (what, "image"), or NULL: a mean or std not finite or far out of range,
 * or a std below the trainer's floor, which would blow the values up. */
static char *
norm_problem (const char *what, const float *mean, const float *std, int n)
{
  for (int c = 0; c < n; c++)
    if (!(fabsf (mean[c]) <= MAX_NORM) || !(std[c] >= MIN_STD && std[c] <= MAX_NORM))
      return g_strdup_printf (_("its %s normalisation (mean %g, std %g) is not finite "
                              "or divides by nothing"), what, mean[c], std[c]);
  return NULL;
}

/* Why a model's parts do not fit together, or NULL if they do: the config
 * in range, one token per row of the embedding (an empty vocabulary keeps
 * one row, which the trainer gives it), one name per class, and an image
 * normalisation that is finite and divides by something. The reader and
 * the writer both ask, so no file is written that would not be read. */
static char *
parts_problem (const FlConfig *cfg, int n_tokens, int n_names, const FlInputStats *st)
{
  g_autoptr(GError) local = NULL;
  gboolean aud = fl_config_has_branch (cfg, FL_BRANCH_AUDIO);
  gboolean num = fl_config_has_branch (cfg, FL_BRANCH_NUMERIC);
  char *problem;

  if (!fl_config_validate (cfg, &local))
    return g_strdup_printf (_("its config is out of range: %s"), local->message);
  /* more tokens than rows would read past the embedding */
  if (n_tokens != cfg->vocab_size && !(n_tokens == 0 && cfg->vocab_size <= 1))
    return g_strdup_printf (_("its vocabulary has %d tokens but its config says %d"),
                            n_tokens, cfg->vocab_size);
  if (n_names != cfg->n_classes)
    return g_strdup_printf (_("it names %d classes but its config says %d"),
                            n_names, cfg->n_classes);
  if (aud && (st->audio_mels != cfg->audio_mels || st->audio_mean == NULL || st->audio_std == NULL))
    return g_strdup_printf (_("its audio normalisation has %d bands but its config says %d"),
                            st->audio_mels, cfg->audio_mels);
  if (num && (st->n_numeric != cfg->n_numeric || st->numeric_mean == NULL || st->numeric_std == NULL))
    return g_strdup_printf (_("its numeric normalisation has %d columns but its config says %d"),
                            st->n_numeric, cfg->n_numeric);
  if (num && st->numeric_names != NULL && (int) g_strv_length (st->numeric_names) != cfg->n_numeric)
    return g_strdup_printf (_("it names %u numeric columns but its config says %d"),
                            g_strv_length (st->numeric_names), cfg->n_numeric);
  if ((problem = norm_problem (C_("normalisation", "image"), st->image_mean, st->image_std, 3)) != NULL ||
      (aud && (problem = norm_problem (C_("normalisation", "audio"), st->audio_mean, st->audio_std, cfg->audio_mels)) != NULL) ||
      (num && (problem = norm_problem (C_("normalisation", "numeric"), st->numeric_mean, st->numeric_std, cfg->n_numeric)) != NULL))
    return problem;
  return NULL;
}

static gboolean
all_finite (const float *x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return FALSE;
  return TRUE;
}

/* The metadata of a model file: the format tag, the config, the class
 * names, the vocabulary and the image normalisation, as JSON strings. */
static GHashTable *
model_metadata (const FlConfig *c, const FlVocab *vocab, const char *const *class_names,
                const FlInputStats *st)
{
  GHashTable *md = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *branches = fl_branches_to_string (fl_config_branches (c));
  /* a bow model's config stays byte for byte what it was before encoders */
  g_autofree char *text = c->text_encoder == FL_TEXT_BOW ? g_strdup ("")
      : g_strdup_printf (", \"text_encoder\": \"%s\", \"max_tokens\": %d%s",
                         fl_text_encoder_to_string (c->text_encoder), c->max_tokens,
                         c->text_pool == FL_TEXT_POOL_LAST ? "" : ", \"text_pool\": \"mean\"");

  g_hash_table_insert (md, "format", g_strdup (FORMAT_TAG));
  g_hash_table_insert (md, "version", g_strdup (G_STRINGIFY (FORMAT_VERSION)));
  g_hash_table_insert (md, "config", g_strdup_printf (
      "{\"image_size\": %d, \"conv1\": %d, \"conv2\": %d, \"feat_dim\": %d, "
      "\"text_hidden\": %d, \"head_hidden\": %d, \"vocab_size\": %d, \"n_classes\": %d, "
      "\"fusion\": \"%s\", \"rank\": %d, \"branches\": \"%s\", \"audio_mels\": %d, "
      "\"audio_frames\": %d, \"n_numeric\": %d, \"numeric_hidden\": %d, "
      "\"audio_conv1\": %d, \"audio_conv2\": %d%s}",
      c->image_size, c->conv1, c->conv2, c->feat_dim, c->text_hidden, c->head_hidden,
      c->vocab_size, c->n_classes, fl_fusion_to_string (c->fusion), c->rank, branches,
      c->audio_mels, c->audio_frames, c->n_numeric, c->numeric_hidden, c->audio_conv1,
      c->audio_conv2, text));
  g_hash_table_insert (md, "classes", json_string_array (class_names, (int) g_strv_length ((char **) class_names)));
  g_hash_table_insert (md, "vocab", json_string_array (fl_vocab_tokens (vocab), fl_vocab_size (vocab)));
  g_hash_table_insert (md, "image_mean", json_floats (st->image_mean, 3));
  g_hash_table_insert (md, "image_std", json_floats (st->image_std, 3));
  if (st->image_fit != FL_IMAGE_FIT_SQUASH)
    g_hash_table_insert (md, "image_fit", g_strdup (fl_image_fit_to_string (st->image_fit)));
  if (fl_config_has_branch (c, FL_BRANCH_AUDIO))
    {
      g_hash_table_insert (md, "audio_mean", json_floats (st->audio_mean, c->audio_mels));
      g_hash_table_insert (md, "audio_std", json_floats (st->audio_std, c->audio_mels));
    }
  if (fl_config_has_branch (c, FL_BRANCH_NUMERIC))
    {
      g_hash_table_insert (md, "numeric_mean", json_floats (st->numeric_mean, c->n_numeric));
      g_hash_table_insert (md, "numeric_std", json_floats (st->numeric_std, c->n_numeric));
      if (st->numeric_names != NULL)
        g_hash_table_insert (md, "numeric_names",
                             json_string_array ((const char *const *) st->numeric_names, c->n_numeric));
    }
  return md;
}

gboolean
_fl_model_file_write (const char         *path,
                      FlModel            *model,
                      const FlVocab      *vocab,
                      const char *const  *class_names,
                      const FlInputStats *stats,
                      GHashTable         *extra_metadata,
                      const FlStTensor   *extra,
                      int                 n_extra,
                      GError            **error)
{
  const FlConfig *c = fl_model_config (model);
  g_autoptr(GHashTable) md = NULL;
  g_autofree float *emb_t = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *problem = parts_problem (c, fl_vocab_size (vocab),
                                            (int) g_strv_length ((char **) class_names), stats);
  g_autoptr(GArray) tensors = g_array_sized_new (FALSE, FALSE, sizeof (FlStTensor), FL_N_PARAMS + n_extra);
  GHashTableIter it;
  gpointer key, value;

  if (problem == NULL && !all_finite (fl_model_params (model), fl_model_n_params (model)))
    problem = g_strdup (_("its weights are not all finite numbers"));
  if (problem != NULL)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("%s: the model was not saved: %s"), path, problem);
      return FALSE;
    }
  md = model_metadata (c, vocab, class_names, stats);
  if (extra_metadata != NULL)
    {
      g_hash_table_iter_init (&it, extra_metadata);
      while (g_hash_table_iter_next (&it, &key, &value))
        g_hash_table_insert (md, key, g_strdup (value));
    }
  g_array_set_size (tensors, FL_N_PARAMS);
  g_array_set_size (tensors, fl_model_torch_tensors (model, "", (FlStTensor *) tensors->data, names, &emb_t));
  g_array_append_vals (tensors, extra, n_extra);
  return fl_safetensors_save (path, (FlStTensor *) tensors->data, (int) tensors->len, md, error);
}

gboolean
fl_model_file_save (const char        *path,
                    FlModel           *model,
                    const FlVocab     *vocab,
                    const char *const *class_names,
                    const FlInputStats *stats,
                    GError           **error)
{
  return _fl_model_file_write (path, model, vocab, class_names, stats, NULL, NULL, 0, error);
}

void
fl_predictor_free (FlPredictor *pred)
{
  if (pred == NULL)
    return;
  g_clear_pointer (&pred->model, fl_model_free);
  g_clear_pointer (&pred->vocab, fl_vocab_free);
  g_strfreev (pred->class_names);
  fl_input_stats_clear (&pred->stats);
  g_free (pred);
}

gboolean
_fl_model_file_fail (GError **error, const char *path, const char *what)
{
  g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
               _("%s: not a Fusion Lab model file: %s"), path, what);
  return FALSE;
}

/* The root of the JSON text json, parsed by parser (which owns it) after
 * fl_json_parse()'s checks; NULL with error if json is NULL or not JSON. */
static JsonNode *
parse_root (JsonParser *parser, const char *json, GError **error)
{
  if (json == NULL)
    {
      g_set_error_literal (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT, _("it is missing"));
      return NULL;
    }
  if (!fl_json_parse (parser, json, -1, error))
    return NULL;
  return json_parser_get_root (parser);
}

/* The config's sizes, each a JSON integer read whole, never cast from a
 * fraction, a string or a number past an int. */
static const struct {
  const char *key;
  gsize       offset;
} config_sizes[] = {
  { "image_size", offsetof (FlConfig, image_size) },
  { "conv1", offsetof (FlConfig, conv1) },
  { "conv2", offsetof (FlConfig, conv2) },
  { "feat_dim", offsetof (FlConfig, feat_dim) },
  { "text_hidden", offsetof (FlConfig, text_hidden) },
  { "head_hidden", offsetof (FlConfig, head_hidden) },
  { "vocab_size", offsetof (FlConfig, vocab_size) },
  { "n_classes", offsetof (FlConfig, n_classes) },
};

/* Those of version 2, absent before (where the defaults stand; the audio
 * convs' channels are absent from the first version-2 files too). */
static const struct {
  const char *key;
  gsize       offset;
} config_sizes_v2[] = {
  { "rank", offsetof (FlConfig, rank) },
  { "audio_mels", offsetof (FlConfig, audio_mels) },
  { "audio_frames", offsetof (FlConfig, audio_frames) },
  { "n_numeric", offsetof (FlConfig, n_numeric) },
  { "numeric_hidden", offsetof (FlConfig, numeric_hidden) },
  { "audio_conv1", offsetof (FlConfig, audio_conv1) },
  { "audio_conv2", offsetof (FlConfig, audio_conv2) },
  { "max_tokens", offsetof (FlConfig, max_tokens) },
};

/* The text encoder of config o, or a reason it is unreadable: a file from
 * before text encoders is a bag of words, one from before poolings keeps
 * the last state. */
static char *
parse_text_encoder (JsonObject *o, FlConfig *c)
{
  if (json_object_has_member (o, "text_encoder") &&
      !fl_text_encoder_from_string (fl_json_get_string (json_object_get_member (o, "text_encoder")),
                                    &c->text_encoder))
    return g_strdup (_("its config's “text_encoder” is neither bow nor gru"));
  if (json_object_has_member (o, "text_pool") &&
      !fl_text_pool_from_string (fl_json_get_string (json_object_get_member (o, "text_pool")),
                                 &c->text_pool))
    return g_strdup (_("its config's “text_pool” is neither last nor mean"));
  return NULL;
}

/* The config, or a reason it is unreadable (to g_free). Its ranges are
 * checked later, by parts_problem(). */
static char *
parse_config (const char *json, FlConfig *c)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  JsonNode *root = parse_root (parser, json, &local);
  JsonObject *o;

  if (root == NULL)
    return g_strdup_printf (_("its config: %s"), local->message);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return g_strdup (_("its config is not a JSON object"));
  o = json_node_get_object (root);
  fl_config_init_default (c);
  for (gsize i = 0; i < G_N_ELEMENTS (config_sizes); i++)
    {
      gint64 v;

      if (!fl_json_get_int (json_object_get_member (o, config_sizes[i].key), 0, G_MAXINT32, &v))
        return g_strdup_printf (_("its config's “%s” is missing or not a whole number "
                                "from 0 to 2³¹-1"), config_sizes[i].key);
      *(int *) ((char *) c + config_sizes[i].offset) = (int) v;
    }
  if (!fl_fusion_from_string (fl_json_get_string (json_object_get_member (o, "fusion")), &c->fusion))
    return g_strdup (_("its config's “fusion” is missing or unknown"));
  /* files from before the lowrank route have no rank, and from before
   * branch sets no audio or numeric sizes: the defaults stand */
  for (gsize i = 0; i < G_N_ELEMENTS (config_sizes_v2); i++)
    {
      gint64 v;

      if (!json_object_has_member (o, config_sizes_v2[i].key))
        continue;
      if (!fl_json_get_int (json_object_get_member (o, config_sizes_v2[i].key), 0, G_MAXINT32, &v))
        return g_strdup_printf (_("its config's “%s” is not a whole number from 0 to 2³¹-1"),
                                config_sizes_v2[i].key);
      *(int *) ((char *) c + config_sizes_v2[i].offset) = (int) v;
    }
  if (json_object_has_member (o, "branches") &&
      !fl_branches_from_string (fl_json_get_string (json_object_get_member (o, "branches")) != NULL
                                ? fl_json_get_string (json_object_get_member (o, "branches")) : "",
                                &c->branches))
    return g_strdup (_("its config's “branches” is not a set of branches"));
  return parse_text_encoder (o, c);
}

/* The version of st's format: 1 without "version"; 0 if it is not one
 * this reads. */
static int
format_version (FlSafetensors *st)
{
  const char *v = fl_safetensors_metadata (st, "version");

  if (v == NULL)
    return 1;
  return g_strcmp0 (v, "1") == 0 ? 1 : g_strcmp0 (v, G_STRINGIFY (FORMAT_VERSION)) == 0 ? 2 : 0;
}

/* The audio and numeric normalisation of a model of cfg (sizes checked by
 * fl_config_validate() first, so that a file cannot make us allocate more
 * than its config allows), or a reason it is unreadable. */
static char *
read_new_stats (FlSafetensors *st, const FlConfig *cfg, FlInputStats *s)
{
  g_autoptr(GError) local = NULL;

  if (!fl_config_validate (cfg, &local))
    return g_strdup_printf (_("its config is out of range: %s"), local->message);
  if (fl_config_has_branch (cfg, FL_BRANCH_AUDIO))
    {
      s->audio_mels = cfg->audio_mels;
      s->audio_mean = g_new (float, cfg->audio_mels);
      s->audio_std = g_new (float, cfg->audio_mels);
      if (!fl_json_parse_floats (fl_safetensors_metadata (st, "audio_mean"), s->audio_mean, cfg->audio_mels) ||
          !fl_json_parse_floats (fl_safetensors_metadata (st, "audio_std"), s->audio_std, cfg->audio_mels))
        return g_strdup_printf (_("its audio normalisation is missing or not %d numbers a band"),
                                cfg->audio_mels);
    }
  if (fl_config_has_branch (cfg, FL_BRANCH_NUMERIC))
    {
      const char *names = fl_safetensors_metadata (st, "numeric_names");

      s->n_numeric = cfg->n_numeric;
      s->numeric_mean = g_new (float, cfg->n_numeric);
      s->numeric_std = g_new (float, cfg->n_numeric);
      if (!fl_json_parse_floats (fl_safetensors_metadata (st, "numeric_mean"), s->numeric_mean, cfg->n_numeric) ||
          !fl_json_parse_floats (fl_safetensors_metadata (st, "numeric_std"), s->numeric_std, cfg->n_numeric))
        return g_strdup_printf (_("its numeric normalisation is missing or not %d numbers a column"),
                                cfg->n_numeric);
      if (names != NULL && (s->numeric_names = fl_json_parse_strv (names)) == NULL)
        return g_strdup (_("its numeric column names are unreadable"));
    }
  return NULL;
}

/* How the model's pictures were fitted: squash without "image_fit" (files
 * from before fits, and squashing models); FALSE if it is unknown. */
static gboolean
read_image_fit (FlSafetensors *st, FlImageFit *fit)
{
  const char *v = fl_safetensors_metadata (st, "image_fit");

  *fit = FL_IMAGE_FIT_SQUASH;
  return v == NULL || fl_image_fit_from_string (v, fit);
}

/* The metadata of st into pred and cfg, checked against each other; a
 * reason (to g_free) if they are unreadable or disagree. */
static char *
read_parts (FlSafetensors *st, FlPredictor *pred, FlConfig *cfg)
{
  g_auto(GStrv) vocab = NULL;
  char *problem;

  if (g_strcmp0 (fl_safetensors_metadata (st, "format"), FORMAT_TAG) != 0)
    return g_strdup (_("its format tag is missing"));
  if (format_version (st) == 0)
    return g_strdup_printf (_("its “version” is not one this Fusion Lab reads (1 or %d)"),
                            FORMAT_VERSION);
  if ((problem = parse_config (fl_safetensors_metadata (st, "config"), cfg)) != NULL)
    return problem;
  pred->class_names = fl_json_parse_strv (fl_safetensors_metadata (st, "classes"));
  vocab = fl_json_parse_strv (fl_safetensors_metadata (st, "vocab"));
  if (pred->class_names == NULL || vocab == NULL)
    return g_strdup (_("its class names or vocabulary are unreadable"));
  if (!fl_json_parse_floats (fl_safetensors_metadata (st, "image_mean"), pred->stats.image_mean, 3) ||
      !fl_json_parse_floats (fl_safetensors_metadata (st, "image_std"), pred->stats.image_std, 3))
    return g_strdup (_("its image normalisation is unreadable"));
  if (!read_image_fit (st, &pred->stats.image_fit))
    return g_strdup (_("its “image_fit” is none of squash, crop and pad"));
  if ((problem = read_new_stats (st, cfg, &pred->stats)) != NULL)
    return problem;
  problem = parts_problem (cfg, (int) g_strv_length (vocab), (int) g_strv_length (pred->class_names),
                           &pred->stats);
  if (problem == NULL)
    pred->vocab = fl_vocab_new_from_tokens ((const char *const *) vocab, (int) g_strv_length (vocab));
  return problem;
}

static char *
shape_string (int ndim, const gint64 *shape)
{
  g_autoptr(GString) s = g_string_new ("(");

  for (int d = 0; d < ndim; d++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, d > 0 ? ", " : "", shape[d]);
  g_string_append_c (s, ')');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Why the tensors of st are not exactly those cfg implies, or NULL: each
 * used one present with its shape (the embedding as torch lays it out,
 * (Ht, V)), and no other but, in a matching model, those under "match."
 * (which fl-embedder-file.c checks). Asked before a byte of the model is
 * allocated, so that the file's own size bounds what it makes us allocate. */
static char *
tensors_problem (FlSafetensors *st, const FlConfig *cfg, FlModelFileKind kind)
{
  FlTensorInfo t[FL_N_PARAMS];
  const char *const *names = fl_safetensors_names (st);

  fl_model_layout (cfg, t);
  for (int p = 0; p < FL_N_PARAMS; p++)
    {
      gint64 want[4], got[4];
      int nd;

      if (t[p].numel == 0)
        continue;
      for (int d = 0; d < t[p].ndim; d++)
        want[d] = t[p].shape[p == FL_P_TXT_EMB_W ? 1 - d : d];
      if (!fl_safetensors_shape (st, t[p].name, &nd, got))
        return g_strdup_printf (_("it has no tensor “%s”"), t[p].name);
      if (nd != t[p].ndim || memcmp (want, got, sizeof (gint64) * nd) != 0)
        {
          g_autofree char *w = shape_string (t[p].ndim, want), *g = shape_string (nd, got);
          return g_strdup_printf (_("tensor “%s” is %s but its config makes it %s"), t[p].name, g, w);
        }
    }
  for (int i = 0; names[i] != NULL; i++)
    {
      int p = 0;

      if (kind == FL_MODEL_FILE_MATCHER && g_str_has_prefix (names[i], "match."))
        continue;
      while (p < FL_N_PARAMS && (t[p].numel == 0 || strcmp (t[p].name, names[i]) != 0))
        p++;
      if (p == FL_N_PARAMS)
        return g_strdup_printf (_("it holds a tensor “%s” its config has no place for"), names[i]);
    }
  return NULL;
}

/* The weights of st into pred->model, whose shapes tensors_problem() has
 * checked; NaN or infinite weights would make every prediction NaN. */
static gboolean
read_weights (FlSafetensors *st, FlPredictor *pred, const char *path, GError **error)
{
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
            return FALSE;
          transpose (dst, tmp, t->shape[1], t->shape[0]);
        }
      else if (!fl_safetensors_read (st, t->name, dst, t->numel, error))
        return FALSE;
      if (!all_finite (dst, t->numel))
        {
          g_autofree char *why = g_strdup_printf (_("tensor “%s” holds NaN or infinite values"), t->name);
          return _fl_model_file_fail (error, path, why);
        }
    }
  return TRUE;
}

/* Whether st (from path) is of kind, by its "task": "match" for a
 * matching model, none (or "classify") for a classifier; if not, a
 * FL_ENGINE_ERROR_FORMAT that says what it is. */
static gboolean
check_kind (FlSafetensors *st, const char *path, FlModelFileKind kind, GError **error)
{
  const char *task = fl_safetensors_metadata (st, "task");
  gboolean match = g_strcmp0 (task, "match") == 0;

  if (task != NULL && !match && strcmp (task, "classify") != 0)
    return _fl_model_file_fail (error, path, _("its “task” is not one this Fusion Lab reads (match or classify)"));
  if (match && kind == FL_MODEL_FILE_CLASSIFIER)
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
                 _("%s: a matching model (task match): use fusionlab-cli search"), path);
  else if (!match && kind == FL_MODEL_FILE_MATCHER)
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
                 _("%s: a classifier, not a matching model"), path);
  else
    return TRUE;
  return FALSE;
}

FlPredictor *
_fl_model_file_read (FlSafetensors *st, const char *path, FlModelFileKind kind, GError **error)
{
  g_autoptr(FlPredictor) pred = g_new0 (FlPredictor, 1);
  g_autofree char *problem = NULL;
  FlConfig cfg;

  if (g_strcmp0 (fl_safetensors_metadata (st, "format"), FORMAT_TAG) == 0 &&
      !check_kind (st, path, kind, error))
    return NULL;
  problem = read_parts (st, pred, &cfg);
  if (problem == NULL)
    problem = tensors_problem (st, &cfg, kind);
  if (problem != NULL)
    return _fl_model_file_fail (error, path, problem), NULL;
  /* cannot fail: parts_problem() validated the config */
  pred->model = fl_model_new_inference (&cfg, NULL);
  g_assert (pred->model != NULL);
  if (!read_weights (st, pred, path, error))
    return NULL;
  return g_steal_pointer (&pred);
}

FlPredictor *
fl_predictor_load (const char *path, GError **error)
{
  g_autoptr(FlSafetensors) st = fl_safetensors_load (path, error);

  if (st == NULL)
    return NULL;
  return _fl_model_file_read (st, path, FL_MODEL_FILE_CLASSIFIER, error);
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

const FlVocab *
fl_predictor_vocab (FlPredictor *pred)
{
  return pred->vocab;
}

int
fl_predictor_image_size (FlPredictor *pred)
{
  return fl_model_config (pred->model)->image_size;
}

FlImageFit
fl_predictor_image_fit (FlPredictor *pred)
{
  return pred->stats.image_fit;
}
