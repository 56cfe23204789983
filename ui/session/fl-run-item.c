/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-run-item"

#include "fl-run-item.h"

#include "fl-style.h"
#include "fl-i18n.h"

#include <string.h>

struct _FlRunItem {
  GObject          parent_instance;

  int              index;
  int              color;        /* its entry of the palette */
  guint            data_branches; /* of the data it trained on; 0: unknown */
  char            *name;
  FlFusion         fusion;
  FlTrainSettings  settings;
  int              image_size;
  FlImageFit       image_fit;
  FlRunStatus      status;
  char            *error;
  gboolean         has_figures;
  double           accuracy;
  double           f1;
  int              best_epoch;
  double           seconds;
  guint64          n_params;
  GArray          *epochs;       /* of FlEpochStats */
  GArray          *batch_loss;   /* of double */
  int              batches_per_epoch;
  gboolean         visible;
  gboolean         best;
  char            *test_data;    /* a test on other data: its CSV's name */
  gboolean         test_of_file; /* of a model file, whose settings are not known */
  /* a matching run (fl-matcher.h): accuracy is its best R@1, f1 its R@10
   * at that epoch, both the mean of the two directions */
  gboolean         match;
  FlMatchSettings  match_settings;
  GArray          *match_epochs; /* of FlMatchEpoch */
};

G_DEFINE_FINAL_TYPE (FlRunItem, fl_run_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INDEX,
  PROP_NAME,
  PROP_FUSION_TITLE,
  PROP_SETTINGS_TEXT,
  PROP_STATUS_TEXT,
  PROP_ACCURACY,
  PROP_F1,
  PROP_BEST_EPOCH,
  PROP_SECONDS,
  PROP_N_PARAMS,
  PROP_ACCURACY_TEXT,
  PROP_F1_TEXT,
  PROP_EPOCH_TEXT,
  PROP_TIME_TEXT,
  PROP_PARAMS_TEXT,
  PROP_LABEL_CLASSES,
  PROP_FUSION_EXPLAIN,
  PROP_ERROR,
  PROP_VISIBLE,
  PROP_BEST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The picture fit as the settings column says it, short and lower case;
 * squash, the default, is not said. */
static const char *
fit_word (FlImageFit fit)
{
  switch (fit)
    {
    case FL_IMAGE_FIT_CROP: return C_("picture fit, in a run's settings", "crop");
    case FL_IMAGE_FIT_PAD: return C_("picture fit, in a run's settings", "pad");
    default: return fl_image_fit_to_string (fit);
    }
}

/* "10 ep · lr 0.001 · bs 64", and the image size when it is not 64 px;
 * first, the modalities a fusion fused when they were not all the data's
 * ("picture + sound · 10 ep · …") */
static char *
settings_text (FlRunItem *self)
{
  FlTrainSettings s = self->settings;
  gboolean some = s.branches != 0 && fl_fusion_single_branch (s.fusion) < 0;
  g_autofree char *text = NULL, *title = some ? fl_branches_title (s.branches) : NULL;
  g_autofree char *fused = title != NULL ? g_ascii_strdown (title, -1) : NULL;
  GString *out;

  if (self->test_of_file)
    /* TRANSLATORS: the settings of a test of a model file: its test data's CSV */
    return g_strdup_printf (_("on %s · a model file"), self->test_data);
  /* (the engine's words for them are "image,audio": said here in ours) */
  s.branches = 0;
  text = fl_train_settings_describe (&s);
  /* first: a narrow column shows no more than its start */
  out = g_string_new (fused);
  g_string_append_printf (out, "%s%s", out->len > 0 ? " · " : "", text);
  if (self->image_size > 0 && self->image_size != 64)
    g_string_append_printf (out, _(" · %d px"), self->image_size);
  if (self->image_fit != FL_IMAGE_FIT_SQUASH)
    g_string_append_printf (out, " · %s", fit_word (self->image_fit));
  if (self->test_data != NULL)
    {
      /* TRANSLATORS: a test's settings: its test data's CSV, then the
       * settings of the run tested ("on tango.csv · 10 ep · lr 0.001") */
      g_autofree char *on = g_strdup_printf (_("on %s · "), self->test_data);

      g_string_prepend (out, on);
    }
  return g_string_free (out, FALSE);
}

/* Its route in words, about the modalities it read (a baseline: about
 * those of its data, which it ignores but one) */
static const char *
fusion_explain (FlRunItem *self)
{
  guint data = self->data_branches;

  if (data == 0 || fl_fusion_single_branch (self->fusion) >= 0)
    return fl_fusion_explain_for (self->fusion, data);
  return fl_fusion_explain_for (self->fusion, fl_train_settings_branches (&self->settings, data));
}

/* "InfoNCE · E 64 · 10 ep · lr 0.001 · bs 64" */
static char *
match_settings_text (FlRunItem *self)
{
  g_autofree char *train = fl_train_settings_describe (&self->match_settings.train);

  return g_strdup_printf ("%s · E %d · %s", fl_match_loss_title (self->match_settings.loss),
                          self->match_settings.embed_dim, train);
}

/* What the runs list shows of a figure: "—" until there is one. */
static char *
figure_text (FlRunItem *self,
             guint      prop_id)
{
  if (self->match && self->has_figures && prop_id == PROP_ACCURACY_TEXT)
    return g_strdup_printf ("R@1 %.1f%%", 100.0 * self->accuracy);
  if (self->match && self->has_figures && prop_id == PROP_F1_TEXT)
    return g_strdup_printf ("R@10 %.1f%%", 100.0 * self->f1);
  switch (prop_id)
    {
    case PROP_ACCURACY_TEXT:
      return self->has_figures ? g_strdup_printf ("%.1f%%", 100.0 * self->accuracy) : g_strdup ("—");
    case PROP_F1_TEXT:
      return self->has_figures ? g_strdup_printf ("%.3f", self->f1) : g_strdup ("—");
    case PROP_EPOCH_TEXT:
      return self->has_figures && self->test_data == NULL ? g_strdup_printf ("%d", self->best_epoch) : g_strdup ("—");
    case PROP_TIME_TEXT:
      return self->seconds > 0.0 ? g_strdup_printf (_("%.1f s"), self->seconds) : g_strdup ("—");
    case PROP_PARAMS_TEXT:
      return self->n_params > 0 ? fl_format_count (self->n_params, "\u2009") : g_strdup ("—");
    default:
      g_assert_not_reached ();
    }
}

/* The figures changed (every epoch: up to PROP_PARAMS_TEXT), or with all,
 * everything an update from the worker may change, up to the error. The
 * runs table binds tooltips to the fusion's explanation and the error, and
 * setting a tooltip asks the X server where the pointer is: not at every
 * epoch of every run (issue 16). */
static void
notify_figures (FlRunItem *self,
                gboolean   all)
{
  g_object_freeze_notify (G_OBJECT (self));
  for (guint p = PROP_STATUS_TEXT; p <= (all ? PROP_ERROR : PROP_PARAMS_TEXT); p++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[p]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
fl_run_item_finalize (GObject *object)
{
  FlRunItem *self = FL_RUN_ITEM (object);

  g_free (self->name);
  g_free (self->error);
  g_free (self->test_data);
  g_array_unref (self->epochs);
  g_array_unref (self->batch_loss);
  g_array_unref (self->match_epochs);

  G_OBJECT_CLASS (fl_run_item_parent_class)->finalize (object);
}

static void
fl_run_item_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FlRunItem *self = FL_RUN_ITEM (object);

  switch (prop_id)
    {
    case PROP_INDEX: g_value_set_int (value, self->index); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_FUSION_TITLE:
      g_value_set_string (value, self->match ? C_("run list, fusion column", "Matching") : fl_fusion_short_title (self->fusion));
      break;
    case PROP_SETTINGS_TEXT:
      g_value_take_string (value, self->match ? match_settings_text (self) : settings_text (self));
      break;
    case PROP_STATUS_TEXT:
      g_value_set_string (value, self->best ? C_("run status", "Best") : self->test_data != NULL ? C_("run status", "Test")
                                 : fl_run_status_title (self->status));
      break;
    case PROP_ACCURACY: g_value_set_double (value, self->has_figures ? self->accuracy : -1.0); break;
    case PROP_F1: g_value_set_double (value, self->has_figures ? self->f1 : -1.0); break;
    case PROP_BEST_EPOCH: g_value_set_int (value, self->best_epoch); break;
    case PROP_SECONDS: g_value_set_double (value, self->seconds); break;
    case PROP_N_PARAMS: g_value_set_uint64 (value, self->n_params); break;
    case PROP_ACCURACY_TEXT:
    case PROP_F1_TEXT:
    case PROP_EPOCH_TEXT:
    case PROP_TIME_TEXT:
    case PROP_PARAMS_TEXT:
      g_value_take_string (value, figure_text (self, prop_id));
      break;
    case PROP_LABEL_CLASSES:
      {
        const char *classes[] = { "numeric", self->best ? "fl-best-run" : NULL, NULL };
        g_value_set_boxed (value, classes);
      }
      break;
    case PROP_FUSION_EXPLAIN:
      g_value_set_string (value, self->match ? _("Pictures and words trained into one shared space on their "
                                                 "pairs, without the labels; R@k: how often the true partner "
                                                 "ranks among the k nearest, in both directions")
                                             : fusion_explain (self));
      break;
    case PROP_ERROR: g_value_set_string (value, self->error); break;
    case PROP_VISIBLE: g_value_set_boolean (value, self->visible); break;
    case PROP_BEST: g_value_set_boolean (value, self->best); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_run_item_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FlRunItem *self = FL_RUN_ITEM (object);

  switch (prop_id)
    {
    case PROP_VISIBLE: fl_run_item_set_visible (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
double_property (const char *name)
{
  return g_param_spec_double (name, NULL, NULL, -1.0, G_MAXDOUBLE, 0.0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
fl_run_item_class_init (FlRunItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fl_run_item_finalize;
  object_class->get_property = fl_run_item_get_property;
  object_class->set_property = fl_run_item_set_property;

  properties[PROP_INDEX] = g_param_spec_int ("index", NULL, NULL, 0, G_MAXINT, 0,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = string_property ("name");
  properties[PROP_FUSION_TITLE] = string_property ("fusion-title");
  properties[PROP_SETTINGS_TEXT] = string_property ("settings-text");
  properties[PROP_STATUS_TEXT] = string_property ("status-text");
  /* -1 before the first epoch, so that those runs sort last */
  properties[PROP_ACCURACY] = double_property ("accuracy");
  properties[PROP_F1] = double_property ("f1");
  properties[PROP_BEST_EPOCH] = g_param_spec_int ("best-epoch", NULL, NULL, 0, G_MAXINT, 0,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECONDS] = double_property ("seconds");
  properties[PROP_N_PARAMS] = g_param_spec_uint64 ("n-params", NULL, NULL, 0, G_MAXUINT64, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCURACY_TEXT] = string_property ("accuracy-text");
  properties[PROP_F1_TEXT] = string_property ("f1-text");
  properties[PROP_EPOCH_TEXT] = string_property ("epoch-text");
  properties[PROP_TIME_TEXT] = string_property ("time-text");
  properties[PROP_PARAMS_TEXT] = string_property ("params-text");
  /* the CSS classes of its cells: the best run stands out */
  properties[PROP_LABEL_CLASSES] = g_param_spec_boxed ("label-classes", NULL, NULL, G_TYPE_STRV,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FUSION_EXPLAIN] = string_property ("fusion-explain");
  properties[PROP_ERROR] = string_property ("error");
  properties[PROP_VISIBLE] = g_param_spec_boolean ("visible", NULL, NULL, TRUE,
                                                   G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                   G_PARAM_STATIC_STRINGS);
  properties[PROP_BEST] = g_param_spec_boolean ("best", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fl_run_item_init (FlRunItem *self)
{
  self->epochs = g_array_new (FALSE, FALSE, sizeof (FlEpochStats));
  self->batch_loss = g_array_new (FALSE, FALSE, sizeof (double));
  self->match_epochs = g_array_new (FALSE, FALSE, sizeof (FlMatchEpoch));
  self->visible = TRUE;
}

/* Copies what r holds now into the item, without notifying. */
static void
take_result (FlRunItem         *self,
             const FlRunResult *r)
{
  g_free (self->name);
  self->name = g_strdup (r->name);
  self->fusion = r->fusion;
  self->settings = r->settings;
  self->image_size = r->image_size;
  self->image_fit = r->image_fit;
  self->status = r->status;
  g_free (self->error);
  self->error = g_strdup (r->error);
  g_free (self->test_data);
  self->test_data = r->tested_on != NULL ? g_path_get_basename (r->tested_on) : NULL;
  self->test_of_file = r->tested_on != NULL && r->test_of < 0;
  self->has_figures = r->best_epoch > 0 || self->test_data != NULL;
  self->accuracy = r->best_val_acc;
  self->f1 = r->best_val_f1;
  self->best_epoch = r->best_epoch;
  self->seconds = r->train_seconds;
  self->n_params = r->n_params;
  g_array_set_size (self->epochs, 0);
  g_array_append_vals (self->epochs, r->epochs->data, r->epochs->len);
  g_array_set_size (self->batch_loss, 0);
  g_array_append_vals (self->batch_loss, r->batch_loss->data, r->batch_loss->len);
  self->batches_per_epoch = r->batches_per_epoch;
}

FlRunItem *
fl_run_item_new (int                index,
                 const FlRunResult *r)
{
  FlRunItem *self;

  g_return_val_if_fail (r != NULL, NULL);

  self = g_object_new (FL_TYPE_RUN_ITEM, NULL);
  self->index = self->color = index;
  take_result (self, r);
  return self;
}

void
fl_run_item_update (FlRunItem         *self,
                    const FlRunResult *r)
{
  g_autofree char *error = NULL;
  FlFusion fusion;

  g_return_if_fail (FL_IS_RUN_ITEM (self));

  /* the tooltips follow the fusion and the error: told only when they change */
  error = g_strdup (self->error);
  fusion = self->fusion;
  take_result (self, r);
  notify_figures (self, fusion != self->fusion || g_strcmp0 (error, self->error) != 0);
}

void
fl_run_item_start (FlRunItem *self)
{
  g_return_if_fail (FL_IS_RUN_ITEM (self));

  self->status = FL_RUN_RUNNING;
  self->has_figures = FALSE;
  self->accuracy = self->f1 = self->seconds = 0.0;
  self->best_epoch = 0;
  g_array_set_size (self->epochs, 0);
  g_array_set_size (self->batch_loss, 0);
  notify_figures (self, FALSE);
}

void
fl_run_item_add_epoch (FlRunItem          *self,
                       const FlEpochStats *stats)
{
  g_return_if_fail (FL_IS_RUN_ITEM (self));

  g_array_append_vals (self->epochs, stats, 1);
  self->has_figures = TRUE;
  self->accuracy = stats->val_acc;
  self->f1 = stats->val_f1;
  self->best_epoch = stats->epoch;
  notify_figures (self, FALSE);
}

FlRunItem *
fl_run_item_new_match (int                    index,
                       const FlMatchSettings *settings)
{
  FlRunItem *self;

  g_return_val_if_fail (settings != NULL, NULL);

  self = g_object_new (FL_TYPE_RUN_ITEM, NULL);
  self->index = self->color = index;
  self->match = TRUE;
  self->match_settings = *settings;
  self->settings = settings->train;
  self->fusion = settings->train.fusion;
  /* not translated: a run's name is an identifier, like the engine's
   * "concat 2", and goes into the files written of it */
  self->name = g_strdup_printf ("match %d", index + 1);
  self->status = FL_RUN_PENDING;
  return self;
}

/* The mean of the two directions' R@1, by which a matching run's best
 * epoch is chosen. */
static double
mean_r1 (const FlMatchEpoch *e)
{
  return 0.5 * (e->val.i2t.r1 + e->val.t2i.r1);
}

void
fl_run_item_add_match_epoch (FlRunItem          *self,
                             const FlMatchEpoch *epoch)
{
  g_return_if_fail (FL_IS_RUN_ITEM (self) && self->match);

  g_array_append_vals (self->match_epochs, epoch, 1);
  self->status = FL_RUN_RUNNING;
  self->seconds += epoch->seconds;
  if (!self->has_figures || mean_r1 (epoch) > self->accuracy)
    {
      self->accuracy = mean_r1 (epoch);
      self->f1 = 0.5 * (epoch->val.i2t.r10 + epoch->val.t2i.r10);
      self->best_epoch = epoch->epoch;
    }
  self->has_figures = TRUE;
  notify_figures (self, FALSE);
}

void
fl_run_item_end_match (FlRunItem    *self,
                       const GError *error,
                       guint64       n_params)
{
  g_return_if_fail (FL_IS_RUN_ITEM (self) && self->match);

  self->status = error == NULL ? FL_RUN_DONE
                 : g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? FL_RUN_CANCELLED : FL_RUN_FAILED;
  g_free (self->error);
  self->error = error != NULL ? g_strdup (error->message) : NULL;
  self->n_params = n_params;
  notify_figures (self, TRUE);
}

gboolean
fl_run_item_get_match (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), FALSE);
  return self->match;
}

const FlMatchSettings *
fl_run_item_get_match_settings (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self) && self->match, NULL);
  return &self->match_settings;
}

GArray *
fl_run_item_get_match_epochs (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), NULL);
  return self->match_epochs;
}

int
fl_run_item_get_index (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), -1);
  return self->index;
}

const char *
fl_run_item_get_name (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), NULL);
  return self->name;
}

FlFusion
fl_run_item_get_fusion (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), FL_FUSION_CONCAT);
  return self->fusion;
}

const FlTrainSettings *
fl_run_item_get_settings (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), NULL);
  return &self->settings;
}

int
fl_run_item_get_image_size (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), 0);
  return self->image_size;
}

FlRunStatus
fl_run_item_get_status (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), FL_RUN_PENDING);
  return self->status;
}

const char *
fl_run_item_get_error (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), NULL);
  return self->error;
}

gboolean
fl_run_item_get_has_figures (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), FALSE);
  return self->has_figures;
}

double
fl_run_item_get_accuracy (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), 0.0);
  return self->accuracy;
}

double
fl_run_item_get_f1 (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), 0.0);
  return self->f1;
}

int
fl_run_item_get_best_epoch (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), 0);
  return self->best_epoch;
}

double
fl_run_item_get_seconds (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), 0.0);
  return self->seconds;
}

guint64
fl_run_item_get_n_params (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), 0);
  return self->n_params;
}

GArray *
fl_run_item_get_epochs (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), NULL);
  return self->epochs;
}

GArray *
fl_run_item_get_batch_loss (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), NULL);
  return self->batch_loss;
}

int
fl_run_item_get_batches_per_epoch (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), 0);
  return self->batches_per_epoch;
}

gboolean
fl_run_item_get_visible (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), FALSE);
  return self->visible;
}

void
fl_run_item_set_visible (FlRunItem *self,
                         gboolean   visible)
{
  g_return_if_fail (FL_IS_RUN_ITEM (self));

  if (self->visible == !!visible)
    return;
  self->visible = !!visible;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE]);
}

gboolean
fl_run_item_get_best (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), FALSE);
  return self->best;
}

void
fl_run_item_set_best (FlRunItem *self,
                      gboolean   best)
{
  g_return_if_fail (FL_IS_RUN_ITEM (self));

  if (self->best == !!best)
    return;
  self->best = !!best;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BEST]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL_CLASSES]);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
fl_run_item_get_color (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), NULL);
  return fl_run_color (self->color);
}

const char *
fl_run_item_get_color_class (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), NULL);
  return fl_run_color_class (self->color);
}

void
fl_run_item_set_data_branches (FlRunItem *self,
                               guint      branches)
{
  g_return_if_fail (FL_IS_RUN_ITEM (self));
  self->data_branches = branches;
}

void
fl_run_item_set_color_index (FlRunItem *self,
                             int        color)
{
  g_return_if_fail (FL_IS_RUN_ITEM (self));
  self->color = color;
}

gboolean
fl_run_item_get_test (FlRunItem *self)
{
  g_return_val_if_fail (FL_IS_RUN_ITEM (self), FALSE);
  return self->test_data != NULL;
}

void
fl_run_item_set_index (FlRunItem *self,
                       int        index)
{
  g_return_if_fail (FL_IS_RUN_ITEM (self));
  self->index = index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INDEX]);
}
