/* ll-discovery.h: finds the instruments attached to the station, whether a
 * station file names them or not: serial ports (through libserialport) and
 * USB-TMC devices (through libusb, with their strings from sysfs). Each entry
 * carries the resource string that would open it, so `lightline instruments
 * scan` can print lines ready to paste into a station file.
 *
 * Discovery never opens a serial port, and opens a USB device only when sysfs
 * lacks one of its strings (so instruments in use by another program, or not
 * accessible to this user, are still listed in full). Results are sorted so
 * the output is stable from run to run. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LL_DISCOVERY_ERROR (ll_discovery_error_quark())
GQuark ll_discovery_error_quark(void);

typedef enum {
  LL_DISCOVERY_ERROR_SERIAL, /* libserialport could not list the ports */
  LL_DISCOVERY_ERROR_USB,    /* libusb could not start or list the devices */
} LlDiscoveryError;

/* One serial port. Every string is owned by the struct (freed by
 * ll_serial_port_info_free()) except @transport, which is static. */
typedef struct {
  gchar *port;            /* "/dev/ttyACM0" */
  gchar *description;     /* libserialport's, e.g. "Lightline EVB - EVB-0001" or "ttyS0" */
  const char *transport;  /* "usb", "native" or "bluetooth" */
  gboolean usb;           /* TRUE when the USB fields below are known */
  guint bus, address;     /* USB bus number and device address (0 if unknown) */
  guint16 vid, pid;
  gchar *serial;          /* USB strings; NULL when the device has none */
  gchar *manufacturer;
  gchar *product;
  gchar *resource;        /* "serial:/dev/ttyACM0": opens the port with default settings */
} LlSerialPortInfo;

/* One USB-TMC device (a device with an interface of class 0xFE, subclass
 * 0x03; listed once even if it has several). Every string is owned by the
 * struct (freed by ll_usbtmc_info_free()). */
typedef struct {
  guint bus, address;     /* as lsusb shows them: Bus 001 Device 005 */
  gchar *port_path;       /* the sysfs name, "1-3.2": bus 1, hub port 3, port 2 */
  guint16 vid, pid;
  guint8 interface_number; /* the USB-TMC interface */
  guint8 interface_protocol; /* 0: USBTMC, 1: USB488 */
  gchar *serial;          /* NULL when the device has none (or it cannot be read) */
  gchar *manufacturer;
  gchar *product;
  /* "usbtmc:1313:8072:P2001234" (lower-case hex); without ":SERIAL" when there
   * is no serial number, or when it contains characters the resource grammar
   * cannot carry (':', '?', '&', '=', spaces or control characters). */
  gchar *resource;
} LlUsbtmcInfo;

/* Lists the serial ports libserialport sees, sorted by port name (numbers in
 * names compare by value: ttyUSB2 before ttyUSB10). Returns a new array that
 * frees its LlSerialPortInfo elements; empty when the machine has no serial
 * ports. Returns NULL with @error set (LL_DISCOVERY_ERROR_SERIAL) only when
 * the ports cannot be listed at all. */
GPtrArray *ll_discover_serial_ports(GError **error);

/* Lists the USB-TMC devices, sorted by bus then address. The manufacturer,
 * product and serial strings come from sysfs
 * (/sys/bus/usb/devices/<port path>/), which needs no access to the device;
 * only a string missing there is read from the device's string descriptors,
 * if the device can be opened. Returns a new array that frees its
 * LlUsbtmcInfo elements; empty when there is no USB-TMC device, or no usbfs on
 * this machine at all. Returns NULL with @error set (LL_DISCOVERY_ERROR_USB)
 * when libusb fails otherwise. */
GPtrArray *ll_discover_usbtmc(GError **error);

/* Frees @info and its strings. NULL is allowed. */
void ll_serial_port_info_free(LlSerialPortInfo *info);
/* Frees @info and its strings. NULL is allowed. */
void ll_usbtmc_info_free(LlUsbtmcInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlSerialPortInfo, ll_serial_port_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlUsbtmcInfo, ll_usbtmc_info_free)

G_END_DECLS
