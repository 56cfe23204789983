/* SPDX-License-Identifier: MIT
 *
 * fl-audio.h — a sound clip turned into the audio branch's input, a log-mel
 * spectrogram (issue 14; the definition is the shared design's):
 *
 *   decode (libsndfile: WAV, FLAC, Ogg Vorbis or Opus) → mix to mono (the
 *   mean of the channels) → resample to 16 kHz (libsamplerate's fastest
 *   sinc converter; a 16 kHz clip is taken as it is) → the first 2.0 s,
 *   zero-padded to 32000
 *   samples → frames t = 0..199 starting at t·160, each 400 samples (what
 *   lies past the signal is zero) times a periodic Hann window
 *   w[n] = 0.5 - 0.5·cos(2πn/400), zero-padded to 512 → the power |X[k]|²
 *   of its real FFT, k = 0..256 (FFTW, single precision) → 64 triangular
 *   mel filters on the HTK scale, mel = 2595·log10(1 + f/700), their 66
 *   corners evenly spaced in mel from 0 to 8000 Hz, each rising from 0 at
 *   its left corner to 1 at its centre and back to 0 at its right corner
 *   (no area normalisation) → ln(energy + 1e-6).
 *
 * The result is (FL_AUDIO_MELS, FL_AUDIO_FRAMES) floats, band-major: row j
 * is band j over time. Only as many frames as those 2 s need are read and
 * decoded, however long the file.
 *
 * Hostile files (SPEC §6): before libsndfile sees a file, it must be at
 * most FL_AUDIO_MAX_FILE_BYTES and start like a WAV (RIFF/RIFX/RF64 …
 * WAVE), a FLAC or an Ogg stream; libsndfile's other formats are never
 * parsed. A clip is then refused, with a short reason after its name, when
 * its header declares a rate outside [FL_AUDIO_MIN_RATE,
 * FL_AUDIO_MAX_RATE], no channel or more than FL_AUDIO_MAX_CHANNELS, a
 * length over FL_AUDIO_MAX_SECONDS, or an encoding other than PCM, float,
 * µ-law, A-law, FLAC, Vorbis or Opus; when it holds no sample, ends before
 * what its header promised (within the 2 s read), or holds a sample that
 * is not a finite number. Samples of a floating-point file are clamped to
 * [-1, 1], as a sound card would play them.
 */
#pragma once

#include <gio/gio.h>

#include "fl-parallel.h"

G_BEGIN_DECLS

#define FL_AUDIO_RATE     16000   /* Hz, after resampling */
#define FL_AUDIO_SAMPLES  32000   /* the window: 2.0 s */
#define FL_AUDIO_HOP      160     /* 10 ms */
#define FL_AUDIO_WIN      400     /* 25 ms */
#define FL_AUDIO_NFFT     512
#define FL_AUDIO_MELS     64
#define FL_AUDIO_FRAMES   200
#define FL_AUDIO_SIZE     (FL_AUDIO_MELS * FL_AUDIO_FRAMES)

#define FL_AUDIO_MAX_FILE_BYTES (64u << 20)   /* 6 minutes of CD-quality WAV */
#define FL_AUDIO_MIN_RATE       1000
#define FL_AUDIO_MAX_RATE       384000
#define FL_AUDIO_MAX_CHANNELS   64
#define FL_AUDIO_MAX_SECONDS    600           /* by the header */

/* The log-mel of x[0..n), mono samples at 16 kHz, into out
 * (FL_AUDIO_MELS, FL_AUDIO_FRAMES): the first FL_AUDIO_SAMPLES of x,
 * zero-padded. Thread-safe. */
void     fl_audio_logmel (const float *x,
                          gsize        n,
                          float       *out);

/* Decodes the clip held in data[0..len) into out, (FL_AUDIO_MELS,
 * FL_AUDIO_FRAMES) floats. A clip refused (see above) is a
 * FL_ENGINE_ERROR_DATA "name: reason"; name is only used in messages. On
 * failure out is left unchanged. Thread-safe. */
gboolean fl_audio_decode (const guint8 *data,
                          gsize         len,
                          const char   *name,
                          float        *out,
                          GError      **error);

/* Reads the clip from the open file fd (from its current offset; it stays
 * open),
 * only the parts libsndfile asks for, and computes its log-mel as
 * fl_audio_decode() does. Not a regular file is a FL_ENGINE_ERROR_DATA
 * too. Decoding from the descriptor that was opened, never from a path, is
 * what keeps a link swapped in later out (fl_image_tree_open()). */
gboolean fl_audio_logmel_fd (int         fd,
                             const char *name,
                             float      *out,
                             GError    **error);

/* Opens path (following links) and decodes it as fl_audio_logmel_fd()
 * does; a missing or unreadable file is a FL_ENGINE_ERROR_DATA that
 * starts with path. */
gboolean fl_audio_load (const char *path,
                        float      *out,
                        GError    **error);

/* Opens clip i for fl_audio_load_many_from(): a descriptor the caller
 * closes, or -1 with error set. Called from the worker threads. */
typedef int (*FlAudioOpenFunc) (int       i,
                                gpointer  user_data,
                                GError  **error);

/* Decodes the clips names[0..n) into out, (n, FL_AUDIO_MELS,
 * FL_AUDIO_FRAMES) floats, over n_threads threads (≤ 0: one per
 * processor), each clip opened by open_clip (NULL: names are paths, opened
 * as fl_audio_load() does); names[i] is clip i's name in messages.
 *
 * errors, if not NULL, is an array of n NULL GError pointers: errors[i] is
 * set when clip i is refused, and its slot of out is then zero-filled.
 * progress, if not NULL, is called from the worker threads as
 * fl_image_load_many() calls it. Returns FALSE if cancellable was
 * cancelled (the clips not reached keep whatever out held and no error);
 * TRUE otherwise, even when some clips failed. */
gboolean fl_audio_load_many_from (const char *const *names,
                                  FlAudioOpenFunc    open_clip,
                                  gpointer           open_data,
                                  int                n,
                                  float             *out,
                                  GError           **errors,
                                  int                n_threads,
                                  FlProgressFunc     progress,
                                  gpointer           user_data,
                                  GCancellable      *cancellable);

G_END_DECLS
