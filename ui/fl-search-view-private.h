/* SPDX-License-Identifier: MIT
 *
 * fl-search-view-private.h — what the Search page's two files share:
 * fl-search-view.c (the widget, its model and the worker that embeds the
 * held-out samples) and fl-search-view-results.c (what each of its parts
 * shows: the pictures found, a picture's texts, zero-shot, the heatmap).
 */
#pragma once

#include "fl-search-view.h"
#include "fl-similarity-heatmap.h"

G_BEGIN_DECLS

/* A model and the held-out samples embedded with it; the worker embeds
 * while the view holds it, so it is shared (an atomic reference-counted
 * box: fl_search_model_ref() and _unref()). Positions ("pos") index val,
 * and so the rows of the embeddings. */
typedef struct {
  FlEmbedder *embedder;    /* owned */
  FlDataset  *ds;          /* a reference */
  gint32     *val;         /* n_val indices into ds */
  gint32     *labels;      /* n_val: their labels */
  int         n_val;
  int         E;
  float      *image_emb;   /* (n_val,E) */
  float      *text_emb;    /* (n_val,E) */
  float      *empty_emb;   /* (E): a text with no known word */
  guint8     *unseen;      /* n_val: the text has no known word, so it
                            * embeds as empty_emb, as every such text does */
  int         n_unseen;
  double      seconds;     /* the embedding took, for the log */
  int         n_done;      /* atomic: pictures embedded so far */
} FlSearchModel;

struct _FlSearchView {
  GtkWidget            parent_instance;

  GtkStack            *stack;
  GtkSpinner          *spinner;
  GtkLabel            *busy_label;
  GtkProgressBar      *busy_bar;
  GtkScrolledWindow   *scroller;
  GtkLabel            *intro_label;
  GtkSearchEntry      *search_entry;
  GtkBox              *suggest_box;
  GtkLabel            *results_caption;
  GtkFlowBox          *results_box;
  GtkWidget           *texts_none;
  GtkWidget           *texts_box;
  GtkPicture          *chosen_picture;
  GtkLabel            *chosen_label;
  GtkLabel            *chosen_rank;
  GtkGrid             *texts_grid;
  GtkLabel            *zero_shot_explain;
  GtkEntry            *template_entry;
  GtkButton           *classify_button;
  GtkLabel            *template_warning;
  GtkLabel            *zero_shot_value;
  GtkLabel            *classifier_value;
  GtkLabel            *chance_value;
  GtkLabel            *zero_shot_caption;
  FlSimilarityHeatmap *heatmap;
  GtkLabel            *heatmap_caption;

  FlSearchModel       *model;          /* shown, or being embedded; NULL: none */
  gboolean             ready;          /* embedded and shown */
  GCancellable        *cancellable;    /* of the worker */
  guint                progress_id;    /* shows the worker's progress */
  double               classifier_acc; /* or NAN */
  gboolean             held_out;       /* the samples are a run's held-out ones,
                                        * not all of the data */
  GRand               *rng;            /* the batches and the suggestions */

  char                *query;          /* the last searched for */
  int                  n_results;
  int                  result_pos[FL_SEARCH_VIEW_TOP];
  float                result_score[FL_SEARCH_VIEW_TOP];
  int                  chosen;         /* the picture whose texts show, or -1 */
  gboolean             clicked;        /* chosen by a click, not as the best
                                        * found: a new search keeps it */
  int                  n_texts;
  int                  text_pos[FL_SEARCH_VIEW_TEXTS];
  float                text_score[FL_SEARCH_VIEW_TEXTS];
  int                  n_batch;
  int                  batch_pos[FL_SEARCH_VIEW_BATCH];
  double               zero_shot_acc;  /* or NAN */
};

FlSearchModel *fl_search_model_ref   (FlSearchModel *m);
void           fl_search_model_unref (FlSearchModel *m);
/* Whether an embedding is that of a text with no known word. */
gboolean       fl_search_model_is_empty (const FlSearchModel *m,
                                         const float         *emb);

/* fl-search-view-results.c: each part filled from self->model, which is
 * ready. */
void   _fl_search_view_run_search  (FlSearchView *self,
                                    const char   *text);
void   _fl_search_view_show_texts  (FlSearchView *self,
                                    int           pos);
double _fl_search_view_run_zero_shot (FlSearchView *self,
                                      const char   *template_);
void   _fl_search_view_draw_batch  (FlSearchView *self);
/* Forgets what each part shows. */
void   _fl_search_view_clear_parts (FlSearchView *self);

G_END_DECLS
