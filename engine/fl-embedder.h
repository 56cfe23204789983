/* SPDX-License-Identifier: MIT
 *
 * fl-embedder.h — a trained matching model, frozen: pictures and texts into
 * the shared space, for search, zero-shot classification and the similarity
 * heatmap (issue 15). Made from a matcher's current weights, or read from a
 * matching model file; it owns copies of everything (the branches' weights,
 * the projections, the vocabulary, the image statistics), so it outlives the
 * matcher and may be used from any one thread at a time.
 *
 * Every embedding is a unit row of E floats (fl_embedder_dim()); the cosine
 * similarity of two is their dot product. It is computed as the matcher's
 * evaluation computes it (fl-matcher.c: the branch, linear(D→E), then
 * L2-normalisation), in batches of the matcher's batch size: the held-out
 * pairs embedded in their order give the matcher's bits, and its retrieval
 * figures (test-embedder). OpenBLAS's sgemm rounds a row differently with
 * the number of rows in the call, so the same text alone, or in another
 * batch, can differ in the last bit or so (never in what a rank shows but
 * for a tie within a rounding).
 *
 * The matching model file is a model file (fl-predictor.h) whose branch
 * tensors have the same names as a classifier's (so `--init-from` reads
 * either), plus the projections under "match.*" and, in __metadata__,
 * "task": "match", the loss, E, and the data it was trained on (images
 * folder, CSV and columns) for `fusionlab-cli search` to rank by default.
 * fl-embedder-file.c lists every part. The matcher's model keeps a fusion
 * and a head it never trains: the file has their tensors too (their
 * initial values), so that it is a model file to the letter, checked by
 * the same code; a classifier's reader refuses it all the same, saying it
 * is a matching model.
 *
 * Changed since the first draft of this header: FlMatcher comes from
 * fl-matcher.h (included); fl_embedder_loss(), fl_embedder_set_threads()
 * and fl_embedder_known_words() are new; embeddings are computed in the matcher's batches (below).
 */
#pragma once

#include <gio/gio.h>

#include "fl-dataset.h"
#include "fl-matcher.h"

G_BEGIN_DECLS

typedef struct FlEmbedder FlEmbedder;

/* A copy of m's current weights, vocabulary and statistics. */
FlEmbedder *fl_matcher_embedder (FlMatcher *m);

/* Reads a matching model file; a corrupt, truncated, foreign or
 * inconsistent file (or a classifier's) is a FL_ENGINE_ERROR_FORMAT naming
 * the file and the reason, as fl_predictor_load() does. */
FlEmbedder *fl_embedder_load (const char *path, GError **error);
/* Writes it atomically; what this writes, fl_embedder_load() reads. */
gboolean    fl_embedder_save (FlEmbedder *e, const char *path, GError **error);
void        fl_embedder_free (FlEmbedder *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlEmbedder, fl_embedder_free)

int         fl_embedder_dim (FlEmbedder *e);         /* E */
int         fl_embedder_image_size (FlEmbedder *e);  /* S */
/* How its pictures were fitted to S×S (the file's "image_fit"; squash in
 * files written before matching took --fit): every picture it embeds must
 * have been fitted so too. */
FlImageFit  fl_embedder_image_fit (FlEmbedder *e);
FlMatchLoss fl_embedder_loss (FlEmbedder *e);        /* the loss it was trained with */
FlMapLoss   fl_embedder_map_loss (FlEmbedder *e);    /* and mapping's kind (cosine otherwise) */

/* Splits each batch of pictures over this many threads (≤ 0: one per
 * core), as fl_model_set_threads(); the default is 1. The embeddings do
 * not depend on it. */
void        fl_embedder_set_threads (FlEmbedder *e, int n_threads);

/* The data it was trained on, as recorded (NULL fields when it was made
 * from data held only in memory), its image size and fit the model's;
 * owned by e. */
const FlDataSpec *fl_embedder_data_spec (FlEmbedder *e);

/* out (n,E) receives the unit embeddings of n texts (any words: unknown
 * ones are dropped as in training; an empty text embeds its bias alone). */
void fl_embedder_embed_texts (FlEmbedder        *e,
                              const char *const *texts,
                              int                n,
                              float             *out);

/* out (n,E) receives the unit embeddings of n uint8 images (n,3,S,S), S
 * the embedder's image size, normalised as in training. */
void fl_embedder_embed_images (FlEmbedder   *e,
                               const guint8 *images,
                               int           n,
                               float        *out);

/* How many distinct words of text the model knows (its vocabulary has):
 * a text of none embeds as the empty text does, so zero-shot cannot tell
 * apart the classes whose names hold none. */
int fl_embedder_known_words (FlEmbedder *e, const char *text);

/* The n ≤ k indices of the largest scores q·rows[i] over n_rows rows of E
 * floats, best first, ties to the lower index; into idx and score.
 * Returns how many (min (k, n_rows)). */
int fl_embedder_top_k (const float *query,
                       const float *rows,
                       int          n_rows,
                       int          E,
                       int          k,
                       int         *idx,
                       float       *score);

/* Zero-shot classification: each class name put into template (every
 * "{label}" replaced; NULL means "{label}") is embedded as a text; image
 * i's prediction is the class whose text is nearest its embedding
 * image_emb[i] (n,E). pred (n) receives the predictions; returns the
 * accuracy against labels (n), or the predictions only when labels is
 * NULL (and returns -1). */
double fl_embedder_zero_shot (FlEmbedder        *e,
                              const float       *image_emb,
                              int                n,
                              const gint32      *labels,
                              const char *const *class_names,
                              int                n_classes,
                              const char        *template_,
                              gint32            *pred);

G_END_DECLS
