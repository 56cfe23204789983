/* SPDX-License-Identifier: MIT
 *
 * An image folder and a CSV made on disk, loaded as a user's data would be:
 * the load report (skipped rows with line and reason), column detection and
 * overrides, the folder-per-class fallback, bare names found anywhere in the
 * tree, paths that escape the folder, and the errors for unusable data;
 * the memory a load may ask for, one decode per distinct file, and a file
 * swapped for a link out while the images are being decoded.
 */
#include "fl-dataset.h"
#include "fl-model.h"
#include "test-dataset-util.h"

#include <glib/gstdio.h>
#include <stb_image_write.h>
#include <string.h>
#include <unistd.h>

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->root = g_dir_make_tmp ("fl-dataset-XXXXXX", NULL);
  f->images = g_build_filename (f->root, "images", NULL);
  write_png (f->images, "cats/a.png", 10);
  write_png (f->images, "cats/b.png", 20);
  write_png (f->images, "dogs/c.png", 200);
  write_png (f->images, "dogs/deep/d.png", 220);
  write_png (f->images, "top.png", 100);
  write_png (f->root, "outside.png", 50);
  {
    g_autofree char *p = g_build_filename (f->images, "broken.png", NULL);
    g_assert_true (g_file_set_contents (p, "this is not a PNG", -1, NULL));
  }
}

static FlDataset *
load (Fixture *f, const char *csv, const char *label_col, GError **error)
{
  FlDataSpec spec = { .images_dir = f->images, .csv_path = csv, .label_col = label_col,
                      .image_size = 8, .n_threads = 2 };
  return fl_dataset_load (&spec, NULL, NULL, NULL, error);
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

static void
test_report (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = write_csv (f, "texts.csv",
      "\xEF\xBB\xBF" "File,Caption,Category\r\n"             /* BOM, CRLF, other names */
      "cats/a.png,\"a cat, sleeping\",cat\r\n"             /* line 2 */
      "b.png,\"two\nlines\",cat\r\n"                       /* line 3: bare name, 2 lines */
      "dogs/c.png,a dog,dog\r\n"                           /* line 5 */
      "d.png,deep dog,dog\r\n"                             /* line 6: bare name, deep */
      "missing.png,nothing,dog\r\n"                        /* line 7: not found */
      "../outside.png,escape,dog\r\n"                      /* line 8: escapes */
      "broken.png,undecodable,cat\r\n"                     /* line 9 */
      "cats/a.png,no label,\r\n"                           /* line 10: empty label */
      "dogs/c.png\r\n");                                   /* line 11: ragged */
  g_autoptr(FlDataset) ds = load (f, csv, NULL, &error);
  g_autofree char *desc = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (ds->n, ==, 4);
  g_assert_cmpint (ds->report.n_rows, ==, 9);
  g_assert_cmpint (ds->report.n_skipped, ==, 5);
  g_assert_cmpstr (ds->report.image_col, ==, "File");
  g_assert_cmpstr (ds->report.text_col, ==, "Caption");
  g_assert_cmpstr (ds->report.label_col, ==, "Category");
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_cmpstr (ds->class_names[0], ==, "cat");
  g_assert_cmpstr (ds->class_names[1], ==, "dog");
  g_assert_cmpint (ds->class_counts[0], ==, 2);
  g_assert_cmpint (ds->class_counts[1], ==, 2);

  /* samples keep CSV order, their text, their line and the resolved file */
  g_assert_cmpstr (ds->texts[0], ==, "a cat, sleeping");
  g_assert_cmpstr (ds->texts[1], ==, "two\nlines");
  g_assert_cmpstr (ds->image_files[1], ==, "cats/b.png");
  g_assert_cmpstr (ds->image_files[3], ==, "dogs/deep/d.png");
  g_assert_cmpint (ds->csv_lines[2], ==, 5);
  g_assert_cmpint (ds->labels[3], ==, 1);
  /* the pixels: grey 200 for dogs/c.png, in every channel */
  g_assert_cmpint (ds->images[2 * 3 * 8 * 8], ==, 200);
  g_assert_cmpint (ds->images[2 * 3 * 8 * 8 + 3 * 8 * 8 - 1], ==, 200);

  /* every skipped row, in line order, with file line and reason */
  g_assert_true (has_reason (ds, "line 7", "missing.png"));
  g_assert_true (has_reason (ds, "line 8", "outside"));
  g_assert_true (has_reason (ds, "line 9", "broken.png"));
  g_assert_true (has_reason (ds, "line 10", "label is empty"));
  g_assert_true (has_reason (ds, "line 11", "field"));
  g_assert_true (g_str_has_prefix (ds->report.reasons->pdata[0], "texts.csv, line 7"));

  desc = fl_dataset_describe (ds);
  g_assert_nonnull (strstr (desc, "4 samples in 2 classes (from 9 rows; 5 skipped)"));
}

static void
test_folder_labels (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = write_csv (f, "nolabel.csv",
      "image,text\n"
      "cats/a.png,one\n"
      "cats/b.png,two\n"
      "dogs/c.png,three\n"
      "dogs/deep/d.png,four\n"
      "top.png,five\n");
  g_autoptr(FlDataset) ds = load (f, csv, NULL, &error);

  g_assert_no_error (error);
  g_assert_null (ds->report.label_col);
  g_assert_cmpint (ds->n, ==, 4);
  g_assert_cmpstr (ds->class_names[0], ==, "cats");
  /* the parent folder, not the top one */
  g_assert_cmpstr (ds->class_names[1], ==, "deep");
  g_assert_cmpstr (ds->class_names[2], ==, "dogs");
  g_assert_true (has_reason (ds, "line 6", "directly in the image folder"));
}

static void
test_column_override (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = write_csv (f, "cols.csv",
      "pic,words,kind,text\n"
      "cats/a.png,alpha,cat,WRONG\n"
      "dogs/c.png,gamma,dog,WRONG\n");
  FlDataSpec spec = { .images_dir = f->images, .csv_path = csv, .image_col = "pic",
                      .text_col = "words", .label_col = "kind", .image_size = 8 };
  g_autoptr(FlDataset) ds = fl_dataset_load (&spec, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (ds->texts[0], ==, "alpha");
  g_assert_cmpstr (ds->class_names[1], ==, "dog");

  spec.text_col = "nope";
  g_assert_null (fl_dataset_load (&spec, NULL, NULL, NULL, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "“nope”"));
  g_assert_nonnull (strstr (error->message, "“words”"));   /* lists the columns */
  g_clear_error (&error);

  /* no column that looks like an image path, and none chosen */
  spec.image_col = NULL;
  spec.text_col = "words";
  g_assert_null (fl_dataset_load (&spec, NULL, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "no image column"));
}

static void
test_unusable (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *none = write_csv (f, "none.csv", "image,text,label\nx.png,a,b\ny.png,c,d\n");
  g_autofree char *one = write_csv (f, "one.csv", "image,text,label\ncats/a.png,a,cat\ncats/b.png,b,cat\n");
  FlDataSpec spec = { .images_dir = "/nonexistent-folder", .csv_path = none, .image_size = 8 };

  g_assert_null (load (f, none, NULL, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "none of its 2 rows is usable"));
  g_assert_nonnull (strstr (error->message, "x.png"));
  g_clear_error (&error);

  g_assert_null (load (f, one, NULL, &error));
  g_assert_nonnull (strstr (error->message, "at least two classes"));
  g_clear_error (&error);

  g_assert_null (fl_dataset_load (&spec, NULL, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "/nonexistent-folder"));
  g_clear_error (&error);

  /* a label column of ids: a class per row */
  {
    g_autoptr(GString) rows = g_string_new ("image,text,id\n");
    g_autofree char *ids = NULL;

    for (int i = 0; i <= FL_MAX_CLASSES; i++)
      g_string_append_printf (rows, "cats/a.png,word,row-%d\n", i);
    ids = write_csv (f, "ids.csv", rows->str);
    g_assert_null (load (f, ids, "id", &error));
    g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "1001 different labels"));
    g_assert_nonnull (strstr (error->message, "“id”"));
  }
}

static void
cancel_progress (gint64 done, gint64 total, gpointer data)
{
  g_cancellable_cancel (data);
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  /* with a bad row too: its reason must not leak when loading is cancelled */
  g_autofree char *csv = write_csv (f, "c.csv", "image,text,label\ncats/a.png,a,cat\ndogs/c.png,b,dog\n"
                                    "missing.png,c,dog\n");
  FlDataSpec spec = { .images_dir = f->images, .csv_path = csv, .image_size = 8, .n_threads = 1 };

  g_cancellable_cancel (cancellable);
  g_assert_null (fl_dataset_load (&spec, cancel_progress, cancellable, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* cancelled while decoding, after the first image: the rows were resolved
   * and the bad one's reason written */
  g_cancellable_reset (cancellable);
  g_assert_null (fl_dataset_load (&spec, cancel_progress, cancellable, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- memory, shared files, swapped links -------------------------------- */

/* A CSV of n rows, all naming cats/a.png, labels alternating. */
static char *
write_same_image_csv (Fixture *f, const char *name, guint64 n)
{
  g_autoptr(GString) rows = g_string_new ("image,text,label\n");

  for (guint64 i = 0; i < n; i++)
    g_string_append_printf (rows, "cats/a.png,word,%s\n", i % 2 ? "cat" : "dog");
  return write_csv (f, name, rows->str);
}

static void
test_memory_limit (Fixture *f, gconstpointer data)
{
  /* 36 KB of CSV asking for 3,000 × 3 × 1024² bytes = 9.4 GB: refused
   * before anything is allocated or decoded, saying how much and why */
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = write_same_image_csv (f, "many.csv", 3000);
  FlDataSpec spec = { .images_dir = f->images, .csv_path = csv, .image_size = 1024 };
  g_autoptr(GTimer) timer = g_timer_new ();

  g_setenv ("FUSIONLAB_MAX_DATA_BYTES", "1000000000", TRUE);
  g_assert_cmpuint (fl_dataset_max_bytes (), ==, 1000000000);
  g_assert_null (fl_dataset_load (&spec, NULL, NULL, NULL, &error));
  g_unsetenv ("FUSIONLAB_MAX_DATA_BYTES");
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_test_message ("%s", error->message);
  /* g_format_size() puts a no-break space before the unit */
  g_assert_cmpstr (error->message, ==, "3,000 images of 1024×1024 need 9.4\u00a0GB, more than "
                   "the 1.0\u00a0GB that FUSIONLAB_MAX_DATA_BYTES allows: choose a smaller image "
                   "size");
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 2.0);
  g_clear_error (&error);

  /* the same at S = 8 is 576 KB: it loads, one decode for all */
  spec.image_size = 8;
  g_setenv ("FUSIONLAB_MAX_DATA_BYTES", "1000000000", TRUE);
  {
    g_autoptr(FlDataset) ds = fl_dataset_load (&spec, NULL, NULL, NULL, &error);
    g_unsetenv ("FUSIONLAB_MAX_DATA_BYTES");
    g_assert_no_error (error);
    g_assert_cmpint (ds->n, ==, 3000);
    g_assert_cmpuint (ds->images[2999 * 3 * 64 + 3 * 64 - 1], ==, 10);
  }
}

static void
test_memory_default_limit (Fixture *f, gconstpointer data)
{
  /* without the variable: half of this machine's memory, and one row more
   * than fits at S = 1024 is refused with the machine's figures */
  g_autoptr(GError) error = NULL;
  guint64 limit = fl_dataset_max_bytes ();
  guint64 phys = (guint64) sysconf (_SC_PHYS_PAGES) * (guint64) sysconf (_SC_PAGESIZE);
  g_autofree char *csv = NULL;
  FlDataSpec spec = { .images_dir = f->images, .image_size = 1024 };

  g_assert_null (g_getenv ("FUSIONLAB_MAX_DATA_BYTES"));
  g_assert_cmpuint (limit, ==, phys / 2);
  csv = write_same_image_csv (f, "fill.csv", limit / (3 << 20) + 1);
  spec.csv_path = csv;
  g_assert_null (fl_dataset_load (&spec, NULL, NULL, NULL, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "images of 1024×1024 need"));
  g_assert_nonnull (strstr (error->message, "a dataset may use at most half of it: "
                            "choose a smaller image size"));
}

typedef struct {
  gint64 calls, total;
} Counted;

static void
count_progress (gint64 done, gint64 total, gpointer data)
{
  Counted *c = data;

  c->calls++;
  c->total = total;
}

static void
test_shared_files (Fixture *f, gconstpointer data)
{
  /* ten rows, two files (one named two ways): two decodes */
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = write_csv (f, "shared.csv",
      "image,text,label\n"
      "cats/a.png,1,cat\ndogs/c.png,2,dog\na.png,3,cat\nc.png,4,dog\ncats/a.png,5,cat\n"
      "cats/a.png,6,cat\ndogs/c.png,7,dog\n./cats/a.png,8,cat\ndogs/c.png,9,dog\n"
      "dogs/c.png,10,dog\n");
  FlDataSpec spec = { .images_dir = f->images, .csv_path = csv, .image_size = 8, .n_threads = 2 };
  Counted c = { 0 };
  g_autoptr(FlDataset) ds = fl_dataset_load (&spec, count_progress, &c, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (c.total, ==, 2);
  g_assert_cmpint (ds->n, ==, 10);
  for (int i = 0; i < ds->n; i++)
    {
      guint8 grey = ds->labels[i] == 0 ? 10 : 200;
      for (int k = 0; k < 3 * 8 * 8; k++)
        g_assert_cmpuint (ds->images[i * 3 * 8 * 8 + k], ==, grey);
    }
  g_assert_cmpstr (ds->image_files[3], ==, "dogs/c.png");
}

typedef struct {
  Fixture *f;
  gboolean swapped;
} Swap;

/* After the first image, cats/b.png becomes a link to the picture outside
 * the folder, while its row has been resolved already. */
static void
swap_progress (gint64 done, gint64 total, gpointer data)
{
  Swap *sw = data;
  g_autofree char *b = g_build_filename (sw->f->images, "cats", "b.png", NULL);

  if (done != 1 || sw->swapped)
    return;
  g_assert_cmpint (g_remove (b), ==, 0);
  g_assert_cmpint (symlink ("../../outside.png", b), ==, 0);
  sw->swapped = TRUE;
}

static void
test_swapped_during_load (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = write_csv (f, "swap.csv", "image,text,label\n"
                                    "cats/a.png,a,cat\ncats/b.png,b,cat\ndogs/c.png,c,dog\n");
  /* one thread: the files are decoded in row order */
  FlDataSpec spec = { .images_dir = f->images, .csv_path = csv, .image_size = 8, .n_threads = 1 };
  Swap sw = { f, FALSE };
  g_autoptr(FlDataset) ds = fl_dataset_load (&spec, swap_progress, &sw, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (sw.swapped);
  /* the row is skipped, and the grey 50 from outside is nowhere */
  g_assert_cmpint (ds->n, ==, 2);
  g_assert_true (has_reason (ds, "line 3", "leads outside the image folder"));
  for (gsize k = 0; k < (gsize) ds->n * 3 * 8 * 8; k++)
    g_assert_cmpuint (ds->images[k], !=, 50);
}

/* The header names each column is detected by, as the data panel offers
 * them: the first present wins, whatever its case and place. */
static void
test_detect_column (void)
{
  const char *data = "ID, Caption,Class,Img,file\nx,y,z,w,v\n";
  g_autoptr(FlCsv) csv = fl_csv_parse (data, strlen (data), "t.csv", NULL);

  g_assert_cmpstr (fl_dataset_column_names (FL_COLUMN_IMAGE)[0], ==, "image");
  g_assert_cmpstr (fl_dataset_column_names (FL_COLUMN_TEXT)[0], ==, "text");
  g_assert_cmpstr (fl_dataset_column_names (FL_COLUMN_LABEL)[0], ==, "label");
  g_assert_null (fl_dataset_column_names (FL_COLUMN_LABEL)[4]);
  g_assert_nonnull (csv);
  /* "file" comes before "img" among the image names */
  g_assert_cmpint (fl_dataset_detect_column (csv, FL_COLUMN_IMAGE), ==, 4);
  g_assert_cmpint (fl_dataset_detect_column (csv, FL_COLUMN_TEXT), ==, 1);
  g_assert_cmpint (fl_dataset_detect_column (csv, FL_COLUMN_LABEL), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/dataset/report", Fixture, NULL, fixture_setup, test_report, fixture_teardown);
  g_test_add ("/dataset/folder-labels", Fixture, NULL, fixture_setup, test_folder_labels, fixture_teardown);
  g_test_add ("/dataset/column-override", Fixture, NULL, fixture_setup, test_column_override, fixture_teardown);
  g_test_add ("/dataset/unusable", Fixture, NULL, fixture_setup, test_unusable, fixture_teardown);
  g_test_add ("/dataset/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/dataset/memory-limit", Fixture, NULL, fixture_setup, test_memory_limit, fixture_teardown);
  g_test_add ("/dataset/memory-default-limit", Fixture, NULL, fixture_setup,
              test_memory_default_limit, fixture_teardown);
  g_test_add ("/dataset/shared-files", Fixture, NULL, fixture_setup, test_shared_files, fixture_teardown);
  g_test_add ("/dataset/swapped-during-load", Fixture, NULL, fixture_setup,
              test_swapped_during_load, fixture_teardown);
  g_test_add_func ("/dataset/detect-column", test_detect_column);
  return g_test_run ();
}
