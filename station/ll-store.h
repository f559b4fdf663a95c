/* ll-store.h: the station's results store, one SQLite database per station
 * (docs/results-store.md describes every table and column).
 *
 * Opening creates the file when missing, applies the schema migrations the
 * file lacks (PRAGMA user_version), turns on WAL and foreign keys, and marks
 * every run found unfinished INCOMPLETE, unless another process still has
 * the store open (its runs may be in flight: they are left alone until the
 * store is opened with no one else holding it).
 *
 * A recorder is the engine listener that writes runs: a run's row when it
 * starts (unit, station, site, fixture and its insertion count, operator,
 * lot, software, the station file, sequence and limits by SHA-256 with
 * their content stored once per hash, the instruments), then each step in
 * one transaction as it finishes (its result, notes and measurements with
 * limits, margins and verdicts), then the outcome and bin. A crash loses at
 * most the step in flight, and a run is PASS only once all of it is stored.
 *
 * Every function is thread-safe (one store may be shared by site threads
 * and a user interface); each takes the store's lock for its transaction.
 * Errors are in LL_STORE_ERROR; who frees what is said at each function. */
#pragma once

#include "ll-engine.h"
#include "ll-stats.h"

G_BEGIN_DECLS

#define LL_STORE_ERROR (ll_store_error_quark())
GQuark ll_store_error_quark(void);

typedef enum {
  LL_STORE_ERROR_OPEN,      /* the file cannot be opened, or is not a results store */
  LL_STORE_ERROR_VERSION,   /* the file was written by newer software (its schema is newer) */
  LL_STORE_ERROR_SQL,       /* SQLite failed: disk full, I/O error, locked too long */
  LL_STORE_ERROR_FILE,      /* a station, sequence or limits file is not what was loaded */
  LL_STORE_ERROR_RETEST,    /* the unit has had as many attempts as the retest limit allows */
  LL_STORE_ERROR_NOT_FOUND, /* no such record (no run, no path-loss calibration) */
  LL_STORE_ERROR_EXPIRED,   /* the record is no longer valid (a path-loss calibration) */
  LL_STORE_ERROR_INVALID,   /* a bad argument (a path-loss set without entries) */
} LlStoreError;

/* The schema version this build writes (PRAGMA user_version). */
#define LL_STORE_SCHEMA_VERSION 2
/* 'LLRS': marks a file as a Lightline results store (PRAGMA application_id). */
#define LL_STORE_APPLICATION_ID 0x4C4C5253

typedef struct _LlStore LlStore;

typedef enum {
  LL_STORE_OPEN_DEFAULT = 0,
  /* fail with LL_STORE_ERROR_OPEN when the file does not exist (queries) */
  LL_STORE_OPEN_EXISTING = 1 << 0,
  /* commits survive a crash of the process but a power loss may undo the
   * last ones (synchronous=NORMAL); default: each commit is on the disk
   * before the step after it starts (synchronous=FULL). For simulated
   * shifts in virtual time, whose thousands of commits would wait for the
   * disk. */
  LL_STORE_OPEN_SYNC_NORMAL = 1 << 1,
} LlStoreOpenFlags;

/* Opens (creating when missing, unless LL_STORE_OPEN_EXISTING) the store at
 * @path, migrates it and recovers unfinished runs (see the top). NULL with
 * @error when the file cannot be opened, is not a results store, or is of a
 * newer schema. Close with ll_store_close(). */
LlStore *ll_store_open(const char *path, LlStoreOpenFlags flags, GError **error);
void ll_store_close(LlStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlStore, ll_store_close)

const char *ll_store_path(LlStore *store);
/* How many runs this open found unfinished and made INCOMPLETE. */
guint ll_store_recovered(LlStore *store);

/* ---- content-addressed files ---- */

/* Stores @content (a station, sequence or limits file: @kind "station",
 * "sequence" or "limits") once per SHA-256 and returns its hash (lowercase
 * hex; free with g_free()), or NULL with @error. */
gchar *ll_store_put_blob(LlStore *store, const char *kind, GBytes *content, GError **error);
/* The content stored under @sha256, or NULL with LL_STORE_ERROR_NOT_FOUND. */
GBytes *ll_store_get_blob(LlStore *store, const char *sha256, GError **error);

/* ---- recording runs ---- */

typedef struct _LlStoreRecorder LlStoreRecorder;

/* A recorder of the runs of @seq (validated against @tables, an array of
 * LlLimitsTable*) on @station into @store. Stores the content of the
 * sequence and limits files (read again from their paths; LL_STORE_ERROR_FILE
 * when a file changed since it was loaded) and of the station file:
 * @station_file, or when NULL the file at the station config's path (it
 * must hash to the config's sha256). Borrows all of them: they must outlive
 * the recorder. */
LlStoreRecorder *ll_store_recorder_new(LlStore *store, LlStation *station, const LlSequence *seq,
                                       GPtrArray *tables, GBytes *station_file, GError **error);
void ll_store_recorder_free(LlStoreRecorder *recorder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlStoreRecorder, ll_store_recorder_free)

/* Who tests and the lot / work order, recorded with every run started after
 * the call (NULL: not given). */
void ll_store_recorder_set_operator(LlStoreRecorder *recorder, const char *operator_name);
void ll_store_recorder_set_lot(LlStoreRecorder *recorder, const char *lot);
/* The temperature corner recorded with the runs (default room); set it
 * with ll_engine_set_corner(). */
void ll_store_recorder_set_corner(LlStoreRecorder *recorder, const LlCorner *corner);

/* The engine listener (an LlEventFunc; @recorder is its user data). */
void ll_store_recorder_event(const LlEvent *event, gpointer recorder);
/* ll_engine_add_listener(@engine, ll_store_recorder_event, @recorder). */
void ll_store_recorder_attach(LlStoreRecorder *recorder, LlEngine *engine);

/* After a run on @site finished: its id in the store (> 0), or 0 with
 * @error when recording it failed (the run is then stored as ERROR with
 * why, as far as the store could still be written). */
gint64 ll_store_recorder_last_run(LlStoreRecorder *recorder, guint site, GError **error);

/* ---- retest policy ---- */

/* How many runs of @serial at @operation (a sequence id) the store holds,
 * whatever their outcome, into *@attempts. */
gboolean ll_store_count_attempts(LlStore *store, const char *serial, const char *operation,
                                 guint *attempts, GError **error);
/* TRUE when @serial may have another attempt at @operation under @limit (0:
 * no cap); else FALSE with LL_STORE_ERROR_RETEST and a message for the
 * operator naming the attempts, the limit and the last outcome. */
gboolean ll_store_check_retest(LlStore *store, const char *serial, const char *operation,
                               guint limit, GError **error);

/* ---- runs ---- */

typedef struct {
  gint64 id;
  gchar *serial;
  gchar *operation;          /* the sequence id */
  gchar *sequence_version;
  guint attempt;             /* 1 for the serial's first run at the operation */
  gboolean finished;         /* FALSE: in flight (in a process that still has the store) */
  LlOutcome outcome;         /* when finished */
  guint bin_number;          /* 0: no bin */
  gchar *bin_name;           /* NULL: no bin */
  gchar *message;            /* may be NULL */
  gchar *part_number, *firmware, *hardware_revision; /* NULL until identified */
  gchar *lot, *operator_name; /* may be NULL */
  gchar *station_id, *line;
  guint site;
  gchar *fixture;            /* may be NULL */
  guint fixture_insertion;   /* the fixture's insertion count at this run; 0: no fixture */
  GDateTime *started_utc;
  GDateTime *finished_utc;   /* NULL while in flight or when found unfinished */
  double test_time_s;        /* NAN while in flight */
  guint steps_planned, steps_stored;
} LlRunRecord;

void ll_run_record_free(LlRunRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlRunRecord, ll_run_record_free)

/* Every run of @serial, oldest first: a GPtrArray of LlRunRecord* (empty
 * when none; free with g_ptr_array_unref()), or NULL with @error. */
GPtrArray *ll_store_unit_history(LlStore *store, const char *serial, GError **error);
/* The run @id, or NULL with LL_STORE_ERROR_NOT_FOUND. */
LlRunRecord *ll_store_run(LlStore *store, gint64 id, GError **error);

/* ---- path-loss calibration ---- */

typedef struct {
  LlPathKind path;           /* TX: module to meter; RX: reference tap to receiver (ll-path-loss.h) */
  guint lane;                /* 1-based */
  double wavelength_nm;
  double loss_db;            /* TX: the loss; RX: received power minus the reference meter */
} LlPathLossEntry;

typedef struct {
  const char *station_id;
  guint site;
  const char *operator_name; /* may be NULL */
  const char *golden_serial; /* the golden module measured against; NULL for a reference source */
  GDateTime *measured_utc;
  GDateTime *expires_utc;
  const LlPathLossEntry *entries;
  guint n_entries;           /* at least 1 */
} LlPathLossSet;

/* Stores one calibration of a site's paths (all @set's entries in one
 * transaction) and returns its set id (> 0), or 0 with @error. Two entries
 * of one path, lane and wavelength are LL_STORE_ERROR_INVALID. */
gint64 ll_store_add_path_loss(LlStore *store, const LlPathLossSet *set, GError **error);

typedef struct {
  gint64 id;                 /* the entry: what a measurement corrected with it links to */
  gint64 set_id;
  gchar *station_id;
  LlPathKind path;
  guint site, lane;
  double wavelength_nm;      /* as calibrated */
  double loss_db;
  GDateTime *measured_utc, *expires_utc;
  gchar *operator_name, *golden_serial; /* may be NULL */
} LlPathLoss;

void ll_path_loss_free(LlPathLoss *loss);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlPathLoss, ll_path_loss_free)

/* The newest calibration of @station_id's @site, @path of @lane at
 * @wavelength_nm (within 0.5 nm). When it has expired at @now (NULL: the
 * current time), NULL with LL_STORE_ERROR_EXPIRED naming when; when there
 * is none, NULL with LL_STORE_ERROR_NOT_FOUND. An older calibration never
 * stands in for an expired newer one. */
LlPathLoss *ll_store_path_loss_current(LlStore *store, const char *station_id, guint site,
                                       LlPathKind path, guint lane, double wavelength_nm,
                                       GDateTime *now, GError **error);

/* ---- golden-unit checks ---- */

/* One golden-unit check to store: a value measured on a golden module
 * against the reference value known for it. */
typedef struct {
  const char *serial;        /* the golden module */
  const char *measurement;   /* e.g. "tx_power_avg" */
  guint lane;                /* 0: module-wide */
  double value, reference;
  const char *unit;          /* may be NULL */
  GDateTime *checked_utc;
  const char *station_id;    /* may be NULL */
  guint site;                /* 0: not given */
  const char *operator_name; /* may be NULL */
  gint64 run_id;             /* the run it was measured in; 0: none */
} LlGoldenCheckInput;

/* Stores @check with its delta (value - reference) and returns its id, or
 * 0 with @error. */
gint64 ll_store_add_golden_check(LlStore *store, const LlGoldenCheckInput *check, GError **error);

/* A stored golden-unit check. */
typedef struct {
  gint64 id;
  gchar *serial;
  gchar *measurement;
  guint lane;
  double value, reference, delta; /* delta = value - reference */
  gchar *unit;               /* may be NULL */
  GDateTime *checked_utc;
  gchar *station_id;         /* may be NULL */
  guint site;                /* 0: not given */
  gchar *operator_name;      /* may be NULL */
  gint64 run_id;             /* 0: none */
} LlGoldenCheck;

void ll_golden_check_free(LlGoldenCheck *check);

/* The checks of @serial (NULL: every golden unit), of @measurement (NULL:
 * every one), oldest first: LlGoldenCheck* (free with g_ptr_array_unref()),
 * or NULL with @error. */
GPtrArray *ll_store_golden_history(LlStore *store, const char *serial, const char *measurement,
                                   GError **error);

/* ---- statistics ---- */

typedef struct {
  GDateTime *from, *to;      /* runs started at or after @from and before @to; NULL: open */
  const char *lot;           /* NULL: every lot */
  const char *station_id;    /* NULL: every station */
  const char *operation;     /* a sequence id; NULL: every one */
  gboolean with_reference;   /* also the runs on reference (golden) modules (calibrations,
                                golden-unit checks); FALSE: units only */
} LlStatsFilter;

typedef struct {
  LlOutcome outcome;
  guint number;              /* 0: no bin (ERROR, ABORTED, INCOMPLETE) */
  gchar *name;               /* the bin's, or the outcome's name when no bin */
  guint runs;
} LlBinCount;

typedef struct {
  gchar *step_id;
  gchar *name;
  guint lane;
  gchar *unit;               /* "" when none */
  LlSummary summary;         /* n, mean, standard deviation, min, max, Cpk (ll-stats.h) */
  double low, high;          /* the limits Cpk is against, in @unit; NAN when none
                                or when they differ between the runs */
} LlMeasurementStats;

typedef struct {
  guint runs;                /* finished runs selected */
  guint units;               /* distinct (serial, operation) among them */
  guint units_passed;        /* whose last selected run is PASS */
  guint units_first_pass;    /* whose first selected run is PASS */
  double yield;              /* units_passed / units; NAN when no units */
  double first_pass_yield;   /* units_first_pass / units; NAN when no units */
  guint outcomes[LL_OUTCOME_INCOMPLETE + 1]; /* runs by outcome */
  GPtrArray *bins;           /* of LlBinCount*: runs by outcome and bin, PASS first, by number */
  GPtrArray *measurements;   /* of LlMeasurementStats*: numeric values by step, name and lane,
                                in the order they were first measured */
} LlStats;

void ll_stats_free(LlStats *stats);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlStats, ll_stats_free)

/* A limit stored in @limit_unit, in a value's @unit ("" or NULL: none), as
 * the statistics and reports compare them: itself when the units are the
 * same, the limit has no unit or is NAN; NAN when there is no conversion
 * (ll-units.h). */
double ll_store_limit_in(double limit, const char *limit_unit, const char *unit);

/* Yield, first-pass yield, bin counts and per-measurement statistics of the
 * finished runs @filter selects (NULL: all), or NULL with @error. */
LlStats *ll_store_stats(LlStore *store, const LlStatsFilter *filter, GError **error);

/* ---- times ---- */

/* @t as the store writes times: "2026-03-01T08:15:02.123456Z" (UTC, fixed
 * width, so text order is time order). Free with g_free(). */
gchar *ll_store_format_time(GDateTime *t);
/* Reads a time a person writes: ISO 8601 with or without a time of day
 * ("2026-03-01", "2026-03-01T08:00", "2026-03-01 08:00:00+01:00"); a time
 * without a zone is UTC. NULL when it is none of these. */
GDateTime *ll_store_parse_time(const char *text);

/* ---- browsing runs (ll-store-browse.c) ---- */

/* The finished runs a browser shows: @base's (times, lot, station,
 * sequence, reference runs) and these. */
typedef struct {
  LlStatsFilter base;
  const char *serial;        /* serials beginning with it; NULL or "": every one */
  gboolean by_outcome;       /* only runs of @outcome */
  LlOutcome outcome;
  guint bin_number;          /* only runs of this bin (with @outcome: of this outcome's); 0: any */
} LlRunFilter;

/* The runs @filter selects (NULL: every finished unit run), newest first,
 * at most @limit (0: all) from the @offset-th on; how many it selects in
 * all into *@total (may be NULL). LlRunRecord* (free with
 * g_ptr_array_unref()), or NULL with @error. */
GPtrArray *ll_store_find_runs(LlStore *store, const LlRunFilter *filter, guint limit, guint offset,
                              guint *total, GError **error);

/* A measurement as stored (docs/results-store.md, `measurements`). */
typedef struct {
  gchar *step_id, *name;
  guint lane;                /* 0: module-wide */
  gchar *value_type;         /* "number", "boolean", "string", "none" */
  double raw_value, value;   /* as read, and corrected (the value judged); NAN: none */
  gchar *text_value, *unit;  /* may be NULL */
  gchar *limit_name, *limit_kind, *limit_unit, *limit_text; /* NULL: no limit judged it */
  double low, high;          /* as written; NAN: open side */
  gboolean low_exclusive, high_exclusive;
  double nominal, guard_band;
  double margin, margin_pct; /* NAN: none */
  gchar *verdict;            /* "pass", "fail", "error", "info" */
} LlMeasurementRecord;

void ll_measurement_record_free(LlMeasurementRecord *m);

/* Every measurement of run @run_id, in the order measured:
 * LlMeasurementRecord* (empty for no run), or NULL with @error. */
GPtrArray *ll_store_run_measurements(LlStore *store, gint64 run_id, GError **error);

/* One numeric measurement (step, name, lane, unit) of the runs a filter
 * selects: its values and their summary against its limits, the numbers
 * ll_store_stats() gives for the same runs. */
typedef struct {
  LlMeasurementStats stats;
  GArray *values;            /* of double, the corrected values in run order; NULL in a list */
} LlMeasurementValues;

void ll_measurement_values_free(LlMeasurementValues *v);

/* The numeric measurements of the newest @recent runs @filter selects (0:
 * of every run), in the order first measured: LlMeasurementValues* with
 * step, name, lane and unit only, or NULL with @error. */
GPtrArray *ll_store_measurement_names(LlStore *store, const LlRunFilter *filter, guint recent,
                                      GError **error);
/* The values of measurement @step_id / @name / @lane in @unit ("" or NULL:
 * none) of the runs @filter selects, with their summary, or NULL with
 * @error. */
LlMeasurementValues *ll_store_measurement_values(LlStore *store, const LlRunFilter *filter,
                                                 const char *step_id, const char *name, guint lane,
                                                 const char *unit, GError **error);

typedef enum {
  LL_YIELD_ALL,              /* one group, named "" */
  LL_YIELD_BY_SITE,          /* "STATION site N" */
  LL_YIELD_BY_DAY,           /* the UTC day a run started, "2026-03-01" */
} LlYieldBy;

/* Units and yields of a group of runs. A unit is a (serial, operation)
 * pair; within the group its last run decides the yield, its first the
 * first-pass yield. */
typedef struct {
  gchar *name;
  guint runs, units, units_passed, units_first_pass;
  double yield, first_pass_yield;
} LlYieldGroup;

void ll_yield_group_free(LlYieldGroup *group);

/* The runs @filter selects, grouped @by, in the groups' order:
 * LlYieldGroup* (none when nothing is selected), or NULL with @error. */
GPtrArray *ll_store_yield_by(LlStore *store, const LlRunFilter *filter, LlYieldBy by, GError **error);

void ll_bin_count_free(LlBinCount *bin);

/* The runs @filter selects by outcome and bin, most runs first (a
 * Pareto): LlBinCount*, or NULL with @error. */
GPtrArray *ll_store_bin_pareto(LlStore *store, const LlRunFilter *filter, GError **error);

G_END_DECLS
