/* SPDX-License-Identifier: MIT */
/*
 * Exits that end the guest: EPT violations outside what is mapped (those on a relocated xAPIC
 * go to the vLAPIC's glue, those in MMIO that tickvisor emulates to vmx/mmio_dispatch instead),
 * EPT misconfigurations, triple faults and VM-entry failures. Each prints a diagnostic and stops
 * with the failure status; the hypervisor itself carries on to print its statistics and exit
 * cleanly.
 */
#include "arch/x86/log.h"
#include "arch/x86/platform.h"
#include "vmx/apic_glue.h"
#include "vmx/ept.h"
#include "vmx/exit.h"
#include "vmx/mmio_dispatch.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"

#define EPT_QUAL_LINEAR_VALID	(1ull << 7)	/* table 28-7 */

enum vcpu_action handle_ept_violation(struct vcpu *v)
{
	uint64_t gpa = vmread(VMCS_GUEST_PHYS_ADDR);
	enum vcpu_action act;
	char what[96];

	/* the APIC's page first: a relocated xAPIC covers whatever else is there (SDM 11.4.4) */
	if (apic_glue_ept_violation(v, gpa, &act))
		return act;
	if (mmio_dispatch_claims(gpa))
		return mmio_dispatch_exit(v, gpa);
	ept_describe_violation(v->exit_qual, what, sizeof(what));
	pr_err("EPT violation: guest-physical address %#lx (%s)", gpa, what);
	if (v->exit_qual & EPT_QUAL_LINEAR_VALID)
		kprintf(", guest linear address %#lx", vmread(VMCS_GUEST_LINEAR_ADDR));
	kprintf(", guest RIP %#lx; guest RAM ends at %#lx\n", vmread(VMCS_GUEST_RIP), v->ram_size);
	vcpu_dump(v);
	return vcpu_stop(v, STATUS_FAILURE);
}

enum vcpu_action handle_ept_misconfig(struct vcpu *v)
{
	pr_err("EPT misconfiguration at guest-physical address %#lx: a bug in tickvisor's EPT\n",
	       vmread(VMCS_GUEST_PHYS_ADDR));
	vcpu_dump(v);
	return vcpu_stop(v, STATUS_FAILURE);
}

enum vcpu_action handle_triple_fault(struct vcpu *v)
{
	pr_err("guest triple fault (a fault while delivering a double fault): the guest is dead\n");
	vcpu_dump(v);
	return vcpu_stop(v, STATUS_FAILURE);
}

/* Exit reasons 33, 34, 41 with bit 31 set (SDM 27.8): the entry checks on the guest failed. */
enum vcpu_action handle_entry_failure(struct vcpu *v)
{
	static const char *const qual_33[] = {
		[0] = "a guest-state field", [2] = "loading the PDPTEs", [3] = "NMI injection",
		[4] = "the VMCS link pointer",
	};
	unsigned int reason = v->exit_reason & 0xffff;

	pr_err("%s", exit_reason_name(reason));
	if (reason == EXIT_REASON_INVALID_GUEST_STATE && v->exit_qual < 5 && qual_33[v->exit_qual])
		kprintf(" (checking %s)", qual_33[v->exit_qual]);
	else if (reason == EXIT_REASON_MSR_LOADING)
		kprintf(" (MSR-load entry %lu)", v->exit_qual);
	kprintf("\n");
	vmcs_dump_entry_failure(v, 0);
	return vcpu_stop(v, STATUS_FAILURE);
}
