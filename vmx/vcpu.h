/* SPDX-License-Identifier: MIT */
/* The one virtual CPU: its saved registers, its VMCS and what the exit handlers share. */
#ifndef VMX_VCPU_H
#define VMX_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/exit_stats.h"

/* Guest GPRs the CPU does not keep in the VMCS; the layout is shared with vmx/entry.S. */
struct guest_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

enum vcpu_action {
	VCPU_RESUME,	/* re-enter the guest */
	VCPU_STOP,	/* end the run with vcpu->stop_code */
};

struct vcpu {
	struct guest_regs regs;		/* first: entry.S addresses it from the vcpu pointer */
	uint64_t host_rsp;		/* the HOST_RSP value in the VMCS, cached (entry.S) */
	bool launched;
	/*
	 * entry.S loads the VMX-preemption timer from these right before VMRESUME: the deadline
	 * in units of TSC >> preemption_shift, rounded up, or 0 when the timer holds none.
	 */
	uint8_t preemption_shift;
	uint64_t preemption_expiry;

	/* The guest's TSC is the host's + tsc_offset (vmx/tsc_offset.h); IA32_TSC_ADJUST */
	int64_t tsc_offset;
	int64_t tsc_adjust;

	uint64_t vmcs_pa;
	uint8_t *ram;			/* guest RAM: GPA 0..ram_size, host-contiguous */
	uint64_t ram_size;
	uint64_t eptp;

	/* Controls as currently written to the VMCS, so handlers flip bits without VMREAD. */
	uint32_t pin, proc, proc2;

	/* The exit being handled */
	uint32_t exit_reason;
	uint64_t exit_qual;
	uint64_t exit_tsc;

	/* VMCS_ENTRY_INTR_INFO holds an event for the next entry (injected or requeued). */
	bool event_pending;

	struct exit_stats stats;
	uint32_t stop_code;
};

/* Runs the guest until an exit handler stops it; returns the stop code. */
uint32_t vcpu_run(struct vcpu *v);
/* Guest RIP past the instruction that exited (VM-exit instruction length, SDM 28.2.4). */
void vcpu_skip_instruction(struct vcpu *v);
/* Queues an exception for the next VM entry (SDM 27.6). */
void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);
/* A guest-physical range as a host pointer, or NULL unless it lies wholly in guest RAM. */
void *vcpu_gpa_ptr(struct vcpu *v, uint64_t gpa, uint64_t len);
/* Ends the run with `code` (the guest's exit code, or STATUS_FAILURE after a diagnostic). */
enum vcpu_action vcpu_stop(struct vcpu *v, uint32_t code);
/* Prints guest RIP, the exit qualification and the bytes at guest RIP: every fatal exit does. */
void vcpu_dump(struct vcpu *v);

#endif
