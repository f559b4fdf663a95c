/* ll-gui-serial.h: what a serial number of each product looks like, so the
 * operator screen refuses a mistyped or misread label before a unit is
 * tested under a wrong name. The format is a regular expression per
 * product family (the sequence's product), matched against the whole
 * serial; `lightline-station --serial-pattern REGEX` replaces it for a
 * station. docs/station-app.md lists the formats. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *product;     /* "800G-DR8" */
  const char *pattern;     /* a GRegex, matched whole */
  const char *description; /* for the operator */
  const char *example;
} LlGuiSerialFormat;

/* The format of @product; the plant's general format when the product has
 * no row of its own. Static. */
const LlGuiSerialFormat *ll_gui_serial_format(const char *product);

/* Checks @serial (already stripped of white space) against @pattern.
 * FALSE with LL_GUI_ERROR_SERIAL saying what a serial looks like
 * (@description and @example, may be NULL). An invalid @pattern is
 * LL_GUI_ERROR_INPUT. */
gboolean ll_gui_serial_check(const char *pattern, const char *description, const char *example,
                             const char *serial, GError **error);

G_END_DECLS
