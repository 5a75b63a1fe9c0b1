/* SPDX-License-Identifier: MIT */
/*
 * The guest's trapped I/O ports: a small table from port range to handler. Registering a range
 * sets its bits in the I/O bitmaps (SDM 25.6.4), so that the guest's IN/OUT to it exits; every
 * other port stays the hardware's. io_dispatch_init() registers the PC chipset's ports (8259
 * pair, ELCR, 8254 PIT, port B) with a handler that behaves like absent hardware: reads return
 * all ones, writes are dropped. Registering a range with the same first port and count again
 * replaces its handler: that is how the device models take those ports over.
 */
#ifndef VMX_IO_DISPATCH_H
#define VMX_IO_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vcpu.h"

/* PC chipset ports (PC/AT; the PIIX/ICH datasheets for the ELCR) */
#define IO_PORT_PIC1		0x20	/* 0x20-0x21 */
#define IO_PORT_PIC2		0xa0	/* 0xa0-0xa1 */
#define IO_PORT_ELCR		0x4d0	/* 0x4d0-0x4d1 */
#define IO_PORT_PIT		0x40	/* 0x40-0x43 */
#define IO_PORT_B		0x61	/* NMI status and control: PIT channel 2 gate and output */

/*
 * One access, size 1, 2 or 4 bytes at port. A write passes the value in *val; a read leaves the
 * result there (the low size bytes count). Returns VCPU_STOP to end the run (the exit ports).
 */
typedef enum vcpu_action (*io_handler_fn)(struct vcpu *v, void *ctx, uint16_t port,
					  unsigned int size, bool write, uint32_t *val);

/* Takes the two I/O bitmap pages (ports 0-0x7fff, 0x8000-0xffff) and traps the chipset. */
void io_dispatch_init(uint8_t *bitmap_a, uint8_t *bitmap_b);
/* Traps the emulators' exit devices (vmx/io_ports.h); vmx/exit_io.c has their handler. */
void io_exit_ports_init(void);
/* False when the table is full or the range overlaps another that it does not replace. */
bool io_dispatch_register(uint16_t first, uint16_t count, io_handler_fn fn, void *ctx);
/*
 * Performs one access. An access within one range goes to its handler whole; one that spans
 * ranges or untrapped ports goes byte by byte, as the ISA bus splits it, untrapped bytes to the
 * hardware.
 */
enum vcpu_action io_dispatch(struct vcpu *v, uint16_t port, unsigned int size, bool write,
			     uint32_t *val);

#endif
