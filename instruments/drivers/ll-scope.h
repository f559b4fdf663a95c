/* ll-scope.h: the sampling scope class, for PAM4 transmitter eye
 * measurements. Driver: keysight-flexdca (N1092 / 86100D through FlexDCA).
 * A measurement acquires the pattern on the selected channel, waits for the
 * acquisition (*OPC?), then reads TDECQ, outer OMA, outer extinction ratio
 * and average power. A measurement the scope cannot make (no signal, no
 * pattern lock) is an error, never a number. */
#pragma once

#include "ll-scpi.h"

G_BEGIN_DECLS

typedef struct _LlScope LlScope;

typedef struct {
  double tdecq_db;
  double oma_dbm;   /* outer OMA */
  double er_db;     /* outer extinction ratio */
  double avg_dbm;   /* average power */
} LlEyeResult;

LlScope *ll_scope_open(const char *driver, const char *resource, GError **error);
void ll_scope_close(LlScope *scope);
const LlIdn *ll_scope_idn(LlScope *scope);
LlScpi *ll_scope_scpi(LlScope *scope);

gboolean ll_scope_select_channel(LlScope *scope, guint channel, GError **error);
/* Acquires and measures; @timeout_ms bounds the acquisition. */
gboolean ll_scope_measure_eye(LlScope *scope, guint timeout_ms, LlEyeResult *result, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlScope, ll_scope_close)

G_END_DECLS
