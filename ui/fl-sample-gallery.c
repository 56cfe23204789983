/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-sample-gallery"

#include "fl-sample-gallery.h"
#include "fl-preview-grid.h"
#include "fl-sample-card.h"
#include "fl-ui-util.h"

/* A gallery shows no more cards than this (a big cell would be slow). */
#define MAX_CARDS 120

struct _FlSampleGallery {
  GtkWidget   parent_instance;

  GtkLabel   *title_label;
  GtkWidget  *mistakes_button;
  GtkFlowBox *flow;

  FlRun      *run;
  GArray     *samples;    /* of int: dataset indices shown */
};

G_DEFINE_FINAL_TYPE (FlSampleGallery, fl_sample_gallery, GTK_TYPE_WIDGET)

int
fl_run_val_prediction (FlRun *run,
                       int    k,
                       float *confidence)
{
  const FlDataset *ds = fl_run_dataset (run);
  const float *probs = fl_run_val_probs (run);
  int C = ds->n_classes, best = 0;

  g_return_val_if_fail (probs != NULL, 0);

  for (int c = 1; c < C; c++)
    if (probs[(gsize) k * C + c] > probs[(gsize) k * C + best])
      best = c;
  if (confidence != NULL)
    *confidence = probs[(gsize) k * C + best];
  return best;
}

static void
clear (FlSampleGallery *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->flow))) != NULL)
    gtk_flow_box_remove (self->flow, child);
  g_array_set_size (self->samples, 0);
}

/* A card for validation sample k: dataset index i. */
static void
add_card (FlSampleGallery *self,
          int              k,
          int              i)
{
  const FlDataset *ds = fl_run_dataset (self->run);
  g_autoptr(GdkTexture) texture = fl_texture_new_from_sample (ds, i);
  g_autofree char *label = NULL;
  float confidence;
  int p = fl_run_val_prediction (self->run, k, &confidence);
  int t = ds->labels[i];
  GtkWidget *card;

  if (p == t)
    label = g_strdup_printf ("✓ %s · %.0f%%", ds->class_names[p], 100.0 * confidence);
  else
    label = g_strdup_printf ("%s → %s %.0f%%", ds->class_names[t], ds->class_names[p], 100.0 * confidence);
  card = fl_sample_card_new (texture, label, ds->texts[i], ds->image_files[i]);
  fl_sample_card_set_width_chars (FL_SAMPLE_CARD (card), 30);
  gtk_flow_box_append (self->flow, card);
  g_array_append_val (self->samples, i);
}

void
fl_sample_gallery_show_cell (FlSampleGallery *self,
                             int              t,
                             int              p)
{
  const FlDataset *ds;
  const gint32 *val;
  g_autofree char *title = NULL;
  int n_val = 0, n = 0;

  g_return_if_fail (FL_IS_SAMPLE_GALLERY (self));

  clear (self);
  if (self->run == NULL || fl_run_val_probs (self->run) == NULL)
    return;
  ds = fl_run_dataset (self->run);
  g_return_if_fail (t >= 0 && t < ds->n_classes && p >= 0 && p < ds->n_classes);

  val = fl_run_val_indices (self->run, &n_val);
  for (int k = 0; k < n_val; k++)
    if (ds->labels[val[k]] == t && fl_run_val_prediction (self->run, k, NULL) == p)
      {
        if (n < MAX_CARDS)
          add_card (self, k, val[k]);
        n++;
      }

  if (t == p)
    title = g_markup_printf_escaped ("<b>%d</b> validation samples of <b>%s</b>, recognised as such%s",
                                     n, ds->class_names[t], n > MAX_CARDS ? " (the first 120)" : "");
  else
    title = g_markup_printf_escaped ("<b>%d</b> validation samples of <b>%s</b> taken for <b>%s</b>%s",
                                     n, ds->class_names[t], ds->class_names[p],
                                     n > MAX_CARDS ? " (the first 120)" : "");
  gtk_label_set_markup (self->title_label, title);
}

typedef struct {
  int   k;
  float confidence;
} Mistake;

static int
by_confidence (gconstpointer a,
               gconstpointer b)
{
  const Mistake *x = a, *y = b;

  return (x->confidence < y->confidence) - (x->confidence > y->confidence);
}

void
fl_sample_gallery_show_mistakes (FlSampleGallery *self,
                                 int              max)
{
  g_autoptr(GArray) mistakes = g_array_new (FALSE, FALSE, sizeof (Mistake));
  const FlDataset *ds;
  const gint32 *val;
  g_autofree char *title = NULL;
  int n_val = 0;

  g_return_if_fail (FL_IS_SAMPLE_GALLERY (self));

  clear (self);
  if (self->run == NULL || fl_run_val_probs (self->run) == NULL)
    return;
  ds = fl_run_dataset (self->run);
  val = fl_run_val_indices (self->run, &n_val);
  for (int k = 0; k < n_val; k++)
    {
      Mistake m = { k, 0.0f };

      if (fl_run_val_prediction (self->run, k, &m.confidence) != ds->labels[val[k]])
        g_array_append_val (mistakes, m);
    }
  g_array_sort (mistakes, by_confidence);
  for (guint j = 0; j < mistakes->len && (int) j < max; j++)
    {
      const Mistake *m = &g_array_index (mistakes, Mistake, j);
      add_card (self, m->k, val[m->k]);
    }

  title = g_strdup_printf ("The <b>%d</b> mistakes the model was surest of (of %u), surest first",
                           MIN ((int) mistakes->len, max), mistakes->len);
  gtk_label_set_markup (self->title_label, title);
}

static void
mistakes_clicked_cb (FlSampleGallery *self,
                     GtkButton       *button)
{
  fl_sample_gallery_show_mistakes (self, 24);
}

static void
fl_sample_gallery_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), FL_TYPE_SAMPLE_GALLERY);
  fl_widget_unparent_children (GTK_WIDGET (object));

  G_OBJECT_CLASS (fl_sample_gallery_parent_class)->dispose (object);
}

static void
fl_sample_gallery_finalize (GObject *object)
{
  g_array_unref (FL_SAMPLE_GALLERY (object)->samples);

  G_OBJECT_CLASS (fl_sample_gallery_parent_class)->finalize (object);
}

static void
fl_sample_gallery_class_init (FlSampleGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_sample_gallery_dispose;
  object_class->finalize = fl_sample_gallery_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-sample-gallery.ui");
  gtk_widget_class_bind_template_child (widget_class, FlSampleGallery, title_label);
  gtk_widget_class_bind_template_child (widget_class, FlSampleGallery, mistakes_button);
  gtk_widget_class_bind_template_child (widget_class, FlSampleGallery, flow);
  gtk_widget_class_bind_template_callback (widget_class, mistakes_clicked_cb);
}

static void
fl_sample_gallery_init (FlSampleGallery *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->samples = g_array_new (FALSE, FALSE, sizeof (int));
  gtk_widget_set_sensitive (self->mistakes_button, FALSE);
}

void
fl_sample_gallery_set_run (FlSampleGallery *self,
                           FlRun           *run)
{
  g_return_if_fail (FL_IS_SAMPLE_GALLERY (self));

  clear (self);
  self->run = run;
  gtk_widget_set_sensitive (self->mistakes_button, run != NULL);
  gtk_label_set_text (self->title_label, run != NULL
                      ? "Click a cell of the confusion matrix to see its samples here."
                      : "The samples of a run show here once it has finished.");
}

int
fl_sample_gallery_get_n_samples (FlSampleGallery *self)
{
  g_return_val_if_fail (FL_IS_SAMPLE_GALLERY (self), 0);
  return (int) self->samples->len;
}

int
fl_sample_gallery_get_sample (FlSampleGallery *self,
                              int              i)
{
  g_return_val_if_fail (FL_IS_SAMPLE_GALLERY (self), -1);
  g_return_val_if_fail (i >= 0 && i < (int) self->samples->len, -1);
  return g_array_index (self->samples, int, i);
}
