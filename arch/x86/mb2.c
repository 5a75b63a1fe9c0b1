/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 boot-information parser. The info comes from outside the hypervisor, so every size
 * is checked before anything is read: a corrupt info must end in a clear error, not in a read
 * past the end of what the loader gave us. Fields are read with memcpy so that the parser never
 * depends on how the caller's buffer is typed (the unit tests build it in a plain array).
 */
#include <stdbool.h>

#include "arch/x86/mb2.h"
#include "lib/string.h"
#include "lib/unaligned.h"

/* Fixed layout (spec 3.6): offsets are from the start of a tag. */
#define TAG_HDR_SIZE		8	/* u32 type, u32 size */
#define TAG_ALIGN		8	/* every tag starts 8-byte aligned (spec 3.6.1) */
#define INFO_HDR_SIZE		8	/* u32 total_size, u32 reserved */
#define MODULE_STRING_OFF	16	/* after u32 mod_start, u32 mod_end */
#define MEMINFO_SIZE		16	/* header, u32 mem_lower, u32 mem_upper */
#define MMAP_ENTRIES_OFF	16	/* after u32 entry_size, u32 entry_version */
#define MMAP_ENTRY_MIN		24	/* u64 base_addr, u64 length, u32 type, u32 reserved */
#define RSDP_V1_SIZE		20	/* ACPI 1.0 RSDP: signature .. rsdt_address */
#define RSDP_V2_SIZE		36	/* ACPI 2.0 RSDP: adds length, xsdt_address, checksum */

/* The smallest info the spec allows: the header and the end tag. */
#define INFO_MIN_SIZE		(INFO_HDR_SIZE + TAG_HDR_SIZE)

static const char *const error_text[MB2_ERR_COUNT] = {
	[MB2_OK] = "no error",
	[MB2_ERR_MAGIC] = "the boot loader is not multiboot2 compliant (wrong magic in EAX)",
	[MB2_ERR_NULL] = "the boot loader passed no boot information (EBX is 0)",
	[MB2_ERR_ALIGN] = "the boot information is not 8-byte aligned",
	[MB2_ERR_TOTAL_SIZE] = "the boot information's total_size is below 16 bytes or beyond "
			       "the readable area",
	[MB2_ERR_TAG_SIZE] = "a tag of the boot information is smaller than its own fields",
	[MB2_ERR_TRUNCATED] = "a tag runs past the end of the boot information",
	[MB2_ERR_NO_END_TAG] = "the boot information ends without an end tag",
	[MB2_ERR_BAD_END_TAG] = "the end tag of the boot information is not 8 bytes long",
	[MB2_ERR_DUPLICATE] = "a tag that may appear only once appears twice",
	[MB2_ERR_BAD_STRING] = "a string in the boot information is not NUL-terminated inside "
			       "its tag",
	[MB2_ERR_BAD_MMAP] = "the memory map is malformed (entry_size, a partial entry, or an "
			     "entry past 2^64)",
	[MB2_ERR_BAD_MODULE] = "a boot module ends before it starts",
	[MB2_ERR_TOO_MANY] = "the boot information has more memory-map entries or modules than "
			     "tickvisor has room for",
	[MB2_ERR_NO_MMAP] = "the boot loader passed no memory map, and tickvisor cannot run "
			    "without one",
};

/* The string at tag[off] must end with a NUL before the tag does. */
static int tag_string(const uint8_t *tag, uint32_t size, uint32_t off, const char **out)
{
	if (size <= off)
		return MB2_ERR_TAG_SIZE;
	if (strnlen((const char *)tag + off, size - off) == size - off)
		return MB2_ERR_BAD_STRING;
	*out = (const char *)tag + off;
	return MB2_OK;
}

static int parse_module(const uint8_t *tag, uint32_t size, struct mb2_info *out)
{
	struct mb2_module *m;
	int err;

	if (out->module_count == MB2_MAX_MODULES)
		return MB2_ERR_TOO_MANY;
	m = &out->modules[out->module_count];
	err = tag_string(tag, size, MODULE_STRING_OFF, &m->string);
	if (err)
		return err;
	m->start = get_le32(tag + 8);
	m->end = get_le32(tag + 12);
	if (m->start > m->end)
		return MB2_ERR_BAD_MODULE;
	out->module_count++;
	return MB2_OK;
}

static int parse_mmap(const uint8_t *tag, uint32_t size, struct mb2_info *out)
{
	uint32_t entry_size, off;

	if (size < MMAP_ENTRIES_OFF)
		return MB2_ERR_TAG_SIZE;
	/*
	 * entry_size may grow in later versions of the spec (3.6.8), so entries are stepped over by
	 * entry_size, but it must at least hold the fields read here and keep the u64s aligned.
	 */
	entry_size = get_le32(tag + 8);
	if (entry_size < MMAP_ENTRY_MIN || entry_size % 8)
		return MB2_ERR_BAD_MMAP;
	if ((size - MMAP_ENTRIES_OFF) % entry_size)
		return MB2_ERR_BAD_MMAP;
	for (off = MMAP_ENTRIES_OFF; off < size; off += entry_size) {
		struct mb2_mmap_entry e = {
			.base = get_le64(tag + off),
			.len = get_le64(tag + off + 8),
			.type = get_le32(tag + off + 16),
		};

		if (e.base + e.len < e.base)
			return MB2_ERR_BAD_MMAP;
		/* Some BIOSes report empty entries; they carry nothing and would waste slots. */
		if (!e.len)
			continue;
		if (out->mmap_count == MB2_MAX_MMAP)
			return MB2_ERR_TOO_MANY;
		out->mmap[out->mmap_count++] = e;
	}
	return MB2_OK;
}

/* An ACPI tag carries an RSDP copy of at least rsdp_size bytes; a newer one may carry more. */
static int parse_rsdp(const uint8_t *tag, uint32_t size, uint32_t rsdp_size, unsigned int rev,
		      struct mb2_info *out)
{
	if (size < TAG_HDR_SIZE + rsdp_size)
		return MB2_ERR_TAG_SIZE;
	/* Tag 15 leads to the XSDT, which an OS uses rather than the RSDT (ACPI 6.5, 5.2.8). */
	if (!out->rsdp || rev > out->rsdp_revision) {
		out->rsdp = (uintptr_t)(tag + TAG_HDR_SIZE);
		out->rsdp_revision = rev;
	}
	return MB2_OK;
}

/*
 * The tags read here that may appear only once: with two memory maps or two command lines, which
 * one would the loader mean? Modules repeat by design; skipped types are not looked at.
 */
#define SINGLE_TAGS	(1u << MB2_TAG_CMDLINE | 1u << MB2_TAG_LOADER_NAME |		\
			 1u << MB2_TAG_BASIC_MEMINFO | 1u << MB2_TAG_MMAP |		\
			 1u << MB2_TAG_ACPI_OLD | 1u << MB2_TAG_ACPI_NEW)

static int parse_tag(const uint8_t *tag, uint32_t type, uint32_t size, uint32_t *seen,
		     struct mb2_info *out)
{
	if (type < 32 && (SINGLE_TAGS & 1u << type)) {
		if (*seen & 1u << type)
			return MB2_ERR_DUPLICATE;
		*seen |= 1u << type;
	}
	switch (type) {
	case MB2_TAG_CMDLINE:
		return tag_string(tag, size, TAG_HDR_SIZE, &out->cmdline);
	case MB2_TAG_LOADER_NAME:
		return tag_string(tag, size, TAG_HDR_SIZE, &out->loader_name);
	case MB2_TAG_MODULE:
		return parse_module(tag, size, out);
	case MB2_TAG_BASIC_MEMINFO:
		if (size < MEMINFO_SIZE)
			return MB2_ERR_TAG_SIZE;
		out->mem_lower_kb = get_le32(tag + 8);
		out->mem_upper_kb = get_le32(tag + 12);
		return MB2_OK;
	case MB2_TAG_MMAP:
		return parse_mmap(tag, size, out);
	case MB2_TAG_ACPI_OLD:
		return parse_rsdp(tag, size, RSDP_V1_SIZE, 0, out);
	case MB2_TAG_ACPI_NEW:
		return parse_rsdp(tag, size, RSDP_V2_SIZE, 2, out);
	default:
		return MB2_OK;
	}
}

int mb2_parse(uint32_t magic, const void *info, size_t avail, struct mb2_info *out)
{
	const uint8_t *base = info;
	uint32_t total, seen = 0;
	uint64_t off;

	memset(out, 0, sizeof(*out));
	out->cmdline = "";
	out->loader_name = "";
	if (magic != MB2_BOOTLOADER_MAGIC)
		return MB2_ERR_MAGIC;
	if (!info)
		return MB2_ERR_NULL;
	if ((uintptr_t)info % TAG_ALIGN)
		return MB2_ERR_ALIGN;
	if (avail < INFO_MIN_SIZE)
		return MB2_ERR_TOTAL_SIZE;
	total = get_le32(base);
	if (total < INFO_MIN_SIZE || total > avail)
		return MB2_ERR_TOTAL_SIZE;
	out->info_start = (uintptr_t)info;
	out->info_end = out->info_start + total;

	/*
	 * off stays 8-aligned, so every tag is aligned by construction. It is 64-bit so that
	 * neither off + size nor the round-up after a tag ending near 4 GiB can wrap.
	 */
	for (off = INFO_HDR_SIZE; off + TAG_HDR_SIZE <= total;) {
		const uint8_t *tag = base + off;
		uint32_t type = get_le32(tag), size = get_le32(tag + 4);
		int err;

		out->err_tag = type;
		out->err_offset = (uint32_t)off;
		if (size < TAG_HDR_SIZE)
			return MB2_ERR_TAG_SIZE;
		if (off + size > total)
			return MB2_ERR_TRUNCATED;
		if (type == MB2_TAG_END) {
			if (size != TAG_HDR_SIZE)
				return MB2_ERR_BAD_END_TAG;
			if (!out->mmap_count)
				return MB2_ERR_NO_MMAP;
			out->err_tag = 0;
			out->err_offset = 0;
			return MB2_OK;
		}
		err = parse_tag(tag, type, size, &seen, out);
		if (err)
			return err;
		off = (off + size + TAG_ALIGN - 1) & ~(uint64_t)(TAG_ALIGN - 1);
	}
	out->err_tag = 0;
	out->err_offset = (uint32_t)(off < total ? off : total);
	return MB2_ERR_NO_END_TAG;
}

const char *mb2_strerror(int err)
{
	if (err < 0 || err >= MB2_ERR_COUNT)
		return "unknown multiboot2 error";
	return error_text[err];
}

const char *mb2_tag_name(uint32_t type)
{
	switch (type) {
	case MB2_TAG_END:
		return "end";
	case MB2_TAG_CMDLINE:
		return "command line";
	case MB2_TAG_LOADER_NAME:
		return "boot loader name";
	case MB2_TAG_MODULE:
		return "module";
	case MB2_TAG_BASIC_MEMINFO:
		return "basic memory information";
	case MB2_TAG_MMAP:
		return "memory map";
	case MB2_TAG_ACPI_OLD:
		return "ACPI 1.0 RSDP";
	case MB2_TAG_ACPI_NEW:
		return "ACPI 2.0 RSDP";
	default:
		return "unknown";
	}
}
