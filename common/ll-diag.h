/* ll-diag.h: diagnostics for files people write (station files, sequences,
 * limits tables). Every problem is reported as
 *     FILE:LINE:COL: error: message
 *       hint: what to do about it
 * and a loader collects all of them rather than stopping at the first, so an
 * engineer fixes a file in one pass. Also the "did you mean" helper that
 * names the closest known word. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum { LL_DIAG_ERROR, LL_DIAG_WARNING } LlDiagSeverity;

typedef struct {
  LlDiagSeverity severity;
  gchar *file;
  guint line;   /* 1-based; 0 when the problem is the file as a whole */
  guint column; /* 1-based; 0 when unknown */
  gchar *message;
  gchar *hint;  /* may be NULL */
} LlDiag;

typedef struct _LlDiagList LlDiagList;

LlDiagList *ll_diag_list_new(void);
void ll_diag_list_free(LlDiagList *list);

/* Adds a diagnostic; @hint may be NULL. */
void ll_diag_add(LlDiagList *list, LlDiagSeverity severity, const char *file, guint line,
                 guint column, const char *hint, const char *format, ...) G_GNUC_PRINTF(7, 8);

/* Orders by file, line and column (stable). */
void ll_diag_list_sort(LlDiagList *list);

guint ll_diag_list_count(const LlDiagList *list, LlDiagSeverity severity);
const LlDiag *ll_diag_list_get(const LlDiagList *list, guint index);
guint ll_diag_list_length(const LlDiagList *list);

/* "FILE:LINE:COL: error: message" and, when there is a hint, a second line
 * "  hint: ...". No trailing newline. */
gchar *ll_diag_format(const LlDiag *diag);
/* Every diagnostic, one per line (with its hint line), in order. */
gchar *ll_diag_list_format(const LlDiagList *list);

/* The candidate closest to @word by edit distance (case-insensitive), or
 * NULL when none is close enough to be a plausible typo. */
const char *ll_closest_word(const char *word, const char *const *candidates, gsize n);

/* Edit distance between two strings (case-insensitive). */
guint ll_edit_distance(const char *a, const char *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlDiagList, ll_diag_list_free)

G_END_DECLS
