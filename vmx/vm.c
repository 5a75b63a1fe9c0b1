/* SPDX-License-Identifier: MIT */
#include "arch/x86/cpu.h"
#include "arch/x86/irq_lines.h"
#include "arch/x86/lapic.h"
#include "arch/x86/log.h"
#include "arch/x86/platform.h"
#include "arch/x86/pmm.h"
#include "arch/x86/serial.h"
#include "arch/x86/tsc.h"
#include "lib/apic_regs.h"
#include "lib/util.h"
#include "loader/acpi.h"
#include "loader/guest_load.h"
#include "vmx/apic_glue.h"
#include "vmx/caps.h"
#include "vmx/chipset_glue.h"
#include "vmx/ept.h"
#include "vmx/exit_trace.h"
#include "vmx/io_dispatch.h"
#include "vmx/msr_bitmap.h"
#include "vmx/vcpu.h"
#include "vmx/vm.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmx_setup.h"


static struct vcpu vcpu;

static uint64_t page_or_fail(const char *what)
{
	uint64_t pa = pmm_alloc_page();

	if (!pa)
		pr_err("out of memory for the %s\n", what);
	return pa;
}

static bool alloc_pages(struct vmcs_pages *p)
{
	if (!(p->msr_bitmap = page_or_fail("MSR bitmap")) ||
	    !(p->io_bitmap_a = page_or_fail("I/O bitmap A")) ||
	    !(p->io_bitmap_b = page_or_fail("I/O bitmap B")) ||
	    !(p->virtual_apic = page_or_fail("virtual-APIC page")) ||
	    !(p->apic_access = page_or_fail("APIC-access page")))
		return false;
	msr_bitmap_init((uint8_t *)(uintptr_t)p->msr_bitmap);
	/* I/O bitmaps (SDM 25.6.4): the chipset tickvisor virtualizes and the exit devices. */
	io_dispatch_init((uint8_t *)(uintptr_t)p->io_bitmap_a,
			 (uint8_t *)(uintptr_t)p->io_bitmap_b);
	io_exit_ports_init();
	return true;
}

static void describe_guest(const struct guest_entry *e, const char *cmdline, unsigned int nmods)
{
	if (e->protocol == GUEST_LINUX) {
		pr_info("guest: Linux bzImage, boot protocol %u.%02u, kernel at %#lx (%#lx bytes "
			"with init_size), entry %#x, zero page %#x\n", e->boot_version >> 8,
			e->boot_version & 0xff, e->image_start, e->image_end - e->image_start,
			e->eip, e->esi);
		if (nmods)
			pr_info("guest: initrd at %#lx-%#lx\n", e->initrd_start, e->initrd_end);
		else
			pr_info("guest: no initrd\n");
		pr_info("guest: command line '%s'\n", cmdline);
		return;
	}
	pr_info("guest: multiboot%s ELF%d kernel at %#lx-%#lx, entry %#x, %u module(s), "
		"command line '%s'\n", e->protocol == GUEST_MULTIBOOT2 ? "2" : " v1", e->elf_class,
		e->image_start, e->image_end, e->eip, nmods, cmdline);
}

static struct guest_module module_of(const struct mb2_module *m)
{
	return (struct guest_module){
		(const uint8_t *)(uintptr_t)m->start, m->end - m->start, m->string,
	};
}

static bool load_guest(const struct mb2_info *mbi, struct guest_entry *entry)
{
	struct guest_module kernel, mods[GUEST_MAX_MODULES];
	struct guest_load_req req = {
		.ram = vcpu.ram, .ram_size = vcpu.ram_size, .kernel = &kernel, .mods = mods,
	};
	char err[200];

	if (mbi->module_count == 0) {
		pr_err("no guest: give the guest kernel as the first multiboot2 module "
		       "(module2 /boot/guest.elf [its command line], or module2 /boot/vmlinuz "
		       "[Linux command line] and module2 /boot/initrd.img)\n");
		return false;
	}
	kernel = module_of(&mbi->modules[0]);
	req.cmdline = kernel.string;
	for (unsigned int i = 1; i < mbi->module_count && req.nmods < GUEST_MAX_MODULES; i++)
		mods[req.nmods++] = module_of(&mbi->modules[i]);
	if (guest_load(&req, entry, err, sizeof(err)) != 0) {
		pr_err("cannot load the guest kernel: %s\n", err);
		return false;
	}
	describe_guest(entry, kernel.string, req.nmods);
	return true;
}

/*
 * The ACPI tables that describe the guest's platform, in the firmware area the guest's memory
 * maps mark reserved (loader/e820.h), where an OS searches for the RSDP (ACPI 6.5 5.2.5.1). They
 * describe what the guest gets: one processor with its local APIC at the default base, LINT1
 * wired to NMI as on a PC, the 8259 pair, the I/O APIC with the PIT's IRQ0 on GSI2 (the wiring of
 * chipset/chipset.h), the ACPI fixed hardware (chipset/acpi_pm.h: the PM timer an OS checks its
 * TSC against, the SCI on IRQ9, level and active high, soft-off), and the passed-through legacy
 * devices. No HPET: tickvisor has none to give (the vLAPIC timer, the vPIT and the PM timer are
 * the guest's clocks), so none is described. The loader never
 * writes below 1 MiB but for the zero page and the BIOS data area, so this can come after it.
 */
static bool build_firmware(void)
{
	struct acpi_platform acpi = {
		.lapic_id = lapic_id(),		/* the ID apic_glue gives the vLAPIC */
		.lapic_addr = APIC_BASE_DEFAULT,
		.pcat_compat = true,		/* the vPIC */
		.ioapic_count = 1,
		.ioapic = { { .id = 0, .addr = chipset_glue_ioapic_base(), .gsi_base = 0 } },
		.override_count = 2,
		.overrides = {
			{ .bus_irq = 0, .gsi = 2, .flags = 0 },		/* as the bus says */
			{ .bus_irq = CHIPSET_SCI_IRQ, .gsi = CHIPSET_SCI_IRQ,
			  .flags = ACPI_INTI_ACTIVE_HIGH | ACPI_INTI_LEVEL },
		},
		.lint1_nmi = true,
		.boot_arch = { .legacy_devices = true, .i8042 = true, .vga = true,
			       .msi = false, .cmos_rtc = true },
		.pm = { .present = true, .evt_port = CHIPSET_PM_EVT_PORT,
			.cnt_port = CHIPSET_PM_CNT_PORT, .tmr_port = CHIPSET_PM_TMR_PORT,
			.sci_irq = CHIPSET_SCI_IRQ, .s5_slp_typ = CHIPSET_S5_SLP_TYP },
	};
	char err[160];

	if (acpi_build(vcpu.ram + ACPI_AREA_GPA, ACPI_AREA_GPA, ACPI_AREA_SIZE, &acpi, err,
		       sizeof(err))) {
		pr_err("cannot build the ACPI tables: %s\n", err);
		return false;
	}
	pr_info("ACPI: RSDP at %#x (RSDT, XSDT, FADT with the PM timer, FACS, DSDT with \\_S5, "
		"MADT with the I/O APIC, IRQ0 -> GSI2 and the SCI)\n", ACPI_AREA_GPA);
	return true;
}

static bool build_vm(const struct mb2_info *mbi, const struct vm_config *cfg)
{
	struct vmcs_pages pages;
	struct guest_entry entry;
	uint64_t ram;

	if (!vmx_caps_init() || !vmx_on() || !alloc_pages(&pages))
		return false;
	ram = pmm_alloc_contig(cfg->guest_mem_bytes, SIZE_2M);
	if (!ram) {
		pr_err("guest_mem=%luM does not fit: %lu KiB of host memory are free\n",
		       cfg->guest_mem_bytes >> 20, pmm_free_bytes() >> 10);
		return false;
	}
	vcpu.ram = (uint8_t *)(uintptr_t)ram;
	vcpu.ram_size = cfg->guest_mem_bytes;
	pr_info("guest RAM: %lu MiB at host %#lx\n", vcpu.ram_size >> 20, ram);
	if (!load_guest(mbi, &entry) || !build_firmware())
		return false;
	vcpu.eptp = ept_build(ram, vcpu.ram_size, pages.apic_access, mbi);
	if (!vcpu.eptp) {
		pr_err("out of memory for the EPT\n");
		return false;
	}
	/*
	 * Translations cached for this EPTP by whatever used these pages before (a VMM that ran
	 * before a warm boot into tickvisor) must not reach the guest: invalidate them before the
	 * first entry (SDM vol. 3C, "Guidelines for Use of the INVEPT Instruction").
	 */
	invept_single(vcpu.eptp);
	if (!vmcs_init(&vcpu, &pages, &entry, cfg->timer == VLAPIC_TIMER_HV) ||
	    !apic_glue_init(&vcpu, cfg, pages.virtual_apic,
			    (uint8_t *)(uintptr_t)pages.msr_bitmap) ||
	    !chipset_glue_init(&(struct chipset_glue_config){
		    .tsc_hz = tsc_hz(), .min_period_us = cfg->min_period_us,
		    .apic_id = (uint8_t)lapic_id() }))
		return false;
	apic_glue_describe();
	chipset_glue_describe();
	return true;
}

/*
 * crash=vmentry and crash=vmexit: break the VM on purpose, so that the entry-failure and the
 * unhandled-exit diagnostics are tested. RFLAGS bit 1 is reserved as 1: a guest RFLAGS without it
 * fails the guest-state checks (SDM 27.3.1.4). RDTSC exiting has no handler in the table.
 */
static void break_vm_on_purpose(enum vm_breakage kind)
{
	if (kind == VM_BREAK_ENTRY) {
		pr_info("crash: the guest's RFLAGS gets bit 1 cleared (boot option crash=)\n");
		vmwrite(VMCS_GUEST_RFLAGS, 0);
	} else if (kind == VM_BREAK_EXIT) {
		pr_info("crash: RDTSC exiting is on, with no handler (boot option crash=)\n");
		vcpu.proc |= PROC_RDTSC_EXITING;
		vmwrite(VMCS_PROC_CONTROLS, vcpu.proc);
	}
}

uint32_t vm_run(const struct mb2_info *mbi, const struct vm_config *cfg)
{
	uint32_t code;

	if (!build_vm(mbi, cfg))
		return STATUS_FAILURE;
	break_vm_on_purpose(cfg->breakage);
	exit_trace_init(cfg->trace);
	pr_info("entering the guest\n");
	/* The guest programs the shared UART (clearing its FIFO): let ours empty first. */
	serial_drain();
	code = vcpu_run(&vcpu);
	lapic_timer_stop();
	exit_stats_print(&vcpu, rdtsc());
	chipset_glue_print_stats();
	irq_lines_print_stats();
	exit_trace_print();
	return code;
}
