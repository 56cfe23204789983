/* SPDX-License-Identifier: MIT
 *
 * test-match-util.h — the generated image–text pairs the matching tests
 * train on (test-matcher, test-embedder, test-ui-search): a coloured square
 * in one of four quadrants, named by its colour and place.
 */
#pragma once

#include "fl-dataset.h"

static const char *const match_colours[] = { "red", "green", "blue", "yellow" };
static const char *const match_places[] = { "top left", "top right", "bottom left", "bottom right" };
static const char *const match_fillers[] = { "a", "the", "some", "one", "this", "that", "here", "there" };

/* Sample i: a square of colour c in quadrant q on a dark noisy ground,
 * S×S; labelled by colour. Its text names colour and place between two
 * fillers, or with colour_only the colour alone (the class name itself). */
static inline FlDataset *
make_match_dataset (int n, int S, gboolean colour_only, guint32 seed)
{
  static const guint8 rgb[4][3] = { { 230, 30, 30 }, { 30, 220, 40 }, { 40, 60, 230 }, { 230, 220, 30 } };
  g_autoptr(GRand) rng = g_rand_new_with_seed (seed);
  g_autofree guint8 *images = g_new (guint8, (gsize) n * 3 * S * S);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree const char **labels = g_new (const char *, n);

  for (int i = 0; i < n; i++)
    {
      int c = g_rand_int_range (rng, 0, 4), q = g_rand_int_range (rng, 0, 4);
      guint8 *img = images + (gsize) i * 3 * S * S;

      for (int ch = 0; ch < 3; ch++)
        for (int y = 0; y < S; y++)
          for (int x = 0; x < S; x++)
            {
              gboolean in = (y < S / 2) == (q < 2) && (x < S / 2) == (q % 2 == 0);
              img[(ch * S + y) * S + x] = in ? rgb[c][ch] : (guint8) g_rand_int_range (rng, 0, 60);
            }
      if (colour_only)
        g_ptr_array_add (texts, g_strdup (match_colours[c]));
      else
        g_ptr_array_add (texts, g_strdup_printf ("%s %s %s %s", match_fillers[g_rand_int_range (rng, 0, 8)],
                                                 match_colours[c], match_places[q], match_fillers[g_rand_int_range (rng, 0, 8)]));
      labels[i] = match_colours[c];
    }
  return fl_dataset_new_from_memory (n, S, images, (const char *const *) texts->pdata, labels);
}
