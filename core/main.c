/* SPDX-License-Identifier: MIT */
/*
 * kmain: wires the layers together. boot/ lands here in long mode with the multiboot2 magic and
 * info pointer; each step below either succeeds or stops the machine with a named reason.
 */
#include <stdint.h>

#include "arch/x86/cpu.h"
#include "arch/x86/gdt.h"
#include "arch/x86/irq_lines.h"
#include "arch/x86/lapic.h"
#include "arch/x86/log.h"
#include "arch/x86/mb2.h"
#include "arch/x86/paging.h"
#include "arch/x86/platform.h"
#include "arch/x86/pmm.h"
#include "arch/x86/serial.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "core/crash.h"
#include "core/options.h"
#include "vmx/vm.h"
#include "vmx/vmx_check.h"

#define TICKVISOR_VERSION "0.1"
/* The info structure is read through the boot identity map: bound the parser to it. */
#define MB2_INFO_MAX (16u << 20)

extern char __image_start[], __image_end[];

static struct mb2_info mbi;
static struct boot_options opts;

static const char *mmap_type_name(uint32_t type)
{
	/* Multiboot2 memory-map types (spec 3.6.8), the same numbers as E820 */
	static const char *const names[] = {
		[1] = "available", [2] = "reserved", [3] = "ACPI reclaimable",
		[4] = "ACPI NVS", [5] = "defective",
	};

	return type < 6 && names[type] ? names[type] : "unknown";
}

static void __attribute__((noreturn)) fail(void)
{
	platform_exit(STATUS_FAILURE);
}

static void parse_boot_info(uint32_t magic, uint32_t info)
{
	char err[160];
	int r;

	r = mb2_parse(magic, (const void *)(uintptr_t)info, MB2_INFO_MAX, &mbi);
	if (r != MB2_OK) {
		pr_err("bad multiboot2 boot information (EAX %#x, EBX %#x): %s", magic, info,
		       mb2_strerror(r));
		if (mbi.err_tag || mbi.err_offset)
			kprintf(" (tag %u, %s, at offset %u)", mbi.err_tag,
				mb2_tag_name(mbi.err_tag), mbi.err_offset);
		kprintf("\n");
		fail();
	}
	pr_info("loader: %s; command line: '%s'\n", mbi.loader_name, mbi.cmdline);
	if (options_parse(mbi.cmdline, &opts, err, sizeof(err)) != 0) {
		pr_err("%s\n", err);
		fail();
	}
	log_set_level(opts.log_level);
	options_describe(&opts, err, sizeof(err));
	pr_info("options: %s\n", err);
}

static void report_memory(void)
{
	pr_info("memory map (%u entries):\n", mbi.mmap_count);
	for (unsigned int i = 0; i < mbi.mmap_count; i++) {
		const struct mb2_mmap_entry *e = &mbi.mmap[i];

		kprintf("tickvisor:   %016lx-%016lx %s\n", e->base, e->base + e->len - 1,
			mmap_type_name(e->type));
	}
	for (unsigned int i = 0; i < mbi.module_count; i++)
		pr_info("module %u: %#lx-%#lx '%s'\n", i, mbi.modules[i].start,
			mbi.modules[i].end, mbi.modules[i].string);
}

/* The allocator must never hand out the image, the boot information or a module. */
static void init_allocator(void)
{
	struct pmm_range reserved[MB2_MAX_MODULES + 2];
	unsigned int n = 0;

	reserved[n++] = (struct pmm_range){ (uint64_t)(uintptr_t)__image_start,
					    (uint64_t)(uintptr_t)__image_end };
	reserved[n++] = (struct pmm_range){ mbi.info_start, mbi.info_end };
	for (unsigned int i = 0; i < mbi.module_count; i++)
		reserved[n++] = (struct pmm_range){ mbi.modules[i].start, mbi.modules[i].end };
	if (pmm_init(mbi.mmap, mbi.mmap_count, reserved, n) != 0) {
		pr_err("no usable memory in the memory map\n");
		fail();
	}
	pr_info("page allocator: %lu KiB free in %u ranges\n", pmm_free_bytes() >> 10,
		pmm_range_count());
}

void kmain(uint32_t magic, uint32_t info)
{
	serial_init();
	kprintf("\ntickvisor " TICKVISOR_VERSION ": a VT-x micro-hypervisor\n");
	gdt_init();
	idt_init();
	options_defaults(&opts);
	parse_boot_info(magic, info);
	report_memory();
	init_allocator();
	paging_init(&mbi);
	crash_if_asked(opts.crash);

	/* First what no amount of calibration can make up for: a CPU without usable VT-x. */
	if (!vmx_check_cpu())
		fail();

	lapic_init();
	/* Before the first STI: the BIOS left the 8259 on exception vectors 8-15. */
	irq_lines_init(&mbi);
	if (!clock_calibrate() || !lapic_oneshot_selftest())
		fail();

	platform_exit(vm_run(&mbi, &(struct vm_config){
		.guest_mem_bytes = opts.guest_mem_bytes,
		.timer = opts.timer,
		.advance_mode = opts.advance_mode,
		.advance_ns = opts.advance_ns,
		.min_period_us = opts.min_period_us,
		.trace = opts.trace,
		.breakage = opts.crash == CRASH_VMENTRY ? VM_BREAK_ENTRY :
			    opts.crash == CRASH_VMEXIT ? VM_BREAK_EXIT : VM_INTACT,
	}));
}
