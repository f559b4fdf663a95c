/* test-run-cli.c: `lightline sequence validate|actions` and `lightline run`
 * driven as a user drives them: exit statuses (0 PASS, 1 FAIL, 2 bad input,
 * 3 ERROR or ABORTED), the verdict line with the bin and what to do, JSON
 * output, file errors at FILE:LINE:COL, and Ctrl-C aborting with cleanup. */
#include "ll-test-util.h"
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>


static gchar *
lightline(void)
{
  return g_build_filename(g_getenv("LL_BIN"), "lightline", NULL);
}

static gchar *
data(const char *name)
{
  return g_build_filename(g_getenv("LL_TEST_DATA"), "engine", name, NULL);
}

/* A copy of the engine station file with @from replaced by @to. */
static gchar *
station_variant(const char *from, const char *to)
{
  g_autofree gchar *path = data("station.ini");
  g_autofree gchar *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  g_autoptr(GString) s = g_string_new(text);
  g_string_replace(s, from, to, 0);
  gchar *out = NULL;
  int fd = g_file_open_tmp("ll-run-XXXXXX.ini", &out, NULL);
  close(fd);
  g_assert_true(g_file_set_contents(out, s->str, -1, NULL));
  return out;
}

static void
test_validate(void)
{
  g_autofree gchar *seq = data("module.yaml");
  const char *good[] = { "sequence", "validate", seq, NULL };
  g_auto(LlTestRun) r = { 0 };
  ll_test_run(&r, good);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_nonnull(strstr(r.out, "ok (engine-module 1.0, 4 steps, 1 limits table)"));

  /* an unknown action names the closest known one, at its line and column */
  g_autofree gchar *text = NULL;
  g_assert_true(g_file_get_contents(seq, &text, NULL, NULL));
  g_autoptr(GString) bad = g_string_new(text);
  g_string_replace(bad, "action: module.identify", "action: module.identfy", 1);
  /* in a folder of its own, with the limits table it names */
  g_autofree gchar *dir = g_dir_make_tmp("ll-validate-XXXXXX", NULL);
  g_autofree gchar *bad_path = g_build_filename(dir, "module.yaml", NULL);
  g_autofree gchar *limits_src = data("module-limits.yaml");
  g_autofree gchar *limits_dst = g_build_filename(dir, "module-limits.yaml", NULL);
  g_autofree gchar *limits_text = NULL;
  g_assert_true(g_file_get_contents(limits_src, &limits_text, NULL, NULL));
  g_assert_true(g_file_set_contents(limits_dst, limits_text, -1, NULL));
  g_assert_true(g_file_set_contents(bad_path, bad->str, -1, NULL));
  /* a limits table given on its own is checked as a table */
  const char *table[] = { "sequence", "validate", limits_dst, NULL };
  g_auto(LlTestRun) t = { 0 };
  ll_test_run(&t, table);
  g_assert_cmpint(t.status, ==, 0);
  g_assert_nonnull(strstr(t.out, "ok (limits table "));
  g_autoptr(GString) bad_table = g_string_new(limits_text);
  g_assert_cmpuint(g_string_replace(bad_table, "kind:", "knd:", 1), ==, 1);
  g_assert_true(g_file_set_contents(limits_dst, bad_table->str, -1, NULL));
  g_auto(LlTestRun) tb = { 0 };
  ll_test_run(&tb, table);
  g_assert_cmpint(tb.status, ==, 2);
  g_autofree gchar *table_err = g_strdup_printf("%s:", limits_dst);
  g_assert_nonnull(strstr(tb.err, table_err));
  g_assert_nonnull(strstr(tb.err, "error: "));
  g_assert_true(g_file_set_contents(limits_dst, limits_text, -1, NULL));
  const char *args[] = { "sequence", "validate", bad_path, NULL };
  g_auto(LlTestRun) b = { 0 };
  ll_test_run(&b, args);
  g_remove(bad_path);
  g_remove(limits_dst);
  g_rmdir(dir);
  g_assert_cmpint(b.status, ==, 2);
  g_autofree gchar *where = g_strdup_printf("%s:19:13: error: unknown action 'module.identfy'", bad_path);
  g_assert_nonnull(strstr(b.err, where));
  g_assert_nonnull(strstr(b.err, "module.identify"));
}

static void
test_actions(void)
{
  const char *args[] = { "sequence", "actions", NULL };
  g_auto(LlTestRun) r = { 0 };
  ll_test_run(&r, args);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_nonnull(strstr(r.out, "module.power-up\n"));
  g_assert_nonnull(strstr(r.out, "measures module_ready"));
  g_assert_nonnull(strstr(r.out, "param application"));
}

static void
test_run_pass_fail_error(void)
{
  g_autofree gchar *cfg = data("station.ini");
  g_autofree gchar *seq = data("module.yaml");
  const char *pass[] = { "run", "--config", cfg, "--sequence", seq, "--sn", "LL26R0001", NULL };
  g_auto(LlTestRun) p = { 0 };
  ll_test_run(&p, pass);
  g_assert_cmpint(p.status, ==, 0);
  g_assert_true(g_str_has_prefix(p.out, "PASS  LL26R0001  site 1  bin 1 GRADE-A: put in tray A"));

  const char *json[] = { "run", "--config", cfg, "--sequence", seq, "--sn", "LL26R0002", "--site", "2",
                         "--json", NULL };
  g_auto(LlTestRun) j = { 0 };
  ll_test_run(&j, json);
  g_assert_cmpint(j.status, ==, 0);
  g_autoptr(JsonParser) parser = json_parser_new();
  g_assert_true(json_parser_load_from_data(parser, j.out, -1, NULL));
  JsonObject *o = json_node_get_object(json_parser_get_root(parser));
  g_assert_cmpstr(json_object_get_string_member(o, "outcome"), ==, "PASS");
  g_assert_cmpint(json_object_get_int_member(o, "site"), ==, 2);
  g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(o, "unit"), "part_number"),
                  ==, "LL-800G-DR8");
  g_assert_cmpuint(json_array_get_length(json_object_get_array_member(o, "measurements")), >=, 9);

  g_autofree gchar *bad_eeprom = station_variant("defects = none", "defects = corrupt-eeprom=1");
  const char *fail[] = { "run", "--config", bad_eeprom, "--sequence", seq, "--sn", "LL26R0003", NULL };
  g_auto(LlTestRun) f = { 0 };
  ll_test_run(&f, fail);
  g_remove(bad_eeprom);
  g_assert_cmpint(f.status, ==, 1);
  g_assert_true(g_str_has_prefix(f.out, "FAIL  LL26R0003  site 1  bin 21 IDENTITY: put in tray F2"));
  g_assert_nonnull(strstr(f.out, "checksums_ok = false"));

  g_autofree gchar *dead = station_variant("resource = sim:evb?bench=engine&site=1",
                                           "resource = sim:evb?bench=engine&site=1&fault=noreply&after=30&timeout=300");
  const char *error[] = { "run", "--config", dead, "--sequence", seq, "--sn", "LL26R0004", NULL };
  g_auto(LlTestRun) e = { 0 };
  ll_test_run(&e, error);
  g_remove(dead);
  g_assert_cmpint(e.status, ==, 3);
  g_assert_true(g_str_has_prefix(e.out, "ERROR  LL26R0004  site 1\n"));
  g_assert_nonnull(strstr(e.out, "no reply within 300 ms"));

  const char *usage[] = { "run", "--config", cfg, "--sn", "X", NULL };
  g_auto(LlTestRun) u = { 0 };
  ll_test_run(&u, usage);
  g_assert_cmpint(u.status, ==, 2);
}

static void
test_ctrl_c(void)
{
  /* real time, so there is a run to interrupt */
  g_autofree gchar *cfg = station_variant("realtime = no", "realtime = yes");
  g_autofree gchar *seq = data("module.yaml");
  g_autofree gchar *bin = lightline();
  const char *argv[] = { bin, "run", "--config", cfg, "--sequence", seq, "--sn", "LL26R0005", NULL };
  GPid pid;
  int out_fd;
  g_autoptr(GError) err = NULL;
  g_assert_true(g_spawn_async_with_pipes(NULL, (gchar **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                         NULL, &pid, NULL, &out_fd, NULL, &err));
  g_usleep(800 * 1000); /* powering up takes ~2 s of real time */
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  char buf[4096] = { 0 };
  ssize_t n = read(out_fd, buf, sizeof buf - 1);
  close(out_fd);
  g_remove(cfg);
  g_test_message("%s", buf);
  g_assert_true(n > 0);
  g_assert_true(WIFEXITED(status));
  g_assert_cmpint(WEXITSTATUS(status), ==, 3);
  g_assert_true(g_str_has_prefix(buf, "ABORTED  LL26R0005"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/run-cli/validate", test_validate);
  g_test_add_func("/run-cli/actions", test_actions);
  g_test_add_func("/run-cli/run", test_run_pass_fail_error);
  g_test_add_func("/run-cli/ctrl-c", test_ctrl_c);
  return g_test_run();
}
