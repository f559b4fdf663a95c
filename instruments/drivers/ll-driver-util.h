/* ll-driver-util.h: what the table-driven drivers share: the argument error
 * they give before sending anything, the channel check, and finding the
 * model row that matches an *IDN? answer. Private to instruments/drivers. */
#pragma once

#include "ll-scpi.h"

G_BEGIN_DECLS

/* One model a driver accepts; @channels is 0 when the instrument reports
 * its own count. Arrays end with { NULL, 0 }. */
typedef struct {
  const char *model;
  guint channels;
} LlDriverModel;

/* Sets G_IO_ERROR_INVALID_ARGUMENT with the message; returns FALSE. */
gboolean ll_driver_invalid(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* TRUE when @channel is 1..@channels; else the argument error naming the
 * instrument. */
gboolean ll_driver_channel_ok(LlScpi *scpi, const LlIdn *idn, guint channels, guint channel,
                              GError **error);

/* The row of @models whose model is @idn's, when @idn's maker is one of
 * @makers (both case-insensitive). NULL with LL_SCPI_ERROR_PARSE naming what
 * answered, @what the driver expects ("power meter") and the models @driver
 * knows. */
const LlDriverModel *ll_driver_identify(LlScpi *scpi, const LlIdn *idn, const char *const *makers,
                                        const LlDriverModel *models, const char *what,
                                        const char *driver, GError **error);

G_END_DECLS
