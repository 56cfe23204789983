/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-paths"

#include "fl-paths.h"
#include "fl-model.h"
#include "fl-i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct FlImageTree {
  char       *root;       /* absolute, links not resolved */
  char       *root_real;  /* realpath (root) */
  int         root_fd;    /* the folder scanned (O_PATH): files are opened
                           * beneath it, whatever its path names later */
  gboolean    walk_only;  /* FUSIONLAB_NO_OPENAT2 was set: the fallback */
  GPtrArray  *files;      /* char *, relative, sorted */
  GHashTable *by_name;    /* bare name → GPtrArray of relative paths; keys
                           * and elements point into files */
};

/* the images, then the sound clips an audio column may name */
static const char *const media_exts[] = {
  "png", "jpg", "jpeg", "bmp", "gif", "tga",
  "wav", "flac", "ogg", "oga",
};

static gboolean
is_media_name (const char *name)
{
  const char *dot = strrchr (name, '.');

  if (dot == NULL || dot == name)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (media_exts); i++)
    if (g_ascii_strcasecmp (dot + 1, media_exts[i]) == 0)
      return TRUE;
  return FALSE;
}

/* realpath() in GLib memory, or NULL with errno set. */
static char *
real_path (const char *path)
{
  char *r = realpath (path, NULL);
  char *copy;

  if (r == NULL)
    return NULL;
  copy = g_strdup (r);
  free (r);
  return copy;
}

/* Whether path (a real path) is root_real or lies below it. */
static gboolean
is_inside (const char *root_real, const char *path)
{
  gsize n = strlen (root_real);

  if (strcmp (root_real, "/") == 0)
    return path[0] == '/';
  return strncmp (path, root_real, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* ---- scanning ---------------------------------------------------------- */

typedef struct {
  dev_t dev;
  ino_t ino;
} DirId;

static guint
dir_id_hash (gconstpointer p)
{
  const DirId *d = p;
  guint64 ino = (guint64) d->ino;
  return (guint) (ino ^ (ino >> 32)) ^ (guint) d->dev;
}

static gboolean
dir_id_equal (gconstpointer a, gconstpointer b)
{
  const DirId *x = a, *y = b;
  return x->dev == y->dev && x->ino == y->ino;
}

static int
cmp_str_ptr (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

typedef struct {
  FlImageTree  *tree;
  GHashTable   *visited;   /* DirId set: each directory is read once */
  GPtrArray    *linked;    /* pairs (absolute, relative) of linked folders */
  GCancellable *cancellable;
} Scan;

/* Marks a directory visited; FALSE if it already was. */
static gboolean
visit (Scan *scan, const struct stat *st)
{
  DirId *id = g_new (DirId, 1);

  id->dev = st->st_dev;
  id->ino = st->st_ino;
  if (g_hash_table_contains (scan->visited, id))
    {
      g_free (id);
      return FALSE;
    }
  g_hash_table_add (scan->visited, id);
  return TRUE;
}

static gboolean scan_dir (Scan *scan, const char *abs_dir, const char *rel_dir, GError **error);

/* Takes in the entry `entry` of the directory abs_dir (rel_dir relative to
 * the root): an image or sound file is listed, a folder scanned, a linked folder put
 * aside for later, anything else (or a link leading outside) passed over.
 * FALSE when cancelled. */
static gboolean
scan_entry (Scan *scan, const char *abs_dir, const char *rel_dir, const char *entry, GError **error)
{
  g_autofree char *full = g_build_filename (abs_dir, entry, NULL);
  g_autofree char *rel = rel_dir ? g_strconcat (rel_dir, "/", entry, NULL) : g_strdup (entry);
  struct stat lst, st;

  if (g_lstat (full, &lst) != 0)
    return TRUE;
  st = lst;
  if (S_ISLNK (lst.st_mode))
    {
      g_autofree char *target = real_path (full);
      if (target == NULL || !is_inside (scan->tree->root_real, target) ||
          g_stat (target, &st) != 0)
        return TRUE;
    }

  if (S_ISDIR (st.st_mode) && S_ISLNK (lst.st_mode))
    {
      /* later: a folder reached both through a link and directly is
       * listed where it really is, not under the link's name */
      g_ptr_array_add (scan->linked, g_steal_pointer (&full));
      g_ptr_array_add (scan->linked, g_steal_pointer (&rel));
    }
  else if (S_ISDIR (st.st_mode))
    {
      if (visit (scan, &st))
        return scan_dir (scan, full, rel, error);
    }
  else if (S_ISREG (st.st_mode) && is_media_name (entry))
    {
      g_ptr_array_add (scan->tree->files, g_steal_pointer (&rel));
    }
  return TRUE;
}

/* Lists the directory abs_dir, whose path relative to the root is rel_dir
 * (NULL for the root). FALSE when cancelled or when the root cannot be
 * read; other unreadable folders are skipped. */
static gboolean
scan_dir (Scan *scan, const char *abs_dir, const char *rel_dir, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (g_cancellable_is_cancelled (scan->cancellable))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _("scanning the image folder was cancelled"));
      return FALSE;
    }

  dir = g_dir_open (abs_dir, 0, &local);
  if (dir == NULL)
    {
      if (rel_dir == NULL)
        {
          g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA, "%s", local->message);
          return FALSE;
        }
      return TRUE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  /* sorted, so that which of two links to one folder is listed does not
   * depend on the order the file system returns entries in */
  g_ptr_array_sort (names, cmp_str_ptr);

  for (guint i = 0; i < names->len; i++)
    if (!scan_entry (scan, abs_dir, rel_dir, names->pdata[i], error))
      return FALSE;
  return TRUE;
}

/* Fills tree->by_name from tree->files, sorted. */
static void
index_names (FlImageTree *tree)
{
  for (guint i = 0; i < tree->files->len; i++)
    {
      const char *rel = tree->files->pdata[i];
      const char *slash = strrchr (rel, '/');
      const char *base = slash ? slash + 1 : rel;
      GPtrArray *same = g_hash_table_lookup (tree->by_name, base);

      if (same == NULL)
        {
          same = g_ptr_array_new ();
          g_hash_table_insert (tree->by_name, (gpointer) base, same);
        }
      g_ptr_array_add (same, (gpointer) rel);
    }
}

FlImageTree *
fl_image_tree_scan (const char *root, GCancellable *cancellable, GError **error)
{
  g_autoptr(FlImageTree) tree = g_new0 (FlImageTree, 1);
  g_autoptr(GHashTable) visited = g_hash_table_new_full (dir_id_hash, dir_id_equal, g_free, NULL);
  g_autoptr(GPtrArray) linked = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *display = NULL;
  Scan scan = { tree, visited, linked, cancellable };
  struct stat st;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_name (root);
  tree->root_fd = -1;
  tree->walk_only = g_getenv ("FUSIONLAB_NO_OPENAT2") != NULL;
  tree->root = g_canonicalize_filename (root, NULL);
  tree->files = g_ptr_array_new_with_free_func (g_free);
  tree->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) g_ptr_array_unref);

  tree->root_real = real_path (tree->root);
  if (tree->root_real == NULL)
    {
      int saved = errno;
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   "%s: %s", display, g_strerror (saved));
      return NULL;
    }
  tree->root_fd = open (tree->root_real, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (tree->root_fd < 0 || fstat (tree->root_fd, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: not a folder"), display);
      return NULL;
    }
  visit (&scan, &st);
  if (!scan_dir (&scan, tree->root, NULL, error))
    return NULL;
  /* then the linked folders not seen yet, which may link further */
  for (guint i = 0; i < linked->len; i += 2)
    if (g_stat (linked->pdata[i], &st) == 0 && visit (&scan, &st) &&
        !scan_dir (&scan, linked->pdata[i], linked->pdata[i + 1], error))
      return NULL;

  g_ptr_array_sort (tree->files, cmp_str_ptr);
  index_names (tree);
  return g_steal_pointer (&tree);
}

void
fl_image_tree_free (FlImageTree *tree)
{
  if (tree == NULL)
    return;
  g_clear_pointer (&tree->by_name, g_hash_table_unref);
  g_clear_pointer (&tree->files, g_ptr_array_unref);
  if (tree->root_fd >= 0)
    close (tree->root_fd);
  g_free (tree->root);
  g_free (tree->root_real);
  g_free (tree);
}

const char *
fl_image_tree_root (FlImageTree *tree)
{
  g_return_val_if_fail (tree != NULL, NULL);
  return tree->root;
}

int
fl_image_tree_n_files (FlImageTree *tree)
{
  g_return_val_if_fail (tree != NULL, 0);
  return (int) tree->files->len;
}

const char *
fl_image_tree_file (FlImageTree *tree, int i)
{
  g_return_val_if_fail (tree != NULL, NULL);
  g_return_val_if_fail (i >= 0 && (guint) i < tree->files->len, NULL);
  return tree->files->pdata[i];
}

/* ---- resolving ---------------------------------------------------------- */

/* Splits a CSV path on '/' and '\', dropping empty and "." parts and
 * applying ".." to what precedes it. Returns NULL if a ".." would climb
 * above the start. *n_written counts the parts as written (without empty
 * and "." ones), so "a/../b.png" is not mistaken for a bare name. */
static GPtrArray *
split_path (const char *value, guint *n_written)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) raw = NULL;
  g_autofree char *norm = g_strdup (value);

  g_strdelimit (norm, "\\", '/');
  raw = g_strsplit (norm, "/", -1);
  *n_written = 0;
  for (int i = 0; raw[i] != NULL; i++)
    {
      if (raw[i][0] == '\0' || strcmp (raw[i], ".") == 0)
        continue;
      (*n_written)++;
      if (strcmp (raw[i], "..") == 0)
        {
          if (parts->len == 0)
            return NULL;
          g_ptr_array_remove_index (parts, parts->len - 1);
        }
      else
        {
          g_ptr_array_add (parts, g_strdup (raw[i]));
        }
    }
  return g_steal_pointer (&parts);
}

typedef enum { FOUND, MISSING, REFUSED } Check;

/* Whether root/rel is a regular file inside the root once every link is
 * resolved; FOUND sets *out to root/rel (links kept, so a linked file still
 * sits in the class folder it is listed in), REFUSED sets error. */
static Check
check_file (FlImageTree *tree, const char *shown, const char *rel, char **out, GError **error)
{
  g_autofree char *path = g_build_filename (tree->root, rel, NULL);
  g_autofree char *real = real_path (path);
  struct stat st;

  if (real == NULL)
    {
      int saved = errno;
      if (saved == ENOENT || saved == ENOTDIR)
        return MISSING;
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   "%s: %s", shown, g_strerror (saved));
      return REFUSED;
    }
  if (!is_inside (tree->root_real, real))
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: a symbolic link leads outside the image folder"), shown);
      return REFUSED;
    }
  if (g_stat (real, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: not a regular file"), shown);
      return REFUSED;
    }
  *out = g_steal_pointer (&path);
  return FOUND;
}

/* The CSV cell v (shown: v as valid UTF-8, for messages) as a path
 * relative to the root, '/' separated; NULL with an error when it is
 * absolute, climbs out of the root or names no file. *n_written as for
 * split_path(). */
static char *
cell_to_relative (const char *v, const char *shown, guint *n_written, GError **error)
{
  g_autoptr(GPtrArray) parts = NULL;

  /* "/x" and "\x" (and so "//server/x"), and "C:\x" or "C:/x" */
  if (v[0] == '/' || v[0] == '\\' ||
      (g_ascii_isalpha (v[0]) && v[1] == ':' && (v[2] == '/' || v[2] == '\\')))
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: absolute paths are not allowed; paths are relative to the image folder"),
                   shown);
      return NULL;
    }
  parts = split_path (v, n_written);
  if (parts == NULL)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: the path leads outside the image folder"), shown);
      return NULL;
    }
  if (parts->len == 0)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: does not name a file"), shown);
      return NULL;
    }
  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("/", (char **) parts->pdata);
}

/* The one file called name anywhere in the tree, as
 * fl_image_tree_resolve() returns it; NULL with an error when there is
 * none, or more than one. */
static char *
find_by_name (FlImageTree *tree, const char *shown, const char *name, GError **error)
{
  GPtrArray *same = g_hash_table_lookup (tree->by_name, name);
  char *result = NULL;

  if (same == NULL)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: no file of that name in the image folder"), shown);
      return NULL;
    }
  if (same->len > 1)
    {
      g_autofree char *a = g_filename_display_name (same->pdata[0]);
      g_autofree char *b = g_filename_display_name (same->pdata[1]);
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: ambiguous: %u files in the image folder have that name, "
                   "such as %s and %s; give the folder too"), shown, same->len, a, b);
      return NULL;
    }
  if (check_file (tree, shown, same->pdata[0], &result, error) == MISSING)
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                 _("%s: no file of that name in the image folder (it was removed after the scan)"),
                 shown);
  return result;
}

char *
fl_image_tree_resolve (FlImageTree *tree, const char *csv_value, GError **error)
{
  g_autofree char *shown = NULL;
  g_autofree char *rel = NULL;
  char *result = NULL;
  guint n_written;

  g_return_val_if_fail (tree != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (csv_value == NULL || csv_value[0] == '\0')
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA, _("the image path is empty"));
      return NULL;
    }
  shown = g_utf8_make_valid (csv_value, -1);
  rel = cell_to_relative (csv_value, shown, &n_written, error);
  if (rel == NULL)
    return NULL;

  switch (check_file (tree, shown, rel, &result, error))
    {
    case FOUND: return result;
    case REFUSED: return NULL;
    case MISSING: break;
    }
  if (n_written > 1)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: no such file in the image folder"), shown);
      return NULL;
    }
  /* a bare file name, not in the root itself: anywhere in the tree */
  return find_by_name (tree, shown, rel, error);
}

/* ---- opening ----------------------------------------------------------- */

/* Set once openat2() has answered ENOSYS (a kernel before 5.6) or EPERM (a
 * seccomp filter that does not know it). */
static gint openat2_missing;

/* The flags of every image open: O_NONBLOCK so that a FIFO named like an
 * image cannot hang us before fl_image_load_fd() finds it is no regular
 * file. */
#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

/* Without openat2(): rel opened from dir_fd one name at a time, every
 * folder with O_NOFOLLOW and the file too, so that no symbolic link is
 * followed at all, even one that stays inside (ELOOP or ENOTDIR). "." and
 * ".." never get here (fl_image_tree_resolve() removes them) and are
 * refused. -1 with errno set on failure. */
static int
open_walk (int dir_fd, const char *rel)
{
  g_auto(GStrv) parts = g_strsplit (rel, "/", -1);
  int dir = dir_fd, fd = -1;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *p = parts[i];
      gboolean last = parts[i + 1] == NULL;
      int saved;

      if (p[0] == '\0' || strcmp (p, ".") == 0 || strcmp (p, "..") == 0)
        {
          fd = -1;
          errno = EXDEV;
        }
      else
        fd = openat (dir, p, last ? OPEN_FLAGS | O_NOFOLLOW
                                  : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      saved = errno;
      if (dir != dir_fd)
        close (dir);
      errno = saved;
      if (fd < 0)
        return -1;
      dir = fd;
    }
  return fd;
}

/* rel opened beneath dir_fd: openat2() with RESOLVE_BENEATH follows links
 * only while they stay inside (EXDEV otherwise, and for absolute links or
 * ".." leaving) and never through /proc's magic links. */
static int
open_beneath (int dir_fd, const char *rel, gboolean walk_only)
{
  struct open_how how = {
    .flags = OPEN_FLAGS,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
  };
  long fd;

  if (walk_only || g_atomic_int_get (&openat2_missing))
    return open_walk (dir_fd, rel);
  fd = syscall (SYS_openat2, dir_fd, rel, &how, sizeof how);
  if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
    return (int) fd;
  g_atomic_int_set (&openat2_missing, 1);
  return open_walk (dir_fd, rel);
}

int
fl_image_tree_open (FlImageTree *tree, const char *relative_path, GError **error)
{
  g_autofree char *path = NULL, *shown = NULL;
  gboolean walk;
  int fd, saved;

  g_return_val_if_fail (tree != NULL, -1);
  g_return_val_if_fail (relative_path != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  fd = open_beneath (tree->root_fd, relative_path, tree->walk_only);
  if (fd >= 0)
    return fd;
  saved = errno;
  walk = tree->walk_only || g_atomic_int_get (&openat2_missing);
  path = g_build_filename (tree->root, relative_path, NULL);
  shown = g_filename_display_name (path);
  if (saved == EXDEV)
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                 _("%s: a symbolic link or “..” leads outside the image folder"), shown);
  else if (walk && (saved == ELOOP || saved == ENOTDIR))
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                 _("%s: reached through a symbolic link, which is not followed on a system "
                 "without openat2 (Linux 5.6)"), shown);
  else
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                 "%s: %s", shown, g_strerror (saved));
  return -1;
}

char *
fl_image_tree_parent_name (const char *relative_path)
{
  g_autoptr(GPtrArray) parts = NULL;
  guint n_written;

  g_return_val_if_fail (relative_path != NULL, NULL);

  parts = split_path (relative_path, &n_written);
  if (parts == NULL || parts->len < 2)
    return NULL;
  return g_strdup (parts->pdata[parts->len - 2]);
}
