/* SPDX-License-Identifier: MIT */
/*
 * Following the guest's IA32_APIC_BASE (vlapic_ops.apic_base_changed): the secondary controls
 * that pick xAPIC MMIO or x2APIC MSR virtualization, and the x2APIC MSR intercepts.
 */
#include "arch/x86/log.h"
#include "arch/x86/ratelimit.h"
#include "vlapic/apic_regs.h"
#include "vmx/apic_glue_internal.h"
#include "vmx/caps.h"
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

	for (uint32_t msr = VLAPIC_MSR_X2APIC_FIRST; msr <= VLAPIC_MSR_X2APIC_LAST; msr++) {
		bool read_exits = !(virt && glue.arv &&
				    vlapic_x2apic_read_passthrough(msr, glue.vid));
		bool write_exits = !(virt && (msr == VLAPIC_X2APIC_MSR(VLAPIC_REG_TPR) ||
			(glue.vid && (msr == VLAPIC_X2APIC_MSR(VLAPIC_REG_EOI) ||
				      msr == VLAPIC_X2APIC_MSR(VLAPIC_REG_SELF_IPI)))));

		msr_bitmap_set(glue.msr_bitmap, msr, read_exits, write_exits);
	}
}

/*
 * SDM 29.2 / 27.2.1.1: "virtualize APIC accesses" (xAPIC MMIO) and "virtualize x2APIC mode"
 * exclude each other; pick by the guest's APIC mode. A relocated xAPIC base is refused: the
 * APIC-access page sits at the default base in the EPT.
 */
bool apic_base_switch(void *ctx, enum vlapic_mode mode, uint64_t base)
{
	struct vcpu *v = glue.vcpu;
	uint32_t proc2 = v->proc2;

	(void)ctx;
	static uint64_t moves;

	if (mode == VLAPIC_MODE_XAPIC && base != VLAPIC_BASE_DEFAULT) {
		/* the guest may try it at will: rate-limited (arch/x86/ratelimit.h) */
		if (ratelimit_report(++moves))
			pr_warn("vlapic: the guest moved the xAPIC to %#lx: not supported, #GP "
				"(%lu tries)\n", base, moves);
		return false;
	}
	proc2 &= ~(PROC2_VIRTUALIZE_APIC_ACCESSES | PROC2_VIRTUALIZE_X2APIC);
	if (mode == VLAPIC_MODE_X2APIC)
		proc2 |= vmx_caps.proc2 & PROC2_VIRTUALIZE_X2APIC;
	else
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
