/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the Linux bzImage loader, through guest_load() as the hypervisor calls it. The
 * images are built here: a boot sector and setup sectors holding a setup header with the fields
 * set as boot.rst describes them, then a protected-mode kernel of a known pattern. Each load runs
 * on a heap copy of exactly the image's size, into a heap guest RAM of exactly the size given,
 * so that AddressSanitizer catches any access past either.
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

#include "loader/guest_load.h"

#define KIB		1024ull
#define MIB		(1024 * KIB)
#define RAM_SIZE	(32 * MIB)
#define RAM_FILL	0xa5

/* Setup header offsets (boot.rst), the same in the image and the zero page. */
#define SETUP_SECTS	0x1f1
#define SYSSIZE		0x1f4
#define BOOT_FLAG	0x1fe
#define JUMP		0x200
#define MAGIC		0x202
#define VERSION		0x206
#define TYPE_OF_LOADER	0x210
#define LOADFLAGS	0x211
#define CODE32_START	0x214
#define RAMDISK_IMAGE	0x218
#define RAMDISK_SIZE	0x21c
#define HEAP_END_PTR	0x224
#define CMD_LINE_PTR	0x228
#define INITRD_MAX	0x22c
#define KERNEL_ALIGN	0x230
#define RELOCATABLE	0x234
#define CMDLINE_SIZE	0x238
#define PREF_ADDRESS	0x258
#define INIT_SIZE	0x260
#define HDR_END		0x268	/* 0x202 + the jump's displacement 0x66, as 2.15 kernels have */

/* Zero page fields outside the header (zero-page.rst). */
#define ZP_GPA		0x10000
#define ZP_SENTINEL	0x1ef
#define ZP_E820_COUNT	0x1e8
#define ZP_E820		0x2d0

#define SETUP_SECTORS	3			/* setup_bytes = 4 * 512 */
#define KERNEL_OFF	((SETUP_SECTORS + 1) * 512)
#define KERNEL_BYTES	0x3000
#define PREF		0x400000
#define INIT		0x800000
#define ALIGN		0x200000

static uint8_t *ram;

struct image {
	uint8_t buf[KERNEL_OFF + KERNEL_BYTES + 0x1000];
	size_t size;
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

static void w8(struct image *im, size_t at, uint8_t v)
{
	im->buf[at] = v;
}

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

static uint8_t kernel_byte(size_t k)
{
	return (uint8_t)(k * 11 + 3);
}

/*
 * A protocol 2.15 bzImage, relocatable, preferring PREF with INIT bytes of init_size: a header
 * as the kernel's build writes it, with bytes that a loader must leave alone set to markers.
 */
static void build(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memset(im->buf, 0xee, KERNEL_OFF);	/* boot sector and setup code: not ours to read */
	w8(im, SETUP_SECTS, SETUP_SECTORS);
	w16(im, 0x1f2, 1);			/* root_flags: copied as is */
	w32(im, SYSSIZE, KERNEL_BYTES / 16);
	w16(im, 0x1fa, 0xffff);			/* vid_mode */
	w16(im, BOOT_FLAG, 0xaa55);
	w8(im, JUMP, 0xeb);
	w8(im, JUMP + 1, HDR_END - 0x202);
	memcpy(im->buf + MAGIC, "HdrS", 4);
	w16(im, VERSION, 0x020f);
	w8(im, TYPE_OF_LOADER, 0);
	w8(im, LOADFLAGS, 0x01);
	w32(im, CODE32_START, 0x100000);
	w32(im, RAMDISK_IMAGE, 0);
	w32(im, INITRD_MAX, 0x7fffffff);
	w32(im, KERNEL_ALIGN, ALIGN);
	w8(im, RELOCATABLE, 1);
	w8(im, 0x235, 21);			/* min_alignment */
	w16(im, 0x236, 0x7f);			/* xloadflags */
	w32(im, CMDLINE_SIZE, 2047);
	w64(im, PREF_ADDRESS, PREF);
	w32(im, INIT_SIZE, INIT);
	w32(im, 0x264, 0x12345678);		/* handover_offset: the header's last field */
	w32(im, HDR_END, 0xdeadbeef);		/* past the header's end: not copied */
	for (size_t k = 0; k < KERNEL_BYTES; k++)
		im->buf[KERNEL_OFF + k] = kernel_byte(k);
	im->size = KERNEL_OFF + KERNEL_BYTES;
}

static uint8_t *module_data(size_t size, uint8_t seed)
{
	uint8_t *p = malloc(size ? size : 1);

	assert_non_null(p);
	for (size_t i = 0; i < size; i++)
		p[i] = (uint8_t)(seed + i * 13);
	return p;
}

static struct result load_full(const struct image *im, const char *cmdline,
			       const struct guest_module *mods, unsigned int nmods,
			       uint64_t ram_size)
{
	struct result r;
	uint8_t *copy = malloc(im->size ? im->size : 1);
	struct guest_module k = { .data = copy, .size = im->size, .string = cmdline };
	struct guest_load_req req = {
		.ram = ram, .ram_size = ram_size, .kernel = &k, .cmdline = cmdline, .mods = mods,
		.nmods = nmods,
	};

	assert_non_null(copy);
	memcpy(copy, im->buf, im->size);
	memset(&r, 0, sizeof(r));
	r.rc = guest_load(&req, &r.e, r.err, sizeof(r.err));
	free(copy);
	return r;
}

static struct result load(const struct image *im)
{
	return load_full(im, "console=ttyS0", NULL, 0, RAM_SIZE);
}

static struct result load_ok(const struct image *im)
{
	struct result r = load(im);

	if (r.rc)
		fail_msg("load failed: %s", r.err);
	return r;
}

#define ERR_MAX		192

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

static uint16_t r16(uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, ram + gpa, 2);
	return v;
}

static void assert_kernel_at(uint64_t gpa)
{
	for (size_t k = 0; k < KERNEL_BYTES; k++)
		if (ram[gpa + k] != kernel_byte(k))
			fail_msg("kernel byte 0x%zx at 0x%llx is 0x%02x", k,
				 (unsigned long long)(gpa + k), ram[gpa + k]);
}

static void assert_e820(uint64_t ram_size)
{
	static const uint64_t want[4][3] = {
		{ 0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
		{ 0xe0000, 0x20000, 2 },
		{ 0x100000, 0, 1 },	/* to the end of RAM */
	};
	unsigned int i;

	assert_int_equal(ram[ZP_GPA + ZP_E820_COUNT], 4);
	for (i = 0; i < 4; i++) {
		uint64_t e = ZP_GPA + ZP_E820 + i * 20;

		assert_int_equal(r64(e), want[i][0]);
		assert_int_equal(r64(e + 8), i == 3 ? ram_size - 0x100000 : want[i][1]);
		assert_int_equal(r32(e + 16), want[i][2]);
	}
	/* The next entry is not there: zero, not what RAM held. */
	assert_int_equal(r64(ZP_GPA + ZP_E820 + 4 * 20), 0);
}

/* ---- successful loads ---- */

static void test_good(void **state)
{
	const char *cmdline = "console=ttyS0 earlyprintk=serial,ttyS0,115200 quiet";
	uint8_t *initrd = module_data(0x12345, 9);
	struct guest_module mods[] = { { .data = initrd, .size = 0x12345, .string = "initrd" } };
	const uint64_t initrd_at = (RAM_SIZE - 0x12345) & ~0xfffull;
	struct image im;
	struct result r;
	size_t k;

	(void)state;
	build(&im);
	r = load_full(&im, cmdline, mods, 1, RAM_SIZE);
	if (r.rc)
		fail_msg("%s", r.err);

	/* The entry state of boot.rst's 32-bit protocol. */
	assert_int_equal(r.e.protocol, GUEST_LINUX);
	assert_int_equal(r.e.eip, PREF);
	assert_int_equal(r.e.esi, ZP_GPA);
	assert_int_equal(r.e.eax, 0);
	assert_int_equal(r.e.ebx, 0);
	assert_int_equal(r.e.boot_version, 0x20f);
	assert_int_equal(r.e.image_start, PREF);
	assert_int_equal(r.e.image_end, PREF + INIT);
	assert_int_equal(r.e.initrd_start, initrd_at);
	assert_int_equal(r.e.initrd_end, initrd_at + 0x12345);

	/* The protected-mode code at pref_address; the initrd page-aligned at the top of RAM. */
	assert_kernel_at(PREF);
	assert_memory_equal(ram + initrd_at, initrd, 0x12345);

	/* The zero page: the header copied, the loader's fields set, the rest zero. */
	for (k = 0; k < 0x1000; k++) {
		uint8_t b = ram[ZP_GPA + k];

		if (k < 0x1e8 || (k > 0x1e8 && k < 0x1f1) || (k >= HDR_END && k < ZP_E820) ||
		    k >= ZP_E820 + 4 * 20)
			if (b)
				fail_msg("zero page byte 0x%zx is 0x%02x, not 0", k, b);
	}
	assert_int_equal(ram[ZP_GPA + ZP_SENTINEL], 0);
	assert_memory_equal(ram + ZP_GPA + 0x1f1, im.buf + 0x1f1, TYPE_OF_LOADER - 0x1f1);
	assert_memory_equal(ram + ZP_GPA + 0x22c, im.buf + 0x22c, HDR_END - 0x22c);
	assert_int_equal(ram[ZP_GPA + TYPE_OF_LOADER], 0xff);
	assert_int_equal(ram[ZP_GPA + LOADFLAGS], 0x81);	/* LOADED_HIGH | CAN_USE_HEAP */
	assert_int_equal(r16(ZP_GPA + HEAP_END_PTR), 0xfe00);
	assert_int_equal(r32(ZP_GPA + CODE32_START), PREF);
	assert_int_equal(r32(ZP_GPA + RAMDISK_IMAGE), initrd_at);
	assert_int_equal(r32(ZP_GPA + RAMDISK_SIZE), 0x12345);
	assert_int_equal(r32(ZP_GPA + CMD_LINE_PTR), 0x11000);
	assert_string_equal((const char *)ram + 0x11000, cmdline);
	assert_e820(RAM_SIZE);

	/* The BIOS data area reads 0: no EBDA pointer at 0x40e. */
	for (k = 0x400; k < 0x500; k++)
		assert_int_equal(ram[k], 0);
	/* The rest of low RAM and the kernel's init_size room are not written. */
	assert_int_equal(ram[0x3ff], RAM_FILL);
	assert_int_equal(ram[0x500], RAM_FILL);
	assert_int_equal(ram[PREF + KERNEL_BYTES], RAM_FILL);
	assert_int_equal(ram[PREF - 1], RAM_FILL);
	free(initrd);
}

/* Without an initrd, ramdisk_image and ramdisk_size are 0; an empty command line is "". */
static void test_no_initrd(void **state)
{
	struct image im;
	struct result r;

	(void)state;
	build(&im);
	r = load_full(&im, NULL, NULL, 0, RAM_SIZE);
	if (r.rc)
		fail_msg("%s", r.err);
	assert_int_equal(r.e.initrd_start, 0);
	assert_int_equal(r.e.initrd_end, 0);
	assert_int_equal(r32(ZP_GPA + RAMDISK_IMAGE), 0);
	assert_int_equal(r32(ZP_GPA + RAMDISK_SIZE), 0);
	assert_int_equal(ram[0x11000], 0);
	assert_e820(RAM_SIZE);
}

/* The initrd's last byte at initrd_addr_max at most, even with RAM above it. */
static void test_initrd_addr_max(void **state)
{
	uint8_t *initrd = module_data(0x2000, 1);
	struct guest_module mods[] = { { .data = initrd, .size = 0x2000 } };
	struct image im;
	struct result r;

	(void)state;
	build(&im);
	w32(&im, INITRD_MAX, 0x1000fff);
	r = load_full(&im, "", mods, 1, RAM_SIZE);
	if (r.rc)
		fail_msg("%s", r.err);
	assert_int_equal(r.e.initrd_start, 0xfff000);
	assert_int_equal(r.e.initrd_end, 0x1001000);
	/* One byte lower and it goes a page down. */
	w32(&im, INITRD_MAX, 0x1000ffe);
	r = load_full(&im, "", mods, 1, RAM_SIZE);
	assert_int_equal(r.e.initrd_start, 0xffe000);
	free(initrd);
}

/* Relocatable: pref_address aligned up to kernel_alignment. Not: pref_address as it is. */
static void test_placement(void **state)
{
	struct image im;
	struct result r;

	(void)state;
	build(&im);
	w64(&im, PREF_ADDRESS, 0x480000);
	r = load_ok(&im);
	assert_int_equal(r.e.eip, 0x600000);
	assert_kernel_at(0x600000);
	assert_int_equal(r32(ZP_GPA + CODE32_START), 0x600000);

	w8(&im, RELOCATABLE, 0);
	r = load_ok(&im);
	assert_int_equal(r.e.eip, 0x480000);
	assert_kernel_at(0x480000);

	/* init_size smaller than the code: the code's size counts. */
	w32(&im, INIT_SIZE, 0x100);
	r = load_ok(&im);
	assert_int_equal(r.e.image_end, 0x480000 + KERNEL_BYTES);
}

/* Before 2.10 there is no pref_address: code32_start, aligned when relocatable. */
static void test_old_protocol(void **state)
{
	struct image im;
	struct result r;

	(void)state;
	build(&im);
	w16(&im, VERSION, 0x0209);
	w8(&im, JUMP + 1, 0x3a);	/* a 2.09 header ends at 0x23c */
	w64(&im, PREF_ADDRESS, 0x5000000);	/* past its header: ignored */
	r = load_ok(&im);
	assert_int_equal(r.e.eip, 0x200000);
	assert_int_equal(r.e.image_end, 0x200000 + KERNEL_BYTES);
	assert_int_equal(r.e.boot_version, 0x209);
	/* The header is copied to its own end, not beyond. */
	assert_int_equal(r64(ZP_GPA + PREF_ADDRESS), 0);
	assert_int_equal(r32(ZP_GPA + CMDLINE_SIZE), 2047);

	w8(&im, RELOCATABLE, 0);
	r = load_ok(&im);
	assert_int_equal(r.e.eip, 0x100000);
	assert_kernel_at(0x100000);
}

/* ---- refused images ---- */

static void test_err_version(void **state)
{
	struct image im;

	(void)state;
	build(&im);
	w16(&im, VERSION, 0x0205);
	expect_err(&im, "Linux kernel's boot protocol 2.05 is older than 2.06, the oldest "
		   "tickvisor loads");
	w16(&im, VERSION, 0x0100);
	expect_err(&im, "boot protocol 1.00 is older");
	/* "HdrS" but the file ends before the version. */
	im.size = 0x207;
	expect_err(&im, "boot protocol 0.00 is older");
}

static void test_err_truncated(void **state)
{
	struct image im;

	(void)state;
	build(&im);
	w8(&im, SETUP_SECTS, 200);
	expect_err(&im, "Linux bzImage is truncated: its setup (200 sectors) runs past the end of "
		   "the file (14336 bytes)");
	build(&im);
	im.size = KERNEL_OFF + KERNEL_BYTES - 1;
	expect_err(&im, "Linux bzImage is truncated: syssize gives 12288 bytes of protected-mode "
		   "kernel, the file holds 12287 after the setup");
	im.size = KERNEL_OFF;
	expect_err(&im, "the file holds 0 after the setup");
	build(&im);
	w32(&im, SYSSIZE, 0);
	expect_err(&im, "syssize gives 0 bytes");
	w32(&im, SYSSIZE, 0xffffffff);
	expect_err(&im, "syssize gives 68719476720 bytes");
	/* setup_sects 0 means 4: 2560 bytes of setup. */
	build(&im);
	w8(&im, SETUP_SECTS, 0);
	im.size = 2559;
	expect_err(&im, "its setup (4 sectors) runs past the end of the file (2559 bytes)");
}

static void test_err_too_big(void **state)
{
	struct image im;
	struct result r;

	(void)state;
	build(&im);
	w32(&im, INIT_SIZE, RAM_SIZE - PREF + 1);
	expect_err(&im, "Linux kernel needs 0x1c00001 bytes (init_size) from 0x400000, more than "
		   "guest RAM (32 MiB) holds");
	w32(&im, INIT_SIZE, RAM_SIZE - PREF);
	r = load_ok(&im);
	assert_int_equal(r.e.image_end, RAM_SIZE);
	/* A pref_address far past RAM, relocatable or not. */
	w64(&im, PREF_ADDRESS, 0xffffffffffe00000ull);
	expect_err(&im, "from 0xffffffffffe00000, more than guest RAM");
	w8(&im, RELOCATABLE, 0);
	expect_err(&im, "from 0xffffffffffe00000, more than guest RAM");
	w64(&im, PREF_ADDRESS, RAM_SIZE);
	w32(&im, INIT_SIZE, 0);
	expect_err(&im, "Linux kernel needs 0x3000 bytes (init_size) from 0x2000000");
	/* Where the BIOS and the zero page are. */
	w64(&im, PREF_ADDRESS, 0x10000);
	expect_err(&im, "Linux bzImage asks to load at 0x10000, below 1 MiB");
}

static void test_err_header(void **state)
{
	struct image im;

	(void)state;
	build(&im);
	w16(&im, BOOT_FLAG, 0x55aa);
	expect_err(&im, "Linux bzImage's boot_flag is 0x55aa, not 0xaa55");
	build(&im);
	w8(&im, LOADFLAGS, 0x80);
	expect_err(&im, "Linux kernel is a zImage (loadflags without LOADED_HIGH)");
	build(&im);
	w32(&im, KERNEL_ALIGN, 0x300000);
	expect_err(&im, "Linux bzImage's kernel_alignment 0x300000 is not a power of two");
	w32(&im, KERNEL_ALIGN, 0);
	expect_err(&im, "kernel_alignment 0x0 is not");
	/* Not relocatable: the alignment does not matter. */
	w8(&im, RELOCATABLE, 0);
	assert_int_equal(load(&im).rc, 0);
	/* No "HdrS": not a bzImage, and nothing else either. */
	build(&im);
	im.buf[MAGIC] = 'h';
	expect_err(&im, "guest kernel is in none of the formats tickvisor loads: not an ELF file, "
		   "nor an image whose multiboot header gives load addresses, nor a Linux bzImage "
		   "(first bytes ee ee ee ee)");
}

static void test_err_initrd(void **state)
{
	uint8_t *big = module_data(RAM_SIZE, 5);
	struct guest_module mods[] = { { .data = big, .size = RAM_SIZE - PREF - INIT + 1 },
				       { .data = big, .size = 1 } };
	struct image im;
	struct result r;

	(void)state;
	build(&im);
	r = load_full(&im, "", mods, 1, RAM_SIZE);
	expect_err_in(&r, "the initrd (20971521 bytes) does not fit in guest RAM (32 MiB) between "
		      "the kernel's end 0xc00000 and 0x2000000");
	mods[0].size = RAM_SIZE - PREF - INIT;
	r = load_full(&im, "", mods, 1, RAM_SIZE);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.e.initrd_start, PREF + INIT);
	/* initrd_addr_max under the kernel's end. */
	mods[0].size = 1;
	w32(&im, INITRD_MAX, PREF + INIT - 2);
	r = load_full(&im, "", mods, 1, RAM_SIZE);
	expect_err_in(&r, "the initrd (1 bytes) does not fit in guest RAM (32 MiB) between the "
		      "kernel's end 0xc00000 and 0xbfffff");
	mods[0].size = UINT64_MAX;
	r = load_full(&im, "", mods, 1, RAM_SIZE);
	expect_err_in(&r, "the initrd (18446744073709551615 bytes) does not fit");
	/* A second module has no place in the Linux protocol. */
	build(&im);
	r = load_full(&im, "", mods, 2, RAM_SIZE);
	expect_err_in(&r, "a Linux guest takes one module, its initrd; 2 were given");
	free(big);
}

static void test_err_cmdline(void **state)
{
	char cmdline[70000];
	struct image im;
	struct result r;

	(void)state;
	build(&im);
	memset(cmdline, 'x', sizeof(cmdline));
	cmdline[2047] = '\0';
	r = load_full(&im, cmdline, NULL, 0, RAM_SIZE);
	assert_int_equal(r.rc, 0);
	assert_int_equal(strlen((const char *)ram + 0x11000), 2047);
	cmdline[2047] = 'x';
	cmdline[2048] = '\0';
	r = load_full(&im, cmdline, NULL, 0, RAM_SIZE);
	expect_err_in(&r, "the Linux command line (2048 characters) is longer than the kernel's "
		      "cmdline_size (2047) or tickvisor's 61439");
	/* A cmdline_size beyond the room tickvisor has for it. */
	w32(&im, CMDLINE_SIZE, 0xffffffff);
	cmdline[2048] = 'x';
	cmdline[61439] = '\0';
	r = load_full(&im, cmdline, NULL, 0, RAM_SIZE);
	assert_int_equal(r.rc, 0);
	cmdline[61439] = 'x';
	cmdline[61440] = '\0';
	r = load_full(&im, cmdline, NULL, 0, RAM_SIZE);
	expect_err_in(&r, "the Linux command line (61440 characters) is longer");
}

/* ---- corruption ---- */

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const uint32_t interesting[] = {
	0, 1, 0xff, 0x1000, 0x100000, 0x200000, 0x400000, 0x1000000, 0x1ffffff, 0x7fffffff,
	0x80000000, 0xfffff000, 0xffffffff,
};

static void mutate(struct image *im)
{
	/* Mostly in the header, so that most runs get past the first check. */
	size_t at = 0x1f0 + rng() % (HDR_END + 8 - 0x1f0);
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
	static struct image base, im;
	uint8_t *initrd = module_data(0x5000, 3);
	struct guest_module mods[] = { { .data = initrd, .size = 0x5000 } };
	unsigned int i, n, loaded = 0;

	(void)state;
	build(&base);
	assert_int_equal(load_full(&base, "c", mods, 1, RAM_SIZE).rc, 0);
	for (i = 0; i < 3000; i++) {
		struct result r;
		uint32_t addr_max;

		im = base;
		for (n = 1 + rng() % 3; n; n--)
			mutate(&im);
		r = load_full(&im, "cmdline", mods, rng() % 2, RAM_SIZE);
		if (r.rc) {
			assert_int_equal(r.rc, -1);
			assert_true(strlen(r.err) > 20 && strlen(r.err) < ERR_MAX);
			continue;
		}
		loaded++;
		if (r.e.protocol != GUEST_LINUX)
			continue;
		assert_int_equal(r.e.eip, r.e.image_start);
		assert_true(r.e.image_start >= MIB && r.e.image_end <= RAM_SIZE);
		assert_int_equal(r.e.esi, ZP_GPA);
		assert_int_equal(r32(ZP_GPA + CMD_LINE_PTR), 0x11000);
		assert_string_equal((const char *)ram + 0x11000, "cmdline");
		if (r.e.initrd_end) {
			memcpy(&addr_max, im.buf + INITRD_MAX, 4);
			assert_true(r.e.initrd_start >= r.e.image_end);
			assert_true(r.e.initrd_end <= RAM_SIZE);
			assert_true(r.e.initrd_end - 1 <= addr_max);
			assert_int_equal(r32(ZP_GPA + RAMDISK_IMAGE), r.e.initrd_start);
		}
		assert_e820(RAM_SIZE);
	}
	assert_true(loaded > 300);
	assert_true(loaded < 2900);
	free(initrd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_initrd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_initrd_addr_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_placement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_protocol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_initrd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_cmdline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corruption, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
