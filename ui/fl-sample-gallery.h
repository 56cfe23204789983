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

/* run is borrowed: call with NULL before it goes away. Empties the gallery. */
void          fl_sample_gallery_set_run       (FlSampleGallery *self,
                                               FlRun           *run);
/* The validation samples of true class t that the model put in class p. */
void          fl_sample_gallery_show_cell     (FlSampleGallery *self,
                                               int              t,
                                               int              p);
/* The wrong predictions the model was surest of, at most max of them. */
void          fl_sample_gallery_show_mistakes (FlSampleGallery *self,
                                               int              max);
int           fl_sample_gallery_get_n_samples (FlSampleGallery *self);
/* The dataset index of the i-th sample shown. */
int           fl_sample_gallery_get_sample    (FlSampleGallery *self,
                                               int              i);

/* For a run's validation sample k (0 ≤ k < n_val): its predicted class and
 * the probability of it. */
int           fl_run_val_prediction           (FlRun           *run,
                                               int              k,
                                               float           *confidence);

G_END_DECLS
