/* ll-bert.h: the BERT class: a multi-channel PAM4 pattern generator and
 * error detector. Driver: anritsu-mp1900 (command set modelled on the
 * MP1900A's SCPI). Channels are 1-based. */
#pragma once

#include "ll-scpi.h"

G_BEGIN_DECLS

typedef struct _LlBert LlBert;

typedef struct {
  double bits;     /* compared bits since the gating started */
  double errors;   /* errored bits */
  double ber;      /* errors / bits (0 when no bits) */
  gboolean sync;   /* the detector is synchronised to the pattern */
} LlBertCounts;

LlBert *ll_bert_open(const char *driver, const char *resource, GError **error);
void ll_bert_close(LlBert *bert);
const LlIdn *ll_bert_idn(LlBert *bert);
LlScpi *ll_bert_scpi(LlBert *bert);
guint ll_bert_channels(LlBert *bert);

/* Patterns by name: PRBS31Q, PRBS31, PRBS23Q, PRBS15Q, PRBS13Q, PRBS13,
 * PRBS9Q, PRBS7Q, SSPRQ. Unknown names are an error before anything is sent. */
gboolean ll_bert_set_generator(LlBert *bert, guint channel, const char *pattern, gboolean on,
                               GError **error);
gboolean ll_bert_set_detector(LlBert *bert, guint channel, const char *pattern, GError **error);
/* Starts (and zeroes) / stops the error detector's gating. */
gboolean ll_bert_start(LlBert *bert, guint channel, GError **error);
gboolean ll_bert_stop(LlBert *bert, guint channel, GError **error);
/* Counts so far (gating may still run). */
gboolean ll_bert_read(LlBert *bert, guint channel, LlBertCounts *counts, GError **error);

/* TRUE if @pattern is a pattern name the class knows. */
gboolean ll_bert_pattern_valid(const char *pattern);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlBert, ll_bert_close)

G_END_DECLS
