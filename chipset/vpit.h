/* SPDX-License-Identifier: MIT */
/*
 * The guest's virtual 8254 programmable interval timer (Intel 82C54 datasheet, order 231244)
 * and the PIT half of the PC's port B (0x61), as portable C: it builds unchanged into the
 * hypervisor and into the host unit tests. It never touches the VMCS or the hardware: time comes
 * in as host-TSC arguments, and the timer and IRQ0 go out through struct vpit_ops.
 *
 * Clock. The PIT counts at VPIT_HZ = 1,193,182 Hz. A PC's crystal gives 105/88 MHz =
 * 1,193,181.818 Hz; 1,193,182 is the constant guests calibrate with (Linux's PIT_TICK_RATE,
 * KVM, QEMU, and tickvisor's own arch/x86/clock.c and bench guest), so a guest that measures
 * the TSC against this PIT gets back exactly the tsc_hz tickvisor reports in CPUID (the
 * 0.15 ppm between the two is far below what any guest can see). All conversions are exact
 * integer ratios in 128 bits: channel ticks elapsed = floor(TSC elapsed * VPIT_HZ / tsc_hz),
 * and the TSC of channel tick d is the first TSC at which that many ticks have elapsed.
 *
 * Time is the host TSC as absolute values (the guest runs with TSC offset 0). Each count is
 * anchored at the TSC where it was loaded, and every OUT edge is at an exact tick number from
 * there, so periodic IRQ0 edges never drift: edge m of a count of N is at the TSC of tick m * N.
 * The 8254 loads a written count on the CLK pulse after the write (up to 838 ns later); here
 * the write itself is that pulse, so a count of N lasts exactly N ticks from the write.
 *
 * What each channel does (all six modes of the datasheet run on every channel; count 0 is
 * 65536, or 10000 in BCD; BCD counts are implemented):
 *  - channel 0: gate tied high; OUT0 is IRQ0. Its rising edge is the interrupt: mode 0 once at
 *    terminal count, modes 2 and 3 once per period, mode 4 once after the strobe. Modes 1 and 5
 *    wait for a gate edge that a PC never gives channel 0: they count nothing and raise nothing
 *    (said once in the log). A periodic (2, 3) count shorter than min_period_us is slowed to
 *    that period, count reads included (they run from N to 1 over the longer period), as the
 *    vLAPIC does with its periodic timer.
 *  - channel 1: gate tied high, OUT1 goes nowhere (it paced DRAM refresh); it counts and reads
 *    back like the others, nothing more.
 *  - channel 2: gate = port 0x61 bit 0, OUT2 readable at port 0x61 bit 5 (Linux's
 *    pit_calibrate_tsc and quick_pit_calibrate, DOS-era delay loops).
 *
 * Port 0x61 (PC/AT port B), as this model gives it:
 *	bit 0	R/W	channel 2 gate
 *	bit 1	R/W	speaker data enable: kept, no sound
 *	bit 2	R/W	parity check disable: kept, no effect (there is no NMI source behind it)
 *	bit 3	R/W	I/O channel check disable: kept, no effect (likewise)
 *	bit 4	RO	refresh toggle: flips every 18 PIT ticks (15.09 us) of TSC time, the rate of
 *			a PC's refresh requests, so delay loops that count flips wait real time
 *	bit 5	RO	OUT2
 *	bit 6	RO	I/O channel check: 0
 *	bit 7	RO	parity error (SERR): 0
 * Port 0x43 (the control register) is write-only: a read gives 0xff, an open ISA bus.
 *
 * Deviations, all defined behaviour: a count written to a running mode-2 or mode-3 counter
 * takes over at the end of the current cycle (mode 2) or half-cycle (mode 3) as the datasheet
 * says, rebased on the first TSC of that tick (under a TSC tick of phase); mode 3 with an odd
 * count N reads N, N-2, ..., 1 in its high half and N-1, ..., 2 in its low half (the datasheet's
 * sequence differs within the half; the halves' lengths, (N+1)/2 and (N-1)/2, are exact); the
 * illegal count 1 in mode 2 reads OUT high and still raises an edge every tick (min period
 * applies on channel 0); a BCD nibble above 9 counts at its face value, modulo 10000; after a
 * control word, until a count is loaded, the counter reads the value it held.
 *
 * How the glue drives it (one vCPU, one thread: nothing here runs concurrently):
 *  - setup: vpit_init with the TSC of now. Intercept ports 0x40-0x43 and 0x61.
 *  - every VM exit, next to vlapic_timer_check: vpit_timer_check(now) with the exit's TSC. It
 *    raises IRQ0 (ops->irq0_edge) for an OUT0 rising edge that is due, never before its TSC,
 *    and re-arms. ops->arm asks for an exit at or after a TSC deadline (the shared "interrupt
 *    me at T" owner, same backends as the vLAPIC timer); ops->cancel withdraws it.
 *  - I/O exit on 0x40-0x43 or 0x61: vpit_io_read / vpit_io_write, one byte at a time (a word
 *    access to port P is P then P + 1, as an 8-bit ISA device sees it), with the exit's TSC.
 *  - HLT: nothing of its own; the armed deadline must be able to wake the host (sw backend).
 *  - statistics: vpit_stats() for the boot banner and the exit statistics.
 * `now` must not go backwards between calls; an earlier value is taken as the latest seen.
 */
#ifndef CHIPSET_VPIT_H
#define CHIPSET_VPIT_H

#include <stdbool.h>
#include <stdint.h>

#define VPIT_HZ			1193182u	/* see "Clock" above */
/*
 * The shortest channel-0 period whatever min_period_us says (0 included), the vLAPIC's floor
 * (VLAPIC_PERIOD_FLOOR_NS): a period below an exit's cost would keep every entry exiting. Only
 * a count of 1 (0.84 us) is below it.
 */
#define VPIT_PERIOD_FLOOR_NS	1000u

/* I/O ports (IBM PC/AT) */
#define VPIT_PORT_CH0		0x40	/* counter 0: IRQ0 */
#define VPIT_PORT_CH1		0x41	/* counter 1: refresh, unused */
#define VPIT_PORT_CH2		0x42	/* counter 2: gate and OUT on port B */
#define VPIT_PORT_CTRL		0x43	/* control word register, write-only */
#define VPIT_PORT_B		0x61	/* PC/AT port B (see the table above) */

#define VPIT_CHANNELS		3

/* Severity of a diagnostic passed to vpit_ops.log */
enum vpit_log_level {
	VPIT_LOG_WARN,			/* the guest did something the model can't do as asked */
	VPIT_LOG_INFO,			/* a fact worth a line in a normal run */
	VPIT_LOG_DEBUG,			/* odd but defined programming, the minimum period */
};

struct vpit_config {
	uint64_t tsc_hz;		/* host TSC frequency; 1 MHz to 2^56 Hz */
	uint32_t min_period_us;		/* shortest channel-0 period in modes 2/3; 0: the floor */
	/*
	 * Start as a PC BIOS leaves the PIT: channel 0 in mode 3 with count 65536, IRQ0 at
	 * 18.2 Hz (what a guest sees natively after GRUB). Without it every channel starts as if
	 * given control word "LSB then MSB, mode 0, binary" and no count: OUT low, nothing armed.
	 */
	bool bios_state;
};

/*
 * What the vPIT needs from below; every callback gets the ctx given to vpit_init. Any of them
 * may be called from inside any vpit_* function (an access first raises the IRQ0 edges that are
 * due), never asynchronously.
 */
struct vpit_ops {
	/*
	 * Make sure vpit_timer_check runs at some exit at or after absolute host TSC `deadline`
	 * (late is allowed; early does no harm, since nothing fires before its TSC).
	 * A new arm replaces the previous one.
	 */
	void (*arm)(void *ctx, uint64_t deadline);
	void (*cancel)(void *ctx);
	/*
	 * OUT0 rose: IRQ0 is an edge. The router asserts and deasserts line 0 of the vPIC and
	 * GSI 2 of the vIOAPIC (through the ISA override).
	 */
	void (*irq0_edge)(void *ctx);
	/*
	 * A guest write moved OUT0 itself (a control word sets its initial level, mode 0's count
	 * starts low): IRQ0 follows the level. A rise is an edge as above; a fall withdraws a
	 * request the 8259 has not acknowledged yet (its spurious IR7) and ends a level-triggered
	 * pin's assertion, as OUT0 falling does on a PC.
	 */
	void (*irq0_level)(void *ctx, bool high);
	/* One line of diagnostics, without a newline; rate-limiting is the glue's. */
	void (*log)(void *ctx, enum vpit_log_level level, const char *msg);
};

/* Counters for the boot banner and the exit statistics */
struct vpit_stats {
	uint64_t ticks;			/* IRQ0 edges raised */
	uint64_t coalesced;		/* OUT0 edges merged into a raised one (a check came late) */
	uint64_t clamps;		/* checks a period or more late: next edge taken after now */
	uint64_t min_period_raised;	/* channel-0 periodic counts slowed to min_period_us */
	uint64_t arms;			/* deadlines handed to ops->arm */
};

/* One counter: private to chipset/vpit*.c */
struct vpit_channel {
	uint8_t ctrl;			/* control word bits 5:0 as written: RW, M2-M0, BCD */
	uint8_t mode;			/* 0-5 (written 6 and 7 are 2 and 3) */
	bool gate;
	bool write_msb;			/* write flip-flop: the next byte is the MSB */
	bool read_msb;			/* read flip-flop, likewise */
	uint8_t write_lsb;		/* the LSB written, until its MSB comes */
	bool count_latched;		/* output latch held (counter latch or read-back) */
	uint16_t latch;			/* ... the held count, as read (BCD encoded in BCD mode) */
	bool status_latched;		/* read-back status held: the next read returns it */
	uint8_t status;
	bool null_count;		/* CR written, not yet in the counting element */
	uint32_t cr;			/* count register: 1-65536 (1-10000 in BCD); 0 = none */
	uint64_t switch_at;		/* modes 2, 3: the tick where CR takes over; UINT64_MAX = none */
	bool loaded;			/* the counting element runs count n from tick 0 */
	uint32_t n;			/* its count, 1-65536 */
	uint16_t held;			/* the CE's value while not loaded */
	bool running;			/* ticks advance (gate allows) */
	uint64_t seg_tsc;		/* ticks = seg_ticks + (tsc - seg_tsc) * num / den */
	uint64_t seg_ticks;
	uint64_t num;			/* channel ticks per TSC tick, as a ratio: VPIT_HZ / */
	uint64_t den;			/*   tsc_hz, or n / min period for a slowed channel 0 */
	uint64_t next_edge;		/* the next rising OUT edge, in ticks; UINT64_MAX = none */
};

/* The PIT. All fields are private to chipset/vpit*.c: use the functions below. */
struct vpit {
	const struct vpit_ops *ops;
	void *ctx;
	struct vpit_config cfg;
	uint64_t min_period;		/* TSC ticks; at least VPIT_PERIOD_FLOOR_NS */
	uint64_t epoch;			/* TSC at init: the refresh toggle's phase */
	uint64_t last_now;
	uint8_t port_b;			/* bits 3:0 of port 0x61 as written */
	uint32_t logged_once;
	bool armed;
	uint64_t armed_deadline;
	struct vpit_channel ch[VPIT_CHANNELS];
	struct vpit_stats stats;
};

/*
 * Sets up `p` at host TSC `now` (see vpit_config.bios_state). With bios_state it arms channel
 * 0's first edge through ops->arm. False if the configuration is unusable (tsc_hz out of range).
 */
bool vpit_init(struct vpit *p, const struct vpit_config *cfg, const struct vpit_ops *ops,
	       void *ctx, uint64_t now);
/* True for the ports vpit_io_read/vpit_io_write serve: 0x40-0x43 and 0x61 */
bool vpit_port(uint16_t port);
/* One byte from or to `port` (vpit_port() true) at host TSC `now`; other ports read 0xff. */
uint8_t vpit_io_read(struct vpit *p, uint16_t port, uint64_t now);
void vpit_io_write(struct vpit *p, uint16_t port, uint8_t val, uint64_t now);
/*
 * Raises IRQ0 once if one or more OUT0 rising edges are due at `now` (several coalesce into
 * one, counted), then re-arms for the next edge or cancels. True if it raised IRQ0.
 */
bool vpit_timer_check(struct vpit *p, uint64_t now);
const struct vpit_stats *vpit_stats(const struct vpit *p);

#endif
