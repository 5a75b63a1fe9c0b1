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
