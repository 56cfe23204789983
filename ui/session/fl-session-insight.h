/* SPDX-License-Identifier: MIT
 *
 * fl-session-insight.h — why fusion wins (issue 12), the session's part:
 * for the run whose results are shown, the samples it rescued from the
 * baselines of its branches on the same split (image-only, text-only, …;
 * and those it hurt), how much it leans on each modality, and 2-D maps of its features. The model
 * is run over the validation split in a worker thread (GTask), cancelled
 * when the shown run changes or runs start training; a reopened run has no
 * model, so only what its stored predictions tell is given.
 *
 * Included by fl-session.h.
 */
#pragma once

#include "fl-session.h"
#include "fl-insight.h"

G_BEGIN_DECLS

/* What the shown run's results come from; immutable once delivered. */
typedef struct {
  int         run;            /* the run it is about */
  char       *run_name;
  FlFusion    fusion;
  int         n;              /* validation samples */
  int         n_classes;
  char      **class_names;    /* n_classes, NULL-terminated */
  gint32     *rows;           /* (n) dataset rows, in validation order */
  gint32     *labels;         /* (n) true classes */
  gint32     *predicted;      /* (n) the classes the run gave them */
  /* against the baselines of the branches it fused (image-only, text-only,
   * …) on the same data and split (fl_validation_compare_baselines()):
   * compared holds those branches and baseline_run their runs, -1 for the
   * others; when a baseline is missing (or the run is one), compared is 0
   * and rescued and hurt are NULL */
  guint       compared;
  int         baseline_run[FL_N_BRANCHES];
  GArray     *rescued;        /* of gint32: dataset rows, validation order */
  GArray     *hurt;           /* of gint32: dataset rows, validation order */
  /* what it loses without each modality (fl_run_reliance()); needs the
   * model */
  gboolean    has_reliance;
  FlReliance  reliance;
  /* its feature maps by FlFeatureKind (fl_run_feature_map()): (n, 2),
   * point k being sample k, with each axis's share of the variance; NULL
   * for a branch its route does not have, or without a model */
  float      *maps[FL_N_FEATURE_MAPS];
  double      explained[FL_N_FEATURE_MAPS][2];
  /* for a gated run with its model, what its gate trusts
   * (fl_run_gate_weights()): gate_branches the branches it weighs, the
   * mean weight of each per class ((n_classes, FL_N_BRANCHES); for image
   * and text the picture's weight is the gate z: 1 the picture, 0 the
   * words) and the histograms of the samples' weights ((FL_N_BRANCHES,
   * FL_GATE_BINS)); gate_mean NULL otherwise */
  guint       gate_branches;
  double     *gate_mean;
  guint       gate_hist[FL_N_BRANCHES * FL_GATE_BINS];
  /* NULL, or a sentence on what is missing and why */
  char       *note;
  /*< private >*/
  gatomicrefcount ref_count;
} FlInsight;

#define FL_TYPE_INSIGHT (fl_insight_get_type ())
GType          fl_insight_get_type           (void) G_GNUC_CONST;
FlInsight     *fl_insight_ref                (FlInsight        *insight);
void           fl_insight_unref              (FlInsight        *insight);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlInsight, fl_insight_unref)

/* The shown run's insight, for the views to listen to. Properties:
 * "insight" (FlInsight, or NULL), "busy" (being worked out), "message"
 * (what is under way, why there is none, or the insight's note). */
#define FL_TYPE_SESSION_INSIGHT (fl_session_insight_get_type ())
G_DECLARE_FINAL_TYPE (FlSessionInsight, fl_session_insight, FL, SESSION_INSIGHT, GObject)

/* The session's, made on the first call — until then nothing is worked
 * out; owned by the session. */
FlSessionInsight *fl_session_get_insight          (FlSession        *session);
/* The insight of the shown run, or NULL (none, or being worked out). */
FlInsight        *fl_session_insight_get_insight  (FlSessionInsight *self);
gboolean          fl_session_insight_get_busy     (FlSessionInsight *self);
const char       *fl_session_insight_get_message  (FlSessionInsight *self);

G_END_DECLS
