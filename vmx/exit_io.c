/* SPDX-License-Identifier: MIT */
/*
 * I/O instructions (exit 30). The guest owns the PC's ports (the I/O bitmap passes them
 * through, COM1 included: the guest shares the console); only the emulators' exit devices are
 * trapped, so that the guest's exit becomes tickvisor's exit, with the guest's code.
 */
#include "arch/x86/log.h"
#include "arch/x86/platform.h"
#include "lib/string.h"
#include "vmx/exit.h"
#include "vmx/io_ports.h"

/* Exit qualification for I/O (SDM 28.2.1, table 28-5) */
#define IO_SIZE_MASK	0x7		/* 0: 1 byte, 1: 2 bytes, 3: 4 bytes */
#define IO_IN		(1u << 3)
#define IO_STRING	(1u << 4)
#define IO_PORT_SHIFT	16

static const char shutdown_word[] = "Shutdown";	/* Bochs' shutdown port protocol */
static unsigned int shutdown_matched;

static enum vcpu_action guest_exit(struct vcpu *v, uint32_t code, const char *how)
{
	pr_info("guest exited through %s with code %u\n", how, code);
	return vcpu_stop(v, code);
}

enum vcpu_action handle_io(struct vcpu *v)
{
	uint64_t q = v->exit_qual;
	uint16_t port = (uint16_t)(q >> IO_PORT_SHIFT);
	unsigned int size = (q & IO_SIZE_MASK) + 1;
	uint32_t val = (uint32_t)v->regs.rax & (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);

	if (q & IO_STRING) {
		pr_err("string I/O (INS/OUTS) to trapped port %#x is not supported\n", port);
		vcpu_dump(v);
		return vcpu_stop(v, EXIT_FAILURE_CODE);
	}
	vcpu_skip_instruction(v);
	if (q & IO_IN) {
		/* Reads of the exit devices: nothing there, like the emulators. */
		v->regs.rax |= size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
		return VCPU_RESUME;
	}
	if (port >= IO_PORT_QEMU_EXIT && port < IO_PORT_QEMU_EXIT + 4)
		return guest_exit(v, val, "the isa-debug-exit port");
	if (port == IO_PORT_BOCHS_IODEBUG && val == 0x8ae0)
		return guest_exit(v, EXIT_SUCCESS_CODE, "Bochs' iodebug port");
	if (port == IO_PORT_BOCHS_SHUTDOWN) {
		shutdown_matched = (char)val == shutdown_word[shutdown_matched] ?
				   shutdown_matched + 1 : ((char)val == shutdown_word[0]);
		if (shutdown_matched == sizeof(shutdown_word) - 1)
			return guest_exit(v, EXIT_FAILURE_CODE, "Bochs' shutdown port");
	}
	return VCPU_RESUME;
}
