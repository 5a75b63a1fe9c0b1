/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the ACPI table builder. The tables are read back by a decoder written here from
 * the ACPI 6.5 spec alone (none of loader/acpi.c's offsets or helpers): it finds the RSDP the way
 * an OS does, by scanning the area on 16-byte boundaries, checks both RSDP checksums, follows
 * the RSDT and the XSDT, checks every table's signature, length and checksum, and decodes the
 * FADT and the MADT for comparison with the configuration. Each table the RSDP leads to is also
 * given to iasl -d (ACPICA's disassembler), whose output must be free of errors and warnings, and
 * the DSDT's disassembly must compile back to the same AML. (The RSDP is no table with a header:
 * Debian 12's iasl refuses a lone one, even its own template's, so the decoder alone checks it.)
 * Every build runs on a heap area of exactly the size it is given, so that AddressSanitizer
 * catches a write past it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "loader/acpi.h"

#define GPA		0xe0000u
#define SIZE		0x20000u
#define FILL		0xa5	/* what the area holds before a build */
#define IASL_DIR	"build/unit/acpi"

static uint8_t *area;
static uint32_t area_size;
static char err[256];

/* ---- configurations ---- */

/* What vmx/vm.c passes today: the one LAPIC, the PC's 8259 pair, no I/O APIC yet. */
static struct acpi_platform today(void)
{
	return (struct acpi_platform){
		.lapic_id = 0,
		.lapic_addr = 0xfee00000u,
		.pcat_compat = true,
		.lint1_nmi = true,
		.boot_arch = { .legacy_devices = true, .i8042 = true, .vga = true, .msi = false,
			       .cmos_rtc = true },
	};
}

/* With the I/O APIC of the chipset issue: IRQ0 on GSI 2, IRQ9 level-triggered, active high. */
static struct acpi_platform with_ioapic(void)
{
	struct acpi_platform p = today();

	p.lapic_id = 3;
	p.ioapic_count = 1;
	p.ioapic[0] = (struct acpi_ioapic){ .id = 1, .addr = 0xfec00000u, .gsi_base = 0 };
	p.override_count = 2;
	p.overrides[0] = (struct acpi_irq_override){ .bus_irq = 0, .gsi = 2, .flags = 0 };
	p.overrides[1] = (struct acpi_irq_override){ .bus_irq = 9, .gsi = 9, .flags = 0x000d };
	return p;
}

/* What vmx/vm.c passes: the chipset, and ACPI fixed hardware with the PM timer, SCI on IRQ9. */
static struct acpi_platform with_pm(void)
{
	struct acpi_platform p = with_ioapic();

	p.lapic_id = 0;
	p.ioapic[0].id = 0;
	p.pm = (struct acpi_pm){ .present = true, .evt_port = 0x600, .cnt_port = 0x604,
				 .tmr_port = 0x608, .sci_irq = 9, .s5_slp_typ = 5 };
	return p;
}

/* ---- the independent decoder ---- */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

struct decoded {
	uint32_t end;			/* the highest table end, as an offset into the area */
	uint32_t rsdp;			/* offsets into the area */
	uint32_t rsdt, xsdt, fadt, dsdt, madt, facs;
	/* FADT */
	uint32_t fadt_flags;
	uint16_t boot_arch;
	uint16_t sci_int;
	uint32_t pm1a_evt, pm1a_cnt, pm_tmr;
	/* DSDT: \_S5's package, when there is one */
	bool has_s5;
	uint8_t s5_typa, s5_typb;
	/* MADT */
	uint32_t lapic_addr, madt_flags;
	unsigned int n_lapic, n_ioapic, n_iso, n_nmi;
	struct { uint8_t uid, id; uint32_t flags; } lapic[4];
	struct { uint8_t id; uint32_t addr, gsi_base; } ioapic[4];
	struct { uint8_t bus, irq; uint32_t gsi; uint16_t flags; } iso[20];
	struct { uint8_t uid, lint; uint16_t flags; } nmi[4];
};

/* A table at gpa: inside the area, the signature, a length that fits, the checksum. */
static uint32_t table(struct decoded *d, uint64_t gpa, const char *sig, uint8_t revision)
{
	uint32_t off, len;

	assert_true(gpa >= GPA && gpa + 36 <= (uint64_t)GPA + area_size);
	off = (uint32_t)(gpa - GPA);
	assert_memory_equal(area + off, sig, 4);
	len = rd32(area + off + 4);
	assert_true(len >= 36 && off + (uint64_t)len <= area_size);
	assert_int_equal(area[off + 8], revision);
	assert_int_equal(sum(area + off, len), 0);
	assert_memory_equal(area + off + 10, "TICKVI", 6);
	if (off + len > d->end)
		d->end = off + len;
	return off;
}

/* The RSDP scan of 5.2.5.1: the first 16-byte boundary with the signature and a good checksum. */
static unsigned int scan_rsdp(uint32_t *first)
{
	unsigned int found = 0;

	for (uint32_t off = 0; off + 20 <= area_size; off += 16) {
		if (memcmp(area + off, "RSD PTR ", 8) || sum(area + off, 20))
			continue;
		if (!found++)
			*first = off;
	}
	return found;
}

static void decode_madt(struct decoded *d)
{
	const uint8_t *t = area + d->madt;
	uint32_t len = rd32(t + 4), at = 44;

	d->lapic_addr = rd32(t + 36);
	d->madt_flags = rd32(t + 40);
	while (at < len) {
		const uint8_t *e = t + at;

		assert_true(at + 2 <= len);
		assert_true(e[1] >= 2 && at + e[1] <= len);
		switch (e[0]) {
		case 0:		/* processor local APIC (5.2.12.2) */
			assert_int_equal(e[1], 8);
			assert_true(d->n_lapic < 4);
			d->lapic[d->n_lapic].uid = e[2];
			d->lapic[d->n_lapic].id = e[3];
			d->lapic[d->n_lapic++].flags = rd32(e + 4);
			break;
		case 1:		/* I/O APIC (5.2.12.3) */
			assert_int_equal(e[1], 12);
			assert_int_equal(e[3], 0);	/* reserved */
			assert_true(d->n_ioapic < 4);
			d->ioapic[d->n_ioapic].id = e[2];
			d->ioapic[d->n_ioapic].addr = rd32(e + 4);
			d->ioapic[d->n_ioapic++].gsi_base = rd32(e + 8);
			break;
		case 2:		/* interrupt source override (5.2.12.5) */
			assert_int_equal(e[1], 10);
			assert_true(d->n_iso < 20);
			d->iso[d->n_iso].bus = e[2];
			d->iso[d->n_iso].irq = e[3];
			d->iso[d->n_iso].gsi = rd32(e + 4);
			d->iso[d->n_iso++].flags = rd16(e + 8);
			break;
		case 4:		/* local APIC NMI (5.2.12.7) */
			assert_int_equal(e[1], 6);
			assert_true(d->n_nmi < 4);
			d->nmi[d->n_nmi].uid = e[2];
			d->nmi[d->n_nmi].flags = rd16(e + 3);
			d->nmi[d->n_nmi++].lint = e[5];
			break;
		default:
			fail_msg("MADT structure of type %u at offset %u", e[0], at);
		}
		at += e[1];
	}
	assert_int_equal(at, len);
}

/* A GAS (5.2.3.2) describing `bits` of system I/O at `port`. */
static void check_gas_io(const uint8_t *g, uint32_t port, unsigned int bits)
{
	assert_int_equal(g[0], 1);			/* system I/O */
	assert_int_equal(g[1], bits);
	assert_int_equal(g[2], 0);
	assert_true(g[3] >= 1 && g[3] <= 3);		/* byte, word or dword accesses */
	assert_int_equal(rd64(g + 4), port);
}

/* A full FADT: the FACS, the SCI, PM1a's event and control blocks, the 32-bit PM timer. */
static void decode_fixed_hardware(struct decoded *d, const uint8_t *f)
{
	uint32_t facs = rd32(f + 36);
	const uint8_t *fc;

	assert_int_equal(rd64(f + 132), facs);		/* X_FIRMWARE_CTRL agrees */
	assert_true(facs >= GPA && facs + 64 <= GPA + area_size);
	assert_int_equal(facs % 64, 0);			/* 5.2.10: 64-byte aligned */
	d->facs = facs - GPA;
	fc = area + d->facs;
	assert_memory_equal(fc, "FACS", 4);
	assert_int_equal(rd32(fc + 4), 64);
	assert_int_equal(fc[32], 2);			/* version */
	if (d->facs + 64 > d->end)
		d->end = d->facs + 64;
	assert_true(d->sci_int > 0 && d->sci_int < 16);
	assert_int_equal(f[88], 4);			/* PM1_EVT_LEN */
	assert_int_equal(f[89], 2);			/* PM1_CNT_LEN */
	assert_int_equal(f[91], 4);			/* PM_TMR_LEN */
	assert_true(rd16(f + 96) > 100);		/* P_LVL2_LAT: no C2 */
	assert_true(rd16(f + 98) > 1000);		/* P_LVL3_LAT: no C3 */
	assert_true(d->fadt_flags & (1u << 8));		/* TMR_VAL_EXT: 32 bits */
	check_gas_io(f + 148, d->pm1a_evt, 32);		/* X_PM1a_EVT_BLK */
	check_gas_io(f + 172, d->pm1a_cnt, 16);		/* X_PM1a_CNT_BLK */
	check_gas_io(f + 208, d->pm_tmr, 32);		/* X_PM_TMR_BLK */
}

/* The DSDT's AML: Scope (\_SB) {...}, then nothing or Name (_S5, Package (4) {...}). */
static void decode_dsdt(struct decoded *d)
{
	const uint8_t *a = area + d->dsdt + 36;
	uint32_t len = rd32(area + d->dsdt + 4) - 36, scope;
	static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04 };

	assert_true(len > 2);
	assert_int_equal(a[0], 0x10);			/* ScopeOp */
	assert_int_equal(a[1] & 0xc0, 0);		/* a one-byte PkgLength */
	scope = 1 + a[1];
	assert_true(scope <= len);
	if (scope == len)
		return;
	/* NameOp _S5_ PackageOp PkgLength 8, four elements: two BytePrefix SLP_TYPs, two zeroes */
	assert_int_equal(len - scope, sizeof(s5) + 6);
	assert_memory_equal(a + scope, s5, sizeof(s5));
	assert_int_equal(a[scope + 8], 0x0a);
	assert_int_equal(a[scope + 10], 0x0a);
	assert_int_equal(a[scope + 12], 0x00);
	assert_int_equal(a[scope + 13], 0x00);
	d->has_s5 = true;
	d->s5_typa = a[scope + 9];
	d->s5_typb = a[scope + 11];
}

/* Decodes the tables in the area from the RSDP on, checking everything the spec pins down. */
static void decode(struct decoded *d)
{
	uint32_t rsdt_len, xsdt_len, fadt_gpa = 0, madt_gpa = 0;
	const uint8_t *r, *f;
	uint64_t x_dsdt;

	memset(d, 0, sizeof(*d));
	assert_int_equal(scan_rsdp(&d->rsdp), 1);
	r = area + d->rsdp;
	assert_true(d->rsdp + 36 <= area_size);
	assert_int_equal(r[15], 2);			/* revision */
	assert_int_equal(rd32(r + 20), 36);		/* length */
	assert_int_equal(sum(r, 36), 0);		/* extended checksum */
	assert_memory_equal(r + 9, "TICKVI", 6);
	d->end = d->rsdp + 36;

	d->rsdt = table(d, rd32(r + 16), "RSDT", 1);
	d->xsdt = table(d, rd64(r + 24), "XSDT", 1);
	rsdt_len = rd32(area + d->rsdt + 4);
	xsdt_len = rd32(area + d->xsdt + 4);
	assert_int_equal(rsdt_len, 36 + 2 * 4);
	assert_int_equal(xsdt_len, 36 + 2 * 8);
	for (unsigned int i = 0; i < 2; i++) {
		uint32_t a = rd32(area + d->rsdt + 36 + 4 * i);
		uint64_t xa = rd64(area + d->xsdt + 36 + 8 * i);

		assert_int_equal(a, xa);		/* both list the same tables */
		assert_true(a >= GPA && a + 4 <= GPA + area_size);
		if (!memcmp(area + (a - GPA), "FACP", 4))
			fadt_gpa = a;
		else if (!memcmp(area + (a - GPA), "APIC", 4))
			madt_gpa = a;
		else
			fail_msg("RSDT entry %u at %#x is neither the FADT nor the MADT", i, a);
	}
	assert_true(fadt_gpa && madt_gpa);

	/* FADT (5.2.9): ACPI 6.5, 276 bytes. */
	d->fadt = table(d, fadt_gpa, "FACP", 6);
	f = area + d->fadt;
	assert_int_equal(rd32(f + 4), 276);
	assert_int_equal(f[131], 5);			/* minor version */
	assert_int_equal(rd32(f + 48), 0);		/* SMI_CMD: ACPI mode is always on */
	assert_memory_equal(f + 268, "TICKVISR", 8);	/* hypervisor vendor identity */
	d->fadt_flags = rd32(f + 112);
	d->boot_arch = rd16(f + 109);
	d->sci_int = rd16(f + 46);
	d->pm1a_evt = rd32(f + 56);
	d->pm1a_cnt = rd32(f + 64);
	d->pm_tmr = rd32(f + 76);
	if (d->fadt_flags & (1u << 20)) {
		/* Hardware-reduced (4.1): no FACS, no SCI, no fixed-hardware blocks. */
		assert_int_equal(rd32(f + 36), 0);	/* FIRMWARE_CTRL */
		assert_int_equal(rd64(f + 132), 0);	/* X_FIRMWARE_CTRL */
		assert_int_equal(d->sci_int, 0);
		assert_int_equal(d->pm_tmr, 0);
		assert_int_equal(f[91], 0);		/* PM_TMR_LEN */
		for (unsigned int i = 0; i < 12; i++)
			assert_int_equal(f[208 + i], 0);	/* X_PM_TMR_BLK */
		assert_int_equal(d->pm1a_evt, 0);
		assert_int_equal(d->pm1a_cnt, 0);
	} else {
		decode_fixed_hardware(d, f);
	}
	x_dsdt = rd64(f + 140);
	assert_int_equal(rd32(f + 40), x_dsdt);		/* DSDT and X_DSDT agree */

	/* DSDT (5.2.11.1): revision 2; a Scope package, then perhaps \_S5 (7.4.2). */
	d->dsdt = table(d, x_dsdt, "DSDT", 2);
	decode_dsdt(d);

	d->madt = table(d, madt_gpa, "APIC", 5);
	decode_madt(d);
}

/* ---- building ---- */

/* A fresh area of size bytes, filled with FILL. */
static void new_area(uint32_t size)
{
	free(area);
	area = malloc(size);
	assert_non_null(area);
	memset(area, FILL, size);
	area_size = size;
}

static int build_at(const struct acpi_platform *p, uint32_t gpa, uint32_t size)
{
	new_area(size);
	err[0] = 0;
	return acpi_build(area, gpa, size, p, err, sizeof(err));
}

static void build_ok(const struct acpi_platform *p, struct decoded *d)
{
	int rc = build_at(p, GPA, SIZE);

	if (rc)
		fail_msg("acpi_build: %s", err);
	decode(d);
}

static int teardown(void **state)
{
	(void)state;
	free(area);
	area = NULL;
	return 0;
}

/* ---- the tables against the configuration ---- */

static void check_common(const struct decoded *d, const struct acpi_platform *p)
{
	assert_int_equal(d->rsdp, 0);			/* the RSDP lands at the area's start */
	assert_int_equal(!!(d->fadt_flags & (1u << 20)), !p->pm.present);	/* HW_REDUCED */
	assert_int_equal(d->has_s5, p->pm.present);
	if (p->pm.present) {
		assert_int_equal(d->sci_int, p->pm.sci_irq);
		assert_int_equal(d->pm1a_evt, p->pm.evt_port);
		assert_int_equal(d->pm1a_cnt, p->pm.cnt_port);
		assert_int_equal(d->pm_tmr, p->pm.tmr_port);
		assert_int_equal(d->s5_typa, p->pm.s5_slp_typ);
		assert_int_equal(d->s5_typb, p->pm.s5_slp_typ);
	}
	assert_int_equal(d->lapic_addr, p->lapic_addr);
	assert_int_equal(d->madt_flags, p->pcat_compat ? 1 : 0);
	assert_int_equal(d->n_lapic, 1);
	assert_int_equal(d->lapic[0].id, p->lapic_id);
	assert_int_equal(d->lapic[0].flags, 1);		/* enabled */
	assert_int_equal(d->n_ioapic, p->ioapic_count);
	for (unsigned int i = 0; i < p->ioapic_count; i++) {
		assert_int_equal(d->ioapic[i].id, p->ioapic[i].id);
		assert_int_equal(d->ioapic[i].addr, p->ioapic[i].addr);
		assert_int_equal(d->ioapic[i].gsi_base, p->ioapic[i].gsi_base);
	}
	assert_int_equal(d->n_iso, p->override_count);
	for (unsigned int i = 0; i < p->override_count; i++) {
		assert_int_equal(d->iso[i].bus, 0);	/* ISA */
		assert_int_equal(d->iso[i].irq, p->overrides[i].bus_irq);
		assert_int_equal(d->iso[i].gsi, p->overrides[i].gsi);
		assert_int_equal(d->iso[i].flags, p->overrides[i].flags);
	}
	assert_int_equal(d->n_nmi, p->lint1_nmi ? 1 : 0);
	if (p->lint1_nmi) {
		/* All processors, or the one processor's UID. */
		assert_true(d->nmi[0].uid == 0xff || d->nmi[0].uid == d->lapic[0].uid);
		assert_int_equal(d->nmi[0].lint, 1);
		assert_int_equal(d->nmi[0].flags, 0x5);	/* edge, active high */
	}
	/* Nothing but zeroes after the tables: what the area held before is gone. */
	for (uint32_t i = d->end; i < area_size; i++)
		if (area[i])
			fail_msg("byte %#x after the tables' end %#x is %#x", i, d->end, area[i]);
}

static void test_today(void **state)
{
	struct acpi_platform p = today();
	struct decoded d;

	(void)state;
	build_ok(&p, &d);
	check_common(&d, &p);
	/* LEGACY_DEVICES and 8042 set, MSI Not Supported set, VGA and CMOS RTC present. */
	assert_int_equal(d.boot_arch, 0x0b);
	assert_int_equal(d.fadt_flags, (1u << 20) | 1u);	/* HW_REDUCED_ACPI, WBINVD */
}

static void test_ioapic_and_overrides(void **state)
{
	struct acpi_platform p = with_ioapic();
	struct decoded d;

	(void)state;
	build_ok(&p, &d);
	check_common(&d, &p);
	assert_int_equal(d.iso[0].irq, 0);
	assert_int_equal(d.iso[0].gsi, 2);
	assert_int_equal(d.iso[1].irq, 9);
	assert_int_equal(d.iso[1].flags & 0x3, 1);		/* active high */
	assert_int_equal((d.iso[1].flags >> 2) & 0x3, 3);	/* level */
}

/* ACPI fixed hardware: a full FADT (PM1a blocks, PM timer, SCI), the FACS, \_S5 in the DSDT. */
static void test_fixed_hardware(void **state)
{
	struct acpi_platform p = with_pm();
	struct decoded d;

	(void)state;
	build_ok(&p, &d);
	check_common(&d, &p);
	/* WBINVD, PROC_C1, PWR_BUTTON and SLP_BUTTON (none), TMR_VAL_EXT; not hardware-reduced */
	assert_int_equal(d.fadt_flags, 1u | (1u << 2) | (1u << 4) | (1u << 5) | (1u << 8));
	assert_true(d.facs > d.madt);
	/* S5's SLP_TYP must fit PM1_CNT's 3 bits, and be encoded as the builder can */
	p.pm.s5_slp_typ = 8;
	assert_int_equal(build_at(&p, GPA, SIZE), -1);
	assert_non_null(strstr(err, "SLP_TYP"));
	p.pm.s5_slp_typ = 5;
	p.pm.sci_irq = 16;
	assert_int_equal(build_at(&p, GPA, SIZE), -1);
	assert_non_null(strstr(err, "SCI"));
}

static void test_every_override(void **state)
{
	struct acpi_platform p = with_ioapic();
	struct decoded d;

	(void)state;
	p.override_count = 16;
	for (unsigned int i = 0; i < 16; i++)
		p.overrides[i] = (struct acpi_irq_override){
			.bus_irq = (uint8_t)(15 - i), .gsi = 16 + i, .flags = i % 2 ? 0xf : 0x5,
		};
	build_ok(&p, &d);
	check_common(&d, &p);
}

static void test_other_flags(void **state)
{
	struct acpi_platform p = today();
	struct decoded d;

	(void)state;
	p.pcat_compat = false;
	p.lint1_nmi = false;
	p.lapic_id = 254;
	p.lapic_addr = 0xfee01000u;
	p.boot_arch = (struct acpi_boot_arch){ .msi = true };
	build_ok(&p, &d);
	check_common(&d, &p);
	/* VGA Not Present, CMOS RTC Not Present; no legacy devices, no 8042, MSIs work. */
	assert_int_equal(d.boot_arch, (1u << 2) | (1u << 5));
}

/* The area may end exactly where the tables do, and not a byte earlier. */
static void test_exact_fit(void **state)
{
	struct acpi_platform p = with_ioapic();
	struct decoded d;
	uint32_t need, gpa;

	(void)state;
	build_ok(&p, &d);
	need = d.end;
	/* Also right at the top of the search range: the last byte at 0xfffff. */
	gpa = (0x100000u - need) & ~0xfu;
	if (build_at(&p, gpa, 0x100000u - gpa))
		fail_msg("at %#x: %s", gpa, err);
	if (build_at(&p, GPA, need))
		fail_msg("%s", err);
	decode(&d);
	assert_int_equal(d.end, need);
	assert_int_equal(build_at(&p, GPA, need - 1), -1);
	assert_non_null(strstr(err, "need"));
}

/* A stale RSDP later in the area (from a reboot, say) must not survive to be found instead. */
static void test_stale_rsdp_cleared(void **state)
{
	struct acpi_platform p = today();
	struct decoded d;
	uint8_t fake[20] = "RSD PTR ";
	uint8_t *stale;

	(void)state;
	stale = malloc(SIZE);
	assert_non_null(stale);
	memset(stale, FILL, SIZE);
	fake[8] = (uint8_t)-sum(fake, 20);
	memcpy(stale + 0x1000, fake, sizeof(fake));
	free(area);
	area = stale;
	area_size = SIZE;
	assert_int_equal(scan_rsdp(&d.rsdp), 1);
	assert_int_equal(acpi_build(area, GPA, SIZE, &p, err, sizeof(err)), 0);
	decode(&d);				/* exactly one RSDP, at offset 0 */
	check_common(&d, &p);
}

/* ---- bad configurations ---- */

struct bad {
	const char *what;	/* a part of the message */
	uint32_t gpa, size;
	void (*spoil)(struct acpi_platform *p);
};

static void too_many_overrides(struct acpi_platform *p) { p->override_count = 17; }
static void two_ioapics(struct acpi_platform *p) { p->ioapic_count = 2; }
static void no_ioapic(struct acpi_platform *p) { p->ioapic_count = 0; }
static void irq16(struct acpi_platform *p) { p->overrides[1].bus_irq = 16; }
static void polarity2(struct acpi_platform *p) { p->overrides[1].flags = 0x2; }
static void trigger2(struct acpi_platform *p) { p->overrides[1].flags = 0x8; }
static void high_bits(struct acpi_platform *p) { p->overrides[0].flags = 0x10; }
static void duplicate(struct acpi_platform *p) { p->overrides[1].bus_irq = 0; }
static void x2apic_id(struct acpi_platform *p) { p->lapic_id = 255; }
static void nothing(struct acpi_platform *p) { (void)p; }

static void test_bad_configs(void **state)
{
	static const struct bad cases[] = {
		{ "17 interrupt source overrides", GPA, SIZE, too_many_overrides },
		{ "2 I/O APICs", GPA, SIZE, two_ioapics },
		{ "without an I/O APIC", GPA, SIZE, no_ioapic },
		{ "IRQ 16", GPA, SIZE, irq16 },
		{ "reserved MPS INTI flags 0x2", GPA, SIZE, polarity2 },
		{ "reserved MPS INTI flags 0x8", GPA, SIZE, trigger2 },
		{ "reserved MPS INTI flags 0x10", GPA, SIZE, high_bits },
		{ "two interrupt source overrides for IRQ 0", GPA, SIZE, duplicate },
		{ "x2APIC", GPA, SIZE, x2apic_id },
		{ "not 16-byte aligned", GPA + 8, 0x1000, nothing },
		{ "outside the RSDP search range", 0xd0000, 0x1000, nothing },
		{ "outside the RSDP search range", 0xf0000, 0x10010, nothing },
		{ "more than the 256 of the area", GPA, 256, nothing },
		{ "more than the 0 of the area", GPA, 0, nothing },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct acpi_platform p = with_ioapic();

		cases[i].spoil(&p);
		new_area(cases[i].size ? cases[i].size : 1);
		err[0] = 0;
		assert_int_equal(acpi_build(area, cases[i].gpa, cases[i].size, &p, err,
					    sizeof(err)), -1);
		if (!strstr(err, cases[i].what))
			fail_msg("case '%s': message '%s'", cases[i].what, err);
		for (uint32_t j = 0; j < area_size; j++)
			assert_int_equal(area[j], FILL);	/* the area is untouched */
	}
}

/* ---- iasl ---- */

/* The file at path, NUL-terminated, in buf (of size len): cut short if longer. */
static char *slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/*
 * Disassembles len bytes at off with iasl -d into IASL_DIR/<name>.dsl; fails on a non-zero exit
 * or on any error, warning or remark in what iasl says or writes, and unless the disassembly
 * contains expect.
 */
static void iasl(const char *name, uint32_t off, uint32_t len, const char *expect)
{
	static const char *const bad[] = { "Error", "Warning", "Remark", "Invalid", "Unknown",
					   "**** " };
	static char log[16384], dsl[65536];
	char path[128], cmd[512];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), IASL_DIR "/%s.dat", name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(area + off, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "cd " IASL_DIR " && rm -f %s.dsl && iasl -d %s.dat >%s.log 2>&1",
		 name, name, name);
	rc = system(cmd);
	snprintf(path, sizeof(path), IASL_DIR "/%s.log", name);
	slurp(path, log, sizeof(log));
	if (rc)
		fail_msg("iasl -d %s.dat: status %d:\n%s", name, rc, log);
	snprintf(path, sizeof(path), IASL_DIR "/%s.dsl", name);
	slurp(path, dsl, sizeof(dsl));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (strstr(log, bad[i]))
			fail_msg("iasl -d %s.dat says '%s':\n%s", name, bad[i], log);
		if (strstr(dsl, bad[i]))
			fail_msg("iasl -d %s.dat writes '%s' into %s", name, bad[i], path);
	}
	if (!strstr(dsl, expect))
		fail_msg("%s lacks '%s'", path, expect);
}

/*
 * iasl compiles the DSDT's disassembly (IASL_DIR/<name>.dsl) back to the same AML: the builder's
 * bytes are exactly the ASL that the disassembly shows.
 */
static void dsdt_recompiles(const char *name, uint32_t off)
{
	static uint8_t aml[4096];
	char path[128], cmd[512];
	uint32_t len = rd32(area + off + 4);
	FILE *f;
	size_t n;

	snprintf(cmd, sizeof(cmd), "cd " IASL_DIR " && iasl -p %s-re %s.dsl >%s-re.log 2>&1",
		 name, name, name);
	if (system(cmd))
		fail_msg("iasl cannot compile " IASL_DIR "/%s.dsl: see %s-re.log", name, name);
	snprintf(path, sizeof(path), IASL_DIR "/%s-re.aml", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(aml, 1, sizeof(aml), f);
	fclose(f);
	assert_int_equal(n, len);
	assert_memory_equal(aml + 36, area + off + 36, len - 36);	/* the header differs */
}

static void disassemble_all(const char *prefix)
{
	struct decoded d;
	char name[64], expect[64];
	uint32_t madt_gpa;

	decode(&d);
	madt_gpa = GPA + d.madt;
	assert_int_equal(system("mkdir -p " IASL_DIR), 0);
	snprintf(name, sizeof(name), "%s-rsdt", prefix);
	snprintf(expect, sizeof(expect), "ACPI Table Address   1 : %08X", madt_gpa);
	iasl(name, d.rsdt, rd32(area + d.rsdt + 4), expect);
	snprintf(name, sizeof(name), "%s-xsdt", prefix);
	snprintf(expect, sizeof(expect), "ACPI Table Address   1 : %016X", madt_gpa);
	iasl(name, d.xsdt, rd32(area + d.xsdt + 4), expect);
	snprintf(name, sizeof(name), "%s-facp", prefix);
	iasl(name, d.fadt, rd32(area + d.fadt + 4), d.facs ? "Hardware Reduced (V5) : 0" :
	     "Hardware Reduced (V5) : 1");
	snprintf(name, sizeof(name), "%s-dsdt", prefix);
	iasl(name, d.dsdt, rd32(area + d.dsdt + 4), d.has_s5 ? "Name (_S5, Package (0x04)" :
	     "Name (_HID, \"ACPI0007\"");
	dsdt_recompiles(name, d.dsdt);
	if (d.facs) {
		snprintf(name, sizeof(name), "%s-facs", prefix);
		iasl(name, d.facs, 64, "Signature : \"FACS\"");
	}
	snprintf(name, sizeof(name), "%s-apic", prefix);
	iasl(name, d.madt, rd32(area + d.madt + 4), "[Processor Local APIC]");
}

static void test_iasl_today(void **state)
{
	struct acpi_platform p = today();
	struct decoded d;

	(void)state;
	build_ok(&p, &d);
	disassemble_all("today");
}

static void test_iasl_fixed_hardware(void **state)
{
	struct acpi_platform p = with_pm();
	struct decoded d;

	(void)state;
	build_ok(&p, &d);
	disassemble_all("pm");
}

static void test_iasl_ioapic(void **state)
{
	struct acpi_platform p = with_ioapic();
	struct decoded d;

	(void)state;
	build_ok(&p, &d);
	disassemble_all("ioapic");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_today, teardown),
		cmocka_unit_test_teardown(test_ioapic_and_overrides, teardown),
		cmocka_unit_test_teardown(test_every_override, teardown),
		cmocka_unit_test_teardown(test_other_flags, teardown),
		cmocka_unit_test_teardown(test_exact_fit, teardown),
		cmocka_unit_test_teardown(test_stale_rsdp_cleared, teardown),
		cmocka_unit_test_teardown(test_bad_configs, teardown),
		cmocka_unit_test_teardown(test_iasl_today, teardown),
		cmocka_unit_test_teardown(test_iasl_ioapic, teardown),
		cmocka_unit_test_teardown(test_fixed_hardware, teardown),
		cmocka_unit_test_teardown(test_iasl_fixed_hardware, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
