/* SPDX-License-Identifier: MIT */
/* Basic exit reasons (SDM vol. 3C appendix C, table C-1). */
#ifndef VMX_EXIT_REASONS_H
#define VMX_EXIT_REASONS_H

#define EXIT_EXCEPTION_NMI		0
#define EXIT_EXTERNAL_INTERRUPT		1
#define EXIT_TRIPLE_FAULT		2
#define EXIT_INIT			3
#define EXIT_SIPI			4
#define EXIT_IO_SMI			5
#define EXIT_OTHER_SMI			6
#define EXIT_INTERRUPT_WINDOW		7
#define EXIT_NMI_WINDOW			8
#define EXIT_TASK_SWITCH		9
#define EXIT_CPUID			10
#define EXIT_GETSEC			11
#define EXIT_HLT			12
#define EXIT_INVD			13
#define EXIT_INVLPG			14
#define EXIT_RDPMC			15
#define EXIT_RDTSC			16
#define EXIT_RSM			17
#define EXIT_VMCALL			18
#define EXIT_VMCLEAR			19
#define EXIT_VMLAUNCH			20
#define EXIT_VMPTRLD			21
#define EXIT_VMPTRST			22
#define EXIT_VMREAD			23
#define EXIT_VMRESUME			24
#define EXIT_VMWRITE			25
#define EXIT_VMXOFF			26
#define EXIT_VMXON			27
#define EXIT_CR_ACCESS			28
#define EXIT_DR_ACCESS			29
#define EXIT_IO_INSTRUCTION		30
#define EXIT_RDMSR			31
#define EXIT_WRMSR			32
#define EXIT_INVALID_GUEST_STATE	33
#define EXIT_MSR_LOADING		34
#define EXIT_MWAIT			36
#define EXIT_MONITOR_TRAP_FLAG		37
#define EXIT_MONITOR			39
#define EXIT_PAUSE			40
#define EXIT_MACHINE_CHECK		41
#define EXIT_TPR_BELOW_THRESHOLD	43
#define EXIT_APIC_ACCESS		44
#define EXIT_VIRTUALIZED_EOI		45
#define EXIT_GDTR_IDTR			46
#define EXIT_LDTR_TR			47
#define EXIT_EPT_VIOLATION		48
#define EXIT_EPT_MISCONFIG		49
#define EXIT_INVEPT			50
#define EXIT_RDTSCP			51
#define EXIT_PREEMPTION_TIMER		52
#define EXIT_INVVPID			53
#define EXIT_WBINVD			54
#define EXIT_XSETBV			55
#define EXIT_APIC_WRITE			56
#define EXIT_RDRAND			57
#define EXIT_INVPCID			58
#define EXIT_VMFUNC			59
#define EXIT_ENCLS			60
#define EXIT_RDSEED			61
#define EXIT_PML_FULL			62
#define EXIT_XSAVES			63
#define EXIT_XRSTORS			64
#define EXIT_REASON_COUNT		70

#define EXIT_REASON_ENTRY_FAILURE	(1u << 31)	/* exit reason bit 31 (SDM 25.9.1) */

const char *exit_reason_name(unsigned int reason);

#endif
