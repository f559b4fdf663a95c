/* ll-engine.c: the test engine (see ll-engine.h).
 *
 * A run walks the sequence's steps in order (setup, main, cleanup). A
 * per-lane step of a lane action is one call per lane; any other step is one
 * call. A call leases the instruments of its action's roles, runs the action
 * up to 1 + retries times until it passes, then judges what it reported: a
 * value that a step limit names is looked up in the limits tables for the
 * unit's part number, its lane and the corner, and judged; a limit the step
 * names that got no value is an ERROR, never a silent pass. After an ERROR,
 * or a FAIL of a step whose on_fail is stop, or an abort, the remaining setup
 * and main steps are skipped; cleanup steps always run. */
#include "ll-engine.h"

#include <math.h>
#include <string.h>

#define MAX_SITES 64
#define LL_MAX_LEASES 16 /* instruments one step call may lease */

struct _LlEngine {
  LlStation *station;
  const LlSequence *seq;
  GPtrArray *tables;
  GArray *listeners; /* of Listener */
  LlCorner corner;
  GArray *path_needs;                      /* of LlPathNeed */
  GMutex path_lock;                        /* path_loss */
  LlPathLossTable *path_loss[MAX_SITES + 1]; /* by site; NULL: none */
};

typedef struct {
  LlEventFunc func;
  gpointer data;
} Listener;

struct _LlActionContext {
  LlEngine *engine;
  LlRunResult *run;
  const LlStep *step;
  guint lane;
  guint32 lanes;
  GCancellable *cancel;
  LlInstrument *by_class[LL_CLASS_COUNT];
  guint attempt;
  LlPathLossTable *path_loss; /* the run's calibration of its site; NULL: none */
  gint64 deadline_us;   /* the attempt's timeout on the station clock; 0: none */
  GPtrArray *reported;  /* of LlMeasurement*: this attempt's values (owned) */
  LlStepResult *result;
};

G_DEFINE_QUARK(ll-engine-error-quark, ll_engine_error)

/* ---- names and results ---- */

const char *
ll_outcome_name(LlOutcome o)
{
  static const char *const names[] = { "PASS", "FAIL", "ERROR", "ABORTED", "INCOMPLETE" };
  return o < G_N_ELEMENTS(names) ? names[o] : "?";
}

const char *
ll_step_verdict_name(LlStepVerdict v)
{
  static const char *const names[] = { "pass", "fail", "error", "skipped" };
  return v < G_N_ELEMENTS(names) ? names[v] : "?";
}

static void
measurement_free(gpointer p)
{
  LlMeasurement *m = p;
  g_free(m->step_id);
  g_free(m->name);
  g_free(m->limit_name);
  ll_value_clear(&m->value);
  g_free(m);
}

static void
attachment_free(gpointer p)
{
  LlAttachment *a = p;
  g_free(a->name);
  g_free(a->media_type);
  g_bytes_unref(a->content);
  g_free(a);
}

static void
step_result_free(gpointer p)
{
  LlStepResult *s = p;
  g_free(s->step_id);
  g_free(s->message);
  g_ptr_array_unref(s->notes);
  g_ptr_array_unref(s->attachments);
  g_free(s);
}

void
ll_run_result_free(LlRunResult *r)
{
  if (!r)
    return;
  g_free(r->serial);
  g_free(r->message);
  g_hash_table_unref(r->unit_info);
  g_ptr_array_unref(r->measurements);
  g_ptr_array_unref(r->steps);
  g_clear_pointer(&r->started_utc, g_date_time_unref);
  g_free(r);
}

/* ---- the engine ---- */

LlEngine *
ll_engine_new(LlStation *station, const LlSequence *seq, GPtrArray *tables)
{
  LlEngine *e = g_new0(LlEngine, 1);
  e->station = station;
  e->seq = seq;
  e->tables = g_ptr_array_ref(tables);
  e->listeners = g_array_new(FALSE, FALSE, sizeof(Listener));
  e->corner.kind = LL_CORNER_ROOM;
  e->path_needs = ll_path_loss_needs(seq);
  g_mutex_init(&e->path_lock);
  return e;
}

void
ll_engine_free(LlEngine *e)
{
  if (!e)
    return;
  g_ptr_array_unref(e->tables);
  g_array_unref(e->listeners);
  g_array_unref(e->path_needs);
  for (guint i = 0; i <= MAX_SITES; i++)
    g_clear_pointer(&e->path_loss[i], ll_path_loss_table_unref);
  g_mutex_clear(&e->path_lock);
  g_free(e);
}

void
ll_engine_set_path_loss(LlEngine *e, guint site, LlPathLossTable *table)
{
  if (site > MAX_SITES)
    return;
  g_mutex_lock(&e->path_lock);
  g_clear_pointer(&e->path_loss[site], ll_path_loss_table_unref);
  e->path_loss[site] = table ? ll_path_loss_table_ref(table) : NULL;
  g_mutex_unlock(&e->path_lock);
}

const GArray *
ll_engine_path_needs(LlEngine *e)
{
  return e->path_needs;
}

/* A reference to @site's table, or NULL. */
static LlPathLossTable *
site_path_loss(LlEngine *e, guint site)
{
  if (site > MAX_SITES)
    return NULL;
  g_mutex_lock(&e->path_lock);
  LlPathLossTable *t = e->path_loss[site] ? ll_path_loss_table_ref(e->path_loss[site]) : NULL;
  g_mutex_unlock(&e->path_lock);
  return t;
}

void
ll_engine_add_listener(LlEngine *e, LlEventFunc func, gpointer user_data)
{
  Listener l = { func, user_data };
  g_array_append_val(e->listeners, l);
}

void
ll_engine_set_corner(LlEngine *e, const LlCorner *corner)
{
  e->corner = *corner;
}

static void
emit(LlEngine *e, LlEvent *ev)
{
  for (guint i = 0; i < e->listeners->len; i++) {
    Listener *l = &g_array_index(e->listeners, Listener, i);
    l->func(ev, l->data);
  }
}

/* Lanes of the product the step covers. */
static guint32
step_lanes(const LlEngine *e, const LlStep *step)
{
  guint32 all = e->seq->lanes >= 32 ? 0xFFFFFFFFu : (1u << e->seq->lanes) - 1;
  return step->per_lane ? step->lanes & all : all;
}

/* ---- the action context ---- */

const LlValue *
ll_action_param(LlActionContext *ctx, const char *name)
{
  for (guint i = 0; ctx->step->resolved && i < ctx->step->resolved->len; i++) {
    const LlParam *p = ctx->step->resolved->pdata[i];
    if (g_str_equal(p->name, name))
      return &p->value;
  }
  return NULL;
}

double
ll_action_param_number(LlActionContext *ctx, const char *name)
{
  const LlValue *v = ll_action_param(ctx, name);
  return v && v->type == LL_VALUE_NUMBER ? v->number : NAN;
}

const char *
ll_action_param_string(LlActionContext *ctx, const char *name)
{
  const LlValue *v = ll_action_param(ctx, name);
  return v && v->type == LL_VALUE_STRING ? v->text : NULL;
}

gboolean
ll_action_param_boolean(LlActionContext *ctx, const char *name)
{
  const LlValue *v = ll_action_param(ctx, name);
  return v && v->type == LL_VALUE_BOOLEAN && v->boolean;
}

guint
ll_action_lane(LlActionContext *ctx)
{
  return ctx->lane;
}

guint32
ll_action_lanes(LlActionContext *ctx)
{
  return ctx->lanes;
}

guint
ll_action_lane_count(LlActionContext *ctx)
{
  return ctx->engine->seq->lanes;
}

guint
ll_action_site(LlActionContext *ctx)
{
  return ctx->run->site;
}

const char *
ll_action_serial(LlActionContext *ctx)
{
  return ctx->run->serial;
}

const char *
ll_action_product(LlActionContext *ctx)
{
  return ctx->engine->seq->product;
}

LlStation *
ll_action_station(LlActionContext *ctx)
{
  return ctx->engine->station;
}

const LlPathLossValue *
ll_action_path_loss(LlActionContext *ctx, LlPathKind path, guint lane, double wavelength_nm)
{
  const LlPathLossValue *v =
    ctx->path_loss ? ll_path_loss_table_lookup(ctx->path_loss, path, lane, wavelength_nm) : NULL;
  if (v && v->expires_utc && g_date_time_compare(ctx->run->started_utc, v->expires_utc) >= 0)
    return NULL; /* expired before the run: not used (a station that needs it refused the run) */
  return v;
}

const LlValue *
ll_action_run_value(LlActionContext *ctx, const char *name, guint lane)
{
  GPtrArray *kept = ctx->run->measurements;
  for (guint i = kept->len; i-- > 0;) {
    const LlMeasurement *m = kept->pdata[i];
    if (m->lane == lane && g_str_equal(m->name, name))
      return &m->value;
  }
  return NULL;
}

LlClock *
ll_action_clock(LlActionContext *ctx)
{
  return ll_station_get_clock(ctx->engine->station);
}

gboolean
ll_action_timed_out(LlActionContext *ctx)
{
  return ctx->deadline_us && ll_clock_now(ll_action_clock(ctx)) >= ctx->deadline_us;
}

gboolean
ll_action_cancelled(LlActionContext *ctx)
{
  return (ctx->cancel && g_cancellable_is_cancelled(ctx->cancel)) || ll_action_timed_out(ctx);
}

LlInstrument *
ll_action_instrument(LlActionContext *ctx, LlInstrumentClass klass)
{
  return klass < LL_CLASS_COUNT ? ctx->by_class[klass] : NULL;
}

LlEvb *
ll_action_evb(LlActionContext *ctx)
{
  LlInstrument *inst = ctx->by_class[LL_CLASS_EVB];
  return inst ? ll_instrument_evb(inst) : NULL;
}

static LlMeasurement *
report(LlActionContext *ctx, const char *name, guint lane)
{
  LlMeasurement *m = g_new0(LlMeasurement, 1);
  m->step_id = g_strdup(ctx->step->id);
  m->group = ctx->step->group;
  m->name = g_strdup(name);
  m->lane = lane;
  m->attempt = ctx->attempt;
  m->time_us = ll_clock_now(ll_action_clock(ctx));
  m->judgement.verdict = LL_VERDICT_PASS;
  m->judgement.value = m->judgement.margin = m->judgement.margin_pct = NAN;
  m->raw = m->correction_db = NAN;
  g_ptr_array_add(ctx->reported, m);
  return m;
}

void
ll_action_measure_lane(LlActionContext *ctx, const char *name, guint lane, double value, LlUnit unit)
{
  ll_value_set_number(&report(ctx, name, lane)->value, value, unit);
}

void
ll_action_measure(LlActionContext *ctx, const char *name, double value, LlUnit unit)
{
  ll_action_measure_lane(ctx, name, ctx->lane, value, unit);
}

void
ll_action_measure_corrected(LlActionContext *ctx, const char *name, guint lane, double raw,
                            double correction_db, gint64 path_loss_id, LlUnit unit)
{
  LlMeasurement *m = report(ctx, name, lane);
  ll_value_set_number(&m->value, raw + correction_db, unit);
  m->raw = raw;
  m->correction_db = correction_db;
  m->path_loss_id = path_loss_id;
}

void
ll_action_measure_text(LlActionContext *ctx, const char *name, const char *text)
{
  ll_value_set_string(&report(ctx, name, ctx->lane)->value, text);
}

void
ll_action_measure_boolean(LlActionContext *ctx, const char *name, gboolean value)
{
  ll_value_set_boolean(&report(ctx, name, ctx->lane)->value, value);
}

void
ll_action_note(LlActionContext *ctx, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_ptr_array_add(ctx->result->notes, g_strdup_vprintf(format, ap));
  va_end(ap);
}

void
ll_action_attach(LlActionContext *ctx, const char *name, const char *media_type, GBytes *content)
{
  LlAttachment *a = g_new0(LlAttachment, 1);
  a->name = g_strdup(name);
  a->media_type = g_strdup(media_type);
  a->content = g_bytes_ref(content);
  g_ptr_array_add(ctx->result->attachments, a);
}

void
ll_action_set_unit_info(LlActionContext *ctx, const char *key, const char *value)
{
  g_hash_table_replace(ctx->run->unit_info, g_strdup(key), g_strdup(value));
}

const char *
ll_action_unit_info(LlActionContext *ctx, const char *key)
{
  return g_hash_table_lookup(ctx->run->unit_info, key);
}

/* ---- judging ---- */

static const LlLimit *
lookup_limit(LlEngine *e, LlRunResult *run, const char *name, guint lane)
{
  const char *pn = g_hash_table_lookup(run->unit_info, "part_number");
  for (guint i = 0; i < e->tables->len; i++) {
    const LlLimit *l = ll_limits_lookup(e->tables->pdata[i], name, pn, lane, &e->corner);
    if (l)
      return l;
  }
  return NULL;
}

static void
step_message(LlStepResult *res, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
step_message(LlStepResult *res, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_autofree gchar *msg = g_strdup_vprintf(format, ap);
  va_end(ap);
  if (!res->message) {
    res->message = g_steal_pointer(&msg);
  } else {
    gchar *joined = g_strdup_printf("%s; %s", res->message, msg);
    g_free(res->message);
    res->message = joined;
  }
}

/* Judges the values of this attempt; returns the step verdict. */
static LlStepVerdict
judge_attempt(LlActionContext *ctx)
{
  LlEngine *e = ctx->engine;
  const LlStep *step = ctx->step;
  LlStepVerdict verdict = LL_STEP_PASS;
  for (guint i = 0; i < ctx->reported->len; i++) {
    LlMeasurement *m = ctx->reported->pdata[i];
    for (guint k = 0; step->limits && k < step->limits->len; k++) {
      const LlStepLimit *sl = step->limits->pdata[k];
      if (!g_str_equal(sl->measurement, m->name))
        continue;
      m->judged = TRUE;
      m->limit_name = g_strdup(sl->limit);
      m->limit = lookup_limit(e, ctx->run, sl->limit, m->lane);
      if (!m->limit) {
        const char *pn = g_hash_table_lookup(ctx->run->unit_info, "part_number");
        step_message(ctx->result, "no limit '%s' applies to part number %s, lane %u", sl->limit,
                     pn ? pn : "(not identified)", m->lane);
        m->judgement.verdict = LL_VERDICT_ERROR;
        verdict = LL_STEP_ERROR;
        break;
      }
      g_autoptr(GError) err = NULL;
      if (!ll_limit_judge(m->limit, &m->value, &m->judgement, &err)) {
        step_message(ctx->result, "%s: %s", m->name, err->message);
        verdict = LL_STEP_ERROR;
      } else if (m->judgement.verdict == LL_VERDICT_FAIL && verdict == LL_STEP_PASS) {
        verdict = LL_STEP_FAIL;
      }
      if (m->judgement.verdict == LL_VERDICT_FAIL) {
        g_autofree gchar *v = ll_value_format(&m->value);
        g_autofree gchar *lane_text = m->lane ? g_strdup_printf(" lane %u", m->lane) : g_strdup("");
        step_message(ctx->result, "%s%s = %s outside %s", m->name, lane_text, v, m->limit_name);
      }
      break;
    }
  }
  /* every limit the step names must have been judged on every lane it covers */
  for (guint k = 0; step->limits && k < step->limits->len; k++) {
    const LlStepLimit *sl = step->limits->pdata[k];
    const LlMeasurementSpec *ms = step->spec ? ll_action_spec_measurement(step->spec, sl->measurement) : NULL;
    guint32 want = 0;
    if (ms && ms->per_lane)
      want = ctx->lane ? 1u << (ctx->lane - 1) : ctx->lanes;
    for (guint lane = 0; lane <= 32; lane++) {
      if (lane ? !((want >> (lane - 1)) & 1) : want != 0)
        continue;
      gboolean found = FALSE;
      for (guint i = 0; i < ctx->reported->len && !found; i++) {
        const LlMeasurement *m = ctx->reported->pdata[i];
        found = g_str_equal(m->name, sl->measurement) && m->lane == lane;
      }
      if (!found) {
        /* a pass can never rest on a value that is missing; a step that
         * already failed on another value stays a DUT failure */
        g_autofree gchar *lane_text = lane ? g_strdup_printf(" for lane %u", lane) : g_strdup("");
        step_message(ctx->result, "produced no %s%s for limit %s", sl->measurement, lane_text,
                     sl->limit);
        if (verdict == LL_STEP_PASS)
          verdict = LL_STEP_ERROR;
      }
    }
  }
  return verdict;
}

/* ---- running ---- */

typedef struct {
  LlEngine *engine;
  LlRunResult *run;
  GCancellable *cancel;
  guint done, total;
  LlPathLossTable *path_loss; /* the site's calibration for this run; NULL: none */
} Run;

typedef struct {
  const LlStep *step;
  guint lane; /* 0: a module-wide call */
} Call;

static void
emit_simple(Run *r, LlEventKind kind, const LlStep *step, guint lane, const LlStepResult *res)
{
  LlEvent ev = { .kind = kind, .site = r->run->site, .serial = r->run->serial, .step = step,
                 .lane = lane, .step_result = res, .run = r->run, .done = r->done, .total = r->total };
  emit(r->engine, &ev);
}

static LlStepResult *
new_step_result(const LlStep *step, guint lane)
{
  LlStepResult *res = g_new0(LlStepResult, 1);
  res->step_id = g_strdup(step->id);
  res->group = step->group;
  res->lane = lane;
  res->notes = g_ptr_array_new_with_free_func(g_free);
  res->attachments = g_ptr_array_new_with_free_func(attachment_free);
  return res;
}

/* The leases a call of @step needs, into @leases (at most LL_MAX_LEASES), with the
 * instruments filled into @ctx. FALSE with @error when a role has no
 * instrument on this station. */
static gboolean
call_leases(Run *r, const LlStep *step, const LlAction *action, LlActionContext *ctx,
            LlLease *leases, guint *n, GError **error)
{
  *n = 0;
  for (guint i = 0; action && step->spec && step->spec->roles && step->spec->roles[i]; i++) {
    LlInstrumentClass klass;
    if (!ll_instrument_class_from_name(step->spec->roles[i], &klass))
      continue;
    if (*n >= LL_MAX_LEASES) {
      g_set_error(error, LL_ENGINE_ERROR, LL_ENGINE_ERROR_ROLES,
                  "action '%s' names more than %u instruments", action->spec.name, LL_MAX_LEASES);
      return FALSE;
    }
    const char *role = step->roles && i < step->roles->len ? step->roles->pdata[i] : NULL;
    LlInstrument *inst = ll_station_resolve_role(r->engine->station, role, klass, r->run->site, error);
    if (!inst)
      return FALSE;
    ctx->by_class[klass] = inst;
    leases[*n].instrument = inst;
    leases[(*n)++].parts = action->parts ? action->parts(ctx, klass) : LL_PARTS_ALL;
  }
  return TRUE;
}

/* On even sites, each run of any_order steps starts at its middle step and
 * wraps around: with two sites started together, one measures the
 * transmitters while the other measures the receivers, instead of both
 * queueing for the same path. The order is fixed per site, never chosen
 * by timing, so a unit's record does not depend on how the threads ran. */
static void
rotate_any_order(GArray *calls, guint site)
{
  if (site % 2)
    return;
  for (guint i = 0; i < calls->len;) {
    Call *c = &g_array_index(calls, Call, i);
    if (!c->step->any_order) {
      i++;
      continue;
    }
    guint end = i, steps = 0;
    const LlStep *last = NULL;
    for (; end < calls->len && g_array_index(calls, Call, end).step->any_order; end++)
      if (g_array_index(calls, Call, end).step != last) {
        last = g_array_index(calls, Call, end).step;
        steps++;
      }
    /* the first call of the run's middle step */
    guint mid = i, seen = 0;
    for (last = NULL; mid < end; mid++) {
      const LlStep *st = g_array_index(calls, Call, mid).step;
      if (st != last && seen++ == steps / 2)
        break;
      last = st;
    }
    if (mid > i && mid < end) {
      guint n = end - i, k = mid - i;
      g_autofree Call *tmp = g_memdup2(c, sizeof(Call) * n);
      for (guint j = 0; j < n; j++)
        c[j] = tmp[(j + k) % n];
    }
    i = end;
  }
}

/* One call of @step (for @lane, 0 when module-wide). */
static LlStepResult *
run_call(Run *r, const LlStep *step, guint lane)
{
  LlEngine *e = r->engine;
  LlStepResult *res = new_step_result(step, lane);
  LlClock *clock = ll_station_get_clock(e->station);
  res->started_us = ll_clock_now(clock);
  emit_simple(r, LL_EVENT_STEP_STARTED, step, lane, NULL);

  LlActionContext ctx = { .engine = e, .run = r->run, .step = step, .lane = lane,
                          .lanes = lane ? 1u << (lane - 1) : step_lanes(e, step),
                          .cancel = r->cancel, .result = res, .path_loss = r->path_loss };
  const LlAction *action = ll_actions_lookup(step->action);
  LlLease leased[LL_MAX_LEASES];
  guint n_leased = 0;
  g_autoptr(GError) err = NULL;
  call_leases(r, step, action, &ctx, leased, &n_leased, &err);
  if (!action) {
    res->verdict = LL_STEP_ERROR;
    step_message(res, "the station has no action '%s'", step->action);
  } else if (err) {
    res->verdict = LL_STEP_ERROR;
    step_message(res, "%s", err->message);
  } else if (!ll_station_lease(e->station, leased, n_leased, &err)) {
    res->verdict = LL_STEP_ERROR;
    step_message(res, "%s", err->message);
  } else {
    for (guint attempt = 1; attempt <= step->retries + 1; attempt++) {
      g_clear_pointer(&res->message, g_free);
      ctx.attempt = attempt;
      ctx.reported = g_ptr_array_new_with_free_func(measurement_free);
      ctx.deadline_us = step->timeout_s > 0 ? ll_clock_now(clock) + (gint64) (step->timeout_s * 1e6) : 0;
      res->attempts = attempt;
      g_autoptr(GError) fault = NULL;
      gboolean ran = action->run(&ctx, &fault);
      if (ll_action_timed_out(&ctx) && !(r->cancel && g_cancellable_is_cancelled(r->cancel))) {
        /* a step that overran its time is never judged: what it saw may be
         * half a measurement */
        res->verdict = LL_STEP_ERROR;
        gboolean other = fault && !g_error_matches(fault, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
        step_message(res, "took longer than its timeout_s of %g s%s%s", step->timeout_s,
                     other ? ": " : "", other ? fault->message : "");
      } else if (!ran) {
        res->verdict = LL_STEP_ERROR;
        step_message(res, "%s", fault ? fault->message : "the action failed without saying why");
        /* a faulty instrument is reopened by the next lease */
        for (guint i = 0; i < n_leased; i++)
          if (ll_instrument_config(leased[i].instrument)->klass != LL_CLASS_EVB)
            ll_instrument_reset(e->station, leased[i].instrument);
      } else {
        res->verdict = judge_attempt(&ctx);
      }
      gboolean last = res->verdict == LL_STEP_PASS || attempt == step->retries + 1 ||
                      (r->cancel && g_cancellable_is_cancelled(r->cancel));
      if (last) {
        for (guint i = 0; i < ctx.reported->len; i++) {
          LlMeasurement *m = ctx.reported->pdata[i];
          LlEvent ev = { .kind = LL_EVENT_MEASUREMENT, .site = r->run->site, .serial = r->run->serial,
                         .step = step, .lane = lane, .measurement = m, .run = r->run,
                         .done = r->done, .total = r->total };
          emit(e, &ev);
        }
        g_ptr_array_extend_and_steal(r->run->measurements, ctx.reported);
        break;
      }
      g_ptr_array_unref(ctx.reported);
    }
    ll_station_release(e->station, leased, n_leased);
  }
  if (res->verdict == LL_STEP_FAIL)
    res->bin = step->bin;
  res->finished_us = ll_clock_now(clock);
  r->done++;
  emit_simple(r, LL_EVENT_STEP_FINISHED, step, lane, res);
  return res;
}

static gint
by_station_order(gconstpointer a, gconstpointer b, gpointer data)
{
  guint ia = 0, ib = 0;
  g_ptr_array_find(data, *(gpointer const *) a, &ia);
  g_ptr_array_find(data, *(gpointer const *) b, &ib);
  return (gint) ia - (gint) ib;
}

GPtrArray *
ll_engine_site_instruments(LlEngine *e, guint site)
{
  GPtrArray *used = g_ptr_array_new();
  LlRunResult scratch = { .site = site };
  Run r = { .engine = e, .run = &scratch };
  for (guint i = 0; i < e->seq->steps->len; i++) {
    const LlStep *step = e->seq->steps->pdata[i];
    const LlAction *action = ll_actions_lookup(step->action);
    LlActionContext ctx = { .engine = e, .run = &scratch, .step = step,
                            .lanes = step_lanes(e, step) };
    LlLease leases[LL_MAX_LEASES];
    guint n = 0;
    if (!action || !call_leases(&r, step, action, &ctx, leases, &n, NULL))
      continue; /* the run itself reports a role with no instrument */
    for (guint k = 0; k < n; k++)
      if (!g_ptr_array_find(used, leases[k].instrument, NULL))
        g_ptr_array_add(used, leases[k].instrument);
  }
  g_ptr_array_sort_with_data(used, by_station_order, ll_station_instruments(e->station));
  return used;
}

gboolean
ll_engine_check_calibration(LlEngine *e, guint site, const GDate *today, GError **error)
{
  GDate now;
  if (!today) {
    g_autoptr(GDateTime) utc = g_date_time_new_now_utc();
    g_date_set_dmy(&now, (GDateDay) g_date_time_get_day_of_month(utc),
                   (GDateMonth) g_date_time_get_month(utc), (GDateYear) g_date_time_get_year(utc));
    today = &now;
  }
  g_autoptr(GPtrArray) expired = ll_engine_site_instruments(e, site);
  for (guint i = expired->len; i-- > 0;) {
    const LlInstrumentConfig *ic = ll_instrument_config(expired->pdata[i]);
    if (!g_date_valid(&ic->cal_due) || g_date_compare(today, &ic->cal_due) <= 0)
      g_ptr_array_remove_index(expired, i);
  }
  if (!expired->len)
    return TRUE;
  g_autoptr(GString) msg = g_string_new(NULL);
  for (guint i = 0; i < expired->len; i++) {
    const LlInstrumentConfig *ic = ll_instrument_config(expired->pdata[i]);
    char due[16];
    g_date_strftime(due, sizeof due, "%Y-%m-%d", &ic->cal_due);
    g_string_append_printf(msg, "%s%s '%s' was due for calibration on %s%s%s%s", i ? "; " : "",
                           ll_instrument_class_name(ic->klass), ic->name, due,
                           ic->cal_cert ? " (certificate " : "", ic->cal_cert ? ic->cal_cert : "",
                           ic->cal_cert ? ")" : "");
  }
  g_set_error(error, LL_ENGINE_ERROR, LL_ENGINE_ERROR_CALIBRATION,
              "%s: have it calibrated, then update cal-due and cal-cert in %s", msg->str,
              ll_station_config(e->station)->path);
  return FALSE;
}

LlRunResult *
ll_engine_run(LlEngine *e, guint site, const char *serial, GCancellable *cancel)
{
  LlRunResult *run = g_new0(LlRunResult, 1);
  run->site = site;
  run->serial = g_strdup(serial);
  run->unit_info = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  run->measurements = g_ptr_array_new_with_free_func(measurement_free);
  run->steps = g_ptr_array_new_with_free_func(step_result_free);
  run->worst_margin_pct = NAN;
  LlClock *clock = ll_station_get_clock(e->station);
  /* sites acting at one virtual instant act in site order (ll-clock.h) */
  ll_clock_virtual_set_rank(clock, site);
  run->started_us = ll_clock_now(clock);
  run->started_utc = g_date_time_new_now_utc();

  g_autoptr(LlPathLossTable) path_loss = site_path_loss(e, site);
  Run r = { e, run, cancel, 0, 0, path_loss };
  for (guint i = 0; i < e->seq->steps->len; i++) {
    const LlStep *step = e->seq->steps->pdata[i];
    r.total += step->per_lane && step->spec && step->spec->lane_action
                 ? (guint) __builtin_popcount(step_lanes(e, step))
                 : 1;
  }
  /* the newest calibration among the paths the run measures through */
  for (guint i = 0; path_loss && i < e->path_needs->len; i++) {
    const LlPathNeed *n = &g_array_index(e->path_needs, LlPathNeed, i);
    const LlPathLossValue *v = ll_path_loss_table_lookup(path_loss, n->path, n->lane, n->wavelength_nm);
    if (v && v->set_id > run->path_loss_set_id)
      run->path_loss_set_id = v->set_id;
  }
  emit_simple(&r, LL_EVENT_RUN_STARTED, NULL, 0, NULL);

  gboolean stop = FALSE, error = FALSE, aborted = FALSE, refused = FALSE;
  g_autoptr(GError) cal_err = NULL;
  const LlStationConfig *cfg = ll_station_config(e->station);
  if (!ll_engine_check_calibration(e, site, NULL, &cal_err) ||
      (cfg->path_loss_expiry_h > 0 &&
       !ll_path_loss_table_check(path_loss, cfg->id, site, e->path_needs, run->started_utc,
                                 cfg->path, &cal_err))) {
    /* nothing is touched, not even cleanup: no number may come from an
     * instrument past its calibration, or through a path not calibrated */
    refused = error = stop = TRUE;
    run->message = g_strdup(cal_err->message);
  }
  g_autoptr(GArray) failed_bins = g_array_new(FALSE, FALSE, sizeof(guint));
  /* every call in the order this site runs them: (step, lane) */
  g_autoptr(GArray) calls = g_array_new(FALSE, FALSE, sizeof(Call));
  for (guint i = 0; i < e->seq->steps->len; i++) {
    const LlStep *step = e->seq->steps->pdata[i];
    gboolean per_lane_calls = step->per_lane && step->spec && step->spec->lane_action;
    guint32 lanes = per_lane_calls ? step_lanes(e, step) : 1;
    for (guint lane = per_lane_calls ? 1 : 0; lane <= (per_lane_calls ? 32u : 0u); lane++)
      if (!per_lane_calls || ((lanes >> (lane - 1)) & 1)) {
        Call c = { step, lane };
        g_array_append_val(calls, c);
      }
  }
  rotate_any_order(calls, site);
  for (guint i = 0; i < calls->len; i++) {
    const Call *call = &g_array_index(calls, Call, i);
    aborted |= cancel && g_cancellable_is_cancelled(cancel);
    const LlStep *step = call->step;
    guint lane = call->lane;
    LlStepResult *res;
    if (refused || (step->group != LL_GROUP_CLEANUP && (stop || aborted))) {
      res = new_step_result(step, lane);
      res->verdict = LL_STEP_SKIPPED;
      r.done++;
    } else {
      res = run_call(&r, step, lane);
    }
    g_ptr_array_add(run->steps, res);
    if (res->verdict == LL_STEP_ERROR) {
      error = TRUE;
      stop = TRUE;
      if (!run->message) {
        g_autofree gchar *where = lane ? g_strdup_printf("%s lane %u", step->id, lane)
                                       : g_strdup(step->id);
        run->message = g_strdup_printf("%s: %s", where, res->message ? res->message : "error");
      }
    } else if (res->verdict == LL_STEP_FAIL) {
      g_array_append_val(failed_bins, step->bin);
      if (step->on_fail == LL_ON_FAIL_STOP)
        stop = TRUE;
    }
  }

  /* the grade: the worst margin of every judged value */
  GArray *margins = g_array_new(FALSE, FALSE, sizeof(LlJudgement));
  for (guint i = 0; i < run->measurements->len; i++) {
    const LlMeasurement *m = run->measurements->pdata[i];
    if (m->judged)
      g_array_append_val(margins, m->judgement);
  }
  run->worst_margin_pct = ll_judgements_worst_margin_pct((LlJudgement *) margins->data, margins->len);
  g_array_unref(margins);

  const LlLimitsTable *table = e->tables->len ? e->tables->pdata[0] : NULL;
  /* a stop asked during the last steps still makes the run ABORTED */
  aborted |= cancel && g_cancellable_is_cancelled(cancel);
  if (aborted) {
    run->outcome = LL_OUTCOME_ABORTED;
    g_free(run->message);
    run->message = g_strdup("aborted by the operator");
  } else if (error) {
    run->outcome = LL_OUTCOME_ERROR;
  } else if (!table) {
    run->outcome = LL_OUTCOME_ERROR;
    run->message = g_strdup("the sequence has no limits table to bin with");
  } else if (failed_bins->len) {
    run->bin = ll_bins_decide(table, (guint *) failed_bins->data, failed_bins->len, run->worst_margin_pct);
    run->outcome = run->bin ? LL_OUTCOME_FAIL : LL_OUTCOME_ERROR;
    if (!run->bin)
      run->message = g_strdup("a failing step's bin is not a fail bin of the limits table");
  } else {
    run->bin = ll_bins_decide(table, NULL, 0, run->worst_margin_pct);
    run->outcome = run->bin ? LL_OUTCOME_PASS : LL_OUTCOME_ERROR;
    if (!run->bin)
      run->message = g_strdup("no pass bin of the limits table fits");
  }
  run->finished_us = ll_clock_now(clock);
  emit_simple(&r, LL_EVENT_RUN_FINISHED, NULL, 0, NULL);
  return run;
}

typedef struct {
  LlEngine *engine;
  guint site;
  const char *serial;
  GCancellable *cancel;
  LlRunResult *result;
  GMutex *lock;   /* the starter's: guards *joined */
  GCond *cond;
  guint *joined;  /* how many site threads take part in virtual time so far */
} SiteJob;

static gpointer
site_thread(gpointer data)
{
  SiteJob *job = data;
  LlClock *clock = ll_station_get_clock(job->engine->station);
  /* take part before the starter stops holding time still (it waits for
   * this), so time cannot run ahead of this site */
  ll_clock_virtual_join(clock);
  g_mutex_lock(job->lock);
  (*job->joined)++;
  g_cond_broadcast(job->cond);
  g_mutex_unlock(job->lock);
  job->result = ll_engine_run(job->engine, job->site, job->serial, job->cancel);
  ll_clock_virtual_leave(clock);
  return NULL;
}

GPtrArray *
ll_engine_run_sites(LlEngine *e, const guint *sites, const char *const *serials, guint n,
                    GCancellable *cancel)
{
  LlClock *clock = ll_station_get_clock(e->station);
  g_autofree SiteJob *jobs = g_new0(SiteJob, n);
  g_autofree GThread **threads = g_new0(GThread *, n);
  GMutex lock;
  GCond cond;
  guint joined = 0;
  g_mutex_init(&lock);
  g_cond_init(&cond);
  for (guint i = 0; i < n; i++) {
    jobs[i] = (SiteJob) { e, sites[i], serials[i], cancel, NULL, &lock, &cond, &joined };
    threads[i] = g_thread_new("site", site_thread, &jobs[i]);
  }
  /* this thread holds virtual time still until every site takes part */
  g_mutex_lock(&lock);
  while (joined < n)
    g_cond_wait(&cond, &lock);
  g_mutex_unlock(&lock);
  /* waiting for the sites is not work */
  gboolean took_part = ll_clock_virtual_leave(clock);
  for (guint i = 0; i < n; i++)
    g_thread_join(threads[i]);
  if (took_part)
    ll_clock_virtual_join(clock);
  g_mutex_clear(&lock);
  g_cond_clear(&cond);
  GPtrArray *results = g_ptr_array_new_with_free_func((GDestroyNotify) ll_run_result_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add(results, jobs[i].result);
  return results;
}
