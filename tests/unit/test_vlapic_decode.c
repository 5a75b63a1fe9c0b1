/* SPDX-License-Identifier: MIT */
/* The MMIO instruction decoder: every supported form, and the refusals. */
#include <string.h>

#include "tests/unit/vlapic_fake_env.h"
#include "vlapic/mmio_decode.h"

#define P32	VLAPIC_CPU_PROT32
#define L64	VLAPIC_CPU_LONG64
#define D32	0x80, 0x03, 0xe0, 0xfe		/* disp32 / moffs32 0xfee00380 */
#define IMM	0x78, 0x56, 0x34, 0x12		/* imm32 0x12345678 */

struct good {
	const char *what;
	enum vlapic_cpu_mode mode;
	uint8_t bytes[VLAPIC_INSN_MAX];
	uint8_t n;			/* bytes of the instruction */
	bool write;
	bool has_imm;
	uint8_t reg;
};

static const struct good goods[] = {
	{ "mov eax,[disp32]", P32, { 0x8b, 0x05, D32 }, 6, false, false, 0 },
	{ "mov ecx,[disp32]", P32, { 0x8b, 0x0d, D32 }, 6, false, false, 1 },
	{ "mov eax,[eax]", P32, { 0x8b, 0x00 }, 2, false, false, 0 },
	{ "mov esi,[ebx+8]", P32, { 0x8b, 0x73, 0x08 }, 3, false, false, 6 },
	{ "mov eax,[ebx+disp32]", P32, { 0x8b, 0x83, D32 }, 6, false, false, 0 },
	{ "mov eax,[esp]", P32, { 0x8b, 0x04, 0x24 }, 3, false, false, 0 },
	{ "mov edx,[esp+8]", P32, { 0x8b, 0x54, 0x24, 0x08 }, 4, false, false, 2 },
	{ "mov eax,[esp+disp32]", P32, { 0x8b, 0x84, 0x24, D32 }, 7, false, false, 0 },
	{ "mov eax,[ecx*4+disp32]", P32, { 0x8b, 0x04, 0x8d, D32 }, 7, false, false, 0 },
	{ "mov eax,[ebp+0]", P32, { 0x8b, 0x45, 0x00 }, 3, false, false, 0 },
	{ "mov [eax],ebx", P32, { 0x89, 0x18 }, 2, true, false, 3 },
	{ "mov [disp32],edi", P32, { 0x89, 0x3d, D32 }, 6, true, false, 7 },
	{ "mov [eax+ecx*2+4],ebp", P32, { 0x89, 0x6c, 0x48, 0x04 }, 4, true, false, 5 },
	{ "mov dword [disp32],imm", P32, { 0xc7, 0x05, D32, IMM }, 10, true, true, 0 },
	{ "mov dword [eax+16],imm", P32, { 0xc7, 0x40, 0x10, IMM }, 7, true, true, 0 },
	{ "mov dword [esp],imm", P32, { 0xc7, 0x04, 0x24, IMM }, 7, true, true, 0 },
	{ "mov dword [esp+disp32],imm", P32, { 0xc7, 0x84, 0x24, D32, IMM }, 11, true, true, 0 },
	{ "mov eax,[moffs32]", P32, { 0xa1, D32 }, 5, false, false, 0 },
	{ "mov [moffs32],eax", P32, { 0xa3, D32 }, 5, true, false, 0 },
	{ "ds: mov eax,[ebx]", P32, { 0x3e, 0x8b, 0x03 }, 3, false, false, 0 },
	{ "fs: mov eax,[moffs32]", P32, { 0x64, 0xa1, D32 }, 6, false, false, 0 },
	{ "12 prefixes: 15 bytes", P32, { 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
					 0x3e, 0x3e, 0x3e, 0x8b, 0x43, 0x20 },
	  15, false, false, 0 },
	{ "mov eax,[rip+rel32]", L64, { 0x8b, 0x05, D32 }, 6, false, false, 0 },
	{ "mov r8d,[rip+rel32]", L64, { 0x44, 0x8b, 0x05, D32 }, 7, false, false, 8 },
	{ "mov eax,[r8]", L64, { 0x41, 0x8b, 0x00 }, 3, false, false, 0 },
	{ "mov [r12],r15d", L64, { 0x45, 0x89, 0x3c, 0x24 }, 4, true, false, 15 },
	{ "mov [rax+r9*8+disp8],ecx", L64, { 0x42, 0x89, 0x4c, 0xc8, 0x10 }, 5, true, false, 1 },
	{ "mov eax,[abs disp32]", L64, { 0x8b, 0x04, 0x25, D32 }, 7, false, false, 0 },
	{ "mov dword [rip+rel32],imm", L64, { 0xc7, 0x05, D32, IMM }, 10, true, true, 0 },
	{ "mov dword [r12],imm", L64, { 0x41, 0xc7, 0x04, 0x24, IMM }, 8, true, true, 0 },
	{ "mov eax,[moffs64]", L64, { 0xa1, D32, 0, 0, 0, 0 }, 9, false, false, 0 },
	{ "mov [moffs64],eax", L64, { 0xa3, D32, 0, 0, 0, 0 }, 9, true, false, 0 },
	{ "empty REX", L64, { 0x40, 0x8b, 0x10 }, 3, false, false, 2 },
	{ "REX before a prefix is dropped", L64, { 0x44, 0x3e, 0x8b, 0x03 }, 4, false, false, 0 },
	{ "gs: REX.R", L64, { 0x65, 0x44, 0x8b, 0x03 }, 4, false, false, 8 },
};

/* Decodes and names the case on failure: cmocka's own messages give only the line. */
static void expect(const char *what, const uint8_t *bytes, size_t n, enum vlapic_cpu_mode mode,
		   enum vlapic_decode_error want, struct vlapic_mmio_insn *insn)
{
	enum vlapic_decode_error got = vlapic_mmio_decode(bytes, n, mode, insn);

	if (got != want)
		fail_msg("%s (%zu bytes): got \"%s\", want \"%s\"", what, n,
			 vlapic_mmio_decode_strerror(got), vlapic_mmio_decode_strerror(want));
}

static void supported_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];
		struct vlapic_mmio_insn insn;
		uint8_t buf[VLAPIC_INSN_MAX];

		/* bytes past the instruction must not matter */
		memset(buf, 0x8b, sizeof(buf));
		memcpy(buf, g->bytes, g->n);
		expect(g->what, buf, sizeof(buf), g->mode, VLAPIC_DECODE_OK, &insn);
		if (insn.len != g->n || insn.write != g->write || insn.has_imm != g->has_imm ||
		    (g->has_imm ? insn.imm != 0x12345678 : insn.reg != g->reg))
			fail_msg("%s: len %u write %d imm %d/0x%x reg %u", g->what, insn.len,
				 insn.write, insn.has_imm, insn.imm, insn.reg);
		/* exactly its own bytes are enough, one fewer is not */
		expect(g->what, g->bytes, g->n, g->mode, VLAPIC_DECODE_OK, &insn);
		expect(g->what, g->bytes, g->n - 1, g->mode, VLAPIC_DECODE_TRUNCATED, &insn);
	}
}

struct bad {
	const char *what;
	enum vlapic_cpu_mode mode;
	uint8_t bytes[VLAPIC_INSN_MAX + 1];
	uint8_t n;
	enum vlapic_decode_error err;
};

static const struct bad bads[] = {
	{ "lock mov", P32, { 0xf0, 0x89, 0x03 }, 3, VLAPIC_DECODE_LOCK },
	{ "lock load", L64, { 0xf0, 0x8b, 0x03 }, 3, VLAPIC_DECODE_LOCK },
	{ "lock cmp", P32, { 0xf0, 0x39, 0x03 }, 3, VLAPIC_DECODE_LOCK },
	{ "lock test imm", P32, { 0xf0, 0xf7, 0x03, IMM }, 7, VLAPIC_DECODE_LOCK },
	{ "lock add into a register", P32, { 0xf0, 0x03, 0x03 }, 3, VLAPIC_DECODE_LOCK },
	{ "lock stos", P32, { 0xf0, 0xab }, 2, VLAPIC_DECODE_LOCK },
	{ "repne mov", L64, { 0xf2, 0x8b, 0x03 }, 3, VLAPIC_DECODE_REP },
	{ "rep add", P32, { 0xf3, 0x01, 0x03 }, 3, VLAPIC_DECODE_REP },
	{ "rep moffs", P32, { 0xf3, 0xa1, D32 }, 6, VLAPIC_DECODE_REP },
	{ "movsxd with 0x66", L64, { 0x66, 0x63, 0x03 }, 3, VLAPIC_DECODE_OPERAND_SIZE },
	{ "register operand", P32, { 0x8b, 0xc3 }, 2, VLAPIC_DECODE_NOT_MEMORY },
	{ "register imm", L64, { 0xc7, 0xc0, IMM }, 6, VLAPIC_DECODE_NOT_MEMORY },
	{ "register add", P32, { 0x01, 0xd8 }, 2, VLAPIC_DECODE_NOT_MEMORY },
	{ "C7 /1", P32, { 0xc7, 0x48, 0x10, IMM }, 7, VLAPIC_DECODE_UNSUPPORTED },
	{ "C6 /7 (XABORT)", P32, { 0xc6, 0xf8, 0x00 }, 3, VLAPIC_DECODE_UNSUPPORTED },
	{ "F7 /1", P32, { 0xf7, 0x0b, IMM }, 6, VLAPIC_DECODE_UNSUPPORTED },
	{ "mul", P32, { 0xf7, 0x23 }, 2, VLAPIC_DECODE_UNSUPPORTED },
	{ "call [m]", L64, { 0xff, 0x13 }, 2, VLAPIC_DECODE_UNSUPPORTED },
	{ "push [m]", P32, { 0xff, 0x33 }, 2, VLAPIC_DECODE_UNSUPPORTED },
	{ "FE /2", P32, { 0xfe, 0x13 }, 2, VLAPIC_DECODE_UNSUPPORTED },
	{ "arpl outside 64-bit mode", P32, { 0x63, 0x03 }, 2, VLAPIC_DECODE_UNSUPPORTED },
	{ "movnti", L64, { 0x0f, 0xc3, 0x03 }, 3, VLAPIC_DECODE_UNSUPPORTED },
	{ "bts", L64, { 0x0f, 0xab, 0x03 }, 3, VLAPIC_DECODE_UNSUPPORTED },
	{ "cmps", P32, { 0xa7, 0x03 }, 2, VLAPIC_DECODE_UNSUPPORTED },
	{ "scas", P32, { 0xf3, 0xaf }, 2, VLAPIC_DECODE_UNSUPPORTED },
	{ "push imm (not a memory form)", P32, { 0x68, IMM }, 5, VLAPIC_DECODE_UNSUPPORTED },
	{ "inc eax in 32-bit mode", P32, { 0x40, 0x8b, 0x03 }, 3, VLAPIC_DECODE_UNSUPPORTED },
	{ "VEX", L64, { 0xc5, 0xf9, 0x7e, 0x03 }, 4, VLAPIC_DECODE_UNSUPPORTED },
	{ "13 prefixes: 16 bytes", P32, { 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
					  0x3e, 0x3e, 0x3e, 0x3e, 0x8b, 0x43, 0x20 }, 16,
	  VLAPIC_DECODE_TOO_LONG },
	{ "15 prefixes", L64, { 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
				0x2e, 0x2e, 0x2e, 0x2e, 0x8b }, 16, VLAPIC_DECODE_TOO_LONG },
	{ "imm past 15 bytes", P32, { 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0xc7, 0x05, D32, IMM },
	  15, VLAPIC_DECODE_TOO_LONG },
	{ "nothing", P32, { 0 }, 0, VLAPIC_DECODE_TRUNCATED },
	{ "prefix only", P32, { 0x3e }, 1, VLAPIC_DECODE_TRUNCATED },
	{ "no SIB", P32, { 0x8b, 0x04 }, 2, VLAPIC_DECODE_TRUNCATED },
	{ "0F only", P32, { 0x0f }, 1, VLAPIC_DECODE_TRUNCATED },
	{ "short moffs", P32, { 0xa1, 0x80, 0x03 }, 3, VLAPIC_DECODE_TRUNCATED },
	{ "short moffs64", L64, { 0xa3, D32 }, 5, VLAPIC_DECODE_TRUNCATED },
	{ "short imm", P32, { 0xc7, 0x00, 0x78, 0x56 }, 4, VLAPIC_DECODE_TRUNCATED },
	{ "short imm16", P32, { 0x66, 0x81, 0x00, 0x78 }, 4, VLAPIC_DECODE_TRUNCATED },
	{ "short disp16", P32, { 0x67, 0x8b, 0x06, 0x80 }, 4, VLAPIC_DECODE_TRUNCATED },
	{ "real mode", (enum vlapic_cpu_mode)7, { 0x8b, 0x03 }, 2, VLAPIC_DECODE_BAD_MODE },
};

/*
 * The forms beyond the 32-bit MOV (issue 11, finding 6): operation, widths, register, the
 * immediate as the CPU extends it, and the prefixes' effect.
 */
struct form {
	const char *what;
	enum vlapic_cpu_mode mode;
	uint8_t bytes[VLAPIC_INSN_MAX];
	uint8_t n;
	enum vlapic_mmio_op op;
	uint8_t alu;
	uint8_t size, reg_size;
	bool write;
	int reg;			/* -1: an immediate */
	uint64_t imm;
	unsigned int flags;
};

#define F_SIGN	1u		/* sign_extend */
#define F_RDEST	2u		/* reg_dest */
#define F_HIGH	4u		/* high_byte */
#define F_LOCK	8u
#define F_REP	16u
#define F_A16	32u		/* addr_size 2 (else 4 in 32-bit mode, 8 in 64-bit mode) */
#define F_A32	64u		/* addr_size 4 in 64-bit mode */
#define F_FS	128u		/* seg FS (else DS) */

#define LD	VLAPIC_OP_LOAD
#define ST	VLAPIC_OP_STORE
#define XC	VLAPIC_OP_XCHG
#define AL	VLAPIC_OP_ALU

static const struct form forms[] = {
	{ "mov al,[eax]", P32, { 0x8a, 0x00 }, 2, LD, 0, 1, 1, false, 0, 0, 0 },
	{ "mov ah,[eax]", P32, { 0x8a, 0x20 }, 2, LD, 0, 1, 1, false, 4, 0, F_HIGH },
	{ "mov spl,[rax]", L64, { 0x40, 0x8a, 0x20 }, 3, LD, 0, 1, 1, false, 4, 0, 0 },
	{ "mov [eax],bh", P32, { 0x88, 0x38 }, 2, ST, 0, 1, 1, true, 7, 0, F_HIGH },
	{ "mov ax,[eax]", P32, { 0x66, 0x8b, 0x00 }, 3, LD, 0, 2, 2, false, 0, 0, 0 },
	{ "mov word [ebx],imm16", P32, { 0x66, 0xc7, 0x03, 0x34, 0x82 }, 5, ST, 0, 2, 2, true,
	  -1, 0xffffffffffff8234ull, 0 },
	{ "mov byte [ebx],imm8", P32, { 0xc6, 0x03, 0x80 }, 3, ST, 0, 1, 1, true, -1,
	  0xffffffffffffff80ull, 0 },
	{ "ds: 16-bit store", L64, { 0x3e, 0x66, 0x89, 0x03 }, 4, ST, 0, 2, 2, true, 0, 0, 0 },
	{ "mov al,[moffs32]", P32, { 0xa0, D32 }, 5, LD, 0, 1, 1, false, 0, 0, 0 },
	{ "mov [moffs32],al", P32, { 0xa2, D32 }, 5, ST, 0, 1, 1, true, 0, 0, 0 },
	{ "mov rax,[rbx]", L64, { 0x48, 0x8b, 0x03 }, 3, LD, 0, 8, 8, false, 0, 0, 0 },
	{ "mov [rbx],r8", L64, { 0x4c, 0x89, 0x03 }, 3, ST, 0, 8, 8, true, 8, 0, 0 },
	{ "mov qword [rbx],imm32", L64, { 0x48, 0xc7, 0x03, 0x00, 0x00, 0x00, 0x80 }, 7, ST, 0,
	  8, 8, true, -1, 0xffffffff80000000ull, 0 },
	{ "mov rax,[moffs64]", L64, { 0x48, 0xa1, D32, 0, 0, 0, 0 }, 10, LD, 0, 8, 8, false, 0,
	  0, 0 },
	{ "mov eax,[bp+di] (0x67)", P32, { 0x67, 0x8b, 0x03 }, 3, LD, 0, 4, 4, false, 0, 0,
	  F_A16 },
	{ "mov eax,[disp16] (0x67)", P32, { 0x67, 0x8b, 0x06, 0x80, 0x03 }, 5, LD, 0, 4, 4,
	  false, 0, 0, F_A16 },
	{ "mov eax,[si+disp16] (0x67)", P32, { 0x67, 0x8b, 0x84, 0x80, 0x03 }, 5, LD, 0, 4, 4,
	  false, 0, 0, F_A16 },
	{ "mov eax,[ebx] (0x67, 64-bit)", L64, { 0x67, 0x8b, 0x03 }, 3, LD, 0, 4, 4, false, 0,
	  0, F_A32 },
	{ "movzx eax,byte [ebx]", P32, { 0x0f, 0xb6, 0x03 }, 3, LD, 0, 1, 4, false, 0, 0, 0 },
	{ "movzx ecx,word [ebx]", P32, { 0x0f, 0xb7, 0x0b }, 3, LD, 0, 2, 4, false, 1, 0, 0 },
	{ "movzx ax,byte [ebx]", P32, { 0x66, 0x0f, 0xb6, 0x03 }, 4, LD, 0, 1, 2, false, 0, 0,
	  0 },
	{ "movsx r9,word [rbx]", L64, { 0x4c, 0x0f, 0xbf, 0x0b }, 4, LD, 0, 2, 8, false, 9, 0,
	  F_SIGN },
	{ "movsx esp,byte [ebx] (no AH)", P32, { 0x0f, 0xbe, 0x23 }, 3, LD, 0, 1, 4, false, 4, 0,
	  F_SIGN },
	{ "movsxd rax,[rbx]", L64, { 0x48, 0x63, 0x03 }, 3, LD, 0, 4, 8, false, 0, 0, F_SIGN },
	{ "xchg [ebx],eax", P32, { 0x87, 0x03 }, 2, XC, 0, 4, 4, true, 0, 0, 0 },
	{ "lock xchg [ebx],cl", P32, { 0xf0, 0x86, 0x0b }, 3, XC, 0, 1, 1, true, 1, 0, F_LOCK },
	{ "add [ebx],eax", P32, { 0x01, 0x03 }, 2, AL, VLAPIC_ALU_ADD, 4, 4, true, 0, 0, 0 },
	{ "or [ebx],eax", P32, { 0x09, 0x03 }, 2, AL, VLAPIC_ALU_OR, 4, 4, true, 0, 0, 0 },
	{ "lock or [ebx],edx", P32, { 0xf0, 0x09, 0x13 }, 3, AL, VLAPIC_ALU_OR, 4, 4, true, 2, 0,
	  F_LOCK },
	{ "adc [ebx],al", P32, { 0x10, 0x03 }, 2, AL, VLAPIC_ALU_ADC, 1, 1, true, 0, 0, 0 },
	{ "sbb [ebx],ax", P32, { 0x66, 0x19, 0x03 }, 3, AL, VLAPIC_ALU_SBB, 2, 2, true, 0, 0, 0 },
	{ "and ecx,[ebx]", P32, { 0x23, 0x0b }, 2, AL, VLAPIC_ALU_AND, 4, 4, false, 1, 0,
	  F_RDEST },
	{ "sub al,[ebx]", P32, { 0x2a, 0x03 }, 2, AL, VLAPIC_ALU_SUB, 1, 1, false, 0, 0,
	  F_RDEST },
	{ "xor [rbx],r10", L64, { 0x4c, 0x31, 0x13 }, 3, AL, VLAPIC_ALU_XOR, 8, 8, true, 10, 0,
	  0 },
	{ "cmp [ebx],eax", P32, { 0x39, 0x03 }, 2, AL, VLAPIC_ALU_CMP, 4, 4, false, 0, 0, 0 },
	{ "cmp eax,[ebx]", P32, { 0x3b, 0x03 }, 2, AL, VLAPIC_ALU_CMP, 4, 4, false, 0, 0,
	  F_RDEST },
	{ "and dword [disp32],imm32", P32, { 0x81, 0x25, D32, IMM }, 10, AL, VLAPIC_ALU_AND, 4,
	  4, true, -1, 0x12345678, 0 },
	{ "lock or dword [ebx],imm8", P32, { 0xf0, 0x83, 0x0b, 0xff }, 4, AL, VLAPIC_ALU_OR, 4,
	  4, true, -1, ~0ull, F_LOCK },
	{ "or qword [rbx],imm8", L64, { 0x48, 0x83, 0x0b, 0x10 }, 4, AL, VLAPIC_ALU_OR, 8, 8,
	  true, -1, 0x10, 0 },
	{ "sub word [ebx],imm16", P32, { 0x66, 0x81, 0x2b, 0x34, 0x12 }, 5, AL, VLAPIC_ALU_SUB,
	  2, 2, true, -1, 0x1234, 0 },
	{ "cmp byte [ebx],imm8", P32, { 0x80, 0x3b, 0x7f }, 3, AL, VLAPIC_ALU_CMP, 1, 1, false,
	  -1, 0x7f, 0 },
	{ "test [ebx],esi", P32, { 0x85, 0x33 }, 2, AL, VLAPIC_ALU_TEST, 4, 4, false, 6, 0, 0 },
	{ "test dword [ebx],imm32", P32, { 0xf7, 0x03, IMM }, 6, AL, VLAPIC_ALU_TEST, 4, 4,
	  false, -1, 0x12345678, 0 },
	{ "test byte [ebx],imm8", P32, { 0xf6, 0x03, 0x01 }, 3, AL, VLAPIC_ALU_TEST, 1, 1,
	  false, -1, 1, 0 },
	{ "not dword [ebx]", P32, { 0xf7, 0x13 }, 2, AL, VLAPIC_ALU_NOT, 4, 4, true, 0, 0, 0 },
	{ "lock neg byte [ebx]", P32, { 0xf0, 0xf6, 0x1b }, 3, AL, VLAPIC_ALU_NEG, 1, 1, true, 0,
	  0, F_LOCK },
	{ "inc dword [ebx]", P32, { 0xff, 0x03 }, 2, AL, VLAPIC_ALU_INC, 4, 4, true, 0, 0, 0 },
	{ "lock dec word [ebx]", P32, { 0xf0, 0x66, 0xff, 0x0b }, 4, AL, VLAPIC_ALU_DEC, 2, 2,
	  true, 0, 0, F_LOCK },
	{ "inc byte [ebx]", P32, { 0xfe, 0x03 }, 2, AL, VLAPIC_ALU_INC, 1, 1, true, 0, 0, 0 },
	{ "movsb", P32, { 0xa4 }, 1, VLAPIC_OP_MOVS, 0, 1, 1, true, 0, 0, 0 },
	{ "rep movsd", P32, { 0xf3, 0xa5 }, 2, VLAPIC_OP_MOVS, 0, 4, 4, true, 0, 0, F_REP },
	{ "fs: rep movsw (0x67)", P32, { 0x64, 0x67, 0x66, 0xf3, 0xa5 }, 5, VLAPIC_OP_MOVS, 0, 2,
	  2, true, 0, 0, F_REP | F_A16 | F_FS },
	{ "rep movsq", L64, { 0xf3, 0x48, 0xa5 }, 3, VLAPIC_OP_MOVS, 0, 8, 8, true, 0, 0,
	  F_REP },
	{ "rep stosb", P32, { 0xf3, 0xaa }, 2, VLAPIC_OP_STOS, 0, 1, 1, true, 0, 0, F_REP },
	{ "repne stosd (acts as rep)", L64, { 0xf2, 0xab }, 2, VLAPIC_OP_STOS, 0, 4, 4, true, 0,
	  0, F_REP },
	{ "rep stosd (0x67, 64-bit)", L64, { 0x67, 0xf3, 0xab }, 3, VLAPIC_OP_STOS, 0, 4, 4, true,
	  0, 0, F_REP | F_A32 },
	{ "lodsd", P32, { 0xad }, 1, VLAPIC_OP_LODS, 0, 4, 4, false, 0, 0, 0 },
};

static void more_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		const struct form *g = &forms[i];
		struct vlapic_mmio_insn d;
		uint8_t buf[VLAPIC_INSN_MAX];
		unsigned int asz = g->flags & F_A16 ? 2 : g->flags & F_A32 ? 4 :
				   g->mode == L64 ? 8 : 4;

		memset(buf, 0x90, sizeof(buf));
		memcpy(buf, g->bytes, g->n);
		expect(g->what, buf, sizeof(buf), g->mode, VLAPIC_DECODE_OK, &d);
		if (d.len != g->n || d.op != g->op || d.size != g->size ||
		    d.reg_size != g->reg_size || d.write != g->write ||
		    d.has_imm != (g->reg < 0) || (g->reg < 0 ? d.imm != g->imm : d.reg != g->reg) ||
		    d.sign_extend != !!(g->flags & F_SIGN) || d.reg_dest != !!(g->flags & F_RDEST) ||
		    d.high_byte != !!(g->flags & F_HIGH) || d.lock != !!(g->flags & F_LOCK) ||
		    d.rep != !!(g->flags & F_REP) || d.addr_size != asz ||
		    d.seg != (g->flags & F_FS ? VLAPIC_SEG_FS : VLAPIC_SEG_DS) ||
		    (g->op == AL && d.alu != g->alu))
			fail_msg("%s: len %u op %u alu %u size %u/%u write %d imm %d/%#llx reg %u "
				 "sign %d rdest %d high %d lock %d rep %d asz %u seg %u", g->what,
				 d.len, d.op, d.alu, d.size, d.reg_size, d.write, d.has_imm,
				 (unsigned long long)d.imm, d.reg, d.sign_extend, d.reg_dest,
				 d.high_byte, d.lock, d.rep, d.addr_size, d.seg);
		expect(g->what, g->bytes, g->n - 1, g->mode, VLAPIC_DECODE_TRUNCATED, &d);
	}
}

static void refused_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct vlapic_mmio_insn insn, untouched;

		memset(&insn, 0xaa, sizeof(insn));
		untouched = insn;
		expect(bads[i].what, bads[i].bytes, bads[i].n, bads[i].mode, bads[i].err, &insn);
		assert_memory_equal(&insn, &untouched, sizeof(insn));
	}
}

static void error_sentences(void **state)
{
	const char *seen[VLAPIC_DECODE_UNSUPPORTED + 1];

	(void)state;
	for (int e = VLAPIC_DECODE_OK; e <= VLAPIC_DECODE_UNSUPPORTED; e++) {
		seen[e] = vlapic_mmio_decode_strerror(e);
		assert_non_null(seen[e]);
		assert_true(strlen(seen[e]) > 5);
		for (int o = 0; o < e; o++)
			assert_string_not_equal(seen[e], seen[o]);
	}
	assert_string_equal(vlapic_mmio_decode_strerror(99), "unknown decoder error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(supported_forms),
		cmocka_unit_test(more_forms),
		cmocka_unit_test(refused_forms),
		cmocka_unit_test(error_sentences),
	};

	return cmocka_run_group_tests_name("vlapic_decode", tests, NULL, NULL);
}
