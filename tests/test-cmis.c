/* test-cmis.c: the CMIS module-memory codec (instruments/cmis/) and
 * `lightline module decode`.
 *
 * The reference images are built here by hand, byte by byte, from values
 * worked out on paper (an 800G DR8 OSFP and a flat-memory QSFP112 copper
 * cable); decoding them must give exactly those values. The encoders must
 * rebuild the same bytes from physical values, and round-trip within their
 * resolution. The CLI is run on dumps written from the same builders; the
 * dumps committed under tests/data/cmis/ must equal what the builders make
 * (set LL_CMIS_WRITE_DATA=DIR to write them again, see its README.md). */
#include "cmis/ll-cmis.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

/* ---- hand-built images --------------------------------------------------- */

#define DUMP_LEN 768
#define FLAT_LEN 256
/* a byte of a paged dump by page and CMIS address */
#define LOWER(d, a) ((d)[(a)])
#define P00(d, a) ((d)[128 + (a) - 128])
#define P01(d, a) ((d)[256 + (a) - 128])
#define P02(d, a) ((d)[384 + (a) - 128])
#define P10(d, a) ((d)[512 + (a) - 128])
#define P11(d, a) ((d)[640 + (a) - 128])

static void
be16(guint8 *p, guint16 v)
{
  p[0] = (guint8) (v >> 8);
  p[1] = (guint8) v;
}

static void
text_field(guint8 *p, guint len, const char *text)
{
  memset(p, ' ', len);
  memcpy(p, text, strlen(text));
}

/* low 8 bits of the sum of page bytes @first..@last (CMIS addresses) */
static guint8
sum(const guint8 *page, guint first, guint last)
{
  guint s = 0;
  for (guint a = first; a <= last; a++)
    s += page[a - 128];
  return (guint8) s;
}

/* TX power, bias and RX power registers of the DR8's 8 lanes */
static const guint16 dr8_tx[8] = { 0x2710, 0x1F40, 0x30D4, 0x2710, 0x2710, 0x2710, 0x2710, 0x0000 };
static const guint16 dr8_bias[8] = { 0x0FA0, 0x1194, 0x0FA0, 0x0FA0, 0x0FA0, 0x0FA0, 0x0FA0, 0x0000 };
static const guint16 dr8_rx[8] = { 0x1388, 0x1388, 0x07D0, 0x1388, 0x1388, 0x1388, 0x1388, 0x0000 };

/* An 800G DR8 OSFP, Ready, lane 8 disabled and dark. */
static void
build_dr8(guint8 d[DUMP_LEN])
{
  memset(d, 0, DUMP_LEN);
  /* lower page */
  LOWER(d, 0) = 0x19;           /* OSFP */
  LOWER(d, 1) = 0x52;           /* CMIS 5.2 */
  LOWER(d, 2) = 0x00;           /* paged */
  LOWER(d, 3) = 0x06;           /* Ready, interrupt asserted */
  LOWER(d, 8) = 0x01;           /* state changed */
  LOWER(d, 9) = 0x04;           /* latched temperature high warning */
  be16(&LOWER(d, 14), 0x1A80);  /* 26.5 C */
  be16(&LOWER(d, 16), 0x80E8);  /* 33000 x 100 uV = 3.3 V */
  LOWER(d, 39) = 3;             /* firmware 3.1 */
  LOWER(d, 40) = 1;
  LOWER(d, 85) = 0x02;          /* optical SMF */
  const guint8 apps[] = { 0x51, 0x56, 0x88, 0x01, /* 8 host / 8 media lanes, starts on lane 1 */
                          0x11, 0x1C, 0x44, 0x11 }; /* 4/4, starts on lane 1 or 5 */
  memcpy(&LOWER(d, 86), apps, sizeof apps);
  for (guint a = 94; a < 118; a += 4)
    LOWER(d, a) = 0xFF;         /* unused descriptors */
  LOWER(d, 124) = 0x10;         /* password entry 00001011h */
  LOWER(d, 125) = 0x11;

  /* page 00h */
  P00(d, 128) = 0x19;
  text_field(&P00(d, 129), 16, "LIGHTLINE");
  P00(d, 145) = 0xAC, P00(d, 146) = 0xDE, P00(d, 147) = 0x48;
  text_field(&P00(d, 148), 16, "LL-800G-DR8");
  text_field(&P00(d, 164), 2, "A1");
  text_field(&P00(d, 166), 16, "LLA2610150042");
  text_field(&P00(d, 182), 8, "261015AB");
  text_field(&P00(d, 190), 10, "LLCLEI0001");
  P00(d, 200) = 0xE0;           /* power class 8 */
  P00(d, 201) = 0x40;           /* 64 x 0.25 W = 16 W */
  P00(d, 203) = 0x28;           /* MPO 1x16 */
  P00(d, 212) = 0x06;           /* 1310 nm EML */
  P00(d, 222) = sum(&P00(d, 128), 128, 221);

  /* page 01h */
  be16(&P01(d, 138), 0x666C);   /* 26220 x 0.05 nm = 1311 nm */
  P01(d, 142) = 0x20;           /* pages 13h/14h, bank 0 only */
  P01(d, 144) = 0x35;           /* DPDeinit 10-50 ms, DPInit 100-500 ms */
  P01(d, 151) = 0x10;           /* RX power is average power */
  P01(d, 160) = 0x0F;           /* bias, TX and RX power monitors; bias exponent 1: x2 */
  P01(d, 167) = 0x47;           /* ModulePwrDn 50-100 ms, ModulePwrUp 1-5 s */
  P01(d, 168) = 0x23;           /* TxTurnOff 5-10 ms, TxTurnOn 10-50 ms */
  P01(d, 255) = sum(&P01(d, 128), 130, 254);

  /* page 02h: high alarm, low alarm, high warning, low warning */
  const guint16 thr[] = {
    0x4B00, 0xFB00, 0x4600, 0x0000, /* temperature 75, -5, 70, 0 C */
    0x875A, 0x7A76, 0x86C4, 0x7B0C, /* Vcc 3.465, 3.135, 3.45, 3.15 V */
  };
  for (guint i = 0; i < G_N_ELEMENTS(thr); i++)
    be16(&P02(d, 128 + 2 * i), thr[i]);
  const guint16 thr_lane[] = {
    0x7530, 0x0320, 0x4E20, 0x07D0, /* TX power 3.0, 0.08, 2.0, 0.2 mW */
    0x2710, 0x01F4, 0x2328, 0x03E8, /* TX bias x 4 uA: 40, 2, 36, 4 mA */
    0x7530, 0x0064, 0x4E20, 0x00FA, /* RX power 3.0, 0.01, 2.0, 0.025 mW */
  };
  for (guint i = 0; i < G_N_ELEMENTS(thr_lane); i++)
    be16(&P02(d, 176 + 2 * i), thr_lane[i]);
  P02(d, 255) = sum(&P02(d, 128), 128, 254);

  /* page 10h */
  P10(d, 128) = 0x80;           /* lane 8 data path deinit */
  P10(d, 130) = 0x80;           /* lane 8 TX disabled */
  for (guint i = 0; i < 8; i++)
    P10(d, 145 + i) = 0x10;     /* AppSel 1, data path 0 */

  /* page 11h */
  P11(d, 128) = 0x44, P11(d, 129) = 0x44, P11(d, 130) = 0x44;
  P11(d, 131) = 0x14;           /* lane 7 Activated, lane 8 Deactivated */
  P11(d, 147) = 0x80;           /* lane 8 RX LOS */
  P11(d, 148) = 0x80;           /* lane 8 RX LOL */
  for (guint i = 0; i < 8; i++) {
    be16(&P11(d, 154 + 2 * i), dr8_tx[i]);
    be16(&P11(d, 170 + 2 * i), dr8_bias[i]);
    be16(&P11(d, 186 + 2 * i), dr8_rx[i]);
  }
}

/* A flat-memory QSFP112 passive copper cable, at -5.25 C. */
static void
build_flat(guint8 d[FLAT_LEN])
{
  memset(d, 0, FLAT_LEN);
  LOWER(d, 0) = 0x1E;           /* QSFP+ or later with CMIS */
  LOWER(d, 1) = 0x50;
  LOWER(d, 2) = 0x80;           /* flat memory */
  LOWER(d, 3) = 0x07;           /* Ready, interrupt deasserted */
  LOWER(d, 9) = 0x08;           /* latched temperature low warning */
  be16(&LOWER(d, 14), 0xFAC0);  /* -1344 / 256 = -5.25 C */
  be16(&LOWER(d, 16), 0x80E8);
  LOWER(d, 85) = 0x03;          /* passive copper */
  const guint8 app[] = { 0x48, 0x01, 0x44, 0x01 };
  memcpy(&LOWER(d, 86), app, sizeof app);
  for (guint a = 90; a < 118; a += 4)
    LOWER(d, a) = 0xFF;
  P00(d, 128) = 0x1E;
  text_field(&P00(d, 129), 16, "LIGHTLINE");
  P00(d, 145) = 0xAC, P00(d, 146) = 0xDE, P00(d, 147) = 0x48;
  text_field(&P00(d, 148), 16, "LL-400G-CR4-1M");
  text_field(&P00(d, 164), 2, "B0");
  text_field(&P00(d, 166), 16, "LLC2509300007");
  text_field(&P00(d, 182), 8, "250930");
  text_field(&P00(d, 190), 10, "");
  P00(d, 200) = 0x00;           /* power class 1 */
  P00(d, 201) = 0x01;           /* 0.25 W */
  P00(d, 203) = 0x23;           /* no separable connector */
  P00(d, 212) = 0x0A;           /* copper unequalized */
  P00(d, 222) = sum(&P00(d, 128), 128, 221);
}

static LlCmisImage *
dr8_image(void)
{
  guint8 d[DUMP_LEN];
  build_dr8(d);
  g_autoptr(GError) err = NULL;
  LlCmisImage *img = ll_cmis_image_new_from_dump(d, sizeof d, &err);
  g_assert_no_error(err);
  return img;
}

/* ---- decoding the hand-built images -------------------------------------- */

/* |a - b| <= eps, showing both values when not */
#define assert_near(a, b, eps)                                                                    \
  do {                                                                                            \
    double a_ = (a), b_ = (b);                                                                    \
    if (!(fabs(a_ - b_) <= (eps)))                                                                \
      g_error("%s:%d: %s = %.17g, expected %.17g +/- %g", __FILE__, __LINE__, #a, a_, b_,           \
              (double) (eps));                                                                    \
  } while (0)

static void
test_decode_module(void)
{
  g_autoptr(LlCmisImage) img = dr8_image();
  LlCmisModule m;
  ll_cmis_decode_module(img, &m);
  g_assert_cmpuint(m.identifier, ==, 0x19);
  g_assert_cmpstr(ll_cmis_identifier_name(m.identifier), ==, "OSFP");
  g_assert_cmpuint(m.revision_major, ==, 5);
  g_assert_cmpuint(m.revision_minor, ==, 2);
  g_assert_false(m.flat_memory);
  g_assert_false(ll_cmis_image_is_flat(img));
  g_assert_cmpuint(m.module_state, ==, LL_CMIS_MODULE_READY);
  g_assert_cmpstr(ll_cmis_module_state_name(m.module_state), ==, "Ready");
  g_assert_false(m.interrupt_deasserted);
  g_assert_cmpuint(m.module_flags, ==, LL_CMIS_FLAG_STATE_CHANGED);
  g_assert_cmpuint(m.monitor_flags, ==, LL_CMIS_FLAG_TEMP_HIGH_WARNING);
  g_assert_cmpfloat(m.temperature_c, ==, 26.5);
  g_assert_cmpfloat(m.vcc_v, ==, 3.3);
  g_assert_cmpuint(m.firmware_major, ==, 3);
  g_assert_cmpuint(m.firmware_minor, ==, 1);
  g_assert_cmpuint(m.fault_cause, ==, 0);
  g_assert_cmpstr(ll_cmis_fault_cause_name(m.fault_cause), ==, "none");
  g_assert_cmpstr(ll_cmis_media_type_name(m.media_type), ==, "optical SMF");
  g_assert_cmpuint(m.password_entry, ==, 0x1011);
  g_assert_cmpuint(m.n_applications, ==, 2);
  g_assert_cmpuint(m.applications[0].app_sel, ==, 1);
  g_assert_cmpuint(m.applications[0].host_interface_id, ==, 0x51);
  g_assert_cmpuint(m.applications[0].media_interface_id, ==, 0x56);
  g_assert_cmpuint(m.applications[0].host_lane_count, ==, 8);
  g_assert_cmpuint(m.applications[0].media_lane_count, ==, 8);
  g_assert_cmpuint(m.applications[0].host_lane_assignment, ==, 0x01);
  g_assert_cmpuint(m.applications[1].app_sel, ==, 2);
  g_assert_cmpuint(m.applications[1].host_lane_count, ==, 4);
  g_assert_cmpuint(m.applications[1].host_lane_assignment, ==, 0x11);
}

static void
test_decode_identity(void)
{
  g_autoptr(LlCmisImage) img = dr8_image();
  LlCmisIdentity id;
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_cmis_decode_identity(img, &id, &err));
  g_assert_cmpstr(id.vendor_name, ==, "LIGHTLINE");
  g_assert_cmpmem(id.vendor_oui, 3, "\xAC\xDE\x48", 3);
  g_assert_cmpstr(id.part_number, ==, "LL-800G-DR8");
  g_assert_cmpstr(id.revision, ==, "A1");
  g_assert_cmpstr(id.serial_number, ==, "LLA2610150042");
  g_assert_cmpstr(id.date_code, ==, "261015AB");
  g_assert_cmpstr(id.manufacture_date, ==, "2026-10-15");
  g_assert_cmpstr(id.lot, ==, "AB");
  g_assert_cmpstr(id.clei, ==, "LLCLEI0001");
  g_assert_cmpuint(id.power_class, ==, 8);
  g_assert_cmpfloat(id.max_power_w, ==, 16.0);
  g_assert_cmpstr(ll_cmis_connector_name(id.connector), ==, "MPO 1x16");
  g_assert_cmpstr(ll_cmis_media_technology_name(id.media_technology), ==, "1310 nm EML");

  /* a date code that is no date; a non-printable byte; NUL padding */
  guint8 *p = ll_cmis_image_edit_page(img, 0, 0x00);
  memcpy(&p[182 - 128], "261345AB", 8);
  p[129 - 128 + 2] = 0x07;
  memset(&p[148 - 128 + 6], 0, 10);
  g_assert_true(ll_cmis_decode_identity(img, &id, &err));
  g_assert_cmpstr(id.manufacture_date, ==, "");
  g_assert_cmpstr(id.lot, ==, "AB");
  g_assert_cmpstr(id.vendor_name, ==, "LI?HTLINE");
  g_assert_cmpstr(id.part_number, ==, "LL-800");
}

static void
test_decode_advertising(void)
{
  g_autoptr(LlCmisImage) img = dr8_image();
  LlCmisAdvertising a;
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_cmis_decode_advertising(img, &a, &err));
  g_assert_cmpfloat(a.wavelength_nm, ==, 1311.0);
  g_assert_true(a.diag_pages_supported);
  g_assert_cmpuint(a.banks, ==, 1);
  g_assert_cmpint(a.rx_power_type, ==, LL_CMIS_RX_POWER_AVERAGE);
  g_assert_true(a.tx_bias_monitor && a.tx_power_monitor && a.rx_power_monitor);
  g_assert_cmpuint(a.tx_bias_exponent, ==, 1);
  g_assert_cmpuint(a.tx_bias_multiplier, ==, 2);
  g_assert_cmpuint(a.dp_init.code, ==, 5);
  g_assert_cmpfloat(a.dp_init.min_ms, ==, 100);
  g_assert_cmpfloat(a.dp_init.max_ms, ==, 500);
  g_assert_cmpfloat(a.dp_deinit.max_ms, ==, 50);
  g_assert_cmpuint(a.module_pwr_up.code, ==, 7);
  g_assert_cmpfloat(a.module_pwr_up.min_ms, ==, 1000);
  g_assert_cmpfloat(a.module_pwr_up.max_ms, ==, 5000);
  g_assert_cmpfloat(a.module_pwr_dn.max_ms, ==, 100);
  g_assert_cmpfloat(a.dp_tx_turn_on.max_ms, ==, 50);
  g_assert_cmpfloat(a.dp_tx_turn_off.max_ms, ==, 10);
  g_assert_cmpstr(ll_cmis_duration_text(7), ==, "1 s <= t < 5 s");

  /* the ends of the duration table */
  LlCmisDuration d = ll_cmis_decode_duration(0);
  g_assert_cmpfloat(d.min_ms, ==, 0);
  g_assert_cmpfloat(d.max_ms, ==, 1);
  d = ll_cmis_decode_duration(13);
  g_assert_cmpfloat(d.min_ms, ==, 3000000);
  g_assert_true(isinf(d.max_ms));
  d = ll_cmis_decode_duration(14);
  g_assert_true(isnan(d.min_ms) && isnan(d.max_ms));
  g_assert_cmpstr(ll_cmis_duration_text(15), ==, "reserved");
}

static void
assert_set(const LlCmisThresholdSet *t, double ha, double la, double hw, double lw, double eps)
{
  assert_near(t->high_alarm, ha, eps);
  assert_near(t->low_alarm, la, eps);
  assert_near(t->high_warning, hw, eps);
  assert_near(t->low_warning, lw, eps);
}

static void
test_decode_thresholds(void)
{
  g_autoptr(LlCmisImage) img = dr8_image();
  LlCmisThresholds t;
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_cmis_decode_thresholds(img, &t, &err));
  assert_set(&t.temperature_c, 75, -5, 70, 0, 0);
  assert_set(&t.vcc_v, 3.465, 3.135, 3.45, 3.15, 1e-12);
  assert_set(&t.tx_power_mw, 3.0, 0.08, 2.0, 0.2, 1e-12);
  assert_set(&t.tx_power_dbm, 4.771212547, -10.96910013, 3.010299957, -6.989700043, 1e-8);
  assert_set(&t.tx_bias_ma, 40, 2, 36, 4, 1e-12); /* x2 multiplier: 4 uA per step */
  assert_set(&t.rx_power_mw, 3.0, 0.01, 2.0, 0.025, 1e-12);
  assert_set(&t.rx_power_dbm, 4.771212547, -20, 3.010299957, -16.02059991, 1e-8);
}

static void
test_decode_lanes(void)
{
  g_autoptr(LlCmisImage) img = dr8_image();
  g_autoptr(GError) err = NULL;
  LlCmisLaneControls c;
  g_assert_true(ll_cmis_decode_lane_controls(img, 0, &c, &err));
  g_assert_cmpuint(c.data_path_deinit, ==, 0x80);
  g_assert_cmpuint(c.tx_disable, ==, 0x80);
  g_assert_cmpuint(c.rx_disable, ==, 0);
  for (guint i = 0; i < 8; i++) {
    g_assert_cmpuint(c.app_sel[i], ==, 1);
    g_assert_cmpuint(c.data_path_id[i], ==, 0);
    g_assert_false(c.explicit_control[i]);
  }

  LlCmisLaneStatus s;
  g_assert_true(ll_cmis_decode_lane_status(img, 0, &s, &err));
  for (guint i = 0; i < 7; i++)
    g_assert_cmpuint(s.data_path_state[i], ==, LL_CMIS_DP_ACTIVATED);
  g_assert_cmpuint(s.data_path_state[7], ==, LL_CMIS_DP_DEACTIVATED);
  g_assert_cmpstr(ll_cmis_data_path_state_name(s.data_path_state[7]), ==, "Deactivated");
  g_assert_cmpuint(s.rx_los, ==, 0x80);
  g_assert_cmpuint(s.rx_lol, ==, 0x80);
  g_assert_cmpuint(s.tx_fault | s.tx_los | s.tx_lol, ==, 0);
  /* 0x2710 = 10000 x 0.1 uW = 1.0000 mW = 0.00 dBm */
  g_assert_cmpfloat(s.tx_power_mw[0], ==, 1.0);
  g_assert_cmpfloat(s.tx_power_dbm[0], ==, 0.0);
  g_assert_cmpfloat(s.tx_power_mw[1], ==, 0.8);
  assert_near(s.tx_power_dbm[1], -0.9691001301, 1e-9);
  g_assert_cmpfloat(s.tx_power_mw[2], ==, 1.25);
  /* 0x0FA0 = 4000 x 2 uA x 2 = 16 mA; 0x1194 = 4500 -> 18 mA */
  g_assert_cmpfloat(s.tx_bias_ma[0], ==, 16.0);
  g_assert_cmpfloat(s.tx_bias_ma[1], ==, 18.0);
  g_assert_cmpfloat(s.rx_power_mw[0], ==, 0.5);
  assert_near(s.rx_power_dbm[0], -3.010299957, 1e-9);
  g_assert_cmpfloat(s.rx_power_mw[2], ==, 0.2);
  /* the dark lane: 0 mW is -inf dBm (null in JSON) */
  g_assert_cmpfloat(s.tx_power_mw[7], ==, 0.0);
  g_assert_true(isinf(s.tx_power_dbm[7]) && s.tx_power_dbm[7] < 0);
  g_assert_true(isinf(s.rx_power_dbm[7]) && s.rx_power_dbm[7] < 0);
  g_assert_cmpfloat(s.tx_bias_ma[7], ==, 0.0);

  /* banks other than 0 are not in this image; bank 4 does not exist */
  g_assert_false(ll_cmis_decode_lane_status(img, 1, &s, &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_NO_PAGE);
  g_clear_error(&err);
  g_assert_false(ll_cmis_decode_lane_status(img, 4, &s, &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
}

/* The multiplier is 2^exponent of 01h:160 bits 4-3, and it multiplies. */
static void
test_bias_multiplier(void)
{
  g_autoptr(LlCmisImage) img = ll_cmis_image_new();
  guint8 *p11 = ll_cmis_image_edit_page(img, 0, 0x11);
  be16(&p11[170 - 128], 1000); /* 1000 steps of 2 uA x multiplier */
  g_autoptr(GError) err = NULL;
  LlCmisLaneStatus s;

  /* no page 01h: multiplier 1 */
  g_assert_cmpuint(ll_cmis_image_bias_multiplier(img), ==, 1);
  g_assert_true(ll_cmis_decode_lane_status(img, 0, &s, &err));
  g_assert_cmpfloat(s.tx_bias_ma[0], ==, 2.0);

  const struct {
    guint8 byte160;
    guint mult;
    double ma;
  } cases[] = {
    { 0x00, 1, 2.0 }, { 0x07, 1, 2.0 }, { 0x08, 2, 4.0 }, { 0x0F, 2, 4.0 },
    { 0x10, 4, 8.0 }, { 0x17, 4, 8.0 }, { 0xE7, 1, 2.0 }, /* other bits do not matter */
  };
  guint8 *p01 = ll_cmis_image_edit_page(img, 0, 0x01);
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    p01[160 - 128] = cases[i].byte160;
    g_assert_cmpuint(ll_cmis_bias_multiplier(cases[i].byte160), ==, cases[i].mult);
    g_assert_true(ll_cmis_decode_lane_status(img, 0, &s, &err));
    g_assert_cmpfloat(s.tx_bias_ma[0], ==, cases[i].ma);
  }
  /* exponent 3 is reserved: no bias rather than a wrong one */
  p01[160 - 128] = 0x18;
  g_assert_cmpuint(ll_cmis_bias_multiplier(0x18), ==, 0);
  g_assert_true(ll_cmis_decode_lane_status(img, 0, &s, &err));
  g_assert_true(isnan(s.tx_bias_ma[0]));
  g_assert_false(ll_cmis_set_lane_monitors(img, 1, 1.0, 10.0, 1.0, &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
  g_clear_error(&err);

  /* the encoder uses the same multiplier: 10 mA at x4 is 1250 steps */
  p01[160 - 128] = 0x10;
  g_assert_true(ll_cmis_set_lane_monitors(img, 1, 1.0, 10.0, 1.0, &err));
  g_assert_cmpuint((guint) ((p11[170 - 128] << 8) | p11[171 - 128]), ==, 1250);
  g_assert_cmpuint(ll_cmis_encode_bias(10.0, 1), ==, 5000);
  g_assert_cmpuint(ll_cmis_encode_bias(10.0, 2), ==, 2500);
  g_assert_cmpfloat(ll_cmis_decode_bias(65535, 4), ==, 524.28);
}

static void
test_checksums(void)
{
  g_autoptr(LlCmisImage) img = dr8_image();
  LlCmisChecksum c;
  for (guint p = 0; p < 3; p++) {
    ll_cmis_check_checksum(img, p, &c);
    g_assert_true(c.present);
    g_assert_true(c.ok);
    g_assert_cmpuint(c.stored, ==, c.computed);
  }
  guint8 d[DUMP_LEN];
  build_dr8(d);
  ll_cmis_check_checksum(img, 0, &c);
  g_assert_cmpuint(c.stored, ==, P00(d, 222));

  /* a corrupted data byte: stored stays, computed moves */
  guint8 *p00 = ll_cmis_image_edit_page(img, 0, 0x00);
  p00[130 - 128] ^= 0x20; /* "LIGHTLINE" -> "LiGHTLINE" */
  ll_cmis_check_checksum(img, 0, &c);
  g_assert_false(c.ok);
  g_assert_cmpuint(c.stored, ==, P00(d, 222));
  g_assert_cmpuint(c.computed, ==, (guint8) (P00(d, 222) + 0x20));
  /* page 01h's sum starts at 130: bytes 128-129 (inactive firmware) are outside */
  guint8 *p01 = ll_cmis_image_edit_page(img, 0, 0x01);
  p01[0] = 0x55;
  p01[1] = 0x66;
  ll_cmis_check_checksum(img, 1, &c);
  g_assert_true(c.ok);
  p01[130 - 128] = 0x01;
  ll_cmis_check_checksum(img, 1, &c);
  g_assert_false(c.ok);
  /* a corrupted checksum byte */
  guint8 *p02 = ll_cmis_image_edit_page(img, 0, 0x02);
  p02[255 - 128]++;
  ll_cmis_check_checksum(img, 2, &c);
  g_assert_false(c.ok);
  g_assert_cmpuint(c.computed, ==, P02(d, 255));

  ll_cmis_update_checksums(img);
  for (guint p = 0; p < 3; p++) {
    ll_cmis_check_checksum(img, p, &c);
    g_assert_true(c.ok);
  }
  /* an absent page is reported as absent, not as bad */
  ll_cmis_image_remove_page(img, 0, 0x02);
  ll_cmis_check_checksum(img, 2, &c);
  g_assert_false(c.present);
  g_assert_false(c.ok);
}

/* ---- scalar codecs -------------------------------------------------------- */

static void
test_ber(void)
{
  /* 0x90 0xF0: exponent (0x90 >> 3) - 24 = -6, mantissa 240: 2.4e-4, the KP4 limit */
  assert_near(ll_cmis_decode_ber(0x90, 0xF0) / 2.4e-4, 1.0, 1e-15);
  guint8 b0, b1;
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_cmis_encode_ber(2.4e-4, &b0, &b1, &err));
  g_assert_cmpuint(b0, ==, 0x90);
  g_assert_cmpuint(b1, ==, 0xF0);
  /* 1e-12 = 1000e-15: exponent code 9, mantissa 1000 = 0x3E8 */
  g_assert_true(ll_cmis_encode_ber(1e-12, &b0, &b1, &err));
  g_assert_cmpuint(b0, ==, (9 << 3) | 0x3);
  g_assert_cmpuint(b1, ==, 0xE8);
  g_assert_true(ll_cmis_encode_ber(0, &b0, &b1, &err));
  g_assert_cmpfloat(ll_cmis_decode_ber(b0, b1), ==, 0.0);
  g_assert_cmpfloat(ll_cmis_decode_ber(0xFF, 0xFF), ==, 2047e7);

  /* every value from 1e-15 to 1e-1: largest mantissa, relative error <= 0.5/204.75 */
  const guint n = 2801;
  for (guint i = 0; i < n; i++) {
    double ber = pow(10.0, -15.0 + 14.0 * i / (n - 1));
    g_assert_true(ll_cmis_encode_ber(ber, &b0, &b1, &err));
    guint mantissa = ((guint) (b0 & 7) << 8) | b1;
    g_assert_cmpuint(mantissa, >=, 205);
    g_assert_cmpuint(mantissa, <=, 2047);
    double back = ll_cmis_decode_ber(b0, b1);
    g_assert_cmpfloat(fabs(back - ber) / ber, <=, 0.5 / 204.75);
    /* the next smaller exponent would not fit */
    int e = (b0 >> 3) - 24;
    g_assert_cmpfloat(round(ber / pow(10.0, e - 1)), >, 2047);
    /* and what was encoded encodes to itself */
    guint8 c0, c1;
    g_assert_true(ll_cmis_encode_ber(back, &c0, &c1, &err));
    g_assert_cmpuint(c0, ==, b0);
    g_assert_cmpuint(c1, ==, b1);
  }

  const double bad[] = { -1e-9, NAN, INFINITY, 2.1e10 };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_assert_false(ll_cmis_encode_ber(bad[i], &b0, &b1, &err));
    g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
    g_clear_error(&err);
  }
}

static void
test_scalars(void)
{
  /* known values */
  g_assert_cmpfloat(ll_cmis_decode_temperature(0x1A80), ==, 26.5);
  g_assert_cmpfloat(ll_cmis_decode_temperature(0xFAC0), ==, -5.25);
  g_assert_cmpfloat(ll_cmis_decode_temperature(0x8000), ==, -128.0);
  g_assert_cmpfloat(ll_cmis_decode_vcc(0x80E8), ==, 3.3);
  g_assert_cmpfloat(ll_cmis_decode_power(0x2710), ==, 1.0);
  assert_near(ll_cmis_mw_to_dbm(ll_cmis_decode_power(1)), -40.0, 1e-12);
  g_assert_cmpuint(ll_cmis_encode_temperature(26.5), ==, 0x1A80);
  g_assert_cmpuint(ll_cmis_encode_temperature(-5.25), ==, 0xFAC0);
  g_assert_cmpuint(ll_cmis_encode_vcc(3.3), ==, 0x80E8);
  g_assert_cmpuint(ll_cmis_encode_power(1.0), ==, 0x2710);
  assert_near(ll_cmis_dbm_to_mw(-3.010299957), 0.5, 1e-9);
  g_assert_cmpfloat(ll_cmis_dbm_to_mw(-INFINITY), ==, 0.0);

  /* clamping to the 16-bit range, and NAN */
  g_assert_cmpuint(ll_cmis_encode_temperature(200), ==, 0x7FFF);
  g_assert_cmpuint(ll_cmis_encode_temperature(-200), ==, 0x8000);
  g_assert_cmpuint(ll_cmis_encode_vcc(7.0), ==, 0xFFFF);
  g_assert_cmpuint(ll_cmis_encode_vcc(-1.0), ==, 0);
  g_assert_cmpuint(ll_cmis_encode_power(10.0), ==, 0xFFFF);
  g_assert_cmpuint(ll_cmis_encode_power(-0.5), ==, 0);
  g_assert_cmpuint(ll_cmis_encode_power(NAN), ==, 0);
  g_assert_cmpuint(ll_cmis_encode_bias(1000.0, 4), ==, 0xFFFF);
  g_assert_cmpuint(ll_cmis_encode_bias(-3.0, 2), ==, 0);
  g_assert_true(isnan(ll_cmis_mw_to_dbm(NAN)));
  g_assert_true(isinf(ll_cmis_mw_to_dbm(0)));

  /* round trips within half a step */
  for (double c = -40; c <= 110; c += 0.37)
    assert_near(ll_cmis_decode_temperature(ll_cmis_encode_temperature(c)), c, 0.5 / 256);
  for (double v = 0; v <= 6.5; v += 0.0137)
    assert_near(ll_cmis_decode_vcc(ll_cmis_encode_vcc(v)), v, 0.5e-4 + 1e-12);
  for (double mw = 0; mw <= 6.5; mw += 0.00731)
    assert_near(ll_cmis_decode_power(ll_cmis_encode_power(mw)), mw, 0.5e-4 + 1e-12);
  for (guint mult = 1; mult <= 4; mult *= 2)
    for (double ma = 0; ma <= 130; ma += 0.731)
      assert_near(ll_cmis_decode_bias(ll_cmis_encode_bias(ma, mult), mult), ma,
                  0.5 * 0.002 * mult + 1e-12);
}

static void
test_names(void)
{
  g_assert_cmpstr(ll_cmis_identifier_name(0x18), ==, "QSFP-DD");
  g_assert_cmpstr(ll_cmis_identifier_name(0x19), ==, "OSFP");
  g_assert_cmpstr(ll_cmis_identifier_name(0x1E), ==, "QSFP112");
  g_assert_cmpstr(ll_cmis_identifier_name(0x21), ==, "OSFP-XD");
  g_assert_cmpstr(ll_cmis_identifier_name(0x7F), ==, "unknown");
  g_assert_cmpstr(ll_cmis_identifier_name(0x80), ==, "vendor specific");
  const char *states[] = { "reserved", "LowPwr", "PwrUp", "Ready", "PwrDn", "Fault", "reserved" };
  for (guint i = 0; i < G_N_ELEMENTS(states); i++)
    g_assert_cmpstr(ll_cmis_module_state_name((guint8) i), ==, states[i]);
  const char *dps[] = { "reserved", "Deactivated", "Init", "Deinit", "Activated",
                        "TxTurnOn", "TxTurnOff", "Initialized", "reserved" };
  for (guint i = 0; i < G_N_ELEMENTS(dps); i++)
    g_assert_cmpstr(ll_cmis_data_path_state_name((guint8) i), ==, dps[i]);
  const char *faults[] = { "none", "TEC runaway", "data memory corrupted",
                           "program memory corrupted", "TX fault", "RX fault", "temperature" };
  for (guint i = 0; i < G_N_ELEMENTS(faults); i++)
    g_assert_cmpstr(ll_cmis_fault_cause_name((guint8) i), ==, faults[i]);
  const char *patterns[] = { "PRBS31Q", "PRBS31", "PRBS23Q", "PRBS23", "PRBS15Q", "PRBS15",
                             "PRBS13Q", "PRBS13", "PRBS9Q", "PRBS9", "PRBS7Q", "PRBS7",
                             "SSPRQ", "reserved" };
  for (guint i = 0; i < G_N_ELEMENTS(patterns); i++)
    g_assert_cmpstr(ll_cmis_prbs_pattern_name((guint8) i), ==, patterns[i]);
  g_assert_cmpstr(ll_cmis_connector_name(0x07), ==, "LC");
  g_assert_cmpstr(ll_cmis_connector_name(0x0C), ==, "MPO 1x12");
  g_assert_cmpstr(ll_cmis_media_technology_name(0x00), ==, "850 nm VCSEL");
}

/* ---- pages 13h/14h -------------------------------------------------------- */

static void
test_prbs_and_ber_pages(void)
{
  g_autoptr(LlCmisImage) img = dr8_image();
  g_autoptr(GError) err = NULL;
  LlCmisPrbs pr;
  LlCmisBer ber;
  g_assert_false(ll_cmis_decode_prbs(img, 0, &pr, &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_NO_PAGE);
  g_clear_error(&err);

  /* by hand: host generators on lanes 1-4 PRBS31Q (lane 1 PRBS13Q), media
   * checkers on all lanes SSPRQ on odd lanes, PRBS31 on even lanes */
  guint8 *p13 = ll_cmis_image_edit_page(img, 0, 0x13);
  p13[144 - 128] = 0x0F;
  p13[148 - 128] = 0x06; /* lane 1 PRBS13Q (6), lane 2 PRBS31Q (0) */
  p13[168 - 128] = 0xFF;
  for (guint a = 172; a <= 175; a++)
    p13[a - 128] = 0x1C; /* odd lanes 12 SSPRQ, even lanes 1 PRBS31 */
  g_assert_true(ll_cmis_decode_prbs(img, 0, &pr, &err));
  g_assert_cmpuint(pr.host_generator, ==, 0x0F);
  g_assert_cmpuint(pr.media_checker, ==, 0xFF);
  g_assert_cmpuint(pr.host_checker | pr.media_generator, ==, 0);
  g_assert_cmpstr(ll_cmis_prbs_pattern_name(pr.host_generator_pattern[0]), ==, "PRBS13Q");
  g_assert_cmpstr(ll_cmis_prbs_pattern_name(pr.host_generator_pattern[1]), ==, "PRBS31Q");
  for (guint i = 0; i < 8; i++)
    g_assert_cmpstr(ll_cmis_prbs_pattern_name(pr.media_checker_pattern[i]), ==,
                    i % 2 ? "PRBS31" : "SSPRQ");

  /* by hand: host lane 1 2.4e-4 (90 F0), media lane 8 1e-12 (4B E8) */
  guint8 *p14 = ll_cmis_image_edit_page(img, 0, 0x14);
  p14[128 - 128] = 0x01;
  p14[192 - 128] = 0x90, p14[193 - 128] = 0xF0;
  p14[222 - 128] = 0x4B, p14[223 - 128] = 0xE8;
  g_assert_true(ll_cmis_decode_ber_page(img, 0, &ber, &err));
  g_assert_cmpuint(ber.selector, ==, 1);
  assert_near(ber.host_ber[0] / 2.4e-4, 1, 1e-15);
  assert_near(ber.media_ber[7] / 1e-12, 1, 1e-15);
  g_assert_cmpfloat(ber.host_ber[1], ==, 0);
  p14[0] = 0x02; /* page 14h showing something else */
  g_assert_true(ll_cmis_decode_ber_page(img, 0, &ber, &err));
  g_assert_true(isnan(ber.host_ber[0]));

  /* the encoders give back the same bytes */
  g_autoptr(LlCmisImage) enc = ll_cmis_image_new();
  LlCmisPrbs want = pr;
  g_assert_true(ll_cmis_encode_prbs(enc, 0, &want, &err));
  g_assert_cmpmem(ll_cmis_image_get_page(enc, 0, 0x13), 128, p13, 128);
  g_assert_true(ll_cmis_set_ber(enc, 1, FALSE, 2.4e-4, &err));
  g_assert_true(ll_cmis_set_ber(enc, 8, TRUE, 1e-12, &err));
  p14[0] = 0x01;
  g_assert_cmpmem(ll_cmis_image_get_page(enc, 0, 0x14), 128, p14, 128);
  /* lane 9 is lane 1 of bank 1 */
  g_assert_true(ll_cmis_set_ber(enc, 9, FALSE, 1e-6, &err));
  g_assert_true(ll_cmis_decode_ber_page(enc, 1, &ber, &err));
  assert_near(ber.host_ber[0], 1e-6, 1e-18);
  g_assert_false(ll_cmis_set_ber(enc, 33, FALSE, 1e-6, &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
  g_clear_error(&err);
  want.host_checker_pattern[3] = 16;
  g_assert_false(ll_cmis_encode_prbs(enc, 0, &want, &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
}

/* ---- encoders ------------------------------------------------------------- */

/* The DR8 built from physical values with the encoders. */
static LlCmisImage *
encode_dr8(void)
{
  g_autoptr(GError) err = NULL;
  LlCmisImage *img = ll_cmis_image_new();
  LlCmisModule m = {
    .identifier = 0x19, .revision_major = 5, .revision_minor = 2,
    .module_state = LL_CMIS_MODULE_READY, .module_flags = LL_CMIS_FLAG_STATE_CHANGED,
    .monitor_flags = LL_CMIS_FLAG_TEMP_HIGH_WARNING, .temperature_c = 26.5, .vcc_v = 3.3,
    .firmware_major = 3, .firmware_minor = 1, .media_type = 0x02, .n_applications = 2,
    .applications = { { 1, 0x51, 0x56, 8, 8, 0x01 }, { 2, 0x11, 0x1C, 4, 4, 0x11 } },
    .password_entry = 0x1011,
  };
  g_assert_true(ll_cmis_encode_module(img, &m, &err));
  LlCmisIdentity id = {
    .vendor_name = "LIGHTLINE", .vendor_oui = { 0xAC, 0xDE, 0x48 }, .part_number = "LL-800G-DR8",
    .revision = "A1", .serial_number = "LLA2610150042", .date_code = "261015AB",
    .clei = "LLCLEI0001", .power_class = 8, .max_power_w = 16.0, .connector = 0x28,
    .media_technology = 0x06,
  };
  g_assert_true(ll_cmis_encode_identity(img, &id, &err));
  LlCmisAdvertising adv = {
    .wavelength_nm = 1311.0, .diag_pages_supported = TRUE, .banks = 1,
    .rx_power_type = LL_CMIS_RX_POWER_AVERAGE, .tx_bias_monitor = TRUE,
    .tx_power_monitor = TRUE, .rx_power_monitor = TRUE, .tx_bias_exponent = 1,
    .dp_init = { .code = 5 }, .dp_deinit = { .code = 3 }, .module_pwr_up = { .code = 7 },
    .module_pwr_dn = { .code = 4 }, .dp_tx_turn_on = { .code = 3 }, .dp_tx_turn_off = { .code = 2 },
  };
  g_assert_true(ll_cmis_encode_advertising(img, &adv, &err));
  LlCmisThresholds t = {
    .temperature_c = { 75, -5, 70, 0 },      .vcc_v = { 3.465, 3.135, 3.45, 3.15 },
    .tx_power_mw = { 3.0, 0.08, 2.0, 0.2 },  .tx_bias_ma = { 40, 2, 36, 4 },
    .rx_power_mw = { 3.0, 0.01, 2.0, 0.025 },
  };
  g_assert_true(ll_cmis_encode_thresholds(img, &t, &err));
  LlCmisLaneControls c = { .data_path_deinit = 0x80, .tx_disable = 0x80 };
  for (guint i = 0; i < 8; i++)
    c.app_sel[i] = 1;
  g_assert_true(ll_cmis_encode_lane_controls(img, 0, &c, &err));
  LlCmisLaneStatus s = { .rx_los = 0x80, .rx_lol = 0x80 };
  const double tx[] = { 1.0, 0.8, 1.25, 1.0, 1.0, 1.0, 1.0, 0.0 };
  const double bias[] = { 16, 18, 16, 16, 16, 16, 16, 0 };
  const double rx[] = { 0.5, 0.5, 0.2, 0.5, 0.5, 0.5, 0.5, 0 };
  for (guint i = 0; i < 8; i++) {
    s.data_path_state[i] = i < 7 ? LL_CMIS_DP_ACTIVATED : LL_CMIS_DP_DEACTIVATED;
    s.tx_power_mw[i] = tx[i];
    s.tx_bias_ma[i] = bias[i];
    s.rx_power_mw[i] = rx[i];
  }
  g_assert_true(ll_cmis_encode_lane_status(img, 0, &s, &err));
  ll_cmis_update_checksums(img);
  return img;
}

/* The encoders put every value at the same bytes as the hand-built image. */
static void
test_encoder_matches_hand_built(void)
{
  guint8 d[DUMP_LEN];
  build_dr8(d);
  g_autoptr(LlCmisImage) img = encode_dr8();
  g_autoptr(GBytes) dump = ll_cmis_image_to_dump(img);
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data(dump, &len);
  g_assert_cmpuint(len, ==, DUMP_LEN);
  for (gsize i = 0; i < DUMP_LEN; i++)
    if (bytes[i] != d[i])
      g_error("dump byte %" G_GSIZE_FORMAT " (page part %" G_GSIZE_FORMAT ", address %" G_GSIZE_FORMAT
              "): encoded %02X, by hand %02X", i, i / 128, i < 128 ? i : 128 + i % 128, bytes[i], d[i]);
}

/* Decode(encode(x)) == x within the fields' steps, for values that are not
 * on a step. */
static void
test_encoder_round_trip(void)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlCmisImage) img = ll_cmis_image_new();
  LlCmisModule m = {
    .identifier = 0x18, .revision_major = 5, .revision_minor = 3, .flat_memory = FALSE,
    .module_state = LL_CMIS_MODULE_PWR_UP, .interrupt_deasserted = TRUE,
    .module_flags = 0xC7, .monitor_flags = 0xA5, .temperature_c = -12.3456, .vcc_v = 3.21987,
    .low_power_request_sw = TRUE, .low_power_allow_request_hw = FALSE, .firmware_major = 7,
    .firmware_minor = 42, .fault_cause = 4, .media_type = 1, .n_applications = 8,
    .password_entry = 0xDEADBEEF,
  };
  for (guint i = 0; i < 8; i++)
    m.applications[i] = (LlCmisApplication) { (guint8) (i + 1), (guint8) (0x10 + i),
                                              (guint8) (0x40 + i), (guint8) (8 >> (i % 4)),
                                              (guint8) (15 - i), (guint8) (0x80 >> i) };
  g_assert_true(ll_cmis_encode_module(img, &m, &err));
  LlCmisModule back;
  ll_cmis_decode_module(img, &back);
  g_assert_cmpuint(back.identifier, ==, m.identifier);
  g_assert_cmpuint(back.revision_minor, ==, 3);
  g_assert_cmpuint(back.module_state, ==, LL_CMIS_MODULE_PWR_UP);
  g_assert_true(back.interrupt_deasserted);
  g_assert_cmpuint(back.module_flags, ==, 0xC7);
  g_assert_cmpuint(back.monitor_flags, ==, 0xA5);
  assert_near(back.temperature_c, m.temperature_c, 0.5 / 256);
  assert_near(back.vcc_v, m.vcc_v, 0.5e-4);
  g_assert_true(back.low_power_request_sw);
  g_assert_false(back.low_power_allow_request_hw);
  g_assert_cmpuint(back.firmware_minor, ==, 42);
  g_assert_cmpuint(back.fault_cause, ==, 4);
  g_assert_cmpuint(back.password_entry, ==, 0xDEADBEEF);
  g_assert_cmpuint(back.n_applications, ==, 8);
  g_assert_cmpmem(back.applications, sizeof back.applications, m.applications,
                  sizeof m.applications);

  ll_cmis_set_module_state(img, LL_CMIS_MODULE_FAULT);
  ll_cmis_set_module_monitors(img, 85.1, 3.0);
  ll_cmis_decode_module(img, &back);
  g_assert_cmpuint(back.module_state, ==, LL_CMIS_MODULE_FAULT);
  g_assert_true(back.interrupt_deasserted); /* the rest of byte 3 is kept */
  assert_near(back.temperature_c, 85.1, 0.5 / 256);
  g_assert_cmpfloat(back.vcc_v, ==, 3.0);

  LlCmisAdvertising adv = {
    .wavelength_nm = 1310.97, .banks = 4, .rx_power_type = LL_CMIS_RX_POWER_OMA,
    .tx_power_monitor = TRUE, .tx_bias_exponent = 2, .dp_init = { .code = 13 },
    .dp_deinit = { .code = 0 }, .module_pwr_up = { .code = 9 }, .module_pwr_dn = { .code = 12 },
    .dp_tx_turn_on = { .code = 1 }, .dp_tx_turn_off = { .code = 14 },
  };
  g_assert_true(ll_cmis_encode_advertising(img, &adv, &err));
  LlCmisAdvertising adv2;
  g_assert_true(ll_cmis_decode_advertising(img, &adv2, &err));
  assert_near(adv2.wavelength_nm, 1310.97, 0.025);
  g_assert_cmpuint(adv2.banks, ==, 4);
  g_assert_false(adv2.diag_pages_supported);
  g_assert_cmpint(adv2.rx_power_type, ==, LL_CMIS_RX_POWER_OMA);
  g_assert_false(adv2.tx_bias_monitor);
  g_assert_true(adv2.tx_power_monitor);
  g_assert_cmpuint(adv2.tx_bias_multiplier, ==, 4);
  g_assert_cmpuint(adv2.dp_init.code, ==, 13);
  g_assert_true(isinf(adv2.dp_init.max_ms));
  g_assert_cmpuint(adv2.module_pwr_up.code, ==, 9);
  g_assert_cmpfloat(adv2.module_pwr_up.max_ms, ==, 60000);
  g_assert_cmpuint(adv2.module_pwr_dn.code, ==, 12);
  g_assert_cmpuint(adv2.dp_tx_turn_off.code, ==, 14);

  LlCmisThresholds t = {
    .temperature_c = { 80.01, -10.02, 75.03, -5.04 },
    .vcc_v = { 3.46789, 3.13456, 3.44444, 3.15554 },
    .tx_power_mw = { 3.16228, 0.0501187, 2.51189, 0.0794328 },
    .tx_bias_ma = { 120.003, 1.001, 110.005, 2.0007 },
    .rx_power_mw = { 3.98107, 0.000123, 3.16228, 0.000412 },
  };
  g_assert_true(ll_cmis_encode_thresholds(img, &t, &err));
  LlCmisThresholds t2;
  g_assert_true(ll_cmis_decode_thresholds(img, &t2, &err));
  assert_set(&t2.temperature_c, 80.01, -10.02, 75.03, -5.04, 0.5 / 256);
  assert_set(&t2.vcc_v, 3.46789, 3.13456, 3.44444, 3.15554, 0.5e-4);
  assert_set(&t2.tx_power_mw, 3.16228, 0.0501187, 2.51189, 0.0794328, 0.5e-4);
  assert_set(&t2.tx_bias_ma, 120.003, 1.001, 110.005, 2.0007, 0.5 * 0.008); /* x4 */
  assert_set(&t2.rx_power_mw, 3.98107, 0.000123, 3.16228, 0.000412, 0.5e-4);
  assert_near(t2.tx_power_dbm.high_alarm, 5.0, 1e-3);

  LlCmisLaneControls c = { .data_path_deinit = 0x0F, .tx_disable = 0x33, .rx_disable = 0x81,
                           .apply_dp_init = 0xFF };
  for (guint i = 0; i < 8; i++) {
    c.app_sel[i] = (guint8) (15 - i);
    c.data_path_id[i] = (guint8) (i % 8);
    c.explicit_control[i] = i % 3 == 0;
  }
  for (guint bank = 0; bank < LL_CMIS_BANKS; bank++) {
    g_assert_true(ll_cmis_encode_lane_controls(img, bank, &c, &err));
    LlCmisLaneControls c2;
    g_assert_true(ll_cmis_decode_lane_controls(img, bank, &c2, &err));
    g_assert_cmpmem(&c2, sizeof c2, &c, sizeof c);
  }

  LlCmisLaneStatus s = { .tx_fault = 0x01, .tx_los = 0x02, .tx_lol = 0x04, .rx_los = 0x08,
                         .rx_lol = 0x10 };
  for (guint i = 0; i < 8; i++) {
    s.data_path_state[i] = (guint8) (i + 1);
    s.tx_power_mw[i] = 0.12345 * (i + 1);
    s.tx_bias_ma[i] = 7.777 * (i + 1);
    s.rx_power_mw[i] = 0.0333 * (i + 1);
  }
  g_assert_true(ll_cmis_encode_lane_status(img, 2, &s, &err));
  LlCmisLaneStatus s2;
  g_assert_true(ll_cmis_decode_lane_status(img, 2, &s2, &err));
  g_assert_cmpmem(s2.data_path_state, 8, s.data_path_state, 8);
  g_assert_cmpuint(s2.tx_fault, ==, 0x01);
  g_assert_cmpuint(s2.rx_lol, ==, 0x10);
  for (guint i = 0; i < 8; i++) {
    assert_near(s2.tx_power_mw[i], s.tx_power_mw[i], 0.5e-4);
    assert_near(s2.tx_bias_ma[i], s.tx_bias_ma[i], 0.5 * 0.008);
    assert_near(s2.rx_power_mw[i], s.rx_power_mw[i], 0.5e-4);
    assert_near(s2.tx_power_dbm[i], 10 * log10(s.tx_power_mw[i]), 2e-3);
  }
  /* lane 20 is lane 4 of bank 2 */
  g_assert_true(ll_cmis_set_data_path_state(img, 20, LL_CMIS_DP_TX_TURN_OFF, &err));
  g_assert_true(ll_cmis_set_lane_monitors(img, 20, 0.0, 50.0, 6.6, &err));
  g_assert_true(ll_cmis_decode_lane_status(img, 2, &s2, &err));
  g_assert_cmpuint(s2.data_path_state[3], ==, LL_CMIS_DP_TX_TURN_OFF);
  g_assert_cmpuint(s2.data_path_state[2], ==, 3); /* the other nibble is kept */
  g_assert_cmpfloat(s2.tx_power_mw[3], ==, 0);
  g_assert_true(isinf(s2.tx_power_dbm[3]));
  g_assert_cmpfloat(s2.tx_bias_ma[3], ==, 50.0);
  g_assert_cmpfloat(s2.rx_power_mw[3], ==, 6.5535); /* clamped */

  LlCmisIdentity id = { .vendor_name = "V", .part_number = "PN", .date_code = "991231",
                        .power_class = 1, .max_power_w = 63.75 };
  g_assert_true(ll_cmis_encode_identity(img, &id, &err));
  LlCmisIdentity id2;
  g_assert_true(ll_cmis_decode_identity(img, &id2, &err));
  g_assert_cmpstr(id2.vendor_name, ==, "V");
  g_assert_cmpstr(id2.serial_number, ==, "");
  g_assert_cmpstr(id2.manufacture_date, ==, "2099-12-31");
  g_assert_cmpstr(id2.lot, ==, "");
  g_assert_cmpuint(id2.power_class, ==, 1);
  g_assert_cmpfloat(id2.max_power_w, ==, 63.75);
  /* the fields are space-padded, and page 00h repeats the identifier */
  const guint8 *p00 = ll_cmis_image_get_page(img, 0, 0x00);
  g_assert_cmpmem(&p00[129 - 128], 16, "V               ", 16);
  g_assert_cmpuint(p00[0], ==, 0x18);
  g_assert_true(ll_cmis_set_ascii(img, 0, 0x00, 190, 10, "CLEI12", &err));
  g_assert_cmpmem(&p00[190 - 128], 10, "CLEI12    ", 10);
}

static void
test_encoder_errors(void)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlCmisImage) img = ll_cmis_image_new();
  LlCmisIdentity id = { .vendor_name = "LIGHTLINE", .power_class = 8 };
  g_assert_true(ll_cmis_encode_identity(img, &id, &err));
  g_autoptr(GBytes) before = ll_cmis_image_to_dump(img);

  /* nothing is written when something is wrong */
  LlCmisIdentity bad = id;
  g_strlcpy(bad.part_number, "PART\x01", sizeof bad.part_number);
  g_assert_false(ll_cmis_encode_identity(img, &bad, &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
  g_clear_error(&err);
  bad = id;
  bad.power_class = 9;
  g_assert_false(ll_cmis_encode_identity(img, &bad, &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
  g_clear_error(&err);
  g_assert_false(ll_cmis_set_ascii(img, 0, 0x00, 164, 2, "ABC", &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
  g_clear_error(&err);
  g_assert_false(ll_cmis_set_ascii(img, 0, 0x00, 250, 8, "X", &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
  g_clear_error(&err);
  g_assert_false(ll_cmis_set_ascii(img, 0, 0x100, 130, 2, "X", &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
  g_clear_error(&err);
  g_assert_false(ll_cmis_set_ascii(img, 4, 0x10, 130, 2, "X", &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
  g_clear_error(&err);
  LlCmisModule m = { .n_applications = 1, .applications = { { 1, 0xFF, 0, 1, 1, 1 } } };
  g_assert_false(ll_cmis_encode_module(img, &m, &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
  g_clear_error(&err);
  m.applications[0].host_interface_id = 0x11;
  m.applications[0].host_lane_count = 16;
  g_assert_false(ll_cmis_encode_module(img, &m, &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
  g_clear_error(&err);
  LlCmisAdvertising adv = { .banks = 3 };
  g_assert_false(ll_cmis_encode_advertising(img, &adv, &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID);
  g_clear_error(&err);
  g_autoptr(GBytes) after = ll_cmis_image_to_dump(img);
  g_assert_true(g_bytes_equal(before, after));
  g_assert_false(ll_cmis_image_has_page(img, 0, 0x01));
}

/* ---- dumps ---------------------------------------------------------------- */

static void
test_dump_layout(void)
{
  guint8 d[DUMP_LEN];
  build_dr8(d);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlCmisImage) img = ll_cmis_image_new_from_dump(d, sizeof d, &err);
  g_assert_no_error(err);
  const guint pages[] = { 0x00, 0x01, 0x02, 0x10, 0x11 };
  for (guint i = 0; i < G_N_ELEMENTS(pages); i++)
    g_assert_cmpmem(ll_cmis_image_get_page(img, 0, pages[i]), 128, d + 128 * (i + 1), 128);
  g_assert_false(ll_cmis_image_has_page(img, 0, 0x03));
  g_assert_false(ll_cmis_image_has_page(img, 1, 0x11));
  g_assert_true(ll_cmis_image_has_page(img, 3, 0x01)); /* 01h is not banked */
  g_autoptr(GBytes) back = ll_cmis_image_to_dump(img);
  g_assert_cmpmem(g_bytes_get_data(back, NULL), g_bytes_get_size(back), d, sizeof d);
  g_autoptr(LlCmisImage) copy = ll_cmis_image_copy(img);
  g_autoptr(GBytes) back2 = ll_cmis_image_to_dump(copy);
  g_assert_true(g_bytes_equal(back, back2));

  const gsize sizes[] = { 0, 128, 255, 257, 300, 767, 769, 1024 };
  for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
    g_autofree guint8 *buf = g_malloc0(MAX(sizes[i], 1));
    g_assert_null(ll_cmis_image_new_from_dump(buf, sizes[i], &err));
    g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_SIZE);
    g_autofree gchar *want = g_strdup_printf(
      "%" G_GSIZE_FORMAT " bytes; expected 768 (lower page + pages 00h 01h 02h 10h 11h) "
      "or 256 (flat memory)", sizes[i]);
    g_assert_cmpstr(err->message, ==, want);
    g_clear_error(&err);
  }
}

static void
test_flat(void)
{
  guint8 d[FLAT_LEN];
  build_flat(d);
  g_autoptr(GError) err = NULL;
  g_autoptr(LlCmisImage) img = ll_cmis_image_new_from_dump(d, sizeof d, &err);
  g_assert_no_error(err);
  g_assert_true(ll_cmis_image_is_flat(img));
  LlCmisModule m;
  ll_cmis_decode_module(img, &m);
  g_assert_true(m.flat_memory);
  g_assert_cmpstr(ll_cmis_identifier_name(m.identifier), ==, "QSFP112");
  g_assert_cmpfloat(m.temperature_c, ==, -5.25);
  g_assert_true(m.interrupt_deasserted);
  g_assert_cmpuint(m.n_applications, ==, 1);
  g_assert_cmpstr(ll_cmis_media_type_name(m.media_type), ==, "passive copper");
  LlCmisIdentity id;
  g_assert_true(ll_cmis_decode_identity(img, &id, &err));
  g_assert_cmpstr(id.part_number, ==, "LL-400G-CR4-1M");
  g_assert_cmpstr(id.date_code, ==, "250930");
  g_assert_cmpstr(id.manufacture_date, ==, "2025-09-30");
  g_assert_cmpstr(id.lot, ==, "");
  g_assert_cmpstr(id.clei, ==, "");
  g_assert_cmpfloat(id.max_power_w, ==, 0.25);
  LlCmisChecksum c;
  ll_cmis_check_checksum(img, 0, &c);
  g_assert_true(c.ok);
  ll_cmis_check_checksum(img, 1, &c);
  g_assert_false(c.present);
  LlCmisAdvertising a;
  g_assert_false(ll_cmis_decode_advertising(img, &a, &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_NO_PAGE);
  g_assert_nonnull(strstr(err->message, "flat memory"));
  g_clear_error(&err);
  LlCmisLaneStatus s;
  g_assert_false(ll_cmis_decode_lane_status(img, 0, &s, &err));
  g_assert_error(err, LL_CMIS_ERROR, LL_CMIS_ERROR_NO_PAGE);
  g_clear_error(&err);
  g_autoptr(GBytes) back = ll_cmis_image_to_dump(img);
  g_assert_cmpmem(g_bytes_get_data(back, NULL), g_bytes_get_size(back), d, sizeof d);
}

/* ---- the dump files ------------------------------------------------------- */

static gchar *tmpdir;

typedef struct {
  const char *name;
  gsize len;
  void (*build)(guint8 *d);
} DumpFile;

static void
build_dr8_badsum(guint8 *d)
{
  build_dr8(d);
  P01(d, 255)++; /* page 01h checksum off by one */
}

static const DumpFile dump_files[] = {
  { "dr8-osfp.bin", DUMP_LEN, build_dr8 },
  { "dr8-osfp-badsum.bin", DUMP_LEN, build_dr8_badsum },
  { "flat-qsfp112.bin", FLAT_LEN, build_flat },
};

static void
write_dumps(const char *dir)
{
  for (guint i = 0; i < G_N_ELEMENTS(dump_files); i++) {
    guint8 d[DUMP_LEN];
    dump_files[i].build(d);
    g_autofree gchar *path = g_build_filename(dir, dump_files[i].name, NULL);
    g_autoptr(GError) err = NULL;
    g_assert_true(g_file_set_contents(path, (const gchar *) d, (gssize) dump_files[i].len, &err));
  }
}

/* The committed tests/data/cmis/ files are what the builders make. */
static void
test_committed_dumps(void)
{
  for (guint i = 0; i < G_N_ELEMENTS(dump_files); i++) {
    guint8 d[DUMP_LEN];
    dump_files[i].build(d);
    g_autofree gchar *path = g_build_filename(g_getenv("LL_TEST_DATA"), "cmis", dump_files[i].name,
                                              NULL);
    g_autofree gchar *data = NULL;
    gsize len = 0;
    g_autoptr(GError) err = NULL;
    g_assert_true(g_file_get_contents(path, &data, &len, &err));
    g_assert_cmpmem(data, len, d, dump_files[i].len);
  }
}

/* ---- the CLI -------------------------------------------------------------- */

typedef struct {
  int status;
  gchar *out;
  gchar *err;
} Run;

static void
run_clear(Run *r)
{
  g_free(r->out);
  g_free(r->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Run, run_clear)

static void
run(Run *r, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(argv, g_build_filename(g_getenv("LL_BIN"), "lightline", NULL));
  va_list ap;
  va_start(ap, first);
  for (const char *a = first; a; a = va_arg(ap, const char *))
    g_ptr_array_add(argv, g_strdup(a));
  va_end(ap);
  g_ptr_array_add(argv, NULL);
  g_autoptr(GError) err = NULL;
  int wait = 0;
  g_spawn_sync(NULL, (gchar **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &r->out, &r->err,
               &wait, &err);
  g_assert_no_error(err);
  g_assert_true(WIFEXITED(wait));
  r->status = WEXITSTATUS(wait);
  g_test_message("exit %d\nstdout:\n%s\nstderr:\n%s", r->status, r->out, r->err);
}

static gchar *
dump_path(const char *name)
{
  return g_build_filename(tmpdir, name, NULL);
}

static JsonObject *
parse_json(JsonParser *p, const char *text)
{
  g_autoptr(GError) err = NULL;
  g_assert_true(json_parser_load_from_data(p, text, -1, &err));
  g_assert_no_error(err);
  return json_node_get_object(json_parser_get_root(p));
}

static double
member_double(JsonObject *o, const char *name)
{
  return json_node_get_double(json_object_get_member(o, name));
}

static void
test_cli_text(void)
{
  g_autofree gchar *path = dump_path("dr8-osfp.bin");
  g_auto(Run) r = { 0 };
  run(&r, "module", "decode", path, NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_cmpstr(r.err, ==, "");
  const char *want[] = {
    "768 bytes, paged memory",
    "identifier           OSFP (19h)",
    "CMIS revision        5.2",
    "module state         Ready (3)",
    "temperature          26.50 C",
    "supply voltage       3.3000 V",
    "module flags         state-changed",
    "latched flags        temperature-high-warning",
    "applications         2\n",
    "AppSel 1  host 51h  media 56h  8 host / 8 media lanes  starts on host lane 1\n",
    "AppSel 2  host 11h  media 1Ch  4 host / 4 media lanes  starts on host lane 1 or 5\n",
    "vendor               LIGHTLINE",
    "part number          LL-800G-DR8",
    "date code            261015AB (2026-10-15, lot AB)",
    "power class          8 (max 16.00 W)",
    "TX bias multiplier   x2",
    "module power-up      1 s <= t < 5 s",
    "temperature C          75.00       70.00        0.00       -5.00",
    "TX bias mA            40.000      36.000       4.000       2.000",
    "RX power dBm            4.77        3.01      -16.02      -20.00",
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    if (!strstr(r.out, want[i]))
      g_error("missing from the report: \"%s\"", want[i]);
  g_assert_true(g_regex_match_simple("page 00h  stored ..h  computed ..h  OK", r.out, 0, 0));
  g_assert_true(g_regex_match_simple("page 01h  stored ..h  computed ..h  OK", r.out, 0, 0));
  g_assert_true(g_regex_match_simple("page 02h  stored ..h  computed ..h  OK", r.out, 0, 0));
  g_assert_null(strstr(r.out, "BAD"));
  g_assert_null(strstr(r.out, "WARNING"));
  g_assert_true(g_regex_match_simple("\\n  1 +Activated +1 +on +1\\.0000 +0\\.00 +16\\.000 +0\\.5000 "
                                     "+-3\\.01 +-\\n", r.out, 0, 0));
  g_assert_true(g_regex_match_simple("\\n  8 +Deactivated +1 +off +0\\.0000 +-inf +0\\.000 +0\\.0000 "
                                     "+-inf +RX-LOS RX-LOL deinit\\n", r.out, 0, 0));

  /* a bad checksum is reported, and the dump is still decoded */
  g_autofree gchar *bad = dump_path("dr8-osfp-badsum.bin");
  g_auto(Run) b = { 0 };
  run(&b, "module", "decode", bad, NULL);
  g_assert_cmpint(b.status, ==, 0);
  guint8 d[DUMP_LEN];
  build_dr8(d);
  g_autofree gchar *line = g_strdup_printf("page 01h  stored %02Xh  computed %02Xh  BAD",
                                           (guint8) (P01(d, 255) + 1), P01(d, 255));
  g_assert_nonnull(strstr(b.out, line));
  g_assert_true(g_regex_match_simple("page 00h  stored ..h  computed ..h  OK", b.out, 0, 0));
  g_assert_nonnull(strstr(b.out, "LL-800G-DR8"));
}

static void
test_cli_json(void)
{
  g_autofree gchar *path = dump_path("dr8-osfp.bin");
  g_auto(Run) r = { 0 };
  run(&r, "module", "decode", "--json", path, NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_autoptr(JsonParser) p = json_parser_new();
  JsonObject *root = parse_json(p, r.out);
  g_assert_cmpstr(json_object_get_string_member(root, "source"), ==, path);
  g_assert_cmpuint(json_array_get_length(json_object_get_array_member(root, "warnings")), ==, 0);

  JsonObject *m = json_object_get_object_member(root, "module");
  g_assert_cmpstr(json_object_get_string_member(m, "identifier"), ==, "OSFP");
  g_assert_cmpint(json_object_get_int_member(m, "identifier_code"), ==, 0x19);
  g_assert_cmpstr(json_object_get_string_member(m, "cmis_revision"), ==, "5.2");
  g_assert_false(json_object_get_boolean_member(m, "flat_memory"));
  g_assert_cmpstr(json_object_get_string_member(m, "module_state"), ==, "Ready");
  g_assert_cmpint(json_object_get_int_member(m, "module_state_code"), ==, 3);
  g_assert_cmpfloat(member_double(m, "temperature_c"), ==, 26.5);
  g_assert_cmpfloat(member_double(m, "vcc_v"), ==, 3.3);
  g_assert_cmpstr(json_object_get_string_member(m, "firmware_version"), ==, "3.1");
  g_assert_cmpstr(json_object_get_string_member(m, "media_type"), ==, "optical SMF");
  g_assert_cmpstr(json_object_get_string_member(m, "fault_cause"), ==, "none");
  g_assert_cmpint(json_object_get_int_member(m, "password_entry"), ==, 0x1011);
  JsonObject *mf = json_object_get_object_member(m, "module_flags");
  g_assert_true(json_object_get_boolean_member(mf, "state_changed"));
  g_assert_false(json_object_get_boolean_member(mf, "cdb1_complete"));
  JsonObject *lf = json_object_get_object_member(m, "latched_flags");
  g_assert_true(json_object_get_boolean_member(lf, "temperature_high_warning"));
  g_assert_false(json_object_get_boolean_member(lf, "temperature_high_alarm"));
  g_assert_false(json_object_get_boolean_member(lf, "vcc_low_warning"));
  JsonArray *apps = json_object_get_array_member(m, "applications");
  g_assert_cmpuint(json_array_get_length(apps), ==, 2);
  JsonObject *a1 = json_array_get_object_element(apps, 0);
  g_assert_cmpint(json_object_get_int_member(a1, "app_sel"), ==, 1);
  g_assert_cmpint(json_object_get_int_member(a1, "host_interface_id"), ==, 0x51);
  g_assert_cmpint(json_object_get_int_member(a1, "media_interface_id"), ==, 0x56);
  g_assert_cmpint(json_object_get_int_member(a1, "host_lane_count"), ==, 8);
  g_assert_cmpint(json_object_get_int_member(a1, "host_lane_assignment"), ==, 1);

  JsonObject *id = json_object_get_object_member(root, "identity");
  g_assert_cmpstr(json_object_get_string_member(id, "vendor_name"), ==, "LIGHTLINE");
  g_assert_cmpstr(json_object_get_string_member(id, "vendor_oui"), ==, "ac:de:48");
  g_assert_cmpstr(json_object_get_string_member(id, "part_number"), ==, "LL-800G-DR8");
  g_assert_cmpstr(json_object_get_string_member(id, "serial_number"), ==, "LLA2610150042");
  g_assert_cmpstr(json_object_get_string_member(id, "date_code"), ==, "261015AB");
  g_assert_cmpstr(json_object_get_string_member(id, "manufacture_date"), ==, "2026-10-15");
  g_assert_cmpstr(json_object_get_string_member(id, "lot"), ==, "AB");
  g_assert_cmpint(json_object_get_int_member(id, "power_class"), ==, 8);
  g_assert_cmpfloat(member_double(id, "max_power_w"), ==, 16.0);
  g_assert_cmpstr(json_object_get_string_member(id, "connector"), ==, "MPO 1x16");
  g_assert_cmpint(json_object_get_int_member(id, "connector_code"), ==, 0x28);

  JsonObject *sums = json_object_get_object_member(root, "checksums");
  const char *pages[] = { "page_00h", "page_01h", "page_02h" };
  for (guint i = 0; i < 3; i++) {
    JsonObject *c = json_object_get_object_member(sums, pages[i]);
    g_assert_true(json_object_get_boolean_member(c, "ok"));
    g_assert_cmpint(json_object_get_int_member(c, "stored"), ==,
                    json_object_get_int_member(c, "computed"));
  }

  JsonObject *adv = json_object_get_object_member(root, "advertising");
  g_assert_cmpfloat(member_double(adv, "wavelength_nm"), ==, 1311.0);
  g_assert_true(json_object_get_boolean_member(adv, "diag_pages_supported"));
  g_assert_cmpstr(json_object_get_string_member(adv, "rx_power_type"), ==, "average");
  g_assert_cmpint(json_object_get_int_member(adv, "tx_bias_multiplier"), ==, 2);
  g_assert_cmpint(json_object_get_int_member(adv, "banks"), ==, 1);
  JsonObject *dur = json_object_get_object_member(adv, "max_durations");
  JsonObject *pwrup = json_object_get_object_member(dur, "module_pwr_up");
  g_assert_cmpint(json_object_get_int_member(pwrup, "code"), ==, 7);
  g_assert_cmpfloat(member_double(pwrup, "max_ms"), ==, 5000);
  g_assert_cmpfloat(member_double(json_object_get_object_member(dur, "dp_init"), "max_ms"), ==,
                    500);

  JsonObject *thr = json_object_get_object_member(root, "thresholds");
  g_assert_cmpfloat(member_double(json_object_get_object_member(thr, "temperature_c"), "low_alarm"),
                    ==, -5.0);
  g_assert_cmpfloat(member_double(json_object_get_object_member(thr, "tx_bias_ma"), "high_alarm"),
                    ==, 40.0);
  g_assert_cmpfloat(member_double(json_object_get_object_member(thr, "rx_power_dbm"), "low_alarm"),
                    ==, -20.0);
  g_assert_cmpfloat(member_double(json_object_get_object_member(thr, "vcc_v"), "high_alarm"), ==,
                    3.465);

  JsonArray *lanes = json_object_get_array_member(root, "lanes");
  g_assert_cmpuint(json_array_get_length(lanes), ==, 8);
  JsonObject *l1 = json_array_get_object_element(lanes, 0);
  g_assert_cmpint(json_object_get_int_member(l1, "lane"), ==, 1);
  g_assert_cmpstr(json_object_get_string_member(l1, "data_path_state"), ==, "Activated");
  g_assert_cmpfloat(member_double(l1, "tx_power_mw"), ==, 1.0);
  g_assert_cmpfloat(member_double(l1, "tx_power_dbm"), ==, 0.0);
  g_assert_cmpfloat(member_double(l1, "tx_bias_ma"), ==, 16.0);
  g_assert_cmpfloat(member_double(l1, "rx_power_mw"), ==, 0.5);
  assert_near(member_double(l1, "rx_power_dbm"), -3.0103, 1e-4);
  g_assert_false(json_object_get_boolean_member(l1, "tx_disable"));
  g_assert_cmpint(json_object_get_int_member(l1, "app_sel"), ==, 1);
  JsonObject *l2 = json_array_get_object_element(lanes, 1);
  g_assert_cmpfloat(member_double(l2, "tx_bias_ma"), ==, 18.0);
  JsonObject *l8 = json_array_get_object_element(lanes, 7);
  g_assert_cmpstr(json_object_get_string_member(l8, "data_path_state"), ==, "Deactivated");
  g_assert_cmpfloat(member_double(l8, "tx_power_mw"), ==, 0.0);
  /* 0 mW: null, never -inf (which is not JSON) */
  g_assert_true(json_object_get_null_member(l8, "tx_power_dbm"));
  g_assert_true(json_object_get_null_member(l8, "rx_power_dbm"));
  g_assert_null(strstr(r.out, "inf"));
  g_assert_true(json_object_get_boolean_member(l8, "tx_disable"));
  g_assert_true(json_object_get_boolean_member(l8, "data_path_deinit"));
  g_assert_true(json_object_get_boolean_member(l8, "rx_los"));
  g_assert_true(json_object_get_boolean_member(l8, "rx_lol"));
  g_assert_false(json_object_get_boolean_member(l8, "tx_fault"));

  /* the bad checksum in JSON */
  g_autofree gchar *bad = dump_path("dr8-osfp-badsum.bin");
  g_auto(Run) b = { 0 };
  run(&b, "module", "decode", bad, "--json", NULL);
  g_assert_cmpint(b.status, ==, 0);
  root = parse_json(p, b.out);
  sums = json_object_get_object_member(root, "checksums");
  JsonObject *c1 = json_object_get_object_member(sums, "page_01h");
  g_assert_false(json_object_get_boolean_member(c1, "ok"));
  g_assert_cmpint(json_object_get_int_member(c1, "stored"), ==,
                  (json_object_get_int_member(c1, "computed") + 1) & 0xff);
  g_assert_true(json_object_get_boolean_member(json_object_get_object_member(sums, "page_00h"), "ok"));
}

static void
test_cli_flat(void)
{
  g_autofree gchar *path = dump_path("flat-qsfp112.bin");
  g_auto(Run) r = { 0 };
  run(&r, "module", "decode", path, "--json", NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_autoptr(JsonParser) p = json_parser_new();
  JsonObject *root = parse_json(p, r.out);
  JsonObject *m = json_object_get_object_member(root, "module");
  g_assert_true(json_object_get_boolean_member(m, "flat_memory"));
  g_assert_cmpstr(json_object_get_string_member(m, "identifier"), ==, "QSFP112");
  g_assert_cmpfloat(member_double(m, "temperature_c"), ==, -5.25);
  JsonObject *id = json_object_get_object_member(root, "identity");
  g_assert_cmpstr(json_object_get_string_member(id, "part_number"), ==, "LL-400G-CR4-1M");
  g_assert_cmpstr(json_object_get_string_member(id, "manufacture_date"), ==, "2025-09-30");
  JsonObject *sums = json_object_get_object_member(root, "checksums");
  g_assert_true(json_object_get_boolean_member(json_object_get_object_member(sums, "page_00h"), "ok"));
  g_assert_true(json_object_get_null_member(sums, "page_01h"));
  g_assert_true(json_object_get_null_member(sums, "page_02h"));
  g_assert_true(json_object_get_null_member(root, "advertising"));
  g_assert_true(json_object_get_null_member(root, "thresholds"));
  g_assert_cmpuint(json_array_get_length(json_object_get_array_member(root, "lanes")), ==, 0);

  g_auto(Run) t = { 0 };
  run(&t, "module", "decode", path, NULL);
  g_assert_cmpint(t.status, ==, 0);
  g_assert_nonnull(strstr(t.out, "256 bytes, flat memory"));
  g_assert_nonnull(strstr(t.out, "temperature          -5.25 C"));
  g_assert_nonnull(strstr(t.out, "page 01h  not in the image"));
  g_assert_null(strstr(t.out, "Lanes"));
}

static void
test_cli_bad_input(void)
{
  /* wrong size: exit 2 with the sizes that would do */
  g_autofree gchar *path = dump_path("short.bin");
  g_autofree gchar *junk = g_malloc0(300);
  g_assert_true(g_file_set_contents(path, junk, 300, NULL));
  g_auto(Run) r = { 0 };
  run(&r, "module", "decode", path, NULL);
  g_assert_cmpint(r.status, ==, 2);
  g_assert_cmpstr(r.out, ==, "");
  g_autofree gchar *want = g_strdup_printf(
    "%s: 300 bytes; expected 768 (lower page + pages 00h 01h 02h 10h 11h) or 256 (flat memory)",
    path);
  g_assert_nonnull(strstr(r.err, want));

  g_auto(Run) j = { 0 };
  run(&j, "module", "decode", "--json", path, NULL);
  g_assert_cmpint(j.status, ==, 2);
  g_assert_cmpstr(j.out, ==, "");

  /* missing file */
  g_autofree gchar *missing = dump_path("nonexistent.bin");
  g_auto(Run) m = { 0 };
  run(&m, "module", "decode", missing, NULL);
  g_assert_cmpint(m.status, ==, 2);
  g_autofree gchar *prefix = g_strdup_printf("%s: cannot read", missing);
  g_assert_nonnull(strstr(m.err, prefix));

  /* usage */
  g_auto(Run) none = { 0 };
  run(&none, "module", "decode", NULL);
  g_assert_cmpint(none.status, ==, 2);
  g_assert_nonnull(strstr(none.err, "give the dump FILE"));
  g_auto(Run) sub = { 0 };
  run(&sub, "module", "frobnicate", NULL);
  g_assert_cmpint(sub.status, ==, 2);
  g_assert_nonnull(strstr(sub.err, "decode"));
  g_auto(Run) opt = { 0 };
  run(&opt, "module", "decode", "--bogus", path, NULL);
  g_assert_cmpint(opt.status, ==, 2);
}

/* A dump whose byte 2 contradicts its size is decoded with a warning. */
static void
test_cli_inconsistent(void)
{
  guint8 d[DUMP_LEN];
  build_dr8(d);
  d[2] = 0x80;
  g_autofree gchar *path = dump_path("flat-but-paged.bin");
  g_assert_true(g_file_set_contents(path, (const gchar *) d, DUMP_LEN, NULL));
  g_auto(Run) r = { 0 };
  run(&r, "module", "decode", path, NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_nonnull(strstr(r.out, "WARNING: lower page byte 2 bit 7 says flat memory"));
  g_auto(Run) j = { 0 };
  run(&j, "module", "decode", "--json", path, NULL);
  g_autoptr(JsonParser) p = json_parser_new();
  JsonObject *root = parse_json(p, j.out);
  g_assert_cmpuint(json_array_get_length(json_object_get_array_member(root, "warnings")), ==, 1);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  const char *write_to = g_getenv("LL_CMIS_WRITE_DATA");
  if (write_to)
    write_dumps(write_to);
  g_autoptr(GError) err = NULL;
  tmpdir = g_dir_make_tmp("test-cmis-XXXXXX", &err);
  g_assert_no_error(err);
  write_dumps(tmpdir);

  g_test_add_func("/cmis/decode/module", test_decode_module);
  g_test_add_func("/cmis/decode/identity", test_decode_identity);
  g_test_add_func("/cmis/decode/advertising", test_decode_advertising);
  g_test_add_func("/cmis/decode/thresholds", test_decode_thresholds);
  g_test_add_func("/cmis/decode/lanes", test_decode_lanes);
  g_test_add_func("/cmis/decode/bias-multiplier", test_bias_multiplier);
  g_test_add_func("/cmis/decode/prbs-ber-pages", test_prbs_and_ber_pages);
  g_test_add_func("/cmis/decode/flat", test_flat);
  g_test_add_func("/cmis/checksums", test_checksums);
  g_test_add_func("/cmis/scalars/ber", test_ber);
  g_test_add_func("/cmis/scalars/monitors", test_scalars);
  g_test_add_func("/cmis/names", test_names);
  g_test_add_func("/cmis/encode/matches-hand-built", test_encoder_matches_hand_built);
  g_test_add_func("/cmis/encode/round-trip", test_encoder_round_trip);
  g_test_add_func("/cmis/encode/errors", test_encoder_errors);
  g_test_add_func("/cmis/dump/layout", test_dump_layout);
  g_test_add_func("/cmis/dump/committed", test_committed_dumps);
  g_test_add_func("/cmis/cli/text", test_cli_text);
  g_test_add_func("/cmis/cli/json", test_cli_json);
  g_test_add_func("/cmis/cli/flat", test_cli_flat);
  g_test_add_func("/cmis/cli/bad-input", test_cli_bad_input);
  g_test_add_func("/cmis/cli/inconsistent", test_cli_inconsistent);
  int status = g_test_run();

  g_autoptr(GDir) dir = g_dir_open(tmpdir, 0, NULL);
  for (const char *name; dir && (name = g_dir_read_name(dir));) {
    g_autofree gchar *path = g_build_filename(tmpdir, name, NULL);
    g_unlink(path);
  }
  g_rmdir(tmpdir);
  g_free(tmpdir);
  return status;
}
