/* SPDX-License-Identifier: MIT
 *
 * Audio clips to log-mel spectrograms (engine/fl-audio.h): the engine
 * against NumPy/SciPy on the clips of tests/data/audio
 * (tools/make-audio-fixture.py, bench/audio_reference.py), the same bits
 * from memory and from a file, the window's bounds, hostile clips each
 * refused with its reason, and many clips in parallel with progress and
 * cancel.
 */
#include "fl-audio.h"
#include "fl-model.h"
#include "fl-test-util.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------ */

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "audio", name, NULL);
}

/* The reference log-mel of a fixture clip: (64, 200) little-endian floats. */
static float *
load_reference (const char *name)
{
  g_autofree char *path = g_strconcat (name, ".logmel", NULL);
  g_autofree char *full = fixture_path (path);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (full, &data, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, sizeof (float) * FL_AUDIO_SIZE);
  return (float *) data;
}

static float *
engine_logmel (const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  float *out = g_new (float, FL_AUDIO_SIZE);

  g_assert_true (fl_audio_load (path, out, &error));
  g_assert_no_error (error);
  return out;
}

static float
max_of (const float *x, gsize n)
{
  float m = -INFINITY;

  for (gsize i = 0; i < n; i++)
    m = MAX (m, x[i]);
  return m;
}

/* A WAV file: a 16-byte fmt chunk (tag 1 PCM, 3 float) and a data chunk
 * whose size field says `declared` (G_MAXUINT32 + 1: the true size). */
static GBytes *
make_wav (int tag, int channels, guint32 rate, int bits, const void *data, gsize len,
          guint64 declared)
{
  GByteArray *b = g_byte_array_new ();
  guint32 riff = 4 + 8 + 16 + 8 + (guint32) len;
  guint32 dsize = declared > G_MAXUINT32 ? (guint32) len : (guint32) declared;
  guint16 align = (guint16) (channels * bits / 8), h[2];
  guint32 w[2];

  g_byte_array_append (b, (const guint8 *) "RIFF", 4);
  g_byte_array_append (b, (const guint8 *) &riff, 4);
  g_byte_array_append (b, (const guint8 *) "WAVEfmt \x10\0\0\0", 12);
  h[0] = (guint16) tag; h[1] = (guint16) channels;
  g_byte_array_append (b, (const guint8 *) h, 4);
  w[0] = rate; w[1] = rate * align;
  g_byte_array_append (b, (const guint8 *) w, 8);
  h[0] = align; h[1] = (guint16) bits;
  g_byte_array_append (b, (const guint8 *) h, 4);
  g_byte_array_append (b, (const guint8 *) "data", 4);
  g_byte_array_append (b, (const guint8 *) &dsize, 4);
  g_byte_array_append (b, data, (guint) len);
  return g_byte_array_free_to_bytes (b);
}

/* ---- against NumPy/SciPy ------------------------------------------------ */

/* 16 kHz clips are not resampled, so the engine (float32) and the reference
 * (float64) differ by rounding alone: measured 7e-5 at most. Cells whose
 * energy is under 1e-4 would measure the FFT's float32 rounding (about
 * 1e-7 of a frame's largest bin) rather than the code, and are left out;
 * the fixture's noise keeps them few, apart from the silence after the
 * 1.2 s clip (zero-padded on both sides: ln(1e-6) exactly). */
static void
test_fixture_exact (void)
{
  static const char *const names[] = { "tone-16k-mono.wav", "noise-16k-stereo.flac" };

  for (gsize c = 0; c < G_N_ELEMENTS (names); c++)
    {
      g_autofree float *ref = load_reference (names[c]);
      g_autofree float *got = engine_logmel (names[c]);
      double worst = 0;
      int compared = 0;

      for (int k = 0; k < FL_AUDIO_SIZE; k++)
        if (ref[k] > logf (1e-4f))
          {
            worst = MAX (worst, fabs (got[k] - ref[k]));
            compared++;
          }
      g_test_message ("%s: %d cells compared, max |diff| %.2g", names[c], compared, worst);
      g_assert_cmpint (compared, >, FL_AUDIO_SIZE / 2);
      g_assert_cmpfloat (worst, <, 1e-3);
    }
}

/* The highest band whose right corner lies below `hz`. */
static int
bands_below (double hz)
{
  double top = 2595.0 * log10 (1.0 + 8000.0 / 700.0);
  int n = 0;

  for (int j = 0; j < FL_AUDIO_MELS; j++)
    if (700.0 * (pow (10.0, top * (j + 2) / (FL_AUDIO_MELS + 1) / 2595.0) - 1.0) < hz)
      n = j + 1;
  return n;
}

/* Resampled clips: libsamplerate's fastest sinc filter (90% of the band
 * kept) against scipy's resample_poly (a Kaiser-windowed filter whose
 * transition straddles the new Nyquist). They agree where the signal is:
 * in bands below 80% of the lower Nyquist, within 20 dB of the clip's
 * loudest cell, to 0.2 nats (the worst cells lie at a clip's abrupt end,
 * where the two filters ring differently; measured 0.11 at most), and on
 * average within 30 dB to 0.02 (measured 0.0054 at most). Near and above
 * the old Nyquist they differ by design: what each filter lets through of
 * its stop band. A wrong delay, gain or mix fails both bounds. */
static void
test_fixture_resampled (void)
{
  static const struct { const char *name; double rate; } clips[] = {
    { "tone-44k-stereo.wav", 44100 }, { "tone-8k.flac", 8000 }, { "tones-22k.ogg", 22050 },
  };

  for (gsize c = 0; c < G_N_ELEMENTS (clips); c++)
    {
      g_autofree float *ref = load_reference (clips[c].name);
      g_autofree float *got = engine_logmel (clips[c].name);
      int nb = bands_below (0.8 * MIN (clips[c].rate / 2, 8000.0)), n30 = 0, n20 = 0;
      float peak = max_of (ref, FL_AUDIO_SIZE);
      double worst20 = 0, sum30 = 0;

      for (int k = 0; k < nb * FL_AUDIO_FRAMES; k++)
        {
          double d = fabs (got[k] - ref[k]);
          if (ref[k] >= peak - logf (1e3f))
            sum30 += d, n30++;
          if (ref[k] >= peak - logf (1e2f))
            worst20 = MAX (worst20, d), n20++;
        }
      g_test_message ("%s: %d bands, within 20 dB %d cells max |diff| %.3f; within 30 dB %d cells "
                      "mean %.4f", clips[c].name, nb, n20, worst20, n30, sum30 / n30);
      g_assert_cmpint (n20, >, 200);
      g_assert_cmpfloat (worst20, <, 0.2);
      g_assert_cmpfloat (sum30 / n30, <, 0.02);
    }
}

/* The same clip from memory and from a file: the same bits. */
static void
test_decode_memory (void)
{
  g_autofree char *path = fixture_path ("tones-22k.ogg");
  g_autofree char *data = NULL;
  g_autofree float *a = g_new (float, FL_AUDIO_SIZE), *b = g_new (float, FL_AUDIO_SIZE);
  g_autoptr(GError) error = NULL;
  gsize len;
  int fd;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_true (fl_audio_decode ((const guint8 *) data, len, "tones-22k.ogg", a, &error));
  g_assert_no_error (error);
  fd = open (path, O_RDONLY);
  g_assert_true (fl_audio_logmel_fd (fd, path, b, &error));
  g_assert_no_error (error);
  close (fd);
  g_assert_cmpmem (a, sizeof (float) * FL_AUDIO_SIZE, b, sizeof (float) * FL_AUDIO_SIZE);
}

/* Only the first 2 s count, the rest is zeros; silence is ln(1e-6). */
static void
test_window (void)
{
  g_autofree float *x = g_new0 (float, 40000);
  g_autofree float *a = g_new (float, FL_AUDIO_SIZE), *b = g_new (float, FL_AUDIO_SIZE);

  fl_audio_logmel (x, 40000, a);
  for (int k = 0; k < FL_AUDIO_SIZE; k++)
    g_assert_cmpfloat (a[k], ==, logf (1e-6f));
  for (int i = 0; i < 40000; i++)
    x[i] = (float) sin (2 * G_PI * 1000.0 * i / 16000.0) * (i < 32000 ? 0.5f : 100.0f);
  fl_audio_logmel (x, 40000, a);
  fl_audio_logmel (x, 32000, b);
  g_assert_cmpmem (a, sizeof (float) * FL_AUDIO_SIZE, b, sizeof (float) * FL_AUDIO_SIZE);
  /* 1000 Hz: band 22, whose centre is 1007 Hz, is the loudest */
  for (int t = 0; t < 198; t++)
    for (int j = 0; j < FL_AUDIO_MELS; j++)
      g_assert_cmpfloat (a[j * FL_AUDIO_FRAMES + t], <=, a[22 * FL_AUDIO_FRAMES + t]);
  /* 100 samples: frame 0 sees them, frame 1 (from sample 160) only zeros */
  fl_audio_logmel (x, 100, a);
  g_assert_cmpfloat (a[22 * FL_AUDIO_FRAMES], >, 0.0f);
  g_assert_cmpfloat (a[22 * FL_AUDIO_FRAMES + 1], ==, logf (1e-6f));
}

/* ---- hostile clips ------------------------------------------------------ */

typedef struct {
  const char *name;
  GBytes     *bytes;    /* NULL: made by hand in the folder */
  const char *reason;
} Hostile;

/* The first part of a fixture clip, cut at len/div. */
static GBytes *
cut_fixture (const char *name, gsize div)
{
  g_autofree char *path = fixture_path (name);
  char *data;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (data, len / div);
}

static GBytes *
fixture_bytes (const char *name)
{
  return cut_fixture (name, 1);
}

/* Each with the reason it is refused (a part of its message). */
static GPtrArray *
make_hostile (void)
{
  static const float nan_samples[4] = { 0.1f, NAN, 0.2f, 0.3f };
  g_autofree guint8 *zeros = g_malloc0 (601000);
  GPtrArray *h = g_ptr_array_new_with_free_func (g_free);
  const Hostile list[] = {
    { "zero-bytes.wav", g_bytes_new_static ("", 0), "the file is empty" },
    { "text.wav", g_bytes_new_static ("this is not audio", 17), "not a WAV, FLAC or Ogg file" },
    { "zero-channels.wav", make_wav (1, 0, 16000, 16, zeros, 100, G_MAXUINT64),
      "unreadable: Channel count is zero" },
    { "huge-rate.wav", make_wav (1, 1, 10000000, 16, zeros, 100, G_MAXUINT64),
      "the header declares a rate of 10000000 Hz (1000 to 384000 Hz are read)" },
    { "many-channels.wav", make_wav (1, 100, 16000, 16, zeros, 2000, G_MAXUINT64),
      "the header declares 100 channels (1 to 64 are read)" },
    { "empty.wav", make_wav (1, 1, 16000, 16, zeros, 0, G_MAXUINT64),
      "the clip is empty: it holds no sample" },
    { "nan.wav", make_wav (3, 1, 16000, 32, nan_samples, sizeof nan_samples, G_MAXUINT64),
      "a sample is not a finite number" },
    { "cut.wav", make_wav (1, 1, 16000, 16, zeros, 1000, 96000),
      "truncated: its header promises 96000 bytes of samples, the file holds 1000" },
    { "long.wav", make_wav (1, 1, 1000, 8, zeros, 601000, G_MAXUINT64),
      "the header says the clip lasts 10 min 01 s, longer than the 10-minute limit" },
    { "cut-rf64.wav", cut_fixture ("rf64.wav", 2),
      "truncated: its header promises 200 frames, the file holds 74" },
    { "cut.flac", cut_fixture ("tone-8k.flac", 2), "corrupt: flac decoder lost sync" },
    { "cut.ogg", cut_fixture ("tones-22k.ogg", 3), "unreadable: Supported file format but file is malformed" },
    { "adpcm.wav", fixture_bytes ("adpcm.wav"),
      "its encoding, IMA ADPCM, is not PCM, float, µ-law, A-law, FLAC, Vorbis or Opus" },
    { "huge.wav", NULL, "the file is 68.2\u00a0MB, larger than the 64 MiB a clip may take" },
    { "folder.wav", NULL, "not a regular file" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (list); i++)
    g_ptr_array_add (h, g_memdup2 (&list[i], sizeof list[i]));
  return h;
}

/* Writes the hostile clips into dir. */
static void
write_hostile (const char *dir, GPtrArray *hostile)
{
  for (guint i = 0; i < hostile->len; i++)
    {
      const Hostile *c = hostile->pdata[i];
      g_autofree char *path = g_build_filename (dir, c->name, NULL);
      gsize len;
      const char *data;
      int fd;

      if (strcmp (c->name, "folder.wav") == 0)
        {
          g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
          continue;
        }
      fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
      g_assert_cmpint (fd, >=, 0);
      if (c->bytes != NULL)
        {
          data = g_bytes_get_data (c->bytes, &len);
          g_assert_cmpint (write (fd, data, len), ==, (gssize) len);
        }
      else   /* huge.wav: a RIFF header, then a hole to 65 MiB + 1 */
        {
          g_assert_cmpint (write (fd, "RIFF\0\0\0\0WAVE", 12), ==, 12);
          g_assert_cmpint (ftruncate (fd, (65 << 20) + 1), ==, 0);
        }
      close (fd);
    }
}

static void
hostile_free (GPtrArray *hostile)
{
  for (guint i = 0; i < hostile->len; i++)
    g_clear_pointer (&((Hostile *) hostile->pdata[i])->bytes, g_bytes_unref);
  g_ptr_array_unref (hostile);
}

/* Every hostile clip refused with "path: reason", out untouched; the same
 * reason from memory. */
static void
test_hostile (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-audio-XXXXXX", NULL);
  GPtrArray *hostile = make_hostile ();
  g_autofree float *out = g_new (float, FL_AUDIO_SIZE);

  write_hostile (dir, hostile);
  for (guint i = 0; i < hostile->len; i++)
    {
      const Hostile *c = hostile->pdata[i];
      g_autofree char *path = g_build_filename (dir, c->name, NULL);
      g_autofree char *expect = g_strdup_printf ("%s: %s", path, c->reason);
      g_autoptr(GError) error = NULL;

      for (int k = 0; k < FL_AUDIO_SIZE; k++)
        out[k] = 7.0f;
      g_assert_false (fl_audio_load (path, out, &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
      g_assert_cmpstr (error->message, ==, expect);
      for (int k = 0; k < FL_AUDIO_SIZE; k++)
        g_assert_cmpfloat (out[k], ==, 7.0f);
      g_clear_error (&error);
      if (c->bytes != NULL)
        {
          gsize len;
          const guint8 *data = g_bytes_get_data (c->bytes, &len);
          g_autofree char *expect_mem = g_strdup_printf ("%s: %s", c->name, c->reason);
          g_assert_false (fl_audio_decode (data, len, c->name, out, &error));
          g_assert_cmpstr (error->message, ==, expect_mem);
        }
    }
  hostile_free (hostile);
  fl_test_remove_tree (dir);
}

/* A floating-point clip is clamped to [-1, 1], as a sound card plays it. */
static void
test_clamp (void)
{
  float loud[1600], full[1600];
  g_autofree float *a = g_new (float, FL_AUDIO_SIZE), *b = g_new (float, FL_AUDIO_SIZE);
  g_autoptr(GBytes) wa = NULL, wb = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *da, *db;
  gsize la, lb;

  for (int i = 0; i < 1600; i++)
    {
      loud[i] = i % 40 < 20 ? 5.0f : -5.0f;
      full[i] = i % 40 < 20 ? 1.0f : -1.0f;
    }
  wa = make_wav (3, 1, 16000, 32, loud, sizeof loud, G_MAXUINT64);
  wb = make_wav (3, 1, 16000, 32, full, sizeof full, G_MAXUINT64);
  da = g_bytes_get_data (wa, &la);
  db = g_bytes_get_data (wb, &lb);
  g_assert_true (fl_audio_decode (da, la, "loud", a, &error));
  g_assert_true (fl_audio_decode (db, lb, "full", b, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (a, sizeof (float) * FL_AUDIO_SIZE, b, sizeof (float) * FL_AUDIO_SIZE);
}

/* ---- many clips --------------------------------------------------------- */

typedef struct {
  gint64        calls, last, total;
  GCancellable *cancel_at_first;
} Progress;

static void
progress_cb (gint64 done, gint64 total, gpointer data)
{
  Progress *p = data;

  g_assert_cmpint (done, >, p->last);
  p->calls++;
  p->last = done;
  p->total = total;
  if (p->cancel_at_first != NULL)
    g_cancellable_cancel (p->cancel_at_first);
}

/* Good and bad clips in parallel: the good ones' spectrograms, the bad
 * ones' slots zeroed and their errors set; then cancelled after the first. */
static void
test_many (void)
{
  const char *names[] = { "tone-16k-mono.wav", "adpcm.wav", "tones-22k.ogg", "missing.wav",
                          "tone-8k.flac", "noise-16k-stereo.flac" };
  const int n = G_N_ELEMENTS (names);
  g_autofree char **paths = g_new0 (char *, n + 1);
  g_autofree float *out = g_new (float, (gsize) n * FL_AUDIO_SIZE);
  GError *errors[G_N_ELEMENTS (names)] = { NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Progress p = { 0 };

  for (int i = 0; i < n; i++)
    paths[i] = fixture_path (names[i]);
  g_assert_true (fl_audio_load_many_from ((const char *const *) paths, NULL, NULL, n, out, errors,
                                          2, progress_cb, &p, NULL));
  g_assert_cmpint (p.last, ==, n);
  g_assert_cmpint (p.total, ==, n);
  for (int i = 0; i < n; i++)
    {
      g_autofree float *one = g_new (float, FL_AUDIO_SIZE);
      gboolean bad = i == 1 || i == 3;

      g_assert_true ((errors[i] != NULL) == bad);
      if (bad)
        {
          g_assert_true (g_str_has_prefix (errors[i]->message, paths[i]));
          g_assert_cmpfloat (max_of (out + (gsize) i * FL_AUDIO_SIZE, FL_AUDIO_SIZE), ==, 0.0f);
          g_clear_error (&errors[i]);
          continue;
        }
      g_assert_true (fl_audio_load (paths[i], one, NULL));
      g_assert_cmpmem (out + (gsize) i * FL_AUDIO_SIZE, sizeof (float) * FL_AUDIO_SIZE,
                       one, sizeof (float) * FL_AUDIO_SIZE);
    }

  /* one thread, cancelled from the first progress call: FALSE, and the
   * clips not reached untouched */
  p = (Progress) { .cancel_at_first = cancellable };
  memset (out, 0x7f, (gsize) n * FL_AUDIO_SIZE * sizeof (float));
  g_assert_false (fl_audio_load_many_from ((const char *const *) paths, NULL, NULL, n, out, errors,
                                           1, progress_cb, &p, cancellable));
  g_assert_cmpint (p.last, <, n);
  g_assert_cmpuint (((guint32 *) out)[(gsize) (n - 1) * FL_AUDIO_SIZE], ==, 0x7f7f7f7f);
  for (int i = 0; i < n; i++)
    {
      g_clear_error (&errors[i]);
      g_free (paths[i]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio/fixture-exact", test_fixture_exact);
  g_test_add_func ("/audio/fixture-resampled", test_fixture_resampled);
  g_test_add_func ("/audio/decode-memory", test_decode_memory);
  g_test_add_func ("/audio/window", test_window);
  g_test_add_func ("/audio/hostile", test_hostile);
  g_test_add_func ("/audio/clamp", test_clamp);
  g_test_add_func ("/audio/many", test_many);
  return g_test_run ();
}
