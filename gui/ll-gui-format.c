/* ll-gui-format.c: see ll-gui-format.h. */
#include "ll-gui-format.h"

gchar *
ll_gui_value_text(const LlValue *v)
{
  if (v->type != LL_VALUE_NUMBER)
    return ll_value_format(v);
  const char *unit = ll_unit_name(v->unit);
  return g_strdup_printf("%.4g%s%s", v->number, unit && *unit ? " " : "", unit ? unit : "");
}

gchar *
ll_gui_limit_text(const LlLimit *l)
{
  const char *unit = ll_unit_name(l->unit);
  g_autofree gchar *u = unit && *unit ? g_strdup_printf(" %s", unit) : g_strdup("");
  g_autofree gchar *guard = l->guard_band > 0 ? g_strdup_printf(" (guard band %g)", l->guard_band)
                                              : g_strdup("");
  switch (l->kind) {
  case LL_LIMIT_RANGE:
    if (l->has_min && l->has_max)
      return g_strdup_printf("%s%g … %g%s%s%s", l->min_exclusive ? "> " : "", l->min, l->max,
                             l->max_exclusive ? " (max excluded)" : "", u, guard);
    if (l->has_min)
      return g_strdup_printf("%s %g%s%s", l->min_exclusive ? ">" : "≥", l->min, u, guard);
    if (l->has_max)
      return g_strdup_printf("%s %g%s%s", l->max_exclusive ? "<" : "≤", l->max, u, guard);
    return g_strdup("any value");
  case LL_LIMIT_NOMINAL:
    return g_strdup_printf("%g ± %g%s%s", l->nominal, l->tolerance, u, guard);
  case LL_LIMIT_EQUAL:
  case LL_LIMIT_BOOLEAN: {
    g_autofree gchar *v = ll_gui_value_text(&l->expected);
    return g_strdup_printf("= %s", v);
  }
  case LL_LIMIT_REGEX:
    return g_strdup_printf("matches %s", l->pattern);
  default:
    return g_strdup("?");
  }
}
