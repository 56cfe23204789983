/* SPDX-License-Identifier: MIT
 *
 * Word vectors in the GloVe / fastText text format, streamed a line at a
 * time through a fixed buffer (fl-word-vectors.h).
 */
#define G_LOG_DOMAIN "fl-word-vectors"

#include "fl-word-vectors.h"

#include "fl-model.h"
#include "fl-i18n.h"

#include <math.h>
#include <string.h>

/* How a row got its vector: the exact word beats a folded one. */
enum { NONE, FOLDED, EXACT };

typedef struct {
  GInputStream *in;
  GCancellable *cancellable;
  const char   *name;
  char         *buf;       /* FL_WORD_VECTORS_MAX_LINE + 1 */
  gsize         start, end;
  gboolean      eof;
  gint64        line_no;   /* of the line last returned, 1-based */

  const FlVocab *vocab;
  int            dim;
  float         *rows;
  guint8        *how;      /* (V) NONE, FOLDED or EXACT */
  float         *vec;      /* (dim) the line being parsed */
  gboolean       dim_checked;
  FlWordVectorsStats *st;
} Reader;

void
fl_word_vectors_stats_clear (FlWordVectorsStats *st)
{
  g_clear_pointer (&st->first_skip, g_free);
}

static gboolean
fail (Reader *r, GError **error, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (Reader *r, GError **error, const char *fmt, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT, _("%s: line %lld: %s"),
               r->name, (long long) r->line_no, msg);
  return FALSE;
}

/* Reads more into buf[end ..); FALSE on a read error. */
static gboolean
fill (Reader *r, GError **error)
{
  g_autoptr(GError) local = NULL;
  gssize n = g_input_stream_read (r->in, r->buf + r->end, FL_WORD_VECTORS_MAX_LINE - r->end,
                                  r->cancellable, &local);

  if (n < 0)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT, "%s: %s", r->name, local->message);
      return FALSE;
    }
  r->eof = n == 0;
  r->end += n;
  return TRUE;
}

/* Drops the rest of a line that did not fit the buffer, up to its end. */
static gboolean
discard_rest (Reader *r, GError **error)
{
  for (;;)
    {
      char *nl;

      r->start = r->end = 0;
      if (!fill (r, error))
        return FALSE;
      if (memchr (r->buf, '\0', r->end) != NULL)
        return fail (r, error, _("a NUL byte: binary data, not a word-vector text file"));
      if ((nl = memchr (r->buf, '\n', r->end)) != NULL)
        {
          r->start = nl + 1 - r->buf;
          return TRUE;
        }
      if (r->eof)
        {
          r->start = r->end;
          return TRUE;
        }
    }
}

/* The next line, NUL-terminated in the buffer (its '\n' gone), in *line;
 * *line NULL at the end of the file. A line longer than the buffer comes
 * back as "" with *too_long set. FALSE on an error. */
static gboolean
next_line (Reader *r, char **line, gboolean *too_long, GError **error)
{
  *line = NULL;
  *too_long = FALSE;
  for (;;)
    {
      char *p = r->buf + r->start;
      char *nl = memchr (p, '\n', r->end - r->start);

      if (nl != NULL || (r->eof && r->start < r->end))
        {
          gsize len = (nl != NULL ? nl : r->buf + r->end) - p;

          r->line_no++;
          p[len] = '\0';
          r->start += len + (nl != NULL);
          *line = p;
          if (memchr (p, '\0', len) != NULL)
            return fail (r, error, _("a NUL byte: binary data, not a word-vector text file"));
          return TRUE;
        }
      if (r->eof)
        return TRUE;
      memmove (r->buf, p, r->end - r->start);
      r->end -= r->start;
      r->start = 0;
      if (r->end == FL_WORD_VECTORS_MAX_LINE)
        {
          r->line_no++;
          if (memchr (r->buf, '\0', r->end) != NULL)
            return fail (r, error, _("a NUL byte: binary data, not a word-vector text file"));
          *too_long = TRUE;
          r->buf[FL_WORD_VECTORS_MAX_LINE] = '\0';
          *line = r->buf + FL_WORD_VECTORS_MAX_LINE;   /* "" */
          return discard_rest (r, error);
        }
      if (!fill (r, error))
        return FALSE;
    }
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

/* The fields of line, split at runs of spaces, at most max (+1 to see
 * that there are more) into f; returns how many were found up to max + 1. */
static int
split (char *line, char **f, int max)
{
  int n = 0;
  char *p = line;

  for (;;)
    {
      while (is_space (*p))
        p++;
      if (*p == '\0' || n > max)
        return n;
      f[n++] = p;
      while (*p != '\0' && !is_space (*p))
        p++;
      if (*p != '\0')
        *p++ = '\0';
    }
}

/* The first line skipped says why; later ones are only counted. */
static void
skip (Reader *r, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
skip (Reader *r, const char *fmt, ...)
{
  va_list args;

  r->st->skipped++;
  if (r->st->first_skip != NULL)
    return;
  va_start (args, fmt);
  {
    g_autofree char *msg = g_strdup_vprintf (fmt, args);
    r->st->first_skip = g_strdup_printf (_("line %lld: %s"), (long long) r->line_no, msg);
  }
  va_end (args);
}

/* A word as a message may show it: valid UTF-8, no control characters,
 * at most 40 characters. */
static char *
printable (const char *word)
{
  g_autofree char *valid = g_utf8_make_valid (word, -1);
  GString *s = g_string_new (NULL);
  int n = 0;

  const char *p = valid;

  for (; *p != '\0' && n < 40; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);
      g_string_append_unichar (s, g_unichar_iscntrl (c) ? '?' : c);
    }
  if (*p != '\0')
    g_string_append (s, "…");
  return g_string_free (s, FALSE);
}

/* The row of the token word is, and how it matched (EXACT or FOLDED);
 * -1 for a word outside the vocabulary. */
static int
lookup (Reader *r, const char *word, int *how)
{
  int id = fl_vocab_lookup (r->vocab, word);
  g_auto(GStrv) tokens = NULL;

  *how = EXACT;
  if (id >= 0)
    return id;
  /* a word of small ASCII letters and digits is its own token: no need
   * to tokenize the millions of lines of a big file that are such */
  if (word[strspn (word, "abcdefghijklmnopqrstuvwxyz0123456789")] == '\0')
    return -1;
  *how = FOLDED;
  tokens = fl_tokenize (word);
  if (tokens == NULL || tokens[0] == NULL || tokens[1] != NULL)
    return -1;
  return fl_vocab_lookup (r->vocab, tokens[0]);
}

/* The numbers f[0 .. n) into r->vec; FALSE (the line skipped) if one is
 * not a plain finite decimal within the bound. */
static gboolean
parse_vector (Reader *r, const char *word, char **f, int n)
{
  if (n != r->dim)
    {
      g_autofree char *w = printable (word);
      skip (r, _("“%s” has %d numbers, not %d"), w, n, r->dim);
      return FALSE;
    }
  for (int k = 0; k < n; k++)
    {
      char *end = NULL;
      double x;

      /* no "nan", "inf" or hexadecimal: strtod takes them all */
      if (strspn (f[k], "0123456789+-.eE") != strlen (f[k]) ||
          (x = g_ascii_strtod (f[k], &end), *end != '\0') ||
          !(fabs (x) <= FL_WORD_VECTORS_MAX_VALUE))
        {
          g_autofree char *w = printable (word), *v = printable (f[k]);
          skip (r, _("“%s”: “%s” is not a number within ±%g"), w, v, FL_WORD_VECTORS_MAX_VALUE);
          return FALSE;
        }
      r->vec[k] = (float) x;
    }
  return TRUE;
}

/* fastText's first line, "count dim": FALSE when it is not one; with
 * another width than asked, an error. */
static gboolean
is_header (Reader *r, char **f, int n, GError **error, gboolean *bad)
{
  gint64 count, dim;

  *bad = FALSE;
  if (r->line_no != 1 || n != 2 ||
      !g_ascii_string_to_signed (f[0], 10, 0, G_MAXINT64, &count, NULL) ||
      !g_ascii_string_to_signed (f[1], 10, 0, G_MAXINT64, &dim, NULL))
    return FALSE;
  r->dim_checked = TRUE;
  if (dim != r->dim)
    *bad = !fail (r, error, _("its header says vectors of %lld numbers; "
                    "the text embedding is %d wide"), (long long) dim, r->dim);
  return TRUE;
}

/* One line: a header, a blank, a word outside the vocabulary, or a
 * vocabulary word's vector. FALSE on an error. */
static gboolean
take_line (Reader *r, char *line, char **f, GError **error)
{
  int n = split (line, f, r->dim + 1), how, id;
  gboolean bad;

  if (n == 0 || is_header (r, f, n, error, &bad))
    return !(n > 0 && bad);
  if (!r->dim_checked)
    {
      /* the first vector sets the file's width: of another, the file is
       * not for this embedding, and saying so beats skipping every line */
      r->dim_checked = TRUE;
      if (n - 1 != r->dim)
        return n > r->dim + 1
               ? fail (r, error, _("a vector of more than %d numbers; the text embedding is %d wide"),
                       r->dim, r->dim)
               : fail (r, error, _("a vector of %d numbers; the text embedding is %d wide"), n - 1, r->dim);
    }
  if ((id = lookup (r, f[0], &how)) < 0 || r->how[id] > how)
    return TRUE;
  if (r->how[id] == how)
    {
      r->st->duplicates++;
      return TRUE;
    }
  if (n > r->dim + 1)
    {
      g_autofree char *w = printable (f[0]);
      skip (r, _("“%s” has more than %d numbers"), w, r->dim);
      return TRUE;
    }
  if (!parse_vector (r, f[0], f + 1, n - 1))
    return TRUE;
  memcpy (r->rows + (gsize) id * r->dim, r->vec, sizeof (float) * r->dim);
  r->how[id] = how;
  return TRUE;
}

gboolean
fl_word_vectors_read (GInputStream       *in,
                      const char         *name,
                      const FlVocab      *vocab,
                      int                 dim,
                      float              *rows,
                      guint8             *found,
                      FlWordVectorsStats *st,
                      GCancellable       *cancellable,
                      GError            **error)
{
  const int V = fl_vocab_size (vocab);
  g_autofree char *buf = g_malloc (FL_WORD_VECTORS_MAX_LINE + 1);
  g_autofree guint8 *how = g_malloc0 (MAX (V, 1));
  g_autofree float *vec = g_new (float, MAX (dim, 1));
  g_autofree char **f = g_new (char *, (gsize) dim + 2);
  Reader r = { in, cancellable, name, buf, 0, 0, FALSE, 0, vocab, dim, rows, how, vec, FALSE, st };

  g_return_val_if_fail (dim >= 1 && dim <= FL_WORD_VECTORS_MAX_DIM, FALSE);
  *st = (FlWordVectorsStats) { 0 };
  for (;;)
    {
      char *line;
      gboolean too_long;

      if (!next_line (&r, &line, &too_long, error))
        return FALSE;
      if (line == NULL)
        break;
      st->lines = r.line_no;
      if (too_long)
        skip (&r, _("longer than %d bytes"), FL_WORD_VECTORS_MAX_LINE);
      else if (!take_line (&r, line, f, error))
        return FALSE;
    }
  for (int i = 0; i < V; i++)
    {
      st->found += how[i] != NONE;
      if (found != NULL)
        found[i] = how[i] != NONE;
    }
  return TRUE;
}

gboolean
fl_word_vectors_load (const char         *path,
                      const FlVocab      *vocab,
                      int                 dim,
                      float              *rows,
                      guint8             *found,
                      FlWordVectorsStats *st,
                      GCancellable       *cancellable,
                      GError            **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) local = NULL;
  g_autoptr(GFileInputStream) in = g_file_read (file, cancellable, &local);

  if (in == NULL)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT, "%s: %s", path, local->message);
      return FALSE;
    }
  return fl_word_vectors_read (G_INPUT_STREAM (in), path, vocab, dim, rows, found, st,
                               cancellable, error);
}
