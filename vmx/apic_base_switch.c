/* SPDX-License-Identifier: MIT */
/*
 * Following the guest's IA32_APIC_BASE (vlapic_ops.apic_base_changed): the secondary controls
 * that pick xAPIC MMIO or x2APIC MSR virtualization, the x2APIC MSR intercepts, and where the
 * xAPIC page is in the EPT.
 */
#include "arch/x86/log.h"
#include "arch/x86/ratelimit.h"
#include "lib/apic_regs.h"
#include "vmx/apic_glue_internal.h"
#include "vmx/caps.h"
#include "vmx/ept.h"
#include "vmx/msr_bitmap.h"
#include "vmx/vcpu.h"
#include "vmx/vmx_ops.h"

/*
 * x2APIC MSR intercepts (SDM 29.5). With "virtualize x2APIC mode" and APIC-register
 * virtualization, an RDMSR of any MSR in 0x800-0x8ff that the bitmap lets through reads the
 * virtual-APIC page, reserved and write-only ones too: only the registers whose value the page
 * holds go through (vlapic_x2apic_read_passthrough: not TMCCT, not PPR without virtual-interrupt
 * delivery, and none whose read must raise #GP). Without APIC-register virtualization a read
 * that doesn't exit would reach the host's own x2APIC: every read exits. Writes of TPR, and with
 * virtual-interrupt delivery of EOI and SELF_IPI, are virtualized; every other write exits so
 * the vLAPIC acts on it.
 */
static void x2apic_intercepts(bool x2apic)
{
	bool virt = x2apic && (glue.vcpu->proc2 & PROC2_VIRTUALIZE_X2APIC);

	for (uint32_t msr = MSR_X2APIC_FIRST; msr <= MSR_X2APIC_LAST; msr++) {
		bool read_exits = !(virt && glue.arv &&
				    vlapic_x2apic_read_passthrough(msr, glue.vid));
		bool write_exits = !(virt && (msr == APIC_X2APIC_MSR(APIC_REG_TPR) ||
			(glue.vid && (msr == APIC_X2APIC_MSR(APIC_REG_EOI) ||
				      msr == APIC_X2APIC_MSR(APIC_REG_SELF_IPI)))));

		msr_bitmap_set(glue.msr_bitmap, msr, read_exits, write_exits);
	}
}

/*
 * A relocated xAPIC (SDM 11.4.4: IA32_APIC_BASE moves the page) is served as KVM serves it: the
 * APIC-access page stays at the default base in the EPT, so "virtualize APIC accesses" would
 * catch the wrong page; it is off while the APIC is elsewhere, and the EPT leaves both pages
 * unmapped. An access at the new base is an EPT violation that apic_exits.c emulates on the
 * vLAPIC; one at the old base finds what a real processor finds there once its APIC moved away:
 * nothing (an MMIO hole: reads all ones, writes dropped, apic_glue_ept_violation). Unmapping the
 * old page matters: without APIC-access virtualization the APIC-access page would be plain
 * memory that the guest reads and writes.
 *
 * Returns false, and changes nothing, when the EPT has no memory to split a 2 MiB mapping.
 */
static bool relocate(enum vlapic_mode mode, uint64_t base)
{
	bool moved = mode == VLAPIC_MODE_XAPIC && base != APIC_BASE_DEFAULT;
	uint64_t saved;

	if (moved && glue.relocated && base == glue.xapic_gpa)
		return true;
	if (moved && !ept_unmap_4k(base, &saved))
		return false;
	if (glue.relocated)
		ept_restore_4k(glue.xapic_gpa, glue.relocated_saved);
	else if (moved && !ept_unmap_4k(APIC_BASE_DEFAULT, &glue.default_saved)) {
		ept_restore_4k(base, saved);
		return false;
	}
	if (!moved && glue.relocated)
		ept_restore_4k(APIC_BASE_DEFAULT, glue.default_saved);
	glue.relocated = moved;
	glue.relocated_saved = moved ? saved : 0;
	glue.xapic_gpa = moved ? base : APIC_BASE_DEFAULT;
	return true;
}

/*
 * SDM 29.2 / 27.2.1.1: "virtualize APIC accesses" (xAPIC MMIO) and "virtualize x2APIC mode"
 * exclude each other; pick by the guest's APIC mode. Neither while the xAPIC is relocated.
 */
bool apic_base_switch(void *ctx, enum vlapic_mode mode, uint64_t base)
{
	struct vcpu *v = glue.vcpu;
	uint32_t proc2 = v->proc2;

	(void)ctx;
	static uint64_t refused;

	if (!relocate(mode, base)) {
		/* the guest may try it at will: rate-limited (arch/x86/ratelimit.h) */
		if (ratelimit_report(++refused))
			pr_warn("vlapic: no memory to move the xAPIC to %#lx: #GP (%lu suppressed "
				"before this line)\n", base, ratelimit_suppressed(refused));
		return false;
	}
	proc2 &= ~(PROC2_VIRTUALIZE_APIC_ACCESSES | PROC2_VIRTUALIZE_X2APIC);
	if (mode == VLAPIC_MODE_X2APIC)
		proc2 |= vmx_caps.proc2 & PROC2_VIRTUALIZE_X2APIC;
	else if (!glue.relocated)
		proc2 |= PROC2_VIRTUALIZE_APIC_ACCESSES;
	v->proc2 = proc2;
	vmwrite(VMCS_PROC_CONTROLS2, proc2);
	x2apic_intercepts(mode == VLAPIC_MODE_X2APIC);
	/*
	 * The vLAPIC resets its page on a disable, after this returns: RVI and SVI must follow the
	 * page, or a stale SVI holds VPPR up (SDM 29.1.3) and blocks lower vectors for good; so
	 * must the EOI-exit bitmap follow TMR.
	 */
	glue.intr_status_stale = glue.vid;
	glue.irq_dirty = true;
	pr_debug("vlapic: guest APIC now %s\n", mode == VLAPIC_MODE_X2APIC ? "x2APIC" :
		 mode == VLAPIC_MODE_XAPIC ? "xAPIC" : "disabled");
	return true;
}
