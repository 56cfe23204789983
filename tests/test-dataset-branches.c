/* SPDX-License-Identifier: MIT
 *
 * The dataset's other branches (issue 14): an audio column naming clips in
 * the image folder and numeric columns, loaded as a user's data would be —
 * clips found by the image's rules (a bare name anywhere, nothing outside),
 * bad clips and non-numbers skipped with their reasons, empty cells as NAN,
 * the numeric columns detected, the columns' errors, one progress count
 * for images and clips with Cancel in the middle of the clips, the memory
 * the clips need, and a clip swapped for a link out while loading.
 */
#include "fl-audio.h"
#include "fl-dataset.h"
#include "fl-model.h"
#include "test-dataset-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stb_image_write.h>
#include <string.h>
#include <unistd.h>

/* Copies tests/data/audio/name to dir/rel, or its first len/div bytes. */
static void
copy_clip (const char *name, const char *dir, const char *rel, gsize div)
{
  g_autofree char *src = g_test_build_filename (G_TEST_DIST, "data", "audio", name, NULL);
  g_autofree char *dst = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (dst);
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (src, &data, &len, NULL));
  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (g_file_set_contents (dst, data, len / div, NULL));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->root = g_dir_make_tmp ("fl-dataset-branches-XXXXXX", NULL);
  f->images = g_build_filename (f->root, "images", NULL);
  write_png (f->images, "cats/a.png", 10);
  write_png (f->images, "cats/b.png", 20);
  write_png (f->images, "dogs/c.png", 200);
  copy_clip ("tone-16k-mono.wav", f->images, "cats/meow.wav", 1);
  copy_clip ("tones-22k.ogg", f->images, "dogs/woof.ogg", 1);
  copy_clip ("tone-8k.flac", f->images, "sounds/beep.flac", 1);
  copy_clip ("tone-8k.flac", f->images, "sounds/cut.flac", 2);
  copy_clip ("tone-16k-mono.wav", f->root, "outside.wav", 1);
  {
    g_autofree char *p = g_build_filename (f->images, "bad.wav", NULL);
    g_assert_true (g_file_set_contents (p, "this is not audio", -1, NULL));
  }
}

static gboolean
has_reason (FlDataset *ds, const char *line, const char *words)
{
  for (guint i = 0; i < ds->report.reasons->len; i++)
    {
      const char *r = ds->report.reasons->pdata[i];
      if (strstr (r, line) != NULL && strstr (r, words) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* The engine's log-mel of a fixture clip. */
static float *
clip_logmel (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "audio", name, NULL);
  float *out = g_new (float, FL_AUDIO_SIZE);

  g_assert_true (fl_audio_load (path, out, NULL));
  return out;
}

static const char *const age_weight[] = { "age", "weight", NULL };

static const char *const mixed_csv =
  "image,text,label,sound,age,weight,note\n"
  "cats/a.png,a cat,cat,meow.wav,3,4.5,x\n"              /* line 2: a bare clip name */
  "dogs/c.png,a dog,dog,dogs/woof.ogg,,12,y\n"           /* line 3: no age: NAN */
  "cats/b.png,cat two,cat,sounds/beep.flac,5,abc,z\n"    /* line 4: not a number */
  "dogs/c.png,dog two,dog,../outside.wav,1,2,w\n"        /* line 5: escapes */
  "cats/a.png,three,cat,bad.wav,1,2,q\n"                 /* line 6: not audio */
  "cats/b.png,four,cat,,1,2,q\n"                         /* line 7: no clip */
  "cats/b.png,five,cat,sounds/cut.flac,1,2,q\n"          /* line 8: truncated */
  "dogs/c.png,six,dog,meow.wav,7,-8e-1,r\n";             /* line 9: the clip again */

static void
test_load (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = write_csv (f, "mixed.csv", mixed_csv);
  FlDataSpec spec = { .images_dir = f->images, .csv_path = csv, .image_size = 8, .n_threads = 2,
                      .numeric_cols = age_weight };
  g_autoptr(FlDataset) ds = fl_dataset_load (&spec, NULL, NULL, NULL, &error);
  g_autofree float *meow = clip_logmel ("tone-16k-mono.wav");
  g_autofree float *woof = clip_logmel ("tones-22k.ogg");
  g_autofree char *desc = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (ds->n, ==, 3);
  g_assert_cmpint (ds->report.n_skipped, ==, 5);
  g_assert_cmpstr (ds->report.audio_col, ==, "sound");
  g_assert_cmpstrv (ds->report.numeric_cols, age_weight);
  g_assert_cmpuint (fl_dataset_branches (ds), ==, 0xF);

  /* the clips: found by the image's rules, decoded as fl_audio_load() does */
  g_assert_cmpint (ds->audio_mels, ==, 64);
  g_assert_cmpint (ds->audio_frames, ==, 200);
  g_assert_cmpstr (ds->audio_files[0], ==, "cats/meow.wav");
  g_assert_cmpstr (ds->audio_files[1], ==, "dogs/woof.ogg");
  g_assert_cmpstr (ds->audio_files[2], ==, "cats/meow.wav");
  g_assert_cmpmem (ds->audio, sizeof (float) * FL_AUDIO_SIZE, meow, sizeof (float) * FL_AUDIO_SIZE);
  g_assert_cmpmem (ds->audio + FL_AUDIO_SIZE, sizeof (float) * FL_AUDIO_SIZE, woof,
                   sizeof (float) * FL_AUDIO_SIZE);
  g_assert_cmpmem (ds->audio + 2 * FL_AUDIO_SIZE, sizeof (float) * FL_AUDIO_SIZE, meow,
                   sizeof (float) * FL_AUDIO_SIZE);

  /* the numbers, raw, NAN for the empty cell */
  g_assert_cmpint (ds->n_numeric, ==, 2);
  g_assert_cmpstrv (ds->numeric_names, age_weight);
  g_assert_cmpfloat (ds->numeric[0], ==, 3.0f);
  g_assert_cmpfloat (ds->numeric[1], ==, 4.5f);
  g_assert_true (isnan (ds->numeric[2]));
  g_assert_cmpfloat (ds->numeric[3], ==, 12.0f);
  g_assert_cmpfloat (ds->numeric[5], ==, -0.8f);
  g_assert_cmpstr (ds->texts[2], ==, "six");

  g_assert_true (has_reason (ds, "line 4", "column “weight”: “abc” is not a number"));
  g_assert_true (has_reason (ds, "line 5", "../outside.wav: the path leads outside the image folder"));
  g_assert_true (has_reason (ds, "line 6", "bad.wav: not a WAV, FLAC or Ogg file"));
  g_assert_true (has_reason (ds, "line 7", "the audio path is empty"));
  g_assert_true (has_reason (ds, "line 8", "cut.flac: corrupt"));

  desc = fl_dataset_describe (ds);
  g_test_message ("%s", desc);
  g_assert_nonnull (strstr (desc, "columns: image “image”, text “text”, label “label”, "
                            "audio “sound”, numeric “age”, “weight”\n"));
}

/* Without an audio column, or with "" for it, and without numbers: the
 * image and text branches alone. */
static void
test_no_branches (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = write_csv (f, "mixed.csv", mixed_csv);
  FlDataSpec spec = { .images_dir = f->images, .csv_path = csv, .image_size = 8, .audio_col = "" };
  g_autoptr(FlDataset) ds = fl_dataset_load (&spec, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->n, ==, 8);
  g_assert_null (ds->audio);
  g_assert_null (ds->audio_files);
  g_assert_null (ds->numeric);
  g_assert_cmpint (ds->n_numeric, ==, 0);
  g_assert_null (ds->report.audio_col);
  g_assert_null (ds->report.numeric_cols);
  g_assert_cmpuint (fl_dataset_branches (ds), ==, 0x3);
}

static guint64
fingerprint_of (Fixture *f, const char *rows, const char *audio_col, const char *const *numeric)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = write_csv (f, "fp.csv", rows);
  FlDataSpec spec = { .images_dir = f->images, .csv_path = csv, .image_size = 8,
                      .audio_col = audio_col, .numeric_cols = numeric };
  g_autoptr(FlDataset) ds = fl_dataset_load (&spec, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->n, ==, 2);
  return ds->fingerprint;
}

/* The fingerprint that tells an experiment its data: other clips or other
 * numbers are other data; without sound and numbers, the number image and
 * text data always had. */
static void
test_fingerprint (Fixture *f, gconstpointer data)
{
  static const char *const age[] = { "age", NULL };
  const char *a = "image,text,label,sound,age\ncats/a.png,a cat,cat,meow.wav,3\ndogs/c.png,a dog,dog,dogs/woof.ogg,\n";
  const char *other_age = "image,text,label,sound,age\ncats/a.png,a cat,cat,meow.wav,4\ndogs/c.png,a dog,dog,dogs/woof.ogg,\n";
  const char *other_clip = "image,text,label,sound,age\ncats/a.png,a cat,cat,dogs/woof.ogg,3\ndogs/c.png,a dog,dog,dogs/woof.ogg,\n";
  const char *plain = "image,text,label\ncats/a.png,a cat,cat\ndogs/c.png,a dog,dog\n";
  guint64 fa = fingerprint_of (f, a, NULL, age);

  g_assert_cmpuint (fingerprint_of (f, a, NULL, age), ==, fa);
  g_assert_cmpuint (fingerprint_of (f, other_age, NULL, age), !=, fa);
  g_assert_cmpuint (fingerprint_of (f, other_clip, NULL, age), !=, fa);
  g_assert_cmpuint (fingerprint_of (f, a, NULL, NULL), !=, fa);
  g_assert_cmpuint (fingerprint_of (f, a, "", NULL), ==, fingerprint_of (f, plain, NULL, NULL));
}

/* The columns offered as numeric: every non-empty cell a finite number,
 * and not a column another role uses. */
static void
test_numeric_columns (void)
{
  const char *data =
    "image,text,class,sound,age,weight,note,blank,score,inf\n"
    "a.png,x,0,a.wav,3,4.5,hello,,\" 1e3 \",1\n"
    "b.png,y,1,b.wav,,abc,,,-2.5,inf\n"
    "c.png,z,1,c.wav,0x10,7,3,,,2\n";
  g_autoptr(FlCsv) csv = fl_csv_parse (data, strlen (data), "n.csv", NULL);
  const char *const expect[] = { "age", "score", NULL };
  const char *const with_class[] = { "class", "age", "score", NULL };
  FlDataSpec folders = { .label_col = "" };
  g_auto(GStrv) got = NULL, got_class = NULL;

  g_assert_nonnull (csv);
  got = fl_dataset_numeric_columns (csv, NULL);
  g_assert_cmpstrv (got, expect);
  /* with labels from folders, the class column is free to be a number */
  got_class = fl_dataset_numeric_columns (csv, &folders);
  g_assert_cmpstrv (got_class, with_class);
}

/* A numeric or audio column that is missing, chosen twice or used for
 * another role: one clear error. */
static void
test_column_errors (Fixture *f, gconstpointer data)
{
  static const char *const missing[] = { "age", "nope", NULL };
  static const char *const label[] = { "label", NULL };
  static const char *const twice[] = { "age", "age", NULL };
  static const struct { const char *const *numeric; const char *audio; const char *message; } cases[] = {
    { missing, NULL, "mixed.csv has no column “nope” for a numeric feature; its columns are “image”, " },
    { label, NULL, "mixed.csv: column “label” is the label column; it cannot also be a numeric feature" },
    { twice, NULL, "mixed.csv: column “age” is chosen twice as a numeric feature" },
    { NULL, "nope", "mixed.csv has no column “nope” for the audio; its columns are “image”, " },
  };
  g_autofree char *csv = write_csv (f, "mixed.csv", mixed_csv);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      FlDataSpec spec = { .images_dir = f->images, .csv_path = csv, .image_size = 8,
                          .numeric_cols = cases[i].numeric, .audio_col = cases[i].audio };

      g_assert_null (fl_dataset_load (&spec, NULL, NULL, NULL, &error));
      g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

typedef struct {
  gint64        last, total;
  gint64        cancel_after;   /* cancel once done passes it; 0: never */
  GCancellable *cancellable;
} Counted;

static void
count_progress (gint64 done, gint64 total, gpointer data)
{
  Counted *c = data;

  g_assert_cmpint (done, >, c->last);
  c->last = done;
  c->total = total;
  if (c->cancel_after > 0 && done > c->cancel_after)
    g_cancellable_cancel (c->cancellable);
}

/* One count for 3 distinct images and 3 distinct clips; Cancel while the
 * clips are being decoded stops the load. */
static void
test_progress_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = write_csv (f, "p.csv", "image,text,label,audio\n"
                                    "cats/a.png,1,cat,meow.wav\ncats/b.png,2,cat,woof.ogg\n"
                                    "dogs/c.png,3,dog,beep.flac\ndogs/c.png,4,dog,meow.wav\n");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  FlDataSpec spec = { .images_dir = f->images, .csv_path = csv, .image_size = 8, .n_threads = 1 };
  Counted c = { 0 };
  FlDataset *ds = fl_dataset_load (&spec, count_progress, &c, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->n, ==, 4);
  g_assert_cmpint (c.total, ==, 6);
  g_assert_cmpint (c.last, ==, 6);
  fl_dataset_unref (ds);

  /* cancelled after the images and the first clip */
  c = (Counted) { .cancel_after = 3, .cancellable = cancellable };
  g_assert_null (fl_dataset_load (&spec, count_progress, &c, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (c.last, ==, 4);
}

/* The clips' spectrograms count in the memory check: 200 rows naming one
 * clip need 200 × 51,200 bytes, refused under 1 MB. */
static void
test_memory (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rows = g_string_new ("image,text,label,audio\n");
  g_autofree char *csv = NULL;
  FlDataSpec spec = { .images_dir = f->images, .image_size = 8 };

  for (int i = 0; i < 200; i++)
    g_string_append_printf (rows, "cats/a.png,w,%s,meow.wav\n", i % 2 ? "cat" : "dog");
  csv = write_csv (f, "many.csv", rows->str);
  spec.csv_path = csv;
  g_setenv ("FUSIONLAB_MAX_DATA_BYTES", "1000000", TRUE);
  g_assert_null (fl_dataset_load (&spec, NULL, NULL, NULL, &error));
  g_unsetenv ("FUSIONLAB_MAX_DATA_BYTES");
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_assert_cmpstr (error->message, ==, "200 images of 8×8 and their sound clips need 10.3\u00a0MB, "
                   "more than the 1.0\u00a0MB that FUSIONLAB_MAX_DATA_BYTES allows: choose a smaller "
                   "image size or fewer rows");
}

/* After the images and the first clip, the second clip becomes a link to
 * the clip outside the folder, its row resolved already. */
static void
swap_progress (gint64 done, gint64 total, gpointer data)
{
  Fixture *f = data;
  g_autofree char *woof = g_build_filename (f->images, "dogs", "woof.ogg", NULL);

  if (done != 3)
    return;
  g_assert_cmpint (g_remove (woof), ==, 0);
  g_assert_cmpint (symlink ("../../outside.wav", woof), ==, 0);
}

static void
test_swapped_clip (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = write_csv (f, "swap.csv", "image,text,label,audio\n"
                                    "cats/a.png,1,cat,meow.wav\ncats/b.png,2,cat,woof.ogg\n"
                                    "dogs/c.png,3,dog,beep.flac\n");
  FlDataSpec spec = { .images_dir = f->images, .csv_path = csv, .image_size = 8, .n_threads = 1 };
  g_autoptr(FlDataset) ds = fl_dataset_load (&spec, swap_progress, f, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (ds->n, ==, 2);
  g_assert_true (has_reason (ds, "line 3", "leads outside the image folder"));
  g_assert_cmpstr (ds->audio_files[1], ==, "sounds/beep.flac");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/dataset-branches/load", Fixture, NULL, fixture_setup, test_load, fixture_teardown);
  g_test_add ("/dataset-branches/none", Fixture, NULL, fixture_setup, test_no_branches, fixture_teardown);
  g_test_add_func ("/dataset-branches/numeric-columns", test_numeric_columns);
  g_test_add ("/dataset-branches/fingerprint", Fixture, NULL, fixture_setup, test_fingerprint,
              fixture_teardown);
  g_test_add ("/dataset-branches/column-errors", Fixture, NULL, fixture_setup, test_column_errors,
              fixture_teardown);
  g_test_add ("/dataset-branches/progress-cancel", Fixture, NULL, fixture_setup, test_progress_cancel,
              fixture_teardown);
  g_test_add ("/dataset-branches/memory", Fixture, NULL, fixture_setup, test_memory, fixture_teardown);
  g_test_add ("/dataset-branches/swapped-clip", Fixture, NULL, fixture_setup, test_swapped_clip,
              fixture_teardown);
  return g_test_run ();
}
