/* ll-path-loss.c: the path-loss table of a site, what a sequence needs of
 * it, and the check that refuses a run it does not cover (see
 * ll-path-loss.h). */
#include "ll-path-loss.h"
#include "ll-action.h"
#include "sim/ll-product.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(ll-path-loss-error-quark, ll_path_loss_error)

#define DEFAULT_REF_WAVELENGTH_NM 1311.0

const char *
ll_path_kind_name(LlPathKind kind)
{
  return kind == LL_PATH_TX ? "tx" : kind == LL_PATH_RX ? "rx" : "?";
}

gboolean
ll_path_kind_from_name(const char *name, LlPathKind *kind)
{
  for (LlPathKind k = LL_PATH_TX; k < LL_PATH_COUNT; k++)
    if (name && g_str_equal(name, ll_path_kind_name(k))) {
      *kind = k;
      return TRUE;
    }
  return FALSE;
}

/* ---- the table ---- */

struct _LlPathLossTable {
  gint ref;
  gchar *station_id;
  guint site;
  GPtrArray *values; /* of LlPathLossValue* */
};

static void
value_free(gpointer p)
{
  LlPathLossValue *v = p;
  g_clear_pointer(&v->measured_utc, g_date_time_unref);
  g_clear_pointer(&v->expires_utc, g_date_time_unref);
  g_free(v->golden_serial);
  g_free(v);
}

LlPathLossTable *
ll_path_loss_table_new(const char *station_id, guint site)
{
  LlPathLossTable *t = g_new0(LlPathLossTable, 1);
  t->ref = 1;
  t->station_id = g_strdup(station_id);
  t->site = site;
  t->values = g_ptr_array_new_with_free_func(value_free);
  return t;
}

LlPathLossTable *
ll_path_loss_table_ref(LlPathLossTable *t)
{
  g_atomic_int_inc(&t->ref);
  return t;
}

void
ll_path_loss_table_unref(LlPathLossTable *t)
{
  if (!t || !g_atomic_int_dec_and_test(&t->ref))
    return;
  g_free(t->station_id);
  g_ptr_array_unref(t->values);
  g_free(t);
}

guint
ll_path_loss_table_site(const LlPathLossTable *t)
{
  return t->site;
}

static gboolean
same_path(const LlPathLossValue *v, LlPathKind path, guint lane, double wavelength_nm)
{
  return v->path == path && v->lane == lane &&
         fabs(v->wavelength_nm - wavelength_nm) < LL_PATH_WAVELENGTH_TOLERANCE_NM;
}

const LlPathLossValue *
ll_path_loss_table_lookup(const LlPathLossTable *t, LlPathKind path, guint lane, double wavelength_nm)
{
  for (guint i = 0; t && i < t->values->len; i++) {
    const LlPathLossValue *v = t->values->pdata[i];
    if (same_path(v, path, lane, wavelength_nm))
      return v;
  }
  return NULL;
}

void
ll_path_loss_table_add(LlPathLossTable *t, const LlPathLossValue *value)
{
  LlPathLossValue *v = g_new(LlPathLossValue, 1);
  *v = *value;
  v->measured_utc = value->measured_utc ? g_date_time_ref(value->measured_utc) : NULL;
  v->expires_utc = value->expires_utc ? g_date_time_ref(value->expires_utc) : NULL;
  v->golden_serial = g_strdup(value->golden_serial);
  for (guint i = 0; i < t->values->len; i++)
    if (same_path(t->values->pdata[i], v->path, v->lane, v->wavelength_nm)) {
      value_free(t->values->pdata[i]);
      t->values->pdata[i] = v;
      return;
    }
  g_ptr_array_add(t->values, v);
}

GPtrArray *
ll_path_loss_table_values(const LlPathLossTable *t)
{
  return t->values;
}

/* ---- what a sequence needs ---- */

double
ll_path_loss_lane_wavelength(const char *product, guint lane)
{
  const LlProduct *p = product ? ll_product_lookup(product) : NULL;
  if (!p || lane < 1 || lane > p->lanes)
    return 0;
  return p->wavelength_nm[lane - 1];
}

static void
add_need(GArray *needs, LlPathKind path, guint lane, double wavelength_nm)
{
  for (guint i = 0; i < needs->len; i++) {
    const LlPathNeed *n = &g_array_index(needs, LlPathNeed, i);
    if (n->path == path && n->lane == lane &&
        fabs(n->wavelength_nm - wavelength_nm) < LL_PATH_WAVELENGTH_TOLERANCE_NM)
      return;
  }
  LlPathNeed n = { path, lane, wavelength_nm };
  g_array_append_val(needs, n);
}

static gint
compare_needs(gconstpointer a, gconstpointer b)
{
  const LlPathNeed *x = a, *y = b;
  if (x->path != y->path)
    return x->path < y->path ? -1 : 1;
  if (x->lane != y->lane)
    return x->lane < y->lane ? -1 : 1;
  return x->wavelength_nm < y->wavelength_nm ? -1 : x->wavelength_nm > y->wavelength_nm;
}

double
ll_path_loss_step_wavelength(const LlSequence *seq, const LlStep *step, LlPathKind path, guint lane)
{
  if (path == LL_PATH_TX)
    return ll_path_loss_lane_wavelength(seq->product, lane);
  for (guint i = 0; step->resolved && i < step->resolved->len; i++) {
    const LlParam *p = step->resolved->pdata[i];
    if (g_str_equal(p->name, "ref_wavelength") && p->value.type == LL_VALUE_NUMBER)
      return p->value.number;
  }
  return DEFAULT_REF_WAVELENGTH_NM;
}

GArray *
ll_path_loss_needs(const LlSequence *seq)
{
  GArray *needs = g_array_new(FALSE, FALSE, sizeof(LlPathNeed));
  guint32 all = seq->lanes >= 32 ? 0xFFFFFFFFu : (1u << seq->lanes) - 1;
  for (guint i = 0; i < seq->steps->len; i++) {
    const LlStep *step = seq->steps->pdata[i];
    const LlAction *action = ll_actions_lookup(step->action);
    if (!action || !action->paths)
      continue;
    guint32 lanes = step->per_lane ? step->lanes & all : all;
    for (guint lane = 1; lane <= 32; lane++) {
      if (!((lanes >> (lane - 1)) & 1))
        continue;
      for (LlPathKind path = LL_PATH_TX; path < LL_PATH_COUNT; path++) {
        double nm = ll_path_loss_step_wavelength(seq, step, path, lane);
        if ((action->paths & LL_PATH_BIT(path)) && nm > 0)
          add_need(needs, path, lane, nm);
      }
    }
  }
  g_array_sort(needs, compare_needs);
  return needs;
}

/* ---- the check ---- */

gchar *
ll_path_loss_format_lanes(guint32 mask)
{
  GString *s = g_string_new(NULL);
  for (guint lane = 1; lane <= 32; lane++) {
    if (!((mask >> (lane - 1)) & 1))
      continue;
    guint end = lane;
    while (end < 32 && ((mask >> end) & 1))
      end++;
    if (s->len)
      g_string_append(s, ", ");
    if (end > lane)
      g_string_append_printf(s, "%u-%u", lane, end);
    else
      g_string_append_printf(s, "%u", lane);
    lane = end;
  }
  return g_string_free(s, FALSE);
}

/* Lanes of one path and wavelength with the same problem (missing, or
 * expired at the same time). */
typedef struct {
  LlPathKind path;
  double wavelength_nm;
  GDateTime *expired; /* NULL: missing */
  guint32 lanes;
} Gap;

static void
add_gap(GArray *gaps, const LlPathNeed *n, GDateTime *expired)
{
  for (guint i = 0; i < gaps->len; i++) {
    Gap *g = &g_array_index(gaps, Gap, i);
    if (g->path == n->path && fabs(g->wavelength_nm - n->wavelength_nm) < LL_PATH_WAVELENGTH_TOLERANCE_NM &&
        (g->expired ? expired && g_date_time_equal(g->expired, expired) : !expired)) {
      g->lanes |= 1u << (n->lane - 1);
      return;
    }
  }
  Gap g = { n->path, n->wavelength_nm, expired, 1u << (n->lane - 1) };
  g_array_append_val(gaps, g);
}

static void
describe_gaps(GString *msg, GArray *gaps, gboolean expired)
{
  gboolean first = TRUE;
  for (guint i = 0; i < gaps->len; i++) {
    const Gap *g = &g_array_index(gaps, Gap, i);
    if (!g->expired != !expired)
      continue;
    g_autofree gchar *lanes = ll_path_loss_format_lanes(g->lanes);
    g_string_append_printf(msg, "%s%s lane%s %s at %g nm", first ? "" : ", ",
                           g->path == LL_PATH_TX ? "TX" : "RX", strchr(lanes, '-') || strchr(lanes, ',') ? "s" : "",
                           lanes, g->wavelength_nm);
    if (expired) {
      g_autofree gchar *when = g_date_time_format(g->expired, "%Y-%m-%d %H:%M:%S UTC");
      g_string_append_printf(msg, " (expired %s)", when);
    }
    first = FALSE;
  }
}

gboolean
ll_path_loss_table_check(const LlPathLossTable *table, const char *station_id, guint site,
                         const GArray *needs, GDateTime *now, const char *config_path, GError **error)
{
  g_autoptr(GDateTime) current = now ? g_date_time_ref(now) : g_date_time_new_now_utc();
  g_autoptr(GArray) gaps = g_array_new(FALSE, FALSE, sizeof(Gap));
  guint missing = 0, expired = 0;
  const char *golden = NULL;
  for (guint i = 0; i < needs->len; i++) {
    const LlPathNeed *n = &g_array_index(needs, LlPathNeed, i);
    const LlPathLossValue *v = ll_path_loss_table_lookup(table, n->path, n->lane, n->wavelength_nm);
    if (v && v->golden_serial)
      golden = v->golden_serial;
    if (v && v->expires_utc && g_date_time_compare(current, v->expires_utc) < 0)
      continue;
    add_gap(gaps, n, v ? v->expires_utc : NULL);
    if (v)
      expired++;
    else
      missing++;
  }
  if (!gaps->len)
    return TRUE;
  g_autoptr(GString) msg = g_string_new(NULL);
  g_string_append_printf(msg, "station %s site %u: ", station_id ? station_id : "?", site);
  if (missing) {
    g_string_append(msg, "no path-loss calibration for ");
    describe_gaps(msg, gaps, FALSE);
  }
  if (expired) {
    g_string_append_printf(msg, "%sthe path-loss calibration has expired for ", missing ? "; " : "");
    describe_gaps(msg, gaps, TRUE);
  }
  g_string_append_printf(msg, ": calibrate the site with its golden module first: lightline "
                         "calibrate path-loss --config %s --site %u --golden %s",
                         config_path ? config_path : "STATION.ini", site, golden ? golden : "SN");
  g_set_error_literal(error, LL_PATH_LOSS_ERROR, LL_PATH_LOSS_ERROR_MISSING, msg->str);
  return FALSE;
}
