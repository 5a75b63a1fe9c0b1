/* SPDX-License-Identifier: MIT */
/*
 * tickvisor's guest ABI, shared with the guest test kernels (which include this header).
 *
 * Detection: CPUID.1:ECX[31] (hypervisor present) and CPUID leaf 0x40000000 returning
 * EAX >= 0x40000000 (its highest hypervisor leaf) and EBX, ECX, EDX = "tick", "viso", "r\0\0\0".
 * Leaf 0x40000010: EAX = TSC kHz, EBX = APIC timer kHz.
 *
 * Hypercalls: VMCALL (0f 01 c1) from CPL 0:
 * EAX = function, RBX/RCX/RDX = arguments, the result comes back in RAX; every other
 * register is preserved. Addresses are guest-physical. The functions live at TV_HC_BASE
 * ("tv" in the top half of EAX), away from the small numbers other hypervisors' calls use: a
 * VMCALL meant for another hypervisor (KVM's, Hyper-V's, a test suite's) gets TV_HC_ENOSYS and
 * the guest goes on.
 *
 *   EAX                       args                             result
 *   0x74760000 TV_HC_EXIT     RBX = exit code                  does not return
 *   0x74760001 TV_HC_PRINT    RBX = guest-physical address,    0, or TV_HC_EINVAL
 *                             RCX = length (at most 4096)
 *   0x74760002 TV_HC_STATS    RBX = guest-physical address of  bytes written (struct tv_stats,
 *                             a buffer, RCX = its size         truncated to RCX), or TV_HC_EINVAL
 *   0x74760003 TV_HC_TRACE    RBX = guest-physical address of  bytes written (struct tv_trace
 *                             a buffer, RCX = its size         and as many of the newest
 *                                                              entries as fit), or TV_HC_EINVAL
 *                                                              (RCX under the header's size)
 *   any other                                                  TV_HC_ENOSYS
 * From CPL > 0 every function returns TV_HC_EPERM.
 */
#ifndef VMX_HYPERCALL_ABI_H
#define VMX_HYPERCALL_ABI_H

#include <stdint.h>

#define TV_CPUID_LEAF		0x40000000u
#define TV_CPUID_SIG_EBX	0x6b636974u	/* "tick" */
#define TV_CPUID_SIG_ECX	0x6f736976u	/* "viso" */
#define TV_CPUID_SIG_EDX	0x00000072u	/* "r\0\0\0" */
#define TV_CPUID_TIMING		0x40000010u

#define TV_HC_BASE	0x74760000u	/* "tv" */
#define TV_HC_EXIT	(TV_HC_BASE + 0)
#define TV_HC_PRINT	(TV_HC_BASE + 1)
#define TV_HC_STATS	(TV_HC_BASE + 2)
#define TV_HC_TRACE	(TV_HC_BASE + 3)

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
	uint64_t timer_coalesced;	/* expiries merged into another tick: still pending in the
					 * IRR, or skipped while the host was a period or more
					 * behind */
	uint64_t timer_hv_arms;		/* timer programmings on the VMX-preemption timer */
	uint64_t timer_sw_arms;		/* ... on the host LAPIC timer */
	int64_t timer_advance_tsc;	/* current timer advance, TSC ticks */
	uint64_t exits_by_reason[70];	/* indexed by basic exit reason */
};

/*
 * TV_HC_TRACE result, version 1: the exit trace (boot option trace=N, at most 4096), oldest
 * entry first. The newest entry is the VMCALL of this very call, its ticks still 0. With trace
 * off, capacity and count are 0. A later version may grow the header or the entries: read
 * entry i at header_size + i * entry_size.
 */
struct tv_trace_entry {
	uint64_t tsc;			/* the host TSC at the exit */
	uint64_t qualification;		/* the exit qualification (SDM 28.2.1) */
	uint64_t guest_rip;		/* the guest's RIP at the exit */
	uint32_t reason;		/* the exit reason field, as read (basic reason: bits 15:0) */
	uint32_t ticks;			/* TSC ticks from the exit to the next entry (saturates) */
};

struct tv_trace {
	uint32_t version;		/* 1 */
	uint32_t header_size;		/* sizeof(struct tv_trace) */
	uint32_t entry_size;		/* sizeof(struct tv_trace_entry) */
	uint32_t capacity;		/* N of trace=N; 0: tracing is off */
	uint64_t total;			/* exits traced since the guest started */
	uint32_t count;			/* entries that follow */
	uint32_t reserved;		/* 0 */
	/* then count struct tv_trace_entry, from header_size on */
};

#endif
