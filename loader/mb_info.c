/* SPDX-License-Identifier: MIT */
/*
 * Boot information writer. Every piece is laid out by one cursor that keeps counting past the
 * room it was given but stops writing there: the same code sizes the information and writes it,
 * so the two cannot disagree. Fields are written with memcpy, since v1 puts u64s at offsets that
 * are not 8-aligned (the memory map's base_addr).
 */
#include "arch/x86/mb2.h"
#include "lib/string.h"
#include "lib/util.h"
#include "loader/e820.h"
#include "loader/mb_info.h"

/* v1 information structure (Multiboot 0.6.96, 3.3): offsets, and the flags of what is valid. */
#define MB1_INFO_FLAGS		0
#define MB1_MEM_LOWER		4
#define MB1_MEM_UPPER		8
#define MB1_CMDLINE		16
#define MB1_MODS_COUNT		20
#define MB1_MODS_ADDR		24
#define MB1_MMAP_LENGTH		44
#define MB1_MMAP_ADDR		48
#define MB1_LOADER_NAME		64
#define MB1_INFO_SIZE		88	/* up to the VBE fields, the last that 0.6.96 defines */
#define MB1_MOD_SIZE		16	/* mod_start, mod_end, string, reserved */
#define MB1_MMAP_ENTRY		24	/* u32 size (20: not counting itself), base, length, type */
#define MB1_MMAP_ENTRY_SIZE	20

#define MB1_INFO_MEMORY		(1u << 0)	/* mem_lower, mem_upper */
#define MB1_INFO_CMDLINE	(1u << 2)
#define MB1_INFO_MODS		(1u << 3)	/* set with 0 modules too: mods_count says 0 */
#define MB1_INFO_MMAP		(1u << 6)
#define MB1_INFO_LOADER_NAME	(1u << 9)

/* multiboot2 information (Multiboot2 2.0, 3.6). */
#define MB2_INFO_HDR		8	/* u32 total_size, u32 reserved */
#define MB2_TAG_HDR		8	/* u32 type, u32 size */
#define MB2_TAG_ALIGN		8
#define MB2_MODULE_FIXED	8	/* u32 mod_start, u32 mod_end, then the string */
#define MB2_MEMINFO_FIXED	8	/* u32 mem_lower, u32 mem_upper */
#define MB2_MMAP_FIXED		8	/* u32 entry_size, u32 entry_version, then the entries */
#define MB2_MMAP_ENTRY		24	/* u64 base_addr, u64 length, u32 type, u32 reserved */
#define MB2_MMAP_VERSION	0

/* The information being laid out, from guest-physical gpa, at dst in host memory. */
struct cursor {
	uint8_t *dst;
	uint32_t gpa;
	uint64_t room;
	uint64_t len;	/* laid out so far; nothing is written past room */
};

/* Lays out n zeroed bytes at the next multiple of align; returns their offset. */
static uint64_t reserve(struct cursor *c, uint64_t n, uint64_t align)
{
	uint64_t at = align_up(c->len, align);

	if (at + n <= c->room)
		memset(c->dst + c->len, 0, at + n - c->len);
	c->len = at + n;
	return at;
}

static void put(struct cursor *c, uint64_t at, const void *src, uint64_t n)
{
	if (at + n <= c->room)
		memcpy(c->dst + at, src, n);
}

static void put32(struct cursor *c, uint64_t at, uint32_t v)
{
	put(c, at, &v, sizeof(v));
}

static void put64(struct cursor *c, uint64_t at, uint64_t v)
{
	put(c, at, &v, sizeof(v));
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* Copies s with its NUL; returns its guest-physical address. */
static uint32_t put_string(struct cursor *c, const char *s)
{
	uint64_t n = strlen(or_empty(s)) + 1, at = reserve(c, n, 1);

	put(c, at, or_empty(s), n);
	return c->gpa + (uint32_t)at;
}

/* mem_lower and mem_upper (v1 3.3, v2 3.6.3): KiB of RAM from 0, and from 1 MiB to the top. */
static uint32_t mem_lower(void)
{
	return GUEST_LOW_RAM_END / 1024;
}

static uint32_t mem_upper(uint64_t ram_size)
{
	uint64_t kib = (ram_size - GUEST_HIGH_RAM_START) / 1024;

	return kib > UINT32_MAX ? UINT32_MAX : (uint32_t)kib;
}

static void write_mb1(const struct mb_info_params *p, struct cursor *c)
{
	uint64_t info = reserve(c, MB1_INFO_SIZE, 8);
	uint64_t mods = reserve(c, (uint64_t)p->nmods * MB1_MOD_SIZE, 4);
	uint64_t mmap = reserve(c, GUEST_MAP_ENTRIES * MB1_MMAP_ENTRY, 4);
	struct e820_range map[GUEST_MAP_ENTRIES];
	unsigned int i;

	put32(c, info + MB1_INFO_FLAGS, MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS |
	      MB1_INFO_MMAP | MB1_INFO_LOADER_NAME);
	put32(c, info + MB1_MEM_LOWER, mem_lower());
	put32(c, info + MB1_MEM_UPPER, mem_upper(p->ram_size));
	put32(c, info + MB1_CMDLINE, put_string(c, p->cmdline));
	put32(c, info + MB1_MODS_COUNT, p->nmods);
	put32(c, info + MB1_MODS_ADDR, c->gpa + (uint32_t)mods);
	for (i = 0; i < p->nmods; i++) {
		uint64_t at = mods + (uint64_t)i * MB1_MOD_SIZE;

		put32(c, at, p->mods[i].start);
		put32(c, at + 4, p->mods[i].end);
		put32(c, at + 8, put_string(c, p->mods[i].string));
	}
	/* mmap_addr points at the first entry's size field, which precedes the entry. */
	e820_guest_map(p->ram_size, map);
	put32(c, info + MB1_MMAP_LENGTH, GUEST_MAP_ENTRIES * MB1_MMAP_ENTRY);
	put32(c, info + MB1_MMAP_ADDR, c->gpa + (uint32_t)mmap);
	for (i = 0; i < GUEST_MAP_ENTRIES; i++) {
		uint64_t at = mmap + (uint64_t)i * MB1_MMAP_ENTRY;

		put32(c, at, MB1_MMAP_ENTRY_SIZE);
		put64(c, at + 4, map[i].base);
		put64(c, at + 12, map[i].len);
		put32(c, at + 20, map[i].type);
	}
	put32(c, info + MB1_LOADER_NAME, put_string(c, MB_LOADER_NAME));
}

/* Lays out a tag of type with n bytes after its header; returns its offset. */
static uint64_t tag(struct cursor *c, uint32_t type, uint64_t n)
{
	uint64_t at = reserve(c, MB2_TAG_HDR + n, MB2_TAG_ALIGN);

	put32(c, at, type);
	put32(c, at + 4, (uint32_t)(MB2_TAG_HDR + n));
	return at;
}

static void string_tag(struct cursor *c, uint32_t type, const char *s)
{
	uint64_t n = strlen(or_empty(s)) + 1;

	put(c, tag(c, type, n) + MB2_TAG_HDR, or_empty(s), n);
}

/*
 * No ACPI tags (14, 15): the host's tables would describe the host's machine, not the guest's;
 * the guest finds tickvisor's own by the RSDP search in the firmware area (e820.h).
 */
static void write_mb2(const struct mb_info_params *p, struct cursor *c)
{
	uint64_t hdr = reserve(c, MB2_INFO_HDR, MB2_TAG_ALIGN), at;
	struct e820_range map[GUEST_MAP_ENTRIES];
	unsigned int i;

	string_tag(c, MB2_TAG_CMDLINE, p->cmdline);
	string_tag(c, MB2_TAG_LOADER_NAME, MB_LOADER_NAME);
	for (i = 0; i < p->nmods; i++) {
		const char *s = or_empty(p->mods[i].string);
		uint64_t n = strlen(s) + 1;

		at = tag(c, MB2_TAG_MODULE, MB2_MODULE_FIXED + n);
		put32(c, at + 8, p->mods[i].start);
		put32(c, at + 12, p->mods[i].end);
		put(c, at + 16, s, n);
	}
	at = tag(c, MB2_TAG_BASIC_MEMINFO, MB2_MEMINFO_FIXED);
	put32(c, at + 8, mem_lower());
	put32(c, at + 12, mem_upper(p->ram_size));

	e820_guest_map(p->ram_size, map);
	at = tag(c, MB2_TAG_MMAP, MB2_MMAP_FIXED + GUEST_MAP_ENTRIES * MB2_MMAP_ENTRY);
	put32(c, at + 8, MB2_MMAP_ENTRY);
	put32(c, at + 12, MB2_MMAP_VERSION);
	for (i = 0; i < GUEST_MAP_ENTRIES; i++) {
		uint64_t e = at + 16 + (uint64_t)i * MB2_MMAP_ENTRY;

		put64(c, e, map[i].base);
		put64(c, e + 8, map[i].len);
		put32(c, e + 16, map[i].type);
	}
	tag(c, MB2_TAG_END, 0);
	/* total_size counts the end tag; reserved stays 0 (3.6.1). */
	put32(c, hdr, (uint32_t)c->len);
}

uint64_t mb_info_write(const struct mb_info_params *p, uint8_t *dst, uint32_t gpa,
		       uint64_t room)
{
	struct cursor c = { .dst = dst, .gpa = gpa, .room = room };

	if (p->protocol == 2)
		write_mb2(p, &c);
	else
		write_mb1(p, &c);
	return c.len;
}
