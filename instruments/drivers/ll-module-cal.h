/* ll-module-cal.h: a module's power monitor calibration through its EVB:
 * the coefficients of vendor page 80h and the laser power trim of vendor
 * page 81h (their format: cmis/ll-cmis-cal.h, docs/module-calibration.md),
 * written behind the vendor password and verified by reading them back; the
 * monitors themselves (page 11h); and the least-squares fit that turns
 * raw monitor readings against reference powers into coefficients.
 *
 * A module ignores writes to a protected page when the password is wrong
 * (CMIS behaviour: no NACK), so every write is read back; what reads back
 * otherwise is LL_MODULE_ERROR_REJECTED, and the page is as it was. After a
 * write the password entry is cleared (0 entered), so the page is protected
 * again. The password entry, the page select, the write and the clearing are
 * one transaction on the EVB session. */
#pragma once

#include "cmis/ll-cmis-cal.h"
#include "ll-module.h"

G_BEGIN_DECLS

/* Reads @lane's (1-8) coefficients of @monitor. */
gboolean ll_module_cal_read(LlEvb *evb, LlCmisCalMonitor monitor, guint lane, LlCmisCalCoeffs *out,
                            GError **error);
/* Writes @lane's (1-8) coefficients of @monitor behind @password and reads
 * them back (see the top of this file). Coefficients that are not finite,
 * or a slope not above 0, are LL_MODULE_ERROR_ARGUMENT and nothing is sent. */
gboolean ll_module_cal_write(LlEvb *evb, guint32 password, LlCmisCalMonitor monitor, guint lane,
                             const LlCmisCalCoeffs *c, GError **error);

/* The laser power trim of @lane (1-8), dB, as stored. */
gboolean ll_module_cal_read_trim(LlEvb *evb, guint lane, double *db, GError **error);
/* Sets it behind @password (rounded to 0.1 dB) and reads it back. A trim
 * outside LL_CMIS_CAL_TRIM_MIN_DB..LL_CMIS_CAL_TRIM_MAX_DB, which the laser
 * would not follow, is LL_MODULE_ERROR_ARGUMENT and nothing is sent. */
gboolean ll_module_cal_write_trim(LlEvb *evb, guint32 password, guint lane, double db,
                                  GError **error);

/* The power monitor @monitor of @lane (1-32) as the module reports it, mW
 * (page 11h of the lane's bank; only those two bytes are read, so no latched
 * flag is cleared). */
gboolean ll_module_read_power_monitor(LlEvb *evb, LlCmisCalMonitor monitor, guint lane, double *mw,
                                      GError **error);

/* The highest power a monitor field holds (0xFFFF x 0.1 uW): a reading at
 * it may be clipped. */
#define LL_MODULE_MONITOR_FULL_SCALE_MW 6.5535
/* Points a fit needs. */
#define LL_MODULE_CAL_MIN_POINTS 3

/* Fits coefficients such that slope * raw + offset matches the reference:
 * least squares of the relative error, sum(((slope raw_i + offset) / ref_i -
 * 1)^2), so every level counts alike, as it does in dB. Points whose raw
 * reading is 0 (below the least count) or at full scale (clipped), or whose
 * reference is not above 0, are left out; *@used (may be NULL) receives how
 * many were used. Fewer than LL_MODULE_CAL_MIN_POINTS usable points, raw
 * readings that do not spread, or a slope that is not above 0 are
 * LL_MODULE_ERROR_ARGUMENT with the reason. Pure: no I/O. */
gboolean ll_module_cal_fit(const double *raw_mw, const double *ref_mw, guint n,
                           LlCmisCalCoeffs *out, guint *used, GError **error);

G_END_DECLS
