/* SPDX-License-Identifier: MIT */
/*
 * The register file: who may access which register, what a read returns and what a write does,
 * whatever the path (xAPIC MMIO, APIC-write exit, x2APIC MSR). The page always holds each
 * register's architectural value, since with APIC-register virtualization the CPU reads it there.
 */
#include "lib/string.h"
#include "vlapic/internal.h"

#define XR	VLAPIC_XAPIC_R
#define XW	VLAPIC_XAPIC_W
#define X2R	VLAPIC_X2APIC_R
#define X2W	VLAPIC_X2APIC_W
#define ALL	(XR | XW | X2R | X2W)

/*
 * Access rights by offset >> 4 (SDM table 11-1 for xAPIC, table 11-6 for the x2APIC MSRs). An
 * offset without rights in a mode is reserved there.
 */
static const uint8_t reg_access[64] = {
	[0x02] = XR | XW | X2R,		/* ID: read/write in xAPIC mode (table 11-1), as KVM */
	[0x03] = XR | X2R,		/* version */
	[0x08] = ALL,			/* TPR */
	[0x09] = XR,			/* APR: no x2APIC MSR */
	[0x0a] = XR | X2R,		/* PPR */
	[0x0b] = XW | X2W,		/* EOI: write-only */
	[0x0c] = XR,			/* RRD: no x2APIC MSR */
	[0x0d] = XR | XW | X2R,		/* LDR: x2APIC derives it from the ID (SDM 11.12.10.2) */
	[0x0e] = XR | XW,		/* DFR: x2APIC has only the cluster model */
	[0x0f] = ALL,			/* SVR */
	[0x10 ... 0x17] = XR | X2R,	/* ISR */
	[0x18 ... 0x1f] = XR | X2R,	/* TMR */
	[0x20 ... 0x27] = XR | X2R,	/* IRR */
	[0x28] = ALL,			/* ESR */
	[0x2f] = ALL,			/* LVT CMCI */
	[0x30] = ALL,			/* ICR: one 64-bit MSR in x2APIC mode */
	[0x31] = XR | XW,		/* ICR high: folded into MSR 0x830 in x2APIC mode */
	[0x32 ... 0x37] = ALL,		/* LVT timer, thermal, perf, LINT0, LINT1, error */
	[0x38] = ALL,			/* TMICT */
	[0x39] = XR | X2R,		/* TMCCT */
	[0x3e] = ALL,			/* TDCR */
	[0x3f] = X2W,			/* SELF IPI: x2APIC only */
};

/*
 * Writable bits of the LVTs (SDM 11.5.1 figure 11-8). Delivery status reads 0: nothing is ever
 * in flight here. Remote IRR (LINT only) is the vLAPIC's own (lint.c).
 */
#define LVT_TIMER_BITS	(APIC_LVT_VECTOR | APIC_LVT_MASKED | APIC_TIMER_PERIODIC)
#define LVT_DM_BITS	(APIC_LVT_VECTOR | APIC_LVT_DELIVERY | APIC_LVT_MASKED)
#define LVT_LINT_BITS	(LVT_DM_BITS | APIC_LVT_POLARITY | APIC_LVT_LEVEL)
#define LVT_ERROR_BITS	(APIC_LVT_VECTOR | APIC_LVT_MASKED)

/* The LVTs, which SVR masks all at once */
static const uint16_t lvts[] = {
	APIC_REG_LVT_CMCI, APIC_REG_LVT_TIMER, APIC_REG_LVT_THERMAL, APIC_REG_LVT_PERF,
	APIC_REG_LVT_LINT0, APIC_REG_LVT_LINT1, APIC_REG_LVT_ERROR,
};

/*
 * What the version register reads (SDM 11.4.8 figure 11-7): an integrated APIC, as every Core
 * part, with max LVT entry 6, i.e. seven LVTs: CMCI, timer, thermal, perf, LINT0, LINT1, error.
 */
#define VERSION_VALUE	0x14u
#define VERSION_MAXLVT	(6u << APIC_VERSION_MAXLVT_SHIFT)

#define SVR_BITS	(APIC_SVR_VECTOR | APIC_SVR_ENABLE | APIC_SVR_FOCUS_OFF | \
			 APIC_SVR_EOI_SUPP)
#define XAPIC_ID_BITS	0xff000000u	/* APIC ID, bits 31:24 */
#define LDR_XAPIC_BITS	0xff000000u	/* logical ID, bits 31:24 */
#define DFR_BITS	0xf0000000u	/* model, bits 31:28; 27:0 read as ones */
#define TPR_BITS	0x000000ffu

unsigned int vlapic_reg_access(uint32_t off)
{
	if (off & 0xf || off >= 0x400)
		return 0;
	return reg_access[off >> 4];
}

static uint32_t xapic_id(const struct vlapic *v)
{
	return (v->cfg.apic_id & 0xff) << 24;
}

/* The x2APIC logical ID: cluster ID (x2APIC ID 31:4) in 31:16, a bit for ID 3:0 in 15:0 */
static uint32_t x2apic_ldr(const struct vlapic *v)
{
	return (v->cfg.apic_id >> 4) << 16 | 1u << (v->cfg.apic_id & 0xf);
}

uint32_t vlapic_reg_read(struct vlapic *v, unsigned int off)
{
	switch (off) {
	case APIC_REG_PPR:
		return vlapic_update_ppr(v);
	case APIC_REG_TMCCT:
		return vlapic_timer_tmcct(v);
	case APIC_REG_APR:
	case APIC_REG_RRD:
		/* no bus arbitration and no remote reads to report */
		return 0;
	default:
		return vlapic_get_reg(v, off);
	}
}

/*
 * Masks every LVT: SDM 11.4.7.2, a software-disabled APIC holds them masked. The timer learns of
 * its new mask as of a write of its own (an expiry run early in this exit is taken back).
 */
static void mask_lvts(struct vlapic *v)
{
	vlapic_timer_lvtt_write(v, v->timer.lvtt | APIC_LVT_MASKED);
	for (size_t i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++)
		vlapic_set_reg(v, lvts[i], vlapic_get_reg(v, lvts[i]) | APIC_LVT_MASKED);
}

static void svr_write(struct vlapic *v, uint32_t val)
{
	v->svr = val & SVR_BITS;
	vlapic_set_reg(v, APIC_REG_SVR, v->svr);
	if (!(val & APIC_SVR_ENABLE))
		mask_lvts(v);
	else if (vlapic_highest_irr(v) >= 0)
		v->ops->interrupt_pending(v->ctx);
}

static uint32_t lvt_bits(const struct vlapic *v, unsigned int off)
{
	switch (off) {
	case APIC_REG_LVT_TIMER:
		/* mode bit 18 (TSC-deadline) exists only where CPUID says so (SDM 11.5.4.1) */
		return LVT_TIMER_BITS |
		       (v->cfg.tsc_deadline_supported ? APIC_TIMER_TSC_DEADLINE : 0);
	case APIC_REG_LVT_LINT0:
	case APIC_REG_LVT_LINT1:
		return LVT_LINT_BITS;
	case APIC_REG_LVT_ERROR:
		return LVT_ERROR_BITS;
	default:
		return LVT_DM_BITS;
	}
}

static void lvt_write(struct vlapic *v, unsigned int off, uint32_t val)
{
	uint32_t old = vlapic_get_reg(v, off);

	val &= lvt_bits(v, off);
	/* SDM 11.4.7.2: the mask bits can't be cleared while the APIC is software-disabled */
	if (!vlapic_sw_enabled(v))
		val |= APIC_LVT_MASKED;
	if (off == APIC_REG_LVT_TIMER) {
		if ((val & APIC_LVT_TIMER_MODE) == APIC_LVT_TIMER_MODE) {
			/* mode 11 is reserved (SDM table 11-2): keep the mode the timer has */
			if (vlapic_once(v, VLAPIC_ONCE_TIMER_MODE))
				vlapic_log(v, VLAPIC_LOG_WARN, "LVT timer mode 11 ignored");
			val = (val & ~APIC_LVT_TIMER_MODE) | v->timer.mode;
		}
		vlapic_timer_lvtt_write(v, val);
	}
	vlapic_set_reg(v, off, val);
	if (off == APIC_REG_LVT_LINT0 || off == APIC_REG_LVT_LINT1)
		vlapic_lint_lvt_written(v, off, old);
}

/*
 * A 32-bit write of `val` to the register at `off`, which the caller found writable in the
 * current mode (the x2APIC ICR, 64 bits wide, goes to vlapic_icr_write directly). False where
 * x2APIC mode raises #GP for the value; the register is then left as it was.
 */
bool vlapic_reg_write(struct vlapic *v, unsigned int off, uint32_t val)
{
	bool x2apic = vlapic_mode(v) == VLAPIC_MODE_X2APIC;

	switch (off) {
	case APIC_REG_TPR:
		/*
		 * Said on every write, not only when a vector gets through: without
		 * virtual-interrupt delivery the glue's TPR threshold must follow TPR down, since
		 * VM entry requires it to be at most TPR's class (SDM vol. 3C 27.2.1.1).
		 */
		vlapic_set_reg(v, off, val & TPR_BITS);
		v->ops->interrupt_pending(v->ctx);
		return true;
	case APIC_REG_EOI:
		/* SDM 11.12.1.2: in x2APIC mode a nonzero EOI write raises #GP */
		if (x2apic && val)
			return false;
		vlapic_set_reg(v, off, 0);
		vlapic_eoi(v);
		return true;
	case APIC_REG_ID:
		/*
		 * SDM table 11-1 lists the xAPIC ID as read/write (11.4.6: software may change
		 * it on some processors; Linux writes it at boot). Bits 31:24 are the ID; IPIs
		 * to a physical destination follow it (ipi.c). Read-only in x2APIC mode, where
		 * this is not reached (SDM 11.12.5.1).
		 */
		vlapic_set_reg(v, off, val & XAPIC_ID_BITS);
		return true;
	case APIC_REG_LDR:
		vlapic_set_reg(v, off, val & LDR_XAPIC_BITS);
		return true;
	case APIC_REG_DFR:
		vlapic_set_reg(v, off, (val & DFR_BITS) | ~DFR_BITS);
		return true;
	case APIC_REG_SVR:
		svr_write(v, val);
		return true;
	case APIC_REG_ESR:
		/*
		 * SDM 11.5.3: a write makes the errors gathered since the previous write readable
		 * and starts gathering afresh. In x2APIC mode only a zero write is allowed.
		 */
		if (x2apic && val)
			return false;
		vlapic_set_reg(v, off, v->esr_pending);
		v->esr_pending = 0;
		return true;
	case APIC_REG_LVT_CMCI:
	case APIC_REG_LVT_TIMER:
	case APIC_REG_LVT_THERMAL:
	case APIC_REG_LVT_PERF:
	case APIC_REG_LVT_LINT0:
	case APIC_REG_LVT_LINT1:
	case APIC_REG_LVT_ERROR:
		lvt_write(v, off, val);
		return true;
	case APIC_REG_ICR_LO:
		vlapic_icr_write(v, val, vlapic_get_reg(v, APIC_REG_ICR_HI));
		return true;
	case APIC_REG_ICR_HI:
		vlapic_set_reg(v, off, val & APIC_ICR_DEST_XAPIC);
		return true;
	case APIC_REG_TMICT:
		vlapic_set_reg(v, off, vlapic_timer_tmict_write(v, val));
		return true;
	case APIC_REG_TDCR:
		vlapic_set_reg(v, off, val & APIC_TDCR_MASK);
		vlapic_timer_tdcr_write(v, val & APIC_TDCR_MASK);
		return true;
	case APIC_REG_SELF_IPI:
		/* bits 31:8 are reserved and WRMSR checks them (as KVM does) */
		if (val & ~APIC_ICR_VECTOR)
			return false;
		vlapic_self_ipi(v, val);
		return true;
	default:
		vlapic_log(v, VLAPIC_LOG_DEBUG, "write 0x%x to read-only register 0x%x ignored",
			   val, off);
		return false;
	}
}

/* Power-up and re-enable state (SDM 11.4.7.1), in xAPIC format. */
void vlapic_regs_reset(struct vlapic *v)
{
	memset(v->regs, 0, 4096);
	vlapic_set_reg(v, APIC_REG_ID, xapic_id(v));
	vlapic_set_reg(v, APIC_REG_VERSION,
		       VERSION_VALUE | VERSION_MAXLVT | APIC_VERSION_EOI_SUPP);
	vlapic_set_reg(v, APIC_REG_DFR, 0xffffffffu);
	v->svr = APIC_SVR_RESET;
	vlapic_set_reg(v, APIC_REG_SVR, v->svr);
	for (size_t i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++)
		vlapic_set_reg(v, lvts[i], APIC_LVT_MASKED);
	v->esr_pending = 0;
	vlapic_timer_reset(v);
}

/*
 * xAPIC -> x2APIC keeps the state (SDM 11.12.5.1) but the ID becomes the 32-bit x2APIC ID and
 * the LDR is derived from it; the ICR destination widens to 32 bits and moves next to ICR 31:0.
 */
void vlapic_regs_to_x2apic(struct vlapic *v)
{
	vlapic_set_reg(v, APIC_REG_ID, v->cfg.apic_id);
	vlapic_set_reg(v, APIC_REG_LDR, x2apic_ldr(v));
	vlapic_set_reg(v, APIC_REG_ICR_HI, 0);
	vlapic_set_reg(v, APIC_REG_ICR_X2APIC_HI, 0);
}
