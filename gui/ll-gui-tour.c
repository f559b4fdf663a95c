/* ll-gui-tour.c: --screenshots DIR. Drives the window as an operator and
 * an engineer would and writes a PNG of each screen. To catch the
 * operator screen mid-run on a virtual clock (where a unit takes a blink),
 * each site is held at the start of a chosen step by a listener on its
 * thread (it leaves the bench clock while it waits, so nothing else
 * stalls); the screens are shot while held, then the runs are let go and
 * shot again with their verdicts. The units are chosen so one passes and
 * one fails on the demo bench (seed 1). Then a shift of SHIFT_UNITS units
 * through the operator screen fills the store for the Quality screen's
 * browser (a failed unit's detail) and charts (the Pareto, a
 * distribution). */
#include "ll-gui-modes.h"
#include "ll-gui-pages.h"

#include <stdio.h>

typedef struct {
  guint site;
  const char *step;
  guint lane;
  const char *serial;
  gboolean held, released;
} Hold;

static GMutex hold_lock;
static GCond hold_cond;
static Hold holds[] = {
  { 1, "rx-ber", 5, "LL26D00001", FALSE, FALSE },
  { 2, "tx-eye", 6, "LL26D00020", FALSE, FALSE },
};
static LlClock *hold_clock;

static void
hold_listener(const LlEvent *ev, gpointer data)
{
  if (ev->kind != LL_EVENT_STEP_STARTED)
    return;
  for (gsize i = 0; i < G_N_ELEMENTS(holds); i++) {
    Hold *h = &holds[i];
    if (h->site != ev->site || h->lane != ev->lane || g_strcmp0(h->step, ev->step->id) != 0)
      continue;
    /* waiting for the tour is not work: leave the clock meanwhile */
    gboolean took_part = ll_clock_virtual_leave(hold_clock);
    g_mutex_lock(&hold_lock);
    h->held = TRUE;
    while (!h->released)
      g_cond_wait(&hold_cond, &hold_lock);
    g_mutex_unlock(&hold_lock);
    if (took_part)
      ll_clock_virtual_join(hold_clock);
  }
}

void
ll_gui_tour_prepare(LlGuiRunner *runner)
{
  hold_clock = ll_station_get_clock(ll_gui_runner_get_station(runner));
  ll_gui_runner_add_thread_listener(runner, hold_listener, NULL);
}

typedef enum {
  TOUR_CONNECTING,
  TOUR_START,
  TOUR_HELD,
  TOUR_MODULE,
  TOUR_RELEASE,
  TOUR_VERDICT,
  TOUR_INSTRUMENTS,
  TOUR_SHIFT,
  TOUR_PAGES,
  TOUR_BROWSER,
  TOUR_CHARTS,
  TOUR_DONE,
} TourState;

typedef struct {
  LlGuiWindow *win;
  LlGuiRunner *runner;
  gchar *dir;
  TourState state;
  guint ticks;       /* in the current state */
  LlGuiModeDone done;
  gpointer data;
  int status;
  gboolean shift_done;
} Tour;

/* units tested for the Quality screen's shots */
#define SHIFT_UNITS 60

static void
shoot(Tour *t, const char *name)
{
  g_autofree gchar *file = g_strdup_printf("%s.png", name);
  g_autofree gchar *path = g_build_filename(t->dir, file, NULL);
  g_autoptr(GError) err = NULL;
  if (ll_gui_snapshot_png(GTK_WIDGET(t->win), path, &err)) {
    printf("%s\n", path);
  } else {
    fprintf(stderr, "lightline-station: %s\n", err->message);
    t->status = 1;
  }
}

static gboolean
all_held(void)
{
  g_mutex_lock(&hold_lock);
  gboolean yes = TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS(holds); i++)
    yes &= holds[i].held;
  g_mutex_unlock(&hold_lock);
  return yes;
}

static const char *
label_text(Tour *t, const char *page, const char *name)
{
  GtkWidget *w = ll_gui_find_named(ll_gui_window_get_page(t->win, page), name);
  return w && GTK_IS_LABEL(w) ? gtk_label_get_label(GTK_LABEL(w)) : "";
}

static void
next(Tour *t, TourState state)
{
  t->state = state;
  t->ticks = 0;
}

static void
shift_done(int status, gpointer data)
{
  Tour *t = data;
  t->shift_done = TRUE;
  if (status)
    t->status = status;
}

/* The index (after "Any bin") of the first fail bin in the bin filter. */
static guint
pick_fail_bin(GtkDropDown *drop)
{
  GListModel *model = gtk_drop_down_get_model(drop);
  for (guint i = 1; i < g_list_model_get_n_items(model); i++) {
    g_autoptr(GtkStringObject) item = g_list_model_get_item(model, i);
    if (g_str_has_suffix(gtk_string_object_get_string(item), "(FAIL)"))
      return i - 1;
  }
  return 0;
}

/* Chooses the first measurement whose title begins with @prefix. */
static void
choose_measurement(GtkDropDown *drop, const char *prefix)
{
  GListModel *model = gtk_drop_down_get_model(drop);
  for (guint i = 0; model && i < g_list_model_get_n_items(model); i++) {
    g_autoptr(GtkStringObject) item = g_list_model_get_item(model, i);
    if (g_str_has_prefix(gtk_string_object_get_string(item), prefix)) {
      gtk_drop_down_set_selected(drop, i);
      return;
    }
  }
}

/* One step of the tour every 100 ms (time for the window to lay out and draw). */
static gboolean
tick(gpointer data)
{
  Tour *t = data;
  t->ticks++;
  switch (t->state) {
  case TOUR_CONNECTING:
    if (!ll_gui_runner_connecting(t->runner) && t->ticks > 3)
      next(t, TOUR_START);
    break;
  case TOUR_START: {
    LlGuiOperator *op = ll_gui_window_get_operator(t->win);
    for (gsize i = 0; i < G_N_ELEMENTS(holds); i++) {
      LlGuiSite *site = ll_gui_operator_get_site(op, holds[i].site);
      if (!site)
        continue;
      GtkWidget *entry = ll_gui_site_get_entry(site);
      gtk_editable_set_text(GTK_EDITABLE(entry), holds[i].serial);
      g_signal_emit_by_name(entry, "activate");
    }
    next(t, TOUR_HELD);
    break;
  }
  case TOUR_HELD:
    if (all_held() && t->ticks > 5) {
      shoot(t, "operator-mid-run");
      ll_gui_window_show_page(t->win, "module");
      next(t, TOUR_MODULE);
    }
    break;
  case TOUR_MODULE:
    /* the inspector reads the held site's powered module */
    if ((g_str_has_prefix(label_text(t, "module", "module-state"), "Ready") && t->ticks > 8) ||
        t->ticks > 100) {
      shoot(t, "module");
      next(t, TOUR_RELEASE);
    }
    break;
  case TOUR_RELEASE:
    ll_gui_window_show_page(t->win, "operator");
    g_mutex_lock(&hold_lock);
    for (gsize i = 0; i < G_N_ELEMENTS(holds); i++)
      holds[i].released = TRUE;
    g_cond_broadcast(&hold_cond);
    g_mutex_unlock(&hold_lock);
    next(t, TOUR_VERDICT);
    break;
  case TOUR_VERDICT: {
    gboolean busy = FALSE;
    for (guint i = 0; i < ll_gui_runner_n_sites(t->runner); i++)
      busy |= ll_gui_runner_is_busy(t->runner, ll_gui_runner_site_number(t->runner, i));
    if (!busy && t->ticks > 5) {
      shoot(t, "operator-verdict");
      ll_gui_window_show_page(t->win, "instruments");
      GtkWidget *page = ll_gui_window_get_page(t->win, "instruments");
      GtkWidget *entry = ll_gui_find_named(page, "scpi-entry");
      if (entry) {
        gtk_editable_set_text(GTK_EDITABLE(entry), "*IDN?");
        g_signal_emit_by_name(entry, "activate");
      }
      next(t, TOUR_INSTRUMENTS);
    }
    break;
  }
  case TOUR_INSTRUMENTS:
    if (t->ticks == 5) {
      GtkWidget *entry = ll_gui_find_named(ll_gui_window_get_page(t->win, "instruments"), "scpi-entry");
      gtk_editable_set_text(GTK_EDITABLE(entry), ":SENS1:POW:WAV?");
      g_signal_emit_by_name(entry, "activate");
    }
    if (t->ticks > 10) {
      shoot(t, "instruments");
      ll_gui_window_show_page(t->win, "operator");
      ll_gui_shift_start(t->win, SHIFT_UNITS, shift_done, t);
      next(t, TOUR_SHIFT);
    }
    break;
  case TOUR_SHIFT:
    if (t->shift_done) {
      ll_gui_window_show_page(t->win, "sequences");
      next(t, TOUR_PAGES);
    }
    break;
  case TOUR_PAGES: {
    static const char *const pages[] = { "sequences", "calibration", "quality" };
    guint i = (t->ticks - 1) / 6, phase = (t->ticks - 1) % 6;
    if (i >= G_N_ELEMENTS(pages)) {
      next(t, TOUR_BROWSER);
      break;
    }
    if (phase == 0)
      ll_gui_window_show_page(t->win, pages[i]);
    else if (phase == 5)
      shoot(t, pages[i]);
    break;
  }
  case TOUR_BROWSER: {
    /* the newest failed unit's every measurement */
    GtkWidget *page = ll_gui_window_get_page(t->win, "quality");
    if (t->ticks == 1) {
      gtk_stack_set_visible_child_name(GTK_STACK(ll_gui_find_named(page, "quality-stack")), "runs");
      GtkDropDown *bins = GTK_DROP_DOWN(ll_gui_find_named(page, "filter-bin"));
      if (g_list_model_get_n_items(gtk_drop_down_get_model(bins)) > 1)
        gtk_drop_down_set_selected(bins, 1 + pick_fail_bin(bins));
    } else if (t->ticks == 10) {
      GtkListBox *list = GTK_LIST_BOX(ll_gui_find_named(page, "runs-list"));
      GtkListBoxRow *row = gtk_list_box_get_row_at_index(list, 0);
      if (row)
        gtk_list_box_select_row(list, row);
    } else if (t->ticks == 16) {
      /* back to every bin: the list shows the run among the others */
      gtk_drop_down_set_selected(GTK_DROP_DOWN(ll_gui_find_named(page, "filter-bin")), 0);
    } else if (t->ticks == 24) {
      shoot(t, "quality-browser");
      gtk_stack_set_visible_child_name(GTK_STACK(ll_gui_find_named(page, "quality-stack")), "charts");
      next(t, TOUR_CHARTS);
    }
    break;
  }
  case TOUR_CHARTS: {
    GtkWidget *page = ll_gui_window_get_page(t->win, "quality");
    if (t->ticks == 2)
      choose_measurement(GTK_DROP_DOWN(ll_gui_find_named(page, "histogram-measurement")),
                         "tx-power · tx_power_avg · lane 1 ");
    else if (t->ticks == 10) {
      shoot(t, "quality-charts");
      next(t, TOUR_DONE);
    }
    break;
  }
  case TOUR_DONE:
    ll_gui_window_show_page(t->win, "operator");
    t->done(t->status, t->data);
    g_object_unref(t->runner);
    g_free(t->dir);
    g_free(t);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

void
ll_gui_tour_start(LlGuiWindow *win, const char *dir, LlGuiModeDone done, gpointer data)
{
  Tour *t = g_new0(Tour, 1);
  t->win = win;
  t->runner = g_object_ref(ll_gui_window_get_runner(win));
  t->dir = g_strdup(dir);
  t->done = done;
  t->data = data;
  g_mkdir_with_parents(dir, 0755);
  g_timeout_add(100, tick, t);
}
