/* SPDX-License-Identifier: MIT */
/*
 * The guest's ACPI fixed hardware (ACPI 6.5 4.8), as the FADT describes it (loader/acpi.c):
 * the PM1a event block (PM1_STS, PM1_EN), the PM1a control block (PM1_CNT) and the 32-bit power
 * management timer, in I/O space. Portable C like the other chipset models: time comes in as
 * host-TSC arguments, the SCI and the power-off go out through struct acpi_pm_ops.
 *
 *	PM_TMR	  RO  a 32-bit counter at 3,579,545 Hz (4.8.3.3, TMR_VAL_EXT), computed from the TSC
 *		      exactly (128-bit arithmetic, anchored at acpi_pm_init): the clock an OS
 *		      checks its TSC against (Linux's acpi_pm clocksource and watchdog)
 *	PM1_STS	  R/W1C  TMR_STS (bit 0) is set each time bit 31 of PM_TMR changes; the other
 *		      status bits have no source here (no buttons, no RTC alarm, no global lock
 *		      users, no bus master) and read 0; writing 1 clears a bit
 *	PM1_EN	  R/W  TMR_EN (0), GBL_EN (5), PWRBTN_EN (8), SLPBTN_EN (9), RTC_EN (10) are kept;
 *		      the SCI is asserted (level) while PM1_STS & PM1_EN has a bit set
 *	PM1_CNT	  SCI_EN (bit 0) reads 1: there is no legacy mode to leave (the FADT has no SMI
 *		      command port, 4.8.2.1); BM_RLD (1) and SLP_TYP (12:10) are kept; GBL_RLS (2)
 *		      and SLP_EN (13) are write-only: SLP_EN with SLP_TYP = \_S5's value powers the
 *		      machine off (ops->power_off), any other sleep type is refused (the DSDT names no
 *		      other _Sx) and logged
 *
 * Registers are byte-addressable here (an access of several bytes is the glue's bytes in
 * order), as the PIIX4's are. How the glue drives it: acpi_pm_init at the TSC of now; the I/O
 * exits of the three blocks go to acpi_pm_read/acpi_pm_write with the exit's TSC; every exit,
 * acpi_pm_timer_check(now): while TMR_EN is set it asks (ops->arm) for an exit at the next
 * change of PM_TMR bit 31, to raise TMR_STS and the SCI then.
 */
#ifndef CHIPSET_ACPI_PM_H
#define CHIPSET_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>

#define ACPI_PM_TIMER_HZ	3579545u	/* ACPI 6.5 4.8.3.3 */

/* PM1 register bits (ACPI 6.5 4.8.3.1, 4.8.3.2) */
#define ACPI_PM1_TMR		(1u << 0)	/* PM1_STS.TMR_STS, PM1_EN.TMR_EN */
#define ACPI_PM1_EN_MASK	0x0721u		/* TMR, GBL, PWRBTN, SLPBTN, RTC enables */
#define ACPI_PM1_STS_W1C	0x8731u		/* the status bits a write of 1 clears */
#define ACPI_PM1_CNT_SCI_EN	(1u << 0)
#define ACPI_PM1_CNT_BM_RLD	(1u << 1)
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_TYP	(7u << ACPI_PM1_CNT_SLP_TYP_SHIFT)
#define ACPI_PM1_CNT_SLP_EN	(1u << 13)

struct acpi_pm_config {
	uint64_t tsc_hz;		/* 1 MHz to 2^56 Hz */
	uint16_t evt_port;		/* PM1a_EVT_BLK: 4 ports */
	uint16_t cnt_port;		/* PM1a_CNT_BLK: 2 ports */
	uint16_t tmr_port;		/* PM_TMR_BLK: 4 ports */
	uint8_t s5_slp_typ;		/* \_S5's SLP_TYP */
};

struct acpi_pm_ops {
	/* The SCI's level (the FADT's SCI_INT: level-triggered, active high). */
	void (*sci)(void *ctx, bool level);
	/* An exit at or after TSC `deadline`, for acpi_pm_timer_check; cancel: none needed. */
	void (*arm)(void *ctx, uint64_t deadline);
	void (*cancel)(void *ctx);
	/* The guest entered S5 (soft off). */
	void (*power_off)(void *ctx);
	/* A guest-triggered diagnostic, without a newline: the glue rate-limits it. */
	void (*log)(void *ctx, const char *msg);
};

/* Fields are private to acpi_pm.c. */
struct acpi_pm {
	const struct acpi_pm_ops *ops;
	void *ctx;
	struct acpi_pm_config cfg;
	uint64_t epoch;			/* TSC where PM_TMR read 0 */
	uint64_t msb_changes_seen;	/* bit-31 changes already folded into TMR_STS */
	uint16_t sts, en, cnt;
	bool sci;			/* as last given to ops->sci */
	bool armed;
	uint64_t deadline;
};

bool acpi_pm_init(struct acpi_pm *pm, const struct acpi_pm_config *cfg,
		  const struct acpi_pm_ops *ops, void *ctx, uint64_t now);
/* True for the ports of the three blocks. */
bool acpi_pm_port(const struct acpi_pm *pm, uint16_t port);
uint8_t acpi_pm_read(struct acpi_pm *pm, uint16_t port, uint64_t now);
void acpi_pm_write(struct acpi_pm *pm, uint16_t port, uint8_t val, uint64_t now);
void acpi_pm_timer_check(struct acpi_pm *pm, uint64_t now);
/* PM_TMR at `now` (for tests and the glue's log). */
uint32_t acpi_pm_timer(const struct acpi_pm *pm, uint64_t now);

#endif
