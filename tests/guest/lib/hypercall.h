/* SPDX-License-Identifier: MIT */
/*
 * tickvisor's hypercalls as its guests make them. The numbers, the detection leaf and the
 * statistics layout are the hypervisor's own: vmx/hypercall_abi.h, which documents the ABI.
 */
#ifndef GUEST_LIB_HYPERCALL_H
#define GUEST_LIB_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/hypercall_abi.h"

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

/* struct tv_trace and its entries into buf: bytes written, or TV_HC_EINVAL. */
static inline uint32_t tv_hc_trace(void *buf, uint32_t size)
{
	return tv_hypercall(TV_HC_TRACE, (uint32_t)(uintptr_t)buf, size, 0);
}

#endif
