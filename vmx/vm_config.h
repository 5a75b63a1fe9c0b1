/* SPDX-License-Identifier: MIT */
/*
 * What the VM is built with. core/main.c fills it in from the boot options (core/options.h,
 * README "Boot options"); vmx/ never reads the options themselves (configuration flows down).
 */
#ifndef VMX_VM_CONFIG_H
#define VMX_VM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "vlapic/timer_config.h"

/* crash=vmentry / crash=vmexit: break the VM on purpose, to test the diagnostics */
enum vm_breakage {
	VM_INTACT,
	VM_BREAK_ENTRY,		/* the first VM entry fails its guest-state checks */
	VM_BREAK_EXIT,		/* RDTSC exiting on, an exit with no handler */
};

struct vm_config {
	uint64_t guest_mem_bytes;		/* guest_mem= */
	enum vlapic_timer_backend timer;	/* timer= */
	enum vlapic_advance_mode advance_mode;	/* timer_advance= */
	uint32_t advance_ns;			/* ... its fixed value */
	uint32_t min_period_us;			/* min_period_us=, the vLAPIC's and the vPIT's */
	uint32_t trace;				/* trace=: exits in the ring, 0 = off */
	enum vm_breakage breakage;		/* crash=vmentry|vmexit */
};

#endif
