/* ll-instrument-class.h: the instrument classes a station uses and the
 * drivers known for each. A station file names both; the class says what the
 * instrument is for (what a sequence's roles ask for), the driver which
 * command set it speaks. Model differences within a family are data inside
 * the driver, not separate drivers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  LL_CLASS_POWER_METER,
  LL_CLASS_ATTENUATOR,
  LL_CLASS_OPTICAL_SWITCH,
  LL_CLASS_BERT,
  LL_CLASS_SCOPE,
  LL_CLASS_EVB,
  LL_CLASS_COUNT
} LlInstrumentClass;

typedef struct {
  const char *name;         /* as written in a station file */
  LlInstrumentClass klass;
  const char *description;  /* the instruments it drives */
} LlDriverInfo;

/* "power-meter", "attenuator", "optical-switch", "bert", "scope", "evb". */
const char *ll_instrument_class_name(LlInstrumentClass klass);
/* FALSE when @name is not a class name. */
gboolean ll_instrument_class_from_name(const char *name, LlInstrumentClass *klass);
/* Every class name, for hints. */
const char *const *ll_instrument_class_names(void);

/* The driver named @name, or NULL. */
const LlDriverInfo *ll_driver_lookup(const char *name);
/* Every driver; *@n receives the count. */
const LlDriverInfo *ll_driver_list(gsize *n);

/* Whether the class's instruments carry a calibration certificate and due
 * date (measuring instruments do; switches and EVBs usually do not). */
gboolean ll_instrument_class_needs_calibration(LlInstrumentClass klass);

G_END_DECLS
