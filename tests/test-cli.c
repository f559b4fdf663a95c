/* test-cli.c: the `lightline` program driven as a user drives it: exit
 * statuses, text and JSON output of `instruments idn`, and the way bad input
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
  return g_test_run();
}
