/* SPDX-License-Identifier: MIT
 *
 * fl-cli.c — fusionlab-cli: train, compare and predict without a window.
 * Epoch lines go to stdout in the exact form of SPEC §5; errors are one line
 * on stderr and a non-zero exit.
 */
#define G_LOG_DOMAIN "fl-cli"

#include "fl-cli.h"
#include "fl-i18n.h"

#include "fl-compare.h"
#include "fl-dataset.h"
#include "fl-experiment.h"
#include "fl-inputs.h"
#include "fl-predictor.h"
#include "fl-torch-export.h"
#include "fl-trainer.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  char    *images;
  char    *csv;
  char    *image_col;
  char    *text_col;
  char    *label_col;
  char    *audio_col;
  char    *numeric_cols;
  char    *fusion;
  char    *branches;   /* --branches: NULL = every branch the data has */
  int      epochs;
  int      batch;
  double   lr;
  int      image_size;
  double   val_split;
  double   modality_dropout;
  int      rank;
  gboolean val_split_given;
  gint64   seed;
  int      threads;
  int      kfold;
  int      fold;
  int      folds;      /* compare --folds; 0: one split */
  int      repeats;    /* compare --repeats; 0: not given */
  char    *save;
  char    *metrics_csv;
  char    *experiment;
  gboolean json;
  gboolean quiet;
  gboolean force;      /* export-torch --force */
  char    *model;
  char    *out;
  char    *export;
  char    *init_from, *freeze, *word_vectors;   /* transfer: fl-transfer.h */
  char    *fit;        /* --fit: NULL = squash */
  gboolean augment;
  char    *text_encoder;
  int      max_tokens;
  char    *text_pool;
} Opts;

static void
opts_clear (Opts *o)
{
  g_free (o->images); g_free (o->csv); g_free (o->image_col); g_free (o->text_col);
  g_free (o->label_col); g_free (o->fusion); g_free (o->branches); g_free (o->save);
  g_free (o->metrics_csv); g_free (o->experiment); g_free (o->audio_col); g_free (o->numeric_cols);
  g_free (o->model); g_free (o->out); g_free (o->export); g_free (o->init_from);
  g_free (o->freeze); g_free (o->word_vectors); g_free (o->fit); g_free (o->text_encoder);
  g_free (o->text_pool);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Opts, opts_clear)

static void
print_epoch (const FlEpochStats *e, gboolean json, const char *fusion)
{
  if (json)
    printf ("{\"fusion\": \"%s\", \"epoch\": %d, \"epochs\": %d, \"train_loss\": %.6f, "
            "\"train_acc\": %.6f, \"val_loss\": %.6f, \"val_acc\": %.6f, \"val_f1\": %.6f, "
            "\"samples_per_s\": %.1f}\n",
            fusion, e->epoch, e->n_epochs, e->train_loss, e->train_acc, e->val_loss,
            e->val_acc, e->val_f1, e->samples_per_s);
  else
    printf ("epoch %d/%d train_loss %.4f train_acc %.4f val_loss %.4f val_acc %.4f "
            "val_f1 %.4f samples_per_s %.1f\n",
            e->epoch, e->n_epochs, e->train_loss, e->train_acc, e->val_loss, e->val_acc,
            e->val_f1, e->samples_per_s);
  fflush (stdout);
}

typedef struct {
  gboolean      json;
  gboolean      quiet;
  FlComparison *cmp;
  int           run;   /* the index of the run training */
} PrintCtx;

static void
epoch_cb (const FlRunResult *r, const FlEpochStats *e, gpointer user_data)
{
  PrintCtx *p = user_data;
  const char *report = fl_run_transfer_report (fl_comparison_run (p->cmp, p->run));

  if (e->epoch == 1 && report != NULL && !p->quiet)
    fprintf (stderr, "%s\n", report);
  if (e->epoch == 1 && p->run == 0)   /* the first run's split: for train, the only one */
    fl_cli_warn_held_out (fl_comparison_run (p->cmp, 0));
  print_epoch (e, p->json, fl_fusion_to_string (r->fusion));
}

static void
progress_cb (gint64 done, gint64 total, gpointer user_data)
{
  gboolean *quiet = user_data;
  if (!*quiet && isatty (fileno (stderr)))
    {
      fputc ('\r', stderr);
      /* TRANSLATORS: the progress line while the data loads: files read/all */
      fprintf (stderr, _("loading files %lld/%lld"), (long long) done, (long long) total);
    }
}

/* --val-split, remembering that it was given: compare --folds refuses it. */
static gboolean
val_split_cb (const char *name, const char *value, gpointer data, GError **error)
{
  Opts *o = data;
  char *end = NULL;

  o->val_split = g_ascii_strtod (value, &end);
  if (end == value || *end != '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("cannot parse “%s” as a number for %s"), value, name);
      return FALSE;
    }
  o->val_split_given = TRUE;
  return TRUE;
}

/* Adds the options of compare alone (GLib copies the entries). */
static void
add_compare_entries (GOptionContext *ctx, Opts *o)
{
  const GOptionEntry entries[] = {
    { "folds", 0, 0, G_OPTION_ARG_INT, &o->folds,
      N_("Repeated stratified k-fold: every route on the same K folds"), "K" },
    { "repeats", 0, 0, G_OPTION_ARG_INT, &o->repeats,
      N_("With --folds: R shuffles into folds, seeds N to N+R-1 (1)"), "R" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
}

/* Adds the columns of the audio and numeric branches to the common
 * options. */
static void
add_branch_entries (GOptionContext *ctx, Opts *o)
{
  const GOptionEntry entries[] = {
    { "audio-col", 0, 0, G_OPTION_ARG_STRING, &o->audio_col,
      N_("Column of sound clips in the image folder (\"\" = none)"), "C" },
    { "numeric-cols", 0, 0, G_OPTION_ARG_STRING, &o->numeric_cols,
      N_("Numeric columns: auto (every column of numbers) or names separated by commas"), "auto|A,B" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
}

/* Adds the options of predict alone. */
static void
add_predict_entries (GOptionContext *ctx, Opts *o)
{
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &o->model, N_("A model saved with --save"), "MODEL" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o->out, N_("Where to write the predictions"), "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
}

/* Adds the options of export-torch alone. */
static void
add_torch_entries (GOptionContext *ctx, Opts *o)
{
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o->out, N_("The folder to write (new or empty)"), "DIR" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o->force, N_("Write into a folder that is not empty"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
}

/* Adds the options of transfer (train and compare): fl-transfer.h. */
static void
add_transfer_entries (GOptionContext *ctx, Opts *o)
{
  const GOptionEntry entries[] = {
    { "init-from", 0, 0, G_OPTION_ARG_FILENAME, &o->init_from, N_("Start the branches from a model"), "MODEL" },
    { "freeze", 0, 0, G_OPTION_ARG_STRING, &o->freeze, N_("Keep these branches as they start"), "image,text" },
    { "word-vectors", 0, 0, G_OPTION_ARG_FILENAME, &o->word_vectors, N_("GloVe/fastText vectors"), "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
}

/* Adds the options of how the branches are fused (train and compare). */
static void
add_fusion_entries (GOptionContext *ctx, Opts *o)
{
  const GOptionEntry entries[] = {
    { "fusion", 0, 0, G_OPTION_ARG_STRING, &o->fusion,
      "concat|mean|product|gated|late|lowrank|image|text|audio|numeric", "F" },
    { "branches", 0, 0, G_OPTION_ARG_STRING, &o->branches,
      N_("The branches to fuse, two or more of image,text,audio,numeric (all the data has)"), "B,B" },
    { "modality-dropout", 0, 0, G_OPTION_ARG_DOUBLE, &o->modality_dropout,
      N_("Zero one modality of a training sample with this probability, 0 to 0.5 (0)"), "P" },
    { "rank", 0, 0, G_OPTION_ARG_INT, &o->rank, N_("Rank R of the lowrank fusion, 1 to 256 (8)"), "R" },
    FL_CLI_TEXT_ENTRIES (o->text_encoder, o->max_tokens, o->text_pool),
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
}

/* Parses argv for the given command; returns FALSE with a message. */
static gboolean
parse (Opts *o, const char *command, int *argc, char ***argv, GError **error)
{
  g_autoptr(GOptionContext) ctx = NULL;
  const GOptionEntry common[] = {
    { "images", 0, 0, G_OPTION_ARG_FILENAME, &o->images, N_("The image folder"), "DIR" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &o->csv, N_("The text CSV"), "FILE" },
    { "image-col", 0, 0, G_OPTION_ARG_STRING, &o->image_col, N_("Column of image paths"), "C" },
    { "text-col", 0, 0, G_OPTION_ARG_STRING, &o->text_col, N_("Column of texts"), "C" },
    { "label-col", 0, 0, G_OPTION_ARG_STRING, &o->label_col, N_("Column of labels (\"\" = folder names)"), "C" },
    { "image-size", 0, 0, G_OPTION_ARG_INT, &o->image_size, N_("Images are resized to S×S (64)"), "S" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o->threads, N_("Threads (all cores)"), "N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("Print only the results"), NULL },
    { NULL }
  };
  const GOptionEntry train[] = {
    { "epochs", 0, 0, G_OPTION_ARG_INT, &o->epochs, N_("Epochs (10)"), "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &o->batch, N_("Batch size (64)"), "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &o->lr, N_("Adam learning rate (0.001)"), "X" },
    { "val-split", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) val_split_cb, N_("Validation fraction (0.2)"), "X" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, N_("Seed of split, init and shuffle (42)"), "N" },
    { "kfold", 0, 0, G_OPTION_ARG_INT, &o->kfold, N_("k-fold cross-validation: k"), "K" },
    { "fold", 0, 0, G_OPTION_ARG_INT, &o->fold, N_("with --kfold, the validation fold (0)"), "I" },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &o->save, N_("Save the trained model"), "MODEL" },
    { "metrics-csv", 0, 0, G_OPTION_ARG_FILENAME, &o->metrics_csv, N_("Write per-epoch metrics"), "FILE" },
    { "experiment", 0, 0, G_OPTION_ARG_FILENAME, &o->experiment,
      N_("Write an experiment file that the app reopens (fusionlab --experiment FILE)"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("One JSON object per epoch"), NULL },
    FL_CLI_PICTURE_ENTRIES (o->fit, o->augment),
    { "export", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &o->export,
      "Write the prepared split data as safetensors and stop (for bench/)", "FILE" },
    { NULL }
  };
  g_autofree char *summary = g_strdup_printf ("— fusionlab-cli %s", command);

  ctx = g_option_context_new (summary);
  /* a main group of its own, so that val_split_cb receives o */
  g_option_context_set_main_group (ctx, g_option_group_new (NULL, NULL, NULL, o, NULL));
  g_option_context_add_main_entries (ctx, common, NULL);
  add_branch_entries (ctx, o);
  if (strcmp (command, "predict") == 0)
    add_predict_entries (ctx, o);
  else
    {
      add_fusion_entries (ctx, o);
      add_transfer_entries (ctx, o);
      g_option_context_add_main_entries (ctx, train, NULL);
    }
  if (strcmp (command, "compare") == 0)
    add_compare_entries (ctx, o);
  if (strcmp (command, "export-torch") == 0)
    add_torch_entries (ctx, o);
  return fl_cli_parse (ctx, argc, argv, error);
}

static gboolean
check_common (Opts *o, GError **error)
{
  return fl_cli_check_data (o->images, o->csv, o->image_size, o->threads, error);
}

static gboolean
settings_from_opts (Opts *o, FlTrainSettings *s, GError **error)
{
  fl_train_settings_init_default (s);
  if (o->fusion != NULL && !fl_fusion_from_string (o->fusion, &s->fusion))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("unknown fusion “%s”; choose concat, mean, product, gated, late, "
                     "lowrank, image, text, audio or numeric"), o->fusion);
      return FALSE;
    }
  if (o->branches != NULL && !fl_branches_from_string (o->branches, &s->branches))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--branches “%s” is not a list of image, text, audio and numeric"), o->branches);
      return FALSE;
    }
  s->epochs = o->epochs;
  s->batch_size = o->batch;
  s->lr = (float) o->lr;
  s->val_fraction = o->val_split;
  s->seed = (guint64) o->seed;
  s->kfold = o->kfold;
  s->fold = o->fold;
  s->n_threads = o->threads;
  s->modality_dropout = o->modality_dropout;
  s->rank = o->rank;
  s->augment = o->augment;
  if (!fl_cli_text_encoder (o->text_encoder, o->max_tokens, o->text_pool, s, error))
    return FALSE;
  s->init_from = o->init_from;
  s->word_vectors = o->word_vectors;
  if (o->freeze != NULL && !fl_branches_from_string (o->freeze, &s->freeze))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--freeze “%s” is not a list of image, text, audio and numeric"), o->freeze);
      return FALSE;
    }
  if (o->seed < 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--seed must be ≥ 0"));
      return FALSE;
    }
  return TRUE;
}

/* spec's audio column and, from --numeric-cols, its numeric ones into
 * *numeric: "auto" is every column of numbers the CSV has
 * (fl_dataset_numeric_columns()). */
static gboolean
branch_columns (Opts *o, FlDataSpec *spec, GStrv *numeric, GError **error)
{
  g_autoptr(FlCsv) csv = NULL;

  spec->audio_col = o->audio_col;
  if (o->numeric_cols == NULL || o->numeric_cols[0] == '\0')
    return TRUE;
  if (strcmp (o->numeric_cols, "auto") != 0)
    {
      *numeric = g_strsplit (o->numeric_cols, ",", -1);
      for (int i = 0; (*numeric)[i] != NULL; i++)
        g_strstrip ((*numeric)[i]);
    }
  else if ((csv = fl_csv_load (o->csv, error)) != NULL)
    *numeric = fl_dataset_numeric_columns (csv, spec);
  spec->numeric_cols = (const char *const *) *numeric;
  return *numeric != NULL;
}

static FlDataset *
load_data (Opts *o, GError **error)
{
  FlDataSpec spec = {
    .images_dir = o->images, .csv_path = o->csv,
    .image_col = o->image_col, .text_col = o->text_col, .label_col = o->label_col,
    .image_size = o->image_size, .n_threads = o->threads,
  };
  g_auto(GStrv) numeric = NULL;
  gint64 t0 = g_get_monotonic_time ();
  FlDataset *ds = fl_cli_image_fit (o->fit, &spec.image_fit, error) && branch_columns (o, &spec, &numeric, error)
                  ? fl_dataset_load (&spec, progress_cb, &o->quiet, NULL, error) : NULL;

  if (!o->quiet && isatty (fileno (stderr)))
    fprintf (stderr, "\r\033[K");
  if (ds != NULL && !o->quiet)
    {
      g_autofree char *desc = fl_dataset_describe (ds);
      fputs (desc, stderr);
      fprintf (stderr, _("loaded in %.1f s\n"), (g_get_monotonic_time () - t0) / 1e6);
    }
  return ds;
}

static void
print_report (FlRun *run, FILE *f)
{
  fl_cli_print_report (fl_run_metrics (run), (const char *const *) fl_run_dataset (run)->class_names, f);
}

static void
opts_init (Opts *o)
{
  FlTrainSettings d;

  fl_train_settings_init_default (&d);
  *o = (Opts) {
    .epochs = d.epochs, .batch = d.batch_size, .lr = d.lr, .image_size = 64,
    .val_split = d.val_fraction, .seed = (gint64) d.seed, .rank = d.rank, .folds = -1, .repeats = -1,
    .max_tokens = d.max_tokens,
  };
}

/* --export: the split, the order of every epoch and the initial weights of
 * a run not yet trained, for bench/torch_reference.py. */
static int
export_run (Opts *o, const FlTrainSettings *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDataset) ds = load_data (o, &error);
  g_autoptr(FlRun) run = ds ? fl_run_new (ds, s, &error) : NULL;

  if (run == NULL || !fl_run_export (run, o->export, &error))
    return fl_cli_fail ("%s", error->message);
  return 0;
}

/* "# run 3/25 product · fold 3/5 (about 2 min left)": where a long
 * comparison is, and from the second run on, how long the rest will take
 * at the pace so far. */
static void
print_run_header (FlComparison *cmp, int i, gint64 t0)
{
  int n = fl_comparison_n_runs (cmp);
  const char *name = fl_comparison_result (cmp, i)->name;
  double left = i > 0 ? (g_get_monotonic_time () - t0) / 1e6 / i * (n - i) : 0;

  /* TRANSLATORS: the header of a run of compare: its number, of how many,
   * and its route ("product · fold 3/5") */
  if (i == 0)
    printf (_("# run %d/%d %s\n"), i + 1, n, name);
  else if (left < 90)
    printf (_("# run %d/%d %s (about %.0f s left)\n"), i + 1, n, name, left);
  else
    printf (_("# run %d/%d %s (about %.0f min left)\n"), i + 1, n, name, left / 60);
  fflush (stdout);
}

/* Trains every run of cmp in turn, printing its epochs and, for train, its
 * report; --save writes each run's model. compare keeps no model: each is
 * released once trained, its results kept. */
static int
train_runs (Opts *o, FlComparison *cmp, gboolean compare)
{
  g_autoptr(GError) error = NULL;
  PrintCtx pctx = { .json = o->json, .quiet = o->quiet, .cmp = cmp };
  FlCompareCallbacks cb = { .epoch_done = epoch_cb, .user_data = &pctx };
  gint64 t0 = g_get_monotonic_time ();
  for (int i = 0; i < fl_comparison_n_runs (cmp); i++)
    {
      if (compare && !o->json)
        print_run_header (cmp, i, t0);
      pctx.run = i;
      if (!fl_comparison_train (cmp, i, &cb, NULL, &error))
        return fl_cli_fail ("%s", error->message);
      if (!compare && !o->quiet && !o->json)
        print_report (fl_comparison_run (cmp, i), stdout);
      if (o->save != NULL && !fl_run_save_model (fl_comparison_run (cmp, i), o->save, &error))
        return fl_cli_fail (_("could not save the model: %s"), error->message);
      if (compare)
        fl_comparison_release_run (cmp, i);
    }
  return 0;
}

static void
make_absolute (char **path)
{
  char *full = g_canonicalize_filename (*path, NULL);

  g_free (*path);
  *path = full;
}

static gboolean
write_experiment (const char *path, FlDataset *ds, FlComparison *cmp, GError **error)
{
  g_auto(FlExperimentData) data = { 0 };

  fl_experiment_data_from_dataset (&data, ds);
  /* opened later from anywhere: the data's full paths */
  make_absolute (&data.images_dir);
  make_absolute (&data.csv_path);
  return fl_experiment_save (path, &data, cmp, NULL, error);
}

/* What compare refuses that train takes, and the cross-validation
 * options, which make sense only together. */
static gboolean
check_compare (Opts *o, gboolean compare, GError **error)
{
  const char *bad = NULL;
  g_autofree char *range = NULL;

  if (compare && o->fusion != NULL)
    bad = _("compare trains every fusion; leave out --fusion");
  else if (compare && o->save != NULL)
    bad = _("--save is for train; compare keeps no model");
  else if (o->folds != -1 && (o->folds < 2 || o->folds > FL_CV_MAX_FOLDS))
    bad = range = g_strdup_printf (_("--folds must be between 2 and %d"), FL_CV_MAX_FOLDS);
  else if (o->repeats != -1 && (o->repeats < 1 || o->repeats > FL_CV_MAX_REPEATS))
    bad = range = g_strdup_printf (_("--repeats must be between 1 and %d"), FL_CV_MAX_REPEATS);
  else if (o->repeats != -1 && o->folds == -1)
    bad = _("--repeats needs --folds K");
  else if (o->folds != -1 && o->val_split_given)
    bad = _("--folds splits the data into K folds; leave out --val-split");
  else if (o->folds != -1 && o->kfold != 0)
    bad = _("--folds runs every fold; leave out --kfold and --fold");
  if (bad != NULL)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, bad);
  return bad == NULL;
}

/* train: one run; compare: every route the branches allow (the fusions of
 * the chosen branches, and each one's baseline) on one split, or with
 * --folds on every fold of every repeat. Returns the number of routes. */
static int
add_runs (Opts *o, FlComparison *cmp, const FlTrainSettings *s, guint present, gboolean compare)
{
  FlFusion all[FL_N_FUSIONS];
  int n = fl_train_routes (fl_train_settings_branches (s, present), all);

  if (!compare)
    fl_comparison_add (cmp, s->fusion);
  else if (o->folds != -1)
    fl_comparison_add_cv (cmp, s, all, n, o->folds, MAX (o->repeats, 1));
  else
    for (int f = 0; f < n; f++)
      fl_comparison_add (cmp, all[f]);
  return compare ? n : 1;
}

static void
print_comparison (FlComparison *cmp)
{
  g_autofree char *text = fl_comparison_cv_folds (cmp) >= 2 ? fl_comparison_cv_report (cmp)
                                                             : fl_comparison_table (cmp);
  printf ("\n%s", text);
}

static int
cmd_train (int argc, char **argv, gboolean compare)
{
  g_auto(Opts) o;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDataset) ds = NULL;
  g_autoptr(FlComparison) cmp = NULL;
  FlTrainSettings s;
  int rc, n_routes;

  opts_init (&o);
  if (!parse (&o, compare ? "compare" : "train", &argc, &argv, &error) ||
      !check_common (&o, &error) || !settings_from_opts (&o, &s, &error) ||
      !fl_train_settings_validate (&s, &error) || !check_compare (&o, compare, &error))
    return fl_cli_fail ("%s", error->message);
  if (o.export != NULL)
    return export_run (&o, &s);

  ds = load_data (&o, &error);
  if (ds == NULL)
    return fl_cli_fail ("%s", error->message);
  if ((s.branches & ~fl_dataset_branches (ds)) != 0)
    {
      g_autofree char *missing = fl_branches_to_string (s.branches & ~fl_dataset_branches (ds));
      return fl_cli_fail (_("--branches: the data has no %s"), missing);
    }
  cmp = fl_comparison_new (ds, &s);
  n_routes = add_runs (&o, cmp, &s, fl_dataset_branches (ds), compare);
  if (!o.quiet && compare && o.folds != -1)
    fprintf (stderr, _("%d runs: %d routes × %d folds × %d repeat(s)\n"), fl_comparison_n_runs (cmp),
             n_routes, o.folds, MAX (o.repeats, 1));
  rc = train_runs (&o, cmp, compare);
  if (rc != 0)
    return rc;
  if (compare)
    print_comparison (cmp);
  if (o.metrics_csv != NULL && !fl_comparison_write_metrics_csv (cmp, o.metrics_csv, &error))
    return fl_cli_fail ("%s", error->message);
  if (o.experiment != NULL && !write_experiment (o.experiment, ds, cmp, &error))
    return fl_cli_fail ("%s", error->message);
  if (o.save != NULL && !o.quiet)
    fprintf (stderr, _("model saved to %s\n"), o.save);
  return 0;
}

static int
cmd_predict (int argc, char **argv)
{
  g_auto(Opts) o;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPredictor) pred = NULL;
  FlDataSpec spec;
  g_auto(GStrv) numeric = NULL;
  int n = 0;

  opts_init (&o);
  if (!parse (&o, "predict", &argc, &argv, &error))
    return fl_cli_fail ("%s", error->message);
  if (o.model == NULL)
    return fl_cli_fail (_("--model MODEL is required"));
  if (o.out == NULL)
    return fl_cli_fail (_("--out FILE is required"));
  pred = fl_predictor_load (o.model, &error);
  if (pred == NULL)
    return fl_cli_fail ("%s", error->message);
  o.image_size = fl_predictor_image_size (pred);
  if (!check_common (&o, &error))
    return fl_cli_fail ("%s", error->message);
  spec = (FlDataSpec) {
    .images_dir = o.images, .csv_path = o.csv,
    .image_col = o.image_col, .text_col = o.text_col, .label_col = o.label_col,
    .n_threads = o.threads,
  };
  if (!branch_columns (&o, &spec, &numeric, &error) ||
      !fl_predictor_write_csv (pred, &spec, o.out, &n, NULL, &error))
    return fl_cli_fail ("%s", error->message);
  if (!o.quiet)
    fprintf (stderr, _("%d predictions written to %s\n"), n, o.out);
  return 0;
}

/* What export-torch refuses: the options of a run it does not train. */
static gboolean
check_torch (Opts *o, GError **error)
{
  const char *bad = NULL;

  if (o->out == NULL)
    bad = _("--out DIR is required");
  else if (o->save != NULL || o->experiment != NULL || o->metrics_csv != NULL || o->export != NULL)
    bad = _("export-torch trains nothing: train.py --out saves the model it trains");
  else if (o->json)
    bad = _("--json is for train; run train.py --json");
  if (bad != NULL)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, bad);
  return bad == NULL;
}

/* export-torch: the run train would start, handed to PyTorch as a folder
 * (fl-torch-export.h). */
static int
cmd_export_torch (int argc, char **argv)
{
  g_auto(Opts) o;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDataset) ds = NULL;
  g_autoptr(FlRun) run = NULL;
  g_autofree char *command = g_strjoinv (" ", argv);
  FlTrainSettings s;

  opts_init (&o);
  if (!parse (&o, "export-torch", &argc, &argv, &error) || !check_torch (&o, &error) ||
      !check_common (&o, &error) || !settings_from_opts (&o, &s, &error) ||
      !fl_train_settings_validate (&s, &error))
    return fl_cli_fail ("%s", error->message);
  ds = load_data (&o, &error);
  run = ds != NULL ? fl_run_new (ds, &s, &error) : NULL;
  if (run == NULL || !fl_torch_export (run, o.out, o.force, command, &error))
    {
      /* TRANSLATORS: %s says which folder exists and is not empty */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        return fl_cli_fail (_("%s (or --force to write over it)"), error->message);
      return fl_cli_fail ("%s", error->message);
    }
  if (!o.quiet)
    fprintf (stderr, _("exported to %s; train it with\n  torchrun --nproc_per_node 2 %s/train.py\n"),
             o.out, o.out);
  return 0;
}

static void
usage (FILE *f)
{
  /* TRANSLATORS: keep the command names and options; the commands'
   * column may be widened as the translation needs */
  fprintf (f, _("Usage: fusionlab-cli COMMAND [OPTIONS]\n\n"
           "Commands:\n"
           "  train     train one fusion method and print one line per epoch\n"
           "  compare   train every fusion route and each branch's baseline on the same split,\n"
           "            or with --folds K [--repeats R] on the same K folds, and test\n"
           "            which is better\n"
           "  predict   predict the classes of new data with a saved model\n"
           "  evaluate  test a saved model on other labelled data: accuracy, macro-F1,\n"
           "            per class and the confusion matrix\n"
           "  match     map pictures and words into one space and print retrieval R@k\n"
           "  search    rank pictures for a sentence, or texts for a picture, with a saved\n"
           "            matching model\n"
           "  label-efficiency  accuracy with 10-100%% of the labels, from scratch or pretrained\n"
           "  export-torch  write a folder that trains the same run with PyTorch and torchrun\n\n"
           "Run 'fusionlab-cli COMMAND --help' for the options of a command.\n"));
}

int
fl_cli_main (int argc, char **argv)
{
  /* messages in the user's language (LANGUAGE honoured in the C locale),
   * numbers always with a point: scripts parse the epoch lines and the
   * files written (fl_i18n_init) */
  fl_i18n_init ();
  if (argc < 2)
    {
      usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "train") == 0)
    return cmd_train (argc - 1, argv + 1, FALSE);
  if (strcmp (argv[1], "compare") == 0)
    return cmd_train (argc - 1, argv + 1, TRUE);
  if (strcmp (argv[1], "predict") == 0)
    return cmd_predict (argc - 1, argv + 1);
  if (strcmp (argv[1], "evaluate") == 0)
    return fl_cli_evaluate (argc - 1, argv + 1);
  if (strcmp (argv[1], "match") == 0)
    return fl_cli_match (argc - 1, argv + 1);
  if (strcmp (argv[1], "search") == 0)
    return fl_cli_search (argc - 1, argv + 1);
  if (strcmp (argv[1], "label-efficiency") == 0)
    return fl_cli_label_efficiency (argc - 1, argv + 1);
  if (strcmp (argv[1], "export-torch") == 0)
    return cmd_export_torch (argc - 1, argv + 1);
  return fl_cli_fail (_("unknown command “%s”; use train, compare, predict, evaluate, match, search, "
                        "label-efficiency or export-torch"), argv[1]);
}
