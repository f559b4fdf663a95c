/* test-sequences.c: the sequence and limits file format. Good files load
 * with exact values; each kind of error is reported at its exact
 * FILE:LINE:COL with its hint; the judge's truth table (guard bands,
 * exclusive bounds, nominal, NaN, units, strings, booleans); limit lookup by
 * specificity; bins by priority and grades by margin. Files are in
 * tests/data/sequences/; the action catalog is a small one built here. */
#include "ll-sequence.h"
#include "ll-instrument-class.h"

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

/* The sequence layer keeps its own list of instrument classes so it does
 * not link the instrument layer: the two lists must stay equal. */
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
  g_autofree gchar *bytes = NULL;
  gsize len;
  g_assert_true(g_file_get_contents(path, &bytes, &len, NULL));
  g_autofree gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *) bytes, len);
  g_assert_cmpstr(seq->sha256, ==, sum);
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
  /* in the action's order, whatever the file's (it gives target first) */
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

  /* validating again gives the same, and replaces what the first pass filled */
  g_autoptr(LlDiagList) again = ll_diag_list_new();
  g_assert_true(ll_sequence_validate(seq, (const LlLimitsTable *const *) tabs->pdata, tabs->len,
                                     &catalog, again));
  g_assert_cmpuint(ll_diag_list_length(again), ==, 0);
  g_assert_cmpuint(ll_sequence_step(seq, "ber")->resolved->len, ==, 6);

  const LlStep *pu = ll_sequence_step(seq, "power-up");
  g_assert_cmpfloat(((LlParam *) pu->resolved->pdata[0])->value.number, ==, 10);
  g_assert_cmpstr(pu->roles->pdata[0], ==, "evb");
  g_assert_null(ll_sequence_step(seq, "nosuch"));
}

/* ---- bad files: every error at its LINE:COL, with its hint ------------- */

static void
test_bad_limits(void)
{
  g_autofree gchar *path = data_path("bad-limits.yaml");
  g_autoptr(GError) err = NULL;
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_assert_null(ll_limits_load(path, diags, &err));
  g_assert_error(err, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_INVALID);
  static const Want want[] = {
    { LL_DIAG_ERROR, NULL, 4, 12, "bad version 'v2'", "1 to 3 whole numbers" },
    { LL_DIAG_ERROR, NULL, 6, 16, "'provisional' must be true or false, not a string 'yes'", "true or false" },
    { LL_DIAG_ERROR, NULL, 8, 1, "unknown key 'colour' at the top", "limits, bins, entries" },
    { LL_DIAG_ERROR, NULL, 11, 3, "no pass bin takes every passing unit", "without min_margin_pct" },
    { LL_DIAG_ERROR, NULL, 22, 15, "two fail bins share priority 5", "bin 10 (line 15)" },
    { LL_DIAG_ERROR, NULL, 23, 13, "bin number 10 used twice", "already defined at line 15" },
    { LL_DIAG_ERROR, NULL, 25, 11, "unknown bin kind 'fial'", "kind: fail" },
    { LL_DIAG_ERROR, NULL, 29, 5, "a pass bin takes no 'priority'", "min_margin_pct" },
    { LL_DIAG_ERROR, NULL, 35, 10, "min 4.0 is above max -2.9", "swap them" },
    { LL_DIAG_ERROR, NULL, 38, 11, "unknown unit 'dbm'", "did you mean 'dBm'?" },
    { LL_DIAG_ERROR, NULL, 43, 11, "unknown limit kind 'rnage'", "did you mean 'range'?" },
    { LL_DIAG_ERROR, NULL, 50, 17, "guard_band 0.6 closes the window 3.5..4.5", "half the window" },
    { LL_DIAG_ERROR, NULL, 55, 5, "both 'min' and 'min_exclusive'", "keep one" },
    { LL_DIAG_ERROR, NULL, 58, 15, "bad pattern '2\\.1\\.([': missing terminating ]", "Perl" },
    { LL_DIAG_ERROR, NULL, 63, 16, "tolerance 0 is not above 0", "positive" },
    { LL_DIAG_ERROR, NULL, 67, 5, "'pattern' does not apply to an equal limit", "takes value, unit" },
    { LL_DIAG_ERROR, NULL, 68, 5, "limit 'bias' has no 'unit'", "every numeric limit has a unit" },
    { LL_DIAG_ERROR, NULL, 76, 11, "limit 'temp' is a range limit in mA here", "line 71 is a range limit in C" },
    { LL_DIAG_ERROR, NULL, 89, 16, "a lane number must be a whole number from 1 to 8, not 9", NULL },
    { LL_DIAG_ERROR, NULL, 90, 13, "unknown corner 'warm'", "room, hot, cold, any" },
    { LL_DIAG_ERROR, NULL, 96, 20, "part number 'LL8DR8-QSFP' is not one of the table's", "did you mean 'LL8DR8-OSFP'?" },
    { LL_DIAG_ERROR, NULL, 100, 11, "'max' must be a number, not a string '3'", "without quotes" },
    { LL_DIAG_ERROR, NULL, 101, 17, "guard_band -0.1 is negative", "positive amount" },
    { LL_DIAG_ERROR, NULL, 102, 5, "limit 'ber' is defined twice for the same part number, lane and corner", "line 80" },
  };
  assert_diags(diags, "bad-limits.yaml", want, G_N_ELEMENTS(want));
  /* the GError carries them all, formatted */
  g_autofree gchar *first = g_strdup_printf("%s:4:12: error: bad version 'v2'", path);
  g_assert_true(g_str_has_prefix(err->message, first));
}

static void
test_bad_load(void)
{
  g_autofree gchar *path = data_path("bad-load.yaml");
  g_autoptr(GError) err = NULL;
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_assert_null(ll_sequence_load(path, diags, &err));
  g_assert_error(err, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_INVALID);
  static const Want want[] = {
    { LL_DIAG_ERROR, NULL, 3, 7, "'dr8 final' is not a valid sequence id", "start with a letter" },
    { LL_DIAG_ERROR, NULL, 4, 12, "bad version '1.2.3.4'", "e.g. 3 or 1.2.0" },
    { LL_DIAG_ERROR, NULL, 6, 10, "'lanes' must be a whole number from 1 to 8, not 9", NULL },
    { LL_DIAG_ERROR, NULL, 7, 3, "unknown key 'autor' under 'sequence'", "id, version, product" },
    { LL_DIAG_ERROR, NULL, 10, 10, "unknown instrument class 'powermeter'", "did you mean 'power-meter'?" },
    { LL_DIAG_ERROR, NULL, 11, 10, "an instrument class must be a single value, not a list", NULL },
    { LL_DIAG_ERROR, NULL, 14, 15, "unknown unit 'nn' in parameter 'wavelength'", "did you mean 'nm'?" },
    { LL_DIAG_ERROR, NULL, 15, 10, "a sequence parameter cannot refer to another", "$name" },
    { LL_DIAG_ERROR, NULL, 21, 3, "'setup' must be a list, not a mapping", "'- item'" },
    { LL_DIAG_ERROR, NULL, 26, 19, "lane 1 is listed twice", "once" },
    { LL_DIAG_ERROR, NULL, 26, 22, "a lane number must be a whole number from 1 to 8, not 0", NULL },
    { LL_DIAG_ERROR, NULL, 27, 14, "'retries' must be a whole number from 0 to 10, not a string 'two'", NULL },
    { LL_DIAG_ERROR, NULL, 28, 14, "unknown on_fail 'maybe'", "on_fail: continue" },
    { LL_DIAG_ERROR, NULL, 29, 16, "timeout_s -1 is out of range", "above 0" },
    { LL_DIAG_ERROR, NULL, 31, 28, "needs 'limit' and 'measurement'", "{ limit: " },
    { LL_DIAG_ERROR, NULL, 32, 5, "unknown key 'paramz' in a step", "did you mean 'params'?" },
    { LL_DIAG_ERROR, NULL, 33, 9, "duplicate step id 'tx-power'", "already defined at line 24" },
    { LL_DIAG_ERROR, NULL, 35, 5, "a step has no 'id'", "unique" },
    { LL_DIAG_ERROR, NULL, 36, 5, "step 'ber' has no 'action'", "action: " },
    { LL_DIAG_ERROR, NULL, 37, 15, "per_lane must be true, false or a list of lanes", "[1, 2, 5]" },
  };
  assert_diags(diags, "bad-load.yaml", want, G_N_ELEMENTS(want));
}

static void
test_bad_sequence(void)
{
  g_autofree gchar *path = data_path("bad-sequence.yaml");
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  LlSequence *out = NULL;
  g_assert_false(ll_sequence_check_file(path, &catalog, diags, &out, NULL));
  g_assert_null(out);
  static const Want want[] = {
    { LL_DIAG_WARNING, NULL, 17, 3, "parameter 'rx_power' is not used by any step", "$name" },
    { LL_DIAG_WARNING, NULL, 18, 3, "parameter 'spare' is not used by any step", NULL },
    { LL_DIAG_ERROR, NULL, 25, 15, "'module.power-up' works on the whole module", "remove per_lane" },
    { LL_DIAG_ERROR, NULL, 27, 16, "'timeout' 90 s is above the action's maximum 60 s", "from 0.1 s to 60 s" },
    { LL_DIAG_ERROR, NULL, 29, 10, "bin 1 (GRADE-A) is a pass bin", "10 (TX-POWER) 11 (TX-EYE)" },
    { LL_DIAG_ERROR, NULL, 33, 13, "'tx.average-power' works on one lane at a time", "per_lane: true" },
    { LL_DIAG_ERROR, NULL, 33, 13, "needs a power-meter and the sequence has several (meter, refmeter)", "uses: { power-meter: meter }" },
    { LL_DIAG_ERROR, NULL, 35, 7, "action 'tx.average-power' has no parameter 'wavelenght'", "did you mean 'wavelength'?" },
    { LL_DIAG_ERROR, NULL, 36, 14, "limit 'tx_pwr_avg' is not in limits table 'dr8-final'", "did you mean 'tx_power_avg'?" },
    { LL_DIAG_ERROR, NULL, 41, 36, "action 'tx.average-power' does not use a bert", "power-meter, optical-switch" },
    { LL_DIAG_ERROR, NULL, 43, 19, "unknown parameter reference '$wavelen'", "wavelength, rx_power, spare" },
    { LL_DIAG_ERROR, NULL, 44, 18, "'averaging' needs a unit (s): '5' has none", "averaging: 5 s" },
    { LL_DIAG_ERROR, NULL, 46, 18, "unit mismatch: limit 'tx_power_avg' is in dBm but 'tx.average-power' measures 'tx_power_mw' in mW",
      "dBm is logarithmic and mW linear" },
    { LL_DIAG_ERROR, NULL, 47, 9, "action 'tx.average-power' produces no measurement 'ber'", "measures: tx_power_avg, tx_power_mw" },
    { LL_DIAG_ERROR, NULL, 48, 10, "unknown bin 99", "fail bins: 10 (TX-POWER)" },
    { LL_DIAG_ERROR, NULL, 49, 5, "step 'ber' is judged by limits but has no 'bin'", "add bin: N" },
    { LL_DIAG_ERROR, NULL, 50, 13, "action 'rx.ber' needs parameter 'rx_power'", "rx_power: <number in dBm>" },
    { LL_DIAG_ERROR, NULL, 50, 13, "action 'rx.ber' needs an attenuator, and the sequence declares no role", "attenuator: attenuator" },
    { LL_DIAG_ERROR, NULL, 52, 16, "unknown pattern 'PRBS32'", "did you mean 'PRBS31'?" },
    { LL_DIAG_ERROR, NULL, 53, 19, "'confidence' is in %; '1311 nm' is not convertible", "$wavelength is defined at line 16" },
    { LL_DIAG_ERROR, NULL, 56, 13, "action 'scope.tdecq' needs a scope", "scope: scope" },
    { LL_DIAG_ERROR, NULL, 61, 13, "unknown action 'module.identifyy'", "did you mean 'module.identify'?" },
    { LL_DIAG_ERROR, NULL, 68, 18, "role 'meter' is a power-meter, not an evb", "roles of class evb: evb" },
    { LL_DIAG_WARNING, NULL, 69, 10, "bin 14 of step 'power-down' is never used", NULL },
    { LL_DIAG_WARNING, "good-limits.yaml", 71, 5, "limit 'er' is not used by sequence 'dr8-bad'", NULL },
    { LL_DIAG_WARNING, "good-limits.yaml", 82, 5, "limit 'checksum_ok' is not used", NULL },
  };
  assert_diags(diags, "bad-sequence.yaml", want, G_N_ELEMENTS(want));
}

/* Writes @files (name, text pairs, NULL-terminated) into a fresh folder,
 * checks the first as a sequence (or, named *.limits.yaml, as a limits
 * table) and returns every diagnostic as "FILE:LINE:COL: ..." with the
 * folder left out. */
static gchar *
check_texts(const char *first, ...)
{
  g_autofree gchar *dir = g_dir_make_tmp("ll-seq-XXXXXX", NULL);
  g_assert_nonnull(dir);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
  va_list ap;
  va_start(ap, first);
  for (const char *name = first; name; name = va_arg(ap, const char *)) {
    const char *text = va_arg(ap, const char *);
    gchar *p = g_build_filename(dir, name, NULL);
    g_assert_true(g_file_set_contents(p, text, -1, NULL));
    g_ptr_array_add(paths, p);
  }
  va_end(ap);
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_autoptr(GError) err = NULL;
  if (g_str_has_suffix(first, ".limits.yaml")) {
    g_autoptr(LlLimitsTable) t = ll_limits_load(paths->pdata[0], diags, &err);
  } else {
    ll_sequence_check_file(paths->pdata[0], &catalog, diags, NULL, NULL);
  }
  for (guint i = 0; i < paths->len; i++)
    g_unlink(paths->pdata[i]);
  g_rmdir(dir);
  g_autofree gchar *all = ll_diag_list_format(diags);
  g_autofree gchar *prefix = g_strdup_printf("%s/", dir);
  g_auto(GStrv) parts = g_strsplit(all, prefix, -1);
  return g_strjoinv("", parts);
}

static const char good_limits_text[] =
  "limits: {id: t, version: 1, product: 800G-DR8, part_numbers: [PN1]}\n"
  "bins:\n"
  "  - {number: 1, name: OK, kind: pass}\n"
  "  - {number: 10, name: BAD, kind: fail, priority: 1}\n"
  "entries:\n"
  "  - {name: module_power, unit: W, kind: range, max: 18}\n";

static void
test_single_problems(void)
{
  static const char head[] = "sequence: {id: s, version: 1, product: 800G-DR8, lanes: 8}\n"
                             "instruments: {evb: evb}\n";
  static const char step[] = "main:\n  - {id: p, action: module.power-up, limits: [module_power], bin: 10}\n";
  static const struct { const char *text, *want; } cases[] = {
    /* YAML syntax, as libfyaml reports it, at its position */
    { "sequence:\n\tid: x\n", "s.yaml:2:1: error: YAML: tab character may not be used as indentation" },
    { "sequence: { id: x\nmain: []\n", "s.yaml:2:5: error: YAML: missing comma in flow mapping" },
    { "main:\n  - id: x\n    action: \"unterminated\n", "s.yaml:3:14: error: YAML: double-quoted scalar without closing quote" },
    { "sequence:\n  id: a\n  id: b\n", "s.yaml:3:3: error: key 'id' given twice\n  hint: 'id' is first given at line 2" },
    { "main:\n  - id: a\n    action: b\n    per_lane: *x\n", "s.yaml:4:15: error: aliases (*name) are not supported" },
    { "sequence: !!map {}\n", "s.yaml:1:11: error: YAML tags such as '!!map' are not supported" },
    { "main: []\n---\nmain: []\n", "s.yaml:2:1: error: more than one YAML document in the file" },
    { "", "s.yaml:1:1: error: the file is empty" },
    { "# only a comment\n", "s.yaml:1:1: error: the file is empty" },
    { "main: []\n\xff\n", "s.yaml:2:1: error: not a text file" },
    { "- a\n", "s.yaml:1:1: error: a sequence file must be a mapping, not a list" },
    { "sequence: {id: a, version: 1, product: P, lanes: 1}\n", "s.yaml:1:1: error: no 'main' group" },
    { "sequence: {id: a, product: P, lanes: 1}\nmain: []\n", "s.yaml:1:11: error: the sequence header has no 'version'" },
    /* a sequence judged by limits must name a table, and the table its product */
    { "sequence: {id: s, version: 1, product: 800G-DR8, lanes: 8}\ninstruments: {evb: evb}\n"
      "main:\n  - {id: p, action: module.power-up, limits: [module_power], bin: 10}\n",
      "s.yaml:1:11: error: steps are judged by limits but the sequence names no limits table" },
    { "sequence: {id: s, version: 1, product: 800G-DR8, lanes: 8}\nlimits: nosuch.yaml\nmain: []\n",
      "s.yaml:2:9: error: cannot read limits table 'nosuch.yaml'" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree gchar *got = check_texts("s.yaml", cases[i].text, NULL);
    g_test_message("case %zu: %s", i, got);
    g_assert_true(g_str_has_prefix(got, cases[i].want));
  }

  /* the table is for another product */
  g_autofree gchar *fr4 = g_strdup(good_limits_text);
  memcpy(strstr(fr4, "800G-DR8"), "800G-FR4", 8);
  g_autofree gchar *seq = g_strdup_printf("%slimits: l.yaml\n%s", head, step);
  g_autofree gchar *got = check_texts("s.yaml", seq, "l.yaml", fr4, NULL);
  g_test_message("%s", got);
  g_assert_true(g_str_has_prefix(got, "s.yaml:3:9: error: limits table 't' is for product 800G-FR4, not 800G-DR8"));

  /* two tables for one part number; a provisional table is a warning */
  g_autofree gchar *two = g_strdup_printf("%slimits: [l.yaml, m.yaml]\n%s", head, step);
  g_autofree gchar *prov2 = g_strdup_printf("limits: {id: u, version: 1, product: 800G-DR8, "
                                            "provisional: true, part_numbers: [PN1]}\n%s",
                                            strchr(good_limits_text, '\n') + 1);
  g_free(got);
  got = check_texts("s.yaml", two, "l.yaml", good_limits_text, "m.yaml", prov2, NULL);
  g_test_message("%s", got);
  g_assert_cmpstr(got, ==, "m.yaml:1:61: warning: limits table 'u' is provisional\n"
                           "  hint: its values are placeholders until the product's limits are confirmed\n"
                           "s.yaml:3:18: error: limits tables 't' and 'u' both apply to part number PN1\n"
                           "  hint: each part number must have one limits table");

  /* and a good pair gives nothing at all */
  g_autofree gchar *one = g_strdup_printf("%slimits: l.yaml\n%s", head, step);
  g_free(got);
  got = check_texts("s.yaml", one, "l.yaml", good_limits_text, NULL);
  g_assert_cmpstr(got, ==, "");

  /* limits tables alone */
  static const struct { const char *text, *want; } lcases[] = {
    { "limits: {id: t, version: 1, product: P}\nbins: []\nentries: []\n",
      "t.limits.yaml:1:9: error: the limits header has no 'part_numbers'" },
    { "bins: []\nentries: []\n", "t.limits.yaml:1:1: error: no 'limits' header" },
    { "limits: {id: t, version: 1, product: P, part_numbers: [A, A]}\nbins: [{number: 1, name: OK, kind: pass}]\nentries: []\n",
      "t.limits.yaml:1:59: error: 'A' is listed twice" },
    { "limits: {id: t, version: 1, product: P, part_numbers: [A]}\n"
      "bins: [{number: 1, name: OK, kind: pass}, {number: 2, name: OK2, kind: pass}]\nentries: []\n",
      "t.limits.yaml:2:43: error: two pass bins need min_margin_pct 0\n  hint: bin 1 (line 2) needs the same" },
    { "limits: {id: t, version: 1, product: P, part_numbers: [A]}\n"
      "bins: [{number: 1, name: OK, kind: pass}, {number: 2, name: A, kind: pass, min_margin_pct: 101}]\n"
      "entries: []\n",
      "t.limits.yaml:2:92: error: min_margin_pct 101 is not from 0 to 100" },
    { "limits: {id: t, version: 1, product: P, part_numbers: [A]}\nbins: [{number: 1, name: OK, kind: pass}]\n"
      "entries:\n  - {name: x, kind: range, unit: dB, min: 1, max_exclusive: 1}\n",
      "t.limits.yaml:4:43: error: min and max are both 1 and one is exclusive" },
    { "limits: {id: t, version: 1, product: P, part_numbers: [A]}\nbins: [{number: 1, name: OK, kind: pass}]\n"
      "entries:\n  - {name: x, kind: nominal, unit: nm, nominal: 1311, tolerance: 2, guard_band: 2}\n",
      "t.limits.yaml:4:81: error: guard_band 2 leaves no tolerance (2)" },
    { "limits: {id: t, version: 1, product: P, part_numbers: [A]}\nbins: [{number: 1, name: OK, kind: pass}]\n"
      "entries:\n  - {name: x, kind: equal, value: true}\n",
      "t.limits.yaml:4:35: error: an equal limit compares numbers or strings\n  hint: use kind: boolean" },
    { "limits: {id: t, version: 1, product: P, part_numbers: [A]}\nbins: [{number: 1, name: OK, kind: pass}]\n"
      "entries:\n  - {name: x, kind: regex, pattern: 'a', unit: V}\n",
      "t.limits.yaml:4:42: error: 'unit' does not apply to a regex limit" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(lcases); i++) {
    g_free(got);
    got = check_texts("t.limits.yaml", lcases[i].text, NULL);
    g_test_message("limits case %zu: %s", i, got);
    g_assert_true(g_str_has_prefix(got, lcases[i].want));
  }
}

static void
test_unreadable(void)
{
  g_autoptr(GError) err = NULL;
  g_assert_null(ll_sequence_load("/nonexistent/s.yaml", NULL, &err));
  g_assert_error(err, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_READ);
  g_clear_error(&err);
  g_assert_null(ll_limits_load("/nonexistent/l.yaml", NULL, &err));
  g_assert_error(err, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_READ);
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_assert_false(ll_sequence_check_file("/nonexistent/s.yaml", &catalog, diags, NULL, NULL));
  g_assert_cmpuint(ll_diag_list_count(diags, LL_DIAG_ERROR), ==, 1);
}

/* ---- judging ------------------------------------------------------------ */

static LlLimit *
range_limit(LlUnit unit, gboolean has_min, double min, gboolean min_x, gboolean has_max,
            double max, gboolean max_x, double guard_band)
{
  LlLimit *l = g_new0(LlLimit, 1);
  l->name = g_strdup("x");
  l->kind = LL_LIMIT_RANGE;
  l->unit = unit;
  l->has_min = has_min;
  l->min = min;
  l->min_exclusive = min_x;
  l->has_max = has_max;
  l->max = max;
  l->max_exclusive = max_x;
  l->guard_band = guard_band;
  return l;
}

static void
limit_free(LlLimit *l)
{
  g_free(l->name);
  ll_value_clear(&l->expected);
  if (l->regex)
    g_regex_unref(l->regex);
  g_free(l);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlLimit, limit_free)

typedef struct {
  double value;
  LlUnit unit;
  LlVerdict verdict;
  double margin, margin_pct; /* NAN: expect NaN */
} Row;

static void
check_rows(const LlLimit *l, const Row *rows, gsize n)
{
  for (gsize i = 0; i < n; i++) {
    LlJudgement j;
    g_autoptr(GError) err = NULL;
    gboolean ok = ll_limit_judge_number(l, rows[i].value, rows[i].unit, &j, &err);
    g_test_message("row %zu: %g %s -> verdict %d margin %g pct %g", i, rows[i].value,
                   ll_unit_name(rows[i].unit), j.verdict, j.margin, j.margin_pct);
    g_assert_cmpint(j.verdict, ==, rows[i].verdict);
    if (rows[i].verdict == LL_VERDICT_ERROR) {
      g_assert_false(ok);
      g_assert_nonnull(err);
      continue;
    }
    g_assert_true(ok);
    g_assert_no_error(err);
    if (isnan(rows[i].margin))
      g_assert_true(isnan(j.margin));
    else if (isinf(rows[i].margin))
      g_assert_cmpfloat(j.margin, ==, rows[i].margin);
    else
      g_assert_cmpfloat_with_epsilon(j.margin, rows[i].margin, 1e-9);
    if (isnan(rows[i].margin_pct))
      g_assert_true(isnan(j.margin_pct));
    else if (isinf(rows[i].margin_pct))
      g_assert_cmpfloat(j.margin_pct, ==, rows[i].margin_pct);
    else
      g_assert_cmpfloat_with_epsilon(j.margin_pct, rows[i].margin_pct, 1e-6);
  }
}

static void
test_judge_range(void)
{
  /* -2.9 .. 4.0 dBm with a 0.2 dB guard band: in effect -2.7 .. 3.8 */
  g_autoptr(LlLimit) l = range_limit(LL_UNIT_DBM, TRUE, -2.9, FALSE, TRUE, 4.0, FALSE, 0.2);
  static const Row rows[] = {
    { 0.0, LL_UNIT_DBM, LL_VERDICT_PASS, 2.7, 2.7 / 3.25 * 100 },
    { 0.55, LL_UNIT_DBM, LL_VERDICT_PASS, 3.25, 100 },           /* the centre */
    { -2.7, LL_UNIT_DBM, LL_VERDICT_PASS, 0, 0 },                /* inclusive, at the guarded edge */
    { -2.8, LL_UNIT_DBM, LL_VERDICT_FAIL, -0.1, -0.1 / 3.25 * 100 }, /* inside spec, inside the guard band */
    { -2.9, LL_UNIT_DBM, LL_VERDICT_FAIL, -0.2, -0.2 / 3.25 * 100 },
    { 3.8, LL_UNIT_DBM, LL_VERDICT_PASS, 0, 0 },
    { 3.81, LL_UNIT_DBM, LL_VERDICT_FAIL, -0.01, -0.01 / 3.25 * 100 },
    { 4.0, LL_UNIT_DBM, LL_VERDICT_FAIL, -0.2, -0.2 / 3.25 * 100 },
    { NAN, LL_UNIT_DBM, LL_VERDICT_FAIL, NAN, NAN },             /* NaN never passes */
    { -INFINITY, LL_UNIT_DBM, LL_VERDICT_FAIL, -INFINITY, -INFINITY },
    { INFINITY, LL_UNIT_DBM, LL_VERDICT_FAIL, -INFINITY, -INFINITY },
    { 1.0, LL_UNIT_MW, LL_VERDICT_ERROR, 0, 0 },                 /* 1 mW is 0 dBm, but not implicitly */
    { 1.0, LL_UNIT_DB, LL_VERDICT_ERROR, 0, 0 },                 /* a ratio is not a power */
    { 1.0, LL_UNIT_NONE, LL_VERDICT_ERROR, 0, 0 },
  };
  check_rows(l, rows, G_N_ELEMENTS(rows));

  /* the unit error says why */
  LlJudgement j;
  g_autoptr(GError) err = NULL;
  g_assert_false(ll_limit_judge_number(l, 1.0, LL_UNIT_MW, &j, &err));
  g_assert_error(err, LL_UNIT_ERROR, LL_UNIT_ERROR_MISMATCH);
  g_assert_nonnull(strstr(err->message, "limit 'x': cannot convert mW to dBm"));
  g_clear_error(&err);
  LlValue text = { 0 };
  ll_value_set_string(&text, "-1.0");
  g_assert_false(ll_limit_judge(l, &text, &j, &err));
  g_assert_error(err, LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_TYPE);
  g_assert_cmpint(j.verdict, ==, LL_VERDICT_ERROR);
  ll_value_clear(&text);

  /* exclusive bounds fail at the bound (margin 0); one-sided limits have no % */
  g_autoptr(LlLimit) ber = range_limit(LL_UNIT_RATIO, FALSE, 0, FALSE, TRUE, 2.4e-4, TRUE, 0);
  static const Row ber_rows[] = {
    { 2.4e-4, LL_UNIT_RATIO, LL_VERDICT_FAIL, 0, NAN },
    { 2.39e-4, LL_UNIT_RATIO, LL_VERDICT_PASS, 1e-6, NAN },
    { 1e-5, LL_UNIT_RATIO, LL_VERDICT_PASS, 2.3e-4, NAN },
    { 0.024, LL_UNIT_PERCENT, LL_VERDICT_FAIL, 0, NAN },          /* 0.024 % is 2.4e-4 exactly */
    { 0.01, LL_UNIT_PERCENT, LL_VERDICT_PASS, 1.4e-4, NAN },
    { NAN, LL_UNIT_RATIO, LL_VERDICT_FAIL, NAN, NAN },
    { 0, LL_UNIT_ERRORS, LL_VERDICT_ERROR, 0, 0 },
  };
  check_rows(ber, ber_rows, G_N_ELEMENTS(ber_rows));
  g_autoptr(LlLimit) er = range_limit(LL_UNIT_DB, TRUE, 3.5, TRUE, FALSE, 0, FALSE, 0.5);
  static const Row er_rows[] = {
    { 4.0, LL_UNIT_DB, LL_VERDICT_FAIL, 0, NAN }, /* exclusive min 3.5 + guard 0.5 */
    { 4.01, LL_UNIT_DB, LL_VERDICT_PASS, 0.01, NAN },
    { 3.6, LL_UNIT_DB, LL_VERDICT_FAIL, -0.4, NAN },
    { NAN, LL_UNIT_DB, LL_VERDICT_FAIL, NAN, NAN }, /* NaN fails a lower bound alone too */
    { INFINITY, LL_UNIT_DB, LL_VERDICT_PASS, INFINITY, NAN },
  };
  check_rows(er, er_rows, G_N_ELEMENTS(er_rows));
}

static void
test_judge_nominal_and_units(void)
{
  /* 14 W +/- 2 W with a 0.5 W guard band: 12.5 .. 15.5 W; values in mW convert */
  LlLimit l = { .name = (gchar *) "module_power", .kind = LL_LIMIT_NOMINAL, .unit = LL_UNIT_W,
                .nominal = 14, .tolerance = 2, .guard_band = 0.5 };
  static const Row rows[] = {
    { 14, LL_UNIT_W, LL_VERDICT_PASS, 1.5, 100 },
    { 14000, LL_UNIT_MW, LL_VERDICT_PASS, 1.5, 100 },
    { 15500, LL_UNIT_MW, LL_VERDICT_PASS, 0, 0 },
    { 15600, LL_UNIT_MW, LL_VERDICT_FAIL, -0.1, -0.1 / 1.5 * 100 },
    { 12.75, LL_UNIT_W, LL_VERDICT_PASS, 0.25, 0.25 / 1.5 * 100 },
    { 12, LL_UNIT_W, LL_VERDICT_FAIL, -0.5, -0.5 / 1.5 * 100 },
    { NAN, LL_UNIT_W, LL_VERDICT_FAIL, NAN, NAN },
    { 14, LL_UNIT_A, LL_VERDICT_ERROR, 0, 0 },
  };
  check_rows(&l, rows, G_N_ELEMENTS(rows));
  LlJudgement j;
  g_assert_true(ll_limit_judge_number(&l, 14000, LL_UNIT_MW, &j, NULL));
  g_assert_cmpfloat(j.value, ==, 14); /* the value in the limit's unit */

  /* the unit table itself */
  double v;
  g_assert_true(ll_unit_convert(250, LL_UNIT_MA, LL_UNIT_A, &v, NULL));
  g_assert_cmpfloat(v, ==, 0.25);
  g_assert_true(ll_unit_convert(1, LL_UNIT_S, LL_UNIT_PS, &v, NULL));
  g_assert_cmpfloat(v, ==, 1e12);
  g_assert_true(ll_unit_convert(5, LL_UNIT_PERCENT, LL_UNIT_RATIO, &v, NULL));
  g_assert_cmpfloat(v, ==, 0.05);
  g_assert_false(ll_unit_convert(0, LL_UNIT_DBM, LL_UNIT_MW, &v, NULL));
  g_assert_true(isnan(v));
  g_assert_false(ll_unit_convertible(LL_UNIT_DBM, LL_UNIT_DB));
  g_assert_false(ll_unit_convertible(LL_UNIT_BITS, LL_UNIT_ERRORS));
  g_assert_false(ll_unit_convertible(LL_UNIT_V, LL_UNIT_NONE));
  LlUnit u;
  g_assert_true(ll_unit_from_name("dBm", &u) && u == LL_UNIT_DBM);
  g_assert_false(ll_unit_from_name("DBM", &u));
  g_assert_false(ll_unit_from_name("none", &u));
  g_autofree gchar *bad = NULL;
  g_assert_true(ll_quantity_parse("-4.4dBm", &v, &u, NULL) && v == -4.4 && u == LL_UNIT_DBM);
  g_assert_true(ll_quantity_parse("2.4e-4", &v, &u, NULL) && v == 2.4e-4 && u == LL_UNIT_NONE);
  g_assert_false(ll_quantity_parse("1311 nn", &v, &u, &bad));
  g_assert_cmpstr(bad, ==, "nn");
  g_assert_false(ll_quantity_parse("inf", &v, &u, NULL));
}

static void
test_judge_equal_regex_boolean(void)
{
  LlLimit eq = { .name = (gchar *) "errors", .kind = LL_LIMIT_EQUAL, .unit = LL_UNIT_ERRORS,
                 .expected = { .type = LL_VALUE_NUMBER, .number = 0, .unit = LL_UNIT_ERRORS } };
  static const Row rows[] = {
    { 0, LL_UNIT_ERRORS, LL_VERDICT_PASS, 0, NAN },
    { 3, LL_UNIT_ERRORS, LL_VERDICT_FAIL, -3, NAN },
    { NAN, LL_UNIT_ERRORS, LL_VERDICT_FAIL, NAN, NAN },
    { 0, LL_UNIT_BITS, LL_VERDICT_ERROR, 0, 0 },
  };
  check_rows(&eq, rows, G_N_ELEMENTS(rows));

  LlJudgement j;
  LlValue v = { 0 };
  LlLimit pn = { .name = (gchar *) "vendor_pn", .kind = LL_LIMIT_EQUAL,
                 .expected = { .type = LL_VALUE_STRING, .text = (gchar *) "LL8DR8-OSFP" } };
  ll_value_set_string(&v, "LL8DR8-OSFP");
  g_assert_true(ll_limit_judge(&pn, &v, &j, NULL) && j.verdict == LL_VERDICT_PASS);
  g_assert_true(isnan(j.margin) && isnan(j.margin_pct));
  ll_value_set_string(&v, "LL8DR8-OSFP ");
  g_assert_true(ll_limit_judge(&pn, &v, &j, NULL) && j.verdict == LL_VERDICT_FAIL);
  ll_value_set_number(&v, 1, LL_UNIT_NONE);
  g_assert_false(ll_limit_judge(&pn, &v, &j, NULL));
  g_assert_cmpint(j.verdict, ==, LL_VERDICT_ERROR);

  /* the pattern must match the whole string */
  LlLimit fw = { .name = (gchar *) "firmware", .kind = LL_LIMIT_REGEX,
                 .regex = g_regex_new("\\A(?:2\\.1\\.[0-9]+)\\z", 0, 0, NULL) };
  static const struct { const char *text; LlVerdict verdict; } fws[] = {
    { "2.1.7", LL_VERDICT_PASS }, { "2.1.17", LL_VERDICT_PASS }, { "2.1.7-rc", LL_VERDICT_FAIL },
    { "12.1.7", LL_VERDICT_FAIL }, { "2.2.0", LL_VERDICT_FAIL }, { "", LL_VERDICT_FAIL },
  };
  for (guint i = 0; i < G_N_ELEMENTS(fws); i++) {
    ll_value_set_string(&v, fws[i].text);
    g_assert_true(ll_limit_judge(&fw, &v, &j, NULL));
    g_assert_cmpint(j.verdict, ==, fws[i].verdict);
  }
  ll_value_set_boolean(&v, TRUE);
  g_assert_false(ll_limit_judge(&fw, &v, &j, NULL));
  g_assert_cmpint(j.verdict, ==, LL_VERDICT_ERROR);
  g_regex_unref(fw.regex);

  LlLimit ck = { .name = (gchar *) "checksum_ok", .kind = LL_LIMIT_BOOLEAN,
                 .expected = { .type = LL_VALUE_BOOLEAN, .boolean = TRUE } };
  ll_value_set_boolean(&v, TRUE);
  g_assert_true(ll_limit_judge(&ck, &v, &j, NULL) && j.verdict == LL_VERDICT_PASS);
  ll_value_set_boolean(&v, FALSE);
  g_assert_true(ll_limit_judge(&ck, &v, &j, NULL) && j.verdict == LL_VERDICT_FAIL);
  ll_value_set_string(&v, "true");
  g_assert_false(ll_limit_judge(&ck, &v, &j, NULL));
  g_assert_cmpint(j.verdict, ==, LL_VERDICT_ERROR);
  ll_value_clear(&v);
}

/* ---- the limit in effect, bins and grades ------------------------------- */

static void
test_lookup(void)
{
  g_autofree gchar *path = data_path("good-limits.yaml");
  g_autoptr(LlLimitsTable) t = ll_limits_load(path, NULL, NULL);
  g_assert_nonnull(t);
  const LlLimit *base = t->entries->pdata[0], *qdd = t->entries->pdata[1];
  const LlLimit *hot = t->entries->pdata[2], *lane8 = t->entries->pdata[3];
  const LlLimit *tdecq = t->entries->pdata[4], *power = t->entries->pdata[9];
  LlCorner room = { LL_CORNER_ROOM, 0 }, hotc = { LL_CORNER_HOT, 0 }, cold = { LL_CORNER_COLD, 0 };
  LlCorner t85 = { LL_CORNER_TEMPERATURE, 85 };
  g_assert_true(ll_limits_lookup(t, "tx_power_avg", "LL8DR8-OSFP", 1, &room) == base);
  g_assert_true(ll_limits_lookup(t, "tx_power_avg", "LL8DR8-OSFP", 1, NULL) == base);
  g_assert_true(ll_limits_lookup(t, "tx_power_avg", "LL8DR8-QDD", 1, &room) == qdd);
  g_assert_true(ll_limits_lookup(t, "tx_power_avg", "LL8DR8-QDD", 8, &room) == qdd); /* part number beats lanes */
  g_assert_true(ll_limits_lookup(t, "tx_power_avg", "LL8DR8-OSFP", 8, &room) == lane8);
  g_assert_true(ll_limits_lookup(t, "tx_power_avg", "LL8DR8-OSFP", 1, &hotc) == hot);
  g_assert_true(ll_limits_lookup(t, "tx_power_avg", "LL8DR8-OSFP", 8, &hotc) == hot); /* lane 8 entry is room only */
  g_assert_null(ll_limits_lookup(t, "tx_power_avg", "LL8DR8-OSFP", 1, &cold));
  g_assert_null(ll_limits_lookup(t, "tx_power_avg", "LL8DR8-QSFP", 1, &room)); /* not this table's */
  g_assert_true(ll_limits_lookup(t, "tx_power_avg", NULL, 1, &room) == base);
  g_assert_true(ll_limits_lookup(t, "tx_power_avg", NULL, 0, &room) == base); /* module-wide: no lane entry */
  g_assert_true(ll_limits_lookup(t, "tdecq", "LL8DR8-QDD", 3, &room) == tdecq);
  g_assert_true(ll_limits_lookup(t, "module_power", "LL8DR8-OSFP", 0, &hotc) == power); /* corner any */
  g_assert_true(ll_limits_lookup(t, "module_power", "LL8DR8-OSFP", 0, &t85) == power);
  g_assert_null(ll_limits_lookup(t, "nosuch", "LL8DR8-OSFP", 1, &room));

  LlCorner c;
  g_assert_true(ll_corner_parse("85 C", &c) && c.kind == LL_CORNER_TEMPERATURE && c.temperature_c == 85);
  g_assert_true(ll_corner_parse("-5", &c) && c.temperature_c == -5);
  g_assert_true(ll_corner_parse("cold", &c) && c.kind == LL_CORNER_COLD);
  g_assert_false(ll_corner_parse("85 nm", &c));
  g_assert_false(ll_corner_parse("warm", &c));
  g_autofree gchar *shown = ll_corner_format(&t85);
  g_assert_cmpstr(shown, ==, "85 C");
}

static void
test_bins(void)
{
  g_autofree gchar *path = data_path("good-limits.yaml");
  g_autoptr(LlLimitsTable) t = ll_limits_load(path, NULL, NULL);
  g_assert_nonnull(t);
  /* failures: the lowest priority number names the bin, whatever the order */
  static const struct { guint failed[3]; gsize n; guint want; } fails[] = {
    { { 10, 12 }, 2, 12 },     /* RX-BER (10) beats TX-POWER (20) */
    { { 12, 10 }, 2, 12 },
    { { 11, 13, 10 }, 3, 13 }, /* IDENTITY (1) beats all */
    { { 11, 14 }, 2, 14 },
    { { 10, 10 }, 2, 10 },
    { { 11 }, 1, 11 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(fails); i++) {
    const LlBin *b = ll_bins_decide(t, fails[i].failed, fails[i].n, 50);
    g_assert_nonnull(b);
    g_assert_cmpuint(b->number, ==, fails[i].want);
  }
  /* a bin that is not a fail bin of the table cannot be decided */
  g_assert_null(ll_bins_decide(t, (guint[]){ 99 }, 1, 50));
  g_assert_null(ll_bins_decide(t, (guint[]){ 10, 1 }, 2, 50));

  /* passing units: grade A needs 25 % of every graded window as margin */
  static const struct { double worst; guint want; } grades[] = {
    { 100, 1 }, { 25, 1 }, { 24.999, 2 }, { 0, 2 }, { NAN, 2 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(grades); i++)
    g_assert_cmpuint(ll_bins_decide(t, NULL, 0, grades[i].worst)->number, ==, grades[i].want);

  /* end to end: judge a unit's values, take the worst margin, grade it */
  const LlLimit *txp = ll_limits_lookup(t, "tx_power_avg", "LL8DR8-OSFP", 1, NULL); /* -2.7 .. 3.8 */
  const LlLimit *tdecq = ll_limits_lookup(t, "tdecq", "LL8DR8-OSFP", 1, NULL);      /* one-sided */
  LlJudgement j[3];
  g_assert_true(ll_limit_judge_number(txp, 0.55, LL_UNIT_DBM, &j[0], NULL)); /* 100 % */
  g_assert_true(ll_limit_judge_number(txp, 2.5, LL_UNIT_DBM, &j[1], NULL));  /* 1.3 of 3.25: 40 % */
  g_assert_true(ll_limit_judge_number(tdecq, 3.3, LL_UNIT_DB, &j[2], NULL)); /* not graded */
  double worst = ll_judgements_worst_margin_pct(j, 3);
  g_assert_cmpfloat_with_epsilon(worst, 40, 1e-9);
  g_assert_cmpuint(ll_bins_decide(t, NULL, 0, worst)->number, ==, 1);
  g_assert_true(ll_limit_judge_number(txp, 3.2, LL_UNIT_DBM, &j[1], NULL)); /* 0.6 of 3.25 */
  worst = ll_judgements_worst_margin_pct(j, 3);
  g_assert_cmpfloat_with_epsilon(worst, 0.6 / 3.25 * 100, 1e-9);
  g_assert_cmpuint(ll_bins_decide(t, NULL, 0, worst)->number, ==, 2);
  g_assert_true(isnan(ll_judgements_worst_margin_pct(&j[2], 1)));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/sequences/catalog", test_catalog);
  g_test_add_func("/sequences/same-classes", test_same_classes);
  g_test_add_func("/sequences/good-limits", test_good_limits);
  g_test_add_func("/sequences/good-sequence", test_good_sequence);
  g_test_add_func("/sequences/bad-limits", test_bad_limits);
  g_test_add_func("/sequences/bad-load", test_bad_load);
  g_test_add_func("/sequences/bad-sequence", test_bad_sequence);
  g_test_add_func("/sequences/single-problems", test_single_problems);
  g_test_add_func("/sequences/unreadable", test_unreadable);
  g_test_add_func("/sequences/judge/range", test_judge_range);
  g_test_add_func("/sequences/judge/nominal-and-units", test_judge_nominal_and_units);
  g_test_add_func("/sequences/judge/equal-regex-boolean", test_judge_equal_regex_boolean);
  g_test_add_func("/sequences/lookup", test_lookup);
  g_test_add_func("/sequences/bins", test_bins);
  return g_test_run();
}
