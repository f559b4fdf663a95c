/* ll-station-inspect.c: see ll-station-inspect.h. */
#include "ll-station-inspect.h"
#include "drivers/ll-module.h"

#include <math.h>
#include <string.h>

#define CMIS_ADDRESS 0x50

void
ll_module_view_free(LlModuleView *v)
{
  if (!v)
    return;
  g_clear_pointer(&v->image, ll_cmis_image_free);
  g_free(v);
}

/* Reads bytes [@from, @to) of the two-wire window into @dst (indexed from
 * the window's start for the lower page, from 128 for an upper page). */
static gboolean
read_range(LlEvb *evb, guint from, guint to, guint8 *dst, GError **error)
{
  return ll_evb_twi_read(evb, CMIS_ADDRESS, (guint8) from, dst, to - from, error);
}

/* Selects bank 0 / @page, then reads 128-255 into @out except [@skip_from,
 * @skip_to) (left as 0). The caller holds the EVB session. */
static gboolean
read_upper(LlEvb *evb, guint page, guint skip_from, guint skip_to, guint8 *out, GError **error)
{
  const guint8 select[2] = { 0, (guint8) page };
  if (!ll_evb_twi_write(evb, CMIS_ADDRESS, 126, select, 2, error))
    return FALSE;
  if (skip_from >= skip_to)
    return read_range(evb, 128, 256, out, error);
  return read_range(evb, 128, skip_from, out, error) &&
         read_range(evb, skip_to, 256, out + (skip_to - 128), error);
}

static gboolean
read_image(LlEvb *evb, LlCmisImage *img, GError **error)
{
  guint8 *lower = ll_cmis_image_edit_lower(img);
  memset(lower, 0, 128);
  /* bytes 8-11 latch and clear when read: a test's flag check needs them */
  if (!read_range(evb, 0, 8, lower, error) || !read_range(evb, 12, 128, lower + 12, error))
    return FALSE;
  guint8 page_buf[128];
  static const guint pages[] = { 0x00, 0x01, 0x02 };
  for (gsize i = 0; i < G_N_ELEMENTS(pages); i++) {
    if (ll_cmis_image_is_flat(img) && pages[i] != 0x00)
      break;
    if (!read_upper(evb, pages[i], 0, 0, page_buf, error))
      return FALSE;
    memcpy(ll_cmis_image_edit_page(img, 0, pages[i]), page_buf, 128);
  }
  if (!ll_cmis_image_is_flat(img)) {
    memset(page_buf, 0, sizeof page_buf);
    /* 11h 134-153: latched lane flags, also clear on read */
    if (!read_upper(evb, 0x11, 134, 154, page_buf, error))
      return FALSE;
    memcpy(ll_cmis_image_edit_page(img, 0, 0x11), page_buf, 128);
  }
  return TRUE;
}

LlModuleView *
ll_station_inspect_module(LlStation *station, guint site, GError **error)
{
  LlInstrument *inst = ll_station_resolve_role(station, NULL, LL_CLASS_EVB, site, error);
  if (!inst)
    return NULL;
  LlLease lease = { inst, LL_PARTS_ALL };
  if (!ll_station_lease(station, &lease, 1, error))
    return NULL;
  LlEvb *evb = ll_instrument_evb(inst);
  LlScpi *scpi = ll_evb_scpi(evb);
  g_autoptr(LlModuleView) v = g_new0(LlModuleView, 1);
  v->supply_v = v->supply_a = v->case_c = NAN;
  GError *err = NULL;
  ll_scpi_lock(scpi);
  gboolean ok = ll_evb_module_present(evb, &v->present, &err) &&
                ll_evb_get_power(evb, &v->powered, &err);
  if (ok && v->powered)
    ok = ll_evb_measure(evb, &v->supply_v, &v->supply_a, &err);
  if (ok)
    ll_evb_case_temperature(evb, &v->case_c, NULL);
  if (ok && v->present && v->powered) {
    v->image = ll_cmis_image_new();
    ok = read_image(evb, v->image, &err);
  }
  ll_scpi_unlock(scpi);
  ll_station_release(station, &lease, 1);
  if (!ok) {
    g_propagate_prefixed_error(error, err, "site %u: ", site);
    return NULL;
  }
  return g_steal_pointer(&v);
}
