/* SPDX-License-Identifier: MIT */
/*
 * I/O instructions (exit 30). The guest owns the PC's ports except the trapped ones
 * (vmx/io_dispatch): the PC chipset that tickvisor virtualizes, and the emulators' exit devices,
 * which turn the guest's exit into tickvisor's exit with the guest's code. IN and OUT go to
 * the dispatch table; INS and OUTS are emulated here, element by element.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/platform.h"
#include "arch/x86/ratelimit.h"
#include "arch/x86/trap.h"
#include "lib/string.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/guest_mem.h"
#include "vmx/io_dispatch.h"
#include "vmx/io_ports.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_ops.h"

/* Exit qualification for I/O (SDM 28.2.1, table 28-5) */
#define IO_SIZE_MASK	0x7		/* 0: 1 byte, 1: 2 bytes, 3: 4 bytes */
#define IO_IN		(1u << 3)
#define IO_STRING	(1u << 4)
#define IO_REP		(1u << 5)
#define IO_PORT_SHIFT	16

/*
 * VM-exit instruction information for INS/OUTS (SDM 28.2.5, table 28-8): bits 9:7 the address
 * size (0: 16, 1: 32, 2: 64 bits); reported when IA32_VMX_BASIC bit 54 is set (A.1).
 */
#define INSTR_INFO_ASIZE(i)	(((i) >> 7) & 7)
#define VMX_BASIC_INS_OUTS_INFO	(1ull << 54)
#define AR_DB			(1u << 14)	/* CS.D: 32-bit code */
#define RFLAGS_DF		(1ull << 10)
/*
 * Elements moved per exit. A REP with more leaves RIP on the instruction with RCX, RSI/RDI
 * updated, so that the guest executes it again (as the CPU may after any iteration, SDM vol. 2B
 * REP): the host gets back control, and its interrupts, every so often.
 */
#define STRING_IO_BATCH		1024

static const char shutdown_word[] = "Shutdown";	/* Bochs' shutdown port protocol */
static unsigned int shutdown_matched;

static enum vcpu_action guest_exit(struct vcpu *v, uint32_t code, const char *how)
{
	pr_info("guest exited through %s with code %u\n", how, code);
	return vcpu_stop(v, code);
}

/* The exit devices: writes end the run, reads find nothing there, like the emulators. */
static enum vcpu_action exit_port(struct vcpu *v, void *ctx, uint16_t port, unsigned int size,
				  bool write, uint32_t *val)
{
	(void)ctx, (void)size;
	if (!write) {
		*val = 0xffffffffu;
		return VCPU_RESUME;
	}
	if (port >= IO_PORT_QEMU_EXIT && port < IO_PORT_QEMU_EXIT + 4)
		return guest_exit(v, *val, "the isa-debug-exit port");
	if (port == IO_PORT_BOCHS_IODEBUG && *val == 0x8ae0)
		return guest_exit(v, STATUS_SUCCESS, "Bochs' iodebug port");
	if (port == IO_PORT_BOCHS_SHUTDOWN) {
		shutdown_matched = (char)*val == shutdown_word[shutdown_matched] ?
				   shutdown_matched + 1 : ((char)*val == shutdown_word[0]);
		if (shutdown_matched == sizeof(shutdown_word) - 1)
			return guest_exit(v, STATUS_FAILURE, "Bochs' shutdown port");
	}
	return VCPU_RESUME;
}

void io_exit_ports_init(void)
{
	io_dispatch_register(IO_PORT_QEMU_EXIT, 4, exit_port, NULL);
	io_dispatch_register(IO_PORT_BOCHS_SHUTDOWN, 1, exit_port, NULL);
	io_dispatch_register(IO_PORT_BOCHS_IODEBUG, 2, exit_port, NULL);
}

/* Address size in bytes of the INS/OUTS that exited. */
static unsigned int string_address_size(void)
{
	static const unsigned int by_code[3] = { 2, 4, 8 };
	static int has_info = -1;
	uint32_t ar;

	if (has_info < 0)
		has_info = !!(rdmsr(MSR_IA32_VMX_BASIC) & VMX_BASIC_INS_OUTS_INFO);
	if (has_info &&
	    INSTR_INFO_ASIZE(vmread(VMCS_EXIT_INSTR_INFO)) < 3)
		return by_code[INSTR_INFO_ASIZE(vmread(VMCS_EXIT_INSTR_INFO))];
	/* Without the information: the code segment's default (an 0x67 prefix is missed). */
	ar = (uint32_t)vmread(VMCS_GUEST_CS_AR);
	return (ar & GUEST_AR_L) ? 8 : (ar & AR_DB) ? 4 : 2;
}

/* reg + delta within the address size; a 16-bit update keeps the register's upper bits. */
static uint64_t step(uint64_t reg, int64_t delta, unsigned int asize)
{
	if (asize == 2)
		return (reg & ~0xffffull) | ((reg + (uint64_t)delta) & 0xffff);
	if (asize == 4)
		return (uint32_t)(reg + (uint64_t)delta);
	return reg + (uint64_t)delta;
}

/* Stores an INS element at a guest linear address, byte by byte across pages. */
static bool guest_write_linear(struct vcpu *v, uint64_t la, const uint8_t *src, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t gpa;
		uint8_t *p;

		if (!guest_linear_to_phys(v, la + i, &gpa) || !(p = vcpu_gpa_ptr(v, gpa, 1)))
			return false;
		*p = src[i];
	}
	return true;
}

static enum vcpu_action string_fault(struct vcpu *v, uint16_t port, uint64_t la)
{
	static uint64_t faults;

	if (ratelimit_report(++faults))
		pr_warn("string I/O at port %#x with its memory operand at linear %#lx outside "
			"guest RAM or not mapped: #GP to the guest (%lu suppressed before this "
			"line)\n", port, la, ratelimit_suppressed(faults));
	vcpu_inject_exception(v, VEC_GP, true, 0);
	return VCPU_RESUME;
}

/*
 * INS/OUTS (SDM vol. 2B): the exit gives the memory operand's linear address (28.2.1,
 * "guest-linear address"); RFLAGS.DF says which way it moves, REP repeats it rCX times.
 */
static enum vcpu_action string_io(struct vcpu *v, uint16_t port, unsigned int size, bool in,
				  bool rep)
{
	unsigned int asize = string_address_size();
	uint64_t amask = asize == 8 ? ~0ull : (1ull << (asize * 8)) - 1;
	int64_t delta = (vmread(VMCS_GUEST_RFLAGS) & RFLAGS_DF) ? -(int64_t)size : size;
	uint64_t la = vmread(VMCS_GUEST_LINEAR_ADDR);
	uint64_t count = rep ? v->regs.rcx & amask : 1;
	uint64_t *index = in ? &v->regs.rdi : &v->regs.rsi;

	for (unsigned int done = 0; count && done < STRING_IO_BATCH; done++) {
		uint32_t val = 0;

		if (in) {
			if (io_dispatch(v, port, size, false, &val) == VCPU_STOP)
				return VCPU_STOP;
			if (!guest_write_linear(v, la, (const uint8_t *)&val, size))
				return string_fault(v, port, la);
		} else {
			if (guest_read_linear(v, la, &val, size) != size)
				return string_fault(v, port, la);
			if (io_dispatch(v, port, size, true, &val) == VCPU_STOP)
				return VCPU_STOP;
		}
		la += (uint64_t)delta;
		*index = step(*index, delta, asize);
		count--;
		if (rep)
			v->regs.rcx = step(v->regs.rcx, -1, asize);
	}
	if (!count)
		vcpu_skip_instruction(v);
	return VCPU_RESUME;
}

enum vcpu_action handle_io(struct vcpu *v)
{
	uint64_t q = v->exit_qual;
	uint16_t port = (uint16_t)(q >> IO_PORT_SHIFT);
	unsigned int size = (q & IO_SIZE_MASK) + 1;
	uint32_t mask = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
	uint32_t val = (uint32_t)v->regs.rax & mask;

	if (q & IO_STRING)
		return string_io(v, port, size, q & IO_IN, q & IO_REP);
	vcpu_skip_instruction(v);
	if (io_dispatch(v, port, size, !(q & IO_IN), &val) == VCPU_STOP)
		return VCPU_STOP;
	/* IN of 1 or 2 bytes leaves the rest of RAX; IN EAX zero-extends into RAX. */
	if (q & IO_IN)
		v->regs.rax = size == 4 ? (val & mask) : (v->regs.rax & ~(uint64_t)mask) |
								(val & mask);
	return VCPU_RESUME;
}
