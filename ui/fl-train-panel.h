/* SPDX-License-Identifier: MIT
 *
 * fl-train-panel.h — the model and training settings: the fusion method,
 * with a plain-language line and a diagram of what it does, the
 * modalities it fuses, and the numbers of a run.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-matcher.h"
#include "fl-session.h"
#include "fl-trainer.h"

G_BEGIN_DECLS

#define FL_TYPE_TRAIN_PANEL (fl_train_panel_get_type ())
G_DECLARE_FINAL_TYPE (FlTrainPanel, fl_train_panel, FL, TRAIN_PANEL, GtkWidget)

/* What a run learns: the classifier of the fusion routes, or the shared
 * space of pictures and words (fl-matcher.h). */
typedef enum {
  FL_TASK_CLASSIFY,
  FL_TASK_MATCH,
} FlTask;

GtkWidget  *fl_train_panel_new            (void);

/* The task chosen (property "task"): with Match, the routes, modalities,
 * modality dropout, rank and Compare's settings are hidden, and the loss
 * and the shared space's dimension shown (fl-train-panel-task.c). */
FlTask      fl_train_panel_get_task       (FlTrainPanel          *self);
void        fl_train_panel_set_task       (FlTrainPanel          *self,
                                           FlTask                 task);
/* The matching task's settings as chosen: the loss, E and the numbers it
 * shares with a classifier (epochs, batch, rate, validation share, seed,
 * feature size). */
void        fl_train_panel_get_match_settings (FlTrainPanel      *self,
                                           FlMatchSettings       *settings);
void        fl_train_panel_set_match_loss (FlTrainPanel          *self,
                                           FlMatchLoss            loss);

/* The settings as chosen; the rest are the engine's defaults. */
void        fl_train_panel_get_settings   (FlTrainPanel          *self,
                                           FlTrainSettings       *settings);
/* Shows these settings (those the panel has), e.g. a reopened experiment's. */
void        fl_train_panel_set_settings   (FlTrainPanel          *self,
                                           const FlTrainSettings *settings);
int         fl_train_panel_get_image_size (FlTrainPanel          *self);
void        fl_train_panel_set_image_size (FlTrainPanel          *self,
                                           int                    image_size);
/* How pictures are fitted to the image size (property "image-fit"). */
FlImageFit  fl_train_panel_get_image_fit  (FlTrainPanel          *self);
void        fl_train_panel_set_image_fit  (FlTrainPanel          *self,
                                           FlImageFit             fit);
/* Whether training augments the pictures (FlTrainSettings.augment). */
void        fl_train_panel_set_augment    (FlTrainPanel          *self,
                                           gboolean               augment);
void        fl_train_panel_set_epochs     (FlTrainPanel          *self,
                                           int                    epochs);
void        fl_train_panel_set_batch_size (FlTrainPanel          *self,
                                           int                    batch_size);
FlFusion    fl_train_panel_get_fusion     (FlTrainPanel          *self);
void        fl_train_panel_set_fusion     (FlTrainPanel          *self,
                                           FlFusion               fusion);

/* Offers the routes and modalities of the session's data (property
 * "branches"; without data, those of image and text). */
void        fl_train_panel_set_session    (FlTrainPanel          *self,
                                           FlSession             *session);
/* The routes the drop-down offers, in its order; returns how many. */
guint       fl_train_panel_get_offered    (FlTrainPanel          *self,
                                           FlFusion               fusions[FL_N_FUSIONS]);
/* The modalities the fusion routes fuse: those ticked of the data's (all
 * of them at first: set 0 for all). The settings say 0 when they are all
 * the data has. */
void        fl_train_panel_set_modalities (FlTrainPanel          *self,
                                           guint                  branches);
guint       fl_train_panel_get_modalities (FlTrainPanel          *self);
/* The check box of a modality in the Modalities menu (hidden when the
 * data lacks it), as the user would use it; the route's explanation. */
GtkCheckButton *fl_train_panel_get_modality_check (FlTrainPanel  *self,
                                                 FlBranch       branch);
const char *fl_train_panel_get_explanation (FlTrainPanel         *self);

/* While a run trains, says that changes apply to the next one. */
void        fl_train_panel_set_running    (FlTrainPanel          *self,
                                           gboolean               running);

/* Compare: the stratified folds every fusion trains on (1: one split, by
 * the validation share) and how many times with other shuffles; and a note
 * beneath them (what it will cost). Signal ::compare-changed. */
int         fl_train_panel_get_folds      (FlTrainPanel          *self);
int         fl_train_panel_get_repeats    (FlTrainPanel          *self);
void        fl_train_panel_set_compare    (FlTrainPanel          *self,
                                           int                    folds,
                                           int                    repeats);
void        fl_train_panel_set_compare_note (FlTrainPanel        *self,
                                           const char            *note);
/* The routes ticked for Compare (all at first) of those the data can
 * train, in the menu's order, into fusions; returns how many. */
guint       fl_train_panel_get_routes     (FlTrainPanel          *self,
                                           FlFusion               fusions[FL_N_FUSIONS]);
void        fl_train_panel_set_route      (FlTrainPanel          *self,
                                           FlFusion               fusion,
                                           gboolean               chosen);

/* The model file a run's branches start from (NULL: fresh weights), and
 * the branches it keeps fixed (a mask of FL_BRANCH_BIT; only with a file):
 * fl-train-panel-start.c */
void        fl_train_panel_set_start      (FlTrainPanel          *self,
                                           const char            *path);
const char *fl_train_panel_get_start      (FlTrainPanel          *self);
void        fl_train_panel_set_frozen     (FlTrainPanel          *self,
                                           guint                  branches);

G_END_DECLS
