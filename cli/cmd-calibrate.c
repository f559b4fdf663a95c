/* cmd-calibrate.c: `lightline calibrate`: the station's calibration with a
 * golden module (ll-calibration.h; docs/calibration.md).
 *
 *   path-loss     measure a site's TX and RX paths against a golden module
 *                 and store them: exit 0 stored, 1 the run did not pass
 *                 (nothing stored), 3 ERROR or ABORTED
 *   golden-check  measure the golden module through the site's calibration
 *                 and store the deltas: exit 0 PASS, 1 FAIL (drift), 3
 *                 ERROR, 4 refused (no valid path-loss calibration)
 *   history       the path-loss calibrations and the golden-unit checks
 *                 (drift over time) from the results store: exit 0, 1 when
 *                 there are none
 * Exit 2: bad usage, a station file or golden reference with errors, a
 * station that does not calibrate its paths. */
#include "ll-calibration.h"
#include "ll-cli.h"
#include "ll-store-cal.h"
#include "ll-test-session.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int
exit_status(LlOutcome o)
{
  return o == LL_OUTCOME_PASS ? LL_EXIT_OK : o == LL_OUTCOME_FAIL ? LL_EXIT_FAIL : LL_EXIT_ERROR;
}

static void
member_time(JsonBuilder *b, const char *name, GDateTime *t)
{
  g_autofree gchar *text = t ? ll_store_format_time(t) : NULL;
  ll_cli_json_string(b, name, text);
}

static gchar *
format_time(GDateTime *t)
{
  return t ? g_date_time_format(t, "%Y-%m-%d %H:%M:%S") : g_strdup("-");
}

/* ---- path-loss and golden-check ---- */

typedef struct {
  gchar *config, *golden, *operator_name, *db, *sequences;
  gint site;
  gboolean json;
} Args;

static void
args_clear(Args *a)
{
  g_free(a->config);
  g_free(a->golden);
  g_free(a->operator_name);
  g_free(a->db);
  g_free(a->sequences);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Args, args_clear)

static gboolean
parse_args(int *argc, char ***argv, const char *command, const char *summary, Args *a)
{
  a->site = 1;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &a->config, "Station file", "FILE" },
    { "site", 's', 0, G_OPTION_ARG_INT, &a->site, "Site the golden module is in (default 1)", "N" },
    { "golden", 'g', 0, G_OPTION_ARG_STRING, &a->golden, "Serial number of the golden module", "SN" },
    { "operator", 'o', 0, G_OPTION_ARG_STRING, &a->operator_name, "Who calibrates (default: the login name)", "NAME" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &a->db, "Results store (default: the station file's database)", "FILE" },
    { "sequences", 0, 0, G_OPTION_ARG_FILENAME, &a->sequences, "Folder of the shipped sequences", "DIR" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &a->json, "Print the result as JSON", NULL },
    { NULL },
  };
  if (!ll_cli_parse(argc, argv, command, NULL, summary, entries))
    return FALSE;
  if (!a->config || !a->golden || !*a->golden || a->site < 1 || *argc > 1) {
    ll_cli_error("calibrate: --config FILE and --golden SN are required%s",
                 a->site < 1 ? "; --site is 1 or more" : "");
    return FALSE;
  }
  return TRUE;
}

/* Runs @func with @a; prints what kept it from running and returns NULL. */
static LlCalibrationResult *
calibrate(const Args *a, LlCalibrationResult *(*func)(const LlCalibrationOptions *, LlDiagList *, GError **),
          int *status)
{
  g_autoptr(GCancellable) cancel = g_cancellable_new();
  LlCalibrationOptions o = { .config_path = a->config, .database = a->db,
                             .sequences_dir = a->sequences, .site = (guint) a->site,
                             .golden_serial = a->golden,
                             .operator_name = a->operator_name ? a->operator_name : g_get_user_name(),
                             .cancel = cancel };
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_autoptr(GError) err = NULL;
  LlCliInterrupt in = { 0 };
  ll_cli_interrupt_start(&in, cancel);
  LlCalibrationResult *r = func(&o, diags, &err);
  ll_cli_interrupt_stop(&in);
  if (r)
    return r;
  if (ll_diag_list_length(diags)) {
    g_autofree gchar *text = ll_diag_list_format(diags);
    fprintf(stderr, "%s\n", text);
  }
  if (err->domain == LL_CONFIG_ERROR || err->domain == LL_GOLDEN_ERROR) {
    if (!ll_diag_list_length(diags))
      fprintf(stderr, "%s\n", err->message);
  } else if (!g_error_matches(err, LL_SESSION_ERROR, LL_SESSION_ERROR_SEQUENCE)) {
    ll_cli_error("%s%s", g_error_matches(err, LL_CALIBRATION_ERROR, LL_CALIBRATION_ERROR_REFUSED) ? "refused: " : "",
                 err->message);
  }
  *status = g_error_matches(err, LL_CALIBRATION_ERROR, LL_CALIBRATION_ERROR_REFUSED) ? LL_EXIT_REFUSED
                                                                                    : LL_EXIT_USAGE;
  return NULL;
}

static void
print_run_line(const LlCalibrationResult *r)
{
  const LlRunResult *run = r->run;
  printf("%s  %s  site %u", ll_outcome_name(run->outcome), run->serial, run->site);
  if (r->bin_name)
    printf("  bin %u %s%s%s", r->bin_number, r->bin_name, r->bin_instructions ? ": " : "",
           r->bin_instructions ? r->bin_instructions : "");
  printf("\n");
  if (run->message)
    printf("  %s\n", run->message);
}

/* The value of @path for @lane in @entries, NAN when none (and its wavelength). */
static double
entry_loss(GArray *entries, LlPathKind path, guint lane, double *nm)
{
  for (guint i = 0; i < entries->len; i++) {
    const LlPathLossEntry *e = &g_array_index(entries, LlPathLossEntry, i);
    if (e->path == path && e->lane == lane) {
      if (nm)
        *nm = e->wavelength_nm;
      return e->loss_db;
    }
  }
  return NAN;
}

static void
print_entries(GArray *entries)
{
  printf("  %-4s  %-14s %-8s  %-14s %s\n", "lane", "TX wavelength", "TX loss", "RX wavelength", "RX offset");
  for (guint lane = 1; lane <= 32; lane++) {
    double tx_nm = 0, rx_nm = 0;
    double tx = entry_loss(entries, LL_PATH_TX, lane, &tx_nm), rx = entry_loss(entries, LL_PATH_RX, lane, &rx_nm);
    if (isnan(tx) && isnan(rx))
      continue;
    printf("  %4u  %7.1f nm %8.3f dB  %7.1f nm %8.3f dB\n", lane, tx_nm, tx, rx_nm, rx);
  }
}

static JsonNode *
entries_json(GArray *entries, GArray *ids)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_array(b);
  for (guint i = 0; i < entries->len; i++) {
    const LlPathLossEntry *e = &g_array_index(entries, LlPathLossEntry, i);
    json_builder_begin_object(b);
    if (ids)
      ll_cli_json_int(b, "id", g_array_index(ids, gint64, i));
    ll_cli_json_string(b, "path", ll_path_kind_name(e->path));
    ll_cli_json_int(b, "lane", e->lane);
    ll_cli_json_number(b, "wavelength_nm", e->wavelength_nm);
    ll_cli_json_number(b, "loss_db", e->loss_db);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  return json_builder_get_root(b);
}

/* The JSON members both subcommands print. */
static void
result_json_common(JsonBuilder *b, const LlCalibrationResult *r)
{
  ll_cli_json_string(b, "golden", r->golden_serial);
  ll_cli_json_string(b, "product", r->product);
  ll_cli_json_string(b, "station", r->station_id);
  ll_cli_json_int(b, "site", r->site);
  ll_cli_json_string(b, "sequence", r->sequence_path);
  ll_cli_json_string(b, "outcome", ll_outcome_name(r->run->outcome));
  ll_cli_json_string(b, "bin", r->bin_name);
  ll_cli_json_string(b, "message", r->run->message);
  ll_cli_json_int(b, "run_id", r->run_id);
}

static int
cmd_path_loss(int argc, char **argv)
{
  g_auto(Args) a = { 0 };
  if (!parse_args(&argc, &argv, "calibrate path-loss",
                  "measure a site's optical paths against a golden module and store them", &a))
    return LL_EXIT_USAGE;
  int status = LL_EXIT_USAGE;
  g_autoptr(LlCalibrationResult) r = calibrate(&a, ll_calibrate_path_loss, &status);
  if (!r)
    return status;
  int code = r->set_id ? LL_EXIT_OK : r->run->outcome == LL_OUTCOME_PASS ? LL_EXIT_ERROR
                                                                         : exit_status(r->run->outcome);
  if (a.json) {
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    result_json_common(b, r);
    json_builder_set_member_name(b, "stored");
    json_builder_add_boolean_value(b, r->set_id > 0);
    ll_cli_json_int(b, "set_id", r->set_id);
    member_time(b, "measured_utc", r->measured_utc);
    member_time(b, "expires_utc", r->expires_utc);
    json_builder_set_member_name(b, "entries");
    json_builder_add_value(b, entries_json(r->entries, NULL));
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    ll_cli_print_json(root);
    return code;
  }
  print_run_line(r);
  print_entries(r->entries);
  if (r->set_id) {
    g_autofree gchar *until = format_time(r->expires_utc);
    printf("stored as path-loss calibration %" G_GINT64_FORMAT " of %s site %u (golden %s), valid "
           "until %s UTC\n", r->set_id, r->station_id, r->site, r->golden_serial, until);
  } else {
    printf("not stored: the calibration run did not pass; the site keeps its earlier calibration\n");
  }
  return code;
}

static int
cmd_golden_check(int argc, char **argv)
{
  g_auto(Args) a = { 0 };
  if (!parse_args(&argc, &argv, "calibrate golden-check",
                  "measure the golden module and compare it with its reference values", &a))
    return LL_EXIT_USAGE;
  int status = LL_EXIT_USAGE;
  g_autoptr(LlCalibrationResult) r = calibrate(&a, ll_golden_check, &status);
  if (!r)
    return status;
  const LlRunResult *run = r->run;
  if (a.json) {
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    result_json_common(b, r);
    json_builder_set_member_name(b, "deltas");
    json_builder_begin_array(b);
    for (guint i = 0; i < run->measurements->len; i++) {
      const LlMeasurement *m = run->measurements->pdata[i];
      if (!g_str_has_suffix(m->name, "_delta") || m->value.type != LL_VALUE_NUMBER)
        continue;
      json_builder_begin_object(b);
      ll_cli_json_string(b, "name", m->name);
      ll_cli_json_int(b, "lane", m->lane);
      ll_cli_json_number(b, "delta_db", m->value.number);
      ll_cli_json_string(b, "verdict", !m->judged ? "info" : m->judgement.verdict == LL_VERDICT_PASS ? "pass" : "fail");
      json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    ll_cli_print_json(root);
    return exit_status(run->outcome);
  }
  print_run_line(r);
  for (guint i = 0; i < run->measurements->len; i++) {
    const LlMeasurement *m = run->measurements->pdata[i];
    if (!g_str_has_suffix(m->name, "_delta") || m->value.type != LL_VALUE_NUMBER)
      continue;
    gboolean bad = m->judged && m->judgement.verdict != LL_VERDICT_PASS;
    printf("  lane %u  %-30s %+8.3f dB%s\n", m->lane, m->name, m->value.number,
           bad ? "  (outside its limit)" : "");
  }
  printf("%u golden-unit checks stored with run %" G_GINT64_FORMAT "\n", r->checks, r->run_id);
  return exit_status(run->outcome);
}

/* ---- history ---- */

static gboolean
expired(const LlPathLossSetRecord *s, GDateTime *now)
{
  return !s->expires_utc || g_date_time_compare(now, s->expires_utc) >= 0;
}

static void
print_sets(GPtrArray *sets, GDateTime *now)
{
  printf("path-loss calibrations: %u\n", sets->len);
  if (!sets->len)
    return;
  printf("  %-5s %-10s %-4s %-19s  %-19s  %-7s %-12s %s\n", "set", "station", "site",
         "measured (UTC)", "expires (UTC)", "state", "operator", "golden");
  for (guint i = 0; i < sets->len; i++) {
    const LlPathLossSetRecord *s = sets->pdata[i];
    g_autofree gchar *measured = format_time(s->measured_utc), *expires = format_time(s->expires_utc);
    printf("  %-5" G_GINT64_FORMAT " %-10s %-4u %-19s  %-19s  %-7s %-12s %s\n", s->id, s->station_id,
           s->site, measured, expires, expired(s, now) ? "expired" : "valid",
           s->operator_name ? s->operator_name : "-", s->golden_serial ? s->golden_serial : "-");
    for (LlPathKind path = LL_PATH_TX; path < LL_PATH_COUNT; path++) {
      /* each lane's value, and its wavelength when they are not all one */
      g_autoptr(GString) plain = g_string_new(NULL), with_nm = g_string_new(NULL);
      double nm = NAN;
      gboolean one_nm = TRUE;
      for (guint k = 0; k < s->entries->len; k++) {
        const LlPathLossEntry *e = &g_array_index(s->entries, LlPathLossEntry, k);
        if (e->path != path)
          continue;
        one_nm &= isnan(nm) || fabs(nm - e->wavelength_nm) < LL_PATH_WAVELENGTH_TOLERANCE_NM;
        nm = e->wavelength_nm;
        g_string_append_printf(plain, " %u:%.2f", e->lane, e->loss_db);
        g_string_append_printf(with_nm, " %u:%.2f@%g", e->lane, e->loss_db, e->wavelength_nm);
      }
      const char *what = path == LL_PATH_TX ? "TX loss" : "RX offset";
      if (plain->len && one_nm)
        printf("        %s, dB by lane at %g nm:%s\n", what, nm, plain->str);
      else if (plain->len)
        printf("        %s, dB by lane @ nm:%s\n", what, with_nm->str);
    }
  }
}

/* Golden-unit checks as rows of one run and measurement, lanes as columns. */
static void
print_checks(GPtrArray *checks)
{
  printf("golden-unit checks: %u (delta = measured - reference)\n", checks->len);
  const char *serial = NULL;
  for (guint i = 0; i < checks->len;) {
    const LlGoldenCheck *c = checks->pdata[i];
    if (g_strcmp0(serial, c->serial) != 0) {
      serial = c->serial;
      printf("  golden %s\n    %-19s  %-4s %-6s %-24s %s\n", serial, "checked (UTC)", "site", "run",
             "measurement", "delta by lane");
    }
    g_autofree gchar *when = format_time(c->checked_utc);
    g_autoptr(GString) lanes = g_string_new(NULL);
    guint k = i;
    for (; k < checks->len; k++) {
      const LlGoldenCheck *d = checks->pdata[k];
      if (d->run_id != c->run_id || g_strcmp0(d->serial, c->serial) || g_strcmp0(d->measurement, c->measurement))
        break;
      g_string_append_printf(lanes, " %u:%+.3f", d->lane, d->delta);
    }
    printf("    %-19s  %-4u %-6" G_GINT64_FORMAT " %-24s%s %s\n", when, c->site, c->run_id,
           c->measurement, lanes->str, c->unit && g_str_equal(c->unit, "dBm") ? "dB" : c->unit ? c->unit : "");
    i = k;
  }
}

static JsonNode *
history_json(GPtrArray *sets, GPtrArray *checks, GDateTime *now)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "path_loss");
  json_builder_begin_array(b);
  for (guint i = 0; i < sets->len; i++) {
    const LlPathLossSetRecord *s = sets->pdata[i];
    json_builder_begin_object(b);
    ll_cli_json_int(b, "set_id", s->id);
    ll_cli_json_string(b, "station", s->station_id);
    ll_cli_json_int(b, "site", s->site);
    ll_cli_json_string(b, "operator", s->operator_name);
    ll_cli_json_string(b, "golden", s->golden_serial);
    member_time(b, "measured_utc", s->measured_utc);
    member_time(b, "expires_utc", s->expires_utc);
    json_builder_set_member_name(b, "expired");
    json_builder_add_boolean_value(b, expired(s, now));
    json_builder_set_member_name(b, "entries");
    json_builder_add_value(b, entries_json(s->entries, s->entry_ids));
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_set_member_name(b, "golden_checks");
  json_builder_begin_array(b);
  for (guint i = 0; i < checks->len; i++) {
    const LlGoldenCheck *c = checks->pdata[i];
    json_builder_begin_object(b);
    ll_cli_json_int(b, "id", c->id);
    ll_cli_json_string(b, "golden", c->serial);
    ll_cli_json_string(b, "measurement", c->measurement);
    ll_cli_json_int(b, "lane", c->lane);
    ll_cli_json_number(b, "value", c->value);
    ll_cli_json_number(b, "reference", c->reference);
    ll_cli_json_number(b, "delta", c->delta);
    ll_cli_json_string(b, "unit", c->unit);
    member_time(b, "checked_utc", c->checked_utc);
    ll_cli_json_string(b, "station", c->station_id);
    ll_cli_json_int(b, "site", c->site);
    ll_cli_json_string(b, "operator", c->operator_name);
    ll_cli_json_int(b, "run_id", c->run_id);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

static int
cmd_history(int argc, char **argv)
{
  g_autofree gchar *db = NULL, *config = NULL, *golden = NULL, *station = NULL;
  gint site = 0;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Results store", "FILE" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "Station file (its database)", "FILE" },
    { "site", 's', 0, G_OPTION_ARG_INT, &site, "Only this site", "N" },
    { "golden", 'g', 0, G_OPTION_ARG_STRING, &golden, "Only this golden module", "SN" },
    { "station", 0, 0, G_OPTION_ARG_STRING, &station, "Only this station id", "ID" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL },
  };
  if (!ll_cli_parse(&argc, &argv, "calibrate history", NULL,
                    "path-loss calibrations and golden-unit checks (drift) from the results store",
                    entries))
    return LL_EXIT_USAGE;
  if (site < 0 || argc > 1) {
    ll_cli_error("calibrate history: --site is 1 or more");
    return LL_EXIT_USAGE;
  }
  g_autoptr(LlStore) store = ll_cli_open_store(db, config);
  if (!store)
    return LL_EXIT_USAGE;
  g_autoptr(GError) err = NULL;
  g_autoptr(GPtrArray) sets = ll_store_path_loss_sets(store, station, (guint) site, golden, &err);
  g_autoptr(GPtrArray) all = sets ? ll_store_golden_history(store, golden, NULL, &err) : NULL;
  if (!all) {
    ll_cli_error("%s", err->message);
    return LL_EXIT_ERROR;
  }
  g_autoptr(GPtrArray) checks = g_ptr_array_new();
  for (guint i = 0; i < all->len; i++) {
    const LlGoldenCheck *c = all->pdata[i];
    if ((!site || c->site == (guint) site) && (!station || !g_strcmp0(c->station_id, station)))
      g_ptr_array_add(checks, all->pdata[i]);
  }
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  if (json) {
    g_autoptr(JsonNode) root = history_json(sets, checks, now);
    ll_cli_print_json(root);
  } else {
    print_sets(sets, now);
    print_checks(checks);
  }
  return sets->len || checks->len ? LL_EXIT_OK : LL_EXIT_FAIL;
}

int
ll_cmd_calibrate(int argc, char **argv)
{
  static const LlCommand subs[] = {
    { "path-loss", "measure a site's optical paths against a golden module and store them", cmd_path_loss },
    { "golden-check", "measure the golden module and compare it with its reference values", cmd_golden_check },
    { "history", "path-loss calibrations and golden-unit checks from the results store", cmd_history },
  };
  if (argc >= 2)
    for (gsize i = 0; i < G_N_ELEMENTS(subs); i++)
      if (g_str_equal(argv[1], subs[i].name))
        return subs[i].func(argc - 1, argv + 1);
  gboolean help = argc >= 2 && (g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h"));
  FILE *out = help ? stdout : stderr;
  if (argc >= 2 && !help)
    ll_cli_error("calibrate: unknown subcommand '%s'", argv[1]);
  fprintf(out, "Usage: lightline calibrate SUBCOMMAND [OPTIONS]\n\nSubcommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS(subs); i++)
    fprintf(out, "  %-14s %s\n", subs[i].name, subs[i].summary);
  return help ? LL_EXIT_OK : LL_EXIT_USAGE;
}
