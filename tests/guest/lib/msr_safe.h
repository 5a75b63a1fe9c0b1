/* SPDX-License-Identifier: MIT */
/*
 * RDMSR, WRMSR and other privileged instructions for checks that expect a fault: the fault comes
 * back as a result, not a FAIL.
 */
#ifndef GUEST_LIB_MSR_SAFE_H
#define GUEST_LIB_MSR_SAFE_H

#include <stdint.h>

#define VEC_UD	6
#define VEC_GP	13

/* The vector the instruction raised (VEC_GP for an MSR the CPU refuses), or -1 if it completed. */
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);
/* Likewise: XSETBV of XCR xcr; RDPMC of a counter; MONITOR and MWAIT with all hints 0. */
int xsetbv_safe(uint32_t xcr, uint64_t val);
int rdpmc_safe(uint32_t counter);
int monitor_safe(void);
int mwait_safe(void);

#endif
