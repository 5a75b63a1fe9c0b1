/* SPDX-License-Identifier: MIT */
/* Setting up a vlapic, its mode and rates, and its diagnostics. */
#include <stdarg.h>

#include "arch/x86/ratelimit.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "vlapic/internal.h"

/* The largest timer base rate that fits CPUID.15H:ECX */
#define TIMER_HZ_MAX	0xffffffffull
/* tsc_hz bound: keeps count x divisor x k (at most 2^32 x 2^7 x 2^24) within 64 bits */
#define TSC_HZ_MAX	(1ull << 56)

bool vlapic_init(struct vlapic *v, const struct vlapic_config *cfg, const struct vlapic_ops *ops,
		 void *ctx, void *page)
{
	if (!cfg->tsc_hz || cfg->tsc_hz > TSC_HZ_MAX || cfg->maxphyaddr < 32 ||
	    cfg->maxphyaddr > 52)
		return false;

	v->ops = ops;
	v->ctx = ctx;
	v->regs = page;
	v->cfg = *cfg;
	v->logged_once = 0;
	v->lint_level = 0;
	v->nmi_pending = false;
	v->stats = (struct vlapic_stats){ 0 };
	for (size_t i = 0; i < VLAPIC_LOG_KINDS; i++)
		v->log_kinds[i] = (struct vlapic_log_kind){ 0 };
	v->timer = (struct vlapic_timer){ .backend = VLAPIC_BACKEND_NONE };
	/* k: see "Timer base rate" in vlapic.h */
	v->timer.k = (cfg->tsc_hz + TIMER_HZ_MAX - 1) / TIMER_HZ_MAX;
	v->timer.min_period = vlapic_ns_to_tsc(v, (uint64_t)cfg->min_period_us * 1000);
	if (v->timer.min_period < vlapic_ns_to_tsc(v, VLAPIC_PERIOD_FLOOR_NS))
		v->timer.min_period = vlapic_ns_to_tsc(v, VLAPIC_PERIOD_FLOOR_NS);
	/* at 1 Hz a floor of 0 ticks would be no floor */
	if (!v->timer.min_period)
		v->timer.min_period = 1;
	vlapic_timer_advance_init(v);

	/* SDM 11.4.4: after reset the APIC is enabled in xAPIC mode at 0xfee00000 */
	v->apic_base = APIC_BASE_DEFAULT | APIC_BASE_EN | (cfg->bsp ? APIC_BASE_BSP : 0);
	vlapic_regs_reset(v);
	return true;
}

enum vlapic_mode vlapic_mode(const struct vlapic *v)
{
	if (!(v->apic_base & APIC_BASE_EN))
		return VLAPIC_MODE_DISABLED;
	return v->apic_base & APIC_BASE_EXTD ? VLAPIC_MODE_X2APIC : VLAPIC_MODE_XAPIC;
}

uint64_t vlapic_timer_hz(const struct vlapic *v)
{
	return v->cfg.tsc_hz / v->timer.k;
}

uint64_t vlapic_timer_tsc_ratio(const struct vlapic *v)
{
	return v->timer.k;
}

const struct vlapic_stats *vlapic_stats(const struct vlapic *v)
{
	return &v->stats;
}

uint64_t vlapic_ns_to_tsc(const struct vlapic *v, uint64_t ns)
{
	return vlapic_mul_div(ns, v->cfg.tsc_hz, 1000000000u);
}

/* The counters of the diagnostic `fmt`; kinds beyond the table share its last entry */
static struct vlapic_log_kind *log_kind(struct vlapic *v, const char *fmt)
{
	size_t i;

	for (i = 0; i < VLAPIC_LOG_KINDS - 1; i++) {
		if (!v->log_kinds[i].fmt)
			v->log_kinds[i].fmt = fmt;
		if (v->log_kinds[i].fmt == fmt)
			break;
	}
	return &v->log_kinds[i];
}

/*
 * Every diagnostic here can be triggered by the guest at will, so each kind is rate-limited
 * (arch/x86/ratelimit.h): a line then says how many of its kind were left out before it.
 */
void vlapic_log(struct vlapic *v, enum vlapic_log_level level, const char *fmt, ...)
{
	struct vlapic_log_kind *k = log_kind(v, fmt);
	char msg[160];
	size_t len;
	va_list ap;

	if (!ratelimit_report(++k->count))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, 128, fmt, ap);
	va_end(ap);
	if (k->count - 1 > k->printed) {
		len = strlen(msg);
		snprintf(msg + len, sizeof(msg) - len, " (%llu more suppressed)",
			 (unsigned long long)(k->count - 1 - k->printed));
	}
	k->printed = k->count;
	v->ops->log(v->ctx, level, msg);
}

/* True the first time it is asked about `flag`: for diagnostics a guest could repeat forever. */
bool vlapic_once(struct vlapic *v, uint32_t flag)
{
	if (v->logged_once & flag)
		return false;
	v->logged_once |= flag;
	return true;
}
