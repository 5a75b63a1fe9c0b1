/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 header (Multiboot2 spec 1.0, 3.1). tickvisor is an ELF64 file whose entry is 32-bit
 * code: GRUB loads the segments at their physical addresses and jumps to _start in protected mode.
 */

#define MB2_MAGIC	0xe85250d6
#define MB2_ARCH_I386	0

/* Header tag types (3.1.3 - 3.1.12) */
#define TAG_END		0
#define TAG_INFO_REQ	1	/* information request */
#define TAG_MOD_ALIGN	6	/* page-align modules */

/* Information tag types we ask for (3.6) */
#define INFO_CMDLINE	1
#define INFO_MODULE	3
#define INFO_MEMINFO	4
#define INFO_MMAP	6
#define INFO_ACPI_OLD	14
#define INFO_ACPI_NEW	15

#define TAG_OPTIONAL	1	/* flags bit 0: the loader may boot us without this tag */

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/*
	 * Optional, so that a loader lacking one of them still boots us and the C code can name
	 * what is missing (the memory map is the one we can't run without).
	 */
	.balign 8
info_req:
	.short TAG_INFO_REQ
	.short TAG_OPTIONAL
	.long info_req_end - info_req
	.long INFO_CMDLINE, INFO_MODULE, INFO_MEMINFO, INFO_MMAP, INFO_ACPI_OLD, INFO_ACPI_NEW
info_req_end:

	.balign 8
	.short TAG_MOD_ALIGN
	.short 0
	.long 8

	.balign 8
	.short TAG_END
	.short 0
	.long 8
mb2_header_end:
