/* SPDX-License-Identifier: MIT
 *
 * fl-column-picker.h — which of the CSV's columns hold what: drop-downs
 * for the image, text, label and sound columns (the label may be the
 * image's folder name, the sound none), and a check box per column of
 * numbers, in a menu whose button says how many are used.
 *
 * It shows what it is given and reports what the user chose: ::changed is
 * emitted when the user picks another column or ticks a box, never when
 * the columns are set from code.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-data-load.h"

G_BEGIN_DECLS

#define FL_TYPE_COLUMN_PICKER (fl_column_picker_get_type ())
G_DECLARE_FINAL_TYPE (FlColumnPicker, fl_column_picker, FL, COLUMN_PICKER, GtkWidget)

GtkWidget   *fl_column_picker_new           (void);

/* Fills the drop-downs with headers (NULL: nothing to choose from, and
 * the picker hides) and selects the columns of report; numeric are the
 * columns of numbers on offer, those in report->numeric_cols ticked. */
void         fl_column_picker_set_columns   (FlColumnPicker      *self,
                                             const char *const   *headers,
                                             const FlLoadReport  *report,
                                             const char *const   *numeric);

/* The columns chosen, into files' column fields (replacing them): a
 * label of "" for folder names, a sound column of "" for none, and the
 * numeric columns ticked (NULL when they all are). */
void         fl_column_picker_get_columns   (FlColumnPicker      *self,
                                             FlDataFiles         *files);

/* The sound column's drop-down (its first entry is None) and the check
 * box of a numeric column (or NULL), as the user would use them. */
GtkDropDown *fl_column_picker_get_sound_dropdown (FlColumnPicker *self);
GtkCheckButton *fl_column_picker_get_numeric_check (FlColumnPicker *self,
                                                  const char     *column);
/* What the numeric columns' button says: "All 3", "1 of 3", "None". */
const char  *fl_column_picker_get_numeric_label (FlColumnPicker *self);

G_END_DECLS
