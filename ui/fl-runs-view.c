/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-runs-view"

#include "fl-runs-view.h"

#include "fl-i18n.h"

#include "fl-style.h"
#include "fl-ui-util.h"

#include <string.h>

struct _FlRunsView {
  GtkWidget          parent_instance;

  GtkColumnView     *column_view;

  FlRunList         *runs;
  GListModel        *match_runs;
  GtkSortListModel  *sorted;
};

G_DEFINE_FINAL_TYPE (FlRunsView, fl_runs_view, GTK_TYPE_WIDGET)

enum {
  ACTIVATED,
  MATCH_ACTIVATED,
  REMOVE_TEST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The columns after the check box and the name: a label bound to one of
 * the item's text properties, sorted by another property. */
typedef enum { SORT_STRING, SORT_NUMBER, SORT_NUMBER_BEST_FIRST, SORT_SETTINGS } SortKind;

static const struct {
  const char *title;      /* shown translated, in context "runs column" */
  const char *text;       /* the FlRunItem property shown */
  const char *sort_by;    /* the FlRunItem property sorted by */
  SortKind    sort;
  const char *metric;     /* for fl_metric_explain, or NULL */
  gboolean    numeric;    /* right-aligned */
} columns[] = {
  { NC_("runs column", "Fusion"), "fusion-title", "fusion-title", SORT_STRING, NULL, FALSE },
  { NC_("runs column", "Settings"), "settings-text", NULL, SORT_SETTINGS, NULL, FALSE },
  { NC_("runs column", "Status"), "status-text", "status-text", SORT_STRING, NULL, FALSE },
  { NC_("runs column", "Accuracy"), "accuracy-text", "accuracy", SORT_NUMBER_BEST_FIRST, "accuracy", TRUE },
  { NC_("runs column", "Macro-F1"), "f1-text", "f1", SORT_NUMBER_BEST_FIRST, "macro-f1", TRUE },
  { NC_("runs column", "Epoch"), "epoch-text", "best-epoch", SORT_NUMBER, "best-epoch", TRUE },
  { NC_("runs column", "Time"), "time-text", "seconds", SORT_NUMBER, "time", TRUE },
  { NC_("runs column", "Params"), "params-text", "n-params", SORT_NUMBER, "parameters", TRUE },
};

/* A cell that shows the item's property text, in the best run's style when
 * it is the best; its tooltip explains the column (or, for the fusion and
 * the status, the run's own fusion and error). */
static GtkListItemFactory *
label_factory (guint column)
{
  /* the settings may be long: cut short, in full in the tooltip */
  const char *tooltip_property = column == 0 ? "fusion-explain" : column == 1 ? "settings-text"
                                 : column == 2 ? "error" : NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (tooltip_property != NULL)
    tooltip = g_strdup_printf ("<binding name=\"tooltip-text\"><lookup name=\"%s\" type=\"FlRunItem\">"
                               "<lookup name=\"item\">GtkListItem</lookup></lookup></binding>",
                               tooltip_property);
  else if (columns[column].metric != NULL)
    tooltip = g_markup_printf_escaped ("<property name=\"tooltip-text\">%s</property>",
                                       fl_metric_explain (columns[column].metric));
  xml = g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><interface>"
                         "<template class=\"GtkListItem\"><property name=\"child\">"
                         "<object class=\"GtkLabel\"><property name=\"xalign\">%s</property>"
                         "<property name=\"ellipsize\">end</property>%s"
                         "<binding name=\"label\"><lookup name=\"%s\" type=\"FlRunItem\">"
                         "<lookup name=\"item\">GtkListItem</lookup></lookup></binding>"
                         "<binding name=\"css-classes\"><lookup name=\"label-classes\" type=\"FlRunItem\">"
                         "<lookup name=\"item\">GtkListItem</lookup></lookup></binding>"
                         "</object></property></template></interface>",
                         columns[column].numeric ? "1" : "0", tooltip != NULL ? tooltip : "",
                         columns[column].text);
  bytes = g_bytes_new_take (xml, strlen (xml));
  xml = NULL;
  return gtk_builder_list_item_factory_new_from_bytes (NULL, bytes);
}

/* By epochs, then learning rate, batch size, feature size, seed and image
 * size: as numbers, so that 3 epochs come before 10. */
static int
compare_settings_cb (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  const FlTrainSettings *x = fl_run_item_get_settings ((FlRunItem *) a);
  const FlTrainSettings *y = fl_run_item_get_settings ((FlRunItem *) b);

  if (x->epochs != y->epochs)
    return x->epochs < y->epochs ? -1 : 1;
  if (x->lr != y->lr)
    return x->lr < y->lr ? -1 : 1;
  if (x->batch_size != y->batch_size)
    return x->batch_size < y->batch_size ? -1 : 1;
  if (x->feat_dim != y->feat_dim)
    return x->feat_dim < y->feat_dim ? -1 : 1;
  if (x->seed != y->seed)
    return x->seed < y->seed ? -1 : 1;
  return CLAMP (fl_run_item_get_image_size ((FlRunItem *) a) - fl_run_item_get_image_size ((FlRunItem *) b), -1, 1);
}

static GtkSorter *
column_sorter (guint column)
{
  GtkExpression *expression;

  if (columns[column].sort == SORT_SETTINGS)
    return GTK_SORTER (gtk_custom_sorter_new (compare_settings_cb, NULL, NULL));
  expression = gtk_property_expression_new (FL_TYPE_RUN_ITEM, NULL, columns[column].sort_by);
  if (columns[column].sort == SORT_STRING)
    return GTK_SORTER (gtk_string_sorter_new (expression));
  {
    GtkNumericSorter *sorter = gtk_numeric_sorter_new (expression);

    /* the first click shows the best figures first */
    if (columns[column].sort == SORT_NUMBER_BEST_FIRST)
      gtk_numeric_sorter_set_sort_order (sorter, GTK_SORT_DESCENDING);
    return GTK_SORTER (sorter);
  }
}

/* Binds a property of the row's run to one of a widget of its cell, until
 * the row is unbound (unbind_cb). */
static void
bind_cell (GtkListItem   *list_item,
           const char    *property,
           gpointer       target,
           const char    *target_property,
           GBindingFlags  flags)
{
  GBinding *binding = g_object_bind_property (gtk_list_item_get_item (list_item), property,
                                              target, target_property, flags | G_BINDING_SYNC_CREATE);

  g_object_set_data (G_OBJECT (list_item), "binding", binding);
}

/* ---- the check box in the run's colour ---- */

static void
check_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item)
{
  GtkWidget *check = gtk_check_button_new ();

  gtk_widget_set_tooltip_text (check, _("Show this run's curves on the plots"));
  gtk_list_item_set_child (list_item, check);
}

static void
check_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item)
{
  FlRunItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *check = gtk_list_item_get_child (list_item);

  /* the check box in the run's colour, as a legend (fl-style.c); a
   * matching run's curves are its own plots, shown by its name */
  gtk_widget_add_css_class (check, fl_run_item_get_color_class (item));
  gtk_widget_set_sensitive (check, !fl_run_item_get_match (item) && !fl_run_item_get_test (item));
  gtk_widget_set_tooltip_text (check, fl_run_item_get_match (item) ? _("A matching run: click its name to see its curves")
                                      : fl_run_item_get_test (item) ? _("A test on other data: it has no training curves")
                                                                    : _("Show this run's curves on the plots"));
  bind_cell (list_item, "visible", check, "active", G_BINDING_BIDIRECTIONAL);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item)
{
  FlRunItem *item = gtk_list_item_get_item (list_item);
  GBinding *binding = g_object_steal_data (G_OBJECT (list_item), "binding");

  if (binding != NULL)
    g_binding_unbind (binding);
  if (item != NULL)
    gtk_widget_remove_css_class (gtk_list_item_get_child (list_item), fl_run_item_get_color_class (item));
}

/* ---- the name, a button that shows the run's results ---- */

static void
name_clicked_cb (GtkButton   *button,
                 GtkListItem *list_item)
{
  FlRunItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (button), FL_TYPE_RUNS_VIEW);

  if (item != NULL && view != NULL && fl_run_item_get_match (item))
    g_signal_emit (view, signals[MATCH_ACTIVATED], 0, item);
  else if (item != NULL && view != NULL)
    g_signal_emit (view, signals[ACTIVATED], 0, fl_run_item_get_index (item));
}

static void
name_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item)
{
  GtkWidget *button = gtk_button_new_with_label ("");

  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect (button, "clicked", G_CALLBACK (name_clicked_cb), list_item);
  gtk_list_item_set_child (list_item, button);
}

static void
name_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item)
{
  FlRunItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *button = gtk_list_item_get_child (list_item);

  gtk_button_set_label (GTK_BUTTON (button), fl_run_item_get_name (item));
  gtk_widget_set_tooltip_text (button, fl_run_item_get_best (item) ? _("The best run: show its results")
                                      : fl_run_item_get_test (item) ? _("A test on other data: show its results")
                                                                    : _("Show this run's results"));
  bind_cell (list_item, "label-classes", gtk_button_get_child (GTK_BUTTON (button)), "css-classes", 0);
}

/* ---- a test's button that removes it ---- */

static void
remove_clicked_cb (GtkButton   *button,
                   GtkListItem *list_item)
{
  FlRunItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (button), FL_TYPE_RUNS_VIEW);

  if (item != NULL && view != NULL && fl_run_item_get_test (item))
    g_signal_emit (view, signals[REMOVE_TEST], 0, fl_run_item_get_index (item));
}

static void
remove_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Remove this test from the runs"));
  g_signal_connect (button, "clicked", G_CALLBACK (remove_clicked_cb), list_item);
  gtk_list_item_set_child (list_item, button);
}

static void
remove_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item)
{
  FlRunItem *item = gtk_list_item_get_item (list_item);

  /* a run trained here stays: the plots and the statistics are of it */
  gtk_widget_set_visible (gtk_list_item_get_child (list_item), fl_run_item_get_test (item));
}

static GtkListItemFactory *
signal_factory (GCallback setup,
                GCallback bind,
                GCallback unbind)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", setup, NULL);
  g_signal_connect (factory, "bind", bind, NULL);
  if (unbind != NULL)
    g_signal_connect (factory, "unbind", unbind, NULL);
  return factory;
}

/* A column titled in the user's language; its English title stays on it
 * ("fl-title") for fl_runs_view_sort_by(). */
static void
append_column (FlRunsView         *self,
               const char         *title,
               GtkListItemFactory *factory,
               GtkSorter          *sorter)
{
  const char *shown = title[0] != '\0' ? g_dpgettext2 (GETTEXT_PACKAGE, "runs column", title) : "";
  g_autoptr(GtkColumnViewColumn) column = gtk_column_view_column_new (shown, factory);

  g_object_set_data (G_OBJECT (column), "fl-title", (gpointer) title);
  if (sorter != NULL)
    gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (g_strcmp0 (title, "Settings") == 0)
    gtk_column_view_column_set_fixed_width (column, 170);
  g_clear_object (&sorter);
  gtk_column_view_append_column (self->column_view, column);
}

static void
add_columns (FlRunsView *self)
{
  append_column (self, "", signal_factory (G_CALLBACK (check_setup_cb), G_CALLBACK (check_bind_cb),
                                           G_CALLBACK (unbind_cb)), NULL);
  append_column (self, NC_("runs column", "Run"), signal_factory (G_CALLBACK (name_setup_cb), G_CALLBACK (name_bind_cb),
                                              G_CALLBACK (unbind_cb)),
                 GTK_SORTER (gtk_string_sorter_new (gtk_property_expression_new (FL_TYPE_RUN_ITEM, NULL, "name"))));
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    append_column (self, columns[c].title, label_factory (c), column_sorter (c));
  append_column (self, "", signal_factory (G_CALLBACK (remove_setup_cb), G_CALLBACK (remove_bind_cb), NULL), NULL);
}

static void
fl_runs_view_dispose (GObject *object)
{
  FlRunsView *self = FL_RUNS_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_RUNS_VIEW);
  fl_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->sorted);
  g_clear_object (&self->runs);
  g_clear_object (&self->match_runs);

  G_OBJECT_CLASS (fl_runs_view_parent_class)->dispose (object);
}

static void
fl_runs_view_class_init (FlRunsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_runs_view_dispose;

  /* (int run): its results are to be shown */
  signals[ACTIVATED] =
    g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  /* (int run): a test on other data is to be removed */
  signals[REMOVE_TEST] =
    g_signal_new ("remove-test", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  /* (FlRunItem *item): a matching run's curves are to be shown */
  signals[MATCH_ACTIVATED] =
    g_signal_new ("match-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, FL_TYPE_RUN_ITEM);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-runs-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FlRunsView, column_view);
}

static void
fl_runs_view_init (FlRunsView *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  g_type_ensure (FL_TYPE_RUN_ITEM);
  gtk_widget_init_template (GTK_WIDGET (self));
  add_columns (self);
  self->sorted = gtk_sort_list_model_new (NULL, g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
}

GtkWidget *
fl_runs_view_new (void)
{
  return g_object_new (FL_TYPE_RUNS_VIEW, NULL);
}

/* The comparison's runs, then the matching runs, in one list. */
static void
update_model (FlRunsView *self)
{
  g_autoptr(GListStore) lists = g_list_store_new (G_TYPE_LIST_MODEL);
  g_autoptr(GtkFlattenListModel) all = NULL;

  if (self->runs != NULL)
    g_list_store_append (lists, self->runs);
  if (self->match_runs != NULL)
    g_list_store_append (lists, self->match_runs);
  all = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&lists)));
  gtk_sort_list_model_set_model (self->sorted, G_LIST_MODEL (all));
}

void
fl_runs_view_set_runs (FlRunsView *self,
                       FlRunList  *runs)
{
  g_return_if_fail (FL_IS_RUNS_VIEW (self));

  if (g_set_object (&self->runs, runs))
    update_model (self);
}

void
fl_runs_view_set_match_runs (FlRunsView *self,
                             GListModel *match_runs)
{
  g_return_if_fail (FL_IS_RUNS_VIEW (self));

  if (g_set_object (&self->match_runs, match_runs))
    update_model (self);
}

int
fl_runs_view_get_n_rows (FlRunsView *self)
{
  g_return_val_if_fail (FL_IS_RUNS_VIEW (self), 0);
  return (int) g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
}

FlRunItem *
fl_runs_view_get_row (FlRunsView *self,
                      int         i)
{
  g_autoptr(FlRunItem) item = NULL;

  g_return_val_if_fail (FL_IS_RUNS_VIEW (self), NULL);

  if (i < 0)
    return NULL;
  item = g_list_model_get_item (G_LIST_MODEL (self->sorted), (guint) i);
  /* the list holds it */
  return item;
}

void
fl_runs_view_sort_by (FlRunsView  *self,
                      const char  *title,
                      GtkSortType  order)
{
  GListModel *cols;

  g_return_if_fail (FL_IS_RUNS_VIEW (self));

  cols = gtk_column_view_get_columns (self->column_view);
  for (guint i = 0; i < g_list_model_get_n_items (cols); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (cols, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "fl-title"), title) == 0)
        gtk_column_view_sort_by_column (self->column_view, column, order);
    }
}
