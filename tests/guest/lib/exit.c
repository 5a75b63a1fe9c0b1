/* SPDX-License-Identifier: MIT */
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/exit.h"
#include "tests/guest/lib/hypercall.h"
#include "tests/guest/lib/serial.h"

#define DEBUG_EXIT_PORT		0xf4	/* QEMU -device isa-debug-exit,iobase=0xf4,iosize=4 */
/*
 * Bochs' iodebug port: 0x8a00 enables it, then 0x8ae0 returns to the debugger, whose rc file's
 * `quit` ends Bochs with status 0.
 */
#define BOCHS_IODEBUG_PORT	0x8a00
#define BOCHS_IODEBUG_ENABLE	0x8a00
#define BOCHS_IODEBUG_DEBUGGER	0x8ae0
/* Bochs ends with status 1 once "Shutdown" has been written here. */
#define BOCHS_SHUTDOWN_PORT	0x8900

void guest_exit(uint32_t code)
{
	const char *s;

	serial_drain();
	if (tv_present())
		tv_hc_exit(code);
	outl(DEBUG_EXIT_PORT, code);
	if (code == 0) {
		outw(BOCHS_IODEBUG_PORT, BOCHS_IODEBUG_ENABLE);
		outw(BOCHS_IODEBUG_PORT, BOCHS_IODEBUG_DEBUGGER);
	} else {
		for (s = "Shutdown"; *s; s++)
			outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
	}
	for (;;) {
		cli();
		hlt();
	}
}
