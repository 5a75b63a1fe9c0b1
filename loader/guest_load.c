/* SPDX-License-Identifier: MIT */
/*
 * Guest kernel loader: a Linux bzImage goes to bzimage.c; for a multiboot kernel it picks what to
 * load (ELF segments or the header's load addresses), checks all of it against guest RAM before
 * copying anything, then lays out the modules and the boot information above the kernel. The
 * image comes from outside the hypervisor: every range is checked with arithmetic that cannot
 * wrap.
 */
#include <stdbool.h>

#include "arch/x86/mb2.h"
#include "lib/error.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "lib/util.h"
#include "loader/bzimage.h"
#include "loader/e820.h"
#include "loader/elf.h"
#include "loader/guest_load.h"
#include "loader/mb_header.h"
#include "loader/mb_info.h"

#define PAGE_SIZE		(4 * KIB)
/* Multiboot kernels load at 1 MiB and up; below lie the legacy areas of a PC. */
#define HIGH_RAM_START		GUEST_HIGH_RAM_START
/* Every address the guest is given (EIP, EBX, mod_start, strings) is 32-bit. */
#define RAM_MAX			(4 * GIB)

/* What to load and where the entry is. */
struct plan {
	const struct elf_segment *seg;
	unsigned int nseg;
	uint64_t entry;
	bool entry_virtual;	/* e_entry: found through p_vaddr, not p_paddr */
	int elf_class;		/* 0: loaded by the header's addresses */
};

/* "64 MiB", or KiB when that is not whole, for the messages. */
static void describe_ram(uint64_t ram_size, char *buf, size_t len)
{
	if (ram_size % MIB)
		snprintf(buf, len, "%llu KiB", (unsigned long long)(ram_size / KIB));
	else
		snprintf(buf, len, "%llu MiB", (unsigned long long)(ram_size / MIB));
}

static int check_ram(uint64_t ram_size, const char *ram, char *err, size_t errlen)
{
	if (ram_size <= HIGH_RAM_START)
		return error_set(err, errlen, "guest RAM (%s) must be larger than 1 MiB, where "
			    "multiboot kernels and their modules load", ram);
	if (ram_size > RAM_MAX)
		return error_set(err, errlen, "guest RAM (%s) is larger than the 4 GiB that a 32-bit "
			    "multiboot entry can address", ram);
	/* Then rounding a module's end up to a page never passes the end of RAM. */
	if (ram_size % PAGE_SIZE)
		return error_set(err, errlen, "guest RAM (%llu bytes) is not a whole number of 4 KiB "
			    "pages", (unsigned long long)ram_size);
	return 0;
}

static int not_elf(const struct guest_module *kernel, char *err, size_t errlen)
{
	char bytes[16] = "";
	size_t pos = 0;
	unsigned int i;

	for (i = 0; i < 4 && i < kernel->size; i++)
		pos += snprintf(bytes + pos, sizeof(bytes) - pos, "%s%02x", i ? " " : "",
				kernel->data[i]);
	return error_set(err, errlen, "guest kernel is in none of the formats tickvisor loads: not an "
		    "ELF file, nor an image whose multiboot header gives load addresses, nor a Linux "
		    "bzImage (first bytes %s)", bytes);
}

/*
 * An ELF file must be a sound x86 executable even when its header's load addresses are used: its
 * own errors say more than a missing multiboot header would.
 */
static int plan_load(const struct guest_module *kernel, struct mb_header *hdr,
		     struct elf_image *img, struct plan *p, char *err, size_t errlen)
{
	bool is_elf = elf_is_elf(kernel->data, kernel->size);

	memset(p, 0, sizeof(*p));
	if (is_elf && elf_parse(kernel->data, kernel->size, img, err, errlen))
		return -1;
	/*
	 * Without ELF, only the header's load addresses can say where anything goes; but where a
	 * header was found, what is wrong with it says more.
	 */
	if (mb_header_find(kernel->data, kernel->size, hdr, err, errlen))
		return is_elf || hdr->protocol ? -1 : not_elf(kernel, err, errlen);
	if (hdr->has_load) {
		/* They beat the ELF program headers, in GRUB and QEMU alike. */
		p->seg = &hdr->load;
		p->nseg = 1;
		p->entry = hdr->entry;
		return 0;
	}
	if (!is_elf)
		return not_elf(kernel, err, errlen);
	p->seg = img->seg;
	p->nseg = img->nseg;
	p->entry = hdr->has_entry ? hdr->entry : img->entry;
	p->entry_virtual = !hdr->has_entry;
	p->elf_class = img->elf_class;
	return 0;
}

static int check_segments(const struct plan *p, uint64_t ram_size, const char *ram, char *err,
			  size_t errlen)
{
	unsigned int i, j;

	for (i = 0; i < p->nseg; i++) {
		const struct elf_segment *s = &p->seg[i];

		if (s->paddr > ram_size || s->memsz > ram_size - s->paddr)
			return error_set(err, errlen, "guest kernel segment %u at 0x%llx-0x%llx lies "
				    "outside guest RAM (%s)", s->index,
				    (unsigned long long)s->paddr,
				    (unsigned long long)(s->paddr + s->memsz), ram);
		/* Both lie inside RAM now: their ends cannot wrap. */
		for (j = 0; j < i; j++) {
			const struct elf_segment *t = &p->seg[j];

			if (s->paddr < t->paddr + t->memsz && t->paddr < s->paddr + s->memsz)
				return error_set(err, errlen, "guest kernel segments %u (0x%llx-0x%llx) "
					    "and %u (0x%llx-0x%llx) overlap", t->index,
					    (unsigned long long)t->paddr,
					    (unsigned long long)(t->paddr + t->memsz), s->index,
					    (unsigned long long)s->paddr,
					    (unsigned long long)(s->paddr + s->memsz));
		}
	}
	return 0;
}

/*
 * e_entry is a virtual address. A kernel linked to run high (p_vaddr != p_paddr) starts with
 * paging off at the physical address its segment maps it to, which is what GRUB
 * (multiboot_elfxx.c) and QEMU (load_elf) hand over; for a kernel linked where it loads the two
 * are the same. An entry from the header is physical already.
 */
static int find_entry(const struct plan *p, uint32_t *eip, char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < p->nseg; i++) {
		const struct elf_segment *s = &p->seg[i];
		uint64_t base = p->entry_virtual ? s->vaddr : s->paddr;

		/* Inside RAM, and RAM ends at 4 GiB at most: it fits EIP. */
		if (p->entry >= base && p->entry - base < s->memsz) {
			*eip = (uint32_t)(s->paddr + (p->entry - base));
			return 0;
		}
	}
	return error_set(err, errlen, "guest kernel's entry point 0x%llx (%s) lies in none of its "
		    "loaded segments", (unsigned long long)p->entry,
		    p->entry_virtual ? "e_entry" : "from the multiboot header");
}

static void load_segments(uint8_t *ram, const uint8_t *file, const struct plan *p,
			  struct guest_entry *out)
{
	unsigned int i;

	out->image_start = UINT64_MAX;
	for (i = 0; i < p->nseg; i++) {
		const struct elf_segment *s = &p->seg[i];

		memcpy(ram + s->paddr, file + s->offset, s->filesz);
		memset(ram + s->paddr + s->filesz, 0, s->memsz - s->filesz);
		if (s->paddr < out->image_start)
			out->image_start = s->paddr;
		if (s->paddr + s->memsz > out->image_end)
			out->image_end = s->paddr + s->memsz;
	}
}

/* Copies the modules from *cursor on, each on a page boundary; *cursor ends past the last. */
static int place_modules(uint8_t *ram, uint64_t ram_size, const struct guest_module *mods,
			 unsigned int nmods, struct mb_info_module *placed, uint64_t *cursor,
			 const char *ram_text, char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < nmods; i++) {
		uint64_t at = *cursor, size = mods[i].size;

		if (size > ram_size - at)
			return error_set(err, errlen, "guest module %u (%llu bytes) does not fit in "
				    "guest RAM (%s) after the kernel and the modules before it, "
				    "from 0x%llx", i + 1, (unsigned long long)size, ram_text,
				    (unsigned long long)at);
		memcpy(ram + at, mods[i].data, size);
		placed[i] = (struct mb_info_module){
			.start = (uint32_t)at,
			.end = (uint32_t)(at + size),
			.string = mods[i].string,
		};
		*cursor = align_up(at + size, PAGE_SIZE);
	}
	return 0;
}

static int load_multiboot(const struct guest_load_req *req, const char *ram_text,
			  struct guest_entry *out, char *err, size_t errlen)
{
	struct mb_info_module placed[GUEST_MAX_MODULES];
	struct mb_info_params info = {
		.cmdline = req->cmdline, .mods = placed, .nmods = req->nmods,
		.ram_size = req->ram_size,
	};
	struct elf_image img;
	struct mb_header hdr;
	struct plan plan;
	uint64_t cursor, need;

	if (plan_load(req->kernel, &hdr, &img, &plan, err, errlen) ||
	    check_segments(&plan, req->ram_size, ram_text, err, errlen) ||
	    find_entry(&plan, &out->eip, err, errlen))
		return -1;
	load_segments(req->ram, req->kernel->data, &plan, out);

	cursor = align_up(out->image_end > HIGH_RAM_START ? out->image_end : HIGH_RAM_START,
			  PAGE_SIZE);
	if (place_modules(req->ram, req->ram_size, req->mods, req->nmods, placed, &cursor,
			  ram_text, err, errlen))
		return -1;
	info.protocol = hdr.protocol;
	need = mb_info_write(&info, req->ram + cursor, (uint32_t)cursor, req->ram_size - cursor);
	if (need > req->ram_size - cursor)
		return error_set(err, errlen, "the multiboot boot information (%llu bytes) does not fit "
			    "in guest RAM (%s) after the kernel and its modules, from 0x%llx",
			    (unsigned long long)need, ram_text, (unsigned long long)cursor);

	out->eax = hdr.protocol == 2 ? MB2_BOOTLOADER_MAGIC : MB1_BOOTLOADER_MAGIC;
	out->ebx = (uint32_t)cursor;
	out->protocol = hdr.protocol == 2 ? GUEST_MULTIBOOT2 : GUEST_MULTIBOOT1;
	out->elf_class = plan.elf_class;
	return 0;
}

int guest_load(const struct guest_load_req *req, struct guest_entry *out, char *err,
	       size_t errlen)
{
	const struct guest_module *kernel = req->kernel;
	char ram_text[32];

	memset(out, 0, sizeof(*out));
	describe_ram(req->ram_size, ram_text, sizeof(ram_text));
	if (check_ram(req->ram_size, ram_text, err, errlen))
		return -1;
	if (req->nmods > GUEST_MAX_MODULES)
		return error_set(err, errlen, "%u guest modules, more than the %u tickvisor passes on",
			    req->nmods, GUEST_MAX_MODULES);
	if (!kernel->size)
		return error_set(err, errlen, "guest kernel module is empty");
	if (bzimage_detect(kernel->data, kernel->size))
		return bzimage_load(req, ram_text, out, err, errlen);
	return load_multiboot(req, ram_text, out, err, errlen);
}
