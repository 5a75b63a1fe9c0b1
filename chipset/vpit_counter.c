/* SPDX-License-Identifier: MIT */
/*
 * One 8254 counter against the host TSC: what its counting element (CE) holds, where OUT is,
 * and when OUT rises next, all computed from the ticks elapsed since the count was loaded
 * (82C54 datasheet, "Modes" 0-5). Nothing is stored per tick.
 *
 * A running counter is a segment: ticks = seg_ticks + floor((tsc - seg_tsc) * num / den), with
 * num / den = VPIT_HZ / tsc_hz (or N / min_period for a slowed channel 0). Tick 0 is the load of
 * the count, so in every mode OUT's rising edges fall on fixed tick numbers (N, 2N, ... in modes
 * 2 and 3) and their TSCs follow exactly from the segment: no error builds up. A gate that stops
 * the count closes the segment (seg_ticks keeps the ticks so far); one that lets it go on opens a
 * new one at the TSC of the gate write.
 */
#include "chipset/vpit_internal.h"

static uint32_t modulus(const struct vpit_channel *c)
{
	return c->ctrl & VPIT_CW_BCD ? 10000 : 65536;
}

/* Modes 1 and 5 count only after a gate trigger: their segment runs once loaded */
static bool gate_triggered(const struct vpit_channel *c)
{
	return c->mode == 1 || c->mode == 5;
}

uint64_t vpit_ticks_at(const struct vpit_channel *c, uint64_t now)
{
	uint64_t d;

	if (!c->running || now <= c->seg_tsc)
		return c->seg_ticks;
	d = vpit_mul_div(now - c->seg_tsc, c->num, c->den);
	return d > UINT64_MAX - c->seg_ticks ? UINT64_MAX : c->seg_ticks + d;
}

/* The first TSC at which `tick` has elapsed (the segment is running) */
static uint64_t tsc_of(const struct vpit_channel *c, uint64_t tick)
{
	uint64_t dt;

	if (tick <= c->seg_ticks)
		return c->seg_tsc;
	dt = vpit_mul_div_up(tick - c->seg_ticks, c->den, c->num);
	return dt > UINT64_MAX - c->seg_tsc ? UINT64_MAX : c->seg_tsc + dt;
}

/*
 * The channel's tick rate. A periodic channel 0 faster than min_period would let the guest
 * keep the host busy with exits: it is slowed so that one period of N ticks lasts min_period
 * TSC ticks (num / den = N / min_period), as the vLAPIC raises its periodic timer.
 */
static void set_rate(struct vpit *p, struct vpit_channel *c)
{
	c->num = VPIT_HZ;
	c->den = p->cfg.tsc_hz;
	if (c != &p->ch[0] || !vpit_periodic(c) || !p->min_period ||
	    (unsigned __int128)c->n * p->cfg.tsc_hz >= (unsigned __int128)p->min_period * VPIT_HZ)
		return;
	c->num = c->n;
	c->den = p->min_period;
	p->stats.min_period_raised++;
	/* debug level: a console line inside this exit would hold the guest up for milliseconds */
	if (vpit_once(p, VPIT_ONCE_MIN_PERIOD))
		vpit_log(p, VPIT_LOG_DEBUG, "PIT channel 0 count %u raised to a %llu-TSC-tick period",
			 c->n, (unsigned long long)p->min_period);
}

/* The first rising edge of OUT after tick `from` of a count just loaded */
static uint64_t first_edge(const struct vpit_channel *c, uint64_t from)
{
	switch (c->mode) {
	case 0:
	case 1:
		return c->n;		/* terminal count: OUT goes high and stays */
	case 2:
	case 3:
		return (from / c->n + 1) * c->n;	/* the end of each cycle */
	default:
		return (uint64_t)c->n + 1;	/* modes 4, 5: the one-tick strobe ends */
	}
}

/* CR -> CE at TSC `tsc`, the count starting at tick `from` (0, or a mode-3 half-cycle) */
static void start(struct vpit *p, struct vpit_channel *c, uint64_t tsc, uint64_t from)
{
	c->n = c->cr;
	c->null_count = false;
	c->loaded = true;
	c->running = c->gate || gate_triggered(c);
	c->seg_tsc = tsc;
	c->seg_ticks = from;
	c->switch_at = VPIT_EDGE_NONE;
	set_rate(p, c);
	c->next_edge = first_edge(c, from);
}

/* OUT edges in ticks up to and including `d`; the next edge moves past it */
static uint64_t edges_upto(struct vpit_channel *c, uint64_t d)
{
	uint64_t k;

	if (c->next_edge == VPIT_EDGE_NONE || c->next_edge > d)
		return 0;
	if (!vpit_periodic(c)) {
		c->next_edge = VPIT_EDGE_NONE;
		return 1;
	}
	k = (d - c->next_edge) / c->n + 1;
	c->next_edge += k * c->n;
	return k;
}

/*
 * Brings the counter up to `now`: a new count waiting in CR for the end of the (half-)cycle
 * takes over if that tick has come, and the OUT rising edges passed since the last call are
 * counted and returned.
 */
uint64_t vpit_edges_until(struct vpit *p, struct vpit_channel *c, uint64_t now)
{
	uint64_t edges = 0, at;

	if (!c->loaded || !c->running)
		return 0;
	if (c->switch_at != VPIT_EDGE_NONE && c->switch_at <= vpit_ticks_at(c, now)) {
		edges = edges_upto(c, c->switch_at);
		at = tsc_of(c, c->switch_at);
		/* a mode-3 switch at the end of the high half starts the new count's low half */
		start(p, c, at, c->switch_at % c->n ? ((uint64_t)c->cr + 1) / 2 : 0);
	}
	return edges + edges_upto(c, vpit_ticks_at(c, now));
}

/* The TSC at which vpit_edges_until has something to do next; UINT64_MAX = never */
uint64_t vpit_next_deadline(const struct vpit_channel *c)
{
	uint64_t when = UINT64_MAX;

	if (!c->loaded || !c->running)
		return when;
	if (c->next_edge != VPIT_EDGE_NONE)
		when = tsc_of(c, c->next_edge);
	if (c->switch_at != VPIT_EDGE_NONE && tsc_of(c, c->switch_at) < when)
		when = tsc_of(c, c->switch_at);
	return when;
}

bool vpit_out(const struct vpit_channel *c, uint64_t now)
{
	uint64_t d;

	/* after a control word: OUT low in mode 0, high in the others (datasheet, each mode) */
	if (!c->loaded)
		return c->mode != 0;
	/* modes 2 and 3: a low gate forces OUT high at once */
	if (vpit_periodic(c) && !c->running)
		return true;
	d = vpit_ticks_at(c, now);
	switch (c->mode) {
	case 0:
	case 1:
		return d >= c->n;
	case 2:
		/* low for the one tick at count 1; count 1 itself is illegal: OUT stays high */
		return c->n == 1 || d % c->n != c->n - 1;
	case 3:
		return d % c->n < (c->n + 1) / 2;	/* high for the longer half of odd N */
	default:
		return d != c->n;	/* modes 4, 5: the strobe is one tick low at count 0 */
	}
}

static uint16_t to_bcd(uint32_t v)
{
	v %= 10000;
	return (uint16_t)((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

/* The CE's value, 0 to modulus - 1 (0 holds 65536 or 10000) */
static uint32_t ce_value(const struct vpit_channel *c, uint64_t now)
{
	uint32_t m = modulus(c), v;
	uint64_t d, phase, half;

	if (!c->loaded)
		return c->held;
	d = vpit_ticks_at(c, now);
	switch (c->mode) {
	case 2:
		v = c->n - d % c->n;	/* N, N-1, ..., 1, reloaded */
		break;
	case 3:
		/* decrements by two: each half reads N, N-2, ... (see vpit.h for odd N) */
		phase = d % c->n;
		half = (c->n + 1) / 2;
		v = phase < half ? c->n - 2 * phase : (c->n & ~1u) - 2 * (phase - half);
		break;
	default:
		/* modes 0, 1, 4, 5 go on counting past terminal count and wrap */
		v = (uint32_t)((c->n + m - d % m) % m);
		break;
	}
	return v % m;
}

/* The count as the guest reads it: 16 bits, in BCD when the channel counts in BCD */
uint32_t vpit_count(const struct vpit_channel *c, uint64_t now)
{
	uint32_t v = ce_value(c, now);

	return c->ctrl & VPIT_CW_BCD ? to_bcd(v) : v;
}

/*
 * A control word for this counter (datasheet: "all control logic is reset, OUT goes to a known
 * initial state"): the CE stops where it is until a count is written, latches and the byte
 * flip-flops are reset.
 */
void vpit_control(struct vpit_channel *c, uint8_t cw, uint64_t now)
{
	uint8_t mode = (cw >> VPIT_CW_MODE_SHIFT) & 7;

	c->held = (uint16_t)ce_value(c, now);
	c->ctrl = cw & VPIT_CW_LOW_BITS;
	c->mode = mode > 5 ? mode - 4 : mode;
	c->write_msb = false;
	c->read_msb = false;
	c->count_latched = false;
	c->status_latched = false;
	c->null_count = true;
	c->cr = 0;
	c->loaded = false;
	c->running = false;
	c->next_edge = VPIT_EDGE_NONE;
	c->switch_at = VPIT_EDGE_NONE;
}

/* The LSB of a two-byte count: in mode 0 it stops the count with OUT low (datasheet mode 0) */
void vpit_first_byte(struct vpit_channel *c, uint64_t now)
{
	c->null_count = true;
	if (c->mode != 0)
		return;
	c->held = (uint16_t)ce_value(c, now);
	c->loaded = false;
	c->running = false;
	c->next_edge = VPIT_EDGE_NONE;
}

static bool bcd_valid(uint16_t raw)
{
	for (int shift = 0; shift < 16; shift += 4)
		if (((raw >> shift) & 15) > 9)
			return false;
	return true;
}

/* The written count: 0 is the largest, 65536 or 10000 */
static uint32_t decode(struct vpit *p, const struct vpit_channel *c, uint16_t raw)
{
	uint32_t v = raw;

	if (c->ctrl & VPIT_CW_BCD) {
		if (!bcd_valid(raw) && vpit_once(p, VPIT_ONCE_BCD_DIGIT))
			vpit_log(p, VPIT_LOG_DEBUG, "PIT BCD count %#x has a digit above 9", raw);
		v = ((raw >> 12) * 1000 + ((raw >> 8) & 15) * 100 + ((raw >> 4) & 15) * 10 +
		     (raw & 15)) % 10000;
	}
	return v ? v : modulus(c);
}

/*
 * A whole count written to CR at `now`. Modes 0 and 4 (re)start at once; modes 1 and 5 wait for
 * a gate trigger; modes 2 and 3 start if they have no count yet, else the new count waits for
 * the end of the current cycle (mode 2) or half-cycle (mode 3), datasheet modes 2 and 3.
 */
void vpit_load(struct vpit *p, struct vpit_channel *c, uint16_t raw, uint64_t now)
{
	uint64_t d, phase, half;

	c->cr = decode(p, c, raw);
	c->null_count = true;
	if (gate_triggered(c)) {
		if (c != &p->ch[2] && vpit_once(p, VPIT_ONCE_GATE_MODE))
			vpit_log(p, VPIT_LOG_DEBUG,
				 "PIT channel %d in mode %u waits for a gate edge that never comes",
				 (int)(c - p->ch), c->mode);
		return;
	}
	if (!vpit_periodic(c) || !c->loaded) {
		start(p, c, now, 0);
		return;
	}
	if (!c->running)
		return;		/* the gate is low: its rising edge loads CR */
	d = vpit_ticks_at(c, now);
	phase = d % c->n;
	half = (c->n + 1) / 2;
	if (c->mode == 3 && phase < half)
		c->switch_at = d - phase + half;
	else
		c->switch_at = d - phase + c->n;
}

/*
 * Channel 2's gate (port 0x61 bit 0). Rising: modes 1 and 5 trigger, modes 2 and 3 reload CR
 * and start over, modes 0 and 4 go on counting. Falling: modes 0, 2, 3 and 4 stop counting
 * (2 and 3 with OUT high); modes 1 and 5 don't care.
 */
void vpit_gate(struct vpit *p, struct vpit_channel *c, bool gate, uint64_t now)
{
	if (gate == c->gate)
		return;
	c->gate = gate;
	if (gate) {
		if (gate_triggered(c) || vpit_periodic(c)) {
			if (c->cr)
				start(p, c, now, 0);
		} else if (c->loaded) {
			c->seg_tsc = now;
			c->running = true;
		}
		return;
	}
	if (c->loaded && !gate_triggered(c)) {
		c->seg_ticks = vpit_ticks_at(c, now);
		c->running = false;
	}
}
