/* SPDX-License-Identifier: MIT */
/* The vCPU run loop and the helpers every exit handler shares. */
#include <stddef.h>

#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/platform.h"
#include "arch/x86/trap.h"
#include "vmx/apic_glue.h"
#include "vmx/exit.h"
#include "vmx/exit_reasons.h"
#include "vmx/exit_trace.h"
#include "vmx/guest_mem.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"

int vmx_enter(struct vcpu *v);

/* entry.S addresses these by offset */
_Static_assert(offsetof(struct vcpu, host_rsp) == 120, "entry.S: V_HOST_RSP");
_Static_assert(offsetof(struct vcpu, launched) == 128, "entry.S: V_LAUNCHED");
_Static_assert(offsetof(struct vcpu, preemption_shift) == 129, "entry.S: V_PT_SHIFT");
_Static_assert(offsetof(struct vcpu, preemption_expiry) == 136, "entry.S: V_PT_EXPIRY");

void vcpu_skip_instruction(struct vcpu *v)
{
	uint64_t rip = vmread(VMCS_GUEST_RIP) + vmread(VMCS_EXIT_INSTR_LEN);
	uint64_t intr = vmread(VMCS_GUEST_INTERRUPTIBILITY);

	vmwrite(VMCS_GUEST_RIP, rip);
	/* Completing the instruction ends any STI/MOV SS shadow it sat in (SDM 25.4.2). */
	if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
			intr & ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
	(void)v;
}

void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
	uint32_t info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;

	if (has_error) {
		info |= INTR_INFO_DELIVER_ERROR;
		vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, error);
	}
	vmwrite(VMCS_ENTRY_INTR_INFO, info);
	v->event_pending = true;
}

void *vcpu_gpa_ptr(struct vcpu *v, uint64_t gpa, uint64_t len)
{
	if (gpa >= v->ram_size || len > v->ram_size - gpa)
		return NULL;
	return v->ram + gpa;
}

enum vcpu_action vcpu_stop(struct vcpu *v, uint32_t code)
{
	v->stop_code = code;
	return VCPU_STOP;
}

void vcpu_dump(struct vcpu *v)
{
	uint64_t rip = vmread(VMCS_GUEST_RIP), cs_base = vmread(VMCS_GUEST_CS_BASE);
	uint8_t bytes[15];
	unsigned int n = guest_read_linear(v, cs_base + rip, bytes, sizeof(bytes));
	struct guest_regs *r = &v->regs;

	kprintf("  exit reason %u, qualification %#lx, guest RIP %#lx (CS base %#lx), "
		"RSP %#lx, RFLAGS %#lx\n", v->exit_reason, v->exit_qual, rip, cs_base,
		vmread(VMCS_GUEST_RSP), vmread(VMCS_GUEST_RFLAGS));
	kprintf("  guest CR0 %#lx CR3 %#lx CR4 %#lx EFER %#lx\n", vmread(VMCS_GUEST_CR0),
		vmread(VMCS_GUEST_CR3), vmread(VMCS_GUEST_CR4), vmread(VMCS_GUEST_EFER));
	kprintf("  RAX %#lx RBX %#lx RCX %#lx RDX %#lx RSI %#lx RDI %#lx RBP %#lx\n", r->rax,
		r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp);
	kprintf("  instruction bytes at guest RIP:");
	for (unsigned int i = 0; i < n; i++)
		kprintf(" %02x", bytes[i]);
	kprintf(n ? "\n" : " (not readable)\n");
}

/*
 * An exit that interrupted the delivery of an event (IDT-vectoring information, SDM 28.2.4)
 * must deliver it again at the next entry, or the guest loses an interrupt or exception.
 */
static void requeue_interrupted_event(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmread(VMCS_IDT_VECTORING_INFO);
	uint32_t type;

	if (!(info & INTR_INFO_VALID))
		return;
	type = info & INTR_INFO_TYPE_MASK;
	if (info & INTR_INFO_DELIVER_ERROR)
		vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, vmread(VMCS_IDT_VECTORING_ERROR));
	/* Software interrupts and exceptions (types 4-6) re-execute with their length. */
	if (type >= INTR_TYPE_SW_INTR)
		vmwrite(VMCS_ENTRY_INSTR_LEN, vmread(VMCS_EXIT_INSTR_LEN));
	vmwrite(VMCS_ENTRY_INTR_INFO, info & ~(1u << 12));
	v->event_pending = true;
}

uint32_t vcpu_run(struct vcpu *v)
{
	v->stats.start_tsc = rdtsc();
	for (;;) {
		uint64_t now;

		apic_glue_before_entry(v);
		now = rdtsc();
		if (v->exit_tsc) {
			exit_stats_account(&v->stats, v->exit_reason & 0xffff, now - v->exit_tsc);
			if (exit_trace_on())
				exit_trace_done(now - v->exit_tsc);
		}
		if (vmx_enter(v) != 0) {
			vmcs_dump_entry_failure(v, (uint32_t)vmread(VMCS_VM_INSTR_ERROR));
			return STATUS_FAILURE;
		}
		v->exit_tsc = rdtsc();
		v->exit_reason = (uint32_t)vmread(VMCS_EXIT_REASON);
		/*
		 * "Acknowledge interrupt on exit" left the vector in the exit information and in
		 * service at the host LAPIC (SDM 28.2.2): run the host's handler first, as KVM's
		 * handle_exit_irqoff does, so that the timer check below acts on what it did.
		 */
		if ((v->exit_reason & 0xffff) == EXIT_REASON_EXTERNAL_INTERRUPT)
			irq_dispatch_vector((uint8_t)(vmread(VMCS_EXIT_INTR_INFO) &
						      INTR_INFO_VECTOR_MASK));
		v->exit_qual = vmread(VMCS_EXIT_QUALIFICATION);
		if (exit_trace_on())
			exit_trace_exit(v->exit_reason, v->exit_qual, vmread(VMCS_GUEST_RIP),
					v->exit_tsc);
		/* The event injected at the last entry was delivered (or is requeued below). */
		v->event_pending = false;
		requeue_interrupted_event(v);
		apic_glue_after_exit(v);
		if (vmx_dispatch_exit(v) == VCPU_STOP) {
			now = rdtsc();
			exit_stats_account(&v->stats, v->exit_reason & 0xffff, now - v->exit_tsc);
			if (exit_trace_on())
				exit_trace_done(now - v->exit_tsc);
			return v->stop_code;
		}
	}
}
