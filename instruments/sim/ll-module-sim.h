/* ll-module-sim.h: a simulated CMIS module in a fixture: its memory map
 * (lower page and upper pages by bank, checksums, a password-protected
 * vendor page holding monitor calibration coefficients), its state machine
 * with the timing it advertises, its control pins, and monitors that follow
 * the physics of its twin (ll-twin.h). The EVB simulator reaches it through
 * two-wire reads and writes; the bench asks it which lanes emit and receive.
 *
 * Not thread-safe on its own: the bench serializes every call. */
#pragma once

#include "ll-activity.h"
#include "ll-clock.h"
#include "ll-twin.h"

G_BEGIN_DECLS

#define LL_CMIS_TWI_ADDRESS 0x50
/* Vendor page with the monitor calibration: page 0x80 (vendor range),
 * writable after the vendor password is entered at bytes 122-125. */
#define LL_MODULE_CAL_PAGE 0x80
#define LL_MODULE_VENDOR_PASSWORD 0x4C4C3031u /* "LL01" */

typedef struct _LlModuleSim LlModuleSim;

LlModuleSim *ll_module_sim_new(const LlProduct *product, const char *serial, guint64 seed,
                               const LlDefectMix *mix, LlClock *clock);
void ll_module_sim_free(LlModuleSim *m);

const LlTwin *ll_module_sim_twin(LlModuleSim *m);

/* Where the module reports the transitions it makes by itself, each when it
 * ends (or is cut short): management init after reset
 * (LL_ACTIVITY_MODULE_INIT), power-up (LL_ACTIVITY_MODULE_POWER_UP) and each
 * lane's data-path activation (LL_ACTIVITY_DATA_PATH, device "@label lane
 * N"). A transition is seen when the module is next evaluated. @func NULL:
 * none. */
void ll_module_sim_set_activity(LlModuleSim *m, LlActivityFunc func, gpointer data,
                                const char *label);

/* Host side: supply and pins, as the EVB drives them. */
void ll_module_sim_set_supply(LlModuleSim *m, gboolean on, double volts);
void ll_module_sim_set_resetl(LlModuleSim *m, gboolean level); /* FALSE holds it in reset */
void ll_module_sim_set_lpmode(LlModuleSim *m, gboolean level); /* TRUE requests low power */
/* IntL level: FALSE when the module flags an interrupt. */
gboolean ll_module_sim_intl(LlModuleSim *m);
/* Supply current drawn now, A. */
double ll_module_sim_current_a(LlModuleSim *m);
/* Case temperature imposed by the fixture's thermal head (or ambient). */
void ll_module_sim_set_case_temperature(LlModuleSim *m, double celsius);
double ll_module_sim_case_temperature(LlModuleSim *m);

/* Two-wire access at 7-bit address @address. A NACK (no module, wrong
 * address, unpowered, or a flaky bus) returns FALSE. */
gboolean ll_module_sim_twi_read(LlModuleSim *m, guint8 address, guint8 offset, guint8 *buf,
                                gsize len);
gboolean ll_module_sim_twi_write(LlModuleSim *m, guint8 address, guint8 offset,
                                 const guint8 *data, gsize len);

/* What the optics do now. */
gboolean ll_module_sim_lane_emitting(LlModuleSim *m, guint lane);
gboolean ll_module_sim_lane_receiving(LlModuleSim *m, guint lane);
/* The bench tells the module what arrives at each receiver: average power
 * (dBm; -INFINITY for dark), extinction ratio (dB) and pattern, for the RX
 * power monitor, RX LOS and the built-in checker. */
void ll_module_sim_set_rx_input(LlModuleSim *m, guint lane, double avg_dbm, double er_db,
                                const char *pattern);
/* The bench tells the module whether a generator drives a lane's host
 * (electrical) input, and with what pattern: TX LOS is set for an activated
 * lane whose input is not driven. */
void ll_module_sim_set_host_input(LlModuleSim *m, guint lane, gboolean driven,
                                  const char *pattern);

/* For the bench's accounting of BERT gates. The module is evaluated at
 * @when_us instead of its clock's now until called again with -1; @when_us
 * must not go back before a change already made (the bench only moves it
 * forward from where its detectors stopped). */
void ll_module_sim_evaluate_at(LlModuleSim *m, gint64 when_us);
/* The next time the module changes state by itself (power-up done, a data
 * path activated), after the time it was last evaluated at; G_MAXINT64 when
 * nothing is pending. */
gint64 ll_module_sim_next_change_us(LlModuleSim *m);

G_END_DECLS
