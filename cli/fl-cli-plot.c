/* SPDX-License-Identifier: MIT
 *
 * fl-cli-plot.c — a line chart with ± sd bars as a PNG, for the commands
 * whose figure a teacher shows (label-efficiency). Cairo alone, so the CLI
 * links no GTK; the colours are the app's (ui/fl-style.c: Okabe and Ito's,
 * told apart by colour-blind viewers), and each line has its own marker
 * too, so that a print in grey still tells them apart.
 */
#define G_LOG_DOMAIN "fl-cli"

#include "fl-cli-plot.h"
#include "fl-i18n.h"

#include <cairo.h>
#include <math.h>

#define W 900
#define H 540
#define LEFT 78.0
#define RIGHT 250.0
#define TOP 56.0
#define BOTTOM 64.0

/* the app's first three run colours and its grey */
static const double colors[][3] = {
  { 0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0 },   /* blue */
  { 0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0 },   /* vermillion */
  { 0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0 },   /* green */
  { 0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0 },   /* purple */
};

typedef struct {
  cairo_t *cr;
  double   x0, x1, y0, y1;   /* the data range shown */
} Frame;

static double px (const Frame *f, double x) { return LEFT + (x - f->x0) / (f->x1 - f->x0) * (W - LEFT - RIGHT); }
static double py (const Frame *f, double y) { return H - BOTTOM - (y - f->y0) / (f->y1 - f->y0) * (H - TOP - BOTTOM); }

/* text with its anchor: ax, ay in [0, 1] of its extents (0.5, 0.5: centred) */
static void
text_at (cairo_t *cr, const char *s, double x, double y, double ax, double ay)
{
  cairo_text_extents_t e;

  cairo_text_extents (cr, s, &e);
  cairo_move_to (cr, x - e.x_bearing - ax * e.width, y - e.y_bearing - ay * e.height);
  cairo_show_text (cr, s);
}

/* The y range: every mean ± sd and the chance line, out to tenths. */
static void
y_range (Frame *f, const FlCliSeries *series, int n_series, int n, double chance)
{
  double lo = chance > 0 ? chance : 1.0, hi = chance > 0 ? chance : 0.0;

  for (int s = 0; s < n_series; s++)
    for (int i = 0; i < n; i++)
      {
        lo = MIN (lo, series[s].mean[i] - series[s].sd[i]);
        hi = MAX (hi, series[s].mean[i] + series[s].sd[i]);
      }
  f->y0 = MAX (0.0, floor (lo * 10 - 1e-9) / 10);
  f->y1 = MIN (1.0, ceil (hi * 10 + 1e-9) / 10);
  if (f->y1 - f->y0 < 0.2)
    f->y1 = MIN (1.0, f->y0 + 0.2), f->y0 = f->y1 - 0.2;
}

static void
draw_axes (const Frame *f, const double *x, int n, const char *x_label, const char *y_label)
{
  cairo_t *cr = f->cr;
  char buf[32];

  cairo_set_font_size (cr, 14);
  for (double y = f->y0; y <= f->y1 + 1e-9; y += 0.1)
    {
      cairo_set_source_rgb (cr, 0.88, 0.88, 0.88);
      cairo_move_to (cr, LEFT, py (f, y));
      cairo_line_to (cr, W - RIGHT, py (f, y));
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      g_snprintf (buf, sizeof buf, "%.1f", y);
      text_at (cr, buf, LEFT - 8, py (f, y), 1.0, 0.5);
    }
  for (int i = 0; i < n; i++)
    {
      g_snprintf (buf, sizeof buf, "%g%%", 100 * x[i]);
      text_at (cr, buf, px (f, x[i]), H - BOTTOM + 10, 0.5, 0.0);
    }
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  cairo_rectangle (cr, LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
  cairo_stroke (cr);
  text_at (cr, x_label, (LEFT + W - RIGHT) / 2, H - 22, 0.5, 0.5);
  cairo_save (cr);
  cairo_translate (cr, 20, (TOP + H - BOTTOM) / 2);
  cairo_rotate (cr, -G_PI / 2);
  text_at (cr, y_label, 0, 0, 0.5, 0.5);
  cairo_restore (cr);
}

/* Marker k at (x, y): circle, square, triangle, diamond. */
static void
marker (cairo_t *cr, int k, double x, double y)
{
  const double r = 5.5;

  switch (k % 4)
    {
    case 0: cairo_arc (cr, x, y, r, 0, 2 * G_PI); break;
    case 1: cairo_rectangle (cr, x - r, y - r, 2 * r, 2 * r); break;
    case 2: cairo_move_to (cr, x, y - r * 1.2); cairo_line_to (cr, x + r * 1.1, y + r * 0.8);
            cairo_line_to (cr, x - r * 1.1, y + r * 0.8); cairo_close_path (cr); break;
    default: cairo_move_to (cr, x, y - r * 1.3); cairo_line_to (cr, x + r, y);
             cairo_line_to (cr, x, y + r * 1.3); cairo_line_to (cr, x - r, y); cairo_close_path (cr);
    }
  cairo_fill (cr);
}

/* One series: the bars (nudged sideways so that they do not hide each
 * other), the line, the markers, and its entry in the legend. */
static void
draw_series (const Frame *f, const double *x, int n, const FlCliSeries *s, int k, int n_series)
{
  cairo_t *cr = f->cr;
  const double *c = colors[k % G_N_ELEMENTS (colors)];
  double nudge = (k - (n_series - 1) / 2.0) * 7;

  cairo_set_source_rgb (cr, c[0], c[1], c[2]);
  cairo_set_line_width (cr, 1.5);
  for (int i = 0; i < n; i++)
    {
      double xx = px (f, x[i]) + nudge, lo = py (f, s->mean[i] - s->sd[i]), hi = py (f, s->mean[i] + s->sd[i]);
      cairo_move_to (cr, xx, lo); cairo_line_to (cr, xx, hi);
      cairo_move_to (cr, xx - 5, lo); cairo_line_to (cr, xx + 5, lo);
      cairo_move_to (cr, xx - 5, hi); cairo_line_to (cr, xx + 5, hi);
    }
  cairo_stroke (cr);
  cairo_set_line_width (cr, 2.5);
  for (int i = 0; i < n; i++)
    (i == 0 ? cairo_move_to : cairo_line_to) (cr, px (f, x[i]) + nudge, py (f, s->mean[i]));
  cairo_stroke (cr);
  for (int i = 0; i < n; i++)
    marker (cr, k, px (f, x[i]) + nudge, py (f, s->mean[i]));
  /* the legend, to the right of the frame */
  cairo_move_to (cr, W - RIGHT + 16, TOP + 14 + 26 * k);
  cairo_rel_line_to (cr, 28, 0);
  cairo_stroke (cr);
  marker (cr, k, W - RIGHT + 30, TOP + 14 + 26 * k);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  text_at (cr, s->name, W - RIGHT + 52, TOP + 14 + 26 * k, 0.0, 0.5);
}

gboolean
fl_cli_plot_lines (const char        *path,
                   const char        *title,
                   const char        *x_label,
                   const char        *y_label,
                   const double      *x,
                   int                n,
                   const FlCliSeries *series,
                   int                n_series,
                   double             chance,
                   GError           **error)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  Frame f = { cairo_create (surface), 0.0, 1.0, 0.0, 1.0 };
  cairo_status_t status;

  g_return_val_if_fail (n >= 1 && n_series >= 1, FALSE);
  f.x1 = 1.06 * MAX (1.0, x[n - 1]);   /* room for the bars at 100 % */
  y_range (&f, series, n_series, n, chance);
  cairo_set_source_rgb (f.cr, 1, 1, 1);
  cairo_paint (f.cr);
  cairo_select_font_face (f.cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_line_width (f.cr, 1.0);
  draw_axes (&f, x, n, x_label, y_label);
  if (chance > f.y0 && chance < f.y1)
    {
      const double dash[] = { 6, 4 };
      cairo_set_source_rgb (f.cr, 0.45, 0.45, 0.45);
      cairo_set_dash (f.cr, dash, 2, 0);
      cairo_move_to (f.cr, LEFT, py (&f, chance));
      cairo_line_to (f.cr, W - RIGHT, py (&f, chance));
      cairo_stroke (f.cr);
      cairo_set_dash (f.cr, NULL, 0, 0);
      /* not translated: Cairo's toy text API, one font without fallback for Chinese */
      text_at (f.cr, "chance", W - RIGHT - 6, py (&f, chance) - 4, 1.0, 1.0);
    }
  for (int k = 0; k < n_series; k++)
    draw_series (&f, x, n, &series[k], k, n_series);
  cairo_set_font_size (f.cr, 16);
  cairo_set_source_rgb (f.cr, 0.1, 0.1, 0.1);
  text_at (f.cr, title, W / 2.0, 28, 0.5, 0.5);
  cairo_destroy (f.cr);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("%s: the plot was not written: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
