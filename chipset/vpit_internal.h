/* SPDX-License-Identifier: MIT */
/* What chipset/vpit*.c share among themselves; nothing here is for the glue. */
#ifndef CHIPSET_VPIT_INTERNAL_H
#define CHIPSET_VPIT_INTERNAL_H

#include "chipset/vpit.h"

/*
 * Control word (82C54 datasheet, "Control Word Format"), written to port 0x43:
 *	bits 7:6  SC	counter select 0-2; 3 = read-back command
 *	bits 5:4  RW	00 counter latch command, 01 LSB only, 10 MSB only, 11 LSB then MSB
 *	bits 3:1  M	mode 0-5 (110 and 111 are modes 2 and 3)
 *	bit 0	  BCD	0 = 16-bit binary, 1 = four BCD decades
 */
#define VPIT_CW_SC_SHIFT	6
#define VPIT_CW_SC_READBACK	3
#define VPIT_CW_RW_SHIFT	4
#define VPIT_CW_RW_MASK		0x30
#define VPIT_RW_LATCH		0
#define VPIT_RW_LSB		1
#define VPIT_RW_MSB		2
#define VPIT_RW_WORD		3
#define VPIT_CW_MODE_SHIFT	1
#define VPIT_CW_BCD		0x01
#define VPIT_CW_LOW_BITS	0x3f	/* RW, M and BCD: what the status byte repeats */

/*
 * Read-back command (SC = 11):
 *	bit 5	COUNT	0 = latch the count of each selected counter
 *	bit 4	STATUS	0 = latch the status of each selected counter
 *	bit 3:1		select counter 2, 1, 0
 * Status byte: bit 7 OUT, bit 6 NULL COUNT, bits 5:0 as the control word's.
 */
#define VPIT_RB_NO_COUNT	0x20
#define VPIT_RB_NO_STATUS	0x10
#define VPIT_RB_SELECT(i)	(2u << (i))
#define VPIT_STATUS_OUT		0x80
#define VPIT_STATUS_NULL	0x40

/* Port B bits (see the table in vpit.h) */
#define VPIT_B_GATE2		0x01
#define VPIT_B_WRITABLE		0x0f
#define VPIT_B_REFRESH		0x10
#define VPIT_B_OUT2		0x20
/* A PC's refresh request every 18 PIT ticks (15.09 us); port B bit 4 flips on each */
#define VPIT_REFRESH_TICKS	18u

#define VPIT_EDGE_NONE		UINT64_MAX

/* One-time diagnostics (vpit.logged_once bits) */
#define VPIT_ONCE_BCD_DIGIT	(1u << 0)	/* a BCD count with a nibble above 9 */
#define VPIT_ONCE_GATE_MODE	(1u << 1)	/* mode 1 or 5 on a channel whose gate can't rise */
#define VPIT_ONCE_MIN_PERIOD	(1u << 2)	/* channel 0 slowed to the minimum period */

/* a * b / c rounded down, and rounded up; saturated at UINT64_MAX */
static inline uint64_t vpit_mul_div(uint64_t a, uint64_t b, uint64_t c)
{
	unsigned __int128 p = (unsigned __int128)a * b;

	if ((uint64_t)(p >> 64) >= c)
		return UINT64_MAX;
	return (uint64_t)(p / c);
}

static inline uint64_t vpit_mul_div_up(uint64_t a, uint64_t b, uint64_t c)
{
	unsigned __int128 p = (unsigned __int128)a * b + c - 1;

	if ((uint64_t)(p >> 64) >= c)
		return UINT64_MAX;
	return (uint64_t)(p / c);
}

static inline bool vpit_periodic(const struct vpit_channel *c)
{
	return c->mode == 2 || c->mode == 3;
}

/* vpit.c */
void vpit_log(struct vpit *p, enum vpit_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool vpit_once(struct vpit *p, uint32_t flag);

/* vpit_counter.c: the counting element against the TSC */
uint64_t vpit_ticks_at(const struct vpit_channel *c, uint64_t now);
uint64_t vpit_edges_until(struct vpit *p, struct vpit_channel *c, uint64_t now);
uint64_t vpit_next_deadline(const struct vpit_channel *c);
bool vpit_out(const struct vpit_channel *c, uint64_t now);
uint32_t vpit_count(const struct vpit_channel *c, uint64_t now);
void vpit_control(struct vpit_channel *c, uint8_t cw, uint64_t now);
void vpit_first_byte(struct vpit_channel *c, uint64_t now);
void vpit_load(struct vpit *p, struct vpit_channel *c, uint16_t raw, uint64_t now);
void vpit_gate(struct vpit *p, struct vpit_channel *c, bool gate, uint64_t now);

#endif
