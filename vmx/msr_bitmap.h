/* SPDX-License-Identifier: MIT */
/* The MSR bitmap (SDM 25.6.9): which RDMSR/WRMSR exit. */
#ifndef VMX_MSR_BITMAP_H
#define VMX_MSR_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

/* Every MSR exits, except the ones passed through below. */
void msr_bitmap_init(uint8_t *bitmap);
void msr_bitmap_set(uint8_t *bitmap, uint32_t msr, bool read_exits, bool write_exits);
/* A write to one of the host's MSRs that the guest may read: dropped (true) or #GP (false). */
bool msr_write_dropped(uint32_t msr);

#endif
