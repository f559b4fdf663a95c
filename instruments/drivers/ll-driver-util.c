/* ll-driver-util.c: see ll-driver-util.h. */
#include "ll-driver-util.h"

#include <gio/gio.h>
#include <stdarg.h>

gboolean
ll_driver_invalid(GError **error, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_autofree gchar *msg = g_strdup_vprintf(format, ap);
  va_end(ap);
  g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, msg);
  return FALSE;
}

gboolean
ll_driver_channel_ok(LlScpi *scpi, const LlIdn *idn, guint channels, guint channel, GError **error)
{
  if (channel >= 1 && channel <= channels)
    return TRUE;
  return ll_driver_invalid(error, "%s: channel %u: the %s %s has %u channel%s",
                           ll_scpi_get_resource(scpi), channel, idn->maker, idn->model, channels,
                           channels == 1 ? "" : "s");
}

const LlDriverModel *
ll_driver_identify(LlScpi *scpi, const LlIdn *idn, const char *const *makers,
                   const LlDriverModel *models, const char *what, const char *driver,
                   GError **error)
{
  gboolean maker_ok = FALSE;
  for (const char *const *m = makers; *m; m++)
    maker_ok |= g_ascii_strcasecmp(*m, idn->maker) == 0;
  for (const LlDriverModel *m = models; maker_ok && m->model; m++)
    if (g_ascii_strcasecmp(m->model, idn->model) == 0)
      return m;
  g_autoptr(GString) known = g_string_new(NULL);
  for (const LlDriverModel *m = models; m->model; m++)
    g_string_append_printf(known, "%s%s", known->len ? ", " : "", m->model);
  g_set_error(error, LL_SCPI_ERROR, LL_SCPI_ERROR_PARSE,
              "%s: the instrument is a %s %s, not a %s (driver %s knows %s)",
              ll_scpi_get_resource(scpi), idn->maker, idn->model, what, driver, known->str);
  return NULL;
}
