/* SPDX-License-Identifier: MIT
 *
 * fl-sample-list.h — a dataset's samples as a GListModel, for views that
 * show every one of them (the Data page's GtkGridView): an item is made
 * only when a view asks for it, so 100,000 samples cost an int each.
 */
#pragma once

#include <gio/gio.h>

#include "fl-dataset.h"

G_BEGIN_DECLS

/* One sample: the row of the dataset it stands for. */
#define FL_TYPE_SAMPLE_ITEM (fl_sample_item_get_type ())
G_DECLARE_FINAL_TYPE (FlSampleItem, fl_sample_item, FL, SAMPLE_ITEM, GObject)

int        fl_sample_item_get_index   (FlSampleItem *self);

#define FL_TYPE_SAMPLE_LIST (fl_sample_list_get_type ())
G_DECLARE_FINAL_TYPE (FlSampleList, fl_sample_list, FL, SAMPLE_LIST, GObject)

FlSampleList *fl_sample_list_new      (void);

/* Shows the samples of ds (referenced; NULL for none) of class c, or of
 * every class when c is -1, the classes taking turns so that the first
 * rows show a few of each. */
void        fl_sample_list_set_dataset (FlSampleList *self,
                                        FlDataset    *ds,
                                        int           c);
/* The dataset shown (not referenced), or NULL. */
FlDataset  *fl_sample_list_get_dataset (FlSampleList *self);

G_END_DECLS
