/* ll-fake-serial.h: a serial instrument faked with umockdev for tests. The
 * port (e.g. /dev/ttyACM0, a USB CDC-ACM device with its VID, PID, serial
 * number, manufacturer and product in the fake sysfs) is a pty whose other end
 * is played by an LlSimDevice on a responder thread, so libserialport and the
 * serial transport run their real code against a simulator. The modem-control
 * ioctls a pty rejects (TIOCM*) are answered by an ioctl handler.
 *
 * The process must run under umockdev-wrapper (LD_PRELOAD of umockdev). */
#pragma once

#include <umockdev.h>

#include "sim/ll-sim-device.h"

G_BEGIN_DECLS

typedef struct _LlFakeSerial LlFakeSerial;

typedef struct {
  const char *name;         /* "ttyACM0" */
  guint16 vid, pid;
  const char *serial;       /* USB serial number */
  const char *manufacturer;
  const char *product;
  guint usb_port;           /* hub port, distinct per device: 1-N in sysfs */
} LlFakeSerialInfo;

/* Adds the port to @testbed and starts answering it with @dev (the fake
 * takes ownership of @dev). */
LlFakeSerial *ll_fake_serial_new(UMockdevTestbed *testbed, const LlFakeSerialInfo *info,
                                 LlSimDevice *dev, GError **error);
/* Stops the responder and removes the port. */
void ll_fake_serial_free(LlFakeSerial *fake);

/* "/dev/ttyACM0". */
const char *ll_fake_serial_path(LlFakeSerial *fake);
LlSimDevice *ll_fake_serial_device(LlFakeSerial *fake);

/* Unplugs the device now: the tty hangs up and the port leaves sysfs. */
void ll_fake_serial_unplug(LlFakeSerial *fake);

/* Writes raw bytes to the host as if the instrument sent them (to inject a
 * late reply or line noise). */
void ll_fake_serial_inject(LlFakeSerial *fake, const char *bytes, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlFakeSerial, ll_fake_serial_free)

G_END_DECLS
