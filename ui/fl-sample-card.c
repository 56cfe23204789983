/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-sample-card"

#include "fl-sample-card.h"
#include "fl-i18n.h"
#include "fl-spectrogram.h"
#include "fl-ui-util.h"

struct _FlSampleCard {
  GtkWidget   parent_instance;

  GtkPicture *picture;
  GtkLabel   *label_label;
  GtkInscription *text_label;
  GtkWidget  *sound_box;
  GtkPicture *spectrogram;
  GtkButton  *play_button;
  char       *file;
  char       *sound_path;    /* the clip, for the play button */
  char       *play_error;    /* why it cannot be played, or NULL */
  GtkMediaStream *media;     /* made on the first click */
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
                                                     gtk_inscription_get_text (self->text_label),
                                                     self->file ? self->file : "");

  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

/* The tooltips are made when asked for: setting one (in the template too)
 * asks the X server where the pointer is, a round trip for every card the
 * grid makes (issue 16). */
static gboolean
spectrogram_tooltip_cb (GtkWidget  *widget,
                        int         x,
                        int         y,
                        gboolean    keyboard,
                        GtkTooltip *tooltip)
{
  gtk_tooltip_set_text (tooltip, _("The clip’s spectrogram, as the model hears it: time from left to right, "
                                   "pitch from bottom to top, loud bright"));
  return TRUE;
}

static gboolean
play_tooltip_cb (FlSampleCard *self,
                 int           x,
                 int           y,
                 gboolean      keyboard,
                 GtkTooltip   *tooltip)
{
  gtk_tooltip_set_text (tooltip, self->play_error != NULL ? self->play_error : _("Play the clip"));
  return TRUE;
}

static void
media_changed_cb (FlSampleCard   *self,
                  GParamSpec     *pspec,
                  GtkMediaStream *media)
{
  const GError *error = gtk_media_stream_get_error (media);

  if (error != NULL)
    {
      g_free (self->play_error);
      self->play_error = g_strdup_printf (_("Cannot play the clip: %s"), error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->play_button), FALSE);
      return;
    }
  gtk_button_set_icon_name (self->play_button, gtk_media_stream_get_playing (media)
                                               ? "media-playback-pause-symbolic"
                                               : "media-playback-start-symbolic");
}

/* Plays the clip, or pauses it; once it has ended, from the start again. */
static void
play_clicked_cb (FlSampleCard *self,
                 GtkButton    *button)
{
  if (self->media == NULL)
    {
      self->media = gtk_media_file_new_for_filename (self->sound_path);
      g_signal_connect_object (self->media, "notify::playing", G_CALLBACK (media_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->media, "notify::error", G_CALLBACK (media_changed_cb), self, G_CONNECT_SWAPPED);
    }
  if (gtk_media_stream_get_playing (self->media))
    {
      gtk_media_stream_pause (self->media);
      return;
    }
  if (gtk_media_stream_get_ended (self->media))
    gtk_media_stream_seek (self->media, 0);
  gtk_media_stream_play (self->media);
}

static void
fl_sample_card_finalize (GObject *object)
{
  g_free (FL_SAMPLE_CARD (object)->file);
  g_free (FL_SAMPLE_CARD (object)->sound_path);
  g_free (FL_SAMPLE_CARD (object)->play_error);

  G_OBJECT_CLASS (fl_sample_card_parent_class)->finalize (object);
}

static void
fl_sample_card_dispose (GObject *object)
{
  FlSampleCard *self = FL_SAMPLE_CARD (object);

  if (self->media != NULL)
    gtk_media_stream_pause (self->media);
  g_clear_object (&self->media);
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
  gtk_widget_class_bind_template_child (widget_class, FlSampleCard, sound_box);
  gtk_widget_class_bind_template_child (widget_class, FlSampleCard, spectrogram);
  gtk_widget_class_bind_template_child (widget_class, FlSampleCard, play_button);
  gtk_widget_class_bind_template_callback (widget_class, query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, spectrogram_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, play_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, play_clicked_cb);

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

  fl_sample_card_set_sample (self, texture, label, text, file);
  return GTK_WIDGET (self);
}

void
fl_sample_card_set_sample (FlSampleCard *self,
                           GdkTexture   *texture,
                           const char   *label,
                           const char   *text,
                           const char   *file)
{
  g_return_if_fail (FL_IS_SAMPLE_CARD (self));

  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  gtk_label_set_text (self->label_label, label);
  gtk_inscription_set_text (self->text_label, text);
  g_free (self->file);
  self->file = g_strdup (file);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
  fl_sample_card_set_sound (self, NULL, NULL);
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
  return gtk_inscription_get_text (self->text_label);
}

void
fl_sample_card_set_width_chars (FlSampleCard *self,
                                int           chars)
{
  g_return_if_fail (FL_IS_SAMPLE_CARD (self));

  gtk_label_set_max_width_chars (self->label_label, chars);
  gtk_inscription_set_min_chars (self->text_label, chars);
  gtk_inscription_set_nat_chars (self->text_label, chars);
}

void
fl_sample_card_set_sound (FlSampleCard *self,
                          GdkTexture   *spectrogram,
                          const char   *path)
{
  g_return_if_fail (FL_IS_SAMPLE_CARD (self));
  g_return_if_fail (spectrogram == NULL || GDK_IS_TEXTURE (spectrogram));

  /* a card the grid shows again for another sample stops the last clip;
   * the button is reset only once it was played (every card is bound again
   * and again as the grid scrolls) */
  if (self->media != NULL)
    {
      gtk_media_stream_pause (self->media);
      g_clear_object (&self->media);
      gtk_button_set_icon_name (self->play_button, "media-playback-start-symbolic");
      gtk_widget_set_sensitive (GTK_WIDGET (self->play_button), TRUE);
      g_clear_pointer (&self->play_error, g_free);
    }
  gtk_picture_set_paintable (self->spectrogram, GDK_PAINTABLE (spectrogram));
  gtk_widget_set_visible (self->sound_box, spectrogram != NULL);
  g_free (self->sound_path);
  self->sound_path = g_strdup (path);
  gtk_widget_set_visible (GTK_WIDGET (self->play_button), path != NULL && fl_can_play_sound ());
}

gboolean
fl_sample_card_get_can_play (FlSampleCard *self)
{
  g_return_val_if_fail (FL_IS_SAMPLE_CARD (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (self->play_button));
}

const char *
fl_sample_card_get_play_error (FlSampleCard *self)
{
  g_return_val_if_fail (FL_IS_SAMPLE_CARD (self), NULL);
  return self->play_error;
}
