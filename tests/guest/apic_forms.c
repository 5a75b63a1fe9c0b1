/* SPDX-License-Identifier: MIT */
/*
 * apic_forms: xAPIC accesses by the instructions beyond a 32-bit MOV (issue 11, finding 6) that
 * compilers and libraries emit: byte and word reads of a register's lanes, MOVZX/MOVSX, a
 * dropped byte write, XCHG, read-modify-write (with LOCK), REP MOVS from the page into RAM,
 * REP STOS onto it, and memset() of a globally disabled APIC's page. Under tickvisor without
 * APIC-register virtualization (ivy_bridge) each one is an APIC-access exit that it decodes and
 * executes; with it (skylake) the reads of LDR are virtualized and the rest exits. An
 * instruction tickvisor does not emulate (BT) raises #UD there instead of ending the run.
 * xAPIC only: mode=x2apic SKIPs everything. Command line: see tests/guest/lib/timer_test.h.
 */
#include <stdint.h>

#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/msr_safe.h"
#include "tests/guest/lib/report.h"
#include "tests/guest/lib/timer_test.h"

#define LDR_ADDR	(APIC_BASE_DEFAULT + APIC_REG_LDR)
#define TMCCT_ADDR	(APIC_BASE_DEFAULT + APIC_REG_TMCCT)
#define VEC_UD		6

#define APIC_REG(off)	(*(volatile uint32_t *)(APIC_BASE_DEFAULT + (off)))

static uint32_t ram_copy[0x400 / 4];

static void check_reads(void)
{
	uint32_t b3, w, sx, zx;
	uint8_t al;

	apic_write(APIC_REG_LDR, 0x85000000);
	asm volatile("movb %1, %0" : "=q"(al) : "m"(*(volatile uint8_t *)(LDR_ADDR + 3)));
	asm volatile("movzbl %1, %0" : "=r"(b3) : "m"(*(volatile uint8_t *)(LDR_ADDR + 3)));
	asm volatile("movzwl %1, %0" : "=r"(w) : "m"(*(volatile uint16_t *)(LDR_ADDR + 2)));
	asm volatile("movsbl %1, %0" : "=r"(sx) : "m"(*(volatile uint8_t *)(LDR_ADDR + 3)));
	asm volatile("movzbl %1, %0" : "=r"(zx) : "m"(*(volatile uint8_t *)(LDR_ADDR + 0)));
	check(al == 0x85 && b3 == 0x85 && w == 0x8500 && sx == 0xffffff85 && zx == 0,
	      "forms.byte_word_reads", "LDR 0x85000000: byte 3 0x%x/0x%x, word 2 0x%x, "
	      "movsx 0x%x, byte 0 0x%x", al, b3, w, sx, zx);
}

static void check_writes(void)
{
	uint32_t old, ldr, ldr2;

	apic_write(APIC_REG_LDR, 0x01000000);
	/*
	 * A byte write is not a register write (SDM 11.4.1): an APIC-access exit drops it, as
	 * KVM does; APIC-register virtualization merges it into the page before its APIC-write
	 * exit, and that value stands, as under KVM. Either way the run goes on. Bochs 2.7
	 * itself panics on a write narrower than 32 bits: natively, skipped.
	 */
	if (tt_env == TT_TICKVISOR) {
		asm volatile("movb $0x7, %0" : "=m"(*(volatile uint8_t *)(LDR_ADDR + 3)) : :
			     "memory");
		ldr = apic_read(APIC_REG_LDR);
		check(ldr == 0x01000000 || ldr == 0x07000000, "forms.byte_write",
		      "LDR 0x%x after a byte write of 0x07 to bits 31:24 of 0x01000000", ldr);
	} else {
		skip("forms.byte_write", "Bochs 2.7 panics on a byte write to its APIC");
	}

	apic_write(APIC_REG_LDR, 0x01000000);
	old = 0x02000000;
	asm volatile("xchgl %0, %1" : "+r"(old), "+m"(APIC_REG(APIC_REG_LDR)) : : "memory");
	ldr = apic_read(APIC_REG_LDR);
	check(old == 0x01000000 && ldr == 0x02000000, "forms.xchg",
	      "XCHG gave 0x%x (expected 0x01000000), LDR 0x%x", old, ldr);

	asm volatile("orl $0x04000000, %0" : "+m"(APIC_REG(APIC_REG_LDR)) : : "memory", "cc");
	asm volatile("lock andl $0xfe000000, %0" : "+m"(APIC_REG(APIC_REG_LDR)) : : "memory", "cc");
	asm volatile("addl %1, %0" : "+m"(APIC_REG(APIC_REG_LDR)) : "r"(0x10000000) : "memory",
		     "cc");
	ldr = apic_read(APIC_REG_LDR);
	asm volatile("lock xorl $0x10000000, %0" : "+m"(APIC_REG(APIC_REG_LDR)) : : "memory", "cc");
	asm volatile("subl $0x01000000, %0" : "+m"(APIC_REG(APIC_REG_LDR)) : : "memory", "cc");
	ldr2 = apic_read(APIC_REG_LDR);
	check(ldr == 0x16000000 && ldr2 == 0x05000000, "forms.read_modify_write",
	      "OR, LOCK AND, ADD gave LDR 0x%x (expected 0x16000000); LOCK XOR, SUB 0x%x "
	      "(expected 0x05000000)", ldr, ldr2);
	apic_write(APIC_REG_LDR, 0);
}

static void check_strings(void)
{
	uint32_t ldr, ver = apic_read(APIC_REG_VERSION), n = sizeof(ram_copy) / 4;
	uint32_t stos = 0x07000000;
	void *src = (void *)APIC_BASE_DEFAULT, *dst = ram_copy, *to;

	apic_write(APIC_REG_LDR, 0x06000000);
	if (tt_env != TT_TICKVISOR) {
		skip("forms.rep_movs", "Bochs 2.7 panics on an APIC read off a register's start");
		goto stos;
	}
	asm volatile("cld; rep movsl" : "+S"(src), "+D"(dst), "+c"(n) : : "memory");
	check(ram_copy[APIC_REG_LDR / 4] == 0x06000000 && ram_copy[APIC_REG_VERSION / 4] == ver &&
	      ram_copy[APIC_REG_LDR / 4 + 1] == 0 && n == 0 &&
	      dst == (void *)(ram_copy + sizeof(ram_copy) / 4), "forms.rep_movs",
	      "REP MOVSD of the page's first 1 KiB: LDR 0x%x, version 0x%x (expected 0x%x), "
	      "ECX %u left", ram_copy[APIC_REG_LDR / 4], ram_copy[APIC_REG_VERSION / 4], ver, n);

stos:
	to = (void *)LDR_ADDR;
	n = 1;
	asm volatile("rep stosl" : "+D"(to), "+c"(n) : "a"(stos) : "memory");
	/* bytes 4-15 of LDR's slot: nothing there, the writes go nowhere (Bochs: a panic) */
	if (tt_env == TT_TICKVISOR) {
		to = (void *)(LDR_ADDR + 4);
		n = 12;
		asm volatile("rep stosb" : "+D"(to), "+c"(n) : "a"(0xff) : "memory");
	} else {
		to = (void *)(LDR_ADDR + 16);
	}
	ldr = apic_read(APIC_REG_LDR);
	check(ldr == 0x07000000 && to == (void *)(LDR_ADDR + 16), "forms.rep_stos",
	      "REP STOSD to LDR then STOSB behind it: LDR 0x%x", ldr);
	apic_write(APIC_REG_LDR, 0);
}

/* memset() of the page of a globally disabled APIC (an outside test suite does it) */
static void check_disabled_memset(void)
{
	uint64_t base;
	void *to = (void *)APIC_BASE_DEFAULT;
	uint32_t n = 0x1000, svr;

	if (tt_env != TT_TICKVISOR) {
		/* Bochs 2.7 can't re-enable its APIC afterwards (apic_base.reenable_xapic) */
		skip("forms.disabled_page_memset", "only under tickvisor");
		return;
	}
	tt_timer_stop();
	rdmsr_safe(MSR_IA32_APIC_BASE, &base);
	wrmsr_safe(MSR_IA32_APIC_BASE, base & ~APIC_BASE_EN);
	asm volatile("cld; rep stosb" : "+D"(to), "+c"(n) : "a"(0) : "memory");
	wrmsr_safe(MSR_IA32_APIC_BASE, base);
	svr = apic_read(APIC_REG_SVR);
	apic_write(APIC_REG_SVR, APIC_SVR_ON);
	check(n == 0 && svr == 0xff, "forms.disabled_page_memset",
	      "REP STOSB over the disabled APIC's page: ECX %u left, SVR 0x%x after the "
	      "re-enable (expected the reset value 0xff)", n, svr);
}

/* BT is no access tickvisor emulates: #UD there, natively an ordinary read */
static void check_undecodable(void)
{
	int fault;

	asm volatile("push $2f\n\t"
		     "push $1f\n\t"
		     "call idt_expect_fault\n\t"
		     "add $8, %%esp\n\t"
		     "xor %%eax, %%eax\n"
		     "1:\tbtl %%eax, %0\n"
		     "2:"
		     : : "m"(*(volatile uint32_t *)TMCCT_ADDR) : "eax", "ecx", "edx", "memory",
		     "cc");
	fault = idt_expected_fault();
	if (tt_env == TT_TICKVISOR)
		check(fault == VEC_UD, "forms.undecodable_ud", "BT of TMCCT: vector %d "
		      "(expected #UD, and the run going on)", fault);
	else
		check(fault < 0, "forms.undecodable_ud", "BT of TMCCT faulted natively (%d)",
		      fault);
}

static const char *const all_checks[] = {
	"forms.byte_word_reads", "forms.byte_write", "forms.xchg",
	"forms.read_modify_write", "forms.rep_movs", "forms.rep_stos",
	"forms.disabled_page_memset", "forms.undecodable_ud",
};

void guest_main(uint32_t magic, uint32_t info_addr)
{
	tt_init(magic, info_addr, all_checks, sizeof(all_checks) / sizeof(all_checks[0]));
	if (apic_is_x2apic()) {
		tt_skip_all(all_checks, sizeof(all_checks) / sizeof(all_checks[0]),
			    "the xAPIC page is not used in x2APIC mode");
		summary();
	}
	check_reads();
	check_writes();
	check_strings();
	check_undecodable();
	check_disabled_memset();
	summary();
}
