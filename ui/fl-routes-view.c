/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-routes-view"

#include "fl-routes-view.h"

#include "fl-i18n.h"
#include "fl-style.h"
#include "fl-ui-util.h"

#include <math.h>

struct _FlRoutesView {
  GtkWidget  parent_instance;

  GtkLabel  *heading;
  GtkGrid   *grid;
  GtkLabel  *verdicts;

  FlSession *session;
  GPtrArray *routes;     /* of FlRouteSummary, or NULL */
  double     lo, hi;     /* the accuracy range every row's dots share */
};

G_DEFINE_FINAL_TYPE (FlRoutesView, fl_routes_view, GTK_TYPE_WIDGET)

enum { COL_NAME, COL_ACC, COL_DOTS, COL_F1, N_COLS };

/* A row's folds as dots on the accuracy range shared by every row, so that
 * their spread and their overlap can be seen at a glance. */
static void
draw_dots (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        data)
{
  FlRoutesView *self = g_object_get_data (G_OBJECT (area), "view");
  const FlRouteSummary *r = data;
  GdkRGBA colour;

  gdk_rgba_parse (&colour, fl_run_color (r->run[0] >= 0 ? r->run[0] : 0));
  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.35);
  cairo_rectangle (cr, 4, height / 2.0 - 0.5, width - 8, 1);
  cairo_fill (cr);
  gdk_cairo_set_source_rgba (cr, &colour);
  for (int k = 0; k < r->n_runs; k++)
    if (isfinite (r->acc[k]) && self->hi > self->lo)
      {
        double x = 4 + (width - 8) * (r->acc[k] - self->lo) / (self->hi - self->lo);

        cairo_arc (cr, x, height / 2.0, 3.5, 0, 2 * G_PI);
        cairo_fill (cr);
      }
}

static void
attach_text (FlRoutesView *self,
             const char   *text,
             int           col,
             int           row,
             gboolean      heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), col == COL_NAME ? 0.0f : 1.0f);
  gtk_widget_add_css_class (label, heading ? "fl-table-heading" : "numeric");
  gtk_grid_attach (self->grid, label, col, row, 1, 1);
}

static void
attach_route (FlRoutesView         *self,
              const FlRouteSummary *r,
              int                   row,
              gboolean              best)
{
  g_autofree char *acc = g_strdup_printf ("%.1f%% ± %.1f", 100.0 * r->acc_mean, 100.0 * r->acc_sd);
  g_autofree char *f1 = g_strdup_printf ("%.3f ± %.3f", r->f1_mean, r->f1_sd);
  GtkWidget *dots = gtk_drawing_area_new ();

  attach_text (self, fl_fusion_title (r->fusion), COL_NAME, row, FALSE);
  attach_text (self, acc, COL_ACC, row, FALSE);
  gtk_widget_set_size_request (dots, 160, 18);
  g_object_set_data (G_OBJECT (dots), "view", self);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (dots), draw_dots, (gpointer) r, NULL);
  gtk_widget_set_tooltip_text (dots, _("Each fold's validation accuracy: far apart, the mean says little"));
  gtk_grid_attach (self->grid, dots, COL_DOTS, row, 1, 1);
  attach_text (self, f1, COL_F1, row, FALSE);
  if (best)
    for (int c = 0; c < N_COLS; c++)
      gtk_widget_add_css_class (gtk_grid_get_child_at (self->grid, c, row), "fl-best-run");
}

/* The verdicts of the best route — or of the one with the highest mean,
 * when none is significantly ahead — against every other one. */
static char *
verdicts_text (GPtrArray *routes,
               int        best)
{
  GString *text = g_string_new (NULL);
  int top = MAX (best, 0);

  for (guint i = 0; best < 0 && i < routes->len; i++)
    if (((FlRouteSummary *) routes->pdata[i])->acc_mean > ((FlRouteSummary *) routes->pdata[top])->acc_mean)
      top = (int) i;
  for (guint i = 0; i < routes->len; i++)
    {
      const FlRouteSummary *a = routes->pdata[top], *b = routes->pdata[i];
      g_autofree char *v = NULL;

      if ((int) i == top)
        continue;
      v = fl_route_verdict (a, fl_fusion_title (a->fusion), b, fl_fusion_title (b->fusion));
      g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", v);
    }
  return g_string_free (text, FALSE);
}

static void
set_heading (FlRoutesView *self,
             FlComparison *cmp,
             int           best)
{
  int folds = fl_comparison_cv_folds (cmp), repeats = fl_comparison_cv_repeats (cmp);
  /* TRANSLATORS: the cross-validation's design, the %s of "Over %s, …" */
  g_autofree char *design = repeats > 1 ? g_strdup_printf (_("%d folds × %d repeats"), folds, repeats)
                                        : g_strdup_printf (_("%d folds"), folds);
  g_autofree char *text = NULL;

  if (best >= 0)
    /* TRANSLATORS: %s: "5 folds × 2 repeats", then a fusion route's name */
    text = g_strdup_printf (_("Over %s, %s is significantly ahead of every other route."), design,
                            fl_fusion_title (((FlRouteSummary *) self->routes->pdata[best])->fusion));
  else
    text = g_strdup_printf (_("Over %s, no route is significantly ahead of every other: "
                              "the differences below may be luck of the split."), design);
  gtk_label_set_text (self->heading, text);
}

static void
accuracy_range (FlRoutesView *self)
{
  self->lo = 1.0;
  self->hi = 0.0;
  for (guint i = 0; i < self->routes->len; i++)
    {
      const FlRouteSummary *r = self->routes->pdata[i];

      for (int k = 0; k < r->n_runs; k++)
        if (isfinite (r->acc[k]))
          {
            self->lo = MIN (self->lo, r->acc[k]);
            self->hi = MAX (self->hi, r->acc[k]);
          }
    }
  self->lo -= 0.02;
  self->hi += 0.02;
}

/* Sums the comparison up again: at the end of a run of runs, or when one
 * is opened (never while training: the routes read every run's results). */
static void
refresh (FlRoutesView *self)
{
  FlComparison *cmp = fl_session_get_comparison (self->session);
  g_autofree char *verdicts = NULL;
  int best;

  if (fl_session_get_training (self->session))
    return;
  fl_widget_unparent_children (GTK_WIDGET (self->grid));
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  gtk_widget_set_visible (GTK_WIDGET (self), cmp != NULL && fl_comparison_cv_folds (cmp) >= 2);
  if (cmp == NULL || fl_comparison_cv_folds (cmp) < 2)
    return;
  self->routes = fl_comparison_routes (cmp);
  best = fl_routes_best (self->routes);
  accuracy_range (self);
  set_heading (self, cmp, best);
  attach_text (self, _("Route"), COL_NAME, 0, TRUE);
  attach_text (self, _("Accuracy"), COL_ACC, 0, TRUE);
  attach_text (self, _("Folds"), COL_DOTS, 0, TRUE);
  attach_text (self, _("Macro-F1"), COL_F1, 0, TRUE);
  for (guint i = 0; i < self->routes->len; i++)
    attach_route (self, self->routes->pdata[i], (int) i + 1, (int) i == best);
  verdicts = self->routes->len > 1 ? verdicts_text (self->routes, best) : g_strdup ("");
  gtk_label_set_text (self->verdicts, verdicts);
}

static void
changed_cb (FlRoutesView *self)
{
  refresh (self);
}

static void
fl_routes_view_dispose (GObject *object)
{
  FlRoutesView *self = FL_ROUTES_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_ROUTES_VIEW);
  fl_widget_unparent_children (GTK_WIDGET (self));
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (fl_routes_view_parent_class)->dispose (object);
}

static void
fl_routes_view_class_init (FlRoutesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_routes_view_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-routes-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FlRoutesView, heading);
  gtk_widget_class_bind_template_child (widget_class, FlRoutesView, grid);
  gtk_widget_class_bind_template_child (widget_class, FlRoutesView, verdicts);
}

static void
fl_routes_view_init (FlRoutesView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fl_routes_view_new (void)
{
  return g_object_new (FL_TYPE_ROUTES_VIEW, NULL);
}

void
fl_routes_view_set_session (FlRoutesView *self,
                            FlSession    *session)
{
  g_return_if_fail (FL_IS_ROUTES_VIEW (self));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  g_signal_connect_object (session, "finished", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::shown-run", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (fl_session_get_runs (session), "items-changed", G_CALLBACK (changed_cb), self,
                           G_CONNECT_SWAPPED);
  refresh (self);
}

char *
fl_routes_view_describe (FlRoutesView *self)
{
  GString *text;

  g_return_val_if_fail (FL_IS_ROUTES_VIEW (self), NULL);

  text = g_string_new (gtk_label_get_text (self->heading));
  for (guint i = 0; self->routes != NULL && i < self->routes->len; i++)
    {
      const FlRouteSummary *r = self->routes->pdata[i];

      /* TRANSLATORS: a route's line in the table read aloud: its name, accuracy ± sd, macro-F1 ± sd */
      g_string_append_printf (text, _("\n%s  %.1f%% ± %.1f  macro-F1 %.3f ± %.3f"), fl_fusion_title (r->fusion),
                              100.0 * r->acc_mean, 100.0 * r->acc_sd, r->f1_mean, r->f1_sd);
    }
  g_string_append_printf (text, "\n%s", gtk_label_get_text (self->verdicts));
  return g_string_free (text, FALSE);
}
