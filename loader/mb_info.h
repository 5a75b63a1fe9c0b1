/* SPDX-License-Identifier: MIT */
/*
 * The boot information a multiboot loader hands the kernel it boots (EBX at entry): the v1
 * structure (Multiboot 0.6.96, section 3.3) or the multiboot2 tags (Multiboot2 2.0, section 3.6),
 * written into guest RAM, with the guest's memory map from e820.h.
 */
#ifndef LOADER_MB_INFO_H
#define LOADER_MB_INFO_H

#include <stdint.h>

#define MB1_BOOTLOADER_MAGIC	0x2badb002u	/* EAX at v1 entry (3.2) */
#define MB_LOADER_NAME		"tickvisor"

/* A module already in guest RAM. */
struct mb_info_module {
	uint32_t start;		/* guest-physical */
	uint32_t end;		/* exclusive, as GRUB gives it */
	const char *string;	/* its command line, copied into the information */
};

struct mb_info_params {
	int protocol;		/* 1 or 2 */
	const char *cmdline;	/* the kernel's command line, copied into the information */
	const struct mb_info_module *mods;
	unsigned int nmods;
	uint64_t ram_size;	/* guest RAM: guest-physical 0 up to here; above 1 MiB */
};

/*
 * Writes the boot information, with every string it points to, to dst, which is guest-physical
 * gpa (8-byte aligned), without writing past dst + room. Returns the bytes it needs: the
 * information is complete only when that is at most room, so that one call both sizes and writes.
 */
uint64_t mb_info_write(const struct mb_info_params *p, uint8_t *dst, uint32_t gpa,
		       uint64_t room);

#endif
