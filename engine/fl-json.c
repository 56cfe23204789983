/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-json"

#include "fl-json.h"
#include "fl-model.h"
#include "fl-i18n.h"

#include <math.h>
#include <string.h>

/* 18 digits always fit a gint64 (whose limit has 19). */
#define MAX_INT_DIGITS 18

/* The index just past the string that starts at data[i] (a '"'): escapes
 * are skipped whole, so \" does not end it. len if it never ends. */
static gsize
skip_string (const char *data, gsize len, gsize i)
{
  for (i++; i < len; i++)
    {
      if (data[i] == '\\')
        i++;
      else if (data[i] == '"')
        return i + 1;
    }
  return len;
}

/* The index just past the number that starts at data[i]; *digits is the
 * length of its integer part (a fraction's or exponent's digits are not
 * read as an integer, so they may be as long as they like). */
static gsize
skip_number (const char *data, gsize len, gsize i, gsize *digits)
{
  gsize start;

  if (data[i] == '-')
    i++;
  start = i;
  while (i < len && g_ascii_isdigit (data[i]))
    i++;
  *digits = i - start;
  while (i < len && (g_ascii_isalnum (data[i]) || data[i] == '.' || data[i] == '+' || data[i] == '-'))
    i++;
  return i;
}

gboolean
fl_json_check_text (const char *data, gsize len, GError **error)
{
  int depth = 0;

  for (gsize i = 0; i < len;)
    {
      char c = data[i];
      gsize digits = 0;

      if (c == '"')
        {
          i = skip_string (data, len, i);
          continue;
        }
      if (c == '-' || g_ascii_isdigit (c))
        {
          i = skip_number (data, len, i, &digits);
          if (digits > MAX_INT_DIGITS)
            {
              g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
                           _("it holds a number of %zu digits, too long to read exactly"),
                           digits);
              return FALSE;
            }
          continue;
        }
      if ((c == '[' || c == '{') && ++depth > FL_JSON_MAX_DEPTH)
        {
          g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
                       _("its JSON is nested more than %d deep"), FL_JSON_MAX_DEPTH);
          return FALSE;
        }
      if (c == ']' || c == '}')
        depth--;
      i++;
    }
  return TRUE;
}

gboolean
fl_json_parse (JsonParser *parser, const char *data, gssize len, GError **error)
{
  g_autoptr(GError) local = NULL;
  gsize n;

  /* an empty mapped file has no contents at all */
  if (data == NULL)
    data = "";
  n = len < 0 ? strlen (data) : (gsize) len;

  if (!fl_json_check_text (data, n, error))
    return FALSE;
  if (!json_parser_load_from_data (parser, data, (gssize) n, &local))
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
                   _("it is not JSON: %s"), local->message);
      return FALSE;
    }
  return TRUE;
}

guint
fl_json_count_top_members (const char *data, gsize len)
{
  guint commas = 0;
  gboolean any = FALSE;
  int depth = 0;

  /* in valid JSON, the top object's members are its commas plus one */
  for (gsize i = 0; i < len;)
    {
      char c = data[i];

      if (c == '"')
        {
          any = any || depth == 1;
          i = skip_string (data, len, i);
          continue;
        }
      if (c == '[' || c == '{')
        depth++;
      else if (c == ']' || c == '}')
        depth--;
      else if (c == ',' && depth == 1)
        commas++;
      i++;
    }
  return any ? commas + 1 : 0;
}

const char *
fl_json_get_string (JsonNode *n)
{
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

gboolean
fl_json_get_int (JsonNode *n, gint64 min, gint64 max, gint64 *v)
{
  gint64 x;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  x = json_node_get_int (n);
  if (x < min || x > max)
    return FALSE;
  *v = x;
  return TRUE;
}

gboolean
fl_json_get_number (JsonNode *n, double *x)
{
  double v;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    v = (double) json_node_get_int (n);
  else if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
    v = json_node_get_double (n);
  else
    return FALSE;
  if (!isfinite (v))
    return FALSE;
  *x = v;
  return TRUE;
}

JsonNode *
fl_json_member (JsonObject *o, const char *key)
{
  return o != NULL ? json_object_get_member (o, key) : NULL;
}

/* The root of json parsed by parser, or NULL (json NULL or not JSON). */
static JsonNode *
parse_array (JsonParser *parser, const char *json)
{
  JsonNode *root;

  if (json == NULL || !fl_json_parse (parser, json, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root != NULL && JSON_NODE_HOLDS_ARRAY (root) ? root : NULL;
}

char **
fl_json_parse_strv (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  JsonNode *root = parse_array (parser, json);
  JsonArray *arr;

  if (root == NULL)
    return NULL;
  arr = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      const char *s = fl_json_get_string (json_array_get_element (arr, i));
      if (s == NULL)
        return NULL;
      g_strv_builder_add (b, s);
    }
  return g_strv_builder_end (b);
}

gboolean
fl_json_parse_floats (const char *json, float *v, int n)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root = parse_array (parser, json);
  JsonArray *arr;

  if (root == NULL || json_array_get_length (arr = json_node_get_array (root)) != (guint) n)
    return FALSE;
  for (int i = 0; i < n; i++)
    {
      double x;
      /* checked before the cast: a double past FLT_MAX is no float */
      if (!fl_json_get_number (json_array_get_element (arr, i), &x) || fabs (x) > G_MAXFLOAT)
        return FALSE;
      v[i] = (float) x;
    }
  return TRUE;
}
