/* cmd-stats.c: `lightline stats [--db FILE | --config STATION] [--from T]
 * [--to T] [--lot L] [--station S] [--sequence ID] [--with-reference]
 * [--json]`: yield, first-pass yield, bin counts and per-measurement
 * statistics (n, mean, standard deviation, min, max, Cpk, Ppk) of the
 * finished runs selected (units only, unless --sequence names a sequence
 * or --with-reference asks for the golden modules' runs too), from
 * the results store. The numbers are ll_store_stats()'s; this file only
 * parses and prints. Exit status 0, or 2 for bad usage or a store that
 * cannot be opened. */
#include "ll-cli.h"

#include <math.h>
#include <stdio.h>

static JsonNode *
stats_json(const LlStats *s, const LlStatsFilter *f)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "filter");
  json_builder_begin_object(b);
  g_autofree gchar *from = f->from ? ll_store_format_time(f->from) : NULL;
  g_autofree gchar *to = f->to ? ll_store_format_time(f->to) : NULL;
  ll_cli_json_string(b, "from", from);
  ll_cli_json_string(b, "to", to);
  ll_cli_json_string(b, "lot", f->lot);
  ll_cli_json_string(b, "station", f->station_id);
  ll_cli_json_string(b, "sequence", f->operation);
  json_builder_set_member_name(b, "with_reference");
  json_builder_add_boolean_value(b, f->with_reference);
  json_builder_end_object(b);
  ll_cli_json_int(b, "runs", s->runs);
  ll_cli_json_int(b, "units", s->units);
  ll_cli_json_int(b, "units_passed", s->units_passed);
  ll_cli_json_int(b, "units_first_pass", s->units_first_pass);
  ll_cli_json_number(b, "yield", s->yield);
  ll_cli_json_number(b, "first_pass_yield", s->first_pass_yield);
  json_builder_set_member_name(b, "outcomes");
  json_builder_begin_object(b);
  for (LlOutcome o = LL_OUTCOME_PASS; o <= LL_OUTCOME_INCOMPLETE; o++)
    ll_cli_json_int(b, ll_outcome_name(o), s->outcomes[o]);
  json_builder_end_object(b);
  json_builder_set_member_name(b, "bins");
  json_builder_begin_array(b);
  for (guint i = 0; i < s->bins->len; i++) {
    const LlBinCount *c = s->bins->pdata[i];
    json_builder_begin_object(b);
    ll_cli_json_string(b, "outcome", ll_outcome_name(c->outcome));
    json_builder_set_member_name(b, "number");
    if (c->number)
      json_builder_add_int_value(b, c->number);
    else
      json_builder_add_null_value(b);
    ll_cli_json_string(b, "name", c->name);
    ll_cli_json_int(b, "runs", c->runs);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_set_member_name(b, "measurements");
  json_builder_begin_array(b);
  for (guint i = 0; i < s->measurements->len; i++) {
    const LlMeasurementStats *m = s->measurements->pdata[i];
    json_builder_begin_object(b);
    ll_cli_json_string(b, "step", m->step_id);
    ll_cli_json_string(b, "name", m->name);
    ll_cli_json_int(b, "lane", m->lane);
    ll_cli_json_string(b, "unit", m->unit);
    ll_cli_json_int(b, "n", m->summary.n);
    ll_cli_json_number(b, "mean", m->summary.mean);
    ll_cli_json_number(b, "stddev", m->summary.stddev);
    ll_cli_json_number(b, "min", m->summary.min);
    ll_cli_json_number(b, "max", m->summary.max);
    ll_cli_json_number(b, "low", m->low);
    ll_cli_json_number(b, "high", m->high);
    ll_cli_json_number(b, "sigma_within", m->summary.sigma_within);
    ll_cli_json_number(b, "cpk", m->summary.cpk);
    ll_cli_json_number(b, "ppk", m->summary.ppk);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

/* A number in a column: 5 significant digits, "-" for none. */
static gchar *
cell(double v)
{
  return isfinite(v) ? g_strdup_printf("%.5g", v) : g_strdup("-");
}

/* A capability index, to two decimals. */
static gchar *
index_cell(double v)
{
  return isfinite(v) ? g_strdup_printf("%.2f", v) : g_strdup("-");
}

static void
print_stats(const LlStats *s)
{
  printf("%u runs of %u units: yield %.1f %%, first-pass yield %.1f %%\n", s->runs, s->units,
         s->units ? 100 * s->yield : 0.0, s->units ? 100 * s->first_pass_yield : 0.0);
  printf("outcomes:");
  for (LlOutcome o = LL_OUTCOME_PASS; o <= LL_OUTCOME_INCOMPLETE; o++)
    printf("%s %u %s", o ? "," : "", s->outcomes[o], ll_outcome_name(o));
  printf("\nbins (runs):\n");
  for (guint i = 0; i < s->bins->len; i++) {
    const LlBinCount *c = s->bins->pdata[i];
    g_autofree gchar *bin = c->number ? g_strdup_printf("%u %s", c->number, c->name) : g_strdup(c->name);
    printf("  %-10s %-24s %u\n", ll_outcome_name(c->outcome), bin, c->runs);
  }
  if (!s->measurements->len)
    return;
  printf("measurements:\n  %-16s %-22s %4s %-6s %6s %10s %10s %10s %10s %10s %10s %7s %7s\n", "step", "name",
         "lane", "unit", "n", "mean", "std dev", "min", "max", "low", "high", "Cpk", "Ppk");
  for (guint i = 0; i < s->measurements->len; i++) {
    const LlMeasurementStats *m = s->measurements->pdata[i];
    g_autofree gchar *mean = cell(m->summary.mean), *sd = cell(m->summary.stddev);
    g_autofree gchar *min = cell(m->summary.min), *max = cell(m->summary.max);
    g_autofree gchar *low = cell(m->low), *high = cell(m->high);
    g_autofree gchar *cpk = index_cell(m->summary.cpk), *ppk = index_cell(m->summary.ppk);
    printf("  %-16s %-22s %4u %-6s %6u %10s %10s %10s %10s %10s %10s %7s %7s\n", m->step_id, m->name, m->lane,
           *m->unit ? m->unit : "-", m->summary.n, mean, sd, min, max, low, high, cpk, ppk);
  }
}

int
ll_cmd_stats(int argc, char **argv)
{
  g_autofree gchar *db = NULL, *config = NULL;
  g_auto(LlCliSelection) sel = { 0 };
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Results store (default: lightline-demo.db here)", "FILE" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "Read the database of this station file", "FILE" },
    LL_CLI_SELECTION_ENTRIES(sel),
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL },
  };
  if (!ll_cli_parse(&argc, &argv, "stats", NULL, "yield, bins and measurement statistics", entries))
    return LL_EXIT_USAGE;
  if (argc > 1) {
    ll_cli_error("stats: unexpected '%s'", argv[1]);
    return LL_EXIT_USAGE;
  }
  if (!ll_cli_selection_parse("stats", &sel))
    return LL_EXIT_USAGE;
  g_autoptr(LlStore) store = ll_cli_open_store(db, config);
  if (!store)
    return LL_EXIT_USAGE;
  LlStatsFilter filter = { sel.from_t, sel.to_t, sel.lot, sel.station, sel.sequence,
                           ll_cli_selection_with_reference(&sel) };
  g_autoptr(GError) err = NULL;
  g_autoptr(LlStats) stats = ll_store_stats(store, &filter, &err);
  if (!stats) {
    ll_cli_error("%s", err->message);
    return LL_EXIT_USAGE;
  }
  if (json) {
    g_autoptr(JsonNode) root = stats_json(stats, &filter);
    ll_cli_print_json(root);
  } else {
    print_stats(stats);
  }
  return LL_EXIT_OK;
}
