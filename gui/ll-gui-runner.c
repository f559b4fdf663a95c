/* ll-gui-runner.c: see ll-gui-runner.h. Runs: a thread per unit, started
 * so that it takes part in the bench clock from its first instruction;
 * events queued under a lock and drained by one idle source on the main
 * context, so they arrive in order and in batches however fast a virtual
 * bench produces them. */
#include "ll-gui-runner-private.h"

#include "ll-action.h"
#include "ll-gui-format.h"

#include <string.h>

G_DEFINE_QUARK(ll-gui-error-quark, ll_gui_error)

G_DEFINE_BOXED_TYPE(LlGuiEvent, ll_gui_event, ll_gui_event_copy, ll_gui_event_free)

enum { SIG_EVENT, SIG_RUN_STARTED, SIG_RUN_FINISHED, SIG_RUN_REFUSED, SIG_INSTRUMENT_CHANGED,
       SIG_CALIBRATION_EVENT, SIG_CALIBRATION_FINISHED, SIG_CALIBRATION_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(LlGuiRunner, ll_gui_runner, G_TYPE_OBJECT)

typedef struct {
  LlEventFunc func;
  gpointer data;
} ThreadListener;

typedef struct {
  void (*func)(LlGuiRunner *, gpointer);
  gpointer data;
  GDestroyNotify free_data;
} QueueItem;

void
ll_gui_runner_options_default(LlGuiRunnerOptions *o)
{
  memset(o, 0, sizeof *o);
  ll_demo_options_default(&o->demo);
}

/* ---- events ---- */

LlGuiEvent *
ll_gui_event_copy(const LlGuiEvent *e)
{
  LlGuiEvent *c = g_memdup2(e, sizeof *e);
  c->serial = g_strdup(e->serial);
  c->step_id = g_strdup(e->step_id);
  c->name = g_strdup(e->name);
  c->value_text = g_strdup(e->value_text);
  c->limit_name = g_strdup(e->limit_name);
  c->message = g_strdup(e->message);
  return c;
}

void
ll_gui_event_free(LlGuiEvent *e)
{
  if (!e)
    return;
  g_free(e->serial);
  g_free(e->step_id);
  g_free(e->name);
  g_free(e->value_text);
  g_free(e->limit_name);
  g_free(e->message);
  g_free(e);
}

static LlGuiEvent *
event_from_engine(const LlEvent *ev)
{
  LlGuiEvent *e = g_new0(LlGuiEvent, 1);
  e->kind = ev->kind;
  e->site = ev->site;
  e->serial = g_strdup(ev->serial);
  e->lane = ev->lane;
  e->done = ev->done;
  e->total = ev->total;
  if (ev->step) {
    e->step_id = g_strdup(ev->step->id);
    e->group = ev->step->group;
  }
  if (ev->kind == LL_EVENT_MEASUREMENT && ev->measurement) {
    const LlMeasurement *m = ev->measurement;
    e->lane = m->lane;
    e->name = g_strdup(m->name);
    e->value_text = ll_gui_value_text(&m->value);
    e->judged = m->judged;
    e->verdict = m->judgement.verdict;
    e->limit_name = g_strdup(m->limit_name);
  } else if (ev->kind == LL_EVENT_STEP_FINISHED && ev->step_result) {
    e->lane = ev->step_result->lane;
    e->step_verdict = ev->step_result->verdict;
    e->message = g_strdup(ev->step_result->message);
  }
  return e;
}

/* ---- the queue to the main context ---- */

static gboolean
drain(gpointer data)
{
  LlGuiRunner *r = data;
  for (;;) {
    g_mutex_lock(&r->queue_lock);
    QueueItem *item = g_queue_pop_head(&r->queue);
    if (!item) {
      r->drain_scheduled = FALSE;
      /* every result handed over is handled: let the bench clock move */
      if (r->time_held) {
        r->time_held = FALSE;
        ll_clock_virtual_leave(ll_station_get_clock(r->station));
      }
      g_mutex_unlock(&r->queue_lock);
      return G_SOURCE_REMOVE;
    }
    g_mutex_unlock(&r->queue_lock);
    item->func(r, item->data);
    if (item->free_data)
      item->free_data(item->data);
    g_free(item);
  }
}

/* Queues @item and makes sure a drain is scheduled; queue_lock held. */
static void
post_locked(LlGuiRunner *r, QueueItem *item)
{
  g_queue_push_tail(&r->queue, item);
  if (!r->drain_scheduled) {
    r->drain_scheduled = TRUE;
    GSource *src = g_idle_source_new();
    g_source_set_priority(src, G_PRIORITY_DEFAULT);
    g_source_set_callback(src, drain, g_object_ref(r), g_object_unref);
    g_source_set_static_name(src, "ll-gui-runner-drain");
    g_source_attach(src, r->context);
    g_source_unref(src);
  }
}

void
ll_gui_runner_post(LlGuiRunner *r, void (*func)(LlGuiRunner *, gpointer), gpointer data,
                   GDestroyNotify free_data)
{
  QueueItem *item = g_new(QueueItem, 1);
  *item = (QueueItem) { func, data, free_data };
  g_mutex_lock(&r->queue_lock);
  post_locked(r, item);
  g_mutex_unlock(&r->queue_lock);
}

static void
emit_event(LlGuiRunner *r, gpointer data)
{
  g_signal_emit(r, signals[SIG_EVENT], 0, (LlGuiEvent *) data);
}

/* Queues a copy of @ev for @emit on the main loop; the start and the
 * result of a run travel on their own (run-started, run-finished). */
static void
post_engine_event(LlGuiRunner *r, const LlEvent *ev, void (*emit)(LlGuiRunner *, gpointer))
{
  if (ev->kind != LL_EVENT_RUN_STARTED && ev->kind != LL_EVENT_RUN_FINISHED)
    ll_gui_runner_post(r, emit, event_from_engine(ev), (GDestroyNotify) ll_gui_event_free);
}

/* The engine's listener: on the site's thread. */
static void
on_engine_event(const LlEvent *ev, gpointer data)
{
  LlGuiRunner *r = data;
  post_engine_event(r, ev, emit_event);
  for (guint i = 0; i < r->thread_listeners->len; i++) {
    ThreadListener *l = &g_array_index(r->thread_listeners, ThreadListener, i);
    l->func(ev, l->data);
  }
}

/* ---- GObject ---- */

static void
site_run_free(gpointer p)
{
  LlGuiSiteRun *sr = p;
  g_free(sr->serial);
  g_clear_object(&sr->cancel);
  g_clear_pointer(&sr->measured, ll_calibration_result_free);
  g_free(sr);
}

static void
ll_gui_runner_dispose(GObject *object)
{
  LlGuiRunner *r = LL_GUI_RUNNER(object);
  if (r->sites)
    ll_gui_runner_shutdown(r);
  G_OBJECT_CLASS(ll_gui_runner_parent_class)->dispose(object);
}

static void
ll_gui_runner_finalize(GObject *object)
{
  LlGuiRunner *r = LL_GUI_RUNNER(object);
  QueueItem *item;
  while ((item = g_queue_pop_head(&r->queue))) {
    if (item->free_data)
      item->free_data(item->data);
    g_free(item);
  }
  g_mutex_clear(&r->queue_lock);
  g_clear_pointer(&r->instruments, g_hash_table_unref);
  g_clear_pointer(&r->sites, g_ptr_array_unref);
  g_clear_pointer(&r->thread_listeners, g_array_unref);
  g_clear_pointer(&r->tables, g_ptr_array_unref);
  g_clear_pointer(&r->session, ll_test_session_free);
  g_clear_pointer(&r->context, g_main_context_unref);
  g_free(r->config_path);
  g_free(r->config_text);
  g_free(r->sequences_dir);
  g_free(r->operator_name);
  G_OBJECT_CLASS(ll_gui_runner_parent_class)->finalize(object);
}

static void
ll_gui_runner_class_init(LlGuiRunnerClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS(klass);
  oc->dispose = ll_gui_runner_dispose;
  oc->finalize = ll_gui_runner_finalize;
  signals[SIG_EVENT] = g_signal_new("event", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                    NULL, NULL, G_TYPE_NONE, 1,
                                    LL_GUI_TYPE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIG_RUN_STARTED] = g_signal_new("run-started", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT,
                                          G_TYPE_STRING);
  signals[SIG_RUN_FINISHED] = g_signal_new("run-finished", G_TYPE_FROM_CLASS(klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                           G_TYPE_UINT, G_TYPE_POINTER, G_TYPE_INT64);
  signals[SIG_RUN_REFUSED] = g_signal_new("run-refused", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT,
                                          G_TYPE_STRING);
  signals[SIG_INSTRUMENT_CHANGED] = g_signal_new("instrument-changed", G_TYPE_FROM_CLASS(klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_CALIBRATION_EVENT] = g_signal_new("calibration-event", G_TYPE_FROM_CLASS(klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                                LL_GUI_TYPE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIG_CALIBRATION_FINISHED] = g_signal_new("calibration-finished", G_TYPE_FROM_CLASS(klass),
                                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                   G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIG_CALIBRATION_CHANGED] = g_signal_new("calibration-changed", G_TYPE_FROM_CLASS(klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
ll_gui_runner_init(LlGuiRunner *r)
{
  g_mutex_init(&r->queue_lock);
  g_queue_init(&r->queue);
  r->thread_listeners = g_array_new(FALSE, FALSE, sizeof(ThreadListener));
}

/* ---- opening ---- */

/* The sequence to run when none is given: the shipped final test of the
 * simulated bench's product. */
static gchar *
default_sequence(const LlGuiRunnerOptions *o, GError **error)
{
  if (!o->config_path)
    return ll_demo_sequence_path(o->demo.sequences_dir, o->demo.product);
  g_autoptr(LlStationConfig) cfg = ll_station_config_load(o->config_path, NULL, error);
  if (!cfg)
    return NULL;
  if (!cfg->simulation) {
    g_set_error(error, LL_GUI_ERROR, LL_GUI_ERROR_INPUT,
                "%s has no simulated bench, so there is no default sequence: give --sequence FILE",
                cfg->path);
    return NULL;
  }
  return ll_demo_sequence_path(o->demo.sequences_dir, cfg->simulation->product);
}

LlGuiRunner *
ll_gui_runner_new(const LlGuiRunnerOptions *o, GError **error)
{
  g_autofree gchar *text = NULL;
  if (!o->config_path) {
    LlDemoOptions demo = o->demo;
    demo.realtime = o->realtime;
    if (!(text = ll_demo_station_text(&demo, error)))
      return NULL;
  }
  g_autofree gchar *seq_path = o->sequence_path ? g_strdup(o->sequence_path) : default_sequence(o, error);
  if (!seq_path)
    return NULL;
  /* the demo station's shift is simulated: commits need not wait for the disk */
  LlTestSessionOptions so = {
    .config_path = o->config_path ? o->config_path : "demo-station.ini",
    .config_text = text,
    .sequence_path = seq_path,
    .database = o->database ? o->database : !o->config_path ? LL_GUI_DEMO_DATABASE : NULL,
    .store_flags = text ? LL_STORE_OPEN_SYNC_NORMAL : LL_STORE_OPEN_DEFAULT,
    .operator_name = o->operator_name ? o->operator_name : g_get_user_name(),
    .lot = o->lot,
  };
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_autoptr(GError) err = NULL;
  g_autoptr(LlTestSession) session = ll_test_session_open(&so, diags, &err);
  if (!session) {
    g_autofree gchar *listed = ll_diag_list_format(diags);
    gboolean in_diags = g_error_matches(err, LL_SESSION_ERROR, LL_SESSION_ERROR_SEQUENCE) && *listed;
    g_set_error(error, LL_GUI_ERROR, LL_GUI_ERROR_INPUT, "%s", in_diags ? listed : err->message);
    return NULL;
  }
  LlStation *station = ll_test_session_station(session);
  const LlStationConfig *c = ll_station_config(station);
  if (c->sites->len == 0) {
    g_set_error(error, LL_GUI_ERROR, LL_GUI_ERROR_INPUT,
                "%s has no [site N] to test in: add [site 1] with evb = NAME", c->path);
    return NULL;
  }
  /* the limits tables, to show (the session judges with its own copy) */
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(LlDiagList) again = ll_diag_list_new();
  if (!ll_sequence_check_file(seq_path, ll_actions_catalog(), again, NULL, &tables)) {
    g_set_error(error, LL_GUI_ERROR, LL_GUI_ERROR_INPUT, "%s changed while it was opened", seq_path);
    return NULL;
  }

  LlGuiRunner *r = g_object_new(LL_GUI_TYPE_RUNNER, NULL);
  r->context = g_main_context_ref_thread_default();
  r->main_thread = g_thread_self();
  r->session = g_steal_pointer(&session);
  r->station = station;
  r->seq = ll_test_session_sequence(r->session);
  r->tables = g_steal_pointer(&tables);
  r->config_path = g_strdup(so.config_path);
  r->config_text = g_steal_pointer(&text);
  r->sequences_dir = g_strdup(o->demo.sequences_dir);
  r->operator_name = g_strdup(so.operator_name);
  ll_test_session_add_listener(r->session, on_engine_event, r);
  r->sites = g_ptr_array_new_with_free_func(site_run_free);
  for (guint i = 0; i < c->sites->len; i++) {
    LlGuiSiteRun *sr = g_new0(LlGuiSiteRun, 1);
    sr->runner = r;
    sr->site = ((LlSiteConfig *) c->sites->pdata[i])->number;
    g_ptr_array_add(r->sites, sr);
  }
  ll_gui_runner_instruments_init(r);
  /* the bench clock was made on this thread, which so takes part in it; a
   * main loop waiting for events is not work: let the sites hold time */
  ll_clock_virtual_leave(ll_station_get_clock(r->station));
  return r;
}

LlStore *
ll_gui_runner_get_store(LlGuiRunner *r)
{
  return ll_test_session_store(r->session);
}

LlStation *
ll_gui_runner_get_station(LlGuiRunner *r)
{
  return r->station;
}

const LlStationConfig *
ll_gui_runner_get_config(LlGuiRunner *r)
{
  return ll_station_config(r->station);
}

const LlSequence *
ll_gui_runner_get_sequence(LlGuiRunner *r)
{
  return r->seq;
}

GPtrArray *
ll_gui_runner_get_tables(LlGuiRunner *r)
{
  return r->tables;
}

guint
ll_gui_runner_n_sites(LlGuiRunner *r)
{
  return r->sites->len;
}

guint
ll_gui_runner_site_number(LlGuiRunner *r, guint index)
{
  g_return_val_if_fail(index < r->sites->len, 0);
  return ((LlGuiSiteRun *) r->sites->pdata[index])->site;
}

gboolean
ll_gui_runner_is_virtual(LlGuiRunner *r)
{
  return ll_station_get_clock(r->station)->is_virtual;
}

static LlGuiSiteRun *
site_run(LlGuiRunner *r, guint site)
{
  for (guint i = 0; i < r->sites->len; i++) {
    LlGuiSiteRun *sr = r->sites->pdata[i];
    if (sr->site == site)
      return sr;
  }
  return NULL;
}

/* ---- calibration ---- */

void
ll_gui_today(GDate *out)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local();
  g_date_clear(out, 1);
  g_date_set_dmy(out, (GDateDay) g_date_time_get_day_of_month(now),
                 (GDateMonth) g_date_time_get_month(now), (GDateYear) g_date_time_get_year(now));
}

LlGuiCalState
ll_gui_calibration_state(const LlInstrumentConfig *inst, const GDate *today, gint *days_left)
{
  gboolean dated = g_date_valid(&inst->cal_due);
  if (days_left)
    *days_left = dated ? g_date_days_between(today, &inst->cal_due) : 0;
  if (!dated)
    return ll_instrument_class_needs_calibration(inst->klass) ? LL_GUI_CAL_MISSING
                                                              : LL_GUI_CAL_NOT_NEEDED;
  gint days = g_date_days_between(today, &inst->cal_due);
  if (days < 0)
    return LL_GUI_CAL_EXPIRED;
  return days <= LL_GUI_CAL_WARN_DAYS ? LL_GUI_CAL_DUE_SOON : LL_GUI_CAL_VALID;
}

gchar *
ll_gui_calibration_text(const LlInstrumentConfig *inst, const GDate *today)
{
  gint days = 0;
  LlGuiCalState state = ll_gui_calibration_state(inst, today, &days);
  gchar due[16] = "";
  if (g_date_valid(&inst->cal_due))
    g_date_strftime(due, sizeof due, "%Y-%m-%d", &inst->cal_due);
  switch (state) {
  case LL_GUI_CAL_NOT_NEEDED:
    return g_strdup("no calibration needed");
  case LL_GUI_CAL_VALID:
    return g_strdup_printf("calibrated until %s", due);
  case LL_GUI_CAL_DUE_SOON:
    return g_strdup_printf("calibration due on %s, in %d day%s: book it now", due, days,
                           days == 1 ? "" : "s");
  case LL_GUI_CAL_EXPIRED:
    return g_strdup_printf("calibration expired on %s: do not test; call the test engineer to "
                           "have it calibrated (then cal-due and cal-cert are updated in the "
                           "station file)", due);
  case LL_GUI_CAL_MISSING:
  default:
    return g_strdup("no calibration date in the station file: the test engineer adds cal-due "
                    "and cal-cert");
  }
}

GPtrArray *
ll_gui_runner_site_instruments(LlGuiRunner *r, guint site)
{
  return ll_engine_site_instruments(ll_test_session_engine(r->session), site);
}

gboolean
ll_gui_runner_check_calibration(LlGuiRunner *r, guint site, const GDate *today, GError **error)
{
  g_autoptr(GPtrArray) used = ll_gui_runner_site_instruments(r, site);
  for (guint i = 0; i < used->len; i++) {
    const LlInstrumentConfig *ic = ll_instrument_config(used->pdata[i]);
    LlGuiCalState state = ll_gui_calibration_state(ic, today, NULL);
    if (state == LL_GUI_CAL_EXPIRED || state == LL_GUI_CAL_MISSING) {
      g_autofree gchar *text = ll_gui_calibration_text(ic, today);
      g_set_error(error, LL_GUI_ERROR, LL_GUI_ERROR_CALIBRATION, "%s (%s): %s", ic->name,
                  ll_instrument_class_name(ic->klass), text);
      return FALSE;
    }
  }
  return ll_gui_runner_check_path_loss(r, site, error);
}

gboolean
ll_gui_runner_calibrates_paths(LlGuiRunner *r)
{
  return ll_gui_runner_get_config(r)->path_loss_expiry_h > 0;
}

gboolean
ll_gui_runner_check_path_loss(LlGuiRunner *r, guint site, GError **error)
{
  g_autoptr(GError) err = NULL;
  if (ll_calibration_check_site(ll_test_session_engine(r->session), r->station,
                                ll_gui_runner_get_store(r), site, &err))
    return TRUE;
  /* the station's message tells how to calibrate on the command line: here
   * it is done on the Calibration screen */
  g_autoptr(GString) msg = g_string_new(err->message);
  const char *how = strstr(msg->str, ": calibrate the site with its golden module first");
  if (how) {
    g_string_truncate(msg, (gsize) (how - msg->str));
    g_string_append(msg, ": calibrate the site with its golden module first (Calibration screen, Alt+5)");
  }
  g_set_error_literal(error, LL_GUI_ERROR, LL_GUI_ERROR_CALIBRATION, msg->str);
  return FALSE;
}

/* ---- runs ---- */

typedef struct {
  guint site;
  LlRunResult *result; /* NULL when the session refused the unit */
  gint64 run_id;
  GError *refused;
} Finished;

static void
finished_free(gpointer p)
{
  Finished *f = p;
  g_clear_pointer(&f->result, ll_run_result_free);
  g_clear_error(&f->refused);
  g_free(f);
}

/* On the main loop once the thread of @site has handed over: the site is
 * idle again. */
static LlGuiSiteRun *
site_ended(LlGuiRunner *r, guint site)
{
  LlGuiSiteRun *sr = site_run(r, site);
  g_return_val_if_fail(sr != NULL, NULL);
  if (sr->thread) {
    g_thread_join(sr->thread);
    sr->thread = NULL;
  }
  g_clear_object(&sr->cancel);
  sr->calibrating = FALSE;
  return sr;
}

static void
finish_run(LlGuiRunner *r, gpointer data)
{
  Finished *f = data;
  if (!site_ended(r, f->site))
    return;
  if (f->result)
    g_signal_emit(r, signals[SIG_RUN_FINISHED], 0, f->site, f->result, f->run_id);
  else
    g_signal_emit(r, signals[SIG_RUN_REFUSED], 0, f->site, f->refused->message);
}

/* The end of a site's thread: queues @func(@data) for the main loop and
 * leaves the bench clock. */
static void
hand_to_main(LlGuiRunner *r, void (*func)(LlGuiRunner *, gpointer), gpointer data,
             GDestroyNotify free_data)
{
  /* on a virtual clock, time waits for the main loop to take the result
   * (as it would for an operator to see the verdict and load the next
   * unit): the main thread takes part until the queue is drained */
  LlClock *clock = ll_station_get_clock(r->station);
  QueueItem *item = g_new(QueueItem, 1);
  *item = (QueueItem) { func, data, free_data };
  g_mutex_lock(&r->queue_lock);
  if (clock->is_virtual && !r->shut_down) {
    ll_clock_virtual_hand_over(clock, r->main_thread);
    r->time_held = TRUE;
  }
  post_locked(r, item);
  g_mutex_unlock(&r->queue_lock);
  ll_clock_virtual_leave(clock);
}

static gpointer
site_thread(gpointer data)
{
  LlGuiSiteRun *sr = data;
  LlGuiRunner *r = sr->runner;
  Finished *f = g_new0(Finished, 1);
  f->site = sr->site;
  /* the session puts the unit into its fixture, tests it and records it */
  f->result = ll_test_session_run_one(r->session, sr->site, sr->serial, sr->cancel, &f->run_id,
                                      &f->refused);
  hand_to_main(r, finish_run, f, finished_free);
  return NULL;
}

/* Site @site when it exists and is idle; NULL with @error when it does not
 * exist or is busy (testing a unit or being calibrated). */
static LlGuiSiteRun *
idle_site(LlGuiRunner *r, guint site, GError **error)
{
  LlGuiSiteRun *sr = site_run(r, site);
  if (!sr) {
    g_set_error(error, LL_GUI_ERROR, LL_GUI_ERROR_NO_SITE, "the station has no site %u", site);
    return NULL;
  }
  if (!sr->thread)
    return sr;
  if (sr->calibrating)
    g_set_error(error, LL_GUI_ERROR, LL_GUI_ERROR_BUSY,
                "site %u is being calibrated with golden module %s: wait for it to finish, or stop it "
                "on the Calibration screen", sr->site, sr->serial);
  else
    g_set_error(error, LL_GUI_ERROR, LL_GUI_ERROR_BUSY,
                "site %u is testing %s: wait for its verdict or abort it", sr->site, sr->serial);
  return NULL;
}

gboolean
ll_gui_runner_start(LlGuiRunner *r, guint site, const char *serial, GError **error)
{
  LlGuiSiteRun *sr = idle_site(r, site, error);
  if (!sr)
    return FALSE;
  GDate today;
  ll_gui_today(&today);
  if (!ll_gui_runner_check_calibration(r, site, &today, error) ||
      !ll_test_session_check_unit(r->session, serial, error))
    return FALSE;
  g_free(sr->serial);
  sr->serial = g_strdup(serial);
  sr->cancel = g_cancellable_new();
  r->started_once = TRUE;
  g_autofree gchar *name = g_strdup_printf("site-%u", site);
  sr->thread = ll_clock_virtual_thread_new(ll_station_get_clock(r->station), name, site_thread, sr);
  g_signal_emit(r, signals[SIG_RUN_STARTED], 0, site, serial);
  return TRUE;
}

void
ll_gui_runner_abort(LlGuiRunner *r, guint site)
{
  LlGuiSiteRun *sr = site_run(r, site);
  if (sr && sr->cancel)
    g_cancellable_cancel(sr->cancel);
}

gboolean
ll_gui_runner_is_busy(LlGuiRunner *r, guint site)
{
  LlGuiSiteRun *sr = site_run(r, site);
  return sr && sr->thread;
}

void
ll_gui_runner_shutdown(LlGuiRunner *r)
{
  /* joining is not work: the sites' cleanup must be able to move time */
  g_mutex_lock(&r->queue_lock);
  r->shut_down = TRUE;
  r->time_held = FALSE;
  g_mutex_unlock(&r->queue_lock);
  ll_clock_virtual_leave(ll_station_get_clock(r->station));
  for (guint i = 0; i < r->sites->len; i++) {
    LlGuiSiteRun *sr = r->sites->pdata[i];
    if (sr->cancel)
      g_cancellable_cancel(sr->cancel);
  }
  for (guint i = 0; i < r->sites->len; i++) {
    LlGuiSiteRun *sr = r->sites->pdata[i];
    if (sr->thread) {
      g_thread_join(sr->thread);
      sr->thread = NULL;
    }
  }
}

void
ll_gui_runner_add_thread_listener(LlGuiRunner *r, LlEventFunc func, gpointer data)
{
  g_return_if_fail(!r->started_once);
  ThreadListener l = { func, data };
  g_array_append_val(r->thread_listeners, l);
}

/* ---- path-loss calibration ---- */

typedef struct {
  guint site;
  LlCalibrationResult *result; /* NULL when it could not run */
  gchar *error;
} Calibrated;

static void
calibrated_free(gpointer p)
{
  Calibrated *c = p;
  g_clear_pointer(&c->result, ll_calibration_result_free);
  g_free(c->error);
  g_free(c);
}

static void
emit_calibration_event(LlGuiRunner *r, gpointer data)
{
  g_signal_emit(r, signals[SIG_CALIBRATION_EVENT], 0, (LlGuiEvent *) data);
}

/* The calibration run's listener: on the site's thread. */
static void
on_calibration_event(const LlEvent *ev, gpointer data)
{
  LlGuiSiteRun *sr = data;
  post_engine_event(sr->runner, ev, emit_calibration_event);
}

static void
finish_calibration(LlGuiRunner *r, gpointer data)
{
  Calibrated *c = data;
  LlGuiSiteRun *sr = site_ended(r, c->site);
  if (!sr)
    return;
  g_clear_pointer(&sr->measured, ll_calibration_result_free);
  sr->measured = g_steal_pointer(&c->result);
  g_signal_emit(r, signals[SIG_CALIBRATION_FINISHED], 0, c->site, c->error);
}

static gpointer
calibration_thread(gpointer data)
{
  LlGuiSiteRun *sr = data;
  LlGuiRunner *r = sr->runner;
  Calibrated *c = g_new0(Calibrated, 1);
  c->site = sr->site;
  LlCalibrationOptions o = {
    .config_path = r->config_path,
    .config_text = r->config_text,
    .sequences_dir = r->sequences_dir,
    .site = sr->site,
    .golden_serial = sr->serial,
    .operator_name = r->operator_name,
    .cancel = sr->cancel,
    .measure_only = TRUE,
    .station = r->station,
    .store = ll_gui_runner_get_store(r),
    .progress = on_calibration_event,
    .progress_data = sr,
  };
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  g_autoptr(GError) err = NULL;
  c->result = ll_calibrate_path_loss(&o, diags, &err);
  if (!c->result)
    c->error = ll_diag_list_length(diags) ? ll_diag_list_format(diags) : g_strdup(err->message);
  hand_to_main(r, finish_calibration, c, calibrated_free);
  return NULL;
}

gboolean
ll_gui_runner_calibrate(LlGuiRunner *r, guint site, const char *golden_serial, GError **error)
{
  if (!ll_gui_runner_calibrates_paths(r)) {
    g_set_error(error, LL_GUI_ERROR, LL_GUI_ERROR_INPUT,
                "%s does not calibrate its optical paths: the sequences' nominal path offsets are used "
                "(set path-loss-expiry-h in [station] to calibrate them)",
                ll_gui_runner_get_config(r)->path);
    return FALSE;
  }
  LlGuiSiteRun *sr = idle_site(r, site, error);
  if (!sr)
    return FALSE;
  g_clear_pointer(&sr->measured, ll_calibration_result_free);
  g_free(sr->serial);
  sr->serial = g_strdup(golden_serial);
  sr->cancel = g_cancellable_new();
  sr->calibrating = TRUE;
  g_autofree gchar *name = g_strdup_printf("calibrate-%u", site);
  sr->thread = ll_clock_virtual_thread_new(ll_station_get_clock(r->station), name, calibration_thread, sr);
  return TRUE;
}

gboolean
ll_gui_runner_is_calibrating(LlGuiRunner *r, guint site)
{
  LlGuiSiteRun *sr = site_run(r, site);
  return sr && sr->calibrating;
}

const LlCalibrationResult *
ll_gui_runner_measured_calibration(LlGuiRunner *r, guint site)
{
  LlGuiSiteRun *sr = site_run(r, site);
  return sr ? sr->measured : NULL;
}

gint64
ll_gui_runner_accept_calibration(LlGuiRunner *r, guint site, GError **error)
{
  LlGuiSiteRun *sr = site_run(r, site);
  if (!sr || !sr->measured) {
    g_set_error(error, LL_GUI_ERROR, LL_GUI_ERROR_INPUT, "site %u has no calibration to accept: run one first",
                site);
    return 0;
  }
  if (!ll_calibration_accept(ll_gui_runner_get_store(r), sr->measured, error))
    return 0;
  gint64 id = sr->measured->set_id;
  g_clear_pointer(&sr->measured, ll_calibration_result_free);
  g_signal_emit(r, signals[SIG_CALIBRATION_CHANGED], 0, site);
  return id;
}

void
ll_gui_runner_discard_calibration(LlGuiRunner *r, guint site)
{
  LlGuiSiteRun *sr = site_run(r, site);
  if (sr)
    g_clear_pointer(&sr->measured, ll_calibration_result_free);
}
