/* SPDX-License-Identifier: MIT
 *
 * fl-experiment-private.h — what the writer (fl-experiment.c) and the
 * reader (fl-experiment-read.c) of experiment files share: the format's
 * tag and version, and the members of an epoch's object.
 */
#pragma once

#include "fl-experiment.h"

G_BEGIN_DECLS

#define FL_EXPERIMENT_FORMAT_TAG "fusionlab-experiment-1"
/* The version within the format: 1 (no "version" member) had runs alone;
 * 2 adds the cross-validation design ("cross_validation": { "folds",
 * "repeats" } or null) and each run's "repeat". A reader of version 1
 * ignores both, and this one reads version 1 as a comparison on one split. */
#define FL_EXPERIMENT_FORMAT_VERSION 2

/* The members of an epoch's object, in the order they are written: one
 * table for the writer's add_epochs() and the reader's read_epochs(). */
typedef enum {
  EPOCH_INT,        /* an int, 0 ≤ x ≤ G_MAXINT32 */
  EPOCH_COUNT,      /* a gint64, 0 ≤ x ≤ G_MAXINT64 / 2 */
  EPOCH_AMOUNT,     /* a double: get_amount() */
  EPOCH_FRACTION,   /* a double: get_fraction() */
} FlEpochKind;

typedef struct {
  const char *key;
  FlEpochKind kind;
  gsize       offset;   /* in FlEpochStats */
} FlEpochMember;

#define FL_N_EPOCH_MEMBERS 10
extern const FlEpochMember _fl_experiment_epoch_members[FL_N_EPOCH_MEMBERS];

G_END_DECLS
