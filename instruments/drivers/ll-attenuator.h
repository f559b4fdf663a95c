/* ll-attenuator.h: the variable optical attenuator class. Driver:
 * keysight-n776x (N7761A/N7762A/N7764A, 8156A). Setting the attenuation waits
 * until the instrument reports it settled (*OPC?) and reads it back. */
#pragma once

#include "ll-scpi.h"

G_BEGIN_DECLS

typedef struct _LlAttenuator LlAttenuator;

LlAttenuator *ll_attenuator_open(const char *driver, const char *resource, GError **error);
void ll_attenuator_close(LlAttenuator *att);
const LlIdn *ll_attenuator_idn(LlAttenuator *att);
LlScpi *ll_attenuator_scpi(LlAttenuator *att);
guint ll_attenuator_channels(LlAttenuator *att);

gboolean ll_attenuator_set_wavelength(LlAttenuator *att, guint channel, double nm, GError **error);
/* Sets @db, waits for it to settle, and checks the read-back is within 0.01 dB. */
gboolean ll_attenuator_set_db(LlAttenuator *att, guint channel, double db, GError **error);
gboolean ll_attenuator_get_db(LlAttenuator *att, guint channel, double *db, GError **error);
gboolean ll_attenuator_set_output(LlAttenuator *att, guint channel, gboolean on, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlAttenuator, ll_attenuator_close)

G_END_DECLS
