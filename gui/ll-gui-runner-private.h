/* ll-gui-runner-private.h: the runner's state, shared by ll-gui-runner.c
 * (runs) and ll-gui-instruments.c (instrument connections, SCPI console). */
#pragma once

#include "ll-gui-runner.h"

G_BEGIN_DECLS

typedef struct {
  LlGuiRunner *runner;
  guint site;
  gchar *serial;
  GCancellable *cancel;
  GThread *thread;      /* while a unit runs or the site is calibrated */
  /* path-loss calibration */
  gboolean calibrating; /* the thread calibrates (serial: the golden module) */
  LlCalibrationResult *measured; /* the last calibration measured, until accepted or discarded */
} LlGuiSiteRun;

struct _LlGuiRunner {
  GObject parent;
  LlTestSession *session;
  LlStation *station;         /* the session's */
  const LlSequence *seq;      /* the session's */
  GPtrArray *tables;          /* a copy of the sequence's limits tables, to show */
  GMainContext *context;
  GPtrArray *sites;           /* of LlGuiSiteRun*, in the config's site order */
  GArray *thread_listeners;   /* of ThreadListener */
  gboolean started_once;
  /* events and results crossing from site threads to the main context */
  GMutex queue_lock;
  GQueue queue;               /* of QueueItem* */
  gboolean drain_scheduled;
  gboolean time_held;         /* the main thread takes part in the bench clock until drained */
  gboolean shut_down;
  GThread *main_thread;
  /* what the station was opened with, for the calibration's sessions */
  gchar *config_path, *config_text, *sequences_dir, *operator_name;
  /* instruments */
  GHashTable *instruments;    /* name -> LlGuiInstrumentState* */
};

/* Queues a call of @func(@runner, @data) on the runner's main context, in
 * order with the events; @free_data frees @data afterwards. Any thread. */
void ll_gui_runner_post(LlGuiRunner *runner, void (*func)(LlGuiRunner *, gpointer), gpointer data,
                        GDestroyNotify free_data);

/* ll-gui-instruments.c */
void ll_gui_runner_instruments_init(LlGuiRunner *runner);
void ll_gui_instrument_state_free(LlGuiInstrumentState *state);

G_END_DECLS
