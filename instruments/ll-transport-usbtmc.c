/* placeholder replaced by the USB-TMC transport */
#include "ll-transport-private.h"
static gboolean
u_open(LlTransport *t, GError **error)
{
  g_set_error(error, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_OPEN, "usbtmc not built");
  return FALSE;
}
const LlTransportOps ll_transport_usbtmc_ops = { .kind = LL_RESOURCE_USBTMC, .open = u_open };
