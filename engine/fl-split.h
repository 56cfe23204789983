/* SPDX-License-Identifier: MIT
 *
 * fl-split.h — stratified train/validation splits and k-fold (SPEC §3).
 *
 * Both shuffle each class's sample indices with a GRand seeded from seed,
 * class by class in label order, so a split depends only on (labels, seed):
 * the same seed gives the same split on every run and platform.
 *
 * The output arrays are GArrays of gint32 sample indices; their previous
 * contents are replaced, and they come out sorted ascending.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* labels is (n), each in [0, n_classes). For each class of count samples,
 * round(val_fraction · count) of them go to validation and the rest to
 * training, except that
 *   - a class with 2 or more samples keeps at least one in each split,
 *   - a class with a single sample goes to training;
 * and val_fraction = 0 puts everything in training. 0 <= val_fraction < 1. */
void fl_split_stratified (const gint32 *labels,
                          int           n,
                          int           n_classes,
                          double        val_fraction,
                          guint64       seed,
                          GArray       *train_idx,
                          GArray       *val_idx);

/* Stratified k-fold: each class's shuffled indices are dealt round-robin into
 * k folds, the dealing carrying on from one class to the next so that fold
 * sizes differ by at most one; fold `fold` (0 <= fold < k) is validation and
 * the other k-1 are training. Every fold of the same (labels, k, seed) comes
 * from one dealing, so the k validation sets partition the samples.
 * k >= 2. */
void fl_split_kfold (const gint32 *labels,
                     int           n,
                     int           n_classes,
                     int           k,
                     int           fold,
                     guint64       seed,
                     GArray       *train_idx,
                     GArray       *val_idx);

G_END_DECLS
