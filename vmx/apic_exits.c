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
#include "arch/x86/ratelimit.h"
#include "arch/x86/trap.h"
#include "lib/apic_regs.h"
#include "vlapic/vlapic.h"
#include "vmx/apic_glue_internal.h"
#include "vmx/chipset_glue.h"
#include "vmx/deadlines.h"
#include "vmx/exit.h"
#include "vmx/intr_deliver.h"
#include "vmx/vmx_ops.h"

/* APIC-access exit qualification (SDM 28.2.1, table 28-6) */
#define APIC_ACCESS_OFFSET(q)	((uint32_t)(q) & 0xfff)
#define APIC_ACCESS_TYPE(q)	(((q) >> 12) & 0xf)
#define APIC_ACCESS_READ	0	/* linear access for a data read */
#define APIC_ACCESS_WRITE	1	/* linear access for a data write */

/* EPT-violation exit qualification (SDM 28.2.1, table 28-7) */
#define EPT_QUAL_FETCH		(1ull << 2)	/* an instruction fetch */
#define EPT_QUAL_DATA		(3ull << 7)	/* linear address valid, the access was to it */

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
 * A fault-like APIC-access exit: RIP is at the instruction, which apic_mmio.c decodes from guest
 * memory (the instruction-length field is undefined for this exit) and executes. An access that
 * is no data read or write (an instruction fetch from the page, a guest-physical access of event
 * delivery or a page walk: table 28-6) has no register semantics: #UD, as for an instruction
 * that can't be emulated, and a rate-limited line; the run goes on.
 */
enum vcpu_action handle_apic_access(struct vcpu *v)
{
	static uint64_t odd;
	uint64_t q = v->exit_qual;

	if (APIC_ACCESS_TYPE(q) != APIC_ACCESS_READ && APIC_ACCESS_TYPE(q) != APIC_ACCESS_WRITE) {
		if (ratelimit_report(++odd))
			pr_warn("vlapic: APIC access of type %lu (not a data read or write) at "
				"offset %#x: #UD (%lu suppressed before this line)\n",
				APIC_ACCESS_TYPE(q), APIC_ACCESS_OFFSET(q),
				ratelimit_suppressed(odd));
		vcpu_inject_exception(v, VEC_UD, false, 0);
		return VCPU_RESUME;
	}
	return apic_mmio_emulate(v, APIC_BASE_DEFAULT, APIC_ACCESS_OFFSET(q));
}

/*
 * An EPT violation on the page of a relocated xAPIC or on the default base it left
 * (apic_base_switch.c). Like the APIC-access exit it is fault-like (SDM 28.2.1: RIP at the
 * instruction); only a data access by an instruction at a linear address has register semantics
 * (qualification bits 7 and 8 set, bit 2 clear: table 28-7), anything else (a fetch, a page walk
 * or event delivery touching the page) is #UD as in handle_apic_access.
 */
bool apic_glue_ept_violation(struct vcpu *v, uint64_t gpa, enum vcpu_action *act)
{
	static uint64_t odd;
	uint64_t page = gpa & ~0xfffull, q = v->exit_qual;

	if (!glue.relocated || (page != glue.xapic_gpa && page != APIC_BASE_DEFAULT))
		return false;
	if ((q & EPT_QUAL_FETCH) || (q & EPT_QUAL_DATA) != EPT_QUAL_DATA) {
		if (ratelimit_report(++odd))
			pr_warn("vlapic: access at %#lx, not a data read or write (EPT violation "
				"qualification %#lx): #UD (%lu suppressed before this line)\n",
				gpa, q, ratelimit_suppressed(odd));
		vcpu_inject_exception(v, VEC_UD, false, 0);
		*act = VCPU_RESUME;
	} else if (page == glue.xapic_gpa) {
		*act = apic_mmio_emulate(v, page, (uint32_t)(gpa & 0xfff));
	} else {
		*act = apic_mmio_open_bus(v, page, (uint32_t)(gpa & 0xfff));
	}
	return true;
}

/*
 * HLT (exit 12). Bochs does not wake a guest in the HLT activity state for a pending virtual
 * interrupt (docs/platforms.md), so tickvisor never enters the guest halted: it completes the HLT,
 * and while nothing is deliverable it puts the host to sleep on its own LAPIC timer, which the
 * vLAPIC timer moves to for the duration (vlapic_vcpu_blocking). On wake-up, back to hv.
 */
/*
 * A halted guest with interrupts enabled and no wake source left: no timer armed, no device
 * line forwarded. The CPU would sleep for good; the run ends with the diagnostic (once: the
 * run stops, so a guest can't repeat it).
 */
static enum vcpu_action never_wakes(struct vcpu *v, uint64_t now)
{
	deadlines_blocking(false, now);
	vlapic_vcpu_unblocking(&glue.lapic);
	pr_err("guest halted with interrupts enabled but no timer armed and no interrupt "
	       "source: it can never wake (vLAPIC: highest IRR %d, highest ISR %d, TPR %#x)\n",
	       vlapic_highest_irr(&glue.lapic), vlapic_highest_isr(&glue.lapic),
	       vlapic_tpr(&glue.lapic));
	vcpu_dump(v);
	return vcpu_stop(v, STATUS_FAILURE);
}

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
		return vcpu_stop(v, STATUS_FAILURE);
	}
	vlapic_vcpu_blocking(l, v->exit_tsc);
	deadlines_blocking(true, v->exit_tsc);
	if (!deadlines_sw_armed() && !chipset_glue_can_wake())
		return never_wakes(v, v->exit_tsc);
	while (!intr_deliver_wakes(true)) {
		sti_hlt();	/* the host timer or a forwarded device line ends the sleep */
		cli();
		deadlines_check(rdtsc());
		/*
		 * A timer that expired masked delivered nothing and is disarmed now (issue 11,
		 * 9b): with no device line either, the HLT can't complete, as before the sleep.
		 */
		if (!deadlines_sw_armed() && !chipset_glue_can_wake() && !intr_deliver_wakes(true))
			return never_wakes(v, rdtsc());
	}
	deadlines_blocking(false, rdtsc());
	vlapic_vcpu_unblocking(l);
	return VCPU_RESUME;
}
