/* SPDX-License-Identifier: MIT
 *
 * fl-style.h — the shared vocabulary of every view: the Okabe–Ito palette
 * and two of Paul Tol's colours (told apart by colour-blind viewers too),
 * the colours and words of the modalities, the names and plain-language
 * explanations of the fusion methods, the metrics and the run states, and
 * the style sheet, whose colour rules are generated from the palette.
 *
 * Every string returned is static: never free it.
 */
#pragma once

#include <gio/gio.h>

#include "fl-compare.h"
#include "fl-matcher.h"

G_BEGIN_DECLS

/* Only the style sheet and fl_color_rgba() need GTK: the session, which is
 * GIO only, uses the rest. */
typedef struct _GdkRGBA GdkRGBA;
typedef struct _GdkDisplay GdkDisplay;

/* The palette, in the order runs take it: one colour per route, for all
 * ten. */
typedef enum {
  FL_COLOR_BLUE,
  FL_COLOR_VERMILLION,
  FL_COLOR_GREEN,
  FL_COLOR_PURPLE,
  FL_COLOR_ORANGE,
  FL_COLOR_SKY,
  FL_COLOR_YELLOW,
  FL_COLOR_BLACK,
  FL_COLOR_GREY,
  FL_COLOR_WINE,
  FL_N_COLORS
} FlColor;

/* What each colour is for: the training curves blue, the validation
 * curves vermillion (they also differ in dash and marker), the per-batch
 * loss sky blue, and the accent (bars, tags, the drop highlight) blue. */
#define FL_COLOR_TRAIN  FL_COLOR_BLUE
#define FL_COLOR_VAL    FL_COLOR_VERMILLION
#define FL_COLOR_BATCH  FL_COLOR_SKY
#define FL_COLOR_ACCENT FL_COLOR_BLUE

/* "#0072B2" */
const char     *fl_color_hex            (FlColor          color);
/* The colour as a GdkRGBA, opaque. */
void            fl_color_rgba           (FlColor          color,
                                         GdkRGBA         *rgba);
/* Run i's colour: the palette, in turn. */
const char     *fl_run_color            (int              i);
/* The CSS class that paints run i's check box in its colour
 * ("fl-run-color-3"). */
const char     *fl_run_color_class      (int              i);

/* The fusion methods and baselines in the order the training panel
 * offers them: every one. */
const FlFusion *fl_fusions              (guint           *n_fusions);
/* Those of them that data with the branches present can train
 * (fl_train_route_possible()), in that order, into out; returns how many:
 * for image and text, the first eight. */
guint           fl_fusions_possible     (guint            present,
                                         FlFusion         out[FL_N_FUSIONS]);
/* Its name as the drop-down shows it ("Concatenate"). */
const char     *fl_fusion_title         (FlFusion         fusion);
/* Its name in a narrow table column ("Concat"). */
const char     *fl_fusion_short_title   (FlFusion         fusion);
/* One sentence on what it does, for people new to it, about the picture
 * and the words. */
const char     *fl_fusion_explain       (FlFusion         fusion);
/* The same about a set of branches (a mask of FL_BRANCH_BIT()s): those a
 * fusion route fuses, or, for a baseline, those the data has (which it
 * ignores but for its own). 0 and image + text give fl_fusion_explain(). */
const char     *fl_fusion_explain_for   (FlFusion         fusion,
                                         guint            branches);

/* A branch's colour wherever it is drawn: the picture orange, the words
 * blue, the sound green, the numbers purple. */
FlColor         fl_branch_color         (FlBranch         branch);
/* "Picture", "Words", "Sound", "Numbers" */
const char     *fl_branch_title         (FlBranch         branch);
/* "the picture", "the words", "the sound", "the numbers" */
const char     *fl_branch_noun          (FlBranch         branch);
/* "the pictures", "the words", "the sound", "the numbers": what a
 * baseline learns from */
const char     *fl_branch_plural        (FlBranch         branch);
/* "Picture + Sound": the titles of a set of branches; a new string. */
char           *fl_branches_title       (guint            branches);

/* A sentence a teacher could read out about a metric: "accuracy",
 * "macro-f1", "best-epoch", "time", "parameters", "loss"; "" otherwise. */
const char     *fl_metric_explain       (const char      *metric);

/* A loss of the matching task as the drop-down says it ("InfoNCE"), and a
 * sentence on what it does; by the engine's name of it, so that a loss
 * added to the engine has at least that name. */
const char     *fl_match_loss_title     (FlMatchLoss      loss);
const char     *fl_match_loss_explain   (FlMatchLoss      loss);
/* "Waiting", "Training", "Done", "Failed", "Stopped" */
const char     *fl_run_status_title     (FlRunStatus      status);

/* A duration as the status line says it: "1:05", "12:40", "2:03:07";
 * "—" for a value no clock gives (a hand-edited experiment). */
char           *fl_format_duration      (double           seconds);

/* The style sheet: the palette's rules, generated, then style.css. */
char           *fl_style_get_css        (void);
/* Loads it for a display, once. */
void            fl_style_load           (GdkDisplay      *display);

G_END_DECLS
