/* SPDX-License-Identifier: MIT */
#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/pmm.h"
#include "vmx/caps.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmx_setup.h"


bool vmx_on(void)
{
	uint64_t region = pmm_alloc_page();
	uint64_t cr0 = read_cr0(), cr4 = read_cr4() | CR4_VMXE;

	if (!region) {
		pr_err("out of memory for the VMXON region\n");
		return false;
	}
	/* SDM 24.8: CR0 and CR4 must honour the fixed bits in VMX operation. */
	cr0 = (cr0 | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1;
	cr4 = (cr4 | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1;
	write_cr0(cr0);
	write_cr4(cr4);
	*(uint32_t *)(uintptr_t)region = vmx_caps.revision;
	if (!vmxon(region)) {
		pr_err("VMXON failed (CR0 %#lx, CR4 %#lx, region %#lx)\n", cr0, cr4, region);
		return false;
	}
	pr_info("VMX root operation entered (VMXON region %#lx)\n", region);
	return true;
}
