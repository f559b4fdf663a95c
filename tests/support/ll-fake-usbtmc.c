/* ll-fake-usbtmc.c: see ll-fake-usbtmc.h.
 *
 * libusb talks to a device through usbfs ioctls on /dev/bus/usb/BBB/DDD:
 * SUBMITURB hands over a URB (control, bulk OUT, bulk IN), REAPURBNDELAY
 * collects finished ones, DISCARDURB cancels one (a libusb timeout). The
 * handler below keeps the submitted URBs in a queue and finishes them the way
 * a USB-TMC device would: control URBs and bulk OUT at once, bulk IN when a
 * REQUEST_DEV_DEP_MSG_IN is pending and the simulator has reply bytes ready.
 * libusb polls the fake node continuously while it waits, and every ioctl
 * first "pumps" the device, so a reply the simulator makes ready later (a
 * delay fault, a busy instrument) still reaches the waiting URB.
 *
 * The DEV_DEP_MSG_IN headers are built here by hand, independently of
 * instruments/ll-usbtmc-proto.c, so a framing mistake there is not mirrored
 * by the fake. The handler runs on umockdev's worker thread; the state is
 * under a mutex because unplugging and the statistics come from the test's
 * thread. */
#include "ll-fake-usbtmc.h"

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#define EP_OUT 0x02
#define EP_IN 0x81
#define MAX_PACKET 512              /* wMaxPacketSize of both bulk endpoints */
#define MAX_TRANSFER (1024 * 1024)  /* cap on one DEV_DEP_MSG_IN, whatever is asked */

/* USBTMC constants, spelled out here on purpose (see above). */
enum {
  MSG_OUT = 1,
  MSG_REQUEST_IN = 2,
  MSG_IN = 2,
  REQ_INITIATE_ABORT_BULK_IN = 3,
  REQ_CHECK_ABORT_BULK_IN_STATUS = 4,
  REQ_INITIATE_CLEAR = 5,
  REQ_CHECK_CLEAR_STATUS = 6,
  REQ_GET_CAPABILITIES = 7,
  ST_SUCCESS = 0x01,
  ST_FAILED = 0x80,
  ST_TRANSFER_NOT_IN_PROGRESS = 0x81,
};

typedef struct {
  UMockdevIoctlData *urbd; /* the client's struct usbdevfs_urb */
  UMockdevIoctlData *bufd; /* its buffer (NULL when empty) */
  gboolean ready;          /* finished, waiting to be reaped */
} Urb;

struct _LlFakeUsbtmc {
  UMockdevTestbed *testbed;
  UMockdevIoctlBase *handler;
  gchar *devnode;
  gchar *syspath;
  gchar *resource;
  gchar *strings[4]; /* string descriptors 1..3 */
  guint max_transfer;
  LlSimDevice *dev;

  GMutex lock;
  GQueue urbs; /* of Urb*, in submission order */
  gboolean attached;
  gboolean removed;
  gboolean unplugged;
  LlFakeUsbtmcFault fault;
  /* bulk OUT */
  guint32 out_left;  /* payload bytes of a DEV_DEP_MSG_OUT continuing in the next URB */
  gboolean out_eom;
  guint8 last_tag;   /* the host's last bTag, 0 before the first */
  /* bulk IN */
  int req_tag;       /* bTag of the pending REQUEST_DEV_DEP_MSG_IN, -1 when none */
  guint32 req_max;
  GByteArray *in_stream; /* the DEV_DEP_MSG_IN transfer being sent (header, payload, padding) */
  gsize in_pos;
  guint8 in_tag;     /* the bTag it answers */
  gboolean in_zlp;   /* a zero-length packet is owed after it */
  guint32 in_sent;   /* payload bytes of the last transfer (NBYTES_RXD) */
  LlFakeUsbtmcStats stats;
  gchar *last_host_error;
};

static struct usbdevfs_urb *
urb_of(Urb *x)
{
  return (struct usbdevfs_urb *) (gpointer) x->urbd->data;
}

static void
urb_free(Urb *x)
{
  g_clear_object(&x->bufd);
  g_clear_object(&x->urbd);
  g_free(x);
}

static void
urb_finish(Urb *x, int status, int actual_length)
{
  struct usbdevfs_urb *u = urb_of(x);
  u->status = status;
  u->actual_length = actual_length;
  x->ready = TRUE;
}

G_GNUC_PRINTF(2, 3)
static void
host_error(LlFakeUsbtmc *f, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_free(f->last_host_error);
  f->last_host_error = g_strdup_vprintf(format, ap);
  va_end(ap);
  f->stats.host_errors++;
}

static guint32
get_le32(const guint8 *b)
{
  return (guint32) b[0] | (guint32) b[1] << 8 | (guint32) b[2] << 16 | (guint32) b[3] << 24;
}

/* Device gone: URBs in flight end with -ENODEV (libusb reports
 * LIBUSB_ERROR_NO_DEVICE for them); later ioctls fail with ENODEV. Caller
 * holds the lock. */
static void
vanish(LlFakeUsbtmc *f)
{
  if (f->unplugged)
    return;
  f->unplugged = TRUE;
  for (GList *l = f->urbs.head; l; l = l->next) {
    Urb *x = l->data;
    if (!x->ready)
      urb_finish(x, -ENODEV, 0);
  }
  g_clear_pointer(&f->in_stream, g_byte_array_unref);
  f->req_tag = -1;
}

/* Drops every reply in flight (device clear, abort). */
static void
drop_in(LlFakeUsbtmc *f)
{
  f->req_tag = -1;
  g_clear_pointer(&f->in_stream, g_byte_array_unref);
  f->in_zlp = FALSE;
}

/* ---- bulk IN --------------------------------------------------------------- */

/* Builds the next DEV_DEP_MSG_IN transfer when a request is pending and the
 * simulator has bytes ready. */
static gboolean
start_in_transfer(LlFakeUsbtmc *f)
{
  if (f->req_tag < 0)
    return FALSE;
  gint64 now = ll_clock_now(ll_sim_device_get_clock(f->dev));
  if (ll_sim_device_ready_at(f->dev) > now)
    return FALSE;
  guint32 n = MIN(f->req_max, MAX_TRANSFER);
  if (f->max_transfer)
    n = MIN(n, f->max_transfer);
  GByteArray *s = g_byte_array_sized_new(12 + n + 3);
  g_byte_array_set_size(s, 12 + n);
  gsize got = ll_sim_device_read(f->dev, s->data + 12, n);
  if (got == 0) {
    g_byte_array_unref(s);
    return FALSE;
  }
  /* EOM once the reply is drained: nothing more ready now. */
  gboolean eom = ll_sim_device_ready_at(f->dev) > ll_clock_now(ll_sim_device_get_clock(f->dev));
  guint8 tag = (guint8) f->req_tag;
  if (f->fault == LL_FAKE_USBTMC_FAULT_WRONG_BTAG)
    tag = tag == 255 ? 1 : (guint8) (tag + 1);
  guint8 *h = s->data;
  memset(h, 0, 12);
  h[0] = MSG_IN;
  h[1] = tag;
  h[2] = (guint8) ~tag;
  h[4] = (guint8) got;
  h[5] = (guint8) (got >> 8);
  h[6] = (guint8) (got >> 16);
  h[7] = (guint8) (got >> 24);
  h[8] = eom ? 1 : 0;
  gsize total = 12 + ((got + 3) & ~(gsize) 3);
  g_byte_array_set_size(s, (guint) total);
  memset(s->data + 12 + got, 0, total - 12 - got);
  f->in_stream = s;
  f->in_pos = 0;
  f->in_tag = (guint8) f->req_tag;
  f->in_sent = (guint32) got;
  f->req_tag = -1;
  f->stats.in_transfers++;
  return TRUE;
}

/* Completes waiting bulk-IN URBs with what the device has to send. Caller
 * holds the lock. */
static void
pump(LlFakeUsbtmc *f)
{
  if (f->unplugged)
    return;
  for (GList *l = f->urbs.head; l; l = l->next) {
    Urb *x = l->data;
    struct usbdevfs_urb *u = urb_of(x);
    if (x->ready || u->type != USBDEVFS_URB_TYPE_BULK || !(u->endpoint & 0x80))
      continue;
    if (f->in_zlp) {
      f->in_zlp = FALSE;
      f->stats.zero_packets++;
      urb_finish(x, 0, 0);
      continue;
    }
    if (!f->in_stream && !start_in_transfer(f))
      return;
    gsize k = MIN((gsize) u->buffer_length, f->in_stream->len - f->in_pos);
    if (k)
      memcpy(x->bufd->data, f->in_stream->data + f->in_pos, k);
    urb_finish(x, 0, (int) k);
    f->in_pos += k;
    if (f->in_pos == f->in_stream->len) {
      /* A transfer that fills the URB exactly and ends on a packet boundary
       * is terminated by a zero-length packet, as on the wire. */
      if (k == (gsize) u->buffer_length && f->in_stream->len % MAX_PACKET == 0)
        f->in_zlp = TRUE;
      g_clear_pointer(&f->in_stream, g_byte_array_unref);
    }
  }
}

/* ---- bulk OUT -------------------------------------------------------------- */

static void
check_host_header(LlFakeUsbtmc *f, const guint8 *h)
{
  guint8 tag = h[1];
  guint8 inverse = (guint8) (0xff ^ tag);
  if (tag == 0)
    host_error(f, "bTag 0 in MsgID %u", h[0]);
  else if (h[2] != inverse)
    host_error(f, "bTagInverse 0x%02x does not match bTag %u", h[2], tag);
  else if (f->last_tag && tag != (f->last_tag == 255 ? 1 : f->last_tag + 1))
    host_error(f, "bTag %u follows %u", tag, f->last_tag);
  if (h[3] != 0 || h[10] != 0 || h[11] != 0)
    host_error(f, "reserved header bytes not zero");
  if (f->last_tag == 255 && tag == 1)
    f->stats.btag_wraps++;
  f->last_tag = tag;
}

static void
feed_sim(LlFakeUsbtmc *f, const guint8 *p, gsize n, gboolean eom)
{
  ll_sim_device_write(f->dev, p, n, eom);
  if (ll_sim_device_is_gone(f->dev))
    vanish(f);
}

static void
bulk_out(LlFakeUsbtmc *f, const guint8 *b, gsize len)
{
  if (f->out_left) {
    /* The payload of a transfer started in an earlier URB. */
    gsize k = MIN(len, f->out_left);
    f->out_left -= (guint32) k;
    feed_sim(f, b, k, f->out_eom && f->out_left == 0);
    return;
  }
  if (len < 12) {
    host_error(f, "bulk-OUT transfer of %zu bytes is shorter than a header", len);
    return;
  }
  check_host_header(f, b);
  guint32 size = get_le32(b + 4);
  if (b[0] == MSG_OUT) {
    f->stats.out_transfers++;
    gboolean eom = (b[8] & 1) != 0;
    if (eom)
      f->stats.out_eom++;
    gsize padded = 12 + (((gsize) size + 3) & ~(gsize) 3);
    if (len >= 12 + (gsize) size && len != padded)
      host_error(f, "DEV_DEP_MSG_OUT of %u bytes sent as %zu bytes, not padded to %zu", size, len,
                 padded);
    gsize k = MIN((gsize) size, len - 12);
    f->out_left = size - (guint32) k;
    f->out_eom = eom;
    feed_sim(f, b + 12, k, eom && f->out_left == 0);
  } else if (b[0] == MSG_REQUEST_IN) {
    f->stats.in_requests++;
    if (len != 12)
      host_error(f, "REQUEST_DEV_DEP_MSG_IN sent as %zu bytes", len);
    if (size == 0)
      host_error(f, "REQUEST_DEV_DEP_MSG_IN asks for 0 bytes");
    f->req_tag = b[1];
    f->req_max = size;
  } else {
    host_error(f, "bulk-OUT MsgID %u", b[0]);
  }
}

/* ---- control --------------------------------------------------------------- */

/* Answers a control URB (8-byte setup packet, then the data stage). Returns
 * the data length, or -errno (-EPIPE: the request stalls). */
static int
control(LlFakeUsbtmc *f, guint8 *b, gsize buflen)
{
  if (buflen < 8)
    return -EINVAL;
  guint8 type = b[0], request = b[1];
  guint value = b[2] | (guint) b[3] << 8, index = b[4] | (guint) b[5] << 8;
  gsize want = MIN((gsize) (b[6] | (guint) b[7] << 8), buflen - 8);
  guint8 r[256] = { 0 };
  gsize n = 0;
  if (type == 0x80 && request == 6 && (value >> 8) == 3) { /* GET_DESCRIPTOR(STRING) */
    guint idx = value & 0xff;
    if (idx == 0) {
      r[0] = 4, r[1] = 3, r[2] = 0x09, r[3] = 0x04; /* English (US) */
      n = 4;
    } else if (idx < G_N_ELEMENTS(f->strings) && f->strings[idx]) {
      gsize len = MIN(strlen(f->strings[idx]), 126);
      r[0] = (guint8) (2 + 2 * len);
      r[1] = 3;
      for (gsize i = 0; i < len; i++)
        r[2 + 2 * i] = (guint8) f->strings[idx][i];
      n = r[0];
    } else {
      return -EPIPE;
    }
  } else if (type == 0x80 && request == 0) { /* GET_STATUS */
    n = 2;
  } else if (type == 0xa1 && index != 0) {
    host_error(f, "class request %u to interface %u (the USB-TMC interface is 0)", request, index);
    return -EPIPE;
  } else if (type == 0xa1 && request == REQ_GET_CAPABILITIES) {
    r[0] = ST_SUCCESS;
    r[2] = 0x00, r[3] = 0x01; /* bcdUSBTMC 1.00 */
    r[14] = 0x01;             /* USB488 1.00 */
    n = 0x18;
  } else if (type == 0xa1 && request == REQ_INITIATE_CLEAR) {
    f->stats.initiate_clears++;
    ll_sim_device_clear(f->dev);
    drop_in(f);
    f->out_left = 0;
    r[0] = ST_SUCCESS;
    n = 1;
  } else if (type == 0xa1 && request == REQ_CHECK_CLEAR_STATUS) {
    f->stats.check_clears++;
    r[0] = ST_SUCCESS;
    n = 2;
  } else if (type == 0xa2 && request == REQ_INITIATE_ABORT_BULK_IN && index == EP_IN) {
    guint8 tag = value & 0xff;
    f->stats.aborts_bulk_in++;
    gboolean busy = f->req_tag >= 0 || f->in_stream;
    guint8 current = f->in_stream ? f->in_tag : (guint8) f->req_tag;
    if (busy && tag == current) {
      f->stats.aborts_succeeded++;
      if (!f->in_stream)
        f->in_sent = 0;
      drop_in(f);
      r[0] = ST_SUCCESS;
      r[1] = tag;
    } else {
      r[0] = busy ? ST_TRANSFER_NOT_IN_PROGRESS : ST_FAILED;
      r[1] = busy ? current : 0;
    }
    n = 2;
  } else if (type == 0xa2 && request == REQ_CHECK_ABORT_BULK_IN_STATUS && index == EP_IN) {
    r[0] = ST_SUCCESS;
    r[1] = 0; /* bmAbortBulkIn: nothing left in the FIFO */
    r[4] = (guint8) f->in_sent;
    r[5] = (guint8) (f->in_sent >> 8);
    r[6] = (guint8) (f->in_sent >> 16);
    r[7] = (guint8) (f->in_sent >> 24);
    n = 8;
  } else {
    return -EPIPE;
  }
  n = MIN(n, want);
  memcpy(b + 8, r, n);
  return (int) n;
}

/* ---- usbfs ----------------------------------------------------------------- */

static int
submit_urb(LlFakeUsbtmc *f, UMockdevIoctlData *arg)
{
  g_autoptr(GError) err = NULL;
  Urb *x = g_new0(Urb, 1);
  x->urbd = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), &err);
  if (!x->urbd) {
    urb_free(x);
    return EFAULT;
  }
  struct usbdevfs_urb *u = urb_of(x);
  if (u->buffer_length > 0) {
    x->bufd = umockdev_ioctl_data_resolve(x->urbd, offsetof(struct usbdevfs_urb, buffer),
                                          (gsize) u->buffer_length, &err);
    if (!x->bufd) {
      urb_free(x);
      return EFAULT;
    }
  }
  guint8 *b = x->bufd ? x->bufd->data : NULL;
  gsize len = (gsize) MAX(u->buffer_length, 0);
  if (u->type == USBDEVFS_URB_TYPE_CONTROL) {
    int r = control(f, b, len);
    urb_finish(x, r < 0 ? r : 0, r < 0 ? 0 : r);
  } else if (u->type == USBDEVFS_URB_TYPE_BULK && u->endpoint == EP_OUT) {
    urb_finish(x, 0, (int) len);
    if (b)
      bulk_out(f, b, len);
  } else if (u->type != USBDEVFS_URB_TYPE_BULK || u->endpoint != EP_IN) {
    urb_free(x);
    return EINVAL;
  }
  g_queue_push_tail(&f->urbs, x);
  return 0;
}

static gboolean
on_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user_data)
{
  LlFakeUsbtmc *f = user_data;
  gulong request = umockdev_ioctl_client_get_request(client);
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
  g_autoptr(GError) err = NULL;
  int error = 0;

  g_mutex_lock(&f->lock);
  if (f->unplugged && request != USBDEVFS_REAPURB && request != USBDEVFS_REAPURBNDELAY) {
    error = ENODEV;
    goto out;
  }
  switch (request) {
  case USBDEVFS_GET_CAPABILITIES: {
    g_autoptr(UMockdevIoctlData) d = umockdev_ioctl_data_resolve(arg, 0, 4, &err);
    if (!d) {
      error = EFAULT;
      break;
    }
    guint32 caps = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
                   USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_BULK_SCATTER_GATHER;
    memcpy(d->data, &caps, sizeof caps);
    break;
  }
  case USBDEVFS_CLAIMINTERFACE:
  case USBDEVFS_RELEASEINTERFACE:
  case USBDEVFS_SETINTERFACE:
  case USBDEVFS_CLEAR_HALT:
  case USBDEVFS_RESETEP:
  case USBDEVFS_DISCONNECT_CLAIM:
    break;
  case USBDEVFS_GETDRIVER:
  case USBDEVFS_IOCTL: /* (re)attach a kernel driver: there is none */
    error = ENODATA;
    break;
  case USBDEVFS_SUBMITURB:
    error = submit_urb(f, arg);
    pump(f);
    break;
  case USBDEVFS_DISCARDURB: {
    /* The argument is the URB's address itself. */
    gulong addr = 0;
    memcpy(&addr, arg->data, MIN(sizeof addr, (gsize) arg->data_len));
    error = EINVAL; /* not in flight (already finished: libusb reaps it) */
    for (GList *l = f->urbs.head; l; l = l->next) {
      Urb *x = l->data;
      if (x->urbd->client_addr == addr && !x->ready) {
        urb_finish(x, -ENOENT, 0);
        error = 0;
        break;
      }
    }
    break;
  }
  case USBDEVFS_REAPURB:
  case USBDEVFS_REAPURBNDELAY: {
    pump(f);
    error = f->unplugged ? ENODEV : EAGAIN;
    for (GList *l = f->urbs.head; l; l = l->next) {
      Urb *x = l->data;
      if (!x->ready)
        continue;
      g_autoptr(UMockdevIoctlData) p = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), &err);
      if (!p) {
        error = EFAULT;
        break;
      }
      umockdev_ioctl_data_set_ptr(p, 0, x->urbd); /* *arg = the client's URB, synced on completion */
      g_queue_delete_link(&f->urbs, l);
      urb_free(x);
      error = 0;
      break;
    }
    break;
  }
  default:
    error = ENOTTY;
    break;
  }
out:
  g_mutex_unlock(&f->lock);
  umockdev_ioctl_client_complete(client, error ? -1 : 0, error);
  return TRUE;
}

/* ---- setup ----------------------------------------------------------------- */

static gchar *
hex(const guint8 *b, gsize n)
{
  GString *s = g_string_new(NULL);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf(s, "%02X", b[i]);
  return g_string_free(s, FALSE);
}

LlFakeUsbtmc *
ll_fake_usbtmc_new(UMockdevTestbed *testbed, const LlFakeUsbtmcInfo *info, LlSimDevice *dev,
                   GError **error)
{
  g_autoptr(LlSimDevice) owned = dev;
  g_return_val_if_fail(info->devnum >= 1 && info->devnum <= 127, NULL);
  guint n = info->devnum;
  /* Device descriptor, then the configuration: one interface FE/03/01 with
   * bulk OUT 0x02 and bulk IN 0x81 of 512-byte packets. */
  const guint8 desc[] = {
    0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x40,
    info->vid & 0xff, info->vid >> 8, info->pid & 0xff, info->pid >> 8,
    0x00, 0x01, 0x01, 0x02, 0x03, 0x01,
    0x09, 0x02, 0x20, 0x00, 0x01, 0x01, 0x00, 0x80, 0x32,
    0x09, 0x04, 0x00, 0x00, 0x02, 0xfe, 0x03, 0x01, 0x00,
    0x07, 0x05, EP_OUT, 0x02, MAX_PACKET & 0xff, MAX_PACKET >> 8, 0x00,
    0x07, 0x05, EP_IN, 0x02, MAX_PACKET & 0xff, MAX_PACKET >> 8, 0x00,
  };
  g_autofree gchar *desc_hex = hex(desc, sizeof desc);
  g_autofree gchar *text = g_strdup_printf(
    "P: /devices/pci0000:00/0000:00:14.0/usb1/1-%u\n"
    "N: bus/usb/001/%03u=%s\n"
    "E: BUSNUM=001\n"
    "E: DEVNAME=/dev/bus/usb/001/%03u\n"
    "E: DEVNUM=%03u\n"
    "E: DEVTYPE=usb_device\n"
    "E: DRIVER=usb\n"
    "E: ID_BUS=usb\n"
    "E: ID_MODEL_ID=%04x\n"
    "E: ID_VENDOR_ID=%04x\n"
    "E: ID_SERIAL_SHORT=%s\n"
    "E: MAJOR=189\n"
    "E: MINOR=%u\n"
    "E: PRODUCT=%x/%x/100\n"
    "E: SUBSYSTEM=usb\n"
    "A: bConfigurationValue=1\\n\n"
    "A: bDeviceClass=00\n"
    "A: bNumConfigurations=1\n"
    "A: bNumInterfaces= 1\n"
    "A: busnum=1\\n\n"
    "A: devnum=%u\\n\n"
    "A: dev=189:%u\n"
    "H: descriptors=%s\n"
    "A: idProduct=%04x\n"
    "A: idVendor=%04x\n"
    "A: manufacturer=%s\n"
    "A: product=%s\n"
    "A: serial=%s\n"
    "A: speed=480\\n\n",
    n, n, desc_hex, n, n, info->pid, info->vid, info->serial, n - 1, info->vid, info->pid, n,
    n - 1, desc_hex, info->pid, info->vid, info->manufacturer, info->product, info->serial);
  if (!umockdev_testbed_add_from_string(testbed, text, error))
    return NULL;

  LlFakeUsbtmc *f = g_new0(LlFakeUsbtmc, 1);
  g_mutex_init(&f->lock);
  g_queue_init(&f->urbs);
  f->testbed = g_object_ref(testbed);
  f->devnode = g_strdup_printf("/dev/bus/usb/001/%03u", n);
  f->syspath = g_strdup_printf("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-%u", n);
  f->resource = g_strdup_printf("usbtmc:%04x:%04x:%s", info->vid, info->pid, info->serial);
  f->strings[1] = g_strdup(info->manufacturer);
  f->strings[2] = g_strdup(info->product);
  f->strings[3] = g_strdup(info->serial);
  f->max_transfer = info->max_transfer;
  f->req_tag = -1;
  f->dev = g_steal_pointer(&owned);
  f->handler = umockdev_ioctl_base_new();
  g_signal_connect(f->handler, "handle-ioctl", G_CALLBACK(on_ioctl), f);
  if (!umockdev_testbed_attach_ioctl(testbed, f->devnode, f->handler, error)) {
    ll_fake_usbtmc_free(f);
    return NULL;
  }
  f->attached = TRUE;
  return f;
}

void
ll_fake_usbtmc_free(LlFakeUsbtmc *f)
{
  if (!f)
    return;
  if (f->attached)
    umockdev_testbed_detach_ioctl(f->testbed, f->devnode, NULL);
  if (!f->removed)
    umockdev_testbed_remove_device(f->testbed, f->syspath);
  g_signal_handlers_disconnect_by_data(f->handler, f);
  g_object_unref(f->handler);
  g_object_unref(f->testbed);
  g_queue_clear_full(&f->urbs, (GDestroyNotify) urb_free);
  if (f->in_stream)
    g_byte_array_unref(f->in_stream);
  ll_sim_device_free(f->dev);
  for (gsize i = 0; i < G_N_ELEMENTS(f->strings); i++)
    g_free(f->strings[i]);
  g_free(f->devnode);
  g_free(f->syspath);
  g_free(f->resource);
  g_free(f->last_host_error);
  g_mutex_clear(&f->lock);
  g_free(f);
}

const char *
ll_fake_usbtmc_devnode(LlFakeUsbtmc *f)
{
  return f->devnode;
}

const char *
ll_fake_usbtmc_resource(LlFakeUsbtmc *f)
{
  return f->resource;
}

LlSimDevice *
ll_fake_usbtmc_device(LlFakeUsbtmc *f)
{
  return f->dev;
}

void
ll_fake_usbtmc_set_fault(LlFakeUsbtmc *f, LlFakeUsbtmcFault fault)
{
  g_mutex_lock(&f->lock);
  f->fault = fault;
  g_mutex_unlock(&f->lock);
}

void
ll_fake_usbtmc_unplug(LlFakeUsbtmc *f)
{
  g_mutex_lock(&f->lock);
  vanish(f);
  gboolean remove = !f->removed;
  f->removed = TRUE;
  g_mutex_unlock(&f->lock);
  if (remove)
    umockdev_testbed_remove_device(f->testbed, f->syspath);
}

gboolean
ll_fake_usbtmc_is_unplugged(LlFakeUsbtmc *f)
{
  g_mutex_lock(&f->lock);
  gboolean gone = f->unplugged;
  g_mutex_unlock(&f->lock);
  return gone;
}

void
ll_fake_usbtmc_get_stats(LlFakeUsbtmc *f, LlFakeUsbtmcStats *stats)
{
  g_mutex_lock(&f->lock);
  *stats = f->stats;
  g_mutex_unlock(&f->lock);
}

gchar *
ll_fake_usbtmc_last_host_error(LlFakeUsbtmc *f)
{
  g_mutex_lock(&f->lock);
  gchar *s = g_strdup(f->last_host_error);
  g_mutex_unlock(&f->lock);
  return s;
}
