/* ll-instrument-class.c: the class and driver tables (see ll-instrument-class.h). */
#include "ll-instrument-class.h"

static const char *const class_names[LL_CLASS_COUNT + 1] = {
  [LL_CLASS_POWER_METER] = "power-meter",
  [LL_CLASS_ATTENUATOR] = "attenuator",
  [LL_CLASS_OPTICAL_SWITCH] = "optical-switch",
  [LL_CLASS_BERT] = "bert",
  [LL_CLASS_SCOPE] = "scope",
  [LL_CLASS_EVB] = "evb",
  [LL_CLASS_COUNT] = NULL,
};

static const LlDriverInfo drivers[] = {
  { "thorlabs-pm100", LL_CLASS_POWER_METER, "Thorlabs PM100USB / PM100D / PM101 (single channel)" },
  { "keysight-n774x", LL_CLASS_POWER_METER, "Keysight N7744A / N7745A / N7747A / N7748A (multi-channel)" },
  { "keysight-n776x", LL_CLASS_ATTENUATOR, "Keysight N7761A / N7762A / N7764A, 8156A" },
  { "scpi-switch", LL_CLASS_OPTICAL_SWITCH, "1xN optical switches with ROUTe:CHANnel SCPI (Keysight N773x, DiCon)" },
  { "anritsu-mp1900", LL_CLASS_BERT, "Anritsu MP1900A PAM4 pattern generator and error detector" },
  { "keysight-flexdca", LL_CLASS_SCOPE, "Keysight N1092 / 86100D sampling scopes through FlexDCA" },
  { "lightline-evb", LL_CLASS_EVB, "module evaluation boards speaking the Lightline EVB protocol" },
};

const char *
ll_instrument_class_name(LlInstrumentClass klass)
{
  return klass < LL_CLASS_COUNT ? class_names[klass] : "?";
}

gboolean
ll_instrument_class_from_name(const char *name, LlInstrumentClass *klass)
{
  for (int i = 0; i < LL_CLASS_COUNT; i++)
    if (g_str_equal(name, class_names[i])) {
      *klass = (LlInstrumentClass) i;
      return TRUE;
    }
  return FALSE;
}

const char *const *
ll_instrument_class_names(void)
{
  return class_names;
}

const LlDriverInfo *
ll_driver_lookup(const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(drivers); i++)
    if (g_str_equal(drivers[i].name, name))
      return &drivers[i];
  return NULL;
}

const LlDriverInfo *
ll_driver_list(gsize *n)
{
  *n = G_N_ELEMENTS(drivers);
  return drivers;
}

gboolean
ll_instrument_class_needs_calibration(LlInstrumentClass klass)
{
  return klass == LL_CLASS_POWER_METER || klass == LL_CLASS_ATTENUATOR || klass == LL_CLASS_BERT ||
         klass == LL_CLASS_SCOPE;
}
