/* ll-fake-serial.c: see ll-fake-serial.h.
 *
 * The responder thread polls the pty master: bytes from the host go into
 * the simulator; replies that the simulator has ready go back. A slave fd is
 * kept open so the master does not report EIO while the port is closed
 * (umockdev closes its own slave after openpty). Unplugging closes the
 * master and that slave, so the host side sees a hang-up (EIO), which is
 * what a vanished USB adapter looks like. */
#include "ll-fake-serial.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct _LlFakeSerial {
  UMockdevTestbed *testbed;
  UMockdevIoctlBase *handler;
  gchar *path;
  gchar *syspath;
  LlSimDevice *dev;
  GMutex lock;
  int master, keep_slave;
  int umockdev_master; /* umockdev's own fd of the pty master */
  int modem_state;
  gboolean stop;
  gboolean unplugged;
  GThread *thread;
};

static gboolean
on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *c, gpointer user_data)
{
  LlFakeSerial *f = user_data;
  gulong req = umockdev_ioctl_client_get_request(c);
  if (req == TIOCMGET || req == TIOCMSET || req == TIOCMBIS || req == TIOCMBIC) {
    UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);
    g_autoptr(GError) err = NULL;
    UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(int), &err);
    if (!d) {
      umockdev_ioctl_client_complete(c, -1, EFAULT);
      return TRUE;
    }
    int *bits = (int *) d->data;
    g_mutex_lock(&f->lock);
    switch (req) {
    case TIOCMGET: *bits = f->modem_state | TIOCM_CTS | TIOCM_DSR | TIOCM_CD; break;
    case TIOCMSET: f->modem_state = *bits; break;
    case TIOCMBIS: f->modem_state |= *bits; break;
    case TIOCMBIC: f->modem_state &= ~*bits; break;
    }
    g_mutex_unlock(&f->lock);
    g_object_unref(d);
    umockdev_ioctl_client_complete(c, 0, 0);
    return TRUE;
  }
  int err = 0;
  int r = (int) umockdev_ioctl_client_execute(c, &err, NULL);
  umockdev_ioctl_client_complete(c, r, err);
  return TRUE;
}

static void
write_all(int fd, const guint8 *p, gsize n)
{
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return;
    p += w;
    n -= (gsize) w;
  }
}

static void
do_unplug(LlFakeSerial *f)
{
  /* caller holds f->lock */
  if (f->unplugged)
    return;
  f->unplugged = TRUE;
  close(f->keep_slave);
  f->keep_slave = -1;
  close(f->master);
  f->master = -1;
  /* Hang up every open slave (the host's next read fails with EIO) by
   * closing umockdev's pty master too. /dev/null takes over its fd number,
   * so umockdev's own close at teardown cannot hit an unrelated fd. */
  int nul = open("/dev/null", O_RDWR);
  dup2(nul, f->umockdev_master);
  close(nul);
}

static gpointer
responder(gpointer data)
{
  LlFakeSerial *f = data;
  guint8 buf[4096];
  for (;;) {
    g_mutex_lock(&f->lock);
    gboolean stop = f->stop || f->unplugged;
    int master = f->master;
    g_mutex_unlock(&f->lock);
    if (stop)
      return NULL;
    struct pollfd pfd = { master, POLLIN, 0 };
    int pr = poll(&pfd, 1, 2);
    if (pr > 0 && (pfd.revents & POLLIN)) {
      ssize_t n = read(master, buf, sizeof buf);
      if (n > 0)
        ll_sim_device_write(f->dev, buf, (gsize) n, FALSE);
    }
    if (ll_sim_device_is_gone(f->dev)) {
      g_mutex_lock(&f->lock);
      do_unplug(f);
      g_mutex_unlock(&f->lock);
      return NULL;
    }
    gsize n;
    while ((n = ll_sim_device_read(f->dev, buf, sizeof buf)) > 0)
      write_all(master, buf, n);
  }
}

LlFakeSerial *
ll_fake_serial_new(UMockdevTestbed *testbed, const LlFakeSerialInfo *info, LlSimDevice *dev,
                   GError **error)
{
  g_autoptr(LlSimDevice) owned = dev;
  guint port = info->usb_port ? info->usb_port : 1;
  guint minor = port - 1;
  gboolean acm = g_str_has_prefix(info->name, "ttyACM");
  /* A USB device, its interface, and the tty under it (for CDC-ACM under
   * the interface's tty/ folder, as the kernel shows it). */
  g_autofree gchar *desc = g_strdup_printf(
    "P: /devices/pci0000:00/0000:00:14.0/usb1/1-%u/1-%u:1.0/%s%s\n"
    "N: %s\n"
    "E: DEVNAME=/dev/%s\n"
    "E: MAJOR=%u\n"
    "E: MINOR=%u\n"
    "E: SUBSYSTEM=tty\n"
    "E: ID_VENDOR_ID=%04x\n"
    "E: ID_MODEL_ID=%04x\n"
    "E: ID_SERIAL_SHORT=%s\n"
    "A: dev=%u:%u\n"
    "L: device=../../../1-%u:1.0\n"
    "\n"
    "P: /devices/pci0000:00/0000:00:14.0/usb1/1-%u/1-%u:1.0\n"
    "E: DEVTYPE=usb_interface\n"
    "E: DRIVER=%s\n"
    "E: SUBSYSTEM=usb\n"
    "A: bInterfaceClass=%s\n"
    "A: bInterfaceNumber=00\n"
    "\n"
    "P: /devices/pci0000:00/0000:00:14.0/usb1/1-%u\n"
    "E: BUSNUM=001\n"
    "E: DEVNUM=%03u\n"
    "E: DEVTYPE=usb_device\n"
    "E: DRIVER=usb\n"
    "E: SUBSYSTEM=usb\n"
    "A: busnum=1\n"
    "A: devnum=%u\n"
    "A: idVendor=%04x\n"
    "A: idProduct=%04x\n"
    "A: manufacturer=%s\n"
    "A: product=%s\n"
    "A: serial=%s\n"
    "A: speed=12\n"
    "\n"
    "P: /devices/pci0000:00/0000:00:14.0/usb1\n"
    "E: DEVTYPE=usb_device\n"
    "E: SUBSYSTEM=usb\n"
    "A: busnum=1\n"
    "A: devnum=1\n"
    "\n"
    "P: /devices/pci0000:00/0000:00:14.0\n"
    "E: SUBSYSTEM=pci\n",
    port, port, acm ? "tty/" : "", info->name, info->name, info->name, acm ? 166 : 188, minor,
    info->vid, info->pid, info->serial, acm ? 166 : 188, minor, port,
    port, port, acm ? "cdc_acm" : "ftdi_sio", acm ? "02" : "ff",
    port, port + 1, port + 1, info->vid, info->pid, info->manufacturer, info->product,
    info->serial);
  if (!umockdev_testbed_add_from_string(testbed, desc, error))
    return NULL;

  LlFakeSerial *f = g_new0(LlFakeSerial, 1);
  g_mutex_init(&f->lock);
  f->testbed = g_object_ref(testbed);
  f->path = g_strdup_printf("/dev/%s", info->name);
  f->syspath = g_strdup_printf("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-%u/1-%u:1.0/%s%s",
                               port, port, acm ? "tty/" : "", info->name);
  f->dev = g_steal_pointer(&owned);
  f->modem_state = TIOCM_DTR | TIOCM_RTS;
  f->handler = umockdev_ioctl_base_new();
  g_signal_connect(f->handler, "handle-ioctl", G_CALLBACK(on_ioctl), f);
  if (!umockdev_testbed_attach_ioctl(testbed, f->path, f->handler, error)) {
    f->master = f->keep_slave = -1;
    f->unplugged = TRUE;
    ll_fake_serial_free(f);
    return NULL;
  }
  f->master = umockdev_testbed_get_dev_fd(testbed, f->path);
  f->keep_slave = f->master >= 0 ? open(ptsname(f->master), O_RDWR | O_NOCTTY) : -1;
  if (f->master < 0 || f->keep_slave < 0) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "no pty behind %s", f->path);
    f->unplugged = TRUE;
    ll_fake_serial_free(f);
    return NULL;
  }
  /* The master fd is umockdev's; the responder uses a duplicate. */
  f->umockdev_master = f->master;
  f->master = dup(f->master);
  f->thread = g_thread_new("fake-serial", responder, f);
  return f;
}

void
ll_fake_serial_free(LlFakeSerial *f)
{
  if (!f)
    return;
  g_mutex_lock(&f->lock);
  f->stop = TRUE;
  g_mutex_unlock(&f->lock);
  if (f->thread)
    g_thread_join(f->thread);
  if (!f->unplugged) {
    close(f->keep_slave);
    close(f->master);
  }
  umockdev_testbed_detach_ioctl(f->testbed, f->path, NULL);
  umockdev_testbed_remove_device(f->testbed, f->syspath);
  g_object_unref(f->handler);
  g_object_unref(f->testbed);
  ll_sim_device_free(f->dev);
  g_free(f->path);
  g_free(f->syspath);
  g_mutex_clear(&f->lock);
  g_free(f);
}

const char *
ll_fake_serial_path(LlFakeSerial *f)
{
  return f->path;
}

LlSimDevice *
ll_fake_serial_device(LlFakeSerial *f)
{
  return f->dev;
}

void
ll_fake_serial_unplug(LlFakeSerial *f)
{
  g_mutex_lock(&f->lock);
  do_unplug(f);
  g_mutex_unlock(&f->lock);
  if (f->thread) {
    g_thread_join(f->thread);
    f->thread = NULL;
  }
  umockdev_testbed_remove_device(f->testbed, f->syspath);
}

void
ll_fake_serial_inject(LlFakeSerial *f, const char *bytes, gsize len)
{
  g_mutex_lock(&f->lock);
  if (!f->unplugged)
    write_all(f->master, (const guint8 *) bytes, len);
  g_mutex_unlock(&f->lock);
}
