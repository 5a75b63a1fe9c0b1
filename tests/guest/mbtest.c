/* SPDX-License-Identifier: MIT */
/*
 * mbtest: what a multiboot loader hands a kernel, checked against the specs. GRUB is the reference
 * (native runs); tickvisor, loading its guest, must hand over the same. One source, three images:
 * mbtest.elf (v1 header), mbtest2.elf (v2 header) and mbtest64.elf (v1, the file as ELF64).
 *
 * Command line:
 *   env=native|tickvisor  where it runs
 *   modules=<n>           how many modules the runner passed (none when absent): module i is
 *                         fixtures/module<i>.bin, with the word mod<i> in its string
 *   tag=hello-42          shows that the line arrived whole
 *   test=ept_violation    instead of the checks, write past the end of RAM: tickvisor must stop it
 *   test=triple_fault     instead of the checks, fault with no IDT: the CPU shuts down (natively)
 *                         or tickvisor reports the triple fault
 *   test=hlt_cli          HLT with interrupts disabled: tickvisor must report it, not sleep forever
 *   test=hlt_idle         HLT with interrupts enabled and no timer armed: likewise
 *   test=hlt_masked_oneshot  HLT with interrupts enabled and only a masked one-shot armed: its
 *                         expiry delivers nothing (SDM 11.5.1), so nothing ends the HLT: likewise
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/fmt.h"
#include "lib/string.h"
#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/boot.h"
#include "tests/guest/lib/cmdline.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/hypercall.h"
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/msr_safe.h"
#include "tests/guest/lib/multiboot.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/serial.h"
#include "tests/guest/lib/start.h"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define EXPECTED_TAG		"hello-42"
#define MIB			0x100000u
#define MAX_MEM_LOWER_KIB	640
#define FLAT_LIMIT		0xffffffffu
#define ALL_SEGS		((1u << BOOT_NR_SEGS) - 1)
#define PROBE_VECTOR		0x40
#define PAGE_MASK		0xfffu
#define HC_PRINT_LINE		"hypercall print: bytes from guest memory\n"
#define HC_NO_SUCH_FUNCTION	(TV_HC_BASE + 0x7fu)
/* KVM's and others' calls are small numbers: 0 was tickvisor's exit before TV_HC_BASE. */
#define HC_FOREIGN_FUNCTION	0u
#define EXIT_REASON_VMCALL	18	/* SDM vol. 3D appendix C */
/* Architectural MSR numbers skip 0x3c-0x3a; nothing Intel ever shipped answers at 0x4b. */
#define MSR_NONE		0x4bu
#define MSR_FEATURE_CONTROL	0x3au
#define MSR_BETWEEN_MTRRS	0x251u	/* after MTRRfix64K_00000 (0x250), before 0x258 */
#define FEATURE_CONTROL_LOCK	(1u << 0)
#define FEATURE_CONTROL_VMXON	(3u << 1)	/* VMX inside and outside SMX */
#define MSR_MISC_ENABLE		0x1a0u
#define MSR_PERF_CAPABILITIES	0x345u
/* CPUID feature bits (SDM vol. 2 CPUID, tables 3-10 and 3-11) and CR4.OSXSAVE */
#define CPUID_1_ECX_MONITOR	(1u << 3)
#define CPUID_1_ECX_PDCM	(1u << 15)
#define CPUID_1_ECX_XSAVE	(1u << 26)
#define CPUID_1_ECX_OSXSAVE	(1u << 27)
#define CPUID_1_EDX_APIC	(1u << 9)
#define CPUID_LEAF_PMU		0xau
#define CPUID_LEAF_XSAVE	0xdu
#define CR4_OSXSAVE		(1u << 18)
#define XCR0_X87		1u
#define XCR0_RESERVED_63	(1ull << 63)

static const char *const seg_names[BOOT_NR_SEGS] = { "CS", "DS", "ES", "FS", "GS", "SS" };

static struct boot_info bi;

/*
 * Nothing writes it, so it reads 0 only if the loader zeroed .bss (ELF p_memsz > p_filesz).
 * volatile: gcc would otherwise fold the reads of a never-written static to 0.
 */
static volatile uint32_t bss_probe[1024];

static volatile unsigned int probe_calls;
static volatile unsigned int probe_vector;
static volatile uint64_t probe_tsc;

static void log_boot_info(void)
{
	unsigned int i;

	info("cmdline \"%s\"", bi.cmdline ? bi.cmdline : "(none)");
	if (bi.has_meminfo)
		info("mem_lower %u KiB, mem_upper %u KiB", bi.mem_lower, bi.mem_upper);
	for (i = 0; i < bi.nr_mmap; i++)
		info("memory map 0x%016llx-0x%016llx type %u", bi.mmap[i].base,
		     bi.mmap[i].base + bi.mmap[i].len - 1, bi.mmap[i].type);
	for (i = 0; i < bi.nr_modules; i++) {
		const struct mb_module *m = &bi.modules[i];

		info("module %u 0x%08x-0x%08x \"%s\"", i + 1, m->start, m->end,
		     m->string ? m->string : "(none)");
	}
}

static void check_bss(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bss_probe); i++) {
		if (bss_probe[i]) {
			fail("boot.bss_zeroed", "word 0x%08x of .bss reads 0x%x",
			     (uint32_t)(uintptr_t)&bss_probe[i], bss_probe[i]);
			return;
		}
	}
	pass("boot.bss_zeroed");
}

static void check_cpu_state(uint32_t magic)
{
	check(magic == boot_loader_magic, "boot.magic", "EAX 0x%08x, expected 0x%08x", magic,
	      boot_loader_magic);
	check((boot_state.cr0 & CR0_PE) && !(boot_state.cr0 & CR0_PG),
	      "boot.protected_mode_no_paging", "CR0 0x%08x", boot_state.cr0);
	/* Multiboot 0.6.96, 3.2: IF and VM clear. */
	check(!(boot_state.eflags & (EFLAGS_IF | EFLAGS_VM)), "boot.eflags", "EFLAGS 0x%08x",
	      boot_state.eflags);
}

/* Writes " NAME=0xSELECTOR" for each segment whose bit is clear in mask. */
static void list_segments(char *buf, size_t size, uint32_t mask)
{
	size_t n = 0;
	unsigned int s;

	buf[0] = '\0';
	for (s = 0; s < BOOT_NR_SEGS; s++)
		if (!(mask & (1u << s)) && n < size)
			n += snprintf(buf + n, size - n, " %s=0x%x", seg_names[s],
				      boot_state.sel[s]);
}

/*
 * Multiboot: CS, DS, ES, FS, GS and SS are flat, base 0 and limit 4 GiB. The bases are what the
 * segment registers really hold: entry.S read through each of them. The limits can only be read
 * from the GDT the loader left loaded, which the specs allow to be invalid: a selector it does
 * not describe is skipped, not failed.
 */
static void check_segments(void)
{
	const char *name = "boot.flat_segments.limit";
	uint32_t flat = 0;
	char list[128];
	size_t n = 0;
	unsigned int s;

	list_segments(list, sizeof(list), boot_state.base_ok);
	check(boot_state.base_ok == ALL_SEGS, "boot.flat_segments.base", "base not 0:%s", list);

	for (s = 0; s < BOOT_NR_SEGS; s++)
		if ((boot_state.limit_ok & (1u << s)) && boot_state.limit[s] == FLAT_LIMIT)
			flat |= 1u << s;
	if (boot_state.limit_ok != flat) {
		list[0] = '\0';
		for (s = 0; s < BOOT_NR_SEGS; s++)
			if ((boot_state.limit_ok & ~flat & (1u << s)) && n < sizeof(list))
				n += snprintf(list + n, sizeof(list) - n, " %s=0x%x limit 0x%x",
					      seg_names[s], boot_state.sel[s], boot_state.limit[s]);
		fail(name, "not 4 GiB:%s", list);
	} else if (flat != ALL_SEGS) {
		list_segments(list, sizeof(list), boot_state.limit_ok);
		skip(name, "the GDT at entry does not describe%s, and multiboot allows that", list);
	} else {
		pass(name);
	}
}

static void check_cmdline(bool whole)
{
	const char *tag = cmdline_get("tag");

	if (!bi.cmdline)
		fail("boot.cmdline", "the loader passed no command line");
	else
		check(whole && tag && !strcmp(tag, EXPECTED_TAG), "boot.cmdline",
		      "tag=%s%s, expected tag=" EXPECTED_TAG, tag ? tag : "(none)",
		      whole ? "" : " in a line longer than CMDLINE_MAX");
}

/* The available RAM region that holds addr, or NULL. */
static const struct mb_mmap_entry *ram_at(uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < bi.nr_mmap; i++) {
		const struct mb_mmap_entry *e = &bi.mmap[i];

		if (e->type == MB_MMAP_AVAILABLE && addr >= e->base && addr - e->base < e->len)
			return e;
	}
	return NULL;
}

/*
 * Multiboot 0.6.96, 3.3: mem_lower is the KiB of RAM from 0, at most 640; mem_upper at most the
 * KiB from 1 MiB to the first hole above it. The memory map must agree, and hold this image.
 */
static void check_meminfo(void)
{
	const char *name = "boot.meminfo";
	const struct mb_mmap_entry *low = ram_at(0), *high = ram_at(MIB);
	uint64_t upper_end = MIB + ((uint64_t)bi.mem_upper << 10);
	uint32_t image_end = (uint32_t)(uintptr_t)guest_image_end;

	if (!bi.has_meminfo)
		fail(name, "the loader passed no mem_lower/mem_upper");
	else if (!bi.has_mmap)
		fail(name, "the loader passed no memory map");
	else if (bi.mem_lower > MAX_MEM_LOWER_KIB)
		fail(name, "mem_lower %u KiB is over 640 KiB", bi.mem_lower);
	else if (bi.mem_lower && (!low || low->len < ((uint64_t)bi.mem_lower << 10)))
		fail(name, "mem_lower %u KiB, but the map has 0x%llx bytes of RAM at 0",
		     bi.mem_lower, low ? low->len : 0);
	else if (!high)
		fail(name, "the memory map has no RAM at 1 MiB");
	else if (!bi.mem_upper || high->base + high->len < upper_end)
		fail(name, "mem_upper %u KiB, but the RAM at 1 MiB ends at 0x%llx", bi.mem_upper,
		     high->base + high->len);
	else if (image_end > upper_end)
		fail(name, "this image ends at 0x%08x, past mem_upper", image_end);
	else
		pass(name);
}

/* Module i (from 0) is fixtures/module<i+1>.bin, its string has the word mod<i+1>. */
static bool module_ok(unsigned int i)
{
	const struct mb_module *m = &bi.modules[i];
	const char *string = m->string ? m->string : "";
	char magic[16], word[16];
	unsigned int len;

	len = (unsigned int)snprintf(magic, sizeof(magic), "TVMOD%u", i + 1);
	snprintf(word, sizeof(word), "mod%u", i + 1);
	if (m->start & PAGE_MASK)
		fail("boot.modules", "module %u at 0x%08x is not page-aligned, as the header asks",
		     i + 1, m->start);
	else if (m->end <= m->start || m->end - m->start < len)
		fail("boot.modules", "module %u spans 0x%08x-0x%08x, too short for %s", i + 1,
		     m->start, m->end, magic);
	else if (memcmp((const void *)(uintptr_t)m->start, magic, len))
		fail("boot.modules", "module %u does not start with %s", i + 1, magic);
	else if (!words_contain(string, word))
		fail("boot.modules", "module %u's string \"%s\" lacks the word %s", i + 1, string,
		     word);
	else
		return true;
	return false;
}

static void check_modules(void)
{
	const char *given = cmdline_get("modules");
	uint32_t want = 0;
	unsigned int i;

	if (given && !cmdline_get_u32("modules", &want)) {
		fail("boot.modules", "modules=%s is not a number", given);
		return;
	}
	if (bi.nr_modules != want) {
		fail("boot.modules", "%u modules, the command line says %u", bi.nr_modules, want);
		return;
	}
	for (i = 0; i < bi.nr_modules; i++)
		if (!module_ok(i))
			return;
	pass("boot.modules");
}

static void probe_handler(unsigned int vector, uint64_t tsc)
{
	probe_calls++;
	probe_vector = vector;
	probe_tsc = tsc;
}

/* The interrupt path the APIC timer tests build on: a stub, its TSC stamp, the handler. */
static void check_irq_entry(void)
{
	uint64_t before, after;

	idt_set_handler(PROBE_VECTOR, probe_handler);
	before = rdtsc();
	asm volatile("int %0" : : "i"(PROBE_VECTOR) : "memory");
	after = rdtsc();
	check(probe_calls == 1 && probe_vector == PROBE_VECTOR && probe_tsc >= before &&
	      probe_tsc <= after, "idt.irq_entry",
	      "%u calls, vector 0x%x, TSC 0x%llx, int issued between 0x%llx and 0x%llx",
	      probe_calls, probe_vector, probe_tsc, before, after);
}

static void check_cpuid(void)
{
	struct cpuid_regs std = cpuid(1, 0), hv = cpuid(TV_CPUID_LEAF, 0);
	const char *env = cmdline_get("env");
	char sig[13];
	unsigned int i;

	memcpy(sig, &hv.ebx, 4);
	memcpy(sig + 4, &hv.ecx, 4);
	memcpy(sig + 8, &hv.edx, 4);
	for (i = 0; i < 12; i++)
		if (sig[i] < ' ' || sig[i] > '~')
			sig[i] = '.';
	sig[12] = '\0';
	info("CPUID.1:ECX 0x%08x, leaf 0x40000000: EAX 0x%08x \"%s\"", std.ecx, hv.eax, sig);

	if (!env) {
		skip("cpuid.hypervisor_leaf", "no env= on the command line");
		skip("cpuid.vmx_hidden", "no env= on the command line");
	} else if (!strcmp(env, "tickvisor")) {
		check(tv_present(), "cpuid.hypervisor_leaf",
		      "CPUID.1:ECX[31]=%u, leaf 0x40000000: EAX 0x%08x \"%s\"",
		      !!(std.ecx & CPUID_1_ECX_HYPERVISOR), hv.eax, sig);
		check(!(std.ecx & CPUID_1_ECX_VMX), "cpuid.vmx_hidden",
		      "CPUID.1:ECX[5] (VMX) is 1");
	} else if (!strcmp(env, "native")) {
		check(!tv_present(), "cpuid.hypervisor_leaf",
		      "a native run, but CPUID says tickvisor");
		skip("cpuid.vmx_hidden", "native: VMX is the emulator's to show");
	} else {
		fail("cpuid.hypervisor_leaf", "env=%s is neither native nor tickvisor", env);
		fail("cpuid.vmx_hidden", "env=%s is neither native nor tickvisor", env);
	}
}

/*
 * PAE paging (SDM vol. 3A 4.4): one page-directory-pointer entry, one page directory of 2 MiB
 * pages mapping the first GiB onto itself. The CR0 write also sets NE, which makes it exit under
 * tickvisor (NE is one of the bits it owns), so the hypervisor, not the CPU, must load the PDPTEs
 * that the VM entry then takes from the VMCS: without them the next fetch faults for good.
 */
#define PAE_PDE_FLAGS		0x83u		/* present, writable, 2 MiB page */
#define PAE_PDPTE_PRESENT	0x1u		/* bits 2:1 are reserved in a PAE PDPTE */
#define PAE_CR0_NE		(1u << 5)
#define PAE_CR4_PAE		(1u << 5)
#define PAE_PROBE		0x5a5a1234u

static uint64_t pae_pdpt[4] __attribute__((aligned(32)));
static uint64_t pae_pd[512] __attribute__((aligned(4096)));
static volatile uint32_t pae_probe = PAE_PROBE;

static void check_pae_paging(void)
{
	uint32_t cr0, cr4, paged_cr0, got, i;

	for (i = 0; i < 512; i++)
		pae_pd[i] = ((uint64_t)i << 21) | PAE_PDE_FLAGS;
	pae_pdpt[0] = (uint32_t)(uintptr_t)pae_pd | PAE_PDPTE_PRESENT;
	asm volatile("mov %%cr0, %0; mov %%cr4, %1" : "=r"(cr0), "=r"(cr4));
	asm volatile("mov %0, %%cr4" : : "r"(cr4 | PAE_CR4_PAE));
	asm volatile("mov %0, %%cr3" : : "r"((uint32_t)(uintptr_t)pae_pdpt) : "memory");
	asm volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_PG | PAE_CR0_NE) : "memory");
	got = pae_probe;
	asm volatile("mov %%cr0, %0" : "=r"(paged_cr0));
	asm volatile("mov %0, %%cr0; mov %1, %%cr4" : : "r"(cr0), "r"(cr4) : "memory");
	check((paged_cr0 & CR0_PG) && got == PAE_PROBE, "paging.pae",
	      "CR0 0x%08x with paging on, read 0x%08x through it", paged_cr0, got);
}

/*
 * An MSR the CPU does not have raises #GP(0) on read and write (SDM vol. 4 2.1); under tickvisor,
 * IA32_FEATURE_CONTROL reads locked with VMX off, matching CPUID's hidden VMX bit.
 */
static void check_msrs(void)
{
	const char *env = cmdline_get("env");
	uint64_t val = 0;
	int v;

	v = rdmsr_safe(MSR_NONE, &val);
	check(v == VEC_GP, "msr.read_absent_gp", "RDMSR 0x%x: vector %d, value 0x%llx", MSR_NONE,
	      v, val);
	v = wrmsr_safe(MSR_NONE, 0);
	check(v == VEC_GP, "msr.write_absent_gp", "WRMSR 0x%x: vector %d", MSR_NONE, v);
	/* Between the fixed-range MTRRs, not one of them: tickvisor emulates the MTRRs only. */
	v = wrmsr_safe(MSR_BETWEEN_MTRRS, 0);
	check(v == VEC_GP, "msr.write_between_mtrrs_gp", "WRMSR 0x%x: vector %d",
	      MSR_BETWEEN_MTRRS, v);
	if (!env || strcmp(env, "tickvisor")) {
		skip("msr.feature_control_vmx_off", "native: the emulator's own setting");
		return;
	}
	v = rdmsr_safe(MSR_FEATURE_CONTROL, &val);
	check(v < 0 && (val & FEATURE_CONTROL_LOCK) && !(val & FEATURE_CONTROL_VMXON),
	      "msr.feature_control_vmx_off", "vector %d, IA32_FEATURE_CONTROL 0x%llx", v, val);
}

/*
 * tickvisor's hypercalls (vmx/hypercall_abi.h): print writes the bytes to the console as they are
 * (the boot test looks for the line), and each function refuses what it cannot do by its code.
 */
static void check_hypercalls(void)
{
	static const char line[] = HC_PRINT_LINE;
	static const char *const names[] = {
		"hypercall.print", "hypercall.print_too_long", "hypercall.print_outside_ram",
		"hypercall.stats", "hypercall.unknown_function", "hypercall.foreign_call_enosys",
	};
	const char *env = cmdline_get("env");
	struct tv_stats st;
	uint32_t r;
	unsigned int i;

	if (!env || strcmp(env, "tickvisor")) {
		for (i = 0; i < ARRAY_SIZE(names); i++)
			skip(names[i], "no hypervisor: VMCALL would raise #UD");
		return;
	}
	serial_drain();
	r = tv_hc_print(line, sizeof(line) - 1);
	check(r == 0, names[0], "returned 0x%x", r);
	r = tv_hc_print(line, TV_HC_PRINT_MAX + 1);
	check(r == TV_HC_EINVAL, names[1], "%u bytes: returned 0x%x, expected EINVAL",
	      TV_HC_PRINT_MAX + 1, r);
	/* The top of the 32-bit space is never guest RAM (at most 3 GiB of it). */
	r = tv_hypercall(TV_HC_PRINT, 0xfffff000u, 16, 0);
	check(r == TV_HC_EINVAL, names[2], "returned 0x%x, expected EINVAL", r);
	memset(&st, 0, sizeof(st));
	r = tv_hc_stats(&st, sizeof(st));
	check(r == sizeof(st) && st.version == 1 && st.size == sizeof(st) && st.exits > 0 &&
	      st.exits_by_reason[EXIT_REASON_VMCALL] > 0 && st.hv_cycles > 0, names[3],
	      "returned %u, version %u, size %u, %llu exits, %llu VMCALLs, %llu cycles", r,
	      st.version, st.size, st.exits, st.exits_by_reason[EXIT_REASON_VMCALL], st.hv_cycles);
	r = tv_hypercall(HC_NO_SUCH_FUNCTION, 0, 0, 0);
	check(r == TV_HC_ENOSYS, names[4], "function 0x%x returned 0x%x, expected ENOSYS",
	      HC_NO_SUCH_FUNCTION, r);
	/* Another hypervisor's call, RBX = 1: it must neither end the run nor do anything else. */
	r = tv_hypercall(HC_FOREIGN_FUNCTION, 1, 0, 0);
	check(r == TV_HC_ENOSYS, names[5], "function 0x%x returned 0x%x, expected ENOSYS",
	      HC_FOREIGN_FUNCTION, r);
}

/* The leaves the CPU policy filters, for the log: what this guest is told about its CPU. */
static void log_cpuid(void)
{
	static const uint32_t leaves[][2] = {
		{ 1, 0 }, { 6, 0 }, { 7, 0 }, { CPUID_LEAF_PMU, 0 }, { CPUID_LEAF_XSAVE, 0 },
		{ CPUID_LEAF_XSAVE, 1 }, { 0x80000001u, 0 },
	};
	uint32_t max = cpuid(0, 0).eax, max_ext = cpuid(0x80000000u, 0).eax;
	unsigned int i;

	info("CPUID: highest leaf 0x%x, highest extended leaf 0x%x", max, max_ext);
	for (i = 0; i < ARRAY_SIZE(leaves); i++) {
		uint32_t l = leaves[i][0];
		struct cpuid_regs r;

		if (l < 0x80000000u ? l > max : l > max_ext)
			continue;
		r = cpuid(l, leaves[i][1]);
		info("CPUID 0x%x.%u: EAX 0x%08x EBX 0x%08x ECX 0x%08x EDX 0x%08x", l,
		     leaves[i][1], r.eax, r.ebx, r.ecx, r.edx);
	}
}

/*
 * What CPUID shows must work, what it hides must fault (vmx/cpu_policy.c): IA32_PERF_CAPABILITIES
 * exists exactly when PDCM says so; without a PMU (leaf 0xA version 0) RDPMC raises #GP; every
 * CPU since the Pentium 4 has IA32_MISC_ENABLE; without CPUID.1:ECX.MONITOR, MONITOR and MWAIT
 * raise #UD (SDM vol. 2).
 */
static void check_cpu_features(void)
{
	uint32_t ecx = cpuid(1, 0).ecx, max = cpuid(0, 0).eax, pmu = 0;
	bool pdcm = ecx & CPUID_1_ECX_PDCM;
	uint64_t val = 0;
	int v;

	v = rdmsr_safe(MSR_PERF_CAPABILITIES, &val);
	check(pdcm ? v < 0 : v == VEC_GP, "msr.perf_capabilities_follows_pdcm",
	      "CPUID.1:ECX.PDCM = %u, RDMSR 0x%x: vector %d", pdcm, MSR_PERF_CAPABILITIES, v);
	if (max >= CPUID_LEAF_PMU)
		pmu = cpuid(CPUID_LEAF_PMU, 0).eax & 0xff;
	if (pmu) {
		skip("cpu.rdpmc_gp_without_pmu", "leaf 0xA: PMU version %u", pmu);
	} else {
		v = rdpmc_safe(0);
		check(v == VEC_GP, "cpu.rdpmc_gp_without_pmu", "RDPMC 0: vector %d", v);
	}
	v = rdmsr_safe(MSR_MISC_ENABLE, &val);
	check(v < 0, "msr.misc_enable_readable", "RDMSR 0x%x: vector %d", MSR_MISC_ENABLE, v);
	if (ecx & CPUID_1_ECX_MONITOR) {
		skip("cpu.monitor_ud_when_hidden", "CPUID.1:ECX.MONITOR = 1");
		skip("cpu.mwait_ud_when_hidden", "CPUID.1:ECX.MONITOR = 1");
	} else {
		v = monitor_safe();
		check(v == VEC_UD, "cpu.monitor_ud_when_hidden", "MONITOR: vector %d", v);
		v = mwait_safe();
		check(v == VEC_UD, "cpu.mwait_ud_when_hidden", "MWAIT: vector %d", v);
	}
}

#define MSR_TSC			0x010
#define MSR_TSC_ADJUST		0x03b
#define CPUID_7_EBX_TSC_ADJUST	(1u << 1)
#define TSC_JUMP		(1ull << 40)
#define TSC_SLACK		1000000ull	/* instructions between two reads, with exits */
#define DEADLINE_VECTOR		0x51
#define DEADLINE_DELTA		200000ull

static volatile uint32_t deadline_calls;
static volatile uint64_t deadline_tsc;

static void deadline_handler(unsigned int vector, uint64_t tsc)
{
	(void)vector;
	deadline_calls++;
	deadline_tsc = tsc;
	apic_eoi();
}

/*
 * A TSC-deadline interrupt with the TSC moved by TSC_ADJUST: the deadline is a value of the
 * guest's TSC (SDM 11.5.4.1), and the interrupt comes at it, not before, nor 2^40 ticks late.
 */
static void check_deadline_with_offset(void)
{
	uint64_t deadline;

	if (!apic_has_tsc_deadline()) {
		skip("tsc.deadline_with_adjust", "no TSC-deadline mode");
		return;
	}
	idt_set_handler(DEADLINE_VECTOR, deadline_handler);
	apic_write(APIC_REG_SVR, APIC_SVR_ON);
	apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | DEADLINE_VECTOR);
	deadline = rdtsc() + DEADLINE_DELTA;
	wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
	/* no HLT: an emulator that compares the deadline with the unadjusted TSC never wakes it */
	sti();
	while (!deadline_calls && rdtsc() < deadline + 100 * DEADLINE_DELTA)
		asm volatile("pause" : : : "memory");
	cli();
	apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED);
	check(deadline_calls == 1 && deadline_tsc >= deadline &&
	      deadline_tsc < deadline + DEADLINE_DELTA, "tsc.deadline_with_adjust",
	      "%u interrupts, at TSC 0x%llx for deadline 0x%llx", deadline_calls, deadline_tsc,
	      deadline);
}

/*
 * IA32_TSC_ADJUST (SDM vol. 3B 18.17.3): shown by CPUID.7:EBX[1]; it reads 0 at start, a write
 * moves the TSC by the difference, and a write of the TSC moves TSC_ADJUST by the same amount.
 */
static void check_tsc_adjust(void)
{
	uint64_t adj = 1, t0, t1;
	int v;

	if (cpuid(0, 0).eax < 7 || !(cpuid(7, 0).ebx & CPUID_7_EBX_TSC_ADJUST)) {
		skip("msr.tsc_adjust_starts_at_0", "CPUID.7:EBX.TSC_ADJUST = 0");
		return;
	}
	v = rdmsr_safe(MSR_TSC_ADJUST, &adj);
	check(v < 0 && adj == 0, "msr.tsc_adjust_starts_at_0", "vector %d, value 0x%llx", v, adj);
	t0 = rdtsc();
	v = wrmsr_safe(MSR_TSC_ADJUST, TSC_JUMP);
	t1 = rdtsc();
	check(v < 0 && t1 - t0 >= TSC_JUMP && t1 - t0 < TSC_JUMP + TSC_SLACK,
	      "msr.tsc_adjust_moves_tsc", "vector %d, TSC moved by 0x%llx", v, t1 - t0);
	check_deadline_with_offset();
	v = wrmsr_safe(MSR_TSC, rdtsc() - TSC_JUMP / 2);
	rdmsr_safe(MSR_TSC_ADJUST, &adj);
	check(v < 0 && adj <= TSC_JUMP / 2 && adj > TSC_JUMP / 2 - TSC_SLACK,
	      "msr.tsc_write_moves_adjust", "vector %d, TSC_ADJUST 0x%llx", v, adj);
	wrmsr_safe(MSR_TSC_ADJUST, 0);
	t1 = rdtsc();
	check(t1 - t0 < TSC_SLACK * 100, "msr.tsc_adjust_back_to_0", "TSC 0x%llx after 0x%llx",
	      t1, t0);
}

static inline uint32_t read_cr4(void)
{
	uint32_t cr4;

	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	return cr4;
}

static inline void write_cr4(uint32_t cr4)
{
	asm volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * XSAVE (SDM vol. 1 13.3, vol. 2 XSETBV): CPUID.1:ECX.OSXSAVE reads CR4.OSXSAVE; with it set,
 * XSETBV of XCR0's own value works and a bad value (x87 clear, a reserved bit, an XCR other than
 * 0) raises #GP; with it clear XSETBV raises #UD.
 */
static void check_xsave(void)
{
	static const char *const names[] = {
		"cpu.osxsave_follows_cr4", "cpu.xsetbv", "cpu.xsetbv_bad_value_gp",
		"cpu.xsetbv_ud_without_osxsave",
	};
	uint32_t cr4 = read_cr4(), off, on;
	int same, no_x87, reserved, xcr1, no_osxsave;
	uint64_t xcr0;
	unsigned int i;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE)) {
		for (i = 0; i < ARRAY_SIZE(names); i++)
			skip(names[i], "CPUID.1:ECX.XSAVE = 0");
		return;
	}
	write_cr4(cr4 & ~CR4_OSXSAVE);
	off = cpuid(1, 0).ecx & CPUID_1_ECX_OSXSAVE;
	no_osxsave = xsetbv_safe(0, XCR0_X87);
	write_cr4(cr4 | CR4_OSXSAVE);
	on = cpuid(1, 0).ecx & CPUID_1_ECX_OSXSAVE;
	xcr0 = xgetbv0();
	same = xsetbv_safe(0, xcr0);
	no_x87 = xsetbv_safe(0, xcr0 & ~(uint64_t)XCR0_X87);
	reserved = xsetbv_safe(0, xcr0 | XCR0_RESERVED_63);
	xcr1 = xsetbv_safe(1, xcr0);
	write_cr4(cr4);
	check(!off && on, names[0], "CPUID.1:ECX.OSXSAVE = %u with CR4.OSXSAVE clear, %u with it "
	      "set", !!off, !!on);
	check(same < 0 && (xcr0 & XCR0_X87), names[1], "XCR0 0x%llx, XSETBV of it: vector %d",
	      xcr0, same);
	check(no_x87 == VEC_GP && reserved == VEC_GP && xcr1 == VEC_GP, names[2],
	      "vectors %d (x87 clear), %d (bit 63), %d (XCR1)", no_x87, reserved, xcr1);
	check(no_osxsave == VEC_UD, names[3], "XSETBV with CR4.OSXSAVE clear: vector %d",
	      no_osxsave);
}

/*
 * CPUID.1:EDX.APIC reads 0 while IA32_APIC_BASE.EN is clear (SDM vol. 3A 11.4.3). The last check
 * of the run: the APIC stays disabled (some emulators can't enable it again).
 */
static void check_apic_cpuid_bit(void)
{
	const char *name = "cpu.apic_bit_follows_apic_base";
	uint32_t on, off;
	uint64_t base;
	int v;

	if (rdmsr_safe(MSR_IA32_APIC_BASE, &base) >= 0 || !(base & APIC_BASE_EN)) {
		skip(name, "IA32_APIC_BASE is 0x%llx", base);
		return;
	}
	cli();
	on = cpuid(1, 0).edx & CPUID_1_EDX_APIC;
	v = wrmsr_safe(MSR_IA32_APIC_BASE, base & ~(uint64_t)(APIC_BASE_EN | APIC_BASE_EXTD));
	off = cpuid(1, 0).edx & CPUID_1_EDX_APIC;
	check(on && !off && v < 0, name, "CPUID.1:EDX.APIC = %u while enabled, %u after the "
	      "disable (WRMSR: vector %d)", !!on, !!off, v);
}

/*
 * test=triple_fault: with an empty IDT, INT3 raises #GP (the gate is beyond the limit), whose
 * delivery raises #DF, whose delivery fails again: a triple fault (SDM vol. 3A 6.15, interrupt 8).
 */
static void __attribute__((noreturn)) triple_fault(void)
{
	static const struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} empty_idt = { 0, 0 };

	info("loading an empty IDT and executing INT3");
	serial_drain();
	asm volatile("lidt %0; int3" : : "m"(empty_idt));
	fail("triple_fault", "INT3 returned");
	summary();
}

/* test=hlt_cli and test=hlt_idle: a HLT that nothing can end. */
static void __attribute__((noreturn)) hlt_forever(bool interrupts)
{
	info("HLT with interrupts %s and no timer armed", interrupts ? "enabled" : "disabled");
	serial_drain();
	if (interrupts)
		sti();
	hlt();
	fail(interrupts ? "hlt_idle" : "hlt_cli", "HLT returned");
	summary();
}

/*
 * test=hlt_masked_oneshot: a one-shot count armed with the LVT timer masked, then STI; HLT. The
 * count runs out while the CPU is halted and, masked, raises nothing: the HLT must not complete
 * (issue 11, 9b). The count is long enough for the HLT to come first; TMCCT shows it.
 */
#define MASKED_COUNT		0x100000u

static void __attribute__((noreturn)) hlt_masked_oneshot(void)
{
	apic_write(APIC_REG_SVR, APIC_SVR_ON);
	apic_write(APIC_REG_TDCR, APIC_TDCR_DIV1);
	apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_ONESHOT | PROBE_VECTOR);
	apic_write(APIC_REG_TMICT, MASKED_COUNT);
	info("HLT with interrupts enabled and a masked one-shot armed: TMCCT %u of %u",
	     apic_read(APIC_REG_TMCCT), MASKED_COUNT);
	serial_drain();
	sti();
	hlt();
	fail("hlt_masked_oneshot", "HLT returned (TMCCT %u)", apic_read(APIC_REG_TMCCT));
	summary();
}

/* test=ept_violation: under tickvisor, the write ends in its EPT-violation diagnostic. */
static void __attribute__((noreturn)) write_past_ram(void)
{
	const char *name = "ept.violation_stops_guest";
	uint64_t top = 0;
	unsigned int i;

	for (i = 0; i < bi.nr_mmap; i++)
		if (bi.mmap[i].type == MB_MMAP_AVAILABLE && bi.mmap[i].base + bi.mmap[i].len > top)
			top = bi.mmap[i].base + bi.mmap[i].len;
	if (!top) {
		fail(name, "no available RAM in the memory map");
	} else if (top > UINT32_MAX - 3) {
		fail(name, "RAM ends at 0x%llx, out of a 32-bit guest's reach", top);
	} else {
		info("writing past the end of guest RAM at 0x%08x", (uint32_t)top);
		/* The write may stop the machine: the line must be out first. */
		serial_drain();
		mmio_write32((uint32_t)top, 0);
		fail(name, "write returned");
	}
	summary();
}

void guest_main(uint32_t magic, uint32_t info_addr)
{
	const char *test;
	bool whole;

	guest_start(magic, info_addr, &bi);
	whole = cmdline_init(bi.cmdline);
	log_boot_info();

	test = cmdline_get("test");
	if (test && !strcmp(test, "ept_violation"))
		write_past_ram();
	if (test && !strcmp(test, "triple_fault"))
		triple_fault();
	if (test && !strcmp(test, "hlt_cli"))
		hlt_forever(false);
	if (test && !strcmp(test, "hlt_idle"))
		hlt_forever(true);
	if (test && !strcmp(test, "hlt_masked_oneshot"))
		hlt_masked_oneshot();
	if (test) {
		fail("test", "unknown test=%s", test);
		summary();
	}

	check_bss();
	check_cpu_state(magic);
	check_segments();
	check_cmdline(whole);
	check_meminfo();
	check_modules();
	check_irq_entry();
	check_cpuid();
	check_msrs();
	log_cpuid();
	check_cpu_features();
	check_xsave();
	check_tsc_adjust();
	check_pae_paging();
	check_hypercalls();
	check_apic_cpuid_bit();
	summary();
}
