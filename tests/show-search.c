/* SPDX-License-Identifier: MIT
 *
 * show-search — the Search page (fl-search-view.h) on real data, alone in
 * a window, for looking at it and for screenshots:
 *
 *   show-search --images DIR --csv CSV [--epochs 15] [--image-size 32]
 *               [--classifier-epochs N] [--query TEXT] [--pick K]
 *               [--template T] [--foot] [--screenshot PNG]
 *
 * Trains a matching model (InfoNCE, the defaults of `fusionlab-cli match`)
 * for the epochs given, printing each epoch's held-out retrieval; with
 * --classifier-epochs, also a classifier of the pictures alone on the same
 * split, whose accuracy the page shows beside zero-shot. Then shows the
 * page, searches for --query, clicks the K-th picture found and runs
 * zero-shot with --template; with --foot, scrolls to the page's foot (the
 * heatmap); with --screenshot, saves the window there and quits. Run it under xvfb-run for a screenshot without a display.
 */
#define G_LOG_DOMAIN "show-search"

#include "fl-embedder.h"
#include "fl-matcher.h"
#include "fl-search-view.h"
#include "fl-style.h"
#include "fl-trainer.h"
#include "test-ui-util.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  char  *images, *csv, *query, *tmpl, *shot;
  int    epochs, image_size, classifier_epochs, pick, width, height;
  gboolean foot;
} Options;

static void
epoch_cb (const FlMatchEpoch *e,
          gpointer            data)
{
  printf ("epoch %d/%d  loss %.4f  i2t R@1 %.3f R@5 %.3f R@10 %.3f  t2i R@1 %.3f R@5 %.3f R@10 %.3f  "
          "(%d held-out pairs, %.1f s)\n", e->epoch, e->n_epochs, e->train_loss, e->val.i2t.r1,
          e->val.i2t.r5, e->val.i2t.r10, e->val.t2i.r1, e->val.t2i.r5, e->val.t2i.r10, e->n_val, e->seconds);
  fflush (stdout);
}

/* The held-out accuracy of a classifier of the pictures alone, trained on
 * the matcher's own split (the same seed and share: the same samples are
 * held out); NAN when the splits differ. */
static double
classifier_accuracy (FlDataset             *ds,
                     const FlMatchSettings *ms,
                     int                    epochs,
                     const gint32          *val,
                     int                    n_val)
{
  FlTrainSettings s = ms->train;
  g_autoptr(FlRun) run = NULL;
  g_autoptr(GError) error = NULL;
  const gint32 *cval;
  int n_cval;

  s.fusion = FL_FUSION_IMAGE;
  s.branches = 0;
  s.epochs = epochs;
  run = fl_run_new (ds, &s, &error);
  if (run == NULL || !fl_run_train (run, NULL, NULL, &error))
    g_error ("classifier: %s", error->message);
  cval = fl_run_val_indices (run, &n_cval);
  if (n_cval != n_val || memcmp (cval, val, sizeof (gint32) * n_val) != 0)
    return NAN;
  fl_run_evaluate (run);
  printf ("classifier of the pictures, %d epochs: held-out accuracy %.3f\n", epochs,
          fl_metrics_accuracy (fl_run_metrics (run)));
  return fl_metrics_accuracy (fl_run_metrics (run));
}

static gboolean
view_ready (gpointer data)
{
  return fl_search_view_get_ready (data);
}

static void
save_png (GtkWidget  *window,
          const char *path)
{
  g_autoptr(GdkTexture) texture = ui_render_widget (window);

  if (!gdk_texture_save_to_png (texture, path))
    g_error ("could not write %s", path);
  printf ("wrote %s\n", path);
}

static void
show (FlEmbedder   *embedder,
      FlDataset    *ds,
      const gint32 *val,
      int           n_val,
      double        classifier_acc,
      const Options *o)
{
  FlSearchView *view = fl_search_view_new ();
  GtkWidget *window = gtk_window_new ();

  fl_style_load (gdk_display_get_default ());
  gtk_window_set_title (GTK_WINDOW (window), "Search — Fusion Lab");
  gtk_window_set_default_size (GTK_WINDOW (window), o->width, o->height);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  fl_search_view_set_model (view, embedder, ds, val, n_val, classifier_acc);
  if (!ui_wait (view_ready, view, 600))
    g_error ("the page did not get ready");
  if (o->tmpl != NULL)
    fl_search_view_zero_shot (view, o->tmpl);
  if (o->query != NULL)
    {
      fl_search_view_search (view, o->query);
      if (o->pick > 0 && o->pick <= fl_search_view_get_n_results (view))
        fl_search_view_select (view, fl_search_view_get_result (view, o->pick - 1, NULL));
    }
  if (o->foot)
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (
        GTK_SCROLLED_WINDOW (ui_find_type (GTK_WIDGET (view), GTK_TYPE_SCROLLED_WINDOW)));

      ui_spin (0.5);
      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
    }
  if (o->shot != NULL)
    {
      ui_spin (1.0);
      save_png (window, o->shot);
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }
  while (g_list_model_get_n_items (gtk_window_get_toplevels ()) > 0)
    g_main_context_iteration (NULL, TRUE);
}

static FlDataset *
load (const Options *o)
{
  FlDataSpec spec = { .images_dir = o->images, .csv_path = o->csv, .image_size = o->image_size, .audio_col = "" };
  g_autoptr(GError) error = NULL;
  FlDataset *ds = fl_dataset_load (&spec, NULL, NULL, NULL, &error);

  if (ds == NULL)
    g_error ("%s", error->message);
  printf ("%d samples in %d classes\n", ds->n, ds->n_classes);
  return ds;
}

int
main (int argc, char **argv)
{
  Options o = { .epochs = 15, .image_size = 32, .pick = 1, .width = 1040, .height = 900 };
  GOptionEntry entries[] = {
    { "images", 0, 0, G_OPTION_ARG_FILENAME, &o.images, "The image folder", "DIR" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &o.csv, "The text CSV", "CSV" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &o.epochs, "Epochs of matching (15)", "N" },
    { "image-size", 0, 0, G_OPTION_ARG_INT, &o.image_size, "Image size S (32)", "S" },
    { "classifier-epochs", 0, 0, G_OPTION_ARG_INT, &o.classifier_epochs, "Also train a classifier of the pictures", "N" },
    { "query", 0, 0, G_OPTION_ARG_STRING, &o.query, "Search for this", "TEXT" },
    { "pick", 0, 0, G_OPTION_ARG_INT, &o.pick, "Then click the K-th picture found (1)", "K" },
    { "template", 0, 0, G_OPTION_ARG_STRING, &o.tmpl, "Zero-shot with this template", "T" },
    { "foot", 0, 0, G_OPTION_ARG_NONE, &o.foot, "Scroll to the foot of the page (the heatmap)", NULL },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &o.shot, "Save the window here and quit", "PNG" },
    { "width", 0, 0, G_OPTION_ARG_INT, &o.width, "Window width (1040)", "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &o.height, "Window height (900)", "H" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the Search page on real data");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDataset) ds = NULL;
  g_autoptr(FlMatcher) m = NULL;
  FlMatchSettings ms;
  const gint32 *val;
  int n_val;
  double classifier_acc = NAN;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || o.images == NULL || o.csv == NULL)
    {
      fprintf (stderr, "show-search: %s\n", error ? error->message : "--images and --csv are needed");
      return 2;
    }
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_init ();

  ds = load (&o);

  fl_match_settings_init_default (&ms);
  ms.train.epochs = o.epochs;
  if ((m = fl_matcher_new (ds, &ms, &error)) == NULL || !fl_matcher_train (m, epoch_cb, NULL, NULL, &error))
    g_error ("%s", error->message);
  val = fl_run_val_indices (fl_matcher_run (m), &n_val);
  if (o.classifier_epochs > 0)
    classifier_acc = classifier_accuracy (ds, &ms, o.classifier_epochs, val, n_val);

  show (fl_matcher_embedder (m), ds, val, n_val, classifier_acc, &o);
  g_free (o.images);
  g_free (o.csv);
  g_free (o.query);
  g_free (o.tmpl);
  g_free (o.shot);
  return 0;
}
