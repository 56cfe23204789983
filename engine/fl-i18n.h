/* SPDX-License-Identifier: MIT */
#pragma once

/* Every user-visible string is marked: _("…") where it is used, N_("…")
 * in a table translated where it is shown, C_("context", "…") where an
 * English word has two meanings, and g_dngettext (NULL, "one", "many", n)
 * for counts. gi18n-lib.h looks them up in GETTEXT_PACKAGE ("fusionlab",
 * set by meson.build) whatever textdomain() says, so the engine's
 * messages are translated in the app and in the CLI alike. */
#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

void        fl_i18n_init         (void);
const char *fl_i18n_locale_dir   (void);

G_END_DECLS
