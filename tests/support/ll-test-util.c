/* ll-test-util.c: see ll-test-util.h. */
#include "ll-test-util.h"

LlSimDevice *
ll_test_sim_device(const char *options)
{
  g_autoptr(GError) err = NULL;
  g_autofree gchar *resource = g_strconcat("sim:scpi?", options && *options ? options : "seed=1", NULL);
  LlSimDevice *d = ll_sim_device_open(resource, NULL, &err);
  g_assert_no_error(err);
  return d;
}
