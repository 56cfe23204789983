/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-train-panel"

#include "fl-train-panel-private.h"
#include "fl-fusion-diagram.h"
#include "fl-i18n.h"
#include "fl-style.h"
#include "fl-ui-util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


G_DEFINE_FINAL_TYPE (FlTrainPanel, fl_train_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_IMAGE_SIZE,
  PROP_IMAGE_FIT,
  PROP_AUGMENT,
  PROP_TASK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  COMPARE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* "All 8 routes", or "5 of 8 routes": of those the data can train */
static void
update_routes_label (FlTrainPanel *self)
{
  FlFusion chosen[FL_N_FUSIONS];
  guint n = fl_train_panel_get_routes (self, chosen), n_all = self->n_offered;
  g_autofree char *label = NULL;

  /* TRANSLATORS: on the button that picks the routes Compare trains */
  label = n == n_all ? g_strdup_printf (_("All %u routes"), n_all) : g_strdup_printf (_("%u of %u routes"), n, n_all);
  gtk_menu_button_set_label (self->routes_button, label);
}

/* The branches the fusion routes fuse: those ticked of the data's, or all
 * of them when fewer than two are. */
static guint
fused_branches (FlTrainPanel *self)
{
  guint fused = self->chosen & self->present;

  return fl_branches_count (fused) >= 2 ? fused : self->present;
}

/* What the route shown reads: the branches fused, or for a baseline those
 * of the data (it ignores all but its own). */
static guint
route_branches (FlTrainPanel *self,
                FlFusion      fusion)
{
  return fl_fusion_single_branch (fusion) >= 0 ? self->present : fused_branches (self);
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
  FlFusion fusion = fl_train_panel_get_fusion (self);
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  fl_fusion_diagram_draw (cr, gtk_widget_get_pango_context (GTK_WIDGET (area)), fusion,
                          route_branches (self, fusion), gtk_spin_button_get_value_as_int (self->rank_spin),
                          width, height, &fg);
}

/* the diagram shows the rank */
static void
rank_changed_cb (FlTrainPanel  *self,
                 GtkSpinButton *spin)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->diagram));
}

static void
fusion_changed_cb (FlTrainPanel *self,
                   GParamSpec   *pspec,
                   GtkDropDown  *dropdown)
{
  _fl_train_panel_fusion_changed (self);
}

void
_fl_train_panel_fusion_changed (FlTrainPanel *self)
{
  FlFusion fusion = fl_train_panel_get_fusion (self);
  guint shown = route_branches (self, fusion);

  /* the matching task has no route: the line explains its loss */
  if (fl_train_panel_get_task (self) == FL_TASK_MATCH)
    {
      FlMatchSettings s;

      fl_train_panel_get_match_settings (self, &s);
      gtk_label_set_text (self->explain_label, fl_match_loss_explain (s.loss));
      return;
    }
  gtk_label_set_text (self->explain_label, fl_fusion_explain_for (fusion, shown));
  gtk_drawing_area_set_content_height (self->diagram, fl_fusion_diagram_height (shown));
  gtk_widget_queue_draw (GTK_WIDGET (self->diagram));
}

/* ---- the modalities --------------------------------------------------------- */

/* The modalities' button and check boxes, from self->chosen and the data:
 * a box per branch the data has, ticked when chosen; the last two ticked
 * cannot be unticked (fusion needs two). */
static void
update_modalities (FlTrainPanel *self)
{
  guint fused = fused_branches (self);
  int n = fl_branches_count (fused), b = 0;
  g_autofree char *title = fl_branches_title (fused);
  g_autofree char *label = fused == self->present ? g_strdup_printf (C_("modalities", "All %d"), n) : g_strdup (title);

  self->updating = TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->modalities_box)); c != NULL;
       c = gtk_widget_get_next_sibling (c), b++)
    {
      gboolean on = (fused & FL_BRANCH_BIT (b)) != 0;

      gtk_widget_set_visible (c, (self->present & FL_BRANCH_BIT (b)) != 0);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (c), on);
      gtk_widget_set_sensitive (c, !(on && n <= 2));
    }
  self->updating = FALSE;
  gtk_menu_button_set_label (self->modalities_button, label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->modalities_button), title);
  /* with two, there is nothing to choose */
  gtk_widget_set_sensitive (GTK_WIDGET (self->modalities_button), fl_branches_count (self->present) > 2);
}

static void
modality_toggled_cb (FlTrainPanel   *self,
                     GtkCheckButton *check)
{
  int b = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (check), "fl-branch"));

  if (self->updating)
    return;
  if (gtk_check_button_get_active (check))
    self->chosen |= FL_BRANCH_BIT (b);
  else
    self->chosen &= ~FL_BRANCH_BIT (b);
  update_modalities (self);
  _fl_train_panel_fusion_changed (self);
  g_signal_emit (self, signals[COMPARE_CHANGED], 0);
}

/* The drop-down offers the routes the data can train, the check boxes of
 * Compare likewise; the route chosen stays if it still can. */
static void
update_offered (FlTrainPanel *self)
{
  FlFusion fusion = fl_train_panel_get_fusion (self);
  g_autoptr(GtkStringList) titles = gtk_string_list_new (NULL);
  const FlFusion *order;
  guint n, i = 0;

  self->n_offered = fl_fusions_possible (self->present, self->offered);
  for (guint k = 0; k < self->n_offered; k++)
    gtk_string_list_append (titles, fl_fusion_title (self->offered[k]));
  gtk_drop_down_set_model (self->fusion_dropdown, G_LIST_MODEL (titles));
  fl_train_panel_set_fusion (self, fusion);
  order = fl_fusions (&n);
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->routes_box)); c != NULL && i < n;
       c = gtk_widget_get_next_sibling (c), i++)
    {
      gtk_widget_set_visible (c, fl_train_route_possible (order[i], self->present));
      gtk_widget_set_tooltip_text (c, fl_fusion_explain_for (order[i], route_branches (self, order[i])));
    }
  update_modalities (self);
  update_routes_label (self);
  _fl_train_panel_fusion_changed (self);
}

static void
branches_changed_cb (FlTrainPanel *self,
                     GParamSpec   *pspec,
                     FlSession    *session)
{
  guint present = fl_session_get_branches (session);

  present = present != 0 ? present : FL_BRANCHES_IMAGE_TEXT;
  if (present == self->present)
    return;
  self->present = present;
  update_offered (self);
  g_signal_emit (self, signals[COMPARE_CHANGED], 0);
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
    case PROP_IMAGE_FIT:
      g_value_set_int (value, fl_train_panel_get_image_fit (self));
      break;
    case PROP_AUGMENT:
      g_value_set_boolean (value, gtk_switch_get_active (self->augment_switch));
      break;
    case PROP_TASK:
      g_value_set_int (value, fl_train_panel_get_task (self));
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
    case PROP_IMAGE_FIT:
      fl_train_panel_set_image_fit (self, g_value_get_int (value));
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
  /* (FlImageFit) */
  properties[PROP_IMAGE_FIT] =
    g_param_spec_int ("image-fit", NULL, NULL, 0, FL_N_IMAGE_FITS - 1, FL_IMAGE_FIT_SQUASH,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* notified when the switch or the seed changes */
  properties[PROP_AUGMENT] =
    g_param_spec_boolean ("augment", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* (FlTask) */
  properties[PROP_TASK] =
    g_param_spec_int ("task", NULL, NULL, FL_TASK_CLASSIFY, FL_TASK_MATCH, FL_TASK_CLASSIFY,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
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
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, modalities_button);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, modalities_box);
  gtk_widget_class_bind_template_callback (widget_class, compare_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, next_run_revealer);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, settings_grid);
  gtk_widget_class_bind_template_callback (widget_class, fusion_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, rank_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, image_size_changed_cb);
  _fl_train_panel_class_add_pictures (widget_class);
  gtk_widget_class_bind_template_callback (widget_class, lr_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, lr_input_cb);

  _fl_train_panel_class_add_task (widget_class);

  gtk_widget_class_set_css_name (widget_class, "trainpanel");
}

static void
fl_train_panel_init (FlTrainPanel *self)
{
  const FlFusion *order;
  guint n;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* a check box per route for Compare, every one ticked; those the data
   * cannot train hidden */
  order = fl_fusions (&n);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (fl_fusion_title (order[i]));

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      g_signal_connect_object (check, "toggled", G_CALLBACK (compare_changed_cb), self, G_CONNECT_SWAPPED);
      gtk_box_append (self->routes_box, check);
    }
  /* a check box per modality, every one ticked */
  for (int b = 0; b < FL_N_BRANCHES; b++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (fl_branch_title (b));

      g_object_set_data (G_OBJECT (check), "fl-branch", GINT_TO_POINTER (b));
      g_signal_connect_object (check, "toggled", G_CALLBACK (modality_toggled_cb), self, G_CONNECT_SWAPPED);
      gtk_box_append (self->modalities_box, check);
    }
  self->chosen = FL_BRANCHES_ALL;
  self->present = FL_BRANCHES_IMAGE_TEXT;
  gtk_drawing_area_set_draw_func (self->diagram, draw_diagram, self, NULL);
  update_offered (self);
  _fl_train_panel_init_task (self);
  _fl_train_panel_init_start (self);
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
  settings->augment = gtk_switch_get_active (self->augment_switch);
  /* 0: every branch of the data, whatever data it trains on */
  settings->branches = fused_branches (self) != self->present ? fused_branches (self) : 0;
  _fl_train_panel_get_start (self, settings);
  _fl_train_panel_get_text (self, settings);
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
  gtk_switch_set_active (self->augment_switch, settings->augment);
  self->chosen = settings->branches != 0 ? settings->branches : FL_BRANCHES_ALL;
  update_modalities (self);
  _fl_train_panel_set_start (self, settings);
  _fl_train_panel_set_text (self, settings);
  _fl_train_panel_fusion_changed (self);
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
  guint pos;

  g_return_val_if_fail (FL_IS_TRAIN_PANEL (self), FL_FUSION_CONCAT);

  pos = gtk_drop_down_get_selected (self->fusion_dropdown);
  return pos < self->n_offered ? self->offered[pos] : FL_FUSION_CONCAT;
}

void
fl_train_panel_set_fusion (FlTrainPanel *self,
                           FlFusion      fusion)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));

  for (guint i = 0; i < self->n_offered; i++)
    if (self->offered[i] == fusion)
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
  /* the note is of Compare, which the matching task does not have */
  gtk_widget_set_visible (GTK_WIDGET (self->compare_label),
                          note != NULL && note[0] != '\0' && fl_train_panel_get_task (self) != FL_TASK_MATCH);
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
    if (gtk_widget_get_visible (c) && gtk_check_button_get_active (GTK_CHECK_BUTTON (c)))
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

void
fl_train_panel_set_session (FlTrainPanel *self,
                            FlSession    *session)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  g_return_if_fail (FL_IS_SESSION (session));

  g_signal_connect_object (session, "notify::branches", G_CALLBACK (branches_changed_cb), self,
                           G_CONNECT_SWAPPED);
  branches_changed_cb (self, NULL, session);
}

guint
fl_train_panel_get_offered (FlTrainPanel *self,
                            FlFusion      fusions[FL_N_FUSIONS])
{
  g_return_val_if_fail (FL_IS_TRAIN_PANEL (self), 0);

  memcpy (fusions, self->offered, self->n_offered * sizeof *fusions);
  return self->n_offered;
}

void
fl_train_panel_set_modalities (FlTrainPanel *self,
                               guint         branches)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));

  self->chosen = branches != 0 ? branches : FL_BRANCHES_ALL;
  update_modalities (self);
  _fl_train_panel_fusion_changed (self);
  g_signal_emit (self, signals[COMPARE_CHANGED], 0);
}

guint
fl_train_panel_get_modalities (FlTrainPanel *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_PANEL (self), 0);
  return fused_branches (self);
}

GtkCheckButton *
fl_train_panel_get_modality_check (FlTrainPanel *self,
                                   FlBranch      branch)
{
  GtkWidget *c;
  int b = 0;

  g_return_val_if_fail (FL_IS_TRAIN_PANEL (self), NULL);

  for (c = gtk_widget_get_first_child (GTK_WIDGET (self->modalities_box)); c != NULL && b < (int) branch;
       c = gtk_widget_get_next_sibling (c))
    b++;
  return c != NULL ? GTK_CHECK_BUTTON (c) : NULL;
}

const char *
fl_train_panel_get_explanation (FlTrainPanel *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_PANEL (self), NULL);
  return gtk_label_get_text (self->explain_label);
}
