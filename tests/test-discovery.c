/* test-discovery.c: instrument discovery (instruments/ll-discovery.c)
 * through the real libserialport and libusb against the station faked by
 * tests/data/bench.umockdev. Runs under umockdev-wrapper.
 *
 * The bench (umockdev files cannot hold comments, so it is described here):
 *   bus 1 (xHCI root hub usb1)
 *     1-1    dev 2  0483:5740 CDC-ACM evaluation board -> /dev/ttyACM0
 *     1-2    dev 3  0403:6001 FTDI FT232R adapter       -> /dev/ttyUSB0
 *     1-3    dev 4  05e3:0608 USB 2.0 hub (no serial, no manufacturer)
 *     1-3.1  dev 6  0483:df11 STM32 in its DFU bootloader (FE/01/02): not USB-TMC
 *     1-3.2  dev 5  1313:8072 Thorlabs PM100USB: USB-TMC (FE/03/01) + DFU (FE/01/01)
 *     1-4    dev 7  0957:1234 Keysight-style USB-TMC (FE/03/01)
 *   bus 2 (SuperSpeed root hub usb2)
 *     2-1    dev 2  0781:5583 SanDisk USB stick (mass storage): not USB-TMC
 *   /dev/ttyS0: a 16550 on the PnP bus (a native port)
 *   /dev/ttyS1: a phantom serial8250 port (libserialport skips it)
 *
 * Checks: every field of every serial port and USB-TMC device; the strings
 * come from sysfs without opening the device (a device that cannot be opened
 * still shows them, a device that would answer different strings is not
 * asked); string descriptors are used only when sysfs lacks them; resource
 * strings parse back to the device; an empty machine gives empty lists. */
#include "ll-discovery.h"
#include "ll-resource.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libusb.h>
#include <linux/usbdevice_fs.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <umockdev.h>

#define PM100_SYSFS "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3.2"
#define PM100_NODE "/dev/bus/usb/001/005"
#define KEYSIGHT_SYSFS "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4"
#define KEYSIGHT_NODE "/dev/bus/usb/001/007"

typedef struct {
  UMockdevTestbed *testbed;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  f->testbed = umockdev_testbed_new();
  g_assert_true(umockdev_in_mock_environment());
  if (GPOINTER_TO_INT(data))
    return; /* an empty machine */
  const char *dir = g_getenv("LL_TEST_DATA");
  g_assert_nonnull(dir);
  g_autofree gchar *path = g_build_filename(dir, "bench.umockdev", NULL);
  g_autoptr(GError) err = NULL;
  g_assert_true(umockdev_testbed_add_from_file(f->testbed, path, &err));
  g_assert_no_error(err);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  g_object_unref(f->testbed);
}

/* The real path inside the testbed of @path ("/dev/..." or "/sys/..."). */
static gchar *
testbed_path(Fixture *f, const char *path)
{
  g_autofree gchar *root = umockdev_testbed_get_root_dir(f->testbed);
  return g_build_filename(root, path, NULL);
}

/* Makes the usbfs node @node impossible to open (as without permission; the
 * tests run as root, so a mode would not stop them): it becomes a directory. */
static void
make_unopenable(Fixture *f, const char *node)
{
  g_autofree gchar *real = testbed_path(f, node);
  g_assert_cmpint(g_unlink(real), ==, 0);
  g_assert_cmpint(g_mkdir(real, 0755), ==, 0);
}

/* Removes the sysfs attribute @name of the device at @sysfs. */
static void
remove_attr(Fixture *f, const char *sysfs, const char *name)
{
  g_autofree gchar *dir = testbed_path(f, sysfs);
  g_autofree gchar *real = g_build_filename(dir, name, NULL);
  g_assert_cmpint(g_unlink(real), ==, 0);
}

/* libusb_open() on the device at @bus / @address, as discovery would do it. */
static int
try_open(guint bus, guint address)
{
  libusb_context *ctx = NULL;
  g_assert_cmpint(libusb_init(&ctx), ==, LIBUSB_SUCCESS);
  libusb_device **devs = NULL;
  ssize_t n = libusb_get_device_list(ctx, &devs);
  int r = LIBUSB_ERROR_NOT_FOUND;
  for (ssize_t i = 0; i < n; i++) {
    if (libusb_get_bus_number(devs[i]) == bus && libusb_get_device_address(devs[i]) == address) {
      libusb_device_handle *h = NULL;
      r = libusb_open(devs[i], &h);
      if (r == LIBUSB_SUCCESS)
        libusb_close(h);
    }
  }
  libusb_free_device_list(devs, 1);
  libusb_exit(ctx);
  return r;
}

/* --- a device that answers string descriptors over usbfs ----------------- */

typedef struct {
  UMockdevIoctlData *urb, *buffer;
} PendingUrb;

typedef struct {
  const char *strings[4]; /* by descriptor index; [0] unused (language list) */
  gint ioctls;            /* every ioctl seen: 0 means the device was never opened */
  gint string_requests;
  GList *done;            /* completed URBs waiting to be reaped */
} FakeUsb;

/* Answers a control transfer; returns the data length or -errno (stall). */
static int
fake_control(FakeUsb *u, guint8 *b, guint32 buffer_length)
{
  guint8 type = b[0], req = b[1];
  guint val = b[2] | b[3] << 8;
  guint len = MIN(b[6] | b[7] << 8, buffer_length - 8);
  guint8 *d = b + 8;
  guint8 reply[255];
  guint n;
  if (type != 0x80 || req != LIBUSB_REQUEST_GET_DESCRIPTOR || (val >> 8) != LIBUSB_DT_STRING)
    return -EPIPE;
  guint idx = val & 0xff;
  if (idx == 0) {
    reply[0] = 4, reply[1] = LIBUSB_DT_STRING, reply[2] = 0x09, reply[3] = 0x04;
    n = 4;
  } else if (idx < G_N_ELEMENTS(u->strings) && u->strings[idx]) {
    glong count = 0;
    g_autofree gunichar2 *s = g_utf8_to_utf16(u->strings[idx], -1, NULL, &count, NULL);
    g_assert_nonnull(s);
    g_assert_cmpint(count, <=, 126);
    reply[0] = (guint8) (2 + 2 * count), reply[1] = LIBUSB_DT_STRING;
    for (glong i = 0; i < count; i++) {
      reply[2 + 2 * i] = s[i] & 0xff;
      reply[3 + 2 * i] = s[i] >> 8;
    }
    n = reply[0];
    g_atomic_int_inc(&u->string_requests);
  } else {
    return -EPIPE;
  }
  n = MIN(n, len);
  memcpy(d, reply, n);
  return (int) n;
}

static gboolean
on_usb_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *c, gpointer user_data)
{
  FakeUsb *u = user_data;
  gulong req = umockdev_ioctl_client_get_request(c);
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);
  g_autoptr(GError) err = NULL;
  g_atomic_int_inc(&u->ioctls);
  switch (req) {
  case USBDEVFS_GET_CAPABILITIES: {
    UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), &err);
    g_assert_no_error(err);
    *(guint32 *) d->data = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
                           USBDEVFS_CAP_NO_PACKET_SIZE_LIM;
    g_object_unref(d);
    umockdev_ioctl_client_complete(c, 0, 0);
    return TRUE;
  }
  case USBDEVFS_SUBMITURB: {
    PendingUrb *p = g_new0(PendingUrb, 1);
    p->urb = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), &err);
    g_assert_no_error(err);
    struct usbdevfs_urb *urb = (struct usbdevfs_urb *) p->urb->data;
    p->buffer = umockdev_ioctl_data_resolve(p->urb, offsetof(struct usbdevfs_urb, buffer),
                                            (gsize) urb->buffer_length, &err);
    g_assert_no_error(err);
    int r = urb->type == USBDEVFS_URB_TYPE_CONTROL && urb->buffer_length >= 8
              ? fake_control(u, p->buffer->data, (guint32) urb->buffer_length)
              : -EPIPE;
    urb->status = r < 0 ? r : 0;
    urb->actual_length = r < 0 ? 0 : r;
    u->done = g_list_append(u->done, p);
    umockdev_ioctl_client_complete(c, 0, 0);
    return TRUE;
  }
  case USBDEVFS_REAPURB:
  case USBDEVFS_REAPURBNDELAY: {
    if (!u->done) {
      umockdev_ioctl_client_complete(c, -1, EAGAIN);
      return TRUE;
    }
    PendingUrb *p = u->done->data;
    u->done = g_list_delete_link(u->done, u->done);
    UMockdevIoctlData *ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), &err);
    g_assert_no_error(err);
    umockdev_ioctl_data_set_ptr(ptr, 0, p->urb);
    g_object_unref(ptr);
    g_object_unref(p->buffer);
    g_object_unref(p->urb);
    g_free(p);
    umockdev_ioctl_client_complete(c, 0, 0);
    return TRUE;
  }
  case USBDEVFS_DISCARDURB:
    umockdev_ioctl_client_complete(c, -1, EINVAL);
    return TRUE;
  case USBDEVFS_GETDRIVER:
    umockdev_ioctl_client_complete(c, -1, ENODATA);
    return TRUE;
  default:
    umockdev_ioctl_client_complete(c, -1, ENOTTY);
    return TRUE;
  }
}

static UMockdevIoctlBase *
attach_fake_usb(Fixture *f, const char *node, FakeUsb *u)
{
  UMockdevIoctlBase *h = umockdev_ioctl_base_new();
  g_signal_connect(h, "handle-ioctl", G_CALLBACK(on_usb_ioctl), u);
  g_autoptr(GError) err = NULL;
  g_assert_true(umockdev_testbed_attach_ioctl(f->testbed, node, h, &err));
  g_assert_no_error(err);
  return h;
}

static void
detach_fake_usb(Fixture *f, const char *node, UMockdevIoctlBase *h, FakeUsb *u)
{
  g_assert_true(umockdev_testbed_detach_ioctl(f->testbed, node, NULL));
  g_object_unref(h);
  g_assert_null(u->done);
}

/* --- checks --------------------------------------------------------------- */

static void
assert_serial_resource(const LlSerialPortInfo *p)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlResource) res = ll_resource_parse(p->resource, NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpint(res->kind, ==, LL_RESOURCE_SERIAL);
  g_assert_cmpstr(res->path, ==, p->port);
}

static void
assert_usbtmc_resource(const LlUsbtmcInfo *d, const char *expected)
{
  g_assert_cmpstr(d->resource, ==, expected);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlResource) res = ll_resource_parse(d->resource, NULL, &err);
  g_assert_no_error(err);
  g_assert_cmpint(res->kind, ==, LL_RESOURCE_USBTMC);
  g_assert_cmpuint(res->vid, ==, d->vid);
  g_assert_cmpuint(res->pid, ==, d->pid);
}

static void
assert_pm100(const LlUsbtmcInfo *d)
{
  g_assert_cmpuint(d->bus, ==, 1);
  g_assert_cmpuint(d->address, ==, 5);
  g_assert_cmpstr(d->port_path, ==, "1-3.2");
  g_assert_cmpuint(d->vid, ==, 0x1313);
  g_assert_cmpuint(d->pid, ==, 0x8072);
  g_assert_cmpuint(d->interface_number, ==, 0);
  g_assert_cmpuint(d->interface_protocol, ==, 1);
  g_assert_cmpstr(d->manufacturer, ==, "Thorlabs");
  g_assert_cmpstr(d->product, ==, "PM100USB");
  g_assert_cmpstr(d->serial, ==, "P2001234");
  assert_usbtmc_resource(d, "usbtmc:1313:8072:P2001234");
}

static void
assert_keysight(const LlUsbtmcInfo *d)
{
  g_assert_cmpuint(d->bus, ==, 1);
  g_assert_cmpuint(d->address, ==, 7);
  g_assert_cmpstr(d->port_path, ==, "1-4");
  g_assert_cmpuint(d->vid, ==, 0x0957);
  g_assert_cmpuint(d->pid, ==, 0x1234);
  g_assert_cmpuint(d->interface_number, ==, 0);
  g_assert_cmpuint(d->interface_protocol, ==, 1);
  g_assert_cmpstr(d->manufacturer, ==, "Keysight Technologies");
  g_assert_cmpstr(d->product, ==, "TMC Instrument");
  g_assert_cmpstr(d->serial, ==, "MY59001234");
  assert_usbtmc_resource(d, "usbtmc:0957:1234:MY59001234");
}

static GPtrArray *
discover_usbtmc(void)
{
  g_autoptr(GError) err = NULL;
  GPtrArray *list = ll_discover_usbtmc(&err);
  g_assert_no_error(err);
  g_assert_nonnull(list);
  return list;
}

/* --- tests ---------------------------------------------------------------- */

static void
test_serial_ports(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(GPtrArray) ports = ll_discover_serial_ports(&err);
  g_assert_no_error(err);
  g_assert_nonnull(ports);
  /* sorted by name; the phantom serial8250 port /dev/ttyS1 is not listed */
  g_assert_cmpuint(ports->len, ==, 3);

  const LlSerialPortInfo *acm = ports->pdata[0];
  g_assert_cmpstr(acm->port, ==, "/dev/ttyACM0");
  g_assert_cmpstr(acm->transport, ==, "usb");
  g_assert_true(acm->usb);
  g_assert_cmpuint(acm->bus, ==, 1);
  g_assert_cmpuint(acm->address, ==, 2);
  g_assert_cmpuint(acm->vid, ==, 0x0483);
  g_assert_cmpuint(acm->pid, ==, 0x5740);
  g_assert_cmpstr(acm->serial, ==, "EVB-0001");
  g_assert_cmpstr(acm->manufacturer, ==, "STMicroelectronics");
  g_assert_cmpstr(acm->product, ==, "Lightline EVB");
  /* libserialport's wording ("Lightline EVB - EVB-0001" in 0.1.1) */
  g_assert_true(g_str_has_prefix(acm->description, "Lightline EVB"));
  g_assert_cmpstr(acm->resource, ==, "serial:/dev/ttyACM0");
  assert_serial_resource(acm);

  const LlSerialPortInfo *s0 = ports->pdata[1];
  g_assert_cmpstr(s0->port, ==, "/dev/ttyS0");
  g_assert_cmpstr(s0->transport, ==, "native");
  g_assert_false(s0->usb);
  g_assert_cmpuint(s0->bus, ==, 0);
  g_assert_cmpuint(s0->vid, ==, 0);
  g_assert_cmpuint(s0->pid, ==, 0);
  g_assert_null(s0->serial);
  g_assert_null(s0->manufacturer);
  g_assert_null(s0->product);
  g_assert_cmpstr(s0->description, ==, "ttyS0");
  g_assert_cmpstr(s0->resource, ==, "serial:/dev/ttyS0");
  assert_serial_resource(s0);

  const LlSerialPortInfo *ftdi = ports->pdata[2];
  g_assert_cmpstr(ftdi->port, ==, "/dev/ttyUSB0");
  g_assert_cmpstr(ftdi->transport, ==, "usb");
  g_assert_true(ftdi->usb);
  g_assert_cmpuint(ftdi->bus, ==, 1);
  g_assert_cmpuint(ftdi->address, ==, 3);
  g_assert_cmpuint(ftdi->vid, ==, 0x0403);
  g_assert_cmpuint(ftdi->pid, ==, 0x6001);
  g_assert_cmpstr(ftdi->serial, ==, "A10K5XYZ");
  g_assert_cmpstr(ftdi->manufacturer, ==, "FTDI");
  g_assert_cmpstr(ftdi->product, ==, "FT232R USB UART");
  g_assert_true(g_str_has_prefix(ftdi->description, "FT232R USB UART"));
  g_assert_cmpstr(ftdi->resource, ==, "serial:/dev/ttyUSB0");
  assert_serial_resource(ftdi);
}

static void
test_usbtmc(Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) devs = discover_usbtmc();
  /* only the two USB-TMC devices: not the hubs, the stick, the serial
   * adapters, the DFU bootloader (class FE, subclass 01) or the PM100USB's
   * own DFU interface */
  g_assert_cmpuint(devs->len, ==, 2);
  assert_pm100(devs->pdata[0]);
  assert_keysight(devs->pdata[1]);
}

static void
test_usbtmc_unopenable(Fixture *f, gconstpointer data)
{
  make_unopenable(f, PM100_NODE);
  make_unopenable(f, KEYSIGHT_NODE);
  /* the premise: libusb really cannot open them now */
  g_assert_cmpint(try_open(1, 5), !=, LIBUSB_SUCCESS);
  g_assert_cmpint(try_open(1, 7), !=, LIBUSB_SUCCESS);

  g_autoptr(GPtrArray) devs = discover_usbtmc();
  g_assert_cmpuint(devs->len, ==, 2);
  assert_pm100(devs->pdata[0]);
  assert_keysight(devs->pdata[1]);
}

static void
test_usbtmc_sysfs_first(Fixture *f, gconstpointer data)
{
  /* The device would answer other strings; with sysfs complete it must not
   * even be opened (an instrument in use elsewhere is left alone). */
  FakeUsb u = { .strings = { NULL, "WRONG maker", "WRONG product", "WRONG-SERIAL" } };
  UMockdevIoctlBase *h = attach_fake_usb(f, PM100_NODE, &u);
  /* the premise: the fake answers when asked */
  g_assert_cmpint(try_open(1, 5), ==, LIBUSB_SUCCESS);
  g_assert_cmpint(g_atomic_int_get(&u.ioctls), >, 0);
  g_atomic_int_set(&u.ioctls, 0);

  g_autoptr(GPtrArray) devs = discover_usbtmc();
  g_assert_cmpuint(devs->len, ==, 2);
  assert_pm100(devs->pdata[0]);
  assert_keysight(devs->pdata[1]);
  g_assert_cmpint(g_atomic_int_get(&u.ioctls), ==, 0);
  detach_fake_usb(f, PM100_NODE, h, &u);
}

static void
test_usbtmc_descriptor_fallback(Fixture *f, gconstpointer data)
{
  /* sysfs has no strings for the PM100USB (as for a device whose string
   * reads failed at enumeration): they come from the device */
  remove_attr(f, PM100_SYSFS, "manufacturer");
  remove_attr(f, PM100_SYSFS, "product");
  remove_attr(f, PM100_SYSFS, "serial");
  FakeUsb u = { .strings = { NULL, "Thorlabs Inc.", "PM100USB \xc2\xb5W \xe2\x80\x93 meter",
                             "P2009999" } };
  UMockdevIoctlBase *h = attach_fake_usb(f, PM100_NODE, &u);

  g_autoptr(GPtrArray) devs = discover_usbtmc();
  g_assert_cmpuint(devs->len, ==, 2);
  const LlUsbtmcInfo *d = devs->pdata[0];
  g_assert_cmpuint(d->vid, ==, 0x1313);
  g_assert_cmpstr(d->manufacturer, ==, "Thorlabs Inc.");
  g_assert_cmpstr(d->product, ==, "PM100USB \xc2\xb5W \xe2\x80\x93 meter"); /* UTF-16 decoded */
  g_assert_cmpstr(d->serial, ==, "P2009999");
  assert_usbtmc_resource(d, "usbtmc:1313:8072:P2009999");
  g_assert_cmpint(g_atomic_int_get(&u.string_requests), ==, 3);
  assert_keysight(devs->pdata[1]);
  detach_fake_usb(f, PM100_NODE, h, &u);
}

static void
test_usbtmc_partial_sysfs(Fixture *f, gconstpointer data)
{
  /* only the missing string is read from the device */
  remove_attr(f, PM100_SYSFS, "serial");
  FakeUsb u = { .strings = { NULL, "WRONG maker", "WRONG product", "P2005555" } };
  UMockdevIoctlBase *h = attach_fake_usb(f, PM100_NODE, &u);

  g_autoptr(GPtrArray) devs = discover_usbtmc();
  const LlUsbtmcInfo *d = devs->pdata[0];
  g_assert_cmpstr(d->manufacturer, ==, "Thorlabs");
  g_assert_cmpstr(d->product, ==, "PM100USB");
  g_assert_cmpstr(d->serial, ==, "P2005555");
  g_assert_cmpint(g_atomic_int_get(&u.string_requests), ==, 1);
  detach_fake_usb(f, PM100_NODE, h, &u);
}

static void
test_usbtmc_no_serial(Fixture *f, gconstpointer data)
{
  /* no serial in sysfs and the device cannot be asked: listed without one,
   * and the resource names it by VID:PID only */
  remove_attr(f, KEYSIGHT_SYSFS, "serial");
  make_unopenable(f, KEYSIGHT_NODE);
  /* a serial number the resource grammar cannot carry */
  umockdev_testbed_set_attribute(f->testbed, PM100_SYSFS, "serial", "P20:01?2\n");

  g_autoptr(GPtrArray) devs = discover_usbtmc();
  g_assert_cmpuint(devs->len, ==, 2);
  const LlUsbtmcInfo *pm = devs->pdata[0], *ks = devs->pdata[1];
  g_assert_cmpstr(pm->serial, ==, "P20:01?2");
  assert_usbtmc_resource(pm, "usbtmc:1313:8072");
  g_assert_null(ks->serial);
  g_assert_cmpstr(ks->manufacturer, ==, "Keysight Technologies");
  g_assert_cmpstr(ks->product, ==, "TMC Instrument");
  assert_usbtmc_resource(ks, "usbtmc:0957:1234");
}

static void
test_empty(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(GPtrArray) ports = ll_discover_serial_ports(&err);
  g_assert_no_error(err);
  g_assert_nonnull(ports);
  g_assert_cmpuint(ports->len, ==, 0);
  g_autoptr(GPtrArray) devs = ll_discover_usbtmc(&err);
  g_assert_no_error(err);
  g_assert_nonnull(devs);
  g_assert_cmpuint(devs->len, ==, 0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn, empty) \
  g_test_add(path, Fixture, GINT_TO_POINTER(empty), fixture_setup, fn, fixture_teardown)
  ADD("/discovery/serial-ports", test_serial_ports, FALSE);
  ADD("/discovery/usbtmc", test_usbtmc, FALSE);
  ADD("/discovery/usbtmc/unopenable", test_usbtmc_unopenable, FALSE);
  ADD("/discovery/usbtmc/sysfs-first", test_usbtmc_sysfs_first, FALSE);
  ADD("/discovery/usbtmc/descriptor-fallback", test_usbtmc_descriptor_fallback, FALSE);
  ADD("/discovery/usbtmc/partial-sysfs", test_usbtmc_partial_sysfs, FALSE);
  ADD("/discovery/usbtmc/no-serial", test_usbtmc_no_serial, FALSE);
  ADD("/discovery/empty", test_empty, TRUE);
  return g_test_run();
}
