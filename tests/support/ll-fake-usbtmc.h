/* ll-fake-usbtmc.h: a USB-TMC instrument faked with umockdev for tests. The
 * device (/dev/bus/usb/001/NNN with its sysfs entry, descriptors, VID, PID,
 * serial number, manufacturer and product) gets a usbfs emulation: an ioctl
 * handler that takes libusb's URBs, speaks USB-TMC on the bulk pipes and
 * answers the control requests (string descriptors, GET_CAPABILITIES,
 * INITIATE_CLEAR, CHECK_CLEAR_STATUS, the bulk-IN abort pair). The SCPI side is
 * an LlSimDevice, so the usbtmc: transport runs its real libusb code against
 * the simulator; the simulator's own faults (noreply, garbage, delay,
 * oversize, vanish, ...) come through unchanged.
 *
 * On top of those, protocol faults: a wrong bTag in replies, and the device
 * vanishing (pending URBs complete with -ENODEV, every later ioctl fails with
 * ENODEV), which a simulator's vanish fault also triggers. The fake checks
 * what the host sends (header fields, bTag sequence) and counts it.
 *
 * Every fake keeps its state to itself, so several can sit on one testbed
 * (give them distinct devnums). The process must run under umockdev-wrapper
 * (LD_PRELOAD of umockdev). */
#pragma once

#include <umockdev.h>

#include "sim/ll-sim-device.h"

G_BEGIN_DECLS

typedef struct _LlFakeUsbtmc LlFakeUsbtmc;

typedef struct {
  guint devnum;             /* device number on bus 1: /dev/bus/usb/001/NNN, 1..127 */
  guint16 vid, pid;
  const char *serial;       /* USB serial number (string descriptor 3) */
  const char *manufacturer; /* string descriptor 1 */
  const char *product;      /* string descriptor 2 */
  guint max_transfer;       /* most payload bytes per DEV_DEP_MSG_IN; 0: whatever the host asks */
} LlFakeUsbtmcInfo;

typedef enum {
  LL_FAKE_USBTMC_FAULT_NONE,
  LL_FAKE_USBTMC_FAULT_WRONG_BTAG, /* replies carry a bTag other than the one requested */
} LlFakeUsbtmcFault;

/* What the fake has seen the host do. */
typedef struct {
  guint out_transfers;     /* DEV_DEP_MSG_OUT transfers received */
  guint out_eom;           /* ... of which with EOM set */
  guint in_requests;       /* REQUEST_DEV_DEP_MSG_IN received */
  guint in_transfers;      /* DEV_DEP_MSG_IN transfers sent */
  guint zero_packets;      /* zero-length packets sent after a transfer ending on a packet boundary */
  guint initiate_clears;   /* INITIATE_CLEAR requests */
  guint check_clears;      /* CHECK_CLEAR_STATUS requests */
  guint aborts_bulk_in;    /* INITIATE_ABORT_BULK_IN requests */
  guint aborts_succeeded;  /* ... that found the transfer and dropped it */
  guint btag_wraps;        /* times the host's bTag went from 255 to 1 */
  guint host_errors;       /* malformed host messages (see ll_fake_usbtmc_last_host_error()) */
} LlFakeUsbtmcStats;

/* Adds the device to @testbed and starts answering it with @dev (the fake
 * takes ownership of @dev). */
LlFakeUsbtmc *ll_fake_usbtmc_new(UMockdevTestbed *testbed, const LlFakeUsbtmcInfo *info,
                                 LlSimDevice *dev, GError **error);
/* Detaches the handler and removes the device. Close transports first. */
void ll_fake_usbtmc_free(LlFakeUsbtmc *fake);

/* "/dev/bus/usb/001/NNN". */
const char *ll_fake_usbtmc_devnode(LlFakeUsbtmc *fake);
/* "usbtmc:VVVV:PPPP:SERIAL". */
const char *ll_fake_usbtmc_resource(LlFakeUsbtmc *fake);
LlSimDevice *ll_fake_usbtmc_device(LlFakeUsbtmc *fake);

/* Switches a protocol fault on (or off with LL_FAKE_USBTMC_FAULT_NONE). */
void ll_fake_usbtmc_set_fault(LlFakeUsbtmc *fake, LlFakeUsbtmcFault fault);

/* Unplugs the device now, from any thread: URBs in flight complete with
 * -ENODEV, later ioctls fail with ENODEV, and the device leaves sysfs. */
void ll_fake_usbtmc_unplug(LlFakeUsbtmc *fake);
/* TRUE once unplugged (by ll_fake_usbtmc_unplug() or the simulator's vanish
 * fault). */
gboolean ll_fake_usbtmc_is_unplugged(LlFakeUsbtmc *fake);

void ll_fake_usbtmc_get_stats(LlFakeUsbtmc *fake, LlFakeUsbtmcStats *stats);
/* The last malformed host message described, or NULL when none. Free it. */
gchar *ll_fake_usbtmc_last_host_error(LlFakeUsbtmc *fake);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlFakeUsbtmc, ll_fake_usbtmc_free)

G_END_DECLS
