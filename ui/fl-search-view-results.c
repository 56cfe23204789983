/* SPDX-License-Identifier: MIT
 *
 * What each part of the Search page shows: the pictures a sentence finds,
 * the texts a picture finds, zero-shot classification beside the trained
 * classifier, and a batch's similarity heatmap. All of it is quick on the
 * main thread once the held-out samples are embedded: a query is one text
 * through the text branch and a product with n_val rows of E floats.
 */
#define G_LOG_DOMAIN "fl-search-view"

#include "fl-search-view-private.h"
#include "fl-i18n.h"
#include "fl-preview-grid.h"
#include "fl-ui-util.h"

#include <math.h>
#include <string.h>

static float
dot (const float *a,
     const float *b,
     int          E)
{
  float s = 0;

  for (int k = 0; k < E; k++)
    s += a[k] * b[k];
  return s;
}

static const char *
text_of (const FlSearchModel *m,
         int                  pos)
{
  return m->ds->texts[m->val[pos]];
}

/* "1st", "2nd", "3rd", "11th", "22nd" */
static char *
ordinal (int n)
{
  /* TRANSLATORS: ordinal numbers, "3rd" in "comes 3rd of 120": a
   * language without these endings says all four alike */
  const char *format = C_("ordinal", "%dth");

  if (n % 100 < 11 || n % 100 > 13)
    format = n % 10 == 1 ? C_("ordinal", "%dst") : n % 10 == 2 ? C_("ordinal", "%dnd")
             : n % 10 == 3 ? C_("ordinal", "%drd") : format;
  return g_strdup_printf (format, n);
}

/* ---- words → pictures ----------------------------------------------------- */

/* A found picture: its thumbnail, its rank and score, and its own text. */
static GtkWidget *
result_card_new (const FlSearchModel *m,
                 int                  rank,
                 int                  pos,
                 float                score)
{
  g_autoptr(GdkTexture) texture = fl_texture_new_from_sample (m->ds, m->val[pos]);
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *rank_text = g_strdup_printf ("%d", rank);
  g_autofree char *score_text = g_strdup_printf ("%.2f", score);
  GtkWidget *rank_label = gtk_label_new (rank_text);
  GtkWidget *score_label = gtk_label_new (score_text);
  GtkWidget *text = gtk_label_new (text_of (m, pos));

  gtk_widget_set_size_request (picture, 72, 72);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_add_css_class (picture, "fl-thumbnail");
  gtk_widget_add_css_class (rank_label, "fl-rank");
  gtk_widget_add_css_class (score_label, "fl-score");
  gtk_widget_set_tooltip_text (score_label, _("Cosine similarity of this picture and your words"));
  gtk_box_append (GTK_BOX (line), rank_label);
  gtk_box_append (GTK_BOX (line), score_label);

  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (text), 2);
  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (text), 9);
  gtk_label_set_max_width_chars (GTK_LABEL (text), 9);
  gtk_widget_add_css_class (text, "caption");
  gtk_widget_add_css_class (text, m->unseen[pos] ? "fl-unseen" : "dim-label");

  gtk_box_append (GTK_BOX (card), picture);
  gtk_box_append (GTK_BOX (card), line);
  gtk_box_append (GTK_BOX (card), text);
  gtk_widget_add_css_class (card, "fl-search-card");
  gtk_widget_set_tooltip_text (card, text_of (m, pos));
  return card;
}

static void
remove_results (FlSearchView *self)
{
  GtkFlowBoxChild *child;

  while ((child = gtk_flow_box_get_child_at_index (self->results_box, 0)) != NULL)
    gtk_flow_box_remove (self->results_box, GTK_WIDGET (child));
  self->n_results = 0;
}

/* The results' caption; whether none of the query's words was known is
 * seen from its embedding, which is then that of an empty text. */
static void
caption_results (FlSearchView *self,
                 const float  *q)
{
  const FlSearchModel *m = self->model;
  g_autofree char *caption = NULL;

  if (self->n_results == 0)
    caption = g_strdup (self->held_out
                        ? _("Type a few words — a name, a colour, a thing — and the held-out pictures "
                            "nearest to them in the shared space show here, best first.")
                        : _("Type a few words — a name, a colour, a thing — and the pictures "
                            "nearest to them in the shared space show here, best first."));
  else if (fl_search_model_is_empty (m, q))
    caption = g_strdup (_("None of these words was in the training texts, so the model has nothing to "
                          "go on: these pictures are in no real order. Try other words."));
  else
    caption = g_strdup_printf (self->held_out
                               ? _("The %d of %d held-out pictures nearest to your words, best first, each "
                                   "with its score and its own text. Click one to see the texts nearest to it.")
                               : _("The %d of %d pictures nearest to your words, best first, each "
                                   "with its score and its own text. Click one to see the texts nearest to it."),
                               self->n_results, m->n_val);
  gtk_label_set_text (self->results_caption, caption);
}

void
_fl_search_view_run_search (FlSearchView *self,
                            const char   *text)
{
  const FlSearchModel *m = self->model;
  g_autofree char *query = g_strstrip (g_strdup (text));
  g_autofree float *q = g_new0 (float, m->E);

  if (g_strcmp0 (query, self->query) == 0 && self->n_results > 0)
    return;
  g_free (self->query);
  self->query = g_strdup (query);
  remove_results (self);
  if (*query != '\0')
    {
      const char *texts[1] = { query };
      int idx[FL_SEARCH_VIEW_TOP];

      fl_embedder_embed_texts (m->embedder, texts, 1, q);
      self->n_results = fl_embedder_top_k (q, m->image_emb, m->n_val, m->E, FL_SEARCH_VIEW_TOP,
                                           idx, self->result_score);
      for (int i = 0; i < self->n_results; i++)
        {
          self->result_pos[i] = idx[i];
          gtk_flow_box_append (self->results_box, result_card_new (m, i + 1, idx[i], self->result_score[i]));
          if (idx[i] == self->chosen)
            gtk_flow_box_select_child (self->results_box, gtk_flow_box_get_child_at_index (self->results_box, i));
        }
      /* until a picture is clicked, the best one's texts show */
      if (!self->clicked && self->n_results > 0)
        _fl_search_view_show_texts (self, idx[0]);
    }
  caption_results (self, q);
}

/* ---- a picture → words ---------------------------------------------------- */

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static void
add_text_row (FlSearchView *self,
              int           row,
              int           pos,
              float         score,
              gboolean      own)
{
  const char *text = text_of (self->model, pos);
  g_autofree char *rank = g_strdup_printf ("%d", row + 1);
  g_autofree char *value = g_strdup_printf ("%.2f", score);
  g_autofree char *shown = own ? g_strdup_printf ("✓ %s", text) : g_strdup (text);
  GtkWidget *cells[3] = { gtk_label_new (rank), gtk_label_new (value), gtk_label_new (shown) };

  gtk_widget_add_css_class (cells[0], "dim-label");
  gtk_widget_add_css_class (cells[1], "numeric");
  gtk_label_set_xalign (GTK_LABEL (cells[0]), 1);
  gtk_label_set_xalign (GTK_LABEL (cells[2]), 0);
  gtk_label_set_ellipsize (GTK_LABEL (cells[2]), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (cells[2]), 30);
  gtk_widget_set_hexpand (cells[2], TRUE);
  gtk_widget_set_tooltip_text (cells[2], text);
  if (self->model->unseen[pos])
    {
      g_autofree char *tip = g_strdup_printf (_("%s\n(none of its words was in the training texts)"), text);

      gtk_widget_add_css_class (cells[2], "fl-unseen");
      gtk_widget_set_tooltip_text (cells[2], tip);
    }
  for (int c = 0; c < 3; c++)
    {
      if (own)
        gtk_widget_add_css_class (cells[c], "fl-own-text");
      gtk_grid_attach (self->texts_grid, cells[c], c, row, 1, 1);
    }
}

/* Where the picture's own text first comes among all the texts, in the
 * list's order (ties to the lower position, as fl_embedder_top_k() breaks
 * them): a text word for word the same as its own, another sample's,
 * counts as its own, as the list marks it. */
static int
own_rank (const FlSearchModel *m,
          int                  pos,
          float               *own)
{
  const float *q = m->image_emb + (gsize) pos * m->E;
  const char *text = text_of (m, pos);
  int rank = 1, first = -1;

  *own = -INFINITY;   /* pos itself has the text */
  for (int j = 0; j < m->n_val; j++)
    if (strcmp (text_of (m, j), text) == 0)
      {
        float s = dot (q, m->text_emb + (gsize) j * m->E, m->E);

        if (s > *own)
          {
            *own = s;
            first = j;
          }
      }
  for (int j = 0; j < m->n_val; j++)
    {
      float s = dot (q, m->text_emb + (gsize) j * m->E, m->E);

      if (s > *own || (s == *own && j < first))
        rank++;
    }
  return rank;
}

static void
caption_texts (FlSearchView *self,
               int           pos)
{
  const FlSearchModel *m = self->model;
  float own;
  int rank = own_rank (m, pos, &own);
  g_autofree char *nth = ordinal (rank);
  g_autofree char *markup = NULL;

  if (rank == 1)
    markup = g_markup_printf_escaped (_("Its own text, <b>“%s”</b>, comes <b>first</b> of %d."),
                                      text_of (m, pos), m->n_val);
  else
    /* TRANSLATORS: the second %s is an ordinal number ("3rd") */
    markup = g_markup_printf_escaped (_("Its own text, <b>“%s”</b>, comes <b>%s</b> of %d (score %.2f)."),
                                      text_of (m, pos), nth, m->n_val, own);
  gtk_label_set_markup (self->chosen_rank, markup);
}

void
_fl_search_view_show_texts (FlSearchView *self,
                            int           pos)
{
  const FlSearchModel *m = self->model;
  g_autoptr(GdkTexture) texture = fl_texture_new_from_sample (m->ds, m->val[pos]);
  int idx[FL_SEARCH_VIEW_TEXTS];

  self->chosen = pos;
  self->n_texts = fl_embedder_top_k (m->image_emb + (gsize) pos * m->E, m->text_emb, m->n_val, m->E,
                                     FL_SEARCH_VIEW_TEXTS, idx, self->text_score);
  clear_grid (self->texts_grid);
  for (int i = 0; i < self->n_texts; i++)
    {
      /* a text that is word for word the picture's own counts as its own */
      self->text_pos[i] = idx[i];
      add_text_row (self, i, idx[i], self->text_score[i], strcmp (text_of (m, idx[i]), text_of (m, pos)) == 0);
    }
  gtk_picture_set_paintable (self->chosen_picture, GDK_PAINTABLE (texture));
  gtk_label_set_text (self->chosen_label, m->ds->class_names[m->labels[pos]]);
  caption_texts (self, pos);

  gtk_flow_box_unselect_all (self->results_box);
  for (int i = 0; i < self->n_results; i++)
    if (self->result_pos[i] == pos)
      gtk_flow_box_select_child (self->results_box, gtk_flow_box_get_child_at_index (self->results_box, i));
  gtk_widget_set_visible (self->texts_none, FALSE);
  gtk_widget_set_visible (self->texts_box, TRUE);
}

/* ---- zero-shot ------------------------------------------------------------ */

/* "Best told: Flags (92%); worst: Objects (3%)." from the predictions. */
static char *
best_and_worst (const FlSearchModel *m,
                const gint32        *pred)
{
  const FlDataset *ds = m->ds;
  g_autofree int *right = g_new0 (int, ds->n_classes);
  g_autofree int *total = g_new0 (int, ds->n_classes);
  int best = -1, worst = -1;

  for (int i = 0; i < m->n_val; i++)
    {
      total[m->labels[i]]++;
      right[m->labels[i]] += pred[i] == m->labels[i];
    }
  for (int c = 0; c < ds->n_classes; c++)
    {
      if (total[c] == 0)
        continue;
      if (best < 0 || right[c] * total[best] > right[best] * total[c])
        best = c;
      if (worst < 0 || right[c] * total[worst] < right[worst] * total[c])
        worst = c;
    }
  if (best < 0 || best == worst)
    return g_strdup ("");
  /* TRANSLATORS: a sentence added to the zero-shot caption, with its
   * leading space; the %s are class names */
  return g_strdup_printf (_(" Best found: %s (%.0f%%); worst: %s (%.0f%%)."),
                          ds->class_names[best], 100.0 * right[best] / total[best],
                          ds->class_names[worst], 100.0 * right[worst] / total[worst]);
}

/* The class texts none of whose words the model knows: a new string
 * saying how many and naming one, or "" when there are none. */
static char *
unseen_classes (const FlSearchModel *m,
                char               **class_texts)
{
  int C = m->ds->n_classes, n = 0, first = -1;
  g_autofree float *emb = g_new (float, (gsize) C * m->E);

  fl_embedder_embed_texts (m->embedder, (const char *const *) class_texts, C, emb);
  for (int c = 0; c < C; c++)
    if (fl_search_model_is_empty (m, emb + (gsize) c * m->E))
      {
        first = first < 0 ? c : first;
        n++;
      }
  if (n == 0)
    return g_strdup ("");
  if (n == C)
    return g_strdup (_(" None of the class texts has a word the training texts had: the model cannot "
                       "place them, and guesses."));
  /* TRANSLATORS: a sentence added to the zero-shot caption, with its
   * leading space */
  return g_strdup_printf (_(" %d of the %d class texts, such as “%s”, have no word the training texts had: "
                            "the model cannot place them."), n, C, class_texts[first]);
}

/* What the figures mean, in a sentence or three. */
static void
caption_zero_shot (FlSearchView *self,
                   const char   *template_,
                   const gint32 *pred,
                   const char   *value,
                   const char   *chance)
{
  const FlSearchModel *m = self->model;
  const FlDataset *ds = m->ds;
  g_auto(GStrv) parts = g_strsplit (template_, "{label}", -1);
  g_auto(GStrv) class_texts = g_new0 (char *, ds->n_classes + 1);
  g_autofree char *detail = best_and_worst (m, pred), *unseen = NULL, *caption = NULL;

  for (int c = 0; c < ds->n_classes; c++)
    class_texts[c] = g_strjoinv (ds->class_names[c], parts);
  unseen = unseen_classes (m, class_texts);
  /* TRANSLATORS: "41.3% of the 120 held-out pictures are nearest to the
   * text of their own class, such as “a picture of cats”; guessing among
   * the 8 classes gets 12.5%.", then up to three sentences or nothing */
  caption = g_strdup_printf (self->held_out
                             ? _("%s of the %d held-out pictures are nearest to the text of their own "
                                 "class, such as “%s”; guessing among the %d classes gets %s.%s%s%s")
                             : _("%s of the %d pictures are nearest to the text of their own "
                                 "class, such as “%s”; guessing among the %d classes gets %s.%s%s%s"),
                             value, m->n_val, class_texts[0], ds->n_classes, chance, detail, unseen,
                             isnan (self->classifier_acc)
                             ? _(" Train a classifier on these data to compare.") : "");
  gtk_label_set_text (self->zero_shot_caption, caption);
}

double
_fl_search_view_run_zero_shot (FlSearchView *self,
                               const char   *template_)
{
  const FlSearchModel *m = self->model;
  const FlDataset *ds = m->ds;
  g_autofree gint32 *pred = g_new (gint32, m->n_val);
  g_autofree char *value = NULL, *chance = NULL, *acc = NULL;

  if (strstr (template_, "{label}") == NULL)
    return NAN;
  self->zero_shot_acc = fl_embedder_zero_shot (m->embedder, m->image_emb, m->n_val, m->labels,
                                               (const char *const *) ds->class_names, ds->n_classes,
                                               template_, pred);
  value = g_strdup_printf ("%.1f%%", 100 * self->zero_shot_acc);
  chance = g_strdup_printf ("%.1f%%", 100.0 / ds->n_classes);
  acc = isnan (self->classifier_acc) ? g_strdup ("–") : g_strdup_printf ("%.1f%%", 100 * self->classifier_acc);
  gtk_label_set_text (self->zero_shot_value, value);
  gtk_label_set_text (self->chance_value, chance);
  gtk_label_set_text (self->classifier_value, acc);
  caption_zero_shot (self, template_, pred, value, chance);
  return self->zero_shot_acc;
}

/* ---- the heatmap ---------------------------------------------------------- */

/* "In 9 of these 12 rows the true pair is the most alike." */
static void
caption_batch (FlSearchView *self,
               const float  *sims)
{
  int n = self->n_batch, right = 0, unseen = 0;
  float lo = sims[0], hi = sims[0];
  g_autofree char *caption = NULL;

  for (int t = 0; t < n; t++)
    {
      int best = 0;

      for (int p = 0; p < n; p++)
        {
          best = sims[t * n + p] > sims[t * n + best] ? p : best;
          lo = MIN (lo, sims[t * n + p]);
          hi = MAX (hi, sims[t * n + p]);
        }
      right += best == t;
      unseen += self->model->unseen[self->batch_pos[t]];
    }
  /* a collapsed model (the hinge loss from scratch, say) finds every pair
   * alike, and the shades, which span the batch's range, would hide it */
  /* TRANSLATORS: the two %s are the sentences after it, or nothing */
  caption = g_strdup_printf (self->held_out
                             ? _("Each row is the text of a held-out pair, each column a picture; the "
                                 "outlined diagonal are the true pairs, the darker a cell the more alike "
                                 "the model finds its text and picture. In %d of these %d rows the true "
                                 "picture is the darkest (by chance: about 1).%s%s Click a picture to "
                                 "see its nearest texts.")
                             : _("Each row is the text of a pair, each column a picture; the "
                                 "outlined diagonal are the true pairs, the darker a cell the more alike "
                                 "the model finds its text and picture. In %d of these %d rows the true "
                                 "picture is the darkest (by chance: about 1).%s%s Click a picture to "
                                 "see its nearest texts."), right, n,
                             unseen > 0 ? _(" The texts in italics have no word the model knows, and "
                                            "their rows are all the same.") : "",
                             hi - lo < 0.05f ? _(" Every similarity here is within 0.05 of the others: "
                                                 "the model has not learned to tell these pairs apart.") : "");
  gtk_label_set_text (self->heatmap_caption, caption);
}

void
_fl_search_view_draw_batch (FlSearchView *self)
{
  const FlSearchModel *m = self->model;
  int n = MIN (FL_SEARCH_VIEW_BATCH, m->n_val);
  g_autofree int *order = g_new (int, m->n_val);
  g_autofree float *sims = g_new (float, n * n);
  GdkTexture *pictures[FL_SEARCH_VIEW_BATCH];
  const char *texts[FL_SEARCH_VIEW_BATCH];
  guint8 unseen[FL_SEARCH_VIEW_BATCH];

  /* n distinct positions: the head of a partial Fisher–Yates shuffle */
  for (int i = 0; i < m->n_val; i++)
    order[i] = i;
  for (int i = 0; i < n; i++)
    {
      int j = g_rand_int_range (self->rng, i, m->n_val), tmp = order[i];

      order[i] = order[j];
      order[j] = tmp;
      self->batch_pos[i] = order[i];
    }
  self->n_batch = n;
  for (int t = 0; t < n; t++)
    for (int p = 0; p < n; p++)
      sims[t * n + p] = dot (m->text_emb + (gsize) self->batch_pos[t] * m->E,
                             m->image_emb + (gsize) self->batch_pos[p] * m->E, m->E);
  for (int i = 0; i < n; i++)
    {
      pictures[i] = fl_texture_new_from_sample (m->ds, m->val[self->batch_pos[i]]);
      texts[i] = text_of (m, self->batch_pos[i]);
      unseen[i] = m->unseen[self->batch_pos[i]];
    }
  fl_similarity_heatmap_set_data (self->heatmap, n, sims, pictures, texts, unseen);
  for (int i = 0; i < n; i++)
    g_object_unref (pictures[i]);
  caption_batch (self, sims);
}

void
_fl_search_view_clear_parts (FlSearchView *self)
{
  remove_results (self);
  g_clear_pointer (&self->query, g_free);
  clear_grid (self->texts_grid);
  self->chosen = -1;
  self->clicked = FALSE;
  self->n_texts = 0;
  self->n_batch = 0;
  self->zero_shot_acc = NAN;
  gtk_widget_set_visible (self->texts_none, TRUE);
  gtk_widget_set_visible (self->texts_box, FALSE);
  gtk_label_set_text (self->zero_shot_value, "–");
  fl_similarity_heatmap_set_data (self->heatmap, 0, NULL, NULL, NULL, NULL);
}
