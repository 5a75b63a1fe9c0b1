/* SPDX-License-Identifier: MIT */
#include "arch/x86/cpu.h"
#include "arch/x86/gdt.h"
#include "arch/x86/log.h"
#include "arch/x86/msr.h"
#include "arch/x86/pmm.h"
#include "lib/string.h"
#include "lib/util.h"
#include "loader/guest_load.h"
#include "vmx/caps.h"
#include "loader/guest_load.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"

/* Segment access rights in the VMCS format (SDM 25.4.1, table 25-2) */
#define AR_CODE32	0xc09b	/* G, D/B, P, S, type 11 = execute/read, accessed */
#define AR_DATA32	0xc093	/* G, D/B, P, S, type 3 = read/write, accessed */
#define AR_TSS32_BUSY	0x008b	/* P, type 11 = busy 32-bit TSS */
#define AR_UNUSABLE	0x10000	/* bit 16: segment unusable */

/*
 * Guest selectors: what GRUB uses for a multiboot kernel (the protocol leaves them open), and
 * what the Linux 32-bit boot protocol requires: __BOOT_CS 0x10, __BOOT_DS 0x18 (boot.rst).
 */
#define GUEST_CS	0x10
#define GUEST_DS	0x18
/* The entry GDT, in guest RAM the memory map reports free (below the EBDA, above the IVT). */
#define GUEST_GDT_GPA	0x800

static const uint64_t guest_gdt[4] = {
	0,
	0,
	0x00cf9b000000ffffull,	/* GUEST_CS: flat 32-bit code, execute/read, accessed */
	0x00cf93000000ffffull,	/* GUEST_DS: flat 32-bit data, read/write, accessed */
};

extern char vmx_exit_entry[];

/* XSS-exiting bitmap (SDM 25.6.19; 64-bit control field, appendix B.2.1) */
#define VMCS_XSS_EXIT_BITMAP	0x202c

#define DR7_INIT	0x400ull
#define PAT_POWER_ON	0x0007040600070406ull	/* SDM 13.12.4: the reset value */

static const char *const instr_errors[] = {
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
};

const char *vm_instruction_error_name(uint32_t err)
{
	if (err < ARRAY_SIZE(instr_errors) && instr_errors[err])
		return instr_errors[err];
	return "unknown VM-instruction error";
}

static void setup_host_state(void)
{
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } idtr;

	asm volatile("sidt %0" : "=m"(idtr));
	vmwrite(VMCS_HOST_CR0, read_cr0());
	vmwrite(VMCS_HOST_CR3, read_cr3());
	vmwrite(VMCS_HOST_CR4, read_cr4());
	vmwrite(VMCS_HOST_CS_SEL, GDT_CS);
	vmwrite(VMCS_HOST_SS_SEL, GDT_DS);
	vmwrite(VMCS_HOST_DS_SEL, GDT_DS);
	vmwrite(VMCS_HOST_ES_SEL, GDT_DS);
	vmwrite(VMCS_HOST_FS_SEL, 0);
	vmwrite(VMCS_HOST_GS_SEL, 0);
	vmwrite(VMCS_HOST_TR_SEL, GDT_TSS);
	vmwrite(VMCS_HOST_FS_BASE, 0);
	vmwrite(VMCS_HOST_GS_BASE, 0);
	vmwrite(VMCS_HOST_TR_BASE, tss_base());
	vmwrite(VMCS_HOST_GDTR_BASE, gdt_base());
	vmwrite(VMCS_HOST_IDTR_BASE, idtr.base);
	vmwrite(VMCS_HOST_SYSENTER_CS, 0);
	vmwrite(VMCS_HOST_SYSENTER_ESP, 0);
	vmwrite(VMCS_HOST_SYSENTER_EIP, 0);
	vmwrite(VMCS_HOST_EFER, rdmsr(MSR_IA32_EFER));
	vmwrite(VMCS_HOST_PAT, rdmsr(MSR_IA32_PAT));
	/* Every exit lands in entry.S; HOST_RSP is written there, at the first entry. */
	vmwrite(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_entry);
}

static void setup_segment(uint32_t sel_field, uint16_t sel, uint32_t ar)
{
	/* Fields of one segment are 2 apart in each group (appendix B): ES, CS, SS, DS, FS, GS. */
	uint32_t idx = sel_field - VMCS_GUEST_ES_SEL;

	vmwrite(sel_field, sel);
	vmwrite(VMCS_GUEST_ES_BASE + idx, 0);
	vmwrite(VMCS_GUEST_ES_LIMIT + idx, 0xffffffff);
	vmwrite(VMCS_GUEST_ES_AR + idx, ar);
}

static void setup_guest_state(struct vcpu *v, const struct guest_entry *e)
{
	/*
	 * Multiboot (v1 3.2, v2 3.3) and Linux (boot.rst, 32-bit boot protocol): protected mode
	 * with paging off, flat 4 GiB segments, EFLAGS.IF = 0, VM = 0. CR0.NE is a VMX fixed-1
	 * bit (the CR0 shadow hides it).
	 */
	vmwrite(VMCS_GUEST_CR0, CR0_PE | CR0_ET | CR0_NE);
	vmwrite(VMCS_GUEST_CR3, 0);
	vmwrite(VMCS_GUEST_CR4, CR4_VMXE);
	vmwrite(VMCS_CR0_MASK, CR0_NE);
	vmwrite(VMCS_CR0_READ_SHADOW, CR0_PE | CR0_ET);
	vmwrite(VMCS_CR4_MASK, CR4_VMXE);
	vmwrite(VMCS_CR4_READ_SHADOW, 0);

	setup_segment(VMCS_GUEST_CS_SEL, GUEST_CS, AR_CODE32);
	setup_segment(VMCS_GUEST_DS_SEL, GUEST_DS, AR_DATA32);
	setup_segment(VMCS_GUEST_ES_SEL, GUEST_DS, AR_DATA32);
	setup_segment(VMCS_GUEST_SS_SEL, GUEST_DS, AR_DATA32);
	setup_segment(VMCS_GUEST_FS_SEL, GUEST_DS, AR_DATA32);
	setup_segment(VMCS_GUEST_GS_SEL, GUEST_DS, AR_DATA32);
	vmwrite(VMCS_GUEST_LDTR_SEL, 0);
	vmwrite(VMCS_GUEST_LDTR_BASE, 0);
	vmwrite(VMCS_GUEST_LDTR_LIMIT, 0);
	vmwrite(VMCS_GUEST_LDTR_AR, AR_UNUSABLE);
	/* TR must be usable with a busy TSS type even though the guest never switches tasks. */
	vmwrite(VMCS_GUEST_TR_SEL, 0);
	vmwrite(VMCS_GUEST_TR_BASE, 0);
	vmwrite(VMCS_GUEST_TR_LIMIT, 0xffff);
	vmwrite(VMCS_GUEST_TR_AR, AR_TSS32_BUSY);
	/*
	 * Multiboot leaves GDTR undefined until the kernel loads its own, but GRUB's is real and
	 * describes the selectors it leaves loaded; so does ours, so a kernel that reloads a
	 * segment register (or checks its limits with LSL) sees the same machine as under GRUB.
	 * IDTR: limit 0, so a fault before the kernel sets up its IDT is a clean triple fault.
	 */
	uint64_t *gdt = vcpu_gpa_ptr(v, GUEST_GDT_GPA, sizeof(guest_gdt));

	if (gdt)
		memcpy(gdt, guest_gdt, sizeof(guest_gdt));
	vmwrite(VMCS_GUEST_GDTR_BASE, GUEST_GDT_GPA);
	vmwrite(VMCS_GUEST_GDTR_LIMIT, sizeof(guest_gdt) - 1);
	vmwrite(VMCS_GUEST_IDTR_BASE, 0);
	vmwrite(VMCS_GUEST_IDTR_LIMIT, 0);

	vmwrite(VMCS_GUEST_RIP, e->eip);
	vmwrite(VMCS_GUEST_RSP, 0);
	vmwrite(VMCS_GUEST_RFLAGS, RFLAGS_FIXED);
	vmwrite(VMCS_GUEST_DR7, DR7_INIT);
	vmwrite(VMCS_GUEST_DEBUGCTL, 0);
	vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
	vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
	vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
	vmwrite(VMCS_GUEST_EFER, 0);
	vmwrite(VMCS_GUEST_PAT, PAT_POWER_ON);
	vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmwrite(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
	vmwrite(VMCS_VMCS_LINK_PTR, ~0ull);	/* no shadow VMCS (SDM 27.3.1.5) */

	v->regs = (struct guest_regs){ 0 };
	/* Linux wants EBP = EDI = EBX = 0 beside ESI; multiboot leaves the rest undefined. */
	v->regs.rax = e->eax;
	v->regs.rbx = e->ebx;
	v->regs.rsi = e->esi;
}

static void setup_controls(struct vcpu *v, const struct vmcs_pages *p, bool preemption_timer)
{
	const struct vmx_caps *c = &vmx_caps;
	/* Optional controls that tickvisor turns on only on purpose, below. */
	const uint32_t pin_opt = PIN_PREEMPTION_TIMER | PIN_VIRTUAL_NMIS;
	const uint32_t proc2_opt = PROC2_VIRTUALIZE_X2APIC | PROC2_APIC_REGISTER_VIRT |
				   PROC2_VIRTUAL_INTR_DELIVERY | PROC2_ENABLE_VPID;

	v->pin = c->pin & ~pin_opt;
	if (preemption_timer && c->preemption_timer)
		v->pin |= PIN_PREEMPTION_TIMER;
	/*
	 * Virtual NMIs (SDM 25.6.1; they need NMI exiting, which is on): the CPU tracks the guest's
	 * NMI blocking until its IRET, and NMI-window exiting, which requires them (27.2.1.1),
	 * says when it ends. Only both together are of use (intr_deliver.c).
	 */
	if ((c->pin & PIN_VIRTUAL_NMIS) && (c->proc & PROC_NMI_WINDOW_EXITING))
		v->pin |= PIN_VIRTUAL_NMIS;
	v->proc = c->proc & ~(PROC_INTR_WINDOW_EXITING | PROC_NMI_WINDOW_EXITING);
	/* The guest starts in xAPIC mode: virtualize APIC accesses, not x2APIC (SDM 27.2.1.1). */
	v->proc2 = c->proc2 & ~proc2_opt;
	v->proc2 |= c->proc2 & (PROC2_APIC_REGISTER_VIRT | PROC2_VIRTUAL_INTR_DELIVERY);

	vmwrite(VMCS_PIN_CONTROLS, v->pin);
	vmwrite(VMCS_PROC_CONTROLS, v->proc);
	vmwrite(VMCS_PROC_CONTROLS2, v->proc2);
	vmwrite(VMCS_EXIT_CONTROLS, c->exit & ~EXIT_CTL_SAVE_PREEMPTION_TIMER);
	vmwrite(VMCS_ENTRY_CONTROLS, c->entry & ~ENTRY_IA32E_MODE_GUEST);
	vmwrite(VMCS_EXCEPTION_BITMAP, 0);
	vmwrite(VMCS_PF_ERROR_MASK, 0);
	vmwrite(VMCS_PF_ERROR_MATCH, 0);
	vmwrite(VMCS_CR3_TARGET_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmwrite(VMCS_ENTRY_INTR_INFO, 0);
	vmwrite(VMCS_TSC_OFFSET, 0);
	vmwrite(VMCS_MSR_BITMAP, p->msr_bitmap);
	vmwrite(VMCS_IO_BITMAP_A, p->io_bitmap_a);
	vmwrite(VMCS_IO_BITMAP_B, p->io_bitmap_b);
	vmwrite(VMCS_VIRTUAL_APIC_ADDR, p->virtual_apic);
	vmwrite(VMCS_APIC_ACCESS_ADDR, p->apic_access);
	vmwrite(VMCS_TPR_THRESHOLD, 0);
	vmwrite(VMCS_EPT_POINTER, v->eptp);
	if (v->proc2 & PROC2_VIRTUAL_INTR_DELIVERY) {
		/* no vector is level-triggered yet: intr_deliver.c keeps the bitmap equal to TMR */
		vmwrite(VMCS_GUEST_INTR_STATUS, 0);
		for (unsigned int i = 0; i < 4; i++)
			vmwrite(VMCS_EOI_EXIT_BITMAP0 + 2 * i, 0);
	}
	if (v->pin & PIN_PREEMPTION_TIMER)
		vmwrite(VMCS_PREEMPTION_TIMER, 0xffffffff);
	/* XSAVES/XRSTORS run in the guest without exiting: IA32_XSS only ever holds 0 there. */
	if (v->proc2 & PROC2_ENABLE_XSAVES)
		vmwrite(VMCS_XSS_EXIT_BITMAP, 0);
}

bool vmcs_init(struct vcpu *v, const struct vmcs_pages *pages, const struct guest_entry *entry,
	       bool use_preemption_timer)
{
	v->vmcs_pa = pmm_alloc_page();
	if (!v->vmcs_pa) {
		pr_err("out of memory for the VMCS\n");
		return false;
	}
	*(uint32_t *)(uintptr_t)v->vmcs_pa = vmx_caps.revision;
	if (!vmclear(v->vmcs_pa) || !vmptrld(v->vmcs_pa)) {
		pr_err("VMCLEAR/VMPTRLD of the VMCS at %#lx failed\n", v->vmcs_pa);
		return false;
	}
	setup_controls(v, pages, use_preemption_timer);
	setup_host_state();
	setup_guest_state(v, entry);
	return true;
}

void vmcs_dump_entry_failure(struct vcpu *v, uint32_t err)
{
	(void)v;
	/* 0: a VM-entry failure exit (reason bit 31), whose caller already said what failed */
	if (err)
		pr_err("VM entry failed: VM-instruction error %u (%s)\n", err,
		       vm_instruction_error_name(err));
	kprintf("  controls: pin %#lx proc %#lx proc2 %#lx exit %#lx entry %#lx\n",
		vmread(VMCS_PIN_CONTROLS), vmread(VMCS_PROC_CONTROLS),
		vmread(VMCS_PROC_CONTROLS2), vmread(VMCS_EXIT_CONTROLS),
		vmread(VMCS_ENTRY_CONTROLS));
	kprintf("  guest: CR0 %#lx CR3 %#lx CR4 %#lx EFER %#lx RIP %#lx RFLAGS %#lx\n",
		vmread(VMCS_GUEST_CR0), vmread(VMCS_GUEST_CR3), vmread(VMCS_GUEST_CR4),
		vmread(VMCS_GUEST_EFER), vmread(VMCS_GUEST_RIP), vmread(VMCS_GUEST_RFLAGS));
	kprintf("  guest: CS %#lx/%#lx SS %#lx/%#lx TR %#lx/%#lx activity %lu "
		"interruptibility %#lx entry-intr %#lx\n",
		vmread(VMCS_GUEST_CS_SEL), vmread(VMCS_GUEST_CS_AR), vmread(VMCS_GUEST_SS_SEL),
		vmread(VMCS_GUEST_SS_AR), vmread(VMCS_GUEST_TR_SEL), vmread(VMCS_GUEST_TR_AR),
		vmread(VMCS_GUEST_ACTIVITY_STATE), vmread(VMCS_GUEST_INTERRUPTIBILITY),
		vmread(VMCS_ENTRY_INTR_INFO));
	kprintf("  host: CR0 %#lx CR3 %#lx CR4 %#lx RSP %#lx RIP %#lx\n",
		vmread(VMCS_HOST_CR0), vmread(VMCS_HOST_CR3), vmread(VMCS_HOST_CR4),
		vmread(VMCS_HOST_RSP), vmread(VMCS_HOST_RIP));
}
