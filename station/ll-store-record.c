/* ll-store-record.c: the recorder, the engine listener that writes runs into
 * the results store (see ll-store.h).
 *
 * Events of one site come from that site's thread, one run at a time, so
 * each site has its own state (the run in flight, the measurements of the
 * step in flight); the store's lock serialises the transactions of the
 * sites. Three kinds of transaction:
 *   run started: the run's row (no outcome yet), its documents, its
 *     instruments as configured, the fixture's insertion count;
 *   step finished: the step's result, notes, files and measurements, the unit's
 *     identity when a step changed it, the identity of instruments first
 *     seen in this step;
 *   run finished: the steps skipped (the engine announces no event for
 *     them), the outcome and bin.
 * A run's instruments answer *IDN? when opened; their identity is read
 * while the step that uses them still holds them (at its measurements), so
 * no other site can be reopening them meanwhile.
 *
 * When a transaction fails (disk full, I/O error), the run is not recorded
 * any further: it is made ERROR with why, as far as the store can still be
 * written, and ll_store_recorder_last_run() reports the failure. */
#include "ll-store-private.h"
#include "ll-version.h"

#include <math.h>
#include <string.h>

#define MAX_SITES 8

typedef struct {
  gint64 run_id;           /* the run in flight or last recorded; 0: none */
  GError *error;           /* why recording the run failed */
  GPtrArray *instruments;  /* of LlInstrument*: those the sequence uses on this site */
  GPtrArray *pending;      /* of const LlMeasurement*: the step in flight's */
  GPtrArray *identities;   /* of Identity*: first seen in the step in flight */
  GHashTable *identified;  /* instrument names identified in this run */
  GHashTable *written;     /* LlStepResult* stored */
  gchar *unit_info;        /* the unit identity last written, as "k=v\n..." */
  gint64 started_us;       /* station clock at the run's start */
} SiteState;

typedef struct {
  gchar *name, *maker, *model, *serial, *firmware;
} Identity;

typedef struct {
  const char *kind, *name, *version, *path, *sha256;
} Document;

struct _LlStoreRecorder {
  LlStore *store;
  LlStation *station;
  const LlSequence *seq;
  GPtrArray *tables;
  gchar *station_sha256;
  GArray *documents;       /* of Document: station file, sequence, limits tables */
  GPtrArray *shas;         /* owns the sha256 strings of documents */
  GMutex lock;             /* operator, lot, corner */
  gchar *operator_name, *lot, *corner;
  SiteState sites[MAX_SITES + 1];
};

static void
identity_free(gpointer p)
{
  Identity *id = p;
  g_free(id->name);
  g_free(id->maker);
  g_free(id->model);
  g_free(id->serial);
  g_free(id->firmware);
  g_free(id);
}

/* Reads @path and checks it is the file that was loaded (its hash). */
static GBytes *
read_document(const char *path, const char *sha256, GError **error)
{
  g_autofree gchar *text = NULL;
  gsize len = 0;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(path, &text, &len, &err)) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_FILE, "%s: cannot read it again to store it: %s",
                path, err->message);
    return NULL;
  }
  g_autofree gchar *now = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *) text, len);
  if (sha256 && !g_str_equal(now, sha256)) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_FILE,
                "%s changed since it was loaded: load it again before testing", path);
    return NULL;
  }
  return g_bytes_new_take(g_steal_pointer(&text), len);
}

static gboolean
add_document(LlStoreRecorder *rec, const char *kind, const char *name, const char *version,
             const char *path, GBytes *content, GError **error)
{
  gchar *sha = ll_store_put_blob(rec->store, kind, content, error);
  if (!sha)
    return FALSE;
  g_ptr_array_add(rec->shas, sha);
  Document d = { kind, name, version, path, sha };
  g_array_append_val(rec->documents, d);
  return TRUE;
}

LlStoreRecorder *
ll_store_recorder_new(LlStore *store, LlStation *station, const LlSequence *seq, GPtrArray *tables,
                      GBytes *station_file, GError **error)
{
  g_autoptr(LlStoreRecorder) rec = g_new0(LlStoreRecorder, 1);
  rec->store = store;
  rec->station = station;
  rec->seq = seq;
  rec->tables = g_ptr_array_ref(tables);
  rec->documents = g_array_new(FALSE, FALSE, sizeof(Document));
  rec->shas = g_ptr_array_new_with_free_func(g_free);
  rec->corner = g_strdup("room");
  g_mutex_init(&rec->lock);
  for (guint i = 0; i <= MAX_SITES; i++) {
    SiteState *s = &rec->sites[i];
    s->pending = g_ptr_array_new();
    s->identities = g_ptr_array_new_with_free_func(identity_free);
    s->identified = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    s->written = g_hash_table_new(NULL, NULL);
  }

  const LlStationConfig *cfg = ll_station_config(station);
  g_autoptr(GBytes) own = station_file ? g_bytes_ref(station_file) : read_document(cfg->path, cfg->sha256, error);
  if (!own)
    return NULL;
  gsize len;
  const guchar *data = g_bytes_get_data(own, &len);
  g_autofree gchar *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data ? data : (const guchar *) "", len);
  if (!g_str_equal(sha, cfg->sha256)) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_FILE,
                "%s: the station file given is not the one the station was opened with", cfg->path);
    return NULL;
  }
  if (!add_document(rec, "station", cfg->id, NULL, cfg->path, own, error))
    return NULL;
  g_autoptr(GBytes) seq_text = read_document(seq->path, seq->sha256, error);
  if (!seq_text || !add_document(rec, "sequence", seq->id, seq->version, seq->path, seq_text, error))
    return NULL;
  for (guint i = 0; i < tables->len; i++) {
    const LlLimitsTable *t = tables->pdata[i];
    g_autoptr(GBytes) text = read_document(t->path, t->sha256, error);
    if (!text || !add_document(rec, "limits", t->id, t->version, t->path, text, error))
      return NULL;
  }
  return g_steal_pointer(&rec);
}

void
ll_store_recorder_free(LlStoreRecorder *rec)
{
  if (!rec)
    return;
  for (guint i = 0; i <= MAX_SITES; i++) {
    SiteState *s = &rec->sites[i];
    g_clear_error(&s->error);
    g_clear_pointer(&s->instruments, g_ptr_array_unref);
    g_ptr_array_unref(s->pending);
    g_ptr_array_unref(s->identities);
    g_hash_table_unref(s->identified);
    g_hash_table_unref(s->written);
    g_free(s->unit_info);
  }
  g_ptr_array_unref(rec->tables);
  g_array_unref(rec->documents);
  g_ptr_array_unref(rec->shas);
  g_mutex_clear(&rec->lock);
  g_free(rec->operator_name);
  g_free(rec->lot);
  g_free(rec->corner);
  g_free(rec);
}

static void
set_string(LlStoreRecorder *rec, gchar **field, const char *value)
{
  g_mutex_lock(&rec->lock);
  g_free(*field);
  *field = value && *value ? g_strdup(value) : NULL;
  g_mutex_unlock(&rec->lock);
}

void
ll_store_recorder_set_operator(LlStoreRecorder *rec, const char *operator_name)
{
  set_string(rec, &rec->operator_name, operator_name);
}

void
ll_store_recorder_set_lot(LlStoreRecorder *rec, const char *lot)
{
  set_string(rec, &rec->lot, lot);
}

void
ll_store_recorder_set_corner(LlStoreRecorder *rec, const LlCorner *corner)
{
  g_autofree gchar *text = ll_corner_format(corner);
  set_string(rec, &rec->corner, text);
}

void
ll_store_recorder_attach(LlStoreRecorder *rec, LlEngine *engine)
{
  ll_engine_add_listener(engine, ll_store_recorder_event, rec);
}

gint64
ll_store_recorder_last_run(LlStoreRecorder *rec, guint site, GError **error)
{
  if (site > MAX_SITES) {
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_INVALID, "no site %u", site);
    return 0;
  }
  SiteState *s = &rec->sites[site];
  if (s->error) {
    g_propagate_error(error, g_error_copy(s->error));
    return 0;
  }
  if (!s->run_id)
    g_set_error(error, LL_STORE_ERROR, LL_STORE_ERROR_NOT_FOUND, "no run was recorded on site %u", site);
  return s->run_id;
}

/* ---- the run's start ---- */

/* The instruments the sequence's steps use on @site, each once. */
static GPtrArray *
site_instruments(LlStoreRecorder *rec, guint site)
{
  GPtrArray *list = g_ptr_array_new();
  for (guint i = 0; i < rec->seq->steps->len; i++) {
    const LlStep *step = rec->seq->steps->pdata[i];
    for (guint k = 0; step->spec && step->spec->roles && step->spec->roles[k]; k++) {
      LlInstrumentClass klass;
      if (!ll_instrument_class_from_name(step->spec->roles[k], &klass))
        continue;
      const char *role = step->roles && k < step->roles->len ? step->roles->pdata[k] : NULL;
      LlInstrument *inst = ll_station_resolve_role(rec->station, role, klass, site, NULL);
      if (inst && !g_ptr_array_find(list, inst, NULL))
        g_ptr_array_add(list, inst);
    }
  }
  return list;
}

static const char *
unit_info(const LlRunResult *run, const char *key)
{
  return run ? g_hash_table_lookup(run->unit_info, key) : NULL;
}

static gint64
bump_fixture(LlStoreRecorder *rec, const char *fixture, GDateTime *now, GError **error)
{
  sqlite3_stmt *stmt = ll_store_stmt(rec->store,
    "INSERT INTO fixtures (fixture, insertions, first_utc, last_utc) VALUES (?1, 1, ?2, ?2)"
    " ON CONFLICT (fixture) DO UPDATE SET insertions = insertions + 1, last_utc = ?2"
    " RETURNING insertions", error);
  if (!stmt)
    return 0;
  ll_store_bind_text(stmt, 1, fixture);
  ll_store_bind_time(stmt, 2, now);
  gint64 n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  if (!n)
    ll_store_sql_error(rec->store, "counting the fixture's insertions", error);
  sqlite3_reset(stmt);
  return n;
}

static gboolean
insert_run(LlStoreRecorder *rec, const LlEvent *ev, SiteState *s, GError **error)
{
  LlStore *store = rec->store;
  const LlStationConfig *cfg = ll_station_config(rec->station);
  const LlSiteConfig *site = ll_station_config_site(cfg, ev->site);
  const char *fixture = site ? site->fixture : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  guint attempts = 0;
  if (!ll_store_count_attempts(store, ev->serial, rec->seq->id, &attempts, error))
    return FALSE;
  gint64 insertion = 0;
  if (fixture && !(insertion = bump_fixture(rec, fixture, now, error)))
    return FALSE;
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "INSERT INTO runs (serial, operation, attempt, sequence_version, product, lot, operator,"
    " station_id, line, site, fixture, fixture_insertion, corner, started_utc, software_version,"
    " source_revision, steps_planned, path_loss_set_id, purpose)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)", error);
  if (!stmt)
    return FALSE;
  ll_store_bind_text(stmt, 1, ev->serial);
  ll_store_bind_text(stmt, 2, rec->seq->id);
  sqlite3_bind_int(stmt, 3, (int) attempts + 1);
  ll_store_bind_text(stmt, 4, rec->seq->version);
  ll_store_bind_text(stmt, 5, rec->seq->product);
  g_mutex_lock(&rec->lock);
  ll_store_bind_text(stmt, 6, rec->lot);
  ll_store_bind_text(stmt, 7, rec->operator_name);
  ll_store_bind_text(stmt, 13, rec->corner);
  g_mutex_unlock(&rec->lock);
  ll_store_bind_text(stmt, 8, cfg->id);
  ll_store_bind_text(stmt, 9, cfg->line);
  sqlite3_bind_int(stmt, 10, (int) ev->site);
  ll_store_bind_text(stmt, 11, fixture);
  if (fixture)
    sqlite3_bind_int64(stmt, 12, insertion);
  ll_store_bind_time(stmt, 14, ev->run && ev->run->started_utc ? ev->run->started_utc : now);
  ll_store_bind_text(stmt, 15, LL_VERSION);
  ll_store_bind_text(stmt, 16, LL_SOURCE_REVISION);
  sqlite3_bind_int(stmt, 17, (int) ev->total);
  if (ev->run && ev->run->path_loss_set_id > 0)
    sqlite3_bind_int64(stmt, 18, ev->run->path_loss_set_id);
  ll_store_bind_text(stmt, 19, ll_sequence_measures_reference(rec->seq) ? "reference" : "unit");
  if (!ll_store_step_done(store, stmt, "recording the run's start", error))
    return FALSE;
  s->run_id = sqlite3_last_insert_rowid(store->db);

  stmt = ll_store_stmt(store,
    "INSERT INTO run_documents (run_id, kind, position, name, version, path, sha256)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (!stmt)
    return FALSE;
  for (guint i = 0, limits = 0; i < rec->documents->len; i++) {
    const Document *d = &g_array_index(rec->documents, Document, i);
    sqlite3_reset(stmt);
    sqlite3_bind_int64(stmt, 1, s->run_id);
    ll_store_bind_text(stmt, 2, d->kind);
    sqlite3_bind_int(stmt, 3, g_str_equal(d->kind, "limits") ? (int) limits++ : 0);
    ll_store_bind_text(stmt, 4, d->name);
    ll_store_bind_text(stmt, 5, d->version);
    ll_store_bind_text(stmt, 6, d->path);
    ll_store_bind_text(stmt, 7, d->sha256);
    if (!ll_store_step_done(store, stmt, "recording the run's files", error))
      return FALSE;
  }

  stmt = ll_store_stmt(store,
    "INSERT INTO run_instruments (run_id, name, class, driver, resource, cal_due, cal_cert)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (!stmt)
    return FALSE;
  for (guint i = 0; i < s->instruments->len; i++) {
    const LlInstrumentConfig *ic = ll_instrument_config(s->instruments->pdata[i]);
    char due[16] = "";
    if (g_date_valid(&ic->cal_due))
      g_date_strftime(due, sizeof due, "%Y-%m-%d", &ic->cal_due);
    sqlite3_reset(stmt);
    sqlite3_bind_int64(stmt, 1, s->run_id);
    ll_store_bind_text(stmt, 2, ic->name);
    ll_store_bind_text(stmt, 3, ll_instrument_class_name(ic->klass));
    ll_store_bind_text(stmt, 4, ic->driver ? ic->driver->name : "");
    ll_store_bind_text(stmt, 5, ic->resource);
    ll_store_bind_text(stmt, 6, *due ? due : NULL);
    ll_store_bind_text(stmt, 7, ic->cal_cert);
    if (!ll_store_step_done(store, stmt, "recording the run's instruments", error))
      return FALSE;
  }
  return TRUE;
}

/* ---- steps ---- */

static const char *const identity_keys[] = { "part_number", "vendor", "module_serial", "firmware",
                                             "hardware_revision", "date_code" };

/* Writes the unit's identity when it differs from what was last written. */
static gboolean
update_unit(LlStoreRecorder *rec, SiteState *s, const LlRunResult *run, GError **error)
{
  g_autoptr(GString) now = g_string_new(NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(identity_keys); i++) {
    const char *v = unit_info(run, identity_keys[i]);
    g_string_append_printf(now, "%s=%s\n", identity_keys[i], v ? v : "");
  }
  if (!g_strcmp0(now->str, s->unit_info))
    return TRUE;
  sqlite3_stmt *stmt = ll_store_stmt(rec->store,
    "UPDATE runs SET part_number = ?2, vendor = ?3, module_serial = ?4, firmware = ?5,"
    " hardware_revision = ?6, date_code = ?7 WHERE id = ?1", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64(stmt, 1, s->run_id);
  for (gsize i = 0; i < G_N_ELEMENTS(identity_keys); i++)
    ll_store_bind_text(stmt, (int) i + 2, unit_info(run, identity_keys[i]));
  if (!ll_store_step_done(rec->store, stmt, "recording the unit's identity", error))
    return FALSE;
  g_free(s->unit_info);
  s->unit_info = g_string_free(g_steal_pointer(&now), FALSE);
  return TRUE;
}

static gboolean
insert_measurement(LlStoreRecorder *rec, SiteState *s, gint64 step_row, const LlMeasurement *m,
                   GError **error)
{
  sqlite3_stmt *stmt = ll_store_stmt(rec->store,
    "INSERT INTO measurements (run_id, step_result_id, step_id, name, lane, attempt, value_type,"
    " raw_value, corrected_value, text_value, unit, limit_name, limit_kind, limit_unit, limit_low,"
    " limit_high, limit_low_exclusive, limit_high_exclusive, limit_nominal, limit_guard_band,"
    " limit_text, margin, margin_pct, verdict, time_s, path_loss_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
    " ?20, ?21, ?22, ?23, ?24, ?25, ?26)", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64(stmt, 1, s->run_id);
  sqlite3_bind_int64(stmt, 2, step_row);
  ll_store_bind_text(stmt, 3, m->step_id);
  ll_store_bind_text(stmt, 4, m->name);
  sqlite3_bind_int(stmt, 5, (int) m->lane);
  sqlite3_bind_int(stmt, 6, (int) m->attempt);
  const LlValue *v = &m->value;
  switch (v->type) {
  case LL_VALUE_NUMBER:
    ll_store_bind_text(stmt, 7, "number");
    /* a value corrected for an optical path keeps what was read as raw,
     * and links the calibrated path used (none for a nominal offset) */
    ll_store_bind_double(stmt, 8, isnan(m->raw) ? v->number : m->raw);
    ll_store_bind_double(stmt, 9, v->number);
    if (m->path_loss_id > 0)
      sqlite3_bind_int64(stmt, 26, m->path_loss_id);
    ll_store_bind_text(stmt, 11, v->unit != LL_UNIT_NONE ? ll_unit_name(v->unit) : NULL);
    break;
  case LL_VALUE_BOOLEAN:
    ll_store_bind_text(stmt, 7, "boolean");
    sqlite3_bind_int(stmt, 8, v->boolean ? 1 : 0);
    sqlite3_bind_int(stmt, 9, v->boolean ? 1 : 0);
    ll_store_bind_text(stmt, 10, v->boolean ? "true" : "false");
    break;
  case LL_VALUE_STRING:
    ll_store_bind_text(stmt, 7, "string");
    ll_store_bind_text(stmt, 10, v->text);
    break;
  default:
    ll_store_bind_text(stmt, 7, "none");
  }
  const LlLimit *l = m->judged ? m->limit : NULL;
  ll_store_bind_text(stmt, 12, m->judged ? m->limit_name : NULL);
  if (l) {
    ll_store_bind_text(stmt, 13, ll_limit_kind_name(l->kind));
    ll_store_bind_text(stmt, 14, l->unit != LL_UNIT_NONE ? ll_unit_name(l->unit) : NULL);
    if (l->kind == LL_LIMIT_RANGE) {
      if (l->has_min) {
        ll_store_bind_double(stmt, 15, l->min);
        sqlite3_bind_int(stmt, 17, l->min_exclusive);
      }
      if (l->has_max) {
        ll_store_bind_double(stmt, 16, l->max);
        sqlite3_bind_int(stmt, 18, l->max_exclusive);
      }
    } else if (l->kind == LL_LIMIT_NOMINAL) {
      ll_store_bind_double(stmt, 15, l->nominal - l->tolerance);
      ll_store_bind_double(stmt, 16, l->nominal + l->tolerance);
      sqlite3_bind_int(stmt, 17, 0);
      sqlite3_bind_int(stmt, 18, 0);
      ll_store_bind_double(stmt, 19, l->nominal);
    }
    if (l->kind == LL_LIMIT_RANGE || l->kind == LL_LIMIT_NOMINAL)
      ll_store_bind_double(stmt, 20, l->guard_band);
    if (l->kind == LL_LIMIT_REGEX) {
      ll_store_bind_text(stmt, 21, l->pattern);
    } else if (l->kind == LL_LIMIT_EQUAL || l->kind == LL_LIMIT_BOOLEAN) {
      g_autofree gchar *expected = ll_value_format(&l->expected);
      ll_store_bind_text(stmt, 21, expected);
    }
  }
  if (m->judged) {
    ll_store_bind_double(stmt, 22, m->judgement.margin);
    ll_store_bind_double(stmt, 23, m->judgement.margin_pct);
  }
  ll_store_bind_text(stmt, 24, !m->judged ? "info"
                               : m->judgement.verdict == LL_VERDICT_PASS ? "pass"
                               : m->judgement.verdict == LL_VERDICT_FAIL ? "fail" : "error");
  ll_store_bind_double(stmt, 25, (m->time_us - s->started_us) / 1e6);
  return ll_store_step_done(rec->store, stmt, "recording a measurement", error);
}

static const char *
step_action(LlStoreRecorder *rec, const char *step_id)
{
  const LlStep *step = ll_sequence_step(rec->seq, step_id);
  return step ? step->action : "";
}

/* The files step result @row kept (LlAttachment), in its transaction. */
static gboolean
insert_attachments(LlStore *store, gint64 row, const LlStepResult *res, GError **error)
{
  if (!res->attachments || !res->attachments->len)
    return TRUE;
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "INSERT INTO step_attachments (step_result_id, position, name, media_type, size, sha256, content)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (!stmt)
    return FALSE;
  for (guint i = 0; i < res->attachments->len; i++) {
    const LlAttachment *a = res->attachments->pdata[i];
    gsize size = 0;
    const guchar *data = g_bytes_get_data(a->content, &size);
    g_autofree gchar *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data ? data : (const guchar *) "", size);
    sqlite3_reset(stmt);
    sqlite3_bind_int64(stmt, 1, row);
    sqlite3_bind_int(stmt, 2, (int) i);
    ll_store_bind_text(stmt, 3, a->name);
    ll_store_bind_text(stmt, 4, a->media_type);
    sqlite3_bind_int64(stmt, 5, (sqlite3_int64) size);
    ll_store_bind_text(stmt, 6, sha);
    sqlite3_bind_blob64(stmt, 7, data ? (const void *) data : "", size, SQLITE_TRANSIENT);
    if (!ll_store_step_done(store, stmt, "recording a step's files", error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
insert_step(LlStoreRecorder *rec, SiteState *s, const LlStepResult *res, guint position,
            GPtrArray *measurements, GError **error)
{
  LlStore *store = rec->store;
  const LlStep *step = ll_sequence_step(rec->seq, res->step_id);
  sqlite3_stmt *stmt = ll_store_stmt(store,
    "INSERT INTO step_results (run_id, position, step_id, step_group, action, lane, verdict,"
    " attempts, retries, bin, message, started_s, finished_s)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64(stmt, 1, s->run_id);
  sqlite3_bind_int(stmt, 2, (int) position);
  ll_store_bind_text(stmt, 3, res->step_id);
  ll_store_bind_text(stmt, 4, ll_step_group_name(res->group));
  ll_store_bind_text(stmt, 5, step_action(rec, res->step_id));
  sqlite3_bind_int(stmt, 6, (int) res->lane);
  ll_store_bind_text(stmt, 7, ll_step_verdict_name(res->verdict));
  sqlite3_bind_int(stmt, 8, (int) res->attempts);
  sqlite3_bind_int(stmt, 9, step ? (int) step->retries : 0);
  if (res->bin)
    sqlite3_bind_int(stmt, 10, (int) res->bin);
  ll_store_bind_text(stmt, 11, res->message);
  if (res->verdict != LL_STEP_SKIPPED) {
    ll_store_bind_double(stmt, 12, (res->started_us - s->started_us) / 1e6);
    ll_store_bind_double(stmt, 13, (res->finished_us - s->started_us) / 1e6);
  }
  if (!ll_store_step_done(store, stmt, "recording a step", error))
    return FALSE;
  gint64 row = sqlite3_last_insert_rowid(store->db);
  if (res->notes && res->notes->len) {
    stmt = ll_store_stmt(store, "INSERT INTO step_notes (step_result_id, position, text) VALUES (?1, ?2, ?3)",
                         error);
    if (!stmt)
      return FALSE;
    for (guint i = 0; i < res->notes->len; i++) {
      sqlite3_reset(stmt);
      sqlite3_bind_int64(stmt, 1, row);
      sqlite3_bind_int(stmt, 2, (int) i);
      ll_store_bind_text(stmt, 3, res->notes->pdata[i]);
      if (!ll_store_step_done(store, stmt, "recording a step's notes", error))
        return FALSE;
    }
  }
  if (!insert_attachments(store, row, res, error))
    return FALSE;
  for (guint i = 0; measurements && i < measurements->len; i++)
    if (!insert_measurement(rec, s, row, measurements->pdata[i], error))
      return FALSE;
  g_hash_table_add(s->written, (gpointer) res);
  return TRUE;
}

static gboolean
write_identities(LlStoreRecorder *rec, SiteState *s, GError **error)
{
  if (!s->identities->len)
    return TRUE;
  sqlite3_stmt *stmt = ll_store_stmt(rec->store,
    "UPDATE run_instruments SET maker = ?3, model = ?4, serial = ?5, firmware = ?6"
    " WHERE run_id = ?1 AND name = ?2", error);
  if (!stmt)
    return FALSE;
  for (guint i = 0; i < s->identities->len; i++) {
    const Identity *id = s->identities->pdata[i];
    sqlite3_reset(stmt);
    sqlite3_bind_int64(stmt, 1, s->run_id);
    ll_store_bind_text(stmt, 2, id->name);
    ll_store_bind_text(stmt, 3, id->maker);
    ll_store_bind_text(stmt, 4, id->model);
    ll_store_bind_text(stmt, 5, id->serial);
    ll_store_bind_text(stmt, 6, id->firmware);
    if (!ll_store_step_done(rec->store, stmt, "recording an instrument's identity", error))
      return FALSE;
  }
  g_ptr_array_set_size(s->identities, 0);
  return TRUE;
}

/* At a measurement: the step holds its instruments, so they are open and no
 * other site reopens them; note the identity of those not yet seen. */
static void
note_identities(LlStoreRecorder *rec, SiteState *s, const LlEvent *ev)
{
  const LlStep *step = ev->step;
  for (guint k = 0; step && step->spec && step->spec->roles && step->spec->roles[k]; k++) {
    LlInstrumentClass klass;
    if (!ll_instrument_class_from_name(step->spec->roles[k], &klass))
      continue;
    const char *role = step->roles && k < step->roles->len ? step->roles->pdata[k] : NULL;
    LlInstrument *inst = ll_station_resolve_role(rec->station, role, klass, ev->site, NULL);
    const LlInstrumentConfig *ic = inst ? ll_instrument_config(inst) : NULL;
    if (!ic || g_hash_table_contains(s->identified, ic->name))
      continue;
    const LlIdn *idn = ll_instrument_idn(inst);
    if (!idn)
      continue;
    Identity *id = g_new0(Identity, 1);
    id->name = g_strdup(ic->name);
    id->maker = g_strdup(idn->maker);
    id->model = g_strdup(idn->model);
    id->serial = g_strdup(idn->serial);
    id->firmware = g_strdup(idn->firmware);
    g_ptr_array_add(s->identities, id);
    g_hash_table_add(s->identified, g_strdup(ic->name));
  }
}

/* ---- the run's end ---- */

static gboolean
finish_run(LlStoreRecorder *rec, SiteState *s, const LlRunResult *run, GError **error)
{
  for (guint i = 0; i < run->steps->len; i++) {
    const LlStepResult *res = run->steps->pdata[i];
    if (!g_hash_table_contains(s->written, res) && !insert_step(rec, s, res, i, NULL, error))
      return FALSE;
  }
  if (!update_unit(rec, s, run, error) || !write_identities(rec, s, error))
    return FALSE;
  sqlite3_stmt *stmt = ll_store_stmt(rec->store,
    "UPDATE runs SET outcome = ?2, bin_number = ?3, bin_name = ?4, bin_kind = ?5, message = ?6,"
    " finished_utc = ?7, test_time_s = ?8, worst_margin_pct = ?9 WHERE id = ?1", error);
  if (!stmt)
    return FALSE;
  double seconds = (run->finished_us - run->started_us) / 1e6;
  g_autoptr(GDateTime) finished = run->started_utc
                                    ? g_date_time_add(run->started_utc, run->finished_us - run->started_us)
                                    : g_date_time_new_now_utc();
  sqlite3_bind_int64(stmt, 1, s->run_id);
  ll_store_bind_text(stmt, 2, ll_outcome_name(run->outcome));
  if (run->bin) {
    sqlite3_bind_int(stmt, 3, (int) run->bin->number);
    ll_store_bind_text(stmt, 4, run->bin->name);
    ll_store_bind_text(stmt, 5, run->bin->kind == LL_BIN_PASS ? "pass" : "fail");
  }
  ll_store_bind_text(stmt, 6, run->message);
  ll_store_bind_time(stmt, 7, finished);
  ll_store_bind_double(stmt, 8, seconds);
  ll_store_bind_double(stmt, 9, run->worst_margin_pct);
  return ll_store_step_done(rec->store, stmt, "recording the run's outcome", error);
}

/* After a failed transaction: the run is ERROR with why, if the store can
 * still be written at all. */
static void
mark_failed(LlStoreRecorder *rec, SiteState *s)
{
  if (!s->run_id)
    return;
  sqlite3_stmt *stmt = ll_store_stmt(rec->store,
    "UPDATE runs SET outcome = 'ERROR', message = ?2 WHERE id = ?1 AND outcome IS NULL", NULL);
  if (!stmt)
    return;
  g_autofree gchar *msg = g_strdup_printf("the results store could not record the run: %s", s->error->message);
  sqlite3_bind_int64(stmt, 1, s->run_id);
  ll_store_bind_text(stmt, 2, msg);
  ll_store_step_done(rec->store, stmt, "recording the failure", NULL);
}

void
ll_store_recorder_event(const LlEvent *ev, gpointer data)
{
  LlStoreRecorder *rec = data;
  if (ev->site > MAX_SITES)
    return;
  SiteState *s = &rec->sites[ev->site];
  if (ev->kind == LL_EVENT_RUN_STARTED) {
    s->run_id = 0;
    g_clear_error(&s->error);
    g_ptr_array_set_size(s->pending, 0);
    g_ptr_array_set_size(s->identities, 0);
    g_hash_table_remove_all(s->identified);
    g_hash_table_remove_all(s->written);
    g_clear_pointer(&s->unit_info, g_free);
    s->started_us = ev->run ? ev->run->started_us : 0;
    if (!s->instruments)
      s->instruments = site_instruments(rec, ev->site);
  } else if (s->error || !s->run_id) {
    return; /* this run is no longer recorded */
  }
  if (ev->kind == LL_EVENT_MEASUREMENT) {
    g_ptr_array_add(s->pending, (gpointer) ev->measurement);
    note_identities(rec, s, ev);
    return;
  }
  if (ev->kind == LL_EVENT_STEP_STARTED)
    return;

  LlStore *store = rec->store;
  g_rec_mutex_lock(&store->lock);
  GError *err = NULL;
  gboolean ok = ll_store_begin(store, &err);
  if (ok && ev->kind == LL_EVENT_RUN_STARTED) {
    ok = insert_run(rec, ev, s, &err);
  } else if (ok && ev->kind == LL_EVENT_STEP_FINISHED) {
    /* the engine adds the result to run->steps right after this event */
    ok = update_unit(rec, s, ev->run, &err) &&
         insert_step(rec, s, ev->step_result, ev->run ? ev->run->steps->len : 0, s->pending, &err) &&
         write_identities(rec, s, &err);
    g_ptr_array_set_size(s->pending, 0);
  } else if (ok && ev->kind == LL_EVENT_RUN_FINISHED) {
    ok = finish_run(rec, s, ev->run, &err);
  }
  if (ok)
    ok = ll_store_commit(store, &err);
  else
    ll_store_rollback(store);
  if (!ok) {
    if (ev->kind == LL_EVENT_RUN_STARTED)
      s->run_id = 0;
    s->error = err;
    mark_failed(rec, s);
  }
  g_rec_mutex_unlock(&store->lock);
}
