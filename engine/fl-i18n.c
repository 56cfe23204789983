/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-i18n"

#include "fl-i18n.h"

#include <locale.h>

/* Where the catalogues are: the build tree's po/ when the program runs from
 * the build tree (build/app, build/cli, build/tests: meson's i18n module
 * writes build/po/LANG/LC_MESSAGES/fusionlab.mo), else the installed
 * PREFIX/share/locale. FUSIONLAB_LOCALEDIR overrides both. */
const char *
fl_i18n_locale_dir (void)
{
  static gsize once;
  static char *dir;

  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv ("FUSIONLAB_LOCALEDIR");
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
      g_autofree char *bin = exe != NULL ? g_path_get_dirname (exe) : NULL;
      g_autofree char *tree = bin != NULL ? g_build_filename (bin, "..", "po", NULL) : NULL;
      g_autofree char *linguas = tree != NULL ? g_build_filename (tree, "LINGUAS", NULL) : NULL;
      char *found;

      if (env != NULL && *env != '\0')
        found = g_strdup (env);
      else if (linguas != NULL && g_file_test (linguas, G_FILE_TEST_IS_REGULAR))
        found = g_canonicalize_filename (tree, NULL);
      else
        found = g_strdup (FL_LOCALEDIR);
      dir = found;
      g_once_init_leave (&once, 1);
    }
  return dir;
}

/* The locale from the environment, with one repair: GNU gettext ignores
 * LANGUAGE when the messages locale is "C" — a fresh Debian machine or a
 * container has no LANG — so `LANGUAGE=zh_CN fusionlab` would stay in
 * English. Then the messages and the character set come from C.UTF-8
 * (always there in glibc ≥ 2.35), under which LANGUAGE counts. Numbers
 * keep the C locale's point, in the CLI and in the window alike: the CSV
 * exports, predictions and epoch lines are written with printf and must
 * parse on any machine (a German LC_NUMERIC would write 0,81); zh_CN
 * writes numbers with a point anyway. */
void
fl_i18n_init (void)
{
  const char *language = g_getenv ("LANGUAGE");
  const char *messages;

  setlocale (LC_ALL, "");
  messages = setlocale (LC_MESSAGES, NULL);
  if (language != NULL && *language != '\0' && messages != NULL
      && (g_str_equal (messages, "C") || g_str_equal (messages, "POSIX")))
    {
      setlocale (LC_MESSAGES, "C.UTF-8");
      setlocale (LC_CTYPE, "C.UTF-8");
    }
  setlocale (LC_NUMERIC, "C");
  bindtextdomain (GETTEXT_PACKAGE, fl_i18n_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
