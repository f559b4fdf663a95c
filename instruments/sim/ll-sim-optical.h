/* ll-sim-optical.h: the simulator models of the bench's optical instruments,
 * listed in the model table of ll-sim-models.c:
 *   "pm100"  Thorlabs PM100USB power meter, one channel (option port=tx|rx)
 *   "n774x"  Keysight N7744A power meter, four channels (option
 *            ports=tx,rx,... : the bench port each channel is cabled to)
 *   "n776x"  Keysight N7764A attenuator, four channels, channel 1 is the
 *            bench's attenuator
 *   "switch" DiCon GP700 dual 1xN optical switch (bench sections 1 and 2)
 * Every one takes bench=NAME (default "default") and answers on that bench's
 * clock. What they measure and do is the bench's physics (ll-bench.h); the
 * command sets and behaviour are described in ll-sim-optical.c. */
#pragma once

#include "ll-sim-model.h"

G_BEGIN_DECLS

extern const LlSimModel ll_sim_model_pm100;
extern const LlSimModel ll_sim_model_n774x;
extern const LlSimModel ll_sim_model_n776x;
extern const LlSimModel ll_sim_model_switch;

G_END_DECLS
