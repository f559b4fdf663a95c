/* ll-cli.c: helpers the commands share: option parsing with uniform errors,
 * JSON printing, error printing, opening the results store for queries. */
#include "ll-cli.h"

#include <math.h>
#include <stdio.h>

gboolean
ll_cli_parse(int *argc, char ***argv, const char *command, const char *parameter,
             const char *summary, const GOptionEntry *entries)
{
  g_autofree gchar *title = g_strdup_printf("%s%s%s", parameter ? parameter : "",
                                            parameter ? " - " : "", summary);
  g_autoptr(GOptionContext) ctx = g_option_context_new(title);
  g_autofree gchar *prgname = g_strdup_printf("lightline %s", command);
  g_set_prgname(prgname);
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(ctx, argc, argv, &err)) {
    ll_cli_error("%s: %s", command, err->message);
    g_autofree gchar *help = g_option_context_get_help(ctx, TRUE, NULL);
    fputs(help, stderr);
    return FALSE;
  }
  return TRUE;
}

void
ll_cli_print_json(JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new();
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_root(gen, node);
  g_autofree gchar *text = json_generator_to_data(gen, NULL);
  puts(text);
}

void
ll_cli_json_string(JsonBuilder *b, const char *name, const char *text)
{
  json_builder_set_member_name(b, name);
  if (text)
    json_builder_add_string_value(b, text);
  else
    json_builder_add_null_value(b);
}

void
ll_cli_json_int(JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_int_value(b, v);
}

void
ll_cli_json_number(JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name(b, name);
  if (isfinite(v))
    json_builder_add_double_value(b, v);
  else
    json_builder_add_null_value(b);
}

void
ll_cli_error(const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_autofree gchar *msg = g_strdup_vprintf(format, ap);
  va_end(ap);
  fprintf(stderr, "lightline: %s\n", msg);
}

LlStore *
ll_cli_open_store(const char *db, const char *config)
{
  g_autoptr(GError) err = NULL;
  g_autofree gchar *path = g_strdup(db);
  if (!path && config) {
    g_autoptr(LlStationConfig) cfg = ll_station_config_load(config, NULL, &err);
    if (!cfg) {
      fprintf(stderr, "%s\n", err->message);
      return NULL;
    }
    if (!cfg->database) {
      ll_cli_error("%s names no database: set database in [station], or give --db FILE", config);
      return NULL;
    }
    path = g_strdup(cfg->database);
  }
  if (!path)
    path = g_strdup("lightline-demo.db");
  LlStore *store = ll_store_open(path, LL_STORE_OPEN_EXISTING, &err);
  if (!store)
    ll_cli_error("%s%s", err->message,
                 db || config ? "" : " (name the store: --db FILE, or --config STATION.ini for its database)");
  return store;
}
