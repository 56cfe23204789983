/* SPDX-License-Identifier: MIT */
#pragma once

#include "fl-metrics.h"
#include "fl-trainer.h"

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

/* Runs fusionlab-cli with its command line; returns the exit status. */
int fl_cli_main (int argc, char **argv);

/* fusionlab-cli match (fl-cli-match.c); argv[0] is "match". */
int fl_cli_match (int argc, char **argv);
/* fusionlab-cli evaluate (fl-cli-evaluate.c); argv[0] is "evaluate". */
int fl_cli_evaluate (int argc, char **argv);
/* fusionlab-cli search (fl-cli-search.c); argv[0] is "search". */
int fl_cli_search (int argc, char **argv);
/* fusionlab-cli label-efficiency (fl-cli-label.c); argv[0] is its name. */
int fl_cli_label_efficiency (int argc, char **argv);

/* What the commands share (fl-cli-common.c). The error line on stderr, folded to
 * one line; returns 1, the exit status. */
int      fl_cli_fail       (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
/* Parses the command line with ctx's entries; an argument left over is a
 * G_OPTION_ERROR naming it. */
gboolean fl_cli_parse      (GOptionContext *ctx,
                            int            *argc,
                            char         ***argv,
                            GError        **error);
/* Checks the options every command that loads data has; FALSE with a
 * G_OPTION_ERROR saying which is wrong. */
gboolean fl_cli_check_data (const char *images,
                            const char *csv,
                            int         image_size,
                            int         threads,
                            GError    **error);

/* The options of the text encoder, for train, compare and match: three
 * GOptionEntry, --text-encoder into name (a char *), --max-tokens into
 * max_tokens (an int) and --text-pool into pool (a char *). */
#define FL_CLI_TEXT_ENTRIES(name, max_tokens, pool) \
  { "text-encoder", 0, 0, G_OPTION_ARG_STRING, &(name), fl_cli_text_encoder_help, "bow|gru" }, \
  { "max-tokens", 0, 0, G_OPTION_ARG_INT, &(max_tokens), fl_cli_max_tokens_help, "N" }, \
  { "text-pool", 0, 0, G_OPTION_ARG_STRING, &(pool), fl_cli_text_pool_help, "last|mean" }
/* their descriptions, marked for translation in fl-cli-common.c (xgettext
 * reads the .c files) */
extern const char fl_cli_text_encoder_help[];
extern const char fl_cli_max_tokens_help[];
extern const char fl_cli_text_pool_help[];
/* Sets s's text encoder from those options (name and pool NULL: the
 * defaults); FALSE with a G_OPTION_ERROR for an unknown name, a bad count,
 * or the mean asked of the bag of words, which has no steps. */
gboolean fl_cli_text_encoder (const char      *name,
                              int              max_tokens,
                              const char      *pool,
                              FlTrainSettings *s,
                              GError         **error);

/* The picture options of train, compare and match: two GOptionEntry,
 * --fit into fit (a char *) and --augment into augment (a gboolean). */
#define FL_CLI_PICTURE_ENTRIES(fit, augment) \
  { "fit", 0, 0, G_OPTION_ARG_STRING, &(fit), fl_cli_fit_help, "squash|crop|pad" }, \
  { "augment", 0, 0, G_OPTION_ARG_NONE, &(augment), fl_cli_augment_help, NULL }
extern const char fl_cli_fit_help[];
extern const char fl_cli_augment_help[];
/* --fit's name into *fit (NULL: squash); FALSE with a G_OPTION_ERROR
 * naming the choices for any other. */
gboolean fl_cli_image_fit (const char *name,
                           FlImageFit *fit,
                           GError    **error);

/* Loads spec's data, describing it on stderr unless quiet (no progress
 * line: the train command has its own loader, with one). */
FlDataset *fl_cli_load (const FlDataSpec *spec, gboolean quiet, GError **error);

/* The per-class precision, recall, F1 and support of m and its confusion
 * matrix (rows: true class), classes named by class_names, to f. */
void     fl_cli_print_report (const FlMetrics *m, const char *const *class_names, FILE *f);

/* The warning line on stderr when the model run starts from may have seen
 * its held-out samples (fl_transfer_held_out_seen()). */
void     fl_cli_warn_held_out (FlRun *run);

G_END_DECLS
