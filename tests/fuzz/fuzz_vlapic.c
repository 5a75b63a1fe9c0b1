/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the vLAPIC's guest interface (vlapic/) on the unit tests' fake platform
 * (tests/unit/vlapic_fake_env.c): every input is a sequence of operations a guest and the exit
 * handlers can cause: xAPIC MMIO reads and writes of any offset, trap-like APIC-write exits
 * (the page already holding the guest's value), RDMSR/WRMSR of IA32_APIC_BASE,
 * IA32_TSC_DEADLINE and the x2APIC range, time passing with the timer checks of the exit path,
 * interrupts posted, acknowledged and EOIed, LINT lines, NMIs, HLT. After every operation the
 * model must hold together: one backend armed at most, the highest pending vector a vector,
 * TMCCT not above TMICT (SDM 11.5.4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_input.h"
#include "tests/unit/vlapic_fake_env.h"

#define MAX_OPS		512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Offsets: registers mostly, now and then any byte of the page. */
static uint32_t offset(struct fuzz_input *in)
{
	uint8_t b = in_u8(in);

	return b & 0x80 ? in_u16(in) & 0xfff : (b & 0x3f) << 4;
}

static uint32_t msr(struct fuzz_input *in)
{
	switch (in_u8(in) & 7) {
	case 0: return MSR_IA32_APIC_BASE;
	case 1: return MSR_IA32_TSC_DEADLINE;
	case 2: return in_u32(in);
	default: return MSR_X2APIC_FIRST + in_u8(in);
	}
}

static void invariants(struct fake_env *f)
{
	uint32_t cur, init;
	int irr = vlapic_highest_irr(&f->v), isr = vlapic_highest_isr(&f->v);

	FUZZ_CHECK(!(f->hv_armed && f->sw_armed));
	FUZZ_CHECK(irr >= -1 && irr <= 255);
	FUZZ_CHECK(isr >= -1 && isr <= 255);
	if (vlapic_mode(&f->v) == VLAPIC_MODE_XAPIC &&
	    vlapic_mmio_read(&f->v, APIC_REG_TMICT, &init) &&
	    vlapic_mmio_read(&f->v, APIC_REG_TMCCT, &cur))
		FUZZ_CHECK(cur <= init);
}

static void run(struct fake_env *f, struct fuzz_input *in)
{
	uint32_t off, val;
	uint64_t v64;
	int vec;

	switch (in_u8(in) % 14) {
	case 0:
		vlapic_mmio_read(&f->v, offset(in), &val);
		break;
	case 1:
		off = offset(in);
		vlapic_mmio_write(&f->v, off, in_u32(in));
		break;
	case 2:
		/* APIC-register virtualization stored the value; the exit reports the offset */
		off = offset(in) & ~3u;
		f->page[off / 4] = in_u32(in);
		vlapic_apic_write(&f->v, off);
		break;
	case 3:
		vlapic_msr_read(&f->v, msr(in), &v64);
		break;
	case 4:
		off = msr(in);
		vlapic_msr_write(&f->v, off, in_u64(in));
		break;
	case 5:
		/* time passes, then the exit path's timer check */
		f->tsc += in_u8(in) & 1 ? in_u32(in) : in_u16(in);
		vlapic_timer_check(&f->v, f->tsc);
		break;
	case 6:
		vlapic_timer_entry(&f->v);
		break;
	case 7:
		vlapic_set_irq(&f->v, in_u8(in), in_u8(in) & 1);
		break;
	case 8:
		vec = vlapic_highest_pending(&f->v);
		if (vec >= 0 && vlapic_ack(&f->v, (uint8_t)vec) && (in_u8(in) & 1))
			vlapic_eoi_exit(&f->v, (uint8_t)vec);
		break;
	case 9:
		vlapic_lint(&f->v, in_u8(in) & 1, in_u8(in) & 1);
		break;
	case 10:
		vlapic_nmi(&f->v);
		if (vlapic_nmi_pending(&f->v))
			vlapic_nmi_ack(&f->v);
		break;
	case 11:
		vlapic_vcpu_blocking(&f->v, f->tsc);
		f->tsc += in_u16(in);
		vlapic_vcpu_unblocking(&f->v);
		break;
	case 12:
		if (vlapic_extint_pending(&f->v))
			vlapic_set_irq(&f->v, in_u8(in), false);
		break;
	default:
		/* the tuned timer advance and the stats are read by the exit statistics */
		vlapic_timer_advance(&f->v);
		vlapic_stats(&f->v);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct fake_env *f;
	unsigned int i;

	struct vlapic_config cfg;
	uint8_t how = in_u8(&in);

	/*
	 * The first bytes: the configuration core/main.c could pass (backend, advance, periodic
	 * floor, the preemption timer's reach, the TSC rate), and power-up or software-enabled.
	 */
	fake_config(&cfg);
	cfg.backend = how & 1 ? VLAPIC_TIMER_SW : VLAPIC_TIMER_HV;
	cfg.advance_mode = (how >> 1) % 3 == 0 ? VLAPIC_ADVANCE_OFF : (how >> 1) % 3 == 1 ?
			   VLAPIC_ADVANCE_FIXED : VLAPIC_ADVANCE_AUTO;
	cfg.advance_ns = in_u32(&in) % 1000001;
	cfg.min_period_us = how & 8 ? in_u16(&in) : 200;
	cfg.hv_max_delta = how & 16 ? in_u32(&in) : 0;
	cfg.tsc_hz = how & 32 ? 1 + (uint64_t)in_u32(&in) : FAKE_TSC_HZ;
	cfg.x2apic_supported = !(how & 64);
	f = fake_new(&cfg);
	/*
	 * Every TSC read moves time on by at least 100 ns, as a real one does: a register access
	 * inside the advance window waits for the expiry (vlapic/timer.c access_time()).
	 */
	f->tsc_step = cfg.tsc_hz / 10000000 + (in_u8(&in) & 15);
	if (!f->tsc_step)
		f->tsc_step = 1;
	if (how & 128)
		fake_write(f, APIC_REG_SVR, 0x1ff);
	for (i = 0; i < MAX_OPS && in.left; i++) {
		run(f, &in);
		invariants(f);
	}
	fake_free(f);
	return 0;
}
