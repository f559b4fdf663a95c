/* ll-actions-private.h: what the action files share: their tables (each a
 * NULL-terminated array of LlAction pointers, collected by ll-actions.c)
 * and helpers for turning driver faults into station faults. */
#pragma once

#include "ll-action.h"

G_BEGIN_DECLS

extern const LlAction *const ll_actions_module[];
extern const LlAction *const ll_actions_util[];

/* The leased EVB, or FALSE with @error when the step has none. */
LlEvb *ll_actions_need_evb(LlActionContext *ctx, GError **error);

G_END_DECLS
