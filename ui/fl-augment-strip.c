/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-augment-strip"

#include "fl-augment-strip.h"
#include "fl-augment.h"
#include "fl-i18n.h"
#include "fl-ui-util.h"

#include <string.h>

struct _FlAugmentStrip {
  GtkWidget  parent_instance;

  GtkLabel  *title;
  GtkBox    *row;
  GtkLabel  *caption;

  FlDataset *ds;
  gboolean   augment;
  guint64    seed;
  int        epoch;      /* 1-based */
  guint      shuffles;   /* Shuffle presses: which samples */
  int        idx[FL_AUGMENT_STRIP_N];
  int        n_idx;
};

G_DEFINE_FINAL_TYPE (FlAugmentStrip, fl_augment_strip, GTK_TYPE_WIDGET)

/* In the layout GTK draws from (GDK_MEMORY_DEFAULT, B, G, R, A in bytes,
 * opaque): an R8G8B8 texture went through GTK 4.8's generic conversion
 * each time it was first drawn, and a jump across 100,000 samples on the
 * Data page, every card a new texture, missed frames (bench/scale.sh). */
GdkTexture *
fl_texture_new_from_chw (const guint8 *chw, int S)
{
  const gsize plane = (gsize) S * S;
  guint8 *bgra = g_malloc (4 * plane);
  g_autoptr(GBytes) bytes = NULL;

  /* planar (3,S,S) → interleaved (S,S,4) */
  for (gsize p = 0; p < plane; p++)
    {
      bgra[4 * p + 0] = chw[2 * plane + p];
      bgra[4 * p + 1] = chw[plane + p];
      bgra[4 * p + 2] = chw[p];
      bgra[4 * p + 3] = 255;
    }
  bytes = g_bytes_new_take (bgra, 4 * plane);
  return gdk_memory_texture_new (S, S, GDK_MEMORY_DEFAULT, bytes, (gsize) 4 * S);
}

/* FL_AUGMENT_STRIP_N distinct samples (all, with fewer), drawn anew at
 * each Shuffle. */
static void
pick_samples (FlAugmentStrip *self)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (self->shuffles + 1);
  g_autofree int *perm = NULL;
  const int n = self->ds != NULL ? self->ds->n : 0;

  self->n_idx = MIN (n, FL_AUGMENT_STRIP_N);
  if (n == 0)
    return;
  perm = g_new (int, n);
  for (int i = 0; i < n; i++)
    perm[i] = i;
  /* the first n_idx of a Fisher–Yates shuffle */
  for (int i = 0; i < self->n_idx; i++)
    {
      int j = g_rand_int_range (rng, i, n);
      int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
      self->idx[i] = perm[i];
    }
}

static GtkWidget *
picture_for (FlAugmentStrip *self, int k, guint8 *scratch)
{
  const int S = self->ds->image_size;
  const guint8 *src = self->ds->images + (gsize) k * 3 * S * S;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *picture;

  /* the trainer's own call: what epoch `epoch` shows of sample k */
  if (self->augment)
    {
      fl_augment_image (scratch, src, S, self->seed, self->epoch, k);
      src = scratch;
    }
  texture = fl_texture_new_from_chw (src, S);
  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_size_request (picture, 80, 80);
  gtk_widget_add_css_class (picture, "fl-thumbnail");
  gtk_widget_set_tooltip_text (picture, self->ds->texts[k]);
  return picture;
}

static void
update (FlAugmentStrip *self)
{
  g_autofree char *title = NULL;
  g_autofree guint8 *scratch = NULL;

  fl_widget_unparent_children (GTK_WIDGET (self->row));
  gtk_widget_set_visible (GTK_WIDGET (self), self->ds != NULL);
  if (self->ds == NULL)
    return;
  scratch = g_malloc ((gsize) 3 * self->ds->image_size * self->ds->image_size);
  for (int i = 0; i < self->n_idx; i++)
    gtk_box_append (self->row, picture_for (self, self->idx[i], scratch));
  title = self->augment ? g_strdup_printf (_("What the model sees in epoch %d"), self->epoch)
                        : g_strdup (_("What the model sees"));
  gtk_label_set_text (self->title, title);
  gtk_label_set_text (self->caption, self->augment
                      ? _("Each epoch, each training picture is drawn anew from the seed: flipped or not, "
                          "a crop of half its area or more resized back, brightness and contrast "
                          "within ±20%. Validation sees the pictures as they are.")
                      : _("Augmentation is off: training sees every picture as it is, fitted to the "
                          "image size. Switch on Augment in the settings to see what it would draw."));
}

static void
shuffle_cb (GtkWidget *widget, const char *action, GVariant *param)
{
  FlAugmentStrip *self = FL_AUGMENT_STRIP (widget);

  self->shuffles++;
  pick_samples (self);
  update (self);
}

static void
fl_augment_strip_dispose (GObject *object)
{
  FlAugmentStrip *self = FL_AUGMENT_STRIP (object);

  g_clear_pointer (&self->ds, fl_dataset_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), FL_TYPE_AUGMENT_STRIP);
  fl_widget_unparent_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (fl_augment_strip_parent_class)->dispose (object);
}

static void
fl_augment_strip_class_init (FlAugmentStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_augment_strip_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-augment-strip.ui");
  gtk_widget_class_bind_template_child (widget_class, FlAugmentStrip, title);
  gtk_widget_class_bind_template_child (widget_class, FlAugmentStrip, row);
  gtk_widget_class_bind_template_child (widget_class, FlAugmentStrip, caption);
  gtk_widget_class_install_action (widget_class, "strip.shuffle", NULL, shuffle_cb);
  gtk_widget_class_set_css_name (widget_class, "augmentstrip");
}

static void
fl_augment_strip_init (FlAugmentStrip *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->epoch = 1;
  self->seed = 42;
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
fl_augment_strip_new (void)
{
  return g_object_new (FL_TYPE_AUGMENT_STRIP, NULL);
}

void
fl_augment_strip_set_dataset (FlAugmentStrip *self, FlDataset *ds)
{
  g_return_if_fail (FL_IS_AUGMENT_STRIP (self));

  if (ds == self->ds)
    return;
  g_clear_pointer (&self->ds, fl_dataset_unref);
  self->ds = ds != NULL ? fl_dataset_ref (ds) : NULL;
  pick_samples (self);
  update (self);
}

void
fl_augment_strip_set_augment (FlAugmentStrip *self, gboolean augment, guint64 seed)
{
  g_return_if_fail (FL_IS_AUGMENT_STRIP (self));

  if (!augment == !self->augment && seed == self->seed)
    return;
  self->augment = augment;
  self->seed = seed;
  update (self);
}

void
fl_augment_strip_set_epoch (FlAugmentStrip *self, int epoch)
{
  g_return_if_fail (FL_IS_AUGMENT_STRIP (self));
  g_return_if_fail (epoch >= 1);

  if (epoch == self->epoch)
    return;
  self->epoch = epoch;
  if (self->augment)
    update (self);
}

int
fl_augment_strip_get_epoch (FlAugmentStrip *self)
{
  g_return_val_if_fail (FL_IS_AUGMENT_STRIP (self), 1);
  return self->epoch;
}

int
fl_augment_strip_get_samples (FlAugmentStrip *self, int *idx)
{
  g_return_val_if_fail (FL_IS_AUGMENT_STRIP (self), 0);
  memcpy (idx, self->idx, sizeof (int) * self->n_idx);
  return self->n_idx;
}
