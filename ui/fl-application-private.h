/* SPDX-License-Identifier: MIT
 *
 * fl-application-private.h — shared by fl-application.c and
 * fl-application-options.c (the command line's options).
 */
#pragma once

#include "fl-application.h"
#include "fl-train-panel.h"

extern const GOptionEntry _fl_application_options[];

/* The command line's options as given: the files not yet made paths. */
typedef struct {
  const char *images;
  const char *csv;
  const char *experiment;
  const char *screenshot;
  const char *cell;
  const char *page;
  const char *search;
  const char *window_size;
  int         width, height;   /* of --window-size, or 0 */
  gboolean    load_data;
  gboolean    loop_report;
  gboolean    scroll_report;
  const char *test_model, *test_images, *test_csv;
  int         epochs;          /* of --train-epochs, or of --compare-epochs */
  int         at_epoch;
  int         compare_epochs;
  int         match_epochs;
  int         compare_folds;
  int         image_size;
} Options;

/* arg as an absolute path (relative to the command line's folder), or NULL. */
char    *_fl_application_path_for_arg       (GApplicationCommandLine *cmdline,
                                             const char              *arg);
/* Reads the options and checks that they go together; says what does not
 * on the command line's stderr. */
gboolean _fl_application_read_options       (GApplicationCommandLine *cmdline,
                                             Options                 *o);
/* --start-from and --freeze into *start and *freeze. */
gboolean _fl_application_read_start_options (GApplicationCommandLine *cmdline,
                                             char                   **start,
                                             guint                   *freeze);
/* --fit and --augment onto panel (NULL: only checked); FALSE, said on
 * stderr, for an unknown fit. */
gboolean _fl_application_picture_options    (GApplicationCommandLine *cmdline,
                                             FlTrainPanel            *panel);
/* --model into *model (a path, or NULL); FALSE, said on stderr, when it
 * goes with training or an experiment. */
gboolean _fl_application_read_model_option  (GApplicationCommandLine *cmdline,
                                             const Options           *o,
                                             char                   **model);
