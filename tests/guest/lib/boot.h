/* SPDX-License-Identifier: MIT */
/*
 * What the loader handed over, as entry.S saved it before changing anything, and the entry point
 * every guest kernel defines. Included by entry.S: the offsets below are its view of the struct.
 */
#ifndef GUEST_LIB_BOOT_H
#define GUEST_LIB_BOOT_H

/* entry.S's own flat GDT. */
#define BOOT_CODE_SEL		0x08
#define BOOT_DATA_SEL		0x10

/* The segment registers, in boot_state's order. */
#define BOOT_SEG_CS		0
#define BOOT_SEG_DS		1
#define BOOT_SEG_ES		2
#define BOOT_SEG_FS		3
#define BOOT_SEG_GS		4
#define BOOT_SEG_SS		5
#define BOOT_NR_SEGS		6

#define BS_EAX			0
#define BS_EBX			4
#define BS_CR0			8
#define BS_EFLAGS		12
#define BS_BASE_OK		16
#define BS_LIMIT_OK		20
#define BS_LIMIT		24
#define BS_SEL			48
#define BS_SIZE			60

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct boot_state {
	uint32_t eax;			/* the loader's magic */
	uint32_t ebx;			/* physical address of its boot information */
	uint32_t cr0;
	uint32_t eflags;
	/* Bit s: a read through segment s found the word that lies at the same linear address. */
	uint32_t base_ok;
	/* Bit s: LSL could read segment s's descriptor from the GDT the loader left loaded. */
	uint32_t limit_ok;
	uint32_t limit[BOOT_NR_SEGS];	/* LSL's result where limit_ok has the bit */
	uint16_t sel[BOOT_NR_SEGS];
};

_Static_assert(offsetof(struct boot_state, eflags) == BS_EFLAGS, "entry.S offsets");
_Static_assert(offsetof(struct boot_state, limit) == BS_LIMIT, "entry.S offsets");
_Static_assert(offsetof(struct boot_state, sel) == BS_SEL, "entry.S offsets");
_Static_assert(sizeof(struct boot_state) == BS_SIZE, "entry.S offsets");

extern struct boot_state boot_state;
/* The EAX value a loader that honours this image's header passes: v1 or v2 (entry.S). */
extern const uint32_t boot_loader_magic;
/* The loaded image, from guest.ld. */
extern char guest_image_start[], guest_image_end[];

/* Runs on entry.S's stack and GDT, interrupts off; when it returns, the CPU halts for good. */
void guest_main(uint32_t magic, uint32_t info);
#endif

#endif
