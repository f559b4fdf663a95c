/* ll-test-util.h: small helpers every test may use. */
#pragma once

#include "sim/ll-sim-device.h"

G_BEGIN_DECLS

/* A "scpi" simulator with @options written as in a sim: resource
 * ("fault=noreply&serial=X"; NULL or "" for none). Asserts it was created. */
LlSimDevice *ll_test_sim_device(const char *options);

/* A run of the built `lightline` ($LL_BIN/lightline): its exit status and
 * what it printed. */
typedef struct {
  int status;
  gchar *out, *err;
} LlTestRun;

void ll_test_run_clear(LlTestRun *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(LlTestRun, ll_test_run_clear)

/* Runs lightline with @args (NULL-terminated) and waits; asserts it exited
 * (not killed by a signal) and logs what it printed. */
void ll_test_run(LlTestRun *run, const char *const *args);
/* The same in the folder @cwd (NULL: this one). */
void ll_test_run_in(LlTestRun *run, const char *cwd, const char *const *args);

G_END_DECLS
