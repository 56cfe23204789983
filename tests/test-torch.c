/* SPDX-License-Identifier: MIT
 *
 * The engine against PyTorch (llm.c test_gpt2.c): for each case, a fusion
 * route over a set of branches, tests/data/torch-<case>.safetensors holds
 * a toy model's initial parameters, a batch, and what PyTorch computed
 * from them (written by tools/make-torch-fixture.py from the formulas of
 * fl-model.h). The cases are every route over image + text (torch-<fusion>),
 * the audio and numeric baselines, every fusion route over all four
 * branches, three routes over three, and the gru text encoder against
 * torch.nn.GRU (text alone and concatenated with the image: each text run
 * through torch's GRU alone, so the engine's padding and masking of a
 * batch of texts of 0 to 6 tokens, cut at 4, must give what no padding
 * gives). The engine loads the same
 * parameters and batch and must reproduce the logits, the loss, every
 * gradient, and the parameters after one and after two Adam steps. For
 * late, the loss is that of the fused logits and the gradients those of
 * the training loss, CE(fused) + the CE of each branch's head.
 *
 * An element passes when |engine - torch| ≤ abs + rel·|torch|, with
 *
 *                                  abs     rel     worst err/tol measured
 *   forward (logits, loss)        5e-9    1e-6    0.51   (0.72)
 *   gradients                     5e-9    1e-5    0.60   (0.82)
 *   parameters after Adam steps   2e-9    5e-7    0.46   (0.70)
 *
 * a little above the worst errors measured over the five fixtures (in
 * brackets: the worst over OpenBLAS's kernels, OPENBLAS_CORETYPE=Prescott
 * to Cooperlake). Each tensor's worst error is printed as a test message
 * (run with --verbose). The engine's sums run in another order than torch's
 * kernels, so the logits differ by an ulp or two, and a gradient by ~1e-6
 * relative, more where terms cancel (hence the abs floor). An Adam step
 * moves a parameter by about lr = 1e-3 whatever the gradient's size, so
 * after one or two steps the parameters agree to an ulp or two. The
 * fixture's batch keeps every ReLU input and every max-pool decision at
 * least 1e-5 away from a kink, so both sides take the same branches.
 *
 * The cases over other branches than image + text judge a forward value
 * or a gradient against the largest of its tensor: |engine - torch| ≤
 * abs + rel·max(|torch|, max |torch of the tensor|). Their products and
 * their sums over three and four branches make elements that are small
 * differences of large terms (a logit of 1e-3 from terms of 0.3, whose
 * last bits are 3e-8), which neither side can compute to 1e-6 of
 * themselves. The parameters after the steps stay judged element by
 * element. Their fixtures' batches are also drawn so that torch's own
 * float32 rounding, against the same model in float64, takes at most half
 * of these tolerances: none of their gradients is of the order of Adam's
 * ε, where a step lr·g/(|g| + ε) would take its first digits from the
 * gradient's last. Worst err/tol measured over these eleven cases: 0.47
 * (0.75 over OpenBLAS's kernels, Prescott to Cooperlake).
 */
#include "fl-model.h"
#include "fl-safetensors.h"

#include <math.h>
#include <string.h>

#define FWD_ABS  5e-9
#define FWD_REL  1e-6
#define GRAD_ABS 5e-9
#define GRAD_REL 1e-5
#define STEP_ABS 2e-9
#define STEP_REL 5e-7
/* late's α starts at 0 and each step moves it by about lr = 1e-3: its
 * values (~2e-3 after two steps) are judged against that movement, at
 * 1e-5 of it, rather than against themselves (measured: 3e-9) */
#define STEP_ALPHA_ABS 2e-8
/* The routes added later (gated, late, lowrank), and every case over
 * other branches than image + text, are held to 1e-5 relative
 * after the steps: lowrank's factor gradients have elements of ~1e-8,
 * where Adam's step lr·g/(|g|+ε) turns their last-bit rounding (~1e-12)
 * into a step difference of ~5e-8 (measured: 5.6e-8 on 0.04, 1.4e-6
 * relative); the first five, whose fixtures have no such element, keep
 * their tighter figure. */
#define STEP_REL_ADDED 1e-5

/* How compare() measures the relative part of its tolerance: against
 * each element, or against the larger of it and the tensor's largest. */
typedef enum { PER_ELEMENT, AGAINST_LARGEST } Scale;

typedef struct {
  FlSafetensors *st;
  FlConfig       cfg;
  int            n;
  float         *images;
  gint32        *tok_off;
  gint32        *tok_idx;
  gint32        *labels;
  float         *audio;     /* (n,1,M,T) */
  float         *numeric;   /* (n,2K) */
  Scale          scale;     /* of the forward values and the gradients */
} Fixture;

static int
metadata_int (FlSafetensors *st, const char *key)
{
  const char *s = fl_safetensors_metadata (st, key);
  gint64 v = 0;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (s);
  g_ascii_string_to_signed (s, 10, 1, G_MAXINT, &v, &error);
  g_assert_no_error (error);
  return (int) v;
}

/* Reads tensor name, which must have numel elements, into a new array. */
static float *
read_tensor (FlSafetensors *st, const char *name, gsize numel)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *x = g_new (float, MAX (numel, 1));

  fl_safetensors_read (st, name, x, numel, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&x);
}

/* Reads "<prefix><param name>" into dst, in the engine's layout: torch's
 * txt_emb.weight is (Ht,V), the engine's (V,Ht). */
static void
read_param (FlSafetensors *st, const char *prefix, const FlTensorInfo *ti, FlParam p,
            float *dst)
{
  g_autofree char *name = g_strconcat (prefix, ti->name, NULL);
  g_autofree float *x = read_tensor (st, name, ti->numel);
  int nd;
  gint64 shape[4];

  g_assert_true (fl_safetensors_shape (st, name, &nd, shape));
  g_assert_cmpint (nd, ==, ti->ndim);
  if (p == FL_P_TXT_EMB_W)
    {
      const int V = ti->shape[0], H = ti->shape[1];
      g_assert_cmpint (shape[0], ==, H);
      g_assert_cmpint (shape[1], ==, V);
      for (int v = 0; v < V; v++)
        for (int h = 0; h < H; h++)
          dst[(gsize) v * H + h] = x[(gsize) h * V + v];
      return;
    }
  for (int d = 0; d < nd; d++)
    g_assert_cmpint (shape[d], ==, ti->shape[d]);
  memcpy (dst, x, sizeof (float) * ti->numel);
}

/* The toy model's config, from the fixture's metadata; the files made
 * before branch sets have neither a set nor audio and numeric sizes. */
static void
read_config (FlSafetensors *st, FlConfig *c)
{
  static const struct { const char *key; gsize offset; } branch_sizes[] = {
    { "audio_mels", G_STRUCT_OFFSET (FlConfig, audio_mels) },
    { "audio_frames", G_STRUCT_OFFSET (FlConfig, audio_frames) },
    { "audio_conv1", G_STRUCT_OFFSET (FlConfig, audio_conv1) },
    { "audio_conv2", G_STRUCT_OFFSET (FlConfig, audio_conv2) },
    { "n_numeric", G_STRUCT_OFFSET (FlConfig, n_numeric) },
    { "numeric_hidden", G_STRUCT_OFFSET (FlConfig, numeric_hidden) },
  };
  const char *branches = fl_safetensors_metadata (st, "branches");

  fl_config_init_default (c);
  c->image_size = metadata_int (st, "image_size");
  c->conv1 = metadata_int (st, "conv1");
  c->conv2 = metadata_int (st, "conv2");
  c->feat_dim = metadata_int (st, "feat_dim");
  c->text_hidden = metadata_int (st, "text_hidden");
  c->head_hidden = metadata_int (st, "head_hidden");
  c->vocab_size = metadata_int (st, "vocab_size");
  c->n_classes = metadata_int (st, "n_classes");
  /* only the files of the routes added with the rank have one */
  if (fl_safetensors_metadata (st, "rank") != NULL)
    c->rank = metadata_int (st, "rank");
  g_assert_true (fl_fusion_from_string (fl_safetensors_metadata (st, "fusion"), &c->fusion));
  /* only the gru's files name an encoder */
  if (fl_safetensors_metadata (st, "text_encoder") != NULL)
    {
      g_assert_true (fl_text_encoder_from_string (fl_safetensors_metadata (st, "text_encoder"),
                                                  &c->text_encoder));
      c->max_tokens = metadata_int (st, "max_tokens");
    }
  /* and only the mean's a pooling */
  if (fl_safetensors_metadata (st, "text_pool") != NULL)
    g_assert_true (fl_text_pool_from_string (fl_safetensors_metadata (st, "text_pool"), &c->text_pool));
  if (branches == NULL)
    return;
  g_assert_true (fl_branches_from_string (branches, &c->branches));
  for (gsize i = 0; i < G_N_ELEMENTS (branch_sizes); i++)
    G_STRUCT_MEMBER (int, c, branch_sizes[i].offset) = metadata_int (st, branch_sizes[i].key);
}

/* The file is the case its name says: the route, then the branches (of a
 * fusion route with a set). */
static void
assert_case_name (const FlConfig *c, const char *name)
{
  g_autofree char *set = fl_branches_to_string (c->branches);
  const char *gru = c->text_encoder != FL_TEXT_GRU ? ""
    : c->text_pool == FL_TEXT_POOL_MEAN ? "-gru-mean" : "-gru";
  g_autofree char *want = c->branches != 0 && fl_fusion_single_branch (c->fusion) < 0
    ? g_strdup_printf ("%s-%s%s", fl_fusion_to_string (c->fusion), g_strdelimit (set, ",", '-'), gru)
    : g_strdup_printf ("%s%s", fl_fusion_to_string (c->fusion), gru);

  g_assert_cmpstr (name, ==, want);
}

/* The dense multi-hot rows of "input.text" as the engine's sparse token
 * lists. */
static void
read_text (Fixture *fx)
{
  const int V = fx->cfg.vocab_size;
  g_autofree float *text = read_tensor (fx->st, "input.text", (gsize) fx->n * V);
  int ntok = 0;

  fx->tok_off = g_new (gint32, fx->n + 1);
  fx->tok_idx = g_new (gint32, (gsize) fx->n * V);
  for (int i = 0; i < fx->n; i++)
    {
      fx->tok_off[i] = ntok;
      for (int v = 0; v < V; v++)
        {
          float x = text[(gsize) i * V + v];
          g_assert_true (x == 0.0f || x == 1.0f);
          if (x == 1.0f)
            fx->tok_idx[ntok++] = v;
        }
    }
  fx->tok_off[fx->n] = ntok;
}

/* The gru's "input.tokens" (n,L), ids in order and -1 after a text's
 * end, as token lists; a text past max_tokens stays whole: the model
 * reads its first max_tokens. */
static void
read_tokens (Fixture *fx)
{
  int nd, ntok = 0;
  gint64 shape[4];
  g_autofree float *tokens = NULL;

  g_assert_true (fl_safetensors_shape (fx->st, "input.tokens", &nd, shape));
  g_assert_cmpint (nd, ==, 2);
  g_assert_cmpint (shape[0], ==, fx->n);
  tokens = read_tensor (fx->st, "input.tokens", (gsize) fx->n * shape[1]);
  fx->tok_off = g_new (gint32, fx->n + 1);
  fx->tok_idx = g_new (gint32, (gsize) fx->n * shape[1]);
  for (int i = 0; i < fx->n; i++)
    {
      fx->tok_off[i] = ntok;
      for (gint64 t = 0; t < shape[1] && tokens[i * shape[1] + t] >= 0; t++)
        {
          g_assert_cmpfloat (tokens[i * shape[1] + t], <, fx->cfg.vocab_size);
          fx->tok_idx[ntok++] = (gint32) tokens[i * shape[1] + t];
        }
    }
  fx->tok_off[fx->n] = ntok;
}

static void
fixture_load (Fixture *fx, const char *name)
{
  g_autofree char *file = g_strdup_printf ("torch-%s.safetensors", name);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", file, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree float *labels = NULL;
  FlConfig *c = &fx->cfg;

  memset (fx, 0, sizeof *fx);
  fx->st = fl_safetensors_load (path, &error);
  g_assert_no_error (error);

  read_config (fx->st, c);
  assert_case_name (c, name);
  /* the cases made with branch sets */
  fx->scale = c->branches != 0 ? AGAINST_LARGEST : PER_ELEMENT;
  fx->n = metadata_int (fx->st, "batch");

  if (fl_config_has_branch (c, FL_BRANCH_IMAGE))
    fx->images = read_tensor (fx->st, "input.images",
                              (gsize) fx->n * 3 * c->image_size * c->image_size);
  if (fl_config_has_branch (c, FL_BRANCH_TEXT) && c->text_encoder == FL_TEXT_GRU)
    read_tokens (fx);
  else if (fl_config_has_branch (c, FL_BRANCH_TEXT))
    read_text (fx);
  if (fl_config_has_branch (c, FL_BRANCH_AUDIO))
    fx->audio = read_tensor (fx->st, "input.audio",
                             (gsize) fx->n * c->audio_mels * c->audio_frames);
  if (fl_config_has_branch (c, FL_BRANCH_NUMERIC))
    fx->numeric = read_tensor (fx->st, "input.numeric", (gsize) fx->n * 2 * c->n_numeric);
  labels = read_tensor (fx->st, "input.labels", fx->n);
  fx->labels = g_new (gint32, fx->n);
  for (int i = 0; i < fx->n; i++)
    {
      fx->labels[i] = (gint32) labels[i];
      g_assert_cmpfloat (fx->labels[i], ==, labels[i]);
      g_assert_cmpint (fx->labels[i], >=, 0);
      g_assert_cmpint (fx->labels[i], <, c->n_classes);
    }
}

static void
fixture_clear (Fixture *fx)
{
  g_clear_pointer (&fx->st, fl_safetensors_free);
  g_free (fx->images);
  g_free (fx->tok_off);
  g_free (fx->tok_idx);
  g_free (fx->labels);
  g_free (fx->audio);
  g_free (fx->numeric);
}

/* Compares engine values a with torch values b; prints the worst absolute
 * error and the worst error as a fraction of the tolerance, and returns
 * whether every element is within abs_tol + rel_tol·|b| (|b| at least
 * max |b| with AGAINST_LARGEST). */
static gboolean
compare (const char *what, const float *a, const float *b, gsize n, double abs_tol,
         double rel_tol, Scale scale)
{
  double worst_abs = 0, worst_frac = 0, largest = 0;
  gsize worst_i = 0;

  for (gsize i = 0; scale == AGAINST_LARGEST && i < n; i++)
    largest = MAX (largest, fabs (b[i]));
  for (gsize i = 0; i < n; i++)
    {
      double e = fabs ((double) a[i] - b[i]);
      double frac = e / (abs_tol + rel_tol * MAX (fabs (b[i]), largest));
      worst_abs = MAX (worst_abs, e);
      if (frac > worst_frac || isnan (e))
        {
          worst_frac = isnan (e) ? G_MAXDOUBLE : frac;
          worst_i = i;
        }
    }
  g_test_message ("%-22s %4zu values: max |err| %.3g, worst err/tol %.3f (engine %.9g torch %.9g)",
                  what, n, worst_abs, worst_frac, n ? a[worst_i] : 0.0, n ? b[worst_i] : 0.0);
  return worst_frac <= 1.0;
}

/* Compares the whole parameter or gradient block of model with the fixture's
 * "<prefix>*" tensors; FALSE if any tensor is out of tolerance. */
static gboolean
compare_block (FlModel *model, FlSafetensors *st, const char *prefix, const float *block,
               double abs_tol, double rel_tol, Scale scale)
{
  gboolean ok = TRUE;

  for (int p = 0; p < FL_N_PARAMS; p++)
    {
      const FlTensorInfo *ti = fl_model_tensor (model, p);
      g_autofree float *ref = NULL;
      g_autofree char *what = NULL;
      if (ti->numel == 0)
        continue;
      ref = g_new (float, ti->numel);
      read_param (st, prefix, ti, p, ref);
      what = g_strconcat (prefix, ti->name, NULL);
      ok &= compare (what, block + ti->offset, ref, ti->numel,
                     p == FL_P_LATE_ALPHA && abs_tol == STEP_ABS ? STEP_ALPHA_ABS : abs_tol, rel_tol,
                     scale);
    }
  return ok;
}

/* The fixture's parameters replace the engine's own initialisation; an
 * unused branch has no tensors on either side. */
static void
set_fixture_params (FlModel *model, FlSafetensors *st)
{
  int n_params = 0;

  for (int p = 0; p < FL_N_PARAMS; p++)
    {
      const FlTensorInfo *ti = fl_model_tensor (model, p);
      int nd;
      gint64 shape[4];
      if (ti->numel == 0)
        {
          g_assert_false (fl_safetensors_shape (st, ti->name, &nd, shape));
          continue;
        }
      read_param (st, "", ti, p, fl_model_params (model) + ti->offset);
      n_params++;
    }
  g_assert_cmpint (n_params, >=, 8);
}

static void
test_torch (gconstpointer data)
{
  const char *name = data;
  g_autoptr(GError) error = NULL;
  g_autofree float *logits = NULL;
  g_autofree float *ref_loss = NULL;
  FlAdamParams hp;
  Fixture fx;
  FlModel *model;
  FlBatch batch;
  float loss;
  double step_rel;
  gboolean ok = TRUE;

  fixture_load (&fx, name);
  model = fl_model_new (&fx.cfg, 1, &error);
  g_assert_no_error (error);
  set_fixture_params (model, fx.st);

  batch = (FlBatch) { .n = fx.n, .images = fx.images, .tok_off = fx.tok_off,
                      .tok_idx = fx.tok_idx, .labels = fx.labels, .audio = fx.audio,
                      .numeric = fx.numeric };

  /* forward */
  loss = (float) fl_model_forward (model, &batch);
  ref_loss = read_tensor (fx.st, "out.loss", 1);
  logits = read_tensor (fx.st, "out.logits", (gsize) fx.n * fx.cfg.n_classes);
  ok &= compare ("out.loss", &loss, ref_loss, 1, FWD_ABS, FWD_REL, fx.scale);
  ok &= compare ("out.logits", fl_model_logits (model), logits,
                 (gsize) fx.n * fx.cfg.n_classes, FWD_ABS, FWD_REL, fx.scale);

  /* backward */
  fl_model_backward (model, &batch);
  ok &= compare_block (model, fx.st, "grad.", fl_model_grads (model), GRAD_ABS, GRAD_REL, fx.scale);

  /* two Adam steps, each after a fresh forward/backward as in the fixture */
  fl_adam_params_init_default (&hp);
  fl_model_adam_step (model, &hp);
  g_assert_cmpint (fl_model_adam_step_count (model), ==, 1);
  step_rel = fx.cfg.fusion >= FL_FUSION_GATED || fx.cfg.branches != 0 ? STEP_REL_ADDED : STEP_REL;
  ok &= compare_block (model, fx.st, "step1.", fl_model_params (model), STEP_ABS, step_rel,
                       PER_ELEMENT);

  fl_model_forward (model, &batch);
  fl_model_backward (model, &batch);
  fl_model_adam_step (model, &hp);
  g_assert_cmpint (fl_model_adam_step_count (model), ==, 2);
  ok &= compare_block (model, fx.st, "step2.", fl_model_params (model), STEP_ABS, step_rel,
                       PER_ELEMENT);

  if (!ok)
    g_test_fail_printf ("%s: the engine disagrees with PyTorch beyond the tolerance "
                        "(see the messages above)", name);

  fl_model_free (model);
  fixture_clear (&fx);
}

int
main (int argc, char **argv)
{
  static const char *const cases[] = {
    /* image + text, the files made before branch sets */
    "concat", "mean", "product", "image", "text", "gated", "late", "lowrank",
    "audio", "numeric",
    "concat-image-text-audio-numeric", "mean-image-text-audio-numeric",
    "product-image-text-audio-numeric", "gated-image-text-audio-numeric",
    "late-image-text-audio-numeric", "lowrank-image-text-audio-numeric",
    "product-image-text-numeric", "gated-image-audio-numeric", "late-text-audio-numeric",
    /* the gru text encoder against torch.nn.GRU */
    "text-gru", "concat-image-text-gru",
    /* and the mean of its states */
    "text-gru-mean", "concat-image-text-gru-mean",
  };

  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/torch/%s", cases[i]);
      g_test_add_data_func (path, cases[i], test_torch);
    }
  return g_test_run ();
}
