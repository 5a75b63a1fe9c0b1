/* SPDX-License-Identifier: MIT */
#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/cpu.h"

const uint32_t apic_lvts[APIC_NR_LVTS] = {
	APIC_REG_LVT_TIMER, APIC_REG_LVT_THERMAL, APIC_REG_LVT_PERF, APIC_REG_LVT_LINT0,
	APIC_REG_LVT_LINT1, APIC_REG_LVT_ERROR,
};

static bool x2apic;

bool apic_has_x2apic(void)
{
	return cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC;
}

bool apic_has_tsc_deadline(void)
{
	return cpuid(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE;
}

void apic_use_x2apic(void)
{
	/* xAPIC -> x2APIC is a legal transition with EN kept at 1 (SDM 11.12.5). */
	wrmsr(MSR_IA32_APIC_BASE, rdmsr(MSR_IA32_APIC_BASE) | APIC_BASE_EN | APIC_BASE_EXTD);
	x2apic = true;
}

bool apic_is_x2apic(void)
{
	return x2apic;
}

void apic_sync_mode(void)
{
	x2apic = rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_EXTD;
}

/*
 * The xAPIC page sits at the default base: no test moves it (tickvisor refuses a relocation), and
 * paging is off.
 */
uint32_t apic_read(uint32_t off)
{
	if (x2apic)
		return (uint32_t)rdmsr(APIC_X2APIC_MSR(off));
	return mmio_read32(APIC_BASE_DEFAULT + off);
}

void apic_write(uint32_t off, uint32_t val)
{
	if (x2apic)
		wrmsr(APIC_X2APIC_MSR(off), val);
	else
		mmio_write32(APIC_BASE_DEFAULT + off, val);
}

uint64_t apic_read_icr(void)
{
	if (x2apic)
		return rdmsr(APIC_X2APIC_MSR(APIC_REG_ICR_LO));
	return (uint64_t)apic_read(APIC_REG_ICR_HI) << 32 | apic_read(APIC_REG_ICR_LO);
}

void apic_write_icr(uint64_t val)
{
	if (x2apic) {
		wrmsr(APIC_X2APIC_MSR(APIC_REG_ICR_LO), val);
		return;
	}
	/* the write of the low half sends (SDM 11.6.1) */
	apic_write(APIC_REG_ICR_HI, (uint32_t)(val >> 32));
	apic_write(APIC_REG_ICR_LO, (uint32_t)val);
}

uint32_t apic_tdcr(unsigned int divisor)
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
