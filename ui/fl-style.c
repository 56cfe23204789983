/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-style"

#include "fl-style.h"
#include "fl-i18n.h"

#include <gtk/gtk.h>

static const char *const palette[FL_N_COLORS] = {
  [FL_COLOR_BLUE] = "#0072B2",
  [FL_COLOR_VERMILLION] = "#D55E00",
  [FL_COLOR_GREEN] = "#009E73",
  [FL_COLOR_PURPLE] = "#CC79A7",
  [FL_COLOR_ORANGE] = "#E69F00",
  [FL_COLOR_SKY] = "#56B4E9",
  [FL_COLOR_YELLOW] = "#F0E442",
  [FL_COLOR_BLACK] = "#000000",
  /* beyond Okabe and Ito's eight, for the ninth and tenth route: Paul
   * Tol's grey and wine, still told apart by colour-blind viewers */
  [FL_COLOR_GREY] = "#999999",
  [FL_COLOR_WINE] = "#882255",
};

static const char *const run_classes[FL_N_COLORS] = {
  "fl-run-color-0", "fl-run-color-1", "fl-run-color-2", "fl-run-color-3",
  "fl-run-color-4", "fl-run-color-5", "fl-run-color-6", "fl-run-color-7",
  "fl-run-color-8", "fl-run-color-9",
};

/* In the order of the training panel's drop-down. */
static const struct {
  FlFusion    fusion;
  const char *title;
  const char *short_title;
  const char *explain;
} fusions[] = {
  { FL_FUSION_CONCAT, NC_("fusion route", "Concatenate"), NC_("fusion route", "Concat"),
    N_("Keeps the picture's and the words' features side by side, so the model can use each on its own.") },
  { FL_FUSION_MEAN, NC_("fusion route", "Mean"), NC_("fusion route", "Mean"),
    N_("Averages the picture's and the words' features into one: each can make up for the other.") },
  { FL_FUSION_PRODUCT, NC_("fusion route", "Product"), NC_("fusion route", "Product"),
    N_("Multiplies the two, feature by feature: a feature counts only where picture and words agree.") },
  { FL_FUSION_GATED, NC_("fusion route", "Gated"), NC_("fusion route", "Gated"),
    N_("A learned gate decides, feature by feature and sample by sample, how much to trust the picture and how much the words.") },
  { FL_FUSION_LATE, NC_("fusion route", "Late (heads voting)"), NC_("fusion route", "Late"),
    N_("The picture and the words each get their own classifier, and their answers are mixed by a learned vote.") },
  { FL_FUSION_LOWRANK, NC_("fusion route", "Low-rank bilinear"), NC_("fusion route", "Low-rank"),
    N_("Lets every picture feature interact with every word feature, in a cheap compressed form.") },
  { FL_FUSION_IMAGE, NC_("fusion route", "Image only"), NC_("fusion route", "Image only"),
    N_("Ignores the words and learns from the pictures alone — a baseline to compare against.") },
  { FL_FUSION_TEXT, NC_("fusion route", "Text only"), NC_("fusion route", "Text only"),
    N_("Ignores the pictures and learns from the words alone — a baseline to compare against.") },
  { FL_FUSION_AUDIO, NC_("fusion route", "Sound only"), NC_("fusion route", "Sound only"),
    N_("Learns from the sound alone — a baseline to compare against.") },
  { FL_FUSION_NUMERIC, NC_("fusion route", "Numbers only"), NC_("fusion route", "Numbers only"),
    N_("Learns from the numeric columns alone — a baseline to compare against.") },
};

static const struct {
  const char *metric;
  const char *explain;
} metrics[] = {
  { "accuracy",
    N_("Accuracy: out of every 100 validation samples — ones the model never trained on — "
       "how many it put in the right class. Shown for its best epoch.") },
  { "macro-f1",
    N_("Macro-F1: for each class, a score that is high only when the model finds most of "
       "that class (recall) and is usually right when it says so (precision); then the "
       "average over classes, so a small class counts as much as a big one.") },
  { "best-epoch",
    N_("Best epoch: the pass over the training data after which the validation accuracy "
       "was highest. Later epochs may be worse when the model starts to learn its "
       "training samples by heart (overfitting).") },
  { "time", N_("Time: how long the training took on this computer.") },
  { "parameters",
    N_("Parameters: how many numbers the model adjusts as it learns. More is not always "
       "better: a bigger model can memorise instead of learning.") },
  { "loss",
    N_("Loss: how surprised the model is by the right answers, on average. It should go "
       "down as the model learns; a validation loss that goes up again means overfitting.") },
};

const char *
fl_color_hex (FlColor color)
{
  g_return_val_if_fail (color < FL_N_COLORS, palette[0]);
  return palette[color];
}

void
fl_color_rgba (FlColor  color,
               GdkRGBA *rgba)
{
  gdk_rgba_parse (rgba, fl_color_hex (color));
}

const char *
fl_run_color (int i)
{
  return palette[(guint) i % FL_N_COLORS];
}

const char *
fl_run_color_class (int i)
{
  return run_classes[(guint) i % FL_N_COLORS];
}

const FlFusion *
fl_fusions (guint *n_fusions)
{
  static const FlFusion order[] = {
    FL_FUSION_CONCAT, FL_FUSION_MEAN, FL_FUSION_PRODUCT, FL_FUSION_GATED, FL_FUSION_LATE,
    FL_FUSION_LOWRANK, FL_FUSION_IMAGE, FL_FUSION_TEXT, FL_FUSION_AUDIO, FL_FUSION_NUMERIC,
  };

  /* every route has its words and a place in the menu */
  G_STATIC_ASSERT (G_N_ELEMENTS (fusions) == FL_N_FUSIONS);
  G_STATIC_ASSERT (G_N_ELEMENTS (order) == FL_N_FUSIONS);
  *n_fusions = G_N_ELEMENTS (order);
  return order;
}

guint
fl_fusions_possible (guint    present,
                     FlFusion out[FL_N_FUSIONS])
{
  guint n_all, n = 0;
  const FlFusion *order = fl_fusions (&n_all);

  for (guint i = 0; i < n_all; i++)
    if (fl_train_route_possible (order[i], present))
      out[n++] = order[i];
  return n;
}

static int
fusion_index (FlFusion fusion)
{
  for (guint i = 0; i < G_N_ELEMENTS (fusions); i++)
    if (fusions[i].fusion == fusion)
      return (int) i;
  return -1;
}

const char *
fl_fusion_title (FlFusion fusion)
{
  int i = fusion_index (fusion);
  return i >= 0 ? g_dpgettext2 (GETTEXT_PACKAGE, "fusion route", fusions[i].title) : "";
}

const char *
fl_fusion_short_title (FlFusion fusion)
{
  int i = fusion_index (fusion);
  return i >= 0 ? g_dpgettext2 (GETTEXT_PACKAGE, "fusion route", fusions[i].short_title) : "";
}

const char *
fl_fusion_explain (FlFusion fusion)
{
  int i = fusion_index (fusion);
  return i >= 0 ? _(fusions[i].explain) : "";
}

/* ---- the branches -------------------------------------------------------- */

/* Shown translated: the titles in context "modality", the nouns and
 * plurals in "modality noun", the possessives in "modality possessive"
 * (branch_word()). */
static const struct {
  FlColor     color;
  const char *title;       /* "Picture" */
  const char *noun;        /* "the picture" */
  const char *possessive;  /* "the picture's" */
  const char *plural;      /* "the pictures": what a baseline learns from */
} branch_words[FL_N_BRANCHES] = {
  [FL_BRANCH_IMAGE] = { FL_COLOR_ORANGE, NC_("modality", "Picture"), NC_("modality noun", "the picture"),
                        NC_("modality possessive", "the picture's"), NC_("modality noun", "the pictures") },
  [FL_BRANCH_TEXT] = { FL_COLOR_BLUE, NC_("modality", "Words"), NC_("modality noun", "the words"),
                       NC_("modality possessive", "the words'"), NC_("modality noun", "the words") },
  [FL_BRANCH_AUDIO] = { FL_COLOR_GREEN, NC_("modality", "Sound"), NC_("modality noun", "the sound"),
                        NC_("modality possessive", "the sound's"), NC_("modality noun", "the sound") },
  [FL_BRANCH_NUMERIC] = { FL_COLOR_PURPLE, NC_("modality", "Numbers"), NC_("modality noun", "the numbers"),
                          NC_("modality possessive", "the numbers'"), NC_("modality noun", "the numbers") },
};

static const char *
branch_word (const char *context,
             const char *word)
{
  return g_dpgettext2 (GETTEXT_PACKAGE, context, word);
}

FlColor
fl_branch_color (FlBranch branch)
{
  g_return_val_if_fail ((guint) branch < FL_N_BRANCHES, FL_COLOR_BLACK);
  return branch_words[branch].color;
}

const char *
fl_branch_title (FlBranch branch)
{
  g_return_val_if_fail ((guint) branch < FL_N_BRANCHES, "");
  return branch_word ("modality", branch_words[branch].title);
}

const char *
fl_branch_noun (FlBranch branch)
{
  g_return_val_if_fail ((guint) branch < FL_N_BRANCHES, "");
  return branch_word ("modality noun", branch_words[branch].noun);
}

const char *
fl_branch_plural (FlBranch branch)
{
  g_return_val_if_fail ((guint) branch < FL_N_BRANCHES, "");
  return branch_word ("modality noun", branch_words[branch].plural);
}

/* The branches' words of the kind at offset (a field of branch_words),
 * as a list: "A", "A and B", "A, B and C". */
#define WORDS(field) G_STRUCT_OFFSET (__typeof__ (branch_words[0]), field)

static char *
branch_list (guint branches,
             gsize field)
{
  GString *s = g_string_new (NULL);
  int n = fl_branches_count (branches), k = 0;

  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (branches & FL_BRANCH_BIT (b))
      {
        const char *word = branch_word (field == WORDS (possessive) ? "modality possessive" : "modality noun",
                                        G_STRUCT_MEMBER (const char *, &branch_words[b], field));

        /* TRANSLATORS: between the last two of a list of modalities ("the
         * picture, the words and the sound"), then between the others */
        g_string_append_printf (s, "%s%s", k == 0 ? "" : k == n - 1 ? _(" and ") : _(", "), word);
        k++;
      }
  return g_string_free (s, FALSE);
}

char *
fl_branches_title (guint branches)
{
  GString *s = g_string_new (NULL);

  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (branches & FL_BRANCH_BIT (b))
      g_string_append_printf (s, "%s%s", s->len > 0 ? " + " : "", fl_branch_title (b));
  return g_string_free (s, FALSE);
}

/* A baseline's sentence over a set of branches: those it ignores and its
 * own. */
static char *
explain_baseline (FlFusion fusion,
                  guint    branches)
{
  int own = fl_fusion_single_branch (fusion);
  guint others = branches & ~FL_BRANCH_BIT (own);
  g_autofree char *ignored = branch_list (others, WORDS (plural));

  if (others == 0)
    return g_strdup (fl_fusion_explain (fusion));
  /* TRANSLATORS: the first %s is the modalities a baseline ignores ("the
   * pictures and the words"), the second its own ("the sound") */
  return g_strdup_printf (fl_branches_count (others) > 1
                          ? _("Ignores %s, and learns from %s alone — a baseline to compare against.")
                          : _("Ignores %s and learns from %s alone — a baseline to compare against."),
                          ignored, fl_branch_plural (own));
}

/* A route's sentence over a set of branches other than the picture and
 * the words, which the table above says in its own way. The %s are lists
 * of modalities: "the picture's, the words' and the sound's" (owners) or
 * "the picture, the words and the sound" (nouns). */
static char *
explain_branches (FlFusion fusion,
                  guint    branches)
{
  g_autofree char *nouns = branch_list (branches, WORDS (noun));
  g_autofree char *owners = branch_list (branches, WORDS (possessive));
  gboolean many = fl_branches_count (branches) > 2;

  switch (fusion)
    {
    case FL_FUSION_CONCAT:
      return g_strdup_printf (_("Keeps %s features side by side, so the model can use each on its own."), owners);
    case FL_FUSION_MEAN:
      return g_strdup_printf (many ? _("Averages %s features into one: each can make up for the others.")
                                   : _("Averages %s features into one: each can make up for the other."), owners);
    case FL_FUSION_PRODUCT:
      /* over three or more, (1 + x_1) ⊙ … ⊙ (1 + x_K) − 1: every product
       * of some of them (fl-ops.h) */
      if (many)
        return g_strdup_printf (_("Adds up, feature by feature, the features of %s, the products of every two "
                                  "and the product of all: a feature counts most where they all agree."), nouns);
      return g_strdup_printf (_("Multiplies them, feature by feature: a feature counts only where %s agree."), nouns);
    case FL_FUSION_GATED:
      return g_strdup_printf (_("A learned gate decides, feature by feature and sample by sample, how much to "
                                "trust each of %s."), nouns);
    case FL_FUSION_LATE:
      /* the list starts the sentence: its first letter in capitals */
      nouns[0] = g_ascii_toupper (nouns[0]);
      return g_strdup_printf (_("%s each get their own classifier, and their answers are mixed by a learned "
                                "vote."), nouns);
    case FL_FUSION_LOWRANK:
      return g_strdup_printf (many ? _("Lets every feature of %s interact with every feature of the others, in a "
                                       "cheap compressed form.")
                                   : _("Lets every feature of %s interact with every feature of the other, in a "
                                       "cheap compressed form."), nouns);
    default:
      return explain_baseline (fusion, branches);
    }
}

const char *
fl_fusion_explain_for (FlFusion fusion,
                       guint    branches)
{
  g_autofree char *text = NULL;

  if (branches == 0 || branches == FL_BRANCHES_IMAGE_TEXT || fusion_index (fusion) < 0)
    return fl_fusion_explain (fusion);
  /* a handful of routes × branch sets: kept for the life of the program,
   * so that the string is as static as the table's */
  text = explain_branches (fusion, branches);
  return g_intern_string (text);
}

const char *
fl_metric_explain (const char *metric)
{
  for (guint i = 0; i < G_N_ELEMENTS (metrics); i++)
    if (g_strcmp0 (metric, metrics[i].metric) == 0)
      return _(metrics[i].explain);
  return "";
}

static const struct {
  const char *name;      /* fl_match_loss_to_string() */
  const char *title;
  const char *explain;
} match_losses[] = {
  { "infonce", NC_("match loss", "InfoNCE"),
    N_("Contrastive, as in CLIP: in each batch, every picture is pulled towards its own words and pushed "
       "from the others', and every text likewise") },
  { "hinge", NC_("match loss", "VSE++ hinge"),
    N_("Max of hinges, as in VSE++: each true pair must beat its hardest wrong partner in the batch by a margin") },
  { "mapping", NC_("match loss", "Mapping y = f(x)"),
    N_("The seed's y = f(x): the picture's side learns to land on its words' point, the words' side kept "
       "as it started (1 − cosine); nothing pushes wrong pairs apart") },
};

const char *
fl_match_loss_title (FlMatchLoss loss)
{
  const char *name = fl_match_loss_to_string (loss);

  for (guint i = 0; i < G_N_ELEMENTS (match_losses); i++)
    if (g_strcmp0 (name, match_losses[i].name) == 0)
      return g_dpgettext2 (GETTEXT_PACKAGE, "match loss", match_losses[i].title);
  return name != NULL ? name : "";
}

const char *
fl_match_loss_explain (FlMatchLoss loss)
{
  const char *name = fl_match_loss_to_string (loss);

  for (guint i = 0; i < G_N_ELEMENTS (match_losses); i++)
    if (g_strcmp0 (name, match_losses[i].name) == 0)
      return _(match_losses[i].explain);
  return "";
}

const char *
fl_run_status_title (FlRunStatus status)
{
  switch (status)
    {
    case FL_RUN_PENDING: return C_("run status", "Waiting");
    case FL_RUN_RUNNING: return C_("run status", "Training");
    case FL_RUN_DONE: return C_("run status", "Done");
    case FL_RUN_FAILED: return C_("run status", "Failed");
    case FL_RUN_CANCELLED: return C_("run status", "Stopped");
    default: return "";
    }
}

char *
fl_format_duration (double seconds)
{
  gint64 s;

  if (!(seconds >= 0.0 && seconds < 1e9))
    return g_strdup ("—");
  s = (gint64) (seconds + 0.5);
  if (s >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60), (int) (s % 60));
  return g_strdup_printf ("%d:%02d", (int) (s / 60), (int) (s % 60));
}

char *
fl_style_get_css (void)
{
  g_autoptr(GBytes) sheet = NULL;
  GString *css = g_string_new ("/* generated from the palette (ui/fl-style.c) */\n");

  g_string_append_printf (css, "@define-color fl_accent %s;\n", fl_color_hex (FL_COLOR_ACCENT));
  /* run i's check box in its curves' colour */
  for (int i = 0; i < FL_N_COLORS; i++)
    g_string_append_printf (css, ".%s check:checked { background-image: none; background-color: %s; "
                                 "border-color: %s; color: white; }\n",
                            fl_run_color_class (i), fl_run_color (i), fl_run_color (i));
  sheet = g_resources_lookup_data ("/org/fusionlab/FusionLab/style.css", 0, NULL);
  if (sheet != NULL)
    g_string_append_len (css, g_bytes_get_data (sheet, NULL), (gssize) g_bytes_get_size (sheet));
  return g_string_free (css, FALSE);
}

/* Once per display: here rather than in the application so that a window
 * made without one (the tests) looks the same. */
void
fl_style_load (GdkDisplay *display)
{
  g_autoptr(GtkCssProvider) provider = NULL;
  g_autofree char *css = NULL;

  if (g_object_get_data (G_OBJECT (display), "fl-style") != NULL)
    return;
  css = fl_style_get_css ();
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, css, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "fl-style", g_steal_pointer (&provider), g_object_unref);
}
