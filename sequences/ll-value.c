/* ll-value.c: values as written in files (see ll-value.h). */
#include "ll-value.h"

#include <math.h>
#include <string.h>

void
ll_value_clear(LlValue *value)
{
  g_free(value->text);
  memset(value, 0, sizeof *value);
}

void
ll_value_copy(LlValue *dst, const LlValue *src)
{
  *dst = *src;
  dst->text = g_strdup(src->text);
}

void
ll_value_set_number(LlValue *value, double number, LlUnit unit)
{
  ll_value_clear(value);
  value->type = LL_VALUE_NUMBER;
  value->number = number;
  value->unit = unit;
}

void
ll_value_set_string(LlValue *value, const char *text)
{
  ll_value_clear(value);
  value->type = LL_VALUE_STRING;
  value->text = g_strdup(text);
}

void
ll_value_set_boolean(LlValue *value, gboolean b)
{
  ll_value_clear(value);
  value->type = LL_VALUE_BOOLEAN;
  value->boolean = b;
}

gchar *
ll_value_format(const LlValue *value)
{
  switch (value->type) {
  case LL_VALUE_NUMBER: {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(buf, sizeof buf, "%.10g", value->number);
    return value->unit ? g_strdup_printf("%s %s", buf, ll_unit_name(value->unit)) : g_strdup(buf);
  }
  case LL_VALUE_STRING:
    return g_strdup(value->text);
  case LL_VALUE_BOOLEAN:
    return g_strdup(value->boolean ? "true" : "false");
  case LL_VALUE_NONE:
  default:
    return g_strdup("(none)");
  }
}

const char *
ll_value_type_name(LlValueType type)
{
  switch (type) {
  case LL_VALUE_NUMBER:
    return "a number";
  case LL_VALUE_STRING:
    return "a string";
  case LL_VALUE_BOOLEAN:
    return "a boolean";
  case LL_VALUE_NONE:
  default:
    return "nothing";
  }
}

/* A plain scalar: number (with a unit), boolean, or string. Returns FALSE
 * when it starts as a number but ends in an unknown unit (*bad_unit set). */
static gboolean
read_plain(const char *text, LlValue *out, gchar **bad_unit)
{
  double v;
  LlUnit u;
  *bad_unit = NULL;
  if (g_str_equal(text, "true") || g_str_equal(text, "True") || g_str_equal(text, "TRUE") ||
      g_str_equal(text, "false") || g_str_equal(text, "False") || g_str_equal(text, "FALSE")) {
    ll_value_set_boolean(out, g_ascii_tolower(text[0]) == 't');
    return TRUE;
  }
  LlYamlNode probe = { .kind = LL_YAML_SCALAR, .text = (gchar *) text };
  if (ll_yaml_scalar_number(&probe, &v) && isfinite(v)) {
    ll_value_set_number(out, v, LL_UNIT_NONE);
    return TRUE;
  }
  g_autofree gchar *unit_text = NULL;
  if (ll_quantity_parse(text, &v, &u, &unit_text)) {
    ll_value_set_number(out, v, u);
    return TRUE;
  }
  /* "1311 nn" is a mistyped quantity; "PRBS31Q" or "2x FR4" is a string */
  if (unit_text && !strchr(unit_text, ' ') &&
      (strchr(text, ' ') || ll_closest_word(unit_text, ll_unit_names(),
                                            g_strv_length((gchar **) ll_unit_names())))) {
    *bad_unit = g_steal_pointer(&unit_text);
    return FALSE;
  }
  ll_value_set_string(out, text);
  return TRUE;
}

void
ll_value_from_text(const char *text, LlValue *out)
{
  g_autofree gchar *bad = NULL;
  memset(out, 0, sizeof *out);
  if (!read_plain(text, out, &bad))
    ll_value_set_string(out, text);
}

gboolean
ll_value_from_yaml(const LlYamlCtx *ctx, const LlYamlNode *node, const char *what, LlValue *out)
{
  memset(out, 0, sizeof *out);
  if (node->kind == LL_YAML_SEQUENCE || (node->kind == LL_YAML_SCALAR && node->empty)) {
    ll_yaml_error(ctx, node, "write a number (with its unit), a string, or true/false",
                  "%s must be a single value, not %s", what, ll_yaml_describe(node));
    return FALSE;
  }
  if (node->kind == LL_YAML_MAPPING) {
    static const char *const known[] = { "value", "unit", NULL };
    g_autofree gchar *where = g_strdup_printf("in %s", what);
    if (!ll_yaml_check_keys(ctx, node, known, where))
      return FALSE;
    const LlYamlNode *v = ll_yaml_lookup(node, "value"), *u = ll_yaml_lookup(node, "unit");
    double number;
    if (!v) {
      ll_yaml_error(ctx, node, "e.g. { value: 1311, unit: nm }", "%s has no 'value'", what);
      return FALSE;
    }
    if (!ll_yaml_get_number(ctx, v, "'value'", &number))
      return FALSE;
    LlUnit unit = LL_UNIT_NONE;
    if (u) {
      g_autofree gchar *name = NULL;
      if (!ll_yaml_get_string(ctx, u, "'unit'", &name))
        return FALSE;
      if (!ll_unit_from_name(name, &unit)) {
        const char *close = ll_closest_word(name, ll_unit_names(),
                                            g_strv_length((gchar **) ll_unit_names()));
        g_autofree gchar *list = g_strjoinv(" ", (gchar **) ll_unit_names());
        g_autofree gchar *hint = close ? g_strdup_printf("did you mean '%s'?", close)
                                       : g_strdup_printf("units: %s", list);
        ll_yaml_error(ctx, u, hint, "unknown unit '%s'", name);
        return FALSE;
      }
    }
    ll_value_set_number(out, number, unit);
  } else if (node->quoted) {
    ll_value_set_string(out, node->text);
  } else {
    g_autofree gchar *bad = NULL;
    if (!read_plain(node->text, out, &bad)) {
      const char *close = ll_closest_word(bad, ll_unit_names(),
                                          g_strv_length((gchar **) ll_unit_names()));
      g_autofree gchar *list = g_strjoinv(" ", (gchar **) ll_unit_names());
      g_autofree gchar *hint = close ? g_strdup_printf("did you mean '%s'?", close)
                                     : g_strdup_printf("units: %s; quote the value to make it "
                                                       "a string",
                                                       list);
      ll_yaml_error(ctx, node, hint, "unknown unit '%s' in %s", bad, what);
      return FALSE;
    }
  }
  out->line = node->line;
  out->column = node->column;
  return TRUE;
}
