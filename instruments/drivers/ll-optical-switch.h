/* ll-optical-switch.h: the 1xN optical switch class. Driver: scpi-switch
 * (ROUTe<n>:CHANnel style, e.g. Keysight N773x; a dual switch has two
 * sections). Selecting a channel waits until the switch settled and reads
 * the selection back. */
#pragma once

#include "ll-scpi.h"

G_BEGIN_DECLS

typedef struct _LlOpticalSwitch LlOpticalSwitch;

LlOpticalSwitch *ll_optical_switch_open(const char *driver, const char *resource, GError **error);
void ll_optical_switch_close(LlOpticalSwitch *sw);
const LlIdn *ll_optical_switch_idn(LlOpticalSwitch *sw);
LlScpi *ll_optical_switch_scpi(LlOpticalSwitch *sw);
/* Sections (1xN banks) and channels per section, as the instrument reports. */
guint ll_optical_switch_sections(LlOpticalSwitch *sw);
guint ll_optical_switch_channels(LlOpticalSwitch *sw);

/* Sections and channels are 1-based. */
gboolean ll_optical_switch_select(LlOpticalSwitch *sw, guint section, guint channel, GError **error);
gboolean ll_optical_switch_get(LlOpticalSwitch *sw, guint section, guint *channel, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlOpticalSwitch, ll_optical_switch_close)

G_END_DECLS
