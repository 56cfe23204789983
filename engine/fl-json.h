/* SPDX-License-Identifier: MIT
 *
 * fl-json.h — reading JSON that strangers wrote (model headers and
 * metadata, experiment files).
 *
 * json-glib parses arrays and objects recursively with no depth limit (a
 * file of 100 KB of “[” overflows the stack), reads an integer beyond 64
 * bits by silently wrapping it (99999999999999999999 becomes -1), and its
 * accessors either warn on a node of the wrong type (json_node_get_string
 * on an array) or quietly turn it into 0 (a string read as an int). So the
 * text is scanned before it is parsed, and nodes are read through the
 * typed getters below, which say FALSE instead.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper than anything we write (a model header is 3 levels, an experiment
 * 5) and far below what exhausts a thread's stack. */
#define FL_JSON_MAX_DEPTH 64

/* Checks the text data[0 .. len) before parsing: arrays and objects nested
 * at most FL_JSON_MAX_DEPTH deep, and no integer with more digits than a
 * gint64 holds exactly. On failure sets a FL_ENGINE_ERROR_FORMAT whose
 * message says why (for the caller to put after the file's name). */
gboolean fl_json_check_text (const char *data, gsize len, GError **error);

/* fl_json_check_text(), then json_parser_load_from_data(); the parser's own
 * errors come back as FL_ENGINE_ERROR_FORMAT too. len < 0: data ends with
 * a NUL. */
gboolean fl_json_parse (JsonParser *parser, const char *data, gssize len, GError **error);

/* How many members the top-level object of the valid JSON text data has,
 * as written: json-glib keeps only the last of members of the same name,
 * so fewer in the parsed object means a name was written twice. */
guint fl_json_count_top_members (const char *data, gsize len);

/* The string node n holds; NULL if n is NULL or holds anything else. */
const char *fl_json_get_string (JsonNode *n);

/* The integer in [min, max] that n holds, a JSON integer (not a fraction,
 * a string or a boolean); FALSE otherwise, *v untouched. */
gboolean fl_json_get_int (JsonNode *n, gint64 min, gint64 max, gint64 *v);

/* The finite number, integer or fraction, that n holds; FALSE otherwise
 * (1e999 parses to infinity). */
gboolean fl_json_get_number (JsonNode *n, double *x);

/* o's member key, or NULL when o is NULL or has no such member. */
JsonNode *fl_json_member (JsonObject *o, const char *key);

/* The JSON text json (NULL-terminated; may be NULL), an array of strings,
 * as a new NULL-terminated strv; NULL for anything else. */
char    **fl_json_parse_strv (const char *json);

/* The JSON text json, an array of exactly n finite numbers that a float
 * holds, into v; FALSE for anything else (v partly written). */
gboolean  fl_json_parse_floats (const char *json, float *v, int n);

G_END_DECLS
