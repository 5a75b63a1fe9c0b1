/* SPDX-License-Identifier: MIT */
/*
 * ACPI table builder (ACPI 6.5). Every table is written byte by byte at the offsets the spec
 * gives, through memcpy, little-endian (x86): no packed structs, no alignment assumed. The
 * layout is computed and checked against the area before anything is written.
 *
 * Layout in the area, each table on a 16-byte boundary, the FACS on a 64-byte one (5.2.10):
 *
 *	RSDP  XSDT  RSDT  FADT  DSDT  MADT  [FACS]  (zeroes to the end of the area)
 */
#include "lib/error.h"
#include "lib/string.h"
#include "lib/util.h"
#include "loader/acpi.h"

/* Who made the tables (5.2.6): OEM ID (6 bytes), OEM table ID (8), creator ID (4). */
static const char oem_id[6] = { 'T', 'I', 'C', 'K', 'V', 'I' };
static const char oem_table_id[8] = { 'T', 'I', 'C', 'K', 'V', 'I', 'S', 'R' };
static const char creator_id[4] = { 'T', 'K', 'V', 'S' };
#define OEM_REVISION		1
#define CREATOR_REVISION	1	/* tickvisor's table builder; bump when its output changes */

#define TABLE_ALIGN		16

/* RSDP (5.2.5.3), revision 2. */
#define RSDP_SIGNATURE		0	/* 8 "RSD PTR " */
#define RSDP_CHECKSUM		8	/* 1 over the first 20 bytes (the ACPI 1.0 structure) */
#define RSDP_OEMID		9	/* 6 */
#define RSDP_REVISION		15	/* 1 2: ACPI 2.0 and later */
#define RSDP_RSDT		16	/* 4 */
#define RSDP_LENGTH		20	/* 4 of the whole structure */
#define RSDP_XSDT		24	/* 8 */
#define RSDP_EXT_CHECKSUM	32	/* 1 over all of it */
#define RSDP_V1_SIZE		20
#define RSDP_SIZE		36	/* 3 reserved bytes end it */

/* System description table header (5.2.6), the start of every table below. */
#define HDR_SIGNATURE		0	/* 4 */
#define HDR_LENGTH		4	/* 4 of the whole table, header included */
#define HDR_REVISION		8	/* 1 */
#define HDR_CHECKSUM		9	/* 1 the whole table sums to 0 */
#define HDR_OEMID		10	/* 6 */
#define HDR_OEM_TABLE_ID	16	/* 8 */
#define HDR_OEM_REVISION	24	/* 4 */
#define HDR_CREATOR_ID		28	/* 4 */
#define HDR_CREATOR_REVISION	32	/* 4 */
#define HDR_SIZE		36

/* RSDT (5.2.7) and XSDT (5.2.8): the header, then 32-bit or 64-bit table addresses. */
#define SDT_REVISION		1
#define SDT_ENTRIES		2	/* the FADT, the MADT */

/*
 * FADT (5.2.9), revision 6, minor version 5: ACPI 6.5. The fields not named here are 0:
 * Preferred_PM_Profile (unspecified), SMI_CMD (no SMI command port: ACPI mode is always on,
 * 4.8.2.1), PM1b, PM2 and the GPE blocks (none), the century and alarm fields, RESET_REG (no
 * reset register: RESET_REG_SUP is clear). Hardware-reduced (4.1), without acpi_pm, leaves the
 * fixed-hardware fields 0 too: no FACS, no SCI, no PM blocks, no PM timer.
 */
#define FADT_REVISION		6
#define FADT_MINOR_VERSION	5
#define FADT_FIRMWARE_CTRL	36	/* 4 the FACS */
#define FADT_DSDT		40	/* 4 */
#define FADT_SCI_INT		46	/* 2 */
#define FADT_PM1A_EVT_BLK	56	/* 4 */
#define FADT_PM1A_CNT_BLK	64	/* 4 */
#define FADT_PM_TMR_BLK		76	/* 4 */
#define FADT_PM1_EVT_LEN	88	/* 1 */
#define FADT_PM1_CNT_LEN	89	/* 1 */
#define FADT_PM_TMR_LEN		91	/* 1 */
#define FADT_P_LVL2_LAT		96	/* 2 above 100: no C2 */
#define FADT_P_LVL3_LAT		98	/* 2 above 1000: no C3 */
#define FADT_IAPC_BOOT_ARCH	109	/* 2 5.2.9.3 */
#define FADT_FLAGS		112	/* 4 the Fixed Feature Flags */
#define FADT_MINOR		131	/* 1 */
#define FADT_X_FIRMWARE_CTRL	132	/* 8 */
#define FADT_X_DSDT		140	/* 8 */
#define FADT_X_PM1A_EVT_BLK	148	/* 12 GAS */
#define FADT_X_PM1A_CNT_BLK	172	/* 12 GAS */
#define FADT_X_PM_TMR_BLK	208	/* 12 GAS */
#define FADT_HYPERVISOR_VENDOR	268	/* 8 */
#define FADT_SIZE		276

#define PM1_EVT_LEN		4	/* PM1_STS and PM1_EN, 16 bits each (4.8.3.1) */
#define PM1_CNT_LEN		2	/* PM1_CNT (4.8.3.2.1) */
#define PM_TMR_LEN		4	/* PM_TMR, 32 bits with TMR_VAL_EXT (4.8.3.3) */
#define NO_C2_LATENCY		101
#define NO_C3_LATENCY		1001

/* FADT flags (5.2.9, the Fixed Feature Flags). */
#define FADT_F_WBINVD		(1u << 0)
#define FADT_F_PROC_C1		(1u << 2)	/* C1 (HLT) works on every processor */
#define FADT_F_PWR_BUTTON	(1u << 4)	/* set: no fixed-feature power button */
#define FADT_F_SLP_BUTTON	(1u << 5)	/* set: no fixed-feature sleep button */
#define FADT_F_TMR_VAL_EXT	(1u << 8)	/* the PM timer is 32 bits, not 24 */
#define FADT_F_HW_REDUCED_ACPI	(1u << 20)

/* Generic Address Structure (5.2.3.2), 12 bytes. */
#define GAS_SPACE		0	/* 1 address space: */
#define GAS_SPACE_IO		1	/*   system I/O */
#define GAS_BIT_WIDTH		1	/* 1 */
#define GAS_BIT_OFFSET		2	/* 1 */
#define GAS_ACCESS_SIZE		3	/* 1 1 byte, 2 word, 3 dword */
#define GAS_ADDRESS		4	/* 8 */

/* FACS (5.2.10): no header of the usual kind, no checksum. */
#define FACS_SIGNATURE		0	/* 4 "FACS" */
#define FACS_LENGTH		4	/* 4 */
#define FACS_VERSION		32	/* 1 */
#define FACS_SIZE		64
#define FACS_VERSION_2		2
#define FACS_ALIGN		64

/* IA-PC boot architecture flags (5.2.9.3). */
#define BOOT_LEGACY_DEVICES	(1u << 0)
#define BOOT_8042		(1u << 1)
#define BOOT_VGA_NOT_PRESENT	(1u << 2)
#define BOOT_MSI_NOT_SUPPORTED	(1u << 3)
#define BOOT_CMOS_RTC_NOT_PRESENT (1u << 5)

/* The FADT's Hypervisor Vendor Identity (8 bytes, no version in it: 5.2.9). */
static const char hypervisor_vendor[8] = { 'T', 'I', 'C', 'K', 'V', 'I', 'S', 'R' };

/*
 * DSDT (5.2.11.1), revision 2: AML integers are 64-bit. Its definition block declares the one
 * processor as a device (8.4), so that the MADT's processor UID names an object:
 *
 *	Scope (\_SB) { Device (CPU0) { Name (_HID, "ACPI0007") Name (_UID, Zero) } }
 *
 * AML (20.2): PkgLength counts itself and what follows it in its package; below 64 it is one
 * byte with bits 7:6 clear (20.2.4). The bytes are those iasl compiles the line above to.
 */
#define DSDT_REVISION		2
static const uint8_t dsdt_cpu_aml[] = {
	0x10, 0x21,			/* ScopeOp, PkgLength 33 */
	'_', 'S', 'B', '_',		/*   NameSeg _SB_: the block's scope is the root */
	0x5b, 0x82, 0x1a,		/*   DeviceOp (ExtOpPrefix 0x82), PkgLength 26 */
	'C', 'P', 'U', '0',		/*     NameSeg CPU0 */
	0x08, '_', 'H', 'I', 'D',	/*     NameOp _HID */
	0x0d, 'A', 'C', 'P', 'I', '0', '0', '0', '7', 0x00, /* StringPrefix "ACPI0007" */
	0x08, '_', 'U', 'I', 'D',	/*     NameOp _UID */
	0x00,				/*     ZeroOp */
};
/*
 * With fixed hardware, the soft-off sleep type (7.4.2): Name (_S5, Package (0x04) { typ, typ,
 * Zero, Zero }), the SLP_TYP values for PM1a_CNT and PM1b_CNT and two reserved ones. The two
 * typ bytes are patched in (DSDT_S5_TYPA, DSDT_S5_TYPB below).
 */
static const uint8_t dsdt_s5_aml[] = {
	0x08, '_', 'S', '5', '_',	/* NameOp _S5_ */
	0x12, 0x08, 0x04,		/*   PackageOp, PkgLength 8, NumElements 4 */
	0x0a, 0x00,			/*   BytePrefix: SLP_TYPa */
	0x0a, 0x00,			/*   BytePrefix: SLP_TYPb */
	0x00, 0x00,			/*   ZeroOp, ZeroOp */
};
#define DSDT_S5_TYPA		9
#define DSDT_S5_TYPB		11

/* The processor's UID, in _UID above and in the MADT's processor local APIC structure. */
#define CPU_UID			0

/* MADT (5.2.12): the header, then the interrupt controller structures. */
#define MADT_REVISION		5	/* since ACPI 6.3: the local APIC flags have Online Capable */
#define MADT_LAPIC_ADDR		36	/* 4 */
#define MADT_FLAGS		40	/* 4 */
#define MADT_ENTRIES		44
#define MADT_PCAT_COMPAT	(1u << 0)

/* Interrupt controller structures: u8 type, u8 length, then these fields. */
#define ICS_TYPE		0
#define ICS_LENGTH		1

#define LAPIC_TYPE		0	/* processor local APIC (5.2.12.2) */
#define LAPIC_SIZE		8
#define LAPIC_UID		2	/* 1 ACPI processor UID */
#define LAPIC_APIC_ID		3	/* 1 */
#define LAPIC_FLAGS		4	/* 4 */
#define LAPIC_ENABLED		(1u << 0)	/* Online Capable (bit 1) must then be 0 */
#define LAPIC_MAX_ID		0xfe	/* 0xff and up need an x2APIC structure (5.2.12.12) */

#define IOAPIC_TYPE		1	/* I/O APIC (5.2.12.3) */
#define IOAPIC_SIZE		12
#define IOAPIC_ID		2	/* 1, then 1 reserved */
#define IOAPIC_ADDR		4	/* 4 */
#define IOAPIC_GSI_BASE		8	/* 4 */

#define ISO_TYPE		2	/* interrupt source override (5.2.12.5) */
#define ISO_SIZE		10
#define ISO_BUS			2	/* 1 0: ISA */
#define ISO_SOURCE		3	/* 1 the bus-relative IRQ */
#define ISO_GSI			4	/* 4 */
#define ISO_FLAGS		8	/* 2 MPS INTI flags */
#define ISA_IRQS		16

#define LNMI_TYPE		4	/* local APIC NMI (5.2.12.7) */
#define LNMI_SIZE		6
#define LNMI_UID		2	/* 1 0xff: all processors */
#define LNMI_FLAGS		3	/* 2 MPS INTI flags */
#define LNMI_LINT		5	/* 1 LINT0 or LINT1 */
#define LNMI_ALL_PROCESSORS	0xff
#define LNMI_LINT1		1

/* MPS INTI flags: what the reserved and the reserved-value bits are. */
#define INTI_POLARITY_MASK	0x3
#define INTI_TRIGGER_MASK	(0x3 << 2)
#define INTI_RESERVED_VALUE	0x2		/* in either 2-bit field */
#define INTI_RESERVED_BITS	0xfff0
/*
 * An NMI through LINT1 is edge-triggered whatever the LVT's trigger bit says (SDM vol. 3A
 * 11.5.1), and a PC wires it active high.
 */
#define LNMI_INTI_FLAGS		(ACPI_INTI_ACTIVE_HIGH | ACPI_INTI_EDGE)

/* Where each table lies, as offsets into the area. */
struct layout {
	uint32_t xsdt, rsdt, fadt, dsdt, madt, facs;
	uint32_t dsdt_len, madt_len, end;
};

static void put8(uint8_t *t, uint32_t at, uint8_t v)
{
	t[at] = v;
}

static void put16(uint8_t *t, uint32_t at, uint16_t v)
{
	memcpy(t + at, &v, sizeof(v));
}

static void put32(uint8_t *t, uint32_t at, uint32_t v)
{
	memcpy(t + at, &v, sizeof(v));
}

static void put64(uint8_t *t, uint32_t at, uint64_t v)
{
	memcpy(t + at, &v, sizeof(v));
}

/* The byte that makes the len bytes at t, with it in place of the zero there now, sum to 0. */
static uint8_t checksum(const uint8_t *t, uint32_t len)
{
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum += t[i];
	return (uint8_t)-sum;
}

static void put_header(uint8_t *t, const char sig[4], uint32_t len, uint8_t revision)
{
	memcpy(t + HDR_SIGNATURE, sig, 4);
	put32(t, HDR_LENGTH, len);
	put8(t, HDR_REVISION, revision);
	memcpy(t + HDR_OEMID, oem_id, sizeof(oem_id));
	memcpy(t + HDR_OEM_TABLE_ID, oem_table_id, sizeof(oem_table_id));
	put32(t, HDR_OEM_REVISION, OEM_REVISION);
	memcpy(t + HDR_CREATOR_ID, creator_id, sizeof(creator_id));
	put32(t, HDR_CREATOR_REVISION, CREATOR_REVISION);
}

/* Called last for each table, when the rest of it is written (the checksum byte still 0). */
static void seal(uint8_t *t)
{
	uint32_t len;

	memcpy(&len, t + HDR_LENGTH, sizeof(len));
	put8(t, HDR_CHECKSUM, checksum(t, len));
}

static bool inti_reserved(uint16_t flags)
{
	return (flags & INTI_RESERVED_BITS) ||
	       (flags & INTI_POLARITY_MASK) == INTI_RESERVED_VALUE ||
	       ((flags & INTI_TRIGGER_MASK) >> 2) == INTI_RESERVED_VALUE;
}

static int check_platform(const struct acpi_platform *p, char *err, size_t errlen)
{
	if (p->lapic_id > LAPIC_MAX_ID)
		return error_set(err, errlen, "ACPI: local APIC ID %u is above 254, which only an "
				 "x2APIC structure can describe", p->lapic_id);
	if (p->ioapic_count > ACPI_MAX_IOAPICS)
		return error_set(err, errlen, "ACPI: %u I/O APICs, more than the %u the builder "
				 "describes", p->ioapic_count, ACPI_MAX_IOAPICS);
	if (p->override_count > ACPI_MAX_OVERRIDES)
		return error_set(err, errlen, "ACPI: %u interrupt source overrides, more than the %u "
				 "the builder describes", p->override_count, ACPI_MAX_OVERRIDES);
	if (p->pm.present && p->pm.sci_irq >= ISA_IRQS)
		return error_set(err, errlen, "ACPI: the SCI on ISA IRQ %u, above 15", p->pm.sci_irq);
	/* 0 and 1 would be ZeroOp and OneOp in AML, not the BytePrefix form dsdt_s5_aml has */
	if (p->pm.present && (p->pm.s5_slp_typ < 2 || p->pm.s5_slp_typ > 7))
		return error_set(err, errlen, "ACPI: SLP_TYP %u for S5: the builder takes 2-7",
				 p->pm.s5_slp_typ);
	if (p->override_count && !p->ioapic_count)
		return error_set(err, errlen, "ACPI: interrupt source overrides without an I/O APIC "
				 "to route them to");
	for (unsigned int i = 0; i < p->override_count; i++) {
		const struct acpi_irq_override *o = &p->overrides[i];

		if (o->bus_irq >= ISA_IRQS)
			return error_set(err, errlen, "ACPI: interrupt source override %u is for ISA "
					 "IRQ %u, above 15", i, o->bus_irq);
		if (inti_reserved(o->flags))
			return error_set(err, errlen, "ACPI: interrupt source override %u (IRQ %u) "
					 "has reserved MPS INTI flags %#x", i, o->bus_irq,
					 o->flags);
		for (unsigned int j = 0; j < i; j++)
			if (p->overrides[j].bus_irq == o->bus_irq)
				return error_set(err, errlen, "ACPI: two interrupt source "
						 "overrides for IRQ %u", o->bus_irq);
	}
	return 0;
}

static int plan(struct layout *l, const struct acpi_platform *p, uint32_t area_gpa,
		uint32_t area_size, char *err, size_t errlen)
{
	uint64_t end = (uint64_t)area_gpa + area_size;

	l->madt_len = MADT_ENTRIES + LAPIC_SIZE + p->ioapic_count * IOAPIC_SIZE +
		      p->override_count * ISO_SIZE + (p->lint1_nmi ? LNMI_SIZE : 0);
	l->xsdt = align_up(RSDP_SIZE, TABLE_ALIGN);
	l->rsdt = align_up(l->xsdt + HDR_SIZE + SDT_ENTRIES * 8, TABLE_ALIGN);
	l->fadt = align_up(l->rsdt + HDR_SIZE + SDT_ENTRIES * 4, TABLE_ALIGN);
	l->dsdt = align_up(l->fadt + FADT_SIZE, TABLE_ALIGN);
	l->dsdt_len = HDR_SIZE + sizeof(dsdt_cpu_aml) + (p->pm.present ? sizeof(dsdt_s5_aml) : 0);
	l->madt = align_up(l->dsdt + l->dsdt_len, TABLE_ALIGN);
	l->end = l->madt + l->madt_len;
	l->facs = 0;
	if (p->pm.present) {
		l->facs = align_up(area_gpa + l->end, FACS_ALIGN) - area_gpa;
		l->end = l->facs + FACS_SIZE;
	}

	if (area_gpa % TABLE_ALIGN)
		return error_set(err, errlen, "ACPI: the area at %#x is not 16-byte aligned, as the "
				 "RSDP at its start must be", area_gpa);
	if (area_gpa < ACPI_RSDP_SEARCH_START || end > ACPI_RSDP_SEARCH_END)
		return error_set(err, errlen, "ACPI: the area %#x-%#llx lies outside the RSDP "
				 "search range 0xe0000-0xfffff", area_gpa,
				 (unsigned long long)end - 1);
	if (l->end > area_size)
		return error_set(err, errlen, "ACPI: the tables need %u bytes, more than the %u of "
				 "the area", l->end, area_size);
	return 0;
}

static void build_rsdp(uint8_t *t, uint32_t rsdt_gpa, uint64_t xsdt_gpa)
{
	memcpy(t + RSDP_SIGNATURE, "RSD PTR ", 8);
	memcpy(t + RSDP_OEMID, oem_id, sizeof(oem_id));
	put8(t, RSDP_REVISION, 2);
	put32(t, RSDP_RSDT, rsdt_gpa);
	put32(t, RSDP_LENGTH, RSDP_SIZE);
	put64(t, RSDP_XSDT, xsdt_gpa);
	put8(t, RSDP_CHECKSUM, checksum(t, RSDP_V1_SIZE));
	put8(t, RSDP_EXT_CHECKSUM, checksum(t, RSDP_SIZE));
}

/* The XSDT (entry_size 8) or the RSDT (4), listing the FADT and the MADT. */
static void build_sdt(uint8_t *t, const char sig[4], unsigned int entry_size, uint32_t fadt_gpa,
		      uint32_t madt_gpa)
{
	const uint32_t entries[SDT_ENTRIES] = { fadt_gpa, madt_gpa };

	put_header(t, sig, HDR_SIZE + SDT_ENTRIES * entry_size, SDT_REVISION);
	for (unsigned int i = 0; i < SDT_ENTRIES; i++) {
		if (entry_size == 8)
			put64(t, HDR_SIZE + i * 8, entries[i]);
		else
			put32(t, HDR_SIZE + i * 4, entries[i]);
	}
	seal(t);
}

/*
 * Boot architecture flags. LEGACY_DEVICES: the PC's COM ports are user-visible ISA devices
 * that no table enumerates. 8042: set where the controller is there; an OS that finds no
 * keyboard controller in the namespace probes the ports only when told so. VGA Not Present,
 * CMOS RTC Not Present: the opposite of the platform's facts. MSI Not Supported: an MSI raised
 * by a passed-through device goes to the host's local APIC, not to the guest's virtual one, so
 * the guest must not program any.
 */
static uint16_t boot_arch_flags(const struct acpi_boot_arch *b)
{
	return (b->legacy_devices ? BOOT_LEGACY_DEVICES : 0) | (b->i8042 ? BOOT_8042 : 0) |
	       (b->vga ? 0 : BOOT_VGA_NOT_PRESENT) | (b->msi ? 0 : BOOT_MSI_NOT_SUPPORTED) |
	       (b->cmos_rtc ? 0 : BOOT_CMOS_RTC_NOT_PRESENT);
}

/* A GAS for `bytes` bytes of I/O space at `port`, accessed `access` bytes at a time. */
static void put_gas_io(uint8_t *t, uint32_t at, uint16_t port, uint8_t bytes, uint8_t access)
{
	put8(t, at + GAS_SPACE, GAS_SPACE_IO);
	put8(t, at + GAS_BIT_WIDTH, (uint8_t)(bytes * 8));
	put8(t, at + GAS_BIT_OFFSET, 0);
	put8(t, at + GAS_ACCESS_SIZE, access == 4 ? 3 : access);
	put64(t, at + GAS_ADDRESS, port);
}

/*
 * The fixed hardware (4.8): the PM1a blocks and the PM timer, each in the 32-bit field and in
 * its X_ GAS (ACPICA checks that they agree); the SCI's IRQ; no C2/C3 (latencies above the
 * limits); C1 is HLT. The power and sleep buttons are not fixed features (there are none), and
 * the timer is 32 bits wide.
 */
static uint32_t fadt_fixed_hardware(uint8_t *t, uint32_t facs_gpa, const struct acpi_pm *pm)
{
	put32(t, FADT_FIRMWARE_CTRL, facs_gpa);
	put64(t, FADT_X_FIRMWARE_CTRL, facs_gpa);
	put16(t, FADT_SCI_INT, pm->sci_irq);
	put32(t, FADT_PM1A_EVT_BLK, pm->evt_port);
	put32(t, FADT_PM1A_CNT_BLK, pm->cnt_port);
	put32(t, FADT_PM_TMR_BLK, pm->tmr_port);
	put8(t, FADT_PM1_EVT_LEN, PM1_EVT_LEN);
	put8(t, FADT_PM1_CNT_LEN, PM1_CNT_LEN);
	put8(t, FADT_PM_TMR_LEN, PM_TMR_LEN);
	put16(t, FADT_P_LVL2_LAT, NO_C2_LATENCY);
	put16(t, FADT_P_LVL3_LAT, NO_C3_LATENCY);
	put_gas_io(t, FADT_X_PM1A_EVT_BLK, pm->evt_port, PM1_EVT_LEN, 2);
	put_gas_io(t, FADT_X_PM1A_CNT_BLK, pm->cnt_port, PM1_CNT_LEN, 2);
	put_gas_io(t, FADT_X_PM_TMR_BLK, pm->tmr_port, PM_TMR_LEN, 4);
	return FADT_F_PROC_C1 | FADT_F_PWR_BUTTON | FADT_F_SLP_BUTTON | FADT_F_TMR_VAL_EXT;
}

/*
 * With fixed hardware (acpi_pm) or hardware-reduced (4.1: an OS then ignores the fixed-hardware
 * fields, left 0). WBINVD: the guest's WBINVD runs on the CPU itself (no WBINVD exiting), and
 * flushes as the flag promises. The DSDT address goes in both DSDT and X_DSDT, the same value,
 * which ACPICA checks.
 */
static void build_fadt(uint8_t *t, uint32_t dsdt_gpa, uint32_t facs_gpa,
		       const struct acpi_platform *p)
{
	uint32_t flags = FADT_F_WBINVD;

	put_header(t, "FACP", FADT_SIZE, FADT_REVISION);
	put32(t, FADT_DSDT, dsdt_gpa);
	put16(t, FADT_IAPC_BOOT_ARCH, boot_arch_flags(&p->boot_arch));
	if (p->pm.present)
		flags |= fadt_fixed_hardware(t, facs_gpa, &p->pm);
	else
		flags |= FADT_F_HW_REDUCED_ACPI;
	put32(t, FADT_FLAGS, flags);
	put8(t, FADT_MINOR, FADT_MINOR_VERSION);
	put64(t, FADT_X_DSDT, dsdt_gpa);
	memcpy(t + FADT_HYPERVISOR_VENDOR, hypervisor_vendor, sizeof(hypervisor_vendor));
	seal(t);
}

/* FACS (5.2.10), version 2: no waking vector (no S3), no global lock users, no 64-bit wake. */
static void build_facs(uint8_t *t)
{
	memcpy(t + FACS_SIGNATURE, "FACS", 4);
	put32(t, FACS_LENGTH, FACS_SIZE);
	put8(t, FACS_VERSION, FACS_VERSION_2);
}

static void build_dsdt(uint8_t *t, uint32_t len, const struct acpi_platform *p)
{
	uint8_t *s5 = t + HDR_SIZE + sizeof(dsdt_cpu_aml);

	put_header(t, "DSDT", len, DSDT_REVISION);
	memcpy(t + HDR_SIZE, dsdt_cpu_aml, sizeof(dsdt_cpu_aml));
	if (p->pm.present) {
		memcpy(s5, dsdt_s5_aml, sizeof(dsdt_s5_aml));
		s5[DSDT_S5_TYPA] = p->pm.s5_slp_typ;
		s5[DSDT_S5_TYPB] = p->pm.s5_slp_typ;
	}
	seal(t);
}

/* Starts an interrupt controller structure at t + *at; returns its offset and moves *at on. */
static uint32_t ics(uint8_t *t, uint32_t *at, uint8_t type, uint8_t size)
{
	uint32_t s = *at;

	put8(t, s + ICS_TYPE, type);
	put8(t, s + ICS_LENGTH, size);
	*at += size;
	return s;
}

static void build_madt(uint8_t *t, uint32_t len, const struct acpi_platform *p)
{
	uint32_t at = MADT_ENTRIES, s;

	put_header(t, "APIC", len, MADT_REVISION);
	put32(t, MADT_LAPIC_ADDR, p->lapic_addr);
	put32(t, MADT_FLAGS, p->pcat_compat ? MADT_PCAT_COMPAT : 0);

	s = ics(t, &at, LAPIC_TYPE, LAPIC_SIZE);
	put8(t, s + LAPIC_UID, CPU_UID);
	put8(t, s + LAPIC_APIC_ID, (uint8_t)p->lapic_id);
	put32(t, s + LAPIC_FLAGS, LAPIC_ENABLED);

	for (unsigned int i = 0; i < p->ioapic_count; i++) {
		s = ics(t, &at, IOAPIC_TYPE, IOAPIC_SIZE);
		put8(t, s + IOAPIC_ID, p->ioapic[i].id);
		put32(t, s + IOAPIC_ADDR, p->ioapic[i].addr);
		put32(t, s + IOAPIC_GSI_BASE, p->ioapic[i].gsi_base);
	}
	for (unsigned int i = 0; i < p->override_count; i++) {
		s = ics(t, &at, ISO_TYPE, ISO_SIZE);
		put8(t, s + ISO_BUS, 0);
		put8(t, s + ISO_SOURCE, p->overrides[i].bus_irq);
		put32(t, s + ISO_GSI, p->overrides[i].gsi);
		put16(t, s + ISO_FLAGS, p->overrides[i].flags);
	}
	if (p->lint1_nmi) {
		s = ics(t, &at, LNMI_TYPE, LNMI_SIZE);
		put8(t, s + LNMI_UID, LNMI_ALL_PROCESSORS);
		put16(t, s + LNMI_FLAGS, LNMI_INTI_FLAGS);
		put8(t, s + LNMI_LINT, LNMI_LINT1);
	}
	seal(t);
}

int acpi_build(uint8_t *area, uint32_t area_gpa, uint32_t area_size,
	       const struct acpi_platform *p, char *err, size_t errlen)
{
	struct layout l;

	if (check_platform(p, err, errlen) || plan(&l, p, area_gpa, area_size, err, errlen))
		return -1;
	memset(area, 0, area_size);
	build_sdt(area + l.xsdt, "XSDT", 8, area_gpa + l.fadt, area_gpa + l.madt);
	build_sdt(area + l.rsdt, "RSDT", 4, area_gpa + l.fadt, area_gpa + l.madt);
	build_fadt(area + l.fadt, area_gpa + l.dsdt, l.facs ? area_gpa + l.facs : 0, p);
	build_dsdt(area + l.dsdt, l.dsdt_len, p);
	if (l.facs)
		build_facs(area + l.facs);
	build_madt(area + l.madt, l.madt_len, p);
	build_rsdp(area, area_gpa + l.rsdt, area_gpa + l.xsdt);
	return 0;
}
