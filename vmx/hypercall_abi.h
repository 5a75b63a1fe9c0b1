/* SPDX-License-Identifier: MIT */
/*
 * tickvisor's hypercall ABI, shared with the guest test kernels. VMCALL (0f 01 c1) from CPL 0:
 * RAX = function, RBX/RCX/RDX = arguments, the result comes back in RAX.
 *
 *   function            args                                 result
 *   0 TV_HC_EXIT        RBX = exit code                      does not return
 *   1 TV_HC_PRINT       RBX = guest-physical address,        0, or TV_HC_EINVAL
 *                       RCX = length (at most 4096)
 *   2 TV_HC_STATS       RBX = guest-physical address of a    bytes written (struct tv_stats,
 *                       buffer, RCX = its size               truncated to RCX), or TV_HC_EINVAL
 *   other                                                    TV_HC_ENOSYS
 * From CPL > 0 every function returns TV_HC_EPERM.
 */
#ifndef VMX_HYPERCALL_ABI_H
#define VMX_HYPERCALL_ABI_H

#include <stdint.h>

#define TV_HC_EXIT	0
#define TV_HC_PRINT	1
#define TV_HC_STATS	2

/* Error results, as 32-bit values in EAX (the upper half of RAX is 0). */
#define TV_HC_ENOSYS	0xffffffffu	/* -1 */
#define TV_HC_EINVAL	0xfffffffeu	/* -2 */
#define TV_HC_EPERM	0xfffffffdu	/* -3 */

#define TV_HC_PRINT_MAX	4096

/* TV_HC_STATS result, version 1. All counts since the guest started. */
struct tv_stats {
	uint32_t version;		/* 1 */
	uint32_t size;			/* sizeof(struct tv_stats) */
	uint64_t exits;			/* VM exits of every reason */
	uint64_t hv_cycles;		/* TSC ticks spent in the hypervisor, exit to entry */
	uint64_t timer_exits;		/* exits that delivered or re-armed the vLAPIC timer */
	uint64_t timer_fires;		/* vLAPIC timer expiries */
	uint64_t timer_coalesced;	/* expiries merged into a still-pending tick */
	uint64_t timer_hv_arms;		/* timer programmings on the VMX-preemption timer */
	uint64_t timer_sw_arms;		/* ... on the host LAPIC timer */
	int64_t timer_advance_tsc;	/* current timer advance, TSC ticks */
	uint64_t exits_by_reason[70];	/* indexed by basic exit reason */
};

#endif
