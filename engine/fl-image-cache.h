/* SPDX-License-Identifier: MIT
 *
 * fl-image-cache.h — decoded images kept on disk, so that loading the same
 * image folder at the same S again (or reopening an experiment, which loads
 * its data the same way) reads S×S pixels instead of decoding (issue 16).
 *
 * One cache file per folder, S and fit (FlImageFit), under
 * g_get_user_cache_dir()/fusionlab/images/, named by a hash of the folder's
 * real path, S and, but for squash (whose files keep the names they had
 * before fits), the fit. It holds, for
 * each image that decoded, its path relative to the folder, the key of the
 * file it was decoded from — size, mtime and ctime (ns), inode and device,
 * taken with fstat() on the descriptor that was decoded, so a file swapped
 * in after the path was checked is what gets keyed — and its (3,S,S) bytes
 * with their CRC-32. A file whose key differs is decoded again; a file
 * modified in the last FL_IMAGE_CACHE_RACY_SECONDS is decoded but not kept
 * (a second change within the clock's tick would leave its key unchanged).
 *
 * The file is never trusted: a magic, a format version, a decoder stamp
 * (FL_IMAGE_CACHE_DECODER plus the versions of libpng and libjpeg-turbo,
 * and the fit: the pixels of a crop are never read as a squash's), S, the folder's real path, bounded counts and name lengths, the exact
 * file size and a CRC-32 of the header and of the index are checked before
 * anything is used, and each entry's pixels are checked against their own
 * CRC-32 when they are read (with pread(), never mmap(): a file truncated
 * under a mapping raises SIGBUS). A cache file that fails any check is
 * ignored and rewritten; a bad entry is decoded again. An image that does
 * not decode is never cached, so its reason is given again. What a load
 * gets from the cache is, byte for byte, what decoding gave.
 *
 * After a load that decoded something new (or found the file bad), the
 * file is rewritten whole — the images of this load and the still-valid
 * entries of others — to a temporary file (mode 0600) renamed over the old
 * one. Then the folder is trimmed, oldest first (a load that only reads
 * touches its file), to a total of FUSIONLAB_IMAGE_CACHE_BYTES (default
 * 2 GiB). FUSIONLAB_IMAGE_CACHE=0 in the environment turns the cache off.
 *
 * Failures of the cache itself (a folder that cannot be written, a full
 * disk) never fail a load: they are logged with g_debug(), naming the file
 * and the reason.
 */
#pragma once

#include "fl-image.h"

G_BEGIN_DECLS

/* Bump when fl_image_decode() gives other bytes for some file: every cache
 * file written before is then ignored. */
#define FL_IMAGE_CACHE_DECODER       1
#define FL_IMAGE_CACHE_DEFAULT_BYTES (G_GUINT64_CONSTANT (2) << 30)
#define FL_IMAGE_CACHE_RACY_SECONDS  2
/* Bounds of a cache file; one that claims more is refused unread. */
#define FL_IMAGE_CACHE_MAX_ENTRIES   (1 << 21)
#define FL_IMAGE_CACHE_MAX_NAME      4096

/* The cache for the image folder `folder` at size S and fit, with whatever valid
 * entries its file holds, or NULL when the cache is off
 * (FUSIONLAB_IMAGE_CACHE=0) or the folder has no real path. Names given to
 * fl_image_load_many_cached() are keyed by their path below folder: they
 * must be folder + "/" + a relative path (fl_image_tree_root() and its
 * files); others are decoded and not cached. Free with
 * fl_image_cache_free(). */
FlImageCache *fl_image_cache_new    (const char *folder,
                                     int         S,
                                     FlImageFit  fit);
/* The same, with the cache files in dir rather than the user's cache
 * folder (tests, the fuzz harness); ignores FUSIONLAB_IMAGE_CACHE. */
FlImageCache *fl_image_cache_new_in (const char *dir,
                                     const char *folder,
                                     int         S,
                                     FlImageFit  fit);
void          fl_image_cache_free   (FlImageCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlImageCache, fl_image_cache_free)

/* The cache file's path (it may not exist); owned by cache. */
const char   *fl_image_cache_path   (FlImageCache *cache);
/* The entries read from the cache file (0 if it was missing or ignored). */
int           fl_image_cache_n_entries (FlImageCache *cache);
/* Reads entry k's (3,S,S) bytes into out; FALSE, out clobbered, when the
 * file is shorter than it was or the bytes fail their CRC-32. */
gboolean      fl_image_cache_read_entry (FlImageCache *cache,
                                         int           k,
                                         guint8       *out);

/* ---- the hooks of fl_image_load_many_cached() -------------------------- */

/* Starts a load of names[0..n) at S and fit, which must be the cache's
 * (FALSE, and a critical, otherwise). */
gboolean      fl_image_cache_begin  (FlImageCache      *cache,
                                     const char *const *names,
                                     int                n,
                                     int                S,
                                     FlImageFit         fit);
/* Image i of the load, open as fd: its pixels from the cache when its key
 * matches an entry that reads back intact, else fl_image_load_fd() (and
 * kept for the cache file when it decodes). Called from worker threads,
 * each i once. */
gboolean      fl_image_cache_load_fd (FlImageCache *cache,
                                      int           fd,
                                      int           i,
                                      const char   *name,
                                      guint8       *out,
                                      GError      **error);
/* Ends a load whose images are out, (n,3,S,S): rewrites the cache file if
 * anything new was decoded or the file was bad (fl_image_cache_save()),
 * then trims the folder to the size cap. */
void          fl_image_cache_commit (FlImageCache *cache,
                                     const guint8 *out);
/* Writes the cache file now: the images of the load that came from the
 * cache or decoded (out as for fl_image_cache_commit(); NULL with no load
 * begun), then the entries of the old file that this load did not name and
 * that still read back intact. FALSE with a FL_ENGINE_ERROR_FORMAT naming
 * the file when it cannot be written or would exceed the size cap. */
gboolean      fl_image_cache_save   (FlImageCache *cache,
                                     const guint8 *out,
                                     GError      **error);
/* Deletes the oldest cache files in dir until they total at most
 * cap_bytes. */
void          fl_image_cache_trim   (const char *dir,
                                     guint64     cap_bytes);

/* This cache's load: images read from the cache, images decoded. */
int           fl_image_cache_hits    (FlImageCache *cache);
int           fl_image_cache_decodes (FlImageCache *cache);
/* The same over every cache of the process since it started (tests). */
void          fl_image_cache_totals  (guint *hits,
                                      guint *decodes);

G_END_DECLS
