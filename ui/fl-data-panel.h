/* SPDX-License-Identifier: MIT
 *
 * fl-data-panel.h — choosing and loading the data: the image folder, the
 * text CSV, its columns (FlColumnPicker: image, text, label, sound and
 * numeric), and a summary of what was loaded.
 *
 * Loading runs in a GTask thread with a progress bar and can be cancelled.
 * The panel owns the loaded dataset. When a new one replaces it,
 * notify::dataset is emitted first and the old dataset is freed after the
 * handlers ran: whoever borrows it must let go in its handler.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-column-picker.h"
#include "fl-dataset.h"

G_BEGIN_DECLS

#define FL_TYPE_DATA_PANEL (fl_data_panel_get_type ())
G_DECLARE_FINAL_TYPE (FlDataPanel, fl_data_panel, FL, DATA_PANEL, GtkWidget)

GtkWidget  *fl_data_panel_new            (void);

/* Sets the image folder and/or the CSV (NULL keeps the current one; when
 * there is none, it is guessed from the other) and loads once both are
 * known. A new CSV resets the columns to the detected ones. */
void        fl_data_panel_load           (FlDataPanel *self,
                                          const char  *images_dir,
                                          const char  *csv_path);
void        fl_data_panel_cancel         (FlDataPanel *self);

/* The loaded data, or NULL; owned by the panel. */
FlDataset  *fl_data_panel_get_dataset    (FlDataPanel *self);
gboolean    fl_data_panel_get_loading    (FlDataPanel *self);

/* The image size S to load at; reloads the data (after a short pause, so a
 * spin button can be held down) when it changes. */
void        fl_data_panel_set_image_size (FlDataPanel *self,
                                          int          image_size);
int         fl_data_panel_get_image_size (FlDataPanel *self);
/* How pictures are fitted to the image size (FlImageFit); another fit
 * reloads the data, as another size does. */
void        fl_data_panel_set_image_fit  (FlDataPanel *self,
                                          FlImageFit   image_fit);
FlImageFit  fl_data_panel_get_image_fit  (FlDataPanel *self);
/* TRUE when the data loaded is not what the settings ask for (the image
 * size changed, or a change waited for a run to end). */
gboolean    fl_data_panel_get_stale      (FlDataPanel *self);
/* Starts the reload a pending image-size change asked for, now. */
void        fl_data_panel_reload         (FlDataPanel *self);

/* While locked (a model trains on the data) the choosers are disabled and
 * a change that needs the data loaded again (the image size) waits for
 * fl_data_panel_reload(); fl_data_panel_get_stale() says so meanwhile. */
void        fl_data_panel_set_locked     (FlDataPanel *self,
                                          gboolean     locked);
gboolean    fl_data_panel_get_locked     (FlDataPanel *self);

/* Chooses a column by name (NULL = detect; for the label, "" = the image's
 * folder name) and reloads; the sound and numeric columns stay as they
 * are (the column picker chooses those). */
void        fl_data_panel_set_columns    (FlDataPanel *self,
                                          const char  *image_col,
                                          const char  *text_col,
                                          const char  *label_col);

/* Chooses the sound column (NULL = detect, "" = none) and the numeric
 * columns (NULL = none, unlike the picker's every one) by name, as an
 * experiment file records them, for the next load (which
 * fl_data_panel_set_columns() starts). A new CSV detects them afresh. */
void        fl_data_panel_set_branch_columns (FlDataPanel       *self,
                                              const char        *audio_col,
                                              const char *const *numeric_cols);

/* The drop-downs of the columns, and the check boxes of the numeric ones. */
FlColumnPicker *fl_data_panel_get_column_picker (FlDataPanel *self);

G_END_DECLS
