/* ll-cmis-private.h: helpers the files of the CMIS codec share (ll-cmis.c,
 * ll-cmis-decode.c, ll-cmis-encode.c): big-endian fields at CMIS addresses,
 * page lookups that fail with LL_CMIS_ERROR_NO_PAGE, lane numbering. */
#pragma once

#include "ll-cmis.h"

/* An upper-page byte by its CMIS address (128-255). */
#define CMIS_UP(page, addr) ((page)[(addr) - LL_CMIS_PAGE_SIZE])

static inline guint16
cmis_get_u16(const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static inline void
cmis_put_u16(guint8 *p, guint16 v)
{
  p[0] = (guint8) (v >> 8);
  p[1] = (guint8) (v & 0xff);
}

/* round(@x) clamped to [@lo, @hi]; NAN gives 0 (clamped). */
gint32 ll_cmis_round_clamp(double x, gint32 lo, gint32 hi);

/* Upper page @page of @bank, or NULL with LL_CMIS_ERROR_NO_PAGE. */
const guint8 *ll_cmis_require_page(const LlCmisImage *img, guint bank, guint page,
                                   GError **error);

/* Splits a lane number 1-32 into its bank and its index 0-7 in the bank;
 * LL_CMIS_ERROR_INVALID otherwise. */
gboolean ll_cmis_split_lane(guint lane, guint *bank, guint *index, GError **error);

/* Checks @bank < LL_CMIS_BANKS; LL_CMIS_ERROR_INVALID otherwise. */
gboolean ll_cmis_check_bank(guint bank, GError **error);
