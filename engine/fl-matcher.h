/* SPDX-License-Identifier: MIT
 *
 * fl-matcher.h — a run of the matching task (SPEC §4, issue 15): pictures
 * and words mapped into one shared space, trained on image–text pairs
 * without their labels.
 *
 *   image → image branch (fl-model.h) → a (N,D) → linear(D→E) → L2-norm = u
 *   text  → text branch               → b (N,D) → linear(D→E) → L2-norm = v
 *   loss  symmetric InfoNCE on (u, v) with a learnable log-scale s, started
 *         at log(1/0.07) and clamped at 100 as fl-match.h says; or the
 *         max-of-hinges loss of VSE++ (margin 0.2); or mapping, the seed's
 *         y = f(x): the image side regresses the text side, 1 - cos(u, v)
 *         or the MSE of the unnormalised projections (fl-match.h)
 *
 * A side can be frozen (FlMatchSettings.frozen): its branch and projection
 * keep the values they start with. Mapping needs the text side frozen: a
 * regression has no negatives, and a target that learned as well would
 * meet f(x) halfway, down to every vector alike. The frozen side gets no
 * gradient (the matcher hands its branch a zero dL/dx and leaves its
 * projection's gradient 0), and Adam's step of a parameter whose gradient
 * has always been 0 is exactly 0 (its moments stay 0), so the side keeps
 * its weights to the bit (test-matcher checks it). Retrieval is the same
 * cosine of u and v for every loss, so R@k curves compare.
 *
 * The branches are those of an FlModel of the image + text set (the concat
 * route), run through fl_model_forward_branches() and
 * fl_model_backward_branches(): the model's fusion and head exist but are
 * never used, and keep their initial values. Everything else is an FlRun's
 * (fl-trainer.h): the seeded stratified split (the labels only choose the
 * split), the vocabulary and image statistics of the training split, the
 * batches, the per-epoch shuffle and the model's Adam; the projections and
 * s have their own flat block and an Adam step of the same formula.
 *
 * Measured (fusionlab-cli match, 10 epochs, seed 42, 180 held-out pairs of
 * the demo pictures): the demo's own texts name the weather, which the
 * pictures do not show, and every R@k stays at chance, as it should; with
 * the shape word put in front of each text, InfoNCE's median rank falls
 * from 90.5 (chance) to about 31–36 (3 shapes: the best possible is about
 * 30.5), R@10 to 0.12–0.18 (chance 0.056). The hinge loss from scratch
 * there sits near its collapse, every similarity alike and the loss 2m
 * (i2t at chance, t2i median rank about 65); VSE++ trains its hardest
 * negatives from pretrained features. On generated data (test-matcher)
 * both losses learn.
 *
 * Mapping from a random frozen text side is much weaker than InfoNCE, as
 * expected: the target vectors of an untrained text branch (ReLU features,
 * then a random projection) are nearly one direction (a mean pairwise
 * cosine of 0.990, 0.974 at least, on the icons' held-out texts), so
 * 1 - cos is mostly paid by that shared direction and the image side
 * learns little of what tells texts apart. On the Adwaita icons
 * (bench/match.sh, 15 epochs, seeds 1–3, 198 held-out pairs, chance R@1
 * 0.005 and median rank 99.5): InfoNCE i2t R@1 0.168 ± 0.013, median rank
 * 11.7; mapping i2t R@1 0.000, median rank 83.5 (near chance), t2i R@1
 * 0.072 ± 0.033, median rank 46.5. The MSE mapping stays at chance both
 * ways (median ranks 102 and 103; on the emoji 190 and 185 of 191.5): on
 * unnormalised vectors the targets' shared mean is nearly all of the
 * loss. PyTorch's reference (bench/torch_match.py) gives the same within
 * its seed spread. It is a baseline to show; a target worth regressing
 * needs a trained text side (word vectors, or a contrastive model's).
 *
 * A training batch of a single pair (the last of an epoch, at most) is
 * skipped, for every loss: a contrastive loss needs a negative.
 *
 * The pictures are those of the dataset, fitted to S×S as it was loaded
 * (FlDataSpec.image_fit: squash, crop or pad), and the matching model
 * records that fit (fl-embedder.h). With s.train.augment each training
 * pair's picture is flipped, cropped and jittered epoch by epoch as a
 * classifier's is (fl-augment.h: drawn from seed, epoch and sample, so the
 * shuffle and the initial weights stay those of a run without it); the
 * held-out pairs, fl_matcher_batch_loss() and everything embedded after
 * training never are. Measured (bench/match-fit.sh, seeds 1–3, last
 * epoch): on the clipart drawings (242 held-out pairs, mostly far from
 * square) pad is level with squash at i2t R@1 (0.176 against 0.175, 15
 * epochs) and perhaps a little ahead t2i (0.222 ± 0.020 against 0.197 ±
 * 0.009, paired +0.025 ± 0.019), crop level; augmentation lowers R@1 by 4–9
 * points both ways, on the clipart (15 and 40 epochs) and the emoji (0.127
 * → 0.078 i2t), as it lowers a classifier's accuracy here (issue 18).
 * It stays off by default.
 *
 * Each epoch ends with retrieval on the held-out pairs: the (N,N) cosine
 * similarity of every validation image against every validation text,
 * fl_retrieval_metrics(). Chance is k/N for R@k and (N+1)/2 for the median
 * rank. N is at most FL_MATCH_MAX_EVAL: the first 5000 pairs of the
 * validation split, in its fixed order, are ranked, and the rest not, so
 * that 100k samples never make a 20k × 20k matrix (1.6 GB). 5000 is the
 * convention of image–text retrieval (COCO's 5k test images), and R@k
 * depends on N: figures from different N are not comparable.
 */
#pragma once

#include "fl-dataset.h"
#include "fl-match.h"
#include "fl-trainer.h"

G_BEGIN_DECLS

typedef enum {
  FL_MATCH_LOSS_INFONCE,
  FL_MATCH_LOSS_HINGE,
  FL_MATCH_LOSS_MAPPING,
  FL_N_MATCH_LOSSES
} FlMatchLoss;

/* "infonce", "hinge", "mapping" */
const char *fl_match_loss_to_string (FlMatchLoss loss);
gboolean    fl_match_loss_from_string (const char *name, FlMatchLoss *loss);

/* The regression of mapping. */
typedef enum {
  FL_MAP_LOSS_COSINE,
  FL_MAP_LOSS_MSE,
  FL_N_MAP_LOSSES
} FlMapLoss;

/* "cosine", "mse" */
const char *fl_map_loss_to_string (FlMapLoss loss);
gboolean    fl_map_loss_from_string (const char *name, FlMapLoss *loss);

typedef struct {
  /* epochs, batch_size, lr, val_fraction, seed, feat_dim, max_vocab and
   * n_threads as for a classifier; fusion and branches are set by
   * fl_match_settings_init_default() and not to be changed */
  FlTrainSettings train;
  FlMatchLoss     loss;       /* infonce */
  int             embed_dim;  /* E (64) */
  float           margin;     /* of hinge (0.2) */
  FlMapLoss       map_loss;   /* of mapping (cosine) */
  guint           frozen;     /* the sides that keep their weights, a mask
                               * of FL_BRANCH_BIT (FL_BRANCH_IMAGE or _TEXT)
                               * (none); mapping needs exactly the text's */
} FlMatchSettings;

#define FL_MATCH_MAX_EMBED 4096
/* The most held-out pairs retrieval ranks (see above). */
#define FL_MATCH_MAX_EVAL 5000

void     fl_match_settings_init_default (FlMatchSettings *s);
gboolean fl_match_settings_validate (const FlMatchSettings *s, GError **error);

typedef struct {
  int         epoch, n_epochs;
  double      train_loss;      /* the mean over the epoch's batches, by pairs */
  double      scale;           /* InfoNCE's t = min(exp(s), 100) after the epoch; 0 for the others */
  int         n_val;           /* the held-out pairs ranked */
  FlRetrieval val;             /* their retrieval, both ways */
  double      samples_per_s;   /* training pairs per second */
  double      seconds;         /* the epoch, evaluation included */
} FlMatchEpoch;

typedef void (*FlMatchEpochFunc) (const FlMatchEpoch *e, gpointer user_data);

typedef struct FlMatcher FlMatcher;

/* Splits ds, fits the inputs and builds the model and the projections, all
 * seeded by s->train.seed (the same draws whatever the loss); NULL with
 * error set for bad settings or data (the data needs two classes or more,
 * for the split). */
FlMatcher *fl_matcher_new (FlDataset *ds, const FlMatchSettings *s, GError **error);
void       fl_matcher_free (FlMatcher *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlMatcher, fl_matcher_free)

/* s->train.epochs epochs, fn called after each; FALSE when cancelled
 * (G_IO_ERROR_CANCELLED) or when the loss stops being finite
 * (FL_ENGINE_ERROR_NUMERIC). */
gboolean fl_matcher_train (FlMatcher        *m,
                           FlMatchEpochFunc  fn,
                           gpointer          user_data,
                           GCancellable     *cancellable,
                           GError          **error);

/* Retrieval on the validation pairs (the first FL_MATCH_MAX_EVAL) with the
 * current weights; returns their number. */
int      fl_matcher_evaluate (FlMatcher *m, FlRetrieval *out);

/* For tests and tools: the loss of the pairs idx[0..n) (n ≥ 2) with the
 * current weights, and with backward, the gradients of the model's
 * branches (fl_model_grads()) and of the projection block (0 for a frozen
 * side's). */
double   fl_matcher_batch_loss (FlMatcher *m, const gint32 *idx, int n, gboolean backward);

/* The projection block, owned by the matcher: W_image (E,D), b_image (E),
 * W_text (E,D), b_text (E), then s (1); and its gradients. */
float   *fl_matcher_params (FlMatcher *m, gsize *n);
float   *fl_matcher_grads (FlMatcher *m, gsize *n);
FlModel *fl_matcher_model (FlMatcher *m);
/* How many parameters training steps: the branches and projections of
 * the sides that learn (not a frozen side's, as mapping's text side), the
 * log-scale with InfoNCE (the other losses do not use it); not the
 * model's fusion and head, which matching never uses. */
gsize    fl_matcher_n_trained (FlMatcher *m);
/* The settings it was made with; owned by the matcher. */
const FlMatchSettings *fl_matcher_settings (FlMatcher *m);
/* The run the matcher trains through (its split, vocabulary and model). */
FlRun   *fl_matcher_run (FlMatcher *m);

G_END_DECLS
