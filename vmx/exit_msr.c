/* SPDX-License-Identifier: MIT */
/*
 * RDMSR/WRMSR exits (31, 32): the MSRs the bitmap does not pass through, served as the CPU
 * policy's MSR table says (vmx/cpu_policy.c): the vLAPIC's, the emulated ones, and #GP for the
 * rest, as on a CPU that lacks them. An unknown MSR is never passed through to the CPU.
 */
#include "arch/x86/log.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "vmx/apic_glue.h"
#include "vmx/cpu_policy_glue.h"
#include "vmx/exit.h"
#include "vmx/tsc_offset.h"

/*
 * #GP. An MSR the table names belongs to a hidden feature: the guest asked whether it is there,
 * which is expected. An unknown one is worth a line, at most one a second, with the number of
 * lines held back since the last.
 */
static enum vcpu_action gp(struct vcpu *v, const char *op, uint32_t msr)
{
	static uint64_t next_log_tsc;
	static uint64_t suppressed;

	if (cpu_policy_msr_known(msr)) {
		pr_debug("guest %s of MSR %#x (feature hidden): #GP\n", op, msr);
	} else if (v->exit_tsc >= next_log_tsc) {
		pr_warn("guest %s of unknown MSR %#x: #GP (%lu more unknown-MSR accesses not "
			"logged)\n", op, msr, suppressed);
		suppressed = 0;
		next_log_tsc = v->exit_tsc + tsc_hz();
	} else {
		suppressed++;
	}
	vcpu_inject_exception(v, VEC_GP, true, 0);
	return VCPU_RESUME;
}

enum vcpu_action handle_rdmsr(struct vcpu *v)
{
	struct cpu_policy *p = guest_cpu_policy();
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t val;
	bool ok;

	switch (cpu_policy_msr_route(p, msr)) {
	case MSR_ROUTE_VLAPIC:
		ok = apic_glue_msr_read(v, msr, &val);
		break;
	case MSR_ROUTE_EMULATE:
		ok = cpu_policy_rdmsr(p, msr, &val);
		break;
	case MSR_ROUTE_TSC:
		val = tsc_offset_adjust(v);
		ok = true;
		break;
	default:	/* the bitmap passes the others' reads through: this is a #GP */
		ok = false;
		break;
	}
	if (!ok)
		return gp(v, "read", msr);
	v->regs.rax = (uint32_t)val;
	v->regs.rdx = val >> 32;
	vcpu_skip_instruction(v);
	return VCPU_RESUME;
}

enum vcpu_action handle_wrmsr(struct vcpu *v)
{
	struct cpu_policy *p = guest_cpu_policy();
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t val = ((v->regs.rdx & 0xffffffffull) << 32) | (v->regs.rax & 0xffffffffull);
	bool ok;

	switch (cpu_policy_msr_route(p, msr)) {
	case MSR_ROUTE_VLAPIC:
		ok = apic_glue_msr_write(v, msr, val);
		break;
	case MSR_ROUTE_PASS_READ:
		/* IA32_TIME_STAMP_COUNTER is the one: its reads pass, a write moves the offset */
		if (msr == MSR_IA32_TIME_STAMP_COUNTER) {
			tsc_offset_write(v, msr, val);
			ok = true;
			break;
		}
		ok = cpu_policy_wrmsr(p, msr, val);
		break;
	case MSR_ROUTE_EMULATE:
		ok = cpu_policy_wrmsr(p, msr, val);
		break;
	case MSR_ROUTE_TSC:
		tsc_offset_write(v, msr, val);
		ok = true;
		break;
	default:
		ok = false;
		break;
	}
	if (!ok)
		return gp(v, "write", msr);
	vcpu_skip_instruction(v);
	return VCPU_RESUME;
}
