/* SPDX-License-Identifier: MIT
 *
 * fl-evaluation.h — a saved model tested on another labelled dataset
 * (issue 18: "testing on other data"): the model's predictions on every
 * sample whose class it knows, as a validation (fl-validation.h: the
 * confusion matrix, the per-class figures and the galleries read it), and
 * the classes of the data that the model does not know, with their counts
 * — those samples are left out of accuracy and said so, never dropped
 * silently.
 */
#pragma once

#include "fl-dataset.h"
#include "fl-predictor.h"
#include "fl-validation.h"

G_BEGIN_DECLS

typedef struct {
  FlValidation *validation;      /* over the known-class samples: rows of the
                                  * dataset, labels and classes the model's */
  int           n_samples;       /* the dataset's usable samples */
  int           n_unknown;       /* of classes the model does not know */
  char        **unknown_classes; /* their names, NULL-terminated */
  int          *unknown_counts;  /* samples of each */
} FlEvaluation;

void fl_evaluation_free (FlEvaluation *ev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlEvaluation, fl_evaluation_free)

/* The spec to load test data for pred: its image size, fit and numeric
 * columns, and its sound column (detected, or none when the model has no
 * sound) into spec, whose other fields (folders, columns, threads) the
 * caller sets. */
void fl_evaluation_spec (FlPredictor *pred,
                         FlDataSpec  *spec);

/* Predicts every sample of ds (loaded as fl_evaluation_spec() says) and
 * sorts them by whether the model knows their class. A FL_ENGINE_ERROR_DATA
 * when ds lacks a branch the model reads, or when the model knows none of
 * its classes (naming some of each). */
FlEvaluation *fl_evaluation_run (FlPredictor     *pred,
                                 const FlDataset *ds,
                                 GError         **error);

/* The metrics of the known-class samples (fl_validation_metrics()). */
FlMetrics *fl_evaluation_metrics (const FlEvaluation *ev);

/* "2 classes the model does not know: bird (12), fish (3) — their 15
 * samples are left out of accuracy", or NULL when there are none. */
char *fl_evaluation_unknown_note (const FlEvaluation *ev);

G_END_DECLS
