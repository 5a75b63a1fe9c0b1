/* SPDX-License-Identifier: MIT */
/* Exceptions and host interrupts: one IDT, a stub per vector, a C dispatcher. */
#ifndef ARCH_X86_TRAP_H
#define ARCH_X86_TRAP_H

/*
 * Added to the vector by isr.S when a vector with an error code arrived without one: a device
 * raised it (see isr.S). Also used in assembly.
 */
#define TRAP_VECTOR_DEVICE	0x100

#ifndef __ASSEMBLY__
#include <stdint.h>

/* The frame isr.S builds: GPRs pushed by the common stub, then vector, error code, CPU frame. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Exception vectors (SDM vol. 3A table 6-1) that the code raises or handles by number. */
#define VEC_NMI			2
#define VEC_UD			6
#define VEC_GP			13

/* Host interrupt vectors (exceptions own 0-31). */
#define VEC_HOST_TIMER		0xf0	/* host LAPIC timer: the sw backend and calibration */
#define VEC_HOST_ERROR		0xfe	/* host LAPIC error */
#define VEC_HOST_SPURIOUS	0xff	/* host LAPIC spurious: no EOI (SDM 11.9) */

typedef void (*irq_handler_fn)(struct trap_frame *f);

void idt_init(void);
void irq_register(uint8_t vector, irq_handler_fn fn);
/* Called from isr.S */
void trap_dispatch(struct trap_frame *f);
/*
 * An NMI that arrived as a VM exit (NMI exiting, SDM 26.2) goes to the host's NMI handler the way
 * one in VMX root would: through the IDT, whose IRET also lifts any NMI blocking.
 */
static inline void nmi_dispatch(void)
{
	asm volatile("int $2" : : : "memory");
}
/*
 * Dispatches a vector that reached us as an acknowledged VM exit, not through the IDT. Its
 * handler gets a frame that holds only the vector.
 */
void irq_dispatch_vector(uint8_t vector);
/*
 * Host interrupts on a vector without a handler, and device interrupts on an exception vector:
 * counted and logged rate-limited, never fatal.
 */
uint64_t trap_stray_count(void);
#endif

#endif
