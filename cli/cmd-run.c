/* cmd-run.c: `lightline run` (one unit on a station) and `lightline demo`
 * (a simulated shift). Live progress on a terminal (a bar and the step in
 * flight), plain lines otherwise; Ctrl-C aborts cleanly, cleanup included.
 * Exit status of run: 0 PASS, 1 FAIL, 3 ERROR or ABORTED, 2 bad usage or
 * input. */
#include "ll-cli.h"
#include "ll-engine.h"
#include "ll-station-demo.h"

#include <glib-unix.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- Ctrl-C: a small thread waits for SIGINT/SIGTERM and cancels ---- */

typedef struct {
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  GCancellable *cancel;
} Interrupt;

static gboolean
on_signal(gpointer data)
{
  Interrupt *in = data;
  fprintf(stderr, "\nlightline: stopping after cleanup (Ctrl-C again to leave at once)\n");
  if (g_cancellable_is_cancelled(in->cancel))
    _exit(LL_EXIT_ERROR);
  g_cancellable_cancel(in->cancel);
  return G_SOURCE_CONTINUE;
}

static gpointer
interrupt_thread(gpointer data)
{
  Interrupt *in = data;
  g_main_context_push_thread_default(in->context);
  g_main_loop_run(in->loop);
  g_main_context_pop_thread_default(in->context);
  return NULL;
}

static void
interrupt_start(Interrupt *in, GCancellable *cancel)
{
  in->cancel = cancel;
  in->context = g_main_context_new();
  in->loop = g_main_loop_new(in->context, FALSE);
  int sigs[] = { SIGINT, SIGTERM };
  for (gsize i = 0; i < G_N_ELEMENTS(sigs); i++) {
    GSource *src = g_unix_signal_source_new(sigs[i]);
    g_source_set_callback(src, on_signal, in, NULL);
    g_source_attach(src, in->context);
    g_source_unref(src);
  }
  in->thread = g_thread_new("signals", interrupt_thread, in);
}

static gboolean
quit_loop(gpointer data)
{
  g_main_loop_quit(data);
  return G_SOURCE_REMOVE;
}

static void
interrupt_stop(Interrupt *in)
{
  /* quit from inside the loop: a g_main_loop_quit() that came before the
   * thread reached g_main_loop_run() would be lost, and the join would hang */
  GSource *src = g_idle_source_new();
  g_source_set_callback(src, quit_loop, in->loop, NULL);
  g_source_attach(src, in->context);
  g_source_unref(src);
  g_thread_join(in->thread);
  g_main_loop_unref(in->loop);
  g_main_context_unref(in->context);
}

/* ---- progress ---- */

typedef struct {
  gboolean tty;
  gboolean steps; /* print step lines (run), or only unit lines (demo) */
  GMutex lock;
} Progress;

static void
on_progress(const LlEvent *ev, gpointer data)
{
  Progress *p = data;
  g_mutex_lock(&p->lock);
  if (ev->kind == LL_EVENT_STEP_STARTED && p->tty && p->steps) {
    guint width = 30, filled = ev->total ? width * ev->done / ev->total : 0;
    g_autofree gchar *bar = g_strnfill(filled, '#');
    g_autofree gchar *rest = g_strnfill(width - filled, '.');
    fprintf(stderr, "\r\033[K[%s%s] %3u%%  site %u  %s", bar, rest,
            ev->total ? 100 * ev->done / ev->total : 0, ev->site, ev->step->id);
    if (ev->lane)
      fprintf(stderr, " lane %u", ev->lane);
    fflush(stderr);
  } else if (ev->kind == LL_EVENT_STEP_FINISHED && p->steps) {
    const LlStepResult *r = ev->step_result;
    if (!p->tty || r->verdict != LL_STEP_PASS) {
      if (p->tty)
        fprintf(stderr, "\r\033[K");
      g_autofree gchar *lane = ev->lane ? g_strdup_printf(" lane %u", ev->lane) : g_strdup("");
      fprintf(stderr, "site %u  %s%s  %s%s%s\n", ev->site, ev->step->id, lane,
              ll_step_verdict_name(r->verdict), r->message ? ": " : "", r->message ? r->message : "");
    }
  } else if (ev->kind == LL_EVENT_RUN_FINISHED && p->tty && p->steps) {
    fprintf(stderr, "\r\033[K");
  }
  g_mutex_unlock(&p->lock);
}

/* ---- results ---- */

static void
json_value(JsonBuilder *b, const LlValue *v)
{
  switch (v->type) {
  case LL_VALUE_NUMBER:
    if (isfinite(v->number))
      json_builder_add_double_value(b, v->number);
    else
      json_builder_add_null_value(b);
    break;
  case LL_VALUE_BOOLEAN:
    json_builder_add_boolean_value(b, v->boolean);
    break;
  case LL_VALUE_STRING:
    json_builder_add_string_value(b, v->text);
    break;
  default:
    json_builder_add_null_value(b);
  }
}

static void
member_double(JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name(b, name);
  if (isfinite(v))
    json_builder_add_double_value(b, v);
  else
    json_builder_add_null_value(b);
}

static JsonNode *
result_json(const LlRunResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "serial");
  json_builder_add_string_value(b, r->serial);
  json_builder_set_member_name(b, "site");
  json_builder_add_int_value(b, r->site);
  json_builder_set_member_name(b, "outcome");
  json_builder_add_string_value(b, ll_outcome_name(r->outcome));
  json_builder_set_member_name(b, "bin");
  if (r->bin) {
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "number");
    json_builder_add_int_value(b, r->bin->number);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, r->bin->name);
    json_builder_set_member_name(b, "instructions");
    if (r->bin->instructions)
      json_builder_add_string_value(b, r->bin->instructions);
    else
      json_builder_add_null_value(b);
    json_builder_end_object(b);
  } else {
    json_builder_add_null_value(b);
  }
  json_builder_set_member_name(b, "message");
  if (r->message)
    json_builder_add_string_value(b, r->message);
  else
    json_builder_add_null_value(b);
  member_double(b, "test_time_s", (r->finished_us - r->started_us) / 1e6);
  member_double(b, "worst_margin_pct", r->worst_margin_pct);
  json_builder_set_member_name(b, "unit");
  json_builder_begin_object(b);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, r->unit_info);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    json_builder_set_member_name(b, k);
    json_builder_add_string_value(b, v);
  }
  json_builder_end_object(b);
  json_builder_set_member_name(b, "measurements");
  json_builder_begin_array(b);
  for (guint i = 0; i < r->measurements->len; i++) {
    const LlMeasurement *m = r->measurements->pdata[i];
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "step");
    json_builder_add_string_value(b, m->step_id);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, m->name);
    json_builder_set_member_name(b, "lane");
    json_builder_add_int_value(b, m->lane);
    json_builder_set_member_name(b, "value");
    json_value(b, &m->value);
    json_builder_set_member_name(b, "unit");
    json_builder_add_string_value(b, m->value.type == LL_VALUE_NUMBER ? ll_unit_name(m->value.unit) : "");
    json_builder_set_member_name(b, "limit");
    if (m->judged)
      json_builder_add_string_value(b, m->limit_name);
    else
      json_builder_add_null_value(b);
    json_builder_set_member_name(b, "verdict");
    json_builder_add_string_value(b, !m->judged ? "info"
                                     : m->judgement.verdict == LL_VERDICT_PASS ? "pass"
                                     : m->judgement.verdict == LL_VERDICT_FAIL ? "fail" : "error");
    member_double(b, "margin", m->judgement.margin);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

static void
print_result(const LlRunResult *r)
{
  printf("%s  %s  site %u", ll_outcome_name(r->outcome), r->serial, r->site);
  if (r->bin)
    printf("  bin %u %s%s%s", r->bin->number, r->bin->name, r->bin->instructions ? ": " : "",
           r->bin->instructions ? r->bin->instructions : "");
  printf("\n");
  if (r->message)
    printf("  %s\n", r->message);
  for (guint i = 0; i < r->measurements->len; i++) {
    const LlMeasurement *m = r->measurements->pdata[i];
    if (!m->judged || m->judgement.verdict == LL_VERDICT_PASS)
      continue;
    g_autofree gchar *v = ll_value_format(&m->value);
    g_autofree gchar *lane = m->lane ? g_strdup_printf(" lane %u", m->lane) : g_strdup("");
    printf("  %s: %s%s = %s  (limit %s)\n", m->step_id, m->name, lane, v, m->limit_name);
  }
}

static int
exit_status(LlOutcome o)
{
  return o == LL_OUTCOME_PASS ? LL_EXIT_OK : o == LL_OUTCOME_FAIL ? LL_EXIT_FAIL : LL_EXIT_ERROR;
}

/* Loads the sequence and its tables; prints problems. */
static gboolean
load_sequence(const char *path, LlSequence **seq, GPtrArray **tables)
{
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  gboolean ok = ll_sequence_check_file(path, ll_actions_catalog(), diags, seq, tables);
  if (ll_diag_list_length(diags)) {
    g_autofree gchar *text = ll_diag_list_format(diags);
    fprintf(stderr, "%s\n", text);
  }
  return ok;
}

int
ll_cmd_run(int argc, char **argv)
{
  g_autofree gchar *config_path = NULL, *sequence_path = NULL, *serial = NULL;
  gint site = 1;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Station file", "FILE" },
    { "sequence", 'q', 0, G_OPTION_ARG_FILENAME, &sequence_path, "Sequence file", "FILE" },
    { "sn", 0, 0, G_OPTION_ARG_STRING, &serial, "Serial number of the unit", "SN" },
    { "site", 's', 0, G_OPTION_ARG_INT, &site, "Site the unit is in (default 1)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the result as JSON", NULL },
    { NULL },
  };
  if (!ll_cli_parse(&argc, &argv, "run", NULL, "test one unit and bin it", entries))
    return LL_EXIT_USAGE;
  if (!config_path || !sequence_path || !serial || !*serial || site < 1 || argc > 1) {
    ll_cli_error("run: --config FILE, --sequence FILE and --sn SN are required%s",
                 site < 1 ? "; --site is 1 or more" : "");
    return LL_EXIT_USAGE;
  }
  g_autoptr(GError) err = NULL;
  LlStationConfig *cfg = ll_station_config_load(config_path, NULL, &err);
  if (!cfg) {
    fprintf(stderr, "%s\n", err->message);
    return LL_EXIT_USAGE;
  }
  g_autoptr(LlSequence) seq = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  if (!load_sequence(sequence_path, &seq, &tables)) {
    ll_station_config_free(cfg);
    return LL_EXIT_USAGE;
  }
  g_autoptr(LlStation) station = ll_station_open(cfg, &err);
  if (!station) {
    ll_cli_error("%s", err->message);
    return LL_EXIT_USAGE;
  }
  if (!ll_station_config_site(ll_station_config(station), (guint) site)) {
    ll_cli_error("%s has no [site %d]", config_path, site);
    return LL_EXIT_USAGE;
  }
  ll_station_load_unit(station, (guint) site, serial);
  g_autoptr(LlEngine) engine = ll_engine_new(station, seq, tables);
  Progress progress = { .tty = isatty(STDERR_FILENO), .steps = TRUE };
  g_mutex_init(&progress.lock);
  ll_engine_add_listener(engine, on_progress, &progress);
  g_autoptr(GCancellable) cancel = g_cancellable_new();
  Interrupt in = { 0 };
  interrupt_start(&in, cancel);
  guint sites[] = { (guint) site };
  const char *serials[] = { serial };
  g_autoptr(GPtrArray) results = ll_engine_run_sites(engine, sites, serials, 1, cancel);
  interrupt_stop(&in);
  g_mutex_clear(&progress.lock);
  const LlRunResult *r = results->pdata[0];
  if (json) {
    g_autoptr(JsonNode) root = result_json(r);
    ll_cli_print_json(root);
  } else {
    print_result(r);
  }
  return exit_status(r->outcome);
}

int
ll_cmd_demo(int argc, char **argv)
{
  LlDemoOptions o;
  ll_demo_options_default(&o);
  gint units = (gint) o.units, sites = (gint) o.sites;
  gint64 seed = (gint64) o.seed;
  g_autofree gchar *product = NULL, *defects = NULL, *dir = NULL, *fault = NULL;
  gboolean realtime = FALSE;
  const GOptionEntry entries[] = {
    { "units", 'n', 0, G_OPTION_ARG_INT, &units, "Units to test (default 20)", "N" },
    { "sites", 'k', 0, G_OPTION_ARG_INT, &sites, "Sites, 1-8 (default 2)", "K" },
    { "product", 'p', 0, G_OPTION_ARG_STRING, &product, "800G-DR8, 800G-2xFR4 or 1.6T-DR8", "P" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the simulated units (default 1)", "S" },
    { "defects", 0, 0, G_OPTION_ARG_STRING, &defects, "Defect mix (default: default)", "MIX" },
    { "realtime", 0, 0, G_OPTION_ARG_NONE, &realtime, "Run on the wall clock", NULL },
    { "sequences", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Folder of the shipped sequences", "DIR" },
    { "fault", 0, 0, G_OPTION_ARG_STRING, &fault,
      "Inject an instrument fault, e.g. bert:noreply:2000 (after 2000 commands)", "NAME:KIND[:AFTER]" },
    { NULL },
  };
  if (!ll_cli_parse(&argc, &argv, "demo", NULL,
                    "a simulated shift: test units on the simulated bench and bin them", entries))
    return LL_EXIT_USAGE;
  if (units < 1 || sites < 1 || sites > 8 || seed < 0 || argc > 1) {
    ll_cli_error("demo: --units is 1 or more, --sites 1 to 8, --seed 0 or more");
    return LL_EXIT_USAGE;
  }
  o.units = (guint) units;
  o.sites = (guint) sites;
  o.seed = (guint64) seed;
  o.realtime = realtime;
  if (product)
    o.product = product;
  if (defects)
    o.defects = defects;
  o.fault = fault;
  g_autofree gchar *seq_path = ll_demo_sequence_path(dir, o.product);
  g_autoptr(GError) err = NULL;
  g_autofree gchar *text = ll_demo_station_text(&o, &err);
  if (!text) {
    ll_cli_error("demo: %s", err->message);
    return LL_EXIT_USAGE;
  }
  LlStationConfig *cfg = ll_station_config_load_data("demo-station.ini", text, strlen(text), NULL, &err);
  if (!cfg) {
    fprintf(stderr, "%s\n", err->message);
    return LL_EXIT_USAGE;
  }
  g_autoptr(LlSequence) seq = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  if (!load_sequence(seq_path, &seq, &tables)) {
    ll_station_config_free(cfg);
    return LL_EXIT_USAGE;
  }
  g_autoptr(LlStation) station = ll_station_open(cfg, &err);
  if (!station) {
    ll_cli_error("%s", err->message);
    return LL_EXIT_USAGE;
  }
  printf("demo: %u units of %s on %u simulated sites, seed %" G_GUINT64_FORMAT ", %s time\n",
         o.units, o.product, o.sites, o.seed, o.realtime ? "real" : "virtual");
  g_autoptr(LlEngine) engine = ll_engine_new(station, seq, tables);
  Progress progress = { .tty = FALSE, .steps = FALSE };
  g_mutex_init(&progress.lock);
  ll_engine_add_listener(engine, on_progress, &progress);
  g_autoptr(GCancellable) cancel = g_cancellable_new();
  Interrupt in = { 0 };
  interrupt_start(&in, cancel);

  LlClock *clock = ll_station_get_clock(station);
  gint64 t0 = ll_clock_now(clock);
  gint64 wall0 = g_get_monotonic_time();
  g_autoptr(GHashTable) bins = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  guint counts[LL_OUTCOME_INCOMPLETE + 1] = { 0 };
  guint tested = 0;
  for (guint next = 0; next < o.units && !g_cancellable_is_cancelled(cancel);) {
    guint n = MIN(o.sites, o.units - next);
    g_autofree guint *site_list = g_new(guint, n);
    g_auto(GStrv) serials = g_new0(gchar *, n + 1);
    for (guint i = 0; i < n; i++, next++) {
      site_list[i] = i + 1;
      serials[i] = g_strdup_printf("LL%02u%c%05u", 26, 'D', next + 1);
      ll_station_load_unit(station, site_list[i], serials[i]);
    }
    g_autoptr(GPtrArray) results = ll_engine_run_sites(engine, site_list, (const char *const *) serials, n, cancel);
    for (guint i = 0; i < results->len; i++) {
      const LlRunResult *r = results->pdata[i];
      tested++;
      counts[r->outcome]++;
      g_autofree gchar *key = r->bin ? g_strdup_printf("%u %s", r->bin->number, r->bin->name)
                                     : g_strdup(ll_outcome_name(r->outcome));
      g_hash_table_insert(bins, g_strdup(key), GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(bins, key)) + 1));
      printf("%4u  %s  site %u  %-7s %s%s%s\n", tested, r->serial, r->site, ll_outcome_name(r->outcome),
             r->bin ? r->bin->name : "", r->message && !r->bin ? r->message : "", "");
    }
  }
  interrupt_stop(&in);
  g_mutex_clear(&progress.lock);
  double hours = (ll_clock_now(clock) - t0) / 3.6e9;
  printf("\n%u units: %u PASS, %u FAIL, %u ERROR, %u ABORTED; yield %.1f %%\n", tested,
         counts[LL_OUTCOME_PASS], counts[LL_OUTCOME_FAIL], counts[LL_OUTCOME_ERROR],
         counts[LL_OUTCOME_ABORTED], tested ? 100.0 * counts[LL_OUTCOME_PASS] / tested : 0.0);
  printf("bins:\n");
  g_autoptr(GList) keys = g_hash_table_get_keys(bins);
  keys = g_list_sort(keys, (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l; l = l->next)
    printf("  %-24s %u\n", (const char *) l->data, GPOINTER_TO_UINT(g_hash_table_lookup(bins, l->data)));
  printf("station time %.2f h, %.0f units per hour (%.1f s of computer time)\n", hours,
         hours > 0 ? tested / hours : 0.0, (g_get_monotonic_time() - wall0) / 1e6);
  return counts[LL_OUTCOME_ABORTED] ? LL_EXIT_ERROR : LL_EXIT_OK;
}
