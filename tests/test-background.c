/* SPDX-License-Identifier: MIT
 *
 * fl_thread_run_in_background() (ui/fl-ui-util.h), which the training
 * worker and the Search page's embedding call (issue 16: their threads
 * took the cores from the main thread when they ran at its priority): the
 * thread that calls it runs at nice 10 or lower, so does every thread it
 * starts afterwards (the engine's pool), and the thread that started it
 * keeps its own priority.
 */
#include "fl-ui-util.h"

#include "fl-test-util.h"

typedef struct {
  int before, after, child;
} Nices;

static int
thread_nice (void)
{
#ifdef __linux__
  return getpriority (PRIO_PROCESS, (id_t) gettid ());
#else
  return 0;
#endif
}

static gpointer
child_main (gpointer data)
{
  *(int *) data = thread_nice ();
  return NULL;
}

static gpointer
background_main (gpointer data)
{
  Nices *n = data;

  n->before = thread_nice ();
  fl_thread_run_in_background ();
  n->after = thread_nice ();
  g_thread_join (g_thread_new ("child", child_main, &n->child));
  return NULL;
}

static void
test_background (void)
{
  Nices n = { 0 };
  int mine = thread_nice ();

#ifndef __linux__
  g_test_skip ("nice values per thread are Linux's");
  return;
#endif
  g_thread_join (g_thread_new ("background", background_main, &n));
  g_test_message ("nice %d before, %d after, %d in the thread it started", n.before, n.after, n.child);
  g_assert_cmpint (n.after, >=, 10);
  g_assert_cmpint (n.after, >=, n.before);
  g_assert_cmpint (n.child, ==, n.after);
  g_assert_cmpint (thread_nice (), ==, mine);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/background/nice", test_background);
  return g_test_run ();
}
