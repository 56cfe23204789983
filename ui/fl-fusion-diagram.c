/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-fusion-diagram"

#include "fl-fusion-diagram.h"

#include "fl-style.h"
#include "fl-ui-util.h"

/* What sits in the middle of each route's picture. */
static const char *
middle_text (FlFusion fusion)
{
  switch (fusion)
    {
    case FL_FUSION_CONCAT: return "[a, b]";
    case FL_FUSION_MEAN: return "(a + b) / 2";
    case FL_FUSION_PRODUCT: return "a ⊙ b";
    case FL_FUSION_GATED: return "gate z";
    case FL_FUSION_LATE: return "vote";
    case FL_FUSION_LOWRANK: return "Σ rank 8";
    case FL_FUSION_IMAGE: return "a";
    case FL_FUSION_TEXT: return "b";
    default: return "?";
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

void
fl_fusion_diagram_draw (cairo_t       *cr,
                        PangoContext  *context,
                        FlFusion       fusion,
                        double         width,
                        double         height,
                        const GdkRGBA *fg)
{
  GdkRGBA picture, words;
  double bw = width * 0.22, bh = MIN (24.0, height * 0.36), mx = width * 0.39, mw = width * 0.26;
  double hx = width * 0.78, hw = width * 0.2, top = height * 0.05, low = height * 0.95 - bh;
  double mid = (height - bh) / 2;
  double a_on = fusion == FL_FUSION_TEXT ? 0.25 : 1.0, b_on = fusion == FL_FUSION_IMAGE ? 0.25 : 1.0;
  gboolean late = fusion == FL_FUSION_LATE;

  fl_color_rgba (FL_COLOR_ORANGE, &picture);
  fl_color_rgba (FL_COLOR_BLUE, &words);
  box (cr, context, 0, top, bw, bh, "picture", &picture, a_on);
  box (cr, context, 0, low, bw, bh, "words", &words, b_on);
  /* late: a head per branch, then their vote; else the branches meet first */
  box (cr, context, mx, late ? top : mid, mw, bh, late ? "head" : middle_text (fusion), fg, late ? a_on : 1.0);
  if (late)
    box (cr, context, mx, low, mw, bh, "head", fg, b_on);
  box (cr, context, hx, mid, hw, bh, late ? "vote" : "head", fg, 1.0);
  arrow (cr, bw, top + bh / 2, mx, (late ? top : mid) + bh / 2, a_on);
  arrow (cr, bw, low + bh / 2, mx, (late ? low : mid) + bh / 2, b_on);
  arrow (cr, mx + mw, (late ? top : mid) + bh / 2, hx, mid + bh / 2, 1.0);
  if (late)
    arrow (cr, mx + mw, low + bh / 2, hx, mid + bh / 2, 1.0);
}
