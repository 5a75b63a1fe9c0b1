/* SPDX-License-Identifier: MIT */
/*
 * Guest-physical MMIO that tickvisor emulates: a small table from page range to handler. The
 * EPT leaves these pages unmapped (vmx/ept.c asks mmio_dispatch_claims()), so the guest's
 * accesses come as EPT violations, which vmx/exit_fault.c hands to mmio_dispatch_exit(): it
 * decodes the instruction (vlapic/mmio_decode: the 32-bit MOV forms), calls the handler and
 * steps over it.
 *
 * The table starts with the chipset pages, both handled like absent hardware (reads return all
 * ones, writes are dropped) until a device model takes them over by registering the same range:
 *	0xfec00000	the I/O APIC
 *	0xfed00000	the HPET: not emulated and not described to the guest, but never the host's
 */
#ifndef VMX_MMIO_DISPATCH_H
#define VMX_MMIO_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vcpu.h"

#define MMIO_GPA_IOAPIC		0xfec00000ull
#define MMIO_GPA_HPET		0xfed00000ull

/* One access of size bytes at offset into the range; a read leaves its value in *val. */
typedef void (*mmio_handler_fn)(void *ctx, uint64_t offset, unsigned int size, bool write,
				uint32_t *val);

/* gpa and len are whole pages. Same range again: replaces the handler. False when full. */
bool mmio_dispatch_register(uint64_t gpa, uint64_t len, mmio_handler_fn fn, void *ctx);
bool mmio_dispatch_claims(uint64_t gpa);
/* The i-th claimed range, for the EPT builder; false past the last. */
bool mmio_dispatch_range(unsigned int i, uint64_t *gpa, uint64_t *len);
/* Emulates the access of an EPT-violation exit at gpa, which mmio_dispatch_claims(). */
enum vcpu_action mmio_dispatch_exit(struct vcpu *v, uint64_t gpa);

#endif
