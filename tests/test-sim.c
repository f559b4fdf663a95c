/* test-sim.c: the simulated instrument core: SCPI header matching (long and
 * short forms, optional nodes, numeric suffixes), compound commands, the
 * error queue, busy time, and every fault it can inject. */
#include "sim/ll-sim-model.h"

#include <string.h>

static void
test_header_match(void)
{
  guint sfx[LL_SIM_MAX_SUFFIXES];
  g_assert_true(ll_sim_header_match("SENSe#:POWer:WAVelength", "SENS2:POW:WAV", sfx));
  g_assert_cmpuint(sfx[0], ==, 2);
  g_assert_true(ll_sim_header_match("SENSe#:POWer:WAVelength", ":sense:power:wavelength", sfx));
  g_assert_cmpuint(sfx[0], ==, 1);
  g_assert_true(ll_sim_header_match("SENSe#:POWer:WAVelength", "SENSE12:POWER:WAV", sfx));
  g_assert_cmpuint(sfx[0], ==, 12);
  g_assert_false(ll_sim_header_match("SENSe#:POWer:WAVelength", "SENSEX:POW:WAV", NULL));
  g_assert_false(ll_sim_header_match("SENSe#:POWer:WAVelength", "SEN:POW:WAV", NULL));
  g_assert_false(ll_sim_header_match("SENSe#:POWer:WAVelength", "SENS:POW:WAV?", NULL));
  g_assert_true(ll_sim_header_match("SYSTem:ERRor[:NEXT]?", "SYST:ERR?", NULL));
  g_assert_true(ll_sim_header_match("SYSTem:ERRor[:NEXT]?", "system:error:next?", NULL));
  g_assert_false(ll_sim_header_match("SYSTem:ERRor[:NEXT]?", "SYST:ERR:COUN?", NULL));
  g_assert_true(ll_sim_header_match("[SENSe#]:POWer?", "POW?", sfx));
  g_assert_cmpuint(sfx[0], ==, 1);
  g_assert_true(ll_sim_header_match("[SENSe#]:POWer?", "SENS3:POW?", sfx));
  g_assert_cmpuint(sfx[0], ==, 3);
  g_assert_true(ll_sim_header_match("ROUTe#:CHANnel#", "ROUT1:CHAN4", sfx));
  g_assert_cmpuint(sfx[0], ==, 1);
  g_assert_cmpuint(sfx[1], ==, 4);
  g_assert_true(ll_sim_header_match("*IDN?", "*idn?", NULL));
  g_assert_false(ll_sim_header_match("*IDN?", "*IDN", NULL));
  g_assert_false(ll_sim_header_match("MEASure:VOLTage?", "MEAS:VOLT:DC:EXTRA?", NULL));
}

/* A "scpi" device with options written "k=v&k=v". */
static LlSimDevice *
device_with(const char *model, const char *opts, GError **error)
{
  g_autoptr(GHashTable) o = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) pairs = g_strsplit(opts, "&", -1);
  for (guint i = 0; pairs[i] && *pairs[i]; i++) {
    g_auto(GStrv) kv = g_strsplit(pairs[i], "=", 2);
    g_hash_table_insert(o, g_strdup(kv[0]), g_strdup(kv[1]));
  }
  return ll_sim_device_new(model, o, NULL, error);
}

static LlSimDevice *
device(const char *opts)
{
  g_autoptr(GError) err = NULL;
  LlSimDevice *d = device_with("scpi", opts, &err);
  g_assert_no_error(err);
  return d;
}

/* Sends @cmd, returns everything the device has ready right away. */
static gchar *
exchange(LlSimDevice *d, const char *cmd)
{
  ll_sim_device_write(d, (const guint8 *) cmd, strlen(cmd), FALSE);
  ll_sim_device_wait(d, g_get_monotonic_time() + 200000);
  GString *s = g_string_new(NULL);
  guint8 buf[256];
  gsize n;
  while ((n = ll_sim_device_read(d, buf, sizeof buf)) > 0)
    g_string_append_len(s, (const char *) buf, (gssize) n);
  return g_string_free(s, FALSE);
}

static void
test_commands(void)
{
  g_autoptr(LlSimDevice) d = device("serial=X42");
  g_autofree gchar *idn = exchange(d, "*IDN?\n");
  g_assert_cmpstr(idn, ==, "Lightline,SIM-SCPI,X42,1.0\n");
  /* compound line, CRLF, short and long forms */
  g_autofree gchar *v = exchange(d, "SOUR:VOLT 2.5;:SOURCE:VOLTAGE?\r\n");
  g_assert_cmpstr(v, ==, "+2.500000E+00\n");
  g_autofree gchar *none = exchange(d, "SYST:ERR?\n");
  g_assert_cmpstr(none, ==, "0,\"No error\"\n");
  g_autofree gchar *bad = exchange(d, "FOO:BAR 1;SOUR:VOLT abc;SOUR:VOLT 1000\nSYST:ERR:COUN?\n");
  g_assert_cmpstr(bad, ==, "3\n");
  g_autofree gchar *e1 = exchange(d, "SYST:ERR?\n");
  g_assert_cmpstr(e1, ==, "-113,\"Undefined header\"\n");
  g_autofree gchar *e2 = exchange(d, "SYST:ERR?\n");
  g_assert_cmpstr(e2, ==, "-104,\"Data type error\"\n");
  g_autofree gchar *e3 = exchange(d, "SYST:ERR?\n");
  g_assert_cmpstr(e3, ==, "-222,\"Data out of range\"\n");
  g_autofree gchar *rst = exchange(d, "*RST;SOUR:VOLT?\n");
  g_assert_cmpstr(rst, ==, "+1.250000E+00\n");
  g_assert_cmpuint(ll_sim_device_command_count(d), ==, 13);
  g_autofree gchar *last = ll_sim_device_last_command(d);
  g_assert_cmpstr(last, ==, "SOUR:VOLT?");
}

static void
test_busy(void)
{
  g_autoptr(LlSimDevice) d = device("");
  gint64 t0 = g_get_monotonic_time();
  ll_sim_device_write(d, (const guint8 *) "TEST:BUSY 150;*OPC?\n", 20, FALSE);
  g_assert_cmpint(ll_sim_device_ready_at(d) - t0, >=, 150000);
  guint8 buf[8];
  g_assert_cmpuint(ll_sim_device_read(d, buf, sizeof buf), ==, 0); /* not yet */
  g_assert_false(ll_sim_device_wait(d, t0 + 50000));                /* deadline first */
  g_assert_true(ll_sim_device_wait(d, t0 + 2000000));
  g_assert_cmpint(g_get_monotonic_time() - t0, >=, 150000);
  g_assert_cmpuint(ll_sim_device_read(d, buf, sizeof buf), ==, 2);
}

static void
test_faults(void)
{
  g_autoptr(LlSimDevice) noreply = device("fault=noreply&after=1");
  g_autofree gchar *first = exchange(noreply, "*IDN?\n");
  g_assert_cmpstr(first, ==, "Lightline,SIM-SCPI,SIM0001,1.0\n"); /* the fault starts after 1 command */
  g_autofree gchar *second = exchange(noreply, "*IDN?\n");
  g_assert_cmpstr(second, ==, "");

  g_autoptr(LlSimDevice) garbage = device("fault=garbage&seed=7");
  g_autofree gchar *g = exchange(garbage, "*IDN?\n");
  g_assert_cmpuint(strlen(g), >, 2);
  g_assert_true(g_str_has_suffix(g, "\n"));
  g_assert_null(strstr(g, "Lightline"));

  g_autoptr(LlSimDevice) error = device("fault=error");
  g_autofree gchar *ok = exchange(error, "SOUR:VOLT 1\nSYST:ERR?\n");
  g_assert_cmpstr(ok, ==, "-200,\"Execution error\"\n");

  g_autoptr(LlSimDevice) big = device("fault=oversize");
  g_autofree gchar *b = exchange(big, "*IDN?\n");
  g_assert_cmpuint(strlen(b), >, 4 * 1024 * 1024 - 1);

  g_autoptr(LlSimDevice) vanish = device("fault=vanish&after=2");
  g_autofree gchar *v1 = exchange(vanish, "*IDN?\n");
  g_assert_cmpstr(v1, !=, "");
  g_assert_false(ll_sim_device_is_gone(vanish));
  g_autofree gchar *v2 = exchange(vanish, "*IDN?\n");
  g_assert_false(ll_sim_device_is_gone(vanish));
  g_autofree gchar *v3 = exchange(vanish, "*IDN?\n");
  g_assert_true(ll_sim_device_is_gone(vanish));
  g_assert_cmpstr(v3, ==, "");

  g_autoptr(LlSimDevice) slow = device("delay=100");
  gint64 t0 = g_get_monotonic_time();
  ll_sim_device_write(slow, (const guint8 *) "*IDN?\n", 6, FALSE);
  g_assert_cmpint(ll_sim_device_ready_at(slow) - t0, >=, 100000);
  ll_sim_device_clear(slow); /* device clear drops the pending reply */
  g_assert_cmpint(ll_sim_device_ready_at(slow), ==, G_MAXINT64);
}

static void
test_bad_options(void)
{
  static const struct { const char *model, *opts; int code; } cases[] = {
    { "nosuch", "", LL_SIM_ERROR_UNKNOWN_MODEL },
    { "scpi", "fault=explode", LL_SIM_ERROR_OPTION },
    { "scpi", "colour=red", LL_SIM_ERROR_OPTION },
    { "scpi", "delay=-5", LL_SIM_ERROR_OPTION },
    { "scpi", "after=x", LL_SIM_ERROR_OPTION },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) err = NULL;
    g_autoptr(LlSimDevice) d = device_with(cases[i].model, cases[i].opts, &err);
    g_assert_null(d);
    g_assert_error(err, LL_SIM_ERROR, cases[i].code);
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/sim/header-match", test_header_match);
  g_test_add_func("/sim/commands", test_commands);
  g_test_add_func("/sim/busy", test_busy);
  g_test_add_func("/sim/faults", test_faults);
  g_test_add_func("/sim/bad-options", test_bad_options);
  return g_test_run();
}
