/* SPDX-License-Identifier: MIT */
/*
 * Decoder for the guest instruction behind an APIC-access exit (reason 44) when the CPU does not
 * virtualize APIC registers, and behind an EPT violation in emulated MMIO: the SDM does not
 * define the VM-exit instruction-length field for those exits, so the glue reads up to 15 bytes
 * at guest RIP and asks this decoder what the instruction does. It knows the general-purpose
 * forms that touch memory once, or as a string, which compilers and libraries emit for device
 * registers (Intel SDM vol. 2; byte forms, 0x66 and REX.W give 8-, 16- and 64-bit operands):
 *
 *	88/89 /r, 8A/8B /r	MOV r/m, r; MOV r, r/m
 *	C6/C7 /0 ib/iz		MOV r/m, imm
 *	A0-A3 moffs		MOV AL/eAX, moffs; MOV moffs, AL/eAX
 *	0F B6/B7, 0F BE/BF	MOVZX, MOVSX r, r/m8 / r/m16
 *	63 /r			MOVSXD r, r/m32 (64-bit mode)
 *	86/87 /r		XCHG r/m, r (locked whether or not LOCK is given)
 *	00-3B (x0-x3 of each)	ADD OR ADC SBB AND SUB XOR CMP, memory or register destination
 *	80/81/83 /0-/7		the same eight with an immediate
 *	84/85 /r, F6/F7 /0	TEST r/m, r; TEST r/m, imm
 *	F6/F7 /2 /3		NOT, NEG r/m
 *	FE/FF /0 /1		INC, DEC r/m
 *	A4/A5, AA/AB, AC/AD	MOVS, STOS, LODS, with REP (F3; F2 acts as REP on them too)
 *
 * with any ModRM/SIB addressing (16-bit ModRM under 0x67 in 32-bit code), segment overrides,
 * LOCK where the SDM allows it (a memory-destination read-modify-write; elsewhere LOCK is #UD,
 * and refused here), and REX. The address of a ModRM operand is not computed: the exit gives it.
 * A string instruction's addresses are the guest's RSI/RDI, which the emulator computes.
 * Anything else is refused with a reason, never decoded wrongly.
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

enum vlapic_mmio_op {
	VLAPIC_OP_LOAD,		/* reg = [m] (MOV, MOVZX, MOVSX, MOVSXD) */
	VLAPIC_OP_STORE,	/* [m] = reg or imm */
	VLAPIC_OP_XCHG,		/* reg <-> [m] */
	VLAPIC_OP_ALU,		/* [m] or reg = [m] alu (reg or imm); flags */
	VLAPIC_OP_MOVS,		/* ES:[rDI] = seg:[rSI] */
	VLAPIC_OP_STOS,		/* ES:[rDI] = AL/eAX */
	VLAPIC_OP_LODS,		/* AL/eAX = seg:[rSI] */
};

/* The arithmetic of VLAPIC_OP_ALU; the first eight in the order of their opcodes' bits 5:3 */
enum vlapic_mmio_alu {
	VLAPIC_ALU_ADD, VLAPIC_ALU_OR, VLAPIC_ALU_ADC, VLAPIC_ALU_SBB,
	VLAPIC_ALU_AND, VLAPIC_ALU_SUB, VLAPIC_ALU_XOR, VLAPIC_ALU_CMP,
	VLAPIC_ALU_TEST, VLAPIC_ALU_NOT, VLAPIC_ALU_NEG, VLAPIC_ALU_INC, VLAPIC_ALU_DEC,
};

/* Segment registers in their encoding order (SDM vol. 2A 3.1.1.3, Sreg) */
enum vlapic_seg {
	VLAPIC_SEG_ES, VLAPIC_SEG_CS, VLAPIC_SEG_SS, VLAPIC_SEG_DS, VLAPIC_SEG_FS, VLAPIC_SEG_GS,
};

struct vlapic_mmio_insn {
	uint8_t len;			/* bytes to add to RIP after emulating it */
	uint8_t op;			/* enum vlapic_mmio_op */
	uint8_t alu;			/* enum vlapic_mmio_alu, for VLAPIC_OP_ALU */
	uint8_t size;			/* bytes of the memory operand: 1, 2, 4 or 8 */
	uint8_t reg_size;		/* bytes of the register operand (MOVZX/MOVSX: wider) */
	bool sign_extend;		/* MOVSX/MOVSXD */
	bool has_imm;			/* the source is imm, not register reg */
	bool reg_dest;			/* ALU: the register is the destination, memory the source */
	bool high_byte;			/* reg 4-7 of a byte operand without REX: AH, CH, DH, BH */
	bool write;			/* memory is written (STORE, XCHG, ALU into memory, string) */
	bool lock;			/* a LOCK prefix (allowed: XCHG, ALU into memory) */
	bool rep;			/* F3 or F2 on a string instruction */
	uint8_t reg;			/* GPR number: 0 = rAX, 1 = rCX, ... 8-15 = r8-r15 */
	uint8_t addr_size;		/* 2, 4 or 8: the width of rSI, rDI and rCX for strings */
	uint8_t seg;			/* enum vlapic_seg of a string's source (DS or an override) */
	uint64_t imm;			/* sign-extended to 64 bits as the CPU extends it */
};

enum vlapic_decode_error {
	VLAPIC_DECODE_OK,
	VLAPIC_DECODE_TRUNCATED,	/* the instruction runs past the bytes given */
	VLAPIC_DECODE_TOO_LONG,		/* more than 15 bytes: #GP on the CPU */
	VLAPIC_DECODE_BAD_MODE,		/* not 32-bit protected mode or 64-bit mode */
	VLAPIC_DECODE_LOCK,		/* LOCK on an instruction that does not take it: #UD */
	VLAPIC_DECODE_REP,		/* F2/F3 on a non-string instruction */
	VLAPIC_DECODE_OPERAND_SIZE,	/* an operand size the form does not have */
	VLAPIC_DECODE_NOT_MEMORY,	/* ModRM names a register, not the APIC page */
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
