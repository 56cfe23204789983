/* SPDX-License-Identifier: MIT
 *
 * fl-embedder-private.h — the embedder, shared by its files: fl-embedder.c
 * (embedding, top-k, zero-shot) and fl-embedder-file.c (the matching
 * model file).
 */
#pragma once

#include "fl-embedder.h"
#include "fl-inputs.h"
#include "fl-matcher.h"
#include "fl-model.h"
#include "fl-text.h"

enum { FL_EMBED_IMAGE, FL_EMBED_TEXT, FL_N_EMBED };

struct FlEmbedder {
  /* the matcher's model (image + text, concat), for predicting only: its
   * branches are what embeds; its fusion and head were never trained */
  FlModel      *model;
  FlVocab      *vocab;
  FlInputStats  stats;
  char        **class_names;   /* the trained-on data's, as the config counts them */
  FlMatchLoss   loss;
  FlMapLoss     map_loss;      /* of mapping; cosine for the others */
  gboolean      augmented;     /* trained on augmented pictures (a record) */
  int           D, E;
  /* the matcher's projection block: W_image (E,D), b_image (E), W_text
   * (E,D), b_text (E), then its log-scale s */
  gsize         n_proj;
  float        *proj;

  /* the data it was trained on, spec's strings owned by the fields below */
  FlDataSpec    spec;
  char         *images_dir, *csv_path, *image_col, *text_col, *label_col;

  /* one batch's inputs and projections: no allocation per batch */
  int           batch_size;    /* the matcher's */
  int           B;             /* batch_size, memory allowing */
  float        *x;             /* (B,3,S,S) */
  gint32       *off;           /* (B+1) */
  GArray       *idx;           /* gint32 tokens of the batch */
  float        *z;             /* (B,E) */
};

/* An embedder of these parts, which it takes (model, vocab, class_names,
 * proj) or copies (stats, the data spec's strings); the caller has checked
 * that they fit together: the model of image and text, proj of
 * 2·(E·D + E) + 1 floats, D the model's feat_dim, batch_size ≥ 1 the
 * matcher's (it embeds in batches of that many, memory allowing). */
G_GNUC_INTERNAL FlEmbedder *_fl_embedder_new (FlModel            *model,
                                              FlVocab            *vocab,
                                              const FlInputStats *stats,
                                              char              **class_names,
                                              FlMatchLoss         loss,
                                              int                 E,
                                              float              *proj,
                                              int                 batch_size,
                                              const FlDataSpec   *spec);
