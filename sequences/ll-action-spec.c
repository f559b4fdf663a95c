/* ll-action-spec.c: action catalog lookups and parameter checks (see
 * ll-action-spec.h). */
#include "ll-action-spec.h"

#include <math.h>

G_DEFINE_QUARK(ll-sequence-error-quark, ll_sequence_error)

static const char *const pattern_names[] = { "PRBS31Q", "PRBS31", "PRBS23Q", "PRBS23", "PRBS15Q",
                                             "PRBS15",  "PRBS13Q", "PRBS13", "PRBS9Q",  "PRBS9",
                                             "PRBS7Q",  "PRBS7",  "SSPRQ",  NULL };

static const char *const class_names[] = { "power-meter", "attenuator", "optical-switch",
                                           "bert",        "scope",      "evb",
                                           NULL };

const char *const *
ll_pattern_names(void)
{
  return pattern_names;
}

const char *const *
ll_instrument_class_list(void)
{
  return class_names;
}

const LlActionSpec *
ll_action_catalog_lookup(const LlActionCatalog *catalog, const char *name)
{
  for (gsize i = 0; catalog && i < catalog->n_actions; i++)
    if (g_str_equal(catalog->actions[i].name, name))
      return &catalog->actions[i];
  return NULL;
}

const char **
ll_action_catalog_names(const LlActionCatalog *catalog)
{
  gsize n = catalog ? catalog->n_actions : 0;
  const char **names = g_new0(const char *, n + 1);
  for (gsize i = 0; i < n; i++)
    names[i] = catalog->actions[i].name;
  return names;
}

const LlParamSpec *
ll_action_spec_param(const LlActionSpec *spec, const char *name)
{
  for (const LlParamSpec *p = spec->params; p && p->name; p++)
    if (g_str_equal(p->name, name))
      return p;
  return NULL;
}

const LlMeasurementSpec *
ll_action_spec_measurement(const LlActionSpec *spec, const char *name)
{
  for (const LlMeasurementSpec *m = spec->measurements; m && m->name; m++)
    if (g_str_equal(m->name, name))
      return m;
  return NULL;
}

const char *
ll_param_type_name(LlParamType type)
{
  switch (type) {
  case LL_PARAM_NUMBER:
    return "number";
  case LL_PARAM_INTEGER:
    return "integer";
  case LL_PARAM_STRING:
    return "string";
  case LL_PARAM_BOOLEAN:
    return "boolean";
  case LL_PARAM_PATTERN:
  default:
    return "pattern name";
  }
}

static gchar *
format_number(double v, LlUnit unit)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(buf, sizeof buf, "%.10g", v);
  return unit ? g_strdup_printf("%s %s", buf, ll_unit_name(unit)) : g_strdup(buf);
}

gboolean
ll_param_check_value(const LlParamSpec *param, const LlValue *value, LlValue *out, gchar **hint,
                     GError **error)
{
  g_autofree gchar *shown = ll_value_format(value);
  g_autofree gchar *h = NULL;
  const char *name = param->name;
  if (param->type == LL_PARAM_NUMBER || param->type == LL_PARAM_INTEGER) {
    if (value->type != LL_VALUE_NUMBER) {
      h = param->unit ? g_strdup_printf("e.g. %s: 10 %s", name, ll_unit_name(param->unit))
                      : g_strdup_printf("e.g. %s: 10", name);
      g_set_error(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_TYPE,
                  "'%s' must be a %s%s%s, not %s '%s'", name,
                  param->type == LL_PARAM_NUMBER ? "number" : "whole number",
                  param->unit ? " in " : "", param->unit ? ll_unit_name(param->unit) : "",
                  ll_value_type_name(value->type), shown);
      goto fail;
    }
    double v = value->number;
    /* a plain number is a ratio: "target: 2.4e-4" needs no unit */
    LlUnit unit = param->unit == LL_UNIT_RATIO && !value->unit ? LL_UNIT_RATIO : value->unit;
    if (param->unit && !unit) {
      g_autofree gchar *with = format_number(v, param->unit);
      h = g_strdup_printf("write the unit, e.g. %s: %s", name, with);
      g_set_error(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_TYPE,
                  "'%s' needs a unit (%s): '%s' has none", name, ll_unit_name(param->unit), shown);
      goto fail;
    }
    if (!param->unit && unit) {
      g_autofree gchar *alone = format_number(v, LL_UNIT_NONE);
      h = g_strdup_printf("write the number alone, e.g. %s: %s", name, alone);
      g_set_error(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_TYPE,
                  "'%s' takes a number without unit, not '%s'", name, shown);
      goto fail;
    }
    if (param->unit && !ll_unit_convert(v, unit, param->unit, &v, NULL)) {
      h = ll_unit_mismatch_hint(unit, param->unit);
      g_set_error(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_TYPE,
                  "'%s' is in %s; '%s' is not convertible to %s", name, ll_unit_name(param->unit),
                  shown, ll_unit_name(param->unit));
      goto fail;
    }
    if (param->type == LL_PARAM_INTEGER && v != floor(v)) {
      h = g_strdup("write a whole number");
      g_set_error(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_TYPE,
                  "'%s' must be a whole number, not %s", name, shown);
      goto fail;
    }
    if ((param->has_min && v < param->min) || (param->has_max && v > param->max)) {
      g_autofree gchar *lo = format_number(param->min, param->unit);
      g_autofree gchar *hi = format_number(param->max, param->unit);
      h = param->has_min && param->has_max ? g_strdup_printf("'%s' goes from %s to %s", name, lo, hi)
          : param->has_min                 ? g_strdup_printf("'%s' is at least %s", name, lo)
                                           : g_strdup_printf("'%s' is at most %s", name, hi);
      g_set_error(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_TYPE, "'%s' %s is %s the action's %s %s",
                  name, shown, param->has_min && v < param->min ? "below" : "above",
                  param->has_min && v < param->min ? "minimum" : "maximum",
                  param->has_min && v < param->min ? lo : hi);
      goto fail;
    }
    ll_value_set_number(out, v, param->unit);
  } else if (param->type == LL_PARAM_BOOLEAN) {
    if (value->type != LL_VALUE_BOOLEAN) {
      h = g_strdup_printf("write %s: true or %s: false (without quotes)", name, name);
      g_set_error(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_TYPE,
                  "'%s' must be true or false, not %s '%s'", name, ll_value_type_name(value->type),
                  shown);
      goto fail;
    }
    ll_value_set_boolean(out, value->boolean);
  } else {
    if (value->type != LL_VALUE_STRING) {
      h = g_strdup_printf("quote it: %s: \"%s\"", name, shown);
      g_set_error(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_TYPE, "'%s' must be a %s, not %s '%s'",
                  name, ll_param_type_name(param->type), ll_value_type_name(value->type), shown);
      goto fail;
    }
    if (param->type == LL_PARAM_PATTERN && !g_strv_contains(pattern_names, value->text)) {
      const char *close = ll_closest_word(value->text, pattern_names,
                                          g_strv_length((gchar **) pattern_names));
      g_autofree gchar *list = g_strjoinv(" ", (gchar **) pattern_names);
      h = close ? g_strdup_printf("did you mean '%s'?", close) : g_strdup_printf("patterns: %s", list);
      g_set_error(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_TYPE, "unknown pattern '%s'",
                  value->text);
      goto fail;
    }
    ll_value_set_string(out, value->text);
  }
  out->line = value->line;
  out->column = value->column;
  return TRUE;

fail:
  if (hint)
    *hint = g_steal_pointer(&h);
  ll_value_clear(out);
  return FALSE;
}

gboolean
ll_action_catalog_check(const LlActionCatalog *catalog, GError **error)
{
  g_autoptr(GString) problems = g_string_new(NULL);
  for (gsize i = 0; i < catalog->n_actions; i++) {
    const LlActionSpec *a = &catalog->actions[i];
    if (!a->name || !*a->name) {
      g_string_append_printf(problems, "action %zu has no name\n", i);
      continue;
    }
    for (gsize j = 0; j < i; j++)
      if (g_strcmp0(catalog->actions[j].name, a->name) == 0)
        g_string_append_printf(problems, "action '%s' is declared twice\n", a->name);
    for (const LlParamSpec *p = a->params; p && p->name; p++) {
      for (const LlParamSpec *q = a->params; q < p; q++)
        if (g_str_equal(q->name, p->name))
          g_string_append_printf(problems, "%s: parameter '%s' is declared twice\n", a->name,
                                 p->name);
      if (p->required && p->default_text)
        g_string_append_printf(problems, "%s: parameter '%s' is required and has a default\n",
                               a->name, p->name);
      if (p->has_min && p->has_max && p->min > p->max)
        g_string_append_printf(problems, "%s: parameter '%s' has min above max\n", a->name,
                               p->name);
      if (p->default_text) {
        LlValue v = { 0 }, out = { 0 };
        g_autoptr(GError) err = NULL;
        ll_value_from_text(p->default_text, &v);
        if (!ll_param_check_value(p, &v, &out, NULL, &err))
          g_string_append_printf(problems, "%s: default of '%s': %s\n", a->name, p->name,
                                 err->message);
        ll_value_clear(&v);
        ll_value_clear(&out);
      }
    }
    for (const LlMeasurementSpec *m = a->measurements; m && m->name; m++)
      for (const LlMeasurementSpec *n = a->measurements; n < m; n++)
        if (g_str_equal(n->name, m->name))
          g_string_append_printf(problems, "%s: measurement '%s' is declared twice\n", a->name,
                                 m->name);
    for (const char *const *r = a->roles; r && *r; r++)
      if (!g_strv_contains(class_names, *r))
        g_string_append_printf(problems, "%s: unknown instrument class '%s'\n", a->name, *r);
  }
  if (!problems->len)
    return TRUE;
  g_string_truncate(problems, problems->len - 1);
  g_set_error_literal(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_CATALOG, problems->str);
  return FALSE;
}
