/* cmd-instruments.c: `lightline instruments scan|idn`.
 *   scan [--json]                 every serial port and USB-TMC device attached
 *   idn --config FILE [NAME] [--json]  each configured instrument's identity */
#include "ll-cli.h"
#include "ll-station-identify.h"

#include <stdio.h>
#include <string.h>

static int
cmd_idn(int argc, char **argv)
{
  g_autofree gchar *config_path = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Station file", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL },
  };
  if (!ll_cli_parse(&argc, &argv, "instruments idn", "[NAME]",
                    "connect to each configured instrument and print its identity", entries))
    return LL_EXIT_USAGE;
  if (!config_path || argc > 2) {
    ll_cli_error("instruments idn: %s", !config_path ? "--config FILE is required"
                                                     : "give at most one instrument NAME");
    return LL_EXIT_USAGE;
  }
  g_autoptr(GError) err = NULL;
  g_autoptr(LlStationConfig) cfg = ll_station_config_load(config_path, NULL, &err);
  if (!cfg) {
    fprintf(stderr, "%s\n", err->message);
    return LL_EXIT_USAGE;
  }
  g_autoptr(GPtrArray) results = ll_station_identify(cfg, argc == 2 ? argv[1] : NULL, &err);
  if (!results) {
    ll_cli_error("%s", err->message);
    return LL_EXIT_USAGE;
  }
  guint failed = 0;
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_array(b);
  for (guint i = 0; i < results->len; i++) {
    const LlIdentifyResult *r = results->pdata[i];
    const LlInstrumentConfig *ic = r->instrument;
    failed += r->error != NULL;
    if (json) {
      json_builder_begin_object(b);
      json_builder_set_member_name(b, "name");
      json_builder_add_string_value(b, ic->name);
      json_builder_set_member_name(b, "class");
      json_builder_add_string_value(b, ll_instrument_class_name(ic->klass));
      json_builder_set_member_name(b, "driver");
      json_builder_add_string_value(b, ic->driver->name);
      json_builder_set_member_name(b, "resource");
      json_builder_add_string_value(b, ic->resource);
      json_builder_set_member_name(b, "ok");
      json_builder_add_boolean_value(b, r->error == NULL);
      if (r->error) {
        json_builder_set_member_name(b, "error");
        json_builder_add_string_value(b, r->error->message);
      } else {
        const char *keys[] = { "maker", "model", "serial", "firmware" };
        const char *vals[] = { r->idn.maker, r->idn.model, r->idn.serial, r->idn.firmware };
        for (gsize k = 0; k < G_N_ELEMENTS(keys); k++) {
          json_builder_set_member_name(b, keys[k]);
          json_builder_add_string_value(b, vals[k]);
        }
      }
      json_builder_end_object(b);
    } else if (r->error) {
      printf("%-12s %-14s ERROR  %s\n", ic->name, ll_instrument_class_name(ic->klass),
             r->error->message);
    } else {
      printf("%-12s %-14s %s, %s, serial %s, firmware %s\n", ic->name,
             ll_instrument_class_name(ic->klass), r->idn.maker, r->idn.model, r->idn.serial,
             r->idn.firmware);
    }
  }
  json_builder_end_array(b);
  if (json) {
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    ll_cli_print_json(root);
  } else if (failed) {
    fprintf(stderr, "lightline: %u of %u instruments did not answer\n", failed, results->len);
  }
  return failed ? LL_EXIT_FAIL : LL_EXIT_OK;
}

static const LlCommand subcommands[] = {
  { "idn", "connect to each configured instrument and print its identity", cmd_idn },
};

int
ll_cmd_instruments(int argc, char **argv)
{
  if (argc >= 2)
    for (gsize i = 0; i < G_N_ELEMENTS(subcommands); i++)
      if (g_str_equal(argv[1], subcommands[i].name))
        return subcommands[i].func(argc - 1, argv + 1);
  fprintf(stderr, "Usage: lightline instruments COMMAND\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS(subcommands); i++)
    fprintf(stderr, "  %-6s %s\n", subcommands[i].name, subcommands[i].summary);
  return LL_EXIT_USAGE;
}
