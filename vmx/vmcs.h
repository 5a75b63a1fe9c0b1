/* SPDX-License-Identifier: MIT */
#ifndef VMX_VMCS_H
#define VMX_VMCS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vcpu.h"

struct guest_entry;

/* Where the bitmaps and APIC pages of the one vCPU live (host-physical = host-virtual). */
struct vmcs_pages {
	uint64_t msr_bitmap;
	uint64_t io_bitmap_a, io_bitmap_b;
	uint64_t virtual_apic;
	uint64_t apic_access;
};

/*
 * Allocates and loads the VMCS and writes every field: controls from vmx_caps, complete host
 * state, and the guest state the multiboot protocols define at entry (32-bit protected mode,
 * paging off, flat segments, EAX/EBX from `entry`). use_preemption_timer selects the hv timer.
 */
bool vmcs_init(struct vcpu *v, const struct vmcs_pages *pages, const struct guest_entry *entry,
	       bool use_preemption_timer);

/* Names the VM-instruction error number (SDM vol. 3C 31.4, table 31-1). */
const char *vm_instruction_error_name(uint32_t err);
/* After a failed VM entry: prints the error (unless 0) and the fields the checks look at. */
void vmcs_dump_entry_failure(struct vcpu *v, uint32_t instr_error);

#endif
