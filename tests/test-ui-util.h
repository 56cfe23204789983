/* SPDX-License-Identifier: MIT
 *
 * Helpers shared by the UI tests: a small generated dataset on disk, and
 * waiting on the main loop for a condition, with a timeout.
 */
#pragma once

#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <math.h>

#include "fl-why-view.h"
#include "fl-window.h"
#include "fl-test-util.h"

/* The window's parts, the only place the tests ask the window for them. */
static inline FlSession *ui_session (FlWindow *w) { return fl_window_get_session (w); }
static inline FlDataPanel *ui_data_panel (FlWindow *w) { return fl_window_get_data_panel (w); }
static inline FlTrainPanel *ui_train_panel (FlWindow *w) { return fl_window_get_train_panel (w); }
static inline FlResultsView *ui_results (FlWindow *w) { return fl_window_get_results_view (w); }
static inline FlRunsView *ui_runs_view (FlWindow *w) { return fl_window_get_runs_view (w); }
static inline FlTrainingView *ui_training_view (FlWindow *w) { return fl_window_get_training_view (w); }
static inline const char *ui_error (FlWindow *w) { return fl_window_get_error_message (w); }
static inline gboolean ui_training (FlWindow *w) { return fl_window_get_training (w); }

static inline const char *ui_status (FlWindow *w) { return fl_session_get_status (ui_session (w)); }
static inline FlComparison *ui_comparison (FlWindow *w) { return fl_session_get_comparison (ui_session (w)); }
static inline FlRunList *ui_runs (FlWindow *w) { return fl_session_get_runs (ui_session (w)); }

static inline FlPlotView *
ui_plot (FlWindow *w,
         gboolean  loss)
{
  FlTrainingView *view = ui_training_view (w);

  return loss ? fl_training_view_get_loss_plot (view) : fl_training_view_get_accuracy_plot (view);
}

/* The series of the loss plot (or the accuracy plot) that draws a curve
 * of the run training (run < 0), or run i's validation curve. */
static inline guint
ui_series_of (FlWindow *w,
              gboolean  loss,
              FlCurve   curve,
              int       run)
{
  FlTrainingView *view = ui_training_view (w);
  int s = run < 0 ? fl_training_view_get_series (view, ui_plot (w, loss), curve)
                  : fl_training_view_get_run_series (view, ui_plot (w, loss), run);

  g_assert_cmpint (s, >=, 0);
  return (guint) s;
}

#define ui_series(w, loss, curve) ui_series_of ((w), (loss), (curve), -1)
#define ui_run_series(w, loss, run) ui_series_of ((w), (loss), FL_CURVE_VAL, (run))

static inline guint
ui_n_points (FlWindow *w,
             gboolean  loss,
             FlCurve   curve)
{
  return fl_plot_view_get_n_points (ui_plot (w, loss), ui_series (w, loss, curve));
}

static inline guint
ui_run_points (FlWindow *w,
               gboolean  loss,
               int       run)
{
  return fl_plot_view_get_n_points (ui_plot (w, loss), ui_run_series (w, loss, run));
}

/* Whether a widget is the one looked for (data says which). */
typedef gboolean (*UiMatch) (GtkWidget *widget, gconstpointer data);

/* The first widget under widget, itself included, depth first, that
 * match takes, or NULL. */
static inline GtkWidget *
ui_find (GtkWidget     *widget,
         UiMatch        match,
         gconstpointer  data)
{
  if (match (widget, data))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = ui_find (c, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static inline gboolean
ui_is_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, (GType) GPOINTER_TO_SIZE (type));
}

static inline gboolean
ui_label_starts (GtkWidget     *widget,
                 gconstpointer  prefix)
{
  return GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix);
}

/* The first widget of type under widget, or NULL. */
static inline GtkWidget *
ui_find_type (GtkWidget *widget,
              GType      type)
{
  return ui_find (widget, ui_is_type, GSIZE_TO_POINTER (type));
}

/* The first label under widget whose text starts with prefix, or NULL. */
static inline GtkLabel *
ui_find_label (GtkWidget  *widget,
               const char *prefix)
{
  return (GtkLabel *) ui_find (widget, ui_label_starts, prefix);
}

/* A 24×24 picture of class c: flat-coloured, noisy, with a bright square in
 * a corner that depends on the class. */
static inline void
ui_write_image (const char *path,
                int         c,
                GRand      *rng)
{
  const int S = 24;
  guint8 *px = g_malloc (S * S * 3);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  for (int y = 0; y < S; y++)
    for (int x = 0; x < S; x++)
      for (int ch = 0; ch < 3; ch++)
        {
          int v = (ch == c ? 150 : 60) + g_rand_int_range (rng, -40, 40);

          if ((c == 0 && x < 8 && y < 8) || (c == 1 && x >= 16 && y < 8) || (c == 2 && x < 8 && y >= 16))
            v = 240;
          px[(y * S + x) * 3 + ch] = (guint8) CLAMP (v, 0, 255);
        }
  bytes = g_bytes_new_take (px, S * S * 3);
  texture = gdk_memory_texture_new (S, S, GDK_MEMORY_R8G8B8, bytes, S * 3);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* A 16-bit mono WAV at 16 kHz of a tone of freq Hz, secs long, at path. */
static inline void
ui_write_wav (const char *path,
              double      freq,
              double      secs)
{
  const int rate = 16000, n = (int) (secs * rate);
  g_autoptr(GByteArray) b = g_byte_array_new ();
  guint32 u32;
  guint16 u16;

#define PUT32(v) (u32 = GUINT32_TO_LE (v), g_byte_array_append (b, (guint8 *) &u32, 4))
#define PUT16(v) (u16 = GUINT16_TO_LE (v), g_byte_array_append (b, (guint8 *) &u16, 2))
  g_byte_array_append (b, (const guint8 *) "RIFF", 4); PUT32 (36 + 2 * n);
  g_byte_array_append (b, (const guint8 *) "WAVEfmt ", 8); PUT32 (16);
  PUT16 (1); PUT16 (1); PUT32 (rate); PUT32 (2 * rate); PUT16 (2); PUT16 (16);
  g_byte_array_append (b, (const guint8 *) "data", 4); PUT32 (2 * n);
  for (int i = 0; i < n; i++)
    PUT16 ((guint16) (gint16) (8000 * sin (2 * G_PI * freq * i / rate)));
#undef PUT32
#undef PUT16
  g_assert_true (g_file_set_contents (path, (const char *) b->data, b->len, NULL));
}

/* A dataset of three modalities whose class needs all three, like
 * tools/make-trimodal-demo.py's: the picture tells two colours apart
 * (ui_write_image() of class 0 or 1), the text warm from cold, the sound a
 * low tone (300 Hz) from a high one (1500 Hz); the label is the triple,
 * such as "red-warm-high", per_class samples of each of the 8. The CSV
 * also has two numeric columns, "noise" (anything, empty now and then)
 * and "weight". Four clips are shared, two of each pitch, in
 * DIR/images/clips. Returns DIR; the CSV is DIR/texts.csv. */
static inline char *
ui_make_trimodal_dataset (int per_class)
{
  static const char *const colours[] = { "red", "green" };
  static const char *const warm[] = { "a warm sunny day", "hot summer noon" };
  static const char *const cold[] = { "a cold icy night", "chilly winter dawn" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) csv = g_string_new ("image,text,audio,label,noise,weight\n");
  g_autoptr(GRand) rng = g_rand_new_with_seed (14);
  char *dir = g_dir_make_tmp ("fusionlab-tri-XXXXXX", &error);
  g_autofree char *clips = NULL, *csv_path = NULL;

  g_assert_no_error (error);
  clips = g_build_filename (dir, "images", "clips", NULL);
  g_assert_cmpint (g_mkdir_with_parents (clips, 0700), ==, 0);
  for (int k = 0; k < 4; k++)
    {
      g_autofree char *name = g_strdup_printf ("%s%d.wav", k < 2 ? "low" : "high", k % 2);
      g_autofree char *path = g_build_filename (clips, name, NULL);

      ui_write_wav (path, (k < 2 ? 300.0 : 1500.0) * (1.0 + 0.1 * (k % 2)), 0.6 + 0.3 * (k % 2));
    }
  for (int c = 0; c < 8; c++)
    for (int k = 0; k < per_class; k++)
      {
        int colour = c / 4, hot = c / 2 % 2, high = c % 2;
        g_autofree char *name = g_strdup_printf ("%d-%03d.png", c, k);
        g_autofree char *path = g_build_filename (dir, "images", name, NULL);
        g_autofree char *noise = k % 5 == 0 ? g_strdup ("") : g_strdup_printf ("%.2f", g_rand_double (rng) * 100);

        ui_write_image (path, colour, rng);
        g_string_append_printf (csv, "%s,%s,clips/%s%d.wav,%s-%s-%s,%s,%d\n", name,
                                hot ? warm[k % 2] : cold[k % 2], high ? "high" : "low", k % 2,
                                colours[colour], hot ? "warm" : "cold", high ? "high" : "low",
                                noise, 50 + g_rand_int_range (rng, 0, 30));
      }
  csv_path = g_build_filename (dir, "texts.csv", NULL);
  g_file_set_contents (csv_path, csv->str, csv->len, &error);
  g_assert_no_error (error);
  return dir;
}

/* Three classes of flat-coloured images with a bright square in a corner
 * that depends on the class, and texts that name the colour among filler
 * words; plus two rows that must be skipped (a missing image, an empty
 * label). Returns the folder; images are in DIR/images, texts in
 * DIR/texts.csv, and the same without the two bad rows in DIR/clean.csv. */
static inline char *
ui_make_dataset (int per_class)
{
  static const char *const names[] = { "red", "green", "blue" };
  static const char *const fillers[] = { "a", "small", "picture", "of", "something", "seen", "today" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) csv = g_string_new ("image,text,label\n");
  g_autoptr(GRand) rng = g_rand_new_with_seed (7);
  char *dir = g_dir_make_tmp ("fusionlab-ui-XXXXXX", &error);
  g_autofree char *images = NULL;
  g_autofree char *csv_path = NULL;

  g_assert_no_error (error);
  images = g_build_filename (dir, "images", NULL);
  g_assert_cmpint (g_mkdir (images, 0700), ==, 0);

  for (int c = 0; c < 3; c++)
    for (int k = 0; k < per_class; k++)
      {
        g_autofree char *name = g_strdup_printf ("%s-%03d.png", names[c], k);
        g_autofree char *path = g_build_filename (images, name, NULL);

        ui_write_image (path, c, rng);

        g_string_append_printf (csv, "%s,\"%s %s %s, %s\",%s\n", name,
                                fillers[g_rand_int_range (rng, 0, G_N_ELEMENTS (fillers))],
                                g_rand_int_range (rng, 0, 4) > 0 ? names[c] : "plain",
                                fillers[g_rand_int_range (rng, 0, G_N_ELEMENTS (fillers))],
                                fillers[g_rand_int_range (rng, 0, G_N_ELEMENTS (fillers))],
                                names[c]);
      }
  /* the same without the bad rows */
  csv_path = g_build_filename (dir, "clean.csv", NULL);
  g_file_set_contents (csv_path, csv->str, csv->len, &error);
  g_assert_no_error (error);
  g_clear_pointer (&csv_path, g_free);

  g_string_append (csv, "missing.png,this file is not there,red\n");
  g_string_append (csv, "red-000.png,no label on this row,\n");

  csv_path = g_build_filename (dir, "texts.csv", NULL);
  g_file_set_contents (csv_path, csv->str, csv->len, &error);
  g_assert_no_error (error);
  return dir;
}

#define ui_remove_tree fl_test_remove_tree

/* gtk_test_init() without the accessibility bus, which Xvfb sessions lack
 * (GTK warns about it, and warnings are fatal in tests), and with GTK's
 * Cairo renderer unless told otherwise: under Xvfb the GL renderer runs on
 * llvmpipe, which spends 45–90 ms on every frame of a 1280×800 window
 * whatever the window does, and would hide what the latency test measures
 * (the app's own work on the main loop). */
static inline void
ui_test_init (int    *argc,
              char ***argv)
{
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (argc, argv, NULL);
}

/* (the main loop helpers are the engine tests' own: fl-test-util.h) */
typedef FlTestCondition UiCondition;
#define ui_wait fl_test_wait
#define ui_spin fl_test_spin

static inline gboolean
ui_data_ready (gpointer data)
{
  FlDataPanel *panel = ui_data_panel (data);

  return !fl_data_panel_get_loading (panel) && fl_data_panel_get_dataset (panel) != NULL;
}

/* Destroys window and checks that nothing keeps it alive. */
static inline void
ui_destroy_window (FlWindow *window)
{
  FlWindow *weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_spin (0.05);
  g_assert_null (weak);
}

static inline gboolean
ui_is_allocated (gpointer data)
{
  return gtk_widget_get_width (data) > 100 && gtk_widget_get_height (data) > 100;
}

/* A window holding widget, shown and laid out. */
static inline GtkWidget *
ui_show_in_window (GtkWidget *widget,
                   int        width,
                   int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_wait (ui_is_allocated, widget, 10));
  ui_spin (0.1);
  return window;
}

/* widget as it is on screen */
static inline GdkTexture *
ui_render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* The pixels of texture, (h, w, 4) bytes; free with g_free(). */
static inline guint8 *
ui_download (GdkTexture *texture)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  guint8 *px = g_malloc ((gsize) w * h * 4);

  gdk_texture_download (texture, px, (gsize) w * 4);
  return px;
}

/* Loaded at the image size the panel asks for: no reload pending. */
static inline gboolean
ui_data_current (gpointer data)
{
  FlDataPanel *panel = ui_data_panel (data);

  return ui_data_ready (data) && !fl_data_panel_get_stale (panel);
}

static inline gboolean
ui_not_training (gpointer data)
{
  return !ui_training (data);
}

/* The run is over and what it ended with is on screen. */
static inline gboolean
ui_run_shown (gpointer data)
{
  return !ui_training (data) &&
         fl_results_view_has_results (ui_results (data));
}

static inline gboolean
ui_first_batch (gpointer data)
{
  return fl_plot_view_get_n_points (ui_plot (data, TRUE), ui_series (data, TRUE, FL_CURVE_BATCH)) > 0;
}

/* A window on screen loading DIR/images with the CSV DIR/csv_name at image
 * size S. */
static inline FlWindow *
ui_window_loading (const char *dir,
                   const char *csv_name,
                   int         S)
{
  FlWindow *window = fl_window_new (NULL);
  g_autofree char *images = g_build_filename (dir, "images", NULL);
  g_autofree char *csv = g_build_filename (dir, csv_name, NULL);

  fl_train_panel_set_image_size (ui_train_panel (window), S);
  gtk_window_present (GTK_WINDOW (window));
  fl_window_load (window, images, csv);
  return window;
}

/* A window showing the dataset in dir, loaded at image size S. */
static inline FlWindow *
ui_window_with_data (const char *dir,
                     int         S)
{
  FlWindow *window = ui_window_loading (dir, "texts.csv", S);

  g_assert_true (ui_wait (ui_data_ready, window, 60));
  /* let the preview of the data be drawn, as a person would see it before
   * pressing Train */
  ui_spin (0.5);
  g_assert_cmpint (fl_data_panel_get_dataset (ui_data_panel (window))->image_size, ==, S);
  return window;
}

/* ---- the Why page ---------------------------------------------------------- */

static inline FlWhyView *
ui_why_view (FlWindow *w)
{
  return FL_WHY_VIEW (ui_find_type (GTK_WIDGET (w), FL_TYPE_WHY_VIEW));
}

/* The stack of the pages below the plots (Results, Samples, Runs, Why). */
static inline GtkStack *
ui_bottom_stack (FlWindow *w)
{
  return GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (ui_why_view (w)), GTK_TYPE_STACK));
}

typedef struct {
  FlWindow *window;
  int       run;
} UiShown;

/* The Why page shows the run's insight, worked out. */
static inline gboolean
ui_why_ready (gpointer data)
{
  const UiShown *shown = data;
  FlInsight *ins = fl_why_view_get_insight (ui_why_view (shown->window));

  return ins != NULL && ins->run == shown->run &&
         !fl_session_insight_get_busy (fl_session_get_insight (ui_session (shown->window)));
}

/* Shows run's results and the Why page, once it is worked out. */
static inline FlInsight *
ui_show_why (FlWindow *w,
             int       run)
{
  UiShown shown = { w, run };

  g_assert_true (fl_session_show_run (ui_session (w), run));
  gtk_stack_set_visible_child_name (ui_bottom_stack (w), "why");
  g_assert_true (ui_wait (ui_why_ready, &shown, 60));
  ui_spin (0.2);
  return fl_why_view_get_insight (ui_why_view (w));
}

/* FUSIONLAB_SHOTS, the folder to save pictures of the window into, or
 * NULL (and the test skipped) when it is not set. */
static inline const char *
ui_shots_or_skip (void)
{
  const char *shots = g_getenv ("FUSIONLAB_SHOTS");

  if (shots == NULL)
    g_test_skip ("FUSIONLAB_SHOTS is not set");
  return shots;
}

/* Saves the window as dir/name, the Why page scrolled to its foot first
 * when foot. */
static inline void
ui_save_png (FlWindow   *w,
             const char *dir,
             const char *name,
             gboolean    foot)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  if (foot)
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (
        GTK_SCROLLED_WINDOW (ui_find_type (GTK_WIDGET (ui_why_view (w)), GTK_TYPE_SCROLLED_WINDOW)));

      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
    }
  ui_spin (0.5);
  g_assert_true (fl_window_save_png (w, path, &error));
  g_assert_no_error (error);
  g_test_message ("wrote %s", path);
}

/* Runs the tests, then destroys *window when one of them made it. */
static inline int
ui_run_tests (FlWindow **window)
{
  int ret = g_test_run ();

  if (*window != NULL)
    ui_destroy_window (*window);
  return ret;
}
