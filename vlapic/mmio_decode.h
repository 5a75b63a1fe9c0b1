/* SPDX-License-Identifier: MIT */
/*
 * Decoder for the guest instruction behind an APIC-access exit (reason 44) when the CPU does not
 * virtualize APIC registers: the SDM does not define the VM-exit instruction-length field for
 * that exit, so the glue reads up to 15 bytes at guest RIP and asks this decoder what the
 * instruction does. It knows the MOV forms compilers emit for 32-bit APIC accesses (Intel SDM
 * vol. 2B, MOV):
 *
 *	8B /r		MOV r32, m32		read into a register
 *	89 /r		MOV m32, r32		write from a register
 *	C7 /0 id	MOV m32, imm32		write an immediate
 *	A1 moffs	MOV EAX, moffs		read into EAX
 *	A3 moffs	MOV moffs, EAX		write from EAX
 *
 * with any ModRM/SIB addressing (disp8, disp32, RIP-relative in 64-bit mode), segment-override
 * prefixes and, in 64-bit mode, REX (REX.R selects r8d-r15d; REX.W is a 64-bit access). The
 * address itself is not computed: the exit qualification gives the page offset. Anything else
 * is refused with a reason, never decoded wrongly: a 16-, 8- or 64-bit operand, LOCK, REP, the
 * address-size prefix, a register operand, any other opcode.
 */
#ifndef VLAPIC_MMIO_DECODE_H
#define VLAPIC_MMIO_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest x86 instruction (SDM vol. 2A 2.3.11) */
#define VLAPIC_INSN_MAX		15

/* How the guest executes: the default operand and address size decide the encodings */
enum vlapic_cpu_mode {
	VLAPIC_CPU_PROT32,		/* protected mode, 32-bit code segment (CS.D = 1) */
	VLAPIC_CPU_LONG64,		/* IA-32e 64-bit mode (CS.L = 1) */
};

struct vlapic_mmio_insn {
	uint8_t len;			/* bytes to add to RIP after emulating it */
	bool write;			/* a store to the APIC register, else a load */
	bool has_imm;			/* a store of imm, else of / into register reg */
	uint8_t reg;			/* GPR number: 0 = eAX, 1 = eCX, ... 8-15 = r8d-r15d */
	uint32_t imm;			/* the immediate of C7 /0 */
};

enum vlapic_decode_error {
	VLAPIC_DECODE_OK,
	VLAPIC_DECODE_TRUNCATED,	/* the instruction runs past the bytes given */
	VLAPIC_DECODE_TOO_LONG,		/* more than 15 bytes: #GP on the CPU */
	VLAPIC_DECODE_BAD_MODE,		/* not 32-bit protected mode or 64-bit mode */
	VLAPIC_DECODE_LOCK,		/* LOCK prefix */
	VLAPIC_DECODE_REP,		/* F2/F3 prefix */
	VLAPIC_DECODE_OPERAND_SIZE,	/* 0x66, REX.W or a byte form: not a 32-bit access */
	VLAPIC_DECODE_ADDRESS_SIZE,	/* 0x67 prefix */
	VLAPIC_DECODE_NOT_MEMORY,	/* ModRM names a register, not memory */
	VLAPIC_DECODE_UNSUPPORTED,	/* an opcode other than the forms above */
};

/*
 * Decodes the instruction in bytes[0..n) (n at most 15 is looked at) executed in `mode`. On
 * VLAPIC_DECODE_OK *insn describes it; otherwise *insn is untouched.
 */
enum vlapic_decode_error vlapic_mmio_decode(const uint8_t *bytes, size_t n,
					    enum vlapic_cpu_mode mode,
					    struct vlapic_mmio_insn *insn);
/* A sentence saying why an instruction was refused, for the exit diagnostic. */
const char *vlapic_mmio_decode_strerror(enum vlapic_decode_error err);

#endif
