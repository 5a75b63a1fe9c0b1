/* SPDX-License-Identifier: MIT */
/*
 * The last N VM exits in a ring (boot option trace=N, cf. KVM's kvm_exit/kvm_entry tracepoints):
 * reason, qualification, guest RIP, the exit's TSC and the TSC ticks its handling took, exit to
 * the next entry. Printed when the guest stops (any stop, errors included) and when the
 * hypervisor panics; the guest reads it with TV_HC_TRACE (vmx/hypercall_abi.h);
 * tools/exit-trace-report turns the printed ring into a per-reason table.
 */
#ifndef VMX_EXIT_TRACE_H
#define VMX_EXIT_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/hypercall_abi.h"

/* The ring's storage is static: trace= is bounded by it (core/options.c checks the same). */
#define EXIT_TRACE_MAX	4096

struct exit_trace {
	struct tv_trace_entry ring[EXIT_TRACE_MAX];
	uint32_t capacity;	/* trace=N; 0: off */
	uint32_t next;		/* where the next exit goes */
	uint64_t total;		/* exits recorded since the guest started */
	bool open;		/* the newest entry's handler has not finished */
};

extern struct exit_trace exit_trace;

/* trace=N (0 turns tracing off); before the first entry. */
void exit_trace_init(uint32_t n);

static inline bool exit_trace_on(void)
{
	return exit_trace.capacity != 0;
}

/* A VM exit happened at tsc: a new entry, replacing the oldest once the ring is full. */
void exit_trace_exit(uint32_t reason, uint64_t qual, uint64_t rip, uint64_t tsc);
/* The exit's handler is done (the next entry, or the stop): ticks since the exit. */
void exit_trace_done(uint64_t ticks);

/* The ring, oldest first, as "tickvisor: trace k/n: ..." lines (docs/debugging.md). */
void exit_trace_print(void);

/* Fills struct tv_trace (TV_HC_TRACE) in buf of len bytes; returns the bytes written. */
uint64_t exit_trace_copy(void *buf, uint64_t len);

#endif
