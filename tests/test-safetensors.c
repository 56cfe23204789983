/* SPDX-License-Identifier: MIT
 *
 * The safetensors reader and writer: a round trip keeps names (in order),
 * shapes, every bit of the values and the metadata; a save is atomic; and
 * every kind of corrupt file is refused with a FL_ENGINE_ERROR_FORMAT that
 * names the file.
 */
#include "fl-model.h"
#include "fl-safetensors.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* A fresh temporary directory, removed with everything in it at the end. */
typedef struct {
  char *dir;
} TmpDir;

static void
tmpdir_setup (TmpDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  t->dir = g_dir_make_tmp ("fl-test-safetensors-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
tmpdir_teardown (TmpDir *t, gconstpointer data)
{
  g_autoptr(GDir) d = g_dir_open (t->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (t->dir, name, NULL);
      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (t->dir), ==, 0);
  g_free (t->dir);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  /* g_ptr_array_sort passes pointers to the elements */
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

/* The names in dir, sorted, joined with spaces. */
static char *
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static const float A[6] = { 1.0f, -2.5f, 3.25f, 0.0f, -0.0f, 1e-38f };
static const float B[4] = { 3.14159274f, -1e30f, 7.0f, 1.17549435e-38f };
static const float C1[1] = { 42.0f };
static const float D[4] = { 0.5f, 0.25f, 0.125f, 0.0625f };

/* Saves four tensors, deliberately not in alphabetical order. */
static void
save_sample (const char *path, GHashTable *metadata)
{
  g_autoptr(GError) error = NULL;
  const FlStTensor t[] = {
    { "z.weight", 2, { 2, 3 }, A },
    { "a.bias", 1, { 4 }, B },
    { "m.scalar", 1, { 1 }, C1 },
    { "b.conv", 4, { 1, 2, 1, 2 }, D },
  };

  g_assert_true (fl_safetensors_save (path, t, G_N_ELEMENTS (t), metadata, &error));
  g_assert_no_error (error);
}

static void
assert_shape (FlSafetensors *st, const char *name, int ndim, const gint64 *shape)
{
  int nd = -1;
  gint64 s[4] = { 0 };

  g_assert_true (fl_safetensors_shape (st, name, &nd, s));
  g_assert_cmpint (nd, ==, ndim);
  for (int d = 0; d < ndim; d++)
    g_assert_cmpint (s[d], ==, shape[d]);
}

static void
test_round_trip (TmpDir *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (t->dir, "model.safetensors", NULL);
  g_autoptr(GHashTable) md = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(FlSafetensors) st = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const char *const *names;
  float a[6], b[4], c[1], d[4];
  gsize len;
  guint64 hlen = 0;

  g_hash_table_insert (md, "fusion", "concat");
  g_hash_table_insert (md, "vocab_size", "1234");
  g_hash_table_insert (md, "note", "ünïcode \"quoted\" {json}");
  save_sample (path, md);

  /* the data section starts 8-byte aligned and the file is exactly the
   * header plus 15 floats */
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  for (int i = 7; i >= 0; i--)
    hlen = (hlen << 8) | (guchar) contents[i];
  g_assert_cmpuint (hlen % 8, ==, 0);
  g_assert_cmpuint (len, ==, 8 + hlen + 15 * sizeof (float));

  st = fl_safetensors_load (path, &error);
  g_assert_no_error (error);

  names = fl_safetensors_names (st);
  g_assert_cmpstrv (names, ((const char *const[]) { "z.weight", "a.bias", "m.scalar", "b.conv", NULL }));

  assert_shape (st, "z.weight", 2, (gint64[]) { 2, 3 });
  assert_shape (st, "a.bias", 1, (gint64[]) { 4 });
  assert_shape (st, "m.scalar", 1, (gint64[]) { 1 });
  assert_shape (st, "b.conv", 4, (gint64[]) { 1, 2, 1, 2 });
  {
    int nd;
    gint64 s[4];
    g_assert_false (fl_safetensors_shape (st, "absent", &nd, s));
  }

  /* bit for bit, including -0, a denormal and the extremes */
  g_assert_true (fl_safetensors_read (st, "z.weight", a, 6, &error));
  g_assert_true (fl_safetensors_read (st, "a.bias", b, 4, &error));
  g_assert_true (fl_safetensors_read (st, "m.scalar", c, 1, &error));
  g_assert_true (fl_safetensors_read (st, "b.conv", d, 4, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (a, sizeof a, A, sizeof A);
  g_assert_cmpmem (b, sizeof b, B, sizeof B);
  g_assert_cmpmem (c, sizeof c, C1, sizeof C1);
  g_assert_cmpmem (d, sizeof d, D, sizeof D);

  g_assert_cmpstr (fl_safetensors_metadata (st, "fusion"), ==, "concat");
  g_assert_cmpstr (fl_safetensors_metadata (st, "vocab_size"), ==, "1234");
  g_assert_cmpstr (fl_safetensors_metadata (st, "note"), ==, "ünïcode \"quoted\" {json}");
  g_assert_null (fl_safetensors_metadata (st, "absent"));
}

static void
test_no_metadata (TmpDir *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (t->dir, "plain.safetensors", NULL);
  g_autoptr(FlSafetensors) st = NULL;
  g_autoptr(GError) error = NULL;

  save_sample (path, NULL);
  st = fl_safetensors_load (path, &error);
  g_assert_no_error (error);
  g_assert_null (fl_safetensors_metadata (st, "fusion"));
  g_assert_cmpstr (fl_safetensors_names (st)[0], ==, "z.weight");
}

static void
test_atomic_save (TmpDir *t, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (t->dir, "no-such-dir", NULL);
  g_autofree char *bad = g_build_filename (missing, "model.safetensors", NULL);
  g_autofree char *path = g_build_filename (t->dir, "model.safetensors", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlSafetensors) st = NULL;
  g_autofree char *listing = NULL;
  const float x[2] = { 9.0f, 8.0f };
  const FlStTensor other = { "other", 1, { 2 }, x };
  float y[2];

  /* a path in a directory that does not exist: an error, and nothing is
   * created, neither the directory nor a temporary file beside it */
  g_assert_false (fl_safetensors_save (bad, &other, 1, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("saving to a missing directory: %s", error->message);
  g_clear_error (&error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  listing = list_dir (t->dir);
  g_assert_cmpstr (listing, ==, "");
  g_clear_pointer (&listing, g_free);

  /* a save over an existing file replaces it whole, and leaves no
   * temporary file behind */
  save_sample (path, NULL);
  g_assert_true (fl_safetensors_save (path, &other, 1, NULL, &error));
  g_assert_no_error (error);
  listing = list_dir (t->dir);
  g_assert_cmpstr (listing, ==, "model.safetensors");

  st = fl_safetensors_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (fl_safetensors_names (st), ((const char *const[]) { "other", NULL }));
  g_assert_true (fl_safetensors_read (st, "other", y, 2, &error));
  g_assert_cmpmem (y, sizeof y, x, sizeof x);
}

/* Writes a file of the 8-byte length hlen, then header (padded with spaces
 * to hlen when it is shorter), then n_data zero bytes. */
static void
write_raw (const char *path, guint64 hlen, const char *header, gsize n_data)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  gsize hl = header ? strlen (header) : 0;
  guint8 zero = 0;

  for (int i = 0; i < 8; i++)
    {
      guint8 b = (guint8) (hlen >> (8 * i));
      g_byte_array_append (out, &b, 1);
    }
  if (header != NULL)
    g_byte_array_append (out, (const guint8 *) header, hl);
  for (gsize i = hl; header != NULL && i < hlen; i++)
    g_byte_array_append (out, (const guint8 *) " ", 1);
  for (gsize i = 0; i < n_data; i++)
    g_byte_array_append (out, &zero, 1);
  g_file_set_contents (path, (const char *) out->data, out->len, &error);
  g_assert_no_error (error);
}

/* Loading path must fail with a FORMAT error naming the file and
 * containing hint. */
static void
assert_load_fails (const char *path, const char *hint)
{
  g_autoptr(GError) error = NULL;
  FlSafetensors *st = fl_safetensors_load (path, &error);

  g_assert_null (st);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, hint));
}

/* A file of exactly these len bytes must fail to load as assert_load_fails()
 * says. */
static void
assert_bytes_fail (const char *path, const char *bytes, gssize len, const char *hint)
{
  g_assert_true (g_file_set_contents (path, bytes, len, NULL));
  assert_load_fails (path, hint);
}

static void
test_reject_short (TmpDir *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (t->dir, "short.safetensors", NULL);

  assert_bytes_fail (path, "\x02\0\0\0{}", 6, "6 bytes");
  assert_bytes_fail (path, "", 0, "0 bytes");
}

static void
test_reject_header_length (TmpDir *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (t->dir, "long.safetensors", NULL);

  /* 1000 claimed, 2 present */
  assert_bytes_fail (path, "\xe8\x03\0\0\0\0\0\0{}", 10, "header length 1000");
  /* a length that overflows any arithmetic on it */
  assert_bytes_fail (path, "\xff\xff\xff\xff\xff\xff\xff\xff{}", 10, "header length");
}

static void
test_reject_not_json (TmpDir *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (t->dir, "junk.safetensors", NULL);

  write_raw (path, 16, "this is not json", 0);
  assert_load_fails (path, "not JSON");
  write_raw (path, 16, "[1, 2, 3]", 0);
  assert_load_fails (path, "not a JSON object");
  write_raw (path, 8, "{\"a\":", 0);
  assert_load_fails (path, "not JSON");
}

static void
test_reject_truncated (TmpDir *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (t->dir, "cut.safetensors", NULL);
  g_autofree char *contents = NULL;
  gsize len;

  save_sample (path, NULL);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (path, contents, len - 3, NULL));
  /* the last tensor in the file runs past its end */
  assert_load_fails (path, "b.conv");
  assert_load_fails (path, "truncated");
}

static void
test_reject_bad_entries (TmpDir *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (t->dir, "bad.safetensors", NULL);
  const char *header;

  header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
  write_raw (path, strlen (header), header, 4);
  assert_load_fails (path, "not F32");

  header = "{\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
  write_raw (path, strlen (header), header, 8);
  assert_load_fails (path, "not F32");

  /* data_offsets that disagree with the shape */
  header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
  write_raw (path, strlen (header), header, 12);
  assert_load_fails (path, "wrong size");

  /* data_offsets past the end of an intact file */
  header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
  write_raw (path, strlen (header), header, 8);
  assert_load_fails (path, "outside the file");

  header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}";
  write_raw (path, strlen (header), header, 8);
  assert_load_fails (path, "data_offsets");

  /* sizes and offsets must be JSON integers: not strings, null, fractions
   * or arrays (which json-glib would quietly read as 0, or warn about) */
  header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}";
  write_raw (path, strlen (header), header, 8);
  assert_load_fails (path, "bad shape");
  header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[[1]],\"data_offsets\":[0,4]}}";
  write_raw (path, strlen (header), header, 4);
  assert_load_fails (path, "bad shape");
  header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[\"0\",8]}}";
  write_raw (path, strlen (header), header, 8);
  assert_load_fails (path, "data_offsets");
  header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[null,8]}}";
  write_raw (path, strlen (header), header, 8);
  assert_load_fails (path, "data_offsets");
  header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.5]}}";
  write_raw (path, strlen (header), header, 8);
  assert_load_fails (path, "data_offsets");

  header = "{\"w\":[1,2]}";
  write_raw (path, strlen (header), header, 0);
  assert_load_fails (path, "not an object");
}

/* Each header (with n_data zero bytes after it) is refused with hint;
 * cases is NULL-terminated pairs of header and hint. */
static void
assert_headers_fail (const char *path, const char *const (*cases)[2], gsize n_data)
{
  for (gsize i = 0; cases[i][0] != NULL; i++)
    {
      write_raw (path, strlen (cases[i][0]), cases[i][0], n_data);
      assert_load_fails (path, cases[i][1]);
    }
}

/* Wrong JSON types where the format wants a string or a number: refused,
 * never read through json-glib's accessors (which warn, and criticals are
 * fatal here), and 64-bit numbers never wrapped. */
static void
test_reject_wrong_types (TmpDir *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (t->dir, "types.safetensors", NULL);
  const char *const cases[][2] = {
    { "{\"w\":{\"dtype\":[],\"shape\":[2],\"data_offsets\":[0,8]}}", "not F32" },
    { "{\"w\":{\"dtype\":{},\"shape\":[2],\"data_offsets\":[0,8]}}", "not F32" },
    { "{\"w\":{\"dtype\":3,\"shape\":[2],\"data_offsets\":[0,8]}}", "not F32" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":{},\"data_offsets\":[0,8]}}", "shape" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", "bad shape" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[true],\"data_offsets\":[0,8]}}", "bad shape" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967298],\"data_offsets\":[0,8]}}", "bad shape" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":{}}}", "data_offsets" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,[8]]}}", "data_offsets" },
    /* json-glib would wrap this to -1 */
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999]}}", "digits" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", "data_offsets" },
    { "{\"__metadata__\":{\"config\":{}},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
      "metadata “config” is not a string" },
    { "{\"__metadata__\":{\"n\":2},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
      "metadata “n” is not a string" },
    { "{\"__metadata__\":[],\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
      "__metadata__ is not an object" },
    { NULL, NULL },
  };

  assert_headers_fail (path, cases, 8);
}

/* Tensors that share bytes or a name, and shapes whose byte count
 * overflows. */
static void
test_reject_layout (TmpDir *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (t->dir, "layout.safetensors", NULL);
  const char *const cases[][2] = {
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", "overlap" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "overlap" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", "twice" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,2147483647],"
      "\"data_offsets\":[0,16]}}", "bad shape" },
    { NULL, NULL },
  };

  assert_headers_fail (path, cases, 16);
}

/* 100,000 “[”, which json-glib would follow down until the stack ran out,
 * refused before parsing; a deep but sane header still loads. */
static void
test_reject_deep (TmpDir *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (t->dir, "deep.safetensors", NULL);
  g_autofree char *deep = g_strnfill (100000, '[');
  g_autofree char *brackets = g_strnfill (100, '[');
  /* a "[" inside a string, after an escaped quote, is not nesting */
  g_autofree char *ok = g_strdup_printf ("{\"__metadata__\":{\"v\":\"\\\"%s\"}}", brackets);
  g_autofree char *value = g_strconcat ("\"", brackets, NULL);
  g_autoptr(FlSafetensors) st = NULL;
  g_autoptr(GError) error = NULL;

  write_raw (path, strlen (deep), deep, 0);
  assert_load_fails (path, "nested more than 64");
  write_raw (path, strlen (ok), ok, 0);
  st = fl_safetensors_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_safetensors_metadata (st, "v"), ==, value);
}

/* A header length past the cap is refused before the header is parsed or
 * the file read: the file here is sparse, 150 MB of nothing. */
static void
test_reject_huge_header (TmpDir *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (t->dir, "huge.safetensors", NULL);
  guint64 hlen = (guint64) 150 << 20;

  write_raw (path, hlen, NULL, 0);
  g_assert_cmpint (truncate (path, (off_t) (8 + hlen)), ==, 0);
  assert_load_fails (path, "over the 100 MB");
}

static void
test_reject_read (TmpDir *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (t->dir, "model.safetensors", NULL);
  g_autoptr(FlSafetensors) st = NULL;
  g_autoptr(GError) error = NULL;
  float dst[8] = { 0 };
  const float untouched[8] = { 0 };

  save_sample (path, NULL);
  st = fl_safetensors_load (path, &error);
  g_assert_no_error (error);

  g_assert_false (fl_safetensors_read (st, "conv9.weight", dst, 4, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "conv9.weight"));
  g_clear_error (&error);

  /* a.bias has 4 values; asking for 5 or 3 is refused and writes nothing */
  g_assert_false (fl_safetensors_read (st, "a.bias", dst, 5, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "a.bias"));
  g_assert_nonnull (strstr (error->message, "expected 5"));
  g_clear_error (&error);
  g_assert_false (fl_safetensors_read (st, "a.bias", dst, 3, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_assert_cmpmem (dst, sizeof dst, untouched, sizeof untouched);
}

static void
test_missing_file (TmpDir *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (t->dir, "absent.safetensors", NULL);
  g_autoptr(GError) error = NULL;

  /* not a format problem: the file is not there */
  g_assert_null (fl_safetensors_load (path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add (path, TmpDir, NULL, tmpdir_setup, fn, tmpdir_teardown)
  ADD ("/safetensors/round-trip", test_round_trip);
  ADD ("/safetensors/no-metadata", test_no_metadata);
  ADD ("/safetensors/atomic-save", test_atomic_save);
  ADD ("/safetensors/reject/short", test_reject_short);
  ADD ("/safetensors/reject/header-length", test_reject_header_length);
  ADD ("/safetensors/reject/not-json", test_reject_not_json);
  ADD ("/safetensors/reject/truncated", test_reject_truncated);
  ADD ("/safetensors/reject/bad-entries", test_reject_bad_entries);
  ADD ("/safetensors/reject/read", test_reject_read);
  ADD ("/safetensors/reject/wrong-types", test_reject_wrong_types);
  ADD ("/safetensors/reject/layout", test_reject_layout);
  ADD ("/safetensors/reject/deep", test_reject_deep);
  ADD ("/safetensors/reject/huge-header", test_reject_huge_header);
  ADD ("/safetensors/missing-file", test_missing_file);
#undef ADD
  return g_test_run ();
}
