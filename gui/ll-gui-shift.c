/* ll-gui-shift.c: --shift N, a simulated shift through the operator
 * screen. Each idle site gets the next serial typed into its entry and
 * Enter, as a barcode scanner does; each verdict is printed as it comes,
 * then a summary like `lightline demo`'s. Sites started together start at
 * one instant of a virtual bench clock (this thread holds time while it
 * starts them), as a verdict holds it until the next unit is started. */
#include "ll-gui-modes.h"

#include <math.h>
#include <stdio.h>

typedef struct {
  LlGuiWindow *win;
  LlGuiRunner *runner;
  guint units, next, finished;
  guint counts[LL_OUTCOME_INCOMPLETE + 1];
  GHashTable *bins;  /* "number name" -> count */
  gint64 t0;
  LlGuiModeDone done;
  gpointer data;
  gboolean stopped;
} Shift;

gchar *
ll_gui_shift_serial(guint index)
{
  return g_strdup_printf("LL%02u%c%05u", 26, 'D', index + 1);
}

static void
shift_free(Shift *s)
{
  g_hash_table_unref(s->bins);
  g_object_unref(s->runner);
  g_free(s);
}

static void
stop(Shift *s, int status)
{
  if (s->stopped)
    return;
  s->stopped = TRUE;
  g_signal_handlers_disconnect_by_data(s->runner, s);
  s->done(status, s->data);
  shift_free(s);
}

/* Types the next serials into their sites, once idle, and presses Enter.
 * Unit i goes to the i-th site round the station (as `lightline demo`
 * loads them), so which fixture tests a unit never depends on which site
 * happened to finish first. */
static void
feed(Shift *s)
{
  LlClock *clock = ll_station_get_clock(ll_gui_runner_get_station(s->runner));
  gboolean joined = !ll_clock_virtual_takes_part(clock);
  if (joined)
    ll_clock_virtual_join(clock);
  LlGuiOperator *op = ll_gui_window_get_operator(s->win);
  guint n_sites = ll_gui_runner_n_sites(s->runner);
  while (s->next < s->units) {
    guint number = ll_gui_runner_site_number(s->runner, s->next % n_sites);
    if (ll_gui_runner_is_busy(s->runner, number))
      break;
    LlGuiSite *site = ll_gui_operator_get_site(op, number);
    GtkWidget *entry = ll_gui_site_get_entry(site);
    g_autofree gchar *serial = ll_gui_shift_serial(s->next++);
    gtk_editable_set_text(GTK_EDITABLE(entry), serial);
    g_signal_emit_by_name(entry, "activate"); /* the scanner's Enter */
    if (!ll_gui_runner_is_busy(s->runner, number)) {
      const char *why = ll_gui_site_get_message(site);
      fprintf(stderr, "lightline-station: site %u refused %s: %s\n", number, serial,
              why ? why : "?");
      if (joined)
        ll_clock_virtual_leave(clock);
      stop(s, 3);
      return;
    }
  }
  if (joined)
    ll_clock_virtual_leave(clock);
}

static void
print_summary(Shift *s)
{
  guint tested = s->finished;
  guint pass = s->counts[LL_OUTCOME_PASS];
  printf("\n%u units: %u PASS, %u FAIL, %u ERROR, %u ABORTED; yield %.1f %%\n", tested, pass,
         s->counts[LL_OUTCOME_FAIL], s->counts[LL_OUTCOME_ERROR], s->counts[LL_OUTCOME_ABORTED],
         tested ? 100.0 * pass / tested : 0.0);
  printf("bins:\n");
  g_autoptr(GList) keys = g_hash_table_get_keys(s->bins);
  keys = g_list_sort(keys, (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l; l = l->next)
    printf("  %-24s %u\n", (const char *) l->data, GPOINTER_TO_UINT(g_hash_table_lookup(s->bins, l->data)));
  LlClock *clock = ll_station_get_clock(ll_gui_runner_get_station(s->runner));
  double hours = (ll_clock_now(clock) - s->t0) / 3.6e9;
  printf("station time %.2f h, %.0f units per hour\n", hours, hours > 0 ? tested / hours : 0.0);
  fflush(stdout);
}

static void
on_run_finished(LlGuiRunner *runner, guint site, gpointer result, gint64 run_id, Shift *s)
{
  const LlRunResult *r = result;
  s->finished++;
  s->counts[r->outcome]++;
  g_autofree gchar *key = r->bin ? g_strdup_printf("%u %s", r->bin->number, r->bin->name)
                                 : g_strdup(ll_outcome_name(r->outcome));
  g_hash_table_insert(s->bins, g_strdup(key),
                      GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(s->bins, key)) + 1));
  printf("%4u  %s  site %u  %-7s %s\n", s->finished, r->serial, r->site, ll_outcome_name(r->outcome),
         r->bin ? r->bin->name : r->message ? r->message : "");
  fflush(stdout);
  if (s->finished == s->units) {
    print_summary(s);
    stop(s, s->counts[LL_OUTCOME_ABORTED] ? 3 : 0);
    return;
  }
  feed(s);
}

static void
on_instrument_changed(LlGuiRunner *runner, const char *name, Shift *s)
{
  if (ll_gui_runner_connecting(runner))
    return;
  g_signal_handlers_disconnect_by_func(runner, on_instrument_changed, s);
  feed(s);
}

void
ll_gui_shift_start(LlGuiWindow *win, guint units, LlGuiModeDone done, gpointer data)
{
  Shift *s = g_new0(Shift, 1);
  s->win = win;
  s->runner = g_object_ref(ll_gui_window_get_runner(win));
  s->units = units;
  s->bins = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  s->done = done;
  s->data = data;
  const LlSequence *seq = ll_gui_runner_get_sequence(s->runner);
  printf("shift: %u units of %s on %u sites through the operator screen, %s time\n", units,
         seq->product, ll_gui_runner_n_sites(s->runner),
         ll_gui_runner_is_virtual(s->runner) ? "virtual" : "real");
  s->t0 = ll_clock_now(ll_station_get_clock(ll_gui_runner_get_station(s->runner)));
  /* after the operator screen's handler, so it shows the verdict first */
  g_signal_connect_after(s->runner, "run-finished", G_CALLBACK(on_run_finished), s);
  /* the instruments are being opened: the first units start once they
   * are (an opening leases a whole instrument, and which of it and a site
   * gets there first would make a virtual-time shift differ run to run) */
  if (ll_gui_runner_connecting(s->runner))
    g_signal_connect(s->runner, "instrument-changed", G_CALLBACK(on_instrument_changed), s);
  else
    feed(s);
}
