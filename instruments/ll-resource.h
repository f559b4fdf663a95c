/* ll-resource.h: resource strings name where an instrument is and how to talk
 * to it, e.g. "serial:/dev/ttyUSB0?baud=115200&parity=none&term=lf",
 * "usbtmc:1313:8078:P0012345", "tcp:10.0.0.5:5025", "sim:scpi?fault=garbage".
 *
 * Grammar: KIND ":" ADDRESS [ "?" KEY "=" VALUE { "&" KEY "=" VALUE } ].
 * Parsing is pure (no I/O, no device created) so a station file can be
 * checked without touching a device; every error says which part is wrong
 * and at which column. For sim: that includes the simulator model and the
 * options the simulator core knows (ll_sim_check_option()). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LL_RESOURCE_ERROR (ll_resource_error_quark())
GQuark ll_resource_error_quark(void);

typedef enum {
  LL_RESOURCE_ERROR_SYNTAX, /* the string does not follow the grammar */
  LL_RESOURCE_ERROR_KIND,   /* unknown transport kind, or unknown simulator model */
  LL_RESOURCE_ERROR_OPTION, /* unknown option or a bad option value */
} LlResourceError;

typedef enum {
  LL_RESOURCE_SERIAL,
  LL_RESOURCE_USBTMC,
  LL_RESOURCE_TCP,
  LL_RESOURCE_SIM,
} LlResourceKind;

typedef enum { LL_PARITY_NONE, LL_PARITY_ODD, LL_PARITY_EVEN, LL_PARITY_MARK, LL_PARITY_SPACE } LlParity;
typedef enum { LL_FLOW_NONE, LL_FLOW_RTSCTS, LL_FLOW_XONXOFF } LlFlow;

/* A parsed resource string. Options common to every kind have defaults;
 * kind-specific fields are zero when they do not apply. */
typedef struct {
  LlResourceKind kind;
  gchar *text;          /* the string as given */
  /* common options */
  guint timeout_ms;     /* bound on a reply, a write, opening ("timeout=", >= 1, default 2000) */
  gchar *term;          /* line terminator sent and expected ("term=lf|cr|crlf", default "\n") */
  gsize max_reply;      /* bound on one reply ("maxreply=", bytes, default 1 MiB) */
  /* serial: */
  gchar *path;          /* /dev/ttyUSB0 */
  guint baud;           /* default 9600 */
  guint data_bits;      /* 5..8, default 8 */
  guint stop_bits;      /* 1 or 2, default 1 */
  LlParity parity;      /* default none */
  LlFlow flow;          /* default none */
  /* usbtmc: */
  guint16 vid, pid;
  gchar *serial;        /* NULL: the first matching device */
  /* tcp: */
  gchar *host;
  guint16 port;
  /* sim: */
  gchar *sim_name;      /* the simulator model */
  GHashTable *sim_options; /* every option not understood above, for the simulator */
} LlResource;

/* Parses @text. Returns NULL and sets @error (LL_RESOURCE_ERROR) on any
 * problem; *@error_column (optional) receives the 1-based column in @text where
 * the problem starts. Free with ll_resource_free(). */
LlResource *ll_resource_parse(const char *text, guint *error_column, GError **error);
/* A deep copy of @res, field by field (changes made after parsing are kept).
 * Free with ll_resource_free(). */
LlResource *ll_resource_copy(const LlResource *res);
void ll_resource_free(LlResource *res);

/* TRUE when @a and @b name the same physical device, however differently
 * they are written: serial: the same port path; usbtmc: the same VID:PID and
 * either serial number missing or both equal; tcp: the same host (ignoring
 * case) and port. Never for sim: (each is its own instrument) nor for two
 * different kinds. */
gboolean ll_resource_same_device(const LlResource *a, const LlResource *b);
const char *ll_resource_kind_name(LlResourceKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlResource, ll_resource_free)

G_END_DECLS
