/* SPDX-License-Identifier: MIT */
#include "arch/x86/log.h"
#include "arch/x86/tsc.h"
#include "vmx/apic_glue.h"
#include "vmx/exit_stats.h"
#include "vmx/vcpu.h"

void exit_stats_print(const struct vcpu *v, uint64_t now)
{
	const struct exit_stats *s = &v->stats;
	uint64_t run = now - s->start_tsc;

	kprintf("tickvisor: exit statistics: %lu exits, %lu TSC ticks in the hypervisor of %lu "
		"(%lu.%02lu%%)\n", s->total_exits, s->total_cycles, run,
		run ? s->total_cycles * 100 / run : 0,
		run ? s->total_cycles * 10000 / run % 100 : 0);
	kprintf("tickvisor:   %-32s %10s %14s %10s\n", "reason", "exits", "TSC ticks", "avg");
	for (unsigned int r = 0; r < EXIT_REASON_COUNT; r++) {
		if (!s->count[r])
			continue;
		kprintf("tickvisor:   %2u %-29s %10lu %14lu %10lu\n", r, exit_reason_name(r),
			s->count[r], s->cycles[r], s->cycles[r] / s->count[r]);
	}
	apic_glue_print_stats();
}
