/* ll-golden.h: a golden module's reference values: what it is known to
 * launch, receive and read, per lane, measured when it was characterized
 * (in a lab, against instruments traceable to their own calibration).
 *
 * A station keeps one reference file per golden module, named after its
 * serial number, in the folder its station file names (golden-references,
 * default `golden` next to the station file): GOLDEN/SERIAL.yaml. A person
 * writes it from the characterization report; loading checks it and
 * reports every problem as FILE:LINE:COL with a hint
 * (docs/calibration.md has the format):
 *
 *   golden:
 *     serial: GOLD0001
 *     product: 800G-DR8
 *     characterized: 2026-11-02T09:00:00Z
 *     by: optics lab, report OL-2026-118
 *   lanes:
 *     - { lane: 1, tx_power_avg: 1.214 dBm, rx_power_monitor_error: 0.31 dB,
 *         oma_outer: 2.87 dBm, extinction_ratio: 4.62 dB, tdecq: 1.72 dB,
 *         sensitivity: -7.41 dBm }
 *     - ...
 *
 * Every lane of the product is listed once with at least tx_power_avg and
 * rx_power_monitor_error (what path-loss calibration measures against);
 * the other values are compared by the golden-unit check when present.
 *
 * On the simulated bench, ll_golden_reference_from_bench() plays the
 * characterization lab: it writes down a twin's true values. */
#pragma once

#include "ll-diag.h"
#include "ll-station.h"

G_BEGIN_DECLS

/* A quantity a reference file may give per lane; its name is the
 * measurement's name in the sequences. */
typedef struct {
  const char *name;    /* "tx_power_avg" */
  const char *unit;    /* as written: "dBm", "dB" */
  gboolean required;   /* path-loss calibration needs it on every lane */
  const char *summary;
} LlGoldenQuantity;

/* The quantities, in the order files list them; *@n receives the count. */
const LlGoldenQuantity *ll_golden_quantities(guint *n);
/* The quantity named @name, or NULL. */
const LlGoldenQuantity *ll_golden_quantity(const char *name);

#define LL_GOLDEN_MAX_LANES 32

typedef struct {
  gchar *path;            /* the file it was read from, or will be written to */
  gchar *serial;
  gchar *product;         /* "800G-DR8" */
  guint lanes;            /* the product's */
  GDateTime *characterized; /* UTC; may be NULL */
  gchar *by;              /* who characterized it, or where; may be NULL */
  /* values[q][lane - 1] of quantity q (ll_golden_quantities() order); NAN
   * when not given */
  double (*values)[LL_GOLDEN_MAX_LANES];
} LlGoldenReference;

LlGoldenReference *ll_golden_reference_new(const char *serial, const char *product);
void ll_golden_reference_free(LlGoldenReference *ref);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlGoldenReference, ll_golden_reference_free)

/* The value of @name for @lane (1-based), or NAN when the file does not
 * give it. */
double ll_golden_reference_value(const LlGoldenReference *ref, const char *name, guint lane);
void ll_golden_reference_set(LlGoldenReference *ref, const char *name, guint lane, double value);

#define LL_GOLDEN_ERROR (ll_golden_error_quark())
GQuark ll_golden_error_quark(void);

typedef enum {
  LL_GOLDEN_ERROR_READ,     /* the file cannot be read or written */
  LL_GOLDEN_ERROR_INVALID,  /* the file has errors (listed in the message, FILE:LINE:COL) */
  LL_GOLDEN_ERROR_NOT_GOLDEN, /* a simulated unit with a defect cannot be a golden unit */
} LlGoldenError;

/* Loads and checks @path. Every problem goes to @diags (may be NULL);
 * NULL with @error (LL_GOLDEN_ERROR_INVALID, every problem in the message)
 * when there is one. */
LlGoldenReference *ll_golden_reference_load(const char *path, LlDiagList *diags, GError **error);
LlGoldenReference *ll_golden_reference_load_data(const char *path, const char *text, gsize len,
                                                 LlDiagList *diags, GError **error);

/* Where @config keeps the reference of golden module @serial. Free with
 * g_free(). */
gchar *ll_golden_reference_path(const LlStationConfig *config, const char *serial);
/* The reference of golden module @serial from @config's folder, checked to
 * be @serial's. */
LlGoldenReference *ll_golden_reference_find(const LlStationConfig *config, const char *serial,
                                            LlDiagList *diags, GError **error);

/* @ref as a reference file's text. Free with g_free(). */
gchar *ll_golden_reference_format(const LlGoldenReference *ref);
/* Writes @ref to @path, creating its folder. */
gboolean ll_golden_reference_save(const LlGoldenReference *ref, const char *path, GError **error);

/* ---- the simulated bench ---- */

/* What a characterization lab would write for the module in @site of
 * @bench (its twin's true values at the site's case temperature: launch
 * power, OMA, extinction ratio, TDECQ, sensitivity, and its RX power
 * monitor's error as the factory left it). NULL with
 * LL_GOLDEN_ERROR_NOT_GOLDEN when the twin has a defect (a lab would not
 * pick it), or G_IO_ERROR_NOT_FOUND when the site is empty. */
LlGoldenReference *ll_golden_reference_from_bench(LlBench *bench, guint site, GError **error);

/* The first serial number PREFIX0001, PREFIX0002... whose twin on @bench
 * has no defect: a unit fit to be a golden one. Free with g_free(). */
gchar *ll_golden_pick_serial(LlBench *bench, const char *prefix);

/* What a simulated station's lab did before its first shift: opens the
 * station of @config_text (or the file @config_path), picks a golden
 * module (ll_golden_pick_serial()), characterizes it in site 1 and saves
 * its reference in the station's golden-references folder. Returns its
 * serial number (free with g_free()), or NULL with @error (the station has
 * no simulated bench: G_IO_ERROR_NOT_SUPPORTED). */
gchar *ll_golden_characterize_sim(const char *config_path, const char *config_text,
                                  const char *prefix, GError **error);

G_END_DECLS
