/* ll-usbtmc-proto.h: USB-TMC (USBTMC 1.0 / USB488) bulk framing as pure
 * functions on byte arrays, with no USB I/O, so the framing rules can be
 * tested on their own and shared by the usbtmc: transport
 * (ll-transport-usbtmc.c) and the fake device used by the tests.
 *
 * Every bulk message starts with a 12-byte header:
 *   [0] MsgID: 1 DEV_DEP_MSG_OUT (host -> device, command bytes),
 *       2 REQUEST_DEV_DEP_MSG_IN (host -> device, "send me a reply") and
 *       2 DEV_DEP_MSG_IN (device -> host, reply bytes)
 *   [1] bTag 1..255 (never 0), [2] ~bTag, [3] 0
 *   [4..7] transfer size, little-endian (payload bytes, header excluded)
 *   [8] attributes: bit 0 EOM on DEV_DEP_MSG_OUT / DEV_DEP_MSG_IN,
 *       bit 1 TermCharEnabled on REQUEST_DEV_DEP_MSG_IN
 *   [9] TermChar (REQUEST_DEV_DEP_MSG_IN), [10..11] 0
 * The payload follows, padded with zero bytes to a multiple of 4. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LL_USBTMC_HEADER_SIZE 12

/* MsgID values. */
#define LL_USBTMC_DEV_DEP_MSG_OUT 1
#define LL_USBTMC_REQUEST_DEV_DEP_MSG_IN 2
#define LL_USBTMC_DEV_DEP_MSG_IN 2

/* Attribute bits. */
#define LL_USBTMC_ATTR_EOM 0x01
#define LL_USBTMC_ATTR_TERM_CHAR 0x02

/* The USB-TMC interface: class, subclass (protocol 0 plain, 1 USB488). */
#define LL_USBTMC_INTERFACE_CLASS 0xfe
#define LL_USBTMC_INTERFACE_SUBCLASS 0x03

/* Class-specific control requests (bRequest). INITIATE_CLEAR,
 * CHECK_CLEAR_STATUS and GET_CAPABILITIES go to the interface
 * (bmRequestType 0xA1, wIndex = interface number); the abort requests go to
 * the endpoint (bmRequestType 0xA2, wIndex = endpoint address). */
#define LL_USBTMC_REQ_INITIATE_ABORT_BULK_OUT 1
#define LL_USBTMC_REQ_CHECK_ABORT_BULK_OUT_STATUS 2
#define LL_USBTMC_REQ_INITIATE_ABORT_BULK_IN 3
#define LL_USBTMC_REQ_CHECK_ABORT_BULK_IN_STATUS 4
#define LL_USBTMC_REQ_INITIATE_CLEAR 5
#define LL_USBTMC_REQ_CHECK_CLEAR_STATUS 6
#define LL_USBTMC_REQ_GET_CAPABILITIES 7

#define LL_USBTMC_REQTYPE_INTERFACE 0xa1 /* device-to-host, class, interface */
#define LL_USBTMC_REQTYPE_ENDPOINT 0xa2  /* device-to-host, class, endpoint */

/* USBTMC_status values, the first byte of every class request's reply. */
#define LL_USBTMC_STATUS_SUCCESS 0x01
#define LL_USBTMC_STATUS_PENDING 0x02
#define LL_USBTMC_STATUS_FAILED 0x80
#define LL_USBTMC_STATUS_TRANSFER_NOT_IN_PROGRESS 0x81
#define LL_USBTMC_STATUS_SPLIT_NOT_IN_PROGRESS 0x82
#define LL_USBTMC_STATUS_SPLIT_IN_PROGRESS 0x83

/* A decoded DEV_DEP_MSG_IN header. */
typedef struct {
  guint8 btag;
  guint32 transfer_size; /* payload bytes in this transfer */
  gboolean eom;          /* the transfer ends the device's message */
} LlUsbtmcInHeader;

/* Returns the bTag to use for the next transfer and advances *@counter:
 * 1, 2, ..., 255, 1, ... A counter of 0 (fresh, zero-filled state) yields 1.
 * The result is never 0. */
guint8 ll_usbtmc_next_btag(guint8 *counter);

/* Bytes a DEV_DEP_MSG_OUT transfer with @payload_len payload bytes takes on
 * the wire: the header plus the payload rounded up to a multiple of 4. */
gsize ll_usbtmc_out_size(gsize payload_len);

/* Writes one DEV_DEP_MSG_OUT transfer into @buf: the header with @btag,
 * ~@btag, transfer size @len and the EOM bit when @eom, then @payload and
 * zero padding to a multiple of 4. @buf_size must be at least
 * ll_usbtmc_out_size(@len) and @len must fit in 32 bits. Returns the number of
 * bytes written (ll_usbtmc_out_size(@len)). */
gsize ll_usbtmc_encode_dev_dep_msg_out(guint8 *buf, gsize buf_size, guint8 btag,
                                       const guint8 *payload, gsize len, gboolean eom);

/* Writes a 12-byte REQUEST_DEV_DEP_MSG_IN header into @buf asking the device
 * for at most @max_size payload bytes. When @use_term_char the TermCharEnabled
 * attribute is set and @term_char is sent (the device may then end the
 * transfer after that character); otherwise both are 0. */
void ll_usbtmc_encode_request_dev_dep_msg_in(guint8 buf[LL_USBTMC_HEADER_SIZE], guint8 btag,
                                             guint32 max_size, gboolean use_term_char,
                                             guint8 term_char);

/* Decodes and validates the DEV_DEP_MSG_IN header at the start of @buf, the
 * first @len bytes of a bulk-IN transfer, against the request it answers:
 * MsgID must be 2, bTag must be @expected_btag and byte 2 its complement,
 * the transfer size must not exceed @requested_max, and when @complete (the
 * bulk read ended with a short packet, so @buf holds the whole transfer) it
 * must not exceed the @len - 12 payload bytes actually received. On success
 * fills @out and returns TRUE; otherwise returns FALSE with @error set to
 * LL_TRANSPORT_ERROR_PROTOCOL and a message naming the bad field and its
 * value. */
gboolean ll_usbtmc_decode_dev_dep_msg_in(const guint8 *buf, gsize len, guint8 expected_btag,
                                         guint32 requested_max, gboolean complete,
                                         LlUsbtmcInHeader *out, GError **error);

G_END_DECLS
