/* SPDX-License-Identifier: MIT
 *
 * fl-experiment-private.h — what the writer (fl-experiment.c) and the
 * reader (fl-experiment-read.c, with fl-experiment-json.c) of experiment
 * files share: the format's tag and version, the members of an epoch's
 * object, and the checked reading of members.
 */
#pragma once

#include "fl-experiment.h"

#include <json-glib/json-glib.h>

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

/* Reading a file from a stranger (fl-experiment-json.c): path names the
 * file in messages; the first problem sets *error and failed, and every
 * later call of these is a no-op that returns 0, NULL or FALSE. */
typedef struct {
  const char *path;
  GError    **error;
  gboolean    failed;
} FlReader;

/* "PATH: not a valid Fusion Lab experiment: what"; "“key” problem". */
G_GNUC_INTERNAL gboolean    _fl_reader_bad          (FlReader *rd, const char *what);
G_GNUC_INTERNAL gboolean    _fl_reader_bad_member   (FlReader *rd, const char *key, const char *problem);
/* o's member key as the type asked, or NULL with an error ("is missing or
 * not <what>"); o may be NULL (a section that failed). */
G_GNUC_INTERNAL JsonNode   *_fl_reader_get_member   (FlReader *rd, JsonObject *o, const char *key,
                                                     JsonNodeType type, const char *what);
G_GNUC_INTERNAL JsonObject *_fl_reader_get_object   (FlReader *rd, JsonObject *o, const char *key);
G_GNUC_INTERNAL JsonArray  *_fl_reader_get_array    (FlReader *rd, JsonObject *o, const char *key);
/* A number (NaN for null); amount: ≥ 0 or NaN; fraction: in [0, 1] or
 * NaN; whole: an integer in [min, max]. */
G_GNUC_INTERNAL double      _fl_reader_get_number   (FlReader *rd, JsonObject *o, const char *key);
G_GNUC_INTERNAL double      _fl_reader_get_amount   (FlReader *rd, JsonObject *o, const char *key);
G_GNUC_INTERNAL double      _fl_reader_get_fraction (FlReader *rd, JsonObject *o, const char *key);
G_GNUC_INTERNAL gint64      _fl_reader_get_whole    (FlReader *rd, JsonObject *o, const char *key,
                                                     gint64 min, gint64 max);
/* A new string, or NULL for null. */
G_GNUC_INTERNAL char       *_fl_reader_get_string   (FlReader *rd, JsonObject *o, const char *key);
/* Element i of the array key, a number. */
G_GNUC_INTERNAL double      _fl_reader_element_number (FlReader *rd, JsonArray *a, guint i, const char *key);
/* An array of exactly n numbers. */
G_GNUC_INTERNAL JsonArray  *_fl_reader_get_numbers  (FlReader *rd, JsonObject *o, const char *key, gsize n);
/* A boolean, or dflt when absent (files from before it). */
G_GNUC_INTERNAL gboolean    _fl_reader_get_flag     (FlReader *rd, JsonObject *o, const char *key,
                                                     gboolean dflt);
/* "image_fit", or dflt when absent (files from before fits). */
G_GNUC_INTERNAL FlImageFit  _fl_reader_get_image_fit (FlReader *rd, JsonObject *o, FlImageFit dflt);
/* "image_size", a multiple of 4 from 4 to 1024; whose names the owner in
 * a message ("", "a run's "). */
G_GNUC_INTERNAL int         _fl_reader_get_image_size (FlReader *rd, JsonObject *o, const char *whose);

G_END_DECLS
