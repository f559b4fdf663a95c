/* ll-twin.h: the physics of one simulated transceiver (a module "twin").
 * A unit's parameters are drawn from its product's population, seeded by its
 * serial number and the bench seed, so the same unit measures the same way
 * every time (within measurement noise). Defects are drawn from the lot's
 * defect mix the same way. Everything here is a pure function of the
 * parameters and the operating point (case temperature, received light). */
#pragma once

#include "ll-product.h"

G_BEGIN_DECLS

typedef enum {
  LL_DEFECT_WEAK_LANE,        /* one lane launches ~3.5 dB low */
  LL_DEFECT_HIGH_TDECQ,       /* one lane's TDECQ ~2 dB high */
  LL_DEFECT_POOR_SENSITIVITY, /* one lane's receiver ~3 dB worse */
  LL_DEFECT_MONITOR_ERROR,    /* the RX / TX power monitors read 4-6 dB off */
  LL_DEFECT_POWER_OVER_CLASS, /* draws ~20 % more than its class allows */
  LL_DEFECT_DEAD_LANE,        /* one lane emits no light */
  LL_DEFECT_CORRUPT_EEPROM,   /* page 00h checksum wrong */
  LL_DEFECT_FLAKY_TWI,        /* the two-wire bus NACKs now and then */
  LL_DEFECT_COUNT
} LlDefect;

/* Probability of each defect per unit, 0..1. */
typedef struct {
  double p[LL_DEFECT_COUNT];
} LlDefectMix;

/* "weak-lane", "high-tdecq", "poor-sensitivity", "monitor-error",
 * "power-over-class", "dead-lane", "corrupt-eeprom", "flaky-twi". */
const char *ll_defect_name(LlDefect d);
gboolean ll_defect_from_name(const char *name, LlDefect *d);
/* A realistic production mix (a few percent in all). */
void ll_defect_mix_default(LlDefectMix *mix);
/* Parses "weak-lane=0.02,dead-lane=0.005" (unnamed defects 0); "default"
 * gives the default mix and "none" no defects. */
gboolean ll_defect_mix_parse(const char *text, LlDefectMix *mix, GError **error);

typedef struct {
  double tx_power_dbm;   /* average launch power at 25 C */
  double er_db;          /* extinction ratio */
  double tdecq_db;
  double sens_oma_dbm;   /* received OMA at BER 2.4e-4, at 25 C */
  double bias_ma;        /* laser bias at 25 C */
  double txmon_error_db; /* TX power monitor reads true + this (before calibration) */
  double rxmon_error_db; /* RX power monitor reads true + this */
  gboolean dead;
  /* operating point: the laser power trim the host set (vendor page 81h,
   * ll-cmis-cal.h), dB, already limited to what the laser follows; 0 after
   * power-on and reset */
  double tx_trim_db;
} LlTwinLane;

typedef struct {
  const LlProduct *product;
  gchar serial[17];
  guint32 defects;       /* bit per LlDefect */
  guint defect_lane;     /* 0-based lane a lane defect hits */
  LlTwinLane lane[LL_MAX_LANES];
  double power_w;        /* draw when Ready at 25 C */
  double temp_rise_c;    /* module internal temperature above case */
  double temp_mon_error_c;
  double vcc_drop_v;     /* supply droop inside the module at full power */
  double noise_seed;     /* for per-reading noise */
} LlTwin;

/* Draws a unit of @product with serial number @serial from the bench @seed
 * and the defect @mix (NULL: none). Deterministic. */
void ll_twin_init(LlTwin *twin, const LlProduct *product, const char *serial, guint64 seed,
                  const LlDefectMix *mix);

gboolean ll_twin_has(const LlTwin *twin, LlDefect d);

/* Average launch power of @lane (0-based) at case temperature @case_c, dBm,
 * with the lane's laser power trim; -INFINITY for a dead lane. */
double ll_twin_tx_power_dbm(const LlTwin *twin, guint lane, double case_c);
double ll_twin_er_db(const LlTwin *twin, guint lane, double case_c);
/* OMA (outer) from average power and extinction ratio, dBm. */
double ll_twin_tx_oma_dbm(const LlTwin *twin, guint lane, double case_c);
double ll_twin_tdecq_db(const LlTwin *twin, guint lane, double case_c);
double ll_twin_bias_ma(const LlTwin *twin, guint lane, double case_c);
/* Receiver: pre-FEC BER of @lane for a received OMA of @oma_dbm. Falls
 * monotonically as the OMA rises; 0.5 with no light. */
double ll_twin_ber(const LlTwin *twin, guint lane, double oma_dbm, double case_c);
/* Sensitivity (OMA at BER 2.4e-4) at @case_c, dBm. */
double ll_twin_sensitivity_dbm(const LlTwin *twin, guint lane, double case_c);
/* Electrical power drawn when Ready at @case_c, W. */
double ll_twin_power_w(const LlTwin *twin, double case_c);

/* Helpers. */
double ll_dbm_to_mw(double dbm);
double ll_mw_to_dbm(double mw);   /* -INFINITY for <= 0 */
/* OMA in dBm from average power (dBm) and ER (dB). */
double ll_oma_dbm(double avg_dbm, double er_db);
/* The PAM4 BER formula of the reference: 0.375 * erfc(q / sqrt 2). */
double ll_pam4_ber(double q);

G_END_DECLS
