/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-sample-gallery"

#include "fl-sample-gallery.h"
#include "fl-i18n.h"
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

  FlValidation *val;      /* owned copy, or NULL */
  FlDataset    *ds;       /* borrowed: the data of val, or NULL */
  gboolean      test_data; /* val holds test samples, not validation ones */
  GArray       *samples;  /* of int: dataset indices shown */
};

G_DEFINE_FINAL_TYPE (FlSampleGallery, fl_sample_gallery, GTK_TYPE_WIDGET)

/* The notes after a gallery's title: that it shows only the first cards,
 * that the predictions are known but not the samples they were made on. */
static const char *
more_note (int n)
{
  /* TRANSLATORS: appended to a gallery's title ("12 validation samples of
   * Cats…"), with its leading space */
  return n > MAX_CARDS ? _(" (the first 120)") : "";
}

static const char *
no_data_note (const FlSampleGallery *self,
              int                    n)
{
  /* TRANSLATORS: appended to a gallery's title, with its leading space */
  return self->ds == NULL && n > 0 ? _(" — load the experiment's images and CSV to see them") : "";
}

/* A cell's title when the gallery shows test samples: n of class t taken
 * for p. */
static char *
test_title (const FlSampleGallery *self,
            int                    t,
            int                    p,
            int                    n)
{
  const FlValidation *v = self->val;

  if (t == p)
    /* TRANSLATORS: after Evaluate on Test Data…; the last two %s are the
     * notes " (the first 120)" and " — load the experiment's images…", or
     * empty */
    return g_markup_printf_escaped (g_dngettext (GETTEXT_PACKAGE,
                                                 "<b>%d</b> test sample of <b>%s</b>, recognised as such%s%s",
                                                 "<b>%d</b> test samples of <b>%s</b>, recognised as such%s%s", n),
                                    n, v->class_names[t], more_note (n), no_data_note (self, n));
  /* TRANSLATORS: "5 test samples of Cats taken for Dogs", then the two
   * notes or empty */
  return g_markup_printf_escaped (g_dngettext (GETTEXT_PACKAGE,
                                               "<b>%d</b> test sample of <b>%s</b> taken for <b>%s</b>%s%s",
                                               "<b>%d</b> test samples of <b>%s</b> taken for <b>%s</b>%s%s", n),
                                  n, v->class_names[t], v->class_names[p], more_note (n),
                                  no_data_note (self, n));
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
  const FlDataset *ds = self->ds;
  const char *const *names = (const char *const *) self->val->class_names;
  g_autofree char *label = NULL;
  float confidence;
  int p = fl_validation_predicted (self->val, k, &confidence);
  int t = self->val->labels[k];
  GtkWidget *card;

  if (p == t)
    label = g_strdup_printf ("✓ %s · %.0f%%", names[p], 100.0 * confidence);
  else
    label = g_strdup_printf ("%s → %s %.0f%%", names[t], names[p], 100.0 * confidence);
  card = fl_sample_card_new_for (ds, i, label);
  fl_sample_card_set_width_chars (FL_SAMPLE_CARD (card), 30);
  gtk_flow_box_append (self->flow, card);
  g_array_append_val (self->samples, i);
}

void
fl_sample_gallery_show_cell (FlSampleGallery *self,
                             int              t,
                             int              p)
{
  const FlValidation *v = self->val;
  g_autofree char *title = NULL;
  int n = 0;

  g_return_if_fail (FL_IS_SAMPLE_GALLERY (self));

  clear (self);
  if (v == NULL)
    return;
  g_return_if_fail (t >= 0 && t < v->n_classes && p >= 0 && p < v->n_classes);

  for (int k = 0; k < v->n; k++)
    if (v->labels[k] == t && fl_validation_predicted (v, k, NULL) == p)
      {
        if (n < MAX_CARDS && self->ds != NULL)
          add_card (self, k, v->rows[k]);
        n++;
      }

  if (self->test_data)
    title = test_title (self, t, p, n);
  /* TRANSLATORS: the last two %s are the notes " (the first 120)" and
   * " — load the experiment's images…", or empty */
  else if (t == p)
    title = g_markup_printf_escaped (g_dngettext (GETTEXT_PACKAGE,
                                                  "<b>%d</b> validation sample of <b>%s</b>, recognised as such%s%s",
                                                  "<b>%d</b> validation samples of <b>%s</b>, recognised as such%s%s",
                                                  n),
                                     n, v->class_names[t], more_note (n), no_data_note (self, n));
  else
    /* TRANSLATORS: "5 validation samples of Cats taken for Dogs", then the
     * two notes or empty */
    title = g_markup_printf_escaped (g_dngettext (GETTEXT_PACKAGE,
                                                  "<b>%d</b> validation sample of <b>%s</b> taken for <b>%s</b>%s%s",
                                                  "<b>%d</b> validation samples of <b>%s</b> taken for <b>%s</b>%s%s",
                                                  n),
                                     n, v->class_names[t], v->class_names[p], more_note (n),
                                     no_data_note (self, n));
  gtk_label_set_markup (self->title_label, title);
}

void
fl_sample_gallery_show_rows (FlSampleGallery *self,
                             const gint32    *rows,
                             int              n,
                             const char      *title)
{
  const FlValidation *v = self->val;
  g_autoptr(GHashTable) where = g_hash_table_new (NULL, NULL);
  g_autofree char *markup = NULL;

  g_return_if_fail (FL_IS_SAMPLE_GALLERY (self));

  clear (self);
  if (v == NULL)
    return;
  /* dataset row + 1 → validation sample k + 1 */
  for (int k = 0; k < v->n; k++)
    g_hash_table_insert (where, GINT_TO_POINTER (v->rows[k] + 1), GINT_TO_POINTER (k + 1));
  for (int j = 0; j < n && self->ds != NULL && self->samples->len < MAX_CARDS; j++)
    {
      int k = GPOINTER_TO_INT (g_hash_table_lookup (where, GINT_TO_POINTER (rows[j] + 1))) - 1;

      if (k >= 0)
        add_card (self, k, rows[j]);
    }
  markup = g_strdup_printf ("%s%s%s", title, more_note (n), no_data_note (self, n));
  gtk_label_set_markup (self->title_label, markup);
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

  if (x->confidence != y->confidence)
    return (x->confidence < y->confidence) - (x->confidence > y->confidence);
  return (x->k > y->k) - (x->k < y->k);
}

void
fl_sample_gallery_show_mistakes (FlSampleGallery *self,
                                 int              max)
{
  g_autoptr(GArray) mistakes = g_array_new (FALSE, FALSE, sizeof (Mistake));
  const FlValidation *v = self->val;
  g_autofree char *title = NULL;

  g_return_if_fail (FL_IS_SAMPLE_GALLERY (self));

  clear (self);
  if (v == NULL)
    return;
  for (int k = 0; k < v->n; k++)
    {
      Mistake m = { k, 0.0f };

      if (fl_validation_predicted (v, k, &m.confidence) != v->labels[k])
        g_array_append_val (mistakes, m);
    }
  /* surest first; equal confidences in validation order */
  g_array_sort (mistakes, by_confidence);
  for (guint j = 0; self->ds != NULL && j < mistakes->len && (int) j < max; j++)
    {
      const Mistake *m = &g_array_index (mistakes, Mistake, j);
      add_card (self, m->k, v->rows[m->k]);
    }

  /* TRANSLATORS: the last %s is the note " — load the experiment's
   * images…", or empty */
  title = g_strdup_printf (_("The <b>%d</b> mistakes the model was surest of (of %u), surest first%s"),
                           MIN ((int) mistakes->len, max), mistakes->len, no_data_note (self, (int) mistakes->len));
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
  fl_validation_free (FL_SAMPLE_GALLERY (object)->val);

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
fl_sample_gallery_set_validation (FlSampleGallery    *self,
                                  const FlValidation *val,
                                  FlDataset          *ds)
{
  g_return_if_fail (FL_IS_SAMPLE_GALLERY (self));

  clear (self);
  self->test_data = FALSE;
  g_clear_pointer (&self->val, fl_validation_free);
  self->val = val != NULL ? fl_validation_copy (val) : NULL;
  self->ds = val != NULL ? ds : NULL;
  gtk_widget_set_sensitive (self->mistakes_button, val != NULL);
  if (val == NULL)
    gtk_label_set_text (self->title_label, _("The samples of a run show here once it has finished."));
  else if (ds == NULL)
    gtk_label_set_text (self->title_label, _("Click a cell of the confusion matrix to count its samples; "
                                             "load the experiment's images and CSV to see them."));
  else
    gtk_label_set_text (self->title_label, _("Click a cell of the confusion matrix to see its samples here."));
}

void
fl_sample_gallery_set_test_data (FlSampleGallery *self,
                                 gboolean         test_data)
{
  g_return_if_fail (FL_IS_SAMPLE_GALLERY (self));
  self->test_data = test_data;
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
