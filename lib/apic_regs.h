/* SPDX-License-Identifier: MIT */
/*
 * Local APIC register encodings (Intel SDM vol. 3A ch. 11): the one map that the host's LAPIC
 * driver (arch/x86/lapic.c), the virtual LAPIC (vlapic/) and the guest test library
 * (tests/guest/lib/apic.c) all use. Offsets are into the 4 KiB xAPIC page; in x2APIC mode the
 * register at offset `off` is MSR 0x800 + (off >> 4) (SDM 11.12.1.2). Plain constants only, so
 * that the -m32 guest library and the host unit tests include it unchanged.
 */
#ifndef LIB_APIC_REGS_H
#define LIB_APIC_REGS_H

/* Register offsets (SDM table 11-1; x2APIC MSR = 0x800 + (offset >> 4), SDM table 11-6) */
#define APIC_REG_ID		0x020	/* APIC ID: xAPIC bits 31:24, x2APIC all 32 bits (0x802) */
#define APIC_REG_VERSION	0x030	/* version, max LVT entry, EOI-broadcast suppression */
#define APIC_REG_TPR		0x080	/* task priority (0x808) */
#define APIC_REG_APR		0x090	/* arbitration priority: xAPIC only */
#define APIC_REG_PPR		0x0a0	/* processor priority, computed (SDM 11.8.3.1) */
#define APIC_REG_EOI		0x0b0	/* end of interrupt, write-only (0x80b) */
#define APIC_REG_RRD		0x0c0	/* remote read: xAPIC only */
#define APIC_REG_LDR		0x0d0	/* logical destination (x2APIC: read-only, 0x80d) */
#define APIC_REG_DFR		0x0e0	/* destination format: xAPIC only */
#define APIC_REG_SVR		0x0f0	/* spurious-interrupt vector (0x80f) */
#define APIC_REG_ISR		0x100	/* in-service, 8 x 32 bits 16 bytes apart (0x810-0x817) */
#define APIC_REG_TMR		0x180	/* trigger mode, 8 x 32 bits (0x818-0x81f) */
#define APIC_REG_IRR		0x200	/* interrupt request, 8 x 32 bits (0x820-0x827) */
#define APIC_REG_ESR		0x280	/* error status (0x828) */
#define APIC_REG_LVT_CMCI	0x2f0	/* LVT corrected machine-check interrupt (0x82f) */
#define APIC_REG_ICR_LO		0x300	/* interrupt command 31:0 (x2APIC: all 64 bits, 0x830) */
/*
 * x2APIC mode keeps ICR 63:32 right above 31:0: with APIC-register virtualization an RDMSR of
 * 0x830 reads the 8 bytes at 0x300 of the virtual-APIC page (SDM 29.5).
 */
#define APIC_REG_ICR_X2APIC_HI	0x304
#define APIC_REG_ICR_HI		0x310	/* interrupt command 63:32: xAPIC only as a register */
#define APIC_REG_LVT_TIMER	0x320	/* LVT timer (0x832) */
#define APIC_REG_LVT_THERMAL	0x330	/* LVT thermal sensor (0x833) */
#define APIC_REG_LVT_PERF	0x340	/* LVT performance-monitoring counters (0x834) */
#define APIC_REG_LVT_LINT0	0x350	/* LVT LINT0 (0x835) */
#define APIC_REG_LVT_LINT1	0x360	/* LVT LINT1 (0x836) */
#define APIC_REG_LVT_ERROR	0x370	/* LVT error (0x837) */
#define APIC_REG_TMICT		0x380	/* timer initial count (0x838) */
#define APIC_REG_TMCCT		0x390	/* timer current count, read-only, computed (0x839) */
#define APIC_REG_TDCR		0x3e0	/* timer divide configuration (0x83e) */
#define APIC_REG_SELF_IPI	0x3f0	/* self IPI, write-only: x2APIC only (0x83f) */

/* MSRs (SDM vol. 4 table 2-2) */
#define MSR_IA32_APIC_BASE	0x01b	/* IA32_APIC_BASE (SDM 11.4.4) */
#define MSR_IA32_TSC_DEADLINE	0x6e0	/* IA32_TSC_DEADLINE (SDM 11.5.4.1) */
#define MSR_X2APIC_FIRST	0x800	/* x2APIC register range (SDM 11.12.1.2) */
#define MSR_X2APIC_LAST		0x8ff
/* The x2APIC MSR of the register at offset `off` */
#define APIC_X2APIC_MSR(off)	(MSR_X2APIC_FIRST + ((off) >> 4))

/* IA32_APIC_BASE (SDM 11.4.4 figure 11-5, 11.12.1) */
#define APIC_BASE_BSP		(1ull << 8)	/* bootstrap processor, read-only */
#define APIC_BASE_EXTD		(1ull << 10)	/* x2APIC mode enable */
#define APIC_BASE_EN		(1ull << 11)	/* APIC global enable */
#define APIC_BASE_ADDR_MASK	0xfffffffffffff000ull	/* base address: bits 12 and up */
/* base address after reset; 32 bits wide, so the -m32 guest library may use it as an address */
#define APIC_BASE_DEFAULT	0xfee00000u

/* Version register (SDM 11.4.8 figure 11-7) */
#define APIC_VERSION_MASK	0x000000ffu	/* version: 0x1X for an integrated APIC */
#define APIC_VERSION_MAXLVT_SHIFT 16		/* max LVT entry (LVTs - 1), bits 23:16 */
#define APIC_VERSION_EOI_SUPP	(1u << 24)	/* EOI-broadcast suppression supported */

/* Spurious-interrupt vector register (SDM 11.9 figure 11-23) */
#define APIC_SVR_VECTOR		0x000000ffu	/* spurious vector */
#define APIC_SVR_ENABLE		(1u << 8)	/* APIC software enable */
#define APIC_SVR_FOCUS_OFF	(1u << 9)	/* focus processor checking disabled */
#define APIC_SVR_EOI_SUPP	(1u << 12)	/* suppress EOI broadcasts */
#define APIC_SVR_RESET		0x000000ffu	/* after reset: vector 0xff, software-disabled */

/* LVT entries (SDM 11.5.1 figure 11-8) */
#define APIC_LVT_VECTOR		0x000000ffu	/* vector */
#define APIC_LVT_DELIVERY	0x00000700u	/* delivery mode 10:8 (not in timer, error): */
#define APIC_LVT_FIXED		(0u << 8)	/*   000 fixed */
#define APIC_LVT_SMI		(2u << 8)	/*   010 SMI */
#define APIC_LVT_NMI		(4u << 8)	/*   100 NMI */
#define APIC_LVT_INIT		(5u << 8)	/*   101 INIT */
#define APIC_LVT_EXTINT		(7u << 8)	/*   111 ExtINT (LINT only) */
#define APIC_LVT_STATUS		(1u << 12)	/* delivery status, read-only */
#define APIC_LVT_POLARITY	(1u << 13)	/* input pin polarity (LINT only) */
#define APIC_LVT_REMOTE_IRR	(1u << 14)	/* remote IRR, read-only (LINT only) */
#define APIC_LVT_LEVEL		(1u << 15)	/* trigger mode: level (LINT only) */
#define APIC_LVT_MASKED		(1u << 16)	/* mask */
#define APIC_LVT_TIMER_MODE	(3u << 17)	/* timer mode 18:17 (SDM table 11-2): */
#define APIC_TIMER_ONESHOT	(0u << 17)	/*   00 one-shot */
#define APIC_TIMER_PERIODIC	(1u << 17)	/*   01 periodic */
#define APIC_TIMER_TSC_DEADLINE	(2u << 17)	/*   10 TSC-deadline (11 is reserved) */

/* Error status register (SDM 11.5.3 figure 11-9) */
#define APIC_ESR_SEND_ILLEGAL	(1u << 5)	/* sent an IPI with vector 0-15 */
#define APIC_ESR_RECV_ILLEGAL	(1u << 6)	/* received or raised locally a vector 0-15 */
#define APIC_ESR_ILLEGAL_REG	(1u << 7)	/* access to an unimplemented register */

/* Interrupt command register (SDM 11.6.1 figure 11-12; 11.12.9 for x2APIC) */
#define APIC_ICR_VECTOR		0x000000ffu	/* vector */
#define APIC_ICR_DELIVERY	0x00000700u	/* delivery mode 10:8: */
#define APIC_ICR_FIXED		(0u << 8)	/*   000 fixed */
#define APIC_ICR_LOWEST		(1u << 8)	/*   001 lowest priority */
#define APIC_ICR_SMI		(2u << 8)	/*   010 SMI */
#define APIC_ICR_NMI		(4u << 8)	/*   100 NMI */
#define APIC_ICR_INIT		(5u << 8)	/*   101 INIT (and INIT level de-assert) */
#define APIC_ICR_SIPI		(6u << 8)	/*   110 start-up */
#define APIC_ICR_LOGICAL	(1u << 11)	/* destination mode: logical */
#define APIC_ICR_STATUS		(1u << 12)	/* delivery status: xAPIC only, read-only */
#define APIC_ICR_ASSERT		(1u << 14)	/* level: assert */
#define APIC_ICR_LEVEL		(1u << 15)	/* trigger mode: level */
#define APIC_ICR_SHORTHAND	(3u << 18)	/* destination shorthand 19:18: */
#define APIC_ICR_DEST_FIELD	(0u << 18)	/*   00 the destination field */
#define APIC_ICR_SELF		(1u << 18)	/*   01 self */
#define APIC_ICR_ALL		(2u << 18)	/*   10 all including self */
#define APIC_ICR_OTHERS		(3u << 18)	/*   11 all excluding self */
#define APIC_ICR_DEST_XAPIC	0xff000000u	/* xAPIC destination: ICR high bits 31:24 */

/* Divide configuration register (SDM 11.5.4 figure 11-10): bits 3,1,0 select the divisor */
#define APIC_TDCR_MASK		0x0000000bu
#define APIC_TDCR_DIV2		0x0u		/* 000 */
#define APIC_TDCR_DIV4		0x1u		/* 001 */
#define APIC_TDCR_DIV8		0x2u		/* 010 */
#define APIC_TDCR_DIV16		0x3u		/* 011 */
#define APIC_TDCR_DIV32		0x8u		/* 100 */
#define APIC_TDCR_DIV64		0x9u		/* 101 */
#define APIC_TDCR_DIV128	0xau		/* 110 */
#define APIC_TDCR_DIV1		0xbu		/* 111 */

#endif
