/* SPDX-License-Identifier: MIT */
/* The MSR bitmap (SDM 25.6.9): which RDMSR/WRMSR exit. */
#ifndef VMX_MSR_BITMAP_H
#define VMX_MSR_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

/* Every MSR exits, except those the CPU policy (vmx/cpu_policy.h) passes through. */
void msr_bitmap_init(uint8_t *bitmap);
void msr_bitmap_set(uint8_t *bitmap, uint32_t msr, bool read_exits, bool write_exits);

#endif
