/* ll-station-demo.h: a simulated shift. Builds a station of K simulated
 * sites sharing one power meter, attenuator, switch, BERT and scope, loads
 * the shipped final-test sequence of a product, and tests N units through
 * the engine, loading each fixture with the next serial number as an
 * operator would. `lightline demo` and the station application's
 * demonstration mode use it. */
#pragma once

#include "ll-engine.h"

G_BEGIN_DECLS

typedef struct {
  guint units;          /* default 20 */
  guint sites;          /* default 2 */
  const char *product;  /* default "800G-DR8" */
  guint64 seed;         /* default 1 */
  gboolean realtime;    /* default FALSE */
  const char *defects;  /* default "default" */
  const char *sequences_dir; /* where the shipped sequences are (default: the installed or source folder) */
  const char *fault;    /* "INSTRUMENT:KIND[:AFTER]": inject a fault into one instrument, or NULL */
  /* the golden modules' reference folder of a station that calibrates its
   * optical paths (path-loss-expiry-h = 12; docs/calibration.md), or NULL
   * for one that uses the sequences' nominal path offsets (default) */
  const char *golden_references;
} LlDemoOptions;

void ll_demo_options_default(LlDemoOptions *options);

/* The text of a station file for a simulated bench of @options. Its
 * instruments are meter, voa, switch, bert, scope and evb1..evbK. NULL with
 * @error when @options->fault names no instrument or a bad fault. */
gchar *ll_demo_station_text(const LlDemoOptions *options, GError **error);

/* The shipped final-test sequence file for @product under @dir. */
gchar *ll_demo_sequence_path(const char *dir, const char *product);

/* Puts the unit @serial into @site of a simulated station (what an operator
 * does); on a real station there is nothing to do. */
void ll_station_load_unit(LlStation *station, guint site, const char *serial);

G_END_DECLS
