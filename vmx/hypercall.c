/* SPDX-License-Identifier: MIT */
/* VMCALL (exit 18): the hypercall ABI in vmx/hypercall_abi.h. */
#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/serial.h"
#include "lib/string.h"
#include "vmx/apic_glue.h"
#include "vmx/exit.h"
#include "vmx/exit_trace.h"
#include "vmx/hypercall_abi.h"
#include "vmx/vmx_ops.h"

static uint64_t hc_print(struct vcpu *v, uint64_t gpa, uint64_t len)
{
	const char *p;

	if (len > TV_HC_PRINT_MAX || !(p = vcpu_gpa_ptr(v, gpa, len)))
		return TV_HC_EINVAL;
	/* Raw bytes on the shared console: the guest's own line, no prefix. */
	serial_write(p, len);
	return 0;
}

/* The ABI fixes the array's length; the exit-reason table must not outgrow it. */
_Static_assert(sizeof(((struct tv_stats *)0)->exits_by_reason) / sizeof(uint64_t) ==
	       EXIT_REASON_COUNT, "struct tv_stats: exits_by_reason[] and EXIT_REASON_COUNT");

static uint64_t hc_stats(struct vcpu *v, uint64_t gpa, uint64_t len)
{
	struct tv_stats s = { .version = 1, .size = sizeof(s) };
	void *p;

	if (!(p = vcpu_gpa_ptr(v, gpa, len)))
		return TV_HC_EINVAL;
	s.exits = v->stats.total_exits;
	s.hv_cycles = v->stats.total_cycles;
	for (unsigned int i = 0; i < EXIT_REASON_COUNT; i++)
		s.exits_by_reason[i] = v->stats.count[i];
	apic_glue_fill_stats(v, &s);
	if (len > sizeof(s))
		len = sizeof(s);
	memcpy(p, &s, len);
	return len;
}

static uint64_t hc_trace(struct vcpu *v, uint64_t gpa, uint64_t len)
{
	void *p;

	if (len < sizeof(struct tv_trace) || !(p = vcpu_gpa_ptr(v, gpa, len)))
		return TV_HC_EINVAL;
	return exit_trace_copy(p, len);
}

enum vcpu_action handle_vmcall(struct vcpu *v)
{
	/* SS.DPL is the CPL (SDM 5.5) */
	unsigned int cpl = (vmread(VMCS_GUEST_SS_AR) >> 5) & 3;
	uint64_t fn = v->regs.rax & 0xffffffffu, ret;

	vcpu_skip_instruction(v);
	if (cpl != 0) {
		v->regs.rax = TV_HC_EPERM;
		return VCPU_RESUME;
	}
	switch (fn) {
	case TV_HC_EXIT:
		pr_info("guest exited through the exit hypercall with code %lu\n",
			v->regs.rbx & 0xffffffffu);
		return vcpu_stop(v, (uint32_t)v->regs.rbx);
	case TV_HC_PRINT:
		ret = hc_print(v, v->regs.rbx, v->regs.rcx);
		break;
	case TV_HC_STATS:
		ret = hc_stats(v, v->regs.rbx, v->regs.rcx);
		break;
	case TV_HC_TRACE:
		ret = hc_trace(v, v->regs.rbx, v->regs.rcx);
		break;
	default:	/* not tickvisor's: perhaps another hypervisor's call */
		ret = TV_HC_ENOSYS;
		break;
	}
	v->regs.rax = ret;
	return VCPU_RESUME;
}
