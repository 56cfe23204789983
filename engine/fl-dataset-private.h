/* SPDX-License-Identifier: MIT
 *
 * fl-dataset-private.h — engine-internal: what the dataset's three files
 * share. fl-dataset.c holds the dataset itself (its memory, classes,
 * fingerprint and summary), fl-dataset-columns.c the CSV's columns (their
 * roles, detection and the numeric ones), fl-dataset-load.c the loading of
 * a folder and a CSV.
 */
#pragma once

#include "fl-dataset.h"

G_BEGIN_DECLS

/* A dataset of room for n samples, its texts, files and lines unset. */
FlDataset *_fl_dataset_alloc (int n,
                              int image_size);

/* Maps each sample's label string to an index into the sorted class names
 * (ds->n of them): fills labels, n_classes, class_names, class_counts. */
void       _fl_dataset_index_classes (FlDataset *ds,
                                      char     **label_strings);

/* FNV-1a over every sample's image file, text and class name. */
void       _fl_dataset_fingerprint (FlDataset *ds);

/* The column named by the user, or detected from the header. -1 with error
 * set when there is none; -2 for "no column": a label or audio column
 * chosen as "" or, not chosen, not found. */
int        _fl_dataset_pick_column (FlCsv       *csv,
                                    const char  *user,
                                    FlColumnRole role,
                                    GError     **error);

/* Parses a cell of a numeric column: TRUE with *value the number (the whole
 * cell, white space around it aside) or NAN for an empty cell; FALSE when
 * it is neither, or not finite. */
gboolean   _fl_dataset_parse_number (const char *cell,
                                     float      *value);

/* Appends to cols (of int) the columns names[] (NULL-terminated, or NULL)
 * picks as numeric features; FALSE with error set when one is missing,
 * named twice, or one of used[] (the image, text, label and audio columns,
 * negative for none). */
gboolean   _fl_dataset_pick_numeric (FlCsv             *csv,
                                     const char *const *names,
                                     const int          used[4],
                                     GArray            *cols,
                                     GError           **error);

G_END_DECLS
