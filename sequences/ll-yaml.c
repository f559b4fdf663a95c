/* ll-yaml.c: libfyaml's event stream turned into a positioned tree, and the
 * typed readers over it (see ll-yaml.h).
 *
 * Marks in libfyaml events are 0-based; its collected diagnostics are
 * 1-based. Everything leaving this file is 1-based. The parser gets its own
 * fy_diag in "collect" mode, so libfyaml never writes to stderr. */
#include "ll-yaml.h"

#include <libfyaml.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

void
ll_yaml_node_free(LlYamlNode *node)
{
  if (!node)
    return;
  g_free(node->text);
  if (node->items)
    g_ptr_array_unref(node->items);
  g_free(node);
}

static LlYamlNode *
node_new(LlYamlKind kind, guint line, guint column)
{
  LlYamlNode *n = g_new0(LlYamlNode, 1);
  n->kind = kind;
  n->line = line;
  n->column = column;
  if (kind != LL_YAML_SCALAR)
    n->items = g_ptr_array_new_with_free_func((GDestroyNotify) ll_yaml_node_free);
  return n;
}

typedef struct {
  const char *file;
  const char *text; /* the input, to quote a tag as written */
  gsize len;
  LlDiagList *diags;
  GPtrArray *stack; /* of LlYamlNode*, borrowed: the collections being filled */
  LlYamlNode *root;
  guint errors;
  guint last_line, last_col; /* end of the last event that had a mark, 1-based */
} Builder;

static void
builder_error(Builder *b, guint line, guint col, const char *hint, const char *fmt, ...)
  G_GNUC_PRINTF(5, 6);

static void
builder_error(Builder *b, guint line, guint col, const char *hint, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree gchar *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  ll_diag_add(b->diags, LL_DIAG_ERROR, b->file, line, col, hint, "%s", msg);
  b->errors++;
}

/* Attaches @n (owned) to the collection being built, or makes it the root.
 * Mapping keys must be scalars and unique. */
static void
builder_attach(Builder *b, LlYamlNode *n)
{
  if (b->stack->len == 0) {
    if (b->root)
      ll_yaml_node_free(n); /* not reached: a second document is refused earlier */
    else
      b->root = n;
    return;
  }
  LlYamlNode *parent = b->stack->pdata[b->stack->len - 1];
  if (parent->kind == LL_YAML_MAPPING && parent->items->len % 2 == 0) {
    if (n->kind != LL_YAML_SCALAR)
      builder_error(b, n->line, n->column, "keys are plain names such as 'id:'",
                    "a key must be a single value, not %s", ll_yaml_describe(n));
    else
      for (guint i = 0; i < parent->items->len; i += 2) {
        const LlYamlNode *k = parent->items->pdata[i];
        if (k->kind == LL_YAML_SCALAR && g_str_equal(k->text, n->text)) {
          g_autofree gchar *hint = g_strdup_printf("'%s' is first given at line %u; keep one",
                                                   n->text, k->line);
          builder_error(b, n->line, n->column, hint, "key '%s' given twice", n->text);
          break;
        }
      }
  }
  g_ptr_array_add(parent->items, n);
}

static void
mark_pos(Builder *b, struct fy_event *e, guint *line, guint *col)
{
  const struct fy_mark *m = fy_event_start_mark(e);
  if (m && m->line >= 0) {
    *line = (guint) m->line + 1;
    *col = (guint) m->column + 1;
    const struct fy_mark *end = fy_event_end_mark(e);
    if (end && end->line >= 0) {
      b->last_line = (guint) end->line + 1;
      b->last_col = (guint) end->column + 1;
    }
    return;
  }
  /* an implicit empty value: point at its key when there is one */
  LlYamlNode *parent = b->stack->len ? b->stack->pdata[b->stack->len - 1] : NULL;
  if (parent && parent->kind == LL_YAML_MAPPING && parent->items->len % 2 == 1) {
    const LlYamlNode *key = parent->items->pdata[parent->items->len - 1];
    *line = key->line;
    *col = key->column;
  } else {
    *line = MAX(b->last_line, 1);
    *col = MAX(b->last_col, 1);
  }
}

static gboolean
is_null_text(const char *t)
{
  return !*t || g_str_equal(t, "~") || g_str_equal(t, "null") || g_str_equal(t, "Null") ||
         g_str_equal(t, "NULL");
}

/* Handles one event; FALSE to stop reading. */
static gboolean
builder_event(Builder *b, struct fy_event *e)
{
  guint line = 0, col = 0;
  if (e->type == FYET_DOCUMENT_START && b->root) {
    mark_pos(b, e, &line, &col);
    builder_error(b, line, col, "keep one document per file (remove the '---' line)",
                  "more than one YAML document in the file");
    return FALSE;
  }
  if (e->type != FYET_SCALAR && e->type != FYET_ALIAS && e->type != FYET_MAPPING_START &&
      e->type != FYET_SEQUENCE_START && e->type != FYET_MAPPING_END &&
      e->type != FYET_SEQUENCE_END)
    return TRUE;
  if (e->type == FYET_MAPPING_END || e->type == FYET_SEQUENCE_END) {
    mark_pos(b, e, &line, &col);
    if (b->stack->len)
      g_ptr_array_remove_index(b->stack, b->stack->len - 1);
    return TRUE;
  }
  struct fy_token *tag = fy_event_get_tag_token(e);
  if (tag) {
    const struct fy_mark *m = fy_token_start_mark(tag), *end = fy_token_end_mark(tag);
    gsize from = m ? m->input_pos : 0, to = end ? end->input_pos : from;
    if (to > b->len || from > to)
      from = to = 0;
    builder_error(b, m ? (guint) m->line + 1 : 0, m ? (guint) m->column + 1 : 0,
                  "remove the tag; quote a value to make it a string",
                  "YAML tags such as '%.*s' are not supported", (int) (to - from), b->text + from);
  }
  mark_pos(b, e, &line, &col);
  if (e->type == FYET_ALIAS) {
    col -= col > 1; /* the mark is on the name, after the '*' */
    builder_error(b, line, col, "write the value out in full",
                  "aliases (*name) are not supported");
    LlYamlNode *n = node_new(LL_YAML_SCALAR, line, col);
    n->text = g_strdup("");
    n->empty = TRUE;
    builder_attach(b, n);
    return TRUE;
  }
  if (e->type == FYET_SCALAR) {
    LlYamlNode *n = node_new(LL_YAML_SCALAR, line, col);
    size_t len = 0;
    const char *t = e->scalar.value ? fy_token_get_text(e->scalar.value, &len) : NULL;
    n->text = g_strndup(t ? t : "", t ? len : 0);
    enum fy_node_style style = fy_event_get_node_style(e);
    n->quoted = style == FYNS_SINGLE_QUOTED || style == FYNS_DOUBLE_QUOTED ||
                style == FYNS_LITERAL || style == FYNS_FOLDED;
    n->empty = !n->quoted && is_null_text(n->text);
    builder_attach(b, n);
    return TRUE;
  }
  LlYamlNode *n = node_new(e->type == FYET_MAPPING_START ? LL_YAML_MAPPING : LL_YAML_SEQUENCE,
                           line, col);
  builder_attach(b, n);
  g_ptr_array_add(b->stack, n);
  return TRUE;
}

/* Position (1-based) of byte @offset in @text. */
static void
offset_pos(const char *text, gsize offset, guint *line, guint *col)
{
  *line = 1;
  *col = 1;
  for (gsize i = 0; i < offset; i++) {
    if (text[i] == '\n') {
      (*line)++;
      *col = 1;
    } else if (((guchar) text[i] & 0xC0) != 0x80) {
      (*col)++;
    }
  }
}

static void
diag_discard(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
}

LlYamlNode *
ll_yaml_parse(const char *file, const char *text, gsize len, LlDiagList *diags)
{
  const char *bad = NULL;
  const char *nul = memchr(text, '\0', len);
  if (!g_utf8_validate(text, (gssize) len, &bad) || nul) {
    guint line, col;
    offset_pos(text, (gsize) ((nul && nul < bad ? nul : bad) - text), &line, &col);
    ll_diag_add(diags, LL_DIAG_ERROR, file, line, col, "save the file as UTF-8 text",
                "not a text file: invalid UTF-8 or a NUL byte here");
    return NULL;
  }

  struct fy_diag_cfg dcfg;
  fy_diag_cfg_default(&dcfg);
  dcfg.fp = NULL;
  dcfg.output_fn = diag_discard;
  dcfg.level = FYET_WARNING;
  dcfg.colorize = false;
  struct fy_diag *fdiag = fy_diag_create(&dcfg);
  g_assert(fdiag);
  fy_diag_set_collect_errors(fdiag, true);
  struct fy_parse_cfg pcfg = { .flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_DEFAULT_VERSION_1_2,
                               .diag = fdiag };
  struct fy_parser *fyp = fy_parser_create(&pcfg);
  g_assert(fyp);
  fy_parser_set_string(fyp, text, len);

  Builder b = { .file = file, .text = text, .len = len, .diags = diags, .stack = g_ptr_array_new() };
  struct fy_event *e;
  gboolean go_on = TRUE;
  while (go_on && (e = fy_parser_parse(fyp))) {
    go_on = builder_event(&b, e);
    fy_parser_event_free(fyp, e);
  }
  gboolean stream_error = fy_parser_get_stream_error(fyp);
  guint syntax = 0;
  void *iter = NULL;
  struct fy_diag_error *de;
  while ((de = fy_diag_errors_iterate(fdiag, &iter))) {
    if (de->type < FYET_WARNING)
      continue;
    gboolean is_error = de->type >= FYET_ERROR;
    ll_diag_add(diags, is_error ? LL_DIAG_ERROR : LL_DIAG_WARNING, file,
                de->line > 0 ? (guint) de->line : 0, de->column > 0 ? (guint) de->column : 0,
                is_error ? "see docs/sequence-format.md; YAML is indented with spaces, never tabs"
                         : NULL,
                "YAML: %s", de->msg);
    syntax += is_error;
  }
  if (stream_error && !syntax) {
    ll_diag_add(diags, LL_DIAG_ERROR, file, b.last_line, b.last_col, NULL, "YAML syntax error");
    syntax++;
  }
  fy_parser_destroy(fyp);
  fy_diag_destroy(fdiag);
  g_ptr_array_unref(b.stack);

  if (!syntax && !b.errors && !b.root)
    ll_diag_add(diags, LL_DIAG_ERROR, file, 1, 1, "see docs/sequence-format.md for an example",
                "the file is empty");
  if (syntax || b.errors || !b.root) {
    ll_yaml_node_free(b.root);
    return NULL;
  }
  return b.root;
}

guint
ll_yaml_length(const LlYamlNode *node)
{
  if (!node || !node->items)
    return 0;
  return node->kind == LL_YAML_MAPPING ? node->items->len / 2 : node->items->len;
}

const LlYamlNode *
ll_yaml_key(const LlYamlNode *map, guint i)
{
  return map->items->pdata[2 * i];
}

const LlYamlNode *
ll_yaml_value(const LlYamlNode *map, guint i)
{
  return map->items->pdata[2 * i + 1];
}

const LlYamlNode *
ll_yaml_item(const LlYamlNode *seq, guint i)
{
  return seq->items->pdata[i];
}

const LlYamlNode *
ll_yaml_lookup_key(const LlYamlNode *map, const char *key)
{
  if (!map || map->kind != LL_YAML_MAPPING)
    return NULL;
  for (guint i = 0; i < ll_yaml_length(map); i++)
    if (g_str_equal(ll_yaml_key(map, i)->text, key))
      return ll_yaml_key(map, i);
  return NULL;
}

const LlYamlNode *
ll_yaml_lookup(const LlYamlNode *map, const char *key)
{
  if (!map || map->kind != LL_YAML_MAPPING)
    return NULL;
  for (guint i = 0; i < ll_yaml_length(map); i++)
    if (g_str_equal(ll_yaml_key(map, i)->text, key))
      return ll_yaml_value(map, i);
  return NULL;
}

gboolean
ll_yaml_scalar_number(const LlYamlNode *node, double *out)
{
  if (node->kind != LL_YAML_SCALAR || node->quoted || node->empty)
    return FALSE;
  const char *t = node->text;
  const char *p = t;
  double sign = 1;
  if (*p == '-' || *p == '+')
    sign = *p++ == '-' ? -1 : 1;
  if (g_str_equal(p, ".inf") || g_str_equal(p, ".Inf") || g_str_equal(p, ".INF")) {
    *out = sign * INFINITY;
    return TRUE;
  }
  if (p == t && (g_str_equal(p, ".nan") || g_str_equal(p, ".NaN") || g_str_equal(p, ".NAN"))) {
    *out = NAN;
    return TRUE;
  }
  if (p == t && p[0] == '0' && (p[1] == 'x' || p[1] == 'o') && p[2]) {
    char *end = NULL;
    guint64 v = g_ascii_strtoull(p + 2, &end, p[1] == 'x' ? 16 : 8);
    if (*end)
      return FALSE;
    *out = (double) v;
    return TRUE;
  }
  /* [0-9]+(.[0-9]*)?|.[0-9]+, then ([eE][-+]?[0-9]+)? */
  const char *q = p;
  gsize digits = 0;
  while (g_ascii_isdigit(*q))
    q++, digits++;
  if (*q == '.')
    for (q++; g_ascii_isdigit(*q); q++)
      digits++;
  if (!digits)
    return FALSE;
  if (*q == 'e' || *q == 'E') {
    q++;
    if (*q == '-' || *q == '+')
      q++;
    if (!g_ascii_isdigit(*q))
      return FALSE;
    while (g_ascii_isdigit(*q))
      q++;
  }
  if (*q)
    return FALSE;
  *out = g_ascii_strtod(t, NULL);
  return TRUE;
}

static gboolean
scalar_bool(const LlYamlNode *node, gboolean *out)
{
  if (node->kind != LL_YAML_SCALAR || node->quoted)
    return FALSE;
  static const char *const yes[] = { "true", "True", "TRUE" }, *const no[] = { "false", "False", "FALSE" };
  for (guint i = 0; i < G_N_ELEMENTS(yes); i++)
    if (g_str_equal(node->text, yes[i]) || g_str_equal(node->text, no[i])) {
      *out = g_str_equal(node->text, yes[i]);
      return TRUE;
    }
  return FALSE;
}

const char *
ll_yaml_describe(const LlYamlNode *node)
{
  double d;
  gboolean b;
  switch (node->kind) {
  case LL_YAML_MAPPING:
    return "a mapping (key: value pairs)";
  case LL_YAML_SEQUENCE:
    return "a list";
  case LL_YAML_SCALAR:
  default:
    if (node->empty)
      return "an empty value";
    if (ll_yaml_scalar_number(node, &d))
      return "a number";
    if (scalar_bool(node, &b))
      return "a boolean";
    return "a string";
  }
}

static void
report(const LlYamlCtx *ctx, LlDiagSeverity sev, const LlYamlNode *node, const char *hint,
       const char *fmt, va_list ap) G_GNUC_PRINTF(5, 0);

static void
report(const LlYamlCtx *ctx, LlDiagSeverity sev, const LlYamlNode *node, const char *hint,
       const char *fmt, va_list ap)
{
  g_autofree gchar *msg = g_strdup_vprintf(fmt, ap);
  ll_diag_add(ctx->diags, sev, ctx->file, node ? node->line : 0, node ? node->column : 0, hint,
              "%s", msg);
}

void
ll_yaml_error(const LlYamlCtx *ctx, const LlYamlNode *node, const char *hint, const char *format,
              ...)
{
  va_list ap;
  va_start(ap, format);
  report(ctx, LL_DIAG_ERROR, node, hint, format, ap);
  va_end(ap);
}

void
ll_yaml_warning(const LlYamlCtx *ctx, const LlYamlNode *node, const char *hint, const char *format,
                ...)
{
  va_list ap;
  va_start(ap, format);
  report(ctx, LL_DIAG_WARNING, node, hint, format, ap);
  va_end(ap);
}

gboolean
ll_yaml_expect(const LlYamlCtx *ctx, const LlYamlNode *node, LlYamlKind kind, const char *what)
{
  if (node->kind == kind && !(kind == LL_YAML_SCALAR && node->empty))
    return TRUE;
  static const char *const hints[] = {
    [LL_YAML_SCALAR] = "write a single value after the colon",
    [LL_YAML_MAPPING] = "write indented 'key: value' lines, or { key: value, ... }",
    [LL_YAML_SEQUENCE] = "write '- item' lines, or [item, item]",
  };
  static const char *const names[] = {
    [LL_YAML_SCALAR] = "a single value",
    [LL_YAML_MAPPING] = "a mapping",
    [LL_YAML_SEQUENCE] = "a list",
  };
  ll_yaml_error(ctx, node, hints[kind], "%s must be %s, not %s", what, names[kind],
                ll_yaml_describe(node));
  return FALSE;
}

gboolean
ll_yaml_check_keys(const LlYamlCtx *ctx, const LlYamlNode *map, const char *const *known,
                   const char *where)
{
  gboolean ok = TRUE;
  gsize n = g_strv_length((gchar **) known);
  for (guint i = 0; i < ll_yaml_length(map); i++) {
    const LlYamlNode *k = ll_yaml_key(map, i);
    if (g_strv_contains(known, k->text))
      continue;
    const char *close = ll_closest_word(k->text, known, n);
    g_autofree gchar *list = g_strjoinv(", ", (gchar **) known);
    g_autofree gchar *hint = close ? g_strdup_printf("did you mean '%s'?", close)
                                   : g_strdup_printf("known keys %s: %s", where, list);
    ll_yaml_error(ctx, k, hint, "unknown key '%s' %s", k->text, where);
    ok = FALSE;
  }
  return ok;
}

gboolean
ll_yaml_get_string(const LlYamlCtx *ctx, const LlYamlNode *node, const char *what, gchar **out)
{
  if (!ll_yaml_expect(ctx, node, LL_YAML_SCALAR, what))
    return FALSE;
  *out = g_strdup(node->text);
  return TRUE;
}

gboolean
ll_yaml_get_bool(const LlYamlCtx *ctx, const LlYamlNode *node, const char *what, gboolean *out)
{
  if (scalar_bool(node, out))
    return TRUE;
  ll_yaml_error(ctx, node, "write true or false (without quotes)",
                "%s must be true or false, not %s%s%s%s", what, ll_yaml_describe(node),
                node->kind == LL_YAML_SCALAR && !node->empty ? " '" : "",
                node->kind == LL_YAML_SCALAR && !node->empty ? node->text : "",
                node->kind == LL_YAML_SCALAR && !node->empty ? "'" : "");
  return FALSE;
}

gboolean
ll_yaml_get_number(const LlYamlCtx *ctx, const LlYamlNode *node, const char *what, double *out)
{
  double v;
  if (!ll_yaml_scalar_number(node, &v)) {
    ll_yaml_error(ctx, node,
                  node->kind == LL_YAML_SCALAR && node->quoted ? "write the number without quotes"
                                                               : "e.g. 3.5 or -2.9 or 2.4e-4",
                  "%s must be a number, not %s%s%s%s", what, ll_yaml_describe(node),
                  node->kind == LL_YAML_SCALAR && !node->empty ? " '" : "",
                  node->kind == LL_YAML_SCALAR && !node->empty ? node->text : "",
                  node->kind == LL_YAML_SCALAR && !node->empty ? "'" : "");
    return FALSE;
  }
  if (!isfinite(v)) {
    ll_yaml_error(ctx, node, "write a finite number", "%s must be a finite number, not %s", what,
                  node->text);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

gboolean
ll_yaml_get_uint(const LlYamlCtx *ctx, const LlYamlNode *node, const char *what, guint min,
                 guint max, guint *out)
{
  double v;
  if (!ll_yaml_scalar_number(node, &v) || !isfinite(v) || v != floor(v) || v < min || v > max) {
    g_autofree gchar *hint = node->kind == LL_YAML_SCALAR && node->quoted
                               ? g_strdup("write the number without quotes")
                               : g_strdup_printf("a whole number from %u to %u", min, max);
    ll_yaml_error(ctx, node, hint, "%s must be a whole number from %u to %u, not %s%s%s%s", what,
                  min, max, ll_yaml_scalar_number(node, &v) ? "" : ll_yaml_describe(node),
                  ll_yaml_scalar_number(node, &v) || node->kind != LL_YAML_SCALAR || node->empty ? "" : " '",
                  node->kind == LL_YAML_SCALAR ? node->text : "",
                  ll_yaml_scalar_number(node, &v) || node->kind != LL_YAML_SCALAR || node->empty ? "" : "'");
    return FALSE;
  }
  *out = (guint) v;
  return TRUE;
}

gboolean
ll_yaml_get_version(const LlYamlCtx *ctx, const LlYamlNode *node, const char *what, gchar **out)
{
  if (!ll_yaml_expect(ctx, node, LL_YAML_SCALAR, what))
    return FALSE;
  g_auto(GStrv) parts = g_strsplit(node->text, ".", -1);
  guint n = g_strv_length(parts);
  gboolean ok = n >= 1 && n <= 3;
  for (guint i = 0; ok && i < n; i++) {
    ok = parts[i][0] != '\0' && strlen(parts[i]) <= 9;
    for (const char *p = parts[i]; ok && *p; p++)
      ok = g_ascii_isdigit(*p);
  }
  if (!ok) {
    ll_yaml_error(ctx, node, "a version is 1 to 3 whole numbers separated by dots, e.g. 3 or 1.2.0",
                  "bad %s '%s'", what, node->text);
    return FALSE;
  }
  *out = g_strdup(node->text);
  return TRUE;
}
