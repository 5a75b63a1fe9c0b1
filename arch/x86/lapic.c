/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/log.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "lib/apic_regs.h"

static bool x2apic;
static bool tsc_deadline;
static volatile uint32_t *xapic_mmio;
static uint64_t timer_hz;
static volatile uint64_t timer_fired_tsc;

static uint32_t lapic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(APIC_X2APIC_MSR(reg));
	return xapic_mmio[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t val)
{
	if (x2apic)
		wrmsr(APIC_X2APIC_MSR(reg), val);
	else
		xapic_mmio[reg / 4] = val;
}

bool lapic_is_x2apic(void)
{
	return x2apic;
}

bool lapic_has_tsc_deadline(void)
{
	return tsc_deadline;
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(APIC_REG_ID);

	return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	lapic_write(APIC_REG_EOI, 0);
}

uint32_t lapic_divide_config(unsigned int divisor)
{
	/* the encoding of divisor 2^i at index i */
	static const uint8_t enc[8] = {
		APIC_TDCR_DIV1, APIC_TDCR_DIV2, APIC_TDCR_DIV4, APIC_TDCR_DIV8, APIC_TDCR_DIV16,
		APIC_TDCR_DIV32, APIC_TDCR_DIV64, APIC_TDCR_DIV128,
	};
	unsigned int log2 = 0;

	while ((1u << log2) < divisor && log2 < 7)
		log2++;
	return enc[log2];
}

void lapic_timer_oneshot(uint32_t count, unsigned int divisor)
{
	lapic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED);
	lapic_write(APIC_REG_TDCR, lapic_divide_config(divisor));
	lapic_write(APIC_REG_LVT_TIMER, APIC_TIMER_ONESHOT | VEC_HOST_TIMER);
	lapic_write(APIC_REG_TMICT, count);
}

void lapic_timer_deadline(uint64_t tsc)
{
	lapic_write(APIC_REG_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | VEC_HOST_TIMER);
	/*
	 * SDM 11.5.4.1: the LVT write must be ordered before the deadline MSR write; WRMSR to
	 * the x2APIC LVT is not serialising, so fence between them.
	 */
	asm volatile("mfence" : : : "memory");
	wrmsr(MSR_IA32_TSC_DEADLINE, tsc ? tsc : 1);
}

void lapic_timer_stop(void)
{
	if (tsc_deadline)
		wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	lapic_write(APIC_REG_TMICT, 0);
	lapic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED);
}

uint32_t lapic_timer_current(void)
{
	return lapic_read(APIC_REG_TMCCT);
}

uint64_t lapic_timer_hz(void)
{
	return timer_hz;
}

void lapic_timer_arm_tsc(uint64_t deadline)
{
	uint64_t now, hz = tsc_hz();
	unsigned __int128 ticks = 1;

	if (tsc_deadline) {
		lapic_timer_deadline(deadline);
		return;
	}
	/*
	 * Never early: the time to the deadline in LAPIC ticks rounded up, plus one, since the
	 * count's first decrement comes at the next edge of the LAPIC clock, anywhere up to a
	 * tick after the TMICT write (SDM 11.5.4 counts it at the bus or crystal rate).
	 */
	now = rdtsc();
	if (deadline > now)
		ticks = ((unsigned __int128)(deadline - now) * timer_hz + hz - 1) / hz + 1;
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu;	/* the caller re-arms when this fires early */
	lapic_timer_oneshot((uint32_t)ticks, 1);
}

static void calibration_irq(struct trap_frame *f)
{
	(void)f;
	timer_fired_tsc = rdtsc();
	lapic_eoi();
}

void lapic_init(void)
{
	struct cpuid_regs r;
	uint64_t base;

	cpuid(1, 0, &r);
	x2apic = r.ecx & CPUID_1_ECX_X2APIC;
	tsc_deadline = r.ecx & CPUID_1_ECX_TSC_DEADLINE;

	/*
	 * Never clear the global enable bit: Bochs (and QEMU TCG) can't enable a disabled APIC
	 * again (docs/platforms.md). xAPIC -> x2APIC is a legal transition with EN kept
	 * (SDM 11.12.5).
	 */
	base = rdmsr(MSR_IA32_APIC_BASE);
	base |= APIC_BASE_EN;
	if (x2apic)
		base |= APIC_BASE_EXTD;
	wrmsr(MSR_IA32_APIC_BASE, base);
	xapic_mmio = (volatile uint32_t *)(uintptr_t)(base & APIC_BASE_ADDR_MASK & 0xffffffffull);

	lapic_write(APIC_REG_SVR, APIC_SVR_ENABLE | VEC_HOST_SPURIOUS);
	lapic_write(APIC_REG_LVT_ERROR, VEC_HOST_ERROR);
	lapic_write(APIC_REG_ESR, 0);
	lapic_timer_stop();
	lapic_eoi();
	pr_info("host LAPIC: id %u, %s mode, version %#x, TSC-deadline %s\n", lapic_id(),
		x2apic ? "x2APIC" : "xAPIC", lapic_read(APIC_REG_VERSION) & APIC_VERSION_MASK,
		tsc_deadline ? "yes" : "no");
}

/* Waits with interrupts enabled for the calibration interrupt; returns its TSC. */
static uint64_t wait_for_timer_irq(void)
{
	timer_fired_tsc = 0;
	while (!timer_fired_tsc)
		sti_hlt();
	cli();
	return timer_fired_tsc;
}

void lapic_set_timer_hz(uint64_t hz)
{
	timer_hz = hz;
}

bool lapic_oneshot_selftest(void)
{
	/*
	 * A one-shot of 1/10 s at divide 16 (long enough that an emulator's wake-up jitter stays
	 * far below 1%) must interrupt after count * 16 LAPIC clock ticks;
	 * both clocks were measured against the PIT, so the TSC checks the LAPIC independently.
	 * Catches a wrong divide encoding, a timer that fires at once, or one that never does.
	 */
	uint32_t count = (uint32_t)(timer_hz / 10 / 16);
	uint64_t t0, got, expect;
	int64_t err_ppm;

	irq_register(VEC_HOST_TIMER, calibration_irq);
	expect = (uint64_t)(((unsigned __int128)count * 16 * tsc_hz()) / timer_hz);
	t0 = rdtsc();
	lapic_timer_oneshot(count, 16);
	got = wait_for_timer_irq() - t0;
	irq_register(VEC_HOST_TIMER, NULL);
	err_ppm = (int64_t)((((__int128)got - (__int128)expect) * 1000000) / (__int128)expect);
	pr_info("host LAPIC one-shot: %u counts at divide 16 fired after %lu TSC ticks, "
		"expected %lu (%ld ppm)\n", count, got, expect, err_ppm);
	if (err_ppm > 10000 || err_ppm < -10000) {
		pr_err("host LAPIC one-shot is off by more than 1%%\n");
		return false;
	}
	return true;
}
