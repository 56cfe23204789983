/* SPDX-License-Identifier: MIT
 *
 * The Search page (fl-search-view.h) with a real matching model: a matcher
 * trained two epochs on generated pictures whose texts name what they show
 * (a coloured square in a quadrant, as in test-matcher). What the page shows
 * is checked against the same model's embeddings worked out here by brute
 * force: the pictures a typed sentence finds, best first; the texts a
 * clicked picture finds, its own marked; the zero-shot accuracy against
 * fl_embedder_zero_shot()'s; and the heatmap's n×n cells.
 *
 * FUSIONLAB_SHOTS=DIR: a picture of the page, DIR/search-generated.png.
 */
#define G_LOG_DOMAIN "test-ui-search"

#include "fl-embedder.h"
#include "fl-matcher.h"
#include "fl-search-view.h"
#include "fl-similarity-heatmap.h"
#include "fl-style.h"
#include "test-ui-util.h"

#include <string.h>

#include "test-match-util.h"

#define S 16

/* What every test shares: the data, a trained matcher, and the held-out
 * samples embedded by an embedder of its own, for the brute force. */
static FlDataset    *ds;
static FlMatcher    *matcher;
static FlEmbedder   *ref;
static const gint32 *val;
static int           n_val, E;
static float        *image_emb, *text_emb;   /* (n_val,E) */
static gint32       *val_labels;

static void
train (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  g_autofree const char **texts = NULL;
  gsize bytes = (gsize) 3 * S * S;
  FlMatchSettings s;

  ds = make_match_dataset (400, S, FALSE, 7);
  fl_match_settings_init_default (&s);
  s.embed_dim = 16;
  s.train.feat_dim = 32;
  s.train.batch_size = 32;
  s.train.n_threads = 1;
  s.train.epochs = 2;
  s.train.lr = 3e-3f;
  matcher = fl_matcher_new (ds, &s, &error);
  g_assert_no_error (error);
  fl_matcher_train (matcher, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  ref = fl_matcher_embedder (matcher);
  E = fl_embedder_dim (ref);
  val = fl_run_val_indices (fl_matcher_run (matcher), &n_val);
  g_assert_cmpint (n_val, >, FL_SEARCH_VIEW_TOP);
  pixels = g_new (guint8, n_val * bytes);
  texts = g_new (const char *, n_val);
  val_labels = g_new (gint32, n_val);
  for (int i = 0; i < n_val; i++)
    {
      memcpy (pixels + i * bytes, ds->images + val[i] * bytes, bytes);
      texts[i] = ds->texts[val[i]];
      val_labels[i] = ds->labels[val[i]];
    }
  image_emb = g_new (float, n_val * E);
  text_emb = g_new (float, n_val * E);
  fl_embedder_embed_images (ref, pixels, n_val, image_emb);
  fl_embedder_embed_texts (ref, texts, n_val, text_emb);
}

static float
dot (const float *a, const float *b)
{
  float s = 0;

  for (int k = 0; k < E; k++)
    s += a[k] * b[k];
  return s;
}

/* The position in val of sample i. */
static int
pos_of (int i)
{
  for (int pos = 0; pos < n_val; pos++)
    if (val[pos] == i)
      return pos;
  g_assert_not_reached ();
}

static gboolean
view_ready (gpointer data)
{
  return fl_search_view_get_ready (data);
}

typedef struct {
  GtkWidget    *window;
  FlSearchView *view;
} Page;

static void
page_setup (Page *p, gconstpointer data)
{
  p->view = fl_search_view_new ();
  p->window = ui_show_in_window (GTK_WIDGET (p->view), 1100, 850);
  fl_style_load (gtk_widget_get_display (p->window));
  fl_search_view_set_model (p->view, fl_matcher_embedder (matcher), ds, val, n_val, 0.8);
  g_assert_true (ui_wait (view_ready, p->view, 60));
}

static void
page_teardown (Page *p, gconstpointer data)
{
  GtkWidget *weak = GTK_WIDGET (p->view);

  g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *) &weak);
  gtk_window_destroy (GTK_WINDOW (p->window));
  ui_spin (0.05);
  g_assert_null (weak);
}

static gboolean
label_contains (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), data) != NULL;
}

static gboolean
has_results (gpointer data)
{
  return fl_search_view_get_n_results (data) > 0;
}

static guint
n_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    n++;
  return n;
}

/* The results shown for query are the n pictures nearest it, best first,
 * with their scores: no picture left out scores more than the last. */
static void
check_results (FlSearchView *view,
               const char   *query)
{
  int n = fl_search_view_get_n_results (view);
  float q[64], last = INFINITY;

  g_assert_cmpint (n, ==, FL_SEARCH_VIEW_TOP);
  g_assert_cmpint (E, <=, 64);
  fl_embedder_embed_texts (ref, &query, 1, q);
  for (int i = 0; i < n; i++)
    {
      float score;
      int sample = fl_search_view_get_result (view, i, &score);

      g_assert_cmpfloat (score, <=, last);
      g_assert_cmpfloat_with_epsilon (score, dot (q, image_emb + pos_of (sample) * E), 1e-4);
      last = score;
    }
  for (int pos = 0; pos < n_val; pos++)
    {
      gboolean shown = FALSE;

      for (int i = 0; i < n; i++)
        shown |= fl_search_view_get_result (view, i, NULL) == val[pos];
      if (!shown)
        g_assert_cmpfloat (dot (q, image_emb + pos * E), <=, last + 1e-4);
    }
}

/* Typing a sentence fills the grid, after a pause, with the 12 held-out
 * pictures whose embeddings are nearest the sentence's, best first, with
 * their scores; the best one's texts show. */
static void
test_type (Page *p, gconstpointer data)
{
  GtkWidget *entry = ui_find_type (GTK_WIDGET (p->view), GTK_TYPE_SEARCH_ENTRY);
  GtkWidget *grid = ui_find_type (GTK_WIDGET (p->view), GTK_TYPE_FLOW_BOX);
  const float *best;
  float top = -INFINITY, shown;

  g_assert_cmpint (fl_search_view_get_n_results (p->view), ==, 0);
  gtk_editable_set_text (GTK_EDITABLE (entry), "red top left");
  /* not at once: the entry waits for a pause in the typing */
  g_assert_cmpint (fl_search_view_get_n_results (p->view), ==, 0);
  g_assert_true (ui_wait (has_results, p->view, 5));
  check_results (p->view, "red top left");
  g_assert_cmpuint (n_children (grid), ==, FL_SEARCH_VIEW_TOP);

  /* until a picture is clicked, the best one's texts show */
  best = image_emb + pos_of (fl_search_view_get_result (p->view, 0, NULL)) * E;
  for (int j = 0; j < n_val; j++)
    top = MAX (top, dot (best, text_emb + j * E));
  g_assert_cmpint (fl_search_view_get_n_texts (p->view), ==, FL_SEARCH_VIEW_TEXTS);
  fl_search_view_get_text (p->view, 0, &shown);
  g_assert_cmpfloat_with_epsilon (shown, top, 1e-4);

  /* a trained model finds the red squares first */
  g_assert_cmpint (ds->labels[fl_search_view_get_result (p->view, 0, NULL)], ==, 2 /* red, sorted */);

  /* Enter shows the best picture's texts */
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpint (fl_search_view_get_n_texts (p->view), ==, FL_SEARCH_VIEW_TEXTS);
  g_assert_nonnull (ui_find_label (GTK_WIDGET (p->view), "Its own text"));

  /* words it never saw: said so */
  fl_search_view_search (p->view, "zebra quokka");
  g_assert_nonnull (ui_find_label (GTK_WIDGET (p->view), "None of these words"));
}

/* "comes 3rd of", by brute force: after every other text scoring more
 * with sample's picture than the best of those word for word its own. */
static char *
own_comes (int sample)
{
  const float *q = image_emb + pos_of (sample) * E;
  float own = -INFINITY;
  int rank = 1;

  for (int j = 0; j < n_val; j++)
    if (strcmp (ds->texts[val[j]], ds->texts[sample]) == 0)
      own = MAX (own, dot (q, text_emb + j * E));
  for (int j = 0; j < n_val; j++)
    rank += strcmp (ds->texts[val[j]], ds->texts[sample]) != 0 && dot (q, text_emb + j * E) > own;
  if (rank == 1)
    return g_strdup ("comes first of");
  return g_strdup_printf ("comes %d%s of", rank, rank % 100 / 10 == 1 ? "th" : rank % 10 == 1 ? "st"
                          : rank % 10 == 2 ? "nd" : rank % 10 == 3 ? "rd" : "th");
}

/* Clicking a picture lists the held-out texts nearest it, best first, its
 * own marked. */
static void
test_click (Page *p, gconstpointer data)
{
  GtkFlowBox *grid = GTK_FLOW_BOX (ui_find_type (GTK_WIDGET (p->view), GTK_TYPE_FLOW_BOX));
  GtkFlowBoxChild *child;
  int sample, pos, n;
  float last = INFINITY;
  gboolean own_listed = FALSE;
  GtkLabel *marked;

  fl_search_view_search (p->view, "blue bottom right");
  g_assert_cmpint (fl_search_view_get_n_results (p->view), ==, FL_SEARCH_VIEW_TOP);
  sample = fl_search_view_get_result (p->view, 2, NULL);
  pos = pos_of (sample);
  child = gtk_flow_box_get_child_at_index (grid, 2);
  g_signal_emit_by_name (grid, "child-activated", child);

  n = fl_search_view_get_n_texts (p->view);
  g_assert_cmpint (n, ==, FL_SEARCH_VIEW_TEXTS);
  g_assert_true (gtk_flow_box_child_is_selected (child));
  for (int i = 0; i < n; i++)
    {
      float score;
      int t = fl_search_view_get_text (p->view, i, &score);

      g_assert_cmpfloat (score, <=, last);
      g_assert_cmpfloat_with_epsilon (score, dot (image_emb + pos * E, text_emb + pos_of (t) * E), 1e-4);
      own_listed |= strcmp (ds->texts[t], ds->texts[sample]) == 0;
      last = score;
    }
  for (int j = 0; j < n_val; j++)
    {
      gboolean listed = FALSE;

      for (int i = 0; i < n; i++)
        listed |= fl_search_view_get_text (p->view, i, NULL) == val[j];
      if (!listed)
        g_assert_cmpfloat (dot (image_emb + pos * E, text_emb + j * E), <=, last + 1e-4);
    }
  /* its own text is marked when listed, and where it comes is said */
  marked = ui_find_label (GTK_WIDGET (p->view), "✓ ");
  g_assert_true ((marked != NULL) == own_listed);
  if (marked != NULL)
    g_assert_cmpstr (gtk_label_get_text (marked) + strlen ("✓ "), ==, ds->texts[sample]);
  /* and where it comes */
  {
    g_autofree char *comes = own_comes (sample);

    g_test_message ("its own text %s %d", comes, n_val);
    g_assert_nonnull (ui_find (GTK_WIDGET (p->view), label_contains, comes));
  }

  /* the programmatic click agrees */
  g_assert_cmpint (fl_search_view_select (p->view, val[0]), ==, FL_SEARCH_VIEW_TEXTS);
  g_assert_false (gtk_flow_box_child_is_selected (child));
}

static gboolean
is_classify (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "Classify") == 0;
}

/* The zero-shot accuracy shown is fl_embedder_zero_shot()'s on the same
 * embeddings; the classifier's and chance are beside it. */
static void
test_zero_shot (Page *p, gconstpointer data)
{
  GtkWidget *entry = ui_find_type (GTK_WIDGET (p->view), GTK_TYPE_ENTRY);
  GtkWidget *warning = GTK_WIDGET (ui_find_label (GTK_WIDGET (p->view), "The template needs"));
  g_autofree gint32 *pred = g_new (gint32, n_val);
  g_autofree char *expect = NULL, *plain = NULL;
  double acc, shown;

  /* run once with the default template as the page came up */
  acc = fl_embedder_zero_shot (ref, image_emb, n_val, val_labels, (const char *const *) ds->class_names,
                               ds->n_classes, "{label}", pred);
  plain = g_strdup_printf ("%.1f%%", 100 * acc);
  g_assert_cmpstr (fl_search_view_get_zero_shot_text (p->view), ==, plain);

  acc = fl_embedder_zero_shot (ref, image_emb, n_val, val_labels, (const char *const *) ds->class_names,
                               ds->n_classes, "a {label} square", pred);
  shown = fl_search_view_zero_shot (p->view, "a {label} square");
  g_assert_cmpfloat (shown, ==, acc);
  expect = g_strdup_printf ("%.1f%%", 100 * acc);
  g_assert_cmpstr (fl_search_view_get_zero_shot_text (p->view), ==, expect);
  g_test_message ("zero-shot accuracy %s (chance 25%%)", expect);
  g_assert_nonnull (ui_find_label (GTK_WIDGET (p->view), "80.0%"));   /* the classifier's */
  g_assert_nonnull (ui_find_label (GTK_WIDGET (p->view), "25.0%"));   /* chance: 4 classes */

  /* a template without {label} cannot classify, and says why */
  g_assert_false (gtk_widget_get_visible (warning));
  gtk_editable_set_text (GTK_EDITABLE (entry), "a square");
  g_assert_true (gtk_widget_get_visible (warning));
  g_assert_false (gtk_widget_get_sensitive (ui_find (GTK_WIDGET (p->view), is_classify, NULL)));
  g_assert_true (isnan (fl_search_view_zero_shot (p->view, "a square")));
  g_assert_cmpstr (fl_search_view_get_zero_shot_text (p->view), ==, expect);
}

/* The heatmap has a cell per text and picture of the batch, each their
 * cosine similarity; a new batch draws other pairs; clicking a picture of
 * it lists its texts. */
static void
test_heatmap (Page *p, gconstpointer data)
{
  FlSimilarityHeatmap *map = FL_SIMILARITY_HEATMAP (ui_find_type (GTK_WIDGET (p->view),
                                                                  FL_TYPE_SIMILARITY_HEATMAP));
  int n = fl_search_view_get_batch_size (p->view), before[FL_SEARCH_VIEW_BATCH], same = 0;
  float top;

  g_assert_cmpint (n, ==, FL_SEARCH_VIEW_BATCH);
  g_assert_cmpint (fl_similarity_heatmap_get_n (map), ==, n);
  for (int t = 0; t < n; t++)
    for (int c = 0; c < n; c++)
      g_assert_cmpfloat_with_epsilon (fl_similarity_heatmap_get_cell (map, t, c),
                                      dot (text_emb + pos_of (fl_search_view_get_batch (p->view, t)) * E,
                                           image_emb + pos_of (fl_search_view_get_batch (p->view, c)) * E),
                                      1e-4);
  for (int i = 0; i < n; i++)
    before[i] = fl_search_view_get_batch (p->view, i);
  fl_search_view_new_batch (p->view);
  g_assert_cmpint (fl_similarity_heatmap_get_n (map), ==, n);
  for (int i = 0; i < n; i++)
    same += before[i] == fl_search_view_get_batch (p->view, i);
  g_assert_cmpint (same, <, n);

  g_signal_emit_by_name (map, "picture-activated", 3);
  fl_search_view_get_text (p->view, 0, &top);
  g_assert_cmpfloat (top, >=, dot (image_emb + pos_of (fl_search_view_get_batch (p->view, 3)) * E,
                                   text_emb + pos_of (fl_search_view_get_batch (p->view, 3)) * E) - 1e-4);

  if (g_getenv ("FUSIONLAB_SHOTS") != NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("FUSIONLAB_SHOTS"), "search-generated.png", NULL);
      g_autoptr(GdkTexture) shot = NULL;

      fl_search_view_search (p->view, "green top right");
      ui_spin (0.3);
      shot = ui_render_widget (p->window);
      g_assert_true (gdk_texture_save_to_png (shot, path));
      g_test_message ("wrote %s", path);
    }
}

/* A new model while the last is still being embedded, none at all, and
 * the page going away while it embeds: no stale results, no crash. */
static void
test_replace (void)
{
  FlSearchView *view = fl_search_view_new ();
  GtkWidget *window = ui_show_in_window (GTK_WIDGET (view), 900, 700);

  fl_search_view_set_model (view, fl_matcher_embedder (matcher), ds, val, n_val, NAN);
  fl_search_view_set_model (view, fl_matcher_embedder (matcher), ds, val, n_val, NAN);
  g_assert_false (fl_search_view_get_ready (view));
  g_assert_true (ui_wait (view_ready, view, 60));
  g_assert_nonnull (ui_find (GTK_WIDGET (view), label_contains, "Train a classifier on these data to compare"));

  fl_search_view_set_model (view, NULL, NULL, NULL, 0, NAN);
  g_assert_false (fl_search_view_get_ready (view));
  g_assert_cmpint (fl_search_view_get_n_results (view), ==, 0);
  g_assert_cmpint (fl_similarity_heatmap_get_n (FL_SIMILARITY_HEATMAP (
    ui_find_type (GTK_WIDGET (view), FL_TYPE_SIMILARITY_HEATMAP))), ==, 0);

  fl_search_view_set_model (view, fl_matcher_embedder (matcher), ds, val, n_val, NAN);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_spin (0.5);
}

/* Every sample of the data (a model file opened on the data loaded): none
 * of them is called held out. */
static void
test_all_samples (void)
{
  FlSearchView *view = fl_search_view_new ();
  GtkWidget *window = ui_show_in_window (GTK_WIDGET (view), 900, 700);
  g_autofree gint32 *all = g_new (gint32, ds->n);
  g_autofree char *intro = g_strdup_printf ("The %d pairs of the data loaded", ds->n);

  for (int i = 0; i < ds->n; i++)
    all[i] = i;
  fl_search_view_set_model (view, fl_matcher_embedder (matcher), ds, all, ds->n, NAN);
  g_assert_true (ui_wait (view_ready, view, 60));
  fl_search_view_search (view, "green");
  g_assert_nonnull (ui_find_label (GTK_WIDGET (view), intro));
  g_assert_null (ui_find (GTK_WIDGET (view), label_contains, "held-out"));
  g_assert_cmpint (fl_search_view_get_n_results (view), ==, FL_SEARCH_VIEW_TOP);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_spin (0.05);
}

int
main (int argc, char **argv)
{
  int ret;

  ui_test_init (&argc, &argv);
  train ();
  g_test_add ("/ui/search/type", Page, NULL, page_setup, test_type, page_teardown);
  g_test_add ("/ui/search/click", Page, NULL, page_setup, test_click, page_teardown);
  g_test_add ("/ui/search/zero-shot", Page, NULL, page_setup, test_zero_shot, page_teardown);
  g_test_add ("/ui/search/heatmap", Page, NULL, page_setup, test_heatmap, page_teardown);
  g_test_add_func ("/ui/search/replace", test_replace);
  g_test_add_func ("/ui/search/all-samples", test_all_samples);
  ret = g_test_run ();

  fl_embedder_free (ref);
  fl_matcher_free (matcher);
  fl_dataset_unref (ds);
  g_free (image_emb);
  g_free (text_emb);
  g_free (val_labels);
  return ret;
}
