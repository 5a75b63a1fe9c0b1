/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 and v2 boot information, read into one form so that the same checks run on both.
 * The magic numbers are shared with entry.S.
 */
#ifndef GUEST_LIB_MULTIBOOT_H
#define GUEST_LIB_MULTIBOOT_H

#define MB1_HEADER_MAGIC	0x1badb002
#define MB1_LOADER_MAGIC	0x2badb002
#define MB2_HEADER_MAGIC	0xe85250d6
#define MB2_LOADER_MAGIC	0x36d76289

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>

#define MB_MAX_MODULES		16
#define MB_MAX_MMAP		64
#define MB_MMAP_AVAILABLE	1	/* the memory-map type of usable RAM, in both versions */

struct mb_module {
	uint32_t start, end;		/* physical, end exclusive */
	const char *string;		/* NULL when the loader gave none */
};

struct mb_mmap_entry {
	uint64_t base, len;
	uint32_t type;
};

struct boot_info {
	const char *cmdline;		/* NULL when the loader gave none */
	bool has_meminfo;
	uint32_t mem_lower, mem_upper;	/* KiB from 0 and from 1 MiB */
	bool has_mmap;
	unsigned int nr_mmap;
	struct mb_mmap_entry mmap[MB_MAX_MMAP];
	unsigned int nr_modules;
	struct mb_module modules[MB_MAX_MODULES];
};

/* Reads the information at physical address info; returns NULL, or why it could not. */
const char *mb_parse(uint32_t magic, uint32_t info, struct boot_info *bi);
#endif

#endif
