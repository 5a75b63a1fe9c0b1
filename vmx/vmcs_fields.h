/* SPDX-License-Identifier: MIT */
/*
 * VMCS field encodings (SDM vol. 3C appendix B) and the control bits tickvisor uses
 * (SDM 25.6 - 25.8). Encoding bits: 0 access high, 9:1 index, 11:10 type, 14:13 width.
 */
#ifndef VMX_VMCS_FIELDS_H
#define VMX_VMCS_FIELDS_H

/* 16-bit control fields (B.1.1) */
#define VMCS_VPID			0x0000
/* 16-bit guest-state fields (B.1.2) */
#define VMCS_GUEST_ES_SEL		0x0800
#define VMCS_GUEST_CS_SEL		0x0802
#define VMCS_GUEST_SS_SEL		0x0804
#define VMCS_GUEST_DS_SEL		0x0806
#define VMCS_GUEST_FS_SEL		0x0808
#define VMCS_GUEST_GS_SEL		0x080a
#define VMCS_GUEST_LDTR_SEL		0x080c
#define VMCS_GUEST_TR_SEL		0x080e
#define VMCS_GUEST_INTR_STATUS		0x0810	/* RVI 7:0, SVI 15:8 (virtual-interrupt delivery) */
/* 16-bit host-state fields (B.1.3) */
#define VMCS_HOST_ES_SEL		0x0c00
#define VMCS_HOST_CS_SEL		0x0c02
#define VMCS_HOST_SS_SEL		0x0c04
#define VMCS_HOST_DS_SEL		0x0c06
#define VMCS_HOST_FS_SEL		0x0c08
#define VMCS_HOST_GS_SEL		0x0c0a
#define VMCS_HOST_TR_SEL		0x0c0c

/* 64-bit control fields (B.2.1) */
#define VMCS_IO_BITMAP_A		0x2000	/* ports 0000-7fff */
#define VMCS_IO_BITMAP_B		0x2002	/* ports 8000-ffff */
#define VMCS_MSR_BITMAP			0x2004
#define VMCS_EXIT_MSR_STORE_ADDR	0x2006
#define VMCS_EXIT_MSR_LOAD_ADDR		0x2008
#define VMCS_ENTRY_MSR_LOAD_ADDR	0x200a
#define VMCS_TSC_OFFSET			0x2010
#define VMCS_VIRTUAL_APIC_ADDR		0x2012
#define VMCS_APIC_ACCESS_ADDR		0x2014
#define VMCS_EPT_POINTER		0x201a
#define VMCS_EOI_EXIT_BITMAP0		0x201c	/* four consecutive 64-bit fields, 0x201c-0x2022 */
/* 64-bit read-only data (B.2.2) */
#define VMCS_GUEST_PHYS_ADDR		0x2400
/* 64-bit guest-state fields (B.2.3) */
#define VMCS_VMCS_LINK_PTR		0x2800
#define VMCS_GUEST_DEBUGCTL		0x2802
#define VMCS_GUEST_PAT			0x2804
#define VMCS_GUEST_EFER			0x2806
#define VMCS_GUEST_PDPTE0		0x280a	/* four consecutive, for PAE paging with EPT */
/* 64-bit host-state fields (B.2.4) */
#define VMCS_HOST_PAT			0x2c00
#define VMCS_HOST_EFER			0x2c02

/* 32-bit control fields (B.3.1) */
#define VMCS_PIN_CONTROLS		0x4000
#define VMCS_PROC_CONTROLS		0x4002
#define VMCS_EXCEPTION_BITMAP		0x4004
#define VMCS_PF_ERROR_MASK		0x4006
#define VMCS_PF_ERROR_MATCH		0x4008
#define VMCS_CR3_TARGET_COUNT		0x400a
#define VMCS_EXIT_CONTROLS		0x400c
#define VMCS_EXIT_MSR_STORE_COUNT	0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT	0x4010
#define VMCS_ENTRY_CONTROLS		0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT	0x4014
#define VMCS_ENTRY_INTR_INFO		0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR	0x4018
#define VMCS_ENTRY_INSTR_LEN		0x401a
#define VMCS_TPR_THRESHOLD		0x401c
#define VMCS_PROC_CONTROLS2		0x401e
/* 32-bit read-only data (B.3.2) */
#define VMCS_VM_INSTR_ERROR		0x4400
#define VMCS_EXIT_REASON		0x4402
#define VMCS_EXIT_INTR_INFO		0x4404
#define VMCS_EXIT_INTR_ERROR		0x4406
#define VMCS_IDT_VECTORING_INFO		0x4408
#define VMCS_IDT_VECTORING_ERROR	0x440a
#define VMCS_EXIT_INSTR_LEN		0x440c
#define VMCS_EXIT_INSTR_INFO		0x440e
/* 32-bit guest-state fields (B.3.3) */
#define VMCS_GUEST_ES_LIMIT		0x4800
#define VMCS_GUEST_CS_LIMIT		0x4802
#define VMCS_GUEST_SS_LIMIT		0x4804
#define VMCS_GUEST_DS_LIMIT		0x4806
#define VMCS_GUEST_FS_LIMIT		0x4808
#define VMCS_GUEST_GS_LIMIT		0x480a
#define VMCS_GUEST_LDTR_LIMIT		0x480c
#define VMCS_GUEST_TR_LIMIT		0x480e
#define VMCS_GUEST_GDTR_LIMIT		0x4810
#define VMCS_GUEST_IDTR_LIMIT		0x4812
#define VMCS_GUEST_ES_AR		0x4814
#define VMCS_GUEST_CS_AR		0x4816
#define VMCS_GUEST_SS_AR		0x4818
#define VMCS_GUEST_DS_AR		0x481a
#define VMCS_GUEST_FS_AR		0x481c
#define VMCS_GUEST_GS_AR		0x481e
#define VMCS_GUEST_LDTR_AR		0x4820
#define VMCS_GUEST_TR_AR		0x4822
#define VMCS_GUEST_INTERRUPTIBILITY	0x4824	/* 0: STI blocking, 1: MOV SS blocking */
#define VMCS_GUEST_ACTIVITY_STATE	0x4826	/* 0 active, 1 HLT */
#define VMCS_GUEST_SYSENTER_CS		0x482a
#define VMCS_PREEMPTION_TIMER		0x482e
/* 32-bit host-state field (B.3.4) */
#define VMCS_HOST_SYSENTER_CS		0x4c00

/* Natural-width control fields (B.4.1) */
#define VMCS_CR0_MASK			0x6000
#define VMCS_CR4_MASK			0x6002
#define VMCS_CR0_READ_SHADOW		0x6004
#define VMCS_CR4_READ_SHADOW		0x6006
/* Natural-width read-only data (B.4.2) */
#define VMCS_EXIT_QUALIFICATION		0x6400
#define VMCS_GUEST_LINEAR_ADDR		0x640a
/* Natural-width guest-state fields (B.4.3) */
#define VMCS_GUEST_CR0			0x6800
#define VMCS_GUEST_CR3			0x6802
#define VMCS_GUEST_CR4			0x6804
#define VMCS_GUEST_ES_BASE		0x6806
#define VMCS_GUEST_CS_BASE		0x6808
#define VMCS_GUEST_SS_BASE		0x680a
#define VMCS_GUEST_DS_BASE		0x680c
#define VMCS_GUEST_FS_BASE		0x680e
#define VMCS_GUEST_GS_BASE		0x6810
#define VMCS_GUEST_LDTR_BASE		0x6812
#define VMCS_GUEST_TR_BASE		0x6814
#define VMCS_GUEST_GDTR_BASE		0x6816
#define VMCS_GUEST_IDTR_BASE		0x6818
#define VMCS_GUEST_DR7			0x681a
#define VMCS_GUEST_RSP			0x681c
#define VMCS_GUEST_RIP			0x681e
#define VMCS_GUEST_RFLAGS		0x6820
#define VMCS_GUEST_PENDING_DBG		0x6822
#define VMCS_GUEST_SYSENTER_ESP		0x6824
#define VMCS_GUEST_SYSENTER_EIP		0x6826
/* Natural-width host-state fields (B.4.4) */
#define VMCS_HOST_CR0			0x6c00
#define VMCS_HOST_CR3			0x6c02
#define VMCS_HOST_CR4			0x6c04
#define VMCS_HOST_FS_BASE		0x6c06
#define VMCS_HOST_GS_BASE		0x6c08
#define VMCS_HOST_TR_BASE		0x6c0a
#define VMCS_HOST_GDTR_BASE		0x6c0c
#define VMCS_HOST_IDTR_BASE		0x6c0e
#define VMCS_HOST_SYSENTER_ESP		0x6c10
#define VMCS_HOST_SYSENTER_EIP		0x6c12
#define VMCS_HOST_RSP			0x6c14
#define VMCS_HOST_RIP			0x6c16

/* Pin-based VM-execution controls (SDM 25.6.1, table 25-5) */
#define PIN_EXTINT_EXITING		(1u << 0)
#define PIN_NMI_EXITING			(1u << 3)
#define PIN_VIRTUAL_NMIS		(1u << 5)
#define PIN_PREEMPTION_TIMER		(1u << 6)
#define PIN_POSTED_INTERRUPTS		(1u << 7)

/* Primary processor-based VM-execution controls (25.6.2, table 25-6) */
#define PROC_INTR_WINDOW_EXITING	(1u << 2)
#define PROC_USE_TSC_OFFSETTING		(1u << 3)
#define PROC_HLT_EXITING		(1u << 7)
#define PROC_INVLPG_EXITING		(1u << 9)
#define PROC_MWAIT_EXITING		(1u << 10)
#define PROC_RDPMC_EXITING		(1u << 11)
#define PROC_RDTSC_EXITING		(1u << 12)
#define PROC_CR3_LOAD_EXITING		(1u << 15)
#define PROC_CR3_STORE_EXITING		(1u << 16)
#define PROC_CR8_LOAD_EXITING		(1u << 19)
#define PROC_CR8_STORE_EXITING		(1u << 20)
#define PROC_USE_TPR_SHADOW		(1u << 21)
#define PROC_NMI_WINDOW_EXITING		(1u << 22)
#define PROC_MOV_DR_EXITING		(1u << 23)
#define PROC_UNCOND_IO_EXITING		(1u << 24)
#define PROC_USE_IO_BITMAPS		(1u << 25)
#define PROC_MONITOR_TRAP_FLAG		(1u << 27)
#define PROC_USE_MSR_BITMAPS		(1u << 28)
#define PROC_MONITOR_EXITING		(1u << 29)
#define PROC_PAUSE_EXITING		(1u << 30)
#define PROC_SECONDARY_CONTROLS		(1u << 31)

/* Secondary processor-based VM-execution controls (25.6.2, table 25-7) */
#define PROC2_VIRTUALIZE_APIC_ACCESSES	(1u << 0)
#define PROC2_ENABLE_EPT		(1u << 1)
#define PROC2_DESCRIPTOR_TABLE_EXITING	(1u << 2)
#define PROC2_ENABLE_RDTSCP		(1u << 3)
#define PROC2_VIRTUALIZE_X2APIC		(1u << 4)
#define PROC2_ENABLE_VPID		(1u << 5)
#define PROC2_WBINVD_EXITING		(1u << 6)
#define PROC2_UNRESTRICTED_GUEST	(1u << 7)
#define PROC2_APIC_REGISTER_VIRT	(1u << 8)
#define PROC2_VIRTUAL_INTR_DELIVERY	(1u << 9)
#define PROC2_PAUSE_LOOP_EXITING	(1u << 10)
#define PROC2_ENABLE_INVPCID		(1u << 12)
#define PROC2_ENABLE_XSAVES		(1u << 20)

/* VM-exit controls (25.7.1, table 25-13) */
#define EXIT_CTL_SAVE_DEBUG_CONTROLS	(1u << 2)
#define EXIT_CTL_HOST_ADDR_SPACE_SIZE	(1u << 9)	/* 64-bit host */
#define EXIT_CTL_LOAD_PERF_GLOBAL_CTRL	(1u << 12)
#define EXIT_CTL_ACK_INTR_ON_EXIT	(1u << 15)
#define EXIT_CTL_SAVE_PAT		(1u << 18)
#define EXIT_CTL_LOAD_PAT		(1u << 19)
#define EXIT_CTL_SAVE_EFER		(1u << 20)
#define EXIT_CTL_LOAD_EFER		(1u << 21)
#define EXIT_CTL_SAVE_PREEMPTION_TIMER	(1u << 22)

/* VM-entry controls (25.8.1, table 25-15) */
#define ENTRY_LOAD_DEBUG_CONTROLS	(1u << 2)
#define ENTRY_IA32E_MODE_GUEST		(1u << 9)
#define ENTRY_LOAD_PAT			(1u << 14)
#define ENTRY_LOAD_EFER			(1u << 15)

/* VM-entry/exit interruption information (25.8.3, 26.9.2): vector 7:0, type 10:8, valid 31 */
#define INTR_INFO_VECTOR_MASK		0xffu
#define INTR_INFO_TYPE_SHIFT		8
#define INTR_INFO_TYPE_MASK		(7u << 8)
#define INTR_TYPE_EXT_INTR		(0u << 8)
#define INTR_TYPE_NMI			(2u << 8)
#define INTR_TYPE_HW_EXCEPTION		(3u << 8)
#define INTR_TYPE_SW_INTR		(4u << 8)
#define INTR_INFO_DELIVER_ERROR		(1u << 11)
#define INTR_INFO_VALID			(1u << 31)

/* Guest interruptibility state (25.4.2, table 25-3) */
#define INTERRUPTIBILITY_STI		(1u << 0)
#define INTERRUPTIBILITY_MOV_SS		(1u << 1)
#define INTERRUPTIBILITY_NMI		(1u << 3)	/* blocking by (virtual) NMI */

/* Guest activity states (25.4.2) */
#define ACTIVITY_ACTIVE			0
#define ACTIVITY_HLT			1

#endif
