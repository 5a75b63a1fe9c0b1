/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the guest's chipset (chipset/: the 8259A pair, the I/O APIC, the 8254 PIT, ELCR
 * and port B, as chipset.c wires them) under any sequence of port and MMIO accesses of every
 * size, time passing, physical lines and EOIs, and interrupt acknowledges. The models must
 * never touch memory outside themselves (AddressSanitizer) nor compute undefined values
 * (UBSan); the PIT's deadline never lies in the past of the time it was armed at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chipset/chipset.h"
#include "tests/fuzz/fuzz_input.h"

#define TSC_HZ		1000000000ull
#define MAX_OPS		1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct env {
	struct chipset c;
	uint64_t now;
	unsigned int posts, nmis;
};

static void env_post(void *ctx, uint8_t vector, bool level)
{
	(void)vector;
	(void)level;
	((struct env *)ctx)->posts++;
}

static void env_nmi(void *ctx)
{
	((struct env *)ctx)->nmis++;
}

static void env_extint(void *ctx)
{
	(void)ctx;
}

static void env_arm(void *ctx, uint64_t deadline)
{
	(void)ctx;
	(void)deadline;
}

static void env_cancel(void *ctx)
{
	(void)ctx;
}

static void env_wanted(void *ctx, unsigned int irq, bool wanted)
{
	(void)ctx;
	(void)wanted;
	FUZZ_CHECK(irq < CHIPSET_ISA_IRQS);
}

static void env_line_eoi(void *ctx, unsigned int irq)
{
	(void)ctx;
	FUZZ_CHECK(irq < CHIPSET_ISA_IRQS);
}

static void env_log(void *ctx, const char *msg)
{
	(void)ctx;
	FUZZ_CHECK(msg && strlen(msg) < 1024);
}

static const struct chipset_ops ops = {
	.post = env_post, .nmi = env_nmi, .extint_changed = env_extint, .timer_arm = env_arm,
	.timer_cancel = env_cancel, .line_wanted = env_wanted, .line_eoi = env_line_eoi,
	.log = env_log,
};

/* The chipset's ports, and now and then any port. */
static uint16_t port(struct fuzz_input *in)
{
	static const uint16_t ports[] = {
		0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x40, 0x41, 0x42, 0x43, 0x61,
		0x600, 0x602, 0x604, 0x608,	/* the ACPI PM1a blocks and PM timer */
	};
	uint8_t b = in_u8(in);

	return b < 240 ? ports[b % (sizeof(ports) / sizeof(ports[0]))] : in_u16(in);
}

static unsigned int size_of(uint8_t b)
{
	return 1u << (b & 3) > 4 ? 4 : 1u << (b & 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct env e;
	struct fuzz_input in = { data, size };
	struct chipset_config cfg = {
		.tsc_hz = TSC_HZ, .min_period_us = in_u8(&in), .ioapic_base = VIOAPIC_DEFAULT_BASE,
		.forward_mask = in_u16(&in),
		.acpi_pm = true,
		.pm = { .evt_port = 0x600, .cnt_port = 0x604, .tmr_port = 0x608, .s5_slp_typ = 5 },
		.sci_irq = 9,
	};
	unsigned int i;
	uint32_t val;
	uint16_t p;
	uint8_t b;

	memset(&e, 0, sizeof(e));
	e.now = 1000;
	if (!chipset_init(&e.c, &cfg, &ops, &e, in_u8(&in), e.now))
		return 0;
	for (i = 0; i < MAX_OPS && in.left; i++) {
		switch (in_u8(&in) % 8) {
		case 0:
		case 1:
			p = port(&in);
			b = in_u8(&in);
			val = in_u32(&in);
			if (chipset_port(&e.c, p))
				chipset_io(&e.c, p, size_of(b), b & 4, &val, e.now);
			break;
		case 2:
			b = in_u8(&in);
			chipset_mmio_read(&e.c, in_u16(&in) & 0xfff, size_of(b), e.now);
			break;
		case 3:
			b = in_u8(&in);
			p = in_u16(&in) & 0xfff;
			chipset_mmio_write(&e.c, p, in_u32(&in), size_of(b), e.now);
			break;
		case 4:
			e.now += in_u8(&in) & 1 ? in_u32(&in) : in_u16(&in);
			chipset_timer_check(&e.c, e.now);
			break;
		case 5:
			/* only the lines given to the guest fire */
			b = in_u8(&in);
			if (cfg.forward_mask & (1u << (b % CHIPSET_ISA_IRQS)))
				chipset_phys_irq(&e.c, b % CHIPSET_ISA_IRQS, b & 0x10, b & 0x20);
			break;
		case 6:
			chipset_eoi(&e.c, in_u8(&in));
			break;
		default:
			if (chipset_extint_pending(&e.c) || chipset_extint_requested(&e.c))
				chipset_extint_ack(&e.c);
			break;
		}
	}
	chipset_stats(&e.c);
	chipset_pit_stats(&e.c);
	return 0;
}
