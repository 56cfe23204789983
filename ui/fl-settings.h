/* SPDX-License-Identifier: MIT
 *
 * fl-settings.h — what Fusion Lab remembers between sessions, in GSettings
 * (schema org.fusionlab.FusionLab, resources/org.fusionlab.FusionLab.gschema.xml):
 * the window's size and maximised state, presentation mode, the data last
 * loaded with its columns, and the training panel's settings; and the
 * experiment files opened or saved, in GtkRecentManager.
 *
 * Only a window given to fl_settings_attach() remembers: the tests and the
 * --screenshot runs make windows without it, so a developer's remembered
 * settings never change what they see.
 */
#pragma once

#include <gio/gio.h>

#include "fl-window.h"

G_BEGIN_DECLS

#define FL_SETTINGS_SCHEMA_ID "org.fusionlab.FusionLab"

/* The settings in backend (NULL: the default one, dconf or a keyfile), or
 * NULL when the schema is nowhere: installed (or under GSETTINGS_SCHEMA_DIR),
 * or compiled in the build tree beside the program (build/resources, for
 * build/app/fusionlab and the tests). Then nothing is remembered. */
GSettings *fl_settings_new          (GSettingsBackend *backend);

/* Gives window the remembered size, maximised state, presentation mode and
 * training settings; remembers them again when the window goes (and the
 * data it has loaded then), and adds the experiment files it opens or
 * saves to the recent files. Call it before the command line's options, so
 * that they win. */
void       fl_settings_attach       (GSettings        *settings,
                                     FlWindow         *window);

/* Loads the data remembered, with its columns, when its folder and CSV are
 * still there; returns whether it started a load. */
gboolean   fl_settings_restore_data (GSettings        *settings,
                                     FlWindow         *window);

G_END_DECLS
