/* test-demo.c: `lightline demo`, the simulated shift, end to end with the
 * shipped 800G DR8 sequence: 200 units run to completion with a plausible
 * bin spread for the default defect mix; the same seed gives the same shift
 * to the last digit (every line: outcomes, bins, grades, the summary and
 * the station time) on one, two and four sites, even with several shifts
 * running at once (so the sites' threads are scheduled differently each
 * time); and a faulty instrument gives ERROR outcomes, never PASS or FAIL
 * for the units it hit (with no defects, nothing but PASS and ERROR). */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

static int
demo(const char *const *args, gchar **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(argv, g_build_filename(g_getenv("LL_BIN"), "lightline", NULL));
  g_ptr_array_add(argv, g_strdup("demo"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add(argv, g_strdup(args[i]));
  g_ptr_array_add(argv, NULL);
  g_autofree gchar *err = NULL;
  int wait = 0;
  g_assert_true(g_spawn_sync(NULL, (gchar **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out,
                             &err, &wait, NULL));
  g_test_message("%s\n%s", *out, err);
  g_assert_true(WIFEXITED(wait));
  return WEXITSTATUS(wait);
}

/* The count after @label in the summary line ("192 PASS"). */
static guint
count(const char *out, const char *label)
{
  const char *summary = strstr(out, " units: ");
  g_assert_nonnull(summary);
  g_autofree gchar *key = g_strdup_printf(" %s", label);
  const char *at = strstr(summary, key);
  g_assert_nonnull(at);
  const char *p = at;
  while (p > summary && g_ascii_isdigit(p[-1]))
    p--;
  return (guint) g_ascii_strtoull(p, NULL, 10);
}

/* The output without what differs run to run: the computer time and the
 * folder of the store. */
static gchar *
stable(const char *out)
{
  g_autoptr(GRegex) re = g_regex_new(" \\([0-9.]+ s of computer time\\)|\nresults in [^\n]*", 0, 0,
                                     NULL);
  return g_regex_replace_literal(re, out, -1, 0, "", 0, NULL);
}

/* Asserts that @a and @b are the same text, naming the first line that differs. */
static void
assert_same_lines(const char *a, const char *b)
{
  g_auto(GStrv) la = g_strsplit(a, "\n", -1), lb = g_strsplit(b, "\n", -1);
  for (guint i = 0; la[i] || lb[i]; i++)
    g_assert_cmpstr(la[i], ==, lb[i]);
}

/* Removes @dir and what a shift left in it. */
static void
remove_tree(const char *dir)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  for (const char *name; d && (name = g_dir_read_name(d));) {
    g_autofree gchar *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR))
      remove_tree(path);
    else
      g_remove(path);
  }
  g_rmdir(dir);
}

/* Runs @n shifts of @args at once, each in a folder of its own; asserts
 * that each succeeds and that all print the same (stable()) output, which
 * it returns. */
static gchar *
demo_repeats(const char *const *args, guint n)
{
  g_autofree gchar *bin = g_build_filename(g_getenv("LL_BIN"), "lightline", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, bin);
  g_ptr_array_add(argv, (gpointer) "demo");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add(argv, (gpointer) args[i]);
  g_ptr_array_add(argv, NULL);
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) procs = g_ptr_array_new_with_free_func(g_object_unref);
  for (guint i = 0; i < n; i++) {
    g_autoptr(GError) err = NULL;
    gchar *dir = g_dir_make_tmp("ll-demo-XXXXXX", &err);
    g_assert_no_error(err);
    g_ptr_array_add(dirs, dir);
    g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_subprocess_launcher_set_cwd(l, dir);
    g_autofree gchar *out = g_build_filename(dir, "out.txt", NULL);
    g_subprocess_launcher_set_stdout_file_path(l, out);
    g_ptr_array_add(procs, g_subprocess_launcher_spawnv(l, (const char *const *) argv->pdata, &err));
    g_assert_no_error(err);
  }
  gchar *first = NULL;
  for (guint i = 0; i < n; i++) {
    g_autoptr(GError) err = NULL;
    g_assert_true(g_subprocess_wait_check(procs->pdata[i], NULL, &err));
    g_assert_no_error(err);
    g_autofree gchar *path = g_build_filename(dirs->pdata[i], "out.txt", NULL);
    g_autofree gchar *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    remove_tree(dirs->pdata[i]);
    gchar *out = stable(text);
    if (!first) {
      g_test_message("%s", text);
      first = out;
      continue;
    }
    assert_same_lines(out, first);
    g_free(out);
  }
  return first;
}

static void
test_shift(void)
{
  const char *args[] = { "--units", "200", "--sites", "2", "--seed", "7", NULL };
  /* the same seed, the same shift to the last digit, however the threads
   * of the shifts' sites are scheduled: sites that act at one virtual
   * instant act in site order (ll-clock.h) */
  g_autofree gchar *a = demo_repeats(args, 3);
  guint pass = count(a, "PASS,"), fail = count(a, "FAIL,"), error = count(a, "ERROR,");
  g_assert_cmpuint(pass + fail + error, ==, 200);
  g_assert_cmpuint(error, ==, 0);
  /* the default mix spoils a few percent of units */
  g_assert_cmpuint(fail, >=, 4);
  g_assert_cmpuint(fail, <=, 30);
  const char *bins = strstr(a, "bins:\n");
  g_assert_nonnull(bins);
  guint fail_bins = 0;
  static const char *const names[] = { "TX-POWER", "TX-EYE", "RX-BER", "RX-SENSITIVITY", "DDM",
                                       "POWER", "IDENTITY", "FLAGS", "NO-POWER-UP", "DATA-PATH" };
  for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
    fail_bins += strstr(bins, names[i]) != NULL;
  g_assert_cmpuint(fail_bins, >=, 2);
  g_assert_nonnull(strstr(bins, "GRADE-A"));
  g_assert_nonnull(strstr(a, "station time "));
  g_assert_nonnull(strstr(a, "units per hour"));
  /* four sites wait for each other more often; one site shares nothing */
  const char *four[] = { "--units", "80", "--sites", "4", "--seed", "7", NULL };
  g_autofree gchar *b = demo_repeats(four, 3);
  g_assert_cmpuint(count(b, "PASS,") + count(b, "FAIL,"), ==, 80);
  const char *one[] = { "--units", "60", "--sites", "1", "--seed", "7", NULL };
  g_autofree gchar *c = demo_repeats(one, 2);
  g_assert_cmpuint(count(c, "PASS,") + count(c, "FAIL,"), ==, 60);
}

static void
test_faulty_instrument(void)
{
  const char *args[] = { "--units", "16", "--sites", "2", "--defects", "none", "--fault",
                         "bert:noreply:1500", NULL };
  g_autofree gchar *out = NULL;
  g_assert_cmpint(demo(args, &out), ==, 0);
  g_assert_cmpuint(count(out, "ERROR,"), >, 0);
  g_assert_cmpuint(count(out, "FAIL,"), ==, 0);
  /* every ERROR names the faulty BERT (which step it hits depends on how
   * the two sites' any_order steps interleave) */
  g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
  guint errors = 0;
  for (guint i = 0; lines[i]; i++)
    if (strstr(lines[i], "  site ") && strstr(lines[i], "  ERROR   ")) {
      errors++;
      g_assert_nonnull(strstr(lines[i], "sim:mp1900?"));
    }
  g_assert_cmpuint(errors, >, 0);

  const char *bad[] = { "--fault", "nosuch:noreply", NULL };
  g_autofree gchar *o2 = NULL;
  g_assert_cmpint(demo(bad, &o2), ==, 2);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/demo/shift", test_shift);
  g_test_add_func("/demo/faulty-instrument", test_faulty_instrument);
  return g_test_run();
}
