/* SPDX-License-Identifier: MIT */
#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "lib/util.h"
#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"

struct vmx_caps vmx_caps;

/* One VM-execution, exit or entry control and whether tickvisor can run without it. */
struct control {
	uint32_t bit;
	const char *name;
	bool required;
};

static const struct control pin_controls[] = {
	{ PIN_EXTINT_EXITING, "external-interrupt exiting", true },
	{ PIN_NMI_EXITING, "NMI exiting", true },
	{ PIN_VIRTUAL_NMIS, "virtual NMIs", false },
	{ PIN_PREEMPTION_TIMER, "VMX-preemption timer", false },
};

static const struct control proc_controls[] = {
	{ PROC_HLT_EXITING, "HLT exiting", true },
	{ PROC_NMI_WINDOW_EXITING, "NMI-window exiting", false },
	/* The CPU policy hides MONITOR/MWAIT and the PMU: these raise #UD and #GP (exit.c). */
	{ PROC_MWAIT_EXITING, "MWAIT exiting", true },
	{ PROC_RDPMC_EXITING, "RDPMC exiting", true },
	{ PROC_MONITOR_EXITING, "MONITOR exiting", true },
	/* The guest's TSC writes and IA32_TSC_ADJUST move its TSC (vmx/tsc_offset.h). */
	{ PROC_USE_TSC_OFFSETTING, "use TSC offsetting", true },
	{ PROC_USE_TPR_SHADOW, "use TPR shadow", true },
	{ PROC_USE_IO_BITMAPS, "use I/O bitmaps", true },
	{ PROC_USE_MSR_BITMAPS, "use MSR bitmaps", true },
	{ PROC_SECONDARY_CONTROLS, "activate secondary controls", true },
};

static const struct control proc2_controls[] = {
	{ PROC2_VIRTUALIZE_APIC_ACCESSES, "virtualize APIC accesses", true },
	{ PROC2_ENABLE_EPT, "enable EPT", true },
	{ PROC2_UNRESTRICTED_GUEST, "unrestricted guest", true },
	{ PROC2_ENABLE_RDTSCP, "enable RDTSCP", false },
	{ PROC2_ENABLE_VPID, "enable VPID", false },
	{ PROC2_VIRTUALIZE_X2APIC, "virtualize x2APIC mode", false },
	{ PROC2_APIC_REGISTER_VIRT, "APIC-register virtualization", false },
	{ PROC2_VIRTUAL_INTR_DELIVERY, "virtual-interrupt delivery", false },
	{ PROC2_ENABLE_INVPCID, "enable INVPCID", false },
	{ PROC2_ENABLE_XSAVES, "enable XSAVES/XRSTORS", false },
};

static const struct control exit_controls[] = {
	{ EXIT_CTL_HOST_ADDR_SPACE_SIZE, "host address-space size (64-bit host)", true },
	{ EXIT_CTL_ACK_INTR_ON_EXIT, "acknowledge interrupt on exit", true },
	{ EXIT_CTL_SAVE_PAT, "save IA32_PAT", true },
	{ EXIT_CTL_LOAD_PAT, "load IA32_PAT", true },
	{ EXIT_CTL_SAVE_EFER, "save IA32_EFER", true },
	{ EXIT_CTL_LOAD_EFER, "load IA32_EFER", true },
};

static const struct control entry_controls[] = {
	{ ENTRY_LOAD_PAT, "load IA32_PAT", true },
	{ ENTRY_LOAD_EFER, "load IA32_EFER", true },
};

/*
 * Allowed settings (A.3-A.5): bits 31:0 of the MSR are the allowed-0 settings (a 1 there means
 * the control must be 1), bits 63:32 the allowed-1 settings (a 0 there means it must be 0).
 */
static bool compute(const char *msr_name, uint32_t msr, const struct control *c, unsigned int n,
		    uint32_t *out)
{
	uint64_t v = rdmsr(msr);
	uint32_t must = (uint32_t)v, may = (uint32_t)(v >> 32), ctl = must;
	bool ok = true;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int bit = (unsigned int)__builtin_ctz(c[i].bit);

		if (may & c[i].bit) {
			ctl |= c[i].bit;
		} else if (c[i].required) {
			pr_err("%s (MSR %#x) bit %u (%s): allowed-1 setting is 0, but tickvisor "
			       "requires this control\n", msr_name, msr, bit, c[i].name);
			ok = false;
		}
	}
	*out = ctl;
	return ok;
}

#define COMPUTE(name, msr, table, out) \
	compute(name, msr, table, ARRAY_SIZE(table), out)

static void print_optional(void)
{
	struct vmx_caps *c = &vmx_caps;

	pr_info("VMX: VMCS revision %#x; optional features:\n", c->revision);
	kprintf("tickvisor:   VMX-preemption timer: %s", c->preemption_timer ? "yes" : "no");
	if (c->preemption_timer)
		kprintf(" (TSC >> %u)", c->preemption_timer_shift);
	kprintf("\ntickvisor:   APIC-register virtualization: %s\n",
		c->proc2 & PROC2_APIC_REGISTER_VIRT ? "yes" : "no");
	kprintf("tickvisor:   virtual-interrupt delivery: %s\n",
		c->proc2 & PROC2_VIRTUAL_INTR_DELIVERY ? "yes" : "no");
	kprintf("tickvisor:   virtual NMIs and NMI-window exiting: %s\n",
		(c->pin & PIN_VIRTUAL_NMIS) && (c->proc & PROC_NMI_WINDOW_EXITING) ? "yes" : "no");
	kprintf("tickvisor:   virtualize x2APIC mode: %s\n",
		c->proc2 & PROC2_VIRTUALIZE_X2APIC ? "yes" : "no");
	/* Not enabled yet: it would need INVVPID wherever tickvisor changes guest paging. */
	kprintf("tickvisor:   VPID: %s\n", c->proc2 & PROC2_ENABLE_VPID ?
		"yes, not used (every VM entry and exit flushes the TLB)" : "no");
	kprintf("tickvisor:   EPT 2 MiB pages: %s\n", c->ept_2m ? "yes" : "no");
}

bool vmx_caps_init(void)
{
	struct vmx_caps *c = &vmx_caps;
	uint64_t basic = rdmsr(MSR_IA32_VMX_BASIC);
	bool true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	bool ok = true;

	c->revision = (uint32_t)basic & 0x7fffffff;
	ok &= COMPUTE(true_ctls ? "IA32_VMX_TRUE_PINBASED_CTLS" : "IA32_VMX_PINBASED_CTLS",
		      true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS,
		      pin_controls, &c->pin);
	ok &= COMPUTE(true_ctls ? "IA32_VMX_TRUE_PROCBASED_CTLS" : "IA32_VMX_PROCBASED_CTLS",
		      true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS,
		      proc_controls, &c->proc);
	ok &= COMPUTE(true_ctls ? "IA32_VMX_TRUE_EXIT_CTLS" : "IA32_VMX_EXIT_CTLS",
		      true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS,
		      exit_controls, &c->exit);
	ok &= COMPUTE(true_ctls ? "IA32_VMX_TRUE_ENTRY_CTLS" : "IA32_VMX_ENTRY_CTLS",
		      true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS,
		      entry_controls, &c->entry);
	/* The secondary controls exist only if the primary ones allow activating them (A.3.3). */
	if (c->proc & PROC_SECONDARY_CONTROLS)
		ok &= COMPUTE("IA32_VMX_PROCBASED_CTLS2", MSR_IA32_VMX_PROCBASED_CTLS2,
			      proc2_controls, &c->proc2);
	if (!ok)
		return false;

	c->misc = rdmsr(MSR_IA32_VMX_MISC);
	c->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	if (!(c->ept_vpid & EPT_CAP_WALK_4) || !(c->ept_vpid & EPT_CAP_WB) ||
	    !(c->ept_vpid & EPT_CAP_INVEPT) || !(c->ept_vpid & EPT_CAP_INVEPT_SINGLE)) {
		pr_err("IA32_VMX_EPT_VPID_CAP (MSR %#x) = %#lx: tickvisor requires 4-level EPT "
		       "walks (bit 6), write-back EPT (bit 14) and single-context INVEPT "
		       "(bits 20, 25)\n", MSR_IA32_VMX_EPT_VPID_CAP, c->ept_vpid);
		return false;
	}
	c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);

	c->preemption_timer = c->pin & PIN_PREEMPTION_TIMER;
	c->preemption_timer_shift = c->misc & 0x1f;
	c->ept_2m = c->ept_vpid & EPT_CAP_2M_PAGES;
	print_optional();
	return true;
}
