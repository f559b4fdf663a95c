/* ll-limits.c: loading and checking a limits table (see ll-limits.h; the
 * format is docs/sequence-format.md; using a table is ll-judge.c).
 *
 * Loading reads the positioned YAML tree section by section and reports
 * every problem it finds rather than the first; a section that is wrong in
 * shape is skipped so one mistake does not cascade. Once every entry is
 * read, entries sharing a name are checked together: one unit and kind per
 * name, and no two entries that could both be "the most specific" for some
 * part number, lane and corner. */
#include "ll-limits.h"
#include "ll-yaml.h"
#include "ll-action-spec.h"
#include "ll-product.h"

#include <math.h>
#include <string.h>

const char *
ll_limit_kind_name(LlLimitKind kind)
{
  static const char *const names[] = { "range", "nominal", "equal", "regex", "boolean" };
  return (guint) kind < G_N_ELEMENTS(names) ? names[kind] : "?";
}

static void
limit_free(gpointer p)
{
  LlLimit *l = p;
  g_free(l->name);
  ll_value_clear(&l->expected);
  g_free(l->pattern);
  if (l->regex)
    g_regex_unref(l->regex);
  g_strfreev(l->part_numbers);
  g_free(l->description);
  g_free(l);
}

static void
bin_free(gpointer p)
{
  LlBin *b = p;
  g_free(b->name);
  g_free(b->instructions);
  g_free(b);
}

void
ll_limits_table_free(LlLimitsTable *table)
{
  if (!table)
    return;
  g_free(table->path);
  g_free(table->sha256);
  g_free(table->id);
  g_free(table->version);
  g_free(table->product);
  g_free(table->description);
  g_strfreev(table->part_numbers);
  g_clear_pointer(&table->bins, g_ptr_array_unref);
  g_clear_pointer(&table->entries, g_ptr_array_unref);
  g_free(table);
}

/* A list of unique non-empty strings; NULL after reporting. */
static GStrv
read_string_list(const LlYamlCtx *c, const LlYamlNode *node, const char *what)
{
  if (!ll_yaml_expect(c, node, LL_YAML_SEQUENCE, what))
    return NULL;
  if (!ll_yaml_length(node)) {
    ll_yaml_error(c, node, "list at least one, e.g. [LL8DR8-OSFP]", "%s is empty", what);
    return NULL;
  }
  g_autoptr(GStrvBuilder) b = g_strv_builder_new();
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);
  gboolean ok = TRUE;
  for (guint i = 0; i < ll_yaml_length(node); i++) {
    const LlYamlNode *item = ll_yaml_item(node, i);
    g_autofree gchar *s = NULL;
    if (!ll_yaml_get_string(c, item, "each entry", &s)) {
      ok = FALSE;
      continue;
    }
    if (g_ptr_array_find_with_equal_func(seen, s, g_str_equal, NULL)) {
      ll_yaml_error(c, item, "list each once", "'%s' is listed twice", s);
      ok = FALSE;
      continue;
    }
    g_ptr_array_add(seen, g_strdup(s));
    g_strv_builder_add(b, s);
  }
  return ok ? g_strv_builder_end(b) : NULL;
}

/* `all` or a list of lane numbers; bits in *@mask (0 for all). */
static gboolean
read_lanes(const LlYamlCtx *c, const LlYamlNode *node, guint max_lane, guint32 *mask)
{
  *mask = 0;
  if (node->kind == LL_YAML_SCALAR && !node->quoted && g_str_equal(node->text, "all"))
    return TRUE;
  if (node->kind != LL_YAML_SEQUENCE || !ll_yaml_length(node)) {
    ll_yaml_error(c, node, "write lanes: all, or a list such as [1, 2, 5]",
                  "lanes must be 'all' or a list of lane numbers, not %s", ll_yaml_describe(node));
    return FALSE;
  }
  gboolean ok = TRUE;
  for (guint i = 0; i < ll_yaml_length(node); i++) {
    guint lane;
    const LlYamlNode *item = ll_yaml_item(node, i);
    if (!ll_yaml_get_uint(c, item, "a lane number", 1, max_lane, &lane)) {
      ok = FALSE;
      continue;
    }
    if (*mask & (1u << (lane - 1))) {
      ll_yaml_error(c, item, "list each lane once", "lane %u is listed twice", lane);
      ok = FALSE;
    }
    *mask |= 1u << (lane - 1);
  }
  return ok;
}

typedef struct {
  LlYamlCtx c;
  LlLimitsTable *t;
} Loader;

static void
read_header(Loader *l, const LlYamlNode *h)
{
  const LlYamlCtx *c = &l->c;
  LlLimitsTable *t = l->t;
  t->line = h->line;
  t->column = h->column;
  if (!ll_yaml_expect(c, h, LL_YAML_MAPPING, "'limits'"))
    return;
  static const char *const known[] = { "id", "version", "product", "provisional", "part_numbers",
                                       "description", NULL };
  ll_yaml_check_keys(c, h, known, "under 'limits'");
  static const struct { const char *key, *example; } req[] = {
    { "id", "id: 800g-dr8-final" }, { "version", "version: 1.0" },
    { "product", "product: 800G-DR8" }, { "part_numbers", "part_numbers: [LL8DR8-OSFP]" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(req); i++)
    if (!ll_yaml_lookup(h, req[i].key)) {
      g_autofree gchar *hint = g_strdup_printf("add a line such as: %s", req[i].example);
      ll_yaml_error(c, h, hint, "the limits header has no '%s'", req[i].key);
    }
  const LlYamlNode *n;
  if ((n = ll_yaml_lookup(h, "id")))
    ll_yaml_get_string(c, n, "'id'", &t->id);
  if ((n = ll_yaml_lookup(h, "version")))
    ll_yaml_get_version(c, n, "version", &t->version);
  if ((n = ll_yaml_lookup(h, "product")) && ll_yaml_get_string(c, n, "'product'", &t->product)) {
    t->product_line = n->line;
    t->product_column = n->column;
  }
  if ((n = ll_yaml_lookup(h, "description")))
    ll_yaml_get_string(c, n, "'description'", &t->description);
  if ((n = ll_yaml_lookup(h, "provisional")) &&
      ll_yaml_get_bool(c, n, "'provisional'", &t->provisional)) {
    t->provisional_line = n->line;
    t->provisional_column = n->column;
  }
  if ((n = ll_yaml_lookup(h, "part_numbers")))
    t->part_numbers = read_string_list(c, n, "'part_numbers'");
}

static void
read_bin(Loader *l, const LlYamlNode *b)
{
  const LlYamlCtx *c = &l->c;
  if (!ll_yaml_expect(c, b, LL_YAML_MAPPING, "a bin"))
    return;
  static const char *const known[] = { "number", "name", "kind", "priority", "min_margin_pct",
                                       "instructions", NULL };
  ll_yaml_check_keys(c, b, known, "in a bin");
  g_autoptr(GPtrArray) hold = g_ptr_array_new_with_free_func(bin_free);
  LlBin *bin = g_new0(LlBin, 1);
  g_ptr_array_add(hold, bin);
  bin->line = b->line;
  bin->column = b->column;
  gboolean ok = TRUE;
  const LlYamlNode *n;
  if (!(n = ll_yaml_lookup(b, "number"))) {
    ll_yaml_error(c, b, "add e.g. number: 10", "a bin has no 'number'");
    ok = FALSE;
  } else if (ll_yaml_get_uint(c, n, "a bin number", 1, 9999, &bin->number)) {
    for (guint i = 0; i < l->t->bins->len; i++) {
      const LlBin *o = l->t->bins->pdata[i];
      if (o->number == bin->number) {
        g_autofree gchar *hint = g_strdup_printf("bin %u is already defined at line %u", o->number,
                                                 o->line);
        ll_yaml_error(c, n, hint, "bin number %u used twice", bin->number);
        ok = FALSE;
      }
    }
  } else {
    ok = FALSE;
  }
  if (!(n = ll_yaml_lookup(b, "name"))) {
    ll_yaml_error(c, b, "add e.g. name: TX-POWER", "a bin has no 'name'");
    ok = FALSE;
  } else {
    ok &= ll_yaml_get_string(c, n, "a bin name", &bin->name);
  }
  if ((n = ll_yaml_lookup(b, "instructions")))
    ok &= ll_yaml_get_string(c, n, "'instructions'", &bin->instructions);
  g_autofree gchar *kind = NULL;
  if (!(n = ll_yaml_lookup(b, "kind"))) {
    ll_yaml_error(c, b, "add kind: pass (a grade for good units) or kind: fail", "a bin has no 'kind'");
    return;
  }
  if (!ll_yaml_get_string(c, n, "a bin's kind", &kind))
    return;
  const LlYamlNode *prio = ll_yaml_lookup(b, "priority"), *margin = ll_yaml_lookup(b, "min_margin_pct");
  if (g_str_equal(kind, "fail")) {
    bin->kind = LL_BIN_FAIL;
    if (margin) {
      ll_yaml_error(c, ll_yaml_lookup_key(b, "min_margin_pct"),
                    "min_margin_pct grades passing units; remove it from a fail bin",
                    "a fail bin takes no 'min_margin_pct'");
      ok = FALSE;
    }
    if (!prio) {
      ll_yaml_error(c, b, "add e.g. priority: 10 (1 is the most important failure)",
                    "fail bin has no 'priority'");
      ok = FALSE;
    } else if (ll_yaml_get_uint(c, prio, "a priority", 1, 9999, &bin->priority)) {
      for (guint i = 0; i < l->t->bins->len; i++) {
        const LlBin *o = l->t->bins->pdata[i];
        if (o->kind == LL_BIN_FAIL && o->priority == bin->priority) {
          g_autofree gchar *hint = g_strdup_printf("bin %u (line %u) has priority %u too; give "
                                                   "each fail bin its own priority",
                                                   o->number, o->line, o->priority);
          ll_yaml_error(c, prio, hint, "two fail bins share priority %u", bin->priority);
          ok = FALSE;
        }
      }
    } else {
      ok = FALSE;
    }
  } else if (g_str_equal(kind, "pass")) {
    bin->kind = LL_BIN_PASS;
    if (prio) {
      ll_yaml_error(c, ll_yaml_lookup_key(b, "priority"),
                    "priority orders failures; a pass bin uses min_margin_pct",
                    "a pass bin takes no 'priority'");
      ok = FALSE;
    }
    if (margin && !ll_yaml_get_number(c, margin, "min_margin_pct", &bin->min_margin_pct)) {
      ok = FALSE;
    } else if (bin->min_margin_pct < 0 || bin->min_margin_pct > 100) {
      ll_yaml_error(c, margin, "a percentage of the half-window, from 0 to 100",
                    "min_margin_pct %s is not from 0 to 100", margin->text);
      ok = FALSE;
    } else {
      for (guint i = 0; i < l->t->bins->len; i++) {
        const LlBin *o = l->t->bins->pdata[i];
        if (o->kind == LL_BIN_PASS && o->min_margin_pct == bin->min_margin_pct) {
          g_autofree gchar *hint = g_strdup_printf("bin %u (line %u) needs the same; a unit would "
                                                   "fit both",
                                                   o->number, o->line);
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          ll_yaml_error(c, margin ? margin : b, hint, "two pass bins need min_margin_pct %s",
                        g_ascii_formatd(buf, sizeof buf, "%g", bin->min_margin_pct));
          ok = FALSE;
        }
      }
    }
  } else {
    ll_yaml_error(c, n, "kind: pass or kind: fail", "unknown bin kind '%s'", kind);
    ok = FALSE;
  }
  if (ok)
    g_ptr_array_add(l->t->bins, g_ptr_array_steal_index(hold, 0));
}

static void
read_bins(Loader *l, const LlYamlNode *bins)
{
  if (!ll_yaml_expect(&l->c, bins, LL_YAML_SEQUENCE, "'bins'"))
    return;
  for (guint i = 0; i < ll_yaml_length(bins); i++)
    read_bin(l, ll_yaml_item(bins, i));
  gboolean catch_all = FALSE;
  for (guint i = 0; i < l->t->bins->len; i++) {
    const LlBin *b = l->t->bins->pdata[i];
    catch_all |= b->kind == LL_BIN_PASS && b->min_margin_pct == 0;
  }
  if (!catch_all)
    ll_yaml_error(&l->c, bins,
                  "add a pass bin without min_margin_pct (or with 0): a passing unit whose margin "
                  "reaches no grade would have no bin",
                  "no pass bin takes every passing unit");
}

/* A number entry in the limit's unit; optional. */
static gboolean
read_bound(Loader *l, const LlYamlNode *e, const char *key, gboolean *has, double *out)
{
  const LlYamlNode *n = ll_yaml_lookup(e, key);
  if (!n)
    return TRUE;
  g_autofree gchar *what = g_strdup_printf("'%s'", key);
  if (!ll_yaml_get_number(&l->c, n, what, out))
    return FALSE;
  if (has)
    *has = TRUE;
  return TRUE;
}

/* Range, nominal: bounds, guard band, and a window that something can pass. */
static gboolean
read_numeric(Loader *l, const LlYamlNode *e, LlLimit *lim)
{
  const LlYamlCtx *c = &l->c;
  gboolean ok = read_bound(l, e, "guard_band", NULL, &lim->guard_band);
  const LlYamlNode *gb = ll_yaml_lookup(e, "guard_band");
  if (ok && lim->guard_band < 0) {
    ll_yaml_error(c, gb, "a guard band tightens a limit: write it as a positive amount",
                  "guard_band %s is negative", gb->text);
    ok = FALSE;
  }
  if (lim->kind == LL_LIMIT_NOMINAL) {
    gboolean has_nom = FALSE, has_tol = FALSE;
    ok &= read_bound(l, e, "nominal", &has_nom, &lim->nominal);
    ok &= read_bound(l, e, "tolerance", &has_tol, &lim->tolerance);
    if (!has_nom || !has_tol) {
      ll_yaml_error(c, e, "e.g. nominal: 1311 and tolerance: 6.5", "a nominal limit needs "
                    "'nominal' and 'tolerance'");
      return FALSE;
    }
    const LlYamlNode *tol = ll_yaml_lookup(e, "tolerance");
    if (ok && lim->tolerance <= 0) {
      ll_yaml_error(c, tol, "the tolerance is the +/- half-width: a positive number",
                    "tolerance %s is not above 0", tol->text);
      return FALSE;
    }
    if (ok && ll_unit_round(lim->tolerance - lim->guard_band) <= 0) {
      ll_yaml_error(c, gb, "the guard band must be smaller than the tolerance",
                    "guard_band %s leaves no tolerance (%s)", gb->text, tol->text);
      return FALSE;
    }
    return ok;
  }
  const LlYamlNode *min_n = ll_yaml_lookup(e, "min"), *min_x = ll_yaml_lookup(e, "min_exclusive");
  const LlYamlNode *max_n = ll_yaml_lookup(e, "max"), *max_x = ll_yaml_lookup(e, "max_exclusive");
  if (min_n && min_x) {
    ll_yaml_error(c, ll_yaml_lookup_key(e, "min_exclusive"),
                  "keep one: min (value may equal it) or min_exclusive (value must be above it)",
                  "both 'min' and 'min_exclusive'");
    return FALSE;
  }
  if (max_n && max_x) {
    ll_yaml_error(c, ll_yaml_lookup_key(e, "max_exclusive"),
                  "keep one: max (value may equal it) or max_exclusive (value must be below it)",
                  "both 'max' and 'max_exclusive'");
    return FALSE;
  }
  lim->min_exclusive = min_x != NULL;
  lim->max_exclusive = max_x != NULL;
  ok &= read_bound(l, e, min_x ? "min_exclusive" : "min", &lim->has_min, &lim->min);
  ok &= read_bound(l, e, max_x ? "max_exclusive" : "max", &lim->has_max, &lim->max);
  if (!ok)
    return FALSE;
  if (!lim->has_min && !lim->has_max) {
    ll_yaml_error(c, e, "give min and/or max (or min_exclusive / max_exclusive)",
                  "range limit '%s' has no bounds", lim->name);
    return FALSE;
  }
  const LlYamlNode *lo = min_n ? min_n : min_x;
  if (lim->has_min && lim->has_max) {
    if (lim->min > lim->max) {
      g_autofree gchar *hint = g_strdup_printf("max is %s: swap them", (max_n ? max_n : max_x)->text);
      ll_yaml_error(c, lo, hint, "min %s is above max %s", lo->text, (max_n ? max_n : max_x)->text);
      return FALSE;
    }
    if (lim->min == lim->max && (lim->min_exclusive || lim->max_exclusive)) {
      ll_yaml_error(c, lo, "no value can pass: make both bounds inclusive or use kind: equal",
                    "min and max are both %s and one is exclusive", lo->text);
      return FALSE;
    }
    double lo_eff = ll_unit_round(lim->min + lim->guard_band);
    double hi_eff = ll_unit_round(lim->max - lim->guard_band);
    if (gb && (lo_eff > hi_eff || (lo_eff == hi_eff && (lim->min_exclusive || lim->max_exclusive)))) {
      ll_yaml_error(c, gb, "the guard band is taken off both ends: make it smaller than half the window",
                    "guard_band %s closes the window %s..%s", gb->text, lo->text,
                    (max_n ? max_n : max_x)->text);
      return FALSE;
    }
  }
  return TRUE;
}

static void
read_entry(Loader *l, const LlYamlNode *e)
{
  const LlYamlCtx *c = &l->c;
  if (!ll_yaml_expect(c, e, LL_YAML_MAPPING, "a limit entry"))
    return;
  static const char *const known[] = { "name", "unit", "kind", "min", "max", "min_exclusive",
                                       "max_exclusive", "nominal", "tolerance", "value", "pattern",
                                       "guard_band", "lanes", "corner", "part_numbers",
                                       "description", NULL };
  gboolean ok = ll_yaml_check_keys(c, e, known, "in a limit entry");
  g_autoptr(GPtrArray) hold = g_ptr_array_new_with_free_func(limit_free);
  LlLimit *lim = g_new0(LlLimit, 1);
  g_ptr_array_add(hold, lim);
  lim->line = lim->unit_line = e->line;
  lim->column = lim->unit_column = e->column;
  const LlYamlNode *n;
  if (!(n = ll_yaml_lookup(e, "name"))) {
    ll_yaml_error(c, e, "add e.g. name: tx_power_avg (the measurement it judges)",
                  "a limit entry has no 'name'");
    return;
  }
  if (!ll_yaml_get_string(c, n, "a limit name", &lim->name))
    return;
  g_autofree gchar *kind = NULL;
  static const char *const kinds[] = { "range", "nominal", "equal", "regex", "boolean", NULL };
  if (!(n = ll_yaml_lookup(e, "kind"))) {
    ll_yaml_error(c, e, "add kind: range, nominal, equal, regex or boolean",
                  "limit '%s' has no 'kind'", lim->name);
    return;
  }
  if (!ll_yaml_get_string(c, n, "'kind'", &kind))
    return;
  guint k;
  for (k = 0; kinds[k] && !g_str_equal(kinds[k], kind); k++)
    ;
  if (!kinds[k]) {
    const char *close = ll_closest_word(kind, kinds, 5);
    g_autofree gchar *hint = close ? g_strdup_printf("did you mean '%s'?", close)
                                   : g_strdup("kinds: range, nominal, equal, regex, boolean");
    ll_yaml_error(c, n, hint, "unknown limit kind '%s'", kind);
    return;
  }
  lim->kind = (LlLimitKind) k;

  /* keys that belong to another kind */
  static const char *const only[][7] = {
    [LL_LIMIT_RANGE] = { "min", "max", "min_exclusive", "max_exclusive", "guard_band", "unit", NULL },
    [LL_LIMIT_NOMINAL] = { "nominal", "tolerance", "guard_band", "unit", NULL },
    [LL_LIMIT_EQUAL] = { "value", "unit", NULL },
    [LL_LIMIT_REGEX] = { "pattern", NULL },
    [LL_LIMIT_BOOLEAN] = { "value", NULL },
  };
  static const char *const kind_keys[] = { "min", "max", "min_exclusive", "max_exclusive", "nominal",
                                           "tolerance", "value", "pattern", "guard_band", "unit", NULL };
  for (guint i = 0; i < ll_yaml_length(e); i++) {
    const LlYamlNode *key = ll_yaml_key(e, i);
    if (g_strv_contains(kind_keys, key->text) && !g_strv_contains(only[k], key->text)) {
      g_autofree gchar *keys = g_strjoinv(", ", (gchar **) only[k]);
      g_autofree gchar *hint = g_strdup_printf("%s %s limit takes %s", k == LL_LIMIT_EQUAL ? "an" : "a",
                                               kind, keys);
      ll_yaml_error(c, key, hint, "'%s' does not apply to %s %s limit", key->text,
                    k == LL_LIMIT_EQUAL ? "an" : "a", kind);
      ok = FALSE;
    }
  }

  /* the unit: required by numbers, absent from strings and booleans */
  const LlYamlNode *unit = ll_yaml_lookup(e, "unit");
  const LlYamlNode *value = ll_yaml_lookup(e, "value");
  gboolean numeric = k == LL_LIMIT_RANGE || k == LL_LIMIT_NOMINAL ||
                     (k == LL_LIMIT_EQUAL && value && ll_yaml_scalar_number(value, &(double) { 0 }));
  if (unit) {
    lim->unit_line = unit->line;
    lim->unit_column = unit->column;
    g_autofree gchar *name = NULL;
    if (ll_yaml_get_string(c, unit, "'unit'", &name) && !ll_unit_from_name(name, &lim->unit)) {
      const char *close = ll_closest_word(name, ll_unit_names(), g_strv_length((gchar **) ll_unit_names()));
      g_autofree gchar *list = g_strjoinv(" ", (gchar **) ll_unit_names());
      g_autofree gchar *hint = close ? g_strdup_printf("did you mean '%s'?", close)
                                     : g_strdup_printf("units: %s", list);
      ll_yaml_error(c, unit, hint, "unknown unit '%s'", name);
      ok = FALSE;
    }
  } else if (numeric) {
    ll_yaml_error(c, e, "every numeric limit has a unit, e.g. unit: dBm (ratio for a plain ratio)",
                  "limit '%s' has no 'unit'", lim->name);
    ok = FALSE;
  }
  if (ok) {
    switch (lim->kind) {
    case LL_LIMIT_RANGE:
    case LL_LIMIT_NOMINAL:
      ok &= read_numeric(l, e, lim);
      break;
    case LL_LIMIT_EQUAL:
      if (!value) {
        ll_yaml_error(c, e, "add e.g. value: \"2.1.0\" or value: 0 with a unit", "equal limit "
                      "'%s' has no 'value'", lim->name);
        ok = FALSE;
      } else if (ll_value_from_yaml(c, value, "'value'", &lim->expected)) {
        if (lim->expected.type == LL_VALUE_BOOLEAN) {
          ll_yaml_error(c, value, "use kind: boolean", "an equal limit compares numbers or strings");
          ok = FALSE;
        } else if (lim->expected.type == LL_VALUE_STRING && unit) {
          ll_yaml_error(c, ll_yaml_lookup_key(e, "unit"), "remove the unit, or write the value "
                        "as a number", "a string value has no unit");
          ok = FALSE;
        } else if (lim->expected.type == LL_VALUE_NUMBER && lim->expected.unit) {
          ll_yaml_error(c, value, "write the number alone; the unit goes under 'unit'",
                        "'value' of a limit is a plain number");
          ok = FALSE;
        } else if (lim->expected.type == LL_VALUE_NUMBER) {
          lim->expected.unit = lim->unit;
        }
      } else {
        ok = FALSE;
      }
      break;
    case LL_LIMIT_REGEX:
      if (!(n = ll_yaml_lookup(e, "pattern"))) {
        ll_yaml_error(c, e, "add e.g. pattern: '2\\.1\\.[0-9]+'", "regex limit '%s' has no "
                      "'pattern'", lim->name);
        ok = FALSE;
      } else if (ll_yaml_get_string(c, n, "'pattern'", &lim->pattern)) {
        /* compiled alone first, so a mistake is reported in the pattern as written */
        g_autoptr(GError) err = NULL;
        g_autoptr(GRegex) alone = g_regex_new(lim->pattern, 0, 0, &err);
        g_autofree gchar *anchored = g_strdup_printf("\\A(?:%s)\\z", lim->pattern);
        if (alone)
          lim->regex = g_regex_new(anchored, G_REGEX_OPTIMIZE, 0, &err);
        if (!lim->regex) {
          const char *why = err ? strstr(err->message, "at char ") : NULL;
          why = why && strchr(why, ':') ? strchr(why, ':') + 2 : err ? err->message : "?";
          ll_yaml_error(c, n, "Perl-compatible syntax; quote the pattern with single quotes",
                        "bad pattern '%s': %s", lim->pattern, why);
          ok = FALSE;
        }
      } else {
        ok = FALSE;
      }
      break;
    case LL_LIMIT_BOOLEAN:
    default:
      if (!value) {
        ll_yaml_error(c, e, "add value: true or value: false", "boolean limit '%s' has no "
                      "'value'", lim->name);
        ok = FALSE;
      } else if (ll_yaml_get_bool(c, value, "'value'", &lim->expected.boolean)) {
        lim->expected.type = LL_VALUE_BOOLEAN;
      } else {
        ok = FALSE;
      }
      break;
    }
  }

  if ((n = ll_yaml_lookup(e, "lanes")))
    ok &= read_lanes(c, n, LL_MAX_LANES, &lim->lanes);
  if ((n = ll_yaml_lookup(e, "corner"))) {
    if (!ll_yaml_expect(c, n, LL_YAML_SCALAR, "'corner'")) {
      ok = FALSE;
    } else if (!ll_corner_parse(n->text, &lim->corner)) {
      ll_yaml_error(c, n, "room, hot, cold, any, or a case temperature such as 70 C",
                    "unknown corner '%s'", n->text);
      ok = FALSE;
    }
  }
  if ((n = ll_yaml_lookup(e, "part_numbers"))) {
    lim->part_numbers = read_string_list(c, n, "'part_numbers'");
    ok &= lim->part_numbers != NULL;
    for (guint i = 0; lim->part_numbers && lim->part_numbers[i] && l->t->part_numbers; i++) {
      const char *pn = lim->part_numbers[i];
      if (g_strv_contains((const char *const *) l->t->part_numbers, pn))
        continue;
      const char *close = ll_closest_word(pn, (const char *const *) l->t->part_numbers,
                                          g_strv_length(l->t->part_numbers));
      g_autofree gchar *list = g_strjoinv(" ", l->t->part_numbers);
      g_autofree gchar *hint = close ? g_strdup_printf("did you mean '%s'?", close)
                                     : g_strdup_printf("this table's part numbers: %s", list);
      ll_yaml_error(c, ll_yaml_item(n, i), hint, "part number '%s' is not one of the table's", pn);
      ok = FALSE;
    }
  }
  if ((n = ll_yaml_lookup(e, "description")))
    ok &= ll_yaml_get_string(c, n, "'description'", &lim->description);
  if (ok)
    g_ptr_array_add(l->t->entries, g_ptr_array_steal_index(hold, 0));
}

static gboolean
strv_intersect(const GStrv a, const GStrv b)
{
  if (!a || !b)
    return TRUE;
  for (guint i = 0; a[i]; i++)
    if (g_strv_contains((const char *const *) b, a[i]))
      return TRUE;
  return FALSE;
}

/* Entries sharing a name: one unit and kind; no two that could tie. */
static void
check_families(Loader *l)
{
  GPtrArray *es = l->t->entries;
  for (guint i = 0; i < es->len; i++) {
    const LlLimit *b = es->pdata[i];
    for (guint j = 0; j < i; j++) {
      const LlLimit *a = es->pdata[j];
      if (!g_str_equal(a->name, b->name))
        continue;
      if (a->unit != b->unit || a->kind != b->kind) {
        g_autofree gchar *hint = g_strdup_printf("the entry at line %u is a %s limit in %s; every "
                                                 "entry named '%s' must be the same",
                                                 a->line, ll_limit_kind_name(a->kind),
                                                 *ll_unit_name(a->unit) ? ll_unit_name(a->unit) : "no unit",
                                                 a->name);
        ll_diag_add(l->c.diags, LL_DIAG_ERROR, l->c.file, b->unit_line, b->unit_column, hint,
                    "limit '%s' is a %s limit in %s here", b->name, ll_limit_kind_name(b->kind),
                    *ll_unit_name(b->unit) ? ll_unit_name(b->unit) : "no unit");
        break;
      }
      gboolean corners = a->corner.kind == LL_CORNER_ANY || b->corner.kind == LL_CORNER_ANY ||
                         ll_corner_equal(&a->corner, &b->corner);
      gboolean lanes = !a->lanes || !b->lanes || (a->lanes & b->lanes);
      if (corners && lanes && strv_intersect(a->part_numbers, b->part_numbers) &&
          ll_limit_specificity(a) == ll_limit_specificity(b)) {
        g_autofree gchar *hint = g_strdup_printf("the entry at line %u applies to the same units; "
                                                 "make their part numbers, lanes or corners "
                                                 "disjoint",
                                                 a->line);
        ll_diag_add(l->c.diags, LL_DIAG_ERROR, l->c.file, b->line, b->column, hint,
                    "limit '%s' is defined twice for the same part number, lane and corner",
                    b->name);
        break;
      }
    }
  }
}

LlLimitsTable *
ll_limits_load_data(const char *path, const char *text, gsize len, LlDiagList *diags,
                    GError **error)
{
  g_autoptr(LlDiagList) own = NULL;
  if (!diags)
    diags = own = ll_diag_list_new();
  guint errors_before = ll_diag_list_count(diags, LL_DIAG_ERROR);
  g_autoptr(LlLimitsTable) t = g_new0(LlLimitsTable, 1);
  t->path = g_strdup(path);
  t->sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *) text, len);
  t->bins = g_ptr_array_new_with_free_func(bin_free);
  t->entries = g_ptr_array_new_with_free_func(limit_free);
  Loader l = { { path, diags }, t };
  g_autoptr(LlYamlNode) root = ll_yaml_parse(path, text, len, diags);
  if (root && ll_yaml_expect(&l.c, root, LL_YAML_MAPPING, "a limits file")) {
    static const char *const known[] = { "limits", "bins", "entries", NULL };
    ll_yaml_check_keys(&l.c, root, known, "at the top of a limits file");
    const LlYamlNode *h = ll_yaml_lookup(root, "limits"), *bins = ll_yaml_lookup(root, "bins");
    const LlYamlNode *entries = ll_yaml_lookup(root, "entries");
    if (h)
      read_header(&l, h);
    else
      ll_yaml_error(&l.c, root, "start with a 'limits:' header (id, version, product, part_numbers)",
                    "no 'limits' header: is this a limits file?");
    if (bins)
      read_bins(&l, bins);
    else
      ll_yaml_error(&l.c, root, "add 'bins:' with at least one pass bin", "no 'bins'");
    if (!entries)
      ll_yaml_error(&l.c, root, "add 'entries:', one per limit", "no 'entries'");
    else if (ll_yaml_expect(&l.c, entries, LL_YAML_SEQUENCE, "'entries'"))
      for (guint i = 0; i < ll_yaml_length(entries); i++)
        read_entry(&l, ll_yaml_item(entries, i));
    check_families(&l);
  }
  ll_diag_list_sort(diags);
  if (ll_diag_list_count(diags, LL_DIAG_ERROR) != errors_before) {
    g_autofree gchar *all = ll_diag_list_format(diags);
    g_set_error_literal(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_INVALID, all);
    return NULL;
  }
  return g_steal_pointer(&t);
}

LlLimitsTable *
ll_limits_load(const char *path, LlDiagList *diags, GError **error)
{
  g_autofree gchar *text = NULL;
  gsize len = 0;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(path, &text, &len, &err)) {
    g_set_error(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_READ, "%s: cannot read: %s", path,
                err->message);
    return NULL;
  }
  return ll_limits_load_data(path, text, len, diags, error);
}
