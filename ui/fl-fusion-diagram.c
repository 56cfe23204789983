/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-fusion-diagram"

#include "fl-fusion-diagram.h"

#include "fl-i18n.h"
#include "fl-style.h"
#include "fl-ui-util.h"

/* The letters of the branches' vectors, as fl-model.h names them. */
static const char letters[FL_N_BRANCHES] = { 'a', 'b', 'c', 'd' };

/* "a, b, c" with sep between the letters of branches */
static char *
join_letters (guint       branches,
              const char *sep)
{
  GString *s = g_string_new (NULL);

  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (branches & FL_BRANCH_BIT (b))
      g_string_append_printf (s, "%s%c", s->len > 0 ? sep : "", letters[b]);
  return g_string_free (s, FALSE);
}

/* What sits in the middle of each route's picture; two branches are
 * spelt out with spaces, more tightly. A new string. */
static char *
middle_text (FlFusion fusion,
             int      rank,
             guint    branches)
{
  int n = fl_branches_count (branches), single = fl_fusion_single_branch (fusion);
  g_autofree char *list = join_letters (branches, n > 2 ? "," : ", ");
  g_autofree char *sum = join_letters (branches, n > 2 ? "+" : " + ");
  g_autofree char *prod = join_letters (branches, " ⊙ ");

  if (single >= 0)
    return g_strdup_printf ("%c", letters[single]);
  switch (fusion)
    {
    case FL_FUSION_CONCAT: return g_strdup_printf ("[%s]", list);
    case FL_FUSION_MEAN: return g_strdup_printf (n > 2 ? "(%s)/%d" : "(%s) / %d", sum, n);
    /* over three or more, (1 + x_1) ⊙ … ⊙ (1 + x_K) − 1 (fl-ops.h) */
    case FL_FUSION_PRODUCT: return n > 2 ? g_strdup ("∏(1+x)−1") : g_steal_pointer (&prod);
    /* TRANSLATORS: the gated fusion's box in a small diagram: z weighs the branches */
    case FL_FUSION_GATED: return g_strdup (C_("fusion diagram", "gate z"));
    case FL_FUSION_LATE: return g_strdup (C_("fusion diagram", "vote"));
    /* TRANSLATORS: the low-rank bilinear fusion's box: a sum over %d rank-one terms */
    case FL_FUSION_LOWRANK: return g_strdup_printf (C_("fusion diagram", "Σ rank %d"), rank);
    default: return g_strdup ("?");
    }
}

/* A rounded box of colour c with a word centred in it. */
static void
box (cairo_t      *cr,
     PangoContext *context,
     double        x,
     double        y,
     double        w,
     double        h,
     const char   *text,
     const GdkRGBA *c,
     double        alpha)
{
  g_autoptr(PangoLayout) layout = pango_layout_new (context);
  double tw, th;

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - 4, y + 4, 4, -G_PI / 2, 0);
  cairo_arc (cr, x + w - 4, y + h - 4, 4, 0, G_PI / 2);
  cairo_arc (cr, x + 4, y + h - 4, 4, G_PI / 2, G_PI);
  cairo_arc (cr, x + 4, y + 4, 4, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, 0.18 * alpha);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, alpha);
  cairo_set_line_width (cr, 1.2);
  cairo_stroke (cr);
  pango_layout_set_text (layout, text, -1);
  fl_layout_size (layout, &tw, &th);
  cairo_move_to (cr, x + (w - tw) / 2, y + (h - th) / 2);
  pango_cairo_show_layout (cr, layout);
}

static void
arrow (cairo_t *cr,
       double   x0,
       double   y0,
       double   x1,
       double   y1,
       double   alpha)
{
  cairo_save (cr);
  cairo_set_line_width (cr, 1.2);
  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, alpha);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);
  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x1 - 5, y1 - 3);
  cairo_line_to (cr, x1 - 5, y1 + 3);
  cairo_close_path (cr);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* A box's height, and the room each branch's row takes. */
#define BOX_H 24.0
#define ROW_H 28.0

int
fl_fusion_diagram_height (guint branches)
{
  int n = branches != 0 ? fl_branches_count (branches) : 2;

  return n <= 2 ? 64 : (int) (ROW_H * n + 8);
}

void
fl_fusion_diagram_draw (cairo_t       *cr,
                        PangoContext  *context,
                        FlFusion       fusion,
                        guint          branches,
                        int            rank,
                        double         width,
                        double         height,
                        const GdkRGBA *fg)
{
  const guint shown = branches != 0 ? branches : FL_BRANCHES_IMAGE_TEXT;
  const int n = fl_branches_count (shown), single = fl_fusion_single_branch (fusion);
  /* (the middle box wider over three or more, for "(a+b+c)/3") */
  double bw = width * 0.22, bh = MIN (BOX_H, height * 0.36);
  double mx = width * (n > 2 ? 0.35 : 0.39), mw = width * (n > 2 ? 0.33 : 0.26);
  double hx = width * 0.78, hw = width * 0.2, top = height * 0.05, low = height * 0.95 - bh;
  double mid = (height - bh) / 2, step = n > 1 ? (low - top) / (n - 1) : 0;
  gboolean late = fusion == FL_FUSION_LATE;
  g_autofree char *middle = middle_text (fusion, rank, single >= 0 ? FL_BRANCH_BIT (single) : shown);
  int k = 0;

  /* late: a head per branch, then their vote; else the branches meet first */
  if (!late)
    box (cr, context, mx, mid, mw, bh, middle, fg, 1.0);
  /* TRANSLATORS: boxes of a small diagram: "vote" of late fusion's heads;
   * "head" is the classifier's output layer */
  box (cr, context, hx, mid, hw, bh, late ? C_("fusion diagram", "vote") : C_("fusion diagram", "head"), fg, 1.0);
  if (!late)
    arrow (cr, mx + mw, mid + bh / 2, hx, mid + bh / 2, 1.0);
  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (shown & FL_BRANCH_BIT (b))
      {
        double y = top + step * k++, on = single < 0 || single == b ? 1.0 : 0.25;
        g_autofree char *word = g_ascii_strdown (fl_branch_title (b), -1);
        GdkRGBA color;

        fl_color_rgba (fl_branch_color (b), &color);
        box (cr, context, 0, y, bw, bh, word, &color, on);
        arrow (cr, bw, y + bh / 2, mx, (late ? y : mid) + bh / 2, on);
        if (late)
          {
            box (cr, context, mx, y, mw, bh, C_("fusion diagram", "head"), fg, on);
            arrow (cr, mx + mw, y + bh / 2, hx, mid + bh / 2, 1.0);
          }
      }
}
