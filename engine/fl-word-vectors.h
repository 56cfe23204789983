/* SPDX-License-Identifier: MIT
 *
 * fl-word-vectors.h — pretrained word vectors in the GloVe / fastText text
 * format, read for a vocabulary (issue 15).
 *
 * Each line is a word and its vector, separated by spaces (or tabs):
 *   the 0.418 0.24968 -0.41242 …
 * A fastText .vec file starts with a line "count dim", which is checked and
 * skipped. Vectors come from https://nlp.stanford.edu/projects/glove/
 * (glove.6B.zip: glove.6B.100d.txt has the text embedding's width, 100) or
 * https://fasttext.cc/docs/en/english-vectors.html (300 wide: a run needs
 * FlConfig.text_hidden 300 for those).
 *
 * The file is streamed, a line at a time, and only the vectors of the
 * vocabulary's words are kept, so a file of 10 GB takes as much memory as
 * one of 10 KB; only the lines of vocabulary words have their numbers
 * parsed. A word matches a token as it is, or else when it tokenizes
 * (fl_tokenize()) to exactly that one token ("Paris" → "paris"): the
 * exact word wins over a folded one, and of two alike the first is kept
 * (a later one is counted as a duplicate).
 *
 * Hostile files: a NUL byte (binary data: a word2vec .bin, say), a header
 * or first vector of another width than asked, or a read error stops with
 * one FL_ENGINE_ERROR_FORMAT naming the file and the line. A line longer
 * than FL_WORD_VECTORS_MAX_LINE bytes, or a vocabulary word's line with
 * the wrong count of numbers, a number that is not a plain decimal, not
 * finite or beyond ±FL_WORD_VECTORS_MAX_VALUE, is skipped, counted, and
 * the first such reason kept.
 */
#pragma once

#include <gio/gio.h>

#include "fl-text.h"

G_BEGIN_DECLS

/* 64 KiB: a line of 300 numbers of 20 characters each and a long word
 * fit seven times over. */
#define FL_WORD_VECTORS_MAX_LINE 65536
/* GloVe's and fastText's values are of order 1; anything past this is not
 * an embedding, and would blow the text branch up. */
#define FL_WORD_VECTORS_MAX_VALUE 1000.0
/* The widest vector read: 4096 numbers. */
#define FL_WORD_VECTORS_MAX_DIM 4096

typedef struct {
  gint64 lines;        /* lines read, the header included */
  int    found;        /* vocabulary words given a vector */
  gint64 skipped;      /* lines left out, for reasons like first_skip */
  char  *first_skip;   /* "line 17: …" or NULL; owned (fl_word_vectors_stats_clear()) */
  gint64 duplicates;   /* vocabulary words met again: the first vector kept */
} FlWordVectorsStats;

void fl_word_vectors_stats_clear (FlWordVectorsStats *st);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FlWordVectorsStats, fl_word_vectors_stats_clear)

/* Reads the vectors of dim numbers (1 ≤ dim ≤ FL_WORD_VECTORS_MAX_DIM)
 * from in (name: the file's, for messages) into rows (V,dim): row i gets
 * the vector of vocab's token i, when the file has it; found (V), when not
 * NULL, is set to 1 for those rows and 0 for the others, which are left
 * alone. st receives the counts. FALSE with error set as above (rows then
 * partly written), or when cancelled. */
gboolean fl_word_vectors_read (GInputStream       *in,
                               const char         *name,
                               const FlVocab      *vocab,
                               int                 dim,
                               float              *rows,
                               guint8             *found,
                               FlWordVectorsStats *st,
                               GCancellable       *cancellable,
                               GError            **error);

/* fl_word_vectors_read() of the file at path. */
gboolean fl_word_vectors_load (const char         *path,
                               const FlVocab      *vocab,
                               int                 dim,
                               float              *rows,
                               guint8             *found,
                               FlWordVectorsStats *st,
                               GCancellable       *cancellable,
                               GError            **error);

G_END_DECLS
