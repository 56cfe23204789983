/* SPDX-License-Identifier: MIT
 *
 * fl-session-match.c — the session's matching runs (issue 15): pictures and
 * words trained into one shared space on the thread of an FlTrainWorker,
 * listed apart from the comparison's runs (their figures are R@k, not
 * accuracy), the last one's matcher kept for the Search page and for
 * saving.
 */
#define G_LOG_DOMAIN "fl-session"

#include "fl-session-private.h"

#include "fl-style.h"
#include "fl-i18n.h"

static void
match_epoch_cb (FlSession          *self,
                const FlMatchEpoch *e,
                FlTrainWorker      *worker)
{
  g_autofree char *speed = g_strdup_printf (_("%.0f pairs/s"), e->samples_per_s);

  fl_run_item_add_match_epoch (self->match_item, e);
  _fl_session_set_progress (self, (double) e->epoch / e->n_epochs, speed);
  if (fl_train_worker_get_paused (worker))
    _fl_session_set_status (self, _("Paused after epoch %d/%d"), e->epoch, e->n_epochs);
  else
    /* TRANSLATORS: the status line while matching trains: the epoch, R@1
     * both ways, the chance level, the median ranks both ways of n pairs */
    _fl_session_set_status (self, _("Epoch %d/%d · R@1 image→text %.1f%%, text→image %.1f%% "
                                    "(chance %.1f%%) · median rank %.0f and %.0f of %d"),
                            e->epoch, e->n_epochs, 100.0 * e->val.i2t.r1, 100.0 * e->val.t2i.r1,
                            100.0 / MAX (e->n_val, 1), e->val.i2t.median_rank, e->val.t2i.median_rank,
                            e->n_val);
  g_signal_emit (self, fl_session_signals[SIGNAL_MATCH_EPOCH], 0, self->match_item, e);
}

static void
match_finished_cb (FlSession     *self,
                   const GError  *error,
                   FlTrainWorker *worker)
{
  g_clear_pointer (&self->matcher, fl_matcher_free);
  self->matcher = fl_train_worker_steal_matcher (worker);
  fl_run_item_end_match (self->match_item, error, self->matcher != NULL ? fl_matcher_n_trained (self->matcher) : 0);

  if (error == NULL)
    {
      FlRunItem *item = self->match_item;
      g_autofree char *took = fl_format_duration (fl_run_item_get_seconds (item));
      g_autofree char *transfer = _fl_session_transfer_note (fl_matcher_run (self->matcher));

      /* TRANSLATORS: %1$s a run's name ("match 1"), %2$s a duration ("12 s"),
       * the last %s a note about the weights it started from, or empty */
      _fl_session_set_status (self, _("Finished %s in %s · best R@1 %.1f%%, R@10 %.1f%% (both ways, epoch %d)%s"),
                              fl_run_item_get_name (item), took, 100.0 * fl_run_item_get_accuracy (item),
                              100.0 * fl_run_item_get_f1 (item), fl_run_item_get_best_epoch (item), transfer);
      _fl_session_set_progress (self, 1.0, NULL);
      _fl_session_warn_held_out (self, fl_matcher_run (self->matcher));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fl_session_set_status (self, _("Matching stopped."));
  else
    {
      _fl_session_error (self, _("Matching stopped."), error->message);
      fl_session_set_status (self, _("Matching stopped with an error."));
    }
  _fl_session_notify_training (self);
  g_signal_emit (self, fl_session_signals[SIGNAL_FINISHED], 0, error);
}

gboolean
fl_session_train_match (FlSession             *self,
                        const FlMatchSettings *settings)
{
  guint n;

  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);

  if (self->ds == NULL || fl_session_get_training (self))
    return FALSE;
  self->pending_set = FALSE;
  _fl_session_drop_worker (self);

  if (self->ds->fingerprint != self->match_samples)
    _fl_session_clear_match (self);
  self->match_samples = self->ds->fingerprint;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->match_runs));
  g_clear_object (&self->match_item);
  self->match_item = fl_run_item_new_match ((int) n, settings);
  g_list_store_append (self->match_runs, self->match_item);
  fl_run_item_set_data_branches (self->match_item, fl_session_get_branches (self));

  self->comparing = FALSE;
  self->worker = fl_train_worker_new_match (self->ds, settings);
  g_signal_connect_object (self->worker, "match-epoch", G_CALLBACK (match_epoch_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "finished", G_CALLBACK (match_finished_cb), self, G_CONNECT_SWAPPED);
  _fl_session_set_progress (self, 0.0, "");
  _fl_session_set_status (self, _("Preparing %s: splitting the pairs, building the vocabulary and the branches…"),
                          fl_run_item_get_name (self->match_item));
  fl_train_worker_start (self->worker);
  _fl_session_notify_training (self);
  g_signal_emit (self, fl_session_signals[SIGNAL_MATCH_STARTED], 0, self->match_item);
  return TRUE;
}

void
fl_session_train_match_after_load (FlSession             *self,
                                   const FlMatchSettings *settings)
{
  g_return_if_fail (FL_IS_SESSION (self));

  self->pending_match = *settings;
  self->pending_set = TRUE;
  self->pending_is_match = TRUE;
}

void
_fl_session_train_pending (FlSession *self)
{
  FlTrainSettings settings = self->pending;
  FlMatchSettings match = self->pending_match;

  self->pending_set = FALSE;
  if (self->pending_is_match)
    fl_session_train_match (self, &match);
  else
    fl_session_train (self, &settings, self->pending_compare);
}

void
_fl_session_clear_match (FlSession *self)
{
  g_list_store_remove_all (self->match_runs);
  g_clear_object (&self->match_item);
  g_clear_pointer (&self->matcher, fl_matcher_free);
}

GListModel *
fl_session_get_match_runs (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->match_runs);
}

FlRunItem *
fl_session_get_match_item (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), NULL);
  return self->match_item;
}

FlMatcher *
fl_session_get_matcher (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), NULL);
  return fl_session_get_training (self) ? NULL : self->matcher;
}

void
_fl_session_class_add_match_signals (GType type)
{
  fl_session_signals[SIGNAL_MATCH_STARTED] =
    g_signal_new ("match-started", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, FL_TYPE_RUN_ITEM);
  fl_session_signals[SIGNAL_MATCH_EPOCH] =
    g_signal_new ("match-epoch", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  FL_TYPE_RUN_ITEM, G_TYPE_POINTER);
}
