/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-reliance-chart"

#include "fl-reliance-chart.h"
#include "fl-i18n.h"
#include "fl-style.h"
#include "fl-ui-util.h"

#include <math.h>

#define BAR_H 14.0
#define ROW_H 24.0
#define GAP    8.0

void
fl_reliance_bars_clear (FlRelianceBars *bars)
{
  for (int i = 0; i < FL_N_BRANCHES; i++)
    {
      g_clear_object (&bars->names[i]);
      g_clear_object (&bars->values[i]);
    }
  bars->n = 0;
}

void
fl_reliance_bars_set (FlRelianceBars *bars,
                      guint           branches,
                      const double   *drop,
                      PangoContext   *context)
{
  fl_reliance_bars_clear (bars);
  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (branches & FL_BRANCH_BIT (b))
      {
        int i = bars->n++;
        /* TRANSLATORS: a bar's name; %s is a modality, "the picture", "the words"… */
        g_autofree char *name = g_strdup_printf (_("Without %s"), fl_branch_noun (b));
        /* a loss with a minus, a gain with a plus, nothing with neither */
        /* TRANSLATORS: a bar's value: a sign, then percentage points of accuracy */
        g_autofree char *value = g_strdup_printf (_("%s%.1f points"), fabs (drop[b]) < 0.05 ? "" : drop[b] < 0 ? "+" : "−",
                                                  fabs (drop[b]));

        bars->branch[i] = b;
        bars->drop[i] = drop[b];
        bars->names[i] = fl_small_layout (context, name);
        bars->values[i] = fl_small_layout (context, value);
      }
}

int
fl_reliance_bars_height (int n)
{
  return (int) (ROW_H * MAX (n, 2));
}

void
fl_reliance_bars_render (const FlRelianceBars *bars,
                         cairo_t              *cr,
                         double                width,
                         double                height,
                         const GdkRGBA        *fg)
{
  double name_w = 0, value_w = 0, lo = 0, hi = 1.0, x0, area, zero, w, h, row = height / MAX (bars->n, 1);

  for (int i = 0; i < bars->n; i++)
    {
      fl_layout_size (bars->names[i], &w, NULL);
      name_w = MAX (name_w, w);
      fl_layout_size (bars->values[i], &w, NULL);
      value_w = MAX (value_w, w);
      /* at least a point's scale: a drop of 0.1 point is not a long bar */
      lo = MIN (lo, bars->drop[i]);
      hi = MAX (hi, bars->drop[i]);
    }
  x0 = name_w + GAP;
  area = MAX (width - x0 - GAP - value_w, 10.0);
  zero = x0 + area * -lo / (hi - lo);
  for (int i = 0; i < bars->n; i++)
    {
      double y = i * row, end = zero + area * bars->drop[i] / (hi - lo);
      GdkRGBA color;

      fl_layout_size (bars->names[i], &w, &h);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.85);
      cairo_move_to (cr, name_w - w, y + (row - h) / 2);
      pango_cairo_show_layout (cr, bars->names[i]);

      fl_color_rgba (fl_branch_color (bars->branch[i]), &color);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_rectangle (cr, MIN (zero, end), y + (row - BAR_H) / 2, MAX (fabs (end - zero), 1.0), BAR_H);
      cairo_fill (cr);

      fl_layout_size (bars->values[i], &w, &h);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.75);
      cairo_move_to (cr, MAX (zero, end) + GAP / 2, y + (row - h) / 2);
      pango_cairo_show_layout (cr, bars->values[i]);
    }
  /* the zero line */
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.4);
  cairo_rectangle (cr, floor (zero), 0, 1, height);
  cairo_fill (cr);
}

/* ---- in words ------------------------------------------------------------------ */

/* "loses 12.3 points", "gains 0.8 points": what taking a modality away
 * does to the accuracy, a clause of the sentences below. */
static char *
loss_words (double drop)
{
  gboolean one = fabs (drop) == 1.0;

  /* TRANSLATORS: the accuracy, in percentage points, the model loses or
   * gains without a modality; a clause of "without the picture it %s" */
  if (drop >= 0)
    return g_strdup_printf (one ? _("loses %.1f point") : _("loses %.1f points"), fabs (drop));
  return g_strdup_printf (one ? _("gains %.1f point") : _("gains %.1f points"), fabs (drop));
}

/* On the picture and the words, as the page said it before there were
 * other modalities. Each %s is what loss_words() says. */
static char *
image_text_sentence (FlFusion fusion,
                     double   image,
                     double   text)
{
  g_autofree char *without_image = loss_words (image), *without_text = loss_words (text);

  if (fusion == FL_FUSION_IMAGE)
    return g_strdup_printf (_("This model reads only the pictures: without them it %s; the words cost it nothing."),
                            without_image);
  if (fusion == FL_FUSION_TEXT)
    return g_strdup_printf (_("This model reads only the words: without them it %s; the pictures cost it nothing."),
                            without_text);
  if (fabs (image) < 1.0 && fabs (text) < 1.0)
    return g_strdup_printf (_("This model hardly needs either: without the picture it %s, without the words "
                              "it %s."), without_image, without_text);
  if ((text >= 2 * image || image >= 2 * text) && text > image)
    return g_strdup_printf (_("This model leans on the words: without them it %s, without the picture it %s."),
                            without_text, without_image);
  if (text >= 2 * image || image >= 2 * text)
    return g_strdup_printf (_("This model leans on the pictures: without them it %s, without the words it %s."),
                            without_image, without_text);
  return g_strdup_printf (_("This model leans on both: without the picture it %s, without the words it %s."),
                          without_image, without_text);
}

/* The branches of branches by falling drop into order; returns how many. */
static int
by_drop (guint         branches,
         const double *drop,
         int           order[FL_N_BRANCHES])
{
  int n = 0;

  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (branches & FL_BRANCH_BIT (b))
      {
        int k = n++;

        for (; k > 0 && drop[order[k - 1]] < drop[b]; k--)
          order[k] = order[k - 1];
        order[k] = b;
      }
  return n;
}

char *
fl_reliance_sentence (FlFusion      fusion,
                      guint         branches,
                      const double *drop)
{
  int order[FL_N_BRANCHES], n, single = fl_fusion_single_branch (fusion);
  GString *s;

  if (branches == FL_BRANCHES_IMAGE_TEXT)
    return image_text_sentence (fusion, drop[FL_BRANCH_IMAGE], drop[FL_BRANCH_TEXT]);
  n = by_drop (branches, drop, order);
  s = g_string_new (NULL);
  if (single >= 0)
    {
      g_autofree char *lost = loss_words (drop[single]);

      /* TRANSLATORS: %s: a modality ("the sound"), then what loss_words() says */
      g_string_printf (s, _("This model reads only %s: without it, it %s; the other modalities cost it nothing."),
                       fl_branch_noun (single), lost);
      return g_string_free (s, FALSE);
    }
  /* one far ahead (twice the next), or all of them alike (the least at
   * least half the most), or the two first */
  if (n < 2 || fabs (drop[order[0]]) < 1.0)
    g_string_append (s, _("This model hardly needs any one of its modalities:"));
  else if (drop[order[0]] >= 2 * drop[order[1]])
    g_string_append_printf (s, _("This model leans most on %s:"), fl_branch_noun (order[0]));
  else if (drop[order[n - 1]] >= drop[order[0]] / 2)
    g_string_append (s, n == 2 ? _("This model leans on both:") : n == 3 ? _("This model leans on all three:")
                                                                      : _("This model leans on all four:"));
  else
    g_string_append_printf (s, _("This model leans most on %s and %s:"), fl_branch_noun (order[0]),
                            fl_branch_noun (order[1]));
  for (int k = 0; k < n; k++)
    {
      g_autofree char *lost = loss_words (drop[order[k]]);

      /* TRANSLATORS: after "This model leans on all three:", one clause per
       * modality: %s a modality ("the sound"), then what loss_words() says;
       * the first clause, then the others */
      g_string_append_printf (s, k == 0 ? _(" without %s it %s") : _(", without %s it %s"),
                              fl_branch_noun (order[k]), lost);
    }
  /* TRANSLATORS: the full stop that ends the sentence of clauses above */
  g_string_append (s, C_("end of sentence", "."));
  return g_string_free (s, FALSE);
}
