/* SPDX-License-Identifier: MIT
 *
 * What the commands of fusionlab-cli share (fl-cli.h): the error line, the
 * command line's parse, the data options' checks, loading the data, and the held-out warning.
 */
#define G_LOG_DOMAIN "fl-cli"

#include "fl-cli.h"

#include "fl-i18n.h"
#include "fl-transfer.h"

#include <stdio.h>

const char fl_cli_text_encoder_help[] =
  N_("The text branch: bow (a bag of words) or gru (the words in order) (bow)");
const char fl_cli_max_tokens_help[] = N_("gru: the first N tokens of a text it reads, 1 to 4096 (32)");
const char fl_cli_text_pool_help[] =
  N_("gru: its feature, the last state or the mean of its states over the text (last)");
const char fl_cli_fit_help[] =
  N_("How a picture becomes S×S: squash it, crop its centred square, or pad it with white (squash)");
const char fl_cli_augment_help[] =
  N_("Augment the training pictures: random flip, crop, brightness and contrast (off)");

/* The callers mark their formats with _(); a bare "%s" of a GError's
 * message needs none (the message is translated where it is made). */
int
fl_cli_fail (const char *fmt, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  /* one line: fold any newline of a nested message */
  g_strdelimit (msg, "\n", ' ');
  fprintf (stderr, _("fusionlab-cli: error: %s\n"), msg);
  return 1;
}

gboolean
fl_cli_parse (GOptionContext *ctx,
              int            *argc,
              char         ***argv,
              GError        **error)
{
  /* the options' descriptions in --help, in the user's language */
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, argc, argv, error))
    return FALSE;
  if (*argc > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("unexpected argument “%s”"), (*argv)[1]);
      return FALSE;
    }
  return TRUE;
}

gboolean
fl_cli_check_data (const char *images,
                   const char *csv,
                   int         image_size,
                   int         threads,
                   GError    **error)
{
  const char *bad = NULL;

  if (images == NULL)
    bad = _("--images DIR is required");
  else if (csv == NULL)
    bad = _("--csv FILE is required");
  else if (image_size < 4 || image_size > 1024 || image_size % 4 != 0)
    bad = _("--image-size must be a multiple of 4 between 4 and 1024");
  else if (threads < 0 || threads > 256)
    bad = _("--threads must be between 0 and 256");
  if (bad != NULL)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, bad);
  return bad == NULL;
}

FlDataset *
fl_cli_load (const FlDataSpec *spec,
             gboolean          quiet,
             GError          **error)
{
  FlDataset *ds = fl_dataset_load (spec, NULL, NULL, NULL, error);

  if (ds != NULL && !quiet)
    {
      g_autofree char *desc = fl_dataset_describe (ds);
      fprintf (stderr, "%s", desc);
    }
  return ds;
}

void
fl_cli_warn_held_out (FlRun *run)
{
  g_autofree char *why = NULL;

  /* The file was read when the run started from it: it reads again. */
  if (fl_transfer_held_out_seen (run, &why, NULL))
    fprintf (stderr, "%s\n", why);
}

gboolean
fl_cli_image_fit (const char *name, FlImageFit *fit, GError **error)
{
  *fit = FL_IMAGE_FIT_SQUASH;
  if (name == NULL || fl_image_fit_from_string (name, fit))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("unknown --fit “%s”; choose squash, crop or pad"), name);
  return FALSE;
}

gboolean
fl_cli_text_encoder (const char      *name,
                     int              max_tokens,
                     const char      *pool,
                     FlTrainSettings *s,
                     GError         **error)
{
  if (name != NULL && !fl_text_encoder_from_string (name, &s->text_encoder))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--text-encoder must be bow or gru, not “%s”"), name);
      return FALSE;
    }
  if (max_tokens < 1 || max_tokens > 4096)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--max-tokens must be between 1 and 4096, not %d"), max_tokens);
      return FALSE;
    }
  s->max_tokens = max_tokens;
  if (pool != NULL && !fl_text_pool_from_string (pool, &s->text_pool))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--text-pool must be last or mean, not “%s”"), pool);
      return FALSE;
    }
  /* the bag of words has no steps to average: refused, not ignored */
  if (s->text_pool == FL_TEXT_POOL_MEAN && s->text_encoder != FL_TEXT_GRU)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--text-pool mean needs --text-encoder gru"));
      return FALSE;
    }
  return TRUE;
}

void
fl_cli_print_report (const FlMetrics  *m,
                     const char *const *class_names,
                     FILE              *f)
{
  int C = fl_metrics_n_classes (m);

  /* the table's tokens stay English, as --json's keys: scripts read them,
   * and printf pads by bytes, not by the width of Chinese characters */
  fprintf (f, "\n%-24s %9s %9s %9s %9s\n", "class", "precision", "recall", "f1", "support");
  for (int c = 0; c < C; c++)
    fprintf (f, "%-24s %9.4f %9.4f %9.4f %9" G_GINT64_FORMAT "\n", class_names[c],
             fl_metrics_precision (m, c), fl_metrics_recall (m, c), fl_metrics_f1 (m, c),
             fl_metrics_support (m, c));
  fprintf (f, "\n%s\n", _("confusion matrix (rows: true class, columns: predicted)"));
  for (int r = 0; r < C; r++)
    {
      fprintf (f, "%-24s", class_names[r]);
      for (int c = 0; c < C; c++)
        fprintf (f, " %6" G_GINT64_FORMAT, fl_metrics_confusion (m, r, c));
      fputc ('\n', f);
    }
}
