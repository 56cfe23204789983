/* SPDX-License-Identifier: MIT
 *
 * fl-paths.h — the image folder, and turning CSV cells into paths inside it
 * (SPEC §3: "a path in the CSV never reaches outside the chosen image
 * folder").
 *
 * A scan lists every image file (.png .jpg .jpeg .bmp .gif .tga, any case)
 * and every sound clip (.wav .flac .ogg .oga) in the tree: an audio column
 * names its clips by the same rules as an image column its pictures. It follows symbolic links only when their target lies inside
 * the root (after resolving every link), visits each directory once (so a
 * link cycle ends), and skips hidden entries (names starting with '.', such
 * as .git or macOS's "._photo.jpg" resource forks).
 *
 * Resolution rules for a CSV cell:
 *   - '/' and '\' both separate folders; "." parts and a leading "./" are
 *     ignored; ".." is applied to the path as written and may not climb
 *     above the root;
 *   - absolute paths ("/x", "\x", "C:\x") are refused;
 *   - a value with a folder part ("cats/1.png") names exactly that file
 *     under the root;
 *   - a bare file name ("1.png") is first looked for directly in the root,
 *     then anywhere in the scanned tree; a name found in two places or more
 *     is ambiguous and is refused;
 *   - the final file, with every symbolic link resolved, must be a regular
 *     file inside the root's real path.
 *
 * That check names a file; reading it is another moment, and a link swapped
 * in between would lead out. So files are never opened by path:
 * fl_image_tree_open() opens them beneath the descriptor of the folder that
 * was scanned, with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), which
 * follows a link only while it stays inside (a link with an absolute
 * target is refused even when it points inside). Where the kernel lacks
 * openat2 (before Linux 5.6, or a seccomp filter refusing it), every name
 * on the way is opened with O_NOFOLLOW instead: no link is followed there,
 * not even one that stays inside. The caller then decodes from that
 * descriptor (fl_image_load_fd()).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct FlImageTree FlImageTree;

/* Scans root recursively. A root that is missing or not a folder is a
 * FL_ENGINE_ERROR_DATA; cancelling gives G_IO_ERROR_CANCELLED.
 * Subfolders that cannot be read are skipped. Free with fl_image_tree_free(). */
FlImageTree *fl_image_tree_scan (const char   *root,
                                 GCancellable *cancellable,
                                 GError      **error);
void         fl_image_tree_free (FlImageTree *tree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlImageTree, fl_image_tree_free)

/* The root as an absolute path, symbolic links not resolved; owned by tree. */
const char *fl_image_tree_root (FlImageTree *tree);

/* The image and sound files found, sorted (strcmp), as paths relative to the root
 * with '/' separators; owned by tree. */
int         fl_image_tree_n_files (FlImageTree *tree);
const char *fl_image_tree_file (FlImageTree *tree, int i);

/* The absolute path of the file a CSV cell names (free it): always
 * fl_image_tree_root() + "/" + the file's path relative to the root, '/'
 * separated, with symbolic links left in place (they were checked to stay
 * inside). NULL with a FL_ENGINE_ERROR_DATA that starts with the cell's
 * value and says why: empty, absolute, leaving the folder, not found,
 * ambiguous (naming two of the candidates), or not a regular file.
 * Thread-safe: tree is only read. */
char       *fl_image_tree_resolve (FlImageTree *tree,
                                   const char  *csv_value,
                                   GError     **error);

/* Opens relative_path (a file's path relative to the root, '/' separated,
 * without "." or ".." parts, as fl_image_tree_resolve() gives it after the
 * root and '/') for reading, beneath the folder that was scanned, following
 * no link out of it (see above). Returns a descriptor to close, or -1 with
 * a FL_ENGINE_ERROR_DATA that starts with the file's path. A FIFO or other
 * non-regular file opens without blocking; fl_image_load_fd() refuses it.
 * Thread-safe. For tests, FUSIONLAB_NO_OPENAT2 set in the environment when
 * the tree is scanned makes it use the fallback. */
int         fl_image_tree_open (FlImageTree *tree,
                                const char  *relative_path,
                                GError     **error);

/* The name of the folder that holds relative_path ("cats/1.png" → "cats",
 * "a/b/1.png" → "b"), or NULL for a file directly in the root. Either
 * separator is accepted. Free the result. */
char       *fl_image_tree_parent_name (const char *relative_path);

G_END_DECLS
