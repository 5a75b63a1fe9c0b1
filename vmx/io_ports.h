/* SPDX-License-Identifier: MIT */
/* The I/O ports tickvisor traps; every other port goes straight to the hardware. */
#ifndef VMX_IO_PORTS_H
#define VMX_IO_PORTS_H

#define IO_PORT_QEMU_EXIT	0xf4	/* QEMU isa-debug-exit (4 ports) */
#define IO_PORT_BOCHS_SHUTDOWN	0x8900	/* "Shutdown" */
#define IO_PORT_BOCHS_IODEBUG	0x8a00	/* 0x8a00 then 0x8ae0: return to the debugger */

#endif
