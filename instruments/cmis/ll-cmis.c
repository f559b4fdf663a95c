/* ll-cmis.c: the CMIS page image (see ll-cmis.h), dump files, the scalar
 * codecs (monitor units, F16 BER, state durations), the names of codes and
 * the page checksums. Page decoders are in ll-cmis-decode.c, encoders in
 * ll-cmis-encode.c. */
#include "ll-cmis-private.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(ll-cmis-error-quark, ll_cmis_error)

#define N_PAGES 256

struct _LlCmisImage {
  guint8 lower[LL_CMIS_PAGE_SIZE];
  /* pages[bank][page], NULL when absent; pages below 10h live in bank 0 */
  guint8 *pages[LL_CMIS_BANKS][N_PAGES];
};

/* ---- the image ---------------------------------------------------------- */

/* Where (bank, page) is stored: unbanked pages are always in bank 0. NULL
 * for a bank or page out of range. */
static guint8 **
slot(const LlCmisImage *img, guint bank, guint page)
{
  if (page >= N_PAGES)
    return NULL;
  if (page < 0x10)
    bank = 0;
  if (bank >= LL_CMIS_BANKS)
    return NULL;
  return (guint8 **) &img->pages[bank][page];
}

LlCmisImage *
ll_cmis_image_new(void)
{
  return g_new0(LlCmisImage, 1);
}

LlCmisImage *
ll_cmis_image_copy(const LlCmisImage *img)
{
  LlCmisImage *c = ll_cmis_image_new();
  memcpy(c->lower, img->lower, sizeof c->lower);
  for (guint b = 0; b < LL_CMIS_BANKS; b++)
    for (guint p = 0; p < N_PAGES; p++)
      if (img->pages[b][p])
        c->pages[b][p] = g_memdup2(img->pages[b][p], LL_CMIS_PAGE_SIZE);
  return c;
}

void
ll_cmis_image_free(LlCmisImage *img)
{
  if (!img)
    return;
  for (guint b = 0; b < LL_CMIS_BANKS; b++)
    for (guint p = 0; p < N_PAGES; p++)
      g_free(img->pages[b][p]);
  g_free(img);
}

const guint8 *
ll_cmis_image_get_lower(const LlCmisImage *img)
{
  return img->lower;
}

guint8 *
ll_cmis_image_edit_lower(LlCmisImage *img)
{
  return img->lower;
}

const guint8 *
ll_cmis_image_get_page(const LlCmisImage *img, guint bank, guint page)
{
  guint8 **s = slot(img, bank, page);
  return s ? *s : NULL;
}

guint8 *
ll_cmis_image_edit_page(LlCmisImage *img, guint bank, guint page)
{
  guint8 **s = slot(img, bank, page);
  g_return_val_if_fail(s != NULL, NULL);
  if (!*s)
    *s = g_malloc0(LL_CMIS_PAGE_SIZE);
  return *s;
}

gboolean
ll_cmis_image_has_page(const LlCmisImage *img, guint bank, guint page)
{
  return ll_cmis_image_get_page(img, bank, page) != NULL;
}

void
ll_cmis_image_remove_page(LlCmisImage *img, guint bank, guint page)
{
  guint8 **s = slot(img, bank, page);
  if (s)
    g_clear_pointer(s, g_free);
}

gboolean
ll_cmis_image_is_flat(const LlCmisImage *img)
{
  return (img->lower[2] & 0x80) != 0;
}

void
ll_cmis_image_set_flat(LlCmisImage *img, gboolean flat)
{
  img->lower[2] = (guint8) (flat ? img->lower[2] | 0x80 : img->lower[2] & 0x7f);
}

/* The upper pages of a paged dump, in file order. */
static const guint dump_pages[] = { 0x00, 0x01, 0x02, 0x10, 0x11 };

LlCmisImage *
ll_cmis_image_new_from_dump(const guint8 *data, gsize len, GError **error)
{
  if (len != LL_CMIS_DUMP_PAGED_SIZE && len != LL_CMIS_DUMP_FLAT_SIZE) {
    g_set_error(error, LL_CMIS_ERROR, LL_CMIS_ERROR_SIZE,
                "%" G_GSIZE_FORMAT " bytes; expected %d (lower page + pages 00h 01h 02h 10h 11h) "
                "or %d (flat memory)", len, LL_CMIS_DUMP_PAGED_SIZE, LL_CMIS_DUMP_FLAT_SIZE);
    return NULL;
  }
  LlCmisImage *img = ll_cmis_image_new();
  memcpy(img->lower, data, LL_CMIS_PAGE_SIZE);
  guint n = (guint) (len / LL_CMIS_PAGE_SIZE) - 1;
  for (guint i = 0; i < n; i++)
    memcpy(ll_cmis_image_edit_page(img, 0, dump_pages[i]), data + (i + 1) * LL_CMIS_PAGE_SIZE,
           LL_CMIS_PAGE_SIZE);
  return img;
}

GBytes *
ll_cmis_image_to_dump(const LlCmisImage *img)
{
  gsize len = ll_cmis_image_is_flat(img) ? LL_CMIS_DUMP_FLAT_SIZE : LL_CMIS_DUMP_PAGED_SIZE;
  guint8 *out = g_malloc0(len);
  memcpy(out, img->lower, LL_CMIS_PAGE_SIZE);
  for (guint i = 0; i < len / LL_CMIS_PAGE_SIZE - 1; i++) {
    const guint8 *p = ll_cmis_image_get_page(img, 0, dump_pages[i]);
    if (p)
      memcpy(out + (i + 1) * LL_CMIS_PAGE_SIZE, p, LL_CMIS_PAGE_SIZE);
  }
  return g_bytes_new_take(out, len);
}

/* ---- helpers shared with the decoders and encoders ---------------------- */

const guint8 *
ll_cmis_require_page(const LlCmisImage *img, guint bank, guint page, GError **error)
{
  const guint8 *p = ll_cmis_image_get_page(img, bank, page);
  if (!p) {
    if (page >= 0x10)
      g_set_error(error, LL_CMIS_ERROR, LL_CMIS_ERROR_NO_PAGE,
                  "page %02Xh of bank %u is not in the module image", page, bank);
    else
      g_set_error(error, LL_CMIS_ERROR, LL_CMIS_ERROR_NO_PAGE,
                  "page %02Xh is not in the module image%s", page,
                  ll_cmis_image_is_flat(img) ? " (flat memory)" : "");
  }
  return p;
}

gboolean
ll_cmis_split_lane(guint lane, guint *bank, guint *index, GError **error)
{
  if (lane < 1 || lane > LL_CMIS_BANKS * LL_CMIS_LANES) {
    g_set_error(error, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID, "lane %u is not 1-%d", lane,
                LL_CMIS_BANKS * LL_CMIS_LANES);
    return FALSE;
  }
  *bank = (lane - 1) / LL_CMIS_LANES;
  *index = (lane - 1) % LL_CMIS_LANES;
  return TRUE;
}

gboolean
ll_cmis_check_bank(guint bank, GError **error)
{
  if (bank >= LL_CMIS_BANKS) {
    g_set_error(error, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID, "bank %u is not 0-%d", bank,
                LL_CMIS_BANKS - 1);
    return FALSE;
  }
  return TRUE;
}

/* ---- scalar codecs ------------------------------------------------------ */

gint32
ll_cmis_round_clamp(double x, gint32 lo, gint32 hi)
{
  if (isnan(x))
    return CLAMP(0, lo, hi);
  if (x <= lo)
    return lo;
  if (x >= hi)
    return hi;
  return (gint32) lround(x);
}

double
ll_cmis_decode_temperature(guint16 raw)
{
  return (gint16) raw / 256.0;
}

guint16
ll_cmis_encode_temperature(double c)
{
  return (guint16) (gint16) ll_cmis_round_clamp(c * 256.0, G_MININT16, G_MAXINT16);
}

double
ll_cmis_decode_vcc(guint16 raw)
{
  return raw / 10000.0;
}

guint16
ll_cmis_encode_vcc(double v)
{
  return (guint16) ll_cmis_round_clamp(v * 10000.0, 0, G_MAXUINT16);
}

double
ll_cmis_decode_power(guint16 raw)
{
  return raw / 10000.0;
}

guint16
ll_cmis_encode_power(double mw)
{
  return (guint16) ll_cmis_round_clamp(mw * 10000.0, 0, G_MAXUINT16);
}

double
ll_cmis_mw_to_dbm(double mw)
{
  if (isnan(mw))
    return NAN;
  if (mw <= 0)
    return -INFINITY;
  return 10.0 * log10(mw);
}

double
ll_cmis_dbm_to_mw(double dbm)
{
  return pow(10.0, dbm / 10.0);
}

guint
ll_cmis_bias_multiplier(guint8 byte160)
{
  guint e = (byte160 >> 3) & 0x3;
  return e == 3 ? 0 : 1u << e;
}

double
ll_cmis_decode_bias(guint16 raw, guint multiplier)
{
  if (multiplier == 0)
    return NAN;
  return raw * 2.0 * multiplier / 1000.0;
}

guint16
ll_cmis_encode_bias(double ma, guint multiplier)
{
  if (multiplier != 1 && multiplier != 2 && multiplier != 4)
    multiplier = 1;
  return (guint16) ll_cmis_round_clamp(ma * 1000.0 / (2.0 * multiplier), 0, G_MAXUINT16);
}

/* 10^0 .. 10^24, each the double nearest the exact power. */
static const double pow10_table[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
  1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24,
};

#define BER_EXP_BIAS 24
#define BER_MANTISSA_MAX 2047

double
ll_cmis_decode_ber(guint8 b0, guint8 b1)
{
  int e = (b0 >> 3) - BER_EXP_BIAS;
  guint m = ((guint) (b0 & 0x7) << 8) | b1;
  return e < 0 ? m / pow10_table[-e] : m * pow10_table[e];
}

gboolean
ll_cmis_encode_ber(double ber, guint8 *b0, guint8 *b1, GError **error)
{
  if (isnan(ber) || ber < 0 || ber > BER_MANTISSA_MAX * 1e7) {
    g_set_error(error, LL_CMIS_ERROR, LL_CMIS_ERROR_INVALID,
                "BER %g cannot be stored (0 to 2.047e10)", ber);
    return FALSE;
  }
  /* the smallest exponent whose rounded mantissa still fits 11 bits */
  for (int e = -BER_EXP_BIAS; e <= 31 - BER_EXP_BIAS; e++) {
    double m = round(e < 0 ? ber * pow10_table[-e] : ber / pow10_table[e]);
    if (m <= BER_MANTISSA_MAX) {
      guint mi = (guint) m;
      *b0 = (guint8) (((e + BER_EXP_BIAS) << 3) | (mi >> 8));
      *b1 = (guint8) (mi & 0xff);
      return TRUE;
    }
  }
  g_assert_not_reached(); /* e = 7 always fits: ber <= 2047e7 */
  return FALSE;
}

static const struct {
  double min_ms, max_ms;
  const char *text;
} durations[] = {
  { 0, 1, "t < 1 ms" },
  { 1, 5, "1 ms <= t < 5 ms" },
  { 5, 10, "5 ms <= t < 10 ms" },
  { 10, 50, "10 ms <= t < 50 ms" },
  { 50, 100, "50 ms <= t < 100 ms" },
  { 100, 500, "100 ms <= t < 500 ms" },
  { 500, 1000, "500 ms <= t < 1 s" },
  { 1000, 5000, "1 s <= t < 5 s" },
  { 5000, 10000, "5 s <= t < 10 s" },
  { 10000, 60000, "10 s <= t < 1 min" },
  { 60000, 300000, "1 min <= t < 5 min" },
  { 300000, 600000, "5 min <= t < 10 min" },
  { 600000, 3000000, "10 min <= t < 50 min" },
  { 3000000, INFINITY, "t >= 50 min" },
};

LlCmisDuration
ll_cmis_decode_duration(guint8 code)
{
  LlCmisDuration d = { .code = code, .min_ms = NAN, .max_ms = NAN };
  if (code < G_N_ELEMENTS(durations)) {
    d.min_ms = durations[code].min_ms;
    d.max_ms = durations[code].max_ms;
  }
  return d;
}

const char *
ll_cmis_duration_text(guint8 code)
{
  return code < G_N_ELEMENTS(durations) ? durations[code].text : "reserved";
}

/* ---- names -------------------------------------------------------------- */

typedef struct {
  guint8 code;
  const char *name;
} CodeName;

static const char *
lookup(const CodeName *table, gsize n, guint8 code, const char *otherwise)
{
  for (gsize i = 0; i < n; i++)
    if (table[i].code == code)
      return table[i].name;
  return otherwise;
}

static const CodeName identifiers[] = {
  { 0x00, "unknown" },       { 0x03, "SFP" },          { 0x0C, "QSFP" },
  { 0x0D, "QSFP+" },         { 0x11, "QSFP28" },       { 0x18, "QSFP-DD" },
  { 0x19, "OSFP" },          { 0x1A, "SFP-DD" },       { 0x1B, "DSFP" },
  { 0x1E, "QSFP112" },       { 0x1F, "SFP-DD CMIS" },  { 0x20, "SFP+ CMIS" },
  { 0x21, "OSFP-XD" },       { 0x22, "OIF-ELSFP" },    { 0x23, "CDFP x4 PCIe" },
  { 0x24, "CDFP x8 PCIe" },  { 0x25, "CDFP x16 PCIe" },
};

const char *
ll_cmis_identifier_name(guint8 code)
{
  return lookup(identifiers, G_N_ELEMENTS(identifiers), code,
                code >= 0x80 ? "vendor specific" : "unknown");
}

const char *
ll_cmis_module_state_name(guint8 state)
{
  static const char *const names[] = { NULL, "LowPwr", "PwrUp", "Ready", "PwrDn", "Fault" };
  return state >= 1 && state < G_N_ELEMENTS(names) ? names[state] : "reserved";
}

const char *
ll_cmis_data_path_state_name(guint8 state)
{
  static const char *const names[] = { NULL, "Deactivated", "Init", "Deinit", "Activated",
                                       "TxTurnOn", "TxTurnOff", "Initialized" };
  return state >= 1 && state < G_N_ELEMENTS(names) ? names[state] : "reserved";
}

const char *
ll_cmis_fault_cause_name(guint8 code)
{
  static const char *const names[] = { "none", "TEC runaway", "data memory corrupted",
                                       "program memory corrupted", "TX fault", "RX fault",
                                       "temperature" };
  if (code < G_N_ELEMENTS(names))
    return names[code];
  return code >= 32 && code <= 63 ? "custom" : "reserved";
}

const char *
ll_cmis_media_type_name(guint8 code)
{
  static const char *const names[] = { "undefined", "optical MMF", "optical SMF",
                                       "passive copper", "active cable", "BASE-T" };
  return code < G_N_ELEMENTS(names) ? names[code] : "reserved";
}

static const CodeName connectors[] = {
  { 0x00, "unknown" },        { 0x01, "SC" },         { 0x02, "FC style 1 copper" },
  { 0x03, "FC style 2 copper" }, { 0x04, "BNC/TNC" }, { 0x05, "FC coax headers" },
  { 0x06, "FiberJack" },      { 0x07, "LC" },         { 0x08, "MT-RJ" },
  { 0x09, "MU" },             { 0x0A, "SG" },         { 0x0B, "optical pigtail" },
  { 0x0C, "MPO 1x12" },       { 0x0D, "MPO 2x16" },   { 0x20, "HSSDC II" },
  { 0x21, "copper pigtail" }, { 0x22, "RJ45" },       { 0x23, "no separable connector" },
  { 0x24, "MXC 2x16" },       { 0x25, "CS" },         { 0x26, "SN" },
  { 0x27, "MPO 2x12" },       { 0x28, "MPO 1x16" },
};

const char *
ll_cmis_connector_name(guint8 code)
{
  return lookup(connectors, G_N_ELEMENTS(connectors), code,
                code >= 0x80 ? "vendor specific" : "reserved");
}

const char *
ll_cmis_media_technology_name(guint8 code)
{
  static const char *const names[] = {
    "850 nm VCSEL", "1310 nm VCSEL", "1550 nm VCSEL", "1310 nm FP", "1310 nm DFB",
    "1550 nm DFB", "1310 nm EML", "1550 nm EML", "other", "1490 nm DFB",
    "copper unequalized", "copper passive equalized",
    "copper near and far end limiting active equalizers",
    "copper far end limiting active equalizers", "copper near end limiting active equalizers",
    "copper linear active equalizers", "C-band tunable laser", "L-band tunable laser",
  };
  return code < G_N_ELEMENTS(names) ? names[code] : "reserved";
}

const char *
ll_cmis_prbs_pattern_name(guint8 code)
{
  static const char *const names[] = { "PRBS31Q", "PRBS31", "PRBS23Q", "PRBS23", "PRBS15Q",
                                       "PRBS15",  "PRBS13Q", "PRBS13", "PRBS9Q",  "PRBS9",
                                       "PRBS7Q",  "PRBS7",  "SSPRQ" };
  return code < G_N_ELEMENTS(names) ? names[code] : "reserved";
}

/* ---- checksums ---------------------------------------------------------- */

/* The range a page's checksum covers and where it is stored (addresses). */
static gboolean
checksum_range(guint page, guint *first, guint *last, guint *at)
{
  switch (page) {
  case 0x00:
    *first = 128, *last = 221, *at = 222;
    return TRUE;
  case 0x01:
    *first = 130, *last = 254, *at = 255;
    return TRUE;
  case 0x02:
    *first = 128, *last = 254, *at = 255;
    return TRUE;
  default:
    return FALSE;
  }
}

static guint8
checksum_of(const guint8 *p, guint first, guint last)
{
  guint sum = 0;
  for (guint a = first; a <= last; a++)
    sum += CMIS_UP(p, a);
  return (guint8) (sum & 0xff);
}

void
ll_cmis_check_checksum(const LlCmisImage *img, guint page, LlCmisChecksum *out)
{
  guint first, last, at;
  memset(out, 0, sizeof *out);
  g_return_if_fail(checksum_range(page, &first, &last, &at));
  const guint8 *p = ll_cmis_image_get_page(img, 0, page);
  if (!p)
    return;
  out->present = TRUE;
  out->stored = CMIS_UP(p, at);
  out->computed = checksum_of(p, first, last);
  out->ok = out->stored == out->computed;
}

void
ll_cmis_update_checksums(LlCmisImage *img)
{
  for (guint page = 0; page <= 2; page++) {
    guint first, last, at;
    checksum_range(page, &first, &last, &at);
    if (!ll_cmis_image_has_page(img, 0, page))
      continue;
    guint8 *p = ll_cmis_image_edit_page(img, 0, page);
    CMIS_UP(p, at) = checksum_of(p, first, last);
  }
}
