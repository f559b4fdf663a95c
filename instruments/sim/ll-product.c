/* ll-product.c: the product table (see ll-product.h). The optics statistics
 * are chosen so that a good population sits inside the IEEE limits of the
 * reference with realistic margin and a few percent fall near the edges. */
#include "ll-product.h"

#define DR8_WL { 1311, 1311, 1311, 1311, 1311, 1311, 1311, 1311 }

static const LlProduct products[] = {
  {
    .id = "800G-DR8", .part_number = "LL-800G-DR8", .description = "800GBASE-DR8 OSFP, 8 x 106.25 Gb/s PAM4, 500 m SMF",
    .lanes = 8, .baud_gbd = 53.125, .lane_gbps = 106.25, .wavelength_nm = DR8_WL,
    .identifier = 0x19, .host_interface = 0x51, .media_interface = 0x11, .diag_pages = TRUE,
    .max_power_w = 16.0, .typ_power_w = 14.2,
    .tx_power_dbm = 1.2, .tx_power_sd = 0.35, .er_db = 5.2, .er_sd = 0.3,
    .tdecq_db = 1.7, .tdecq_sd = 0.3, .sens_oma_dbm = -6.6, .sens_sd = 0.35,
  },
  {
    .id = "800G-2xFR4", .part_number = "LL-800G-2FR4", .description = "2 x 400GBASE-FR4 OSFP, CWDM 1271-1331 nm, 2 km",
    .lanes = 8, .baud_gbd = 53.125, .lane_gbps = 106.25,
    .wavelength_nm = { 1271, 1291, 1311, 1331, 1271, 1291, 1311, 1331 },
    .identifier = 0x19, .host_interface = 0x51, .media_interface = 0x1d, .diag_pages = TRUE,
    .max_power_w = 16.0, .typ_power_w = 14.8,
    .tx_power_dbm = 1.5, .tx_power_sd = 0.35, .er_db = 5.2, .er_sd = 0.3,
    .tdecq_db = 1.5, .tdecq_sd = 0.3, .sens_oma_dbm = -6.9, .sens_sd = 0.35,
  },
  {
    .id = "1.6T-DR8", .part_number = "LL-1600G-DR8", .description = "1.6TBASE-DR8 OSFP, 8 x 212.5 Gb/s PAM4, 500 m SMF",
    .lanes = 8, .baud_gbd = 113.4375, .lane_gbps = 226.875, .wavelength_nm = DR8_WL,
    .identifier = 0x19, .host_interface = 0x60, .media_interface = 0x11, .diag_pages = TRUE,
    .max_power_w = 30.0, .typ_power_w = 25.5,
    .tx_power_dbm = 1.6, .tx_power_sd = 0.45, .er_db = 4.8, .er_sd = 0.35,
    .tdecq_db = 2.6, .tdecq_sd = 0.4, .sens_oma_dbm = -4.9, .sens_sd = 0.4,
  },
  {
    .id = "800G-DR8-LPO", .part_number = "LL-800G-DR8-LPO", .description = "800G DR8 linear pluggable optics (no DSP)",
    .lanes = 8, .baud_gbd = 53.125, .lane_gbps = 106.25, .wavelength_nm = DR8_WL,
    .identifier = 0x19, .host_interface = 0x51, .media_interface = 0x11, .diag_pages = FALSE,
    .max_power_w = 10.0, .typ_power_w = 8.3,
    .tx_power_dbm = 1.4, .tx_power_sd = 0.35, .er_db = 5.2, .er_sd = 0.3,
    .tdecq_db = 1.7, .tdecq_sd = 0.3, .sens_oma_dbm = -6.2, .sens_sd = 0.4,
  },
};

const LlProduct *
ll_product_lookup(const char *id)
{
  for (gsize i = 0; i < G_N_ELEMENTS(products); i++)
    if (g_ascii_strcasecmp(products[i].id, id) == 0)
      return &products[i];
  return NULL;
}

const LlProduct *
ll_product_by_part_number(const char *pn)
{
  for (gsize i = 0; i < G_N_ELEMENTS(products); i++)
    if (g_str_equal(products[i].part_number, pn))
      return &products[i];
  return NULL;
}

const LlProduct *
ll_product_list(gsize *n)
{
  *n = G_N_ELEMENTS(products);
  return products;
}
