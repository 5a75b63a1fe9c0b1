/* SPDX-License-Identifier: MIT */
/*
 * Clock calibration against the 8254 PIT, the one clock whose rate every PC (and emulator)
 * gets right: channel 2, gated through port 0x61, counts 1193182 Hz in mode 0 and raises OUT
 * (port 0x61 bit 5) at terminal count.
 */
#include <stdbool.h>
#include <stddef.h>

#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/log.h"
#include "arch/x86/tsc.h"

#define PIT_HZ		1193182u
#define PIT_CH2_DATA	0x42
#define PIT_CMD		0x43
#define PIT_CMD_CH2_MODE0 0xb0	/* channel 2, lo/hi byte access, mode 0, binary */
#define PORT_B		0x61	/* bit 0: ch2 gate, bit 1: speaker data, bit 5: ch2 OUT */
#define PIT_WINDOW	59659u	/* 50 ms */
#define ROUNDS		3

static uint64_t tsc_freq;

uint64_t tsc_hz(void)
{
	return tsc_freq;
}

struct sample {
	uint64_t tsc;
	uint32_t lapic;
};

/* One PIT window: TSC and LAPIC count deltas over exactly PIT_WINDOW PIT ticks. */
static struct sample pit_window(void)
{
	uint8_t b = inb(PORT_B);
	uint64_t t0;
	uint32_t c0;
	struct sample s;

	outb(PORT_B, (uint8_t)((b & ~0x02) & ~0x01));	/* gate low: hold the counter */
	outb(PIT_CMD, PIT_CMD_CH2_MODE0);
	outb(PIT_CH2_DATA, PIT_WINDOW & 0xff);
	outb(PIT_CH2_DATA, PIT_WINDOW >> 8);
	c0 = lapic_timer_current();
	t0 = rdtsc();
	outb(PORT_B, (uint8_t)((b & ~0x02) | 0x01));	/* gate high: count */
	while (!(inb(PORT_B) & 0x20))
		;
	s.tsc = rdtsc() - t0;
	s.lapic = c0 - lapic_timer_current();
	outb(PORT_B, b);
	return s;
}

static uint64_t per_second(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * PIT_HZ) / PIT_WINDOW);
}

/* The frequency CPUID reports, if any: 0x15 (TSC/crystal ratio and crystal Hz), else 0x16. */
static uint64_t cpuid_tsc_hz(const char **source)
{
	struct cpuid_regs r;
	uint32_t max;

	cpuid(0, 0, &r);
	max = r.eax;
	if (max >= 0x15) {
		cpuid(0x15, 0, &r);
		if (r.eax && r.ebx && r.ecx) {
			*source = "CPUID.15H";
			return (uint64_t)r.ecx * r.ebx / r.eax;
		}
	}
	if (max >= 0x16) {
		cpuid(0x16, 0, &r);
		if (r.eax & 0xffff) {
			*source = "CPUID.16H base frequency";
			return (uint64_t)(r.eax & 0xffff) * 1000000;
		}
	}
	return 0;
}

bool clock_calibrate(void)
{
	struct sample best = { ~0ull, 0 };
	const char *source = NULL;
	uint64_t lapic_hz, nominal;

	/* A masked one-shot still counts (SDM 11.5.4): it gives the LAPIC clock. */
	lapic_timer_oneshot(0xffffffffu, 1);
	lapic_timer_stop();
	lapic_timer_oneshot(0xffffffffu, 1);
	/* Shortest window wins: anything that stretched a window (an SMI, say) only adds. */
	for (int i = 0; i < ROUNDS; i++) {
		struct sample s = pit_window();

		if (s.tsc < best.tsc)
			best = s;
	}
	lapic_timer_stop();
	tsc_freq = per_second(best.tsc);
	lapic_hz = per_second(best.lapic);
	lapic_set_timer_hz(lapic_hz);
	if (!tsc_freq || !lapic_hz) {
		pr_err("clock calibration failed: TSC %lu Hz, LAPIC timer %lu Hz against the PIT\n",
		       tsc_freq, lapic_hz);
		return false;
	}
	pr_info("TSC: %lu Hz (%lu.%03lu MHz) measured against the PIT\n", tsc_freq,
		tsc_freq / 1000000, tsc_freq / 1000 % 1000);
	nominal = cpuid_tsc_hz(&source);
	if (nominal) {
		uint64_t diff = nominal > tsc_freq ? nominal - tsc_freq : tsc_freq - nominal;

		if (diff * 100 > tsc_freq)
			pr_info("TSC: %s says %lu Hz, off by more than 1%%: using the "
				"measurement\n", source, nominal);
		else
			pr_info("TSC: %s says %lu Hz, agrees within 1%%\n", source, nominal);
	}
	pr_info("host LAPIC timer clock: %lu Hz measured against the PIT\n", lapic_hz);
	return true;
}
