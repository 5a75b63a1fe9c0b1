/* SPDX-License-Identifier: MIT */
/*
 * Emulating the guest instruction behind an xAPIC access that exited (vlapic/mmio_decode.h,
 * vlapic/mmio_emulate.h): the exit gives the register's page offset, guest RIP the
 * instruction. A string instruction may have its other operand in RAM, or on the APIC page
 * too: its linear addresses go through the guest's paging, and a GPA on the APIC page reaches
 * the vLAPIC, anything else guest RAM.
 *
 * An instruction that is not decoded raises #UD in the guest with a rate-limited line: no
 * stop, since the guest chose the instruction, and #UD as KVM's emulator raises it for an
 * instruction it cannot emulate (#GP would say the access broke a protection rule, which it did
 * not; an APIC register takes only 32-bit MOVs architecturally, SDM 11.4.1, so the other forms
 * have no defined outcome to follow). A string operand that is neither RAM nor the APIC page
 * raises #GP(0), as string I/O does in exit_io.c (the #PF of an unmapped page would need the
 * guest's CR2, which tickvisor does not switch).
 */
#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/msr.h"
#include "arch/x86/ratelimit.h"
#include "arch/x86/trap.h"
#include "lib/string.h"
#include "vlapic/mmio_emulate.h"
#include "vmx/apic_glue_internal.h"
#include "vmx/guest_mem.h"
#include "vmx/vmx_ops.h"

#define PAGE_MASK	0xfffull

struct access {
	struct vcpu *v;
	uint32_t offset;		/* the operand that exited, on the APIC page */
	uint64_t apic_gpa;		/* where the APIC page is */
	bool open_bus;			/* nothing answers on that page (apic_mmio_open_bus) */
};

/* A read of the page at offset: the vLAPIC's bytes, or all ones where nothing answers */
static uint64_t page_read(struct access *a, uint32_t offset, unsigned int size)
{
	if (a->open_bus)
		return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
	return vlapic_mmio_read_bytes(&glue.lapic, offset, size);
}

/*
 * A write the vLAPIC performs on the page itself may be an EOI: with virtual-interrupt delivery
 * SVI must then follow the page, or the CPU's next virtualized EOI clears the stale SVI's bit
 * instead of the vector really in service (SDM 29.1.2), which would stay in service for good.
 */
static void page_write(struct access *a, uint32_t offset, unsigned int size, uint64_t val)
{
	if (a->open_bus)
		return;
	vlapic_mmio_write_bytes(&glue.lapic, offset, size, val);
	glue.intr_status_stale = glue.vid;
	glue.irq_dirty = true;
}

static uint64_t operand_read(void *ctx, unsigned int size)
{
	struct access *a = ctx;

	return page_read(a, a->offset, size);
}

static void operand_write(void *ctx, unsigned int size, uint64_t val)
{
	struct access *a = ctx;

	page_write(a, a->offset, size, val);
}

/* One string element: on the APIC page, or in guest RAM (split bytewise across a page end) */
static bool linear_access(struct access *a, uint64_t la, unsigned int size, bool write,
			  uint64_t *val)
{
	uint64_t gpa;

	if ((la & PAGE_MASK) + size > PAGE_MASK + 1) {
		uint64_t byte, out = 0;

		for (unsigned int i = 0; i < size; i++) {
			byte = (*val >> (8 * i)) & 0xff;
			if (!linear_access(a, la + i, 1, write, &byte))
				return false;
			out |= byte << (8 * i);
		}
		if (!write)
			*val = out;
		return true;
	}
	if (!guest_linear_to_phys(a->v, la, &gpa))
		return false;
	if ((gpa & ~PAGE_MASK) == a->apic_gpa) {
		if (write)
			page_write(a, gpa & PAGE_MASK, size, *val);
		else
			*val = page_read(a, gpa & PAGE_MASK, size);
		return true;
	}
	if (write)
		return guest_store_linear(a->v, la, val, size) == size;
	*val = 0;
	return guest_read_linear(a->v, la, val, size) == size;
}

static bool linear_read(void *ctx, uint64_t la, unsigned int size, uint64_t *val)
{
	return linear_access(ctx, la, size, false, val);
}

static bool linear_write(void *ctx, uint64_t la, unsigned int size, uint64_t val)
{
	return linear_access(ctx, la, size, true, &val);
}

static const struct vlapic_emul_ops ops = {
	.operand_read = operand_read,
	.operand_write = operand_write,
	.linear_read = linear_read,
	.linear_write = linear_write,
};

/* Segment bases of ES, CS, SS, DS, FS, GS; 64-bit mode uses only FS's and GS's (SDM 3.2.4) */
static void read_segments(struct vlapic_emul_cpu *cpu, bool long64)
{
	static const uint32_t field[] = {
		VMCS_GUEST_ES_BASE, VMCS_GUEST_CS_BASE, VMCS_GUEST_SS_BASE,
		VMCS_GUEST_DS_BASE, VMCS_GUEST_FS_BASE, VMCS_GUEST_GS_BASE,
	};

	for (unsigned int s = 0; s < 6; s++)
		cpu->seg_base[s] = long64 && s < VLAPIC_SEG_FS ? 0 : vmread(field[s]);
}

static void refuse(struct vcpu *v, uint32_t offset, const char *why, uint8_t vector)
{
	static uint64_t count;

	if (ratelimit_report(++count))
		pr_warn("vlapic: xAPIC access at offset %#x by an instruction tickvisor can't "
			"emulate (%s): %s (%lu suppressed before this line)\n", offset, why,
			vector == VEC_UD ? "#UD" : "#GP", ratelimit_suppressed(count));
	vcpu_inject_exception(v, vector, vector == VEC_GP, 0);
}

static enum vcpu_action emulate(struct vcpu *v, struct access *a)
{
	uint64_t rip = vmread(VMCS_GUEST_RIP);
	bool long64 = guest_code_is_64bit();
	struct vlapic_emul_cpu cpu;
	struct vlapic_mmio_insn insn;
	enum vlapic_decode_error err;
	enum vlapic_emul_result res;

	err = guest_decode_at_rip(v, &insn);
	if (err != VLAPIC_DECODE_OK) {
		refuse(v, a->offset, vlapic_mmio_decode_strerror(err), VEC_UD);
		return VCPU_RESUME;
	}
	for (unsigned int r = 0; r < 16; r++)
		cpu.gpr[r] = guest_gpr_read(v, r);
	cpu.rflags = vmread(VMCS_GUEST_RFLAGS);
	read_segments(&cpu, long64);
	res = vlapic_mmio_emulate(&insn, &cpu, &ops, a);
	if (res == VLAPIC_EMUL_FAULT) {
		refuse(v, a->offset, "a string operand is neither RAM nor the APIC page", VEC_GP);
		return VCPU_RESUME;
	}
	for (unsigned int r = 0; r < 16; r++)
		guest_gpr_write(v, r, cpu.gpr[r]);
	vmwrite(VMCS_GUEST_RFLAGS, cpu.rflags);
	if (res == VLAPIC_EMUL_NEXT)
		vmwrite(VMCS_GUEST_RIP, rip + insn.len);
	return VCPU_RESUME;
}

enum vcpu_action apic_mmio_emulate(struct vcpu *v, uint64_t apic_gpa, uint32_t offset)
{
	struct access a = { v, offset, apic_gpa, false };

	return emulate(v, &a);
}

enum vcpu_action apic_mmio_open_bus(struct vcpu *v, uint64_t page_gpa, uint32_t offset)
{
	struct access a = { v, offset, page_gpa, true };

	return emulate(v, &a);
}
