/* SPDX-License-Identifier: MIT
 *
 * fl-sample-gallery.h — validation samples of a run, as cards: the picture,
 * the text, the true and the predicted class and how sure the model was.
 * Either the samples of one confusion-matrix cell, or the model's most
 * confident mistakes.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-trainer.h"

G_BEGIN_DECLS

#define FL_TYPE_SAMPLE_GALLERY (fl_sample_gallery_get_type ())
G_DECLARE_FINAL_TYPE (FlSampleGallery, fl_sample_gallery, FL, SAMPLE_GALLERY, GtkWidget)

/* The predictions to show (copied; NULL for none) and the data they were
 * made on (borrowed: call again before it goes away; NULL when it is not
 * loaded, and the gallery then only counts). Empties the gallery. */
void          fl_sample_gallery_set_validation (FlSampleGallery    *self,
                                                const FlValidation *val,
                                                FlDataset          *ds);
/* Whether those predictions were made on test samples (Evaluate on Test
 * Data…), for the titles' words; set_validation() makes it FALSE again. */
void          fl_sample_gallery_set_test_data  (FlSampleGallery    *self,
                                                gboolean            test_data);
/* The validation samples of true class t that the model put in class p. */
void          fl_sample_gallery_show_cell     (FlSampleGallery *self,
                                               int              t,
                                               int              p);
/* The wrong predictions the model was surest of, at most max of them. */
void          fl_sample_gallery_show_mistakes (FlSampleGallery *self,
                                               int              max);
/* These dataset rows of the validation samples (n of them, in this
 * order; rows not among them are left out), under title (markup). */
void          fl_sample_gallery_show_rows     (FlSampleGallery *self,
                                               const gint32    *rows,
                                               int              n,
                                               const char      *title);
int           fl_sample_gallery_get_n_samples (FlSampleGallery *self);
/* The dataset index of the i-th sample shown. */
int           fl_sample_gallery_get_sample    (FlSampleGallery *self,
                                               int              i);

G_END_DECLS
