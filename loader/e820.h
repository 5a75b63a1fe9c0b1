/* SPDX-License-Identifier: MIT */
/*
 * The guest's physical memory map: one map, handed to the guest as the multiboot memory maps
 * (mb_info.c) and as the Linux zero page's e820 table (bzimage.c), so that every protocol tells
 * the same story. It is a PC's (ACPI 6.5 15, "System Address Map Interfaces"):
 *
 *	0x00000-0x9fc00		RAM: the real-mode IVT, the BIOS data area, free low memory
 *	0x9fc00-0xa0000		reserved: where a BIOS keeps its extended data area (EBDA)
 *	0xa0000-0xe0000		not described: VGA memory and option ROMs on a PC
 *	0xe0000-0x100000	reserved: the firmware area, where tickvisor's ACPI tables go
 *				(the RSDP search range, ACPI 6.5 5.2.5.1)
 *	0x100000-end		RAM, up to the end of guest RAM
 *
 * All of it is ordinary guest RAM in the EPT: reserved means only that the guest must not
 * allocate it.
 */
#ifndef LOADER_E820_H
#define LOADER_E820_H

#include <stdint.h>

#include "loader/acpi.h"

/* Address range types (ACPI 6.5 15.3); multiboot v1 and v2 use the same numbers. */
#define E820_RAM		1
#define E820_RESERVED		2

#define GUEST_LOW_RAM_END	0x9fc00ull	/* 639 KiB */
#define GUEST_EBDA_END		0xa0000ull
#define GUEST_FIRMWARE_GPA	((uint64_t)ACPI_AREA_GPA)	/* the ACPI tables' home */
#define GUEST_FIRMWARE_SIZE	((uint64_t)ACPI_AREA_SIZE)
#define GUEST_HIGH_RAM_START	0x100000ull	/* 1 MiB */

/* The BIOS data area (IBM PC BIOS): Linux reads the EBDA's segment from 0x40e in it. */
#define GUEST_BDA_GPA		0x400ull
#define GUEST_BDA_SIZE		0x100ull

#define GUEST_MAP_ENTRIES	4

struct e820_range {
	uint64_t base;
	uint64_t len;
	uint32_t type;		/* E820_RAM or E820_RESERVED */
};

/*
 * Fills map with the guest's memory map for ram_size bytes of guest RAM (more than 1 MiB), in
 * ascending order, and returns the number of entries, GUEST_MAP_ENTRIES.
 */
unsigned int e820_guest_map(uint64_t ram_size, struct e820_range map[GUEST_MAP_ENTRIES]);

#endif
