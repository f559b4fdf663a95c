/* ll-sequence.h: a test sequence as loaded from its YAML file, and its
 * validation against limits tables and the station's action catalog.
 *
 * Loading checks what the file alone can tell (shape, types, names, lanes,
 * unique step ids) and keeps the position of every part, so validation,
 * which needs the limits and the catalog, can still point at FILE:LINE:COL.
 * Validation collects every problem, then leaves each step resolved for the
 * engine: its action spec, its parameters with $references substituted,
 * units converted and defaults filled, and the role serving each
 * instrument class the action needs. The format is docs/sequence-format.md. */
#pragma once

#include "ll-action-spec.h"
#include "ll-diag.h"
#include "ll-limits.h"
#include "ll-value.h"

G_BEGIN_DECLS

typedef struct {
  gchar *name;
  gchar *klass;           /* instrument class: "power-meter", ... */
  guint line, column;     /* the role name */
  guint class_line, class_column; /* the class */
} LlRole;

typedef struct {
  gchar *name;
  LlValue value;          /* as written; a step parameter may be a $reference (a string) */
  gchar *reference;       /* step parameters written "$name": the sequence parameter; else NULL */
  guint line, column;     /* the name */
} LlParam;

typedef struct {
  gchar *limit;           /* the limit's name in the limits table */
  gchar *measurement;     /* the action's measurement it judges (same as limit unless given) */
  guint line, column;     /* the limit name */
  guint measurement_line, measurement_column; /* when given apart; else 0 */
} LlStepLimit;

typedef enum {
  LL_GROUP_SETUP,
  LL_GROUP_MAIN,
  LL_GROUP_CLEANUP,
} LlStepGroup;

typedef enum {
  LL_ON_FAIL_STOP,     /* a failing step ends the main group (cleanup still runs) */
  LL_ON_FAIL_CONTINUE, /* the unit is failed but the next steps still run */
} LlOnFail;

typedef struct {
  gchar *id;
  LlStepGroup group;
  gchar *action;
  GPtrArray *params;      /* of LlParam*, as written */
  gboolean per_lane;
  guint32 lanes;          /* per_lane: bit n-1 for lane n (per_lane: true = every lane) */
  GPtrArray *limits;      /* of LlStepLimit* */
  guint retries;
  LlOnFail on_fail;
  guint bin;              /* 0 when not given */
  double timeout_s;       /* 0 when not given */
  gboolean any_order;     /* main steps only: may run before the earlier any_order steps next
                             to it whose instruments another site holds */
  GPtrArray *uses;        /* of LlRole*: explicit class -> role choices ("uses:") */
  guint line, column;     /* the step */
  guint action_line, action_column;
  guint bin_line, bin_column;
  guint per_lane_line, per_lane_column;
  /* filled by ll_sequence_validate() */
  const LlActionSpec *spec;
  GPtrArray *resolved;    /* of LlParam*: in the action's order, each parameter given or
                             defaulted, in the action's unit ($references substituted) */
  GPtrArray *roles;       /* of gchar*: the role serving spec->roles[i] */
} LlStep;

typedef struct {
  gchar *path;            /* as written */
  gchar *resolved_path;   /* relative to the sequence file's folder */
  guint line, column;
} LlLimitsRef;

typedef struct {
  gchar *path;
  gchar *sha256;          /* of the file's bytes, lowercase hex */
  gchar *id;
  gchar *version;
  gchar *product;         /* product family, e.g. "800G-DR8" */
  gchar *description;     /* may be NULL */
  guint lanes;
  GPtrArray *roles;       /* of LlRole* */
  GPtrArray *parameters;  /* of LlParam* */
  GPtrArray *limits;      /* of LlLimitsRef* */
  GPtrArray *steps;       /* of LlStep*: setup, then main, then cleanup */
  guint line, column;     /* the sequence: header */
  guint product_line, product_column;
  guint lanes_line, lanes_column;
} LlSequence;

/* Loads @path and checks what the file alone can tell. Every problem goes
 * to @diags (when not NULL) as FILE:LINE:COL with a hint. Returns NULL on
 * any error, with @error set: LL_SEQUENCE_ERROR_READ when the file cannot
 * be read, otherwise LL_SEQUENCE_ERROR_INVALID with every diagnostic in the
 * message. Free with ll_sequence_free(). */
LlSequence *ll_sequence_load(const char *path, LlDiagList *diags, GError **error);

/* The same from @len bytes of @text; @path names it in diagnostics and
 * anchors relative limits paths. */
LlSequence *ll_sequence_load_data(const char *path, const char *text, gsize len,
                                  LlDiagList *diags, GError **error);

void ll_sequence_free(LlSequence *seq);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlSequence, ll_sequence_free)

/* Checks @seq against the limits tables it uses (@n_tables of them, in the
 * order of seq->limits) and @catalog, adding every problem to @diags:
 * unknown actions, parameters and limits (with the closest known names),
 * parameter types, units and ranges, missing or ambiguous instrument roles,
 * per-lane use, limits that do not exist for the product or do not match a
 * measurement of the action or its unit, unknown or non-fail bins; and
 * warnings (a provisional table, limits and parameters no step uses).
 * Fills spec, resolved and roles of every step that checks clean; run a
 * sequence only when this returned TRUE. May be called again (with other
 * tables). Returns TRUE when no error was added to @diags. */
gboolean ll_sequence_validate(LlSequence *seq, const LlLimitsTable *const *tables,
                              guint n_tables, const LlActionCatalog *catalog, LlDiagList *diags);

/* What `lightline sequence validate FILE` does: loads the sequence at
 * @path, loads each limits table it names, and validates; every problem of
 * every file goes to @diags, sorted. Returns TRUE when there is no error;
 * on TRUE, *@seq_out and *@tables_out (when not NULL) receive the loaded
 * sequence and a GPtrArray of its LlLimitsTable* (owned by the array). */
gboolean ll_sequence_check_file(const char *path, const LlActionCatalog *catalog,
                                LlDiagList *diags, LlSequence **seq_out,
                                GPtrArray **tables_out);

/* The step with id @id, or NULL. */
const LlStep *ll_sequence_step(const LlSequence *seq, const char *id);

/* TRUE when @seq measures a reference (golden) module rather than a unit:
 * a step calibrates (an action "cal.*") or compares with a golden
 * module's reference values ("golden.compare"). Such runs are recorded as
 * reference runs: no retest limit, and left out of yields and statistics
 * unless asked for (docs/results-store.md). */
gboolean ll_sequence_measures_reference(const LlSequence *seq);

/* "setup", "main", "cleanup". Static. */
const char *ll_step_group_name(LlStepGroup group);

G_END_DECLS
