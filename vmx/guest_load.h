/* SPDX-License-Identifier: MIT */
/*
 * The guest kernel loader: what GRUB's `multiboot`/`multiboot2` commands and QEMU's -kernel do,
 * for a guest whose RAM is one host buffer mapped at guest-physical 0 (GPA x is ram + x).
 *
 * The kernel is an ELF32 (EM_386) or ELF64 (EM_X86_64) executable with a multiboot v1 or
 * multiboot2 header (multiboot2 when it has both), or any image whose header gives load
 * addresses (v1 flag 16, multiboot2 address tag). Its PT_LOAD segments load at their p_paddr,
 * .bss zeroed; the entry is e_entry made physical through the segment that holds it, unless the
 * header gives an entry address. Guest RAM is left as it is everywhere else: the caller zeroes it
 * beforehand if the guest must not see what it held.
 *
 * Layout in guest RAM, all below 4 GiB (multiboot addresses are 32-bit):
 *
 *	the kernel's segments		where they are linked
 *	modules, in order		each on a page boundary, from the first page at or above
 *					both the kernel's end and 1 MiB
 *	the boot information		on the next page boundary after the last module, with every
 *					string it points to (command lines, "tickvisor")
 *
 * Above the kernel and 1 MiB, so that nothing can overlap the kernel or land in the legacy area
 * that the memory map reports reserved. The map reports RAM at 0-0x9fc00 and from 1 MiB to the
 * end of guest RAM; the kernel must not overwrite its modules and boot information before it is
 * done with them (Multiboot 0.6.96 3.3).
 *
 * Entry state is the caller's to set (Multiboot 0.6.96 3.2, Multiboot2 2.0 3.3): 32-bit
 * protected mode, paging off, CS and DS..SS flat 4 GiB segments, EFLAGS with only bit 1 set, EIP,
 * EAX and EBX as returned here.
 */
#ifndef VMX_GUEST_LOAD_H
#define VMX_GUEST_LOAD_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_MAX_MODULES	16

/* A multiboot module as the hypervisor was handed it, in host memory. */
struct guest_module {
	const uint8_t *data;	/* must not overlap guest RAM */
	uint64_t size;
	const char *string;	/* its command line; NULL reads as "" */
};

/* The machine state the protocol defines at entry, and what the boot log reports. */
struct guest_entry {
	uint32_t eip;
	uint32_t eax;		/* 0x2badb002 (multiboot v1) or 0x36d76289 (multiboot2) */
	uint32_t ebx;		/* guest-physical address of the boot information */
	int protocol;		/* 1 or 2 */
	int elf_class;		/* 32 or 64; 0 when loaded by the header's load addresses */
	uint64_t image_start;	/* guest-physical range the kernel occupies, end exclusive */
	uint64_t image_end;
};

/*
 * Loads kernel into ram (ram_size bytes: whole 4 KiB pages, more than 1 MiB, at most 4 GiB),
 * nmods modules after it (at most GUEST_MAX_MODULES) and the boot information, with cmdline (NULL
 * reads as "") as the kernel's command line. Nothing in kernel is trusted. Returns 0 with *out
 * filled in, or -1 with a sentence in err that names the problem (under 192 characters); guest
 * RAM may then hold part of the image.
 */
int guest_load(uint8_t *ram, uint64_t ram_size, const struct guest_module *kernel,
	       const char *cmdline, const struct guest_module *mods, unsigned int nmods,
	       struct guest_entry *out, char *err, size_t errlen);

#endif
