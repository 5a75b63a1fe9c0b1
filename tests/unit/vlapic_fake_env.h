/* SPDX-License-Identifier: MIT */
/*
 * A fake platform under the vlapic for the host unit tests: a TSC that moves only when a test
 * moves it (or by tsc_step on every read, so that a spin loop ends), and backends and
 * notifications that only record what they were asked.
 */
#ifndef TESTS_UNIT_VLAPIC_FAKE_ENV_H
#define TESTS_UNIT_VLAPIC_FAKE_ENV_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apic_regs.h"
#include "vlapic/vlapic.h"

#define FAKE_TSC_HZ	1000000000ull	/* 1 GHz: one TSC tick per ns */
#define FAKE_TSC_START	1000000ull	/* where the fake TSC starts */
#define FAKE_APIC_ID	0x123u		/* xAPIC ID 0x23, x2APIC cluster 0x12, bit 3 */

struct fake_env {
	struct vlapic v;
	uint32_t *page;
	uint64_t tsc;
	uint64_t tsc_step;		/* added to tsc after each read */
	bool hv_armed;
	uint64_t hv_deadline;
	unsigned int hv_arm_calls;
	unsigned int hv_cancel_calls;
	bool sw_armed;
	uint64_t sw_deadline;
	unsigned int sw_arm_calls;
	unsigned int sw_cancel_calls;
	unsigned int pending_calls;
	unsigned int eoi_broadcasts;
	uint8_t eoi_broadcast_vector;	/* the last one */
	bool resend_on_eoi;		/* eoi_broadcast posts it again, level (a held line) */
	bool base_refuse;		/* apic_base_changed answers false */
	unsigned int base_calls;
	enum vlapic_mode base_mode;
	uint64_t base_addr;
	unsigned int log_calls;
	enum vlapic_log_level log_level;
	char log_last[160];
};

/* The defaults: 1 GHz TSC, BSP, x2APIC and TSC-deadline, hv backend, 200 us, no advance */
void fake_config(struct vlapic_config *cfg);
struct fake_env *fake_new(const struct vlapic_config *cfg);
/* fake_new with the defaults, changed by `tweak` (may be NULL), and the APIC software-enabled */
struct fake_env *fake_new_enabled_with(void (*tweak)(struct vlapic_config *cfg));
struct fake_env *fake_new_enabled(void);
void fake_free(struct fake_env *f);

/* MMIO and MSR accesses that must succeed */
uint32_t fake_read(struct fake_env *f, uint32_t off);
void fake_write(struct fake_env *f, uint32_t off, uint32_t val);
uint64_t fake_rdmsr(struct fake_env *f, uint32_t msr);
void fake_wrmsr(struct fake_env *f, uint32_t msr, uint64_t val);
/* Starts the timer through LVT timer, TDCR and TMICT, in that order */
void fake_timer_start(struct fake_env *f, uint32_t lvtt, uint32_t tdcr, uint32_t tmict);

/* The armed backend's deadline (hv or sw); fails the test if none is armed */
uint64_t fake_backend_deadline(struct fake_env *f);
/* An exit at the fake TSC: vlapic_timer_check */
bool fake_check(struct fake_env *f);
/* Moves the TSC to the armed backend's deadline and takes the exit */
bool fake_expire(struct fake_env *f);
bool fake_irr(struct fake_env *f, uint8_t vector);
bool fake_isr(struct fake_env *f, uint8_t vector);
/* The guest takes the highest pending interrupt and EOIs it; returns its vector or -1 */
int fake_take_and_eoi(struct fake_env *f);

#endif
