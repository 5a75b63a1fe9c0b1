/* SPDX-License-Identifier: MIT */
#include "tests/guest/lib/apic.h"
#include "tests/guest/lib/cpu.h"

#define X2APIC_MSR_BASE		0x800
#define APIC_BASE_ADDR_MASK	0xfffff000u

static bool x2apic;
static uint32_t xapic_base;

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

/* Where IA32_APIC_BASE puts the page: 0xfee00000 unless someone moved it. Paging is off. */
static uint32_t mmio_base(void)
{
	if (!xapic_base)
		xapic_base = (uint32_t)rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_ADDR_MASK;
	return xapic_base;
}

uint32_t apic_read(uint32_t off)
{
	if (x2apic)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + off / 16);
	return mmio_read32(mmio_base() + off);
}

void apic_write(uint32_t off, uint32_t val)
{
	if (x2apic)
		wrmsr(X2APIC_MSR_BASE + off / 16, val);
	else
		mmio_write32(mmio_base() + off, val);
}
