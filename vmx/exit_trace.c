/* SPDX-License-Identifier: MIT */
#include "arch/x86/log.h"
#include "arch/x86/panic.h"
#include "lib/string.h"
#include "vmx/exit_reasons.h"
#include "vmx/exit_trace.h"

struct exit_trace exit_trace;

void exit_trace_init(uint32_t n)
{
	memset(&exit_trace, 0, sizeof(exit_trace));
	exit_trace.capacity = n < EXIT_TRACE_MAX ? n : EXIT_TRACE_MAX;
	if (exit_trace.capacity) {
		panic_set_hook(exit_trace_print);
		pr_info("exit trace: the last %u exits are kept (trace=), printed when the guest "
			"stops\n", exit_trace.capacity);
	}
}

/* The i-th entry, oldest first, of the min(total, capacity) in the ring. */
static const struct tv_trace_entry *nth(uint32_t i)
{
	const struct exit_trace *t = &exit_trace;
	uint32_t n = t->total < t->capacity ? (uint32_t)t->total : t->capacity;

	return &t->ring[(t->next + t->capacity - n + i) % t->capacity];
}

static uint32_t entries(void)
{
	return exit_trace.total < exit_trace.capacity ? (uint32_t)exit_trace.total :
							 exit_trace.capacity;
}

void exit_trace_exit(uint32_t reason, uint64_t qual, uint64_t rip, uint64_t tsc)
{
	struct exit_trace *t = &exit_trace;
	struct tv_trace_entry *e = &t->ring[t->next];

	e->tsc = tsc;
	e->qualification = qual;
	e->guest_rip = rip;
	e->reason = reason;
	e->ticks = 0;
	t->next = (t->next + 1) % t->capacity;
	t->total++;
	t->open = true;
}

void exit_trace_done(uint64_t ticks)
{
	struct exit_trace *t = &exit_trace;

	if (!t->open)
		return;
	/* The newest entry; a handler over 2^32 ticks (seconds) saturates. */
	t->ring[(t->next + t->capacity - 1) % t->capacity].ticks =
		ticks > 0xffffffffu ? 0xffffffffu : (uint32_t)ticks;
	t->open = false;
}

void exit_trace_print(void)
{
	uint32_t n = entries();

	if (!exit_trace.capacity)
		return;
	kprintf("tickvisor: exit trace: the last %u of %lu exits, oldest first (trace=%u); "
		"ticks: exit to the next entry\n", n, exit_trace.total, exit_trace.capacity);
	for (uint32_t i = 0; i < n; i++) {
		const struct tv_trace_entry *e = nth(i);
		uint32_t basic = e->reason & 0xffff;

		kprintf("tickvisor: trace %u/%u: tsc %lu reason %u (%s) qual %#lx rip %#lx "
			"ticks %u\n", i + 1, n, e->tsc, basic, exit_reason_name(basic),
			e->qualification, e->guest_rip, e->ticks);
	}
}

uint64_t exit_trace_copy(void *buf, uint64_t len)
{
	struct tv_trace h = { .version = 1, .header_size = sizeof(h),
			      .entry_size = sizeof(struct tv_trace_entry) };
	uint8_t *p = buf;
	uint32_t n = entries(), fit;

	if (len < sizeof(h))
		return 0;
	fit = (uint32_t)((len - sizeof(h)) / sizeof(struct tv_trace_entry));
	/* The newest ones when not all fit. */
	h.capacity = exit_trace.capacity;
	h.count = fit < n ? fit : n;
	h.total = exit_trace.total;
	memcpy(p, &h, sizeof(h));
	for (uint32_t i = 0; i < h.count; i++)
		memcpy(p + sizeof(h) + i * sizeof(struct tv_trace_entry), nth(n - h.count + i),
		       sizeof(struct tv_trace_entry));
	return sizeof(h) + (uint64_t)h.count * sizeof(struct tv_trace_entry);
}
