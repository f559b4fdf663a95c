/* bench-util.h: what the benchmarks share: a simulated demo station (the
 * one `lightline demo` builds) opened with the shipped final-test sequence
 * of its product, ready for an engine. A benchmark has no error to recover
 * from: anything wrong aborts it with the reason. */
#pragma once

#include "ll-engine.h"
#include "ll-station-demo.h"

G_BEGIN_DECLS

/* Opens the demo station of @options into *@station and loads the shipped
 * sequence of its product, with its limits tables, into *@seq and *@tables
 * (the caller owns all three). Aborts on any error. */
void bench_open_demo(const LlDemoOptions *options, LlStation **station, LlSequence **seq,
                     GPtrArray **tables);

G_END_DECLS
