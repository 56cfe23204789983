/* SPDX-License-Identifier: MIT
 *
 * The command line of fusionlab (the app): its options, and reading them
 * into Options with the checks that they go together.
 */
#define G_LOG_DOMAIN "fl-application"

#include "fl-application-private.h"

#include "fl-window.h"
#include "fl-i18n.h"

#include <stdio.h>

const GOptionEntry _fl_application_options[] = {
  { "images", 'i', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Load the images of this folder"), N_("DIR") },
  { "csv", 'c', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Load the texts (and labels) of this CSV file"), N_("FILE") },
  { "experiment", 'e', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Open this experiment file: its runs, curves, results and data"), N_("FILE") },
  { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Save the window to this PNG file once the data is loaded, then quit"), N_("FILE") },
  { "train-epochs", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Once the data is loaded, train this many epochs (with --screenshot: before the picture)"), "N" },
  { "compare-epochs", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Once the data is loaded, compare the fusion methods, this many epochs each (with --screenshot: before the picture)"), "N" },
  { "match-epochs", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Once the data is loaded, train a matching run (Match pictures and words) of this many epochs (with --screenshot: before the picture)"), "N" },
  { "compare-folds", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("With --compare-epochs: compare over this many folds (1: one split; 5 unless told)"), "K" },
  { "image-size", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Train on images of this size (16 to 256)"), "S" },
  { "fit", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("How a picture becomes square: squash, crop (its centred square) or pad (with white)"), N_("FIT") },
  { "augment", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Augment the training pictures (random flip, crop, brightness and contrast)"), NULL },
  { "model", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Add a model file trained elsewhere (train.py of an export to PyTorch) as a run of the data"), N_("FILE") },
  { "start-from", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Start the next runs' branches from this saved model (a classifier or a matching model) instead of fresh weights"),
    N_("MODEL") },
  { "freeze", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --start-from: keep these loaded branches fixed (image, text or image,text)"), N_("BRANCHES") },
  { "screenshot-epoch", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("With --train-epochs: take the screenshot after this epoch, during the run"), "K" },
  { "screenshot-page", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --screenshot: show this page first: results, samples, runs, why, rescued (the samples fusion rescued), "
    "matching (the curves of the matching run) or search (its Search page)"), N_("PAGE") },
  { "window-size", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Open the window at this size (1280x800 unless told), to see a layout at another size"), N_("WIDTHxHEIGHT") },
  { "screenshot-search", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --screenshot-page search: search the pictures for these words first"), N_("WORDS") },
  { "load-data", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --experiment: load its data from the folders it names without asking"), NULL },
  { "screenshot-cell", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --screenshot: show the validation samples of this confusion-matrix cell first"), N_("TRUE:PREDICTED") },
  { "main-loop-report", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --screenshot and training: print how long the main loop was kept from iterating while training "
    "(bench/mainloop.sh)"), NULL },
  { "test-images", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Once the data is loaded (and trained, with --train-epochs), test the model on the labelled images of this "
    "folder, as Evaluate on Test Data… does"), N_("DIR") },
  { "test-csv", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("With --test-images: the test data's CSV"), N_("FILE") },
  { "test-model", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("With --test-images: test this model file rather than the run trained"), N_("MODEL") },
  { "scroll-report", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --screenshot: once the data is loaded, scroll the Data page's samples for 10 s, then jump across them, "
    "and print how long the main loop was kept from iterating (bench/scale.sh)"), NULL },
  { NULL }
};

char *
_fl_application_path_for_arg (GApplicationCommandLine *cmdline,
                              const char              *arg)
{
  g_autoptr(GFile) file = NULL;

  if (arg == NULL)
    return NULL;
  file = g_application_command_line_create_file_for_arg (cmdline, arg);
  return g_file_get_path (file);
}


/* The reports (--main-loop-report, --scroll-report) and the test on other
 * data (--test-images, --test-csv, --test-model) into o, read after the
 * rest; what is wrong with them, or NULL. */
static const char *
report_and_test_problem (GVariantDict *dict,
                         Options      *o)
{
  g_variant_dict_lookup (dict, "main-loop-report", "b", &o->loop_report);
  g_variant_dict_lookup (dict, "scroll-report", "b", &o->scroll_report);
  if (o->loop_report && (o->screenshot == NULL || o->epochs == 0))
    return _("--main-loop-report goes with --screenshot and --train-epochs, --match-epochs or --compare-epochs");
  if (o->scroll_report && (o->screenshot == NULL || o->epochs > 0 || o->images == NULL))
    return _("--scroll-report goes with --screenshot and data (--images, --csv), without training");
  g_variant_dict_lookup (dict, "test-model", "^&ay", &o->test_model);
  g_variant_dict_lookup (dict, "test-images", "^&ay", &o->test_images);
  g_variant_dict_lookup (dict, "test-csv", "^&ay", &o->test_csv);
  if ((o->test_images == NULL) != (o->test_csv == NULL) || (o->test_model != NULL && o->test_images == NULL))
    return _("--test-images and --test-csv go together, and --test-model with them");
  if (o->test_images != NULL && o->test_model == NULL && o->epochs == 0)
    return _("--test-images tests the run --train-epochs trains, or the model of --test-model");
  return NULL;
}

/* Reads the options and checks that they go together; says what does not. */
gboolean
_fl_application_read_options (GApplicationCommandLine *cmdline,
                              Options                 *o)
{
  GVariantDict *dict = g_application_command_line_get_options_dict (cmdline);
  const char *problem = NULL;

  *o = (Options) { NULL };
  g_variant_dict_lookup (dict, "images", "^&ay", &o->images);
  g_variant_dict_lookup (dict, "csv", "^&ay", &o->csv);
  g_variant_dict_lookup (dict, "screenshot", "^&ay", &o->screenshot);
  g_variant_dict_lookup (dict, "experiment", "^&ay", &o->experiment);
  g_variant_dict_lookup (dict, "train-epochs", "i", &o->epochs);
  g_variant_dict_lookup (dict, "screenshot-epoch", "i", &o->at_epoch);
  g_variant_dict_lookup (dict, "compare-epochs", "i", &o->compare_epochs);
  g_variant_dict_lookup (dict, "compare-folds", "i", &o->compare_folds);
  g_variant_dict_lookup (dict, "match-epochs", "i", &o->match_epochs);
  g_variant_dict_lookup (dict, "image-size", "i", &o->image_size);
  g_variant_dict_lookup (dict, "screenshot-cell", "&s", &o->cell);
  g_variant_dict_lookup (dict, "load-data", "b", &o->load_data);
  g_variant_dict_lookup (dict, "screenshot-page", "&s", &o->page);
  g_variant_dict_lookup (dict, "window-size", "&s", &o->window_size);
  g_variant_dict_lookup (dict, "screenshot-search", "&s", &o->search);
  if (o->compare_epochs > 0)
    o->epochs = o->compare_epochs;
  if (o->match_epochs > 0)
    o->epochs = o->match_epochs;

  if (o->compare_epochs < 0 || o->match_epochs < 0)
    problem = _("--compare-epochs and --match-epochs take a positive number");
  else if (o->compare_epochs > 0 && o->match_epochs > 0)
    problem = _("--compare-epochs and --match-epochs go one at a time");
  else if (o->compare_folds != 0 && (o->compare_epochs == 0 || o->compare_folds < 1 || o->compare_folds > 20))
    problem = _("--compare-folds goes with --compare-epochs and takes 1 to 20");
  else if (o->experiment != NULL && (o->images != NULL || o->csv != NULL || o->epochs > 0))
    problem = _("--experiment brings its own data and runs: it goes without --images, --csv and training");
  else if (o->epochs < 0 || o->at_epoch < 0)
    problem = _("--train-epochs and --screenshot-epoch take a positive number");
  else if (o->epochs > 0 && o->images == NULL && o->csv == NULL)
    problem = _("--train-epochs needs data: --images DIR --csv FILE");
  else if (o->cell != NULL && o->screenshot == NULL)
    problem = _("--screenshot-cell goes with --screenshot");
  else if (o->page != NULL && o->screenshot == NULL)
    problem = _("--screenshot-page goes with --screenshot");
  else if (o->search != NULL && g_strcmp0 (o->page, "search") != 0)
    problem = _("--screenshot-search goes with --screenshot-page search");
  else if (o->window_size != NULL && (sscanf (o->window_size, "%dx%d", &o->width, &o->height) != 2 ||
                                      o->width < 320 || o->height < 240 || o->width > 8192 || o->height > 8192))
    problem = _("--window-size takes WIDTHxHEIGHT, such as 1400x900");
  else if (o->load_data && o->experiment == NULL)
    problem = _("--load-data goes with --experiment");
  else
    problem = report_and_test_problem (dict, o);
  if (problem != NULL)
    g_application_command_line_printerr (cmdline, "fusionlab: %s\n", problem);
  return problem == NULL;
}

/* --start-from and --freeze: the training panel's "Start from" row. */
gboolean
_fl_application_read_start_options (GApplicationCommandLine *cmdline,
                                    char                   **start,
                                    guint                   *freeze)
{
  GVariantDict *dict = g_application_command_line_get_options_dict (cmdline);
  const char *path = NULL, *names = NULL;
  const char *problem = NULL;

  g_variant_dict_lookup (dict, "start-from", "^&ay", &path);
  g_variant_dict_lookup (dict, "freeze", "&s", &names);
  *start = _fl_application_path_for_arg (cmdline, path);
  *freeze = 0;
  if (names != NULL && path == NULL)
    problem = _("--freeze goes with --start-from");
  else if (names != NULL && (!fl_branches_from_string (names, freeze) || (*freeze & ~FL_BRANCHES_IMAGE_TEXT) != 0))
    problem = _("--freeze takes image, text or image,text");
  if (problem != NULL)
    g_application_command_line_printerr (cmdline, "fusionlab: %s\n", problem);
  return problem == NULL;
}

/* --model: a model trained elsewhere, as a run of the data (which it
 * waits for); not with a run to train or an experiment's runs. */
gboolean
_fl_application_read_model_option (GApplicationCommandLine *cmdline,
                                   const Options           *o,
                                   char                   **model)
{
  GVariantDict *dict = g_application_command_line_get_options_dict (cmdline);
  const char *path = NULL;

  g_variant_dict_lookup (dict, "model", "^&ay", &path);
  *model = _fl_application_path_for_arg (cmdline, path);
  if (path != NULL && (o->epochs > 0 || o->experiment != NULL))
    {
      g_application_command_line_printerr (cmdline, "fusionlab: %s\n",
                                           _("--model goes without training and without --experiment"));
      return FALSE;
    }
  return TRUE;
}

gboolean
_fl_application_picture_options (GApplicationCommandLine *cmdline,
                                 FlTrainPanel            *panel)
{
  GVariantDict *dict = g_application_command_line_get_options_dict (cmdline);
  const char *name = NULL;
  gboolean augment = FALSE;
  FlImageFit fit;

  if (g_variant_dict_lookup (dict, "fit", "&s", &name) && !fl_image_fit_from_string (name, &fit))
    {
      g_application_command_line_printerr (cmdline, "fusionlab: %s\n", _("--fit takes squash, crop or pad"));
      return FALSE;
    }
  if (panel != NULL && name != NULL)
    fl_train_panel_set_image_fit (panel, fit);
  if (panel != NULL && g_variant_dict_lookup (dict, "augment", "b", &augment) && augment)
    fl_train_panel_set_augment (panel, TRUE);
  return TRUE;
}
