/* SPDX-License-Identifier: MIT */
/* ACPI fixed hardware: PM1a event and control blocks, the PM timer (acpi_pm.h). */
#include "chipset/acpi_pm.h"

#define EVT_LEN		4	/* PM1_STS at +0, PM1_EN at +2 */
#define CNT_LEN		2
#define TMR_LEN		4
#define MSB_SHIFT	31	/* TMR_STS follows bit 31 of the 32-bit timer */

static uint64_t ticks(const struct acpi_pm *pm, uint64_t now)
{
	if (now <= pm->epoch)
		return 0;
	return (uint64_t)((unsigned __int128)(now - pm->epoch) * ACPI_PM_TIMER_HZ /
			  pm->cfg.tsc_hz);
}

/* The first TSC at which `t` timer ticks have elapsed. */
static uint64_t tsc_of_tick(const struct acpi_pm *pm, uint64_t t)
{
	unsigned __int128 x = (unsigned __int128)t * pm->cfg.tsc_hz;

	return pm->epoch + (uint64_t)((x + ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ);
}

/* TMR_STS for every bit-31 change up to now, then the SCI and the next deadline. */
static void update(struct acpi_pm *pm, uint64_t now)
{
	uint64_t changes = ticks(pm, now) >> MSB_SHIFT;
	bool sci;

	if (changes > pm->msb_changes_seen) {
		pm->msb_changes_seen = changes;
		pm->sts |= ACPI_PM1_TMR;
	}
	sci = (pm->sts & pm->en) != 0;
	if (sci != pm->sci) {
		pm->sci = sci;
		pm->ops->sci(pm->ctx, sci);
	}
	if ((pm->en & ACPI_PM1_TMR) && !(pm->sts & ACPI_PM1_TMR)) {
		uint64_t at = tsc_of_tick(pm, (pm->msb_changes_seen + 1) << MSB_SHIFT);

		if (!pm->armed || pm->deadline != at) {
			pm->armed = true;
			pm->deadline = at;
			pm->ops->arm(pm->ctx, at);
		}
	} else if (pm->armed) {
		pm->armed = false;
		pm->ops->cancel(pm->ctx);
	}
}

bool acpi_pm_init(struct acpi_pm *pm, const struct acpi_pm_config *cfg,
		  const struct acpi_pm_ops *ops, void *ctx, uint64_t now)
{
	if (cfg->tsc_hz < 1000000 || cfg->tsc_hz >= (1ull << 56) || cfg->s5_slp_typ > 7)
		return false;
	*pm = (struct acpi_pm){ .ops = ops, .ctx = ctx, .cfg = *cfg, .epoch = now };
	return true;
}

static bool in(uint16_t port, uint16_t base, unsigned int len)
{
	return port >= base && port < base + len;
}

bool acpi_pm_port(const struct acpi_pm *pm, uint16_t port)
{
	return in(port, pm->cfg.evt_port, EVT_LEN) || in(port, pm->cfg.cnt_port, CNT_LEN) ||
	       in(port, pm->cfg.tmr_port, TMR_LEN);
}

uint32_t acpi_pm_timer(const struct acpi_pm *pm, uint64_t now)
{
	return (uint32_t)ticks(pm, now);
}

uint8_t acpi_pm_read(struct acpi_pm *pm, uint16_t port, uint64_t now)
{
	const struct acpi_pm_config *c = &pm->cfg;
	uint16_t reg;
	unsigned int off;

	update(pm, now);
	if (in(port, c->tmr_port, TMR_LEN))
		return (uint8_t)(acpi_pm_timer(pm, now) >> (8 * (port - c->tmr_port)));
	if (in(port, c->evt_port, EVT_LEN)) {
		off = port - c->evt_port;
		reg = off < 2 ? pm->sts : pm->en;
	} else if (in(port, c->cnt_port, CNT_LEN)) {
		off = port - c->cnt_port;
		reg = pm->cnt | ACPI_PM1_CNT_SCI_EN;
	} else {
		return 0xff;
	}
	return (uint8_t)(reg >> (8 * (off & 1)));
}

/* SLP_EN: S5 is the one sleep state the DSDT names (7.4.2). */
static void sleep(struct acpi_pm *pm)
{
	unsigned int typ = (pm->cnt & ACPI_PM1_CNT_SLP_TYP) >> ACPI_PM1_CNT_SLP_TYP_SHIFT;

	if (typ == pm->cfg.s5_slp_typ)
		pm->ops->power_off(pm->ctx);
	else
		pm->ops->log(pm->ctx, "ACPI: SLP_EN with a sleep type the DSDT does not name "
			     "(only \\_S5, soft off): ignored");
}

void acpi_pm_write(struct acpi_pm *pm, uint16_t port, uint8_t val, uint64_t now)
{
	const struct acpi_pm_config *c = &pm->cfg;
	unsigned int shift;
	uint16_t v;

	update(pm, now);
	if (in(port, c->evt_port, EVT_LEN)) {
		shift = 8 * ((port - c->evt_port) & 1);
		v = (uint16_t)(val << shift);
		if (port - c->evt_port < 2)
			pm->sts &= (uint16_t)~(v & ACPI_PM1_STS_W1C);
		else
			pm->en = (uint16_t)((pm->en & ~(0xffu << shift)) | (v & ACPI_PM1_EN_MASK));
	} else if (in(port, c->cnt_port, CNT_LEN)) {
		shift = 8 * (port - c->cnt_port);
		v = (uint16_t)(val << shift);
		/* kept: BM_RLD and SLP_TYP; SCI_EN reads 1; GBL_RLS has no firmware to tell */
		pm->cnt = (uint16_t)((pm->cnt & ~(0xffu << shift)) |
				     (v & (ACPI_PM1_CNT_BM_RLD | ACPI_PM1_CNT_SLP_TYP)));
		if (v & ACPI_PM1_CNT_SLP_EN)
			sleep(pm);
	}
	/* PM_TMR is read-only: a write does nothing */
	update(pm, now);
}

/* Every exit calls this: only the armed deadline (TMR_EN) raises anything unasked. */
void acpi_pm_timer_check(struct acpi_pm *pm, uint64_t now)
{
	if (pm->armed && now >= pm->deadline)
		update(pm, now);
}
