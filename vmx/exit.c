/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "arch/x86/log.h"
#include "arch/x86/platform.h"
#include "arch/x86/trap.h"
#include "vmx/exit.h"
#include "vmx/exit_reasons.h"
#include "vmx/vmx_ops.h"

/*
 * Instructions the guest must see fail with #UD: VMX's and GETSEC, which exit unconditionally
 * (CPUID shows neither VMX nor SMX), and MONITOR/MWAIT, which exit because CPUID.1:ECX.MONITOR
 * is hidden (vmx/cpu_policy.c).
 */
static enum vcpu_action handle_undefined(struct vcpu *v)
{
	vcpu_inject_exception(v, VEC_UD, false, 0);
	return VCPU_RESUME;
}

/*
 * RDPMC at CPL 0 (CPL > 0 with CR4.PCE clear faults before the exit): the CPU policy shows no
 * PMU (leaf 0xA version 0), so every counter index is invalid and RDPMC raises #GP(0) (SDM
 * vol. 2 RDPMC).
 */
static enum vcpu_action handle_rdpmc(struct vcpu *v)
{
	vcpu_inject_exception(v, VEC_GP, true, 0);
	return VCPU_RESUME;
}

/* INIT and SIPI: a one-vCPU VM has nobody to send them; a stray one has no effect. */
static enum vcpu_action handle_ignored_signal(struct vcpu *v)
{
	(void)v;
	return VCPU_RESUME;
}

/* INVD: dropping the caches' dirty lines would corrupt the host; write back instead (no-op). */
static enum vcpu_action handle_skip(struct vcpu *v)
{
	vcpu_skip_instruction(v);
	return VCPU_RESUME;
}

static enum vcpu_action handle_unknown(struct vcpu *v);

/*
 * Exit 0: with an exception bitmap of 0 only NMIs come here (NMI exiting is on). They belong to
 * the host: the guest never sees one it did not send itself (SDM 26.2 "NMI exiting").
 */
static enum vcpu_action handle_exception_nmi(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);

	if ((info & INTR_INFO_VALID) && (info & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI) {
		nmi_dispatch();
		return VCPU_RESUME;
	}
	return handle_unknown(v);
}

static const exit_handler_fn exit_handlers[EXIT_REASON_COUNT] = {
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_INIT] = handle_ignored_signal,
	[EXIT_REASON_SIPI] = handle_ignored_signal,
	[EXIT_REASON_INTERRUPT_WINDOW] = handle_interrupt_window,
	[EXIT_REASON_NMI_WINDOW] = handle_nmi_window,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_GETSEC] = handle_undefined,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_INVD] = handle_skip,
	[EXIT_REASON_RDPMC] = handle_rdpmc,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	[EXIT_REASON_VMCLEAR] = handle_undefined,
	[EXIT_REASON_VMLAUNCH] = handle_undefined,
	[EXIT_REASON_VMPTRLD] = handle_undefined,
	[EXIT_REASON_VMPTRST] = handle_undefined,
	[EXIT_REASON_VMREAD] = handle_undefined,
	[EXIT_REASON_VMRESUME] = handle_undefined,
	[EXIT_REASON_VMWRITE] = handle_undefined,
	[EXIT_REASON_VMXOFF] = handle_undefined,
	[EXIT_REASON_VMXON] = handle_undefined,
	[EXIT_REASON_INVEPT] = handle_undefined,
	[EXIT_REASON_INVVPID] = handle_undefined,
	[EXIT_REASON_CR_ACCESS] = handle_cr_access,
	[EXIT_REASON_IO_INSTRUCTION] = handle_io,
	[EXIT_REASON_RDMSR] = handle_rdmsr,
	[EXIT_REASON_WRMSR] = handle_wrmsr,
	[EXIT_REASON_INVALID_GUEST_STATE] = handle_entry_failure,
	[EXIT_REASON_MSR_LOADING] = handle_entry_failure,
	[EXIT_REASON_MWAIT] = handle_undefined,
	[EXIT_REASON_MONITOR] = handle_undefined,
	[EXIT_REASON_MACHINE_CHECK] = handle_entry_failure,
	[EXIT_REASON_TPR_BELOW_THRESHOLD] = handle_tpr_below_threshold,
	[EXIT_REASON_APIC_ACCESS] = handle_apic_access,
	[EXIT_REASON_VIRTUALIZED_EOI] = handle_virtualized_eoi,
	[EXIT_REASON_EPT_VIOLATION] = handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG] = handle_ept_misconfig,
	[EXIT_REASON_PREEMPTION_TIMER] = handle_preemption_timer,
	[EXIT_REASON_XSETBV] = handle_xsetbv,
	[EXIT_REASON_APIC_WRITE] = handle_apic_write,
};

static enum vcpu_action handle_unknown(struct vcpu *v)
{
	unsigned int reason = v->exit_reason & 0xffff;

	pr_err("unhandled VM exit: reason %u (%s)\n", reason, exit_reason_name(reason));
	vcpu_dump(v);
	return vcpu_stop(v, STATUS_FAILURE);
}

enum vcpu_action vmx_dispatch_exit(struct vcpu *v)
{
	unsigned int reason = v->exit_reason & 0xffff;
	exit_handler_fn fn = reason < EXIT_REASON_COUNT ? exit_handlers[reason] : NULL;

	if (v->exit_reason & EXIT_REASON_ENTRY_FAILURE)
		return handle_entry_failure(v);
	return fn ? fn(v) : handle_unknown(v);
}
