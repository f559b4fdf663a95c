/* ll-judge.c: using a loaded limits table: temperature corners, the limit
 * in effect for a unit, judging a value against it, and choosing a unit's
 * bin (see ll-limits.h; the rules are in docs/sequence-format.md).
 *
 * Every comparison is written so that NaN fails: a bound passes only when
 * the comparison that says "inside" is true, and every comparison with NaN
 * is false. */
#include "ll-limits.h"
#include "ll-action-spec.h"

#include <math.h>
#include <string.h>

gboolean
ll_corner_parse(const char *text, LlCorner *out)
{
  static const struct { const char *name; LlCornerKind kind; } names[] = {
    { "room", LL_CORNER_ROOM }, { "hot", LL_CORNER_HOT }, { "cold", LL_CORNER_COLD },
    { "any", LL_CORNER_ANY },
  };
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    if (g_str_equal(text, names[i].name)) {
      *out = (LlCorner) { names[i].kind, 0 };
      return TRUE;
    }
  double v;
  LlUnit unit;
  if (ll_quantity_parse(text, &v, &unit, NULL) && (unit == LL_UNIT_NONE || unit == LL_UNIT_C) &&
      v >= -100 && v <= 200) {
    *out = (LlCorner) { LL_CORNER_TEMPERATURE, v };
    return TRUE;
  }
  return FALSE;
}

gchar *
ll_corner_format(const LlCorner *corner)
{
  switch (corner->kind) {
  case LL_CORNER_HOT:
    return g_strdup("hot");
  case LL_CORNER_COLD:
    return g_strdup("cold");
  case LL_CORNER_ANY:
    return g_strdup("any");
  case LL_CORNER_TEMPERATURE: {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    return g_strdup_printf("%s C", g_ascii_formatd(buf, sizeof buf, "%g", corner->temperature_c));
  }
  case LL_CORNER_ROOM:
  default:
    return g_strdup("room");
  }
}

gboolean
ll_corner_equal(const LlCorner *a, const LlCorner *b)
{
  return a->kind == b->kind && (a->kind != LL_CORNER_TEMPERATURE || a->temperature_c == b->temperature_c);
}

guint
ll_limit_specificity(const LlLimit *limit)
{
  return (limit->part_numbers ? 4 : 0) + (limit->corner.kind != LL_CORNER_ANY ? 2 : 0) +
         (limit->lanes ? 1 : 0);
}

const LlLimitsTable *
ll_limits_table_for_part(const LlLimitsTable *const *tables, guint n_tables,
                         const char *part_number)
{
  for (guint i = 0; i < n_tables; i++)
    if (g_strv_contains((const char *const *) tables[i]->part_numbers, part_number))
      return tables[i];
  return NULL;
}

gboolean
ll_limits_has(const LlLimitsTable *table, const char *name)
{
  for (guint i = 0; i < table->entries->len; i++)
    if (g_str_equal(((LlLimit *) table->entries->pdata[i])->name, name))
      return TRUE;
  return FALSE;
}

const LlBin *
ll_limits_bin(const LlLimitsTable *table, guint number)
{
  for (guint i = 0; i < table->bins->len; i++)
    if (((LlBin *) table->bins->pdata[i])->number == number)
      return table->bins->pdata[i];
  return NULL;
}

const LlLimit *
ll_limits_lookup(const LlLimitsTable *table, const char *name, const char *part_number, guint lane,
                 const LlCorner *corner)
{
  static const LlCorner room = { LL_CORNER_ROOM, 0 };
  if (!corner)
    corner = &room;
  if (part_number && !g_strv_contains((const char *const *) table->part_numbers, part_number))
    return NULL;
  const LlLimit *best = NULL;
  for (guint i = 0; i < table->entries->len; i++) {
    const LlLimit *lim = table->entries->pdata[i];
    if (!g_str_equal(lim->name, name))
      continue;
    if (lim->part_numbers &&
        (!part_number || !g_strv_contains((const char *const *) lim->part_numbers, part_number)))
      continue;
    if (lim->lanes && (lane == 0 || lane > 32 || !(lim->lanes & (1u << (lane - 1)))))
      continue;
    if (lim->corner.kind != LL_CORNER_ANY && !ll_corner_equal(&lim->corner, corner))
      continue;
    if (!best || ll_limit_specificity(lim) > ll_limit_specificity(best))
      best = lim;
  }
  return best;
}

static gboolean
judge_error(LlJudgement *out, GError **error, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static gboolean
judge_error(LlJudgement *out, GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree gchar *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  out->verdict = LL_VERDICT_ERROR;
  g_set_error_literal(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_TYPE, msg);
  return FALSE;
}

/* Range and nominal, @v already in the limit's unit. */
static void
judge_window(const LlLimit *lim, double v, LlJudgement *out)
{
  gboolean has_lo, has_hi, lo_x, hi_x;
  double lo, hi;
  if (lim->kind == LL_LIMIT_NOMINAL) {
    double tol = ll_unit_round(lim->tolerance - lim->guard_band);
    has_lo = has_hi = TRUE;
    lo_x = hi_x = FALSE;
    lo = ll_unit_round(lim->nominal - tol);
    hi = ll_unit_round(lim->nominal + tol);
  } else {
    has_lo = lim->has_min;
    has_hi = lim->has_max;
    lo_x = lim->min_exclusive;
    hi_x = lim->max_exclusive;
    lo = ll_unit_round(lim->min + lim->guard_band);
    hi = ll_unit_round(lim->max - lim->guard_band);
  }
  gboolean pass = TRUE;
  double margin = INFINITY;
  if (has_lo) {
    pass &= lo_x ? v > lo : v >= lo;
    margin = MIN(margin, v - lo);
  }
  if (has_hi) {
    pass &= hi_x ? v < hi : v <= hi;
    margin = MIN(margin, hi - v);
  }
  out->verdict = pass ? LL_VERDICT_PASS : LL_VERDICT_FAIL;
  out->margin = isnan(v) ? NAN : margin;
  double half = (hi - lo) / 2;
  out->margin_pct = has_lo && has_hi && half > 0 && !isnan(v) ? out->margin / half * 100 : NAN;
}

gboolean
ll_limit_judge(const LlLimit *limit, const LlValue *value, LlJudgement *out, GError **error)
{
  *out = (LlJudgement) { LL_VERDICT_FAIL, NAN, NAN, NAN };
  g_autofree gchar *shown = ll_value_format(value);
  switch (limit->kind) {
  case LL_LIMIT_RANGE:
  case LL_LIMIT_NOMINAL:
  case LL_LIMIT_EQUAL: {
    if (limit->kind == LL_LIMIT_EQUAL && limit->expected.type == LL_VALUE_STRING) {
      if (value->type != LL_VALUE_STRING)
        return judge_error(out, error, "limit '%s' expects a string, not %s '%s'", limit->name,
                           ll_value_type_name(value->type), shown);
      out->verdict = g_strcmp0(value->text, limit->expected.text) == 0 ? LL_VERDICT_PASS
                                                                       : LL_VERDICT_FAIL;
      return TRUE;
    }
    if (value->type != LL_VALUE_NUMBER)
      return judge_error(out, error, "limit '%s' expects a number in %s, not %s '%s'", limit->name,
                         ll_unit_name(limit->unit), ll_value_type_name(value->type), shown);
    double v;
    if (!ll_unit_convert(value->number, value->unit, limit->unit, &v, error)) {
      out->verdict = LL_VERDICT_ERROR;
      g_prefix_error(error, "limit '%s': ", limit->name);
      return FALSE;
    }
    out->value = v;
    if (limit->kind == LL_LIMIT_EQUAL) {
      gboolean eq = v == limit->expected.number;
      out->verdict = eq ? LL_VERDICT_PASS : LL_VERDICT_FAIL;
      out->margin = isnan(v) ? NAN : -fabs(v - limit->expected.number);
      return TRUE;
    }
    judge_window(limit, v, out);
    return TRUE;
  }
  case LL_LIMIT_REGEX:
    if (value->type != LL_VALUE_STRING)
      return judge_error(out, error, "limit '%s' expects a string, not %s '%s'", limit->name,
                         ll_value_type_name(value->type), shown);
    out->verdict = g_regex_match(limit->regex, value->text, 0, NULL) ? LL_VERDICT_PASS
                                                                     : LL_VERDICT_FAIL;
    return TRUE;
  case LL_LIMIT_BOOLEAN:
  default:
    if (value->type != LL_VALUE_BOOLEAN)
      return judge_error(out, error, "limit '%s' expects true or false, not %s '%s'", limit->name,
                         ll_value_type_name(value->type), shown);
    out->verdict = !value->boolean == !limit->expected.boolean ? LL_VERDICT_PASS : LL_VERDICT_FAIL;
    return TRUE;
  }
}

gboolean
ll_limit_judge_number(const LlLimit *limit, double value, LlUnit unit, LlJudgement *out,
                      GError **error)
{
  LlValue v = { .type = LL_VALUE_NUMBER, .number = value, .unit = unit };
  return ll_limit_judge(limit, &v, out, error);
}

double
ll_judgements_worst_margin_pct(const LlJudgement *judgements, gsize n)
{
  double worst = NAN;
  for (gsize i = 0; i < n; i++)
    if (!isnan(judgements[i].margin_pct) && (isnan(worst) || judgements[i].margin_pct < worst))
      worst = judgements[i].margin_pct;
  return worst;
}

const LlBin *
ll_bins_decide(const LlLimitsTable *table, const guint *failed_bins, gsize n_failed,
               double worst_margin_pct)
{
  if (n_failed) {
    const LlBin *best = NULL;
    for (gsize i = 0; i < n_failed; i++) {
      const LlBin *b = ll_limits_bin(table, failed_bins[i]);
      if (!b || b->kind != LL_BIN_FAIL)
        return NULL;
      if (!best || b->priority < best->priority)
        best = b;
    }
    return best;
  }
  const LlBin *best = NULL;
  for (guint i = 0; i < table->bins->len; i++) {
    const LlBin *b = table->bins->pdata[i];
    if (b->kind != LL_BIN_PASS)
      continue;
    if (isnan(worst_margin_pct)) {
      if (!best || b->min_margin_pct < best->min_margin_pct)
        best = b;
    } else if (worst_margin_pct >= b->min_margin_pct &&
               (!best || b->min_margin_pct > best->min_margin_pct)) {
      best = b;
    }
  }
  return best;
}
