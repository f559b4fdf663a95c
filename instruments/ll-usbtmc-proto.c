/* ll-usbtmc-proto.c: USB-TMC bulk header encoding and validation (see
 * ll-usbtmc-proto.h). Pure functions: no USB, no state but the caller's bTag
 * counter. */
#include "ll-usbtmc-proto.h"

#include <string.h>

#include "ll-transport.h"

guint8
ll_usbtmc_next_btag(guint8 *counter)
{
  guint8 tag = *counter ? *counter : 1;
  *counter = tag == 255 ? 1 : (guint8) (tag + 1);
  return tag;
}

gsize
ll_usbtmc_out_size(gsize payload_len)
{
  return LL_USBTMC_HEADER_SIZE + ((payload_len + 3) & ~(gsize) 3);
}

static void
put_header(guint8 *buf, guint8 msg_id, guint8 btag, guint32 size, guint8 attributes)
{
  memset(buf, 0, LL_USBTMC_HEADER_SIZE);
  buf[0] = msg_id;
  buf[1] = btag;
  buf[2] = (guint8) ~btag;
  buf[4] = (guint8) size;
  buf[5] = (guint8) (size >> 8);
  buf[6] = (guint8) (size >> 16);
  buf[7] = (guint8) (size >> 24);
  buf[8] = attributes;
}

gsize
ll_usbtmc_encode_dev_dep_msg_out(guint8 *buf, gsize buf_size, guint8 btag, const guint8 *payload,
                                 gsize len, gboolean eom)
{
  gsize total = ll_usbtmc_out_size(len);
  g_return_val_if_fail(buf_size >= total, 0);
  g_return_val_if_fail(len <= G_MAXUINT32, 0);
  g_return_val_if_fail(btag != 0, 0);
  put_header(buf, LL_USBTMC_DEV_DEP_MSG_OUT, btag, (guint32) len, eom ? LL_USBTMC_ATTR_EOM : 0);
  if (len)
    memcpy(buf + LL_USBTMC_HEADER_SIZE, payload, len);
  memset(buf + LL_USBTMC_HEADER_SIZE + len, 0, total - LL_USBTMC_HEADER_SIZE - len);
  return total;
}

void
ll_usbtmc_encode_request_dev_dep_msg_in(guint8 buf[LL_USBTMC_HEADER_SIZE], guint8 btag,
                                        guint32 max_size, gboolean use_term_char,
                                        guint8 term_char)
{
  g_return_if_fail(btag != 0);
  put_header(buf, LL_USBTMC_REQUEST_DEV_DEP_MSG_IN, btag, max_size,
             use_term_char ? LL_USBTMC_ATTR_TERM_CHAR : 0);
  buf[9] = use_term_char ? term_char : 0;
}

gboolean
ll_usbtmc_decode_dev_dep_msg_in(const guint8 *buf, gsize len, guint8 expected_btag,
                                guint32 requested_max, gboolean complete, LlUsbtmcInHeader *out,
                                GError **error)
{
  if (len < LL_USBTMC_HEADER_SIZE) {
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL,
                "USB-TMC reply of %zu bytes is shorter than the %d-byte DEV_DEP_MSG_IN header",
                len, LL_USBTMC_HEADER_SIZE);
    return FALSE;
  }
  if (buf[0] != LL_USBTMC_DEV_DEP_MSG_IN) {
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL,
                "USB-TMC reply has MsgID %u where DEV_DEP_MSG_IN (%u) was expected", buf[0],
                LL_USBTMC_DEV_DEP_MSG_IN);
    return FALSE;
  }
  guint8 inverse = (guint8) (0xff ^ buf[1]);
  if (buf[2] != inverse) {
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL,
                "USB-TMC reply header is corrupt: bTagInverse 0x%02x is not the complement of "
                "bTag %u (0x%02x)",
                buf[2], buf[1], inverse);
    return FALSE;
  }
  if (buf[1] != expected_btag) {
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL,
                "USB-TMC reply carries bTag %u but bTag %u was requested (a reply to an earlier "
                "request?)",
                buf[1], expected_btag);
    return FALSE;
  }
  guint32 size = (guint32) buf[4] | (guint32) buf[5] << 8 | (guint32) buf[6] << 16 |
                 (guint32) buf[7] << 24;
  if (size > requested_max) {
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL,
                "USB-TMC reply announces %u bytes but at most %u were requested", size,
                requested_max);
    return FALSE;
  }
  if (complete && size > len - LL_USBTMC_HEADER_SIZE) {
    g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL,
                "USB-TMC reply announces %u bytes but the transfer ended after %zu", size,
                len - LL_USBTMC_HEADER_SIZE);
    return FALSE;
  }
  out->btag = buf[1];
  out->transfer_size = size;
  out->eom = (buf[8] & LL_USBTMC_ATTR_EOM) != 0;
  return TRUE;
}
