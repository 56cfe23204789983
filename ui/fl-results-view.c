/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-results-view"

#include "fl-results-view.h"
#include "fl-i18n.h"
#include "fl-ui-util.h"

struct _FlResultsView {
  GtkWidget        parent_instance;

  GtkStack        *stack;
  GtkLabel        *accuracy_label;
  GtkLabel        *f1_label;
  GtkLabel        *detail_label;
  GtkStack        *table_stack;
  GtkScrolledWindow *epoch_scroller;
  GtkGrid         *epoch_grid;
  GtkGrid         *class_grid;
  GtkStack        *matrix_stack;
  FlConfusionView *confusion_view;
  GtkToggleButton *counts_button;
  GtkToggleButton *proportions_button;
  int              n_epoch_rows;

  /* the final results, shown in steps */
  char            *final_accuracy;
  char            *final_f1;
  char            *final_detail;
  GPtrArray       *final_cells;     /* per class: name, P, R, F1, support */
  guint            tick_id;
  int              stage;

  char            *headline;
  FlRun           *run;             /* borrowed: the run shown, or NULL */
};

G_DEFINE_FINAL_TYPE (FlResultsView, fl_results_view, GTK_TYPE_WIDGET)

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static void
grid_cell (GtkGrid    *grid,
           const char *text,
           int         column,
           int         row,
           gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0.0f : 1.0f);
  /* no tooltip per cell: under X11 setting one asks the server where the
   * pointer is, a round trip per label at the end of every run */
  if (column == 0)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 20);
      gtk_widget_set_hexpand (label, TRUE);
    }
  else
    gtk_widget_add_css_class (label, "numeric");
  if (heading)
    gtk_widget_add_css_class (label, "fl-table-heading");
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

/* The two buttons and the matrix's "proportions" follow each other: a click
 * on either button sets the property (one on Counts by releasing
 * Proportions, as they are a group), and the property set from code presses
 * the matching button. */
static void
proportions_toggled_cb (FlResultsView   *self,
                        GtkToggleButton *button)
{
  fl_confusion_view_set_proportions (self->confusion_view, gtk_toggle_button_get_active (button));
}

static void
proportions_changed_cb (FlResultsView   *self,
                        GParamSpec      *pspec,
                        FlConfusionView *view)
{
  gboolean proportions = fl_confusion_view_get_proportions (view);

  /* after a click the buttons are right already, and pressing Counts again
   * from inside its own press would report it twice */
  if (gtk_toggle_button_get_active (self->proportions_button) != proportions)
    gtk_toggle_button_set_active (proportions ? self->proportions_button : self->counts_button, TRUE);
}

static void
fl_results_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), FL_TYPE_RESULTS_VIEW);
  fl_widget_unparent_children (GTK_WIDGET (object));

  G_OBJECT_CLASS (fl_results_view_parent_class)->dispose (object);
}

static void
fl_results_view_finalize (GObject *object)
{
  FlResultsView *self = FL_RESULTS_VIEW (object);

  g_free (self->headline);
  g_free (self->final_accuracy);
  g_free (self->final_f1);
  g_free (self->final_detail);
  g_ptr_array_unref (self->final_cells);

  G_OBJECT_CLASS (fl_results_view_parent_class)->finalize (object);
}

static void
fl_results_view_class_init (FlResultsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_results_view_dispose;
  object_class->finalize = fl_results_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-results-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FlResultsView, stack);
  gtk_widget_class_bind_template_child (widget_class, FlResultsView, accuracy_label);
  gtk_widget_class_bind_template_child (widget_class, FlResultsView, f1_label);
  gtk_widget_class_bind_template_child (widget_class, FlResultsView, detail_label);
  gtk_widget_class_bind_template_child (widget_class, FlResultsView, table_stack);
  gtk_widget_class_bind_template_child (widget_class, FlResultsView, epoch_scroller);
  gtk_widget_class_bind_template_child (widget_class, FlResultsView, epoch_grid);
  gtk_widget_class_bind_template_child (widget_class, FlResultsView, class_grid);
  gtk_widget_class_bind_template_child (widget_class, FlResultsView, matrix_stack);
  gtk_widget_class_bind_template_child (widget_class, FlResultsView, confusion_view);
  gtk_widget_class_bind_template_child (widget_class, FlResultsView, counts_button);
  gtk_widget_class_bind_template_child (widget_class, FlResultsView, proportions_button);
  gtk_widget_class_bind_template_callback (widget_class, proportions_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, proportions_changed_cb);

  gtk_widget_class_set_css_name (widget_class, "resultsview");
}

/* Keeps the newest epoch in view as rows are added. */
static void
epoch_adjustment_changed_cb (FlResultsView *self,
                             GtkAdjustment *adjustment)
{
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
}

static void
fl_results_view_init (FlResultsView *self)
{
  g_type_ensure (FL_TYPE_CONFUSION_VIEW);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->headline = g_strdup ("");
  self->final_cells = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->epoch_scroller), "changed",
                           G_CALLBACK (epoch_adjustment_changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
fl_results_view_new (void)
{
  return g_object_new (FL_TYPE_RESULTS_VIEW, NULL);
}

/* One step of showing the final results; FALSE after the last. */
static gboolean
reveal_step (FlResultsView *self)
{
  switch (self->stage++)
    {
    case 0:
      return TRUE;

    case 1:
      clear_grid (self->class_grid);
      grid_cell (self->class_grid, _("Class"), 0, 0, TRUE);
      grid_cell (self->class_grid, _("Precision"), 1, 0, TRUE);
      grid_cell (self->class_grid, _("Recall"), 2, 0, TRUE);
      grid_cell (self->class_grid, "F1", 3, 0, TRUE);   /* not translated: a score's name */
      /* TRANSLATORS: the column of each class's validation samples (a narrow column) */
      grid_cell (self->class_grid, C_("class table", "n"), 4, 0, TRUE);
      for (guint i = 0; i < self->final_cells->len; i++)
        grid_cell (self->class_grid, g_ptr_array_index (self->final_cells, i), i % 5, i / 5 + 1, FALSE);
      gtk_label_set_text (self->accuracy_label, self->final_accuracy);
      gtk_label_set_text (self->f1_label, self->final_f1);
      gtk_label_set_text (self->detail_label, self->final_detail);
      gtk_stack_set_visible_child_name (self->table_stack, "classes");
      gtk_stack_set_visible_child_name (self->stack, "results");
      return TRUE;

    default:
      gtk_stack_set_visible_child_name (self->matrix_stack, "matrix");
      g_free (self->headline);
      self->headline = g_strdup_printf (_("Accuracy %s · macro-F1 %s"), self->final_accuracy, self->final_f1);
      return FALSE;
    }
}

static gboolean
reveal_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  FlResultsView *self = FL_RESULTS_VIEW (widget);

  if (reveal_step (self))
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

void
fl_results_view_show (FlResultsView     *self,
                      const FlMetrics   *metrics,
                      const char *const *class_names,
                      const char        *detail)
{
  g_autofree char *accuracy = NULL;
  g_autofree char *f1 = NULL;
  int C;

  g_return_if_fail (FL_IS_RESULTS_VIEW (self));
  g_return_if_fail (metrics != NULL && class_names != NULL);

  C = fl_metrics_n_classes (metrics);
  accuracy = g_strdup_printf ("%.1f%%", 100.0 * fl_metrics_accuracy (metrics));
  f1 = g_strdup_printf ("%.3f", fl_metrics_macro_f1 (metrics));
  g_free (self->final_accuracy);
  g_free (self->final_f1);
  g_free (self->final_detail);
  self->final_accuracy = g_strdup (accuracy);
  self->final_f1 = g_strdup (f1);
  self->final_detail = g_strdup (detail ? detail : "");

  /* the table's cells as text, for its widgets to be made in a later frame */
  g_ptr_array_set_size (self->final_cells, 0);
  for (int c = 0; c < C; c++)
    {
      g_ptr_array_add (self->final_cells, g_strdup (class_names[c]));
      g_ptr_array_add (self->final_cells, g_strdup_printf ("%.2f", fl_metrics_precision (metrics, c)));
      g_ptr_array_add (self->final_cells, g_strdup_printf ("%.2f", fl_metrics_recall (metrics, c)));
      g_ptr_array_add (self->final_cells, g_strdup_printf ("%.2f", fl_metrics_f1 (metrics, c)));
      g_ptr_array_add (self->final_cells, g_strdup_printf ("%" G_GINT64_FORMAT, fl_metrics_support (metrics, c)));
    }
  /* the matrix keeps copies; its page shows later */
  fl_confusion_view_set_matrix (self->confusion_view, C,
                                fl_metrics_confusion_matrix (metrics), class_names);

  /* then shown a piece a frame: a run's last frame, the figures and the
   * table, the matrix — none of these frames has much to do */
  self->stage = 0;
  if (self->tick_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), reveal_tick_cb, NULL, NULL);
  else if (self->tick_id == 0)
    while (reveal_step (self))
      ;
}

static void
epoch_header (FlResultsView *self)
{
  grid_cell (self->epoch_grid, _("Epoch"), 0, 0, TRUE);
  grid_cell (self->epoch_grid, _("Loss"), 1, 0, TRUE);
  grid_cell (self->epoch_grid, _("Val. loss"), 2, 0, TRUE);
  grid_cell (self->epoch_grid, _("Accuracy"), 3, 0, TRUE);
  grid_cell (self->epoch_grid, _("Val. acc."), 4, 0, TRUE);
  grid_cell (self->epoch_grid, _("Val. F1"), 5, 0, TRUE);
}

/* Everything a run will fill in is laid out when it starts, so that an
 * epoch's end changes text and adds a row, nothing more. */
void
fl_results_view_begin (FlResultsView *self)
{
  g_return_if_fail (FL_IS_RESULTS_VIEW (self));

  fl_results_view_clear (self);
  epoch_header (self);
  self->n_epoch_rows = 0;
  gtk_label_set_text (self->accuracy_label, "—");
  gtk_label_set_text (self->f1_label, "—");
  gtk_label_set_text (self->detail_label, _("The validation scores appear after the first epoch"));
  gtk_stack_set_visible_child_name (self->table_stack, "epochs");
  gtk_stack_set_visible_child_name (self->matrix_stack, "waiting");
  gtk_stack_set_visible_child_name (self->stack, "results");
}

void
fl_results_view_add_epoch (FlResultsView      *self,
                           const FlEpochStats *stats)
{
  char cells[6][24];
  g_autofree char *accuracy = NULL;
  g_autofree char *f1 = NULL;
  g_autofree char *detail = NULL;

  g_return_if_fail (FL_IS_RESULTS_VIEW (self));
  g_return_if_fail (stats != NULL);

  if (gtk_widget_get_first_child (GTK_WIDGET (self->epoch_grid)) == NULL)
    epoch_header (self);
  self->n_epoch_rows++;
  g_snprintf (cells[0], sizeof cells[0], "%d", stats->epoch);
  g_snprintf (cells[1], sizeof cells[1], "%.4f", stats->train_loss);
  g_snprintf (cells[2], sizeof cells[2], "%.4f", stats->val_loss);
  g_snprintf (cells[3], sizeof cells[3], "%.1f%%", 100.0 * stats->train_acc);
  g_snprintf (cells[4], sizeof cells[4], "%.1f%%", 100.0 * stats->val_acc);
  g_snprintf (cells[5], sizeof cells[5], "%.3f", stats->val_f1);
  for (int c = 0; c < 6; c++)
    grid_cell (self->epoch_grid, cells[c], c, self->n_epoch_rows, FALSE);

  accuracy = g_strdup_printf ("%.1f%%", 100.0 * stats->val_acc);
  f1 = g_strdup_printf ("%.3f", stats->val_f1);
  detail = g_strdup_printf (_("So far: validation scores after epoch %d of %d"), stats->epoch, stats->n_epochs);
  gtk_label_set_text (self->accuracy_label, accuracy);
  gtk_label_set_text (self->f1_label, f1);
  gtk_label_set_text (self->detail_label, detail);
}

void
fl_results_view_clear (FlResultsView *self)
{
  g_return_if_fail (FL_IS_RESULTS_VIEW (self));

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  clear_grid (self->class_grid);
  clear_grid (self->epoch_grid);
  self->n_epoch_rows = 0;
  self->run = NULL;
  fl_confusion_view_clear (self->confusion_view);
  g_free (self->headline);
  self->headline = g_strdup ("");
  gtk_stack_set_visible_child_name (self->stack, "none");
}

gboolean
fl_results_view_has_results (FlResultsView *self)
{
  g_return_val_if_fail (FL_IS_RESULTS_VIEW (self), FALSE);
  return self->headline[0] != '\0';
}

const char *
fl_results_view_get_headline (FlResultsView *self)
{
  g_return_val_if_fail (FL_IS_RESULTS_VIEW (self), NULL);
  return self->headline;
}

FlConfusionView *
fl_results_view_get_confusion_view (FlResultsView *self)
{
  g_return_val_if_fail (FL_IS_RESULTS_VIEW (self), NULL);
  return self->confusion_view;
}

void
fl_results_view_set_run (FlResultsView *self,
                         FlRun         *run)
{
  g_return_if_fail (FL_IS_RESULTS_VIEW (self));
  self->run = run;
}

FlRun *
fl_results_view_get_run (FlResultsView *self)
{
  g_return_val_if_fail (FL_IS_RESULTS_VIEW (self), NULL);
  return self->run;
}
