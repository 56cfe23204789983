/* SPDX-License-Identifier: MIT
 *
 * fl-experiment.h — an experiment file: where the data is, how its columns
 * are mapped, the settings, and every run of a comparison with its results
 * and curves, as JSON. Reopening it shows the comparison exactly as it was;
 * the data is loaded again only to train more.
 */
#pragma once

#include "fl-compare.h"

G_BEGIN_DECLS

typedef struct {
  char *images_dir;
  char *csv_path;
  char *image_col;    /* NULL: detected */
  char *text_col;
  char *label_col;    /* NULL: detected; "": folder names */
  int   image_size;
  guint64 samples;    /* the data's fingerprint (FlDataset); 0: unknown */
} FlExperimentData;

void fl_experiment_data_clear (FlExperimentData *data);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FlExperimentData, fl_experiment_data_clear)

/* Writes data, the comparison's base settings and every run, atomically. */
gboolean fl_experiment_save (const char             *path,
                             const FlExperimentData *data,
                             FlComparison           *cmp,
                             GError                **error);

/* Reads an experiment file into data and a new comparison (without a
 * dataset: give it one with fl_comparison_set_dataset() to train more).
 * A corrupt file is a FL_ENGINE_ERROR_FORMAT naming the file. */
FlComparison *fl_experiment_load (const char        *path,
                                  FlExperimentData  *data,
                                  GError           **error);

G_END_DECLS
