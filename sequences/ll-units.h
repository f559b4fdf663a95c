/* ll-units.h: the units a sequence, a limit or a measurement may carry, and
 * the only conversions Lightline makes between them.
 *
 * Units of one dimension convert by a factor (mW <-> W, mA <-> A, ps <-> s,
 * % <-> ratio). Logarithmic units never convert implicitly: a dBm value is
 * not a mW value and a dB ratio is not a dBm power, so a limit in one
 * applied to a measurement in the other is an error, not a silent
 * 10*log10. A quantity is written "NUMBER UNIT" ("1311 nm", "-4.4 dBm",
 * "95 %"). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  LL_UNIT_NONE = 0, /* no unit at all: a count of things, a setting, a string */
  LL_UNIT_DBM,      /* optical power, logarithmic */
  LL_UNIT_DB,       /* a ratio, logarithmic (ER, TDECQ, attenuation) */
  LL_UNIT_MW,
  LL_UNIT_W,
  LL_UNIT_MA,
  LL_UNIT_A,
  LL_UNIT_V,
  LL_UNIT_C,        /* degrees Celsius */
  LL_UNIT_NM,
  LL_UNIT_PS,
  LL_UNIT_S,
  LL_UNIT_PERCENT,
  LL_UNIT_RATIO,    /* dimensionless, linear (a BER) */
  LL_UNIT_BITS,
  LL_UNIT_ERRORS,
  LL_UNIT_COUNT
} LlUnit;

/* The unit as written in files ("dBm", "mW", "%", "ratio"); "" for
 * LL_UNIT_NONE. */
const char *ll_unit_name(LlUnit unit);

/* The unit written @name (exact spelling, case-sensitive: "mW" is not "MW").
 * "none" is not accepted: a value without unit is written without one. */
gboolean ll_unit_from_name(const char *name, LlUnit *out);

/* Every unit name, NULL-terminated (for hints). */
const char *const *ll_unit_names(void);

/* TRUE when a value in @from can be expressed in @to (same dimension;
 * always TRUE when @from == @to). */
gboolean ll_unit_convertible(LlUnit from, LlUnit to);

/* Converts @value from @from to @to into *@out, rounded to 12 significant
 * digits (see ll_unit_round()). Returns FALSE with a message in @error
 * (domain LL_UNIT_ERROR) when the units are not convertible; *@out is then
 * NAN. */
gboolean ll_unit_convert(double value, LlUnit from, LlUnit to, double *out, GError **error);

/* @value rounded to 12 significant digits. Conversions and guard bands go
 * through it so that what they compute is the decimal number a person
 * expects (-2.9 + 0.2 is -2.7, 0.024 % is 2.4e-4), and a value written at
 * a limit is judged at the limit, not one binary rounding off it. No
 * instrument resolves 12 digits. NaN and infinities are returned as is. */
double ll_unit_round(double value);

/* Why @from does not convert to @to, as a hint for a person (e.g. "dBm is
 * logarithmic and mW linear: convert explicitly, 0 dBm = 1 mW"). Free with
 * g_free(). */
gchar *ll_unit_mismatch_hint(LlUnit from, LlUnit to);

/* Parses "NUMBER", "NUMBER UNIT" or "NUMBERUNIT" ("1311 nm", "-4.4dBm",
 * "2.4e-4", "95 %"). Returns TRUE with the number in *@value and the unit in
 * *@unit (LL_UNIT_NONE when none was written). Returns FALSE when the text
 * is not a finite number, or is followed by something other than a unit;
 * then *@unit_text (when not NULL) receives the unknown unit text (or NULL
 * if the number itself was bad), to be freed with g_free(). */
gboolean ll_quantity_parse(const char *text, double *value, LlUnit *unit, gchar **unit_text);

#define LL_UNIT_ERROR (ll_unit_error_quark())
GQuark ll_unit_error_quark(void);

typedef enum {
  LL_UNIT_ERROR_MISMATCH, /* units of different dimensions */
} LlUnitError;

G_END_DECLS
