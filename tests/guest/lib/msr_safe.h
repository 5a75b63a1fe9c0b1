/* SPDX-License-Identifier: MIT */
/* RDMSR and WRMSR for checks that expect a #GP: the fault comes back as a result, not a FAIL. */
#ifndef GUEST_LIB_MSR_SAFE_H
#define GUEST_LIB_MSR_SAFE_H

#include <stdint.h>

#define VEC_GP	13

/* The vector the instruction raised (VEC_GP for an MSR the CPU refuses), or -1 if it completed. */
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);

#endif
