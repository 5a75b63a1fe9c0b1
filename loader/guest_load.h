/* SPDX-License-Identifier: MIT */
/*
 * The guest kernel loader: what GRUB's `multiboot`/`multiboot2`/`linux` commands and QEMU's
 * -kernel do, for a guest whose RAM is one host buffer mapped at guest-physical 0 (GPA x is
 * ram + x).
 *
 * A Linux bzImage (the "HdrS" setup header) is loaded by bzimage.c, by the Linux boot protocol;
 * its first module is the initrd. Any other kernel is an ELF32 (EM_386) or ELF64 (EM_X86_64)
 * executable with a multiboot v1 or multiboot2 header (multiboot2 when it has both), or any image
 * whose header gives load addresses (v1 flag 16, multiboot2 address tag). Its PT_LOAD segments
 * load at their p_paddr, .bss zeroed; the entry is e_entry made physical through the segment that
 * holds it, unless the header gives an entry address. Guest RAM is left as it is everywhere else:
 * the caller zeroes it beforehand if the guest must not see what it held.
 *
 * Multiboot layout in guest RAM, all below 4 GiB (multiboot addresses are 32-bit):
 *
 *	the kernel's segments		where they are linked
 *	modules, in order		each on a page boundary, from the first page at or above
 *					both the kernel's end and 1 MiB
 *	the boot information		on the next page boundary after the last module, with every
 *					string it points to (command lines, "tickvisor")
 *
 * Above the kernel and 1 MiB, so that nothing can overlap the kernel or land in the legacy area
 * that the memory map (e820.h) reports reserved. The kernel must not overwrite its modules and
 * boot information before it is done with them (Multiboot 0.6.96 3.3).
 *
 * Entry state is the caller's to set (Multiboot 0.6.96 3.2, Multiboot2 2.0 3.3, Linux boot.rst
 * "32-bit boot protocol"): 32-bit protected mode, paging off, CS = 0x10 and DS..SS = 0x18, flat
 * 4 GiB segments, EFLAGS with only bit 1 set, EIP, EAX, EBX and ESI as returned here, every other
 * general-purpose register 0.
 */
#ifndef LOADER_GUEST_LOAD_H
#define LOADER_GUEST_LOAD_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_MAX_MODULES	16

/* A multiboot module as the hypervisor was handed it, in host memory. */
struct guest_module {
	const uint8_t *data;	/* must not overlap guest RAM */
	uint64_t size;
	const char *string;	/* its command line; NULL reads as "" */
};

/* The protocol the kernel is entered by. */
enum guest_protocol {
	GUEST_MULTIBOOT1 = 1,
	GUEST_MULTIBOOT2 = 2,
	GUEST_LINUX,		/* the Linux 32-bit boot protocol */
};

/* The machine state the protocol defines at entry, and what the boot log reports. */
struct guest_entry {
	uint32_t eip;
	uint32_t eax;		/* 0x2badb002 (multiboot v1) or 0x36d76289 (multiboot2); Linux: 0 */
	uint32_t ebx;		/* multiboot: guest-physical address of the boot information */
	uint32_t esi;		/* Linux: guest-physical address of the zero page (boot_params) */
	enum guest_protocol protocol;
	int elf_class;		/* 32 or 64; 0 for Linux, or when loaded by the header's addresses */
	uint64_t image_start;	/* guest-physical range the kernel occupies, end exclusive; for */
	uint64_t image_end;	/* Linux up to its init_size, what it needs before it reads e820 */
	/* Linux only */
	uint16_t boot_version;	/* the setup header's version: 0x20f is protocol 2.15 */
	uint64_t initrd_start;	/* guest-physical, end exclusive; both 0 without an initrd */
	uint64_t initrd_end;
};

/* What to load, and where. */
struct guest_load_req {
	uint8_t *ram;			/* guest RAM in host memory: GPA x is ram + x */
	uint64_t ram_size;		/* whole 4 KiB pages, more than 1 MiB, at most 4 GiB */
	const struct guest_module *kernel;
	const char *cmdline;		/* the kernel's command line; NULL reads as "" */
	const struct guest_module *mods;	/* the modules after the kernel */
	unsigned int nmods;		/* at most GUEST_MAX_MODULES */
};

/*
 * Loads req->kernel into guest RAM, with its modules and its boot information. Nothing in the
 * kernel or the modules is trusted. Returns 0 with *out filled in, or -1 with a sentence in err
 * that names the problem (under 192 characters); guest RAM may then hold part of the image.
 */
int guest_load(const struct guest_load_req *req, struct guest_entry *out, char *err,
	       size_t errlen);

#endif
