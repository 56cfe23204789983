/* SPDX-License-Identifier: MIT
 *
 * fl-predictor-private.h — the predictor, shared by its files:
 * fl-predictor.c (model files) and fl-predictor-predict.c (predicting).
 */
#pragma once

#include "fl-predictor.h"

struct FlPredictor {
  FlModel      *model;
  FlVocab      *vocab;
  char        **class_names;
  FlInputStats  stats;
};

/* What model files of every kind share, in fl-predictor.c. A matching
 * model (fl-embedder-file.c) is a model file, its "task" "match" in
 * __metadata__, and its own tensors under "match."; a classifier's file
 * has no "task" (or "classify"). */
typedef enum {
  FL_MODEL_FILE_CLASSIFIER,
  FL_MODEL_FILE_MATCHER,
} FlModelFileKind;

/* fl_model_file_save(), plus the metadata extra_metadata (string to
 * string, may be NULL) and the tensors extra[0..n_extra). */
G_GNUC_INTERNAL gboolean _fl_model_file_write (const char         *path,
                                               FlModel            *model,
                                               const FlVocab      *vocab,
                                               const char *const  *class_names,
                                               const FlInputStats *stats,
                                               GHashTable         *extra_metadata,
                                               const FlStTensor   *extra,
                                               int                 n_extra,
                                               GError            **error);

/* The model file st, read from path, with every check of
 * fl_predictor_load(); a file of another kind than kind is a
 * FL_ENGINE_ERROR_FORMAT saying what it is. A matching model's "match."
 * tensors are left to the caller. */
G_GNUC_INTERNAL FlPredictor *_fl_model_file_read (FlSafetensors  *st,
                                                  const char     *path,
                                                  FlModelFileKind kind,
                                                  GError        **error);

/* Sets "PATH: not a Fusion Lab model file: WHAT" (FL_ENGINE_ERROR_FORMAT);
 * returns FALSE. */
G_GNUC_INTERNAL gboolean _fl_model_file_fail (GError **error, const char *path, const char *what);
