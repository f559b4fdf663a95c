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
  g_free(r->operator_name);
  g_clear_pointer(&r->run, ll_run_result_free);
  g_clear_pointer(&r->entries, g_array_unref);
  g_clear_pointer(&r->judged, g_array_unref);
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

/* The newest calibration of every path @needs names for @site, from
 * @store (may be NULL: an empty table). NULL with the store's error. */
static LlPathLossTable *
load_site_table(const LlStationConfig *cfg, LlStore *store, guint site, const GArray *needs,
                GError **error)
{
  g_autoptr(LlPathLossTable) table = ll_path_loss_table_new(cfg->id, site);
  for (guint i = 0; store && i < needs->len; i++) {
    const LlPathNeed *n = &g_array_index(needs, LlPathNeed, i);
    g_autoptr(GError) err = NULL;
    g_autoptr(LlPathLoss) l = ll_store_path_loss_newest(store, cfg->id, site, n->path, n->lane,
                                                         n->wavelength_nm, &err);
    if (!l) {
      if (!g_error_matches(err, LL_STORE_ERROR, LL_STORE_ERROR_NOT_FOUND)) {
        g_propagate_error(error, g_steal_pointer(&err));
        return NULL;
      }
      continue;
    }
    LlPathLossValue v = { l->path, l->lane, l->wavelength_nm, l->loss_db, l->id, l->set_id,
                          l->measured_utc, l->expires_utc, l->golden_serial };
    ll_path_loss_table_add(table, &v);
  }
  return g_steal_pointer(&table);
}

/* Loads @site's table (into @engine unless @check_only) and checks it. */
static gboolean
site_calibration(LlEngine *engine, LlStation *station, LlStore *store, guint site,
                 gboolean check_only, GError **error)
{
  const LlStationConfig *cfg = ll_station_config(station);
  const GArray *needs = ll_engine_path_needs(engine);
  if (!(cfg->path_loss_expiry_h > 0) || !needs->len)
    return TRUE;
  g_autoptr(LlPathLossTable) table = load_site_table(cfg, store, site, needs, error);
  if (!table)
    return FALSE;
  /* the run is checked at its start again, by the engine, with this table */
  if (!check_only)
    ll_engine_set_path_loss(engine, site, table);
  return ll_path_loss_table_check(table, cfg->id, site, needs, NULL, cfg->path, error);
}

gboolean
ll_calibration_prepare_run(LlEngine *engine, LlStation *station, LlStore *store, guint site,
                           GError **error)
{
  return site_calibration(engine, station, store, site, FALSE, error);
}

gboolean
ll_calibration_check_site(LlEngine *engine, LlStation *station, LlStore *store, guint site,
                          GError **error)
{
  return site_calibration(engine, station, store, site, TRUE, error);
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
  if (!o->database && !o->store && !cfg->database) {
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
                              .store_flags = o->store_flags, .operator_name = o->operator_name,
                              .station = o->station, .store = o->store };
  LlTestSession *session = ll_test_session_open(&so, diags, error);
  if (session && o->progress)
    ll_test_session_add_listener(session, o->progress, o->progress_data);
  return session;
}

/* Runs the golden module of @o in its site through @session. */
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
  return TRUE;
}

/* What the run borrows from the limits tables (closed with the session)
 * is copied or cleared. */
static void
forget_tables(LlCalibrationResult *result)
{
  const LlBin *bin = result->run->bin;
  if (bin) {
    result->bin_number = bin->number;
    result->bin_name = g_strdup(bin->name);
    result->bin_instructions = g_strdup(bin->instructions);
  }
  result->run->bin = NULL;
  for (guint i = 0; i < result->run->measurements->len; i++)
    ((LlMeasurement *) result->run->measurements->pdata[i])->limit = NULL;
}

static LlCalibrationResult *
result_new(const LlCalibrationOptions *o)
{
  LlCalibrationResult *r = g_new0(LlCalibrationResult, 1);
  r->golden_serial = g_strdup(o->golden_serial);
  r->operator_name = g_strdup(o->operator_name);
  r->site = o->site;
  r->entries = g_array_new(FALSE, FALSE, sizeof(LlPathLossEntry));
  r->judged = g_array_new(FALSE, FALSE, sizeof(LlCalibrationJudged));
  return r;
}

/* The plausible window of @m's limit. */
static LlCalibrationJudged
judged(const LlMeasurement *m)
{
  LlCalibrationJudged j = { NAN, NAN, m->judged && m->judgement.verdict == LL_VERDICT_PASS };
  const LlLimit *l = m->limit;
  if (l && l->kind == LL_LIMIT_RANGE) {
    j.min = l->has_min ? l->min : NAN;
    j.max = l->has_max ? l->max : NAN;
  } else if (l && l->kind == LL_LIMIT_NOMINAL) {
    j.min = l->nominal - l->tolerance;
    j.max = l->nominal + l->tolerance;
  }
  return j;
}

/* The path-loss values of @run: tx_path_loss and rx_path_offset per lane,
 * at the wavelength their step measured, and how each was judged. */
static void
collect_entries(const LlSequence *seq, const LlRunResult *run, GArray *entries, GArray *judgements)
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
    LlCalibrationJudged j = judged(m);
    g_array_append_val(judgements, j);
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
  collect_entries(seq, result->run, result->entries, result->judged);
  forget_tables(result);
  if (result->run->outcome != LL_OUTCOME_PASS || !result->entries->len)
    return g_steal_pointer(&result);
  const LlStationConfig *cfg = ll_station_config(ll_test_session_station(session));
  result->measured_utc = g_date_time_new_now_utc();
  result->expires_utc = g_date_time_add_seconds(result->measured_utc, cfg->path_loss_expiry_h * 3600.0);
  if (!o->measure_only && !ll_calibration_accept(ll_test_session_store(session), result, error))
    return NULL;
  return g_steal_pointer(&result);
}

gboolean
ll_calibration_accept(LlStore *store, LlCalibrationResult *r, GError **error)
{
  if (!r->run || r->run->outcome != LL_OUTCOME_PASS || !r->entries->len || !r->measured_utc) {
    g_set_error(error, LL_CALIBRATION_ERROR, LL_CALIBRATION_ERROR_REFUSED,
                "the calibration of site %u did not pass: there is nothing to store", r->site);
    return FALSE;
  }
  if (r->set_id) {
    g_set_error(error, LL_CALIBRATION_ERROR, LL_CALIBRATION_ERROR_REFUSED,
                "the calibration of site %u is stored already (calibration %" G_GINT64_FORMAT ")",
                r->site, r->set_id);
    return FALSE;
  }
  LlPathLossSet set = { r->station_id, r->site, r->operator_name, r->golden_serial, r->measured_utc,
                        r->expires_utc, (const LlPathLossEntry *) r->entries->data, r->entries->len };
  r->set_id = ll_store_add_path_loss(store, &set, error);
  return r->set_id > 0;
}

static gint
by_serial(gconstpointer a, gconstpointer b)
{
  const LlGoldenReference *x = *(LlGoldenReference *const *) a, *y = *(LlGoldenReference *const *) b;
  return strcmp(x->serial, y->serial);
}

GPtrArray *
ll_calibration_golden_references(const LlStationConfig *cfg, const char *product)
{
  GPtrArray *refs = g_ptr_array_new_with_free_func((GDestroyNotify) ll_golden_reference_free);
  /* the folder: where the reference of any serial would be */
  g_autofree gchar *any = ll_golden_reference_path(cfg, "x");
  g_autofree gchar *dir = g_path_get_dirname(any);
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    if (!g_str_has_suffix(name, ".yaml"))
      continue;
    g_autofree gchar *serial = g_strndup(name, strlen(name) - strlen(".yaml"));
    LlGoldenReference *ref = ll_golden_reference_find(cfg, serial, NULL, NULL);
    if (ref && (!product || g_strcmp0(ref->product, product) == 0))
      g_ptr_array_add(refs, ref);
    else
      ll_golden_reference_free(ref);
  }
  g_ptr_array_sort(refs, by_serial);
  return refs;
}

LlCalibrationResult *
ll_golden_check(const LlCalibrationOptions *o, LlDiagList *diags, GError **error)
{
  g_autoptr(LlCalibrationResult) result = result_new(o);
  g_autoptr(LlTestSession) session = open_golden_session(o, "golden-check", diags, result, error);
  if (!session || !run_golden(session, o, result, error))
    return NULL;
  forget_tables(result);
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
