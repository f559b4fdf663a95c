/* ll-test-util.h: small helpers every test may use. */
#pragma once

#include "sim/ll-sim-device.h"

G_BEGIN_DECLS

/* A "scpi" simulator with @options written as in a sim: resource
 * ("fault=noreply&serial=X"; NULL or "" for none). Asserts it was created. */
LlSimDevice *ll_test_sim_device(const char *options);

G_END_DECLS
