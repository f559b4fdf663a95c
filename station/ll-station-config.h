/* ll-station-config.h: the station file, an INI file (GKeyFile syntax) that
 * names the station and its instruments:
 *
 *   [station]
 *   id = ST-07
 *   line = L3-800G
 *   database = results.db
 *   retest-limit = 3
 *   path-loss-expiry-h = 12
 *   golden-references = golden
 *
 *   [instrument pm1]
 *   class = power-meter
 *   driver = thorlabs-pm100
 *   resource = usbtmc:1313:8072:P2001234
 *   cal-due = 2027-03-31
 *   cal-cert = TL-2026-11873
 *
 *   [site 1]
 *   evb = evb1
 *   fixture = FX-0042
 *
 * The format is documented in docs/station-file.md. Loading checks
 * everything that can be checked without touching a device and reports each
 * problem as FILE:LINE:COL with a hint. */
#pragma once

#include <glib.h>

#include "ll-diag.h"
#include "ll-instrument-class.h"
#include "ll-resource.h"

G_BEGIN_DECLS

#define LL_CONFIG_ERROR (ll_config_error_quark())
GQuark ll_config_error_quark(void);

typedef enum {
  LL_CONFIG_ERROR_READ,    /* the file cannot be read */
  LL_CONFIG_ERROR_INVALID, /* the file has errors; the message lists them */
} LlConfigError;

typedef struct {
  gchar *name;
  LlInstrumentClass klass;
  const LlDriverInfo *driver;
  gchar *resource;       /* resource string, already checked by ll_resource_parse() */
  GDate cal_due;         /* invalid (g_date_valid() FALSE) when not given */
  gchar *cal_cert;       /* NULL when not given */
  guint line;            /* where its group starts in the file */
} LlInstrumentConfig;

/* [site N]: a fixture position and the EVB that serves it. */
typedef struct {
  guint number;          /* 1-based */
  gchar *evb;            /* name of an instrument of class evb */
  gchar *fixture;        /* fixture id, may be NULL */
  guint line;
} LlSiteConfig;

/* [simulation]: present when the station's sim: instruments form a
 * simulated bench; describes that bench. */
typedef struct {
  gchar *bench;          /* its name, as in the instruments' bench= option (default "default") */
  guint sites;           /* fixture sites (default: the number of [site] groups, at least 1) */
  gchar *product;        /* product id of the modules (default 800G-DR8) */
  guint64 seed;          /* default 1 */
  gchar *defects;        /* defect mix (default "default") */
  gboolean realtime;     /* default FALSE: virtual time */
  GStrv modules;         /* serial numbers in the fixtures at start, by site ("" empty) */
  guint line;
} LlSimulationConfig;

typedef struct {
  gchar *path;
  gchar *sha256;         /* of the file's bytes, for traceability */
  gchar *id;
  gchar *line;
  gchar *description;    /* may be NULL */
  gchar *database;       /* the results store: `database`, resolved against the station
                            file's folder when relative; NULL when not given */
  guint retest_limit;    /* `retest-limit`: attempts a serial number may have at one
                            operation (sequence); 0 when not given (no cap) */
  double path_loss_expiry_h; /* `path-loss-expiry-h`: how long a path-loss calibration is
                            valid, hours; runs measuring light need a valid one. 0 when
                            not given (the sequences' nominal path offsets are used) */
  gchar *golden_references; /* `golden-references`: the folder of the golden modules'
                            reference files (SERIAL.yaml), resolved against the station
                            file's folder; default its folder's `golden` */
  GPtrArray *instruments; /* of LlInstrumentConfig*, in file order */
  GPtrArray *sites;       /* of LlSiteConfig*, by number */
  LlSimulationConfig *simulation; /* NULL unless the file has [simulation] */
} LlStationConfig;

/* Loads and checks @path. Every problem found is added to @diags (may be
 * NULL); if any is an error, returns NULL and sets @error
 * (LL_CONFIG_ERROR_INVALID) with all of them formatted in its message. */
LlStationConfig *ll_station_config_load(const char *path, LlDiagList *diags, GError **error);
/* The same from @len bytes of @text; @path names it in diagnostics. */
LlStationConfig *ll_station_config_load_data(const char *path, const char *text, gsize len,
                                             LlDiagList *diags, GError **error);
void ll_station_config_free(LlStationConfig *config);

/* The instrument named @name, or NULL. */
const LlInstrumentConfig *ll_station_config_find(const LlStationConfig *config, const char *name);
/* Site @number, or NULL. */
const LlSiteConfig *ll_station_config_site(const LlStationConfig *config, guint number);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlStationConfig, ll_station_config_free)

G_END_DECLS
