/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-sample-list"

#include "fl-sample-list.h"

struct _FlSampleItem {
  GObject parent_instance;
  int     index;
};

G_DEFINE_FINAL_TYPE (FlSampleItem, fl_sample_item, G_TYPE_OBJECT)

static void
fl_sample_item_class_init (FlSampleItemClass *klass)
{
}

static void
fl_sample_item_init (FlSampleItem *self)
{
}

int
fl_sample_item_get_index (FlSampleItem *self)
{
  g_return_val_if_fail (FL_IS_SAMPLE_ITEM (self), -1);
  return self->index;
}

struct _FlSampleList {
  GObject    parent_instance;

  FlDataset *ds;
  int       *order;     /* (n) the rows shown, in order */
  guint      n;
};

static void fl_sample_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlSampleList, fl_sample_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, fl_sample_list_model_init))

static GType
fl_sample_list_get_item_type (GListModel *model)
{
  return FL_TYPE_SAMPLE_ITEM;
}

static guint
fl_sample_list_get_n_items (GListModel *model)
{
  return FL_SAMPLE_LIST (model)->n;
}

/* A new item each time: the view keeps the few it shows. */
static gpointer
fl_sample_list_get_item (GListModel *model,
                         guint       position)
{
  FlSampleList *self = FL_SAMPLE_LIST (model);
  FlSampleItem *item;

  if (position >= self->n)
    return NULL;
  item = g_object_new (FL_TYPE_SAMPLE_ITEM, NULL);
  item->index = self->order[position];
  return item;
}

static void
fl_sample_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = fl_sample_list_get_item_type;
  iface->get_n_items = fl_sample_list_get_n_items;
  iface->get_item = fl_sample_list_get_item;
}

static void
fl_sample_list_finalize (GObject *object)
{
  FlSampleList *self = FL_SAMPLE_LIST (object);

  g_clear_pointer (&self->ds, fl_dataset_unref);
  g_free (self->order);

  G_OBJECT_CLASS (fl_sample_list_parent_class)->finalize (object);
}

static void
fl_sample_list_class_init (FlSampleListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_sample_list_finalize;
}

static void
fl_sample_list_init (FlSampleList *self)
{
}

FlSampleList *
fl_sample_list_new (void)
{
  return g_object_new (FL_TYPE_SAMPLE_LIST, NULL);
}

/* The rows of class c (every class when c < 0) into order, the classes in
 * turn: the k-th of class 0, of class 1, …, then the (k+1)-th of each.
 * Returns how many. O(n): each class's rows are listed once. */
static guint
take_turns (const FlDataset *ds,
            int              c,
            int             *order)
{
  g_autofree int *start = NULL;
  g_autofree int *rows = g_new (int, ds->n);
  g_autofree int *taken = g_new0 (int, MAX (ds->n_classes, 1));
  guint n = 0;

  if (ds->n_classes <= 0)   /* unlabelled: in their order */
    {
      for (int i = 0; i < ds->n; i++)
        order[i] = i;
      return ds->n;
    }
  start = g_new0 (int, ds->n_classes + 1);
  /* rows grouped by class, in their order: a counting sort */
  for (int i = 0; i < ds->n; i++)
    start[ds->labels[i] + 1]++;
  for (int k = 0; k < ds->n_classes; k++)
    start[k + 1] += start[k];
  for (int i = 0; i < ds->n; i++)
    rows[start[ds->labels[i]] + taken[ds->labels[i]]++] = i;

  for (int round = 0; n < (guint) ds->n; round++)
    {
      guint before = n;

      for (int k = 0; k < ds->n_classes; k++)
        if ((c < 0 || k == c) && round < start[k + 1] - start[k])
          order[n++] = rows[start[k] + round];
      if (n == before)
        break;
    }
  return n;
}

void
fl_sample_list_set_dataset (FlSampleList *self,
                            FlDataset    *ds,
                            int           c)
{
  guint removed;

  g_return_if_fail (FL_IS_SAMPLE_LIST (self));
  g_return_if_fail (ds == NULL || c < ds->n_classes);

  removed = self->n;
  if (ds != NULL)
    fl_dataset_ref (ds);
  g_clear_pointer (&self->ds, fl_dataset_unref);
  g_clear_pointer (&self->order, g_free);
  self->ds = ds;
  self->n = 0;
  if (ds != NULL && ds->n > 0)
    {
      self->order = g_new (int, ds->n);
      self->n = take_turns (ds, c, self->order);
    }
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->n);
}

FlDataset *
fl_sample_list_get_dataset (FlSampleList *self)
{
  g_return_val_if_fail (FL_IS_SAMPLE_LIST (self), NULL);
  return self->ds;
}
