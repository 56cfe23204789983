/* SPDX-License-Identifier: MIT
 *
 * The training panel's task: Classify or Match pictures and words, what
 * each shows of the panel, and the matching task's settings; and the text
 * encoder, which both tasks take.
 */
#define G_LOG_DOMAIN "fl-train-panel"

#include "fl-train-panel-private.h"
#include "fl-i18n.h"

#include "fl-style.h"

/* The widgets that mean something to the classifier alone; their labels
 * follow their visibility (bound in the .ui). The picture fit and Augment
 * are both tasks': a matching run augments its training pairs too. */
static guint
classify_widgets (FlTrainPanel *self,
                  GtkWidget    *widgets[10])
{
  guint k = 0;

  widgets[k++] = GTK_WIDGET (self->fusion_dropdown);
  widgets[k++] = GTK_WIDGET (self->modalities_button);
  widgets[k++] = GTK_WIDGET (self->diagram);
  widgets[k++] = GTK_WIDGET (self->dropout_spin);
  widgets[k++] = GTK_WIDGET (self->rank_spin);
  widgets[k++] = GTK_WIDGET (self->folds_spin);
  widgets[k++] = GTK_WIDGET (self->repeats_spin);
  widgets[k++] = GTK_WIDGET (self->routes_button);
  widgets[k++] = GTK_WIDGET (self->compare_label);
  return k;
}

static void
task_changed_cb (FlTrainPanel *self,
                 GParamSpec   *pspec,
                 GtkDropDown  *dropdown)
{
  gboolean match = fl_train_panel_get_task (self) == FL_TASK_MATCH;
  GtkWidget *widgets[10];
  guint n = classify_widgets (self, widgets);

  for (guint i = 0; i < n; i++)
    gtk_widget_set_visible (widgets[i], !match);
  /* the note of Compare only when there is one */
  if (!match && gtk_label_get_text (self->compare_label)[0] == '\0')
    gtk_widget_set_visible (GTK_WIDGET (self->compare_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->loss_dropdown), match);
  gtk_widget_set_visible (GTK_WIDGET (self->embed_spin), match);
  _fl_train_panel_fusion_changed (self);
  g_object_notify (G_OBJECT (self), "task");
}

static void
loss_changed_cb (FlTrainPanel *self,
                 GParamSpec   *pspec,
                 GtkDropDown  *dropdown)
{
  _fl_train_panel_fusion_changed (self);
}

void
_fl_train_panel_class_add_task (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, task_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, loss_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, embed_spin);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, text_encoder_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, task_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, loss_changed_cb);
}

void
_fl_train_panel_init_task (FlTrainPanel *self)
{
  g_autoptr(GtkStringList) losses = gtk_string_list_new (NULL);

  /* every loss the engine has, in its order */
  for (int l = 0; l < FL_N_MATCH_LOSSES; l++)
    gtk_string_list_append (losses, fl_match_loss_title (l));
  gtk_drop_down_set_model (self->loss_dropdown, G_LIST_MODEL (losses));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->loss_dropdown),
                               _("InfoNCE: each picture pulled to its own words and pushed from the others' (CLIP); "
                                 "VSE++ hinge: each true pair must beat its hardest wrong partner by a margin; "
                                 "Mapping: y = f(x), the picture's side regresses the words' fixed side"));
}

FlTask
fl_train_panel_get_task (FlTrainPanel *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_PANEL (self), FL_TASK_CLASSIFY);
  return gtk_drop_down_get_selected (self->task_dropdown) == 1 ? FL_TASK_MATCH : FL_TASK_CLASSIFY;
}

void
fl_train_panel_set_task (FlTrainPanel *self,
                         FlTask        task)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  gtk_drop_down_set_selected (self->task_dropdown, task == FL_TASK_MATCH ? 1 : 0);
}

void
fl_train_panel_get_match_settings (FlTrainPanel    *self,
                                   FlMatchSettings *settings)
{
  guint loss;

  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  g_return_if_fail (settings != NULL);

  fl_match_settings_init_default (settings);
  fl_train_panel_get_settings (self, &settings->train);
  /* what matching takes of the classifier's settings (fl-matcher.h) */
  settings->train.fusion = FL_FUSION_CONCAT;
  settings->train.branches = FL_BRANCHES_IMAGE_TEXT;
  settings->train.modality_dropout = 0.0;
  loss = gtk_drop_down_get_selected (self->loss_dropdown);
  settings->loss = loss < FL_N_MATCH_LOSSES ? (FlMatchLoss) loss : FL_MATCH_LOSS_INFONCE;
  settings->embed_dim = gtk_spin_button_get_value_as_int (self->embed_spin);
  /* mapping regresses the text side's projection: a target kept fixed (a
   * learning one would meet f(x) halfway), with the engine's cosine loss */
  if (settings->loss == FL_MATCH_LOSS_MAPPING)
    settings->frozen = FL_BRANCH_BIT (FL_BRANCH_TEXT);
  /* a side kept fixed keeps its projection fixed too */
  else
    settings->frozen = settings->train.freeze;
}

void
fl_train_panel_set_match_loss (FlTrainPanel *self,
                               FlMatchLoss   loss)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  gtk_drop_down_set_selected (self->loss_dropdown, (guint) loss);
}

void
_fl_train_panel_get_text (FlTrainPanel    *self,
                          FlTrainSettings *settings)
{
  guint i = gtk_drop_down_get_selected (self->text_encoder_dropdown);

  /* the items: a bag of words, a GRU's last state, a GRU's mean state */
  settings->text_encoder = i == 1 || i == 2 ? FL_TEXT_GRU : FL_TEXT_BOW;
  settings->text_pool = i == 2 ? FL_TEXT_POOL_MEAN : FL_TEXT_POOL_LAST;
}

void
_fl_train_panel_set_text (FlTrainPanel          *self,
                          const FlTrainSettings *settings)
{
  guint i = 0;

  if (settings->text_encoder == FL_TEXT_GRU)
    i = settings->text_pool == FL_TEXT_POOL_MEAN ? 2 : 1;
  gtk_drop_down_set_selected (self->text_encoder_dropdown, i);
}
