/* SPDX-License-Identifier: MIT */
/* What the vlapic/ files share among themselves; nothing here is for the glue. */
#ifndef VLAPIC_INTERNAL_H
#define VLAPIC_INTERNAL_H

#include "lib/apic_regs.h"
#include "vlapic/vlapic.h"

/* One-time diagnostics (vlapic.logged_once bits) */
#define VLAPIC_ONCE_MIN_PERIOD	(1u << 0)	/* a periodic timer was raised to the minimum */
#define VLAPIC_ONCE_IPI_MODE	(1u << 1)	/* an IPI delivery mode we don't deliver */
#define VLAPIC_ONCE_TIMER_MODE	(1u << 2)	/* the reserved LVT timer mode 11 */
#define VLAPIC_ONCE_LINT_MODE	(1u << 3)	/* a LINT delivery mode we don't deliver */

/* Timer backends, vlapic_timer.backend */
#define VLAPIC_BACKEND_NONE	0
#define VLAPIC_BACKEND_HV	1
#define VLAPIC_BACKEND_SW	2

/* What became of a fixed interrupt offered to this APIC */
enum vlapic_accept {
	VLAPIC_POSTED,			/* set in IRR */
	VLAPIC_COALESCED,		/* already in IRR: IRR is a bit, not a counter */
	VLAPIC_DROPPED,			/* masked LVT, software-disabled APIC or illegal vector */
};

static inline uint32_t vlapic_get_reg(const struct vlapic *v, unsigned int off)
{
	return v->regs[off >> 2];
}

static inline void vlapic_set_reg(struct vlapic *v, unsigned int off, uint32_t val)
{
	v->regs[off >> 2] = val;
}

static inline uint64_t vlapic_now(const struct vlapic *v)
{
	return v->ops->read_tsc(v->ctx);
}

/* a * b / c, saturated at UINT64_MAX (the hypervisor links libgcc for the 128-bit division) */
static inline uint64_t vlapic_mul_div(uint64_t a, uint64_t b, uint64_t c)
{
	unsigned __int128 p = (unsigned __int128)a * b;

	/* the quotient fits in 64 bits exactly when the product's high half is below c */
	if ((uint64_t)(p >> 64) >= c)
		return UINT64_MAX;
	return (uint64_t)(p / c);
}

static inline bool vlapic_sw_enabled(const struct vlapic *v)
{
	return v->svr & APIC_SVR_ENABLE;
}

/* vlapic.c */
void vlapic_log(struct vlapic *v, enum vlapic_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool vlapic_once(struct vlapic *v, uint32_t flag);
uint64_t vlapic_ns_to_tsc(const struct vlapic *v, uint64_t ns);

/* regs.c: the register file, shared by the MMIO, APIC-write and MSR paths */
#define VLAPIC_XAPIC_R	0x1		/* readable through xAPIC MMIO */
#define VLAPIC_XAPIC_W	0x2		/* writable through xAPIC MMIO */
#define VLAPIC_X2APIC_R	0x4		/* readable with RDMSR in x2APIC mode */
#define VLAPIC_X2APIC_W	0x8		/* writable with WRMSR in x2APIC mode */
unsigned int vlapic_reg_access(uint32_t off);
uint32_t vlapic_reg_read(struct vlapic *v, unsigned int off);
bool vlapic_reg_write(struct vlapic *v, unsigned int off, uint32_t val);
void vlapic_regs_reset(struct vlapic *v);
void vlapic_regs_to_x2apic(struct vlapic *v);

/* irq.c: IRR, ISR, PPR, local interrupts and errors */
enum vlapic_accept vlapic_accept(struct vlapic *v, uint8_t vector, bool level);
enum vlapic_accept vlapic_lvt_deliver(struct vlapic *v, uint32_t entry);
void vlapic_unpost(struct vlapic *v, uint8_t vector);
void vlapic_error(struct vlapic *v, uint32_t esr_bits);
uint32_t vlapic_update_ppr(struct vlapic *v);
void vlapic_eoi(struct vlapic *v);

/* lint.c: the LINT0/LINT1 pins */
void vlapic_lint_lvt_written(struct vlapic *v, unsigned int off, uint32_t old);
void vlapic_lint_eoi(struct vlapic *v, uint8_t vector);

/* nmi.c: raise the NMI request, whatever the APIC's state (the callers check it) */
void vlapic_nmi_raise(struct vlapic *v);

/* ipi.c */
void vlapic_icr_write(struct vlapic *v, uint32_t lo, uint32_t hi);
void vlapic_self_ipi(struct vlapic *v, uint8_t vector);

/* apic_base.c */
bool vlapic_apic_base_write(struct vlapic *v, uint64_t val);

/* timer.c: the timer registers and expiry */
void vlapic_timer_reset(struct vlapic *v);
void vlapic_timer_lvtt_write(struct vlapic *v, uint32_t lvtt);
void vlapic_timer_keep_pace(struct vlapic *v, uint64_t now);
uint32_t vlapic_timer_tmict_write(struct vlapic *v, uint32_t tmict);
void vlapic_timer_tdcr_write(struct vlapic *v, uint32_t tdcr);
uint32_t vlapic_timer_tmcct(struct vlapic *v);
uint64_t vlapic_timer_deadline_read(struct vlapic *v);
void vlapic_timer_deadline_write(struct vlapic *v, uint64_t deadline);

/* timer_backend.c: the one place that picks and arms a backend; `now` is the host TSC */
void vlapic_timer_restart(struct vlapic *v, uint64_t now);
void vlapic_timer_backend_stop(struct vlapic *v);
void vlapic_timer_recheck_range(struct vlapic *v, uint64_t now);

/* timer_advance.c */
void vlapic_timer_advance_init(struct vlapic *v);
uint64_t vlapic_timer_effective_advance(const struct vlapic_timer *t);
bool vlapic_timer_cost_sample(const struct vlapic_timer *t, uint64_t now);

#endif
