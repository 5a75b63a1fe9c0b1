/* SPDX-License-Identifier: MIT */
/* Executing a decoded MMIO instruction: see mmio_emulate.h. */
#include "vlapic/mmio_emulate.h"

static uint64_t mask_of(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static uint64_t sign_bit(unsigned int size)
{
	return 1ull << (8 * size - 1);
}

static uint64_t sign_extend(uint64_t v, unsigned int size)
{
	unsigned int shift = 64 - 8 * size;

	return (uint64_t)((int64_t)(v << shift) >> shift);
}

/* A register operand: AH, CH, DH, BH are bits 15:8 of rAX-rBX (SDM vol. 2A 3.1.1.3) */
static uint64_t reg_get(const struct vlapic_emul_cpu *cpu, unsigned int reg, unsigned int size,
			bool high_byte)
{
	if (high_byte)
		return (cpu->gpr[reg & 3] >> 8) & 0xff;
	return cpu->gpr[reg & 15] & mask_of(size);
}

static void reg_set(struct vlapic_emul_cpu *cpu, unsigned int reg, unsigned int size,
		    bool high_byte, uint64_t val)
{
	uint64_t *r = &cpu->gpr[(high_byte ? reg & 3 : reg) & 15];

	if (high_byte)
		*r = (*r & ~0xff00ull) | ((val & 0xff) << 8);
	else if (size >= 4)
		*r = val & mask_of(size);	/* 32 bits zero-extend (vol. 1 3.4.1.1) */
	else
		*r = (*r & ~mask_of(size)) | (val & mask_of(size));
}

static bool parity_even(uint64_t v)
{
	v &= 0xff;
	v ^= v >> 4;
	v ^= v >> 2;
	v ^= v >> 1;
	return !(v & 1);
}

/* a op b of `size` bytes; *flags gets the arithmetic flags the instruction defines */
static uint64_t alu(unsigned int op, uint64_t a, uint64_t b, unsigned int size, uint64_t *flags)
{
	uint64_t m = mask_of(size), sb = sign_bit(size), r, f = 0, carry = *flags & VLAPIC_FLAG_CF;
	uint64_t keep = 0;
	bool logic = false;

	a &= m, b &= m;
	switch (op) {
	case VLAPIC_ALU_INC:
		b = 1, carry = 0, keep = *flags & VLAPIC_FLAG_CF;
		/* fall through */
	case VLAPIC_ALU_ADD:
	case VLAPIC_ALU_ADC:
		if (op != VLAPIC_ALU_ADC)
			carry = 0;
		r = (a + b + carry) & m;
		if (r < a || (carry && r == a))
			f |= VLAPIC_FLAG_CF;
		if ((a ^ r) & (b ^ r) & sb)
			f |= VLAPIC_FLAG_OF;
		break;
	case VLAPIC_ALU_NEG:
		b = a, a = 0;
		/* fall through */
	case VLAPIC_ALU_DEC:
		if (op == VLAPIC_ALU_DEC)
			b = 1, keep = *flags & VLAPIC_FLAG_CF;
		/* fall through */
	case VLAPIC_ALU_SUB:
	case VLAPIC_ALU_SBB:
	case VLAPIC_ALU_CMP:
		if (op != VLAPIC_ALU_SBB)
			carry = 0;
		r = (a - b - carry) & m;
		if (b > a || (carry && b == a))
			f |= VLAPIC_FLAG_CF;
		if ((a ^ b) & (a ^ r) & sb)
			f |= VLAPIC_FLAG_OF;
		break;
	case VLAPIC_ALU_NOT:
		return ~a & m;		/* no flag changes */
	default:			/* OR, XOR, AND, TEST: CF = OF = 0, AF undefined: 0 */
		r = op == VLAPIC_ALU_OR ? a | b : op == VLAPIC_ALU_XOR ? a ^ b : a & b;
		logic = true;
		break;
	}
	if (!logic)
		f |= (a ^ b ^ r) & VLAPIC_FLAG_AF;
	if (op == VLAPIC_ALU_DEC || op == VLAPIC_ALU_INC)
		f = (f & ~VLAPIC_FLAG_CF) | keep;
	if (!r)
		f |= VLAPIC_FLAG_ZF;
	if (r & sb)
		f |= VLAPIC_FLAG_SF;
	if (parity_even(r))
		f |= VLAPIC_FLAG_PF;
	*flags = (*flags & ~VLAPIC_FLAGS_ARITH) | f;
	return r;
}

static void emulate_alu(const struct vlapic_mmio_insn *insn, struct vlapic_emul_cpu *cpu,
			const struct vlapic_emul_ops *ops, void *ctx)
{
	uint64_t m = ops->operand_read(ctx, insn->size), src, r;

	src = insn->has_imm ? insn->imm : reg_get(cpu, insn->reg, insn->size, insn->high_byte);
	if (insn->reg_dest) {
		r = alu(insn->alu, src, m, insn->size, &cpu->rflags);
		if (insn->alu != VLAPIC_ALU_CMP)
			reg_set(cpu, insn->reg, insn->size, insn->high_byte, r);
		return;
	}
	r = alu(insn->alu, m, src, insn->size, &cpu->rflags);
	if (insn->write)
		ops->operand_write(ctx, insn->size, r);
}

/* rSI/rDI/rCX of the address size: 16 bits merge, 32 bits zero-extend */
static uint64_t addr_reg(const struct vlapic_emul_cpu *cpu, unsigned int reg, unsigned int asz)
{
	return cpu->gpr[reg] & mask_of(asz);
}

static void addr_reg_set(struct vlapic_emul_cpu *cpu, unsigned int reg, unsigned int asz,
			 uint64_t val)
{
	reg_set(cpu, reg, asz, false, val);
}

#define RCX	1
#define RSI	6
#define RDI	7

static enum vlapic_emul_result emulate_string(const struct vlapic_mmio_insn *insn,
					      struct vlapic_emul_cpu *cpu,
					      const struct vlapic_emul_ops *ops, void *ctx)
{
	unsigned int asz = insn->addr_size, size = insn->size;
	uint64_t step = cpu->rflags & VLAPIC_FLAG_DF ? -(uint64_t)size : size;

	for (unsigned int done = 0;; done++) {
		uint64_t si = addr_reg(cpu, RSI, asz), di = addr_reg(cpu, RDI, asz), val;

		if (insn->rep && !addr_reg(cpu, RCX, asz))
			return VLAPIC_EMUL_NEXT;
		if (done == VLAPIC_EMUL_REP_BUDGET)
			return VLAPIC_EMUL_AGAIN;
		if (insn->op == VLAPIC_OP_STOS)
			val = reg_get(cpu, 0, size, false);
		else if (!ops->linear_read(ctx, cpu->seg_base[insn->seg] + si, size, &val))
			return VLAPIC_EMUL_FAULT;
		if (insn->op == VLAPIC_OP_LODS)
			reg_set(cpu, 0, size, false, val);
		else if (!ops->linear_write(ctx, cpu->seg_base[VLAPIC_SEG_ES] + di, size, val))
			return VLAPIC_EMUL_FAULT;
		if (insn->op != VLAPIC_OP_STOS)
			addr_reg_set(cpu, RSI, asz, si + step);
		if (insn->op != VLAPIC_OP_LODS)
			addr_reg_set(cpu, RDI, asz, di + step);
		if (!insn->rep)
			return VLAPIC_EMUL_NEXT;
		addr_reg_set(cpu, RCX, asz, addr_reg(cpu, RCX, asz) - 1);
	}
}

enum vlapic_emul_result vlapic_mmio_emulate(const struct vlapic_mmio_insn *insn,
					    struct vlapic_emul_cpu *cpu,
					    const struct vlapic_emul_ops *ops, void *ctx)
{
	uint64_t val;

	switch (insn->op) {
	case VLAPIC_OP_LOAD:
		val = ops->operand_read(ctx, insn->size);
		if (insn->sign_extend)
			val = sign_extend(val, insn->size);
		reg_set(cpu, insn->reg, insn->reg_size, insn->high_byte, val);
		break;
	case VLAPIC_OP_STORE:
		val = insn->has_imm ? insn->imm :
		      reg_get(cpu, insn->reg, insn->size, insn->high_byte);
		ops->operand_write(ctx, insn->size, val & mask_of(insn->size));
		break;
	case VLAPIC_OP_XCHG:
		val = ops->operand_read(ctx, insn->size);
		ops->operand_write(ctx, insn->size,
				   reg_get(cpu, insn->reg, insn->size, insn->high_byte));
		reg_set(cpu, insn->reg, insn->size, insn->high_byte, val);
		break;
	case VLAPIC_OP_ALU:
		emulate_alu(insn, cpu, ops, ctx);
		break;
	default:
		return emulate_string(insn, cpu, ops, ctx);
	}
	return VLAPIC_EMUL_NEXT;
}
