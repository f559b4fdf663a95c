/* ll-test-session.c: see ll-test-session.h. The store's recorder is the
 * engine's first listener, so a progress display (added after it) sees an
 * event only once it is on record. */
#include "ll-test-session.h"
#include "ll-calibration.h"
#include "ll-station-demo.h"

#include <string.h>

G_DEFINE_QUARK(ll-session-error-quark, ll_session_error)

struct _LlTestSession {
  LlSequence *seq;
  GPtrArray *tables;
  LlStation *station;
  LlStore *store;           /* NULL: not recording */
  LlStoreRecorder *recorder;
  LlEngine *engine;
  gboolean borrowed_station, borrowed_store;
};

LlTestSession *
ll_test_session_open(const LlTestSessionOptions *o, LlDiagList *diags, GError **error)
{
  g_autoptr(LlTestSession) s = g_new0(LlTestSession, 1);
  g_autoptr(GBytes) station_file = NULL;
  if (o->config_text) {
    /* NUL-terminated past its length, as the config loader reads text */
    station_file = g_bytes_new_take(g_strdup(o->config_text), strlen(o->config_text));
  } else {
    gchar *text = NULL;
    gsize len = 0;
    g_autoptr(GError) err = NULL;
    if (!g_file_get_contents(o->config_path, &text, &len, &err)) {
      g_set_error(error, LL_CONFIG_ERROR, LL_CONFIG_ERROR_READ, "%s: cannot read: %s", o->config_path,
                  err->message);
      return NULL;
    }
    station_file = g_bytes_new_take(text, len); /* g_file_get_contents() NUL-terminates */
  }
  gsize len = 0;
  const char *text = g_bytes_get_data(station_file, &len);
  g_autoptr(LlStationConfig) cfg = ll_station_config_load_data(o->config_path, text ? text : "", len, NULL, error);
  if (!cfg)
    return NULL;

  g_autoptr(LlDiagList) own = diags ? NULL : ll_diag_list_new();
  if (!ll_sequence_check_file(o->sequence_path, ll_actions_catalog(), diags ? diags : own, &s->seq,
                              &s->tables)) {
    g_autofree gchar *list = ll_diag_list_format(diags ? diags : own);
    g_set_error(error, LL_SESSION_ERROR, LL_SESSION_ERROR_SEQUENCE, "%s", list);
    return NULL;
  }

  const char *database = o->database ? o->database : cfg->database;
  if (!database && (cfg->retest_limit || cfg->path_loss_expiry_h > 0)) {
    g_set_error(error, LL_SESSION_ERROR, LL_SESSION_ERROR_STORE,
                "%s: %s needs a results store to %s: set database in [station] or give one "
                "(--db FILE)", o->config_path, cfg->retest_limit ? "retest-limit" : "path-loss-expiry-h",
                cfg->retest_limit ? "count attempts in" : "keep the path-loss calibrations in");
    return NULL;
  }
  s->borrowed_store = o->store != NULL;
  if (o->store)
    s->store = o->store;
  else if (database && !(s->store = ll_store_open(database, o->store_flags, error)))
    return NULL;

  g_autoptr(GError) err = NULL;
  s->borrowed_station = o->station != NULL;
  if (o->station && g_strcmp0(ll_station_config(o->station)->sha256, cfg->sha256) != 0) {
    g_set_error(error, LL_SESSION_ERROR, LL_SESSION_ERROR_STATION,
                "%s is not the station file the opened station was opened from", o->config_path);
    return NULL;
  }
  s->station = o->station ? o->station : ll_station_open(g_steal_pointer(&cfg), &err);
  if (!s->station) {
    g_set_error_literal(error, LL_SESSION_ERROR, LL_SESSION_ERROR_STATION, err->message);
    return NULL;
  }
  s->engine = ll_engine_new(s->station, s->seq, s->tables);
  if (s->store) {
    s->recorder = ll_store_recorder_new(s->store, s->station, s->seq, s->tables, station_file, error);
    if (!s->recorder)
      return NULL;
    ll_store_recorder_attach(s->recorder, s->engine);
  }
  ll_test_session_set_operator(s, o->operator_name);
  ll_test_session_set_lot(s, o->lot);
  return g_steal_pointer(&s);
}

void
ll_test_session_free(LlTestSession *s)
{
  if (!s)
    return;
  g_clear_pointer(&s->engine, ll_engine_free);
  g_clear_pointer(&s->recorder, ll_store_recorder_free);
  if (!s->borrowed_station)
    g_clear_pointer(&s->station, ll_station_close);
  if (!s->borrowed_store)
    g_clear_pointer(&s->store, ll_store_close);
  g_clear_pointer(&s->tables, g_ptr_array_unref);
  g_clear_pointer(&s->seq, ll_sequence_free);
  g_free(s);
}

LlStation *
ll_test_session_station(LlTestSession *s)
{
  return s->station;
}

const LlSequence *
ll_test_session_sequence(LlTestSession *s)
{
  return s->seq;
}

LlEngine *
ll_test_session_engine(LlTestSession *s)
{
  return s->engine;
}

LlStore *
ll_test_session_store(LlTestSession *s)
{
  return s->store;
}

void
ll_test_session_add_listener(LlTestSession *s, LlEventFunc func, gpointer user_data)
{
  ll_engine_add_listener(s->engine, func, user_data);
}

void
ll_test_session_set_operator(LlTestSession *s, const char *operator_name)
{
  if (s->recorder)
    ll_store_recorder_set_operator(s->recorder, operator_name);
}

void
ll_test_session_set_lot(LlTestSession *s, const char *lot)
{
  if (s->recorder)
    ll_store_recorder_set_lot(s->recorder, lot);
}

void
ll_test_session_set_corner(LlTestSession *s, const LlCorner *corner)
{
  ll_engine_set_corner(s->engine, corner);
  if (s->recorder)
    ll_store_recorder_set_corner(s->recorder, corner);
}

gboolean
ll_test_session_check_unit(LlTestSession *s, const char *serial, GError **error)
{
  /* a golden module is measured as often as the station needs */
  guint limit = ll_sequence_measures_reference(s->seq) ? 0 : ll_station_config(s->station)->retest_limit;
  return !s->store || ll_store_check_retest(s->store, serial, s->seq->id, limit, error);
}

/* The site's path-loss calibration into the engine; FALSE with the
 * operator's message (LL_SESSION_ERROR_REFUSED) when it is missing or
 * expired. */
static gboolean
check_path_loss(LlTestSession *s, guint site, GError **error)
{
  g_autoptr(GError) err = NULL;
  if (ll_calibration_prepare_run(s->engine, s->station, s->store, site, &err))
    return TRUE;
  g_set_error_literal(error, LL_SESSION_ERROR, LL_SESSION_ERROR_REFUSED, err->message);
  return FALSE;
}

void
ll_session_run_free(LlSessionRun *run)
{
  if (!run)
    return;
  g_free(run->serial);
  g_clear_pointer(&run->result, ll_run_result_free);
  g_clear_error(&run->error);
  g_free(run);
}

/* A run the store could not record becomes ERROR: it is not on record. */
static void
not_recorded(LlRunResult *r, const GError *why)
{
  r->outcome = LL_OUTCOME_ERROR;
  r->bin = NULL;
  g_autofree gchar *msg = g_strdup_printf("not recorded: %s", why->message);
  if (r->message) {
    gchar *joined = g_strdup_printf("%s; %s", msg, r->message);
    g_free(r->message);
    r->message = joined;
  } else {
    r->message = g_steal_pointer(&msg);
  }
}

GPtrArray *
ll_test_session_run(LlTestSession *s, const LlSessionUnit *units, guint n, GCancellable *cancel)
{
  GPtrArray *runs = g_ptr_array_new_with_free_func((GDestroyNotify) ll_session_run_free);
  g_autofree guint *sites = g_new0(guint, n ? n : 1);
  g_autofree const char **serials = g_new0(const char *, n ? n : 1);
  g_autofree LlSessionRun **started = g_new0(LlSessionRun *, n ? n : 1);
  guint k = 0;
  const LlStationConfig *cfg = ll_station_config(s->station);
  for (guint i = 0; i < n; i++) {
    LlSessionRun *run = g_new0(LlSessionRun, 1);
    run->site = units[i].site;
    run->serial = g_strdup(units[i].serial);
    g_ptr_array_add(runs, run);
    gboolean twice = FALSE;
    for (guint j = 0; j < k; j++)
      twice |= sites[j] == run->site;
    if (!ll_station_config_site(cfg, run->site))
      g_set_error(&run->error, LL_SESSION_ERROR, LL_SESSION_ERROR_STATION, "%s has no [site %u]",
                  cfg->path, run->site);
    else if (twice)
      g_set_error(&run->error, LL_SESSION_ERROR, LL_SESSION_ERROR_STATION,
                  "site %u holds one unit at a time", run->site);
    else if (ll_test_session_check_unit(s, run->serial, &run->error) &&
             check_path_loss(s, run->site, &run->error)) {
      ll_station_load_unit(s->station, run->site, run->serial);
      sites[k] = run->site;
      serials[k] = run->serial;
      started[k++] = run;
    }
  }
  if (!k)
    return runs;
  g_autoptr(GPtrArray) results = ll_engine_run_sites(s->engine, sites, serials, k, cancel);
  for (guint i = 0; i < k; i++) {
    LlSessionRun *run = started[i];
    run->result = g_ptr_array_steal_index(results, 0);
    if (!s->recorder)
      continue;
    g_autoptr(GError) err = NULL;
    run->run_id = ll_store_recorder_last_run(s->recorder, run->site, &err);
    if (!run->run_id ||
        !ll_calibration_record_golden_checks(s->store, s->seq, run->result, run->run_id, NULL, &err))
      not_recorded(run->result, err);
  }
  return runs;
}

LlRunResult *
ll_test_session_run_one(LlTestSession *s, guint site, const char *serial, GCancellable *cancel,
                        gint64 *run_id, GError **error)
{
  LlSessionUnit unit = { site, serial };
  g_autoptr(GPtrArray) runs = ll_test_session_run(s, &unit, 1, cancel);
  LlSessionRun *run = runs->pdata[0];
  if (run_id)
    *run_id = run->run_id;
  if (run->error) {
    g_propagate_error(error, g_steal_pointer(&run->error));
    return NULL;
  }
  return g_steal_pointer(&run->result);
}
