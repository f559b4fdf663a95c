/* ll-action-spec.h: how an action describes itself to the sequence format.
 *
 * An action is a C function of the station (station/ implements them); the
 * sequence layer only needs its declaration: the parameters a step may give
 * (names, types, units, ranges, defaults), the measurements it produces
 * (names, units, per lane or not), and the instrument classes it needs.
 * The station builds an LlActionCatalog of static LlActionSpec tables and
 * passes it to validation; nothing here hard-codes an action. Lists inside a
 * spec end with an entry whose name is NULL, so tables read naturally:
 *
 *   static const LlParamSpec tx_power_params[] = {
 *     { "wavelength", LL_PARAM_NUMBER, LL_UNIT_NM, .default_text = "1311 nm" },
 *     { "averaging", LL_PARAM_NUMBER, LL_UNIT_S, .has_min = TRUE, .min = 0.01 },
 *     { NULL }
 *   };
 */
#pragma once

#include "ll-units.h"
#include "ll-value.h"

G_BEGIN_DECLS

typedef enum {
  LL_PARAM_NUMBER,  /* a number; in .unit when it has one */
  LL_PARAM_INTEGER, /* a whole number */
  LL_PARAM_STRING,
  LL_PARAM_BOOLEAN,
  LL_PARAM_PATTERN, /* a test pattern name: PRBS31Q, PRBS31, ... SSPRQ */
} LlParamType;

typedef struct {
  const char *name;
  LlParamType type;
  LlUnit unit;              /* numbers: the unit the action works in, or LL_UNIT_NONE */
  gboolean required;        /* a step must give it (no default) */
  const char *default_text; /* as a file would write it ("1311 nm"); NULL for none */
  gboolean has_min, has_max;
  double min, max;          /* inclusive, in .unit */
  const char *summary;
} LlParamSpec;

typedef struct {
  const char *name;  /* the name limits are matched with: "tx_power_avg" */
  LlUnit unit;
  gboolean per_lane; /* one value per lane (TRUE) or one for the module */
  const char *summary;
} LlMeasurementSpec;

typedef struct {
  const char *name;    /* "tx.average-power" */
  const char *summary;
  gboolean lane_action; /* works on one lane at a time: a step must set per_lane */
  const LlParamSpec *params;             /* ends with { NULL } */
  const LlMeasurementSpec *measurements; /* ends with { NULL } */
  const char *const *roles; /* instrument classes it needs ("bert"), NULL-terminated */
} LlActionSpec;

typedef struct {
  const LlActionSpec *actions;
  gsize n_actions;
} LlActionCatalog;

/* The action named @name, or NULL. */
const LlActionSpec *ll_action_catalog_lookup(const LlActionCatalog *catalog, const char *name);

/* The names of all actions, NULL-terminated, in catalog order (for hints).
 * Free the array with g_free() (the strings belong to the catalog). */
const char **ll_action_catalog_names(const LlActionCatalog *catalog);

/* Checks the catalog itself: unique action, parameter and measurement names,
 * known instrument classes, defaults that read as their parameter's type and
 * unit and lie within min/max, required parameters without defaults.
 * Returns FALSE with every problem in @error (domain LL_SEQUENCE_ERROR,
 * LL_SEQUENCE_ERROR_CATALOG), one per line. A station calls this in its
 * tests. */
gboolean ll_action_catalog_check(const LlActionCatalog *catalog, GError **error);

/* The parameter / measurement of @spec named @name, or NULL. */
const LlParamSpec *ll_action_spec_param(const LlActionSpec *spec, const char *name);
const LlMeasurementSpec *ll_action_spec_measurement(const LlActionSpec *spec, const char *name);

/* "number", "integer", "string", "boolean", "pattern name". Static. */
const char *ll_param_type_name(LlParamType type);

/* Checks @value against @param: type, unit (converted into the parameter's
 * unit, so *@out holds the value the action will get), range, pattern name.
 * Returns FALSE with a message in @error (domain LL_SEQUENCE_ERROR,
 * LL_SEQUENCE_ERROR_TYPE) and, when @hint is not NULL, a hint in *@hint
 * (free with g_free()). @out must be zeroed; it is left cleared on failure. */
gboolean ll_param_check_value(const LlParamSpec *param, const LlValue *value, LlValue *out,
                              gchar **hint, GError **error);

/* The test pattern names a LL_PARAM_PATTERN accepts, NULL-terminated
 * (CMIS pattern codes 0 to 12, in order). */
const char *const *ll_pattern_names(void);

/* The instrument classes a sequence may declare a role of ("power-meter",
 * "attenuator", "optical-switch", "bert", "scope", "evb"), NULL-terminated.
 * The same list as the instrument layer's classes (a test holds them
 * equal). */
const char *const *ll_instrument_class_list(void);

#define LL_SEQUENCE_ERROR (ll_sequence_error_quark())
GQuark ll_sequence_error_quark(void);

typedef enum {
  LL_SEQUENCE_ERROR_READ,    /* the file could not be read */
  LL_SEQUENCE_ERROR_INVALID, /* the file has errors (the message lists them) */
  LL_SEQUENCE_ERROR_TYPE,    /* a value of the wrong type or unit */
  LL_SEQUENCE_ERROR_CATALOG, /* an action catalog contradicts itself */
} LlSequenceError;

G_END_DECLS
