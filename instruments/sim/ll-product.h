/* ll-product.h: the transceiver products Lightline tests, as data: lanes,
 * rates, wavelengths, power class, and the population statistics of their
 * optics that the simulated bench draws units from. Limits are NOT here:
 * they live in the limits tables under sequences/. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LL_MAX_LANES 8

typedef struct {
  const char *id;           /* "800G-DR8", as named on command lines */
  const char *part_number;  /* the vendor part number in CMIS page 00h */
  const char *description;
  guint lanes;
  double baud_gbd;          /* optical symbol rate per lane (PAM4) */
  double lane_gbps;         /* line bit rate per lane */
  double wavelength_nm[LL_MAX_LANES];
  guint8 identifier;        /* SFF-8024: 0x19 OSFP */
  guint8 host_interface;    /* application descriptor codes (SFF-8024 tables) */
  guint8 media_interface;
  gboolean diag_pages;      /* CMIS pages 13h/14h (built-in PRBS/BER) */
  double max_power_w;       /* advertised maximum (page 00h byte 201) */
  double typ_power_w;       /* what a good unit draws when Ready */
  /* optics per lane: population mean and standard deviation */
  double tx_power_dbm, tx_power_sd;
  double er_db, er_sd;
  double tdecq_db, tdecq_sd;
  double sens_oma_dbm, sens_sd; /* received OMA where BER = 2.4e-4 */
} LlProduct;

/* The product with @id ("800G-DR8", "800G-2xFR4", "1.6T-DR8",
 * "800G-DR8-LPO"), or NULL. */
const LlProduct *ll_product_lookup(const char *id);
/* The product whose part number is @pn, or NULL. */
const LlProduct *ll_product_by_part_number(const char *pn);
/* Every product; *@n receives the count. */
const LlProduct *ll_product_list(gsize *n);

G_END_DECLS
