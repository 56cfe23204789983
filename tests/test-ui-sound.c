/* SPDX-License-Identifier: MIT
 *
 * Sound on the sample cards: a clip's spectrogram is a picture of its
 * log-mel bands, time across and the lowest band at the bottom, loud
 * bright; a dataset with sound gives every card its spectrogram and, when
 * GTK has a media backend, a play button; one without sound gives none.
 */
#define G_LOG_DOMAIN "test-ui-sound"

#include "fl-dataset.h"
#include "fl-preview-grid.h"
#include "fl-sample-card.h"
#include "fl-spectrogram.h"
#include "test-ui-util.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>
#include <math.h>
#include <string.h>

enum { MELS = 64, FRAMES = 200, N = 6 };

/* The brightness (r+g+b) of pixel (x, y) of texture. */
static int
brightness (GdkTexture *texture, int x, int y)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guint8 *px = g_malloc ((gsize) 4 * w * h);
  const guint8 *p;

  gdk_texture_download (texture, px, (gsize) 4 * w);
  p = px + ((gsize) y * w + x) * 4;
  return p[0] + p[1] + p[2];
}

/* A clip loud in its lowest eight bands and in its first half only. */
static void
fill_clip (float *logmel)
{
  for (int m = 0; m < MELS; m++)
    for (int t = 0; t < FRAMES; t++)
      logmel[m * FRAMES + t] = (m < 8 && t < FRAMES / 2) ? 2.0f : -12.0f;
}

static void
test_spectrogram_picture (void)
{
  g_autofree float *logmel = g_new (float, MELS * FRAMES);
  g_autoptr(GdkTexture) texture = NULL;

  fill_clip (logmel);
  texture = fl_spectrogram_texture_new (logmel, MELS, FRAMES);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, FRAMES);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, MELS);
  /* the loud low bands at the bottom left, bright; the rest dark */
  g_assert_cmpint (brightness (texture, 10, MELS - 1), >, 600);
  g_assert_cmpint (brightness (texture, 10, 0), <, 30);
  g_assert_cmpint (brightness (texture, FRAMES - 10, MELS - 1), <, 30);
}

static FlDataset *
make_dataset (gboolean with_sound)
{
  const char *texts[N] = { "a", "b", "c", "d", "e", "f" };
  const char *labels[N] = { "x", "y", "x", "y", "x", "y" };
  FlDataset *ds = fl_dataset_new_from_memory (N, 8, NULL, texts, labels);

  if (with_sound)
    {
      ds->audio_mels = MELS;
      ds->audio_frames = FRAMES;
      ds->audio = g_new (float, (gsize) N * MELS * FRAMES);
      ds->audio_files = g_new0 (char *, N + 1);
      for (int i = 0; i < N; i++)
        {
          fill_clip (ds->audio + (gsize) i * MELS * FRAMES);
          ds->audio_files[i] = g_strdup_printf ("clip%d.wav", i);
        }
      ds->images_dir = g_strdup ("/tmp");
    }
  return ds;
}

/* The cards of the grid under widget, in order. */
static void
collect_cards (GtkWidget *widget, GPtrArray *cards)
{
  if (FL_IS_SAMPLE_CARD (widget))
    g_ptr_array_add (cards, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_cards (c, cards);
}

/* Whether a visible GtkPicture under widget shows a spectrogram-shaped
 * paintable (wider than tall). */
static gboolean
has_spectrogram (GtkWidget *widget)
{
  if (GTK_IS_PICTURE (widget) && gtk_widget_get_visible (widget) &&
      gtk_widget_get_visible (gtk_widget_get_parent (widget)))
    {
      GdkPaintable *p = gtk_picture_get_paintable (GTK_PICTURE (widget));

      if (p != NULL && gdk_paintable_get_intrinsic_width (p) == FRAMES &&
          gdk_paintable_get_intrinsic_height (p) == MELS)
        return TRUE;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (has_spectrogram (c))
      return TRUE;
  return FALSE;
}

static void
check_grid (gboolean with_sound)
{
  g_autoptr(FlDataset) ds = make_dataset (with_sound);
  GtkWidget *grid = fl_preview_grid_new ();
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();
  GtkWidget *win;

  fl_preview_grid_set_dataset (FL_PREVIEW_GRID (grid), ds);
  /* the grid view makes the cards it shows, once laid out */
  win = ui_show_in_window (grid, 1200, 900);
  collect_cards (grid, cards);
  g_assert_cmpuint (cards->len, ==, N);
  for (guint k = 0; k < cards->len; k++)
    {
      FlSampleCard *card = cards->pdata[k];

      g_assert_true (has_spectrogram (GTK_WIDGET (card)) == with_sound);
      g_assert_true (fl_sample_card_get_can_play (card) == (with_sound && fl_can_play_sound ()));
    }
  gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_cards_with_sound (void)
{
  check_grid (TRUE);
}

static void
test_cards_without_sound (void)
{
  check_grid (FALSE);
}

static gboolean
media_settled (gpointer data)
{
  GtkWidget *button = data;

  /* playing (the icon says pause) or refused (the button greyed out) */
  return !gtk_widget_get_sensitive (button) ||
         g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (button)), "media-playback-pause-symbolic") == 0;
}

static GtkWidget *
find_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A click on the play button plays the clip, or, where this machine has
 * no sound device, greys the button out with the reason in its tooltip:
 * either way within a few seconds, and closing the card stops it. */
static void
play_clip (void)
{
  g_autofree float *logmel = g_new (float, MELS * FRAMES);
  g_autoptr(GdkTexture) spectrogram = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fusionlab-sound-XXXXXX", NULL);
  g_autofree char *wav = g_build_filename (dir, "tone.wav", NULL);
  g_autoptr(GdkTexture) picture = NULL;
  GtkWidget *card, *button, *win;

  if (!fl_can_play_sound ())
    {
      g_test_skip ("GTK has no media backend here (libgtk-4-media-gstreamer)");
      return;
    }
  ui_write_wav (wav, 440.0, 0.5);
  fill_clip (logmel);
  spectrogram = fl_spectrogram_texture_new (logmel, MELS, FRAMES);
  picture = fl_spectrogram_texture_new (logmel, MELS, FRAMES);
  card = fl_sample_card_new (picture, "x", "a tone", "tone.png");
  fl_sample_card_set_sound (FL_SAMPLE_CARD (card), spectrogram, wav);
  win = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (win), card);
  gtk_window_present (GTK_WINDOW (win));
  button = find_button (card);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  gtk_widget_activate (button);
  g_assert_true (ui_wait (media_settled, button, 10));
  /* refused: the reason is in the tooltip, made when asked for */
  g_assert_true (gtk_widget_get_sensitive (button) == (fl_sample_card_get_play_error (FL_SAMPLE_CARD (card)) == NULL));
  g_assert_null (gtk_widget_get_tooltip_text (button));
  g_test_message ("after a click: %s", gtk_widget_get_sensitive (button) ? "playing"
                  : fl_sample_card_get_play_error (FL_SAMPLE_CARD (card)));
  gtk_window_destroy (GTK_WINDOW (win));
  g_unlink (wav);
  g_rmdir (dir);
}

/* In a process of its own, where GStreamer's threads and the sound device
 * cannot disturb the other tests. Under AddressSanitizer it ends without
 * the leak check: once a GStreamer thread has run, LeakSanitizer reports a
 * block GLib allocated in its start-up (from _dl_init, in another thread,
 * with no frame of ours to suppress it by). */
static void
test_play (void)
{
  if (g_test_subprocess ())
    {
      play_clip ();
#ifdef __SANITIZE_ADDRESS__
      /* past LeakSanitizer's check at exit (memory errors were caught) */
      fflush (stdout);
      _exit (0);
#endif
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* GTK plays sound exactly when its GStreamer module is installed. */
static void
test_can_play (void)
{
  g_autofree char *module = g_build_filename (GTK_LIBDIR_FOR_TESTS, "gtk-4.0", "4.0.0", "media",
                                              "libmedia-gstreamer.so", NULL);

  g_test_message ("%s: %s", module, g_file_test (module, G_FILE_TEST_EXISTS) ? "present" : "absent");
  g_assert_true (fl_can_play_sound () == g_file_test (module, G_FILE_TEST_EXISTS));
}

/* GStreamer's warnings about the machine (no sound device, a plugin
 * missing) are the machine's, not ours: not fatal here. */
static gboolean
fatal_log_cb (const char     *log_domain,
              GLogLevelFlags  log_level,
              const char     *message,
              gpointer        user_data)
{
  return log_domain == NULL || !g_str_has_prefix (log_domain, "GStreamer");
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_log_set_fatal_handler (fatal_log_cb, NULL);
  g_test_add_func ("/sound/spectrogram-picture", test_spectrogram_picture);
  g_test_add_func ("/sound/cards-with-sound", test_cards_with_sound);
  g_test_add_func ("/sound/cards-without-sound", test_cards_without_sound);
  g_test_add_func ("/sound/can-play", test_can_play);
  g_test_add_func ("/sound/play", test_play);
  return g_test_run ();
}
