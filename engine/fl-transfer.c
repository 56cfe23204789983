/* SPDX-License-Identifier: MIT
 *
 * Transfer (fl-transfer.h): branches from a model file, the text embedding
 * from word vectors, and the run's part of both (fl_run_new()).
 */
#define G_LOG_DOMAIN "fl-transfer"

#include "fl-transfer.h"

#include "fl-json.h"
#include "fl-safetensors.h"
#include "fl-trainer-private.h"
#include "fl-word-vectors.h"
#include "fl-i18n.h"

#include <math.h>
#include <string.h>

#define FORMAT_TAG "fusionlab-model-1"

/* What loading from one file needs. */
typedef struct {
  FlSafetensors *st;
  const char    *path;
  FlModel       *model;
  const FlVocab *vocab;
  const FlInputStats *stats;
  FlVocab       *src_vocab;   /* the file's, or NULL if unreadable */
  int            found;       /* words of vocab the file's vocabulary has */
} Source;

static char *
shape_string (int ndim, const gint64 *shape)
{
  GString *s = g_string_new ("(");

  for (int d = 0; d < ndim; d++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, d > 0 ? ", " : "", shape[d]);
  g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

/* Why tensor p cannot be loaded from the file, or NULL. The embedding is
 * (Ht, V) in the file (torch's layout): its Ht must agree, and its V be
 * the file's vocabulary's. */
static char *
tensor_problem (Source *src, FlParam p)
{
  const FlTensorInfo *t = fl_model_tensor (src->model, p);
  gint64 want[4], got[4];
  int nd;

  /* a tensor this model's encoder lacks (the gru's, the bag's bias) */
  if (t->numel == 0)
    return NULL;
  for (int d = 0; d < t->ndim; d++)
    want[d] = t->shape[d];
  if (!fl_safetensors_shape (src->st, t->name, &nd, got))
    return g_strdup_printf (_("the file has no %s"), t->name);
  if (p == FL_P_TXT_EMB_W)
    {
      if (src->src_vocab == NULL)
        return g_strdup (_("the file's vocabulary is unreadable"));
      want[0] = t->shape[1];
      want[1] = fl_vocab_size (src->src_vocab);
    }
  if (nd != t->ndim || memcmp (want, got, sizeof (gint64) * nd) != 0)
    {
      g_autofree char *w = shape_string (t->ndim, want), *g = shape_string (nd, got);
      return g_strdup_printf (_("%s is %s there, %s here"), t->name, g, w);
    }
  return NULL;
}

/* The embedding's rows by word: row i of the model gets the file's row of
 * vocab word i; src->found counts them. emb is the file's (Ht, Vs). */
static void
copy_rows_by_word (Source *src, const float *emb)
{
  const FlTensorInfo *t = fl_model_tensor (src->model, FL_P_TXT_EMB_W);
  float *dst = fl_model_params (src->model) + t->offset;
  const int V = t->shape[0], H = t->shape[1], Vs = fl_vocab_size (src->src_vocab);

  src->found = 0;
  for (int i = 0; i < V && i < fl_vocab_size (src->vocab); i++)
    {
      int j = fl_vocab_lookup (src->src_vocab, fl_vocab_token (src->vocab, i));
      if (j < 0)
        continue;
      for (int h = 0; h < H; h++)
        dst[(gsize) i * H + h] = emb[(gsize) h * Vs + j];
      src->found++;
    }
}

/* Reads tensors first..last into the model (the embedding by word). */
static gboolean
read_tensors (Source *src, FlParam first, FlParam last, GError **error)
{
  for (FlParam p = first; p <= last; p++)
    {
      const FlTensorInfo *t = fl_model_tensor (src->model, p);
      gsize n = p == FL_P_TXT_EMB_W ? (gsize) t->shape[1] * fl_vocab_size (src->src_vocab) : t->numel;
      g_autofree float *tmp = NULL;

      if (t->numel == 0)
        continue;
      tmp = g_new (float, MAX (n, 1));
      if (!fl_safetensors_read (src->st, t->name, tmp, n, error))
        return FALSE;
      for (gsize i = 0; i < n; i++)
        if (!isfinite (tmp[i]))
          {
            g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
                         _("%s: tensor “%s” holds NaN or infinite values"), src->path, t->name);
            return FALSE;
          }
      if (p == FL_P_TXT_EMB_W)
        copy_rows_by_word (src, tmp);
      else
        memcpy (fl_model_params (src->model) + t->offset, tmp, sizeof (float) * n);
    }
  return TRUE;
}

/* Why branch b's inputs are not the file's model's, or NULL: a numeric
 * branch reads columns, and loads only from a model of the same columns
 * (by name). The other branches read pixels and sounds alike anywhere. */
static char *
inputs_problem (Source *src, FlBranch b)
{
  g_auto(GStrv) names = NULL;

  if (b != FL_BRANCH_NUMERIC)
    return NULL;
  names = fl_json_parse_strv (fl_safetensors_metadata (src->st, "numeric_names"));
  if (names == NULL || src->stats->numeric_names == NULL ||
      !g_strv_equal ((const char *const *) names, (const char *const *) src->stats->numeric_names))
    return g_strdup (_("its numeric columns are not this data's"));
  return NULL;
}

/* The layers of a branch loaded, "conv1, conv2, img_fc", for the report;
 * the embedding with the words found. */
static void
append_layers (GString *out, Source *src, FlParam first, FlParam last)
{
  const char *prev = NULL;

  for (FlParam p = first; p <= last; p++)
    {
      const FlTensorInfo *t = fl_model_tensor (src->model, p);
      const char *dot = strchr (t->name, '.');

      /* a layer once, by its first tensor: "txt_gru", not its four */
      if (t->numel == 0 || (prev != NULL && strncmp (prev, t->name, dot - t->name + 1) == 0))
        continue;
      g_string_append_printf (out, "%s%.*s", prev != NULL ? ", " : "", (int) (dot - t->name), t->name);
      prev = t->name;
      if (p == FL_P_TXT_EMB_W)
        g_string_append_printf (out, _(": %d of %d words found"), src->found, fl_vocab_size (src->vocab));
    }
}

/* Loads branch b when it fits, adding "image loaded (…)" or "image
 * skipped: why" to out; FALSE on an error of the file. */
static gboolean
load_branch (Source *src, FlBranch b, GString *out, guint *loaded, GError **error)
{
  FlParam first, last;
  g_autofree char *problem = NULL;

  fl_branch_params (b, &first, &last);
  for (FlParam p = first; p <= last && problem == NULL; p++)
    problem = tensor_problem (src, p);
  if (problem == NULL)
    problem = inputs_problem (src, b);
  if (problem != NULL)
    {
      g_string_append_printf (out, _("%s skipped: %s"), fl_branch_to_string (b), problem);
      return TRUE;
    }
  if (!read_tensors (src, first, last, error))
    return FALSE;
  *loaded |= FL_BRANCH_BIT (b);
  /* TRANSLATORS: "image loaded (conv1, conv2, img_fc)": the branch, then its layers */
  g_string_append_printf (out, _("%s loaded ("), fl_branch_to_string (b));
  append_layers (out, src, first, last);
  g_string_append_c (out, ')');
  return TRUE;
}

gboolean
fl_transfer_init_from (FlModel            *model,
                       const FlVocab      *vocab,
                       const FlInputStats *stats,
                       const char         *path,
                       guint              *loaded,
                       char              **report,
                       GError            **error)
{
  g_autoptr(FlSafetensors) st = fl_safetensors_load (path, error);
  g_auto(GStrv) words = NULL;
  g_autoptr(GString) out = NULL;
  Source src = { st, path, model, vocab, stats, NULL, 0 };
  guint got = 0, branches = fl_config_branches (fl_model_config (model));
  gboolean ok = TRUE, first = TRUE;
  const char *task;

  if (st == NULL)
    return FALSE;
  if (g_strcmp0 (fl_safetensors_metadata (st, "format"), FORMAT_TAG) != 0)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
                   _("%s: not a Fusion Lab model file: its format tag is missing"), path);
      return FALSE;
    }
  if ((words = fl_json_parse_strv (fl_safetensors_metadata (st, "vocab"))) != NULL)
    src.src_vocab = fl_vocab_new_from_tokens ((const char *const *) words, -1);
  task = fl_safetensors_metadata (st, "task");
  out = g_string_new (NULL);
  g_string_append_printf (out, g_strcmp0 (task, "match") == 0 ? _("init from %s (a matching model): ")
                                                             : _("init from %s: "), path);
  for (int b = 0; b < FL_N_BRANCHES && ok; b++)
    if (branches & FL_BRANCH_BIT (b))
      {
        if (!first)
          g_string_append (out, "; ");
        first = FALSE;
        ok = load_branch (&src, b, out, &got, error);
      }
  g_clear_pointer (&src.src_vocab, fl_vocab_free);
  if (!ok)
    return FALSE;
  g_string_append (out, _("; fusion and head fresh; inputs normalised with this data's statistics"));
  if (loaded != NULL)
    *loaded = got;
  if (report != NULL)
    *report = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

gboolean
fl_transfer_word_vectors (FlModel       *model,
                          const FlVocab *vocab,
                          const char    *path,
                          char         **report,
                          GError       **error)
{
  const FlConfig *c = fl_model_config (model);
  const FlTensorInfo *t = fl_model_tensor (model, FL_P_TXT_EMB_W);
  g_auto(FlWordVectorsStats) ws = { 0 };
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (t->numel > 0, FALSE);
  /* an empty vocabulary keeps one row, which no word names */
  if (!fl_word_vectors_load (path, vocab, c->text_hidden, fl_model_params (model) + t->offset,
                             NULL, &ws, NULL, error))
    return FALSE;
  out = g_string_new (NULL);
  g_string_append_printf (out, _("word vectors: %d of %d words found in %s"), ws.found,
                          fl_vocab_size (vocab), path);
  if (ws.skipped > 0)
    g_string_append_printf (out, _("; %lld line(s) skipped (first: %s)"),
                            (long long) ws.skipped, ws.first_skip);
  if (ws.duplicates > 0)
    g_string_append_printf (out, _("; %lld repeated word(s), the first vector kept"),
                            (long long) ws.duplicates);
  if (report != NULL)
    *report = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

/* The run's transfer, after its model is built: word vectors, then the
 * branches of init_from (whose rows win for the words its model has),
 * then the frozen branches; the report kept for fl_run_transfer_report(). */
gboolean
_fl_run_transfer (FlRun *run, GError **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  gboolean text = (run->branches & FL_BRANCH_BIT (FL_BRANCH_TEXT)) != 0;
  char *line = NULL;

  run->s.init_from = run->init_from = g_strdup (run->s.init_from);
  run->s.word_vectors = run->word_vectors = g_strdup (run->s.word_vectors);
  if (run->word_vectors != NULL && !text)
    g_ptr_array_add (lines, g_strdup (_("word vectors: not used, the run has no text branch")));
  else if (run->word_vectors != NULL)
    {
      if (!fl_transfer_word_vectors (run->model, run->vocab, run->word_vectors, &line, error))
        return FALSE;
      g_ptr_array_add (lines, line);
    }
  if (run->init_from != NULL)
    {
      if (!fl_transfer_init_from (run->model, run->vocab, &run->stats, run->init_from, NULL, &line, error))
        return FALSE;
      g_ptr_array_add (lines, line);
    }
  fl_model_set_frozen (run->model, run->s.freeze & run->branches);
  if (run->s.freeze & run->branches)
    {
      g_autofree char *names = fl_branches_to_string (run->s.freeze & run->branches);
      g_ptr_array_add (lines, g_strdup_printf (_("frozen: %s (no gradient step)"), names));
    }
  g_ptr_array_add (lines, NULL);
  if (lines->len > 1)
    run->transfer_report = g_strjoinv ("\n", (char **) lines->pdata);
  return TRUE;
}

const char *
fl_run_transfer_report (FlRun *run)
{
  return run->transfer_report;
}

gboolean
fl_transfer_same_split (FlRun *run, const char *path, char **why, GError **error)
{
  g_autoptr(FlSafetensors) st = fl_safetensors_load (path, error);
  g_auto(GStrv) words = NULL;
  float mean[3], std[3];
  const char *const *ours = fl_vocab_tokens (run->vocab);

  *why = NULL;
  if (st == NULL)
    return FALSE;
  words = fl_json_parse_strv (fl_safetensors_metadata (st, "vocab"));
  if (words == NULL || !fl_json_parse_floats (fl_safetensors_metadata (st, "image_mean"), mean, 3) ||
      !fl_json_parse_floats (fl_safetensors_metadata (st, "image_std"), std, 3))
    *why = g_strdup (_("its vocabulary or image statistics are unreadable"));
  else if (!g_strv_equal ((const char *const *) words, ours))
    *why = g_strdup_printf (_("its vocabulary (%u words) is not this training split's (%d words)"),
                            g_strv_length (words), fl_vocab_size (run->vocab));
  else if (memcmp (mean, run->stats.image_mean, sizeof (float) * 3) != 0 ||
           memcmp (std, run->stats.image_std, sizeof (float) * 3) != 0)
    *why = g_strdup (_("its image statistics are not this training split's"));
  return *why == NULL;
}

/* Whether the file's vocabulary has a word and all its words are in the
 * data's texts: a vocabulary built from some split of this data. */
static gboolean
vocab_of_data (FlRun *run, const char *path, GError **error)
{
  g_autoptr(FlSafetensors) st = fl_safetensors_load (path, error);
  g_auto(GStrv) words = NULL;
  g_autoptr(FlVocab) all = NULL;

  if (st == NULL)
    return FALSE;
  words = fl_json_parse_strv (fl_safetensors_metadata (st, "vocab"));
  if (words == NULL || words[0] == NULL)
    return FALSE;
  all = fl_vocab_build ((const char *const *) run->ds->texts, run->ds->n, 0);
  for (int i = 0; words[i] != NULL; i++)
    if (fl_vocab_lookup (all, words[i]) < 0)
      return FALSE;
  return TRUE;
}

gboolean
fl_transfer_held_out_seen (FlRun *run, char **why, GError **error)
{
  g_autofree char *differs = NULL;
  const char *path = run->init_from;

  *why = NULL;
  if (path == NULL || fl_transfer_same_split (run, path, &differs, error) || differs == NULL)
    return FALSE;
  if (!vocab_of_data (run, path, error))
    return FALSE;
  *why = g_strdup_printf (_("warning: %s was trained on this data but not on this training split "
                          "(another seed or validation fraction?): it may have seen held-out "
                          "samples, so the validation figures may be too high"), path);
  return TRUE;
}
