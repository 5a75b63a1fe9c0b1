/* SPDX-License-Identifier: MIT */
/*
 * IA32_APIC_BASE (SDM 11.4.4) and the APIC state machine of SDM 11.12.5 (figure 11-31):
 *
 *	from \ to	disabled	xAPIC		x2APIC
 *	disabled	ok		ok		#GP
 *	xAPIC		ok (reset)	ok		ok (ID, LDR change format)
 *	x2APIC		ok (reset)	#GP		ok
 *
 * EN = 0 with EXTD = 1 is invalid (#GP), and so is EXTD on a CPU without x2APIC. Leaving for
 * disabled and coming back from it put the registers in their reset state, so the APIC comes
 * back as after power-up whatever the guest wrote meanwhile (mmio.c drops those writes).
 */
#include "vlapic/internal.h"

/* Bits 7:0 and 9 are reserved (SDM 11.4.4 figure 11-5) */
#define BASE_RESERVED_LOW	0x2ffull

bool vlapic_apic_base_write(struct vlapic *v, uint64_t val)
{
	uint64_t above_phys = ~((1ull << v->cfg.maxphyaddr) - 1);
	uint64_t reserved = BASE_RESERVED_LOW | above_phys;
	enum vlapic_mode from = vlapic_mode(v), to;
	uint64_t base, next;

	if (!v->cfg.x2apic_supported)
		reserved |= APIC_BASE_EXTD;
	if (val & reserved)
		return false;
	if (!(val & APIC_BASE_EN))
		to = VLAPIC_MODE_DISABLED;
	else
		to = val & APIC_BASE_EXTD ? VLAPIC_MODE_X2APIC : VLAPIC_MODE_XAPIC;
	if ((to == VLAPIC_MODE_DISABLED && (val & APIC_BASE_EXTD)) ||
	    (from == VLAPIC_MODE_DISABLED && to == VLAPIC_MODE_X2APIC) ||
	    (from == VLAPIC_MODE_X2APIC && to == VLAPIC_MODE_XAPIC))
		return false;

	/* BSP is read-only: it stays as reset set it, whatever the guest writes */
	base = val & APIC_BASE_ADDR_MASK;
	next = base | (val & (APIC_BASE_EN | APIC_BASE_EXTD)) |
	       (v->apic_base & APIC_BASE_BSP);
	if (next == v->apic_base)
		return true;
	if (!v->ops->apic_base_changed(v->ctx, to, base)) {
		vlapic_log(v, VLAPIC_LOG_WARN, "IA32_APIC_BASE 0x%llx refused by the platform",
			   (unsigned long long)val);
		return false;
	}
	v->apic_base = next;
	/*
	 * SDM 11.4.3: the APIC comes back from a hardware disable in its power-up state, so the
	 * page is reset again on the way back too: with APIC-access virtualization the CPU
	 * virtualizes some writes of a disabled APIC's page without an exit (TPR, EOI).
	 */
	if ((to == VLAPIC_MODE_DISABLED) != (from == VLAPIC_MODE_DISABLED))
		vlapic_regs_reset(v);
	else if (from == VLAPIC_MODE_XAPIC && to == VLAPIC_MODE_X2APIC)
		vlapic_regs_to_x2apic(v);
	return true;
}
