/* SPDX-License-Identifier: MIT */
/*
 * Linux bzImage loader. The image comes from outside the hypervisor: every field is checked
 * against the file and guest RAM, with arithmetic that cannot wrap, before anything is copied.
 * References: Documentation/arch/x86/boot.rst ("The real-mode kernel header", "Loading the rest
 * of the kernel", "32-bit boot protocol") and zero-page.rst.
 */
#include "lib/error.h"
#include "lib/string.h"
#include "lib/unaligned.h"
#include "lib/util.h"
#include "loader/bzimage.h"
#include "loader/e820.h"

/*
 * The setup header (boot.rst, "The real-mode kernel header"): at these offsets in the image's
 * first sectors, and at the same offsets in the zero page it is copied into. The protocol
 * version that brought each field in is in brackets.
 */
#define HDR_START		0x1f1	/* where the header starts: setup_sects */
#define HDR_SETUP_SECTS		0x1f1	/* u8: setup sectors after the boot sector; 0 means 4 */
#define HDR_SYSSIZE		0x1f4	/* u32: protected-mode code, 16-byte paragraphs [2.04] */
#define HDR_BOOT_FLAG		0x1fe	/* u16: 0xaa55 */
#define HDR_JUMP		0x200	/* u16: jmp rel8; the header ends at 0x202 + its 2nd byte */
#define HDR_MAGIC		0x202	/* u32: "HdrS" */
#define HDR_VERSION		0x206	/* u16: the protocol version, 0xMMmm */
#define HDR_TYPE_OF_LOADER	0x210	/* u8: the boot loader's id */
#define HDR_LOADFLAGS		0x211	/* u8: LOADED_HIGH, CAN_USE_HEAP */
#define HDR_CODE32_START	0x214	/* u32: the 32-bit entry */
#define HDR_RAMDISK_IMAGE	0x218	/* u32: the initrd's address */
#define HDR_RAMDISK_SIZE	0x21c	/* u32: and its size */
#define HDR_HEAP_END_PTR	0x224	/* u16: end of the setup heap, less 0x200 [2.01] */
#define HDR_CMD_LINE_PTR	0x228	/* u32: the command line's address [2.02] */
#define HDR_INITRD_ADDR_MAX	0x22c	/* u32: highest address the initrd may occupy [2.03] */
#define HDR_KERNEL_ALIGNMENT	0x230	/* u32: alignment of a relocatable kernel [2.05] */
#define HDR_RELOCATABLE		0x234	/* u8: it can run at any aligned address [2.05] */
#define HDR_CMDLINE_SIZE	0x238	/* u32: longest command line, NUL not counted [2.06] */
#define HDR_PREF_ADDRESS	0x258	/* u64: where it prefers to load [2.10] */
#define HDR_INIT_SIZE		0x260	/* u32: memory it needs from there to start [2.10] */

#define HDR_MAGIC_VALUE		0x53726448u	/* "HdrS", little-endian */
#define BOOT_FLAG_VALUE		0xaa55
#define SECTOR			512
#define DEFAULT_SETUP_SECTS	4	/* setup_sects 0 means 4 (boot.rst) */
#define VERSION_PREF_ADDRESS	0x020a	/* pref_address and init_size */

/* loadflags */
#define LOADED_HIGH		(1u << 0)	/* the protected-mode code loads at 1 MiB and up */
#define CAN_USE_HEAP		(1u << 7)	/* heap_end_ptr is valid */

/* type_of_loader: "0xff: undefined", for a loader with no id assigned (boot.rst). */
#define LOADER_UNDEFINED	0xff
/*
 * The real-mode setup code's heap, which the 32-bit entry never runs: heap_end_ptr as a 16-bit
 * loader sets it for a 64 KiB setup segment (boot.rst: the end of the heap, less 0x200), so that
 * the header describes a complete boot.
 */
#define HEAP_END_PTR		0xfe00

/* struct boot_params, the zero page (zero-page.rst): the fields outside the setup header. */
#define ZP_SIZE			0x1000
#define ZP_E820_ENTRIES		0x1e8	/* u8 */
#define ZP_HDR_END		0x290	/* the setup header's room ends here */
#define ZP_E820_TABLE		0x2d0	/* u64 addr, u64 size, u32 type; 128 at most */
#define ZP_E820_ENTRY		20

/* Where tickvisor puts the zero page and the command line: low RAM that nothing else uses. */
#define ZERO_PAGE_GPA		0x10000ull
#define CMDLINE_GPA		(ZERO_PAGE_GPA + ZP_SIZE)
#define CMDLINE_ROOM		(0x20000ull - CMDLINE_GPA)
#define PAGE_SIZE		(4 * KIB)

/* What the header says, read and checked. */
struct bz_header {
	uint16_t version;
	uint64_t setup_bytes;	/* boot sector and setup: the protected-mode code follows */
	uint64_t hdr_end;	/* the header is [HDR_START, hdr_end) in the file */
	uint64_t kernel_bytes;	/* the protected-mode code, the rest of the file */
	uint64_t load;		/* where it goes */
	uint64_t need;		/* guest RAM it needs from there: init_size, at least the code */
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
};

bool bzimage_detect(const uint8_t *file, uint64_t size)
{
	return size >= HDR_MAGIC + 4 && get_le32(file + HDR_MAGIC) == HDR_MAGIC_VALUE;
}

static int check_file(const uint8_t *file, uint64_t size, struct bz_header *h, char *err,
		      size_t errlen)
{
	uint64_t sects, syssize;

	h->version = size >= HDR_VERSION + 2 ? get_le16(file + HDR_VERSION) : 0;
	if (h->version < BZIMAGE_MIN_VERSION)
		return error_set(err, errlen, "Linux kernel's boot protocol %u.%02u is older than "
			    "2.06, the oldest tickvisor loads", h->version >> 8, h->version & 0xff);
	sects = file[HDR_SETUP_SECTS] ? file[HDR_SETUP_SECTS] : DEFAULT_SETUP_SECTS;
	h->setup_bytes = (sects + 1) * SECTOR;
	/* At least 2 sectors: every header field read below lies inside the file. */
	if (h->setup_bytes > size)
		return error_set(err, errlen, "Linux bzImage is truncated: its setup (%llu "
			    "sectors) runs past the end of the file (%llu bytes)",
			    (unsigned long long)sects, (unsigned long long)size);
	if (get_le16(file + HDR_BOOT_FLAG) != BOOT_FLAG_VALUE)
		return error_set(err, errlen, "Linux bzImage's boot_flag is 0x%04x, not 0xaa55",
			    get_le16(file + HDR_BOOT_FLAG));
	if (!(file[HDR_LOADFLAGS] & LOADED_HIGH))
		return error_set(err, errlen, "Linux kernel is a zImage (loadflags without "
			    "LOADED_HIGH), which loads below 1 MiB: tickvisor loads bzImages");
	h->kernel_bytes = size - h->setup_bytes;
	syssize = (uint64_t)get_le32(file + HDR_SYSSIZE) * 16;
	if (!syssize || syssize > h->kernel_bytes)
		return error_set(err, errlen, "Linux bzImage is truncated: syssize gives %llu "
			    "bytes of protected-mode kernel, the file holds %llu after the setup",
			    (unsigned long long)syssize, (unsigned long long)h->kernel_bytes);
	h->hdr_end = HDR_JUMP + 2 + file[HDR_JUMP + 1];
	if (h->hdr_end > ZP_HDR_END)
		h->hdr_end = ZP_HDR_END;
	h->initrd_addr_max = get_le32(file + HDR_INITRD_ADDR_MAX);
	h->cmdline_size = get_le32(file + HDR_CMDLINE_SIZE);
	return 0;
}

/*
 * boot.rst, init_size: a relocatable kernel runs at its load address aligned up to
 * kernel_alignment, and never below pref_address; a kernel that is not relocatable runs at
 * pref_address. So it loads at pref_address (code32_start before 2.10, when the header has no
 * pref_address) aligned as it asks, and needs init_size bytes of RAM from there.
 */
static int place_kernel(const uint8_t *file, uint64_t ram_size, const char *ram_text,
			struct bz_header *h, char *err, size_t errlen)
{
	uint64_t align = get_le32(file + HDR_KERNEL_ALIGNMENT);

	h->need = h->kernel_bytes;
	if (h->version >= VERSION_PREF_ADDRESS) {
		h->load = get_le64(file + HDR_PREF_ADDRESS);
		if (get_le32(file + HDR_INIT_SIZE) > h->need)
			h->need = get_le32(file + HDR_INIT_SIZE);
	} else {
		h->load = get_le32(file + HDR_CODE32_START);
	}
	if (file[HDR_RELOCATABLE]) {
		if (!align || (align & (align - 1)))
			return error_set(err, errlen, "Linux bzImage's kernel_alignment 0x%llx is "
				    "not a power of two", (unsigned long long)align);
		/* Both below 2^33 when it passes: no wrap. */
		if (h->load <= ram_size)
			h->load = align_up(h->load, align);
	}
	if (h->load < GUEST_HIGH_RAM_START)
		return error_set(err, errlen, "Linux bzImage asks to load at 0x%llx, below 1 MiB",
			    (unsigned long long)h->load);
	if (h->load > ram_size || h->need > ram_size - h->load)
		return error_set(err, errlen, "Linux kernel needs 0x%llx bytes (init_size) from "
			    "0x%llx, more than guest RAM (%s) holds", (unsigned long long)h->need,
			    (unsigned long long)h->load, ram_text);
	return 0;
}

/* The initrd on a page boundary, as high as guest RAM and initrd_addr_max allow. */
static int place_initrd(const struct guest_module *initrd, uint64_t ram_size,
			const char *ram_text, const struct bz_header *h, struct guest_entry *out,
			char *err, size_t errlen)
{
	/* initrd_addr_max is the highest address the initrd's last byte may occupy. */
	uint64_t top = (uint64_t)h->initrd_addr_max + 1, bottom = h->load + h->need;

	if (top > ram_size)
		top = ram_size;
	if (initrd->size > top || ((top - initrd->size) & ~(PAGE_SIZE - 1)) < bottom)
		return error_set(err, errlen, "the initrd (%llu bytes) does not fit in guest RAM "
			    "(%s) between the kernel's end 0x%llx and 0x%llx", (unsigned long long)
			    initrd->size, ram_text, (unsigned long long)bottom,
			    (unsigned long long)top);
	out->initrd_start = (top - initrd->size) & ~(PAGE_SIZE - 1);
	out->initrd_end = out->initrd_start + initrd->size;
	return 0;
}

static int check_cmdline(const char *cmdline, const struct bz_header *h, char *err,
			 size_t errlen)
{
	uint64_t len = strlen(cmdline);

	if (len > h->cmdline_size || len >= CMDLINE_ROOM)
		return error_set(err, errlen, "the Linux command line (%llu characters) is longer "
			    "than the kernel's cmdline_size (%u) or tickvisor's %llu",
			    (unsigned long long)len, h->cmdline_size,
			    (unsigned long long)CMDLINE_ROOM - 1);
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/*
 * boot.rst, "32-bit boot protocol": a zeroed boot_params, the setup header copied into it from
 * the image, then the fields a boot loader fills in. Everything else (screen_info, EDD, APM)
 * stays zero: there is no BIOS to ask. acpi_rsdp_addr stays 0: the kernel finds the RSDP where
 * a BIOS leaves it, by the search in the firmware area.
 */
static void write_zero_page(uint8_t *zp, const uint8_t *file, const struct bz_header *h,
			    uint64_t ram_size, const struct guest_entry *out)
{
	struct e820_range map[GUEST_MAP_ENTRIES];
	unsigned int i, n;

	memset(zp, 0, ZP_SIZE);
	memcpy(zp + HDR_START, file + HDR_START, h->hdr_end - HDR_START);
	zp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	zp[HDR_LOADFLAGS] |= CAN_USE_HEAP;
	put16(zp + HDR_HEAP_END_PTR, HEAP_END_PTR);
	put32(zp + HDR_CODE32_START, (uint32_t)h->load);
	put32(zp + HDR_CMD_LINE_PTR, (uint32_t)CMDLINE_GPA);
	put32(zp + HDR_RAMDISK_IMAGE, (uint32_t)out->initrd_start);
	put32(zp + HDR_RAMDISK_SIZE, (uint32_t)(out->initrd_end - out->initrd_start));

	n = e820_guest_map(ram_size, map);
	zp[ZP_E820_ENTRIES] = (uint8_t)n;
	for (i = 0; i < n; i++) {
		uint8_t *e = zp + ZP_E820_TABLE + i * ZP_E820_ENTRY;

		put64(e, map[i].base);
		put64(e + 8, map[i].len);
		put32(e + 16, map[i].type);
	}
}

int bzimage_load(const struct guest_load_req *req, const char *ram_text, struct guest_entry *out,
		 char *err, size_t errlen)
{
	const uint8_t *file = req->kernel->data;
	const char *cmdline = req->cmdline ? req->cmdline : "";
	struct bz_header h = { 0 };

	if (req->nmods > 1)
		return error_set(err, errlen, "a Linux guest takes one module, its initrd; %u were "
			    "given", req->nmods);
	if (check_file(file, req->kernel->size, &h, err, errlen) ||
	    place_kernel(file, req->ram_size, ram_text, &h, err, errlen) ||
	    (req->nmods && place_initrd(&req->mods[0], req->ram_size, ram_text, &h, out, err,
					errlen)) ||
	    check_cmdline(cmdline, &h, err, errlen))
		return -1;

	memcpy(req->ram + h.load, file + h.setup_bytes, h.kernel_bytes);
	if (req->nmods)
		memcpy(req->ram + out->initrd_start, req->mods[0].data, req->mods[0].size);
	memcpy(req->ram + CMDLINE_GPA, cmdline, strlen(cmdline) + 1);
	/* The EBDA pointer at 0x40e reads 0: none, and Linux then assumes the usual 639 KiB. */
	memset(req->ram + GUEST_BDA_GPA, 0, GUEST_BDA_SIZE);
	write_zero_page(req->ram + ZERO_PAGE_GPA, file, &h, req->ram_size, out);

	/* boot.rst, 32-bit: ESI = the zero page, EBP = EDI = EBX = 0; EIP the code's start. */
	out->eip = (uint32_t)h.load;
	out->esi = (uint32_t)ZERO_PAGE_GPA;
	out->protocol = GUEST_LINUX;
	out->image_start = h.load;
	out->image_end = h.load + h.need;
	out->boot_version = h.version;
	return 0;
}
