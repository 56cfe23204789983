/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-run-list"

#include "fl-run-list.h"

struct _FlRunList {
  GObject    parent_instance;

  GPtrArray *items;   /* of FlRunItem */
  int        best;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlRunList, fl_run_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return FL_TYPE_RUN_ITEM;
}

static guint
get_n_items (GListModel *model)
{
  return FL_RUN_LIST (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  FlRunList *self = FL_RUN_LIST (model);

  return position < self->items->len ? g_object_ref (g_ptr_array_index (self->items, position)) : NULL;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
fl_run_list_finalize (GObject *object)
{
  FlRunList *self = FL_RUN_LIST (object);

  g_ptr_array_unref (self->items);

  G_OBJECT_CLASS (fl_run_list_parent_class)->finalize (object);
}

static void
fl_run_list_class_init (FlRunListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_run_list_finalize;
}

static void
fl_run_list_init (FlRunList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->best = -1;
}

FlRunList *
fl_run_list_new (void)
{
  return g_object_new (FL_TYPE_RUN_LIST, NULL);
}

FlRunItem *
fl_run_list_append (FlRunList         *self,
                    const FlRunResult *r)
{
  FlRunItem *item;

  g_return_val_if_fail (FL_IS_RUN_LIST (self), NULL);

  item = fl_run_item_new ((int) self->items->len, r);
  /* a test in the colour of the run it tested; it has no curves to show */
  if (r->tested_on != NULL)
    {
      if (r->test_of >= 0 && r->test_of < (int) self->items->len)
        fl_run_item_set_color_index (item, fl_run_item_get_index (g_ptr_array_index (self->items, r->test_of)));
      fl_run_item_set_visible (item, FALSE);
    }
  /* a fold of a cross-validation in its route's colour: that of the
   * route's first run, as its curves are drawn */
  for (guint i = 0; r->settings.kfold >= 2 && i < self->items->len; i++)
    {
      FlRunItem *first = g_ptr_array_index (self->items, i);

      if (fl_run_item_get_fusion (first) == r->fusion && fl_run_item_get_settings (first)->kfold == r->settings.kfold)
        {
          fl_run_item_set_color_index (item, fl_run_item_get_index (first));
          break;
        }
    }
  g_ptr_array_add (self->items, item);
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
  return item;
}

void
fl_run_list_remove (FlRunList *self,
                    int        i)
{
  g_return_if_fail (FL_IS_RUN_LIST (self));
  g_return_if_fail (i >= 0 && i < (int) self->items->len);

  g_ptr_array_remove_index (self->items, (guint) i);
  for (guint k = (guint) i; k < self->items->len; k++)
    fl_run_item_set_index (g_ptr_array_index (self->items, k), (int) k);
  if (self->best > i)
    self->best--;
  else if (self->best == i)
    self->best = -1;
  g_list_model_items_changed (G_LIST_MODEL (self), (guint) i, 1, 0);
}

void
fl_run_list_clear (FlRunList *self)
{
  guint n;

  g_return_if_fail (FL_IS_RUN_LIST (self));

  n = self->items->len;
  self->best = -1;
  if (n == 0)
    return;
  g_ptr_array_set_size (self->items, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
}

FlRunItem *
fl_run_list_get (FlRunList *self,
                 int        i)
{
  g_return_val_if_fail (FL_IS_RUN_LIST (self), NULL);
  return i >= 0 && i < (int) self->items->len ? g_ptr_array_index (self->items, i) : NULL;
}

int
fl_run_list_get_n_runs (FlRunList *self)
{
  g_return_val_if_fail (FL_IS_RUN_LIST (self), 0);
  return (int) self->items->len;
}

int
fl_run_list_update_best (FlRunList *self)
{
  int best = -1;

  g_return_val_if_fail (FL_IS_RUN_LIST (self), -1);

  for (guint i = 0; i < self->items->len; i++)
    {
      FlRunItem *item = g_ptr_array_index (self->items, i);

      if (!fl_run_item_get_test (item) && fl_run_outranks (fl_run_item_get_status (item), fl_run_item_get_accuracy (item), best,
                           best >= 0 ? fl_run_item_get_accuracy (fl_run_list_get (self, best)) : 0.0))
        best = (int) i;
    }
  fl_run_list_set_best_runs (self, &best, best >= 0 ? 1 : 0);
  return best;
}

void
fl_run_list_set_best_runs (FlRunList *self,
                           const int *runs,
                           int        n)
{
  g_return_if_fail (FL_IS_RUN_LIST (self));

  self->best = n > 0 ? runs[0] : -1;
  for (guint i = 0; i < self->items->len; i++)
    {
      gboolean best = FALSE;

      for (int k = 0; k < n && !best; k++)
        best = runs[k] == (int) i;
      fl_run_item_set_best (g_ptr_array_index (self->items, i), best);
    }
}

int
fl_run_list_get_best (FlRunList *self)
{
  g_return_val_if_fail (FL_IS_RUN_LIST (self), -1);
  return self->best;
}

gboolean
fl_run_list_get_same_split (FlRunList *self)
{
  g_return_val_if_fail (FL_IS_RUN_LIST (self), TRUE);

  /* (tests are on other samples, and say so) */
  for (guint i = 1; i < self->items->len; i++)
    {
      const FlTrainSettings *a = fl_run_item_get_settings (g_ptr_array_index (self->items, 0));
      const FlTrainSettings *b = fl_run_item_get_settings (g_ptr_array_index (self->items, i));

      if (fl_run_item_get_test (g_ptr_array_index (self->items, i)))
        continue;
      if (a->seed != b->seed || a->val_fraction != b->val_fraction || a->kfold != b->kfold ||
          (a->kfold >= 2 && a->fold != b->fold))
        return FALSE;
    }
  return TRUE;
}

gboolean *
fl_run_list_get_shown (FlRunList *self)
{
  gboolean *shown;

  g_return_val_if_fail (FL_IS_RUN_LIST (self), NULL);

  shown = g_new0 (gboolean, MAX (self->items->len, 1));
  for (guint i = 0; i < self->items->len; i++)
    shown[i] = fl_run_item_get_visible (g_ptr_array_index (self->items, i));
  return shown;
}
