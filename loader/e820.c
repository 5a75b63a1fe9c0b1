/* SPDX-License-Identifier: MIT */
#include "loader/e820.h"

unsigned int e820_guest_map(uint64_t ram_size, struct e820_range map[GUEST_MAP_ENTRIES])
{
	map[0] = (struct e820_range){ 0, GUEST_LOW_RAM_END, E820_RAM };
	map[1] = (struct e820_range){ GUEST_LOW_RAM_END, GUEST_EBDA_END - GUEST_LOW_RAM_END,
				      E820_RESERVED };
	map[2] = (struct e820_range){ GUEST_FIRMWARE_GPA, GUEST_FIRMWARE_SIZE, E820_RESERVED };
	map[3] = (struct e820_range){ GUEST_HIGH_RAM_START, ram_size - GUEST_HIGH_RAM_START,
				      E820_RAM };
	return GUEST_MAP_ENTRIES;
}
