/* cmd-run.c: `lightline run` (one unit on a station) and `lightline demo`
 * (a simulated shift), both through a test session (ll-test-session.h), so
 * every run is recorded in the station's results store. Live progress on a
 * terminal (a bar and the step in flight), plain lines otherwise; Ctrl-C
 * aborts cleanly, cleanup included. Exit status of run: 0 PASS, 1 FAIL,
 * 3 ERROR or ABORTED, 2 bad usage or input, 4 refused (retest limit). */
#include "ll-calibration.h"
#include "ll-cli.h"
#include "ll-station-demo.h"
#include "ll-test-session.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- Ctrl-C: a small thread waits for SIGINT/SIGTERM and cancels ---- */

static gboolean
on_signal(gpointer data)
{
  LlCliInterrupt *in = data;
  fprintf(stderr, "\nlightline: stopping after cleanup (Ctrl-C again to leave at once)\n");
  if (g_cancellable_is_cancelled(in->cancel))
    _exit(LL_EXIT_ERROR);
  g_cancellable_cancel(in->cancel);
  return G_SOURCE_CONTINUE;
}

static gpointer
interrupt_thread(gpointer data)
{
  LlCliInterrupt *in = data;
  g_main_context_push_thread_default(in->context);
  g_main_loop_run(in->loop);
  g_main_context_pop_thread_default(in->context);
  return NULL;
}

void
ll_cli_interrupt_start(LlCliInterrupt *in, GCancellable *cancel)
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

void
ll_cli_interrupt_stop(LlCliInterrupt *in)
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
  ll_cli_json_number(b, "test_time_s", (r->finished_us - r->started_us) / 1e6);
  ll_cli_json_number(b, "worst_margin_pct", r->worst_margin_pct);
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
    ll_cli_json_number(b, "margin", m->judgement.margin);
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

/* Opens a session; prints every problem as the station file, sequence and
 * store give them. */
static LlTestSession *
open_session(const LlTestSessionOptions *options)
{
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_autoptr(GError) err = NULL;
  LlTestSession *session = ll_test_session_open(options, diags, &err);
  if (ll_diag_list_length(diags)) {
    g_autofree gchar *text = ll_diag_list_format(diags);
    fprintf(stderr, "%s\n", text);
  }
  if (session)
    return session;
  if (err->domain == LL_CONFIG_ERROR)
    fprintf(stderr, "%s\n", err->message);
  else if (!g_error_matches(err, LL_SESSION_ERROR, LL_SESSION_ERROR_SEQUENCE))
    ll_cli_error("%s", err->message);
  return NULL;
}

int
ll_cmd_run(int argc, char **argv)
{
  g_autofree gchar *config_path = NULL, *sequence_path = NULL, *serial = NULL, *db = NULL;
  g_autofree gchar *operator_name = NULL, *lot = NULL;
  gint site = 1;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Station file", "FILE" },
    { "sequence", 'q', 0, G_OPTION_ARG_FILENAME, &sequence_path, "Sequence file", "FILE" },
    { "sn", 0, 0, G_OPTION_ARG_STRING, &serial, "Serial number of the unit", "SN" },
    { "site", 's', 0, G_OPTION_ARG_INT, &site, "Site the unit is in (default 1)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Results store (default: the station file's database)", "FILE" },
    { "operator", 'o', 0, G_OPTION_ARG_STRING, &operator_name, "Who tests (default: the login name)", "NAME" },
    { "lot", 0, 0, G_OPTION_ARG_STRING, &lot, "Lot or work order", "LOT" },
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
  LlTestSessionOptions options = { .config_path = config_path, .sequence_path = sequence_path,
                                   .database = db,
                                   .operator_name = operator_name ? operator_name : g_get_user_name(),
                                   .lot = lot };
  g_autoptr(LlTestSession) session = open_session(&options);
  if (!session)
    return LL_EXIT_USAGE;
  if (!ll_station_config_site(ll_station_config(ll_test_session_station(session)), (guint) site)) {
    ll_cli_error("%s has no [site %d]", config_path, site);
    return LL_EXIT_USAGE;
  }
  LlStore *store = ll_test_session_store(session);
  if (!store)
    ll_cli_error("not recorded: %s names no database (set database in [station], or give --db FILE)",
                 config_path);
  Progress progress = { .tty = isatty(STDERR_FILENO), .steps = TRUE };
  g_mutex_init(&progress.lock);
  ll_test_session_add_listener(session, on_progress, &progress);
  g_autoptr(GCancellable) cancel = g_cancellable_new();
  LlCliInterrupt in = { 0 };
  ll_cli_interrupt_start(&in, cancel);
  gint64 run_id = 0;
  g_autoptr(GError) err = NULL;
  g_autoptr(LlRunResult) r = ll_test_session_run_one(session, (guint) site, serial, cancel, &run_id, &err);
  ll_cli_interrupt_stop(&in);
  g_mutex_clear(&progress.lock);
  if (!r) {
    ll_cli_error("refused: %s", err->message);
    return LL_EXIT_REFUSED;
  }
  if (json) {
    g_autoptr(JsonNode) root = result_json(r);
    JsonObject *o = json_node_get_object(root);
    if (run_id)
      json_object_set_int_member(o, "run_id", run_id);
    else
      json_object_set_null_member(o, "run_id");
    if (store)
      json_object_set_string_member(o, "database", ll_store_path(store));
    else
      json_object_set_null_member(o, "database");
    ll_cli_print_json(root);
  } else {
    print_result(r);
    if (run_id)
      printf("recorded as run %" G_GINT64_FORMAT " in %s\n", run_id, ll_store_path(store));
  }
  return exit_status(r->outcome);
}

/* The demo's own store: a new one for each shift. */
#define DEMO_DATABASE "lightline-demo.db"

static void
remove_database(const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-lock" };
  for (gsize i = 0; i < G_N_ELEMENTS(suffixes); i++) {
    g_autofree gchar *p = g_strconcat(path, suffixes[i], NULL);
    g_remove(p);
  }
}

/* The range of @path's values in @entries, into *@lo and *@hi. */
static void
loss_range(GArray *entries, LlPathKind path, double *lo, double *hi)
{
  *lo = INFINITY, *hi = -INFINITY;
  for (guint i = 0; i < entries->len; i++) {
    const LlPathLossEntry *e = &g_array_index(entries, LlPathLossEntry, i);
    if (e->path == path)
      *lo = MIN(*lo, e->loss_db), *hi = MAX(*hi, e->loss_db);
  }
}

/* The shift starts with every site's optical paths calibrated against a
 * golden module, then a golden-unit check (ll_calibration_shift_start()). */
static gboolean
demo_calibrate(const char *text, const char *database, const char *operator_name, guint sites)
{
  LlCalibrationOptions o = { .config_path = "demo-station.ini", .config_text = text,
                             .database = database, .store_flags = LL_STORE_OPEN_SYNC_NORMAL,
                             .operator_name = operator_name };
  g_autoptr(GError) err = NULL;
  g_autoptr(GPtrArray) results = ll_calibration_shift_start(&o, sites, &err);
  if (!results) {
    ll_cli_error("demo: %s", err->message);
    return FALSE;
  }
  const LlCalibrationResult *first = results->pdata[0];
  printf("golden module %s characterized; the shift starts with its path-loss calibration:\n",
         first->golden_serial);
  for (guint i = 0; i < results->len; i++) {
    const LlCalibrationResult *r = results->pdata[i];
    if (i + 1 < results->len) {
      double tx_lo, tx_hi, rx_lo, rx_hi;
      loss_range(r->entries, LL_PATH_TX, &tx_lo, &tx_hi);
      loss_range(r->entries, LL_PATH_RX, &rx_lo, &rx_hi);
      printf("  site %u: calibration %" G_GINT64_FORMAT ", TX loss %.2f to %.2f dB, RX offset %.2f "
             "to %.2f dB, valid 12 h\n", r->site, r->set_id, tx_lo, tx_hi, rx_lo, rx_hi);
      continue;
    }
    double worst = 0;
    for (guint k = 0; k < r->run->measurements->len; k++) {
      const LlMeasurement *m = r->run->measurements->pdata[k];
      if (g_str_has_suffix(m->name, "_delta") && m->value.type == LL_VALUE_NUMBER)
        worst = MAX(worst, fabs(m->value.number));
    }
    printf("  golden-unit check in site %u: %s, %u deltas stored, the largest %.2f dB\n", r->site,
           ll_outcome_name(r->run->outcome), r->checks, worst);
  }
  return TRUE;
}

int
ll_cmd_demo(int argc, char **argv)
{
  LlDemoOptions o;
  ll_demo_options_default(&o);
  gint units = (gint) o.units, sites = (gint) o.sites;
  gint64 seed = (gint64) o.seed;
  g_autofree gchar *product = NULL, *defects = NULL, *dir = NULL, *fault = NULL, *db = NULL;
  g_autofree gchar *operator_name = NULL, *lot = NULL;
  gboolean realtime = FALSE, nominal_paths = FALSE;
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
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      "Add the shift to this results store (default: a new " DEMO_DATABASE " here)", "FILE" },
    { "operator", 'o', 0, G_OPTION_ARG_STRING, &operator_name, "Who tests (default: demo)", "NAME" },
    { "lot", 0, 0, G_OPTION_ARG_STRING, &lot, "Lot or work order (default: DEMO)", "LOT" },
    { "nominal-paths", 0, 0, G_OPTION_ARG_NONE, &nominal_paths,
      "No path-loss calibration: correct with the sequences' nominal path offsets", NULL },
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
  const char *database = db ? db : DEMO_DATABASE;
  g_autofree gchar *db_dir = g_path_get_dirname(database);
  g_autofree gchar *golden_dir = g_build_filename(db_dir, "lightline-demo-golden", NULL);
  if (!nominal_paths)
    o.golden_references = golden_dir;
  g_autofree gchar *seq_path = ll_demo_sequence_path(dir, o.product);
  g_autoptr(GError) err = NULL;
  /* the paths are calibrated before the shift, on a station without the fault */
  g_autofree gchar *cal_text = ll_demo_station_text(&o, &err);
  o.fault = fault;
  g_autofree gchar *text = cal_text ? ll_demo_station_text(&o, &err) : NULL;
  if (!text) {
    ll_cli_error("demo: %s", err->message);
    return LL_EXIT_USAGE;
  }
  if (!db)
    remove_database(DEMO_DATABASE);
  printf("demo: %u units of %s on %u simulated sites, seed %" G_GUINT64_FORMAT ", %s time\n",
         o.units, o.product, o.sites, o.seed, o.realtime ? "real" : "virtual");
  if (!nominal_paths && !demo_calibrate(cal_text, database, operator_name ? operator_name : "demo", o.sites))
    return LL_EXIT_ERROR;
  /* a simulated shift makes thousands of commits: each survives a crash of
   * the process, without waiting for the disk */
  LlTestSessionOptions options = { .config_path = "demo-station.ini", .config_text = text,
                                   .sequence_path = seq_path, .database = database,
                                   .store_flags = LL_STORE_OPEN_SYNC_NORMAL,
                                   .operator_name = operator_name ? operator_name : "demo",
                                   .lot = lot ? lot : "DEMO" };
  g_autoptr(LlTestSession) session = open_session(&options);
  if (!session)
    return LL_EXIT_USAGE;
  LlStation *station = ll_test_session_station(session);
  Progress progress = { .tty = FALSE, .steps = FALSE };
  g_mutex_init(&progress.lock);
  ll_test_session_add_listener(session, on_progress, &progress);
  g_autoptr(GCancellable) cancel = g_cancellable_new();
  LlCliInterrupt in = { 0 };
  ll_cli_interrupt_start(&in, cancel);

  LlClock *clock = ll_station_get_clock(station);
  gint64 t0 = ll_clock_now(clock);
  gint64 wall0 = g_get_monotonic_time();
  g_autoptr(GHashTable) bins = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  guint counts[LL_OUTCOME_INCOMPLETE + 1] = { 0 };
  guint tested = 0, refused = 0;
  for (guint next = 0; next < o.units && !g_cancellable_is_cancelled(cancel);) {
    guint n = MIN(o.sites, o.units - next);
    g_autofree LlSessionUnit *batch = g_new0(LlSessionUnit, n);
    g_auto(GStrv) serials = g_new0(gchar *, n + 1);
    for (guint i = 0; i < n; i++, next++) {
      serials[i] = g_strdup_printf("LL%02u%c%05u", 26, 'D', next + 1);
      batch[i] = (LlSessionUnit) { i + 1, serials[i] };
    }
    g_autoptr(GPtrArray) runs = ll_test_session_run(session, batch, n, cancel);
    for (guint i = 0; i < runs->len; i++) {
      const LlSessionRun *run = runs->pdata[i];
      const LlRunResult *r = run->result;
      if (!r) {
        refused++;
        printf("      %s  site %u  REFUSED %s\n", run->serial, run->site, run->error->message);
        continue;
      }
      tested++;
      counts[r->outcome]++;
      g_autofree gchar *key = r->bin ? g_strdup_printf("%u %s", r->bin->number, r->bin->name)
                                     : g_strdup(ll_outcome_name(r->outcome));
      g_hash_table_insert(bins, g_strdup(key), GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(bins, key)) + 1));
      /* a line is printed once its run is on record */
      printf("%4u  %s  site %u  %-7s %s%s%s\n", tested, r->serial, r->site, ll_outcome_name(r->outcome),
             r->bin ? r->bin->name : "", r->message && !r->bin ? r->message : "", "");
      fflush(stdout);
    }
  }
  ll_cli_interrupt_stop(&in);
  g_mutex_clear(&progress.lock);
  double hours = (ll_clock_now(clock) - t0) / 3.6e9;
  printf("\n%u units: %u PASS, %u FAIL, %u ERROR, %u ABORTED; yield %.1f %%\n", tested,
         counts[LL_OUTCOME_PASS], counts[LL_OUTCOME_FAIL], counts[LL_OUTCOME_ERROR],
         counts[LL_OUTCOME_ABORTED], tested ? 100.0 * counts[LL_OUTCOME_PASS] / tested : 0.0);
  if (refused)
    printf("%u units refused (retest limit)\n", refused);
  printf("bins:\n");
  g_autoptr(GList) keys = g_hash_table_get_keys(bins);
  keys = g_list_sort(keys, (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l; l = l->next)
    printf("  %-24s %u\n", (const char *) l->data, GPOINTER_TO_UINT(g_hash_table_lookup(bins, l->data)));
  printf("station time %.2f h, %.0f units per hour (%.1f s of computer time)\n", hours,
         hours > 0 ? tested / hours : 0.0, (g_get_monotonic_time() - wall0) / 1e6);
  const char *path = ll_store_path(ll_test_session_store(session));
  printf("results in %s: lightline stats --db %s; lightline unit history SERIAL --db %s; "
         "lightline calibrate history --db %s\n", path, path, path, path);
  return counts[LL_OUTCOME_ABORTED] ? LL_EXIT_ERROR : LL_EXIT_OK;
}
