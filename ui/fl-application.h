/* SPDX-License-Identifier: MIT
 *
 * fl-application.h — the GtkApplication: the command line, the style sheet,
 * the app-wide actions (about, quit) and the main window.
 *
 *   fusionlab [--images DIR] [--csv FILE] [--train-epochs N]
 *             [--screenshot FILE [--screenshot-epoch K]]
 *
 * --train-epochs starts a run of N epochs once the data is loaded.
 * --screenshot waits for the data (and the run, or its first K epochs, for
 * a picture of a run in progress), saves the window to a PNG file and
 * quits.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_APPLICATION_ID "org.fusionlab.FusionLab"

#define FL_TYPE_APPLICATION (fl_application_get_type ())
G_DECLARE_FINAL_TYPE (FlApplication, fl_application, FL, APPLICATION, GtkApplication)

FlApplication *fl_application_new (void);

G_END_DECLS
