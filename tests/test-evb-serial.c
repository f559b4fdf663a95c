/* test-evb-serial.c: a module on the simulated bench reached through the
 * real serial path: the EVB simulator answers a USB CDC-ACM port faked with
 * umockdev, libserialport opens it, the EVB driver and CMIS access run
 * unchanged; then `lightline module read` does the same from the command
 * line. The bench runs in real time here (the responder serves a real
 * serial port). Runs under umockdev-wrapper. */
#include "drivers/ll-evb.h"
#include "drivers/ll-module.h"
#include "ll-fake-serial.h"
#include "sim/ll-bench.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

typedef struct {
  UMockdevTestbed *testbed;
  LlBench *bench;
  LlFakeSerial *port;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  f->testbed = umockdev_testbed_new();
  LlBenchConfig cfg;
  ll_bench_config_default(&cfg);
  cfg.realtime = TRUE;
  memset(&cfg.mix, 0, sizeof cfg.mix);
  f->bench = ll_bench_new(&cfg);
  ll_bench_publish("serialbench", f->bench);
  g_assert_true(ll_bench_insert(f->bench, 1, "LL26S0042"));
  g_autoptr(GError) err = NULL;
  LlSimDevice *evb = ll_sim_device_open("sim:evb?bench=serialbench&site=1&serial=EVB-0042", NULL, &err);
  g_assert_no_error(err);
  LlFakeSerialInfo info = { "ttyACM0", 0x0483, 0x5740, "EVB-0042", "STMicroelectronics",
                            "Lightline EVB", 2 };
  f->port = ll_fake_serial_new(f->testbed, &info, evb, &err);
  g_assert_no_error(err);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  ll_fake_serial_free(f->port);
  ll_bench_unref(f->bench);
  ll_bench_forget_all();
  g_object_unref(f->testbed);
}

static void
test_driver_over_serial(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(LlEvb) evb = ll_evb_open("lightline-evb", "serial:/dev/ttyACM0?baud=115200&timeout=3000", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(ll_evb_idn(evb)->serial, ==, "EVB-0042");
  g_assert_true(ll_module_power_up(evb, ll_clock_system(), &err));
  g_assert_no_error(err);
  g_autoptr(LlCmisImage) img = ll_module_read_image(evb, &err);
  g_assert_no_error(err);
  LlCmisIdentity id;
  g_assert_true(ll_cmis_decode_identity(img, &id, &err));
  g_assert_cmpstr(id.serial_number, ==, "LL26S0042");
  LlCmisModule mod;
  ll_cmis_decode_module(img, &mod);
  g_assert_cmpuint(mod.module_state, ==, LL_CMIS_MODULE_READY);
  g_assert_true(ll_module_power_down(evb, &err));
}

static void
test_cli_module_read(Fixture *f, gconstpointer data)
{
  g_autofree gchar *lightline = g_build_filename(g_getenv("LL_BIN"), "lightline", NULL);
  g_autofree gchar *cfg = g_build_filename(g_getenv("LL_TEST_DATA"), "config", "evb-serial.ini", NULL);
  const char *argv[] = { lightline, "module", "read", "--config", cfg, "--site", "1", "--json", NULL };
  g_autofree gchar *out = NULL, *errout = NULL;
  int status = 0;
  g_autoptr(GError) err = NULL;
  g_assert_true(g_spawn_sync(NULL, (gchar **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &errout,
                             &status, &err));
  g_test_message("stdout:\n%s\nstderr:\n%s", out, errout);
  g_assert_true(WIFEXITED(status));
  g_assert_cmpint(WEXITSTATUS(status), ==, 0);
  g_autoptr(JsonParser) p = json_parser_new();
  g_assert_true(json_parser_load_from_data(p, out, -1, &err));
  JsonObject *root = json_node_get_object(json_parser_get_root(p));
  JsonObject *id = json_object_get_object_member(root, "identity");
  g_assert_cmpstr(json_object_get_string_member(id, "serial_number"), ==, "LL26S0042");
  g_assert_cmpstr(json_object_get_string_member(id, "part_number"), ==, "LL-800G-DR8");
  /* the module was off, so it was read in low power and switched off again */
  ll_bench_lock(f->bench);
  double amps = ll_module_sim_current_a(ll_bench_module(f->bench, 1));
  ll_bench_unlock(f->bench);
  g_assert_cmpfloat(amps, ==, 0.0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/evb-serial/driver", Fixture, NULL, fixture_setup, test_driver_over_serial, fixture_teardown);
  g_test_add("/evb-serial/cli-module-read", Fixture, NULL, fixture_setup, test_cli_module_read,
             fixture_teardown);
  return g_test_run();
}
