/* SPDX-License-Identifier: MIT
 *
 * fl-cli-search.c — fusionlab-cli search: a saved matching model
 * (fl-embedder.h) ranks the pictures of some data for a sentence (--text),
 * or their texts for a picture (--image). The data is the one the model
 * recorded, or --images and --csv; every picture, the query too, is
 * fitted to S×S as the model's were (its image_fit: squash, crop or pad). One line per result, best first:
 *   rank score image text
 * tab-separated ("1\t0.8123\t2764.png\tred heart"; a tab or line break
 * inside a text becomes a space), the image relative to the folder; with
 * --json one object, {"query": …, "results": [{"rank", "score", "image",
 * "text", "line"}, …]}, line being the row's line in the CSV.
 */
#define G_LOG_DOMAIN "fl-cli"

#include "fl-cli.h"

#include "fl-dataset.h"
#include "fl-embedder.h"
#include "fl-i18n.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

typedef struct {
  char    *model, *text, *image, *images, *csv, *image_col, *text_col;
  int      k, threads;
  gboolean json, quiet;
} SearchOpts;

static void
search_opts_clear (SearchOpts *o)
{
  g_free (o->model); g_free (o->text); g_free (o->image); g_free (o->images); g_free (o->csv);
  g_free (o->image_col); g_free (o->text_col);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SearchOpts, search_opts_clear)

static gboolean
search_parse (SearchOpts *o, int *argc, char ***argv, GError **error)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— fusionlab-cli search");
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &o->model, N_("The matching model (match --save)"), "FILE" },
    { "text", 0, 0, G_OPTION_ARG_STRING, &o->text, N_("Rank the pictures for this sentence"), "TEXT" },
    { "image", 0, 0, G_OPTION_ARG_FILENAME, &o->image, N_("Rank the texts for this picture"), "FILE" },
    { "k", 'k', 0, G_OPTION_ARG_INT, &o->k, N_("How many results (5)"), "K" },
    { "images", 0, 0, G_OPTION_ARG_FILENAME, &o->images,
      N_("The image folder to search (the model's data)"), "DIR" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &o->csv, N_("Its text CSV (the model's data)"), "FILE" },
    { "image-col", 0, 0, G_OPTION_ARG_STRING, &o->image_col, N_("Column of image paths"), "C" },
    { "text-col", 0, 0, G_OPTION_ARG_STRING, &o->text_col, N_("Column of texts"), "C" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o->threads, N_("Threads (all cores)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("One JSON object"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("Print only the results"), NULL },
    { NULL }
  };
  const char *bad = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, argc, argv, error))
    return FALSE;
  if (*argc > 1)
    bad = _("unexpected argument");
  else if (o->model == NULL)
    bad = _("--model FILE is required");
  else if ((o->text == NULL) == (o->image == NULL))
    bad = _("give one of --text TEXT and --image FILE");
  else if (o->k < 1)
    bad = _("-k must be at least 1");
  else if ((o->images == NULL) != (o->csv == NULL))
    bad = _("--images and --csv go together (without them, the model's own data)");
  else if (o->threads < 0 || o->threads > 256)
    bad = _("--threads must be between 0 and 256");
  if (bad != NULL)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, bad);
  return bad == NULL;
}

/* The data to rank: the options', or the model's; labels not needed. */
static FlDataset *
search_load (SearchOpts *o, FlEmbedder *e, GError **error)
{
  FlDataSpec spec = *fl_embedder_data_spec (e);
  FlDataset *ds;

  if (o->images != NULL)
    spec = (FlDataSpec) { .images_dir = o->images, .csv_path = o->csv,
                          .image_col = o->image_col, .text_col = o->text_col };
  else if (spec.images_dir == NULL || spec.csv_path == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s records no data it was trained on: give --images and --csv"), o->model);
      return NULL;
    }
  /* the pictures fitted as the model's were */
  spec.image_size = fl_embedder_image_size (e);
  spec.image_fit = fl_embedder_image_fit (e);
  spec.n_threads = o->threads;
  spec.unlabelled = TRUE;
  spec.label_col = "";       /* labels are not needed to rank */
  spec.audio_col = "";
  ds = fl_dataset_load (&spec, NULL, NULL, NULL, error);
  if (ds != NULL && !o->quiet)
    fprintf (stderr, o->text != NULL ? _("ranking the %d pictures of %s\n") : _("ranking the %d texts of %s\n"),
             ds->n, spec.csv_path);
  return ds;
}

/* The query's embedding (E) into query: the text's, or the picture's
 * (read before the data, so that a missing file fails at once). */
static gboolean
embed_query (SearchOpts *o, FlEmbedder *e, float *query, GError **error)
{
  const int S = fl_embedder_image_size (e);
  g_autofree guint8 *pixels = NULL;

  if (o->text != NULL)
    {
      const char *const texts[] = { o->text };
      fl_embedder_embed_texts (e, texts, 1, query);
      return TRUE;
    }
  pixels = g_new (guint8, (gsize) 3 * S * S);
  if (!fl_image_load_fitted (o->image, S, fl_embedder_image_fit (e), pixels, error))
    return FALSE;
  fl_embedder_embed_images (e, pixels, 1, query);
  return TRUE;
}

static void
print_json (SearchOpts *o, const FlDataset *ds, const int *idx, const float *score, int n)
{
  g_autoptr(JsonBuilder) jb = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (jb);
  json_builder_set_member_name (jb, o->text != NULL ? "text" : "image");
  json_builder_add_string_value (jb, o->text != NULL ? o->text : o->image);
  json_builder_set_member_name (jb, "results");
  json_builder_begin_array (jb);
  for (int r = 0; r < n; r++)
    {
      json_builder_begin_object (jb);
      json_builder_set_member_name (jb, "rank");
      json_builder_add_int_value (jb, r + 1);
      json_builder_set_member_name (jb, "score");
      json_builder_add_double_value (jb, score[r]);
      json_builder_set_member_name (jb, "image");
      json_builder_add_string_value (jb, ds->image_files[idx[r]]);
      json_builder_set_member_name (jb, "text");
      json_builder_add_string_value (jb, ds->texts[idx[r]]);
      json_builder_set_member_name (jb, "line");
      json_builder_add_int_value (jb, ds->csv_lines[idx[r]]);
      json_builder_end_object (jb);
    }
  json_builder_end_array (jb);
  json_builder_end_object (jb);
  root = json_builder_get_root (jb);
  text = json_to_string (root, FALSE);
  printf ("%s\n", text);
}

static void
print_results (SearchOpts *o, const FlDataset *ds, const int *idx, const float *score, int n)
{
  if (o->json)
    {
      print_json (o, ds, idx, score, n);
      return;
    }
  for (int r = 0; r < n; r++)
    {
      g_autofree char *file = g_strdup (ds->image_files[idx[r]]);
      g_autofree char *text = g_strdup (ds->texts[idx[r]]);

      /* one line a result, whatever the CSV's cells hold */
      g_strdelimit (file, "\t\r\n", ' ');
      g_strdelimit (text, "\t\r\n", ' ');
      printf ("%d\t%.4f\t%s\t%s\n", r + 1, score[r], file, text);
    }
}

int
fl_cli_search (int argc, char **argv)
{
  g_auto(SearchOpts) o = { .k = 5 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlEmbedder) e = NULL;
  g_autoptr(FlDataset) ds = NULL;
  g_autofree float *query = NULL, *rows = NULL, *score = NULL;
  g_autofree int *idx = NULL;
  int E, n;

  if (!search_parse (&o, &argc, &argv, &error) || (e = fl_embedder_load (o.model, &error)) == NULL)
    return fl_cli_fail ("%s", error->message);
  fl_embedder_set_threads (e, o.threads);
  E = fl_embedder_dim (e);
  query = g_new (float, E);
  if (!embed_query (&o, e, query, &error) || (ds = search_load (&o, e, &error)) == NULL)
    return fl_cli_fail ("%s", error->message);
  /* the other side of the data: its pictures for a text, its texts for a picture */
  rows = g_new (float, (gsize) ds->n * E);
  if (o.text != NULL)
    fl_embedder_embed_images (e, ds->images, ds->n, rows);
  else
    fl_embedder_embed_texts (e, (const char *const *) ds->texts, ds->n, rows);
  idx = g_new (int, MIN (o.k, ds->n));
  score = g_new (float, MIN (o.k, ds->n));
  n = fl_embedder_top_k (query, rows, ds->n, E, o.k, idx, score);
  print_results (&o, ds, idx, score, n);
  return 0;
}
