/* ll-value.h: a value as written in a sequence or limits file, or produced
 * by a measurement: a number with its unit, a string, or a boolean.
 *
 * In a file, a plain (unquoted) scalar that reads as a number, optionally
 * followed by a unit ("1311 nm", -4.4 dBm), is a number; true and false are
 * booleans; {value: 1311, unit: nm} is a number with a unit spelled apart;
 * anything quoted is a string, always. */
#pragma once

#include "ll-units.h"
#include "ll-yaml.h"

G_BEGIN_DECLS

typedef enum {
  LL_VALUE_NONE = 0,
  LL_VALUE_NUMBER,
  LL_VALUE_STRING,
  LL_VALUE_BOOLEAN,
} LlValueType;

typedef struct {
  LlValueType type;
  double number;    /* LL_VALUE_NUMBER */
  LlUnit unit;      /* LL_VALUE_NUMBER; LL_UNIT_NONE when written without one */
  gchar *text;      /* LL_VALUE_STRING: the string; otherwise as written, or NULL */
  gboolean boolean; /* LL_VALUE_BOOLEAN */
  guint line, column; /* where it was written (1-based); 0 when not from a file */
} LlValue;

/* Frees what @value holds and resets it to LL_VALUE_NONE. */
void ll_value_clear(LlValue *value);
/* A deep copy of @src into @dst (which is overwritten, not cleared). */
void ll_value_copy(LlValue *dst, const LlValue *src);

/* Sets a number in @unit, a string, a boolean (not from a file); what
 * @value held before is freed, so it must be initialized (e.g. zeroed). */
void ll_value_set_number(LlValue *value, double number, LlUnit unit);
void ll_value_set_string(LlValue *value, const char *text);
void ll_value_set_boolean(LlValue *value, gboolean b);

/* The value for a person: "1311 nm", "PRBS31Q", "true". Free with g_free(). */
gchar *ll_value_format(const LlValue *value);

/* "a number in dBm", "a number", "a string", "a boolean". Static. */
const char *ll_value_type_name(LlValueType type);

/* Reads @node as a value (see the top of this file) into @out. Reports at
 * @node and returns FALSE when it is a list, an empty value, a mapping other
 * than {value, unit}, or a number with an unknown unit ("1311 nn": the
 * closest unit is hinted). @what names it in messages. */
gboolean ll_value_from_yaml(const LlYamlCtx *ctx, const LlYamlNode *node, const char *what,
                            LlValue *out);

/* Reads @text as a plain scalar would be read ("1311 nm", "true", "PRBS31"):
 * used for the default values an action declares. */
void ll_value_from_text(const char *text, LlValue *out);

G_END_DECLS
