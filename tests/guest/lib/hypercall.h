/* SPDX-License-Identifier: MIT */
/*
 * tickvisor's hypercall ABI as its guests see it. The hypervisor's side uses the same numbers.
 *
 * Detection: CPUID.1:ECX[31] (hypervisor present) and CPUID leaf 0x40000000 returning
 * EAX >= 0x40000000 (its highest hypervisor leaf) and EBX, ECX, EDX = "tick", "viso", "r\0\0\0".
 *
 * Call: VMCALL (0f 01 c1) from CPL 0 with the function in EAX and its arguments in EBX, ECX,
 * EDX; the result comes back in EAX and every other register is preserved. Addresses are
 * guest-physical. The numbers match the hypervisor's vmx/hypercall_abi.h.
 *
 *   EAX  function  arguments                              result in EAX
 *   0    exit      EBX = exit status                      does not return
 *   1    print     EBX = address of the bytes,            0, or TV_HC_EINVAL
 *                  ECX = length, at most TV_HC_PRINT_MAX
 *   2    stats     EBX = address of a buffer,             bytes written, or TV_HC_EINVAL
 *                  ECX = its size
 *   any other                                             TV_HC_ENOSYS
 * From CPL > 0 every function returns TV_HC_EPERM.
 */
#ifndef GUEST_LIB_HYPERCALL_H
#define GUEST_LIB_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#define TV_CPUID_LEAF		0x40000000u
#define TV_CPUID_SIG_EBX	0x6b636974u	/* "tick" */
#define TV_CPUID_SIG_ECX	0x6f736976u	/* "viso" */
#define TV_CPUID_SIG_EDX	0x00000072u	/* "r\0\0\0" */

#define TV_HC_EXIT		0
#define TV_HC_PRINT		1
#define TV_HC_STATS		2

#define TV_HC_PRINT_MAX		4096
#define TV_HC_ENOSYS		0xffffffffu	/* no such function */
#define TV_HC_EINVAL		0xfffffffeu	/* a bad address or length */
#define TV_HC_EPERM		0xfffffffdu	/* called from CPL > 0 */

/* True when the CPU says tickvisor runs us: only then may the guest execute VMCALL. */
bool tv_present(void);

static inline uint32_t tv_hypercall(uint32_t fn, uint32_t a0, uint32_t a1, uint32_t a2)
{
	uint32_t ret;

	asm volatile("vmcall" : "=a"(ret) : "a"(fn), "b"(a0), "c"(a1), "d"(a2) : "memory");
	return ret;
}

/* Returns only if tickvisor refused to end the guest. */
static inline void tv_hc_exit(uint32_t code)
{
	tv_hypercall(TV_HC_EXIT, code, 0, 0);
}

static inline uint32_t tv_hc_print(const char *buf, uint32_t len)
{
	return tv_hypercall(TV_HC_PRINT, (uint32_t)(uintptr_t)buf, len, 0);
}

static inline uint32_t tv_hc_stats(void *buf, uint32_t size)
{
	return tv_hypercall(TV_HC_STATS, (uint32_t)(uintptr_t)buf, size, 0);
}

#endif
