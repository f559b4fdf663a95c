/* ll-test-util.c: see ll-test-util.h. */
#include "ll-test-util.h"

#include <sys/wait.h>

LlSimDevice *
ll_test_sim_device(const char *options)
{
  g_autoptr(GError) err = NULL;
  g_autofree gchar *resource = g_strconcat("sim:scpi?", options && *options ? options : "seed=1", NULL);
  LlSimDevice *d = ll_sim_device_open(resource, NULL, &err);
  g_assert_no_error(err);
  return d;
}

void
ll_test_run_clear(LlTestRun *r)
{
  g_clear_pointer(&r->out, g_free);
  g_clear_pointer(&r->err, g_free);
}

void
ll_test_run(LlTestRun *r, const char *const *args)
{
  ll_test_run_in(r, NULL, args);
}

void
ll_test_run_in(LlTestRun *r, const char *cwd, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(argv, g_build_filename(g_getenv("LL_BIN"), "lightline", NULL));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add(argv, g_strdup(args[i]));
  g_ptr_array_add(argv, NULL);
  int wait = 0;
  g_autoptr(GError) err = NULL;
  g_assert_true(g_spawn_sync(cwd, (gchar **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &r->out,
                             &r->err, &wait, &err));
  g_assert_true(WIFEXITED(wait));
  r->status = WEXITSTATUS(wait);
  g_test_message("exit %d\nstdout:\n%s\nstderr:\n%s", r->status, r->out, r->err);
}
