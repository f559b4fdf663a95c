/* ll-gui-format.h: values and limits as the screens show them. */
#pragma once

#include "ll-limits.h"
#include "ll-value.h"

G_BEGIN_DECLS

/* "-1.209 dBm", "true", "LL-800G-DR8": numbers to 4 significant digits. */
gchar *ll_gui_value_text(const LlValue *value);
/* The limit as written: "-2.9 … 4 dBm (guard band 0.2)", "≤ 3.4 dB",
 * "1311 ± 6.5 nm", "= true", "matches LL-800G-DR8". */
gchar *ll_gui_limit_text(const LlLimit *limit);

G_END_DECLS
