/* cmd-module.c: `lightline module decode`, the module's memory as a report.
 *   decode FILE [--json]   a CMIS memory dump: 768 bytes (lower page, pages
 *                          00h 01h 02h 10h 11h of bank 0) or 256 bytes (flat
 *                          memory: lower page, page 00h)
 * The report is built from an LlCmisImage, not from the file, so other
 * subcommands that get an image some other way (reading a module) print it
 * with print_text() / build_json(). JSON field names and units are
 * documented in docs/cmis-json.md. */
#include "ll-cli.h"
#include "ll-station-module.h"
#include "ll-station-sim.h"
#include "cmis/ll-cmis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Everything decoded from one image; a section is absent when its page is. */
typedef struct {
  LlCmisModule module;
  gboolean has_identity, has_advertising, has_thresholds, has_controls, has_status;
  LlCmisIdentity identity;
  LlCmisChecksum checksums[3];
  LlCmisAdvertising advertising;
  LlCmisThresholds thresholds;
  LlCmisLaneControls controls;
  LlCmisLaneStatus status;
  GPtrArray *warnings; /* of gchar* */
} Report;

static void
report_clear(Report *r)
{
  g_clear_pointer(&r->warnings, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Report, report_clear)

static void
report_fill(Report *r, const LlCmisImage *img)
{
  memset(r, 0, sizeof *r);
  r->warnings = g_ptr_array_new_with_free_func(g_free);
  ll_cmis_decode_module(img, &r->module);
  /* each decoder fails only when its page is absent: that is what has_* says */
  r->has_identity = ll_cmis_decode_identity(img, &r->identity, NULL);
  r->has_advertising = ll_cmis_decode_advertising(img, &r->advertising, NULL);
  r->has_thresholds = ll_cmis_decode_thresholds(img, &r->thresholds, NULL);
  r->has_controls = ll_cmis_decode_lane_controls(img, 0, &r->controls, NULL);
  r->has_status = ll_cmis_decode_lane_status(img, 0, &r->status, NULL);
  for (guint p = 0; p < 3; p++)
    ll_cmis_check_checksum(img, p, &r->checksums[p]);

  gboolean paged_pages = ll_cmis_image_has_page(img, 0, 0x01) || ll_cmis_image_has_page(img, 0, 0x11);
  if (r->module.flat_memory && paged_pages)
    g_ptr_array_add(r->warnings, g_strdup("lower page byte 2 bit 7 says flat memory, but the image "
                                          "holds pages beyond 00h; they are decoded anyway"));
  if (!r->module.flat_memory && !paged_pages)
    g_ptr_array_add(r->warnings, g_strdup("lower page byte 2 bit 7 says paged memory, but the image "
                                          "holds page 00h only"));
  const guint8 *p0 = ll_cmis_image_get_page(img, 0, 0x00);
  if (p0 && p0[0] != r->module.identifier)
    g_ptr_array_add(r->warnings,
                    g_strdup_printf("identifier %02Xh in page 00h byte 128 differs from %02Xh in "
                                    "lower page byte 0", p0[0], r->module.identifier));
  if (r->has_advertising && r->advertising.tx_bias_multiplier == 0)
    g_ptr_array_add(r->warnings, g_strdup("page 01h byte 160 bits 4-3 hold the reserved TX bias "
                                          "multiplier: TX bias is not reported"));
}

/* ---- JSON --------------------------------------------------------------- */

static void
add_double(JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name(b, name);
  if (isfinite(v))
    json_builder_add_double_value(b, v);
  else
    json_builder_add_null_value(b); /* -inf dBm (0 mW), or a value the memory cannot give */
}

static void
add_int(JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_int_value(b, v);
}

static void
add_bool(JsonBuilder *b, const char *name, gboolean v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_boolean_value(b, v);
}

static void
add_string(JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name(b, name);
  if (v)
    json_builder_add_string_value(b, v);
  else
    json_builder_add_null_value(b);
}

static void
add_named_code(JsonBuilder *b, const char *name, const char *text, guint code)
{
  g_autofree gchar *code_name = g_strdup_printf("%s_code", name);
  add_string(b, name, text);
  add_int(b, code_name, code);
}

typedef struct {
  guint8 bit;
  const char *json;
  const char *text;
} FlagName;

static const FlagName module_flag_names[] = {
  { LL_CMIS_FLAG_STATE_CHANGED, "state_changed", "state-changed" },
  { LL_CMIS_FLAG_MODULE_FIRMWARE_ERROR, "module_firmware_error", "module-firmware-error" },
  { LL_CMIS_FLAG_DATA_PATH_FIRMWARE_ERROR, "data_path_firmware_error", "data-path-firmware-error" },
  { LL_CMIS_FLAG_CDB1_COMPLETE, "cdb1_complete", "CDB1-complete" },
  { LL_CMIS_FLAG_CDB2_COMPLETE, "cdb2_complete", "CDB2-complete" },
};

static const FlagName monitor_flag_names[] = {
  { LL_CMIS_FLAG_TEMP_HIGH_ALARM, "temperature_high_alarm", "temperature-high-alarm" },
  { LL_CMIS_FLAG_TEMP_LOW_ALARM, "temperature_low_alarm", "temperature-low-alarm" },
  { LL_CMIS_FLAG_TEMP_HIGH_WARNING, "temperature_high_warning", "temperature-high-warning" },
  { LL_CMIS_FLAG_TEMP_LOW_WARNING, "temperature_low_warning", "temperature-low-warning" },
  { LL_CMIS_FLAG_VCC_HIGH_ALARM, "vcc_high_alarm", "Vcc-high-alarm" },
  { LL_CMIS_FLAG_VCC_LOW_ALARM, "vcc_low_alarm", "Vcc-low-alarm" },
  { LL_CMIS_FLAG_VCC_HIGH_WARNING, "vcc_high_warning", "Vcc-high-warning" },
  { LL_CMIS_FLAG_VCC_LOW_WARNING, "vcc_low_warning", "Vcc-low-warning" },
};

static void
add_flags(JsonBuilder *b, const char *name, const FlagName *names, gsize n, guint8 value)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_object(b);
  for (gsize i = 0; i < n; i++)
    add_bool(b, names[i].json, (value & names[i].bit) != 0);
  json_builder_end_object(b);
}

static void
json_module(JsonBuilder *b, const LlCmisModule *m)
{
  json_builder_set_member_name(b, "module");
  json_builder_begin_object(b);
  add_named_code(b, "identifier", ll_cmis_identifier_name(m->identifier), m->identifier);
  g_autofree gchar *rev = g_strdup_printf("%u.%u", m->revision_major, m->revision_minor);
  add_string(b, "cmis_revision", rev);
  add_bool(b, "flat_memory", m->flat_memory);
  add_named_code(b, "module_state", ll_cmis_module_state_name(m->module_state), m->module_state);
  add_bool(b, "interrupt_deasserted", m->interrupt_deasserted);
  add_flags(b, "module_flags", module_flag_names, G_N_ELEMENTS(module_flag_names), m->module_flags);
  add_flags(b, "latched_flags", monitor_flag_names, G_N_ELEMENTS(monitor_flag_names),
            m->monitor_flags);
  add_double(b, "temperature_c", m->temperature_c);
  add_double(b, "vcc_v", m->vcc_v);
  add_bool(b, "low_power_request_sw", m->low_power_request_sw);
  add_bool(b, "low_power_allow_request_hw", m->low_power_allow_request_hw);
  g_autofree gchar *fw = g_strdup_printf("%u.%u", m->firmware_major, m->firmware_minor);
  add_string(b, "firmware_version", fw);
  add_named_code(b, "fault_cause", ll_cmis_fault_cause_name(m->fault_cause), m->fault_cause);
  add_named_code(b, "media_type", ll_cmis_media_type_name(m->media_type), m->media_type);
  add_int(b, "password_entry", m->password_entry);
  json_builder_set_member_name(b, "applications");
  json_builder_begin_array(b);
  for (guint i = 0; i < m->n_applications; i++) {
    const LlCmisApplication *a = &m->applications[i];
    json_builder_begin_object(b);
    add_int(b, "app_sel", a->app_sel);
    add_int(b, "host_interface_id", a->host_interface_id);
    add_int(b, "media_interface_id", a->media_interface_id);
    add_int(b, "host_lane_count", a->host_lane_count);
    add_int(b, "media_lane_count", a->media_lane_count);
    add_int(b, "host_lane_assignment", a->host_lane_assignment);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
}

static void
json_identity(JsonBuilder *b, const Report *r)
{
  json_builder_set_member_name(b, "identity");
  if (!r->has_identity) {
    json_builder_add_null_value(b);
    return;
  }
  const LlCmisIdentity *id = &r->identity;
  json_builder_begin_object(b);
  add_string(b, "vendor_name", id->vendor_name);
  g_autofree gchar *oui = g_strdup_printf("%02x:%02x:%02x", id->vendor_oui[0], id->vendor_oui[1],
                                          id->vendor_oui[2]);
  add_string(b, "vendor_oui", oui);
  add_string(b, "part_number", id->part_number);
  add_string(b, "revision", id->revision);
  add_string(b, "serial_number", id->serial_number);
  add_string(b, "date_code", id->date_code);
  add_string(b, "manufacture_date", *id->manufacture_date ? id->manufacture_date : NULL);
  add_string(b, "lot", id->lot);
  add_string(b, "clei", id->clei);
  add_int(b, "power_class", id->power_class);
  add_double(b, "max_power_w", id->max_power_w);
  add_named_code(b, "connector", ll_cmis_connector_name(id->connector), id->connector);
  add_named_code(b, "media_technology", ll_cmis_media_technology_name(id->media_technology),
                 id->media_technology);
  json_builder_end_object(b);
}

static void
json_checksums(JsonBuilder *b, const Report *r)
{
  json_builder_set_member_name(b, "checksums");
  json_builder_begin_object(b);
  for (guint p = 0; p < 3; p++) {
    const LlCmisChecksum *c = &r->checksums[p];
    g_autofree gchar *name = g_strdup_printf("page_%02xh", p);
    json_builder_set_member_name(b, name);
    if (!c->present) {
      json_builder_add_null_value(b);
      continue;
    }
    json_builder_begin_object(b);
    add_int(b, "stored", c->stored);
    add_int(b, "computed", c->computed);
    add_bool(b, "ok", c->ok);
    json_builder_end_object(b);
  }
  json_builder_end_object(b);
}

static void
json_duration(JsonBuilder *b, const char *name, const LlCmisDuration *d)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_object(b);
  add_int(b, "code", d->code);
  add_double(b, "min_ms", d->min_ms);
  add_double(b, "max_ms", d->max_ms);
  add_string(b, "text", ll_cmis_duration_text(d->code));
  json_builder_end_object(b);
}

static void
json_advertising(JsonBuilder *b, const Report *r)
{
  json_builder_set_member_name(b, "advertising");
  if (!r->has_advertising) {
    json_builder_add_null_value(b);
    return;
  }
  const LlCmisAdvertising *a = &r->advertising;
  json_builder_begin_object(b);
  add_double(b, "wavelength_nm", a->wavelength_nm);
  add_bool(b, "diag_pages_supported", a->diag_pages_supported);
  json_builder_set_member_name(b, "banks");
  if (a->banks)
    json_builder_add_int_value(b, a->banks);
  else
    json_builder_add_null_value(b);
  add_string(b, "rx_power_type", a->rx_power_type == LL_CMIS_RX_POWER_AVERAGE ? "average" : "OMA");
  add_bool(b, "tx_bias_monitor", a->tx_bias_monitor);
  add_bool(b, "tx_power_monitor", a->tx_power_monitor);
  add_bool(b, "rx_power_monitor", a->rx_power_monitor);
  add_int(b, "tx_bias_multiplier_exponent", a->tx_bias_exponent);
  json_builder_set_member_name(b, "tx_bias_multiplier");
  if (a->tx_bias_multiplier)
    json_builder_add_int_value(b, a->tx_bias_multiplier);
  else
    json_builder_add_null_value(b);
  json_builder_set_member_name(b, "max_durations");
  json_builder_begin_object(b);
  json_duration(b, "module_pwr_up", &a->module_pwr_up);
  json_duration(b, "module_pwr_dn", &a->module_pwr_dn);
  json_duration(b, "dp_init", &a->dp_init);
  json_duration(b, "dp_deinit", &a->dp_deinit);
  json_duration(b, "dp_tx_turn_on", &a->dp_tx_turn_on);
  json_duration(b, "dp_tx_turn_off", &a->dp_tx_turn_off);
  json_builder_end_object(b);
  json_builder_end_object(b);
}

static void
json_threshold_set(JsonBuilder *b, const char *name, const LlCmisThresholdSet *t)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_object(b);
  add_double(b, "high_alarm", t->high_alarm);
  add_double(b, "low_alarm", t->low_alarm);
  add_double(b, "high_warning", t->high_warning);
  add_double(b, "low_warning", t->low_warning);
  json_builder_end_object(b);
}

static void
json_thresholds(JsonBuilder *b, const Report *r)
{
  json_builder_set_member_name(b, "thresholds");
  if (!r->has_thresholds) {
    json_builder_add_null_value(b);
    return;
  }
  const LlCmisThresholds *t = &r->thresholds;
  json_builder_begin_object(b);
  json_threshold_set(b, "temperature_c", &t->temperature_c);
  json_threshold_set(b, "vcc_v", &t->vcc_v);
  json_threshold_set(b, "tx_power_mw", &t->tx_power_mw);
  json_threshold_set(b, "tx_power_dbm", &t->tx_power_dbm);
  json_threshold_set(b, "tx_bias_ma", &t->tx_bias_ma);
  json_threshold_set(b, "rx_power_mw", &t->rx_power_mw);
  json_threshold_set(b, "rx_power_dbm", &t->rx_power_dbm);
  json_builder_end_object(b);
}

static void
json_lanes(JsonBuilder *b, const Report *r)
{
  json_builder_set_member_name(b, "lanes");
  json_builder_begin_array(b);
  for (guint i = 0; (r->has_controls || r->has_status) && i < LL_CMIS_LANES; i++) {
    const LlCmisLaneControls *c = &r->controls;
    const LlCmisLaneStatus *s = &r->status;
    guint8 bit = (guint8) (1u << i);
    json_builder_begin_object(b);
    add_int(b, "lane", i + 1);
    if (r->has_controls) {
      add_bool(b, "data_path_deinit", (c->data_path_deinit & bit) != 0);
      add_bool(b, "tx_disable", (c->tx_disable & bit) != 0);
      add_bool(b, "rx_disable", (c->rx_disable & bit) != 0);
      add_int(b, "app_sel", c->app_sel[i]);
      add_int(b, "data_path_id", c->data_path_id[i]);
      add_bool(b, "explicit_control", c->explicit_control[i]);
    }
    if (r->has_status) {
      add_named_code(b, "data_path_state", ll_cmis_data_path_state_name(s->data_path_state[i]),
                     s->data_path_state[i]);
      add_bool(b, "tx_fault", (s->tx_fault & bit) != 0);
      add_bool(b, "tx_los", (s->tx_los & bit) != 0);
      add_bool(b, "tx_lol", (s->tx_lol & bit) != 0);
      add_bool(b, "rx_los", (s->rx_los & bit) != 0);
      add_bool(b, "rx_lol", (s->rx_lol & bit) != 0);
      add_double(b, "tx_power_mw", s->tx_power_mw[i]);
      add_double(b, "tx_power_dbm", s->tx_power_dbm[i]);
      add_double(b, "tx_bias_ma", s->tx_bias_ma[i]);
      add_double(b, "rx_power_mw", s->rx_power_mw[i]);
      add_double(b, "rx_power_dbm", s->rx_power_dbm[i]);
    }
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
}

/* The whole report as JSON; @source names where the image came from. */
static JsonNode *
build_json(const Report *r, const char *source)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  add_string(b, "source", source);
  json_builder_set_member_name(b, "warnings");
  json_builder_begin_array(b);
  for (guint i = 0; i < r->warnings->len; i++)
    json_builder_add_string_value(b, r->warnings->pdata[i]);
  json_builder_end_array(b);
  json_module(b, &r->module);
  json_identity(b, r);
  json_checksums(b, r);
  json_advertising(b, r);
  json_thresholds(b, r);
  json_lanes(b, r);
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

/* ---- text --------------------------------------------------------------- */

/* A physical value for the text report: "-inf" for 0 mW in dBm, "n/a" for
 * a value the memory cannot give. */
static gchar *
fmt(double v, int decimals)
{
  if (isinf(v))
    return g_strdup(v < 0 ? "-inf" : "inf");
  if (isnan(v))
    return g_strdup("n/a");
  return g_strdup_printf("%.*f", decimals, v);
}

static gchar *
flag_list(const FlagName *names, gsize n, guint8 value)
{
  GString *s = g_string_new(NULL);
  for (gsize i = 0; i < n; i++)
    if (value & names[i].bit)
      g_string_append_printf(s, "%s%s", s->len ? " " : "", names[i].text);
  if (!s->len)
    g_string_append(s, "none");
  return g_string_free(s, FALSE);
}

static void
text_module(const LlCmisModule *m)
{
  printf("Module (lower page)\n");
  printf("  %-20s %s (%02Xh)\n", "identifier", ll_cmis_identifier_name(m->identifier), m->identifier);
  printf("  %-20s %u.%u\n", "CMIS revision", m->revision_major, m->revision_minor);
  printf("  %-20s %s\n", "memory", m->flat_memory ? "flat" : "paged");
  printf("  %-20s %s (%u)\n", "module state", ll_cmis_module_state_name(m->module_state),
         m->module_state);
  printf("  %-20s %u.%u\n", "active firmware", m->firmware_major, m->firmware_minor);
  printf("  %-20s %s (%02Xh)\n", "media type", ll_cmis_media_type_name(m->media_type),
         m->media_type);
  printf("  %-20s %s (%u)\n", "fault cause", ll_cmis_fault_cause_name(m->fault_cause),
         m->fault_cause);
  printf("  %-20s %.2f C\n", "temperature", m->temperature_c);
  printf("  %-20s %.4f V\n", "supply voltage", m->vcc_v);
  g_autofree gchar *mf = flag_list(module_flag_names, G_N_ELEMENTS(module_flag_names),
                                   m->module_flags);
  g_autofree gchar *lf = flag_list(monitor_flag_names, G_N_ELEMENTS(monitor_flag_names),
                                   m->monitor_flags);
  printf("  %-20s %s\n", "module flags", mf);
  printf("  %-20s %s\n", "latched flags", lf);
  printf("  %-20s LowPwrRequestSW %s, LowPwrAllowRequestHW %s\n", "power controls",
         m->low_power_request_sw ? "on" : "off", m->low_power_allow_request_hw ? "on" : "off");
  printf("  %-20s %08Xh\n", "password entry", m->password_entry);
  printf("  %-20s %u\n", "applications", m->n_applications);
  for (guint i = 0; i < m->n_applications; i++) {
    const LlCmisApplication *a = &m->applications[i];
    GString *starts = g_string_new(NULL);
    for (guint l = 0; l < 8; l++)
      if (a->host_lane_assignment & (1u << l))
        g_string_append_printf(starts, "%s%u", starts->len ? " or " : "", l + 1);
    printf("    AppSel %u  host %02Xh  media %02Xh  %u host / %u media lanes  starts on host "
           "lane %s\n", a->app_sel, a->host_interface_id, a->media_interface_id,
           a->host_lane_count, a->media_lane_count, starts->len ? starts->str : "none");
    g_string_free(starts, TRUE);
  }
}

static void
text_identity(const LlCmisIdentity *id)
{
  printf("Identity (page 00h)\n");
  printf("  %-20s %s\n", "vendor", id->vendor_name);
  printf("  %-20s %02x:%02x:%02x\n", "vendor OUI", id->vendor_oui[0], id->vendor_oui[1],
         id->vendor_oui[2]);
  printf("  %-20s %s\n", "part number", id->part_number);
  printf("  %-20s %s\n", "revision", id->revision);
  printf("  %-20s %s\n", "serial number", id->serial_number);
  printf("  %-20s %s (%s, lot %s)\n", "date code", id->date_code,
         *id->manufacture_date ? id->manufacture_date : "not a date", *id->lot ? id->lot : "-");
  printf("  %-20s %s\n", "CLEI", *id->clei ? id->clei : "(blank)");
  printf("  %-20s %u (max %.2f W)\n", "power class", id->power_class, id->max_power_w);
  printf("  %-20s %s (%02Xh)\n", "connector", ll_cmis_connector_name(id->connector), id->connector);
  printf("  %-20s %s (%02Xh)\n", "media technology",
         ll_cmis_media_technology_name(id->media_technology), id->media_technology);
}

static void
text_checksums(const Report *r)
{
  printf("Checksums\n");
  for (guint p = 0; p < 3; p++) {
    const LlCmisChecksum *c = &r->checksums[p];
    if (c->present)
      printf("  page %02Xh  stored %02Xh  computed %02Xh  %s\n", p, c->stored, c->computed,
             c->ok ? "OK" : "BAD");
    else
      printf("  page %02Xh  not in the image\n", p);
  }
}

static void
text_advertising(const LlCmisAdvertising *a)
{
  printf("Advertising (page 01h)\n");
  printf("  %-20s %.2f nm\n", "nominal wavelength", a->wavelength_nm);
  printf("  %-20s %s\n", "pages 13h/14h", a->diag_pages_supported ? "supported" : "not supported");
  if (a->banks)
    printf("  %-20s %u (lanes 1-%u)\n", "banks", a->banks, a->banks * LL_CMIS_LANES);
  else
    printf("  %-20s reserved\n", "banks");
  printf("  %-20s %s\n", "RX power monitor", a->rx_power_type == LL_CMIS_RX_POWER_AVERAGE
                                                 ? "average power" : "OMA");
  printf("  %-20s TX bias %s, TX power %s, RX power %s\n", "lane monitors",
         a->tx_bias_monitor ? "yes" : "no", a->tx_power_monitor ? "yes" : "no",
         a->rx_power_monitor ? "yes" : "no");
  if (a->tx_bias_multiplier)
    printf("  %-20s x%u (2 uA x %u per step)\n", "TX bias multiplier", a->tx_bias_multiplier,
           a->tx_bias_multiplier);
  else
    printf("  %-20s reserved (exponent 3)\n", "TX bias multiplier");
  const struct {
    const char *name;
    const LlCmisDuration *d;
  } durations[] = {
    { "module power-up", &a->module_pwr_up }, { "module power-down", &a->module_pwr_dn },
    { "data-path init", &a->dp_init },        { "data-path deinit", &a->dp_deinit },
    { "TX turn-on", &a->dp_tx_turn_on },      { "TX turn-off", &a->dp_tx_turn_off },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(durations); i++)
    printf("  %-20s %s\n", durations[i].name, ll_cmis_duration_text(durations[i].d->code));
}

static void
text_threshold_row(const char *name, const LlCmisThresholdSet *t, int decimals)
{
  g_autofree gchar *ha = fmt(t->high_alarm, decimals), *hw = fmt(t->high_warning, decimals);
  g_autofree gchar *lw = fmt(t->low_warning, decimals), *la = fmt(t->low_alarm, decimals);
  printf("  %-16s %11s %11s %11s %11s\n", name, ha, hw, lw, la);
}

static void
text_thresholds(const LlCmisThresholds *t)
{
  printf("Thresholds (page 02h)\n");
  printf("  %-16s %11s %11s %11s %11s\n", "", "high alarm", "high warn", "low warn", "low alarm");
  text_threshold_row("temperature C", &t->temperature_c, 2);
  text_threshold_row("Vcc V", &t->vcc_v, 4);
  text_threshold_row("TX power mW", &t->tx_power_mw, 4);
  text_threshold_row("TX power dBm", &t->tx_power_dbm, 2);
  text_threshold_row("TX bias mA", &t->tx_bias_ma, 3);
  text_threshold_row("RX power mW", &t->rx_power_mw, 4);
  text_threshold_row("RX power dBm", &t->rx_power_dbm, 2);
}

static void
text_lanes(const Report *r)
{
  const LlCmisLaneControls *c = &r->controls;
  const LlCmisLaneStatus *s = &r->status;
  printf("Lanes (bank 0: page 10h %s, page 11h %s)\n", r->has_controls ? "present" : "absent",
         r->has_status ? "present" : "absent");
  printf("  %-4s %-12s %-3s %-6s %8s %7s %8s %8s %7s  %s\n", "lane", "data path", "app", "TX",
         "TX mW", "TX dBm", "bias mA", "RX mW", "RX dBm", "flags");
  for (guint i = 0; i < LL_CMIS_LANES; i++) {
    guint8 bit = (guint8) (1u << i);
    g_autofree gchar *txp = NULL, *txd = NULL, *bias = NULL, *rxp = NULL, *rxd = NULL;
    GString *flags = g_string_new(NULL);
    if (r->has_status) {
      txp = fmt(s->tx_power_mw[i], 4);
      txd = fmt(s->tx_power_dbm[i], 2);
      bias = fmt(s->tx_bias_ma[i], 3);
      rxp = fmt(s->rx_power_mw[i], 4);
      rxd = fmt(s->rx_power_dbm[i], 2);
      const struct {
        guint8 mask;
        const char *name;
      } lane_flags[] = { { s->tx_fault, "TX-fault" }, { s->tx_los, "TX-LOS" },
                         { s->tx_lol, "TX-LOL" },     { s->rx_los, "RX-LOS" },
                         { s->rx_lol, "RX-LOL" } };
      for (gsize f = 0; f < G_N_ELEMENTS(lane_flags); f++)
        if (lane_flags[f].mask & bit)
          g_string_append_printf(flags, "%s%s", flags->len ? " " : "", lane_flags[f].name);
    }
    if (r->has_controls) {
      if (c->data_path_deinit & bit)
        g_string_append_printf(flags, "%sdeinit", flags->len ? " " : "");
      if (c->rx_disable & bit)
        g_string_append_printf(flags, "%sRX-disabled", flags->len ? " " : "");
    }
    g_autofree gchar *app = r->has_controls ? g_strdup_printf("%u", c->app_sel[i]) : g_strdup("-");
    printf("  %-4u %-12s %-3s %-6s %8s %7s %8s %8s %7s  %s\n", i + 1,
           r->has_status ? ll_cmis_data_path_state_name(s->data_path_state[i]) : "-", app,
           !r->has_controls ? "-" : (c->tx_disable & bit) ? "off" : "on", txp ? txp : "-",
           txd ? txd : "-", bias ? bias : "-", rxp ? rxp : "-", rxd ? rxd : "-",
           flags->len ? flags->str : "-");
    g_string_free(flags, TRUE);
  }
}

/* The whole report as text on stdout; @dump_len is the size of the file
 * it came from, 0 when it did not come from a file. */
static void
print_text(const Report *r, const char *source, gsize dump_len)
{
  if (dump_len)
    printf("%s: %" G_GSIZE_FORMAT " bytes, %s memory\n", source, dump_len,
           r->module.flat_memory ? "flat" : "paged");
  else
    printf("%s: %s memory\n", source, r->module.flat_memory ? "flat" : "paged");
  for (guint i = 0; i < r->warnings->len; i++)
    printf("WARNING: %s\n", (const char *) r->warnings->pdata[i]);
  printf("\n");
  text_module(&r->module);
  if (r->has_identity)
    text_identity(&r->identity);
  text_checksums(r);
  if (r->has_advertising)
    text_advertising(&r->advertising);
  if (r->has_thresholds)
    text_thresholds(&r->thresholds);
  if (r->has_controls || r->has_status)
    text_lanes(r);
}

/* ---- subcommands -------------------------------------------------------- */

static int
cmd_decode(int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (fields in docs/cmis-json.md)", NULL },
    { NULL },
  };
  if (!ll_cli_parse(&argc, &argv, "module decode", "FILE",
                    "decode a CMIS memory dump (768 bytes paged, 256 bytes flat)", entries))
    return LL_EXIT_USAGE;
  if (argc != 2) {
    ll_cli_error("module decode: %s", argc < 2 ? "give the dump FILE" : "give one dump FILE");
    return LL_EXIT_USAGE;
  }
  const char *path = argv[1];
  g_autofree gchar *data = NULL;
  gsize len = 0;
  g_autoptr(GError) err = NULL;
  if (!g_file_get_contents(path, &data, &len, &err)) {
    ll_cli_error("%s: cannot read: %s", path, err->message);
    return LL_EXIT_USAGE;
  }
  g_autoptr(LlCmisImage) img = ll_cmis_image_new_from_dump((const guint8 *) data, len, &err);
  if (!img) {
    ll_cli_error("%s: %s", path, err->message);
    return LL_EXIT_USAGE;
  }
  g_auto(Report) r = { 0 };
  report_fill(&r, img);
  if (json) {
    g_autoptr(JsonNode) root = build_json(&r, path);
    ll_cli_print_json(root);
  } else {
    print_text(&r, path, len);
  }
  return LL_EXIT_OK;
}

static int
cmd_read(int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree gchar *config_path = NULL;
  gint site = 0;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Station file", "FILE" },
    { "site", 's', 0, G_OPTION_ARG_INT, &site, "Site whose module to read", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (fields in docs/cmis-json.md)", NULL },
    { NULL },
  };
  if (!ll_cli_parse(&argc, &argv, "module read", NULL,
                    "read the module in a site through its EVB and decode it", entries))
    return LL_EXIT_USAGE;
  if (!config_path || site < 1 || argc > 1) {
    ll_cli_error("module read: %s", !config_path ? "--config FILE is required"
                                    : site < 1   ? "--site N is required (N >= 1)"
                                                 : "unexpected argument");
    return LL_EXIT_USAGE;
  }
  g_autoptr(GError) err = NULL;
  g_autoptr(LlStationConfig) cfg = ll_station_config_load(config_path, NULL, &err);
  if (!cfg) {
    fprintf(stderr, "%s\n", err->message);
    return LL_EXIT_USAGE;
  }
  g_autoptr(LlBench) bench = ll_station_simulation_start(cfg, &err);
  if (err) {
    ll_cli_error("%s", err->message);
    return LL_EXIT_USAGE;
  }
  if (!ll_station_config_site(cfg, (guint) site)) {
    g_autoptr(LlEvb) none = ll_station_open_evb(cfg, (guint) site, &err);
    ll_cli_error("%s", err->message);
    return LL_EXIT_USAGE;
  }
  g_autoptr(LlCmisImage) img = ll_station_read_module(cfg, (guint) site, ll_station_clock(bench), &err);
  if (!img) {
    ll_cli_error("%s", err->message);
    return LL_EXIT_FAIL;
  }
  g_autofree gchar *source = g_strdup_printf("site %d", site);
  g_auto(Report) r = { 0 };
  report_fill(&r, img);
  if (json) {
    g_autoptr(JsonNode) root = build_json(&r, source);
    ll_cli_print_json(root);
  } else {
    print_text(&r, source, 0);
  }
  return LL_EXIT_OK;
}

static const LlCommand subcommands[] = {
  { "decode", "decode a CMIS memory dump file", cmd_decode },
  { "read", "read the module in a site through its EVB", cmd_read },
};

int
ll_cmd_module(int argc, char **argv)
{
  if (argc >= 2)
    for (gsize i = 0; i < G_N_ELEMENTS(subcommands); i++)
      if (g_str_equal(argv[1], subcommands[i].name))
        return subcommands[i].func(argc - 1, argv + 1);
  if (argc >= 2)
    ll_cli_error("module: unknown subcommand '%s'", argv[1]);
  fprintf(stderr, "Usage: lightline module COMMAND\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS(subcommands); i++)
    fprintf(stderr, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
  return LL_EXIT_USAGE;
}
