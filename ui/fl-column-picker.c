/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-column-picker"

#include "fl-column-picker.h"

#include "fl-i18n.h"
#include "fl-ui-util.h"

struct _FlColumnPicker {
  GtkWidget       parent_instance;

  /* template widgets */
  GtkDropDown    *image_col_dropdown;
  GtkDropDown    *text_col_dropdown;
  GtkDropDown    *label_col_dropdown;
  GtkDropDown    *audio_col_dropdown;
  GtkMenuButton  *numeric_button;
  GtkBox         *numeric_box;

  gboolean        updating;      /* set from code: nothing to report */
};

G_DEFINE_FINAL_TYPE (FlColumnPicker, fl_column_picker, GTK_TYPE_WIDGET)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static guint
header_index (const char *const *headers,
              const char        *name)
{
  for (guint i = 0; name != NULL && headers != NULL && headers[i] != NULL; i++)
    if (g_strcmp0 (headers[i], name) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

/* A drop-down of the headers after a first entry (NULL: none), with name
 * selected — or the first entry, when name is NULL or "". */
static void
fill (GtkDropDown       *dropdown,
      const char *const *headers,
      const char        *first,
      const char        *name)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new ((const char *const[]) { first, NULL });
  guint pos = header_index (headers, name);

  gtk_string_list_splice (list, first != NULL ? 1 : 0, 0, headers);
  if (first != NULL && (name == NULL || name[0] == '\0'))
    pos = 0;
  else if (first != NULL && pos != GTK_INVALID_LIST_POSITION)
    pos++;
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (dropdown, pos);
}

/* "All 3", "1 of 3", "None"; "None in this file" with nothing to tick. */
static void
update_numeric_label (FlColumnPicker *self)
{
  int n = 0, ticked = 0;
  g_autofree char *label = NULL;

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->numeric_box)); c != NULL;
       c = gtk_widget_get_next_sibling (c), n++)
    ticked += gtk_check_button_get_active (GTK_CHECK_BUTTON (c));
  if (n == 0)
    label = g_strdup (_("None in this file"));
  else if (ticked == 0)
    label = g_strdup (C_("numeric columns", "None"));
  else if (ticked == n)
    label = g_strdup_printf (_("All %d"), n);
  else
    /* TRANSLATORS: the numeric columns' button: %d columns ticked of %d */
    label = g_strdup_printf (_("%d of %d"), ticked, n);
  gtk_menu_button_set_label (self->numeric_button, label);
  gtk_widget_set_sensitive (GTK_WIDGET (self->numeric_button), n > 0);
}

static void
column_changed_cb (FlColumnPicker *self,
                   GParamSpec     *pspec,
                   GtkDropDown    *dropdown)
{
  if (!self->updating)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
numeric_toggled_cb (FlColumnPicker *self,
                    GtkCheckButton *check)
{
  update_numeric_label (self);
  if (!self->updating)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* A check box per column of numbers, ticked when it is used. */
static void
fill_numeric (FlColumnPicker     *self,
              const char *const  *numeric,
              char *const        *used)
{
  GtkWidget *c;

  while ((c = gtk_widget_get_first_child (GTK_WIDGET (self->numeric_box))) != NULL)
    gtk_box_remove (self->numeric_box, c);
  for (int i = 0; numeric != NULL && numeric[i] != NULL; i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (numeric[i]);

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   used != NULL && g_strv_contains ((const char *const *) used, numeric[i]));
      g_signal_connect_object (check, "toggled", G_CALLBACK (numeric_toggled_cb), self, G_CONNECT_SWAPPED);
      gtk_box_append (self->numeric_box, check);
    }
}

void
fl_column_picker_set_columns (FlColumnPicker     *self,
                              const char *const  *headers,
                              const FlLoadReport *report,
                              const char *const  *numeric)
{
  g_return_if_fail (FL_IS_COLUMN_PICKER (self));
  g_return_if_fail (report != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self), headers != NULL);
  if (headers == NULL)
    return;

  self->updating = TRUE;
  fill (self->image_col_dropdown, headers, NULL, report->image_col);
  fill (self->text_col_dropdown, headers, NULL, report->text_col);
  /* "Folder names" first: no label column, or "" */
  fill (self->label_col_dropdown, headers, _("Folder names"), report->label_col);
  fill (self->audio_col_dropdown, headers, C_("sound column", "None"), report->audio_col);
  fill_numeric (self, numeric, report->numeric_cols);
  update_numeric_label (self);
  self->updating = FALSE;
}

static char *
selected_column (GtkDropDown *dropdown,
                 gboolean     none_first)
{
  guint pos = gtk_drop_down_get_selected (dropdown);
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  if (item == NULL)
    return NULL;
  if (none_first && pos == 0)
    return g_strdup ("");
  return g_strdup (gtk_string_object_get_string (item));
}

/* The columns ticked, or NULL when every one is. */
static char **
ticked_numeric (FlColumnPicker *self)
{
  g_autoptr(GPtrArray) ticked = g_ptr_array_new ();
  gboolean all = TRUE;

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->numeric_box)); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (gtk_check_button_get_active (GTK_CHECK_BUTTON (c)))
      g_ptr_array_add (ticked, g_strdup (gtk_check_button_get_label (GTK_CHECK_BUTTON (c))));
    else
      all = FALSE;
  if (all)
    {
      g_ptr_array_set_free_func (ticked, g_free);
      return NULL;
    }
  g_ptr_array_add (ticked, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&ticked), FALSE);
}

void
fl_column_picker_get_columns (FlColumnPicker *self,
                              FlDataFiles    *files)
{
  g_return_if_fail (FL_IS_COLUMN_PICKER (self));
  g_return_if_fail (files != NULL);

  g_free (files->image_col);
  g_free (files->text_col);
  g_free (files->label_col);
  g_free (files->audio_col);
  g_strfreev (files->numeric_cols);
  files->image_col = selected_column (self->image_col_dropdown, FALSE);
  files->text_col = selected_column (self->text_col_dropdown, FALSE);
  files->label_col = selected_column (self->label_col_dropdown, TRUE);
  files->audio_col = selected_column (self->audio_col_dropdown, TRUE);
  files->numeric_cols = ticked_numeric (self);
}

GtkDropDown *
fl_column_picker_get_sound_dropdown (FlColumnPicker *self)
{
  g_return_val_if_fail (FL_IS_COLUMN_PICKER (self), NULL);
  return self->audio_col_dropdown;
}

GtkCheckButton *
fl_column_picker_get_numeric_check (FlColumnPicker *self,
                                    const char     *column)
{
  g_return_val_if_fail (FL_IS_COLUMN_PICKER (self), NULL);

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->numeric_box)); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (c)), column) == 0)
      return GTK_CHECK_BUTTON (c);
  return NULL;
}

const char *
fl_column_picker_get_numeric_label (FlColumnPicker *self)
{
  g_return_val_if_fail (FL_IS_COLUMN_PICKER (self), NULL);
  return gtk_menu_button_get_label (self->numeric_button);
}

static void
fl_column_picker_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), FL_TYPE_COLUMN_PICKER);
  fl_widget_unparent_children (GTK_WIDGET (object));

  G_OBJECT_CLASS (fl_column_picker_parent_class)->dispose (object);
}

static void
fl_column_picker_class_init (FlColumnPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_column_picker_dispose;

  /* the user chose other columns */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-column-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, FlColumnPicker, image_col_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlColumnPicker, text_col_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlColumnPicker, label_col_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlColumnPicker, audio_col_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlColumnPicker, numeric_button);
  gtk_widget_class_bind_template_child (widget_class, FlColumnPicker, numeric_box);
  gtk_widget_class_bind_template_callback (widget_class, column_changed_cb);

  gtk_widget_class_set_css_name (widget_class, "columnpicker");
}

static void
fl_column_picker_init (FlColumnPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_numeric_label (self);
}

GtkWidget *
fl_column_picker_new (void)
{
  return g_object_new (FL_TYPE_COLUMN_PICKER, NULL);
}
