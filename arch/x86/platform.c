/* SPDX-License-Identifier: MIT */
#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/platform.h"
#include "arch/x86/serial.h"

/* Exit devices, tried in turn; on hardware without them the writes go nowhere and we halt. */
#define QEMU_DEBUG_EXIT_PORT	0xf4	/* isa-debug-exit: QEMU exits with (code << 1) | 1 */
#define BOCHS_IODEBUG_PORT	0x8a00	/* 0x8a00 then 0x8ae0: return to the debugger (exit 0) */
#define BOCHS_SHUTDOWN_PORT	0x8900	/* the bytes of "Shutdown": Bochs exits with status 1 */

void platform_exit(uint32_t code)
{
	static const char shutdown[] = "Shutdown";

	cli();
	kprintf("tickvisor: exit status %u\n", code);
	serial_drain();
	outl(QEMU_DEBUG_EXIT_PORT, code);
	if (code == STATUS_SUCCESS) {
		outw(BOCHS_IODEBUG_PORT, 0x8a00);
		outw(BOCHS_IODEBUG_PORT, 0x8ae0);
	} else {
		for (const char *p = shutdown; *p; p++)
			outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*p);
	}
	halt_forever();
}
