/* ll-calibration.c: path-loss calibration and golden-unit checks with a
 * golden module, and the calibration a test session loads before each run
 * (see ll-calibration.h). */
#include "ll-calibration.h"
#include "ll-action.h"
#include "ll-store-cal.h"
#include "ll-test-session.h"
#include "ll-version.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(ll-calibration-error-quark, ll_calibration_error)

void
ll_calibration_result_free(LlCalibrationResult *r)
{
  if (!r)
    return;
  g_free(r->golden_serial);
  g_free(r->product);
  g_free(r->station_id);
  g_free(r->sequence_path);
  g_free(r->bin_name);
  g_free(r->bin_instructions);
  g_clear_pointer(&r->run, ll_run_result_free);
  g_clear_pointer(&r->entries, g_array_unref);
  g_clear_pointer(&r->measured_utc, g_date_time_unref);
  g_clear_pointer(&r->expires_utc, g_date_time_unref);
  g_free(r);
}

gchar *
ll_calibration_sequence_path(const char *dir, const char *kind, const char *product)
{
  if (!dir)
    dir = g_file_test(LL_SOURCE_SEQUENCES_DIR, G_FILE_TEST_IS_DIR) ? LL_SOURCE_SEQUENCES_DIR
                                                                    : LL_INSTALLED_SEQUENCES_DIR;
  g_autofree gchar *lower = g_ascii_strdown(product, -1);
  g_autofree gchar *name = g_strdup_printf("%s-%s.yaml", kind, lower);
  return g_build_filename(dir, name, NULL);
}

/* ---- for test sessions ---- */

gboolean
ll_calibration_golden_sequence(const LlSequence *seq)
{
  for (guint i = 0; i < seq->steps->len; i++) {
    const LlStep *step = seq->steps->pdata[i];
    if (g_str_has_prefix(step->action, "cal.") || g_str_equal(step->action, "golden.compare"))
      return TRUE;
  }
  return FALSE;
}

gboolean
ll_calibration_prepare_run(LlEngine *engine, LlStation *station, LlStore *store, guint site,
                           GError **error)
{
  const LlStationConfig *cfg = ll_station_config(station);
  const GArray *needs = ll_engine_path_needs(engine);
  if (!(cfg->path_loss_expiry_h > 0) || !needs->len)
    return TRUE;
  g_autoptr(LlPathLossTable) table = ll_path_loss_table_new(cfg->id, site);
  for (guint i = 0; store && i < needs->len; i++) {
    const LlPathNeed *n = &g_array_index(needs, LlPathNeed, i);
    g_autoptr(GError) err = NULL;
    g_autoptr(LlPathLoss) l = ll_store_path_loss_newest(store, cfg->id, site, n->path, n->lane,
                                                         n->wavelength_nm, &err);
    if (!l) {
      if (!g_error_matches(err, LL_STORE_ERROR, LL_STORE_ERROR_NOT_FOUND)) {
        g_propagate_error(error, g_steal_pointer(&err));
        return FALSE;
      }
      continue;
    }
    LlPathLossValue v = { l->path, l->lane, l->wavelength_nm, l->loss_db, l->id, l->set_id,
                          l->measured_utc, l->expires_utc, l->golden_serial };
    ll_path_loss_table_add(table, &v);
  }
  /* the run is checked at its start again, by the engine, with this table */
  ll_engine_set_path_loss(engine, site, table);
  return ll_path_loss_table_check(table, cfg->id, site, needs, NULL, cfg->path, error);
}

gboolean
ll_calibration_record_golden_checks(LlStore *store, const LlSequence *seq, const LlRunResult *run,
                                    gint64 run_id, guint *stored, GError **error)
{
  if (stored)
    *stored = 0;
  if (!store || !run || !run_id)
    return TRUE;
  g_autoptr(LlRunRecord) record = NULL;
  for (guint i = 0; i < run->measurements->len; i++) {
    const LlMeasurement *m = run->measurements->pdata[i];
    const LlStep *step = ll_sequence_step(seq, m->step_id);
    if (!step || !g_str_equal(step->action, "golden.compare") || m->value.type != LL_VALUE_NUMBER ||
        !g_str_has_suffix(m->name, "_delta"))
      continue;
    g_autofree gchar *name = g_strndup(m->name, strlen(m->name) - strlen("_delta"));
    const LlGoldenQuantity *q = ll_golden_quantity(name);
    /* the value the delta was taken of: the last one kept before it */
    const LlMeasurement *value = NULL;
    for (guint k = 0; k < i; k++) {
      const LlMeasurement *v = run->measurements->pdata[k];
      if (v->lane == m->lane && g_str_equal(v->name, name) && v->value.type == LL_VALUE_NUMBER)
        value = v;
    }
    if (!q || !value)
      continue;
    if (!record && !(record = ll_store_run(store, run_id, error)))
      return FALSE;
    LlGoldenCheckInput c = {
      .serial = run->serial,
      .measurement = name,
      .lane = m->lane,
      .value = value->value.number,
      .reference = value->value.number - m->value.number,
      .unit = q->unit,
      .checked_utc = record->finished_utc ? record->finished_utc : record->started_utc,
      .station_id = record->station_id,
      .site = record->site,
      .operator_name = record->operator_name,
      .run_id = run_id,
    };
    if (!ll_store_add_golden_check(store, &c, error))
      return FALSE;
    if (stored)
      (*stored)++;
  }
  return TRUE;
}

/* ---- running a golden module ---- */

/* Loads the station file of @o, checks it can do what @kind needs, finds
 * the golden's reference and opens a test session on the sequence. */
static LlTestSession *
open_golden_session(const LlCalibrationOptions *o, const char *kind, LlDiagList *diags,
                    LlCalibrationResult *result, GError **error)
{
  g_autoptr(LlStationConfig) cfg =
    o->config_text ? ll_station_config_load_data(o->config_path, o->config_text, strlen(o->config_text),
                                                 NULL, error)
                   : ll_station_config_load(o->config_path, NULL, error);
  if (!cfg)
    return NULL;
  result->station_id = g_strdup(cfg->id);
  if (!(cfg->path_loss_expiry_h > 0)) {
    g_set_error(error, LL_CALIBRATION_ERROR, LL_CALIBRATION_ERROR_STATION,
                "%s does not calibrate its optical paths: set path-loss-expiry-h in [station] "
                "(how many hours a calibration stays valid, e.g. 12)", cfg->path);
    return NULL;
  }
  if (!o->database && !cfg->database) {
    g_set_error(error, LL_CALIBRATION_ERROR, LL_CALIBRATION_ERROR_STATION,
                "%s names no results store to keep the calibration in: set database in "
                "[station], or give one", cfg->path);
    return NULL;
  }
  if (!ll_station_config_site(cfg, o->site)) {
    g_set_error(error, LL_CALIBRATION_ERROR, LL_CALIBRATION_ERROR_STATION, "%s has no [site %u]",
                cfg->path, o->site);
    return NULL;
  }
  g_autoptr(LlGoldenReference) ref = ll_golden_reference_find(cfg, o->golden_serial, diags, error);
  if (!ref)
    return NULL;
  result->product = g_strdup(ref->product);
  result->sequence_path = ll_calibration_sequence_path(o->sequences_dir, kind, ref->product);
  LlTestSessionOptions so = { .config_path = o->config_path, .config_text = o->config_text,
                              .sequence_path = result->sequence_path, .database = o->database,
                              .store_flags = o->store_flags, .operator_name = o->operator_name };
  return ll_test_session_open(&so, diags, error);
}

/* Runs the golden module of @o in its site through @session. What the
 * run borrows from the limits tables (closed with the session) is copied
 * or cleared. */
static gboolean
run_golden(LlTestSession *session, const LlCalibrationOptions *o, LlCalibrationResult *result,
           GError **error)
{
  g_autoptr(GError) err = NULL;
  result->run = ll_test_session_run_one(session, o->site, o->golden_serial, o->cancel, &result->run_id,
                                        &err);
  if (!result->run) {
    g_set_error(error, LL_CALIBRATION_ERROR, LL_CALIBRATION_ERROR_REFUSED, "%s", err->message);
    return FALSE;
  }
  const LlBin *bin = result->run->bin;
  if (bin) {
    result->bin_number = bin->number;
    result->bin_name = g_strdup(bin->name);
    result->bin_instructions = g_strdup(bin->instructions);
  }
  result->run->bin = NULL;
  for (guint i = 0; i < result->run->measurements->len; i++)
    ((LlMeasurement *) result->run->measurements->pdata[i])->limit = NULL;
  return TRUE;
}

static LlCalibrationResult *
result_new(const LlCalibrationOptions *o)
{
  LlCalibrationResult *r = g_new0(LlCalibrationResult, 1);
  r->golden_serial = g_strdup(o->golden_serial);
  r->site = o->site;
  r->entries = g_array_new(FALSE, FALSE, sizeof(LlPathLossEntry));
  return r;
}

/* The path-loss values of @run: tx_path_loss and rx_path_offset per lane,
 * at the wavelength their step measured. */
static void
collect_entries(const LlSequence *seq, const LlRunResult *run, GArray *entries)
{
  for (guint i = 0; i < run->measurements->len; i++) {
    const LlMeasurement *m = run->measurements->pdata[i];
    LlPathKind path;
    if (g_str_equal(m->name, "tx_path_loss"))
      path = LL_PATH_TX;
    else if (g_str_equal(m->name, "rx_path_offset"))
      path = LL_PATH_RX;
    else
      continue;
    const LlStep *step = ll_sequence_step(seq, m->step_id);
    if (!step || m->value.type != LL_VALUE_NUMBER || !m->lane)
      continue;
    LlPathLossEntry e = { path, m->lane, ll_path_loss_step_wavelength(seq, step, path, m->lane),
                          m->value.number };
    g_array_append_val(entries, e);
  }
}

LlCalibrationResult *
ll_calibrate_path_loss(const LlCalibrationOptions *o, LlDiagList *diags, GError **error)
{
  g_autoptr(LlCalibrationResult) result = result_new(o);
  g_autoptr(LlTestSession) session = open_golden_session(o, "path-loss", diags, result, error);
  if (!session || !run_golden(session, o, result, error))
    return NULL;
  const LlSequence *seq = ll_test_session_sequence(session);
  collect_entries(seq, result->run, result->entries);
  if (result->run->outcome != LL_OUTCOME_PASS || !result->entries->len)
    return g_steal_pointer(&result);
  const LlStationConfig *cfg = ll_station_config(ll_test_session_station(session));
  result->measured_utc = g_date_time_new_now_utc();
  result->expires_utc = g_date_time_add_seconds(result->measured_utc, cfg->path_loss_expiry_h * 3600.0);
  LlPathLossSet set = { cfg->id, o->site, o->operator_name, o->golden_serial, result->measured_utc,
                        result->expires_utc, (const LlPathLossEntry *) result->entries->data,
                        result->entries->len };
  result->set_id = ll_store_add_path_loss(ll_test_session_store(session), &set, error);
  if (!result->set_id)
    return NULL;
  return g_steal_pointer(&result);
}

LlCalibrationResult *
ll_golden_check(const LlCalibrationOptions *o, LlDiagList *diags, GError **error)
{
  g_autoptr(LlCalibrationResult) result = result_new(o);
  g_autoptr(LlTestSession) session = open_golden_session(o, "golden-check", diags, result, error);
  if (!session || !run_golden(session, o, result, error))
    return NULL;
  /* the session stored the checks with the run; count them */
  for (guint i = 0; i < result->run->measurements->len; i++) {
    const LlMeasurement *m = result->run->measurements->pdata[i];
    const LlStep *step = ll_sequence_step(ll_test_session_sequence(session), m->step_id);
    if (step && g_str_equal(step->action, "golden.compare"))
      result->checks++;
  }
  return g_steal_pointer(&result);
}

GPtrArray *
ll_calibration_shift_start(const LlCalibrationOptions *base, guint sites, GError **error)
{
  g_autofree gchar *golden = ll_golden_characterize_sim(base->config_path, base->config_text, "GOLD",
                                                        error);
  if (!golden)
    return NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func((GDestroyNotify) ll_calibration_result_free);
  LlCalibrationOptions o = *base;
  o.golden_serial = golden;
  for (guint site = 1; site <= sites + 1; site++) {
    /* the last pass checks the golden module in site 1 */
    gboolean check = site > sites;
    o.site = check ? 1 : site;
    LlCalibrationResult *r = check ? ll_golden_check(&o, NULL, error) : ll_calibrate_path_loss(&o, NULL, error);
    if (!r)
      return NULL;
    g_ptr_array_add(results, r);
    if (!check && !r->set_id) {
      g_set_error(error, LL_CALIBRATION_ERROR, LL_CALIBRATION_ERROR_REFUSED,
                  "the path-loss calibration of site %u with golden %s did not pass (%s%s%s)", o.site,
                  golden, ll_outcome_name(r->run->outcome), r->run->message ? ": " : "",
                  r->run->message ? r->run->message : "");
      return NULL;
    }
  }
  return g_steal_pointer(&results);
}
