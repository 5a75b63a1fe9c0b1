/* SPDX-License-Identifier: MIT */
/* The APIC-access instruction decoder: see mmio_decode.h for what it accepts. */
#include "lib/unaligned.h"
#include "vlapic/mmio_decode.h"

/* Prefixes (SDM vol. 2A 2.1.1) */
#define PFX_LOCK	0xf0
#define PFX_REPNE	0xf2
#define PFX_REP		0xf3
#define PFX_OPSIZE	0x66
#define PFX_ADDRSIZE	0x67

/* REX (SDM vol. 2A 2.2.1): 0100WRXB, 64-bit mode only */
#define REX_MASK	0xf0
#define REX_BASE	0x40
#define REX_W		0x08	/* 64-bit operand */
#define REX_R		0x04	/* ModRM.reg + 8 */

/* Opcodes (SDM vol. 2B, MOV) */
#define OP_MOV_LOAD	0x8b	/* MOV r32, r/m32 */
#define OP_MOV_STORE	0x89	/* MOV r/m32, r32 */
#define OP_MOV_IMM	0xc7	/* MOV r/m32, imm32 (/0) */
#define OP_MOV_LOAD_AX	0xa1	/* MOV eAX, moffs */
#define OP_MOV_STORE_AX	0xa3	/* MOV moffs, eAX */
#define OP_MOV_LOAD8	0x8a	/* the byte forms of the same */
#define OP_MOV_STORE8	0x88
#define OP_MOV_IMM8	0xc6
#define OP_MOV_LOAD_AL	0xa0
#define OP_MOV_STORE_AL	0xa2

/* ModRM and SIB fields (SDM vol. 2A 2.1.5) */
#define MODRM_MOD(b)	((b) >> 6)
#define MODRM_REG(b)	(((b) >> 3) & 7)
#define MODRM_RM(b)	((b) & 7)
#define RM_SIB		4	/* rm = 100b: a SIB byte follows */
#define RM_DISP32	5	/* mod = 00, rm = 101b: disp32 (RIP-relative in 64-bit mode) */
#define SIB_BASE(b)	((b) & 7)
#define SIB_NO_BASE	5	/* mod = 00, base = 101b: disp32 instead of a base register */

static bool is_segment_override(uint8_t b)
{
	/* ES, CS, SS, DS, FS, GS: harmless, the exit qualification already holds the address */
	return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65;
}

/* Bytes of displacement that follow ModRM (and SIB) with 32/64-bit addressing */
static size_t disp_size(uint8_t modrm, uint8_t sib)
{
	switch (MODRM_MOD(modrm)) {
	case 0:
		if (MODRM_RM(modrm) == RM_DISP32 ||
		    (MODRM_RM(modrm) == RM_SIB && SIB_BASE(sib) == SIB_NO_BASE))
			return 4;
		return 0;
	case 1:
		return 1;
	default:
		return 4;
	}
}

/* Is bytes[0..len) inside the instruction limits and the bytes given? */
static enum vlapic_decode_error need(size_t len, size_t n)
{
	if (len > VLAPIC_INSN_MAX)
		return VLAPIC_DECODE_TOO_LONG;
	return len > n ? VLAPIC_DECODE_TRUNCATED : VLAPIC_DECODE_OK;
}

enum vlapic_decode_error vlapic_mmio_decode(const uint8_t *bytes, size_t n,
					    enum vlapic_cpu_mode mode,
					    struct vlapic_mmio_insn *insn)
{
	struct vlapic_mmio_insn out = { 0 };
	enum vlapic_decode_error err;
	uint8_t rex = 0, op, modrm, sib = 0;
	size_t i = 0;

	if (mode != VLAPIC_CPU_PROT32 && mode != VLAPIC_CPU_LONG64)
		return VLAPIC_DECODE_BAD_MODE;

	/* prefixes; a REX counts only right before the opcode (SDM vol. 2A 2.2.1) */
	for (;; i++) {
		err = need(i + 1, n);
		if (err)
			return err;
		if (bytes[i] == PFX_LOCK)
			return VLAPIC_DECODE_LOCK;
		if (bytes[i] == PFX_REP || bytes[i] == PFX_REPNE)
			return VLAPIC_DECODE_REP;
		if (bytes[i] == PFX_OPSIZE)
			return VLAPIC_DECODE_OPERAND_SIZE;
		if (bytes[i] == PFX_ADDRSIZE)
			return VLAPIC_DECODE_ADDRESS_SIZE;
		if (is_segment_override(bytes[i]))
			rex = 0;
		else if (mode == VLAPIC_CPU_LONG64 && (bytes[i] & REX_MASK) == REX_BASE)
			rex = bytes[i];
		else
			break;
	}

	op = bytes[i++];
	switch (op) {
	case OP_MOV_LOAD:
	case OP_MOV_STORE:
	case OP_MOV_IMM:
		break;
	case OP_MOV_LOAD_AX:
	case OP_MOV_STORE_AX:
		if (rex & REX_W)
			return VLAPIC_DECODE_OPERAND_SIZE;
		/* moffs is as wide as the address: 4 bytes, or 8 in 64-bit mode */
		i += mode == VLAPIC_CPU_LONG64 ? 8 : 4;
		err = need(i, n);
		if (err)
			return err;
		out.len = i;
		out.write = op == OP_MOV_STORE_AX;
		*insn = out;
		return VLAPIC_DECODE_OK;
	case OP_MOV_LOAD8:
	case OP_MOV_STORE8:
	case OP_MOV_IMM8:
	case OP_MOV_LOAD_AL:
	case OP_MOV_STORE_AL:
		return VLAPIC_DECODE_OPERAND_SIZE;
	default:
		return VLAPIC_DECODE_UNSUPPORTED;
	}
	if (rex & REX_W)
		return VLAPIC_DECODE_OPERAND_SIZE;

	err = need(i + 1, n);
	if (err)
		return err;
	modrm = bytes[i++];
	if (MODRM_MOD(modrm) == 3)
		return VLAPIC_DECODE_NOT_MEMORY;
	/* C7 /1-/7 are not MOV (C7 F8 is XBEGIN, the rest #UD) */
	if (op == OP_MOV_IMM && MODRM_REG(modrm))
		return VLAPIC_DECODE_UNSUPPORTED;
	if (MODRM_RM(modrm) == RM_SIB) {
		err = need(i + 1, n);
		if (err)
			return err;
		sib = bytes[i++];
	}
	i += disp_size(modrm, sib);
	if (op == OP_MOV_IMM) {
		err = need(i + 4, n);
		if (err)
			return err;
		out.has_imm = true;
		out.imm = get_le32(bytes + i);
		i += 4;
	} else {
		err = need(i, n);
		if (err)
			return err;
		out.reg = MODRM_REG(modrm) | (rex & REX_R ? 8 : 0);
	}
	out.len = i;
	out.write = op != OP_MOV_LOAD;
	*insn = out;
	return VLAPIC_DECODE_OK;
}

const char *vlapic_mmio_decode_strerror(enum vlapic_decode_error err)
{
	switch (err) {
	case VLAPIC_DECODE_OK:
		return "decoded";
	case VLAPIC_DECODE_TRUNCATED:
		return "the instruction runs past the bytes that could be read at guest RIP";
	case VLAPIC_DECODE_TOO_LONG:
		return "the instruction is longer than 15 bytes";
	case VLAPIC_DECODE_BAD_MODE:
		return "only 32-bit protected mode and 64-bit mode code is decoded";
	case VLAPIC_DECODE_LOCK:
		return "a LOCK prefix on an APIC access is not supported";
	case VLAPIC_DECODE_REP:
		return "a REP/REPNE prefix on an APIC access is not supported";
	case VLAPIC_DECODE_OPERAND_SIZE:
		return "the access is not 32 bits wide (0x66, REX.W or a byte form): "
		       "APIC registers take 32-bit accesses only";
	case VLAPIC_DECODE_ADDRESS_SIZE:
		return "the address-size prefix 0x67 is not supported";
	case VLAPIC_DECODE_NOT_MEMORY:
		return "the operand is a register, not the APIC page";
	case VLAPIC_DECODE_UNSUPPORTED:
		return "only MOV to or from a 32-bit register, MOV of an imm32 and MOV eAX with "
		       "moffs are decoded";
	}
	return "unknown decoder error";
}
