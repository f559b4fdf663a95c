/* ll-bert.h: the BERT class: a multi-channel PAM4 pattern generator and
 * error detector. Driver: anritsu-mp1900 (command set modelled on the
 * MP1900A's SCPI, documented in ll-bert.c). Channels are 1-based.
 *
 * One LlBert may be shared by several threads (sites testing lanes in
 * parallel): every call selects its channel and runs its commands as one
 * transaction on the session, so two threads never interleave. */
#pragma once

#include "ll-scpi.h"

G_BEGIN_DECLS

#define LL_BERT_ERROR (ll_bert_error_quark())
GQuark ll_bert_error_quark(void);

typedef enum {
  LL_BERT_ERROR_DRIVER,   /* the driver name is not a BERT driver */
  LL_BERT_ERROR_MODEL,    /* the instrument that answered is not one the driver knows */
  LL_BERT_ERROR_ARGUMENT, /* unknown pattern or channel out of range: nothing was sent */
  LL_BERT_ERROR_NO_BITS,  /* the detector compared no bits (never gated, or read at once):
                           * there is no BER to give */
} LlBertError;

typedef struct _LlBert LlBert;

typedef struct {
  double bits;     /* compared bits since the gating started; > 0 */
  double errors;   /* errored bits */
  double ber;      /* errors / bits */
  gboolean sync;      /* the detector held synchronisation to the pattern for the
                       * whole gate so far: synchronised now and never lost since
                       * ll_bert_start(). FALSE: the errors are not a BER */
  gboolean sync_lost; /* synchronisation was lost at some moment of the gate (the
                       * instrument's latched indicator), even if back now */
} LlBertCounts;

/* Opens the BERT at @resource with @driver ("anritsu-mp1900"), asks *IDN?,
 * checks the instrument is a model the driver knows (LL_BERT_ERROR_MODEL
 * naming what answered otherwise), clears its status and asks how many
 * channels it has. Nothing else is changed: generators keep running. NULL
 * with @error set on failure. */
LlBert *ll_bert_open(const char *driver, const char *resource, GError **error);
/* Closes the session; the instrument keeps its settings. NULL is ignored. */
void ll_bert_close(LlBert *bert);
/* The *IDN? fields read at open; owned by @bert. */
const LlIdn *ll_bert_idn(LlBert *bert);
/* The session, for what the class does not cover; owned by @bert. */
LlScpi *ll_bert_scpi(LlBert *bert);
/* Number of generator/detector channel pairs the instrument reported. */
guint ll_bert_channels(LlBert *bert);

/* Patterns by name: PRBS31Q, PRBS31, PRBS23Q, PRBS15Q, PRBS13Q, PRBS13,
 * PRBS9Q, PRBS7Q, SSPRQ. Unknown names are an error before anything is sent.
 *
 * Every call below that changes something checks the instrument's error
 * queue afterwards; an instrument error, a timeout or a reply that is not
 * what was asked is a GError, never a made-up value. */

/* Sets @channel's generator pattern and switches its output on or off. */
gboolean ll_bert_set_generator(LlBert *bert, guint channel, const char *pattern, gboolean on,
                               GError **error);
/* Sets the pattern @channel's error detector expects. */
gboolean ll_bert_set_detector(LlBert *bert, guint channel, const char *pattern, GError **error);
/* Starts (and zeroes) / stops the error detector's gating. */
gboolean ll_bert_start(LlBert *bert, guint channel, GError **error);
gboolean ll_bert_stop(LlBert *bert, guint channel, GError **error);
/* Counts so far (gating may still run); after ll_bert_stop() they stay as
 * they were when gating stopped. The compared bits are read before the
 * errors, so while gating runs the errors cover at least the bits' interval:
 * the BER can only come out pessimistic. No compared bits (a channel never
 * gated, or read right after ll_bert_start()) is LL_BERT_ERROR_NO_BITS, never
 * a BER of 0; more errors than bits is LL_SCPI_ERROR_PARSE. A caller must
 * still check @sync (FALSE also when synchronisation was lost for a while
 * during the gate and is back): errors counted without it are not a BER.
 * @counts is written only on success. */
gboolean ll_bert_read(LlBert *bert, guint channel, LlBertCounts *counts, GError **error);

/* TRUE if @pattern is a pattern name the class knows (case-insensitive). */
gboolean ll_bert_pattern_valid(const char *pattern);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LlBert, ll_bert_close)

G_END_DECLS
