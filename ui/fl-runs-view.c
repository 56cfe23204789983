/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-runs-view"

#include "fl-runs-view.h"
#include "fl-style.h"

#include <string.h>

typedef enum {
  COL_SHOW, COL_NAME, COL_FUSION, COL_SETTINGS, COL_STATUS, COL_ACC, COL_F1, COL_EPOCH, COL_TIME, COL_PARAMS,
  N_COLS
} Column;

static const struct {
  const char *title;
  const char *metric;   /* for fl_metric_explain */
} columns[N_COLS] = {
  { "", NULL },
  { "Run", NULL },
  { "Fusion", NULL },
  { "Settings", NULL },
  { "Status", NULL },
  { "Accuracy", "accuracy" },
  { "Macro-F1", "macro-f1" },
  { "Epoch", "best-epoch" },
  { "Time", "time" },
  { "Params", "parameters" },
};

struct _FlRunsView {
  GtkWidget     parent_instance;

  GtkGrid      *grid;

  FlComparison *cmp;
  GArray       *visible;     /* of gboolean, per run */
  int           sort_col;    /* -1: in the order of the runs */
  gboolean      sort_desc;
  int           live;
  FlEpochStats  live_stats;
  gboolean      have_live_stats;
  int           n_rows;
  int           best;
  int           guard_from;  /* runs [guard_from, guard_to) are the worker's */
  int           guard_to;
};

G_DEFINE_FINAL_TYPE (FlRunsView, fl_runs_view, GTK_TYPE_WIDGET)

enum {
  TOGGLED,
  ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A row's figures, from the results or, for the live run, its last epoch. */
typedef struct {
  int                run;
  const FlRunResult *r;        /* only name and fusion when guarded */
  FlRunStatus        state;
  const char        *status;
  double             acc, f1, seconds;
  int                epoch;
  gsize              n_params;
  const char        *error;
  gboolean           have_figures;
  char              *settings;     /* owned */
} Row;

static void
row_clear (gpointer data)
{
  g_free (((Row *) data)->settings);
}

static void
fill_row (FlRunsView *self,
          int         i,
          Row        *row)
{
  const FlRunResult *r = fl_comparison_result (self->cmp, i);

  row->run = i;
  row->r = r;
  /* set when the run was added: safe to read while it trains */
  row->settings = fl_train_settings_describe (&r->settings);
  if (r->image_size > 0 && r->image_size != 64)
    {
      char *with_size = g_strdup_printf ("%s · %d px", row->settings, r->image_size);

      g_free (row->settings);
      row->settings = with_size;
    }
  if (i == self->live)
    {
      row->state = FL_RUN_RUNNING;
      row->status = "Training";
      row->have_figures = self->have_live_stats;
      row->acc = self->live_stats.val_acc;
      row->f1 = self->live_stats.val_f1;
      row->epoch = self->live_stats.epoch;
      row->seconds = 0.0;
      return;
    }
  /* the worker thread may be writing these results: only the name and the
   * fusion, set when the run was added, are read */
  if (i >= self->guard_from && i < self->guard_to)
    {
      row->state = FL_RUN_PENDING;
      row->status = "Waiting";
      return;
    }
  row->state = r->status;
  row->n_params = r->n_params;
  row->error = r->error;
  row->status = fl_run_status_title (r->status);
  row->have_figures = r->best_epoch > 0;
  row->acc = r->best_val_acc;
  row->f1 = r->best_val_f1;
  row->epoch = r->best_epoch;
  row->seconds = r->train_seconds;
}

/* By epochs, then learning rate, batch size, feature size and seed: as
 * numbers, so that 3 epochs come before 10. */
static double
compare_settings (const FlTrainSettings *a,
                  const FlTrainSettings *b)
{
  if (a->epochs != b->epochs)
    return a->epochs - b->epochs;
  if (a->lr != b->lr)
    return a->lr < b->lr ? -1 : 1;
  if (a->batch_size != b->batch_size)
    return a->batch_size - b->batch_size;
  if (a->feat_dim != b->feat_dim)
    return a->feat_dim - b->feat_dim;
  return a->seed == b->seed ? 0 : a->seed < b->seed ? -1 : 1;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  FlRunsView *self = user_data;
  const Row *x = a, *y = b;
  double d = 0.0;

  switch (self->sort_col)
    {
    case COL_NAME: d = g_utf8_collate (x->r->name, y->r->name); break;
    case COL_FUSION: d = (double) x->r->fusion - y->r->fusion; break;
    case COL_SETTINGS:
      d = compare_settings (&x->r->settings, &y->r->settings);
      if (d == 0.0)
        d = x->r->image_size - y->r->image_size;
      break;
    case COL_STATUS: d = g_strcmp0 (x->status, y->status); break;
    case COL_ACC: d = x->acc - y->acc; break;
    case COL_F1: d = x->f1 - y->f1; break;
    case COL_EPOCH: d = x->epoch - y->epoch; break;
    case COL_TIME: d = x->seconds - y->seconds; break;
    case COL_PARAMS: d = (double) x->n_params - (double) y->n_params; break;
    default: break;
    }
  if (d == 0.0)
    return x->run - y->run;
  return (d < 0.0) != self->sort_desc ? -1 : 1;
}

/* 595206 → "595 206" (thin spaces between thousands) */
static char *
format_count (gsize n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GSIZE_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, "\u2009");
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

static void
show_toggled_cb (GtkCheckButton *check,
                 FlRunsView     *self)
{
  int run = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (check), "run"));
  gboolean active = gtk_check_button_get_active (check);

  if (run < (int) self->visible->len && g_array_index (self->visible, gboolean, run) != active)
    {
      g_array_index (self->visible, gboolean, run) = active;
      g_signal_emit (self, signals[TOGGLED], 0, run, active);
    }
}

static void
name_clicked_cb (GtkButton  *button,
                 FlRunsView *self)
{
  g_signal_emit (self, signals[ACTIVATED], 0,
                 GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "run")));
}

static void
header_clicked_cb (GtkButton  *button,
                   FlRunsView *self)
{
  int col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "column"));

  if (self->sort_col == col)
    self->sort_desc = !self->sort_desc;
  else
    {
      self->sort_col = col;
      /* the best figures first */
      self->sort_desc = col == COL_ACC || col == COL_F1;
    }
  fl_runs_view_update (self, self->live, self->have_live_stats ? &self->live_stats : NULL);
}

static void
attach_label (FlRunsView *self,
              const char *text,
              int         col,
              int         row,
              gboolean    best)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), col >= COL_ACC ? 1.0f : 0.0f);
  gtk_widget_add_css_class (label, "numeric");
  if (best)
    gtk_widget_add_css_class (label, "fl-best-run");
  gtk_grid_attach (self->grid, label, col, row, 1, 1);
}

static void
clear_grid (FlRunsView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
}

void
fl_runs_view_update (FlRunsView         *self,
                     int                 live,
                     const FlEpochStats *live_stats)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (Row));
  int n;

  g_array_set_clear_func (rows, row_clear);

  g_return_if_fail (FL_IS_RUNS_VIEW (self));

  self->live = live;
  self->have_live_stats = live_stats != NULL;
  if (live_stats != NULL)
    self->live_stats = *live_stats;

  clear_grid (self);
  n = self->cmp != NULL ? fl_comparison_n_runs (self->cmp) : 0;
  self->n_rows = n;
  self->best = -1;
  while ((int) self->visible->len < n)
    {
      gboolean yes = TRUE;
      g_array_append_val (self->visible, yes);
    }
  if (n == 0)
    return;

  for (int i = 0; i < n; i++)
    {
      Row row = { 0 };

      fill_row (self, i, &row);
      g_array_append_val (rows, row);
      if (row.state == FL_RUN_DONE &&
          (self->best < 0 || row.acc > g_array_index (rows, Row, self->best).acc))
        self->best = i;
    }

  /* the headers: buttons that sort */
  for (int c = 0; c < N_COLS; c++)
    {
      GtkWidget *button, *label;
      g_autofree char *title = NULL;

      if (c == COL_SHOW)
        continue;
      title = g_strdup_printf ("%s%s", columns[c].title,
                               self->sort_col == c ? (self->sort_desc ? " ▾" : " ▴") : "");
      label = gtk_label_new (title);
      gtk_label_set_xalign (GTK_LABEL (label), c >= COL_ACC ? 1.0f : 0.0f);
      button = gtk_button_new ();
      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "fl-runs-header");
      g_object_set_data (G_OBJECT (button), "column", GINT_TO_POINTER (c));
      if (c == COL_SETTINGS)
        gtk_widget_set_tooltip_text (button, "Epochs, learning rate and batch size, then any other "
                                             "setting that differs from the defaults, and the image "
                                             "size if it is not 64 px");
      else if (columns[c].metric != NULL)
        gtk_widget_set_tooltip_text (button, fl_metric_explain (columns[c].metric));
      else
        gtk_widget_set_tooltip_text (button, "Sort by this column");
      g_signal_connect_object (button, "clicked", G_CALLBACK (header_clicked_cb), self, 0);
      gtk_grid_attach (self->grid, button, c, 0, 1, 1);
    }

  if (self->sort_col >= 0)
    g_array_sort_with_data (rows, compare_rows, self);

  for (guint k = 0; k < rows->len; k++)
    {
      const Row *row = &g_array_index (rows, Row, k);
      int y = (int) k + 1;
      gboolean best = row->run == self->best;
      GtkWidget *check, *name;
      g_autofree char *acc = NULL, *f1 = NULL, *epoch = NULL, *took = NULL, *params = NULL;
      
      check = gtk_check_button_new ();
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_array_index (self->visible, gboolean, row->run));
      gtk_widget_set_tooltip_text (check, "Show this run's curves on the plots");
      /* the check box in the run's colour, as a legend (style.css) */
      gtk_widget_add_css_class (check, fl_run_color_class (row->run));
      g_object_set_data (G_OBJECT (check), "run", GINT_TO_POINTER (row->run));
      g_signal_connect_object (check, "toggled", G_CALLBACK (show_toggled_cb), self, 0);
      gtk_grid_attach (self->grid, check, COL_SHOW, y, 1, 1);

      name = gtk_button_new_with_label (row->r->name);
      gtk_widget_set_halign (name, GTK_ALIGN_START);
      gtk_widget_add_css_class (name, "flat");
      if (best)
        gtk_widget_add_css_class (name, "fl-best-run");
      gtk_widget_set_tooltip_text (name, best ? "The best run: show its results"
                                              : "Show this run's results");
      g_object_set_data (G_OBJECT (name), "run", GINT_TO_POINTER (row->run));
      g_signal_connect_object (name, "clicked", G_CALLBACK (name_clicked_cb), self, 0);
      gtk_grid_attach (self->grid, name, COL_NAME, y, 1, 1);

      /* "Concat": the table is wide enough as it is */
      attach_label (self, fl_fusion_short_title (row->r->fusion),
                    COL_FUSION, y, best);
      gtk_widget_set_tooltip_text (gtk_grid_get_child_at (self->grid, COL_FUSION, y),
                                   fl_fusion_explain (row->r->fusion));
      attach_label (self, row->settings, COL_SETTINGS, y, best);
      attach_label (self, best ? "Best" : row->status, COL_STATUS, y, best);
      if (row->state == FL_RUN_FAILED && row->error != NULL)
        gtk_widget_set_tooltip_text (gtk_grid_get_child_at (self->grid, COL_STATUS, y), row->error);

      acc = row->have_figures ? g_strdup_printf ("%.1f%%", 100.0 * row->acc) : g_strdup ("—");
      f1 = row->have_figures ? g_strdup_printf ("%.3f", row->f1) : g_strdup ("—");
      epoch = row->have_figures ? g_strdup_printf ("%d", row->epoch) : g_strdup ("—");
      took = row->seconds > 0.0 ? g_strdup_printf ("%.1f s", row->seconds) : g_strdup ("—");
      params = row->n_params > 0 ? format_count (row->n_params) : g_strdup ("—");
      attach_label (self, acc, COL_ACC, y, best);
      attach_label (self, f1, COL_F1, y, best);
      attach_label (self, epoch, COL_EPOCH, y, best);
      attach_label (self, took, COL_TIME, y, best);
      attach_label (self, params, COL_PARAMS, y, best);
    }
}

static void
fl_runs_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), FL_TYPE_RUNS_VIEW);

  G_OBJECT_CLASS (fl_runs_view_parent_class)->dispose (object);
}

static void
fl_runs_view_finalize (GObject *object)
{
  FlRunsView *self = FL_RUNS_VIEW (object);

  g_array_unref (self->visible);

  G_OBJECT_CLASS (fl_runs_view_parent_class)->finalize (object);
}

static void
fl_runs_view_class_init (FlRunsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_runs_view_dispose;
  object_class->finalize = fl_runs_view_finalize;

  /* (int run, gboolean visible): its curves are to be shown or hidden */
  signals[TOGGLED] =
    g_signal_new ("toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_BOOLEAN);
  /* (int run): its results are to be shown */
  signals[ACTIVATED] =
    g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-runs-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FlRunsView, grid);
}

static void
fl_runs_view_init (FlRunsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->visible = g_array_new (FALSE, FALSE, sizeof (gboolean));
  self->sort_col = -1;
  self->live = -1;
  self->guard_from = self->guard_to = -1;
  self->best = -1;
}

GtkWidget *
fl_runs_view_new (void)
{
  return g_object_new (FL_TYPE_RUNS_VIEW, NULL);
}

void
fl_runs_view_set_comparison (FlRunsView   *self,
                             FlComparison *cmp)
{
  g_return_if_fail (FL_IS_RUNS_VIEW (self));

  self->cmp = cmp;
  self->live = -1;
  self->guard_from = self->guard_to = -1;
  g_array_set_size (self->visible, 0);
}

int
fl_runs_view_get_n_rows (FlRunsView *self)
{
  g_return_val_if_fail (FL_IS_RUNS_VIEW (self), 0);
  return self->n_rows;
}

int
fl_runs_view_get_best (FlRunsView *self)
{
  g_return_val_if_fail (FL_IS_RUNS_VIEW (self), -1);
  return self->best;
}

gboolean
fl_runs_view_get_visible_run (FlRunsView *self,
                              int         run)
{
  g_return_val_if_fail (FL_IS_RUNS_VIEW (self), FALSE);
  return run >= 0 && run < (int) self->visible->len ? g_array_index (self->visible, gboolean, run) : TRUE;
}

void
fl_runs_view_set_visible_run (FlRunsView *self,
                              int         run,
                              gboolean    visible)
{
  g_return_if_fail (FL_IS_RUNS_VIEW (self));
  g_return_if_fail (run >= 0 && run < (int) self->visible->len);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->grid));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_CHECK_BUTTON (child) &&
        GPOINTER_TO_INT (g_object_get_data (G_OBJECT (child), "run")) == run)
      {
        gtk_check_button_set_active (GTK_CHECK_BUTTON (child), visible);
        return;
      }
}

void
fl_runs_view_set_guard (FlRunsView *self,
                        int         from,
                        int         to)
{
  g_return_if_fail (FL_IS_RUNS_VIEW (self));
  self->guard_from = from;
  self->guard_to = to;
}
