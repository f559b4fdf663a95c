/* ll-cli.c: helpers the commands share: option parsing with uniform errors,
 * JSON printing, error printing. */
#include "ll-cli.h"

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
ll_cli_error(const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_autofree gchar *msg = g_strdup_vprintf(format, ap);
  va_end(ap);
  fprintf(stderr, "lightline: %s\n", msg);
}
