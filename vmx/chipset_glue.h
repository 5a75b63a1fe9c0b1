/* SPDX-License-Identifier: MIT */
/*
 * The VMX side of the guest's interrupt chipset (chipset/chipset.h): traps its ports and the
 * vIOAPIC's page to it, hands its vPIT deadline to vmx/deadlines.c, connects its messages to the
 * vLAPIC (apic_glue), and forwards the physical ISA lines of the passed-through devices
 * (arch/x86/irq_lines.h) while the guest unmasks them.
 */
#ifndef VMX_CHIPSET_GLUE_H
#define VMX_CHIPSET_GLUE_H

#include <stdbool.h>
#include <stdint.h>

struct chipset_glue_config {
	uint64_t tsc_hz;
	uint32_t min_period_us;		/* the vPIT's periodic floor: the vLAPIC's boot option */
	uint8_t apic_id;		/* the vCPU's, for the vIOAPIC's physical destinations */
};

/* After apic_glue_init (it connects to the vLAPIC) and before the first entry. */
bool chipset_glue_init(const struct chipset_glue_config *cfg);
/* One line for the boot banner. */
void chipset_glue_describe(void);
/* The vIOAPIC's guest-physical base, for the MADT. */
uint32_t chipset_glue_ioapic_base(void);
/*
 * The ACPI fixed hardware's I/O ports and SCI, for the FADT and the MADT: PM1a_EVT_BLK,
 * PM1a_CNT_BLK and PM_TMR_BLK, and the ISA IRQ of the SCI (level, active high).
 */
#define CHIPSET_PM_EVT_PORT	0x600
#define CHIPSET_PM_CNT_PORT	0x604
#define CHIPSET_PM_TMR_PORT	0x608
#define CHIPSET_SCI_IRQ		9
#define CHIPSET_S5_SLP_TYP	5
/* A forwarded device line is unmasked: its interrupt can wake a halted vCPU. */
bool chipset_glue_can_wake(void);
/* vPIT ticks, forwarded interrupts per line, ExtINT and NMI messages: the exit statistics. */
void chipset_glue_print_stats(void);

#endif
