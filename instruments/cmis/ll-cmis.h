/* ll-cmis.h: the CMIS (Common Management Interface Specification, rev 5.x)
 * module-memory codec. Pure functions over page images: nothing here does
 * I/O. The station's module reader fills an LlCmisImage from the two-wire
 * bus and decodes it here; the module simulator builds its memory with the
 * encoders here. Offsets and encodings follow section 4 of the shared
 * transceiver-test reference (transceiver-test.md), completed from CMIS 5.2
 * where it is silent (state durations, flags, byte 26). Field names and units
 * as the CLI prints them: docs/cmis-json.md.
 *
 * Memory model. The lower page (bytes 0-127) is always there. Upper pages
 * (bytes 128-255 of the two-wire window) are kept by (bank, page); pages
 * 00h-0Fh are not banked, pages 10h and above are (8 lanes per bank). A
 * flat-memory module (lower page byte 2 bit 7 set) has page 00h only.
 * Functions taking an address take it as CMIS numbers it (128-255 for an
 * upper page), never as an index into the 128-byte page.
 *
 * Units. Every decoded physical value carries its unit in its name:
 *   _c    degrees Celsius          (temperature: signed 16-bit, 1/256 C)
 *   _v    volts                    (supply: unsigned 16-bit, 100 uV)
 *   _mw   milliwatts               (optical power: unsigned 16-bit, 0.1 uW)
 *   _dbm  dBm, 10*log10(mW); -INFINITY when the power is 0 mW
 *   _ma   milliamperes             (TX bias: unsigned 16-bit, 2 uA x multiplier)
 *   _w    watts                    (maximum power: 0.25 W)
 *   _nm   nanometres               (nominal wavelength: 0.05 nm)
 *   _ms   milliseconds             (advertised state durations)
 * A value the memory cannot give (TX bias with the reserved multiplier, BER
 * when page 14h shows something else) is NAN.
 *
 * TX bias multiplier: page 01h byte 160 bits 4-3 hold an exponent e and the
 * monitor's unit is 2 uA * 2^e (x1, x2, x4; e = 3 is reserved). This codec
 * MULTIPLIES (some open decoders shift right instead): bias_mA = raw * 2 *
 * 2^e / 1000. The same multiplier applies to the TX bias thresholds (02h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LL_CMIS_ERROR (ll_cmis_error_quark())
GQuark ll_cmis_error_quark(void);

typedef enum {
  LL_CMIS_ERROR_SIZE,    /* a memory dump is not one of the known sizes */
  LL_CMIS_ERROR_NO_PAGE, /* a decoder needs a page that is not in the image */
  LL_CMIS_ERROR_INVALID, /* an encoder was given something it cannot store */
} LlCmisError;

#define LL_CMIS_PAGE_SIZE 128
#define LL_CMIS_LANES 8 /* lanes per bank */
#define LL_CMIS_BANKS 4 /* banks 0-3: lanes 1-32 */
#define LL_CMIS_MAX_APPLICATIONS 8
/* A dump file: lower page, then upper pages 00h 01h 02h 10h 11h of bank 0. */
#define LL_CMIS_DUMP_PAGED_SIZE (6 * LL_CMIS_PAGE_SIZE)
/* A flat-memory dump: lower page, then page 00h. */
#define LL_CMIS_DUMP_FLAT_SIZE (2 * LL_CMIS_PAGE_SIZE)
/* The media type a dump is stored under (results store attachments). */
#define LL_CMIS_DUMP_MEDIA_TYPE "application/x-cmis-dump"

/* ---- the image ---------------------------------------------------------- */

typedef struct _LlCmisImage LlCmisImage;

/* An image with a zeroed lower page and no upper pages (a paged module,
 * since byte 2 bit 7 is clear). */
LlCmisImage *ll_cmis_image_new(void);
/* A deep copy: the lower page and every upper page present. */
LlCmisImage *ll_cmis_image_copy(const LlCmisImage *img);
/* Frees @img and its pages; NULL is allowed. */
void ll_cmis_image_free(LlCmisImage *img);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlCmisImage, ll_cmis_image_free)

/* The lower page, bytes 0-127: read-only, or writable. */
const guint8 *ll_cmis_image_get_lower(const LlCmisImage *img);
guint8 *ll_cmis_image_edit_lower(LlCmisImage *img);

/* Upper page @page of @bank as 128 bytes (index 0 is byte 128), or NULL when
 * it is not in the image. @bank is ignored for pages 00h-0Fh. */
const guint8 *ll_cmis_image_get_page(const LlCmisImage *img, guint bank, guint page);
/* The same page writable, created zeroed when it is not there yet. @bank
 * must be below LL_CMIS_BANKS and @page below 256. */
guint8 *ll_cmis_image_edit_page(LlCmisImage *img, guint bank, guint page);
/* TRUE when the image holds that page (@bank ignored below page 10h). */
gboolean ll_cmis_image_has_page(const LlCmisImage *img, guint bank, guint page);
/* Drops that page from the image, if it is there. */
void ll_cmis_image_remove_page(LlCmisImage *img, guint bank, guint page);

/* TRUE when lower page byte 2 bit 7 says flat memory. */
gboolean ll_cmis_image_is_flat(const LlCmisImage *img);
/* Sets or clears lower page byte 2 bit 7. */
void ll_cmis_image_set_flat(LlCmisImage *img, gboolean flat);

/* An image from a dump: LL_CMIS_DUMP_PAGED_SIZE bytes (lower page, pages
 * 00h 01h 02h 10h 11h of bank 0) or LL_CMIS_DUMP_FLAT_SIZE bytes (lower page,
 * page 00h). Any other length is LL_CMIS_ERROR_SIZE with the message
 * "N bytes; expected 768 (lower page + pages 00h 01h 02h 10h 11h) or 256
 * (flat memory)". The image's pages are exactly those the dump holds, even
 * if byte 2 disagrees (a caller may warn about that). */
LlCmisImage *ll_cmis_image_new_from_dump(const guint8 *data, gsize len, GError **error);
/* The inverse: 256 bytes for a flat image, 768 for a paged one (pages not
 * in the image are written as zeros). */
GBytes *ll_cmis_image_to_dump(const LlCmisImage *img);

/* ---- scalar codecs ------------------------------------------------------ */

/* Encoders round to the nearest step and clamp to the field's range; NAN
 * encodes as 0. */
double ll_cmis_decode_temperature(guint16 raw);   /* signed 1/256 C -> C */
guint16 ll_cmis_encode_temperature(double c);     /* -> [-128, 127.996] C */
double ll_cmis_decode_vcc(guint16 raw);           /* 100 uV -> V */
guint16 ll_cmis_encode_vcc(double v);             /* -> [0, 6.5535] V */
double ll_cmis_decode_power(guint16 raw);         /* 0.1 uW -> mW */
guint16 ll_cmis_encode_power(double mw);          /* -> [0, 6.5535] mW */
/* 10*log10(@mw); -INFINITY for 0 (and below), NAN for NAN. */
double ll_cmis_mw_to_dbm(double mw);
/* 10^(@dbm/10) mW; 0 for -INFINITY. */
double ll_cmis_dbm_to_mw(double dbm);
/* The bias multiplier (1, 2 or 4) from page 01h byte 160; 0 when bits 4-3
 * hold the reserved value 3. */
guint ll_cmis_bias_multiplier(guint8 byte160);
/* raw * 2 uA * @multiplier, in mA; NAN when @multiplier is 0. */
double ll_cmis_decode_bias(guint16 raw, guint multiplier);
/* mA -> raw for @multiplier (1, 2 or 4; anything else is treated as 1). */
guint16 ll_cmis_encode_bias(double ma, guint multiplier);

/* BER in CMIS F16 (pages 14h): exponent = (b0 >> 3) - 24, mantissa =
 * ((b0 & 7) << 8) | b1, value = mantissa * 10^exponent. */
double ll_cmis_decode_ber(guint8 b0, guint8 b1);
/* Encodes @ber with the largest mantissa that fits 11 bits (so at least 205
 * for any value from 2.05e-22 up: relative error <= 0.25 %). Values below
 * 5e-25 encode as 0. Negative, NAN or above 2.047e10 is LL_CMIS_ERROR_INVALID. */
gboolean ll_cmis_encode_ber(double ber, guint8 *b0, guint8 *b1, GError **error);

/* The 4-bit state-duration code of page 01h bytes 144, 167, 168 (CMIS 5.2
 * table 8-43): code c means min_ms <= t < max_ms:
 *   0 <1 ms, 1 1-5 ms, 2 5-10 ms, 3 10-50 ms, 4 50-100 ms, 5 100-500 ms,
 *   6 0.5-1 s, 7 1-5 s, 8 5-10 s, 9 10 s-1 min, 10 1-5 min, 11 5-10 min,
 *   12 10-50 min, 13 >= 50 min (max_ms INFINITY), 14-15 reserved (both NAN).
 * max_ms is the advertised maximum a host should wait. */
typedef struct {
  guint8 code;
  double min_ms;
  double max_ms;
} LlCmisDuration;

LlCmisDuration ll_cmis_decode_duration(guint8 code);
/* "1 s <= t < 5 s" style text for the code; never NULL. */
const char *ll_cmis_duration_text(guint8 code);

/* ---- names of codes (static strings; never NULL) ------------------------ */

typedef enum {
  LL_CMIS_MODULE_LOW_PWR = 1,
  LL_CMIS_MODULE_PWR_UP = 2,
  LL_CMIS_MODULE_READY = 3,
  LL_CMIS_MODULE_PWR_DN = 4,
  LL_CMIS_MODULE_FAULT = 5,
} LlCmisModuleState;

typedef enum {
  LL_CMIS_DP_DEACTIVATED = 1,
  LL_CMIS_DP_INIT = 2,
  LL_CMIS_DP_DEINIT = 3,
  LL_CMIS_DP_ACTIVATED = 4,
  LL_CMIS_DP_TX_TURN_ON = 5,
  LL_CMIS_DP_TX_TURN_OFF = 6,
  LL_CMIS_DP_INITIALIZED = 7,
} LlCmisDataPathState;

/* SFF-8024 identifier: "QSFP-DD" (18h), "OSFP" (19h), "QSFP112" (1Eh, QSFP+
 * or later with CMIS), "SFP-DD" (1Fh), "SFP+ CMIS" (20h), "OSFP-XD" (21h),
 * ...; "unknown" otherwise. */
const char *ll_cmis_identifier_name(guint8 code);
/* "LowPwr", "PwrUp", "Ready", "PwrDn", "Fault"; "reserved" otherwise. */
const char *ll_cmis_module_state_name(guint8 state);
/* "Deactivated", "Init", "Deinit", "Activated", "TxTurnOn", "TxTurnOff",
 * "Initialized"; "reserved" otherwise. */
const char *ll_cmis_data_path_state_name(guint8 state);
/* Lower page byte 41: "none", "TEC runaway", "data memory corrupted",
 * "program memory corrupted", "TX fault", "RX fault", "temperature". */
const char *ll_cmis_fault_cause_name(guint8 code);
/* Lower page byte 85: "undefined", "optical MMF", "optical SMF", "passive
 * copper", "active cable", "BASE-T". */
const char *ll_cmis_media_type_name(guint8 code);
/* SFF-8024 connector type (page 00h byte 203): "LC", "MPO 1x12", ... */
const char *ll_cmis_connector_name(guint8 code);
/* Page 00h byte 212: "850 nm VCSEL", "1310 nm EML", ... */
const char *ll_cmis_media_technology_name(guint8 code);
/* PRBS pattern code: "PRBS31Q" (0) ... "PRBS7" (11), "SSPRQ" (12). */
const char *ll_cmis_prbs_pattern_name(guint8 code);

/* ---- lower page --------------------------------------------------------- */

/* Byte 8, module flags (latched). */
#define LL_CMIS_FLAG_STATE_CHANGED 0x01
#define LL_CMIS_FLAG_MODULE_FIRMWARE_ERROR 0x02
#define LL_CMIS_FLAG_DATA_PATH_FIRMWARE_ERROR 0x04
#define LL_CMIS_FLAG_CDB1_COMPLETE 0x40
#define LL_CMIS_FLAG_CDB2_COMPLETE 0x80
/* Byte 9, latched temperature and Vcc monitor flags. */
#define LL_CMIS_FLAG_TEMP_HIGH_ALARM 0x01
#define LL_CMIS_FLAG_TEMP_LOW_ALARM 0x02
#define LL_CMIS_FLAG_TEMP_HIGH_WARNING 0x04
#define LL_CMIS_FLAG_TEMP_LOW_WARNING 0x08
#define LL_CMIS_FLAG_VCC_HIGH_ALARM 0x10
#define LL_CMIS_FLAG_VCC_LOW_ALARM 0x20
#define LL_CMIS_FLAG_VCC_HIGH_WARNING 0x40
#define LL_CMIS_FLAG_VCC_LOW_WARNING 0x80

/* One application descriptor (lower page 86-117, 4 bytes each). */
typedef struct {
  guint8 app_sel;              /* 1-8: the AppSel code that selects it */
  guint8 host_interface_id;    /* SFF-8024 host electrical interface code */
  guint8 media_interface_id;   /* SFF-8024 media interface code (table per media type) */
  guint8 host_lane_count;      /* lanes, 1-15 */
  guint8 media_lane_count;     /* lanes, 1-15 */
  guint8 host_lane_assignment; /* bit n: the application may start on host lane n+1 */
} LlCmisApplication;

typedef struct {
  guint8 identifier;                 /* byte 0, SFF-8024 code */
  guint8 revision_major;             /* byte 1 high nibble */
  guint8 revision_minor;             /* byte 1 low nibble */
  gboolean flat_memory;              /* byte 2 bit 7 */
  guint8 module_state;               /* byte 3 bits 3-1, LlCmisModuleState */
  gboolean interrupt_deasserted;     /* byte 3 bit 0 */
  guint8 module_flags;               /* byte 8, LL_CMIS_FLAG_STATE_CHANGED ... */
  guint8 monitor_flags;              /* byte 9, LL_CMIS_FLAG_TEMP_HIGH_ALARM ... */
  double temperature_c;              /* bytes 14-15 */
  double vcc_v;                      /* bytes 16-17 */
  gboolean low_power_request_sw;     /* byte 26 bit 4 */
  gboolean low_power_allow_request_hw; /* byte 26 bit 6 */
  guint8 firmware_major;             /* byte 39, active firmware */
  guint8 firmware_minor;             /* byte 40 */
  guint8 fault_cause;                /* byte 41 */
  guint8 media_type;                 /* byte 85 */
  guint n_applications;              /* descriptors before the first unused one */
  LlCmisApplication applications[LL_CMIS_MAX_APPLICATIONS];
  guint32 password_entry;            /* bytes 122-125, big-endian */
} LlCmisModule;

/* Decodes the lower page. Application descriptors stop at the first whose
 * host interface id is 00h (undefined) or FFh (unused). */
void ll_cmis_decode_module(const LlCmisImage *img, LlCmisModule *out);
/* Writes every field of @m into the lower page (applications after the
 * last one get host interface id FFh). LL_CMIS_ERROR_INVALID for more than
 * 8 applications, lane counts above 15, state or revision out of range. */
gboolean ll_cmis_encode_module(LlCmisImage *img, const LlCmisModule *m, GError **error);
/* Byte 3 bits 3-1; the rest of byte 3 is kept. */
void ll_cmis_set_module_state(LlCmisImage *img, LlCmisModuleState state);
/* Bytes 14-17 from physical values (clamped). */
void ll_cmis_set_module_monitors(LlCmisImage *img, double temperature_c, double vcc_v);

/* ---- page 00h: identity ------------------------------------------------- */

/* ASCII fields have trailing spaces removed and anything that is not
 * printable ASCII replaced by '?'. */
typedef struct {
  gchar vendor_name[17];      /* 129-144 */
  guint8 vendor_oui[3];       /* 145-147 */
  gchar part_number[17];      /* 148-163 */
  gchar revision[3];          /* 164-165 */
  gchar serial_number[17];    /* 166-181 */
  gchar date_code[9];         /* 182-189, YYMMDD + 2-character lot */
  gchar manufacture_date[11]; /* ISO 8601 "2026-10-15" from the date code, "" if not a date */
  gchar lot[3];               /* the lot characters of the date code */
  gchar clei[11];             /* 190-199 */
  guint8 power_class;         /* 200 bits 7-5, as a class 1-8 */
  double max_power_w;         /* 201, W */
  guint8 connector;           /* 203, SFF-8024 connector type */
  guint8 media_technology;    /* 212 */
} LlCmisIdentity;

/* LL_CMIS_ERROR_NO_PAGE without page 00h. */
gboolean ll_cmis_decode_identity(const LlCmisImage *img, LlCmisIdentity *out, GError **error);
/* Writes @id into page 00h (created if needed), ASCII fields space-padded,
 * and copies the identifier from lower page byte 0 to byte 128.
 * manufacture_date and lot are not read: date_code is what is stored.
 * LL_CMIS_ERROR_INVALID for non-printable text or a power class outside
 * 1-8. Does not update the checksum (see ll_cmis_update_checksums()). */
gboolean ll_cmis_encode_identity(LlCmisImage *img, const LlCmisIdentity *id, GError **error);
/* Writes @text space-padded into the @len bytes at @addr (128-255) of page
 * @page. LL_CMIS_ERROR_INVALID when it is longer than @len or holds bytes
 * that are not printable ASCII. */
gboolean ll_cmis_set_ascii(LlCmisImage *img, guint bank, guint page, guint addr, guint len,
                           const char *text, GError **error);

/* ---- checksums (pages 00h, 01h, 02h) ------------------------------------ */

typedef struct {
  gboolean present; /* the page is in the image; the rest is 0 when not */
  guint8 stored;
  guint8 computed;
  gboolean ok;
} LlCmisChecksum;

/* The checksum of page 00h (byte 222 = low 8 bits of the sum of 128-221),
 * 01h (255 over 130-254) or 02h (255 over 128-254). @page must be 0, 1 or 2. */
void ll_cmis_check_checksum(const LlCmisImage *img, guint page, LlCmisChecksum *out);
/* Computes and stores the checksums of pages 00h, 01h and 02h that are in
 * the image. */
void ll_cmis_update_checksums(LlCmisImage *img);

/* ---- page 01h: advertising ---------------------------------------------- */

typedef enum {
  LL_CMIS_RX_POWER_OMA = 0,
  LL_CMIS_RX_POWER_AVERAGE = 1,
} LlCmisRxPowerType;

typedef struct {
  double wavelength_nm;              /* 138-139, 0.05 nm */
  gboolean diag_pages_supported;     /* 142 bit 5: pages 13h/14h */
  guint banks;                       /* 142 bits 1-0: 1, 2 or 4 banks; 0 reserved */
  LlCmisRxPowerType rx_power_type;   /* 151 bit 4 */
  gboolean tx_bias_monitor;          /* 160 bit 0 */
  gboolean tx_power_monitor;         /* 160 bit 1 */
  gboolean rx_power_monitor;         /* 160 bit 2 */
  guint8 tx_bias_exponent;           /* 160 bits 4-3 */
  guint tx_bias_multiplier;          /* 2^exponent: 1, 2, 4; 0 reserved */
  LlCmisDuration dp_init;            /* 144 bits 3-0 */
  LlCmisDuration dp_deinit;          /* 144 bits 7-4 */
  LlCmisDuration module_pwr_up;      /* 167 bits 3-0 */
  LlCmisDuration module_pwr_dn;      /* 167 bits 7-4 */
  LlCmisDuration dp_tx_turn_on;      /* 168 bits 3-0 */
  LlCmisDuration dp_tx_turn_off;     /* 168 bits 7-4 */
} LlCmisAdvertising;

/* LL_CMIS_ERROR_NO_PAGE without page 01h. */
gboolean ll_cmis_decode_advertising(const LlCmisImage *img, LlCmisAdvertising *out,
                                    GError **error);
/* Writes @adv into page 01h (created if needed): the durations' codes,
 * tx_bias_exponent (tx_bias_multiplier is not read), banks 1/2/4.
 * LL_CMIS_ERROR_INVALID for an exponent above 3, a duration code above 15 or
 * another bank count. Does not update the checksum. */
gboolean ll_cmis_encode_advertising(LlCmisImage *img, const LlCmisAdvertising *adv,
                                    GError **error);
/* The TX bias multiplier the image advertises (1 when page 01h is absent). */
guint ll_cmis_image_bias_multiplier(const LlCmisImage *img);

/* ---- page 02h: thresholds ----------------------------------------------- */

typedef struct {
  double high_alarm;
  double low_alarm;
  double high_warning;
  double low_warning;
} LlCmisThresholdSet;

typedef struct {
  LlCmisThresholdSet temperature_c; /* 128-135 */
  LlCmisThresholdSet vcc_v;         /* 136-143 */
  LlCmisThresholdSet tx_power_mw;   /* 176-183 */
  LlCmisThresholdSet tx_power_dbm;  /* the same in dBm */
  LlCmisThresholdSet tx_bias_ma;    /* 184-191, with the multiplier of 01h */
  LlCmisThresholdSet rx_power_mw;   /* 192-199 */
  LlCmisThresholdSet rx_power_dbm;  /* the same in dBm */
} LlCmisThresholds;

/* LL_CMIS_ERROR_NO_PAGE without page 02h. */
gboolean ll_cmis_decode_thresholds(const LlCmisImage *img, LlCmisThresholds *out,
                                   GError **error);
/* Writes the thresholds into page 02h (created if needed) from the _c, _v,
 * _mw and _ma sets (the _dbm sets are not read), clamped. TX bias uses the
 * multiplier page 01h advertises: LL_CMIS_ERROR_INVALID if it is the
 * reserved one. Does not update the checksum. */
gboolean ll_cmis_encode_thresholds(LlCmisImage *img, const LlCmisThresholds *t, GError **error);

/* ---- page 10h: lane controls (per bank) --------------------------------- */

/* Masks have bit n for lane n+1 of the bank. */
typedef struct {
  guint8 data_path_deinit;               /* 128 */
  guint8 tx_disable;                     /* 130 */
  guint8 rx_disable;                     /* 138 */
  guint8 apply_dp_init;                  /* 143 */
  guint8 app_sel[LL_CMIS_LANES];         /* 145-152 bits 7-4 */
  guint8 data_path_id[LL_CMIS_LANES];    /* 145-152 bits 3-1 */
  gboolean explicit_control[LL_CMIS_LANES]; /* 145-152 bit 0 */
} LlCmisLaneControls;

/* LL_CMIS_ERROR_NO_PAGE without page 10h of @bank. */
gboolean ll_cmis_decode_lane_controls(const LlCmisImage *img, guint bank,
                                      LlCmisLaneControls *out, GError **error);
/* LL_CMIS_ERROR_INVALID for an AppSel above 15 or a data path id above 7. */
gboolean ll_cmis_encode_lane_controls(LlCmisImage *img, guint bank, const LlCmisLaneControls *c,
                                      GError **error);

/* ---- page 11h: lane status and monitors (per bank) ---------------------- */

typedef struct {
  guint8 data_path_state[LL_CMIS_LANES]; /* 128-131, lane 1 in the low nibble of 128 */
  guint8 tx_fault;                       /* 135 */
  guint8 tx_los;                         /* 136 */
  guint8 tx_lol;                         /* 137, TX CDR loss of lock */
  guint8 rx_los;                         /* 147 */
  guint8 rx_lol;                         /* 148, RX CDR loss of lock */
  double tx_power_mw[LL_CMIS_LANES];     /* 154-169 */
  double tx_power_dbm[LL_CMIS_LANES];
  double tx_bias_ma[LL_CMIS_LANES];      /* 170-185, NAN with the reserved multiplier */
  double rx_power_mw[LL_CMIS_LANES];     /* 186-201 */
  double rx_power_dbm[LL_CMIS_LANES];
} LlCmisLaneStatus;

/* LL_CMIS_ERROR_NO_PAGE without page 11h of @bank. The bias multiplier is
 * the one page 01h advertises (1 without page 01h). */
gboolean ll_cmis_decode_lane_status(const LlCmisImage *img, guint bank, LlCmisLaneStatus *out,
                                    GError **error);
/* Writes states, flags and the _mw / _ma monitors (the _dbm ones are not
 * read) into page 11h of @bank. LL_CMIS_ERROR_INVALID for a state above 15 or
 * the reserved bias multiplier. */
gboolean ll_cmis_encode_lane_status(LlCmisImage *img, guint bank, const LlCmisLaneStatus *s,
                                    GError **error);
/* One lane's monitors (@lane 1-32: bank (lane-1)/8), clamped. */
gboolean ll_cmis_set_lane_monitors(LlCmisImage *img, guint lane, double tx_power_mw,
                                   double tx_bias_ma, double rx_power_mw, GError **error);
/* One lane's data-path state (@lane 1-32). */
gboolean ll_cmis_set_data_path_state(LlCmisImage *img, guint lane, LlCmisDataPathState state,
                                     GError **error);

/* ---- pages 13h/14h: built-in PRBS and BER (per bank) -------------------- */

typedef struct {
  guint8 host_generator;                        /* 13h:144 enable mask */
  guint8 media_generator;                       /* 13h:152 */
  guint8 host_checker;                          /* 13h:160 */
  guint8 media_checker;                         /* 13h:168 */
  guint8 host_generator_pattern[LL_CMIS_LANES]; /* 148-151: lanes 1,3,5,7 in low nibbles */
  guint8 media_generator_pattern[LL_CMIS_LANES]; /* 156-159 */
  guint8 host_checker_pattern[LL_CMIS_LANES];   /* 164-167 */
  guint8 media_checker_pattern[LL_CMIS_LANES];  /* 172-175 */
} LlCmisPrbs;

/* LL_CMIS_ERROR_NO_PAGE without page 13h of @bank. */
gboolean ll_cmis_decode_prbs(const LlCmisImage *img, guint bank, LlCmisPrbs *out, GError **error);
/* LL_CMIS_ERROR_INVALID for a pattern code above 15. */
gboolean ll_cmis_encode_prbs(LlCmisImage *img, guint bank, const LlCmisPrbs *p, GError **error);

#define LL_CMIS_DIAG_SELECT_BER 0x01

typedef struct {
  guint8 selector;                 /* 14h:128; the BERs are valid when it is 01h */
  double host_ber[LL_CMIS_LANES];  /* 192-207, NAN unless selector is 01h */
  double media_ber[LL_CMIS_LANES]; /* 208-223 */
} LlCmisBer;

/* LL_CMIS_ERROR_NO_PAGE without page 14h of @bank. */
gboolean ll_cmis_decode_ber_page(const LlCmisImage *img, guint bank, LlCmisBer *out,
                                 GError **error);
/* Stores one lane's BER (@lane 1-32) on the host or media side of page 14h
 * and sets its selector to 01h. Fails like ll_cmis_encode_ber(). */
gboolean ll_cmis_set_ber(LlCmisImage *img, guint lane, gboolean media_side, double ber,
                         GError **error);

G_END_DECLS
