/* SPDX-License-Identifier: MIT */
/*
 * IDT and trap dispatch. An exception in the hypervisor is always fatal: it is a bug in
 * tickvisor, never something a guest can cause (guest faults arrive as VM exits instead).
 * An interrupt is never fatal: one on a vector without a handler, or a device's on an
 * exception vector, is a stray, counted and reported rate-limited.
 */
#include <stddef.h>

#include "arch/x86/cpu.h"
#include "arch/x86/gdt.h"
#include "arch/x86/lapic.h"
#include "arch/x86/log.h"
#include "arch/x86/panic.h"
#include "arch/x86/ratelimit.h"
#include "arch/x86/trap.h"

/* 64-bit interrupt gate (SDM 6.14.1, figure 6-8) */
struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;	/* 0x8e: present, DPL 0, 64-bit interrupt gate */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

struct __attribute__((packed)) idt_ptr {
	uint16_t limit;
	uint64_t base;
};

extern const uint64_t isr_stub_table[256];
#define NMI_REPORT_MAX	10

/*
 * Exception vectors the CPU can't raise while tickvisor runs (SDM vol. 3A table 6-1): #OF and
 * #BR (INTO and BOUND are invalid in 64-bit mode), 9 (not raised since the 486), 15 and 22-27,
 * 31 (reserved), #MF and #XM (tickvisor executes no x87 or SSE instruction:
 * -mgeneral-regs-only), #VE (VMX non-root only), 28-30 (AMD's). Arriving on one of them is a
 * device's interrupt; the others without an error code can't be told from a fault and stay
 * fatal, which the remapped, masked 8259 and I/O APIC leave no device to cause.
 */
#define NEVER_RAISED	((1u << 4) | (1u << 5) | (1u << 9) | (1u << 15) | (1u << 16) | \
			 (1u << 19) | (1u << 20) | (0xffu << 22) | (1u << 31))

static struct idt_gate idt[256] __attribute__((aligned(16)));
static irq_handler_fn irq_handlers[256];
static uint64_t strays;

/* Exception mnemonics (SDM table 6-1) */
static const char *const exception_name[32] = {
	[0] = "#DE divide error",	[1] = "#DB debug",
	[2] = "NMI",			[3] = "#BP breakpoint",
	[4] = "#OF overflow",		[5] = "#BR bound range",
	[6] = "#UD invalid opcode",	[7] = "#NM device not available",
	[8] = "#DF double fault",	[10] = "#TS invalid TSS",
	[11] = "#NP segment not present", [12] = "#SS stack fault",
	[13] = "#GP general protection", [14] = "#PF page fault",
	[16] = "#MF x87 error",		[17] = "#AC alignment check",
	[18] = "#MC machine check",	[19] = "#XM SIMD exception",
	[20] = "#VE virtualization exception", [21] = "#CP control protection",
};

/* Vectors with an error code (SDM vol. 3A table 6-1); isr.S knows the same list. */
#define TRAP_ERROR_CODE_VECTORS	((1u << 8) | (0x1fu << 10) | (1u << 17) | (1u << 21) | \
				 (1u << 29) | (1u << 30))

static uint8_t ist_for(unsigned int vec)
{
	switch (vec) {
	case 2: return IST_NMI;
	case 8: return IST_DOUBLE_FAULT;
	case 18: return IST_MACHINE_CHECK;
	default: return 0;
	}
}

void idt_init(void)
{
	struct idt_ptr idtr = { sizeof(idt) - 1, (uint64_t)idt };

	for (unsigned int v = 0; v < 256; v++) {
		uint64_t a = isr_stub_table[v];

		idt[v] = (struct idt_gate){
			.offset_lo = a & 0xffff,
			.selector = GDT_CS,
			.ist = ist_for(v),
			.type_attr = 0x8e,
			.offset_mid = (a >> 16) & 0xffff,
			.offset_hi = a >> 32,
		};
	}
	asm volatile("lidt %0" : : "m"(idtr));
}

void irq_register(uint8_t vector, irq_handler_fn fn)
{
	irq_handlers[vector] = fn;
}

static void __attribute__((noreturn)) exception_fatal(struct trap_frame *f)
{
	const char *name = f->vector < 32 ? exception_name[f->vector] : NULL;

	pr_err("unexpected exception %lu (%s) in the hypervisor, error code %#lx\n", f->vector,
	       name ? name : "reserved", f->error_code);
	if (f->vector < 32 && !(TRAP_ERROR_CODE_VECTORS & (1u << f->vector)))
		kprintf("  (or a device interrupt on vector %lu, which tickvisor's remapped and "
			"masked 8259 and I/O APIC should rule out)\n", f->vector);
	kprintf("  RIP %016lx  CS %04lx  RFLAGS %016lx  RSP %016lx  SS %04lx\n", f->rip, f->cs,
		f->rflags, f->rsp, f->ss);
	kprintf("  CR2 %016lx  CR3 %016lx  CR0 %016lx  CR4 %016lx\n", read_cr2(), read_cr3(),
		read_cr0(), read_cr4());
	kprintf("  RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n", f->rax, f->rbx, f->rcx,
		f->rdx);
	kprintf("  RSI %016lx  RDI %016lx  RBP %016lx  R8  %016lx\n", f->rsi, f->rdi, f->rbp,
		f->r8);
	kprintf("  R9  %016lx  R10 %016lx  R11 %016lx  R12 %016lx\n", f->r9, f->r10, f->r11,
		f->r12);
	kprintf("  R13 %016lx  R14 %016lx  R15 %016lx\n", f->r13, f->r14, f->r15);
	panic_backtrace(f->rbp);
	panic_stop();
}

uint64_t trap_stray_count(void)
{
	return strays;
}

/*
 * A vector nobody asked for: acknowledge it, so that the LAPIC does not keep lower-priority
 * vectors blocked behind it (SDM vol. 3A 11.8.4). The spurious vector sets no ISR bit and takes
 * no EOI (11.9); a LAPIC EOI with nothing in service changes nothing.
 */
static void stray_interrupt(unsigned int vector, const char *what)
{
	if (ratelimit_report(++strays))
		pr_warn("stray host interrupt on vector %#x%s, ignored (%lu so far)\n", vector,
			what, strays);
	if (vector != VEC_HOST_SPURIOUS)
		lapic_eoi();
}

void irq_dispatch_vector(uint8_t vector)
{
	irq_handler_fn fn = irq_handlers[vector];
	struct trap_frame f = { .vector = vector };

	if (fn)
		fn(&f);
	else
		stray_interrupt(vector, "");
}

/*
 * An NMI is no fault of the code it interrupts: a watchdog, the front-panel button or a platform
 * error report sends it. tickvisor has no use for one, so it says so and goes on; the IRET that
 * ends this handler lifts NMI blocking again (SDM vol. 3A 6.7.1).
 */
static void host_nmi(void)
{
	static uint64_t count;

	if (++count <= NMI_REPORT_MAX)
		pr_warn("NMI #%lu received and ignored (a watchdog, the NMI button or a platform "
			"error)%s\n", count, count == NMI_REPORT_MAX ? "; not reporting more" : "");
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector == VEC_NMI) {
		host_nmi();
		return;
	}
	if (f->vector & TRAP_VECTOR_DEVICE) {
		stray_interrupt(f->vector & 0xff, " (an exception vector, no error code pushed)");
		return;
	}
	if (f->vector < 32 && (NEVER_RAISED & (1u << f->vector))) {
		stray_interrupt((unsigned int)f->vector,
				" (an exception vector the CPU can't raise here)");
		return;
	}
	if (f->vector < 32)
		exception_fatal(f);
	if (irq_handlers[f->vector]) {
		irq_handlers[f->vector](f);
		return;
	}
	irq_dispatch_vector((uint8_t)f->vector);
}
