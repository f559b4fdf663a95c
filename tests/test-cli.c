/* test-cli.c: the `lightline` program driven as a user drives it: exit
 * statuses, text and JSON output of `instruments idn`, `instruments scan`
 * on a faked station (with the configured instruments named, also when the
 * station file writes their resources differently), and the way bad input
 * is reported. Runs the built binary ($LL_BIN/lightline). */
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

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

/* Runs lightline with the arguments; with @umockdev_file set, under
 * `umockdev-run --device FILE --` so it sees that faked station. */
static void
run_in(Run *r, const char *umockdev_file, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
  if (umockdev_file) {
    g_ptr_array_add(argv, g_strdup("umockdev-run"));
    g_ptr_array_add(argv, g_strdup("--device"));
    g_ptr_array_add(argv, g_strdup(umockdev_file));
    g_ptr_array_add(argv, g_strdup("--"));
  }
  g_ptr_array_add(argv, g_build_filename(g_getenv("LL_BIN"), "lightline", NULL));
  va_list ap;
  va_start(ap, first);
  for (const char *a = first; a; a = va_arg(ap, const char *))
    g_ptr_array_add(argv, g_strdup(a));
  va_end(ap);
  g_ptr_array_add(argv, NULL);
  g_autoptr(GError) err = NULL;
  int wait = 0;
  g_spawn_sync(NULL, (gchar **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &r->out, &r->err,
               &wait, &err);
  g_assert_no_error(err);
  g_assert_true(WIFEXITED(wait));
  r->status = WEXITSTATUS(wait);
  g_test_message("exit %d\nstdout:\n%s\nstderr:\n%s", r->status, r->out, r->err);
}

#define run(r, ...) run_in(r, NULL, __VA_ARGS__)

static gchar *
data(const char *name)
{
  return g_build_filename(g_getenv("LL_TEST_DATA"), "config", name, NULL);
}

static void
test_idn_text(void)
{
  g_autofree gchar *cfg = data("sim.ini");
  g_auto(Run) r = { 0 };
  gint64 t0 = g_get_monotonic_time();
  run(&r, "instruments", "idn", "--config", cfg, NULL);
  /* instruments are asked in parallel: one dead instrument costs one timeout */
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 3000000);
  g_assert_cmpint(r.status, ==, 1);
  g_assert_nonnull(strstr(r.out, "meter"));
  g_assert_nonnull(strstr(r.out, "Lightline, SIM-SCPI, serial PM-0001, firmware 1.0"));
  g_assert_nonnull(strstr(r.out, "serial EVB-0001"));
  g_assert_nonnull(strstr(r.out, "deadvoa      attenuator     ERROR"));
  g_assert_nonnull(strstr(r.out, "no reply within 300 ms"));
  g_assert_nonnull(strstr(r.out, "garbled"));
  g_assert_nonnull(strstr(r.out, "*IDN? reply"));
  g_assert_nonnull(strstr(r.err, "2 of 4 instruments did not answer"));
}

static void
test_idn_json(void)
{
  g_autofree gchar *cfg = data("sim.ini");
  g_auto(Run) r = { 0 };
  run(&r, "instruments", "idn", "--config", cfg, "--json", NULL);
  g_assert_cmpint(r.status, ==, 1);
  g_autoptr(JsonParser) p = json_parser_new();
  g_autoptr(GError) err = NULL;
  g_assert_true(json_parser_load_from_data(p, r.out, -1, &err));
  JsonArray *a = json_node_get_array(json_parser_get_root(p));
  g_assert_cmpuint(json_array_get_length(a), ==, 4);
  JsonObject *meter = json_array_get_object_element(a, 0);
  g_assert_cmpstr(json_object_get_string_member(meter, "name"), ==, "meter");
  g_assert_cmpstr(json_object_get_string_member(meter, "class"), ==, "power-meter");
  g_assert_true(json_object_get_boolean_member(meter, "ok"));
  g_assert_cmpstr(json_object_get_string_member(meter, "maker"), ==, "Lightline");
  g_assert_cmpstr(json_object_get_string_member(meter, "serial"), ==, "PM-0001");
  JsonObject *dead = json_array_get_object_element(a, 1);
  g_assert_false(json_object_get_boolean_member(dead, "ok"));
  g_assert_nonnull(strstr(json_object_get_string_member(dead, "error"), "no reply"));
  g_assert_false(json_object_has_member(dead, "maker"));

  /* one instrument by name: exit 0 when it answers */
  g_auto(Run) one = { 0 };
  run(&one, "instruments", "idn", "--config", cfg, "--json", "evb", NULL);
  g_assert_cmpint(one.status, ==, 0);
  g_assert_true(json_parser_load_from_data(p, one.out, -1, &err));
  g_assert_cmpuint(json_array_get_length(json_node_get_array(json_parser_get_root(p))), ==, 1);
}

static void
test_bad_input(void)
{
  g_autofree gchar *bad = data("bad.ini");
  g_auto(Run) r = { 0 };
  run(&r, "instruments", "idn", "--config", bad, NULL);
  g_assert_cmpint(r.status, ==, 2);
  g_autofree gchar *where = g_strdup_printf("%s:3:1: error: unknown key 'lien' in [station]", bad);
  g_assert_nonnull(strstr(r.err, where));
  g_assert_nonnull(strstr(r.err, "  hint: did you mean 'line'?"));
  g_assert_cmpstr(r.out, ==, "");

  g_autofree gchar *cfg = data("sim.ini");
  g_auto(Run) noname = { 0 };
  run(&noname, "instruments", "idn", "--config", cfg, "nosuch", NULL);
  g_assert_cmpint(noname.status, ==, 2);
  g_assert_nonnull(strstr(noname.err, "no instrument named 'nosuch'"));

  g_auto(Run) noconfig = { 0 };
  run(&noconfig, "instruments", "idn", NULL);
  g_assert_cmpint(noconfig.status, ==, 2);
  g_assert_nonnull(strstr(noconfig.err, "--config FILE is required"));

  g_auto(Run) missing = { 0 };
  run(&missing, "instruments", "idn", "--config", "/nonexistent.ini", NULL);
  g_assert_cmpint(missing.status, ==, 2);
  g_assert_nonnull(strstr(missing.err, "/nonexistent.ini: cannot read"));

  g_auto(Run) unknown = { 0 };
  run(&unknown, "frobnicate", NULL);
  g_assert_cmpint(unknown.status, ==, 2);
  g_assert_nonnull(strstr(unknown.err, "unknown command 'frobnicate'"));

  g_auto(Run) badopt = { 0 };
  run(&badopt, "instruments", "idn", "--bogus", NULL);
  g_assert_cmpint(badopt.status, ==, 2);
}

static JsonObject *
find_by(JsonArray *a, const char *member, const char *value)
{
  for (guint i = 0; i < json_array_get_length(a); i++) {
    JsonObject *o = json_array_get_object_element(a, i);
    if (g_strcmp0(json_object_get_string_member_with_default(o, member, NULL), value) == 0)
      return o;
  }
  return NULL;
}

static void
test_scan_faked_station(void)
{
  g_autofree gchar *bench = g_build_filename(g_getenv("LL_TEST_DATA"), "bench.umockdev", NULL);
  g_autofree gchar *cfg = data("bench.ini");
  g_auto(Run) r = { 0 };
  run_in(&r, bench, "instruments", "scan", "--json", "--config", cfg, NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_autoptr(JsonParser) p = json_parser_new();
  g_autoptr(GError) err = NULL;
  g_assert_true(json_parser_load_from_data(p, r.out, -1, &err));
  JsonObject *root = json_node_get_object(json_parser_get_root(p));
  JsonArray *ports = json_object_get_array_member(root, "serial_ports");
  JsonArray *tmc = json_object_get_array_member(root, "usbtmc");
  g_assert_cmpuint(json_array_get_length(ports), ==, 3);
  g_assert_cmpuint(json_array_get_length(tmc), ==, 2);

  JsonObject *evb = find_by(ports, "port", "/dev/ttyACM0");
  g_assert_nonnull(evb);
  g_assert_cmpstr(json_object_get_string_member(evb, "vid"), ==, "0483");
  g_assert_cmpstr(json_object_get_string_member(evb, "pid"), ==, "5740");
  g_assert_cmpstr(json_object_get_string_member(evb, "serial"), ==, "EVB-0001");
  g_assert_cmpstr(json_object_get_string_member(evb, "manufacturer"), ==, "STMicroelectronics");
  g_assert_cmpstr(json_object_get_string_member(evb, "product"), ==, "Lightline EVB");
  g_assert_cmpstr(json_object_get_string_member(evb, "configured_as"), ==, "evb1");
  JsonObject *ftdi = find_by(ports, "port", "/dev/ttyUSB0");
  g_assert_cmpstr(json_object_get_string_member(ftdi, "product"), ==, "FT232R USB UART");
  g_assert_true(json_object_get_null_member(ftdi, "configured_as"));

  JsonObject *pm = find_by(tmc, "resource", "usbtmc:1313:8072:P2001234");
  g_assert_nonnull(pm);
  g_assert_cmpstr(json_object_get_string_member(pm, "vid"), ==, "1313");
  g_assert_cmpstr(json_object_get_string_member(pm, "pid"), ==, "8072");
  g_assert_cmpstr(json_object_get_string_member(pm, "serial"), ==, "P2001234");
  g_assert_cmpstr(json_object_get_string_member(pm, "manufacturer"), ==, "Thorlabs");
  g_assert_cmpstr(json_object_get_string_member(pm, "product"), ==, "PM100USB");
  g_assert_cmpstr(json_object_get_string_member(pm, "configured_as"), ==, "pm1");
  JsonObject *ks = find_by(tmc, "vid", "0957");
  g_assert_nonnull(ks);
  g_assert_cmpstr(json_object_get_string_member(ks, "serial"), ==, "MY59001234");

  /* the text form lists the same devices */
  g_auto(Run) t = { 0 };
  run_in(&t, bench, "instruments", "scan", NULL);
  g_assert_cmpint(t.status, ==, 0);
  g_assert_nonnull(strstr(t.out, "/dev/ttyACM0   usb 0483:5740  STMicroelectronics Lightline EVB, serial EVB-0001"));
  g_assert_nonnull(strstr(t.out, "usbtmc:1313:8072:P2001234    Thorlabs PM100USB, serial P2001234"));
}

/* `scan --config` names a device after the instrument configured on it even
 * when the station file writes its resource differently (the station file's
 * own same-device rule). */
static void
test_scan_configured_variants(void)
{
  g_autofree gchar *bench = g_build_filename(g_getenv("LL_TEST_DATA"), "bench.umockdev", NULL);
  g_autofree gchar *cfg = data("bench-variants.ini");
  g_auto(Run) r = { 0 };
  run_in(&r, bench, "instruments", "scan", "--json", "--config", cfg, NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_autoptr(JsonParser) p = json_parser_new();
  g_autoptr(GError) err = NULL;
  g_assert_true(json_parser_load_from_data(p, r.out, -1, &err));
  JsonObject *root = json_node_get_object(json_parser_get_root(p));
  JsonArray *ports = json_object_get_array_member(root, "serial_ports");
  JsonArray *tmc = json_object_get_array_member(root, "usbtmc");
  JsonObject *evb = find_by(ports, "port", "/dev/ttyACM0");
  g_assert_cmpstr(json_object_get_string_member(evb, "configured_as"), ==, "evb1");
  JsonObject *ftdi = find_by(ports, "port", "/dev/ttyUSB0");
  g_assert_true(json_object_get_null_member(ftdi, "configured_as"));
  JsonObject *pm = find_by(tmc, "resource", "usbtmc:1313:8072:P2001234");
  g_assert_cmpstr(json_object_get_string_member(pm, "configured_as"), ==, "pm1");
  JsonObject *ks = find_by(tmc, "vid", "0957");
  g_assert_true(json_object_get_null_member(ks, "configured_as"));
}

static void
test_version(void)
{
  g_auto(Run) r = { 0 };
  run(&r, "--version", NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_true(g_str_has_prefix(r.out, "lightline "));
  g_assert_nonnull(strchr(r.out, '('));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/cli/idn-text", test_idn_text);
  g_test_add_func("/cli/idn-json", test_idn_json);
  g_test_add_func("/cli/bad-input", test_bad_input);
  g_test_add_func("/cli/version", test_version);
  g_test_add_func("/cli/scan-faked-station", test_scan_faked_station);
  g_test_add_func("/cli/scan-configured-variants", test_scan_configured_variants);
  return g_test_run();
}
