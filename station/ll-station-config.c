/* ll-station-config.c: loading and checking the station file.
 *
 * GKeyFile reads the values (escapes, whitespace rules) but knows nothing of
 * where they are and silently merges repeated groups and keys, so a first
 * pass scans the text itself: it records the line and column of every group
 * and key, and reports syntax errors, repeated instruments and repeated keys.
 * Group names are normalised first (white space stripped, inner runs of it
 * made one space), so [instrument  pm1] is the same group as
 * [instrument pm1], and GKeyFile is given the normalised header.
 * The second pass checks meaning: known groups and keys, classes, drivers,
 * resource strings (including two instruments naming one device, however
 * differently written: ll_resource_same_device()), dates, and calibration
 * data where the class needs it. */
#include "ll-station-config.h"
#include "ll-resource.h"
#include "sim/ll-product.h"
#include "sim/ll-twin.h"

#include <stdio.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK(ll-config-error-quark, ll_config_error)

typedef struct {
  gchar *group;
  gchar *key;
  guint line, key_col, value_col;
} KeyPos;

typedef struct {
  gchar *name;
  gchar *kf_name;  /* its name in the GKeyFile: a repeated group is renamed so
                      that GKeyFile does not merge it into the first */
  gboolean duplicate;
  guint line;
  GPtrArray *keys; /* of KeyPos*, owned by the Scan */
} GroupPos;

typedef struct {
  GPtrArray *groups; /* of GroupPos* */
  GPtrArray *keys;   /* of KeyPos* */
  GString *text;     /* the file as GKeyFile is to read it */
} Scan;

static void
keypos_free(gpointer p)
{
  KeyPos *k = p;
  g_free(k->group);
  g_free(k->key);
  g_free(k);
}

static void
grouppos_free(gpointer p)
{
  GroupPos *g = p;
  g_free(g->name);
  g_free(g->kf_name);
  g_ptr_array_unref(g->keys);
  g_free(g);
}

static void
scan_clear(Scan *s)
{
  g_clear_pointer(&s->groups, g_ptr_array_unref);
  g_clear_pointer(&s->keys, g_ptr_array_unref);
  if (s->text)
    g_string_free(g_steal_pointer(&s->text), TRUE);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Scan, scan_clear)

/* The @len bytes at @text as a group name: white space stripped at both ends
 * and every inner run of it made one space. */
static gchar *
normalise_group_name(const char *text, gsize len)
{
  GString *name = g_string_sized_new(len);
  gboolean space = FALSE;
  for (gsize i = 0; i < len; i++) {
    if (text[i] == ' ' || text[i] == '\t') {
      space = name->len > 0;
      continue;
    }
    if (space)
      g_string_append_c(name, ' ');
    space = FALSE;
    g_string_append_c(name, text[i]);
  }
  return g_string_free(name, FALSE);
}

/* First pass: structure and positions. Returns FALSE on syntax errors (the
 * file cannot be read as INI at all); repeated groups and keys are reported
 * but do not stop the second pass. */
static gboolean
scan_text(const char *file, const char *text, Scan *s, LlDiagList *diags)
{
  s->groups = g_ptr_array_new_with_free_func(grouppos_free);
  s->keys = g_ptr_array_new_with_free_func(keypos_free);
  s->text = g_string_new(NULL);
  guint syntax_errors = 0;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  GroupPos *group = NULL;
  for (guint i = 0; lines[i]; i++) {
    guint lineno = i + 1;
    char *l = lines[i];
    gsize text_mark = s->text->len;
    g_string_append_printf(s->text, "%s\n", l);
    gsize len = strlen(l);
    if (len && l[len - 1] == '\r')
      l[--len] = '\0';
    guint col = 1;
    while (*l == ' ' || *l == '\t')
      l++, col++;
    if (!*l || *l == '#')
      continue;
    if (*l == ';') {
      syntax_errors++;
      ll_diag_add(diags, LL_DIAG_ERROR, file, lineno, col, "start comment lines with '#'",
                  "';' does not start a comment in a station file");
      continue;
    }
    if (*l == '[') {
      g_strchomp(l);
      gsize n = strlen(l);
      if (l[n - 1] != ']' || n < 3 || strchr(l + 1, '[') || memchr(l + 1, ']', n - 2)) {
        syntax_errors++;
        ll_diag_add(diags, LL_DIAG_ERROR, file, lineno, col,
                    "a group header is a name in brackets, e.g. [instrument pm1]",
                    "malformed group header");
        group = NULL;
        continue;
      }
      g_autofree gchar *name = normalise_group_name(l + 1, n - 2);
      gboolean duplicate = FALSE;
      for (guint g = 0; g < s->groups->len; g++) {
        GroupPos *other = s->groups->pdata[g];
        if (g_str_equal(other->name, name)) {
          g_autofree gchar *hint = g_strdup_printf("[%s] is already defined at line %u; "
                                                   "give each a name of its own",
                                                   name, other->line);
          ll_diag_add(diags, LL_DIAG_ERROR, file, lineno, col + 1, hint,
                      g_str_has_prefix(name, "instrument ") ? "duplicate instrument name '%s'"
                                                            : "duplicate group [%s]",
                      g_str_has_prefix(name, "instrument ") ? name + strlen("instrument ") : name);
          duplicate = TRUE;
        }
      }
      group = g_new0(GroupPos, 1);
      group->duplicate = duplicate;
      group->kf_name = duplicate ? g_strdup_printf("duplicate at line %u", lineno) : g_strdup(name);
      g_string_truncate(s->text, text_mark);
      g_string_append_printf(s->text, "[%s]\n", group->kf_name);
      group->name = g_steal_pointer(&name);
      group->line = lineno;
      group->keys = g_ptr_array_new();
      g_ptr_array_add(s->groups, group);
      continue;
    }
    char *eq = strchr(l, '=');
    if (!eq) {
      syntax_errors++;
      ll_diag_add(diags, LL_DIAG_ERROR, file, lineno, col, "write KEY = VALUE",
                  "line is neither a group header, a key = value pair nor a comment");
      continue;
    }
    if (!group) {
      syntax_errors++;
      ll_diag_add(diags, LL_DIAG_ERROR, file, lineno, col,
                  "put keys under a group such as [station]", "key outside any group");
      continue;
    }
    g_autofree gchar *key = g_strstrip(g_strndup(l, (gsize) (eq - l)));
    if (!*key) {
      syntax_errors++;
      ll_diag_add(diags, LL_DIAG_ERROR, file, lineno, col, "write KEY = VALUE", "missing key before '='");
      continue;
    }
    guint vcol = col + (guint) (eq - l) + 1;
    for (const char *v = eq + 1; *v == ' ' || *v == '\t'; v++)
      vcol++;
    for (guint k = 0; k < group->keys->len; k++) {
      KeyPos *other = group->keys->pdata[k];
      if (g_str_equal(other->key, key)) {
        g_autofree gchar *hint = g_strdup_printf("'%s' is already set at line %u; keep one", key,
                                                 other->line);
        ll_diag_add(diags, LL_DIAG_ERROR, file, lineno, col, hint, "key '%s' given twice in [%s]",
                    key, group->name);
      }
    }
    KeyPos *kp = g_new0(KeyPos, 1);
    kp->group = g_strdup(group->name);
    kp->key = g_steal_pointer(&key);
    kp->line = lineno;
    kp->key_col = col;
    kp->value_col = vcol;
    g_ptr_array_add(s->keys, kp);
    g_ptr_array_add(group->keys, kp);
  }
  return syntax_errors == 0;
}

static void
instrument_free(gpointer p)
{
  LlInstrumentConfig *ic = p;
  g_free(ic->name);
  g_free(ic->resource);
  g_free(ic->cal_cert);
  g_free(ic);
}

static void
site_free(gpointer p)
{
  LlSiteConfig *sc = p;
  g_free(sc->evb);
  g_free(sc->fixture);
  g_free(sc);
}

static void
simulation_free(LlSimulationConfig *sim)
{
  if (!sim)
    return;
  g_free(sim->bench);
  g_free(sim->product);
  g_free(sim->defects);
  g_strfreev(sim->modules);
  g_free(sim);
}

void
ll_station_config_free(LlStationConfig *config)
{
  if (!config)
    return;
  g_free(config->path);
  g_free(config->sha256);
  g_free(config->id);
  g_free(config->line);
  g_free(config->description);
  g_free(config->database);
  g_free(config->golden_references);
  g_clear_pointer(&config->instruments, g_ptr_array_unref);
  g_clear_pointer(&config->sites, g_ptr_array_unref);
  simulation_free(config->simulation);
  g_free(config);
}

const LlInstrumentConfig *
ll_station_config_find(const LlStationConfig *config, const char *name)
{
  for (guint i = 0; i < config->instruments->len; i++) {
    const LlInstrumentConfig *ic = config->instruments->pdata[i];
    if (g_str_equal(ic->name, name))
      return ic;
  }
  return NULL;
}

const LlSiteConfig *
ll_station_config_site(const LlStationConfig *config, guint number)
{
  for (guint i = 0; i < config->sites->len; i++) {
    const LlSiteConfig *sc = config->sites->pdata[i];
    if (sc->number == number)
      return sc;
  }
  return NULL;
}

typedef struct {
  const char *file;
  GKeyFile *kf;
  LlDiagList *diags;
} Ctx;

static const KeyPos *
find_key(const GroupPos *g, const char *key)
{
  for (guint k = 0; k < g->keys->len; k++) {
    const KeyPos *kp = g->keys->pdata[k];
    if (g_str_equal(kp->key, key))
      return kp;
  }
  return NULL;
}

/* The @n words of @words (not NULL-terminated) joined by ", ". */
static gchar *
join_words(const char *const *words, gsize n)
{
  GString *s = g_string_new(NULL);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "", words[i]);
  return g_string_free(s, FALSE);
}

/* Checks that every key of @g is one of the @n words of @known. */
static void
check_keys(Ctx *c, const GroupPos *g, const char *const *known, gsize n)
{
  for (guint k = 0; k < g->keys->len; k++) {
    const KeyPos *kp = g->keys->pdata[k];
    gboolean ok = FALSE;
    for (gsize i = 0; i < n; i++)
      ok |= g_str_equal(kp->key, known[i]);
    if (ok)
      continue;
    const char *close = ll_closest_word(kp->key, known, n);
    g_autofree gchar *list = join_words(known, n);
    g_autofree gchar *hint = close ? g_strdup_printf("did you mean '%s'?", close)
                                   : g_strdup_printf("known keys in [%s]: %s", g->name, list);
    ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->key_col, hint,
                "unknown key '%s' in [%s]", kp->key, g->name);
  }
}

/* The value of a required key, or NULL after reporting it missing/empty. */
static gchar *
required(Ctx *c, const GroupPos *g, const char *key, const char *example)
{
  const KeyPos *kp = find_key(g, key);
  g_autofree gchar *hint = g_strdup_printf("add a line such as: %s = %s", key, example);
  if (!kp) {
    ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, g->line, 1, hint, "[%s] has no '%s'", g->name, key);
    return NULL;
  }
  gchar *v = g_key_file_get_string(c->kf, g->kf_name, key, NULL);
  if (!v || !*g_strstrip(v)) {
    ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->value_col, hint,
                "'%s' is empty", key);
    g_free(v);
    return NULL;
  }
  return v;
}

static gchar *
optional(Ctx *c, const GroupPos *g, const char *key)
{
  if (!find_key(g, key))
    return NULL;
  gchar *v = g_key_file_get_string(c->kf, g->kf_name, key, NULL);
  if (v && !*g_strstrip(v))
    g_clear_pointer(&v, g_free);
  return v;
}

static gboolean
parse_date(const char *text, GDate *date)
{
  guint y, m, d;
  char tail;
  if (strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
      sscanf(text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  if (!g_date_valid_dmy((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;
  g_date_clear(date, 1);
  g_date_set_dmy(date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

static gboolean
parse_uint_text(const char *text, guint64 max, guint64 *out)
{
  char *end = NULL;
  if (!g_ascii_isdigit(text[0]))
    return FALSE;
  guint64 v = g_ascii_strtoull(text, &end, 10);
  if (*end || v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

static void
check_station(Ctx *c, const GroupPos *g, LlStationConfig *cfg)
{
  static const char *const known[] = { "id", "line", "description", "database", "retest-limit",
                                       "path-loss-expiry-h", "golden-references" };
  check_keys(c, g, known, G_N_ELEMENTS(known));
  cfg->id = required(c, g, "id", "ST-07");
  cfg->line = required(c, g, "line", "L3-800G");
  cfg->description = optional(c, g, "description");
  g_autofree gchar *dir = g_path_get_dirname(c->file);
  g_autofree gchar *database = optional(c, g, "database");
  if (database && !g_path_is_absolute(database)) {
    cfg->database = g_build_filename(dir, database, NULL);
  } else {
    cfg->database = g_steal_pointer(&database);
  }
  g_autofree gchar *golden = optional(c, g, "golden-references");
  cfg->golden_references = golden && g_path_is_absolute(golden)
                             ? g_steal_pointer(&golden)
                             : g_build_filename(dir, golden ? golden : "golden", NULL);
  g_autofree gchar *expiry = optional(c, g, "path-loss-expiry-h");
  if (expiry) {
    char *end = NULL;
    double h = g_ascii_strtod(expiry, &end);
    if (end != expiry && !*end && isfinite(h) && h > 0 && h <= 8760) {
      cfg->path_loss_expiry_h = h;
    } else {
      const KeyPos *kp = find_key(g, "path-loss-expiry-h");
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp ? kp->line : g->line, kp ? kp->value_col : 1,
                  "the hours a path-loss calibration stays valid, e.g. path-loss-expiry-h = 12",
                  "path-loss-expiry-h '%s' is not a number of hours above 0 and at most 8760",
                  expiry);
    }
  }
  g_autofree gchar *limit = optional(c, g, "retest-limit");
  guint64 v;
  if (limit && parse_uint_text(limit, 1000, &v) && v >= 1) {
    cfg->retest_limit = (guint) v;
  } else if (limit) {
    const KeyPos *kp = find_key(g, "retest-limit");
    ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp ? kp->line : g->line, kp ? kp->value_col : 1,
                "the attempts a unit may have at one operation, e.g. retest-limit = 3 "
                "(leave the key out for no cap)",
                "retest-limit '%s' is not a number from 1 to 1000", limit);
  }
}

static void
check_instrument(Ctx *c, const GroupPos *g, const char *name, LlStationConfig *cfg)
{
  static const char *const known[] = { "class", "driver", "resource", "cal-due", "cal-cert" };
  check_keys(c, g, known, G_N_ELEMENTS(known));

  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_') {
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, g->line, 2 + (guint) strlen("instrument ") + (guint) (p - name),
                  "use letters, digits, '-' and '_' only, e.g. [instrument pm1]",
                  "instrument name '%s' holds '%c'", name, *p);
      break;
    }
  if (!*name)
    ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, g->line, 2, "e.g. [instrument pm1]",
                "instrument has no name");

  LlInstrumentConfig *ic = g_new0(LlInstrumentConfig, 1);
  ic->name = g_strdup(name);
  ic->line = g->line;
  g_ptr_array_add(cfg->instruments, ic);

  g_autofree gchar *klass = required(c, g, "class", "power-meter");
  gboolean class_ok = FALSE;
  if (klass) {
    class_ok = ll_instrument_class_from_name(klass, &ic->klass);
    if (!class_ok) {
      const KeyPos *kp = find_key(g, "class");
      const char *const *names = ll_instrument_class_names();
      const char *close = ll_closest_word(klass, names, LL_CLASS_COUNT);
      g_autofree gchar *list = join_words(names, LL_CLASS_COUNT);
      g_autofree gchar *hint = close ? g_strdup_printf("did you mean '%s'?", close)
                                     : g_strdup_printf("classes: %s", list);
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->value_col, hint,
                  "unknown instrument class '%s'", klass);
    }
  }

  g_autofree gchar *driver = required(c, g, "driver", "thorlabs-pm100");
  if (driver) {
    const KeyPos *kp = find_key(g, "driver");
    ic->driver = ll_driver_lookup(driver);
    gsize n;
    const LlDriverInfo *all = ll_driver_list(&n);
    if (!ic->driver) {
      g_autofree const char **names = g_new0(const char *, n);
      for (gsize i = 0; i < n; i++)
        names[i] = all[i].name;
      const char *close = ll_closest_word(driver, names, n);
      GString *hint = g_string_new(NULL);
      if (close)
        g_string_printf(hint, "did you mean '%s'?", close);
      else {
        g_string_append(hint, "drivers");
        if (class_ok)
          g_string_append_printf(hint, " for %s", klass);
        g_string_append(hint, ":");
        for (gsize i = 0; i < n; i++)
          if (!class_ok || all[i].klass == ic->klass)
            g_string_append_printf(hint, " %s", all[i].name);
      }
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->value_col, hint->str,
                  "unknown driver '%s'", driver);
      g_string_free(hint, TRUE);
    } else if (class_ok && ic->driver->klass != ic->klass) {
      g_autofree gchar *hint = g_strdup_printf("%s drives %s (class %s); set class = %s or "
                                               "choose a driver of class %s",
                                               driver, ic->driver->description,
                                               ll_instrument_class_name(ic->driver->klass),
                                               ll_instrument_class_name(ic->driver->klass), klass);
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->value_col, hint,
                  "driver '%s' is not for class %s", driver, klass);
    }
  }

  ic->resource = required(c, g, "resource", "usbtmc:1313:8072:P2001234");
  if (ic->resource) {
    const KeyPos *kp = find_key(g, "resource");
    guint col = 0;
    g_autoptr(GError) err = NULL;
    g_autoptr(LlResource) res = ll_resource_parse(ic->resource, &col, &err);
    if (!res)
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->value_col + (col ? col - 1 : 0),
                  "see docs/station-file.md for resource strings", "bad resource: %s", err->message);
    else
      for (guint i = 0; i + 1 < cfg->instruments->len; i++) {
        const LlInstrumentConfig *other = cfg->instruments->pdata[i];
        g_autoptr(LlResource) other_res =
          other->resource ? ll_resource_parse(other->resource, NULL, NULL) : NULL;
        if (!other_res || !ll_resource_same_device(res, other_res))
          continue;
        if (g_str_equal(other->resource, ic->resource)) {
          g_autofree gchar *hint = g_strdup_printf("instrument '%s' (line %u) already uses it",
                                                   other->name, other->line);
          ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->value_col, hint,
                      "two instruments share the resource '%s'", ic->resource);
        } else {
          g_autofree gchar *hint =
            g_strdup_printf("instrument '%s' (line %u) already uses that device", other->name,
                            other->line);
          ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->value_col, hint,
                      "resource '%s' names the same device as '%s'", ic->resource,
                      other->resource);
        }
      }
  }

  g_autofree gchar *due = optional(c, g, "cal-due");
  ic->cal_cert = optional(c, g, "cal-cert");
  if (due) {
    const KeyPos *kp = find_key(g, "cal-due");
    if (!parse_date(due, &ic->cal_due))
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->value_col,
                  "write the date as YYYY-MM-DD, e.g. 2027-03-31",
                  "'%s' is not a real calendar date", due);
  }
  if (class_ok && ll_instrument_class_needs_calibration(ic->klass)) {
    const KeyPos *due_key = find_key(g, "cal-due");
    if (!due_key)
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, g->line, 1,
                  "add the due date from its calibration certificate, e.g. cal-due = 2027-03-31",
                  "%s '%s' has no calibration due date", klass, name);
    else if (!due)
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, due_key->line, due_key->value_col,
                  "write the due date from its calibration certificate, e.g. 2027-03-31",
                  "'cal-due' is empty; %s '%s' needs a calibration due date", klass, name);
    if (!ic->cal_cert)
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file,
                  find_key(g, "cal-cert") ? find_key(g, "cal-cert")->line : g->line, 1,
                  "add the certificate number, e.g. cal-cert = TL-2026-11873",
                  "%s '%s' has no calibration certificate id", klass, name);
  }
}

static void
check_site(Ctx *c, const GroupPos *g, const char *number, LlStationConfig *cfg)
{
  static const char *const known[] = { "evb", "fixture" };
  check_keys(c, g, known, G_N_ELEMENTS(known));
  guint64 n = 0;
  if (!parse_uint_text(number, 8, &n) || n < 1) {
    ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, g->line, 2 + (guint) strlen("site "),
                "sites are numbered 1 to 8, e.g. [site 1]", "site number '%s' is not 1 to 8", number);
    return;
  }
  LlSiteConfig *sc = g_new0(LlSiteConfig, 1);
  sc->number = (guint) n;
  sc->line = g->line;
  sc->evb = required(c, g, "evb", "evb1");
  sc->fixture = optional(c, g, "fixture");
  g_ptr_array_add(cfg->sites, sc);
}

/* Once every group is read: each site's EVB must be an EVB of the file, used once. */
static void
check_site_references(Ctx *c, LlStationConfig *cfg)
{
  for (guint i = 0; i < cfg->sites->len; i++) {
    const LlSiteConfig *sc = cfg->sites->pdata[i];
    if (!sc->evb)
      continue;
    const LlInstrumentConfig *ic = ll_station_config_find(cfg, sc->evb);
    if (!ic) {
      g_autofree gchar *hint = g_strdup_printf("add an [instrument %s] with class = evb", sc->evb);
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, sc->line + 1, 1, hint,
                  "site %u names EVB '%s', which is not an instrument of this file", sc->number, sc->evb);
    } else if (ic->klass != LL_CLASS_EVB) {
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, sc->line + 1, 1, "name an instrument of class evb",
                  "site %u names '%s', a %s, as its EVB", sc->number, sc->evb,
                  ll_instrument_class_name(ic->klass));
    }
    for (guint j = 0; j < i; j++) {
      const LlSiteConfig *other = cfg->sites->pdata[j];
      if (other->evb && g_str_equal(other->evb, sc->evb))
        ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, sc->line, 1, "give each site its own EVB",
                    "sites %u and %u both name EVB '%s'", other->number, sc->number, sc->evb);
    }
  }
}

/* The simulated bench is wired by the instruments' resource strings: every
 * bench instrument must name the [simulation] bench, each site's EVB must be
 * the EVB of that site, and there cannot be more modules than sites. */
static void
check_simulated_wiring(Ctx *c, LlStationConfig *cfg)
{
  const LlSimulationConfig *sim = cfg->simulation;
  for (guint i = 0; i < cfg->instruments->len; i++) {
    const LlInstrumentConfig *ic = cfg->instruments->pdata[i];
    g_autoptr(LlResource) res = ic->resource ? ll_resource_parse(ic->resource, NULL, NULL) : NULL;
    if (!res || res->kind != LL_RESOURCE_SIM || g_str_equal(res->sim_name, "scpi"))
      continue;
    const char *bench = g_hash_table_lookup(res->sim_options, "bench");
    if (!sim) {
      if (bench)
        ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, ic->line, 1,
                    "add a [simulation] group with bench = NAME to describe the simulated bench",
                    "instrument '%s' is on simulated bench '%s', but the file has no [simulation]",
                    ic->name, bench);
      continue;
    }
    if (!bench || !g_str_equal(bench, sim->bench)) {
      g_autofree gchar *hint = g_strdup_printf("add bench=%s to its resource", sim->bench);
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, ic->line, 1, hint,
                  "instrument '%s' is not on the simulated bench '%s' of [simulation]%s%s",
                  ic->name, sim->bench, bench ? " but on " : "", bench ? bench : "");
    }
  }
  for (guint i = 0; i < cfg->sites->len; i++) {
    const LlSiteConfig *sc = cfg->sites->pdata[i];
    const LlInstrumentConfig *ic = sc->evb ? ll_station_config_find(cfg, sc->evb) : NULL;
    g_autoptr(LlResource) res = ic && ic->resource ? ll_resource_parse(ic->resource, NULL, NULL) : NULL;
    if (!res || res->kind != LL_RESOURCE_SIM || !g_str_equal(res->sim_name, "evb"))
      continue;
    const char *site = g_hash_table_lookup(res->sim_options, "site");
    guint64 n = 1;
    if ((site && !parse_uint_text(site, 8, &n)) || n != sc->number) {
      g_autofree gchar *hint = g_strdup_printf("give evb '%s' site=%u in its resource", ic->name,
                                               sc->number);
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, sc->line, 1, hint,
                  "site %u's EVB '%s' is the simulated board of site %s", sc->number, ic->name,
                  site ? site : "1");
    }
  }
  if (sim && sim->modules && g_strv_length(sim->modules) > sim->sites)
    ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, sim->line, 1,
                "list at most one serial number per site",
                "[simulation] lists %u modules for %u sites", g_strv_length(sim->modules), sim->sites);
}

static gint
site_compare(gconstpointer a, gconstpointer b)
{
  const LlSiteConfig *x = *(LlSiteConfig *const *) a, *y = *(LlSiteConfig *const *) b;
  return (gint) x->number - (gint) y->number;
}

static void
check_simulation(Ctx *c, const GroupPos *g, LlStationConfig *cfg)
{
  static const char *const known[] = { "bench", "sites", "product", "seed", "defects", "realtime",
                                       "modules" };
  check_keys(c, g, known, G_N_ELEMENTS(known));
  LlSimulationConfig *sim = g_new0(LlSimulationConfig, 1);
  cfg->simulation = sim;
  sim->line = g->line;
  sim->bench = optional(c, g, "bench");
  if (!sim->bench)
    sim->bench = g_strdup("default");
  sim->product = optional(c, g, "product");
  if (!sim->product)
    sim->product = g_strdup("800G-DR8");
  sim->defects = optional(c, g, "defects");
  if (!sim->defects)
    sim->defects = g_strdup("default");
  sim->seed = 1;
  const KeyPos *kp;
  g_autofree gchar *sites = optional(c, g, "sites");
  g_autofree gchar *seed = optional(c, g, "seed");
  g_autofree gchar *realtime = optional(c, g, "realtime");
  g_autofree gchar *modules = optional(c, g, "modules");
  sim->modules = g_strsplit(modules ? modules : "", ",", -1);
  for (guint i = 0; sim->modules[i]; i++) {
    g_strstrip(sim->modules[i]);
    for (const char *p = sim->modules[i]; *p; p++)
      if (!g_ascii_isalnum(*p) && *p != '-') {
        kp = find_key(g, "modules");
        ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp ? kp->line : g->line, kp ? kp->value_col : 1,
                    "serial numbers are letters, digits and '-', one per site, comma-separated",
                    "'%s' is not a serial number", sim->modules[i]);
        break;
      }
  }
  guint64 v;
  if (sites) {
    kp = find_key(g, "sites");
    if (parse_uint_text(sites, 8, &v) && v >= 1)
      sim->sites = (guint) v;
    else
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->value_col, "e.g. sites = 4",
                  "sites '%s' is not a number from 1 to 8", sites);
  }
  if (seed) {
    kp = find_key(g, "seed");
    if (parse_uint_text(seed, G_MAXUINT64, &v))
      sim->seed = v;
    else
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->value_col, "e.g. seed = 7",
                  "seed '%s' is not a whole number", seed);
  }
  if (realtime) {
    kp = find_key(g, "realtime");
    if (g_str_equal(realtime, "yes") || g_str_equal(realtime, "true"))
      sim->realtime = TRUE;
    else if (!g_str_equal(realtime, "no") && !g_str_equal(realtime, "false"))
      ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->value_col,
                  "write realtime = yes or realtime = no", "realtime '%s' is not yes or no", realtime);
  }
  const KeyPos *pk = find_key(g, "product");
  if (pk && !ll_product_lookup(sim->product)) {
    kp = pk;
    gsize n;
    const LlProduct *all = ll_product_list(&n);
    GString *hint = g_string_new("products:");
    for (gsize i = 0; i < n; i++)
      g_string_append_printf(hint, " %s", all[i].id);
    ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->value_col, hint->str,
                "unknown product '%s'", sim->product);
    g_string_free(hint, TRUE);
  }
  LlDefectMix mix;
  g_autoptr(GError) err = NULL;
  const KeyPos *dk = find_key(g, "defects");
  if (dk && !ll_defect_mix_parse(sim->defects, &mix, &err)) {
    kp = dk;
    ll_diag_add(c->diags, LL_DIAG_ERROR, c->file, kp->line, kp->value_col,
                "write default, none, or NAME=PROBABILITY,... e.g. weak-lane=0.02,dead-lane=0.01",
                "%s", err->message);
  }
}

/* Checks the text of a station file; NULL when it has errors (in @diags). */
static LlStationConfig *
check_text(const char *path, const char *text, gsize len, LlDiagList *diags)
{
  guint errors_before = ll_diag_list_count(diags, LL_DIAG_ERROR);
  if (memchr(text, '\0', len) || !g_utf8_validate(text, (gssize) len, NULL)) {
    ll_diag_add(diags, LL_DIAG_ERROR, path, 0, 0, "save it as UTF-8 text",
                "not a text file (binary or not UTF-8)");
    return NULL;
  }
  g_auto(Scan) scan = { 0 };
  if (!scan_text(path, text, &scan, diags))
    return NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new();
  g_autoptr(GError) err = NULL;
  if (!g_key_file_load_from_data(kf, scan.text->str, scan.text->len, G_KEY_FILE_NONE, &err)) {
    ll_diag_add(diags, LL_DIAG_ERROR, path, 0, 0, NULL, "%s", err->message);
    return NULL;
  }

  g_autoptr(LlStationConfig) cfg = g_new0(LlStationConfig, 1);
  cfg->path = g_strdup(path);
  cfg->sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *) text, len);
  cfg->instruments = g_ptr_array_new_with_free_func(instrument_free);
  cfg->sites = g_ptr_array_new_with_free_func(site_free);
  Ctx c = { path, kf, diags };
  gboolean have_station = FALSE;
  for (guint i = 0; i < scan.groups->len; i++) {
    const GroupPos *g = scan.groups->pdata[i];
    if (g->duplicate)
      continue; /* reported; its keys would only repeat the first group's errors */
    if (g_str_equal(g->name, "station")) {
      have_station = TRUE;
      check_station(&c, g, cfg);
    } else if (g_str_has_prefix(g->name, "instrument ")) {
      check_instrument(&c, g, g_strstrip(g->name + strlen("instrument ")), cfg);
    } else if (g_str_has_prefix(g->name, "site ")) {
      check_site(&c, g, g_strstrip(g->name + strlen("site ")), cfg);
    } else if (g_str_equal(g->name, "simulation")) {
      check_simulation(&c, g, cfg);
    } else {
      static const char *const groups[] = { "station", "instrument", "site", "simulation" };
      const char *close = ll_closest_word(g->name, groups, G_N_ELEMENTS(groups));
      g_autofree gchar *hint =
        close && g_str_equal(close, "instrument")
          ? g_strdup("an instrument group is written [instrument NAME]")
        : close ? g_strdup_printf("did you mean [%s]?", close)
                : g_strdup("groups are [station], [instrument NAME], [site N] and [simulation]");
      ll_diag_add(diags, LL_DIAG_ERROR, path, g->line, 2, hint, "unknown group [%s]", g->name);
    }
  }
  if (!have_station)
    ll_diag_add(diags, LL_DIAG_ERROR, path, 1, 1,
                "start the file with [station] and its id and line", "no [station] group");
  check_site_references(&c, cfg);
  g_ptr_array_sort(cfg->sites, site_compare);
  if (cfg->simulation && !cfg->simulation->sites) {
    guint highest = 1;
    for (guint i = 0; i < cfg->sites->len; i++)
      highest = MAX(highest, ((LlSiteConfig *) cfg->sites->pdata[i])->number);
    cfg->simulation->sites = highest;
  }
  check_simulated_wiring(&c, cfg);
  if (ll_diag_list_count(diags, LL_DIAG_ERROR) != errors_before)
    return NULL;
  return g_steal_pointer(&cfg);
}

LlStationConfig *
ll_station_config_load(const char *path, LlDiagList *diags, GError **error)
{
  g_autoptr(LlDiagList) own = NULL;
  if (!diags)
    diags = own = ll_diag_list_new();
  g_autofree gchar *text = NULL;
  gsize len = 0;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(path, &text, &len, &err)) {
    g_set_error(error, LL_CONFIG_ERROR, LL_CONFIG_ERROR_READ, "%s: cannot read: %s", path,
                err->message);
    return NULL;
  }
  return ll_station_config_load_data(path, text, len, diags, error);
}

LlStationConfig *
ll_station_config_load_data(const char *path, const char *text, gsize len, LlDiagList *diags,
                            GError **error)
{
  g_autoptr(LlDiagList) own = NULL;
  if (!diags)
    diags = own = ll_diag_list_new();
  LlStationConfig *cfg = check_text(path, text, len, diags);
  ll_diag_list_sort(diags);
  if (!cfg) {
    g_autofree gchar *all = ll_diag_list_format(diags);
    g_set_error_literal(error, LL_CONFIG_ERROR, LL_CONFIG_ERROR_INVALID, all);
  }
  return cfg;
}
