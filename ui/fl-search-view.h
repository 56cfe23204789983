/* SPDX-License-Identifier: MIT
 *
 * fl-search-view.h — the Search page of a matching run (issue 15): type a
 * sentence and see the held-out pictures that match it best; click a
 * picture and see the texts that match it best; classify the pictures
 * zero-shot by their class names, beside the trained classifier; and the
 * cosine similarity of a batch of held-out pairs as a heatmap.
 *
 * The held-out pictures and texts are embedded once per model, in a worker
 * thread; until then the page says it is working.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-dataset.h"
#include "fl-embedder.h"

G_BEGIN_DECLS

#define FL_SEARCH_VIEW_TOP 12   /* pictures a search shows */
#define FL_SEARCH_VIEW_TEXTS 10 /* texts a picture shows */
#define FL_SEARCH_VIEW_BATCH 12 /* pairs in the heatmap */

#define FL_TYPE_SEARCH_VIEW (fl_search_view_get_type ())
G_DECLARE_FINAL_TYPE (FlSearchView, fl_search_view, FL, SEARCH_VIEW, GtkWidget)

FlSearchView *fl_search_view_new (void);

/* Shows a matching model on held-out data.
 *
 * embedder: transfer full — the view takes it and frees it when it is
 *   given another model or is disposed; pass a fresh fl_matcher_embedder()
 *   (its own copy of the weights), and do not use it afterwards. NULL
 *   clears the page (ds and val_idx are then ignored).
 * ds: the data the model was trained on; the view keeps a reference
 *   (fl_dataset_ref()). Its image size must be the embedder's.
 * val_idx: n_val indices into ds of the held-out samples (the matcher's
 *   fl_run_val_indices()); copied. When they are every sample of ds (a
 *   model file opened on the data loaded, whose split is not known), the
 *   page does not call them held out.
 * classifier_acc: a classifier's held-out accuracy on these data, shown
 *   beside the zero-shot accuracy, or NAN when there is none. */
void fl_search_view_set_model (FlSearchView  *self,
                               FlEmbedder    *embedder,
                               FlDataset     *ds,
                               const gint32  *val_idx,
                               int            n_val,
                               double         classifier_acc);

/* ---- for tests and tools ------------------------------------------------- */

/* TRUE once the held-out samples are embedded and the page shows them. */
gboolean      fl_search_view_get_ready     (FlSearchView *self);
/* Searches for text now (as typing it does after a short pause). */
void          fl_search_view_search        (FlSearchView *self,
                                            const char   *text);
/* The pictures the search shows, best first: their number, and result i's
 * sample index into ds and its score. */
int           fl_search_view_get_n_results (FlSearchView *self);
int           fl_search_view_get_result    (FlSearchView *self,
                                            int           i,
                                            float        *score);
/* Shows the texts that match sample (an index into ds among the held-out
 * ones) best, as a click on its picture does; returns how many are listed.
 * (Until a picture is clicked, each search shows the best one's texts.) */
int           fl_search_view_select        (FlSearchView *self,
                                            int           sample);
/* The texts listed for the selected picture, best first: their number,
 * and text i's sample index into ds and its score. */
int           fl_search_view_get_n_texts   (FlSearchView *self);
int           fl_search_view_get_text      (FlSearchView *self,
                                            int           i,
                                            float        *score);
/* Zero-shot classification with template ("{label}" replaced by each
 * class name), as the button does; returns the accuracy shown. */
double        fl_search_view_zero_shot     (FlSearchView *self,
                                            const char   *template_);
/* The text the zero-shot accuracy is shown as ("41.2%"). */
const char   *fl_search_view_get_zero_shot_text (FlSearchView *self);
/* The heatmap's pairs: their number n (it has n×n cells), and the sample
 * index into ds of pair i. */
int           fl_search_view_get_batch     (FlSearchView *self,
                                            int           i);
int           fl_search_view_get_batch_size (FlSearchView *self);
/* Draws a new batch, as the "New batch" button does. */
void          fl_search_view_new_batch     (FlSearchView *self);

G_END_DECLS
