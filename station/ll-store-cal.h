/* ll-store-cal.h: reading the station's path-loss calibrations back from
 * the results store: the newest entry of a path whether or not it has
 * expired (what a run is checked against), and whole calibrations (sets)
 * with their entries, for `lightline calibrate history`. Storing them and
 * the golden-unit checks is ll-store.h's. */
#pragma once

#include "ll-store.h"

G_BEGIN_DECLS

/* The newest calibration of @station_id's @site, @path of @lane at
 * @wavelength_nm (within 0.5 nm), expired or not; NULL with
 * LL_STORE_ERROR_NOT_FOUND when there is none. */
LlPathLoss *ll_store_path_loss_newest(LlStore *store, const char *station_id, guint site,
                                      LlPathKind path, guint lane, double wavelength_nm,
                                      GError **error);

/* One stored calibration of a site's paths. */
typedef struct {
  gint64 id;
  gchar *station_id;
  guint site;
  gchar *operator_name;      /* may be NULL */
  gchar *golden_serial;      /* may be NULL */
  GDateTime *measured_utc, *expires_utc;
  GArray *entries;           /* of LlPathLossEntry, by path, lane and wavelength */
  GArray *entry_ids;         /* of gint64: each entry's id (path_loss.id), in the same order */
} LlPathLossSetRecord;

void ll_path_loss_set_record_free(LlPathLossSetRecord *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlPathLossSetRecord, ll_path_loss_set_record_free)

/* The calibrations of @station_id (NULL: every station), @site (0: every
 * site), made against golden module @golden (NULL: any), oldest first: a
 * GPtrArray of LlPathLossSetRecord* (free with g_ptr_array_unref()), or
 * NULL with @error. */
GPtrArray *ll_store_path_loss_sets(LlStore *store, const char *station_id, guint site,
                                   const char *golden, GError **error);

G_END_DECLS
