/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-search-view"

#include "fl-search-view-private.h"
#include "fl-i18n.h"
#include "fl-preview-grid.h"
#include "fl-ui-util.h"

#include <math.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (FlSearchView, fl_search_view, GTK_TYPE_WIDGET)

/* Images embedded per call in the worker: their gathered pixels stay small
 * (3 MB at S = 64), a cancel is seen between calls, and the embedder's
 * batches (of the matcher's batch size, 32 to 256 mostly) fall where the
 * matcher's evaluation put them, so that the page's scores are its bits. */
#define CHUNK 256

/* ---- the model ------------------------------------------------------------ */

static void
model_clear (gpointer data)
{
  FlSearchModel *m = data;

  g_clear_pointer (&m->embedder, fl_embedder_free);
  g_clear_pointer (&m->ds, fl_dataset_unref);
  g_free (m->val);
  g_free (m->labels);
  g_free (m->image_emb);
  g_free (m->text_emb);
  g_free (m->empty_emb);
  g_free (m->unseen);
}

FlSearchModel *
fl_search_model_ref (FlSearchModel *m)
{
  return g_atomic_rc_box_acquire (m);
}

void
fl_search_model_unref (FlSearchModel *m)
{
  g_atomic_rc_box_release_full (m, model_clear);
}

/* The same vector but for rounding: the embedder's matrix products round
 * a row by where it falls in its batch, in the last bits. */
gboolean
fl_search_model_is_empty (const FlSearchModel *m,
                          const float         *emb)
{
  float d = 0;

  for (int k = 0; k < m->E; k++)
    d += emb[k] * m->empty_emb[k];
  return d > 0.9999f;
}

static FlSearchModel *
model_new (FlEmbedder   *embedder,
           FlDataset    *ds,
           const gint32 *val_idx,
           int           n_val)
{
  FlSearchModel *m = g_atomic_rc_box_new0 (FlSearchModel);

  m->embedder = embedder;
  m->ds = fl_dataset_ref (ds);
  m->n_val = n_val;
  m->E = fl_embedder_dim (embedder);
  m->val = g_memdup2 (val_idx, sizeof (gint32) * n_val);
  m->labels = g_new (gint32, n_val);
  for (int i = 0; i < n_val; i++)
    m->labels[i] = ds->labels[val_idx[i]];
  m->image_emb = g_new (float, (gsize) n_val * m->E);
  m->text_emb = g_new (float, (gsize) n_val * m->E);
  m->empty_emb = g_new (float, m->E);
  m->unseen = g_new0 (guint8, n_val);
  return m;
}

/* In the worker: every held-out picture and text into the shared space.
 * The embedder is the model's alone, and the view does not touch it until
 * this is done. */
static gboolean
embed (FlSearchModel *m,
       GCancellable  *cancellable)
{
  const FlDataset *ds = m->ds;
  gsize image_bytes = (gsize) 3 * ds->image_size * ds->image_size;
  g_autofree guint8 *pixels = g_malloc (CHUNK * image_bytes);
  g_autofree const char **texts = g_new (const char *, m->n_val);
  const char *empty = "";
  gint64 start = g_get_monotonic_time ();

  for (int i0 = 0; i0 < m->n_val; i0 += CHUNK)
    {
      int n = MIN (CHUNK, m->n_val - i0);

      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      for (int k = 0; k < n; k++)
        memcpy (pixels + k * image_bytes, ds->images + m->val[i0 + k] * image_bytes, image_bytes);
      fl_embedder_embed_images (m->embedder, pixels, n, m->image_emb + (gsize) i0 * m->E);
      g_atomic_int_set (&m->n_done, i0 + n);
    }
  for (int i = 0; i < m->n_val; i++)
    texts[i] = ds->texts[m->val[i]];
  fl_embedder_embed_texts (m->embedder, texts, m->n_val, m->text_emb);
  fl_embedder_embed_texts (m->embedder, &empty, 1, m->empty_emb);
  for (int i = 0; i < m->n_val; i++)
    {
      m->unseen[i] = fl_search_model_is_empty (m, m->text_emb + (gsize) i * m->E);
      m->n_unseen += m->unseen[i];
    }
  m->seconds = (g_get_monotonic_time () - start) / 1e6;
  return TRUE;
}

/* The worker's own thread, a background job like training's: it starts
 * as a matching run ends, on every core, and at the interface's priority
 * its threads took the cores from the main thread as the page it opens
 * was drawn (main-loop gaps of 17-19 ms, issue 16). Not one of GLib's
 * pool: that thread would stay at the lower priority for other tasks. */
static gpointer
embed_main (gpointer data)
{
  g_autoptr(GTask) task = data;
  FlSearchModel *m = g_task_get_task_data (task);
  gboolean done;

  fl_thread_run_in_background ();
  /* all the cores, its pool started here at the same priority */
  fl_embedder_set_threads (m->embedder, 0);
  done = embed (m, g_task_get_cancellable (task));
  /* the page's queries then run on the main thread alone, never waiting
   * for a pool that a training run can keep from its cores */
  fl_embedder_set_threads (m->embedder, 1);
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, done);
  return NULL;
}

/* ---- the page ------------------------------------------------------------- */

static void
suggestion_clicked_cb (FlSearchView *self,
                       GtkButton    *button)
{
  fl_search_view_search (self, gtk_button_get_label (button));
}

/* A few short held-out texts to click, for a first search that finds
 * something. */
static void
fill_suggestions (FlSearchView *self)
{
  const FlSearchModel *m = self->model;
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->suggest_box));
  int shown = 0;

  /* the first child is the "Try" label */
  while (gtk_widget_get_next_sibling (child) != NULL)
    gtk_box_remove (self->suggest_box, gtk_widget_get_next_sibling (child));
  for (int tries = 0; tries < 200 && shown < 4; tries++)
    {
      const char *text = m->ds->texts[m->val[g_rand_int_range (self->rng, 0, m->n_val)]];
      GtkWidget *button;

      if (g_utf8_strlen (text, -1) > 22 || g_utf8_strlen (text, -1) < 3)
        continue;
      button = gtk_button_new_with_label (text);
      gtk_widget_add_css_class (button, "fl-suggestion");
      g_signal_connect_object (button, "clicked", G_CALLBACK (suggestion_clicked_cb), self, G_CONNECT_SWAPPED);
      gtk_box_append (self->suggest_box, button);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->suggest_box), shown > 0);
}

/* Every 100 ms while the worker embeds: tens of thousands of samples (a
 * model file opened on big data) take a minute or more. */
static gboolean
progress_cb (gpointer data)
{
  FlSearchView *self = data;
  int done = g_atomic_int_get (&self->model->n_done);

  gtk_progress_bar_set_fraction (self->busy_bar, (double) done / self->model->n_val);
  return G_SOURCE_CONTINUE;
}

static void
stop_progress (FlSearchView *self)
{
  g_clear_handle_id (&self->progress_id, g_source_remove);
  gtk_spinner_stop (self->spinner);
}

static void
show_ready (FlSearchView *self)
{
  const FlSearchModel *m = self->model;
  g_autofree char *start = NULL, *intro = NULL;
  g_autofree char *unseen = m->n_unseen == 0 ? g_strdup ("")
    /* TRANSLATORS: a sentence added to the page's introduction, with its
     * leading space */
    : g_strdup_printf (_(" %d of the texts (in italics) have no word the training texts had: the model "
                         "knows nothing of them, and places them all alike."), m->n_unseen);
  const char *which = self->held_out
    ? _("The %d held-out pairs — pictures and texts the model never trained on — placed in one shared space "
        "of %d numbers. A score is the cosine similarity of a picture and a text: near 1 when the model "
        "thinks they belong together, near 0 when it sees nothing in common.")
    : _("The %d pairs of the data loaded — pictures and their texts, some of which the model may have "
        "trained on — placed in one shared space of %d numbers. A score is the cosine similarity of a "
        "picture and a text: near 1 when the model thinks they belong together, near 0 when it sees "
        "nothing in common.");

  g_debug ("embedded %d held-out pairs in %.3f s", m->n_val, m->seconds);
  start = g_strdup_printf (which, m->n_val, m->E);
  intro = g_strconcat (start, unseen, NULL);
  gtk_label_set_text (self->intro_label, intro);
  self->ready = TRUE;
  fill_suggestions (self);
  _fl_search_view_run_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  _fl_search_view_run_zero_shot (self, gtk_editable_get_text (GTK_EDITABLE (self->template_entry)));
  _fl_search_view_draw_batch (self);
  stop_progress (self);
  gtk_stack_set_visible_child_name (self->stack, "ready");
}

static void
embedded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  FlSearchView *self = FL_SEARCH_VIEW (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return;   /* cancelled: another model came, or the view went */
  if (g_task_get_task_data (G_TASK (result)) == self->model)
    show_ready (self);
}

/* Forgets the model and what the page shows of it. */
static void
drop_model (FlSearchView *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->model, fl_search_model_unref);
  self->ready = FALSE;
  _fl_search_view_clear_parts (self);
  stop_progress (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static gboolean
model_is_usable (FlEmbedder   *embedder,
                 FlDataset    *ds,
                 const gint32 *val_idx,
                 int           n_val)
{
  if (ds == NULL || (val_idx == NULL && n_val > 0) || n_val < 0)
    return FALSE;
  if (fl_embedder_image_size (embedder) != ds->image_size)
    return FALSE;
  for (int i = 0; i < n_val; i++)
    if (val_idx[i] < 0 || val_idx[i] >= ds->n)
      return FALSE;
  return TRUE;
}

void
fl_search_view_set_model (FlSearchView *self,
                          FlEmbedder   *embedder,
                          FlDataset    *ds,
                          const gint32 *val_idx,
                          int           n_val,
                          double        classifier_acc)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *busy = NULL;

  g_return_if_fail (FL_IS_SEARCH_VIEW (self));

  drop_model (self);
  self->classifier_acc = classifier_acc;
  if (embedder == NULL)
    return;
  if (!model_is_usable (embedder, ds, val_idx, n_val))
    {
      g_critical ("%s: the data, its held-out indices or its image size do not fit the model", G_STRFUNC);
      fl_embedder_free (embedder);
      return;
    }
  if (n_val == 0)
    {
      fl_embedder_free (embedder);
      return;
    }

  self->model = model_new (embedder, ds, val_idx, n_val);
  self->held_out = n_val < ds->n;
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, embedded_cb, NULL);
  g_task_set_task_data (task, fl_search_model_ref (self->model), (GDestroyNotify) fl_search_model_unref);
  g_thread_unref (g_thread_new ("fl-embed", embed_main, g_steal_pointer (&task)));

  busy = g_strdup_printf (self->held_out ? _("Placing the %d held-out pictures and texts in the shared space…")
                                         : _("Placing the %d pictures and texts in the shared space…"), n_val);
  gtk_label_set_text (self->busy_label, busy);
  gtk_progress_bar_set_fraction (self->busy_bar, 0);
  self->progress_id = g_timeout_add (100, progress_cb, self);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "busy");
}

/* ---- the template's handlers ---------------------------------------------- */

static void
search_changed_cb (FlSearchView   *self,
                   GtkSearchEntry *entry)
{
  if (self->ready)
    _fl_search_view_run_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

/* Enter: the search now, and the best picture's texts. */
static void
search_activate_cb (FlSearchView   *self,
                    GtkSearchEntry *entry)
{
  if (!self->ready)
    return;
  _fl_search_view_run_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
  if (self->n_results > 0)
    {
      self->clicked = TRUE;
      _fl_search_view_show_texts (self, self->result_pos[0]);
    }
}

static void
result_activated_cb (FlSearchView    *self,
                     GtkFlowBoxChild *child,
                     GtkFlowBox      *box)
{
  int i = gtk_flow_box_child_get_index (child);

  if (self->ready && i >= 0 && i < self->n_results)
    {
      self->clicked = TRUE;
      _fl_search_view_show_texts (self, self->result_pos[i]);
    }
}

/* Scrolls the page, if need be, so that widget's top is in view. */
static void
scroll_to (FlSearchView *self,
           GtkWidget    *widget)
{
  GtkWidget *content = gtk_viewport_get_child (GTK_VIEWPORT (gtk_scrolled_window_get_child (self->scroller)));
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  graphene_point_t p;

  if (!gtk_widget_compute_point (widget, content, &GRAPHENE_POINT_INIT (0, 0), &p))
    return;
  if (p.y < gtk_adjustment_get_value (adj) ||
      p.y + 120 > gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj))
    gtk_adjustment_set_value (adj, p.y - 12);
}

/* The texts show at the top of the page, which may be scrolled away from
 * the heatmap: brought into view. */
static void
heatmap_picture_cb (FlSearchView        *self,
                    int                  p,
                    FlSimilarityHeatmap *heatmap)
{
  if (!self->ready || p < 0 || p >= self->n_batch)
    return;
  self->clicked = TRUE;
  _fl_search_view_show_texts (self, self->batch_pos[p]);
  scroll_to (self, gtk_widget_get_parent (self->texts_box));
}

static void
template_changed_cb (FlSearchView *self,
                     GtkEntry     *entry)
{
  gboolean ok = strstr (gtk_editable_get_text (GTK_EDITABLE (entry)), "{label}") != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->template_warning), !ok);
  gtk_widget_set_sensitive (GTK_WIDGET (self->classify_button), ok);
}

static void
classify_clicked_cb (FlSearchView *self)
{
  if (self->ready)
    _fl_search_view_run_zero_shot (self, gtk_editable_get_text (GTK_EDITABLE (self->template_entry)));
}

static void
new_batch_clicked_cb (FlSearchView *self)
{
  if (self->ready)
    _fl_search_view_draw_batch (self);
}

/* ---- the class ------------------------------------------------------------ */

static void
fl_search_view_dispose (GObject *object)
{
  FlSearchView *self = FL_SEARCH_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_pointer (&self->model, fl_search_model_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), FL_TYPE_SEARCH_VIEW);
  fl_widget_unparent_children (GTK_WIDGET (object));

  G_OBJECT_CLASS (fl_search_view_parent_class)->dispose (object);
}

static void
fl_search_view_finalize (GObject *object)
{
  FlSearchView *self = FL_SEARCH_VIEW (object);

  g_clear_pointer (&self->rng, g_rand_free);
  g_free (self->query);

  G_OBJECT_CLASS (fl_search_view_parent_class)->finalize (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, FlSearchView, name)

static void
fl_search_view_class_init (FlSearchViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_search_view_dispose;
  object_class->finalize = fl_search_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-search-view.ui");
  BIND (stack); BIND (spinner); BIND (busy_label); BIND (busy_bar); BIND (scroller); BIND (intro_label);
  BIND (search_entry); BIND (suggest_box); BIND (results_caption); BIND (results_box);
  BIND (texts_none); BIND (texts_box); BIND (chosen_picture); BIND (chosen_label); BIND (chosen_rank); BIND (texts_grid);
  BIND (zero_shot_explain); BIND (template_entry); BIND (classify_button); BIND (template_warning);
  BIND (zero_shot_value); BIND (classifier_value); BIND (chance_value); BIND (zero_shot_caption);
  BIND (heatmap); BIND (heatmap_caption);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, result_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, heatmap_picture_cb);
  gtk_widget_class_bind_template_callback (widget_class, template_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, classify_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_batch_clicked_cb);

  gtk_widget_class_set_css_name (widget_class, "searchview");
}

#undef BIND

static void
fl_search_view_init (FlSearchView *self)
{
  g_type_ensure (FL_TYPE_SIMILARITY_HEATMAP);
  gtk_widget_init_template (GTK_WIDGET (self));

  /* typing anywhere on the page searches */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
  self->rng = g_rand_new_with_seed (15);
  self->chosen = -1;
  self->classifier_acc = NAN;
  self->zero_shot_acc = NAN;
  gtk_label_set_text (self->zero_shot_explain,
                      _("Each class name is put into the template and placed in the shared space like "
                        "any text; each picture then gets the class whose text is nearest to "
                        "it. The model never saw a label."));
}

FlSearchView *
fl_search_view_new (void)
{
  return g_object_new (FL_TYPE_SEARCH_VIEW, NULL);
}

/* ---- for tests and tools -------------------------------------------------- */

gboolean
fl_search_view_get_ready (FlSearchView *self)
{
  g_return_val_if_fail (FL_IS_SEARCH_VIEW (self), FALSE);
  return self->ready;
}

void
fl_search_view_search (FlSearchView *self,
                       const char   *text)
{
  g_return_if_fail (FL_IS_SEARCH_VIEW (self));
  g_return_if_fail (text != NULL);

  /* the entry's own search-changed, a moment later, finds the same query
   * and does nothing */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  if (self->ready)
    _fl_search_view_run_search (self, text);
}

int
fl_search_view_get_n_results (FlSearchView *self)
{
  g_return_val_if_fail (FL_IS_SEARCH_VIEW (self), 0);
  return self->n_results;
}

int
fl_search_view_get_result (FlSearchView *self,
                           int           i,
                           float        *score)
{
  g_return_val_if_fail (FL_IS_SEARCH_VIEW (self), -1);
  g_return_val_if_fail (i >= 0 && i < self->n_results, -1);

  if (score != NULL)
    *score = self->result_score[i];
  return self->model->val[self->result_pos[i]];
}

int
fl_search_view_select (FlSearchView *self,
                       int           sample)
{
  g_return_val_if_fail (FL_IS_SEARCH_VIEW (self), 0);
  g_return_val_if_fail (self->ready, 0);

  for (int pos = 0; pos < self->model->n_val; pos++)
    if (self->model->val[pos] == sample)
      {
        self->clicked = TRUE;
        _fl_search_view_show_texts (self, pos);
        return self->n_texts;
      }
  g_return_val_if_reached (0);
}

int
fl_search_view_get_n_texts (FlSearchView *self)
{
  g_return_val_if_fail (FL_IS_SEARCH_VIEW (self), 0);
  return self->n_texts;
}

int
fl_search_view_get_text (FlSearchView *self,
                         int           i,
                         float        *score)
{
  g_return_val_if_fail (FL_IS_SEARCH_VIEW (self), -1);
  g_return_val_if_fail (i >= 0 && i < self->n_texts, -1);

  if (score != NULL)
    *score = self->text_score[i];
  return self->model->val[self->text_pos[i]];
}

double
fl_search_view_zero_shot (FlSearchView *self,
                          const char   *template_)
{
  g_return_val_if_fail (FL_IS_SEARCH_VIEW (self), NAN);
  g_return_val_if_fail (self->ready, NAN);

  gtk_editable_set_text (GTK_EDITABLE (self->template_entry), template_);
  return _fl_search_view_run_zero_shot (self, template_);
}

const char *
fl_search_view_get_zero_shot_text (FlSearchView *self)
{
  g_return_val_if_fail (FL_IS_SEARCH_VIEW (self), NULL);
  return gtk_label_get_text (self->zero_shot_value);
}

int
fl_search_view_get_batch_size (FlSearchView *self)
{
  g_return_val_if_fail (FL_IS_SEARCH_VIEW (self), 0);
  return self->n_batch;
}

int
fl_search_view_get_batch (FlSearchView *self,
                          int           i)
{
  g_return_val_if_fail (FL_IS_SEARCH_VIEW (self), -1);
  g_return_val_if_fail (i >= 0 && i < self->n_batch, -1);
  return self->model->val[self->batch_pos[i]];
}

void
fl_search_view_new_batch (FlSearchView *self)
{
  g_return_if_fail (FL_IS_SEARCH_VIEW (self));
  g_return_if_fail (self->ready);
  _fl_search_view_draw_batch (self);
}
