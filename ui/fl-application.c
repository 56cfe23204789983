/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-application"

#include "fl-application-private.h"

#include "fl-i18n.h"
#include "fl-main-loop-probe.h"
#include "fl-scroll-bench.h"
#include "fl-settings.h"
#include "fl-window.h"

#include <stdio.h>

/* How often a --screenshot run looks at where the window is. */
#define SCREENSHOT_POLL_MS 100

typedef enum {
  SHOT_LOADING,    /* waiting for the data */
  SHOT_TRAINING,   /* waiting for the epochs */
  SHOT_SCROLLING,  /* waiting for the Data page's last sample */
  SHOT_TESTING,    /* waiting for a test on other data */
  SHOT_SETTLING,   /* waiting for the last frames to be drawn */
} ShotState;

/* A --screenshot or --train-epochs run: load, maybe train, and for
 * --screenshot save the window and quit. */
typedef struct {
  FlWindow                *window;     /* weak */
  GApplicationCommandLine *cmdline;
  char                    *path;
  int                      epochs;     /* 0 = do not train */
  int                      at_epoch;   /* take it after this epoch */
  gboolean                 compare;    /* train.compare rather than train.start */
  gboolean                 match;      /* a matching run rather than a classifier */
  char                    *cell;       /* "TRUE:PREDICTED" class names, or NULL */
  char                    *page;       /* the bottom page to show, or NULL */
  char                    *search;     /* words to search the Search page for, or NULL */
  ShotState                state;
  int                      settle;     /* polls left before the picture */
  FlMainLoopProbe         *probe;      /* --main-loop-report: while training */
  gboolean                 scroll;     /* --scroll-report */
  FlScrollBench           *bench;      /* while scrolling */
  char                    *test[3];    /* --test-model (or NULL), --test-images, --test-csv */
} Screenshot;

struct _FlApplication {
  GtkApplication  parent_instance;

  Screenshot     *shot;
  guint           shot_id;
  GSettings      *settings;   /* NULL: the schema is nowhere (fl_settings_new()) */
};

G_DEFINE_FINAL_TYPE (FlApplication, fl_application, GTK_TYPE_APPLICATION)


static void
screenshot_free (Screenshot *shot)
{
  fl_scroll_bench_free (shot->bench);
  for (guint k = 0; k < G_N_ELEMENTS (shot->test); k++)
    g_free (shot->test[k]);
  g_clear_weak_pointer (&shot->window);
  g_clear_object (&shot->cmdline);
  g_free (shot->path);
  g_free (shot->cell);
  g_free (shot->page);
  g_free (shot->search);
  fl_main_loop_probe_free (shot->probe);
  g_free (shot);
}

/* --test-images: the test, once the data is there and trained. */
static gboolean
start_test (Screenshot *shot)
{
  if (!fl_window_test (shot->window, shot->test[0], shot->test[1], shot->test[2]))
    return shot->path != NULL;
  shot->state = SHOT_TESTING;
  return TRUE;
}

static gboolean
poll_testing (Screenshot *shot)
{
  if (fl_session_get_testing (fl_window_get_session (shot->window)))
    return TRUE;
  shot->state = SHOT_SETTLING;
  return shot->path != NULL;
}

static gboolean
start_scrolling (Screenshot *shot)
{
  FlPreviewGrid *grid = fl_window_get_preview_grid (shot->window);

  shot->bench = fl_scroll_bench_new (GTK_WIDGET (grid), fl_preview_grid_get_vadjustment (grid));
  shot->state = SHOT_SCROLLING;
  return TRUE;
}

/* Each step of a --screenshot or --train-epochs run returns TRUE to look
 * again at the next poll, FALSE when the run is over. */
static gboolean
poll_loading (Screenshot *shot)
{
  FlWindow *window = shot->window;
  FlDataPanel *panel = fl_window_get_data_panel (window);

  if (fl_data_panel_get_loading (panel) || !gtk_widget_get_mapped (GTK_WIDGET (window)) ||
      (fl_data_panel_get_dataset (panel) != NULL && fl_window_get_opening_model (window)))
    return TRUE;
  if (shot->scroll && fl_data_panel_get_dataset (panel) != NULL)
    return start_scrolling (shot);
  if (shot->epochs > 0 && fl_data_panel_get_dataset (panel) != NULL)
    {
      fl_train_panel_set_epochs (fl_window_get_train_panel (window), shot->epochs);
      fl_train_panel_set_task (fl_window_get_train_panel (window), shot->match ? FL_TASK_MATCH : FL_TASK_CLASSIFY);
      gtk_widget_activate_action (GTK_WIDGET (window), shot->compare ? "train.compare" : "train.start", NULL);
      shot->state = SHOT_TRAINING;
      if (shot->probe != NULL)   /* made by start_screenshot(): from here on */
        {
          fl_main_loop_probe_free (shot->probe);
          shot->probe = fl_main_loop_probe_new ();
          fl_main_loop_probe_watch_frames (shot->probe, gtk_widget_get_frame_clock (GTK_WIDGET (window)));
        }
      /* --train-epochs alone: just start the run */
      return shot->path != NULL;
    }
  if (shot->test[1] != NULL)
    return start_test (shot);
  shot->state = SHOT_SETTLING;
  return shot->path != NULL;
}

/* The epochs of the run training that the curves show. */
static int
epochs_shown (FlWindow *window)
{
  FlTrainingView *view = fl_window_get_training_view (window);
  FlPlotView *plot = fl_training_view_get_accuracy_plot (view);

  if (fl_train_panel_get_task (fl_window_get_train_panel (window)) == FL_TASK_MATCH)
    return (int) fl_plot_view_get_n_points (fl_match_view_get_plot (fl_window_get_match_view (window), FL_MATCH_I2T),
                                            fl_match_view_get_series (fl_window_get_match_view (window), 0, FALSE));

  return (int) fl_plot_view_get_n_points (plot, (guint) fl_training_view_get_series (view, plot, FL_CURVE_VAL));
}

/* --main-loop-report: the gaps between the probe's runs while training. */
static void
report_main_loop (Screenshot *shot)
{
  g_autofree char *gaps = NULL;

  fl_main_loop_probe_stop (shot->probe);
  gaps = fl_main_loop_probe_describe (shot->probe);
  /* not translated: bench/mainloop.sh parses it */
  g_application_command_line_print (shot->cmdline, "main loop while training: %s\n", gaps);
}

static gboolean
poll_training (Screenshot *shot)
{
  FlWindow *window = shot->window;

  if (fl_window_get_training (window) && shot->compare)
    return TRUE;
  if (fl_window_get_training (window) && epochs_shown (window) < shot->at_epoch)
    return TRUE;
  shot->state = SHOT_SETTLING;
  if (shot->probe != NULL)
    report_main_loop (shot);
  if (shot->test[1] != NULL)
    return start_test (shot);
  return TRUE;
}

static gboolean
poll_scrolling (Screenshot *shot)
{
  g_autofree char *report = NULL;

  if (!fl_scroll_bench_done (shot->bench))
    return TRUE;
  report = fl_scroll_bench_report (shot->bench);
  g_application_command_line_print (shot->cmdline, "%s", report);
  shot->state = SHOT_SETTLING;
  return TRUE;
}

/* The class of the shown run called name, or -1. */
static int
class_index (FlWindow   *window,
             const char *name)
{
  FlSession *session = fl_window_get_session (window);
  int run = fl_session_get_shown_run (session);
  const FlValidation *v = run >= 0 ? fl_comparison_result (fl_session_get_comparison (session), run)->validation
                                   : NULL;

  for (int c = 0; v != NULL && c < v->n_classes; c++)
    if (g_strcmp0 (v->class_names[c], name) == 0)
      return c;
  return -1;
}

/* --screenshot-cell: the samples of true class t taken for p, as a click
 * on that cell of the matrix shows them. */
static gboolean
show_cell (Screenshot *shot)
{
  g_auto(GStrv) names = g_strsplit (shot->cell, ":", 2);
  int t = g_strv_length (names) == 2 ? class_index (shot->window, names[0]) : -1;
  int p = t >= 0 ? class_index (shot->window, names[1]) : -1;

  if (p < 0)
    {
      /* TRANSLATORS: %s is the --screenshot-cell argument, TRUE:PREDICTED class names */
      g_autofree char *msg = g_strdup_printf (_("the shown run has no cell %s"), shot->cell);

      g_application_command_line_printerr (shot->cmdline, "fusionlab: %s\n", msg);
      g_application_command_line_set_exit_status (shot->cmdline, 1);
      return FALSE;
    }
  fl_confusion_view_activate_cell (fl_results_view_get_confusion_view (fl_window_get_results_view (shot->window)),
                                   t, p);
  return TRUE;
}

/* --screenshot-page: "rescued" is the Why page's first, then its gallery
 * once the page has worked it out. */
static void
show_page (Screenshot *shot)
{
  gboolean rescued = g_strcmp0 (shot->page, "rescued") == 0;

  if (shot->page == NULL)
    return;
  if (shot->settle == 30)
    gtk_widget_activate_action (GTK_WIDGET (shot->window), "win.show-page", "s", rescued ? "why" : shot->page);
  /* once the held-out samples are embedded */
  if (shot->search != NULL && fl_search_view_get_ready (fl_window_get_search_view (shot->window)))
    {
      fl_search_view_search (fl_window_get_search_view (shot->window), shot->search);
      g_clear_pointer (&shot->search, g_free);
    }
  else if (rescued && shot->settle == 5)
    gtk_widget_activate_action (GTK_WIDGET (shot->window), "win.show-page", "s", "rescued");
}

static gboolean
poll_settling (Screenshot *shot)
{
  g_autoptr(GError) error = NULL;

  if (shot->cell != NULL && !show_cell (shot))
    {
      gtk_window_destroy (GTK_WINDOW (shot->window));
      return FALSE;
    }
  g_clear_pointer (&shot->cell, g_free);
  show_page (shot);
  /* a few frames for the last curve point and transitions to land */
  if (shot->settle-- > 0)
    return TRUE;
  if (fl_window_save_png (shot->window, shot->path, &error))
    /* TRANSLATORS: printed once --screenshot has written the PNG file %s */
    g_application_command_line_print (shot->cmdline, _("saved %s\n"), shot->path);
  else
    {
      g_application_command_line_printerr (shot->cmdline, "fusionlab: %s\n", error->message);
      g_application_command_line_set_exit_status (shot->cmdline, 1);
    }
  gtk_window_destroy (GTK_WINDOW (shot->window));
  return FALSE;
}

static gboolean
screenshot_poll_cb (gpointer data)
{
  FlApplication *self = data;
  Screenshot *shot = self->shot;
  gboolean again = FALSE;

  if (shot->window != NULL)
    switch (shot->state)
      {
      case SHOT_LOADING:
        again = poll_loading (shot);
        break;
      case SHOT_TRAINING:
        again = poll_training (shot);
        break;
      case SHOT_SCROLLING:
        again = poll_scrolling (shot);
        break;
      case SHOT_TESTING:
        again = poll_testing (shot);
        break;
      case SHOT_SETTLING:
        again = poll_settling (shot);
        break;
      default:
        g_assert_not_reached ();
      }
  if (again)
    return G_SOURCE_CONTINUE;

  self->shot_id = 0;
  g_clear_pointer (&self->shot, screenshot_free);
  return G_SOURCE_REMOVE;
}

/* The window, made if there is none; a new one remembers (fl-settings.h)
 * unless told not to: a --screenshot or --train-epochs run neither uses
 * nor changes what the user's sessions remembered. */
static FlWindow *
get_window (FlApplication *self,
            gboolean       remember,
            gboolean      *made)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  *made = window == NULL;
  if (window != NULL)
    return FL_WINDOW (window);
  window = GTK_WINDOW (fl_window_new (GTK_APPLICATION (self)));
  if (remember && self->settings != NULL)
    fl_settings_attach (self->settings, FL_WINDOW (window));
  return FL_WINDOW (window);
}

static void
fl_application_activate (GApplication *app)
{
  FlApplication *self = FL_APPLICATION (app);
  gboolean made;
  FlWindow *window = get_window (self, TRUE, &made);

  if (made && self->settings != NULL)
    fl_settings_restore_data (self->settings, window);
  gtk_window_present (GTK_WINDOW (window));
}

/* Polls the window until the data is loaded (and the run has gone far
 * enough) to train, or to take the picture. */
static void
start_screenshot (FlApplication           *self,
                  FlWindow                *window,
                  GApplicationCommandLine *cmdline,
                  const Options           *o)
{
  Screenshot *shot = g_new0 (Screenshot, 1);

  g_set_weak_pointer (&shot->window, window);
  shot->cmdline = g_object_ref (cmdline);
  shot->path = _fl_application_path_for_arg (cmdline, o->screenshot);   /* NULL: train only */
  shot->epochs = o->epochs;
  shot->compare = o->compare_epochs > 0;
  shot->match = o->match_epochs > 0;
  shot->at_epoch = o->at_epoch > 0 ? MIN (o->at_epoch, o->epochs) : o->epochs;
  shot->cell = g_strdup (o->cell);
  shot->page = g_strdup (o->page);
  shot->search = g_strdup (o->search);
  /* a page worked out in the background needs longer */
  shot->settle = o->page != NULL ? 30 : 5;
  if (o->loop_report)
    shot->probe = fl_main_loop_probe_new ();
  shot->scroll = o->scroll_report;
  shot->test[0] = _fl_application_path_for_arg (cmdline, o->test_model);
  shot->test[1] = _fl_application_path_for_arg (cmdline, o->test_images);
  shot->test[2] = _fl_application_path_for_arg (cmdline, o->test_csv);
  self->shot = shot;
  self->shot_id = g_timeout_add (SCREENSHOT_POLL_MS, screenshot_poll_cb, self);
}

static int
fl_application_command_line (GApplication            *app,
                              GApplicationCommandLine *cmdline)
{
  FlApplication *self = FL_APPLICATION (app);
  g_autofree char *experiment = NULL;
  g_autofree char *images = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *start = NULL, *model = NULL;
  guint freeze;
  FlWindow *window;
  gboolean remember, made;
  Options o;

  if (!_fl_application_read_options (cmdline, &o) || !_fl_application_read_start_options (cmdline, &start, &freeze) ||
      !_fl_application_read_model_option (cmdline, &o, &model) || !_fl_application_picture_options (cmdline, NULL))
    return 1;
  images = _fl_application_path_for_arg (cmdline, o.images);
  csv = _fl_application_path_for_arg (cmdline, o.csv);
  experiment = _fl_application_path_for_arg (cmdline, o.experiment);

  remember = o.screenshot == NULL && o.epochs == 0;
  /* the options, applied after what was remembered, win over it */
  window = get_window (self, remember, &made);
  if (o.image_size > 0)
    fl_train_panel_set_image_size (fl_window_get_train_panel (window), o.image_size);
  _fl_application_picture_options (cmdline, fl_window_get_train_panel (window));
  if (start != NULL)
    {
      fl_train_panel_set_start (fl_window_get_train_panel (window), start);
      fl_train_panel_set_frozen (fl_window_get_train_panel (window), freeze);
    }
  if (o.compare_folds > 0)
    fl_train_panel_set_compare (fl_window_get_train_panel (window), o.compare_folds, 1);
  if (o.width > 0)
    {
      gtk_window_unmaximize (GTK_WINDOW (window));
      gtk_window_set_default_size (GTK_WINDOW (window), o.width, o.height);
    }
  gtk_window_present (GTK_WINDOW (window));
  if (images != NULL || csv != NULL)
    fl_window_load (window, images, csv);
  else if (made && remember && experiment == NULL && self->settings != NULL)
    fl_settings_restore_data (self->settings, window);
  /* a wrong file is shown in the window, like one opened from the menu;
   * a --screenshot run says so and fails */
  if (experiment != NULL && !fl_window_open_experiment (window, experiment) && o.screenshot != NULL)
    {
      g_application_command_line_printerr (cmdline, "fusionlab: %s\n", fl_window_get_error_message (window));
      gtk_window_destroy (GTK_WINDOW (window));
      return 1;
    }

  if (experiment != NULL && o.load_data)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.load-experiment-data", NULL);
  if (model != NULL)
    fl_window_open_model (window, model);
  if ((o.screenshot != NULL || o.epochs > 0 || o.test_images != NULL) && self->shot == NULL)
    start_screenshot (self, window, cmdline, &o);
  return 0;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows;

  /* destroying the windows stops and joins their training threads */
  while ((windows = gtk_application_get_windows (app)) != NULL)
    gtk_window_destroy (windows->data);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = user_data;

  gtk_show_about_dialog (gtk_application_get_active_window (app),
                         "program-name", "Fusion Lab",
                         "logo-icon-name", FL_APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Train a model on pictures and their texts, "
                                       "and see how fusing the two helps."),
                         "license-type", GTK_LICENSE_MIT_X11,
                         NULL);
}

static void
fl_application_startup (GApplication *app)
{
  static const GActionEntry actions[] = {
    { .name = "quit", .activate = quit_activated },
    { .name = "about", .activate = about_activated },
  };
  G_APPLICATION_CLASS (fl_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *const[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay",
                                         (const char *const[]) { "<Control>question", NULL });
  gtk_window_set_default_icon_name (FL_APPLICATION_ID);
  FL_APPLICATION (app)->settings = fl_settings_new (NULL);
}

static void
fl_application_dispose (GObject *object)
{
  FlApplication *self = FL_APPLICATION (object);

  g_clear_handle_id (&self->shot_id, g_source_remove);
  g_clear_pointer (&self->shot, screenshot_free);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (fl_application_parent_class)->dispose (object);
}

static void
fl_application_class_init (FlApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = fl_application_dispose;
  app_class->startup = fl_application_startup;
  app_class->activate = fl_application_activate;
  app_class->command_line = fl_application_command_line;
}

static void
fl_application_init (FlApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), _fl_application_options);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Train a model on images and texts, and watch it learn."));
}

FlApplication *
fl_application_new (void)
{
  return g_object_new (FL_TYPE_APPLICATION,
                       "application-id", FL_APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/org/fusionlab/FusionLab",
                       NULL);
}
