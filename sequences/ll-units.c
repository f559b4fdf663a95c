/* ll-units.c: unit names, dimensions and conversions (see ll-units.h).
 *
 * Each unit is a dimension and a factor to that dimension's base unit; two
 * units convert when their dimensions match. Logarithmic units are each a
 * dimension of their own, so they convert to nothing but themselves. */
#include "ll-units.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(ll-unit-error-quark, ll_unit_error)

typedef enum {
  DIM_NONE,
  DIM_POWER_LOG,
  DIM_RATIO_LOG,
  DIM_POWER,
  DIM_CURRENT,
  DIM_VOLTAGE,
  DIM_TEMPERATURE,
  DIM_LENGTH,
  DIM_TIME,
  DIM_FRACTION,
  DIM_BITS,
  DIM_ERRORS,
} Dimension;

static const struct {
  const char *name;
  Dimension dim;
  double factor; /* to the dimension's base unit */
} units[LL_UNIT_COUNT] = {
  [LL_UNIT_NONE] = { "", DIM_NONE, 1 },
  [LL_UNIT_DBM] = { "dBm", DIM_POWER_LOG, 1 },
  [LL_UNIT_DB] = { "dB", DIM_RATIO_LOG, 1 },
  [LL_UNIT_MW] = { "mW", DIM_POWER, 1e-3 },
  [LL_UNIT_W] = { "W", DIM_POWER, 1 },
  [LL_UNIT_MA] = { "mA", DIM_CURRENT, 1e-3 },
  [LL_UNIT_A] = { "A", DIM_CURRENT, 1 },
  [LL_UNIT_V] = { "V", DIM_VOLTAGE, 1 },
  [LL_UNIT_C] = { "C", DIM_TEMPERATURE, 1 },
  [LL_UNIT_NM] = { "nm", DIM_LENGTH, 1e-9 },
  [LL_UNIT_PS] = { "ps", DIM_TIME, 1e-12 },
  [LL_UNIT_S] = { "s", DIM_TIME, 1 },
  [LL_UNIT_PERCENT] = { "%", DIM_FRACTION, 1e-2 },
  [LL_UNIT_RATIO] = { "ratio", DIM_FRACTION, 1 },
  [LL_UNIT_BITS] = { "bits", DIM_BITS, 1 },
  [LL_UNIT_ERRORS] = { "errors", DIM_ERRORS, 1 },
};

static const char *const unit_names[] = { "dBm", "dB", "mW", "W", "mA", "A", "V", "C", "nm", "ps",
                                          "s", "%", "ratio", "bits", "errors", NULL };

const char *
ll_unit_name(LlUnit unit)
{
  return (guint) unit < LL_UNIT_COUNT ? units[unit].name : "?";
}

gboolean
ll_unit_from_name(const char *name, LlUnit *out)
{
  for (guint u = 1; u < LL_UNIT_COUNT; u++)
    if (g_str_equal(units[u].name, name)) {
      *out = (LlUnit) u;
      return TRUE;
    }
  return FALSE;
}

const char *const *
ll_unit_names(void)
{
  return unit_names;
}

gboolean
ll_unit_convertible(LlUnit from, LlUnit to)
{
  if ((guint) from >= LL_UNIT_COUNT || (guint) to >= LL_UNIT_COUNT)
    return FALSE;
  return from == to || units[from].dim == units[to].dim;
}

gchar *
ll_unit_mismatch_hint(LlUnit from, LlUnit to)
{
  const char *a = ll_unit_name(from), *b = ll_unit_name(to);
  Dimension da = units[from].dim, db = units[to].dim;
  if (from == LL_UNIT_NONE || to == LL_UNIT_NONE)
    return g_strdup_printf("one side has a unit (%s) and the other none: give both the same unit",
                           from == LL_UNIT_NONE ? b : a);
  if ((da == DIM_POWER_LOG && db == DIM_POWER) || (da == DIM_POWER && db == DIM_POWER_LOG))
    return g_strdup_printf("%s is logarithmic and %s linear: they are never converted implicitly "
                           "(0 dBm = 1 mW); use the same unit on both sides",
                           da == DIM_POWER_LOG ? a : b, da == DIM_POWER_LOG ? b : a);
  if ((da == DIM_POWER_LOG && db == DIM_RATIO_LOG) || (da == DIM_RATIO_LOG && db == DIM_POWER_LOG))
    return g_strdup_printf("dBm is an absolute power and dB a ratio (%s vs %s): they measure "
                           "different things",
                           a, b);
  return g_strdup_printf("%s and %s measure different things", a, b);
}

gboolean
ll_unit_convert(double value, LlUnit from, LlUnit to, double *out, GError **error)
{
  if (!ll_unit_convertible(from, to)) {
    *out = NAN;
    g_autofree gchar *why = ll_unit_mismatch_hint(from, to);
    g_set_error(error, LL_UNIT_ERROR, LL_UNIT_ERROR_MISMATCH, "cannot convert %s to %s: %s",
                *ll_unit_name(from) ? ll_unit_name(from) : "a number without unit",
                *ll_unit_name(to) ? ll_unit_name(to) : "a number without unit", why);
    return FALSE;
  }
  *out = from == to ? value : ll_unit_round(value * (units[from].factor / units[to].factor));
  return TRUE;
}

double
ll_unit_round(double value)
{
  if (!isfinite(value) || value == 0)
    return value;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(buf, sizeof buf, "%.12g", value);
  return g_ascii_strtod(buf, NULL);
}

gboolean
ll_quantity_parse(const char *text, double *value, LlUnit *unit, gchar **unit_text)
{
  if (unit_text)
    *unit_text = NULL;
  const char *p = text;
  while (*p == ' ')
    p++;
  /* the number: what a person writes, never hex floats or "inf" */
  const char *q = p;
  if (*q == '-' || *q == '+')
    q++;
  gsize digits = 0;
  while (g_ascii_isdigit(*q))
    q++, digits++;
  if (*q == '.')
    for (q++; g_ascii_isdigit(*q); q++)
      digits++;
  if (!digits)
    return FALSE;
  if ((*q == 'e' || *q == 'E') && (g_ascii_isdigit(q[1]) || ((q[1] == '-' || q[1] == '+') &&
                                                              g_ascii_isdigit(q[2])))) {
    q += 2;
    while (g_ascii_isdigit(*q))
      q++;
  }
  g_autofree gchar *num = g_strndup(p, (gsize) (q - p));
  double v = g_ascii_strtod(num, NULL);
  if (!isfinite(v))
    return FALSE;
  while (*q == ' ')
    q++;
  g_autofree gchar *rest = g_strchomp(g_strdup(q));
  LlUnit u = LL_UNIT_NONE;
  if (*rest && !ll_unit_from_name(rest, &u)) {
    if (unit_text)
      *unit_text = g_steal_pointer(&rest);
    return FALSE;
  }
  *value = v;
  *unit = u;
  return TRUE;
}
