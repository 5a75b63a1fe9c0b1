/* SPDX-License-Identifier: MIT */
/*
 * The guest's ACPI tables (ACPI 6.5), built by tickvisor into guest memory: what a PC's firmware
 * hands its OS. They describe exactly the virtual platform the guest gets, no more:
 *
 *	RSDP	revision 2, at the start of the area, where an OS scans for it (5.2.5.1)
 *	XSDT	and RSDT, each listing the FADT and the MADT
 *	FADT	hardware-reduced (4.1): tickvisor implements none of the ACPI fixed hardware, no PM
 *		timer, no SCI, no SMI command port, no FACS; the IA-PC boot architecture flags say
 *		which legacy devices the passed-through PC has
 *	DSDT	one processor device, \_SB.CPU0 (ACPI0007, _UID 0), for the MADT's processor
 *	MADT	the one local APIC (processor UID 0), the I/O APICs, the interrupt source overrides
 *		and LINT1 as NMI, as the configuration says
 *
 * The builder is portable C: it writes through a host pointer and never touches the VMCS, so
 * that the host unit tests run it unchanged.
 */
#ifndef LOADER_ACPI_H
#define LOADER_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Where the tables go: the top 128 KiB below 1 MiB, the BIOS read-only area that an OS scans
 * for the RSDP on 16-byte boundaries (ACPI 6.5 5.2.5.1). The guest's memory maps report all of
 * 0x9fc00-0xfffff reserved, so the guest never takes it for RAM.
 */
#define ACPI_AREA_GPA		0xe0000u
#define ACPI_AREA_SIZE		0x20000u
#define ACPI_RSDP_SEARCH_START	0xe0000u
#define ACPI_RSDP_SEARCH_END	0x100000u	/* exclusive */

#define ACPI_MAX_IOAPICS	1
#define ACPI_MAX_OVERRIDES	16

/* MPS INTI flags (ACPI 6.5 5.2.12.5), of interrupt source overrides and NMI structures. */
#define ACPI_INTI_POLARITY_CONFORMS	0x0	/* bits 1:0, as the bus defines (ISA: high) */
#define ACPI_INTI_ACTIVE_HIGH		0x1
#define ACPI_INTI_ACTIVE_LOW		0x3
#define ACPI_INTI_TRIGGER_CONFORMS	(0x0 << 2)	/* bits 3:2, as the bus defines (ISA: edge) */
#define ACPI_INTI_EDGE			(0x1 << 2)
#define ACPI_INTI_LEVEL			(0x3 << 2)

/* An I/O APIC (MADT type 1): its ID, MMIO base, and the first GSI its pins carry. */
struct acpi_ioapic {
	uint8_t id;
	uint32_t addr;
	uint32_t gsi_base;
};

/* An ISA IRQ that reaches the I/O APIC on another GSI or with other flags (MADT type 2). */
struct acpi_irq_override {
	uint8_t bus_irq;	/* ISA IRQ 0-15 */
	uint32_t gsi;
	uint16_t flags;		/* ACPI_INTI_* */
};

/*
 * The FADT's IA-PC boot architecture flags (ACPI 6.5 5.2.9.3), as facts about the platform:
 * true where the guest has the thing.
 */
struct acpi_boot_arch {
	bool legacy_devices;	/* user-visible ISA/LPC devices (COM ports) */
	bool i8042;		/* a keyboard controller at ports 0x60/0x64 */
	bool vga;		/* VGA at 0xa0000 and its ports */
	bool msi;		/* MSIs that a device raises reach the guest's local APIC */
	bool cmos_rtc;		/* the MC146818 RTC/CMOS at ports 0x70/0x71 */
};

/*
 * ACPI fixed hardware (4.8): the PM1a event and control blocks and the PM timer, in I/O space,
 * and the SCI's ISA IRQ. Present: the FADT is a full one (not hardware-reduced) with a FACS, and
 * the DSDT names the S5 (soft-off) sleep type. Absent: a hardware-reduced FADT.
 */
struct acpi_pm {
	bool present;
	uint16_t evt_port;		/* PM1a_EVT_BLK: PM1_STS, PM1_EN (2 + 2 bytes) */
	uint16_t cnt_port;		/* PM1a_CNT_BLK: PM1_CNT (2 bytes) */
	uint16_t tmr_port;		/* PM_TMR_BLK: the 32-bit PM timer (4 bytes) */
	uint8_t sci_irq;		/* ISA IRQ of the SCI (level, active high: 5.2.9) */
	uint8_t s5_slp_typ;		/* SLP_TYP value of \_S5 (0-7) */
};

struct acpi_platform {
	uint32_t lapic_id;		/* the one vCPU's APIC ID: below 255 (an xAPIC ID) */
	uint32_t lapic_addr;		/* guest-physical base of the local APIC */
	bool pcat_compat;		/* a dual 8259 is present (MADT flag PCAT_COMPAT) */
	unsigned int ioapic_count;	/* at most ACPI_MAX_IOAPICS */
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
	unsigned int override_count;	/* at most ACPI_MAX_OVERRIDES; each needs an I/O APIC */
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
	bool lint1_nmi;			/* LINT1 is wired to NMI (MADT local APIC NMI structure) */
	struct acpi_boot_arch boot_arch;
	struct acpi_pm pm;
};

/*
 * Writes the tables into area, a host pointer to the area_size bytes of guest memory that the
 * guest sees at area_gpa. The RSDP lands at area_gpa itself, which must be 16-byte aligned, and
 * the whole area must lie in the RSDP search range 0xe0000-0xfffff. The rest of the area is
 * zeroed, so that nothing it held before can pass for a table. Returns 0, or -1 with a sentence
 * in err (under 160 characters) and the area untouched.
 */
int acpi_build(uint8_t *area, uint32_t area_gpa, uint32_t area_size,
	       const struct acpi_platform *p, char *err, size_t errlen);

#endif
