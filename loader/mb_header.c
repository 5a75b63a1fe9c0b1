/* SPDX-License-Identifier: MIT */
/*
 * Multiboot header search and checks. The search follows GRUB's: at every aligned offset of the
 * window, a magic followed by a good checksum is the header; a magic with a bad one is taken for
 * data and passed over, but remembered, so that a header whose checksum was got wrong is named as
 * such instead of being reported missing.
 */

#include "lib/error.h"
#include "lib/string.h"
#include "lib/unaligned.h"
#include "lib/util.h"
#include "loader/mb_header.h"

/* v1 header (Multiboot 0.6.96, 3.1.1): offsets from the magic. */
#define MB1_FLAGS		4
#define MB1_HEADER_ADDR		12	/* 12-28 are valid with MB1_AOUT_KLUDGE */
#define MB1_LOAD_ADDR		16
#define MB1_LOAD_END_ADDR	20
#define MB1_BSS_END_ADDR	24
#define MB1_ENTRY_ADDR		28
#define MB1_FIXED_SIZE		12	/* magic, flags, checksum: they sum to 0 */
#define MB1_ADDR_SIZE		32	/* up to entry_addr */
#define MB1_ALIGN		4

/*
 * v1 flags (3.1.2). Bits 0-15 are requirements: a loader must refuse an image that sets one it
 * does not understand. Bits 16-31 are optional features.
 */
#define MB1_PAGE_ALIGN		(1u << 0)	/* page-aligned modules: they always are */
#define MB1_MEMORY_INFO		(1u << 1)	/* mem_lower/mem_upper: always given */
/*
 * A video mode table: accepted and left out (info flags 11 and 12 stay clear), since the guest
 * keeps the PC's text console and a kernel must check those flags before reading the fields.
 */
#define MB1_VIDEO_MODE		(1u << 2)
#define MB1_REQUIRED		0x0000ffffu
#define MB1_UNDERSTOOD		(MB1_PAGE_ALIGN | MB1_MEMORY_INFO | MB1_VIDEO_MODE)
#define MB1_AOUT_KLUDGE		(1u << 16)	/* load by the address fields, not by ELF */

/* multiboot2 header (Multiboot2 2.0, 3.1.1 and 3.1.2): offsets from the magic. */
#define MB2_ARCH		4
#define MB2_HEADER_LENGTH	8
#define MB2_FIXED_SIZE		16	/* magic, architecture, header_length, checksum: sum 0 */
#define MB2_ARCH_I386		0	/* 32-bit protected mode */
#define MB2_ALIGN		8	/* the header (3.1.1) and each of its tags (3.1.3) */

/* A header tag (3.1.3): u16 type, u16 flags, u32 size. */
#define HTAG_FLAGS		2
#define HTAG_SIZE		4
#define HTAG_HDR_SIZE		8
#define HTAG_OPTIONAL		1u	/* flags bit 0: the loader may ignore the tag */

#define HTAG_END		0
#define HTAG_INFO_REQUEST	1
#define HTAG_ADDRESS		2
#define HTAG_ENTRY		3
#define HTAG_CONSOLE		4
#define HTAG_FRAMEBUFFER	5
#define HTAG_MODULE_ALIGN	6
#define HTAG_EFI_BS		7
#define HTAG_ENTRY_EFI32	8
#define HTAG_ENTRY_EFI64	9
#define HTAG_RELOCATABLE	10

/* Offsets of the fields read from the address (3.1.5) and entry address (3.1.6) tags. */
#define ADDR_HEADER_ADDR	8
#define ADDR_LOAD_ADDR		12
#define ADDR_LOAD_END_ADDR	16
#define ADDR_BSS_END_ADDR	20
#define ADDR_LOAD_FROM_START	0xffffffffu	/* load_addr -1: the file loads from its start */
#define ENTRY_ADDR		8
#define INFO_REQUESTS		8	/* the u32 tag types of an information request */


/* Header tag types, with the size their fields need (3.1.3-3.1.13). */
static const struct {
	const char *name;
	uint32_t min_size;
} htags[] = {
	[HTAG_END] = { "end", 8 },
	[HTAG_INFO_REQUEST] = { "information request", 8 },
	[HTAG_ADDRESS] = { "address", 24 },
	[HTAG_ENTRY] = { "entry address", 12 },
	[HTAG_CONSOLE] = { "console flags", 12 },
	[HTAG_FRAMEBUFFER] = { "framebuffer", 20 },
	[HTAG_MODULE_ALIGN] = { "module alignment", 8 },
	[HTAG_EFI_BS] = { "EFI boot services", 8 },
	[HTAG_ENTRY_EFI32] = { "EFI i386 entry address", 12 },
	[HTAG_ENTRY_EFI64] = { "EFI amd64 entry address", 12 },
	[HTAG_RELOCATABLE] = { "relocatable", 24 },
};

/* Boot information tag types (3.6), for an information request tickvisor cannot meet. */
static const char *const info_names[] = {
	"end", "command line", "boot loader name", "modules", "basic memory information",
	"BIOS boot device", "memory map", "VBE information", "framebuffer information",
	"ELF sections", "APM table", "EFI 32-bit system table", "EFI 64-bit system table",
	"SMBIOS tables", "ACPI 1.0 RSDP", "ACPI 2.0 RSDP", "networking information",
	"EFI memory map", "EFI boot services not terminated", "EFI 32-bit image handle",
	"EFI 64-bit image handle", "image load base address",
};

/*
 * The boot information tags that mb_info.c writes (end, command line, boot loader name, modules,
 * basic memory information, memory map). No ACPI tags: the guest gets no ACPI tables from
 * tickvisor, and the host's would describe the host, not the guest.
 */
#define INFO_PROVIDED		(1u << 0 | 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 6)

/* Where a magic with a good checksum was found, or the first one with a bad checksum. */
struct scan {
	bool found;
	uint64_t offset;
	bool bad;
	uint64_t bad_offset;
	uint32_t bad_sum;
};


static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * Both headers start with their checksummed words: v1 magic, flags, checksum (3 words), v2
 * magic, architecture, header_length, checksum (4): each must sum to 0 modulo 2^32.
 */
static void scan(const uint8_t *file, uint64_t size, uint32_t magic, uint64_t window,
		 unsigned int align, unsigned int fixed, struct scan *s)
{
	uint64_t end = min_u64(size, window), off;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (off = 0; off + fixed <= end; off += align) {
		uint32_t sum = 0;

		if (get_le32(file + off) != magic)
			continue;
		for (i = 0; i < fixed; i += 4)
			sum += get_le32(file + off + i);
		if (!sum) {
			s->found = true;
			s->offset = off;
			return;
		}
		if (!s->bad) {
			s->bad = true;
			s->bad_offset = off;
			s->bad_sum = sum;
		}
	}
}

/*
 * The load addresses of v1 (3.1.3) and of the multiboot2 address tag (3.1.5), which mean the
 * same: the file from (header offset - (header_addr - load_addr)) loads at load_addr, up to
 * load_end_addr (0: to the end of the file), then zeroes up to bss_end_addr (0: no bss).
 */
static int addr_segment(uint64_t size, uint64_t off, uint32_t header_addr, uint32_t load_addr,
			uint32_t load_end_addr, uint32_t bss_end_addr, struct mb_header *out,
			char *err, size_t errlen)
{
	struct elf_segment *s = &out->load;
	uint64_t before;

	if (load_addr > header_addr)
		return error_set(err, errlen, "guest kernel's multiboot header has load_addr 0x%x "
				 "above header_addr 0x%x", load_addr, header_addr);
	before = header_addr - load_addr;
	if (before > off)
		return error_set(err, errlen, "guest kernel's multiboot header would load 0x%llx "
				 "bytes before itself (header_addr - load_addr), but lies at file "
				 "offset 0x%llx", (unsigned long long)before,
				 (unsigned long long)off);
	s->offset = off - before;
	s->paddr = s->vaddr = load_addr;
	s->filesz = size - s->offset;
	if (load_end_addr) {
		if (load_end_addr < load_addr)
			return error_set(err, errlen, "guest kernel's multiboot header has "
				    "load_end_addr 0x%x below load_addr 0x%x", load_end_addr,
				    load_addr);
		if (load_end_addr - load_addr > s->filesz)
			return error_set(err, errlen, "guest kernel's multiboot header loads 0x%x "
					 "bytes from file offset 0x%llx, past the end of the file "
					 "(0x%llx bytes)", load_end_addr - load_addr,
					 (unsigned long long)s->offset, (unsigned long long)size);
		s->filesz = load_end_addr - load_addr;
	}
	s->memsz = s->filesz;
	if (bss_end_addr) {
		if (bss_end_addr < load_addr + s->filesz)
			return error_set(err, errlen, "guest kernel's multiboot header has "
					 "bss_end_addr 0x%x below the end of the loaded data "
					 "(0x%llx)", bss_end_addr,
					 (unsigned long long)(load_addr + s->filesz));
		s->memsz = bss_end_addr - load_addr;
	}
	if (!s->memsz)
		return error_set(err, errlen, "guest kernel's multiboot header gives load "
				 "addresses that load nothing");
	out->has_load = true;
	return 0;
}

static int parse_mb1(const uint8_t *file, uint64_t size, uint64_t off, struct mb_header *out,
		     char *err, size_t errlen)
{
	const uint8_t *h = file + off;
	uint32_t flags = get_le32(h + MB1_FLAGS);
	uint32_t unknown = flags & MB1_REQUIRED & ~MB1_UNDERSTOOD;

	if (unknown)
		return error_set(err, errlen, "guest kernel's multiboot header requires features "
			    "tickvisor does not know (flags bits 0x%04x of 0x%08x), and Multiboot "
			    "0.6.96 3.1.2 says to refuse such a kernel", unknown, flags);
	if (!(flags & MB1_AOUT_KLUDGE))
		return 0;
	if (off + MB1_ADDR_SIZE > min_u64(size, MB1_SEARCH_BYTES))
		return error_set(err, errlen, "guest kernel's multiboot header at file offset "
				 "0x%llx sets flag 16 (load addresses), but the address fields run "
				 "past the end of the file or of its first %u bytes",
				 (unsigned long long)off, MB1_SEARCH_BYTES);
	out->has_entry = true;
	out->entry = get_le32(h + MB1_ENTRY_ADDR);
	return addr_segment(size, off, get_le32(h + MB1_HEADER_ADDR),
			    get_le32(h + MB1_LOAD_ADDR), get_le32(h + MB1_LOAD_END_ADDR),
			    get_le32(h + MB1_BSS_END_ADDR), out, err, errlen);
}

static const char *htag_name(uint32_t type)
{
	return type < ARRAY_SIZE(htags) ? htags[type].name : "unknown";
}

/* Information request tag (3.1.4): a required one must be met in full. */
static int info_request(const uint8_t *tag, uint16_t flags, uint32_t size, char *err,
			size_t errlen)
{
	uint32_t i, type;

	if (flags & HTAG_OPTIONAL)
		return 0;
	for (i = INFO_REQUESTS; i + 4 <= size; i += 4) {
		type = get_le32(tag + i);
		if (type < 32 && (INFO_PROVIDED & 1u << type))
			continue;
		return error_set(err, errlen, "guest kernel's multiboot2 header requires boot "
			    "information tag %u (%s), which tickvisor does not provide", type,
			    type < ARRAY_SIZE(info_names) ? info_names[type] : "unknown");
	}
	return 0;
}

static int header_tag(const uint8_t *tag, uint32_t type, uint16_t flags, uint32_t size,
		      struct mb_header *out, const uint8_t **addr_tag, char *err, size_t errlen)
{
	switch (type) {
	case HTAG_INFO_REQUEST:
		return info_request(tag, flags, size, err, errlen);
	case HTAG_ADDRESS:
		/* Read once the entry address tag, which it cannot do without, has been seen. */
		*addr_tag = tag;
		return 0;
	case HTAG_ENTRY:
		out->has_entry = true;
		out->entry = get_le32(tag + ENTRY_ADDR);
		return 0;
	/*
	 * Nothing to do: the guest keeps the PC's text console (flags tag, 3.1.9); modules are
	 * always page-aligned (3.1.11); the EFI tags apply only to an image booted from EFI
	 * (3.1.7, 3.1.8, 3.1.12), which the guest is not.
	 */
	case HTAG_CONSOLE:
	case HTAG_MODULE_ALIGN:
	case HTAG_EFI_BS:
	case HTAG_ENTRY_EFI32:
	case HTAG_ENTRY_EFI64:
		return 0;
	default:
		/* Framebuffer (no video mode is set), relocatable (no relocation), the unknown. */
		if (flags & HTAG_OPTIONAL)
			return 0;
		return error_set(err, errlen, "guest kernel's multiboot2 header requires the %s "
				 "tag (type %u), which tickvisor does not support", htag_name(type),
				 type);
	}
}

static int parse_mb2(const uint8_t *file, uint64_t size, uint64_t off, struct mb_header *out,
		     char *err, size_t errlen)
{
	const uint8_t *h = file + off, *addr_tag = NULL;
	uint32_t arch = get_le32(h + MB2_ARCH), len = get_le32(h + MB2_HEADER_LENGTH);
	uint32_t type, tsize, load_addr, header_addr;
	uint64_t t;
	uint16_t flags;

	if (arch != MB2_ARCH_I386)
		return error_set(err, errlen, "guest kernel's multiboot2 header is for "
				 "architecture %u, not i386 (0)", arch);
	if (len < MB2_FIXED_SIZE + HTAG_HDR_SIZE || len > min_u64(size, MB2_SEARCH_BYTES) - off)
		return error_set(err, errlen, "guest kernel's multiboot2 header at file offset "
				 "0x%llx has header_length %u, %s", (unsigned long long)off, len,
				 len < MB2_FIXED_SIZE + HTAG_HDR_SIZE ?
				 "too short to hold an end tag" :
				 "past the end of the file or of its first 32768 bytes");

	for (t = MB2_FIXED_SIZE;; t = align_up(t + tsize, MB2_ALIGN)) {
		if (t + HTAG_HDR_SIZE > len)
			return error_set(err, errlen, "guest kernel's multiboot2 header ends "
					 "without an end tag");
		type = get_le16(h + t);
		flags = get_le16(h + t + HTAG_FLAGS);
		tsize = get_le32(h + t + HTAG_SIZE);
		if (tsize > len - t)
			return error_set(err, errlen, "guest kernel's multiboot2 header tag at "
					 "offset %llu (type %u, %u bytes) runs past the header's "
					 "end (%u bytes)", (unsigned long long)t, type, tsize, len);
		if (type == HTAG_END && tsize >= HTAG_HDR_SIZE)
			break;
		if (tsize < (type < ARRAY_SIZE(htags) ? htags[type].min_size : HTAG_HDR_SIZE))
			return error_set(err, errlen, "guest kernel's multiboot2 %s tag (type %u) "
					 "is %u bytes, too short for its fields", htag_name(type),
					 type, tsize);
		if (header_tag(h + t, type, flags, tsize, out, &addr_tag, err, errlen))
			return -1;
	}

	if (!addr_tag)
		return 0;
	if (!out->has_entry)
		return error_set(err, errlen, "guest kernel's multiboot2 header has an address tag "
				 "but no entry address tag, so the image it loads has no entry "
				 "point");
	header_addr = get_le32(addr_tag + ADDR_HEADER_ADDR);
	load_addr = get_le32(addr_tag + ADDR_LOAD_ADDR);
	if (load_addr == ADDR_LOAD_FROM_START) {
		if (header_addr < off)
			return error_set(err, errlen, "guest kernel's multiboot2 address tag puts "
					 "the file's start below 0 (header_addr 0x%x, header at "
					 "file offset 0x%llx)", header_addr,
					 (unsigned long long)off);
		load_addr = header_addr - (uint32_t)off;
	}
	return addr_segment(size, off, header_addr, load_addr,
			    get_le32(addr_tag + ADDR_LOAD_END_ADDR),
			    get_le32(addr_tag + ADDR_BSS_END_ADDR), out, err, errlen);
}

int mb_header_find(const uint8_t *file, uint64_t size, struct mb_header *out, char *err,
		   size_t errlen)
{
	struct scan v1, v2;

	memset(out, 0, sizeof(*out));
	scan(file, size, MB2_HEADER_MAGIC, MB2_SEARCH_BYTES, MB2_ALIGN, MB2_FIXED_SIZE, &v2);
	scan(file, size, MB1_HEADER_MAGIC, MB1_SEARCH_BYTES, MB1_ALIGN, MB1_FIXED_SIZE, &v1);
	if (v2.found) {
		out->protocol = 2;
		out->offset = v2.offset;
		return parse_mb2(file, size, v2.offset, out, err, errlen);
	}
	if (v1.found) {
		out->protocol = 1;
		out->offset = v1.offset;
		return parse_mb1(file, size, v1.offset, out, err, errlen);
	}
	if (v2.bad)
		return error_set(err, errlen, "guest kernel's multiboot2 header at file offset "
				 "0x%llx has a bad checksum (magic + architecture + header_length "
				 "+ checksum = 0x%08x, not 0)", (unsigned long long)v2.bad_offset,
				 v2.bad_sum);
	if (v1.bad)
		return error_set(err, errlen, "guest kernel's multiboot header at file offset "
				 "0x%llx has a bad checksum (magic + flags + checksum = 0x%08x, "
				 "not 0)", (unsigned long long)v1.bad_offset, v1.bad_sum);
	return error_set(err, errlen, "guest kernel has no multiboot header (magic 0x%08x in its "
		    "first %u bytes) nor multiboot2 header (magic 0x%08x in its first %u bytes)",
		    MB1_HEADER_MAGIC, MB1_SEARCH_BYTES, MB2_HEADER_MAGIC, MB2_SEARCH_BYTES);
}
