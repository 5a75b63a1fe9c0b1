/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 boot information (Multiboot2 spec 1.0, section 3.6): validation and extraction of the
 * tags tickvisor uses. Pure logic over a byte buffer, so the same file builds into the kernel and
 * into the host unit tests. Nothing is copied: strings and the RSDP point into the info itself,
 * which is why info_start/info_end are reported, so that the page allocator can reserve it.
 */
#ifndef ARCH_X86_MB2_H
#define ARCH_X86_MB2_H

#include <stddef.h>
#include <stdint.h>

/* What a multiboot2 loader leaves in EAX (spec 3.3). */
#define MB2_BOOTLOADER_MAGIC	0x36d76289u

#define MB2_MAX_MMAP		64
#define MB2_MAX_MODULES		16

/* Tag types (spec 3.6), those tickvisor reads; the others are skipped. */
#define MB2_TAG_END		0	/* type 0, size 8: the last tag */
#define MB2_TAG_CMDLINE		1	/* NUL-terminated boot command line */
#define MB2_TAG_LOADER_NAME	2	/* NUL-terminated boot loader name */
#define MB2_TAG_MODULE		3	/* u32 mod_start, u32 mod_end, NUL-terminated string */
#define MB2_TAG_BASIC_MEMINFO	4	/* u32 mem_lower, u32 mem_upper, in KiB */
#define MB2_TAG_MMAP		6	/* u32 entry_size, u32 entry_version, entries */
#define MB2_TAG_ACPI_OLD	14	/* copy of the ACPI 1.0 RSDP */
#define MB2_TAG_ACPI_NEW	15	/* copy of the ACPI 2.0+ RSDP (XSDT pointer) */

/* Memory-map entry types (spec 3.6.8). */
#define MB2_MMAP_AVAILABLE	1

struct mb2_mmap_entry {
	uint64_t base;
	uint64_t len;
	uint32_t type;		/* MB2_MMAP_AVAILABLE = usable RAM, anything else is not */
};

struct mb2_module {
	uint64_t start;
	uint64_t end;		/* exclusive, as GRUB gives it */
	const char *string;	/* the module's command line, "" when GRUB gives none */
};

struct mb2_info {
	const char *cmdline;		/* "" when the tag is absent */
	const char *loader_name;	/* "" when absent */
	struct mb2_mmap_entry mmap[MB2_MAX_MMAP];
	unsigned int mmap_count;	/* zero-length entries are dropped */
	struct mb2_module modules[MB2_MAX_MODULES];
	unsigned int module_count;
	uint64_t rsdp;			/* RSDP copy inside the info (tag 15 over 14), 0 if none */
	unsigned int rsdp_revision;	/* 0 for tag 14 (ACPI 1.0), 2 for tag 15 */
	uint32_t mem_lower_kb;		/* basic meminfo tag 4, 0 when absent */
	uint32_t mem_upper_kb;
	uint64_t info_start;		/* the info structure's own range, end exclusive */
	uint64_t info_end;
	/* After a tag-level error: the offending tag's type and offset, for the diagnostic. */
	uint32_t err_tag;
	uint32_t err_offset;
};

enum mb2_error {
	MB2_OK = 0,
	MB2_ERR_MAGIC,		/* EAX is not MB2_BOOTLOADER_MAGIC */
	MB2_ERR_NULL,		/* EBX is 0 */
	MB2_ERR_ALIGN,		/* EBX is not 8-byte aligned (spec 3.6.1) */
	MB2_ERR_TOTAL_SIZE,	/* total_size < 16 or larger than what may be read */
	MB2_ERR_TAG_SIZE,	/* a tag smaller than its header or its type's fixed fields */
	MB2_ERR_TRUNCATED,	/* a tag runs past total_size */
	MB2_ERR_NO_END_TAG,	/* the tags run out before a type-0 tag */
	MB2_ERR_BAD_END_TAG,	/* a type-0 tag whose size is not 8 */
	MB2_ERR_DUPLICATE,	/* a tag that may appear once appears twice */
	MB2_ERR_BAD_STRING,	/* a string not NUL-terminated inside its tag */
	MB2_ERR_BAD_MMAP,	/* bad entry_size, a partial entry, or base + len past 2^64 */
	MB2_ERR_BAD_MODULE,	/* a module whose start lies after its end */
	MB2_ERR_TOO_MANY,	/* more than MB2_MAX_MMAP entries or MB2_MAX_MODULES modules */
	MB2_ERR_NO_MMAP,	/* no memory map, or one with no entries */
	MB2_ERR_COUNT
};

/*
 * info: the pointer the loader passed in EBX; avail: how many bytes may be read from it at most
 * (the kernel passes a large bound, the unit tests their buffer size). Returns MB2_OK or an
 * enum mb2_error. On error *out is not to be used, except err_tag and err_offset, which name the
 * offending tag for the errors that one tag causes (MB2_ERR_TAG_SIZE, TRUNCATED, BAD_END_TAG,
 * DUPLICATE, BAD_STRING, BAD_MMAP, BAD_MODULE, TOO_MANY).
 */
int mb2_parse(uint32_t magic, const void *info, size_t avail, struct mb2_info *out);

/* One sentence per error, for the boot log. */
const char *mb2_strerror(int err);

/* "memory map" for MB2_TAG_MMAP and so on; "unknown" for the types this parser skips. */
const char *mb2_tag_name(uint32_t type);

#endif
