/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "arch/x86/cpu.h"
#include "arch/x86/log.h"
#include "lib/util.h"
#include "vmx/io_dispatch.h"

#define IO_RANGES_MAX	16

struct io_range {
	uint16_t first;
	uint16_t count;
	io_handler_fn fn;
	void *ctx;
};

static struct io_range ranges[IO_RANGES_MAX];
static unsigned int nr_ranges;
static uint8_t *bitmap[2];

/* Until a model is plugged in: nothing answers, as on a bus with no device there. */
static enum vcpu_action absent_hw(struct vcpu *v, void *ctx, uint16_t port, unsigned int size,
				  bool write, uint32_t *val)
{
	(void)v, (void)ctx, (void)port, (void)size;
	if (!write)
		*val = 0xffffffffu;
	return VCPU_RESUME;
}

static void trap(uint16_t port)
{
	uint8_t *bm = bitmap[port >> 15];
	unsigned int bit = port & 0x7fff;

	bm[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

bool io_dispatch_register(uint16_t first, uint16_t count, io_handler_fn fn, void *ctx)
{
	unsigned int end = (unsigned int)first + count;

	for (unsigned int i = 0; i < nr_ranges; i++) {
		struct io_range *r = &ranges[i];

		if (r->first == first && r->count == count) {
			r->fn = fn, r->ctx = ctx;
			return true;
		}
		if (first < r->first + r->count && r->first < end)
			return false;
	}
	if (nr_ranges == IO_RANGES_MAX || !count || end > 0x10000)
		return false;
	ranges[nr_ranges++] = (struct io_range){ first, count, fn, ctx };
	for (unsigned int port = first; port < end; port++)
		trap((uint16_t)port);
	return true;
}

void io_dispatch_init(uint8_t *bitmap_a, uint8_t *bitmap_b)
{
	static const struct { uint16_t first, count; } chipset[] = {
		{ IO_PORT_PIC1, 2 }, { IO_PORT_PIC2, 2 }, { IO_PORT_ELCR, 2 },
		{ IO_PORT_PIT, 4 }, { IO_PORT_B, 1 },
	};

	bitmap[0] = bitmap_a, bitmap[1] = bitmap_b;
	for (unsigned int i = 0; i < ARRAY_SIZE(chipset); i++)
		io_dispatch_register(chipset[i].first, chipset[i].count, absent_hw, NULL);
}

static const struct io_range *find(uint16_t port)
{
	for (unsigned int i = 0; i < nr_ranges; i++)
		if (port >= ranges[i].first && port - ranges[i].first < ranges[i].count)
			return &ranges[i];
	return NULL;
}

enum vcpu_action io_dispatch(struct vcpu *v, uint16_t port, unsigned int size, bool write,
			     uint32_t *val)
{
	const struct io_range *r = find(port);
	uint32_t out = 0;

	if (r && port + size <= r->first + r->count)
		return r->fn(v, r->ctx, port, size, write, val);
	for (unsigned int i = 0; i < size; i++) {
		uint16_t p = (uint16_t)(port + i);
		uint32_t byte = (*val >> (8 * i)) & 0xff;

		r = find(p);
		if (r) {
			if (r->fn(v, r->ctx, p, 1, write, &byte) == VCPU_STOP)
				return VCPU_STOP;
		} else if (write) {
			outb(p, (uint8_t)byte);
		} else {
			byte = inb(p);
		}
		out |= (byte & 0xff) << (8 * i);
	}
	if (!write)
		*val = out;
	return VCPU_RESUME;
}
