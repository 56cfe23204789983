/* SPDX-License-Identifier: MIT
 *
 * The members of an experiment file, read with their types and ranges
 * checked (fl-experiment-read.c reads the file with them): the first
 * problem sets the reader's error, naming the file, and every later call
 * is a no-op.
 */
#define G_LOG_DOMAIN "fl-experiment"

#include "fl-experiment-private.h"
#include "fl-json.h"
#include "fl-i18n.h"

#include <math.h>
#include <string.h>

gboolean
_fl_reader_bad (FlReader *rd, const char *what)
{
  if (!rd->failed)
    g_set_error (rd->error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
                 _("%s: not a valid Fusion Lab experiment: %s"), rd->path, what);
  rd->failed = TRUE;
  return FALSE;
}

/* The error "“key” problem"; returns FALSE. */
gboolean
_fl_reader_bad_member (FlReader *rd, const char *key, const char *problem)
{
  g_autofree char *msg = g_strdup_printf (_("“%s” %s"), key, problem);

  return _fl_reader_bad (rd, msg);
}

/* o's member key if it is a node of that type, else NULL with the error
 * "“key” is missing or not <what>". o may be NULL: a section that failed. */
JsonNode *
_fl_reader_get_member (FlReader *rd, JsonObject *o, const char *key, JsonNodeType type, const char *what)
{
  JsonNode *n = fl_json_member (o, key);

  if (n == NULL || JSON_NODE_TYPE (n) != type)
    {
      g_autofree char *problem = g_strdup_printf (_("is missing or not %s"), what);

      _fl_reader_bad_member (rd, key, problem);
      return NULL;
    }
  return n;
}

JsonObject *
_fl_reader_get_object (FlReader *rd, JsonObject *o, const char *key)
{
  JsonNode *n = _fl_reader_get_member (rd, o, key, JSON_NODE_OBJECT, _("an object"));

  return n != NULL ? json_node_get_object (n) : NULL;
}

JsonArray *
_fl_reader_get_array (FlReader *rd, JsonObject *o, const char *key)
{
  JsonNode *n = _fl_reader_get_member (rd, o, key, JSON_NODE_ARRAY, _("a list"));

  return n != NULL ? json_node_get_array (n) : NULL;
}

/* The number n holds — NaN for null, written for a value that was not
 * finite — or FALSE if it holds none. */
static gboolean
node_number (JsonNode *n, double *x)
{
  if (n != NULL && JSON_NODE_HOLDS_NULL (n))
    {
      *x = NAN;
      return TRUE;
    }
  return fl_json_get_number (n, x);
}

double
_fl_reader_get_number (FlReader *rd, JsonObject *o, const char *key)
{
  double x;

  if (!node_number (fl_json_member (o, key), &x))
    return _fl_reader_bad_member (rd, key, _("is missing or not a number"));
  return x;
}

/* A finite number ≥ 0 (below 1e9): a loss, a time, a speed. */
double
_fl_reader_get_amount (FlReader *rd, JsonObject *o, const char *key)
{
  double x = _fl_reader_get_number (rd, o, key);

  if (!rd->failed && !(x >= 0.0 && x < 1e9))
    _fl_reader_bad_member (rd, key, _("is not a number from 0 to 1e9"));
  return rd->failed ? 0.0 : x;
}

/* A number in [0, 1]: an accuracy or an F1 score. */
double
_fl_reader_get_fraction (FlReader *rd, JsonObject *o, const char *key)
{
  double x = _fl_reader_get_number (rd, o, key);

  if (!rd->failed && !(x >= 0.0 && x <= 1.0))
    _fl_reader_bad_member (rd, key, _("is not a fraction from 0 to 1"));
  return rd->failed ? 0.0 : x;
}

/* A whole number member in [min, max]. */
gint64
_fl_reader_get_whole (FlReader *rd, JsonObject *o, const char *key, gint64 min, gint64 max)
{
  double x = _fl_reader_get_number (rd, o, key);

  if (rd->failed)
    return 0;
  if (!(x >= (double) min && x <= (double) max) || x != floor (x))
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” is not a whole number from %lld to %lld"),
                                              key, (long long) min, (long long) max);
      _fl_reader_bad (rd, msg);
      return 0;
    }
  return (gint64) x;
}

/* A string member, or NULL for null; absent is an error. */
char *
_fl_reader_get_string (FlReader *rd, JsonObject *o, const char *key)
{
  JsonNode *n = fl_json_member (o, key);

  if (n != NULL && JSON_NODE_HOLDS_NULL (n))
    return NULL;
  if (fl_json_get_string (n) == NULL)
    return _fl_reader_bad_member (rd, key, _("is missing or not a string")), NULL;
  return g_strdup (fl_json_get_string (n));
}

/* A number of an array, or an error naming the array. */
double
_fl_reader_element_number (FlReader *rd, JsonArray *a, guint i, const char *key)
{
  double x;

  if (!node_number (json_array_get_element (a, i), &x))
    return _fl_reader_bad_member (rd, key, _("holds something that is not a number"));
  return x;
}

/* A list of n numbers; NULL, with an error, if it is not one. */
JsonArray *
_fl_reader_get_numbers (FlReader *rd, JsonObject *o, const char *key, gsize n)
{
  JsonArray *a = _fl_reader_get_array (rd, o, key);

  if (a != NULL && json_array_get_length (a) != n)
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” has %u numbers instead of %zu"),
                                              key, json_array_get_length (a), n);
      _fl_reader_bad (rd, msg);
      return NULL;
    }
  return a;
}


/* o's boolean member key, or dflt when it is absent (files from before
 * it). */
gboolean
_fl_reader_get_flag (FlReader *rd, JsonObject *o, const char *key, gboolean dflt)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, key) : NULL;

  if (rd->failed || n == NULL)
    return dflt;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return _fl_reader_bad_member (rd, key, _("is not true or false"));
  return json_node_get_boolean (n);
}

/* o's "image_fit", or dflt when it is absent (files from before fits). */
FlImageFit
_fl_reader_get_image_fit (FlReader *rd, JsonObject *o, FlImageFit dflt)
{
  g_autofree char *name = NULL;
  FlImageFit fit = dflt;

  if (rd->failed || o == NULL || !json_object_has_member (o, "image_fit"))
    return dflt;
  name = _fl_reader_get_string (rd, o, "image_fit");
  if (!rd->failed && !fl_image_fit_from_string (name, &fit))
    _fl_reader_bad_member (rd, "image_fit", _("is none of squash, crop and pad"));
  return fit;
}

/* An image size S, a multiple of 4 from 4 to 1024; whose is how a message
 * names the owner ("", "a run's "). */
int
_fl_reader_get_image_size (FlReader *rd, JsonObject *o, const char *whose)
{
  int S = (int) _fl_reader_get_whole (rd, o, "image_size", 4, 1024);

  if (!rd->failed && S % 4 != 0)
    {
      g_autofree char *msg = g_strdup_printf (_("%s“image_size” is not a multiple of 4"), whose);
      _fl_reader_bad (rd, msg);
    }
  return S;
}

