/* SPDX-License-Identifier: MIT */
/*
 * The VM-exit dispatcher: one table from basic exit reason to handler, each handler in the
 * module that owns the state it touches. A reason without a handler stops the guest with a
 * full diagnostic, never a silent hang.
 */
#ifndef VMX_EXIT_H
#define VMX_EXIT_H

#include "vmx/vcpu.h"

typedef enum vcpu_action (*exit_handler_fn)(struct vcpu *v);

enum vcpu_action vmx_dispatch_exit(struct vcpu *v);

/* Handlers, by owner */
enum vcpu_action handle_cpuid(struct vcpu *v);			/* exit_cpuid.c */
enum vcpu_action handle_rdmsr(struct vcpu *v);			/* exit_msr.c */
enum vcpu_action handle_wrmsr(struct vcpu *v);
enum vcpu_action handle_io(struct vcpu *v);			/* exit_io.c */
enum vcpu_action handle_vmcall(struct vcpu *v);			/* hypercall.c */
enum vcpu_action handle_cr_access(struct vcpu *v);		/* exit_cr.c */
enum vcpu_action handle_xsetbv(struct vcpu *v);
enum vcpu_action handle_ept_violation(struct vcpu *v);		/* exit_fault.c */
enum vcpu_action handle_ept_misconfig(struct vcpu *v);
enum vcpu_action handle_triple_fault(struct vcpu *v);
enum vcpu_action handle_entry_failure(struct vcpu *v);
enum vcpu_action handle_external_interrupt(struct vcpu *v);	/* apic_exits.c */
enum vcpu_action handle_interrupt_window(struct vcpu *v);
enum vcpu_action handle_nmi_window(struct vcpu *v);
enum vcpu_action handle_hlt(struct vcpu *v);
enum vcpu_action handle_preemption_timer(struct vcpu *v);
enum vcpu_action handle_apic_access(struct vcpu *v);
enum vcpu_action handle_apic_write(struct vcpu *v);
enum vcpu_action handle_virtualized_eoi(struct vcpu *v);
enum vcpu_action handle_tpr_below_threshold(struct vcpu *v);

#endif
