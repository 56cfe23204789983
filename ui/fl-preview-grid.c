/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-preview-grid"

#include "fl-preview-grid.h"
#include "fl-augment-strip.h"
#include "fl-i18n.h"
#include "fl-ui-util.h"
#include "fl-class-chart.h"
#include "fl-sample-card.h"
#include "fl-sample-list.h"
#include "fl-spectrogram.h"

struct _FlPreviewGrid {
  GtkWidget   parent_instance;

  GtkStack          *stack;
  GtkLabel          *title;
  GtkLabel          *caption;
  GtkExpander       *skipped_expander;
  GtkLabel          *skipped_title;
  GtkLabel          *skipped_label;
  GtkScrolledWindow *chart_scroller;
  FlClassChart      *class_chart;
  GtkDropDown       *class_filter;
  GtkScrolledWindow *scroller;
  GtkGridView       *grid_view;
  FlSampleList      *samples;    /* what the grid view shows */
  GHashTable        *textures;   /* sample index → GdkTexture, of samples */
};

G_DEFINE_FINAL_TYPE (FlPreviewGrid, fl_preview_grid, GTK_TYPE_WIDGET)

GdkTexture *
fl_texture_new_from_sample (const FlDataset *ds,
                            int              i)
{
  const int S = ds->image_size;

  g_return_val_if_fail (ds != NULL && i >= 0 && i < ds->n, NULL);
  return fl_texture_new_from_chw (ds->images + (gsize) i * 3 * S * S, S);
}

static void
show_sample_with (FlSampleCard    *card,
                  const FlDataset *ds,
                  int              i,
                  const char      *label,
                  GdkTexture      *texture)
{
  fl_sample_card_set_sample (card, texture, label, ds->texts[i],
                             ds->image_files ? ds->image_files[i] : NULL);
  if (ds->audio != NULL)
    {
      gsize area = (gsize) ds->audio_mels * ds->audio_frames;
      g_autoptr(GdkTexture) spectrogram = fl_spectrogram_texture_new (ds->audio + i * area,
                                                                      ds->audio_mels, ds->audio_frames);
      g_autofree char *path = NULL;

      if (ds->audio_files != NULL && ds->images_dir != NULL)
        path = g_build_filename (ds->images_dir, ds->audio_files[i], NULL);
      fl_sample_card_set_sound (card, spectrogram, path);
    }
}

void
fl_sample_card_show_sample (FlSampleCard    *card,
                            const FlDataset *ds,
                            int              i,
                            const char      *label)
{
  g_autoptr(GdkTexture) texture = fl_texture_new_from_sample (ds, i);

  show_sample_with (card, ds, i, label, texture);
}

GtkWidget *
fl_sample_card_new_for (const FlDataset *ds,
                        int              i,
                        const char      *label)
{
  GtkWidget *card = fl_sample_card_new (NULL, "", "", NULL);

  fl_sample_card_show_sample (FL_SAMPLE_CARD (card), ds, i, label);
  return card;
}

/* The grid view's cards: made once for the rows on screen, then shown
 * again for other samples as it scrolls (setup once, bind many times). */
static void
setup_card_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  gtk_list_item_set_child (item, fl_sample_card_new (NULL, "", "", NULL));
}

/* The texture of sample i, made once. GTK 4.8's grid view binds a card
 * again each time a row crosses its range of kept rows — up to a hundred
 * cards a frame while scrolling, and every card on a jump (bench/
 * mainloop.sh --runs scroll) — mostly for samples it showed a moment ago.
 * A texture is S·S·4 bytes; past TEXTURE_CACHE_BYTES all are let go. */
#define TEXTURE_CACHE_BYTES (32 << 20)
#define SOUND_CARD_CHARS    24

static GdkTexture *
cached_texture (FlPreviewGrid   *self,
                const FlDataset *ds,
                int              i)
{
  GdkTexture *texture = g_hash_table_lookup (self->textures, GINT_TO_POINTER (i));
  guint max = TEXTURE_CACHE_BYTES / (4 * ds->image_size * ds->image_size);

  if (texture != NULL)
    return texture;
  if (g_hash_table_size (self->textures) >= MAX (max, 1))
    g_hash_table_remove_all (self->textures);
  texture = fl_texture_new_from_sample (ds, i);
  g_hash_table_insert (self->textures, GINT_TO_POINTER (i), texture);
  return texture;
}

static void
bind_card_cb (FlPreviewGrid *self,
              GtkListItem   *item)
{
  FlDataset *ds = fl_sample_list_get_dataset (self->samples);
  int i = fl_sample_item_get_index (gtk_list_item_get_item (item));

  /* the card's width does not follow its text (GtkInscription): wider
   * where a spectrogram is drawn across it, as wide as a sentence was */
  fl_sample_card_set_width_chars (FL_SAMPLE_CARD (gtk_list_item_get_child (item)),
                                  ds->audio != NULL ? SOUND_CARD_CHARS : 14);
  show_sample_with (FL_SAMPLE_CARD (gtk_list_item_get_child (item)), ds, i,
                    ds->n_classes > 0 ? ds->class_names[ds->labels[i]] : "",
                    cached_texture (self, ds, i));
}

/* The counts, the classes and the rows that were skipped, and why. */
static void
show_summary (FlPreviewGrid   *self,
              const FlDataset *ds)
{
  /* TRANSLATORS: the Data page's title: samples, classes */
  g_autofree char *title = g_strdup_printf (_("%d samples in %d classes"), ds->n, ds->n_classes);

  gtk_label_set_text (self->title, title);
  fl_class_chart_set_counts (self->class_chart, ds->n_classes,
                            (const char *const *) ds->class_names, ds->class_counts);
  gtk_scrolled_window_set_min_content_height (self->chart_scroller, MIN (ds->n_classes * 20, 220));

  gtk_widget_set_visible (GTK_WIDGET (self->skipped_expander), ds->report.n_skipped > 0);
  if (ds->report.n_skipped > 0)
    {
      g_autoptr(GString) reasons = g_string_new (NULL);
      g_autofree char *skipped = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d row was skipped",
                                                               "%d rows were skipped", ds->report.n_skipped),
                                                  ds->report.n_skipped);
      guint n_reasons = ds->report.reasons ? ds->report.reasons->len : 0;

      for (guint i = 0; i < n_reasons; i++)
        g_string_append_printf (reasons, "%s%s", i > 0 ? "\n" : "",
                                (char *) g_ptr_array_index (ds->report.reasons, i));
      if ((int) n_reasons < ds->report.n_skipped)
        g_string_append_printf (reasons, _("\n… and %d more"), ds->report.n_skipped - (int) n_reasons);
      gtk_label_set_text (self->skipped_title, skipped);
      gtk_label_set_text (self->skipped_label, reasons->str);
      gtk_expander_set_expanded (self->skipped_expander, TRUE);
    }
}

/* The class filter: "All N samples", then each class with its count. */
static void
fill_class_filter (FlPreviewGrid   *self,
                   const FlDataset *ds)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *all = g_strdup_printf (_("All %d samples"), ds->n);

  gtk_string_list_append (names, all);
  for (int c = 0; c < ds->n_classes; c++)
    {
      g_autofree char *name = g_strdup_printf ("%s (%d)", ds->class_names[c], ds->class_counts[c]);

      gtk_string_list_append (names, name);
    }
  gtk_drop_down_set_model (self->class_filter, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->class_filter, 0);
}

static void
class_filter_cb (FlPreviewGrid *self,
                 GParamSpec    *pspec,
                 GtkDropDown   *dropdown)
{
  FlDataset *ds = fl_sample_list_get_dataset (self->samples);
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (ds == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;
  fl_sample_list_set_dataset (self->samples, ds, (int) selected - 1);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

static void
fl_preview_grid_dispose (GObject *object)
{
  g_clear_object (&FL_PREVIEW_GRID (object)->samples);
  g_clear_pointer (&FL_PREVIEW_GRID (object)->textures, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), FL_TYPE_PREVIEW_GRID);
  fl_widget_unparent_children (GTK_WIDGET (object));

  G_OBJECT_CLASS (fl_preview_grid_parent_class)->dispose (object);
}

static void
fl_preview_grid_class_init (FlPreviewGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_preview_grid_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-preview-grid.ui");
  gtk_widget_class_bind_template_child (widget_class, FlPreviewGrid, stack);
  gtk_widget_class_bind_template_child (widget_class, FlPreviewGrid, title);
  gtk_widget_class_bind_template_child (widget_class, FlPreviewGrid, caption);
  gtk_widget_class_bind_template_child (widget_class, FlPreviewGrid, skipped_expander);
  gtk_widget_class_bind_template_child (widget_class, FlPreviewGrid, skipped_title);
  gtk_widget_class_bind_template_child (widget_class, FlPreviewGrid, skipped_label);
  gtk_widget_class_bind_template_child (widget_class, FlPreviewGrid, chart_scroller);
  gtk_widget_class_bind_template_child (widget_class, FlPreviewGrid, class_chart);
  gtk_widget_class_bind_template_child (widget_class, FlPreviewGrid, class_filter);
  gtk_widget_class_bind_template_child (widget_class, FlPreviewGrid, scroller);
  gtk_widget_class_bind_template_child (widget_class, FlPreviewGrid, grid_view);
  gtk_widget_class_bind_template_callback (widget_class, class_filter_cb);
}

static void
fl_preview_grid_init (FlPreviewGrid *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_type_ensure (FL_TYPE_CLASS_CHART);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->samples = fl_sample_list_new ();
  self->textures = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_card_cb), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_card_cb), self, G_CONNECT_SWAPPED);
  gtk_grid_view_set_factory (self->grid_view, factory);
  gtk_grid_view_set_model (self->grid_view,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->samples)))));
  g_object_unref (factory);
}

GtkWidget *
fl_preview_grid_new (void)
{
  return g_object_new (FL_TYPE_PREVIEW_GRID, NULL);
}

void
fl_preview_grid_set_dataset (FlPreviewGrid *self,
                             FlDataset     *ds)
{
  g_autofree char *caption = NULL;
  g_autofree char *csv_name = NULL;

  g_return_if_fail (FL_IS_PREVIEW_GRID (self));

  fl_sample_list_set_dataset (self->samples, NULL, -1);
  g_hash_table_remove_all (self->textures);
  if (ds == NULL || ds->n == 0)
    {
      fl_class_chart_set_counts (self->class_chart, 0, NULL, NULL);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  show_summary (self, ds);
  csv_name = g_path_get_basename (ds->csv_path ? ds->csv_path : "");
  fl_sample_list_set_dataset (self->samples, ds, -1);
  fill_class_filter (self, ds);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);

  /* TRANSLATORS: the Data page's caption: the CSV's rows, its name, the
   * image size twice; the second also says how to read a spectrogram */
  caption = g_strdup_printf (ds->audio == NULL
                             ? _("From %d rows of %s. Below, every sample, the classes taking turns, "
                                 "at the %d×%d pixels the model sees.")
                             : _("From %d rows of %s. Below, every sample, the classes taking turns, "
                                 "at the %d×%d pixels the model sees, each with the first 2 s of its sound "
                                 "as the model hears them (time across, pitch upward, loud bright)."),
                             ds->report.n_rows, csv_name, ds->image_size, ds->image_size);
  gtk_label_set_text (self->caption, caption);
  gtk_stack_set_visible_child_name (self->stack, "samples");
}

guint
fl_preview_grid_get_n_samples (FlPreviewGrid *self)
{
  g_return_val_if_fail (FL_IS_PREVIEW_GRID (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->samples));
}

GtkAdjustment *
fl_preview_grid_get_vadjustment (FlPreviewGrid *self)
{
  g_return_val_if_fail (FL_IS_PREVIEW_GRID (self), NULL);
  return gtk_scrolled_window_get_vadjustment (self->scroller);
}
