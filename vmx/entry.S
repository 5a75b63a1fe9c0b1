/* SPDX-License-Identifier: MIT */
/*
 * The world switch. vmx_enter(vcpu) loads the guest GPRs from vcpu->regs and executes
 * VMLAUNCH (first time) or VMRESUME; a VM exit lands at vmx_exit_entry with RSP = HOST_RSP,
 * which points at the frame vmx_enter built, saves the guest GPRs and returns 0 from
 * vmx_enter. A VMLAUNCH/VMRESUME that fails falls through and returns 1 (the VM-instruction
 * error is in the VMCS). RSP/RIP/RFLAGS of the guest live in the VMCS, not here.
 *
 * The VMX-preemption timer is loaded here, between the last guest register loads, so that only a
 * handful of instructions separate the TSC read from the entry: the timer does not count in VMX
 * root, and every instruction in between would make the timer exit that much later.
 *
 * The guest's CR2 is not switched: the hypervisor never takes a page fault (a host #PF is a
 * fatal bug). The FPU/SSE state is not switched either: the hypervisor is built with
 * -mgeneral-regs-only and never touches it.
 */
#include "vmx/vmcs_fields.h"

/* Offsets in struct guest_regs (vmx/vcpu.h) */
#define R_RAX	0
#define R_RBX	8
#define R_RCX	16
#define R_RDX	24
#define R_RSI	32
#define R_RDI	40
#define R_RBP	48
#define R_R8	56
#define R_R9	64
#define R_R10	72
#define R_R11	80
#define R_R12	88
#define R_R13	96
#define R_R14	104
#define R_R15	112
#define V_HOST_RSP	120	/* struct vcpu: host_rsp right after regs */
#define V_LAUNCHED	128
#define V_PT_SHIFT	129	/* preemption_shift */
#define V_PT_EXPIRY	136	/* preemption_expiry */

	.text
	.globl vmx_enter
/* int vmx_enter(struct vcpu *v) */
vmx_enter:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdi			/* the vcpu, found again at (%rsp) after the exit */

	/* HOST_RSP only changes if we are called from a different depth: skip the VMWRITE. */
	cmpq	%rsp, V_HOST_RSP(%rdi)
	je	1f
	movq	%rsp, V_HOST_RSP(%rdi)
	movq	$VMCS_HOST_RSP, %rax
	vmwrite	%rsp, %rax
1:
	movq	R_RBX(%rdi), %rbx
	movq	R_RBP(%rdi), %rbp
	movq	R_R8(%rdi), %r8
	movq	R_R9(%rdi), %r9
	movq	R_R10(%rdi), %r10
	movq	R_R11(%rdi), %r11
	movq	R_R12(%rdi), %r12
	movq	R_R13(%rdi), %r13
	movq	R_R14(%rdi), %r14
	movq	R_R15(%rdi), %r15

	/* Preemption timer = expiry - (TSC >> shift), 0 when past, at most 2^32 - 1 (SDM 26.5.1) */
	movq	V_PT_EXPIRY(%rdi), %rsi
	testq	%rsi, %rsi
	jz	5f
	movb	V_PT_SHIFT(%rdi), %cl
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	shrq	%cl, %rax
	subq	%rax, %rsi
	jae	4f
	xorl	%esi, %esi		/* past: exit at once */
4:	movl	$0xffffffff, %eax
	cmpq	%rax, %rsi
	cmovaq	%rax, %rsi
	movl	$VMCS_PREEMPTION_TIMER, %eax
	vmwrite	%rsi, %rax
5:
	movq	R_RAX(%rdi), %rax
	movq	R_RCX(%rdi), %rcx
	movq	R_RDX(%rdi), %rdx
	movq	R_RSI(%rdi), %rsi
	cmpb	$0, V_LAUNCHED(%rdi)
	movq	R_RDI(%rdi), %rdi	/* last: it held the pointer (MOV leaves the flags alone) */

	jne	2f
	vmlaunch
	jmp	vm_fail
2:	vmresume
vm_fail:
	/* VM-entry failed; the guest registers are unchanged in vcpu->regs. */
	popq	%rdi
	movl	$1, %eax
	jmp	3f

	.globl vmx_exit_entry
vmx_exit_entry:
	pushq	%rdi			/* guest rdi; the vcpu pointer is now at 8(%rsp) */
	movq	8(%rsp), %rdi
	movq	%rax, R_RAX(%rdi)
	movq	%rbx, R_RBX(%rdi)
	movq	%rcx, R_RCX(%rdi)
	movq	%rdx, R_RDX(%rdi)
	movq	%rsi, R_RSI(%rdi)
	movq	%rbp, R_RBP(%rdi)
	movq	%r8, R_R8(%rdi)
	movq	%r9, R_R9(%rdi)
	movq	%r10, R_R10(%rdi)
	movq	%r11, R_R11(%rdi)
	movq	%r12, R_R12(%rdi)
	movq	%r13, R_R13(%rdi)
	movq	%r14, R_R14(%rdi)
	movq	%r15, R_R15(%rdi)
	popq	%rax
	movq	%rax, R_RDI(%rdi)
	movb	$1, V_LAUNCHED(%rdi)
	popq	%rdi
	xorl	%eax, %eax
3:
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
