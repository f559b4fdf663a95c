/* ll-cmis-cal.h: the vendor pages that hold a Lightline module's power
 * monitor calibration (docs/module-calibration.md): pure functions over the
 * bytes of page 80h (monitor coefficients, non-volatile) and page 81h
 * (laser power trim, volatile), both in the CMIS vendor-specific page range
 * and writable only after the vendor password is entered at lower page bytes
 * 122-125. Nothing here does I/O: the module simulator keeps its memory with
 * these, the driver (drivers/ll-module-cal.h) reads and writes them.
 *
 * The monitor model. The monitor's ADC sees a raw power (the true power
 * with the unit's gain error); the module reports
 *     reported_mW = max(0, slope * raw_mW + offset_mW)
 * with the lane's coefficients, encoded in the usual CMIS monitor field
 * (page 11h, 0.1 uW, at most 6.5535 mW). A module leaves the factory with
 * slope 1 and offset 0 (it reports the raw reading). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LL_CMIS_CAL_PAGE 0x80      /* monitor coefficients */
#define LL_CMIS_CAL_TRIM_PAGE 0x81 /* laser power trim */
#define LL_CMIS_CAL_LANES 8        /* lanes the pages hold (bank 0) */

typedef enum {
  LL_CMIS_CAL_RX, /* the RX power monitor: bytes 128 + 8 (lane - 1) */
  LL_CMIS_CAL_TX, /* the TX power monitor: bytes 192 + 8 (lane - 1) */
} LlCmisCalMonitor;

/* "RX" or "TX". */
const char *ll_cmis_cal_monitor_name(LlCmisCalMonitor monitor);

typedef struct {
  double slope;     /* mW reported per mW raw */
  double offset_mw; /* mW added */
} LlCmisCalCoeffs;

/* slope 1, offset 0: the monitor reports what its ADC sees. */
#define LL_CMIS_CAL_IDENTITY ((LlCmisCalCoeffs) { 1.0, 0.0 })

/* The address (128-255) of the 8 bytes of @lane's (1-8) coefficients. */
guint ll_cmis_cal_address(LlCmisCalMonitor monitor, guint lane);
/* Coefficients as 8 bytes: slope then offset, each an IEEE-754 binary32,
 * big-endian (so what is stored is @c rounded to float precision). */
void ll_cmis_cal_encode(const LlCmisCalCoeffs *c, guint8 out[8]);
void ll_cmis_cal_decode(const guint8 in[8], LlCmisCalCoeffs *c);
/* What the monitor reports, mW, for a raw reading of @raw_mw. */
double ll_cmis_cal_apply(const LlCmisCalCoeffs *c, double raw_mw);

/* Laser power trim: byte 128 + (lane - 1) of page 81h, a signed byte in
 * steps of 0.1 dB added to the lane's laser power setpoint. The laser's
 * power control follows it from LL_CMIS_CAL_TRIM_MIN_DB to
 * LL_CMIS_CAL_TRIM_MAX_DB (beyond, it stays at the end of that range). It is
 * volatile: 0 after power-on and reset. */
#define LL_CMIS_CAL_TRIM_STEP_DB 0.1
#define LL_CMIS_CAL_TRIM_MIN_DB (-6.0)
#define LL_CMIS_CAL_TRIM_MAX_DB 3.0

guint ll_cmis_cal_trim_address(guint lane);
/* @db rounded to 0.1 dB and clamped to what a signed byte holds. */
guint8 ll_cmis_cal_trim_encode(double db);
double ll_cmis_cal_trim_decode(guint8 raw);
/* The trim the laser control follows for a stored @db. */
double ll_cmis_cal_trim_effective(double db);

G_END_DECLS
