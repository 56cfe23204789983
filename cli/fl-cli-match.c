/* SPDX-License-Identifier: MIT
 *
 * fl-cli-match.c — fusionlab-cli match: the matching task (fl-matcher.h)
 * without a window. Before the epochs, one line gives chance on the
 * held-out pairs:
 *   # chance n_val 180 r1 0.0056 r5 0.0278 r10 0.0556 medr 90.5
 * then one line per epoch, in the style of train's:
 *   epoch 3/10 train_loss 2.1234 i2t_r1 0.1234 i2t_r5 … i2t_r10 … t2i_r1 …
 *   t2i_r5 … t2i_r10 … i2t_medr 12.0 t2i_medr 11.5 samples_per_s 812.3
 * and with --json one object per epoch with the same keys, the chance
 * levels among them. After training, --zero-shot classifies the held-out
 * pictures by their class names put into --template (fl_embedder_zero_shot)
 * and prints, for each template (--template may be repeated),
 *   zero_shot_acc 0.1234 classes 9 template "a picture of {label}"
 * (with --json an object, with the number of pictures "n" and of class
 * names of which the model knows no word, "unknown_classes", too); --save
 * writes the matching model file (fl-embedder-file.c) for
 * `fusionlab-cli search`. --fit and --augment are train's: the pictures,
 * held-out ones included, are fitted to S×S as --fit says and the model
 * file records it (search fits new pictures so); --augment changes the
 * training pairs' pictures each epoch, never the held-out ones.
 * Errors are one line on stderr and a non-zero exit.
 */
#define G_LOG_DOMAIN "fl-cli"

#include "fl-cli.h"

#include "fl-dataset.h"
#include "fl-embedder.h"
#include "fl-i18n.h"
#include "fl-matcher.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  char    *images, *csv, *image_col, *text_col, *label_col, *loss, *map_loss, *save, *freeze;
  char   **templates;
  int      image_size, embed_dim, epochs, batch, threads;
  double   lr, val_split;
  gint64   seed;
  gboolean json, quiet, zero_shot;
  int      n_val;
  char    *init_from, *word_vectors;   /* transfer: fl-transfer.h */
  char    *text_encoder;
  int      max_tokens;
  char    *text_pool;
  char    *fit;          /* --fit: NULL = squash */
  gboolean augment;
  FlImageFit image_fit;  /* fit's */
} MatchOpts;

static void
match_opts_clear (MatchOpts *o)
{
  g_free (o->images); g_free (o->csv); g_free (o->image_col); g_free (o->text_col);
  g_free (o->label_col); g_free (o->loss); g_free (o->map_loss); g_free (o->save); g_free (o->freeze);
  g_strfreev (o->templates);
  g_free (o->init_from); g_free (o->word_vectors); g_free (o->text_encoder); g_free (o->text_pool);
  g_free (o->fit);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MatchOpts, match_opts_clear)

static gboolean
match_parse (MatchOpts *o, int *argc, char ***argv, GError **error)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— fusionlab-cli match");
  const GOptionEntry entries[] = {
    { "images", 0, 0, G_OPTION_ARG_FILENAME, &o->images, N_("The image folder"), "DIR" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &o->csv, N_("The text CSV"), "FILE" },
    { "image-col", 0, 0, G_OPTION_ARG_STRING, &o->image_col, N_("Column of image paths"), "C" },
    { "text-col", 0, 0, G_OPTION_ARG_STRING, &o->text_col, N_("Column of texts"), "C" },
    { "label-col", 0, 0, G_OPTION_ARG_STRING, &o->label_col,
      N_("Column of labels: they only stratify the split"), "C" },
    { "image-size", 0, 0, G_OPTION_ARG_INT, &o->image_size, N_("Images are resized to S×S (64)"), "S" },
    { "loss", 0, 0, G_OPTION_ARG_STRING, &o->loss,
      N_("infonce, hinge or mapping (infonce); mapping regresses the frozen text side"), "L" },
    { "map-loss", 0, 0, G_OPTION_ARG_STRING, &o->map_loss, N_("mapping's loss: cosine or mse (cosine)"), "L" },
    { "freeze", 0, 0, G_OPTION_ARG_STRING, &o->freeze,
      N_("Keep one side's branch and projection as they start: image or text (mapping: text)"), "SIDE" },
    { "embed-dim", 0, 0, G_OPTION_ARG_INT, &o->embed_dim, N_("Dimension of the shared space (64)"), "E" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &o->epochs, N_("Epochs (10)"), "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &o->batch, N_("Batch size (64)"), "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &o->lr, N_("Adam learning rate (0.001)"), "X" },
    { "val-split", 0, 0, G_OPTION_ARG_DOUBLE, &o->val_split, N_("Validation fraction (0.2)"), "X" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, N_("Seed of split, init and shuffle (42)"), "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o->threads, N_("Threads (all cores)"), "N" },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &o->save, N_("Write the matching model to FILE"), "FILE" },
    { "zero-shot", 0, 0, G_OPTION_ARG_NONE, &o->zero_shot,
      N_("Then classify the held-out pictures by their class names"), NULL },
    { "template", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->templates,
      N_("What a class name becomes for --zero-shot (\"{label}\"); may be repeated"), "T" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("One JSON object per epoch"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("Print only the results"), NULL },
    { "init-from", 0, 0, G_OPTION_ARG_FILENAME, &o->init_from,
      N_("Start the branches from a saved model's (a classifier's or a matching model's)"), "MODEL" },
    { "word-vectors", 0, 0, G_OPTION_ARG_FILENAME, &o->word_vectors,
      N_("Start the text embedding from GloVe/fastText vectors (text format)"), "FILE" },
    FL_CLI_TEXT_ENTRIES (o->text_encoder, o->max_tokens, o->text_pool),
    FL_CLI_PICTURE_ENTRIES (o->fit, o->augment),
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  return fl_cli_parse (ctx, argc, argv, error);
}

/* The settings of the options; FALSE with a message for a bad one. */
static gboolean
match_settings (MatchOpts *o, FlMatchSettings *s, GError **error)
{
  const char *bad = NULL;

  fl_match_settings_init_default (s);
  if (!fl_cli_check_data (o->images, o->csv, o->image_size, o->threads, error) ||
      !fl_cli_image_fit (o->fit, &o->image_fit, error))
    return FALSE;
  if (o->seed < 0)
    bad = _("--seed must be ≥ 0");
  else if (o->loss != NULL && !fl_match_loss_from_string (o->loss, &s->loss))
    bad = _("--loss must be infonce, hinge or mapping");
  else if (o->map_loss != NULL && !fl_map_loss_from_string (o->map_loss, &s->map_loss))
    bad = _("--map-loss must be cosine or mse");
  else if (o->map_loss != NULL && s->loss != FL_MATCH_LOSS_MAPPING)
    bad = _("--map-loss goes with --loss mapping");
  else if (o->freeze != NULL && (!fl_branches_from_string (o->freeze, &s->frozen) ||
                                 (s->frozen != FL_BRANCH_BIT (FL_BRANCH_IMAGE) &&
                                  s->frozen != FL_BRANCH_BIT (FL_BRANCH_TEXT))))
    bad = _("--freeze must be image or text: one side");
  else if (o->freeze != NULL && s->loss == FL_MATCH_LOSS_MAPPING && s->frozen != FL_BRANCH_BIT (FL_BRANCH_TEXT))
    bad = _("--loss mapping regresses the frozen text side: it takes no --freeze image");
  else if (o->templates != NULL && !o->zero_shot)
    bad = _("--template goes with --zero-shot");
  for (int i = 0; bad == NULL && o->templates != NULL && o->templates[i] != NULL; i++)
    if (strstr (o->templates[i], "{label}") == NULL)
      bad = _("--template must hold {label}, where each class name goes");
  if (bad != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, bad);
      return FALSE;
    }
  if (s->loss == FL_MATCH_LOSS_MAPPING)
    s->frozen = FL_BRANCH_BIT (FL_BRANCH_TEXT);   /* the target */
  s->embed_dim = o->embed_dim;
  s->train.epochs = o->epochs;
  s->train.batch_size = o->batch;
  s->train.lr = (float) o->lr;
  s->train.val_fraction = o->val_split;
  s->train.seed = (guint64) o->seed;
  s->train.n_threads = o->threads;
  s->train.init_from = o->init_from;
  s->train.word_vectors = o->word_vectors;
  s->train.augment = o->augment;
  if (!fl_cli_text_encoder (o->text_encoder, o->max_tokens, o->text_pool, &s->train, error))
    return FALSE;
  return fl_match_settings_validate (s, error);
}

static void
print_match_epoch (const FlMatchEpoch *e, gpointer user_data)
{
  const MatchOpts *o = user_data;
  const FlRecall *a = &e->val.i2t, *b = &e->val.t2i;
  const double n = e->n_val;

  if (o->json)
    printf ("{\"epoch\": %d, \"epochs\": %d, \"train_loss\": %.6f, \"i2t_r1\": %.6f, \"i2t_r5\": %.6f, "
            "\"i2t_r10\": %.6f, \"t2i_r1\": %.6f, \"t2i_r5\": %.6f, \"t2i_r10\": %.6f, "
            "\"i2t_medr\": %.1f, \"t2i_medr\": %.1f, \"n_val\": %d, \"chance_r1\": %.6f, "
            "\"chance_r5\": %.6f, \"chance_r10\": %.6f, \"chance_medr\": %.1f, \"scale\": %.4f, "
            "\"samples_per_s\": %.1f}\n",
            e->epoch, e->n_epochs, e->train_loss, a->r1, a->r5, a->r10, b->r1, b->r5, b->r10,
            a->median_rank, b->median_rank, e->n_val, MIN (1.0, 1 / n), MIN (1.0, 5 / n),
            MIN (1.0, 10 / n), (n + 1) / 2, e->scale, e->samples_per_s);
  else
    printf ("epoch %d/%d train_loss %.4f i2t_r1 %.4f i2t_r5 %.4f i2t_r10 %.4f t2i_r1 %.4f "
            "t2i_r5 %.4f t2i_r10 %.4f i2t_medr %.1f t2i_medr %.1f samples_per_s %.1f\n",
            e->epoch, e->n_epochs, e->train_loss, a->r1, a->r5, a->r10, b->r1, b->r5, b->r10,
            a->median_rank, b->median_rank, e->samples_per_s);
  fflush (stdout);
}

static void
print_zero_shot (const MatchOpts *o, const char *template_, double acc, int n_classes, int n, int unknown)
{
  if (o->json)
    {
      g_autoptr(JsonBuilder) jb = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (jb);
      json_builder_set_member_name (jb, "zero_shot_acc");
      json_builder_add_double_value (jb, acc);
      json_builder_set_member_name (jb, "classes");
      json_builder_add_int_value (jb, n_classes);
      json_builder_set_member_name (jb, "n");
      json_builder_add_int_value (jb, n);
      json_builder_set_member_name (jb, "template");
      json_builder_add_string_value (jb, template_);
      json_builder_set_member_name (jb, "unknown_classes");
      json_builder_add_int_value (jb, unknown);
      json_builder_end_object (jb);
      root = json_builder_get_root (jb);
      text = json_to_string (root, FALSE);
      printf ("%s\n", text);
    }
  else
    printf ("zero_shot_acc %.4f classes %d template \"%s\"\n", acc, n_classes, template_);
}

/* Zero-shot classification of every held-out picture (not only the
 * FL_MATCH_MAX_EVAL that retrieval ranks: it costs n × classes). */
static void
zero_shot (const MatchOpts *o, const FlDataset *ds, FlMatcher *m, FlEmbedder *e)
{
  FlRun *run = fl_matcher_run (m);
  const gsize img = (gsize) 3 * ds->image_size * ds->image_size;
  int n;
  const gint32 *vi = fl_run_val_indices (run, &n);
  g_autofree guint8 *images = g_new (guint8, n * img);
  g_autofree gint32 *labels = g_new (gint32, n), *pred = g_new (gint32, n);
  g_autofree float *u = g_new (float, (gsize) n * fl_embedder_dim (e));
  double acc;
  int unknown = 0;

  for (int i = 0; i < n; i++)
    {
      memcpy (images + i * img, ds->images + vi[i] * img, img);
      labels[i] = ds->labels[vi[i]];
    }
  fl_embedder_embed_images (e, images, n, u);
  for (int c = 0; c < ds->n_classes; c++)
    unknown += fl_embedder_known_words (e, ds->class_names[c]) == 0;
  if (unknown > 0 && !o->quiet)
    fprintf (stderr, _("zero-shot: %d of the %d class names hold no word the model knows: "
                       "their prompts embed alike, and the first of them wins\n"), unknown, ds->n_classes);
  for (int t = 0; t == 0 || (o->templates != NULL && o->templates[t] != NULL); t++)
    {
      const char *template_ = o->templates != NULL ? o->templates[t] : "{label}";

      acc = fl_embedder_zero_shot (e, u, n, labels, (const char *const *) ds->class_names,
                                   ds->n_classes, template_, pred);
      print_zero_shot (o, template_, acc, ds->n_classes, n, unknown);
    }
}

int
fl_cli_match (int argc, char **argv)
{
  g_auto(MatchOpts) o = { .image_size = 64, .embed_dim = 64, .epochs = 10, .batch = 64,
                          .lr = 1e-3, .val_split = 0.2, .seed = 42,
                          .max_tokens = FL_MAX_TOKENS_DEFAULT };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDataset) ds = NULL;
  g_autoptr(FlMatcher) m = NULL;
  FlMatchSettings s;
  int nv;

  if (!match_parse (&o, &argc, &argv, &error) || !match_settings (&o, &s, &error))
    return fl_cli_fail ("%s", error->message);
  ds = fl_cli_load (&(FlDataSpec) {
                       .images_dir = o.images, .csv_path = o.csv,
                       .image_col = o.image_col, .text_col = o.text_col, .label_col = o.label_col,
                       .image_size = o.image_size, .image_fit = o.image_fit, .n_threads = o.threads,
                     }, o.quiet, &error);
  m = ds != NULL ? fl_matcher_new (ds, &s, &error) : NULL;
  if (m == NULL)
    return fl_cli_fail ("%s", error->message);
  if (!o.quiet && fl_run_transfer_report (fl_matcher_run (m)) != NULL)
    fprintf (stderr, "%s\n", fl_run_transfer_report (fl_matcher_run (m)));
  fl_cli_warn_held_out (fl_matcher_run (m));
  fl_run_val_indices (fl_matcher_run (m), &nv);
  nv = MIN (nv, FL_MATCH_MAX_EVAL);
  if (!o.json)   /* not translated: bench/match.sh reads its keys */
    printf ("# chance n_val %d r1 %.4f r5 %.4f r10 %.4f medr %.1f\n", nv, MIN (1.0, 1.0 / nv),
            MIN (1.0, 5.0 / nv), MIN (1.0, 10.0 / nv), (nv + 1) / 2.0);
  if (!fl_matcher_train (m, print_match_epoch, &o, NULL, &error))
    return fl_cli_fail ("%s", error->message);
  if (o.zero_shot || o.save != NULL)
    {
      g_autoptr(FlEmbedder) e = fl_matcher_embedder (m);

      fl_embedder_set_threads (e, o.threads);
      if (o.zero_shot)
        zero_shot (&o, ds, m, e);
      if (o.save != NULL && !fl_embedder_save (e, o.save, &error))
        return fl_cli_fail ("%s", error->message);
      if (o.save != NULL && !o.quiet)
        fprintf (stderr, _("saved the matching model to %s\n"), o.save);
    }
  return 0;
}
