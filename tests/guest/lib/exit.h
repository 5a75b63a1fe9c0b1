/* SPDX-License-Identifier: MIT */
/* Ends the run with a status the host runner can read, wherever the guest runs. */
#ifndef GUEST_LIB_EXIT_H
#define GUEST_LIB_EXIT_H

#include <stdint.h>

/*
 * Drains COM1, then tries in turn: tickvisor's exit hypercall; port 0xf4 (QEMU's isa-debug-exit,
 * status (code << 1) | 1; tickvisor traps it too); Bochs' iodebug port (status 0) or shutdown
 * port (status 1); and if the machine is still running, halts for good.
 */
void guest_exit(uint32_t code) __attribute__((noreturn));

#endif
