/* test-ddm-cal.c: module monitor (DDM) calibration, from the page format to
 * the shipped sequences.
 *
 * - the codec of vendor pages 80h/81h and the least-squares fit, with byte
 *   arrays and synthetic points (an offset and a slope it must find);
 * - the driver against a module twin: writes without the password, or with
 *   a wrong one, leave the page as it was and are reported as rejected; the
 *   laser power trim moves the twin's launch power and is gone after a power
 *   cycle;
 * - the shipped sequences of every product run through the engine on a unit
 *   with the monitor-error defect (monitors 4-6 dB off): before, a module
 *   session of the test's own, next to the station's, reads monitors several
 *   dB from the bench's true powers; after the run, the same independent
 *   read finds every RX and TX monitor within +/-1 dB of the truth, at
 *   several powers;
 * - a wrong password in the sequence: the unit FAILs in RX-MONITOR-CAL and
 *   page 80h still holds the factory coefficients; a dead laser: TX fit
 *   fails on that lane only, its coefficients are put back;
 * - the CLI: `lightline run` of a shipped sequence on that unit exits 0
 *   with the CALIBRATED bin, and `lightline sequence validate` accepts all
 *   three. */
#include "drivers/ll-module-cal.h"
#include "ll-engine.h"
#include "ll-station-config.h"
#include "ll-station-module.h"
#include "ll-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#define VENDOR_PASSWORD 0x4C4C3031u /* what the twins take ("LL01") */

static gchar *
shipped(const char *name)
{
  return g_build_filename(g_getenv("LL_SOURCE"), "sequences", "shipped", name, NULL);
}

/* The test station's file with the product and the defects replaced. */
static gchar *
station_text(const char *product, const char *defects)
{
  g_autofree gchar *path = g_build_filename(g_getenv("LL_TEST_DATA"), "ddm-cal", "station.ini",
                                            NULL);
  g_autofree gchar *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  g_autoptr(GString) s = g_string_new(text);
  g_assert_cmpuint(g_string_replace(s, "product = 800G-DR8", product, 1), ==, 1);
  g_assert_cmpuint(g_string_replace(s, "defects = none", defects, 1), ==, 1);
  return g_string_free(g_steal_pointer(&s), FALSE);
}

/* ---- the page format and the fit ---- */

static void
test_codec(void)
{
  g_assert_cmpuint(ll_cmis_cal_address(LL_CMIS_CAL_RX, 1), ==, 128);
  g_assert_cmpuint(ll_cmis_cal_address(LL_CMIS_CAL_RX, 8), ==, 184);
  g_assert_cmpuint(ll_cmis_cal_address(LL_CMIS_CAL_TX, 1), ==, 192);
  g_assert_cmpuint(ll_cmis_cal_address(LL_CMIS_CAL_TX, 8), ==, 248);
  guint8 b[8];
  LlCmisCalCoeffs c = { 0.25, -0.0015 }, back;
  ll_cmis_cal_encode(&c, b);
  /* 0.25f = 3E800000h, big-endian */
  g_assert_cmphex(b[0], ==, 0x3E);
  g_assert_cmphex(b[1], ==, 0x80);
  g_assert_cmphex(b[2] | b[3], ==, 0);
  ll_cmis_cal_decode(b, &back);
  g_assert_cmpfloat(back.slope, ==, 0.25);
  g_assert_cmpfloat(fabs(back.offset_mw + 0.0015), <, 1e-9);
  ll_cmis_cal_encode(&LL_CMIS_CAL_IDENTITY, b);
  static const guint8 identity[8] = { 0x3F, 0x80, 0, 0, 0, 0, 0, 0 };
  g_assert_cmpmem(b, 8, identity, 8);
  g_assert_cmpfloat(ll_cmis_cal_apply(&c, 1.0), ==, 0.25 - 0.0015);
  g_assert_cmpfloat(ll_cmis_cal_apply(&c, 0.001), ==, 0.0); /* never below 0 */

  g_assert_cmpuint(ll_cmis_cal_trim_address(3), ==, 130);
  g_assert_cmphex(ll_cmis_cal_trim_encode(-1.5), ==, 0xF1); /* -15 steps */
  g_assert_cmpfloat(ll_cmis_cal_trim_decode(0xF1), ==, -1.5);
  g_assert_cmpfloat(ll_cmis_cal_trim_decode(ll_cmis_cal_trim_encode(-6.0)), ==, -6.0);
  g_assert_cmphex(ll_cmis_cal_trim_encode(-20), ==, 0x80); /* clamped to a signed byte */
  g_assert_cmpfloat(ll_cmis_cal_trim_effective(-12.8), ==, LL_CMIS_CAL_TRIM_MIN_DB);
  g_assert_cmpfloat(ll_cmis_cal_trim_effective(5), ==, LL_CMIS_CAL_TRIM_MAX_DB);
}

static void
test_fit(void)
{
  /* a monitor 5 dB high with an ADC offset of 3 uW, 0.5 % noise */
  const double gain = pow(10.0, 0.5), offset = 0.003;
  double ref[6], raw[6];
  g_autoptr(GRand) r = g_rand_new_with_seed(3);
  for (guint i = 0; i < 6; i++) {
    ref[i] = pow(10.0, (-1.0 - 2.4 * i) / 10.0); /* -1 to -13 dBm */
    raw[i] = (ref[i] * gain + offset) * (1 + 0.005 * g_rand_double_range(r, -1, 1));
  }
  LlCmisCalCoeffs c;
  guint used = 0;
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_module_cal_fit(raw, ref, 6, &c, &used, &err));
  g_assert_no_error(err);
  g_assert_cmpuint(used, ==, 6);
  /* reported = raw / gain - offset / gain */
  g_assert_cmpfloat(fabs(c.slope * gain - 1), <, 0.01);
  g_assert_cmpfloat(fabs(c.offset_mw + offset / gain), <, 0.0005);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpfloat(fabs(10 * log10(ll_cmis_cal_apply(&c, raw[i]) / ref[i])), <, 0.05);

  /* a reading of 0 and a clipped one are left out; two points are not enough */
  double raw3[4] = { 6.5535, raw[1], 0.0, raw[3] }, ref3[4] = { ref[0], ref[1], ref[2], ref[3] };
  g_assert_false(ll_module_cal_fit(raw3, ref3, 4, &c, &used, &err));
  g_assert_error(err, LL_MODULE_ERROR, LL_MODULE_ERROR_ARGUMENT);
  g_assert_cmpuint(used, ==, 2);
  g_assert_nonnull(strstr(err->message, "2 of 4 points usable"));
  g_clear_error(&err);
  raw3[2] = raw[2];
  g_assert_true(ll_module_cal_fit(raw3, ref3, 4, &c, &used, &err));
  g_assert_cmpuint(used, ==, 3);
  /* readings that do not follow the light */
  double flat[4] = { 0.2, 0.2, 0.2, 0.2 };
  g_assert_false(ll_module_cal_fit(flat, ref, 4, &c, NULL, &err));
  g_assert_nonnull(strstr(err->message, "do not spread"));
  g_clear_error(&err);
  double falling[4] = { 0.1, 0.2, 0.3, 0.4 };
  g_assert_false(ll_module_cal_fit(falling, ref, 4, &c, NULL, &err));
  g_assert_nonnull(strstr(err->message, "does not follow the light"));
  g_clear_error(&err);
}

/* ---- the driver against a twin ---- */

typedef struct {
  LlStation *station;
  const LlStationConfig *config;
  LlBench *bench;
  LlClock *clock;
  LlSequence *seq;   /* the sequence run and its tables: a result's bin points into them */
  GPtrArray *tables;
} Bench;

static void
bench_open(Bench *b, const char *product, const char *defects)
{
  g_autofree gchar *text = station_text(product, defects);
  g_autoptr(GError) err = NULL;
  LlStationConfig *cfg = ll_station_config_load_data("ddm-cal.ini", text, strlen(text), NULL, &err);
  g_assert_no_error(err);
  b->station = ll_station_open(cfg, &err);
  g_assert_no_error(err);
  b->config = ll_station_config(b->station);
  b->bench = ll_station_bench(b->station);
  b->clock = ll_station_get_clock(b->station);
}

static void
bench_close(Bench *b)
{
  ll_sequence_free(b->seq);
  if (b->tables)
    g_ptr_array_unref(b->tables);
  ll_station_close(b->station);
  ll_bench_forget_all();
  memset(b, 0, sizeof *b);
}

/* The twin in site 1 (valid while the module stays inserted). */
static const LlTwin *
twin(Bench *b)
{
  ll_bench_lock(b->bench);
  const LlTwin *t = ll_module_sim_twin(ll_bench_module(b->bench, 1));
  ll_bench_unlock(b->bench);
  return t;
}

/* A module session of the test's own on site 1 (not the station's). */
static LlEvb *
own_session(Bench *b)
{
  g_autoptr(GError) err = NULL;
  LlEvb *evb = ll_station_open_evb(b->config, 1, &err);
  g_assert_no_error(err);
  return evb;
}

static void
check_page_identity(LlEvb *evb, guint lanes)
{
  g_autoptr(GError) err = NULL;
  for (guint lane = 1; lane <= lanes; lane++)
    for (int m = LL_CMIS_CAL_RX; m <= LL_CMIS_CAL_TX; m++) {
      LlCmisCalCoeffs c;
      g_assert_true(ll_module_cal_read(evb, (LlCmisCalMonitor) m, lane, &c, &err));
      g_assert_cmpfloat(c.slope, ==, 1.0);
      g_assert_cmpfloat(c.offset_mw, ==, 0.0);
    }
}

static void
test_driver(void)
{
  Bench b = { 0 };
  bench_open(&b, "product = 800G-DR8", "defects = none");
  g_assert_true(ll_bench_insert(b.bench, 1, "LL26C0100"));
  g_autoptr(LlEvb) evb = own_session(&b);
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_module_power_up(evb, b.clock, &err));
  g_assert_true(ll_module_activate(evb, 1, 8, b.clock, &err));

  /* a wrong password: rejected, nothing changed */
  LlCmisCalCoeffs c = { 0.5, 0.002 }, got;
  g_assert_false(ll_module_cal_write(evb, 0x12345678, LL_CMIS_CAL_RX, 3, &c, &err));
  g_assert_error(err, LL_MODULE_ERROR, LL_MODULE_ERROR_REJECTED);
  g_assert_nonnull(strstr(err->message, "wrong vendor password"));
  g_clear_error(&err);
  check_page_identity(evb, 8);
  /* the right one: stored, and the page is protected again afterwards */
  g_assert_true(ll_module_cal_write(evb, VENDOR_PASSWORD, LL_CMIS_CAL_RX, 3, &c, &err));
  g_assert_no_error(err);
  g_assert_true(ll_module_cal_read(evb, LL_CMIS_CAL_RX, 3, &got, &err));
  g_assert_cmpfloat(got.slope, ==, 0.5);
  g_assert_cmpfloat(fabs(got.offset_mw - 0.002), <, 1e-9);
  guint8 junk[8] = { 0x40, 0, 0, 0, 0, 0, 0, 0 };
  g_assert_true(ll_module_write(evb, 0, LL_CMIS_CAL_PAGE, 128, junk, 8, &err));
  g_assert_true(ll_module_cal_read(evb, LL_CMIS_CAL_RX, 1, &got, &err));
  g_assert_cmpfloat(got.slope, ==, 1.0);
  /* nonsense is refused before anything is sent */
  LlCmisCalCoeffs bad = { -1, 0 };
  g_assert_false(ll_module_cal_write(evb, VENDOR_PASSWORD, LL_CMIS_CAL_TX, 1, &bad, &err));
  g_assert_error(err, LL_MODULE_ERROR, LL_MODULE_ERROR_ARGUMENT);
  g_clear_error(&err);
  g_assert_false(ll_module_cal_write(evb, VENDOR_PASSWORD, LL_CMIS_CAL_TX, 9, &c, &err));
  g_assert_error(err, LL_MODULE_ERROR, LL_MODULE_ERROR_ARGUMENT);
  g_clear_error(&err);

  /* the RX monitor follows the coefficients: 0.5 x (the light's raw reading) */
  ll_bench_lock(b.bench);
  ll_bench_voa_set(b.bench, 5.0, TRUE);
  ll_bench_switch_set(b.bench, 2, 3);
  ll_bench_unlock(b.bench);
  double rx_mw, truth = ll_bench_rx_power_dbm(b.bench, 1, 3);
  g_assert_true(ll_module_read_power_monitor(evb, LL_CMIS_CAL_RX, 3, &rx_mw, &err));
  double expect = 0.5 * pow(10.0, (truth + twin(&b)->lane[2].rxmon_error_db) / 10.0) + 0.002;
  g_assert_cmpfloat(fabs(10 * log10(rx_mw / expect)), <, 0.05);

  /* the trim: without the password ignored, with it the launch power moves */
  const LlTwin *t = twin(&b);
  double launch = ll_twin_tx_power_dbm(t, 1, 25.0), tx0, tx1, db;
  g_assert_true(ll_module_read_power_monitor(evb, LL_CMIS_CAL_TX, 2, &tx0, &err));
  g_assert_false(ll_module_cal_write_trim(evb, 0, 2, -3.0, &err));
  g_assert_error(err, LL_MODULE_ERROR, LL_MODULE_ERROR_REJECTED);
  g_clear_error(&err);
  g_assert_cmpfloat(ll_twin_tx_power_dbm(t, 1, 25.0), ==, launch);
  g_assert_true(ll_module_cal_write_trim(evb, VENDOR_PASSWORD, 2, -3.0, &err));
  g_assert_true(ll_module_cal_read_trim(evb, 2, &db, &err));
  g_assert_cmpfloat(db, ==, -3.0);
  g_assert_cmpfloat(fabs(ll_twin_tx_power_dbm(t, 1, 25.0) - (launch - 3.0)), <, 1e-9);
  g_assert_cmpfloat(ll_twin_tx_power_dbm(t, 0, 25.0), !=, ll_twin_tx_power_dbm(t, 1, 25.0) - 3.0);
  g_assert_true(ll_module_read_power_monitor(evb, LL_CMIS_CAL_TX, 2, &tx1, &err));
  g_assert_cmpfloat(fabs(10 * log10(tx1 / tx0) + 3.0), <, 0.05);
  g_assert_false(ll_module_cal_write_trim(evb, VENDOR_PASSWORD, 2, -7.0, &err));
  g_assert_error(err, LL_MODULE_ERROR, LL_MODULE_ERROR_ARGUMENT);
  g_clear_error(&err);
  /* volatile: gone after a power cycle; the coefficients stay */
  g_assert_true(ll_module_power_down(evb, &err));
  g_assert_true(ll_module_power_up(evb, b.clock, &err));
  g_assert_true(ll_module_cal_read_trim(evb, 2, &db, &err));
  g_assert_cmpfloat(db, ==, 0.0);
  g_assert_cmpfloat(ll_twin_tx_power_dbm(t, 1, 25.0), ==, launch);
  g_assert_true(ll_module_cal_read(evb, LL_CMIS_CAL_RX, 3, &got, &err));
  g_assert_cmpfloat(got.slope, ==, 0.5);
  g_assert_no_error(err);
  bench_close(&b);
}

/* ---- the sequences ---- */

/* Runs @sequence on @serial in site 1 through the engine (once per bench). */
static LlRunResult *
run_sequence(Bench *b, const char *sequence, const char *serial)
{
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_assert_null(b->seq);
  gboolean ok = ll_sequence_check_file(sequence, ll_actions_catalog(), diags, &b->seq, &b->tables);
  g_autofree gchar *msgs = ll_diag_list_format(diags);
  if (!ok)
    g_test_message("%s", msgs);
  g_assert_true(ok);
  g_assert_true(ll_bench_insert(b->bench, 1, serial));
  LlEngine *engine = ll_engine_new(b->station, b->seq, b->tables);
  LlRunResult *r = ll_engine_run(engine, 1, serial, NULL);
  g_test_message("%s %s: %s%s%s%s%s", sequence, serial, ll_outcome_name(r->outcome),
                 r->bin ? " bin " : "", r->bin ? r->bin->name : "", r->message ? ": " : "",
                 r->message ? r->message : "");
  ll_engine_free(engine);
  return r;
}

/* The values of @name in @step (or every step when NULL) for @lane. */
static GArray *
values(const LlRunResult *r, const char *step, const char *name, guint lane)
{
  GArray *v = g_array_new(FALSE, FALSE, sizeof(LlValue));
  for (guint i = 0; i < r->measurements->len; i++) {
    const LlMeasurement *m = r->measurements->pdata[i];
    if ((!step || g_str_has_prefix(m->step_id, step)) && g_str_equal(m->name, name) &&
        m->lane == lane)
      g_array_append_val(v, m->value);
  }
  return v;
}

/* The worst (largest magnitude) difference, dB, between what @lane's
 * monitors report through a session of the test's own and the bench's
 * truth: RX at four attenuator settings (the light put on the lane
 * directly on the bench), TX at two laser power trims. The module is
 * powered up and activated for it and powered down after. */
static void
independent_errors(Bench *b, guint lanes, double *rx_worst, double *tx_worst)
{
  g_autoptr(LlEvb) evb = own_session(b);
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_module_power_up(evb, b->clock, &err));
  g_assert_true(ll_module_activate(evb, 1, lanes, b->clock, &err));
  g_assert_no_error(err);
  const LlTwin *t = twin(b);
  *rx_worst = *tx_worst = 0;
  static const double attenuations[] = { 1.5, 5.0, 9.0, 13.0 };
  static const double trims[] = { 0.0, -4.0 };
  for (guint lane = 1; lane <= lanes; lane++) {
    for (gsize i = 0; i < G_N_ELEMENTS(attenuations); i++) {
      ll_bench_lock(b->bench);
      ll_bench_voa_set(b->bench, attenuations[i], TRUE);
      ll_bench_switch_set(b->bench, 2, lane);
      double truth = ll_bench_rx_power_dbm(b->bench, 1, lane);
      ll_bench_unlock(b->bench);
      double mw;
      g_assert_true(ll_module_read_power_monitor(evb, LL_CMIS_CAL_RX, lane, &mw, &err));
      double e = 10 * log10(mw) - truth;
      g_test_message("lane %u RX: true %.2f dBm, monitor %+.3f dB", lane, truth, e);
      if (fabs(e) > fabs(*rx_worst))
        *rx_worst = e;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(trims); i++) {
      double mw;
      g_assert_true(ll_module_cal_write_trim(evb, VENDOR_PASSWORD, lane, trims[i], &err));
      g_assert_true(ll_module_read_power_monitor(evb, LL_CMIS_CAL_TX, lane, &mw, &err));
      double truth = ll_twin_tx_power_dbm(t, lane - 1, 25.0);
      double e = 10 * log10(mw) - truth;
      g_test_message("lane %u TX: true %.2f dBm, monitor %+.3f dB", lane, truth, e);
      if (fabs(e) > fabs(*tx_worst))
        *tx_worst = e;
    }
    g_assert_true(ll_module_cal_write_trim(evb, VENDOR_PASSWORD, lane, 0, &err));
  }
  ll_bench_lock(b->bench);
  ll_bench_voa_set(b->bench, 40.0, FALSE);
  ll_bench_unlock(b->bench);
  g_assert_true(ll_module_power_down(evb, &err));
}

typedef struct {
  const char *product;  /* as the station file writes it */
  const char *sequence; /* shipped file name */
  const char *serials;  /* units to calibrate, one bench each */
} Product;

static const Product products[] = {
  { "product = 800G-DR8", "ddm-cal-800g-dr8.yaml", "LL26C0201,LL26C0202,LL26C0203" },
  { "product = 800G-2xFR4", "ddm-cal-800g-2xfr4.yaml", "LL26C0211,LL26C0212,LL26C0213" },
  { "product = 1.6T-DR8", "ddm-cal-1.6t-dr8.yaml", "LL26C0221,LL26C0222,LL26C0223" },
};

static void
calibrate_unit(const Product *p, const char *serial)
{
  Bench b = { 0 };
  bench_open(&b, p->product, "defects = monitor-error=1");
  g_assert_true(ll_bench_insert(b.bench, 1, serial));
  g_assert_true(ll_twin_has(twin(&b), LL_DEFECT_MONITOR_ERROR));
  guint lanes = twin(&b)->product->lanes;

  /* before: the monitors are several dB off the truth */
  double rx_before, tx_before;
  independent_errors(&b, lanes, &rx_before, &tx_before);
  g_test_message("before: worst RX %+.2f dB, TX %+.2f dB", rx_before, tx_before);
  g_assert_cmpfloat(fabs(rx_before), >, 3.0);
  g_assert_cmpfloat(fabs(tx_before), >, 3.0);

  g_autofree gchar *seq = shipped(p->sequence);
  g_autoptr(LlRunResult) r = run_sequence(&b, seq, serial);
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_PASS);
  g_assert_cmpstr(r->bin->name, ==, "CALIBRATED");
  for (guint lane = 1; lane <= lanes; lane++) {
    /* the action saw the error before and verified at 4 levels */
    g_autoptr(GArray) before = values(r, "rx-cal", "rx_monitor_error_before", lane);
    g_assert_cmpuint(before->len, ==, 1);
    g_assert_cmpfloat(fabs(g_array_index(before, LlValue, 0).number), >, 3.0);
    for (int m = 0; m < 2; m++) {
      g_autoptr(GArray) verify = values(r, m ? "tx-cal" : "rx-cal",
                                        m ? "tx_monitor_verify_error" : "rx_monitor_verify_error",
                                        lane);
      g_assert_cmpuint(verify->len, ==, 4);
      for (guint k = 0; k < verify->len; k++)
        g_assert_cmpfloat(fabs(g_array_index(verify, LlValue, k).number), <=, 1.0);
    }
  }

  /* after: read independently, every monitor is within +/-1 dB of the truth */
  double rx_after, tx_after;
  independent_errors(&b, lanes, &rx_after, &tx_after);
  g_test_message("after: worst RX %+.2f dB, TX %+.2f dB", rx_after, tx_after);
  g_assert_cmpfloat(fabs(rx_after), <=, 1.0);
  g_assert_cmpfloat(fabs(tx_after), <=, 1.0);
  bench_close(&b);
}

static void
test_calibrate(gconstpointer data)
{
  const Product *p = data;
  g_auto(GStrv) serials = g_strsplit(p->serials, ",", -1);
  for (guint i = 0; serials[i]; i++)
    calibrate_unit(p, serials[i]);
}

/* A copy of the 800G DR8 sequence and its limits in a folder of their own,
 * with @from replaced by @to in the sequence. */
static gchar *
sequence_variant(const char *from, const char *to, gchar **dir_out)
{
  g_autofree gchar *dir = g_dir_make_tmp("ll-ddm-cal-XXXXXX", NULL);
  g_assert_nonnull(dir);
  static const char *const files[] = { "ddm-cal-800g-dr8.yaml", "limits-ddm-cal-800g-dr8.yaml" };
  for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree gchar *src = shipped(files[i]), *dst = g_build_filename(dir, files[i], NULL);
    g_autofree gchar *text = NULL;
    g_assert_true(g_file_get_contents(src, &text, NULL, NULL));
    g_autoptr(GString) s = g_string_new(text);
    if (i == 0)
      g_assert_cmpuint(g_string_replace(s, from, to, 1), ==, 1);
    g_assert_true(g_file_set_contents(dst, s->str, -1, NULL));
  }
  *dir_out = g_steal_pointer(&dir);
  return g_build_filename(*dir_out, files[0], NULL);
}

static void
remove_variant(gchar *dir)
{
  g_autofree gchar *a = g_build_filename(dir, "ddm-cal-800g-dr8.yaml", NULL);
  g_autofree gchar *b = g_build_filename(dir, "limits-ddm-cal-800g-dr8.yaml", NULL);
  g_remove(a);
  g_remove(b);
  g_rmdir(dir);
  g_free(dir);
}

static gboolean
boolean_of(const LlRunResult *r, const char *step, const char *name, guint lane, gboolean *found)
{
  g_autoptr(GArray) v = values(r, step, name, lane);
  *found = v->len == 1;
  return v->len == 1 && g_array_index(v, LlValue, 0).boolean;
}

static void
test_wrong_password(void)
{
  gchar *dir = NULL;
  g_autofree gchar *seq = sequence_variant("vendor_password: 0x4C4C3031",
                                           "vendor_password: 0x4C4C3032", &dir);
  Bench b = { 0 };
  bench_open(&b, "product = 800G-DR8", "defects = monitor-error=1");
  g_autoptr(LlRunResult) r = run_sequence(&b, seq, "LL26C0202");
  remove_variant(dir);
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_FAIL);
  g_assert_cmpstr(r->bin->name, ==, "RX-MONITOR-CAL");
  for (guint lane = 1; lane <= 8; lane++) {
    gboolean found;
    g_assert_false(boolean_of(r, "rx-cal", "rx_monitor_written", lane, &found));
    g_assert_true(found);
    g_assert_false(boolean_of(r, "tx-cal", "tx_monitor_written", lane, &found));
    g_assert_true(found);
    /* nothing was verified: the calibration stopped at the refused write */
    g_autoptr(GArray) verify = values(r, NULL, "rx_monitor_verify_error", lane);
    g_assert_cmpuint(verify->len, ==, 0);
  }
  /* the factory coefficients are still there, and the monitors still off */
  g_autoptr(LlEvb) evb = own_session(&b);
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_module_power_on_low_power(evb, b.clock, &err));
  check_page_identity(evb, 8);
  g_assert_true(ll_module_power_down(evb, &err));
  double rx, tx;
  independent_errors(&b, 8, &rx, &tx);
  g_assert_cmpfloat(fabs(rx), >, 3.0);
  g_assert_cmpfloat(fabs(tx), >, 3.0);
  bench_close(&b);
}

static void
test_dead_lane(void)
{
  Bench b = { 0 };
  bench_open(&b, "product = 800G-DR8", "defects = dead-lane=1");
  g_autofree gchar *seq = shipped("ddm-cal-800g-dr8.yaml");
  g_autoptr(LlRunResult) r = run_sequence(&b, seq, "LL26C0203");
  guint dead = twin(&b)->defect_lane + 1;
  g_assert_true(twin(&b)->lane[dead - 1].dead);
  g_assert_cmpint(r->outcome, ==, LL_OUTCOME_FAIL);
  g_assert_cmpstr(r->bin->name, ==, "TX-MONITOR-CAL");
  for (guint lane = 1; lane <= 8; lane++) {
    gboolean found;
    g_assert_cmpint(boolean_of(r, "tx-cal", "tx_monitor_fit_ok", lane, &found), ==, lane != dead);
    g_assert_true(found);
    g_assert_true(boolean_of(r, "rx-cal", "rx_monitor_fit_ok", lane, &found));
  }
  /* the dead lane's TX coefficients were put back; the others were written */
  g_autoptr(LlEvb) evb = own_session(&b);
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_module_power_on_low_power(evb, b.clock, &err));
  for (guint lane = 1; lane <= 8; lane++) {
    LlCmisCalCoeffs c;
    g_assert_true(ll_module_cal_read(evb, LL_CMIS_CAL_TX, lane, &c, &err));
    if (lane == dead)
      g_assert_cmpfloat(c.slope, ==, 1.0);
    else
      g_assert_cmpfloat(c.slope, !=, 1.0);
  }
  g_assert_true(ll_module_power_down(evb, &err));
  bench_close(&b);
}

/* ---- the CLI ---- */

static void
test_cli(void)
{
  for (gsize i = 0; i < G_N_ELEMENTS(products); i++) {
    g_autofree gchar *seq = shipped(products[i].sequence);
    const char *args[] = { "sequence", "validate", seq, NULL };
    g_auto(LlTestRun) v = { 0 };
    ll_test_run(&v, args);
    g_assert_cmpint(v.status, ==, 0);
    g_assert_nonnull(strstr(v.out, ": ok ("));
    g_assert_null(strstr(v.err, "warning"));
  }
  g_autofree gchar *text = station_text("product = 800G-DR8", "defects = monitor-error=1");
  g_autofree gchar *cfg = NULL;
  int fd = g_file_open_tmp("ll-ddm-cal-XXXXXX.ini", &cfg, NULL);
  g_assert_cmpint(fd, >=, 0);
  close(fd);
  g_assert_true(g_file_set_contents(cfg, text, -1, NULL));
  g_autofree gchar *seq = shipped("ddm-cal-800g-dr8.yaml");
  const char *args[] = { "run", "--config", cfg, "--sequence", seq, "--sn", "LL26C0204", NULL };
  g_auto(LlTestRun) r = { 0 };
  ll_test_run(&r, args);
  g_remove(cfg);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_true(g_str_has_prefix(r.out, "PASS  LL26C0204  site 1  bin 1 CALIBRATED"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ddm-cal/codec", test_codec);
  g_test_add_func("/ddm-cal/fit", test_fit);
  g_test_add_func("/ddm-cal/driver", test_driver);
  g_test_add_data_func("/ddm-cal/monitor-error/800g-dr8", &products[0], test_calibrate);
  g_test_add_data_func("/ddm-cal/monitor-error/800g-2xfr4", &products[1], test_calibrate);
  g_test_add_data_func("/ddm-cal/monitor-error/1.6t-dr8", &products[2], test_calibrate);
  g_test_add_func("/ddm-cal/wrong-password", test_wrong_password);
  g_test_add_func("/ddm-cal/dead-lane", test_dead_lane);
  g_test_add_func("/ddm-cal/cli", test_cli);
  return g_test_run();
}
