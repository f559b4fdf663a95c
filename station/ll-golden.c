/* ll-golden.c: golden-module reference files (see ll-golden.h): loading
 * with positions, writing, and the simulated bench's characterization. */
#include "ll-golden.h"
#include "ll-units.h"
#include "ll-yaml.h"
#include "sim/ll-product.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK(ll-golden-error-quark, ll_golden_error)

static const LlGoldenQuantity quantities[] = {
  { "tx_power_avg", "dBm", TRUE, "average launch power" },
  { "rx_power_monitor_error", "dB", TRUE,
    "RX power monitor minus the true received average power (0 for a calibrated monitor)" },
  { "oma_outer", "dBm", FALSE, "outer OMA" },
  { "extinction_ratio", "dB", FALSE, "extinction ratio" },
  { "tdecq", "dB", FALSE, "TDECQ" },
  { "sensitivity", "dBm", FALSE, "receiver sensitivity (OMA at BER 2.4e-4)" },
};

const LlGoldenQuantity *
ll_golden_quantities(guint *n)
{
  *n = G_N_ELEMENTS(quantities);
  return quantities;
}

static gint
quantity_index(const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS(quantities); i++)
    if (g_str_equal(quantities[i].name, name))
      return (gint) i;
  return -1;
}

const LlGoldenQuantity *
ll_golden_quantity(const char *name)
{
  gint i = quantity_index(name);
  return i < 0 ? NULL : &quantities[i];
}

LlGoldenReference *
ll_golden_reference_new(const char *serial, const char *product)
{
  LlGoldenReference *r = g_new0(LlGoldenReference, 1);
  r->serial = g_strdup(serial);
  r->product = g_strdup(product);
  const LlProduct *p = product ? ll_product_lookup(product) : NULL;
  r->lanes = p ? p->lanes : 0;
  r->values = g_malloc(sizeof(double[LL_GOLDEN_MAX_LANES]) * G_N_ELEMENTS(quantities));
  for (guint q = 0; q < G_N_ELEMENTS(quantities); q++)
    for (guint l = 0; l < LL_GOLDEN_MAX_LANES; l++)
      r->values[q][l] = NAN;
  return r;
}

void
ll_golden_reference_free(LlGoldenReference *r)
{
  if (!r)
    return;
  g_free(r->path);
  g_free(r->serial);
  g_free(r->product);
  g_free(r->by);
  g_clear_pointer(&r->characterized, g_date_time_unref);
  g_free(r->values);
  g_free(r);
}

double
ll_golden_reference_value(const LlGoldenReference *r, const char *name, guint lane)
{
  gint q = quantity_index(name);
  if (q < 0 || lane < 1 || lane > LL_GOLDEN_MAX_LANES)
    return NAN;
  return r->values[q][lane - 1];
}

void
ll_golden_reference_set(LlGoldenReference *r, const char *name, guint lane, double value)
{
  gint q = quantity_index(name);
  if (q >= 0 && lane >= 1 && lane <= LL_GOLDEN_MAX_LANES)
    r->values[q][lane - 1] = value;
}

/* ---- loading ---- */

static void
read_header(const LlYamlCtx *c, const LlYamlNode *h, LlGoldenReference *r)
{
  static const char *const known[] = { "serial", "product", "characterized", "by", NULL };
  if (!ll_yaml_expect(c, h, LL_YAML_MAPPING, "'golden'"))
    return;
  ll_yaml_check_keys(c, h, known, "in 'golden'");
  const LlYamlNode *n = ll_yaml_lookup(h, "serial");
  if (!n)
    ll_yaml_error(c, h, "name the module, e.g. serial: GOLD0001", "'golden' has no serial");
  else if (ll_yaml_get_string(c, n, "'serial'", &r->serial) && !*r->serial)
    ll_yaml_error(c, n, "e.g. serial: GOLD0001", "'serial' is empty");
  n = ll_yaml_lookup(h, "product");
  if (!n) {
    ll_yaml_error(c, h, "e.g. product: 800G-DR8", "'golden' has no product");
  } else if (ll_yaml_get_string(c, n, "'product'", &r->product)) {
    const LlProduct *p = ll_product_lookup(r->product);
    if (p) {
      r->lanes = p->lanes;
    } else {
      gsize np;
      const LlProduct *all = ll_product_list(&np);
      g_autofree const char **names = g_new0(const char *, np);
      for (gsize i = 0; i < np; i++)
        names[i] = all[i].id;
      const char *near = ll_closest_word(r->product, names, np);
      g_autofree gchar *hint = near ? g_strdup_printf("did you mean '%s'?", near)
                                    : g_strdup("e.g. product: 800G-DR8");
      ll_yaml_error(c, n, hint, "unknown product '%s'", r->product);
    }
  }
  g_autofree gchar *when = NULL;
  n = ll_yaml_lookup(h, "characterized");
  if (n && ll_yaml_get_string(c, n, "'characterized'", &when)) {
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
    g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(when, utc);
    if (t)
      r->characterized = g_date_time_to_utc(t);
    else
      ll_yaml_error(c, n, "write the time in ISO 8601, e.g. 2026-11-02T09:00:00Z",
                    "'%s' is not a time", when);
  }
  n = ll_yaml_lookup(h, "by");
  if (n)
    ll_yaml_get_string(c, n, "'by'", &r->by);
}

/* A value written "NUMBER UNIT" in the quantity's unit. */
static gboolean
read_value(const LlYamlCtx *c, const LlYamlNode *n, const LlGoldenQuantity *q, double *out)
{
  g_autofree gchar *hint = g_strdup_printf("write it with its unit, e.g. %s: %s %s", q->name,
                                           g_str_equal(q->unit, "dBm") ? "1.25" : "0.30", q->unit);
  if (n->kind != LL_YAML_SCALAR || n->empty) {
    ll_yaml_error(c, n, hint, "'%s' must be a value in %s, not %s", q->name, q->unit,
                  ll_yaml_describe(n));
    return FALSE;
  }
  double v;
  LlUnit unit, want;
  g_autofree gchar *unit_text = NULL;
  if (!ll_quantity_parse(n->text, &v, &unit, &unit_text)) {
    ll_yaml_error(c, n, hint, unit_text ? "'%s' has an unknown unit" : "'%s' is not a number",
                  n->text);
    return FALSE;
  }
  ll_unit_from_name(q->unit, &want);
  if (unit != want) {
    ll_yaml_error(c, n, hint, "'%s' is %s, not in %s", n->text,
                  unit == LL_UNIT_NONE ? "without a unit" : ll_unit_name(unit), q->unit);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

static void
read_lanes(const LlYamlCtx *c, const LlYamlNode *lanes, LlGoldenReference *r)
{
  if (!ll_yaml_expect(c, lanes, LL_YAML_SEQUENCE, "'lanes'"))
    return;
  g_autofree const char **known = g_new0(const char *, G_N_ELEMENTS(quantities) + 2);
  known[0] = "lane";
  for (guint q = 0; q < G_N_ELEMENTS(quantities); q++)
    known[q + 1] = quantities[q].name;
  guint max = r->lanes ? r->lanes : LL_GOLDEN_MAX_LANES;
  guint32 seen = 0;
  for (guint i = 0; i < ll_yaml_length(lanes); i++) {
    const LlYamlNode *item = ll_yaml_item(lanes, i);
    if (!ll_yaml_expect(c, item, LL_YAML_MAPPING, "a lane"))
      continue;
    ll_yaml_check_keys(c, item, known, "in a lane");
    const LlYamlNode *n = ll_yaml_lookup(item, "lane");
    guint lane = 0;
    if (!n) {
      ll_yaml_error(c, item, "e.g. - { lane: 1, tx_power_avg: 1.25 dBm, ... }",
                    "a lane without 'lane'");
      continue;
    }
    if (!ll_yaml_get_uint(c, n, "'lane'", 1, max, &lane))
      continue;
    if (seen & (1u << (lane - 1))) {
      ll_yaml_error(c, n, "list each lane once", "lane %u is listed twice", lane);
      continue;
    }
    seen |= 1u << (lane - 1);
    for (guint q = 0; q < G_N_ELEMENTS(quantities); q++) {
      const LlYamlNode *v = ll_yaml_lookup(item, quantities[q].name);
      if (v)
        read_value(c, v, &quantities[q], &r->values[q][lane - 1]);
      else if (quantities[q].required)
        ll_yaml_error(c, item, "path-loss calibration measures every lane against it",
                      "lane %u has no %s (%s)", lane, quantities[q].name, quantities[q].summary);
    }
  }
  for (guint lane = 1; r->lanes && lane <= r->lanes; lane++)
    if (!(seen & (1u << (lane - 1))))
      ll_yaml_error(c, lanes, "list every lane of the product", "lane %u of %s is missing", lane,
                    r->product);
}

LlGoldenReference *
ll_golden_reference_load_data(const char *path, const char *text, gsize len, LlDiagList *diags,
                              GError **error)
{
  g_autoptr(LlDiagList) own = diags ? NULL : ll_diag_list_new();
  LlDiagList *list = diags ? diags : own;
  guint errors_before = ll_diag_list_count(list, LL_DIAG_ERROR);
  g_autoptr(LlGoldenReference) r = ll_golden_reference_new(NULL, NULL);
  r->path = g_strdup(path);
  LlYamlCtx c = { path, list };
  g_autoptr(LlYamlNode) root = ll_yaml_parse(path, text, len, list);
  if (root && ll_yaml_expect(&c, root, LL_YAML_MAPPING, "a golden reference file")) {
    static const char *const known[] = { "golden", "lanes", NULL };
    ll_yaml_check_keys(&c, root, known, "at the top");
    const LlYamlNode *h = ll_yaml_lookup(root, "golden");
    const LlYamlNode *lanes = ll_yaml_lookup(root, "lanes");
    if (!h)
      ll_yaml_error(&c, root, "start with 'golden:' (serial, product, characterized, by)",
                    "no 'golden' header");
    else
      read_header(&c, h, r);
    if (!lanes)
      ll_yaml_error(&c, root, "list the lanes: lanes: [ { lane: 1, tx_power_avg: ... }, ... ]",
                    "no 'lanes'");
    else
      read_lanes(&c, lanes, r);
  }
  if (ll_diag_list_count(list, LL_DIAG_ERROR) > errors_before) {
    g_autofree gchar *msg = ll_diag_list_format(list);
    g_set_error_literal(error, LL_GOLDEN_ERROR, LL_GOLDEN_ERROR_INVALID, msg);
    return NULL;
  }
  return g_steal_pointer(&r);
}

LlGoldenReference *
ll_golden_reference_load(const char *path, LlDiagList *diags, GError **error)
{
  g_autofree gchar *text = NULL;
  gsize len = 0;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(path, &text, &len, &err)) {
    g_set_error(error, LL_GOLDEN_ERROR, LL_GOLDEN_ERROR_READ, "%s: cannot read the golden reference: %s",
                path, err->message);
    return NULL;
  }
  return ll_golden_reference_load_data(path, text, len, diags, error);
}

gchar *
ll_golden_reference_path(const LlStationConfig *config, const char *serial)
{
  g_autofree gchar *name = g_strconcat(serial, ".yaml", NULL);
  return g_build_filename(config->golden_references ? config->golden_references : "golden", name,
                          NULL);
}

LlGoldenReference *
ll_golden_reference_find(const LlStationConfig *config, const char *serial, LlDiagList *diags,
                         GError **error)
{
  g_autofree gchar *path = ll_golden_reference_path(config, serial);
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
    g_set_error(error, LL_GOLDEN_ERROR, LL_GOLDEN_ERROR_READ,
                "no golden reference for %s: %s does not exist (write the module's "
                "characterization there, see docs/calibration.md)", serial, path);
    return NULL;
  }
  LlGoldenReference *r = ll_golden_reference_load(path, diags, error);
  if (r && g_strcmp0(r->serial, serial) != 0) {
    g_set_error(error, LL_GOLDEN_ERROR, LL_GOLDEN_ERROR_INVALID,
                "%s: the reference is of %s, not of %s", path, r->serial, serial);
    ll_golden_reference_free(r);
    return NULL;
  }
  return r;
}

/* ---- writing ---- */

gchar *
ll_golden_reference_format(const LlGoldenReference *r)
{
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "# Reference values of golden module %s (docs/calibration.md).\n"
                         "golden:\n  serial: %s\n  product: %s\n", r->serial, r->serial, r->product);
  if (r->characterized) {
    g_autofree gchar *when = g_date_time_format(r->characterized, "%Y-%m-%dT%H:%M:%SZ");
    g_string_append_printf(s, "  characterized: %s\n", when);
  }
  if (r->by)
    g_string_append_printf(s, "  by: \"%s\"\n", r->by);
  g_string_append(s, "lanes:\n");
  for (guint lane = 1; lane <= r->lanes; lane++) {
    g_string_append_printf(s, "  - lane: %u\n", lane);
    for (guint q = 0; q < G_N_ELEMENTS(quantities); q++) {
      double v = r->values[q][lane - 1];
      if (isfinite(v)) {
        char num[G_ASCII_DTOSTR_BUF_SIZE];
        g_ascii_formatd(num, sizeof num, "%.4f", v);
        g_string_append_printf(s, "    %s: %s %s\n", quantities[q].name, num, quantities[q].unit);
      }
    }
  }
  return g_string_free(s, FALSE);
}

gboolean
ll_golden_reference_save(const LlGoldenReference *r, const char *path, GError **error)
{
  g_autofree gchar *dir = g_path_get_dirname(path);
  if (g_mkdir_with_parents(dir, 0755) != 0) {
    int e = errno;
    g_set_error(error, LL_GOLDEN_ERROR, LL_GOLDEN_ERROR_READ, "%s: cannot create it: %s", dir,
                g_strerror(e));
    return FALSE;
  }
  g_autofree gchar *text = ll_golden_reference_format(r);
  g_autoptr(GError) err = NULL;
  if (!g_file_set_contents(path, text, -1, &err)) {
    g_set_error(error, LL_GOLDEN_ERROR, LL_GOLDEN_ERROR_READ, "%s: %s", path, err->message);
    return FALSE;
  }
  return TRUE;
}

/* ---- the simulated bench ---- */

LlGoldenReference *
ll_golden_reference_from_bench(LlBench *bench, guint site, GError **error)
{
  ll_bench_lock(bench);
  LlModuleSim *m = ll_bench_module(bench, site);
  if (!m) {
    ll_bench_unlock(bench);
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "site %u of the simulated bench is empty",
                site);
    return NULL;
  }
  const LlTwin *t = ll_module_sim_twin(m);
  double case_c = ll_module_sim_case_temperature(m);
  for (LlDefect d = 0; d < LL_DEFECT_COUNT; d++)
    if (ll_twin_has(t, d)) {
      g_set_error(error, LL_GOLDEN_ERROR, LL_GOLDEN_ERROR_NOT_GOLDEN,
                  "%s cannot be a golden module: it has the defect %s", t->serial, ll_defect_name(d));
      ll_bench_unlock(bench);
      return NULL;
    }
  LlGoldenReference *r = ll_golden_reference_new(t->serial, t->product->id);
  for (guint l = 0; l < t->product->lanes; l++) {
    ll_golden_reference_set(r, "tx_power_avg", l + 1, ll_twin_tx_power_dbm(t, l, case_c));
    ll_golden_reference_set(r, "rx_power_monitor_error", l + 1, t->lane[l].rxmon_error_db);
    ll_golden_reference_set(r, "oma_outer", l + 1, ll_twin_tx_oma_dbm(t, l, case_c));
    ll_golden_reference_set(r, "extinction_ratio", l + 1, ll_twin_er_db(t, l, case_c));
    ll_golden_reference_set(r, "tdecq", l + 1, ll_twin_tdecq_db(t, l, case_c));
    ll_golden_reference_set(r, "sensitivity", l + 1, ll_twin_sensitivity_dbm(t, l, case_c));
  }
  ll_bench_unlock(bench);
  r->characterized = g_date_time_new_now_utc();
  r->by = g_strdup_printf("simulated bench: the twin's true values at %.1f C", case_c);
  return r;
}

gchar *
ll_golden_pick_serial(LlBench *bench, const char *prefix)
{
  const LlBenchConfig *cfg = ll_bench_config(bench);
  for (guint i = 1;; i++) {
    gchar *serial = g_strdup_printf("%s%04u", prefix, i);
    LlTwin t;
    ll_twin_init(&t, cfg->product, serial, cfg->seed, &cfg->mix);
    if (!t.defects)
      return serial;
    g_free(serial);
  }
}

gchar *
ll_golden_characterize_sim(const char *config_path, const char *config_text, const char *prefix,
                           GError **error)
{
  LlStationConfig *cfg = config_text ? ll_station_config_load_data(config_path, config_text,
                                                                   strlen(config_text), NULL, error)
                                     : ll_station_config_load(config_path, NULL, error);
  if (!cfg)
    return NULL;
  g_autoptr(LlStation) station = ll_station_open(cfg, error);
  if (!station)
    return NULL;
  LlBench *bench = ll_station_bench(station);
  if (!bench) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                "%s has no simulated bench: a golden module is characterized in a lab",
                ll_station_config(station)->path);
    return NULL;
  }
  g_autofree gchar *serial = ll_golden_pick_serial(bench, prefix);
  ll_bench_insert(bench, 1, serial);
  g_autoptr(LlGoldenReference) ref = ll_golden_reference_from_bench(bench, 1, error);
  ll_bench_remove(bench, 1);
  g_autofree gchar *path = ref ? ll_golden_reference_path(ll_station_config(station), serial) : NULL;
  if (!ref || !ll_golden_reference_save(ref, path, error))
    return NULL;
  return g_steal_pointer(&serial);
}
