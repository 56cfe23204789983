/* SPDX-License-Identifier: MIT
 *
 * fl-cli-label.c — fusionlab-cli label-efficiency: how much a pretrained
 * model (a matching model trained without labels, or any model file) saves
 * in labels. For each fraction of the training split's labels (10, 25, 50
 * and 100 %, stratified) and each seed, a classifier is trained from
 * scratch and from the model's branches (fine-tuned; and with --freeze,
 * frozen), and validated on the whole held-out split, the same for every
 * run; the table gives the validation accuracy, mean ± sd over the seeds.
 *
 * The held-out split is made by --seed alone (FlTrainSettings.split_seed);
 * the k-th seed (--seed + k) draws the fraction kept, the fresh weights
 * and the shuffle. The accuracy is the last epoch's: no epoch is picked by
 * the held-out samples. Every run takes the same number of gradient steps:
 * --epochs N at 100 %, N / fraction epochs at a fraction (a run of 10 % of
 * the labels sees as many batches as one of all of them), so a small
 * fraction is not merely trained less.
 *
 * A matching model trained with the same --seed and --val-split on the
 * same data has the classifier's split (fl-matcher.h: the matcher splits
 * through an FlRun), so it never saw the held-out pairs. The command
 * checks it (fl_transfer_same_split(): the model's vocabulary and image
 * statistics are those of this training split) and says so in the output.
 */
#define G_LOG_DOMAIN "fl-cli"

#include "fl-cli.h"
#include "fl-cli-plot.h"

#include "fl-dataset.h"
#include "fl-i18n.h"
#include "fl-trainer.h"
#include "fl-transfer.h"

#include <math.h>
#include <stdio.h>

#define MAX_FRACTIONS 16
#define MAX_SEEDS 100

enum { START_SCRATCH, START_PRETRAINED, START_FROZEN, N_STARTS };
static const char *const start_names[N_STARTS] = { "scratch", "pretrained", "frozen" };

typedef struct {
  char    *images, *csv, *image_col, *text_col, *label_col, *pretrained, *fractions, *freeze, *plot;
  char    *fusion;
  int      image_size, seeds, epochs, batch, threads;
  double   lr, val_split;
  gint64   seed;
  gboolean json, quiet;
} LabelOpts;

static void
label_opts_clear (LabelOpts *o)
{
  g_free (o->images); g_free (o->csv); g_free (o->image_col); g_free (o->text_col);
  g_free (o->label_col); g_free (o->pretrained); g_free (o->fractions); g_free (o->freeze);
  g_free (o->plot); g_free (o->fusion);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LabelOpts, label_opts_clear)

/* What the runs found: acc[(f * N_STARTS + start) * seeds + k]. */
typedef struct {
  int     n_fractions, n_starts, seeds;
  double  fractions[MAX_FRACTIONS];
  int     labels[MAX_FRACTIONS];     /* training samples kept, at the first seed */
  double *acc;
  FlTrainSettings base;
  guint   freeze;
} Table;

static gboolean
label_parse (LabelOpts *o, int *argc, char ***argv, GError **error)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— fusionlab-cli label-efficiency");
  const GOptionEntry entries[] = {
    { "images", 0, 0, G_OPTION_ARG_FILENAME, &o->images, N_("The image folder"), "DIR" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &o->csv, N_("The text CSV"), "FILE" },
    { "image-col", 0, 0, G_OPTION_ARG_STRING, &o->image_col, N_("Column of image paths"), "C" },
    { "text-col", 0, 0, G_OPTION_ARG_STRING, &o->text_col, N_("Column of texts"), "C" },
    { "label-col", 0, 0, G_OPTION_ARG_STRING, &o->label_col, N_("Column of labels"), "C" },
    { "image-size", 0, 0, G_OPTION_ARG_INT, &o->image_size, N_("Images are resized to S×S (64)"), "S" },
    { "pretrained", 0, 0, G_OPTION_ARG_FILENAME, &o->pretrained,
      N_("The model whose branches start the pretrained runs (match --save, or train --save)"), "MODEL" },
    { "fractions", 0, 0, G_OPTION_ARG_STRING, &o->fractions,
      N_("Percentages of the training labels (10,25,50,100)"), "P,P" },
    { "seeds", 0, 0, G_OPTION_ARG_INT, &o->seeds, N_("Seeds per fraction (3)"), "N" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &o->epochs, N_("Epochs at 100 %; N / fraction below (10)"), "N" },
    { "freeze", 0, 0, G_OPTION_ARG_STRING, &o->freeze,
      N_("Also runs with these pretrained branches frozen"), "image,text" },
    { "fusion", 0, 0, G_OPTION_ARG_STRING, &o->fusion, N_("The classifier's fusion (concat)"), "F" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &o->batch, N_("Batch size (64)"), "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &o->lr, N_("Adam learning rate (0.001)"), "X" },
    { "val-split", 0, 0, G_OPTION_ARG_DOUBLE, &o->val_split, N_("Held-out fraction (0.2)"), "X" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed,
      N_("Seed of the held-out split, and the first run seed (42): the pretrained model's"), "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o->threads, N_("Threads (all cores)"), "N" },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &o->plot, N_("Draw accuracy against labels as a PNG"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("One JSON object per run, then per cell"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("Print only the results"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  return fl_cli_parse (ctx, argc, argv, error);
}

/* "10,25,50,100" into t->fractions, ascending, each in (0, 100]. */
static gboolean
parse_fractions (const char *text, Table *t, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  t->n_fractions = 0;
  for (int i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      double p = g_ascii_strtod (g_strstrip (parts[i]), &end);

      if (end == parts[i] || *end != '\0' || !(p > 0 && p <= 100) || i >= MAX_FRACTIONS ||
          (i > 0 && p / 100 <= t->fractions[i - 1]))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--fractions must be up to %d ascending percentages in (0, 100], as 10,25,50,100"),
                       MAX_FRACTIONS);
          return FALSE;
        }
      t->fractions[t->n_fractions++] = p / 100;
    }
  return TRUE;
}

/* The table's plan from the options; FALSE with a message for a bad one. */
static gboolean
label_plan (LabelOpts *o, Table *t, GError **error)
{
  FlTrainSettings *s = &t->base;
  const char *bad = NULL;
  g_autofree char *range = NULL;

  fl_train_settings_init_default (s);
  if (!fl_cli_check_data (o->images, o->csv, o->image_size, o->threads, error) ||
      !parse_fractions (o->fractions != NULL ? o->fractions : "10,25,50,100", t, error))
    return FALSE;
  if (o->pretrained == NULL)
    bad = _("--pretrained MODEL is required");
  else if (o->seeds < 1 || o->seeds > MAX_SEEDS)
    bad = range = g_strdup_printf (_("--seeds must be between 1 and %d"), MAX_SEEDS);
  else if (o->seed < 0)
    bad = _("--seed must be ≥ 0");
  else if (o->freeze != NULL && (!fl_branches_from_string (o->freeze, &t->freeze) || t->freeze == 0))
    bad = _("--freeze must be a list of image, text, audio and numeric");
  else if (o->fusion != NULL && !fl_fusion_from_string (o->fusion, &s->fusion))
    bad = _("unknown --fusion");
  if (bad != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, bad);
      return FALSE;
    }
  t->seeds = o->seeds;
  t->n_starts = o->freeze != NULL ? N_STARTS : START_FROZEN;
  s->epochs = o->epochs;
  s->batch_size = o->batch;
  s->lr = (float) o->lr;
  s->val_fraction = o->val_split;
  s->seed = s->split_seed = o->seed;
  s->n_threads = o->threads;
  return fl_train_settings_validate (s, error);
}

/* The settings of one run: fraction f, the k-th seed, a start. */
static FlTrainSettings
run_settings (const Table *t, int f, int k, int start, const char *pretrained)
{
  FlTrainSettings s = t->base;

  s.seed = t->base.split_seed + k;
  s.train_fraction = t->fractions[f];
  s.epochs = MAX (1, (int) lround (t->base.epochs / t->fractions[f]));
  s.init_from = start != START_SCRATCH ? pretrained : NULL;
  s.freeze = start == START_FROZEN ? t->freeze : 0;
  return s;
}

/* The held-out split, and whether the pretrained model was trained on
 * this training split alone: said in the output either way. */
static gboolean
check_split (LabelOpts *o, FlDataset *ds, Table *t, GError **error)
{
  FlTrainSettings s = t->base;
  g_autoptr(FlRun) run = fl_run_new (ds, &s, error);
  g_autofree char *why = NULL;
  gboolean same;
  int n_val;

  if (run == NULL)
    return FALSE;
  same = fl_transfer_same_split (run, o->pretrained, &why, error);
  if (!same && why == NULL)
    return FALSE;
  fl_run_val_indices (run, &n_val);
  if (o->json)
    printf ("{\"samples\": %d, \"held_out\": %d, \"split_seed\": %" G_GINT64_FORMAT ", "
            "\"val_fraction\": %g, \"pretrained\": \"%s\", \"same_split\": %s}\n", ds->n, n_val,
            s.split_seed, s.val_fraction, o->pretrained, same ? "true" : "false");
  else
    {
      printf (_("# held out: %d of %d samples (seed %lld, val %g), the same for every run\n"),
              n_val, ds->n, (long long) s.split_seed, s.val_fraction);
      /* TRANSLATORS: the model file, then whether it saw the held-out samples */
      printf (_("# pretrained: %s: %s\n"), o->pretrained,
              same ? _("trained on this training split only (its vocabulary and image statistics are "
                       "this split's training part's): it never saw the held-out samples")
                   : why);
    }
  if (!same && !o->json)
    printf ("%s\n", _("# so it is no model of this split's training part: if it was trained on this data "
                      "with another seed or val fraction, it may have seen held-out samples"));
  fflush (stdout);
  return TRUE;
}

/* One run; its last epoch's validation accuracy into *acc. */
static gboolean
train_one (LabelOpts *o, FlDataset *ds, const FlTrainSettings *s, gboolean say_transfer,
           double *acc, int *n_train, GError **error)
{
  g_autoptr(FlRun) run = fl_run_new (ds, s, error);

  if (run == NULL)
    return FALSE;
  if (say_transfer && !o->quiet && fl_run_transfer_report (run) != NULL)
    fprintf (stderr, "%s\n", fl_run_transfer_report (run));
  if (!fl_run_train (run, NULL, NULL, error))
    return FALSE;
  *acc = fl_metrics_accuracy (fl_run_metrics (run));
  fl_run_train_indices (run, n_train);
  return TRUE;
}

static double *
cell (Table *t, int f, int start)
{
  return t->acc + ((gsize) f * N_STARTS + start) * t->seeds;
}

/* Every run, seed by seed (so that a table of fewer seeds comes early
 * when it is stopped), printing a line each. */
static gboolean
run_all (LabelOpts *o, FlDataset *ds, Table *t, GError **error)
{
  int i = 0, n = t->seeds * t->n_fractions * t->n_starts;

  for (int k = 0; k < t->seeds; k++)
    for (int f = 0; f < t->n_fractions; f++)
      for (int start = 0; start < t->n_starts; start++)
        {
          FlTrainSettings s = run_settings (t, f, k, start, o->pretrained);
          gint64 t0 = g_get_monotonic_time ();
          double *acc = cell (t, f, start) + k;
          int n_train;

          if (!train_one (o, ds, &s, i == 1, acc, &n_train, error))
            return FALSE;
          if (k == 0)
            t->labels[f] = n_train;
          if (o->json)
            printf ("{\"fraction\": %g, \"seed\": %" G_GUINT64_FORMAT ", \"start\": \"%s\", "
                    "\"labels\": %d, \"epochs\": %d, \"val_acc\": %.6f}\n", t->fractions[f], s.seed,
                    start_names[start], n_train, s.epochs, *acc);
          else
            /* TRANSLATORS: run number, of how many: the fraction of the labels, the
             * seed, the start (scratch, pretrained or frozen: not translated, as
             * in the table and --json), the labels and epochs; keep val_acc */
            printf (_("# run %d/%d: %g%% seed %llu %s: %d labels, %d epochs, "
                      "val_acc %.4f (%.0f s)\n"), ++i, n, 100 * t->fractions[f], (unsigned long long) s.seed,
                    start_names[start], n_train, s.epochs, *acc, (g_get_monotonic_time () - t0) / 1e6);
          i += o->json;
          fflush (stdout);
        }
  return TRUE;
}

/* Mean and sample sd (n - 1; 0 for one value) of x[0..n). */
static void
mean_sd (const double *x, int n, double *mean, double *sd)
{
  double m = 0, v = 0;

  for (int i = 0; i < n; i++)
    m += x[i] / n;
  for (int i = 0; i < n; i++)
    v += (x[i] - m) * (x[i] - m);
  *mean = m;
  *sd = n > 1 ? sqrt (v / (n - 1)) : 0.0;
}

static void
print_table (LabelOpts *o, Table *t)
{
  if (!o->json)
    {
      /* the columns' tokens stay English, as --json's: scripts read them */
      printf ("\n");
      printf (_("validation accuracy, mean ± sd over %d seed(s)\n"), t->seeds);
      printf ("%9s %7s", "labels", "n");
      for (int start = 0; start < t->n_starts; start++)
        printf ("  %-17s", start_names[start]);
      printf ("  %s\n", "pretrained − scratch");
    }
  for (int f = 0; f < t->n_fractions; f++)
    {
      double m[N_STARTS], sd[N_STARTS];

      if (!o->json)
        printf ("%8g%% %7d", 100 * t->fractions[f], t->labels[f]);
      for (int start = 0; start < t->n_starts; start++)
        {
          mean_sd (cell (t, f, start), t->seeds, &m[start], &sd[start]);
          if (o->json)
            printf ("{\"fraction\": %g, \"start\": \"%s\", \"labels\": %d, \"seeds\": %d, "
                    "\"mean\": %.6f, \"sd\": %.6f}\n", t->fractions[f], start_names[start],
                    t->labels[f], t->seeds, m[start], sd[start]);
          else
            printf ("  %.4f ± %.4f", m[start], sd[start]);
        }
      if (!o->json)
        printf ("  %+20.4f\n", m[START_PRETRAINED] - m[START_SCRATCH]);
    }
}

static gboolean
plot (LabelOpts *o, FlDataset *ds, Table *t, GError **error)
{
  double mean[N_STARTS][MAX_FRACTIONS], sd[N_STARTS][MAX_FRACTIONS];
  FlCliSeries series[N_STARTS];
  g_autofree char *base = g_path_get_basename (o->csv), *model = g_path_get_basename (o->pretrained);
  /* not translated: Cairo's toy text API draws the plot, one font without
   * fallback for Chinese */
  g_autofree char *title = g_strdup_printf ("%s: accuracy against labels, pretrained = %s (%d seed%s)",
                                            base, model, t->seeds, t->seeds > 1 ? "s, mean ± sd" : "");
  g_autofree char *frozen = fl_branches_to_string (t->freeze);
  g_auto(GStrv) parts = g_strsplit (frozen, ",", -1);
  g_autofree char *joined = g_strjoinv (" + ", parts);
  g_autofree char *frozen_name = g_strdup_printf ("frozen %s", joined);
  const char *names[N_STARTS] = { "from scratch", "pretrained, tuned", frozen_name };

  for (int start = 0; start < t->n_starts; start++)
    {
      for (int f = 0; f < t->n_fractions; f++)
        mean_sd (cell (t, f, start), t->seeds, &mean[start][f], &sd[start][f]);
      series[start] = (FlCliSeries) { names[start], mean[start], sd[start] };
    }
  return fl_cli_plot_lines (o->plot, title, "fraction of the training labels",
                            "validation accuracy", t->fractions, t->n_fractions, series,
                            t->n_starts, 1.0 / ds->n_classes, error);
}

int
fl_cli_label_efficiency (int argc, char **argv)
{
  g_auto(LabelOpts) o = { .image_size = 64, .seeds = 3, .epochs = 10, .batch = 64, .lr = 1e-3,
                          .val_split = 0.2, .seed = 42 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDataset) ds = NULL;
  g_autofree double *acc = NULL;
  Table t = { 0 };

  if (!label_parse (&o, &argc, &argv, &error) || !label_plan (&o, &t, &error))
    return fl_cli_fail ("%s", error->message);
  ds = fl_cli_load (&(FlDataSpec) {
                       .images_dir = o.images, .csv_path = o.csv,
                       .image_col = o.image_col, .text_col = o.text_col, .label_col = o.label_col,
                       .image_size = o.image_size, .n_threads = o.threads,
                     }, o.quiet, &error);
  if (ds == NULL || !check_split (&o, ds, &t, &error))
    return fl_cli_fail ("%s", error->message);
  t.acc = acc = g_new0 (double, (gsize) t.n_fractions * N_STARTS * t.seeds);
  if (!run_all (&o, ds, &t, &error))
    return fl_cli_fail ("%s", error->message);
  print_table (&o, &t);
  fflush (stdout);
  if (o.plot != NULL && !plot (&o, ds, &t, &error))
    return fl_cli_fail ("%s", error->message);
  if (o.plot != NULL && !o.quiet)
    fprintf (stderr, _("plot written to %s\n"), o.plot);
  return 0;
}
