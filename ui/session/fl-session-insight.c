/* SPDX-License-Identifier: MIT
 *
 * Why fusion wins, for the run shown: its rescued and hurt samples (from
 * the stored predictions, on the main thread: a pass over n samples), then
 * its reliance on each modality and its feature maps (the model over the
 * validation split, six times: in a GTask).
 *
 * The thread borrows the comparison's FlRun, so it must be over before the
 * comparison lets the run go. The session drops its runs in two places:
 * _fl_session_clear() empties the runs list (items-changed, with removals)
 * before it frees the comparison, and the session is disposed before it is
 * finalized. On both this file cancels the thread and waits for it — a
 * batch at most, since the engine checks the cancellable before each. While
 * runs train, the shown run does not change and nothing is worked out.
 */
#define G_LOG_DOMAIN "fl-session"

#include "fl-session.h"
#include "fl-style.h"
#include "fl-ui-util.h"
#include "fl-i18n.h"

#include <string.h>

/* ---- FlInsight ---------------------------------------------------------------- */

static FlInsight *
insight_new (void)
{
  FlInsight *ins = g_new0 (FlInsight, 1);

  g_atomic_ref_count_init (&ins->ref_count);
  ins->run = -1;
  for (int b = 0; b < FL_N_BRANCHES; b++)
    ins->baseline_run[b] = -1;
  return ins;
}

FlInsight *
fl_insight_ref (FlInsight *insight)
{
  g_return_val_if_fail (insight != NULL, NULL);
  g_atomic_ref_count_inc (&insight->ref_count);
  return insight;
}

void
fl_insight_unref (FlInsight *insight)
{
  g_return_if_fail (insight != NULL);

  if (!g_atomic_ref_count_dec (&insight->ref_count))
    return;
  g_free (insight->run_name);
  g_strfreev (insight->class_names);
  g_free (insight->rows);
  g_free (insight->labels);
  g_free (insight->predicted);
  g_clear_pointer (&insight->rescued, g_array_unref);
  g_clear_pointer (&insight->hurt, g_array_unref);
  for (int k = 0; k < FL_N_FEATURE_MAPS; k++)
    g_free (insight->maps[k]);
  g_free (insight->gate_mean);
  g_free (insight->note);
  g_free (insight);
}

G_DEFINE_BOXED_TYPE (FlInsight, fl_insight, fl_insight_ref, fl_insight_unref)

/* ---- what the stored predictions tell ------------------------------------------- */

/* Whether runs a and b were validated on the same samples: the same seed,
 * validation share and fold, and — when both were trained here — the same
 * data (the image size may differ: the samples are the same). */
static gboolean
same_split (FlComparison *cmp,
            int           a,
            int           b)
{
  const FlTrainSettings *s = &fl_comparison_result (cmp, a)->settings;
  const FlTrainSettings *t = &fl_comparison_result (cmp, b)->settings;
  FlRun *ra = fl_comparison_run (cmp, a), *rb = fl_comparison_run (cmp, b);

  if (s->seed != t->seed || s->val_fraction != t->val_fraction || s->kfold != t->kfold ||
      (s->kfold >= 2 && s->fold != t->fold))
    return FALSE;
  return ra == NULL || rb == NULL || fl_run_dataset (ra)->fingerprint == fl_run_dataset (rb)->fingerprint;
}

/* The latest finished run of this route on run i's split, or -1. */
static int
find_baseline (FlComparison *cmp,
               int           i,
               FlFusion      fusion)
{
  for (int j = fl_comparison_n_runs (cmp) - 1; j >= 0; j--)
    {
      const FlRunResult *r = fl_comparison_result (cmp, j);

      if (j != i && r->fusion == fusion && r->status == FL_RUN_DONE && r->validation != NULL &&
          same_split (cmp, i, j))
        return j;
    }
  return -1;
}

static void
add_note (GString    *notes,
          const char *note)
{
  g_string_append_printf (notes, "%s%s", notes->len > 0 ? " " : "", note);
}

/* The branches run i fused: its model's, or, reopened, what its settings
 * say (0 there: image and text, what the runs of files without a branch
 * set had). */
static guint
fused_branches (FlComparison *cmp,
                int           i)
{
  FlRun *run = fl_comparison_run (cmp, i);
  const FlTrainSettings *s = &fl_comparison_result (cmp, i)->settings;

  if (run != NULL)
    return fl_run_branches (run);
  return fl_train_settings_branches (s, FL_BRANCHES_IMAGE_TEXT);
}

/* The baselines of run i's branches on its split, into runs (by branch);
 * FALSE, with a note, when one is missing. */
static gboolean
find_baselines (FlComparison *cmp,
                int           i,
                guint         fused,
                int           runs[FL_N_BRANCHES],
                GString      *notes)
{
  FlFusion routes[FL_N_FUSIONS];
  int n = fl_train_routes (fused, routes);
  gboolean missing = FALSE;

  for (int k = 0; k < n; k++)
    if (fl_fusion_single_branch (routes[k]) >= 0)
      {
        int b = fl_fusion_single_branch (routes[k]);

        runs[b] = find_baseline (cmp, i, routes[k]);
        missing = missing || runs[b] < 0;
      }
  if (missing)
    add_note (notes, fused == FL_BRANCHES_IMAGE_TEXT
                     ? _("To count the samples fusion rescues, compare it with an image-only and a text-only "
                         "run on the same split (Compare trains both).")
                     : _("To count the samples fusion rescues, compare it with a run of each modality it fuses "
                         "alone, on the same split (Compare trains them)."));
  return !missing;
}

/* The samples run i rescued from its baselines, and those it hurt. */
static void
compare_baselines (FlInsight    *ins,
                   FlComparison *cmp,
                   int           i,
                   GString      *notes)
{
  const FlRunResult *r = fl_comparison_result (cmp, i);
  int single = fl_fusion_single_branch (r->fusion), runs[FL_N_BRANCHES] = { -1, -1, -1, -1 }, n = 0;
  guint fused = fused_branches (cmp, i);
  const FlValidation *baselines[FL_N_BRANCHES];
  const char *names[FL_N_BRANCHES];
  g_autoptr(GArray) rescued = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GArray) hurt = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;

  if (single >= 0)
    {
      /* TRANSLATORS: %1$s is a run's name ("image 2"), %2$s a modality in the
       * plural ("the pictures") */
      note = g_strdup_printf (_("%s reads only %s: show a fusion run to see the samples fusion rescues."),
                              r->name, fl_branch_plural (single));
      add_note (notes, note);
      return;
    }
  if (!find_baselines (cmp, i, fused, runs, notes))
    return;
  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (runs[b] >= 0)
      {
        baselines[n] = fl_comparison_result (cmp, runs[b])->validation;
        names[n++] = fl_comparison_result (cmp, runs[b])->name;
      }
  if (!fl_validation_compare_baselines (r->validation, baselines, names, n, rescued, hurt, &error))
    {
      note = g_strdup_printf (_("The baselines were not validated on the same samples (%s)."), error->message);
      add_note (notes, note);
      return;
    }
  ins->compared = fused;
  memcpy (ins->baseline_run, runs, sizeof runs);
  ins->rescued = g_steal_pointer (&rescued);
  ins->hurt = g_steal_pointer (&hurt);
}

/* Run i's insight as far as its stored predictions go. */
static FlInsight *
insight_from_predictions (FlComparison *cmp,
                          int           i,
                          GString      *notes)
{
  const FlRunResult *r = fl_comparison_result (cmp, i);
  const FlValidation *v = r->validation;
  FlInsight *ins = insight_new ();

  ins->run = i;
  ins->run_name = g_strdup (r->name);
  ins->fusion = r->fusion;
  ins->n = v->n;
  ins->n_classes = v->n_classes;
  ins->class_names = g_strdupv (v->class_names);
  ins->rows = g_memdup2 (v->rows, sizeof (gint32) * MAX (v->n, 1));
  ins->labels = g_memdup2 (v->labels, sizeof (gint32) * MAX (v->n, 1));
  ins->predicted = g_new0 (gint32, MAX (v->n, 1));
  for (int k = 0; k < v->n; k++)
    ins->predicted[k] = fl_validation_predicted (v, k, NULL);
  compare_baselines (ins, cmp, i, notes);
  return ins;
}

/* ---- what the model tells, in a thread ------------------------------------------- */

typedef struct {
  FlRun     *run;                    /* borrowed: see the top of the file */
  FlInsight *insight;                /* the thread's until the task returns */
  gboolean   kinds[FL_N_FEATURE_MAPS];   /* the maps its route has */
  gboolean   gate;                   /* its route has a gate */
  GMutex     lock;
  GCond      cond;
  gboolean   done;                   /* the thread is through with run */
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  fl_insight_unref (job->insight);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_free (job);
}

static void
insight_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Job *job = data;
  FlInsight *ins = job->insight;
  GError *error = NULL;
  gboolean ok = fl_run_reliance (job->run, &ins->reliance, cancellable, &error);

  ins->has_reliance = ok;
  for (int k = 0; ok && k < FL_N_FEATURE_MAPS; k++)
    if (job->kinds[k])
      {
        ins->maps[k] = g_new (float, 2 * (gsize) MAX (ins->n, 1));
        ok = fl_run_feature_map (job->run, k, ins->maps[k], ins->explained[k], cancellable, &error);
      }
  if (ok && job->gate)
    {
      ins->gate_mean = g_new (double, (gsize) ins->n_classes * FL_N_BRANCHES);
      ok = fl_run_gate_weights (job->run, ins->gate_mean, ins->gate_hist, &ins->gate_branches, cancellable,
                                &error);
    }

  g_mutex_lock (&job->lock);
  job->done = TRUE;
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->lock);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* ---- the session's insight ------------------------------------------------------------ */

struct _FlSessionInsight {
  GObject       parent_instance;

  FlSession    *session;      /* weak: NULL once it is disposed */
  FlInsight    *insight;      /* shown, or NULL */
  gboolean      busy;
  char         *message;
  /* what the insight shown or worked out is of: the run, its model and its
   * comparison (-1, NULL, NULL: nothing) */
  int           run;
  FlRun        *model;
  FlComparison *cmp;
  GTask        *task;         /* the job under way, or NULL */
};

G_DEFINE_FINAL_TYPE (FlSessionInsight, fl_session_insight, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INSIGHT,
  PROP_BUSY,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define NO_RUNS N_("Compare the fusion methods (Compare) to see why fusion wins: which samples it gets right " \
                   "that each modality alone gets wrong, and what it leans on.")
#define TRAINING N_("The runs are training: why a run gets its answers is worked out once they end.")
#define REOPENED N_("Train again to see why: the experiment file keeps no weights, so what the model leans on " \
                    "and its feature maps cannot be worked out.")

/* Cancels the job under way; with wait, returns once its thread is through
 * with the run. Its result, if it comes, is dropped. */
static void
stop_job (FlSessionInsight *self,
          gboolean          wait)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  Job *job;

  if (task == NULL)
    return;
  g_cancellable_cancel (g_task_get_cancellable (task));
  job = g_task_get_task_data (task);
  g_mutex_lock (&job->lock);
  while (wait && !job->done)
    g_cond_wait (&job->cond, &job->lock);
  g_mutex_unlock (&job->lock);
}

static void
publish (FlSessionInsight *self,
         FlInsight        *insight,
         gboolean          busy,
         const char       *message)
{
  GObject *object = G_OBJECT (self);

  g_object_freeze_notify (object);
  if (self->insight != insight)
    {
      g_clear_pointer (&self->insight, fl_insight_unref);
      self->insight = insight != NULL ? fl_insight_ref (insight) : NULL;
      g_object_notify_by_pspec (object, properties[PROP_INSIGHT]);
    }
  if (self->busy != busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (object, properties[PROP_BUSY]);
    }
  if (g_strcmp0 (self->message, message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
      g_object_notify_by_pspec (object, properties[PROP_MESSAGE]);
    }
  g_object_thaw_notify (object);
}

/* Nothing to show, and why. */
static void
forget (FlSessionInsight *self,
        const char       *message)
{
  stop_job (self, FALSE);
  self->run = -1;
  self->model = NULL;
  self->cmp = NULL;
  publish (self, NULL, FALSE, message);
}

static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  FlSessionInsight *self = FL_SESSION_INSIGHT (source);
  GTask *task = G_TASK (result);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (task != self->task)
    return;   /* cancelled, or overtaken by another */
  g_clear_object (&self->task);
  if (!g_task_propagate_boolean (task, &error))
    {
      /* (the note is the thread's to write until now) */
      g_free (job->insight->note);
      job->insight->note = g_strdup_printf (_("Could not work out what %s leans on: %s"),
                                            job->insight->run_name, error->message);
    }
  publish (self, job->insight, FALSE, job->insight->note);
}

/* insight_thread on a thread of its own at background priority: the job
 * starts as a run ends, when the window draws the run's results, and on
 * one of GLib's pool at the interface's priority it took a core from the
 * main thread there (the end of bench/mainloop.sh's comparison: a 21 ms
 * gap, the main thread waiting 12 ms of it). Not one of the pool: that
 * thread would stay at the lower priority for other tasks. */
static gpointer
insight_main (gpointer data)
{
  g_autoptr(GTask) task = data;

  fl_thread_run_in_background ();
  insight_thread (task, g_task_get_source_object (task), g_task_get_task_data (task),
                  g_task_get_cancellable (task));
  return NULL;
}

/* Works out what the model of run i leans on, and its maps. */
static void
start_job (FlSessionInsight *self,
           FlRun            *run,
           FlInsight        *ins)
{
  const FlConfig *cfg = fl_model_config (fl_run_model (run));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *message = NULL;
  Job *job = g_new0 (Job, 1);

  job->run = run;
  job->insight = fl_insight_ref (ins);
  for (int k = 0; k < FL_N_FEATURE_MAPS; k++)
    job->kinds[k] = fl_config_feature_dim (cfg, k) > 0;
  job->gate = fl_config_feature_dim (cfg, FL_FEATURE_GATE) > 0;
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);

  self->task = g_task_new (self, cancellable, job_done_cb, NULL);
  g_task_set_source_tag (self->task, start_job);
  g_task_set_task_data (self->task, job, job_free);
  g_thread_unref (g_thread_new ("fl-insight", insight_main, g_object_ref (self->task)));
  /* TRANSLATORS: %s is a run's name ("concat") */
  message = g_strdup_printf (fl_dataset_branches (fl_run_dataset (run)) == FL_BRANCHES_IMAGE_TEXT
                             ? _("Working out what %s leans on: its validation samples go through the model "
                                 "again, without the pictures, then without the words…")
                             : _("Working out what %s leans on: its validation samples go through the model "
                                 "again, without each modality in turn…"), ins->run_name);
  publish (self, NULL, TRUE, message);
}

/* The shown run changed, or the training started or ended. */
static void
update (FlSessionInsight *self)
{
  FlSession *s = self->session;
  FlComparison *cmp = fl_session_get_comparison (s);
  int i = fl_session_get_shown_run (s), n_val = -1;
  FlRun *run;
  g_autoptr(FlInsight) ins = NULL;
  g_autoptr(GString) notes = g_string_new (NULL);

  if (fl_session_get_training (s) ||
      cmp == NULL || i < 0 || i >= fl_comparison_n_runs (cmp) || fl_comparison_result (cmp, i)->validation == NULL)
    {
      forget (self, _(fl_session_get_training (s) ? TRAINING : NO_RUNS));
      return;
    }
  if (fl_comparison_result (cmp, i)->tested_on != NULL)
    {
      forget (self, _("A test on other data: show a run trained here to see why it answers as it does."));
      return;
    }
  run = fl_session_get_shown_model (s);
  /* shown again (the data reloaded, say): it is what it was */
  if (i == self->run && run == self->model && cmp == self->cmp && (self->insight != NULL || self->task != NULL))
    return;
  stop_job (self, FALSE);
  self->run = i;
  self->model = run;
  self->cmp = cmp;
  ins = insight_from_predictions (cmp, i, notes);
  if (run != NULL)
    fl_run_val_indices (run, &n_val);
  if (run == NULL)
    add_note (notes, _(REOPENED));
  else if (n_val != ins->n)
    add_note (notes, _("Its predictions are not of its model's validation samples: train it again."));
  ins->note = notes->len > 0 ? g_strdup (notes->str) : NULL;
  if (run == NULL || n_val != ins->n)
    publish (self, ins, FALSE, ins->note);
  else
    start_job (self, run, ins);
}

/* The runs go (removals): the comparison is freed next. */
static void
runs_changed_cb (FlSessionInsight *self,
                 guint             position,
                 guint             removed,
                 guint             added,
                 GListModel       *runs)
{
  if (removed == 0)
    return;
  stop_job (self, TRUE);
  forget (self, _(NO_RUNS));
}

static void
session_disposed_cb (gpointer data,
                     GObject *session)
{
  FlSessionInsight *self = data;

  stop_job (self, TRUE);
  self->session = NULL;
}

static void
fl_session_insight_finalize (GObject *object)
{
  FlSessionInsight *self = FL_SESSION_INSIGHT (object);

  /* (a running task holds a reference: there is none) */
  g_assert (self->task == NULL);
  if (self->session != NULL)
    g_object_weak_unref (G_OBJECT (self->session), session_disposed_cb, self);
  g_clear_pointer (&self->insight, fl_insight_unref);
  g_free (self->message);

  G_OBJECT_CLASS (fl_session_insight_parent_class)->finalize (object);
}

static void
fl_session_insight_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FlSessionInsight *self = FL_SESSION_INSIGHT (object);

  switch (prop_id)
    {
    case PROP_INSIGHT: g_value_set_boxed (value, self->insight); break;
    case PROP_BUSY: g_value_set_boolean (value, self->busy); break;
    case PROP_MESSAGE: g_value_set_string (value, self->message); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_session_insight_class_init (FlSessionInsightClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fl_session_insight_finalize;
  object_class->get_property = fl_session_insight_get_property;

  properties[PROP_INSIGHT] = g_param_spec_boxed ("insight", NULL, NULL, FL_TYPE_INSIGHT, flags);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, flags);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fl_session_insight_init (FlSessionInsight *self)
{
  self->run = -1;
}

FlSessionInsight *
fl_session_get_insight (FlSession *session)
{
  FlSessionInsight *self;

  g_return_val_if_fail (FL_IS_SESSION (session), NULL);

  self = g_object_get_data (G_OBJECT (session), "fl-session-insight");
  if (self != NULL)
    return self;
  self = g_object_new (FL_TYPE_SESSION_INSIGHT, NULL);
  self->session = session;
  g_object_set_data_full (G_OBJECT (session), "fl-session-insight", self, g_object_unref);
  g_object_weak_ref (G_OBJECT (session), session_disposed_cb, self);
  g_signal_connect_object (session, "notify::shown-run", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::training", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (fl_session_get_runs (session), "items-changed", G_CALLBACK (runs_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update (self);
  return self;
}

FlInsight *
fl_session_insight_get_insight (FlSessionInsight *self)
{
  g_return_val_if_fail (FL_IS_SESSION_INSIGHT (self), NULL);
  return self->insight;
}

gboolean
fl_session_insight_get_busy (FlSessionInsight *self)
{
  g_return_val_if_fail (FL_IS_SESSION_INSIGHT (self), FALSE);
  return self->busy;
}

const char *
fl_session_insight_get_message (FlSessionInsight *self)
{
  g_return_val_if_fail (FL_IS_SESSION_INSIGHT (self), NULL);
  return self->message;
}
