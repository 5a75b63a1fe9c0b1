/* SPDX-License-Identifier: MIT */
/*
 * The exits that belong to the APIC (SDM vol. 3C ch. 29) and the ones that move the vCPU
 * between running and halted. The vLAPIC timer has already been checked for expiry by
 * apic_glue_after_exit() when these run, so the preemption-timer exit has nothing left to do:
 * its path is exit -> timer check -> deliver -> entry.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/msr.h"
#include "arch/x86/platform.h"
#include "vlapic/mmio_decode.h"
#include "vlapic/vlapic.h"
#include "vmx/apic_glue_internal.h"
#include "vmx/chipset_glue.h"
#include "vmx/deadlines.h"
#include "vmx/exit.h"
#include "vmx/intr_deliver.h"
#include "vmx/guest_mem.h"
#include "vmx/vmx_ops.h"

/* APIC-access exit qualification (SDM 28.2.1, table 28-6) */
#define APIC_ACCESS_OFFSET(q)	((uint32_t)(q) & 0xfff)
#define APIC_ACCESS_TYPE(q)	(((q) >> 12) & 0xf)
#define APIC_ACCESS_READ	0	/* linear access for a data read */
#define APIC_ACCESS_WRITE	1	/* linear access for a data write */

#define AR_L			(1u << 13)	/* CS.L: 64-bit code */

enum vcpu_action handle_preemption_timer(struct vcpu *v)
{
	(void)v;
	return VCPU_RESUME;
}

/* vcpu_run has run the host's handler of the acknowledged vector, before the timer check. */
enum vcpu_action handle_external_interrupt(struct vcpu *v)
{
	(void)v;
	return VCPU_RESUME;
}

enum vcpu_action handle_interrupt_window(struct vcpu *v)
{
	(void)v;
	glue.irq_dirty = true;	/* before_entry injects now and closes the window */
	return VCPU_RESUME;
}

/* Exit 8 (SDM 26.7.6): the guest's virtual-NMI blocking is gone; inject the pending NMI. */
enum vcpu_action handle_nmi_window(struct vcpu *v)
{
	(void)v;
	glue.irq_dirty = true;
	return VCPU_RESUME;
}

/* The guest lowered TPR below the threshold we set for a held-back vector: try it again. */
enum vcpu_action handle_tpr_below_threshold(struct vcpu *v)
{
	(void)v;
	glue.irq_dirty = true;
	return VCPU_RESUME;
}

/*
 * EOI-induced exit (reason 45, SDM 29.1.4): the EOI-exit bitmap holds every level-triggered
 * vector; the CPU has done the EOI, the vLAPIC broadcasts it. Qualification 7:0: the vector.
 */
enum vcpu_action handle_virtualized_eoi(struct vcpu *v)
{
	vlapic_eoi_exit(&glue.lapic, (uint8_t)(v->exit_qual & 0xff));
	return VCPU_RESUME;
}

enum vcpu_action handle_apic_write(struct vcpu *v)
{
	vlapic_apic_write(&glue.lapic, APIC_ACCESS_OFFSET(v->exit_qual));
	return VCPU_RESUME;
}

/*
 * A fault-like APIC-access exit: RIP is at the instruction. Decode it from guest memory
 * (the instruction-length field is undefined for this exit), perform the access on the vLAPIC
 * and step over it. An instruction the decoder does not know is a diagnostic and a stop: a
 * wrong emulation would corrupt the guest silently.
 */
enum vcpu_action handle_apic_access(struct vcpu *v)
{
	uint64_t q = v->exit_qual;
	uint32_t offset = APIC_ACCESS_OFFSET(q), val;
	uint64_t rip = vmread(VMCS_GUEST_RIP);
	bool long64 = (vmread(VMCS_GUEST_EFER) & EFER_LMA) && (vmread(VMCS_GUEST_CS_AR) & AR_L);
	uint8_t bytes[15];
	unsigned int n = guest_read_linear(v, vmread(VMCS_GUEST_CS_BASE) + rip, bytes,
					   sizeof(bytes));
	struct vlapic_mmio_insn insn;
	enum vlapic_decode_error err;

	if (APIC_ACCESS_TYPE(q) != APIC_ACCESS_READ && APIC_ACCESS_TYPE(q) != APIC_ACCESS_WRITE) {
		pr_err("APIC access of type %lu (not a data read or write) at offset %#x\n",
		       APIC_ACCESS_TYPE(q), offset);
		vcpu_dump(v);
		return vcpu_stop(v, EXIT_FAILURE_CODE);
	}
	err = vlapic_mmio_decode(bytes, n, long64 ? VLAPIC_CPU_LONG64 : VLAPIC_CPU_PROT32, &insn);
	if (err != VLAPIC_DECODE_OK) {
		pr_err("xAPIC access at offset %#x by an instruction tickvisor can't emulate: %s\n",
		       offset, vlapic_mmio_decode_strerror(err));
		vcpu_dump(v);
		return vcpu_stop(v, EXIT_FAILURE_CODE);
	}
	if (insn.write) {
		val = insn.has_imm ? insn.imm : (uint32_t)guest_gpr_read(v, insn.reg);
		vlapic_mmio_write(&glue.lapic, offset, val);
	} else {
		vlapic_mmio_read(&glue.lapic, offset, &val);
		/* a 32-bit load zero-extends into the 64-bit register (SDM vol. 1 3.4.1.1) */
		guest_gpr_write(v, insn.reg, val);
	}
	vmwrite(VMCS_GUEST_RIP, rip + insn.len);
	return VCPU_RESUME;
}

/*
 * HLT (exit 12). Bochs does not wake a guest in the HLT activity state for a pending virtual
 * interrupt (docs/platforms.md), so tickvisor never enters the guest halted: it completes the HLT,
 * and while nothing is deliverable it puts the host to sleep on its own LAPIC timer, which the
 * vLAPIC timer moves to for the duration (vlapic_vcpu_blocking). On wake-up, back to hv.
 */
enum vcpu_action handle_hlt(struct vcpu *v)
{
	struct vlapic *l = &glue.lapic;

	vcpu_skip_instruction(v);
	/* apic_glue_after_exit has checked the timer on this exit */
	if (intr_deliver_wakes(vmread(VMCS_GUEST_RFLAGS) & RFLAGS_IF) || v->event_pending)
		return VCPU_RESUME;
	if (!(vmread(VMCS_GUEST_RFLAGS) & RFLAGS_IF)) {
		pr_err("guest executed HLT with interrupts disabled (RFLAGS.IF = 0) and no NMI "
		       "pending: nothing but an NMI could wake it\n");
		vcpu_dump(v);
		return vcpu_stop(v, EXIT_FAILURE_CODE);
	}
	vlapic_vcpu_blocking(l, v->exit_tsc);
	deadlines_blocking(true, v->exit_tsc);
	if (!deadlines_sw_armed() && !chipset_glue_can_wake()) {
		deadlines_blocking(false, v->exit_tsc);
		vlapic_vcpu_unblocking(l);
		pr_err("guest halted with interrupts enabled but no timer armed and no interrupt "
		       "source: it can never wake\n");
		vcpu_dump(v);
		return vcpu_stop(v, EXIT_FAILURE_CODE);
	}
	while (!intr_deliver_wakes(true)) {
		sti_hlt();	/* the host timer or a forwarded device line ends the sleep */
		cli();
		deadlines_check(rdtsc());
		if (!deadlines_sw_armed() && !chipset_glue_can_wake() && !intr_deliver_wakes(true))
			break;	/* the timers were disarmed meanwhile: nothing left to wait for */
	}
	deadlines_blocking(false, rdtsc());
	vlapic_vcpu_unblocking(l);
	return VCPU_RESUME;
}
