/* SPDX-License-Identifier: MIT */
#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "arch/x86/msr.h"
#include "arch/x86/platform.h"
#include "arch/x86/ratelimit.h"
#include "arch/x86/trap.h"
#include "vlapic/mmio_decode.h"
#include "vmx/guest_mem.h"
#include "vmx/mmio_dispatch.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_ops.h"

#define MMIO_RANGES_MAX		8
#define PAGE_SIZE		0x1000ull
/* EPT-violation exit qualification (SDM 28.2.1, table 28-7) */
#define EPT_QUAL_READ		(1ull << 0)
#define EPT_QUAL_WRITE		(1ull << 1)

struct mmio_range {
	uint64_t gpa;
	uint64_t len;
	mmio_handler_fn fn;
	void *ctx;
};

static void absent_hw(void *ctx, uint64_t offset, unsigned int size, bool write, uint32_t *val)
{
	(void)ctx, (void)offset, (void)size;
	if (!write)
		*val = 0xffffffffu;
}

static struct mmio_range ranges[MMIO_RANGES_MAX] = {
	{ MMIO_GPA_IOAPIC, PAGE_SIZE, absent_hw, NULL },
	{ MMIO_GPA_HPET, PAGE_SIZE, absent_hw, NULL },
};
static unsigned int nr_ranges = 2;

bool mmio_dispatch_register(uint64_t gpa, uint64_t len, mmio_handler_fn fn, void *ctx)
{
	for (unsigned int i = 0; i < nr_ranges; i++)
		if (ranges[i].gpa == gpa && ranges[i].len == len) {
			ranges[i].fn = fn, ranges[i].ctx = ctx;
			return true;
		}
	if (nr_ranges == MMIO_RANGES_MAX || (gpa | len) & (PAGE_SIZE - 1))
		return false;
	ranges[nr_ranges++] = (struct mmio_range){ gpa, len, fn, ctx };
	return true;
}

static const struct mmio_range *find(uint64_t gpa)
{
	for (unsigned int i = 0; i < nr_ranges; i++)
		if (gpa >= ranges[i].gpa && gpa - ranges[i].gpa < ranges[i].len)
			return &ranges[i];
	return NULL;
}

bool mmio_dispatch_claims(uint64_t gpa)
{
	return find(gpa) != NULL;
}

bool mmio_dispatch_range(unsigned int i, uint64_t *gpa, uint64_t *len)
{
	if (i >= nr_ranges)
		return false;
	*gpa = ranges[i].gpa, *len = ranges[i].len;
	return true;
}

/*
 * Like an xAPIC access without APIC-register virtualization: the exit gives the address but
 * not the instruction's length or operands (28.2.4 leaves the length undefined for EPT
 * violations), so the instruction is read at guest RIP and decoded. Chipset registers are 32 bits
 * wide, which the decoder's 32-bit MOVs cover; any other form gets #UD, as on the APIC page
 * (a wrong emulation would corrupt the guest silently). An instruction fetch from the page ends
 * the run with a diagnostic.
 */
enum vcpu_action mmio_dispatch_exit(struct vcpu *v, uint64_t gpa)
{
	const struct mmio_range *r = find(gpa);
	uint64_t rip = vmread(VMCS_GUEST_RIP);
	struct vlapic_mmio_insn insn;
	enum vlapic_decode_error err;
	uint32_t val;

	if (!(v->exit_qual & (EPT_QUAL_READ | EPT_QUAL_WRITE))) {
		pr_err("instruction fetch from emulated MMIO at guest-physical %#lx\n", gpa);
		vcpu_dump(v);
		return vcpu_stop(v, STATUS_FAILURE);
	}
	err = guest_decode_at_rip(v, &insn);
	/* the decoder knows more forms than MOV; chipset registers take 32-bit MOVs */
	if (err == VLAPIC_DECODE_OK && (insn.size != 4 || insn.reg_size != 4 ||
					(insn.op != VLAPIC_OP_LOAD && insn.op != VLAPIC_OP_STORE)))
		err = VLAPIC_DECODE_UNSUPPORTED;
	if (err != VLAPIC_DECODE_OK) {
		/* #UD, as for the APIC page (vmx/apic_mmio.c): the guest goes on */
		static uint64_t count;

		if (ratelimit_report(++count))
			pr_warn("MMIO access at guest-physical %#lx by an instruction "
				"tickvisor can't emulate (%s): #UD (%lu suppressed before this "
				"line)\n", gpa,
				vlapic_mmio_decode_strerror(err), ratelimit_suppressed(count));
		vcpu_inject_exception(v, VEC_UD, false, 0);
		return VCPU_RESUME;
	}
	if (insn.write) {
		val = insn.has_imm ? (uint32_t)insn.imm : (uint32_t)guest_gpr_read(v, insn.reg);
		r->fn(r->ctx, gpa - r->gpa, 4, true, &val);
	} else {
		r->fn(r->ctx, gpa - r->gpa, 4, false, &val);
		/* a 32-bit load zero-extends into the 64-bit register (SDM vol. 1 3.4.1.1) */
		guest_gpr_write(v, insn.reg, val);
	}
	vmwrite(VMCS_GUEST_RIP, rip + insn.len);
	return VCPU_RESUME;
}
