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
  char *audio_col;    /* NULL: detected; "": none (files from before sound) */
  char **numeric_cols; /* NULL-terminated; NULL: none */
  int   image_size;
  FlImageFit image_fit; /* squash in files from before fits */
  guint64 samples;    /* the data's fingerprint (FlDataset); 0: unknown */
} FlExperimentData;

void fl_experiment_data_clear (FlExperimentData *data);
/* The files and columns ds was read with, its image size and fingerprint
 * (what was in data is cleared first). */
void fl_experiment_data_from_dataset (FlExperimentData *data, FlDataset *ds);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FlExperimentData, fl_experiment_data_clear)

/* Writes data, the comparison's base settings and every run, atomically.
 * shown has fl_comparison_n_runs (cmp) entries: whether each run's curves
 * are shown in the app (NULL: all shown). */
gboolean fl_experiment_save (const char             *path,
                             const FlExperimentData *data,
                             FlComparison           *cmp,
                             const gboolean         *shown,
                             GError                **error);

/* Reads an experiment file into data and a new comparison (without a
 * dataset: give it one with fl_comparison_set_dataset() to train more).
 * With shown not NULL, *shown receives whether each run's curves were shown,
 * a new array of fl_comparison_n_runs() entries (g_free it; NULL with no
 * runs or on failure); files written before it was kept say shown.
 * A corrupt file is a FL_ENGINE_ERROR_FORMAT naming the file. */
FlComparison *fl_experiment_load (const char        *path,
                                  FlExperimentData  *data,
                                  gboolean         **shown,
                                  GError           **error);

G_END_DECLS
