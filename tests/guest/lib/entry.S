/* SPDX-License-Identifier: MIT */
/*
 * Guest kernel entry: the multiboot header (v1, or v2 when built with -DMB2) and the 32-bit entry
 * point. It saves the state the loader handed over for the boot checks before anything changes
 * it, loads its own flat GDT (both multiboot specs leave GDTR undefined) and calls guest_main().
 */
#include "tests/guest/lib/boot.h"
#include "tests/guest/lib/multiboot.h"

/* v1 flags: bit 0 page-aligned modules, bit 1 memory information. ELF: no address fields. */
#define MB1_FLAGS		0x00000003
#define MB2_ARCH_I386		0
#define MB2_HEADER_TAG_END	0
#define MB2_HEADER_TAG_MODALIGN	6

/* Read through each segment at entry: a segment whose base is not 0 finds something else. */
#define PROBE_WORD		0x7e5f2c91

#define STACK_SIZE		16384

	.section .multiboot, "a"
#ifdef MB2
	.balign 8
mb2_header:
	.long	MB2_HEADER_MAGIC, MB2_ARCH_I386, mb2_header_end - mb2_header
	.long	0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* Page-aligned modules, as the v1 header asks with flag bit 0. */
	.short	MB2_HEADER_TAG_MODALIGN, 0
	.long	8
	.short	MB2_HEADER_TAG_END, 0
	.long	8
mb2_header_end:
#else
	.balign 4
	.long	MB1_HEADER_MAGIC, MB1_FLAGS, -(MB1_HEADER_MAGIC + MB1_FLAGS)
#endif

	.section .rodata
	.balign 4
	.globl	boot_loader_magic
boot_loader_magic:
#ifdef MB2
	.long	MB2_LOADER_MAGIC
#else
	.long	MB1_LOADER_MAGIC
#endif
probe_word:
	.long	PROBE_WORD

	.balign 8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* BOOT_CODE_SEL: 32-bit code, base 0, limit 4 GiB */
	.quad	0x00cf92000000ffff	/* BOOT_DATA_SEL: data, base 0, limit 4 GiB */
gdt_end:
gdt_desc:
	.short	gdt_end - gdt - 1
	.long	gdt

	/* In .data, not .bss: the boot checks must not depend on the loader zeroing .bss. */
	.data
	.balign 4
	.globl	boot_state
boot_state:
	.fill	BS_SIZE, 1, 0

	.bss
	.balign 16
stack:
	.skip	STACK_SIZE
stack_top:

/*
 * Saves segment \seg's selector, sets bit \idx of %ecx when a read through it finds PROBE_WORD
 * where it lies (its base is 0) and of %esi when LSL can read its limit from the GDT.
 */
.macro SEGMENT_STATE seg, idx
	mov	%\seg, boot_state + BS_SEL + 2 * \idx
	movzwl	boot_state + BS_SEL + 2 * \idx, %eax
	/* A null selector can't be read through: leave it marked as not flat. */
	test	$0xfffc, %eax
	jz	1f
	cmpl	$PROBE_WORD, %\seg:probe_word
	jne	1f
	or	$(1 << \idx), %ecx
1:	lsl	%eax, %edx
	jnz	2f
	mov	%edx, boot_state + BS_LIMIT + 4 * \idx
	or	$(1 << \idx), %esi
2:
.endm

	.text
	.globl	_start
_start:
	/* The loader leaves ESP undefined: take our own stack before the first push. */
	mov	$stack_top, %esp
	pushfl
	cli
	popl	boot_state + BS_EFLAGS
	mov	%eax, boot_state + BS_EAX
	mov	%ebx, boot_state + BS_EBX
	mov	%cr0, %eax
	mov	%eax, boot_state + BS_CR0

	xor	%ecx, %ecx
	xor	%esi, %esi
	SEGMENT_STATE cs, BOOT_SEG_CS
	SEGMENT_STATE ds, BOOT_SEG_DS
	SEGMENT_STATE es, BOOT_SEG_ES
	SEGMENT_STATE fs, BOOT_SEG_FS
	SEGMENT_STATE gs, BOOT_SEG_GS
	SEGMENT_STATE ss, BOOT_SEG_SS
	mov	%ecx, boot_state + BS_BASE_OK
	mov	%esi, boot_state + BS_LIMIT_OK

	lgdt	gdt_desc
	ljmp	$BOOT_CODE_SEL, $1f
1:	mov	$BOOT_DATA_SEL, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss

	pushl	boot_state + BS_EBX
	pushl	boot_state + BS_EAX
	call	guest_main
	/* Nothing left to run. */
2:	cli
	hlt
	jmp	2b
