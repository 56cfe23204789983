/* SPDX-License-Identifier: MIT
 *
 * fl-safetensors.h — read and write the safetensors format: an 8-byte
 * little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, then the raw little-endian data. It writes F32, I32
 * and U8 tensors (the last two for the data of an export to PyTorch,
 * fl-torch-export.h) and reads F32 ones only; string metadata goes in the
 * header's "__metadata__" object.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a tensor holds; F32 is 0, so that a tensor written without saying
 * is one of floats. */
typedef enum {
  FL_ST_F32,
  FL_ST_I32,
  FL_ST_U8,
} FlStDtype;

typedef struct {
  const char  *name;
  int          ndim;
  gint64       shape[4];
  const void  *data;     /* borrowed; numel = Π shape elements, floats
                          * but where fl_safetensors_save_typed() says */
} FlStTensor;

/* Writes atomically: the file at path is replaced only once the new one is
 * complete, so a failed save never destroys the previous file. metadata maps
 * string to string and may be NULL. */
gboolean fl_safetensors_save (const char       *path,
                              const FlStTensor *tensors,
                              int               n_tensors,
                              GHashTable       *metadata,
                              GError          **error);

/* The same, tensor i holding elements of dtypes[i] (dtypes NULL: every
 * one F32). */
gboolean fl_safetensors_save_typed (const char       *path,
                                    const FlStTensor *tensors,
                                    const FlStDtype  *dtypes,
                                    int               n_tensors,
                                    GHashTable       *metadata,
                                    GError          **error);

typedef struct FlSafetensors FlSafetensors;

/* Reads and validates the whole file; a truncated or corrupt file is a
 * FL_ENGINE_ERROR_FORMAT naming the file. Free with fl_safetensors_free(). */
FlSafetensors *fl_safetensors_load (const char *path, GError **error);
void           fl_safetensors_free (FlSafetensors *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlSafetensors, fl_safetensors_free)

/* The tensor's shape (ndim ≤ 4) or FALSE if there is no such tensor. */
gboolean fl_safetensors_shape (FlSafetensors *st,
                               const char    *name,
                               int           *ndim,
                               gint64         shape[4]);

/* Copies tensor name into dst, which holds numel floats; an absent tensor or
 * a size mismatch is an error. */
gboolean fl_safetensors_read (FlSafetensors *st,
                              const char    *name,
                              float         *dst,
                              gsize          numel,
                              GError       **error);

/* The metadata value for key, owned by st, or NULL. */
const char *fl_safetensors_metadata (FlSafetensors *st, const char *key);

/* The names of all tensors, in file order; owned by st. */
const char *const *fl_safetensors_names (FlSafetensors *st);

G_END_DECLS
