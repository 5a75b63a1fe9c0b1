/* SPDX-License-Identifier: MIT */
/* The MMIO instruction decoder: see mmio_decode.h for what it accepts. */
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

/*
 * Opcodes (SDM vol. 2A/2B, one-byte opcode map table A-2). Even opcodes of each pair are the
 * byte forms; in 00-3B, bit 1 says the register is the destination.
 */
#define OP_ALU_LAST	0x3b	/* 00-3B: ALU bits 5:3, forms bits 2:0 = 0-3 */
#define OP_TWO_BYTE	0x0f
#define OP_MOVSXD	0x63
#define OP_GRP1_IB	0x80	/* ALU r/m8, imm8 */
#define OP_GRP1_IZ	0x81	/* ALU r/m, imm16/32 */
#define OP_GRP1_SIB	0x83	/* ALU r/m, imm8 sign-extended */
#define OP_TEST		0x84	/* 84/85: TEST r/m, r */
#define OP_XCHG		0x86	/* 86/87 */
#define OP_MOV_STORE	0x88	/* 88/89: MOV r/m, r */
#define OP_MOV_LOAD	0x8a	/* 8A/8B: MOV r, r/m */
#define OP_MOV_MOFFS	0xa0	/* A0/A1 load AL/eAX, A2/A3 store */
#define OP_MOVS		0xa4	/* A4/A5 */
#define OP_STOS		0xaa	/* AA/AB */
#define OP_LODS		0xac	/* AC/AD */
#define OP_MOV_IMM	0xc6	/* C6/C7 /0 */
#define OP_GRP3		0xf6	/* F6/F7: /0 TEST imm, /2 NOT, /3 NEG */
#define OP_GRP4_5	0xfe	/* FE/FF: /0 INC, /1 DEC */
#define OP2_MOVZX	0xb6	/* 0F B6/B7 */
#define OP2_MOVSX	0xbe	/* 0F BE/BF */

/* ModRM and SIB fields (SDM vol. 2A 2.1.5, tables 2-1 and 2-2) */
#define MODRM_MOD(b)	((b) >> 6)
#define MODRM_REG(b)	(((b) >> 3) & 7)
#define MODRM_RM(b)	((b) & 7)
#define RM_SIB		4	/* rm = 100b: a SIB byte follows */
#define RM_DISP32	5	/* mod = 00, rm = 101b: disp32 (RIP-relative in 64-bit mode) */
#define RM16_DISP16	6	/* 16-bit addressing, mod = 00, rm = 110b: disp16 */
#define SIB_BASE(b)	((b) & 7)
#define SIB_NO_BASE	5	/* mod = 00, base = 101b: disp32 instead of a base register */

/* Immediate kinds: none, 8 bits, or 16/32 bits by the operand size ("iz") */
enum imm_kind { IMM_NONE, IMM_B, IMM_Z };

static int segment_override(uint8_t b)
{
	switch (b) {
	case 0x26: return VLAPIC_SEG_ES;
	case 0x2e: return VLAPIC_SEG_CS;
	case 0x36: return VLAPIC_SEG_SS;
	case 0x3e: return VLAPIC_SEG_DS;
	case 0x64: return VLAPIC_SEG_FS;
	case 0x65: return VLAPIC_SEG_GS;
	}
	return -1;
}

/* Bytes of displacement that follow ModRM (and SIB) */
static size_t disp_size(uint8_t modrm, uint8_t sib, unsigned int addr_size)
{
	if (addr_size == 2) {
		if (MODRM_MOD(modrm) == 0)
			return MODRM_RM(modrm) == RM16_DISP16 ? 2 : 0;
		return MODRM_MOD(modrm) == 1 ? 1 : 2;
	}
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

static uint64_t sign_extend(uint64_t v, unsigned int bytes)
{
	unsigned int shift = 64 - 8 * bytes;

	return (uint64_t)((int64_t)(v << shift) >> shift);
}

/* The ModRM-less forms: moffs and strings. Returns false for an opcode that has a ModRM. */
static bool no_modrm_form(uint8_t op, struct vlapic_mmio_insn *out)
{
	switch (op & ~1) {
	case OP_MOV_MOFFS:
		out->op = VLAPIC_OP_LOAD;
		return true;
	case OP_MOV_MOFFS + 2:
		out->op = VLAPIC_OP_STORE;
		return true;
	case OP_MOVS:
		out->op = VLAPIC_OP_MOVS;
		return true;
	case OP_STOS:
		out->op = VLAPIC_OP_STOS;
		return true;
	case OP_LODS:
		out->op = VLAPIC_OP_LODS;
		return true;
	}
	return false;
}

/*
 * The ModRM forms, given the opcode (op2: the byte after 0F) and ModRM.reg. Sets op, alu,
 * reg_dest and the immediate kind; false for anything not in mmio_decode.h's table.
 */
static bool modrm_form(uint8_t op, uint8_t op2, unsigned int ext, bool long64,
		       struct vlapic_mmio_insn *out, enum imm_kind *imm)
{
	*imm = IMM_NONE;
	if (op <= OP_ALU_LAST && (op & 7) <= 3) {
		out->op = VLAPIC_OP_ALU;
		out->alu = op >> 3;
		out->reg_dest = op & 2;
		return true;
	}
	switch (op) {
	case OP_TWO_BYTE:
		if ((op2 & ~1) != OP2_MOVZX && (op2 & ~1) != OP2_MOVSX)
			return false;
		out->op = VLAPIC_OP_LOAD;
		out->sign_extend = (op2 & ~1) == OP2_MOVSX;
		return true;
	case OP_MOVSXD:
		/* 63 is ARPL outside 64-bit mode */
		out->op = VLAPIC_OP_LOAD;
		out->sign_extend = true;
		return long64;
	case OP_GRP1_IB:
	case OP_GRP1_IZ:
	case OP_GRP1_SIB:
		out->op = VLAPIC_OP_ALU;
		out->alu = ext;
		*imm = op == OP_GRP1_IZ ? IMM_Z : IMM_B;
		return true;
	case OP_TEST:
	case OP_TEST + 1:
		out->op = VLAPIC_OP_ALU;
		out->alu = VLAPIC_ALU_TEST;
		return true;
	case OP_XCHG:
	case OP_XCHG + 1:
		out->op = VLAPIC_OP_XCHG;
		return true;
	case OP_MOV_STORE:
	case OP_MOV_STORE + 1:
		out->op = VLAPIC_OP_STORE;
		return true;
	case OP_MOV_LOAD:
	case OP_MOV_LOAD + 1:
		out->op = VLAPIC_OP_LOAD;
		return true;
	case OP_MOV_IMM:
	case OP_MOV_IMM + 1:
		/* C6/C7 /1-/7 are not MOV (C6 F8 is XABORT, C7 F8 XBEGIN, the rest #UD) */
		out->op = VLAPIC_OP_STORE;
		*imm = op == OP_MOV_IMM ? IMM_B : IMM_Z;
		return ext == 0;
	case OP_GRP3:
	case OP_GRP3 + 1:
		out->op = VLAPIC_OP_ALU;
		if (ext == 0) {
			out->alu = VLAPIC_ALU_TEST;
			*imm = op == OP_GRP3 ? IMM_B : IMM_Z;
			return true;
		}
		out->alu = ext == 2 ? VLAPIC_ALU_NOT : VLAPIC_ALU_NEG;
		return ext == 2 || ext == 3;	/* /1 is undocumented, /4-/7 multiply and divide */
	case OP_GRP4_5:
	case OP_GRP4_5 + 1:
		out->op = VLAPIC_OP_ALU;
		out->alu = ext ? VLAPIC_ALU_DEC : VLAPIC_ALU_INC;
		return ext <= 1;		/* FF /2-/6 are CALL, JMP and PUSH */
	}
	return false;
}

/* Is ModRM.reg an opcode extension ("/digit", SDM vol. 2A 3.1.1.1) rather than a register? */
static bool opcode_extension(uint8_t op)
{
	return (op >= OP_GRP1_IB && op <= OP_GRP1_SIB) || (op & ~1) == OP_MOV_IMM ||
	       (op & ~1) == OP_GRP3 || (op & ~1) == OP_GRP4_5;
}

/* Does the instruction write its memory operand? */
static bool writes_memory(const struct vlapic_mmio_insn *insn)
{
	switch (insn->op) {
	case VLAPIC_OP_LOAD:
	case VLAPIC_OP_LODS:
		return false;
	case VLAPIC_OP_ALU:
		return !insn->reg_dest && insn->alu != VLAPIC_ALU_CMP &&
		       insn->alu != VLAPIC_ALU_TEST;
	}
	return true;
}

enum vlapic_decode_error vlapic_mmio_decode(const uint8_t *bytes, size_t n,
					    enum vlapic_cpu_mode mode,
					    struct vlapic_mmio_insn *insn)
{
	struct vlapic_mmio_insn out = { .seg = VLAPIC_SEG_DS };
	bool long64 = mode == VLAPIC_CPU_LONG64, opsize16 = false, addr67 = false;
	enum vlapic_decode_error err;
	uint8_t rex = 0, op, op2 = 0, modrm, sib = 0;
	unsigned int opsize;
	enum imm_kind imm;
	size_t i = 0;
	int seg;

	if (mode != VLAPIC_CPU_PROT32 && mode != VLAPIC_CPU_LONG64)
		return VLAPIC_DECODE_BAD_MODE;

	/* prefixes; a REX counts only right before the opcode (SDM vol. 2A 2.2.1) */
	for (;; i++) {
		err = need(i + 1, n);
		if (err)
			return err;
		seg = segment_override(bytes[i]);
		if (bytes[i] == PFX_LOCK)
			out.lock = true;
		else if (bytes[i] == PFX_REP || bytes[i] == PFX_REPNE)
			out.rep = true;
		else if (bytes[i] == PFX_OPSIZE)
			opsize16 = true;
		else if (bytes[i] == PFX_ADDRSIZE)
			addr67 = true;
		else if (seg >= 0)
			out.seg = (uint8_t)seg;
		else if (long64 && (bytes[i] & REX_MASK) == REX_BASE) {
			rex = bytes[i];
			continue;
		} else {
			break;
		}
		rex = 0;
	}
	opsize = rex & REX_W ? 8 : opsize16 ? 2 : 4;
	out.addr_size = long64 ? (addr67 ? 4 : 8) : (addr67 ? 2 : 4);

	op = bytes[i++];
	if (no_modrm_form(op, &out)) {
		out.size = out.reg_size = op & 1 ? opsize : 1;
		if (op < OP_MOVS) {
			if (out.rep)
				return VLAPIC_DECODE_REP;
			/* moffs is as wide as the address */
			i += out.addr_size;
			err = need(i, n);
			if (err)
				return err;
		}
	} else {
		if (op == OP_TWO_BYTE) {
			err = need(i + 1, n);
			if (err)
				return err;
			op2 = bytes[i++];
		}
		/* an opcode outside the table is refused as such, whatever follows it */
		if (!modrm_form(op, op2, 0, long64, &out, &imm))
			return VLAPIC_DECODE_UNSUPPORTED;
		err = need(i + 1, n);
		if (err)
			return err;
		modrm = bytes[i];
		out.sign_extend = false;
		if (!modrm_form(op, op2, MODRM_REG(modrm), long64, &out, &imm))
			return VLAPIC_DECODE_UNSUPPORTED;
		i++;
		if (MODRM_MOD(modrm) == 3)
			return VLAPIC_DECODE_NOT_MEMORY;
		if (out.rep)
			return VLAPIC_DECODE_REP;
		if (out.addr_size != 2 && MODRM_RM(modrm) == RM_SIB) {
			err = need(i + 1, n);
			if (err)
				return err;
			sib = bytes[i++];
		}
		i += disp_size(modrm, sib, out.addr_size);
		/* even opcodes are byte forms, but not 0F B6/BE and 63 */
		out.size = out.reg_size = (op & 1) || op == OP_MOVSXD ? opsize : 1;
		if (op == OP_TWO_BYTE) {
			out.size = op2 & 1 ? 2 : 1;
			out.reg_size = opsize;
		} else if (op == OP_MOVSXD) {
			if (opsize16)
				return VLAPIC_DECODE_OPERAND_SIZE;
			out.size = 4;
		}
		out.reg = MODRM_REG(modrm) | (rex & REX_R ? 8 : 0);
		out.high_byte = out.reg_size == 1 && !rex && (out.reg & 4);
		if (opcode_extension(op)) {
			/* ModRM.reg is part of the opcode: no register operand */
			out.reg = 0;
			out.high_byte = false;
		}
		if (imm != IMM_NONE) {
			unsigned int w = imm == IMM_B ? 1 : out.size == 2 ? 2 : 4;

			err = need(i + w, n);
			if (err)
				return err;
			out.has_imm = true;
			out.imm = sign_extend(w == 1 ? bytes[i] : w == 2 ? get_le16(bytes + i) :
					      get_le32(bytes + i), w);
			i += w;
		} else {
			err = need(i, n);
			if (err)
				return err;
		}
	}
	out.write = writes_memory(&out);
	/* LOCK is #UD except on a read-modify-write of memory (SDM vol. 2A, LOCK) */
	if (out.lock && !(out.write && (out.op == VLAPIC_OP_ALU || out.op == VLAPIC_OP_XCHG)))
		return VLAPIC_DECODE_LOCK;
	out.len = (uint8_t)i;
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
		return "a LOCK prefix on an instruction that is no read-modify-write of memory";
	case VLAPIC_DECODE_REP:
		return "a REP/REPNE prefix on an instruction that is no MOVS, STOS or LODS";
	case VLAPIC_DECODE_OPERAND_SIZE:
		return "an operand size the instruction does not have";
	case VLAPIC_DECODE_NOT_MEMORY:
		return "the operand is a register, not memory";
	case VLAPIC_DECODE_UNSUPPORTED:
		return "not a MOV, MOVZX/MOVSX, XCHG, ALU, TEST, NOT/NEG, INC/DEC or string form";
	}
	return "unknown decoder error";
}
