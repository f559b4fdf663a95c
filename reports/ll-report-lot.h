/* ll-report-lot.h: what the two files of the lot report share.
 * ll-report-lot.c makes the workbook, its Summary (yields) and Bins
 * sheets; ll-report-lot-values.c goes through the measured values in run
 * order, twice, in memory that does not grow with the lot: first for the
 * statistics of every measurement (and the range of each key parameter),
 * then for the Units sheet row by row and the histograms' counts. Not for
 * use outside reports/. */
#pragma once

#include "ll-report-db.h"
#include "ll-report-stats.h"
#include "ll-report-xlsx.h"

G_BEGIN_DECLS

/* Excel's limits: rows after the header, columns */
#define LL_LOT_MAX_ROWS (LXW_ROW_MAX - 1)
#define LL_LOT_MAX_COLUMNS LXW_COL_MAX

typedef struct {
  LlReportDb *db;
  const LlReportFilter *filter;
  LlXlsx *x;
  guint runs;                /* finished runs selected */
  GPtrArray *groups;         /* of LlLotGroup*: numeric measurements by step, name, lane, unit */
  GHashTable *group_index;   /* key -> LlLotGroup* */
  GArray *by_position;       /* of LlLotGroup*: the group of the i-th value of the last run */
  GPtrArray *keys;           /* of LlLotKey*: the key parameters measured */
  guint units_columns;       /* measurement columns of the Units sheet (Excel's limit may cut) */
  guint units_rows;          /* rows of the Units sheet */
} LlLot;

typedef struct {
  gchar *step_id, *name, *unit;
  guint lane;
  guint index;               /* in LlLot.groups */
  double low, high;          /* limits in @unit; NAN: none, or they differ between runs */
  gboolean seen_limits;
  LlCapabilityAcc acc;
  guint64 fails;
  struct _LlLotKey *key;     /* the key parameter it is pooled into, or NULL */
} LlLotGroup;

/* A key parameter (TX power, OMA, TDECQ, ER, sensitivity, module power):
 * all its steps and lanes pooled into one histogram. */
typedef struct _LlLotKey {
  const char *name;          /* the measurement name */
  const char *title;         /* "TX power" */
  gchar *unit;
  double low, high;          /* the limits when all its groups share them */
  gboolean limits_differ;
  LlCapabilityAcc acc;
  LlHistogram histogram;
} LlLotKey;

/* First pass: every group's statistics and the key parameters' ranges. */
gboolean ll_lot_collect(LlLot *lot, GError **error);
void ll_lot_clear(LlLot *lot);

/* The Statistics sheet (needs ll_lot_collect()). */
void ll_lot_write_statistics(LlLot *lot, lxw_worksheet *ws);
/* Second pass: the Units sheet, and the histograms' counts. */
gboolean ll_lot_write_units(LlLot *lot, lxw_worksheet *ws, GError **error);
/* The Histograms sheet (needs ll_lot_write_units()). */
void ll_lot_write_histograms(LlLot *lot, lxw_worksheet *ws);

G_END_DECLS
