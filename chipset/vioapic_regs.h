/* SPDX-License-Identifier: MIT */
/*
 * I/O APIC registers (Intel 82093AA datasheet, order no. 290566, section 3; the EOI register
 * of version 0x20 as on the ICH/PCH I/O APIC). Two registers in the MMIO page select and
 * carry the indirect ones.
 */
#ifndef CHIPSET_VIOAPIC_REGS_H
#define CHIPSET_VIOAPIC_REGS_H

/* MMIO offsets from the base */
#define VIOAPIC_MMIO_REGSEL	0x00	/* IOREGSEL: bits 7:0 select what IOWIN shows */
#define VIOAPIC_MMIO_WIN	0x10	/* IOWIN: the selected register, 32-bit */
#define VIOAPIC_MMIO_EOI	0x40	/* EOI (version 0x20, write-only): bits 7:0 a vector */
#define VIOAPIC_MMIO_SIZE	0x1000

/* Indirect registers (IOREGSEL values) */
#define VIOAPIC_REG_ID		0x00	/* bits 27:24 the ID, R/W */
#define VIOAPIC_REG_VERSION	0x01	/* RO: version, max redirection entry */
#define VIOAPIC_REG_ARB		0x02	/* RO: bits 27:24, loaded from ID */
#define VIOAPIC_REG_REDIR	0x10	/* 0x10 + 2n: entry n bits 31:0, + 1: bits 63:32 */

#define VIOAPIC_ID_MASK		0x0f000000u
/* version 0x20, entries 0-23 (bits 23:16 = 23) */
#define VIOAPIC_VERSION		0x00170020u

/* Redirection table entry, low dword */
#define VIOAPIC_RTE_VECTOR	0x000000ffu	/* R/W */
#define VIOAPIC_RTE_DM_SHIFT	8		/* R/W, delivery mode, 3 bits: */
#define VIOAPIC_RTE_DM_MASK	0x00000700u
#define VIOAPIC_DM_FIXED	0		/*   the vector to the destination */
#define VIOAPIC_DM_LOWEST	1		/*   one CPU of the destination */
#define VIOAPIC_DM_SMI		2		/*   SMI, edge only, vector ignored */
#define VIOAPIC_DM_NMI		4		/*   NMI, edge only, vector ignored */
#define VIOAPIC_DM_INIT		5		/*   INIT, edge only */
#define VIOAPIC_DM_EXTINT	7		/*   the 8259's INTA supplies the vector */
#define VIOAPIC_RTE_DEST_LOGICAL 0x00000800u	/* R/W, destination mode: 0 physical */
#define VIOAPIC_RTE_DELIVS	0x00001000u	/* RO, delivery status: send pending */
#define VIOAPIC_RTE_POLARITY_LOW 0x00002000u	/* R/W, input pin polarity: active low */
#define VIOAPIC_RTE_REMOTE_IRR	0x00004000u	/* RO, level: accepted, EOI not yet seen */
#define VIOAPIC_RTE_LEVEL	0x00008000u	/* R/W, trigger mode: 1 level, 0 edge */
#define VIOAPIC_RTE_MASKED	0x00010000u	/* R/W, interrupt mask */
/* bits 55:17 are reserved: they read 0 and ignore writes */
#define VIOAPIC_RTE_LO_WRITABLE	0x0001afffu
/* High dword: bits 63:56 the destination (physical: an APIC ID in 59:56; logical: a set) */
#define VIOAPIC_RTE_DEST_SHIFT	24
#define VIOAPIC_RTE_HI_WRITABLE	0xff000000u

#endif
