/* SPDX-License-Identifier: MIT */
/*
 * The multiboot header a kernel image carries to tell its loader how to boot it: the v1 header
 * (Multiboot 0.6.96, section 3.1) and the multiboot2 header (Multiboot2 2.0, section 3.1). Found
 * and checked here, over the image's bytes as they come from outside the hypervisor.
 *
 * When an image has both, multiboot2 wins: GRUB boots whichever its command asks for
 * (`multiboot` or `multiboot2`), and tickvisor, having no command, takes the newer protocol.
 */
#ifndef LOADER_MB_HEADER_H
#define LOADER_MB_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/elf.h"

#define MB1_HEADER_MAGIC	0x1badb002u
#define MB1_SEARCH_BYTES	8192	/* the v1 header lies in the image's first 8 KiB */
#define MB2_HEADER_MAGIC	0xe85250d6u
#define MB2_SEARCH_BYTES	32768	/* the multiboot2 header in its first 32 KiB */

struct mb_header {
	int protocol;		/* 1 or 2 */
	uint64_t offset;	/* of the header in the file */
	/*
	 * The header says where to load the image (v1 flag 16, the "a.out kludge", or the
	 * multiboot2 address tag): then that is the one segment to load, and the ELF program
	 * headers are not used, as in GRUB and QEMU.
	 */
	bool has_load;
	struct elf_segment load;
	/* A physical entry address (v1 flag 16, multiboot2 entry address tag): it beats e_entry. */
	bool has_entry;
	uint32_t entry;
};

/*
 * Finds the header (multiboot2 first) and checks everything in it that tickvisor must honour or
 * refuse: unknown required v1 flags, required multiboot2 tags and requested information it cannot
 * provide, load addresses that do not fit the file. Returns 0, or -1 with a sentence in err;
 * out->protocol is then 0 when no header was found, and the header's protocol when it was found
 * and failed a check.
 */
int mb_header_find(const uint8_t *file, uint64_t size, struct mb_header *out, char *err,
		   size_t errlen);

#endif
