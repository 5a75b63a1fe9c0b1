/* SPDX-License-Identifier: MIT */
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/log.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "lib/apic_regs.h"
#include "vmx/apic_glue.h"
#include "vmx/apic_glue_internal.h"
#include "vmx/caps.h"
#include "vmx/deadlines.h"
#include "vmx/hypercall_abi.h"
#include "vmx/intr_deliver.h"
#include "vmx/tsc_offset.h"
#include "vmx/vmx_ops.h"

#define MAXPHYADDR_DEFAULT	36

struct apic_glue glue;

static uint64_t op_read_tsc(void *ctx)
{
	(void)ctx;
	return rdtsc();
}

/* The vLAPIC picks its backend itself (vlapic/timer_backend.c); vmx/deadlines.c programs it. */
static void op_hv_arm(void *ctx, uint64_t deadline)
{
	(void)ctx;
	deadlines_set(DEADLINE_VLAPIC, DEADLINE_HV, deadline);
}

static void op_hv_cancel(void *ctx)
{
	(void)ctx;
	deadlines_cancel(DEADLINE_VLAPIC, DEADLINE_HV);
}

static void op_sw_arm(void *ctx, uint64_t deadline)
{
	(void)ctx;
	deadlines_set(DEADLINE_VLAPIC, DEADLINE_SW, deadline);
}

static void op_sw_cancel(void *ctx)
{
	(void)ctx;
	deadlines_cancel(DEADLINE_VLAPIC, DEADLINE_SW);
}

static void op_interrupt_pending(void *ctx)
{
	(void)ctx;
	glue.irq_dirty = true;
}

/* The vIOAPIC ends remote IRR of its entries with `vector` (no chipset: nothing to end). */
static void op_eoi_broadcast(void *ctx, uint8_t vector)
{
	(void)ctx;
	if (glue.chipset.eoi_broadcast)
		glue.chipset.eoi_broadcast(glue.chipset.ctx, vector);
}

static void op_log(void *ctx, enum vlapic_log_level level, const char *msg)
{
	static const enum log_level map[] = {
		[VLAPIC_LOG_ERROR] = LOG_ERROR, [VLAPIC_LOG_WARN] = LOG_WARN,
		[VLAPIC_LOG_INFO] = LOG_INFO, [VLAPIC_LOG_DEBUG] = LOG_DEBUG,
	};

	(void)ctx;
	log_printf(map[level], "vlapic: %s\n", msg);
}

static const struct vlapic_ops ops = {
	.read_tsc = op_read_tsc,
	.hv_timer_arm = op_hv_arm,
	.hv_timer_cancel = op_hv_cancel,
	.sw_timer_arm = op_sw_arm,
	.sw_timer_cancel = op_sw_cancel,
	.interrupt_pending = op_interrupt_pending,
	.eoi_broadcast = op_eoi_broadcast,
	.apic_base_changed = apic_base_switch,
	.log = op_log,
};

/* deadlines_check's call on every exit and wake-up; the preemption timer never exits before its
 * deadline, and a host timer interrupt that comes early is armed again there. */
static void timer_check(void *ctx, uint64_t now)
{
	(void)ctx;
	if (vlapic_timer_check(&glue.lapic, now))
		glue.timer_exits++;
}

static uint8_t guest_maxphyaddr(void)
{
	struct cpuid_regs r;

	cpuid(0x80000000, 0, &r);
	if (r.eax < 0x80000008)
		return MAXPHYADDR_DEFAULT;
	cpuid(0x80000008, 0, &r);
	return (uint8_t)(r.eax & 0xff);
}

bool apic_glue_init(struct vcpu *v, const struct vm_config *vm, uint64_t virtual_apic,
		    uint8_t *msr_bitmap)
{
	/*
	 * The preemption timer's field is 32 bits wide and counts TSC >> shift (SDM 25.5.1):
	 * deadlines farther away than that go to the sw timer.
	 */
	uint64_t hv_max = 0xffffffffull << vmx_caps.preemption_timer_shift;
	struct vlapic_config cfg = {
		.apic_id = lapic_id(),
		.bsp = true,
		.x2apic_supported = true,
		.tsc_deadline_supported = true,
		.maxphyaddr = guest_maxphyaddr(),
		.tsc_hz = tsc_hz(),
		.min_period_us = vm->min_period_us,
		.backend = vm->timer,
		/* vmcs.c enabled it for timer=hv where the CPU has it: then it is always usable */
		.hv_available = v->pin & PIN_PREEMPTION_TIMER,
		.hv_max_delta = hv_max,
		.advance_mode = vm->advance_mode,
		.advance_ns = vm->advance_mode == VLAPIC_ADVANCE_FIXED ? vm->advance_ns : 0,
	};

	glue.vcpu = v;
	v->preemption_shift = (uint8_t)vmx_caps.preemption_timer_shift;
	glue.msr_bitmap = msr_bitmap;
	glue.vid = v->proc2 & PROC2_VIRTUAL_INTR_DELIVERY;
	glue.arv = v->proc2 & PROC2_APIC_REGISTER_VIRT;
	/* the x2APIC MSRs stay intercepted, as msr_bitmap_init left them, until x2APIC mode */
	if (!vlapic_init(&glue.lapic, &cfg, &ops, &glue, (void *)(uintptr_t)virtual_apic)) {
		pr_err("vlapic: bad configuration (TSC %lu Hz)\n", cfg.tsc_hz);
		return false;
	}
	intr_deliver_init(v);
	deadlines_init(v, cfg.hv_available, hv_max);
	deadlines_register_check(DEADLINE_VLAPIC, timer_check, NULL);
	return true;
}

void apic_glue_describe(void)
{
	const struct vlapic_config *c = &glue.lapic.cfg;

	pr_info("vLAPIC timer: %s backend%s; base rate %lu Hz (CPUID.15H, leaf 0x40000010)\n",
		c->backend == VLAPIC_TIMER_HV && c->hv_available ? "hv (VMX-preemption timer)" :
		"sw (host LAPIC timer)",
		c->backend == VLAPIC_TIMER_HV && !c->hv_available ? ", no preemption timer" : "",
		vlapic_timer_hz(&glue.lapic));
	pr_info("vLAPIC delivery: %s; register access: %s\n",
		glue.vid ? "virtual-interrupt delivery (RVI, virtualized EOI)" :
		"event injection with interrupt-window exiting, emulated EOI",
		glue.arv ? "APIC-register virtualization (APIC-write exits)" :
		"APIC-access exits with instruction decoding");
	pr_info("vLAPIC NMIs: %s\n", intr_deliver_nmi_mechanism());
}

void apic_glue_before_entry(struct vcpu *v)
{
	intr_deliver_before_entry(v);
	vlapic_timer_entry(&glue.lapic);
}

/* The exit's own TSC is the time for every virtual timer's check (vmx/deadlines.h). */
void apic_glue_after_exit(struct vcpu *v)
{
	intr_deliver_after_exit(v);
	deadlines_check(v->exit_tsc);
}

void apic_glue_set_chipset(const struct apic_glue_chipset *c)
{
	glue.chipset = *c;
	glue.irq_dirty = true;
}

void apic_glue_chipset_changed(void)
{
	glue.irq_dirty = true;
}

struct vlapic *apic_glue_vlapic(void)
{
	return &glue.lapic;
}

void apic_glue_cpuid_features(uint32_t *ecx)
{
	const struct vlapic_config *c = &glue.lapic.cfg;

	*ecx &= ~(CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE);
	if (c->x2apic_supported)
		*ecx |= CPUID_1_ECX_X2APIC;
	if (c->tsc_deadline_supported)
		*ecx |= CPUID_1_ECX_TSC_DEADLINE;
}

/* CPUID.15H (SDM vol. 2): TSC = crystal * EBX / EAX; the crystal is the APIC timer's clock. */
void apic_glue_cpuid_crystal(uint32_t *eax, uint32_t *ebx, uint32_t *ecx)
{
	*eax = 1;
	*ebx = (uint32_t)vlapic_timer_tsc_ratio(&glue.lapic);
	*ecx = (uint32_t)vlapic_timer_hz(&glue.lapic);
}

uint64_t apic_glue_timer_hz(void)
{
	return vlapic_timer_hz(&glue.lapic);
}

/* IA32_TSC_DEADLINE is a guest TSC value; the vLAPIC keeps host ones (vmx/tsc_offset.h). */
bool apic_glue_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	if (!vlapic_msr_read(&glue.lapic, msr, val))
		return false;
	if (msr == MSR_IA32_TSC_DEADLINE)
		*val = tsc_offset_to_guest(v, *val);
	return true;
}

bool apic_glue_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	if (msr == MSR_IA32_TSC_DEADLINE)
		val = tsc_offset_to_host(v, val);
	return vlapic_msr_write(&glue.lapic, msr, val);
}

void apic_glue_fill_stats(struct vcpu *v, struct tv_stats *s)
{
	const struct vlapic_stats *t = vlapic_stats(&glue.lapic);

	(void)v;
	s->timer_exits = glue.timer_exits;
	s->timer_fires = t->fires;
	/*
	 * Expiries the guest got no interrupt of its own for: merged into a tick still pending
	 * in IRR, or skipped while the host was a period or more behind and merged into the one
	 * tick delivered then (vlapic/timer.c).
	 */
	s->timer_coalesced = t->missed + t->clamped;
	s->timer_hv_arms = t->hv_arms;
	s->timer_sw_arms = t->sw_arms;
	s->timer_advance_tsc = (int64_t)vlapic_timer_advance(&glue.lapic);
}

void apic_glue_print_stats(void)
{
	const struct vlapic_stats *t = vlapic_stats(&glue.lapic);
	uint64_t advance = vlapic_timer_advance(&glue.lapic);

	kprintf("tickvisor: vLAPIC timer: %lu expiries (%lu delivered, %lu masked, %lu coalesced "
		"into a pending tick, %lu periods skipped), %lu periodic timers raised to "
		"min_period_us, %lu hv arms, %lu sw arms (%lu out of hv range), advance %lu TSC "
		"ticks (%lu ns), %lu TSC ticks waited for deadlines", t->fires, t->posted,
		t->masked, t->missed, t->clamped, t->min_period_raised, t->hv_arms, t->sw_arms,
		t->hv_range_fallbacks, advance, tsc_to_ns(advance), t->wait_tsc);
	if (t->lateness_samples)
		kprintf(", lateness before wait min %ld max %ld TSC ticks over %lu interrupts",
			t->lateness_min, t->lateness_max, t->lateness_samples);
	kprintf("\ntickvisor: vLAPIC NMIs: %lu raised, %lu merged into a pending one, %lu "
		"injected; %lu ExtINT vectors injected\n", t->nmis, t->nmis_coalesced,
		glue.nmis_injected, glue.extints_injected);
}
