/* SPDX-License-Identifier: MIT
 *
 * The model's configuration: its branches, the sizes and their ranges, and
 * what they make — the tensors (fl_model_layout()) and the activations.
 */
#define G_LOG_DOMAIN "fl-model"

#include "fl-model-private.h"
#include "fl-dataset.h"
#include "fl-i18n.h"

#include <string.h>

/* Floats the forward pass of one sample needs, at most: the reference
 * model at S = 1024 needs 25 M (100 MB: fl_config_activations(), the
 * convs' outputs held one image at a time in scratch, only the pooled
 * maps kept); 4096 channels of 1024² maps, which each size's own range
 * allows, would need over 8 GB. */
#define MAX_ACTIVATIONS ((gsize) 1 << 27)

static const char *const branch_names[FL_N_BRANCHES] = { "image", "text", "audio", "numeric" };

const char *
fl_branch_to_string (FlBranch branch)
{
  g_return_val_if_fail ((guint) branch < FL_N_BRANCHES, NULL);
  return branch_names[branch];
}

gboolean
fl_branch_from_string (const char *name, FlBranch *branch)
{
  int i = fl_name_index (branch_names, FL_N_BRANCHES, name);

  if (i >= 0)
    *branch = (FlBranch) i;
  return i >= 0;
}

char *
fl_branches_to_string (guint branches)
{
  GString *s = g_string_new (NULL);

  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (branches & FL_BRANCH_BIT (b))
      g_string_append_printf (s, "%s%s", s->len > 0 ? "," : "", branch_names[b]);
  return g_string_free (s, FALSE);
}

gboolean
fl_branches_from_string (const char *names, guint *branches)
{
  g_auto(GStrv) parts = g_strsplit (names, ",", -1);
  guint set = 0;

  for (int i = 0; parts[i] != NULL; i++)
    {
      FlBranch b;

      if (!fl_branch_from_string (g_strstrip (parts[i]), &b) || (set & FL_BRANCH_BIT (b)))
        return FALSE;
      set |= FL_BRANCH_BIT (b);
    }
  if (set == 0)
    return FALSE;
  *branches = set;
  return TRUE;
}

int
fl_branches_count (guint branches)
{
  int n = 0;

  for (int b = 0; b < FL_N_BRANCHES; b++)
    n += (branches & FL_BRANCH_BIT (b)) != 0;
  return n;
}

static const char *const text_encoder_names[FL_N_TEXT_ENCODERS] = { "bow", "gru" };

const char *
fl_text_encoder_to_string (FlTextEncoder encoder)
{
  g_return_val_if_fail ((guint) encoder < FL_N_TEXT_ENCODERS, NULL);
  return text_encoder_names[encoder];
}

gboolean
fl_text_encoder_from_string (const char *name, FlTextEncoder *encoder)
{
  int i = fl_name_index (text_encoder_names, FL_N_TEXT_ENCODERS, name);

  if (i >= 0)
    *encoder = (FlTextEncoder) i;
  return i >= 0;
}

static const char *const text_pool_names[FL_N_TEXT_POOLS] = { "last", "mean" };

const char *
fl_text_pool_to_string (FlTextPool pool)
{
  g_return_val_if_fail ((guint) pool < FL_N_TEXT_POOLS, NULL);
  return text_pool_names[pool];
}

gboolean
fl_text_pool_from_string (const char *name, FlTextPool *pool)
{
  int i = fl_name_index (text_pool_names, FL_N_TEXT_POOLS, name);

  if (i >= 0)
    *pool = (FlTextPool) i;
  return i >= 0;
}

guint
fl_config_branches (const FlConfig *cfg)
{
  int single = fl_fusion_single_branch (cfg->fusion);

  if (single >= 0)
    return FL_BRANCH_BIT (single);
  return cfg->branches != 0 ? cfg->branches : FL_BRANCHES_IMAGE_TEXT;
}

gboolean
fl_config_has_branch (const FlConfig *cfg, FlBranch branch)
{
  return (fl_config_branches (cfg) & FL_BRANCH_BIT (branch)) != 0;
}

void
fl_config_init_default (FlConfig *cfg)
{
  *cfg = (FlConfig) {
    .image_size = 64,
    .conv1 = 32,
    .conv2 = 64,
    .feat_dim = 128,
    .text_hidden = 100,
    .head_hidden = 128,
    .vocab_size = 0,
    .n_classes = 0,
    .fusion = FL_FUSION_CONCAT,
    .rank = 8,
    .branches = 0,
    .audio_mels = 64,
    .audio_frames = 200,
    .n_numeric = 0,
    .numeric_hidden = 64,
    .audio_conv1 = 16,
    .audio_conv2 = 32,
    .text_encoder = FL_TEXT_BOW,
    .max_tokens = FL_MAX_TOKENS_DEFAULT,
    .text_pool = FL_TEXT_POOL_LAST,
  };
}

/* Why cfg's set of branches does not fit its route, or NULL. */
static const char *
branches_problem (const FlConfig *cfg)
{
  int single = fl_fusion_single_branch (cfg->fusion);

  if ((cfg->branches & ~FL_BRANCHES_ALL) != 0)
    return _("its set of branches names an unknown branch");
  if (single >= 0 && cfg->branches != 0 && cfg->branches != FL_BRANCH_BIT (single))
    return _("a unimodal route has its own branch only");
  if (single < 0 && cfg->branches != 0 && fl_branches_count (cfg->branches) < 2)
    return _("a fusion route needs at least two branches");
  return NULL;
}

/* Sets the error "%s is %d; it must be between %d and %d" for the first
 * size of cfg out of its range, or returns TRUE. */
static gboolean
sizes_in_range (const FlConfig *cfg, GError **error)
{
  gboolean txt = fl_config_has_branch (cfg, FL_BRANCH_TEXT);
  gboolean aud = fl_config_has_branch (cfg, FL_BRANCH_AUDIO);
  gboolean num = fl_config_has_branch (cfg, FL_BRANCH_NUMERIC);
  gboolean gru = txt && cfg->text_encoder == FL_TEXT_GRU;
  const struct { const char *name; int value; int lo, hi; } checks[] = {
    { N_("image size"), cfg->image_size, 4, 1024 },
    { N_("conv1 channels"), cfg->conv1, 1, 4096 },
    { N_("conv2 channels"), cfg->conv2, 1, 4096 },
    { N_("feature size D"), cfg->feat_dim, 1, 65536 },
    { N_("text hidden size"), cfg->text_hidden, 1, 65536 },
    { N_("head hidden size"), cfg->head_hidden, 1, 65536 },
    { N_("vocabulary size"), cfg->vocab_size, txt ? 1 : 0, 10000000 },
    { N_("number of classes"), cfg->n_classes, 2, 100000 },
    /* only lowrank has a rank: other configs may leave it 0 */
    { N_("rank"), cfg->rank, cfg->fusion == FL_FUSION_LOWRANK ? 1 : 0, 1024 },
    /* the audio and numeric sizes matter only to a model with the branch */
    { N_("audio mel bands"), cfg->audio_mels, aud ? 8 : 0, 1024 },
    { N_("audio frames"), cfg->audio_frames, aud ? 8 : 0, 65536 },
    { N_("audio conv1 channels"), cfg->audio_conv1, aud ? 1 : 0, 4096 },
    { N_("audio conv2 channels"), cfg->audio_conv2, aud ? 1 : 0, 4096 },
    { N_("number of numeric columns"), cfg->n_numeric, num ? 1 : 0, FL_MAX_NUMERIC_COLUMNS },
    { N_("numeric hidden size"), cfg->numeric_hidden, num ? 1 : 0, 65536 },
    /* only the gru reads tokens in order */
    { N_("maximum tokens"), cfg->max_tokens, gru ? 1 : 0, 4096 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (checks); i++)
    if (checks[i].value < checks[i].lo || checks[i].value > checks[i].hi)
      {
        g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                     _("%s is %d; it must be between %d and %d"),
                     _(checks[i].name), checks[i].value, checks[i].lo, checks[i].hi);
        return FALSE;
      }
  return TRUE;
}

gboolean
fl_config_validate (const FlConfig *cfg, GError **error)
{
  const char *problem = NULL;

  if ((guint) cfg->fusion >= FL_N_FUSIONS)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("unknown fusion %d"), (int) cfg->fusion);
      return FALSE;
    }
  if ((guint) cfg->text_encoder >= FL_N_TEXT_ENCODERS)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("unknown text encoder %d"), (int) cfg->text_encoder);
      return FALSE;
    }
  if ((guint) cfg->text_pool >= FL_N_TEXT_POOLS)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("unknown text pooling %d: it is last or mean"), (int) cfg->text_pool);
      return FALSE;
    }
  if ((problem = branches_problem (cfg)) != NULL)
    {
      g_set_error_literal (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID, problem);
      return FALSE;
    }
  if (!sizes_in_range (cfg, error))
    return FALSE;
  if (cfg->image_size % 4 != 0)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("image size is %d; it must be a multiple of 4"), cfg->image_size);
      return FALSE;
    }
  /* three poolings halve the spectrogram's bands and frames */
  if (fl_config_has_branch (cfg, FL_BRANCH_AUDIO) &&
      (cfg->audio_mels % 8 != 0 || cfg->audio_frames % 8 != 0))
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("the audio spectrogram is %d bands × %d frames; each must be a multiple of 8"),
                   cfg->audio_mels, cfg->audio_frames);
      return FALSE;
    }
  if (fl_config_activations (cfg) > MAX_ACTIVATIONS)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("the model's layers would take %zu MB a sample; at most %zu MB"),
                   fl_config_activations (cfg) >> 18, MAX_ACTIVATIONS >> 18);
      return FALSE;
    }
  return TRUE;
}

gsize
fl_config_activations (const FlConfig *cfg)
{
  Acts unused;

  return _fl_model_layout_acts (&unused, NULL, cfg, 1);
}

int
fl_config_max_batch (const FlConfig *cfg)
{
  gsize map = 1;

  if (fl_config_has_branch (cfg, FL_BRANCH_IMAGE))
    map = MAX (map, (gsize) cfg->conv1 * cfg->image_size * cfg->image_size);
  if (fl_config_has_branch (cfg, FL_BRANCH_AUDIO))
    map = MAX (map, (gsize) cfg->audio_conv1 * cfg->audio_mels * cfg->audio_frames);
  /* a slice is at most ⌈batch / FL_CHUNKS⌉ samples */
  return (int) MIN ((gsize) G_MAXINT32 / map * FL_CHUNKS, (gsize) G_MAXINT32);
}

void
fl_adam_params_init_default (FlAdamParams *hp)
{
  *hp = (FlAdamParams) { .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8 };
}

static void
set_tensor (FlTensorInfo *t, const char *name, gboolean used, int ndim,
            int d0, int d1, int d2, int d3)
{
  int dims[4] = { d0, d1, d2, d3 };

  t->name = name;
  t->ndim = ndim;
  t->numel = used ? 1 : 0;
  for (int i = 0; i < 4; i++)
    {
      t->shape[i] = i < ndim ? dims[i] : 1;
      if (i < ndim && used)
        t->numel *= dims[i];
    }
}

/* A layer's weight t[0], (d0, d1, d2, d3) over ndim dims, and its bias t[1],
 * (d0): one value per output. */
static void
set_layer (FlTensorInfo *t, const char *weight, const char *bias, gboolean used, int ndim,
           int d0, int d1, int d2, int d3)
{
  set_tensor (&t[0], weight, used, ndim, d0, d1, d2, d3);
  set_tensor (&t[1], bias, used, 1, d0, 0, 0, 0);
}

/* The image and text branches and the shared head: the first five routes'
 * tensors, whose offsets and order of drawing stay as they were. */
static void
layout_first (const FlConfig *c, FlTensorInfo *t, int F)
{
  gboolean img = fl_config_has_branch (c, FL_BRANCH_IMAGE);
  gboolean txt = fl_config_has_branch (c, FL_BRANCH_TEXT);
  gboolean late = c->fusion == FL_FUSION_LATE;
  gboolean gru = txt && c->text_encoder == FL_TEXT_GRU;
  int s4 = c->image_size / 4, D = c->feat_dim;

  set_layer (&t[FL_P_CONV1_W], "conv1.weight", "conv1.bias", img, 4, c->conv1, 3, 3, 3);
  set_layer (&t[FL_P_CONV2_W], "conv2.weight", "conv2.bias", img, 4, c->conv2, c->conv1, 3, 3);
  set_layer (&t[FL_P_IMG_FC_W], "img_fc.weight", "img_fc.bias", img, 2, c->feat_dim,
             c->conv2 * s4 * s4, 0, 0);
  /* stored (V,Ht), the transpose of torch's Linear(V,Ht).weight: its bias
   * is (Ht), the weight's second size, not set_layer()'s first */
  set_tensor (&t[FL_P_TXT_EMB_W], "txt_emb.weight", txt, 2, c->vocab_size, c->text_hidden, 0, 0);
  /* the gru's embedding is a lookup, nn.Embedding's, without a bias */
  set_tensor (&t[FL_P_TXT_EMB_B], "txt_emb.bias", txt && !gru, 1, c->text_hidden, 0, 0, 0);
  set_layer (&t[FL_P_TXT_FC_W], "txt_fc.weight", "txt_fc.bias", txt, 2, D,
             gru ? D : c->text_hidden, 0, 0);
  set_tensor (&t[FL_P_TXT_GRU_W_IH], "txt_gru.weight_ih_l0", gru, 2, 3 * D, c->text_hidden, 0, 0);
  set_tensor (&t[FL_P_TXT_GRU_W_HH], "txt_gru.weight_hh_l0", gru, 2, 3 * D, D, 0, 0);
  set_tensor (&t[FL_P_TXT_GRU_B_IH], "txt_gru.bias_ih_l0", gru, 1, 3 * D, 0, 0, 0);
  set_tensor (&t[FL_P_TXT_GRU_B_HH], "txt_gru.bias_hh_l0", gru, 1, 3 * D, 0, 0, 0);
  set_layer (&t[FL_P_HEAD1_W], "head1.weight", "head1.bias", !late, 2, c->head_hidden, F, 0, 0);
  set_layer (&t[FL_P_HEAD2_W], "head2.weight", "head2.bias", !late, 2, c->n_classes, c->head_hidden, 0, 0);
}

/* The audio and numeric branches. */
static void
layout_new_branches (const FlConfig *c, FlTensorInfo *t)
{
  gboolean aud = fl_config_has_branch (c, FL_BRANCH_AUDIO);
  gboolean num = fl_config_has_branch (c, FL_BRANCH_NUMERIC);
  int flat = c->audio_conv2 * (c->audio_mels / 8) * (c->audio_frames / 8);

  set_layer (&t[FL_P_AUD_CONV1_W], "aud_conv1.weight", "aud_conv1.bias", aud, 4,
             c->audio_conv1, 1, 3, 3);
  set_layer (&t[FL_P_AUD_CONV2_W], "aud_conv2.weight", "aud_conv2.bias", aud, 4,
             c->audio_conv2, c->audio_conv1, 3, 3);
  set_layer (&t[FL_P_AUD_FC_W], "aud_fc.weight", "aud_fc.bias", aud, 2, c->feat_dim, flat, 0, 0);
  set_layer (&t[FL_P_NUM_FC1_W], "num_fc1.weight", "num_fc1.bias", num, 2, c->numeric_hidden,
             2 * c->n_numeric, 0, 0);
  set_layer (&t[FL_P_NUM_FC2_W], "num_fc2.weight", "num_fc2.bias", num, 2, c->feat_dim,
             c->numeric_hidden, 0, 0);
}

/* gated, lowrank and late: a part per branch the model has. */
static void
layout_routes (const FlConfig *c, FlTensorInfo *t, int K)
{
  static const struct {
    FlParam gmu, lmf, late;
    const char *names[8];   /* gmu w, b; lmf; late 1 w, b, 2 w, b */
  } parts[FL_N_BRANCHES] = {
    { FL_P_GMU_V_W, FL_P_LMF_A, FL_P_LATE_IMG1_W, { "gmu_v.weight", "gmu_v.bias", "lmf_a.weight",
      "late_img1.weight", "late_img1.bias", "late_img2.weight", "late_img2.bias" } },
    { FL_P_GMU_T_W, FL_P_LMF_B, FL_P_LATE_TXT1_W, { "gmu_t.weight", "gmu_t.bias", "lmf_b.weight",
      "late_txt1.weight", "late_txt1.bias", "late_txt2.weight", "late_txt2.bias" } },
    { FL_P_GMU_AUD_W, FL_P_LMF_AUD, FL_P_LATE_AUD1_W, { "gmu_aud.weight", "gmu_aud.bias",
      "lmf_aud.weight", "late_aud1.weight", "late_aud1.bias", "late_aud2.weight", "late_aud2.bias" } },
    { FL_P_GMU_NUM_W, FL_P_LMF_NUM, FL_P_LATE_NUM1_W, { "gmu_num.weight", "gmu_num.bias",
      "lmf_num.weight", "late_num1.weight", "late_num1.bias", "late_num2.weight", "late_num2.bias" } },
  };
  gboolean gated = c->fusion == FL_FUSION_GATED, late = c->fusion == FL_FUSION_LATE;
  gboolean lowrank = c->fusion == FL_FUSION_LOWRANK;
  int D = c->feat_dim, H = c->head_hidden;

  for (int b = 0; b < FL_N_BRANCHES; b++)
    {
      const char *const *n = parts[b].names;
      gboolean has = fl_config_has_branch (c, b);

      set_layer (&t[parts[b].gmu], n[0], n[1], gated && has, 2, D, D, 0, 0);
      set_tensor (&t[parts[b].lmf], n[2], lowrank && has, 3, c->rank, D, D + 1, 0);
      set_layer (&t[parts[b].late], n[3], n[4], late && has, 2, H, D, 0, 0);
      set_layer (&t[parts[b].late + 2], n[5], n[6], late && has, 2, c->n_classes, H, 0, 0);
    }
  /* with two branches, (D, 2D): z = σ(W_z [a; b]) */
  set_layer (&t[FL_P_GMU_Z_W], "gmu_z.weight", "gmu_z.bias", gated, 2, (K - 1) * D, K * D, 0, 0);
  set_tensor (&t[FL_P_LATE_ALPHA], "late_alpha", late, 1, K, 0, 0, 0);
}

gsize
fl_model_layout (const FlConfig *cfg, FlTensorInfo tensors[FL_N_PARAMS])
{
  int K = fl_branches_count (fl_config_branches (cfg));
  gsize n_params = 0;

  /* the routes and branches added later come after the first five
   * routes' tensors, so those keep their offsets and draw their initial
   * values in the same order */
  layout_first (cfg, tensors, fl_fusion_width (cfg->fusion, K, cfg->feat_dim));
  layout_routes (cfg, tensors, K);
  layout_new_branches (cfg, tensors);
  for (int p = 0; p < FL_N_PARAMS; p++)
    {
      tensors[p].offset = n_params;
      n_params += tensors[p].numel;
    }
  return n_params;
}

/* The branches' activations in layout_acts(), (n) samples: the image's,
 * the text's, the audio's and the numeric's. */
#define TAKE(field, type, count) \
  do { a->field = block ? (type *) (block + used) : NULL; used += (count); } while (0)

static gsize
layout_branch_acts (Acts *a, float *block, const FlConfig *c, gsize n)
{
  gboolean img = fl_config_has_branch (c, FL_BRANCH_IMAGE);
  gboolean aud = fl_config_has_branch (c, FL_BRANCH_AUDIO);
  gsize S = c->image_size, S2 = S / 2, S4 = S / 4;
  gsize M = c->audio_mels, T = c->audio_frames, a1 = c->audio_conv1, a2 = c->audio_conv2;
  gboolean txt = fl_config_has_branch (c, FL_BRANCH_TEXT);
  gboolean gru = txt && c->text_encoder == FL_TEXT_GRU;
  gsize L = gru ? c->max_tokens : 0, D = c->feat_dim, E = c->text_hidden;
  gsize used = 0;

  TAKE (p1, float, img ? n * c->conv1 * S2 * S2 : 0);
  TAKE (am1, gint32, img ? n * c->conv1 * S2 * S2 : 0);
  TAKE (p2, float, img ? n * c->conv2 * S4 * S4 : 0);
  TAKE (am2, gint32, img ? n * c->conv2 * S4 * S4 : 0);
  TAKE (t1, float, txt ? n * (gru ? D : E) : 0);
  TAKE (tlen, gint32, n * (L > 0));
  TAKE (tx, float, n * L * E);
  TAKE (tg, float, n * L * 3 * D);
  TAKE (tn, float, n * L * D);
  TAKE (th, float, gru ? n * (L + 1) * D : 0);
  TAKE (ap1, float, aud ? n * a1 * (M / 2) * (T / 2) : 0);
  TAKE (aam1, gint32, aud ? n * a1 * (M / 2) * (T / 2) : 0);
  TAKE (ap2, float, aud ? n * a2 * (M / 4) * (T / 4) : 0);
  TAKE (aam2, gint32, aud ? n * a2 * (M / 4) * (T / 4) : 0);
  TAKE (ap3, float, aud ? n * a2 * (M / 8) * (T / 8) : 0);
  TAKE (aam3, gint32, aud ? n * a2 * (M / 8) * (T / 8) : 0);
  TAKE (n1, float, fl_config_has_branch (c, FL_BRANCH_NUMERIC) ? n * c->numeric_hidden : 0);
  return used;
}

/* Lays out an Acts for n samples inside block (or, with block NULL, only
 * counts). Returns the number of floats needed. gint32 and float share a size,
 * so argmax arrays live in the same block. */
gsize
_fl_model_layout_acts (Acts *a, float *block, const FlConfig *c, int n)
{
  gboolean gated = c->fusion == FL_FUSION_GATED, late = c->fusion == FL_FUSION_LATE;
  gboolean lowrank = c->fusion == FL_FUSION_LOWRANK;
  guint branches = fl_config_branches (c);
  int K = fl_branches_count (branches);
  gsize nD = (gsize) n * c->feat_dim, nH = (gsize) n * c->head_hidden, nC = (gsize) n * c->n_classes;
  gsize used = layout_branch_acts (a, block, c, n);
  G_STATIC_ASSERT (sizeof (gint32) == sizeof (float));

  for (int b = 0; b < FL_N_BRANCHES; b++)
    {
      gboolean has = (branches & FL_BRANCH_BIT (b)) != 0;

      TAKE (x[b], float, has ? nD : 0);
      TAKE (gh[b], float, has && gated ? nD : 0);
      TAKE (lp[b], float, has && lowrank ? nD * c->rank : 0);
      TAKE (hh[b], float, has && late ? nH : 0);
      TAKE (hl[b], float, has && late ? nC : 0);
      TAKE (hp[b], float, has && late ? nC : 0);
    }
  TAKE (gz, float, gated ? nD * (K - 1) : 0);
  TAKE (f, float, (gsize) n * fl_fusion_width (c->fusion, K, c->feat_dim));
  TAKE (h, float, late ? 0 : nH);
  TAKE (logits, float, nC);
  TAKE (probs, float, nC);
  return used;
}
#undef TAKE
