/* ll-sequence-validate.c: checking a loaded sequence against its limits
 * tables and the station's action catalog (see ll-sequence.h).
 *
 * Each step is checked on its own and every problem is reported at the
 * place in the file it comes from: the action name, the parameter, the
 * $reference, the limit name, the bin. Steps that check clean are resolved
 * for the engine as a side effect (spec, parameters in the action's units
 * with defaults, the role serving each instrument class). */
#include "ll-sequence.h"

#include <string.h>

typedef struct {
  const char *file;
  LlDiagList *diags;
  LlSequence *seq;
  const LlLimitsTable *const *tables;
  guint n_tables;
  const LlActionCatalog *catalog;
  GHashTable *used_params; /* sequence parameter names referenced by a step */
  GHashTable *used_limits; /* limit names a step is judged by */
} Check;

static void
error_at(Check *c, guint line, guint col, const char *hint, const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static void
error_at(Check *c, guint line, guint col, const char *hint, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree gchar *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, line, col, hint, "%s", msg);
}

/* "did you mean 'x'?" or "known: a, b, c" (or @none when empty). */
static gchar *
closest_hint(const char *word, const char *const *known, const char *what, const char *none)
{
  gsize n = known ? g_strv_length((gchar **) known) : 0;
  if (!n)
    return g_strdup(none);
  const char *close = ll_closest_word(word, known, n);
  if (close)
    return g_strdup_printf("did you mean '%s'?", close);
  g_autofree gchar *list = g_strjoinv(", ", (gchar **) known);
  return g_strdup_printf("%s: %s", what, list);
}

/* The article for a class name: "a bert", "an attenuator", "an evb". */
static const char *
article(const char *word)
{
  return strchr("aeiouAEIOU", word[0]) ? "an" : "a";
}

static void
param_free(gpointer p)
{
  LlParam *pa = p;
  g_free(pa->name);
  ll_value_clear(&pa->value);
  g_free(pa->reference);
  g_free(pa);
}

static const LlParam *
find_param(GPtrArray *params, const char *name)
{
  for (guint i = 0; i < params->len; i++)
    if (g_str_equal(((LlParam *) params->pdata[i])->name, name))
      return params->pdata[i];
  return NULL;
}

static const LlRole *
find_role(GPtrArray *roles, const char *name)
{
  for (guint i = 0; i < roles->len; i++)
    if (g_str_equal(((LlRole *) roles->pdata[i])->name, name))
      return roles->pdata[i];
  return NULL;
}

static void
check_params(Check *c, LlStep *st)
{
  const LlActionSpec *spec = st->spec;
  g_autoptr(GPtrArray) resolved = g_ptr_array_new_with_free_func(param_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  for (const LlParamSpec *ps = spec->params; ps && ps->name; ps++)
    g_ptr_array_add(names, (gpointer) ps->name);
  g_ptr_array_add(names, NULL);
  g_autoptr(GPtrArray) seq_names = g_ptr_array_new();
  for (guint i = 0; i < c->seq->parameters->len; i++)
    g_ptr_array_add(seq_names, ((LlParam *) c->seq->parameters->pdata[i])->name);
  g_ptr_array_add(seq_names, NULL);
  gboolean ok = TRUE;

  for (guint i = 0; i < st->params->len; i++) {
    const LlParam *p = st->params->pdata[i];
    if (ll_action_spec_param(spec, p->name))
      continue;
    g_autofree gchar *what = g_strdup_printf("parameters of %s", spec->name);
    g_autofree gchar *none = g_strdup_printf("action '%s' takes no parameters", spec->name);
    g_autofree gchar *hint = closest_hint(p->name, (const char *const *) names->pdata, what, none);
    error_at(c, p->line, p->column, hint, "action '%s' has no parameter '%s'", spec->name, p->name);
    ok = FALSE;
  }
  /* in the action's order: given, else its default, else absent */
  for (const LlParamSpec *ps = spec->params; ps && ps->name; ps++) {
    const LlParam *p = find_param(st->params, ps->name);
    g_autoptr(GError) err = NULL;
    g_autofree gchar *hint = NULL;
    if (!p && ps->required) {
      hint = g_strdup_printf("add under params: %s: <%s%s%s>", ps->name,
                             ll_param_type_name(ps->type), ps->unit ? " in " : "",
                             ps->unit ? ll_unit_name(ps->unit) : "");
      error_at(c, st->action_line, st->action_column, hint,
               "action '%s' needs parameter '%s' in step '%s'", spec->name, ps->name, st->id);
      ok = FALSE;
      continue;
    }
    if (!p && !ps->default_text)
      continue;
    LlParam *r = g_new0(LlParam, 1);
    r->name = g_strdup(ps->name);
    g_ptr_array_add(resolved, r);
    if (!p) {
      LlValue dv = { 0 };
      ll_value_from_text(ps->default_text, &dv);
      if (!ll_param_check_value(ps, &dv, &r->value, NULL, NULL))
        g_ptr_array_remove(resolved, r); /* a bad default: ll_action_catalog_check() reports it */
      ll_value_clear(&dv);
      continue;
    }
    r->line = p->line;
    r->column = p->column;
    const LlValue *v = &p->value;
    const LlParam *ref = NULL;
    if (p->reference) {
      ref = find_param(c->seq->parameters, p->reference);
      if (!ref) {
        hint = closest_hint(p->reference, (const char *const *) seq_names->pdata,
                            "the sequence's parameters", "the sequence has no 'parameters:' section");
        error_at(c, v->line, v->column, hint, "unknown parameter reference '$%s'", p->reference);
        ok = FALSE;
        continue;
      }
      g_hash_table_add(c->used_params, ref->name);
      v = &ref->value;
    }
    if (!ll_param_check_value(ps, v, &r->value, &hint, &err)) {
      if (ref) {
        g_autofree gchar *more = g_strdup_printf("%s ($%s is defined at line %u)", hint ? hint : "",
                                                 ref->name, ref->value.line);
        g_free(hint);
        hint = g_steal_pointer(&more);
      }
      error_at(c, p->value.line, p->value.column, hint, "%s", err->message);
      ok = FALSE;
    }
  }
  if (ok)
    st->resolved = g_steal_pointer(&resolved);
}

static void
check_roles(Check *c, LlStep *st)
{
  const LlActionSpec *spec = st->spec;
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func(g_free);
  gboolean ok = TRUE;
  for (guint i = 0; i < st->uses->len; i++) {
    const LlRole *u = st->uses->pdata[i];
    if (!spec->roles || !g_strv_contains(spec->roles, u->klass)) {
      g_autofree gchar *list = spec->roles ? g_strjoinv(", ", (gchar **) spec->roles) : g_strdup("");
      g_autofree gchar *hint = *list ? g_strdup_printf("it needs: %s", list)
                                     : g_strdup("it needs no instrument: remove 'uses'");
      error_at(c, u->class_line, u->class_column, hint, "action '%s' does not use %s %s",
               spec->name, article(u->klass), u->klass);
      ok = FALSE;
    }
  }
  for (const char *const *k = spec->roles; k && *k; k++) {
    const LlRole *chosen = NULL;
    for (guint i = 0; i < st->uses->len; i++)
      if (g_str_equal(((LlRole *) st->uses->pdata[i])->klass, *k))
        chosen = st->uses->pdata[i];
    if (chosen) {
      const LlRole *r = find_role(c->seq->roles, chosen->name);
      if (!r || !g_str_equal(r->klass, *k)) {
        g_autoptr(GPtrArray) same = g_ptr_array_new();
        for (guint i = 0; i < c->seq->roles->len; i++) {
          const LlRole *o = c->seq->roles->pdata[i];
          if (g_str_equal(o->klass, *k))
            g_ptr_array_add(same, o->name);
        }
        g_ptr_array_add(same, NULL);
        g_autofree gchar *names = g_strjoinv(", ", (gchar **) same->pdata);
        g_autofree gchar *hint = *names ? g_strdup_printf("roles of class %s: %s", *k, names)
                                        : g_strdup_printf("declare it under instruments: e.g. "
                                                          "%s: %s", chosen->name, *k);
        if (r)
          error_at(c, chosen->line, chosen->column, hint, "role '%s' is %s %s, not %s %s",
                   chosen->name, article(r->klass), r->klass, article(*k), *k);
        else
          error_at(c, chosen->line, chosen->column, hint, "the sequence declares no role '%s'",
                   chosen->name);
        ok = FALSE;
      } else {
        g_ptr_array_add(roles, g_strdup(r->name));
      }
      continue;
    }
    g_autoptr(GPtrArray) matching = g_ptr_array_new();
    for (guint i = 0; i < c->seq->roles->len; i++) {
      const LlRole *r = c->seq->roles->pdata[i];
      if (g_str_equal(r->klass, *k))
        g_ptr_array_add(matching, r->name);
    }
    if (matching->len == 1) {
      g_ptr_array_add(roles, g_strdup(matching->pdata[0]));
    } else if (matching->len == 0) {
      g_autofree gchar *hint = g_strdup_printf("declare one under instruments: e.g. %s: %s", *k, *k);
      error_at(c, st->action_line, st->action_column, hint,
               "action '%s' needs %s %s, and the sequence declares no role of that class",
               spec->name, article(*k), *k);
      ok = FALSE;
    } else {
      g_ptr_array_add(matching, NULL);
      g_autofree gchar *list = g_strjoinv(", ", (gchar **) matching->pdata);
      g_autofree gchar *hint = g_strdup_printf("say which in the step: uses: { %s: %s }", *k,
                                               (char *) matching->pdata[0]);
      error_at(c, st->action_line, st->action_column, hint,
               "action '%s' needs %s %s and the sequence has several (%s)", spec->name,
               article(*k), *k, list);
      ok = FALSE;
    }
  }
  if (ok)
    st->roles = g_steal_pointer(&roles);
}

/* The step's limits: in every table, matching a measurement, in a unit of
 * the measurement's dimension, per lane only for per-lane measurements. */
static void
check_limits(Check *c, LlStep *st)
{
  const LlActionSpec *spec = st->spec;
  for (guint i = 0; i < st->limits->len; i++) {
    const LlStepLimit *sl = st->limits->pdata[i];
    g_hash_table_add(c->used_limits, sl->limit);
    gboolean missing = FALSE;
    for (guint t = 0; t < c->n_tables; t++) {
      const LlLimitsTable *tab = c->tables[t];
      if (ll_limits_has(tab, sl->limit))
        continue;
      missing = TRUE;
      g_autoptr(GPtrArray) names = g_ptr_array_new();
      for (guint e = 0; e < tab->entries->len; e++) {
        const char *name = ((LlLimit *) tab->entries->pdata[e])->name;
        if (!g_ptr_array_find_with_equal_func(names, name, g_str_equal, NULL))
          g_ptr_array_add(names, (gpointer) name);
      }
      g_ptr_array_add(names, NULL);
      g_autofree gchar *hint = closest_hint(sl->limit, (const char *const *) names->pdata,
                                            "its limits", "the table has no entries");
      error_at(c, sl->line, sl->column, hint, "limit '%s' is not in limits table '%s' (%s)",
               sl->limit, tab->id, tab->path);
    }
    /* a mistyped name in the short form is one mistake: reported once, above */
    if (!spec || (missing && !sl->measurement_line))
      continue;
    const LlMeasurementSpec *m = ll_action_spec_measurement(spec, sl->measurement);
    guint mline = sl->measurement_line ? sl->measurement_line : sl->line;
    guint mcol = sl->measurement_line ? sl->measurement_column : sl->column;
    if (!m) {
      g_autoptr(GPtrArray) names = g_ptr_array_new();
      for (const LlMeasurementSpec *x = spec->measurements; x && x->name; x++)
        g_ptr_array_add(names, (gpointer) x->name);
      g_ptr_array_add(names, NULL);
      g_autofree gchar *none = g_strdup_printf("action '%s' measures nothing: it cannot be judged",
                                               spec->name);
      g_autofree gchar *what = g_strdup_printf("'%s' measures", spec->name);
      g_autofree gchar *hint = closest_hint(sl->measurement, (const char *const *) names->pdata,
                                            what, none);
      error_at(c, mline, mcol, hint, "action '%s' produces no measurement '%s'", spec->name,
               sl->measurement);
      continue;
    }
    for (guint t = 0; t < c->n_tables; t++) {
      const LlLimitsTable *tab = c->tables[t];
      for (guint e = 0; e < tab->entries->len; e++) {
        const LlLimit *lim = tab->entries->pdata[e];
        if (!g_str_equal(lim->name, sl->limit))
          continue;
        gboolean textual = lim->kind == LL_LIMIT_REGEX || lim->kind == LL_LIMIT_BOOLEAN ||
                           (lim->kind == LL_LIMIT_EQUAL && lim->expected.type == LL_VALUE_STRING);
        if (textual && m->unit) {
          g_autofree gchar *hint = g_strdup_printf("the %s limit at %s:%u compares text or true/"
                                                   "false; use a range or nominal limit in %s",
                                                   ll_limit_kind_name(lim->kind), tab->path,
                                                   lim->line, ll_unit_name(m->unit));
          error_at(c, sl->line, sl->column, hint, "limit '%s' cannot judge '%s', a number in %s",
                   sl->limit, m->name, ll_unit_name(m->unit));
        } else if (!textual && !ll_unit_convertible(m->unit, lim->unit)) {
          g_autofree gchar *why = ll_unit_mismatch_hint(m->unit, lim->unit);
          g_autofree gchar *hint = g_strdup_printf("%s (limit at %s:%u)", why, tab->path, lim->line);
          error_at(c, sl->line, sl->column, hint,
                   "unit mismatch: limit '%s' is in %s but '%s' measures '%s' in %s", sl->limit,
                   *ll_unit_name(lim->unit) ? ll_unit_name(lim->unit) : "no unit", spec->name,
                   m->name, *ll_unit_name(m->unit) ? ll_unit_name(m->unit) : "no unit");
        } else if (lim->lanes && !m->per_lane) {
          g_autofree gchar *hint = g_strdup_printf("the entry at %s:%u names lanes; remove them or "
                                                   "judge a per-lane measurement",
                                                   tab->path, lim->line);
          error_at(c, sl->line, sl->column, hint,
                   "limit '%s' is set per lane but '%s' is one value for the module", sl->limit,
                   m->name);
        } else {
          continue;
        }
        break; /* one report per table is enough */
      }
    }
  }
}

static void
check_bin(Check *c, LlStep *st)
{
  if (!st->bin) {
    if (st->limits->len && c->n_tables) {
      GString *hint = g_string_new("add bin: N, a fail bin:");
      const LlLimitsTable *tab = c->tables[0];
      for (guint i = 0; i < tab->bins->len; i++) {
        const LlBin *b = tab->bins->pdata[i];
        if (b->kind == LL_BIN_FAIL)
          g_string_append_printf(hint, " %u (%s)", b->number, b->name);
      }
      error_at(c, st->line, st->column, hint->str,
               "step '%s' is judged by limits but has no 'bin' for a failure", st->id);
      g_string_free(hint, TRUE);
    }
    return;
  }
  if (!st->limits->len) {
    ll_diag_add(c->diags, LL_DIAG_WARNING, c->file, st->bin_line, st->bin_column,
                "a step without limits never fails a unit (an action error is an ERROR, not a bin)",
                "bin %u of step '%s' is never used", st->bin, st->id);
    return;
  }
  for (guint t = 0; t < c->n_tables; t++) {
    const LlBin *b = ll_limits_bin(c->tables[t], st->bin);
    if (b && b->kind == LL_BIN_FAIL)
      continue;
    GString *hint = g_string_new("fail bins:");
    for (guint i = 0; i < c->tables[t]->bins->len; i++) {
      const LlBin *o = c->tables[t]->bins->pdata[i];
      if (o->kind == LL_BIN_FAIL)
        g_string_append_printf(hint, " %u (%s)", o->number, o->name);
    }
    if (b)
      error_at(c, st->bin_line, st->bin_column, hint->str,
               "bin %u (%s) is a pass bin: a failing step needs a fail bin", st->bin, b->name);
    else
      error_at(c, st->bin_line, st->bin_column, hint->str, "unknown bin %u: not in limits table "
               "'%s'", st->bin, c->tables[t]->id);
    g_string_free(hint, TRUE);
  }
}

static void
check_step(Check *c, LlStep *st, const char *const *action_names)
{
  /* validating again starts afresh */
  st->spec = NULL;
  g_clear_pointer(&st->resolved, g_ptr_array_unref);
  g_clear_pointer(&st->roles, g_ptr_array_unref);
  if (st->action)
    st->spec = ll_action_catalog_lookup(c->catalog, st->action);
  if (st->action && !st->spec) {
    g_autofree gchar *hint = closest_hint(st->action, action_names, "actions",
                                          "the station's catalog has no actions");
    error_at(c, st->action_line, st->action_column, hint, "unknown action '%s'", st->action);
  }
  if (st->spec && st->spec->lane_action && !st->per_lane)
    error_at(c, st->action_line, st->action_column,
             "add per_lane: true (or the lanes, e.g. per_lane: [1, 2])",
             "action '%s' works on one lane at a time, and step '%s' is not per lane",
             st->spec->name, st->id);
  if (st->spec && !st->spec->lane_action && st->per_lane)
    error_at(c, st->per_lane_line, st->per_lane_column, "remove per_lane",
             "action '%s' works on the whole module: it cannot run per lane", st->spec->name);
  if (st->spec) {
    check_params(c, st);
    check_roles(c, st);
  }
  check_limits(c, st);
  check_bin(c, st);
}

static void
check_tables(Check *c)
{
  LlSequence *seq = c->seq;
  for (guint t = 0; t < c->n_tables; t++) {
    const LlLimitsTable *tab = c->tables[t];
    const LlLimitsRef *ref = t < seq->limits->len ? seq->limits->pdata[t] : NULL;
    guint line = ref ? ref->line : seq->line, col = ref ? ref->column : seq->column;
    if (seq->product && tab->product && !g_str_equal(seq->product, tab->product)) {
      g_autofree gchar *hint = g_strdup_printf("the sequence (line %u) is for %s: use a limits "
                                               "table for %s",
                                               seq->product_line, seq->product, seq->product);
      error_at(c, line, col, hint, "limits table '%s' is for product %s, not %s", tab->id,
               tab->product, seq->product);
    }
    for (guint u = 0; u < t; u++)
      for (guint i = 0; tab->part_numbers[i]; i++)
        if (g_strv_contains((const char *const *) c->tables[u]->part_numbers, tab->part_numbers[i])) {
          error_at(c, line, col, "each part number must have one limits table",
                   "limits tables '%s' and '%s' both apply to part number %s", c->tables[u]->id,
                   tab->id, tab->part_numbers[i]);
          break;
        }
    if (tab->provisional)
      ll_diag_add(c->diags, LL_DIAG_WARNING, tab->path, tab->provisional_line,
                  tab->provisional_column,
                  "its values are placeholders until the product's limits are confirmed",
                  "limits table '%s' is provisional", tab->id);
  }
}

gboolean
ll_sequence_validate(LlSequence *seq, const LlLimitsTable *const *tables, guint n_tables,
                     const LlActionCatalog *catalog, LlDiagList *diags)
{
  guint errors_before = ll_diag_list_count(diags, LL_DIAG_ERROR);
  Check c = { seq->path, diags, seq, tables, n_tables, catalog,
              g_hash_table_new(g_str_hash, g_str_equal), g_hash_table_new(g_str_hash, g_str_equal) };
  check_tables(&c);
  g_autofree const char **action_names = ll_action_catalog_names(catalog);
  gboolean judged = FALSE;
  for (guint i = 0; i < seq->steps->len; i++) {
    LlStep *st = seq->steps->pdata[i];
    check_step(&c, st, action_names);
    judged |= st->limits->len > 0;
  }
  if (judged && !n_tables)
    error_at(&c, seq->line, seq->column, "add at the top level e.g. limits: dr8-limits.yaml",
             "steps are judged by limits but the sequence names no limits table");
  for (guint i = 0; i < seq->parameters->len; i++) {
    const LlParam *p = seq->parameters->pdata[i];
    if (!g_hash_table_contains(c.used_params, p->name))
      ll_diag_add(diags, LL_DIAG_WARNING, seq->path, p->line, p->column,
                  "refer to it from a step as $name, or remove it",
                  "parameter '%s' is not used by any step", p->name);
  }
  for (guint t = 0; t < n_tables; t++) {
    const LlLimitsTable *tab = tables[t];
    g_autoptr(GHashTable) warned = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint e = 0; e < tab->entries->len; e++) {
      const LlLimit *lim = tab->entries->pdata[e];
      if (g_hash_table_contains(c.used_limits, lim->name) || !g_hash_table_add(warned, lim->name))
        continue;
      ll_diag_add(diags, LL_DIAG_WARNING, tab->path, lim->line, lim->column,
                  "no step of the sequence is judged by it; add it to a step's limits or remove it",
                  "limit '%s' is not used by sequence '%s'", lim->name, seq->id);
    }
  }
  g_hash_table_unref(c.used_params);
  g_hash_table_unref(c.used_limits);
  ll_diag_list_sort(diags);
  return ll_diag_list_count(diags, LL_DIAG_ERROR) == errors_before;
}

gboolean
ll_sequence_check_file(const char *path, const LlActionCatalog *catalog, LlDiagList *diags,
                       LlSequence **seq_out, GPtrArray **tables_out)
{
  guint errors_before = ll_diag_list_count(diags, LL_DIAG_ERROR);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlSequence) seq = ll_sequence_load(path, diags, &err);
  if (!seq) {
    if (g_error_matches(err, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_READ))
      ll_diag_add(diags, LL_DIAG_ERROR, path, 0, 0, "check the path", "%s", err->message);
    return FALSE;
  }
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func((GDestroyNotify) ll_limits_table_free);
  for (guint i = 0; i < seq->limits->len; i++) {
    const LlLimitsRef *ref = seq->limits->pdata[i];
    g_autoptr(GError) lerr = NULL;
    LlLimitsTable *t = ll_limits_load(ref->resolved_path, diags, &lerr);
    if (t) {
      g_ptr_array_add(tables, t);
    } else if (g_error_matches(lerr, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_READ)) {
      g_autofree gchar *hint = g_strdup_printf("the path is relative to the sequence's folder: %s",
                                               ref->resolved_path);
      ll_diag_add(diags, LL_DIAG_ERROR, path, ref->line, ref->column, hint,
                  "cannot read limits table '%s'", ref->path);
    }
  }
  if (tables->len == seq->limits->len)
    ll_sequence_validate(seq, (const LlLimitsTable *const *) tables->pdata, tables->len, catalog,
                         diags);
  ll_diag_list_sort(diags);
  if (ll_diag_list_count(diags, LL_DIAG_ERROR) != errors_before)
    return FALSE;
  if (seq_out)
    *seq_out = g_steal_pointer(&seq);
  if (tables_out)
    *tables_out = g_steal_pointer(&tables);
  return TRUE;
}
