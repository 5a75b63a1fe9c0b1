/* SPDX-License-Identifier: MIT */
/*
 * One entry stub per IDT vector. Vectors where the CPU pushes an error code (SDM 6.13:
 * 8, 10-14, 17, 21, 29, 30) get none added; the others push a zero so the frame is uniform.
 *
 * A device (an 8259 left at the BIOS's vector base, an I/O APIC entry) can raise one of those
 * vectors too, and an external interrupt pushes no error code (SDM vol. 3A 6.13). The stub tells
 * the two apart by the word where CS would sit after an error code: RFLAGS there (bit 1 is
 * always set, SDM vol. 1 3.4.3) means no error code came, since tickvisor's CS selector has
 * bit 1 clear. Such an interrupt gets a zero error code and the vector with
 * TRAP_VECTOR_DEVICE added, for trap_dispatch() to count as a stray, never to take as a fault.
 */
#include "arch/x86/trap.h"

	.text
	.globl isr_stub_table

.macro ISR_STUB vec
	.balign 16
isr_stub_\vec:
	/* the vectors with an error code (SDM vol. 3A table 6-1): 8, 10-14, 17, 21, 29, 30 */
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || \
	    (\vec == 29) || (\vec == 30)
	testq	$2, 16(%rsp)		/* RFLAGS (no error code) or CS (error code) */
	jz	1f
	pushq	$0
	pushq	$(\vec + TRAP_VECTOR_DEVICE)
	jmp	isr_common
1:
	.else
	pushq	$0
	.endif
	pushq	$\vec
	jmp	isr_common
.endm

isr_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi
	cld
	call	trap_dispatch
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq

/*
 * A loop, not recursion: clang's assembler stops at 20 nested macro levels. With .altmacro,
 * %vec passes the counter's value, so that each stub gets its number in its name.
 */
.altmacro
	.set	vec, 0
	.rept	256
	ISR_STUB %vec
	.set	vec, vec + 1
	.endr

.macro STUB_ADDR vec
	.quad isr_stub_\vec
.endm
	.section .rodata
	.balign 8
isr_stub_table:
	.set	vec, 0
	.rept	256
	STUB_ADDR %vec
	.set	vec, vec + 1
	.endr
