/* bench-final-test.c: one 1.6T DR8 final test (the shipped sequence) on a
 * defect-free simulated unit in virtual time, against its lower bound.
 *
 * The bench's activity log (ll_bench_activity_enable()) records every
 * interval of physical activity the test caused: each instrument's busy
 * time (meter averaging, attenuator and switch settling, scope
 * acquisitions, EVB two-wire transactions, supply and pins), the module's
 * own transitions (management init, power-up, each lane's data-path
 * activation) and every BERT gate. The lower bound is the length of the
 * union of those intervals: the time the test must spend when all of it is
 * serialized. Gates of rx.ber steps are counted only up to the moment their
 * verdict was decided (ll_ber_decide() on the gate's final counts, the errors
 * taken as evenly spread): how long the station goes on gating after that is
 * its own choice, not the sequence's need. Every other activity is counted
 * as performed, so an instrument operation the station did not need (a
 * second reading) would hide inside the bound: the counts per kind show
 * them.
 *
 * Printed: the time per kind of activity, the station's test time, the
 * lower bound and their ratio against the target (at most 1.10), then where
 * the rest goes: the station time with no activity, and gating past the
 * verdict, per step. With --log, the whole log follows in time order, each
 * activity with the step call it fell in, and every stretch of 1 ms or
 * more with no activity. */
#include "bench-util.h"
#include "ll-ber-stats.h"
#include "sim/ll-activity.h"
#include "sim/ll-bench.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PRODUCT "1.6T-DR8"
#define SERIAL "LL26D00001"
#define TARGET_RATIO 1.10

static const LlParam *
find_param(GPtrArray *params, const char *name)
{
  for (guint i = 0; params && i < params->len; i++) {
    const LlParam *p = params->pdata[i];
    if (g_str_equal(p->name, name))
      return p;
  }
  return NULL;
}

/* A step's ratio parameter (a BER, a confidence), following a $reference;
 * @fallback (the action's default) when not written. */
static double
step_ratio(const LlSequence *seq, const LlStep *step, const char *name, double fallback)
{
  const LlParam *p = find_param(step->params, name);
  if (p && p->reference)
    p = find_param(seq->parameters, p->reference);
  double v;
  if (!p || p->value.type != LL_VALUE_NUMBER)
    return fallback;
  if (p->value.unit == LL_UNIT_NONE)
    return p->value.number;
  return ll_unit_convert(p->value.number, p->value.unit, LL_UNIT_RATIO, &v, NULL) ? v : fallback;
}

static double
measurement(const LlRunResult *run, const char *step_id, guint lane, const char *name)
{
  for (guint i = 0; i < run->measurements->len; i++) {
    const LlMeasurement *m = run->measurements->pdata[i];
    if (m->lane == lane && g_str_equal(m->step_id, step_id) && g_str_equal(m->name, name))
      return m->value.number;
  }
  return NAN;
}

/* How long a gate of @gate_us that counted @bits and @errors had to run
 * before ll_ber_decide() decided, the errors taken as evenly spread over it;
 * @gate_us when it never decided. */
static gint64
decided_after_us(gint64 gate_us, double bits, double errors, double target, double confidence)
{
  if (gate_us <= 1 || !(bits > 0) ||
      ll_ber_decide(bits, errors, target, confidence) == LL_BER_UNDECIDED)
    return gate_us;
  gint64 lo = 0, hi = gate_us; /* undecided at lo, decided at hi */
  while (hi - lo > 1) {
    gint64 mid = lo + (hi - lo) / 2;
    double f = (double) mid / (double) gate_us;
    if (ll_ber_decide(floor(bits * f), floor(errors * f), target, confidence) != LL_BER_UNDECIDED)
      hi = mid;
    else
      lo = mid;
  }
  return hi;
}

/* The step call (a per-lane step has one per lane) during which @t_us fell. */
static const LlStepResult *
step_at(const LlRunResult *run, gint64 t_us)
{
  for (guint i = 0; i < run->steps->len; i++) {
    const LlStepResult *s = run->steps->pdata[i];
    if (t_us >= s->started_us && t_us < s->finished_us)
      return s;
  }
  return NULL;
}

/* Cuts every rx.ber gate in @log where its verdict was decided; returns
 * the time cut. */
static gint64
cut_ber_gates(GArray *log, const LlRunResult *run, const LlSequence *seq)
{
  gint64 cut = 0;
  for (guint i = 0; i < log->len; i++) {
    LlActivity *a = &g_array_index(log, LlActivity, i);
    const LlStepResult *res = a->kind == LL_ACTIVITY_BERT_GATE ? step_at(run, a->start_us) : NULL;
    const LlStep *step = res ? ll_sequence_step(seq, res->step_id) : NULL;
    if (!step || !g_str_equal(step->action, "rx.ber"))
      continue;
    double bits = measurement(run, res->step_id, res->lane, "ber_bits");
    double errors = measurement(run, res->step_id, res->lane, "ber_errors");
    gint64 need = decided_after_us(a->end_us - a->start_us, bits, errors,
                                   step_ratio(seq, step, "target", 2.4e-4),
                                   step_ratio(seq, step, "confidence", 0.95));
    cut += a->end_us - (a->start_us + need);
    a->end_us = a->start_us + need;
  }
  return cut;
}

static double
seconds(gint64 us)
{
  return us / 1e6;
}

static gint
by_start(gconstpointer a, gconstpointer b)
{
  const LlActivity *x = a, *y = b;
  return x->start_us < y->start_us ? -1 : x->start_us > y->start_us ? 1 : 0;
}

static const char *
call_name(const LlRunResult *run, gint64 t_us, char *buf, gsize n)
{
  const LlStepResult *res = step_at(run, t_us);
  if (!res)
    return "-";
  if (res->lane)
    g_snprintf(buf, n, "%s lane %u", res->step_id, res->lane);
  else
    g_strlcpy(buf, res->step_id, n);
  return buf;
}

/* The log in time order, with the stretches of @needed's complement. */
static void
print_log(const GArray *log, const GArray *needed, const LlRunResult *run)
{
  g_autoptr(GArray) sorted = g_array_copy((GArray *) log);
  g_array_sort(sorted, by_start);
  printf("\n%12s %10s  %-24s %-26s %s\n", "at s", "ms", "activity", "device", "step");
  gint64 t0 = run->started_us;
  char buf[64];
  guint next_gap = 0;
  for (guint i = 0; i <= sorted->len; i++) {
    const LlActivity *a = i < sorted->len ? &g_array_index(sorted, LlActivity, i) : NULL;
    gint64 at = a ? a->start_us : run->finished_us;
    /* the idle stretches that end before this activity starts */
    for (; next_gap <= needed->len; next_gap++) {
      gint64 gap_start = next_gap ? g_array_index(needed, LlInterval, next_gap - 1).end_us : t0;
      gint64 gap_end = next_gap < needed->len ? g_array_index(needed, LlInterval, next_gap).start_us
                                              : run->finished_us;
      if (gap_end > at)
        break;
      if (gap_end - gap_start >= 1000)
        printf("%12.6f %10.3f  %-24s %-26s %s\n", seconds(gap_start - t0),
               (gap_end - gap_start) / 1e3, "(no activity)", "",
               call_name(run, gap_start, buf, sizeof buf));
    }
    if (!a)
      break;
    printf("%12.6f %10.3f  %-24s %-26s %s\n", seconds(a->start_us - t0),
           (a->end_us - a->start_us) / 1e3, ll_activity_kind_name(a->kind), a->device,
           call_name(run, a->start_us, buf, sizeof buf));
  }
}

int
main(int argc, char **argv)
{
  gboolean show_log = argc > 1 && g_str_equal(argv[1], "--log");
  LlDemoOptions o;
  ll_demo_options_default(&o);
  o.sites = 1;
  o.product = PRODUCT;
  o.defects = "none";
  g_autoptr(LlStation) station = NULL;
  g_autoptr(LlSequence) seq = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  bench_open_demo(&o, &station, &seq, &tables);
  g_autoptr(LlEngine) engine = ll_engine_new(station, seq, tables);
  LlBench *bench = ll_station_bench(station);
  g_assert(bench);

  ll_station_load_unit(station, 1, SERIAL);
  ll_bench_activity_enable(bench, TRUE);
  g_autoptr(LlRunResult) run = ll_engine_run(engine, 1, SERIAL, NULL);
  g_autoptr(GArray) log = ll_bench_activity_take(bench);
  ll_bench_activity_enable(bench, FALSE);

  /* only what happened during the run counts */
  for (guint i = 0; i < log->len; i++) {
    LlActivity *a = &g_array_index(log, LlActivity, i);
    a->start_us = CLAMP(a->start_us, run->started_us, run->finished_us);
    a->end_us = CLAMP(a->end_us, run->started_us, run->finished_us);
  }
  g_autoptr(GArray) as_recorded = ll_activity_union((const LlActivity *) log->data, log->len,
                                                    LL_ACTIVITY_N_KINDS);
  gint64 cut = cut_ber_gates(log, run, seq);
  const LlActivity *items = (const LlActivity *) log->data;
  g_autoptr(GArray) needed = ll_activity_union(items, log->len, LL_ACTIVITY_N_KINDS);
  gint64 test_us = run->finished_us - run->started_us;
  gint64 bound_us = ll_interval_total(needed), recorded_us = ll_interval_total(as_recorded);

  printf("One %s final test on the simulated bench, virtual time\n", PRODUCT);
  printf("(sequences/shipped/final-1.6t-dr8.yaml, defect-free unit %s: %s%s%s)\n\n", SERIAL,
         ll_outcome_name(run->outcome), run->bin ? " " : "", run->bin ? run->bin->name : "");
  printf("%-26s %8s %10s %10s\n", "activity", "count", "time s", "of bound");
  gint64 sum_us = 0;
  for (LlActivityKind k = 0; k < LL_ACTIVITY_N_KINDS; k++) {
    guint count = 0;
    for (guint i = 0; i < log->len; i++)
      count += items[i].kind == k;
    if (!count)
      continue;
    g_autoptr(GArray) u = ll_activity_union(items, log->len, k);
    gint64 us = ll_interval_total(u);
    sum_us += us;
    printf("%-26s %8u %10.3f %9.1f %%%s\n", ll_activity_kind_name(k), count, seconds(us),
           100.0 * us / bound_us, k == LL_ACTIVITY_BERT_GATE && cut ? " *" : "");
  }
  printf("%-26s %8s %10.3f\n", "(overlap between kinds)", "", -seconds(sum_us - bound_us));
  printf("%-26s %8s %10.3f\n\n", "lower bound (union)", "", seconds(bound_us));
  printf("%-26s %8s %10.3f\n", "test time", "", seconds(test_us));
  printf("%-26s %8s %10.3f\n", "lower bound", "", seconds(bound_us));
  printf("%-26s %8s %10.3f   target <= %.2f%s\n", "ratio", "", (double) test_us / bound_us,
         TARGET_RATIO, (double) test_us / bound_us <= TARGET_RATIO ? "" : "  (above)");
  if (cut)
    printf("\n* rx.ber gates counted until their verdict was decided; as gated by the station\n"
           "  they were %.3f s longer (bound %.3f s, ratio %.3f counting them whole).\n",
           seconds(cut), seconds(recorded_us), (double) test_us / recorded_us);

  /* where the rest goes: per step, time with no activity, and gating past the verdict */
  printf("\nWhere the other %.3f s go (station time with no activity on the bench)\n\n",
         seconds(test_us - bound_us));
  printf("%-16s %-20s %6s %10s %14s %10s\n", "step", "action", "calls", "idle s", "gate past s",
         "total s");
  gint64 in_steps = 0;
  for (guint i = 0; i < seq->steps->len; i++) {
    const LlStep *step = seq->steps->pdata[i];
    guint calls = 0;
    gint64 idle = 0, past = 0;
    for (guint j = 0; j < run->steps->len; j++) {
      const LlStepResult *res = run->steps->pdata[j];
      if (!g_str_equal(res->step_id, step->id))
        continue;
      calls++;
      gint64 gap_recorded = ll_interval_gap_total(as_recorded, res->started_us, res->finished_us);
      gint64 gap_needed = ll_interval_gap_total(needed, res->started_us, res->finished_us);
      idle += gap_recorded;
      past += gap_needed - gap_recorded;
    }
    in_steps += idle + past;
    if (calls)
      printf("%-16s %-20s %6u %10.3f %14.3f %10.3f\n", step->id, step->action, calls,
             seconds(idle), seconds(past), seconds(idle + past));
  }
  printf("%-16s %-20s %6s %10s %14s %10.3f\n", "(between steps)", "", "", "", "",
         seconds(test_us - bound_us - in_steps));
  if (show_log)
    print_log(log, needed, run);
  return run->outcome == LL_OUTCOME_PASS ? 0 : 1;
}
