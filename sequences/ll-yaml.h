/* ll-yaml.h: a YAML document as a small tree that remembers where every node
 * was written, and the typed readers the sequence and limits loaders share.
 *
 * libfyaml 0.7 keeps no position on document nodes, so the tree is built
 * from its event stream, where every event carries a mark. Syntax errors are
 * collected from libfyaml's diagnostics (never printed) into an LlDiagList
 * at their FILE:LINE:COL. The tree is deliberately plain: scalars, mappings
 * (keys are scalars, unique) and sequences; anchors are allowed but aliases,
 * tags and multi-document streams are rejected, so what an engineer reads
 * is exactly what the station runs. */
#pragma once

#include "ll-diag.h"

G_BEGIN_DECLS

typedef enum {
  LL_YAML_SCALAR,
  LL_YAML_MAPPING,
  LL_YAML_SEQUENCE,
} LlYamlKind;

typedef struct _LlYamlNode LlYamlNode;

struct _LlYamlNode {
  LlYamlKind kind;
  guint line;      /* 1-based */
  guint column;    /* 1-based */
  gchar *text;     /* scalar: its value (escapes resolved); "" for an empty value */
  gboolean quoted; /* scalar written quoted or as a block (| or >): always a string */
  gboolean empty;  /* scalar with nothing written (`key:` followed by nothing) */
  GPtrArray *items; /* sequence: the items; mapping: key, value, key, value... */
};

/* Parses @len bytes of @text (need not be NUL-terminated) read from @file
 * (the name used in diagnostics). Returns the root node, or NULL after
 * adding every syntax error found to @diags. An empty document is an error.
 * Free with ll_yaml_node_free(). */
LlYamlNode *ll_yaml_parse(const char *file, const char *text, gsize len, LlDiagList *diags);

/* Frees @node and everything under it; NULL is ignored. */
void ll_yaml_node_free(LlYamlNode *node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlYamlNode, ll_yaml_node_free)

/* Number of pairs of a mapping, or items of a sequence (0 for a scalar). */
guint ll_yaml_length(const LlYamlNode *node);
/* The @i-th key / value of a mapping, the @i-th item of a sequence. */
const LlYamlNode *ll_yaml_key(const LlYamlNode *map, guint i);
const LlYamlNode *ll_yaml_value(const LlYamlNode *map, guint i);
const LlYamlNode *ll_yaml_item(const LlYamlNode *seq, guint i);
/* The value under @key in @map, or NULL (also when @map is not a mapping). */
const LlYamlNode *ll_yaml_lookup(const LlYamlNode *map, const char *key);
/* The key node under which @key is found in @map, or NULL. */
const LlYamlNode *ll_yaml_lookup_key(const LlYamlNode *map, const char *key);

/* "a mapping", "a list", "a number"...: how a node reads to a person. */
const char *ll_yaml_describe(const LlYamlNode *node);

/* Where the readers below report: the file name and the list. */
typedef struct {
  const char *file;
  LlDiagList *diags;
} LlYamlCtx;

/* Adds an error at @node's position. */
void ll_yaml_error(const LlYamlCtx *ctx, const LlYamlNode *node, const char *hint,
                   const char *format, ...) G_GNUC_PRINTF(4, 5);
/* Adds a warning at @node's position. */
void ll_yaml_warning(const LlYamlCtx *ctx, const LlYamlNode *node, const char *hint,
                     const char *format, ...) G_GNUC_PRINTF(4, 5);

/* TRUE when @node is of @kind; otherwise reports "@what must be a mapping /
 * a list / a single value, not ..." at @node and returns FALSE. */
gboolean ll_yaml_expect(const LlYamlCtx *ctx, const LlYamlNode *node, LlYamlKind kind,
                        const char *what);

/* Reports every key of @map that is not one of the NULL-terminated @known,
 * with the closest known key as a hint; @where names the mapping in the
 * message ("in a step"). Returns FALSE when there was one. */
gboolean ll_yaml_check_keys(const LlYamlCtx *ctx, const LlYamlNode *map,
                            const char *const *known, const char *where);

/* A plain scalar that reads as a number in the YAML core schema (decimal,
 * 0x hex, exponent, .inf, .nan): stores it in *@out and returns TRUE. Never
 * reports. */
gboolean ll_yaml_scalar_number(const LlYamlNode *node, double *out);

/* Typed readers: each returns TRUE and stores the value, or reports at
 * @node what was expected ("@what must be ...") and returns FALSE. */
gboolean ll_yaml_get_string(const LlYamlCtx *ctx, const LlYamlNode *node, const char *what,
                            gchar **out);
gboolean ll_yaml_get_bool(const LlYamlCtx *ctx, const LlYamlNode *node, const char *what,
                          gboolean *out);
/* A finite number. */
gboolean ll_yaml_get_number(const LlYamlCtx *ctx, const LlYamlNode *node, const char *what,
                            double *out);
/* A whole number from @min to @max. */
gboolean ll_yaml_get_uint(const LlYamlCtx *ctx, const LlYamlNode *node, const char *what,
                          guint min, guint max, guint *out);

/* A version: 1 to 3 dot-separated whole numbers ("3", "1.2", "2.0.1"),
 * kept as written (so "1.10" is not read as 1.1). */
gboolean ll_yaml_get_version(const LlYamlCtx *ctx, const LlYamlNode *node, const char *what,
                             gchar **out);

G_END_DECLS
