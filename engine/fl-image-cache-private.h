/* SPDX-License-Identifier: MIT
 *
 * fl-image-cache-private.h — what fl-image-cache.c (reading, a load) and
 * fl-image-cache-write.c (writing, trimming) share.
 *
 * The cache file, every number little-endian:
 *
 *   header, FL_CACHE_HEADER_BYTES:
 *     0  magic "FLIMGC\0\n"        8  u32 format version
 *     12 u32 decoder stamp         16 u32 S
 *     20 u32 entries n             24 u32 bytes of the folder's real path
 *     28 u64 index bytes           36 u32 CRC-32 of the index
 *     40 u32 CRC-32 of bytes 0..40
 *   pixels: n × (3,S,S) bytes, entry k's at FL_CACHE_HEADER_BYTES + k·3·S·S
 *   index: the folder's real path (no NUL), then for each entry
 *     FL_CACHE_ENTRY_BYTES: u64 size, i64 mtime ns, i64 ctime ns,
 *     u64 inode, u64 device, u32 CRC-32 of its pixels, u16 name bytes;
 *     then the name (its path relative to the folder, no NUL)
 *
 * The file is exactly header + n·3·S·S + index bytes long. The pixels come
 * before the index so that a writer streams them, and can still drop an old
 * entry that fails its CRC, before it writes the index that lists them.
 */
#pragma once

#include "fl-image-cache.h"

G_BEGIN_DECLS

#define FL_CACHE_MAGIC           "FLIMGC\0\n"
#define FL_CACHE_MAGIC_BYTES     8
#define FL_CACHE_FORMAT          1
#define FL_CACHE_HEADER_BYTES    44
#define FL_CACHE_ENTRY_BYTES     46
#define FL_CACHE_MAX_INDEX_BYTES (256u << 20)
#define FL_CACHE_SUFFIX          ".flic"

typedef struct {
  guint64 size;
  gint64  mtime_ns;
  gint64  ctime_ns;
  guint64 ino;
  guint64 dev;
} FileKey;

typedef struct {
  FileKey     key;
  guint32     crc;        /* of its (3,S,S) pixels */
  const char *name;       /* in names */
} Entry;

/* What became of image i of a load. */
enum {
  FL_CACHE_NONE,          /* failed, not reached, or not cacheable */
  FL_CACHE_HIT,           /* read from the cache */
  FL_CACHE_DECODED,       /* decoded, and to be written */
};

struct FlImageCache {
  char         *dir;      /* the folder of cache files */
  char         *path;     /* this cache's file */
  char         *folder;   /* the image folder as given: names start with it */
  char         *real;     /* its real path, written in the file */
  int           S;
  FlImageFit    fit;
  gsize         img;      /* 3·S·S */
  int           fd;       /* the cache file read, or -1 (none, or ignored) */
  GArray       *entries;  /* of Entry, in file order */
  GHashTable   *by_name;  /* entry name → its index + 1 */
  GStringChunk *names;
  gboolean      dirty;    /* atomic: the file or an entry was bad */

  /* the load begun: n images */
  int           n;
  const char  **rel;      /* n names below the folder (in names), or NULL */
  FileKey      *keys;     /* n, of HIT and DECODED images */
  guint8       *state;    /* n FL_CACHE_* */
  gint          hits;     /* atomic */
  gint          decodes;  /* atomic */
};

guint32  fl_cache_get_u32       (const guint8 *p);
guint64  fl_cache_get_u64       (const guint8 *p);
guint32  fl_cache_crc           (const guint8 *p,
                                 gsize         len);
/* What made the pixels: the decoders' versions and the fit. */
guint32  fl_cache_decoder_stamp (FlImageFit fit);
/* FUSIONLAB_IMAGE_CACHE_BYTES, or FL_IMAGE_CACHE_DEFAULT_BYTES. */
guint64  fl_cache_cap           (void);
/* len bytes of fd at offset; FALSE on an error or a short read. */
gboolean fl_cache_pread         (int           fd,
                                 void         *buf,
                                 gsize         len,
                                 guint64       offset);
/* Sets a FL_ENGINE_ERROR_FORMAT "<cache file>: <fmt>"; returns FALSE. */
gboolean fl_cache_fail          (GError      **error,
                                 FlImageCache *cache,
                                 const char   *fmt,
                                 ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
