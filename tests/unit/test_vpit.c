/* SPDX-License-Identifier: MIT */
/*
 * The virtual 8254 against a fake TSC: each mode's OUT and count at exact TSCs, IRQ0 edges
 * never before their deadline, the latch and read-back commands, the byte flip-flops, channel 2
 * on port 0x61, Linux's calibration loops, drift, coalescing, the minimum period, and a fuzz
 * loop over random port traffic. Most tests run the TSC at exactly 1000 ticks per PIT tick, so
 * that every expected TSC is plain arithmetic; the drift and calibration tests run it at 1 GHz,
 * where a PIT tick is 838.095... TSC ticks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "chipset/vpit.h"

#define TPT		1000ull			/* TSC ticks per PIT tick by default */
#define TSC_START	5000000ull
#define GHZ		1000000000ull

/* Control words: SC << 6 | RW << 4 | mode << 1 */
#define CW(ch, rw, mode)	((uint8_t)((ch) << 6 | (rw) << 4 | (mode) << 1))
#define RW_LSB		1
#define RW_MSB		2
#define RW_WORD		3
#define CW_BCD		0x01
#define RB_STATUS(ch)	((uint8_t)(0xe0 | 2 << (ch)))	/* read-back: status only */
#define RB_BOTH(mask)	((uint8_t)(0xc0 | (mask) << 1))	/* read-back: count and status */
#define ST_OUT		0x80
#define ST_NULL		0x40
#define B_GATE2		0x01
#define B_SPEAKER	0x02
#define B_REFRESH	0x10
#define B_OUT2		0x20

struct fake {
	struct vpit p;
	uint64_t tsc;
	uint64_t tsc_step;		/* added to tsc after each port read */
	uint64_t now;			/* the TSC of the call in progress */
	bool armed;
	uint64_t deadline;
	unsigned int arms;
	unsigned int cancels;
	unsigned int edges;
	uint64_t edge_tsc;
	unsigned int rises, falls;	/* irq0_level calls */
	unsigned int logs;
	enum vpit_log_level log_level;
	char log_last[160];
};

static void fake_arm(void *ctx, uint64_t deadline)
{
	struct fake *f = ctx;

	f->arms++;
	f->armed = true;
	f->deadline = deadline;
}

static void fake_cancel(void *ctx)
{
	struct fake *f = ctx;

	f->cancels++;
	f->armed = false;
}

/* An edge is raised only while armed, and never before the armed deadline */
static void fake_edge(void *ctx)
{
	struct fake *f = ctx;

	assert_true(f->armed);
	assert_true(f->now >= f->deadline);
	f->edges++;
	f->edge_tsc = f->now;
}

static void fake_level(void *ctx, bool high)
{
	struct fake *f = ctx;

	if (high)
		f->rises++;
	else
		f->falls++;
}

static void fake_log(void *ctx, enum vpit_log_level level, const char *msg)
{
	struct fake *f = ctx;

	f->logs++;
	f->log_level = level;
	snprintf(f->log_last, sizeof(f->log_last), "%s", msg);
}

static const struct vpit_ops fake_ops = {
	.arm = fake_arm,
	.cancel = fake_cancel,
	.irq0_edge = fake_edge,
	.irq0_level = fake_level,
	.log = fake_log,
};

static struct fake *fake_new_cfg(uint64_t tsc_hz, uint32_t min_period_us, bool bios)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct vpit_config cfg = {
		.tsc_hz = tsc_hz, .min_period_us = min_period_us, .bios_state = bios,
	};

	assert_non_null(f);
	f->tsc = TSC_START;
	f->now = f->tsc;
	assert_true(vpit_init(&f->p, &cfg, &fake_ops, f, f->tsc));
	return f;
}

/* 1000 TSC ticks per PIT tick, a 200 us minimum period, no BIOS state */
static struct fake *fake_new(void)
{
	return fake_new_cfg(VPIT_HZ * TPT, 200, false);
}

static void out(struct fake *f, uint16_t port, uint8_t val)
{
	f->now = f->tsc;
	vpit_io_write(&f->p, port, val, f->tsc);
	if (f->armed)
		assert_true(f->deadline > f->now);
}

static uint8_t in(struct fake *f, uint16_t port)
{
	uint8_t val;

	f->now = f->tsc;
	val = vpit_io_read(&f->p, port, f->tsc);
	if (f->armed)
		assert_true(f->deadline > f->now);
	f->tsc += f->tsc_step;
	return val;
}

static bool check(struct fake *f)
{
	bool fired;

	f->now = f->tsc;
	fired = vpit_timer_check(&f->p, f->tsc);
	if (f->armed)
		assert_true(f->deadline > f->now);
	return fired;
}

static void write_word(struct fake *f, int ch, uint16_t count)
{
	out(f, 0x40 + ch, count & 0xff);
	out(f, 0x40 + ch, count >> 8);
}

static uint16_t read_word(struct fake *f, int ch)
{
	uint8_t lo = in(f, 0x40 + ch);

	return (uint16_t)(lo | in(f, 0x40 + ch) << 8);
}

/* Control word, then a two-byte count */
static void program(struct fake *f, int ch, int mode, uint16_t count)
{
	out(f, 0x43, CW(ch, RW_WORD, mode));
	write_word(f, ch, count);
}

static uint8_t status(struct fake *f, int ch)
{
	out(f, 0x43, RB_STATUS(ch));
	return in(f, 0x40 + ch);
}

static bool out_high(struct fake *f, int ch)
{
	return status(f, ch) & ST_OUT;
}

static void at_tick(struct fake *f, uint64_t t0, uint64_t ticks)
{
	f->tsc = t0 + ticks * TPT;
}

static const struct vpit_stats *stats(struct fake *f)
{
	return vpit_stats(&f->p);
}

static void mode0_interrupt_on_terminal_count(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc;

	(void)state;
	assert_false(f->armed);
	out(f, 0x43, CW(0, RW_WORD, 0));
	/* control word: OUT low, null count until a count is loaded */
	assert_int_equal(status(f, 0), ST_NULL | 0x30);
	write_word(f, 0, 1000);
	assert_int_equal(status(f, 0), 0x30);
	assert_true(f->armed);
	assert_int_equal(f->deadline, t0 + 1000 * TPT);
	assert_int_equal(read_word(f, 0), 1000);
	f->tsc = t0 + TPT - 1;
	assert_int_equal(read_word(f, 0), 1000);
	f->tsc = t0 + TPT;
	assert_int_equal(read_word(f, 0), 999);
	f->tsc = t0 + 1000 * TPT - 1;
	assert_false(check(f));
	assert_int_equal(read_word(f, 0), 1);
	assert_false(out_high(f, 0));
	assert_int_equal(f->edges, 0);
	f->tsc++;
	assert_true(check(f));
	assert_int_equal(f->edges, 1);
	assert_int_equal(f->edge_tsc, t0 + 1000 * TPT);
	assert_int_equal(read_word(f, 0), 0);
	assert_true(out_high(f, 0));
	assert_false(f->armed);
	/* the count wraps on; OUT stays high and nothing more is raised */
	at_tick(f, t0, 1001);
	assert_int_equal(read_word(f, 0), 0xffff);
	at_tick(f, t0, 70000);
	assert_false(check(f));
	assert_true(out_high(f, 0));
	assert_int_equal(f->edges, 1);
	assert_int_equal(stats(f)->ticks, 1);
	free(f);
}

/* A write that moves OUT0 (datasheet: a control word's initial level, mode 0) says so */
static void out0_level_follows_writes(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0;

	(void)state;
	out(f, 0x43, CW(0, RW_WORD, 2));	/* after init: mode 0, OUT low; now high */
	assert_int_equal(f->rises, 1);
	out(f, 0x43, CW(0, RW_WORD, 0));
	assert_int_equal(f->falls, 1);
	write_word(f, 0, 100);			/* mode 0's count keeps OUT low: no call */
	t0 = f->tsc;
	at_tick(f, t0, 100);
	assert_true(check(f));			/* terminal count: the edge op, not the level */
	assert_int_equal(f->edges, 1);
	assert_int_equal(f->rises, 1);
	out(f, 0x40, 5);			/* mode 0's first byte: OUT low again */
	assert_int_equal(f->falls, 2);
	out(f, 0x43, CW(2, RW_WORD, 2));	/* channel 2 is not IRQ0 */
	assert_int_equal(f->rises, 1);
	free(f);
}

static void mode2_rate_generator(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc, n = 1193;

	(void)state;
	program(f, 0, 2, n);
	assert_int_equal(f->deadline, t0 + n * TPT);
	for (uint64_t m = 0; m < 5; m++) {
		uint64_t base = m * n;

		at_tick(f, t0, base);
		assert_int_equal(read_word(f, 0), n);
		assert_true(out_high(f, 0));
		at_tick(f, t0, base + n - 2);
		assert_int_equal(read_word(f, 0), 2);
		assert_true(out_high(f, 0));
		/* count 1: OUT low for one tick */
		at_tick(f, t0, base + n - 1);
		assert_int_equal(read_word(f, 0), 1);
		assert_false(out_high(f, 0));
		f->tsc = t0 + (base + n) * TPT - 1;
		assert_false(check(f));
		f->tsc++;
		assert_true(check(f));
		assert_int_equal(f->edges, m + 1);
		assert_int_equal(f->deadline, t0 + (base + 2 * n) * TPT);
	}
	free(f);
}

static void mode3_square_wave(void **state)
{
	(void)state;
	for (uint64_t n = 1000; n <= 1001; n++) {
		struct fake *f = fake_new();
		uint64_t t0 = f->tsc, high = (n + 1) / 2;

		program(f, 0, 3, (uint16_t)n);
		assert_int_equal(f->deadline, t0 + n * TPT);
		for (uint64_t m = 0; m < 3; m++) {
			uint64_t base = m * n;

			at_tick(f, t0, base);
			assert_true(check(f) == (m > 0));
			assert_int_equal(read_word(f, 0), n);
			assert_true(out_high(f, 0));
			at_tick(f, t0, base + high - 1);
			assert_true(out_high(f, 0));
			assert_int_equal(read_word(f, 0), n - 2 * (high - 1));
			at_tick(f, t0, base + high);
			assert_false(out_high(f, 0));
			assert_int_equal(read_word(f, 0), n & ~1ull);
			at_tick(f, t0, base + n - 1);
			assert_false(out_high(f, 0));
			assert_int_equal(read_word(f, 0), 2);
		}
		assert_int_equal(f->edges, 2);
		free(f);
	}
}

static void count_zero_is_65536(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc;

	(void)state;
	program(f, 0, 2, 0);
	assert_int_equal(f->deadline, t0 + 65536 * TPT);
	assert_int_equal(read_word(f, 0), 0);
	at_tick(f, t0, 1);
	assert_int_equal(read_word(f, 0), 0xffff);
	program(f, 0, 3, 0);
	t0 = f->tsc;
	assert_int_equal(f->deadline, t0 + 65536 * TPT);
	at_tick(f, t0, 1);
	assert_int_equal(read_word(f, 0), 65534);
	at_tick(f, t0, 32767);
	assert_true(out_high(f, 0));
	at_tick(f, t0, 32768);
	assert_false(out_high(f, 0));
	assert_int_equal(read_word(f, 0), 0);
	/* mode 0: 65536 ticks to terminal count */
	program(f, 0, 0, 0);
	t0 = f->tsc;
	assert_int_equal(f->deadline, t0 + 65536 * TPT);
	free(f);
}

static void access_modes_and_flip_flops(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc;

	(void)state;
	/* channel 1 (gate high, no IRQ): LSB only */
	out(f, 0x43, CW(1, RW_LSB, 0));
	out(f, 0x41, 0x80);
	assert_int_equal(in(f, 0x41), 0x80);
	at_tick(f, t0, 3);
	assert_int_equal(in(f, 0x41), 0x7d);
	assert_int_equal(in(f, 0x41), 0x7d);
	/* MSB only */
	out(f, 0x43, CW(1, RW_MSB, 0));
	t0 = f->tsc;
	out(f, 0x41, 0x02);
	assert_int_equal(in(f, 0x41), 0x02);
	at_tick(f, t0, 1);
	assert_int_equal(in(f, 0x41), 0x01);
	/* LSB then MSB, each byte read live when its read comes */
	out(f, 0x43, CW(1, RW_WORD, 0));
	t0 = f->tsc;
	out(f, 0x41, 0x34);
	out(f, 0x41, 0x12);
	at_tick(f, t0, 5);
	assert_int_equal(in(f, 0x41), 0x2f);
	at_tick(f, t0, 5 + 0x100);
	assert_int_equal(in(f, 0x41), 0x11);
	/* the read flip-flop is back on the LSB */
	assert_int_equal(in(f, 0x41), 0x2f);
	assert_int_equal(in(f, 0x41), 0x11);
	/* a control word resets the write flip-flop: a lone LSB is forgotten */
	out(f, 0x41, 0x99);
	out(f, 0x43, CW(1, RW_WORD, 2));
	t0 = f->tsc;
	write_word(f, 1, 0x0200);
	assert_int_equal(read_word(f, 1), 0x0200);
	at_tick(f, t0, 1);
	assert_int_equal(read_word(f, 1), 0x01ff);
	/* port 0x43 is write-only */
	assert_int_equal(in(f, 0x43), 0xff);
	free(f);
}

static void counter_latch(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc;

	(void)state;
	program(f, 1, 2, 0x1234);
	at_tick(f, t0, 0x34);
	out(f, 0x43, CW(1, 0, 0));
	at_tick(f, t0, 0x34 + 10);
	/* a second latch before the first is read is ignored */
	out(f, 0x43, CW(1, 0, 0));
	assert_int_equal(read_word(f, 1), 0x1200);
	assert_int_equal(read_word(f, 1), 0x1234 - 0x34 - 10);
	/* latch between the bytes of a live read: the MSB comes from the latch */
	at_tick(f, t0, 0x100);
	assert_int_equal(in(f, 0x41), 0x34);
	out(f, 0x43, CW(1, 0, 0));
	at_tick(f, t0, 0x300);
	assert_int_equal(in(f, 0x41), 0x11);
	assert_int_equal(read_word(f, 1), 0x1234 - 0x300);
	/* a latch survives time but not a control word */
	out(f, 0x43, CW(1, 0, 0));
	out(f, 0x43, CW(1, RW_WORD, 0));
	write_word(f, 1, 500);
	assert_int_equal(read_word(f, 1), 500);
	free(f);
}

static void read_back_command(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc;

	(void)state;
	program(f, 0, 2, 1000);
	out(f, 0x43, CW(2, RW_LSB, 0) | CW_BCD);
	out(f, 0x61, B_GATE2);
	out(f, 0x42, 0x50);
	at_tick(f, t0, 10);
	/* count and status of channels 0 and 2 at once */
	out(f, 0x43, RB_BOTH(1 | 4));
	at_tick(f, t0, 20);
	out(f, 0x43, RB_BOTH(1 | 4));	/* ignored: both still latched */
	assert_int_equal(in(f, 0x40), ST_OUT | 0x34);
	assert_int_equal(read_word(f, 0), 990);
	assert_int_equal(read_word(f, 0), 980);
	/* channel 2: BCD 50, 10 ticks in (its gate rose at t0) */
	assert_int_equal(in(f, 0x42), 0x11);
	assert_int_equal(in(f, 0x42), 0x40);
	assert_int_equal(in(f, 0x42), 0x30);
	/* status only leaves the count live; count only leaves the status out */
	out(f, 0x43, RB_STATUS(0));
	assert_int_equal(in(f, 0x40), ST_OUT | 0x34);
	assert_int_equal(read_word(f, 0), 980);
	out(f, 0x43, 0xd2);	/* count only, channel 0 */
	at_tick(f, t0, 30);
	assert_int_equal(read_word(f, 0), 980);
	/* status at count 1: OUT low; a pending new count shows as null count */
	at_tick(f, t0, 999);
	write_word(f, 0, 500);
	assert_int_equal(status(f, 0), ST_NULL | 0x34);
	at_tick(f, t0, 1000);
	assert_int_equal(status(f, 0), ST_OUT | 0x34);
	free(f);
}

static void mode2_new_count_at_cycle_end(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc;

	(void)state;
	program(f, 0, 2, 1000);
	at_tick(f, t0, 300);
	write_word(f, 0, 500);
	/* the current cycle runs out first */
	assert_int_equal(f->deadline, t0 + 1000 * TPT);
	assert_int_equal(read_word(f, 0), 700);
	at_tick(f, t0, 1000);
	assert_true(check(f));
	assert_int_equal(read_word(f, 0), 500);
	assert_int_equal(f->deadline, t0 + 1500 * TPT);
	at_tick(f, t0, 1001);
	assert_int_equal(read_word(f, 0), 499);
	at_tick(f, t0, 1500);
	assert_true(check(f));
	assert_int_equal(f->deadline, t0 + 2000 * TPT);
	/* a read that comes after the cycle end, before any check, still sees the switch */
	at_tick(f, t0, 1700);
	write_word(f, 0, 300);
	at_tick(f, t0, 2050);
	assert_int_equal(read_word(f, 0), 250);
	assert_int_equal(f->edges, 3);
	assert_int_equal(f->deadline, t0 + 2300 * TPT);
	free(f);
}

static void mode3_new_count_at_half_cycle(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc;

	(void)state;
	program(f, 0, 3, 1000);
	at_tick(f, t0, 100);
	write_word(f, 0, 400);
	/* the high half ends at tick 500: a wake-up there, no IRQ */
	assert_int_equal(f->deadline, t0 + 500 * TPT);
	at_tick(f, t0, 500);
	assert_false(check(f));
	/* the new count starts in its low half: 200 ticks, then the edge */
	assert_false(out_high(f, 0));
	assert_int_equal(read_word(f, 0), 400);
	assert_int_equal(f->deadline, t0 + 700 * TPT);
	at_tick(f, t0, 700);
	assert_true(check(f));
	assert_true(out_high(f, 0));
	assert_int_equal(f->deadline, t0 + 1100 * TPT);
	/* written in the low half: takes over at the cycle's end, which is an edge */
	at_tick(f, t0, 1000);
	write_word(f, 0, 300);
	at_tick(f, t0, 1100);
	assert_true(check(f));
	assert_int_equal(f->deadline, t0 + 1400 * TPT);
	assert_int_equal(f->edges, 2);
	free(f);
}

static void mode0_rewrite(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc;

	(void)state;
	program(f, 0, 0, 1000);
	/* the first byte stops the count with OUT low; the second starts the new count */
	at_tick(f, t0, 400);
	out(f, 0x40, 0x00);
	assert_false(f->armed);
	at_tick(f, t0, 450);
	assert_int_equal(status(f, 0) & (ST_OUT | ST_NULL), ST_NULL);
	assert_int_equal(read_word(f, 0), 600);
	out(f, 0x40, 0x02);
	assert_int_equal(f->deadline, t0 + (450 + 512) * TPT);
	/* after terminal count, a new count takes OUT low again and raises one more edge */
	at_tick(f, t0, 2000);
	assert_true(check(f));
	assert_true(out_high(f, 0));
	write_word(f, 0, 10);
	assert_false(out_high(f, 0));
	at_tick(f, t0, 2010);
	assert_true(check(f));
	assert_int_equal(f->edges, 2);
	free(f);
}

static void modes_4_and_5_and_1(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc;

	(void)state;
	/* mode 4 on channel 0: OUT strobes low at count 0, the edge one tick later */
	program(f, 0, 4, 100);
	assert_true(out_high(f, 0));
	assert_int_equal(f->deadline, t0 + 101 * TPT);
	at_tick(f, t0, 100);
	assert_false(out_high(f, 0));
	assert_false(check(f));
	at_tick(f, t0, 101);
	assert_true(check(f));
	assert_true(out_high(f, 0));
	assert_false(f->armed);
	/* mode 1 on channel 0: the gate never rises, nothing counts, said once */
	program(f, 0, 1, 100);
	assert_false(f->armed);
	assert_int_equal(f->logs, 1);
	assert_int_equal(f->log_level, VPIT_LOG_DEBUG);
	program(f, 0, 5, 100);
	assert_int_equal(f->logs, 1);
	assert_true(out_high(f, 0));
	assert_int_equal(status(f, 0), ST_OUT | ST_NULL | 0x3a);
	/* modes 1 and 5 on channel 2 trigger on the gate */
	out(f, 0x43, CW(2, RW_WORD, 1));
	write_word(f, 2, 50);
	assert_int_equal(in(f, 0x61) & B_OUT2, B_OUT2);
	t0 = f->tsc;
	out(f, 0x61, B_GATE2);
	assert_int_equal(in(f, 0x61) & B_OUT2, 0);
	assert_int_equal(read_word(f, 2), 50);
	at_tick(f, t0, 49);
	assert_int_equal(in(f, 0x61) & B_OUT2, 0);
	/* retrigger: low gate does nothing, the rising edge starts over */
	out(f, 0x61, 0);
	out(f, 0x61, B_GATE2);
	t0 = f->tsc;
	at_tick(f, t0, 49);
	assert_int_equal(in(f, 0x61) & B_OUT2, 0);
	at_tick(f, t0, 50);
	assert_int_equal(in(f, 0x61) & B_OUT2, B_OUT2);
	out(f, 0x43, CW(2, RW_WORD, 5));
	write_word(f, 2, 20);
	out(f, 0x61, 0);
	out(f, 0x61, B_GATE2);
	t0 = f->tsc;
	at_tick(f, t0, 20);
	assert_int_equal(in(f, 0x61) & B_OUT2, 0);
	at_tick(f, t0, 21);
	assert_int_equal(in(f, 0x61) & B_OUT2, B_OUT2);
	assert_int_equal(f->edges, 1);
	free(f);
}

static void channel2_gate_and_port_b(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc;

	(void)state;
	assert_int_equal(in(f, 0x61) & ~B_REFRESH, 0);
	/* bits 0-3 read back; 4-7 are not written */
	out(f, 0x61, 0xfe);
	assert_int_equal(in(f, 0x61) & 0xcf, 0x0e);
	out(f, 0x61, 0);
	/* mode 0 with the gate low: loaded but not counting */
	program(f, 2, 0, 100);
	at_tick(f, t0, 500);
	assert_int_equal(read_word(f, 2), 100);
	assert_int_equal(in(f, 0x61) & B_OUT2, 0);
	out(f, 0x61, B_GATE2 | B_SPEAKER);
	assert_int_equal(in(f, 0x61) & 0x0f, B_GATE2 | B_SPEAKER);
	at_tick(f, t0, 540);
	assert_int_equal(read_word(f, 2), 60);
	/* gate low pauses mode 0 */
	out(f, 0x61, 0);
	at_tick(f, t0, 900);
	assert_int_equal(read_word(f, 2), 60);
	out(f, 0x61, B_GATE2);
	at_tick(f, t0, 959);
	assert_int_equal(in(f, 0x61) & B_OUT2, 0);
	at_tick(f, t0, 960);
	assert_int_equal(in(f, 0x61) & B_OUT2, B_OUT2);
	/* mode 2: a low gate forces OUT high and stops; the rising edge reloads */
	program(f, 2, 2, 100);
	t0 = f->tsc;
	at_tick(f, t0, 99);
	assert_int_equal(in(f, 0x61) & B_OUT2, 0);
	out(f, 0x61, 0);
	assert_int_equal(in(f, 0x61) & B_OUT2, B_OUT2);
	at_tick(f, t0, 150);
	assert_int_equal(read_word(f, 2), 1);
	out(f, 0x61, B_GATE2);
	assert_int_equal(read_word(f, 2), 100);
	at_tick(f, t0, 160);
	assert_int_equal(read_word(f, 2), 90);
	/* no IRQ from channel 2 */
	assert_false(f->armed);
	assert_int_equal(f->edges, 0);
	free(f);
}

static void refresh_toggle(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc;

	(void)state;
	for (uint64_t t = 0; t < 18 * 6; t++) {
		at_tick(f, t0, t);
		assert_int_equal(!!(in(f, 0x61) & B_REFRESH), (t / 18) & 1);
	}
	free(f);
}

static void bcd_counts(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc;

	(void)state;
	out(f, 0x43, CW(0, RW_WORD, 0) | CW_BCD);
	write_word(f, 0, 0x1000);
	assert_int_equal(f->deadline, t0 + 1000 * TPT);
	at_tick(f, t0, 1);
	assert_int_equal(read_word(f, 0), 0x0999);
	at_tick(f, t0, 1001);
	assert_int_equal(read_word(f, 0), 0x9999);
	assert_int_equal(status(f, 0), ST_OUT | 0x31);
	/* 0 is 10000 */
	out(f, 0x43, CW(0, RW_WORD, 2) | CW_BCD);
	t0 = f->tsc;
	write_word(f, 0, 0);
	assert_int_equal(f->deadline, t0 + 10000 * TPT);
	assert_int_equal(read_word(f, 0), 0);
	at_tick(f, t0, 1);
	assert_int_equal(read_word(f, 0), 0x9999);
	/* a digit above 9 counts at face value, said once */
	out(f, 0x43, CW(0, RW_WORD, 0) | CW_BCD);
	t0 = f->tsc;
	write_word(f, 0, 0x00a0);
	assert_int_equal(f->deadline, t0 + 100 * TPT);
	assert_int_equal(f->logs, 1);
	write_word(f, 0, 0x00b0);
	assert_int_equal(f->logs, 1);
	free(f);
}

static void bios_state(void **state)
{
	struct fake *f = fake_new_cfg(VPIT_HZ * TPT, 200, true);
	uint64_t t0 = f->tsc;

	(void)state;
	assert_true(f->armed);
	assert_int_equal(f->deadline, t0 + 65536 * TPT);
	assert_int_equal(status(f, 0), ST_OUT | 0x36);
	assert_int_equal(status(f, 2), ST_NULL | 0x30);
	at_tick(f, t0, 65536);
	assert_true(check(f));
	assert_int_equal(f->deadline, t0 + 2 * 65536 * TPT);
	free(f);
}

/*
 * Linux's pit_calibrate_tsc / pit_hpet_ptimer_calibrate_cpu: channel 2, mode 0, a 50 ms latch,
 * poll port 0x61 bit 5. At 1 GHz the TSC between the count write and the first read that sees
 * OUT2 is the latch's exact length, to within one poll.
 */
static void linux_pit_calibrate(void **state)
{
	struct fake *f = fake_new_cfg(GHZ, 200, true);
	const uint16_t latch = VPIT_HZ / (1000 / 50);
	uint64_t t1, t2, edge;
	uint8_t b;

	(void)state;
	f->tsc_step = 997;
	out(f, 0x61, (in(f, 0x61) & ~B_SPEAKER) | B_GATE2);
	out(f, 0x43, 0xb0);
	out(f, 0x42, latch & 0xff);
	out(f, 0x42, latch >> 8);
	t1 = f->tsc;
	edge = t1 + ((uint64_t)latch * GHZ + VPIT_HZ - 1) / VPIT_HZ;
	do {
		t2 = f->tsc;
		b = in(f, 0x61);
	} while (!(b & B_OUT2));
	assert_true(t2 >= edge && t2 < edge + f->tsc_step);
	/* the guest's estimate: within 997 TSC ticks in 50 ms, 20 ppm */
	assert_true((t2 - t1) * VPIT_HZ / latch - GHZ <= 20000);
	free(f);
}

/* Linux's quick_pit_calibrate: mode 0 from 0xffff, the MSB read live, LSB read and dropped */
static void linux_quick_pit_calibrate(void **state)
{
	struct fake *f = fake_new_cfg(GHZ, 200, true);
	uint64_t t0, seen[4];
	int msb = 0xff, i = 0;

	(void)state;
	f->tsc_step = 101;
	out(f, 0x61, (in(f, 0x61) & ~B_SPEAKER) | B_GATE2);
	out(f, 0x43, 0xb0);
	out(f, 0x42, 0xff);
	out(f, 0x42, 0xff);
	t0 = f->tsc;
	while (i < 4) {
		uint64_t t = f->tsc;
		int m;

		in(f, 0x42);
		m = in(f, 0x42);
		assert_true(m == msb || m == msb - 1);
		if (m != msb) {
			msb = m;
			seen[i++] = t;
		}
	}
	/*
	 * MSB 0xff - k shows from tick 256 k (count 0xfeff for k = 1). The pair recorded at t read
	 * its MSB at t + step, the pair before at t - step.
	 */
	for (i = 0; i < 4; i++) {
		uint64_t ticks = 256 * (uint64_t)(i + 1);
		uint64_t at = t0 + (ticks * GHZ + VPIT_HZ - 1) / VPIT_HZ;

		assert_true(seen[i] + f->tsc_step >= at && seen[i] - f->tsc_step < at);
	}
	free(f);
}

/* 100,000 periods at 1 GHz: each edge at the exact first TSC of tick m x N, however late */
static void periodic_no_drift(void **state)
{
	struct fake *f = fake_new_cfg(GHZ, 200, false);
	const uint64_t n = 1193, periods = 100000;
	uint64_t t0 = f->tsc, m, want = 0, prev = 0;

	(void)state;
	program(f, 0, 2, n);
	for (m = 1; m <= periods; m++) {
		want = t0 + (m * n * GHZ + VPIT_HZ - 1) / VPIT_HZ;
		assert_int_equal(f->deadline, want);
		/* never more than a TSC tick from the real-valued m x period */
		assert_true((unsigned __int128)(want - t0) * VPIT_HZ - (unsigned __int128)m * n * GHZ <
			    VPIT_HZ);
		if (m > 1)
			assert_true(want - prev == 999847 || want - prev == 999848);
		prev = want;
		f->tsc = want - 1;
		assert_false(check(f));
		f->tsc = want + (m * 7919) % 400000;
		assert_true(check(f));
	}
	assert_int_equal(f->edges, periods);
	assert_int_equal(want, t0 + 99984746669ull);
	assert_int_equal(stats(f)->coalesced, 0);
	free(f);

	/* a whole number of TSC ticks per period: last = first + (N - 1) x period, exactly */
	f = fake_new();
	t0 = f->tsc;
	program(f, 0, 2, n);
	uint64_t first = f->deadline;

	for (m = 1; m <= periods; m++) {
		f->tsc = f->deadline + m % 1000;
		assert_true(check(f));
	}
	assert_int_equal(f->edge_tsc - periods % 1000, first + (periods - 1) * n * TPT);
	assert_int_equal(f->deadline, first + periods * n * TPT);
	free(f);
}

static void late_checks_coalesce(void **state)
{
	struct fake *f = fake_new();
	uint64_t t0 = f->tsc, p = 1000 * TPT;

	(void)state;
	program(f, 0, 2, 1000);
	/* late by half a period: one edge, nothing lost */
	f->tsc = t0 + p + p / 2;
	assert_true(check(f));
	assert_int_equal(stats(f)->coalesced, 0);
	assert_int_equal(f->deadline, t0 + 2 * p);
	/* late by 2.5 periods: one edge for three, on the same phase */
	f->tsc = t0 + 4 * p + p / 2;
	assert_true(check(f));
	assert_int_equal(f->edges, 2);
	assert_int_equal(stats(f)->coalesced, 2);
	assert_int_equal(stats(f)->clamps, 1);
	assert_int_equal(f->deadline, t0 + 5 * p);
	assert_false(check(f));
	/* a million periods behind: still one edge, and the next deadline comes after now */
	f->tsc = t0 + 1000005 * p + 1;
	assert_true(check(f));
	assert_int_equal(f->edges, 3);
	assert_int_equal(stats(f)->coalesced, 2 + 1000000);
	assert_int_equal(stats(f)->clamps, 2);
	assert_int_equal(f->deadline, t0 + 1000006 * p);
	assert_int_equal(stats(f)->ticks, 3);
	/* an access that finds edges due raises them too */
	f->tsc = t0 + 1000006 * p;
	assert_int_equal(read_word(f, 0), 1000);
	assert_int_equal(f->edges, 4);
	free(f);
}

static void min_period(void **state)
{
	struct fake *f = fake_new();
	const uint64_t min = VPIT_HZ * TPT * 200 / 1000000;	/* 200 us in TSC ticks */
	uint64_t t0 = f->tsc;

	(void)state;
	assert_int_equal(min, 238636);
	program(f, 0, 2, 10);
	assert_int_equal(f->deadline, t0 + min);
	assert_int_equal(stats(f)->min_period_raised, 1);
	assert_int_equal(f->logs, 1);
	assert_int_equal(f->log_level, VPIT_LOG_DEBUG);
	/* the count runs from 10 to 1 over the longer period */
	assert_int_equal(read_word(f, 0), 10);
	f->tsc = t0 + min / 2;
	assert_int_equal(read_word(f, 0), 5);
	f->tsc = t0 + min;
	assert_true(check(f));
	assert_int_equal(f->deadline, t0 + 2 * min);
	/* 238 ticks is below 238.6 ticks: raised; 239 is not */
	program(f, 0, 3, 238);
	t0 = f->tsc;
	assert_int_equal(f->deadline, t0 + min);
	assert_int_equal(stats(f)->min_period_raised, 2);
	program(f, 0, 2, 239);
	t0 = f->tsc;
	assert_int_equal(f->deadline, t0 + 239 * TPT);
	assert_int_equal(stats(f)->min_period_raised, 2);
	/* not one-shot mode 0, not channel 2 */
	program(f, 0, 0, 10);
	t0 = f->tsc;
	assert_int_equal(f->deadline, t0 + 10 * TPT);
	out(f, 0x61, B_GATE2);
	program(f, 2, 2, 10);
	at_tick(f, t0, 5);
	assert_int_equal(read_word(f, 2), 5);
	assert_int_equal(stats(f)->min_period_raised, 2);
	assert_int_equal(f->logs, 1);
	free(f);

	/* min_period_us = 0: only the 1 us floor (issue 11), which count 2 (1.68 us) is above */
	f = fake_new_cfg(VPIT_HZ * TPT, 0, false);
	t0 = f->tsc;
	program(f, 0, 2, 2);
	assert_int_equal(f->deadline, t0 + 2 * TPT);
	assert_int_equal(stats(f)->min_period_raised, 0);
	/* count 1 (0.84 us) is below it: the period becomes 1 us */
	program(f, 0, 3, 1);
	assert_int_equal(stats(f)->min_period_raised, 1);
	assert_int_equal(f->p.min_period, VPIT_HZ * TPT / 1000000);
	free(f);
}

static void init_refuses_bad_rates(void **state)
{
	struct vpit p;
	struct vpit_config cfg = { .tsc_hz = 999999 };

	(void)state;
	assert_false(vpit_init(&p, &cfg, &fake_ops, NULL, 0));
	cfg.tsc_hz = (1ull << 56) + 1;
	assert_false(vpit_init(&p, &cfg, &fake_ops, NULL, 0));
	assert_true(vpit_port(0x40) && vpit_port(0x43) && vpit_port(0x61));
	assert_false(vpit_port(0x44) || vpit_port(0x60) || vpit_port(0x3f));
}

/* The count of a loaded periodic channel is within 1..N (0 standing for the modulus) */
static void check_invariants(struct fake *f)
{
	for (int i = 0; i < VPIT_CHANNELS; i++) {
		const struct vpit_channel *c = &f->p.ch[i];
		uint16_t v;
		uint32_t count, m = c->ctrl & CW_BCD ? 10000 : 65536;

		if (c->count_latched || c->status_latched || c->read_msb ||
		    (c->ctrl & 0x30) != 0x30)
			continue;
		v = read_word(f, i);
		count = v;
		if (c->ctrl & CW_BCD) {
			for (int s = 0; s < 16; s += 4)
				assert_true(((v >> s) & 15) <= 9);
			count = (v >> 12) * 1000 + ((v >> 8) & 15) * 100 + ((v >> 4) & 15) * 10 +
				(v & 15);
		}
		assert_true(count < m);
		if (c->loaded && (c->mode == 2 || c->mode == 3))
			assert_true((count ? count : m) <= c->n);
	}
}

/* Random port traffic, time steps and checks: no crash, no early edge, sane counts */
static void fuzz(void **state)
{
	static const uint16_t ports[] = { 0x40, 0x41, 0x42, 0x43, 0x61 };
	uint64_t edges = 0, coalesced = 0;

	(void)state;
	srand(12345);
	for (int run = 0; run < 4; run++) {
		struct fake *f = fake_new_cfg(run & 1 ? GHZ : VPIT_HZ * TPT, run < 2 ? 200 : 0,
					      run & 2);

		for (int i = 0; i < 200000; i++) {
			int r = rand();
			uint16_t port = ports[r % 5];

			switch ((r >> 4) % 8) {
			case 0:
			case 1:
				out(f, port, (uint8_t)(rand() >> 3));
				break;
			case 2:
				/* small counts, where the edges come thick */
				out(f, port, (uint8_t)(rand() % 8));
				break;
			case 3:
				in(f, port);
				break;
			case 4:
				f->tsc += rand() % 4000;
				break;
			case 5:
				f->tsc += (r >> 8) % 64 ? 0 : (uint64_t)rand() * 1000;
				break;
			case 6:
				check(f);
				break;
			default:
				check_invariants(f);
				break;
			}
		}
		/* what is armed goes off at its deadline (fake_edge: never before it) */
		for (int k = 0; f->armed && k < 3; k++) {
			f->tsc = f->deadline;
			check(f);
		}
		edges += f->edges;
		coalesced += stats(f)->coalesced;
		free(f);
	}
	/* the traffic did run channel 0 and reach its corners */
	assert_true(edges > 1000);
	assert_true(coalesced > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mode0_interrupt_on_terminal_count),
		cmocka_unit_test(out0_level_follows_writes),
		cmocka_unit_test(mode2_rate_generator),
		cmocka_unit_test(mode3_square_wave),
		cmocka_unit_test(count_zero_is_65536),
		cmocka_unit_test(access_modes_and_flip_flops),
		cmocka_unit_test(counter_latch),
		cmocka_unit_test(read_back_command),
		cmocka_unit_test(mode2_new_count_at_cycle_end),
		cmocka_unit_test(mode3_new_count_at_half_cycle),
		cmocka_unit_test(mode0_rewrite),
		cmocka_unit_test(modes_4_and_5_and_1),
		cmocka_unit_test(channel2_gate_and_port_b),
		cmocka_unit_test(refresh_toggle),
		cmocka_unit_test(bcd_counts),
		cmocka_unit_test(bios_state),
		cmocka_unit_test(linux_pit_calibrate),
		cmocka_unit_test(linux_quick_pit_calibrate),
		cmocka_unit_test(periodic_no_drift),
		cmocka_unit_test(late_checks_coalesce),
		cmocka_unit_test(min_period),
		cmocka_unit_test(init_refuses_bad_rates),
		cmocka_unit_test(fuzz),
	};

	return cmocka_run_group_tests_name("vpit", tests, NULL, NULL);
}
