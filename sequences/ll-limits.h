/* ll-limits.h: limits tables, the limit in effect for a unit, judging a
 * value against a limit, and choosing a unit's bin.
 *
 * A limits table is a YAML file apart from the sequence (docs/sequence-
 * format.md): a header (id, version, product, part numbers, provisional),
 * bins (fail bins with a priority, pass bins graded by margin) and entries.
 * Several entries may share a name: each says where it applies (part
 * numbers, lanes, temperature corner) and the most specific one that
 * applies is the limit in effect. Judging is a pure function: the verdict,
 * the margin to the nearest limit in the limit's unit, and that margin as a
 * percentage of the half-width of the window. */
#pragma once

#include "ll-diag.h"
#include "ll-units.h"
#include "ll-value.h"

G_BEGIN_DECLS

typedef enum {
  LL_LIMIT_RANGE,   /* min and/or max, each inclusive or exclusive */
  LL_LIMIT_NOMINAL, /* nominal +/- tolerance, inclusive */
  LL_LIMIT_EQUAL,   /* exactly a number (in the unit) or a string */
  LL_LIMIT_REGEX,   /* a string matching a pattern (the whole string) */
  LL_LIMIT_BOOLEAN, /* true or false */
} LlLimitKind;

typedef enum {
  LL_CORNER_ROOM = 0,
  LL_CORNER_HOT,
  LL_CORNER_COLD,
  LL_CORNER_TEMPERATURE, /* a case temperature in C */
  LL_CORNER_ANY,         /* in a table only: applies at every corner */
} LlCornerKind;

typedef struct {
  LlCornerKind kind;
  double temperature_c; /* LL_CORNER_TEMPERATURE */
} LlCorner;

/* Reads "room", "hot", "cold", "any", or a temperature ("85", "85 C",
 * "-5 C"). FALSE when it is none of these. */
gboolean ll_corner_parse(const char *text, LlCorner *out);
/* "room", "hot", "85 C"... Free with g_free(). */
gchar *ll_corner_format(const LlCorner *corner);
/* TRUE when @a and @b are the same corner (any is only equal to any). */
gboolean ll_corner_equal(const LlCorner *a, const LlCorner *b);

typedef struct {
  gchar *name;
  LlLimitKind kind;
  LlUnit unit;          /* LL_UNIT_NONE for strings and booleans */
  /* LL_LIMIT_RANGE: the bounds as written */
  gboolean has_min, has_max;
  gboolean min_exclusive, max_exclusive;
  double min, max;
  /* LL_LIMIT_NOMINAL */
  double nominal, tolerance;
  /* range and nominal: tightens the limit by this much (>= 0, in unit) */
  double guard_band;
  /* LL_LIMIT_EQUAL (number in unit, or string) and LL_LIMIT_BOOLEAN */
  LlValue expected;
  /* LL_LIMIT_REGEX */
  gchar *pattern;
  GRegex *regex;        /* the pattern, anchored at both ends */
  /* where it applies */
  GStrv part_numbers;   /* NULL: every part number of the table */
  guint32 lanes;        /* bit n-1 for lane n; 0: all lanes and module-wide values */
  LlCorner corner;      /* default room */
  gchar *description;   /* may be NULL */
  /* where it was written (1-based) */
  guint line, column;           /* the entry */
  guint unit_line, unit_column; /* its unit, or the entry when none */
} LlLimit;

typedef enum {
  LL_BIN_PASS, /* a grade for passing units */
  LL_BIN_FAIL,
} LlBinKind;

typedef struct {
  guint number;
  gchar *name;
  LlBinKind kind;
  guint priority;        /* fail bins: 1 is the most important; unique in a table */
  double min_margin_pct; /* pass bins: the least margin (percent) a unit needs */
  gchar *instructions;   /* what the operator does with the unit; may be NULL */
  guint line, column;
} LlBin;

typedef struct {
  gchar *path;
  gchar *sha256;       /* of the file's bytes, lowercase hex */
  gchar *id;
  gchar *version;
  gchar *product;      /* product family, e.g. "800G-DR8" */
  gchar *description;  /* may be NULL */
  gboolean provisional;
  GStrv part_numbers;  /* at least one */
  GPtrArray *bins;     /* of LlBin*, as written */
  GPtrArray *entries;  /* of LlLimit*, as written */
  guint line, column;                   /* the limits: header */
  guint product_line, product_column;
  guint provisional_line, provisional_column;
} LlLimitsTable;

/* Loads and checks the limits table at @path. Every problem goes to @diags
 * (when not NULL) as FILE:LINE:COL with a hint; warnings (a provisional
 * table) do not stop loading. Returns NULL on any error, with @error set:
 * LL_SEQUENCE_ERROR_READ when the file cannot be read, otherwise
 * LL_SEQUENCE_ERROR_INVALID with every diagnostic formatted in the message.
 * Free with ll_limits_table_free(). */
LlLimitsTable *ll_limits_load(const char *path, LlDiagList *diags, GError **error);

/* The same from @len bytes of @text; @path names it in diagnostics. */
LlLimitsTable *ll_limits_load_data(const char *path, const char *text, gsize len,
                                   LlDiagList *diags, GError **error);

void ll_limits_table_free(LlLimitsTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlLimitsTable, ll_limits_table_free)

/* TRUE when @table has any entry named @name. */
gboolean ll_limits_has(const LlLimitsTable *table, const char *name);

/* The bin numbered @number, or NULL. */
const LlBin *ll_limits_bin(const LlLimitsTable *table, guint number);

/* The limit in effect for @name on a unit of @part_number, for @lane (1..8;
 * 0 for a module-wide value), at @corner (NULL: room). Of the entries that
 * apply, the most specific wins: one naming the part number beats one that
 * does not; then one naming the exact corner beats "any"; then one naming
 * lanes beats "all". Loading refuses two entries that could tie. NULL when
 * no entry applies, or when @part_number is not one of the table's
 * (NULL @part_number: only entries for every part number apply). */
const LlLimit *ll_limits_lookup(const LlLimitsTable *table, const char *name,
                                const char *part_number, guint lane, const LlCorner *corner);

/* How specific @limit is, as lookup ranks entries: 4 when it names part
 * numbers, + 2 when it names a corner (not any), + 1 when it names lanes. */
guint ll_limit_specificity(const LlLimit *limit);

/* Of @n_tables tables, the one that applies to @part_number, or NULL.
 * (Validation refuses two tables of one sequence sharing a part number.) */
const LlLimitsTable *ll_limits_table_for_part(const LlLimitsTable *const *tables, guint n_tables,
                                              const char *part_number);

typedef enum {
  LL_VERDICT_PASS,
  LL_VERDICT_FAIL,
  LL_VERDICT_ERROR, /* the value could not be judged (wrong type or unit): never a DUT verdict */
} LlVerdict;

typedef struct {
  LlVerdict verdict;
  double value;      /* numbers: the value converted into the limit's unit; else NAN */
  double margin;     /* numbers: distance to the nearest limit in effect, in the
                        limit's unit; negative when outside; NAN otherwise */
  double margin_pct; /* two-sided numeric limits: margin / half-width of the window
                        in effect * 100 (100 at the centre, 0 at the edge); else NAN */
} LlJudgement;

/* Judges @value against @limit; pure. Numbers are converted into the
 * limit's unit when the units are of one dimension (mW <-> W); a dBm value
 * against a mW limit, a number against a string limit and the like return
 * FALSE with @error set (domain LL_SEQUENCE_ERROR, LL_SEQUENCE_ERROR_TYPE,
 * or LL_UNIT_ERROR) and out->verdict = LL_VERDICT_ERROR. The limit in
 * effect is the written one tightened by its guard band (min + g, max - g,
 * tolerance - g). A NaN value fails, with NaN margins. */
gboolean ll_limit_judge(const LlLimit *limit, const LlValue *value, LlJudgement *out,
                        GError **error);

/* ll_limit_judge() for a number @value in @unit. */
gboolean ll_limit_judge_number(const LlLimit *limit, double value, LlUnit unit, LlJudgement *out,
                               GError **error);

/* The smallest margin_pct of @n judgements, ignoring those without one;
 * NAN when none has one. */
double ll_judgements_worst_margin_pct(const LlJudgement *judgements, gsize n);

/* The bin of a unit. When @n_failed > 0, @failed_bins are the bins of the
 * steps that failed (repeats allowed): the fail bin with the lowest priority
 * number among them. Otherwise the unit passed: the pass bin with the
 * highest min_margin_pct that @worst_margin_pct reaches; a NaN
 * @worst_margin_pct (nothing graded) gets the pass bin with the lowest
 * min_margin_pct. NULL when a failed bin is not a fail bin of @table, or
 * when no pass bin fits (a loaded table always has one at 0 %). */
const LlBin *ll_bins_decide(const LlLimitsTable *table, const guint *failed_bins, gsize n_failed,
                            double worst_margin_pct);

/* "range", "nominal", "equal", "regex", "boolean". Static. */
const char *ll_limit_kind_name(LlLimitKind kind);

G_END_DECLS
