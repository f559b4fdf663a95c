/* test-bench-cli.c: the simulated bench through the command line, as a user
 * meets it: every driver of examples/sim-station.ini answers `instruments
 * idn`; `module read` reads the modules the file puts in its fixtures; a
 * missing site, an empty fixture and a misspelt bench are clear errors (the
 * last one already when the station file is loaded). */
#include "ll-test-util.h"
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>


static gchar *
example(void)
{
  return g_build_filename(g_getenv("LL_SOURCE"), "examples", "sim-station.ini", NULL);
}

static JsonNode *
parse(const char *text)
{
  g_autoptr(JsonParser) p = json_parser_new();
  g_autoptr(GError) err = NULL;
  g_assert_true(json_parser_load_from_data(p, text, -1, &err));
  return json_node_copy(json_parser_get_root(p));
}

static void
test_idn_every_driver(void)
{
  g_autofree gchar *cfg = example();
  const char *args[] = { "instruments", "idn", "--config", cfg, "--json", NULL };
  g_auto(LlTestRun) r = { 0 };
  ll_test_run(&r, args);
  g_assert_cmpint(r.status, ==, 0);
  g_autoptr(JsonNode) root = parse(r.out);
  JsonArray *a = json_node_get_array(root);
  static const struct { const char *name, *driver, *maker; } want[] = {
    { "pm1", "keysight-n774x", "Keysight Technologies" },
    { "voa1", "keysight-n776x", "Keysight Technologies" },
    { "sw1", "scpi-switch", NULL },
    { "bert", "anritsu-mp1900", "ANRITSU" },
    { "dca", "keysight-flexdca", "Keysight Technologies" },
    { "evb1", "lightline-evb", "Lightline" },
    { "evb2", "lightline-evb", "Lightline" },
  };
  g_assert_cmpuint(json_array_get_length(a), ==, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    JsonObject *o = json_array_get_object_element(a, i);
    g_assert_cmpstr(json_object_get_string_member(o, "name"), ==, want[i].name);
    g_assert_cmpstr(json_object_get_string_member(o, "driver"), ==, want[i].driver);
    g_assert_true(json_object_get_boolean_member(o, "ok"));
    if (want[i].maker)
      g_assert_cmpstr(json_object_get_string_member(o, "maker"), ==, want[i].maker);
  }
}

static void
test_module_read(void)
{
  g_autofree gchar *cfg = example();
  const char *args[] = { "module", "read", "--config", cfg, "--site", "2", "--json", NULL };
  g_auto(LlTestRun) r = { 0 };
  ll_test_run(&r, args);
  g_assert_cmpint(r.status, ==, 0);
  g_autoptr(JsonNode) root = parse(r.out);
  JsonObject *id = json_object_get_object_member(json_node_get_object(root), "identity");
  g_assert_cmpstr(json_object_get_string_member(id, "serial_number"), ==, "LL26A0002");
  g_assert_cmpstr(json_object_get_string_member(id, "vendor_name"), ==, "LIGHTLINE");

  const char *text[] = { "module", "read", "--config", cfg, "--site", "1", NULL };
  g_auto(LlTestRun) t = { 0 };
  ll_test_run(&t, text);
  g_assert_cmpint(t.status, ==, 0);
  g_assert_nonnull(strstr(t.out, "LL26A0001"));
  g_assert_nonnull(strstr(t.out, "page 00h  stored"));
}

static void
test_errors(void)
{
  g_autofree gchar *cfg = example();
  const char *nosite[] = { "module", "read", "--config", cfg, "--site", "3", NULL };
  g_auto(LlTestRun) r = { 0 };
  ll_test_run(&r, nosite);
  g_assert_cmpint(r.status, ==, 2);
  g_assert_nonnull(strstr(r.err, "has no [site 3] (its sites: 1, 2)"));

  /* a station whose second fixture is empty, and a misspelt bench name */
  g_autofree gchar *dir = g_dir_make_tmp("ll-bench-XXXXXX", NULL);
  g_autofree gchar *text = NULL;
  g_assert_true(g_file_get_contents(cfg, &text, NULL, NULL));
  g_autoptr(GString) empty = g_string_new(text);
  g_string_replace(empty, "modules = LL26A0001,LL26A0002", "modules = LL26A0001", 1);
  g_autofree gchar *empty_path = g_build_filename(dir, "empty.ini", NULL);
  g_assert_true(g_file_set_contents(empty_path, empty->str, -1, NULL));
  const char *read2[] = { "module", "read", "--config", empty_path, "--site", "2", NULL };
  g_auto(LlTestRun) e = { 0 };
  ll_test_run(&e, read2);
  g_assert_cmpint(e.status, ==, 1);
  g_assert_nonnull(strstr(e.err, "no module in the fixture"));

  g_autoptr(GString) typo = g_string_new(text);
  g_string_replace(typo, "sim:n774x?bench=lab", "sim:n774x?bench=lba", 1);
  g_autofree gchar *typo_path = g_build_filename(dir, "typo.ini", NULL);
  g_assert_true(g_file_set_contents(typo_path, typo->str, -1, NULL));
  const char *idn[] = { "instruments", "idn", "--config", typo_path, NULL };
  g_auto(LlTestRun) t = { 0 };
  ll_test_run(&t, idn);
  /* caught when the station file is loaded, at the instrument's line */
  g_assert_cmpint(t.status, ==, 2);
  g_assert_nonnull(strstr(t.err, "error: instrument 'pm1' is not on the simulated bench 'lab' of [simulation] but on lba"));
  g_remove(empty_path);
  g_remove(typo_path);
  g_rmdir(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/bench-cli/idn-every-driver", test_idn_every_driver);
  g_test_add_func("/bench-cli/module-read", test_module_read);
  g_test_add_func("/bench-cli/errors", test_errors);
  return g_test_run();
}
