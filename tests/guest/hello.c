/* SPDX-License-Identifier: MIT */
/*
 * hello: the plainest multiboot guest. It knows nothing of tickvisor and ends with status 3
 * through port 0xf4 alone, so a run shows that a guest's exit code becomes tickvisor's.
 */
#include "tests/guest/lib/boot.h"
#include "tests/guest/lib/cpu.h"
#include "tests/guest/lib/serial.h"

#define DEBUG_EXIT_PORT		0xf4
#define EXIT_CODE		3

void guest_main(uint32_t magic __attribute__((unused)), uint32_t info __attribute__((unused)))
{
	serial_init();
	serial_write("hello from a plain multiboot guest\n");
	serial_drain();
	outl(DEBUG_EXIT_PORT, EXIT_CODE);
	/* Returning halts: entry.S ends with cli; hlt. */
}
