/* ll-scope.h: the sampling scope class, for PAM4 transmitter eye
 * measurements. Driver: keysight-flexdca (N1092 / 86100D through FlexDCA;
 * command set in ll-scope.c).
 * A measurement acquires the pattern on the selected channel, waits for the
 * acquisition (*OPC?), then reads TDECQ, outer OMA, outer extinction ratio
 * and average power, each with its unit read back in the same transaction.
 * A measurement the scope cannot make (no signal, no pattern lock), or one
 * in another unit than the driver set, is an error, never a number. One LlScope may be shared by
 * threads: each call is one transaction on the session. */
#pragma once

#include "ll-scpi.h"

G_BEGIN_DECLS

#define LL_SCOPE_ERROR (ll_scope_error_quark())
GQuark ll_scope_error_quark(void);

typedef enum {
  LL_SCOPE_ERROR_DRIVER,   /* the driver name is not a scope driver */
  LL_SCOPE_ERROR_MODEL,    /* the instrument that answered is not one the driver knows */
  LL_SCOPE_ERROR_ARGUMENT, /* a channel the scope does not have: nothing was sent */
} LlScopeError;

typedef struct _LlScope LlScope;

typedef struct {
  double tdecq_db;
  double oma_dbm;   /* outer OMA */
  double er_db;     /* outer extinction ratio */
  double avg_dbm;   /* average power */
} LlEyeResult;

/* Opens the scope at @resource with @driver ("keysight-flexdca"), asks
 * *IDN?, checks it is a mainframe the driver knows (LL_SCOPE_ERROR_MODEL
 * otherwise), and sets it up for PAM4 eye measurements: pattern lock on,
 * powers in dBm, ER in dB, channel 1 selected. NULL with @error set on
 * failure. */
LlScope *ll_scope_open(const char *driver, const char *resource, GError **error);
/* Closes the session. NULL is ignored. */
void ll_scope_close(LlScope *scope);
/* The *IDN? fields read at open; owned by @scope. */
const LlIdn *ll_scope_idn(LlScope *scope);
/* The session, for what the class does not cover; owned by @scope. */
LlScpi *ll_scope_scpi(LlScope *scope);
/* Number of optical channels of the mainframe (1-based in the calls below). */
guint ll_scope_channels(LlScope *scope);
/* The channel's name on the instrument ("1A", "2A", ...); NULL when
 * @channel does not exist. */
const char *ll_scope_channel_name(LlScope *scope, guint channel);

/* Displays @channel and makes it the source of every eye measurement. */
gboolean ll_scope_select_channel(LlScope *scope, guint channel, GError **error);
/* Acquires and measures; @timeout_ms bounds the acquisition. A result the
 * scope could not measure is LL_SCPI_ERROR_NOT_A_NUMBER naming it. Each
 * result's unit is asked in the same transaction: a unit other than the one
 * set at open (dBm, dB; the scope was reset or changed behind the driver) is
 * LL_SCPI_ERROR_INSTRUMENT, never a value. @result is written only when all
 * four were measured in their units. */
gboolean ll_scope_measure_eye(LlScope *scope, guint timeout_ms, LlEyeResult *result, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlScope, ll_scope_close)

G_END_DECLS
