/* test-demo.c: `lightline demo`, the simulated shift, end to end with the
 * shipped 800G DR8 sequence: 200 units run to completion with a plausible
 * bin spread for the default defect mix, the same spread again with the same
 * seed (on one site, the same shift to the last digit), and a faulty instrument giving ERROR outcomes, never PASS or FAIL
 * for the units it hit (with no defects, nothing but PASS and ERROR). */
#include <glib.h>
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

/* The output without its last line (computer time differs run to run). */
static gchar *
stable(const char *out)
{
  const char *cut = strstr(out, "station time");
  return g_strndup(out, cut ? (gsize) (cut - out) : strlen(out));
}

/* Each unit's line with a pass grade reduced to PASS: serial, site,
 * outcome and fail bin. */
static gchar *
verdicts(const char *out)
{
  g_autoptr(GString) v = g_string_new(NULL);
  g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    if (!strstr(lines[i], "  site "))
      continue;
    const char *pass = strstr(lines[i], "  PASS ");
    if (pass)
      g_string_append_len(v, lines[i], pass - lines[i] + 6);
    else
      g_string_append(v, lines[i]);
    g_string_append_c(v, '\n');
  }
  g_assert_cmpuint(v->len, >, 0);
  return g_string_free(g_steal_pointer(&v), FALSE);
}

static void
test_shift(void)
{
  const char *args[] = { "--units", "200", "--sites", "2", "--seed", "7", NULL };
  g_autofree gchar *a = NULL, *b = NULL;
  g_assert_cmpint(demo(args, &a), ==, 0);
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
  g_assert_nonnull(strstr(a, "units per hour"));
  /* the same seed, the same spread: every unit the same outcome and fail
   * bin. Two sites that ask for one instrument at the same virtual instant
   * are served in the order their threads arrive, which can move a
   * reading's timing and so a passing unit's margin (its grade); the
   * verdicts and fail bins must not move. */
  g_assert_cmpint(demo(args, &b), ==, 0);
  g_autofree gchar *va = verdicts(a), *vb = verdicts(b);
  g_assert_cmpstr(va, ==, vb);
  /* one site shares nothing with another: the whole shift, grades and
   * numbers, again identical */
  const char *one[] = { "--units", "60", "--sites", "1", "--seed", "7", NULL };
  g_autofree gchar *c = NULL, *d = NULL;
  g_assert_cmpint(demo(one, &c), ==, 0);
  g_assert_cmpint(demo(one, &d), ==, 0);
  g_autofree gchar *sc = stable(c), *sd = stable(d);
  g_assert_cmpstr(sc, ==, sd);
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
