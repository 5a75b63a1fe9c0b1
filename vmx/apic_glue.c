/* SPDX-License-Identifier: MIT */
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/log.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "vlapic/apic_regs.h"
#include "vmx/apic_glue.h"
#include "vmx/apic_glue_internal.h"
#include "vmx/caps.h"
#include "vmx/hypercall_abi.h"
#include "vmx/msr_bitmap.h"
#include "vmx/vmx_ops.h"

#define MAXPHYADDR_DEFAULT	36

struct apic_glue glue;

static uint64_t op_read_tsc(void *ctx)
{
	(void)ctx;
	return rdtsc();
}

/*
 * The preemption timer counts only in non-root mode, so entry.S reloads it right before every
 * VMRESUME from vcpu->preemption_expiry. SDM 26.5.1: it counts down by 1 each time TSC bit
 * `shift` changes, so a value V loaded at TSC `now` expires at the V-th such change: at or after
 * ((now >> shift) + V) << shift. Rounding the deadline up here, once per arming, leaves the
 * entry path a subtraction, and the exit never comes early. The timer stays enabled in the
 * pin-based controls for the whole run with timer=hv (vmcs.c): arming and cancelling cost no
 * VMWRITE of the controls.
 */
static void op_hv_arm(void *ctx, uint64_t deadline)
{
	struct vcpu *v = glue.vcpu;
	uint64_t expiry = (deadline >> v->preemption_shift) +
			  !!(deadline & ((1ull << v->preemption_shift) - 1));

	(void)ctx;
	/* 0 means "none"; a deadline that rounds to 0 is long past: fire at once. */
	v->preemption_expiry = expiry ? expiry : 1;
}

/* entry.S stops reloading it; the value it holds now must not fire: the farthest there is. */
static void op_hv_cancel(void *ctx)
{
	(void)ctx;
	glue.vcpu->preemption_expiry = 0;
	vmwrite(VMCS_PREEMPTION_TIMER, 0xffffffffu);
}

static void op_sw_arm(void *ctx, uint64_t deadline)
{
	(void)ctx;
	glue.sw_armed = true;
	glue.sw_deadline = deadline;
	glue.host_timer_spent = false;
	lapic_timer_arm_tsc(deadline);
}

/* A host timer that has interrupted is spent (a one-shot at 0, the deadline MSR cleared). */
static void op_sw_cancel(void *ctx)
{
	(void)ctx;
	glue.sw_armed = false;
	if (!glue.host_timer_spent)
		lapic_timer_stop();
}

static void op_interrupt_pending(void *ctx)
{
	(void)ctx;
	glue.irq_dirty = true;
}

/*
 * x2APIC MSR intercepts (SDM 29.5). With "virtualize x2APIC mode" and APIC-register
 * virtualization, an RDMSR of any MSR in 0x800-0x8ff that the bitmap lets through reads the
 * virtual-APIC page, reserved and write-only ones too: only the registers whose value the page
 * holds go through (vlapic_x2apic_read_passthrough: not TMCCT, not PPR without virtual-interrupt
 * delivery, and none whose read must raise #GP). Without APIC-register virtualization a read
 * that doesn't exit would reach the host's own x2APIC: every read exits. Writes of TPR, and with
 * virtual-interrupt delivery of EOI and SELF_IPI, are virtualized; every other write exits so
 * the vLAPIC acts on it.
 */
static void x2apic_intercepts(bool x2apic)
{
	bool virt = x2apic && (glue.vcpu->proc2 & PROC2_VIRTUALIZE_X2APIC);

	for (uint32_t msr = VLAPIC_MSR_X2APIC_FIRST; msr <= VLAPIC_MSR_X2APIC_LAST; msr++) {
		bool read_exits = !(virt && glue.arv &&
				    vlapic_x2apic_read_passthrough(msr, glue.vid));
		bool write_exits = !(virt && (msr == VLAPIC_X2APIC_MSR(VLAPIC_REG_TPR) ||
			(glue.vid && (msr == VLAPIC_X2APIC_MSR(VLAPIC_REG_EOI) ||
				      msr == VLAPIC_X2APIC_MSR(VLAPIC_REG_SELF_IPI)))));

		msr_bitmap_set(glue.msr_bitmap, msr, read_exits, write_exits);
	}
}

/*
 * SDM 29.2 / 27.2.1.1: "virtualize APIC accesses" (xAPIC MMIO) and "virtualize x2APIC mode"
 * exclude each other; pick by the guest's APIC mode. A relocated xAPIC base is refused: the
 * APIC-access page sits at the default base in the EPT.
 */
static bool op_apic_base_changed(void *ctx, enum vlapic_mode mode, uint64_t base)
{
	struct vcpu *v = glue.vcpu;
	uint32_t proc2 = v->proc2;

	(void)ctx;
	if (mode == VLAPIC_MODE_XAPIC && base != VLAPIC_BASE_DEFAULT) {
		pr_warn("vlapic: the guest moved the xAPIC to %#lx: not supported, #GP\n", base);
		return false;
	}
	proc2 &= ~(PROC2_VIRTUALIZE_APIC_ACCESSES | PROC2_VIRTUALIZE_X2APIC);
	if (mode == VLAPIC_MODE_X2APIC)
		proc2 |= vmx_caps.proc2 & PROC2_VIRTUALIZE_X2APIC;
	else
		proc2 |= PROC2_VIRTUALIZE_APIC_ACCESSES;
	v->proc2 = proc2;
	vmwrite(VMCS_PROC_CONTROLS2, proc2);
	x2apic_intercepts(mode == VLAPIC_MODE_X2APIC);
	/*
	 * The vLAPIC resets its page on a disable, after this returns: RVI and SVI must follow the
	 * page, or a stale SVI holds VPPR up (SDM 29.1.3) and blocks lower vectors for good.
	 */
	glue.intr_status_stale = glue.vid;
	glue.irq_dirty = true;
	pr_debug("vlapic: guest APIC now %s\n", mode == VLAPIC_MODE_X2APIC ? "x2APIC" :
		 mode == VLAPIC_MODE_XAPIC ? "xAPIC" : "disabled");
	return true;
}

static void op_log(void *ctx, enum vlapic_log_level level, const char *msg)
{
	static const enum log_level map[] = {
		[VLAPIC_LOG_ERROR] = LOG_ERROR, [VLAPIC_LOG_WARN] = LOG_WARN,
		[VLAPIC_LOG_INFO] = LOG_INFO, [VLAPIC_LOG_DEBUG] = LOG_DEBUG,
	};

	(void)ctx;
	log_printf(map[level], "vlapic: %s\n", msg);
}

static const struct vlapic_ops ops = {
	.read_tsc = op_read_tsc,
	.hv_timer_arm = op_hv_arm,
	.hv_timer_cancel = op_hv_cancel,
	.sw_timer_arm = op_sw_arm,
	.sw_timer_cancel = op_sw_cancel,
	.interrupt_pending = op_interrupt_pending,
	.apic_base_changed = op_apic_base_changed,
	.log = op_log,
};

/*
 * The host LAPIC timer: the sw backend. Its interrupt only marks it spent; apic_glue_timer_check
 * runs right after (vcpu_run dispatches an external-interrupt exit's vector before it, the HLT
 * loop calls it on waking) and decides, so the host timer is programmed once per expiry.
 */
static void host_timer_irq(struct trap_frame *f)
{
	(void)f;
	glue.host_timer_spent = true;
	lapic_eoi();
}

/*
 * An expiry that is due re-arms the host timer through the vLAPIC (op_sw_arm). One that is not
 * leaves it alone, though the host timer may have gone off before the deadline: a one-shot count
 * cut to 32 bits, or an interrupt of an earlier arming that was already pending when the vLAPIC
 * re-armed. Then it is armed again here: it stays armed until the deadline has passed.
 */
bool apic_glue_timer_check(uint64_t now)
{
	bool fired = vlapic_timer_check(&glue.lapic, now);

	if (glue.host_timer_spent) {
		glue.host_timer_spent = false;
		if (glue.sw_armed)
			lapic_timer_arm_tsc(glue.sw_deadline);
	}
	return fired;
}

static uint8_t guest_maxphyaddr(void)
{
	struct cpuid_regs r;

	cpuid(0x80000000, 0, &r);
	if (r.eax < 0x80000008)
		return MAXPHYADDR_DEFAULT;
	cpuid(0x80000008, 0, &r);
	return (uint8_t)(r.eax & 0xff);
}

bool apic_glue_init(struct vcpu *v, const struct boot_options *opts, uint64_t virtual_apic,
		    uint8_t *msr_bitmap)
{
	/*
	 * The preemption timer's field is 32 bits wide and counts TSC >> shift (SDM 25.5.1):
	 * deadlines farther away than that go to the sw timer.
	 */
	uint64_t hv_max = 0xffffffffull << vmx_caps.preemption_timer_shift;
	struct vlapic_config cfg = {
		.apic_id = lapic_id(),
		.bsp = true,
		.x2apic_supported = true,
		.tsc_deadline_supported = true,
		.maxphyaddr = guest_maxphyaddr(),
		.tsc_hz = tsc_hz(),
		.min_period_us = opts->min_period_us,
		.backend = opts->timer == TIMER_SW ? VLAPIC_TIMER_SW : VLAPIC_TIMER_HV,
		/* vmcs.c enabled it for timer=hv where the CPU has it: then it is always usable */
		.hv_available = v->pin & PIN_PREEMPTION_TIMER,
		.hv_max_delta = hv_max,
		.advance_mode = opts->advance_mode == ADVANCE_OFF ? VLAPIC_ADVANCE_OFF :
				opts->advance_mode == ADVANCE_FIXED ? VLAPIC_ADVANCE_FIXED :
				VLAPIC_ADVANCE_AUTO,
		.advance_ns = opts->advance_mode == ADVANCE_FIXED ? opts->advance_ns : 0,
	};

	glue.vcpu = v;
	v->preemption_shift = (uint8_t)vmx_caps.preemption_timer_shift;
	glue.msr_bitmap = msr_bitmap;
	glue.vid = v->proc2 & PROC2_VIRTUAL_INTR_DELIVERY;
	glue.arv = v->proc2 & PROC2_APIC_REGISTER_VIRT;
	/* the x2APIC MSRs stay intercepted, as msr_bitmap_init left them, until x2APIC mode */
	if (!vlapic_init(&glue.lapic, &cfg, &ops, &glue, (void *)(uintptr_t)virtual_apic)) {
		pr_err("vlapic: bad configuration (TSC %lu Hz)\n", cfg.tsc_hz);
		return false;
	}
	irq_register(VEC_HOST_TIMER, host_timer_irq);
	return true;
}

void apic_glue_describe(void)
{
	const struct vlapic_config *c = &glue.lapic.cfg;

	pr_info("vLAPIC timer: %s backend%s; base rate %lu Hz (CPUID.15H, leaf 0x40000010)\n",
		c->backend == VLAPIC_TIMER_HV && c->hv_available ? "hv (VMX-preemption timer)" :
		"sw (host LAPIC timer)",
		c->backend == VLAPIC_TIMER_HV && !c->hv_available ? ", no preemption timer" : "",
		vlapic_timer_hz(&glue.lapic));
	pr_info("vLAPIC delivery: %s; register access: %s\n",
		glue.vid ? "virtual-interrupt delivery (RVI, virtualized EOI)" :
		"event injection with interrupt-window exiting, emulated EOI",
		glue.arv ? "APIC-register virtualization (APIC-write exits)" :
		"APIC-access exits with instruction decoding");
}

/*
 * Virtual-interrupt delivery: RVI = the highest IRR vector (SDM 29.2.1); the CPU does the rest,
 * SVI included, except after an IA32_APIC_BASE change: SVI is then the highest ISR vector of the
 * page as the vLAPIC left it (none after a disable).
 */
static void deliver_vid(void)
{
	int vec = vlapic_highest_irr(&glue.lapic), isv;
	uint64_t status = vmread(VMCS_GUEST_INTR_STATUS);

	status = (status & ~0xffull) | (vec > 0 ? (uint64_t)vec : 0);
	if (glue.intr_status_stale) {
		isv = vlapic_highest_isr(&glue.lapic);
		status = (status & ~0xff00ull) | (isv > 0 ? (uint64_t)isv << 8 : 0);
		glue.intr_status_stale = false;
	}
	vmwrite(VMCS_GUEST_INTR_STATUS, status);
}

static void set_window(struct vcpu *v, bool open)
{
	uint32_t proc = open ? v->proc | PROC_INTR_WINDOW_EXITING :
			v->proc & ~PROC_INTR_WINDOW_EXITING;

	if (proc == v->proc)
		return;
	v->proc = proc;
	vmwrite(VMCS_PROC_CONTROLS, proc);
}

/*
 * The TPR threshold: a TPR-below-threshold exit comes when the guest lowers TPR's class below it
 * (SDM vol. 3C 30.1.2, TPR virtualization). It is the class of the highest IRR vector when TPR
 * holds that vector back, else 0, as in KVM's update_cr8_intercept: VM entry requires it to be
 * at most TPR's class (27.2.1.1, with "virtualize APIC accesses" off: the entry fails), and with
 * APIC accesses virtualized a higher one makes a TPR-below-threshold exit right after the entry
 * (27.7.7), again and again while an in-service vector, not TPR, holds the vector back.
 */
static void update_tpr_threshold(void)
{
	int irr = vlapic_highest_irr(&glue.lapic);
	uint32_t class = irr > 0 ? (uint32_t)irr >> 4 : 0;
	uint32_t thr = class <= vlapic_tpr(&glue.lapic) >> 4 ? class : 0;

	if (thr == glue.tpr_threshold)
		return;
	glue.tpr_threshold = thr;
	vmwrite(VMCS_TPR_THRESHOLD, thr);
}

/*
 * Event injection (SDM 27.6): only when the guest can take an external interrupt now
 * (RFLAGS.IF = 1, no STI/MOV-SS shadow, SDM 26.3.1.5); else an interrupt-window exit brings
 * us back the moment it can. An event already queued for the entry goes first, and the window
 * brings us back after it.
 */
static void deliver_inject(struct vcpu *v)
{
	bool open = true;
	int vec;

	if (!v->event_pending) {
		vec = vlapic_highest_pending(&glue.lapic);
		if (vec < 0) {
			open = false;
			glue.irq_dirty = false;
		} else if ((vmread(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
			   !(vmread(VMCS_GUEST_INTERRUPTIBILITY) &
			     (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))) {
			vmwrite(VMCS_ENTRY_INTR_INFO,
				INTR_INFO_VALID | INTR_TYPE_EXT_INTR | (uint32_t)vec);
			vlapic_ack(&glue.lapic, (uint8_t)vec);
			v->event_pending = true;
			open = false;
			/*
			 * Decide again at the next entry only if IRR holds more; an EOI, a new
			 * vector or a TPR write says so itself (interrupt_pending).
			 */
			glue.irq_dirty = vlapic_highest_irr(&glue.lapic) >= 0;
		}
	}
	update_tpr_threshold();
	set_window(v, open);
}

void apic_glue_before_entry(struct vcpu *v)
{
	if (glue.irq_dirty) {
		if (glue.vid) {
			deliver_vid();
			glue.irq_dirty = false;
		} else {
			deliver_inject(v);
		}
	}
	vlapic_timer_entry(&glue.lapic);
}

/*
 * The exit's own TSC is the time: the preemption timer never exits before its deadline, and a
 * host timer interrupt that comes early is armed again (apic_glue_timer_check).
 */
void apic_glue_after_exit(struct vcpu *v)
{
	if (apic_glue_timer_check(v->exit_tsc))
		glue.timer_exits++;
}

void apic_glue_cpuid_features(uint32_t *ecx)
{
	const struct vlapic_config *c = &glue.lapic.cfg;

	*ecx &= ~(CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE);
	if (c->x2apic_supported)
		*ecx |= CPUID_1_ECX_X2APIC;
	if (c->tsc_deadline_supported)
		*ecx |= CPUID_1_ECX_TSC_DEADLINE;
}

/* CPUID.15H (SDM vol. 2): TSC = crystal * EBX / EAX; the crystal is the APIC timer's clock. */
void apic_glue_cpuid_crystal(uint32_t *eax, uint32_t *ebx, uint32_t *ecx)
{
	*eax = 1;
	*ebx = (uint32_t)vlapic_timer_tsc_ratio(&glue.lapic);
	*ecx = (uint32_t)vlapic_timer_hz(&glue.lapic);
}

uint64_t apic_glue_timer_hz(void)
{
	return vlapic_timer_hz(&glue.lapic);
}

bool apic_glue_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	(void)v;
	return vlapic_msr_read(&glue.lapic, msr, val);
}

bool apic_glue_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	(void)v;
	return vlapic_msr_write(&glue.lapic, msr, val);
}

void apic_glue_fill_stats(struct vcpu *v, struct tv_stats *s)
{
	const struct vlapic_stats *t = vlapic_stats(&glue.lapic);

	(void)v;
	s->timer_exits = glue.timer_exits;
	s->timer_fires = t->fires;
	/*
	 * Expiries the guest got no interrupt of its own for: merged into a tick still pending
	 * in IRR, or skipped while the host was a period or more behind and merged into the one
	 * tick delivered then (vlapic/timer.c).
	 */
	s->timer_coalesced = t->missed + t->clamped;
	s->timer_hv_arms = t->hv_arms;
	s->timer_sw_arms = t->sw_arms;
	s->timer_advance_tsc = (int64_t)vlapic_timer_advance(&glue.lapic);
}

void apic_glue_print_stats(void)
{
	const struct vlapic_stats *t = vlapic_stats(&glue.lapic);
	uint64_t advance = vlapic_timer_advance(&glue.lapic);

	kprintf("tickvisor: vLAPIC timer: %lu expiries (%lu delivered, %lu masked, %lu coalesced "
		"into a pending tick, %lu periods skipped), %lu periodic timers raised to "
		"min_period_us, %lu hv arms, %lu sw arms (%lu out of hv range), advance %lu TSC "
		"ticks (%lu ns), %lu TSC ticks waited for deadlines", t->fires, t->posted,
		t->masked, t->missed, t->clamped, t->min_period_raised, t->hv_arms, t->sw_arms,
		t->hv_range_fallbacks, advance, tsc_to_ns(advance), t->wait_tsc);
	if (t->lateness_samples)
		kprintf(", lateness before wait min %ld max %ld TSC ticks over %lu interrupts",
			t->lateness_min, t->lateness_max, t->lateness_samples);
	kprintf("\n");
}
