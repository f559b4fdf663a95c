/* ll-module-sim.c: a simulated CMIS module (see ll-module-sim.h).
 *
 * The memory is an LlCmisImage built at insertion with the CMIS encoders;
 * volatile parts (state, flags, monitors, data-path states, BER) are
 * rewritten from the physics just before every read. Time-dependent
 * behaviour is evaluated lazily against the clock: power-up completes
 * `pwr_up_us` after LPMode is released, each lane's data path `dp_init_us`
 * after the host asks for it (or after the module became Ready, when it
 * asked earlier); both are within what page 01h advertises. Each transition
 * is dated when it happened, not when it was noticed, so the module can be
 * evaluated at any time from its last change on (ll_module_sim_evaluate_at(),
 * which the bench uses to charge BERT gates stretch by stretch).
 *
 * Lane flags (page 11h): TX fault (135) when a lane whose transmitter should
 * be on (data path Activated, TX not disabled) emits no light (a dead
 * laser); TX LOS (136) when an activated lane's host input is not driven
 * (the bench tells the module which BERT generators drive it); RX LOS (147)
 * when less than 0.1 uW arrives. The built-in media-side checker (13h:168)
 * reports in 14h the BER of what the lane receives: the twin's BER at the
 * received OMA (from the average power and ER the bench gives) when the
 * lane is receiving and the checker pattern (13h:172-175) is the received
 * signal's, 0.5 (no lock) otherwise.
 *
 * ApplyDPInit (10h:143) is a trigger: the bits read back as 0, and each lane
 * set gets its ConfigStatus (11h:202-205, a nibble per lane, lane 1 in the
 * low nibble of 202): 1 ConfigSuccess when the staged AppSel (10h:145-152
 * bits 7-4) is the advertised application 1, 3 ConfigRejectedInvalidAppSel
 * otherwise; 0 (undefined) until then and after a reset.
 *
 * Monitor calibration lives in vendor page 80h (cmis/ll-cmis-cal.h), per
 * lane, as big-endian IEEE-754 float32 pairs: RX slope/offset at
 * 128 + 8 (lane - 1), TX slope/offset at 192 + 8 (lane - 1);
 * reported_mW = max(0, slope * raw_mW + offset), where raw is what the
 * monitor ADC sees (true power with the unit's gain error). Page 80h can
 * be written only after the vendor password is entered at bytes 122-125;
 * otherwise writes to it are ignored, as CMIS modules ignore writes to
 * protected areas. The password entry bytes are write-only (CMIS): the
 * module keeps what was entered and they read back as zero. Vendor page 81h
 * holds each lane's laser power trim (cmis/ll-cmis-cal.h), behind the same
 * password; the twin's launch power follows it, and it is volatile (0 after
 * power-on and reset). */
#include "ll-module-sim.h"
#include "cmis/ll-cmis-cal.h"
#include "cmis/ll-cmis.h"

#include <math.h>
#include <string.h>

#define MGMT_INIT_US (60 * 1000)       /* after reset: no answers for this long */
#define LOWPWR_CURRENT_A 0.45
#define APP_SEL 1                      /* the one application advertised */
#define CONFIG_SUCCESS 0x1
#define CONFIG_REJECTED_INVALID_APPSEL 0x3

typedef struct {
  double avg_dbm;     /* -INFINITY: dark */
  double er_db;
  char pattern[16];
} RxInput;

typedef struct {
  gboolean driven;
  char pattern[16];
} HostInput;

struct _LlModuleSim {
  LlTwin twin;
  LlClock *clock;
  LlCmisImage *img;
  GRand *rand;
  gboolean supply;
  double supply_v;
  gboolean resetl;
  gboolean lpmode;
  gint64 reset_released_at;  /* -1 while in reset or unpowered */
  gint64 pwr_up_done_at;     /* -1 when not powering up */
  guint8 state;              /* LlCmisModuleState; 0 when unpowered */
  guint8 dp_state[LL_MAX_LANES];
  gint64 dp_ready_at[LL_MAX_LANES];
  gint64 pwr_up_us, dp_init_us;
  double case_c;
  RxInput rx_input[LL_MAX_LANES];
  HostInput host_input[LL_MAX_LANES];
  guint8 password[4];        /* as entered at 122-125, which read as zero */
  gint64 eval_us;            /* >= 0: evaluate at this time instead of now */
  gboolean interrupt;
  LlActivityFunc activity;   /* where state transitions are reported, or NULL */
  gpointer activity_data;
  gchar *label;              /* "module site N" */
  gboolean init_reported;    /* the management init since the last reset was reported */
};

static void
build_memory(LlModuleSim *m)
{
  const LlProduct *p = m->twin.product;
  LlCmisImage *img = m->img;
  g_autoptr(GError) err = NULL;

  LlCmisModule mod = { 0 };
  mod.identifier = p->identifier;
  mod.revision_major = 5;
  mod.revision_minor = 2;
  mod.module_state = LL_CMIS_MODULE_LOW_PWR;
  mod.interrupt_deasserted = TRUE;
  mod.low_power_allow_request_hw = TRUE;
  mod.firmware_major = 3;
  mod.firmware_minor = 1;
  mod.media_type = 0x02; /* optical SMF */
  mod.n_applications = 1;
  mod.applications[0] = (LlCmisApplication) {
    .app_sel = 1, .host_interface_id = p->host_interface, .media_interface_id = p->media_interface,
    .host_lane_count = (guint8) p->lanes, .media_lane_count = (guint8) p->lanes,
    .host_lane_assignment = 0x01,
  };
  g_assert(ll_cmis_encode_module(img, &mod, &err));

  LlCmisIdentity id = { 0 };
  g_strlcpy(id.vendor_name, "LIGHTLINE", sizeof id.vendor_name);
  id.vendor_oui[0] = 0x00, id.vendor_oui[1] = 0x1B, id.vendor_oui[2] = 0x21;
  g_strlcpy(id.part_number, p->part_number, sizeof id.part_number);
  g_strlcpy(id.revision, "A1", sizeof id.revision);
  g_strlcpy(id.serial_number, m->twin.serial, sizeof id.serial_number);
  /* a manufacture date from the serial, in 2026 */
  guint h = g_str_hash(m->twin.serial);
  g_snprintf(id.date_code, sizeof id.date_code, "26%02u%02u%c%c", 1 + h % 11, 1 + (h >> 8) % 28,
             'A' + (h >> 16) % 26, 'A' + (h >> 21) % 26);
  g_strlcpy(id.clei, "LLOSFP8DR8", sizeof id.clei);
  id.max_power_w = p->max_power_w;
  id.power_class = 8;
  id.connector = 0x0C; /* MPO 1x12 */
  id.media_technology = 0x06; /* 1310 nm EML */
  if (!ll_cmis_encode_identity(img, &id, &err))
    g_error("module twin identity: %s", err->message);

  LlCmisAdvertising adv = { 0 };
  adv.wavelength_nm = p->wavelength_nm[0];
  adv.diag_pages_supported = p->diag_pages;
  adv.banks = 1;
  adv.rx_power_type = LL_CMIS_RX_POWER_AVERAGE;
  adv.tx_bias_monitor = adv.tx_power_monitor = adv.rx_power_monitor = TRUE;
  adv.tx_bias_exponent = 1; /* x2: bias up to 262 mA */
  adv.module_pwr_up.code = 7;  /* 1-5 s */
  adv.module_pwr_dn.code = 6;  /* 0.5-1 s */
  adv.dp_init.code = 7;        /* 1-5 s */
  adv.dp_deinit.code = 5;      /* 100-500 ms */
  adv.dp_tx_turn_on.code = 5;
  adv.dp_tx_turn_off.code = 4;
  g_assert(ll_cmis_encode_advertising(img, &adv, &err));
  m->pwr_up_us = (gint64) (1.6e6 + 0.4e6 * g_rand_double(m->rand)); /* inside 1-5 s */
  m->dp_init_us = (gint64) (1.1e6 + 0.3e6 * g_rand_double(m->rand));

  LlCmisThresholds t = {
    .temperature_c = { 75, -5, 70, 0 },
    .vcc_v = { 3.465, 3.135, 3.45, 3.15 },
    .tx_power_mw = { ll_dbm_to_mw(5.0), ll_dbm_to_mw(-6.9), ll_dbm_to_mw(4.0), ll_dbm_to_mw(-2.9) },
    .tx_bias_ma = { 110, 10, 100, 15 },
    .rx_power_mw = { ll_dbm_to_mw(5.0), ll_dbm_to_mw(-12.9), ll_dbm_to_mw(4.0), ll_dbm_to_mw(-9.9) },
  };
  g_assert(ll_cmis_encode_thresholds(img, &t, &err));

  LlCmisLaneControls c = { 0 };
  c.data_path_deinit = 0xFF; /* the host activates the data path itself */
  for (guint i = 0; i < LL_CMIS_LANES; i++)
    c.app_sel[i] = 1;
  g_assert(ll_cmis_encode_lane_controls(img, 0, &c, &err));
  LlCmisLaneStatus s = { 0 };
  for (guint i = 0; i < LL_CMIS_LANES; i++)
    s.data_path_state[i] = LL_CMIS_DP_DEACTIVATED;
  g_assert(ll_cmis_encode_lane_status(img, 0, &s, &err));
  if (p->diag_pages) {
    LlCmisPrbs prbs = { 0 };
    g_assert(ll_cmis_encode_prbs(img, 0, &prbs, &err));
    ll_cmis_image_edit_page(img, 0, 0x14);
  }
  guint8 *cal = ll_cmis_image_edit_page(img, 0, LL_MODULE_CAL_PAGE);
  for (guint l = 1; l <= LL_CMIS_CAL_LANES; l++) {
    ll_cmis_cal_encode(&LL_CMIS_CAL_IDENTITY, cal + ll_cmis_cal_address(LL_CMIS_CAL_RX, l) - 128);
    ll_cmis_cal_encode(&LL_CMIS_CAL_IDENTITY, cal + ll_cmis_cal_address(LL_CMIS_CAL_TX, l) - 128);
  }
  ll_cmis_image_edit_page(img, 0, LL_CMIS_CAL_TRIM_PAGE);
  ll_cmis_update_checksums(img);
  if (ll_twin_has(&m->twin, LL_DEFECT_CORRUPT_EEPROM))
    ll_cmis_image_edit_page(img, 0, 0x00)[222 - 128] ^= 0x5A;
}

LlModuleSim *
ll_module_sim_new(const LlProduct *product, const char *serial, guint64 seed,
                  const LlDefectMix *mix, LlClock *clock)
{
  LlModuleSim *m = g_new0(LlModuleSim, 1);
  ll_twin_init(&m->twin, product, serial, seed, mix);
  m->clock = clock;
  m->rand = g_rand_new_with_seed(g_str_hash(serial) ^ (guint32) seed);
  m->img = ll_cmis_image_new();
  m->reset_released_at = -1;
  m->pwr_up_done_at = -1;
  m->resetl = TRUE;
  m->lpmode = TRUE;
  m->case_c = 25.0;
  m->eval_us = -1;
  for (guint i = 0; i < LL_MAX_LANES; i++) {
    m->rx_input[i].avg_dbm = -INFINITY;
    m->dp_state[i] = LL_CMIS_DP_DEACTIVATED;
  }
  build_memory(m);
  return m;
}

void
ll_module_sim_free(LlModuleSim *m)
{
  if (!m)
    return;
  ll_cmis_image_free(m->img);
  g_rand_free(m->rand);
  g_free(m->label);
  g_free(m);
}

const LlTwin *
ll_module_sim_twin(LlModuleSim *m)
{
  return &m->twin;
}

static void
set_state(LlModuleSim *m, guint8 state)
{
  if (m->state == state)
    return;
  m->state = state;
  if (state) {
    ll_cmis_set_module_state(m->img, (LlCmisModuleState) state);
    ll_cmis_image_edit_lower(m->img)[8] |= LL_CMIS_FLAG_STATE_CHANGED;
    m->interrupt = TRUE;
  }
}

static gboolean
powered(LlModuleSim *m)
{
  return m->supply && m->supply_v > 2.9 && m->resetl;
}

/* The time the module is evaluated at: now, unless the bench pins it. */
static gint64
module_now(LlModuleSim *m)
{
  return m->eval_us >= 0 ? m->eval_us : ll_clock_now(m->clock);
}

void
ll_module_sim_set_activity(LlModuleSim *m, LlActivityFunc func, gpointer data, const char *label)
{
  m->activity = func;
  m->activity_data = data;
  g_free(m->label);
  m->label = g_strdup(label);
}

/* Reports a transition that ran from @start_us to @end_us (lane 0-based, or
 * -1 for the module as a whole). */
static void
report(LlModuleSim *m, LlActivityKind kind, int lane, gint64 start_us, gint64 end_us)
{
  if (!m->activity || end_us <= start_us)
    return;
  char device[LL_ACTIVITY_DEVICE_LEN];
  if (lane >= 0)
    g_snprintf(device, sizeof device, "%s lane %d", m->label, lane + 1);
  else
    g_strlcpy(device, m->label, sizeof device);
  m->activity(m->activity_data, kind, device, start_us, end_us);
}

/* The transitions under way are cut short at @now (unpowered, reset, low
 * power): reports the time they ran. */
static void
report_interrupted(LlModuleSim *m, gint64 now, gboolean module_too)
{
  if (module_too && m->reset_released_at >= 0 && !m->init_reported) {
    report(m, LL_ACTIVITY_MODULE_INIT, -1, m->reset_released_at,
           MIN(now, m->reset_released_at + MGMT_INIT_US));
    m->init_reported = TRUE;
  }
  if (module_too && m->state == LL_CMIS_MODULE_PWR_UP)
    report(m, LL_ACTIVITY_MODULE_POWER_UP, -1, m->pwr_up_done_at - m->pwr_up_us,
           MIN(now, m->pwr_up_done_at));
  for (guint i = 0; i < LL_MAX_LANES; i++)
    if (m->dp_state[i] == LL_CMIS_DP_INIT)
      report(m, LL_ACTIVITY_DATA_PATH, (int) i, m->dp_ready_at[i] - m->dp_init_us,
             MIN(now, m->dp_ready_at[i]));
}

/* Brings the state machine up to now. */
static void
advance(LlModuleSim *m)
{
  gint64 now = module_now(m);
  if (!powered(m)) {
    report_interrupted(m, now, TRUE);
    m->state = 0;
    m->reset_released_at = -1;
    m->pwr_up_done_at = -1;
    for (guint i = 0; i < LL_MAX_LANES; i++)
      m->dp_state[i] = LL_CMIS_DP_DEACTIVATED;
    return;
  }
  if (m->reset_released_at < 0) {
    /* coming out of reset (or power-on): volatile memory back to defaults */
    m->reset_released_at = now;
    m->init_reported = FALSE;
    g_rand_set_seed(m->rand, g_str_hash(m->twin.serial));
    guint8 *lower = ll_cmis_image_edit_lower(m->img);
    lower[26] = 0x40; /* LowPwrAllowRequestHW */
    lower[126] = lower[127] = 0;
    memset(m->password, 0, sizeof m->password);
    memset(ll_cmis_image_edit_page(m->img, 0, LL_CMIS_CAL_TRIM_PAGE), 0, LL_CMIS_CAL_LANES);
    for (guint i = 0; i < LL_MAX_LANES; i++)
      m->twin.lane[i].tx_trim_db = 0;
    guint8 *p10 = ll_cmis_image_edit_page(m->img, 0, 0x10);
    p10[0] = 0xFF;
    memset(ll_cmis_image_edit_page(m->img, 0, 0x11) + 202 - 128, 0, 4); /* ConfigStatus */
    m->state = 0;
    set_state(m, LL_CMIS_MODULE_LOW_PWR);
  }
  if (!m->init_reported && now >= m->reset_released_at + MGMT_INIT_US) {
    report(m, LL_ACTIVITY_MODULE_INIT, -1, m->reset_released_at,
           m->reset_released_at + MGMT_INIT_US);
    m->init_reported = TRUE;
  }
  guint8 controls = ll_cmis_image_get_lower(m->img)[26];
  gboolean low_power = (m->lpmode && (controls & 0x40)) || (controls & 0x10);
  if (low_power) {
    report_interrupted(m, now, FALSE);
    if (m->state == LL_CMIS_MODULE_PWR_UP)
      report(m, LL_ACTIVITY_MODULE_POWER_UP, -1, m->pwr_up_done_at - m->pwr_up_us,
             MIN(now, m->pwr_up_done_at));
    if (m->state != LL_CMIS_MODULE_LOW_PWR)
      set_state(m, LL_CMIS_MODULE_LOW_PWR);
    m->pwr_up_done_at = -1;
    for (guint i = 0; i < LL_MAX_LANES; i++)
      m->dp_state[i] = LL_CMIS_DP_DEACTIVATED;
    return;
  }
  if (m->state == LL_CMIS_MODULE_LOW_PWR) {
    set_state(m, LL_CMIS_MODULE_PWR_UP);
    m->pwr_up_done_at = now + m->pwr_up_us;
  }
  /* when the data paths asked for now started: now, or when the module
   * became Ready if that happened since the last look */
  gint64 since = now;
  if (m->state == LL_CMIS_MODULE_PWR_UP && now >= m->pwr_up_done_at) {
    report(m, LL_ACTIVITY_MODULE_POWER_UP, -1, m->pwr_up_done_at - m->pwr_up_us,
           m->pwr_up_done_at);
    set_state(m, LL_CMIS_MODULE_READY);
    since = m->pwr_up_done_at;
  }
  if (m->state != LL_CMIS_MODULE_READY)
    return;
  const guint8 *p10 = ll_cmis_image_get_page(m->img, 0, 0x10);
  for (guint i = 0; i < m->twin.product->lanes; i++) {
    gboolean deinit = (p10[0] >> i) & 1;
    if (deinit) {
      if (m->dp_state[i] == LL_CMIS_DP_INIT)
        report(m, LL_ACTIVITY_DATA_PATH, (int) i, m->dp_ready_at[i] - m->dp_init_us,
               MIN(now, m->dp_ready_at[i]));
      m->dp_state[i] = LL_CMIS_DP_DEACTIVATED;
      continue;
    }
    if (m->dp_state[i] == LL_CMIS_DP_DEACTIVATED) {
      m->dp_state[i] = LL_CMIS_DP_INIT;
      m->dp_ready_at[i] = since + m->dp_init_us;
    }
    if (m->dp_state[i] == LL_CMIS_DP_INIT && now >= m->dp_ready_at[i]) {
      report(m, LL_ACTIVITY_DATA_PATH, (int) i, m->dp_ready_at[i] - m->dp_init_us,
             m->dp_ready_at[i]);
      m->dp_state[i] = LL_CMIS_DP_ACTIVATED;
      m->interrupt = TRUE;
    }
  }
}

/* What @lane's (0-based) power monitor reports: the ADC's raw reading (the
 * true power with the unit's gain error) through the page 80h coefficients. */
static double
reported_mw(const guint8 *cal, LlCmisCalMonitor monitor, guint lane, double true_mw,
            double error_db, double noise_db)
{
  LlCmisCalCoeffs c;
  ll_cmis_cal_decode(cal + ll_cmis_cal_address(monitor, lane + 1) - 128, &c);
  return ll_cmis_cal_apply(&c, true_mw * pow(10.0, (error_db + noise_db) / 10.0));
}

/* Rewrites the volatile memory from the state and the physics. */
static void
refresh(LlModuleSim *m)
{
  g_autoptr(GError) err = NULL;
  const LlTwin *t = &m->twin;
  double internal_c = m->case_c + (m->state == LL_CMIS_MODULE_READY ? t->temp_rise_c : 1.0);
  double vcc = m->supply_v - (m->state == LL_CMIS_MODULE_READY ? t->vcc_drop_v : 0.005);
  double temp_mon = internal_c + t->temp_mon_error_c + 0.05 * (g_rand_double(m->rand) - 0.5);
  ll_cmis_set_module_monitors(m->img, temp_mon, vcc);
  guint8 *lower = ll_cmis_image_edit_lower(m->img);
  /* latched temperature and Vcc flags against the module's own thresholds */
  LlCmisThresholds th;
  if (ll_cmis_decode_thresholds(m->img, &th, NULL)) {
    guint8 f = 0;
    f |= temp_mon > th.temperature_c.high_alarm ? LL_CMIS_FLAG_TEMP_HIGH_ALARM : 0;
    f |= temp_mon < th.temperature_c.low_alarm ? LL_CMIS_FLAG_TEMP_LOW_ALARM : 0;
    f |= temp_mon > th.temperature_c.high_warning ? LL_CMIS_FLAG_TEMP_HIGH_WARNING : 0;
    f |= temp_mon < th.temperature_c.low_warning ? LL_CMIS_FLAG_TEMP_LOW_WARNING : 0;
    f |= vcc > th.vcc_v.high_alarm ? LL_CMIS_FLAG_VCC_HIGH_ALARM : 0;
    f |= vcc < th.vcc_v.low_alarm ? LL_CMIS_FLAG_VCC_LOW_ALARM : 0;
    f |= vcc > th.vcc_v.high_warning ? LL_CMIS_FLAG_VCC_HIGH_WARNING : 0;
    f |= vcc < th.vcc_v.low_warning ? LL_CMIS_FLAG_VCC_LOW_WARNING : 0;
    lower[9] |= f;
    if (f)
      m->interrupt = TRUE;
  }
  lower[3] = (guint8) ((lower[3] & ~0x01) | (m->interrupt ? 0 : 1));
  const guint8 *cal = ll_cmis_image_get_page(m->img, 0, LL_MODULE_CAL_PAGE);
  const guint8 *p10 = ll_cmis_image_get_page(m->img, 0, 0x10);
  guint8 rx_los = 0, tx_los = 0, tx_fault = 0;
  for (guint i = 0; i < t->product->lanes; i++) {
    ll_cmis_set_data_path_state(m->img, i + 1, (LlCmisDataPathState) m->dp_state[i], &err);
    gboolean emitting = ll_module_sim_lane_emitting(m, i);
    double tx_mw = emitting ? ll_dbm_to_mw(ll_twin_tx_power_dbm(t, i, m->case_c)) : 0;
    double bias = emitting ? ll_twin_bias_ma(t, i, m->case_c) : 0;
    double rx_mw = m->state == LL_CMIS_MODULE_READY ? ll_dbm_to_mw(m->rx_input[i].avg_dbm) : 0;
    double noise = 0.04 * (g_rand_double(m->rand) - 0.5);
    ll_cmis_set_lane_monitors(m->img, i + 1,
                              reported_mw(cal, LL_CMIS_CAL_TX, i, tx_mw, t->lane[i].txmon_error_db, noise),
                              bias,
                              reported_mw(cal, LL_CMIS_CAL_RX, i, rx_mw, t->lane[i].rxmon_error_db, noise),
                              &err);
    gboolean active = m->dp_state[i] == LL_CMIS_DP_ACTIVATED;
    if (rx_mw < 1e-4)
      rx_los |= 1u << i;
    /* the laser should be on and is dark */
    if (active && !((p10[130 - 128] >> i) & 1) && !emitting)
      tx_fault |= 1u << i;
    /* nothing drives the lane's host (electrical) input */
    if (active && !m->host_input[i].driven)
      tx_los |= 1u << i;
    if (t->product->diag_pages) {
      const guint8 *p13 = ll_cmis_image_get_page(m->img, 0, 0x13);
      if ((p13[168 - 128] >> i) & 1) {
        guint8 code = (p13[172 - 128 + i / 2] >> (4 * (i % 2))) & 0x0F;
        const RxInput *in = &m->rx_input[i];
        gboolean locks = ll_module_sim_lane_receiving(m, i) &&
                         g_ascii_strcasecmp(ll_cmis_prbs_pattern_name(code), in->pattern) == 0;
        double ber = locks ? ll_twin_ber(t, i, ll_oma_dbm(in->avg_dbm, in->er_db), m->case_c) : 0.5;
        ll_cmis_set_ber(m->img, i + 1, TRUE, ber, &err);
      }
    }
  }
  guint8 *p11 = ll_cmis_image_edit_page(m->img, 0, 0x11);
  p11[147 - 128] = rx_los;
  p11[136 - 128] = tx_los;
  p11[135 - 128] = tx_fault;
}

/* ApplyDPInit (10h:143) was written: the staged AppSel of each lane set is
 * checked and its ConfigStatus (11h:202-205) set; the trigger clears. */
static void
apply_dp_init(LlModuleSim *m)
{
  guint8 *p10 = ll_cmis_image_edit_page(m->img, 0, 0x10);
  guint8 *p11 = ll_cmis_image_edit_page(m->img, 0, 0x11);
  guint8 lanes = p10[143 - 128];
  for (guint i = 0; i < m->twin.product->lanes; i++) {
    if (!((lanes >> i) & 1))
      continue;
    guint8 app_sel = p10[145 - 128 + i] >> 4;
    guint8 status = app_sel == APP_SEL ? CONFIG_SUCCESS : CONFIG_REJECTED_INVALID_APPSEL;
    guint8 *b = &p11[202 - 128 + i / 2];
    guint shift = 4 * (i % 2);
    *b = (guint8) ((*b & ~(0x0F << shift)) | (status << shift));
  }
  p10[143 - 128] = 0;
}

void
ll_module_sim_set_supply(LlModuleSim *m, gboolean on, double volts)
{
  advance(m);
  m->supply = on;
  m->supply_v = on ? volts : 0;
  advance(m);
}

void
ll_module_sim_set_resetl(LlModuleSim *m, gboolean level)
{
  advance(m);
  m->resetl = level;
  advance(m);
}

void
ll_module_sim_set_lpmode(LlModuleSim *m, gboolean level)
{
  advance(m);
  m->lpmode = level;
  advance(m);
}

gboolean
ll_module_sim_intl(LlModuleSim *m)
{
  advance(m);
  return !(powered(m) && m->interrupt);
}

double
ll_module_sim_current_a(LlModuleSim *m)
{
  advance(m);
  if (!m->supply || m->supply_v <= 0)
    return 0;
  double w;
  switch (m->state) {
  case LL_CMIS_MODULE_READY:
    w = ll_twin_power_w(&m->twin, m->case_c);
    break;
  case LL_CMIS_MODULE_PWR_UP:
    w = 0.6 * ll_twin_power_w(&m->twin, m->case_c);
    break;
  default:
    w = LOWPWR_CURRENT_A * m->supply_v;
  }
  return w / m->supply_v;
}

void
ll_module_sim_set_case_temperature(LlModuleSim *m, double celsius)
{
  m->case_c = celsius;
}

double
ll_module_sim_case_temperature(LlModuleSim *m)
{
  return m->case_c;
}

/* FALSE when the module does not acknowledge its address now. */
static gboolean
acks(LlModuleSim *m, guint8 address)
{
  advance(m);
  if (address != LL_CMIS_TWI_ADDRESS || !powered(m))
    return FALSE;
  if (module_now(m) - m->reset_released_at < MGMT_INIT_US)
    return FALSE;
  if (ll_twin_has(&m->twin, LL_DEFECT_FLAKY_TWI) && g_rand_double(m->rand) < 0.08)
    return FALSE;
  return TRUE;
}

gboolean
ll_module_sim_twi_read(LlModuleSim *m, guint8 address, guint8 offset, guint8 *buf, gsize len)
{
  if (!acks(m, address))
    return FALSE;
  refresh(m);
  guint8 *lower = ll_cmis_image_edit_lower(m->img);
  for (gsize i = 0; i < len; i++) {
    guint a = (offset + i) & 0xFF; /* the address wraps within the 256-byte window */
    if (a < 128) {
      buf[i] = lower[a];
    } else {
      guint bank = lower[126], page = lower[127];
      const guint8 *p = ll_cmis_image_has_page(m->img, page >= 0x10 ? bank : 0, page)
                          ? ll_cmis_image_get_page(m->img, page >= 0x10 ? bank : 0, page)
                          : NULL;
      buf[i] = p ? p[a - 128] : 0;
    }
  }
  /* latched flags clear on read */
  if (offset <= 8 && offset + len > 8) {
    lower[8] = 0;
    m->interrupt = FALSE;
  }
  if (offset <= 9 && offset + len > 9)
    lower[9] = 0;
  return TRUE;
}

static gboolean
writable(LlModuleSim *m, guint page, guint a)
{
  if (a < 128)
    return a == 26 || (a >= 122 && a <= 127);
  switch (page) {
  case 0x10:
    return a <= 152;
  case 0x13:
    return m->twin.product->diag_pages && a >= 144 && a <= 183;
  case 0x14:
    return m->twin.product->diag_pages && a == 128;
  case LL_CMIS_CAL_TRIM_PAGE:
    if (a >= ll_cmis_cal_trim_address(1) + m->twin.product->lanes)
      return FALSE;
    G_GNUC_FALLTHROUGH; /* behind the password, like the coefficients */
  case LL_MODULE_CAL_PAGE: {
    guint32 pw = (guint32) m->password[0] << 24 | (guint32) m->password[1] << 16 |
                 (guint32) m->password[2] << 8 | m->password[3];
    return pw == LL_MODULE_VENDOR_PASSWORD;
  }
  default:
    return FALSE;
  }
}

gboolean
ll_module_sim_twi_write(LlModuleSim *m, guint8 address, guint8 offset, const guint8 *data, gsize len)
{
  if (!acks(m, address))
    return FALSE;
  guint8 *lower = ll_cmis_image_edit_lower(m->img);
  gboolean dp_init = FALSE, trim = FALSE;
  for (gsize i = 0; i < len; i++) {
    guint a = (offset + i) & 0xFF;
    guint bank = lower[126], page = lower[127];
    if (!writable(m, page, a))
      continue; /* read-only or protected: ignored */
    if (a >= 122 && a <= 125)
      m->password[a - 122] = data[i]; /* write-only: the bytes stay zero */
    else if (a < 128)
      lower[a] = data[i];
    else
      ll_cmis_image_edit_page(m->img, page >= 0x10 ? bank : 0, page)[a - 128] = data[i];
    dp_init |= a == 143 && page == 0x10 && bank == 0;
    trim |= page == LL_CMIS_CAL_TRIM_PAGE && a >= 128;
  }
  if (dp_init)
    apply_dp_init(m);
  if (trim) {
    const guint8 *p81 = ll_cmis_image_get_page(m->img, 0, LL_CMIS_CAL_TRIM_PAGE);
    for (guint l = 1; l <= m->twin.product->lanes; l++)
      m->twin.lane[l - 1].tx_trim_db =
        ll_cmis_cal_trim_effective(ll_cmis_cal_trim_decode(p81[ll_cmis_cal_trim_address(l) - 128]));
  }
  advance(m);
  return TRUE;
}

gboolean
ll_module_sim_lane_emitting(LlModuleSim *m, guint lane)
{
  advance(m);
  if (lane >= m->twin.product->lanes || m->dp_state[lane] != LL_CMIS_DP_ACTIVATED)
    return FALSE;
  const guint8 *p10 = ll_cmis_image_get_page(m->img, 0, 0x10);
  return !((p10[130 - 128] >> lane) & 1) && !m->twin.lane[lane].dead;
}

gboolean
ll_module_sim_lane_receiving(LlModuleSim *m, guint lane)
{
  advance(m);
  if (lane >= m->twin.product->lanes || m->dp_state[lane] != LL_CMIS_DP_ACTIVATED)
    return FALSE;
  const guint8 *p10 = ll_cmis_image_get_page(m->img, 0, 0x10);
  return !((p10[138 - 128] >> lane) & 1);
}

void
ll_module_sim_set_rx_input(LlModuleSim *m, guint lane, double avg_dbm, double er_db,
                           const char *pattern)
{
  if (lane >= LL_MAX_LANES)
    return;
  m->rx_input[lane].avg_dbm = avg_dbm;
  m->rx_input[lane].er_db = er_db;
  g_strlcpy(m->rx_input[lane].pattern, pattern ? pattern : "", sizeof m->rx_input[lane].pattern);
}

void
ll_module_sim_set_host_input(LlModuleSim *m, guint lane, gboolean driven, const char *pattern)
{
  if (lane >= LL_MAX_LANES)
    return;
  m->host_input[lane].driven = driven;
  g_strlcpy(m->host_input[lane].pattern, pattern ? pattern : "",
            sizeof m->host_input[lane].pattern);
}

void
ll_module_sim_evaluate_at(LlModuleSim *m, gint64 when_us)
{
  m->eval_us = when_us;
  advance(m);
}

gint64
ll_module_sim_next_change_us(LlModuleSim *m)
{
  gint64 next = G_MAXINT64;
  if (!powered(m) || m->state == 0)
    return next;
  if (m->state == LL_CMIS_MODULE_PWR_UP)
    next = m->pwr_up_done_at;
  for (guint i = 0; i < m->twin.product->lanes; i++)
    if (m->dp_state[i] == LL_CMIS_DP_INIT)
      next = MIN(next, m->dp_ready_at[i]);
  return next;
}
