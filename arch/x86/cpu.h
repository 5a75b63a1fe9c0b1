/* SPDX-License-Identifier: MIT */
/* Thin wrappers around privileged and serialising x86 instructions. */
#ifndef ARCH_X86_CPU_H
#define ARCH_X86_CPU_H

#include <stdbool.h>
#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline void cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	asm volatile("cpuid"
		     : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
		     : "a"(leaf), "c"(subleaf));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
		     : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#define DEFINE_CR_ACCESSORS(n)						\
static inline uint64_t read_cr##n(void)					\
{									\
	uint64_t v;							\
	asm volatile("mov %%cr" #n ", %0" : "=r"(v));			\
	return v;							\
}									\
static inline void write_cr##n(uint64_t v)				\
{									\
	asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory");		\
}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	asm volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void cli(void) { asm volatile("cli" : : : "memory"); }
static inline void sti(void) { asm volatile("sti" : : : "memory"); }
static inline void cpu_relax(void) { asm volatile("pause" : : : "memory"); }

/* `sti; hlt` back to back: STI's one-instruction shadow means no interrupt slips in between. */
static inline void sti_hlt(void) { asm volatile("sti; hlt" : : : "memory"); }

static inline void __attribute__((noreturn)) halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

/* CPU features the host code checks (CPUID leaf 1 ECX/EDX, leaf 0x80000001). */
#define CPUID_1_ECX_VMX		(1u << 5)
#define CPUID_1_ECX_X2APIC	(1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_ECX_HYPERVISOR	(1u << 31)
#define CPUID_1_EDX_APIC	(1u << 9)

/* Control-register and RFLAGS bits (SDM vol. 3A 2.5, vol. 1 3.4.3) */
#define CR0_PE		(1ull << 0)	/* protection enable */
#define CR0_ET		(1ull << 4)	/* extension type, fixed 1 */
#define CR0_NE		(1ull << 5)	/* native x87 error reporting */
#define CR0_PG		(1ull << 31)	/* paging */
#define CR4_PSE		(1ull << 4)	/* 4 MiB pages without PAE */
#define CR4_PAE		(1ull << 5)
#define CR4_VMXE	(1ull << 13)
#define CR4_OSXSAVE	(1ull << 18)
#define RFLAGS_FIXED	(1ull << 1)	/* reserved, always 1 */
#define RFLAGS_IF	(1ull << 9)	/* interrupts enabled */

/* Page-table entry bits, the same at every level that has them (SDM vol. 3A 4.5) */
#define PTE_P		(1ull << 0)	/* present */
#define PTE_W		(1ull << 1)	/* writable */
#define PTE_PWT		(1ull << 3)	/* with PCD, selects PAT entry 3 = UC by default */
#define PTE_PCD		(1ull << 4)
#define PTE_PS		(1ull << 7)	/* a large page in a PDE or PDPTE */

#endif
