/* SPDX-License-Identifier: MIT
 *
 * A run handed to PyTorch (fl-torch-export.h): the data as safetensors
 * shards, the split and the engine's visiting order, the initial weights
 * as a model file, and model.py, train.py and a README from the embedded
 * resources/torch/.
 */
#define G_LOG_DOMAIN "fl-torch-export"

#include "fl-torch-export.h"

#include "fl-inputs.h"
#include "fl-safetensors.h"
#include "fl-trainer-private.h"
#include "fl-i18n.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* fl-torch-resources.c, made by glib-compile-resources */
GResource *fl_torch_get_resource (void);

/* A shard holds about this much, so that no file is too large to write in
 * one piece or to copy about, and a reader maps only what it reads. */
#define SHARD_BYTES (256u << 20)
#define FORMAT_TAG "fusionlab-torch-export-1"

/* dir ready to write into: made if missing; refused if it is a file, or a
 * folder with something in it and not force. */
static gboolean
prepare_dir (const char *dir, gboolean force, GError **error)
{
  g_autoptr(GDir) d = NULL;
  g_autofree char *data = g_build_filename (dir, "data", NULL);

  if (g_file_test (dir, G_FILE_TEST_EXISTS) && !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("%s: exists and is not a folder"), dir);
      return FALSE;
    }
  d = g_dir_open (dir, 0, NULL);
  if (d != NULL && g_dir_read_name (d) != NULL && !force)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("%s: the folder is not empty; choose an empty one"), dir);
      return FALSE;
    }
  if (g_mkdir_with_parents (data, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), _("%s: cannot make the folder: %s"),
                   data, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

/* The bytes a sample takes in a shard, its tokens aside. */
static gsize
sample_bytes (FlRun *run)
{
  FlDataset *ds = run->ds;
  gsize b = (gsize) 3 * ds->image_size * ds->image_size + 12;

  if (run->branches & FL_BRANCH_BIT (FL_BRANCH_AUDIO))
    b += sizeof (float) * ds->audio_mels * ds->audio_frames;
  if (run->branches & FL_BRANCH_BIT (FL_BRANCH_NUMERIC))
    b += sizeof (float) * 2 * ds->n_numeric;
  return b;
}

typedef struct {
  FlStTensor t[6];
  FlStDtype  dtype[6];
  int        n;
} Tensors;

static void
add (Tensors *ts, const char *name, FlStDtype dtype, const void *data, int ndim,
     gint64 d0, gint64 d1, gint64 d2, gint64 d3)
{
  ts->t[ts->n] = (FlStTensor) { name, ndim, { d0, d1, d2, d3 }, data };
  ts->dtype[ts->n++] = dtype;
}

/* Samples [lo, lo + m) into path. */
static gboolean
write_shard (FlRun *run, const char *path, int lo, int m, GError **error)
{
  FlDataset *ds = run->ds;
  const int S = ds->image_size, M = ds->audio_mels, T = ds->audio_frames, K = ds->n_numeric;
  const FlInputStats *st = &run->stats;
  g_autofree gint32 *off = g_new (gint32, m + 1);
  g_autofree float *audio = NULL, *numeric = NULL;
  Tensors ts = { 0 };

  for (int i = 0; i <= m; i++)
    off[i] = run->tok_off[lo + i] - run->tok_off[lo];
  add (&ts, "images", FL_ST_U8, ds->images + (gsize) lo * 3 * S * S, 4, m, 3, S, S);
  add (&ts, "tok_off", FL_ST_I32, off, 1, m + 1, 0, 0, 0);
  add (&ts, "tok_idx", FL_ST_I32, run->tok_idx + run->tok_off[lo], 1, off[m], 0, 0, 0);
  add (&ts, "labels", FL_ST_I32, ds->labels + lo, 1, m, 0, 0, 0);
  if (run->branches & FL_BRANCH_BIT (FL_BRANCH_AUDIO))
    {
      audio = g_new (float, (gsize) m * M * T);
      fl_audio_normalise (audio, ds->audio + (gsize) lo * M * T, m, M, T, st->audio_mean, st->audio_std);
      add (&ts, "audio", FL_ST_F32, audio, 4, m, 1, M, T);
    }
  if (run->branches & FL_BRANCH_BIT (FL_BRANCH_NUMERIC))
    {
      numeric = g_new (float, (gsize) m * 2 * K);
      fl_numeric_encode (numeric, ds->numeric + (gsize) lo * K, m, K, st->numeric_mean, st->numeric_std);
      add (&ts, "numeric", FL_ST_F32, numeric, 2, m, 2 * K, 0, 0);
    }
  return fl_safetensors_save_typed (path, ts.t, ts.dtype, ts.n, NULL, error);
}

/* The shards, their names (relative to dir) added to names. */
static gboolean
write_shards (FlRun *run, const char *dir, GPtrArray *names, GError **error)
{
  const int n = run->ds->n;
  const int per = (int) CLAMP (SHARD_BYTES / sample_bytes (run), 1, G_MAXINT32 / 2);

  for (int lo = 0, k = 0; lo < n; lo += per, k++)
    {
      char *name = g_strdup_printf ("data/shard-%05d.safetensors", k);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_ptr_array_add (names, name);
      if (!write_shard (run, path, lo, MIN (per, n - lo), error))
        return FALSE;
    }
  return TRUE;
}

/* split.safetensors: the split, and the engine's order of every epoch. */
static gboolean
write_split (FlRun *run, const char *dir, GError **error)
{
  const int nt = (int) run->train_idx->len, E = run->s.epochs;
  g_autofree char *path = g_build_filename (dir, "split.safetensors", NULL);
  g_autofree gint32 *order = g_new (gint32, (gsize) E * MAX (nt, 1));
  g_autofree guint8 *drop = run->drops != NULL ? g_new (guint8, (gsize) E * MAX (nt, 1)) : NULL;
  Tensors ts = { 0 };

  _fl_run_visit_order (run, order, drop);
  add (&ts, "train_idx", FL_ST_I32, run->train_idx->data, 1, nt, 0, 0, 0);
  add (&ts, "val_idx", FL_ST_I32, run->val_idx->data, 1, run->val_idx->len, 0, 0, 0);
  add (&ts, "train_order", FL_ST_I32, order, 2, E, nt, 0, 0);
  if (drop != NULL)
    add (&ts, "train_drop", FL_ST_U8, drop, 2, E, nt, 0, 0);
  return fl_safetensors_save_typed (path, ts.t, ts.dtype, ts.n, NULL, error);
}

static gboolean
write_json (const char *dir, const char *name, JsonNode *root, GError **error)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static gboolean
write_strings (const char *dir, const char *name, const char *const *items, int n, GError **error)
{
  g_autoptr(JsonBuilder) jb = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (jb);
  for (int i = 0; i < n; i++)
    json_builder_add_string_value (jb, items[i]);
  json_builder_end_array (jb);
  root = json_builder_get_root (jb);
  return write_json (dir, name, root, error);
}

static void
member_int (JsonBuilder *jb, const char *key, gint64 v)
{
  json_builder_set_member_name (jb, key);
  json_builder_add_int_value (jb, v);
}

/* A double as a string of its 17 digits: json-glib writes 1e-08 as
 * "1e-08.0", which no JSON reader takes; train.py float()s it. */
static void
member_double (JsonBuilder *jb, const char *key, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  json_builder_set_member_name (jb, key);
  json_builder_add_string_value (jb, g_ascii_formatd (buf, sizeof buf, "%.17g", v));
}

static void
member_string (JsonBuilder *jb, const char *key, const char *v)
{
  json_builder_set_member_name (jb, key);
  json_builder_add_string_value (jb, v);
}

/* config.json: what train.py needs besides the model file — the
 * training settings, the sizes and the shards. */
static gboolean
write_config (FlRun *run, const char *dir, GPtrArray *shards, const char *command, GError **error)
{
  const FlTrainSettings *s = &run->s;
  g_autoptr(JsonBuilder) jb = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *branches = fl_branches_to_string (run->branches);

  json_builder_begin_object (jb);
  member_string (jb, "format", FORMAT_TAG);
  member_string (jb, "fusion", fl_fusion_to_string (s->fusion));
  member_string (jb, "branches", branches);
  member_int (jb, "epochs", s->epochs);
  member_int (jb, "batch", s->batch_size);
  member_double (jb, "lr", run->adam.lr);
  member_double (jb, "beta1", run->adam.beta1);
  member_double (jb, "beta2", run->adam.beta2);
  member_double (jb, "eps", run->adam.eps);
  member_int (jb, "seed", (gint64) s->seed);
  member_double (jb, "modality_dropout", s->modality_dropout);
  member_double (jb, "val_fraction", s->kfold >= 2 ? 0.0 : s->val_fraction);
  member_int (jb, "kfold", s->kfold);
  member_int (jb, "fold", s->fold);
  member_int (jb, "n_samples", run->ds->n);
  member_int (jb, "n_train", run->train_idx->len);
  member_int (jb, "n_val", run->val_idx->len);
  member_int (jb, "image_size", run->ds->image_size);
  member_string (jb, "command", command != NULL ? command : "");
  json_builder_set_member_name (jb, "shards");
  json_builder_begin_array (jb);
  for (guint i = 0; i < shards->len; i++)
    json_builder_add_string_value (jb, shards->pdata[i]);
  json_builder_end_array (jb);
  json_builder_end_object (jb);
  root = json_builder_get_root (jb);
  return write_json (dir, "config.json", root, error);
}

/* resources/torch/NAME into dir. */
static gboolean
write_template (const char *dir, const char *name, GError **error)
{
  g_autofree char *res = g_strconcat ("/org/fusionlab/torch/", name, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GBytes) bytes = g_resource_lookup_data (fl_torch_get_resource (), res, 0, error);
  gsize len;
  const char *data;

  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);
  return g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT,
                                   g_str_has_suffix (name, ".py") ? 0755 : 0644, error);
}

gboolean
fl_torch_export (FlRun *run, const char *dir, gboolean force, const char *command, GError **error)
{
  g_autoptr(GPtrArray) shards = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *init = g_build_filename (dir, "init.safetensors", NULL);
  const FlVocab *vocab = run->vocab;

  g_return_val_if_fail (run != NULL && dir != NULL, FALSE);
  /* train.py has no augmentation of its own, and one that only looks
   * like the engine's would make its epoch lines another run's */
  if (run->s.augment)
    {
      g_set_error_literal (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                           _("the export to PyTorch trains without augmentation: turn it off to export"));
      return FALSE;
    }
  return prepare_dir (dir, force, error) &&
         write_shards (run, dir, shards, error) &&
         write_split (run, dir, error) &&
         fl_run_save_model (run, init, error) &&
         write_strings (dir, "vocab.json", fl_vocab_tokens (vocab), fl_vocab_size (vocab), error) &&
         write_strings (dir, "classes.json", (const char *const *) run->ds->class_names,
                        run->ds->n_classes, error) &&
         write_config (run, dir, shards, command, error) &&
         write_template (dir, "model.py", error) &&
         write_template (dir, "train.py", error) &&
         write_template (dir, "README.md", error);
}
