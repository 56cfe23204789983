/* SPDX-License-Identifier: MIT
 *
 * fl-predictor.h — model files: a trained model with everything needed to
 * predict (config, vocabulary, class names, image normalisation).
 *
 * The file is safetensors: the weights under PyTorch's state_dict names and
 * layouts (so `safetensors.torch.load_file` gives a loadable state_dict), and
 * the rest as JSON strings in the header's __metadata__.
 */
#pragma once

#include <gio/gio.h>

#include "fl-dataset.h"
#include "fl-inputs.h"
#include "fl-model.h"
#include "fl-safetensors.h"
#include "fl-text.h"

G_BEGIN_DECLS

/* The model's used tensors under PyTorch's state_dict names (each prefixed
 * with prefix) and layouts into out, which has room for FL_N_PARAMS; returns
 * how many. The names are added to names (which must free them); the
 * embedding-bag weight, stored (V,Ht), is transposed into a new block put in
 * *transposed for the caller to g_free(). The data is borrowed from model. */
int fl_model_torch_tensors (FlModel     *model,
                            const char  *prefix,
                            FlStTensor  *out,
                            GPtrArray   *names,
                            float      **transposed);

/* Writes the model file atomically. class_names is NULL-terminated; stats
 * the normalisation of the model's inputs (audio and numeric where it has
 * those branches). A model whose parts disagree — a vocabulary of other
 * than vocab_size tokens (an empty one with vocab_size 1 aside), class
 * names other than n_classes, statistics of other sizes than the config's,
 * a std not in [1e-6, 1e6] or mean beyond ±1e6, weights not finite —
 * is not written: a FL_ENGINE_ERROR_INVALID (a GError rather than an
 * assertion, so the interface can say why a save failed). What this writes,
 * fl_predictor_load() reads. */
gboolean fl_model_file_save (const char        *path,
                             FlModel           *model,
                             const FlVocab     *vocab,
                             const char *const *class_names,
                             const FlInputStats *stats,
                             GError           **error);

typedef struct FlPredictor FlPredictor;

/* Reads a model file; a corrupt, truncated, foreign or inconsistent file
 * is a FL_ENGINE_ERROR_FORMAT naming the file and the reason. Every part is
 * checked against the config, and every tensor's shape too, before the
 * model (its weights only: fl_model_new_inference()) is allocated. */
FlPredictor *fl_predictor_load (const char *path, GError **error);
void         fl_predictor_free (FlPredictor *pred);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlPredictor, fl_predictor_free)

/* A predictor holding a copy of everything a trained model needs; the
 * arguments are copied, not kept. */
FlPredictor *fl_predictor_new (FlModel            *model,
                               const FlVocab      *vocab,
                               const char *const  *class_names,
                               const FlInputStats *stats);

/* Loads spec's data (labels not needed: spec->unlabelled is forced; the
 * model's image size and fit are used, whatever spec says) and
 * writes one row per usable sample to out_path: its CSV line, image, the
 * predicted class, its probability, and every class's probability. The
 * number of rows written goes to n_written. */
gboolean fl_predictor_write_csv (FlPredictor      *pred,
                                 const FlDataSpec *spec,
                                 const char       *out_path,
                                 int              *n_written,
                                 GCancellable     *cancellable,
                                 GError          **error);

/* Owned by the predictor. */
FlModel            *fl_predictor_model (FlPredictor *pred);
const char *const  *fl_predictor_class_names (FlPredictor *pred);
int                 fl_predictor_image_size (FlPredictor *pred);
/* How the model's pictures were fitted to S×S: new pictures must be too. */
FlImageFit          fl_predictor_image_fit (FlPredictor *pred);
const FlVocab      *fl_predictor_vocab (FlPredictor *pred);

/* The normalisation of the model's inputs; owned by the predictor. */
const FlInputStats *fl_predictor_stats (FlPredictor *pred);

/* Class probabilities (n, C) for n samples given as uint8 images (n,3,S,S)
 * and texts, into probs; for a model of image and text only. */
void fl_predictor_predict (FlPredictor       *pred,
                           const guint8      *images,
                           const char *const *texts,
                           int                n,
                           float             *probs);

/* Class probabilities (ds->n, C) of every sample of ds, whose image size
 * is the model's (and should have its fit), into probs: the raw audio and numeric values of ds
 * normalised as the model was trained. FALSE with a FL_ENGINE_ERROR_DATA
 * when ds lacks a branch the model reads (or has other numeric columns). */
gboolean fl_predictor_predict_dataset (FlPredictor      *pred,
                                       const FlDataset  *ds,
                                       float            *probs,
                                       GError          **error);

G_END_DECLS
