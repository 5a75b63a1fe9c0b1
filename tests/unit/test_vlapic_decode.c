/* SPDX-License-Identifier: MIT */
/* The APIC-access instruction decoder: every supported form, and the refusals. */
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
	{ "16-bit load", P32, { 0x66, 0x8b, 0x03 }, 3, VLAPIC_DECODE_OPERAND_SIZE },
	{ "16-bit store imm", P32, { 0x66, 0xc7, 0x03, 0x34, 0x12 }, 5,
	  VLAPIC_DECODE_OPERAND_SIZE },
	{ "16-bit after a segment", L64, { 0x3e, 0x66, 0x89, 0x03 }, 4,
	  VLAPIC_DECODE_OPERAND_SIZE },
	{ "8-bit load", P32, { 0x8a, 0x03 }, 2, VLAPIC_DECODE_OPERAND_SIZE },
	{ "8-bit store", P32, { 0x88, 0x03 }, 2, VLAPIC_DECODE_OPERAND_SIZE },
	{ "8-bit store imm", P32, { 0xc6, 0x03, 0x12 }, 3, VLAPIC_DECODE_OPERAND_SIZE },
	{ "8-bit moffs load", P32, { 0xa0, D32 }, 5, VLAPIC_DECODE_OPERAND_SIZE },
	{ "8-bit moffs store", P32, { 0xa2, D32 }, 5, VLAPIC_DECODE_OPERAND_SIZE },
	{ "64-bit load", L64, { 0x48, 0x8b, 0x03 }, 3, VLAPIC_DECODE_OPERAND_SIZE },
	{ "64-bit store", L64, { 0x4c, 0x89, 0x03 }, 3, VLAPIC_DECODE_OPERAND_SIZE },
	{ "64-bit store imm", L64, { 0x48, 0xc7, 0x03, IMM }, 7, VLAPIC_DECODE_OPERAND_SIZE },
	{ "64-bit moffs", L64, { 0x48, 0xa1, D32, 0, 0, 0, 0 }, 10, VLAPIC_DECODE_OPERAND_SIZE },
	{ "lock", P32, { 0xf0, 0x89, 0x03 }, 3, VLAPIC_DECODE_LOCK },
	{ "rep movsd", P32, { 0xf3, 0xa5 }, 2, VLAPIC_DECODE_REP },
	{ "repne", L64, { 0xf2, 0x8b, 0x03 }, 3, VLAPIC_DECODE_REP },
	{ "address size", P32, { 0x67, 0x8b, 0x03 }, 3, VLAPIC_DECODE_ADDRESS_SIZE },
	{ "register operand", P32, { 0x8b, 0xc3 }, 2, VLAPIC_DECODE_NOT_MEMORY },
	{ "register imm", L64, { 0xc7, 0xc0, IMM }, 6, VLAPIC_DECODE_NOT_MEMORY },
	{ "C7 /1", P32, { 0xc7, 0x48, 0x10, IMM }, 7, VLAPIC_DECODE_UNSUPPORTED },
	{ "movzx", P32, { 0x0f, 0xb6, 0x03 }, 3, VLAPIC_DECODE_UNSUPPORTED },
	{ "movnti", L64, { 0x0f, 0xc3, 0x03 }, 3, VLAPIC_DECODE_UNSUPPORTED },
	{ "xchg", P32, { 0x87, 0x03 }, 2, VLAPIC_DECODE_UNSUPPORTED },
	{ "or", P32, { 0x09, 0x03 }, 2, VLAPIC_DECODE_UNSUPPORTED },
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
	{ "short moffs", P32, { 0xa1, 0x80, 0x03 }, 3, VLAPIC_DECODE_TRUNCATED },
	{ "short moffs64", L64, { 0xa3, D32 }, 5, VLAPIC_DECODE_TRUNCATED },
	{ "short imm", P32, { 0xc7, 0x00, 0x78, 0x56 }, 4, VLAPIC_DECODE_TRUNCATED },
	{ "real mode", (enum vlapic_cpu_mode)7, { 0x8b, 0x03 }, 2, VLAPIC_DECODE_BAD_MODE },
};

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
		cmocka_unit_test(refused_forms),
		cmocka_unit_test(error_sentences),
	};

	return cmocka_run_group_tests_name("vlapic_decode", tests, NULL, NULL);
}
