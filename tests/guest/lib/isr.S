/* SPDX-License-Identifier: MIT */
/*
 * Interrupt entry stubs, one per vector, with their addresses in exception_stubs[] and
 * irq_stubs[] for idt.c. An exception (vectors 0-31) is fatal for a test guest unless a check
 * said it expects it (msr_safe.c): its stub hands exception_handle() a frame, which returns
 * only for an expected one, with the frame's EIP moved on. Vectors 32-255 are the tests' own
 * interrupts (the APIC timer above all): their stubs read the TSC before anything else, so a
 * handler sees the delivery time with only a few instructions of entry cost, save just the
 * registers the C ABI lets a callee clobber, and call irq_dispatch(vector, tsc).
 */

/* Exceptions for which the CPU pushes an error code (SDM Vol. 3A, table 6-1). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
			   (v) == 29 || (v) == 30)

.macro EXCEPTION_STUB vec
	.pushsection .rodata
	.long	1f
	.popsection
1:	.ifeq HAS_ERROR_CODE(\vec)
	push	$0		/* the same frame for every vector */
	.endif
	push	$\vec
	jmp	exception_common
.endm

.macro IRQ_STUB vec
	.pushsection .rodata
	.long	1f
	.popsection
1:	push	%eax
	push	%edx
	rdtsc
	push	$\vec
	jmp	irq_common
.endm

	.section .rodata
	.balign 4
	.globl	exception_stubs
exception_stubs:
	.text
	.irp	hi, 0, 1
	.irp	lo, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	EXCEPTION_STUB (\hi * 16 + \lo)
	.endr
	.endr

	.section .rodata
	.globl	irq_stubs
irq_stubs:
	.text
	.irp	hi, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.irp	lo, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	IRQ_STUB (\hi * 16 + \lo)
	.endr
	.endr

/*
 * Stack: vector, error code, EIP, CS, EFLAGS: struct exception_frame. The registers a C callee may
 * clobber are kept: a handler on an exception vector (idt_set_handler) returns to the code the
 * interrupt stopped, which counts on them.
 */
exception_common:
	push	%eax
	push	%ecx
	push	%edx
	lea	12(%esp), %eax
	cld
	push	%eax
	call	exception_handle
	add	$4, %esp	/* the frame pointer */
	pop	%edx
	pop	%ecx
	pop	%eax
	add	$8, %esp	/* the vector and the error code */
	iret

/* Stack: vector, saved EDX, saved EAX, then the CPU's frame; EDX:EAX holds the TSC. */
irq_common:
	push	%ecx
	push	%edx
	push	%eax
	push	12(%esp)
	cld
	call	irq_dispatch
	add	$12, %esp
	pop	%ecx
	add	$4, %esp
	pop	%edx
	pop	%eax
	iret
