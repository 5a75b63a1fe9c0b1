/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the guest kernel loader. Kernel images are built here, byte by byte: ELF32 and
 * ELF64 headers, program headers and multiboot headers. Each load runs on a heap copy of exactly
 * the image's size, into a heap guest RAM of exactly RAM_SIZE, so that AddressSanitizer catches
 * any access past either. The multiboot2 information is read back with the hypervisor's own
 * parser (arch/x86/mb2.c) as well as field by field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/mb2.h"
#include "loader/guest_load.h"

#define KIB		1024ull
#define MIB		(1024 * KIB)
#define RAM_SIZE	(16 * MIB)
#define RAM_FILL	0xa5	/* what guest RAM holds before a load: .bss must come out 0 */

#define MB1_MAGIC	0x1badb002u
#define MB2_MAGIC	0xe85250d6u
#define MB1_LOADER	0x2badb002u

#define MB_OFF		0x200	/* where the builders put a multiboot header */
#define DATA_OFF	0x1000	/* where segment data starts in the file */

#define ET_EXEC		2
#define EM_386		3
#define EM_X86_64	62
#define PT_LOAD		1
#define PT_NOTE		4

static uint8_t *ram;

struct image {
	uint8_t buf[96 * 1024];
	size_t size;
};

struct seg {
	uint64_t paddr, vaddr, filesz, memsz;
	uint32_t type;		/* 0 reads as PT_LOAD */
};

struct result {
	int rc;
	struct guest_entry e;
	char err[512];
};

static int setup(void **state)
{
	(void)state;
	ram = malloc(RAM_SIZE);
	assert_non_null(ram);
	memset(ram, RAM_FILL, RAM_SIZE);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

/* ---- image builders ---- */

static void w16(struct image *im, size_t at, uint16_t v)
{
	memcpy(im->buf + at, &v, sizeof(v));
}

static void w32(struct image *im, size_t at, uint32_t v)
{
	memcpy(im->buf + at, &v, sizeof(v));
}

static void w64(struct image *im, size_t at, uint64_t v)
{
	memcpy(im->buf + at, &v, sizeof(v));
}

static void wword(struct image *im, int cls, size_t at, uint64_t v)
{
	if (cls == 64)
		w64(im, at, v);
	else
		w32(im, at, (uint32_t)v);
}

static size_t ehdr_size(int cls)
{
	return cls == 64 ? 64 : 52;
}

static size_t phdr_size(int cls)
{
	return cls == 64 ? 56 : 32;
}

/* Offset of program header i and of its fields. */
static size_t ph_at(int cls, unsigned int i)
{
	return ehdr_size(cls) + i * phdr_size(cls);
}

static size_t ph_offset(int cls, unsigned int i)
{
	return ph_at(cls, i) + (cls == 64 ? 8 : 4);
}

static size_t ph_paddr(int cls, unsigned int i)
{
	return ph_at(cls, i) + (cls == 64 ? 24 : 12);
}

static size_t ph_filesz(int cls, unsigned int i)
{
	return ph_at(cls, i) + (cls == 64 ? 32 : 16);
}

static size_t ph_memsz(int cls, unsigned int i)
{
	return ph_at(cls, i) + (cls == 64 ? 40 : 20);
}

/* Header fields. */
#define E_IDENT_CLASS	4
#define E_IDENT_DATA	5
#define E_IDENT_VERSION	6
#define E_TYPE		16
#define E_MACHINE	18

static size_t e_phoff(int cls)
{
	return cls == 64 ? 32 : 28;
}

static size_t e_phentsize(int cls)
{
	return cls == 64 ? 54 : 42;
}

static size_t e_phnum(int cls)
{
	return cls == 64 ? 56 : 44;
}

/* The byte at offset k of segment i's file data. */
static uint8_t pattern(unsigned int i, size_t k)
{
	return (uint8_t)(i * 37 + k * 7 + 1);
}

/*
 * An ELF executable: header, program headers, then each segment's data from DATA_OFF, each on a
 * 4 KiB file boundary. No multiboot header: the tests add one at MB_OFF.
 */
static void build_elf(struct image *im, int cls, uint64_t entry, const struct seg *s,
		      unsigned int n)
{
	size_t off = DATA_OFF, k;
	unsigned int i;

	memset(im, 0, sizeof(*im));
	memcpy(im->buf, "\x7f" "ELF", 4);
	im->buf[E_IDENT_CLASS] = cls == 64 ? 2 : 1;
	im->buf[E_IDENT_DATA] = 1;
	im->buf[E_IDENT_VERSION] = 1;
	w16(im, E_TYPE, ET_EXEC);
	w16(im, E_MACHINE, cls == 64 ? EM_X86_64 : EM_386);
	w32(im, 20, 1);
	wword(im, cls, 24, entry);
	wword(im, cls, e_phoff(cls), ehdr_size(cls));
	w16(im, cls == 64 ? 52 : 40, (uint16_t)ehdr_size(cls));
	w16(im, e_phentsize(cls), (uint16_t)phdr_size(cls));
	w16(im, e_phnum(cls), (uint16_t)n);
	for (i = 0; i < n; i++) {
		size_t ph = ph_at(cls, i);

		w32(im, ph, s[i].type ? s[i].type : PT_LOAD);
		wword(im, cls, ph_offset(cls, i), off);
		wword(im, cls, ph + (cls == 64 ? 16 : 8), s[i].vaddr ? s[i].vaddr : s[i].paddr);
		wword(im, cls, ph_paddr(cls, i), s[i].paddr);
		wword(im, cls, ph_filesz(cls, i), s[i].filesz);
		wword(im, cls, ph_memsz(cls, i), s[i].memsz);
		for (k = 0; k < s[i].filesz; k++)
			im->buf[off + k] = pattern(i, k);
		off += (s[i].filesz + 0xfff) & ~(size_t)0xfff;
	}
	im->size = off;
}

static void mb1_header(struct image *im, size_t at, uint32_t flags)
{
	w32(im, at, MB1_MAGIC);
	w32(im, at + 4, flags);
	w32(im, at + 8, -(MB1_MAGIC + flags));
}

/* A v1 header with flag 16 and its address fields. */
static void mb1_kludge(struct image *im, size_t at, uint32_t header_addr, uint32_t load_addr,
		       uint32_t load_end_addr, uint32_t bss_end_addr, uint32_t entry_addr)
{
	mb1_header(im, at, 1u << 16 | 3);
	w32(im, at + 12, header_addr);
	w32(im, at + 16, load_addr);
	w32(im, at + 20, load_end_addr);
	w32(im, at + 24, bss_end_addr);
	w32(im, at + 28, entry_addr);
}

/* A multiboot2 header under construction. */
struct mb2h {
	struct image *im;
	size_t start;
	size_t off;
};

static void mb2_begin(struct mb2h *h, struct image *im, size_t at)
{
	h->im = im;
	h->start = at;
	h->off = at + 16;
	w32(im, at, MB2_MAGIC);
	w32(im, at + 4, 0);
}

static void mb2_tag(struct mb2h *h, uint16_t type, uint16_t flags, const void *payload,
		    uint32_t len)
{
	w16(h->im, h->off, type);
	w16(h->im, h->off + 2, flags);
	w32(h->im, h->off + 4, 8 + len);
	if (len)
		memcpy(h->im->buf + h->off + 8, payload, len);
	h->off = (h->off + 8 + len + 7) & ~(size_t)7;
}

static void mb2_tag32(struct mb2h *h, uint16_t type, uint16_t flags, uint32_t v)
{
	mb2_tag(h, type, flags, &v, sizeof(v));
}

/* Adds the end tag and seals the header: header_length and checksum. */
static void mb2_end(struct mb2h *h)
{
	uint32_t len, arch;

	mb2_tag(h, 0, 0, NULL, 0);
	len = (uint32_t)(h->off - h->start);
	memcpy(&arch, h->im->buf + h->start + 4, 4);
	w32(h->im, h->start + 8, len);
	w32(h->im, h->start + 12, -(MB2_MAGIC + arch + len));
}

/* The header the guest test kernels carry: a module alignment tag. */
static void mb2_plain(struct image *im, size_t at)
{
	struct mb2h h;

	mb2_begin(&h, im, at);
	mb2_tag(&h, 6, 0, NULL, 0);
	mb2_end(&h);
}

/* ---- running the loader ---- */

static struct result load_mods(const struct image *im, const char *cmdline,
			       const struct guest_module *mods, unsigned int nmods,
			       uint64_t ram_size)
{
	struct result r;
	uint8_t *copy = malloc(im->size ? im->size : 1);
	struct guest_module k = { .data = copy, .size = im->size };
	struct guest_load_req req;

	assert_non_null(copy);
	memcpy(copy, im->buf, im->size);
	memset(&r, 0, sizeof(r));
	req = (struct guest_load_req){
		.ram = ram, .ram_size = ram_size, .kernel = &k, .cmdline = cmdline, .mods = mods,
		.nmods = nmods,
	};
	r.rc = guest_load(&req, &r.e, r.err, sizeof(r.err));
	free(copy);
	return r;
}

static struct result load(const struct image *im)
{
	return load_mods(im, "", NULL, 0, RAM_SIZE);
}

static struct result load_ok(const struct image *im)
{
	struct result r = load(im);

	if (r.rc)
		fail_msg("load failed: %s", r.err);
	return r;
}

/* A message is one sentence, short enough for one log line. */
#define ERR_MAX		192

/* Expects the load to fail with a message that contains want. */
static void expect_err_in(const struct result *r, const char *want)
{
	if (r->rc != -1 || !strstr(r->err, want))
		fail_msg("rc %d, err \"%s\": expected an error with \"%s\"", r->rc, r->err, want);
	assert_true(strlen(r->err) < ERR_MAX);
}

static void expect_err(const struct image *im, const char *want)
{
	struct result r = load(im);

	expect_err_in(&r, want);
}

static uint32_t r32(uint64_t gpa)
{
	uint32_t v;

	assert_true(gpa + 4 <= RAM_SIZE);
	memcpy(&v, ram + gpa, 4);
	return v;
}

static uint64_t r64(uint64_t gpa)
{
	uint64_t v;

	assert_true(gpa + 8 <= RAM_SIZE);
	memcpy(&v, ram + gpa, 8);
	return v;
}

/* The NUL-terminated string at gpa, which must end inside guest RAM. */
static const char *rstr(uint64_t gpa)
{
	assert_true(gpa < RAM_SIZE);
	assert_true(strnlen((const char *)ram + gpa, RAM_SIZE - gpa) < RAM_SIZE - gpa);
	return (const char *)ram + gpa;
}

/* Segment i of the image came to paddr, then zeroes up to memsz. */
static void assert_loaded(const struct image *im, size_t file_off, uint64_t paddr,
			  uint64_t filesz, uint64_t memsz)
{
	uint64_t k;

	assert_memory_equal(ram + paddr, im->buf + file_off, filesz);
	for (k = filesz; k < memsz; k++)
		if (ram[paddr + k])
			fail_msg("byte 0x%llx of .bss at 0x%llx is 0x%02x, not 0",
				 (unsigned long long)k, (unsigned long long)paddr, ram[paddr + k]);
}

static void assert_untouched(uint64_t from, uint64_t to)
{
	for (uint64_t a = from; a < to; a++)
		if (ram[a] != RAM_FILL)
			fail_msg("guest RAM at 0x%llx was written", (unsigned long long)a);
}

static uint8_t *module_data(size_t size, uint8_t seed)
{
	uint8_t *p = malloc(size ? size : 1);

	assert_non_null(p);
	for (size_t i = 0; i < size; i++)
		p[i] = (uint8_t)(seed + i * 13);
	return p;
}

/* ---- successful loads ---- */

static const struct seg one_seg[] = { { .paddr = 0x100000, .filesz = 0x10, .memsz = 0x10 } };

static const struct seg two_segs[] = {
	{ .paddr = 0x100000, .filesz = 0x1800, .memsz = 0x3000 },
	{ .paddr = 0x104000, .filesz = 0x100, .memsz = 0x100 },
};

static void test_mb1_elf32(void **state)
{
	struct image im;
	uint8_t *m1 = module_data(5000, 1), *m2 = module_data(3, 2);
	struct guest_module mods[] = {
		{ .data = m1, .size = 5000, .string = "initrd-a root=/dev/x" },
		{ .data = m2, .size = 3, .string = NULL },
	};
	const char *cmdline = "console=ttyS0 timer=hv";
	uint32_t info, mods_addr, mmap;
	struct result r;

	(void)state;
	build_elf(&im, 32, 0x100010, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	r = load_mods(&im, cmdline, mods, 2, RAM_SIZE);
	if (r.rc)
		fail_msg("%s", r.err);

	assert_loaded(&im, DATA_OFF, 0x100000, 0x1800, 0x3000);
	assert_loaded(&im, DATA_OFF + 0x2000, 0x104000, 0x100, 0x100);
	assert_untouched(0x103000, 0x104000);
	assert_untouched(0, 0x100000);
	assert_int_equal(r.e.eip, 0x100010);
	assert_int_equal(r.e.eax, MB1_LOADER);
	assert_int_equal(r.e.protocol, 1);
	assert_int_equal(r.e.elf_class, 32);
	assert_int_equal(r.e.image_start, 0x100000);
	assert_int_equal(r.e.image_end, 0x104100);

	/* Modules on the pages after the kernel, in order; the information after them. */
	info = r.e.ebx;
	assert_int_equal(info, 0x108000);
	assert_int_equal(r32(info), 1u << 0 | 1u << 2 | 1u << 3 | 1u << 6 | 1u << 9);
	assert_int_equal(r32(info + 4), 639);
	assert_int_equal(r32(info + 8), (RAM_SIZE - MIB) / 1024);
	assert_string_equal(rstr(r32(info + 16)), cmdline);
	assert_int_equal(r32(info + 20), 2);
	mods_addr = r32(info + 24);
	assert_true(mods_addr >= info);
	assert_int_equal(r32(mods_addr), 0x105000);
	assert_int_equal(r32(mods_addr + 4), 0x105000 + 5000);
	assert_string_equal(rstr(r32(mods_addr + 8)), "initrd-a root=/dev/x");
	assert_int_equal(r32(mods_addr + 12), 0);
	assert_int_equal(r32(mods_addr + 16), 0x107000);
	assert_int_equal(r32(mods_addr + 20), 0x107003);
	assert_string_equal(rstr(r32(mods_addr + 24)), "");
	assert_int_equal(r32(mods_addr + 28), 0);
	assert_memory_equal(ram + 0x105000, m1, 5000);
	assert_memory_equal(ram + 0x107000, m2, 3);

	/* Four entries, each {size = 20, base_addr, length, type} with size before the entry. */
	assert_int_equal(r32(info + 44), 4 * 24);
	mmap = r32(info + 48);
	assert_true(mmap >= info);
	assert_int_equal(r32(mmap), 20);
	assert_int_equal(r64(mmap + 4), 0);
	assert_int_equal(r64(mmap + 12), 0x9fc00);
	assert_int_equal(r32(mmap + 20), 1);
	assert_int_equal(r32(mmap + 24), 20);
	assert_int_equal(r64(mmap + 28), 0x9fc00);
	assert_int_equal(r64(mmap + 36), 0xa0000 - 0x9fc00);
	assert_int_equal(r32(mmap + 44), 2);
	assert_int_equal(r32(mmap + 48), 20);
	assert_int_equal(r64(mmap + 52), 0xe0000);
	assert_int_equal(r64(mmap + 60), 0x100000 - 0xe0000);
	assert_int_equal(r32(mmap + 68), 2);
	assert_int_equal(r32(mmap + 72), 20);
	assert_int_equal(r64(mmap + 76), 0x100000);
	assert_int_equal(r64(mmap + 84), RAM_SIZE - 0x100000);
	assert_int_equal(r32(mmap + 92), 1);
	assert_string_equal(rstr(r32(info + 64)), "tickvisor");
	/* The fields of the flags left clear are zero, not RAM_FILL. */
	assert_int_equal(r32(info + 12), 0);
	assert_int_equal(r32(info + 28), 0);
	assert_int_equal(r32(info + 60), 0);
	assert_int_equal(r32(info + 84), 0);
	free(m1);
	free(m2);
}

static void test_mb1_elf64_higher_half(void **state)
{
	const uint64_t high = 0xffffffff80000000ull;
	const struct seg s[] = {
		{ .paddr = 0x200000, .vaddr = high + 0x200000, .filesz = 0x2000, .memsz = 0x2000 },
		{ .paddr = 0x300000, .vaddr = high + 0x300000, .filesz = 0x10, .memsz = 0x5000 },
	};
	struct image im;
	struct result r;

	(void)state;
	build_elf(&im, 64, high + 0x200040, s, 2);
	mb1_header(&im, MB_OFF, 0);
	r = load_ok(&im);
	assert_loaded(&im, DATA_OFF, 0x200000, 0x2000, 0x2000);
	assert_loaded(&im, DATA_OFF + 0x2000, 0x300000, 0x10, 0x5000);
	/* e_entry is virtual: the guest starts at where its segment loads. */
	assert_int_equal(r.e.eip, 0x200040);
	assert_int_equal(r.e.elf_class, 64);
	assert_int_equal(r.e.protocol, 1);
	assert_int_equal(r.e.image_start, 0x200000);
	assert_int_equal(r.e.image_end, 0x305000);
	assert_int_equal(r.e.ebx, 0x305000);
	/* No modules: flag 3 still set, with a count of 0. */
	assert_int_equal(r32(r.e.ebx + 20), 0);
	assert_true(r32(r.e.ebx) & 1u << 3);
}

/* The information read back by the hypervisor's own multiboot2 parser, then tag by tag. */
static void test_mb2_info(void **state)
{
	struct image im;
	uint8_t *m1 = module_data(0x2345, 7);
	struct guest_module mods[] = { { .data = m1, .size = 0x2345, .string = "mod1 x=y" } };
	const char *cmdline = "tag=hello-42 modules=1";
	struct mb2_info info;
	static const uint32_t order[] = { 1, 2, 3, 4, 6, 0 };
	uint32_t total, off, ebx;
	unsigned int ntags = 0;
	struct result r;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb2_plain(&im, MB_OFF);
	r = load_mods(&im, cmdline, mods, 1, RAM_SIZE);
	if (r.rc)
		fail_msg("%s", r.err);
	ebx = r.e.ebx;
	assert_int_equal(r.e.eax, MB2_BOOTLOADER_MAGIC);
	assert_int_equal(r.e.protocol, 2);
	assert_int_equal(r.e.eip, 0x100000);
	assert_int_equal(ebx % 8, 0);
	assert_int_equal(ebx, 0x108000);

	assert_int_equal(mb2_parse(r.e.eax, ram + ebx, RAM_SIZE - ebx, &info), MB2_OK);
	assert_string_equal(info.cmdline, cmdline);
	assert_string_equal(info.loader_name, "tickvisor");
	assert_int_equal(info.module_count, 1);
	assert_int_equal(info.modules[0].start, 0x105000);
	assert_int_equal(info.modules[0].end, 0x105000 + 0x2345);
	assert_string_equal(info.modules[0].string, "mod1 x=y");
	assert_memory_equal(ram + 0x105000, m1, 0x2345);
	assert_int_equal(info.mem_lower_kb, 639);
	assert_int_equal(info.mem_upper_kb, (RAM_SIZE - MIB) / 1024);
	assert_int_equal(info.mmap_count, 4);
	assert_int_equal(info.mmap[0].base, 0);
	assert_int_equal(info.mmap[0].len, 0x9fc00);
	assert_int_equal(info.mmap[0].type, 1);
	assert_int_equal(info.mmap[1].base, 0x9fc00);
	assert_int_equal(info.mmap[1].len, 0x400);
	assert_int_equal(info.mmap[1].type, 2);
	assert_int_equal(info.mmap[2].base, 0xe0000);
	assert_int_equal(info.mmap[2].len, 0x20000);
	assert_int_equal(info.mmap[2].type, 2);
	assert_int_equal(info.mmap[3].base, 0x100000);
	assert_int_equal(info.mmap[3].len, RAM_SIZE - 0x100000);
	assert_int_equal(info.mmap[3].type, 1);
	assert_int_equal(info.rsdp, 0);

	/* Raw: reserved 0, tags 8-aligned in a fixed order, the end tag closing total_size. */
	total = r32(ebx);
	assert_int_equal(r32(ebx + 4), 0);
	assert_int_equal(total % 8, 0);
	for (off = 8; off < total; off = (off + r32(ebx + off + 4) + 7) & ~7u) {
		assert_true(ntags < 6);
		assert_int_equal(r32(ebx + off), order[ntags]);
		if (order[ntags] == 6) {
			assert_int_equal(r32(ebx + off + 4), 16 + 4 * 24);
			assert_int_equal(r32(ebx + off + 8), 24);
			assert_int_equal(r32(ebx + off + 12), 0);
			assert_int_equal(r32(ebx + off + 16 + 20), 0);	/* entry reserved */
		}
		if (!order[ntags]) {
			assert_int_equal(r32(ebx + off + 4), 8);
			assert_int_equal(off + 8, total);
		}
		ntags++;
	}
	assert_int_equal(ntags, 6);
	free(m1);
}

static void test_mb2_preferred(void **state)
{
	struct image im;
	struct result r;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	mb2_plain(&im, MB_OFF + 0x40);
	r = load_ok(&im);
	assert_int_equal(r.e.protocol, 2);
	assert_int_equal(r.e.eax, MB2_BOOTLOADER_MAGIC);
}

static void test_mb2_entry_tag(void **state)
{
	struct image im;
	struct mb2h h;
	struct result r;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb2_begin(&h, &im, MB_OFF);
	mb2_tag32(&h, 3, 0, 0x104020);
	mb2_end(&h);
	r = load_ok(&im);
	assert_int_equal(r.e.eip, 0x104020);
}

/* Tags tickvisor can do without, optional or not; and requests for what it does provide. */
static void test_mb2_tags_accepted(void **state)
{
	const uint32_t fb[3] = { 1024, 768, 32 }, reloc[4] = { 0x100000, 0x1000000, 4096, 0 };
	const uint32_t want_opt[] = { 14, 15, 9, 21 }, want_req[] = { 0, 1, 2, 3, 4, 6 };
	struct image im;
	struct mb2h h;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb2_begin(&h, &im, MB_OFF);
	mb2_tag(&h, 1, 1, want_opt, sizeof(want_opt));
	mb2_tag(&h, 1, 0, want_req, sizeof(want_req));
	mb2_tag32(&h, 4, 0, 3);		/* console flags */
	mb2_tag(&h, 5, 1, fb, sizeof(fb));
	mb2_tag(&h, 6, 0, NULL, 0);
	mb2_tag(&h, 7, 0, NULL, 0);	/* EFI boot services */
	mb2_tag32(&h, 8, 0, 0x100000);	/* EFI i386 entry */
	mb2_tag32(&h, 9, 0, 0x100000);	/* EFI amd64 entry */
	mb2_tag(&h, 10, 1, reloc, sizeof(reloc));
	mb2_tag32(&h, 42, 1, 0);	/* unknown, optional */
	mb2_end(&h);
	load_ok(&im);
}

static void test_mb1_video_flag(void **state)
{
	struct image im;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 7);
	assert_int_equal(load_ok(&im).e.protocol, 1);
}

/* A flat binary (no ELF) with the a.out kludge: header at offset 0x20, loaded from the start. */
static void test_mb1_kludge_flat(void **state)
{
	struct image im;
	struct result r;
	size_t k;

	(void)state;
	memset(&im, 0, sizeof(im));
	im.size = 0x3000;
	for (k = 0; k < im.size; k++)
		im.buf[k] = pattern(9, k);
	mb1_kludge(&im, 0x20, 0x200020, 0x200000, 0, 0x210000, 0x200100);
	r = load_ok(&im);
	assert_loaded(&im, 0, 0x200000, 0x3000, 0x10000);
	assert_int_equal(r.e.eip, 0x200100);
	assert_int_equal(r.e.elf_class, 0);
	assert_int_equal(r.e.protocol, 1);
	assert_int_equal(r.e.image_start, 0x200000);
	assert_int_equal(r.e.image_end, 0x210000);
}

/* The kludge beats the program headers (as in GRUB and QEMU), and load_end_addr cuts the file. */
static void test_mb1_kludge_elf(void **state)
{
	struct image im;
	struct result r;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	/* The header at file offset 0x200 maps to 0x400200: the file loads from offset 0x100. */
	mb1_kludge(&im, MB_OFF, 0x400200, 0x400100, 0x401100, 0, 0x400800);
	r = load_ok(&im);
	assert_loaded(&im, 0x100, 0x400100, 0x1000, 0x1000);
	assert_untouched(0x100000, 0x105000);
	assert_int_equal(r.e.eip, 0x400800);
	assert_int_equal(r.e.elf_class, 0);
}

/* multiboot2 address tag with load_addr -1 (load from the file's start) and an entry tag. */
static void test_mb2_address_tag(void **state)
{
	const uint32_t addr[4] = { 0x300000 + MB_OFF, 0xffffffff, 0x300000 + 0x2800, 0x308000 };
	struct image im;
	struct mb2h h;
	struct result r;
	size_t k;

	(void)state;
	memset(&im, 0, sizeof(im));
	im.size = 0x4000;
	for (k = 0; k < im.size; k++)
		im.buf[k] = pattern(3, k);
	mb2_begin(&h, &im, MB_OFF);
	mb2_tag(&h, 2, 0, addr, sizeof(addr));
	mb2_tag32(&h, 3, 0, 0x300400);
	mb2_end(&h);
	r = load_ok(&im);
	assert_loaded(&im, 0, 0x300000, 0x2800, 0x8000);
	assert_int_equal(r.e.eip, 0x300400);
	assert_int_equal(r.e.protocol, 2);
	assert_int_equal(r.e.elf_class, 0);
}

/* A kernel below 1 MiB: modules and information still go above 1 MiB. */
static void test_low_kernel(void **state)
{
	const struct seg s[] = { { .paddr = 0x10000, .filesz = 0x800, .memsz = 0x1000 } };
	uint8_t *m = module_data(10, 5);
	struct guest_module mods[] = { { .data = m, .size = 10, .string = "m" } };
	struct image im;
	struct result r;

	(void)state;
	build_elf(&im, 32, 0x10000, s, 1);
	mb1_header(&im, MB_OFF, 1);
	r = load_mods(&im, NULL, mods, 1, RAM_SIZE);
	if (r.rc)
		fail_msg("%s", r.err);
	assert_int_equal(r32(r32(r.e.ebx + 24)), 0x100000);
	assert_int_equal(r.e.ebx, 0x101000);
	assert_string_equal(rstr(r32(r.e.ebx + 16)), "");
	free(m);
}

/* The largest module that fits, and a module of 0 bytes. */
static void test_modules_fill_ram(void **state)
{
	const uint64_t big = RAM_SIZE - 0x105000 - 0x2000;
	uint8_t *m1 = module_data(big, 1);
	struct guest_module mods[] = {
		{ .data = m1, .size = big, .string = "big" },
		{ .data = m1, .size = 0, .string = "empty" },
	};
	struct image im;
	struct result r;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	r = load_mods(&im, "", mods, 2, RAM_SIZE);
	if (r.rc)
		fail_msg("%s", r.err);
	assert_int_equal(r32(r32(r.e.ebx + 24) + 16), RAM_SIZE - 0x2000);
	assert_int_equal(r32(r32(r.e.ebx + 24) + 20), RAM_SIZE - 0x2000);
	assert_int_equal(r.e.ebx, RAM_SIZE - 0x2000);
	free(m1);
}

/* ---- errors: the module and the ELF file ---- */

static void test_err_empty(void **state)
{
	struct image im;

	(void)state;
	memset(&im, 0, sizeof(im));
	expect_err(&im, "guest kernel module is empty");
}

static void test_err_not_elf(void **state)
{
	struct image im;

	(void)state;
	memset(&im, 0, sizeof(im));
	memcpy(im.buf, "MZ\x90\0", 4);
	im.size = 512;
	expect_err(&im, "Linux bzImage (first bytes 4d 5a 90 00)");
	im.size = 2;
	expect_err(&im, "guest kernel is in none of the formats tickvisor loads: not an ELF "
		   "file, nor an image whose multiboot header gives load addresses, nor a Linux "
		   "bzImage (first bytes 4d 5a)");
	/* A multiboot header without load addresses does not make it loadable. */
	im.size = 512;
	mb1_header(&im, 16, 3);
	expect_err(&im, "Linux bzImage (first bytes 4d 5a 90 00)");
}

static void test_err_elf_short(void **state)
{
	struct image im;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	im.size = 10;
	expect_err(&im, "guest kernel is 10 bytes, too short for an ELF header");
	im.size = 40;
	expect_err(&im, "guest kernel is 40 bytes, too short for an ELF32 header (52 bytes)");
	build_elf(&im, 64, 0x100000, two_segs, 2);
	im.size = 60;
	expect_err(&im, "guest kernel is 60 bytes, too short for an ELF64 header (64 bytes)");
}

static void test_err_elf_ident(void **state)
{
	struct image im;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	im.buf[E_IDENT_CLASS] = 3;
	expect_err(&im, "guest kernel has ELF class 3, neither ELF32 (1) nor ELF64 (2)");
	im.buf[E_IDENT_CLASS] = 1;
	im.buf[E_IDENT_DATA] = 2;
	expect_err(&im, "guest kernel is not a little-endian ELF file (EI_DATA 2)");
	im.buf[E_IDENT_DATA] = 1;
	im.buf[E_IDENT_VERSION] = 0;
	expect_err(&im, "guest kernel has ELF version 0, not 1");
}

static void test_err_elf_type(void **state)
{
	struct image im;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	w16(&im, E_TYPE, 3);
	expect_err(&im, "guest kernel is an ELF shared object or PIE (e_type 3), not an "
		   "executable (e_type 2, ET_EXEC)");
	w16(&im, E_TYPE, 1);
	expect_err(&im, "guest kernel is an ELF relocatable object (e_type 1)");
	w16(&im, E_TYPE, 0xfe00);
	expect_err(&im, "file of an unknown type (e_type 65024)");
}

static void test_err_elf_machine(void **state)
{
	struct image im;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	w16(&im, E_MACHINE, EM_X86_64);
	expect_err(&im, "guest kernel is an ELF32 file for machine 62, not EM_386 (3)");
	build_elf(&im, 64, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	w16(&im, E_MACHINE, 183);
	expect_err(&im, "guest kernel is an ELF64 file for machine 183, not EM_X86_64 (62)");
}

static void test_err_program_headers(void **state)
{
	struct image im;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	w16(&im, e_phnum(32), 0);
	expect_err(&im, "guest kernel has no program headers");
	w16(&im, e_phnum(32), 2);
	w16(&im, e_phentsize(32), 16);
	expect_err(&im, "guest kernel's program headers are 16 bytes, less than the 32 of an "
		   "ELF32 program header");
	w16(&im, e_phentsize(32), 32);
	w32(&im, e_phoff(32), (uint32_t)im.size - 40);
	expect_err(&im, "guest kernel's program headers (2 of 32 bytes at file offset 0x3fd8) "
		   "run past the end of the file (0x4000 bytes)");

	build_elf(&im, 64, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	w64(&im, e_phoff(64), 0xffffffffffffff00ull);
	expect_err(&im, "guest kernel's program headers (2 of 56 bytes at file offset "
		   "0xffffffffffffff00) run past the end of the file");
}

static void test_err_segment_file(void **state)
{
	struct image im;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	w32(&im, ph_filesz(32, 1), 0x1001);
	w32(&im, ph_memsz(32, 1), 0x2000);
	expect_err(&im, "guest kernel segment 1's data (0x1001 bytes at file offset 0x3000) runs "
		   "past the end of the file (0x4000 bytes)");
	w32(&im, ph_filesz(32, 1), 0x3000);
	expect_err(&im, "guest kernel segment 1 has more file bytes (p_filesz 0x3000) than memory "
		   "bytes (p_memsz 0x2000)");

	build_elf(&im, 64, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	w64(&im, ph_offset(64, 0), UINT64_MAX - 4);
	expect_err(&im, "guest kernel segment 0's data (0x1800 bytes at file offset "
		   "0xfffffffffffffffb) runs past the end of the file");
}

static void test_err_segment_count(void **state)
{
	struct seg s[17];
	struct image im;
	unsigned int i;

	(void)state;
	memset(s, 0, sizeof(s));
	for (i = 0; i < 17; i++)
		s[i] = (struct seg){ .paddr = 0x100000 + i * 0x1000, .filesz = 0x10,
				     .memsz = 0x10 };
	build_elf(&im, 32, 0x100000, s, 17);
	mb1_header(&im, 0x600, 3);
	expect_err(&im, "guest kernel has more than 16 loadable segments");
	/* 16 are fine, and a PT_LOAD of 0 bytes does not count. */
	s[16].memsz = s[16].filesz = 0;
	build_elf(&im, 32, 0x100000, s, 17);
	mb1_header(&im, 0x600, 3);
	load_ok(&im);
	for (i = 0; i < 17; i++)
		s[i].type = PT_NOTE;
	build_elf(&im, 32, 0x100000, s, 17);
	mb1_header(&im, 0x600, 3);
	expect_err(&im, "guest kernel has no loadable (PT_LOAD) segment");
}

/* ---- errors: the multiboot header ---- */

static void test_err_no_header(void **state)
{
	struct image im;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	expect_err(&im, "guest kernel has no multiboot header (magic 0x1badb002 in its first 8192 "
		   "bytes) nor multiboot2 header (magic 0xe85250d6 in its first 32768 bytes)");
	/* Just past each window, or misaligned. */
	mb1_header(&im, 8192 - 8, 3);
	mb2_plain(&im, 32768);
	im.size = 0x10000;
	expect_err(&im, "guest kernel has no multiboot header");
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF + 2, 3);
	mb2_plain(&im, MB_OFF + 0x24);
	expect_err(&im, "guest kernel has no multiboot header");
	/* Inside each window, by a hair. */
	build_elf(&im, 32, 0x100000, two_segs, 2);
	im.size = 0x10000;
	mb1_header(&im, 8192 - 12, 3);
	assert_int_equal(load_ok(&im).e.protocol, 1);
	mb2_plain(&im, 32768 - 32);
	assert_int_equal(load_ok(&im).e.protocol, 2);
}

static void test_err_checksum(void **state)
{
	struct image im;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	w32(&im, MB_OFF + 8, 0);
	expect_err(&im, "guest kernel's multiboot header at file offset 0x200 has a bad checksum "
		   "(magic + flags + checksum = 0x1badb005, not 0)");
	mb2_plain(&im, 0x300);
	w32(&im, 0x300 + 12, 0);
	expect_err(&im, "guest kernel's multiboot2 header at file offset 0x300 has a bad "
		   "checksum");
	/* A bad magic-lookalike before a good header is passed over, as GRUB does. */
	mb1_header(&im, 0x400, 3);
	assert_int_equal(load_ok(&im).e.protocol, 1);
}

static void test_err_mb1_flags(void **state)
{
	struct image im;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 1u << 5 | 1u << 15 | 3);
	expect_err(&im, "guest kernel's multiboot header requires features tickvisor does not "
		   "know (flags bits 0x8020 of 0x00008023)");
	/* Bits 16-31 other than 16 are optional. */
	mb1_header(&im, MB_OFF, 0xfffe0003);
	load_ok(&im);
}

static void test_err_mb1_kludge(void **state)
{
	struct image im;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_kludge(&im, MB_OFF, 0x400000, 0x400100, 0, 0, 0x400000);
	expect_err(&im, "load_addr 0x400100 above header_addr 0x400000");
	mb1_kludge(&im, MB_OFF, 0x400300, 0x400000, 0, 0, 0x400000);
	expect_err(&im, "would load 0x300 bytes before itself (header_addr - load_addr), but "
		   "lies at file offset 0x200");
	mb1_kludge(&im, MB_OFF, 0x400200, 0x400000, 0x3fffff, 0, 0x400000);
	expect_err(&im, "load_end_addr 0x3fffff below load_addr 0x400000");
	mb1_kludge(&im, MB_OFF, 0x400200, 0x400000, 0x404001, 0, 0x400000);
	expect_err(&im, "guest kernel's multiboot header loads 0x4001 bytes from file offset 0x0, "
		   "past the end of the file (0x4000 bytes)");
	mb1_kludge(&im, MB_OFF, 0x400200, 0x400000, 0x401000, 0x400fff, 0x400000);
	expect_err(&im, "bss_end_addr 0x400fff below the end of the loaded data (0x401000)");
	mb1_kludge(&im, MB_OFF, 0x400200, 0x400000, 0x400000, 0, 0x400000);
	expect_err(&im, "gives load addresses that load nothing");
	mb1_kludge(&im, MB_OFF, 0x400200, 0x400000, 0x401000, 0, 0x401000);
	expect_err(&im, "guest kernel's entry point 0x401000 (from the multiboot header) lies in "
		   "none of its loaded segments");
	/* The address fields must lie inside the file and inside the first 8 KiB. */
	memset(&im, 0, sizeof(im));
	im.size = 36;
	mb1_kludge(&im, 12, 0x100000, 0x100000, 0, 0, 0x100000);
	expect_err(&im, "guest kernel's multiboot header at file offset 0xc sets flag 16 (load "
		   "addresses), but the address fields run past the end of the file or of its "
		   "first 8192 bytes");
	build_elf(&im, 32, 0x100000, one_seg, 1);
	assert_int_equal(im.size, 8192);
	mb1_kludge(&im, 8192 - 24, 0x100000, 0x100000, 0, 0, 0x100000);
	expect_err(&im, "at file offset 0x1fe8 sets flag 16");
}

static void test_err_mb2_header(void **state)
{
	struct image im;
	struct mb2h h;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb2_begin(&h, &im, MB_OFF);
	w32(&im, MB_OFF + 4, 4);
	mb2_end(&h);
	expect_err(&im, "guest kernel's multiboot2 header is for architecture 4, not i386 (0)");

	/* header_length too short for an end tag, then past the file. */
	w32(&im, MB_OFF + 4, 0);
	w32(&im, MB_OFF + 8, 16);
	w32(&im, MB_OFF + 12, -(MB2_MAGIC + 16));
	expect_err(&im, "has header_length 16, too short to hold an end tag");
	w32(&im, MB_OFF + 8, 0x3f00);
	w32(&im, MB_OFF + 12, -(MB2_MAGIC + 0x3f00));
	expect_err(&im, "has header_length 16128, past the end of the file or of its first 32768 "
		   "bytes");

	/* No end tag before header_length runs out. */
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb2_begin(&h, &im, MB_OFF);
	mb2_tag(&h, 6, 0, NULL, 0);
	mb2_tag(&h, 6, 0, NULL, 0);
	w32(&im, MB_OFF + 8, 32);
	w32(&im, MB_OFF + 12, -(MB2_MAGIC + 32));
	expect_err(&im, "guest kernel's multiboot2 header ends without an end tag");

	/* A tag running past the header, and one too short for its fields. */
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb2_begin(&h, &im, MB_OFF);
	mb2_tag32(&h, 3, 0, 0x100000);
	mb2_end(&h);
	w32(&im, MB_OFF + 16 + 4, 0x100);
	expect_err(&im, "guest kernel's multiboot2 header tag at offset 16 (type 3, 256 bytes) "
		   "runs past the header's end (40 bytes)");
	w32(&im, MB_OFF + 16 + 4, 8);
	expect_err(&im, "guest kernel's multiboot2 entry address tag (type 3) is 8 bytes, too "
		   "short for its fields");
	w32(&im, MB_OFF + 16 + 4, 0);
	expect_err(&im, "guest kernel's multiboot2 entry address tag (type 3) is 0 bytes");
	w16(&im, MB_OFF + 16, 0);
	expect_err(&im, "guest kernel's multiboot2 end tag (type 0) is 0 bytes");
}

static void expect_mb2_tag_err(uint16_t type, uint16_t flags, const void *p, uint32_t len,
			       const char *want)
{
	struct image im;
	struct mb2h h;

	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb2_begin(&h, &im, MB_OFF);
	mb2_tag(&h, 6, 0, NULL, 0);
	mb2_tag(&h, type, flags, p, len);
	mb2_end(&h);
	expect_err(&im, want);
}

static void test_err_mb2_tags(void **state)
{
	const uint32_t fb[3] = { 1024, 768, 32 }, reloc[4] = { 0x100000, 0x1000000, 4096, 0 };
	const uint32_t acpi[] = { 1, 15 }, odd[] = { 99 }, elf[] = { 9 };
	const uint32_t addr[4] = { 0x100000 + MB_OFF, 0x100000, 0, 0 };

	(void)state;
	expect_mb2_tag_err(5, 0, fb, sizeof(fb), "guest kernel's multiboot2 header requires the "
			   "framebuffer tag (type 5), which tickvisor does not support");
	expect_mb2_tag_err(10, 0, reloc, sizeof(reloc), "requires the relocatable tag (type 10)");
	expect_mb2_tag_err(42, 0, NULL, 0, "requires the unknown tag (type 42)");
	expect_mb2_tag_err(1, 0, acpi, sizeof(acpi), "guest kernel's multiboot2 header requires "
			   "boot information tag 15 (ACPI 2.0 RSDP), which tickvisor does not "
			   "provide");
	expect_mb2_tag_err(1, 0, elf, sizeof(elf), "boot information tag 9 (ELF sections)");
	expect_mb2_tag_err(1, 0, odd, sizeof(odd), "boot information tag 99 (unknown)");
	expect_mb2_tag_err(2, 0, addr, sizeof(addr), "guest kernel's multiboot2 header has an "
			   "address tag but no entry address tag");
	expect_mb2_tag_err(5, 0, fb, 8, "framebuffer tag (type 5) is 16 bytes, too short");
}

static void test_err_mb2_address_tag(void **state)
{
	const uint32_t addr[4] = { 0x100, 0xffffffff, 0, 0 };
	struct image im;
	struct mb2h h;

	(void)state;
	memset(&im, 0, sizeof(im));
	im.size = 0x1000;
	mb2_begin(&h, &im, MB_OFF);
	mb2_tag(&h, 2, 0, addr, sizeof(addr));
	mb2_tag32(&h, 3, 0, 0x100);
	mb2_end(&h);
	expect_err(&im, "guest kernel's multiboot2 address tag puts the file's start below 0 "
		   "(header_addr 0x100, header at file offset 0x200)");
}

/* ---- errors: guest RAM ---- */

static void test_err_segment_ram(void **state)
{
	const struct seg s[] = {
		{ .paddr = 0x100000, .filesz = 0x100, .memsz = 0x1000 },
		{ .paddr = RAM_SIZE, .filesz = 0x100, .memsz = 0x1000 },
	};
	const struct seg s2[] = {
		{ .paddr = RAM_SIZE - 0x1000, .filesz = 0x100, .memsz = 0x1001 },
	};
	struct image im;

	(void)state;
	build_elf(&im, 32, 0x100000, s, 2);
	mb1_header(&im, MB_OFF, 3);
	expect_err(&im, "guest kernel segment 1 at 0x1000000-0x1001000 lies outside guest RAM "
		   "(16 MiB)");
	build_elf(&im, 32, 0xfff000, s2, 1);
	mb1_header(&im, MB_OFF, 3);
	expect_err(&im, "guest kernel segment 0 at 0xfff000-0x1000001 lies outside guest RAM");
	/* p_paddr + p_memsz wraps past 2^64. */
	build_elf(&im, 64, 0x100000, s, 2);
	mb1_header(&im, MB_OFF, 3);
	w64(&im, ph_paddr(64, 1), 0xfffffffffffff000ull);
	w64(&im, ph_memsz(64, 1), 0x2000);
	expect_err(&im, "guest kernel segment 1 at 0xfffffffffffff000-0x1000 lies outside guest "
		   "RAM");
	assert_untouched(0x100000, 0x101000);
}

static void test_err_overlap(void **state)
{
	const struct seg s[] = {
		{ .paddr = 0x100000, .filesz = 0x100, .memsz = 0x2000 },
		{ .paddr = 0x200000, .filesz = 0x100, .memsz = 0x1000 },
		{ .paddr = 0x101000, .filesz = 0x100, .memsz = 0x2000 },
	};
	struct image im;

	(void)state;
	build_elf(&im, 32, 0x100000, s, 3);
	mb1_header(&im, MB_OFF, 3);
	expect_err(&im, "guest kernel segments 0 (0x100000-0x102000) and 2 (0x101000-0x103000) "
		   "overlap");
}

static void test_err_entry(void **state)
{
	const uint64_t high = 0xffffffff80000000ull;
	const struct seg s[] = {
		{ .paddr = 0x100000, .vaddr = high + 0x100000, .filesz = 0x100, .memsz = 0x1000 },
	};
	struct image im;
	struct mb2h h;

	(void)state;
	build_elf(&im, 32, 0x500000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	expect_err(&im, "guest kernel's entry point 0x500000 (e_entry) lies in none of its loaded "
		   "segments");
	/* Right past .bss. */
	build_elf(&im, 32, 0x103000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	expect_err(&im, "guest kernel's entry point 0x103000 (e_entry)");
	/* A higher-half kernel whose e_entry is physical, not virtual. */
	build_elf(&im, 64, 0x100000, s, 1);
	mb1_header(&im, MB_OFF, 3);
	expect_err(&im, "guest kernel's entry point 0x100000 (e_entry) lies in none");
	/* The entry tag is physical. */
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb2_begin(&h, &im, MB_OFF);
	mb2_tag32(&h, 3, 0, 0x103000);
	mb2_end(&h);
	expect_err(&im, "guest kernel's entry point 0x103000 (from the multiboot header) lies in "
		   "none of its loaded segments");
}

static void test_err_modules(void **state)
{
	uint8_t *m = module_data(RAM_SIZE, 1);
	struct guest_module mods[GUEST_MAX_MODULES + 1];
	struct image im;
	struct result r;
	unsigned int i;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	for (i = 0; i <= GUEST_MAX_MODULES; i++)
		mods[i] = (struct guest_module){ .data = m, .size = 0x1000, .string = "m" };
	r = load_mods(&im, "", mods, GUEST_MAX_MODULES + 1, RAM_SIZE);
	expect_err_in(&r, "17 guest modules, more than the 16 tickvisor passes on");
	r = load_mods(&im, "", mods, GUEST_MAX_MODULES, RAM_SIZE);
	assert_int_equal(r.rc, 0);

	mods[1].size = RAM_SIZE - 0x106000 + 1;
	r = load_mods(&im, "", mods, 2, RAM_SIZE);
	expect_err_in(&r, "guest module 2 (15704065 bytes) does not fit in guest RAM (16 MiB) "
		      "after the kernel and the modules before it, from 0x106000");
	mods[0].size = UINT64_MAX;
	r = load_mods(&im, "", mods, 1, RAM_SIZE);
	expect_err_in(&r, "guest module 1 (18446744073709551615 bytes) does not fit");
	free(m);
}

static void test_err_info(void **state)
{
	const struct seg s[] = { { .paddr = 0x100000, .filesz = 0x100, .memsz = RAM_SIZE - MIB } };
	const struct seg s2[] = { { .paddr = 0x100000, .filesz = 0x100,
				    .memsz = RAM_SIZE - MIB - 0x1000 } };
	char cmdline[5000];
	struct image im;
	struct result r;

	(void)state;
	build_elf(&im, 32, 0x100000, s, 1);
	mb1_header(&im, MB_OFF, 3);
	expect_err(&im, "the multiboot boot information (");
	expect_err(&im, " bytes) does not fit in guest RAM (16 MiB) after the kernel and its "
		   "modules, from 0x1000000");
	/* One page is room enough for a short command line, not for a long one. */
	build_elf(&im, 32, 0x100000, s2, 1);
	mb2_plain(&im, MB_OFF);
	memset(cmdline, 'x', sizeof(cmdline) - 1);
	cmdline[sizeof(cmdline) - 1] = '\0';
	r = load_mods(&im, cmdline, NULL, 0, RAM_SIZE);
	expect_err_in(&r, "the multiboot boot information (5176 bytes) does not fit");
	cmdline[3900] = '\0';
	r = load_mods(&im, cmdline, NULL, 0, RAM_SIZE);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r32(r.e.ebx), 4080);
}

static void test_err_ram_size(void **state)
{
	struct image im;
	struct result r;

	(void)state;
	build_elf(&im, 32, 0x100000, two_segs, 2);
	mb1_header(&im, MB_OFF, 3);
	r = load_mods(&im, "", NULL, 0, MIB);
	expect_err_in(&r, "guest RAM (1 MiB) must be larger than 1 MiB");
	r = load_mods(&im, "", NULL, 0, 5ull << 30);
	expect_err_in(&r, "guest RAM (5120 MiB) is larger than the 4 GiB");
	r = load_mods(&im, "", NULL, 0, RAM_SIZE - 512);
	expect_err_in(&r, "guest RAM (16776704 bytes) is not a whole number of 4 KiB pages");
}

/* ---- corruption ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const uint32_t interesting[] = {
	0, 1, 7, 8, 0x10, 0xff, 0x1000, 0x7fff, 0x8000, 0xffff, 0x100000, 0xffffff, 0x1000000,
	0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff,
};

/* Valid images, each with the offset of its multiboot header and its protocol. */
struct base {
	struct image im;
	size_t mb_off;
	int protocol;
};

static void build_bases(struct base *b)
{
	const uint32_t addr[4] = { 0x300000 + MB_OFF, 0xffffffff, 0x302000, 0x304000 };
	const uint32_t want[] = { 1, 3, 6 };
	struct mb2h h;

	build_elf(&b[0].im, 32, 0x100000, two_segs, 2);
	mb1_header(&b[0].im, MB_OFF, 3);
	b[0].mb_off = MB_OFF;
	b[0].protocol = 1;

	build_elf(&b[1].im, 64, 0x100000, two_segs, 2);
	mb2_begin(&h, &b[1].im, MB_OFF);
	mb2_tag(&h, 1, 0, want, sizeof(want));
	mb2_tag32(&h, 3, 0, 0x104000);
	mb2_tag(&h, 6, 0, NULL, 0);
	mb2_end(&h);
	b[1].mb_off = MB_OFF;
	b[1].protocol = 2;

	memset(&b[2].im, 0x90, sizeof(b[2].im));
	b[2].im.size = 0x3000;
	mb1_kludge(&b[2].im, MB_OFF, 0x200000 + MB_OFF, 0x200000, 0x202000, 0x208000, 0x200400);
	b[2].mb_off = MB_OFF;
	b[2].protocol = 1;

	memset(&b[3].im, 0xcc, sizeof(b[3].im));
	b[3].im.size = 0x3000;
	mb2_begin(&h, &b[3].im, MB_OFF);
	mb2_tag(&h, 2, 0, addr, sizeof(addr));
	mb2_tag32(&h, 3, 0, 0x300400);
	mb2_end(&h);
	b[3].mb_off = MB_OFF;
	b[3].protocol = 2;
}

/* Rewrites the checksum of the header at off, so that corruptions get past it. */
static void fix_checksum(struct image *im, size_t off, int protocol)
{
	uint32_t w[3];

	memcpy(w, im->buf + off, sizeof(w));
	if (protocol == 1)
		w32(im, off + 8, -(w[0] + w[1]));
	else
		w32(im, off + 12, -(w[0] + w[1] + w[2]));
}

static void mutate(struct image *im)
{
	/* Mostly where the headers are, so that most runs get past the first check. */
	size_t span = rng() % 4 || !im->size ? 0x300 : im->size;
	size_t at = rng() % span;
	uint32_t v;

	switch (rng() % 5) {
	case 0:
		im->buf[at] = (uint8_t)rng();
		break;
	case 1:
		im->buf[at] ^= (uint8_t)(1u << (rng() % 8));
		break;
	case 2:
		v = interesting[rng() % (sizeof(interesting) / sizeof(interesting[0]))];
		memcpy(im->buf + (at & ~(size_t)3), &v, sizeof(v));
		break;
	case 3:
		v = (uint32_t)rng();
		memcpy(im->buf + (at & ~(size_t)3), &v, sizeof(v));
		break;
	default:
		im->size = rng() % (im->size + 1);
		break;
	}
}

static void test_corruption(void **state)
{
	static struct base bases[4];
	static struct image im;
	uint8_t *m = module_data(0x1800, 3);
	struct guest_module mods[] = { { .data = m, .size = 0x1800, .string = "mod1" } };
	unsigned int i, n, loaded = 0;

	(void)state;
	build_bases(bases);
	for (i = 0; i < 4; i++)
		assert_int_equal(load_mods(&bases[i].im, "c", mods, 1, RAM_SIZE).rc, 0);
	for (i = 0; i < 2000; i++) {
		const struct base *b = &bases[rng() % 4];
		struct result r;

		im = b->im;
		for (n = 1 + rng() % 4; n; n--)
			mutate(&im);
		if (rng() % 2)
			fix_checksum(&im, b->mb_off, b->protocol);
		r = load_mods(&im, "cmdline", mods, 1, RAM_SIZE);
		if (r.rc) {
			assert_int_equal(r.rc, -1);
			assert_true(strlen(r.err) > 20 && strlen(r.err) < ERR_MAX);
			continue;
		}
		loaded++;
		assert_true(r.e.eip >= r.e.image_start && r.e.eip < r.e.image_end);
		assert_true(r.e.image_end <= RAM_SIZE);
		assert_true(r.e.ebx >= r.e.image_end && r.e.ebx < RAM_SIZE);
		assert_true(r.e.protocol == 1 || r.e.protocol == 2);
	}
	/* The corruptions must leave some images loadable, or the loop tests only the errors. */
	assert_true(loaded > 100);
	assert_true(loaded < 1900);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mb1_elf32, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb1_elf64_higher_half, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_preferred, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_entry_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_tags_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb1_video_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb1_kludge_flat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb1_kludge_elf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mb2_address_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_low_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modules_fill_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_not_elf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_elf_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_elf_ident, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_elf_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_elf_machine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_program_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_segment_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_segment_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_no_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_checksum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_mb1_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_mb1_kludge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_mb2_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_mb2_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_mb2_address_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_segment_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_ram_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corruption, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
