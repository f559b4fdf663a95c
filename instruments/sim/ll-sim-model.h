/* ll-sim-model.h: how a simulator model is written. A model is data: its
 * identity and a table of SCPI commands, each with a handler. The device core
 * (ll-sim-device.c) parses lines into commands, matches headers in SCPI's
 * long and short forms, runs the IEEE 488.2 common commands and the error
 * queue, applies faults and timing; a model handles only its own commands. */
#pragma once

#include "ll-activity.h"
#include "ll-sim-device.h"

G_BEGIN_DECLS

#define LL_SIM_MAX_SUFFIXES 4

typedef struct {
  const char *header;  /* the header as sent, e.g. "SENS2:POW:WAV" */
  const char *args;    /* the argument text after the header, stripped ("" if none) */
  gboolean query;      /* header ended with '?' */
  guint suffix[LL_SIM_MAX_SUFFIXES]; /* numeric suffixes where the pattern has '#', default 1 */
} LlSimCall;

typedef void (*LlSimHandler)(LlSimDevice *dev, gpointer state, const LlSimCall *call,
                             GString *reply);

typedef struct {
  /* Canonical header: upper case is the short form, lower case the rest of
   * the long form, '#' an optional numeric suffix, "[...]" an optional node,
   * a trailing '?' a query, e.g. "SENSe#:POWer:WAVelength?". */
  const char *pattern;
  LlSimHandler handler;
} LlSimCommand;

typedef struct {
  const char *name;       /* as in sim:NAME */
  const char *maker;      /* *IDN? fields */
  const char *model;
  const char *firmware;
  const char *serial;     /* default serial number */
  gsize state_size;
  /* Options the model accepts besides the common ones (fault, after, delay,
   * serial, seed); NULL-terminated, may be NULL. */
  const char *const *options;
  /* Sets up @state from @options (may be NULL); FALSE with @error set when
   * an option is bad. May be NULL. */
  gboolean (*init)(LlSimDevice *dev, gpointer state, GHashTable *options, GError **error);
  void (*reset)(LlSimDevice *dev, gpointer state); /* *RST; may be NULL */
  void (*finalize)(gpointer state);                /* may be NULL */
  const LlSimCommand *commands; /* terminated by { NULL, NULL } */
} LlSimModel;

/* Matches an SCPI @header (as sent) against a canonical @pattern; fills
 * @suffix (may be NULL) with numeric suffixes. Case-insensitive. */
gboolean ll_sim_header_match(const char *pattern, const char *header, guint *suffix);

/* For handlers: queue an SCPI error (code, message) in the device's queue. */
void ll_sim_device_push_error(LlSimDevice *dev, int code, const char *message);
/* For handlers: the operation just executed keeps the device busy for
 * @duration_us: replies queued after it (and *OPC?) wait for it. The busy
 * stretch (from when the device is free, for @duration_us) is reported as an
 * activity of @kind to the device's activity function, if any. */
void ll_sim_device_busy(LlSimDevice *dev, gint64 duration_us, LlActivityKind kind);
/* For init: where the device reports its busy time (ll_bench_attach() sets
 * the bench's activity log); @func gets the device as "MODEL SERIAL". Not
 * thread-safe: call before the device is used. */
void ll_sim_device_set_activity(LlSimDevice *dev, LlActivityFunc func, gpointer data);
/* For init: the clock replies are timed on (a bench model uses its bench's). */
void ll_sim_device_set_clock(LlSimDevice *dev, LlClock *clock);
/* For handlers: the current time on the device's clock. */
gint64 ll_sim_device_now(LlSimDevice *dev);

/* For handlers: parse a numeric argument; pushes -104 "Data type error" and
 * returns FALSE when @args is not a number. */
gboolean ll_sim_arg_double(LlSimDevice *dev, const char *args, double *out);
/* A boolean argument: ON, OFF (any case), 1 or 0. FALSE, *@out untouched,
 * for anything else. */
gboolean ll_sim_parse_bool(const char *args, gboolean *out);
/* For handlers: ll_sim_parse_bool(), pushing -224 "Illegal parameter value"
 * when @args is not a boolean. */
gboolean ll_sim_arg_bool(LlSimDevice *dev, const char *args, gboolean *out);

/* For models: a standard normal deviate drawn from @rand (Box-Muller; two
 * draws from @rand each time), the one source of normal noise and
 * variation of the simulators. */
double ll_sim_gauss(GRand *rand);

/* The model table, defined in ll-sim-models.c. */
const LlSimModel *ll_sim_model_lookup(const char *name);
/* Comma-separated names of every model, for error messages. */
gchar *ll_sim_model_names(void);

G_END_DECLS
