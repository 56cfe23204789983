/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-preview-grid"

#include "fl-preview-grid.h"
#include "fl-ui-util.h"
#include "fl-class-chart.h"
#include "fl-sample-card.h"
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
  GtkFlowBox        *flowbox;
  guint       n_cards;
};

G_DEFINE_FINAL_TYPE (FlPreviewGrid, fl_preview_grid, GTK_TYPE_WIDGET)

GdkTexture *
fl_texture_new_from_sample (const FlDataset *ds,
                            int              i)
{
  const int S = ds->image_size;
  const guint8 *chw;
  guint8 *rgb;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (ds != NULL && i >= 0 && i < ds->n, NULL);

  /* planar (3,S,S) → interleaved (S,S,3) */
  chw = ds->images + (gsize) i * 3 * S * S;
  rgb = g_malloc ((gsize) 3 * S * S);
  for (int p = 0; p < S * S; p++)
    {
      rgb[3 * p + 0] = chw[p];
      rgb[3 * p + 1] = chw[S * S + p];
      rgb[3 * p + 2] = chw[2 * S * S + p];
    }
  bytes = g_bytes_new_take (rgb, (gsize) 3 * S * S);
  return gdk_memory_texture_new (S, S, GDK_MEMORY_R8G8B8, bytes, (gsize) 3 * S);
}

GtkWidget *
fl_sample_card_new_for (const FlDataset *ds,
                        int              i,
                        const char      *label)
{
  g_autoptr(GdkTexture) texture = fl_texture_new_from_sample (ds, i);
  GtkWidget *card = fl_sample_card_new (texture, label, ds->texts[i],
                                        ds->image_files ? ds->image_files[i] : NULL);

  if (ds->audio != NULL)
    {
      gsize area = (gsize) ds->audio_mels * ds->audio_frames;
      g_autoptr(GdkTexture) spectrogram = fl_spectrogram_texture_new (ds->audio + i * area,
                                                                      ds->audio_mels, ds->audio_frames);
      g_autofree char *path = NULL;

      if (ds->audio_files != NULL && ds->images_dir != NULL)
        path = g_build_filename (ds->images_dir, ds->audio_files[i], NULL);
      fl_sample_card_set_sound (FL_SAMPLE_CARD (card), spectrogram, path);
    }
  return card;
}

static void
remove_cards (FlPreviewGrid *self)
{
  GtkFlowBoxChild *child;

  while ((child = gtk_flow_box_get_child_at_index (self->flowbox, 0)) != NULL)
    gtk_flow_box_remove (self->flowbox, GTK_WIDGET (child));
  self->n_cards = 0;
}

/* The counts, the classes and the rows that were skipped, and why. */
static void
show_summary (FlPreviewGrid   *self,
              const FlDataset *ds)
{
  g_autofree char *title = g_strdup_printf ("%d samples in %d classes", ds->n, ds->n_classes);

  gtk_label_set_text (self->title, title);
  fl_class_chart_set_counts (self->class_chart, ds->n_classes,
                            (const char *const *) ds->class_names, ds->class_counts);
  gtk_scrolled_window_set_min_content_height (self->chart_scroller, MIN (ds->n_classes * 20, 220));

  gtk_widget_set_visible (GTK_WIDGET (self->skipped_expander), ds->report.n_skipped > 0);
  if (ds->report.n_skipped > 0)
    {
      g_autoptr(GString) reasons = g_string_new (NULL);
      g_autofree char *skipped = g_strdup_printf (ds->report.n_skipped == 1
                                                  ? "%d row was skipped" : "%d rows were skipped",
                                                  ds->report.n_skipped);
      guint n_reasons = ds->report.reasons ? ds->report.reasons->len : 0;

      for (guint i = 0; i < n_reasons; i++)
        g_string_append_printf (reasons, "%s%s", i > 0 ? "\n" : "",
                                (char *) g_ptr_array_index (ds->report.reasons, i));
      if ((int) n_reasons < ds->report.n_skipped)
        g_string_append_printf (reasons, "\n… and %d more", ds->report.n_skipped - (int) n_reasons);
      gtk_label_set_text (self->skipped_title, skipped);
      gtk_label_set_text (self->skipped_label, reasons->str);
      gtk_expander_set_expanded (self->skipped_expander, TRUE);
    }
}

static void
fl_preview_grid_dispose (GObject *object)
{
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
  gtk_widget_class_bind_template_child (widget_class, FlPreviewGrid, flowbox);
}

static void
fl_preview_grid_init (FlPreviewGrid *self)
{
  g_type_ensure (FL_TYPE_CLASS_CHART);

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fl_preview_grid_new (void)
{
  return g_object_new (FL_TYPE_PREVIEW_GRID, NULL);
}

/* How to read a card's spectrogram. */
#define SOUND_CAPTION ", each with the first 2 s of its sound as the model hears them (time across, " \
                      "pitch upward, loud bright)."

void
fl_preview_grid_set_dataset (FlPreviewGrid   *self,
                             const FlDataset *ds)
{
  g_autofree int *next = NULL;
  g_autofree char *caption = NULL;
  g_autofree char *csv_name = NULL;
  int per_class, shown = 0;

  g_return_if_fail (FL_IS_PREVIEW_GRID (self));

  remove_cards (self);
  if (ds == NULL || ds->n == 0)
    {
      fl_class_chart_set_counts (self->class_chart, 0, NULL, NULL);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  show_summary (self, ds);
  csv_name = g_path_get_basename (ds->csv_path ? ds->csv_path : "");

  /* a few from every class, in turn, so that small classes show too:
   * next[c] is where to look for class c's next sample */
  next = g_new0 (int, ds->n_classes);
  per_class = MAX (1, (FL_PREVIEW_GRID_MAX + ds->n_classes - 1) / ds->n_classes);
  for (int round = 0; round < per_class && shown < FL_PREVIEW_GRID_MAX; round++)
    for (int c = 0; c < ds->n_classes && shown < FL_PREVIEW_GRID_MAX; c++)
      {
        int i = next[c];

        while (i < ds->n && ds->labels[i] != c)
          i++;
        next[c] = i + 1;
        if (i >= ds->n)
          continue;

        gtk_flow_box_append (self->flowbox, fl_sample_card_new_for (ds, i, ds->class_names[c]));
        shown++;
      }
  self->n_cards = shown;

  if (shown < ds->n)
    caption = g_strdup_printf ("From %d rows of %s. Below, %d of the samples, a few from each "
                               "class, at the %d×%d pixels the model sees%s",
                               ds->report.n_rows, csv_name, shown, ds->image_size, ds->image_size,
                               ds->audio != NULL ? SOUND_CAPTION : ".");
  else
    caption = g_strdup_printf ("From %d rows of %s. Below, every sample at the %d×%d pixels "
                               "the model sees%s",
                               ds->report.n_rows, csv_name, ds->image_size, ds->image_size,
                               ds->audio != NULL ? SOUND_CAPTION : ".");
  gtk_label_set_text (self->caption, caption);
  gtk_stack_set_visible_child_name (self->stack, "samples");
}

guint
fl_preview_grid_get_n_cards (FlPreviewGrid *self)
{
  g_return_val_if_fail (FL_IS_PREVIEW_GRID (self), 0);
  return self->n_cards;
}
