/* SPDX-License-Identifier: MIT
 *
 * fl-validation.h — what a trained run predicted on its validation split:
 * which dataset rows, their true classes and the class probabilities, with
 * the class names. Each run of a comparison keeps one and the experiment file
 * stores it, so a reopened experiment still shows its confusion matrix, its
 * per-class table and its galleries of samples.
 */
#pragma once

#include "fl-dataset.h"
#include "fl-metrics.h"

G_BEGIN_DECLS

typedef struct {
  int     n;             /* validation samples */
  int     n_classes;
  char  **class_names;   /* n_classes, NULL-terminated */
  gint32 *rows;          /* (n) dataset rows */
  gint32 *labels;        /* (n) true classes */
  float  *probs;         /* (n, n_classes) */
} FlValidation;

/* Zeroed rows, labels and probabilities for n samples of these classes. */
FlValidation *fl_validation_new (int n, const char *const *class_names);
FlValidation *fl_validation_copy (const FlValidation *v);
void          fl_validation_free (FlValidation *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlValidation, fl_validation_free)

/* The class predicted for sample k — the first of the most probable — and,
 * if confidence is not NULL, its probability. */
int        fl_validation_predicted (const FlValidation *v, int k, float *confidence);

/* The confusion counts and per-class figures of these predictions. */
FlMetrics *fl_validation_metrics (const FlValidation *v);

/* Whether ds is the data these predictions were made on: the same classes,
 * every row in range and of the same class. If not, a FL_ENGINE_ERROR_DATA
 * says what differs. */
gboolean   fl_validation_matches (const FlValidation *v, const FlDataset *ds, GError **error);

/* Why fusion wins, sample by sample: a fusion run against the two unimodal
 * baselines (image-only, text-only) validated on the same samples. Appends
 * to rescued_rows the dataset rows (gint32) that fusion got right and both
 * baselines got wrong, and to hurt_rows those fusion got wrong while at
 * least one baseline got them right, each in validation order; either
 * array may be NULL. "Right" is fl_validation_predicted() equal to the
 * label. A FL_ENGINE_ERROR_INVALID, with nothing appended, when the three
 * were not validated on the same rows in the same order with the same
 * labels and classes. */
gboolean   fl_validation_compare_fusion (const FlValidation *fusion,
                                         const FlValidation *image,
                                         const FlValidation *text,
                                         GArray             *rescued_rows,
                                         GArray             *hurt_rows,
                                         GError            **error);
/* The same against any number of baselines (one per branch fused, say):
 * rescued are the rows fusion got right and every baseline wrong, hurt
 * those it got wrong and at least one baseline right. names[b] names
 * baseline b in the error ("audio-only"). */
gboolean   fl_validation_compare_baselines (const FlValidation        *fusion,
                                            const FlValidation *const *baselines,
                                            const char *const         *names,
                                            int                        n_baselines,
                                            GArray                    *rescued_rows,
                                            GArray                    *hurt_rows,
                                            GError                   **error);

G_END_DECLS
