/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-train-panel"

#include "fl-train-panel.h"
#include "fl-fusion-diagram.h"
#include "fl-style.h"
#include "fl-ui-util.h"

#include <math.h>
#include <stdlib.h>

struct _FlTrainPanel {
  GtkWidget      parent_instance;

  GtkDropDown   *fusion_dropdown;
  GtkLabel      *explain_label;
  GtkSpinButton *image_size_spin;
  GtkSpinButton *feat_dim_spin;
  GtkSpinButton *epochs_spin;
  GtkSpinButton *batch_spin;
  GtkSpinButton *lr_spin;
  GtkSpinButton *val_spin;
  GtkSpinButton *seed_spin;
  GtkSpinButton *dropout_spin;
  GtkSpinButton *rank_spin;
  GtkSpinButton *folds_spin;
  GtkSpinButton *repeats_spin;
  GtkLabel      *compare_label;
  GtkMenuButton *routes_button;
  GtkDrawingArea *diagram;
  GtkBox        *routes_box;
  GtkRevealer   *next_run_revealer;
};

G_DEFINE_FINAL_TYPE (FlTrainPanel, fl_train_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_IMAGE_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  COMPARE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* "All 8 routes", or "5 of 8 routes" */
static void
update_routes_label (FlTrainPanel *self)
{
  FlFusion chosen[FL_N_FUSIONS];
  guint n_all, n = fl_train_panel_get_routes (self, chosen);
  g_autofree char *label = NULL;

  fl_fusions (&n_all);
  label = n == n_all ? g_strdup_printf ("All %u routes", n_all) : g_strdup_printf ("%u of %u routes", n, n_all);
  gtk_menu_button_set_label (self->routes_button, label);
}

static void
compare_changed_cb (FlTrainPanel  *self,
                    GtkSpinButton *spin)
{
  update_routes_label (self);
  /* one repeat of one split is a single split: repeats need folds */
  gtk_widget_set_sensitive (GTK_WIDGET (self->repeats_spin), gtk_spin_button_get_value_as_int (self->folds_spin) >= 2);
  g_signal_emit (self, signals[COMPARE_CHANGED], 0);
}

static void
draw_diagram (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        data)
{
  FlTrainPanel *self = data;
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  fl_fusion_diagram_draw (cr, gtk_widget_get_pango_context (GTK_WIDGET (area)),
                          fl_train_panel_get_fusion (self), width, height, &fg);
}

static void
fusion_changed_cb (FlTrainPanel *self,
                   GParamSpec   *pspec,
                   GtkDropDown  *dropdown)
{
  gtk_label_set_text (self->explain_label, fl_fusion_explain (fl_train_panel_get_fusion (self)));
  gtk_widget_queue_draw (GTK_WIDGET (self->diagram));
}

static void
image_size_changed_cb (FlTrainPanel  *self,
                       GtkSpinButton *spin)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE_SIZE]);
}

/* The learning rate reads best as 0.001 or 5e-05, not 0.00100. */
static gboolean
lr_output_cb (FlTrainPanel  *self,
              GtkSpinButton *spin)
{
  char text[32];

  g_snprintf (text, sizeof text, "%g", gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin)));
  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
lr_input_cb (FlTrainPanel  *self,
             double        *new_value,
             GtkSpinButton *spin)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);

  if (end == text || !(v > 0.0))
    return GTK_INPUT_ERROR;
  *new_value = v;
  return TRUE;
}

static void
fl_train_panel_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), FL_TYPE_TRAIN_PANEL);
  fl_widget_unparent_children (GTK_WIDGET (object));

  G_OBJECT_CLASS (fl_train_panel_parent_class)->dispose (object);
}

static void
fl_train_panel_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FlTrainPanel *self = FL_TRAIN_PANEL (object);

  switch (prop_id)
    {
    case PROP_IMAGE_SIZE:
      g_value_set_int (value, fl_train_panel_get_image_size (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_train_panel_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FlTrainPanel *self = FL_TRAIN_PANEL (object);

  switch (prop_id)
    {
    case PROP_IMAGE_SIZE:
      fl_train_panel_set_image_size (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_train_panel_class_init (FlTrainPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_train_panel_dispose;
  object_class->get_property = fl_train_panel_get_property;
  object_class->set_property = fl_train_panel_set_property;

  properties[PROP_IMAGE_SIZE] =
    g_param_spec_int ("image-size", NULL, NULL, 16, 256, 64,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* the folds or repeats of Compare changed */
  signals[COMPARE_CHANGED] =
    g_signal_new ("compare-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-train-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, fusion_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, explain_label);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, image_size_spin);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, feat_dim_spin);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, lr_spin);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, val_spin);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, dropout_spin);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, rank_spin);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, folds_spin);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, repeats_spin);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, compare_label);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, routes_button);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, diagram);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, routes_box);
  gtk_widget_class_bind_template_callback (widget_class, compare_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, next_run_revealer);
  gtk_widget_class_bind_template_callback (widget_class, fusion_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, image_size_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, lr_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, lr_input_cb);

  gtk_widget_class_set_css_name (widget_class, "trainpanel");
}

static void
fl_train_panel_init (FlTrainPanel *self)
{
  g_autoptr(GtkStringList) titles = gtk_string_list_new (NULL);
  const FlFusion *order;
  guint n;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* the fusions' names, from the one place every view takes them */
  order = fl_fusions (&n);
  for (guint i = 0; i < n; i++)
    gtk_string_list_append (titles, fl_fusion_title (order[i]));
  gtk_drop_down_set_model (self->fusion_dropdown, G_LIST_MODEL (titles));
  /* a check box per route for Compare, every one ticked */
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (fl_fusion_title (order[i]));

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      gtk_widget_set_tooltip_text (check, fl_fusion_explain (order[i]));
      g_signal_connect_object (check, "toggled", G_CALLBACK (compare_changed_cb), self, G_CONNECT_SWAPPED);
      gtk_box_append (self->routes_box, check);
    }
  update_routes_label (self);
  gtk_drawing_area_set_draw_func (self->diagram, draw_diagram, self, NULL);
  fusion_changed_cb (self, NULL, self->fusion_dropdown);
}

GtkWidget *
fl_train_panel_new (void)
{
  return g_object_new (FL_TYPE_TRAIN_PANEL, NULL);
}

void
fl_train_panel_get_settings (FlTrainPanel    *self,
                             FlTrainSettings *settings)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  g_return_if_fail (settings != NULL);

  fl_train_settings_init_default (settings);
  settings->fusion = fl_train_panel_get_fusion (self);
  settings->feat_dim = gtk_spin_button_get_value_as_int (self->feat_dim_spin);
  settings->epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  settings->batch_size = gtk_spin_button_get_value_as_int (self->batch_spin);
  settings->lr = (float) gtk_spin_button_get_value (self->lr_spin);
  settings->val_fraction = gtk_spin_button_get_value (self->val_spin);
  settings->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  /* as shown, two digits: 0.15, not the sum of three steps of 0.05 */
  settings->modality_dropout = round (gtk_spin_button_get_value (self->dropout_spin) * 100.0) / 100.0;
  settings->rank = gtk_spin_button_get_value_as_int (self->rank_spin);
}

void
fl_train_panel_set_settings (FlTrainPanel          *self,
                             const FlTrainSettings *settings)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  g_return_if_fail (settings != NULL);

  fl_train_panel_set_fusion (self, settings->fusion);
  gtk_spin_button_set_value (self->feat_dim_spin, settings->feat_dim);
  gtk_spin_button_set_value (self->epochs_spin, settings->epochs);
  gtk_spin_button_set_value (self->batch_spin, settings->batch_size);
  gtk_spin_button_set_value (self->lr_spin, settings->lr);
  gtk_spin_button_set_value (self->val_spin, settings->val_fraction);
  gtk_spin_button_set_value (self->seed_spin, (double) settings->seed);
  gtk_spin_button_set_value (self->dropout_spin, settings->modality_dropout);
  gtk_spin_button_set_value (self->rank_spin, settings->rank);
}

int
fl_train_panel_get_image_size (FlTrainPanel *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_PANEL (self), 64);
  return gtk_spin_button_get_value_as_int (self->image_size_spin);
}

void
fl_train_panel_set_image_size (FlTrainPanel *self,
                               int           image_size)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  gtk_spin_button_set_value (self->image_size_spin, image_size);
}

void
fl_train_panel_set_epochs (FlTrainPanel *self,
                           int           epochs)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  gtk_spin_button_set_value (self->epochs_spin, epochs);
}

void
fl_train_panel_set_batch_size (FlTrainPanel *self,
                               int           batch_size)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  gtk_spin_button_set_value (self->batch_spin, batch_size);
}

void
fl_train_panel_set_running (FlTrainPanel *self,
                            gboolean      running)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  gtk_revealer_set_reveal_child (self->next_run_revealer, running);
}

FlFusion
fl_train_panel_get_fusion (FlTrainPanel *self)
{
  const FlFusion *order;
  guint pos, n;

  g_return_val_if_fail (FL_IS_TRAIN_PANEL (self), FL_FUSION_CONCAT);

  pos = gtk_drop_down_get_selected (self->fusion_dropdown);
  order = fl_fusions (&n);
  return pos < n ? order[pos] : FL_FUSION_CONCAT;
}

void
fl_train_panel_set_fusion (FlTrainPanel *self,
                           FlFusion      fusion)
{
  const FlFusion *order;
  guint n;

  g_return_if_fail (FL_IS_TRAIN_PANEL (self));

  order = fl_fusions (&n);
  for (guint i = 0; i < n; i++)
    if (order[i] == fusion)
      gtk_drop_down_set_selected (self->fusion_dropdown, i);
}

int
fl_train_panel_get_folds (FlTrainPanel *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_PANEL (self), 1);
  return gtk_spin_button_get_value_as_int (self->folds_spin);
}

int
fl_train_panel_get_repeats (FlTrainPanel *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_PANEL (self), 1);
  return fl_train_panel_get_folds (self) >= 2 ? gtk_spin_button_get_value_as_int (self->repeats_spin) : 1;
}

void
fl_train_panel_set_compare (FlTrainPanel *self,
                            int           folds,
                            int           repeats)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));

  gtk_spin_button_set_value (self->folds_spin, folds);
  gtk_spin_button_set_value (self->repeats_spin, repeats);
}

void
fl_train_panel_set_compare_note (FlTrainPanel *self,
                                 const char   *note)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));

  gtk_label_set_text (self->compare_label, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->compare_label), note != NULL && note[0] != '\0');
}

guint
fl_train_panel_get_routes (FlTrainPanel *self,
                           FlFusion      fusions[FL_N_FUSIONS])
{
  guint n_all, n = 0, i = 0;
  const FlFusion *order;

  g_return_val_if_fail (FL_IS_TRAIN_PANEL (self), 0);

  order = fl_fusions (&n_all);
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->routes_box)); c != NULL && i < n_all;
       c = gtk_widget_get_next_sibling (c), i++)
    if (gtk_check_button_get_active (GTK_CHECK_BUTTON (c)))
      fusions[n++] = order[i];
  return n;
}

void
fl_train_panel_set_route (FlTrainPanel *self,
                          FlFusion      fusion,
                          gboolean      chosen)
{
  guint n_all, i = 0;
  const FlFusion *order;

  g_return_if_fail (FL_IS_TRAIN_PANEL (self));

  order = fl_fusions (&n_all);
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->routes_box)); c != NULL && i < n_all;
       c = gtk_widget_get_next_sibling (c), i++)
    if (order[i] == fusion)
      gtk_check_button_set_active (GTK_CHECK_BUTTON (c), chosen);
}
