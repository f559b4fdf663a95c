/* test-sequences.c: the sequence and limits file format. Good files load
 * with exact values; each kind of error is reported at its exact
 * FILE:LINE:COL with its hint; the judge's truth table (guard bands,
 * exclusive bounds, nominal, NaN, units, strings, booleans); limit lookup by
 * specificity; bins by priority and grades by margin. Files are in
 * tests/data/sequences/; the action catalog is a small one built here. */
#include "ll-sequence.h"
#include "ll-instrument-class.h"
#include "sim/ll-product.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* ---- a small action catalog, as the station would declare it ---------- */

static const LlParamSpec power_up_params[] = {
  { "timeout", LL_PARAM_NUMBER, LL_UNIT_S, .default_text = "5 s", .has_min = TRUE, .min = 0.1,
    .has_max = TRUE, .max = 60 },
  { NULL },
};
static const LlMeasurementSpec power_up_meas[] = {
  { "module_power", LL_UNIT_W, FALSE, "power drawn when Ready" },
  { NULL },
};
static const LlMeasurementSpec identify_meas[] = {
  { "firmware", LL_UNIT_NONE, FALSE, "active firmware" },
  { "checksum_ok", LL_UNIT_NONE, FALSE, "page checksums" },
  { NULL },
};
static const LlParamSpec tx_power_params[] = {
  { "wavelength", LL_PARAM_NUMBER, LL_UNIT_NM, .default_text = "1311 nm", .has_min = TRUE,
    .min = 1260, .has_max = TRUE, .max = 1360 },
  { "averaging", LL_PARAM_NUMBER, LL_UNIT_S, .default_text = "100 ps" },
  { NULL },
};
static const LlMeasurementSpec tx_power_meas[] = {
  { "tx_power_avg", LL_UNIT_DBM, TRUE, "average launch power" },
  { "tx_power_mw", LL_UNIT_MW, TRUE, "average launch power, linear" },
  { NULL },
};
static const LlParamSpec ber_params[] = {
  { "pattern", LL_PARAM_PATTERN, .default_text = "PRBS31Q" },
  { "rx_power", LL_PARAM_NUMBER, LL_UNIT_DBM, .required = TRUE },
  { "confidence", LL_PARAM_NUMBER, LL_UNIT_PERCENT, .default_text = "95 %" },
  { "target", LL_PARAM_NUMBER, LL_UNIT_RATIO, .default_text = "2.4e-4" },
  { "lanes_at_once", LL_PARAM_INTEGER, .default_text = "8" },
  { "stop_early", LL_PARAM_BOOLEAN, .default_text = "true" },
  { NULL },
};
static const LlMeasurementSpec ber_meas[] = {
  { "ber", LL_UNIT_RATIO, TRUE, "bit error ratio" },
  { "errors", LL_UNIT_ERRORS, TRUE, "errors counted" },
  { NULL },
};
static const LlMeasurementSpec tdecq_meas[] = {
  { "tdecq", LL_UNIT_DB, TRUE, NULL },
  { "er", LL_UNIT_DB, TRUE, NULL },
  { "oma_outer", LL_UNIT_DBM, TRUE, NULL },
  { NULL },
};

static const LlActionSpec actions[] = {
  { "module.power-up", "power the module to Ready", FALSE, power_up_params, power_up_meas,
    (const char *const[]){ "evb", NULL } },
  { "module.identify", "read and check identity", FALSE, NULL, identify_meas,
    (const char *const[]){ "evb", NULL } },
  { "tx.average-power", "launch power through the switch", TRUE, tx_power_params, tx_power_meas,
    (const char *const[]){ "power-meter", "optical-switch", NULL } },
  { "rx.ber", "BER of all lanes at once", FALSE, ber_params, ber_meas,
    (const char *const[]){ "bert", "attenuator", NULL } },
  { "scope.tdecq", "TX eye", TRUE, NULL, tdecq_meas,
    (const char *const[]){ "scope", "optical-switch", NULL } },
  { "module.power-down", "power down", FALSE, NULL, NULL, (const char *const[]){ "evb", NULL } },
};
static const LlActionCatalog catalog = { actions, G_N_ELEMENTS(actions) };

static gchar *
data_path(const char *name)
{
  return g_build_filename(g_getenv("LL_TEST_DATA"), "sequences", name, NULL);
}

/* Expected diagnostics, in file order. */
typedef struct {
  LlDiagSeverity severity;
  const char *file; /* basename; NULL: the first file */
  guint line, col;
  const char *msg, *hint;
} Want;

static void
assert_diags(const LlDiagList *diags, const char *file, const Want *want, gsize n)
{
  g_autofree gchar *all = ll_diag_list_format(diags);
  g_test_message("%s", all);
  for (guint i = 0; i < MIN(n, ll_diag_list_length(diags)); i++) {
    const LlDiag *d = ll_diag_list_get(diags, i);
    g_autofree gchar *one = ll_diag_format(d);
    g_autofree gchar *base = g_path_get_basename(d->file);
    g_test_message("want %s:%u:%u %s; got %s", want[i].file ? want[i].file : file, want[i].line,
                   want[i].col, want[i].msg, one);
    g_assert_cmpstr(base, ==, want[i].file ? want[i].file : file);
    g_assert_cmpint(d->severity, ==, want[i].severity);
    g_assert_cmpuint(d->line, ==, want[i].line);
    g_assert_cmpuint(d->column, ==, want[i].col);
    g_assert_nonnull(strstr(d->message, want[i].msg));
    if (want[i].hint)
      g_assert_true(d->hint && strstr(d->hint, want[i].hint));
  }
  g_assert_cmpuint(ll_diag_list_length(diags), ==, n);
}

/* ---- good files ------------------------------------------------------ */

static void
test_catalog(void)
{
  g_autoptr(GError) err = NULL;
  ll_action_catalog_check(&catalog, &err);
  g_assert_no_error(err);
  g_assert_true(ll_action_catalog_lookup(&catalog, "rx.ber") == &actions[3]);
  g_assert_null(ll_action_catalog_lookup(&catalog, "rx.bert"));

  /* a catalog that contradicts itself is refused, every problem named */
  static const LlParamSpec bad_params[] = {
    { "wl", LL_PARAM_NUMBER, LL_UNIT_NM, .default_text = "1311 dBm" },
    { "n", LL_PARAM_INTEGER, .required = TRUE, .default_text = "3" },
    { "wl", LL_PARAM_NUMBER, LL_UNIT_NM, .summary = "again" },
    { NULL },
  };
  const LlActionSpec bad[] = {
    { "a", NULL, FALSE, bad_params, NULL, (const char *const[]){ "oscilloscope", NULL } },
    { "a", NULL, FALSE, NULL, NULL, NULL },
  };
  LlActionCatalog bc = { bad, G_N_ELEMENTS(bad) };
  g_assert_false(ll_action_catalog_check(&bc, &err));
  g_assert_error(err, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_CATALOG);
  g_test_message("%s", err->message);
  g_assert_nonnull(strstr(err->message, "a: default of 'wl': 'wl' is in nm; '1311 dBm' is not convertible"));
  g_assert_nonnull(strstr(err->message, "a: parameter 'n' is required and has a default"));
  g_assert_nonnull(strstr(err->message, "a: parameter 'wl' is declared twice"));
  g_assert_nonnull(strstr(err->message, "a: unknown instrument class 'oscilloscope'"));
  g_assert_nonnull(strstr(err->message, "action 'a' is declared twice"));
}

/* The sequence layer keeps its own list of instrument classes and lane
 * limit so it does not link the instrument layer: they must stay equal. */
static void
test_same_classes(void)
{
  const char *const *ours = ll_instrument_class_list();
  const char *const *theirs = ll_instrument_class_names();
  g_assert_cmpuint(g_strv_length((gchar **) ours), ==, LL_CLASS_COUNT);
  for (guint i = 0; i < LL_CLASS_COUNT; i++)
    g_assert_cmpstr(ours[i], ==, theirs[i]);
}

static void
test_good_limits(void)
{
  g_autofree gchar *path = data_path("good-limits.yaml");
  g_autoptr(GError) err = NULL;
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_autoptr(LlLimitsTable) t = ll_limits_load(path, diags, &err);
  g_assert_no_error(err);
  g_assert_nonnull(t);
  g_assert_cmpuint(ll_diag_list_length(diags), ==, 0);
  g_assert_cmpstr(t->id, ==, "dr8-final");
  g_assert_cmpstr(t->version, ==, "1.2.0");
  g_assert_cmpstr(t->product, ==, "800G-DR8");
  g_assert_false(t->provisional);
  g_assert_cmpuint(g_strv_length(t->part_numbers), ==, 2);
  g_assert_cmpstr(t->part_numbers[1], ==, "LL8DR8-QDD");
  g_assert_cmpstr(t->description, ==, "IEEE 802.3 clause 124 restated");

  /* the SHA-256 is of the file's bytes */
  g_autofree gchar *bytes = NULL;
  gsize len;
  g_assert_true(g_file_get_contents(path, &bytes, &len, NULL));
  g_autofree gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *) bytes, len);
  g_assert_cmpstr(t->sha256, ==, sum);
  g_assert_cmpuint(strlen(t->sha256), ==, 64);

  g_assert_cmpuint(t->bins->len, ==, 7);
  const LlBin *a = ll_limits_bin(t, 1), *b = ll_limits_bin(t, 2), *f = ll_limits_bin(t, 10);
  g_assert_cmpint(a->kind, ==, LL_BIN_PASS);
  g_assert_cmpfloat(a->min_margin_pct, ==, 25);
  g_assert_cmpstr(a->instructions, ==, "put in tray A");
  g_assert_cmpfloat(b->min_margin_pct, ==, 0);
  g_assert_cmpint(f->kind, ==, LL_BIN_FAIL);
  g_assert_cmpstr(f->name, ==, "TX-POWER");
  g_assert_cmpuint(f->priority, ==, 20);
  g_assert_cmpuint(f->line, ==, 20);
  g_assert_cmpuint(f->column, ==, 5);
  g_assert_null(ll_limits_bin(t, 3));

  g_assert_cmpuint(t->entries->len, ==, 10);
  const LlLimit *p = t->entries->pdata[0];
  g_assert_cmpstr(p->name, ==, "tx_power_avg");
  g_assert_cmpint(p->kind, ==, LL_LIMIT_RANGE);
  g_assert_cmpint(p->unit, ==, LL_UNIT_DBM);
  g_assert_true(p->has_min && p->has_max && !p->min_exclusive && !p->max_exclusive);
  g_assert_cmpfloat(p->min, ==, -2.9);
  g_assert_cmpfloat(p->max, ==, 4.0);
  g_assert_cmpfloat(p->guard_band, ==, 0.2);
  g_assert_null(p->part_numbers);
  g_assert_cmpuint(p->lanes, ==, 0);
  g_assert_cmpint(p->corner.kind, ==, LL_CORNER_ROOM);
  g_assert_cmpuint(p->line, ==, 43);
  g_assert_cmpuint(p->column, ==, 5);
  g_assert_cmpuint(p->unit_line, ==, 44);
  g_assert_cmpuint(p->unit_column, ==, 11);
  const LlLimit *ber = t->entries->pdata[6];
  g_assert_true(!ber->has_min && ber->has_max && ber->max_exclusive);
  g_assert_cmpfloat(ber->max, ==, 2.4e-4);
  g_assert_cmpint(ber->unit, ==, LL_UNIT_RATIO);
  const LlLimit *fw = t->entries->pdata[7];
  g_assert_cmpint(fw->kind, ==, LL_LIMIT_REGEX);
  g_assert_cmpstr(fw->pattern, ==, "2\\.1\\.[0-9]+");
  const LlLimit *ck = t->entries->pdata[8];
  g_assert_cmpint(ck->kind, ==, LL_LIMIT_BOOLEAN);
  g_assert_true(ck->expected.boolean);
  const LlLimit *pw = t->entries->pdata[9];
  g_assert_cmpint(pw->kind, ==, LL_LIMIT_NOMINAL);
  g_assert_cmpfloat(pw->nominal, ==, 14);
  g_assert_cmpfloat(pw->tolerance, ==, 2);
  g_assert_cmpint(pw->corner.kind, ==, LL_CORNER_ANY);
  const LlLimit *l8 = t->entries->pdata[3];
  g_assert_cmpuint(l8->lanes, ==, 1u << 7);
  g_assert_cmpint(((LlLimit *) t->entries->pdata[2])->corner.kind, ==, LL_CORNER_HOT);
}

static void
test_good_sequence(void)
{
  g_autofree gchar *path = data_path("good.yaml");
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  LlSequence *s = NULL;
  GPtrArray *tables = NULL;
  g_assert_true(ll_sequence_check_file(path, &catalog, diags, &s, &tables));
  g_autoptr(LlSequence) seq = s;
  g_autoptr(GPtrArray) tabs = tables;
  assert_diags(diags, "good.yaml", NULL, 0);

  g_assert_cmpstr(seq->id, ==, "dr8-final");
  g_assert_cmpstr(seq->version, ==, "3.10"); /* as written, not the float 3.1 */
  g_assert_cmpstr(seq->product, ==, "800G-DR8");
  g_assert_cmpuint(seq->lanes, ==, 8);
  g_assert_cmpstr(seq->description, ==, "Final test at room temperature");
  g_assert_cmpuint(strlen(seq->sha256), ==, 64);
  g_assert_cmpuint(tabs->len, ==, 1);
  g_autofree gchar *lim_path = data_path("good-limits.yaml");
  g_assert_cmpstr(((LlLimitsRef *) seq->limits->pdata[0])->resolved_path, ==, lim_path);

  g_assert_cmpuint(seq->roles->len, ==, 6);
  const LlRole *meter = seq->roles->pdata[1];
  g_assert_cmpstr(meter->name, ==, "meter");
  g_assert_cmpstr(meter->klass, ==, "power-meter");
  g_assert_cmpuint(meter->line, ==, 11);
  g_assert_cmpuint(meter->column, ==, 3);

  g_assert_cmpuint(seq->parameters->len, ==, 4);
  const LlParam *wl = seq->parameters->pdata[0], *rx = seq->parameters->pdata[1];
  const LlParam *pat = seq->parameters->pdata[2], *conf = seq->parameters->pdata[3];
  g_assert_cmpint(wl->value.type, ==, LL_VALUE_NUMBER);
  g_assert_cmpfloat(wl->value.number, ==, 1311);
  g_assert_cmpint(wl->value.unit, ==, LL_UNIT_NM);
  g_assert_cmpuint(wl->value.line, ==, 18);
  g_assert_cmpuint(wl->value.column, ==, 15);
  g_assert_cmpfloat(rx->value.number, ==, -4.4);
  g_assert_cmpint(rx->value.unit, ==, LL_UNIT_DBM);
  g_assert_cmpint(pat->value.type, ==, LL_VALUE_STRING);
  g_assert_cmpstr(pat->value.text, ==, "PRBS31Q");
  g_assert_cmpint(conf->value.unit, ==, LL_UNIT_PERCENT);

  g_assert_cmpuint(seq->steps->len, ==, 6);
  static const char *const ids[] = { "power-up", "identify", "tx-power", "tdecq", "ber", "power-down" };
  static const LlStepGroup groups[] = { LL_GROUP_SETUP, LL_GROUP_SETUP, LL_GROUP_MAIN,
                                        LL_GROUP_MAIN,  LL_GROUP_MAIN,  LL_GROUP_CLEANUP };
  for (guint i = 0; i < 6; i++) {
    const LlStep *st = seq->steps->pdata[i];
    g_assert_cmpstr(st->id, ==, ids[i]);
    g_assert_cmpint(st->group, ==, groups[i]);
    g_assert_nonnull(st->spec);
    g_assert_nonnull(st->resolved);
    g_assert_nonnull(st->roles);
  }
  const LlStep *tx = ll_sequence_step(seq, "tx-power");
  g_assert_cmpstr(tx->action, ==, "tx.average-power");
  g_assert_true(tx->per_lane);
  g_assert_cmpuint(tx->lanes, ==, 0xFF);
  g_assert_cmpuint(tx->retries, ==, 1);
  g_assert_cmpint(tx->on_fail, ==, LL_ON_FAIL_CONTINUE);
  g_assert_cmpuint(tx->bin, ==, 10);
  g_assert_cmpfloat(tx->timeout_s, ==, 30);
  g_assert_cmpuint(tx->line, ==, 38);
  g_assert_cmpuint(tx->column, ==, 5);
  g_assert_cmpuint(tx->action_line, ==, 39);
  g_assert_cmpuint(tx->action_column, ==, 13);
  const LlParam *p = tx->params->pdata[0];
  g_assert_cmpstr(p->reference, ==, "wavelength");
  /* resolved: the reference substituted, the default filled in the action's unit */
  g_assert_cmpuint(tx->resolved->len, ==, 2);
  const LlParam *r0 = tx->resolved->pdata[0], *r1 = tx->resolved->pdata[1];
  g_assert_cmpstr(r0->name, ==, "wavelength");
  g_assert_cmpfloat(r0->value.number, ==, 1311);
  g_assert_cmpstr(r1->name, ==, "averaging");
  g_assert_cmpfloat(r1->value.number, ==, 100e-12);
  g_assert_cmpint(r1->value.unit, ==, LL_UNIT_S);
  g_assert_cmpuint(tx->roles->len, ==, 2);
  g_assert_cmpstr(tx->roles->pdata[0], ==, "meter");
  g_assert_cmpstr(tx->roles->pdata[1], ==, "switch");

  const LlStep *td = ll_sequence_step(seq, "tdecq");
  g_assert_cmpuint(td->lanes, ==, (1u << 0) | (1u << 1) | (1u << 4));
  g_assert_cmpint(td->on_fail, ==, LL_ON_FAIL_STOP);
  g_assert_cmpuint(td->limits->len, ==, 2);

  const LlStep *ber = ll_sequence_step(seq, "ber");
  g_assert_false(ber->per_lane);
  const LlStepLimit *sl = ber->limits->pdata[0];
  g_assert_cmpstr(sl->limit, ==, "ber");
  g_assert_cmpstr(sl->measurement, ==, "ber");
  g_assert_cmpuint(ber->resolved->len, ==, 6);
  static const char *const names[] = { "pattern", "rx_power", "confidence", "target",
                                       "lanes_at_once", "stop_early" };
  for (guint i = 0; i < 6; i++)
    g_assert_cmpstr(((LlParam *) ber->resolved->pdata[i])->name, ==, names[i]);
  g_assert_cmpstr(((LlParam *) ber->resolved->pdata[0])->value.text, ==, "PRBS31Q");
  g_assert_cmpfloat(((LlParam *) ber->resolved->pdata[1])->value.number, ==, -4.4);
  g_assert_cmpfloat(((LlParam *) ber->resolved->pdata[2])->value.number, ==, 95);
  g_assert_cmpfloat(((LlParam *) ber->resolved->pdata[3])->value.number, ==, 1e-5);
  g_assert_cmpfloat(((LlParam *) ber->resolved->pdata[4])->value.number, ==, 8);
  g_assert_true(((LlParam *) ber->resolved->pdata[5])->value.boolean);

  const LlStep *pu = ll_sequence_step(seq, "power-up");
  g_assert_cmpfloat(((LlParam *) pu->resolved->pdata[0])->value.number, ==, 10);
  g_assert_cmpstr(pu->roles->pdata[0], ==, "evb");
  g_assert_null(ll_sequence_step(seq, "nosuch"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/sequences/catalog", test_catalog);
  g_test_add_func("/sequences/same-classes", test_same_classes);
  g_test_add_func("/sequences/good-limits", test_good_limits);
  g_test_add_func("/sequences/good-sequence", test_good_sequence);
  return g_test_run();
}
