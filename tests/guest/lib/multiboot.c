/* SPDX-License-Identifier: MIT */
/* Multiboot boot information: v1 (Multiboot Specification 0.6.96, 3.3) and v2 (2.0, 3.6). */
#include <stddef.h>

#include "lib/string.h"
#include "tests/guest/lib/multiboot.h"

#define MB1_INFO_MEM		(1u << 0)
#define MB1_INFO_CMDLINE	(1u << 2)
#define MB1_INFO_MODS		(1u << 3)
#define MB1_INFO_MMAP		(1u << 6)

struct mb1_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
};

struct mb1_module {
	uint32_t start, end, string, reserved;
};

/* size counts the bytes after itself: the next entry is size + 4 further on. */
struct mb1_mmap {
	uint32_t size;
	uint64_t base, len;
	uint32_t type;
} __attribute__((packed));

#define MB2_INFO_END		0
#define MB2_INFO_CMDLINE	1
#define MB2_INFO_MODULE		3
#define MB2_INFO_MEMINFO	4
#define MB2_INFO_MMAP		6

struct mb2_tag {
	uint32_t type, size;
};

struct mb2_module {
	struct mb2_tag tag;
	uint32_t start, end;
	char string[];
};

struct mb2_meminfo {
	struct mb2_tag tag;
	uint32_t mem_lower, mem_upper;
};

struct mb2_mmap {
	struct mb2_tag tag;
	uint32_t entry_size, entry_version;
};

struct mb2_mmap_entry {
	uint64_t base, len;
	uint32_t type, reserved;
};

static void *phys(uint32_t addr)
{
	return (void *)(uintptr_t)addr;
}

static const char *add_mmap(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
	if (bi->nr_mmap == MB_MAX_MMAP)
		return "more memory-map entries than MB_MAX_MMAP";
	bi->mmap[bi->nr_mmap++] = (struct mb_mmap_entry){ base, len, type };
	return NULL;
}

static const char *add_module(struct boot_info *bi, uint32_t start, uint32_t end,
			      const char *string)
{
	if (bi->nr_modules == MB_MAX_MODULES)
		return "more modules than MB_MAX_MODULES";
	bi->modules[bi->nr_modules++] = (struct mb_module){ start, end, string };
	return NULL;
}

static const char *mb1_parse(const struct mb1_info *mbi, struct boot_info *bi)
{
	const char *err = NULL;
	uint32_t off, i;

	if (mbi->flags & MB1_INFO_CMDLINE)
		bi->cmdline = phys(mbi->cmdline);
	if (mbi->flags & MB1_INFO_MEM) {
		bi->has_meminfo = true;
		bi->mem_lower = mbi->mem_lower;
		bi->mem_upper = mbi->mem_upper;
	}
	if (mbi->flags & MB1_INFO_MMAP) {
		bi->has_mmap = true;
		for (off = 0; !err && off + sizeof(struct mb1_mmap) <= mbi->mmap_length;) {
			const struct mb1_mmap *e = phys(mbi->mmap_addr + off);

			err = add_mmap(bi, e->base, e->len, e->type);
			off += e->size + sizeof(e->size);
		}
	}
	if (mbi->flags & MB1_INFO_MODS) {
		const struct mb1_module *mods = phys(mbi->mods_addr);

		for (i = 0; !err && i < mbi->mods_count; i++)
			err = add_module(bi, mods[i].start, mods[i].end,
					 mods[i].string ? phys(mods[i].string) : NULL);
	}
	return err;
}

static const char *mb2_mmap(const struct mb2_mmap *m, struct boot_info *bi)
{
	const char *err = NULL;
	uint32_t off;

	if (m->entry_size < sizeof(struct mb2_mmap_entry))
		return "memory-map entries smaller than 24 bytes";
	bi->has_mmap = true;
	for (off = sizeof(*m); !err && off + m->entry_size <= m->tag.size; off += m->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)((const char *)m + off);

		err = add_mmap(bi, e->base, e->len, e->type);
	}
	return err;
}

static const char *mb2_parse(const char *mbi, struct boot_info *bi)
{
	uint32_t total = *(const uint32_t *)mbi, off;
	const char *err = NULL;

	/* Tags follow the 8-byte fixed part, each starting 8-byte aligned. */
	for (off = 8; !err && off + sizeof(struct mb2_tag) <= total;
	     off = (off + ((const struct mb2_tag *)(mbi + off))->size + 7) & ~7u) {
		const struct mb2_tag *tag = (const void *)(mbi + off);

		if (tag->size < sizeof(*tag) || tag->size > total - off)
			return "a tag runs past the end of the boot information";
		switch (tag->type) {
		case MB2_INFO_END:
			return NULL;
		case MB2_INFO_CMDLINE:
			bi->cmdline = (const char *)(tag + 1);
			break;
		case MB2_INFO_MODULE: {
			const struct mb2_module *m = (const void *)tag;

			err = add_module(bi, m->start, m->end, m->string);
			break;
		}
		case MB2_INFO_MEMINFO: {
			const struct mb2_meminfo *m = (const void *)tag;

			bi->has_meminfo = true;
			bi->mem_lower = m->mem_lower;
			bi->mem_upper = m->mem_upper;
			break;
		}
		case MB2_INFO_MMAP:
			err = mb2_mmap((const void *)tag, bi);
			break;
		}
	}
	return err ? err : "no end tag";
}

const char *mb_parse(uint32_t magic, uint32_t info, struct boot_info *bi)
{
	memset(bi, 0, sizeof(*bi));
	if (magic == MB1_LOADER_MAGIC)
		return mb1_parse(phys(info), bi);
	if (magic == MB2_LOADER_MAGIC)
		return mb2_parse(phys(info), bi);
	return "unknown loader magic";
}
