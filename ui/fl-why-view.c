/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-why-view"

#include "fl-why-view.h"
#include "fl-gate-chart.h"
#include "fl-i18n.h"
#include "fl-reliance-chart.h"
#include "fl-style.h"
#include "fl-ui-util.h"

#include <math.h>
#include <string.h>

/* the maps by FlFeatureKind: the action's targets, and the words (in
 * sentences of show_map() and map_activated_cb()) */
static const char *const map_names[FL_N_FEATURE_MAPS] = { "image", "text", "fused" };
static const char *const map_words[FL_N_FEATURE_MAPS] = { N_("image features"), N_("text features"),
                                                          N_("fused features") };

struct _FlWhyView {
  GtkWidget         parent_instance;

  /* template widgets */
  GtkLabel         *counts_label;
  GtkWidget        *rescued_button;
  GtkWidget        *hurt_button;
  GtkWidget        *reliance_box;
  GtkDrawingArea   *reliance_area;
  GtkLabel         *reliance_label;
  GtkWidget        *gate_box;
  GtkDrawingArea   *gate_area;
  GtkLabel         *gate_label;
  GtkLabel         *note_label;
  GtkWidget        *map_buttons[FL_N_FEATURE_MAPS];
  FlFeatureMap     *map;
  GtkLabel         *map_caption;

  FlSessionInsight *tracker;
  FlInsight        *insight;       /* shown, or NULL */
  FlFeatureKind     kind;          /* the map shown */
  FlRelianceBars    bars;          /* laid out once per insight */
  double           *gate_mean;     /* (n_classes, FL_N_BRANCHES) the gate
                                    * chart's, or NULL */
  guint             gate_branches;
  guint             gate_hist[FL_N_BRANCHES * FL_GATE_BINS];
};

G_DEFINE_FINAL_TYPE (FlWhyView, fl_why_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MAP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SHOW_ROWS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the reliance bars --------------------------------------------------------- */

static void
draw_reliance_cb (GtkDrawingArea *area,
                  cairo_t        *cr,
                  int             width,
                  int             height,
                  gpointer        data)
{
  FlWhyView *self = data;
  GdkRGBA fg;

  if (self->bars.n == 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  fl_reliance_bars_render (&self->bars, cr, width, height, &fg);
}

static void
show_reliance (FlWhyView *self)
{
  const FlInsight *ins = self->insight;
  const FlReliance *r;
  double drop[FL_N_BRANCHES];
  g_autofree char *sentence = NULL;

  fl_reliance_bars_clear (&self->bars);
  gtk_widget_set_visible (self->reliance_box, ins != NULL && ins->has_reliance);
  if (ins == NULL || !ins->has_reliance)
    return;
  r = &ins->reliance;
  for (int b = 0; b < FL_N_BRANCHES; b++)
    drop[b] = 100.0 * r->acc_drop[b];
  fl_reliance_bars_set (&self->bars, r->branches, drop, gtk_widget_get_pango_context (GTK_WIDGET (self->reliance_area)));
  gtk_drawing_area_set_content_height (self->reliance_area, fl_reliance_bars_height (self->bars.n));
  sentence = fl_reliance_sentence (ins->fusion, r->branches, drop);
  gtk_label_set_text (self->reliance_label, sentence);
  gtk_widget_queue_draw (GTK_WIDGET (self->reliance_area));
}

/* ---- the gate ------------------------------------------------------------------ */

static void
draw_gate_cb (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        data)
{
  FlWhyView *self = data;
  GdkRGBA fg;

  if (self->gate_mean == NULL)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  fl_gate_chart_render (self->gate_mean, self->gate_branches, (const char *const *) self->insight->class_names,
                        self->insight->n_classes, self->gate_hist, FL_GATE_BINS, cr,
                        gtk_widget_get_pango_context (GTK_WIDGET (area)), width, height, &fg);
}

/* "For circle-cold the gate trusts the picture 71% of the way; for
 * square-warm, 23%.": the classes it trusts the first branch most and
 * least on. */
static char *
gate_sentence_two (const FlInsight *ins,
                   int              first)
{
  const double *g = ins->gate_mean;
  int most = -1, least = -1;

  for (int c = 0; c < ins->n_classes; c++)
    if (isfinite (g[c * FL_N_BRANCHES + first]))
      {
        most = most < 0 || g[c * FL_N_BRANCHES + first] > g[most * FL_N_BRANCHES + first] ? c : most;
        least = least < 0 || g[c * FL_N_BRANCHES + first] < g[least * FL_N_BRANCHES + first] ? c : least;
      }
  if (most < 0)
    return g_strdup (_("No class has a validation sample to weigh the gate on."));
  if (least == most)
    /* TRANSLATORS: a class name, a modality ("the picture") and the
     * gate's mean weight on it for that class */
    return g_strdup_printf (_("For %s the gate trusts %s %.0f%% of the way."), ins->class_names[most],
                            fl_branch_noun (first), 100.0 * g[most * FL_N_BRANCHES + first]);
  /* TRANSLATORS: as above, then another class name and its weight */
  return g_strdup_printf (_("For %s the gate trusts %s %.0f%% of the way; for %s, %.0f%%."),
                          ins->class_names[most], fl_branch_noun (first), 100.0 * g[most * FL_N_BRANCHES + first],
                          ins->class_names[least], 100.0 * g[least * FL_N_BRANCHES + first]);
}

/* The items as a list: "A", "A and B", "A, B and C" (last: the
 * translated " and " or " or "). */
static char *
join_list (GPtrArray  *items,
           const char *last)
{
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < items->len; k++)
    {
      if (k > 0)
        /* TRANSLATORS: between the items of a list but the last two */
        g_string_append (s, k == items->len - 1 ? last : C_("list", ", "));
      g_string_append (s, g_ptr_array_index (items, k));
    }
  return g_string_free (s, FALSE);
}

/* Over more branches: each one's mean weight over the classes, and the
 * class on which the gate trusts one branch the most. */
static char *
gate_sentence (const FlInsight *ins)
{
  const double *g = ins->gate_mean;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *list = NULL;
  int best_c = -1, best_b = -1, n = 0, K = fl_branches_count (ins->gate_branches);

  if (K == 2)
    return gate_sentence_two (ins, g_bit_nth_lsf (ins->gate_branches, -1));
  for (int c = 0; c < ins->n_classes; c++)
    for (int b = 0; b < FL_N_BRANCHES; b++)
      if ((ins->gate_branches & FL_BRANCH_BIT (b)) && isfinite (g[c * FL_N_BRANCHES + b]) &&
          (best_c < 0 || g[c * FL_N_BRANCHES + b] > g[best_c * FL_N_BRANCHES + best_b]))
        best_c = c, best_b = b;
  if (best_c < 0)
    return g_strdup (_("No class has a validation sample to weigh the gate on."));
  items = g_ptr_array_new_with_free_func (g_free);
  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (ins->gate_branches & FL_BRANCH_BIT (b))
      {
        double sum = 0.0;

        n = 0;
        for (int c = 0; c < ins->n_classes; c++)
          if (isfinite (g[c * FL_N_BRANCHES + b]))
            sum += g[c * FL_N_BRANCHES + b], n++;
        /* TRANSLATORS: a modality ("the picture") and the gate's mean
         * weight on it, an item of a list */
        g_ptr_array_add (items, g_strdup_printf (C_("gate weight", "%s %.0f%%"), fl_branch_noun (b),
                                                 100.0 * sum / MAX (n, 1)));
      }
  list = join_list (items, C_("list", " and "));
  /* TRANSLATORS: a list such as "the picture 40%, the words 30% and the
   * sound 30%", then a modality, a class name and the gate's weight */
  return g_strdup_printf (_("On average the gate gives %s; it trusts %s most for %s (%.0f%%)."), list,
                          fl_branch_noun (best_b), ins->class_names[best_c],
                          100.0 * g[best_c * FL_N_BRANCHES + best_b]);
}

static void
show_gate (FlWhyView *self)
{
  const FlInsight *ins = self->insight;
  g_autofree char *sentence = NULL;

  g_clear_pointer (&self->gate_mean, g_free);
  gtk_widget_set_visible (self->gate_box, ins != NULL && ins->gate_mean != NULL);
  if (ins == NULL || ins->gate_mean == NULL)
    return;
  self->gate_mean = g_memdup2 (ins->gate_mean, sizeof (double) * ins->n_classes * FL_N_BRANCHES);
  self->gate_branches = ins->gate_branches;
  memcpy (self->gate_hist, ins->gate_hist, sizeof self->gate_hist);
  gtk_drawing_area_set_content_height (self->gate_area,
                                       (int) ceil (fl_gate_chart_height (ins->n_classes, ins->gate_branches)));
  sentence = gate_sentence (ins);
  gtk_label_set_text (self->gate_label, sentence);
  gtk_widget_queue_draw (GTK_WIDGET (self->gate_area));
}

/* ---- the counts ------------------------------------------------------------------ */

/* "the picture alone, the words alone and the sound alone" (last: the
 * translated " and " or " or ") of the branches of branches. */
static char *
alone (guint       branches,
       const char *last)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (branches & FL_BRANCH_BIT (b))
      /* TRANSLATORS: a modality ("the picture", "the words"): the run that
       * learns from it alone */
      g_ptr_array_add (items, g_strdup_printf (_("%s alone"), fl_branch_noun (b)));
  return join_list (items, last);
}

static void
show_counts (FlWhyView *self)
{
  const FlInsight *ins = self->insight;
  g_autofree char *text = NULL, *them = NULL;
  gboolean counted = ins != NULL && ins->rescued != NULL;

  if (counted)
    {
      them = alone (ins->compared, C_("list", " and "));
      text = g_markup_printf_escaped (fl_branches_count (ins->compared) == 2
                                      /* TRANSLATORS: the fused run's name, the samples it rescued, the
                                       * runs of one modality ("the picture alone and the words alone"),
                                       * the samples it hurt, the validation samples */
                                      ? g_dngettext (GETTEXT_PACKAGE, "Fusion (<b>%s</b>) got <b>%u</b> sample "
                                                     "right that both %s got wrong (<i>rescued</i>), and <b>%u</b> "
                                                     "wrong that one of them got right (<i>hurt</i>), of %d "
                                                     "validation samples.",
                                                     "Fusion (<b>%s</b>) got <b>%u</b> samples right that both %s "
                                                     "got wrong (<i>rescued</i>), and <b>%u</b> wrong that one of "
                                                     "them got right (<i>hurt</i>), of %d validation samples.",
                                                     ins->rescued->len)
                                      /* TRANSLATORS: as above, with three modalities or more */
                                      : g_dngettext (GETTEXT_PACKAGE, "Fusion (<b>%s</b>) got <b>%u</b> sample "
                                                     "right that %s all "
                                                     "got wrong (<i>rescued</i>), and <b>%u</b> wrong that one of "
                                                     "them got right (<i>hurt</i>), of %d validation samples.",
                                                     "Fusion (<b>%s</b>) got <b>%u</b> samples right that %s all "
                                                     "got wrong (<i>rescued</i>), and <b>%u</b> wrong that one of "
                                                     "them got right (<i>hurt</i>), of %d validation samples.",
                                                     ins->rescued->len),
                                      ins->run_name, ins->rescued->len, them, ins->hurt->len, ins->n);
    }
  else if (ins != NULL)
    text = g_markup_printf_escaped ("<b>%s</b>: %s", ins->run_name, ins->note != NULL ? ins->note : "");
  else
    text = g_markup_escape_text (fl_session_insight_get_message (self->tracker), -1);
  gtk_label_set_markup (self->counts_label, text);
  gtk_widget_set_visible (self->rescued_button, counted);
  gtk_widget_set_visible (self->hurt_button, counted);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "why.show-rescued", counted && ins->rescued->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "why.show-hurt", counted && ins->hurt->len > 0);
  /* the note says what is missing, unless the counts line said it */
  gtk_label_set_text (self->note_label, counted && ins->note != NULL ? ins->note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), counted && ins->note != NULL);
}

static void
show_rows_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FlWhyView *self = FL_WHY_VIEW (widget);
  gboolean rescued = g_str_equal (action_name, "why.show-rescued");
  const FlInsight *ins = self->insight;
  GArray *rows = ins != NULL ? (rescued ? ins->rescued : ins->hurt) : NULL;
  g_autofree char *title = NULL, *them = NULL;

  if (rows == NULL)
    return;
  them = alone (ins->compared, rescued ? C_("list", " and ") : C_("list", " or "));
  if (rescued && fl_branches_count (ins->compared) == 2)
    /* TRANSLATORS: the gallery's title: a count, the fused run's name,
     * the runs of one modality ("the picture alone and the words alone") */
    title = g_markup_printf_escaped (g_dngettext (GETTEXT_PACKAGE, "The <b>%u</b> sample <b>%s</b> got right "
                                                  "that both %s got wrong",
                                                  "The <b>%u</b> samples <b>%s</b> got right that both %s got wrong",
                                                  rows->len), rows->len, ins->run_name, them);
  else if (rescued)
    /* TRANSLATORS: as above, with three modalities or more */
    title = g_markup_printf_escaped (g_dngettext (GETTEXT_PACKAGE, "The <b>%u</b> sample <b>%s</b> got right "
                                                  "that %s all got wrong",
                                                  "The <b>%u</b> samples <b>%s</b> got right that %s all got wrong",
                                                  rows->len), rows->len, ins->run_name, them);
  else
    /* TRANSLATORS: a count, the fused run's name, the runs of one
     * modality ("the picture alone or the words alone") */
    title = g_markup_printf_escaped (g_dngettext (GETTEXT_PACKAGE, "The <b>%u</b> sample <b>%s</b> got wrong "
                                                  "that %s got right",
                                                  "The <b>%u</b> samples <b>%s</b> got wrong that %s got right",
                                                  rows->len), rows->len, ins->run_name, them);
  g_signal_emit (self, signals[SIGNAL_SHOW_ROWS], 0, (const gint32 *) rows->data, (int) rows->len, title);
}

/* ---- the map ---------------------------------------------------------------------- */

static void
show_map (FlWhyView *self)
{
  const FlInsight *ins = self->insight;
  const float *xy = ins != NULL ? ins->maps[self->kind] : NULL;
  g_autofree char *placeholder = NULL, *caption = NULL;

  for (int k = 0; k < FL_N_FEATURE_MAPS; k++)
    gtk_widget_set_sensitive (self->map_buttons[k], ins != NULL && ins->maps[k] != NULL);
  if (xy == NULL)
    {
      if (ins != NULL && ins->has_reliance)
        /* TRANSLATORS: a run's name, then "image features" or "text features" */
        placeholder = g_strdup_printf (_("%s has no %s: its route does not have that branch."), ins->run_name,
                                       _(map_words[self->kind]));
      fl_feature_map_set_points (self->map, 0, NULL, NULL, NULL, NULL, NULL, NULL);
      fl_feature_map_set_placeholder (self->map, placeholder != NULL ? placeholder
                                      : ins == NULL ? fl_session_insight_get_message (self->tracker)
                                      : _("The feature maps need the model: train again to see them."));
      gtk_label_set_text (self->map_caption, "");
      return;
    }
  fl_feature_map_set_points (self->map, ins->n, xy, ins->labels, ins->predicted, ins->rows,
                             (const char *const *) ins->class_names, ins->explained[self->kind]);
  /* TRANSLATORS: %s is "image features", "text features" or "fused features" */
  caption = g_strdup_printf (_("Each dot is a validation sample, placed by its %s squeezed onto two axes (PCA): "
                               "classes the model tells apart form separate clouds. Click one to see it."),
                             _(map_words[self->kind]));
  gtk_label_set_text (self->map_caption, caption);
}

static void
set_map (FlWhyView  *self,
         const char *name)
{
  for (int k = 0; k < FL_N_FEATURE_MAPS; k++)
    if (g_strcmp0 (name, map_names[k]) == 0 && self->kind != (FlFeatureKind) k)
      {
        self->kind = k;
        show_map (self);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAP]);
      }
}

static void
map_activated_cb (FlWhyView    *self,
                  int           row,
                  FlFeatureMap *map)
{
  /* TRANSLATORS: the gallery's title: a run's name, then "image features",
   * "text features" or "fused features" */
  g_autofree char *title = g_markup_printf_escaped (_("The sample you clicked on the map of <b>%s</b>'s %s"),
                                                    self->insight->run_name, _(map_words[self->kind]));
  gint32 r = row;

  g_signal_emit (self, signals[SIGNAL_SHOW_ROWS], 0, &r, 1, title);
}

/* ---- the insight -------------------------------------------------------------------- */

static void
insight_changed_cb (FlWhyView *self)
{
  FlInsight *ins = fl_session_insight_get_insight (self->tracker);

  if (ins != NULL)
    fl_insight_ref (ins);
  g_clear_pointer (&self->insight, fl_insight_unref);
  self->insight = ins;
  show_counts (self);
  show_reliance (self);
  show_gate (self);
  show_map (self);
}

void
fl_why_view_set_session (FlWhyView *self,
                         FlSession *session)
{
  g_return_if_fail (FL_IS_WHY_VIEW (self));
  g_return_if_fail (FL_IS_SESSION (session));
  g_return_if_fail (self->tracker == NULL);

  self->tracker = g_object_ref (fl_session_get_insight (session));
  /* (the message is notified with the insight and busy) */
  g_signal_connect_object (self->tracker, "notify::message", G_CALLBACK (insight_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tracker, "notify::insight", G_CALLBACK (insight_changed_cb), self,
                           G_CONNECT_SWAPPED);
  insight_changed_cb (self);
}

/* ---- the object ------------------------------------------------------------------------ */

static void
fl_why_view_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FlWhyView *self = FL_WHY_VIEW (object);

  switch (prop_id)
    {
    case PROP_MAP: g_value_set_string (value, map_names[self->kind]); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_why_view_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_MAP: set_map (FL_WHY_VIEW (object), g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_why_view_dispose (GObject *object)
{
  FlWhyView *self = FL_WHY_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), FL_TYPE_WHY_VIEW);
  fl_widget_unparent_children (GTK_WIDGET (object));
  g_clear_object (&self->tracker);
  g_clear_pointer (&self->insight, fl_insight_unref);
  fl_reliance_bars_clear (&self->bars);
  g_clear_pointer (&self->gate_mean, g_free);

  G_OBJECT_CLASS (fl_why_view_parent_class)->dispose (object);
}

static void
fl_why_view_class_init (FlWhyViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_why_view_dispose;
  object_class->get_property = fl_why_view_get_property;
  object_class->set_property = fl_why_view_set_property;

  properties[PROP_MAP] = g_param_spec_string ("map", NULL, NULL, "fused",
                                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SHOW_ROWS] =
    g_signal_new ("show-rows", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_POINTER, G_TYPE_INT, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-why-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FlWhyView, counts_label);
  gtk_widget_class_bind_template_child (widget_class, FlWhyView, rescued_button);
  gtk_widget_class_bind_template_child (widget_class, FlWhyView, hurt_button);
  gtk_widget_class_bind_template_child (widget_class, FlWhyView, reliance_box);
  gtk_widget_class_bind_template_child (widget_class, FlWhyView, reliance_area);
  gtk_widget_class_bind_template_child (widget_class, FlWhyView, reliance_label);
  gtk_widget_class_bind_template_child (widget_class, FlWhyView, gate_box);
  gtk_widget_class_bind_template_child (widget_class, FlWhyView, gate_area);
  gtk_widget_class_bind_template_child (widget_class, FlWhyView, gate_label);
  gtk_widget_class_bind_template_child (widget_class, FlWhyView, note_label);
  gtk_widget_class_bind_template_child_full (widget_class, "image_button", FALSE,
                                             G_STRUCT_OFFSET (FlWhyView, map_buttons[FL_FEATURE_IMAGE]));
  gtk_widget_class_bind_template_child_full (widget_class, "text_button", FALSE,
                                             G_STRUCT_OFFSET (FlWhyView, map_buttons[FL_FEATURE_TEXT]));
  gtk_widget_class_bind_template_child_full (widget_class, "fused_button", FALSE,
                                             G_STRUCT_OFFSET (FlWhyView, map_buttons[FL_FEATURE_FUSED]));
  gtk_widget_class_bind_template_child (widget_class, FlWhyView, map);
  gtk_widget_class_bind_template_child (widget_class, FlWhyView, map_caption);
  gtk_widget_class_bind_template_callback (widget_class, map_activated_cb);

  gtk_widget_class_install_action (widget_class, "why.show-rescued", NULL, show_rows_action);
  gtk_widget_class_install_action (widget_class, "why.show-hurt", NULL, show_rows_action);
  gtk_widget_class_install_property_action (widget_class, "why.map", "map");
  gtk_widget_class_set_css_name (widget_class, "whyview");
}

static void
fl_why_view_init (FlWhyView *self)
{
  g_type_ensure (FL_TYPE_FEATURE_MAP);
  self->kind = FL_FEATURE_FUSED;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->reliance_area, draw_reliance_cb, self, NULL);
  gtk_drawing_area_set_draw_func (self->gate_area, draw_gate_cb, self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "why.show-rescued", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "why.show-hurt", FALSE);
}

FlInsight *
fl_why_view_get_insight (FlWhyView *self)
{
  g_return_val_if_fail (FL_IS_WHY_VIEW (self), NULL);
  return self->insight;
}

const char *
fl_why_view_get_counts_text (FlWhyView *self)
{
  g_return_val_if_fail (FL_IS_WHY_VIEW (self), NULL);
  return gtk_label_get_text (self->counts_label);
}

gboolean
fl_why_view_get_reliance (FlWhyView *self,
                          double     drop[FL_N_BRANCHES],
                          guint     *branches)
{
  g_return_val_if_fail (FL_IS_WHY_VIEW (self), FALSE);

  if (self->bars.n == 0)
    return FALSE;
  *branches = 0;
  for (int i = 0; i < self->bars.n; i++)
    {
      drop[self->bars.branch[i]] = self->bars.drop[i];
      *branches |= FL_BRANCH_BIT (self->bars.branch[i]);
    }
  return TRUE;
}

const char *
fl_why_view_get_reliance_text (FlWhyView *self)
{
  g_return_val_if_fail (FL_IS_WHY_VIEW (self), NULL);
  return gtk_label_get_text (self->reliance_label);
}

gboolean
fl_why_view_get_gate (FlWhyView     *self,
                      const double **mean,
                      const guint  **hist,
                      guint         *branches)
{
  g_return_val_if_fail (FL_IS_WHY_VIEW (self), FALSE);

  if (self->gate_mean == NULL)
    return FALSE;
  *mean = self->gate_mean;
  *hist = self->gate_hist;
  if (branches != NULL)
    *branches = self->gate_branches;
  return TRUE;
}

const char *
fl_why_view_get_gate_text (FlWhyView *self)
{
  g_return_val_if_fail (FL_IS_WHY_VIEW (self), NULL);
  return gtk_label_get_text (self->gate_label);
}

FlFeatureMap *
fl_why_view_get_feature_map (FlWhyView *self)
{
  g_return_val_if_fail (FL_IS_WHY_VIEW (self), NULL);
  return self->map;
}
