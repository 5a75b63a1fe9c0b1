/* SPDX-License-Identifier: MIT */
/* Reading the guest's memory the way the guest sees it: through its own page tables. */
#ifndef VMX_GUEST_MEM_H
#define VMX_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "vlapic/mmio_decode.h"
#include "vmx/vcpu.h"

/* VMCS guest segment access rights (SDM 25.4.1, table 25-2): CS.L, 64-bit code. */
#define GUEST_AR_L		(1u << 13)

/*
 * Translates a guest linear address with the guest's current paging mode (none, 32-bit,
 * PAE, 4-level; SDM vol. 3A ch. 4). False when not present or the tables lie outside RAM.
 */
bool guest_linear_to_phys(struct vcpu *v, uint64_t linear, uint64_t *gpa);

/* Copies up to len bytes at guest linear address `linear`; returns how many were readable. */
unsigned int guest_read_linear(struct vcpu *v, uint64_t linear, void *buf, unsigned int len);

/* Copies len bytes to guest linear address `linear`; returns how many were writable RAM. */
unsigned int guest_store_linear(struct vcpu *v, uint64_t linear, const void *buf,
				unsigned int len);

/* The guest executes 64-bit code now (IA32_EFER.LMA and CS.L), else 32-bit protected mode. */
bool guest_code_is_64bit(void);
/*
 * Decodes the instruction at the guest's CS:RIP, read through its page tables, in the mode it
 * runs in (vlapic/mmio_decode.h): what an exit that gives no instruction information (an
 * APIC-access or EPT-violation exit) must do to emulate it.
 */
enum vlapic_decode_error guest_decode_at_rip(struct vcpu *v, struct vlapic_mmio_insn *insn);

/* The guest register that an instruction's 4-bit register number names (4 = RSP). */
uint64_t guest_gpr_read(struct vcpu *v, unsigned int index);
void guest_gpr_write(struct vcpu *v, unsigned int index, uint64_t val);

#endif
