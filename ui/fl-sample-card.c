/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-sample-card"

#include "fl-sample-card.h"
#include "fl-ui-util.h"

struct _FlSampleCard {
  GtkWidget   parent_instance;

  GtkPicture *picture;
  GtkLabel   *label_label;
  GtkLabel   *text_label;
  char       *file;
};

G_DEFINE_FINAL_TYPE (FlSampleCard, fl_sample_card, GTK_TYPE_WIDGET)

/* The tooltip is made when asked for: gtk_widget_set_tooltip_markup() on
 * every card would ask the X server where the pointer is, once a card. */
static gboolean
query_tooltip_cb (FlSampleCard *self,
                  int           x,
                  int           y,
                  gboolean      keyboard,
                  GtkTooltip   *tooltip)
{
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>\n%s\n<small>%s</small>",
                                                     gtk_label_get_text (self->label_label),
                                                     gtk_label_get_text (self->text_label),
                                                     self->file ? self->file : "");

  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

static void
fl_sample_card_finalize (GObject *object)
{
  g_free (FL_SAMPLE_CARD (object)->file);

  G_OBJECT_CLASS (fl_sample_card_parent_class)->finalize (object);
}

static void
fl_sample_card_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), FL_TYPE_SAMPLE_CARD);
  fl_widget_unparent_children (GTK_WIDGET (object));

  G_OBJECT_CLASS (fl_sample_card_parent_class)->dispose (object);
}

static void
fl_sample_card_class_init (FlSampleCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_sample_card_dispose;
  object_class->finalize = fl_sample_card_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-sample-card.ui");
  gtk_widget_class_bind_template_child (widget_class, FlSampleCard, picture);
  gtk_widget_class_bind_template_child (widget_class, FlSampleCard, label_label);
  gtk_widget_class_bind_template_child (widget_class, FlSampleCard, text_label);
  gtk_widget_class_bind_template_callback (widget_class, query_tooltip_cb);

  gtk_widget_class_set_css_name (widget_class, "samplecard");
}

static void
fl_sample_card_init (FlSampleCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fl_sample_card_new (GdkTexture *texture,
                    const char *label,
                    const char *text,
                    const char *file)
{
  FlSampleCard *self = g_object_new (FL_TYPE_SAMPLE_CARD, NULL);

  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  gtk_label_set_text (self->label_label, label);
  gtk_label_set_text (self->text_label, text);

  self->file = g_strdup (file);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
  return GTK_WIDGET (self);
}

const char *
fl_sample_card_get_label (FlSampleCard *self)
{
  g_return_val_if_fail (FL_IS_SAMPLE_CARD (self), NULL);
  return gtk_label_get_text (self->label_label);
}

const char *
fl_sample_card_get_text (FlSampleCard *self)
{
  g_return_val_if_fail (FL_IS_SAMPLE_CARD (self), NULL);
  return gtk_label_get_text (self->text_label);
}

void
fl_sample_card_set_width_chars (FlSampleCard *self,
                                int           chars)
{
  g_return_if_fail (FL_IS_SAMPLE_CARD (self));

  gtk_label_set_max_width_chars (self->label_label, chars);
  gtk_label_set_width_chars (self->text_label, chars);
  gtk_label_set_max_width_chars (self->text_label, chars);
}
