/* SPDX-License-Identifier: MIT
 *
 * An image folder and a CSV made on disk, loaded as a user's data would be:
 * the load report (skipped rows with line and reason), column detection and
 * overrides, the folder-per-class fallback, bare names found anywhere in the
 * tree, paths that escape the folder, and the errors for unusable data.
 */
#include "fl-dataset.h"
#include "fl-model.h"
#include "fl-test-util.h"

#include <glib/gstdio.h>
#include <stb_image_write.h>
#include <string.h>

typedef struct {
  char *root;     /* a temp folder holding images/ and the CSVs */
  char *images;
} Fixture;

static void
write_png (const char *dir, const char *rel, guint8 grey)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  guint8 px[4 * 4 * 3];

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  memset (px, grey, sizeof px);
  g_assert_true (stbi_write_png (path, 4, 4, 3, px, 4 * 3));
}

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

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  fl_test_remove_tree (f->root);
  g_free (f->root);
  g_free (f->images);
}

static char *
write_csv (Fixture *f, const char *name, const char *contents)
{
  char *path = g_build_filename (f->root, name, NULL);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
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
  g_test_add_func ("/dataset/detect-column", test_detect_column);
  return g_test_run ();
}
