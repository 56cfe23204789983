/* SPDX-License-Identifier: MIT
 *
 * The confusion view's drawing: its text layouts, made once per change and
 * kept, and the matrix drawn from them onto any cairo_t.
 */
#define G_LOG_DOMAIN "fl-confusion-view"

#include "fl-confusion-view-private.h"
#include "fl-i18n.h"
#include "fl-ui-util.h"

#include <math.h>

#define PAD       8.0
#define GAP       6.0
#define MAX_CELL 64.0
#define MAX_NAME 140.0   /* names longer than this many pixels are ellipsized */

static PangoLayout *
make_layout (FlConfusionView *self,
             const char      *text,
             int              size)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);

  if (size != SIZE_NORMAL)
    {
      g_autofree char *markup = g_markup_printf_escaped (size == SIZE_SMALL ? "<small>%s</small>"
                                                                            : "<span size='x-small'>%s</span>",
                                                         text);
      pango_layout_set_markup (layout, markup, -1);
    }
  else
    pango_layout_set_text (layout, text, -1);
  return layout;
}

static gboolean
text_fits (FlConfusionView *self,
           const char      *text,
           int              size,
           double           cell)
{
  g_autoptr(PangoLayout) layout = make_layout (self, text, size);
  double w, h;

  fl_layout_size (layout, &w, &h);
  return w <= cell - 2 && h <= cell;
}

/* Whether the widest text a cell may hold fits a cell of that size: the
 * largest count, or the widest percentages, with or without their sign
 * (whether or not this matrix has them, so that its font does not change
 * from one run to the next). */
static gboolean
widest_fits (FlConfusionView *self,
             int              size,
             gboolean         sign,
             double           cell)
{
  gint64 max = 0;
  g_autofree char *text = NULL;

  if (self->proportions)
    return text_fits (self, sign ? "100%" : "100", size, cell) &&
           text_fits (self, sign ? ">99%" : ">99", size, cell);

  for (int i = 0; i < self->n * self->n; i++)
    max = MAX (max, self->counts[i]);
  text = g_strdup_printf ("%" G_GINT64_FORMAT, max);
  return text_fits (self, text, size, cell);
}

static void
choose_cell_style (FlConfusionView *self,
                   double           cell,
                   CellStyle       *style)
{
  style->text = cell >= 20;
  style->sign = TRUE;
  if (cell >= 36 && widest_fits (self, SIZE_NORMAL, TRUE, cell))
    style->size = SIZE_NORMAL;
  else if (widest_fits (self, SIZE_SMALL, TRUE, cell))
    style->size = SIZE_SMALL;
  else
    {
      /* counts have no sign to drop */
      style->sign = !self->proportions;
      style->size = widest_fits (self, SIZE_SMALL, style->sign, cell) ? SIZE_SMALL : SIZE_TINY;
    }
}

char *
_fl_confusion_view_cell_text (FlConfusionView *self,
                              int              t,
                              int              p,
                              gboolean         sign)
{
  gint64 count = self->counts[t * self->n + p];
  gint64 total = self->row_sums[t];
  const char *percent_sign = sign ? "%" : "";
  double percent;

  if (!self->proportions)
    return g_strdup_printf ("%" G_GINT64_FORMAT, count);
  if (total == 0)
    return g_strdup ("–");

  /* rounded to a whole percent, except that a few samples are never shown
   * as none, nor a class missed a few times as all of it */
  percent = 100.0 * count / total;
  if (count > 0 && percent < 0.5)
    return g_strdup_printf ("<1%s", percent_sign);
  if (count < total && percent >= 99.5)
    return g_strdup_printf (">99%s", percent_sign);
  return g_strdup_printf ("%d%s", (int) round (percent), percent_sign);
}

static void
compute_layout (FlConfusionView *self,
                double           width,
                double           height,
                Layout          *lay)
{
  double text_h = self->names_h, avail_w, avail_h, left;

  lay->name_w = MIN (self->names_w, MAX_NAME);

  /* "True" written upwards on the left, "Predicted" on top */
  left = PAD + text_h + GAP + lay->name_w + GAP;
  avail_w = width - left - PAD;

  lay->rotated = FALSE;
  lay->top_h = text_h;
  avail_h = height - (PAD + text_h + GAP + lay->top_h + GAP) - PAD;
  lay->cell = MIN (MIN (avail_w, avail_h) / MAX (self->n, 1), MAX_CELL);
  if (self->names_w > lay->cell - 4.0)
    {
      lay->rotated = TRUE;
      lay->top_h = MIN (self->names_w, MAX_NAME);
      avail_h = height - (PAD + text_h + GAP + lay->top_h + GAP) - PAD;
      lay->cell = MIN (MIN (avail_w, avail_h) / MAX (self->n, 1), MAX_CELL);
    }
  lay->cell = MAX (floor (lay->cell), 4.0);

  /* centre the matrix in the room left over */
  lay->x0 = left + MAX (0.0, floor ((avail_w - lay->cell * self->n) / 2));
  lay->y0 = PAD + text_h + GAP + lay->top_h + GAP;
}

void
_fl_confusion_view_forget_geometry (FlConfusionView *self)
{
  self->width = self->height = 0;
  g_clear_object (&self->pred_title);
  g_clear_object (&self->true_title);
  g_clear_pointer (&self->cell_layouts, g_ptr_array_unref);
}

void
_fl_confusion_view_forget_drawing (FlConfusionView *self)
{
  _fl_confusion_view_forget_geometry (self);
  g_clear_object (&self->context);
  self->serial = 0;
  g_clear_pointer (&self->name_layouts, g_ptr_array_unref);
}

/* The class names, measured whole (for the room they take) and then kept
 * ellipsized (as they are drawn). */
static void
make_names (FlConfusionView *self)
{
  self->name_layouts = g_ptr_array_new_full (self->n, g_object_unref);
  self->names_w = self->names_h = 0;
  for (int i = 0; i < self->n; i++)
    {
      PangoLayout *l = make_layout (self, self->names[i], SIZE_SMALL);
      double w, h;

      fl_layout_size (l, &w, &h);
      self->names_w = MAX (self->names_w, w);
      self->names_h = MAX (self->names_h, h);
      pango_layout_set_width (l, (int) (MAX_NAME * PANGO_SCALE));
      pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_END);
      g_ptr_array_add (self->name_layouts, l);
    }
}

static void
make_geometry (FlConfusionView *self,
               double           width,
               double           height)
{
  _fl_confusion_view_forget_geometry (self);
  compute_layout (self, width, height, &self->lay);
  choose_cell_style (self, self->lay.cell, &self->style);
  /* xgettext:no-c-format */
  self->pred_title = make_layout (self, self->style.sign ? _("Predicted class") : _("Predicted class (cells in %)"),
                                  SIZE_SMALL);
  self->true_title = make_layout (self, _("True class"), SIZE_SMALL);
  if (self->style.text)
    {
      self->cell_layouts = g_ptr_array_new_full (self->n * self->n, g_object_unref);
      for (int t = 0; t < self->n; t++)
        for (int p = 0; p < self->n; p++)
          {
            g_autofree char *text = _fl_confusion_view_cell_text (self, t, p, self->style.sign);

            g_ptr_array_add (self->cell_layouts, make_layout (self, text, self->style.size));
          }
    }
  self->width = width;
  self->height = height;
}

void
_fl_confusion_view_ensure_drawing (FlConfusionView *self,
                                   double           width,
                                   double           height)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  /* changes with the font: the style sheet, the display's resolution */
  guint serial = pango_context_get_serial (context);

  if (context != self->context || serial != self->serial)
    {
      _fl_confusion_view_forget_drawing (self);
      make_names (self);
      self->context = g_object_ref (context);
      self->serial = serial;
    }
  if (width != self->width || height != self->height)
    make_geometry (self, width, height);
}

static void
cell_colour (double  t,
             double *r,
             double *g,
             double *b)
{
  /* from a pale grey-blue to a deep blue (FL_COLOR_BLUE, darkened):
   * a single hue, readable by colour-blind viewers and in greyscale */
  static const double lo[3] = { 0.94, 0.96, 0.98 };
  static const double hi[3] = { 0.0, 0.30, 0.55 };

  t = pow (CLAMP (t, 0.0, 1.0), 0.75);
  *r = lo[0] + (hi[0] - lo[0]) * t;
  *g = lo[1] + (hi[1] - lo[1]) * t;
  *b = lo[2] + (hi[2] - lo[2]) * t;
}

/* The axis titles: "Predicted" on top, "True" upwards on the left. */
static void
draw_titles (FlConfusionView *self,
             cairo_t         *cr,
             const GdkRGBA   *fg)
{
  const Layout *lay = &self->lay;
  double side = lay->cell * self->n, w, h;

  fl_layout_size (self->pred_title, &w, &h);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
  cairo_move_to (cr, lay->x0 + side / 2 - w / 2, PAD);
  pango_cairo_show_layout (cr, self->pred_title);

  fl_layout_size (self->true_title, &w, &h);
  cairo_save (cr);
  /* beside the row names, not at the far edge when the matrix is centred */
  cairo_translate (cr, MAX (PAD, lay->x0 - GAP - lay->name_w - GAP - h), lay->y0 + side / 2 + w / 2);
  cairo_rotate (cr, -G_PI / 2);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, self->true_title);
  cairo_restore (cr);
}

/* The class names: rows on the left, columns on top (upwards when they
 * are wider than a cell); none where a cell is too short for them. */
static void
draw_names (FlConfusionView *self,
            cairo_t         *cr,
            const GdkRGBA   *fg)
{
  const Layout *lay = &self->lay;

  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.85);
  for (int i = 0; i < self->n; i++)
    {
      PangoLayout *l = g_ptr_array_index (self->name_layouts, i);
      double cx = lay->x0 + (i + 0.5) * lay->cell;
      double cy = lay->y0 + (i + 0.5) * lay->cell;
      double w, h;

      fl_layout_size (l, &w, &h);
      if (lay->cell >= h - 2)
        {
          cairo_move_to (cr, lay->x0 - GAP - w, cy - h / 2);
          pango_cairo_show_layout (cr, l);
        }
      if (!lay->rotated)
        {
          cairo_move_to (cr, cx - w / 2, lay->y0 - GAP - h);
          pango_cairo_show_layout (cr, l);
        }
      else if (lay->cell >= h - 2)
        {
          cairo_save (cr);
          cairo_translate (cr, cx - h / 2, lay->y0 - GAP);
          cairo_rotate (cr, -G_PI / 2);
          cairo_move_to (cr, 0, 0);
          pango_cairo_show_layout (cr, l);
          cairo_restore (cr);
        }
    }
}

/* The cells, shaded by their share of the row, with their text where it
 * fits: white on the dark ones, faint for the empty ones. */
static void
draw_cells (FlConfusionView *self,
            cairo_t         *cr)
{
  const Layout *lay = &self->lay;

  for (int t = 0; t < self->n; t++)
    for (int p = 0; p < self->n; p++)
      {
        gint64 count = self->counts[t * self->n + p];
        double frac = self->row_sums[t] > 0 ? (double) count / self->row_sums[t] : 0.0;
        double r, g, b, w, h, x = lay->x0 + p * lay->cell, y = lay->y0 + t * lay->cell;
        PangoLayout *l;

        cell_colour (frac, &r, &g, &b);
        cairo_set_source_rgb (cr, r, g, b);
        cairo_rectangle (cr, x + 0.5, y + 0.5, lay->cell - 1.0, lay->cell - 1.0);
        cairo_fill (cr);

        if (self->cell_layouts == NULL)
          continue;
        l = g_ptr_array_index (self->cell_layouts, t * self->n + p);
        fl_layout_size (l, &w, &h);
        if (w > lay->cell - 2 || h > lay->cell)
          continue;
        if (frac > 0.45)
          cairo_set_source_rgb (cr, 1, 1, 1);
        else
          cairo_set_source_rgba (cr, 0.1, 0.12, 0.15, count > 0 ? 1.0 : 0.35);
        cairo_move_to (cr, x + lay->cell / 2 - w / 2, y + lay->cell / 2 - h / 2);
        pango_cairo_show_layout (cr, l);
      }
}

void
_fl_confusion_view_render (FlConfusionView *self,
                           cairo_t         *cr,
                           const GdkRGBA   *fg)
{
  draw_titles (self, cr, fg);
  draw_names (self, cr, fg);
  draw_cells (self, cr);
}
