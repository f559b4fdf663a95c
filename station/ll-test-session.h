/* ll-test-session.h: testing units on a station, as the command line
 * (`lightline run`, `lightline demo`) and the station application both do
 * it. A session opens the station file, the sequence with its limits
 * tables, the station and its results store (the station file's
 * `database`, or another), and an engine whose runs the store records.
 * Then it tests units: each is first checked against the retest limit
 * (refused with a message for the operator when over it; golden modules
 * have none) and, on a station that calibrates its optical paths, against
 * the site's path-loss calibration (refused when a path the sequence
 * measures through has none or an expired one; ll-calibration.h), put
 * into its site (on a simulated bench), tested, and returned with its run
 * id; the deltas of a golden-unit check are stored as golden-unit checks.
 *
 * A station file without a database (and none given) tests without
 * recording; a station file with a retest-limit or a path-loss-expiry-h
 * then cannot be opened. */
#pragma once

#include "ll-engine.h"
#include "ll-store.h"

G_BEGIN_DECLS

#define LL_SESSION_ERROR (ll_session_error_quark())
GQuark ll_session_error_quark(void);

typedef enum {
  LL_SESSION_ERROR_SEQUENCE, /* the sequence or a limits table has errors (listed in the diags) */
  LL_SESSION_ERROR_STATION,  /* the station cannot be opened, or has no such site */
  LL_SESSION_ERROR_STORE,    /* the station's settings need a results store it has not */
  LL_SESSION_ERROR_REFUSED,  /* the unit may not be tested now (the site's path-loss calibration
                                is missing or expired) */
} LlSessionError;

typedef struct {
  const char *config_path;   /* the station file; with config_text, only its name (and the
                                folder its relative database path is relative to) */
  const char *config_text;   /* the station file's text, or NULL to read config_path */
  const char *sequence_path;
  const char *database;      /* the results store; NULL: the station file's database */
  LlStoreOpenFlags store_flags;
  const char *operator_name; /* may be NULL */
  const char *lot;           /* lot / work order; may be NULL */
  /* An opened station of that station file to test on instead of opening
   * it (another session's, so the two share its instruments by lease),
   * and a store to record into instead of opening database; both
   * borrowed (they must outlive the session); NULL: opened and closed by
   * the session. */
  LlStation *station;
  LlStore *store;
} LlTestSessionOptions;

typedef struct _LlTestSession LlTestSession;

/* Opens a session. Problems of the sequence and its limits tables (warnings
 * too) are added to @diags (may be NULL). NULL with @error when anything
 * cannot be opened: the station file's errors come in LL_CONFIG_ERROR (its
 * message lists them as FILE:LINE:COL), the sequence's as
 * LL_SESSION_ERROR_SEQUENCE (its message and @diags list them), the
 * store's in LL_STORE_ERROR, others in LL_SESSION_ERROR. */
LlTestSession *ll_test_session_open(const LlTestSessionOptions *options, LlDiagList *diags,
                                    GError **error);
void ll_test_session_free(LlTestSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlTestSession, ll_test_session_free)

LlStation *ll_test_session_station(LlTestSession *session);
const LlSequence *ll_test_session_sequence(LlTestSession *session);
LlEngine *ll_test_session_engine(LlTestSession *session);
/* The results store, or NULL when the session does not record. */
LlStore *ll_test_session_store(LlTestSession *session);

/* Another listener of the engine's events (a progress display), called
 * after the store has recorded the event. */
void ll_test_session_add_listener(LlTestSession *session, LlEventFunc func, gpointer user_data);
/* Who tests and the lot, for the runs started after the call. */
void ll_test_session_set_operator(LlTestSession *session, const char *operator_name);
void ll_test_session_set_lot(LlTestSession *session, const char *lot);
/* The temperature corner of the limits and the records (default room). */
void ll_test_session_set_corner(LlTestSession *session, const LlCorner *corner);

/* Whether @serial may be tested now: FALSE with LL_STORE_ERROR_RETEST (the
 * operator's message) when it has had as many attempts at this sequence as
 * the station's retest-limit allows. */
gboolean ll_test_session_check_unit(LlTestSession *session, const char *serial, GError **error);

typedef struct {
  guint site;
  const char *serial;
} LlSessionUnit;

typedef struct {
  guint site;
  gchar *serial;
  LlRunResult *result;       /* NULL when the unit was refused */
  gint64 run_id;             /* its run in the store; 0 when refused or not recorded */
  GError *error;             /* why it was refused (LL_SESSION_ERROR_STATION for a bad
                                site, LL_STORE_ERROR_RETEST, LL_SESSION_ERROR_REFUSED for a
                                path-loss calibration missing or expired); NULL when it ran */
} LlSessionRun;

void ll_session_run_free(LlSessionRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlSessionRun, ll_session_run_free)

/* Tests @n units at once, each in its site (one thread per site), after
 * checking each against the retest limit and that its site exists and is
 * given once. Returns their LlSessionRun* in the same order (free with
 * g_ptr_array_unref()). A run the store failed to record is made ERROR
 * with why: a result that is not on record must not ship. @cancel (may be
 * NULL) aborts the runs. */
GPtrArray *ll_test_session_run(LlTestSession *session, const LlSessionUnit *units, guint n,
                               GCancellable *cancel);

/* One unit in @site: its result, and its run id in *@run_id (may be NULL;
 * 0 when not recorded); NULL with @error when it was refused. */
LlRunResult *ll_test_session_run_one(LlTestSession *session, guint site, const char *serial,
                                     GCancellable *cancel, gint64 *run_id, GError **error);

G_END_DECLS
