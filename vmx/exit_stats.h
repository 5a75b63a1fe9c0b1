/* SPDX-License-Identifier: MIT */
/* Per-exit-reason counts and hypervisor cycles, printed when the guest ends (cf. kvm_stat). */
#ifndef VMX_EXIT_STATS_H
#define VMX_EXIT_STATS_H

#include <stdint.h>

#include "vmx/exit_reasons.h"

struct exit_stats {
	uint64_t count[EXIT_REASON_COUNT];
	uint64_t cycles[EXIT_REASON_COUNT];	/* TSC from exit to the next entry */
	uint64_t total_exits;
	uint64_t total_cycles;
	uint64_t start_tsc;			/* first VM entry */
};

struct vcpu;

static inline void exit_stats_account(struct exit_stats *s, uint32_t reason, uint64_t cycles)
{
	if (reason < EXIT_REASON_COUNT) {
		s->count[reason]++;
		s->cycles[reason] += cycles;
	}
	s->total_exits++;
	s->total_cycles += cycles;
}

void exit_stats_print(const struct vcpu *v, uint64_t now);

#endif
