/* SPDX-License-Identifier: MIT */
/*
 * VMX instructions (SDM vol. 3C ch. 31). Each reports VMfailInvalid (CF = 1) and VMfailValid
 * (ZF = 1) as false; the error number of VMfailValid is then in VMCS_VM_INSTR_ERROR.
 */
#ifndef VMX_VMX_OPS_H
#define VMX_VMX_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vmcs_fields.h"

static inline bool vmxon(uint64_t pa)
{
	bool fail;

	asm volatile("vmxon %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory");
	return !fail;
}

static inline bool vmclear(uint64_t pa)
{
	bool fail;

	asm volatile("vmclear %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory");
	return !fail;
}

static inline bool vmptrld(uint64_t pa)
{
	bool fail;

	asm volatile("vmptrld %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory");
	return !fail;
}

static inline uint64_t vmread(uint64_t field)
{
	uint64_t v;

	asm volatile("vmread %1, %0" : "=rm"(v) : "r"(field) : "cc");
	return v;
}

static inline void vmwrite(uint64_t field, uint64_t v)
{
	asm volatile("vmwrite %1, %0" : : "r"(field), "rm"(v) : "cc", "memory");
}

/* INVEPT type 1 (single context) / INVVPID type 1 (single context), SDM 31.3 */
static inline void invept_single(uint64_t eptp)
{
	struct { uint64_t eptp, zero; } d = { eptp, 0 };

	asm volatile("invept %0, %1" : : "m"(d), "r"(1ull) : "cc", "memory");
}

#endif
