/* ll-sim-device.h: a simulated instrument seen from outside as a byte
 * stream, exactly as a real one is seen through a serial port, a USB-TMC pipe
 * or a socket. The station writes command bytes in; complete lines are
 * executed by the device's model; replies come out after the time the model
 * says the operation takes. Lines end with the device's terminator in both
 * directions: LF unless set (ll_sim_device_set_terminator(); a `sim:`
 * resource's term= option sets it).
 *
 * The same device answers the in-process `sim:` transport and the fake
 * devices that umockdev puts behind libserialport and libusb in tests, so the
 * real transport code paths run against the simulator.
 *
 * Faults on demand come from options (resource string `sim:NAME?fault=...`):
 *   fault=none|noreply|garbage|error|oversize|vanish
 *   after=N       the fault starts after N commands have been executed (default 0)
 *   delay=MS      every reply is ready MS milliseconds late (slow instrument)
 *   serial=TEXT   the serial number in *IDN?
 * noreply: queries are executed but never answered; garbage: replies are
 * replaced by random bytes; error: each command also leaves an error in the
 * SCPI error queue; oversize: replies are padded past any sane bound; vanish:
 * the device disconnects.
 *
 * Every model answers the IEEE 488.2 common commands the core implements:
 * *IDN?, *RST, *CLS, *OPC, *OPC?, *WAI, *ESE <0..255> / *ESE? (the event
 * status enable register, kept over *RST and *CLS), *ESR?, *STB?, and
 * SYSTem:ERRor[:NEXT]? / SYSTem:ERRor:COUNt?.
 *
 * Thread-safe: umockdev's handler thread and the station may call at once. */
#pragma once

#include <glib.h>

#include "ll-clock.h"

G_BEGIN_DECLS

#define LL_SIM_ERROR (ll_sim_error_quark())
GQuark ll_sim_error_quark(void);

typedef enum {
  LL_SIM_ERROR_UNKNOWN_MODEL,
  LL_SIM_ERROR_OPTION,
} LlSimError;

typedef struct _LlSimDevice LlSimDevice;

/* Checks, without creating anything, that @model names a simulator model.
 * FALSE with @error set (LL_SIM_ERROR_UNKNOWN_MODEL) otherwise. */
gboolean ll_sim_check_model(const char *model, GError **error);
/* Checks one option of a @model device without creating anything (no side
 * effects: a bench model looks its bench up only when a device is created):
 * @key must be a common option (fault, after, delay, serial, seed) or one in
 * the model's options list, and the value of a common option must be valid.
 * Model-specific values are judged only by ll_sim_device_new(). FALSE with
 * @error set (LL_SIM_ERROR_OPTION, or UNKNOWN_MODEL) otherwise; *@bad_value
 * (optional) tells whether the value, not the key, is wrong. */
gboolean ll_sim_check_option(const char *model, const char *key, const char *value,
                             gboolean *bad_value, GError **error);

/* Creates a device of @model ("scpi", ...) with @options (may be NULL;
 * string -> string). Unknown models or options are an error (the checks
 * above, then the model's own). @clock may be NULL for real time. */
LlSimDevice *ll_sim_device_new(const char *model, GHashTable *options, LlClock *clock,
                               GError **error);
/* Creates the device a "sim:NAME?options" resource string names, with the
 * string's terminator (term=); the other options the transport uses, such as
 * timeout, are not the device's and are ignored. */
LlSimDevice *ll_sim_device_open(const char *resource, LlClock *clock, GError **error);
void ll_sim_device_free(LlSimDevice *dev);

/* The line terminator for both directions: "\n", "\r" or "\r\n" (as in
 * LlResource.term). Input lines end at its last byte (with "\n" and "\r\n"
 * a CR before the LF is dropped); every reply ends with it. */
void ll_sim_device_set_terminator(LlSimDevice *dev, const char *term);

/* Host -> device bytes. Complete lines (see ll_sim_device_set_terminator())
 * are executed at once. @eom marks the end of a message on message-based
 * transports: a final line without terminator is then executed too. */
void ll_sim_device_write(LlSimDevice *dev, const guint8 *data, gsize len, gboolean eom);

/* Device -> host bytes that are ready now, at most @max. Never blocks.
 * Returns 0 when nothing is ready. */
gsize ll_sim_device_read(LlSimDevice *dev, guint8 *buf, gsize max);

/* When the next reply byte will be ready: G_MAXINT64 when no reply is
 * pending, a time <= now when bytes can be read. */
gint64 ll_sim_device_ready_at(LlSimDevice *dev);

/* Waits on the device's clock until a reply is ready, the device vanishes or
 * @deadline_us passes. Returns TRUE when bytes are ready. */
gboolean ll_sim_device_wait(LlSimDevice *dev, gint64 deadline_us);

/* Device clear (USB-TMC INITIATE_CLEAR, IEEE 488 SDC): drops partial input
 * and every pending reply. */
void ll_sim_device_clear(LlSimDevice *dev);

/* TRUE once a vanish fault has fired. */
gboolean ll_sim_device_is_gone(LlSimDevice *dev);

/* The identity string the device answers to *IDN? (without terminator). */
const char *ll_sim_device_idn(LlSimDevice *dev);

LlClock *ll_sim_device_get_clock(LlSimDevice *dev);

/* Counts executed command lines (for tests that check what was sent). */
guint ll_sim_device_command_count(LlSimDevice *dev);
/* The last command line executed, or NULL. */
gchar *ll_sim_device_last_command(LlSimDevice *dev);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlSimDevice, ll_sim_device_free)

G_END_DECLS
