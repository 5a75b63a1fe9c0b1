/* SPDX-License-Identifier: MIT */
/*
 * The 8254's ports (82C54 datasheet: control word, counter latch command, read-back command,
 * the read and write byte flip-flops), port B, and channel 0's IRQ0 timer. The counting itself
 * is vpit_counter.c's.
 *
 * IRQ0. Channel 0's next OUT rising edge is armed as an absolute TSC deadline. A check that
 * finds several edges passed (the exit came a period or more late) raises IRQ0 once: the 8259
 * would have latched one edge in IRR anyway, and a burst of catch-up interrupts would only storm
 * the guest. The others count as coalesced, and the next deadline is the first edge after now,
 * on the same phase.
 */
#include <stdarg.h>

#include "lib/fmt.h"
#include "chipset/vpit_internal.h"

/* tsc_hz bounds: 128-bit products of ticks and rates keep their quotients in 64 bits */
#define TSC_HZ_MIN	1000000ull
#define TSC_HZ_MAX	(1ull << 56)

void vpit_log(struct vpit *p, enum vpit_log_level level, const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->ops->log(p->ctx, level, msg);
}

/* True the first time it is asked about `flag`: for diagnostics a guest could repeat forever. */
bool vpit_once(struct vpit *p, uint32_t flag)
{
	if (p->logged_once & flag)
		return false;
	p->logged_once |= flag;
	return true;
}

/* Hands channel 0's next deadline to the timer owner, or withdraws it */
static void rearm(struct vpit *p)
{
	uint64_t when = vpit_next_deadline(&p->ch[0]);

	if (when == UINT64_MAX) {
		if (p->armed)
			p->ops->cancel(p->ctx);
		p->armed = false;
		return;
	}
	if (p->armed && p->armed_deadline == when)
		return;
	p->armed = true;
	p->armed_deadline = when;
	p->stats.arms++;
	p->ops->arm(p->ctx, when);
}

static uint64_t monotonic(struct vpit *p, uint64_t now)
{
	if (now < p->last_now)
		return p->last_now;
	p->last_now = now;
	return now;
}

/* Raises IRQ0 for the channel-0 edges due at `now`; the caller re-arms */
static bool fire(struct vpit *p, uint64_t now)
{
	uint64_t edges = vpit_edges_until(p, &p->ch[0], now);

	if (!edges)
		return false;
	p->stats.ticks++;
	if (edges > 1) {
		p->stats.coalesced += edges - 1;
		p->stats.clamps++;
	}
	p->ops->irq0_edge(p->ctx);
	return true;
}

/*
 * Every exit calls this: before the armed deadline (or with none) no edge is due and nothing
 * changed since the last rearm (port writes rearm themselves), so it returns at once.
 */
bool vpit_timer_check(struct vpit *p, uint64_t now)
{
	bool fired;

	now = monotonic(p, now);
	if (!p->armed || now < p->armed_deadline)
		return false;
	fired = fire(p, now);
	rearm(p);
	return fired;
}

bool vpit_init(struct vpit *p, const struct vpit_config *cfg, const struct vpit_ops *ops,
	       void *ctx, uint64_t now)
{
	if (cfg->tsc_hz < TSC_HZ_MIN || cfg->tsc_hz > TSC_HZ_MAX)
		return false;
	*p = (struct vpit){ .ops = ops, .ctx = ctx, .cfg = *cfg, .epoch = now, .last_now = now };
	p->min_period = vpit_mul_div(cfg->min_period_us, cfg->tsc_hz, 1000000);
	if (p->min_period < vpit_mul_div(VPIT_PERIOD_FLOOR_NS, cfg->tsc_hz, 1000000000))
		p->min_period = vpit_mul_div(VPIT_PERIOD_FLOOR_NS, cfg->tsc_hz, 1000000000);
	for (int i = 0; i < VPIT_CHANNELS; i++) {
		struct vpit_channel *c = &p->ch[i];

		/* gates 0 and 1 are tied high on a PC; gate 2 is port B bit 0, clear at reset */
		c->gate = i != 2;
		vpit_control(c, i << VPIT_CW_SC_SHIFT | VPIT_RW_WORD << VPIT_CW_RW_SHIFT, now);
	}
	if (cfg->bios_state) {
		/* what a PC BIOS leaves: channel 0, LSB then MSB, mode 3, count 0 (65536) */
		vpit_control(&p->ch[0], VPIT_RW_WORD << VPIT_CW_RW_SHIFT | 3 << VPIT_CW_MODE_SHIFT,
			     now);
		vpit_load(p, &p->ch[0], 0, now);
		rearm(p);
	}
	return true;
}

bool vpit_port(uint16_t port)
{
	return (port >= VPIT_PORT_CH0 && port <= VPIT_PORT_CTRL) || port == VPIT_PORT_B;
}

static uint8_t status_byte(const struct vpit_channel *c, uint64_t now)
{
	return (vpit_out(c, now) ? VPIT_STATUS_OUT : 0) | (c->null_count ? VPIT_STATUS_NULL : 0) |
	       c->ctrl;
}

/* Counter latch: a second latch before the first is read is ignored (datasheet) */
static void latch_count(struct vpit_channel *c, uint64_t now)
{
	if (c->count_latched)
		return;
	c->latch = (uint16_t)vpit_count(c, now);
	c->count_latched = true;
}

static void read_back(struct vpit *p, uint8_t cmd, uint64_t now)
{
	for (int i = 0; i < VPIT_CHANNELS; i++) {
		struct vpit_channel *c = &p->ch[i];

		if (!(cmd & VPIT_RB_SELECT(i)))
			continue;
		vpit_edges_until(p, c, now);
		if (!(cmd & VPIT_RB_NO_COUNT))
			latch_count(c, now);
		/* like the count, a status latched and not yet read is not overwritten */
		if (!(cmd & VPIT_RB_NO_STATUS) && !c->status_latched) {
			c->status = status_byte(c, now);
			c->status_latched = true;
		}
	}
}

static void control_write(struct vpit *p, uint8_t cw, uint64_t now)
{
	unsigned int sc = cw >> VPIT_CW_SC_SHIFT;
	struct vpit_channel *c;

	if (sc == VPIT_CW_SC_READBACK) {
		read_back(p, cw, now);
		return;
	}
	c = &p->ch[sc];
	vpit_edges_until(p, c, now);
	if (((cw & VPIT_CW_RW_MASK) >> VPIT_CW_RW_SHIFT) == VPIT_RW_LATCH)
		latch_count(c, now);
	else
		vpit_control(c, cw, now);
}

static unsigned int rw_mode(const struct vpit_channel *c)
{
	return (c->ctrl & VPIT_CW_RW_MASK) >> VPIT_CW_RW_SHIFT;
}

static void counter_write(struct vpit *p, struct vpit_channel *c, uint8_t val, uint64_t now)
{
	uint16_t raw;

	switch (rw_mode(c)) {
	case VPIT_RW_LSB:
		raw = val;
		break;
	case VPIT_RW_MSB:
		raw = (uint16_t)(val << 8);
		break;
	default:
		if (!c->write_msb) {
			c->write_lsb = val;
			c->write_msb = true;
			vpit_first_byte(c, now);
			return;
		}
		raw = (uint16_t)(val << 8 | c->write_lsb);
		c->write_msb = false;
		break;
	}
	vpit_load(p, c, raw, now);
}

/*
 * A status latched by read-back comes first; then a latched count (released once all its bytes
 * are read), else the live count. In LSB-then-MSB mode one flip-flop picks the byte of both.
 */
static uint8_t counter_read(struct vpit_channel *c, uint64_t now)
{
	uint16_t v;
	bool msb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	v = c->count_latched ? c->latch : (uint16_t)vpit_count(c, now);
	switch (rw_mode(c)) {
	case VPIT_RW_LSB:
		msb = false;
		c->count_latched = false;
		break;
	case VPIT_RW_MSB:
		msb = true;
		c->count_latched = false;
		break;
	default:
		msb = c->read_msb;
		c->read_msb = !msb;
		if (msb)
			c->count_latched = false;
		break;
	}
	return msb ? v >> 8 : v & 0xff;
}

static uint8_t port_b_read(struct vpit *p, uint64_t now)
{
	struct vpit_channel *c2 = &p->ch[2];
	uint64_t ticks = vpit_mul_div(now - p->epoch, VPIT_HZ, p->cfg.tsc_hz);
	uint8_t val = p->port_b;

	vpit_edges_until(p, c2, now);
	if ((ticks / VPIT_REFRESH_TICKS) & 1)
		val |= VPIT_B_REFRESH;
	if (vpit_out(c2, now))
		val |= VPIT_B_OUT2;
	return val;
}

uint8_t vpit_io_read(struct vpit *p, uint16_t port, uint64_t now)
{
	uint8_t val = 0xff;

	now = monotonic(p, now);
	/* channel 0's edges that are due come first, so no access can lose one */
	fire(p, now);
	if (port >= VPIT_PORT_CH0 && port < VPIT_PORT_CH0 + VPIT_CHANNELS) {
		struct vpit_channel *c = &p->ch[port - VPIT_PORT_CH0];

		vpit_edges_until(p, c, now);
		val = counter_read(c, now);
	} else if (port == VPIT_PORT_B) {
		val = port_b_read(p, now);
	}
	rearm(p);
	return val;
}

/* OUT0 as a guest write left it, against `was` before the write: IRQ0 follows (vpit_ops). */
static void out0_follow(struct vpit *p, bool was, uint64_t now)
{
	bool is = vpit_out(&p->ch[0], now);

	if (is != was)
		p->ops->irq0_level(p->ctx, is);
}

void vpit_io_write(struct vpit *p, uint16_t port, uint8_t val, uint64_t now)
{
	bool out0;

	now = monotonic(p, now);
	fire(p, now);
	out0 = vpit_out(&p->ch[0], now);
	if (port >= VPIT_PORT_CH0 && port < VPIT_PORT_CH0 + VPIT_CHANNELS) {
		struct vpit_channel *c = &p->ch[port - VPIT_PORT_CH0];

		vpit_edges_until(p, c, now);
		counter_write(p, c, val, now);
	} else if (port == VPIT_PORT_CTRL) {
		control_write(p, val, now);
	} else if (port == VPIT_PORT_B) {
		vpit_edges_until(p, &p->ch[2], now);
		p->port_b = val & VPIT_B_WRITABLE;
		vpit_gate(p, &p->ch[2], val & VPIT_B_GATE2, now);
	}
	out0_follow(p, out0, now);
	rearm(p);
}

const struct vpit_stats *vpit_stats(const struct vpit *p)
{
	return &p->stats;
}
