/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fusionlab"

#include "fl-application.h"
#include "fl-i18n.h"

/* GTK 4.8 draws with OpenGL when it can, and on a machine without a GPU —
 * no render node in /dev/dri: a virtual machine, a remote desktop, Xvfb —
 * Mesa's GL is llvmpipe, which rasterises every frame on the CPU cores the
 * training thread is using. Measured (bench/mainloop.sh, 2 cores, Xvfb,
 * training on the icons): with GL the main loop's longest gap was 125.6 ms,
 * 51 of 916 gaps over a 60 Hz frame; with GTK's Cairo renderer 12.7 ms,
 * none over. So without a render node Fusion Lab asks for Cairo, unless
 * the user has chosen (GSK_RENDERER set). */
static void
choose_renderer (void)
{
  g_autoptr(GDir) dri = NULL;
  const char *name;
  gboolean render_node = FALSE;

  if (g_getenv ("GSK_RENDERER") != NULL)
    return;
  dri = g_dir_open ("/dev/dri", 0, NULL);
  while (dri != NULL && (name = g_dir_read_name (dri)) != NULL)
    render_node |= g_str_has_prefix (name, "renderD");
  if (!render_node)
    g_setenv ("GSK_RENDERER", "cairo", FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FlApplication) app = NULL;

  choose_renderer ();
  /* the locale set once, here, with LANGUAGE honoured in the C locale
   * (fl_i18n_init), not again by gtk_init */
  gtk_disable_setlocale ();
  fl_i18n_init ();
  app = fl_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
