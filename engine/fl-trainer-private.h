/* SPDX-License-Identifier: MIT
 *
 * fl-trainer-private.h — what a run's files share: fl-trainer.c (settings,
 * the run and its epochs) and fl-trainer-inputs.c (what it trains on: the
 * inputs fitted to the training split, its batches, and the export).
 */
#pragma once

#include "fl-inputs.h"
#include "fl-text.h"
#include "fl-trainer.h"

struct FlRun {
  FlDataset      *ds;          /* a reference */
  FlTrainSettings s;
  guint           branches;    /* the model's (fl_config_branches()) */
  GArray         *train_idx;   /* gint32 sample indices */
  GArray         *val_idx;
  FlVocab        *vocab;
  gint32         *tok_off;     /* (n+1): the bag of sample i is */
  gint32         *tok_idx;     /*   tok_idx[tok_off[i] .. tok_off[i+1]) */
  FlInputStats    stats;       /* image, audio and numeric normalisation */
  float          *mean_image;  /* (3,S,S) normalised, made when first needed */
  FlModel        *model;
  FlAdamParams    adam;
  GRand          *rng;         /* the per-epoch shuffle */

  /* one batch, gathered: no allocation inside the training loop */
  float          *xb;          /* (B,3,S,S) */
  guint8         *augb;        /* (3,S,S): one augmented picture; NULL
                                * without augmentation */
  gint32         *offb;        /* (B+1) */
  GArray         *idxb;        /* gint32 tokens of the batch */
  gint32         *labb;        /* (B) */
  float          *audb;        /* (B,1,M,T), with audio */
  float          *numb;        /* (B,2K), with numeric columns */
  guint8         *drops;       /* (n_train) FlDrop masks of this epoch's samples,
                                * in visiting order; NULL without modality
                                * dropout or with a single branch */

  FlMetrics      *metrics;     /* of the last evaluation */
  float          *val_probs;   /* (n_val, C) */
  gboolean        evaluated;   /* val_probs hold an evaluation */
  float          *good;        /* params, m, v of the last good epoch */
  gint64          good_t;

  char           *init_from;   /* the run's copies of s.init_from and */
  char           *word_vectors;/*   s.word_vectors, which point to them */
  char           *transfer_report;  /* fl_run_transfer_report() */
};

/* The vocabulary, the bags and the statistics of every input the model
 * has, from the training split only. */
G_GNUC_INTERNAL void    _fl_run_fit_inputs (FlRun *run);
/* The bags of every sample over the run's vocabulary (again). */
G_GNUC_INTERNAL void    _fl_run_encode_texts (FlRun *run);
/* fl-transfer.c: the transfer s asks for, once the model is built. */
G_GNUC_INTERNAL gboolean _fl_run_transfer (FlRun *run, GError **error);
/* The batch buffers of B samples. */
G_GNUC_INTERNAL void    _fl_run_alloc_batch (FlRun *run, int B);
/* Gathers samples idx[0..n) into the batch buffers, with what ablation
 * takes away taken away; the pictures augmented as for epoch augment_epoch
 * (1-based) when it is > 0 and the run augments. */
G_GNUC_INTERNAL FlBatch _fl_run_gather (FlRun *run, const gint32 *idx, int n, gboolean with_labels,
                                        FlAblation ablation, int augment_epoch);
/* An epoch's shuffle, then its modality dropout, from rng. */
G_GNUC_INTERNAL void    _fl_run_shuffle (GRand *rng, gint32 *order, int n);
G_GNUC_INTERNAL void    _fl_run_draw_drops (FlRun *run, GRand *rng, guint8 *drops, int n);
/* The order fl_run_train() will visit the training samples in, epoch by
 * epoch (E, n_train) dataset indices, and with modality dropout (drop not
 * NULL) their FlDrop masks: the same draws from a copy of its generator. */
G_GNUC_INTERNAL void    _fl_run_visit_order (FlRun *run, gint32 *order, guint8 *drop);
