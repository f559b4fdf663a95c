/* ll-transport-usbtmc.c: the `usbtmc:VID:PID[:SERIAL]` transport: a USB-TMC
 * (USB Test and Measurement Class) instrument driven through libusb, each
 * transport with its own libusb context. The kernel's usbtmc driver, if
 * bound, is detached while the interface is claimed.
 *
 * Writes go out as DEV_DEP_MSG_OUT transfers of at most OUT_CHUNK payload
 * bytes, EOM on the last. A read sends REQUEST_DEV_DEP_MSG_IN unless a
 * reply transfer is already under way, then reads the bulk-IN pipe in
 * chunks of whole packets: the first chunk of a transfer starts with the
 * DEV_DEP_MSG_IN header (checked by ll-usbtmc-proto), the payload may go on
 * over later chunks, and the transfer's EOM bit ends the device's message.
 * A read cut off by the timeout hands over what it got and then reports the
 * timeout (it is not a short packet, so not a framing error). A transfer
 * with no payload but EOM is read as an empty end of message. A clear (a
 * real device clear) aborts a pending bulk-IN transfer, runs
 * INITIATE_CLEAR / CHECK_CLEAR_STATUS and clears the endpoint halts, as
 * USBTMC 1.0 section 4.2.1 prescribes. */
#include "ll-transport-private.h"

#include <libusb.h>
#include <string.h>

#include "ll-usbtmc-proto.h"

#define OUT_CHUNK 4096           /* payload bytes per DEV_DEP_MSG_OUT transfer */
#define IN_CHUNK 4096            /* bytes per bulk-IN read (rounded to whole packets) */
#define IN_REQUEST (1024 * 1024) /* payload bytes asked for per REQUEST_DEV_DEP_MSG_IN */
#define CONTROL_TIMEOUT_MS 1000
#define CLEAR_WAIT_MS 2000       /* bound on waiting for a clear or abort to finish */
#define DRAIN_TIMEOUT_MS 20

typedef struct {
  libusb_context *ctx;
  libusb_device_handle *handle;
  guint8 iface;
  guint8 altsetting;
  gboolean claimed;
  guint8 ep_in, ep_out;
  guint16 in_packet;     /* wMaxPacketSize of bulk-IN */
  guint8 tag;            /* bTag counter (ll_usbtmc_next_btag) */
  /* bulk-IN state */
  gboolean requested;    /* REQUEST_DEV_DEP_MSG_IN sent, its header not yet seen */
  gboolean in_transfer;  /* inside a DEV_DEP_MSG_IN transfer: more payload to come */
  guint8 in_tag;         /* bTag of the current request / transfer */
  guint32 in_left;       /* payload bytes of the transfer not yet read */
  gboolean in_eom;       /* the current transfer ends the device's message */
  guint8 *chunk;         /* one bulk-IN read */
  gsize chunk_size;
  gsize staged_pos, staged_end; /* payload in chunk not yet handed to the caller */
  gboolean staged_eom;   /* the staged payload ends the device's message */
} UsbtmcPriv;

static void
reset_in_state(UsbtmcPriv *p)
{
  p->requested = FALSE;
  p->in_transfer = FALSE;
  p->in_left = 0;
  p->in_eom = FALSE;
  p->staged_pos = p->staged_end = 0;
  p->staged_eom = FALSE;
}

/* TRUE when the device no longer answers because it is gone (an I/O error
 * from a vanished device looks like any other I/O error otherwise). */
static gboolean
device_gone(UsbtmcPriv *p)
{
  guint8 status[2];
  int r = libusb_control_transfer(p->handle,
                                  LIBUSB_ENDPOINT_IN | LIBUSB_REQUEST_TYPE_STANDARD |
                                    LIBUSB_RECIPIENT_DEVICE,
                                  LIBUSB_REQUEST_GET_STATUS, 0, 0, status, sizeof status, 200);
  return r == LIBUSB_ERROR_NO_DEVICE;
}

/* Sets @error for libusb result @r during @what. @endpoint (0 for none) is
 * cleared when it stalled. Always returns FALSE. */
static gboolean
usb_fail(LlTransport *t, int r, guint8 endpoint, const char *what, GError **error)
{
  UsbtmcPriv *p = t->priv;
  int code = LL_TRANSPORT_ERROR_IO;
  if (r == LIBUSB_ERROR_TIMEOUT)
    code = LL_TRANSPORT_ERROR_TIMEOUT;
  else if (r == LIBUSB_ERROR_NO_DEVICE || (r == LIBUSB_ERROR_IO && device_gone(p)))
    code = LL_TRANSPORT_ERROR_DISCONNECTED;
  if (r == LIBUSB_ERROR_PIPE && endpoint) {
    /* A stalled bulk pipe stays stalled until cleared; the reply state is
     * lost with it. */
    libusb_clear_halt(p->handle, endpoint);
    reset_in_state(p);
  }
  if (code == LL_TRANSPORT_ERROR_DISCONNECTED)
    g_set_error(error, LL_TRANSPORT_ERROR, code, "%s: the USB device went away (unplugged?)",
                what);
  else if (code == LL_TRANSPORT_ERROR_TIMEOUT)
    g_set_error(error, LL_TRANSPORT_ERROR, code, "%s: timed out", what);
  else
    g_set_error(error, LL_TRANSPORT_ERROR, code, "%s: %s%s", what, libusb_strerror(r),
                r == LIBUSB_ERROR_PIPE ? " (endpoint stalled; halt cleared)" : "");
  return FALSE;
}

static guint
ms_until(gint64 deadline_us)
{
  gint64 left = deadline_us - g_get_monotonic_time();
  if (left <= 0)
    return 0;
  return (guint) MIN((left + 999) / 1000, (gint64) G_MAXINT);
}

/* ---- open / close --------------------------------------------------------- */

static gchar *
describe_wanted(const LlResource *res)
{
  return res->serial ? g_strdup_printf("%04x:%04x with serial number %s", res->vid, res->pid,
                                       res->serial)
                     : g_strdup_printf("%04x:%04x", res->vid, res->pid);
}

/* Opens the first device matching the resource's VID, PID and (when given)
 * serial number, the latter read from the device's string descriptor. */
static gboolean
find_device(LlTransport *t, GError **error)
{
  UsbtmcPriv *p = t->priv;
  const LlResource *res = t->res;
  g_autofree gchar *wanted = describe_wanted(res);
  libusb_device **list = NULL;
  ssize_t n = libusb_get_device_list(p->ctx, &list);
  if (n < 0) {
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_IO,
                "%s: cannot list USB devices: %s", res->text, libusb_strerror((int) n));
    return FALSE;
  }
  g_autoptr(GString) others = g_string_new(NULL); /* serials of other devices with VID:PID */
  int open_error = 0;
  for (ssize_t i = 0; i < n && !p->handle; i++) {
    struct libusb_device_descriptor dd;
    if (libusb_get_device_descriptor(list[i], &dd) != 0 || dd.idVendor != res->vid ||
        dd.idProduct != res->pid)
      continue;
    libusb_device_handle *h = NULL;
    int r = libusb_open(list[i], &h);
    if (r != 0) {
      /* Gone between listing and opening: as if never there. */
      if (r != LIBUSB_ERROR_NO_DEVICE && (!open_error || r == LIBUSB_ERROR_ACCESS))
        open_error = r;
      continue;
    }
    if (res->serial) {
      unsigned char sn[256] = "";
      int len = dd.iSerialNumber
                  ? libusb_get_string_descriptor_ascii(h, dd.iSerialNumber, sn, sizeof sn)
                  : LIBUSB_ERROR_NOT_FOUND;
      if (len < 0 || strcmp((const char *) sn, res->serial) != 0) {
        g_string_append_printf(others, "%s%s", others->len ? ", " : "",
                               len < 0 ? "(unreadable)" : (const char *) sn);
        libusb_close(h);
        continue;
      }
    }
    p->handle = h;
  }
  libusb_free_device_list(list, 1);
  if (p->handle)
    return TRUE;
  if (open_error == LIBUSB_ERROR_ACCESS)
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_OPEN,
                "%s: USB device %04x:%04x is present but may not be opened (permission denied); "
                "install a udev rule such as SUBSYSTEM==\"usb\", ATTR{idVendor}==\"%04x\", "
                "ATTR{idProduct}==\"%04x\", MODE=\"0660\", GROUP=\"plugdev\", then replug it",
                res->text, res->vid, res->pid, res->vid, res->pid);
  else if (open_error)
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_OPEN,
                "%s: USB device %04x:%04x is present but cannot be opened: %s", res->text,
                res->vid, res->pid, libusb_strerror(open_error));
  else if (others->len)
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_NOT_FOUND,
                "%s: no USB-TMC device %s is connected (devices %04x:%04x present with serial "
                "numbers: %s)",
                res->text, wanted, res->vid, res->pid, others->str);
  else
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_NOT_FOUND,
                "%s: no USB-TMC device %s is connected", res->text, wanted);
  return FALSE;
}

/* Finds the USB-TMC interface (class 0xFE, subclass 0x03) of the active
 * configuration and its bulk endpoints. */
static gboolean
find_interface(LlTransport *t, GError **error)
{
  UsbtmcPriv *p = t->priv;
  struct libusb_config_descriptor *cfg = NULL;
  int r = libusb_get_active_config_descriptor(libusb_get_device(p->handle), &cfg);
  if (r != 0) {
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_OPEN,
                "%s: cannot read the USB configuration: %s", t->res->text, libusb_strerror(r));
    return FALSE;
  }
  gboolean found = FALSE;
  for (int i = 0; i < cfg->bNumInterfaces && !found; i++) {
    const struct libusb_interface *itf = &cfg->interface[i];
    for (int a = 0; a < itf->num_altsetting && !found; a++) {
      const struct libusb_interface_descriptor *id = &itf->altsetting[a];
      if (id->bInterfaceClass != LL_USBTMC_INTERFACE_CLASS ||
          id->bInterfaceSubClass != LL_USBTMC_INTERFACE_SUBCLASS)
        continue;
      p->ep_in = p->ep_out = 0;
      for (int e = 0; e < id->bNumEndpoints; e++) {
        const struct libusb_endpoint_descriptor *ep = &id->endpoint[e];
        if ((ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) != LIBUSB_TRANSFER_TYPE_BULK)
          continue;
        if ((ep->bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN && !p->ep_in) {
          p->ep_in = ep->bEndpointAddress;
          p->in_packet = ep->wMaxPacketSize & 0x7ff;
        } else if ((ep->bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_OUT &&
                   !p->ep_out) {
          p->ep_out = ep->bEndpointAddress;
        }
      }
      if (p->ep_in && p->ep_out) {
        p->iface = id->bInterfaceNumber;
        p->altsetting = id->bAlternateSetting;
        found = TRUE;
      }
    }
  }
  libusb_free_config_descriptor(cfg);
  if (!found) {
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_OPEN,
                "%s: USB device %04x:%04x has no USB-TMC interface (class FE, subclass 03, with "
                "bulk-IN and bulk-OUT endpoints)",
                t->res->text, t->res->vid, t->res->pid);
    return FALSE;
  }
  if (p->in_packet == 0)
    p->in_packet = 64;
  /* Read whole packets only, so the device never sends more than asked. */
  p->chunk_size = (IN_CHUNK + p->in_packet - 1) / p->in_packet * p->in_packet;
  return TRUE;
}

static gboolean
claim_interface(LlTransport *t, GError **error)
{
  UsbtmcPriv *p = t->priv;
  libusb_set_auto_detach_kernel_driver(p->handle, 1);
  int r = libusb_claim_interface(p->handle, p->iface);
  if (r == 0) {
    p->claimed = TRUE;
    if (p->altsetting)
      r = libusb_set_interface_alt_setting(p->handle, p->iface, p->altsetting);
  }
  if (r == 0)
    return TRUE;
  g_set_error(error, LL_TRANSPORT_ERROR,
              r == LIBUSB_ERROR_NO_DEVICE ? LL_TRANSPORT_ERROR_NOT_FOUND : LL_TRANSPORT_ERROR_OPEN,
              "%s: cannot claim USB-TMC interface %u: %s%s", t->res->text, p->iface,
              libusb_strerror(r),
              r == LIBUSB_ERROR_BUSY     ? " (another program or driver is using it)"
              : r == LIBUSB_ERROR_ACCESS ? " (permission denied; install a udev rule giving "
                                           "this user access to the device, then replug it)"
                                         : "");
  return FALSE;
}

static void
usbtmc_close(LlTransport *t)
{
  UsbtmcPriv *p = t->priv;
  if (p->handle) {
    if (p->claimed)
      libusb_release_interface(p->handle, p->iface);
    libusb_close(p->handle);
    p->handle = NULL;
  }
  if (p->ctx)
    libusb_exit(p->ctx);
  p->ctx = NULL;
  g_clear_pointer(&p->chunk, g_free);
}

static gboolean
usbtmc_open(LlTransport *t, GError **error)
{
  UsbtmcPriv *p = t->priv;
  int r = libusb_init(&p->ctx);
  if (r != 0) {
    p->ctx = NULL;
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_OPEN,
                "%s: cannot initialise libusb: %s", t->res->text, libusb_strerror(r));
    return FALSE;
  }
  if (!find_device(t, error) || !find_interface(t, error) || !claim_interface(t, error)) {
    usbtmc_close(t);
    return FALSE;
  }
  p->chunk = g_malloc(p->chunk_size);
  return TRUE;
}

/* ---- bulk transfers -------------------------------------------------------- */

static gboolean
bulk_out(LlTransport *t, guint8 *buf, gsize len, guint timeout_ms, const char *what,
         GError **error)
{
  UsbtmcPriv *p = t->priv;
  int sent = 0;
  int r = libusb_bulk_transfer(p->handle, p->ep_out, buf, (int) len, &sent, MAX(timeout_ms, 1));
  if (r != 0)
    return usb_fail(t, r, p->ep_out, what, error);
  if ((gsize) sent != len) {
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_IO,
                "%s: the device took %d of %zu bytes", what, sent, len);
    return FALSE;
  }
  return TRUE;
}

static gboolean
usbtmc_write(LlTransport *t, const guint8 *data, gsize len, GError **error)
{
  UsbtmcPriv *p = t->priv;
  guint8 buf[LL_USBTMC_HEADER_SIZE + OUT_CHUNK];
  gsize off = 0;
  do {
    gsize n = MIN(len - off, OUT_CHUNK);
    gboolean eom = off + n == len;
    gsize total = ll_usbtmc_encode_dev_dep_msg_out(buf, sizeof buf, ll_usbtmc_next_btag(&p->tag),
                                                   data ? data + off : NULL, n, eom);
    if (!bulk_out(t, buf, total, t->timeout_ms, "sending a command", error))
      return FALSE;
    off += n;
  } while (off < len);
  return TRUE;
}

static gboolean
request_in(LlTransport *t, guint timeout_ms, GError **error)
{
  UsbtmcPriv *p = t->priv;
  guint8 hdr[LL_USBTMC_HEADER_SIZE];
  guint8 tag = ll_usbtmc_next_btag(&p->tag);
  ll_usbtmc_encode_request_dev_dep_msg_in(hdr, tag, IN_REQUEST, FALSE, 0);
  if (!bulk_out(t, hdr, sizeof hdr, timeout_ms, "requesting a reply", error))
    return FALSE;
  p->requested = TRUE;
  p->in_tag = tag;
  return TRUE;
}

static gssize
usbtmc_read(LlTransport *t, guint8 *buf, gsize max, gint64 deadline_us, gboolean *eom,
            GError **error)
{
  UsbtmcPriv *p = t->priv;
  for (;;) {
    /* Payload already read from the pipe goes first. */
    if (p->staged_pos < p->staged_end || p->staged_eom) {
      gsize n = MIN(max, p->staged_end - p->staged_pos);
      memcpy(buf, p->chunk + p->staged_pos, n);
      p->staged_pos += n;
      if (p->staged_pos == p->staged_end && p->staged_eom) {
        *eom = TRUE;
        p->staged_eom = FALSE;
      }
      return (gssize) n;
    }
    guint timeout_ms = ms_until(deadline_us);
    if (timeout_ms == 0) {
      g_set_error_literal(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT, "timed out");
      return -1;
    }
    if (!p->requested && !p->in_transfer && !request_in(t, timeout_ms, error))
      return -1;

    int got = 0;
    int r = libusb_bulk_transfer(p->handle, p->ep_in, p->chunk, (int) p->chunk_size, &got,
                                 MAX(ms_until(deadline_us), 1));
    if (r != 0 && !(r == LIBUSB_ERROR_TIMEOUT && got > 0))
      return usb_fail(t, r, p->ep_in, "reading the reply", error), -1;
    if (got == 0)
      continue; /* a zero-length packet ending an earlier transfer */
    /* Data cut off by the timeout is what arrived so far, not a short packet:
     * it is handed over, and the next round reports the timeout. */
    gboolean short_packet = r == 0 && (gsize) got < p->chunk_size;
    gsize start = 0;
    if (p->requested) {
      LlUsbtmcInHeader h;
      if (!ll_usbtmc_decode_dev_dep_msg_in(p->chunk, (gsize) got, p->in_tag, IN_REQUEST,
                                           short_packet, &h, error))
        return -1; /* still "requested": the clear aborts this bTag */
      p->requested = FALSE;
      p->in_transfer = TRUE;
      p->in_left = h.transfer_size;
      p->in_eom = h.eom;
      start = LL_USBTMC_HEADER_SIZE;
    }
    gsize payload = MIN((gsize) got - start, p->in_left);
    p->staged_pos = start;
    p->staged_end = start + payload;
    p->in_left -= (guint32) payload;
    if (p->in_left == 0) {
      /* Whatever follows in this chunk is alignment padding. Without EOM
       * the message goes on in the next transfer, after a new request. */
      p->in_transfer = FALSE;
      p->staged_eom = p->in_eom;
    } else if (short_packet) {
      g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL,
                  "USB-TMC transfer ended %u bytes short of its announced size", p->in_left);
      reset_in_state(p);
      return -1;
    }
  }
}

/* ---- device clear ---------------------------------------------------------- */

static int
class_request(UsbtmcPriv *p, guint8 type, guint8 request, guint16 value, guint16 index,
              guint8 *reply, guint16 len)
{
  return libusb_control_transfer(p->handle, type, request, value, index, reply, len,
                                 CONTROL_TIMEOUT_MS);
}

/* Reads and drops bulk-IN data until a short packet or silence. */
static void
drain_in(UsbtmcPriv *p)
{
  gint64 end = g_get_monotonic_time() + CLEAR_WAIT_MS * 1000;
  while (g_get_monotonic_time() < end) {
    int got = 0;
    int r = libusb_bulk_transfer(p->handle, p->ep_in, p->chunk, (int) p->chunk_size, &got,
                                 DRAIN_TIMEOUT_MS);
    if (r != 0 || (gsize) got < p->chunk_size)
      return;
  }
}

/* INITIATE_ABORT_BULK_IN for the pending request or transfer, then its
 * CHECK_ABORT_BULK_IN_STATUS. Best effort: the INITIATE_CLEAR that follows
 * drops whatever is left. Returns FALSE only when the device is gone. */
static gboolean
abort_bulk_in(LlTransport *t, GError **error)
{
  UsbtmcPriv *p = t->priv;
  guint8 st[8] = { 0 };
  int r = class_request(p, LL_USBTMC_REQTYPE_ENDPOINT, LL_USBTMC_REQ_INITIATE_ABORT_BULK_IN,
                        p->in_tag, p->ep_in, st, 2);
  if (r == LIBUSB_ERROR_NO_DEVICE)
    return usb_fail(t, r, 0, "aborting the reply", error);
  if (r < 1 || st[0] != LL_USBTMC_STATUS_SUCCESS)
    return TRUE; /* nothing in progress (or not supported) */
  drain_in(p);
  gint64 end = g_get_monotonic_time() + CLEAR_WAIT_MS * 1000;
  for (;;) {
    r = class_request(p, LL_USBTMC_REQTYPE_ENDPOINT, LL_USBTMC_REQ_CHECK_ABORT_BULK_IN_STATUS, 0,
                      p->ep_in, st, 8);
    if (r == LIBUSB_ERROR_NO_DEVICE)
      return usb_fail(t, r, 0, "aborting the reply", error);
    if (r < 1 || st[0] != LL_USBTMC_STATUS_PENDING || g_get_monotonic_time() > end)
      return TRUE;
    if (r >= 2 && (st[1] & 1))
      drain_in(p); /* bmAbortBulkIn.D0: the device still holds data to read out */
    else
      g_usleep(5000);
  }
}

static gboolean
usbtmc_clear(LlTransport *t, GError **error)
{
  UsbtmcPriv *p = t->priv;
  if ((p->requested || p->in_transfer) && !abort_bulk_in(t, error))
    return FALSE;
  reset_in_state(p);

  guint8 st[2] = { 0 };
  int r = class_request(p, LL_USBTMC_REQTYPE_INTERFACE, LL_USBTMC_REQ_INITIATE_CLEAR, 0, p->iface,
                        st, 1);
  if (r < 0)
    return usb_fail(t, r, 0, "device clear (INITIATE_CLEAR)", error);
  if (r < 1 || st[0] != LL_USBTMC_STATUS_SUCCESS) {
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL,
                "device clear refused: INITIATE_CLEAR answered %s0x%02x",
                r < 1 ? "nothing, " : "status ", r < 1 ? 0 : st[0]);
    return FALSE;
  }
  gint64 end = g_get_monotonic_time() + CLEAR_WAIT_MS * 1000;
  for (;;) {
    r = class_request(p, LL_USBTMC_REQTYPE_INTERFACE, LL_USBTMC_REQ_CHECK_CLEAR_STATUS, 0,
                      p->iface, st, 2);
    if (r < 0)
      return usb_fail(t, r, 0, "device clear (CHECK_CLEAR_STATUS)", error);
    if (r >= 1 && st[0] == LL_USBTMC_STATUS_SUCCESS)
      break;
    if (r < 1 || st[0] != LL_USBTMC_STATUS_PENDING) {
      g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL,
                  "device clear failed: CHECK_CLEAR_STATUS answered status 0x%02x",
                  r < 1 ? 0 : st[0]);
      return FALSE;
    }
    if (g_get_monotonic_time() > end) {
      g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT,
                  "device clear still pending after %d ms", CLEAR_WAIT_MS);
      return FALSE;
    }
    if (r >= 2 && (st[1] & 1))
      drain_in(p); /* bmClear.D0: read out the bulk-IN FIFO */
    else
      g_usleep(5000);
  }
  /* USBTMC 1.0 4.2.1.6: the host then clears the bulk-OUT halt (resetting the
   * data toggle); bulk-IN likewise, for a transfer that was cut short. */
  if ((r = libusb_clear_halt(p->handle, p->ep_out)) != 0 ||
      (r = libusb_clear_halt(p->handle, p->ep_in)) != 0)
    return usb_fail(t, r, 0, "device clear (CLEAR_FEATURE ENDPOINT_HALT)", error);
  return TRUE;
}

const LlTransportOps ll_transport_usbtmc_ops = {
  .kind = LL_RESOURCE_USBTMC,
  .priv_size = sizeof(UsbtmcPriv),
  .device_clear = TRUE,
  .open = usbtmc_open,
  .close = usbtmc_close,
  .write = usbtmc_write,
  .read = usbtmc_read,
  .clear = usbtmc_clear,
};
