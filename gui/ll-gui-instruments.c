/* ll-gui-instruments.c: the runner's instruments: opening and closing
 * them for the instruments screen and the station status, and the SCPI
 * console. Every exchange with an instrument happens on a GTask worker
 * thread under a lease of the whole instrument, so it waits for a site's
 * step rather than interleaving with it, and the main loop never waits. */
#include "ll-gui-runner-private.h"

#include <string.h>

void
ll_gui_instrument_state_free(LlGuiInstrumentState *s)
{
  if (!s)
    return;
  g_free(s->name);
  g_free(s->maker);
  g_free(s->model);
  g_free(s->serial);
  g_free(s->firmware);
  g_free(s->error);
  g_free(s);
}

void
ll_gui_runner_instruments_init(LlGuiRunner *r)
{
  r->instruments = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) ll_gui_instrument_state_free);
  GPtrArray *all = ll_station_instruments(r->station);
  for (guint i = 0; i < all->len; i++) {
    LlGuiInstrumentState *s = g_new0(LlGuiInstrumentState, 1);
    s->name = g_strdup(ll_instrument_config(all->pdata[i])->name);
    g_hash_table_insert(r->instruments, s->name, s);
  }
}

const LlGuiInstrumentState *
ll_gui_runner_instrument(LlGuiRunner *r, const char *name)
{
  return g_hash_table_lookup(r->instruments, name);
}

/* ---- connect / disconnect ---- */

typedef struct {
  LlStation *station;
  gchar *name;
  gboolean connect;
} ConnectJob;

static void
connect_job_free(gpointer p)
{
  ConnectJob *j = p;
  g_free(j->name);
  g_free(j);
}

static void
idn_free(LlIdn *idn)
{
  ll_idn_clear(idn);
  g_free(idn);
}

static void
connect_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  ConnectJob *j = data;
  LlInstrument *inst = ll_station_instrument(j->station, j->name);
  LlLease lease = { inst, LL_PARTS_ALL };
  GError *err = NULL;
  if (!j->connect) {
    ll_instrument_reset(j->station, inst);
    g_task_return_pointer(task, NULL, NULL);
    return;
  }
  if (!ll_station_lease(j->station, &lease, 1, &err)) {
    g_task_return_error(task, err);
    return;
  }
  LlIdn *idn = g_new0(LlIdn, 1);
  const LlIdn *got = ll_instrument_idn(inst);
  if (got) {
    idn->maker = g_strdup(got->maker);
    idn->model = g_strdup(got->model);
    idn->serial = g_strdup(got->serial);
    idn->firmware = g_strdup(got->firmware);
  }
  ll_station_release(j->station, &lease, 1);
  g_task_return_pointer(task, idn, (GDestroyNotify) idn_free);
}

static void
connect_done(GObject *source, GAsyncResult *result, gpointer data)
{
  LlGuiRunner *r = LL_GUI_RUNNER(source);
  ConnectJob *j = g_task_get_task_data(G_TASK(result));
  LlGuiInstrumentState *s = g_hash_table_lookup(r->instruments, j->name);
  g_autoptr(GError) err = NULL;
  LlIdn *idn = g_task_propagate_pointer(G_TASK(result), &err);
  g_clear_pointer(&s->error, g_free);
  if (err) {
    s->connection = LL_GUI_INSTRUMENT_FAILED;
    s->error = g_strdup(err->message);
  } else if (!j->connect) {
    s->connection = LL_GUI_INSTRUMENT_DISCONNECTED;
  } else {
    s->connection = LL_GUI_INSTRUMENT_CONNECTED;
    g_free(s->maker);
    g_free(s->model);
    g_free(s->serial);
    g_free(s->firmware);
    s->maker = g_strdup(idn ? idn->maker : NULL);
    s->model = g_strdup(idn ? idn->model : NULL);
    s->serial = g_strdup(idn ? idn->serial : NULL);
    s->firmware = g_strdup(idn ? idn->firmware : NULL);
  }
  if (idn)
    idn_free(idn);
  g_signal_emit_by_name(r, "instrument-changed", j->name);
}

void
ll_gui_runner_connect_instrument(LlGuiRunner *r, const char *name, gboolean connect)
{
  LlGuiInstrumentState *s = g_hash_table_lookup(r->instruments, name);
  g_return_if_fail(s != NULL);
  if (s->connection == LL_GUI_INSTRUMENT_CONNECTING)
    return;
  s->connection = LL_GUI_INSTRUMENT_CONNECTING;
  g_signal_emit_by_name(r, "instrument-changed", name);
  ConnectJob *j = g_new0(ConnectJob, 1);
  *j = (ConnectJob) { r->station, g_strdup(name), connect };
  g_autoptr(GTask) task = g_task_new(r, NULL, connect_done, NULL);
  g_task_set_task_data(task, j, connect_job_free);
  g_task_set_name(task, "ll-gui-connect");
  g_task_run_in_thread(task, connect_thread);
}

void
ll_gui_runner_connect_all(LlGuiRunner *r)
{
  GPtrArray *all = ll_station_instruments(r->station);
  for (guint i = 0; i < all->len; i++)
    ll_gui_runner_connect_instrument(r, ll_instrument_config(all->pdata[i])->name, TRUE);
}

gboolean
ll_gui_runner_connecting(LlGuiRunner *r)
{
  GHashTableIter it;
  gpointer state;
  g_hash_table_iter_init(&it, r->instruments);
  while (g_hash_table_iter_next(&it, NULL, &state))
    if (((LlGuiInstrumentState *) state)->connection == LL_GUI_INSTRUMENT_CONNECTING)
      return TRUE;
  return FALSE;
}

/* ---- SCPI console ---- */

typedef struct {
  LlStation *station;
  gchar *name;
  gchar *line;
} ScpiJob;

static void
scpi_job_free(gpointer p)
{
  ScpiJob *j = p;
  g_free(j->name);
  g_free(j->line);
  g_free(j);
}

static LlScpi *
instrument_scpi(LlInstrument *inst)
{
  switch (ll_instrument_config(inst)->klass) {
  case LL_CLASS_POWER_METER: return ll_power_meter_scpi(ll_instrument_power_meter(inst));
  case LL_CLASS_ATTENUATOR: return ll_attenuator_scpi(ll_instrument_attenuator(inst));
  case LL_CLASS_OPTICAL_SWITCH: return ll_optical_switch_scpi(ll_instrument_switch(inst));
  case LL_CLASS_BERT: return ll_bert_scpi(ll_instrument_bert(inst));
  case LL_CLASS_SCOPE: return ll_scope_scpi(ll_instrument_scope(inst));
  case LL_CLASS_EVB: return ll_evb_scpi(ll_instrument_evb(inst));
  default: return NULL;
  }
}

static void
scpi_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  ScpiJob *j = data;
  LlInstrument *inst = ll_station_instrument(j->station, j->name);
  LlLease lease = { inst, LL_PARTS_ALL };
  GError *err = NULL;
  if (!ll_station_lease(j->station, &lease, 1, &err)) {
    g_task_return_error(task, err);
    return;
  }
  LlScpi *scpi = instrument_scpi(inst);
  gchar *reply = NULL;
  if (strchr(j->line, '?')) {
    reply = ll_scpi_query(scpi, j->line, &err);
  } else if (ll_scpi_write(scpi, j->line, &err)) {
    /* a command answers nothing: what it did shows in the error queue */
    reply = ll_scpi_check_errors(scpi, &err) ? g_strdup("0,\"No error\"") : NULL;
  }
  ll_station_release(j->station, &lease, 1);
  if (reply)
    g_task_return_pointer(task, reply, g_free);
  else
    g_task_return_error(task, err);
}

void
ll_gui_runner_scpi_async(LlGuiRunner *r, const char *name, const char *line, GCancellable *cancel,
                         GAsyncReadyCallback callback, gpointer data)
{
  g_autoptr(GTask) task = g_task_new(r, cancel, callback, data);
  g_task_set_name(task, "ll-gui-scpi");
  if (!ll_station_instrument(r->station, name)) {
    g_task_return_new_error(task, LL_GUI_ERROR, LL_GUI_ERROR_INPUT, "no instrument %s", name);
    return;
  }
  ScpiJob *j = g_new0(ScpiJob, 1);
  *j = (ScpiJob) { r->station, g_strdup(name), g_strstrip(g_strdup(line)) };
  g_task_set_task_data(task, j, scpi_job_free);
  g_task_run_in_thread(task, scpi_thread);
}

gchar *
ll_gui_runner_scpi_finish(LlGuiRunner *r, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail(g_task_is_valid(result, r), NULL);
  return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---- module inspector ---- */

static void
inspect_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  LlGuiRunner *r = source;
  GError *err = NULL;
  LlModuleView *view = ll_station_inspect_module(r->station, GPOINTER_TO_UINT(data), &err);
  if (view)
    g_task_return_pointer(task, view, (GDestroyNotify) ll_module_view_free);
  else
    g_task_return_error(task, err);
}

void
ll_gui_runner_inspect_async(LlGuiRunner *r, guint site, GCancellable *cancel,
                            GAsyncReadyCallback callback, gpointer data)
{
  g_autoptr(GTask) task = g_task_new(r, cancel, callback, data);
  g_task_set_name(task, "ll-gui-inspect");
  g_task_set_task_data(task, GUINT_TO_POINTER(site), NULL);
  g_task_run_in_thread(task, inspect_thread);
}

LlModuleView *
ll_gui_runner_inspect_finish(LlGuiRunner *r, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail(g_task_is_valid(result, r), NULL);
  return g_task_propagate_pointer(G_TASK(result), error);
}
