/* ll-gui-quality.c: the Quality screen (ll-gui-pages.h), three views of
 * the results store:
 * - Summary: runs, units, yield and first-pass yield of this station's
 *   sequence and its runs by bin; the units tested since the application
 *   started, newest first, each with its unit report. Without a store,
 *   the bins are this shift's.
 * - Runs: the finished runs the filters select (from, before, lot,
 *   station, bin, serial; golden-module runs only when asked), newest
 *   first, a page of PAGE_RUNS at a time; a chosen run's every
 *   measurement by step and lane with its value, limits, margin and
 *   verdict (failures stand out), and its unit report.
 * - Charts: yield by site or by day, the Pareto of failure and error
 *   bins, and the histogram of a chosen measurement with its limits and
 *   n, mean, sd, Cpk and Ppk (ll_store_measurement_values(): the numbers
 *   of `lightline stats` for the same runs), following the filters.
 * The lot report covers the filters' dates, lot and station. Reports are
 * the report layer's workbooks (reports/ll-report.h).
 *
 * Nothing here reads the store on the main loop: the summary asks the
 * runner's store on a worker thread; the browser and the charts ask a
 * connection of their own to the same file (so a long query never holds
 * up a site recording its steps), each answer on a worker thread (GTask).
 * An answer is shown only when it is the newest asked for its part.
 * Actions:
 *   quality.unit-report (xs)  run id, .xlsx path: write that run's report
 *   quality.lot-report (s)    .xlsx path: the lot report of the filters
 *   quality.show-run (x)      show a run's measurements
 *   quality.export-unit (s)   .xlsx path: the report of the run shown */
#include "ll-gui-chart.h"
#include "ll-gui-pages.h"
#include "ll-gui-widgets.h"

#include "ll-report.h"

#include <adwaita.h>
#include <math.h>

/* runs a page of the browser shows */
#define PAGE_RUNS 100
/* the measurement list comes from the newest runs selected */
#define NAME_RUNS 500
/* filters are applied this long after the last key */
#define FILTER_DELAY_MS 300

#define LL_GUI_TYPE_QUALITY_PAGE (ll_gui_quality_page_get_type())
G_DECLARE_FINAL_TYPE(LlGuiQualityPage, ll_gui_quality_page, LL, GUI_QUALITY_PAGE, GtkBox)

/* The browser's own connection to the store, opened on first use on a
 * worker thread; shared by the jobs in flight (atomic reference count). */
typedef struct {
  gchar *path;
  GMutex lock;
  LlStore *store;
} Browser;

static void
browser_clear(gpointer p)
{
  Browser *b = p;
  g_free(b->path);
  g_clear_pointer(&b->store, ll_store_close);
  g_mutex_clear(&b->lock);
}

static LlStore *
browser_store(Browser *b, GError **error)
{
  g_mutex_lock(&b->lock);
  if (!b->store)
    b->store = ll_store_open(b->path, LL_STORE_OPEN_EXISTING, error);
  LlStore *store = b->store;
  g_mutex_unlock(&b->lock);
  return store;
}

/* What a browse job asks: bits, also the index of each part's counter. */
enum {
  PART_RUNS,     /* a page of runs */
  PART_CHARTS,   /* yields and the Pareto */
  PART_NAMES,    /* the measurements to choose from */
  PART_VALUES,   /* the chosen measurement's values */
  PART_BINS,     /* the bins to filter by */
  PART_DETAIL,   /* one run's measurements */
  N_PARTS,
};
#define ASK(part) (1u << (part))

typedef struct {
  gchar *step, *name, *unit;
  guint lane;
} MeasureKey;

typedef struct {
  LlOutcome outcome;
  guint number;
} BinChoice;

struct _LlGuiQualityPage {
  GtkBox parent;
  AdwPreferencesGroup *store_group, *bins_group, *units_group;
  GtkWidget *filter_box, *from_entry, *to_entry, *lot_entry, *station_entry, *serial_entry;
  GtkWidget *reference_check, *spinner, *lot_button, *stack;
  GtkDropDown *bin_drop, *yield_drop, *measure_drop;
  GtkLabel *runs_label, *detail_title, *detail_facts, *detail_failures;
  GtkLabel *hist_n, *hist_mean, *hist_sd, *hist_cpk, *hist_limits;
  GtkWidget *prev_button, *next_button, *unit_button;
  GtkListBox *run_list;
  GtkGrid *measure_grid, *chart_grid;
  GtkWidget *yield_chart, *pareto_chart, *hist_chart;
  LlGuiRunner *runner;
  GCancellable *cancel;
  GPtrArray *store_rows, *bin_rows; /* of GtkWidget* in their groups */
  GtkListBox *unit_list;
  GtkWidget *empty_row;
  GHashTable *shift_bins;           /* bin or outcome -> count, without a store */
  guint shift_units;
  gboolean querying, query_again;

  Browser *browser;                 /* NULL without a store */
  guint asked[N_PARTS];             /* the newest job asked for each part */
  guint pending;                    /* jobs in flight, and the filter timer */
  guint filter_timer;
  guint offset, total;              /* the page of runs shown */
  GArray *bin_choices;              /* of BinChoice, the bin drop-down's entries after "any" */
  GPtrArray *names;                 /* of LlMeasurementValues*, the measurement drop-down's */
  gboolean filling;                 /* a drop-down is being filled: not a choice */
  gboolean stale;                   /* runs were recorded since the browser last asked */
  gint64 detail_run;                /* the run shown in detail; 0: none */
  gchar *detail_serial;
};

G_DEFINE_FINAL_TYPE(LlGuiQualityPage, ll_gui_quality_page, GTK_TYPE_BOX)

static void
clear_rows(AdwPreferencesGroup *group, GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove(group, rows->pdata[i]);
  g_ptr_array_set_size(rows, 0);
}

static GtkWidget *
add_row(AdwPreferencesGroup *group, GPtrArray *rows, const char *title, const char *value,
        double fraction)
{
  GtkWidget *row = ll_gui_plain_row(title, NULL);
  if (!isnan(fraction)) {
    GtkWidget *bar = gtk_level_bar_new_for_interval(0, 1);
    gtk_level_bar_set_value(GTK_LEVEL_BAR(bar), CLAMP(fraction, 0, 1));
    gtk_widget_set_size_request(bar, 200, -1);
    gtk_widget_set_valign(bar, GTK_ALIGN_CENTER);
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), bar);
  }
  GtkWidget *label = gtk_label_new(value);
  gtk_widget_add_css_class(label, "numeric");
  gtk_widget_set_size_request(label, 150, -1);
  gtk_label_set_xalign(GTK_LABEL(label), 1);
  adw_action_row_add_suffix(ADW_ACTION_ROW(row), label);
  adw_preferences_group_add(group, row);
  g_ptr_array_add(rows, row);
  return row;
}

static gchar *
percent(double v)
{
  return isnan(v) ? g_strdup("–") : g_strdup_printf("%.1f %%", 100 * v);
}

static gchar *
bin_title(LlOutcome outcome, guint number, const char *name)
{
  return number ? g_strdup_printf("bin %u %s", number, name) : g_strdup(name ? name : ll_outcome_name(outcome));
}

/* ---- the summary, from the runner's store ---- */

static void
stats_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  LlGuiRunner *runner = source;
  const LlStationConfig *c = ll_gui_runner_get_config(runner);
  LlStatsFilter filter = { .station_id = c->id, .operation = ll_gui_runner_get_sequence(runner)->id };
  GError *err = NULL;
  LlStats *stats = ll_store_stats(ll_gui_runner_get_store(runner), &filter, &err);
  if (stats)
    g_task_return_pointer(task, stats, (GDestroyNotify) ll_stats_free);
  else
    g_task_return_error(task, err);
}

static void query_store(LlGuiQualityPage *self);

static void
on_stats(GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlStats) stats = g_task_propagate_pointer(G_TASK(result), &err);
  if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  LlGuiQualityPage *self = data;
  self->querying = FALSE;
  clear_rows(self->store_group, self->store_rows);
  clear_rows(self->bins_group, self->bin_rows);
  if (!stats) {
    add_row(self->store_group, self->store_rows, "The store cannot be read", err->message, NAN);
  } else {
    g_autofree gchar *runs = g_strdup_printf("%u", stats->runs);
    g_autofree gchar *units = g_strdup_printf("%u", stats->units);
    g_autofree gchar *yield = percent(stats->yield);
    g_autofree gchar *fpy = percent(stats->first_pass_yield);
    add_row(self->store_group, self->store_rows, "Runs", runs, NAN);
    add_row(self->store_group, self->store_rows, "Units", units, NAN);
    add_row(self->store_group, self->store_rows, "Yield (each unit's last run)", yield, stats->yield);
    add_row(self->store_group, self->store_rows, "First-pass yield", fpy, stats->first_pass_yield);
    for (guint i = 0; i < stats->bins->len; i++) {
      const LlBinCount *b = stats->bins->pdata[i];
      g_autofree gchar *title = bin_title(b->outcome, b->number, b->name);
      g_autofree gchar *count = g_strdup_printf("%u run%s", b->runs, b->runs == 1 ? "" : "s");
      add_row(self->bins_group, self->bin_rows, title, count,
              stats->runs ? (double) b->runs / stats->runs : NAN);
    }
  }
  if (self->query_again) {
    self->query_again = FALSE;
    query_store(self);
  }
}

static void
query_store(LlGuiQualityPage *self)
{
  if (!ll_gui_runner_get_store(self->runner))
    return;
  if (self->querying) {
    self->query_again = TRUE;
    return;
  }
  self->querying = TRUE;
  g_autoptr(GTask) task = g_task_new(self->runner, self->cancel, on_stats, self);
  g_task_set_name(task, "ll-gui-stats");
  g_task_run_in_thread(task, stats_thread);
}

/* ---- browsing: jobs on worker threads ---- */

typedef struct {
  Browser *browser;
  guint ask;
  guint seq[N_PARTS];
  /* the filter */
  GDateTime *from, *to;
  gchar *lot, *station, *serial;
  gboolean by_outcome, reference;
  LlOutcome outcome;
  guint bin;
  guint offset;
  LlYieldBy by;
  MeasureKey measure;      /* step NULL: none chosen */
  gint64 run_id;
  /* answers */
  GPtrArray *runs, *yields, *pareto, *names, *bins, *measurements;
  guint total;
  LlMeasurementValues *values;
  LlRunRecord *run;
  GError *error;
} Job;

static void
job_free(gpointer p)
{
  Job *j = p;
  g_atomic_rc_box_release_full(j->browser, browser_clear);
  g_clear_pointer(&j->from, g_date_time_unref);
  g_clear_pointer(&j->to, g_date_time_unref);
  g_free(j->lot);
  g_free(j->station);
  g_free(j->serial);
  g_free(j->measure.step);
  g_free(j->measure.name);
  g_free(j->measure.unit);
  g_clear_pointer(&j->runs, g_ptr_array_unref);
  g_clear_pointer(&j->yields, g_ptr_array_unref);
  g_clear_pointer(&j->pareto, g_ptr_array_unref);
  g_clear_pointer(&j->names, g_ptr_array_unref);
  g_clear_pointer(&j->bins, g_ptr_array_unref);
  g_clear_pointer(&j->measurements, g_ptr_array_unref);
  g_clear_pointer(&j->values, ll_measurement_values_free);
  g_clear_pointer(&j->run, ll_run_record_free);
  g_clear_error(&j->error);
  g_free(j);
}

static void
job_filter(const Job *j, LlRunFilter *f)
{
  *f = (LlRunFilter) {
    .base = { .from = j->from, .to = j->to, .lot = j->lot, .station_id = j->station,
              .with_reference = j->reference },
    .serial = j->serial, .by_outcome = j->by_outcome, .outcome = j->outcome, .bin_number = j->bin,
  };
}

static gboolean
job_read(Job *j, LlStore *store, GError **error)
{
  LlRunFilter f;
  job_filter(j, &f);
  if ((j->ask & ASK(PART_RUNS)) &&
      !(j->runs = ll_store_find_runs(store, &f, PAGE_RUNS, j->offset, &j->total, error)))
    return FALSE;
  if ((j->ask & ASK(PART_CHARTS)) &&
      (!(j->yields = ll_store_yield_by(store, &f, j->by, error)) ||
       !(j->pareto = ll_store_bin_pareto(store, &f, error))))
    return FALSE;
  if ((j->ask & ASK(PART_NAMES)) && !(j->names = ll_store_measurement_names(store, &f, NAME_RUNS, error)))
    return FALSE;
  if ((j->ask & ASK(PART_VALUES)) && j->measure.step &&
      !(j->values = ll_store_measurement_values(store, &f, j->measure.step, j->measure.name, j->measure.lane,
                                                j->measure.unit, error)))
    return FALSE;
  if (j->ask & ASK(PART_BINS)) {
    /* every bin there is (the other conditions left out) */
    LlRunFilter all = { .base = { .with_reference = j->reference } };
    if (!(j->bins = ll_store_bin_pareto(store, &all, error)))
      return FALSE;
  }
  if ((j->ask & ASK(PART_DETAIL)) &&
      (!(j->run = ll_store_run(store, j->run_id, error)) ||
       !(j->measurements = ll_store_run_measurements(store, j->run_id, error))))
    return FALSE;
  return TRUE;
}

static void
job_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  Job *j = data;
  LlStore *store = browser_store(j->browser, &j->error);
  if (store)
    job_read(j, store, &j->error);
  g_task_return_boolean(task, TRUE);
}

static void
set_busy(LlGuiQualityPage *self, int delta)
{
  self->pending += delta;
  if (self->pending)
    gtk_spinner_start(GTK_SPINNER(self->spinner));
  else
    gtk_spinner_stop(GTK_SPINNER(self->spinner));
}

static void on_job(GObject *source, GAsyncResult *result, gpointer data);

/* Reads the filters into @j; FALSE when a time cannot be read (the entry says so). */
static gboolean
read_filters(LlGuiQualityPage *self, Job *j)
{
  GtkWidget *times[] = { self->from_entry, self->to_entry };
  GDateTime **outs[] = { &j->from, &j->to };
  gboolean ok = TRUE;
  for (guint i = 0; i < 2; i++) {
    const char *t = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(times[i]))));
    if (*t && !(*outs[i] = ll_store_parse_time(t))) {
      gtk_widget_add_css_class(times[i], "error");
      ok = FALSE;
    } else {
      gtk_widget_remove_css_class(times[i], "error");
    }
    g_free((gpointer) t);
  }
  struct { GtkWidget *entry; gchar **out; } texts[] = {
    { self->lot_entry, &j->lot }, { self->station_entry, &j->station }, { self->serial_entry, &j->serial },
  };
  for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
    gchar *t = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(texts[i].entry))));
    if (*t)
      *texts[i].out = t;
    else
      g_free(t);
  }
  guint bin = gtk_drop_down_get_selected(self->bin_drop);
  if (bin != GTK_INVALID_LIST_POSITION && bin > 0 && bin - 1 < self->bin_choices->len) {
    const BinChoice *c = &g_array_index(self->bin_choices, BinChoice, bin - 1);
    j->by_outcome = TRUE;
    j->outcome = c->outcome;
    j->bin = c->number;
  }
  j->reference = gtk_check_button_get_active(GTK_CHECK_BUTTON(self->reference_check));
  j->by = gtk_drop_down_get_selected(self->yield_drop) == 1 ? LL_YIELD_BY_DAY : LL_YIELD_BY_SITE;
  guint m = gtk_drop_down_get_selected(self->measure_drop);
  if (self->names && m != GTK_INVALID_LIST_POSITION && m < self->names->len) {
    const LlMeasurementValues *v = self->names->pdata[m];
    j->measure = (MeasureKey) { g_strdup(v->stats.step_id), g_strdup(v->stats.name), g_strdup(v->stats.unit),
                                v->stats.lane };
  }
  return ok;
}

/* Asks the parts @ask of the browser's store on a worker thread. */
static void
browse(LlGuiQualityPage *self, guint ask)
{
  if (!self->browser)
    return;
  Job *j = g_new0(Job, 1);
  j->browser = g_atomic_rc_box_acquire(self->browser);
  if (!read_filters(self, j)) {
    job_free(j);
    gtk_label_set_text(self->runs_label, "A time cannot be read: write 2026-03-01 or 2026-03-01T08:00");
    return;
  }
  j->ask = ask;
  j->offset = self->offset;
  j->run_id = self->detail_run;
  for (guint p = 0; p < N_PARTS; p++)
    if (ask & ASK(p))
      j->seq[p] = ++self->asked[p];
  set_busy(self, 1);
  g_autoptr(GTask) task = g_task_new(self->runner, self->cancel, on_job, self);
  g_task_set_name(task, "ll-gui-browse");
  g_task_set_task_data(task, j, job_free);
  g_task_run_in_thread(task, job_thread);
}

/* ---- showing the answers ---- */

static void
show_runs(LlGuiQualityPage *self, Job *j)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child(GTK_WIDGET(self->run_list))))
    gtk_list_box_remove(self->run_list, child);
  self->total = j->total;
  g_autofree gchar *count = j->total
    ? g_strdup_printf("%u–%u of %u run%s", j->offset + 1, j->offset + j->runs->len, j->total,
                      j->total == 1 ? "" : "s")
    : g_strdup("No run selected");
  gtk_label_set_text(self->runs_label, count);
  gtk_widget_set_sensitive(self->prev_button, j->offset > 0);
  gtk_widget_set_sensitive(self->next_button, j->offset + j->runs->len < j->total);
  for (guint i = 0; i < j->runs->len; i++) {
    const LlRunRecord *r = j->runs->pdata[i];
    g_autoptr(GDateTime) local = r->started_utc ? g_date_time_to_local(r->started_utc) : NULL;
    g_autofree gchar *when = local ? g_date_time_format(local, "%Y-%m-%d %H:%M:%S") : g_strdup("?");
    /* the icon says the outcome; a pass says its grade, a failure its bin */
    g_autofree gchar *bin = r->outcome == LL_OUTCOME_PASS && r->bin_name
                              ? g_strdup(r->bin_name)
                              : bin_title(r->outcome, r->bin_number, r->bin_name);
    g_autofree gchar *sub = g_strdup_printf("%s · %s site %u · %s", when, r->station_id, r->site, bin);
    GtkWidget *row = ll_gui_plain_row(r->serial, sub);
    const char *icon = r->outcome == LL_OUTCOME_PASS   ? "emblem-ok-symbolic"
                       : r->outcome == LL_OUTCOME_FAIL ? "dialog-error-symbolic"
                                                       : "dialog-warning-symbolic";
    GtkWidget *image = gtk_image_new_from_icon_name(icon);
    gtk_widget_add_css_class(image, r->outcome == LL_OUTCOME_PASS   ? "success"
                                    : r->outcome == LL_OUTCOME_FAIL ? "error"
                                                                    : "warning");
    adw_action_row_add_prefix(ADW_ACTION_ROW(row), image);
    gint64 *id = g_new(gint64, 1);
    *id = r->id;
    g_object_set_data_full(G_OBJECT(row), "run-id", id, g_free);
    gtk_list_box_append(self->run_list, row);
    if (r->id == self->detail_run)
      gtk_list_box_select_row(self->run_list, GTK_LIST_BOX_ROW(row));
  }
}

static gchar *
number(double v)
{
  return isfinite(v) ? g_strdup_printf("%.6g", v) : g_strdup("");
}

/* One cell of the measurement table. */
static void
cell(GtkGrid *grid, int col, int row, const char *str, double xalign, const char *css)
{
  GtkWidget *label = gtk_label_new(str);
  gtk_label_set_xalign(GTK_LABEL(label), (float) xalign);
  if (xalign > 0)
    gtk_widget_add_css_class(label, "numeric");
  if (css)
    gtk_widget_add_css_class(label, css);
  gtk_grid_attach(grid, label, col, row, 1, 1);
}

static void
clear_grid(GtkGrid *grid)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child(GTK_WIDGET(grid))))
    gtk_grid_remove(grid, child);
}

static const char *const MEASURE_COLUMNS[] = { "Step", "Lane", "Measurement", "Value", "Unit", "Low", "High",
                                               "Margin", "Verdict" };

/* Above the table: the values that failed or could not be judged, with
 * their limits, so they are seen without scrolling. */
static void
show_failures(LlGuiQualityPage *self, GPtrArray *measurements)
{
  g_autoptr(GString) text = g_string_new(NULL);
  guint shown = 0, bad = 0;
  for (guint i = 0; i < measurements->len; i++) {
    const LlMeasurementRecord *m = measurements->pdata[i];
    if (!g_str_equal(m->verdict, "fail") && !g_str_equal(m->verdict, "error"))
      continue;
    if (++bad > 4)
      continue;
    g_autofree gchar *lane = m->lane ? g_strdup_printf(" lane %u", m->lane) : g_strdup("");
    g_autofree gchar *value = g_str_equal(m->value_type, "number") ? number(m->value)
                                                                    : g_strdup(m->text_value ? m->text_value : "?");
    g_autofree gchar *lo = number(m->low), *hi = number(m->high);
    g_autofree gchar *limits = m->limit_text ? g_strdup_printf("expects %s", m->limit_text)
                                             : g_strdup_printf("limits %s … %s", *lo ? lo : "–", *hi ? hi : "–");
    g_string_append_printf(text, "%s%s %s%s: %s %s %s (%s)", shown++ ? "\n" : "", m->step_id, m->name, lane, value,
                           m->unit ? m->unit : "", m->verdict, limits);
  }
  if (bad > shown)
    g_string_append_printf(text, "\nand %u more", bad - shown);
  gtk_label_set_text(self->detail_failures, text->str);
  gtk_widget_set_visible(GTK_WIDGET(self->detail_failures), bad > 0);
}

static void
show_detail(LlGuiQualityPage *self, Job *j)
{
  clear_grid(self->measure_grid);
  if (!j->run) {
    gtk_label_set_text(self->detail_title, "Choose a run");
    gtk_label_set_text(self->detail_facts, "");
    gtk_widget_set_visible(GTK_WIDGET(self->detail_failures), FALSE);
    gtk_widget_set_sensitive(self->unit_button, FALSE);
    return;
  }
  const LlRunRecord *r = j->run;
  g_free(self->detail_serial);
  self->detail_serial = g_strdup(r->serial);
  g_autofree gchar *title = g_strdup_printf("%s · run %" G_GINT64_FORMAT, r->serial, r->id);
  gtk_label_set_text(self->detail_title, title);
  g_autofree gchar *started = r->started_utc ? g_date_time_format(r->started_utc, "%Y-%m-%d %H:%M:%S UTC")
                                             : g_strdup("?");
  g_autofree gchar *bin = bin_title(r->outcome, r->bin_number, r->bin_name);
  g_autofree gchar *time = isfinite(r->test_time_s) ? g_strdup_printf(" in %.1f s", r->test_time_s)
                                                    : g_strdup("");
  g_autofree gchar *message = r->message ? g_strdup_printf(" · %s", r->message) : g_strdup("");
  g_autofree gchar *facts = g_strdup_printf(
    "%s%s%s%s\n%s %s, attempt %u · started %s%s\nstation %s site %u%s%s · operator %s · lot %s\n"
    "part number %s · firmware %s",
    r->finished ? ll_outcome_name(r->outcome) : "IN FLIGHT", r->bin_number ? " · " : "", r->bin_number ? bin : "",
    message, r->operation, r->sequence_version, r->attempt,
    started, time, r->station_id, r->site, r->fixture ? " · fixture " : "", r->fixture ? r->fixture : "",
    r->operator_name ? r->operator_name : "–", r->lot ? r->lot : "–", r->part_number ? r->part_number : "–",
    r->firmware ? r->firmware : "–");
  gtk_label_set_text(self->detail_facts, facts);
  gtk_widget_set_sensitive(self->unit_button, TRUE);

  for (guint c = 0; c < G_N_ELEMENTS(MEASURE_COLUMNS); c++)
    cell(self->measure_grid, (int) c, 0, MEASURE_COLUMNS[c], c == 1 || (c >= 3 && c != 4 && c != 8), "header");
  for (guint i = 0; i < j->measurements->len; i++) {
    const LlMeasurementRecord *m = j->measurements->pdata[i];
    int row = (int) i + 1;
    const char *css = g_str_equal(m->verdict, "fail") ? "error" : g_str_equal(m->verdict, "error") ? "warning" : NULL;
    g_autofree gchar *lane = m->lane ? g_strdup_printf("%u", m->lane) : g_strdup("");
    g_autofree gchar *value = g_str_equal(m->value_type, "number") ? number(m->value)
                                                                    : g_strdup(m->text_value ? m->text_value : "");
    g_autofree gchar *low = m->limit_text ? g_strdup(m->limit_text) : number(m->low);
    g_autofree gchar *high = number(m->high);
    g_autofree gchar *margin = !isfinite(m->margin)    ? g_strdup("")
                               : isfinite(m->margin_pct) ? g_strdup_printf("%.3g (%.0f %%)", m->margin, m->margin_pct)
                                                         : g_strdup_printf("%.3g", m->margin);
    cell(self->measure_grid, 0, row, m->step_id, 0, css);
    cell(self->measure_grid, 1, row, lane, 1, css);
    cell(self->measure_grid, 2, row, m->name, 0, css);
    cell(self->measure_grid, 3, row, value, 1, css);
    cell(self->measure_grid, 4, row, m->unit ? m->unit : "", 0, css);
    cell(self->measure_grid, 5, row, low, 1, css);
    cell(self->measure_grid, 6, row, high, 1, css);
    cell(self->measure_grid, 7, row, margin, 1, css);
    cell(self->measure_grid, 8, row, m->verdict, 0, css);
  }
  if (!j->measurements->len)
    cell(self->measure_grid, 0, 1, "No measurement stored", 0, "dim-label");
  show_failures(self, j->measurements);
}

static void
show_charts(LlGuiQualityPage *self, Job *j)
{
  guint n = j->yields->len;
  if (!n) {
    ll_gui_chart_set_message(self->yield_chart, "No runs selected");
  } else {
    g_autofree const char **labels = g_new0(const char *, n);
    g_autofree double *values = g_new0(double, n);
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < n; i++) {
      const LlYieldGroup *g = j->yields->pdata[i];
      labels[i] = g->name;
      values[i] = g->yield;
      g_ptr_array_add(notes, g_strdup_printf("%u/%u units", g->units_passed, g->units));
    }
    ll_gui_chart_set_fractions(self->yield_chart, labels, values, (const char *const *) notes->pdata, n);
  }
  /* the Pareto of what went wrong: every bin that is not a pass */
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GArray) counts = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < j->pareto->len; i++) {
    const LlBinCount *b = j->pareto->pdata[i];
    if (b->outcome == LL_OUTCOME_PASS)
      continue;
    g_ptr_array_add(labels, bin_title(b->outcome, b->number, b->name));
    g_array_append_val(counts, b->runs);
  }
  if (counts->len)
    ll_gui_chart_set_pareto(self->pareto_chart, (const char *const *) labels->pdata, (guint *) counts->data,
                            counts->len);
  else
    ll_gui_chart_set_message(self->pareto_chart, n ? "No failures or errors" : "No runs selected");
}

static gchar *
measure_title(const LlMeasurementValues *v)
{
  g_autofree gchar *lane = v->stats.lane ? g_strdup_printf(" · lane %u", v->stats.lane) : g_strdup("");
  return g_strdup_printf("%s · %s%s%s%s%s", v->stats.step_id, v->stats.name, lane, *v->stats.unit ? " (" : "",
                         v->stats.unit, *v->stats.unit ? ")" : "");
}

static void
show_values(LlGuiQualityPage *self, Job *j)
{
  const LlMeasurementValues *v = j->values;
  if (!v || !v->stats.summary.n) {
    ll_gui_chart_set_message(self->hist_chart, v ? "No values selected" : "Choose a measurement");
    GtkLabel *labels[] = { self->hist_n, self->hist_mean, self->hist_sd, self->hist_cpk, self->hist_limits };
    for (guint i = 0; i < G_N_ELEMENTS(labels); i++)
      gtk_label_set_text(labels[i], "");
    return;
  }
  const LlSummary *s = &v->stats.summary;
  ll_gui_chart_set_histogram(self->hist_chart, (const double *) v->values->data, v->values->len, v->stats.low,
                             v->stats.high, s, v->stats.unit);
  g_autofree gchar *n = g_strdup_printf("n %u", s->n);
  g_autofree gchar *mean = g_strdup_printf("mean %.5g", s->mean);
  g_autofree gchar *sd = g_strdup_printf("sd %.3g", s->stddev);
  g_autofree gchar *cpk = isfinite(s->cpk) ? g_strdup_printf("Cpk %.2f · Ppk %.2f", s->cpk, s->ppk)
                                           : g_strdup("Cpk –");
  g_autofree gchar *lo = number(v->stats.low), *hi = number(v->stats.high);
  g_autofree gchar *limits = g_strdup_printf("limits %s … %s %s", *lo ? lo : "–", *hi ? hi : "–", v->stats.unit);
  gtk_label_set_text(self->hist_n, n);
  gtk_label_set_text(self->hist_mean, mean);
  gtk_label_set_text(self->hist_sd, sd);
  gtk_label_set_text(self->hist_cpk, cpk);
  gtk_label_set_text(self->hist_limits, limits);
}

/* Fills @drop with @items and keeps the entry named @keep chosen (or the first). */
static void
fill_drop(LlGuiQualityPage *self, GtkDropDown *drop, GPtrArray *items, const char *keep)
{
  g_ptr_array_add(items, NULL);
  g_autoptr(GtkStringList) model = gtk_string_list_new((const char *const *) items->pdata);
  g_ptr_array_remove_index(items, items->len - 1);
  guint chosen = 0;
  for (guint i = 0; keep && i < items->len; i++)
    if (g_str_equal(items->pdata[i], keep))
      chosen = i;
  self->filling = TRUE;
  gtk_drop_down_set_model(drop, G_LIST_MODEL(model));
  gtk_drop_down_set_selected(drop, items->len ? chosen : GTK_INVALID_LIST_POSITION);
  self->filling = FALSE;
}

static gchar *
drop_text(GtkDropDown *drop)
{
  GObject *item = gtk_drop_down_get_selected_item(drop);
  return item ? g_strdup(gtk_string_object_get_string(GTK_STRING_OBJECT(item))) : NULL;
}

/* The measurement list changed; TRUE when the chosen one changed with it. */
static gboolean
show_names(LlGuiQualityPage *self, Job *j)
{
  g_autofree gchar *before = drop_text(self->measure_drop);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < j->names->len; i++)
    g_ptr_array_add(titles, measure_title(j->names->pdata[i]));
  g_clear_pointer(&self->names, g_ptr_array_unref);
  self->names = g_steal_pointer(&j->names);
  fill_drop(self, self->measure_drop, titles, before);
  g_autofree gchar *after = drop_text(self->measure_drop);
  return g_strcmp0(before, after) != 0;
}

static void
show_bins(LlGuiQualityPage *self, Job *j)
{
  g_autofree gchar *before = drop_text(self->bin_drop);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(titles, g_strdup("Any bin"));
  g_array_set_size(self->bin_choices, 0);
  for (guint i = 0; i < j->bins->len; i++) {
    const LlBinCount *b = j->bins->pdata[i];
    BinChoice c = { b->outcome, b->number };
    g_array_append_val(self->bin_choices, c);
    g_autofree gchar *t = bin_title(b->outcome, b->number, b->name);
    g_ptr_array_add(titles, b->number ? g_strdup_printf("%s (%s)", t, ll_outcome_name(b->outcome))
                                      : g_steal_pointer(&t));
  }
  fill_drop(self, self->bin_drop, titles, before);
}

static void
on_job(GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) err = NULL;
  g_task_propagate_boolean(G_TASK(result), &err);
  if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  LlGuiQualityPage *self = data;
  Job *j = g_task_get_task_data(G_TASK(result));
  set_busy(self, -1);
  gboolean newest[N_PARTS];
  for (guint p = 0; p < N_PARTS; p++)
    newest[p] = (j->ask & ASK(p)) && j->seq[p] == self->asked[p];
  if (j->error) {
    if (newest[PART_RUNS] || newest[PART_CHARTS] || newest[PART_DETAIL]) {
      g_autofree gchar *text = g_strdup_printf("The store cannot be read: %s", j->error->message);
      gtk_label_set_text(self->runs_label, text);
      ll_gui_chart_set_message(self->yield_chart, text);
    }
    return;
  }
  if (newest[PART_BINS])
    show_bins(self, j);
  if (newest[PART_RUNS])
    show_runs(self, j);
  if (newest[PART_DETAIL])
    show_detail(self, j);
  if (newest[PART_CHARTS])
    show_charts(self, j);
  gboolean values_newest = newest[PART_VALUES];
  if (newest[PART_NAMES] && show_names(self, j)) {
    /* another measurement is chosen now: its values, not those asked */
    browse(self, ASK(PART_VALUES));
    values_newest = FALSE;
  }
  if (values_newest)
    show_values(self, j);
}

/* ---- what a person does ---- */

static void
filters_changed_now(LlGuiQualityPage *self)
{
  self->offset = 0;
  browse(self, ASK(PART_RUNS) | ASK(PART_CHARTS) | ASK(PART_NAMES) | ASK(PART_VALUES));
}

static gboolean
filter_timeout(gpointer data)
{
  LlGuiQualityPage *self = data;
  self->filter_timer = 0;
  set_busy(self, -1);
  filters_changed_now(self);
  return G_SOURCE_REMOVE;
}

static void
on_filter_changed(LlGuiQualityPage *self)
{
  if (self->filling || !self->browser)
    return;
  if (self->filter_timer)
    g_source_remove(self->filter_timer);
  else
    set_busy(self, 1);
  self->filter_timer = g_timeout_add(FILTER_DELAY_MS, filter_timeout, self);
}

static void
on_reference_toggled(LlGuiQualityPage *self)
{
  browse(self, ASK(PART_BINS));
  on_filter_changed(self);
}

static void
on_yield_by(LlGuiQualityPage *self)
{
  if (!self->filling)
    browse(self, ASK(PART_CHARTS));
}

static void
on_measure_chosen(LlGuiQualityPage *self)
{
  if (!self->filling)
    browse(self, ASK(PART_VALUES));
}

static void
on_newer(LlGuiQualityPage *self)
{
  self->offset = self->offset > PAGE_RUNS ? self->offset - PAGE_RUNS : 0;
  browse(self, ASK(PART_RUNS));
}

static void
on_older(LlGuiQualityPage *self)
{
  if (self->offset + PAGE_RUNS < self->total)
    self->offset += PAGE_RUNS;
  browse(self, ASK(PART_RUNS));
}

static void
show_run(LlGuiQualityPage *self, gint64 run_id)
{
  self->detail_run = run_id;
  browse(self, ASK(PART_DETAIL));
}

static void
on_run_selected(LlGuiQualityPage *self, GtkListBoxRow *row)
{
  gint64 *id = row ? g_object_get_data(G_OBJECT(row), "run-id") : NULL;
  if (id && *id != self->detail_run)
    show_run(self, *id);
}

static void
show_run_action(GtkWidget *widget, const char *action, GVariant *param)
{
  show_run(LL_GUI_QUALITY_PAGE(widget), g_variant_get_int64(param));
}

static void
on_stack_page(LlGuiQualityPage *self)
{
  const char *page = gtk_stack_get_visible_child_name(GTK_STACK(self->stack));
  /* the filters are the browser's and the charts' */
  gtk_widget_set_visible(self->filter_box, g_strcmp0(page, "summary") != 0);
}

/* ---- reports ---- */

typedef struct {
  gchar *db, *path;
  gint64 run_id;   /* 0: the lot report */
  GDateTime *from, *to;
  gchar *lot, *station_id;
  gboolean reference;
} ReportJob;

static void
report_job_free(gpointer p)
{
  ReportJob *j = p;
  g_free(j->db);
  g_free(j->path);
  g_clear_pointer(&j->from, g_date_time_unref);
  g_clear_pointer(&j->to, g_date_time_unref);
  g_free(j->lot);
  g_free(j->station_id);
  g_free(j);
}

static void
report_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
  ReportJob *j = data;
  GError *err = NULL;
  gboolean ok;
  if (j->run_id) {
    ok = ll_report_unit(j->db, j->run_id, NULL, j->path, NULL, &err);
  } else {
    LlReportFilter filter = { .from = j->from, .to = j->to, .lot = j->lot, .station_id = j->station_id,
                              .with_reference = j->reference };
    ok = ll_report_lot(j->db, &filter, j->path, NULL, &err);
  }
  if (ok)
    g_task_return_boolean(task, TRUE);
  else
    g_task_return_error(task, err);
}

static void
toast(LlGuiQualityPage *self, const char *str)
{
  GtkWidget *overlay = gtk_widget_get_ancestor(GTK_WIDGET(self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay)
    adw_toast_overlay_add_toast(ADW_TOAST_OVERLAY(overlay), adw_toast_new(str));
}

static void
on_report(GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) err = NULL;
  gboolean ok = g_task_propagate_boolean(G_TASK(result), &err);
  if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  LlGuiQualityPage *self = data;
  ReportJob *j = g_task_get_task_data(G_TASK(result));
  g_autofree gchar *str = ok ? g_strdup_printf("Report written: %s", j->path)
                             : g_strdup_printf("No report: %s", err->message);
  toast(self, str);
}

static void
write_report(LlGuiQualityPage *self, gint64 run_id, const char *path)
{
  LlStore *store = ll_gui_runner_get_store(self->runner);
  if (!store) {
    toast(self, "No report: this station does not record its runs (no database)");
    return;
  }
  ReportJob *j = g_new0(ReportJob, 1);
  j->db = g_strdup(ll_store_path(store));
  j->path = g_strdup(path);
  j->run_id = run_id;
  if (!run_id) {
    /* the lot report covers the filters' dates, lot and station */
    Job f = { 0 };
    read_filters(self, &f);
    j->from = g_steal_pointer(&f.from);
    j->to = g_steal_pointer(&f.to);
    j->lot = g_steal_pointer(&f.lot);
    j->station_id = g_steal_pointer(&f.station);
    j->reference = f.reference;
    g_free(f.serial);
    g_free(f.measure.step);
    g_free(f.measure.name);
    g_free(f.measure.unit);
  }
  g_autoptr(GTask) task = g_task_new(self->runner, self->cancel, on_report, self);
  g_task_set_name(task, "ll-gui-report");
  g_task_set_task_data(task, j, report_job_free);
  g_task_run_in_thread(task, report_thread);
}

static void
unit_report_action(GtkWidget *widget, const char *action, GVariant *param)
{
  gint64 run_id = 0;
  const char *path = NULL;
  g_variant_get(param, "(x&s)", &run_id, &path);
  write_report(LL_GUI_QUALITY_PAGE(widget), run_id, path);
}

static void
lot_report_action(GtkWidget *widget, const char *action, GVariant *param)
{
  write_report(LL_GUI_QUALITY_PAGE(widget), 0, g_variant_get_string(param, NULL));
}

typedef struct {
  LlGuiQualityPage *self;
  gint64 run_id;
} Choice;

static void
on_chosen(GtkNativeDialog *dialog, int response, gpointer data)
{
  Choice *c = data;
  if (response == GTK_RESPONSE_ACCEPT) {
    g_autoptr(GFile) file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
    g_autofree gchar *path = g_file_get_path(file);
    if (path)
      write_report(c->self, c->run_id, path);
  }
  g_object_unref(dialog);
  g_free(c);
}

static void
choose_file(LlGuiQualityPage *self, gint64 run_id, const char *suggested)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new(
    run_id ? "Save the Unit Report" : "Save the Lot Report",
    GTK_WINDOW(gtk_widget_get_root(GTK_WIDGET(self))), GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
  gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(dialog), suggested);
  Choice *c = g_new(Choice, 1);
  *c = (Choice) { self, run_id };
  g_signal_connect(dialog, "response", G_CALLBACK(on_chosen), c);
  gtk_native_dialog_show(GTK_NATIVE_DIALOG(dialog));
}

static void
choose_unit_file(LlGuiQualityPage *self, gint64 run_id, const char *serial)
{
  g_autofree gchar *name = g_strdup_printf("%s-run%" G_GINT64_FORMAT ".xlsx", serial, run_id);
  choose_file(self, run_id, name);
}

static void
export_unit_action(GtkWidget *widget, const char *action, GVariant *param)
{
  LlGuiQualityPage *self = LL_GUI_QUALITY_PAGE(widget);
  if (self->detail_run)
    write_report(self, self->detail_run, g_variant_get_string(param, NULL));
  else
    toast(self, "No report: choose a run first");
}

static void
on_unit_report_clicked(GtkButton *button, LlGuiQualityPage *self)
{
  choose_unit_file(self, *(gint64 *) g_object_get_data(G_OBJECT(button), "run-id"),
                   g_object_get_data(G_OBJECT(button), "serial"));
}

static void
on_unit_export(LlGuiQualityPage *self)
{
  if (self->detail_run)
    choose_unit_file(self, self->detail_run, self->detail_serial);
}

static void
on_lot_clicked(LlGuiQualityPage *self)
{
  const char *lot = gtk_editable_get_text(GTK_EDITABLE(self->lot_entry));
  g_autofree gchar *name = g_strdup_printf("%s-%s.xlsx", ll_gui_runner_get_config(self->runner)->id,
                                           *lot ? lot : "runs");
  choose_file(self, 0, name);
}

static void
on_map(LlGuiQualityPage *self)
{
  if (!self->stale || !self->browser)
    return;
  self->stale = FALSE;
  browse(self, ASK(PART_BINS) | ASK(PART_RUNS) | ASK(PART_CHARTS) | ASK(PART_NAMES) | ASK(PART_VALUES));
}

/* ---- this shift ---- */

static gint
by_count(gconstpointer a, gconstpointer b, gpointer data)
{
  GHashTable *bins = data;
  guint ca = GPOINTER_TO_UINT(g_hash_table_lookup(bins, a));
  guint cb = GPOINTER_TO_UINT(g_hash_table_lookup(bins, b));
  return ca != cb ? (cb > ca ? 1 : -1) : g_strcmp0(a, b);
}

/* Without a store: the bins of this shift. */
static void
show_shift_bins(LlGuiQualityPage *self)
{
  clear_rows(self->bins_group, self->bin_rows);
  g_autoptr(GList) keys = g_hash_table_get_keys(self->shift_bins);
  keys = g_list_sort_with_data(keys, by_count, self->shift_bins);
  for (GList *l = keys; l; l = l->next) {
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(self->shift_bins, l->data));
    g_autofree gchar *count = g_strdup_printf("%u unit%s", n, n == 1 ? "" : "s");
    add_row(self->bins_group, self->bin_rows, l->data, count, (double) n / self->shift_units);
  }
}

static void
on_run_finished(LlGuiRunner *runner, guint site, gpointer result, gint64 run_id,
                LlGuiQualityPage *self)
{
  const LlRunResult *r = result;
  if (self->empty_row) {
    gtk_list_box_remove(self->unit_list, self->empty_row);
    self->empty_row = NULL;
  }
  g_autoptr(GDateTime) local = r->started_utc ? g_date_time_to_local(r->started_utc) : NULL;
  g_autofree gchar *when = local ? g_date_time_format(local, "%H:%M:%S") : g_strdup("");
  const char *part = g_hash_table_lookup(r->unit_info, "part_number");
  g_autofree gchar *run = run_id ? g_strdup_printf(" · run %" G_GINT64_FORMAT, run_id) : g_strdup("");
  g_autofree gchar *sub = g_strdup_printf("%s · site %u · %s%s%s · %.0f s%s%s%s", when, r->site,
                                          ll_outcome_name(r->outcome), r->bin ? " · " : "",
                                          r->bin ? r->bin->name : "",
                                          (r->finished_us - r->started_us) / 1e6, part ? " · " : "",
                                          part ? part : "", run);
  GtkWidget *row = ll_gui_plain_row(r->serial, sub);
  const char *icon = r->outcome == LL_OUTCOME_PASS   ? "emblem-ok-symbolic"
                     : r->outcome == LL_OUTCOME_FAIL ? "dialog-error-symbolic"
                                                     : "dialog-warning-symbolic";
  adw_action_row_add_prefix(ADW_ACTION_ROW(row), gtk_image_new_from_icon_name(icon));
  if (run_id) {
    GtkWidget *button = gtk_button_new_with_label("Unit Report…");
    gtk_widget_set_valign(button, GTK_ALIGN_CENTER);
    gint64 *id = g_new(gint64, 1);
    *id = run_id;
    g_object_set_data_full(G_OBJECT(button), "run-id", id, g_free);
    g_object_set_data_full(G_OBJECT(button), "serial", g_strdup(r->serial), g_free);
    g_signal_connect(button, "clicked", G_CALLBACK(on_unit_report_clicked), self);
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), button);
  }
  gtk_list_box_prepend(self->unit_list, row);

  if (ll_gui_runner_get_store(runner)) {
    query_store(self);
    /* the browser asks again when it is shown */
    self->stale = TRUE;
    if (gtk_widget_get_mapped(GTK_WIDGET(self)))
      on_map(self);
    return;
  }
  self->shift_units++;
  g_autofree gchar *key = r->bin ? g_strdup_printf("bin %u %s", r->bin->number, r->bin->name)
                                 : g_strdup(ll_outcome_name(r->outcome));
  g_hash_table_insert(self->shift_bins, g_strdup(key),
                      GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(self->shift_bins, key)) + 1));
  show_shift_bins(self);
}

static void
refresh(GtkWidget *widget, const char *action, GVariant *param)
{
  LlGuiQualityPage *self = LL_GUI_QUALITY_PAGE(widget);
  query_store(self);
  browse(self, ASK(PART_BINS) | ASK(PART_RUNS) | ASK(PART_CHARTS) | ASK(PART_NAMES) | ASK(PART_VALUES) |
               (self->detail_run ? ASK(PART_DETAIL) : 0));
}

static void
ll_gui_quality_page_dispose(GObject *object)
{
  LlGuiQualityPage *self = LL_GUI_QUALITY_PAGE(object);
  if (self->cancel)
    g_cancellable_cancel(self->cancel);
  g_clear_object(&self->cancel);
  g_clear_handle_id(&self->filter_timer, g_source_remove);
  if (self->runner)
    g_signal_handlers_disconnect_by_data(self->runner, self);
  g_clear_object(&self->runner);
  g_clear_pointer(&self->shift_bins, g_hash_table_unref);
  g_clear_pointer(&self->bin_rows, g_ptr_array_unref);
  g_clear_pointer(&self->store_rows, g_ptr_array_unref);
  g_clear_pointer(&self->bin_choices, g_array_unref);
  g_clear_pointer(&self->names, g_ptr_array_unref);
  g_clear_pointer(&self->detail_serial, g_free);
  if (self->browser)
    g_atomic_rc_box_release_full(g_steal_pointer(&self->browser), browser_clear);
  gtk_widget_dispose_template(GTK_WIDGET(self), LL_GUI_TYPE_QUALITY_PAGE);
  G_OBJECT_CLASS(ll_gui_quality_page_parent_class)->dispose(object);
}

static void
ll_gui_quality_page_class_init(LlGuiQualityPageClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
  G_OBJECT_CLASS(klass)->dispose = ll_gui_quality_page_dispose;
  gtk_widget_class_set_template_from_resource(wc, "/org/lightline/Station/ui/ll-gui-quality.ui");
#define CHILD(name) gtk_widget_class_bind_template_child(wc, LlGuiQualityPage, name)
  CHILD(store_group);
  CHILD(bins_group);
  CHILD(units_group);
  CHILD(filter_box);
  CHILD(from_entry);
  CHILD(to_entry);
  CHILD(lot_entry);
  CHILD(station_entry);
  CHILD(serial_entry);
  CHILD(reference_check);
  CHILD(spinner);
  CHILD(lot_button);
  CHILD(stack);
  CHILD(bin_drop);
  CHILD(yield_drop);
  CHILD(measure_drop);
  CHILD(runs_label);
  CHILD(detail_title);
  CHILD(detail_facts);
  CHILD(detail_failures);
  CHILD(hist_n);
  CHILD(hist_mean);
  CHILD(hist_sd);
  CHILD(hist_cpk);
  CHILD(hist_limits);
  CHILD(prev_button);
  CHILD(next_button);
  CHILD(unit_button);
  CHILD(run_list);
  CHILD(measure_grid);
  CHILD(chart_grid);
#undef CHILD
  gtk_widget_class_bind_template_callback(wc, on_lot_clicked);
  gtk_widget_class_bind_template_callback(wc, on_newer);
  gtk_widget_class_bind_template_callback(wc, on_older);
  gtk_widget_class_bind_template_callback(wc, on_run_selected);
  gtk_widget_class_bind_template_callback(wc, on_unit_export);
  gtk_widget_class_install_action(wc, "page.refresh", NULL, refresh);
  gtk_widget_class_install_action(wc, "quality.unit-report", "(xs)", unit_report_action);
  gtk_widget_class_install_action(wc, "quality.lot-report", "s", lot_report_action);
  gtk_widget_class_install_action(wc, "quality.show-run", "x", show_run_action);
  gtk_widget_class_install_action(wc, "quality.export-unit", "s", export_unit_action);
}

static GtkWidget *
add_chart(GtkGrid *grid, const char *name, int col, int row, int span, int height)
{
  GtkWidget *chart = ll_gui_chart_new();
  gtk_widget_set_name(chart, name);
  gtk_drawing_area_set_content_height(GTK_DRAWING_AREA(chart), height);
  gtk_grid_attach(grid, chart, col, row, span, 1);
  return chart;
}

static void
ll_gui_quality_page_init(LlGuiQualityPage *self)
{
  gtk_widget_init_template(GTK_WIDGET(self));
  self->cancel = g_cancellable_new();
  self->shift_bins = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  self->bin_rows = g_ptr_array_new();
  self->store_rows = g_ptr_array_new();
  self->bin_choices = g_array_new(FALSE, FALSE, sizeof(BinChoice));
  self->yield_chart = add_chart(self->chart_grid, "yield-chart", 0, 1, 1, 220);
  self->pareto_chart = add_chart(self->chart_grid, "pareto-chart", 1, 1, 1, 220);
  self->hist_chart = add_chart(self->chart_grid, "histogram-chart", 0, 3, 2, 260);
  ll_gui_chart_set_message(self->hist_chart, "Choose a measurement");
  g_autoptr(GPtrArray) any = g_ptr_array_new();
  g_ptr_array_add(any, (gpointer) "Any bin");
  fill_drop(self, self->bin_drop, any, NULL);
  GtkWidget *entries[] = { self->from_entry, self->to_entry, self->lot_entry, self->station_entry,
                           self->serial_entry };
  for (guint i = 0; i < G_N_ELEMENTS(entries); i++)
    g_signal_connect_swapped(entries[i], "changed", G_CALLBACK(on_filter_changed), self);
  g_signal_connect_swapped(self->bin_drop, "notify::selected", G_CALLBACK(on_filter_changed), self);
  g_signal_connect_swapped(self->reference_check, "toggled", G_CALLBACK(on_reference_toggled), self);
  g_signal_connect_swapped(self->yield_drop, "notify::selected", G_CALLBACK(on_yield_by), self);
  g_signal_connect_swapped(self->measure_drop, "notify::selected", G_CALLBACK(on_measure_chosen), self);
  g_signal_connect_swapped(self->stack, "notify::visible-child-name", G_CALLBACK(on_stack_page), self);
  g_signal_connect(self, "map", G_CALLBACK(on_map), NULL);
  on_stack_page(self);
}

GtkWidget *
ll_gui_quality_new(LlGuiRunner *runner)
{
  LlGuiQualityPage *self = g_object_new(LL_GUI_TYPE_QUALITY_PAGE, NULL);
  self->runner = g_object_ref(runner);
  LlStore *store = ll_gui_runner_get_store(runner);
  const LlStationConfig *c = ll_gui_runner_get_config(runner);
  g_autofree gchar *about =
    store ? g_strdup_printf("%s · every run of %s on station %s", ll_store_path(store),
                            ll_gui_runner_get_sequence(runner)->id, c->id)
          : g_strdup("This station does not record its runs: set database in the station file's "
                     "[station] group (or start with --db FILE). The bins below are this shift's.");
  adw_preferences_group_set_description(self->store_group, about);
  gtk_widget_set_sensitive(self->lot_button, store != NULL);
  GtkWidget *list = gtk_list_box_new();
  gtk_list_box_set_selection_mode(GTK_LIST_BOX(list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class(list, "boxed-list");
  gtk_widget_set_name(list, "quality-units-list");
  self->empty_row = ll_gui_plain_row("No unit tested yet", "Units appear here as their verdicts come.");
  gtk_list_box_append(GTK_LIST_BOX(list), self->empty_row);
  adw_preferences_group_add(self->units_group, list);
  self->unit_list = GTK_LIST_BOX(list);
  g_signal_connect(runner, "run-finished", G_CALLBACK(on_run_finished), self);
  query_store(self);
  if (store) {
    self->browser = g_atomic_rc_box_new0(Browser);
    self->browser->path = g_strdup(ll_store_path(store));
    g_mutex_init(&self->browser->lock);
    refresh(GTK_WIDGET(self), NULL, NULL);
  } else {
    gtk_label_set_text(self->runs_label, "This station does not record its runs");
    gtk_widget_set_sensitive(self->filter_box, FALSE);
  }
  return GTK_WIDGET(self);
}
