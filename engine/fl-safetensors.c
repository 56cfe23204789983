/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-safetensors"

#include "fl-safetensors.h"
#include "fl-json.h"
#include "fl-model.h"
#include "fl-i18n.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* A header larger than this is not a model of ours (25,000 tokens of
 * vocabulary take about 300 KB): refuse it before json-glib builds a tree
 * of it, which takes many times its size. */
#define MAX_HEADER (100u << 20)

typedef struct {
  int    ndim;
  gint64 shape[4];
  gsize  begin, end;   /* byte range inside the data section */
} Entry;

struct FlSafetensors {
  char       *path;
  GMappedFile *file;     /* mapped, not read: a file's size costs no memory */
  const char *contents;
  gsize       length;
  gsize       data_start;
  GHashTable *entries;   /* name → Entry* */
  GHashTable *metadata;  /* key → value */
  GPtrArray  *names;     /* NULL-terminated, file order */
};

static gboolean
format_error (GError **error, const char *path, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
format_error (GError **error, const char *path, const char *fmt, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
               _("%s: not a valid model file: %s"), path, msg);
  return FALSE;
}

static guint64
read_le64 (const guchar *p)
{
  guint64 v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

static gsize
numel_of (int ndim, const gint64 *shape)
{
  gsize n = 1;
  for (int i = 0; i < ndim; i++)
    n *= (gsize) shape[i];
  return n;
}

static const struct {
  const char *name;
  gsize       size;
} dtypes[] = {
  [FL_ST_F32] = { "F32", 4 },
  [FL_ST_I32] = { "I32", 4 },
  [FL_ST_U8] = { "U8", 1 },
};

/* The dtype of tensor i of a file being written. */
#define DTYPE(types, i) ((types) != NULL ? (types)[i] : FL_ST_F32)

static gsize
bytes_of (const FlStTensor *t, FlStDtype dtype)
{
  return numel_of (t->ndim, t->shape) * dtypes[dtype].size;
}

static void
add_metadata (JsonBuilder *jb, GHashTable *metadata)
{
  GHashTableIter it;
  gpointer k, v;

  if (metadata == NULL || g_hash_table_size (metadata) == 0)
    return;
  json_builder_set_member_name (jb, "__metadata__");
  json_builder_begin_object (jb);
  g_hash_table_iter_init (&it, metadata);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      json_builder_set_member_name (jb, k);
      json_builder_add_string_value (jb, v);
    }
  json_builder_end_object (jb);
}

/* t's header entry: its data lies at [offset, offset + bytes) of the data
 * section. */
static void
add_tensor (JsonBuilder *jb, const FlStTensor *t, FlStDtype dtype, gsize offset, gsize bytes)
{
  json_builder_set_member_name (jb, t->name);
  json_builder_begin_object (jb);
  json_builder_set_member_name (jb, "dtype");
  json_builder_add_string_value (jb, dtypes[dtype].name);
  json_builder_set_member_name (jb, "shape");
  json_builder_begin_array (jb);
  for (int d = 0; d < t->ndim; d++)
    json_builder_add_int_value (jb, t->shape[d]);
  json_builder_end_array (jb);
  json_builder_set_member_name (jb, "data_offsets");
  json_builder_begin_array (jb);
  json_builder_add_int_value (jb, (gint64) offset);
  json_builder_add_int_value (jb, (gint64) (offset + bytes));
  json_builder_end_array (jb);
  json_builder_end_object (jb);
}

/* The JSON header: the metadata, then the tensors, packed in order. */
static char *
header_json (const FlStTensor *tensors, const FlStDtype *types, int n_tensors, GHashTable *metadata)
{
  g_autoptr(JsonBuilder) jb = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gsize offset = 0;

  json_builder_begin_object (jb);
  add_metadata (jb, metadata);
  for (int i = 0; i < n_tensors; i++)
    {
      gsize bytes = bytes_of (&tensors[i], DTYPE (types, i));
      add_tensor (jb, &tensors[i], DTYPE (types, i), offset, bytes);
      offset += bytes;
    }
  json_builder_end_object (jb);
  root = json_builder_get_root (jb);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

gboolean
fl_safetensors_save (const char       *path,
                     const FlStTensor *tensors,
                     int               n_tensors,
                     GHashTable       *metadata,
                     GError          **error)
{
  return fl_safetensors_save_typed (path, tensors, NULL, n_tensors, metadata, error);
}

gboolean
fl_safetensors_save_typed (const char       *path,
                           const FlStTensor *tensors,
                           const FlStDtype  *types,
                           int               n_tensors,
                           GHashTable       *metadata,
                           GError          **error)
{
  g_autofree char *header = header_json (tensors, types, n_tensors, metadata);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize header_len = strlen (header);
  /* pad the header with spaces so the data starts 8-byte aligned */
  gsize padded = (header_len + 7) & ~(gsize) 7;
  guchar lenbuf[8];

  for (int i = 0; i < 8; i++)
    lenbuf[i] = (guchar) ((guint64) padded >> (8 * i));
  g_byte_array_append (out, lenbuf, 8);
  g_byte_array_append (out, (const guint8 *) header, header_len);
  for (gsize i = header_len; i < padded; i++)
    g_byte_array_append (out, (const guint8 *) " ", 1);
  G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN);
  for (int i = 0; i < n_tensors; i++)
    g_byte_array_append (out, tensors[i].data, bytes_of (&tensors[i], DTYPE (types, i)));

  return g_file_set_contents_full (path, (const char *) out->data, out->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static void
entry_free (gpointer p)
{
  g_free (p);
}

void
fl_safetensors_free (FlSafetensors *st)
{
  if (st == NULL)
    return;
  g_free (st->path);
  g_clear_pointer (&st->file, g_mapped_file_unref);
  g_clear_pointer (&st->entries, g_hash_table_unref);
  g_clear_pointer (&st->metadata, g_hash_table_unref);
  g_clear_pointer (&st->names, g_ptr_array_unref);
  g_free (st);
}

/* The JSON array member key of o with 1 to max elements (0 allowed when
 * min is 0), or NULL. */
static JsonArray *
get_array (JsonObject *o, const char *key, guint min, guint max)
{
  JsonNode *n = json_object_get_member (o, key);
  JsonArray *a;

  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return NULL;
  a = json_node_get_array (n);
  if (json_array_get_length (a) < min || json_array_get_length (a) > max)
    return NULL;
  return a;
}

/* e's shape from the JSON array shape: up to 4 sizes below 2³¹ whose
 * product, in bytes, fits a gsize. FALSE if it is not one. */
static gboolean
read_shape (Entry *e, JsonArray *shape, gsize *numel)
{
  e->ndim = (int) json_array_get_length (shape);
  *numel = 1;
  for (int d = 0; d < e->ndim; d++)
    {
      gint64 s;

      if (!fl_json_get_int (json_array_get_element (shape, d), 0, G_MAXINT32, &s) ||
          (s > 0 && *numel > G_MAXSIZE / sizeof (float) / (gsize) s))
        return FALSE;
      e->shape[d] = s;
      *numel *= (gsize) s;
    }
  return TRUE;
}

static gboolean
parse_entry (FlSafetensors *st, const char *name, JsonNode *node, gsize data_len,
             GError **error)
{
  g_autofree Entry *e = g_new0 (Entry, 1);
  JsonObject *o;
  JsonArray *shape, *offs;
  gint64 b, en;
  gsize numel;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return format_error (error, st->path, _("tensor “%s” is not an object"), name);
  o = json_node_get_object (node);
  if (g_strcmp0 (fl_json_get_string (json_object_get_member (o, "dtype")), "F32") != 0)
    return format_error (error, st->path, _("tensor “%s” is not F32"), name);
  shape = get_array (o, "shape", 0, 4);
  offs = get_array (o, "data_offsets", 2, 2);
  if (shape == NULL || offs == NULL)
    return format_error (error, st->path, _("tensor “%s” lacks a shape or data_offsets, "
                         "or has a bad one"), name);
  if (!read_shape (e, shape, &numel))
    return format_error (error, st->path, _("tensor “%s” has a bad shape"), name);
  /* offsets are 64-bit: read whole, then compared with the data's size */
  if (!fl_json_get_int (json_array_get_element (offs, 0), 0, G_MAXINT64, &b) ||
      !fl_json_get_int (json_array_get_element (offs, 1), 0, G_MAXINT64, &en))
    return format_error (error, st->path, _("tensor “%s” has bad data_offsets"), name);
  if (en < b || (guint64) en > data_len || (guint64) (en - b) != numel * sizeof (float))
    return format_error (error, st->path, _("tensor “%s” lies outside the file or has the wrong size "
                         "(the file may be truncated)"), name);
  e->begin = (gsize) b;
  e->end = (gsize) en;
  g_hash_table_insert (st->entries, g_strdup (name), g_steal_pointer (&e));
  g_ptr_array_add (st->names, g_strdup (name));
  return TRUE;
}

/* Maps the file into st and parses its header; the header's object, owned
 * by parser, or NULL with an error. Its length is checked against the file
 * before anything is parsed. */
static JsonObject *
read_header (FlSafetensors *st, JsonParser *parser, GError **error)
{
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  guint64 hlen;

  st->file = g_mapped_file_new (st->path, FALSE, error);
  if (st->file == NULL)
    return NULL;
  st->contents = g_mapped_file_get_contents (st->file);
  st->length = g_mapped_file_get_length (st->file);
  if (st->length < 8)
    return format_error (error, st->path, _("the file is only %zu bytes"), st->length), NULL;
  hlen = read_le64 ((const guchar *) st->contents);
  if (hlen > st->length - 8)
    return format_error (error, st->path, _("the header length %llu"
                         " does not fit the file (%zu bytes)"), (unsigned long long) hlen, st->length), NULL;
  if (hlen > MAX_HEADER)
    return format_error (error, st->path, _("the header length %llu"
                         " is over the %u MB a model's header may take"), (unsigned long long) hlen, MAX_HEADER >> 20), NULL;
  st->data_start = 8 + hlen;

  if (!fl_json_parse (parser, st->contents + 8, (gssize) hlen, &local))
    return format_error (error, st->path, _("the header: %s"), local->message), NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return format_error (error, st->path, _("the header is not a JSON object")), NULL;
  /* json-glib keeps only the last of two members of one name */
  if (fl_json_count_top_members (st->contents + 8, hlen) != json_object_get_size (json_node_get_object (root)))
    return format_error (error, st->path, _("the header names a tensor twice (or __metadata__)")), NULL;
  return json_node_get_object (root);
}

/* __metadata__: an object of strings, as the format says. */
static gboolean
parse_metadata (FlSafetensors *st, JsonNode *node, GError **error)
{
  JsonObject *md;
  g_autoptr(GList) keys = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return format_error (error, st->path, _("__metadata__ is not an object"));
  md = json_node_get_object (node);
  keys = json_object_get_members (md);
  for (GList *k = keys; k != NULL; k = k->next)
    {
      const char *v = fl_json_get_string (json_object_get_member (md, k->data));

      if (v == NULL)
        return format_error (error, st->path, _("the metadata “%s” is not a string"),
                             (const char *) k->data);
      g_hash_table_insert (st->metadata, g_strdup (k->data), g_strdup (v));
    }
  return TRUE;
}

static int
compare_begin (gconstpointer a, gconstpointer b)
{
  const Entry *x = *(Entry *const *) a, *y = *(Entry *const *) b;

  return x->begin < y->begin ? -1 : x->begin > y->begin;
}

/* No two tensors share a byte: each one's data is its own. */
static gboolean
check_overlaps (FlSafetensors *st, GError **error)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

  for (guint i = 0; i < st->names->len; i++)
    g_ptr_array_add (sorted, g_hash_table_lookup (st->entries, st->names->pdata[i]));
  g_ptr_array_sort (sorted, compare_begin);
  for (guint i = 1; i < sorted->len; i++)
    if (((Entry *) sorted->pdata[i])->begin < ((Entry *) sorted->pdata[i - 1])->end)
      return format_error (error, st->path, _("two tensors' data overlap"));
  return TRUE;
}

FlSafetensors *
fl_safetensors_load (const char *path, GError **error)
{
  g_autoptr(FlSafetensors) st = g_new0 (FlSafetensors, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GList) members = NULL;
  JsonObject *obj;
  gboolean ok = TRUE;

  st->path = g_strdup (path);
  st->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  st->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  st->names = g_ptr_array_new_with_free_func (g_free);

  obj = read_header (st, parser, error);
  if (obj == NULL)
    return NULL;
  members = json_object_get_members (obj);
  for (GList *l = members; l != NULL && ok; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (obj, name);

      if (strcmp (name, "__metadata__") == 0)
        ok = parse_metadata (st, node, error);
      else
        ok = parse_entry (st, name, node, st->length - st->data_start, error);
    }
  if (!ok || !check_overlaps (st, error))
    return NULL;
  g_ptr_array_add (st->names, NULL);
  return g_steal_pointer (&st);
}

gboolean
fl_safetensors_shape (FlSafetensors *st, const char *name, int *ndim, gint64 shape[4])
{
  Entry *e = g_hash_table_lookup (st->entries, name);

  if (e == NULL)
    return FALSE;
  *ndim = e->ndim;
  memcpy (shape, e->shape, sizeof e->shape);
  return TRUE;
}

gboolean
fl_safetensors_read (FlSafetensors *st, const char *name, float *dst, gsize numel,
                     GError **error)
{
  Entry *e = g_hash_table_lookup (st->entries, name);

  if (e == NULL)
    return format_error (error, st->path, _("it has no tensor “%s”"), name);
  if (e->end - e->begin != numel * sizeof (float))
    return format_error (error, st->path, _("tensor “%s” has %zu values, expected %zu"),
                         name, (e->end - e->begin) / sizeof (float), numel);
  memcpy (dst, st->contents + st->data_start + e->begin, e->end - e->begin);
  return TRUE;
}

const char *
fl_safetensors_metadata (FlSafetensors *st, const char *key)
{
  return g_hash_table_lookup (st->metadata, key);
}

const char *const *
fl_safetensors_names (FlSafetensors *st)
{
  return (const char *const *) st->names->pdata;
}
