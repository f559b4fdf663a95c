/* ll-gui-serial.c: see ll-gui-serial.h. The products share the plant's
 * label: LL, the two-digit year, the line letter, a 4- or 5-digit number
 * (LL26A0001 in examples/sim-station.ini, LL26D00001 from the demo); a
 * product that gets its own label gets its own row here. */
#include "ll-gui-serial.h"
#include "ll-gui-runner.h"

#define PLANT_PATTERN "LL[0-9]{2}[A-Z][0-9]{4,5}"
#define PLANT_DESCRIPTION "LL, two digits of the year, a letter, then 4 or 5 digits"

static const LlGuiSerialFormat formats[] = {
  { "800G-DR8", PLANT_PATTERN, PLANT_DESCRIPTION, "LL26A0001" },
  { "800G-DR8-LPO", PLANT_PATTERN, PLANT_DESCRIPTION, "LL26L0001" },
  { "800G-2xFR4", PLANT_PATTERN, PLANT_DESCRIPTION, "LL26F0001" },
  { "1.6T-DR8", PLANT_PATTERN, PLANT_DESCRIPTION, "LL26T0001" },
};

static const LlGuiSerialFormat plant = { NULL, PLANT_PATTERN, PLANT_DESCRIPTION, "LL26A0001" };

const LlGuiSerialFormat *
ll_gui_serial_format(const char *product)
{
  for (gsize i = 0; product && i < G_N_ELEMENTS(formats); i++)
    if (g_ascii_strcasecmp(formats[i].product, product) == 0)
      return &formats[i];
  return &plant;
}

gboolean
ll_gui_serial_check(const char *pattern, const char *description, const char *example,
                    const char *serial, GError **error)
{
  g_autoptr(GError) err = NULL;
  g_autofree gchar *anchored = g_strdup_printf("^(?:%s)$", pattern);
  g_autoptr(GRegex) re = g_regex_new(anchored, 0, 0, &err);
  if (!re) {
    g_set_error(error, LL_GUI_ERROR, LL_GUI_ERROR_INPUT, "the serial pattern '%s' is not a "
                "regular expression: %s", pattern, err->message);
    return FALSE;
  }
  if (!*serial) {
    g_set_error(error, LL_GUI_ERROR, LL_GUI_ERROR_SERIAL, "scan the unit's serial number first");
    return FALSE;
  }
  if (g_regex_match(re, serial, 0, NULL))
    return TRUE;
  g_set_error(error, LL_GUI_ERROR, LL_GUI_ERROR_SERIAL, "'%s' is not a serial number of this "
              "product%s%s%s%s%s: scan the label again", serial,
              description ? " (" : "", description ? description : "",
              example ? ", e.g. " : "", example ? example : "", description ? ")" : "");
  return FALSE;
}
