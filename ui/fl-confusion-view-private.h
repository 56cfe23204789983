/* SPDX-License-Identifier: MIT
 *
 * fl-confusion-view-private.h — what the confusion view's two files share:
 * fl-confusion-view.c (the widget: its properties, signals, tooltip and
 * clicks) and fl-confusion-view-render.c (its layouts and its drawing).
 */
#pragma once

#include "fl-confusion-view.h"

G_BEGIN_DECLS

/* Text sizes: the widget's font, <small>, and smaller still for the
 * cells of a crowded matrix. */
enum {
  SIZE_NORMAL,
  SIZE_SMALL,
  SIZE_TINY,
};

typedef struct {
  double   x0, y0;       /* top-left of the matrix */
  double   cell;
  double   name_w;       /* width of the row-name column */
  double   top_h;        /* height of the column names */
  gboolean rotated;      /* column names written upwards */
} Layout;

/* How the cells' text is drawn, chosen for the whole matrix so that its
 * cells read alike. Counts and percentages go by the same rules: nothing in
 * cells under 20 px; the normal font in cells of 36 px and more if the
 * widest text a cell may hold fits it with a pixel to spare each side, else
 * the small font; percentages that do not fit even so lose their % sign
 * (the caption then says so); and then a smaller font still. A text that
 * does not fit its cell even so is left to the tooltip. */
typedef struct {
  gboolean text;         /* cells show text at all */
  int      size;         /* SIZE_NORMAL, SIZE_SMALL or SIZE_TINY */
  gboolean sign;         /* percentages keep their % sign */
} CellStyle;

struct _FlConfusionView {
  GtkWidget     parent_instance;

  int           n;            /* classes */
  gint64       *counts;       /* (n,n) */
  gint64       *row_sums;     /* (n) */
  char        **names;        /* n, NULL-terminated */
  gboolean      proportions;  /* cells show shares of their row, not counts */
  gboolean      test_data;    /* the counts are of test samples */

  /* What is drawn, made once per change of the matrix, the display, the
   * font or the size rather than at every frame, nor at every pointer
   * motion (the tooltip asks which cell is under the pointer); see
   * _fl_confusion_view_ensure_drawing(). */
  PangoContext *context;      /* the one the layouts were made with, */
  guint         serial;       /* and its serial then; 0 = nothing made */
  GPtrArray    *name_layouts; /* n, ellipsized to MAX_NAME */
  double        names_w;      /* the widest name, whole */
  double        names_h;      /* the tallest */
  double        width;        /* the size the rest was made for; 0 = none */
  double        height;
  Layout        lay;
  CellStyle     style;
  PangoLayout  *pred_title;
  PangoLayout  *true_title;
  GPtrArray    *cell_layouts; /* (n,n), or NULL when cells show no text */
};

/* Whether a matrix is drawn at all at this size. */
static inline gboolean
_fl_confusion_view_is_drawn (double width,
                             double height)
{
  return width >= 60 && height >= 60;
}

/* The text of cell (t, p), with or without the % sign; see
 * fl_confusion_view_get_cell_text(). Free with g_free(). */
char *_fl_confusion_view_cell_text      (FlConfusionView *self,
                                         int              t,
                                         int              p,
                                         gboolean         sign);

/* Makes the layouts for a width × height matrix, unless they are made
 * already; a new font shows in the widget's Pango context. */
void  _fl_confusion_view_ensure_drawing (FlConfusionView *self,
                                         double           width,
                                         double           height);
/* After a change of the display (counts or shares): the layouts of the
 * cells and titles are made again. */
void  _fl_confusion_view_forget_geometry (FlConfusionView *self);
/* After a change of the matrix, and to free it all. */
void  _fl_confusion_view_forget_drawing (FlConfusionView *self);

/* Draws the matrix as _fl_confusion_view_ensure_drawing() made it, in the
 * text colour fg, onto any cairo_t: the widget's snapshot, or a file. */
void  _fl_confusion_view_render         (FlConfusionView *self,
                                         cairo_t         *cr,
                                         const GdkRGBA   *fg);

G_END_DECLS
