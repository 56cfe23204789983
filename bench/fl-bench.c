/* SPDX-License-Identifier: MIT
 *
 * fl-bench — the engine's half of bench/run.sh: trains the reference model
 * for one epoch on generated data and prints, as key=value lines, training
 * and evaluation throughput, peak RSS, the machine's measured sgemm peak and
 * the fraction of it reached; optionally decode+resize throughput on a list
 * of image files, or decode + log-mel throughput on a list of sound clips
 * (bench/audio.sh). With --images and --csv it trains on that real data
 * instead, and --fusion picks the route (bench/routes.sh times each).
 * With --load-only it only loads that data, through the decoded-image
 * cache as any load does, and prints the seconds it took
 * (bench/reopen.sh).
 */
#define G_LOG_DOMAIN "fl-bench"

#include "fl-audio.h"
#include "fl-dataset.h"
#include "fl-image.h"
#include "fl-ops.h"
#include "fl-trainer.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* GFLOP/s of sgemm on n×n matrices: the best of a few tries. */
static double
sgemm_peak (int n, int threads)
{
  g_autofree float *a = g_new (float, (gsize) n * n);
  g_autofree float *b = g_new (float, (gsize) n * n);
  g_autofree float *c = g_new (float, (gsize) n * n);
  double best = 0;

  openblas_set_num_threads (threads);
  for (gsize i = 0; i < (gsize) n * n; i++)
    a[i] = b[i] = (float) (i % 7) * 0.1f;
  for (int rep = 0; rep < 4; rep++)
    {
      double t0 = now ();
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n,
                   1.0f, a, n, b, n, 0.0f, c, n);
      best = MAX (best, 2.0 * n * n * n / (now () - t0) / 1e9);
    }
  return best;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/* One core's FMA peak: 16 independent chains of AVX-512 FMAs (their
 * latency × the FMA units a core has), n rounds; returns its flops. */
__attribute__ ((target ("avx512f")))
static gpointer
fma_loop (gpointer data)
{
  const long n = GPOINTER_TO_INT (data);
  __m512 acc[16], m = _mm512_set1_ps (0.999f), a = _mm512_set1_ps (1e-3f);
  float sink = 0.0f;

  for (int j = 0; j < 16; j++)
    acc[j] = _mm512_set1_ps ((float) j);
  for (long i = 0; i < n; i++)
#pragma GCC unroll 16
    for (int j = 0; j < 16; j++)
      acc[j] = _mm512_fmadd_ps (acc[j], m, a);
  for (int j = 0; j < 16; j++)
    sink += _mm512_reduce_add_ps (acc[j]);
  return GINT_TO_POINTER (sink > 1e30f);   /* keeps the loop */
}

/* GFLOP/s of AVX-512 FMAs on `threads` threads at once, the best of three;
 * 0 without AVX-512. The conv kernels reach for this peak, not sgemm's,
 * where OPENBLAS_CORETYPE holds OpenBLAS to 8-lane kernels. */
static double
fma_peak (int threads)
{
  const int n = 20000000;
  double best = 0;

  if (!__builtin_cpu_supports ("avx512f"))
    return 0;
  for (int rep = 0; rep < 3; rep++)
    {
      g_autofree GThread **th = g_new (GThread *, threads);
      double t0 = now ();
      for (int t = 0; t < threads; t++)
        th[t] = g_thread_new ("fma", fma_loop, GINT_TO_POINTER (n));
      for (int t = 0; t < threads; t++)
        g_thread_join (th[t]);
      best = MAX (best, threads * 2.0 * 16 * 16 * n / (now () - t0) / 1e9);
    }
  return best;
}
#else
static double
fma_peak (int threads)
{
  return 0;
}
#endif

/* The cores' FMA peak, and the fractions of it that training and
 * evaluation reach at train and eval flop/s. */
static void
print_fma_fractions (int threads, double train, double eval)
{
  const double fma = fma_peak (threads);

  printf ("direct_conv=%d\n", fl_conv3x3_direct ());
  printf ("fma_peak_gflops=%.1f\n", fma);
  if (fma == 0)
    return;
  printf ("fma_work_fraction=%.3f\n", train / (fma * 1e9));
  printf ("fma_eval_fraction=%.3f\n", eval / (fma * 1e9));
}

/* Multiply-adds ×2 of one forward pass of the reference model. */
static double
forward_flops (int S, int D, int C, double tokens)
{
  double s2 = (S / 2.0) * (S / 2.0), s4 = (S / 4.0) * (S / 4.0);
  return 2.0 * S * S * 32 * 27          /* conv1 */
       + 2.0 * s2 * 64 * 32 * 9         /* conv2 */
       + 2.0 * 64 * s4 * D              /* img_fc */
       + tokens * 100 + 2.0 * 100 * D   /* text branch */
       + 2.0 * 2 * D * 128 + 2.0 * 128 * C;
}

/* Multiply-adds ×2 a training step actually does per sample: the forward
 * pass, the fully connected layers' and text branch's two backward
 * products, and of the convolutions' backward only the products with the
 * pooled gradient's winners, one output pixel in four (the engine skips
 * the zeros of the map under a 2×2 max-pool, fl-ops-pool-grad.c): conv2's
 * weight and input gradients, conv1's weights (not its input's). */
static double
train_flops_done (int S, int D, int C, double tokens)
{
  double fwd = forward_flops (S, D, C, tokens);
  double conv1 = 2.0 * S * S * 32 * 27, conv2 = 2.0 * (S / 2.0) * (S / 2.0) * 64 * 32 * 9;

  return fwd + 2 * (fwd - conv1 - conv2) + conv1 / 4 + 2 * conv2 / 4;
}

/* Every epoch's figures (their samples/s cover the training pass alone),
 * and the process's CPU time over the training batches: on a shared
 * machine CPU time per sample varies less than wall time. */
typedef struct {
  GArray *epochs;
  double  cpu_last;     /* CPU seconds at the last batch's end */
  gint64  seen_last;
  double  cpu_sum;      /* over batches 2… of each epoch: the training alone */
  gint64  seen_sum;
} Progress;

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
batch_cb (const FlBatchStats *stats, gpointer user_data)
{
  Progress *p = user_data;
  double cpu = cpu_seconds ();

  if (stats->batch > 1)
    {
      p->cpu_sum += cpu - p->cpu_last;
      p->seen_sum += stats->samples_seen - p->seen_last;
    }
  p->cpu_last = cpu;
  p->seen_last = stats->samples_seen;
}

static void
epoch_cb (const FlEpochStats *stats, gpointer user_data)
{
  g_array_append_val (((Progress *) user_data)->epochs, *stats);
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The median over the epochs of their training throughput. */
static double
median_samples_per_s (GArray *epochs)
{
  g_autofree double *v = g_new (double, epochs->len);

  for (guint i = 0; i < epochs->len; i++)
    v[i] = g_array_index (epochs, FlEpochStats, i).samples_per_s;
  qsort (v, epochs->len, sizeof (double), cmp_double);
  return epochs->len % 2 ? v[epochs->len / 2] : (v[epochs->len / 2 - 1] + v[epochs->len / 2]) / 2;
}

static int
fail (const GError *error)
{
  fprintf (stderr, "fl-bench: %s\n", error->message);
  return 1;
}

/* Decodes and resizes the images listed in the file list to S×S. */
static int
bench_decode (const char *list_file, int S, int threads)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *list = NULL;
  g_auto(GStrv) paths = NULL;
  g_autofree guint8 *out = NULL;
  double t0;
  int n;

  if (!g_file_get_contents (list_file, &list, NULL, &error))
    return fail (error);
  paths = g_strsplit (g_strchomp (list), "\n", -1);
  n = (int) g_strv_length (paths);
  out = g_malloc ((gsize) n * 3 * S * S);
  t0 = now ();
  fl_image_load_many ((const char *const *) paths, n, S, out, NULL, threads, NULL, NULL, NULL);
  printf ("decode_images_per_s=%.1f\n", n / (now () - t0));
  return 0;
}

/* Decodes the clips listed in the file list to log-mels on `threads`
 * threads: the best of three passes, after one clip to make the FFT plan
 * (as bench/audio_reference.py warms up). */
static int
bench_audio (const char *list_file, int threads)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *list = NULL;
  g_auto(GStrv) paths = NULL;
  g_autofree float *out = NULL;
  g_autofree GError **errors = NULL;
  double best = 0;
  int n, failed = 0;

  if (!g_file_get_contents (list_file, &list, NULL, &error))
    return fail (error);
  paths = g_strsplit (g_strchomp (list), "\n", -1);
  n = (int) g_strv_length (paths);
  out = g_new (float, (gsize) MAX (n, 1) * FL_AUDIO_SIZE);
  errors = g_new0 (GError *, MAX (n, 1));
  fl_audio_load_many_from ((const char *const *) paths, NULL, NULL, MIN (n, 1), out, NULL, 1,
                           NULL, NULL, NULL);
  for (int pass = 0; pass < 3; pass++)
    {
      double t0 = now ();
      fl_audio_load_many_from ((const char *const *) paths, NULL, NULL, n, out, errors, threads,
                               NULL, NULL, NULL);
      best = MAX (best, n / (now () - t0));
      for (int i = 0; i < n; i++)
        {
          if (errors[i] != NULL && pass == 0)
            fprintf (stderr, "fl-bench: %s\n", errors[i]->message);
          failed += errors[i] != NULL && pass == 0;
          g_clear_error (&errors[i]);
        }
    }
  printf ("clips=%d\nfailed=%d\nthreads=%d\nclips_per_s=%.1f\n", n, failed, threads, best);
  return 0;
}

/* Generated data: random pixels, texts of `words` words from 2000, and
 * 1/0.8 as many samples so that the training split holds `samples`. */
static FlDataset *
generate_data (int samples, int S, int classes, int words)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (1);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  int total = (int) (samples / 0.8 + 0.5);
  FlDataset *ds;

  for (int i = 0; i < total; i++)
    {
      GString *t = g_string_new (NULL);
      for (int w = 0; w < words; w++)
        g_string_append_printf (t, "w%d ", g_rand_int_range (rng, 0, 2000));
      g_ptr_array_add (texts, g_string_free (t, FALSE));
      g_ptr_array_add (labels, g_strdup_printf ("c%d", g_rand_int_range (rng, 0, classes)));
    }
  ds = fl_dataset_new_from_memory (total, S, NULL, (const char *const *) texts->pdata,
                                   (const char *const *) labels->pdata);
  for (gsize i = 0; i < (gsize) total * 3 * S * S; i++)
    ds->images[i] = (guint8) g_rand_int_range (rng, 0, 256);
  return ds;
}

/* Trains epochs epochs of route on ds and evaluates once, then prints the
 * figures (the training throughput the median over the epochs). */
static int
bench_train (FlDataset *ds, const FlTrainSettings *settings, int classes, int words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRun) run = NULL;
  g_autoptr(GArray) epochs = g_array_new (FALSE, FALSE, sizeof (FlEpochStats));
  Progress progress = { .epochs = epochs };
  const int S = ds->image_size;
  FlTrainCallbacks cb = { .batch_done = batch_cb, .epoch_done = epoch_cb, .user_data = &progress };
  const FlTrainSettings *s = settings;
  const int threads = s->n_threads;
  double train_rate;
  double t0, eval_secs, peak, flops;
  int samples, n_val;
  struct rusage ru;

  run = fl_run_new (ds, s, &error);
  if (run == NULL || !fl_run_train (run, &cb, NULL, &error))
    return fail (error);
  fl_run_train_indices (run, &samples);
  train_rate = median_samples_per_s (epochs);
  fl_run_val_indices (run, &n_val);

  t0 = now ();
  fl_run_evaluate (run);
  eval_secs = now () - t0;

  getrusage (RUSAGE_SELF, &ru);
  peak = sgemm_peak (2048, threads);
  flops = forward_flops (S, 128, classes, words);

  printf ("fusion=%s\n", fl_fusion_to_string (s->fusion));
  printf ("epochs=%d\n", s->epochs);
  printf ("threads=%d\n", threads);
  printf ("train_samples=%d\n", samples);
  printf ("val_samples=%d\n", n_val);
  printf ("vocab=%d\n", fl_run_vocab_size (run));
  printf ("params=%zu\n", fl_model_n_params (fl_run_model (run)));
  printf ("image_cache_mb=%.1f\n", (double) ds->n * 3 * S * S / 1e6);
  printf ("peak_rss_mb=%.1f\n", ru.ru_maxrss / 1024.0);
  printf ("train_samples_per_s=%.1f\n", train_rate);
  printf ("train_epoch_seconds=%.3f\n", samples / train_rate);
  printf ("train_cpu_us_per_sample=%.1f\n", 1e6 * progress.cpu_sum / MAX (progress.seen_sum, 1));
  /* the yardstick of issue 16: three forward passes' worth, as a dense
   * engine (PyTorch's) computes them; the fraction can pass 1 since the
   * engine skips products with zeros, so the arithmetic it does is
   * printed too, with the share of sgemm's peak it runs at */
  printf ("train_mflop_per_sample=%.2f\n", 3 * flops / 1e6);
  printf ("machine_fraction=%.3f\n", 3 * flops * train_rate / (peak * 1e9));
  printf ("train_mflop_done_per_sample=%.2f\n", train_flops_done (S, 128, classes, words) / 1e6);
  printf ("work_fraction=%.3f\n", train_flops_done (S, 128, classes, words) * train_rate / (peak * 1e9));
  printf ("eval_samples_per_s=%.1f\n", n_val / eval_secs);
  printf ("sgemm_peak_gflops=%.1f\n", peak);
  print_fma_fractions (threads, train_flops_done (S, 128, classes, words) * train_rate,
                       flops * n_val / eval_secs);
  printf ("forward_mflop_per_sample=%.2f\n", flops / 1e6);
  return 0;
}

/* The real data of --images and --csv, or NULL with error set. */
static FlDataset *
load_data (const char *images, const char *csv, int S, int threads, GError **error)
{
  FlDataSpec spec = { .images_dir = images, .csv_path = csv, .image_size = S, .n_threads = threads };

  return fl_dataset_load (&spec, NULL, NULL, NULL, error);
}

/* Loads the real data once and prints how long it took. */
static int
bench_load (const char *images, const char *csv, int S, int threads)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDataset) ds = NULL;
  double t0 = now ();

  ds = load_data (images, csv, S, threads, &error);
  if (ds == NULL)
    return fail (error);
  printf ("load_seconds=%.3f\n", now () - t0);
  printf ("samples=%d\n", ds->n);
  printf ("skipped=%d\n", ds->report.n_skipped);
  return 0;
}

int
main (int argc, char **argv)
{
  int samples = 4096, S = 64, batch = 64, threads = 0, classes = 10, words = 8, epochs = 1;
  gboolean load_only = FALSE, no_direct = FALSE;
  g_autofree char *decode_list = NULL, *audio_list = NULL, *images = NULL, *csv = NULL, *fusion = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— engine benchmark");
  const GOptionEntry entries[] = {
    { "samples", 0, 0, G_OPTION_ARG_INT, &samples, "Training samples of generated data (4096)", "N" },
    { "images", 0, 0, G_OPTION_ARG_FILENAME, &images, "Train on this image folder …", "DIR" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, "… and this CSV instead", "FILE" },
    { "fusion", 0, 0, G_OPTION_ARG_STRING, &fusion, "The fusion route (concat)", "F" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, "Epochs; the median is reported (1)", "N" },
    { "image-size", 0, 0, G_OPTION_ARG_INT, &S, "S (64)", "S" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Batch size (64)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (all cores)", "N" },
    { "decode", 0, 0, G_OPTION_ARG_FILENAME, &decode_list, "A file listing images to decode", "FILE" },
    { "audio", 0, 0, G_OPTION_ARG_FILENAME, &audio_list, "A file listing sound clips to decode", "LIST" },
    { "load-only", 0, 0, G_OPTION_ARG_NONE, &load_only, "Only load --images and --csv, timed", NULL },
    { "no-direct-conv", 0, 0, G_OPTION_ARG_NONE, &no_direct, "Not the engine's AVX-512 kernels (im2col + sgemm convs)", NULL },
    { NULL }
  };
  g_autoptr(FlDataset) ds = NULL;
  FlTrainSettings s;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fail (error);
  if (threads <= 0)
    threads = (int) g_get_num_processors ();
  fl_conv3x3_set_direct (!no_direct);
  if (decode_list != NULL)
    return bench_decode (decode_list, S, threads);
  if (audio_list != NULL)
    return bench_audio (audio_list, threads);
  if (load_only)
    return bench_load (images, csv, S, threads);

  fl_train_settings_init_default (&s);
  s.epochs = epochs;
  s.batch_size = batch;
  s.n_threads = threads;
  if (fusion != NULL && !fl_fusion_from_string (fusion, &s.fusion))
    {
      fprintf (stderr, "fl-bench: unknown fusion “%s”\n", fusion);
      return 1;
    }
  if (images != NULL || csv != NULL)
    {
      ds = load_data (images, csv, S, threads, &error);
      if (ds == NULL)
        return fail (error);
      classes = ds->n_classes;
    }
  else
    ds = generate_data (samples, S, classes, words);
  if (!fl_train_settings_validate (&s, &error))
    return fail (error);
  return bench_train (ds, &s, classes, words);
}
