/* SPDX-License-Identifier: MIT */
/*
 * Interrupt delivery (SDM vol. 3C 27.6 event injection, 29.2 virtual-interrupt delivery). Before
 * each VM entry, in the order of SDM 6.9 (NMI above maskable interrupts):
 *  - the NMI request (vlapic_nmi_pending): injected as an NMI when the guest isn't blocking NMIs,
 *    else an NMI window (with virtual NMIs) or the fallback below;
 *  - ExtINT (vlapic_extint_pending): the 8259's vector, taken by an INTA cycle (the chipset's
 *    extint_ack) only when it is injected at once as an external interrupt; never through RVI,
 *    since it is not in the vIRR and bypasses the APIC's priorities (SDM 11.6.1);
 *  - the vLAPIC's vectors: RVI with virtual-interrupt delivery, else injection of
 *    vlapic_highest_pending() with an interrupt window and the TPR threshold.
 * Only one event goes per entry; what is left opens the window that brings us back when the
 * guest can take it.
 *
 * NMI blocking. With virtual NMIs (pin-based control 5) the CPU tracks the guest's NMI blocking
 * from the injected NMI's delivery to its handler's IRET (SDM 26.3, 27.6.1.2), and NMI-window
 * exiting (primary control 22) exits once it is lifted (26.7.6). Without them (a CPU that lacks
 * either control), tickvisor blocks NMIs itself from the injection until the guest can take an
 * interrupt again (RFLAGS.IF = 1, no STI/MOV-SS shadow), watched by an interrupt-window exit that
 * stays requested while it blocks: an NMI handler runs with IF = 0 through an interrupt gate and
 * its IRET restores IF = 1, so that is the first moment after the IRET we can see. KVM's
 * "soft NMI" does the same.
 */
#include "arch/x86/cpu.h"
#include "vmx/apic_glue_internal.h"
#include "vmx/caps.h"
#include "vmx/exit_reasons.h"
#include "vmx/intr_deliver.h"
#include "vmx/vmx_ops.h"

#define NMI_VECTOR		2
/* "NMI unblocking due to IRET": exit interruption information and EPT-violation qualification */
#define NMI_UNBLOCKED_BY_IRET	(1u << 12)
#define VEC_DOUBLE_FAULT	8

void intr_deliver_init(struct vcpu *v)
{
	glue.vnmi = v->pin & PIN_VIRTUAL_NMIS;
}

const char *intr_deliver_nmi_mechanism(void)
{
	return glue.vnmi ? "virtual NMIs with NMI-window exiting" :
	       "no virtual NMIs: tickvisor blocks NMIs until the guest sets IF again";
}

/* External interrupts: RFLAGS.IF = 1 and no STI/MOV-SS shadow (SDM 26.3.1.5, 27.3.1.5). */
static bool irq_blocked(uint64_t rflags, uint64_t intr)
{
	return !(rflags & RFLAGS_IF) || (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

/*
 * NMIs: no MOV-SS shadow (a VM-entry check, 27.3.1.5) and no STI shadow either, which some
 * processors require for NMI injection (27.3.1.5) and KVM requires everywhere; and no NMI
 * blocking: the CPU's virtual-NMI blocking, or without virtual NMIs tickvisor's own. The
 * interruptibility field's NMI bit means nothing to the guest then (NMI exiting is on, 26.3:
 * its IRET does not touch it, and injection ignores it), so intr_deliver_before_entry clears it.
 */
static bool nmi_blocked(uint64_t intr)
{
	uint64_t shadows = INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS;

	if (!glue.vnmi)
		return glue.soft_nmi_blocked || (intr & shadows);
	return intr & (shadows | INTERRUPTIBILITY_NMI);
}

static void set_proc_bit(struct vcpu *v, uint32_t bit, bool on)
{
	uint32_t proc = on ? v->proc | bit : v->proc & ~bit;

	if (proc == v->proc)
		return;
	v->proc = proc;
	vmwrite(VMCS_PROC_CONTROLS, proc);
}

static void inject(struct vcpu *v, uint32_t type, uint8_t vector)
{
	vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | type | vector);
	v->event_pending = true;
}

/*
 * The EOI-exit bitmap (SDM 29.1.2) follows TMR, so that the EOI of every level-triggered vector
 * exits (reason 45) for the broadcast; TMR changes only with a posted vector, which marks the
 * delivery dirty.
 */
static void sync_eoi_exit_bitmap(void)
{
	for (unsigned int i = 0; i < 4; i++) {
		uint64_t bits = (uint64_t)vlapic_tmr(&glue.lapic, 2 * i + 1) << 32 |
				vlapic_tmr(&glue.lapic, 2 * i);

		if (bits == glue.eoi_exit[i])
			continue;
		glue.eoi_exit[i] = bits;
		vmwrite(VMCS_EOI_EXIT_BITMAP0 + 2 * i, bits);
	}
}

/*
 * Virtual-interrupt delivery: RVI = the highest IRR vector (SDM 29.2.1); the CPU does the rest,
 * SVI included, except after an IA32_APIC_BASE change: SVI is then the highest ISR vector of the
 * page as the vLAPIC left it (none after a disable).
 */
static void deliver_vid(void)
{
	int vec = vlapic_highest_irr(&glue.lapic), isv;
	uint64_t status = vmread(VMCS_GUEST_INTR_STATUS);

	status = (status & ~0xffull) | (vec > 0 ? (uint64_t)vec : 0);
	if (glue.intr_status_stale) {
		isv = vlapic_highest_isr(&glue.lapic);
		status = (status & ~0xff00ull) | (isv > 0 ? (uint64_t)isv << 8 : 0);
		glue.intr_status_stale = false;
	}
	vmwrite(VMCS_GUEST_INTR_STATUS, status);
	sync_eoi_exit_bitmap();
}

/*
 * The TPR threshold: a TPR-below-threshold exit comes when the guest lowers TPR's class below it
 * (SDM vol. 3C 30.1.2, TPR virtualization). It is the class of the highest IRR vector when TPR
 * holds that vector back, else 0, as in KVM's update_cr8_intercept: VM entry requires it to be
 * at most TPR's class (27.2.1.1, with "virtualize APIC accesses" off: the entry fails), and with
 * APIC accesses virtualized a higher one makes a TPR-below-threshold exit right after the entry
 * (27.7.7), again and again while an in-service vector, not TPR, holds the vector back.
 */
static void update_tpr_threshold(void)
{
	int irr = vlapic_highest_irr(&glue.lapic);
	uint32_t class = irr > 0 ? (uint32_t)irr >> 4 : 0;
	uint32_t thr = class <= vlapic_tpr(&glue.lapic) >> 4 ? class : 0;

	if (thr == glue.tpr_threshold)
		return;
	glue.tpr_threshold = thr;
	vmwrite(VMCS_TPR_THRESHOLD, thr);
}

static bool extint_pending(void)
{
	const struct apic_glue_chipset *c = &glue.chipset;

	return c->extint_ack && (vlapic_extint_pending(&glue.lapic) ||
				 (c->extint_requested && c->extint_requested(c->ctx)));
}

/* A maskable interrupt the guest can take now: ExtINT first, then the vLAPIC's best vector. */
static void inject_irq(struct vcpu *v)
{
	int vec;

	if (extint_pending()) {
		inject(v, INTR_TYPE_EXT_INTR, glue.chipset.extint_ack(glue.chipset.ctx));
		glue.extints_injected++;
		return;
	}
	vec = vlapic_highest_pending(&glue.lapic);
	if (vec >= 0) {
		inject(v, INTR_TYPE_EXT_INTR, (uint8_t)vec);
		vlapic_ack(&glue.lapic, (uint8_t)vec);
	}
}

static bool irq_pending(void)
{
	return extint_pending() || (!glue.vid && vlapic_highest_pending(&glue.lapic) >= 0);
}

void intr_deliver_before_entry(struct vcpu *v)
{
	struct vlapic *l = &glue.lapic;
	uint64_t intr, rflags;
	bool nmi_wait;

	if (!glue.irq_dirty)
		return;
	glue.irq_dirty = false;
	if (glue.vid)
		deliver_vid();
	if (vlapic_nmi_pending(l) || irq_pending() || glue.soft_nmi_blocked) {
		intr = vmread(VMCS_GUEST_INTERRUPTIBILITY);
		rflags = vmread(VMCS_GUEST_RFLAGS);
		/*
		 * Without virtual NMIs: the NMI handler has returned (see above), unless the NMI
		 * is still to be delivered (requeued from the IDT-vectoring information).
		 */
		if (glue.soft_nmi_blocked && !v->event_pending && !irq_blocked(rflags, intr)) {
			glue.soft_nmi_blocked = false;
			if (intr & INTERRUPTIBILITY_NMI) {
				intr &= ~(uint64_t)INTERRUPTIBILITY_NMI;
				vmwrite(VMCS_GUEST_INTERRUPTIBILITY, intr);
			}
		}
		if (!v->event_pending && vlapic_nmi_pending(l) && !nmi_blocked(intr)) {
			inject(v, INTR_TYPE_NMI, NMI_VECTOR);
			vlapic_nmi_ack(l);
			glue.nmis_injected++;
			glue.soft_nmi_blocked = !glue.vnmi;
		}
		if (!v->event_pending && !irq_blocked(rflags, intr))
			inject_irq(v);
	}
	/* What is still waiting comes back by a window (or by TPR, EOI, a new request). */
	nmi_wait = vlapic_nmi_pending(l);
	set_proc_bit(v, PROC_NMI_WINDOW_EXITING, nmi_wait && glue.vnmi);
	set_proc_bit(v, PROC_INTR_WINDOW_EXITING, irq_pending() || glue.soft_nmi_blocked);
	if (!glue.vid)
		update_tpr_threshold();
}

/*
 * SDM 28.2.2-28.2.3: with virtual NMIs, an exit on a fault in IRET (the EPT violation of its
 * stack read, or an exception) reports that the IRET had already lifted the guest's NMI
 * blocking; the IRET runs again after the exit and must find it in place (KVM does the same).
 * Undefined when the exit interrupted event delivery or is a double fault.
 */
void intr_deliver_after_exit(struct vcpu *v)
{
	unsigned int reason = v->exit_reason & 0xffff;
	uint32_t info;
	bool unblocked;

	if (!glue.vnmi ||
	    (reason != EXIT_REASON_EXCEPTION_NMI && reason != EXIT_REASON_EPT_VIOLATION))
		return;
	if (vmread(VMCS_IDT_VECTORING_INFO) & INTR_INFO_VALID)
		return;
	if (reason == EXIT_REASON_EPT_VIOLATION) {
		unblocked = v->exit_qual & NMI_UNBLOCKED_BY_IRET;
	} else {
		info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);
		unblocked = (info & INTR_INFO_VALID) && (info & NMI_UNBLOCKED_BY_IRET) &&
			    (info & INTR_INFO_VECTOR_MASK) != VEC_DOUBLE_FAULT;
	}
	if (unblocked)
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
			vmread(VMCS_GUEST_INTERRUPTIBILITY) | INTERRUPTIBILITY_NMI);
}

bool intr_deliver_wakes(bool irq_enabled)
{
	return vlapic_nmi_pending(&glue.lapic) ||
	       (irq_enabled && (extint_pending() || vlapic_highest_pending(&glue.lapic) >= 0));
}
