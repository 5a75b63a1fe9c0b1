/* SPDX-License-Identifier: MIT */
/*
 * Control-register accesses (exit 28) and XSETBV (exit 55). The CR0/CR4 guest/host masks own
 * only the bits VMX fixes: CR0.NE must stay 1 and CR4.VMXE must stay 1 in non-root operation
 * (SDM 24.8), so the read shadows show the guest the values it wrote and a write exits only
 * when it changes one of those bits.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/msr.h"
#include "arch/x86/platform.h"
#include "arch/x86/trap.h"
#include "vmx/cpu_policy_glue.h"
#include "vmx/exit.h"
#include "vmx/guest_mem.h"
#include "vmx/vmx_ops.h"

/* Exit qualification for control-register accesses (SDM 28.2.1, table 28-3) */
#define CR_NUM(q)	((q) & 0xf)
#define CR_TYPE(q)	(((q) >> 4) & 3)	/* 0 MOV to CR, 1 MOV from CR, 2 CLTS, 3 LMSW */
#define CR_GPR(q)	(((q) >> 8) & 0xf)
#define CR_TYPE_TO	0
#define CR_TYPE_FROM	1
#define PDPT_ALIGN	32ull	/* the PAE page-directory-pointer table (SDM 4.4.1) */
#define NR_PDPTES	4

/*
 * Paging on with EFER.LME set activates IA-32e mode (SDM 10.8.5); the CPU does this itself
 * for MOV to CR0 in the guest, but this write was intercepted, so do it here, with the
 * "IA-32e mode guest" entry control that must match EFER.LMA (SDM 27.3.1.1).
 */
static void update_long_mode(uint64_t old_cr0, uint64_t new_cr0)
{
	uint64_t efer = vmread(VMCS_GUEST_EFER);
	uint64_t entry = vmread(VMCS_ENTRY_CONTROLS);

	if (!(old_cr0 & CR0_PG) && (new_cr0 & CR0_PG) && (efer & EFER_LME)) {
		vmwrite(VMCS_GUEST_EFER, efer | EFER_LMA);
		vmwrite(VMCS_ENTRY_CONTROLS, entry | ENTRY_IA32E_MODE_GUEST);
	} else if ((old_cr0 & CR0_PG) && !(new_cr0 & CR0_PG) && (efer & EFER_LMA)) {
		vmwrite(VMCS_GUEST_EFER, efer & ~EFER_LMA);
		vmwrite(VMCS_ENTRY_CONTROLS, entry & ~ENTRY_IA32E_MODE_GUEST);
	}
}

/*
 * PAE paging (CR0.PG and CR4.PAE without EFER.LME): MOV to CR0, CR3 or CR4 loads the four PDPTEs
 * from the table at CR3 (SDM vol. 3A 4.4.1), and with EPT a VM entry takes them from the VMCS
 * guest-state area (SDM 27.3.2.4), not from memory. A write tickvisor emulated must load them as
 * the instruction would have. False if the table is not in guest RAM: the write then raises #GP,
 * as it would for PDPTEs the CPU can't load.
 */
static bool load_pdptes(struct vcpu *v, uint64_t cr0, uint64_t cr3, uint64_t cr4)
{
	const uint64_t *pdpte;

	if (!(cr0 & CR0_PG) || !(cr4 & CR4_PAE) || (vmread(VMCS_GUEST_EFER) & EFER_LME))
		return true;
	pdpte = vcpu_gpa_ptr(v, cr3 & ~(PDPT_ALIGN - 1), NR_PDPTES * sizeof(*pdpte));
	if (!pdpte)
		return false;
	for (unsigned int i = 0; i < NR_PDPTES; i++)
		vmwrite(VMCS_GUEST_PDPTE0 + 2 * i, pdpte[i]);	/* 64-bit fields: even encodings */
	return true;
}

static enum vcpu_action mov_to_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
	uint64_t cr0 = vmread(VMCS_GUEST_CR0), cr3 = vmread(VMCS_GUEST_CR3);
	uint64_t cr4 = vmread(VMCS_GUEST_CR4);

	switch (cr) {
	case 0:
		/* PG without PE is #GP (SDM vol. 2 MOV CR) */
		if (((val & CR0_PG) && !(val & CR0_PE)) || !load_pdptes(v, val, cr3, cr4)) {
			vcpu_inject_exception(v, VEC_GP, true, 0);
			return VCPU_RESUME;
		}
		vmwrite(VMCS_CR0_READ_SHADOW, val);
		vmwrite(VMCS_GUEST_CR0, val | CR0_NE);
		update_long_mode(cr0, val);
		break;
	case 3:
		if (!load_pdptes(v, cr0, val, cr4)) {
			vcpu_inject_exception(v, VEC_GP, true, 0);
			return VCPU_RESUME;
		}
		vmwrite(VMCS_GUEST_CR3, val);
		break;
	case 4:
		/* The guest sees no VMX in CPUID: setting CR4.VMXE is reserved, #GP. */
		if ((val & CR4_VMXE) || !load_pdptes(v, cr0, cr3, val)) {
			vcpu_inject_exception(v, VEC_GP, true, 0);
			return VCPU_RESUME;
		}
		vmwrite(VMCS_CR4_READ_SHADOW, val);
		vmwrite(VMCS_GUEST_CR4, val | CR4_VMXE);
		break;
	default:
		vcpu_inject_exception(v, VEC_UD, false, 0);
		return VCPU_RESUME;
	}
	vcpu_skip_instruction(v);
	return VCPU_RESUME;
}

enum vcpu_action handle_cr_access(struct vcpu *v)
{
	uint64_t q = v->exit_qual;
	unsigned int cr = CR_NUM(q);

	if (CR_TYPE(q) == CR_TYPE_TO)
		return mov_to_cr(v, cr, guest_gpr_read(v, CR_GPR(q)));
	if (CR_TYPE(q) == CR_TYPE_FROM && cr == 3) {
		guest_gpr_write(v, CR_GPR(q), vmread(VMCS_GUEST_CR3));
		vcpu_skip_instruction(v);
		return VCPU_RESUME;
	}
	/* CLTS and LMSW touch only CR0 bits 3:0, which the mask leaves to the guest. */
	pr_err("unexpected control-register access exit (qualification %#lx)\n", q);
	vcpu_dump(v);
	return vcpu_stop(v, STATUS_FAILURE);
}

/*
 * XSETBV (SDM vol. 2): the checks the CPU makes, then the write; the host uses no XSAVE state.
 * CR4.OSXSAVE is read from the guest's CR4: the CR4 mask owns only VMXE, so the read shadow
 * does not hold the guest's OSXSAVE.
 */
enum vcpu_action handle_xsetbv(struct vcpu *v)
{
	uint32_t index = (uint32_t)v->regs.rcx;
	uint64_t val = ((v->regs.rdx & 0xffffffffull) << 32) | (v->regs.rax & 0xffffffffull);
	unsigned int cpl = (vmread(VMCS_GUEST_SS_AR) >> 5) & 3;	/* SS.DPL (SDM 5.5) */
	uint64_t host_cr4;

	if (!(vmread(VMCS_GUEST_CR4) & CR4_OSXSAVE)) {
		vcpu_inject_exception(v, VEC_UD, false, 0);
		return VCPU_RESUME;
	}
	/* Only XCR0 exists; its value as the policy offers it (vmx/cpu_policy.c). */
	if (cpl != 0 || index != 0 || !cpu_policy_xcr0_valid(guest_cpu_policy(), val)) {
		vcpu_inject_exception(v, VEC_GP, true, 0);
		return VCPU_RESUME;
	}
	/*
	 * The host runs with CR4.OSXSAVE clear (it keeps no XSAVE state), where XSETBV raises
	 * #UD: set it for the one instruction. VM entry and exit leave XCR0 alone, so the value
	 * written is the guest's from here on.
	 */
	host_cr4 = read_cr4();
	write_cr4(host_cr4 | CR4_OSXSAVE);
	asm volatile("xsetbv" : : "c"(index), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
	write_cr4(host_cr4);
	vcpu_skip_instruction(v);
	return VCPU_RESUME;
}
