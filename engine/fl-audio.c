/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-audio"

#include "fl-audio.h"
#include "fl-image-decode.h"   /* fl_image_fail(), fl_image_open_path() */
#include "fl-i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <fftw3.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pthread.h>
#include <samplerate.h>
#include <sndfile.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_BINS (FL_AUDIO_NFFT / 2 + 1)   /* 257 */

/* libsamplerate's fastest band-limited converter: 80 dB of stop-band
 * attenuation, the band kept up to 90% of the lower Nyquist (7.2 kHz at
 * 16 kHz). Its cost grows with the input rate; the medium one (97%, 121 dB)
 * takes twice as long, more than decoding a clip does (bench/audio.sh). */
#define RESAMPLER SRC_SINC_FASTEST

/* Frames decoded per read: a bounded buffer, whatever the channels. */
#define CHUNK_FRAMES 4096

/* ---- the log-mel ------------------------------------------------------- */

/* What every clip shares, made once: the window, the mel filters (each
 * band's weights over the bins lo..hi where it is not zero) and the FFT
 * plan. Only executing a plan is thread-safe in FFTW, on new arrays too
 * (fftwf_execute_dft_r2c), as long as they are aligned as the plan's were:
 * every array here is 64-byte aligned, on the stack, so that no other FFTW
 * function (not even fftwf_malloc) is called from the worker threads. */
typedef struct {
  float      window[FL_AUDIO_WIN];
  float      fb[FL_AUDIO_MELS][N_BINS];
  int        lo[FL_AUDIO_MELS], hi[FL_AUDIO_MELS];
  fftwf_plan plan;
} Tables;

static Tables tables;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static double
hz_to_mel (double f)
{
  return 2595.0 * log10 (1.0 + f / 700.0);
}

static double
mel_to_hz (double m)
{
  return 700.0 * (pow (10.0, m / 2595.0) - 1.0);
}

/* Band j rises from corner j to 1 at corner j + 1 and falls to 0 at corner
 * j + 2; the 66 corners are evenly spaced in mel from 0 to 8000 Hz, bin k
 * lies at k·16000/512 Hz. */
static void
make_mel_filters (Tables *t)
{
  const double top = hz_to_mel (FL_AUDIO_RATE / 2.0);
  double corner[FL_AUDIO_MELS + 2];

  for (int i = 0; i < FL_AUDIO_MELS + 2; i++)
    corner[i] = mel_to_hz (top * i / (FL_AUDIO_MELS + 1));
  for (int j = 0; j < FL_AUDIO_MELS; j++)
    {
      t->lo[j] = N_BINS;
      t->hi[j] = -1;
      for (int k = 0; k < N_BINS; k++)
        {
          double f = (double) k * FL_AUDIO_RATE / FL_AUDIO_NFFT;
          double up = (f - corner[j]) / (corner[j + 1] - corner[j]);
          double down = (corner[j + 2] - f) / (corner[j + 2] - corner[j + 1]);
          double w = MAX (0.0, MIN (up, down));

          t->fb[j][k] = (float) w;
          if (w > 0.0)
            {
              t->lo[j] = MIN (t->lo[j], k);
              t->hi[j] = k;
            }
        }
    }
}

static void
make_tables (void)
{
  _Alignas (64) float in[FL_AUDIO_NFFT];
  _Alignas (64) fftwf_complex out[N_BINS];

  /* periodic Hann: w[n] = 0.5 - 0.5·cos(2πn/N) */
  for (int n = 0; n < FL_AUDIO_WIN; n++)
    tables.window[n] = (float) (0.5 - 0.5 * cos (2.0 * G_PI * n / FL_AUDIO_WIN));
  make_mel_filters (&tables);
  /* FFTW_ESTIMATE: no timing, so the same plan (and the same bits) on
   * every run */
  tables.plan = fftwf_plan_dft_r2c_1d (FL_AUDIO_NFFT, in, out, FFTW_ESTIMATE);
  g_assert (tables.plan != NULL);
}

void
fl_audio_logmel (const float *x, gsize n, float *out)
{
  _Alignas (64) float frame[FL_AUDIO_NFFT];
  _Alignas (64) fftwf_complex spec[N_BINS];
  float power[N_BINS];

  g_return_if_fail (x != NULL || n == 0);
  g_return_if_fail (out != NULL);

  pthread_once (&tables_once, make_tables);
  n = MIN (n, FL_AUDIO_SAMPLES);
  for (int t = 0; t < FL_AUDIO_FRAMES; t++)
    {
      gsize start = (gsize) t * FL_AUDIO_HOP;

      memset (frame, 0, sizeof frame);
      for (gsize i = 0; i < FL_AUDIO_WIN && start + i < n; i++)
        frame[i] = x[start + i] * tables.window[i];
      fftwf_execute_dft_r2c (tables.plan, frame, spec);
      for (int k = 0; k < N_BINS; k++)
        power[k] = spec[k][0] * spec[k][0] + spec[k][1] * spec[k][1];
      for (int j = 0; j < FL_AUDIO_MELS; j++)
        {
          float e = 0.0f;
          for (int k = tables.lo[j]; k <= tables.hi[j]; k++)
            e += tables.fb[j][k] * power[k];
          out[j * FL_AUDIO_FRAMES + t] = logf (e + 1e-6f);
        }
    }
}

/* ---- the file, seen by libsndfile -------------------------------------- */

/* Bytes libsndfile reads through its virtual I/O: a buffer in memory, or an
 * open file read with pread() from base, len bytes long (its size when it
 * was opened: what the file grows by later is not read). */
typedef struct {
  const guint8 *data;   /* NULL: read fd */
  int           fd;
  sf_count_t    base;
  sf_count_t    len;
  sf_count_t    pos;
} Source;

static sf_count_t
vio_get_filelen (void *user_data)
{
  return ((Source *) user_data)->len;
}

static sf_count_t
vio_seek (sf_count_t offset, int whence, void *user_data)
{
  Source *src = user_data;
  sf_count_t from = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? src->pos : src->len;

  /* anywhere from 0 on (past the end, reads find nothing); a crafted
   * offset may not overflow */
  if ((offset > 0 && from > G_MAXINT64 - offset) || from + offset < 0)
    return -1;
  src->pos = from + offset;
  return src->pos;
}

static sf_count_t
vio_read (void *ptr, sf_count_t count, void *user_data)
{
  Source *src = user_data;
  sf_count_t want, got = 0;

  if (count <= 0 || src->pos >= src->len)
    return 0;
  want = MIN (count, src->len - src->pos);
  if (src->data != NULL)
    {
      memcpy (ptr, src->data + src->pos, (gsize) want);
      got = want;
    }
  while (src->data == NULL && got < want)
    {
      ssize_t r = pread (src->fd, (guint8 *) ptr + got, (gsize) (want - got),
                         (off_t) (src->base + src->pos + got));
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;   /* an error, or the file shrank: libsndfile sees a short read */
      got += r;
    }
  src->pos += got;
  return got;
}

static sf_count_t
vio_tell (void *user_data)
{
  return ((Source *) user_data)->pos;
}

/* Whether the first bytes are those of a WAV (RIFF, RIFX or RF64 … WAVE),
 * a FLAC or an Ogg stream: libsndfile reads some thirty formats, and only
 * these three are let near its parsers. */
static gboolean
is_known_container (Source *src)
{
  guint8 head[12] = { 0 };
  sf_count_t saved = src->pos, n;

  n = vio_read (head, sizeof head, src);
  src->pos = saved;
  if (n >= 12 && (memcmp (head, "RIFF", 4) == 0 || memcmp (head, "RIFX", 4) == 0 ||
                  memcmp (head, "RF64", 4) == 0) && memcmp (head + 8, "WAVE", 4) == 0)
    return TRUE;
  return n >= 4 && (memcmp (head, "fLaC", 4) == 0 || memcmp (head, "OggS", 4) == 0);
}

/* A libsndfile message as a reason: "Error : flac decoder lost sync." →
 * "flac decoder lost sync". A new string. */
static char *
sf_reason (const char *msg)
{
  char *r;

  if (g_str_has_prefix (msg, "Error : "))
    msg += strlen ("Error : ");
  r = g_strstrip (g_strdup (msg));
  if (g_str_has_suffix (r, "."))
    r[strlen (r) - 1] = '\0';
  return r;
}

/* libsndfile keeps the reason an open failed in a global, so opens are
 * made one at a time (a POSIX mutex, which ThreadSanitizer sees). */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

static SNDFILE *
open_sndfile (Source *src, const char *name, SF_INFO *info, GError **error)
{
  SF_VIRTUAL_IO vio = {
    .get_filelen = vio_get_filelen, .seek = vio_seek, .read = vio_read, .tell = vio_tell,
  };
  g_autofree char *why = NULL;
  SNDFILE *sf;

  if (!is_known_container (src))
    {
      fl_image_fail (error, name, _("not a WAV, FLAC or Ogg file"));
      return NULL;
    }
  memset (info, 0, sizeof *info);
  pthread_mutex_lock (&open_lock);
  sf = sf_open_virtual (&vio, SFM_READ, info, src);
  if (sf == NULL)
    why = sf_reason (sf_strerror (NULL));
  pthread_mutex_unlock (&open_lock);
  if (sf == NULL)
    fl_image_fail (error, name, _("unreadable: %s"), why);
  return sf;
}

/* The encodings a clip may use: libsndfile also decodes ADPCM, GSM and
 * other old codecs of WAV, whose decoders are its least exercised code. */
static gboolean
is_allowed_encoding (int format)
{
  switch (format & SF_FORMAT_TYPEMASK)
    {
    case SF_FORMAT_WAV: case SF_FORMAT_WAVEX: case SF_FORMAT_RF64:
    case SF_FORMAT_FLAC: case SF_FORMAT_OGG:
      break;
    default:
      return FALSE;
    }
  switch (format & SF_FORMAT_SUBMASK)
    {
    case SF_FORMAT_PCM_U8: case SF_FORMAT_PCM_S8: case SF_FORMAT_PCM_16:
    case SF_FORMAT_PCM_24: case SF_FORMAT_PCM_32: case SF_FORMAT_FLOAT:
    case SF_FORMAT_DOUBLE: case SF_FORMAT_ULAW: case SF_FORMAT_ALAW:
    case SF_FORMAT_VORBIS: case SF_FORMAT_OPUS:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The header's figures within the limits (fl-audio.h). */
static gboolean
check_header (const SF_INFO *info, const char *name, GError **error)
{
  SF_FORMAT_INFO fmt = { .format = info->format & SF_FORMAT_SUBMASK };

  if (!is_allowed_encoding (info->format))
    {
      if (sf_command (NULL, SFC_GET_FORMAT_INFO, &fmt, sizeof fmt) != 0 || fmt.name == NULL)
        fmt.name = _("an unknown one");
      return fl_image_fail (error, name, _("its encoding, %s, is not PCM, float, µ-law, A-law, "
                            "FLAC, Vorbis or Opus"), fmt.name);
    }
  if (info->channels < 1 || info->channels > FL_AUDIO_MAX_CHANNELS)
    return fl_image_fail (error, name, _("the header declares %d channels (1 to %d are read)"),
                          info->channels, FL_AUDIO_MAX_CHANNELS);
  if (info->samplerate < FL_AUDIO_MIN_RATE || info->samplerate > FL_AUDIO_MAX_RATE)
    return fl_image_fail (error, name, _("the header declares a rate of %d Hz (%d to %d Hz are read)"),
                          info->samplerate, FL_AUDIO_MIN_RATE, FL_AUDIO_MAX_RATE);
  if (info->frames == 0)
    return fl_image_fail (error, name, _("the clip is empty: it holds no sample"));
  if (info->frames < 0)
    return fl_image_fail (error, name, _("the header declares a negative length"));
  /* SF_COUNT_MAX: a FLAC stream that does not say (read up to the window) */
  if (info->frames != SF_COUNT_MAX &&
      info->frames > (sf_count_t) FL_AUDIO_MAX_SECONDS * info->samplerate)
    {
      gint64 s = info->frames / info->samplerate;
      return fl_image_fail (error, name, _("the header says the clip lasts %lld"
                            " min %02d s, longer than the %d-minute limit"), (long long) (s / 60), (int) (s % 60),
                            FL_AUDIO_MAX_SECONDS / 60);
    }
  return TRUE;
}

/* libsndfile reads a WAV whose data chunk promises more bytes than the
 * file holds as far as it goes, and only notes it in the file's log: as
 * "data : 96000 (should be 31970)", or for RF64 "Calculated frame count 74
 * does not match value from 'ds64' chunk of 200". Such a file was cut
 * short. A size of 0 or 0xFFFFFFFF is what a writer that never finished
 * leaves: unknown, not promised. */
static gboolean
check_wav_complete (SNDFILE *sf, const SF_INFO *info, const char *name, GError **error)
{
  int type = info->format & SF_FORMAT_TYPEMASK;
  char log[8192];
  const char *p;
  long long promised, held;

  if (type != SF_FORMAT_WAV && type != SF_FORMAT_WAVEX && type != SF_FORMAT_RF64)
    return TRUE;
  if (sf_command (sf, SFC_GET_LOG_INFO, log, sizeof log) <= 0)
    return TRUE;
  log[sizeof log - 1] = '\0';
  for (p = log; (p = strstr (p, "data : ")) != NULL; p++)
    if (sscanf (p, "data : %lld (should be %lld)", &promised, &held) == 2 &&
        promised > held && promised != 0xFFFFFFFFll)
      return fl_image_fail (error, name, _("truncated: its header promises %lld bytes of samples, "
                            "the file holds %lld"), promised, held);
  p = strstr (log, "Calculated frame count ");
  if (p != NULL && sscanf (p, "Calculated frame count %lld does not match value from 'ds64' "
                           "chunk of %lld", &held, &promised) == 2 && promised > held)
    return fl_image_fail (error, name, _("truncated: its header promises %lld frames, the file "
                          "holds %lld"), promised, held);
  return TRUE;
}

/* The input frames the 2 s window needs: every one at 16 kHz; otherwise
 * a margin of 50 ms more, so that the resampler's filter (a few ms wide)
 * sees real signal, not an end, around the window's last sample. */
static sf_count_t
frames_needed (const SF_INFO *info)
{
  sf_count_t need = (sf_count_t) FL_AUDIO_SAMPLES * info->samplerate / FL_AUDIO_RATE;

  if (info->samplerate != FL_AUDIO_RATE)
    need += info->samplerate / 20 + 64;
  return MIN (need, info->frames);
}

/* Mixes n frames of ch interleaved channels into mono[0..n): the mean, each
 * sample first clamped to [-1, 1]. FALSE if a sample is not finite. */
static gboolean
mix_down (float *mono, const float *buf, sf_count_t n, int ch)
{
  for (sf_count_t f = 0; f < n; f++)
    {
      float sum = 0.0f;
      for (int c = 0; c < ch; c++)
        {
          float v = buf[f * ch + c];
          if (!isfinite (v))
            return FALSE;
          sum += CLAMP (v, -1.0f, 1.0f);
        }
      mono[f] = ch == 1 ? sum : sum / ch;
    }
  return TRUE;
}

/* Reads the frames the window needs, mixed to mono: a new array of *n
 * samples, or NULL with the reason the clip is refused. */
static float *
read_mono (SNDFILE *sf, const SF_INFO *info, const char *name, sf_count_t *n, GError **error)
{
  const sf_count_t want = frames_needed (info);
  g_autofree float *mono = g_new (float, want);
  g_autofree float *buf = g_new (float, (gsize) CHUNK_FRAMES * info->channels);
  sf_count_t got = 0, r;

  while (got < want && (r = sf_readf_float (sf, buf, MIN (CHUNK_FRAMES, want - got))) > 0)
    {
      if (!mix_down (mono + got, buf, r, info->channels))
        {
          fl_image_fail (error, name, _("a sample is not a finite number"));
          return NULL;
        }
      got += r;
    }
  if (sf_error (sf) != SF_ERR_NO_ERROR)
    {
      g_autofree char *why = sf_reason (sf_strerror (sf));
      fl_image_fail (error, name, _("corrupt: %s"), why);
    }
  else if (got == 0)
    fl_image_fail (error, name, _("the clip is empty: it holds no sample"));
  else if (info->frames != SF_COUNT_MAX && got < want)
    fl_image_fail (error, name, _("truncated: the file ends after %lld of the %lld"
                   " frames its header declares"), (long long) got, (long long) info->frames);
  else
    {
      *n = got;
      return g_steal_pointer (&mono);
    }
  return NULL;
}

/* x[0..n) at rate Hz to at most FL_AUDIO_SAMPLES samples at 16 kHz in
 * out, *m of them. */
static gboolean
resample (const float *x, sf_count_t n, int rate, float *out, gsize *m,
          const char *name, GError **error)
{
  SRC_DATA d = {
    .data_in = x, .input_frames = (long) n,
    .data_out = out, .output_frames = FL_AUDIO_SAMPLES,
    .src_ratio = (double) FL_AUDIO_RATE / rate,
    .end_of_input = 1,
  };
  int err;

  if (rate == FL_AUDIO_RATE)
    {
      *m = (gsize) MIN (n, FL_AUDIO_SAMPLES);
      memcpy (out, x, *m * sizeof (float));
      return TRUE;
    }
  err = src_simple (&d, RESAMPLER, 1);
  if (err != 0)
    return fl_image_fail (error, name, _("resampling failed: %s"), src_strerror (err));
  *m = (gsize) d.output_frames_gen;
  return TRUE;
}

/* The whole road from bytes to log-mel, for both sources. */
static gboolean
decode_source (Source *src, const char *name, float *out, GError **error)
{
  g_autofree float *mono = NULL, *x = NULL;
  SF_INFO info;
  SNDFILE *sf;
  sf_count_t n = 0;
  gsize m = 0;

  sf = open_sndfile (src, name, &info, error);
  if (sf == NULL)
    return FALSE;
  if (check_header (&info, name, error) && check_wav_complete (sf, &info, name, error))
    mono = read_mono (sf, &info, name, &n, error);
  sf_close (sf);
  if (mono == NULL)
    return FALSE;
  x = g_new (float, FL_AUDIO_SAMPLES);
  if (!resample (mono, n, info.samplerate, x, &m, name, error))
    return FALSE;
  fl_audio_logmel (x, m, out);
  return TRUE;
}

gboolean
fl_audio_decode (const guint8 *data,
                 gsize         len,
                 const char   *name,
                 float        *out,
                 GError      **error)
{
  Source src = { .data = data, .fd = -1, .len = (sf_count_t) len };

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (name != NULL && out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (len == 0)
    return fl_image_fail (error, name, _("the file is empty"));
  if (len > FL_AUDIO_MAX_FILE_BYTES)
    return fl_image_fail (error, name, _("the file is larger than the %u MiB a clip may take"),
                          FL_AUDIO_MAX_FILE_BYTES >> 20);
  return decode_source (&src, name, out, error);
}

gboolean
fl_audio_logmel_fd (int fd, const char *name, float *out, GError **error)
{
  Source src = { .fd = fd };
  struct stat st;

  g_return_val_if_fail (fd >= 0, FALSE);
  g_return_val_if_fail (name != NULL && out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      return fl_image_fail (error, name, "%s", g_strerror (saved));
    }
  if (!S_ISREG (st.st_mode))
    return fl_image_fail (error, name, _("not a regular file"));
  src.base = lseek (fd, 0, SEEK_CUR);
  if (src.base < 0 || src.base > st.st_size)
    src.base = st.st_size;
  src.len = st.st_size - src.base;
  if (src.len == 0)
    return fl_image_fail (error, name, _("the file is empty"));
  if ((guint64) src.len > FL_AUDIO_MAX_FILE_BYTES)
    {
      g_autofree char *size = g_format_size ((guint64) src.len);
      return fl_image_fail (error, name, _("the file is %s, larger than the %u MiB a clip may take"),
                            size, FL_AUDIO_MAX_FILE_BYTES >> 20);
    }
  return decode_source (&src, name, out, error);
}

gboolean
fl_audio_load (const char *path, float *out, GError **error)
{
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL && out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fd = fl_image_open_path (path, error);
  if (fd < 0)
    return FALSE;
  ok = fl_audio_logmel_fd (fd, path, out, error);
  close (fd);
  return ok;
}

/* ---- many clips in parallel -------------------------------------------- */

typedef struct {
  const char *const *names;
  FlAudioOpenFunc    open_clip;   /* NULL: names are paths to open */
  gpointer           open_data;
  float             *out;
  GError           **errors;
} LoadCtx;

/* Decodes clip i into its slot; on failure the slot is zero-filled and
 * errors[i] set. */
static void
load_one (int i, gpointer data)
{
  LoadCtx *ctx = data;
  float *slot = ctx->out + (gsize) i * FL_AUDIO_SIZE;
  GError *local = NULL;
  gboolean ok = FALSE;
  int fd = ctx->open_clip != NULL ? ctx->open_clip (i, ctx->open_data, &local)
                                  : fl_image_open_path (ctx->names[i], &local);

  if (fd >= 0)
    {
      ok = fl_audio_logmel_fd (fd, ctx->names[i], slot, &local);
      close (fd);
    }
  if (ok)
    return;
  memset (slot, 0, sizeof (float) * FL_AUDIO_SIZE);
  if (ctx->errors != NULL)
    ctx->errors[i] = local;
  else
    g_error_free (local);
}

gboolean
fl_audio_load_many_from (const char *const *names,
                         FlAudioOpenFunc    open_clip,
                         gpointer           open_data,
                         int                n,
                         float             *out,
                         GError           **errors,
                         int                n_threads,
                         FlProgressFunc     progress,
                         gpointer           user_data,
                         GCancellable      *cancellable)
{
  LoadCtx ctx = { names, open_clip, open_data, out, errors };

  g_return_val_if_fail (n >= 0, FALSE);
  g_return_val_if_fail (n == 0 || (names != NULL && out != NULL), FALSE);

  return fl_parallel_for (n, n_threads, load_one, &ctx, progress, user_data, cancellable);
}
