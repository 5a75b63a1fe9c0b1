/* SPDX-License-Identifier: MIT */
/*
 * ELF32/ELF64 executables for x86, read far enough to load them the way multiboot loaders do:
 * the PT_LOAD program headers and the entry point. Pure logic over a byte buffer that comes from
 * outside the hypervisor, so every offset and size is checked against the file before use.
 */
#ifndef LOADER_ELF_H
#define LOADER_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kernels have a handful; the bound keeps the overlap check and the stack use small. */
#define ELF_MAX_SEGMENTS	16

/* One piece of the image to load: filesz bytes from the file, then zeroes up to memsz. */
struct elf_segment {
	uint64_t offset;	/* in the file; offset + filesz lies inside it */
	uint64_t filesz;	/* at most memsz */
	uint64_t paddr;		/* where it loads: p_paddr, as GRUB and QEMU load multiboot */
	uint64_t vaddr;		/* p_vaddr, only to find the physical address of e_entry */
	uint64_t memsz;		/* not 0 */
	unsigned int index;	/* its program header's index, as `readelf -l` numbers segments */
};

struct elf_image {
	int elf_class;		/* 32 or 64 */
	uint64_t entry;		/* e_entry: a virtual address */
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	unsigned int nseg;	/* at least 1 */
};

/* Whether the file starts with the ELF magic, 7f 'E' 'L' 'F'. */
bool elf_is_elf(const uint8_t *file, uint64_t size);

/*
 * Checks that file is a little-endian ELF32 (EM_386) or ELF64 (EM_X86_64) executable and collects
 * its PT_LOAD segments with a non-zero p_memsz, in program header order. Returns 0, or -1 with a
 * sentence in err. Where the segments land (guest RAM, overlaps) is the caller's to check.
 */
int elf_parse(const uint8_t *file, uint64_t size, struct elf_image *out, char *err,
	      size_t errlen);

#endif
