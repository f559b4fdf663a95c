/* cmd-unit.c: `lightline unit history SN [--db FILE | --config STATION]
 * [--json]`: every attempt of a unit from the results store, oldest first:
 * operation, outcome, bin, where (station, site, fixture), who, lot, when.
 * Exit status 0 when the store knows the unit, 1 when it has no run of it,
 * 2 bad usage or a store that cannot be opened. */
#include "ll-cli.h"

#include <stdio.h>

static void
member_time(JsonBuilder *b, const char *name, GDateTime *t)
{
  g_autofree gchar *text = t ? ll_store_format_time(t) : NULL;
  ll_cli_json_string(b, name, text);
}

static const char *
outcome_text(const LlRunRecord *r)
{
  return r->finished ? ll_outcome_name(r->outcome) : "RUNNING";
}

static JsonNode *
history_json(const char *serial, GPtrArray *runs)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  ll_cli_json_string(b, "serial", serial);
  json_builder_set_member_name(b, "runs");
  json_builder_begin_array(b);
  for (guint i = 0; i < runs->len; i++) {
    const LlRunRecord *r = runs->pdata[i];
    json_builder_begin_object(b);
    ll_cli_json_int(b, "run_id", r->id);
    ll_cli_json_string(b, "operation", r->operation);
    ll_cli_json_string(b, "sequence_version", r->sequence_version);
    ll_cli_json_int(b, "attempt", r->attempt);
    ll_cli_json_string(b, "outcome", outcome_text(r));
    json_builder_set_member_name(b, "bin");
    if (r->bin_name) {
      json_builder_begin_object(b);
      ll_cli_json_int(b, "number", r->bin_number);
      ll_cli_json_string(b, "name", r->bin_name);
      json_builder_end_object(b);
    } else {
      json_builder_add_null_value(b);
    }
    ll_cli_json_string(b, "message", r->message);
    ll_cli_json_string(b, "part_number", r->part_number);
    ll_cli_json_string(b, "firmware", r->firmware);
    ll_cli_json_string(b, "hardware_revision", r->hardware_revision);
    ll_cli_json_string(b, "station", r->station_id);
    ll_cli_json_string(b, "line", r->line);
    ll_cli_json_int(b, "site", r->site);
    ll_cli_json_string(b, "fixture", r->fixture);
    json_builder_set_member_name(b, "fixture_insertion");
    if (r->fixture)
      json_builder_add_int_value(b, r->fixture_insertion);
    else
      json_builder_add_null_value(b);
    ll_cli_json_string(b, "operator", r->operator_name);
    ll_cli_json_string(b, "lot", r->lot);
    member_time(b, "started_utc", r->started_utc);
    member_time(b, "finished_utc", r->finished_utc);
    ll_cli_json_number(b, "test_time_s", r->test_time_s);
    ll_cli_json_int(b, "steps_planned", r->steps_planned);
    ll_cli_json_int(b, "steps_stored", r->steps_stored);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

static void
print_history(const char *serial, GPtrArray *runs)
{
  printf("%s: %u run%s\n", serial, runs->len, runs->len == 1 ? "" : "s");
  printf("  %-3s %-6s %-19s  %-18s %-10s %-18s %-10s %-4s %-14s %-10s %s\n", "#", "run", "started (UTC)",
         "operation", "outcome", "bin", "station", "site", "fixture", "operator", "lot");
  for (guint i = 0; i < runs->len; i++) {
    const LlRunRecord *r = runs->pdata[i];
    g_autofree gchar *when = r->started_utc ? g_date_time_format(r->started_utc, "%Y-%m-%d %H:%M:%S")
                                            : g_strdup("?");
    g_autofree gchar *bin = r->bin_name ? g_strdup_printf("%u %s", r->bin_number, r->bin_name) : g_strdup("-");
    g_autofree gchar *fixture = r->fixture ? g_strdup_printf("%s (%u)", r->fixture, r->fixture_insertion)
                                           : g_strdup("-");
    printf("  %-3u %-6" G_GINT64_FORMAT " %-19s  %-18s %-10s %-18s %-10s %-4u %-14s %-10s %s\n", r->attempt,
           r->id, when, r->operation, outcome_text(r), bin, r->station_id, r->site, fixture,
           r->operator_name ? r->operator_name : "-", r->lot ? r->lot : "-");
    if (r->message && (!r->finished || r->outcome != LL_OUTCOME_PASS))
      printf("      %s\n", r->message);
  }
}

int
ll_cmd_unit(int argc, char **argv)
{
  g_autofree gchar *db = NULL, *config = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Results store (default: lightline-demo.db here)", "FILE" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "Read the database of this station file", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL },
  };
  if (!ll_cli_parse(&argc, &argv, "unit", "history SN", "every attempt of a unit", entries))
    return LL_EXIT_USAGE;
  if (argc != 3 || !g_str_equal(argv[1], "history")) {
    ll_cli_error("unit: usage: lightline unit history SN [--db FILE] [--json]");
    return LL_EXIT_USAGE;
  }
  const char *serial = argv[2];
  g_autoptr(LlStore) store = ll_cli_open_store(db, config);
  if (!store)
    return LL_EXIT_USAGE;
  g_autoptr(GError) err = NULL;
  g_autoptr(GPtrArray) runs = ll_store_unit_history(store, serial, &err);
  if (!runs) {
    ll_cli_error("%s", err->message);
    return LL_EXIT_USAGE;
  }
  if (json) {
    g_autoptr(JsonNode) root = history_json(serial, runs);
    ll_cli_print_json(root);
  } else if (runs->len) {
    print_history(serial, runs);
  } else {
    printf("%s: no runs in %s\n", serial, ll_store_path(store));
  }
  return runs->len ? LL_EXIT_OK : LL_EXIT_FAIL;
}
