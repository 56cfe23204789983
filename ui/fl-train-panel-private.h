/* SPDX-License-Identifier: MIT
 *
 * fl-train-panel-private.h — shared by fl-train-panel.c (the classifier's
 * settings) and fl-train-panel-task.c (the task, and the matching task's
 * settings).
 */
#pragma once

#include "fl-train-panel.h"

struct _FlTrainPanel {
  GtkWidget      parent_instance;

  GtkDropDown   *task_dropdown;
  GtkDropDown   *loss_dropdown;
  GtkSpinButton *embed_spin;
  GtkDropDown   *fusion_dropdown;
  GtkLabel      *explain_label;
  GtkSpinButton *image_size_spin;
  GtkDropDown   *fit_dropdown;
  GtkSwitch     *augment_switch;
  GtkSpinButton *feat_dim_spin;
  GtkSpinButton *epochs_spin;
  GtkSpinButton *batch_spin;
  GtkSpinButton *lr_spin;
  GtkSpinButton *val_spin;
  GtkSpinButton *seed_spin;
  GtkSpinButton *dropout_spin;
  GtkSpinButton *rank_spin;
  GtkDropDown   *text_encoder_dropdown;   /* FlTextEncoder, in its order */
  GtkSpinButton *folds_spin;
  GtkSpinButton *repeats_spin;
  GtkLabel      *compare_label;
  GtkMenuButton *routes_button;
  GtkDrawingArea *diagram;
  GtkBox        *routes_box;
  GtkMenuButton *modalities_button;
  GtkBox        *modalities_box;
  GtkRevealer   *next_run_revealer;
  GtkGrid       *settings_grid;
  GtkButton     *start_button;   /* "Start from": fl-train-panel-start.c */
  GtkButton     *start_clear;
  GtkCheckButton *freeze_image;
  GtkCheckButton *freeze_text;
  const char    *start_path;     /* interned, or NULL: fresh weights */

  guint          present;        /* the branches of the data (image and
                                  * text without data) */
  guint          chosen;         /* the modalities ticked, of any data */
  FlFusion       offered[FL_N_FUSIONS];   /* the drop-down's routes */
  guint          n_offered;
  gboolean       updating;       /* the widgets are being set from code */
};

/* fl-train-panel.c: the explanation beneath the route (or the loss) and
 * its diagram, for the fusion chosen */
void _fl_train_panel_fusion_changed (FlTrainPanel *self);

/* fl-train-panel-task.c */
void _fl_train_panel_class_add_task (GtkWidgetClass *widget_class);
void _fl_train_panel_init_task      (FlTrainPanel   *self);
/* The text encoder of the settings, which either task takes. */
void _fl_train_panel_get_text       (FlTrainPanel          *self,
                                     FlTrainSettings       *settings);
void _fl_train_panel_set_text       (FlTrainPanel          *self,
                                     const FlTrainSettings *settings);

/* fl-train-panel-pictures.c: picture fit and augmentation */
void _fl_train_panel_class_add_pictures (GtkWidgetClass *widget_class);

/* fl-train-panel-start.c */
void _fl_train_panel_init_start (FlTrainPanel          *self);
void _fl_train_panel_get_start  (FlTrainPanel          *self,
                                 FlTrainSettings       *settings);
void _fl_train_panel_set_start  (FlTrainPanel          *self,
                                 const FlTrainSettings *settings);
