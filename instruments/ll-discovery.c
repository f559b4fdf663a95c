/* ll-discovery.c: lists the serial ports and USB-TMC devices attached to
 * the station (see ll-discovery.h).
 *
 * Serial ports come from libserialport, which reads /sys/class/tty and the
 * USB attributes above each tty without opening it. USB-TMC devices come from
 * libusb, whose descriptors are read from sysfs too (no open needed); their
 * strings are read from the same sysfs directory lsusb uses
 * (/sys/bus/usb/devices/1-3.2/{manufacturer,product,serial}), found by the
 * port path libusb reports and checked against its busnum and devnum, or
 * failing that by scanning for the matching busnum and devnum. A device is
 * opened only to fill in a string sysfs does not have. */
#include "ll-discovery.h"

#include <libserialport.h>
#include <libusb.h>
#include <string.h>

#define SYSFS_USB_DEVICES "/sys/bus/usb/devices"

G_DEFINE_QUARK(ll-discovery-error-quark, ll_discovery_error)

void
ll_serial_port_info_free(LlSerialPortInfo *info)
{
  if (!info)
    return;
  g_free(info->port);
  g_free(info->description);
  g_free(info->serial);
  g_free(info->manufacturer);
  g_free(info->product);
  g_free(info->resource);
  g_free(info);
}

void
ll_usbtmc_info_free(LlUsbtmcInfo *info)
{
  if (!info)
    return;
  g_free(info->port_path);
  g_free(info->serial);
  g_free(info->manufacturer);
  g_free(info->product);
  g_free(info->resource);
  g_free(info);
}

/* strcmp, except that runs of digits compare by value ("ttyUSB2" <
 * "ttyUSB10"), so port lists come out in the order people expect. */
static int
natural_compare(const char *a, const char *b)
{
  while (*a && *b) {
    if (g_ascii_isdigit(*a) && g_ascii_isdigit(*b)) {
      while (*a == '0' && g_ascii_isdigit(a[1]))
        a++;
      while (*b == '0' && g_ascii_isdigit(b[1]))
        b++;
      gsize la = strspn(a, "0123456789"), lb = strspn(b, "0123456789");
      if (la != lb)
        return la < lb ? -1 : 1;
      int c = strncmp(a, b, la);
      if (c != 0)
        return c;
      a += la;
      b += lb;
      continue;
    }
    if (*a != *b)
      return (guchar) *a < (guchar) *b ? -1 : 1;
    a++;
    b++;
  }
  return *a ? 1 : *b ? -1 : 0;
}

/* A copy of @s that is valid UTF-8 (strings end up in JSON), or NULL for a
 * NULL or empty @s. */
static gchar *
dup_string(const char *s)
{
  return s && *s ? g_utf8_make_valid(s, -1) : NULL;
}

/* --- serial ports --------------------------------------------------------- */

static const char *
transport_name(enum sp_transport t)
{
  switch (t) {
  case SP_TRANSPORT_USB: return "usb";
  case SP_TRANSPORT_BLUETOOTH: return "bluetooth";
  case SP_TRANSPORT_NATIVE: break;
  }
  return "native";
}

static LlSerialPortInfo *
serial_port_info(struct sp_port *port)
{
  LlSerialPortInfo *info = g_new0(LlSerialPortInfo, 1);
  info->port = g_strdup(sp_get_port_name(port));
  info->description = dup_string(sp_get_port_description(port));
  info->transport = transport_name(sp_get_port_transport(port));
  info->resource = g_strconcat("serial:", info->port, NULL);
  int vid, pid;
  if (sp_get_port_transport(port) == SP_TRANSPORT_USB &&
      sp_get_port_usb_vid_pid(port, &vid, &pid) == SP_OK) {
    info->usb = TRUE;
    info->vid = (guint16) vid;
    info->pid = (guint16) pid;
    int bus, address;
    if (sp_get_port_usb_bus_address(port, &bus, &address) == SP_OK && bus > 0 && address > 0) {
      info->bus = (guint) bus;
      info->address = (guint) address;
    }
    info->serial = dup_string(sp_get_port_usb_serial(port));
    info->manufacturer = dup_string(sp_get_port_usb_manufacturer(port));
    info->product = dup_string(sp_get_port_usb_product(port));
  }
  return info;
}

static gint
compare_serial(gconstpointer a, gconstpointer b)
{
  const LlSerialPortInfo *x = *(LlSerialPortInfo *const *) a;
  const LlSerialPortInfo *y = *(LlSerialPortInfo *const *) b;
  return natural_compare(x->port, y->port);
}

GPtrArray *
ll_discover_serial_ports(GError **error)
{
  g_autoptr(GPtrArray) out =
    g_ptr_array_new_with_free_func((GDestroyNotify) ll_serial_port_info_free);
  struct sp_port **list = NULL;
  enum sp_return r = sp_list_ports(&list);
  if (r != SP_OK) {
    /* libserialport fails when /sys/class/tty is missing: then there is no
     * tty of any kind here (a bare container), which is no serial port. */
    if (r == SP_ERR_FAIL && !g_file_test("/sys/class/tty", G_FILE_TEST_IS_DIR))
      return g_steal_pointer(&out);
    g_autofree char *msg = r == SP_ERR_FAIL ? sp_last_error_message() : NULL;
    g_set_error(error, LL_DISCOVERY_ERROR, LL_DISCOVERY_ERROR_SERIAL,
                "cannot list serial ports: %s",
                msg ? g_strstrip(msg) : r == SP_ERR_MEM ? "out of memory" : "libserialport failed");
    return NULL;
  }
  for (guint i = 0; list[i]; i++)
    g_ptr_array_add(out, serial_port_info(list[i]));
  sp_free_port_list(list);
  g_ptr_array_sort(out, compare_serial);
  return g_steal_pointer(&out);
}

/* --- USB-TMC -------------------------------------------------------------- */

/* The contents of sysfs attribute @name in @dir without the kernel's
 * trailing newline; NULL if it is missing or empty. */
static gchar *
sysfs_attr(const char *dir, const char *name)
{
  g_autofree gchar *path = g_build_filename(dir, name, NULL);
  g_autofree gchar *text = NULL;
  gsize len;
  if (!g_file_get_contents(path, &text, &len, NULL))
    return NULL;
  if (len > 0 && text[len - 1] == '\n')
    text[len - 1] = '\0';
  return dup_string(text);
}

static gboolean
sysfs_attr_uint(const char *dir, const char *name, guint *value)
{
  g_autofree gchar *text = sysfs_attr(dir, name);
  guint64 v;
  if (!text || !g_ascii_string_to_unsigned(g_strstrip(text), 10, 0, G_MAXUINT, &v, NULL))
    return FALSE;
  *value = (guint) v;
  return TRUE;
}

static gboolean
sysfs_is_device(const char *dir, guint bus, guint address)
{
  guint b, a;
  return sysfs_attr_uint(dir, "busnum", &b) && sysfs_attr_uint(dir, "devnum", &a) && b == bus &&
         a == address;
}

/* The sysfs directory of the USB device at @bus / @address: first where
 * @port_path says (the usual case), else whichever device directory has that
 * busnum and devnum. NULL if none does. */
static gchar *
sysfs_usb_dir(guint bus, guint address, const char *port_path)
{
  if (port_path) {
    g_autofree gchar *dir = g_build_filename(SYSFS_USB_DEVICES, port_path, NULL);
    if (sysfs_is_device(dir, bus, address))
      return g_steal_pointer(&dir);
  }
  g_autoptr(GDir) d = g_dir_open(SYSFS_USB_DEVICES, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    if (strchr(name, ':')) /* an interface, not a device */
      continue;
    g_autofree gchar *dir = g_build_filename(SYSFS_USB_DEVICES, name, NULL);
    if (sysfs_is_device(dir, bus, address))
      return g_steal_pointer(&dir);
  }
  return NULL;
}

/* The kernel's name for the device: "1-3.2" (bus 1, port 3, then port 2 of
 * the hub there), "usb1" for a root hub. NULL if libusb cannot tell. */
static gchar *
usb_port_path(libusb_device *dev)
{
  guint8 ports[8];
  int n = libusb_get_port_numbers(dev, ports, (int) sizeof ports);
  guint bus = libusb_get_bus_number(dev);
  if (n < 0)
    return NULL;
  if (n == 0)
    return g_strdup_printf("usb%u", bus);
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "%u-%u", bus, ports[0]);
  for (int i = 1; i < n; i++)
    g_string_append_printf(s, ".%u", ports[i]);
  return g_string_free(s, FALSE);
}

/* String descriptor @index in language @langid, decoded from UTF-16LE; NULL
 * if the device does not answer or the string is empty. */
static gchar *
usb_string(libusb_device_handle *h, guint8 index, guint16 langid)
{
  guint8 buf[255];
  if (index == 0)
    return NULL;
  int n = libusb_get_string_descriptor(h, index, langid, buf, sizeof buf);
  if (n < 2 || buf[1] != LIBUSB_DT_STRING)
    return NULL;
  n = MIN(n, buf[0]);
  if (n < 4)
    return NULL;
  gunichar2 text[127];
  glong count = (n - 2) / 2;
  for (glong i = 0; i < count; i++)
    text[i] = (gunichar2) (buf[2 + 2 * i] | buf[3 + 2 * i] << 8);
  g_autofree gchar *s = g_utf16_to_utf8(text, count, NULL, NULL, NULL);
  return dup_string(s);
}

/* Fills the strings sysfs did not have from the device itself, if it opens
 * (it may not: no permission, or claimed elsewhere). */
static void
strings_from_device(libusb_device *dev, const struct libusb_device_descriptor *dd,
                    LlUsbtmcInfo *info)
{
  if ((info->manufacturer || !dd->iManufacturer) && (info->product || !dd->iProduct) &&
      (info->serial || !dd->iSerialNumber))
    return;
  libusb_device_handle *h = NULL;
  if (libusb_open(dev, &h) != LIBUSB_SUCCESS)
    return;
  guint8 langs[4];
  guint16 langid = 0x0409; /* English (US), if the device lists no language */
  if (libusb_get_string_descriptor(h, 0, 0, langs, sizeof langs) >= 4 &&
      langs[1] == LIBUSB_DT_STRING)
    langid = (guint16) (langs[2] | langs[3] << 8);
  if (!info->manufacturer)
    info->manufacturer = usb_string(h, dd->iManufacturer, langid);
  if (!info->product)
    info->product = usb_string(h, dd->iProduct, langid);
  if (!info->serial)
    info->serial = usb_string(h, dd->iSerialNumber, langid);
  libusb_close(h);
}

/* Finds the first USB-TMC interface (class 0xFE, subclass 0x03) in any
 * configuration of @dev. */
static gboolean
find_usbtmc_interface(libusb_device *dev, guint8 n_configs, guint8 *number, guint8 *protocol)
{
  for (guint8 c = 0; c < n_configs; c++) {
    struct libusb_config_descriptor *cfg = NULL;
    if (libusb_get_config_descriptor(dev, c, &cfg) != LIBUSB_SUCCESS)
      continue;
    gboolean found = FALSE;
    for (int i = 0; i < cfg->bNumInterfaces && !found; i++) {
      const struct libusb_interface *itf = &cfg->interface[i];
      for (int a = 0; a < itf->num_altsetting && !found; a++) {
        const struct libusb_interface_descriptor *id = &itf->altsetting[a];
        if (id->bInterfaceClass == LIBUSB_CLASS_APPLICATION && id->bInterfaceSubClass == 0x03) {
          *number = id->bInterfaceNumber;
          *protocol = id->bInterfaceProtocol;
          found = TRUE;
        }
      }
    }
    libusb_free_config_descriptor(cfg);
    if (found)
      return TRUE;
  }
  return FALSE;
}

/* TRUE if @serial can go into a resource string unchanged: the usbtmc
 * address is split on ':' and options start at '?'. */
static gboolean
serial_fits_resource(const char *serial)
{
  if (!serial || !*serial)
    return FALSE;
  for (const char *p = serial; *p; p++)
    if (!g_ascii_isgraph(*p) || strchr(":?&=", *p))
      return FALSE;
  return TRUE;
}

static LlUsbtmcInfo *
usbtmc_info(libusb_device *dev)
{
  struct libusb_device_descriptor dd;
  guint8 number = 0, protocol = 0;
  if (libusb_get_device_descriptor(dev, &dd) != LIBUSB_SUCCESS ||
      !find_usbtmc_interface(dev, dd.bNumConfigurations, &number, &protocol))
    return NULL;
  LlUsbtmcInfo *info = g_new0(LlUsbtmcInfo, 1);
  info->bus = libusb_get_bus_number(dev);
  info->address = libusb_get_device_address(dev);
  info->vid = dd.idVendor;
  info->pid = dd.idProduct;
  info->interface_number = number;
  info->interface_protocol = protocol;
  info->port_path = usb_port_path(dev);
  g_autofree gchar *dir = sysfs_usb_dir(info->bus, info->address, info->port_path);
  if (dir) {
    g_free(info->port_path);
    info->port_path = g_path_get_basename(dir);
    info->manufacturer = sysfs_attr(dir, "manufacturer");
    info->product = sysfs_attr(dir, "product");
    info->serial = sysfs_attr(dir, "serial");
  }
  strings_from_device(dev, &dd, info);
  info->resource = serial_fits_resource(info->serial)
                     ? g_strdup_printf("usbtmc:%04x:%04x:%s", info->vid, info->pid, info->serial)
                     : g_strdup_printf("usbtmc:%04x:%04x", info->vid, info->pid);
  return info;
}

static gint
compare_usbtmc(gconstpointer a, gconstpointer b)
{
  const LlUsbtmcInfo *x = *(LlUsbtmcInfo *const *) a;
  const LlUsbtmcInfo *y = *(LlUsbtmcInfo *const *) b;
  if (x->bus != y->bus)
    return x->bus < y->bus ? -1 : 1;
  return x->address < y->address ? -1 : x->address > y->address ? 1 : 0;
}

GPtrArray *
ll_discover_usbtmc(GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify) ll_usbtmc_info_free);
  libusb_context *ctx = NULL;
  int r = libusb_init(&ctx);
  if (r != LIBUSB_SUCCESS) {
    /* Without usbfs there is no USB device to list (a machine or container
     * without USB); any other failure is worth reporting. */
    if (!g_file_test("/dev/bus/usb", G_FILE_TEST_IS_DIR))
      return g_steal_pointer(&out);
    g_set_error(error, LL_DISCOVERY_ERROR, LL_DISCOVERY_ERROR_USB, "cannot start libusb: %s",
                libusb_strerror(r));
    return NULL;
  }
  libusb_device **devs = NULL;
  ssize_t n = libusb_get_device_list(ctx, &devs);
  if (n < 0) {
    g_set_error(error, LL_DISCOVERY_ERROR, LL_DISCOVERY_ERROR_USB, "cannot list USB devices: %s",
                libusb_strerror((int) n));
    libusb_exit(ctx);
    return NULL;
  }
  for (ssize_t i = 0; i < n; i++) {
    LlUsbtmcInfo *info = usbtmc_info(devs[i]);
    if (info)
      g_ptr_array_add(out, info);
  }
  libusb_free_device_list(devs, 1);
  libusb_exit(ctx);
  g_ptr_array_sort(out, compare_usbtmc);
  return g_steal_pointer(&out);
}
