/* SPDX-License-Identifier: MIT
 *
 * The Data page's grid of samples (issue 16): every sample is listed, the
 * classes taking turns; the grid view makes cards only for what is on
 * screen and shows them again for other samples as it scrolls; the class
 * filter lists one class; a card shows its sample's own pixels; a sample
 * shown again shows the texture made the first time, until the data change.
 */
#define G_LOG_DOMAIN "test-ui-preview-grid"

#include "fl-dataset.h"
#include "fl-preview-grid.h"
#include "fl-sample-card.h"
#include "fl-sample-list.h"
#include "test-ui-util.h"

#include <stdlib.h>
#include <string.h>

enum { N = 3000, S = 8, CLASSES = 3 };

/* Sample i is of class "c<i%3>" but for the first 2000, all of class c0:
 * taking turns must still bring c1 and c2 to the top. Its text is "t<i>". */
static FlDataset *
make_dataset (void)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  FlDataset *ds;

  for (int i = 0; i < N; i++)
    {
      g_ptr_array_add (texts, g_strdup_printf ("t%d", i));
      g_ptr_array_add (labels, g_strdup_printf ("c%d", i < 2000 ? 0 : i % CLASSES));
    }
  ds = fl_dataset_new_from_memory (N, S, NULL, (const char *const *) texts->pdata,
                                   (const char *const *) labels->pdata);
  /* each picture is a grey of its index mod 251 */
  for (int i = 0; i < N; i++)
    memset (ds->images + (gsize) i * 3 * S * S, i % 251, (gsize) 3 * S * S);
  return ds;
}

static void
collect_cards (GtkWidget *widget, GPtrArray *cards)
{
  if (FL_IS_SAMPLE_CARD (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (cards, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_cards (c, cards);
}

static int
index_of (FlSampleCard *card)
{
  return atoi (fl_sample_card_get_text (card) + 1);
}

/* The list's order: the classes in turn, every row once. */
static void
test_order (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(FlSampleList) list = fl_sample_list_new ();
  g_autofree gboolean *seen = g_new0 (gboolean, N);
  g_autoptr(FlSampleItem) first = NULL, second = NULL, third = NULL;

  fl_sample_list_set_dataset (list, ds, -1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N);
  for (guint k = 0; k < N; k++)
    {
      g_autoptr(FlSampleItem) item = g_list_model_get_item (G_LIST_MODEL (list), k);
      int i = fl_sample_item_get_index (item);

      g_assert_false (seen[i]);
      seen[i] = TRUE;
    }
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  second = g_list_model_get_item (G_LIST_MODEL (list), 1);
  third = g_list_model_get_item (G_LIST_MODEL (list), 2);
  g_assert_cmpint (ds->labels[fl_sample_item_get_index (first)], ==, 0);
  g_assert_cmpint (ds->labels[fl_sample_item_get_index (second)], ==, 1);
  g_assert_cmpint (ds->labels[fl_sample_item_get_index (third)], ==, 2);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), N));

  /* one class: its rows only, in their order */
  fl_sample_list_set_dataset (list, ds, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, ds->class_counts[2]);
  for (guint k = 0; k < (guint) ds->class_counts[2]; k++)
    {
      g_autoptr(FlSampleItem) item = g_list_model_get_item (G_LIST_MODEL (list), k);

      g_assert_cmpint (ds->labels[fl_sample_item_get_index (item)], ==, 2);
    }
}

static gboolean
shows_index_over (gpointer data)
{
  GtkWidget *grid = data;
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();

  collect_cards (grid, cards);
  for (guint k = 0; k < cards->len; k++)
    if (index_of (cards->pdata[k]) >= N - 200)
      return TRUE;
  return FALSE;
}

/* Every sample listed, few cards made, the last ones reached by scrolling,
 * each card its own sample's label and pixels. */
static void
test_scroll (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  GtkWidget *grid = fl_preview_grid_new ();
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();
  GtkAdjustment *adj;
  GtkWidget *win;

  fl_preview_grid_set_dataset (FL_PREVIEW_GRID (grid), ds);
  win = ui_show_in_window (grid, 1000, 700);
  g_assert_cmpuint (fl_preview_grid_get_n_samples (FL_PREVIEW_GRID (grid)), ==, N);
  collect_cards (grid, cards);
  g_test_message ("%u cards for %d samples", cards->len, N);
  g_assert_cmpuint (cards->len, >, 4);
  g_assert_cmpuint (cards->len, <, 300);
  g_assert_false (shows_index_over (grid));

  adj = fl_preview_grid_get_vadjustment (FL_PREVIEW_GRID (grid));
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  g_assert_true (ui_wait (shows_index_over, grid, 10));
  g_ptr_array_set_size (cards, 0);
  collect_cards (grid, cards);
  g_assert_cmpuint (cards->len, <, 300);
  for (guint k = 0; k < cards->len; k++)
    {
      FlSampleCard *card = cards->pdata[k];
      int i = index_of (card);
      GtkWidget *picture = gtk_widget_get_first_child (GTK_WIDGET (card));
      GdkPaintable *p = gtk_picture_get_paintable (GTK_PICTURE (picture));
      g_autofree guint8 *px = ui_download (GDK_TEXTURE (p));

      g_assert_cmpstr (fl_sample_card_get_label (card), ==, ds->class_names[ds->labels[i]]);
      g_assert_cmpint (px[0], ==, i % 251);   /* pixel (0, 0) */
    }
  gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
shows_index_under (gpointer data)
{
  GtkWidget *grid = data;
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();

  collect_cards (grid, cards);
  for (guint k = 0; k < cards->len; k++)
    if (index_of (cards->pdata[k]) < 200)
      return TRUE;
  return FALSE;
}

static GdkPaintable *
picture_of (FlSampleCard *card)
{
  return gtk_picture_get_paintable (GTK_PICTURE (gtk_widget_get_first_child (GTK_WIDGET (card))));
}

/* index → the paintable its card shows, for the cards on screen */
static GHashTable *
shown_textures (GtkWidget *grid)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();
  GHashTable *shown = g_hash_table_new (NULL, NULL);

  collect_cards (grid, cards);
  for (guint k = 0; k < cards->len; k++)
    g_hash_table_insert (shown, GINT_TO_POINTER (index_of (cards->pdata[k])), picture_of (cards->pdata[k]));
  return shown;
}

/* Scrolled away and back, the cards show the textures made the first
 * time (the grid view binds cards again and again as it scrolls); new
 * data of the same indices get their own. */
static void
test_textures_kept (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(FlDataset) other = make_dataset ();
  GtkWidget *grid = fl_preview_grid_new ();
  g_autoptr(GHashTable) before = NULL, after = NULL, fresh = NULL;
  GtkAdjustment *adj = fl_preview_grid_get_vadjustment (FL_PREVIEW_GRID (grid));
  GHashTableIter iter;
  gpointer key, value;
  guint same = 0;
  GtkWidget *win;

  memset (other->images, 7, (gsize) N * 3 * S * S);
  fl_preview_grid_set_dataset (FL_PREVIEW_GRID (grid), ds);
  win = ui_show_in_window (grid, 1000, 700);
  before = shown_textures (grid);
  g_assert_cmpuint (g_hash_table_size (before), >, 4);

  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  g_assert_true (ui_wait (shows_index_over, grid, 10));
  gtk_adjustment_set_value (adj, 0);
  g_assert_true (ui_wait (shows_index_under, grid, 10));
  after = shown_textures (grid);
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_hash_table_contains (before, key))
      {
        g_assert_true (g_hash_table_lookup (before, key) == value);
        same++;
      }
  g_assert_cmpuint (same, >, 4);

  fl_preview_grid_set_dataset (FL_PREVIEW_GRID (grid), other);
  ui_spin (0.2);
  fresh = shown_textures (grid);
  g_hash_table_iter_init (&iter, fresh);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree guint8 *px = ui_download (GDK_TEXTURE (value));

      g_assert_cmpint (px[0], ==, 7);
    }
  gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add_func ("/preview-grid/order", test_order);
  g_test_add_func ("/preview-grid/scroll", test_scroll);
  g_test_add_func ("/preview-grid/textures-kept", test_textures_kept);
  return g_test_run ();
}
