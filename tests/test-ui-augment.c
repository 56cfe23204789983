/* SPDX-License-Identifier: MIT
 *
 * The picture fit and the augmentation strip in the window (issue 18):
 * choosing Crop to centre in the training settings reloads the data with
 * cropped pictures (of 32×16 files: not the squashed ones), and the Data
 * page's strip draws, with Augment on, exactly what fl_augment_image()
 * gives for the panel's seed and the epoch shown — another epoch, other
 * pictures; Shuffle, other samples.
 */
#define G_LOG_DOMAIN "test-ui-augment"

#include "test-ui-util.h"
#include "fl-augment.h"
#include "fl-augment-strip.h"

#include <glib/gstdio.h>
#include <string.h>

static char *data_dir;

/* 3 classes × 6 pictures of 32×16: each half of a class's colour, so that
 * cropping the centre and squashing differ. */
static char *
make_wide_dataset (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("fl-ui-augment-XXXXXX", &error);
  g_autoptr(GString) csv = g_string_new ("image,text,label\n");
  g_autoptr(GRand) rng = g_rand_new_with_seed (5);
  g_autofree char *csv_path = g_build_filename (dir, "texts.csv", NULL);
  g_autofree char *images = g_build_filename (dir, "images", NULL);

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (images, 0700), ==, 0);
  for (int i = 0; i < 18; i++)
    {
      const int W = 32, H = 16, c = i % 3;
      guint8 *px = g_malloc (W * H * 3);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      g_autofree char *name = g_strdup_printf ("p%02d.png", i);
      g_autofree char *path = g_build_filename (images, name, NULL);

      for (int k = 0; k < W * H * 3; k++)
        px[k] = (guint8) ((k / 3) % W < W / 2 ? 40 * c + g_rand_int_range (rng, 0, 30)
                                              : 250 - 60 * c - g_rand_int_range (rng, 0, 30));
      bytes = g_bytes_new_take (px, W * H * 3);
      texture = gdk_memory_texture_new (W, H, GDK_MEMORY_R8G8B8, bytes, W * 3);
      g_assert_true (gdk_texture_save_to_png (texture, path));
      g_string_append_printf (csv, "%s,sample %d of class %d,c%d\n", name, i, c, c);
    }
  g_assert_true (g_file_set_contents (csv_path, csv->str, -1, NULL));
  return dir;
}

static gboolean
cropped (gpointer data)
{
  FlDataset *ds = fl_data_panel_get_dataset (ui_data_panel (data));

  return ui_data_ready (data) && ds->image_fit == FL_IMAGE_FIT_CROP;
}

/* The strip's pictures, in order, each as (3,S,S) bytes compared with
 * want[i]: FALSE at the first that differs. */
static gboolean
strip_shows (FlAugmentStrip *strip, const guint8 *want, int n, int S)
{
  GtkWidget *row = gtk_widget_get_next_sibling (gtk_widget_get_first_child (GTK_WIDGET (strip)));
  GtkWidget *pic = gtk_widget_get_first_child (row);
  g_autofree guint8 *rgb = g_malloc ((gsize) 4 * S * S);

  for (int i = 0; i < n; i++, pic = gtk_widget_get_next_sibling (pic))
    {
      GdkTexture *t;

      g_assert_true (GTK_IS_PICTURE (pic));
      t = GDK_TEXTURE (gtk_picture_get_paintable (GTK_PICTURE (pic)));
      g_assert_cmpint (gdk_texture_get_width (t), ==, S);
      gdk_texture_download (t, rgb, (gsize) 4 * S);   /* B G R A */
      for (int p = 0; p < S * S; p++)
        for (int c = 0; c < 3; c++)
          if (rgb[4 * p + 2 - c] != want[(gsize) i * 3 * S * S + (gsize) c * S * S + p])
            return FALSE;
    }
  return pic == NULL;
}

/* What the strip should show of its samples in epoch e. */
static guint8 *
expected (FlAugmentStrip *strip, FlDataset *ds, int epoch, int *n)
{
  const int S = ds->image_size;
  int idx[FL_AUGMENT_STRIP_N];
  guint8 *want;

  *n = fl_augment_strip_get_samples (strip, idx);
  want = g_malloc ((gsize) *n * 3 * S * S);
  for (int i = 0; i < *n; i++)
    fl_augment_image (want + (gsize) i * 3 * S * S, ds->images + (gsize) idx[i] * 3 * S * S, S, 42,
                      epoch, idx[i]);
  return want;
}

static void
test_fit_and_strip (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 16);
  FlAugmentStrip *strip = FL_AUGMENT_STRIP (ui_find_type (GTK_WIDGET (window), FL_TYPE_AUGMENT_STRIP));
  g_autofree guint8 *squashed = NULL, *want = NULL, *want2 = NULL;
  int idx[FL_AUGMENT_STRIP_N], idx2[FL_AUGMENT_STRIP_N];
  FlDataset *ds = fl_data_panel_get_dataset (ui_data_panel (window));
  int n;

  g_assert_cmpint (ds->image_fit, ==, FL_IMAGE_FIT_SQUASH);
  squashed = g_memdup2 (ds->images, (gsize) ds->n * 3 * 16 * 16);
  fl_train_panel_set_image_fit (ui_train_panel (window), FL_IMAGE_FIT_CROP);
  g_assert_true (ui_wait (cropped, window, 60));
  ds = fl_data_panel_get_dataset (ui_data_panel (window));
  g_assert_true (memcmp (ds->images, squashed, 3 * 16 * 16) != 0);

  g_assert_nonnull (strip);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (strip)));
  /* off: the pictures as they are; on: as training draws them */
  n = fl_augment_strip_get_samples (strip, idx);
  g_assert_cmpint (n, ==, FL_AUGMENT_STRIP_N);
  want = g_malloc ((gsize) n * 3 * 16 * 16);
  for (int i = 0; i < n; i++)
    memcpy (want + (gsize) i * 3 * 16 * 16, ds->images + (gsize) idx[i] * 3 * 16 * 16, 3 * 16 * 16);
  g_assert_true (strip_shows (strip, want, n, 16));
  g_clear_pointer (&want, g_free);
  fl_train_panel_set_augment (ui_train_panel (window), TRUE);
  want = expected (strip, ds, 1, &n);
  g_assert_true (strip_shows (strip, want, n, 16));
  fl_augment_strip_set_epoch (strip, 2);
  want2 = expected (strip, ds, 2, &n);
  g_assert_true (memcmp (want, want2, (gsize) n * 3 * 16 * 16) != 0);
  g_assert_true (strip_shows (strip, want2, n, 16));

  gtk_widget_activate_action (GTK_WIDGET (strip), "strip.shuffle", NULL);
  g_assert_cmpint (fl_augment_strip_get_samples (strip, idx2), ==, n);
  g_assert_true (memcmp (idx, idx2, sizeof (int) * n) != 0);
  ui_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ui_test_init (&argc, &argv);
  data_dir = make_wide_dataset ();
  g_test_add_func ("/augment/fit-and-strip", test_fit_and_strip);
  status = g_test_run ();
  ui_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}
