/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-split"

#include "fl-split.h"

#include <math.h>

static gboolean
labels_valid (const gint32 *labels, int n, int n_classes)
{
  for (int i = 0; i < n; i++)
    if (labels[i] < 0 || labels[i] >= n_classes)
      return FALSE;
  return TRUE;
}

/* n_classes GArrays of gint32: class c's sample indices, shuffled
 * (Fisher–Yates) with one generator drawn through the classes in order. */
static GPtrArray *
shuffled_classes (const gint32 *labels, int n, int n_classes, guint64 seed)
{
  const guint32 words[2] = { (guint32) seed, (guint32) (seed >> 32) };
  g_autoptr(GRand) rng = g_rand_new_with_seed_array (words, 2);
  GPtrArray *classes = g_ptr_array_new_full (n_classes, (GDestroyNotify) g_array_unref);

  for (int c = 0; c < n_classes; c++)
    g_ptr_array_add (classes, g_array_new (FALSE, FALSE, sizeof (gint32)));
  for (gint32 i = 0; i < n; i++)
    g_array_append_val ((GArray *) classes->pdata[labels[i]], i);

  for (int c = 0; c < n_classes; c++)
    {
      GArray *idx = classes->pdata[c];
      gint32 *x = (gint32 *) (gpointer) idx->data;

      for (int j = (int) idx->len - 1; j > 0; j--)
        {
          int r = g_rand_int_range (rng, 0, j + 1);
          gint32 t = x[j];
          x[j] = x[r];
          x[r] = t;
        }
    }
  return classes;
}

static int
cmp_gint32 (gconstpointer pa, gconstpointer pb)
{
  gint32 a = *(const gint32 *) pa, b = *(const gint32 *) pb;
  return (a > b) - (a < b);
}

static gboolean
outputs_valid (GArray *train_idx, GArray *val_idx)
{
  return train_idx != NULL && val_idx != NULL && train_idx != val_idx &&
         g_array_get_element_size (train_idx) == sizeof (gint32) &&
         g_array_get_element_size (val_idx) == sizeof (gint32);
}

/* What both splits begin with: checks the arguments they share, empties
 * train_idx and val_idx, and returns the classes' shuffled indices
 * (shuffled_classes()); NULL on a programmer error. */
static GPtrArray *
begin_split (const gint32 *labels, int n, int n_classes, guint64 seed,
             GArray *train_idx, GArray *val_idx)
{
  g_return_val_if_fail (n >= 0 && (labels != NULL || n == 0), NULL);
  g_return_val_if_fail (n_classes >= 1, NULL);
  g_return_val_if_fail (outputs_valid (train_idx, val_idx), NULL);
  g_return_val_if_fail (labels_valid (labels, n, n_classes), NULL);

  g_array_set_size (train_idx, 0);
  g_array_set_size (val_idx, 0);
  return shuffled_classes (labels, n, n_classes, seed);
}

void
fl_split_stratified (const gint32 *labels,
                     int           n,
                     int           n_classes,
                     double        val_fraction,
                     guint64       seed,
                     GArray       *train_idx,
                     GArray       *val_idx)
{
  g_autoptr(GPtrArray) classes = NULL;

  g_return_if_fail (val_fraction >= 0.0 && val_fraction < 1.0);
  classes = begin_split (labels, n, n_classes, seed, train_idx, val_idx);
  if (classes == NULL)
    return;

  for (int c = 0; c < n_classes; c++)
    {
      GArray *idx = classes->pdata[c];
      int count = (int) idx->len;
      int n_val = (int) floor (val_fraction * count + 0.5);

      if (val_fraction > 0.0)
        n_val = count >= 2 ? CLAMP (n_val, 1, count - 1) : 0;

      g_array_append_vals (val_idx, idx->data, n_val);
      g_array_append_vals (train_idx, &g_array_index (idx, gint32, n_val), count - n_val);
    }

  g_array_sort (train_idx, cmp_gint32);
  g_array_sort (val_idx, cmp_gint32);
}

void
fl_split_kfold (const gint32 *labels,
                int           n,
                int           n_classes,
                int           k,
                int           fold,
                guint64       seed,
                GArray       *train_idx,
                GArray       *val_idx)
{
  g_autoptr(GPtrArray) classes = NULL;
  int next = 0;   /* the fold the next index is dealt to */

  g_return_if_fail (k >= 2 && fold >= 0 && fold < k);
  classes = begin_split (labels, n, n_classes, seed, train_idx, val_idx);
  if (classes == NULL)
    return;

  for (int c = 0; c < n_classes; c++)
    {
      GArray *idx = classes->pdata[c];

      for (guint j = 0; j < idx->len; j++)
        {
          g_array_append_val (next == fold ? val_idx : train_idx,
                              g_array_index (idx, gint32, j));
          next = (next + 1) % k;
        }
    }

  g_array_sort (train_idx, cmp_gint32);
  g_array_sort (val_idx, cmp_gint32);
}
