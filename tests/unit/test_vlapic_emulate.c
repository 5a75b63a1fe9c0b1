/* SPDX-License-Identifier: MIT */
/*
 * The xAPIC accesses beyond a 32-bit MOV (issue 11, finding 6), decoded and executed as
 * vmx/apic_mmio.c does it, against the vLAPIC on the fake TSC: byte lanes of registers, dropped
 * sub-dword writes, MOVZX/MOVSX, XCHG, read-modify-write with its flags, and MOVS/STOS/LODS with
 * REP, the direction flag and the address size, between the APIC page and RAM.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/vlapic_fake_env.h"
#include "vlapic/mmio_emulate.h"

#define SVR		0xf0
#define LVT0		0x350
#define APIC_LA		0x10000ull	/* the linear address of the APIC page in these tests */
#define RAM_LA		0x20000ull	/* and of some RAM */
#define RAM_SIZE	0x3000u

#define RAX 0
#define RCX 1
#define RDX 2
#define RBX 3
#define RSI 6
#define RDI 7

struct machine {
	struct fake_env *f;
	uint32_t offset;		/* the operand that exited */
	uint8_t ram[RAM_SIZE];
	struct vlapic_emul_cpu cpu;
	unsigned int linear_calls;
};

static uint64_t op_read(void *ctx, unsigned int size)
{
	struct machine *m = ctx;

	return vlapic_mmio_read_bytes(&m->f->v, m->offset, size);
}

static void op_write(void *ctx, unsigned int size, uint64_t val)
{
	struct machine *m = ctx;

	vlapic_mmio_write_bytes(&m->f->v, m->offset, size, val);
}

static bool lin(struct machine *m, uint64_t la, unsigned int size, bool write, uint64_t *val)
{
	m->linear_calls++;
	if (la >= APIC_LA && la + size <= APIC_LA + 0x1000) {
		if (write)
			vlapic_mmio_write_bytes(&m->f->v, (uint32_t)(la - APIC_LA), size, *val);
		else
			*val = vlapic_mmio_read_bytes(&m->f->v, (uint32_t)(la - APIC_LA), size);
		return true;
	}
	if (la < RAM_LA || la + size > RAM_LA + RAM_SIZE)
		return false;
	if (write)
		memcpy(m->ram + (la - RAM_LA), val, size);
	else {
		*val = 0;
		memcpy(val, m->ram + (la - RAM_LA), size);
	}
	return true;
}

static bool lin_read(void *ctx, uint64_t la, unsigned int size, uint64_t *val)
{
	return lin(ctx, la, size, false, val);
}

static bool lin_write(void *ctx, uint64_t la, unsigned int size, uint64_t val)
{
	return lin(ctx, la, size, true, &val);
}

static const struct vlapic_emul_ops ops = { op_read, op_write, lin_read, lin_write };

static struct machine *machine_new(void)
{
	struct machine *m = calloc(1, sizeof(*m));

	m->f = fake_new_enabled();
	m->cpu.rflags = 0x2;
	return m;
}

static void machine_free(struct machine *m)
{
	fake_free(m->f);
	free(m);
}

/* Decodes `bytes` (64-bit mode unless p32) and executes it with the operand at `offset`. */
static enum vlapic_emul_result run(struct machine *m, bool p32, uint32_t offset,
				   const uint8_t *bytes, size_t n)
{
	struct vlapic_mmio_insn insn;

	assert_int_equal(vlapic_mmio_decode(bytes, n, p32 ? VLAPIC_CPU_PROT32 :
					    VLAPIC_CPU_LONG64, &insn), VLAPIC_DECODE_OK);
	m->offset = offset;
	return vlapic_mmio_emulate(&insn, &m->cpu, &ops, m);
}

#define RUN(m, p32, off, ...) ({						\
	static const uint8_t b_[] = { __VA_ARGS__ };				\
	run(m, p32, off, b_, sizeof(b_));					\
})

/* Reads of 1, 2, 4 and 8 bytes anywhere in a register's 16-byte slot: its byte lanes, then 0 */
static void byte_lanes(void **state)
{
	struct machine *m = machine_new();
	struct vlapic *v = &m->f->v;

	(void)state;
	fake_write(m->f, SVR, 0x1ab);
	assert_int_equal(vlapic_mmio_read_bytes(v, SVR, 1), 0xab);
	assert_int_equal(vlapic_mmio_read_bytes(v, SVR + 1, 1), 0x01);
	assert_int_equal(vlapic_mmio_read_bytes(v, SVR, 2), 0x1ab);
	assert_int_equal(vlapic_mmio_read_bytes(v, SVR + 1, 2), 0x01);
	assert_int_equal(vlapic_mmio_read_bytes(v, SVR + 2, 4), 0);
	assert_int_equal(vlapic_mmio_read_bytes(v, SVR, 8), 0x1ab);
	assert_int_equal(vlapic_mmio_read_bytes(v, SVR + 4, 4), 0);
	assert_int_equal(vlapic_mmio_read_bytes(v, 0x30, 1), fake_read(m->f, 0x30) & 0xff);
	/* the last byte of the page: nothing beyond it */
	assert_int_equal(vlapic_mmio_read_bytes(v, 0xfff, 8), 0);
	machine_free(m);
}

/* KVM drops APIC writes that are not 32 bits at a register's offset: so does the vLAPIC */
static void sub_dword_writes_dropped(void **state)
{
	struct machine *m = machine_new();
	struct vlapic *v = &m->f->v;
	unsigned int logs = m->f->log_calls;

	(void)state;
	fake_write(m->f, SVR, 0x1ff);
	vlapic_mmio_write_bytes(v, SVR, 1, 0x00);
	vlapic_mmio_write_bytes(v, SVR, 2, 0x0000);
	vlapic_mmio_write_bytes(v, SVR, 8, 0x0);
	vlapic_mmio_write_bytes(v, SVR + 4, 4, 0x0);
	assert_int_equal(fake_read(m->f, SVR), 0x1ff);
	assert_int_equal(m->f->log_calls, logs + 4);
	assert_non_null(strstr(m->f->log_last, "dropped"));
	vlapic_mmio_write_bytes(v, SVR, 4, 0x1fe);
	assert_int_equal(fake_read(m->f, SVR), 0x1fe);
	machine_free(m);
}

/*
 * With APIC-register virtualization the CPU merges a byte write into the page and exits with
 * the byte's offset: the register takes the merged value (it logged an ERROR before)
 */
static void apic_write_exit_of_a_byte(void **state)
{
	struct machine *m = machine_new();
	unsigned int logs;

	(void)state;
	fake_write(m->f, 0xd0, 0x01000000);			/* LDR */
	logs = m->f->log_calls;
	m->f->page[0xd0 / 4] = 0x07000000;			/* the CPU stored byte 3 */
	vlapic_apic_write(&m->f->v, 0xd3);
	assert_int_equal(fake_read(m->f, 0xd0), 0x07000000);
	assert_int_equal(m->f->log_calls, logs);
	m->f->page[0xd0 / 4] = 0x07000012;			/* bits 23:0 are reserved */
	vlapic_apic_write(&m->f->v, 0xd0);
	assert_int_equal(fake_read(m->f, 0xd0), 0x07000000);
	machine_free(m);
}

/* MOV of every width, MOVZX/MOVSX, XCHG on a register */
static void loads_stores_xchg(void **state)
{
	struct machine *m = machine_new();

	(void)state;
	fake_write(m->f, SVR, 0x1f0);
	m->cpu.gpr[RAX] = ~0ull;
	assert_int_equal(RUN(m, true, SVR, 0x8a, 0x03), VLAPIC_EMUL_NEXT);	/* mov al,[ebx] */
	assert_int_equal(m->cpu.gpr[RAX], 0xfffffffffffffff0ull);
	assert_int_equal(RUN(m, true, SVR, 0x8a, 0x23), VLAPIC_EMUL_NEXT);	/* mov ah,[ebx] */
	assert_int_equal(m->cpu.gpr[RAX], 0xfffffffffffff0f0ull);
	RUN(m, false, SVR, 0x0f, 0xb6, 0x0b);		/* movzx ecx,byte [rbx] */
	assert_int_equal(m->cpu.gpr[RCX], 0xf0);
	RUN(m, false, SVR, 0x48, 0x0f, 0xbe, 0x0b);	/* movsx rcx,byte [rbx] */
	assert_int_equal(m->cpu.gpr[RCX], 0xfffffffffffffff0ull);
	RUN(m, false, SVR, 0x0f, 0xb7, 0x13);		/* movzx edx,word [rbx] */
	assert_int_equal(m->cpu.gpr[RDX], 0x1f0);
	m->cpu.gpr[RDX] = 0x1234567800000000ull;
	RUN(m, false, SVR, 0x8b, 0x13);			/* mov edx,[rbx]: zero-extends */
	assert_int_equal(m->cpu.gpr[RDX], 0x1f0);
	RUN(m, false, SVR, 0x48, 0x8b, 0x13);		/* mov rdx,[rbx]: 8 bytes, 0 above */
	assert_int_equal(m->cpu.gpr[RDX], 0x1f0);
	m->cpu.gpr[RAX] = 0x1ff;
	RUN(m, true, SVR, 0x87, 0x03);			/* xchg [ebx],eax */
	assert_int_equal(m->cpu.gpr[RAX], 0x1f0);
	assert_int_equal(fake_read(m->f, SVR), 0x1ff);
	RUN(m, true, SVR, 0xc7, 0x03, 0xf1, 0x01, 0, 0);	/* mov dword [ebx],0x1f1 */
	assert_int_equal(fake_read(m->f, SVR), 0x1f1);
	RUN(m, true, SVR, 0xc6, 0x03, 0x00);		/* mov byte [ebx],0: dropped */
	assert_int_equal(fake_read(m->f, SVR), 0x1f1);
	machine_free(m);
}

/* Read-modify-write forms on a register, and their flags */
static void read_modify_write(void **state)
{
	struct machine *m = machine_new();

	(void)state;
	fake_write(m->f, LVT0, 0x10000);			/* masked */
	RUN(m, true, LVT0, 0x81, 0x23, 0xff, 0xff, 0xfe, 0xff);	/* and dword [ebx],~0x10000 */
	assert_int_equal(fake_read(m->f, LVT0), 0);
	assert_true(m->cpu.rflags & VLAPIC_FLAG_ZF);
	RUN(m, true, LVT0, 0xf0, 0x83, 0x0b, 0x30);		/* lock or dword [ebx],0x30 */
	assert_int_equal(fake_read(m->f, LVT0), 0x30);
	assert_false(m->cpu.rflags & (VLAPIC_FLAG_ZF | VLAPIC_FLAG_CF));
	RUN(m, true, LVT0, 0xff, 0x03);				/* inc dword [ebx] */
	assert_int_equal(fake_read(m->f, LVT0), 0x31);
	m->cpu.gpr[RAX] = 0x1;
	RUN(m, true, LVT0, 0x29, 0x03);				/* sub [ebx],eax */
	assert_int_equal(fake_read(m->f, LVT0), 0x30);
	RUN(m, true, LVT0, 0xf7, 0x03, 0x00, 0x00, 0x01, 0x00);	/* test dword [ebx],0x10000 */
	assert_true(m->cpu.rflags & VLAPIC_FLAG_ZF);
	m->cpu.gpr[RAX] = 0x31;
	RUN(m, true, LVT0, 0x3b, 0x03);				/* cmp eax,[ebx] */
	assert_false(m->cpu.rflags & (VLAPIC_FLAG_ZF | VLAPIC_FLAG_CF));
	assert_int_equal(m->cpu.gpr[RAX], 0x31);
	RUN(m, true, LVT0, 0x0b, 0x03);				/* or eax,[ebx] */
	assert_int_equal(m->cpu.gpr[RAX], 0x31);
	RUN(m, true, LVT0, 0xf7, 0x13);				/* not dword [ebx] */
	assert_int_equal(fake_read(m->f, LVT0) & 0x10000, 0x10000);	/* masked again */
	RUN(m, true, LVT0, 0xfe, 0x03);				/* inc byte [ebx]: dropped */
	assert_int_equal(fake_read(m->f, LVT0) & 0xff, 0xcf);
	machine_free(m);
}

/* The flags of each operation, on 8-, 16- and 32-bit values in RAM-free operands */
static uint64_t mem_val;

static uint64_t mem_read(void *ctx, unsigned int size)
{
	(void)ctx, (void)size;
	return mem_val;
}

static void mem_write(void *ctx, unsigned int size, uint64_t val)
{
	(void)ctx, (void)size;
	mem_val = val;
}

struct flag_case {
	const char *what;
	uint8_t bytes[4];
	uint8_t n;
	uint64_t mem, rax, cf_in;
	uint64_t result;		/* memory afterwards */
	uint64_t flags;			/* CF PF AF ZF SF OF afterwards */
};

#define CF VLAPIC_FLAG_CF
#define PF VLAPIC_FLAG_PF
#define AF VLAPIC_FLAG_AF
#define ZF VLAPIC_FLAG_ZF
#define SF VLAPIC_FLAG_SF
#define OF VLAPIC_FLAG_OF

static const struct flag_case flag_cases[] = {
	{ "add 0x7f+1 byte", { 0x00, 0x03 }, 2, 0x7f, 1, 0, 0x80, SF | OF | AF },
	{ "add 0xff+1 byte", { 0x00, 0x03 }, 2, 0xff, 1, 0, 0x00, CF | ZF | PF | AF },
	{ "adc 0xfffe+1+CF word", { 0x66, 0x11, 0x03 }, 3, 0xfffe, 1, CF, 0, CF | ZF | PF | AF },
	{ "sub 0-1 dword", { 0x29, 0x03 }, 2, 0, 1, 0, 0xffffffff, CF | SF | PF | AF },
	{ "sub 0x80000000-1 dword", { 0x29, 0x03 }, 2, 0x80000000, 1, 0, 0x7fffffff,
	  OF | AF | PF },
	{ "sbb 5-4-CF dword", { 0x19, 0x03 }, 2, 5, 4, CF, 0, ZF | PF },
	{ "cmp 3,3 leaves memory", { 0x39, 0x03 }, 2, 3, 3, 0, 3, ZF | PF },
	{ "xor clears CF OF", { 0x31, 0x03 }, 2, 0x0f, 0x0f, CF, 0, ZF | PF },
	{ "or sets SF", { 0x09, 0x03 }, 2, 0x80000000, 0, 0, 0x80000000, SF | PF },
	{ "and parity odd", { 0x21, 0x03 }, 2, 0x07, 0xff, 0, 0x07, 0 },
	{ "inc keeps CF", { 0xff, 0x03 }, 2, 0xffffffff, 0, CF, 0, CF | ZF | PF | AF },
	{ "dec 0x80 byte: OF", { 0xfe, 0x0b }, 2, 0x80, 0, 0, 0x7f, OF | AF },
	{ "neg 0: CF clear", { 0xf7, 0x1b }, 2, 0, 0, CF, 0, ZF | PF },
	{ "neg 1", { 0xf7, 0x1b }, 2, 1, 0, 0, 0xffffffff, CF | SF | PF | AF },
	{ "not keeps flags", { 0xf7, 0x13 }, 2, 0x0f0f0f0f, 0, CF | ZF, 0xf0f0f0f0, CF | ZF },
};

static void alu_flags(void **state)
{
	static const struct vlapic_emul_ops mops = { mem_read, mem_write, NULL, NULL };

	(void)state;
	for (size_t i = 0; i < sizeof(flag_cases) / sizeof(flag_cases[0]); i++) {
		const struct flag_case *c = &flag_cases[i];
		struct vlapic_emul_cpu cpu = { .rflags = 0x2 | c->cf_in };
		struct vlapic_mmio_insn insn;

		assert_int_equal(vlapic_mmio_decode(c->bytes, c->n, VLAPIC_CPU_PROT32, &insn),
				 VLAPIC_DECODE_OK);
		mem_val = c->mem;
		cpu.gpr[RAX] = c->rax;
		vlapic_mmio_emulate(&insn, &cpu, &mops, NULL);
		if (mem_val != c->result || (cpu.rflags & VLAPIC_FLAGS_ARITH) != c->flags ||
		    !(cpu.rflags & 0x2))
			fail_msg("%s: memory %#llx flags %#llx, want %#llx flags %#llx", c->what,
				 (unsigned long long)mem_val,
				 (unsigned long long)(cpu.rflags & VLAPIC_FLAGS_ARITH),
				 (unsigned long long)c->result, (unsigned long long)c->flags);
	}
}

/* memset() of the APIC page: REP STOSB, REP STOSD; a disabled APIC's page too */
static void rep_stos(void **state)
{
	struct machine *m = machine_new();

	(void)state;
	fake_write(m->f, SVR, 0x1ff);
	m->cpu.gpr[RAX] = 0;
	m->cpu.gpr[RDI] = APIC_LA;
	m->cpu.gpr[RCX] = 0x1000;
	/* 4096 bytes: the budget, then the rest when the guest executes it again */
	assert_int_equal(RUN(m, false, 0, 0xf3, 0xaa), VLAPIC_EMUL_AGAIN);
	assert_int_equal(m->cpu.gpr[RCX], 0x1000 - VLAPIC_EMUL_REP_BUDGET);
	assert_int_equal(m->cpu.gpr[RDI], APIC_LA + VLAPIC_EMUL_REP_BUDGET);
	while (RUN(m, false, 0, 0xf3, 0xaa) == VLAPIC_EMUL_AGAIN)
		;
	assert_int_equal(m->cpu.gpr[RCX], 0);
	assert_int_equal(m->cpu.gpr[RDI], APIC_LA + 0x1000);
	assert_int_equal(fake_read(m->f, SVR), 0x1ff);		/* byte writes dropped */
	/* REP STOSD of zeroes: SVR 0 software-disables it */
	m->cpu.gpr[RDI] = APIC_LA + SVR;
	m->cpu.gpr[RCX] = 4;
	assert_int_equal(RUN(m, false, SVR, 0xf3, 0xab), VLAPIC_EMUL_NEXT);
	assert_int_equal(fake_read(m->f, SVR), 0);
	assert_int_equal(m->cpu.gpr[RDI], APIC_LA + SVR + 16);
	/* the APIC globally disabled: the page takes anything, the guest goes on */
	fake_wrmsr(m->f, MSR_IA32_APIC_BASE, APIC_BASE_DEFAULT | APIC_BASE_BSP);
	m->cpu.gpr[RDI] = APIC_LA;
	m->cpu.gpr[RCX] = 0x400;
	m->cpu.gpr[RAX] = 0x12345678;
	while (RUN(m, true, 0, 0xf3, 0xab) == VLAPIC_EMUL_AGAIN)
		;
	assert_int_equal(m->cpu.gpr[RCX], 0);
	/* RCX = 0: nothing at all */
	m->cpu.gpr[RDI] = RAM_LA;
	assert_int_equal(RUN(m, false, 0, 0xf3, 0xaa), VLAPIC_EMUL_NEXT);
	assert_int_equal(m->cpu.gpr[RDI], RAM_LA);
	machine_free(m);
}

/* MOVS between the APIC page and RAM, both ways, DF and a 16-bit address size */
static void movs_and_lods(void **state)
{
	struct machine *m = machine_new();
	uint32_t word;

	(void)state;
	fake_write(m->f, SVR, 0x1a5);
	fake_write(m->f, LVT0, 0x10700);
	/* rep movsd from the page into RAM: 0x360 bytes = the registers up to LVT0 */
	m->cpu.gpr[RSI] = APIC_LA;
	m->cpu.gpr[RDI] = RAM_LA;
	m->cpu.gpr[RCX] = 0x360 / 4;
	assert_int_equal(RUN(m, false, 0, 0xf3, 0xa5), VLAPIC_EMUL_NEXT);
	memcpy(&word, m->ram + SVR, 4);
	assert_int_equal(word, 0x1a5);
	memcpy(&word, m->ram + LVT0, 4);
	assert_int_equal(word, 0x10700);
	memcpy(&word, m->ram + SVR + 4, 4);
	assert_int_equal(word, 0);
	assert_int_equal(m->cpu.gpr[RSI], APIC_LA + 0x360);
	/* movsd from RAM into the page, backwards (DF = 1): one element, then the step */
	word = 0x1ee;
	memcpy(m->ram + 0x100, &word, 4);
	m->cpu.rflags |= VLAPIC_FLAG_DF;
	m->cpu.gpr[RSI] = RAM_LA + 0x100;
	m->cpu.gpr[RDI] = APIC_LA + SVR;
	assert_int_equal(RUN(m, false, SVR, 0xa5), VLAPIC_EMUL_NEXT);
	assert_int_equal(fake_read(m->f, SVR), 0x1ee);
	assert_int_equal(m->cpu.gpr[RSI], RAM_LA + 0x100 - 4);
	assert_int_equal(m->cpu.gpr[RDI], APIC_LA + SVR - 4);
	m->cpu.rflags &= ~VLAPIC_FLAG_DF;
	/* lodsb with 0x67 in 32-bit code: SI wraps at 64 KiB, the rest of ESI stays */
	m->cpu.gpr[RSI] = 0xabcdffff;
	m->cpu.seg_base[VLAPIC_SEG_DS] = APIC_LA + SVR - 0xffff;
	assert_int_equal(RUN(m, true, SVR, 0x67, 0xac), VLAPIC_EMUL_NEXT);
	assert_int_equal(m->cpu.gpr[RAX] & 0xff, 0xee);
	assert_int_equal(m->cpu.gpr[RSI], 0xabcd0000);
	/* a string operand nowhere: a fault, nothing changed */
	m->cpu.seg_base[VLAPIC_SEG_DS] = 0;
	m->cpu.gpr[RSI] = 0x900000;
	assert_int_equal(RUN(m, false, 0, 0xad), VLAPIC_EMUL_FAULT);
	assert_int_equal(m->cpu.gpr[RSI], 0x900000);
	machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(byte_lanes),
		cmocka_unit_test(sub_dword_writes_dropped),
		cmocka_unit_test(apic_write_exit_of_a_byte),
		cmocka_unit_test(loads_stores_xchg),
		cmocka_unit_test(read_modify_write),
		cmocka_unit_test(alu_flags),
		cmocka_unit_test(rep_stos),
		cmocka_unit_test(movs_and_lods),
	};

	return cmocka_run_group_tests_name("vlapic_emulate", tests, NULL, NULL);
}
