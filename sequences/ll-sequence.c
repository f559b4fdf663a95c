/* ll-sequence.c: loading a sequence file (see ll-sequence.h; the format is
 * docs/sequence-format.md).
 *
 * Like the limits loader: each section is read from the positioned YAML
 * tree, every problem is reported at its node, and a malformed section is
 * skipped rather than allowed to cascade. What needs the limits tables or
 * the action catalog is left to ll-sequence-validate.c. */
#include "ll-sequence.h"
#include "ll-yaml.h"
#include "ll-product.h"

#include <string.h>

static void
role_free(gpointer p)
{
  LlRole *r = p;
  g_free(r->name);
  g_free(r->klass);
  g_free(r);
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

static void
step_limit_free(gpointer p)
{
  LlStepLimit *l = p;
  g_free(l->limit);
  g_free(l->measurement);
  g_free(l);
}

static void
step_free(gpointer p)
{
  LlStep *s = p;
  g_free(s->id);
  g_free(s->action);
  g_clear_pointer(&s->params, g_ptr_array_unref);
  g_clear_pointer(&s->limits, g_ptr_array_unref);
  g_clear_pointer(&s->uses, g_ptr_array_unref);
  g_clear_pointer(&s->resolved, g_ptr_array_unref);
  g_clear_pointer(&s->roles, g_ptr_array_unref);
  g_free(s);
}

static void
limits_ref_free(gpointer p)
{
  LlLimitsRef *r = p;
  g_free(r->path);
  g_free(r->resolved_path);
  g_free(r);
}

void
ll_sequence_free(LlSequence *seq)
{
  if (!seq)
    return;
  g_free(seq->path);
  g_free(seq->sha256);
  g_free(seq->id);
  g_free(seq->version);
  g_free(seq->product);
  g_free(seq->description);
  g_clear_pointer(&seq->roles, g_ptr_array_unref);
  g_clear_pointer(&seq->parameters, g_ptr_array_unref);
  g_clear_pointer(&seq->limits, g_ptr_array_unref);
  g_clear_pointer(&seq->steps, g_ptr_array_unref);
  g_free(seq);
}

const char *
ll_step_group_name(LlStepGroup group)
{
  static const char *const names[] = { "setup", "main", "cleanup" };
  return (guint) group < G_N_ELEMENTS(names) ? names[group] : "?";
}

const LlStep *
ll_sequence_step(const LlSequence *seq, const char *id)
{
  for (guint i = 0; i < seq->steps->len; i++)
    if (g_str_equal(((LlStep *) seq->steps->pdata[i])->id, id))
      return seq->steps->pdata[i];
  return NULL;
}

gboolean
ll_sequence_measures_reference(const LlSequence *seq)
{
  for (guint i = 0; i < seq->steps->len; i++) {
    const LlStep *step = seq->steps->pdata[i];
    if (g_str_has_prefix(step->action, "cal.") || g_str_equal(step->action, "golden.compare"))
      return TRUE;
  }
  return FALSE;
}

/* Names of roles, parameters and step ids: a letter, then letters, digits,
 * '_', '-' or '.'. */
static gboolean
check_name(const LlYamlCtx *c, const LlYamlNode *node, const char *what)
{
  const char *t = node->text;
  gboolean ok = g_ascii_isalpha(t[0]);
  for (const char *p = t; ok && *p; p++)
    ok = g_ascii_isalnum(*p) || *p == '_' || *p == '-' || *p == '.';
  if (!ok)
    ll_yaml_error(c, node, "start with a letter; then letters, digits, '_', '-' and '.'",
                  "'%s' is not a valid %s", t, what);
  return ok;
}

typedef struct {
  LlYamlCtx c;
  LlSequence *s;
} Loader;

static void
read_header(Loader *l, const LlYamlNode *h)
{
  const LlYamlCtx *c = &l->c;
  LlSequence *s = l->s;
  s->line = h->line;
  s->column = h->column;
  if (!ll_yaml_expect(c, h, LL_YAML_MAPPING, "'sequence'"))
    return;
  static const char *const known[] = { "id", "version", "product", "lanes", "description", NULL };
  ll_yaml_check_keys(c, h, known, "under 'sequence'");
  static const struct { const char *key, *example; } req[] = {
    { "id", "id: 800g-dr8-final" }, { "version", "version: 1.0" },
    { "product", "product: 800G-DR8" }, { "lanes", "lanes: 8" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(req); i++)
    if (!ll_yaml_lookup(h, req[i].key)) {
      g_autofree gchar *hint = g_strdup_printf("add a line such as: %s", req[i].example);
      ll_yaml_error(c, h, hint, "the sequence header has no '%s'", req[i].key);
    }
  const LlYamlNode *n;
  if ((n = ll_yaml_lookup(h, "id")) && ll_yaml_get_string(c, n, "'id'", &s->id))
    check_name(c, n, "sequence id");
  if ((n = ll_yaml_lookup(h, "version")))
    ll_yaml_get_version(c, n, "version", &s->version);
  if ((n = ll_yaml_lookup(h, "product")) && ll_yaml_get_string(c, n, "'product'", &s->product)) {
    s->product_line = n->line;
    s->product_column = n->column;
  }
  if ((n = ll_yaml_lookup(h, "description")))
    ll_yaml_get_string(c, n, "'description'", &s->description);
  if ((n = ll_yaml_lookup(h, "lanes")) &&
      ll_yaml_get_uint(c, n, "'lanes'", 1, LL_MAX_LANES, &s->lanes)) {
    s->lanes_line = n->line;
    s->lanes_column = n->column;
  }
}

static void
read_roles(Loader *l, const LlYamlNode *map)
{
  const LlYamlCtx *c = &l->c;
  if (!ll_yaml_expect(c, map, LL_YAML_MAPPING, "'instruments'"))
    return;
  const char *const *classes = ll_instrument_class_list();
  for (guint i = 0; i < ll_yaml_length(map); i++) {
    const LlYamlNode *k = ll_yaml_key(map, i), *v = ll_yaml_value(map, i);
    g_autofree gchar *klass = NULL;
    if (!check_name(c, k, "role name") || !ll_yaml_get_string(c, v, "an instrument class", &klass))
      continue;
    if (!g_strv_contains(classes, klass)) {
      const char *close = ll_closest_word(klass, classes, g_strv_length((gchar **) classes));
      g_autofree gchar *list = g_strjoinv(", ", (gchar **) classes);
      g_autofree gchar *hint = close ? g_strdup_printf("did you mean '%s'?", close)
                                     : g_strdup_printf("classes: %s", list);
      ll_yaml_error(c, v, hint, "unknown instrument class '%s'", klass);
      continue;
    }
    LlRole *r = g_new0(LlRole, 1);
    r->name = g_strdup(k->text);
    r->klass = g_steal_pointer(&klass);
    r->line = k->line;
    r->column = k->column;
    r->class_line = v->line;
    r->class_column = v->column;
    g_ptr_array_add(l->s->roles, r);
  }
}

/* A parameter value: for steps, "$name" is a reference. */
static LlParam *
read_param(Loader *l, const LlYamlNode *k, const LlYamlNode *v, gboolean allow_reference)
{
  const LlYamlCtx *c = &l->c;
  if (!check_name(c, k, "parameter name"))
    return NULL;
  g_autofree gchar *what = g_strdup_printf("parameter '%s'", k->text);
  LlParam *p = g_new0(LlParam, 1);
  p->name = g_strdup(k->text);
  p->line = k->line;
  p->column = k->column;
  if (v->kind == LL_YAML_SCALAR && !v->quoted && v->text[0] == '$') {
    if (!allow_reference) {
      ll_yaml_error(c, v, "write the value itself here; steps refer to parameters with $name",
                    "a sequence parameter cannot refer to another ('%s')", v->text);
      param_free(p);
      return NULL;
    }
    p->reference = g_strdup(v->text + 1);
    ll_value_set_string(&p->value, v->text);
    p->value.line = v->line;
    p->value.column = v->column;
    return p;
  }
  if (!ll_value_from_yaml(c, v, what, &p->value)) {
    param_free(p);
    return NULL;
  }
  return p;
}

static void
read_parameters(Loader *l, const LlYamlNode *map)
{
  if (!ll_yaml_expect(&l->c, map, LL_YAML_MAPPING, "'parameters'"))
    return;
  for (guint i = 0; i < ll_yaml_length(map); i++) {
    LlParam *p = read_param(l, ll_yaml_key(map, i), ll_yaml_value(map, i), FALSE);
    if (p)
      g_ptr_array_add(l->s->parameters, p);
  }
}

static void
read_limits_refs(Loader *l, const LlYamlNode *node)
{
  const LlYamlCtx *c = &l->c;
  g_autoptr(GPtrArray) items = g_ptr_array_new();
  if (node->kind == LL_YAML_SEQUENCE) {
    for (guint i = 0; i < ll_yaml_length(node); i++)
      g_ptr_array_add(items, (gpointer) ll_yaml_item(node, i));
    if (!items->len)
      ll_yaml_error(c, node, "name the limits table, e.g. limits: dr8-limits.yaml",
                    "'limits' is an empty list");
  } else {
    g_ptr_array_add(items, (gpointer) node);
  }
  g_autofree gchar *dir = g_path_get_dirname(l->s->path);
  for (guint i = 0; i < items->len; i++) {
    const LlYamlNode *n = items->pdata[i];
    g_autofree gchar *path = NULL;
    if (!ll_yaml_get_string(c, n, "a limits file", &path))
      continue;
    LlLimitsRef *r = g_new0(LlLimitsRef, 1);
    r->resolved_path = g_path_is_absolute(path) ? g_strdup(path) : g_build_filename(dir, path, NULL);
    r->path = g_steal_pointer(&path);
    r->line = n->line;
    r->column = n->column;
    g_ptr_array_add(l->s->limits, r);
  }
}

/* per_lane: true | false | [1, 2, 5] */
static void
read_per_lane(Loader *l, const LlYamlNode *n, LlStep *st)
{
  const LlYamlCtx *c = &l->c;
  guint lanes = l->s->lanes ? l->s->lanes : LL_MAX_LANES;
  st->per_lane_line = n->line;
  st->per_lane_column = n->column;
  if (n->kind == LL_YAML_SEQUENCE) {
    if (!ll_yaml_length(n)) {
      ll_yaml_error(c, n, "list the lanes, e.g. [1, 2, 5], or write per_lane: true",
                    "per_lane is an empty list");
      return;
    }
    for (guint i = 0; i < ll_yaml_length(n); i++) {
      const LlYamlNode *item = ll_yaml_item(n, i);
      guint lane;
      double v;
      if (ll_yaml_scalar_number(item, &v) && v >= 1 && v == (guint) v && v > lanes) {
        g_autofree gchar *hint = g_strdup_printf("the sequence has lanes 1 to %u", lanes);
        ll_yaml_error(c, item, hint, "lane %s is beyond the sequence's %u lanes", item->text, lanes);
        continue;
      }
      if (!ll_yaml_get_uint(c, item, "a lane number", 1, lanes, &lane))
        continue;
      if (st->lanes & (1u << (lane - 1)))
        ll_yaml_error(c, item, "list each lane once", "lane %u is listed twice", lane);
      st->lanes |= 1u << (lane - 1);
    }
    st->per_lane = TRUE;
    return;
  }
  gboolean is_bool = n->kind == LL_YAML_SCALAR && !n->quoted &&
                     (g_str_equal(n->text, "true") || g_str_equal(n->text, "false"));
  if (!is_bool) {
    ll_yaml_error(c, n, "per_lane: true (every lane), per_lane: [1, 2, 5], or leave it out",
                  "per_lane must be true, false or a list of lanes, not %s", ll_yaml_describe(n));
    return;
  }
  gboolean b = g_str_equal(n->text, "true");
  st->per_lane = b;
  st->lanes = b ? (guint32) ((1ull << lanes) - 1) : 0;
}

static void
read_step_limits(Loader *l, const LlYamlNode *n, LlStep *st)
{
  const LlYamlCtx *c = &l->c;
  if (!ll_yaml_expect(c, n, LL_YAML_SEQUENCE, "a step's 'limits'"))
    return;
  for (guint i = 0; i < ll_yaml_length(n); i++) {
    const LlYamlNode *item = ll_yaml_item(n, i);
    LlStepLimit *sl = g_new0(LlStepLimit, 1);
    sl->line = item->line;
    sl->column = item->column;
    if (item->kind == LL_YAML_MAPPING) {
      static const char *const known[] = { "limit", "measurement", NULL };
      const LlYamlNode *lim = ll_yaml_lookup(item, "limit"), *meas = ll_yaml_lookup(item, "measurement");
      ll_yaml_check_keys(c, item, known, "in a step's limit");
      if (!lim || !meas) {
        ll_yaml_error(c, item, "e.g. { limit: tx_power_avg_hot, measurement: tx_power_avg }",
                      "a limit given as a mapping needs 'limit' and 'measurement'");
      } else if (ll_yaml_get_string(c, lim, "'limit'", &sl->limit) &&
                 ll_yaml_get_string(c, meas, "'measurement'", &sl->measurement)) {
        sl->line = lim->line;
        sl->column = lim->column;
        sl->measurement_line = meas->line;
        sl->measurement_column = meas->column;
        g_ptr_array_add(st->limits, g_steal_pointer(&sl));
      }
    } else if (ll_yaml_get_string(c, item, "a limit name", &sl->limit)) {
      sl->measurement = g_strdup(sl->limit);
      g_ptr_array_add(st->limits, g_steal_pointer(&sl));
    }
    if (sl)
      step_limit_free(sl);
  }
  for (guint i = 0; i < st->limits->len; i++)
    for (guint j = 0; j < i; j++) {
      const LlStepLimit *a = st->limits->pdata[j], *b = st->limits->pdata[i];
      if (g_str_equal(a->limit, b->limit) && g_str_equal(a->measurement, b->measurement))
        ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, b->line, b->column, "list each limit once",
                    "limit '%s' is listed twice in step '%s'", b->limit, st->id);
    }
}

static void
read_step(Loader *l, const LlYamlNode *n, LlStepGroup group)
{
  const LlYamlCtx *c = &l->c;
  if (!ll_yaml_expect(c, n, LL_YAML_MAPPING, "a step"))
    return;
  static const char *const known[] = { "id", "action", "params", "per_lane", "limits", "retries",
                                       "on_fail", "bin", "timeout_s", "uses", "any_order", NULL };
  ll_yaml_check_keys(c, n, known, "in a step");
  const LlYamlNode *id = ll_yaml_lookup(n, "id"), *action = ll_yaml_lookup(n, "action");
  if (!id) {
    ll_yaml_error(c, n, "add e.g. id: tx-power (unique in the sequence)", "a step has no 'id'");
    return;
  }
  g_autofree gchar *ids = NULL;
  if (!ll_yaml_get_string(c, id, "a step id", &ids) || !check_name(c, id, "step id"))
    return;
  for (guint i = 0; i < l->s->steps->len; i++) {
    const LlStep *o = l->s->steps->pdata[i];
    if (g_str_equal(o->id, ids)) {
      g_autofree gchar *hint = g_strdup_printf("step '%s' is already defined at line %u; give each "
                                               "step its own id",
                                               ids, o->line);
      ll_yaml_error(c, id, hint, "duplicate step id '%s'", ids);
      return;
    }
  }
  LlStep *st = g_new0(LlStep, 1);
  st->id = g_steal_pointer(&ids);
  st->group = group;
  st->line = n->line;
  st->column = n->column;
  st->params = g_ptr_array_new_with_free_func(param_free);
  st->limits = g_ptr_array_new_with_free_func(step_limit_free);
  st->uses = g_ptr_array_new_with_free_func(role_free);
  g_ptr_array_add(l->s->steps, st);
  if (!action)
    ll_yaml_error(c, n, "add e.g. action: tx.average-power", "step '%s' has no 'action'", st->id);
  else if (ll_yaml_get_string(c, action, "'action'", &st->action)) {
    st->action_line = action->line;
    st->action_column = action->column;
  }
  const LlYamlNode *v;
  if ((v = ll_yaml_lookup(n, "params")) && ll_yaml_expect(c, v, LL_YAML_MAPPING, "'params'"))
    for (guint i = 0; i < ll_yaml_length(v); i++) {
      LlParam *p = read_param(l, ll_yaml_key(v, i), ll_yaml_value(v, i), TRUE);
      if (p)
        g_ptr_array_add(st->params, p);
    }
  if ((v = ll_yaml_lookup(n, "per_lane")))
    read_per_lane(l, v, st);
  if ((v = ll_yaml_lookup(n, "limits")))
    read_step_limits(l, v, st);
  if ((v = ll_yaml_lookup(n, "retries")))
    ll_yaml_get_uint(c, v, "'retries'", 0, 10, &st->retries);
  if ((v = ll_yaml_lookup(n, "on_fail"))) {
    g_autofree gchar *text = NULL;
    if (ll_yaml_get_string(c, v, "'on_fail'", &text)) {
      if (g_str_equal(text, "continue"))
        st->on_fail = LL_ON_FAIL_CONTINUE;
      else if (!g_str_equal(text, "stop"))
        ll_yaml_error(c, v, "on_fail: stop (end the main group) or on_fail: continue",
                      "unknown on_fail '%s'", text);
    }
  }
  if ((v = ll_yaml_lookup(n, "bin")) && ll_yaml_get_uint(c, v, "'bin'", 1, 9999, &st->bin)) {
    st->bin_line = v->line;
    st->bin_column = v->column;
  }
  if ((v = ll_yaml_lookup(n, "timeout_s")) &&
      ll_yaml_get_number(c, v, "'timeout_s'", &st->timeout_s) &&
      (st->timeout_s <= 0 || st->timeout_s > 86400)) {
    ll_yaml_error(c, v, "seconds, above 0 and at most 86400", "timeout_s %s is out of range", v->text);
    st->timeout_s = 0;
  }
  if ((v = ll_yaml_lookup(n, "any_order")) &&
      ll_yaml_get_bool(c, v, "'any_order'", &st->any_order) && st->any_order &&
      group != LL_GROUP_MAIN) {
    ll_yaml_error(c, v, "only main steps may run out of order; remove any_order here",
                  "any_order in a %s step", group == LL_GROUP_SETUP ? "setup" : "cleanup");
    st->any_order = FALSE;
  }
  if ((v = ll_yaml_lookup(n, "uses")) && ll_yaml_expect(c, v, LL_YAML_MAPPING, "'uses'"))
    for (guint i = 0; i < ll_yaml_length(v); i++) {
      const LlYamlNode *k = ll_yaml_key(v, i), *r = ll_yaml_value(v, i);
      g_autofree gchar *role = NULL;
      if (!ll_yaml_get_string(c, r, "a role name", &role))
        continue;
      LlRole *u = g_new0(LlRole, 1);
      u->klass = g_strdup(k->text);
      u->name = g_steal_pointer(&role);
      u->line = r->line;
      u->column = r->column;
      u->class_line = k->line;
      u->class_column = k->column;
      g_ptr_array_add(st->uses, u);
    }
}

static void
read_group(Loader *l, const LlYamlNode *n, LlStepGroup group)
{
  g_autofree gchar *what = g_strdup_printf("'%s'", ll_step_group_name(group));
  if (n->kind == LL_YAML_SCALAR && n->empty)
    return; /* an empty group */
  if (!ll_yaml_expect(&l->c, n, LL_YAML_SEQUENCE, what))
    return;
  for (guint i = 0; i < ll_yaml_length(n); i++)
    read_step(l, ll_yaml_item(n, i), group);
}

LlSequence *
ll_sequence_load_data(const char *path, const char *text, gsize len, LlDiagList *diags,
                      GError **error)
{
  g_autoptr(LlDiagList) own = NULL;
  if (!diags)
    diags = own = ll_diag_list_new();
  guint errors_before = ll_diag_list_count(diags, LL_DIAG_ERROR);
  g_autoptr(LlSequence) s = g_new0(LlSequence, 1);
  s->path = g_strdup(path);
  s->sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *) text, len);
  s->roles = g_ptr_array_new_with_free_func(role_free);
  s->parameters = g_ptr_array_new_with_free_func(param_free);
  s->limits = g_ptr_array_new_with_free_func(limits_ref_free);
  s->steps = g_ptr_array_new_with_free_func(step_free);
  Loader l = { { path, diags }, s };
  g_autoptr(LlYamlNode) root = ll_yaml_parse(path, text, len, diags);
  if (root && ll_yaml_expect(&l.c, root, LL_YAML_MAPPING, "a sequence file")) {
    static const char *const known[] = { "sequence", "instruments", "parameters", "limits",
                                         "setup", "main", "cleanup", NULL };
    ll_yaml_check_keys(&l.c, root, known, "at the top of a sequence file");
    const LlYamlNode *n;
    if ((n = ll_yaml_lookup(root, "sequence")))
      read_header(&l, n);
    else
      ll_yaml_error(&l.c, root, "start with a 'sequence:' header (id, version, product, lanes)",
                    "no 'sequence' header: is this a sequence file?");
    if ((n = ll_yaml_lookup(root, "instruments")))
      read_roles(&l, n);
    if ((n = ll_yaml_lookup(root, "parameters")))
      read_parameters(&l, n);
    if ((n = ll_yaml_lookup(root, "limits")))
      read_limits_refs(&l, n);
    static const char *const groups[] = { "setup", "main", "cleanup" };
    for (guint g = 0; g < G_N_ELEMENTS(groups); g++)
      if ((n = ll_yaml_lookup(root, groups[g])))
        read_group(&l, n, (LlStepGroup) g);
    if (!ll_yaml_lookup(root, "main"))
      ll_yaml_error(&l.c, root, "add 'main:' with the steps of the test", "no 'main' group");
  }
  ll_diag_list_sort(diags);
  if (ll_diag_list_count(diags, LL_DIAG_ERROR) != errors_before) {
    g_autofree gchar *all = ll_diag_list_format(diags);
    g_set_error_literal(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_INVALID, all);
    return NULL;
  }
  return g_steal_pointer(&s);
}

LlSequence *
ll_sequence_load(const char *path, LlDiagList *diags, GError **error)
{
  g_autofree gchar *text = NULL;
  gsize len = 0;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(path, &text, &len, &err)) {
    g_set_error(error, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_READ, "%s: cannot read: %s", path,
                err->message);
    return NULL;
  }
  return ll_sequence_load_data(path, text, len, diags, error);
}
