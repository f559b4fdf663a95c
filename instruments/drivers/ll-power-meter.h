/* ll-power-meter.h: the optical power meter class. Drivers: thorlabs-pm100
 * (PM100USB/PM100D/PM101, one channel, USB-TMC) and keysight-n774x (N774x
 * multi-channel meters). Model differences are rows of a
 * command table in ll-power-meter.c. Readings are in dBm. */
#pragma once

#include "ll-scpi.h"

G_BEGIN_DECLS

typedef struct _LlPowerMeter LlPowerMeter;

/* Opens the meter at @resource with @driver, asks *IDN? and checks that the
 * instrument is one the driver knows (LL_SCPI_ERROR_PARSE naming what
 * answered otherwise). */
LlPowerMeter *ll_power_meter_open(const char *driver, const char *resource, GError **error);
void ll_power_meter_close(LlPowerMeter *pm);
const LlIdn *ll_power_meter_idn(LlPowerMeter *pm);
LlScpi *ll_power_meter_scpi(LlPowerMeter *pm);
guint ll_power_meter_channels(LlPowerMeter *pm);

/* Channels are 1-based. */
gboolean ll_power_meter_set_wavelength(LlPowerMeter *pm, guint channel, double nm, GError **error);
/* Averaging time per reading, seconds. */
gboolean ll_power_meter_set_averaging(LlPowerMeter *pm, guint channel, double seconds,
                                      GError **error);
/* One reading, dBm. A dark input gives the meter's floor, not an error; an
 * over-range or not-a-number reading is an error (LL_SCPI_ERROR_NOT_A_NUMBER).
 * The channel's unit is asked in the same transaction, after the reading: a
 * meter whose unit is not dBm any more (reset or changed behind the driver)
 * makes the reading LL_SCPI_ERROR_INSTRUMENT, never a value; open the meter
 * again to set it up. @dbm is written only on success. */
gboolean ll_power_meter_read_dbm(LlPowerMeter *pm, guint channel, double *dbm, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlPowerMeter, ll_power_meter_close)

G_END_DECLS
