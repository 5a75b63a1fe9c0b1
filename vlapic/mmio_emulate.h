/* SPDX-License-Identifier: MIT */
/*
 * Executes an instruction that mmio_decode.h decoded, on a copy of the guest's registers, with
 * memory reached through the caller's ops: the instruction's ModRM/moffs operand is the access
 * that exited (the caller knows where it goes: an APIC register, an emulated device), a string
 * instruction's operands are guest linear addresses the emulator computes from rSI/rDI and
 * the segment bases. Portable: it never touches the VMCS, so the host unit tests run it.
 *
 * What it does as the CPU does (SDM vol. 2): register results of 8 and 16 bits merge into the
 * register, of 32 bits zero-extend it (vol. 1 3.4.1.1); AH-BH for byte operands without REX;
 * CF PF AF ZF SF OF as each ALU instruction defines them (INC/DEC keep CF, NOT changes none,
 * AND/OR/XOR/TEST clear CF and OF and leave AF 0); strings step by the element size, backwards
 * with RFLAGS.DF, in rSI/rDI/rCX of the address size, and REP stops at rCX = 0.
 */
#ifndef VLAPIC_MMIO_EMULATE_H
#define VLAPIC_MMIO_EMULATE_H

#include <stdbool.h>
#include <stdint.h>

#include "vlapic/mmio_decode.h"

/*
 * REP iterations per exit: the rest is left in rCX with RIP on the instruction, which the
 * guest executes again (a REP string is interruptible between iterations, SDM vol. 2B REP), so
 * that an exit's work is bounded whatever rCX the guest gave.
 */
#define VLAPIC_EMUL_REP_BUDGET	1024

/* RFLAGS bits (SDM vol. 1 3.4.3) */
#define VLAPIC_FLAG_CF		(1ull << 0)
#define VLAPIC_FLAG_PF		(1ull << 2)
#define VLAPIC_FLAG_AF		(1ull << 4)
#define VLAPIC_FLAG_ZF		(1ull << 6)
#define VLAPIC_FLAG_SF		(1ull << 7)
#define VLAPIC_FLAG_DF		(1ull << 10)
#define VLAPIC_FLAG_OF		(1ull << 11)
#define VLAPIC_FLAGS_ARITH	(VLAPIC_FLAG_CF | VLAPIC_FLAG_PF | VLAPIC_FLAG_AF | \
				 VLAPIC_FLAG_ZF | VLAPIC_FLAG_SF | VLAPIC_FLAG_OF)

/* The guest state the emulator reads and changes */
struct vlapic_emul_cpu {
	uint64_t gpr[16];		/* rAX, rCX, rDX, rBX, rSP, rBP, rSI, rDI, r8-r15 */
	uint64_t rflags;
	uint64_t seg_base[6];		/* enum vlapic_seg; 0 for ES-DS in 64-bit mode */
};

struct vlapic_emul_ops {
	/* the ModRM/moffs operand: `size` bytes at the address that exited */
	uint64_t (*operand_read)(void *ctx, unsigned int size);
	void (*operand_write)(void *ctx, unsigned int size, uint64_t val);
	/* string operands: `size` bytes at a guest linear address; false: not reachable */
	bool (*linear_read)(void *ctx, uint64_t la, unsigned int size, uint64_t *val);
	bool (*linear_write)(void *ctx, uint64_t la, unsigned int size, uint64_t val);
};

enum vlapic_emul_result {
	VLAPIC_EMUL_NEXT,	/* done: RIP += insn->len */
	VLAPIC_EMUL_AGAIN,	/* a REP string with iterations left: RIP stays on it */
	VLAPIC_EMUL_FAULT,	/* a string operand the ops could not reach: nothing more done */
};

enum vlapic_emul_result vlapic_mmio_emulate(const struct vlapic_mmio_insn *insn,
					    struct vlapic_emul_cpu *cpu,
					    const struct vlapic_emul_ops *ops, void *ctx);

#endif
