/* SPDX-License-Identifier: MIT */
/*
 * 8259A command words (Intel 8259A datasheet, "Programming the 8259A", figures 6-8). A write to
 * the even port (A0 = 0) with D4 = 1 is ICW1; with D4 = 0 it is OCW2 (D3 = 0) or OCW3 (D3 = 1).
 * Writes to the odd port (A0 = 1) are ICW2-ICW4 during initialization, OCW1 after it.
 */
#ifndef CHIPSET_VPIC_REGS_H
#define CHIPSET_VPIC_REGS_H

/* ICW1 (A0 = 0, D4 = 1) */
#define VPIC_ICW1_IC4		0x01	/* ICW4 follows */
#define VPIC_ICW1_SNGL		0x02	/* single 8259A, no ICW3 */
#define VPIC_ICW1_ADI		0x04	/* call address interval 4 (MCS-80/85 only) */
#define VPIC_ICW1_LTIM		0x08	/* level-triggered inputs */
#define VPIC_ICW1		0x10	/* marks ICW1; D7-D5 are A7-A5 (MCS-80/85 only) */

/* ICW2 (A0 = 1): T7-T3 of the vector in 8086 mode; D2-D0 are ignored there */
#define VPIC_ICW2_VECTOR	0xf8

/* ICW3 (A0 = 1): master: bit n = IRn has a slave; slave: D2-D0 its ID, the master's input */
#define VPIC_ICW3_SLAVE_ID	0x07

/* ICW4 (A0 = 1) */
#define VPIC_ICW4_UPM		0x01	/* 8086/8088 mode; 0 = MCS-80/85 */
#define VPIC_ICW4_AEOI		0x02	/* automatic EOI at the end of the INTA cycle */
#define VPIC_ICW4_MS		0x04	/* buffered mode: master (1) or slave (0) */
#define VPIC_ICW4_BUF		0x08	/* buffered mode */
#define VPIC_ICW4_SFNM		0x10	/* special fully nested mode */

/* OCW1 (A0 = 1 after initialization) is the IMR itself: bit n masks IRn. */

/* OCW2 (A0 = 0, D4-D3 = 00): R SL EOI in D7-D5, the level L2-L0 in D2-D0 */
#define VPIC_OCW2_LEVEL		0x07
#define VPIC_OCW2_CMD		0xe0
#define VPIC_OCW2_ROTATE_AEOI_CLEAR	0x00	/* R SL EOI = 000 */
#define VPIC_OCW2_EOI		0x20	/* 001: non-specific EOI */
#define VPIC_OCW2_NOP		0x40	/* 010: no operation */
#define VPIC_OCW2_SPECIFIC_EOI	0x60	/* 011: EOI of level L */
#define VPIC_OCW2_ROTATE_AEOI_SET	0x80	/* 100: rotate in automatic EOI mode */
#define VPIC_OCW2_ROTATE_EOI	0xa0	/* 101: rotate on non-specific EOI */
#define VPIC_OCW2_SET_PRIORITY	0xc0	/* 110: L becomes the lowest priority */
#define VPIC_OCW2_ROTATE_SPECIFIC_EOI	0xe0	/* 111: EOI of L, L becomes the lowest */

/* OCW3 (A0 = 0, D4-D3 = 01) */
#define VPIC_OCW3		0x08	/* marks OCW3 */
#define VPIC_OCW3_RIS		0x01	/* with RR: read ISR (1) or IRR (0) */
#define VPIC_OCW3_RR		0x02	/* RIS applies */
#define VPIC_OCW3_POLL		0x04	/* the next even-port read is the poll word */
#define VPIC_OCW3_SMM		0x20	/* with ESMM: special mask mode on (1), off (0) */
#define VPIC_OCW3_ESMM		0x40	/* SMM applies */

/* The poll word: I (D7) = a request was served, W2-W0 = its level */
#define VPIC_POLL_INT		0x80

/* ELCR bits wired to edge on a PC (PIIX/ICH): IRQ0 (PIT), 1 (keyboard), 2 (cascade), 8 (RTC),
 * 13 (FPU error) */
#define VPIC_ELCR_MASTER_WRITABLE	0xf8
#define VPIC_ELCR_SLAVE_WRITABLE	0xde

#endif
