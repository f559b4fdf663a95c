/* bench-util.c: see bench-util.h. */
#include "bench-util.h"

#include <string.h>

void
bench_open_demo(const LlDemoOptions *o, LlStation **station, LlSequence **seq, GPtrArray **tables)
{
  g_autoptr(GError) err = NULL;
  g_autofree gchar *text = ll_demo_station_text(o, &err);
  g_assert_no_error(err);
  LlStationConfig *cfg = ll_station_config_load_data("bench-station.ini", text, strlen(text), NULL, &err);
  g_assert_no_error(err);
  *station = ll_station_open(cfg, &err);
  g_assert_no_error(err);
  g_autofree gchar *seq_path = ll_demo_sequence_path(NULL, o->product);
  g_autoptr(LlDiagList) diags = ll_diag_list_new();
  if (!ll_sequence_check_file(seq_path, ll_actions_catalog(), diags, seq, tables)) {
    g_autofree gchar *msgs = ll_diag_list_format(diags);
    g_error("%s", msgs);
  }
}
