/* SPDX-License-Identifier: MIT */
/* The fake platform of vlapic_fake_env.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/vlapic_fake_env.h"

static uint64_t fake_read_tsc(void *ctx)
{
	struct fake_env *f = ctx;
	uint64_t now = f->tsc;

	f->tsc += f->tsc_step;
	return now;
}

static void fake_hv_arm(void *ctx, uint64_t deadline)
{
	struct fake_env *f = ctx;

	f->hv_arm_calls++;
	f->hv_armed = true;
	f->hv_deadline = deadline;
}

static void fake_hv_cancel(void *ctx)
{
	struct fake_env *f = ctx;

	f->hv_cancel_calls++;
	f->hv_armed = false;
}

static void fake_sw_arm(void *ctx, uint64_t deadline)
{
	struct fake_env *f = ctx;

	f->sw_arm_calls++;
	f->sw_armed = true;
	f->sw_deadline = deadline;
}

static void fake_sw_cancel(void *ctx)
{
	struct fake_env *f = ctx;

	f->sw_cancel_calls++;
	f->sw_armed = false;
}

static void fake_pending(void *ctx)
{
	struct fake_env *f = ctx;

	f->pending_calls++;
}

static void fake_eoi_broadcast(void *ctx, uint8_t vector)
{
	struct fake_env *f = ctx;

	f->eoi_broadcasts++;
	f->eoi_broadcast_vector = vector;
	if (f->resend_on_eoi)
		vlapic_set_irq(&f->v, vector, true);
}

static bool fake_base_changed(void *ctx, enum vlapic_mode mode, uint64_t base)
{
	struct fake_env *f = ctx;

	f->base_calls++;
	if (f->base_refuse)
		return false;
	f->base_mode = mode;
	f->base_addr = base;
	return true;
}

static void fake_log(void *ctx, enum vlapic_log_level level, const char *msg)
{
	struct fake_env *f = ctx;

	f->log_calls++;
	f->log_level = level;
	snprintf(f->log_last, sizeof(f->log_last), "%s", msg);
}

static const struct vlapic_ops fake_ops = {
	.read_tsc = fake_read_tsc,
	.hv_timer_arm = fake_hv_arm,
	.hv_timer_cancel = fake_hv_cancel,
	.sw_timer_arm = fake_sw_arm,
	.sw_timer_cancel = fake_sw_cancel,
	.interrupt_pending = fake_pending,
	.eoi_broadcast = fake_eoi_broadcast,
	.apic_base_changed = fake_base_changed,
	.log = fake_log,
};

void fake_config(struct vlapic_config *cfg)
{
	*cfg = (struct vlapic_config){
		.apic_id = FAKE_APIC_ID,
		.bsp = true,
		.x2apic_supported = true,
		.tsc_deadline_supported = true,
		.maxphyaddr = 39,
		.tsc_hz = FAKE_TSC_HZ,
		.min_period_us = 200,
		.backend = VLAPIC_TIMER_HV,
		.hv_available = true,
		.advance_mode = VLAPIC_ADVANCE_OFF,
	};
}

struct fake_env *fake_new(const struct vlapic_config *cfg)
{
	struct fake_env *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->page = aligned_alloc(4096, 4096);
	assert_non_null(f->page);
	memset(f->page, 0xa5, 4096);	/* init must clear it */
	f->tsc = FAKE_TSC_START;
	assert_true(vlapic_init(&f->v, cfg, &fake_ops, f, f->page));
	return f;
}

struct fake_env *fake_new_enabled_with(void (*tweak)(struct vlapic_config *cfg))
{
	struct vlapic_config cfg;
	struct fake_env *f;

	fake_config(&cfg);
	if (tweak)
		tweak(&cfg);
	f = fake_new(&cfg);
	fake_write(f, APIC_REG_SVR, APIC_SVR_ENABLE | 0xff);
	return f;
}

struct fake_env *fake_new_enabled(void)
{
	return fake_new_enabled_with(NULL);
}

void fake_free(struct fake_env *f)
{
	free(f->page);
	free(f);
}

uint32_t fake_read(struct fake_env *f, uint32_t off)
{
	uint32_t val;

	assert_true(vlapic_mmio_read(&f->v, off, &val));
	return val;
}

void fake_write(struct fake_env *f, uint32_t off, uint32_t val)
{
	assert_true(vlapic_mmio_write(&f->v, off, val));
}

uint64_t fake_rdmsr(struct fake_env *f, uint32_t msr)
{
	uint64_t val;

	assert_true(vlapic_msr_read(&f->v, msr, &val));
	return val;
}

void fake_wrmsr(struct fake_env *f, uint32_t msr, uint64_t val)
{
	assert_true(vlapic_msr_write(&f->v, msr, val));
}

void fake_timer_start(struct fake_env *f, uint32_t lvtt, uint32_t tdcr, uint32_t tmict)
{
	fake_write(f, APIC_REG_LVT_TIMER, lvtt);
	fake_write(f, APIC_REG_TDCR, tdcr);
	fake_write(f, APIC_REG_TMICT, tmict);
}

uint64_t fake_backend_deadline(struct fake_env *f)
{
	/* never both: the vlapic hands a deadline to one backend at a time */
	assert_false(f->hv_armed && f->sw_armed);
	assert_true(f->hv_armed || f->sw_armed);
	return f->hv_armed ? f->hv_deadline : f->sw_deadline;
}

bool fake_check(struct fake_env *f)
{
	return vlapic_timer_check(&f->v, f->tsc);
}

bool fake_expire(struct fake_env *f)
{
	uint64_t deadline = fake_backend_deadline(f);

	if (f->tsc < deadline)
		f->tsc = deadline;
	return fake_check(f);
}

static bool fake_vec(struct fake_env *f, uint32_t base, uint8_t vector)
{
	return f->page[(base + (vector / 32) * 0x10) / 4] & (1u << (vector % 32));
}

bool fake_irr(struct fake_env *f, uint8_t vector)
{
	return fake_vec(f, APIC_REG_IRR, vector);
}

bool fake_isr(struct fake_env *f, uint8_t vector)
{
	return fake_vec(f, APIC_REG_ISR, vector);
}

int fake_take_and_eoi(struct fake_env *f)
{
	int vector = vlapic_highest_pending(&f->v);

	if (vector < 0)
		return -1;
	assert_true(vlapic_ack(&f->v, vector));
	fake_write(f, APIC_REG_EOI, 0);
	return vector;
}
