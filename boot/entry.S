/* SPDX-License-Identifier: MIT */
/*
 * 32-bit entry from a multiboot2 loader and the switch to long mode (SDM vol. 3A 10.8.5).
 * Machine state on entry (MB2 spec 3.3): protected mode, paging off, EAX = magic,
 * EBX = physical address of the boot information, no usable stack, interrupts off.
 *
 * The early page tables identity-map the first 4 GiB with 2 MiB pages: enough for the image,
 * the boot information, the modules and the LAPIC/IOAPIC. The C side (arch/x86/paging.c) builds
 * the real tables from the memory map with proper caching attributes.
 */
#include "boot/boot.h"

#define CR0_PE		(1 << 0)
#define CR0_WP		(1 << 16)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define EFER_NXE	(1 << 11)
#define PTE_P		(1 << 0)
#define PTE_W		(1 << 1)
#define PTE_PS		(1 << 7)	/* 2 MiB page in a page-directory entry */

#define COM1		0x3f8

	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl	$boot_stack_top, %esp
	movl	%eax, boot_magic
	movl	%ebx, boot_info

	/* CPUID.80000001H:EDX[29] = long mode. Without it there is nothing we can do: say so. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx
	jnc	no_long_mode

	/* The loader zeroes .bss, but the tables must be clean whatever loaded us. */
	movl	$boot_pml4, %edi
	movl	$(6 * 4096 / 4), %ecx
	xorl	%eax, %eax
	rep stosl

	/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages = 4 GiB. */
	movl	$boot_pdpt, %eax
	orl	$(PTE_P | PTE_W), %eax
	movl	%eax, boot_pml4
	movl	$boot_pd, %edi
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_P | PTE_W | PTE_PS), %eax
	movl	%eax, (%edi, %ecx, 8)
	movl	%ecx, %eax
	shrl	$11, %eax		/* bits 32+ of (index << 21) */
	movl	%eax, 4(%edi, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	1b
	movl	$boot_pdpt, %edi
	movl	$boot_pd, %eax
	orl	$(PTE_P | PTE_W), %eax
	movl	$4, %ecx
2:	movl	%eax, (%edi)
	movl	$0, 4(%edi)
	addl	$4096, %eax
	addl	$8, %edi
	loop	2b

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PE | CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0

	lgdt	boot_gdt_desc
	ljmp	$BOOT_CS, $long_mode

no_long_mode:
	movl	$msg_no_lm, %esi
	/* Minimal polled COM1 output; the UART may still be in GRUB's (or the BIOS's) setup. */
	movw	$(COM1 + 3), %dx
	movb	$0x80, %al		/* DLAB */
	outb	%al, %dx
	movw	$COM1, %dx
	movb	$1, %al			/* divisor 1 = 115200 baud */
	outb	%al, %dx
	movw	$(COM1 + 1), %dx
	xorb	%al, %al
	outb	%al, %dx
	movw	$(COM1 + 3), %dx
	movb	$3, %al			/* 8N1 */
	outb	%al, %dx
3:	lodsb
	testb	%al, %al
	jz	5f
	movb	%al, %bl
	movw	$(COM1 + 5), %dx
4:	inb	%dx, %al
	testb	$0x20, %al		/* LSR.THRE */
	jz	4b
	movw	$COM1, %dx
	movb	%bl, %al
	outb	%al, %dx
	jmp	3b
5:	hlt
	jmp	5b

	.code64
long_mode:
	movw	$BOOT_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp		/* terminates the panic stack trace */
	movl	boot_magic, %edi
	movl	boot_info, %esi
	call	kmain
6:	cli
	hlt
	jmp	6b

	.section .rodata
msg_no_lm:
	.asciz	"tickvisor: CPUID.80000001H:EDX.LM[bit 29] = 0: this CPU has no long mode\r\n"

	.balign 8
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* BOOT_CS: 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff	/* BOOT_DS: data, DPL 0 */
boot_gdt_end:
boot_gdt_desc:
	.short	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	.section .data
boot_magic:	.long 0
boot_info:	.long 0

	.section .bss
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096
	.globl boot_stack_top
	.balign 16
boot_stack:	.skip BOOT_STACK_SIZE
boot_stack_top:
