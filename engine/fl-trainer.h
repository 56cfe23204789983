/* SPDX-License-Identifier: MIT
 *
 * fl-trainer.h — one training run of the reference model on a dataset.
 *
 * fl_run_new() splits the data (stratified, seeded), builds the vocabulary
 * and the per-channel image statistics from the training split only, and
 * creates the model. fl_run_train() then runs the epochs, calling back after
 * every batch and every epoch — from the thread it runs on; a UI marshals the
 * calls to its main loop. It can be cancelled between batches, is
 * deterministic for a seed, and stops with an error when the loss is not
 * finite, restoring the weights of the last good epoch.
 */
#pragma once

#include <gio/gio.h>

#include "fl-dataset.h"
#include "fl-metrics.h"
#include "fl-model.h"
#include "fl-text.h"
#include "fl-validation.h"

G_BEGIN_DECLS

/* The largest rank a user may ask of the lowrank fusion. */
#define FL_MAX_RANK 256

typedef struct {
  FlFusion fusion;
  int      feat_dim;       /* D (128) */
  int      epochs;         /* 10 */
  int      batch_size;     /* 64 */
  float    lr;             /* 1e-3 */
  double   val_fraction;   /* 0.2 */
  guint64  seed;           /* 42 */
  int      kfold;          /* 0 = a single split; k ≥ 2 = k-fold */
  int      fold;           /* which fold is validation, with kfold */
  int      max_vocab;      /* 25000 */
  int      n_threads;      /* ≤ 0 = all cores */
  /* Modality dropout, p in [0, 0.5] (0): in training, each sample has one
   * branch's features zeroed with probability p, the image's or the text's
   * with probability 1/2 each (never both), so that the model cannot lean
   * on one modality alone. Drawn from the run's seeded generator, after
   * each epoch's shuffle: deterministic for a seed; p = 0 draws nothing.
   * Never at evaluation; a no-op for the unimodal routes, which have a
   * single branch to keep (nothing is drawn: their runs stay the same bits).
   * With more than two branches, the one dropped is drawn uniformly. */
  double   modality_dropout;
  /* The branches a fusion route fuses, a mask of FL_BRANCH_BIT()s (two or
   * more), each of which the data must have; 0 = every branch the data has
   * (fl_dataset_branches()). A unimodal route has its own branch whatever
   * this says. */
  guint    branches;
  /* R of the lowrank fusion, 1 to 256 (8); the other routes ignore it. */
  int      rank;
  /* Transfer (fl-transfer.h), all off by default. init_from: a model file
   * (a classifier's or a matching model's) whose branches start the run
   * where their shapes agree; word_vectors: a GloVe/fastText text file
   * whose vectors start the text embedding's rows (init_from's rows win
   * for the words its model has); freeze: the branches whose weights stay
   * as they started (FL_BRANCH_BIT()s; a branch the run lacks is ignored).
   * The paths are borrowed: keep them alive as long as the settings (an
   * interned string, g_intern_string(), always is); the run keeps its own
   * copies. */
  const char *init_from;
  const char *word_vectors;
  guint       freeze;
  /* Label efficiency (fusionlab-cli label-efficiency): split_seed ≥ 0
   * makes the split in seed's place (-1, the default: seed makes it), so
   * that runs of several seeds hold out the same samples; train_fraction
   * in (0, 1] keeps that stratified fraction of the training split (1: all
   * of it; each class keeps one sample at least), drawn with seed. The
   * vocabulary and the statistics come from the samples kept. */
  gint64      split_seed;
  double      train_fraction;
  /* Augmentation of the training pictures (fl-augment.h), off by default:
   * each epoch each training sample's picture is flipped, cropped and
   * jittered as drawn from (seed, epoch, sample): the same run gives the
   * same bits on any number of threads, and a run without it the bits it
   * always gave. Validation never is. A matching run (fl-matcher.h)
   * augments its training pairs' pictures the same way. */
  gboolean    augment;
  /* The text branch's encoder (FlConfig.text_encoder): the bag of words
   * (the default) or a GRU over the first max_tokens tokens in order
   * (1 to 4096; 32). */
  FlTextEncoder text_encoder;
  int           max_tokens;
  /* The gru's feature (FlConfig.text_pool): its last state (the default)
   * or the mean of its states over the text's tokens; the bag ignores it. */
  FlTextPool    text_pool;
} FlTrainSettings;

void     fl_train_settings_init_default (FlTrainSettings *s);
/* Whether fusion can train on data with the branches present: a unimodal
 * route on its own branch, a fusion route on two or more. */
gboolean fl_train_route_possible (FlFusion fusion, guint present);
/* The routes a comparison trains on such data, in FlFusion order: every
 * fusion route (with two branches or more) and each branch's baseline.
 * Returns how many; for image and text, the first eight. */
int      fl_train_routes (guint present, FlFusion routes[FL_N_FUSIONS]);
/* The branches a run of s trains on data that has the branches present. */
guint    fl_train_settings_branches (const FlTrainSettings *s, guint present);
/* Checks every setting; a FL_ENGINE_ERROR_INVALID says which is wrong. */
gboolean fl_train_settings_validate (const FlTrainSettings *s, GError **error);
/* The settings in short, fusion and threads aside: "10 ep · lr 0.001 ·
 * bs 64", then those that differ from the defaults ("D 64", "val 0.3",
 * "seed 7", "fold 2 (k=5)", "vocab 1000"). */
char    *fl_train_settings_describe (const FlTrainSettings *s);

typedef struct {
  int     epoch;           /* 1-based */
  int     n_epochs;
  int     batch;           /* 1-based within the epoch */
  int     n_batches;
  double  loss;            /* this batch's mean loss */
  gint64  samples_seen;    /* since the start of the run */
  double  elapsed;         /* seconds since the start of the run */
} FlBatchStats;

typedef struct {
  int     epoch;           /* 1-based */
  int     n_epochs;
  double  train_loss;
  double  train_acc;
  double  val_loss;
  double  val_acc;
  double  val_f1;          /* macro-F1 */
  double  samples_per_s;   /* training throughput of this epoch */
  double  seconds;         /* wall time of this epoch (training + eval) */
  gint64  samples_seen;
} FlEpochStats;

typedef struct {
  void   (*batch_done) (const FlBatchStats *stats, gpointer user_data);
  void   (*epoch_done) (const FlEpochStats *stats, gpointer user_data);
  gpointer user_data;
} FlTrainCallbacks;

typedef struct FlRun FlRun;

/* The run keeps a reference to ds (see fl_dataset_ref()). */
FlRun *fl_run_new (FlDataset             *ds,
                   const FlTrainSettings *settings,
                   GError               **error);
void   fl_run_free (FlRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlRun, fl_run_free)

/* Trains settings->epochs epochs (callbacks may be NULL). Returns FALSE with
 * G_IO_ERROR_CANCELLED when cancelled (checked before every batch), and
 * FL_ENGINE_ERROR_NUMERIC when the loss stops being finite. */
gboolean fl_run_train (FlRun                  *run,
                       const FlTrainCallbacks *callbacks,
                       GCancellable           *cancellable,
                       GError                **error);

/* What is taken away from every sample when the model is evaluated, to
 * see how much it leans on each modality. */
typedef enum {
  FL_ABLATE_NONE,    /* the samples as they are */
  FL_ABLATE_IMAGE,   /* each picture replaced by the training split's mean
                      * image (fl_image_pixel_mean()) */
  FL_ABLATE_TEXT,    /* each text emptied: an empty bag of words */
  FL_ABLATE_AUDIO,   /* each clip replaced by the training split's mean
                      * band energies (all 0 once normalised) */
  FL_ABLATE_NUMERIC, /* every numeric cell empty: values 0, indicators 1 */
  FL_N_ABLATIONS
} FlAblation;

/* Called after the forward pass of each validation batch: batch holds the
 * samples fl_run_val_indices()[start .. start + batch->n), with labels, as
 * the model saw them; loss is their mean loss; the model's probabilities
 * and features (fl_model_features()) are theirs. */
typedef void (*FlRunBatchFunc) (FlModel       *model,
                                const FlBatch *batch,
                                int            start,
                                double         loss,
                                gpointer       user_data);

/* Runs the model forward over the validation split, in batches of the
 * run's batch size, with ablation applied, calling fn after each batch.
 * Touches neither the run's metrics nor its validation probabilities. It
 * checks cancellable before every batch (G_IO_ERROR_CANCELLED); it uses the
 * run's batch buffers, so it must not run while the run trains. */
gboolean fl_run_forward_validation (FlRun          *run,
                                    FlAblation      ablation,
                                    FlRunBatchFunc  fn,
                                    gpointer        user_data,
                                    GCancellable   *cancellable,
                                    GError        **error);

/* Evaluates the model on the validation split into metrics (owned by the
 * run; valid until the next evaluation) and returns the mean loss. */
double           fl_run_evaluate (FlRun *run);
const FlMetrics *fl_run_metrics (FlRun *run);

/* The validation split: n_val sample indices into the dataset, and after an
 * evaluation the (n_val, C) class probabilities; owned by the run. */
const gint32 *fl_run_val_indices (FlRun *run, int *n_val);
const gint32 *fl_run_train_indices (FlRun *run, int *n_train);
const float  *fl_run_val_probs (FlRun *run);
/* A copy of the last evaluation's predictions, or NULL before the first. */
FlValidation *fl_run_validation (FlRun *run);

FlModel               *fl_run_model (FlRun *run);
const FlTrainSettings *fl_run_settings (FlRun *run);
FlDataset             *fl_run_dataset (FlRun *run);
int                    fl_run_vocab_size (FlRun *run);
/* The vocabulary of the run's training split; owned by the run. */
const FlVocab         *fl_run_vocab (FlRun *run);
/* The branches the run's model has. */
guint                  fl_run_branches (FlRun *run);

/* What the run's transfer did, one line per source ("init from M: image
 * branch loaded (…); text branch …", "word vectors: F of V words found in
 * FILE"), for the user to read; NULL when it had none. Owned by the run. */
const char            *fl_run_transfer_report (FlRun *run);

/* A predictor for the run's current model (see fl-predictor.h); free it
 * with fl_predictor_free(). */
struct FlPredictor *fl_run_predictor (FlRun *run);

/* A run of a model trained elsewhere — a model file read into pred
 * (fl_predictor_load(); path names it in messages): the split of split's
 * settings on ds, the model's own vocabulary, input normalisation and
 * weights, and its settings' route, branches and sizes the model's. It is
 * evaluated on the validation split at once (fl_run_metrics(),
 * fl_run_validation()), and can be trained on from there. A model whose
 * classes are not ds's (the same names in the same order), that reads a
 * branch ds lacks, takes another image size, other spectrograms or other
 * numeric columns, or knows none of the words of ds's texts, is a
 * FL_ENGINE_ERROR_DATA naming path and saying which. */
FlRun *fl_run_new_from_model (FlDataset             *ds,
                              const FlTrainSettings *split,
                              struct FlPredictor    *pred,
                              const char            *path,
                              GError               **error);

/* Writes the trained model (weights in safetensors, with the config,
 * vocabulary, class names and the inputs' normalisation in its metadata),
 * atomically. */
gboolean fl_run_save_model (FlRun *run, const char *path, GError **error);

/* Writes exactly what a fresh run trains on — normalised images (n,3,S,S),
 * the multi-hot bags (n,V), with audio the normalised spectrograms
 * (n,1,M,T) ("audio"), with numeric columns their encoding (n,2K)
 * ("numeric"), the labels, a validation mask, the order in which
 * each epoch visits the training samples, and the initial weights in
 * PyTorch's layout ("init.conv1.weight", …) — as safetensors, so that
 * bench/torch_reference.py can train PyTorch from the same start. Call it
 * before fl_run_train. The images are not augmented: with s.augment,
 * PyTorch would train on other pictures than the engine. A run of the GRU
 * text encoder is refused: bags cannot hold the words' order. */
gboolean fl_run_export (FlRun *run, const char *path, GError **error);

G_END_DECLS
