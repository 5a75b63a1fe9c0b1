/* SPDX-License-Identifier: MIT */
/*
 * The MSR interface: IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC registers 0x800-0x8ff
 * (SDM 11.12.1). In x2APIC mode the register at offset `off` is MSR 0x800 + (off >> 4); a
 * reserved MSR, a read of a write-only or a write of a read-only register raises #GP, and so
 * does any x2APIC MSR outside x2APIC mode, and bits 63:32 set in any register but the ICR.
 * Reserved bits in the low half are dropped, as in xAPIC mode and as KVM does, rather than
 * raising the #GP of SDM 11.12.1.3: only EOI, ESR (nonzero), SELF IPI (bits 31:8) and the ICR
 * check theirs, as KVM does too, since guests are written against it.
 */
#include "vlapic/internal.h"

/* x2APIC ICR bits 13, 17:16, 31:20: reserved (SDM figure 11-28) */
#define X2APIC_ICR_RESERVED	0xfff32000ull

/* The page offset of the register that x2APIC MSR `msr` is, or -1 outside 0x800-0x8ff */
static int x2apic_reg(uint32_t msr)
{
	if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST)
		return -1;
	return (int)((msr - MSR_X2APIC_FIRST) << 4);
}

/* The page offset of x2APIC MSR `msr` if it may be accessed with `right` now, else -1 */
static int x2apic_offset(const struct vlapic *v, uint32_t msr, unsigned int right)
{
	int off = x2apic_reg(msr);

	if (off < 0 || vlapic_mode(v) != VLAPIC_MODE_X2APIC)
		return -1;
	return vlapic_reg_access(off) & right ? off : -1;
}

bool vlapic_msr_read(struct vlapic *v, uint32_t msr, uint64_t *val)
{
	int off;

	*val = 0;
	if (msr == MSR_IA32_APIC_BASE) {
		*val = v->apic_base;
		return true;
	}
	if (msr == MSR_IA32_TSC_DEADLINE) {
		/* the MSR exists only where CPUID.01H:ECX[24] says so (SDM 11.5.4.1) */
		if (!v->cfg.tsc_deadline_supported)
			return false;
		*val = vlapic_timer_deadline_read(v);
		return true;
	}
	off = x2apic_offset(v, msr, VLAPIC_X2APIC_R);
	if (off < 0)
		return false;
	*val = vlapic_reg_read(v, off);
	if (off == APIC_REG_ICR_LO)
		*val |= (uint64_t)vlapic_get_reg(v, APIC_REG_ICR_X2APIC_HI) << 32;
	return true;
}

bool vlapic_x2apic_read_passthrough(uint32_t msr, bool vid)
{
	int off = x2apic_reg(msr);

	if (off < 0 || off == APIC_REG_TMCCT)
		return false;
	/* without virtual-interrupt delivery the CPU leaves VPPR as the vLAPIC last wrote it */
	if (off == APIC_REG_PPR)
		return vid;
	return vlapic_reg_access(off) & VLAPIC_X2APIC_R;
}

bool vlapic_msr_write(struct vlapic *v, uint32_t msr, uint64_t val)
{
	int off;

	if (msr == MSR_IA32_APIC_BASE)
		return vlapic_apic_base_write(v, val);
	if (msr == MSR_IA32_TSC_DEADLINE) {
		if (!v->cfg.tsc_deadline_supported)
			return false;
		vlapic_timer_deadline_write(v, val);
		return true;
	}
	off = x2apic_offset(v, msr, VLAPIC_X2APIC_W);
	if (off < 0)
		return false;
	if (off == APIC_REG_ICR_LO) {
		/*
		 * SDM 11.12.1.3: a nonzero write to a reserved bit raises #GP; the x2APIC ICR
		 * (SDM figure 11-28) reserves 13, 17:16 and 31:20. Bit 12, delivery status in
		 * xAPIC mode, is let through and dropped, as KVM does.
		 */
		if (val & X2APIC_ICR_RESERVED)
			return false;
		vlapic_icr_write(v, val, val >> 32);
		return true;
	}
	/* SDM 11.12.1.2: bits 63:32 of every x2APIC register but the ICR are reserved */
	if (val >> 32)
		return false;
	return vlapic_reg_write(v, off, val);
}
