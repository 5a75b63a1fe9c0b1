/* SPDX-License-Identifier: MIT */
#include "arch/x86/log.h"
#include "arch/x86/madt.h"
#include "lib/string.h"
#include "lib/unaligned.h"

#define IOAPIC_DEFAULT_BASE	0xfec00000ull

/*
 * Layouts (ACPI 6.5): RSDP (5.2.5.3) RsdtAddress at 16, XsdtAddress at 24 (revision >= 2);
 * every table's header (5.2.6) is 36 bytes with Length at 4; the MADT (5.2.12) has its
 * interrupt controller structures from byte 44, each: Type, Length, then
 *	type 1 I/O APIC (5.2.12.3)		ID 2, address 4 (32-bit), GSI base 8
 *	type 2 source override (5.2.12.5)	bus 2, source IRQ 3, GSI 4, flags 8 (16-bit)
 * MPS INTI flags (table 5.26): polarity bits 1:0, trigger mode bits 3:2; 00 = the bus's
 * default, 01 = active high / edge, 11 = active low / level.
 */
#define RSDP_RSDT		16
#define RSDP_XSDT		24
#define SDT_LENGTH		4
#define SDT_HEADER_SIZE		36
#define MADT_ENTRIES		44
#define MADT_IOAPIC		1
#define MADT_ISO		2
#define INTI_POLARITY(f)	((f) & 3)
#define INTI_TRIGGER(f)		(((f) >> 2) & 3)
#define INTI_ACTIVE_LOW		3
#define INTI_LEVEL		3
/* A table longer than this is not believed: the walk stays inside what is mapped. */
#define SDT_MAX_LENGTH		(64u << 10)

/* RAM the hypervisor maps (paging.c): available, ACPI reclaimable and ACPI NVS ranges. */
static bool mapped(const struct mb2_info *mbi, uint64_t pa, uint64_t len)
{
	for (unsigned int i = 0; i < mbi->mmap_count; i++) {
		const struct mb2_mmap_entry *e = &mbi->mmap[i];

		if ((e->type == 1 || e->type == 3 || e->type == 4) && pa >= e->base &&
		    pa + len <= e->base + e->len)
			return true;
	}
	return false;
}

static bool checksum_ok(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

/* The table at pa when it is mapped, sound, and has the signature; else NULL. */
static const uint8_t *table_at(const struct mb2_info *mbi, uint64_t pa, const char *sig)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)pa;
	uint32_t len;

	if (!pa || !mapped(mbi, pa, SDT_HEADER_SIZE))
		return NULL;
	len = get_le32(p + SDT_LENGTH);
	if (len < SDT_HEADER_SIZE || len > SDT_MAX_LENGTH || !mapped(mbi, pa, len) ||
	    !checksum_ok(p, len) || (sig && memcmp(p, sig, 4) != 0))
		return NULL;
	return p;
}

/* The MADT among the RSDT's 32-bit or the XSDT's 64-bit entries. */
static const uint8_t *find_madt(const struct mb2_info *mbi)
{
	const uint8_t *rsdp = (const uint8_t *)(uintptr_t)mbi->rsdp;
	const uint8_t *sdt = NULL;
	unsigned int entry = 4;

	if (mbi->rsdp_revision >= 2)
		sdt = table_at(mbi, get_le64(rsdp + RSDP_XSDT), "XSDT");
	if (sdt)
		entry = 8;
	else
		sdt = table_at(mbi, get_le32(rsdp + RSDP_RSDT), "RSDT");
	if (!sdt)
		return NULL;
	for (uint32_t off = SDT_HEADER_SIZE; off + entry <= get_le32(sdt + SDT_LENGTH);
	     off += entry) {
		uint64_t pa = entry == 8 ? get_le64(sdt + off) : get_le32(sdt + off);
		const uint8_t *t = table_at(mbi, pa, "APIC");

		if (t)
			return t;
	}
	return NULL;
}

static void parse_madt(const uint8_t *madt, struct host_irq_topology *t)
{
	uint32_t len = get_le32(madt + SDT_LENGTH);

	t->ioapic_base = 0;
	for (uint32_t off = MADT_ENTRIES; off + 2 <= len && madt[off + 1] >= 2 &&
	     off + madt[off + 1] <= len; off += madt[off + 1]) {
		const uint8_t *e = madt + off;

		if (e[0] == MADT_IOAPIC && e[1] >= 12 && !t->ioapic_base) {
			t->ioapic_base = get_le32(e + 4);
			t->ioapic_gsi_base = get_le32(e + 8);
		} else if (e[0] == MADT_ISO && e[1] >= 10 && e[2] == 0 && e[3] < ISA_IRQS) {
			uint16_t flags = get_le16(e + 8);

			t->isa[e[3]] = (struct isa_route){
				.gsi = get_le32(e + 4),
				.level = INTI_TRIGGER(flags) == INTI_LEVEL,
				.active_low = INTI_POLARITY(flags) == INTI_ACTIVE_LOW,
			};
		}
	}
}

void madt_read(const struct mb2_info *mbi, struct host_irq_topology *t)
{
	const uint8_t *madt = mbi->rsdp ? find_madt(mbi) : NULL;

	*t = (struct host_irq_topology){ .ioapic_base = IOAPIC_DEFAULT_BASE };
	for (unsigned int i = 0; i < ISA_IRQS; i++)
		t->isa[i] = (struct isa_route){ .gsi = i };
	if (!madt) {
		pr_info("ACPI: no MADT found, assuming the PC's interrupt routing\n");
		return;
	}
	t->from_madt = true;
	parse_madt(madt, t);
}
