/* cmd-instruments.c: `lightline instruments scan|idn`.
 *   scan [--json]                 every serial port and USB-TMC device attached
 *   idn --config FILE [NAME] [--json]  each configured instrument's identity */
#include "ll-cli.h"
#include "ll-discovery.h"
#include "ll-station-identify.h"
#include "ll-station-sim.h"

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
  g_autoptr(LlBench) bench = ll_station_simulation_start(cfg, &err);
  if (err) {
    ll_cli_error("%s", err->message);
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

/* The configured instrument whose resource names the same device, or NULL
 * (the station file's rule: ll_resource_same_device()). */
static const char *
configured_name(const LlStationConfig *cfg, const char *resource)
{
  if (!cfg)
    return NULL;
  g_autoptr(LlResource) found = ll_resource_parse(resource, NULL, NULL);
  for (guint i = 0; found && i < cfg->instruments->len; i++) {
    const LlInstrumentConfig *ic = cfg->instruments->pdata[i];
    g_autoptr(LlResource) r = ll_resource_parse(ic->resource, NULL, NULL);
    if (r && ll_resource_same_device(r, found))
      return ic->name;
  }
  return NULL;
}

static void
add_string(JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name(b, name);
  if (value)
    json_builder_add_string_value(b, value);
  else
    json_builder_add_null_value(b);
}

static void
add_usb_ids(JsonBuilder *b, guint16 vid, guint16 pid)
{
  g_autofree gchar *v = g_strdup_printf("%04x", vid);
  g_autofree gchar *p = g_strdup_printf("%04x", pid);
  add_string(b, "vid", v);
  add_string(b, "pid", p);
}

static int
cmd_scan(int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree gchar *config_path = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "Station file: mark the devices it configures", "FILE" },
    { NULL },
  };
  if (!ll_cli_parse(&argc, &argv, "instruments scan", NULL,
                    "list every serial port and USB-TMC device attached, configured or not",
                    entries))
    return LL_EXIT_USAGE;
  if (argc > 1) {
    ll_cli_error("instruments scan: unexpected argument '%s'", argv[1]);
    return LL_EXIT_USAGE;
  }
  g_autoptr(GError) err = NULL;
  g_autoptr(LlStationConfig) cfg = NULL;
  if (config_path && !(cfg = ll_station_config_load(config_path, NULL, &err))) {
    fprintf(stderr, "%s\n", err->message);
    return LL_EXIT_USAGE;
  }
  int status = LL_EXIT_OK;
  g_autoptr(GError) serial_err = NULL, usb_err = NULL;
  g_autoptr(GPtrArray) ports = ll_discover_serial_ports(&serial_err);
  g_autoptr(GPtrArray) tmc = ll_discover_usbtmc(&usb_err);
  if (serial_err) {
    ll_cli_error("listing serial ports: %s", serial_err->message);
    status = LL_EXIT_FAIL;
  }
  if (usb_err) {
    ll_cli_error("listing USB devices: %s", usb_err->message);
    status = LL_EXIT_FAIL;
  }

  if (json) {
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "serial_ports");
    json_builder_begin_array(b);
    for (guint i = 0; ports && i < ports->len; i++) {
      const LlSerialPortInfo *p = ports->pdata[i];
      json_builder_begin_object(b);
      add_string(b, "port", p->port);
      add_string(b, "transport", p->transport);
      add_string(b, "description", p->description);
      if (p->usb) {
        add_usb_ids(b, p->vid, p->pid);
        add_string(b, "serial", p->serial);
        add_string(b, "manufacturer", p->manufacturer);
        add_string(b, "product", p->product);
      }
      add_string(b, "resource", p->resource);
      add_string(b, "configured_as", configured_name(cfg, p->resource));
      json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "usbtmc");
    json_builder_begin_array(b);
    for (guint i = 0; tmc && i < tmc->len; i++) {
      const LlUsbtmcInfo *u = tmc->pdata[i];
      json_builder_begin_object(b);
      json_builder_set_member_name(b, "bus");
      json_builder_add_int_value(b, u->bus);
      json_builder_set_member_name(b, "address");
      json_builder_add_int_value(b, u->address);
      add_string(b, "port_path", u->port_path);
      add_usb_ids(b, u->vid, u->pid);
      add_string(b, "serial", u->serial);
      add_string(b, "manufacturer", u->manufacturer);
      add_string(b, "product", u->product);
      add_string(b, "resource", u->resource);
      add_string(b, "configured_as", configured_name(cfg, u->resource));
      json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    ll_cli_print_json(root);
    return status;
  }

  printf("Serial ports:\n");
  if (!ports || ports->len == 0)
    printf("  (none)\n");
  for (guint i = 0; ports && i < ports->len; i++) {
    const LlSerialPortInfo *p = ports->pdata[i];
    const char *as = configured_name(cfg, p->resource);
    if (p->usb)
      printf("  %-14s usb %04x:%04x  %s %s, serial %s%s%s\n", p->port, p->vid, p->pid,
             p->manufacturer ? p->manufacturer : "?", p->product ? p->product : "?",
             p->serial ? p->serial : "?", as ? "  = " : "", as ? as : "");
    else
      printf("  %-14s %s  %s%s%s\n", p->port, p->transport,
             p->description ? p->description : "", as ? "  = " : "", as ? as : "");
  }
  printf("USB-TMC instruments:\n");
  if (!tmc || tmc->len == 0)
    printf("  (none)\n");
  for (guint i = 0; tmc && i < tmc->len; i++) {
    const LlUsbtmcInfo *u = tmc->pdata[i];
    const char *as = configured_name(cfg, u->resource);
    printf("  %-28s %s %s, serial %s%s%s\n", u->resource, u->manufacturer ? u->manufacturer : "?",
           u->product ? u->product : "?", u->serial ? u->serial : "?", as ? "  = " : "",
           as ? as : "");
  }
  return status;
}

static const LlCommand subcommands[] = {
  { "scan", "list every serial port and USB-TMC device attached, configured or not", cmd_scan },
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
