/* SPDX-License-Identifier: MIT
 *
 * fl-ui-util.h — small helpers shared by the widgets.
 */
#pragma once

#include <gtk/gtk.h>

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

G_BEGIN_DECLS

/* Replaces *str with a copy of new_str; TRUE if the value changed.
 * (g_set_str() arrived in GLib 2.76; Debian 12 has 2.74.) */
static inline gboolean
fl_set_str (char       **str,
            const char  *new_str)
{
  if (*str == new_str || g_strcmp0 (*str, new_str) == 0)
    return FALSE;
  g_free (*str);
  *str = g_strdup (new_str);
  return TRUE;
}

/* A layout's size in pixels, as doubles for Cairo; w or h may be NULL. */
static inline void
fl_layout_size (PangoLayout *layout,
                double      *w,
                double      *h)
{
  int pw, ph;

  pango_layout_get_pixel_size (layout, &pw, &ph);
  if (w != NULL)
    *w = pw;
  if (h != NULL)
    *h = ph;
}

/* A new layout of text in context's font, small (as <small> markup):
 * the words of a chart. */
static inline PangoLayout *
fl_small_layout (PangoContext *context,
                 const char   *text)
{
  PangoLayout *layout = pango_layout_new (context);
  g_autofree char *markup = g_markup_printf_escaped ("<small>%s</small>", text);

  pango_layout_set_markup (layout, markup, -1);
  return layout;
}

/* Unparents every child of a widget that has no layout-managing parent
 * class to do it: gtk_widget_dispose_template() only clears the children
 * bound by name. Call it from dispose. */
static inline void
fl_widget_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

/* The local path a file chooser accepted, or NULL when it was cancelled or
 * the file has no path. Free with g_free(). */
static inline char *
fl_chooser_get_path (GtkNativeDialog *native,
                     int              response)
{
  g_autoptr(GFile) file = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    return NULL;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  return file != NULL ? g_file_get_path (file) : NULL;
}

/* Makes the calling thread a background job, and the threads it starts
 * from now on (they inherit it): when it and the interface want the same
 * core, the interface goes first. On Linux nice values are per thread; a
 * thread cannot take its priority back, so call it on a thread of its own,
 * never on one of GLib's pool that other tasks reuse. */
static inline void
fl_thread_run_in_background (void)
{
#ifdef __linux__
  setpriority (PRIO_PROCESS, (id_t) gettid (), 10);
#endif
}

G_END_DECLS
