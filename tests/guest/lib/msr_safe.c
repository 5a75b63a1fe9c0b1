/* SPDX-License-Identifier: MIT */
/*
 * Each access names its own instruction and the one after it (local labels 1 and 2) to the IDT,
 * so a fault there resumes at 2 instead of ending the run. A faulting RDMSR writes nothing: the
 * value reads back as 0.
 */
#include "tests/guest/lib/idt.h"
#include "tests/guest/lib/msr_safe.h"

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo, hi;

	/*
	 * The call clobbers EAX, ECX and EDX: the zeroes a fault leaves are set after it, and
	 * early-clobber outputs keep the operand's address out of EAX and EDX.
	 */
	asm volatile("push $2f\n\t"
		     "push $1f\n\t"
		     "call idt_expect_fault\n\t"
		     "add $8, %%esp\n\t"
		     "mov %[msr], %%ecx\n\t"
		     "xor %%eax, %%eax\n\t"
		     "xor %%edx, %%edx\n"
		     "1:\trdmsr\n"
		     "2:"
		     : "=&a"(lo), "=&d"(hi)
		     : [msr] "m"(msr)
		     : "ecx", "memory", "cc");
	*val = ((uint64_t)hi << 32) | lo;
	return idt_expected_fault();
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
	uint32_t lo = (uint32_t)val, hi = (uint32_t)(val >> 32);

	/* The call clobbers EAX, ECX and EDX: the operands are loaded after it, from memory. */
	asm volatile("push $2f\n\t"
		     "push $1f\n\t"
		     "call idt_expect_fault\n\t"
		     "add $8, %%esp\n\t"
		     "mov %[msr], %%ecx\n\t"
		     "mov %[lo], %%eax\n\t"
		     "mov %[hi], %%edx\n"
		     "1:\twrmsr\n"
		     "2:"
		     :
		     : [msr] "m"(msr), [lo] "m"(lo), [hi] "m"(hi)
		     : "eax", "ecx", "edx", "memory", "cc");
	return idt_expected_fault();
}

int xsetbv_safe(uint32_t xcr, uint64_t val)
{
	uint32_t lo = (uint32_t)val, hi = (uint32_t)(val >> 32);

	asm volatile("push $2f\n\t"
		     "push $1f\n\t"
		     "call idt_expect_fault\n\t"
		     "add $8, %%esp\n\t"
		     "mov %[xcr], %%ecx\n\t"
		     "mov %[lo], %%eax\n\t"
		     "mov %[hi], %%edx\n"
		     "1:\txsetbv\n"
		     "2:"
		     :
		     : [xcr] "m"(xcr), [lo] "m"(lo), [hi] "m"(hi)
		     : "eax", "ecx", "edx", "memory", "cc");
	return idt_expected_fault();
}

int rdpmc_safe(uint32_t counter)
{
	asm volatile("push $2f\n\t"
		     "push $1f\n\t"
		     "call idt_expect_fault\n\t"
		     "add $8, %%esp\n\t"
		     "mov %[ctr], %%ecx\n"
		     "1:\trdpmc\n"
		     "2:"
		     :
		     : [ctr] "m"(counter)
		     : "eax", "ecx", "edx", "memory", "cc");
	return idt_expected_fault();
}

/* MONITOR on this function's own stack slot (EAX = address, ECX = EDX = 0), or MWAIT (0, 0). */
int monitor_safe(void)
{
	uint32_t line = 0;

	asm volatile("push $2f\n\t"
		     "push $1f\n\t"
		     "call idt_expect_fault\n\t"
		     "add $8, %%esp\n\t"
		     "lea %[line], %%eax\n\t"
		     "xor %%ecx, %%ecx\n\t"
		     "xor %%edx, %%edx\n"
		     "1:\tmonitor\n"
		     "2:"
		     : [line] "+m"(line)
		     :
		     : "eax", "ecx", "edx", "memory", "cc");
	return idt_expected_fault();
}

int mwait_safe(void)
{
	asm volatile("push $2f\n\t"
		     "push $1f\n\t"
		     "call idt_expect_fault\n\t"
		     "add $8, %%esp\n\t"
		     "xor %%eax, %%eax\n\t"
		     "xor %%ecx, %%ecx\n"
		     "1:\tmwait\n"
		     "2:"
		     :
		     :
		     : "eax", "ecx", "edx", "memory", "cc");
	return idt_expected_fault();
}
