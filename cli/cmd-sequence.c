/* cmd-sequence.c: `lightline sequence validate FILE...` and `lightline
 * sequence actions`. Validation checks each sequence with the limits tables
 * it names against the station's action catalog (a limits table given on
 * its own is checked as a table) and prints every problem as
 * FILE:LINE:COL: error: message with a hint; exit status 2 on any error. */
#include "ll-action.h"
#include "ll-cli.h"
#include "ll-limits.h"
#include "ll-sequence.h"

#include <stdio.h>
#include <string.h>

/* Whether @path is a limits table: its top level opens with a `limits:`
 * mapping (a sequence names its tables with `limits: FILE` instead). */
static gboolean
is_limits_file(const char *path)
{
  g_autofree gchar *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    return FALSE;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    const char *l = lines[i];
    if (g_str_has_prefix(l, "sequence:"))
      return FALSE;
    if (g_str_has_prefix(l, "limits:")) {
      const char *rest = l + strlen("limits:");
      while (*rest == ' ' || *rest == '\t' || *rest == '\r')
        rest++;
      return *rest == '\0' || *rest == '#';
    }
  }
  return FALSE;
}

static int
cmd_validate(int argc, char **argv)
{
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print only problems", NULL },
    { NULL },
  };
  if (!ll_cli_parse(&argc, &argv, "sequence validate", "FILE...",
                    "check sequences and the limits tables they use", entries))
    return LL_EXIT_USAGE;
  if (argc < 2) {
    ll_cli_error("sequence validate: give at least one sequence FILE");
    return LL_EXIT_USAGE;
  }
  guint errors = 0, warnings = 0;
  for (int i = 1; i < argc; i++) {
    g_autoptr(LlDiagList) diags = ll_diag_list_new();
    if (is_limits_file(argv[i])) {
      g_autoptr(GError) err = NULL;
      LlLimitsTable *table = ll_limits_load(argv[i], diags, &err);
      if (ll_diag_list_length(diags)) {
        g_autofree gchar *text = ll_diag_list_format(diags);
        fprintf(stderr, "%s\n", text);
      } else if (err) {
        fprintf(stderr, "%s\n", err->message);
        errors++;
      }
      errors += ll_diag_list_count(diags, LL_DIAG_ERROR);
      warnings += ll_diag_list_count(diags, LL_DIAG_WARNING);
      if (table && !quiet)
        printf("%s: ok (limits table %s %s, %u entries)\n", argv[i], table->id, table->version,
               table->entries->len);
      g_clear_pointer(&table, ll_limits_table_free);
      continue;
    }
    g_autoptr(LlSequence) seq = NULL;
    g_autoptr(GPtrArray) tables = NULL;
    gboolean ok = ll_sequence_check_file(argv[i], ll_actions_catalog(), diags, &seq, &tables);
    if (ll_diag_list_length(diags)) {
      g_autofree gchar *text = ll_diag_list_format(diags);
      fprintf(stderr, "%s\n", text);
    }
    errors += ll_diag_list_count(diags, LL_DIAG_ERROR);
    warnings += ll_diag_list_count(diags, LL_DIAG_WARNING);
    if (ok && !quiet)
      printf("%s: ok (%s %s, %u steps, %u limits table%s)\n", argv[i], seq->id, seq->version,
             seq->steps->len, tables->len, tables->len == 1 ? "" : "s");
  }
  if (errors || warnings)
    fprintf(stderr, "%u error%s, %u warning%s\n", errors, errors == 1 ? "" : "s", warnings,
            warnings == 1 ? "" : "s");
  return errors ? LL_EXIT_USAGE : LL_EXIT_OK;
}

static void
print_action(const LlActionSpec *a)
{
  printf("%s\n  %s%s\n", a->name, a->summary, a->lane_action ? " (per lane)" : "");
  if (a->roles && a->roles[0]) {
    g_autofree gchar *roles = g_strjoinv(", ", (gchar **) a->roles);
    printf("  instruments: %s\n", roles);
  }
  for (const LlParamSpec *p = a->params; p && p->name; p++) {
    printf("  param %-18s %s%s%s", p->name, ll_param_type_name(p->type), p->unit ? " in " : "",
           p->unit ? ll_unit_name(p->unit) : "");
    if (p->default_text)
      printf(", default %s", p->default_text);
    else if (p->required)
      printf(", required");
    printf("%s%s\n", p->summary ? ": " : "", p->summary ? p->summary : "");
  }
  for (const LlMeasurementSpec *m = a->measurements; m && m->name; m++)
    printf("  measures %-15s %s%s%s: %s\n", m->name, m->unit ? ll_unit_name(m->unit) : "-",
           m->per_lane ? ", per lane" : "", "", m->summary ? m->summary : "");
  printf("\n");
}

static int
cmd_actions(int argc, char **argv)
{
  const GOptionEntry entries[] = { { NULL } };
  if (!ll_cli_parse(&argc, &argv, "sequence actions", NULL,
                    "list every action a sequence can use, with its parameters and measurements",
                    entries))
    return LL_EXIT_USAGE;
  const LlActionCatalog *c = ll_actions_catalog();
  for (gsize i = 0; i < c->n_actions; i++)
    print_action(&c->actions[i]);
  return LL_EXIT_OK;
}

static const LlCommand subcommands[] = {
  { "validate", "check sequences and their limits tables", cmd_validate },
  { "actions", "list the actions a sequence can use", cmd_actions },
};

int
ll_cmd_sequence(int argc, char **argv)
{
  if (argc >= 2)
    for (gsize i = 0; i < G_N_ELEMENTS(subcommands); i++)
      if (g_str_equal(argv[1], subcommands[i].name))
        return subcommands[i].func(argc - 1, argv + 1);
  if (argc >= 2)
    ll_cli_error("sequence: unknown subcommand '%s'", argv[1]);
  fprintf(stderr, "Usage: lightline sequence COMMAND\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS(subcommands); i++)
    fprintf(stderr, "  %-9s %s\n", subcommands[i].name, subcommands[i].summary);
  return LL_EXIT_USAGE;
}
