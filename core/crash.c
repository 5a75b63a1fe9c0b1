/* SPDX-License-Identifier: MIT */
/*
 * Each exception is raised by the one instruction that architecturally causes it (SDM vol. 3A
 * 6.15), with the marker in RBX and noinline frames so the stack trace has callers to show.
 */
#include <stdint.h>

#include "arch/x86/log.h"
#include "arch/x86/panic.h"
#include "core/crash.h"

/* A non-canonical address: any access raises #GP(0), not #PF (SDM vol. 3A 3.3.7.1). */
#define NONCANONICAL_ADDR	0x8000000000000000ull

static void __attribute__((noinline, noreturn)) raise_exception(enum crash_kind kind)
{
	uint64_t marker = CRASH_MARKER;

	switch (kind) {
	case CRASH_DE:
		asm volatile("xor %%edx, %%edx; xor %%eax, %%eax; divl %%ecx"
			     : : "b"(marker), "c"(0) : "rax", "rdx");
		break;
	case CRASH_UD:
		asm volatile("ud2" : : "b"(marker));
		break;
	case CRASH_GP:
		asm volatile("mov (%0), %%rax" : : "r"(NONCANONICAL_ADDR), "b"(marker) : "rax");
		break;
	case CRASH_PF:
		asm volatile("mov (%0), %%rax" : : "r"(CRASH_PF_ADDR), "b"(marker) : "rax");
		break;
	case CRASH_NONE:
	case CRASH_VMENTRY:
	case CRASH_VMEXIT:
		break;
	}
	/* The exception handler stops the machine; reaching here means the CPU did not fault. */
	panic("crash=%d: the instruction did not fault\n", (int)kind);
}

void crash_if_asked(enum crash_kind kind)
{
	/* The VMX kinds act when the VM is built (vmx/vm.c). */
	if (kind == CRASH_NONE || kind == CRASH_VMENTRY || kind == CRASH_VMEXIT)
		return;
	pr_info("crash: taking an exception on purpose (boot option crash=)\n");
	raise_exception(kind);
}
