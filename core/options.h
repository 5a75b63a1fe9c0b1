/* SPDX-License-Identifier: MIT */
/*
 * The boot options: the one parser of the hypervisor's command line (the multiboot2 cmdline tag).
 * Words are separated by spaces or tabs, each word is key=value:
 *
 *	timer=hv|sw			the guest LAPIC timer backend (default hv)
 *	timer_advance=auto|off|<ns>	fire early by a calibrated, no, or a fixed amount (default
 *					auto; <ns> from 0 to 1000000)
 *	min_period_us=<n>		shortest periodic-timer period honoured (default 200;
 *					0 to 1000000)
 *	log=error|warn|info|debug	console verbosity (default info)
 *	guest_mem=<n>K|M|G		guest RAM (default 64M; a multiple of 2M, from 4M to 3072M)
 *	crash=none|de|ud|gp|pf|vmentry|vmexit
 *					fail on purpose (default none), to test the diagnostics:
 *					take that exception once paging is up, enter the guest with
 *					an invalid guest state, or make its RDTSC exit to no handler
 *	trace=<n>			keep the last n VM exits (0 to 4096, default 0: off) and
 *					print them when the guest stops (vmx/exit_trace.h)
 *
 * Numbers are unsigned decimal. A key given twice takes its last value. An unknown key, a word
 * without '=', a bad value or a word over OPTIONS_MAX_WORD characters is an error, never ignored.
 */
#ifndef CORE_OPTIONS_H
#define CORE_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "arch/x86/log.h"
#include "vlapic/timer_config.h"

#define OPTIONS_MAX_WORD	128

/* An exception the hypervisor takes on purpose (core/crash.c), by its mnemonic. */
enum crash_kind {
	CRASH_NONE,
	CRASH_DE,	/* divide error, vector 0 */
	CRASH_UD,	/* invalid opcode, vector 6 */
	CRASH_GP,	/* general protection, vector 13 */
	CRASH_PF,	/* page fault, vector 14 */
	CRASH_VMENTRY,	/* the first VM entry fails its guest-state checks */
	CRASH_VMEXIT,	/* the guest's RDTSC exits (reason 16), and no handler takes it */
};

struct boot_options {
	enum vlapic_timer_backend timer;
	enum vlapic_advance_mode advance_mode;
	uint32_t advance_ns;		/* meaningful for VLAPIC_ADVANCE_FIXED only */
	uint32_t min_period_us;
	enum log_level log_level;
	uint64_t guest_mem_bytes;
	enum crash_kind crash;
	uint32_t trace;			/* exits in the exit trace ring; 0: off */
};

void options_defaults(struct boot_options *o);

/*
 * Parses cmdline (NULL or "" leaves *o as it is) over the values already in *o. Returns 0, or -1
 * with *o untouched and a sentence naming the offending word in err (when errlen > 0), e.g.
 * "boot option 'timer=fast': timer must be hv or sw".
 */
int options_parse(const char *cmdline, struct boot_options *o, char *err, size_t errlen);

/* The effective options as one line in the syntax options_parse accepts, for the boot log. */
void options_describe(const struct boot_options *o, char *buf, size_t len);

#endif
