/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the multiboot2 parser. Each info is built in a scratch buffer, then copied into a
 * heap block of exactly `avail` bytes, so that AddressSanitizer catches any read past what the
 * parser was allowed to see.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/mb2.h"

#define MAGIC	MB2_BOOTLOADER_MAGIC

struct builder {
	_Alignas(8) uint8_t buf[8192];
	size_t off;
};

/* The heap copy the last parse ran on; freed after each test. */
static uint8_t *copy;

static void b_init(struct builder *b)
{
	memset(b->buf, 0, sizeof(b->buf));
	b->off = 8;
}

static void put32(struct builder *b, size_t at, uint32_t v)
{
	memcpy(b->buf + at, &v, sizeof(v));
}

/* Appends a tag with the given payload; returns its offset. */
static size_t b_tag(struct builder *b, uint32_t type, const void *payload, size_t len)
{
	size_t at = b->off;

	put32(b, at, type);
	put32(b, at + 4, (uint32_t)(8 + len));
	if (len)
		memcpy(b->buf + at + 8, payload, len);
	b->off = (at + 8 + len + 7) & ~(size_t)7;
	return at;
}

static size_t b_string(struct builder *b, uint32_t type, const char *s)
{
	return b_tag(b, type, s, strlen(s) + 1);
}

static size_t b_module(struct builder *b, uint32_t start, uint32_t end, const char *s)
{
	uint8_t p[256];
	size_t n = strlen(s) + 1;

	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	memcpy(p + 8, s, n);
	return b_tag(b, MB2_TAG_MODULE, p, 8 + n);
}

struct raw_entry {
	uint64_t base, len;
	uint32_t type;
};

static size_t b_mmap(struct builder *b, uint32_t entry_size, const struct raw_entry *e,
		     unsigned int n)
{
	uint8_t p[4096];

	memset(p, 0, sizeof(p));
	memcpy(p, &entry_size, 4);
	for (unsigned int i = 0; i < n; i++) {
		memcpy(p + 8 + i * entry_size, &e[i].base, 8);
		memcpy(p + 8 + i * entry_size + 8, &e[i].len, 8);
		memcpy(p + 8 + i * entry_size + 16, &e[i].type, 4);
	}
	return b_tag(b, MB2_TAG_MMAP, p, 8 + (size_t)n * entry_size);
}

static const struct raw_entry one_ram[] = { { 0x100000, 0x7f00000, 1 } };

static size_t b_min_mmap(struct builder *b)
{
	return b_mmap(b, 24, one_ram, 1);
}

/* The end tag and total_size; returns total_size. */
static size_t b_finish(struct builder *b)
{
	b_tag(b, MB2_TAG_END, NULL, 0);
	put32(b, 0, (uint32_t)b->off);
	return b->off;
}

/* Parses the first avail bytes of the builder from an exactly sized heap copy. */
static int parse_n(struct builder *b, size_t avail, struct mb2_info *out)
{
	free(copy);
	copy = malloc(avail);
	assert_non_null(copy);
	memcpy(copy, b->buf, avail);
	return mb2_parse(MAGIC, copy, avail, out);
}

static int parse(struct builder *b, struct mb2_info *out)
{
	return parse_n(b, b->off, out);
}

static int free_copy(void **state)
{
	(void)state;
	free(copy);
	copy = NULL;
	return 0;
}

static bool inside_info(const struct mb2_info *mi, const void *p)
{
	return (uintptr_t)p >= mi->info_start && (uintptr_t)p < mi->info_end;
}

static void test_well_formed(void **state)
{
	static const struct raw_entry map[] = {
		{ 0x0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
		{ 0x500000, 0, 1 },		/* empty: dropped */
		{ 0x100000, 0x7ee0000, 1 },
		{ 0xfffc0000, 0x40000, 2 },
	};
	uint8_t rsdp_v1[20] = "RSD PTR ", rsdp_v2[36] = "RSD PTR ";
	uint8_t unknown[12] = { 1, 2, 3 };
	uint32_t meminfo[2] = { 639, 130048 };
	struct builder b;
	struct mb2_info mi;
	size_t v1, v2, total;

	(void)state;
	rsdp_v2[15] = 2;
	b_init(&b);
	b_string(&b, MB2_TAG_CMDLINE, "timer=sw log=debug");
	b_string(&b, MB2_TAG_LOADER_NAME, "GRUB 2.06");
	b_module(&b, 0x200000, 0x2c0000, "/boot/guest.elf quiet");
	b_module(&b, 0x400000, 0x400000, "");
	b_tag(&b, MB2_TAG_BASIC_MEMINFO, meminfo, sizeof(meminfo));
	b_tag(&b, 21, unknown, sizeof(unknown));	/* image load base: skipped */
	b_mmap(&b, 24, map, 5);
	v1 = b_tag(&b, MB2_TAG_ACPI_OLD, rsdp_v1, sizeof(rsdp_v1));
	v2 = b_tag(&b, MB2_TAG_ACPI_NEW, rsdp_v2, sizeof(rsdp_v2));
	total = b_finish(&b);

	assert_int_equal(parse(&b, &mi), MB2_OK);
	assert_string_equal(mi.cmdline, "timer=sw log=debug");
	assert_true(inside_info(&mi, mi.cmdline));
	assert_string_equal(mi.loader_name, "GRUB 2.06");
	assert_int_equal(mi.module_count, 2);
	assert_int_equal(mi.modules[0].start, 0x200000);
	assert_int_equal(mi.modules[0].end, 0x2c0000);
	assert_string_equal(mi.modules[0].string, "/boot/guest.elf quiet");
	assert_true(inside_info(&mi, mi.modules[0].string));
	assert_int_equal(mi.modules[1].start, 0x400000);
	assert_int_equal(mi.modules[1].end, 0x400000);
	assert_string_equal(mi.modules[1].string, "");
	assert_int_equal(mi.mem_lower_kb, 639);
	assert_int_equal(mi.mem_upper_kb, 130048);
	assert_int_equal(mi.mmap_count, 4);
	assert_int_equal(mi.mmap[0].base, 0);
	assert_int_equal(mi.mmap[0].len, 0x9fc00);
	assert_int_equal(mi.mmap[0].type, 1);
	assert_int_equal(mi.mmap[1].type, 2);
	assert_int_equal(mi.mmap[2].base, 0x100000);
	assert_int_equal(mi.mmap[2].len, 0x7ee0000);
	assert_int_equal(mi.mmap[3].base, 0xfffc0000);
	assert_int_equal(mi.mmap[3].type, 2);
	assert_int_equal(mi.rsdp, (uintptr_t)copy + v2 + 8);
	assert_int_equal(mi.rsdp_revision, 2);
	assert_memory_equal((const void *)(uintptr_t)mi.rsdp, "RSD PTR ", 8);
	assert_int_not_equal(mi.rsdp, (uintptr_t)copy + v1 + 8);
	assert_int_equal(mi.info_start, (uintptr_t)copy);
	assert_int_equal(mi.info_end, (uintptr_t)copy + total);
}

static void test_minimal_defaults(void **state)
{
	struct builder b;
	struct mb2_info mi;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_OK);
	assert_string_equal(mi.cmdline, "");
	assert_string_equal(mi.loader_name, "");
	assert_int_equal(mi.module_count, 0);
	assert_int_equal(mi.mmap_count, 1);
	assert_int_equal(mi.rsdp, 0);
	assert_int_equal(mi.mem_lower_kb, 0);
	assert_int_equal(mi.mem_upper_kb, 0);
}

/* Tag 15 wins whatever the order; tag 14 alone gives revision 0. */
static void test_rsdp_choice(void **state)
{
	uint8_t v1[20] = "RSD PTR ", v2[36] = "RSD PTR ";
	struct builder b;
	struct mb2_info mi;
	size_t at;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	at = b_tag(&b, MB2_TAG_ACPI_NEW, v2, sizeof(v2));
	b_tag(&b, MB2_TAG_ACPI_OLD, v1, sizeof(v1));
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_OK);
	assert_int_equal(mi.rsdp, (uintptr_t)copy + at + 8);
	assert_int_equal(mi.rsdp_revision, 2);

	b_init(&b);
	b_min_mmap(&b);
	at = b_tag(&b, MB2_TAG_ACPI_OLD, v1, sizeof(v1));
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_OK);
	assert_int_equal(mi.rsdp, (uintptr_t)copy + at + 8);
	assert_int_equal(mi.rsdp_revision, 0);
}

static void test_rsdp_too_small(void **state)
{
	uint8_t v[20] = "RSD PTR ";
	struct builder b;
	struct mb2_info mi;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	b_tag(&b, MB2_TAG_ACPI_NEW, v, sizeof(v));	/* a v1-sized copy in a v2 tag */
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_TAG_SIZE);
	assert_int_equal(mi.err_tag, MB2_TAG_ACPI_NEW);
}

/* A future, larger entry_size is stepped over, only the known fields are read. */
static void test_mmap_larger_entries(void **state)
{
	static const struct raw_entry map[] = {
		{ 0x100000, 0x100000, 1 }, { 0x300000, 0x1000, 3 }, { 0x400000, 0x200000, 1 },
	};
	struct builder b;
	struct mb2_info mi;

	(void)state;
	b_init(&b);
	b_mmap(&b, 32, map, 3);
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_OK);
	assert_int_equal(mi.mmap_count, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(mi.mmap[i].base, map[i].base);
		assert_int_equal(mi.mmap[i].len, map[i].len);
		assert_int_equal(mi.mmap[i].type, map[i].type);
	}
}

static void test_bad_magic(void **state)
{
	struct builder b;
	struct mb2_info mi;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	b_finish(&b);
	assert_int_equal(mb2_parse(0x2badb002, b.buf, b.off, &mi), MB2_ERR_MAGIC);
	assert_int_equal(mb2_parse(0, b.buf, b.off, &mi), MB2_ERR_MAGIC);
	/* A valid info with the right magic parses, so the magic alone made the difference. */
	assert_int_equal(mb2_parse(MAGIC, b.buf, b.off, &mi), MB2_OK);
}

static void test_null(void **state)
{
	struct mb2_info mi;

	(void)state;
	assert_int_equal(mb2_parse(MAGIC, NULL, 4096, &mi), MB2_ERR_NULL);
	assert_string_equal(mi.cmdline, "");
}

static void test_misaligned(void **state)
{
	_Alignas(8) uint8_t buf[128];
	struct builder b;
	struct mb2_info mi;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	b_finish(&b);
	memcpy(buf + 4, b.buf, b.off);
	assert_int_equal(mb2_parse(MAGIC, buf + 4, b.off, &mi), MB2_ERR_ALIGN);
	assert_int_equal(mb2_parse(MAGIC, buf + 1, b.off, &mi), MB2_ERR_ALIGN);
}

static void test_total_size(void **state)
{
	struct builder b;
	struct mb2_info mi;
	size_t total;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	total = b_finish(&b);

	/* total_size claims more than the loader's area: the info was truncated. */
	assert_int_equal(parse_n(&b, total - 8, &mi), MB2_ERR_TOTAL_SIZE);
	/* Too little to even hold the header and an end tag. */
	assert_int_equal(parse_n(&b, 8, &mi), MB2_ERR_TOTAL_SIZE);
	put32(&b, 0, 8);
	assert_int_equal(parse(&b, &mi), MB2_ERR_TOTAL_SIZE);
	put32(&b, 0, 0);
	assert_int_equal(parse(&b, &mi), MB2_ERR_TOTAL_SIZE);
	put32(&b, 0, 0xffffffff);
	assert_int_equal(parse(&b, &mi), MB2_ERR_TOTAL_SIZE);
}

static void test_tag_past_end(void **state)
{
	struct builder b;
	struct mb2_info mi;
	size_t at;

	(void)state;
	b_init(&b);
	b_string(&b, MB2_TAG_CMDLINE, "log=info");
	at = b_min_mmap(&b);
	b_finish(&b);
	put32(&b, at + 4, 8 + 8 + 24 * 4);	/* claims 4 entries, the info holds 1 */
	assert_int_equal(parse(&b, &mi), MB2_ERR_TRUNCATED);
	assert_int_equal(mi.err_tag, MB2_TAG_MMAP);
	assert_int_equal(mi.err_offset, at);

	/* A size that would wrap a 32-bit offset. */
	put32(&b, at + 4, 0xfffffff8);
	assert_int_equal(parse(&b, &mi), MB2_ERR_TRUNCATED);
}

/* The end tag itself must fit: total_size cuts it in half. */
static void test_end_tag_cut(void **state)
{
	struct builder b;
	struct mb2_info mi;
	size_t total;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	total = b_finish(&b);
	put32(&b, 0, (uint32_t)(total - 4));
	assert_int_equal(parse_n(&b, total - 4, &mi), MB2_ERR_NO_END_TAG);
}

static void test_tag_too_small(void **state)
{
	struct builder b;
	struct mb2_info mi;
	size_t at;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	at = b_string(&b, MB2_TAG_CMDLINE, "x");
	b_finish(&b);
	put32(&b, at + 4, 4);
	assert_int_equal(parse(&b, &mi), MB2_ERR_TAG_SIZE);
	assert_int_equal(mi.err_tag, MB2_TAG_CMDLINE);
	assert_int_equal(mi.err_offset, at);
	/* Size 0 would make a naive parser loop forever on the same tag. */
	put32(&b, at + 4, 0);
	assert_int_equal(parse(&b, &mi), MB2_ERR_TAG_SIZE);
	/* An unknown tag is skipped, but its size is still checked. */
	put32(&b, at, 99);
	assert_int_equal(parse(&b, &mi), MB2_ERR_TAG_SIZE);
}

static void test_fixed_fields_too_small(void **state)
{
	uint32_t two[2] = { 1, 2 };
	struct builder b;
	struct mb2_info mi;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	b_tag(&b, MB2_TAG_BASIC_MEMINFO, two, 4);
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_TAG_SIZE);
	assert_int_equal(mi.err_tag, MB2_TAG_BASIC_MEMINFO);

	b_init(&b);
	b_min_mmap(&b);
	b_tag(&b, MB2_TAG_MODULE, two, 8);	/* start and end, no string at all */
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_TAG_SIZE);

	b_init(&b);
	b_tag(&b, MB2_TAG_MMAP, two, 4);	/* entry_size, no entry_version */
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_TAG_SIZE);
}

static void test_missing_end_tag(void **state)
{
	struct builder b;
	struct mb2_info mi;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	b_string(&b, MB2_TAG_CMDLINE, "timer=hv");
	put32(&b, 0, (uint32_t)b.off);
	assert_int_equal(parse(&b, &mi), MB2_ERR_NO_END_TAG);
}

static void test_bad_end_tag(void **state)
{
	struct builder b;
	struct mb2_info mi;
	size_t at;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	at = b_tag(&b, MB2_TAG_END, "\0\0\0\0\0\0\0", 8);
	put32(&b, 0, (uint32_t)b.off);
	assert_int_equal(parse(&b, &mi), MB2_ERR_BAD_END_TAG);
	assert_int_equal(mi.err_offset, at);
}

static void test_unterminated_strings(void **state)
{
	static const uint32_t types[] = { MB2_TAG_CMDLINE, MB2_TAG_LOADER_NAME };
	struct builder b;
	struct mb2_info mi;
	size_t at;

	(void)state;
	for (unsigned int i = 0; i < 2; i++) {
		b_init(&b);
		b_min_mmap(&b);
		/* The padding after the tag is zero: the parser must not borrow it as the NUL. */
		at = b_tag(&b, types[i], "abc", 3);
		b_finish(&b);
		assert_int_equal(parse(&b, &mi), MB2_ERR_BAD_STRING);
		assert_int_equal(mi.err_tag, types[i]);
		assert_int_equal(mi.err_offset, at);

		/* An empty tag has no room even for the NUL. */
		b_init(&b);
		b_min_mmap(&b);
		b_tag(&b, types[i], NULL, 0);
		b_finish(&b);
		assert_int_equal(parse(&b, &mi), MB2_ERR_TAG_SIZE);
	}

	b_init(&b);
	b_min_mmap(&b);
	at = b_module(&b, 0x200000, 0x300000, "guest");
	put32(&b, at + 4, 16 + 5);	/* cut the NUL off */
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_BAD_STRING);
	assert_int_equal(mi.err_tag, MB2_TAG_MODULE);
}

static void test_mmap_entry_size(void **state)
{
	static const uint32_t bad[] = { 0, 8, 16, 20, 28, 36 };
	uint8_t p[64];
	struct builder b;
	struct mb2_info mi;

	(void)state;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(p, 0, sizeof(p));
		memcpy(p, &bad[i], 4);
		p[8 + 9] = 1;		/* some length, so that only entry_size is wrong */
		p[8 + 16] = 1;
		b_init(&b);
		b_tag(&b, MB2_TAG_MMAP, p, 8 + 40);
		b_finish(&b);
		assert_int_equal(parse(&b, &mi), MB2_ERR_BAD_MMAP);
		assert_int_equal(mi.err_tag, MB2_TAG_MMAP);
	}
}

static void test_mmap_partial_entry(void **state)
{
	struct builder b;
	struct mb2_info mi;
	size_t at;

	(void)state;
	b_init(&b);
	at = b_mmap(&b, 24, one_ram, 1);
	put32(&b, at + 4, 16 + 24 + 8);		/* one entry and a third */
	b.off += 8;
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_BAD_MMAP);
}

static void test_mmap_wraps(void **state)
{
	static const struct raw_entry map[] = { { 0xfffffffffffff000, 0x2000, 2 } };
	struct builder b;
	struct mb2_info mi;

	(void)state;
	b_init(&b);
	b_mmap(&b, 24, map, 1);
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_BAD_MMAP);
}

static void test_module_backwards(void **state)
{
	struct builder b;
	struct mb2_info mi;
	size_t at;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	at = b_module(&b, 0x300000, 0x2fffff, "guest");
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_BAD_MODULE);
	assert_int_equal(mi.err_tag, MB2_TAG_MODULE);
	assert_int_equal(mi.err_offset, at);
}

static void test_too_many_modules(void **state)
{
	struct builder b;
	struct mb2_info mi;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	for (unsigned int i = 0; i < MB2_MAX_MODULES; i++)
		b_module(&b, 0x200000 + i * 0x1000, 0x201000 + i * 0x1000, "m");
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_OK);
	assert_int_equal(mi.module_count, MB2_MAX_MODULES);
	assert_int_equal(mi.modules[MB2_MAX_MODULES - 1].start,
			 0x200000 + (MB2_MAX_MODULES - 1) * 0x1000);

	b.off -= 8;		/* drop the end tag, add one more module */
	b_module(&b, 0x900000, 0x901000, "one too many");
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_TOO_MANY);
	assert_int_equal(mi.err_tag, MB2_TAG_MODULE);
}

static void test_too_many_mmap_entries(void **state)
{
	struct raw_entry map[MB2_MAX_MMAP + 1];
	struct builder b;
	struct mb2_info mi;

	(void)state;
	for (unsigned int i = 0; i <= MB2_MAX_MMAP; i++)
		map[i] = (struct raw_entry){ 0x100000ull * (i + 1), 0x1000, 1 + i % 2 };
	b_init(&b);
	b_mmap(&b, 24, map, MB2_MAX_MMAP);
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_OK);
	assert_int_equal(mi.mmap_count, MB2_MAX_MMAP);

	b_init(&b);
	b_mmap(&b, 24, map, MB2_MAX_MMAP + 1);
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_TOO_MANY);
	assert_int_equal(mi.err_tag, MB2_TAG_MMAP);
}

static void test_no_mmap(void **state)
{
	static const struct raw_entry empty[] = { { 0x100000, 0, 1 } };
	struct builder b;
	struct mb2_info mi;

	(void)state;
	b_init(&b);
	b_string(&b, MB2_TAG_CMDLINE, "timer=hv");
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_NO_MMAP);

	/* A map whose only entry is empty is no map either. */
	b_init(&b);
	b_mmap(&b, 24, empty, 1);
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_NO_MMAP);
}

static void test_duplicates(void **state)
{
	uint8_t unknown[8] = { 0 };
	struct builder b;
	struct mb2_info mi;
	size_t at;

	(void)state;
	b_init(&b);
	b_min_mmap(&b);
	at = b_min_mmap(&b);
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_DUPLICATE);
	assert_int_equal(mi.err_offset, at);

	b_init(&b);
	b_min_mmap(&b);
	b_string(&b, MB2_TAG_CMDLINE, "a=1");
	b_string(&b, MB2_TAG_CMDLINE, "a=2");
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_ERR_DUPLICATE);

	/* Types the parser skips may repeat (framebuffer, EFI tags, ...). */
	b_init(&b);
	b_min_mmap(&b);
	b_tag(&b, 8, unknown, sizeof(unknown));
	b_tag(&b, 8, unknown, sizeof(unknown));
	b_tag(&b, 1000, unknown, sizeof(unknown));
	b_tag(&b, 1000, unknown, sizeof(unknown));
	b_finish(&b);
	assert_int_equal(parse(&b, &mi), MB2_OK);
}

static void test_strerror(void **state)
{
	(void)state;
	for (int i = 0; i < MB2_ERR_COUNT; i++) {
		assert_non_null(mb2_strerror(i));
		assert_true(strlen(mb2_strerror(i)) > 5);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(mb2_strerror(i), mb2_strerror(j));
	}
	assert_string_equal(mb2_strerror(-1), "unknown multiboot2 error");
	assert_string_equal(mb2_strerror(MB2_ERR_COUNT), "unknown multiboot2 error");
	assert_string_equal(mb2_tag_name(MB2_TAG_MMAP), "memory map");
	assert_string_equal(mb2_tag_name(1234), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_well_formed, free_copy),
		cmocka_unit_test_teardown(test_minimal_defaults, free_copy),
		cmocka_unit_test_teardown(test_rsdp_choice, free_copy),
		cmocka_unit_test_teardown(test_rsdp_too_small, free_copy),
		cmocka_unit_test_teardown(test_mmap_larger_entries, free_copy),
		cmocka_unit_test_teardown(test_bad_magic, free_copy),
		cmocka_unit_test_teardown(test_null, free_copy),
		cmocka_unit_test_teardown(test_misaligned, free_copy),
		cmocka_unit_test_teardown(test_total_size, free_copy),
		cmocka_unit_test_teardown(test_tag_past_end, free_copy),
		cmocka_unit_test_teardown(test_end_tag_cut, free_copy),
		cmocka_unit_test_teardown(test_tag_too_small, free_copy),
		cmocka_unit_test_teardown(test_fixed_fields_too_small, free_copy),
		cmocka_unit_test_teardown(test_missing_end_tag, free_copy),
		cmocka_unit_test_teardown(test_bad_end_tag, free_copy),
		cmocka_unit_test_teardown(test_unterminated_strings, free_copy),
		cmocka_unit_test_teardown(test_mmap_entry_size, free_copy),
		cmocka_unit_test_teardown(test_mmap_partial_entry, free_copy),
		cmocka_unit_test_teardown(test_mmap_wraps, free_copy),
		cmocka_unit_test_teardown(test_module_backwards, free_copy),
		cmocka_unit_test_teardown(test_too_many_modules, free_copy),
		cmocka_unit_test_teardown(test_too_many_mmap_entries, free_copy),
		cmocka_unit_test_teardown(test_no_mmap, free_copy),
		cmocka_unit_test_teardown(test_duplicates, free_copy),
		cmocka_unit_test_teardown(test_strerror, free_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
